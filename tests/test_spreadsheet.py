"""No CSV or XLSX the summarizer writes holds a cell a spreadsheet would run as a formula.

Report text and file names are the attacker's: ``=HYPERLINK(...)`` in a target, a report
named ``=1+2.txt``.  Every writer goes through :mod:`summarizer.spreadsheet`.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from summarizer.analysis.compare import compare
from summarizer.analysis.track import track
from summarizer.batch import BatchSettings, run_batch
from summarizer.render import targets_csv
from summarizer.schema import EngineInfo, ReportMeta, ReportSummary, Target
from summarizer.spreadsheet import FORMULA_STARTS, put_xlsx_cell, safe_cell
from tests.conftest import SEEDS

openpyxl = pytest.importorskip("openpyxl")

HYPERLINK = '=HYPERLINK("http://127.0.0.1/x","点击查看")'
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
HOSTILE_NAMES = ["=1+2.txt", "@SUM(A1).txt", "+cmd.txt", "-2+3.txt"]


def hostile_summary(name: str = "=1+2.txt") -> ReportSummary:
    """A summary whose text fields open like formulas (a test double of hostile input)."""
    return ReportSummary(
        meta=ReportMeta(region="@SUM(A1)", year=2025, source_name=name),
        targets=[
            Target(indicator=HYPERLINK, target="-1+2", values=[-3.5], unit="%", kind="growth"),
            Target(indicator="+cmd|' /C calc'!A0", target="\t=1+1", values=[-1.0, 2.0]),
            Target(indicator="地区生产总值", target="增长5.5%左右", values=[5.5], unit="%"),
        ],
        engine=EngineInfo(name="fake"),
    )


def assert_inert(cells: list[str]) -> None:
    """No cell opens like a formula, unless it is just a number."""
    live = [c for c in cells if c.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(c)]
    assert live == []


def csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for cell in row]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+2", "'=1+2"),
        (HYPERLINK, "'" + HYPERLINK),
        ("+cmd", "'+cmd"),
        ("-1+2", "'-1+2"),
        ("-3.5%左右", "'-3.5%左右"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        (" =1+2", "' =1+2"),  # a formula after white space
        ("\u3000@x", "'\u3000@x"),
        (" 5", " 5"),
        ("-3.5", "-3.5"),  # a number, not a formula
        (-3.5, -3.5),
        (7, 7),
        (None, None),
        ("增长5.5%左右", "增长5.5%左右"),
        ("a=1", "a=1"),
    ],
)
def test_a_cell_that_opens_like_a_formula_gets_an_apostrophe(value, written):
    assert safe_cell(value) == written


def test_xlsx_cells_are_strings_never_formulas(tmp_path: Path):
    book = openpyxl.Workbook()
    values = ["=1+2", HYPERLINK, "@x", "-1+2", "text\x01with a control", -3.5, 12]
    for column, value in enumerate(values, start=1):
        put_xlsx_cell(book.active, 1, column, value)
    book.save(tmp_path / "t.xlsx")
    cells = list(openpyxl.load_workbook(tmp_path / "t.xlsx").active.iter_rows())[0]
    assert [c.data_type for c in cells] == ["s"] * 5 + ["n", "n"]
    assert [c.value for c in cells[:2]] == ["=1+2", HYPERLINK]  # the text itself, inert
    assert cells[0].quotePrefix and cells[1].quotePrefix and not cells[4].quotePrefix
    assert cells[5].value == -3.5


def test_the_targets_csv_of_render_is_inert():
    text = targets_csv([hostile_summary()])
    assert_inert(csv_cells(text))
    assert "'" + HYPERLINK in csv_cells(text)
    assert "-3.5" in csv_cells(text)  # a negative number stays a number


def _check_tables(out: Path) -> None:
    assert_inert(csv_cells((out / "targets.csv").read_text(encoding="utf-8")))
    sheet = openpyxl.load_workbook(out / "targets.xlsx").active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert all(c.data_type == "s" for c in cells if isinstance(c.value, str))
    live = [
        c
        for c in cells
        if isinstance(c.value, str)
        and c.value.startswith(FORMULA_STARTS)
        and not NUMBER.fullmatch(c.value)
    ]
    assert live and all(c.quotePrefix for c in live)
    assert texts


def test_batch_tables_hold_no_formula(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in HOSTILE_NAMES:
        (folder / name).write_text(name, encoding="utf-8")
    result = run_batch(
        [str(folder)],
        tmp_path / "out",
        BatchSettings(),
        summarize=lambda path: hostile_summary(path.name),  # a test double of the engine
    )
    assert result.manifest["counts"]["summarised"] == len(HOSTILE_NAMES)
    _check_tables(tmp_path / "out")
    sheet = openpyxl.load_workbook(tmp_path / "out" / "targets.xlsx").active
    assert HYPERLINK in [c.value for row in sheet.iter_rows() for c in row]


def test_batch_of_real_reports_with_hostile_file_names(tmp_path: Path):
    folder = tmp_path / "in"
    folder.mkdir()
    seeds = sorted(SEEDS.glob("00[34]_*.txt"))
    for name, seed in zip(HOSTILE_NAMES, seeds, strict=False):
        (folder / name).write_bytes(seed.read_bytes())
    result = run_batch([str(folder)], tmp_path / "out", BatchSettings())
    assert result.manifest["counts"]["summarised"] == len(seeds)
    _check_tables(tmp_path / "out")
    sources = csv_cells((tmp_path / "out" / "targets.csv").read_text(encoding="utf-8"))
    assert "'=1+2.txt" in sources


@pytest.mark.parametrize("name", ["\r=1+2.txt", "a\r-2+3.txt", "b\n=HYPERLINK(1).txt"])
def test_a_line_break_in_a_file_name_never_splits_a_row(tmp_path: Path, name: str):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / name).write_text("x", encoding="utf-8")
    run_batch(
        [str(folder)],
        tmp_path / "out",
        BatchSettings(),
        summarize=lambda path: hostile_summary(path.name),  # a test double of the engine
    )
    # read as written: text mode would turn the CR into a line break
    text = (tmp_path / "out" / "targets.csv").read_bytes().decode("utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert {len(row) for row in rows} == {len(rows[0])}  # no row split in two
    assert len(rows) == 1 + len(hostile_summary().targets)
    assert_inert([c.lstrip() for row in rows for c in row])
    assert any(name in cell for row in rows for cell in row)  # the name kept, whole


def test_compare_and_track_csv_are_inert():
    table = compare([hostile_summary(), hostile_summary("@b.txt")], labels=["=1+2.txt", "@b"])
    cells = csv_cells(table.to_csv())
    assert_inert(cells)
    assert "'=1+2.txt" in cells
    tracked = track(hostile_summary(), ReportSummary(meta=ReportMeta(region="@SUM(A1)")))
    cells = csv_cells(tracked.to_csv())
    assert_inert(cells)
    assert "'" + HYPERLINK in cells
