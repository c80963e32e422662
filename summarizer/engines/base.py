"""What every engine is: a name and ``summarize(report) -> ReportSummary``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from summarizer.report.prepared import PreparedReport
    from summarizer.schema import ReportSummary

__all__ = ["Engine", "EngineProgress", "SteppedEngine"]


@dataclass(frozen=True)
class EngineProgress:
    """The summary after ``done`` of ``total`` steps; ``step`` names the one just finished."""

    done: int
    total: int
    step: str | None
    summary: ReportSummary


@runtime_checkable
class Engine(Protocol):
    name: str

    def summarize(self, report: PreparedReport) -> ReportSummary: ...


@runtime_checkable
class SteppedEngine(Engine, Protocol):
    def progress(self, report: PreparedReport) -> Iterator[EngineProgress]: ...
