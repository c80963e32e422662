"""Which files a batch summarises: files, folders and globs in, one entry per file found.

Folders are walked recursively for the formats the loader reads, skipping hidden entries
(named, with status ``skipped``: a hidden folder, a hidden file of a report format) and the
output folder; symbolic links to folders are not followed.  Files with the same
content are summarised once: the first one found (in argument order, paths sorted within an
argument) is kept, the others are marked as its duplicates.  What is not a regular file (a
link loop, a dangling link, a device, a pipe, a socket) is a problem with its reason, and
never opened in a way that could block or read without end.
"""

from __future__ import annotations

import glob
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from summarizer.errors import InputError
from summarizer.report.load import file_problem, open_regular

__all__ = ["Found", "discover", "file_sha256", "SUFFIXES"]

# The formats the loader reads; a file named explicitly is passed to it whatever its suffix.
SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf")
_GLOB_CHARS = set("*?[")


@dataclass(frozen=True)
class Found:
    """One file named by the inputs, and what the batch makes of it."""

    source: str  # the path as given or expanded, shown to the user and in the index
    path: Path
    status: Literal["unique", "duplicate", "problem", "skipped"]
    sha256: str | None = None
    duplicate_of: str | None = None
    reason: str | None = None
    size: int = 0  # bytes: the largest reports are started first, to shorten the tail


def file_sha256(path: Path) -> tuple[str, int]:
    """The sha256 of a regular file's bytes, and how many there are (InputError for
    anything else)."""
    digest, size = hashlib.sha256(), 0
    fd, _ = open_regular(path)
    with open(fd, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _real(path: Path) -> Path:
    """The path with every link followed as far as it goes; a loop does not raise."""
    return Path(os.path.realpath(path))


def _inside(path: Path, folder: Path | None) -> bool:
    if folder is None:
        return False
    try:
        _real(path).relative_to(folder)
    except ValueError:
        return False
    return True


HIDDEN = "hidden (its name starts with a dot): not read"


def _walk(folder: Path, exclude: Path | None, hidden: list[Path]) -> list[Path]:
    """The report files under ``folder``; hidden folders and hidden report files go to
    ``hidden`` (a hidden folder is named, not walked)."""
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        kept = []
        for d in sorted(dirs):
            if _inside(Path(root, d), exclude):
                continue
            if d.startswith("."):
                hidden.append(Path(root, d))
            else:
                kept.append(d)
        dirs[:] = kept
        for name in sorted(files):
            if not name.lower().endswith(SUFFIXES):
                continue
            (hidden if name.startswith(".") else found).append(Path(root, name))
    return found


def _expand(
    argument: str, exclude: Path | None, hidden: list[Path]
) -> tuple[list[Path], str | None]:
    """The files one argument names, or the reason it names none."""
    path = Path(argument)
    if path.is_dir():
        return _walk(path, exclude, hidden), None
    if os.path.lexists(path):  # a file, or a link whatever it points to: checked later
        return [path], None
    if _GLOB_CHARS & set(argument):
        matches: list[Path] = []
        for match in sorted(glob.glob(argument, recursive=True)):
            candidate = Path(match)
            if candidate.is_dir():
                matches.extend(_walk(candidate, exclude, hidden))
            elif os.path.lexists(candidate) and not _inside(candidate, exclude):
                matches.append(candidate)
        return matches, (None if matches else "the pattern matches no file")
    return [], "no such file or folder"


def discover(arguments: list[str], exclude: Path | None = None) -> list[Found]:
    """Every file the arguments name, in order, with content duplicates marked."""
    exclude = _real(exclude) if exclude is not None else None
    found: list[Found] = []
    seen_paths: set[Path] = set()
    first_by_hash: dict[str, str] = {}
    for argument in arguments:
        hidden: list[Path] = []
        paths, reason = _expand(argument, exclude, hidden)
        found += [Found(str(path), path, "skipped", reason=HIDDEN) for path in hidden]
        if reason:
            found.append(Found(argument, Path(argument), "problem", reason=reason))
        for path in paths:
            real = _real(path)
            if real in seen_paths:
                continue
            seen_paths.add(real)
            source = str(path)
            problem = file_problem(path)
            if problem is not None:
                found.append(Found(source, path, "problem", reason=problem))
                continue
            try:
                sha, size = file_sha256(path)
            except InputError as error:  # swapped for something else since the check
                found.append(Found(source, path, "problem", reason=str(error)))
                continue
            except OSError as error:
                why = error.strerror or type(error).__name__
                found.append(Found(source, path, "problem", reason=f"cannot read: {why}"))
                continue
            if sha in first_by_hash:
                found.append(
                    Found(
                        source, path, "duplicate", sha, duplicate_of=first_by_hash[sha], size=size
                    )
                )
            else:
                first_by_hash[sha] = source
                found.append(Found(source, path, "unique", sha, size=size))
    return found
