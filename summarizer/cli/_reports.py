"""What ``track`` and ``compare`` share: summarising several files and writing the result."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path

import typer

from summarizer.cli._common import build_engine, run_guarded
from summarizer.report.load import Document
from summarizer.schema import ReportSummary
from summarizer.secrets import redact


def summarize_files(paths: Sequence[Path], engine: str) -> list[tuple[ReportSummary, Document]]:
    """Each file loaded and summarised; a file that fails stops the command with its message."""
    from summarizer.pipeline import summarize_document
    from summarizer.report.load import load_path

    chosen = build_engine(engine)
    results = []
    for path in paths:
        document: Document = run_guarded(partial(load_path, path))
        summary: ReportSummary = run_guarded(partial(summarize_document, document, engine=chosen))
        if summary.meta.source_name is None:
            summary.meta.source_name = document.name
        results.append((summary, document))
    return results


def write_output(text: str, output: Path | None) -> None:
    text = redact(text)
    if output is None:
        typer.echo(text, nl=not text.endswith("\n"))
        return
    output.write_text(text, encoding="utf-8")
    typer.echo(f"wrote {output}", err=True)
