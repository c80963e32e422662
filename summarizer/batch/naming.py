"""Output names: a slug of the input's file name plus a short content hash.

Names are made of letters (Chinese included), digits, ``-`` and ``_`` only, so no input
name can reach outside the output folder, and the hash keeps two inputs from colliding.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePath

__all__ = ["slug", "Namer"]

_MAX_SLUG = 48  # characters; a Chinese one is 3 bytes, so names stay far below 255 bytes
_UNSAFE = re.compile(r"[^\w-]+")


def slug(name: str) -> str:
    """A safe, readable stem for a file name: '2025年 杭州/报告.txt' -> '2025年-杭州-报告'."""
    stem = PurePath(name.replace("\\", "/")).name
    stem = stem.rsplit(".", 1)[0] if "." in stem.lstrip(".") else stem
    text = unicodedata.normalize("NFKC", stem)
    text = _UNSAFE.sub("-", text)
    text = re.sub(r"-{2,}", "-", text).strip("-_")[:_MAX_SLUG].strip("-_")
    return text or "report"


class Namer:
    """Hands out stems, lengthening the hash in the (unlikely) case two would collide."""

    def __init__(self) -> None:
        self._owner: dict[str, str] = {}  # stem -> content hash

    def claim(self, stem: str, sha256: str) -> None:
        """Reserve a stem already on disk (from the journal)."""
        self._owner.setdefault(stem, sha256)

    def name(self, source: str, sha256: str) -> str:
        base = slug(source)
        for width in (10, 16, 64):
            stem = f"{base}-{sha256[:width]}"
            if self._owner.setdefault(stem, sha256) == sha256:
                return stem
        raise ValueError(f"cannot name an output for {source!r}")  # same hash: a duplicate
