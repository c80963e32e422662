"""Were last year's targets met?  A year-N report's targets against year N+1's review.

:func:`track` takes the summaries of two reports of one region, year N and year N+1, and
for each target of year N looks for the result that year N+1's review of the past year
reports for the same indicator (names matched by :mod:`summarizer.analysis.indicators`).  The
search reads the whole review text of the N+1 report, not only its headline figures:
every sentence naming the indicator, with a number of the same kind right after the name
(a growth rate for a growth target, a level for a level target).  Sentences about the
current year (一季度, 今年以来, 1-4月) and multi-year averages (年均) are skipped.

Each target gets one verdict:

- ``met`` / ``missed``: a comparable result was found and judged by the rule in
  :mod:`summarizer.analysis.goals` (the rule applied is shown with the numbers);
- ``no_result``: the review never names the indicator;
- ``cannot_tell``: the indicator is named but not with a comparable number (a total where
  the target was a growth rate), or the target is qualitative (居民收入增长与经济增长基本
  同步) and the review does not say in so many words that it was achieved or missed
  (完成/实现/达到 … 目标/任务; 未完成 …).  Figures near a qualitative target are quoted
  for the reader but not judged.

Both the target and the result come with :class:`~summarizer.schema.Evidence` whose offsets
point into the original text of their own report.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from summarizer.analysis.goals import ABOUT_POINTS, ABOUT_RELATIVE, judge, parse_goal
from summarizer.analysis.indicators import PARTS, clean_name, indicator_key, lower_is_better
from summarizer.analysis.results import (
    Hit,
    locate_target,
    search_figures,
    search_review,
    summary_figures,
)
from summarizer.report.normalize import canon
from summarizer.report.prepared import PreparedReport, prepare
from summarizer.schema import Evidence, ReportSummary, Target
from summarizer.spreadsheet import csv_text

__all__ = ["Verdict", "VERDICT_LABELS", "TrackedTarget", "TrackReport", "track"]

Verdict = Literal["met", "missed", "no_result", "cannot_tell"]
VERDICT_LABELS: dict[Verdict, str] = {
    "met": "达成",
    "missed": "未达成",
    "no_result": "未报告结果",
    "cannot_tell": "无法判断",
}


class TrackedTarget(BaseModel):
    """One year-N target and what the year-N+1 review says about it."""

    model_config = ConfigDict(extra="forbid")

    indicator: str = Field(description="the indicator as the year-N report names it")
    key: str = Field(description="the canonical indicator the two reports were matched on")
    target: str = Field(description="the year-N target phrase, e.g. '增长6%'")
    target_evidence: Evidence | None = Field(default=None, description="in the year-N text")
    verdict: Verdict
    rule: str = Field(description="the rule applied and the comparison made, in Chinese")
    result: str | None = Field(default=None, description="the result as written, e.g. '增长6.0%'")
    result_value: float | None = Field(
        default=None, description="the result on the target's scale (a decline as its size)"
    )
    result_evidence: Evidence | None = Field(default=None, description="in the year-N+1 text")

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self.verdict]


class TrackReport(BaseModel):
    """The verdicts on every target of a year-N report, from the year-N+1 report."""

    model_config = ConfigDict(extra="forbid")

    region: str | None = None
    target_year: int | None = Field(default=None, description="the year the targets were set for")
    result_year: int | None = Field(
        default=None, description="the year of the report that reviews it"
    )
    target_source: str | None = None
    result_source: str | None = None
    about_points: float = Field(description="tolerance of 左右 for a rate, percentage points")
    about_relative: float = Field(description="tolerance of 左右 for an amount, share of target")
    items: list[TrackedTarget] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    def counts(self) -> dict[Verdict, int]:
        """How many targets got each verdict, every verdict listed."""
        found = Counter(item.verdict for item in self.items)
        return {verdict: found[verdict] for verdict in VERDICT_LABELS}

    def without_result(self) -> list[TrackedTarget]:
        return [item for item in self.items if item.verdict == "no_result"]

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False, indent=indent)

    def to_markdown(self) -> str:
        return _markdown(self)

    def to_csv(self) -> str:
        return _csv(self)


def track(
    prev: ReportSummary,
    curr: ReportSummary,
    prev_text: str | PreparedReport | None = None,
    curr_text: str | PreparedReport | None = None,
    *,
    about_points: float = ABOUT_POINTS,
    about_relative: float = ABOUT_RELATIVE,
) -> TrackReport:
    """Judge each target of ``prev`` (year N) by the review in ``curr`` (year N+1).

    Without ``curr_text`` only the figures of ``curr`` (headline and review areas) are
    searched; with it, the whole review of the N+1 report.  ``prev_text`` is used only to
    quote a target that carries no evidence of its own.
    """
    prev_report = _prepared(prev_text, prev.meta.source_name)
    curr_report = _prepared(curr_text, curr.meta.source_name)
    report = TrackReport(
        region=prev.meta.region or curr.meta.region,
        target_year=prev.meta.year,
        result_year=curr.meta.year,
        target_source=prev.meta.source_name,
        result_source=curr.meta.source_name,
        about_points=about_points,
        about_relative=about_relative,
        warnings=_pair_warnings(prev, curr),
    )
    if not prev.targets:
        report.warnings.append("第一份报告中没有找到主要预期目标，无从比对。")
    if curr_report is None and not summary_figures(curr):
        report.warnings.append("第二份报告既无原文也无回顾数据，所有目标都无法找到结果。")
    for target in prev.targets:
        report.items.append(
            _track_one(target, prev, curr, prev_report, curr_report, about_points, about_relative)
        )
    return report


def _prepared(text: str | PreparedReport | None, name: str | None) -> PreparedReport | None:
    if text is None or isinstance(text, PreparedReport):
        return text
    return prepare(text, name)


def _pair_warnings(prev: ReportSummary, curr: ReportSummary) -> list[str]:
    warnings = []
    a, b = prev.meta.region, curr.meta.region
    if a and b and _region_core(a) != _region_core(b):
        warnings.append(f"两份报告的地区不同（{a}、{b}），比对可能没有意义。")
    y1, y2 = prev.meta.year, curr.meta.year
    if y1 and y2 and y2 != y1 + 1:
        warnings.append(f"目标年份{y1}年与报告年份{y2}年不相邻：第二份报告的回顾未必针对这些目标。")
    return warnings


def _region_core(region: str) -> str:
    return re.sub(r"(?:人民政府|政府)?(?:省|市|区|县)?$", "", canon(region))


# ---------------------------------------------------------------- one target


def _track_one(
    target: Target,
    prev: ReportSummary,
    curr: ReportSummary,
    prev_report: PreparedReport | None,
    curr_report: PreparedReport | None,
    about_points: float,
    about_relative: float,
) -> TrackedTarget:
    key = indicator_key(target.indicator, prev.meta.region)
    goal = parse_goal(target.indicator, target.target, target)
    names = _extra_names(target.indicator, key, prev.meta.region)
    # A qualitative target is never judged on numbers, so figures for its parts may be shown.
    parts = frozenset(PARTS.get(key, ())) if goal.mode == "qualitative" else frozenset()
    hits = search_review(curr_report, key, names, goal, parts) if curr_report is not None else []
    if not any(h.comparable for h in hits):
        hits += search_figures(curr, key, goal)
    year = curr.meta.year
    where = f"{year}年报告的回顾" if year else "第二份报告的回顾"

    def verdict(verdict: Verdict, rule: str, hit: Hit | None = None) -> TrackedTarget:
        return TrackedTarget(
            indicator=target.indicator,
            key=key,
            target=target.target,
            target_evidence=locate_target(target, prev_report),
            verdict=verdict,
            rule=rule,
            result=hit.phrase if hit else None,
            result_value=hit.value if hit and hit.comparable else None,
            result_evidence=hit.evidence if hit else None,
        )

    if goal.mode == "qualitative":
        said = next((h for h in hits if h.done is not None), None)
        if said is not None:
            rule = f"定性目标：{where}明确说{'已' if said.done else '未'}完成"
            return verdict("met" if said.done else "missed", rule, said)
        if hits:
            return verdict(
                "cannot_tell", f"定性目标：{where}提到该指标，但没有说是否完成，不作判断", hits[0]
            )
        return verdict("cannot_tell", f"定性目标：{where}未提及该指标，不作判断")

    hit = next((h for h in hits if h.comparable), None)
    if hit is not None and hit.value is not None:
        judgement = judge(
            goal,
            hit.value,
            shown=hit.shown,
            lower_better=lower_is_better(key),
            points=about_points,
            relative=about_relative,
        )
        return verdict("met" if judgement.met else "missed", judgement.rule, hit)
    if hits:
        shown = next((h for h in hits if h.phrase), hits[0])
        wanted = "增速" if goal.axis == "change" else "同口径的数值"
        rule = f"{where}提到该指标，但没有报告可比的{wanted}"
        if shown.phrase:
            rule += f"（只有{shown.phrase}）"
        return verdict("cannot_tell", rule, shown)
    return verdict("no_result", f"{where}没有给出该指标的结果")


def _extra_names(indicator: str, key: str, region: str | None) -> list[tuple[str, str]]:
    """Names to look for beyond the synonym table: the target's own wording."""
    names = {clean_name(indicator, region), canon(indicator), key}
    # A short name outside the table (城镇, 农村) would match far too much running text.
    return [(n, key) for n in names if len(n) >= 4]


# ---------------------------------------------------------------- rendering


def _md_cell(text: str | None) -> str:
    return (text or "—").replace("|", "\\|").replace("\n", " ")


def _markdown(report: TrackReport) -> str:
    y1 = f"{report.target_year}年" if report.target_year else "上年"
    y2 = f"{report.result_year}年" if report.result_year else "次年"
    region = report.region or ""
    lines = [f"# {region}{y1}目标完成情况（据{y2}报告）", ""]
    if report.target_source or report.result_source:
        lines += [
            f"目标出自：{report.target_source or '—'}；结果出自：{report.result_source or '—'}",
            "",
        ]
    counts = report.counts()
    lines.append("；".join(f"{VERDICT_LABELS[v]} {n} 项" for v, n in counts.items()))
    lines.append("")
    for warning in report.warnings:
        lines.append(f"> 注意：{warning}")
    if report.warnings:
        lines.append("")
    if not report.items:
        return "\n".join(lines).rstrip() + "\n"
    lines += [f"| 指标 | {y1}目标 | {y2}报告的结果 | 判断 | 规则 |", "|---|---|---|---|---|"]
    for item in report.items:
        lines.append(
            f"| {_md_cell(item.indicator)} | {_md_cell(item.target)} | {_md_cell(item.result)} "
            f"| {item.label} | {_md_cell(item.rule)} |"
        )
    lines.append("")
    missing = report.without_result()
    if missing:
        names = "、".join(item.indicator for item in missing)
        lines += [f"{y2}报告没有给出结果的{y1}目标：{names}。", ""]
    lines += ["## 依据", ""]
    for item in report.items:
        lines.append(f"### {item.indicator}：{item.label}")
        lines.append("")
        lines.append(f"- 目标（{y1}）：{_quote(item.target_evidence, item.target)}")
        if item.result_evidence is not None:
            lines.append(f"- 结果（{y2}）：{_quote(item.result_evidence, item.result)}")
        lines.append(f"- 规则：{item.rule}")
        lines.append("")
    lines.append(
        f"判断规则：无修饰目标按“达到”判断；以上/不低于为≥，以内/以下/控制在为≤；"
        f"“左右”对增速容差{report.about_points:g}个百分点、对总量容差{report.about_relative * 100:g}%；"
        "区间目标在区间内或好于区间为达成；下降目标按降幅判断；失业率、物价涨幅等越低越好的指标方向相反；"
        "定性目标除非原文明说完成，否则无法判断。"
    )
    return "\n".join(lines).rstrip() + "\n"


def _quote(evidence: Evidence | None, fallback: str | None) -> str:
    if evidence is None:
        return f"“{fallback or ''}”（无原文位置）"
    return f"“{evidence.quote}”（原文位置 {evidence.start}–{evidence.end}）"


CSV_COLUMNS = (
    "指标",
    "匹配键",
    "目标",
    "判断",
    "结果",
    "结果数值",
    "规则",
    "目标原文",
    "目标起",
    "目标止",
    "结果原文",
    "结果起",
    "结果止",
)


def _csv(report: TrackReport) -> str:
    rows = []
    for item in report.items:
        t, r = item.target_evidence, item.result_evidence
        rows.append(
            [
                item.indicator,
                item.key,
                item.target,
                item.label,
                item.result or "",
                "" if item.result_value is None else f"{item.result_value:g}",
                item.rule,
                t.quote if t else "",
                t.start if t else "",
                t.end if t else "",
                r.quote if r else "",
                r.start if r else "",
                r.end if r else "",
            ]
        )
    return csv_text(CSV_COLUMNS, rows)
