"""The record of finished reports that makes a batch resumable.

An append-only JSON Lines file in the output folder.  Each line is written whole and
fsynced after the report's files are in place, so a line means "this report's outputs are
complete".  A process killed mid-append leaves a torn last line: it is cut off when the
journal is opened again, and any line that does not parse is ignored.

A record's key is the input's content hash plus the settings key (engine, model, prompt
version...), so changing a setting summarises the report again.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

from summarizer.batch.atomic import fsync_dir
from summarizer.secrets import redact

__all__ = ["Journal", "JOURNAL_NAME"]

JOURNAL_NAME = "journal.jsonl"
_VERSION = 1


class Journal:
    """Finished reports by key; thread-safe appends."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.records: dict[str, dict[str, Any]] = {}
        self.bad_lines = 0
        self._lock = threading.Lock()
        self._load()

    @staticmethod
    def key(sha256: str, settings_key: str) -> str:
        return f"{sha256}:{settings_key}"

    def _load(self) -> None:
        if not self.path.exists():
            return
        data = self.path.read_bytes()
        if data and not data.endswith(b"\n"):
            # A torn last line from a killed append: drop it so the next append starts clean.
            keep = data.rfind(b"\n") + 1
            with open(self.path, "r+b") as handle:
                handle.truncate(keep)
                handle.flush()
                os.fsync(handle.fileno())
            data = data[:keep]
            self.bad_lines += 1
        for line in data.splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                self.bad_lines += 1
                continue
            if isinstance(record, dict) and record.get("v") == _VERSION and "key" in record:
                self.records[record["key"]] = record
            else:
                self.bad_lines += 1

    def get(self, key: str) -> dict[str, Any] | None:
        return self.records.get(key)

    def append(self, key: str, **fields: Any) -> None:
        """Record a finished report durably."""
        record = {"v": _VERSION, "key": key, **fields}
        text = redact(json.dumps(record, ensure_ascii=False, sort_keys=True))
        line = (text + "\n").encode("utf-8")
        with self._lock:
            created = not self.path.exists()
            with open(self.path, "ab") as handle:
                handle.write(line)
                handle.flush()
                os.fsync(handle.fileno())
            if created:
                fsync_dir(self.path.parent)
            self.records[key] = record
