"""One process-wide gate that every model request passes through.

When a server answers 429 with ``Retry-After``, the client calls ``GATE.pause(seconds)``;
every thread that then calls ``GATE.wait()`` before its next request blocks until the pause
is over.  A rate limit therefore slows the whole batch, not only the request that hit it.

    GATE.wait()            # before each request: returns at once unless paused
    GATE.pause(retry_after)  # on 429: pause everyone until now + retry_after
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

__all__ = ["RateGate", "GATE", "MAX_PAUSE"]

# A server asking for more than this is capped, so a bad header cannot hang a batch for hours.
MAX_PAUSE = 600.0
# How long a blocked thread sleeps between looks at the clock; pauses wake waiters anyway.
_POLL = 0.25


class RateGate:
    """A thread-safe pause shared by all callers; pauses extend, never shorten."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._cond = threading.Condition()
        self._until = 0.0
        self.pauses = 0  # how many pause() calls extended the gate

    def pause(self, seconds: float | None) -> None:
        """Hold every caller of :meth:`wait` until now + ``seconds`` (capped at MAX_PAUSE)."""
        if seconds is None or math.isnan(seconds) or seconds <= 0:
            return
        until = self._clock() + min(float(seconds), MAX_PAUSE)
        with self._cond:
            if until > self._until:
                self._until = until
                self.pauses += 1
                self._cond.notify_all()

    def remaining(self) -> float:
        """Seconds left in the current pause; 0 when open."""
        with self._cond:
            return max(0.0, self._until - self._clock())

    def wait(self) -> float:
        """Block while the gate is paused; return how long this call waited."""
        start = self._clock()
        with self._cond:
            while (left := self._until - self._clock()) > 0:
                self._cond.wait(min(left, _POLL))
        return self._clock() - start

    def reset(self) -> None:
        """Open the gate at once (a new run in the same process)."""
        with self._cond:
            self._until = 0.0
            self.pauses = 0
            self._cond.notify_all()


GATE = RateGate()
