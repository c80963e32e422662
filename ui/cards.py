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
# A bare number right after a figure of the same indicator: the next value of its list
# (城乡居民收入分别增长4.3%和6.1%: "分别增长4.3%", then "6.1%").
_LIST_ITEM = re.compile(r"^[\d.]")


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
    """Cards for ``figures`` (at ``path`` in the summary): a level and its rate merged, and
    the values of one "分别 A 和 B" list on one card."""
    cards: list[Card] = []
    for i, figure in enumerate(figures):
        where = f"{path}[{i}]"
        last = cards[-1] if cards else None
        same = last is not None and last.indicator == figure.indicator
        if last is not None and same and _LIST_ITEM.match(figure.value):
            if last.second is not None:
                last.second += f"、{figure.value}"
            else:
                last.value += f"、{figure.value}"
        elif (
            last is not None
            and same
            and last.second is None
            and not is_rate(last.value)
            and is_rate(figure.value)
        ):
            last.second = figure.value
        else:
            label = _per_head(figure) + tidy_label(figure.indicator)
            cards.append(Card(label, figure.value, None, [], [], figure.indicator))
        cards[-1].paths.append(where)
        cards[-1].evidence += figure.evidence
    _distinguish(cards)
    return cards


def _per_head(figure: Figure) -> str:
    """'人均' when the sentence says the figure is per head (人均地区生产总值) and the name
    does not: a total and a per-head value must not read alike."""
    if figure.indicator.startswith("人均"):
        return ""
    for evidence in figure.evidence:
        at = evidence.quote.find(figure.indicator)
        if at >= 2 and evidence.quote[at - 2 : at] == "人均":
            return "人均"
    return ""


def _distinguish(cards: list[Card]) -> None:
    """Give cards that share a label distinct ones: the words before the indicator in their
    sentences, else 增速 for a rate, else a number."""
    for group in _repeated(cards):
        for card in group:
            card.label = _words_before(card) + card.label
    for group in _repeated(cards):
        if len({is_rate(card.value) for card in group}) > 1:  # a level and a rate apart
            for card in group:
                card.label += "（增速）" if is_rate(card.value) else ""
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
