"""Reports made for the UI tests from the seeds (a helper module, not a test module)."""

from __future__ import annotations

import pytest

from summarizer.pipeline import summarize_text

# Edits of seed 003's targets sentence that add a number no target holds.  The first one
# the completeness check flags is used, so a better segmenter does not silently void the
# tests: if it assigns all of them, the tests say so and a new edit is needed.
_MISSED_EDITS = [
    ("地区生产总值增长5.5%左右，", "地区生产总值增长5.5%左右，比上年提高0.8个百分点，"),
    ("地区生产总值增长5.5%左右，", "地区生产总值增长5.5%左右，共12项指标中，"),
    ("地区生产总值增长5.5%左右，", "地区生产总值增长5.5%左右，向着1500亿元迈进，"),
]


def missed_target_report(text: str) -> tuple[str, list[str]]:
    """Seed 003 with a number in its targets sentence that no target holds, and that number."""
    for old, new in _MISSED_EDITS:
        if old not in text:
            continue
        edited = text.replace(old, new, 1)
        checked = summarize_text(edited).completeness
        part = checked.part("targets") if checked is not None else None
        if part is not None and part.status == "incomplete" and part.missed:
            return edited, [evidence.quote for evidence in part.missed]
    pytest.fail("no edit of seed 003's targets sentence leaves a number out any more: add one")
