"""Test support: the words one of which every match of a regular expression contains, read
from the pattern's parsed form (CPython's ``re._parser``; fine in a test, never in the
package).  Used to check the words the instruction detector declares for its gate."""

from __future__ import annotations

import re._constants as _sre
import re._parser as _sre_parse
from typing import Any

__all__ = ["required_words"]


_MAX_PRODUCT = 64


def _exact(items: Any) -> set[str] | None:
    """The strings a parsed sequence matches, when they are few and fixed; else None."""
    out = {""}
    for op, av in items:
        one = _exact_one(op, av)
        if one is None:
            return None
        out = {a + b for a in out for b in one}
        if len(out) > _MAX_PRODUCT:
            return None
    return out


def _exact_one(op: Any, av: Any) -> set[str] | None:
    if op is _sre.LITERAL:
        return {chr(av)}
    if op is _sre.IN:
        return {chr(a) for _, a in av} if all(o is _sre.LITERAL for o, _ in av) else None
    if op is _sre.SUBPATTERN:
        return _exact(av[3])
    if op is _sre.BRANCH:
        sets = [_exact(branch) for branch in av[1]]
        if any(x is None for x in sets):
            return None
        union: set[str] = set().union(*sets)  # type: ignore[arg-type]
        return union if len(union) <= _MAX_PRODUCT else None
    return None


def _exact_prefix(items: Any) -> set[str]:
    """The fixed strings a parsed sequence starts with ({""} when it starts with no fixed text)."""
    out = {""}
    for op, av in items:
        one = _exact_one(op, av)
        if one is None or "" in one or len(out) * len(one) > _MAX_PRODUCT:
            break
        out = {a + b for a in out for b in one}
    return out


def _required(items: Any) -> set[str] | None:
    """Strings one of which every match of a parsed sequence contains; None if unknown.
    Of the choices, the one with the longest strings (the most telling) is kept."""
    choices: list[set[str]] = []
    run: set[str] | None = None
    for op, av in items:
        one = _exact_one(op, av)
        if one is not None and "" not in one:
            if run is not None and len(run) * len(one) <= _MAX_PRODUCT:
                run = {a + b for a in run for b in one}
            else:
                if run:
                    choices.append(run)
                run = one
            continue
        if run and op is _sre.BRANCH:
            # "才是|才算|才对…" parses as 才 followed by a branch: the run goes on into the
            # fixed start of every alternative
            starts = set().union(*(_exact_prefix(branch) for branch in av[1]))
            if "" not in starts and len(run) * len(starts) <= _MAX_PRODUCT:
                choices.append({a + b for a in run for b in starts})
        if run:
            choices.append(run)
        run = None
        needed: set[str] | None = None
        if op is _sre.SUBPATTERN:
            needed = _required(av[3])
        elif op is _sre.BRANCH:
            sets = [_required(branch) for branch in av[1]]
            needed = None if any(x is None for x in sets) else set().union(*sets)  # type: ignore[arg-type]
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) and av[0] >= 1:
            needed = _required(av[2])
        if needed:
            choices.append(needed)
    if run:
        choices.append(run)
    if not choices:
        return None
    return max(choices, key=lambda c: (-_everyday(c), min(len(x) for x in c), -len(c)))


def _everyday(words: set[str]) -> int:
    return sum(len(w) == 1 or w in _EVERYDAY for w in words)


# Words every report uses often (数字经济, 重要指示, 目标任务), and any single character: of a
# sign's required words, those without them tell more, and let fewer sentences through the gate.
_EVERYDAY = frozenset(
    ["以上", "上述", "其他", "任何", "数字", "数据", "数值", "目标", "增速", "内容", "同步", "更新", "修改",
     "作为", "正确", "准确", "真正", "重要", "系统", "使用", "总结", "提示", "要求", "说明", "注意"]
)  # fmt: skip


def required_words(pattern: str) -> set[str] | None:
    """The words one of which every match of ``pattern`` contains; None if unknown."""
    try:
        return _required(_sre_parse.parse(pattern)) or None
    except Exception:  # noqa: BLE001 - a pattern the walk does not understand
        return None
