"""Merge the model's answers into the rules engine's draft: a change is kept only when grounded.

The draft (the rules engine's summary) is the starting point, and it stands unless the model
shows, in a way the verifier can check, that it is wrong or incomplete:

- targets: a model target that agrees with a draft target changes nothing (its indicator name
  may be cleaned: a name the target's sentence states, containing or contained in the
  draft's).  A different value replaces the draft's only when the draft's numbers are not
  grounded and the model's are.  A target the draft lacks is added only when it is grounded
  in the slice the call read and the completeness check shows the draft missed something
  there (a number of the targets passage no target holds, or a targets passage the rules
  engine did not find).
- areas: the draft's areas stand; the model adds one sentence to each (``summary``).  Areas
  of its own are taken only where the draft has none and the completeness check says some
  are missing.  Quantified goals of task areas get the model's clean name when the goal's
  sentence states it.
- headline figures: the draft's stand; the model's (grounded) are used only where the draft
  has none.
- abstractive text (area sentences, the overview): a sentence whose number the source does
  not state there is left out and reported; the rest keeps evidence for every number.

Whatever the model got wrong, dropped or made up leaves the draft as it was and becomes a
warning, so the result is never worse than the rules engine on the fields both write.  A
failed call, what re-asking did not fix and anything from an instruction planted in the
report are reported too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from summarizer.engines.llm.answers import MAX_OVERVIEW, number_problems
from summarizer.engines.llm.area_merge import headline_figures, merge_areas
from summarizer.engines.llm.grounds import Notes, grounded_sentences, same_numbers
from summarizer.engines.llm.outcome import CallOutcome
from summarizer.engines.llm.target_merge import merge_targets
from summarizer.report.normalize import canon
from summarizer.report.numbers import extract_quantities, same_quantity
from summarizer.schema import (
    Completeness,
    EngineInfo,
    Quantity,
    ReportSummary,
    Target,
    Usage,
    Warning,
)

if TYPE_CHECKING:
    from summarizer.report.prepared import PreparedReport

__all__ = ["CallOutcome", "merge", "cross_check_targets", "injection_warnings"]

_TASK_NAMES = {
    "review": "工作回顾",
    "targets": "主要预期目标",
    "tasks": "重点任务",
    "overview": "全文概述",
    "labels": "指标命名",
}


# -- cross-check and planted instructions ------------------------------------------------
def cross_check_targets(llm: list[Target], rules: list[Target]) -> list[Warning]:
    """Disagreements between the model's targets and the rules engine's."""
    from summarizer.analysis.indicators import same_indicator

    warnings: list[Warning] = []
    used: set[int] = set()
    for target in llm:
        match = next(
            (
                i
                for i, other in enumerate(rules)
                if i not in used and same_indicator(target.indicator, other.indicator)
            ),
            None,
        )
        if match is None:
            warnings.append(
                Warning(
                    code="target_only_llm",
                    message=f"目标“{target.indicator}{target.target}”只有模型列出，规则引擎没有读到。",
                )
            )
            continue
        used.add(match)
        other = rules[match]
        if not same_numbers(target.target, other.target):
            warnings.append(
                Warning(
                    code="target_mismatch",
                    message=f"目标“{target.indicator}”：模型写“{target.target}”，"
                    f"规则引擎读到“{other.target}”。",
                )
            )
    for i, other in enumerate(rules):
        if i not in used:
            warnings.append(
                Warning(
                    code="target_only_rules",
                    message=f"规则引擎读到目标“{other.indicator}{other.target}”，模型没有列出。",
                )
            )
    return warnings


def _fields(summary: ReportSummary) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if summary.overview:
        out.append(("overview", summary.overview))
    for i, f in enumerate(summary.headline_figures):
        out.append((f"headline_figures[{i}]", f.indicator + f.value))
    for i, area in enumerate(summary.review_areas):
        out.append((f"review_areas[{i}].title", area.title))
        if area.summary:
            out.append((f"review_areas[{i}].summary", area.summary))
        out += [(f"review_areas[{i}].highlights[{j}]", h) for j, h in enumerate(area.highlights)]
        out += [
            (f"review_areas[{i}].figures[{j}]", f.indicator + f.value)
            for j, f in enumerate(area.figures)
        ]
    for i, p in enumerate(summary.problems):
        out.append((f"problems[{i}]", p.text))
    for i, t in enumerate(summary.targets):
        out.append((f"targets[{i}]", t.indicator + t.target))
    for i, task_area in enumerate(summary.task_areas):
        out.append((f"task_areas[{i}].title", task_area.title))
        if task_area.summary:
            out.append((f"task_areas[{i}].summary", task_area.summary))
        out += [
            (f"task_areas[{i}].items[{j}]", item.text) for j, item in enumerate(task_area.items)
        ]
    return out


def injection_warnings(
    summary: ReportSummary, text: str, planted: list[tuple[int, int]]
) -> list[Warning]:
    """Warn about the planted sentences, and flag every output field that repeats one."""
    if not planted:
        return []
    sentences = [text[a:b] for a, b in planted]
    outside = "".join(
        text[a:b]
        for a, b in zip(
            [0] + [e for _, e in planted], [s for s, _ in planted] + [len(text)], strict=True
        )
    )
    warnings = [
        Warning(
            code="suspicious_instruction",
            message=f"原文中有一句像是写给模型的指令，已不交给模型：“{s[:60]}”",
        )
        for s in sentences
    ]
    planted_canon = [canon(s) for s in sentences]
    planted_numbers = extract_quantities("\n".join(sentences))
    outside_numbers = extract_quantities(outside)

    def only_planted(q: Quantity) -> bool:
        return any(same_quantity(q, p) for p in planted_numbers) and not any(
            same_quantity(q, o) for o in outside_numbers
        )

    for path, value in _fields(summary):
        from_planted = any(only_planted(q) for q in extract_quantities(value))
        flat = canon(value)
        if not from_planted and len(flat) >= 10:
            from_planted = any(
                flat[i : i + 10] in s for s in planted_canon for i in range(len(flat) - 9)
            )
        if from_planted:
            warnings.append(
                Warning(
                    code="prompt_injection",
                    message=f"{path}：内容来自原文中疑似写给模型的指令，不可采信：“{value[:60]}”",
                )
            )
    return warnings


# -- the whole summary -----------------------------------------------------------------
def _usage(outcomes: list[CallOutcome], seconds: float) -> Usage:
    usage = Usage(seconds=round(seconds, 3))
    costs: list[float | None] = []
    for outcome in outcomes:
        if outcome.result is None:
            continue
        call, result = outcome.result.usage, outcome.result
        usage.calls += call.requests
        usage.reasks += call.reasks
        usage.tokens_in += call.tokens_in
        usage.tokens_out += call.tokens_out
        usage.cached_calls += int(call.cached)
        for server, n in call.servers.items():
            usage.servers[server] = usage.servers.get(server, 0) + n
        if not call.cached:
            costs.append(call.cost_usd)
            fixed = number_problems(result.first_problems) - number_problems(result.problems)
            usage.corrected_numbers += max(0, fixed)
    if costs and all(c is not None for c in costs):
        usage.cost_usd = round(sum(c for c in costs if c is not None), 6)
    elif not costs:
        usage.cost_usd = 0.0
    return usage


def merge(
    report: PreparedReport,
    outcomes: list[CallOutcome],
    *,
    parts: tuple[str, ...] = ("targets", "review", "tasks", "overview"),
    draft: ReportSummary,
    completeness: Completeness | None = None,
    cross_check: bool = True,
    planted: list[tuple[int, int]],
    model: str,
    prompt_version: str,
    seconds: float,
) -> ReportSummary:
    """The draft with the model's grounded changes and its abstractive fields."""
    outcomes = sorted(outcomes, key=lambda o: (o.task, o.chunk.start))
    by_task = {task: [o for o in outcomes if o.task == task] for task in _TASK_NAMES}
    check = completeness.part if completeness is not None else (lambda name: None)
    notes = Notes(cross_check, [])

    targets = merge_targets(report, by_task["targets"], draft, check("targets"), notes, planted)
    headline = draft.headline_figures or headline_figures(report, by_task["review"])
    if headline and not draft.headline_figures:
        notes.add(
            "llm_added",
            f"规则引擎没有读出主要成绩；模型从工作回顾开头读出 {len(headline)} 项，均已在原文核实。",
        )
    review = merge_areas(
        report, by_task["review"], draft.review_areas, "review", check("review_areas"), notes
    )
    tasks = merge_areas(
        report, by_task["tasks"], draft.task_areas, "tasks", check("task_areas"), notes
    )
    overview = None
    for outcome in by_task["overview"]:
        text = getattr(outcome.answer, "overview", None)
        if text:
            window = (0, len(report.sections.text))
            overview, _ = grounded_sentences(text, report, window, MAX_OVERVIEW, "全文概述", notes)

    found = {
        "no_targets": bool(targets),
        "no_tasks": bool(tasks),
        "no_review": bool(review),
        "no_sections": bool(targets or tasks or review),
        "suspicious_instruction": bool(planted),  # injection_warnings reports them below
    }
    warnings = [w.model_copy() for w in draft.warnings if not found.get(w.code, False)]
    for outcome in outcomes:
        where = f"{_TASK_NAMES[outcome.task]}"
        if outcome.task not in ("overview", "labels"):
            where += f"（原文第 {outcome.chunk.start}–{outcome.chunk.end} 字）"
        if outcome.error:
            warnings.append(Warning(code="llm_call_failed", message=f"{where}：{outcome.error}"))
        for problem in outcome.result.problems if outcome.result else []:
            warnings.append(
                Warning(
                    code="ungrounded_after_reask", message=f"{where}，重问后仍有问题：{problem}"
                )
            )
    warnings += notes.items

    summary = draft.model_copy(
        update={
            "overview": overview,
            "headline_figures": [f.model_copy(deep=True) for f in headline],
            "review_areas": review,
            "problems": [p.model_copy(deep=True) for p in draft.problems],
            "targets": targets,
            "task_areas": tasks,
            "meta": draft.meta.model_copy(),
            "verification": None,
            "completeness": None,
            "engine": EngineInfo(
                name="llm",
                model=model,
                prompt_version=prompt_version,
                usage=_usage(outcomes, seconds),
            ),
        }
    )
    warnings += injection_warnings(summary, report.sections.text, planted)
    summary.warnings = warnings
    return summary
