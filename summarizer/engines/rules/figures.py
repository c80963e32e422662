"""Figures in running text: every stated result or goal as an indicator and its value phrase.

The clause reader (:mod:`summarizer.report.binding`) has bound every number of the report to
what it measures; a figure is one binding shown for a reader: its label (or, when no name
could be read, the clause that states the number), its value phrase, the clause as evidence
and the binding itself.
"""

from __future__ import annotations

import re

from summarizer.report.binding import Bindings, Bound
from summarizer.report.evidence import evidence, verbatim
from summarizer.report.normalize import NormalizedText
from summarizer.report.sections import Sections, Span
from summarizer.schema import Binding, Figure

__all__ = ["figures_in", "to_figure", "headline_figures", "MAX_HEADLINE_FIGURES"]

MAX_HEADLINE_FIGURES = 15


def _shown(nt: NormalizedText, start: int, end: int, text: str) -> str:
    """The report's own wording of ``text`` when it stands at nt.text[start:end]."""
    return verbatim(nt, start, text) if nt.text[start:end] == text else text


def _value(nt: NormalizedText, b: Bound) -> str:
    """The value phrase in the report's wording (a 分别 item's verb is written once before)."""
    q_start = b.quantity.start or 0
    if b.value == nt.text[b.value_start : b.value_end]:
        return verbatim(nt, b.value_start, b.value)
    number = nt.text[q_start : b.value_end]
    lead = b.value[: len(b.value) - len(number)] if b.value.endswith(number) else ""
    return lead + verbatim(nt, q_start, number) if lead or b.value.endswith(number) else b.value


def _clause_text(nt: NormalizedText, b: Bound) -> tuple[int, int]:
    """The shortest stretch of the sentence that holds the number and words to name it: its
    clause, with the clause before when its own words before the number are too few to name
    anything (各地可降至16%); cut to 40 characters before the number and 12 after."""
    a, z = b.clause
    q_start = b.quantity.start or 0
    if b.value_start - a < 6 and a > b.sentence[0]:
        a = max(nt.text.rfind(",", b.sentence[0], a - 1) + 1, b.sentence[0])
    a = max(a, q_start - 40)
    z = min(z, b.value_end + 12) if z - a > 60 else z
    return a, z


def to_figure(nt: NormalizedText, b: Bound) -> Figure:
    """A binding as a figure; an unbound one shows its clause in place of a label (built once
    per binding: the opening and the areas share figures)."""
    key = ("figure", id(b), 0)
    found = nt.memo.get(key)
    if found is None:
        found = nt.memo[key] = _figure(nt, b)
    assert isinstance(found, Figure)
    return found


def _figure(nt: NormalizedText, b: Bound) -> Figure:
    clause = evidence(nt, *b.clause)
    c_start, c_end = b.clause
    # label words outside the clause (inherited from the clause before): cited beside it
    outside = [evidence(nt, x, y) for x, y in b.label_spans if x >= 0 and (x < c_start or y > c_end)]
    if b.label:
        indicator = _shown(nt, *(b.label_spans[0] if len(b.label_spans) == 1 else (0, 0)), b.label)
    else:
        a, z = _clause_text(nt, b)
        indicator = verbatim(nt, a, nt.text[a:z])
        if a < c_start:
            outside = [evidence(nt, a, c_start)]  # the clause before, shown with it
    return Figure(
        indicator=indicator,
        value=_value(nt, b),
        quantity=b.quantity,
        evidence=[clause, *outside],
        binding=Binding(
            label=b.label,
            how=b.how,  # type: ignore[arg-type]
            kind=b.kind,  # type: ignore[arg-type]
            direction=b.direction,  # type: ignore[arg-type]
            clause=clause,
            label_spans=[nt.span_to_original(x, y) for x, y in b.label_spans if x >= 0],
            value_span=nt.span_to_original(b.value_start, b.value_end),
            baseline=b.baseline,
            cumulative=b.cumulative,  # type: ignore[arg-type]
            group=b.group,
            position=b.position,
            ambiguous=b.ambiguous,
            part=b.part,
        ),
    )


def figures_in(nt: NormalizedText, bindings: Bindings, start: int, end: int) -> list[Figure]:
    """Every figure stated in nt.text[start:end], in order."""
    return [to_figure(nt, b) for b in bindings.within(start, end)]


# The main indicators of a year, then the standard ones after them (BINDING.md, 主要指标).
_CORE = re.compile(
    r"生产总值|GDP|^经济增长|经济总量|财政|公共预算收入|地方级收入|税收|固定资产投资|社会消费品零售|"
    r"消费品零售|社零|进出口|外贸|可支配收入|居民收入|消费价格|物价|新增就业|城镇就业|失业率"
)


def _from_opening(nt: NormalizedText, opening: Span, bindings: Bindings, *, cap: bool = True) -> list[Figure]:
    """The first paragraph that states results, and the "——" summary paragraphs after it."""
    figures: list[Figure] = []
    dashed = False
    pos = opening.start
    limit = MAX_HEADLINE_FIGURES if cap else 10_000
    while pos < opening.end and len(figures) < limit:
        nl = nt.text.find("\n", pos, opening.end)
        stop = opening.end if nl < 0 else nl
        paragraph = nt.text[pos:stop]
        found = figures_in(nt, bindings, pos, stop)
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
    r"居民收入|消费价格|新增就业|城镇就业|失业率|粮食|外资|服务业增加值|农业增加值"
)
# Honours and awards: counted in a report's opening, never one of its indicators.
_HONOURS = re.compile(r"^(?:荣获|获得|获评|获|入选|跻身)|荣誉|称号|奖项")
_GDP = re.compile(r"(?:地区|国内)?生产总值|GDP|经济总量")
_AVERAGE = re.compile(r"年均|年平均")
_PER_HEAD = re.compile(r"人均|每|地均|占")
_RESULT_UNITS = ("%", "个百分点", "元", "美元", "吨", "斤", "公斤", "人", "人次", "户", "千瓦时", "立方米")


def _headline(figure: Figure, nt: NormalizedText) -> bool:
    """A figure fit to headline the year: bound to a name of its own; not a part of the
    figure before it (其中…), a side remark on it (占全省比重), a gap to a benchmark, a
    multiple, an increment of a stock (新增49亿斤) or an average over years."""
    binding = figure.binding
    if binding is None or not binding.label or binding.kind in ("gap", "multiple"):
        return False
    if binding.part and (binding.kind == "share" or not _MACRO.search(binding.label)):
        return False  # 其中一、二、三产业… (but 其中城镇和农村居民人均可支配收入 stays)
    if binding.how in ("inherited", "after") and binding.kind in ("share", "points"):
        return False  # 占全省比重24.3%, 提高1.2个百分点: a remark on the figure before
    if binding.how == "after" or _HONOURS.search(binding.label):
        return False  # 1107个边缘户家庭, 荣获…荣誉64项: a count of things, not an indicator
    if binding.cumulative == "new" and "新增" not in binding.label:
        return False
    if len(figure.indicator) < 2:
        return False
    q = figure.quantity
    if q is None or q.start is None:
        return True
    clause_start = max(nt.text.rfind(ch, 0, q.start) for ch in ",，;；。、\n")
    return not _AVERAGE.search(nt.text[clause_start + 1 : q.start])


def _macro_first(figures: list[Figure]) -> list[Figure]:
    """At most MAX_HEADLINE_FIGURES: the main indicators first, then the standard results,
    then the rest, shown in the report's order."""
    if len(figures) <= MAX_HEADLINE_FIGURES:
        return figures
    kept: set[int] = set()
    for tier in (_CORE, _MACRO, None):
        for f in figures:
            if len(kept) >= MAX_HEADLINE_FIGURES:
                break
            if tier is None or tier.search(f.indicator):
                kept.add(id(f))
    return [f for f in figures if id(f) in kept]


def _macro(nt: NormalizedText, span: Span, bindings: Bindings) -> list[Figure]:
    """The standard results, each the first time the review states it; a sentence that
    states two or more of them is taken whole (it is the review's summary of the year)."""
    figures: list[Figure] = []
    seen: set[tuple[str, str]] = set()
    found = [f for f in figures_in(nt, bindings, span.start, span.end) if _headline(f, nt)]

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


def _gdp_level(nt: NormalizedText, span: Span, year: int, bindings: Bindings) -> Figure | None:
    """The past year's output level, where a five-year paragraph states it ("由2010年1492亿元
    增加到2015年2720亿元", "2020年地区生产总值突破400亿元、达到411.75亿元"): of several
    values in the sentence, the last (the precise one)."""
    best: Bound | None = None
    best_sentence = -2
    for b in bindings.within(span.start, span.end):
        q = b.quantity
        if q.unit != "元" or not q.magnitude or not _GDP.search(b.label) or _PER_HEAD.search(b.label):
            continue
        at = q.start or 0
        start = max(nt.text.rfind(ch, 0, at) for ch in "。;；\n") + 1
        years = re.findall(r"((?:19|20)\d{2})年", nt.text[max(start, at - 30) : at])
        if not years or int(years[-1]) != year:
            continue
        if best is not None and start != best_sentence:
            break
        best_sentence = start
        best = b
    return None if best is None else to_figure(nt, best)


def headline_figures(
    nt: NormalizedText, sections: Sections, bindings: Bindings
) -> list[Figure]:
    """The main results of the past year where the review opens: its first paragraph that
    states results, with the "——" summary paragraphs after it (the standard results first when
    they hold more than fit).  When the opening states none: the first "——" area that does,
    if the past year is told in such paragraphs, or else the standard results where the
    review first states them.  The past year's output level comes from a five-year paragraph
    when the past year's review never states it."""
    figures: list[Figure] = []
    if sections.review_opening is not None:
        figures = [f for f in _from_opening(nt, sections.review_opening, bindings, cap=False) if _headline(f, nt)]
    areas = sections.review_areas
    past = sections.review_past_year or sections.review
    if len(figures) < 2 and areas and areas[0].marker == "——" and not sections.review_areas_from_five_years:
        for area in areas:
            figures = [f for f in figures_in(nt, bindings, area.start, area.end) if _headline(f, nt)]
            if len(figures) >= 2:
                break
    if len(figures) < 2 and past is not None:
        figures = _macro(nt, past, bindings)
    figures = _macro_first(figures)
    year = sections.plan_year
    if figures and year is not None and sections.review is not None and len(figures) < MAX_HEADLINE_FIGURES:
        has_level = any(f.quantity and f.quantity.unit == "元" and _GDP.search(f.indicator) for f in figures)
        if not has_level and any(_GDP.search(f.indicator) for f in figures):
            for span in [sections.review, *sections.five_year]:
                level = _gdp_level(nt, span, year - 1, bindings)
                if level is not None:
                    figures.append(level)
                    break
    return figures
