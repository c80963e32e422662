"""A correct summary made from a case's gold: the reference the verifier is measured on.

Every item cites the sentence of the source that states it, found the way a careful reader
would: the occurrence whose sentence states the phrase's numbers exactly and names its
indicator, nearest to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from summarizer.evaluate.dataset import Case
from summarizer.report.evidence import evidence
from summarizer.report.normalize import NormalizedText, canon, normalize
from summarizer.report.numbers import extract_quantities, same_quantity
from summarizer.schema import (
    Evidence,
    Figure,
    ReportMeta,
    ReportSummary,
    ReviewArea,
    Target,
    TaskArea,
)

__all__ = ["SENTENCE_END", "Located", "gold_summary"]

SENTENCE_END = re.compile(r"[。；;！？!?\n]")


@dataclass
class Located:
    """Normalised text with white space dropped, and the way back."""

    source: NormalizedText
    compact: str
    positions: list[int]  # compact index -> normalised index

    @classmethod
    def of(cls, source: NormalizedText) -> Located:
        positions = [i for i, ch in enumerate(source.text) if not ch.isspace()]
        return cls(source, "".join(source.text[i] for i in positions), positions)

    def occurrences(self, needle: str) -> list[int]:
        found, at = [], self.compact.find(needle)
        while needle and at >= 0:
            found.append(at)
            at = self.compact.find(needle, at + 1)
        return found

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        """The normalised span of the sentence around a compact span."""
        text = self.source.text
        a, b = self.positions[start], self.positions[end - 1] + 1
        before = [m.end() for m in SENTENCE_END.finditer(text, 0, a)]
        after = SENTENCE_END.search(text, b)
        return (before[-1] if before else 0), (after.end() if after else len(text))

    def evidence(self, start: int, end: int) -> Evidence:
        return evidence(self.source, *self.sentence(start, end))

    def locate(self, value: str, indicator: str = "") -> Evidence | None:
        """Evidence for a phrase: the sentence of the occurrence that fits it best.

        Best is an occurrence whose sentence states the phrase's numbers as they are (not
        5% inside 5.5%, not 增长6.5% inside 增长6.5%左右), then one whose sentence names the
        indicator before it, nearest first, then the earliest.
        """
        needle, name = canon(value), canon(indicator)
        spots = self.occurrences(needle)
        if not spots:
            return None
        wanted = extract_quantities(needle)

        def rank(at: int) -> tuple[bool, int, int]:
            a, b = self.sentence(at, at + len(needle))
            stated = extract_quantities(self.source.text[a:b])
            exact = all(any(same_quantity(w, q) for q in stated) for w in wanted)
            heads = [
                h + len(name)
                for h in (self.occurrences(name) if name else [])
                if a <= self.positions[h] and h + len(name) <= at + len(needle)
            ]
            gap = at - max(heads) if heads else 10**6
            return (not exact, gap, at)

        best = min(spots, key=rank)
        return self.evidence(best, best + len(needle))


def gold_summary(case: Case, source: NormalizedText | None = None) -> ReportSummary:
    """A correct summary made from a case's gold, each item with its source sentence."""
    located = Located.of(source or normalize(case.text))
    gold = case.gold

    def evidence(value: str, indicator: str = "") -> list[Evidence]:
        found = located.locate(value, indicator)
        return [found] if found else []

    return ReportSummary(
        meta=ReportMeta(region=gold.region, level=gold.level, year=gold.year, kind=gold.kind),
        headline_figures=[
            Figure(indicator=f.indicator, value=f.value, evidence=evidence(f.value, f.indicator))
            for f in gold.headline_figures or []
        ],
        targets=[
            Target(indicator=t.indicator, target=t.target, evidence=evidence(t.target, t.indicator))
            for t in gold.targets or []
        ],
        review_areas=[ReviewArea(title=t, evidence=evidence(t)) for t in gold.review_areas or []],
        task_areas=[TaskArea(title=t, evidence=evidence(t)) for t in gold.task_areas or []],
    )
