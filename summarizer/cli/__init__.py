"""The ``summarizer`` command: one group, one module per subcommand."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from typing import NoReturn

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


INTERNAL_ERROR = 70  # exit code of a bug (EX_SOFTWARE), apart from bad input (2)


def main() -> None:
    try:
        app()
    except SystemExit as done:
        if "litellm" in sys.modules:
            _exit_now(done.code)
        raise
    except Exception as error:  # a bug: one line, not a traceback (SUMMARIZER_DEBUG=1 shows it)
        if os.environ.get("SUMMARIZER_DEBUG"):
            raise
        from summarizer.secrets import redact

        detail = redact(f"{type(error).__name__}: {error}")[:300].replace("\n", " ")
        print(
            f"internal error: {detail} (a bug; SUMMARIZER_DEBUG=1 shows where)", file=sys.stderr
        )
        if "litellm" in sys.modules:
            _exit_now(INTERNAL_ERROR)
        sys.exit(INTERNAL_ERROR)


_CLEAN_UP_SECONDS = 10.0


def _exit_now(code: object) -> NoReturn:
    """End the process without the interpreter's finalisation once an LLM client was used.

    The HTTP client library's objects clean up when garbage-collected at shutdown (litellm's
    aiohttp sessions import a module from ``__del__``), and that can block for ever after a
    failed call.  The command's work is done and written by now: what must run at exit (the
    built-in model's server stopped, logs flushed) runs first, within a bound, then the
    process exits with the command's status.
    """
    if isinstance(code, str):
        print(code, file=sys.stderr)
    status = code if isinstance(code, int) else (0 if code is None else 1)

    def clean_up() -> None:
        from summarizer.engines.llm.local import stop_server

        stop_server()
        logging.shutdown()

    worker = threading.Thread(target=clean_up, name="exit-clean-up", daemon=True)
    worker.start()
    worker.join(_CLEAN_UP_SECONDS)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(status)
