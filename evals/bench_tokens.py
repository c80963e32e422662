"""Token and wall-time benchmark of the LLM engine, against the fault server (a test double).

    .venv/bin/python evals/bench_tokens.py [--latency 1.0] [--profile server|local|both] [SEED ...]

For each report it prints its kind (full, digest, partial), the report's own token count, the
tokens the engine sent for a full summary (targets, review, tasks with the rules engine's draft
of each slice, and the overview), their ratio (goal: at most 1.3 for full reports), what
sending the whole report to each of the three calls would cost, the wall time against the
slowest single call and the sum of all calls (the server answers every request after a fixed
``--latency``), and a second run served from the cache (goal: zero tokens, under 1 s).  The
tokens sent are split into the report text, the drafts and the fixed prompt (system prompt,
instructions, examples, schema).

Tokens are counted with the built-in model's own tokenizer (Qwen2.5, from the assembled GGUF)
when it is installed, else with litellm's counter; the fault server counts prompts the same way.
Profiles: ``server`` is the default for an OpenAI-compatible server (``openai/NAME`` with
``--api-base``), ``local`` the chunking of the built-in model (smaller calls, one at a time).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the fault server lives with the tests

from fault_server import FaultServer, Reply, Request  # noqa: E402
from scripted_model import document_of, grounded_answer  # noqa: E402

from summarizer.report.prepared import prepare  # noqa: E402

PROFILES = {
    "server": {},
    "local": {"chunk_tokens": 3500, "context_tokens": 8192, "max_tokens": 1536, "concurrency": 1},
}


def token_counter(kind: str):
    """(name, count) for the tokenizer asked for."""
    if kind in ("auto", "qwen"):
        try:
            from llama_cpp import Llama

            from summarizer.engines.llm.local import model_path

            vocab = Llama(model_path=str(model_path()), vocab_only=True, verbose=False)
            lock = threading.Lock()

            def count(text: str) -> int:
                with lock:
                    return len(vocab.tokenize(text.encode("utf-8"), add_bos=False, special=False))

            return "qwen2.5 (built-in model)", count
        except Exception as error:  # not installed: fall back to litellm's counter
            if kind == "qwen":
                raise SystemExit(
                    f"the built-in model's tokenizer is not available: {error}"
                ) from None
    from summarizer.engines.llm.client import count_tokens

    return "litellm token_counter", lambda text: count_tokens(text, "openai/bench")


def naive_tokens(report, count) -> int:
    """Tokens of three calls that each send the whole report with the same prompts."""
    from summarizer.engines.llm.answers import ANSWERS
    from summarizer.engines.llm.prompts import load_prompts

    prompts = load_prompts()
    total = 0
    for task in ("targets", "review", "tasks"):
        model = ANSWERS[task]
        messages = prompts.messages(task, report.source.text)
        schema = json.dumps(model.model_json_schema(), ensure_ascii=False, separators=(",", ":"))
        total += count("\n".join(m["content"] for m in messages) + schema)
    return total


def split(requests: list[Request], count) -> tuple[int, int]:
    """Tokens of report text and of drafts in what was sent."""
    text = draft = 0
    for request in requests:
        text += count(document_of(request))
        for message in request.messages:
            for line in (message.get("content") or "").splitlines():
                if line.startswith("初稿（JSON）："):
                    draft += count(line)
    return text, draft


def run(report, server: FaultServer, options: dict) -> tuple[object, float]:
    from summarizer.engines.llm.config import load_config
    from summarizer.engines.llm.engine import LLMEngine

    config = load_config({"model": "openai/bench", "api_base": server.base_url, **options})
    started = time.monotonic()
    summary = LLMEngine(config).summarize(report)
    return summary, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("seeds", nargs="*", type=Path, help="report files (default: seeds/*.txt)")
    parser.add_argument("--latency", type=float, default=1.0, help="seconds per model answer")
    parser.add_argument("--profile", choices=("server", "local", "both"), default="both")
    parser.add_argument("--tokenizer", choices=("auto", "qwen", "litellm"), default="auto")
    args = parser.parse_args()
    paths = args.seeds or sorted((ROOT / "seeds").glob("*.txt"))
    tokenizer, count = token_counter(args.tokenizer)
    from summarizer.engines.llm.client import _libraries

    _libraries()  # pay litellm's import before any clock starts
    print(f"tokenizer: {tokenizer}; fault server latency {args.latency:g} s per answer")
    header = (
        f"{'report':<28} {'kind':<7} {'profile':<7} {'report':>7} {'sent':>7} {'text':>6} "
        f"{'draft':>6} {'ratio':>6} {'naive':>7} {'naive×':>6} {'calls':>5} {'wall s':>7} "
        f"{'slowest':>7} {'sum s':>7} {'cached':>6} {'cache s':>7}"
    )
    print(header)
    profiles = ["server", "local"] if args.profile == "both" else [args.profile]
    worst = {"full": 0.0, "other": 0.0}
    for path in paths:
        report = prepare(path.read_text(encoding="utf-8"), path.name)
        from summarizer.engines.rules import summarize as rules_summarize

        kind = rules_summarize(report).meta.kind
        own = count(report.original)
        naive = naive_tokens(report, count)
        for profile in profiles:
            timings: list[float] = []

            def timed(request: Request, timings: list[float] = timings) -> Reply:
                timings.append(args.latency)
                return grounded_answer(request)

            with (
                tempfile.TemporaryDirectory() as home,
                FaultServer(latency=args.latency, responder=timed, count_tokens=count) as server,
            ):
                import os

                os.environ["SUMMARIZER_HOME"] = home
                options = {**PROFILES[profile], "cache": True}
                first, wall = run(report, server, options)
                second, cached_wall = run(report, server, options)
                text, drafts = split(server.requests, count)
            usage = first.engine.usage
            ratio = usage.tokens_in / own if own else 0.0
            group = "full" if kind == "full" else "other"
            worst[group] = max(worst[group], ratio)
            print(
                f"{path.name[:28]:<28} {kind:<7} {profile:<7} {own:>7} {usage.tokens_in:>7} "
                f"{text:>6} {drafts:>6} {ratio:>6.2f} {naive:>7} {naive / own:>6.2f} "
                f"{usage.calls:>5} {wall:>7.2f} {max(timings, default=0):>7.2f} "
                f"{sum(timings):>7.2f} {second.engine.usage.tokens_in:>6} {cached_wall:>7.2f}"
            )
    print(
        f"largest ratio of tokens sent to report tokens: {worst['full']:.2f} for full reports "
        f"(goal <= 1.30), {worst['other']:.2f} for digests and partial reports"
    )


if __name__ == "__main__":
    main()
