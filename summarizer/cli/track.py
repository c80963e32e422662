"""``summarizer track REPORT_N REPORT_N+1``: were year N's targets met, by year N+1's review?"""

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
    target_report: Annotated[
        Path, typer.Argument(help="the year-N report, whose targets are checked")
    ],
    result_report: Annotated[
        Path,
        typer.Argument(help="the year-N+1 report of the same region, whose review gives results"),
    ],
    format: Annotated[
        Format, typer.Option("--format", "-f", envvar="SUMMARIZER_FORMAT", help="output format")
    ] = Format.markdown,
    engine: EngineOption = "rules",
    about_points: Annotated[
        float,
        typer.Option(
            "--about-points", min=0.0, help="tolerance of 左右 for a rate, in percentage points"
        ),
    ] = 0.5,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="write to this file instead of stdout")
    ] = None,
) -> None:
    """Judge each target of a year-N report against the results in the year-N+1 report."""
    from summarizer.analysis.track import track
    from summarizer.cli._reports import summarize_files, write_output

    check_engine(engine)
    (prev, prev_doc), (curr, curr_doc) = summarize_files([target_report, result_report], engine)
    if prev.meta.year and curr.meta.year and prev.meta.year > curr.meta.year:
        typer.echo(
            f"note: {target_report.name} is the later report ({prev.meta.year}); "
            f"judging the targets of {result_report.name} ({curr.meta.year}) instead",
            err=True,
        )
        (prev, prev_doc), (curr, curr_doc) = (curr, curr_doc), (prev, prev_doc)
    report = run_guarded(
        lambda: track(prev, curr, prev_doc.text, curr_doc.text, about_points=about_points)
    )
    rendered = {
        Format.markdown: report.to_markdown,
        Format.csv: report.to_csv,
        Format.json: report.to_json,
    }[format]()
    write_output(rendered, output)
