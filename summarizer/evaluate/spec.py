"""What an evaluation run is asked to do, and what it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from summarizer.engines import check_engine, create_engine, llm_config_for
from summarizer.errors import InputError
from summarizer.evaluate.records import RunResult, Timings
from summarizer.schema import ReportSummary

if TYPE_CHECKING:
    from summarizer.engines import Engine
    from summarizer.engines.llm.config import LLMConfig

__all__ = ["EvalSettings", "EvalRun"]


@dataclass(frozen=True)
class EvalSettings:
    engine: str = "rules"
    # The LLM engine's settings; None: from the environment and the config file.  Never
    # written to the results.
    llm: LLMConfig | None = field(default=None, repr=False)
    parts: tuple[str, ...] | None = None  # the LLM engine's calls to make; None: all
    cache_dir: Path | None = None
    # Cases summarised at once; None: one worker process per core with the rules engine
    # (summarizer.batch.workers), one case at a time with a model.
    concurrency: int | None = None

    def __post_init__(self) -> None:
        check_engine(self.engine)
        if self.concurrency is not None and not 1 <= self.concurrency <= 64:
            raise InputError("concurrency must be between 1 and 64")
        if (self.llm is not None or self.parts) and self.engine != "llm":
            raise InputError("model settings apply to the llm engine only (add --engine llm)")

    def llm_config(self) -> LLMConfig | None:
        """The LLM engine's settings as it will use them; None for the rules engine."""
        return llm_config_for(self.engine, self.llm)

    def create_engine(self) -> Engine:
        if self.engine != "llm":
            return create_engine(self.engine)
        return create_engine("llm", self.llm_config(), parts=self.parts)


@dataclass
class EvalRun:
    """A scored run: the results, the latencies, and the summaries that were scored."""

    result: RunResult
    timings: Timings
    summaries: dict[str, ReportSummary | None]
