"""What every subcommand shares: turning errors into one line and exit code 2."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, NoReturn, TypeVar

import typer

from summarizer.errors import SummarizerError

T = TypeVar("T")


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def check_engine(engine: str) -> None:
    """Refuse an unknown engine before any file is read."""
    from summarizer.pipeline import ENGINES

    if engine not in ENGINES:
        fail(f"unknown engine {engine!r}: choose {' or '.join(ENGINES)}")


def run_guarded(action: Callable[[], T]) -> T:
    """Run an action; a SummarizerError becomes one line on stderr and exit code 2."""
    try:
        return action()
    except SummarizerError as error:
        fail(str(error))


# Options several subcommands share, declared once.
EngineOption = Annotated[
    str, typer.Option("--engine", "-e", envvar="SUMMARIZER_ENGINE", help="rules or llm")
]
ModelOption = Annotated[
    str | None,
    typer.Option("--model", "-m", envvar="SUMMARIZER_MODEL", help="model for the llm engine"),
]
ApiBaseOption = Annotated[
    str | None,
    typer.Option(
        "--api-base",
        envvar="SUMMARIZER_API_BASE",
        help="OpenAI-compatible server for the llm engine",
    ),
]
