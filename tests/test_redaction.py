"""A provider error that echoes the API key, reshaped: no piece of the key of 8 characters or
more reaches stderr, stdout, index.jsonl, manifest.json, a report file or the cache.

The provider is the fault server (a test double) on loopback; the command line runs in a
subprocess, so whatever any library prints is caught too.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fault_server import FaultServer, Reply, Request

from summarizer.engines.llm.config import FRAGMENT, redact
from tests.conftest import ROOT, SEEDS

SECRET = "sk-proj-Q7vX2mN9pL4kR8tW3zY6"
# The variable's name does not look like a key's, so only the configured key is known.
VARIABLE = "HOSTILE_TEST_VALUE"


def pieces(secret: str) -> list[str]:
    return [secret[i : i + FRAGMENT] for i in range(len(secret) - FRAGMENT + 1)]


def leaked(text: str, secret: str = SECRET) -> list[str]:
    folded = text.lower()
    return [p for p in pieces(secret) if p.lower() in folded]


RESHAPED = [
    SECRET.removeprefix("sk-"),  # without its prefix
    f"{SECRET[:13]} … {SECRET[13:]}",  # cut in two
    SECRET.upper(),
    f"key={SECRET[8:]}",
]


@pytest.mark.parametrize("echo", RESHAPED)
def test_redact_removes_every_piece_of_eight_or_more(echo):
    text = f"Incorrect API key provided: {echo}. Check https://platform.example/keys"
    out = redact(text, [SECRET])
    assert leaked(out) == [] and "Incorrect API key provided:" in out and "***" in out


def test_redact_leaves_text_without_the_key_alone():
    text = "server error (HTTP 500): 地区生产总值增长5.5%左右 model openai/double"
    assert redact(text, [SECRET]) == text


def echoing(request: Request) -> Reply:
    """A provider that refuses the key and quotes it back, reshaped, in every field."""
    key = request.headers.get("authorization", "").removeprefix("Bearer ")
    message = (
        f"Incorrect API key provided: {key.removeprefix('sk-')}. "
        f"(first half {key[:14]}, second half {key[14:]}; {key.upper()})"
    )
    return Reply(
        status=401, body={"error": {"message": message, "type": key[3:], "code": key[5:]}}
    )


def run(*args: str, home: Path, server: FaultServer) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SUMMARIZER_HOME": str(home), VARIABLE: SECRET}
    env["SUMMARIZER_API_KEY_ENV"] = VARIABLE  # the key is read from the environment only
    for name in ("SUMMARIZER_MODEL", "SUMMARIZER_API_BASE", "SUMMARIZER_ENGINE"):
        env.pop(name, None)
    llm = ["--model", "openai/double", "--api-base", server.base_url]
    return subprocess.run(
        [sys.executable, "-m", "summarizer", *args, *llm],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def every_file(*folders: Path) -> dict[str, str]:
    found = {}
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file():
                found[str(path)] = path.read_bytes().decode("utf-8", errors="replace")
    return found


def test_summarize_shows_the_error_without_the_key(tmp_path: Path):
    with FaultServer(responder=echoing) as server:
        result = run("summarize", str(next(SEEDS.glob("004_*.txt"))), home=tmp_path, server=server)
    assert server.requests  # the key did reach the server, which echoed it
    assert result.returncode == 2 and "401" in result.stderr
    assert leaked(result.stdout + result.stderr) == []
    assert {name: leaked(text) for name, text in every_file(tmp_path).items() if leaked(text)} == {}


def test_batch_writes_no_piece_of_the_key_anywhere(tmp_path: Path):
    inputs, out, home = tmp_path / "in", tmp_path / "out", tmp_path / "home"
    inputs.mkdir()
    for seed in sorted(SEEDS.glob("00[34]_*.txt")):
        (inputs / seed.name).write_bytes(seed.read_bytes())
    with FaultServer(responder=echoing) as server:
        result = run("batch", str(inputs), "--out", str(out), "--engine", "llm", home=home,
                     server=server)  # fmt: skip
    assert server.requests
    assert result.returncode == 1, result.stderr
    files = every_file(out, home)
    assert "401" in files[str(out / "manifest.json")]  # the failure is reported ...
    assert leaked(result.stdout + result.stderr) == []  # ... without the key
    assert {name: leaked(text) for name, text in files.items() if leaked(text)} == {}
