"""Prompts as data: the files in ``prompts/`` loaded into strict models and rendered.

``prompts/system.toml`` holds the shared system prompt, ``review.toml``, ``targets.toml``,
``tasks.toml`` and ``overview.toml`` one task each (instructions and optional few-shot
examples), ``user.j2`` the message that carries the rules engine's draft (compact JSON) and
the report text between delimiters.  Each file has a ``version``;
:attr:`PromptSet.version` joins them and :attr:`PromptSet.digest` hashes every byte, and both
go into every cache key.  The template runs in Jinja's sandbox, and the report text is a
variable, never template source.
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Template
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel, ConfigDict, ValidationError

from summarizer.errors import EngineError
from summarizer.resources import asset_dir

__all__ = ["TASKS", "Example", "TaskPrompt", "SystemPrompt", "PromptSet", "load_prompts"]

TASKS = ("review", "targets", "tasks", "overview", "labels")
OPEN, CLOSE = "<<<报告原文", "报告原文>>>"


def prompts_dir() -> Path:
    configured = os.environ.get("SUMMARIZER_PROMPTS")
    return Path(configured) if configured else asset_dir("prompts")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Example(_Strict):
    """A few-shot example: a source text, the draft shown with it, and the JSON answer."""

    text: str
    draft: str = ""
    output: str


class SystemPrompt(_Strict):
    version: str
    text: str


class TaskPrompt(_Strict):
    version: str
    instructions: str
    examples: list[Example] = []


@dataclass(frozen=True)
class PromptSet:
    system: SystemPrompt
    tasks: dict[str, TaskPrompt]
    user_template: str
    digest: str

    @property
    def version(self) -> str:
        """``system.1+review.1+targets.1+tasks.1``: the versions of every file."""
        parts = [f"system.{self.system.version}"]
        parts += [f"{name}.{self.tasks[name].version}" for name in TASKS]
        return "+".join(parts)

    def system_message(self, task: str) -> str:
        """The shared rules, the task's instructions and its examples: one stable prefix
        per task, so a server's prompt cache can reuse it from call to call."""
        prompt = self.tasks[task]
        text = f"{self.system.text.strip()}\n\n{prompt.instructions.strip()}"
        for example in prompt.examples:
            text += f"\n\n示例原文：{example.text}"
            if example.draft:
                text += f"\n示例初稿：{example.draft}"
            text += f"\n示例输出：{example.output}"
        return text

    def messages(
        self, task: str, text: str, note: str | None = None, draft: str | None = None
    ) -> list[dict[str, Any]]:
        """The system and user messages of one call: ``draft`` is the rules engine's draft
        of the slice as JSON, ``text`` the slice itself (empty for the overview)."""
        user = _template(self.user_template).render(
            text=fence(text) if text else None,
            note=fence(note) if note else None,
            draft=fence(draft) if draft else None,
        )
        return [
            {"role": "system", "content": self.system_message(task)},
            {"role": "user", "content": user.strip()},
        ]


@lru_cache(maxsize=8)
def _template(source: str) -> Template:
    """Compile a template once (compiling costs more than rendering)."""
    return SandboxedEnvironment(autoescape=False, keep_trailing_newline=True).from_string(source)


def fence(text: str) -> str:
    """Keep the document from closing or reopening its own delimiters."""
    return re.sub(r"<{3,}", "〈〈〈", re.sub(r">{3,}", "〉〉〉", text))


def _read(path: Path, model: type[BaseModel]) -> Any:
    try:
        return model.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as error:
        raise EngineError(f"prompt file {path}: {error}") from None


@lru_cache(maxsize=4)
def _load(directory: str) -> PromptSet:
    root = Path(directory)
    digest = hashlib.sha256()
    system = _read(root / "system.toml", SystemPrompt)
    tasks = {name: _read(root / f"{name}.toml", TaskPrompt) for name in TASKS}
    template = (root / "user.j2").read_text(encoding="utf-8")
    for name in ("system.toml", *(f"{t}.toml" for t in TASKS), "user.j2"):
        digest.update((root / name).read_bytes())
    return PromptSet(system, tasks, template, digest.hexdigest()[:16])


def load_prompts(directory: Path | None = None) -> PromptSet:
    return _load(str(directory or prompts_dir()))
