"""The built-in model: assembling the GGUF from its parts, its server, and the real model.

The tests marked ``llm`` run Qwen2.5-Coder-1.5B through the managed llama.cpp server, one
section at a time (a whole report takes minutes on two cores).  The assembled model lives
in the shared cache (``$SUMMARIZER_MODELS``, else ``~/.cache/summarizer/models``) so CI
assembles it once; everything else goes to a temporary folder.  A server that dies is
played by a small stand-in process (it answers ``GET /v1/models`` and dies on the first
chat request, as a llama.cpp build with instructions the CPU lacks does) and, in the ``llm``
tests, by the real server killed during a call.
"""

from __future__ import annotations

import hashlib
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from summarizer.engines.llm import local as local_model
from summarizer.engines.llm.client import LLMClient
from summarizer.engines.llm.config import LLMConfig, load_config
from summarizer.engines.llm.engine import LLMEngine
from summarizer.errors import EngineError
from summarizer.pipeline import summarize_text
from summarizer.report.prepared import prepare
from summarizer.schema import ReportSummary
from summarizer.verify.verifier import attach_verification


# -- assembling ------------------------------------------------------------------------
def _parts(folder: Path, chunks: list[bytes]) -> list[Path]:
    paths = []
    for n, chunk in enumerate(chunks, 1):
        path = folder / f"part{n:02d}.bin"
        path.write_bytes(chunk)
        paths.append(path)
    return paths


def test_parts_are_concatenated_in_order_and_checked(tmp_path):
    chunks = [b"GGUF" + bytes(range(50)), b"second", b"third part"]
    whole = b"".join(chunks)
    target = tmp_path / "models" / "model.gguf"
    local_model.assemble(
        _parts(tmp_path, chunks), target, sha256=hashlib.sha256(whole).hexdigest(), size=len(whole)
    )
    assert target.read_bytes() == whole
    assert local_model._verified(target, hashlib.sha256(whole).hexdigest(), len(whole))


def test_a_wrong_checksum_leaves_no_model_behind(tmp_path):
    target = tmp_path / "models" / "model.gguf"
    with pytest.raises(EngineError, match="checksum"):
        local_model.assemble(_parts(tmp_path, [b"a", b"b"]), target, sha256="0" * 64, size=2)
    assert not target.exists()
    assert not list(target.parent.glob("*.partial-*"))


def test_a_changed_file_is_checked_again(tmp_path):
    whole = b"model bytes"
    digest = hashlib.sha256(whole).hexdigest()
    target = tmp_path / "model.gguf"
    local_model.assemble(_parts(tmp_path, [whole]), target, sha256=digest, size=len(whole))
    target.write_bytes(b"MODEL BYTES")  # same size, other content
    assert not local_model._verified(target, digest, len(whole))


def test_missing_parts_name_the_extra_to_install(monkeypatch):
    monkeypatch.setattr(local_model, "PART_PACKAGE", "no_such_model_part{n}")
    with pytest.raises(EngineError, match=r"summarizer\[local\]"):
        local_model.part_paths()


def test_a_server_that_cannot_start_is_a_clear_error(tmp_path, monkeypatch):
    pytest.importorskip("llama_cpp")
    monkeypatch.setenv("SUMMARIZER_HOME", str(tmp_path))
    bogus = tmp_path / "not-a-model.gguf"
    bogus.write_bytes(b"not a model")
    with pytest.raises(EngineError, match="exited while starting"):
        local_model.start_server(bogus, startup_timeout=120)


# -- the build and a dead server --------------------------------------------------------
def test_the_installed_llama_cpp_build_runs_on_any_x86_64_with_avx2():
    llama_cpp = pytest.importorskip("llama_cpp")
    info = llama_cpp.llama_print_system_info()
    info = info.decode() if isinstance(info, bytes) else str(info)
    compiled = set(re.findall(r"(\w+) = 1", info))
    assert compiled, info  # the list of compiled-in CPU features
    assert not {f for f in compiled if f.startswith(("AVX512", "AMX"))}, info
    if platform.machine().lower() in ("x86_64", "amd64"):
        assert {"AVX2", "FMA", "F16C"} <= compiled, info


def test_how_a_server_ended_is_said_with_what_to_do():
    assert local_model.describe_exit(-signal.SIGILL).startswith(
        "stopped with SIGILL (illegal instruction): "
    )
    assert "scripts/install-llama-cpp.sh" in local_model.describe_exit(-signal.SIGILL)
    assert "out-of-memory" in local_model.describe_exit(-signal.SIGKILL)
    assert local_model.describe_exit(132) == local_model.describe_exit(
        -signal.SIGILL
    )  # via a shell
    assert local_model.describe_exit(3) == "exited with code 3"


# A stand-in for a llama.cpp build that uses instructions the CPU lacks: it answers
# GET /v1/models, and the first chat request kills it with the given signal.
_DYING_SERVER = """
import json, os, signal, sys
from http.server import BaseHTTPRequestHandler, HTTPServer
class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        print("request", *args, flush=True)
    def do_GET(self):
        body = json.dumps({"data": [{"id": "m"}]}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        print("a chat request: dying", flush=True)
        os.kill(os.getpid(), int(sys.argv[2]))
HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
"""


@pytest.fixture
def dying_server(tmp_path):
    started: list[local_model.LocalServer] = []

    def start(sig: int) -> local_model.LocalServer:
        port = local_model.free_port()
        log = tmp_path / f"dying-{port}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-c", _DYING_SERVER, str(port), str(int(sig))],
                stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        server = local_model.LocalServer(process, port, "m", log)
        started.append(server)
        for _ in range(100):
            if server.healthy():
                return server
            time.sleep(0.1)
        raise AssertionError("the stand-in server did not start")

    yield start
    for server in started:
        server.stop()


def test_the_server_ends_with_the_process_that_started_it_however_that_ends(tmp_path):
    # A parent starts a server the way start_server does (here the standard library's
    # http.server stands in for llama.cpp's), then dies by SIGKILL: no clean-up runs.
    port = local_model.free_port()
    parent = subprocess.Popen(
        [
            sys.executable, "-c",
            "import subprocess, sys, time; "
            "child = subprocess.Popen([sys.executable, '-c', sys.argv[1], sys.argv[2], "
            "'--bind', '127.0.0.1']); print(child.pid, flush=True); time.sleep(60)",
            local_model.launcher("http.server"), str(port),
        ],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    for _ in range(100):  # until it serves
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        raise AssertionError("the launched server did not start")
    parent.kill()
    parent.wait()
    parent.stdout.close()
    for _ in range(100):  # the launcher notices within a second or two
        try:
            if "zombie" in Path(f"/proc/{child}/status").read_text():
                break
        except FileNotFoundError:
            break
        time.sleep(0.1)
    else:
        os.kill(child, signal.SIGKILL)
        raise AssertionError("the server outlived the process that started it")


def test_a_server_that_dies_on_its_first_request_fails_the_self_test_by_name(dying_server):
    server = dying_server(signal.SIGILL)
    with pytest.raises(EngineError) as raised:
        local_model.self_test(server, timeout=30)
    message = str(raised.value)
    assert message.startswith("the built-in model server stopped with SIGILL (illegal instruction)")
    assert "self-test" in message and "scripts/install-llama-cpp.sh" in message
    assert "\n" not in message


def test_the_client_never_retries_a_dead_server(dying_server, monkeypatch, tmp_path):
    monkeypatch.setenv("SUMMARIZER_HOME", str(tmp_path))
    server = dying_server(signal.SIGKILL)
    monkeypatch.setattr(local_model, "ensure_server", lambda: server)
    client = LLMClient(LLMConfig(model="local", retries=5, backoff=5.0, cache=False))
    from summarizer.engines.llm.answers import TargetsAnswer

    with pytest.raises(EngineError) as raised:
        client.structured(
            messages=[{"role": "user", "content": "请输出 JSON"}], response_model=TargetsAnswer
        )
    message = str(raised.value)
    assert message.startswith("the built-in model server stopped with SIGKILL (killed)")
    assert "attempt" not in message and "\n" not in message
    assert server.log_path.read_text().count("a chat request") == 1  # no retry, no re-ask


# -- the real model --------------------------------------------------------------------
@pytest.fixture(scope="module")
def local_env(tmp_path_factory):
    """A temporary data folder, the shared model folder, and the server stopped at the end."""
    saved = {k: os.environ.get(k) for k in ("SUMMARIZER_HOME", "SUMMARIZER_MODELS")}
    shared = saved["SUMMARIZER_MODELS"] or str(local_model.models_dir())
    os.environ["SUMMARIZER_MODELS"] = shared
    os.environ["SUMMARIZER_HOME"] = str(tmp_path_factory.mktemp("home"))
    yield
    local_model.stop_server()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def _without(report, indicator: str):
    """The rules engine's draft of ``report`` with one target left out (a missed one)."""
    from summarizer.engines.rules import summarize as rules_summarize

    draft = rules_summarize(report)
    kept = [t for t in draft.targets if t.indicator != indicator]
    assert len(kept) == len(draft.targets) - 1
    return draft.model_copy(update={"targets": kept}), None


@pytest.mark.llm
@pytest.mark.slow
def test_the_local_model_completes_a_draft_that_missed_a_target(local_env, seed_text, monkeypatch):
    from summarizer.engines.llm import engine as engine_module

    monkeypatch.setattr(engine_module, "_rules_draft", lambda r: _without(r, "服务业增加值"))
    summary = summarize_text(
        seed_text("004"), engine=LLMEngine(load_config({"model": "local"}), parts=["targets"])
    )
    ReportSummary.model_validate_json(summary.to_json())
    assert summary.engine.model.startswith("local:")
    assert summary.engine.usage.calls >= 1 and summary.engine.usage.tokens_out > 0
    found = {t.indicator: t.target for t in summary.targets}
    assert found["地区生产总值"] == "增长5.5%左右"  # the draft's, kept
    assert found.get("服务业增加值") == "增长5.7%"  # the one it missed, added by the model
    verification = summary.verification
    assert verification is not None
    assert verification.numbers_grounded == verification.numbers_total


@pytest.mark.llm
@pytest.mark.slow
def test_a_number_the_model_writes_that_is_not_in_the_source_never_replaces_the_draft(
    local_env, seed_text, monkeypatch
):
    from summarizer.engines.llm import planning as planning_module

    monkeypatch.setattr(planning_module, "targets_settled", lambda *args: False)
    report = prepare(seed_text("004"), "004")
    span = report.sections.targets
    assert span is not None and "增长5.7%" in report.sections.slice(span)
    # The model reads a text whose 5.7% became 6.3% (same length, same offsets); the source
    # the summary is checked against, and the draft, still say 5.7%.
    text = report.sections.text
    report.sections.text = (
        text[: span.start]
        + text[span.start : span.end].replace("增长5.7%", "增长6.3%")
        + text[span.end :]
    )
    engine = LLMEngine(load_config({"model": "local", "max_reasks": 0}), parts=["targets"])
    summary = engine.summarize(report)
    report.sections.text = text
    checked = attach_verification(summary, report.index)
    assert summary.engine.usage.calls == 1
    services = next(t for t in checked.targets if "服务业" in t.indicator)
    assert services.target == "增长5.7%"  # whatever the model wrote, the draft stands
    assert checked.verification.numbers_grounded == checked.verification.numbers_total
    assert not any("6.3" in t.target for t in checked.targets)


@pytest.mark.llm
@pytest.mark.slow
def test_the_local_model_writes_the_overview_from_the_digest(local_env, seed_text):
    summary = summarize_text(
        seed_text("004"), engine=LLMEngine(load_config({"model": "local"}), parts=["overview"])
    )
    assert summary.engine.usage.calls >= 1
    assert summary.overview and len(summary.overview) >= 20
    checks = [c for c in summary.verification.numbers if c.path == "overview"]
    assert all(c.grounded for c in checks)  # a sentence with any other number was left out


@pytest.mark.llm
@pytest.mark.slow
def test_the_server_is_stopped_afterwards(local_env):
    server = local_model.ensure_server()
    assert local_model.ensure_server() is server  # reused while it runs
    assert server.healthy()
    local_model.stop_server()
    assert not server.alive()
    with pytest.raises((urllib.error.URLError, OSError)):
        urllib.request.urlopen(f"{server.base_url}/models", timeout=2)


@pytest.mark.llm
@pytest.mark.slow
def test_the_server_stops_when_the_process_exits(local_env):
    code = (
        "from summarizer.engines.llm.local import ensure_server;"
        "s = ensure_server(); print(s.process.pid, s.port, flush=True)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=os.environ
    )
    assert result.returncode == 0, result.stderr[-2000:]
    pid, port = map(int, result.stdout.split())
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.llm
@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGILL], ids=["SIGKILL", "SIGILL"])
def test_a_server_killed_during_a_call_is_one_line_naming_the_cause(local_env, seed_text, sig):
    """Kill the managed server while it reads a call's prompt: the run ends with one line
    that names the signal, without retrying the dead process (the issue's bar is 5 s; the
    bound here is generous, the time is printed)."""
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs /proc to see when the server is busy")
    report = prepare(seed_text("004"), "004")
    server = local_model.ensure_server()  # started and self-tested
    # the overview: one call, always made, that keeps the server busy for seconds
    engine = LLMEngine(load_config({"model": "local", "cache": False}), parts=["overview"])
    killed: list[float] = []
    done = threading.Event()

    def kill_when_busy() -> None:
        idle = _cpu_seconds(server.process.pid)
        while not done.is_set() and _cpu_seconds(server.process.pid) - idle < 1.0:
            time.sleep(0.05)  # until the call is being read
        if not done.is_set():
            killed.append(time.monotonic())
            os.kill(server.process.pid, sig)

    threading.Thread(target=kill_when_busy, daemon=True).start()
    try:
        with pytest.raises(EngineError) as raised:
            engine.summarize(report)
    finally:
        done.set()
    seconds = time.monotonic() - killed[0]
    print(f"{sig.name}: {seconds:.2f} s from the kill to the error")
    message = str(raised.value)
    assert message.startswith(f"the built-in model server stopped with {sig.name}")
    assert "during a call" in message and "\n" not in message
