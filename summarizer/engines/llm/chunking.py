"""Cut a section into pieces a model can read: whole areas where they fit, else paragraphs.

Offsets are offsets into the normalised text (one paragraph per line).  A chunk is always a
contiguous span, so what a model reads is exactly a slice of the source, less the planted
instructions in it (:func:`model_text` puts a marker in their place).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

__all__ = ["Chunk", "estimate_tokens", "pack", "halve", "model_text", "REDACTED_INSTRUCTION"]

_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
_SENTENCE_END = re.compile(r"[。！？；!?;]")


def estimate_tokens(text: str) -> int:
    """A cheap token estimate: about 1.4 Chinese characters or 4 other characters a token."""
    cjk = len(_CJK.findall(text))
    return math.ceil(cjk / 1.4 + (len(text) - cjk) / 4)


@dataclass(frozen=True)
class Chunk:
    start: int
    end: int
    text: str

    @property
    def tokens(self) -> int:
        return estimate_tokens(self.text)


def _pieces(text: str, start: int, end: int, budget: int) -> list[tuple[int, int]]:
    """Split [start, end) on line breaks, then on sentence ends, into spans within budget."""
    if estimate_tokens(text[start:end]) <= budget:
        return [(start, end)]
    cuts: list[int] = []
    for pattern in (r"\n", _SENTENCE_END.pattern):
        cuts = [m.end() for m in re.finditer(pattern, text[start:end])]
        cuts = [start + c for c in cuts if start + c < end]
        if cuts:
            break
    if not cuts:  # one endless sentence: cut by size
        step = max(1, int(budget * 1.4))
        cuts = list(range(start + step, end, step))
    spans, a = [], start
    for b in [*cuts, end]:
        spans.append((a, b))
        a = b
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if estimate_tokens(text[a:b]) > budget and (a, b) != (start, end):
            out.extend(_pieces(text, a, b, budget))
        else:
            out.append((a, b))
    return out


def pack(text: str, units: list[tuple[int, int]], budget: int) -> list[Chunk]:
    """Group consecutive units (areas, paragraphs) into chunks of at most ``budget`` tokens.

    A unit over budget is split on paragraph, then sentence boundaries; small units are
    packed together so that the fixed cost of each call (prompt, schema) is paid rarely.
    """
    spans: list[tuple[int, int]] = []
    for start, end in sorted(units):
        if end > start:
            spans.extend(_pieces(text, start, end, budget))
    chunks: list[Chunk] = []
    current: tuple[int, int] | None = None
    for a, b in spans:
        if current is not None and estimate_tokens(text[current[0] : b]) <= budget:
            current = (current[0], b)
            continue
        if current is not None:
            chunks.append(_chunk(text, *current))
        current = (a, b)
    if current is not None:
        chunks.append(_chunk(text, *current))
    return [c for c in chunks if c.text.strip()]


def _chunk(text: str, start: int, end: int) -> Chunk:
    while end > start and text[end - 1] in "\n ":
        end -= 1
    while start < end and text[start] in "\n ":
        start += 1
    return Chunk(start, end, text[start:end])


def halve(text: str, chunk: Chunk) -> list[Chunk]:
    """Two chunks of about half the size, cut at a paragraph or sentence end."""
    pieces = _pieces(text, chunk.start, chunk.end, max(1, chunk.tokens // 2))
    if len(pieces) < 2:
        return [chunk]
    return pack(text, pieces, max(1, (chunk.tokens + 1) // 2 + 8))


# -- planted instructions --------------------------------------------------------------
REDACTED_INSTRUCTION = "〔此处疑似写给模型的指令，已略去〕"


def model_text(text: str, chunk: Chunk, planted: list[tuple[int, int]]) -> str:
    """The chunk as the model reads it: planted instructions replaced by a marker."""
    out, pos = [], chunk.start
    for a, b in planted:
        if b <= chunk.start or a >= chunk.end:
            continue
        out.append(text[pos : max(a, pos)])
        out.append(REDACTED_INSTRUCTION)
        pos = min(b, chunk.end)
    out.append(text[pos : chunk.end])
    return "".join(out)
