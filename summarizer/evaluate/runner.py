"""Running an engine over every case of a dataset and scoring what it returns.

The harness is a thin client: each case is one call of
:func:`summarizer.pipeline.summarize_text`, and the summary is scored as it comes back.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from summarizer import __version__
from summarizer.errors import InputError, SummarizerError
from summarizer.evaluate.dataset import Case, Dataset
from summarizer.evaluate.results import CaseResult, CaseTiming, RunInfo, RunResult, Timings
from summarizer.evaluate.scoring import failed_case, score_case, total
from summarizer.evaluate.store import CaseCache
from summarizer.pipeline import ENGINES, engine_options
from summarizer.schema import ReportSummary

__all__ = ["EvalSettings", "EvalRun", "run_dataset"]


@dataclass(frozen=True)
class EvalSettings:
    engine: str = "rules"
    model: str | None = None
    # Passed to the LLM engine as they are (api_base, ...); never written to the results.
    llm_options: dict[str, Any] = field(default_factory=dict, repr=False)
    cache_dir: Path | None = None

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise InputError(f"unknown engine {self.engine!r}: choose one of {', '.join(ENGINES)}")
        if self.model and self.engine != "llm":
            raise InputError("a model applies to the llm engine only (add --engine llm)")

    def pipeline_options(self) -> dict[str, Any]:
        """Keyword arguments for ``summarize_text``."""
        return engine_options(self.engine, self.model, self.llm_options)


@dataclass
class EvalRun:
    """A scored run: the results, the latencies, and the summaries that were scored."""

    result: RunResult
    timings: Timings
    summaries: dict[str, ReportSummary | None]


def _summarize(case: Case, settings: EvalSettings) -> ReportSummary:
    from summarizer.pipeline import summarize_text

    return summarize_text(case.text, name=case.case_id, **settings.pipeline_options())


def run_dataset(
    dataset: Dataset,
    settings: EvalSettings | None = None,
    *,
    on_case: Callable[[CaseResult, CaseTiming], None] | None = None,
    summarize: Callable[[Case], ReportSummary] | None = None,
) -> EvalRun:
    """Summarise and score every case, in case-id order.

    An engine error on one case is recorded in that case's result, which then scores as all
    missed, and the run goes on.  ``summarize`` replaces the pipeline call (tests use it to
    score hand-built summaries).
    """
    settings = settings or EvalSettings()
    cache = (
        CaseCache(settings.cache_dir, settings)
        if settings.engine == "llm" and settings.cache_dir
        else None
    )
    call = summarize or (lambda case: _summarize(case, settings))

    results: list[CaseResult] = []
    timings: list[CaseTiming] = []
    summaries: dict[str, ReportSummary | None] = {}
    for case in dataset.cases:
        started = time.perf_counter()
        cached = cache.get(case) if cache else None
        summary: ReportSummary | None = cached
        error = None
        if summary is None:
            try:
                summary = call(case)
            except SummarizerError as exc:
                error = str(exc) or type(exc).__name__
            except Exception as exc:  # an engine bug fails its case, not the whole run
                error = f"internal error: {type(exc).__name__}: {exc}"
            else:
                if cache:
                    cache.put(case, summary)
        seconds = time.perf_counter() - started
        if summary is None:
            result = failed_case(case, error or "no summary")
        else:
            result = score_case(case, summary)
        timing = CaseTiming(
            case_id=case.case_id,
            seconds=round(seconds, 3),
            cached=cached is not None,
            cached_calls=summary.engine.usage.cached_calls if summary else 0,
        )
        results.append(result)
        timings.append(timing)
        summaries[case.case_id] = summary
        if on_case:
            on_case(result, timing)

    produced = [s for s in summaries.values() if s is not None]
    info = RunInfo(
        dataset=dataset.name,
        dataset_fingerprint=dataset.fingerprint(),
        engine=settings.engine,
        model=next((s.engine.model for s in produced if s.engine.model), settings.model),
        prompt_version=next(
            (s.engine.prompt_version for s in produced if s.engine.prompt_version), None
        ),
        summarizer_version=__version__,
    )
    run = RunResult(info=info, cases=results, totals=total(results))
    return EvalRun(run, Timings(cases=timings), summaries)
