"""The per-case table of a run, for the terminal."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from summarizer.evaluate.records import (
    AREA_FIELDS,
    ITEM_FIELDS,
    AreaScore,
    CaseResult,
    FigureScore,
    ItemScore,
    RunResult,
    Timings,
    Totals,
)

__all__ = ["run_table", "totals_table", "print_run", "FIELD_LABELS"]

_KIND_MARK = {"digest": "*", "partial": "†"}
FIELD_LABELS = {
    "headline_figures": "figures",
    "targets": "targets",
    "review_areas": "review",
    "task_areas": "tasks",
}


def _prf_cell(score: ItemScore | AreaScore | FigureScore | None) -> str:
    if score is None:
        return "[dim]–[/]"
    prf = score.prf
    colour = "green" if prf.f1 >= 0.8 else "yellow" if prf.f1 >= 0.5 else "red"
    return f"[{colour}]{prf.f1:.2f}[/]\n[dim]{prf.tp}/{prf.gold}/{prf.predicted}[/]"


def _mismatch_cell(row: CaseResult | Totals) -> str:
    unit = sum(s.unit_mismatches for f in ITEM_FIELDS if (s := getattr(row, f)) is not None)
    qualifier = sum(
        s.qualifier_mismatches for f in ITEM_FIELDS if (s := getattr(row, f)) is not None
    )
    return f"{unit}/{qualifier}"


def _cells(row: CaseResult | Totals, seconds: float | None) -> dict[str, str]:
    """Every cell of a row, by column name."""
    grounding = row.grounding
    cost = row.usage.cost_usd
    none = "[dim]–[/]"
    return {
        **{FIELD_LABELS[f]: _prf_cell(getattr(row, f)) for f in (*ITEM_FIELDS, *AREA_FIELDS)},
        "area fig.": _prf_cell(row.area_figures),
        "mism.": _mismatch_cell(row),
        "grounded": none if grounding is None else f"{grounding.rate:.1%}",
        "halluc.": none if grounding is None else str(grounding.hallucinated),
        "ROUGE-L": none if row.rouge_l is None else f"{row.rouge_l:.3f}",
        "sec": none if seconds is None else f"{seconds:.2f}",
        "tokens": f"{row.usage.tokens_in + row.usage.tokens_out:,}",
        "cost": none if cost is None else f"${cost:.4f}",
    }


def run_table(result: RunResult, timings: Timings | None = None) -> Table:
    """One row per case and a total; ROUGE-L, tokens and cost only when a case has them."""
    info = result.info
    title = f"{info.dataset} · engine {info.engine}" + (f" · {info.model}" if info.model else "")
    table = Table(
        title=escape(title),
        caption="F1 over matched/gold/predicted · mism. = unit/qualifier mismatches · "
        "* digest, † partial report",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    totals = result.totals
    optional = {
        "area fig.": totals.area_figures is not None,
        "ROUGE-L": totals.rouge_l is not None,
        "tokens": bool(totals.usage.tokens_in + totals.usage.tokens_out),
        "cost": totals.usage.cost_usd is not None,
    }
    names = [FIELD_LABELS[f] for f in (*ITEM_FIELDS, *AREA_FIELDS)]
    names += [
        n
        for n in ("area fig.", "mism.", "grounded", "halluc.", "ROUGE-L", "sec", "tokens", "cost")
        if optional.get(n, True)
    ]
    longest = max((len(c.case_id) + 1 for c in result.cases), default=10)
    table.add_column("case", overflow="fold", min_width=min(longest, 32))
    for name in names:
        if name in (*FIELD_LABELS.values(), "area fig."):  # F1 over matched/gold/predicted
            table.add_column(name, no_wrap=True)
        else:
            table.add_column(name, justify="right", no_wrap=True, min_width=max(len(name), 5))
    for case in result.cases:
        cells = _cells(case, timings.seconds(case.case_id) if timings else None)
        label = escape(case.case_id) + _KIND_MARK.get(case.kind, "")
        label += " [red](error)[/]" if case.error else ""
        table.add_row(label, *(cells[n] for n in names))
    table.add_section()
    cells = _cells(totals, timings.total if timings else None)
    table.add_row(f"[bold]total ({totals.cases})[/]", *(cells[n] for n in names))
    return table


def totals_table(totals: Totals) -> Table:
    table = Table(title="totals (micro-averaged)", box=box.SIMPLE_HEAD)
    table.add_column("")
    for name in ("precision", "recall", "F1", "matched", "gold", "predicted"):
        table.add_column(name, justify="right")
    rows: list[tuple[str, ItemScore | AreaScore | FigureScore]] = [
        (FIELD_LABELS[field], getattr(totals, field)) for field in (*ITEM_FIELDS, *AREA_FIELDS)
    ]
    if totals.area_figures is not None:
        rows.append(("area figures", totals.area_figures))
    for label, score in rows:
        prf = score.prf
        table.add_row(
            label,
            f"{prf.precision:.3f}",
            f"{prf.recall:.3f}",
            f"{prf.f1:.3f}",
            str(prf.tp),
            str(prf.gold),
            str(prf.predicted),
        )
    return table


def print_run(console: Console, result: RunResult, timings: Timings | None = None) -> None:
    console.print(run_table(result, timings))
    console.print(totals_table(result.totals))
    totals = result.totals
    notes = []
    figures, targets = totals.headline_figures, totals.targets
    notes.append(
        "mismatches (figures+targets): "
        f"unit {figures.unit_mismatches + targets.unit_mismatches}, "
        f"qualifier {figures.qualifier_mismatches + targets.qualifier_mismatches}, "
        f"value {figures.value_mismatches + targets.value_mismatches}"
    )
    if totals.area_figures is not None:
        a = totals.area_figures
        share = a.mislabelled / a.prf.predicted if a.prf.predicted else 0.0
        notes.append(
            f"area figures (<case>.figures.json): mislabelled {a.mislabelled} of "
            f"{a.prf.predicted} predicted ({share:.1%})"
        )
    if totals.grounding is not None:
        g = totals.grounding
        notes.append(
            f"grounding {g.numbers_grounded}/{g.numbers_total} ({g.rate:.1%}), hallucinated {g.hallucinated}"
        )
    if totals.usage.calls:
        u = totals.usage
        notes.append(
            f"model calls {u.calls}, re-asks {u.reasks}, numbers corrected by re-asking {u.corrected_numbers}"
        )
    if totals.rouge_l is None:
        notes.append("ROUGE-L: no case has a reference digest (<case>.ref.txt)")
    if totals.meta_total:
        notes.append(f"meta (region, level, year, kind) {totals.meta_correct}/{totals.meta_total}")
    if totals.errors:
        notes.append(f"[red]{totals.errors} case(s) failed[/]")
    for case in result.cases:
        if case.error:
            notes.append(f"[red]{escape(case.case_id)}[/]: {escape(case.error)}")
    console.print("\n".join(notes))
