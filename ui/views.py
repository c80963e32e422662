"""The report views of the web UI: header, 摘要, 主要目标 and 重点任务.

Each view reads a :class:`present.Report` and draws it; nothing here summarises.
Document and model text reaches Markdown only through :func:`present.md_escape`;
tables, charts and pickers show it as plain text.  Source sentences are shown by
:mod:`sources`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Literal

import altair as alt
import pandas as pd
import streamlit as st
from present import (
    KINDS,
    LEVELS,
    NO_NUMBER,
    UNVERIFIED,
    VERIFIED,
    Report,
    checks_under,
    first_source,
    format_values,
    md_escape,
    status_label,
    status_of,
)
from sources import SourceItem, source_panel

from summarizer.schema import Figure, ReportSummary, Warning

TABS = ("摘要", "主要目标", "重点任务", "原文", "对比")


# --------------------------------------------------------------------------- header


def header(report: Report) -> None:
    meta = report.summary.meta
    st.title(md_escape(report.title))
    parts = [
        meta.region,
        LEVELS.get(meta.level or ""),
        f"{meta.year} 年" if meta.year else None,
        KINDS.get(meta.kind),
        f"{meta.chars or len(report.text):,} 字",
        _engine_label(report),
    ]
    st.caption(md_escape(" · ".join(part for part in parts if part)))
    verification = report.summary.verification
    with st.container(horizontal=True, vertical_alignment="center"):
        if verification is not None and verification.numbers_total:
            grounded, total = verification.numbers_grounded, verification.numbers_total
            color: Literal["green", "orange"] = "green" if grounded == total else "orange"
            st.badge(
                f"数字核实 {grounded}/{total}",
                icon=":material/fact_check:",
                color=color,
                help="摘要中的每个数字都在原文中查找过；未找到的标为「未核实」。",
            )
        if report.summary.warnings:
            st.badge(
                f"提示 {len(report.summary.warnings)} 条", icon=":material/warning:", color="orange"
            )
        _downloads(report)
    if report.summary.warnings:
        st.warning(
            "\n".join(f"- {_warning_text(report, warning)}" for warning in report.summary.warnings),
            icon=":material/warning:",
        )


def _warning_text(report: Report, warning: Warning) -> str:
    """A warning for the reader, as Markdown; the verifier's is restated in Chinese."""
    verification = report.summary.verification
    if (
        warning.code == "ungrounded_numbers"
        and verification is not None
        and verification.ungrounded
    ):
        raws = list(dict.fromkeys(check.raw for check in verification.ungrounded))
        shown = "、".join(md_escape(raw) for raw in raws[:8]) + ("等" if len(raws) > 8 else "")
        return (
            f"{len(verification.ungrounded)} 个数字没能在所引的原文句子中核实（{shown}），"
            "已在各处标为 ⚠ 未核实。"
        )
    return md_escape(warning.message)


def _engine_label(report: Report) -> str:
    engine = report.summary.engine
    if engine.name == "rules":
        return "规则引擎"
    return f"大模型 {engine.model}" if engine.model else "大模型"


def _downloads(report: Report) -> None:
    from summarizer.render import targets_csv, to_markdown

    stem = report.name.rsplit(".", 1)[0] or "report"
    st.download_button(
        "下载 JSON",
        report.summary.to_json(),
        f"{stem}.summary.json",
        "application/json",
        icon=":material/download:",
        key=f"dl_json_{report.key}",
    )
    st.download_button(
        "下载 Markdown",
        to_markdown(report.summary),
        f"{stem}.summary.md",
        "text/markdown",
        icon=":material/download:",
        key=f"dl_md_{report.key}",
    )
    st.download_button(
        "下载目标 CSV",
        targets_csv([report.summary]).encode("utf-8-sig"),
        f"{stem}.targets.csv",
        "text/csv",
        icon=":material/download:",
        key=f"dl_csv_{report.key}",
    )


def partial_summary(summary: ReportSummary) -> None:
    """What a running LLM engine has found so far (numbers are verified at the end)."""
    lines = []
    if summary.targets:
        lines.append(
            f"**主要目标（{len(summary.targets)}）**："
            + "；".join(f"{md_escape(t.indicator)} {md_escape(t.target)}" for t in summary.targets)
        )
    if summary.review_areas:
        lines.append(
            f"**工作回顾（{len(summary.review_areas)}）**："
            + "；".join(md_escape(area.title) for area in summary.review_areas)
        )
    if summary.task_areas:
        lines.append(
            f"**重点任务（{len(summary.task_areas)}）**："
            + "；".join(md_escape(area.title) for area in summary.task_areas)
        )
    st.markdown("\n\n".join(lines) if lines else "尚无结果。")
    st.caption("数字核实在全部调用完成后进行。")


# --------------------------------------------------------------------------- 摘要


def overview(report: Report) -> None:
    summary, meta = report.summary, report.summary.meta
    cols = st.columns(4)
    cols[0].metric("地区", meta.region or "未识别", border=True)
    cols[1].metric(
        "报告年份",
        str(meta.year) if meta.year else "未识别",
        border=True,
        help=f"回顾 {meta.review_year} 年" if meta.review_year else None,
    )
    cols[2].metric("报告类型", KINDS.get(meta.kind, meta.kind), border=True)
    cols[3].metric(
        "主要目标 / 重点任务",
        f"{len(summary.targets)} / {len(summary.task_areas)}",
        border=True,
        help="主要预期目标条数 / 重点任务领域数",
    )

    items: list[SourceItem] = []
    if summary.headline_figures:
        st.subheader("主要数据")
        st.caption("鼠标悬停在 ⓘ 上可看原句；在下方「查看来源」中可在原文中定位。")
        _figure_cards(report, summary.headline_figures, "headline_figures")
        items += _figure_items(summary.headline_figures, "headline_figures")

    if summary.review_areas:
        st.subheader("工作回顾")
        for i, area in enumerate(summary.review_areas):
            path = f"review_areas[{i}]"
            with st.expander(f"{_number(i)}{md_escape(area.title)}", expanded=i == 0):
                lines = [
                    f"- {_mark(status_of(summary, f'{path}.highlights[{j}]'))}{md_escape(text)}"
                    for j, text in enumerate(area.highlights)
                ]
                if area.figures:
                    lines.append("\n**数据**\n")
                    lines += [
                        f"- {_mark(status_of(summary, f'{path}.figures[{k}]'), always=True)}"
                        f"{md_escape(fig.indicator)}：**{md_escape(fig.value)}**"
                        for k, fig in enumerate(area.figures)
                    ]
                st.markdown("\n".join(lines) if lines else "（此领域没有摘出要点）")
            items += _figure_items(area.figures, f"{path}.figures", area.title)
    elif meta.kind != "digest":
        st.info("未找到工作回顾部分。")

    if summary.problems:
        st.subheader("问题与不足")
        st.markdown("\n".join(f"- {md_escape(problem.text)}" for problem in summary.problems))

    if items:
        st.subheader("查看来源")
        source_panel(report, items, "overview")


def _figure_cards(report: Report, figures: Sequence[Figure], path: str, per_row: int = 3) -> None:
    for row_start in range(0, len(figures), per_row):
        cols = st.columns(per_row)
        for offset, figure in enumerate(figures[row_start : row_start + per_row]):
            i = row_start + offset
            status = status_of(report.summary, f"{path}[{i}]")
            source = first_source(report.summary, f"{path}[{i}]", figure.evidence)
            tip = f"**{status_label(status)}**"
            if source is not None:
                tip += f"\n\n原文：{md_escape(source.quote)}"
            cols[offset].metric(
                md_escape(figure.indicator),
                figure.value,
                border=True,
                help=tip,
                delta=status_label(status)[2:],
                delta_arrow="off",
                delta_color="green"
                if status == VERIFIED
                else "orange"
                if status == UNVERIFIED
                else "gray",
            )


def _figure_items(
    figures: Sequence[Figure], path: str, area: str | None = None
) -> list[SourceItem]:
    where = f"{area} · " if area else ""
    return [
        SourceItem(
            f"{where}{figure.indicator}：{figure.value}",
            f"{path}[{i}]",
            figure.evidence[0] if figure.evidence else None,
        )
        for i, figure in enumerate(figures)
    ]


def _number(i: int) -> str:
    digits = "一二三四五六七八九十"
    return f"（{digits[i]}）" if i < len(digits) else f"（{i + 1}）"


def _mark(status: str, always: bool = False) -> str:
    if status == VERIFIED:
        return ":green[✓] " if always else ""
    if status == UNVERIFIED:
        return ":orange[⚠] "
    return ""


# --------------------------------------------------------------------------- 主要目标


def targets(report: Report) -> None:
    summary = report.summary
    if not summary.targets:
        st.info("本报告中没有找到主要预期目标。")
        return
    pick_key, table_key = f"pick_targets_{report.key}", f"table_targets_{report.key}"
    rows = [
        {
            "指标": target.indicator,
            "目标": target.target,
            "数值": format_values(target.values),
            "单位": target.unit,
            "限定词": target.qualifier or "",
            "核实": status_label(status_of(summary, f"targets[{i}]")),
        }
        for i, target in enumerate(summary.targets)
    ]
    st.caption("勾选表格行首的方框（或在下方「查看来源」中选择），查看这条目标在原文中的出处。")
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        key=table_key,
        on_select=partial(_select_row, table_key, pick_key),
        selection_mode="single-row",
        column_config={
            "指标": st.column_config.TextColumn(width="medium"),
            "目标": st.column_config.TextColumn(width="medium"),
        },
    )
    chart = targets_chart(report)
    if chart is not None:
        st.subheader("量化目标")
        st.altair_chart(chart, width="stretch")
    st.subheader("查看来源")
    items = [
        SourceItem(
            f"{target.indicator}：{target.target}",
            f"targets[{i}]",
            target.evidence[0] if target.evidence else None,
        )
        for i, target in enumerate(summary.targets)
    ]
    source_panel(report, items, "targets", pick_key=pick_key)


def _select_row(table_key: str, pick_key: str) -> None:
    rows = st.session_state[table_key].selection.rows
    if rows:
        st.session_state[pick_key] = rows[0]


def targets_chart(report: Report) -> alt.LayerChart | alt.VConcatChart | None:
    """Bars of the quantified targets, one panel per unit so that scales stay honest."""
    data = [
        {
            "indicator": target.indicator,
            "value": max(target.values),
            "target": target.target,
            "unit": target.unit or "（无单位）",
            "status": status_label(status_of(report.summary, f"targets[{i}]")),
        }
        for i, target in enumerate(report.summary.targets)
        if target.values and target.kind != "qualitative"
    ]
    if not data:
        return None
    frame = pd.DataFrame(data)
    status_scale = alt.Scale(
        domain=[status_label(VERIFIED), status_label(UNVERIFIED), status_label(NO_NUMBER)],
        range=["#2e7d5b", "#e08a1e", "#9e9e9e"],
    )
    panels: list[alt.LayerChart] = []
    for unit, group in sorted(frame.groupby("unit"), key=lambda pair: -len(pair[1])):
        order = list(group.sort_values("value", ascending=False)["indicator"])
        base = alt.Chart(group).encode(
            y=alt.Y("indicator:N", sort=order, title=None, axis=alt.Axis(labelLimit=240)),
            x=alt.X(
                "value:Q",
                title=f"目标值（{unit}）",
                axis=alt.Axis(tickCount=6),
                scale=alt.Scale(domain=[0, float(group["value"].max()) * 1.25]),
            ),
            tooltip=[
                alt.Tooltip("indicator:N", title="指标"),
                alt.Tooltip("target:N", title="目标"),
                alt.Tooltip("status:N", title="核实"),
            ],
        )
        bars = base.mark_bar(cornerRadiusEnd=3).encode(
            color=alt.Color(
                "status:N", scale=status_scale, legend=alt.Legend(title=None, orient="bottom")
            ),
        )
        labels = base.mark_text(align="left", dx=4, fontSize=12).encode(text="target:N")
        panels.append((bars + labels).properties(height=alt.Step(30)))
    chart = alt.vconcat(*panels).resolve_scale(x="independent") if len(panels) > 1 else panels[0]
    return chart


# --------------------------------------------------------------------------- 重点任务


def tasks(report: Report) -> None:
    summary = report.summary
    if not summary.task_areas:
        st.info("本报告中没有找到重点任务。")
        return
    items: list[SourceItem] = []
    for i, area in enumerate(summary.task_areas):
        path = f"task_areas[{i}]"
        label = f"{_number(i)}{md_escape(area.title)}（{len(area.items)} 项）"
        with st.expander(label, expanded=i < 2):
            lines: list[str] = []
            for j, item in enumerate(area.items):
                item_path = f"{path}.items[{j}]"
                lines.append(f"- {_mark(status_of(summary, item_path))}{md_escape(item.text)}")
                lines += [
                    f"    - {_mark(status_of(summary, f'{item_path}.goals[{k}]'), always=True)}"
                    f"{md_escape(goal.indicator)}：**{md_escape(goal.value)}**"
                    for k, goal in enumerate(item.goals)
                ]
                if checks_under(summary, item_path):
                    items.append(
                        SourceItem(
                            f"{area.title} · {item.text[:40]}",
                            item_path,
                            item.evidence[0] if item.evidence else None,
                        )
                    )
            st.markdown("\n".join(lines) if lines else "（此领域没有分项）")
    if items:
        st.subheader("查看来源")
        st.caption("含数字的任务条目：选择一条，查看数字是否在原文中找到。")
        source_panel(report, items, "tasks")
