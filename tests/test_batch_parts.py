"""The parts of a batch: names, inputs, atomic files, journal, budget, rate gate."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from summarizer.batch.atomic import remove_stale_temps, write_atomic
from summarizer.batch.budget import Budget
from summarizer.batch.inputs import discover
from summarizer.batch.journal import Journal
from summarizer.batch.naming import Namer, slug
from summarizer.engines.llm.ratelimit import MAX_PAUSE, RateGate
from summarizer.schema import Usage

# -- names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("杭州市2025年政府工作报告.txt", "杭州市2025年政府工作报告"),
        ("../../etc/passwd", "passwd"),
        ("..", "report"),
        ("a/b\\c.pdf", "c"),
        ("  报告 (定稿) .docx", "报告-定稿"),
        (".hidden", "hidden"),
        ("ＡＢＣ１２３.txt", "ABC123"),
        ("x\x00y\n.txt", "x-y"),
        ("", "report"),
    ],
)
def test_slug_is_safe_and_readable(name: str, expected: str) -> None:
    assert slug(name) == expected


def test_slug_is_length_limited() -> None:
    assert len(slug("长" * 500 + ".txt")) == 48


def test_namer_lengthens_the_hash_only_on_collision() -> None:
    namer = Namer()
    first = namer.name("报告.txt", "a" * 10 + "1" * 54)
    second = namer.name("报告.txt", "a" * 10 + "2" * 54)
    assert first == "报告-aaaaaaaaaa"
    assert second == "报告-aaaaaaaaaa222222"
    assert namer.name("报告.txt", "a" * 10 + "1" * 54) == first


# -- inputs ------------------------------------------------------------------------------


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_discover_files_folders_globs_and_duplicates(tmp_path: Path) -> None:
    a = _write(tmp_path / "in" / "a.txt", "甲")
    _write(tmp_path / "in" / "sub" / "b.md", "乙")
    _write(tmp_path / "in" / "sub" / "copy.html", "甲")  # same bytes as a.txt
    _write(tmp_path / "in" / "notes.json", "{}")  # not a report format: skipped in folders
    _write(tmp_path / "in" / ".hidden.txt", "丙")
    _write(tmp_path / "in" / "out" / "old.md", "丁")  # the output folder is never read
    _write(tmp_path / "g" / "x1.txt", "戊")
    found = discover(
        [str(tmp_path / "in"), str(a), str(tmp_path / "g" / "*.txt"), str(tmp_path / "nope")],
        exclude=tmp_path / "in" / "out",
    )
    by_name = {Path(f.source).name: f for f in found}
    assert set(by_name) == {"a.txt", "b.md", "copy.html", "x1.txt", "nope", ".hidden.txt"}
    assert by_name[".hidden.txt"].status == "skipped"  # named, never read
    assert by_name[".hidden.txt"].sha256 is None
    assert [f.status for f in found].count("unique") == 3
    assert by_name["copy.html"].status == "duplicate"
    assert by_name["copy.html"].duplicate_of == str(a)
    assert by_name["nope"].status == "problem"
    assert "no such file" in (by_name["nope"].reason or "")


def test_a_glob_matching_nothing_is_a_problem(tmp_path: Path) -> None:
    (found,) = discover([str(tmp_path / "*.pdf")])
    assert found.status == "problem" and "matches no file" in (found.reason or "")


# -- atomic files ------------------------------------------------------------------------


def test_write_atomic_replaces_whole_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    write_atomic(target, "旧")
    write_atomic(target, "新内容")
    assert target.read_text(encoding="utf-8") == "新内容"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_stale_temps_of_a_killed_run_are_removed(tmp_path: Path) -> None:
    (tmp_path / ".r.json.0123abcd.tmp").write_text("半")
    (tmp_path / "keep.tmp").write_text("user file")
    assert remove_stale_temps(tmp_path) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.tmp"]


# -- journal -----------------------------------------------------------------------------


def test_journal_survives_a_torn_last_line(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    journal = Journal(path)
    journal.append("k1", stem="a", note="完成")
    journal.append("k2", stem="b")
    with open(path, "ab") as handle:
        handle.write(b'{"v": 1, "key": "k3", "st')  # killed mid-append
    reopened = Journal(path)
    assert set(reopened.records) == {"k1", "k2"}
    assert reopened.records["k1"]["note"] == "完成"
    reopened.append("k3", stem="c")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["key"] for line in lines] == ["k1", "k2", "k3"]


def test_journal_ignores_garbage_lines(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    path.write_text('not json\n[1]\n{"v": 1, "key": "k", "stem": "s"}\n', encoding="utf-8")
    journal = Journal(path)
    assert list(journal.records) == ["k"] and journal.bad_lines == 2


# -- budget ------------------------------------------------------------------------------


def _usage(tokens: int, cost: float | None = None) -> Usage:
    return Usage(calls=1, tokens_in=tokens, tokens_out=0, cost_usd=cost)


def test_budget_refuses_a_start_that_would_pass_the_limit() -> None:
    budget = Budget(max_tokens=250)
    assert budget.try_start()
    budget.finish(_usage(100))
    assert budget.try_start()
    budget.finish(_usage(100))
    assert not budget.try_start()  # 200 spent + ~100 expected > 250
    assert budget.reached and budget.tokens == 200


def test_budget_counts_reports_in_flight() -> None:
    budget = Budget(max_cost=0.35)
    assert budget.try_start()
    budget.finish(_usage(10, cost=0.1))
    assert budget.try_start()  # 0.1 + 0.1
    assert budget.try_start()  # 0.1 + 0.2
    assert not budget.try_start()  # 0.1 + 0.3 > 0.35


def test_with_a_budget_the_first_report_runs_alone() -> None:
    budget = Budget(max_tokens=1000)
    assert budget.try_start()
    started = threading.Event()
    second = threading.Thread(target=lambda: budget.try_start() and started.set())
    second.start()
    assert not started.wait(0.3)  # no estimate yet: the second waits for the first
    budget.finish(_usage(100))
    second.join(timeout=10)
    assert started.is_set() and budget.in_flight == 1


def test_no_budget_never_refuses() -> None:
    budget = Budget()
    for _ in range(100):
        assert budget.try_start()
        budget.finish(_usage(10_000))
    assert not budget.reached


# -- rate gate ---------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_pause_extends_and_never_shortens() -> None:
    clock = FakeClock()
    gate = RateGate(clock)
    assert gate.remaining() == 0
    gate.pause(30)
    gate.pause(5)
    assert gate.remaining() == 30
    clock.now += 10
    gate.pause(40)
    assert gate.remaining() == 40
    gate.pause(10_000)
    assert gate.remaining() == MAX_PAUSE
    for bad in (None, 0, -3, float("nan")):
        gate.pause(bad)
    assert gate.remaining() == MAX_PAUSE


def test_wait_blocks_every_caller_until_the_pause_ends() -> None:
    clock = FakeClock()
    gate = RateGate(clock)
    assert gate.wait() == 0  # open: returns at once
    gate.pause(60)
    released = threading.Event()
    waiters = [threading.Thread(target=lambda: (gate.wait(), released.set())) for _ in range(3)]
    for waiter in waiters:
        waiter.start()
    assert not released.wait(0.3)  # the fake clock has not moved: all still blocked
    assert all(waiter.is_alive() for waiter in waiters)
    clock.now += 61
    for waiter in waiters:
        waiter.join(timeout=10)
    assert not any(waiter.is_alive() for waiter in waiters)
