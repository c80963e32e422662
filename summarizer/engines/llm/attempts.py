"""How a response model's validator tells the client what it objected to.

    context = {ATTEMPTS: []}                    # the client, before a structured call
    note_attempt(context, answer, problems)     # the validator, on every answer it parses

The client keeps every parsed answer with its objections, so that when re-asking runs out it
can return the last answer that parsed, with what is still wrong with it.  Kept apart from the
transport (:mod:`summarizer.engines.llm.client`): the response models and the test fakes use
it without importing the client.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["ATTEMPTS", "note_attempt"]

ATTEMPTS = "_attempts"  # the validation context's key for the list of (answer, problems)


def note_attempt(context: Mapping[str, Any] | None, value: Any, problems: list[str]) -> None:
    """Called by a response model's validator: remember a parsed answer and its problems."""
    if context is not None and isinstance(context.get(ATTEMPTS), list):
        context[ATTEMPTS].append((value, list(problems)))
