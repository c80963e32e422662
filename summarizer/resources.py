"""Where the files that ship beside the code live (prompts, the web UI, the sample reports),
and where the tool keeps its own: :func:`home_dir` (models, caches, logs) and
:func:`config_dir` (config.toml), under the platform's folders (platformdirs).

In a source checkout they are the top-level folders ``prompts/``, ``ui/`` and ``seeds/``.  A
wheel carries the same folders inside the package, under ``summarizer/_assets/`` (mapped by
``package-dir`` in ``pyproject.toml``), so an installed copy works without a checkout.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

__all__ = ["ASSETS", "asset_dir", "config_dir", "home_dir"]

ASSETS = ("prompts", "ui", "seeds")
_PACKAGED = Path(__file__).resolve().parent / "_assets"
_CHECKOUT = Path(__file__).resolve().parent.parent


def asset_dir(name: str) -> Path:
    """The folder of one asset (``prompts``, ``ui`` or ``seeds``), packaged or in the checkout."""
    if name not in ASSETS:
        raise ValueError(f"unknown asset folder {name!r}")
    packaged = _PACKAGED / name
    return packaged if packaged.is_dir() else _CHECKOUT / name


def home_dir() -> Path:
    """The tool's own folder for what it downloads and caches (models, answer caches, logs):
    ``$SUMMARIZER_HOME``, else the platform's cache folder (``~/.cache/summarizer`` on Linux)."""
    configured = os.environ.get("SUMMARIZER_HOME")
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_cache_dir("summarizer", appauthor=False))


def config_dir() -> Path:
    """Where the user's settings (config.toml) live: ``$SUMMARIZER_HOME``, else the platform's
    configuration folder (``~/.config/summarizer`` on Linux)."""
    configured = os.environ.get("SUMMARIZER_HOME")
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_config_dir("summarizer", appauthor=False))
