"""Functions a worker process runs in the pool's tests (fault injection: a call that hangs,
a worker that dies, an error that cannot be pickled)."""

from __future__ import annotations

import os
import time

from summarizer.errors import InputError


def square(x: int) -> int:
    return x * x


def pid() -> int:
    return os.getpid()


def hang(seconds: float) -> None:
    time.sleep(seconds)


def die() -> None:
    os._exit(9)


def refuse(message: str) -> None:
    raise InputError(message)


class _Unpicklable(Exception):
    def __init__(self, a: str, b: str) -> None:
        super().__init__(a)
        self.b = b

    def __reduce__(self):  # type: ignore[no-untyped-def]
        raise TypeError("not picklable")


def unpicklable() -> None:
    raise _Unpicklable("odd", "one")


def say_hello() -> str:
    print("hello from the worker")  # must not corrupt the replies
    return "ok"
