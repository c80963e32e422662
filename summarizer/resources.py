"""Where the files that ship beside the code live (prompts, the web UI, the sample reports),
and where the tool keeps its own (:func:`home_dir`: models, caches, logs, config.toml).

In a source checkout they are the top-level folders ``prompts/``, ``ui/`` and ``seeds/``.  A
wheel carries the same folders inside the package, under ``summarizer/_assets/`` (mapped by
``package-dir`` in ``pyproject.toml``), so an installed copy works without a checkout.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["ASSETS", "asset_dir", "home_dir"]

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
    """The tool's own folder: ``$SUMMARIZER_HOME`` or ``~/.cache/summarizer``."""
    configured = os.environ.get("SUMMARIZER_HOME")
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "summarizer"
