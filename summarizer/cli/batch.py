"""``summarizer batch INPUT... --out DIR``: many reports, concurrent and resumable.

Exit codes: 0 every report summarised, 1 some input failed or was not started (budget),
2 bad usage, 130 interrupted.  The run manifest (OUT/manifest.json) lists every failure.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from summarizer.cli._common import (
    ApiBaseOption,
    ConcurrencyOption,
    EngineOption,
    ModelOption,
    ProfileOption,
    RouterOption,
    llm_settings,
    run_guarded,
)

if TYPE_CHECKING:
    from summarizer.batch import BatchProgress, BatchResult, FileOutcome
    from summarizer.engines.llm.config import LLMConfig


def _progress_display(console: Console) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("failed {task.fields[failed]}"),
        TextColumn("tokens {task.fields[tokens]:,}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )


def _default_concurrency(llm: LLMConfig | None) -> int:
    """The rules engine: one worker process per core; the built-in model (one CPU server): 1;
    a model server: 4."""
    if llm is None:
        from summarizer.batch.workers import default_workers

        return default_workers()
    return 1 if llm.is_local else 4


def main(
    inputs: Annotated[
        list[str],
        typer.Argument(help="report files, folders or glob patterns (.txt .md .html .docx .pdf)"),
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", envvar="SUMMARIZER_BATCH_OUT", help="output folder")
    ],
    engine: EngineOption = "rules",
    model: ModelOption = None,
    api_base: ApiBaseOption = None,
    profile: ProfileOption = None,
    router: RouterOption = None,
    concurrency: ConcurrencyOption = None,
    max_tokens: Annotated[
        int | None,
        typer.Option(help="stop starting reports once about this many tokens are spent"),
    ] = None,
    max_cost: Annotated[
        float | None,
        typer.Option(help="stop starting reports once about this many US dollars are spent"),
    ] = None,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="summarise again the reports the journal lists as done")
    ] = False,
    time_limit: Annotated[
        float | None,
        typer.Option(
            "--time-limit",
            help="seconds one report may take with the rules engine before it is stopped and "
            "failed (default 60)",
        ),
    ] = None,
    prune: Annotated[
        bool,
        typer.Option(
            "--prune", help="remove the outputs in OUT/reports whose input is gone or was edited"
        ),
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="no progress bar or summary; errors only")
    ] = False,
) -> None:
    """Summarise many reports into a folder; re-run the same command to resume.

    Writes OUT/reports/*.json and *.md, OUT/index.jsonl, OUT/targets.csv (and .xlsx with openpyxl) and OUT/manifest.json.

    The llm engine reaches its model as `summarizer summarize` does (SUMMARIZER_API_BASE, SUMMARIZER_API_KEY_ENV, config.toml).

    Exit code 0: all summarised; 1: some input failed or was not started; 2: bad usage.
    """

    from summarizer.batch import BatchSettings, run_batch

    llm = llm_settings(
        engine, model=model, api_base=api_base, profile=profile, router=router,
        max_tokens=max_tokens is not None, max_cost=max_cost is not None,
    )  # fmt: skip
    settings = run_guarded(
        lambda: BatchSettings(
            engine=engine,
            llm=llm,
            concurrency=_default_concurrency(llm) if concurrency is None else concurrency,
            max_tokens=max_tokens,
            max_cost=max_cost,
            resume=not fresh,
            prune=prune,
            time_limit=time_limit,
        )
    )
    console = Console(stderr=True)
    display = _progress_display(console) if not quiet else None
    task = None

    def on_event(kind: str, outcome: FileOutcome | None, progress: BatchProgress) -> None:
        nonlocal task
        if display is None:
            return
        if kind == "plan":  # the display starts once the inputs are known, not before an error
            display.start()
            label = f"resuming ({progress.resumed} done)" if progress.resumed else "summarising"
            task = display.add_task(label, total=progress.total, failed=0, tokens=0)
            return
        if kind == "stopping":
            display.console.print(
                "stopping: the reports in flight finish first (Ctrl-C again to quit at once; "
                "a re-run finishes the rest)",
                highlight=False,
            )
            return
        if task is None or outcome is None:
            return
        finished = progress.done + progress.failed
        display.update(task, completed=finished, failed=progress.failed, tokens=progress.tokens)
        if kind == "finished" and outcome.status == "failed":
            message = escape(f"{outcome.source}: {outcome.reason}")
            display.console.print(f"[red]failed[/] {message}", highlight=False)

    try:
        result = run_guarded(lambda: run_batch(inputs, out, settings, on_event=on_event))
    except KeyboardInterrupt:
        typer.echo("interrupted: re-run the same command to finish", err=True)
        raise typer.Exit(130) from None
    finally:
        if display is not None and display.live.is_started:
            display.stop()
    _report(result, console, quiet)
    raise typer.Exit(result.exit_code)


def _report(result: BatchResult, console: Console, quiet: bool) -> None:
    manifest = result.manifest
    counts, usage = manifest["counts"], manifest["usage"]["this_run"]
    if quiet:
        for failure in manifest["failures"]:
            typer.echo(f"failed: {failure['source']}: {failure['reason']}", err=True)
        return
    for outcome in result.outcomes:  # inputs refused before summarising (failures were shown)
        if outcome.status == "problem":
            message = escape(f"{outcome.source}: {outcome.reason}")
            console.print(f"[red]failed[/] {message}", highlight=False)
    cost = f", ${usage['cost_usd']:.4f}" if usage["cost_usd"] is not None else ""
    console.print(
        f"{counts['summarised']} summarised, {counts['resumed']} already done, "
        f"{counts['duplicates']} duplicates, {counts['failed']} failed, "
        f"{counts['not_started']} not started; {usage['tokens']:,} tokens{cost}; "
        f"{manifest['seconds']:.1f} s",
        highlight=False,
    )
    if manifest["budget"]["max_cost_usd"] is not None and usage["unpriced_reports"]:
        console.print(
            f"the cost of {usage['unpriced_reports']} report(s) is unknown for this model: "
            "--max-cost could not count it",
            highlight=False,
        )
    if manifest["status"] == "budget_reached":
        console.print("the budget was reached: re-run with a larger one to finish", highlight=False)
    elif manifest["status"] == "interrupted":
        console.print("interrupted: re-run the same command to finish", highlight=False)
    if manifest["skipped"]:
        console.print(
            f"{len(manifest['skipped'])} hidden file(s) or folder(s) not read "
            "(manifest.json names them)",
            highlight=False,
        )
    if manifest["stale_outputs"]:
        console.print(
            f"{len(manifest['stale_outputs'])} file(s) in reports/ belong to no input "
            "(deleted or edited since): manifest.json lists them, --prune removes them",
            highlight=False,
        )
    if manifest["pruned_outputs"]:
        console.print(
            f"removed {len(manifest['pruned_outputs'])} file(s) of inputs gone or edited",
            highlight=False,
        )
    console.print(f"outputs in {result.out_dir} (manifest.json lists failures)", highlight=False)
