"""What a batch run is asked to do, and the key that says two runs would agree."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from summarizer.errors import InputError
from summarizer.schema import SCHEMA_VERSION

__all__ = ["BatchSettings", "ENGINES"]

ENGINES = ("rules", "llm")
MAX_CONCURRENCY = 64


@dataclass(frozen=True)
class BatchSettings:
    engine: str = "rules"
    model: str | None = None
    concurrency: int = 1
    max_tokens: int | None = None
    max_cost: float | None = None
    resume: bool = True
    # Passed to the LLM engine as they are (api_base, timeout...); never written anywhere.
    llm_options: dict[str, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise InputError(f"unknown engine {self.engine!r}: choose one of {', '.join(ENGINES)}")
        if not 1 <= self.concurrency <= MAX_CONCURRENCY:
            raise InputError(f"concurrency must be between 1 and {MAX_CONCURRENCY}")
        if self.max_tokens is not None and self.max_tokens <= 0:
            raise InputError("--max-tokens must be positive")
        if self.max_cost is not None and not self.max_cost > 0:
            raise InputError("--max-cost must be positive")

    @property
    def resolved_model(self) -> str | None:
        """The model the LLM engine will use: the option, else its environment and config."""
        if self.engine != "llm":
            return None
        from summarizer.llm import load_config

        options = {"model": self.model} if self.model else {}
        return load_config(options).model

    @property
    def prompt_version(self) -> str | None:
        """The prompts' version (llm), or the rules engine's version."""
        if self.engine == "rules":
            from summarizer.rules import ENGINE_VERSION

            return ENGINE_VERSION
        from summarizer.prompting import load_prompts

        return load_prompts().version

    @property
    def _prompt_digest(self) -> str | None:
        if self.engine != "llm":
            return None
        from summarizer.prompting import load_prompts

        return load_prompts().digest

    def engine_options(self) -> dict[str, Any]:
        """The keyword arguments for ``summarize_document``."""
        from summarizer.pipeline import engine_options

        return engine_options(self.engine, self.model, self.llm_options)

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
