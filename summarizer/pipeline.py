"""The one library call every client uses: a report in, a verified ``ReportSummary`` out.

load -> normalize -> segment -> index numbers -> engine (rules | llm) -> verify
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summarizer.errors import InputError
from summarizer.load import Document, load_path
from summarizer.normalize import NormalizedText, normalize
from summarizer.schema import ReportSummary
from summarizer.sections import Sections, segment
from summarizer.verify import SourceIndex, attach_verification

__all__ = [
    "ENGINES",
    "PreparedReport",
    "engine_options",
    "prepare",
    "summarize_text",
    "summarize_document",
    "summarize_path",
]

ENGINES = ("rules", "llm")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_SPACE = re.compile(r"\s")


@dataclass
class PreparedReport:
    """A report ready for an engine: its text, normalised form, parts and numbers."""

    source: NormalizedText
    sections: Sections
    index: SourceIndex
    name: str | None = None

    @property
    def original(self) -> str:
        return self.source.original


def prepare(text: str, name: str | None = None) -> PreparedReport:
    """Normalise, segment and index a report's text; refuse text that is not a report."""
    if not text.strip():
        raise InputError(f"{name or 'input'}: the text is empty")
    sample = text[:20_000]  # enough to tell a report from something else
    cjk = len(_CJK.findall(sample))
    if cjk < 50 or cjk < 0.2 * (len(sample) - len(_SPACE.findall(sample))):
        raise InputError(
            f"{name or 'input'}: this does not look like a Chinese government work report "
            f"(only {cjk} Chinese characters)"
        )
    source = normalize(text)
    sections = segment(source.text)
    return PreparedReport(source, sections, SourceIndex.build(source), name)


def engine_options(
    engine: str, model: str | None = None, llm_options: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The keyword arguments of :func:`summarize_text` for an engine, a model and LLM options."""
    if engine != "llm":
        return {"engine": engine}
    options = dict(llm_options or {})
    if model:
        options["model"] = model
    return {"engine": "llm", "llm_options": options}


def summarize_text(
    text: str,
    *,
    name: str | None = None,
    engine: str = "rules",
    llm_options: dict[str, Any] | None = None,
) -> ReportSummary:
    """Summarise report text with an engine and attach the verifier's verdicts."""
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")
    report = prepare(text, name)
    if engine == "rules":
        from summarizer.rules import summarize as run_engine

        summary = run_engine(report)
    else:
        from summarizer.llm_engine import summarize as run_llm

        summary = run_llm(report, **(llm_options or {}))
    return attach_verification(summary, report.index)


def summarize_document(document: Document, **options: Any) -> ReportSummary:
    return summarize_text(document.text, name=document.name, **options)


def summarize_path(path: str | Path, **options: Any) -> ReportSummary:
    return summarize_document(load_path(path), **options)
