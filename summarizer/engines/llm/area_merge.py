"""The model's areas against the draft's: a sentence for each, clean goal names, figures.

The draft's areas stand (titles, highlights, figures, items); the model adds one sentence to
each (``summary``, the area named by its title, else its number, in the draft), whose
numbers must be in the area's own text, and the evidence of those numbers.  Areas of its own are taken only where the draft has none and the completeness check
says some are missing.  A quantified goal of a task area gets the model's name when the goal's
sentence states it.  The model's headline figures are used only where the draft has none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from summarizer.engines.llm.answers import MAX_SUMMARY, locate, similarity, to_figure
from summarizer.engines.llm.draft import area_windows
from summarizer.engines.llm.grounds import (
    Notes,
    bound_name,
    grounded_sentences,
    inside,
    is_grounded,
    same_numbers,
    stated_name,
)
from summarizer.report.normalize import canon
from summarizer.report.numbers import extract_quantities
from summarizer.schema import Figure, PartCheck, ReviewArea, TaskArea

if TYPE_CHECKING:
    from summarizer.engines.llm.outcome import CallOutcome
    from summarizer.report.prepared import PreparedReport

__all__ = ["merge_areas", "headline_figures"]


def _match_area(title: str, candidates: list[tuple[int, str]]) -> int | None:
    """The draft area (among ``candidates``: index, title) that ``title`` names."""
    best, best_score = None, 0.0
    for i, other in candidates:
        score = similarity(title, other)
        a, b = canon(title), canon(other)
        if min(len(a), len(b)) >= 4 and (a in b or b in a):
            score = max(score, 0.9)
        if score > best_score:
            best, best_score = i, score
    return best if best_score >= 0.5 else None


def _rename_goals(area: TaskArea, goals: list[Any], report: PreparedReport, notes: Notes) -> None:
    """Give a quantified goal the model's clean name when the goal's sentence states it and
    the clause reader binds the goal's number to that name there."""
    renamed = 0
    for out in goals:
        for item in area.items:
            for k, goal in enumerate(item.goals):
                same = canon(goal.value) == canon(out.value) or (
                    extract_quantities(out.value) and same_numbers(goal.value, out.value)
                )
                if not same or canon(goal.indicator) == canon(out.indicator):
                    continue
                if stated_name(out.indicator, report, goal.evidence) and bound_name(
                    out.indicator, goal.value, report, goal.evidence
                ):
                    item.goals[k] = goal.model_copy(update={"indicator": out.indicator.strip()})
                    renamed += 1
    if renamed:
        notes.add(
            "llm_revised",
            f"“{area.title}”：模型整理了 {renamed} 个量化目标的指标名称（均为原句中的词）。",
        )


def merge_areas(
    report: PreparedReport,
    outcomes: list[CallOutcome],
    draft: list[Any],
    kind: str,
    check: PartCheck | None,
    notes: Notes,
) -> list[Any]:
    sections = report.sections
    blocks = sections.review_areas if kind == "review" else sections.task_areas
    label = "工作回顾" if kind == "review" else "重点任务"
    areas = [a.model_copy(deep=True) for a in draft]
    windows = area_windows(report, areas, blocks)
    written: set[int] = set()
    new: list[Any] = []
    for outcome in sorted(outcomes, key=lambda o: o.chunk.start):
        answer = outcome.answer
        if answer is None:
            continue
        start, end = outcome.window
        here = [i for i, w in enumerate(windows) if w is not None and w[0] < end and w[1] > start]
        for out in list(getattr(answer, "areas", None) or []):
            number = getattr(out, "n", None)
            candidates = [(k, areas[k].title) for k in here]
            i = _match_area(out.title, candidates)  # a draft area by its title
            if i is None and number is not None and number - 1 in here:
                i = number - 1  # else by its number, when the title is another's or none
            if i is None:
                if number is None and not draft and _missing(check):
                    area = _new_area(out, kind, report, outcome, notes)
                    if area is not None and all(canon(a.title) != canon(area.title) for a in new):
                        new.append(area)
                continue
            window = windows[i] or outcome.window
            if kind == "tasks":
                _rename_goals(areas[i], list(getattr(out, "goals", []) or []), report, notes)
            if i in written or not (out.summary or "").strip():
                continue
            where = f"{label}“{areas[i].title}”的摘要"
            summary, evidence = grounded_sentences(out.summary, report, window, MAX_SUMMARY, where, notes)
            if summary:
                written.add(i)
                areas[i].summary = summary
                areas[i].evidence += [ev for ev in evidence if ev not in areas[i].evidence]
    if new:
        notes.add(
            "llm_added",
            f"规则引擎没有读出{label}的领域；模型从原文读出 {len(new)} 个，标题均见于原文。",
        )
        return new
    return areas


def _missing(check: PartCheck | None) -> bool:
    """Whether the completeness check says the draft left areas of this part out."""
    return check is not None and check.status in ("not_found", "incomplete")


def _new_area(
    out: Any, kind: str, report: PreparedReport, outcome: CallOutcome, notes: Notes
) -> Any | None:
    """An area the draft lacks: kept when its title is a verbatim line of the slice read."""
    found = locate(report.index, report.source, out.title, outcome.window)
    if found is None or not inside(report, [found], outcome.window):
        return None
    summary, evidence = grounded_sentences(
        out.summary, report, outcome.window, MAX_SUMMARY, f"“{out.title}”的摘要", notes
    )
    if kind == "review":
        return ReviewArea(title=out.title.strip(), summary=summary, evidence=[found, *evidence])
    return TaskArea(title=out.title.strip(), summary=summary, evidence=[found, *evidence])


def headline_figures(report: PreparedReport, outcomes: list[CallOutcome]) -> list[Figure]:
    """The model's headline figures whose numbers are grounded where it read them."""
    figures: list[Figure] = []
    for outcome in outcomes:
        for out in getattr(outcome.answer, "headline_figures", None) or []:
            figure = to_figure(out, report.index, report.source, outcome.window)
            if (
                figure.quantity is not None
                and inside(report, figure.evidence, outcome.window)
                and is_grounded(figure.value, report, figure.evidence)
                and all(canon(f.value) != canon(figure.value) for f in figures)
            ):
                figures.append(figure)
    return figures
