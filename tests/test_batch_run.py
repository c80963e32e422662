"""A batch run end to end through the library, with a scripted engine (a test double)."""

from __future__ import annotations

import csv
import json
import threading
from pathlib import Path

import pytest

from summarizer.batch import BatchSettings, run_batch
from summarizer.batch.journal import JOURNAL_NAME
from summarizer.errors import EngineError, InputError
from summarizer.schema import EngineInfo, ReportMeta, ReportSummary, Target, Usage


class FakeEngine:
    """Test double for the library call: region and growth read from a tiny text file.

    A file containing 失败 raises EngineError, as the model failing after retries would.
    """

    def __init__(self, tokens: int = 120) -> None:
        self.tokens = tokens
        self.seen: list[str] = []
        self.lock = threading.Lock()

    def __call__(self, path: Path) -> ReportSummary:
        text = path.read_text(encoding="utf-8")
        with self.lock:
            self.seen.append(path.name)
        if "失败" in text:
            raise EngineError(f"{path.name}: the model gave no valid answer after 3 attempts")
        region, growth = text.split()[:2]
        return ReportSummary(
            meta=ReportMeta(region=region, year=2025, source_name=path.name),
            targets=[
                Target(
                    indicator="地区生产总值",
                    target=f"增长{growth}%左右",
                    values=[float(growth)],
                    unit="%",
                    qualifier="左右",
                    kind="growth",
                )
            ],
            engine=EngineInfo(
                name="fake",
                usage=Usage(calls=2, tokens_in=self.tokens - 20, tokens_out=20, seconds=0.5),
            ),
        )


def make_inputs(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"{i:02d} 市{i}/报告.txt".replace("/", "_")
        path.write_text(f"城市{i} {5 + i / 10:.1f}", encoding="utf-8")
        paths.append(path)
    return paths


def read_index(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "index.jsonl").read_text("utf-8").splitlines()]


def test_outputs_index_targets_and_manifest(tmp_path: Path) -> None:
    inputs = make_inputs(tmp_path / "in", 4)
    (tmp_path / "in" / "dup.txt").write_bytes(inputs[1].read_bytes())
    out = tmp_path / "out"
    engine = FakeEngine()
    result = run_batch([str(tmp_path / "in")], out, BatchSettings(concurrency=3), summarize=engine)

    assert result.exit_code == 0
    assert len(engine.seen) == 4  # the duplicate is summarised once
    index = read_index(out)
    assert [line["status"] for line in index].count("ok") == 4
    (dup,) = [line for line in index if line["status"] == "duplicate"]
    assert dup["duplicate_of"] == str(inputs[1])
    for line in index:
        if line["status"] == "ok":
            summary = ReportSummary.model_validate_json((out / line["json"]).read_text("utf-8"))
            assert summary.engine.usage.seconds == 0  # run-dependent; kept in the journal
            assert "城市" in (out / line["markdown"]).read_text("utf-8")
            assert (out / line["json"]).parent == out / "reports"
    with open(out / "targets.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 4
    assert {
        "report",
        "region",
        "year",
        "indicator",
        "target",
        "unit",
        "qualifier",
        "grounded",
    } <= set(rows[0])
    assert sorted(row["region"] for row in rows) == ["城市0", "城市1", "城市2", "城市3"]

    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["status"] == "complete"
    assert manifest["counts"] | {} == {
        "files": 5,
        "reports": 4,
        "duplicates": 1,
        "summarised": 4,
        "resumed": 0,
        "failed": 0,
        "not_started": 0,
    }
    assert manifest["usage"]["this_run"]["tokens"] == 480
    assert manifest["usage"]["this_run"]["calls"] == 8
    assert manifest["usage"]["this_run"]["engine_seconds"] == 2.0
    assert not [p for p in out.rglob("*.tmp")]


def test_a_bad_input_is_recorded_and_the_batch_goes_on(tmp_path: Path) -> None:
    make_inputs(tmp_path / "in", 3)
    (tmp_path / "in" / "bad.txt").write_text("这份 失败", encoding="utf-8")
    out = tmp_path / "out"
    result = run_batch(
        [str(tmp_path / "in"), str(tmp_path / "missing.pdf")],
        out,
        BatchSettings(),
        summarize=FakeEngine(),
    )
    assert result.exit_code == 1
    manifest = result.manifest
    assert manifest["counts"]["summarised"] == 3 and manifest["counts"]["failed"] == 2
    reasons = {Path(f["source"]).name: f["reason"] for f in manifest["failures"]}
    assert "after 3 attempts" in reasons["bad.txt"]
    assert "no such file" in reasons["missing.pdf"]
    statuses = {Path(line["source"]).name: line["status"] for line in read_index(out)}
    assert statuses["bad.txt"] == "failed" and statuses["missing.pdf"] == "failed"


def test_an_unexpected_engine_crash_is_one_failure(tmp_path: Path) -> None:
    make_inputs(tmp_path / "in", 2)

    def crash(path: Path) -> ReportSummary:
        raise ZeroDivisionError("division by zero")

    result = run_batch([str(tmp_path / "in")], tmp_path / "out", BatchSettings(), summarize=crash)
    assert result.exit_code == 1
    assert all("ZeroDivisionError" in f["reason"] for f in result.manifest["failures"])


def test_a_rerun_skips_finished_reports_and_retries_failures(tmp_path: Path) -> None:
    make_inputs(tmp_path / "in", 3)
    bad = tmp_path / "in" / "bad.txt"
    bad.write_text("这份 失败", encoding="utf-8")
    out = tmp_path / "out"
    first = run_batch([str(tmp_path / "in")], out, BatchSettings(), summarize=FakeEngine())
    assert first.exit_code == 1
    before = {p.name: p.read_bytes() for p in (out / "reports").iterdir()}

    bad.write_text("城市9 6.5", encoding="utf-8")  # fixed: new content, new hash
    engine = FakeEngine()
    second = run_batch([str(tmp_path / "in")], out, BatchSettings(), summarize=engine)
    assert second.exit_code == 0
    assert engine.seen == ["bad.txt"]
    assert second.manifest["counts"]["resumed"] == 3
    assert second.manifest["usage"]["all_reports"]["tokens"] == 4 * 120
    assert second.manifest["usage"]["this_run"]["tokens"] == 120
    after = {p.name: p.read_bytes() for p in (out / "reports").iterdir()}
    assert all(after[name] == data for name, data in before.items())
    assert len(read_index(out)) == 4


def test_fresh_and_changed_settings_summarise_again(tmp_path: Path) -> None:
    make_inputs(tmp_path / "in", 2)
    out = tmp_path / "out"
    run_batch([str(tmp_path / "in")], out, BatchSettings(), summarize=FakeEngine())
    engine = FakeEngine()
    run_batch([str(tmp_path / "in")], out, BatchSettings(resume=False), summarize=engine)
    assert len(engine.seen) == 2


def test_a_damaged_or_missing_output_is_redone(tmp_path: Path) -> None:
    make_inputs(tmp_path / "in", 3)
    out = tmp_path / "out"
    run_batch([str(tmp_path / "in")], out, BatchSettings(), summarize=FakeEngine())
    jsons = sorted((out / "reports").glob("*.json"))
    jsons[0].write_text("{", encoding="utf-8")
    jsons[1].with_suffix(".md").unlink()
    engine = FakeEngine()
    result = run_batch([str(tmp_path / "in")], out, BatchSettings(), summarize=engine)
    assert len(engine.seen) == 2 and result.manifest["counts"]["resumed"] == 1
    ReportSummary.model_validate_json(jsons[0].read_text("utf-8"))


def test_a_torn_journal_line_costs_one_report_at_most(tmp_path: Path) -> None:
    make_inputs(tmp_path / "in", 3)
    out = tmp_path / "out"
    run_batch([str(tmp_path / "in")], out, BatchSettings(), summarize=FakeEngine())
    journal = out / JOURNAL_NAME
    data = journal.read_bytes()
    journal.write_bytes(data[: len(data) - 15])  # the last append was cut short
    engine = FakeEngine()
    result = run_batch([str(tmp_path / "in")], out, BatchSettings(), summarize=engine)
    assert len(engine.seen) == 1 and result.exit_code == 0


def test_the_token_budget_stops_the_batch_cleanly(tmp_path: Path) -> None:
    make_inputs(tmp_path / "in", 10)
    out = tmp_path / "out"
    engine = FakeEngine(tokens=100)
    settings = BatchSettings(max_tokens=450, concurrency=1)
    result = run_batch([str(tmp_path / "in")], out, settings, summarize=engine)
    assert len(engine.seen) == 4  # a fifth would pass 450
    assert result.exit_code == 1
    manifest = result.manifest
    assert manifest["status"] == "budget_reached"
    assert manifest["counts"]["summarised"] == 4 and manifest["counts"]["not_started"] == 6
    assert manifest["usage"]["this_run"]["tokens"] == 400
    not_started = [line for line in read_index(out) if line["status"] == "not_started"]
    assert len(not_started) == 6 and "budget" in not_started[0]["reason"]

    rest = FakeEngine(tokens=100)
    again = run_batch([str(tmp_path / "in")], out, BatchSettings(), summarize=rest)
    assert len(rest.seen) == 6 and again.exit_code == 0


def test_concurrency_is_bounded(tmp_path: Path) -> None:
    make_inputs(tmp_path / "in", 12)
    running, peak, lock = 0, 0, threading.Lock()
    gate = threading.Barrier(3, timeout=10)
    engine = FakeEngine()

    def tracked(path: Path) -> ReportSummary:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        gate.wait()  # three must be in flight at once for any to go on
        with lock:
            running -= 1
        return engine(path)

    result = run_batch(
        [str(tmp_path / "in")], tmp_path / "out", BatchSettings(concurrency=3), summarize=tracked
    )
    assert result.exit_code == 0 and peak == 3


def test_a_second_batch_on_the_same_folder_is_refused(tmp_path: Path) -> None:
    make_inputs(tmp_path / "in", 2)
    out = tmp_path / "out"
    inner: list[Exception] = []

    def nested(path: Path) -> ReportSummary:
        try:
            run_batch([str(tmp_path / "in")], out, BatchSettings(), summarize=FakeEngine())
        except InputError as error:
            inner.append(error)
        return FakeEngine()(path)

    run_batch([str(tmp_path / "in")], out, BatchSettings(), summarize=nested)
    assert inner and "another batch" in str(inner[0])


@pytest.mark.parametrize(
    "kwargs", [{"engine": "gpt"}, {"concurrency": 0}, {"max_tokens": 0}, {"max_cost": -1.0}]
)
def test_bad_settings_are_refused(kwargs: dict) -> None:
    with pytest.raises(InputError):
        BatchSettings(**kwargs)


def test_no_input_name_writes_outside_the_output_folder(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("..\\..\\escape.txt", "...txt", "a\nb.txt", "长" * 80 + ".txt"):
        try:
            (folder / name).write_text(f"城市{len(name)} 5.0", encoding="utf-8")
        except OSError:  # a file system refusing the name
            continue
    out = tmp_path / "out"
    result = run_batch([str(folder)], out, BatchSettings(), summarize=FakeEngine())
    assert result.exit_code == 0
    written = [p for p in tmp_path.rglob("*") if p.is_file() and not p.is_relative_to(folder)]
    assert all(p.is_relative_to(out) for p in written)
    names = sorted(p.name for p in (out / "reports").iterdir())
    assert names and all(len(n.encode()) < 200 and "\n" not in n and "\\" not in n for n in names)


def test_the_targets_workbook_matches_the_csv(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    make_inputs(tmp_path / "in", 3)
    out = tmp_path / "out"
    run_batch([str(tmp_path / "in")], out, BatchSettings(), summarize=FakeEngine())
    sheet = openpyxl.load_workbook(out / "targets.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    with open(out / "targets.csv", encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    assert list(rows[0]) == table[0]
    assert len(rows) == len(table) == 4
    assert rows[1][table[0].index("year")] == 2025
