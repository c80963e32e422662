"""Label repair, the small profile's first job: names for the figures the clause reader
could not name.

    drafts = label_drafts(report, draft, planted)  # what each call is sent
    kept = apply_labels(summary, outcomes, report, asked)

A figure whose number the clause reader read but could not name shows its clause in place of
a name.  The model is sent, for each such figure, that clause (planted instructions replaced
by a marker) and the number, and asked for the name in the clause's own words.  A name is
kept only when the clause reader then binds the number to it in that clause
(:func:`summarizer.verify.bound.confirm_label`); otherwise the figure shows its clause as
before.  The report itself is never sent.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING

from summarizer.engines.llm.answers import MAX_LABELS
from summarizer.engines.llm.chunking import Chunk, model_text
from summarizer.engines.llm.outcome import CallOutcome
from summarizer.schema import Figure, ReportSummary
from summarizer.verify.bound import confirm_label

if TYPE_CHECKING:
    from summarizer.report.prepared import PreparedReport

__all__ = ["label_drafts", "apply_labels", "unnamed_figures"]


def _figures(summary: ReportSummary) -> Iterator[Figure]:
    yield from summary.headline_figures
    for area in summary.review_areas:
        yield from area.figures
    for task_area in summary.task_areas:
        for item in task_area.items:
            yield from getattr(item, "goals", [])


def unnamed_figures(summary: ReportSummary) -> list[Figure]:
    """The figures the clause reader read but could not name, each once (by its number's
    place in the source)."""
    seen: set[tuple[int, int]] = set()
    found = []
    for figure in _figures(summary):
        binding = figure.binding
        if binding is None or binding.label or figure.quantity is None:
            continue
        if binding.value_span in seen:
            continue
        seen.add(binding.value_span)
        found.append(figure)
    return found


def label_drafts(
    report: PreparedReport, draft: ReportSummary, planted: list[tuple[int, int]]
) -> list[str]:
    """What each label-repair call is sent (JSON): ``draft``'s unnamed figures, each with
    its clause (planted instructions replaced by a marker) and its number, MAX_LABELS a call."""
    items: list[dict[str, object]] = []
    text = report.sections.text
    for figure in unnamed_figures(draft):
        assert figure.binding is not None
        clause = figure.binding.clause
        a = report.source.to_normalized(clause.start)
        z = max(report.source.to_normalized(clause.end), a + 1)
        items.append(
            {
                "id": len(items) + 1,
                "clause": model_text(text, Chunk(a, z, ""), planted).strip(),
                "number": figure.value,
            }
        )
    return [
        json.dumps({"figures": items[i : i + MAX_LABELS]}, ensure_ascii=False, separators=(",", ":"))
        for i in range(0, len(items), MAX_LABELS)
    ]


def apply_labels(
    summary: ReportSummary,
    outcomes: list[CallOutcome],
    report: PreparedReport,
    asked: list[tuple[int, int]],
) -> int:
    """Give each unnamed figure of ``summary`` the model's name for it when the clause reader
    confirms it (every place the figure is shown); ``asked`` are the figures the calls listed
    (by the place of their number, in id order).  Returns how many names were kept."""
    answered: dict[int, str] = {}
    for outcome in outcomes:
        if outcome.task == "labels" and outcome.answer is not None:
            for named in outcome.answer.labels:
                answered[named.id] = named.label.strip()
    ids = {span: i + 1 for i, span in enumerate(asked)}
    kept: set[tuple[int, int]] = set()
    for figure in _figures(summary):
        binding = figure.binding
        if binding is None or binding.label or figure.quantity is None:
            continue
        name = answered.get(ids.get(binding.value_span, 0))
        if name and confirm_label(report.index, name, figure.quantity, binding.clause):
            figure.indicator = name
            binding.label = name
            kept.add(binding.value_span)
    return len(kept)
