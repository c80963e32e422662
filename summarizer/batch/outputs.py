"""What a batch writes: one JSON and one Markdown file per report, and whole-run tables.

    OUT/reports/<stem>.json   the summary (the schema), deterministic for an input and settings
    OUT/reports/<stem>.md     the same, rendered
    OUT/index.jsonl           one line per input file: ok, failed, duplicate or not started
    OUT/targets.csv           every target of every report (and targets.xlsx with openpyxl)

A summary's wall-clock ``engine.usage.seconds`` is the one field that differs between two
runs of the same input; it goes to the journal and the manifest and is zeroed in the file,
so a resumed batch writes byte-identical outputs to an uninterrupted one.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from summarizer.batch.atomic import fsync_dir, write_atomic
from summarizer.schema import ReportSummary, Usage
from summarizer.spreadsheet import csv_text, put_xlsx_cell

__all__ = [
    "REPORTS_DIR",
    "Rendered",
    "render",
    "report_fields",
    "stale_reports",
    "ReportFiles",
    "report_files",
    "stable",
    "write_report",
    "read_report",
    "index_line",
    "report_line",
    "write_index",
    "write_targets",
]

REPORTS_DIR = "reports"
INDEX_NAME = "index.jsonl"
CSV_NAME = "targets.csv"
XLSX_NAME = "targets.xlsx"


@dataclass(frozen=True)
class ReportFiles:
    json: Path
    markdown: Path


def report_files(out_dir: Path, stem: str) -> ReportFiles:
    folder = out_dir / REPORTS_DIR
    files = ReportFiles(folder / f"{stem}.json", folder / f"{stem}.md")
    if files.json.parent != folder or files.json.name.startswith("."):
        raise ValueError(f"unsafe output name {stem!r}")
    return files


def stale_reports(out_dir: Path, keep: set[str]) -> list[Path]:
    """The report files in ``out_dir``/reports whose stem is not in ``keep``: outputs of an
    input since deleted, renamed or edited."""
    folder = out_dir / REPORTS_DIR
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.iterdir()
        if path.suffix in (".json", ".md") and not path.name.startswith(".")
        and path.stem not in keep and path.is_file()
    )


def stable(summary: ReportSummary) -> ReportSummary:
    """The summary as written: the same for every run of the same input and settings."""
    usage = summary.engine.usage.model_copy(update={"seconds": 0.0, "servers": {}})
    engine = summary.engine.model_copy(update={"usage": usage})
    return summary.model_copy(update={"engine": engine})


@dataclass
class Rendered:
    """A report's summary as written (:func:`stable`): its JSON and Markdown text, what the
    index and the targets table take from it, and the engine's usage.  Made where the report
    is summarised (a worker process), so the batch parses the JSON only if it needs the
    summary itself (:attr:`summary`)."""

    json: str
    markdown: str
    usage: Usage  # seconds included (left out of what is written)
    fields: dict[str, Any]  # the index line's fields that come from the summary
    rows: list[dict[str, Any]]  # the targets table's rows
    _summary: ReportSummary | None = field(default=None, repr=False, compare=False)

    @property
    def summary(self) -> ReportSummary:
        if self._summary is None:
            self._summary = ReportSummary.model_validate_json(self.json)
        return self._summary

    def __getstate__(self) -> dict[str, Any]:  # sent between processes without the object
        return {**self.__dict__, "_summary": None}


def render(summary: ReportSummary) -> Rendered:
    from summarizer.render import targets_rows, to_markdown

    stable_summary = stable(summary)
    return Rendered(
        json=stable_summary.to_json() + "\n",
        markdown=to_markdown(stable_summary),
        usage=summary.engine.usage,
        fields=report_fields(stable_summary),
        rows=targets_rows(stable_summary),
        _summary=stable_summary,
    )


def write_report(out_dir: Path, stem: str, summary: ReportSummary | Rendered) -> str:
    """Write a report's JSON and Markdown atomically; return the JSON's sha256."""
    rendered = summary if isinstance(summary, Rendered) else render(summary)
    files = report_files(out_dir, stem)
    write_atomic(files.json, rendered.json, sync_dir=False)
    write_atomic(files.markdown, rendered.markdown, sync_dir=False)
    fsync_dir(files.json.parent)
    return hashlib.sha256(rendered.json.encode("utf-8")).hexdigest()


def read_report(out_dir: Path, stem: str, sha256: str | None = None) -> ReportSummary | None:
    """A report written earlier, or None if it is missing, altered or invalid."""
    files = report_files(out_dir, stem)
    try:
        data = files.json.read_bytes()
        if not files.markdown.is_file():
            return None
    except OSError:
        return None
    if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
        return None
    try:
        return ReportSummary.model_validate_json(data)
    except ValueError:
        return None


def index_line(source: str, status: str, **fields: Any) -> dict[str, Any]:
    return {
        "source": source,
        "status": status,
        **{k: v for k, v in fields.items() if v is not None},
    }


def report_fields(summary: ReportSummary) -> dict[str, Any]:
    """What a report's index line says of its summary."""
    meta, usage = summary.meta, summary.engine.usage
    verification = summary.verification
    return {
        "region": meta.region,
        "level": meta.level,
        "year": meta.year,
        "title": meta.title,
        "kind": meta.kind,
        "targets": len(summary.targets),
        "numbers_total": verification.numbers_total if verification else None,
        "numbers_grounded": verification.numbers_grounded if verification else None,
        "warnings": [warning.code for warning in summary.warnings],
        "engine": summary.engine.name,
        "model": summary.engine.model,
        "prompt_version": summary.engine.prompt_version,
        "tokens": usage.tokens_in + usage.tokens_out,
        "cost_usd": usage.cost_usd,
    }


def report_line(
    source: str, sha256: str, stem: str, summary: ReportSummary | dict[str, Any]
) -> dict[str, Any]:
    """The index line of a summarised report (from its summary or its :func:`report_fields`)."""
    fields = summary if isinstance(summary, dict) else report_fields(summary)
    return index_line(
        source,
        "ok",
        sha256=sha256,
        report=stem,
        json=f"{REPORTS_DIR}/{stem}.json",
        markdown=f"{REPORTS_DIR}/{stem}.md",
        **fields,
    )


def write_index(out_dir: Path, lines: Iterable[dict[str, Any]]) -> Path:
    path = out_dir / INDEX_NAME
    text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    write_atomic(path, text)
    return path


def _target_table(
    reports: list[tuple[str, ReportSummary | list[dict[str, Any]]]],
) -> tuple[list[str], list[list[Any]]]:
    from summarizer.render import targets_rows

    header: list[str] = ["report"]
    rows: list[dict[str, Any]] = []
    for stem, summary in reports:
        for row in summary if isinstance(summary, list) else targets_rows(summary):
            for key in row:
                if key not in header:
                    header.append(key)
            rows.append({"report": stem, **row})
    return header, [[row.get(key) for key in header] for row in rows]


def write_targets(
    out_dir: Path, reports: list[tuple[str, ReportSummary | list[dict[str, Any]]]]
) -> list[Path]:
    """Write every target of every report (its summary, or its rows of targets) as CSV, and
    as Excel when openpyxl is installed.

    Report text and file names never become formulas (:mod:`summarizer.spreadsheet`).
    """
    header, rows = _target_table(reports)
    # A byte-order mark so that Excel opens the Chinese text as UTF-8.
    write_atomic(out_dir / CSV_NAME, "\ufeff" + csv_text(header, rows))
    written = [out_dir / CSV_NAME]
    try:
        from openpyxl import Workbook
    except ImportError:
        return written
    book = Workbook()
    sheet = book.active
    sheet.title = "targets"
    for r, row in enumerate([header, *rows], start=1):
        for c, value in enumerate(row, start=1):
            put_xlsx_cell(sheet, r, c, value)
    sheet.freeze_panes = "A2"
    data = io.BytesIO()
    book.save(data)
    write_atomic(out_dir / XLSX_NAME, data.getvalue())
    written.append(out_dir / XLSX_NAME)
    return written
