"""The ``summarizer`` command: one group, one module per subcommand."""

from __future__ import annotations

import typer

from summarizer.cli import batch, bench, summarize, ui
from summarizer.cli import compare as compare_cli
from summarizer.cli import eval as eval_cli
from summarizer.cli import panel as panel_cli
from summarizer.cli import track as track_cli

app = typer.Typer(
    name="summarizer",
    help="Structured, grounded summaries of Chinese government work reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

app.command("summarize")(summarize.main)
app.command("bench")(bench.main)
app.command("batch")(batch.main)
app.command("ui")(ui.main)
app.add_typer(eval_cli.app, name="eval")
app.command("track")(track_cli.main)
app.command("compare")(compare_cli.main)
app.command("panel")(panel_cli.main)
# Further subcommands register here, one line each.


def main() -> None:
    app()
