"""What every subcommand shares: turning errors into one line and exit code 2."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer

from summarizer.errors import SummarizerError

if TYPE_CHECKING:
    from summarizer.engines import Engine
    from summarizer.engines.llm.config import LLMConfig

T = TypeVar("T")


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def check_engine(engine: str) -> None:
    """Refuse an unknown engine before any file is read."""
    from summarizer.engines import check_engine as check

    run_guarded(lambda: check(engine))


def build_engine(engine: str, **llm_flags: Any) -> Engine:
    """The engine a command's flags ask for; LLM flags left unset (None) come from the
    environment and the config file."""
    from summarizer.engines import create_engine

    check_engine(engine)
    if engine != "llm":
        if any(value is not None for value in llm_flags.values()):
            fail("model options apply to the llm engine only (add --engine llm)")
        return run_guarded(lambda: create_engine(engine))
    from summarizer.engines.llm.config import load_config

    given = {key: value for key, value in llm_flags.items() if value is not None}
    return run_guarded(lambda: create_engine("llm", load_config(given)))


@contextmanager
def time_limit(seconds: float | None, what: str) -> Iterator[None]:
    """Stop the block with a one-line error once it has run ``seconds`` (a pathological
    input): a timer signal in the main thread; elsewhere, or without timers, no limit."""
    if (
        seconds is None
        or threading.current_thread() is not threading.main_thread()
        or not hasattr(signal, "setitimer")
    ):
        yield
        return
    from summarizer.batch.workers import WorkTimeout

    def expire(signum: int, frame: object) -> None:
        raise WorkTimeout(
            f"{what}: took longer than {seconds:g} s and was stopped (a pathological input?)"
        )

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


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
    list[str] | None,
    typer.Option(
        "--api-base",
        envvar="SUMMARIZER_API_BASE",
        help="OpenAI-compatible server for the llm engine; give it again for more servers of "
        "the same model (calls are spread over them and move off one that fails)",
    ),
]
RouterOption = Annotated[
    str | None,
    typer.Option(
        "--router",
        envvar="SUMMARIZER_LLM_ROUTER",
        help="llm engine: a file (JSON, YAML or TOML) with a litellm Router model_list, with "
        "weights and fallbacks",
    ),
]


def llm_settings(
    engine: str,
    *,
    model: str | None = None,
    api_base: list[str] | None = None,
    profile: str | None = None,
    router: str | None = None,
    **llm_only: Any,
) -> LLMConfig | None:
    """The LLM settings a command's flags ask for (None for the rules engine), after checking
    the engine name and that model flags come with the llm engine.  ``llm_only``: other flags
    of the command that only the llm engine takes (--max-tokens …), by their option names."""
    check_engine(engine)
    given = {"model": model, "api_base": api_base, "profile": profile, "router": router}
    if engine != "llm":
        used = [name for name, value in {**given, **llm_only}.items() if value]
        if used:
            flags = ", ".join("--" + name.replace("_", "-") for name in used)
            verb = "applies" if len(used) == 1 else "apply"
            fail(f"{flags} {verb} to the llm engine only (add --engine llm)")
        return None
    from summarizer.engines.llm.config import load_config

    options = {"model": model, "profile": profile, **server_options(api_base, router)}
    return run_guarded(lambda: load_config({k: v for k, v in options.items() if v}))


def server_options(api_base: list[str] | None, router: str | None = None) -> dict[str, Any]:
    """The LLM settings that name the model's servers: one api_base, or several, or a router."""
    bases = list(dict.fromkeys(api_base or []))
    options: dict[str, Any] = {"api_base": bases[0] if bases else None, "router": router}
    if len(bases) > 1:
        options["servers"] = tuple(bases)
    return options
ProfileOption = Annotated[
    str | None,
    typer.Option(
        "--profile",
        envvar="SUMMARIZER_LLM_PROFILE",
        help="llm engine: small (label repair and an overview from the verified digest; the "
        "built-in model's default) or full (the whole review; any other model's default)",
    ),
]
ConcurrencyOption = Annotated[
    int | None,
    typer.Option(
        "--concurrency",
        "-j",
        envvar="SUMMARIZER_CONCURRENCY",
        help="reports summarised at once (default: one per core with the rules engine, 4 with "
        "a model server, 1 with the built-in model)",
    ),
]
