"""The pure core never imports an LLM client or the UI toolkit."""

from __future__ import annotations

import ast
import subprocess
import sys

from tests.conftest import ROOT

CORE = [
    "schema", "normalize", "sections", "_segment", "numbers", "verify", "load", "render", "pipeline",
    "rules/__init__", "rules/areas", "rules/evidence", "rules/figures", "rules/meta", "rules/phrases",
    "rules/problems", "rules/targets",
]  # fmt: skip
FORBIDDEN = {"litellm", "openai", "instructor", "streamlit"}


def test_core_modules_do_not_import_llm_or_ui_packages():
    for name in CORE:
        tree = ast.parse((ROOT / "summarizer" / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                roots = {(node.module or "").split(".")[0]}
            else:
                continue
            assert not roots & FORBIDDEN, f"summarizer/{name}.py imports {roots & FORBIDDEN}"


def test_rules_pipeline_loads_no_llm_or_ui_package_at_run_time():
    code = (
        "import sys; from summarizer.pipeline import summarize_path;"
        "summarize_path('seeds/003_6ddcaf3fcc63026a.txt');"
        f"print(sorted(m for m in {sorted(FORBIDDEN)!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
