"""The LLM engine's calls in flight: a small pool of daemon threads.

    pool = CallPool(run, workers=6)
    pool.submit(calls)
    while pool.pending:
        call, outcomes = pool.next()   # in order of arrival; a call's error is raised here
    pool.stop()
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from summarizer.engines.llm.outcome import CallOutcome

__all__ = ["CallPool"]

C = TypeVar("C")

_Finished = tuple[C, list[CallOutcome] | None, BaseException | None]


class CallPool(Generic[C]):
    """Model calls on daemon threads, ``workers`` at a time, answers in order of arrival.

    A run that ends early (an engine error, a stream nobody reads on) calls :meth:`stop`:
    no further call starts, and calls in flight are left to finish or fail on their own.
    Being daemon threads, they never keep the process from exiting: a CLI that reports a
    dead server exits at once instead of waiting for requests nobody will read.
    """

    def __init__(self, run: Callable[[C], list[CallOutcome]], workers: int) -> None:
        self._run = run
        self._workers = max(1, workers)
        self._todo: queue.SimpleQueue[C] = queue.SimpleQueue()
        self._done: queue.SimpleQueue[_Finished[C]] = queue.SimpleQueue()
        self._stopped = threading.Event()
        self._started = 0
        self.pending = 0

    def submit(self, calls: list[C]) -> None:
        for call in calls:
            self._todo.put(call)
            self.pending += 1
        while self._started < min(self._workers, self.pending):
            self._started += 1
            worker = threading.Thread(target=self._work, name=f"llm_{self._started}", daemon=True)
            worker.start()

    def _work(self) -> None:
        while not self._stopped.is_set():
            try:
                call = self._todo.get(timeout=0.5)
            except queue.Empty:
                continue
            if self._stopped.is_set():
                return
            try:
                self._done.put((call, self._run(call), None))
            except BaseException as error:  # handed to the caller, who raises it
                self._done.put((call, None, error))

    def next(self) -> tuple[C, list[CallOutcome]]:
        """The next finished call; its error, raised here."""
        call, outcomes, error = self._done.get()
        self.pending -= 1
        if error is not None:
            raise error
        assert outcomes is not None
        return call, outcomes

    def stop(self) -> None:
        self._stopped.set()
