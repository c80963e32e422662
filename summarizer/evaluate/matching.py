"""Matching predicted items to gold items, one to one, by the rules of ``GOLD_FORMAT.md``.

- Headline figures and targets: the indicators match (after normalisation one contains the
  other, or their character-overlap F1 is at least 0.6) and the numbers in the value phrases
  are the same: same value after unit scaling, same unit kind, same qualifier.
- Area titles: character-overlap F1 of at least 0.7.

Pairs that are not matches but come close are reported for the drill-down: the same value
with another unit kind (``unit``), the same value and unit with another qualifier
(``qualifier``), or the same indicator with another value (``value``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from summarizer.evaluate.records import PRF, AreaOutcome, AreaScore, Item, ItemOutcome, ItemScore
from summarizer.report.normalize import canon
from summarizer.report.numbers import extract_quantities, same_quantity
from summarizer.schema import Quantity

__all__ = [
    "INDICATOR_F1",
    "AREA_F1",
    "char_f1",
    "indicators_match",
    "one_to_one",
    "match_items",
    "match_areas",
]

NearMiss = Literal["unit", "qualifier", "value"]
NEAR_MISSES: tuple[NearMiss, ...] = ("unit", "qualifier", "value")
INDICATOR_F1 = 0.6
AREA_F1 = 0.7


def char_f1(a: str, b: str) -> float:
    """F1 of the characters two strings share (as multisets), after normalisation."""
    a, b = canon(a), canon(b)
    if not a or not b:
        return 0.0
    common = sum((Counter(a) & Counter(b)).values())
    if not common:
        return 0.0
    precision, recall = common / len(a), common / len(b)
    return 2 * precision * recall / (precision + recall)


def indicators_match(gold: str, pred: str) -> bool:
    g, p = canon(gold), canon(pred)
    if not g or not p:
        return False
    return g in p or p in g or char_f1(g, p) >= INDICATOR_F1


def one_to_one(candidates: Sequence[Sequence[int]]) -> dict[int, int]:
    """A maximum one-to-one matching, left index -> right index.

    ``candidates[i]`` lists the right items left item ``i`` may pair with, most preferred
    first.  Augmenting paths (Kuhn's algorithm) give the largest number of pairs; the order
    of the lists decides between equally large matchings, so the result is deterministic.
    """
    owner: dict[int, int] = {}  # right -> left

    def place(left: int, seen: set[int]) -> bool:
        for right in candidates[left]:
            if right in seen:
                continue
            seen.add(right)
            if right not in owner or place(owner[right], seen):
                owner[right] = left
                return True
        return False

    for left in range(len(candidates)):
        place(left, set())
    return {left: right for right, left in owner.items()}


@dataclass(frozen=True)
class _Scored:
    item: Item
    numbers: tuple[Quantity, ...]


def _prepare(items: Sequence[Item]) -> list[_Scored]:
    return [_Scored(item, tuple(extract_quantities(canon(item.value)))) for item in items]


def _same_numbers(g: _Scored, p: _Scored, *, qualifier: bool = True) -> bool:
    if len(g.numbers) != len(p.numbers):
        return False
    return all(
        same_quantity(a, b, qualifier=qualifier) for a, b in zip(g.numbers, p.numbers, strict=True)
    )


def _same_values(g: _Scored, p: _Scored) -> bool:
    if not g.numbers or len(g.numbers) != len(p.numbers):
        return False
    return all(
        math.isclose(a.value, b.value, rel_tol=1e-9, abs_tol=1e-12)
        for a, b in zip(g.numbers, p.numbers, strict=True)
    )


def _near_miss(g: _Scored, p: _Scored) -> NearMiss | None:
    """Why two items with matching indicators are not a match, or None if they are."""
    if _same_numbers(g, p):
        return None
    if _same_values(g, p):
        return "qualifier" if _same_numbers(g, p, qualifier=False) else "unit"
    return "value"


def _pairs(
    gold: list[_Scored],
    pred: list[_Scored],
    free_gold: list[int],
    free_pred: list[int],
    accept: Callable[[_Scored, _Scored], bool],
) -> dict[int, int]:
    """Match the free items among themselves where ``accept`` holds, best indicators first."""
    candidates = []
    for gi in free_gold:
        fitting = [pi for pi in free_pred if accept(gold[gi], pred[pi])]
        fitting.sort(key=lambda pi: -char_f1(gold[gi].item.indicator, pred[pi].item.indicator))
        candidates.append(fitting)
    found = one_to_one(candidates)
    return {free_gold[left]: right for left, right in found.items()}


def match_items(gold_items: Sequence[Item], pred_items: Sequence[Item]) -> ItemScore:
    """Score predicted headline figures or targets against gold."""
    gold, pred = _prepare(gold_items), _prepare(pred_items)

    def same_indicator(g: _Scored, p: _Scored) -> bool:
        return indicators_match(g.item.indicator, p.item.indicator)

    matches = _pairs(
        gold,
        pred,
        list(range(len(gold))),
        list(range(len(pred))),
        lambda g, p: same_indicator(g, p) and _same_numbers(g, p),
    )
    near: dict[int, tuple[int, NearMiss]] = {}
    for status in NEAR_MISSES:
        used = set(matches.values()) | {pi for pi, _ in near.values()}
        free_gold = [gi for gi in range(len(gold)) if gi not in matches and gi not in near]
        free_pred = [pi for pi in range(len(pred)) if pi not in used]

        def near_miss(g: _Scored, p: _Scored, status: NearMiss = status) -> bool:
            return same_indicator(g, p) and _near_miss(g, p) == status

        found = _pairs(gold, pred, free_gold, free_pred, near_miss)
        near.update({gi: (pi, status) for gi, pi in found.items()})

    outcomes: list[ItemOutcome] = []
    for gi, g in enumerate(gold):
        if gi in matches:
            outcomes.append(ItemOutcome(status="match", gold=g.item, pred=pred[matches[gi]].item))
        elif gi in near:
            pi, status = near[gi]
            outcomes.append(ItemOutcome(status=status, gold=g.item, pred=pred[pi].item))
        else:
            outcomes.append(ItemOutcome(status="missed", gold=g.item))
    paired = set(matches.values()) | {pi for pi, _ in near.values()}
    outcomes += [
        ItemOutcome(status="extra", pred=p.item) for pi, p in enumerate(pred) if pi not in paired
    ]

    statuses = Counter(o.status for o in outcomes)
    return ItemScore(
        prf=PRF.from_counts(len(matches), len(gold), len(pred)),
        unit_mismatches=statuses["unit"],
        qualifier_mismatches=statuses["qualifier"],
        value_mismatches=statuses["value"],
        outcomes=outcomes,
    )


def match_areas(gold_titles: Sequence[str], pred_titles: Sequence[str]) -> AreaScore:
    """Score predicted area titles against gold."""
    similarity = [[char_f1(g, p) for p in pred_titles] for g in gold_titles]
    candidates = []
    for row in similarity:
        fitting = [pi for pi, s in enumerate(row) if s >= AREA_F1]
        candidates.append(sorted(fitting, key=row.__getitem__, reverse=True))
    matches = one_to_one(candidates)

    outcomes: list[AreaOutcome] = []
    for gi, title in enumerate(gold_titles):
        row = similarity[gi]
        if gi in matches:
            pi = matches[gi]
            outcomes.append(
                AreaOutcome(
                    status="match", gold=title, pred=pred_titles[pi], similarity=round(row[pi], 4)
                )
            )
            continue
        best = max(range(len(row)), key=row.__getitem__, default=None)
        if best is not None and row[best] > 0:
            outcomes.append(
                AreaOutcome(
                    status="missed",
                    gold=title,
                    nearest=pred_titles[best],
                    similarity=round(row[best], 4),
                )
            )
        else:
            outcomes.append(AreaOutcome(status="missed", gold=title))
    matched = set(matches.values())
    outcomes += [
        AreaOutcome(status="extra", pred=t) for pi, t in enumerate(pred_titles) if pi not in matched
    ]
    return AreaScore(
        prf=PRF.from_counts(len(matches), len(gold_titles), len(pred_titles)), outcomes=outcomes
    )
