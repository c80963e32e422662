"""Files of an evaluation: the output folder of a run, and the case cache.

An output folder holds::

    results.json            scores per case and in total (identical for identical runs)
    timings.json            latency per case, and whether it came from a cache
    report.html             the chart and the drill-down
    predictions/<id>.json   each summary that was scored

The case cache keeps whole LLM summaries keyed by engine, model, server, prompt version
and report text, so that re-running an unchanged evaluation calls no model at all.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from summarizer import __version__
from summarizer.batch.atomic import write_atomic
from summarizer.errors import InputError, SummarizerError
from summarizer.evaluate.records import RunResult, Timings
from summarizer.schema import SCHEMA_VERSION, ReportSummary

if TYPE_CHECKING:
    from summarizer.evaluate.dataset import Case
    from summarizer.evaluate.spec import EvalRun, EvalSettings

__all__ = ["CaseCache", "save_run", "load_run", "RESULTS_FILE", "TIMINGS_FILE", "REPORT_FILE"]

RESULTS_FILE = "results.json"
TIMINGS_FILE = "timings.json"
REPORT_FILE = "report.html"
PREDICTIONS_DIR = "predictions"


def _write(path: Path, text: str) -> None:
    """Write a file whole or not at all (the batch's atomic writer; keys redacted)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text)


def _stable(summary: ReportSummary) -> ReportSummary:
    """The summary without its wall-clock time, so identical runs write identical files."""
    usage = summary.engine.usage.model_copy(update={"seconds": 0.0})
    return summary.model_copy(update={"engine": summary.engine.model_copy(update={"usage": usage})})


def _prompts_identity() -> str | None:
    """The version and content hash of the LLM prompts: a prompt change misses the cache."""
    try:
        from summarizer.engines.llm.prompts import load_prompts

        prompts = load_prompts()
    except (ImportError, SummarizerError):
        return None
    return f"{prompts.version}#{prompts.digest}"


class CaseCache:
    """Whole-case LLM summaries on disk, one JSON file per key."""

    def __init__(self, folder: Path, settings: EvalSettings) -> None:
        self.folder = Path(folder)
        config = settings.llm_config()
        self._settings_key = json.dumps(
            {
                "engine": settings.engine,
                "model": config.model if config else None,
                "api_base": config.api_base if config else None,
                "parts": list(settings.parts or ()),
                "prompts": _prompts_identity(),
                "schema": SCHEMA_VERSION,
                "summarizer": __version__,
            },
            sort_keys=True,
        )

    def path(self, case: Case) -> Path:
        key = hashlib.sha256(f"{self._settings_key}\0{case.text_sha256}".encode()).hexdigest()[:32]
        return self.folder / f"{key}.json"

    def get(self, case: Case) -> ReportSummary | None:
        path = self.path(case)
        try:
            return ReportSummary.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, ValidationError, ValueError):
            return None

    def put(self, case: Case, summary: ReportSummary) -> None:
        _write(self.path(case), summary.to_json())


def save_run(run: EvalRun, out: Path) -> list[Path]:
    """Write a run's files into ``out``; return the paths written."""
    from summarizer.evaluate.html_report import render_html

    out = Path(out)
    written = [out / RESULTS_FILE, out / TIMINGS_FILE, out / REPORT_FILE]
    _write(written[0], run.result.to_json())
    _write(written[1], run.timings.to_json())
    _write(written[2], render_html(run.result, run.timings))
    for case_id, summary in run.summaries.items():
        if summary is not None:
            path = out / PREDICTIONS_DIR / f"{case_id}.json"
            _write(path, _stable(summary).to_json())
            written.append(path)
    return written


def load_run(path: str | Path) -> tuple[RunResult, Timings | None]:
    """Read a run from its output folder (or its ``results.json``)."""
    path = Path(path)
    results = path / RESULTS_FILE if path.is_dir() else path
    try:
        result = RunResult.model_validate_json(results.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError(
            f"{path}: no evaluation results here ({error.strerror or error})"
        ) from error
    except (ValidationError, ValueError) as error:
        raise InputError(f"{results}: not a results file of this version of the harness") from error
    timings_path = results.with_name(TIMINGS_FILE)
    timings = None
    if timings_path.is_file():
        try:
            timings = Timings.model_validate(json.loads(timings_path.read_text(encoding="utf-8")))
        except (OSError, ValidationError, ValueError):
            timings = None
    return result, timings
