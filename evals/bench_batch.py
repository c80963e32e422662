"""Throughput of ``summarizer batch``: the rules engine on every core, the LLM engine on a server.

    .venv/bin/python evals/bench_batch.py ../shared/datasets/corpus [--concurrency 1 2]
    .venv/bin/python evals/bench_batch.py rules [--reports 200] [--concurrency 1 2]
    .venv/bin/python evals/bench_batch.py llm [--reports 60 --concurrency 16 --latency 1]

``rules`` summarises a folder of reports (or N variants of the seed reports, each a seed with
a numbered line added, so every file has its own hash) once at each concurrency, in one run,
through the same call the CLI makes (worker processes, outputs, journal and fsyncs
included); it prints reports per second, the speed-up, and whether the outputs are identical.

``llm`` runs the LLM engine against the fault-injecting OpenAI-compatible server of
``tests/fault_server.py`` (a test double that answers every call after ``--latency``
seconds) and compares the wall time with the ideal: reports x calls per report x latency
/ concurrency.  Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summarizer.batch import BatchResult, BatchSettings, run_batch  # noqa: E402


def write_variants(folder: Path, count: int) -> list[Path]:
    """``count`` reports: the seeds in turn, each with a numbered line added at the end."""
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        seed = seeds[i % len(seeds)]
        text = seed.read_text(encoding="utf-8").rstrip("\n")
        path = folder / f"{i:03d}_{seed.stem.split('_')[0]}.txt"
        path.write_text(f"{text}\n\n（本文件编号：{i + 1:03d}）\n", encoding="utf-8")
        paths.append(path)
    return paths


def _run(folder: Path, out: Path, settings: BatchSettings) -> tuple[BatchResult, float]:
    clock = time.perf_counter()
    result = run_batch([str(folder)], out, settings)
    return result, time.perf_counter() - clock


def _written(out: Path) -> dict[str, bytes]:
    """What a batch writes that must not depend on the run (timings aside)."""
    files = {f"reports/{p.name}": p.read_bytes() for p in sorted((out / "reports").iterdir())}
    for name in ("index.jsonl", "targets.csv"):
        files[name] = (out / name).read_bytes()
    return files


def bench_rules(folder: Path | None, reports: int, levels: list[int]) -> int:
    """The rules engine over ``folder`` (or ``reports`` seed variants) at each concurrency in
    ``levels``, one run after the other in this process; the outputs must be identical."""
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        if folder is None:
            folder = Path(tmp, "in")
            write_variants(folder, reports)
        files = [p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")]
        sizes = sum(p.stat().st_size for p in files)
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        print(f"rules engine, {folder} ({len(files)} files, {sizes / 1e6:.1f} MB), {cores} cores")
        rates: dict[int, float] = {}
        first: dict[str, bytes] | None = None
        code = 0
        for level in levels:
            out = Path(tmp, f"out-{level}")
            result, wall = _run(folder, out, BatchSettings(engine="rules", concurrency=level))
            counts = result.manifest["counts"]
            done = counts["summarised"]
            rates[level] = done / wall
            written = _written(out)
            same = "" if first is None else (", outputs identical" if written == first else
                                              ", OUTPUTS DIFFER")
            if first is not None and written != first:
                code = 1
            first = first or written
            print(
                f"  concurrency {level}: {done} summarised, {counts['failed']} failed in "
                f"{wall:.2f} s = {rates[level]:.2f} reports/s{same}"
            )
            code = code or result.exit_code
        base = rates[levels[0]]
        for level in levels[1:]:
            print(f"  speed-up at {level} over {levels[0]}: {rates[level] / base:.2f}x")
        return code


def _empty_answer(request: object) -> object:
    """Empty lists: every answer model accepts them, and they are trivially grounded."""
    from fault_server import Reply

    return Reply.json({"headline_figures": [], "areas": [], "problems": [], "targets": []})


def _serve(latency: float, answers: str, port: Connection, stop: Connection) -> None:
    """The fault server in its own process, so it does not share the batch's interpreter lock."""
    sys.path.insert(0, str(ROOT / "tests"))
    from fault_server import FaultServer
    from scripted_model import grounded_answer

    responder = grounded_answer if answers == "grounded" else _empty_answer
    with FaultServer(latency=latency, responder=responder) as server:  # type: ignore[arg-type]
        port.send((server.base_url, 0))
        stop.recv()
        port.send((server.base_url, len(server.requests)))


def bench_llm(reports: int, concurrency: int, latency: float, answers: str) -> int:
    from summarizer.engines.llm.client import _libraries
    from summarizer.engines.llm.config import LLMConfig
    from summarizer.engines.llm.ratelimit import GATE

    clock = time.perf_counter()
    _libraries()  # litellm's import is a one-off start-up cost, not throughput
    imported = time.perf_counter() - clock
    GATE.reset()
    context = multiprocessing.get_context("spawn")
    port_out, port_in = context.Pipe()
    stop_out, stop_in = context.Pipe()
    server = context.Process(target=_serve, args=(latency, answers, port_in, stop_out), daemon=True)
    server.start()
    try:
        base_url, _ = port_out.recv()
        with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
            folder = Path(tmp, "in")
            write_variants(folder, reports)
            settings = BatchSettings(
                engine="llm",
                concurrency=concurrency,
                # One call at a time within a report, so the batch's concurrency is the number
                # of requests in flight; no response cache, so every call reaches the server.
                llm=LLMConfig(
                    model="openai/fault-double",
                    api_base=base_url,
                    api_key="bench-placeholder",
                    concurrency=1,
                    cache=False,
                    retries=0,
                ).resolved(),
            )
            result, wall = _run(folder, Path(tmp, "out"), settings)
        stop_in.send(None)
        _, received = port_out.recv()
    finally:
        server.join(timeout=10)
        if server.is_alive():
            server.terminate()
    usage = result.manifest["usage"]["this_run"]
    counts = result.manifest["counts"]
    calls_per_report = usage["calls"] / max(1, counts["summarised"])
    ideal = reports * calls_per_report * latency / concurrency
    print(
        f"llm engine, {reports} reports, concurrency {concurrency}, "
        f"server latency {latency:g} s, {answers} answers (fault-injecting test server)"
    )
    print(f"  litellm import before the clock: {imported:.1f} s")
    print(
        f"  summarised {counts['summarised']}, failed {counts['failed']}; "
        f"{usage['calls']} calls ({calls_per_report:.2f} per report), {received} requests received"
    )
    for failure in result.manifest["failures"][:3]:
        print(f"  failed: {failure['source']}: {failure['reason']}")
    print(
        f"  wall {wall:.2f} s; ideal {reports} x {calls_per_report:.2f} x {latency:g} s "
        f"/ {concurrency} = {ideal:.2f} s; ratio {wall / ideal:.2f} (bar: <= 1.3)"
    )
    return result.exit_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="engine", required=True)
    rules = sub.add_parser("rules", help="the rules engine at one or more concurrencies")
    rules.add_argument("folder", nargs="?", type=Path, help="reports (default: seed variants)")
    rules.add_argument("--reports", type=int, default=200, help="seed variants without a folder")
    rules.add_argument("--concurrency", type=int, nargs="+", default=[1, 2])
    llm = sub.add_parser("llm", help="the LLM engine against the fault-injecting server")
    llm.add_argument("--reports", type=int, default=60)
    llm.add_argument("--concurrency", type=int, default=16)
    llm.add_argument("--latency", type=float, default=1.0)
    llm.add_argument(
        "--answers",
        choices=("grounded", "empty"),
        default="grounded",
        help="what the server answers: sentences quoted from each call's text, or empty lists",
    )
    argv = sys.argv[1:]
    if argv and argv[0] not in ("rules", "llm", "-h", "--help"):
        argv = ["rules", *argv]  # bench_batch.py FOLDER ...: the rules engine
    args = parser.parse_args(argv)
    if args.engine == "rules":
        sys.exit(bench_rules(args.folder, args.reports, args.concurrency))
    sys.exit(bench_llm(args.reports, args.concurrency, args.latency, args.answers))


if __name__ == "__main__":
    main()
