"""A target panel: every region's targets and their results, one row per region, year, indicator.

:func:`build_panel` takes summarised reports with their identities
(:mod:`summarizer.analysis.identity`), keeps one report per region and year, pairs each with
the same region's report of the next year and judges its targets by that year's review
(:func:`summarizer.analysis.track.track`).  Every target becomes a :class:`PanelRow`; a
target whose region has no next-year report among the inputs keeps its row with the result
columns empty.  A report whose region or year is unknown is left out and listed in
:attr:`Panel.unknown`, and a second report of a region and year (a digest beside the full
text) in :attr:`Panel.set_aside`.

:func:`check_quotes` confirms that every quote of a row stands in its source at its offsets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from summarizer.analysis.identity import ReportIdentity
from summarizer.analysis.indicators import indicator_key
from summarizer.analysis.results import locate_target
from summarizer.analysis.track import VERDICT_LABELS, TrackedTarget, TrackReport, track
from summarizer.report.index import search_form
from summarizer.report.prepared import PreparedReport
from summarizer.schema import ReportSummary

__all__ = [
    "PANEL_COLUMNS",
    "PanelReport",
    "PanelRow",
    "Panel",
    "build_panel",
    "check_quotes",
]

_KIND_RANK = {"full": 0, "partial": 1, "digest": 2}
# Markdown and web marks the normalisation drops from a quote (**bold**, <!-- captions -->).
_MARKUP = re.compile(r"\*\*|<!--.*?-->", re.S)


@dataclass
class PanelReport:
    """One summarised report, its prepared text (to quote results from) and its identity."""

    source: str  # the path of the source file, as given
    summary: ReportSummary
    report: PreparedReport
    identity: ReportIdentity


class PanelRow(BaseModel):
    """One target of one region and year, and the result the next year's report gives.

    The field names are the panel's column names: stable, documented in the README.
    """

    model_config = ConfigDict(extra="forbid")

    region: str = Field(description="canonical name: 杭州市, 宁夏回族自治区, 杭州市上城区")
    region_as_written: str | None = Field(description="the region as the report writes it")
    level: str | None = Field(description="province, city, district, county, national")
    province: str | None = Field(description="the province the region belongs to")
    parent: str | None = Field(description="the region one level up (a city's province)")
    year: int = Field(description="the year the targets are set for")
    indicator: str = Field(description="the unified indicator name (compare's synonym table)")
    indicator_as_written: str = Field(description="the indicator as the report writes it")
    target: str = Field(description="the target phrase as written, e.g. 增长5.5%左右")
    target_value: float | None = None
    target_value_high: float | None = Field(default=None, description="upper end of a range")
    unit: str = ""
    qualifier: str | None = None
    kind: str = Field(description="growth, level, ratio, range or qualitative")
    target_quote: str | None = None
    target_start: int | None = None
    target_end: int | None = None
    target_source: str
    result_year: int | None = Field(default=None, description="year of the reviewing report")
    result: str | None = Field(default=None, description="the result as written, e.g. 增长6.0%")
    result_value: float | None = None
    verdict: str | None = Field(
        default=None, description="met, missed, no_result, cannot_tell; empty without a pair"
    )
    verdict_zh: str | None = None
    rule: str | None = Field(default=None, description="the rule applied, in Chinese")
    result_quote: str | None = None
    result_start: int | None = None
    result_end: int | None = None
    result_source: str | None = None
    engine: str
    engine_version: str | None = None
    model: str | None = None


PANEL_COLUMNS: tuple[str, ...] = tuple(PanelRow.model_fields)


@dataclass
class SetAside:
    """A report not used: its region and year are unknown, or another report has them."""

    source: str
    reason: str


@dataclass
class Panel:
    reports: list[PanelReport] = field(default_factory=list)  # every report given
    rows: list[PanelRow] = field(default_factory=list)
    used: list[PanelReport] = field(default_factory=list)  # one per region and year
    pairs: list[tuple[PanelReport, PanelReport]] = field(default_factory=list)
    unknown: list[SetAside] = field(default_factory=list)
    set_aside: list[SetAside] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # disagreeing witnesses, track warnings

    def status(self, item: PanelReport) -> str:
        """used, unknown or set aside, with the reason."""
        for word, items in (("unknown", self.unknown), ("set aside", self.set_aside)):
            reason = next((s.reason for s in items if s.source == item.source), None)
            if reason is not None:
                return f"{word}: {reason}"
        return "used"

    def following(self, item: PanelReport) -> PanelReport | None:
        """The next-year report a report is paired with."""
        return next((b for a, b in self.pairs if a is item), None)

    def verdicts(self) -> dict[str, int]:
        """How many rows got each verdict, and how many have no next-year report."""
        counts: dict[str, int] = {str(verdict): 0 for verdict in VERDICT_LABELS}
        counts["unpaired"] = 0
        for row in self.rows:
            counts[row.verdict or "unpaired"] += 1
        return counts


def build_panel(reports: Iterable[PanelReport]) -> Panel:
    """Pair the reports region by region, year by year, and lay out every target as a row."""
    panel = Panel(reports=list(reports))
    chosen: dict[tuple[str, int], PanelReport] = {}
    for item in panel.reports:
        who = item.identity
        if who.key is None or who.year is None:
            missing = " and ".join(
                word for word, value in (("region", who.key), ("year", who.year)) if value is None
            )
            panel.unknown.append(SetAside(item.source, f"{missing} unknown"))
            continue
        for note in who.notes:
            panel.notes.append(f"{item.source}: {note}")
        slot = (who.key, who.year)
        other = chosen.get(slot)
        if other is None:
            chosen[slot] = item
            continue
        keep, drop = sorted((other, item), key=_preference)
        chosen[slot] = keep
        panel.set_aside.append(
            SetAside(drop.source, f"{who.region} {who.year} is read from {keep.source}")
        )
    for key, year in sorted(chosen, key=lambda slot: (slot[0], slot[1])):
        item = chosen[(key, year)]
        panel.used.append(item)
        following = chosen.get((key, year + 1))
        report = None
        if following is not None:
            panel.pairs.append((item, following))
            report = _track(item, following)
            panel.notes += [f"{item.source} -> {following.source}: {w}" for w in report.warnings]
        panel.rows += _rows(item, following, report)
    return panel


def _preference(item: PanelReport) -> tuple[int, int, int, str]:
    """Which of two reports of one region and year to use: the full text, more targets."""
    meta = item.summary.meta
    return (_KIND_RANK.get(meta.kind, 3), -len(item.summary.targets), -meta.chars, item.source)


def _as_identified(item: PanelReport) -> ReportSummary:
    """The summary with the panel's region and year, so that track speaks of the same ones.

    The region is given as its own unit (上城区, not 杭州市上城区): track strips it from
    indicator names (上城区地区生产总值)."""
    who = item.identity
    region = who.region or ""
    if who.parent and region.startswith(who.parent) and len(region) > len(who.parent):
        region = region[len(who.parent) :]
    meta = item.summary.meta.model_copy(
        update={
            "region": region,
            "year": who.year,
            "level": who.level or item.summary.meta.level,
        }
    )
    return item.summary.model_copy(update={"meta": meta})


def _track(prev: PanelReport, curr: PanelReport) -> TrackReport:
    return track(_as_identified(prev), _as_identified(curr), prev.report, curr.report)


def _rows(
    item: PanelReport, following: PanelReport | None, report: TrackReport | None
) -> list[PanelRow]:
    who, summary = item.identity, item.summary
    assert who.region is not None and who.year is not None
    engine = summary.engine
    rows = []
    for n, target in enumerate(summary.targets):
        tracked: TrackedTarget | None = report.items[n] if report is not None else None
        where = tracked.target_evidence if tracked else locate_target(target, item.report)
        result = tracked.result_evidence if tracked else None
        values = list(target.values)
        rows.append(
            PanelRow(
                region=who.region,
                region_as_written=who.written,
                level=who.level,
                province=who.province,
                parent=who.parent,
                year=who.year,
                indicator=tracked.key if tracked else indicator_key(target.indicator, who.region),
                indicator_as_written=target.indicator,
                target=target.target,
                target_value=values[0] if values else None,
                target_value_high=values[1] if len(values) > 1 else None,
                unit=target.unit,
                qualifier=target.qualifier,
                kind=target.kind,
                target_quote=where.quote if where else None,
                target_start=where.start if where else None,
                target_end=where.end if where else None,
                target_source=item.source,
                result_year=following.identity.year if following else None,
                result=tracked.result if tracked else None,
                result_value=tracked.result_value if tracked else None,
                verdict=tracked.verdict if tracked else None,
                verdict_zh=tracked.label if tracked else None,
                rule=tracked.rule if tracked else None,
                result_quote=result.quote if result else None,
                result_start=result.start if result else None,
                result_end=result.end if result else None,
                result_source=following.source if following else None,
                engine=engine.name,
                engine_version=engine.prompt_version,
                model=engine.model,
            )
        )
    return rows


# ---------------------------------------------------------------- checking quotes


@dataclass(frozen=True)
class QuoteCheck:
    """Whether the quotes of the rows stand in their sources at their offsets."""

    checked: int
    found: int
    misses: tuple[str, ...]  # one line per quote not found, for the reader

    @property
    def ok(self) -> bool:
        return self.checked == self.found


def check_quotes(rows: Iterable[PanelRow], texts: Mapping[str, str]) -> QuoteCheck:
    """Check each row's target and result quote against ``texts`` (source -> original text).

    A quote is found when the source's characters from start to end are the quote, compared
    as quotes are written: width folded, white space, line breaks and Markdown marks taken
    out (:func:`~summarizer.report.index.search_form`).  The whole span must be the quote:
    a span that merely contains it is a miss.
    """
    checked = found = 0
    misses = []
    for n, row in enumerate(rows):
        for prefix, source in (("target", row.target_source), ("result", row.result_source)):
            quote = getattr(row, f"{prefix}_quote")
            if quote is None:
                continue
            checked += 1
            start, end = getattr(row, f"{prefix}_start"), getattr(row, f"{prefix}_end")
            text = texts.get(source or "")
            if text is not None and _same(text[start:end], quote):
                found += 1
            else:
                misses.append(f"row {n + 1} {prefix} quote not at {start}-{end} of {source}")
    return QuoteCheck(checked, found, tuple(misses))


def _same(span: str, quote: str) -> bool:
    return bool(quote) and search_form(_MARKUP.sub("", span)) == search_form(_MARKUP.sub("", quote))
