"""CPU-bound work in worker processes: the rules engine on every core, with a time limit.

    with WorkerPool(4) as pool:
        value = pool.call(function, *args, time_limit=60)   # from up to 4 threads at once
    shared_pool(4)                                            # one per size, kept warm

Python runs one thread at a time, so the rules engine (pure Python) gains nothing from the
batch's threads.  A pool of ``size`` processes does the work instead, one call per process at
a time: a thread of the runner hands its call to an idle worker and waits (without holding the
interpreter), so the runner's bookkeeping (journal, atomic writes, progress) stays as it is.

- :func:`shared_pool` keeps one pool per size for the life of the process, so that runs one
  after another (a panel's batches, a test suite) do not start new interpreters each time.
- A call that runs past ``time_limit`` seconds has its worker killed (and replaced on the next
  call): :class:`WorkTimeout`, a :class:`~summarizer.errors.SummarizerError`, is raised, so a
  pathological input fails alone and the batch goes on.
- A worker that dies (killed, out of memory) fails its call with :class:`WorkerDied`.
- What the function raises is raised again in the caller, with its type and message.
- A worker is a fresh interpreter (``python -m summarizer.batch.worker_main``) that talks over its
  standard input and output: nothing of the busy parent is copied into it, and the caller's
  main module is never imported again (multiprocessing's start methods would re-run a script
  or a notebook without a ``__main__`` guard).  It asks the kernel to kill it when its parent
  dies and leaves when its pipe closes, so a SIGKILL of the batch leaves no worker behind.

``function`` must be importable by name (a module-level function) and its arguments and result
picklable.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from types import TracebackType
from typing import Any

from summarizer.errors import SummarizerError

__all__ = ["WorkerPool", "WorkTimeout", "WorkerDied", "default_workers", "shared_pool"]

_PRELOAD = ("summarizer.batch.runner", "summarizer.pipeline", "summarizer.render")
_STOP = None  # the message that tells a worker to leave


class WorkTimeout(SummarizerError):
    """A call ran past the pool's time limit; its worker was stopped."""


class WorkerDied(SummarizerError):
    """The worker process ended during a call."""


def default_workers() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _die_with_parent(parent: int) -> None:
    """Ask Linux to SIGKILL this process when its parent ends (prctl PR_SET_PDEATHSIG), and
    leave at once if the parent is already gone."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(0)


def serve(parent: int) -> None:
    """A worker's loop (``python -m summarizer.batch.worker_main PARENT``): read each call from
    standard input, run it, write its value or its error to the original standard output."""
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the runner's to handle
    calls = Connection(os.dup(0), writable=False)
    replies = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)  # what the library prints goes to standard error, never into the replies
    sys.stdout = sys.stderr
    for name in _PRELOAD:
        __import__(name)
    while True:
        try:
            message = calls.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if message is _STOP:
            return
        function, args = message
        try:
            reply: tuple[str, Any] = ("ok", function(*args))
        except BaseException as error:  # noqa: BLE001 - every failure goes back to the caller
            reply = ("error", _portable(error))
        try:
            replies.send(reply)
        except Exception as error:  # an unpicklable value
            replies.send(("error", _portable(error)))


def _portable(error: BaseException) -> BaseException:
    """The error itself if it survives pickling, else a RuntimeError that says what it was."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


class _Worker:
    def __init__(self) -> None:
        package_root = str(Path(__file__).resolve().parents[2])
        path = os.environ.get("PYTHONPATH")
        env = {**os.environ, "PYTHONPATH": package_root + (os.pathsep + path if path else "")}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "summarizer.batch.worker_main", str(os.getpid())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            close_fds=True,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.calls = Connection(os.dup(self.process.stdin.fileno()), readable=False)
        self.replies = Connection(os.dup(self.process.stdout.fileno()), writable=False)
        self.process.stdin.close()
        self.process.stdout.close()

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, *, kill: bool = False) -> None:
        if not kill:
            with contextlib.suppress(Exception):
                self.calls.send(_STOP)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(2.0)
        if self.process.poll() is None:
            self.process.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(5.0)
        self.calls.close()
        self.replies.close()


class WorkerPool:
    """``size`` worker processes, started when first needed (see the module doc)."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("a pool needs one worker or more")
        self.size = size
        self._idle: queue.Queue[_Worker | None] = queue.Queue()
        for _ in range(size):
            self._idle.put(None)
        self._workers: set[_Worker] = set()
        self._closed = False

    def call(
        self, function: Callable[..., Any], *args: Any, time_limit: float | None = None
    ) -> Any:
        """``function(*args)`` in a worker; blocks while every worker is busy.  Past
        ``time_limit`` seconds the worker is stopped and :class:`WorkTimeout` raised."""
        if self._closed:
            raise RuntimeError("the pool is closed")
        worker = self._idle.get()
        try:
            if worker is None or not worker.alive():
                if worker is not None:
                    self._discard(worker, kill=True)
                worker = _Worker()
                self._workers.add(worker)
            worker.calls.send((function, args))
            if not worker.replies.poll(time_limit):
                self._discard(worker, kill=True)
                worker = None
                raise WorkTimeout(
                    f"took longer than {time_limit:g} s and was stopped (a pathological input?)"
                )
            try:
                status, value = worker.replies.recv()
            except (EOFError, OSError):
                try:  # the pipe closes a moment before the process is gone
                    code: int | None = worker.process.wait(5.0)
                except subprocess.TimeoutExpired:
                    code = None
                self._discard(worker, kill=True)
                worker = None
                raise WorkerDied(
                    f"the worker process ended during the work (exit code {code})"
                ) from None
        finally:
            self._idle.put(worker)
        if status == "error":
            raise value
        return value

    def _discard(self, worker: _Worker, *, kill: bool = False) -> None:
        self._workers.discard(worker)
        worker.stop(kill=kill)

    def close(self) -> None:
        """Stop every worker (waiting for none: a call in flight loses its worker)."""
        self._closed = True
        for worker in list(self._workers):
            self._discard(worker, kill=False)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


_shared: dict[int, WorkerPool] = {}
_shared_lock = threading.Lock()


def shared_pool(size: int) -> WorkerPool:
    """The process's pool of ``size`` workers, made on first use and closed at exit."""
    with _shared_lock:
        pool = _shared.get(size)
        if pool is None or pool._closed:
            pool = _shared[size] = WorkerPool(size)
        return pool


@atexit.register
def _close_shared() -> None:
    for pool in list(_shared.values()):
        pool.close()
