"""The engines, and the one place their names live.

An engine reads a :class:`~summarizer.report.prepared.PreparedReport` and returns a
:class:`~summarizer.schema.ReportSummary`; the pipeline verifies whatever it returns, so no
client ever asks which engine wrote a summary.

    rules   deterministic, no model, every item quoted from the report (the default)
    llm     a language model through litellm and instructor (:mod:`summarizer.engines.llm`)

The CLI, the web UI, the batch runner and the evaluation harness read their choices from
:data:`ENGINES` and build an engine with :func:`create_engine`.  An engine that works in
steps (the LLM engine's calls) also offers ``progress(report)``: an iterator of
:class:`EngineProgress`, each carrying the summary so far.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from summarizer.engines.base import Engine, EngineProgress, SteppedEngine
from summarizer.errors import InputError

if TYPE_CHECKING:
    from summarizer.engines.llm.client import ModelClient
    from summarizer.engines.llm.config import LLMConfig

__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "Engine",
    "EngineChoice",
    "EngineProgress",
    "SteppedEngine",
    "check_engine",
    "create_engine",
    "llm_config_for",
    "made_by",
]


@dataclass(frozen=True)
class EngineChoice:
    """An engine as a client offers it: its name, a label and a line of help."""

    name: str
    label: str  # for the web UI's choice
    help: str
    needs_model: bool
    title: str  # what a summary says it was made by: 规则引擎, 大模型


ENGINES: dict[str, EngineChoice] = {
    choice.name: choice
    for choice in (
        EngineChoice("rules", "规则引擎（即时，无需模型）", "deterministic, no model", False, "规则引擎"),
        EngineChoice("llm", "大模型（需要模型服务）", "a language model via litellm", True, "大模型"),
    )
}
DEFAULT_ENGINE = "rules"


def check_engine(name: str) -> str:
    """``name`` if it names an engine; otherwise an InputError that lists the choices."""
    if name not in ENGINES:
        raise InputError(f"unknown engine {name!r}: choose {' or '.join(ENGINES)}")
    return name


def create_engine(
    name: str = DEFAULT_ENGINE,
    config: LLMConfig | None = None,
    *,
    parts: Sequence[str] | None = None,
    client: ModelClient | None = None,
) -> Engine:
    """An engine by name.  The LLM engine takes its settings (``config``, by default from the
    environment and the config file), the calls to make (``parts``) and, for tests, a model
    client in place of the real one."""
    check_engine(name)
    if name == "rules":
        if config is not None or parts or client is not None:
            raise InputError("model settings apply to the llm engine only (add --engine llm)")
        from summarizer.engines.rules import RulesEngine

        return RulesEngine()
    from summarizer.engines.llm.engine import LLMEngine

    return LLMEngine(config, parts=parts, client=client)


def llm_config_for(engine: str, llm: LLMConfig | None) -> LLMConfig | None:
    """The LLM settings a run of ``engine`` uses: None for the rules engine; ``llm`` when the
    caller gave some; else from the environment and the config file."""
    if engine != "llm":
        return None
    if llm is not None:
        return llm
    from summarizer.engines.llm.config import load_config

    return load_config()


def made_by(engine: str, model: str | None = None, version: str | None = None,
            profile: str | None = None) -> str:
    """How a summary says what made it: 规则引擎（rules-3）, 大模型 deepseek/deepseek-chat（small，
    提示词 system.3+…）."""
    choice = ENGINES.get(engine)
    title = choice.title if choice else engine
    if model:
        title += f" {model}"
    details = [d for d in (profile, f"提示词 {version}" if version and engine != "rules" else version) if d]
    return f"{title}（{'，'.join(details)}）" if details else title
