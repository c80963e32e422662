"""Targets of several reports in one table; districts checked against their city."""

from __future__ import annotations

import csv
import io
import json
from itertools import combinations

import pytest
from typer.testing import CliRunner

from summarizer.analysis.compare import CompareTable, compare
from summarizer.analysis.indicators import same_indicator
from summarizer.schema import Level, ReportMeta, ReportSummary, Target


def summary(
    region: str | None, level: Level | None, *pairs: tuple[str, str], year: int = 2025
) -> ReportSummary:
    return ReportSummary(
        meta=ReportMeta(region=region, level=level, year=year),
        targets=[Target(indicator=i, target=t) for i, t in pairs],
    )


CITY = summary(
    "某某市",
    "city",
    ("地区生产总值", "增长5.5%左右"),
    ("规模以上工业增加值", "增长6%"),
    ("城镇调查失业率", "控制在5%以内"),
    ("全社会研发经费投入强度", "4%以上"),
    ("一般公共预算收入", "2000亿元"),
    ("居民收入", "增长与经济增长基本同步"),
)


def test_indicators_are_matched_across_wording() -> None:
    a = summary("甲区", "district", ("全区生产总值", "增长6%左右"), ("规上工业增加值", "增长7%"))
    b = summary("乙区", "district", ("GDP", "增长5.8%"))
    table = compare([CITY, a, b])
    gdp = table.row("地区生产总值")
    assert gdp is not None
    assert [c.target if c else None for c in gdp.cells] == [
        "增长5.5%左右",
        "增长6%左右",
        "增长5.8%",
    ]
    industry = table.row("规模以上工业增加值")
    assert industry is not None and industry.cells[0] and industry.cells[1]
    assert sum(row.key == "地区生产总值" for row in table.rows) == 1


def test_every_target_lands_in_exactly_one_cell() -> None:
    reports = [CITY, summary("甲区", "district", ("服务业增加值", "增长6%"), ("粮食产量", "5万吨"))]
    table = compare(reports)
    for col, report in enumerate(reports):
        cells = [row.cells[col] for row in table.rows]
        assert [c.target for c in cells if c is not None] == [t.target for t in report.targets]


@pytest.mark.parametrize(
    ("pair", "flagged"),
    [
        (("地区生产总值", "增长5%"), True),  # below the city's 5.5%
        (("地区生产总值", "增长5.5%左右"), False),  # equal
        (("地区生产总值", "增长6%以上"), False),  # above
        (("规上工业增加值", "增长4%"), True),  # another wording of the city's indicator
        (("城镇调查失业率", "控制在5.5%以内"), True),  # a looser ceiling where lower is better
        (("城镇调查失业率", "4.5%以内"), False),
        (("研发经费投入强度", "3%以上"), True),
        (("一般公共预算收入", "100亿元"), False),  # amounts are not comparable with a city's
        (("居民收入", "增长与经济增长同步"), False),  # qualitative
    ],
)
def test_district_targets_below_the_city_are_flagged(pair: tuple[str, str], flagged: bool) -> None:
    table = compare([CITY, summary("甲区", "district", pair)])
    assert table.columns[0].is_city
    assert bool(table.flags) == flagged
    if flagged:
        flag = table.flags[0]
        assert flag.column == 1 and flag.city_column == 0
        assert "甲区" in flag.message and "某某市" in flag.message
        assert "⚠" in table.to_markdown()


def test_looser_ceiling_has_its_own_code() -> None:
    table = compare([CITY, summary("甲区", "district", ("城镇调查失业率", "控制在5.5%以内"))])
    assert [f.code for f in table.flags] == ["looser_than_city"]
    table = compare([CITY, summary("甲区", "district", ("地区生产总值", "增长5%"))])
    assert [f.code for f in table.flags] == ["below_city"]


def test_growth_is_not_compared_with_a_level() -> None:
    city = summary("某某市", "city", ("研发经费投入强度", "提高0.1个百分点"))
    table = compare([city, summary("甲区", "district", ("研发经费投入强度", "3%以上"))])
    assert table.flags == []


def test_city_found_by_region_name_when_level_is_unknown() -> None:
    city = summary("某某市", None, ("地区生产总值", "增长6%"))
    district = summary("甲县", None, ("地区生产总值", "增长5%"))
    table = compare([district, city])
    assert table.columns[1].is_city and len(table.flags) == 1


def test_no_flags_without_a_single_city() -> None:
    two_cities = [
        summary("某某市", "city", ("地区生产总值", "增长6%")),
        summary("另一市", "city", ("地区生产总值", "增长6%")),
        summary("甲区", "district", ("地区生产总值", "增长5%")),
    ]
    table = compare(two_cities)
    assert table.flags == [] and any("多个市级报告" in n for n in table.notes)
    chosen = compare(two_cities, city="另一市")
    assert chosen.columns[1].is_city and len(chosen.flags) == 1


def test_districts_of_another_year_are_not_compared() -> None:
    table = compare([CITY, summary("甲区", "district", ("地区生产总值", "增长5%"), year=2024)])
    assert table.flags == []


def test_report_without_targets_is_noted() -> None:
    table = compare([CITY, summary("乙区", "district")])
    assert table.columns[1].targets == 0
    assert any("乙区" in n and "没有找到主要预期目标" in n for n in table.notes)
    assert all(row.cells[1] is None for row in table.rows)


def test_same_labels_are_told_apart() -> None:
    a = summary("甲区", "district", ("地区生产总值", "增长5%"))
    b = summary("甲区", "district", ("地区生产总值", "增长6%"))
    a.meta.source_name, b.meta.source_name = "a.txt", "b.txt"
    table = compare([a, b])
    assert len({c.label for c in table.columns}) == 2


def test_markdown_csv_and_json() -> None:
    table = compare([CITY, summary("甲区", "district", ("地区生产总值", "增长5%"))])
    markdown = table.to_markdown()
    header = markdown.splitlines()[2]
    assert "某某市" in header and "甲区" in header
    gdp_line = next(line for line in markdown.splitlines() if line.startswith("| 地区生产总值"))
    assert "增长5.5%左右" in gdp_line and "增长5%" in gdp_line
    rows = list(csv.reader(io.StringIO(table.to_csv())))
    assert rows[0][0] == "指标" and rows[0][-1] == "提示"
    assert len(rows) == 1 + len(table.rows)
    assert all(len(r) == len(rows[0]) for r in rows)
    assert json.loads(table.to_json())["columns"][0]["region"] == "某某市"
    assert CompareTable.model_validate_json(table.to_json()) == table


# ---------------------------------------------------------------- the command


@pytest.fixture
def fake_engine(monkeypatch):
    """Summaries keyed by file name, in place of running an engine."""
    import summarizer.pipeline

    by_name: dict[str, ReportSummary] = {}

    def summarize_document(document, **_options):
        return by_name[document.name].model_copy(deep=True)

    monkeypatch.setattr(summarizer.pipeline, "summarize_document", summarize_document)
    return by_name


def test_compare_command_writes_csv(tmp_path, fake_engine) -> None:
    import typer

    from summarizer.cli.compare import main

    app = typer.Typer()
    app.command()(main)
    paths = []
    for name, report in (
        ("city.txt", CITY),
        ("district.txt", summary("甲区", "district", ("GDP", "增长5%"))),
    ):
        path = tmp_path / name
        path.write_text("政府工作报告。" * 20, encoding="utf-8")
        fake_engine[name] = report
        paths.append(str(path))
    out = tmp_path / "table.csv"
    result = CliRunner().invoke(app, [*paths, "--format", "csv", "--output", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    gdp = next(r for r in rows if r[0] == "地区生产总值")
    assert gdp[2:4] == ["增长5.5%左右", "增长5%〔GDP〕 ⚠低于市"]


def test_compare_command_refuses_a_missing_file(tmp_path) -> None:
    import typer

    from summarizer.cli.compare import main

    app = typer.Typer()
    app.command()(main)
    result = CliRunner().invoke(app, [str(tmp_path / "nope.txt")])
    assert result.exit_code == 2


# ---------------------------------------------------------------- seed reports


def test_seed_reports_share_rows_by_indicator(seed_path) -> None:
    from summarizer.pipeline import summarize_path

    reports = [summarize_path(seed_path(p)) for p in ("003", "004", "000")]
    table = compare(reports)
    for col, report in enumerate(reports):
        placed = [cell.target for row in table.rows if (cell := row.cells[col]) is not None]
        assert sorted(placed) == sorted(t.target for t in report.targets)
    # No indicator is split over two rows: names on different rows are different indicators.
    for first, second in combinations(table.rows, 2):
        if first.key == second.key:
            continue  # one report naming the same indicator twice
        for a in (c.indicator for c in first.cells if c):
            for b in (c.indicator for c in second.cells if c):
                assert not same_indicator(a, b), (a, b)
