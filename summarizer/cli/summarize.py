"""``summarizer summarize PATH``: one report to Markdown or JSON."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from summarizer.cli._common import fail, run_guarded


class Format(str, Enum):
    markdown = "markdown"
    json = "json"


def main(
    path: Path = typer.Argument(..., help="the report: .txt, .md, .html, .docx or .pdf"),
    format: Format = typer.Option(Format.markdown, "--format", "-f", help="output format"),
    engine: str = typer.Option("rules", "--engine", "-e", envvar="SUMMARIZER_ENGINE", help="rules or llm"),
) -> None:
    """Summarise one report."""
    from summarizer.pipeline import summarize_path
    from summarizer.render import to_markdown

    if engine not in ("rules", "llm"):
        fail(f"unknown engine {engine!r}: choose rules or llm")
    summary = run_guarded(lambda: summarize_path(path, engine=engine))
    typer.echo(summary.to_json() if format is Format.json else to_markdown(summary))
