"""The typed results of an evaluation run: what ``results.json`` holds.

Everything here is a function of the engine, its settings and the dataset, so two runs of a
deterministic engine give identical JSON.  Wall-clock latency, which varies from run to run,
is kept apart in :class:`Timings` (``timings.json``).
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "RESULTS_FORMAT",
    "Item",
    "ItemOutcome",
    "AreaOutcome",
    "PRF",
    "ItemScore",
    "AreaScore",
    "FigureOutcome",
    "FigureScore",
    "GroundingScore",
    "CaseUsage",
    "MetaCheck",
    "CaseResult",
    "Totals",
    "RunInfo",
    "RunResult",
    "CaseTiming",
    "Timings",
    "ITEM_FIELDS",
    "AREA_FIELDS",
]

RESULTS_FORMAT = 1
ITEM_FIELDS = ("headline_figures", "targets")
AREA_FIELDS = ("review_areas", "task_areas")

# match: counted as correct.  unit / qualifier / value: the indicators match but the numbers
# differ (same value with another unit kind, same value and unit with another qualifier, or
# another value); the gold item counts as missed and the predicted one as extra.
ItemStatus = Literal["match", "unit", "qualifier", "value", "missed", "extra"]
AreaStatus = Literal["match", "missed", "extra"]


def _round(x: float) -> float:
    return round(x, 4)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


class Item(_Model):
    """A headline figure or a target as scored: an indicator and its value phrase."""

    indicator: str
    value: str

    def label(self) -> str:
        return f"{self.indicator}：{self.value}"


class ItemOutcome(_Model):
    status: ItemStatus
    gold: Item | None = None
    pred: Item | None = None


class AreaOutcome(_Model):
    status: AreaStatus
    gold: str | None = None
    pred: str | None = None
    similarity: float | None = Field(
        default=None, description="character-overlap F1 of the pair, or of the nearest title"
    )
    nearest: str | None = Field(default=None, description="for a miss: the closest predicted title")


class PRF(_Model):
    tp: int
    gold: int
    predicted: int
    precision: float
    recall: float
    f1: float

    @classmethod
    def from_counts(cls, tp: int, gold: int, predicted: int) -> PRF:
        """Precision and recall of an empty side are 1: nothing to find, nothing invented."""
        precision = tp / predicted if predicted else 1.0
        recall = tp / gold if gold else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return cls(
            tp=tp,
            gold=gold,
            predicted=predicted,
            precision=_round(precision),
            recall=_round(recall),
            f1=_round(f1),
        )


class ItemScore(_Model):
    prf: PRF
    unit_mismatches: int = 0
    qualifier_mismatches: int = 0
    value_mismatches: int = 0
    outcomes: list[ItemOutcome] = Field(default_factory=list)


class AreaScore(_Model):
    prf: PRF
    outcomes: list[AreaOutcome] = Field(default_factory=list)


FigureStatus = Literal["match", "mislabelled", "missed", "extra"]


class FigureOutcome(_Model):
    """One figure of an annotated area (``<case>.figures.json``) as scored."""

    status: FigureStatus
    area: str
    gold: Item | None = None
    pred: Item | None = None


class FigureScore(_Model):
    """Figures inside the annotated areas: P/R/F1, and the predicted figures whose number is
    a gold number of the area shown under another name."""

    prf: PRF
    mislabelled: int = 0
    outcomes: list[FigureOutcome] = Field(default_factory=list)


class GroundingScore(_Model):
    numbers_total: int
    numbers_grounded: int
    rate: float = Field(description="share of the output's numbers found in the source")
    hallucinated: int = Field(description="numbers of the output not found in the source")
    ungrounded: list[str] = Field(default_factory=list, description="'path: raw' of each")

    @classmethod
    def from_counts(
        cls, total: int, grounded: int, ungrounded: list[str] | None = None
    ) -> GroundingScore:
        rate = grounded / total if total else 1.0
        return cls(
            numbers_total=total,
            numbers_grounded=grounded,
            rate=_round(rate),
            hallucinated=total - grounded,
            ungrounded=ungrounded or [],
        )


class CaseUsage(_Model):
    calls: int = 0
    reasks: int = 0
    corrected_numbers: int = 0  # numbers that re-asking turned from ungrounded to grounded
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float | None = None


class MetaCheck(_Model):
    field: str
    gold: str | int | None
    predicted: str | int | None
    correct: bool


class CaseResult(_Model):
    case_id: str
    kind: str
    error: str | None = Field(default=None, description="why the engine gave no summary")
    headline_figures: ItemScore | None = None
    targets: ItemScore | None = None
    review_areas: AreaScore | None = None
    task_areas: AreaScore | None = None
    area_figures: FigureScore | None = Field(
        default=None, description="every figure inside the areas of <case>.figures.json"
    )
    grounding: GroundingScore | None = None
    rouge_l: float | None = None
    usage: CaseUsage = Field(default_factory=CaseUsage)
    meta: list[MetaCheck] = Field(default_factory=list)

    def item_score(self, name: str) -> ItemScore | None:
        return getattr(self, name)

    def area_score(self, name: str) -> AreaScore | None:
        return getattr(self, name)

    def f1(self, name: str) -> float | None:
        score = getattr(self, name)
        return None if score is None else score.prf.f1


class Totals(_Model):
    """Micro-averaged over the cases where each field is annotated."""

    cases: int
    errors: int
    headline_figures: ItemScore
    targets: ItemScore
    review_areas: AreaScore
    task_areas: AreaScore
    area_figures: FigureScore | None = None
    grounding: GroundingScore | None = None
    rouge_l: float | None = Field(default=None, description="mean over the cases with a digest")
    rouge_cases: int = 0
    usage: CaseUsage = Field(default_factory=CaseUsage)
    meta_correct: int = 0
    meta_total: int = 0

    def f1(self, name: str) -> float:
        return getattr(self, name).prf.f1


class RunInfo(_Model):
    results_format: int = RESULTS_FORMAT
    dataset: str
    dataset_fingerprint: str
    engine: str
    model: str | None = None
    prompt_version: str | None = None
    summarizer_version: str


class RunResult(_Model):
    info: RunInfo
    cases: list[CaseResult]
    totals: Totals

    def case(self, case_id: str) -> CaseResult | None:
        return next((c for c in self.cases if c.case_id == case_id), None)


class CaseTiming(_Model):
    case_id: str
    seconds: float
    cached: bool = Field(default=False, description="the summary came from the case cache")
    cached_calls: int = Field(default=0, description="LLM calls the engine answered from its cache")


class Timings(_Model):
    cases: list[CaseTiming] = Field(default_factory=list)

    def seconds(self, case_id: str) -> float | None:
        return next((t.seconds for t in self.cases if t.case_id == case_id), None)

    @property
    def total(self) -> float:
        return sum(t.seconds for t in self.cases)
