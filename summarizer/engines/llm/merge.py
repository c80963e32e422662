"""Merge the answers of the LLM engine's calls into one ``ReportSummary``.

Areas are reconciled with the segmenter's numbered blocks (the verbatim heading wins over a
model's paraphrase, and an area split over two calls becomes one); targets are cross-checked
against the rules engine; what re-asking did not fix, a call that failed, and anything that
came from an instruction planted in the report are reported as warnings.  A target whose
number the report states only inside such an instruction stays in the output, flagged by
the verifier, and the report's own target for that indicator (the rules engine's) is listed
beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from summarizer.engines.llm.answers import (
    Window,
    evidence_for,
    locate,
    number_problems,
    similarity,
    span_evidence,
    to_figure,
    to_target,
)
from summarizer.engines.llm.chunking import Chunk
from summarizer.engines.llm.client import CallResult
from summarizer.report.normalize import canon
from summarizer.report.numbers import extract_quantities, same_quantity
from summarizer.schema import (
    EngineInfo,
    Evidence,
    Figure,
    Problem,
    Quantity,
    ReportMeta,
    ReportSummary,
    ReviewArea,
    Target,
    TaskArea,
    TaskItem,
    Usage,
    Warning,
)

if TYPE_CHECKING:
    from summarizer.report.prepared import PreparedReport
    from summarizer.report.sections import Block

__all__ = [
    "CallOutcome",
    "merge",
    "cross_check_targets",
    "injection_warnings",
    "keep_real_targets",
]

_TASK_NAMES = {"review": "工作回顾", "targets": "主要预期目标", "tasks": "重点任务"}
_STRUCTURAL = ("truncated", "targets_cut_off")  # rules warnings about the text itself


@dataclass
class CallOutcome:
    """What one call gave: its answer (or why there is none) and the slice it read."""

    task: str
    chunk: Chunk
    result: CallResult | None
    error: str | None = None


def _match_block(title: str, chunk: Chunk, blocks: list[Block]) -> int | None:
    """The segmenter's block this area title names, among those the chunk overlaps."""
    best, best_score = None, 0.0
    for i, block in enumerate(blocks):
        if block.end <= chunk.start or block.start >= chunk.end:
            continue
        score = similarity(title, block.title)
        a, b = canon(title), canon(block.title)
        if min(len(a), len(b)) >= 4 and (a in b or b in a):
            score = max(score, 0.9)
        if score > best_score:
            best, best_score = i, score
    return best if best_score >= 0.5 else None


# Field names a small model sometimes writes as list items under a grammar: not content.
_KEY_NAMES = {"title", "highlights", "figures", "items", "goals", "indicator", "value", "problems"}


def _is_line(line: str) -> bool:
    return bool(line.strip()) and line.strip().lower() not in _KEY_NAMES


def _block_of_content(
    report: PreparedReport, area: Any, chunk: Chunk, blocks: list[Block], here: list[int]
) -> int | None:
    """The block (among ``here``) that states the numbers or lines of a model's area."""
    lines = [f.value for f in getattr(area, "figures", getattr(area, "goals", []))]
    lines += list(getattr(area, "highlights", getattr(area, "items", [])))
    for line in lines:
        for evidence in evidence_for(report.index, report.source, line, (chunk.start, chunk.end)):
            position = report.source.to_normalized(evidence.start)
            for i in here:
                if blocks[i].start <= position < blocks[i].end:
                    return i
    return None


def _overlap(block: Block, chunk: Chunk) -> int:
    return max(0, min(block.end, chunk.end) - max(block.start, chunk.start))


@dataclass
class _Area:
    position: int
    title: str
    evidence: list[Evidence]
    within: Window  # the text the area's lines and numbers come from
    lines: list[str]
    figures: list[Figure]
    goals: list[Figure]
    from_model: bool = True


def _areas(
    report: PreparedReport, outcomes: list[CallOutcome], blocks: list[Block], kind: str
) -> tuple[list[_Area], list[Warning]]:
    source, index = report.source, report.index
    by_key: dict[Any, _Area] = {}
    covered: set[int] = set()

    def block_area(i: int) -> _Area:
        if ("block", i) not in by_key:
            block = blocks[i]
            evidence = [span_evidence(source, block.title_start, block.title_end)]
            by_key[("block", i)] = _Area(
                block.start, block.title, evidence, (block.start, block.end), [], [], []
            )
        return by_key[("block", i)]

    for outcome in outcomes:
        answer = outcome.result.value if outcome.result else None
        chunk = outcome.chunk
        covered |= {i for i, b in enumerate(blocks) if _overlap(b, chunk) * 2 > b.end - b.start}
        areas = getattr(answer, "areas", []) or []
        here = [i for i, b in enumerate(blocks) if _overlap(b, chunk) > 0]
        for n, area in enumerate(areas):
            block_no = _match_block(area.title, chunk, blocks)
            if block_no is None and here:
                # A paraphrased title: the block its content comes from, else its place.
                block_no = _block_of_content(report, area, chunk, blocks, here)
                if block_no is None and len(areas) == len(here):
                    block_no = here[n]
            if block_no is not None:
                home = block_area(block_no)
            else:
                key = ("title", canon(area.title))
                if key not in by_key:
                    within = (chunk.start, chunk.end)
                    found = locate(index, source, area.title, within)
                    by_key[key] = _Area(
                        chunk.start + n, area.title.strip(), [found] if found else [], within,
                        [], [], [],
                    )  # fmt: skip
                home = by_key[key]
            # Each line and figure goes to the area whose text states it, when that is
            # another numbered area of the same call (a model that ran two areas together).
            lines = area.highlights if kind == "review" else area.items
            for line in (line.strip() for line in lines if _is_line(line)):
                owner = _owner(report, line, chunk, blocks, here)
                (block_area(owner) if owner is not None else home).lines.append(line)
            for figure in area.figures if kind == "review" else area.goals:
                owner = _owner(report, figure.value, chunk, blocks, here)
                target = block_area(owner) if owner is not None else home
                into = target.figures if kind == "review" else target.goals
                into.append(to_figure(figure, index, source, target.within))
    warnings = []
    for i, block in enumerate(blocks):
        area = by_key.get(("block", i))
        if i not in covered or (area is not None and (area.lines or area.figures or area.goals)):
            continue
        if area is None:
            block_area(i).from_model = False
        warnings.append(
            Warning(
                code="llm_area_missing",
                message=f"模型没有总结编号领域“{block.title}”；这里只列出它的标题。",
            )
        )
    return sorted(by_key.values(), key=lambda a: a.position), warnings


def _owner(
    report: PreparedReport, line: str, chunk: Chunk, blocks: list[Block], here: list[int]
) -> int | None:
    """The numbered block (of those the call read) whose text states ``line``."""
    if len(here) < 2:
        return None
    for evidence in evidence_for(report.index, report.source, line, (chunk.start, chunk.end)):
        position = report.source.to_normalized(evidence.start)
        for i in here:
            if blocks[i].start <= position < blocks[i].end:
                return i
    return None


def _review_area(area: _Area, report: PreparedReport) -> ReviewArea:
    """The area's evidence: its heading, then the source of each highlight, in order."""
    evidence = list(area.evidence)
    for line in area.lines:
        for found in evidence_for(report.index, report.source, line, area.within):
            if found not in evidence:
                evidence.append(found)
    return ReviewArea(
        title=area.title, highlights=area.lines, figures=area.figures, evidence=evidence
    )


def _task_area(area: _Area, report: PreparedReport) -> TaskArea:
    items = [
        TaskItem(text=line, evidence=evidence_for(report.index, report.source, line, area.within))
        for line in area.lines
    ]
    for goal in area.goals:
        home = next((item for item in items if canon(goal.value) in canon(item.text)), None)
        if home is None:
            home = TaskItem(text=f"{goal.indicator}{goal.value}", evidence=list(goal.evidence))
            items.append(home)
        home.goals.append(goal)
    return TaskArea(title=area.title, items=items, evidence=area.evidence)


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
        mine, theirs = extract_quantities(target.target), extract_quantities(other.target)
        agree = len(mine) == len(theirs) and all(
            same_quantity(a, b) for a, b in zip(mine, theirs, strict=True)
        )
        if not agree:
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


# -- planted instructions --------------------------------------------------------------
def keep_real_targets(
    targets: list[Target], rules: list[Target], index: Any
) -> tuple[list[Target], list[Warning]]:
    """Beside each target whose number the source states only inside a planted instruction,
    the rules engine's target for the same indicator (the report's own), unless the model
    gave that one too."""
    from summarizer.analysis.indicators import same_indicator
    from summarizer.verify.verifier import PLANTED_ZH, check_text

    def planted(target: Target) -> bool:
        checks = check_text(target.target, index, path="target", evidence=target.evidence)
        return any(check.planted for check in checks)

    suspect = [planted(t) for t in targets]
    sound = [t for t, bad in zip(targets, suspect, strict=True) if not bad]
    out: list[Target] = []
    warnings: list[Warning] = []
    for target, bad in zip(targets, suspect, strict=True):
        out.append(target)
        if not bad:
            continue
        real = next((r for r in rules if same_indicator(target.indicator, r.indicator)), None)
        if real is not None and not any(same_indicator(t.indicator, real.indicator) for t in sound):
            out.append(real)
            sound.append(real)
            also = f"；原文的目标是“{real.indicator}{real.target}”，已一并列出"
        else:
            also = ""
        warnings.append(
            Warning(
                code="prompt_injection",
                message=f"目标“{target.indicator}{target.target}”中的数字{PLANTED_ZH}{also}。",
            )
        )
    return out, warnings


def _fields(summary: ReportSummary) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for i, f in enumerate(summary.headline_figures):
        out.append((f"headline_figures[{i}]", f.indicator + f.value))
    for i, area in enumerate(summary.review_areas):
        out.append((f"review_areas[{i}].title", area.title))
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
    parts: tuple[str, ...] = ("targets", "review", "tasks"),
    rules: ReportSummary | None,
    cross_check: bool,
    planted: list[tuple[int, int]],
    model: str,
    prompt_version: str,
    seconds: float,
) -> ReportSummary:
    outcomes = sorted(outcomes, key=lambda o: (o.task, o.chunk.start))
    sections = report.sections
    by_task = {task: [o for o in outcomes if o.task == task] for task in _TASK_NAMES}
    warnings: list[Warning] = []

    headline: list[Figure] = []
    problems: list[Problem] = []
    for outcome in by_task["review"]:
        answer = outcome.result.value if outcome.result else None
        if answer is None:
            continue
        if not headline:
            headline = [
                to_figure(f, report.index, report.source, (outcome.chunk.start, outcome.chunk.end))
                for f in answer.headline_figures
            ]
        problems += [
            Problem(
                text=p.strip(),
                evidence=evidence_for(
                    report.index, report.source, p, (outcome.chunk.start, outcome.chunk.end)
                ),
            )
            for p in answer.problems
            if _is_line(p)
        ]
    review, missing = _areas(report, by_task["review"], sections.review_areas, "review")
    tasks, missing_tasks = _areas(report, by_task["tasks"], sections.task_areas, "tasks")
    warnings += missing + missing_tasks

    targets: list[Target] = []
    seen: set[tuple[str, str]] = set()
    for outcome in by_task["targets"]:
        answer = outcome.result.value if outcome.result else None
        for target in getattr(answer, "targets", []) or []:
            key = (canon(target.indicator), canon(target.target))
            if key not in seen:
                seen.add(key)
                targets.append(
                    to_target(
                        target,
                        report.index,
                        report.source,
                        (outcome.chunk.start, outcome.chunk.end),
                    )
                )

    if planted and rules is not None:
        targets, replaced = keep_real_targets(targets, rules.targets, report.index)
        warnings += replaced
    for outcome in outcomes:
        where = (
            f"{_TASK_NAMES[outcome.task]}（原文第 {outcome.chunk.start}–{outcome.chunk.end} 字）"
        )
        if outcome.error:
            warnings.append(Warning(code="llm_call_failed", message=f"{where}：{outcome.error}"))
        for problem in outcome.result.problems if outcome.result else []:
            warnings.append(
                Warning(
                    code="ungrounded_after_reask", message=f"{where}，重问后仍有问题：{problem}"
                )
            )

    summary = ReportSummary(
        meta=rules.meta.model_copy()
        if rules
        else ReportMeta(chars=len(report.original), source_name=report.name),
        headline_figures=headline,
        review_areas=[_review_area(a, report) for a in review],
        problems=problems,
        targets=targets,
        task_areas=[_task_area(a, report) for a in tasks],
        engine=EngineInfo(
            name="llm", model=model, prompt_version=prompt_version, usage=_usage(outcomes, seconds)
        ),
    )
    if rules is not None:
        warnings += [w for w in rules.warnings if w.code in _STRUCTURAL]
        if cross_check and by_task["targets"]:
            warnings += cross_check_targets(targets, rules.targets)
    absent = {
        "targets": ("no_targets", "未找到主要预期目标：原文中没有这一部分，这里不作推测。"),
        "tasks": ("no_tasks", "未找到今年重点任务部分：原文中没有这一部分，这里不作推测。"),
        "review": ("no_review", "未找到上年工作回顾部分。"),
    }
    for part, (code, message) in absent.items():
        if part in parts and not by_task[part]:
            warnings.append(Warning(code=code, message=message))
    warnings += injection_warnings(summary, sections.text, planted)
    summary.warnings = warnings
    return summary
