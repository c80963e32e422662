"""The 对比 tab: targets of several reports side by side, and last year's targets tracked.

The reports to compare are those summarised in this session (newest last) plus any
bundled seed; the table comes from :func:`summarizer.analysis.compare.compare` and the
tracking of a region's year-N targets in its year-N+1 report from
:func:`summarizer.analysis.track.track`.  Every row of every table is shown (no inner
scrolling); each comparison shows the sentences it rests on and, for tracking, the rule.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import Literal

import charts
import pandas as pd
import streamlit as st
from exports import file_stem
from present import Report, md_escape
from sources import quote_view

from summarizer.analysis.compare import CompareTable, compare
from summarizer.analysis.track import VERDICT_LABELS, TrackedTarget

__all__ = ["PICK_KEY", "compare_tab", "consecutive_pairs"]

PICK_KEY = "compare_pick"
INDICATOR_KEY = "compare_indicator"
DEFAULT_COUNT = 4
_VERDICT_COLOURS: dict[str, Literal["green", "red", "gray", "orange"]] = {
    "met": "green",
    "missed": "red",
    "no_result": "gray",
    "cannot_tell": "orange",
}


def compare_tab(
    current: Report | None, kept: Mapping[str, Report], seeds: Mapping[str, Report]
) -> None:
    """Pick reports (those made in this session, or any seed) and compare their targets."""
    seen = {report.text for report in kept.values() if report.summary.engine.name == "rules"}
    options: dict[str, Report] = dict(kept)
    for key, seed in seeds.items():
        if seed.text not in seen:
            options[key] = seed
    labels = {
        key: f"{report.title}（{'示例' if key in seeds else _engine(report)}）"
        for key, report in options.items()
    }
    chosen = st.session_state.get(PICK_KEY)
    if chosen is None or not set(chosen) <= set(options):
        st.session_state[PICK_KEY] = list(kept)[-DEFAULT_COUNT:]
    elif current is not None and current.key not in chosen:
        st.session_state[PICK_KEY] = [*chosen, current.key]
    keys = st.multiselect(
        "对比的报告",
        list(options),
        key=PICK_KEY,
        format_func=lambda key: labels[key],
        placeholder="选择两份或更多报告…",
        select_all=False,
        help="默认是本次看过的报告；也可以加入任何一份示例报告（用规则引擎生成）。",
    )
    picked = [options[key] for key in keys]
    if len(picked) < 2:
        st.info("选择至少两份报告，就能按指标对比它们的主要预期目标。")
        return
    for prev, curr in consecutive_pairs(picked):
        tracked(prev, curr)
    targets_table(picked)


def consecutive_pairs(picked: list[Report]) -> list[tuple[Report, Report]]:
    """(year N, year N+1) reports of one region among ``picked``."""
    return [
        (prev, curr)
        for prev in picked
        for curr in picked
        if prev.summary.meta.region
        and prev.summary.meta.region == curr.summary.meta.region
        and prev.summary.meta.year
        and curr.summary.meta.year == prev.summary.meta.year + 1
    ]


def _labels(picked: list[Report]) -> list[str]:
    """Column headings: region and year, made unique with the file name where needed."""
    base = [
        " ".join(str(part) for part in (p.summary.meta.region, p.summary.meta.year) if part)
        or p.title
        for p in picked
    ]
    return [
        f"{label}（{p.name}）" if base.count(label) > 1 else label
        for label, p in zip(base, picked, strict=True)
    ]


def targets_table(picked: list[Report]) -> None:
    labels = _labels(picked)
    table = compare([p.summary for p in picked], labels=labels)
    st.subheader("主要预期目标对比")
    csv_text = table.to_csv()
    frame = pd.read_csv(io.StringIO(csv_text), dtype=str, keep_default_na=False)
    frame = frame.drop(columns=["匹配键"], errors="ignore")
    if "提示" in frame and not frame["提示"].str.strip().any():
        frame = frame.drop(columns=["提示"])
    st.table(frame, hide_index=True)
    st.caption(
        "〔 〕内是该报告对指标的原文称呼；⚠ 标出目标低于（或上限宽于）所在市同一指标的区县。"
    )
    for note in table.notes:
        st.caption(md_escape(note))
    stem = "_".join(file_stem(p.summary, p.name) for p in picked)[:120]
    with st.container(horizontal=True):
        st.download_button(
            "下载对比 CSV",
            csv_text.encode("utf-8-sig"),
            f"{stem}_对比.csv",
            "text/csv",
            icon=":material/download:",
            key="dl_compare_csv",
        )
        st.download_button(
            "下载对比 Markdown",
            table.to_markdown(),
            f"{stem}_对比.md",
            "text/markdown",
            icon=":material/download:",
            key="dl_compare_md",
        )
    one_indicator(table, picked)


def one_indicator(table: CompareTable, picked: list[Report]) -> None:
    """One indicator across the reports: a bar each, and the sentences they come from."""
    rows = charts.chartable_rows(table)
    if not rows:
        return
    st.subheader("同一指标，各地目标")
    if st.session_state.get(INDICATOR_KEY) not in rows:
        st.session_state.pop(INDICATOR_KEY, None)
    index = st.selectbox(
        "指标",
        rows,
        key=INDICATOR_KEY,
        format_func=lambda i: table.rows[i].indicator,
    )
    row = table.rows[index]
    bars, title, left_out = charts.indicator_rows(table, row)
    if len(bars) >= 2:
        st.altair_chart(charts.indicator_chart(bars, title), width="stretch", key="compare_chart")
    if left_out:
        st.caption(f"另有 {left_out} 份报告的这一目标口径不同（单位或类型不同），没有画进图中。")
    with st.expander("各报告的原文"):
        for column, cell, report in zip(table.columns, row.cells, picked, strict=True):
            if cell is not None:
                quote_view(report.text, cell.evidence, f"{column.label}：{cell.target}")


def tracked(prev: Report, curr: Report) -> None:
    """Were the year-N targets of a region met, by its year-N+1 report?"""
    meta = prev.summary.meta
    result = charts.track_result(prev, curr)
    st.subheader(f"{md_escape(meta.region or '')} {meta.year} 年目标的完成情况")
    st.caption(
        f"对照 {curr.summary.meta.year} 年报告对上一年的回顾。点开一条看两句原文和判断规则。"
    )
    with st.container(horizontal=True):
        for verdict, count in result.counts().items():
            st.badge(f"{VERDICT_LABELS[verdict]} {count}", color=_VERDICT_COLOURS[verdict])
    rows = charts.track_rows(prev.summary, curr.summary, result)
    if rows:
        st.altair_chart(
            charts.track_chart(rows), width="stretch", key=f"track_{meta.region}_{meta.year}"
        )
        st.caption("增速目标（%）：上年目标、上年实际、今年目标。")
    for item in result.items:
        with st.expander(_item_label(item)):
            quote_view(prev.text, item.target_evidence, f"{meta.year} 年报告的目标")
            if item.result_evidence is not None:
                quote_view(
                    curr.text, item.result_evidence, f"{curr.summary.meta.year} 年报告的回顾"
                )
            st.markdown(f"**判断规则**：{md_escape(item.rule)}")
    for warning in result.warnings:
        st.caption(md_escape(warning))


def _item_label(item: TrackedTarget) -> str:
    colour = _VERDICT_COLOURS[item.verdict]
    result = f" → 结果 {md_escape(item.result)}" if item.result else ""
    name = re.sub(r"\s+", "", item.indicator)
    return f":{colour}[**{item.label}**]　{md_escape(name)}：目标 {md_escape(item.target)}{result}"


def _engine(report: Report) -> str:
    return "规则引擎" if report.summary.engine.name == "rules" else "大模型"
