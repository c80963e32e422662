"""``summarizer bench PATH...``: time load + segment + extract + rules + verify per report."""

from __future__ import annotations

import os
import resource
import statistics
import time
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from summarizer.cli._common import run_guarded

REFERENCE_CHARS = 17_000  # a report of typical length, the size the speed goal names


def _files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.iterdir()
                    if p.suffix in (".txt", ".md", ".html", ".docx", ".pdf")
                )
            )
        else:
            files.append(path)
    return files


def main(
    paths: Annotated[list[Path], typer.Argument(help="report files or folders")],
    repeat: Annotated[int, typer.Option("--repeat", "-n", min=1, help="runs per report")] = 50,
    one_core: Annotated[
        bool, typer.Option("--one-core/--all-cores", help="pin the process to one core")
    ] = True,
) -> None:
    """Benchmark the rules pipeline (no model): per-report median time and peak memory."""
    from summarizer.pipeline import summarize_text
    from summarizer.report.load import load_path

    if one_core and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    table = Table(
        title=f"rules pipeline, {repeat} runs per report" + (", one core" if one_core else "")
    )
    columns = (
        "report",
        "chars",
        "median ms",
        "min ms",
        "median cpu ms",
        "targets",
        "numbers",
        "grounded",
    )
    for column in columns:
        table.add_column(column, justify="left" if column == "report" else "right")
    per_report: list[tuple[int, float]] = []  # (characters, median cpu ms)
    for path in _files(paths):
        times, cpu_times = [], []
        summary = None
        for _ in range(repeat):
            started, cpu_started = time.perf_counter(), time.process_time()
            document = run_guarded(partial(load_path, path))
            summary = run_guarded(partial(summarize_text, document.text, name=document.name))
            times.append((time.perf_counter() - started) * 1000)
            cpu_times.append((time.process_time() - cpu_started) * 1000)
        assert summary is not None and summary.verification is not None
        check = summary.verification
        per_report.append((len(document.text), statistics.median(cpu_times)))
        table.add_row(
            path.name,
            str(len(document.text)),
            f"{statistics.median(times):.1f}",
            f"{min(times):.1f}",
            f"{statistics.median(cpu_times):.1f}",
            str(len(summary.targets)),
            str(check.numbers_total),
            f"{check.numbers_grounded}/{check.numbers_total}",
        )
    console = Console()
    console.print(table)
    if len(per_report) > 1:
        chars = statistics.median(c for c, _ in per_report)
        ms = statistics.median(t for _, t in per_report)
        scaled = statistics.median(t * REFERENCE_CHARS / c for c, t in per_report if c)
        console.print(
            f"median over {len(per_report)} reports: {ms:.1f} ms cpu per report "
            f"(median length {chars:,.0f} characters); {scaled:.1f} ms per "
            f"{REFERENCE_CHARS:,} characters"
        )
    console.print(
        "wall time includes waiting for the CPU when other processes run; cpu time does not"
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    console.print(f"peak memory (max RSS of this process): {peak_mb:.1f} MB")
