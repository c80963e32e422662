"""The ``summarizer`` command: one group, one module per subcommand."""

from __future__ import annotations

import typer

from summarizer.cli import summarize

app = typer.Typer(
    name="summarizer",
    help="Structured, grounded summaries of Chinese government work reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

app.command("summarize")(summarize.main)
# Further subcommands register here, one line each.


def main() -> None:
    app()
