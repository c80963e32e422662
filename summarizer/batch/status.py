"""What became of each input of a batch, and the counts a progress display shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from summarizer.batch.inputs import Found
from summarizer.batch.outputs import Rendered
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
    # a resumed report's summary, read back; a new one's rendered outputs (parsed when asked)
    read: ReportSummary | None = field(default=None, repr=False)
    rendered: Rendered | None = field(default=None, repr=False)

    @property
    def source(self) -> str:
        return self.found.source

    @property
    def summary(self) -> ReportSummary | None:
        if self.rendered is not None:
            return self.rendered.summary
        return self.read

    @property
    def done(self) -> bool:
        """Whether this input has its outputs (summarised now or before)."""
        return self.rendered is not None or self.read is not None


@dataclass
class BatchProgress:
    """Counts for a progress display; ``total`` is what this run has to summarise."""

    total: int = 0
    resumed: int = 0
    done: int = 0
    failed: int = 0
    tokens: int = 0
    cost: float = 0.0
