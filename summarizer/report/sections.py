"""The parts of a report: review, problems, targets, key tasks, self-building, annexes.

:func:`summarizer.report.segment.segment` finds them.

Works on :class:`~summarizer.report.normalize.NormalizedText` (one paragraph per line, width
folded).  All offsets here are offsets into the normalised text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Span", "Block", "Candidate", "Sections"]


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass
class Block:
    """A numbered area: its heading sentence and its body."""

    title: str  # the heading without its number and final punctuation
    start: int  # start of the whole block (its number)
    end: int  # end of the whole block
    title_start: int
    title_end: int
    marker: str = ""  # the number as written: (一), 一是, 1 ...


@dataclass
class Candidate:
    """A passage the segmenter weighed for a part, with its score and why."""

    span: Span
    score: float
    reason: str


@dataclass
class Sections:
    """The parts found in one report; a part that is absent is ``None`` or empty."""

    text: str
    title: Span | None = None
    review: Span | None = None
    review_opening: Span | None = None  # the paragraphs before the first review area
    review_past_year: Span | None = None  # the review of the past year alone, without five years'
    review_areas: list[Block] = field(default_factory=list)
    review_areas_from_five_years: bool = False  # the past year has no list; these are five years'
    problems: Span | None = None
    plan: Span | None = None  # the whole part on this year's work
    targets: Span | None = None  # the paragraph(s) stating the main expected targets
    tasks: Span | None = None
    task_areas: list[Block] = field(default_factory=list)
    self_building: Span | None = None
    annexes: list[Span] = field(default_factory=list)
    five_year: list[Span] = field(default_factory=list)  # five-year reviews and plans
    plan_year: int | None = None  # the year the report plans for, as its head states it
    # The passages weighed as this year's targets, best first, and what was decided and why.
    target_candidates: list[Candidate] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def slice(self, span: Span | None) -> str:
        return "" if span is None else self.text[span.start : span.end]

