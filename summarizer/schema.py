"""The structured summary of a government work report: the contract for every engine.

Every engine (rules, llm) returns a :class:`ReportSummary`; the verifier, the renderers,
the UI, batch and evaluation code read only this model.  Offsets in :class:`Evidence` are
character offsets into the *original* source text (as decoded, before normalisation), so
a span can always be shown highlighted in the document the user gave.
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "SCHEMA_VERSION",
    "Level",
    "ReportKind",
    "NumberKind",
    "TargetKind",
    "Evidence",
    "Quantity",
    "ReportMeta",
    "Binding",
    "Figure",
    "ReviewArea",
    "Problem",
    "Target",
    "TaskItem",
    "TaskArea",
    "Warning",
    "NumberCheck",
    "QuoteCheck",
    "Verification",
    "PartCheck",
    "Completeness",
    "Usage",
    "EngineInfo",
    "ReportSummary",
    "json_schema",
]

SCHEMA_VERSION = "3"

Level = Literal["national", "province", "city", "district", "county"]
ReportKind = Literal["full", "digest", "partial"]
# percent: 5.5%; points: 0.5个百分点; quantity: anything with another unit or none.
NumberKind = Literal["percent", "points", "quantity"]
TargetKind = Literal["growth", "level", "ratio", "range", "qualitative"]
# What a figure's value states: a level (21860亿元), a change (增长4.7%), a change in points
# (提高1.02个百分点), a share (占全省24.3%), a gap to a benchmark (高于全省1.4个百分点), a multiple.
FigureKind = Literal["level", "change", "points", "share", "gap", "multiple"]
# How the clause reader read what a number measures (BINDING.md): the words before it,
# inherited from the figure before it, a 分别 or 均 list, a from-to change, the noun after it.
BindingHow = Literal["adjacent", "inherited", "respectively", "each", "from_to", "after"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(_Model):
    """Where an item comes from: a span of the original text and the text it quotes."""

    start: int = Field(ge=0, description="offset of the first character in the original text")
    end: int = Field(ge=0, description="offset one past the last character")
    quote: str = Field(description="the quoted source text, line breaks removed")


class Quantity(_Model):
    """One number as written in the text, with its unit and scale resolved."""

    raw: str = Field(description="the number as written, e.g. '2.186万亿元' or '5.5个百分点'")
    value: float = Field(description="the number with its magnitude applied: 21860亿 -> 2.186e12")
    unit: str = Field(default="", description="unit after the magnitude: '%', '个百分点', '元', '人'...")
    magnitude: str = Field(default="", description="'万', '亿', '万亿' or ''")
    kind: NumberKind = "quantity"
    qualifier: str | None = Field(
        default=None, description="左右, 以上, 以内, 以下, 不低于, 超过, 约, 近, 力争..."
    )
    start: int | None = Field(default=None, description="offset in the text it was read from")
    end: int | None = None


class ReportMeta(_Model):
    region: str | None = None
    level: Level | None = None
    year: int | None = Field(default=None, description="the year the report plans for")
    review_year: int | None = Field(default=None, description="the year the review looks back on")
    title: str | None = None
    speaker: str | None = None
    date: str | None = None
    kind: ReportKind = "full"
    source_name: str | None = None
    chars: int = 0


class Binding(_Model):
    """How a figure's number is tied to what it measures in one clause of the source.

    ``label`` is what the clause reader reads the number as measuring; it is empty when no
    name can be read (a bare verb, a word cut at a particle, a 分别 list whose counts differ),
    and then the figure's indicator is the clause itself.
    """

    label: str = Field(description="what the number measures, read from the clause; '' if unread")
    how: BindingHow
    kind: FigureKind
    direction: Literal["up", "down"] | None = None
    clause: Evidence = Field(description="the clause that states the number")
    label_spans: list[tuple[int, int]] = Field(
        default_factory=list,
        description="where the label's words stand in the source (original offsets, end excluded)",
    )
    value_span: tuple[int, int] = Field(
        description="where the value phrase stands in the source (original offsets, end excluded)"
    )
    baseline: str | None = Field(default=None, description="the start of a from-to change")
    cumulative: Literal["new", "stock"] | None = None
    group: int | None = Field(default=None, description="a 分别 or 均 list, numbered in the report")
    position: int | None = Field(default=None, description="the item's place in that list")
    ambiguous: bool = Field(
        default=False, description="a 分别 list whose labels and values differ in number"
    )
    part: bool = Field(default=False, description="a part of the figure before it (其中…)")


class Figure(_Model):
    """A headline figure or a quantified goal: an indicator and one value phrase."""

    indicator: str = Field(
        description="what the number measures; when it cannot be read, the source clause"
    )
    value: str = Field(description="the value phrase, e.g. '增长4.7%' or '21860亿元'")
    quantity: Quantity | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    binding: Binding | None = Field(
        default=None, description="how the clause reader tied the number to the indicator"
    )


class ReviewArea(_Model):
    title: str
    summary: str | None = Field(
        default=None, description="one analyst's sentence on the area (LLM engine); may be empty"
    )
    highlights: list[str] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)


class Problem(_Model):
    text: str
    evidence: list[Evidence] = Field(default_factory=list)


class Target(_Model):
    """One main expected target (主要预期目标) for one indicator."""

    indicator: str
    target: str = Field(description="the verbatim target phrase, e.g. '增长5.5%左右'")
    values: list[float] = Field(
        default_factory=list, description="parsed value(s); two for a range such as 5%-5.5%"
    )
    unit: str = ""
    qualifier: str | None = None
    kind: TargetKind = "qualitative"
    evidence: list[Evidence] = Field(default_factory=list)


class TaskItem(_Model):
    text: str
    goals: list[Figure] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)


class TaskArea(_Model):
    title: str
    summary: str | None = Field(
        default=None, description="one analyst's sentence on the area (LLM engine); may be empty"
    )
    items: list[TaskItem] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)


class Warning(_Model):  # noqa: A001 - a domain noun, shadowing the builtin is intended here
    code: str = Field(description="stable machine code, e.g. 'no_targets'")
    message: str = Field(description="a sentence for the reader")


class NumberCheck(_Model):
    """The verdict on one number found in one field of a summary."""

    path: str = Field(description="where in the summary, e.g. 'targets[0].target'")
    raw: str
    grounded: bool
    reason: str = Field(description="why: 'found in evidence', 'not in source', ...")
    source: Evidence | None = Field(default=None, description="where the source states it")
    planted: bool = Field(
        default=False,
        description="the source states it only inside text that addresses a reader or a model "
        "(a planted instruction), not as report text: suspicious, never grounded",
    )
    bound: bool | None = Field(
        default=None,
        description="for the number of a figure or target: whether the source binds it to the "
        "item's indicator in one clause (None: not a figure's value, or not grounded)",
    )
    clause: Evidence | None = Field(
        default=None, description="the source clause that states the number, when not bound"
    )


class QuoteCheck(_Model):
    path: str
    found: bool


class Verification(_Model):
    numbers: list[NumberCheck] = Field(default_factory=list)
    quotes: list[QuoteCheck] = Field(default_factory=list)
    numbers_total: int = 0
    numbers_grounded: int = 0
    numbers_verified: int = Field(
        default=0, description="grounded, and bound to their indicator where they are a figure's"
    )
    figures_total: int = Field(default=0, description="figures and targets whose number is checked")
    figures_bound: int = Field(default=0, description="those the source binds to their indicator")
    quotes_total: int = 0
    quotes_found: int = 0

    @property
    def ungrounded(self) -> list[NumberCheck]:
        return [check for check in self.numbers if not check.grounded]

    @property
    def unbound(self) -> list[NumberCheck]:
        """Numbers the source states, but not as measuring the item's indicator."""
        return [check for check in self.numbers if check.grounded and check.bound is False]

    @property
    def ok(self) -> bool:
        return (
            self.numbers_verified == self.numbers_total and self.quotes_found == self.quotes_total
        )


PartName = Literal["headline_figures", "review_areas", "targets", "task_areas"]
# complete: every number (or numbered area) of the passage is in the summary;
# incomplete: the passage was found but some of it is not in the summary;
# not_found: the engine found no such part, though the report may have one (see ``passage``);
# absent: the report has no such part.
PartStatus = Literal["complete", "incomplete", "not_found", "absent"]


class PartCheck(_Model):
    """Whether one part of the summary holds everything its passage in the report states."""

    part: PartName
    status: PartStatus
    found: int = Field(default=0, description="items of this part in the summary")
    message: str = Field(description="a sentence for the reader, in Chinese")
    passage: Evidence | None = Field(
        default=None, description="the passage the check read, or the best candidate looked at"
    )
    missed: list[Evidence] = Field(
        default_factory=list, description="numbers or headings of the passage that no item holds"
    )


class Completeness(_Model):
    """The check beside the verifier: nothing the report states in a part is left out."""

    parts: list[PartCheck] = Field(default_factory=list)

    def part(self, name: str) -> PartCheck | None:
        return next((p for p in self.parts if p.part == name), None)

    @property
    def ok(self) -> bool:
        return all(p.status in ("complete", "absent") for p in self.parts)


class Usage(_Model):
    calls: int = 0
    reasks: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float | None = None
    cached_calls: int = 0
    seconds: float = 0.0
    corrected_numbers: int = Field(default=0, description="numbers fixed by re-asking")
    servers: dict[str, int] = Field(
        default_factory=dict, description="requests answered, by model server (several servers)"
    )


class EngineInfo(_Model):
    name: str
    model: str | None = None
    prompt_version: str | None = None
    usage: Usage = Field(default_factory=Usage)
    profile: Literal["small", "full"] | None = Field(
        default=None, description="the LLM engine's profile: small (short checked jobs) or full"
    )
    labels_asked: int = Field(
        default=0, description="figures the clause reader could not name, sent to the model"
    )
    labels_confirmed: int = Field(
        default=0, description="of those, the names the clause reader confirmed and kept"
    )


class ReportSummary(_Model):
    schema_version: str = SCHEMA_VERSION
    meta: ReportMeta = Field(default_factory=ReportMeta)
    overview: str | None = Field(
        default=None, description="the whole report in 3-5 sentences (LLM engine); may be empty"
    )
    headline_figures: list[Figure] = Field(default_factory=list)
    review_areas: list[ReviewArea] = Field(default_factory=list)
    problems: list[Problem] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    task_areas: list[TaskArea] = Field(default_factory=list)
    warnings: list[Warning] = Field(default_factory=list)
    verification: Verification | None = None
    completeness: Completeness | None = None
    engine: EngineInfo = Field(default_factory=lambda: EngineInfo(name="rules"))

    def to_json(self, indent: int | None = 2) -> str:
        """JSON with Chinese kept readable."""
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False, indent=indent)


def json_schema() -> str:
    """The JSON Schema of :class:`ReportSummary`, Chinese kept readable."""
    return json.dumps(ReportSummary.model_json_schema(), ensure_ascii=False, indent=2)
