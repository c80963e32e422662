"""``summarizer eval``: score an engine on a dataset, compare two runs, test the verifier.

    summarizer eval --dataset PATH [--engine rules|llm] [--model M] [--api-base URL] [--out DIR]
    summarizer eval compare RUN_A RUN_B
    summarizer eval verifier [--dataset PATH ...]
    summarizer eval coverage DIR [--format table|csv] [--all]     (no gold needed)

Exit codes: 0 done, 1 some case failed (eval) / a regression (compare --fail-on-regression) /
a goal missed (verifier --strict), 2 bad usage or a refused dataset.
"""

from __future__ import annotations

import os
import shutil
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from summarizer.cli._common import (
    ApiBaseOption,
    ConcurrencyOption,
    EngineOption,
    ModelOption,
    ProfileOption,
    RouterOption,
    build_engine,
    fail,
    llm_settings,
    run_guarded,
)

app = typer.Typer(
    help="Score an engine on a dataset of reports with gold annotations (GOLD_FORMAT.md).",
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _console() -> Console:
    return Console(width=shutil.get_terminal_size((170, 24)).columns, highlight=False)


def _default_cache(out: Path | None) -> Path | None:
    if out is not None:
        return out / ".cache"
    home = os.environ.get("SUMMARIZER_HOME")
    return Path(home) / "eval-cache" if home else None


@app.callback()
def run(
    ctx: typer.Context,
    dataset: Annotated[
        Path | None,
        typer.Option(
            "--dataset",
            "-d",
            envvar="SUMMARIZER_EVAL_DATASET",
            help="dataset folder (GOLD_FORMAT.md)",
        ),
    ] = None,
    engine: EngineOption = "rules",
    model: ModelOption = None,
    api_base: ApiBaseOption = None,
    profile: ProfileOption = None,
    router: RouterOption = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="folder for results.json, report.html and predictions"),
    ] = None,
    case: Annotated[
        list[str] | None, typer.Option("--case", help="score only this case (repeatable)")
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="summarise every case again (llm engine)")
    ] = False,
    llm_parts: Annotated[
        list[str] | None,
        typer.Option(
            "--llm-parts",
            help="llm engine: make only these calls (targets, review, tasks; repeatable); "
            "the rest of the summary comes from the segmenter's structure",
        ),
    ] = None,
    concurrency: ConcurrencyOption = None,
) -> None:
    """Score an engine on every case of a dataset folder."""
    if ctx.invoked_subcommand is not None:
        return
    if dataset is None:
        fail("give a dataset folder: summarizer eval --dataset PATH")
    from summarizer.evaluate import EvalSettings, load_dataset, print_run, run_dataset, save_run

    llm = llm_settings(engine, model=model, api_base=api_base, profile=profile, router=router)
    parts = None
    if llm_parts:
        unknown = sorted(set(llm_parts) - {"targets", "review", "tasks"})
        if unknown or engine != "llm":
            fail("--llm-parts takes targets, review or tasks, with --engine llm")
        parts = tuple(sorted(set(llm_parts)))
    settings = run_guarded(
        lambda: EvalSettings(
            engine=engine,
            llm=llm,
            parts=parts,
            cache_dir=None if no_cache else _default_cache(out),
            concurrency=concurrency,
        )
    )
    data = run_guarded(lambda: load_dataset(dataset, case or None))
    console = _console()
    err = Console(stderr=True, highlight=False)

    def progress(result, timing) -> None:
        mark = "[red]failed[/]" if result.error else "done"
        err.print(f"[dim]{escape(result.case_id)}: {mark} in {timing.seconds:.2f}s[/]")

    evaluation = run_guarded(lambda: run_dataset(data, settings, on_case=progress))
    print_run(console, evaluation.result, evaluation.timings)
    if out is not None:
        written = save_run(evaluation, out)
        console.print(
            f"wrote {escape(str(out / 'results.json'))}, {escape(str(out / 'report.html'))} "
            f"and {len(written) - 3} prediction(s)"
        )
    if evaluation.result.totals.errors:
        raise typer.Exit(1)


@app.command("compare")
def compare(
    run_a: Annotated[
        Path, typer.Argument(help="the first run: an --out folder or its results.json")
    ],
    run_b: Annotated[Path, typer.Argument(help="the second run, compared with the first")],
    json_out: Annotated[
        Path | None, typer.Option("--json", help="also write the comparison as JSON here")
    ] = None,
    fail_on_regression: Annotated[
        bool, typer.Option("--fail-on-regression", help="exit 1 if any case or total got worse")
    ] = False,
) -> None:
    """Show what got better and what got worse from RUN_A to RUN_B, case by case."""
    from summarizer.evaluate import compare_runs, load_run, print_comparison

    result_a, timings_a = run_guarded(lambda: load_run(run_a))
    result_b, timings_b = run_guarded(lambda: load_run(run_b))
    comparison = compare_runs(result_a, result_b)
    print_comparison(_console(), comparison, (timings_a, timings_b))
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(comparison.model_dump_json(indent=2), encoding="utf-8")
    if fail_on_regression and comparison.regressed:
        raise typer.Exit(1)


def _default_datasets() -> list[Path]:
    """The datasets in a source checkout's evals/datasets; an installed wheel has none."""
    import summarizer

    root = Path(summarizer.__file__).resolve().parent.parent / "evals" / "datasets"
    return sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []


@app.command("verifier")
def verifier(
    dataset: Annotated[
        list[Path] | None,
        typer.Option(
            "--dataset",
            "-d",
            help="dataset folder (repeatable) [default: the datasets in evals/datasets]",
        ),
    ] = None,
    source: Annotated[
        str, typer.Option("--source", help="correct summaries to perturb: gold, rules or both")
    ] = "both",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="write verifier.json here")
    ] = None,
    show: Annotated[
        int, typer.Option("--show", help="list this many missed plants and false alarms")
    ] = 10,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="exit 1 if a goal (99% caught, 1% false alarms) is missed"),
    ] = False,
) -> None:
    """Plant wrong numbers in correct summaries and measure how many the verifier catches."""
    from summarizer.evaluate import load_dataset
    from summarizer.evaluate.verifier_eval import SOURCES, evaluate_verifier, print_verifier_report

    if source not in SOURCES:
        fail(f"unknown source {source!r}: choose {', '.join(SOURCES)}")
    folders = dataset or _default_datasets()
    if not folders:
        fail(
            "no dataset found: give one with --dataset PATH "
            "(the default, evals/datasets, comes with a source checkout, not with the package)"
        )
    datasets = [run_guarded(partial(load_dataset, folder)) for folder in folders]
    report = run_guarded(lambda: evaluate_verifier(datasets, source=source))
    print_verifier_report(_console(), report, show=show)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "verifier.json").write_text(report.to_json(), encoding="utf-8")
    if strict and not report.meets_goals:
        raise typer.Exit(1)


@app.command("coverage")
def coverage(
    folder: Annotated[Path, typer.Argument(help="a folder of reports (any of .txt .md .html .docx .pdf)")],
    engine: EngineOption = "rules",
    format: Annotated[str, typer.Option("--format", "-f", help="table or csv")] = "table",
    show_all: Annotated[
        bool, typer.Option("--all", help="list every report, not only those with something missing")
    ] = False,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="write the CSV here too")] = None,
    show: Annotated[
        bool,
        typer.Option("--show", help="list every figure whose number is not bound to its indicator"),
    ] = False,
) -> None:
    """Coverage without gold: what the engine finds in every report of a folder, and totals."""
    from summarizer.evaluate.coverage import coverage_rows, report_files, to_csv, totals

    if format not in ("table", "csv"):
        fail("--format takes table or csv")
    if not folder.is_dir():
        fail(f"{folder}: not a folder")
    paths = report_files(folder)
    if not paths:
        fail(f"{folder}: no report files (.txt .md .html .docx .pdf)")
    chosen = build_engine(engine)
    err = Console(stderr=True, highlight=False)
    rows = coverage_rows(paths, chosen, on_row=None if format == "csv" else lambda r: None)
    text = to_csv(rows)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        err.print(f"wrote {out}")
    if format == "csv":
        typer.echo(text, nl=False)
        return
    _print_coverage(_console(), rows, totals(rows), show_all, show)


def _print_coverage(console: Console, rows, total, show_all: bool, show: bool) -> None:  # noqa: ANN001
    from rich.table import Table

    table = Table(title="coverage (rules engine)" if rows else "coverage", title_justify="left")
    for name in ("report", "level", "year", "kind", "states", "targets", "review", "tasks", "figures",
                 "targets check", "warnings"):  # fmt: skip
        table.add_column(name, overflow="fold")
    shown = 0
    for r in rows:
        problem = r.error or r.missed_targets or r.task_areas < 3 or r.review_areas < 3 or (
            r.kind == "partial"
        ) or r.targets_check in ("incomplete", "not_found")
        if not (show_all or problem):
            continue
        shown += 1
        table.add_row(
            escape(r.report), r.level, str(r.year or ""), r.kind, "yes" if r.states_targets else "no",
            str(r.targets), str(r.review_areas), str(r.task_areas), str(r.headline_figures),
            r.targets_check, escape(r.error or r.warnings),
        )  # fmt: skip
    if shown:
        console.print(table)

    def share(n: int, of: int) -> str:
        return f"{n}/{of} ({100 * n / of:.1f}%)" if of else f"{n}/0"

    done = total.reports - total.failed
    console.print(
        f"reports {total.reports} (failed {total.failed}); "
        f"targets found where the text states them {share(total.targets_found, total.stating_targets)}; "
        f"GDP target {share(total.gdp_target_found, total.stating_targets)}; "
        f">=3 task areas {share(total.three_task_areas, done)}; "
        f">=3 review areas {share(total.three_review_areas, done)}; "
        f"headline figures {share(total.headline_figures, done)}; "
        f"partial {total.partial}; targets check incomplete or not found {total.targets_incomplete}"
    )
    all_shown, all_bound = sum(total.shown.values()), sum(total.bound.values())
    parts = "; ".join(
        f"{part} {share(total.bound[part], total.shown[part])}" for part in total.shown
    )
    console.print(f"figures bound to their indicator {share(all_bound, all_shown)}: {parts}")
    if show:
        for r in rows:
            for u in r.unbound:
                console.print(
                    f"  {escape(r.report)} {u.path} {escape(u.raw)}: {escape(u.clause)}",
                    soft_wrap=True,
                )
