"""The worker-process pool of the rules engine: values and errors come back, a call past the
time limit or a worker that dies fails alone, and the pool goes on; a batch at concurrency 2
writes what it writes at concurrency 1; a SIGKILLed batch leaves no worker behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from summarizer.batch import BatchSettings, run_batch
from summarizer.batch.workers import WorkerDied, WorkerPool, WorkTimeout
from summarizer.errors import InputError
from tests import worker_fakes
from tests.conftest import ROOT, SEEDS


def test_values_come_back_from_as_many_processes_as_the_pool_has():
    with WorkerPool(2) as pool, ThreadPoolExecutor(4) as threads:
        squares = list(threads.map(lambda x: pool.call(worker_fakes.square, x), range(20)))
        pids = set(threads.map(lambda _: pool.call(worker_fakes.pid), range(20)))
    assert squares == [x * x for x in range(20)]
    assert 1 <= len(pids) <= 2 and os.getpid() not in pids


def test_errors_come_back_with_their_type_and_message():
    with WorkerPool(1) as pool:
        with pytest.raises(InputError, match="not a report"):
            pool.call(worker_fakes.refuse, "not a report")
        with pytest.raises(RuntimeError, match="_Unpicklable: odd"):
            pool.call(worker_fakes.unpicklable)
        assert pool.call(worker_fakes.say_hello) == "ok"  # printing does not corrupt replies
        assert pool.call(worker_fakes.square, 3) == 9  # and the worker goes on


def test_a_call_past_the_time_limit_is_stopped_and_the_pool_goes_on():
    with WorkerPool(1) as pool:
        first = pool.call(worker_fakes.pid)
        started = time.monotonic()
        with pytest.raises(WorkTimeout, match="longer than 1 s"):
            pool.call(worker_fakes.hang, 60, time_limit=1.0)
        assert time.monotonic() - started < 10
        assert pool.call(worker_fakes.square, 4) == 16  # a new worker took its place
        assert pool.call(worker_fakes.pid) != first
    with pytest.raises(ProcessLookupError):
        os.kill(first, 0)  # the stopped worker is gone


def test_a_worker_that_dies_fails_its_call_only():
    with WorkerPool(1) as pool:
        with pytest.raises(WorkerDied, match="exit code 9"):
            pool.call(worker_fakes.die)
        assert pool.call(worker_fakes.square, 5) == 25


def _variants(folder: Path, count: int) -> None:
    folder.mkdir(parents=True)
    seeds = sorted(SEEDS.glob("*.txt"))
    for i in range(count):
        text = seeds[i % len(seeds)].read_text(encoding="utf-8")
        (folder / f"{i:02d}.txt").write_text(f"{text}\n（编号：{i}）\n", encoding="utf-8")


def _written(out: Path) -> dict[str, bytes]:
    files = {f"reports/{p.name}": p.read_bytes() for p in (out / "reports").iterdir()}
    return files | {name: (out / name).read_bytes() for name in ("index.jsonl", "targets.csv")}


def test_a_batch_writes_the_same_at_any_concurrency(tmp_path: Path):
    _variants(tmp_path / "in", 8)
    one = run_batch([str(tmp_path / "in")], tmp_path / "one", BatchSettings(concurrency=1))
    two = run_batch([str(tmp_path / "in")], tmp_path / "two", BatchSettings(concurrency=2))
    assert one.exit_code == two.exit_code == 0
    assert one.manifest["counts"]["summarised"] == 8
    assert _written(tmp_path / "one") == _written(tmp_path / "two")
    assert all(o.seconds > 0 for o in two.outcomes)  # timed, not written


def _workers_of(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"summarizer.batch.worker_main" in command and str(parent).encode() in command:
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_a_sigkilled_batch_leaves_no_worker_behind(tmp_path: Path):
    _variants(tmp_path / "in", 40)
    batch = subprocess.Popen(
        [sys.executable, "-m", "summarizer", "batch", str(tmp_path / "in"), "--out",
         str(tmp_path / "out"), "--concurrency", "2", "--quiet"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not _workers_of(batch.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    workers = _workers_of(batch.pid)
    assert workers, "no worker started"
    os.kill(batch.pid, signal.SIGKILL)
    batch.wait()
    deadline = time.monotonic() + 10
    while _workers_of(batch.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _workers_of(batch.pid) == []


def test_a_time_limit_stops_a_runaway_regex_in_the_main_thread():
    import re

    from summarizer.cli._common import time_limit

    started = time.monotonic()
    with pytest.raises(WorkTimeout, match="x.txt: took longer than 0.5 s"), time_limit(0.5, "x.txt"):
        re.match(r"(a+)+$", "a" * 40 + "b")  # catastrophic backtracking, inside C
    assert time.monotonic() - started < 5
