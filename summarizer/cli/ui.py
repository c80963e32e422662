"""``summarizer ui``: start the web UI (``streamlit run`` on the packaged ``ui/app.py``).

The UI's settings (upload limit, theme) are in ``ui/.streamlit/config.toml``; they are passed
to Streamlit as command-line options, so the server may start from any folder and still reads
the user's own ``.streamlit/secrets.toml`` there.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import tomllib
from pathlib import Path
from typing import Any

import typer

from summarizer.cli._common import fail
from summarizer.resources import asset_dir

__all__ = ["main", "app_path", "config_flags"]


def app_path() -> Path:
    return asset_dir("ui") / "app.py"


def config_flags(config: Path) -> list[str]:
    """``[server] maxUploadSize = 51`` -> ``["--server.maxUploadSize", "51"]``."""
    try:
        table: dict[str, Any] = tomllib.loads(config.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return []
    flags = []
    for section, values in table.items():
        for key, value in values.items():
            text = str(value).lower() if isinstance(value, bool) else str(value)
            flags += [f"--{section}.{key}", text]
    return flags


def main(
    port: int = typer.Option(
        8501, "--port", "-p", envvar="SUMMARIZER_UI_PORT", help="port to listen on"
    ),
    host: str = typer.Option(
        "localhost", "--host", envvar="SUMMARIZER_UI_HOST", help="address to listen on"
    ),
    headless: bool = typer.Option(False, "--headless", help="do not open a browser"),
) -> None:
    """Start the web UI in a browser."""
    app = app_path()
    if not app.is_file():
        fail(f"the web UI is not in this installation ({app} is missing)")
    if importlib.util.find_spec("streamlit") is None:
        fail("the web UI needs Streamlit: pip install 'summarizer[ui]'")
    command = [
        sys.executable, "-m", "streamlit", "run", str(app),
        *config_flags(app.parent / ".streamlit" / "config.toml"),
        "--server.port", str(port),
        "--server.address", host,
        "--server.headless", str(headless).lower(),
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    # The server replaces this process, so Ctrl+C reaches it directly.
    os.execv(sys.executable, command)
