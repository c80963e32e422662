"""The report views of the web UI: 摘要, 主要目标 and 重点任务.

Each view reads a :class:`present.Report` and draws it; nothing here summarises.  Every
figure, target and task item with numbers carries its source sentence right beside it (a
popover or the item's expander), the number marked, with the verifier's verdict.
Document and model text reaches Markdown only through :func:`present.md_escape`.
"""

from __future__ import annotations

from collections.abc import Sequence

import charts
import completeness
import streamlit as st
from cards import Card, figure_cards, tidy_label
from header import notice_line
from present import (
    NO_NUMBER,
    UNBOUND,
    UNVERIFIED,
    VERIFIED,
    Report,
    format_values,
    md_escape,
    status_of,
)
from sources import evidence_view

from summarizer.schema import Figure, ReportSummary

__all__ = ["TABS", "overview", "targets", "tasks", "partial_summary"]

TABS = ("摘要", "主要目标", "重点任务", "原文", "对比")
CARD_WIDTH = 164
_KINDS = {
    "growth": "增速",
    "level": "总量",
    "ratio": "比率",
    "range": "区间",
    "qualitative": "定性",
}


def _combined(summary: ReportSummary, paths: Sequence[str]) -> str:
    statuses = {status_of(summary, path) for path in paths}
    for status in (UNVERIFIED, UNBOUND, VERIFIED):
        if status in statuses:
            return status
    return NO_NUMBER


def _mark(status: str) -> str:
    return {
        VERIFIED: ":green-badge[✓ 已核实]",
        UNVERIFIED: ":orange-badge[⚠ 未核实]",
        UNBOUND: ":blue-badge[◐ 对应未核实]",
    }.get(status, ":gray-badge[无数字]")


# --------------------------------------------------------------------------- 摘要


def overview(report: Report) -> None:
    summary = report.summary
    if summary.overview:
        st.markdown(md_escape(summary.overview))
    if summary.headline_figures:
        st.subheader("主要数据")
        _cards(report, figure_cards(summary.headline_figures, "headline_figures"), "head")
    if summary.review_areas:
        st.subheader("工作回顾")
        for i, area in enumerate(summary.review_areas):
            path = f"review_areas[{i}]"
            with st.expander(f"{_number(i)}{md_escape(area.title)}", expanded=i == 0):
                lines = [
                    f"- {_warn(status_of(summary, f'{path}.highlights[{j}]'))}{md_escape(text)}"
                    for j, text in enumerate(area.highlights)
                ]
                if lines:
                    st.markdown("\n".join(lines))
                elif not area.figures:
                    st.caption("此领域没有摘出要点。")
                if area.figures:
                    _figure_buttons(report, area.figures, f"{path}.figures", f"area{i}")
    else:
        _part_missing(report, "review_areas", "工作回顾")
    if summary.problems:
        st.subheader("问题与不足")
        st.markdown("\n".join(f"- {md_escape(problem.text)}" for problem in summary.problems))


def _cards(report: Report, cards: Sequence[Card], key: str) -> None:
    with st.container(horizontal=True, gap="small"):
        for n, card in enumerate(cards):
            status = _combined(report.summary, card.paths)
            with st.container(border=True, width=CARD_WIDTH, height="stretch", gap="small"):
                st.metric(
                    md_escape(card.label),
                    card.value,
                    delta=card.second,
                    delta_arrow="off",
                    delta_color="gray",
                )
                with st.container(horizontal=True, vertical_alignment="center", gap="small"):
                    _status_badge(status)
                    with st.popover("原句", type="tertiary"):
                        evidence_view(
                            report,
                            card.paths,
                            card.evidence,
                            f"{card.label}：{card.value}",
                            f"{key}{n}_{report.key}",
                        )


def _status_badge(status: str) -> None:
    if status == VERIFIED:
        st.badge("✓ 已核实", color="green")
    elif status == UNVERIFIED:
        st.badge("⚠ 未核实", color="orange")
    elif status == UNBOUND:
        st.badge("◐ 对应未核实", color="blue")


# Figures shown per area before the rest is folded under a 更多 switch (none is left out).
FIGURES_SHOWN = 8


def _figure_label(figure: Figure) -> str:
    """What a figure's button says: its indicator, or the clause when no name was read."""
    if figure.binding is not None and not figure.binding.label:
        clause = figure.indicator if len(figure.indicator) <= 24 else figure.indicator[:23] + "…"
        return f"原文「{md_escape(clause)}」"
    return md_escape(tidy_label(figure.indicator))


def _figure_buttons(report: Report, figures: Sequence[Figure], path: str, key: str) -> None:
    """Each figure of an area as a small button opening its sentence; after the first few,
    the rest behind a 更多 switch."""
    st.caption("数据（点开看原句）")
    shown = len(figures)
    if len(figures) > FIGURES_SHOWN:
        more = st.toggle(
            f"更多（另有 {len(figures) - FIGURES_SHOWN} 项）", key=f"more_{key}_{report.key}"
        )
        shown = len(figures) if more else FIGURES_SHOWN
    with st.container(horizontal=True, gap="small"):
        for k, figure in enumerate(figures[:shown]):
            status = status_of(report.summary, f"{path}[{k}]")
            label = f"{_figure_label(figure)} **{md_escape(figure.value)}**"
            mark = {UNVERIFIED: " :orange[⚠]", UNBOUND: " :blue[◐]"}.get(status, "")
            with st.popover(label + mark):
                evidence_view(
                    report,
                    [f"{path}[{k}]"],
                    figure.evidence,
                    f"{figure.indicator}：{figure.value}",
                    f"{key}_{k}_{report.key}",
                )


def _number(i: int) -> str:
    digits = "一二三四五六七八九十"
    return f"（{digits[i]}）" if i < len(digits) else f"（{i + 1}）"


def _warn(status: str) -> str:
    return {UNVERIFIED: ":orange[⚠] ", UNBOUND: ":blue[◐] "}.get(status, "")


def _part_missing(report: Report, part: str, name: str) -> None:
    """What to say when a part has no items: absent from the report, or maybe missed."""
    checked = report.summary.completeness
    check = checked.part(part) if checked is not None else None
    if check is None:
        st.info(f"没有找到{name}。")
        return
    found = completeness.notice(check)
    if found.level == "warn":
        notice_line(report, found)
    else:
        st.info(md_escape(found.text))


# --------------------------------------------------------------------------- 主要目标


def targets(report: Report, previous: Report | None = None) -> None:
    summary = report.summary
    if not summary.targets:
        _part_missing(report, "targets", "主要预期目标")
        return
    st.caption("点开一条目标，看它在原文中的句子（数字以橙色标出）和核实结果。")
    for i, target in enumerate(summary.targets):
        path = f"targets[{i}]"
        status = status_of(summary, path)
        label = f"{_mark(status)} **{md_escape(target.indicator)}**　{md_escape(target.target)}"
        with st.expander(label):
            details = [
                ("数值", format_values(target.values)),
                ("单位", target.unit),
                ("限定词", target.qualifier or ""),
                ("类型", _KINDS.get(target.kind, target.kind)),
            ]
            st.caption(md_escape(" · ".join(f"{name} {value}" for name, value in details if value)))
            evidence_view(
                report,
                [path],
                target.evidence,
                f"{target.indicator}：{target.target}",
                f"target{i}_{report.key}",
            )
    if previous is not None:
        charts.track_section(previous, report, key=f"trackchart_{report.key}")


# --------------------------------------------------------------------------- 重点任务


def tasks(report: Report) -> None:
    summary = report.summary
    if not summary.task_areas:
        _part_missing(report, "task_areas", "今年重点任务")
        return
    st.caption("带数字的条目旁有「原句」，点开可看数字在原文中的出处。")
    for i, area in enumerate(summary.task_areas):
        path = f"task_areas[{i}]"
        label = f"{_number(i)}{md_escape(area.title)}（{len(area.items)} 项）"
        with st.expander(label, expanded=i < 2):
            if area.summary:
                st.markdown(md_escape(area.summary))
            if not area.items:
                st.caption("此领域没有分项。")
            for j, item in enumerate(area.items):
                item_path = f"{path}.items[{j}]"
                status = status_of(summary, item_path)
                line = f"• {_warn(status)}{md_escape(item.text)}"
                goals = "　".join(
                    f"{md_escape(goal.indicator)}：**{md_escape(goal.value)}**"
                    for goal in item.goals
                )
                if status == NO_NUMBER:
                    st.markdown(line + (f"  \n{goals}" if goals else ""))
                    continue
                with st.container(
                    horizontal=True, vertical_alignment="top", gap="small", wrap=False
                ):
                    st.markdown(line + (f"  \n{goals}" if goals else ""), width="stretch")
                    evidence = list(item.evidence) + [ev for g in item.goals for ev in g.evidence]
                    with st.popover("原句", icon=":material/format_quote:", type="tertiary"):
                        evidence_view(
                            report,
                            [item_path],
                            evidence,
                            item.text[:40],
                            f"task{i}_{j}_{report.key}",
                        )


# --------------------------------------------------------------------------- LLM progress


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
