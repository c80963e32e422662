"""One table of targets by indicator across reports, with districts checked against their city.

:func:`compare` lays the main expected targets of several reports side by side: one column
per report, one row per indicator, indicator names matched across wording (地区生产总值 /
生产总值 / GDP; 规上工业增加值 / 规模以上工业增加值) by :mod:`summarizer.analysis.indicators`.

Where the reports include one city and districts or counties of the same year, each
district's target is compared with the city's for the same indicator, and flagged when it
asks for less: a lower growth or level (增长4%, city 增长5.5%左右), or for an indicator
where lower is better (失业率, 物价涨幅) a higher ceiling.  Only rates are compared (% or
个百分点, on the same axis: growth with growth, level with level); an amount such as
2300亿元 is not comparable between a district and its city, and a qualitative target has
no number to compare.  The city is the report whose ``meta.level`` is ``city`` (or whose
region ends in 市), unless named with ``city=``; the table assumes the districts belong to
it, since a report does not say which city it is part of.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from summarizer.analysis.goals import Goal, fmt_amount, parse_goal
from summarizer.analysis.indicators import SYNONYMS, group_names, lower_is_better
from summarizer.report.normalize import canon
from summarizer.schema import Evidence, Level, ReportSummary, Target, TargetKind
from summarizer.spreadsheet import csv_text

__all__ = ["CompareColumn", "CompareCell", "CompareFlag", "CompareRow", "CompareTable", "compare"]

FlagCode = Literal["below_city", "looser_than_city"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CompareColumn(_Model):
    """One report: a column of the table."""

    label: str = Field(description="the column heading, e.g. '杭州市 2025'")
    region: str | None = None
    level: Level | None = None
    year: int | None = None
    source_name: str | None = None
    targets: int = Field(default=0, description="how many targets the report states")
    is_city: bool = Field(default=False, description="the column districts are compared with")


class CompareCell(_Model):
    """One report's target for one indicator."""

    indicator: str = Field(description="the indicator as this report names it")
    target: str = Field(description="the target phrase as written, e.g. '增长5.5%左右'")
    values: list[float] = Field(default_factory=list)
    unit: str = ""
    qualifier: str | None = None
    kind: TargetKind = "qualitative"
    evidence: Evidence | None = None


class CompareFlag(_Model):
    """A district's target that asks for less than its city's."""

    code: FlagCode
    column: int = Field(description="index of the district's column")
    city_column: int
    message: str


class CompareRow(_Model):
    key: str = Field(description="the canonical indicator the row is matched on")
    indicator: str = Field(description="the name shown for the row")
    cells: list[CompareCell | None] = Field(description="one per column; None where absent")
    flags: list[CompareFlag] = Field(default_factory=list)


class CompareTable(_Model):
    """Targets of several reports, one row per indicator."""

    columns: list[CompareColumn] = Field(default_factory=list)
    rows: list[CompareRow] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    @property
    def flags(self) -> list[CompareFlag]:
        return [flag for row in self.rows for flag in row.flags]

    def row(self, key: str) -> CompareRow | None:
        """The first row for a canonical indicator key."""
        return next((row for row in self.rows if row.key == key), None)

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False, indent=indent)

    def to_markdown(self) -> str:
        return _markdown(self)

    def to_csv(self) -> str:
        return _csv(self)


def compare(
    summaries: Sequence[ReportSummary],
    *,
    city: str | None = None,
    labels: Sequence[str] | None = None,
) -> CompareTable:
    """Lay the targets of ``summaries`` side by side, one row per indicator.

    ``city`` names the region (or the column label) districts are compared with; by
    default the one report of level ``city``.  ``labels`` overrides the column headings.
    """
    columns = _columns(summaries, labels)
    table = CompareTable(columns=columns)
    pairs = [
        (target.indicator, summary.meta.region)
        for summary in summaries
        for target in summary.targets
    ]
    keys = iter(group_names(pairs))
    by_key: dict[tuple[str, int], CompareRow] = {}
    for col, summary in enumerate(summaries):
        seen: dict[str, int] = {}
        for target in summary.targets:
            key = next(keys)
            nth = seen.get(key, 0)
            seen[key] = nth + 1
            row = by_key.get((key, nth))
            if row is None:
                name = key if key in SYNONYMS else target.indicator
                row = CompareRow(key=key, indicator=name, cells=[None] * len(columns))
                by_key[(key, nth)] = row
                table.rows.append(row)
            row.cells[col] = _cell(target)
    for column in columns:
        if column.targets == 0:
            table.notes.append(f"{column.label}：报告中没有找到主要预期目标。")
    city_col = _city_column(columns, city, table.notes)
    if city_col is not None:
        columns[city_col].is_city = True
        _flag(table, city_col)
    return table


def _columns(
    summaries: Sequence[ReportSummary], labels: Sequence[str] | None
) -> list[CompareColumn]:
    columns = []
    for i, summary in enumerate(summaries):
        meta = summary.meta
        if labels and i < len(labels):
            label = labels[i]
        else:
            parts = [meta.region or meta.source_name or f"报告{i + 1}"]
            if meta.year:
                parts.append(str(meta.year))
            label = " ".join(parts)
        columns.append(
            CompareColumn(
                label=label,
                region=meta.region,
                level=meta.level,
                year=meta.year,
                source_name=meta.source_name,
                targets=len(summary.targets),
            )
        )
    # Two columns with one heading (two versions of one report) get their file names.
    for column in columns:
        if sum(c.label == column.label for c in columns) > 1 and column.source_name:
            column.label = f"{column.label}（{column.source_name}）"
    return columns


def _cell(target: Target) -> CompareCell:
    return CompareCell(
        indicator=target.indicator,
        target=target.target,
        values=list(target.values),
        unit=target.unit,
        qualifier=target.qualifier,
        kind=target.kind,
        evidence=target.evidence[0] if target.evidence else None,
    )


def _is_city(column: CompareColumn) -> bool:
    if column.level is not None:
        return column.level == "city"
    return bool(column.region and canon(column.region).endswith("市"))


def _is_district(column: CompareColumn) -> bool:
    if column.level is not None:
        return column.level in ("district", "county")
    region = canon(column.region or "")
    return bool(re.search(r"(?<!自治)[区县旗]$", region))


def _city_column(columns: list[CompareColumn], city: str | None, notes: list[str]) -> int | None:
    if city:
        wanted = canon(city)
        for i, column in enumerate(columns):
            if wanted in (canon(column.region or ""), canon(column.label)):
                return i
        notes.append(f"没有找到名为“{city}”的报告，未与上级比较。")
        return None
    cities = [i for i, column in enumerate(columns) if _is_city(column)]
    districts = [i for i, column in enumerate(columns) if _is_district(column)]
    if not districts:
        return None
    if len(cities) > 1:
        names = "、".join(columns[i].label for i in cities)
        notes.append(f"有多个市级报告（{names}），未比较区县与市的目标；可指定其中一个为上级。")
        return None
    if not cities:
        return None
    notes.append(f"区县目标与{columns[cities[0]].label}比较，假定这些区县都属于该市。")
    return cities[0]


def _comparable(goal: Goal) -> bool:
    return goal.numeric and goal.kind in ("percent", "points")


def _flag(table: CompareTable, city_col: int) -> None:
    city = table.columns[city_col]
    for row in table.rows:
        city_cell = row.cells[city_col]
        if city_cell is None:
            continue
        city_goal = parse_goal(city_cell.indicator, city_cell.target, _as_target(city_cell))
        if not _comparable(city_goal):
            continue
        lower_better = lower_is_better(row.key) and not city_goal.decline
        for col, cell in enumerate(row.cells):
            column = table.columns[col]
            if cell is None or col == city_col or not _is_district(column):
                continue
            if column.year and city.year and column.year != city.year:
                continue
            goal = parse_goal(cell.indicator, cell.target, _as_target(cell))
            same_scale = (goal.axis, goal.kind, goal.decline) == (
                city_goal.axis,
                city_goal.kind,
                city_goal.decline,
            )
            if not _comparable(goal) or not same_scale:
                continue
            assert goal.low is not None and city_goal.low is not None
            mine = goal.high if lower_better and goal.high is not None else goal.low
            theirs = (
                city_goal.high if lower_better and city_goal.high is not None else city_goal.low
            )
            worse = mine > theirs if lower_better else mine < theirs
            if not worse:
                continue
            shown = fmt_amount(mine, goal.kind)
            city_shown = fmt_amount(theirs, city_goal.kind)
            if lower_better:
                code: FlagCode = "looser_than_city"
                message = (
                    f"{column.label}的{row.indicator}目标上限{shown}高于{city.label}的{city_shown}"
                )
            else:
                code = "below_city"
                message = (
                    f"{column.label}的{row.indicator}目标{shown}低于{city.label}的{city_shown}"
                )
            row.flags.append(
                CompareFlag(code=code, column=col, city_column=city_col, message=message)
            )


def _as_target(cell: CompareCell) -> Target:
    return Target(
        indicator=cell.indicator,
        target=cell.target,
        values=cell.values,
        unit=cell.unit,
        qualifier=cell.qualifier,
        kind=cell.kind,
    )


# ---------------------------------------------------------------- rendering


def _cell_text(row: CompareRow, col: int, cell: CompareCell | None) -> str:
    if cell is None:
        return ""
    text = cell.target
    if canon(cell.indicator) != canon(row.indicator):
        text += f"〔{cell.indicator}〕"
    if any(flag.column == col for flag in row.flags):
        text += (
            " ⚠低于市"
            if any(flag.column == col and flag.code == "below_city" for flag in row.flags)
            else " ⚠宽于市"
        )
    return text


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _markdown(table: CompareTable) -> str:
    heads = [_md(c.label + ("（市）" if c.is_city else "")) for c in table.columns]
    lines = ["# 主要预期目标对比", ""]
    lines.append("| 指标 | " + " | ".join(heads) + " | 提示 |")
    lines.append("|---" * (len(heads) + 2) + "|")
    for row in table.rows:
        cells = [_md(_cell_text(row, i, cell)) or "—" for i, cell in enumerate(row.cells)]
        hint = "；".join(flag.message for flag in row.flags)
        lines.append(f"| {_md(row.indicator)} | " + " | ".join(cells) + f" | {_md(hint)} |")
    lines.append("")
    if table.rows:
        lines.append(
            "〔 〕内为该报告对指标的原文称呼；⚠ 标出目标低于（或上限宽于）所在市同一指标的区县。"
        )
        lines.append("")
    for note in table.notes:
        lines.append(f"> {note}")
    return "\n".join(lines).rstrip() + "\n"


def _csv(table: CompareTable) -> str:
    rows = []
    for row in table.rows:
        cells = [_cell_text(row, i, cell) for i, cell in enumerate(row.cells)]
        hint = "；".join(flag.message for flag in row.flags)
        rows.append([row.indicator, row.key, *cells, hint])
    return csv_text(["指标", "匹配键", *(c.label for c in table.columns), "提示"], rows)
