"""The top of a summary: title, what it is, the two checks as badges, notices, downloads.

Two badges sit side by side: 「数字核实」 says the numbers shown are those of the report;
the completeness badge says whether anything the report states in a part is missing.
A part that may be incomplete gets a line with a button that opens the passage in 原文.
"""

from __future__ import annotations

import completeness
import streamlit as st
from exports import file_stem, targets_csv_zh
from messages import warning_text
from present import KINDS, LEVELS, Report, locate, md_escape
from sources import Jump, jump

from summarizer.engines import made_by
from summarizer.schema import Warning

__all__ = ["header", "notice_line", "engine_label"]

# A passage longer than this is marked by its first line only.
_LONG_PASSAGE = 600


def header(report: Report) -> None:
    summary, meta = report.summary, report.summary.meta
    st.title(md_escape(report.title))
    parts = [
        meta.region,
        LEVELS.get(meta.level or ""),
        f"{meta.year} 年" if meta.year else None,
        KINDS.get(meta.kind),
        f"{meta.chars or len(report.text):,} 字",
        f"主要目标 {len(summary.targets)} 项",
        f"重点任务 {len(summary.task_areas)} 个方面",
        engine_label(report),
    ]
    shown = [part for part in dict.fromkeys(parts) if part]  # 全国 · 全国 said once
    st.caption(md_escape(" · ".join(shown)))
    with st.container(horizontal=True, vertical_alignment="center"):
        _verification_badge(report)
        found = completeness.badge(summary)
        if found is not None:
            label, color, help_text = found
            st.badge(label, icon=":material/checklist:", color=color, help=help_text)
        _downloads(report)
    for notice in completeness.notices(summary):
        if notice.level == "warn":
            notice_line(report, notice)
    warnings = [w for w in summary.warnings if not _superseded(report, w)]
    if warnings:
        st.warning(
            "\n".join(f"- {_warning_text(report, warning)}" for warning in warnings),
            icon=":material/warning:",
        )


def _verification_badge(report: Report) -> None:
    verification = report.summary.verification
    if verification is None or not verification.numbers_total:
        return
    verified, total = verification.numbers_verified, verification.numbers_total
    st.badge(
        f"数字核实 {verified}/{total}",
        icon=":material/fact_check:" if verified == total else ":material/error:",
        color="green" if verified == total else "orange",
        help="摘要里列出的每个数字都到原文中核对过：数字在原文中，而且原句说的正是它所列的指标。"
        "这里是两样都核对上的个数；数字见于原文、但与指标的对应未核实的标为 ◐。"
        "它不说明摘要有没有遗漏：遗漏看旁边的完整性检查。",
    )


def notice_line(report: Report, notice: completeness.Notice) -> None:
    """A may-be-incomplete notice with a button opening its passage in 原文."""
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.markdown(f":orange[:material/warning:] {md_escape(notice.text)}", width="stretch")
        target = _passage_jump(report, notice)
        if target is not None:
            st.button(
                "在原文中查看",
                icon=":material/find_in_page:",
                key=f"see_{notice.part}_{report.key}",
                on_click=jump,
                args=(target,),
            )


def _passage_jump(report: Report, notice: completeness.Notice) -> Jump | None:
    if notice.passage is None:
        return None
    span = locate(report.text, notice.passage)
    if span is None:
        return None
    start, end = span
    if end - start > _LONG_PASSAGE:
        line_end = report.text.find("\n", start + 1)
        end = line_end if 0 < line_end < end else start + _LONG_PASSAGE
    marks = tuple(found for ev in notice.missed if (found := locate(report.text, ev)) is not None)
    return Jump(report.key, start, end, f"{notice.name}（原文段落）", marks)


def _superseded(report: Report, warning: Warning) -> bool:
    """A warning the completeness notices already say: an engine's "part not found", or the
    check's own warning for a part (code ``<part>_<status>``)."""
    checked = report.summary.completeness
    if checked is None:
        return False
    if warning.code in {f"{part.part}_{part.status}" for part in checked.parts}:
        return True
    part = completeness.SUPERSEDED_WARNINGS.get(warning.code)
    return part is not None and checked.part(part) is not None


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
    return md_escape(warning_text(warning.code, warning.message))


def engine_label(report: Report) -> str:
    engine = report.summary.engine
    if engine.name == "rules":
        return made_by("rules")
    return made_by(engine.name, engine.model)


def _downloads(report: Report) -> None:
    from summarizer.render import to_markdown

    stem = file_stem(report.summary, report.name)
    with st.popover("下载", icon=":material/download:"):
        st.download_button(
            "摘要 JSON",
            report.summary.to_json(),
            f"{stem}_summary.json",
            "application/json",
            icon=":material/data_object:",
            key=f"dl_json_{report.key}",
            width="stretch",
        )
        st.download_button(
            "摘要 Markdown",
            to_markdown(report.summary),
            f"{stem}_summary.md",
            "text/markdown",
            icon=":material/description:",
            key=f"dl_md_{report.key}",
            width="stretch",
        )
        st.download_button(
            "主要目标 CSV（Excel 可打开）",
            targets_csv_zh(report.summary).encode("utf-8-sig"),
            f"{stem}_targets.csv",
            "text/csv",
            icon=":material/table:",
            key=f"dl_csv_{report.key}",
            width="stretch",
        )
