"""Which calls the LLM engine makes for a report, and what each is sent.

    calls = review_plan(report, draft, completeness, budget)   # each section's calls, with
                                                               # its slice of the draft

:func:`plan_calls` cuts each section into slices a model can read (whole areas where they
fit); :func:`review_plan` adds the passages the rules engine missed, drops a targets call that
could change nothing, and gives each call its slice of the rules engine's draft and the
answer that fits it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from summarizer.engines.llm.chunking import Chunk, pack
from summarizer.engines.llm.draft import draft_json, targets_settled
from summarizer.report.instructions import is_instruction
from summarizer.schema import Completeness, ReportSummary

if TYPE_CHECKING:
    from summarizer.report.prepared import PreparedReport
    from summarizer.report.sections import Block, Sections

__all__ = ["Call", "plan_calls", "review_plan", "with_draft", "addressed"]

_MAX_LISTED = 4  # area titles named in a call's note, at most


@dataclass(frozen=True)
class Call:
    """One model call: a task and the slice of the report it reads."""

    task: str  # review | targets | tasks | overview: which prompt
    chunk: Chunk
    note: str | None = None
    answer: str = ""  # which response model; the task's own by default
    draft: str = ""  # the rules engine's draft of the slice, as JSON

    @property
    def response(self) -> str:
        return self.answer or self.task


def _units(start: int, end: int, blocks: list[Block], head: tuple[int, int] | None) -> list:
    units: list[tuple[int, int]] = []
    if blocks:
        first = head or (start, blocks[0].start)
        units.append(first)
        units.extend((b.start, b.end) for b in blocks)
    else:
        units.append((start, end))
    return units


def _clip(units: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted units without overlaps (a problems span inside the review, say)."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(units):
        if out and a < out[-1][1]:
            a = out[-1][1]
        if b > a:
            out.append((a, b))
    return out


def _note(chunk: Chunk, blocks: list[Block], *, titles: bool = True) -> str | None:
    """What the segmenter knows about a chunk: the numbered areas in it, in order (without
    ``titles``, only that it opens inside an area: a draft lists the titles already)."""
    here = [b for b in blocks if b.start < chunk.end and b.end > chunk.start]
    here = [b for b in here if not is_instruction(b.title)]
    if not here:
        return None
    note = ""
    if here[0].start < chunk.start:
        note = f"本部分开头接续编号领域“{here[0].title}”的正文。"
    if len(here) > _MAX_LISTED or not titles:  # a digest's many areas, or a draft's
        return note or None
    listed = "；".join(f"“{b.title}”" for b in here)
    return note + f"本部分的编号领域依次是：{listed}。areas 每个领域一项，title 照抄。"


def plan_calls(sections: Sections, budget: int) -> list[Call]:
    """The calls for one report: which task reads which slice of the normalised text."""
    text = sections.text
    calls: list[Call] = []
    if sections.targets is not None:
        span = sections.targets
        calls += [Call("targets", c) for c in pack(text, [(span.start, span.end)], budget)]
    elif sections.plan is not None:  # no targets paragraph found: the plan's opening
        span = sections.plan
        head = pack(text, [(span.start, span.end)], min(budget, 900))[:1]
        calls += [Call("targets", c) for c in head]
    if sections.review is not None:
        review = sections.review
        opening = None
        if sections.review_areas and sections.review_opening:
            opening = (sections.review_opening.start, sections.review_opening.end)
        units = _units(review.start, review.end, sections.review_areas, opening)
        if sections.problems is not None:
            units.append((sections.problems.start, sections.problems.end))
        for n, chunk in enumerate(pack(text, _clip(units), budget)):
            # Headline figures are read from the review's opening, in the first call only.
            answer = "review" if n == 0 else "review_part"
            calls.append(Call("review", chunk, _note(chunk, sections.review_areas), answer))
    elif sections.problems is not None:
        span = sections.problems
        calls += [Call("review", c) for c in pack(text, [(span.start, span.end)], budget)]
    if sections.tasks is not None:
        span = sections.tasks
        units = _units(span.start, span.end, sections.task_areas, None)
        for chunk in pack(text, _clip(units), budget):
            calls.append(Call("tasks", chunk, _note(chunk, sections.task_areas)))
    return calls


_PASSAGE_TASKS = {"targets": "targets", "review_areas": "review", "task_areas": "tasks"}


def _passage_calls(
    report: PreparedReport, completeness: Completeness, calls: list[Call], budget: int
) -> list[Call]:
    """Calls for parts the rules engine did not find though the text shows signs of them:
    the model reads the passage the completeness check points to."""
    text = report.sections.text
    extra: list[Call] = []
    for check in completeness.parts:
        task = _PASSAGE_TASKS.get(check.part)
        if check.status != "not_found" or check.passage is None or task is None:
            continue
        start = report.source.to_normalized(check.passage.start)
        end = max(report.source.to_normalized(check.passage.end), start + 1)
        if any(c.task == task and c.chunk.start <= start and end <= c.chunk.end for c in calls):
            continue  # a planned call reads it already
        extra += [Call(task, c) for c in pack(text, [(start, end)], budget)]
    return extra


def addressed(text: str) -> bool:
    """Whether a piece of draft text addresses a model (a planted instruction)."""
    return is_instruction(text)


def review_plan(
    report: PreparedReport, draft: ReportSummary, completeness: Completeness, budget: int
) -> list[Call]:
    """The calls of a draft review: each section's calls, the passages the rules engine
    missed, and each call's slice of the draft.  No targets call where the draft's targets
    are settled (:func:`~summarizer.engines.llm.draft.targets_settled`); the overview call is
    planned at the end."""
    calls = plan_calls(report.sections, budget)
    calls += _passage_calls(report, completeness, calls, budget)
    if targets_settled(report, draft, completeness):  # a call could change nothing
        calls = [c for c in calls if c.task != "targets"]
    headline = not draft.headline_figures  # then the first review call reads them
    out = []
    for call in calls:
        first = call.task == "review" and call.answer == "review" and headline
        out.append(with_draft(call, call.chunk, draft, report, headline=first))
    return out


def with_draft(
    call: Call, chunk: Chunk, draft: ReportSummary, report: PreparedReport, *, headline: bool
) -> Call:
    """``call`` on ``chunk`` with its slice of the draft, and the answer that fits it: areas by
    number where the draft has some there, else named from the text; goals where it lists
    some; headline figures where ``headline``."""
    text = draft_json(
        call.task, chunk.start, chunk.end, draft, report, headline=headline, addressed=addressed
    )
    answer = call.answer
    if call.task in ("review", "tasks"):
        areas = json.loads(text)["areas"]
        if not areas:
            answer = f"{call.task}_new"
        elif call.task == "review":
            answer = "review" if headline else "review_part"
        else:
            answer = "tasks" if any(a.get("goals") for a in areas) else "tasks_plain"
    with_draft = replace(call, chunk=chunk, answer=answer, draft=text)
    return replace(with_draft, note=_draft_note(with_draft, text, report))


def _draft_note(call: Call, draft: str, report: PreparedReport) -> str | None:
    """The segmenter's note for a call that comes with a draft: the draft lists the areas'
    titles, so the note only says where the slice begins."""
    if call.task not in ("review", "tasks"):
        return call.note
    sections = report.sections
    blocks = sections.review_areas if call.task == "review" else sections.task_areas
    listed = '"areas":[]' not in draft
    return _note(call.chunk, blocks, titles=not listed)
