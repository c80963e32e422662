"""The completeness check in a reader's words, computed without Streamlit.

The verifier says whether the numbers shown are in the report; the completeness check
(:class:`summarizer.schema.Completeness`) says whether anything the report states in a part
is missing from the summary.  Here each :class:`~summarizer.schema.PartCheck` becomes a
:class:`Notice`: "not found" is said only when the report has no such part (``absent``);
a part that was found incomplete, or not found although the report seems to have one, is
"may be incomplete" with the passage to look at.  The wording follows the check's fields
(status, missed numbers, found items), not its message, which is shown as the detail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from summarizer.schema import Evidence, PartCheck, ReportSummary

__all__ = ["PART_NAMES", "Notice", "notices", "notice", "badge", "SUPERSEDED_WARNINGS"]

PART_NAMES = {
    "headline_figures": "主要数据",
    "review_areas": "上年工作回顾",
    "targets": "主要预期目标",
    "task_areas": "今年重点任务",
}
# Engine warnings that say a part is missing; the completeness check says it better.
SUPERSEDED_WARNINGS = {
    "no_targets": "targets",
    "no_tasks": "task_areas",
    "no_review": "review_areas",
}
_SHOWN_MISSED = 5

Level = Literal["ok", "warn", "absent"]


@dataclass(frozen=True)
class Notice:
    """One part's completeness, as the page says it."""

    part: str
    level: Level
    text: str  # plain text (escape before Markdown)
    passage: Evidence | None = None  # where to look in 原文
    missed: tuple[Evidence, ...] = ()

    @property
    def name(self) -> str:
        return PART_NAMES.get(self.part, self.part)


def notice(check: PartCheck) -> Notice:
    name = PART_NAMES.get(check.part, check.part)
    missed = tuple(check.missed)
    if check.status == "complete":
        return Notice(check.part, "ok", f"{name}：原文中的内容都已列出（{check.found} 项）。")
    if check.status == "absent":
        return Notice(check.part, "absent", f"原文中没有{name}这一部分。")
    if check.status == "not_found":
        return Notice(
            check.part,
            "warn",
            f"{name}：摘要没有识别出来，但原文中似乎有，请看原文。",
            check.passage,
            missed,
        )
    if missed:
        shown = "、".join(ev.quote for ev in missed[:_SHOWN_MISSED])
        more = "等" if len(missed) > _SHOWN_MISSED else ""
        if check.found:
            text = f"{name}可能不全：原文这一段里有 {len(missed)} 个数字没有列入任何一项（{shown}{more}）。"
        else:
            text = f"{name}可能不全：原文有这一段，但摘要没有列出任何一项（段中的数字：{shown}{more}）。"
    elif not check.found:
        text = f"{name}可能不全：原文有这一部分，但摘要没有列出任何一项。"
    else:
        text = f"{name}可能不全：{check.message}"
    return Notice(check.part, "warn", text, check.passage, missed)


def notices(summary: ReportSummary) -> list[Notice]:
    """One notice per part the check looked at, in the check's order."""
    if summary.completeness is None:
        return []
    return [notice(check) for check in summary.completeness.parts]


def badge(summary: ReportSummary) -> tuple[str, Literal["green", "orange", "gray"], str] | None:
    """(label, colour, help) of the completeness badge; None when nothing was checked."""
    found = notices(summary)
    if not found:
        return None
    warned = [n.name for n in found if n.level == "warn"]
    absent = [n.name for n in found if n.level == "absent"]
    help_text = (
        "完整性检查：主要预期目标段落里的每个数字是否都列进了摘要，"
        "工作回顾和重点任务的编号是否连续、是否都列出。"
        "「数字核实」只检查摘要里列出的数字对不对，不检查有没有遗漏。"
    )
    if warned:
        return f"可能不全：{'、'.join(warned)}", "orange", help_text
    if absent and len(absent) == len(found):
        return "完整性：原文中没有找到可核对的部分", "gray", help_text
    return "完整性：未发现遗漏", "green", help_text
