"""Errors the user sees: each carries a one-line message fit to print as it is."""

from __future__ import annotations

__all__ = ["SummarizerError", "InputError", "EngineError"]


class SummarizerError(Exception):
    """Base class; ``str(error)`` is a message for the user, with no secrets in it."""


class InputError(SummarizerError):
    """The input cannot be summarised: empty, binary, undecodable, too large, not a report."""


class EngineError(SummarizerError):
    """An engine failed (a model server down, a model answering nonsense after re-asks)."""
