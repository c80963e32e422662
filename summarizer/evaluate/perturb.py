"""Wrong numbers of the kinds models write, planted in a correct value phrase.

Each kind proposes candidate phrases, most realistic first; :func:`perturb` keeps the first
candidate that really changes the quantity (read back with the numbers module) and that the
item's own source sentence does not state, and makes none when the kind cannot apply (no
magnitude to swap, no qualifier to drop ...).

    digit           增长4.7%    -> 增长4.8%        a changed digit
    magnitude       3355.67亿元 -> 3355.67万元     亿 for 万 (and back)
    decimal         2206.3亿元  -> 22063亿元       a moved decimal point
    percent_points  提升0.8个百分点 <-> 提升0.8%
    qualifier       增长5.5%左右 -> 增长5.5%       a dropped qualifier
    other_sentence  增长4.7%    -> 增长6.4%        a number of the same unit from another sentence
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from summarizer.report.numbers import extract_quantities, same_quantity
from summarizer.schema import Quantity

__all__ = ["KINDS", "Perturbation", "SourceNumber", "perturb"]

KINDS = ("digit", "magnitude", "decimal", "percent_points", "qualifier", "other_sentence")

_TOKEN = re.compile(r"[0-9][0-9,]*(?:\.[0-9]+)?")
_MAGNITUDE_SWAP = (("万亿", "亿"), ("亿", "万"), ("万", "亿"))


@dataclass(frozen=True)
class Perturbation:
    kind: str
    original: str
    perturbed: str
    number: str  # the quantity as written before, e.g. '4.7%'
    wrong: str  # and after, e.g. '4.8%'


@dataclass(frozen=True)
class SourceNumber:
    """A quantity of the source, and the sentence it is in."""

    quantity: Quantity
    sentence: int


def _token(value: str, q: Quantity) -> tuple[int, int] | None:
    """The span of the Arabic number inside the quantity, if it has one."""
    assert q.start is not None and q.end is not None
    m = _TOKEN.match(value, q.start, q.end)
    return (m.start(), m.end()) if m else None


def _splice(value: str, start: int, end: int, text: str) -> str:
    return value[:start] + text + value[end:]


def _digit(value: str, q: Quantity) -> Iterator[str]:
    span = _token(value, q)
    if span is None:
        return
    start, end = span
    token = value[start:end]
    positions = [i for i, ch in enumerate(token) if ch.isdigit()]
    if "." not in token:  # an integer: change its last significant digit (21860 -> 21870)
        significant = [i for i in positions if token[i] != "0"]
        positions = significant or positions
    pos = positions[-1]
    digit = int(token[pos])
    for step in (1, -1, 2, -2, 3):
        new = (digit + step) % 10
        if new == 0 and pos == positions[0] and len(positions) == 1:
            continue  # 6% -> 0%: not a slip of one digit
        yield _splice(value, start + pos, start + pos + 1, str(new))


def _magnitude(value: str, q: Quantity) -> Iterator[str]:
    span = _token(value, q)
    if span is None or not q.magnitude:
        return
    assert q.end is not None
    tail = value[span[1] : q.end]
    for old, new in _MAGNITUDE_SWAP:
        at = tail.find(old)
        if at >= 0:
            yield _splice(value, span[1] + at, span[1] + at + len(old), new)
            return


def _moved(token: str, shift: int) -> str:
    digits = token.replace(",", "")
    whole, _, frac = digits.partition(".")
    point = len(whole) + shift
    plain = whole + frac
    if point <= 0:
        plain = "0" * (1 - point) + plain
        point = 1
    if point >= len(plain):
        plain = plain + "0" * (point - len(plain))
        moved = plain
    else:
        moved = plain[:point] + "." + plain[point:]
    whole, _, frac = moved.partition(".")
    whole, frac = whole.lstrip("0") or "0", frac.rstrip("0")
    return f"{whole}.{frac}" if frac else whole


def _decimal(value: str, q: Quantity) -> Iterator[str]:
    span = _token(value, q)
    if span is None:
        return
    token = value[span[0] : span[1]]
    shifts = (1, -1) if "." in token else (-1, 1)
    for shift in shifts:
        yield _splice(value, span[0], span[1], _moved(token, shift))


def _percent_points(value: str, q: Quantity) -> Iterator[str]:
    assert q.start is not None and q.end is not None
    raw = value[q.start : q.end]
    if q.kind == "percent" and "%" in raw:
        at = q.start + raw.index("%")
        yield _splice(value, at, at + 1, "个百分点")
    elif q.kind == "points":
        for word in ("个百分点", "百分点"):
            if word in raw:
                at = q.start + raw.index(word)
                yield _splice(value, at, at + len(word), "%")
                return


def _qualifier(value: str, q: Quantity) -> Iterator[str]:
    word = q.qualifier
    if not word:
        return
    assert q.start is not None and q.end is not None
    found = [m.start() for m in re.finditer(re.escape(word), value)]
    if not found:
        return
    middle = (q.start + q.end) / 2
    at = min(found, key=lambda i: abs(i + len(word) / 2 - middle))
    yield _splice(value, at, at + len(word), "")


def _other_sentence(
    value: str, q: Quantity, pool: Sequence[SourceNumber], sentences: set[int], near: int
) -> Iterator[str]:
    assert q.start is not None and q.end is not None
    same_kind = [
        n
        for n in pool
        if n.sentence not in sentences
        and n.quantity.kind == q.kind
        and n.quantity.unit == q.unit
        and n.quantity.magnitude == q.magnitude
        and not same_quantity(n.quantity, q, qualifier=False)
    ]
    same_kind.sort(key=lambda n: (abs((n.quantity.start or 0) - near), n.quantity.start or 0))
    seen: set[str] = set()
    for n in same_kind:
        if n.quantity.raw not in seen:
            seen.add(n.quantity.raw)
            yield _splice(value, q.start, q.end, n.quantity.raw)


def _changes(kind: str, before: Quantity, after: Quantity) -> bool:
    """Whether ``after`` is a wrong version of ``before`` of the given kind."""
    if same_quantity(before, after, qualifier=True):
        return False
    if kind == "qualifier":
        return same_quantity(before, after, qualifier=False)
    return True


def perturb(
    kind: str,
    value: str,
    *,
    stated: Callable[[Quantity], bool],
    pool: Sequence[SourceNumber] = (),
    sentences: set[int] | None = None,
    near: int = 0,
) -> tuple[Perturbation | None, bool]:
    """Plant one wrong number of ``kind`` in ``value``.

    Returns the perturbation (``None`` if none could be made) and whether a candidate was
    passed over because ``stated(q)`` said the item's own source sentence states it: such a
    number is another figure of the same sentence, not a wrong one the verifier could know.
    ``pool``, ``sentences`` and ``near`` feed ``other_sentence``: the source's numbers with
    their sentence, the sentences of the item's evidence, and where that evidence is.
    """
    passed_over = False
    quantities = extract_quantities(value)
    for index, q in enumerate(quantities):
        if kind == "other_sentence":
            candidates = _other_sentence(value, q, pool, sentences or set(), near)
        else:
            candidates = {
                "digit": _digit,
                "magnitude": _magnitude,
                "decimal": _decimal,
                "percent_points": _percent_points,
                "qualifier": _qualifier,
            }[kind](value, q)
        for candidate in candidates:
            after = extract_quantities(candidate)
            if len(after) != len(quantities):
                continue
            if not _changes(kind, q, after[index]):
                continue
            if stated(after[index]):
                passed_over = True
                continue
            if any(
                not same_quantity(a, b)
                for i, (a, b) in enumerate(zip(quantities, after, strict=True))
                if i != index
            ):
                continue
            return Perturbation(kind, value, candidate, q.raw, after[index].raw), passed_over
    return None, passed_over
