"""One panel run: collect the reports, pair them, check the quotes, write the tables, the
overview and the chart.

    OUT/batch/          the summaries (a batch output folder: resumable, see summarizer.batch)
    OUT/panel.csv       the table (and panel.parquet, panel.xlsx on request)
    OUT/reports.csv     each report read: its region and year, on what basis, paired or not
    OUT/summary.md      the overview
    OUT/chart.html      the overview as a chart (and chart.png)
    OUT/panel.json      what the run did: counts, verdicts, quotes checked, files, seconds
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from summarizer.analysis.panel import Panel, build_panel, check_quotes
from summarizer.batch import BatchSettings
from summarizer.batch.atomic import write_atomic
from summarizer.errors import InputError
from summarizer.panel.chart import write_chart
from summarizer.panel.collect import EventHandler, collect
from summarizer.panel.overview import Overview, overview, to_markdown
from summarizer.panel.writers import check_formats, write_reports, write_tables

__all__ = ["SUMMARY_NAME", "MANIFEST_NAME", "PanelResult", "run_panel"]

SUMMARY_NAME = "summary.md"
MANIFEST_NAME = "panel.json"


@dataclass
class PanelResult:
    out_dir: Path
    panel: Panel
    overview: Overview
    files: list[Path]

    @property
    def exit_code(self) -> int:
        """0 when the panel holds every report read; 1 when an input could not be read or
        summarised, or a quote was not found.  A report whose region or year is unknown is
        told in the summary, not an error."""
        view = self.overview
        return 0 if not view.failed and view.quotes.ok else 1


def run_panel(
    inputs: list[str],
    out_dir: Path,
    settings: BatchSettings,
    *,
    formats: Sequence[str] = ("csv",),
    on_event: EventHandler | None = None,
    stop: threading.Event | None = None,
) -> PanelResult:
    """Build the panel of every report the inputs name into ``out_dir``."""
    clock = time.monotonic()
    check_formats(formats)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"{out_dir}: cannot create the output folder ({error.strerror})") from None
    found = collect(inputs, out_dir, settings, on_event=on_event, stop=stop)
    panel = build_panel(found.reports)
    quotes = check_quotes(panel.rows, found.texts)
    view = overview(
        panel,
        quotes,
        reports=len(found.reports),
        failed=[f"{item.source}: {item.reason}" for item in found.failed],
    )
    view.set_aside += [f"{item.source}: {item.reason}" for item in found.duplicates]
    view.notes += list(quotes.misses)
    files = write_tables(out_dir, panel.rows, formats)
    files.append(write_reports(out_dir, panel))
    charts = write_chart(out_dir, view)
    files += charts
    view.seconds = time.monotonic() - clock
    chart_name = charts[0].name if charts else None
    write_atomic(out_dir / SUMMARY_NAME, to_markdown(view, chart_name))
    files.append(out_dir / SUMMARY_NAME)
    files.append(_write_manifest(out_dir, settings, view, files))
    return PanelResult(out_dir, panel, view, files)


def _write_manifest(
    out_dir: Path, settings: BatchSettings, view: Overview, files: list[Path]
) -> Path:
    from summarizer import __version__

    manifest = {
        "summarizer_version": __version__,
        "engine": settings.engine,
        "engine_version": settings.prompt_version,
        "model": settings.resolved_model,
        "seconds": round(view.seconds or 0.0, 3),
        "reports": view.reports,
        "reports_used": view.used,
        "pairs": view.pairs,
        "rows": view.rows,
        "verdicts": view.verdicts,
        "quotes_checked": view.quotes.checked,
        "quotes_found": view.quotes.found,
        "unknown": view.unknown,
        "set_aside": view.set_aside,
        "failed": view.failed,
        "files": [path.name for path in files],
    }
    path = out_dir / MANIFEST_NAME
    write_atomic(path, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return path
