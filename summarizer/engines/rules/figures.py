"""Figures in running text: every stated result or goal as an indicator and its value phrase."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

from summarizer.engines.rules.phrases import (
    GENERIC_INDICATORS,
    Pool,
    clauses,
    split_indicator,
    starts_with_verb,
    strip_indicator,
)
from summarizer.report.evidence import evidence, verbatim
from summarizer.report.normalize import NormalizedText
from summarizer.report.sections import Sections, Span
from summarizer.schema import Evidence, Figure, Quantity

__all__ = ["figures_in", "headline_figures", "is_result_number", "MAX_HEADLINE_FIGURES"]

MAX_HEADLINE_FIGURES = 15

# An indicator that is only a verb: the noun follows the number ("争取100个以上项目纳入…").
_BARE_VERB = re.compile(
    r"^(?:争取|引进|引育|新增|新建|建成|建设|开工|完成|实施|打造|培育|推动|开展|举办|改造|实现|累计|共|超|"
    r"新引进|招引|落地|投用|签约|出台|发放|提供|带动|吸引|培训|组织|推出|创建|认定|获评|入选|获|达|"
    r"扩大|扩容|筹集|扩绿|新改建|改扩建|兑现|减免|投入|安排|争取到|储备|谋划)$"
)
_NOUN_STOP = re.compile(r"[，,。；;、:：(（\d]|入选|获评|获得|纳入|实现|达到|完成|建成|投用|开工|落地|入驻|上市|以上|左右|的")
_RANK_WORDS = re.compile(r"第[一二三四五六七八九十\d]|前列|首位|领先")


def _noun_after(nt: NormalizedText, start: int, end: int) -> str:
    """The noun a count qualifies when it follows the number: 100个以上项目 -> 项目."""
    rest = nt.text[start:end]
    stop = _NOUN_STOP.search(rest)
    if stop and re.match(r"以上|以下|左右", rest[stop.start() :]):
        return ""  # "2个两千亿元以上…": a quantity follows, not a noun
    noun = (rest[: stop.start()] if stop else rest)[:10]
    return verbatim(nt, start, noun) if len(noun) >= 2 else ""

_NUMERAL_NAME = re.compile(r"^[零〇一二两三四五六七八九十百千万亿]+[\u4e00-\u9fff]{0,2}$")
_AFTER = re.compile(r"^(?:及以上|及以下|左右|以上|以内|以下|上下|多|余)")
_RANGE = re.compile(r"^\s*[-—～~至到]+\s*")
_ORDINAL_WORDS = ("第", "前", "居", "列", "排名", "排")  # 位居 ends in 居


def _ordinal_context(before: str) -> bool:
    """Whether the text before a number ends in a word of rank (第, 前, 位居, 排名 …)."""
    return before.rstrip().endswith(_ORDINAL_WORDS)


def is_result_number(quantity: Quantity, before: str) -> bool:
    """Whether a number states a result or goal, rather than a rank, a duration or a count of years."""
    raw = quantity.raw
    if not quantity.unit and quantity.kind == "quantity":
        return False  # 500强, 2.0提升行动: a bare number is a name, not a result
    if not any(ch.isdigit() for ch in raw) or quantity.unit in ("岁", "周", "周年", "届", "方面", "个方面"):
        return False  # 两项, 十方面: counts written in words are not results; nor are ages
    if raw.startswith("第") or quantity.unit in ("位", "名", "第") and _ordinal_context(before):
        return False
    if quantity.unit in ("年", "个月", "月", "天", "周年", "届", "次会议", "倍") and not quantity.magnitude:
        return quantity.unit == "倍"
    return not _ordinal_context(before[-2:])


def figures_in(
    nt: NormalizedText, start: int, end: int, *, limit: int | None = None, pool: Pool | None = None
) -> list[Figure]:
    """Figures stated in nt.text[start:end], in order, each with its clause as evidence."""
    figures: list[Figure] = []
    last_indicator = ""
    last_evidence: Evidence | None = None
    for clause in clauses(nt.text[start:end], start, split="，,；;。：:！？!?()（）", pool=pool):
        if not clause.quantities:
            last_indicator, last_evidence = "", None
            continue
        for piece in _pieces(clause.text, clause.start):
            text, p_start = piece
            p_end = p_start + len(text)
            qs = [q for q in clause.quantities if p_start <= (q.start or 0) < p_end]
            if not qs:
                indicator = strip_indicator(text)
                plain = 2 <= len(indicator) <= 16 and not _RANK_WORDS.search(indicator)
                if plain and not starts_with_verb(indicator):
                    last_indicator = verbatim(nt, p_start + text.rfind(indicator), indicator)
                    last_evidence = evidence(nt, p_start, p_end)
                continue
            phrase_start = p_start
            indicator = ""
            merged: set[int] = set()
            for n, quantity in enumerate(qs):
                if n in merged:
                    continue
                q_start, q_end = quantity.start or 0, quantity.end or 0
                dash = _RANGE.match(nt.text[q_end:p_end])
                if dash and n + 1 < len(qs) and qs[n + 1].start == q_end + dash.end():
                    # a range, "1000-3000万元": one value phrase through its second number
                    merged.add(n + 1)
                    q_end = qs[n + 1].end or q_end
                before = nt.text[p_start:q_start]
                if not is_result_number(quantity, before):
                    phrase_start = q_end
                    continue
                tail = _AFTER.match(nt.text[q_end:p_end])
                if tail:
                    q_end += tail.end()
                if _ATTRIBUTE.match(nt.text, q_end):
                    # "近14亿人口的大国", "国家下达的110万人年度任务": a description or a
                    # target referred to, not a result
                    phrase_start = q_end
                    continue
                # The text since the previous number names this one, unless it only joins them.
                segment = nt.text[phrase_start:q_start]
                joiner = re.match(r"^[和、及与,，]*", segment).group(0)  # type: ignore[union-attr]
                if segment[len(joiner) :].strip():
                    at = split_indicator(segment, len(segment))
                    at = len(segment) if at is None else at
                    indicator = strip_indicator(segment[:at])
                    found = segment.rfind(indicator, 0, at) if indicator else -1
                    if found >= 0:
                        indicator = verbatim(nt, phrase_start + found, indicator)
                    value_start = phrase_start + at
                else:
                    value_start = phrase_start + len(joiner)
                if _NUMERAL_NAME.match(indicator):
                    indicator = ""  # "两千亿元以上产业集群2个": a number in words is not a name
                if _BARE_VERB.match(indicator):
                    indicator = _noun_after(nt, q_end, p_end) or indicator
                elif _RANK_WORDS.search(indicator) or indicator.startswith(("总量", "总额", "增速", "总数")):
                    indicator = ""
                elif len(indicator) > 24:
                    indicator = indicator[-12:]
                own = evidence(nt, p_start, p_end)
                spans = [own]
                if not indicator and value_start == p_start:
                    indicator = _noun_after(nt, q_end, p_end)  # "73家企业入选…"
                elif indicator:
                    indicator = _label(indicator, last_indicator, partial(_noun_after, nt, q_end, p_end))
                if indicator in GENERIC_INDICATORS:
                    indicator = last_indicator
                    if last_evidence is not None and last_evidence != own:
                        spans.append(last_evidence)  # the indicator is named there
                phrase_start = q_end
                if not indicator or len(indicator) < 2:
                    continue
                if indicator != last_indicator:
                    last_evidence = own
                last_indicator = indicator
                figures.append(
                    Figure(
                        indicator=indicator,
                        value=verbatim(nt, value_start, nt.text[value_start:q_end]),
                        quantity=quantity,
                        evidence=spans,
                    )
                )
                if limit is not None and len(figures) >= limit:
                    return figures
    return figures


_COMPARISON = re.compile(r"^(?:高出|高于|低于|快于|慢于|好于|居全|位居|位列|排名|排位|前移|后移)")
_TO_VERB = re.compile(r"(?:发展|增加|增长|提高|提升|上升|下降|减少|扩大|降低|压减|压缩|达)?[至到]$")
_PLAIN_NAME = re.compile(r"^[^\d百千万亿]{2,12}$")
_SINCE = re.compile(r"(?:由|从)[^由从,，]{0,12}?的?$")  # "森林覆盖率由2017年的" -> 森林覆盖率


def _label(indicator: str, previous: str, noun: Callable[[], str]) -> str:
    """A name for a figure, never a fragment: "人均地区生产总值由2010年的" names 人均地区生产总值,
    "占一般公共预算支出的" the share of the indicator before it, "积塔半导体等" the noun after
    the number; a label that stays a fragment ("…完成预算的", "国家级和") gives none."""
    since = _SINCE.sub("", indicator)
    if since != indicator and len(since) >= 2:
        return since
    if indicator.startswith("占") and previous and _PLAIN_NAME.match(previous):
        return previous + indicator.rstrip("的")
    if indicator.endswith("等"):
        after = noun()
        return indicator + after if after else indicator[:-1]
    if indicator.endswith(("和", "及", "与", "、")):
        return noun()
    if indicator.endswith(("至", "到")):
        subject = _TO_VERB.sub("", indicator)  # "规上工业企业发展到" -> 规上工业企业
        return subject if len(subject) >= 2 else previous
    if indicator.endswith(("的", "之")) or indicator.startswith(("分别", "前的", "是", "为")):
        return ""
    if _COMPARISON.match(indicator):
        return ""  # "高出全省4个百分点", "居全国16个", "前移1位": a rank or a comparison
    return indicator


def _pieces(text: str, offset: int) -> list[tuple[str, int]]:
    out, pos = [], 0
    for part in text.split("、"):
        if part:
            out.append((part, offset + pos))
        pos += len(part) + 1
    return out


_ATTRIBUTE = re.compile(r"口?的|(?:年度)?(?:任务|目标)")
_SHARE = re.compile(r"占|比重")


def _from_opening(nt: NormalizedText, opening: Span, pool: Pool | None, *, cap: bool = True) -> list[Figure]:
    """The first paragraph that states results, and the "——" summary paragraphs after it."""
    figures: list[Figure] = []
    dashed = False
    pos = opening.start
    limit = MAX_HEADLINE_FIGURES if cap else 10_000
    while pos < opening.end and len(figures) < limit:
        nl = nt.text.find("\n", pos, opening.end)
        stop = opening.end if nl < 0 else nl
        paragraph = nt.text[pos:stop]
        found = [
            f
            for f in figures_in(nt, pos, stop, pool=pool)
            if not _SHARE.search(f.indicator)
        ]
        if figures and not (dashed and paragraph.startswith(("——", "—", "-"))):
            break
        if len(found) >= 2 or figures:
            dashed = dashed or (not figures and paragraph.startswith(("——", "—")))
            figures.extend(found[: limit - len(figures)])
        pos = stop + 1
    return figures


# The standard results a review states first: output, investment, consumption, revenue,
# industry, trade, income, prices, jobs, grain, foreign capital.
_MACRO = re.compile(
    r"生产总值|GDP|^经济增长|经济总量|固定资产投资|工业投资|技术改造投资|社会消费品零售|消费品零售|社零|"
    r"财政收入|公共预算收入|地方级收入|税收收入|工业增加值|工业总产值|进出口|外贸|出口总额|可支配收入|"
    r"居民收入|消费价格|新增就业|城镇就业|失业率|粮食|外资|服务业增加值|农业增加值|一产|二产|三产|"
    r"第[一二三]产业|农林牧渔"
)
_GDP = re.compile(r"(?:地区|国内)?生产总值|GDP|经济总量")
_AVERAGE = re.compile(r"平均|年均")
_RESULT_UNITS = ("%", "个百分点", "元", "美元", "吨", "斤", "公斤", "人", "人次", "户", "千瓦时", "立方米")


def _headline(figure: Figure, nt: NormalizedText) -> bool:
    """A figure fit to headline the year: not an average over years, a share or a label."""
    if _SHARE.search(figure.indicator) or len(figure.indicator) < 2:
        return False
    q = figure.quantity
    if q is None or q.start is None:
        return True
    clause_start = max(nt.text.rfind(ch, 0, q.start) for ch in ",，;；。、\n")
    return not _AVERAGE.search(nt.text[clause_start + 1 : q.start])


def _macro_first(figures: list[Figure]) -> list[Figure]:
    """At most MAX_HEADLINE_FIGURES, the standard results first, in the report's order."""
    if len(figures) <= MAX_HEADLINE_FIGURES:
        return figures
    macro = [f for f in figures if _MACRO.search(f.indicator)]
    kept = {id(f) for f in macro[:MAX_HEADLINE_FIGURES]}
    for f in figures:
        if len(kept) >= MAX_HEADLINE_FIGURES:
            break
        kept.add(id(f))
    return [f for f in figures if id(f) in kept]


def _macro(nt: NormalizedText, span: Span, pool: Pool | None) -> list[Figure]:
    """The standard results, each the first time the review states it; a sentence that
    states two or more of them is taken whole (it is the review's summary of the year)."""
    figures: list[Figure] = []
    seen: set[tuple[str, str]] = set()
    found = [f for f in figures_in(nt, span.start, span.end, pool=pool) if _headline(f, nt)]

    def sentence(f: Figure) -> int:
        at = f.quantity.start if f.quantity and f.quantity.start is not None else 0
        return nt.text.rfind("。", 0, at)

    macro_count: dict[int, int] = {}
    for f in found:
        if _MACRO.search(f.indicator):
            macro_count[sentence(f)] = macro_count.get(sentence(f), 0) + 1
    for f in found:
        q = f.quantity
        whole = macro_count.get(sentence(f), 0) >= 2
        if not whole and not _MACRO.search(f.indicator):
            continue
        if q is not None and not (q.unit in _RESULT_UNITS or q.unit.endswith("元")):
            continue
        key = (f.indicator, f.value)
        if key in seen:
            continue
        seen.add(key)
        figures.append(f)
        if len(figures) >= MAX_HEADLINE_FIGURES:
            break
    return figures


def _gdp_level(nt: NormalizedText, span: Span, year: int, pool: Pool | None) -> Figure | None:
    """The past year's output level, where a five-year paragraph states it ("由2010年1492亿元
    增加到2015年2720亿元", "2020年地区生产总值突破400亿元、达到411.75亿元"): of several
    values in the sentence, the last (the precise one)."""
    best: Figure | None = None
    best_sentence = -2
    for figure in figures_in(nt, span.start, span.end, pool=pool):
        q = figure.quantity
        if q is None or q.start is None or q.unit != "元" or not q.magnitude:
            continue
        start = max(nt.text.rfind(ch, 0, q.start) for ch in "。;；\n") + 1
        before = nt.text[start : q.start]
        gdp = _GDP.search(before)
        years = re.findall(r"((?:19|20)\d{2})年", nt.text[max(start, q.start - 30) : q.start])
        if gdp is None or not years or int(years[-1]) != year:
            continue
        if best is not None and start != best_sentence:
            break
        best_sentence = start
        best = Figure(
            indicator=gdp.group(), value=figure.value, quantity=q, evidence=figure.evidence
        )
    return best


def headline_figures(
    nt: NormalizedText, sections: Sections, pool: Pool | None = None
) -> list[Figure]:
    """The main results of the past year where the review opens: its first paragraph that
    states results, with the "——" summary paragraphs after it (the standard results first when
    they hold more than fit).  When the opening states none: the first "——" area that does,
    if the past year is told in such paragraphs, or else the standard results where the
    review first states them.  The past year's output level comes from a five-year paragraph
    when the past year's review never states it."""
    figures: list[Figure] = []
    if sections.review_opening is not None:
        figures = [f for f in _from_opening(nt, sections.review_opening, pool, cap=False) if _headline(f, nt)]
    areas = sections.review_areas
    past = sections.review_past_year or sections.review
    if len(figures) < 2 and areas and areas[0].marker == "——" and not sections.review_areas_from_five_years:
        for area in areas:
            figures = [f for f in figures_in(nt, area.start, area.end, pool=pool) if _headline(f, nt)]
            if len(figures) >= 2:
                break
    if len(figures) < 2 and past is not None:
        figures = _macro(nt, past, pool)
    figures = _macro_first(figures)
    year = sections.plan_year
    if figures and year is not None and sections.review is not None and len(figures) < MAX_HEADLINE_FIGURES:
        has_level = any(f.quantity and f.quantity.unit == "元" and _GDP.search(f.indicator) for f in figures)
        if not has_level and any(_GDP.search(f.indicator) for f in figures):
            for span in [sections.review, *sections.five_year]:
                level = _gdp_level(nt, span, year - 1, pool)
                if level is not None:
                    figures.append(level)
                    break
    return figures
