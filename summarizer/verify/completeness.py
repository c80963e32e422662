"""The check beside the verifier: is anything the report states left out of the summary?

The verifier asks whether every number shown is in the source; this module asks the other
question.  For each part it reads the passage the segmenter found and compares:

- targets: every quantity of the targets passage must sit inside the evidence of some
  target; the ones that do not are listed as ``missed`` and the part is ``incomplete``.
- review and task areas: a numbered list with a gap ((一)(二)(四)) is ``incomplete``.
- a part the engine did not find is ``not_found`` when the report shows signs of one (the
  vocabulary of targets near numbers, say), with the passage it looked at; it is ``absent``
  only when there is no such sign.  "Not found" thus never means "the report has none"
  unless the report really has none.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from summarizer.report.outline import cn_int
from summarizer.report.prepared import PreparedReport
from summarizer.report.sections import Block, Span
from summarizer.schema import Completeness, Evidence, PartCheck, ReportSummary, Warning

__all__ = ["check_completeness", "completeness_warnings", "TARGET_WORDS"]

# Words that announce this year's targets; with a number after them, a sign the report
# states targets even when the segmenter did not find the passage.
TARGET_WORDS = re.compile(r"(?:主要|预期|发展|经济社会发展的?主要)(?:预期)?目标|约束性指标|预期性指标")
_NUMBER = re.compile(r"\d")
_LOOK = 300  # characters after a target word in which a number counts as a sign


def _inside(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(a <= start and end <= b for a, b in spans)


def _target_spans(summary: ReportSummary) -> list[tuple[int, int]]:
    return [(ev.start, ev.end) for t in summary.targets for ev in t.evidence]


def _targets(summary: ReportSummary, report: PreparedReport) -> PartCheck:
    sections, index = report.sections, report.index
    found = len(summary.targets)
    span = sections.targets
    if span is None:
        return _unfound_targets(report, found)
    passage = index.evidence(span.start, span.end)
    covered = _target_spans(summary)
    missed: list[Evidence] = []
    for i, q in enumerate(index.quantities):
        if q.start is None or q.end is None or not (span.start <= q.start and q.end <= span.end):
            continue
        if not any(ch.isdigit() for ch in q.raw) or index.is_planted(i):
            continue  # 十方面, 四个: counts in words are not targets; nor planted numbers
        o_start, o_end = index.original_spans[i]
        if not _inside(o_start, o_end, covered):
            missed.append(index.cite(i))
    if not found:
        message = "找到了主要预期目标段落，但没有从中提取出目标；请对照原文查看。"
        return PartCheck(part="targets", status="incomplete", found=0, message=message,
                         passage=passage, missed=missed)  # fmt: skip
    if missed:
        shown = "、".join(ev.quote for ev in missed[:5]) + ("等" if len(missed) > 5 else "")
        message = f"目标段落中有 {len(missed)} 个数字没有归入任何目标（{shown}），目标列表可能不完整。"
        return PartCheck(part="targets", status="incomplete", found=found, message=message,
                         passage=passage, missed=missed)  # fmt: skip
    message = f"目标段落中的数字都已归入 {found} 项目标。"
    return PartCheck(part="targets", status="complete", found=found, message=message, passage=passage)


def _unfound_targets(report: PreparedReport, found: int) -> PartCheck:
    """No targets passage: "not found" with the best candidate looked at, when the report
    has target words before numbers anywhere; "absent" only when it has none."""
    text = report.sections.text
    candidates = [c for c in report.sections.target_candidates if c.score >= 3]
    span = None
    if candidates:
        span = (candidates[0].span.start, candidates[0].span.end)
    else:
        for match in TARGET_WORDS.finditer(text):
            line_end = text.find("\n", match.end())
            end = min(len(text), match.end() + _LOOK, line_end if line_end >= 0 else len(text))
            if _NUMBER.search(text, match.end(), end):
                span = (match.start(), end)
                break
    if span is not None:
        passage = report.index.evidence(*span)
        message = "没有确定主要预期目标段落，但原文此处似乎提到了目标，请对照原文查看。"
        return PartCheck(part="targets", status="not_found", found=found, message=message,
                         passage=passage)  # fmt: skip
    message = "原文中没有找到主要预期目标。"
    return PartCheck(part="targets", status="absent", found=found, message=message)


def _gaps(blocks: Sequence[Block]) -> list[str]:
    numbers = []
    for block in blocks:
        digits = re.sub(r"[^0-9一二三四五六七八九十两]", "", block.marker)
        value = cn_int(digits.replace("是", "")) if digits else None
        if value is None:
            return []  # unnumbered headings: nothing to count
        numbers.append(value)
    if not numbers:
        return []
    return [str(n) for n in range(numbers[0], numbers[-1] + 1) if n not in numbers]


def _areas(
    part: str, label: str, blocks: Sequence[Block], found: int, span: Span | None,
    report: PreparedReport,
) -> PartCheck:  # fmt: skip
    passage = report.index.evidence(span.start, span.end) if span is not None else None
    if span is None:
        return PartCheck(part=part, status="absent", found=found,  # type: ignore[arg-type]
                         message=f"原文中没有找到{label}部分。")  # fmt: skip
    if not blocks:
        return PartCheck(part=part, status="absent", found=found, passage=passage,  # type: ignore[arg-type]
                         message=f"{label}部分没有编号的方面。")  # fmt: skip
    if found < len(blocks):
        message = f"原文{label}有 {len(blocks)} 个编号的方面，摘要只列出了 {found} 个。"
        return PartCheck(part=part, status="incomplete", found=found, passage=passage,  # type: ignore[arg-type]
                         message=message)  # fmt: skip
    gaps = _gaps(blocks)
    if gaps:
        message = f"{label}的编号不连续（缺第 {'、'.join(gaps)} 项），可能漏掉了一些方面。"
        return PartCheck(part=part, status="incomplete", found=found, passage=passage,  # type: ignore[arg-type]
                         message=message)  # fmt: skip
    return PartCheck(part=part, status="complete", found=found, passage=passage,  # type: ignore[arg-type]
                     message=f"{label}共 {found} 个方面。")  # fmt: skip


def completeness_warnings(completeness: Completeness, existing: list[Warning]) -> list[Warning]:
    """A warning for each part that leaves something out, unless the engine already said so."""
    codes = {w.code for w in existing}
    out = []
    for part in completeness.parts:
        code = f"{part.part}_{part.status}"
        if part.status == "incomplete" and code not in codes:
            out.append(Warning(code=code, message=part.message))
    return out


def check_completeness(summary: ReportSummary, report: PreparedReport) -> Completeness:
    sections = report.sections
    parts = [
        _targets(summary, report),
        _areas("review_areas", "上年工作回顾", sections.review_areas, len(summary.review_areas),
               sections.review, report),
        _areas("task_areas", "今年重点任务", sections.task_areas, len(summary.task_areas),
               sections.tasks, report),
    ]  # fmt: skip
    return Completeness(parts=parts)
