"""The one library call every client uses: a report in, a verified ``ReportSummary`` out.

    load -> prepare (normalize, segment, index numbers) -> engine (rules | llm) -> verify
    (every number and quote in the source) -> completeness (nothing in a part left out)

``engine`` is any :class:`~summarizer.engines.Engine` (``create_engine("llm", config)``);
the rules engine by default.  ``on_progress`` receives an
:class:`~summarizer.engines.EngineProgress` after each step of an engine that works in steps.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from summarizer.engines import Engine, EngineProgress, SteppedEngine, create_engine
from summarizer.report.load import Document, load_path
from summarizer.report.prepared import prepare
from summarizer.schema import ReportSummary
from summarizer.verify.completeness import check_completeness, completeness_warnings
from summarizer.verify.verifier import attach_verification

__all__ = ["summarize_text", "summarize_document", "summarize_path"]

OnProgress = Callable[[EngineProgress], None]


def summarize_text(
    text: str,
    *,
    name: str | None = None,
    engine: Engine | None = None,
    on_progress: OnProgress | None = None,
) -> ReportSummary:
    """Summarise report text with an engine and attach the verifier's verdicts."""
    engine = engine or create_engine()
    report = prepare(text, name)
    if on_progress is not None and isinstance(engine, SteppedEngine):
        last = None
        for last in engine.progress(report):
            on_progress(last)
        if last is None:
            raise RuntimeError(f"the {engine.name} engine reported no progress")
        summary = last.summary
    else:
        summary = engine.summarize(report)
    summary = attach_verification(summary, report.index)
    summary.completeness = check_completeness(summary, report)
    summary.warnings += completeness_warnings(summary.completeness, summary.warnings)
    return summary


def summarize_document(
    document: Document, *, engine: Engine | None = None, on_progress: OnProgress | None = None
) -> ReportSummary:
    return summarize_text(document.text, name=document.name, engine=engine, on_progress=on_progress)


def summarize_path(
    path: str | Path, *, engine: Engine | None = None, on_progress: OnProgress | None = None
) -> ReportSummary:
    return summarize_document(load_path(path), engine=engine, on_progress=on_progress)
