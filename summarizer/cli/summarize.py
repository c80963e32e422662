"""``summarizer summarize PATH``: one report to Markdown or JSON.

summarizer summarize report.txt                                  # the rules engine
summarizer summarize report.txt --engine llm                     # the built-in local model
summarizer summarize report.txt --model deepseek/deepseek-chat   # key in DEEPSEEK_API_KEY
summarizer summarize report.txt --model openai/qwen --api-base http://127.0.0.1:8080/v1
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from summarizer.cli._common import (
    build_engine,
    check_engine,
    run_guarded,
    server_options,
    time_limit,
)

if TYPE_CHECKING:
    from summarizer.engines import EngineProgress


class Format(StrEnum):
    markdown = "markdown"
    json = "json"


def main(
    path: Annotated[Path, typer.Argument(help="the report: .txt, .md, .html, .docx or .pdf")],
    format: Annotated[Format, typer.Option("--format", "-f", help="output format")] = Format.markdown,
    engine: Annotated[str | None, typer.Option(
        "--engine", "-e", envvar="SUMMARIZER_ENGINE",
        help="rules or llm (default: llm when a model is given, else rules)",
    )] = None,
    model: Annotated[str | None, typer.Option(
        "--model", "-m", envvar="SUMMARIZER_MODEL",
        help="'local' (built-in CPU model, the default for --engine llm) or a litellm name: "
        "deepseek/deepseek-chat, dashscope/qwen-plus, openai/gpt-4o-mini, ollama/qwen2.5:7b, "
        "openai/NAME with --api-base",
    )] = None,
    api_base: Annotated[list[str] | None, typer.Option(
        "--api-base", envvar="SUMMARIZER_API_BASE",
        help="URL of an OpenAI-compatible server (vLLM, llama.cpp), e.g. http://127.0.0.1:8080/v1; "
        "give it again for more servers of the same model",
    )] = None,
    router: Annotated[str | None, typer.Option(
        "--router", envvar="SUMMARIZER_LLM_ROUTER",
        help="a file (JSON, YAML or TOML) with a litellm Router model_list",
    )] = None,
    api_key_env: Annotated[str | None, typer.Option(
        "--api-key-env", envvar="SUMMARIZER_API_KEY_ENV",
        help="name of the environment variable that holds the API key "
        "(default: the provider's own, such as DEEPSEEK_API_KEY)",
    )] = None,
    timeout: Annotated[float | None, typer.Option(
        "--timeout", envvar="SUMMARIZER_LLM_TIMEOUT", help="seconds to wait for one answer",
    )] = None,
    mode: Annotated[str | None, typer.Option(
        "--mode", envvar="SUMMARIZER_LLM_MODE",
        help="structured-output mode: json, json_grammar, md_json, tools or json_schema "
        "(default per provider)",
    )] = None,
    max_reasks: Annotated[int | None, typer.Option(
        "--max-reasks", envvar="SUMMARIZER_MAX_REASKS",
        help="times to send a wrong answer back to the model (default 2)",
    )] = None,
    cache: Annotated[bool, typer.Option(
        "--cache/--no-cache", envvar="SUMMARIZER_LLM_CACHE",
        help="reuse earlier answers for the same model, prompt and text",
    )] = True,
    profile: Annotated[str | None, typer.Option(
        "--profile", envvar="SUMMARIZER_LLM_PROFILE",
        help="small (label repair and an overview from the verified digest; the built-in "
        "model's default) or full (the whole review; any other model's default)",
    )] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="no progress lines on stderr")] = False,
) -> None:  # fmt: skip
    """Summarise one report."""
    from summarizer.pipeline import summarize_path
    from summarizer.render import to_markdown

    engine = engine or ("llm" if model else "rules")
    check_engine(engine)
    flags: dict[str, Any] = {}
    if engine == "llm":
        flags = {
            "model": model, "api_key_env": api_key_env, **server_options(api_base, router),
            "timeout": timeout, "mode": mode, "max_reasks": max_reasks, "cache": cache,
            "profile": profile,
        }  # fmt: skip
    chosen = build_engine(engine, **flags)
    on_progress = None if quiet or engine != "llm" else _report_progress
    if engine == "rules":
        from summarizer.batch.settings import RULES_TIME_LIMIT

        with time_limit(RULES_TIME_LIMIT, path.name):
            summary = run_guarded(lambda: summarize_path(path, engine=chosen))
    else:
        summary = run_guarded(
            lambda: summarize_path(path, engine=chosen, on_progress=on_progress)
        )
    typer.echo(summary.to_json() if format is Format.json else to_markdown(summary))


def _report_progress(progress: EngineProgress) -> None:
    if progress.step is not None:
        usage = progress.summary.engine.usage
        typer.echo(
            f"llm: {progress.done}/{progress.total} calls done ({progress.step}); "
            f"{usage.tokens_in} tokens in, {usage.tokens_out} out, {usage.seconds:.0f} s",
            err=True,
        )
