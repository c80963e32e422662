"""Running an engine over every case of a dataset and scoring what it returns.

The harness is a thin client: each case is one call of
:func:`summarizer.pipeline.summarize_text`, and the summary is scored as it comes back, in
case-id order.  With the rules engine the calls run in worker processes, one per core by
default (:mod:`summarizer.batch.workers`); the results are the same at any concurrency.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

from summarizer import __version__
from summarizer.errors import SummarizerError
from summarizer.evaluate.dataset import Case, Dataset
from summarizer.evaluate.records import CaseResult, CaseTiming, RunInfo, RunResult, Timings
from summarizer.evaluate.scoring import failed_case, score_case, total
from summarizer.evaluate.spec import EvalRun, EvalSettings
from summarizer.evaluate.store import CaseCache
from summarizer.schema import ReportSummary

__all__ = ["run_dataset"]


def _summarizer(settings: EvalSettings) -> Callable[[Case], ReportSummary]:
    from summarizer.pipeline import summarize_text

    engine = settings.create_engine()
    return lambda case: summarize_text(case.text, name=case.case_id, engine=engine)


def summarize_case(text: str, case_id: str) -> str:
    """In a worker process: a case summarised by the rules engine, as JSON."""
    from summarizer.pipeline import summarize_text

    return summarize_text(text, name=case_id).to_json()


def _in_workers(workers: int) -> Callable[[Case], ReportSummary]:
    from summarizer.batch.settings import RULES_TIME_LIMIT
    from summarizer.batch.workers import shared_pool

    pool = shared_pool(workers)

    def call(case: Case) -> ReportSummary:
        text = pool.call(summarize_case, case.text, case.case_id, time_limit=RULES_TIME_LIMIT)
        return ReportSummary.model_validate_json(text)

    return call


def _model(settings: EvalSettings) -> str | None:
    try:
        config = settings.llm_config()
    except SummarizerError:
        return None
    return config.model if config else None


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
    workers = settings.concurrency
    if workers is None and settings.engine == "rules" and summarize is None:
        from summarizer.batch.workers import default_workers

        workers = default_workers()
    workers = workers or 1
    if summarize is None and settings.engine == "rules" and workers > 1:
        call = _in_workers(workers)
    else:
        call = summarize or _summarizer(settings)

    def attempt(case: Case) -> tuple[ReportSummary | None, ReportSummary | None, str | None, float]:
        """(summary, the cached one, error, seconds) for one case."""
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
        return summary, cached, error, time.perf_counter() - started

    def attempts() -> Iterator[tuple[ReportSummary | None, ReportSummary | None, str | None, float]]:
        if workers == 1:
            yield from map(attempt, dataset.cases)
            return
        with ThreadPoolExecutor(workers, "eval") as threads:
            yield from threads.map(attempt, dataset.cases)  # in case order

    results: list[CaseResult] = []
    timings: list[CaseTiming] = []
    summaries: dict[str, ReportSummary | None] = {}
    for case, (summary, cached, error, seconds) in zip(dataset.cases, attempts(), strict=True):
        _record(case, summary, cached, error, seconds, results, timings, summaries, on_case)

    produced = [s for s in summaries.values() if s is not None]
    info = RunInfo(
        dataset=dataset.name,
        dataset_fingerprint=dataset.fingerprint(),
        engine=settings.engine,
        model=next((s.engine.model for s in produced if s.engine.model), _model(settings)),
        prompt_version=next(
            (s.engine.prompt_version for s in produced if s.engine.prompt_version), None
        ),
        summarizer_version=__version__,
    )
    run = RunResult(info=info, cases=results, totals=total(results))
    return EvalRun(run, Timings(cases=timings), summaries)


def _record(
    case: Case,
    summary: ReportSummary | None,
    cached: ReportSummary | None,
    error: str | None,
    seconds: float,
    results: list[CaseResult],
    timings: list[CaseTiming],
    summaries: dict[str, ReportSummary | None],
    on_case: Callable[[CaseResult, CaseTiming], None] | None,
) -> None:
    """Score one case's summary and keep its result and timing."""
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
