"""Files that are not regular files: devices, pipes, sockets, link loops and dangling links.

The loader refuses each with one line and exit code 2, never blocking on a pipe or reading a
device without end; a batch reports each in its manifest and summarises the good reports.
The command-line tests run in a subprocess with a generous timeout: a hang fails them.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from summarizer.batch import BatchSettings, run_batch
from summarizer.errors import InputError
from summarizer.report import load
from summarizer.report.load import MAX_FILE_BYTES, file_problem, load_path
from tests.conftest import ROOT, SEEDS

LIMIT = max(MAX_FILE_BYTES.values())


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    return path


@pytest.fixture
def unix_socket(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "sock.txt"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    yield path
    server.close()


def summarize_cli(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "summarizer", "summarize", str(path), "-q"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=10,  # a FIFO used to hang forever and /dev/zero to run out of memory
    )


def refused(result: subprocess.CompletedProcess[str], what: str) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and what in lines[0]
    assert "Traceback" not in result.stderr


def test_dev_zero_is_refused_at_once():
    refused(summarize_cli(Path("/dev/zero")), "is a character device, not a regular file")


def test_a_fifo_is_refused_without_waiting_for_a_writer(fifo: Path):
    refused(summarize_cli(fifo), "is a named pipe (FIFO), not a regular file")


def test_a_socket_is_refused(unix_socket: Path):
    refused(summarize_cli(unix_socket), "is a socket, not a regular file")


def test_links_that_lead_nowhere_are_refused(tmp_path: Path):
    loop, other, dangling = tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "gone.txt"
    loop.symlink_to(other)
    other.symlink_to(loop)
    dangling.symlink_to(tmp_path / "missing.txt")
    refused(summarize_cli(loop), "a symbolic link loop")
    refused(summarize_cli(dangling), "a symbolic link to a missing file")


def test_a_link_to_a_report_is_read(tmp_path: Path):
    link = tmp_path / "report.txt"
    link.symlink_to(next(SEEDS.glob("003_*.txt")))
    assert "政府工作报告" in load_path(link).text


def test_the_problem_is_named_without_opening_the_file(fifo: Path, unix_socket: Path):
    assert file_problem(Path("/dev/null")) == "is a character device, not a regular file"
    assert file_problem(fifo) == "is a named pipe (FIFO), not a regular file"
    assert file_problem(unix_socket) == "is a socket, not a regular file"
    assert file_problem(fifo.parent) == "is a directory, not a file"
    assert file_problem(next(SEEDS.glob("003_*.txt"))) is None


def test_a_file_swapped_for_a_pipe_after_the_check_is_refused(fifo: Path, monkeypatch):
    """The check on the path passes (as if a regular file stood there), the opened descriptor
    is a pipe: refused, and the open did not block (a blocking open would wait forever)."""
    regular = os.stat(next(SEEDS.glob("003_*.txt")))
    monkeypatch.setattr(load.os, "stat", lambda path: regular)
    with pytest.raises(InputError, match="is a named pipe"):
        load_path(fifo)


def test_reading_stops_past_the_limit_whatever_the_size_says(tmp_path: Path, monkeypatch):
    big = tmp_path / "big.txt"
    with open(big, "wb") as handle:
        handle.truncate(LIMIT + 4096)  # sparse: quick to make
    real_fstat, real_read = os.fstat, os.read
    read = []

    def no_size(fd: int) -> os.stat_result:  # a file system that reports no size, like /proc
        info = list(real_fstat(fd))
        info[6] = 0  # st_size
        return os.stat_result(info)

    def counted(fd: int, n: int) -> bytes:
        data = real_read(fd, n)
        read.append(len(data))
        return data

    monkeypatch.setattr(load.os, "fstat", no_size)
    monkeypatch.setattr(load.os, "read", counted)
    with pytest.raises(InputError, match=r"the file is 50.0 MiB, over the \d+ MiB limit"):
        load_path(big)
    assert sum(read) == LIMIT + 1


# -- batch ---------------------------------------------------------------------------------
def hostile_folder(folder: Path) -> list[Path]:
    """Two good reports beside a link loop, a dangling link, a link to /dev/zero, a FIFO and a
    link to a folder holding itself; the good reports are returned."""
    folder.mkdir()
    good = []
    for seed in sorted(SEEDS.glob("00[34]_*.txt")):
        path = folder / seed.name
        path.write_bytes(seed.read_bytes())
        good.append(path)
    (folder / "loop1.txt").symlink_to("loop2.txt")
    (folder / "loop2.txt").symlink_to("loop1.txt")
    (folder / "dangling.txt").symlink_to(folder / "missing.txt")
    (folder / "zero.txt").symlink_to("/dev/zero")
    os.mkfifo(folder / "pipe.txt")
    (folder / "again").symlink_to(".")
    return good


def test_a_batch_reports_every_special_file_and_summarises_the_rest(tmp_path: Path):
    good = hostile_folder(tmp_path / "in")
    result = run_batch([str(tmp_path / "in")], tmp_path / "out", BatchSettings())
    reasons = {Path(f["source"]).name: f["reason"] for f in result.manifest["failures"]}
    assert reasons == {
        "dangling.txt": "a symbolic link to a missing file",
        "loop1.txt": "a symbolic link loop",
        "loop2.txt": "a symbolic link loop",
        "pipe.txt": "is a named pipe (FIFO), not a regular file",
        "zero.txt": "is a character device, not a regular file",
    }
    assert result.manifest["counts"]["summarised"] == len(good) == 2
    assert len(list((tmp_path / "out" / "reports").glob("*.json"))) == 2
    assert result.exit_code == 1


def test_batch_cli_on_a_hostile_folder_finishes_without_a_traceback(tmp_path: Path):
    hostile_folder(tmp_path / "in")
    result = subprocess.run(
        [sys.executable, "-m", "summarizer", "batch", str(tmp_path / "in"), "--out",
         str(tmp_path / "out"), "-q"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1 and "Traceback" not in result.stderr
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["summarised"] == 2 and manifest["counts"]["failed"] == 5
    index = (tmp_path / "out" / "index.jsonl").read_text(encoding="utf-8").splitlines()
    assert sum(json.loads(line)["status"] == "failed" for line in index) == 5
