"""summarizer panel: reports paired by region and year, targets judged, every quote checked."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.analysis.divisions import find_division
from summarizer.analysis.panel import PANEL_COLUMNS, PanelRow
from summarizer.batch import BatchSettings, run_batch
from summarizer.cli import app
from summarizer.panel import run_panel
from summarizer.panel.overview import gdp_targets, overview
from summarizer.report.load import load_path
from summarizer.report.normalize import canon
from tests.conftest import SEEDS, SHARED

CORPUS = SHARED / "datasets" / "corpus"

NINGXIA_2020 = """2020年宁夏回族自治区政府工作报告

——2020年1月12日在宁夏回族自治区第十二届人民代表大会第三次会议上

各位代表：

现在，我代表自治区人民政府，向大会报告工作，请予审议。

一、2019年工作回顾

过去一年，全区地区生产总值增长6.5%，一般公共预算收入增长3.2%，城镇调查失业率4.9%。

二、2020年工作安排

今年经济社会发展的主要预期目标是：地区生产总值增长6.5%左右，一般公共预算收入增长2%，城镇调查失业率控制在5.5%以内，粮食产量稳定在370万吨以上。
"""
# The next year's report writes the region short (宁夏) and gives the results of 2020.
NINGXIA_2021 = """宁夏2021年政府工作报告

各位代表：

现在，我代表自治区人民政府，向大会报告工作，请予审议。宁夏各族人民团结奋斗。

一、2020年工作回顾

过去一年，全区地区生产总值增长3.9%，一般公共预算收入下降1.2%，城镇调查失业率5.2%，粮食产量380万吨。

二、2021年工作安排

今年经济社会发展的主要预期目标是：地区生产总值增长7%左右，一般公共预算收入增长3%。
"""
YINCHUAN_2020 = """2020年银川市政府工作报告

各位代表：

现在，我代表市人民政府，向大会报告工作，请予审议，并请市政协委员提出意见。

一、2019年工作回顾

过去一年，全市地区生产总值增长6.8%，社会消费品零售总额增长5.1%，各项事业稳步发展。

二、2020年工作安排

今年经济社会发展的主要预期目标是：地区生产总值增长7%左右，社会消费品零售总额增长6%。
"""
# A digest of the same report: a second report of 宁夏 2020, set aside for the full text.
NINGXIA_2020_DIGEST = """宁夏回族自治区2020年政府工作报告要点

2019年工作回顾：全区地区生产总值增长6.5%，经济运行总体平稳，各项社会事业全面进步，人民生活持续改善。

2020年主要预期目标：地区生产总值增长6.5%左右。
"""
NAMELESS = """政府工作报告

各位代表：

现在，我代表政府向大会报告工作，请予审议，并请各位委员和其他列席人员提出意见。

一、过去一年工作回顾

过去一年，地区生产总值增长5%，各项工作取得新成效，人民群众获得感不断增强。

二、今年工作安排

今年的主要预期目标是：地区生产总值增长5%左右。
"""


def _texts(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (
        ("a.txt", NINGXIA_2020),
        ("b.txt", NINGXIA_2021),
        ("c.txt", YINCHUAN_2020),
        ("d.txt", NINGXIA_2020_DIGEST),
        ("e.txt", NAMELESS),
        ("f.txt", NINGXIA_2021),  # the same bytes as b.txt
    ):
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    root = tmp_path_factory.mktemp("panel")
    folder = _texts(root / "in")
    return run_panel(
        [str(folder)], root / "out", BatchSettings(), formats=("csv", "parquet", "xlsx")
    )


@pytest.fixture(scope="module")
def seeds_panel(tmp_path_factory):
    return run_panel([str(SEEDS)], tmp_path_factory.mktemp("seeds") / "out", BatchSettings())


def _plain(text: str) -> str:
    return re.sub(r"\s+|\*\*|<!--.*?-->", "", canon(text))


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_reports_of_one_region_pair_across_the_ways_it_is_written(made):
    pairs = [(a.source, b.source) for a, b in made.panel.pairs]
    assert [(Path(a).name, Path(b).name) for a, b in pairs] == [("a.txt", "b.txt")]
    rows = {row.indicator: row for row in made.panel.rows if row.year == 2020 and row.result_year}
    assert {row.region for row in rows.values()} == {"宁夏回族自治区"}
    gdp = rows["地区生产总值"]
    assert (gdp.target, gdp.result, gdp.verdict, gdp.verdict_zh) == (
        "增长6.5%左右",
        "增长3.9%",
        "missed",
        "未达成",
    )
    assert "容差" in gdp.rule and Path(gdp.result_source).name == "b.txt"
    assert rows["城镇调查失业率"].verdict == "met"  # 5.2% within a ceiling of 5.5%
    assert rows["一般公共预算收入"].verdict == "missed"  # fell 1.2% against +2%


def test_unpaired_targets_keep_their_rows_without_results(made):
    later = [row for row in made.panel.rows if row.year == 2021]
    assert later and all(row.verdict is None and row.result_source is None for row in later)
    city = [row for row in made.panel.rows if row.region == "银川市"]
    assert city and {(row.province, row.parent, row.level) for row in city} == {
        ("宁夏回族自治区", "宁夏回族自治区", "city")
    }


def test_an_unknown_region_is_left_out_and_said_so_and_a_digest_gives_way(made):
    unknown = [Path(item.source).name for item in made.panel.unknown]
    assert unknown == ["e.txt"]
    assert not any(Path(row.target_source).name == "e.txt" for row in made.panel.rows)
    assert [Path(item.source).name for item in made.panel.set_aside] == ["d.txt"]
    summary = (made.out_dir / "summary.md").read_text(encoding="utf-8")
    assert "e.txt: region and year unknown" in summary
    assert "d.txt" in summary
    assert re.search(r"f\.txt: the same file as \S*b\.txt", summary)
    assert made.exit_code == 0  # told in the summary, not an error
    reports = {Path(r["source"]).name: r for r in _read_csv(made.out_dir / "reports.csv")}
    assert reports["e.txt"]["status"].startswith("unknown")
    assert Path(reports["a.txt"]["next_year_source"]).name == "b.txt"
    assert reports["b.txt"]["region_as_written"] == "宁夏"


def test_every_quote_stands_in_its_source_at_its_offsets(made, seeds_panel):
    rows = made.panel.rows + seeds_panel.panel.rows
    checked = 0
    for row in rows:
        for prefix, source in (("target", row.target_source), ("result", row.result_source)):
            quote = getattr(row, f"{prefix}_quote")
            if quote is None:
                continue
            text = load_path(source).text
            start, end = getattr(row, f"{prefix}_start"), getattr(row, f"{prefix}_end")
            # As quotes are written: width folded, no white space or Markdown marks.
            assert _plain(text[start:end]) == _plain(quote)
            checked += 1
    assert all(row.target_quote for row in rows)
    assert checked == made.overview.quotes.checked + seeds_panel.overview.quotes.checked
    assert made.overview.quotes.ok and seeds_panel.overview.quotes.ok


def test_yuhang_2024_gets_the_verdicts_summarizer_track_gives(seeds_panel, seed_path):
    out = CliRunner().invoke(
        app, ["track", str(seed_path("002")), str(seed_path("000")), "--format", "json"]
    )
    assert out.exit_code == 0, out.output
    tracked = json.loads(out.stdout)
    rows = [r for r in seeds_panel.panel.rows if r.region == "余杭区" and r.year == 2024]
    assert len(rows) == len(tracked["items"]) > 5
    for row, item in zip(rows, tracked["items"], strict=True):
        assert (row.indicator_as_written, row.indicator, row.target) == (
            item["indicator"],
            item["key"],
            item["target"],
        )
        assert (row.verdict, row.rule, row.result) == (
            item["verdict"],
            item["rule"],
            item["result"],
        )
        evidence = item["result_evidence"] or {}
        assert (row.result_start, row.result_end) == (evidence.get("start"), evidence.get("end"))
    assert {row.result_year for row in rows} == {2025}


def test_cities_against_their_province():
    def row(region, level, parent, target, verdict=None):
        return PanelRow(
            region=region,
            region_as_written=region,
            level=level,
            province="江苏省",
            parent=parent,
            year=2023,
            indicator="地区生产总值",
            indicator_as_written="地区生产总值",
            target=target,
            kind="growth",
            target_source="x",
            verdict=verdict,
            engine="rules",
        )

    rows = [
        row("江苏省", "province", None, "增长5%以上", "met"),
        row("南京市", "city", "江苏省", "增长5.5%左右", "missed"),
        row("苏州市", "city", "江苏省", "增长5%—5.5%"),  # a range: its midpoint
        row("无锡市", "city", "江苏省", "增长5%", "met"),
        row("常州市", "city", "江苏省", "2000亿元"),  # a level, not a growth target
    ]
    targets = {t.region: t.value for t in gdp_targets(rows)}
    assert targets == {"江苏省": 5, "南京市": 5.5, "苏州市": 5.25, "无锡市": 5}
    from summarizer.analysis.panel import Panel, QuoteCheck

    view = overview(Panel(rows=rows), QuoteCheck(0, 0, ()), reports=5)
    (gap,) = view.gaps
    assert (gap.parent, gap.year, gap.parent_value) == ("江苏省", 2023, 5)
    assert dict(gap.gaps) == {"南京市": 0.5, "苏州市": 0.25, "无锡市": 0}
    assert (gap.count(1), gap.count(0), gap.count(-1)) == (2, 1, 0)
    (year,) = view.years
    assert (year.met, year.missed, year.unpaired, year.share_met) == (2, 1, 1, 2 / 3)


def test_the_columns_are_the_documented_ones_in_every_format(made):
    assert PANEL_COLUMNS == (
        "region", "region_as_written", "level", "province", "parent", "year",
        "indicator", "indicator_as_written", "target", "target_value", "target_value_high",
        "unit", "qualifier", "kind", "target_quote", "target_start", "target_end",
        "target_source", "result_year", "result", "result_value", "verdict", "verdict_zh",
        "rule", "result_quote", "result_start", "result_end", "result_source",
        "engine", "engine_version", "model",
    )  # fmt: skip
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert all(f"`{column}`" in readme for column in PANEL_COLUMNS)
    out = made.out_dir
    rows = _read_csv(out / "panel.csv")
    assert list(rows[0]) == list(PANEL_COLUMNS) and len(rows) == len(made.panel.rows)
    pq = pytest.importorskip("pyarrow.parquet")
    table = pq.read_table(out / "panel.parquet")
    assert table.column_names == list(PANEL_COLUMNS)
    assert str(table.schema.field("year").type) == "int64"
    assert str(table.schema.field("target_value").type) == "double"
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.load_workbook(out / "panel.xlsx", read_only=True)
    assert book.sheetnames[0] == "全部" and "地区生产总值" in book.sheetnames
    gdp = list(book["地区生产总值"].iter_rows(values_only=True))
    assert gdp[0] == PANEL_COLUMNS and {r[6] for r in gdp[1:]} == {"地区生产总值"}


def test_report_text_cannot_become_a_spreadsheet_formula(tmp_path):
    from summarizer.analysis.panel import Panel
    from summarizer.panel.writers import write_tables

    row = PanelRow(
        region="宁夏回族自治区",
        region_as_written="宁夏",
        level="province",
        province="宁夏回族自治区",
        parent=None,
        year=2020,
        indicator='=HYPERLINK("http://x")',
        indicator_as_written="@SUM(A1)",
        target="-1+2",
        target_value=-1.0,
        kind="growth",
        target_source="a.txt",
        engine="rules",
    )
    write_tables(tmp_path, Panel(rows=[row]).rows, ("csv", "xlsx"))
    (line,) = _read_csv(tmp_path / "panel.csv")
    assert line["indicator"] == '\'=HYPERLINK("http://x")'
    assert (line["indicator_as_written"], line["target"]) == ("'@SUM(A1)", "'-1+2")
    assert line["target_value"] == "-1"  # numbers stay numbers
    openpyxl = pytest.importorskip("openpyxl")
    sheet = openpyxl.load_workbook(tmp_path / "panel.xlsx")["全部"]
    cells = {sheet.cell(1, c).value: sheet.cell(2, c) for c in range(1, sheet.max_column + 1)}
    formula_like = cells["indicator"]  # a string cell Excel keeps as text, never a formula
    assert formula_like.data_type == "s" and formula_like.quotePrefix
    assert formula_like.value == '=HYPERLINK("http://x")'
    assert cells["target_value"].value == -1


def test_an_earlier_batch_folder_is_read_with_its_sources(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for prefix in ("000", "002", "003"):
        shutil.copy(next(SEEDS.glob(f"{prefix}_*.txt")), folder)
    batch = tmp_path / "batch"
    run_batch([str(folder)], batch, BatchSettings())
    direct = run_panel([str(folder)], tmp_path / "direct", BatchSettings())
    from_batch = run_panel([str(batch)], tmp_path / "from-batch", BatchSettings())
    assert [r.model_dump() for r in from_batch.panel.rows] == [
        r.model_dump() for r in direct.panel.rows
    ]
    assert len(from_batch.panel.pairs) == 1 and from_batch.overview.quotes.ok
    # A source changed since the batch ran: its offsets no longer hold, so it is refused.
    changed = next(folder.glob("000_*.txt"))
    changed.write_text("（修订）\n" + changed.read_text(encoding="utf-8"), encoding="utf-8")
    again = run_panel([str(batch)], tmp_path / "again", BatchSettings())
    assert any("has changed" in line for line in again.overview.failed)
    assert not again.panel.pairs and again.exit_code == 1


def test_the_command_resumes_and_writes_the_same_table(tmp_path):
    out = tmp_path / "out"
    runner = CliRunner()
    first = runner.invoke(app, ["panel", str(SEEDS), "--out", str(out)])
    assert first.exit_code == 0, first.output
    assert "pairs of consecutive years" in first.output and " s; outputs in" in first.output
    table = (out / "panel.csv").read_bytes()
    second = runner.invoke(app, ["panel", str(SEEDS), "--out", str(out)])
    assert second.exit_code == 0, second.output
    counts = json.loads((out / "batch" / "manifest.json").read_text(encoding="utf-8"))["counts"]
    assert (counts["resumed"], counts["summarised"]) == (5, 0)
    assert (out / "panel.csv").read_bytes() == table
    manifest = json.loads((out / "panel.json").read_text(encoding="utf-8"))
    assert manifest["pairs"] == 1 and manifest["quotes_found"] == manifest["quotes_checked"]


def test_a_run_stopped_midway_keeps_what_it_finished(tmp_path):
    """The summaries finished before a stop are in the journal; the next run only adds."""
    out = tmp_path / "out"
    first_two = sorted(SEEDS.glob("*.txt"))[:2]
    run_batch([str(p) for p in first_two], out / "batch", BatchSettings())  # the stopped run
    result = CliRunner().invoke(app, ["panel", str(SEEDS), "--out", str(out)])
    assert result.exit_code == 0, result.output
    counts = json.loads((out / "batch" / "manifest.json").read_text(encoding="utf-8"))["counts"]
    assert (counts["resumed"], counts["summarised"]) == (2, 3)


def test_bad_usage_is_one_line_and_exit_2(tmp_path):
    runner = CliRunner()
    for args, message in (
        (["--format", "pdf"], "unknown format 'pdf'"),
        (["--model", "x"], "--model applies to the llm engine"),
        (["--engine", "nope"], "unknown engine"),
    ):
        out = runner.invoke(app, ["panel", str(SEEDS), "--out", str(tmp_path / "o"), *args])
        assert out.exit_code == 2, out.output
        assert message in out.output and "Traceback" not in out.output
        assert len(out.output.strip().splitlines()) == 1


def test_the_chart_opens_without_a_network(made):
    pytest.importorskip("vl_convert")
    html = (made.out_dir / "chart.html").read_text(encoding="utf-8")
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and not any("src=" in tag for tag in scripts)  # every script inline
    assert "vegaEmbed(" in html and "\\u5404\\u5e74" in html  # the spec, titled 各年…
    assert (made.out_dir / "chart.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.slow
def test_the_shared_corpus_pairs_every_region_with_consecutive_years(tmp_path):
    if not CORPUS.is_dir():
        pytest.skip("the shared corpus is not on this machine")
    result = run_panel([str(CORPUS)], tmp_path / "out", BatchSettings())
    truth = set()
    for path in CORPUS.glob("*_*_*.md"):
        year, _, region = re.match(r"(\d{4})_(\w+?)_(.+)\.md", path.name).groups()
        truth.add((find_division(region).name, int(year)))
    expected = {(region, year) for region, year in truth if (region, year + 1) in truth}
    found = {(a.identity.region, a.identity.year) for a, _ in result.panel.pairs}
    assert found == expected
    assert result.overview.quotes.ok and result.overview.quotes.checked > 1000
    assert [Path(item.source).name for item in result.panel.unknown] == ["SOURCES.md"]


def test_the_llm_engine_fills_the_same_table(tmp_path, seed_path, monkeypatch):
    """--engine llm against the scripted test double on loopback: rows name the model."""
    from fault_server import FaultServer
    from scripted_model import grounded_answer

    from summarizer.engines.llm.config import load_config

    monkeypatch.setenv("SUMMARIZER_HOME", str(tmp_path / "home"))
    folder = tmp_path / "in"
    folder.mkdir()
    for prefix in ("000", "002"):
        shutil.copy(seed_path(prefix), folder)
    with FaultServer(responder=grounded_answer) as server:
        options = {"api_base": server.base_url, "api_key": "sk-panel-test", "cache": False}
        llm = load_config({"model": "openai/double", "retries": 1, **options})
        result = run_panel([str(folder)], tmp_path / "out", BatchSettings(engine="llm", llm=llm))
    assert result.exit_code == 0, result.overview.failed
    assert len(result.panel.pairs) == 1 and result.panel.rows
    assert {(r.engine, r.model) for r in result.panel.rows} == {("llm", "openai/double")}
    assert all(r.engine_version for r in result.panel.rows)
    assert result.overview.quotes.ok
