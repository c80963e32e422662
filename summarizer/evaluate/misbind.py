"""Wrong bindings of the kinds a summary makes: the right number under the wrong name.

Each kind takes a figure or target whose number the source binds to its indicator and makes
a copy a careless reader would write; every number of the copy still occurs in the source,
so only a verifier that checks what the number measures can catch it:

    swap             城镇…：增长5.2%  -> 城镇…：增长7.4%    another value of the same 分别 list
    neighbour        出口：增长11.5%  -> 出口：增长5.8%     the value of the figure beside it
    sign             下降2.6%左右     -> 增长2.6%左右       the direction turned round
    level_as_growth  达到62%          -> 增长62%            a level shown as a growth

The source's own reading (:mod:`summarizer.report.binding`) says which values are the
item's siblings and neighbours; a kind that cannot apply (no list, no neighbour of the same
unit, no direction word) makes nothing.
"""

from __future__ import annotations

import re

from summarizer.report.binding import Bound, label_score
from summarizer.report.index import SourceIndex, Window
from summarizer.report.numbers import extract_quantities, same_quantity
from summarizer.schema import Quantity

__all__ = ["BINDING_KINDS", "misbind"]

BINDING_KINDS = ("swap", "neighbour", "sign", "level_as_growth")

_FLIPS = (
    ("增长", "下降"), ("增加", "减少"), ("提高", "降低"), ("提升", "下降"), ("上升", "下降"),
    ("上涨", "下跌"), ("扩大", "缩小"), ("回升", "回落"),
)  # fmt: skip
_FLIP = {a: b for a, b in _FLIPS} | {b: a for a, b in _FLIPS}
_FLIP_WORD = re.compile("|".join(sorted(_FLIP, key=len, reverse=True)))
_LEVEL_WORDS = re.compile(r"^(?:达到|达|为|是|实现|完成|保持在|稳定在|突破|超过|超)")
_CHANGE_WORD = re.compile(r"增长|下降|增加|减少|提高|降低|提升|上升|上涨|下跌|扩大|缩小|回升|回落|收窄")


def _own(index: SourceIndex, indicator: str, q: Quantity, windows: list[Window]) -> Bound | None:
    """The source's binding of the item's number, when it names the item's indicator."""
    best: Bound | None = None
    best_score = 0.0
    for a, z in windows:
        for b in index.bindings.within(a, z):
            if not b.label or not same_quantity(b.quantity, q, qualifier=False):
                continue
            score = label_score(indicator, b.label)
            if score >= 0.6 and score > best_score:
                best, best_score = b, score
    return best


def _replace_number(value: str, q: Quantity, other: Quantity) -> str | None:
    at = value.find(q.raw)
    if at < 0:
        return None
    return value[:at] + other.raw + value[at + len(q.raw) :]


def _other(own: Bound, candidates: list[Bound], q: Quantity) -> Bound | None:
    """The nearest candidate whose number is of the same unit but another value."""
    fitting = [
        c
        for c in candidates
        if c is not own
        and c.quantity.kind == q.kind
        and c.quantity.unit == q.unit
        and not same_quantity(c.quantity, q, qualifier=False)
        and not (own.high is not None and same_quantity(c.quantity, own.high, qualifier=False))
        and c.label != own.label
    ]
    fitting.sort(key=lambda c: abs((c.quantity.start or 0) - (q.start or 0)))
    return fitting[0] if fitting else None


def misbind(
    kind: str, index: SourceIndex, indicator: str, value: str, windows: list[Window]
) -> str | None:
    """``value`` with one wrong binding of ``kind``, or None when the kind cannot apply."""
    stated = extract_quantities(value)
    if not stated:
        return None
    q = stated[0]
    own = _own(index, indicator, q, windows)
    if own is None:
        return None
    if kind in ("swap", "neighbour"):
        sentence = index.bindings.in_sentence(own.sentence)
        if kind == "swap":
            pool = [b for b in sentence if own.group is not None and b.group == own.group]
        else:
            pool = [b for b in sentence if own.group is None or b.group != own.group]
        other = _other(own, pool, own.quantity)
        if other is None:
            return None
        return _replace_number(value, q, other.quantity)
    if kind == "sign":
        word = _FLIP_WORD.search(value[: max(value.find(q.raw), 0)])
        if word is None:
            return None
        return value[: word.start()] + _FLIP[word.group(0)] + value[word.end() :]
    if kind == "level_as_growth":
        if own.kind not in ("level", "share") or _CHANGE_WORD.search(value):
            return None
        return "增长" + _LEVEL_WORDS.sub("", value)
    raise ValueError(f"unknown kind {kind}")
