"""The rules engine's draft, as each call of the LLM engine reads it.

The rules engine runs first (it costs milliseconds).  Each call gets its slice of the report
and, as compact JSON, what the rules engine read from that slice:

    targets  {"targets": [{"indicator", "target"}, ...]}       the draft's targets there
    review   {"areas": [{"n", "title"}, ...]}                   the numbered areas there
    tasks    {"areas": [{"n", "title", "goals": ["指标：数值"]}]} areas, and goals whose name
                                                             looks unfinished

An area is named by ``n``, its place in the draft's list, so the model answers with the
number and one sentence and never copies a title out.
    overview a digest of the summary (region, year, results, targets, area titles)

The draft replaces what the model would otherwise have written out (highlights, measures,
quotes of targets it confirms), so a call costs about its slice of the report.  The overview
call reads no report text at all, only the digest, whose every number has been traced to the
source.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from summarizer.schema import Completeness, Evidence, ReportSummary

if TYPE_CHECKING:
    from summarizer.report.prepared import PreparedReport
    from summarizer.report.sections import Block

__all__ = [
    "area_windows",
    "dangling",
    "draft_json",
    "digest_json",
    "position",
    "targets_settled",
    "to_json",
    "uncovered_clauses",
    "unfinished_name",
]

_DIGEST_ITEMS = 5  # items of each kind in the overview's digest
# A goal's name as the rules engine cut it from its clause, not yet a name: it opens with a
# verb or a preposition of the clause (力争上市企业, 以钱塘江), stops on a word that wants
# more (政策主动推送率提, 规模和上架产品数均), holds a clause break or a list (…等), or is one or
# two characters, or a whole clause.
_OPENS = re.compile(r"^(?:力争|扩大|以|通过|用|贯彻|开展|办好|加快|高标准|迭代|再|和|及|对|向|把|将)")
_STOPS = re.compile(r"(?:提|均|和|等|再|至|达|超|的|及|与|或|为|在|将)$")
_MARKS = re.compile(r"[、，,：:；;]|分别")


def dangling(name: str) -> bool:
    """Whether a name opens with a verb or a preposition of its clause or stops on a word
    that wants more: cut from the clause at the wrong place."""
    name = name.strip()
    return bool(_OPENS.search(name) or _STOPS.search(name))


def unfinished_name(name: str, repeated: bool = False) -> bool:
    """Whether a goal's name (as the rules engine wrote it) looks like a fragment of its
    clause; ``repeated``: the same name heads several goals of one area."""
    name = name.strip()
    return (
        repeated
        or len(name) <= 2
        or len(name) > 14
        or dangling(name)
        or bool(_MARKS.search(name))
    )


def to_json(value: Any) -> str:
    """Compact JSON, Chinese kept readable: every character costs tokens."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def position(report: PreparedReport, evidence: list[Evidence]) -> int | None:
    """Where an item's first evidence starts in the normalised text."""
    if not evidence:
        return None
    return report.source.to_normalized(evidence[0].start)


def area_windows(
    report: PreparedReport, areas: list[Any], blocks: list[Block]
) -> list[tuple[int, int] | None]:
    """The normalised span of each draft area: the segmenter's block its heading sits in."""
    out: list[tuple[int, int] | None] = []
    for area in areas:
        at = position(report, area.evidence)
        block = next((b for b in blocks if at is not None and b.start <= at < b.end), None)
        out.append((block.start, block.end) if block is not None else None)
    return out


def _inside(at: int | None, start: int, end: int) -> bool:
    return at is not None and start <= at < end


def _overlaps(window: tuple[int, int] | None, start: int, end: int) -> bool:
    return window is not None and window[0] < end and window[1] > start


def draft_json(
    task: str,
    start: int,
    end: int,
    draft: ReportSummary,
    report: PreparedReport,
    *,
    headline: bool = False,
    addressed: Callable[[str], bool] = lambda text: False,
) -> str:
    """The draft of the slice [start, end) of the normalised text, for a ``task`` call.

    An item whose text ``addressed`` finds addressed to a model (a planted instruction the
    rules engine read as report text) is left out: the model never reads one.
    """
    if task == "targets":
        items = []
        for target in draft.targets:
            at = position(report, target.evidence)
            if (_inside(at, start, end) or at is None) and not addressed(
                target.indicator + target.target
            ):
                items.append({"indicator": target.indicator, "target": target.target})
        return to_json({"targets": items})
    sections = report.sections
    if task == "review":
        windows = area_windows(report, draft.review_areas, sections.review_areas)
        areas: list[dict[str, Any]] = [
            {"n": n, "title": area.title}
            for n, (area, window) in enumerate(zip(draft.review_areas, windows, strict=True), 1)
            if _overlaps(window, start, end) and not addressed(area.title)
        ]
        value: dict[str, Any] = {"areas": areas}
        if headline:
            value = {"headline_figures": [], **value}
        return to_json(value)
    windows = area_windows(report, draft.task_areas, sections.task_areas)
    areas = []
    for n, (area, window) in enumerate(zip(draft.task_areas, windows, strict=True), 1):
        if not _overlaps(window, start, end) or addressed(area.title):
            continue
        names = Counter(g.indicator for item in area.items for g in item.goals)
        goals = [
            f"{g.indicator}：{g.value}"
            for item in area.items
            for g in item.goals
            if unfinished_name(g.indicator, names[g.indicator] > 1)
            and not addressed(g.indicator + g.value)
        ]
        entry: dict[str, Any] = {"n": n, "title": area.title}
        areas.append({**entry, "goals": goals} if goals else entry)
    return to_json({"areas": areas})


def digest_json(
    summary: ReportSummary, addressed: Callable[[str], bool] = lambda text: False
) -> str:
    """What the overview is written from: the summary's verified items, briefly (an item
    ``addressed`` to a model left out)."""
    meta = summary.meta
    digest: dict[str, Any] = {}
    if meta.region:
        digest["地区"] = meta.region
    if meta.year:
        digest["年份"] = meta.year
    n = _DIGEST_ITEMS
    results = [f"{f.indicator}{f.value}" for f in summary.headline_figures[:n]]
    review = [a.title for a in summary.review_areas[:n]]
    targets = [f"{t.indicator}{t.target}" for t in summary.targets[:n]]
    tasks = [a.title for a in summary.task_areas[:n]]
    for key, items in (
        ("上年主要成绩", results),
        ("上年工作", review),
        ("今年目标", targets),
        ("今年重点任务", tasks),
    ):
        items = [item for item in items if not addressed(item)]
        if items:
            digest[key] = items
    return to_json(digest)


_CLAUSE = re.compile(r"[^，,；;。\n：:]+")
_INTRODUCES = re.compile(r"(?:是|为|如下)$")  # 主要预期目标是：… introduces, states nothing


def uncovered_clauses(report: PreparedReport, draft: ReportSummary) -> list[tuple[int, int]]:
    """The clauses of the targets passage that no draft target's evidence touches: where a
    target without a number (完成国家下达任务, 保持稳定) may have been left out."""
    span = report.sections.targets
    if span is None:
        return []
    covered = []
    for target in draft.targets:
        for ev in target.evidence:
            start = report.source.to_normalized(ev.start)
            covered.append((start, max(report.source.to_normalized(ev.end), start + 1)))
    text = report.sections.text
    out = []
    for match in _CLAUSE.finditer(text, span.start, span.end):
        a, b = match.span()
        clause = match.group().strip()
        if len(clause) < 4 or _INTRODUCES.search(clause):
            continue
        if not any(x < b and y > a for x, y in covered):
            out.append((a, b))
    return out


def targets_settled(
    report: PreparedReport, draft: ReportSummary, completeness: Completeness
) -> bool:
    """Whether the draft's targets leave a model nothing to do: the completeness check finds
    every number of the passage in them, every clause of the passage is one of them, every
    number is grounded, and no indicator name was cut at the wrong place (a target's name
    may be short, 物价, or list several, 农业、工业增加值).  The merge keeps grounded
    draft targets whatever a model says, so a call could change nothing."""
    from summarizer.verify.verifier import check_text

    check = completeness.part("targets")
    if check is None or check.status != "complete" or not draft.targets:
        return check is not None and check.status == "absent"
    if uncovered_clauses(report, draft):
        return False
    for target in draft.targets:
        if dangling(target.indicator):
            return False
        checks = check_text(target.target, report.index, path="", evidence=target.evidence)
        if not all(c.grounded for c in checks):
            return False
    return True
