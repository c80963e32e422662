"""Regular-expression building blocks shared by the readers of the report layer.

    any_of(["大模型", "大数据", "模型"])  ->  "(?:大(?:数据|模型)|模型)"
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = ["any_of"]


def any_of(words: Iterable[str]) -> str:
    """A pattern matching any of ``words``, the longest where several match at a position,
    written as a trie (大模型|大数据 -> 大(?:数据|模型)): the regex engine then reads each
    character once instead of trying every word in turn.  '' for no words."""
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(root)
