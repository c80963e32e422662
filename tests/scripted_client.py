"""A model client that answers in-process from a script: a TEST DOUBLE, not a model.

It stands where :class:`~summarizer.engines.llm.client.LLMClient` stands (the engine's
``client=``), so tests of the merge rules run without litellm, a server or a socket.  Each
call is answered by ``script(task, text, draft)`` (default: the faithful answers of
:mod:`scripted_model`); the answer goes through the response model's validator with the
engine's grounding context, as a real answer would, and what the validator objects to is
returned as the call's problems (as when re-asks run out).  ``calls`` records what each call
was sent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fault_server import Request
from pydantic import ValidationError
from scripted_model import answer_for, document_of, draft_of, task_of

from summarizer.engines.llm.attempts import ATTEMPTS
from summarizer.engines.llm.client import AnswerError, CallResult, CallUsage
from summarizer.engines.llm.config import LLMConfig

__all__ = ["ScriptedClient", "SentCall"]

Script = Callable[[str, str, dict[str, Any]], dict[str, Any]]


@dataclass
class SentCall:
    task: str
    text: str  # the report text the call sent
    draft: dict[str, Any]  # the rules engine's draft it sent
    messages: list[dict[str, Any]]


# The task a call is for, by the answer it asks for (not by the prompt's wording).
_TASKS = {
    "LabelsAnswer": "labels",
    "OverviewAnswer": "overview",
    "TargetsAnswer": "targets",
    "ReviewAnswer": "review",
    "ReviewPartAnswer": "review",
    "ReviewNewAnswer": "review",
    "TasksAnswer": "tasks",
    "TasksPlainAnswer": "tasks",
    "TasksNewAnswer": "tasks",
}


class ScriptedClient:
    """Answers every structured call from ``script``; records what was sent."""

    def __init__(self, script: Script | None = None, *, profile: str | None = None) -> None:
        self.config = LLMConfig(
            model="openai/scripted", api_base="http://scripted.invalid", profile=profile
        )
        self.config = self.config.resolved()
        self.script = script or answer_for
        self.calls: list[SentCall] = []

    @property
    def model_id(self) -> str:
        return "scripted"

    def structured(
        self,
        *,
        messages: list[dict[str, Any]],
        response_model: type[Any],
        context: Mapping[str, Any] | None = None,
        cache_parts: Sequence[Any] = (),
        max_reasks: int | None = None,
    ) -> CallResult:
        request = Request(body={"messages": messages}, headers={})
        task = _TASKS.get(response_model.__name__) or task_of(request)
        text, draft = document_of(request), draft_of(request)
        self.calls.append(SentCall(task, text, draft, messages))
        attempts: list[tuple[Any, list[str]]] = []
        ctx = {**(context or {}), ATTEMPTS: attempts}
        try:
            value, problems = response_model.model_validate(self.script(task, text, draft), context=ctx), []
        except ValidationError as error:
            if not attempts:
                raise AnswerError(f"scripted: the answer does not fit the schema: {error}") from None
            value, problems = attempts[-1]
        usage = CallUsage(requests=1, tokens_in=len(messages[-1]["content"]), tokens_out=1)
        return CallResult(value, problems, list(problems), usage)
