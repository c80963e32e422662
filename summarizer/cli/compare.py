"""``summarizer compare REPORT...``: the targets of several reports in one table."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from summarizer.cli._common import EngineOption, check_engine, run_guarded


class Format(StrEnum):
    markdown = "markdown"
    csv = "csv"
    json = "json"


def main(
    reports: Annotated[list[Path], typer.Argument(help="the reports to compare")],
    format: Annotated[
        Format, typer.Option("--format", "-f", envvar="SUMMARIZER_FORMAT", help="output format")
    ] = Format.markdown,
    engine: EngineOption = "rules",
    city: Annotated[
        str | None,
        typer.Option(
            "--city", help="the region districts are compared with (default: the one city)"
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="write to this file instead of stdout")
    ] = None,
) -> None:
    """Put the main expected targets of several reports side by side, one row per indicator."""
    from summarizer.analysis.compare import compare
    from summarizer.cli._reports import summarize_files, write_output

    check_engine(engine)
    summaries = [summary for summary, _ in summarize_files(reports, engine)]
    table = run_guarded(lambda: compare(summaries, city=city))
    rendered = {
        Format.markdown: table.to_markdown,
        Format.csv: table.to_csv,
        Format.json: table.to_json,
    }[format]()
    write_output(rendered, output)
