"""``summarizer eval``: run, compare and verifier, through the command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from test_eval_dataset import GOLD, write_case
from typer.testing import CliRunner

from summarizer.cli import app

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "evals" / "datasets" / "seeds"
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, ["eval", *args], env={"COLUMNS": "220"})


def test_seeds_with_the_rules_engine_from_a_copy_outside_the_repository(tmp_path):
    outside = tmp_path / "elsewhere"
    shutil.copytree(SEEDS, outside)
    result = invoke("--dataset", str(outside), "--out", str(tmp_path / "run"))
    assert result.exit_code == 0, result.output
    for case in ("000_06943f4d621d722d", "003_6ddcaf3fcc63026a", "total (5)"):
        assert case in result.output
    saved = json.loads((tmp_path / "run" / "results.json").read_text(encoding="utf-8"))
    assert saved["info"]["engine"] == "rules" and saved["info"]["dataset"] == "elsewhere"
    assert [c["case_id"][:3] for c in saved["cases"]] == ["000", "001", "002", "003", "004"]
    partial = saved["cases"][1]
    assert partial["targets"]["prf"]["gold"] == 0 and partial["task_areas"]["prf"]["gold"] == 0
    assert (
        (tmp_path / "run" / "report.html").read_text(encoding="utf-8").startswith("<!doctype html>")
    )
    assert len(list((tmp_path / "run" / "predictions").glob("*.json"))) == 5


def test_rules_runs_are_deterministic(tmp_path):
    for name in ("a", "b"):
        assert invoke("--dataset", str(SEEDS), "--out", str(tmp_path / name)).exit_code == 0
    a = (tmp_path / "a" / "results.json").read_bytes()
    assert a == (tmp_path / "b" / "results.json").read_bytes()


def test_refuses_gold_that_is_not_in_its_report(tmp_path):
    write_case(tmp_path / "ds", "case", {**GOLD, "review_areas": ["报告里没有这句话"]})
    result = invoke("--dataset", str(tmp_path / "ds"))
    assert result.exit_code == 2
    assert "review_areas[0] '报告里没有这句话' is not in the report" in result.output
    assert "Traceback" not in result.output


def test_usage_errors():
    assert "give a dataset folder" in invoke().output
    result = invoke("--dataset", str(SEEDS), "--model", "m")
    assert result.exit_code == 2 and "llm engine only" in result.output
    assert invoke("--dataset", "/no/such/folder").exit_code == 2


def test_compare_two_runs(tmp_path):
    assert invoke("--dataset", str(SEEDS), "--out", str(tmp_path / "a")).exit_code == 0
    # Run B: the same results with one target of seed 003 turned into a miss.
    data = json.loads((tmp_path / "a" / "results.json").read_text(encoding="utf-8"))
    case = next(c for c in data["cases"] if c["case_id"].startswith("003"))
    targets = case["targets"]
    first = targets["outcomes"][0]
    assert first["status"] == "match", "seed 003's first target is expected to be found"
    targets["outcomes"][0] = {"status": "missed", "gold": first["gold"], "pred": None}
    targets["prf"].update(tp=targets["prf"]["tp"] - 1, f1=0.5)
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "results.json").write_text(
        json.dumps(data, ensure_ascii=False), encoding="utf-8"
    )

    result = invoke(
        "compare", str(tmp_path / "a"), str(tmp_path / "b"), "--json", str(tmp_path / "c.json")
    )
    assert result.exit_code == 0, result.output
    assert "worse" in result.output and "broken: 地区生产总值：增长5.5%左右" in result.output
    assert (
        json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))["cases"][3]["verdict"]
        == "worse"
    )
    gate = invoke("compare", str(tmp_path / "a"), str(tmp_path / "b"), "--fail-on-regression")
    assert gate.exit_code == 1
    assert (
        invoke(
            "compare", str(tmp_path / "a"), str(tmp_path / "a"), "--fail-on-regression"
        ).exit_code
        == 0
    )
    assert invoke("compare", str(tmp_path / "a"), str(tmp_path / "nothing")).exit_code == 2


def test_verifier_on_one_dataset(tmp_path):
    result = invoke("verifier", "--dataset", str(SEEDS), "--source", "gold", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "detection rate" in result.output and "false-alarm rate" in result.output
    report = json.loads((tmp_path / "verifier.json").read_text(encoding="utf-8"))
    planted = {k["kind"]: k["planted"] for k in report["kinds"]}
    assert set(planted) == {
        "digit",
        "magnitude",
        "decimal",
        "percent_points",
        "qualifier",
        "other_sentence",
        "swap",
        "neighbour",
        "sign",
        "level_as_growth",
    }
    numbers = ("digit", "magnitude", "decimal", "percent_points", "qualifier", "other_sentence")
    assert all(planted[k] > 0 for k in numbers), planted
    assert sum(planted[k] for k in ("swap", "neighbour", "sign", "level_as_growth")) > 0, planted
    caught = {k["kind"]: k["caught"] for k in report["kinds"]}
    assert caught == planted, [m for m in report["misses"]]
    (gold,) = report["sources"]
    assert gold["source"] == "gold" and gold["summaries"] == 5 and gold["numbers"] > 50
    assert invoke("verifier", "--source", "magic").exit_code == 2


def test_llm_engine_run_records_usage_and_a_rerun_calls_no_model(tmp_path, monkeypatch):
    from fault_server import FaultServer
    from scripted_model import grounded_answer

    monkeypatch.setenv("SUMMARIZER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SUMMARIZER_API_KEY", "sk-dummy")
    dataset = tmp_path / "one"
    dataset.mkdir()
    for path in SEEDS.glob("004_*"):
        shutil.copy(path, dataset / path.name)
    with FaultServer(responder=grounded_answer) as server:
        args = ["--dataset", str(dataset), "--engine", "llm", "--model", "openai/double"]
        args += ["--api-base", server.base_url, "--out", str(tmp_path / "run")]
        first = invoke(*args)
        assert first.exit_code == 0, first.output
        sent = len(server.requests)
        assert sent > 0
        second = invoke(*args)
        assert second.exit_code == 0, second.output
        assert len(server.requests) == sent  # the re-run called no model
    saved = json.loads((tmp_path / "run" / "results.json").read_text(encoding="utf-8"))
    assert saved["info"]["engine"] == "llm" and saved["info"]["model"] == "openai/double"
    assert saved["info"]["prompt_version"]
    usage = saved["cases"][0]["usage"]
    assert usage["calls"] > 0 and usage["tokens_in"] > 0 and usage["tokens_out"] > 0
    timings = json.loads((tmp_path / "run" / "timings.json").read_text(encoding="utf-8"))
    assert timings["cases"][0]["cached"] is True


def test_llm_parts_are_checked():
    result = invoke("--dataset", "evals/datasets/seeds", "--llm-parts", "targets")
    assert result.exit_code == 2 and "--engine llm" in result.output
    result = invoke("--dataset", "evals/datasets/seeds", "--engine", "llm", "--llm-parts", "everything")
    assert result.exit_code == 2 and "targets, review or tasks" in result.output
