"""Splitting report clauses into an indicator and the phrase that states its value.

"全市地区生产总值21860亿元"  -> ("地区生产总值", "21860亿元")
"居民消费价格上涨2.1%"       -> ("居民消费价格", "上涨2.1%")
"城镇调查失业率控制在5%以内" -> ("城镇调查失业率", "控制在5%以内")
"居民收入增长与经济增长基本同步" -> ("居民收入", "增长与经济增长基本同步")
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from summarizer.report.numbers import extract_quantities
from summarizer.schema import Quantity

__all__ = ["Pool", "Clause", "clauses", "split_indicator", "strip_indicator", "starts_with_verb"]

# Words that open a value phrase when they stand right before a number.
_LEAD = (
    "比上年增长|同比增长|比上年下降|同比下降|实际增长|名义增长|年均增长|分别增长|分别下降|"
    "增长|下降|上涨|下跌|减少|增加|提高|降低|提升|降至|降到|升至|增至|提高到|提升到|提升至|提高至|增加至|"
    "增加到|扩大至|扩大到|上升至|上升到|下降至|下降到|减少至|降低至|降低到|"
    "控制在|稳定在|保持在|保持|达到|达|突破|超过|超|接近|近|约|为|实现|完成|新增|累计|共|迈上|跃上|站上|"
    "不低于|不少于|不超过|不高于|高于|低于|力争|分别|至少|最少|最多|多达|高达|逾|不足"
)
_LEAD_BEFORE_NUMBER = re.compile(rf"(?:(?:{_LEAD})\s*)+$")
# Words that open a target phrase that has no number (or whose number comes later).
_VERB = re.compile(
    r"增长|下降|减少|提高|降低|提升|控制在|控制|稳定在|保持|实现|完成|达到|扭转|力争|努力|"
    r"基本(?:平衡|稳定|同步|持平|实现|完成|消除|建成)|与经济增长|高于|低于|不低于|不高于|超过|进一步|继续|"
    r"稳中|稳量|稳步|提质|有效|均(?=完成|达到|实现|保持|控制|稳定|为|在|达|有)|分别|同步|持平|好于|快于|跑赢|翻|"
    r"明显|显著|持续|守住|确保|"
    r"完成|符合|达标"
)
# Fillers that open a clause before the indicator proper.
_PREFIX = re.compile(
    r"^(?:[-*•·◆■●▲★☆◇□○]\s*|以下|以上|左右|较上年|比上年|同比|其中|同时|以及|并且|另外|此外|和|及|全年|一年来|年末|去年|今年|上年|当年|预计|"
    r"(?:19|20)\d{2}年(?:末|底|全年)?|实现|完成|达到|全国|全省|全市|全区|全县|全旗|全州|"
    r"我国|我省|我市|我区|我县|我旗|本市|本区|本县)+"
)
_SUFFIX = re.compile(r"(?:比上年|同比|较上年|比去年|较去年|分别|总量|全年|预计|由|从)+$")


class _Pool(list):  # type: ignore[type-arg]
    """Quantities sorted by offset, with their start offsets kept for bisection."""

    def __init__(self, quantities: Sequence[Quantity]) -> None:
        super().__init__(sorted(quantities, key=lambda q: q.start or 0))
        self.starts = [q.start or 0 for q in self]


Pool = _Pool


@dataclass
class Clause:
    """A clause of a sentence, its offsets in the text it came from, and its numbers."""

    text: str
    start: int
    end: int
    quantities: list[Quantity]


@lru_cache(maxsize=16)
def _bodies(chars: str) -> re.Pattern[str]:
    """The stripped text between two of ``chars``."""
    sep = re.escape(chars)
    return re.compile(f"[^{sep}\\s](?:[^{sep}]*[^{sep}\\s])?")


def clauses(
    text: str, offset: int = 0, *, split: str = "，,；;。！？!?", pool: Sequence[Quantity] | None = None
) -> list[Clause]:
    """Split text into clauses at the given punctuation; quantities carry absolute offsets.

    ``pool`` is the quantities already extracted from the whole text the span belongs to,
    sorted by offset; without it the span's quantities are extracted here.
    """
    quantities: Sequence[Quantity]
    if pool is None:
        quantities = extract_quantities(text, offset)
        starts = [q.start or 0 for q in quantities]
    else:
        quantities, starts = pool, pool.starts if isinstance(pool, _Pool) else [q.start or 0 for q in pool]
    stop = offset + len(text)
    out: list[Clause] = []
    for match in _bodies(split).finditer(text):
        a, b = match.start() + offset, match.end() + offset
        lo, hi = bisect.bisect_left(starts, a), bisect.bisect_left(starts, b)
        inside = [q for q in quantities[lo:hi] if (q.end or 0) <= stop] if lo < hi else []
        out.append(Clause(match.group(), a, b, inside))
    return out


def strip_indicator(indicator: str) -> str:
    indicator = indicator.strip(" ,，、;；:：")
    previous = None
    while previous != indicator:
        previous = indicator
        indicator = _PREFIX.sub("", indicator)
        indicator = _SUFFIX.sub("", indicator).strip(" ,，、")
    return indicator


def split_indicator(clause: str, first_number_at: int | None) -> int | None:
    """Where the value phrase of a clause starts; None when the clause states no value.

    With a number, the phrase starts at the number, or at the value words right before it
    (增长, 突破, 控制在 …).  Without one, it starts at the first verb after the indicator.
    """
    if first_number_at is not None:
        lead = _LEAD_BEFORE_NUMBER.search(clause[:first_number_at])
        at = lead.start() if lead else first_number_at
        verb = _VERB.search(clause, 2, at) if at > 2 else None
        if verb and _is_target_verb(clause, verb):
            return verb.start()
        return at
    verb = _VERB.search(clause, 2) if len(clause) > 2 else None
    if verb is None:
        verb = _VERB.match(clause)
        return 0 if verb else None
    return verb.start()


def _is_target_verb(clause: str, verb: re.Match[str]) -> bool:
    """A verb before the number opens the value phrase only in a few fixed forms."""
    word = verb.group(0)
    return word in ("力争", "努力", "确保", "控制在", "稳定在") and verb.end() <= len(clause)


def starts_with_verb(clause: str) -> bool:
    """"实现正增长", "完成省市下达的节能减排任务": a clause with no indicator of its own."""
    return _VERB.match(clause) is not None
