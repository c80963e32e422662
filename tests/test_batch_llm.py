"""A batch on the LLM engine, against the fault-injecting server (a test double on loopback)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fault_server import FaultServer, Reply, Request
from scripted_model import document_of, grounded_answer

from summarizer.batch import BatchSettings, run_batch
from summarizer.engines.llm.config import load_config
from summarizer.engines.llm.ratelimit import GATE

SECRET = "sk-batch-test-0a1b2c3d4e5f6789"


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("SUMMARIZER_HOME", str(tmp_path / "home"))
    for name in ("SUMMARIZER_MODEL", "SUMMARIZER_API_BASE", "SUMMARIZER_ENGINE"):
        monkeypatch.delenv(name, raising=False)
    GATE.reset()
    yield
    GATE.reset()


@pytest.fixture
def inputs(tmp_path: Path, seed_path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for prefix in ("000", "002"):
        for copy in range(2):
            text = seed_path(prefix).read_text(encoding="utf-8")
            (folder / f"{prefix}-{copy}.txt").write_text(f"{text}\n（{copy}）\n", encoding="utf-8")
    return folder


def settings(server: FaultServer, **extra) -> BatchSettings:
    options = {"api_base": server.base_url, "api_key": SECRET, "cache": False}
    options.update({"retries": 1, "backoff": 0.01, "timeout": 20.0})
    llm = load_config({"model": "openai/double", **options})
    return BatchSettings(engine="llm", llm=llm, concurrency=4, **extra)


def everything_written(out: Path) -> str:
    return "\n".join(
        p.read_text(encoding="utf-8")
        for p in out.rglob("*")
        if p.is_file() and p.suffix in (".json", ".jsonl", ".md", ".csv")
    )


def test_a_429_pauses_the_whole_batch_and_every_report_finishes(inputs: Path, tmp_path: Path):
    with FaultServer(responder=grounded_answer) as server:
        server.enqueue(Reply.rate_limit(retry_after=0.2))
        result = run_batch([str(inputs)], tmp_path / "out", settings(server))
        assert result.exit_code == 0, result.manifest["failures"]
        usage = result.manifest["usage"]["this_run"]
        assert GATE.pauses == 1  # one 429 paused every worker, through the shared gate
        assert len(server.requests) == usage["calls"] + 1  # the refused request was retried
    manifest = result.manifest
    assert manifest["model"] == "openai/double" and manifest["prompt_version"]
    assert usage["tokens"] > 0 and manifest["counts"]["summarised"] == 4


def test_a_report_the_model_fails_on_is_recorded_and_the_rest_go_on(inputs: Path, tmp_path):
    # Seed 002 only: a sentence that seed 000 does not contain.
    seed_000 = (inputs / "000-0.txt").read_text(encoding="utf-8")
    lines = (inputs / "002-0.txt").read_text(encoding="utf-8").splitlines()
    bad = next(line[:10] for line in lines if len(line) > 20 and line[:10] not in seed_000)

    def respond(request: Request) -> Reply:
        if bad in document_of(request):
            return Reply.auth_error()  # repeats the key it was sent, as some providers do
        return grounded_answer(request)

    out = tmp_path / "out"
    with FaultServer(responder=respond) as server:
        result = run_batch([str(inputs)], out, settings(server))
    assert result.exit_code == 1
    counts = result.manifest["counts"]
    assert counts["failed"] >= 1 and counts["summarised"] + counts["failed"] == 4
    assert all("openai/double" in f["reason"] for f in result.manifest["failures"])
    written = everything_written(out)
    assert SECRET not in written and SECRET not in json.dumps(result.manifest)


def test_the_token_budget_stops_an_llm_batch(inputs: Path, tmp_path: Path):
    with FaultServer(responder=grounded_answer) as server:
        first = run_batch([str(inputs)], tmp_path / "probe", settings(server))
        per_report = first.manifest["usage"]["this_run"]["tokens"] / 4
        budget = int(per_report * 2.5)
        result = run_batch([str(inputs)], tmp_path / "out", settings(server, max_tokens=budget))
    manifest = result.manifest
    assert manifest["status"] == "budget_reached" and result.exit_code == 1
    assert manifest["counts"]["not_started"] >= 1
    assert manifest["usage"]["this_run"]["tokens"] <= budget * 1.5


def test_two_servers_share_a_batch_and_one_dying_loses_nothing(tmp_path: Path, seed_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(20):
        text = seed_path(f"00{i % 5}").read_text(encoding="utf-8")
        (folder / f"{i:02d}.txt").write_text(f"{text}\n（{i}）\n", encoding="utf-8")
    with FaultServer(responder=grounded_answer) as alive, FaultServer() as dying:
        answered = 0

        def answer_then_die(request: Request) -> Reply:
            nonlocal answered
            answered += 1
            if answered == 6:  # in the middle of the batch: the server goes away
                import threading

                threading.Thread(target=dying.stop, daemon=True).start()
            return grounded_answer(request)

        dying.responder = answer_then_die
        options = {"servers": (alive.base_url, dying.base_url), "api_key": SECRET}
        options.update({"cache": False, "retries": 2, "backoff": 0.01, "timeout": 10.0})
        llm = load_config({"model": "openai/double", **options})
        result = run_batch(
            [str(folder)], tmp_path / "out", BatchSettings(engine="llm", llm=llm, concurrency=4)
        )
    assert result.exit_code == 0, result.manifest["failures"]
    assert result.manifest["counts"]["summarised"] == 20
    by_server = result.manifest["usage"]["this_run"]["calls_by_server"]
    assert by_server.get(alive.base_url, 0) > 0 and by_server.get(dying.base_url, 0) >= 5
    assert sum(by_server.values()) == result.manifest["usage"]["this_run"]["calls"]
    failed = [w for o in result.outcomes if o.summary for w in o.summary.warnings
              if w.code == "llm_call_failed"]  # fmt: skip
    assert failed == []  # every call was answered, by one server or the other
    assert SECRET not in everything_written(tmp_path / "out")
