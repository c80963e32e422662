"""How well the verifier catches wrong numbers, and how often it cries wolf.

From correct summaries of each case (built from the gold, with evidence pointing at the
sentence that states each item, or the rules engine's own output) the harness makes copies
with one wrong number each (see :mod:`summarizer.evaluate.perturb`) or one wrong binding
each, the right number under the wrong name (:mod:`summarizer.evaluate.misbind`), and runs
:func:`summarizer.verify.verifier.verify` on every copy.  A planted error is caught when the
verifier marks a number of the changed item as not grounded, or as not bound to its
indicator.  A false alarm is a number of an unchanged correct summary that the verifier
marks as not grounded.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

from summarizer.evaluate.dataset import Case, Dataset
from summarizer.evaluate.gold_summary import SENTENCE_END, Located, gold_summary
from summarizer.evaluate.misbind import BINDING_KINDS, misbind
from summarizer.evaluate.perturb import KINDS, SourceNumber, perturb
from summarizer.evaluate.verifier_report import (
    FalseAlarm,
    KindCount,
    Miss,
    SourceCount,
    VerifierReport,
    print_verifier_report,
)
from summarizer.report.index import SourceIndex
from summarizer.report.normalize import NormalizedText, normalize
from summarizer.report.numbers import extract_quantities, same_quantity
from summarizer.schema import Evidence, ReportSummary

__all__ = [
    "SOURCES",
    "gold_summary",
    "evaluate_verifier",
    "VerifierReport",
    "print_verifier_report",
]

SOURCES = ("gold", "rules", "both")


# ---------------------------------------------------------------- planting wrong numbers


@dataclass(frozen=True)
class _Slot:
    """A value phrase of a summary that holds numbers: where it is and how to replace it."""

    path: str  # the item, e.g. 'targets[2]'
    field: str  # the phrase's field: 'value' or 'target'
    value: str
    evidence: list[Evidence]
    indicator: str = ""


def _slots(summary: ReportSummary) -> Iterator[_Slot]:
    for i, f in enumerate(summary.headline_figures):
        yield _Slot(f"headline_figures[{i}]", "value", f.value, f.evidence, f.indicator)
    for i, t in enumerate(summary.targets):
        yield _Slot(f"targets[{i}]", "target", t.target, t.evidence, t.indicator)
    for i, review in enumerate(summary.review_areas):
        for j, f in enumerate(review.figures):
            yield _Slot(
                f"review_areas[{i}].figures[{j}]",
                "value",
                f.value,
                f.evidence or review.evidence,
                f.indicator,
            )
    for i, tasks in enumerate(summary.task_areas):
        for j, item in enumerate(tasks.items):
            for k, f in enumerate(item.goals):
                yield _Slot(
                    f"task_areas[{i}].items[{j}].goals[{k}]",
                    "value",
                    f.value,
                    f.evidence or item.evidence,
                    f.indicator,
                )


_PATH_PART = re.compile(r"(\w+)(?:\[(\d+)\])?")


_TEXT_FIELDS = frozenset(("indicator", "value", "target", "title", "text"))


def _blank(node: object) -> object:
    """An item with nothing to check: strings emptied, lists cleared, parsed values dropped."""
    if not isinstance(node, dict):
        return node
    return {
        key: ""
        if key in _TEXT_FIELDS
        else []
        if isinstance(v, list)
        else None
        if isinstance(v, dict)
        else v
        for key, v in node.items()
    }


def _planted(summary: ReportSummary, slot: _Slot, new_value: str) -> ReportSummary:
    """The summary reduced to the one item, with its phrase replaced.

    The items before it on its path are blanked rather than removed, so that its path and
    the evidence of its parents (which the verifier falls back on) stay as they were; the
    verdicts on it are those a full copy would get, at a fraction of the cost.
    """
    data = summary.model_dump()
    data["verification"] = None
    node = data
    for name, index in _PATH_PART.findall(slot.path):
        for key, value in node.items():
            if isinstance(value, list) and key not in (name, "evidence"):
                node[key] = []
        if index:
            i = int(index)
            node[name] = [_blank(x) for x in node[name][:i]] + [node[name][i]]
            node = node[name][i]
        else:
            node = node[name]
    node[slot.field] = new_value
    if "quantity" in node:
        node["quantity"] = None
    if slot.field == "target":
        node.update(values=[], unit="", qualifier=None)
    return ReportSummary.model_validate(data)


def _in_item(path: str, item: str) -> bool:
    return path == item or path.startswith(item + ".") or path.startswith(item + "[")


def _sentences_of(source: NormalizedText, evidence: list[Evidence], starts: list[int]) -> set[int]:
    """The numbers of the sentences an item's evidence spans."""
    found: set[int] = set()
    for e in evidence:
        a = source.to_normalized(e.start)
        b = max(a, source.to_normalized(max(e.end - 1, e.start)))
        first, last = (bisect.bisect_right(starts, x) - 1 for x in (a, b))
        found.update(range(first, last + 1))
    return found


def _sentence_ids(located: Located) -> tuple[list[SourceNumber], list[int]]:
    """Every quantity of the source with its sentence number, and the sentence starts."""
    text = located.source.text
    starts = [0] + [m.end() for m in SENTENCE_END.finditer(text)]
    pool = []
    for q in extract_quantities(text):
        pool.append(SourceNumber(q, bisect.bisect_right(starts, q.start or 0) - 1))
    return pool, starts


def _plant_bindings(
    case_id: str,
    origin: str,
    summary: ReportSummary,
    slot: _Slot,
    index: SourceIndex,
    kinds: dict[str, KindCount],
    report: VerifierReport,
) -> None:
    """Plant each kind of wrong binding in one item whose number is bound; count catches."""
    from summarizer.verify.verifier import verify

    windows = [
        index.sentence(*span) for span, _ in (index.place(e) for e in slot.evidence) if span
    ]
    for kind in BINDING_KINDS:
        wrong = misbind(kind, index, slot.indicator, slot.value, windows)
        if wrong is None or wrong == slot.value:
            kinds[kind].not_applicable += 1
            continue
        kinds[kind].planted += 1
        checked = verify(_planted(summary, slot, wrong), index)
        if any(
            _in_item(c.path, slot.path) and (not c.grounded or c.bound is False)
            for c in checked.numbers
        ):
            kinds[kind].caught += 1
        else:
            report.misses.append(
                Miss(
                    case_id=case_id,
                    source=origin,
                    path=f"{slot.path}.{slot.field}",
                    kind=kind,
                    original=slot.value,
                    perturbed=wrong,
                )
            )


# ---------------------------------------------------------------- the evaluation


def _correct_summaries(
    case: Case, source: NormalizedText, which: str
) -> Iterator[tuple[str, ReportSummary]]:
    if which in ("gold", "both"):
        yield "gold", gold_summary(case, source)
    if which in ("rules", "both"):
        from summarizer.pipeline import summarize_text

        yield "rules", summarize_text(case.text, name=case.case_id)


def evaluate_verifier(datasets: list[Dataset], source: str = "both") -> VerifierReport:
    """Plant every kind of wrong number in every numeric item; count catches and false alarms."""
    from summarizer.verify.verifier import SourceIndex, verify

    kinds = {k: KindCount(kind=k) for k in (*KINDS, *BINDING_KINDS)}
    sources = {s: SourceCount(source=s) for s in SOURCES[:2] if source in (s, "both")}
    report = VerifierReport(kinds=list(kinds.values()), sources=list(sources.values()))
    for dataset in datasets:
        for case in dataset.cases:
            normalised = normalize(case.text)
            index = SourceIndex.build(normalised)
            located = Located.of(normalised)
            pool, starts = _sentence_ids(located)
            for origin, summary in _correct_summaries(case, normalised, source):
                baseline = verify(summary, index)
                counts = sources[origin]
                counts.summaries += 1
                counts.numbers += baseline.numbers_total
                alarms = [c for c in baseline.numbers if not c.grounded]
                counts.false_alarms += len(alarms)
                report.false_alarms += [
                    FalseAlarm(
                        case_id=case.case_id, source=origin, path=c.path, raw=c.raw, reason=c.reason
                    )
                    for c in alarms
                ]
                unbound = [c for c in baseline.numbers if c.bound is False]
                for slot in _slots(summary):
                    if any(_in_item(c.path, slot.path) for c in alarms):
                        continue  # already flagged: a catch would prove nothing
                    if not any(_in_item(c.path, slot.path) for c in unbound):
                        _plant_bindings(case.case_id, origin, summary, slot, index, kinds, report)
                    sentences = _sentences_of(located.source, slot.evidence, starts)
                    in_sentence = [n.quantity for n in pool if n.sentence in sentences]

                    def stated(q, numbers=in_sentence) -> bool:
                        return any(same_quantity(q, n) for n in numbers)

                    near = (
                        located.source.to_normalized(slot.evidence[0].start) if slot.evidence else 0
                    )
                    for kind in KINDS:
                        planted, passed_over = perturb(
                            kind,
                            slot.value,
                            stated=stated,
                            pool=pool,
                            sentences=sentences,
                            near=near,
                        )
                        if planted is None:
                            if passed_over:
                                kinds[kind].in_sentence += 1
                            else:
                                kinds[kind].not_applicable += 1
                            continue
                        kinds[kind].planted += 1
                        checked = verify(_planted(summary, slot, planted.perturbed), index)
                        if any(
                            _in_item(c.path, slot.path) and not c.grounded for c in checked.numbers
                        ):
                            kinds[kind].caught += 1
                        else:
                            report.misses.append(
                                Miss(
                                    case_id=case.case_id,
                                    source=origin,
                                    path=f"{slot.path}.{slot.field}",
                                    kind=kind,
                                    original=planted.original,
                                    perturbed=planted.perturbed,
                                )
                            )
    return report
