"""The reports a panel reads: summarised now (resumably, by the batch runner) or read from
an earlier batch's output folder, each with its source text loaded again for the quotes.

Report files and folders are summarised with :func:`summarizer.batch.run_batch` into
``OUT/batch/``, so a killed panel run keeps every finished summary (the batch journal) and
the next run starts where it stopped.  A folder holding a batch's output (``index.jsonl``
and ``reports/``) is read as it is: its summaries from ``reports/*.json``, its sources from
the paths its index records (checked against the recorded sha256, since the quotes' offsets
point into exactly those bytes).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from summarizer.analysis.identity import identify
from summarizer.analysis.panel import PanelReport, SetAside
from summarizer.batch import BatchResult, BatchSettings, run_batch
from summarizer.batch.inputs import discover, file_sha256
from summarizer.batch.outputs import INDEX_NAME, REPORTS_DIR, read_report
from summarizer.errors import InputError, SummarizerError
from summarizer.report.load import load_path
from summarizer.report.prepared import prepare
from summarizer.schema import ReportSummary

__all__ = ["BATCH_DIR", "Collected", "collect", "is_batch_output"]

BATCH_DIR = "batch"
EventHandler = Callable[..., None]


@dataclass
class Collected:
    reports: list[PanelReport] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)  # source -> original text
    failed: list[SetAside] = field(default_factory=list)
    duplicates: list[SetAside] = field(default_factory=list)  # same bytes as another input
    batch: BatchResult | None = None  # the batch run over report files, if any


def is_batch_output(path: Path) -> bool:
    """Whether a folder is the output of ``summarizer batch`` (or of an earlier panel run)."""
    return path.is_dir() and (path / INDEX_NAME).is_file() and (path / REPORTS_DIR).is_dir()


def collect(
    inputs: list[str],
    out_dir: Path,
    settings: BatchSettings,
    *,
    on_event: EventHandler | None = None,
    stop: threading.Event | None = None,
) -> Collected:
    """Every report the inputs name, summarised, with its text and identity."""
    found = Collected()
    folders = [Path(arg) for arg in inputs if is_batch_output(Path(arg))]
    files = [arg for arg in inputs if not is_batch_output(Path(arg))]
    for folder in folders:
        for source, summary in _read_batch(folder, found.failed):
            _add(found, source, summary)
    if files:
        # Expanded here so that the panel's own outputs are never read as reports.
        named = [item.source for item in discover(files, exclude=out_dir) if item.status != "skipped"]
        result = run_batch(named, out_dir / BATCH_DIR, settings, on_event=on_event, stop=stop)
        found.batch = result
        for outcome in result.outcomes:
            if outcome.summary is not None:
                _add(found, outcome.source, outcome.summary)
            elif outcome.status == "duplicate":
                first = outcome.found.duplicate_of
                found.duplicates.append(SetAside(outcome.source, f"the same file as {first}"))
            elif outcome.status in ("failed", "problem", "not_started"):
                found.failed.append(SetAside(outcome.source, outcome.reason or outcome.status))
    return found


def _add(found: Collected, source: str, summary: ReportSummary) -> None:
    """Load a summarised report's source again, prepare it and read its identity."""
    try:
        document = load_path(source)
        report = prepare(document.text, document.name)
    except (SummarizerError, OSError) as error:
        found.failed.append(SetAside(source, f"cannot read the source again: {error}"))
        return
    identity = identify(document.text, source, summary.meta)
    found.reports.append(PanelReport(source, summary, report, identity))
    found.texts[source] = report.original


def _read_batch(folder: Path, failed: list[SetAside]) -> list[tuple[str, ReportSummary]]:
    """(source, summary) of every report a batch output folder holds."""
    read = []
    try:
        lines = (folder / INDEX_NAME).read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise InputError(f"{folder}: cannot read {INDEX_NAME} ({error.strerror})") from None
    for text in lines:
        try:
            line = json.loads(text)
        except ValueError:
            continue
        if not isinstance(line, dict) or line.get("status") != "ok" or not line.get("report"):
            continue
        recorded = str(line.get("source", ""))
        summary = read_report(folder, str(line["report"]))
        if summary is None:
            failed.append(SetAside(recorded, f"{folder}: its summary is missing or altered"))
            continue
        source = _find_source(recorded, folder, line.get("sha256"))
        if source is None:
            failed.append(
                SetAside(recorded, "the source file is gone or has changed since the batch ran")
            )
            continue
        read.append((source, summary))
    return read


def _find_source(recorded: str, folder: Path, sha256: object) -> str | None:
    """The path of a batch's source as recorded, or relative to the batch folder's parent."""
    path = Path(recorded)
    candidates = [path] if path.is_absolute() else [path, folder.parent / path, folder / path]
    for candidate in candidates:
        if not candidate.is_file():
            continue
        try:
            if sha256 is None or file_sha256(candidate)[0] == sha256:
                return str(candidate)
        except OSError:
            continue
    return None
