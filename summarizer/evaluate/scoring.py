"""Scoring one summary against its gold, and adding up the cases of a run."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from rapidfuzz.distance import LCSseq

from summarizer.evaluate.dataset import Case, Gold
from summarizer.evaluate.figure_gold import score_figures
from summarizer.evaluate.matching import match_areas, match_items
from summarizer.evaluate.records import (
    AREA_FIELDS,
    ITEM_FIELDS,
    PRF,
    AreaScore,
    CaseResult,
    CaseUsage,
    FigureScore,
    GroundingScore,
    Item,
    ItemScore,
    MetaCheck,
    Totals,
)
from summarizer.report.normalize import canon
from summarizer.schema import ReportSummary

__all__ = [
    "predicted_items",
    "gold_items",
    "rouge_l",
    "score_case",
    "failed_case",
    "total",
]

# What ROUGE-L compares: letters, digits and Chinese characters, so that Markdown marks,
# punctuation and layout count for nothing.
_NOT_CONTENT = re.compile(r"[^\w%.]|_")


def predicted_items(summary: ReportSummary, field: str) -> list[Item]:
    if field == "headline_figures":
        return [Item(indicator=f.indicator, value=f.value) for f in summary.headline_figures]
    return [Item(indicator=t.indicator, value=t.target) for t in summary.targets]


def gold_items(gold: Gold, field: str) -> list[Item] | None:
    if field == "headline_figures":
        figures = gold.headline_figures
        return (
            None
            if figures is None
            else [Item(indicator=f.indicator, value=f.value) for f in figures]
        )
    targets = gold.targets
    return (
        None if targets is None else [Item(indicator=t.indicator, value=t.target) for t in targets]
    )


def rouge_l(candidate: str, reference: str) -> float:
    """ROUGE-L F1 over characters (letters, digits, Chinese characters) of two texts."""
    a = _NOT_CONTENT.sub("", canon(candidate))
    b = _NOT_CONTENT.sub("", canon(reference))
    if not a or not b:
        return 0.0
    lcs = LCSseq.similarity(a, b)
    if not lcs:
        return 0.0
    precision, recall = lcs / len(a), lcs / len(b)
    return round(2 * precision * recall / (precision + recall), 4)


def _meta_checks(gold: Gold, summary: ReportSummary) -> list[MetaCheck]:
    meta = summary.meta
    checks = []
    if gold.region is not None:
        g, p = canon(gold.region), canon(meta.region or "")
        correct = bool(p) and (g in p or p in g)
        checks.append(
            MetaCheck(field="region", gold=gold.region, predicted=meta.region, correct=correct)
        )
    if gold.level is not None:
        checks.append(
            MetaCheck(
                field="level",
                gold=gold.level,
                predicted=meta.level,
                correct=gold.level == meta.level,
            )
        )
    if gold.year is not None:
        checks.append(
            MetaCheck(
                field="year", gold=gold.year, predicted=meta.year, correct=gold.year == meta.year
            )
        )
    checks.append(
        MetaCheck(field="kind", gold=gold.kind, predicted=meta.kind, correct=gold.kind == meta.kind)
    )
    return checks


def _usage(summary: ReportSummary) -> CaseUsage:
    usage = summary.engine.usage
    return CaseUsage(
        calls=usage.calls,
        reasks=usage.reasks,
        corrected_numbers=usage.corrected_numbers,
        tokens_in=usage.tokens_in,
        tokens_out=usage.tokens_out,
        cost_usd=usage.cost_usd,
    )


def score_case(
    case: Case, summary: ReportSummary, render: Callable[[ReportSummary], str] | None = None
) -> CaseResult:
    """Score one summary; ``render`` turns it into the text ROUGE-L compares with the digest."""
    result = CaseResult(case_id=case.case_id, kind=case.gold.kind, usage=_usage(summary))
    for field in ITEM_FIELDS:
        gold = gold_items(case.gold, field)
        if gold is not None:
            setattr(result, field, match_items(gold, predicted_items(summary, field)))
    for field in AREA_FIELDS:
        gold_titles = getattr(case.gold, field)
        if gold_titles is not None:
            pred_titles = [area.title for area in getattr(summary, field)]
            setattr(result, field, match_areas(gold_titles, pred_titles))
    if case.figures is not None:
        result.area_figures = score_figures(case.figures, summary)
    check = summary.verification
    if check is not None:
        ungrounded = [f"{c.path}: {c.raw}" for c in check.numbers if not c.grounded]
        result.grounding = GroundingScore.from_counts(
            check.numbers_total, check.numbers_grounded, ungrounded
        )
    if case.reference is not None:
        if render is None:
            from summarizer.render import to_markdown

            render = to_markdown
        result.rouge_l = rouge_l(render(summary), case.reference)
    result.meta = _meta_checks(case.gold, summary)
    return result


def failed_case(case: Case, error: str) -> CaseResult:
    """The result of a case the engine could not summarise: every gold item is missed."""
    return score_case(case, ReportSummary(), render=lambda _: "").model_copy(
        update={"error": error, "grounding": None, "meta": []}
    )


def _summed_prf(scores: list[ItemScore] | list[AreaScore] | list[FigureScore]) -> PRF:
    """Matched, gold and predicted counts added over cases (micro-averaging)."""
    return PRF.from_counts(
        sum(s.prf.tp for s in scores),
        sum(s.prf.gold for s in scores),
        sum(s.prf.predicted for s in scores),
    )


def _sum_items(scores: Iterable[ItemScore]) -> ItemScore:
    scores = list(scores)
    return ItemScore(
        prf=_summed_prf(scores),
        unit_mismatches=sum(s.unit_mismatches for s in scores),
        qualifier_mismatches=sum(s.qualifier_mismatches for s in scores),
        value_mismatches=sum(s.value_mismatches for s in scores),
    )


def _sum_areas(scores: Iterable[AreaScore]) -> AreaScore:
    return AreaScore(prf=_summed_prf(list(scores)))


def _sum_figures(scores: list[FigureScore]) -> FigureScore | None:
    if not scores:
        return None
    return FigureScore(prf=_summed_prf(scores), mislabelled=sum(s.mislabelled for s in scores))


def total(cases: list[CaseResult]) -> Totals:
    """Micro-averaged totals: every item of every case counts once."""
    items = {
        f: _sum_items(s for c in cases if (s := c.item_score(f)) is not None) for f in ITEM_FIELDS
    }
    areas = {
        f: _sum_areas(a for c in cases if (a := c.area_score(f)) is not None) for f in AREA_FIELDS
    }
    grounded = [c.grounding for c in cases if c.grounding is not None]
    grounding = (
        GroundingScore.from_counts(
            sum(g.numbers_total for g in grounded), sum(g.numbers_grounded for g in grounded)
        )
        if grounded
        else None
    )
    rouge = [c.rouge_l for c in cases if c.rouge_l is not None]
    costs = [c.usage.cost_usd for c in cases if c.usage.cost_usd is not None]
    meta = [m for c in cases for m in c.meta]
    return Totals(
        cases=len(cases),
        errors=sum(1 for c in cases if c.error),
        headline_figures=items["headline_figures"],
        targets=items["targets"],
        review_areas=areas["review_areas"],
        task_areas=areas["task_areas"],
        area_figures=_sum_figures([c.area_figures for c in cases if c.area_figures is not None]),
        grounding=grounding,
        rouge_l=round(sum(rouge) / len(rouge), 4) if rouge else None,
        rouge_cases=len(rouge),
        usage=CaseUsage(
            calls=sum(c.usage.calls for c in cases),
            reasks=sum(c.usage.reasks for c in cases),
            corrected_numbers=sum(c.usage.corrected_numbers for c in cases),
            tokens_in=sum(c.usage.tokens_in for c in cases),
            tokens_out=sum(c.usage.tokens_out for c in cases),
            cost_usd=round(sum(costs), 6) if costs else None,
        ),
        meta_correct=sum(1 for m in meta if m.correct),
        meta_total=len(meta),
    )
