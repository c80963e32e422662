"""What a batch run is asked to do, and the key that says two runs would agree."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from summarizer.engines import check_engine, create_engine, llm_config_for
from summarizer.errors import InputError
from summarizer.schema import SCHEMA_VERSION

if TYPE_CHECKING:
    from summarizer.engines import Engine
    from summarizer.engines.llm.config import LLMConfig

__all__ = ["BatchSettings"]

MAX_CONCURRENCY = 64
RULES_TIME_LIMIT = 60.0  # seconds per report; the longest real report takes under 3


@dataclass(frozen=True)
class BatchSettings:
    engine: str = "rules"
    # The LLM engine's settings; None: from the environment and the config file.  The key
    # in them is never written anywhere.
    llm: LLMConfig | None = field(default=None, repr=False)
    concurrency: int = 1
    max_tokens: int | None = None
    max_cost: float | None = None
    resume: bool = True
    prune: bool = False  # remove the outputs in reports/ that belong to no input named
    # Seconds one report may take with the rules engine before its worker is stopped and the
    # report failed (a pathological input); None: RULES_TIME_LIMIT.
    time_limit: float | None = None

    def __post_init__(self) -> None:
        check_engine(self.engine)
        if self.llm is not None and self.engine != "llm":
            raise InputError("model settings apply to the llm engine only (add --engine llm)")
        if not 1 <= self.concurrency <= MAX_CONCURRENCY:
            raise InputError(f"concurrency must be between 1 and {MAX_CONCURRENCY}")
        if self.max_tokens is not None and self.max_tokens <= 0:
            raise InputError("--max-tokens must be positive")
        if self.time_limit is not None and not self.time_limit > 0:
            raise InputError("--time-limit must be positive")
        if self.time_limit is not None and self.engine != "rules":
            raise InputError(
                "--time-limit applies to the rules engine (a model call has its own --timeout)"
            )
        if self.max_cost is not None and not self.max_cost > 0:
            raise InputError("--max-cost must be positive")

    def llm_config(self) -> LLMConfig | None:
        """The LLM engine's settings as it will use them; None for the rules engine."""
        return llm_config_for(self.engine, self.llm)

    @property
    def resolved_model(self) -> str | None:
        config = self.llm_config()
        return config.model if config else None

    def secrets(self) -> list[str]:
        """The keys a message must never show."""
        try:
            config = self.llm_config()
        except InputError:
            return []
        return config.secrets() if config else []

    @property
    def prompt_version(self) -> str | None:
        """The prompts' version (llm), or the rules engine's version."""
        if self.engine == "rules":
            from summarizer.engines.rules import ENGINE_VERSION

            return ENGINE_VERSION
        from summarizer.engines.llm.prompts import load_prompts

        return load_prompts().version

    @property
    def _prompt_digest(self) -> str | None:
        if self.engine != "llm":
            return None
        from summarizer.engines.llm.prompts import load_prompts

        return load_prompts().digest

    def create_engine(self) -> Engine:
        return create_engine(self.engine, self.llm_config())

    def key(self) -> str:
        """Settings that change a summary; part of every journal key."""
        from summarizer import __version__

        parts = {
            "engine": self.engine,
            "model": self.resolved_model,
            "prompt_version": self.prompt_version,
            "prompt_digest": self._prompt_digest,
            "schema": SCHEMA_VERSION,
            "summarizer": __version__,
        }
        text = json.dumps(parts, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]
