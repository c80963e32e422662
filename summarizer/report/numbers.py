"""Every quantity in a text: value, unit, magnitude, kind, qualifier and span.

    extract_quantities("地区生产总值21860亿元、增长4.7%")
    -> 21860亿元 (value 2.186e12, magnitude 亿, unit 元), 4.7% (value 4.7, kind percent)

What counts as a quantity:
- Arabic numbers with decimals and thousands separators (1,234.5), a magnitude
  (万 亿 万亿 千 百万 千万 …, applied to the value and kept in ``magnitude``) and a unit
  after it (%, ‰, 个百分点, 元, 人, 亩 …; '万人' is magnitude 万 and unit 人);
- ranges (6%-6.5%, 5%—5.5%, 5-5.5%, 15至20年): two quantities, the first taking the unit
  and magnitude of the second when it has none; a qualifier after the range covers both;
- ranks written 第8 (居全国第8, 第14位): a quantity with unit '第', because summaries
  quote them;
- Chinese numerals followed by a unit or measure word (三年, 十项, 两万亿元,
  二万一千八百六十亿元) and 百分之五点五.  A Chinese numeral needs a unit after it, so
  fixed phrases (一批, 一体, 十分, 万物, 千方百计) are not quantities; nor is a lone 一 or 零
  (一年来, 一件事, 零的突破), nor a numeral after 第, 之, 几 or 数, nor one before 届, 中全会,
  大, 期 or 级 (二十届三中全会, 三大攻坚战).

What is not a quantity (its digits are still returned by :func:`digit_tokens`):
- names: anything inside “…”, 「…」, 『…』 or 《…》 (“十四五”, “1515”攻坚行动); a number
  touching a Latin letter (PM2.5, 5G, M2, G20, IPv6), a '+' (8+4), a ':' or '/' between
  digits (12:30, 2.31:1), or a dotted code (1.2.3);
- dates: 2024年, 5月, 22日, 2025-05-29, 2021—2035年, and a bare four-digit year (1900-2100)
  with no unit;
- list numbering: 1. or 1、 at the start of a line or sentence, (1); Chinese numbering
  (一、 (一) 一是 第一) has no unit and is never read.

Qualifiers are read before the number (超过 突破 约 近 不低于 力争 …; 力争 also across a
verb: 力争增长6%), inside it (620多万套, 2000余万元) and after it (左右 以上 以内 以下);
one after the number wins over one inside it, which wins over one before it.
"""

from __future__ import annotations

import bisect
import math
import re

from pydantic import TypeAdapter

from summarizer.report.normalize import fold_width
from summarizer.report.patterns import any_of
from summarizer.schema import NumberKind, Quantity

__all__ = [
    "QUALIFIERS",
    "QUALIFIER_GROUPS",
    "extract_quantities",
    "same_quantity",
    "same_qualifier",
    "digit_tokens",
    "magnitude_scale",
    "parse_chinese_numeral",
    "quick_fold",
]

# Qualifiers with the same meaning share a group; same_quantity compares groups.
QUALIFIER_GROUPS: dict[str, tuple[str, ...]] = {
    "about": ("左右", "约", "大约"),
    "at_least": ("以上", "及以上", "不低于", "不少于", "至少"),
    "at_most": ("以内", "以下", "及以下", "不超过", "不高于"),
    "over": ("超过", "超", "突破", "逾", "高于", "大于", "多于"),
    "under": ("不到", "不足", "低于", "小于", "少于"),
    "nearly": ("近", "接近", "将近"),
    "odd": ("多", "余"),
    "strive": ("力争",),
}
QUALIFIERS: tuple[str, ...] = tuple(q for group in QUALIFIER_GROUPS.values() for q in group)
_QUALIFIER_GROUP = {q: name for name, group in QUALIFIER_GROUPS.items() for q in group}

_POST = ("左右", "以上", "以内", "以下", "及以上", "及以下")
_INNER = ("多", "余")
_PRE = tuple(q for q in QUALIFIERS if q not in _POST and q not in _INNER and q != "力争")


# Units after an Arabic number (and its magnitude); longest first in the pattern.
_UNITS = (
    "个百分点", "百分点", "%", "‰",
    "平方公里", "平方千米", "平方米", "立方米", "公顷", "亩", "公里", "千米", "米", "厘米", "毫米",
    "千瓦时", "千瓦", "兆瓦", "吉瓦", "瓦", "度",
    "吨", "公斤", "千克", "斤", "克",
    "美元", "欧元", "港元", "元", "分",
    "人次", "人", "名", "位", "户次", "户", "家次", "家", "个月", "个", "项", "批次", "架次", "航次",
    "车次", "班次", "台次", "场次", "例", "宗", "起", "笔", "所", "条", "件", "座", "台", "套",
    "辆", "艘", "架", "处", "场", "次", "批", "篇", "部", "枚", "张", "间", "栋", "幢", "层",
    "床", "支", "只", "头", "株", "棵", "块", "片", "类", "种", "款", "份", "册", "本", "首",
    "标箱", "箱", "列", "班", "组", "对", "轮", "期", "年", "天", "小时", "分钟", "周", "岁",
    "倍", "方面", "方",
)  # fmt: skip
# Measure words a Chinese numeral must be followed by to count as a quantity.
_CN_UNITS = (
    "个百分点", "百分点", "个月", "个", "项", "年", "条", "件", "家", "所", "座", "次", "名",
    "位", "人次", "人", "户", "亩", "公里", "千米", "米", "吨", "美元", "元", "倍", "天", "周",
    "岁", "类", "种", "张", "台", "套", "辆", "处", "场", "篇", "部", "间", "轮", "方面",
    "千瓦时", "千瓦", "平方公里", "平方米", "标箱",
)  # fmt: skip
_UNIT_ALIASES = {"百分点": "个百分点", "千米": "公里", "平方千米": "平方公里"}

# Magnitudes and their powers of ten.
_MAGNITUDES = {"万": 4, "亿": 8, "万亿": 12, "千": 3}
_MAGNITUDES.update({p + m: e + _MAGNITUDES[m] for p, e in (("十", 1), ("百", 2), ("千", 3))
                    for m in ("万", "亿", "万亿")})  # fmt: skip


def magnitude_scale(magnitude: str) -> float:
    """The factor a magnitude stands for: '亿' -> 1e8, '' -> 1."""
    return 10.0 ** _MAGNITUDES.get(magnitude, 0)


_NUM = r"[0-9]+(?:,[0-9]{3}(?![0-9]))*(?:\.[0-9]+)?"
_MAG = r"(?:[十百千]?万亿|[十百千]?亿|[十百千]?万|千(?![瓦米克伏帕焦卡兆]))"
_UNIT = any_of(_UNITS)
_CN_DIGITS = "零〇一二两三四五六七八九"
_CN_CHARS = _CN_DIGITS + "十百千万亿"
_CNUM = rf"[{_CN_CHARS}]+(?:点[{_CN_DIGITS}]+)?"

# Each branch opens with a character class, so the scan skips other text quickly.
_QUANTITY = re.compile(
    # an Arabic number: 620多万套, 2.186万亿元, 5.5个百分点 (第 and dates are read after)
    rf"(?P<num>{_NUM})"
    rf"(?:(?P<q1>多|余)(?={_MAG}|{_UNIT}))?(?:(?P<mag>{_MAG})(?P<q2>多|余)?)?(?P<unit>{_UNIT})?"
    # 百分之五点五, 百分之20
    rf"|百分之(?P<pct>{_CNUM}|{_NUM})"
    # a Chinese numeral with a measure word: 三年, 二万一千八百六十亿元, 十多个
    rf"|(?P<cn>[{_CN_CHARS}](?<![0-9.{_CN_CHARS}第之几数][{_CN_CHARS}])[{_CN_CHARS}]*"
    rf"(?:点[{_CN_DIGITS}]+)?)(?P<cq>多|余)?(?P<cmag>万亿|亿|万)?(?P<cunit>{any_of(_CN_UNITS)})"
)
# What makes a number a date: 2025-05-29 after a year, 5月, 22日, 1号 (a name).
_DATE_TAIL = re.compile(r"[-./](?:1[0-2]|0?[1-9])(?:[-./](?:3[01]|[12][0-9]|0?[1-9]))?(?![0-9])")
# 力争 also qualifies a number across a verb: 力争增长6%, 力争达到50%.
_STRIVE_VERBS = ("增长", "达到", "达", "实现", "提高到", "提高至", "提升到", "提升至", "控制在",
                 "下降", "降低", "减少", "增加")  # fmt: skip
_PRE_RE = re.compile(rf"(?:力争(?:{any_of(_STRIVE_VERBS)})?|{any_of(_PRE)})$")
_POST_RE = re.compile(any_of(_POST))
_PRE_LAST = frozenset(w[-1] for w in (*_PRE, "力争", *_STRIVE_VERBS))
_POST_FIRST = frozenset(w[0] for w in _POST)
_DATE_ENDS = frozenset("月日号")
_RANGE_FIRST = frozenset(" -–—~至到")
_RANGE_SEP = re.compile(r"\s*(?:-|–|—{1,2}|~|至|到)\s*")
_QUOTED = re.compile(
    r"“[^“”\n]{0,40}”|「[^「」\n]{0,40}」|『[^『』\n]{0,40}』|《[^《》\n]{0,60}》|\"[^\"\n]{0,40}\""
)
_LATIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_DIGIT = frozenset("0123456789")
_NAME_EDGE = _LATIN | frozenset("+.:/")  # a character next to a number that may make it a name
_SENTENCE_START = frozenset("\n。;:!? \t")
_NOT_CN_QUANTITY = frozenset(("一", "零", "〇"))
_ONE_OK_UNITS = frozenset(("个百分点", "百分点", "倍"))
_DIGIT_RUN = re.compile(_NUM)
# Characters fold_width changes; most text (normalised text above all) has none.
_FOLDABLE = re.compile(
    "["
    + "".join(
        re.escape(c)
        for c in map(
            chr,
            (
                0xA0,
                0xB2,
                0xB3,
                0xB9,
                0xFEFF,
                *range(0x2000, 0x2100),
                *range(0x3000, 0x3001),
                *range(0xFE50, 0xFF60),
            ),
        )
        if fold_width(c) != c
    )
    + "]"
)

_CN_DIGIT_VALUE = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
_CN_SMALL = {"十": 10, "百": 100, "千": 1000}


def parse_chinese_numeral(token: str) -> float | None:
    """The value of a Chinese numeral such as 二万一千八百六十亿 or 五点五; None if malformed.

    Digit-by-digit forms (二〇二四) and runs like 十四五 are malformed here: they are
    years and names, not amounts.
    """
    head, _, decimals = token.partition("点")
    if not head:
        return None
    total = section = chunk = 0
    digit: int | None = None
    prev_digit = False
    for ch in head:
        if ch in _CN_DIGIT_VALUE:
            if prev_digit and digit:
                return None
            digit, prev_digit = _CN_DIGIT_VALUE[ch], True
        elif ch in _CN_SMALL:
            chunk += (digit if digit is not None else 1) * _CN_SMALL[ch]
            digit, prev_digit = None, False
        elif ch == "万":
            section += (chunk + (digit or 0)) * 10_000 or 10_000
            chunk, digit, prev_digit = 0, None, False
        elif ch == "亿":
            total = (total + section + chunk + (digit or 0)) * 100_000_000 or 100_000_000
            section = chunk = 0
            digit, prev_digit = None, False
        else:
            return None
    value = float(total + section + chunk + (digit or 0))
    if decimals:
        if any(c not in _CN_DIGIT_VALUE for c in decimals):
            return None
        value += float("0." + "".join(str(_CN_DIGIT_VALUE[c]) for c in decimals))
    return value


def _cn_quantity_value(token: str) -> tuple[float, str] | None:
    """Value and magnitude of a Chinese numeral quantity, or None when it is not one."""
    if token in _NOT_CN_QUANTITY or token[0] in "百千万亿" and len(token) < 2:
        return None
    if token[0] in "百千万亿" and not re.fullmatch(
        r"[百千]?[万亿]|[十百千]万|万亿|[百千]亿", token
    ):
        return None
    value = parse_chinese_numeral(token)
    if value is None:
        return None
    if token in _MAGNITUDES:
        return value, token
    magnitude = ""
    head = token
    for mag in ("万亿", "亿", "万"):
        if token.endswith(mag) and len(token) > len(mag) and "点" not in token:
            magnitude, head = mag, token[: -len(mag)]
            break
    if magnitude and head and parse_chinese_numeral(head) is None:
        magnitude = ""
    return value, magnitude


_KINDS: dict[str, NumberKind] = {"%": "percent", "‰": "percent", "个百分点": "points"}
_QUANTITY_LIST = TypeAdapter(list[Quantity])


def _scaled(number: str, magnitude: str) -> float:
    return float(f"{number.replace(',', '')}e{_MAGNITUDES.get(magnitude, 0)}")


def _quoted_spans(text: str) -> tuple[list[int], list[int]]:
    starts: list[int] = []
    ends: list[int] = []
    for m in _QUOTED.finditer(text):
        starts.append(m.start())
        ends.append(m.end())
    return starts, ends


def _is_name(t: str, start: int, num_end: int) -> bool:
    """A number touching a Latin letter, '+', or continuing as 1.2.3, 12:30 or 1/3."""
    before = t[start - 1] if start else ""
    after = t[num_end] if num_end < len(t) else ""
    if before in _LATIN or after in _LATIN or before == "+" or after == "+":
        return True
    if before in ".:/" and start >= 2 and t[start - 2] in _DIGIT:
        return True
    return after in ".:/" and num_end + 1 < len(t) and t[num_end + 1] in _DIGIT


def _is_numbering(t: str, start: int, end: int) -> bool:
    after = t[end] if end < len(t) else ""
    before = t[start - 1] if start else ""
    if after and after in "、." and (not start or before in _SENTENCE_START):
        return True
    return before == "(" and after == ")"


def quick_fold(text: str) -> str:
    """:func:`~summarizer.report.normalize.fold_width`, returning text with nothing to fold as is
    (much faster on Chinese text, which the fold table leaves alone)."""
    return fold_width(text) if _FOLDABLE.search(text) else text


def extract_quantities(text: str, offset: int = 0) -> list[Quantity]:
    """Every quantity in ``text``, in order; spans are ``offset`` + position in ``text``.

    See the module docstring for what is and is not a quantity.  ``raw`` is the text at
    the span: the number with its magnitude, unit and an inner 多/余, without the
    qualifiers before or after it.
    """
    t = quick_fold(text)
    q_starts, q_ends = _quoted_spans(t)
    # Each row: [start, end, number_text, magnitude, unit, qualifier, pre, post, value]
    rows: list[list] = []
    dates: set[int] = set()  # start offsets of dates, for ranges like 2021—2035年
    skip_until = 0
    size = len(t)
    for m in _QUANTITY.finditer(t):
        start, end = m.span()
        if start < skip_until:
            continue
        if q_starts:
            i = bisect.bisect_right(q_starts, start) - 1
            if i >= 0 and start < q_ends[i]:
                continue
        num, q1, magnitude, q2, unit, pct, cn, cq, cmag, cunit = m.groups()
        inner = None
        if num is not None:
            num_end = start + len(num)
            before = t[start - 1] if start else ""
            after = t[num_end] if num_end < size else ""
            if (before in _NAME_EDGE or after in _NAME_EDGE) and _is_name(t, start, num_end):
                continue
            magnitude = magnitude or ""
            unit = unit or ""
            year = len(num) == 4 and num.isdigit() and 1900 <= int(num) <= 2100
            if year and after in "-./" and (tail := _DATE_TAIL.match(t, num_end)):
                skip_until = tail.end()
                dates.add(start)
                continue
            if not magnitude and (after in _DATE_ENDS or year and unit in ("", "年")):
                dates.add(start)
                continue
            if before == "第":  # 第8: the rank alone, nothing after it
                start, end, magnitude, unit = start - 1, num_end, "", "第"
            else:
                if not magnitude and not unit and _is_numbering(t, start, num_end):
                    continue
                inner = q1 or q2
            value = _scaled(num, magnitude) if magnitude or "," in num else float(num)
        elif pct is not None:
            parsed = float(pct.replace(",", "")) if pct[0] in _DIGIT else parse_chinese_numeral(pct)
            if parsed is None:
                continue
            value, magnitude, unit = parsed, "", "%"
        else:
            if cn == "一" and cunit not in _ONE_OK_UNITS:
                continue
            parsed_cn = (1.0, "") if cn == "一" else _cn_quantity_value(cn)
            if parsed_cn is None:
                continue
            value, magnitude = parsed_cn
            if cmag:
                value *= magnitude_scale(cmag)
                magnitude = cmag
            unit = cunit
            inner = cq
        unit = _UNIT_ALIASES.get(unit, unit)
        pre = None
        if (
            start
            and t[start - 1] in _PRE_LAST
            and (hit := _PRE_RE.search(t, max(0, start - 6), start))
        ):
            pre = "力争" if hit.group(0).startswith("力争") else hit.group(0)
        post = None
        if (
            end < size
            and t[end] in _POST_FIRST
            and unit != "第"
            and (hit := _POST_RE.match(t, end))
        ):
            post = hit.group(0)
        rows.append([start, end, num, magnitude, unit, inner, pre, post, value])

    _join_ranges(t, rows, dates)
    # One validation call for the whole list: faster than building each model.
    return _QUANTITY_LIST.validate_python(
        [
            {
                "raw": text[start:end],
                "value": float(value),
                "unit": unit,
                "magnitude": magnitude,
                "kind": _KINDS.get(unit, "quantity"),
                "qualifier": post or inner or pre,
                "start": offset + start,
                "end": offset + end,
            }
            for start, end, _num, magnitude, unit, inner, pre, post, value in rows
            if unit is not None  # None: the first half of a date range, dropped
        ]
    )


def _join_ranges(t: str, rows: list[list], dates: set[int]) -> None:
    """Let the first number of a range take the unit and qualifier of the second."""
    starts = {row[0]: row for row in rows}
    for row in rows:
        if row[7]:  # a qualifier after it ends the phrase
            continue
        sep = _RANGE_SEP.match(t, row[1]) if t[row[1] : row[1] + 1] in _RANGE_FIRST else None
        if not sep:
            continue
        if sep.end() in dates and not row[3] and row[4] in ("", "年"):
            row[4] = None  # 2021—2035年, 5-6月: a date
            continue
        other = starts.get(sep.end())
        if other is None or other[4] in (None, "第"):
            continue
        if not row[4] and row[2] is not None:
            row[4] = other[4]
            if not row[3]:
                row[3] = other[3]
                row[8] = _scaled(row[2], other[3])
        if other[7] and not row[7]:
            row[7] = other[7]
        if row[6] and not other[6]:
            other[6] = row[6]


def same_qualifier(a: str | None, b: str | None) -> bool:
    """Whether two qualifiers mean the same: equal, or synonyms (以内 and 以下)."""
    if a == b:
        return True
    if a is None or b is None:
        return False
    group = _QUALIFIER_GROUP.get(a)
    return group is not None and group == _QUALIFIER_GROUP.get(b)


def same_quantity(a: Quantity, b: Quantity, *, qualifier: bool = True) -> bool:
    """Whether two quantities state the same number.

    Same value after scaling (21860亿元 == 2.186万亿元, 6% == 6.0%), same kind
    (5.5% != 5.5个百分点), compatible units (equal, or one side has none) and, when
    ``qualifier`` is true, the same qualifier up to synonyms (None only equals None).
    """
    if a.kind != b.kind:
        return False
    if not math.isclose(a.value, b.value, rel_tol=1e-9, abs_tol=1e-12):
        return False
    if a.unit and b.unit and a.unit != b.unit:
        return False
    return not qualifier or same_qualifier(a.qualifier, b.qualifier)


def digit_tokens(text: str) -> list[tuple[str, int, int]]:
    """Every run of Arabic digits (with decimals and thousands separators) and its span.

    Names and dates included: PM2.5 gives '2.5', 2025-05-29 gives '2025', '05', '29'.
    The token is the text as written (full-width digits stay full-width).
    """
    return [
        (text[m.start() : m.end()], m.start(), m.end())
        for m in _DIGIT_RUN.finditer(quick_fold(text))
    ]
