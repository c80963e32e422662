"""Figures as cards a reader can scan: one card per indicator, labels tidy and distinct.

Computed without Streamlit.  A headline figure given as a level and a growth rate
(地区生产总值 21860亿元, 增长4.7%) becomes one card with the rate beneath the level; a label
that is a fragment of its sentence (汽车产量继续) loses its trailing function words; two
cards that would still share a label are told apart by the words before the indicator in
their sentences (企业满意率, 群众满意率), or else numbered.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from summarizer.schema import Evidence, Figure

__all__ = ["Card", "tidy_label", "figure_cards", "is_rate"]

_SPACE_IN_CJK = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
_LEADING = re.compile(r"^(?:[①-⑳]|[（(]?\d{1,2}[)）.、]|[\s\"“”‘’「」]|其中|全年|累计)+")
_TRAILING = re.compile(
    r"(?:继续|持续|再次|再|同比|分别|累计|全年|实现|达到|首次|稳定|保持|等|均|共|了|为|较上年|比上年)+$"
)
_RATE = re.compile(r"增长|增加|下降|减少|提高|回落|增速|增幅|[%％]|个百分点")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def tidy_label(indicator: str) -> str:
    """An indicator as a card's label: no numbering, stray spaces or trailing function words."""
    text = _SPACE_IN_CJK.sub("", indicator.strip())
    text = _LEADING.sub("", text) or text
    trimmed = _TRAILING.sub("", text)
    return trimmed if len(trimmed) >= 2 else text


def is_rate(value: str) -> bool:
    """Whether a value phrase is a rate of change or a share (增长4.7%) rather than a level."""
    return bool(_RATE.search(value))


@dataclass
class Card:
    """One card: a label, the main value, an optional second value, where they come from."""

    label: str
    value: str
    second: str | None = None  # a growth rate shown beneath the level
    paths: list[str] = field(default_factory=list)  # summary paths, for verification status
    evidence: list[Evidence] = field(default_factory=list)
    indicator: str = ""  # the indicator as the summary names it


def figure_cards(figures: Sequence[Figure], path: str) -> list[Card]:
    """Cards for ``figures`` (at ``path`` in the summary), level and rate of one indicator merged."""
    cards: list[Card] = []
    for i, figure in enumerate(figures):
        label = tidy_label(figure.indicator)
        where = f"{path}[{i}]"
        last = cards[-1] if cards else None
        if (
            last is not None
            and last.indicator == figure.indicator
            and last.second is None
            and not is_rate(last.value)
            and is_rate(figure.value)
        ):
            last.second = figure.value
            last.paths.append(where)
            last.evidence += figure.evidence
            continue
        cards.append(
            Card(label, figure.value, None, [where], list(figure.evidence), figure.indicator)
        )
    _distinguish(cards)
    return cards


def _distinguish(cards: list[Card]) -> None:
    """Give cards that share a label distinct ones: the words before the indicator in their
    sentences, else 增速 for a rate, else a number."""
    steps = (
        lambda card: _words_before(card) + card.label,
        lambda card: card.label + ("（增速）" if is_rate(card.value) else ""),
    )
    for step in steps:
        for group in _repeated(cards):
            for card in group:
                card.label = step(card)
    for group in _repeated(cards):
        for n, card in enumerate(group[1:], start=2):
            card.label = f"{card.label}（{n}）"


def _repeated(cards: list[Card]) -> list[list[Card]]:
    groups: dict[str, list[Card]] = {}
    for card in cards:
        groups.setdefault(card.label, []).append(card)
    return [group for group in groups.values() if len(group) > 1]


def _words_before(card: Card) -> str:
    """Up to six Chinese characters right before the indicator in its sentence."""
    for evidence in card.evidence:
        quote = evidence.quote
        at = quote.find(card.indicator)
        if at <= 0:
            continue
        lead = ""
        for char in reversed(quote[:at]):
            if not _CJK.match(char) or len(lead) >= 6:
                break
            lead = char + lead
        lead = re.sub(r"^.*?(?:和|与|及|、|的)", "", lead)
        if lead:
            return lead
    return ""
