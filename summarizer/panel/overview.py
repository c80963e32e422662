"""What a panel shows at a glance: GDP growth targets by year, and lower levels against higher.

- per target year: how many regions set a GDP growth target, its distribution (min, median,
  mean, max) and the share met by the next year's review (met / (met + missed));
- per region one level up (a province; a city, for districts whose report names it) and year:
  how far the targets of the regions below sit above or below its own (层层加码), in
  percentage points.

A GDP growth target is a row of the unified indicator 地区生产总值 whose phrase reads as a
growth rate in percent (增长6%左右, 增长5%-5.5%: a range counts as its midpoint).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from summarizer.analysis.goals import fmt, parse_goal
from summarizer.analysis.panel import Panel, PanelRow, QuoteCheck
from summarizer.analysis.track import VERDICT_LABELS

__all__ = ["GDP", "GdpTarget", "YearLine", "GapLine", "Overview", "overview", "to_markdown"]

GDP = "地区生产总值"


@dataclass(frozen=True)
class GdpTarget:
    region: str
    level: str | None
    parent: str | None
    year: int
    value: float  # percent; a range's midpoint
    verdict: str | None


@dataclass(frozen=True)
class YearLine:
    year: int
    values: tuple[float, ...]
    met: int
    missed: int
    other: int  # no result or cannot tell
    unpaired: int

    @property
    def share_met(self) -> float | None:
        judged = self.met + self.missed
        return self.met / judged if judged else None


@dataclass(frozen=True)
class GapLine:
    parent: str
    year: int
    parent_value: float
    gaps: tuple[tuple[str, float], ...]  # (region below, its target minus the parent's)

    @property
    def mean(self) -> float:
        return statistics.fmean(gap for _, gap in self.gaps)

    def count(self, sign: int) -> int:
        return sum((gap > 0) - (gap < 0) == sign for _, gap in self.gaps)


@dataclass
class Overview:
    reports: int
    used: int
    pairs: int
    rows: int
    verdicts: dict[str, int]
    quotes: QuoteCheck
    gdp: list[GdpTarget] = field(default_factory=list)
    years: list[YearLine] = field(default_factory=list)
    gaps: list[GapLine] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    set_aside: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float | None = None


def gdp_targets(rows: list[PanelRow]) -> list[GdpTarget]:
    """The first GDP growth target of each region and year."""
    found: dict[tuple[str, int], GdpTarget] = {}
    for row in rows:
        if row.indicator != GDP or (row.region, row.year) in found:
            continue
        goal = parse_goal(row.indicator_as_written, row.target)
        if goal.axis != "change" or goal.kind != "percent" or goal.low is None or goal.decline:
            continue
        value = (goal.low + goal.high) / 2 if goal.high is not None else goal.low
        found[(row.region, row.year)] = GdpTarget(
            row.region, row.level, row.parent, row.year, value, row.verdict
        )
    return list(found.values())


def overview(
    panel: Panel, quotes: QuoteCheck, *, reports: int, failed: list[str] | None = None
) -> Overview:
    gdp = gdp_targets(panel.rows)
    result = Overview(
        reports=reports,
        used=len(panel.used),
        pairs=len(panel.pairs),
        rows=len(panel.rows),
        verdicts=panel.verdicts(),
        quotes=quotes,
        gdp=gdp,
        unknown=[f"{item.source}: {item.reason}" for item in panel.unknown],
        set_aside=[f"{item.source}: {item.reason}" for item in panel.set_aside],
        failed=list(failed or ()),
        notes=list(panel.notes),
    )
    by_year: dict[int, list[GdpTarget]] = defaultdict(list)
    for target in gdp:
        by_year[target.year].append(target)
    for year in sorted(by_year):
        items = by_year[year]
        result.years.append(
            YearLine(
                year=year,
                values=tuple(sorted(t.value for t in items)),
                met=sum(t.verdict == "met" for t in items),
                missed=sum(t.verdict == "missed" for t in items),
                other=sum(t.verdict in ("no_result", "cannot_tell") for t in items),
                unpaired=sum(t.verdict is None for t in items),
            )
        )
    own = {(t.region, t.year): t.value for t in gdp}
    below: dict[tuple[str, int], list[tuple[str, float]]] = defaultdict(list)
    for target in gdp:
        if target.parent and (target.parent, target.year) in own:
            gap = target.value - own[(target.parent, target.year)]
            below[(target.parent, target.year)].append((target.region, round(gap, 6)))
    for parent, year in sorted(below):
        result.gaps.append(
            GapLine(parent, year, own[(parent, year)], tuple(sorted(below[(parent, year)])))
        )
    return result


# ---------------------------------------------------------------- rendering


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _signed(value: float) -> str:
    return f"{value:+.2f}".rstrip("0").rstrip(".") if value else "0"


def to_markdown(view: Overview, chart: str | None = None) -> str:
    """The overview as Markdown, in Chinese like the other reports of the package."""
    v = view.verdicts
    lines = [
        "# 目标面板概览",
        "",
        f"- 读入报告 {view.reports} 份，用于面板 {view.used} 份（每个地区每年一份）；"
        f"相邻年份配对 {view.pairs} 对；目标行 {view.rows} 行。",
        "- 判断："
        + "，".join(f"{VERDICT_LABELS[k]} {v[k]}" for k in VERDICT_LABELS)  # type: ignore[index]
        + f"，无次年报告 {v['unpaired']}。",
        f"- 引文核对：{view.quotes.checked} 处引文，{view.quotes.found} 处在原文所注位置找到。",
    ]
    if view.seconds is not None:
        lines.append(f"- 用时 {view.seconds:.1f} 秒。")
    lines.append("")
    if chart:
        lines += [f"图表：[{chart}]({chart})", ""]
    lines += ["## 各年地区生产总值增长目标", ""]
    if view.years:
        lines += [
            "| 目标年份 | 地区数 | 最低 | 中位数 | 平均 | 最高 | 达成 | 未达成 | 达成率 | 无法判断或未报告 | 无次年报告 |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for y in view.years:
            values = y.values
            lines.append(
                f"| {y.year} | {len(values)} | {fmt(values[0])}% | {fmt(statistics.median(values))}% "
                f"| {statistics.fmean(values):.2f}% | {fmt(values[-1])}% | {y.met} | {y.missed} "
                f"| {_pct(y.share_met)} | {y.other} | {y.unpaired} |"
            )
        lines += ["", "区间目标按中点计；达成率 = 达成 /（达成 + 未达成）。", ""]
    else:
        lines += ["没有找到地区生产总值增长目标。", ""]
    lines += ["## 层层加码：下级目标与上级目标之差（百分点）", ""]
    if view.gaps:
        lines += [
            "| 上级 | 年份 | 上级目标 | 下级数 | 平均差 | 高于 | 持平 | 低于 | 各下级 |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for g in view.gaps:
            each = "、".join(f"{name} {_signed(gap)}" for name, gap in g.gaps)
            lines.append(
                f"| {g.parent} | {g.year} | {fmt(g.parent_value)}% | {len(g.gaps)} "
                f"| {_signed(round(g.mean, 2))} | {g.count(1)} | {g.count(0)} | {g.count(-1)} | {each} |"
            )
        lines.append("")
    else:
        lines += ["没有同一年份的上下级报告可比。", ""]
    for title, items in (
        ("地区或年份无法确定的报告（未纳入面板）", view.unknown),
        ("同一地区同一年份的其他报告（未采用）", view.set_aside),
        ("未能读取或总结的文件", view.failed),
        ("需要留意", view.notes),
    ):
        if items:
            lines += [f"## {title}", ""] + [f"- {item}" for item in items] + [""]
    return "\n".join(lines).rstrip() + "\n"
