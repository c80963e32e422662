"""Review areas and key-task areas: titles, lead sentences, bullet items and their figures."""

from __future__ import annotations

import re
from collections.abc import Iterator

from summarizer.engines.rules.figures import figures_in
from summarizer.report.binding import Bindings
from summarizer.report.evidence import evidence, verbatim
from summarizer.report.normalize import NormalizedText
from summarizer.report.sections import Block
from summarizer.schema import ReviewArea, TaskArea, TaskItem

__all__ = ["review_area", "task_area"]

_BULLET = re.compile(r"^(?:[-*•·]\s*)?[◆■●▲★☆◇□○•·]\s*|^[-*•]\s+")
_SENTENCE = re.compile(r"[^。！？!?]*[。！？!?]?")
# A lead sentence opens a paragraph or stands alone: short, no comma inside.
_LEAD_MAX = 22
MAX_ITEMS = 10
MAX_HIGHLIGHTS = 5


def _body(nt: NormalizedText, block: Block) -> tuple[int, int]:
    """Where the block's body starts (after its heading sentence) and ends."""
    text = nt.text
    pos = block.title_end
    stop = re.match(r"[。!！?？;；:：]?\**\s*", text[pos : block.end])
    pos += stop.end() if stop else 0
    return pos, block.end


def _paragraphs(nt: NormalizedText, start: int, end: int) -> Iterator[tuple[int, int]]:
    pos = start
    while pos < end:
        nl = nt.text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        if nt.text[pos:stop].strip():
            yield pos, stop
        pos = stop + 1


def _sentences(nt: NormalizedText, start: int, end: int) -> Iterator[tuple[int, int]]:
    for match in _SENTENCE.finditer(nt.text, start, end):
        if match.group(0).strip():
            yield match.start(), match.end()


_ITEM_CHARS = 120


def _cut(nt: NormalizedText, a: int, b: int) -> tuple[int, int]:
    """A long sentence shortened at a clause break, never inside a number."""
    if b - a <= _ITEM_CHARS:
        return a, b
    limit = a + _ITEM_CHARS
    breaks = [m.start() for m in re.finditer(r"[,，;；、]", nt.text[a:limit])]
    if breaks and breaks[-1] > _ITEM_CHARS // 3:
        return a, a + breaks[-1]
    while limit > a and re.match(r"[\d.%％]", nt.text[limit - 1 : limit + 1]):
        limit -= 1
    return a, limit


def _bullet_item(nt: NormalizedText, start: int, end: int) -> tuple[int, int]:
    """The item text of a bullet line: its bold or spaced-off title, else its first sentence."""
    text = nt.text[start:end]
    bullet = _BULLET.match(text)
    pos = start + (bullet.end() if bullet else 0)
    rest = nt.text[pos:end]
    bold = re.match(r"^\*\*(.+?)\*\*", rest)
    if bold:
        return pos + 2, pos + 2 + len(bold.group(1))
    space = rest.find(" ")
    if 2 <= space <= 20 and not re.search(r"[，,。；;]", rest[:space]):
        return pos, pos + space
    first = next(_sentences(nt, pos, end), (pos, end))
    return _cut(nt, *first)


def _leads(nt: NormalizedText, start: int, end: int) -> list[tuple[int, int, int, int]]:
    """(lead start, lead end, scope start, scope end): lead sentences and what they head."""
    found: list[tuple[int, int, int, int]] = []
    paragraphs = list(_paragraphs(nt, start, end))
    for k, (p_start, p_end) in enumerate(paragraphs):
        if _BULLET.match(nt.text[p_start:p_end]):
            a, b = _bullet_item(nt, p_start, p_end)
            found.append((a, b, p_start, p_end))
            continue
        sentences = list(_sentences(nt, p_start, p_end))
        leads = [
            (a, b)
            for a, b in sentences
            if b - a <= _LEAD_MAX and not re.search(r"[,，、;；:：]", nt.text[a : b - 1]) and nt.text[b - 1] in "。!！"
        ]
        if not leads and sentences:
            if k == 0 and len(paragraphs) > 1:
                continue  # an opening paragraph introduces the area; items follow
            a, b = _cut(nt, *sentences[0])
            found.append((a, b, p_start, p_end))
            continue
        for k, (a, b) in enumerate(leads):
            scope_end = leads[k + 1][0] if k + 1 < len(leads) else p_end
            found.append((a, b, a, scope_end))
    return found


def _strip_end(nt: NormalizedText, a: int, b: int) -> tuple[int, int]:
    while b > a and nt.text[b - 1] in "。!！?？;；,，:： *":
        b -= 1
    return a, b


def _title(nt: NormalizedText, block: Block) -> str:
    """The area's title in the report's own wording."""
    if nt.text[block.title_start : block.title_end] == block.title:
        return verbatim(nt, block.title_start, block.title)
    return block.title


def task_area(nt: NormalizedText, block: Block, bindings: Bindings) -> TaskArea:
    body_start, body_end = _body(nt, block)
    items = []
    for a, b, scope_a, scope_b in _leads(nt, body_start, body_end):
        a, b = _strip_end(nt, a, b)
        if b <= a:
            continue
        items.append(
            TaskItem(
                text=verbatim(nt, a, nt.text[a:b]),
                goals=figures_in(nt, bindings, scope_a, scope_b),
                evidence=[evidence(nt, a, b)],
            )
        )
    return TaskArea(
        title=_title(nt, block), items=items, evidence=[evidence(nt, block.title_start, block.title_end)]
    )


def review_area(nt: NormalizedText, block: Block, bindings: Bindings) -> ReviewArea:
    body_start, body_end = _body(nt, block)
    highlights = []
    # The title's evidence first, then one for each highlight, in order.
    spans = [evidence(nt, block.title_start, block.title_end)]
    for a, b, _sa, _sb in _leads(nt, body_start, body_end)[:MAX_HIGHLIGHTS]:
        a, b = _strip_end(nt, a, b)
        if b > a:
            highlights.append(verbatim(nt, a, nt.text[a:b]))
            spans.append(evidence(nt, a, b))
    return ReviewArea(
        title=_title(nt, block),
        highlights=highlights,
        figures=figures_in(nt, bindings, body_start, body_end),
        evidence=spans,
    )
