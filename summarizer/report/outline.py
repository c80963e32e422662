"""The outline of a report: its paragraphs, their numbering and the lists they form.

Reports number their headings in a handful of families, at any level and in any order:

    chapter  一、        part    第一部分        paren   (一)        shi      一是
    ordinal  第一,       dot     1、 / 1.        pdigit  (1)         circled  ①
    listnum  - 1 …       dash    ——…            lead     产业升级步伐加快。… (a short
    first sentence that heads its paragraph)    (inline: …。二是… inside one paragraph)

A *run* is a list of consecutive items of one family, numbered 1, 2, 3 … (dash items count
as numbered in order).  :func:`runs` finds every run in a stretch of lines, each with its
items' titles, spans and shape; choosing among them is the segmenter's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from summarizer.report.sections import Block

__all__ = [
    "CN",
    "Line",
    "Marker",
    "Run",
    "cn_int",
    "lines_of",
    "marker_of",
    "runs",
    "title_of",
    "is_heading_line",
]

CN = "一二三四五六七八九十"
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def cn_int(text: str) -> int | None:
    """一 -> 1, 十二 -> 12, 二十三 -> 23, 7 -> 7; None for anything else."""
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return _CN_DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


@dataclass
class Line:
    """One paragraph of the normalised text."""

    start: int
    end: int
    text: str


def lines_of(text: str, start: int = 0, end: int | None = None) -> list[Line]:
    """The non-blank lines of ``text`` that start in [start, end)."""
    stop = len(text) if end is None else end
    found, pos = [], 0
    for raw in text.split("\n"):
        if pos >= stop:
            break
        if raw.strip() and pos >= start:
            found.append(Line(pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return found


# -- markers ----------------------------------------------------------------------------------

_FAMILIES: list[tuple[str, re.Pattern[str]]] = [
    ("part", re.compile(rf"^第([{CN}]{{1,3}})(?:部分|篇|章)[、,:\s]*")),
    ("chapter", re.compile(rf"^([{CN}]{{1,3}})[、.](?![{CN}]?[、.是])\s*")),
    ("paren", re.compile(rf"^\(([{CN}]{{1,3}})\)\s*")),
    ("shi", re.compile(rf"^([{CN}]{{1,3}})是(?![的否])[,:]?\s*")),
    ("ordinal", re.compile(rf"^第([{CN}]{{1,3}})(?:[,、:]|是)\s*")),
    ("dot", re.compile(r"^(\d{1,2})(?:[、]|\.(?!\d))\s*")),
    ("pdigit", re.compile(r"^\((\d{1,2})\)\s*")),
    ("circled", re.compile(r"^([①-⑳])\s*")),
    ("listnum", re.compile(r"^[-*•]\s*(\d{1,2})(?![\d.%])\s*(?=[\u4e00-\u9fff“\"])")),
    ("dash", re.compile(r"^(?:——|--)(?!\d{4}年\d)\s*(?=\S)")),
]
FAMILY_NAMES = tuple(name for name, _ in _FAMILIES)


@dataclass(frozen=True)
class Marker:
    family: str
    number: int | None  # None for dash items, numbered by position
    end: int  # offset in the line where the text after the marker starts
    written: str


@lru_cache(maxsize=8192)
def marker_of(text: str) -> Marker | None:
    """The numbering that opens a line, if any."""
    for family, pattern in _FAMILIES:
        match = pattern.match(text)
        if not match:
            continue
        number: int | None = None
        if family != "dash":
            token = match.group(1)
            number = ord(token) - ord("①") + 1 if family == "circled" else cn_int(token)
            if number is None:
                continue
        return Marker(family, number, match.end(), match.group(0).strip())
    return None


_SENTENCE_END = re.compile(r"[。!?;！？；]")


def title_of(text: str) -> str:
    """The heading of an item: its text up to the first full stop (or colon), trimmed."""
    text = text.strip()
    cut = re.search(r"[。!！?？;；:：]", text)
    title = text[: cut.start()] if cut else text
    return title.strip().rstrip(",，、 ")


def is_heading_line(text: str, limit: int = 40) -> bool:
    """A short line with no sentence inside it: a heading rather than a paragraph."""
    body = text.rstrip("。:： ")
    return 0 < len(body) <= limit and not _SENTENCE_END.search(body)


# -- runs -------------------------------------------------------------------------------------

_INLINE = re.compile(rf"(?:^|(?<=[。;:]))\s*([{CN}]{{1,3}})是(?![的否])")


@dataclass
class Run:
    """Consecutive items of one numbering family: a list the report makes."""

    family: str
    blocks: list[Block]
    lines: list[int] = field(default_factory=list)  # index of each item's line
    inline: bool = False  # items inside one paragraph (一是…二是…)
    first_number: int = 1

    @property
    def start(self) -> int:
        return self.blocks[0].start

    @property
    def end(self) -> int:
        return self.blocks[-1].end

    def __len__(self) -> int:
        return len(self.blocks)


def _block(line: Line, marker: Marker, end: int) -> Block:
    body = line.text[marker.end :]
    title = title_of(body)
    offset = body.find(title) if title else 0
    title_start = line.start + marker.end + max(offset, 0)
    return Block(title, line.start, end, title_start, title_start + len(title), marker.written)


def runs(lines: list[Line], end: int, *, chapters: bool = False) -> list[Run]:
    """Every run of two or more items in ``lines`` (which end at offset ``end``).

    A run ends where its family restarts at 1, and its last item runs to the start of the
    next run item of the same or a higher level, or to ``end``.  Chapter-level families
    (一、, 第一部分) are only listed with ``chapters=True``; a chapter run may start at any
    number (a report whose tasks are chapters 三、 to 九、).
    """
    found: list[Run] = []
    open_runs: dict[str, tuple[list[tuple[int, Marker]], int | None]] = {}

    def close(family: str) -> None:
        items, _ = open_runs.pop(family, ([], None))
        if len(items) >= (2 if family in FAMILY_NAMES else 3):
            found.append(_make_run(family.split(":")[0], items, lines, end))

    for i, line in enumerate(lines):
        marker = marker_of(line.text) or _lead_marker(line.text) or _opener_marker(line.text)
        if marker is None:
            continue
        if marker.family in FAMILY_NAMES and marker.family != "dash":
            # a numbered item ends the unnumbered lists that run across it
            for family in [f for f in open_runs if f not in FAMILY_NAMES or f == "dash"]:
                close(family)
        family = marker.family
        if family in ("chapter", "part") and not chapters:
            continue
        items, last = open_runs.get(family, ([], None))
        if family not in FAMILY_NAMES or family == "dash":
            # unnumbered items belong together while few paragraphs of prose break them
            if items and not _dash_continues(lines, items[-1][0], i):
                close(family)
                items, last = [], None
            open_runs[family] = (items + [(i, marker)], None)
            continue
        number = marker.number
        if items and last is not None and number == last + 1:
            open_runs[family] = (items + [(i, marker)], number)
        elif number == 1 or (family in ("chapter", "part") and not items):
            close(family)
            open_runs[family] = ([(i, marker)], number)
    for family in list(open_runs):
        close(family)
    for line in lines:
        found.extend(_inline_runs(line, end))
    found.sort(key=lambda r: r.start)
    return found


_LEAD = re.compile(r"^([^。,，;；:：!！?？“”()]{4,24})。(?=.{10})")


def _lead_marker(text: str) -> Marker | None:
    """A paragraph headed by a short sentence of its own: "产业升级步伐加快。加快改造…"."""
    match = _LEAD.match(text)
    if match is None or re.search(r"\d", match.group(1)):
        return None
    return Marker("lead", None, 0, "")


_OPENER = re.compile(r"^((?:各位代表[!！,，]?)?[^\d,，。;；:：!！]{2,8})[,，]\s*(我们)?")


def _opener_marker(text: str) -> Marker | None:
    """Paragraphs that open alike, "一年来,我们坚持…" "过去五年,是…的五年": the opening
    words, up to the first comma, name the list (family ``opener:一年来``)."""
    match = _OPENER.match(text)
    if match is None or len(text) < 60:
        return None
    return Marker(f"opener:{match.group(1)}", None, match.end(), match.group(1))


def _dash_continues(lines: list[Line], previous: int, current: int) -> bool:
    """Whether the dash item at ``current`` continues the list whose last item is ``previous``:
    at most a few lines of its body between them."""
    return current - previous <= 6


def _make_run(family: str, items: list[tuple[int, Marker]], lines: list[Line], end: int) -> Run:
    blocks = []
    for k, (i, marker) in enumerate(items):
        block_end = lines[items[k + 1][0]].start - 1 if k + 1 < len(items) else end
        blocks.append(_block(lines[i], marker, block_end))
    first = items[0][1].number or 1
    return Run(family, blocks, [i for i, _ in items], first_number=first)


FAMILIES = (*FAMILY_NAMES, "lead")


def _inline_runs(line: Line, end: int) -> list[Run]:
    """一是…二是…三是… inside one paragraph; each title is the item's first sentence."""
    if "是" not in line.text:
        return []
    marks: list[re.Match[str]] = []
    for mark in _INLINE.finditer(line.text):
        if cn_int(mark.group(1)) == len(marks) + 1:
            marks.append(mark)
    if len(marks) < 2 or (len(marks) == 2 and marks[0].start() > 0):
        return []
    if marks[0].start() == 0:
        return []  # a paragraph that opens with 一是 is an item of a line-level run
    blocks = []
    for k, mark in enumerate(marks):
        stop = marks[k + 1].start() if k + 1 < len(marks) else len(line.text)
        body = line.text[mark.end() : stop]
        title = title_of(body)
        start = line.start + mark.end()
        block_end = line.start + stop if k + 1 < len(marks) else line.end
        blocks.append(
            Block(title, line.start + mark.start(1), block_end, start, start + len(title), mark.group(0).strip())
        )
    return [Run("shi", blocks, inline=True)]
