"""What one call of the LLM engine gave: its answer, or why there is none, and what it read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from summarizer.engines.llm.chunking import Chunk
from summarizer.engines.llm.client import CallResult

__all__ = ["CallOutcome", "Window"]

Window = tuple[int, int]  # a span of the normalised text


@dataclass
class CallOutcome:
    """What one call gave: its answer (or why there is none) and the slice it read."""

    task: str
    chunk: Chunk
    result: CallResult | None
    error: str | None = None

    @property
    def answer(self) -> Any:
        return self.result.value if self.result is not None else None

    @property
    def window(self) -> Window:
        return self.chunk.start, self.chunk.end
