"""The product as a user gets it: a wheel, installed into a new virtualenv, without a checkout.

The fast tests read ``pyproject.toml``: its explicit package list must name every package
folder under ``summarizer/``, and its ``package-data`` patterns must take every file of the
folders that ship (``prompts/``, ``ui/`` and ``seeds/`` among them).

The slow ones (markers ``slow`` and ``wheel``) build the wheel from a copy of the checkout,
install it with the ``llm`` and ``ui`` extras into a fresh virtualenv under ``tmp_path`` and
run the command line from a folder outside the checkout: ``summarize``, ``ui`` (its health
endpoint), the LLM engine against the fault server on loopback, and ``eval`` on a copy of a
dataset.  The install is the one step that reaches a package index; the dependencies are held
to the versions of the environment running the tests, so the run is repeatable.
"""

from __future__ import annotations

import fnmatch
import glob
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from importlib.metadata import distributions
from pathlib import Path

import pytest

from summarizer.resources import ASSETS
from tests.conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]
CACHES = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
# Local files that must never ship, whatever the patterns say (Streamlit's API keys).
NEVER_SHIPPED = {"secrets.toml"}
PROJECT = PYPROJECT["project"]["name"]


# =========================================================================== pyproject


def package_folder(package: str, root: Path = ROOT) -> Path:
    """Where setuptools takes a package from: its ``package-dir`` entry or its dotted path."""
    mapped = SETUPTOOLS.get("package-dir", {}).get(package)
    return root / (mapped if mapped else package.replace(".", "/"))


def is_cache(path: Path) -> bool:
    return bool(CACHES & set(path.parts)) or path.suffix in (".pyc", ".pyo")


def own_files(package: str, root: Path = ROOT) -> set[Path]:
    """The files of a package's folder, less its subpackages' folders, caches and secrets."""
    folder = package_folder(package, root)
    others = {package_folder(p, root) for p in SETUPTOOLS["packages"] if p != package}
    files = set()
    for path in folder.rglob("*"):
        inner = path.relative_to(folder)
        if not path.is_file() or is_cache(inner) or path.name in NEVER_SHIPPED:
            continue
        if any(folder / parent in others for parent in inner.parents if parent != Path()):
            continue
        files.add(path)
    return files


def shipped_files(package: str, root: Path = ROOT) -> set[Path]:
    """What setuptools puts in the wheel for a package: its modules and its package-data."""
    folder = package_folder(package, root)
    files = set(folder.glob("*.py"))
    data = SETUPTOOLS.get("package-data", {})
    for pattern in [*data.get(package, []), *data.get("", []), *data.get("*", [])]:
        # build_py expands each pattern with glob, relative to the package folder.
        found = glob.glob(str(folder / pattern), recursive=True)
        files |= {Path(p) for p in found if Path(p).is_file()}
    return files


def test_every_package_folder_is_listed():
    listed = set(SETUPTOOLS["packages"])
    folders = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "summarizer").rglob("__init__.py")
        if not is_cache(path)
    }
    assert folders - listed == set(), "add these packages to [tool.setuptools] packages"
    code = {p for p in listed if p not in SETUPTOOLS.get("package-dir", {})}
    assert code - folders == set(), "these listed packages have no folder"


def test_no_code_folder_lacks_an_init():
    """A folder of modules without ``__init__.py`` would be left out of the wheel unnoticed."""
    for folder in (ROOT / "summarizer").rglob("*"):
        if folder.is_dir() and not is_cache(folder) and any(folder.glob("*.py")):
            assert (folder / "__init__.py").is_file(), f"{folder} has modules but no __init__.py"


def test_the_asset_folders_are_the_ones_resources_finds():
    mapped = SETUPTOOLS.get("package-dir", {})
    assert mapped == {f"summarizer._assets.{name}": name for name in ASSETS}
    assert set(mapped) <= set(SETUPTOOLS["packages"])


@pytest.mark.parametrize("package", SETUPTOOLS["packages"])
def test_every_file_of_a_package_ships(package):
    assert package_folder(package).is_dir()
    missing = own_files(package) - shipped_files(package)
    assert not missing, f"not in package-data for {package}: {sorted(map(str, missing))}"


def test_streamlit_secrets_never_match_a_pattern():
    patterns = SETUPTOOLS.get("package-data", {}).get("summarizer._assets.ui", [])
    for secret in (".streamlit/secrets.toml", "secrets.toml"):
        assert not any(fnmatch.fnmatch(secret, pattern) for pattern in patterns)


# =========================================================================== the wheel


@dataclass(frozen=True)
class Installed:
    """A virtualenv outside the checkout with the wheel installed, and a folder to run in."""

    venv: Path
    work: Path
    env: dict[str, str]

    @property
    def summarizer(self) -> str:
        return str(self.venv / "bin" / "summarizer")

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.summarizer, *args],
            cwd=self.work,
            env=self.env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=timeout,
            check=False,
        )


def checkout_copy(target: Path) -> Path:
    """The checkout's files as a fresh clone would have them, plus files not yet committed."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file() and not is_cache(Path(name)):
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def pins(path: Path) -> Path:
    """The versions installed here, as a pip constraints file (the project itself left out)."""
    lines = sorted(
        {
            f"{dist.metadata['Name']}=={dist.version}"
            for dist in distributions()
            if dist.metadata["Name"] and dist.metadata["Name"].lower() != PROJECT
        }
    )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def clean_env(home: Path) -> dict[str, str]:
    """This environment without the project's settings or anything pointing into the checkout."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SUMMARIZER_", "PYTHON", "VIRTUAL_ENV", "OPENAI_"))
    }
    env.update(SUMMARIZER_HOME=str(home), COLUMNS="200", PYTHONIOENCODING="utf-8")
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("wheel")
    source = checkout_copy(base / "source")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(base / "dist"), "."],
        cwd=source,
        check=True,
        timeout=600,
    )
    (built,) = (base / "dist").glob("*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Installed:
    base = tmp_path_factory.mktemp("installed")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = str(venv / "bin" / "python")
    constraints = pins(base / "constraints.txt")
    subprocess.run(
        [python, "-m", "pip", "install", "-q", "--no-compile", "--disable-pip-version-check",
         "-c", str(constraints), f"{wheel}[llm,ui]"],
        check=True,
        timeout=900,
    )  # fmt: skip
    work = base / "work"
    work.mkdir()
    return Installed(venv=venv, work=work, env=clean_env(base / "home"))


def site_packages(installed: Installed) -> Path:
    (found,) = installed.venv.glob("lib/python3*/site-packages")
    return found


@pytest.mark.slow
@pytest.mark.wheel
def test_the_wheel_holds_the_code_and_the_assets(wheel):
    source = wheel.parent.parent / "source"
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = set()
    for package in SETUPTOOLS["packages"]:
        folder = package_folder(package, source)
        prefix = package.replace(".", "/")
        expected |= {
            f"{prefix}/{p.relative_to(folder).as_posix()}" for p in own_files(package, source)
        }
    assert expected - names == set()
    for asset in ASSETS:
        assert any(name.startswith(f"summarizer/_assets/{asset}/") for name in names)
    stray = {n for n in names if not n.startswith(("summarizer/", "summarizer-"))}
    assert stray == set(), "the wheel carries files outside the package"
    assert not any(Path(n).name in NEVER_SHIPPED or "__pycache__" in n for n in names)


@pytest.mark.slow
@pytest.mark.wheel
def test_the_installed_copy_runs_from_the_virtualenv(installed):
    probe = (
        "import summarizer, summarizer.resources as r\n"
        "print(summarizer.__file__)\n"
        "for name in r.ASSETS: print(r.asset_dir(name))\n"
    )
    python = str(installed.venv / "bin" / "python")
    result = subprocess.run(
        [python, "-c", probe], cwd=installed.work, env=installed.env,
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    paths = [Path(line) for line in result.stdout.splitlines()]
    site = site_packages(installed).resolve()
    for path in paths:
        assert path.is_relative_to(site), f"{path} is not inside the virtualenv"
        assert path.exists()
    assert not any(p.is_relative_to(ROOT) for p in paths)


@pytest.mark.slow
@pytest.mark.wheel
def test_summarize_a_seed(installed, seed_path):
    report = installed.work / "report.txt"
    shutil.copy(seed_path("003"), report)
    result = installed.run("summarize", report.name)
    assert result.returncode == 0, result.stderr
    assert "杭州" in result.stdout and "## " in result.stdout


@pytest.mark.slow
@pytest.mark.wheel
def test_summarize_with_the_llm_engine_against_a_local_server(installed, seed_path):
    from fault_server import FaultServer
    from scripted_model import grounded_answer

    report = installed.work / "report-llm.txt"
    shutil.copy(seed_path("003"), report)
    env = {**installed.env, "OPENAI_API_KEY": "sk-test-not-a-key"}
    with FaultServer(responder=grounded_answer) as server:
        args = ["summarize", report.name, "--engine", "llm", "--model", "openai/x"]
        args += ["--api-base", server.base_url, "--format", "json"]
        result = subprocess.run(
            [installed.summarizer, *args], cwd=installed.work, env=env,
            capture_output=True, text=True, encoding="utf-8", timeout=300, check=False,
        )  # fmt: skip
        calls = len(server.requests)
    assert result.returncode == 0, result.stderr
    assert calls > 0
    summary = json.loads(result.stdout)
    assert summary["engine"]["name"] == "llm"
    assert summary["engine"]["prompt_version"]  # the packaged prompts were read
    assert summary["targets"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def health(port: int) -> str | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
            return r.read().decode()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


@pytest.mark.slow
@pytest.mark.wheel
def test_the_web_ui_starts_and_its_page_runs(installed):
    port = free_port()
    log_path = installed.work / "ui.log"
    command = [installed.summarizer, "ui", "--headless", "--port", str(port), "--host", "127.0.0.1"]
    with log_path.open("w", encoding="utf-8") as log:
        server = subprocess.Popen(
            command, cwd=installed.work, env=installed.env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            answer = None
            deadline = time.monotonic() + 120
            while answer is None and server.poll() is None and time.monotonic() < deadline:
                answer = health(port)
                if answer is None:
                    time.sleep(0.3)
            assert answer == "ok", log_path.read_text(encoding="utf-8")
            assert server.poll() is None  # the answer came from this server
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    # The health endpoint answers before any page runs: run the packaged page once too.
    page = (
        "from streamlit.testing.v1 import AppTest\n"
        "from summarizer.cli.ui import app_path\n"
        "app = AppTest.from_file(str(app_path()), default_timeout=120).run()\n"
        "assert not app.exception, [e.value for e in app.exception]\n"
    )
    result = subprocess.run(
        [str(installed.venv / "bin" / "python"), "-c", page], cwd=installed.work,
        env=installed.env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


@pytest.mark.slow
@pytest.mark.wheel
def test_eval_on_a_copied_dataset(installed):
    dataset = installed.work / "dataset"
    shutil.copytree(ROOT / "evals" / "datasets" / "seeds", dataset)
    result = installed.run("eval", "--dataset", dataset.name)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "totals" in result.stdout
    # Without a dataset the installed copy says how to give one (evals/ is not in the wheel).
    for args in (["eval"], ["eval", "verifier"]):
        refused = installed.run(*args)
        assert refused.returncode == 2
        assert "--dataset" in refused.stderr + refused.stdout


def _declared() -> dict[str, list[str]]:
    """The project's dependency lists (core and extras) as distribution names, normalised."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lists = {"core": project["dependencies"], **project["optional-dependencies"]}
    name = re.compile(r"^[A-Za-z0-9_.\-]+")
    return {
        key: [name.match(item).group().lower().replace("_", "-") for item in items]  # type: ignore[union-attr]
        for key, items in lists.items()
    }


def _imported_distributions() -> set[str]:
    """The distributions whose modules the package's code imports (lazily too)."""
    import ast
    import sys
    from importlib.metadata import packages_distributions

    owners = packages_distributions()
    found = set()
    for path in (ROOT / "summarizer").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for module in names:
                top = module.split(".")[0]
                if top == "summarizer" or top in sys.stdlib_module_names:
                    continue
                found |= {d.lower().replace("_", "-") for d in owners.get(top, [top])}
    return found


def test_every_imported_library_is_declared_and_every_core_dependency_is_used():
    declared = _declared()
    everything = {name for names in declared.values() for name in names}
    imported = _imported_distributions()
    missing = sorted(imported - everything - {"summarizer"})
    assert missing == [], f"imported but not declared: {missing}"
    unused = sorted(set(declared["core"]) - imported)
    assert unused == [], f"declared but never imported: {unused}"
    assert "cn2an" not in everything
