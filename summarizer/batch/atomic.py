"""Files that are either whole or absent: write to a temp file, fsync, rename.

A process killed at any moment leaves at worst a hidden ``.NAME.XXXXXXXX.tmp`` file next
to the target; :func:`remove_stale_temps` clears those at the start of the next run.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from summarizer.secrets import redact

__all__ = ["write_atomic", "fsync_dir", "remove_stale_temps"]

_TEMP = re.compile(r"^\..+\.[0-9a-f]{8}\.tmp$")


def fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: str | bytes, *, sync_dir: bool = True) -> None:
    """Replace ``path`` with ``data`` (text is written as UTF-8, with any API key
    redacted: :func:`summarizer.secrets.redact`) so readers never see a part.

    With ``sync_dir=False`` the rename is durable only after the caller's :func:`fsync_dir`
    (one for several files in the same folder).
    """
    payload = redact(data).encode("utf-8") if isinstance(data, str) else data
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    if sync_dir:
        fsync_dir(path.parent)


def remove_stale_temps(directory: Path) -> int:
    """Delete temp files a killed run left in ``directory``; return how many."""
    removed = 0
    if not directory.is_dir():
        return 0
    for entry in directory.iterdir():
        if _TEMP.match(entry.name) and entry.is_file():
            entry.unlink(missing_ok=True)
            removed += 1
    return removed
