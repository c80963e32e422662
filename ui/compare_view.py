"""The 对比 tab: targets of several reports side by side, and last year's targets tracked.

The reports to compare are those summarised in this session (newest last) plus any
bundled seed; the table comes from :func:`summarizer.analysis.compare.compare` and the tracking
of a region's year-N targets in its year-N+1 report from :func:`summarizer.analysis.track.track`.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st
from present import Report, list_seeds, md_escape

from summarizer.analysis.compare import CompareTable, compare
from summarizer.analysis.track import VERDICT_LABELS, track
from summarizer.errors import SummarizerError
from summarizer.schema import ReportSummary

PICK_KEY = "compare_pick"
SEED_PREFIX = "seed:"
DEFAULT_COUNT = 4


@dataclass(frozen=True)
class Picked:
    label: str
    text: str
    summary: ReportSummary


def compare_tab(
    current: Report | None,
    kept: Mapping[str, Report],
    seeds_dir: Path,
    summarize_rules: Callable[[str, str], ReportSummary],
) -> None:
    """Pick reports (those made in this session, or any seed) and compare their targets."""
    seeds = {f"{SEED_PREFIX}{seed.key}": seed for seed in list_seeds(seeds_dir)}
    seen = {report.text for report in kept.values() if report.summary.engine.name == "rules"}
    options: dict[str, str] = {
        key: f"{report.title}（{_engine(report)}）" for key, report in kept.items()
    }
    seed_texts = {key: seed.path.read_text(encoding="utf-8") for key, seed in seeds.items()}
    for key, seed in seeds.items():
        if seed_texts[key] not in seen:
            options[key] = f"{seed.label}（示例）"

    chosen = st.session_state.get(PICK_KEY)
    if chosen is None or not set(chosen) <= set(options):
        st.session_state[PICK_KEY] = list(kept)[-DEFAULT_COUNT:]
    elif current is not None and current.key not in chosen:
        st.session_state[PICK_KEY] = [*chosen, current.key]
    keys = st.multiselect(
        "对比的报告",
        list(options),
        key=PICK_KEY,
        format_func=lambda key: options[key],
        placeholder="选择两份或更多报告…",
        help="默认是本次看过的报告；也可以加入任何一份示例报告（用规则引擎生成）。",
    )
    picked: list[Picked] = []
    for key in keys:
        if key in kept:
            report = kept[key]
            picked.append(Picked(report.title, report.text, report.summary))
            continue
        try:
            summary = summarize_rules(seed_texts[key], seeds[key].path.name)
        except SummarizerError as error:
            st.error(f"{seeds[key].label}：{error}")
            continue
        picked.append(Picked(seeds[key].label, seed_texts[key], summary))
    if len(picked) < 2:
        st.info("选择至少两份报告，就能按指标对比它们的主要预期目标。")
        return
    targets_table(picked)
    tracked(picked)


def targets_table(picked: list[Picked]) -> None:
    labels = _labels(picked)
    table = compare([p.summary for p in picked], labels=labels)
    st.subheader("主要预期目标对比")
    csv_text = table.to_csv()
    frame = pd.read_csv(io.StringIO(csv_text), dtype=str, keep_default_na=False)
    frame = frame.drop(columns=["匹配键"], errors="ignore")
    st.dataframe(frame, hide_index=True, key="compare_table")
    st.caption(
        "〔 〕内是该报告对指标的原文称呼；⚠ 标出目标低于（或上限宽于）所在市同一指标的区县。"
    )
    for note in table.notes:
        st.caption(md_escape(note))
    with st.container(horizontal=True):
        st.download_button(
            "下载对比 CSV",
            csv_text.encode("utf-8-sig"),
            "compare.csv",
            "text/csv",
            icon=":material/download:",
            key="dl_compare_csv",
        )
        st.download_button(
            "下载对比 Markdown",
            table.to_markdown(),
            "compare.md",
            "text/markdown",
            icon=":material/download:",
            key="dl_compare_md",
        )
    chart = _chart(table)
    if chart is not None:
        st.markdown("**百分比目标（按指标）**")
        st.altair_chart(chart, width="stretch")


def _labels(picked: list[Picked]) -> list[str]:
    """Column headings: region and year, made unique with the file name where needed."""
    base = [
        " ".join(str(part) for part in (p.summary.meta.region, p.summary.meta.year) if part)
        or p.label
        for p in picked
    ]
    return [
        f"{label}（{p.label}）" if base.count(label) > 1 else label
        for label, p in zip(base, picked, strict=True)
    ]


def _chart(table: CompareTable) -> alt.Chart | None:
    data = [
        {
            "indicator": row.indicator,
            "report": column.label,
            "value": max(cell.values),
            "target": cell.target,
        }
        for row in table.rows
        for column, cell in zip(table.columns, row.cells, strict=True)
        if cell is not None and cell.values and cell.unit == "%"
    ]
    if not data:
        return None
    frame = pd.DataFrame(data)
    return (
        alt.Chart(frame)
        .mark_bar(cornerRadiusEnd=3)
        .encode(
            y=alt.Y("indicator:N", title=None, axis=alt.Axis(labelLimit=240)),
            yOffset=alt.YOffset("report:N"),
            x=alt.X("value:Q", title="目标值（%）", axis=alt.Axis(tickCount=6)),
            color=alt.Color(
                "report:N",
                title=None,
                legend=alt.Legend(orient="bottom"),
                scale=alt.Scale(scheme="tableau10"),
            ),
            tooltip=[
                alt.Tooltip("report:N", title="报告"),
                alt.Tooltip("indicator:N", title="指标"),
                alt.Tooltip("target:N", title="目标"),
            ],
        )
        .properties(height=alt.Step(16))
    )


def tracked(picked: list[Picked]) -> None:
    """For each region with reports of consecutive years: were last year's targets met?"""
    pairs = [
        (prev, curr)
        for prev in picked
        for curr in picked
        if prev.summary.meta.region
        and prev.summary.meta.region == curr.summary.meta.region
        and prev.summary.meta.year
        and curr.summary.meta.year == prev.summary.meta.year + 1
    ]
    for prev, curr in pairs:
        meta = prev.summary.meta
        result = track(prev.summary, curr.summary, prev.text, curr.text)
        st.subheader(f"{md_escape(meta.region or '')} {meta.year} 年目标的完成情况")
        st.caption(f"对照 {curr.summary.meta.year} 年报告对上一年的回顾。")
        counts = result.counts()
        cols = st.columns(len(counts))
        for col, (verdict, count) in zip(cols, counts.items(), strict=True):
            col.metric(VERDICT_LABELS[verdict], count, border=True)
        rows = [
            {
                "指标": item.indicator,
                "目标": item.target,
                "结果": item.result or "",
                "判断": item.label,
                "依据": item.rule,
            }
            for item in result.items
        ]
        st.dataframe(pd.DataFrame(rows), hide_index=True, key=f"track_{meta.region}_{meta.year}")
        for warning in result.warnings:
            st.caption(md_escape(warning))


def _engine(report: Report) -> str:
    return "规则引擎" if report.summary.engine.name == "rules" else "大模型"
