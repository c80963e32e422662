"""``summarizer batch`` as users run it: exit codes, and a batch killed with SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app

ROOT = Path(__file__).resolve().parent.parent


def write_variants(folder: Path, seeds_dir: Path, count: int) -> list[Path]:
    """Copies of the seeds, each with a numbered line added so every file has its own hash."""
    seeds = sorted(seeds_dir.glob("*.txt"))
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        seed = seeds[i % len(seeds)]
        text = seed.read_text(encoding="utf-8").rstrip("\n")
        path = folder / f"{i:03d}_{seed.stem.split('_')[0]}.txt"
        path.write_text(f"{text}\n\n（本文件编号：{i + 1:03d}）\n", encoding="utf-8")
        paths.append(path)
    return paths


def batch_command(inputs: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "summarizer", "batch", str(inputs), "--out", str(out), *extra]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "summarizer", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


def outputs_of(out: Path) -> dict[str, bytes]:
    """Every file a batch writes whose content must not depend on the run."""
    files = {f"reports/{p.name}": p.read_bytes() for p in (out / "reports").iterdir()}
    for name in ("index.jsonl", "targets.csv"):
        files[name] = (out / name).read_bytes()
    return files


# -- usage -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["--engine", "gpt"],
        ["--concurrency", "0"],
        ["--engine", "llm", "--max-tokens", "-5"],
        ["--model", "deepseek/deepseek-chat"],  # a model without --engine llm
        ["--max-cost", "1.5"],  # a budget without --engine llm
    ],
)
def test_bad_usage_exits_2(tmp_path: Path, args: list[str]) -> None:
    result = CliRunner().invoke(app, ["batch", str(tmp_path), "--out", str(tmp_path / "o"), *args])
    assert result.exit_code == 2
    assert "error:" in result.output


def test_missing_out_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["batch", str(tmp_path)])
    assert result.exit_code == 2


def test_failures_give_exit_1_and_the_batch_goes_on(tmp_path: Path, seeds_dir: Path) -> None:
    folder = tmp_path / "in"
    write_variants(folder, seeds_dir, 2)
    (folder / "not-a-report.txt").write_text("hello world, no Chinese here\n" * 20)
    (folder / "image.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    out = tmp_path / "out"
    result = run_cli("batch", str(folder), "--out", str(out), "--quiet")
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    assert result.stderr.count("failed: ") == 2
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["summarised"] == 2 and manifest["counts"]["failed"] == 2
    assert {Path(f["source"]).name for f in manifest["failures"]} == {
        "not-a-report.txt",
        "image.pdf",
    }
    assert len(list((out / "reports").glob("*.json"))) == 2


def test_a_rerun_resumes_and_says_so(tmp_path: Path, seeds_dir: Path) -> None:
    folder = tmp_path / "in"
    write_variants(folder, seeds_dir, 3)
    out = tmp_path / "out"
    first = run_cli("batch", str(folder), "--out", str(out))
    assert first.returncode == 0, first.stderr
    assert "3 summarised, 0 already done" in first.stderr
    again = run_cli("batch", str(folder / "*.txt"), "--out", str(out))
    assert again.returncode == 0
    assert "0 summarised, 3 already done" in again.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["engine"] == "rules" and manifest["prompt_version"]
    assert manifest["counts"]["resumed"] == 3


def test_hidden_inputs_are_named_not_read(tmp_path: Path, seeds_dir: Path) -> None:
    folder = tmp_path / "in"
    write_variants(folder, seeds_dir, 1)
    write_variants(folder / ".drafts", seeds_dir, 1)
    (folder / ".copy.txt").write_text((folder / "000_000.txt").read_text(encoding="utf-8") + "。")
    out = tmp_path / "out"
    result = run_cli("batch", str(folder), "--out", str(out))
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["files"] == 1
    assert sorted(Path(s["source"]).name for s in manifest["skipped"]) == [".copy.txt", ".drafts"]
    assert "2 hidden file(s) or folder(s) not read" in result.stderr


def test_outputs_of_inputs_gone_are_listed_and_pruned(tmp_path: Path, seeds_dir: Path) -> None:
    folder, out = tmp_path / "in", tmp_path / "out"
    first, second, third = write_variants(folder, seeds_dir, 3)
    assert run_cli("batch", str(folder), "--out", str(out)).returncode == 0
    before = sorted(p.name for p in (out / "reports").iterdir())
    first.unlink()  # deleted
    second.write_text(second.read_text(encoding="utf-8") + "（修订）\n", encoding="utf-8")  # edited
    again = run_cli("batch", str(folder), "--out", str(out))
    assert again.returncode == 0, again.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    stale = sorted(Path(name).name for name in manifest["stale_outputs"])
    assert len(stale) == 4 and set(stale) <= set(before)  # two reports, .json and .md each
    assert all((out / name).exists() for name in manifest["stale_outputs"])  # listed, kept
    assert "--prune removes them" in again.stderr
    pruned = run_cli("batch", str(folder), "--out", str(out), "--prune")
    assert pruned.returncode == 0, pruned.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(Path(n).name for n in manifest["pruned_outputs"]) == stale
    assert manifest["stale_outputs"] == []
    left = sorted(p.stem for p in (out / "reports").glob("*.json"))
    assert len(left) == 2 and not set(stale) & {p.name for p in (out / "reports").iterdir()}


def test_an_output_folder_that_cannot_be_made_gives_one_line(tmp_path: Path, seeds_dir: Path):
    folder = tmp_path / "in"
    write_variants(folder, seeds_dir, 1)
    result = run_cli("batch", str(folder), "--out", "/dev/null")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: /dev/null")


# -- kill -9 -------------------------------------------------------------------------------


def _count(folder: Path) -> int:
    try:
        return sum(
            1 for name in os.listdir(folder) if name.endswith(".md") and not name.startswith(".")
        )
    except FileNotFoundError:
        return 0


def _run_and_kill(command: list[str], reports: Path, at_least: int, total: int) -> bool:
    """Start a batch and SIGKILL it once ``at_least`` reports are written; False if it ended first."""
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 300
        while process.poll() is None and time.monotonic() < deadline:
            if at_least <= _count(reports) < total:
                process.send_signal(signal.SIGKILL)
                process.wait()
                return True
            time.sleep(0.005)
        return False
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.slow
def test_sigkill_then_rerun_equals_an_uninterrupted_run(tmp_path: Path, seeds_dir: Path) -> None:
    folder = tmp_path / "in"
    write_variants(folder, seeds_dir, 30)
    reference, resumed = tmp_path / "reference", tmp_path / "resumed"

    whole = run_cli("batch", str(folder), "--out", str(reference), "--quiet")
    assert whole.returncode == 0, whole.stderr

    command = batch_command(folder, resumed, "--quiet", "--concurrency", "2")
    kills = [_run_and_kill(command, resumed / "reports", n, 30) for n in (2, 12, 22)]
    assert any(kills), "the batch finished before it could be killed"
    written_before = _count(resumed / "reports")
    assert written_before < 30 or not kills[-1]

    final = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert final.returncode == 0, final.stderr
    manifest = json.loads((resumed / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "complete"
    assert manifest["counts"]["resumed"] + manifest["counts"]["summarised"] == 30
    assert manifest["counts"]["resumed"] >= 2  # finished work was kept, not redone

    assert outputs_of(resumed) == outputs_of(reference)
    leftovers = [p for p in resumed.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []
    for path in (resumed / "reports").glob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))
    index = (resumed / "index.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(index) == 30 and all(json.loads(line)["status"] == "ok" for line in index)
