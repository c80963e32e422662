"""Every figure inside some areas: the optional ``<case>.figures.json`` gold and its score.

The file (``GOLD_FORMAT.md``) lists, for some review and key-task areas, every quantified
figure with what it measures::

    {"format": 1, "case": "2026_dalian_city", "areas": [
      {"part": "review", "title": "…", "figures": [{"indicator": "…", "value": "83.8亿元"}]}]}

Scoring, per annotated area: the predicted area of the same part whose title matches
(character F1 ≥ 0.7, the best one); its figures (a review area's ``figures``, a task area's
goals over all its items) are matched one to one with the gold figures on the same number
(same value after unit scaling, the same unit kind: %, 个百分点 or other) and an indicator
that contains or is contained in the gold's or shares ≥ 0.5 character F1 with it.  A
predicted figure left unmatched whose number is a gold number of the area under another
name is ``mislabelled``: the right number shown as measuring the wrong thing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from summarizer.evaluate.matching import AREA_F1, char_f1, one_to_one
from summarizer.evaluate.records import PRF, FigureOutcome, FigureScore, Item
from summarizer.report.normalize import canon
from summarizer.report.numbers import extract_quantities
from summarizer.schema import Figure, ReportSummary

__all__ = [
    "FIGURES_SUFFIX",
    "FigureGold",
    "FigureGoldArea",
    "figure_gold_problems",
    "score_figures",
    "FIGURE_INDICATOR_F1",
]

FIGURES_SUFFIX = ".figures.json"
FIGURE_INDICATOR_F1 = 0.5


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _GoldFigure(_Strict):
    indicator: str = Field(min_length=1)
    value: str = Field(min_length=1)


class FigureGoldArea(_Strict):
    part: Literal["review", "tasks"]
    title: str = Field(min_length=1)
    figures: list[_GoldFigure] = Field(default_factory=list)


class FigureGold(_Strict):
    format: int
    case: str
    areas: list[FigureGoldArea] = Field(default_factory=list)


def figure_gold_problems(gold: FigureGold, text: str) -> list[str]:
    """Values that do not occur in the report after normalisation (indicators need not)."""
    haystack = canon(text)
    problems = []
    for i, area in enumerate(gold.areas):
        for j, figure in enumerate(area.figures):
            if canon(figure.value) not in haystack:
                problems.append(f"areas[{i}].figures[{j}].value {figure.value!r} is not in the report")
    return problems


# -- scoring ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Number:
    """What a value phrase states, as the scorer compares it: values and unit kind."""

    values: tuple[float, ...]
    kind: str
    text: str  # the phrase normalised, for values that hold no quantity (1∶8)

    def same(self, other: _Number) -> bool:
        if not self.values or not other.values:
            return not self.values and not other.values and self.text == other.text
        return self.kind == other.kind and len(self.values) == len(other.values) and all(
            math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
            for a, b in zip(self.values, other.values, strict=True)
        )


def _number(value: str) -> _Number:
    text = canon(value)
    quantities = extract_quantities(text)
    kinds = {q.kind for q in quantities}
    return _Number(
        tuple(q.value for q in quantities), next(iter(kinds)) if len(kinds) == 1 else "mixed", text
    )


def _indicator_match(gold: str, pred: str) -> bool:
    g, p = canon(gold), canon(pred)
    if not g or not p:
        return False
    return g in p or p in g or char_f1(g, p) >= FIGURE_INDICATOR_F1


def _area_figures(summary: ReportSummary, part: str, title: str) -> list[Figure] | None:
    """The figures of the predicted area whose title best matches, or None."""
    areas: Sequence = summary.review_areas if part == "review" else summary.task_areas
    scored = [(char_f1(title, a.title), k) for k, a in enumerate(areas)]
    scored = [s for s in scored if s[0] >= AREA_F1]
    if not scored:
        return None
    area = areas[max(scored)[1]]
    if part == "review":
        return list(area.figures)
    return [goal for item in area.items for goal in item.goals]


def score_figures(gold: FigureGold, summary: ReportSummary) -> FigureScore:
    """Precision, recall and F1 of the figures inside the annotated areas, and the count of
    predicted figures whose number is right but whose name is another's."""
    outcomes: list[FigureOutcome] = []
    tp = n_gold = n_pred = mislabelled = 0
    for area in gold.areas:
        gold_items = [(f.indicator, f.value, _number(f.value)) for f in area.figures]
        n_gold += len(gold_items)
        predicted = _area_figures(summary, area.part, area.title)
        if predicted is None:
            outcomes += [
                FigureOutcome(status="missed", area=area.title, gold=Item(indicator=i, value=v))
                for i, v, _ in gold_items
            ]
            continue
        pred_items = [(f.indicator, f.value, _number(f.value)) for f in predicted]
        n_pred += len(pred_items)
        candidates = []
        for gi, _gv, gn in gold_items:
            fitting = [
                k
                for k, (pi, _pv, pn) in enumerate(pred_items)
                if gn.same(pn) and _indicator_match(gi, pi)
            ]
            name = gi
            fitting.sort(key=lambda k: -char_f1(name, pred_items[k][0]))
            candidates.append(fitting)
        matches = one_to_one(candidates)
        tp += len(matches)
        matched_pred = set(matches.values())
        for g, (gi, gv, _gn) in enumerate(gold_items):
            if g in matches:
                pi, pv, _ = pred_items[matches[g]]
                outcomes.append(
                    FigureOutcome(
                        status="match",
                        area=area.title,
                        gold=Item(indicator=gi, value=gv),
                        pred=Item(indicator=pi, value=pv),
                    )
                )
            else:
                outcomes.append(
                    FigureOutcome(status="missed", area=area.title, gold=Item(indicator=gi, value=gv))
                )
        for k, (pi, pv, pn) in enumerate(pred_items):
            if k in matched_pred:
                continue
            other = next((g for g in gold_items if g[2].same(pn)), None)
            if other is not None:
                mislabelled += 1
                outcomes.append(
                    FigureOutcome(
                        status="mislabelled",
                        area=area.title,
                        gold=Item(indicator=other[0], value=other[1]),
                        pred=Item(indicator=pi, value=pv),
                    )
                )
            else:
                outcomes.append(
                    FigureOutcome(status="extra", area=area.title, pred=Item(indicator=pi, value=pv))
                )
    return FigureScore(
        prf=PRF.from_counts(tp, n_gold, n_pred), mislabelled=mislabelled, outcomes=outcomes
    )
