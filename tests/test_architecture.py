"""The package's shape: layers point one way, no import circles, the core needs no LLM or UI.

Layers, lowest first; a module may import its own layer and the layers below it:

    schema, errors, resources, spreadsheet -> report -> verify, analysis -> engines
    -> pipeline -> render -> batch, evaluate -> cli
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "summarizer"
FORBIDDEN = {"litellm", "openai", "instructor", "streamlit"}
# The pure core: everything but the LLM engine and the clients.
NOT_CORE = ("summarizer.engines.llm", "summarizer.cli", "summarizer.batch", "summarizer.evaluate")
LAYERS = {
    "summarizer.schema": 0,
    "summarizer.errors": 0,
    "summarizer.secrets": 0,
    "summarizer.resources": 0,
    "summarizer.spreadsheet": 0,
    "summarizer.report": 1,
    "summarizer.verify": 2,
    "summarizer.analysis": 2,
    "summarizer.engines": 3,
    "summarizer.pipeline": 4,
    "summarizer.render": 5,
    "summarizer.batch": 6,
    "summarizer.evaluate": 6,
    "summarizer.panel": 6,
    "summarizer.cli": 7,
    "summarizer.__main__": 7,
}


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """Every module of the package that ``name`` imports, lazily or under TYPE_CHECKING too."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    wanted: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            wanted += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            for alias in node.names:  # `from pkg import module` imports the module
                full = f"{base}.{alias.name}"
                wanted.append(full if full in known else base)
    found = set()
    for target in wanted:
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target and target != name:
            found.add(target)
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(name, path, known) for name, path in known.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def layer(name: str) -> int | None:
    for prefix, rank in LAYERS.items():
        if name == prefix or name.startswith(prefix + "."):
            return rank
    return None


def test_no_import_circles():
    assert cycles(graph()) == []


def test_the_circle_finder_finds_a_planted_circle():
    edges = graph()
    edges["summarizer.schema"] = edges["summarizer.schema"] | {"summarizer.report.load"}
    edges["summarizer.report.load"] = edges["summarizer.report.load"] | {"summarizer.schema"}
    assert ["summarizer.report.load", "summarizer.schema"] in cycles(edges)


def test_every_module_has_a_layer():
    unplaced = [name for name in modules() if name != "summarizer" and layer(name) is None]
    assert unplaced == []


def test_imports_point_down_the_layers():
    wrong = []
    for name, targets in graph().items():
        here = layer(name)
        for target in targets:
            there = layer(target)
            if here is not None and there is not None and there > here:
                wrong.append(f"{name} -> {target}")
    assert wrong == []


def test_core_modules_do_not_import_llm_or_ui_packages():
    for name, path in modules().items():
        if name.startswith(NOT_CORE):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                roots = {(node.module or "").split(".")[0]}
            else:
                continue
            assert not roots & FORBIDDEN, f"{name} imports {roots & FORBIDDEN}"


def test_module_names_are_unique():
    """No two modules share a name for different things (cli modules are named after the
    subcommand of the feature they run, so they may share that feature's name)."""
    seen: dict[str, str] = {}
    clashes = []
    for name in modules():
        if name.startswith("summarizer.cli.") or name.count(".") < 2:
            continue
        short = name.rpartition(".")[2]
        if short == "__main__":
            continue
        if short in seen:
            clashes.append((seen[short], name))
        seen[short] = name
    assert clashes == []


def test_rules_pipeline_loads_no_llm_or_ui_package_at_run_time():
    code = (
        "import sys; from summarizer.pipeline import summarize_path;"
        "summarize_path('seeds/003_6ddcaf3fcc63026a.txt');"
        f"print(sorted(m for m in {sorted(FORBIDDEN)!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
