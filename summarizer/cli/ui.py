"""``summarizer ui``: start the web UI (``streamlit run ui/app.py``) from the project root."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import typer

from summarizer.cli._common import fail

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "ui" / "app.py"


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
    if not APP.is_file():
        fail(
            f"the web UI is not in this installation ({APP} is missing); run from a source checkout"
        )
    if importlib.util.find_spec("streamlit") is None:
        fail("the web UI needs Streamlit: pip install 'summarizer[ui]'")
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.port",
        str(port),
        "--server.address",
        host,
        "--server.headless",
        str(headless).lower(),
        "--browser.gatherUsageStats",
        "false",
    ]
    # Streamlit reads .streamlit/config.toml (upload limit, theme) from the working
    # directory; the server replaces this process, so Ctrl+C reaches it directly.
    os.chdir(ROOT)
    os.execv(sys.executable, command)
