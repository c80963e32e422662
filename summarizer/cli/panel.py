"""``summarizer panel INPUT... --out DIR``: targets and results of many reports, as one table.

Exit codes: 0 the panel is written, 1 some input could not be read or summarised or a quote
was not found, 2 bad usage, 130 interrupted.  Reports whose region or year is unknown are
listed in the summary.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from summarizer.cli._common import (
    ApiBaseOption,
    ConcurrencyOption,
    EngineOption,
    ModelOption,
    ProfileOption,
    RouterOption,
    fail,
    llm_settings,
    run_guarded,
)

if TYPE_CHECKING:
    from summarizer.panel import PanelResult


def main(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="report files, folders, glob patterns, or the output folder of a batch"
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", envvar="SUMMARIZER_PANEL_OUT", help="output folder")
    ],
    format: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            "-f",
            help="csv (always written), parquet, xlsx or all; repeat for several",
        ),
    ] = None,
    engine: EngineOption = "rules",
    model: ModelOption = None,
    api_base: ApiBaseOption = None,
    profile: ProfileOption = None,
    router: RouterOption = None,
    concurrency: ConcurrencyOption = None,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="summarise again the reports already done in OUT")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="errors only")] = False,
) -> None:
    """Pair each report with its region's next-year report and tabulate targets and results.

    Writes OUT/panel.csv (and .parquet, .xlsx), OUT/reports.csv, OUT/summary.md, OUT/chart.html,
    OUT/panel.json and the summaries in OUT/batch/. Re-run the same command to resume.
    """
    from summarizer.batch import BatchSettings
    from summarizer.cli.batch import _default_concurrency
    from summarizer.panel import run_panel

    llm = llm_settings(engine, model=model, api_base=api_base, profile=profile, router=router)
    formats = _formats(format or [])
    settings = run_guarded(
        lambda: BatchSettings(
            engine=engine,
            llm=llm,
            concurrency=_default_concurrency(llm) if concurrency is None else concurrency,
            resume=not fresh,
        )
    )
    console = Console(stderr=True)
    if not quiet:
        console.print("summarising and pairing the reports…", highlight=False)
    try:
        result = run_guarded(lambda: run_panel(inputs, out, settings, formats=formats))
    except KeyboardInterrupt:
        typer.echo("interrupted: re-run the same command to finish", err=True)
        raise typer.Exit(130) from None
    _report(result, console, quiet)
    raise typer.Exit(result.exit_code)


def _formats(asked: list[str]) -> list[str]:
    from summarizer.panel.writers import FORMATS

    formats = ["csv"]
    for item in asked:
        for name in item.split(","):
            name = name.strip().lower()
            if name == "all":
                formats += [f for f in FORMATS if f not in formats]
            elif name not in FORMATS:
                fail(f"unknown format {name!r}: choose csv, parquet, xlsx or all")
            elif name not in formats:
                formats.append(name)
    return formats


def _report(result: PanelResult, console: Console, quiet: bool) -> None:
    view = result.overview
    problems = view.failed + [f"{line} (left out)" for line in view.unknown]
    problems += list(view.quotes.misses)
    if quiet:
        for line in problems:
            typer.echo(f"problem: {line}", err=True)
        return
    v = view.verdicts
    lines = [
        f"{view.reports} reports read, {view.used} in the panel (one per region and year), "
        f"{view.pairs} pairs of consecutive years, {view.rows} rows",
        f"verdicts: {v['met']} met, {v['missed']} missed, {v['no_result']} no result reported, "
        f"{v['cannot_tell']} cannot tell, {v['unpaired']} without a next-year report",
        f"quotes: {view.quotes.found} of {view.quotes.checked} found in their sources at their offsets",
    ]
    for year in view.years:
        share = "—" if year.share_met is None else f"{year.share_met:.0%}"
        values = year.values
        lines.append(
            f"  {year.year}: {len(values)} GDP growth targets, {min(values):g}%–{max(values):g}%, "
            f"met {share} of {year.met + year.missed} judged"
        )
    if view.gaps:
        above = sum(g.count(1) for g in view.gaps)
        below = sum(g.count(-1) for g in view.gaps)
        same = sum(g.count(0) for g in view.gaps)
        lines.append(
            f"lower levels against higher: {above} GDP targets above, {same} equal, {below} below "
            f"(in {len(view.gaps)} region-years)"
        )
    if view.unknown:
        lines.append(f"region or year unknown, left out: {len(view.unknown)} (see summary.md)")
    if view.set_aside:
        lines.append(f"second reports of a region and year, not used: {len(view.set_aside)}")
    for line in view.failed:
        lines.append(f"failed: {line}")
    lines.append(f"{view.seconds or 0:.1f} s; outputs in {result.out_dir} (summary.md, panel.csv)")
    for line in lines:
        console.print(line, highlight=False, markup=False, soft_wrap=True)
