"""Rendering summaries: Markdown for readers, target rows and CSV for batch use."""

from __future__ import annotations

import csv
import io
import re

from summarizer.render import TARGET_COLUMNS, targets_csv, targets_rows, to_markdown
from summarizer.schema import (
    EngineInfo,
    Figure,
    NumberCheck,
    Problem,
    ReportMeta,
    ReportSummary,
    ReviewArea,
    Target,
    TaskArea,
    TaskItem,
    Verification,
    Warning,
)


def check(path: str, raw: str, grounded: bool = True) -> NumberCheck:
    reason = "found in evidence" if grounded else "not in source"
    return NumberCheck(path=path, raw=raw, grounded=grounded, reason=reason)


def verification(*checks: NumberCheck) -> Verification:
    return Verification(
        numbers=list(checks),
        numbers_total=len(checks),
        numbers_grounded=sum(c.grounded for c in checks),
    )


def city_summary(**changes) -> ReportSummary:
    """A hand-built summary of a city report: two numeric targets, a range, a qualitative one."""
    summary = ReportSummary(
        meta=ReportMeta(
            region="示例市",
            level="city",
            year=2025,
            review_year=2024,
            kind="full",
            source_name="example.txt",
            chars=12345,
        ),
        headline_figures=[
            Figure(indicator="地区生产总值", value="12345亿元"),
            Figure(indicator="地区生产总值", value="增长4.7%"),
        ],
        review_areas=[
            ReviewArea(
                title="全力以赴稳增长",
                highlights=["新增减税降费超300亿元", "货物出口增长8.8%"],
                figures=[Figure(indicator="固定资产投资", value="增长3.1%")],
            )
        ],
        problems=[Problem(text="有效需求不足，部分企业经营困难。")],
        targets=[
            Target(
                indicator="地区生产总值",
                target="增长5.5%左右",
                values=[5.5],
                unit="%",
                qualifier="左右",
                kind="growth",
            ),
            Target(
                indicator="城镇新增就业",
                target="2.6万人以上",
                values=[26000],
                unit="人",
                qualifier="以上",
                kind="level",
            ),
            Target(
                indicator="城镇调查失业率",
                target="控制在4.5%-5%",
                values=[4.5, 5.0],
                unit="%",
                kind="range",
            ),
            Target(indicator="居民收入", target="增长与经济增长同步", kind="qualitative"),
        ],
        task_areas=[
            TaskArea(
                title="扩大有效投资",
                items=[
                    TaskItem(
                        text="实施重大项目300个以上",
                        goals=[Figure(indicator="重大项目", value="300个以上")],
                    )
                ],
            )
        ],
        warnings=[Warning(code="broken_lines", message="原文有断行，已合并。")],
        verification=verification(
            check("headline_figures[0].value", "12345亿元"),
            check("headline_figures[1].value", "4.7%"),
            check("review_areas[0].highlights[0]", "300亿元"),
            check("review_areas[0].highlights[1]", "8.8%", grounded=False),
            check("targets[0].target", "5.5%"),
            check("targets[1].target", "2.6万人", grounded=False),
            check("targets[2].target", "4.5%"),
            check("targets[2].target", "5%"),
            check("task_areas[0].items[0].goals[0].value", "300个"),
        ),
        engine=EngineInfo(name="rules"),
    )
    return summary.model_copy(update=changes)


def table_rows(markdown: str, header: str) -> list[list[str]]:
    """The cells of the Markdown table that starts with ``header``, split on unescaped pipes."""
    lines = markdown.splitlines()
    start = lines.index(header)
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
        rows.append([cell.strip() for cell in cells])
    return rows


TARGETS_HEADER = "| 指标 | 目标 | 数值 | 单位 | 限定 | 核验 |"


# --------------------------------------------------------------------------- Markdown


def test_title_and_metadata() -> None:
    markdown = to_markdown(city_summary())
    first = markdown.splitlines()[0]
    assert first.startswith("# ") and "示例市" in first and "2025" in first and "全文" in first
    assert "市级" in markdown
    assert "回顾2024年" in markdown
    assert "example.txt" in markdown


def test_targets_table_has_a_row_per_target_with_verdicts() -> None:
    rows = table_rows(to_markdown(city_summary()), TARGETS_HEADER)
    assert rows == [
        ["地区生产总值", "增长5.5%左右", "5.5", "%", "左右", "✓"],
        ["城镇新增就业", "2.6万人以上", "2.6万", "人", "以上", "⚠ 未在原文中找到：2.6万人"],
        ["城镇调查失业率", "控制在4.5%-5%", "4.5～5", "%", "—", "✓"],
        ["居民收入", "增长与经济增长同步", "—", "—", "—", "—"],
    ]


def test_unverified_numbers_are_flagged_where_they_appear_and_listed() -> None:
    markdown = to_markdown(city_summary())
    # announced before the first section
    head = markdown.split("## 一、")[0]
    assert "⚠" in head and "2 个数字未能在原文中找到" in head
    # marked on the line of the item
    highlight = next(line for line in markdown.splitlines() if "货物出口" in line)
    assert "⚠" in highlight and "8.8%" in highlight
    verified = next(line for line in markdown.splitlines() if "减税降费" in line)
    assert verified.endswith("✓")
    # listed in the verification section, with where they are
    tail = markdown.split("## 核验")[1]
    assert "原文中找到 7 / 9 个数字" in tail
    assert "**2.6万人**" in tail and "主要预期目标 · 城镇新增就业" in tail
    assert "**8.8%**" in tail and "targets[1].target" in tail


def test_sections_come_in_report_order() -> None:
    markdown = to_markdown(city_summary())
    headings = ["## 一、", "### 主要指标", "### （一）全力以赴稳增长", "### 存在的问题"]
    headings += ["## 二、2025年主要预期目标", "## 三、重点任务", "## 提示", "## 核验"]
    positions = [markdown.index(heading) for heading in headings]
    assert positions == sorted(positions)


def test_review_tasks_and_problems_are_shown() -> None:
    markdown = to_markdown(city_summary())
    assert table_rows(markdown, "| 指标 | 数值 | 核验 |") == [
        ["地区生产总值", "12345亿元", "✓"],
        ["地区生产总值", "增长4.7%", "✓"],
    ]
    assert "- **固定资产投资**：增长3.1%" in markdown
    assert "- 有效需求不足，部分企业经营困难。" in markdown
    assert "### （一）扩大有效投资" in markdown
    assert "- 实施重大项目300个以上" in markdown
    assert "  - 量化目标 · **重大项目**：300个以上 ✓" in markdown
    assert "- ⚠ 原文有断行，已合并。" in markdown


def test_all_verified_has_no_alarm() -> None:
    summary = city_summary(
        verification=verification(check("targets[0].target", "5.5%")),
        review_areas=[],
    )
    markdown = to_markdown(summary)
    assert "未能在原文中找到" not in markdown
    assert "原文中找到 1 / 1 个数字。" in markdown


def test_absent_targets_and_tasks_are_said_not_invented() -> None:
    meta = ReportMeta(region="示例区", year=2025, kind="partial")
    summary = city_summary(meta=meta, targets=[], task_areas=[], warnings=[])
    markdown = to_markdown(summary)
    assert "不完整" in markdown.splitlines()[0]
    section = markdown.split("## 二、")[1].split("## 三、")[0]
    assert "没有主要预期目标" in section
    assert TARGETS_HEADER not in markdown
    notes = markdown.split("## 提示")[1].split("## 核验")[0]
    assert "没有主要预期目标" in notes and "没有重点任务" in notes


def test_engine_warning_about_targets_is_not_repeated() -> None:
    warning = Warning(code="no_targets", message="文本在目标之前中断，没有主要预期目标。")
    markdown = to_markdown(city_summary(targets=[], warnings=[warning]))
    notes = markdown.split("## 提示")[1].split("## 核验")[0]
    assert notes.count("没有主要预期目标") == 1


def test_unverified_summary_says_so() -> None:
    markdown = to_markdown(city_summary(verification=None))
    assert all(row[-1] == "未核验" for row in table_rows(markdown, TARGETS_HEADER))
    assert "未核验" in markdown.split("## 核验")[1]
    assert "✓" not in markdown


def test_document_text_cannot_break_the_table() -> None:
    target = Target(
        indicator="进出口|总额",
        target="增长\n3%",
        values=[3],
        unit="%",
        kind="growth",
    )
    markdown = to_markdown(city_summary(targets=[target], verification=None))
    (row,) = table_rows(markdown, TARGETS_HEADER)
    assert row[:3] == ["进出口\\|总额", "增长 3%", "3"]


def test_document_text_cannot_open_markdown_blocks() -> None:
    area = ReviewArea(title="# 标题", highlights=["1. 第一条", "- 列表", "<b>粗体</b>"])
    markdown = to_markdown(city_summary(review_areas=[area], verification=None))
    assert "### （一）\\# 标题" in markdown
    assert "- 1\\. 第一条" in markdown
    assert "- \\- 列表" in markdown
    assert "<b>" not in markdown


def test_empty_summary_renders() -> None:
    markdown = to_markdown(ReportSummary())
    assert markdown.startswith("# ")
    assert "没有主要预期目标" in markdown and "未核验" in markdown


# --------------------------------------------------------------------------- tables


def test_targets_rows() -> None:
    rows = targets_rows(city_summary())
    assert [tuple(row) for row in rows] == [TARGET_COLUMNS] * 4
    assert [row["grounded"] for row in rows] == [True, False, True, None]
    assert rows[1] == {
        "region": "示例市",
        "year": 2025,
        "indicator": "城镇新增就业",
        "target": "2.6万人以上",
        "values": "26000",
        "unit": "人",
        "qualifier": "以上",
        "kind": "level",
        "grounded": False,
        "source": "example.txt",
    }
    assert rows[2]["values"] == "4.5~5"


def test_targets_rows_unchecked() -> None:
    rows = targets_rows(city_summary(verification=None))
    assert {row["grounded"] for row in rows} == {None}


def test_targets_csv_round_trips() -> None:
    other = city_summary(meta=ReportMeta(region="另一区", year=2024), targets=[])
    third = city_summary(meta=ReportMeta(region="第三县", year=2025, level="county"))
    text = targets_csv([city_summary(), other, third])
    assert text.splitlines()[0] == ",".join(TARGET_COLUMNS)
    records = list(csv.DictReader(io.StringIO(text)))
    assert len(records) == 8
    assert [r["region"] for r in records] == ["示例市"] * 4 + ["第三县"] * 4
    assert records[0]["target"] == "增长5.5%左右"
    assert [r["grounded"] for r in records[:4]] == ["true", "false", "true", ""]
    assert records[3]["qualifier"] == ""


def test_targets_csv_of_nothing_is_a_header() -> None:
    assert targets_csv([]) == ",".join(TARGET_COLUMNS) + "\n"


def test_many_figures_fold_under_more_and_none_is_lost() -> None:
    from summarizer.render import FIGURES_SHOWN
    from summarizer.schema import Binding, Evidence, Figure, ReviewArea

    clause = Evidence(start=0, end=4, quote="新建3座")
    figures = [
        Figure(indicator=f"新建项目{i}", value=f"{i + 1}个", evidence=[clause]) for i in range(12)
    ]
    figures.append(
        Figure(
            indicator="各地可降至16%",
            value="降至16%",
            binding=Binding(
                label="", how="adjacent", kind="level", clause=clause, value_span=(0, 4)
            ),
        )
    )
    summary = ReportSummary(review_areas=[ReviewArea(title="城市建设", figures=figures)])
    markdown = to_markdown(summary)
    assert f"更多（另有 {len(figures) - FIGURES_SHOWN} 项）" in markdown
    assert all(f"新建项目{i}" in markdown for i in range(12))
    assert "原文「各地可降至16%」：降至16%" in markdown
