"""A provider error that echoes the API key, reshaped: no piece of the key of 8 characters or
more reaches stderr, stdout, index.jsonl, manifest.json, a report file or the cache.

The provider is the fault server (a test double) on loopback; the command line runs in a
subprocess, so whatever any library prints is caught too.
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fault_server import FaultServer, Reply, Request
from scripted_model import answer_for, document_of, draft_of, task_of

from summarizer.engines.llm.config import FRAGMENT, redact
from tests.conftest import ROOT, SEEDS

SECRET = "sk-proj-Q7vX2mN9pL4kR8tW3zY6"
# The variable's name does not look like a key's, so only the configured key is known.
VARIABLE = "HOSTILE_TEST_VALUE"


def pieces(secret: str) -> list[str]:
    return [secret[i : i + FRAGMENT] for i in range(len(secret) - FRAGMENT + 1)]


def _bare(text: str) -> str:
    """Lower case, without white space, punctuation or invisible characters."""
    return re.sub(r"[\W_]+", "", text.lower())


def _forms(secret: str) -> list[str]:
    """The key as a leak may show it: as is, reversed, in base64 at any offset, in hex."""
    raw = secret.encode()
    forms = [secret, secret[::-1], raw.hex()]
    for pad in (b"", b"x", b"xy"):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            forms.append(encode(pad + raw).decode()[4 if pad else 0 : -4])
    return forms


def _unescaped(text: str) -> str:
    return re.sub(r"\\+u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)


def leaked(text: str, secret: str = SECRET) -> list[str]:
    """Every 8-character piece of the key, in any of its forms, that ``text`` still holds
    (compared without case, white space or separators, and with JSON escapes undone)."""
    found = []
    for view in {_bare(text), _bare(_unescaped(text))}:
        for form in _forms(secret):
            found += [p for p in pieces(_bare(form)) if p in view]
    return found


RESHAPED = [
    SECRET.removeprefix("sk-"),  # without its prefix
    f"{SECRET[:13]} … {SECRET[13:]}",  # cut in two
    SECRET.upper(),
    f"key={SECRET[8:]}",
    " ".join(SECRET),  # split every character
    "-".join(SECRET[i : i + 4] for i in range(0, len(SECRET), 4)),  # every four
    "\n".join(SECRET),
    "\u200b".join(SECRET),  # invisible separators
    base64.b64encode(SECRET.encode()).decode(),
    base64.b64encode(f"Bearer {SECRET}".encode()).decode(),  # base64 at an offset
    base64.urlsafe_b64encode(f"u:{SECRET}".encode()).decode(),
    SECRET[::-1],  # reversed
    "".join(f"\\u{ord(c):04x}" for c in SECRET),  # JSON-escaped
    json.dumps({"k": "".join(f"\\u{ord(c):04x}" for c in SECRET)}),
    SECRET.encode().hex(),
]


@pytest.mark.parametrize("echo", RESHAPED)
def test_redact_removes_every_piece_of_eight_or_more(echo):
    text = f"Incorrect API key provided: {echo}. Check https://platform.example/keys"
    out = redact(text, [SECRET])
    assert leaked(out) == [] and "Incorrect API key provided:" in out and "***" in out


def test_the_leak_check_sees_every_reshaped_form():
    assert all(leaked(f"echo: {echo}.") for echo in RESHAPED)


def test_redact_leaves_text_without_the_key_alone():
    text = "server error (HTTP 500): 地区生产总值增长5.5%左右 model openai/double"
    assert redact(text, [SECRET]) == text
    report = (SEEDS / next(p.name for p in SEEDS.glob("003_*.txt"))).read_text(encoding="utf-8")
    assert redact(report, [SECRET]) == report  # a whole report, with every separator it has


def test_a_remembered_key_is_redacted_without_being_passed(monkeypatch):
    from summarizer import secrets

    monkeypatch.setattr(secrets, "_remembered", set())
    assert leaked(redact(" ".join(SECRET)))  # not known, not shaped like a key: left
    secrets.remember(SECRET)
    assert leaked(redact(" ".join(SECRET))) == []


def reshaped(key: str) -> str:
    """The key in every shape of RESHAPED, as an echo of it may write it."""
    shapes = [shape.replace(SECRET, key) for shape in RESHAPED] if key == SECRET else [key]
    return " | ".join(shapes)


def echoing(request: Request) -> Reply:
    """A provider that refuses the key and quotes it back, reshaped, in every field."""
    key = request.headers.get("authorization", "").removeprefix("Bearer ")
    message = (
        f"Incorrect API key provided: {key.removeprefix('sk-')}. "
        f"(first half {key[:14]}, second half {key[14:]}; {key.upper()}; {reshaped(key)})"
    )
    return Reply(
        status=401, body={"error": {"message": message, "type": key[3:], "code": key[5:]}}
    )


def writing_the_key(request: Request) -> Reply:
    """A model (or a proxy) that writes the key, reshaped, into every text of its answer."""
    key = request.headers.get("authorization", "").removeprefix("Bearer ")
    answer = answer_for(task_of(request), document_of(request), draft_of(request))

    def spoil(value: Any) -> Any:
        if isinstance(value, str):
            return f"{value} 密钥{reshaped(key)}"
        if isinstance(value, list):
            return [spoil(v) for v in value]
        if isinstance(value, dict):
            return {k: spoil(v) if k != "n" else v for k, v in value.items()}
        return value

    return Reply.json(spoil(answer))


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


def _two_seeds(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A folder with two seed reports; (it, the output folder, the home folder)."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    for seed in sorted(SEEDS.glob("00[34]_*.txt")):
        (inputs / seed.name).write_bytes(seed.read_bytes())
    return inputs, tmp_path / "out", tmp_path / "home"


def test_batch_writes_no_piece_of_the_key_anywhere(tmp_path: Path):
    inputs, out, home = _two_seeds(tmp_path)
    with FaultServer(responder=echoing) as server:
        result = run("batch", str(inputs), "--out", str(out), "--engine", "llm", home=home,
                     server=server)  # fmt: skip
    assert server.requests
    assert result.returncode == 1, result.stderr
    files = every_file(out, home)
    assert "401" in files[str(out / "manifest.json")]  # the failure is reported ...
    assert leaked(result.stdout + result.stderr) == []  # ... without the key
    assert {name: leaked(text) for name, text in files.items() if leaked(text)} == {}


def test_a_model_that_writes_the_key_into_its_answer_leaks_it_nowhere(tmp_path: Path):
    inputs, out, home = _two_seeds(tmp_path)
    with FaultServer(responder=writing_the_key) as server:
        result = run("batch", str(inputs), "--out", str(out), "--engine", "llm", home=home,
                     server=server)  # fmt: skip
        again = run("batch", str(inputs), "--out", str(tmp_path / "again"), "--engine", "llm",
                    home=home, server=server)  # fmt: skip (answers from the cache this time)
    assert server.requests and result.returncode == 0, result.stderr
    assert again.returncode == 0, again.stderr
    files = every_file(out, tmp_path / "again", home)
    assert any(name.endswith(".json") and "reports" in name for name in files)
    assert any("cache" in name for name in files)  # the answer cache, its WAL included
    assert leaked(result.stdout + result.stderr + again.stdout + again.stderr) == []
    assert {name: leaked(text) for name, text in files.items() if leaked(text)} == {}


# A library object whose clean-up at garbage collection never returns (fault injection: the
# shape of litellm's aiohttp session disposal blocking at interpreter shutdown).
_BLOCKING_CLEAN_UP = """
import sys, time
import litellm

class Blocker:
    def __del__(self):
        time.sleep(3600)

litellm._held_by_the_library = Blocker()
from summarizer.cli import main
sys.argv = ["summarizer", *sys.argv[1:]]
main()
"""


def test_the_process_exits_after_a_401_even_when_a_client_clean_up_blocks(tmp_path: Path):
    env = {**os.environ, "SUMMARIZER_HOME": str(tmp_path), VARIABLE: SECRET}
    env.update(SUMMARIZER_API_KEY_ENV=VARIABLE, LITELLM_LOCAL_MODEL_COST_MAP="True")
    seed = str(next(SEEDS.glob("003_*.txt")))
    with FaultServer(responder=echoing) as server:
        llm = ["--engine", "llm", "--model", "openai/double", "--api-base", server.base_url]
        result = subprocess.run(
            [sys.executable, "-c", _BLOCKING_CLEAN_UP, "summarize", seed, *llm],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert result.returncode == 2 and "401" in result.stderr
    assert leaked(result.stderr) == []
