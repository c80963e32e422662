"""Comparing two runs: what got better and what got worse, case by case and item by item."""

from __future__ import annotations

from collections import Counter
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from summarizer.evaluate.records import (
    AREA_FIELDS,
    ITEM_FIELDS,
    CaseResult,
    RunInfo,
    RunResult,
    Timings,
    Totals,
)
from summarizer.evaluate.table import FIELD_LABELS

__all__ = [
    "MetricDelta",
    "ItemChange",
    "CaseComparison",
    "Comparison",
    "compare_runs",
    "print_comparison",
]

Change = Literal["fixed", "broken", "new wrong", "wrong gone"]
Verdict = Literal["better", "worse", "mixed", "same", "only in A", "only in B"]
# The metrics a verdict is based on, and whether a higher value is better.
SCORED = {
    "headline_figures": True,
    "targets": True,
    "review_areas": True,
    "task_areas": True,
    "grounding": True,
    "hallucinated": False,
    "rouge_l": True,
}
LABELS = {**FIELD_LABELS, "grounding": "grounded", "hallucinated": "halluc.", "rouge_l": "ROUGE-L"}
_EPS = 1e-9


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MetricDelta(_Model):
    metric: str
    a: float | None
    b: float | None

    @property
    def delta(self) -> float | None:
        return None if self.a is None or self.b is None else self.b - self.a

    @property
    def direction(self) -> int:
        """1 if B is better, -1 if worse, 0 if equal or not comparable."""
        delta = self.delta
        if delta is None or abs(delta) < _EPS:
            return 0
        higher_better = SCORED.get(self.metric, False)
        return 1 if (delta > 0) == higher_better else -1


class ItemChange(_Model):
    field: str
    change: Change
    item: str
    count: int = 1


class CaseComparison(_Model):
    case_id: str
    verdict: Verdict
    metrics: list[MetricDelta] = Field(default_factory=list)
    changes: list[ItemChange] = Field(default_factory=list)


class Comparison(_Model):
    a: RunInfo
    b: RunInfo
    same_dataset: bool
    cases: list[CaseComparison]
    totals: list[MetricDelta]

    def count(self, verdict: str) -> int:
        return sum(1 for c in self.cases if c.verdict == verdict)

    @property
    def regressed(self) -> bool:
        return any(c.verdict in ("worse", "mixed") for c in self.cases) or any(
            m.direction < 0 for m in self.totals
        )


def _metrics(row: CaseResult | Totals) -> dict[str, float | None]:
    values: dict[str, float | None] = {
        f: (s.prf.f1 if (s := getattr(row, f)) else None) for f in (*ITEM_FIELDS, *AREA_FIELDS)
    }
    values["grounding"] = row.grounding.rate if row.grounding else None
    values["hallucinated"] = float(row.grounding.hallucinated) if row.grounding else None
    values["rouge_l"] = row.rouge_l
    values["tokens"] = float(row.usage.tokens_in + row.usage.tokens_out)
    values["cost_usd"] = row.usage.cost_usd
    return values


def _deltas(a: CaseResult | Totals, b: CaseResult | Totals) -> list[MetricDelta]:
    ma, mb = _metrics(a), _metrics(b)
    return [MetricDelta(metric=name, a=ma[name], b=mb[name]) for name in ma]


def _multiset_changes(
    field: str, before: Counter[str], after: Counter[str], gained: Change, lost: Change
) -> list[ItemChange]:
    changes = [
        ItemChange(field=field, change=gained, item=k, count=n) for k, n in (after - before).items()
    ]
    changes += [
        ItemChange(field=field, change=lost, item=k, count=n) for k, n in (before - after).items()
    ]
    return changes


def _item_changes(a: CaseResult, b: CaseResult) -> list[ItemChange]:
    changes: list[ItemChange] = []
    for field in ITEM_FIELDS:
        sa, sb = getattr(a, field), getattr(b, field)
        if sa is None or sb is None:
            continue
        matched = [
            Counter(o.gold.label() for o in s.outcomes if o.status == "match" and o.gold)
            for s in (sa, sb)
        ]
        wrong = [
            Counter(o.pred.label() for o in s.outcomes if o.status != "match" and o.pred)
            for s in (sa, sb)
        ]
        changes += _multiset_changes(field, matched[0], matched[1], "fixed", "broken")
        changes += _multiset_changes(field, wrong[0], wrong[1], "new wrong", "wrong gone")
    for field in AREA_FIELDS:
        sa, sb = getattr(a, field), getattr(b, field)
        if sa is None or sb is None:
            continue
        matched = [
            Counter(o.gold for o in s.outcomes if o.status == "match" and o.gold) for s in (sa, sb)
        ]
        wrong = [
            Counter(o.pred for o in s.outcomes if o.status == "extra" and o.pred) for s in (sa, sb)
        ]
        changes += _multiset_changes(field, matched[0], matched[1], "fixed", "broken")
        changes += _multiset_changes(field, wrong[0], wrong[1], "new wrong", "wrong gone")
    return changes


def _verdict(metrics: list[MetricDelta]) -> Verdict:
    directions = {m.direction for m in metrics if m.metric in SCORED}
    if 1 in directions and -1 in directions:
        return "mixed"
    if 1 in directions:
        return "better"
    if -1 in directions:
        return "worse"
    return "same"


def compare_runs(a: RunResult, b: RunResult) -> Comparison:
    """Compare run B with run A (B is the newer or the candidate)."""
    cases: list[CaseComparison] = []
    ids = [c.case_id for c in a.cases] + [c.case_id for c in b.cases if a.case(c.case_id) is None]
    for case_id in ids:
        ca, cb = a.case(case_id), b.case(case_id)
        if ca is None:
            cases.append(CaseComparison(case_id=case_id, verdict="only in B"))
        elif cb is None:
            cases.append(CaseComparison(case_id=case_id, verdict="only in A"))
        else:
            metrics = _deltas(ca, cb)
            cases.append(
                CaseComparison(
                    case_id=case_id,
                    verdict=_verdict(metrics),
                    metrics=metrics,
                    changes=_item_changes(ca, cb),
                )
            )
    return Comparison(
        a=a.info,
        b=b.info,
        same_dataset=a.info.dataset_fingerprint == b.info.dataset_fingerprint,
        cases=cases,
        totals=_deltas(a.totals, b.totals),
    )


def _cell(m: MetricDelta, precision: int = 2) -> str:
    if m.a is None and m.b is None:
        return "[dim]–[/]"
    fa = "–" if m.a is None else f"{m.a:.{precision}f}"
    fb = "–" if m.b is None else f"{m.b:.{precision}f}"
    if m.direction == 0:
        return f"[dim]{fb}[/]" if fa == fb else f"{fa}→{fb}"
    colour = "green" if m.direction > 0 else "red"
    return f"{fa}→[{colour}]{fb}[/]"


_VERDICT_STYLE = {"better": "green", "worse": "red", "mixed": "yellow", "same": "dim"}


def _describe(info: RunInfo) -> str:
    return (
        f"{info.engine}"
        + (f" {info.model}" if info.model else "")
        + (f" (prompt {info.prompt_version})" if info.prompt_version else "")
    )


def print_comparison(
    console: Console,
    comparison: Comparison,
    timings: tuple[Timings | None, Timings | None] = (None, None),
) -> None:
    a, b = comparison.a, comparison.b
    console.print(
        f"A: {escape(a.dataset)} · {escape(_describe(a))}\nB: {escape(b.dataset)} · {escape(_describe(b))}"
    )
    if not comparison.same_dataset:
        console.print(
            "[yellow]the runs scored different datasets (or different gold): deltas may mislead[/]"
        )
    shown = [name for name in SCORED]
    table = Table(title="B compared with A")
    table.add_column("case", no_wrap=True)
    for name in shown:
        table.add_column(LABELS[name], no_wrap=True)
    table.add_column("sec", no_wrap=True)
    table.add_column("verdict")
    for case in comparison.cases:
        by_name = {m.metric: m for m in case.metrics}
        seconds = MetricDelta(
            metric="seconds",
            a=timings[0].seconds(case.case_id) if timings[0] else None,
            b=timings[1].seconds(case.case_id) if timings[1] else None,
        )
        cells = [
            _cell(by_name[n], 0 if n == "hallucinated" else 3 if n == "grounding" else 2)
            if n in by_name
            else ""
            for n in shown
        ]
        style = _VERDICT_STYLE.get(case.verdict, "yellow")
        table.add_row(escape(case.case_id), *cells, _cell(seconds), f"[{style}]{case.verdict}[/]")
    table.add_section()
    by_name = {m.metric: m for m in comparison.totals}
    table.add_row(
        "[bold]total[/]",
        *(
            _cell(by_name[n], 0 if n == "hallucinated" else 3 if n == "grounding" else 2)
            for n in shown
        ),
        _cell(
            MetricDelta(
                metric="seconds",
                a=timings[0].total if timings[0] else None,
                b=timings[1].total if timings[1] else None,
            )
        ),
        "",
    )
    console.print(table)

    for case in comparison.cases:
        if not case.changes:
            continue
        console.print(f"[bold]{escape(case.case_id)}[/]")
        for change in sorted(
            case.changes, key=lambda c: (c.change not in ("fixed", "wrong gone"), c.field, c.change)
        ):
            good = change.change in ("fixed", "wrong gone")
            mark = "[green]+[/]" if good else "[red]-[/]"
            times = f" ×{change.count}" if change.count > 1 else ""
            console.print(
                f"  {mark} {FIELD_LABELS[change.field]} {change.change}: {escape(change.item)}{times}"
            )
    counts = ", ".join(
        f"{v} {comparison.count(v)}"
        for v in ("better", "worse", "mixed", "same", "only in A", "only in B")
        if comparison.count(v)
    )
    console.print(f"cases: {counts}")
