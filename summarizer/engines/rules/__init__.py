"""The rules engine: a deterministic summary, no model, every item quoted from the source.

Each part of the summary is read from the part of the report the segmenter found: headline
figures from the review's opening, review areas from its numbered headings, targets from the
targets paragraph, key-task areas with their lead sentences and quantified goals.  Every item
carries the span it was read from, so its numbers are grounded by construction.  Text that
addresses a reader or a model (a planted instruction) reads as blank: it never becomes or
changes an item, and a warning quotes it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from summarizer.engines.rules.areas import review_area, task_area
from summarizer.engines.rules.figures import headline_figures
from summarizer.engines.rules.meta import looks_truncated, read_meta
from summarizer.engines.rules.phrases import Pool
from summarizer.engines.rules.problems import problems_in
from summarizer.engines.rules.targets import parse_targets
from summarizer.report.instructions import blank_spans, inside
from summarizer.schema import EngineInfo, ReportSummary, Warning

if TYPE_CHECKING:
    from summarizer.report.normalize import NormalizedText
    from summarizer.report.prepared import PreparedReport

__all__ = ["RulesEngine", "summarize", "ENGINE_VERSION"]

ENGINE_VERSION = "rules-3"


class RulesEngine:
    """The rules engine behind the :class:`~summarizer.engines.Engine` interface."""

    name = "rules"
    version = ENGINE_VERSION

    def summarize(self, report: PreparedReport) -> ReportSummary:
        return summarize(report)


def _report_text(
    nt: NormalizedText, pool: Pool, planted: list[tuple[int, int]]
) -> tuple[NormalizedText, Pool]:
    """The text with planted instructions blanked out (offsets kept), and its other numbers."""
    if not planted:
        return nt, pool
    numbers = Pool([q for q in pool if not inside(q.start or 0, q.end or 0, planted)])
    return replace(nt, text=blank_spans(nt.text, planted), memo={}), numbers


def _planted_warnings(text: str, planted: list[tuple[int, int]]) -> list[Warning]:
    return [
        Warning(
            code="suspicious_instruction",
            message=f"原文中有一段像是写给模型或读者的指令，不当作报告内容：“{text[a:b].strip()[:60]}”",
        )
        for a, b in planted
    ]


def summarize(report: PreparedReport) -> ReportSummary:
    sections, planted = report.sections, report.index.instructions
    meta = read_meta(sections, report.name, report.original)
    warnings: list[Warning] = _planted_warnings(report.source.text, planted)

    # the numbers, extracted once for the whole text; planted instructions read as blank
    nt, pool = _report_text(report.source, Pool(report.index.quantities), planted)
    bindings = report.index.bindings
    headline = headline_figures(nt, sections, bindings)
    review_areas = [review_area(nt, block, bindings) for block in sections.review_areas]
    problems = problems_in(nt, sections.problems) if sections.problems else []

    targets = []
    if sections.targets and nt.text[sections.targets.start : sections.targets.end].strip():
        result = parse_targets(nt, sections.targets.start, sections.targets.end, pool)
        targets = result.targets
        if result.cut_off:
            warnings.append(
                Warning(
                    code="targets_cut_off",
                    message="主要预期目标在句中中断，列表可能不完整；只列出了原文写全的目标。",
                )
            )
    task_areas = [task_area(nt, block, bindings) for block in sections.task_areas]

    warnings += _structure_warnings(report, bool(targets), bool(task_areas), meta.kind)
    return ReportSummary(
        meta=meta,
        headline_figures=headline,
        review_areas=review_areas,
        problems=problems,
        targets=targets,
        task_areas=task_areas,
        warnings=warnings,
        engine=EngineInfo(name="rules", prompt_version=ENGINE_VERSION),
    )


def _quote(text: str, limit: int = 24) -> str:
    text = text.replace("\n", " ").strip()
    return text if len(text) <= limit else text[:limit] + "…"


def _structure_warnings(report: PreparedReport, targets: bool, tasks: bool, kind: str) -> list[Warning]:
    """What the segmenter could not find or had to choose, and where it looked."""
    sections = report.sections
    text = sections.text
    warnings: list[Warning] = []
    if kind == "partial":
        message = (
            "文本在句中结束，报告可能被截断，缺失的部分没有列出。"
            if looks_truncated(text)
            else "文本在工作回顾之后就结束了，没有今年的工作部分，报告可能不完整。"
        )
        warnings.append(Warning(code="truncated", message=message))
    if not sections.review:
        warnings.append(Warning(code="no_review", message="未找到上年工作回顾部分。"))
    if sections.review_areas_from_five_years:
        warnings.append(
            Warning(
                code="review_areas_five_years",
                message="上一年的工作回顾没有分领域编号，这里列出的工作回顾领域取自五年回顾。",
            )
        )
    candidates = [c for c in sections.target_candidates if c.score > 0]
    if not targets:
        if candidates:
            best = candidates[0]
            warnings.append(
                Warning(
                    code="targets_not_found",
                    message=f"没有找到能确定为今年主要预期目标的段落；最接近的是"
                    f"「{_quote(text[best.span.start : best.span.end])}」（{best.reason}），请对照原文查看。",
                )
            )
        elif kind == "partial":
            warnings.append(
                Warning(code="no_targets", message="文本在今年工作部分之前就结束了，其中没有主要预期目标。")
            )
        else:
            warnings.append(
                Warning(code="no_targets", message="原文中没有“主要预期目标”一类的段落，这里不作推测。")
            )
    elif len(candidates) >= 2 and sections.targets is not None:
        best, second = candidates[0], candidates[1]
        outside = not (sections.targets.start <= second.span.start <= sections.targets.end)
        if outside and second.score >= 5 and best.score - second.score < 1.5:
            warnings.append(
                Warning(
                    code="targets_choice",
                    message=f"主要预期目标取自「{_quote(text[best.span.start : best.span.end])}」（{best.reason}）；"
                    f"另一段「{_quote(text[second.span.start : second.span.end])}」（{second.reason}）"
                    "得分接近，请核对。",
                )
            )
    if not tasks:
        if kind == "partial" and not sections.plan:
            where = "文本在今年工作部分之前就结束了"
        elif sections.plan:
            where = "今年工作部分中没有编号的任务列表"
        else:
            where = "原文中没有找到今年工作部分"
        warnings.append(Warning(code="no_tasks", message=f"未找到今年重点任务：{where}，这里不作推测。"))
    if not sections.review and not targets and not tasks:
        warnings.append(
            Warning(
                code="no_sections",
                message="没有识别出政府工作报告的常见结构（工作回顾、主要预期目标、重点任务）。",
            )
        )
    return warnings
