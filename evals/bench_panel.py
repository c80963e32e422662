"""Time ``summarizer panel`` on a corpus and check what it wrote, independently of the run.

    .venv/bin/python evals/bench_panel.py ../shared/datasets/corpus [--cores 2] [--keep OUT]

Runs the command as a user would (a fresh output folder, every extra format, the rules
engine) pinned to ``--cores`` CPU cores, and reports the wall time.  Then, from the files
alone:

- every quote of ``panel.csv`` is read from its source file at its offsets;
- for inputs named ``YEAR_LEVEL_REGION.ext`` (the shared corpus), each report's region and
  year in ``reports.csv`` are compared with its name, and the pairs made with the regions
  that have reports of consecutive years.

Exit code 0 when the run took under five minutes and every check holds, else 1.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.analysis.divisions import find_division  # noqa: E402
from summarizer.report.load import load_path  # noqa: E402
from summarizer.report.normalize import canon  # noqa: E402

LIMIT_SECONDS = 300
_NAMED = re.compile(r"^(\d{4})_(province|city|district|county)_(.+)\.\w+$")


def _plain(text: str) -> str:
    """Text as quotes are written: width folded, no white space or Markdown marks."""
    return re.sub(r"\s+|\*\*|<!--.*?-->", "", canon(text))


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _quotes(rows: list[dict[str, str]]) -> tuple[int, int, list[str]]:
    texts: dict[str, str] = {}
    checked = found = 0
    misses = []
    for n, row in enumerate(rows, start=2):
        for prefix in ("target", "result"):
            quote, source = row[f"{prefix}_quote"], row[f"{prefix}_source"]
            if not quote:
                continue
            if source not in texts:
                texts[source] = load_path(source).text
            start, end = int(row[f"{prefix}_start"]), int(row[f"{prefix}_end"])
            stored = quote[1:] if quote.startswith("'") and quote[1:2] in "=+-@" else quote
            checked += 1
            if _plain(texts[source][start:end]) == _plain(stored):
                found += 1
            else:
                misses.append(f"panel.csv line {n}: {prefix} quote not at {start}-{end}")
    return checked, found, misses


def _names(reports: list[dict[str, str]]) -> tuple[list[str], set[str], set[str]]:
    """(reports placed wrongly, pairs expected, pairs made) for files named YEAR_LEVEL_REGION."""
    wrong, truth, by_source = [], {}, {}
    for report in reports:
        match = _NAMED.match(Path(report["source"]).name)
        if match is None:
            continue
        division = find_division(match.group(3))
        region = division.name if division else match.group(3)
        truth[(region, int(match.group(1)))] = report["source"]
        by_source[report["source"]] = report
        if (report["region"], report["year"]) != (region, match.group(1)):
            wrong.append(f"{report['source']}: read as {report['region']} {report['year']}")
    expected = {f"{r} {y}" for r, y in truth if (r, y + 1) in truth}
    made = set()
    for (region, year), source in truth.items():
        if by_source[source]["next_year_source"]:
            made.add(f"{region} {year}")
    return wrong, expected, made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="write the panel here instead of a temp folder")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-panel-") as tmp:
        out = args.keep or Path(tmp, "panel")
        command = [sys.executable, "-m", "summarizer", "panel", str(args.corpus), "--out", str(out)]
        command += ["--format", "all", "--fresh", "--quiet"]

        def pin() -> None:
            if hasattr(os, "sched_setaffinity"):
                cores = sorted(os.sched_getaffinity(0))[: args.cores]
                os.sched_setaffinity(0, set(cores))

        clock = time.perf_counter()
        done = subprocess.run(command, preexec_fn=pin, cwd=ROOT, check=False)
        wall = time.perf_counter() - clock
        rows = _rows(out / "panel.csv")
        reports = _rows(out / "reports.csv")
        checked, found, misses = _quotes(rows)
        wrong, expected, made = _names(reports)
    verdicts = Counter(row["verdict"] or "unpaired" for row in rows)
    print(
        f"wall time        {wall:.1f} s on {args.cores} cores (limit {LIMIT_SECONDS} s), exit {done.returncode}"
    )
    print(
        f"reports          {len(reports)} read, {sum(r['status'] == 'used' for r in reports)} used"
    )
    print(f"rows             {len(rows)}")
    print(f"verdicts         {dict(sorted(verdicts.items()))}")
    print(f"quotes           {found} of {checked} found at their offsets")
    if expected or made:
        print(
            f"pairs            {len(made & expected)} of {len(expected)} expected from the file names"
        )
        print(f"identity         {len(wrong)} reports read with another region or year than named")
    for line in misses[:20] + wrong + sorted(f"missing pair: {p}" for p in expected - made):
        print(f"  {line}")
    ok = wall < LIMIT_SECONDS and checked == found and not wrong and expected <= made
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
