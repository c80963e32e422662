"""Coverage without gold: over any folder of reports, what the engine found and what it missed.

For each report: whether its text states this year's targets (a probe independent of the
segmenter: target words, then 是/为/:, then a number within the sentence), how many targets,
review areas, task areas and headline figures the summary has, its kind, the completeness
check's verdict on the targets, and the warnings.  The totals are the questions a reviewer
asks of a new batch of reports: are the targets found wherever they are stated, are there
three or more areas, is anything called partial that is not cut short.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from summarizer.engines import Engine
from summarizer.errors import SummarizerError
from summarizer.report.load import FORMATS, load_path
from summarizer.schema import ReportSummary
from summarizer.spreadsheet import csv_text

__all__ = [
    "BOUND_PARTS",
    "CoverageRow",
    "CoverageTotals",
    "Unbound",
    "coverage_rows",
    "totals",
    "to_csv",
    "states_targets",
    "bound_counts",
    "unbound_figures",
]

# The parts whose figures are checked for binding, by the path prefix of their checks.
BOUND_PARTS = {
    "headline": "headline_figures[",
    "review": "review_areas[",
    "tasks": "task_areas[",
    "targets": "targets[",
}

_STATES_TARGETS = re.compile(
    r"(?:主要预期目标|预期目标|主要目标|发展目标|约束性指标)[^。\n]{0,40}?[:：是为][^。\n]{0,80}?\d"
)
_GDP = re.compile(r"生产总值|GDP|经济增长|经济总量")


_FIVE_YEARS = re.compile(r"十[一二三四五]五|五年|到(?:19|20)\d{2}年|年均|2035")


def states_targets(text: str) -> bool:
    """Whether a report's text states this year's targets: target words, then 是/为/:, then
    a number, in a sentence that is not about five years (十四五, 到2025年, 年均)."""
    for match in _STATES_TARGETS.finditer(text):
        sentence_start = max(text.rfind("。", 0, match.start()), text.rfind("\n", 0, match.start())) + 1
        if not _FIVE_YEARS.search(text[sentence_start : match.end()]):
            return True
    return False


@dataclass(frozen=True)
class Unbound:
    """A figure whose number the source states but does not bind to its indicator."""

    path: str
    raw: str
    clause: str


def bound_counts(summary: ReportSummary) -> dict[str, tuple[int, int]]:
    """Per part: figures whose number was checked for binding, and those bound."""
    counts = {part: [0, 0] for part in BOUND_PARTS}
    checks = summary.verification.numbers if summary.verification else []
    for check in checks:
        if check.bound is None:
            continue
        for part, prefix in BOUND_PARTS.items():
            if check.path.startswith(prefix):
                counts[part][0] += 1
                counts[part][1] += bool(check.bound)
    return {part: (shown, bound) for part, (shown, bound) in counts.items()}


def unbound_figures(summary: ReportSummary) -> list[Unbound]:
    checks = summary.verification.unbound if summary.verification else []
    return [Unbound(c.path, c.raw, c.clause.quote if c.clause else "") for c in checks]


@dataclass(frozen=True)
class CoverageRow:
    report: str
    region: str
    level: str
    year: int | None
    kind: str
    states_targets: bool
    targets: int
    gdp_target: bool
    review_areas: int
    task_areas: int
    headline_figures: int
    targets_check: str  # the completeness check on the targets: complete, incomplete, ...
    warnings: str
    error: str = ""
    # figures shown and those bound to their indicator (verify/bound.py), by part
    headline_shown: int = 0
    headline_bound: int = 0
    review_shown: int = 0
    review_bound: int = 0
    tasks_shown: int = 0
    tasks_bound: int = 0
    targets_shown: int = 0
    targets_bound: int = 0
    unbound: tuple[Unbound, ...] = field(default=(), compare=False, repr=False)

    @property
    def missed_targets(self) -> bool:
        return self.states_targets and self.targets == 0


def _row(path: Path, summary: ReportSummary, text: str) -> CoverageRow:
    meta = summary.meta
    check = summary.completeness.part("targets") if summary.completeness else None
    counts = bound_counts(summary)
    return CoverageRow(
        report=path.name,
        region=meta.region or "",
        level=meta.level or "",
        year=meta.year,
        kind=meta.kind,
        states_targets=states_targets(text),
        targets=len(summary.targets),
        gdp_target=any(_GDP.search(t.indicator) for t in summary.targets),
        review_areas=len(summary.review_areas),
        task_areas=len(summary.task_areas),
        headline_figures=len(summary.headline_figures),
        targets_check=check.status if check else "",
        warnings=",".join(w.code for w in summary.warnings),
        headline_shown=counts["headline"][0],
        headline_bound=counts["headline"][1],
        review_shown=counts["review"][0],
        review_bound=counts["review"][1],
        tasks_shown=counts["tasks"][0],
        tasks_bound=counts["tasks"][1],
        targets_shown=counts["targets"][0],
        targets_bound=counts["targets"][1],
        unbound=tuple(unbound_figures(summary)),
    )


def report_files(folder: Path) -> list[Path]:
    """The report files of a folder and its subfolders, by name; README-like notes skipped."""
    suffixes = {f".{name}" for name in FORMATS} | {".htm"}
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in suffixes
        and p.stem.upper() not in ("README", "SOURCES", "NOTES")
        and not p.name.endswith(".ref.txt")
    )


def coverage_rows(
    paths: Iterable[Path],
    engine: Engine | None = None,
    on_row: Callable[[CoverageRow], None] | None = None,
) -> list[CoverageRow]:
    from summarizer.pipeline import summarize_document

    rows = []
    for path in paths:
        try:
            document = load_path(path)
            summary = summarize_document(document, engine=engine)
            row = _row(path, summary, document.text)
        except SummarizerError as error:
            row = CoverageRow(path.name, "", "", None, "", False, 0, False, 0, 0, 0, "", "", str(error))
        rows.append(row)
        if on_row is not None:
            on_row(row)
    return rows


@dataclass(frozen=True)
class CoverageTotals:
    reports: int
    failed: int
    stating_targets: int
    targets_found: int  # among the reports that state targets
    gdp_target_found: int
    three_task_areas: int
    three_review_areas: int
    headline_figures: int
    partial: int
    targets_incomplete: int  # the completeness check says some of the passage is left out
    shown: dict[str, int] = field(default_factory=dict)  # figures checked for binding, by part
    bound: dict[str, int] = field(default_factory=dict)  # those bound, by part


def totals(rows: list[CoverageRow]) -> CoverageTotals:
    done = [r for r in rows if not r.error]
    stating = [r for r in done if r.states_targets]
    return CoverageTotals(
        reports=len(rows),
        failed=len(rows) - len(done),
        stating_targets=len(stating),
        targets_found=sum(1 for r in stating if r.targets > 0),
        gdp_target_found=sum(1 for r in stating if r.gdp_target),
        three_task_areas=sum(1 for r in done if r.task_areas >= 3),
        three_review_areas=sum(1 for r in done if r.review_areas >= 3),
        headline_figures=sum(1 for r in done if r.headline_figures > 0),
        partial=sum(1 for r in done if r.kind == "partial"),
        targets_incomplete=sum(1 for r in done if r.targets_check in ("incomplete", "not_found")),
        shown={p: sum(getattr(r, f"{p}_shown") for r in done) for p in BOUND_PARTS},
        bound={p: sum(getattr(r, f"{p}_bound") for r in done) for p in BOUND_PARTS},
    )


def to_csv(rows: list[CoverageRow]) -> str:
    names = [f.name for f in fields(CoverageRow) if f.name != "unbound"]
    return csv_text(names, ([asdict(row)[name] for name in names] for row in rows))
