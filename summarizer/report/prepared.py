"""A report ready for an engine: normalised, segmented and its numbers indexed."""

from __future__ import annotations

import re
from dataclasses import dataclass

from summarizer.errors import InputError
from summarizer.report.index import SourceIndex
from summarizer.report.normalize import NormalizedText, normalize
from summarizer.report.sections import Sections
from summarizer.report.segment import segment

__all__ = ["PreparedReport", "prepare"]

_CJK = re.compile(r"[\u4e00-\u9fff]+")
_SPACE = re.compile(r"\s+")


def _count(pattern: re.Pattern[str], text: str) -> int:
    """Characters of ``text`` in runs of ``pattern`` (counted by runs: far fewer than characters)."""
    return sum(map(len, pattern.findall(text)))


@dataclass
class PreparedReport:
    """A report ready for an engine: its text, normalised form, parts and numbers."""

    source: NormalizedText
    sections: Sections
    index: SourceIndex
    name: str | None = None

    @property
    def original(self) -> str:
        return self.source.original


def prepare(text: str, name: str | None = None) -> PreparedReport:
    """Normalise, segment and index a report's text; refuse text that is not a report."""
    if not text.strip():
        raise InputError(f"{name or 'input'}: the text is empty")
    sample = text[:20_000]  # enough to tell a report from something else
    cjk = _count(_CJK, sample)
    if cjk < 50 or cjk < 0.2 * (len(sample) - _count(_SPACE, sample)):
        raise InputError(
            f"{name or 'input'}: this does not look like a Chinese government work report "
            f"(only {cjk} Chinese characters)"
        )
    source = normalize(text)
    return PreparedReport(source, segment(source.text), SourceIndex.build(source), name)
