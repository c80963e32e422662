"""Where a number comes from: the source picker and the report text with a highlight.

A reader picks a figure, target or task item; the sentence it was read from is shown in
context with the quoted span highlighted, next to the verifier's verdict on each number.
「在原文中定位」 switches to the 原文 tab, which shows the whole report with that span
highlighted.  Document text reaches Markdown only through
:func:`present.highlight_markdown` and :func:`present.md_escape`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st
from present import (
    UNVERIFIED,
    VERIFIED,
    Report,
    checks_under,
    excerpt,
    first_source,
    highlight_markdown,
    locate,
    md_escape,
    paragraph_index,
    reason_text,
    status_of,
)

from summarizer.schema import Evidence

TAB_KEY = "tab"  # the key of the tabs widget (see views.TABS)
HIGHLIGHT_KEY = "highlight"  # (report key, start, end, label) shown in 原文


@dataclass(frozen=True)
class SourceItem:
    """One thing whose source a reader can look up: a figure, a target, a task item."""

    label: str  # plain text, for the picker
    path: str  # where in the summary, for its number checks
    evidence: Evidence | None


def source_panel(
    report: Report, items: Sequence[SourceItem], name: str, pick_key: str | None = None
) -> None:
    """A picker over ``items`` and the chosen item's source sentence, highlighted."""
    key = pick_key or f"pick_{name}_{report.key}"
    if st.session_state.get(key, 0) >= len(items):
        st.session_state[key] = 0
    choice = st.selectbox(
        "选择条目",
        range(len(items)),
        key=key,
        format_func=lambda i: f"{_plain_mark(report, items[i])}{items[i].label}",
    )
    item = items[choice]
    summary = report.summary
    with st.container(border=True):
        source = first_source(summary, item.path, [item.evidence] if item.evidence else [])
        span = locate(report.text, source) if source is not None else None
        if span is None:
            st.caption("没有记录出处。")
        else:
            left, right = excerpt(report.text, *span)
            st.markdown(
                highlight_markdown(report.text[left:right], [(span[0] - left, span[1] - left)])
            )
            st.caption(
                f"原文第 {paragraph_index(report.text, span[0]) + 1} 段，"
                f"第 {span[0] + 1}–{span[1]} 字"
            )
        checks = checks_under(summary, item.path)
        if checks:
            st.markdown(
                "  \n".join(
                    f"{'✓' if check.grounded else '⚠'} **{md_escape(check.raw)}**："
                    f"{md_escape(reason_text(check.reason))}"
                    for check in checks
                )
            )
        if span is not None:
            st.button(
                "在原文中定位",
                icon=":material/find_in_page:",
                key=f"goto_{name}_{report.key}",
                on_click=_show_in_text,
                args=(report.key, span, item.label),
            )


def _plain_mark(report: Report, item: SourceItem) -> str:
    status = status_of(report.summary, item.path)
    return {VERIFIED: "✓ ", UNVERIFIED: "⚠ "}.get(status, "")


def _show_in_text(report_key: str, span: tuple[int, int], label: str) -> None:
    st.session_state[HIGHLIGHT_KEY] = (report_key, span[0], span[1], label)
    st.session_state[TAB_KEY] = "原文"


# --------------------------------------------------------------------------- 原文

_LEAD_PARAGRAPHS = 2  # paragraphs shown above a highlighted one


def source_text(report: Report) -> None:
    highlight = st.session_state.get(HIGHLIGHT_KEY)
    if not highlight or highlight[0] != report.key:
        st.caption("在其他标签页中点「在原文中定位」，这里会高亮对应的句子。")
        with st.container(height=640, border=True):
            st.markdown(highlight_markdown(report.text, []))
        return
    _, start, end, label = highlight
    st.markdown(
        f"高亮：**{md_escape(label)}**（原文第 {paragraph_index(report.text, start) + 1} 段）"
    )
    # Fold the paragraphs far above the highlight so it opens near the top of the view.
    cut = _paragraph_start(report.text, start, _LEAD_PARAGRAPHS)
    if cut > 0:
        with st.expander(f"前文（{paragraph_index(report.text, cut)} 段）"):
            st.markdown(highlight_markdown(report.text[:cut], []))
    with st.container(height=640, border=True):
        st.markdown(highlight_markdown(report.text[cut:], [(start - cut, end - cut)]))


def _paragraph_start(text: str, offset: int, lead: int) -> int:
    """The offset of the non-empty line ``lead`` paragraphs above the one holding ``offset``."""
    cut = text.rfind("\n", 0, offset) + 1
    while lead > 0 and cut > 0:
        previous = text.rfind("\n", 0, cut - 1) + 1
        if text[previous:cut].strip():
            lead -= 1
        cut = previous
    return cut
