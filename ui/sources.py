"""Where a number comes from: its sentence beside the item, and the report text with a mark.

:func:`evidence_view` draws, inside an item's expander or popover, the sentence the item
was read from with the item's phrase highlighted and its numbers marked, the verifier's
verdict on each number and a 「在原文中定位」 button.  That button (and the completeness
notices' 「在原文中查看」) switches to the 原文 tab, which shows the whole report, its
markup hidden, with the span highlighted.  Document text reaches Markdown only through
:func:`present.highlight_markdown` and :func:`present.md_escape`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import streamlit as st
from present import (
    Report,
    checks_under,
    excerpt,
    highlight_markdown,
    locate,
    markup_spans,
    md_escape,
    paragraph_index,
    reason_text,
)

from summarizer.schema import Evidence, NumberCheck
from summarizer.verify.bound import UNBOUND_ZH

__all__ = ["TAB_KEY", "JUMP_KEY", "Jump", "evidence_view", "quote_view", "jump", "source_text"]

TAB_KEY = "tab"  # the key of the tabs widget (see views.TABS)
JUMP_KEY = "jump"  # the Jump shown in 原文
_MAX_SENTENCES = 3
_SENTENCE_ENDS = "。！？；!?;\n"


@dataclass(frozen=True)
class Jump:
    """A place in a report to show in 原文: a highlighted span and marks inside it."""

    report_key: str
    start: int
    end: int
    label: str
    marks: tuple[tuple[int, int], ...] = field(default=())


@lru_cache(maxsize=8)
def _hidden(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(markup_spans(text))


def _shifted(spans: Sequence[tuple[int, int]], left: int, right: int) -> list[tuple[int, int]]:
    return [(a - left, b - left) for a, b in spans if b > left and a < right]


def sentence_markdown(
    text: str, spans: Sequence[tuple[int, int]], marks: Sequence[tuple[int, int]] = ()
) -> tuple[str, tuple[int, int]] | None:
    """The sentence around ``spans[0]`` as Markdown, spans highlighted, marks stronger."""
    if not spans:
        return None
    left, right = excerpt(text, *spans[0])
    hidden = _hidden(text)
    markdown = highlight_markdown(
        text[left:right],
        _shifted(spans, left, right),
        strong=_shifted(marks, left, right),
        hidden=_shifted(hidden, left, right),
    )
    # Say where the sentence was cut: mid-sentence ends get an ellipsis.
    if left > 0 and text[left - 1] not in _SENTENCE_ENDS:
        markdown = "…" + markdown
    if right < len(text) and text[right - 1] not in _SENTENCE_ENDS and text[right] != "\n":
        markdown += "…"
    return markdown, (left, right)


def evidence_view(
    report: Report, paths: Sequence[str], evidence: Sequence[Evidence], label: str, key: str
) -> None:
    """The sentence(s) the item at ``paths`` was read from, its numbers' verdicts, a button
    that shows it in 原文."""
    text, summary = report.text, report.summary
    checks = [check for path in paths for check in checks_under(summary, path)]
    number_spans = [
        span
        for check in checks
        if check.source is not None and (span := locate(text, check.source)) is not None
    ]
    item_spans = [span for ev in evidence if (span := locate(text, ev)) is not None]
    shown: list[tuple[int, int]] = []
    first: tuple[int, int] | None = None
    for span in item_spans + number_spans:
        if len(shown) >= _MAX_SENTENCES or any(a <= span[0] and span[1] <= b for a, b in shown):
            continue
        drawn = sentence_markdown(text, [span, *item_spans], number_spans)
        if drawn is None:
            continue
        markdown, bounds = drawn
        shown.append(bounds)
        first = first or span
        st.markdown(markdown)
    if first is None:
        st.caption("没有记录出处。")
    else:
        st.caption(f"原文第 {paragraph_index(text, first[0]) + 1} 段")
    if checks:
        st.markdown("  \n".join(_verdict_line(check) for check in checks))
    if first is not None:
        marks = tuple(number_spans)
        st.button(
            "在原文中定位",
            icon=":material/find_in_page:",
            key=f"goto_{key}",
            on_click=jump,
            args=(Jump(report.key, first[0], first[1], label, marks),),
            type="tertiary",
        )


def quote_view(text: str, evidence: Evidence | None, caption: str) -> None:
    """One quoted sentence of a report (track, compare), its phrase highlighted."""
    span = locate(text, evidence) if evidence is not None else None
    drawn = sentence_markdown(text, [span]) if span is not None else None
    if span is None or drawn is None:
        st.caption(f"{caption}：没有原文出处。")
        return
    st.caption(f"{caption}（原文第 {paragraph_index(text, span[0]) + 1} 段）")
    st.markdown(drawn[0])


def jump(target: Jump) -> None:
    st.session_state[JUMP_KEY] = target
    st.session_state[TAB_KEY] = "原文"


# --------------------------------------------------------------------------- 原文

_LEAD_PARAGRAPHS = 2  # paragraphs shown above a highlighted one


def source_text(report: Report) -> None:
    text = report.text
    hidden = _hidden(text)
    target = st.session_state.get(JUMP_KEY)
    if not isinstance(target, Jump) or target.report_key != report.key:
        st.caption("在其他标签页中点「在原文中定位」，这里会高亮对应的句子。")
        st.markdown(highlight_markdown(text, [], hidden=hidden))
        return
    start, end = target.start, target.end
    st.markdown(
        f"高亮：**{md_escape(target.label)}**（原文第 {paragraph_index(text, start) + 1} 段）"
    )
    # Fold the paragraphs far above the highlight so it opens near the top of the view.
    cut = _paragraph_start(text, start, _LEAD_PARAGRAPHS)
    if cut > 0:
        with st.expander(f"前文（{paragraph_index(text, cut)} 段）"):
            st.markdown(highlight_markdown(text[:cut], [], hidden=_shifted(hidden, 0, cut)))
    rest = len(text)
    st.markdown(
        highlight_markdown(
            text[cut:],
            [(start - cut, end - cut)],
            strong=_shifted(target.marks, cut, rest),
            hidden=_shifted(hidden, cut, rest),
        )
    )


def _paragraph_start(text: str, offset: int, lead: int) -> int:
    """The offset of the non-empty line ``lead`` paragraphs above the one holding ``offset``."""
    cut = text.rfind("\n", 0, offset) + 1
    while lead > 0 and cut > 0:
        previous = text.rfind("\n", 0, cut - 1) + 1
        if text[previous:cut].strip():
            lead -= 1
        cut = previous
    return cut


def _verdict_line(check: NumberCheck) -> str:
    """One number's verdict: found and bound (✓), found but not as measuring this
    indicator (◐, with the clause that states it), or not found (⚠)."""
    line = f"**{md_escape(check.raw)}**：{md_escape(reason_text(check.reason))}"
    if not check.grounded:
        return f":orange[⚠] {line}"
    if check.bound is False:
        clause = f"：「{md_escape(check.clause.quote)}」" if check.clause else ""
        return f":blue[◐] {line}；{md_escape(UNBOUND_ZH)}{clause}"
    return f":green[✓] {line}"
