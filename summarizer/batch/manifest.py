"""The run manifest: what a batch run did, for people and for scripts.

Written last, atomically, as ``OUT/manifest.json``.  It holds the settings (never an API
key or server address), counts, tokens, cost, wall time and every failure with its reason.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from summarizer.batch.atomic import write_atomic
from summarizer.batch.budget import Budget
from summarizer.batch.settings import BatchSettings
from summarizer.schema import SCHEMA_VERSION, Usage

if TYPE_CHECKING:
    from summarizer.batch.status import FileOutcome

__all__ = ["MANIFEST_NAME", "build_manifest", "write_manifest"]

MANIFEST_NAME = "manifest.json"


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")


def _usage_total(usages: list[Usage]) -> dict[str, Any]:
    priced = [u.cost_usd for u in usages if u.cost_usd is not None]
    return {
        "reports": len(usages),
        "calls": sum(u.calls for u in usages),
        "tokens_in": sum(u.tokens_in for u in usages),
        "tokens_out": sum(u.tokens_out for u in usages),
        "tokens": sum(u.tokens_in + u.tokens_out for u in usages),
        "cost_usd": round(sum(priced), 6) if priced else None,
        "unpriced_reports": sum(u.cost_usd is None and u.calls > 0 for u in usages),
        "engine_seconds": round(sum(u.seconds for u in usages), 3),
        "calls_by_server": _by_server(usages),
    }


def _by_server(usages: list[Usage]) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for usage in usages:
        counts.update(usage.servers)
    return dict(sorted(counts.items()))


def build_manifest(
    *,
    settings: BatchSettings,
    settings_key: str,
    outcomes: list[FileOutcome],
    budget: Budget,
    started_at: float,
    seconds: float,
    interrupted: bool,
    tables: dict[str, str],
    skipped: list[dict[str, Any]] | None = None,
    stale: list[str] | None = None,
    pruned: int = 0,
) -> dict[str, Any]:
    from summarizer import __version__

    counts = Counter(outcome.status for outcome in outcomes)
    this_run = [o.usage for o in outcomes if o.status == "ok" and o.usage]
    every = [o.usage for o in outcomes if o.status in ("ok", "resumed") and o.usage]
    failures = [
        {"source": o.source, "reason": o.reason}
        for o in outcomes
        if o.status in ("failed", "problem")
    ]
    not_started = counts["not_started"]
    if interrupted:
        status = "interrupted"
    elif budget.reached and not_started:
        status = "budget_reached"
    elif failures or not_started:
        status = "failures"
    else:
        status = "complete"
    return {
        "status": status,
        "summarizer_version": __version__,
        "schema_version": SCHEMA_VERSION,
        "engine": settings.engine,
        "model": settings.resolved_model,
        "prompt_version": settings.prompt_version,
        "settings_key": settings_key,
        "concurrency": settings.concurrency,
        "resume": settings.resume,
        "budget": {
            "max_tokens": settings.max_tokens,
            "max_cost_usd": settings.max_cost,
            "reached": budget.reached,
        },
        "started_at": _iso(started_at),
        "finished_at": _iso(started_at + seconds),
        "seconds": round(seconds, 3),
        "counts": {
            "files": len(outcomes),
            "reports": len(outcomes) - counts["duplicate"] - counts["problem"],
            "duplicates": counts["duplicate"],
            "summarised": counts["ok"],
            "resumed": counts["resumed"],
            "failed": counts["failed"] + counts["problem"],
            "not_started": not_started,
        },
        "usage": {"this_run": _usage_total(this_run), "all_reports": _usage_total(every)},
        "failures": failures,
        "skipped": skipped or [],  # hidden files and folders, named and not read
        # outputs in reports/ of no input of this run (deleted, renamed or edited since)
        "stale_outputs": [] if pruned else (stale or []),
        "pruned_outputs": (stale or []) if pruned else [],
        "outputs": {"reports": "reports/", **tables},
    }


def write_manifest(out_dir: Path, manifest: dict[str, Any]) -> Path:
    path = out_dir / MANIFEST_NAME
    write_atomic(path, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return path
