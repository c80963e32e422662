"""What became of each input of a batch, and the counts a progress display shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from summarizer.batch.inputs import Found
from summarizer.schema import ReportSummary, Usage

__all__ = ["Status", "FileOutcome", "BatchProgress"]

Status = Literal["ok", "resumed", "failed", "not_started", "duplicate", "problem"]


@dataclass
class FileOutcome:
    """What became of one input file."""

    found: Found
    status: Status
    stem: str | None = None
    reason: str | None = None
    usage: Usage | None = None
    seconds: float = 0.0
    summary: ReportSummary | None = field(default=None, repr=False)

    @property
    def source(self) -> str:
        return self.found.source


@dataclass
class BatchProgress:
    """Counts for a progress display; ``total`` is what this run has to summarise."""

    total: int = 0
    resumed: int = 0
    done: int = 0
    failed: int = 0
    tokens: int = 0
    cost: float = 0.0
