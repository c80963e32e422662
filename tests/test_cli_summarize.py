"""``summarizer summarize`` as a user runs it: real files, a real process, exit codes."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "summarizer", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_markdown_summary_of_seed_003():
    result = run("summarize", "seeds/003_6ddcaf3fcc63026a.txt")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for target in ("增长5.5%左右", "4%以上", "控制在5%以内", "2%左右", "增长与经济增长基本同步"):
        assert target in out
    assert "聚焦打好政策“组合拳”" in out or "聚焦打好政策\"组合拳\"" in out


def test_json_output_keeps_chinese_readable():
    result = run("summarize", "seeds/004_6f8d6bdb4383f05b.txt", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert "地区生产总值" in result.stdout  # not \\u escapes
    data = json.loads(result.stdout)
    assert data["meta"]["region"].endswith("上城区")
    assert data["verification"]["numbers_total"] == data["verification"]["numbers_grounded"]


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02\x03PNG\x00\x00binary" * 50, "binary"),
        (b"This is an English text about the weather. " * 40, "does not look like"),
    ],
    ids=["empty", "binary", "english"],
)
def test_bad_input_gets_one_line_and_exit_2(tmp_path, content, needle):
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    result = run("summarize", str(path))
    assert result.returncode == 2
    assert needle in result.stderr.lower()
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_missing_file_and_unknown_engine(tmp_path):
    result = run("summarize", str(tmp_path / "nope.txt"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    result = run("summarize", "seeds/003_6ddcaf3fcc63026a.txt", "--engine", "magic")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_gbk_report_and_unstructured_chinese(tmp_path, seed_text):
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(seed_text("003").encode("gb18030"))
    result = run("summarize", str(gbk), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["targets"]) == 5

    plain = tmp_path / "plain.txt"
    plain.write_text("今天天气很好，我们去公园散步，看到了很多花。" * 20, encoding="utf-8")
    result = run("summarize", str(plain), "--format", "json")
    assert result.returncode == 0, result.stderr
    codes = {w["code"] for w in json.loads(result.stdout)["warnings"]}
    assert "no_sections" in codes


def test_bench_prints_each_report_and_the_median_over_them(tmp_path):
    result = run("bench", "seeds/000_06943f4d621d722d.txt", "seeds/002_8447be46e117db4b.txt", "-n", "2")
    assert result.returncode == 0, result.stderr
    out = " ".join(result.stdout.split())  # rich wraps long lines
    assert "000_0" in out and "002_8" in out
    assert "median over 2 reports:" in out and "per 17,000 characters" in out
    assert re.search(r"\b(\d+)/\1\b", out)  # grounded/total: every number of a seed grounded


def test_bench_refuses_a_missing_file_without_a_traceback(tmp_path):
    result = run("bench", str(tmp_path / "missing.txt"), "-n", "1")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr


_BUGGY = """
import sys
import summarizer.pipeline as pipeline

def broken(*args, **kwargs):
    raise KeyError("labels")  # a bug inside the library (fault injection)

pipeline.summarize_path = broken
from summarizer.cli import main
sys.argv = ["summarizer", *sys.argv[1:]]
main()
"""


def test_a_bug_is_one_line_with_its_own_exit_code_not_a_traceback():
    import os

    env = {k: v for k, v in os.environ.items() if k != "SUMMARIZER_DEBUG"}
    args = [sys.executable, "-c", _BUGGY, "summarize", "seeds/003_6ddcaf3fcc63026a.txt"]
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 70
    assert result.stderr.startswith("internal error: KeyError: 'labels'")
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
    debug = subprocess.run(args, cwd=ROOT, env={**env, "SUMMARIZER_DEBUG": "1"},
                           capture_output=True, text=True, timeout=120)  # fmt: skip
    assert "Traceback" in debug.stderr
