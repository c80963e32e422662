"""Normalise report text while keeping a map back to the original offsets.

The normalised text:
- has full-width ASCII forms folded to half-width (１２％ -> 12%, （一） -> (一), ， -> ,),
  sub- and superscript digits made plain (PM₂.₅ -> PM2.5);
- has runs of white space inside lines cut to one space (a separator in digests: "创新活力更加迸发 浙江…"),
  and removed beside punctuation and between a digit and a Chinese character;
- has one paragraph per line: lines broken mid-sentence (PDF extraction, web copies) are
  joined again, blank lines dropped;
- has page furniture (时间/来源/浏览次数 lines, 下载/打印/字号 controls) removed;
- has Markdown and web markup removed: YAML front matter (its ``title:`` value is kept as the
  first line), ``**`` bold marks, ``#`` heading and ``>`` quote marks, rules (``---``) and
  HTML comments (photo captions).

Every character of the normalised text comes from one character of the original, so
:meth:`NormalizedText.span_to_original` maps any span back into the document the user gave.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

__all__ = ["NormalizedText", "normalize", "canon", "fold_width"]

_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FOLD.update({0x3000: 0x20, 0x00A0: 0x20, 0x2002: 0x20, 0x2003: 0x20, 0x2009: 0x20, 0x200B: 0x20})
_FOLD.update({0x2080 + d: 0x30 + d for d in range(10)})  # subscript digits
_FOLD.update({0x2070: 0x30, 0x00B9: 0x31, 0x00B2: 0x32, 0x00B3: 0x33})
_FOLD.update({0x2070 + d: 0x30 + d for d in range(4, 10)})  # superscript digits
_FOLD.update({0x2024: 0x2E, 0x2027: 0x2E, 0x2219: 0x2E, 0xFE52: 0x2E})  # dot leaders
_FOLD.update({0x2212: 0x2D, 0x2010: 0x2D, 0x2011: 0x2D})  # minus and hyphens
_FOLD.update({0xFEFF: 0x20, 0x09: 0x20})  # a BOM left inside the text


_FOLDED = {chr(k): chr(v) for k, v in _FOLD.items()}
_FOLDABLE = re.compile("[" + re.escape("".join(_FOLDED)) + "]+")


def _fold_run(match: re.Match[str]) -> str:
    return "".join([_FOLDED[ch] for ch in match.group()])


def fold_width(text: str) -> str:
    """Fold full-width forms to half-width; the result has the same length.

    Only the runs of foldable characters are looked up (``str.translate`` would look up
    every character of the text, at twice the cost for a report)."""
    return _FOLDABLE.sub(_fold_run, text)


_BREAKS = re.compile(r"[\r\n]+\s*")
_LONE_CR = re.compile(r"\r(?!\n)")
_WS = re.compile(r"[ \f\v\r]+")
_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]{2}")
_NO_SPACE_NEXT = set(",，、。；;:：!！?？()（）“”\"'‘’《》%")


def canon(text: str) -> str:
    """The form two strings are compared in: width folded, all white space removed."""
    return re.sub(r"\s+", "", fold_width(text))


# A line that is web-page furniture rather than report text.
_FURNITURE = re.compile(
    r"^(?:(?:发布)?时间[:：]\s*\d{4}.{0,120}|来源[:：\s].{0,60}|浏览次数[:：].{0,20}"
    r"|(?:下载|打印|全屏|收藏|分享|关闭|加大|还原|减小|默认|大|中|小|【?字号[:：]?|】|【|"
    r"打印本页|关闭窗口|相关报道[:：]?|扫一扫.{0,20}|分享到[:：]?.{0,30}))$"
)

# Markup: the text it wraps stays, the marks go.
_FRONT_MATTER_KEY = re.compile(r"^[A-Za-z_][\w-]*:\s*")
_RULE = re.compile(r"^(?:-{3,}|\*{3,}|_{3,})$")
_LINE_MARK = re.compile(r"^(?:(?:#{1,6}|>)[ \t]*)+")
_INLINE_MARK = re.compile(r"\*\*|<!--.*?-->")


def _front_matter(folded: str) -> tuple[int, int] | None:
    """The span of a YAML front matter block at the very start, fences included."""
    if not folded.startswith("---"):
        return None
    first = folded.find("\n")
    if first < 0 or folded[:first].strip() != "---":
        return None
    close = re.compile(r"^---[ \t]*$", re.M).search(folded, first + 1, first + 4000)
    return (0, close.end()) if close else None


def _markup(folded: str, start: int, stop: int, front: tuple[int, int] | None) -> list[tuple[int, int]]:
    """Ranges of one line (``folded[start:stop]``, trimmed) that are markup."""
    line = folded[start:stop]
    if front and front[0] <= start < front[1]:
        key = _FRONT_MATTER_KEY.match(line)
        if line.strip() == "---" or (key and not line.startswith("title:")):
            return [(start, stop)]
        return [(start, start + key.end())] if key else []
    if _RULE.match(line):
        return [(start, stop)]
    drops = []
    mark = _LINE_MARK.match(line)
    if mark:
        drops.append((start, start + mark.end()))
    drops.extend((start + m.start(), start + m.end()) for m in _INLINE_MARK.finditer(line))
    return drops


# What ends a paragraph: a line ending with one of these is not joined to the next.
_TERMINAL = set("。！？!?；;:：”」』)）】》…")
# A line starting like this opens a new paragraph (a heading or a list item).
_OPENER = re.compile(
    r"^(?:[一二三四五六七八九十百]+[、.．]|[(（][一二三四五六七八九十百\d]+[)）]"
    r"|\d{1,2}[、.．](?!\d)|[①-⑳❶-❿◆■●▲★☆◇□○•·\-*#>]|第[一二三四五六七八九十]+[章节部分]"
    r"|[一二三四五六七八九十]+是|各位代表|附件|附录|名词解释)"
)
# A line starting like this can only continue the previous one.
_CONTINUATION = re.compile(r"^(?:[\d.]{1,6}$|[,，、。；;:：%)）”」』]|\d[\d.]*\s*(?:%|个百分点|[万亿千百]|元|人|家|个|项|[)）])|[）)])")


@dataclass
class NormalizedText:
    """Normalised text and the segment table that maps it back to the original."""

    original: str
    text: str
    _norm_starts: list[int] = field(repr=False, default_factory=list)
    _orig_starts: list[int] = field(repr=False, default_factory=list)
    # Results keyed by span, for the clients that ask for the same span many times.
    memo: dict[tuple[str, int, int], object] = field(repr=False, default_factory=dict, compare=False)

    def to_original(self, index: int) -> int:
        """Map an offset of the normalised text to the original text."""
        if not self._norm_starts:
            return index
        if index >= len(self.text):
            return len(self.original)
        seg = bisect.bisect_right(self._norm_starts, index) - 1
        return self._orig_starts[seg] + (index - self._norm_starts[seg])

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised span [start, end) to the smallest original span covering it."""
        if end <= start:
            pos = self.to_original(start)
            return pos, pos
        return self.to_original(start), self.to_original(end - 1) + 1

    def to_normalized(self, index: int) -> int:
        """Map an original offset to the first normalised character at or after it."""
        if not self._orig_starts:
            return index
        seg = bisect.bisect_right(self._orig_starts, index) - 1
        if seg < 0:
            return 0
        norm_start, orig_start = self._norm_starts[seg], self._orig_starts[seg]
        next_norm = self._norm_starts[seg + 1] if seg + 1 < len(self._norm_starts) else len(self.text)
        return min(norm_start + (index - orig_start), next_norm)

    def original_quote(self, start: int, end: int) -> str:
        """The original wording of a normalised span: its characters as the original writes
        them (full-width forms kept), without the markup, line breaks and spaces that
        normalisation dropped."""
        if end <= start:
            return ""
        starts = self._norm_starts
        if not starts:
            quote = self.original[start:end]
        else:
            seg = max(bisect.bisect_right(starts, start) - 1, 0)
            if seg + 1 >= len(starts) or end <= starts[seg + 1]:
                # within one kept stretch, as most spans are: one slice of the original
                o_start = self._orig_starts[seg] + (start - starts[seg])
                quote = self.original[o_start : o_start + (end - start)]
                return quote.strip() if "\n" not in quote and "\r" not in quote else _BREAKS.sub("", quote).strip()
            pieces = []
            while seg < len(starts) and starts[seg] < end:
                n_start = starts[seg]
                n_end = starts[seg + 1] if seg + 1 < len(starts) else len(self.text)
                a, b = max(start, n_start), min(end, n_end)
                if a < b:
                    o_start = self._orig_starts[seg] + (a - n_start)
                    pieces.append(self.original[o_start : o_start + (b - a)])
                seg += 1
            quote = "".join(pieces)
        if "\n" in quote or "\r" in quote:
            quote = _BREAKS.sub("", quote)
        return quote.strip()


def _deletions(folded: str) -> list[tuple[int, int]]:
    """Ranges of the folded text to drop, in order and not overlapping."""
    drops: list[tuple[int, int]] = []
    lines: list[tuple[int, int]] = []  # (start, end) of each non-blank line, after trimming
    pos = 0
    n = len(folded)
    front = _front_matter(folded)
    while pos <= n:
        nl = folded.find("\n", pos)
        end = n if nl < 0 else nl
        line = folded[pos:end]
        stripped = line.strip()
        if stripped and _FURNITURE.match(stripped) and len(stripped) < 160:
            drops.append((pos, end))
        elif stripped:
            lead = len(line) - len(line.lstrip())
            trail = len(line) - len(line.rstrip())
            start, stop = pos + lead, end - trail
            marks = _markup(folded, start, stop, front)
            if marks and _only_marks(folded, start, stop, marks):
                drops.append((pos, end))  # a line of markup only: a blank line
                pos = end + 1
                if nl < 0:
                    break
                continue
            drops.extend(marks)
            if lead:
                drops.append((pos, start))
            for m in _WS.finditer(folded, start, stop):
                a, b = m.start(), m.end()
                before = folded[a - 1] if a > start else ""
                after = folded[b] if b < stop else ""
                if before in _NO_SPACE_NEXT or after in _NO_SPACE_NEXT or (
                    before.isdigit() != after.isdigit() and not _ASCII_ALNUM.match(before + after)
                ):
                    drops.append((a, b))  # white space beside punctuation or digits
                elif b - a > 1:
                    drops.append((a + 1, b))  # a run of spaces becomes one
            if trail:
                drops.append((stop, end))
            lines.append((start, stop))
        else:
            drops.append((pos, end))
        if nl < 0:
            break
        pos = nl + 1

    # Line breaks between consecutive kept lines: keep one "\n" or join.
    for (a_start, a_end), (b_start, _b_end) in zip(lines, lines[1:], strict=False):
        gap_start, gap_end = a_end, b_start
        # Everything in the gap other than one newline is dropped; the blank lines and
        # white space in it were already dropped above, except the newline characters.
        newlines = [i for i in range(gap_start, gap_end) if folded[i] == "\n"]
        if _joins(folded[a_start:a_end], folded[b_start:_b_end], len(newlines)):
            drops.extend((i, i + 1) for i in newlines)
        else:
            drops.extend((i, i + 1) for i in newlines[1:])
    # Drop newlines before the first kept line and after the last.
    first = lines[0][0] if lines else n
    last = lines[-1][1] if lines else n
    drops.extend((i, i + 1) for i in range(0, first) if folded[i] == "\n")
    drops.extend((i, i + 1) for i in range(last, n) if folded[i] == "\n")
    drops.sort()
    merged: list[tuple[int, int]] = []
    for a, b in drops:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _only_marks(folded: str, start: int, stop: int, marks: list[tuple[int, int]]) -> bool:
    left = list(folded[start:stop])
    for a, b in marks:
        left[a - start : b - start] = [" "] * (b - a)
    return not "".join(left).strip()


def _joins(line: str, following: str, newlines: int) -> bool:
    """Whether a line was broken mid-sentence and continues on the following line."""
    head = following[:24] if len(following) > 6 else following
    if _OPENER.match(head):
        return False
    if _CONTINUATION.match(head):
        return True
    last = line[-1]
    if last in _TERMINAL:
        return False
    if last in ",，、":
        return True
    if newlines > 2 or (len(following) <= 30 and following[-1] not in _TERMINAL):
        # several blank lines, or a short line without punctuation: a heading follows
        return False
    # A long line that stops without punctuation was cut by the page width or a copy;
    # a short one is a heading or a title.
    return len(line) >= 40 and not _OPENER.match(line)


def normalize(original: str) -> NormalizedText:
    """Normalise a report's text; see the module docstring for what changes."""
    # Mac line endings (a lone CR) break lines like LF does; one character for one, so every
    # offset stays as it was.
    folded = _LONE_CR.sub("\n", fold_width(original))
    drops = _deletions(folded)
    pieces: list[str] = []
    norm_starts: list[int] = []
    orig_starts: list[int] = []
    pos = 0
    norm_len = 0
    for a, b in [*drops, (len(folded), len(folded))]:
        if a > pos:
            norm_starts.append(norm_len)
            orig_starts.append(pos)
            pieces.append(folded[pos:a])
            norm_len += a - pos
        pos = max(pos, b)
    return NormalizedText(original, "".join(pieces), norm_starts, orig_starts)
