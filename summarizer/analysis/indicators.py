"""Indicator names: one canonical key for the many ways reports write the same indicator.

Reports name an indicator with a region prefix (全市地区生产总值), an abbreviation
(规上工业增加值 for 规模以上工业增加值, GDP), a synonym (生产总值, 国内生产总值) or a
trailing verb (地区生产总值增长).  :func:`indicator_key` turns any of these into one key;
two names denote the same indicator when their keys are equal (:func:`same_indicator`).

The key comes from a small synonym table of the indicators that recur in 主要预期目标
sentences; a name outside the table is matched to it by fuzzy string similarity, and
otherwise keyed by its own cleaned form.  :func:`find_mentions` finds the table's
indicators inside running text, longest name first, so that 生产总值 inside
单位生产总值能耗 or 人均地区生产总值 is not read as GDP.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from summarizer.report.normalize import canon

__all__ = [
    "SYNONYMS",
    "LOWER_IS_BETTER",
    "PARTS",
    "Mention",
    "clean_name",
    "indicator_key",
    "same_indicator",
    "lower_is_better",
    "aliases",
    "find_mentions",
    "group_names",
]

# Canonical name -> other names for it.  Every name is compared after clean_name().
SYNONYMS: dict[str, tuple[str, ...]] = {
    "地区生产总值": (
        "生产总值",
        "GDP",
        "国内生产总值",
        "地区生产总值(GDP)",
        "经济总量",
        "经济增速",
    ),
    "人均地区生产总值": ("人均生产总值", "人均GDP", "人均国内生产总值"),
    "单位地区生产总值能耗": (
        "单位生产总值能耗",
        "单位GDP能耗",
        "单位国内生产总值能耗",
        "能耗强度",
        "单位地区生产总值能源消耗",
    ),
    "规模以上工业增加值": ("规上工业增加值", "规模以上工业增加值增速", "规上工业"),
    "工业增加值": ("全部工业增加值",),
    "服务业增加值": ("第三产业增加值",),
    "数字经济核心产业增加值": ("数字经济核心产业",),
    "农林牧渔业增加值": ("农林牧渔增加值", "农业增加值"),
    "建筑业增加值": (),
    "财政总收入": (),
    "一般公共预算收入": ("地方一般公共预算收入", "一般公共预算收入总额", "地方财政收入"),
    "固定资产投资": ("全社会固定资产投资", "固定资产投资额", "固投"),
    "社会消费品零售总额": ("社会消费品零售额", "社零总额", "社零", "消费品零售总额"),
    "货物进出口总额": (
        "进出口总额",
        "货物进出口",
        "货物贸易进出口",
        "外贸进出口",
        "外贸进出口总额",
        "进出口",
        "货物贸易进出口总额",
    ),
    "货物贸易出口": ("出口总额", "货物出口", "出口"),
    "实际利用外资": ("实际使用外资", "利用外资"),
    "研发经费投入强度": (
        "全社会研发经费投入强度",
        "研发投入强度",
        "R&D经费投入强度",
        "R&D经费支出相当于生产总值比例",
        "R&D经费支出占生产总值比重",
        "研究与试验发展经费投入强度",
        "研发经费支出占生产总值比重",
        "全社会研发投入强度",
        "R&D经费支出占GDP比重",
    ),
    "城镇调查失业率": ("调查失业率", "城镇调查失业率控制"),
    "城镇登记失业率": ("登记失业率",),
    "城镇新增就业": ("城镇新增就业人数", "新增城镇就业", "新增就业"),
    "居民消费价格涨幅": (
        "居民消费价格指数涨幅",
        "居民消费价格",
        "居民消费价格指数",
        "CPI涨幅",
        "CPI",
        "居民消费价格总水平",
    ),
    "居民人均可支配收入": (
        "居民收入",
        "居民可支配收入",
        "全体居民人均可支配收入",
        "城乡居民收入",
        "城乡居民人均可支配收入",
        "城镇和农村居民人均可支配收入",
        "居民人均收入",
        "全区居民可支配收入",
        "城乡常住居民人均可支配收入",
    ),
    "城镇居民人均可支配收入": ("城镇常住居民人均可支配收入", "城镇居民收入"),
    "农村居民人均可支配收入": (
        "农村常住居民人均可支配收入",
        "农村居民收入",
        "农民收入",
        "农民人均可支配收入",
    ),
    "粮食产量": ("粮食总产量",),
    "节能减排": ("节能减排任务", "能耗双控"),
    "城乡居民收入比": ("城乡收入比", "城乡居民收入倍差", "收入倍差"),
    "空气质量优良天数比率": ("空气质量优良率", "空气优良天数比率", "空气质量优良天数比例"),
    "PM2.5平均浓度": ("PM2.5年均浓度", "PM2.5浓度", "细颗粒物平均浓度", "细颗粒物(PM2.5)平均浓度"),
    "地表水水质优良率": ("地表水优良水质比例", "地表水达到或好于Ⅲ类水体比例"),
}

# Indicators that are parts of another: a statement about the whole (居民收入增长与经济
# 增长同步) is informed by figures for its parts, though a part's number is not the whole's.
PARTS: dict[str, tuple[str, ...]] = {
    "居民人均可支配收入": ("城镇居民人均可支配收入", "农村居民人均可支配收入"),
}

# Indicators for which a smaller number is the better result.
LOWER_IS_BETTER = frozenset(
    {
        "城镇调查失业率",
        "城镇登记失业率",
        "居民消费价格涨幅",
        "单位地区生产总值能耗",
        "PM2.5平均浓度",
    }
)

# Prefixes that say where, not what: 全市地区生产总值 is 地区生产总值.
_PREFIX = re.compile(
    r"^(?:(?:全年|年度|今年|本年|全面|力争|确保|实现|完成|其中)+)?"
    r"(?:全国|全省|全市|全区|全县|全州|全盟|全旗|全镇|本省|本市|本区|本县|我省|我市|我区|我县)?"
    r"(?:(?:全年|年度|实现|完成)+)?"
)
# Words after the name that say how it moves, not what it is.
_SUFFIX = re.compile(
    r"(?:年均|同比|比上年|较上年|分别)?(?:实际)?"
    r"(?:增长率|增速|增幅|增长|提高|下降|降低|上涨|涨幅|实现|达到|保持|控制在|控制|为|达)$"
)
_BRACKETS = re.compile(r"[\"'“”‘’「」『』《》【】]")
_PAREN = re.compile(r"\((?:GDP|gdp|R&D|PM2\.5|CPI)\)")
_TRAILING_PUNCT = re.compile(r"[,，、;；:：.。]+$")

FUZZY_CUTOFF = 88.0  # rapidfuzz ratio (0-100) for a name outside the table
# Names too generic to read as the indicator when they occur in running text
# (规上工业企业, 出口退税, 进出口银行); they still key a name given as an indicator.
_NOT_IN_TEXT = frozenset({"规上工业", "出口", "进出口", "经济增速", "居民收入", "CPI"})
_GENERIC = frozenset(n.upper() for n in _NOT_IN_TEXT)
# A name followed by these modifies another noun (固定资产投资项目, 固投类项目) or names a
# share (服务业增加值占比): it does not stand for the indicator's own value.
_MODIFIER = re.compile(r"类|项目|企业|领域|占|比重|结构|贡献率")
_REGION_HEAD = re.compile(r"^[\u4e00-\u9fff]{2,8}?(?:省|市|区|县|州|旗)")


def clean_name(name: str, region: str | None = None) -> str:
    """A name reduced to what it names: width folded, no spaces, quotes, region or verb."""
    text = _BRACKETS.sub("", canon(name))
    text = _PAREN.sub("", text)
    text = _TRAILING_PUNCT.sub("", text)
    for prefix in _region_prefixes(region):
        if text.startswith(prefix) and len(text) > len(prefix) + 1:
            text = text[len(prefix) :]
            break
    stripped = _PREFIX.sub("", text)
    if len(stripped) >= 2:
        text = stripped
    for _ in range(2):
        stripped = _SUFFIX.sub("", text)
        if len(stripped) >= 2 and stripped != text:
            text = stripped
    return text


def _region_prefixes(region: str | None) -> list[str]:
    if not region:
        return []
    region = canon(region)
    short = re.sub(r"(?:特别行政区|自治区|自治州|自治县|新区|省|市|区|县|州|盟|旗)$", "", region)
    return [p for p in (region, short) if len(p) >= 2]


@lru_cache(maxsize=1)
def _alias_table() -> dict[str, str]:
    """Every cleaned name in the table -> its canonical key."""
    table: dict[str, str] = {}
    for key, names in SYNONYMS.items():
        for name in (key, *names):
            table.setdefault(clean_name(name).upper(), key)
            table.setdefault(canon(name).upper(), key)
    return table


def indicator_key(name: str, region: str | None = None) -> str:
    """The canonical key of an indicator name; equal keys mean the same indicator."""
    cleaned = clean_name(name, region)
    table = _alias_table()
    head = _REGION_HEAD.match(cleaned)
    tail = clean_name(cleaned[head.end() :]) if head else ""
    for candidate in (cleaned.upper(), canon(name).upper(), tail.upper()):
        if candidate in table:
            return table[candidate]
    # Chinese compounds put the head noun last: 省市下达的节能减排任务 is 节能减排.
    mentions = find_mentions(cleaned)
    if mentions and mentions[-1].end == len(cleaned):
        last = mentions[-1]
        if (last.end - last.start) >= 0.5 * len(cleaned):
            return last.key
    if len(cleaned) >= 4:
        match = process.extractOne(
            cleaned.upper(), list(table), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
        )
        if match is not None:
            return table[match[0]]
    return cleaned


def same_indicator(
    a: str, b: str, region_a: str | None = None, region_b: str | None = None
) -> bool:
    """Whether two indicator names denote the same indicator."""
    key_a, key_b = indicator_key(a, region_a), indicator_key(b, region_b)
    if key_a == key_b:
        return True
    if key_a in SYNONYMS or key_b in SYNONYMS:
        return False  # two different indicators of the table, or a table name and another
    return _similar(key_a, key_b)


def _similar(a: str, b: str) -> bool:
    """Two names outside the table: near-identical strings."""
    if min(len(a), len(b)) < 4:
        return False
    return fuzz.ratio(a, b) >= FUZZY_CUTOFF


def lower_is_better(key: str) -> bool:
    """Whether a smaller value is the better result for this indicator."""
    return key in LOWER_IS_BETTER or bool(re.search(r"(?:失业率|能耗|排放|浓度|事故|亡人)", key))


def aliases(key: str) -> list[str]:
    """Names to look for in text for an indicator key, longest first."""
    names = {key}
    for name in SYNONYMS.get(key, ()):
        names.add(canon(name))
    return sorted((n for n in names if len(n) >= 2), key=len, reverse=True)


@dataclass(frozen=True)
class Mention:
    """An indicator named in text: its key and the span of the name."""

    key: str
    start: int
    end: int
    name: str


@lru_cache(maxsize=1)
def _mention_pattern() -> re.Pattern[str]:
    names: dict[str, str] = {}
    for key, syns in SYNONYMS.items():
        for name in (key, *syns):
            names.setdefault(canon(name), key)
    # A generic name stays in the pattern so that it shadows nothing shorter, and is
    # dropped from the result by find_mentions.
    ordered = sorted(names, key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in ordered), re.IGNORECASE)


@lru_cache(maxsize=1)
def _mention_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for key, syns in SYNONYMS.items():
        for name in (key, *syns):
            keys.setdefault(canon(name).upper(), key)
    return keys


def find_mentions(
    text: str, extra: Iterable[tuple[str, str]] = (), offset: int = 0
) -> list[Mention]:
    """Indicators named in ``text``, left to right, longest name winning at each place.

    ``extra`` adds (name, key) pairs for indicators outside the table.  Offsets are
    ``offset`` plus positions in ``text``; the text is expected to be normalised.  A name
    too generic to stand for the indicator in running text (出口, 规上工业) still shadows
    the shorter names inside it but is not returned.
    """
    spans: list[tuple[Mention, bool]] = []
    keys = _mention_keys()
    for m in _mention_pattern().finditer(text):
        name = m.group()
        mention = Mention(keys[name.upper()], m.start() + offset, m.end() + offset, name)
        generic = name.upper() in _GENERIC or bool(_MODIFIER.match(text, m.end()))
        spans.append((mention, generic))
    for name, key in extra:
        if len(name) < 2:
            continue
        for m in re.finditer(re.escape(name), text):
            spans.append((Mention(key, m.start() + offset, m.end() + offset, name), False))
    # Longest first, then leftmost; drop any mention overlapping one already kept.
    spans.sort(key=lambda item: (-(item[0].end - item[0].start), item[0].start, item[1]))
    kept: list[tuple[Mention, bool]] = []
    for span, generic in spans:
        if all(span.end <= k.start or span.start >= k.end for k, _ in kept):
            kept.append((span, generic))
    return sorted((k for k, generic in kept if not generic), key=lambda s: s.start)


def group_names(names: Sequence[tuple[str, str | None]]) -> list[str]:
    """One key per (name, region) pair, names outside the table merged when near-identical."""
    keys = [indicator_key(name, region) for name, region in names]
    merged: list[str] = []
    seen: list[str] = []
    for key in keys:
        if key in SYNONYMS:
            merged.append(key)
            continue
        same = next((k for k in seen if k == key or _similar(k, key)), None)
        if same is None:
            seen.append(key)
            same = key
        merged.append(same)
    return merged
