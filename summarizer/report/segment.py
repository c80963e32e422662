"""Find the parts of a report (:class:`~summarizer.report.sections.Sections`) from its outline.

A work report is one speech in a fixed order: a head (title, speaker, 各位代表), a review of
the past year (sometimes beside a review of five years, before or after it), the problems it
admits, this year's overall requirements and main expected targets, the key tasks, the
government's own conduct (自身建设), a closing, and sometimes annexes (民生实事, 名词解释).
Reports differ in how they mark this order, not in the order itself.  So the segmenter reads
the outline first and the words second:

1. **Chapters.** Headings are short lines with no sentence in them, numbered 一、 or
   第一部分, or not numbered at all.  Numbered chapter headings are the chapters when they
   form one sequence; when 一、 restarts, it numbers lists inside chapters and the unnumbered
   headings are the chapters.  Each chapter takes a role from its title's vocabulary and the
   report's own year Y (from its head): a review of Y-1, a five-year review or plan (the
   five-year plan that holds Y is ahead of the report, the one before it behind), this
   year's plan, self-building, annex.  A chapter with no telling words takes its role from
   its place: the first is the review, and one after the plan is more of the plan.
2. **The one-year review.** Inside the review, paragraphs that open on five years (五年来,
   十三五以来 …) and on the past year (2021年, 过去一年 …) are told apart; the review is the
   one-year stretch.
3. **Targets.** Every paragraph is a candidate, scored: the target words (主要预期目标 …
   约束性指标), the count of quantities after them, its place (the plan, not the review or a
   five-year part) and its tense (not last year's targets quoted in the review, not the
   goals of 2025 or 2030).  The best one wins when it scores enough; following paragraphs that
   go on with the list (约束性指标是…, 高质量发展主要目标是…) join it.  The candidates and the
   reason for the choice are kept, for warnings and for a model's second reading.
4. **Areas.** In the one-year review and in the key tasks (the plan after the targets), every
   numbered list is a run (:mod:`summarizer.report.outline`); the areas are the run that covers
   most of the part — the outermost list — with ties going to the higher numbering level.  Lists
   of livelihood projects (民生实事) and lists of targets are passed over; chapters can be the
   areas when the tasks are written as chapters of their own.

No rule names a region, a year or a sentence of a particular report.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from summarizer.report.outline import (
    CN,
    Line,
    Run,
    cn_int,
    is_heading_line,
    lines_of,
    marker_of,
    runs,
    title_of,
)
from summarizer.report.sections import Block, Candidate, Sections, Span

__all__ = ["segment"]

# -- vocabulary --------------------------------------------------------------------------------

_YEAR = re.compile(r"((?:19|20)\d{2})(?:年|(?=\s*——))")
_HEAD_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_FIVE_PLAN = re.compile(r"十([一二三四五])五")
_REVIEW_WORDS = re.compile(r"回顾|总结|成效|成就|成绩|进展|做了|主要工作(?!安排|任务|部署)|工作情况|过去|以来|来的工作")
_PLAN_WORDS = re.compile(
    r"安排|部署|任务|计划|重点|目标|要求|取向|建议|打算|举措|思路|主要工作|工作(?:$|和|与)|开局|开好局"
)
_FIVE_PAST = re.compile(r"过去五年|五年来|本届政府|五年的?(?:工作)?回顾|近五年")
_FIVE_AHEAD = re.compile(r"今后五年|未来五年|(?:19|20)\d{2}年远景|远景目标|二〇三五|2035年")
_ONE_YEAR = re.compile(r"过去一年|一年来|这一年|去年")
_SELF = re.compile(r"自身建设|(?:法治|服务型|人民满意的?|廉洁|有为)政府|政府建设|作风建设")
_ANNEX = re.compile(r"^(?:附件|附录|附表|名词解释|注释|相关链接|相关报道|(?:词语|名词)注释)")
_CLOSING_LINE = re.compile(r"^各位代表[!！,，]")
_LIVELIHOOD = re.compile(r"实事|民生项目|惠民工程|为民办|民生工程")

_PROBLEMS = re.compile(
    r"清醒(?:地)?(?:看到|认识到)|存在(?:的)?(?:一些|不少)?(?:突出)?(?:问题|不足|困难)"
    r"|(?:困难|问题)和(?:挑战|问题)|面临(?:一些|不少)(?:困难|问题|挑战)"
)

# Targets: the words that announce them, strongest first, and a target-like quantity.
_TARGET_WORDS: list[tuple[re.Pattern[str], float]] = [
    (re.compile(r"主要预期目标|预期(?:性)?目标(?:是|为|如下|:)"), 6.0),
    (re.compile(r"预期目标"), 4.5),
    (re.compile(r"主要(?:发展)?目标(?:是|为|如下|:)|发展(?:的)?主要目标|主要指标(?:是|为|:)"), 4.5),
    (re.compile(r"(?:主要)?约束性指标|预期性指标|主要(?:经济|发展)?指标"), 3.5),
    (re.compile(r"(?:发展|工作|奋斗)目标(?:是|为|如下|:)|(?:主要|总体)目标"), 3.0),
]
_ANY_TARGET_WORD = re.compile(r"目标|指标")
_GOAL_VERB = re.compile(r"增长|增速|下降|降低|提高|提升|达到|突破|控制在|保持在|实现|完成|稳定在|不低于|不超过|超过")
_PAST_CONTEXT = re.compile(
    r"(?:完成|实现|达到|未能完成|未完成|没有完成|超额完成|低于|高于|差距|比较|对比)(?:了)?[^。]{0,12}(?:预期)?目标"
    r"|预期目标[^。]{0,12}(?:差距|未能|没有|完成了)"
)
_FIVE_NEAR = re.compile(r"十[一二三四五]五|到(?:19|20)\d{2}年|年均|今后五年|未来五年|五年|二〇三五")
_LIST_ITEM = re.compile(rf"^(?:\d{{1,2}}[.、]|\(\d{{1,2}}\)|[①-⑳]|——|-|•|[{CN}]{{1,3}}是)\s*\S")
_CONTINUES_TARGETS = re.compile(
    r"^(?:[^。]{0,20}?)(?:主要)?(?:约束性指标|预期性指标|约束性目标|高质量发展(?:主要)?(?:目标|指标)|主要(?:预期)?指标)"
)
_CLAUSE = re.compile(r"[^,，;；。]+")


_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*\d{1,2}\s*日")


def _plan_year(lines: list[Line], head_end: int) -> int | None:
    """The year the report is for.  In order: a year in the title that is not a date
    (2015年政府工作报告); the year of the review heading plus one, or of this year's plan
    heading; the date it was delivered (one in December is for the next year)."""
    head = [ln for ln in lines[:10] if ln.start <= head_end and len(ln.text) <= 80 and "各位代表" not in ln.text]
    for line in head:
        text = _DATE.sub("", line.text)
        match = _HEAD_YEAR.search(text)
        if match and "报告" in text:
            return int(match.group(1))
    for line in lines:
        text = line.text
        if line.start <= head_end or not is_heading_line(text, 40):
            continue
        match = _YEAR.search(text)
        if match is None or _FIVE_PAST.search(text) or _FIVE_PLAN.search(text[: match.start()]):
            continue
        if _REVIEW_WORDS.search(text) and not _PLAN_WORDS.search(text):
            return int(match.group(1)) + 1
        if _PLAN_WORDS.search(text) and not _REVIEW_WORDS.search(text):
            return int(match.group(1))
    for line in head:
        date = _DATE.search(line.text)
        if date:
            return int(date.group(1)) + (1 if int(date.group(2)) == 12 else 0)
    for line in head:
        match = _HEAD_YEAR.search(line.text)
        if match:
            return int(match.group(1))
    return None


def _plan_of(year: int) -> int:
    """The five-year plan a year falls in: 2016-2020 -> 13 (十三五), 2021-2025 -> 14."""
    return (year - 2006) // 5 + 11


_PLAN_NUMBERS = {"一": 11, "二": 12, "三": 13, "四": 14, "五": 15}


# -- chapters ----------------------------------------------------------------------------------


@dataclass
class Chapter:
    line: int  # index of its heading line
    start: int
    end: int
    title: str
    role: str  # review, review5, plan, long, self, annex, other
    numbered: bool
    marker: str = ""


def _role(title: str, year: int | None) -> str:
    """What a heading announces, from its words and the report's year."""
    if _ANNEX.match(title):
        return "annex"
    if _SELF.search(title) and not _PLAN_WORDS.search(title.replace("建设", "")):
        return "self"
    years = [int(y) for y in _YEAR.findall(title)]
    five = _FIVE_PLAN.search(title)
    five_ahead = bool(_FIVE_AHEAD.search(title))
    five_past = bool(_FIVE_PAST.search(title))
    if five and year is not None:
        number = _PLAN_NUMBERS[five.group(1)]
        if number >= _plan_of(year):
            five_ahead = True
        else:
            five_past = True
    elif five:
        if _REVIEW_WORDS.search(title):
            five_past = True
        else:
            five_ahead = True
    review_year = year - 1 if year is not None else None
    one_year_past = bool(_ONE_YEAR.search(title)) or (review_year is not None and review_year in years)
    this_year = (year is not None and year in years) or "今年" in title or "新的一年" in title
    if re.search(r"一年$|一年[^来]", title) and years and year is not None:
        # "2015——奋发有为、迎难而上的一年": the year it names says which
        if review_year in years:
            one_year_past = True
        elif year in years:
            this_year = True
    if five_past and one_year_past:
        return "review"  # 过去五年和2021年工作回顾: the one-year part is found inside
    if one_year_past and _REVIEW_WORDS.search(title) or one_year_past and not this_year:
        return "review"
    if five_past:
        return "review5"
    if five_ahead and not this_year:
        return "long"
    if this_year:
        return "plan"
    if _REVIEW_WORDS.search(title) and not _PLAN_WORDS.search(title):
        return "review"
    if _PLAN_WORDS.search(title):
        return "plan"
    return "other"


def _numbered_heading(line: Line) -> tuple[str, str] | None:
    """(number as written, title) of a chapter heading numbered 一、 or 第一部分."""
    marker = marker_of(line.text)
    if marker is None or marker.family not in ("chapter", "part"):
        return None
    body = line.text[marker.end :].strip()
    if not body or not is_heading_line(body, 50):
        return None
    return marker.written, body


def _plain_heading(line: Line, year: int | None) -> str | None:
    """The role of an unnumbered heading line, when its words give it one."""
    text = line.text.strip()
    if marker_of(text) is not None or not is_heading_line(text, 36) or re.search(r"[,，、]", text[-1:]):
        return None
    if re.search(r"[,，]", text) and not re.search(r"——|—", text):
        return None
    role = _role(text, year)
    if role == "other":
        return None
    if role == "plan" and not (_YEAR.search(text) or re.search(r"今年|新的一年|总体要求|目标任务", text)):
        return None  # 加快推进重点工作: a task heading, not a chapter
    if role == "review" and not (_YEAR.search(text) or re.search(r"回顾|过去|一年来", text)):
        return None
    if role == "self" and len(text) > 24:
        return None
    return role


_DATE_LINE = re.compile(r"^[—-]*\s*(?:19|20)\d{2}年\d{1,2}月\d{1,2}日")


def _chapters(lines: list[Line], year: int | None, end: int, head_end: int) -> list[Chapter]:
    def eligible(i: int, line: Line) -> bool:
        return i > 0 and line.start > head_end and not _DATE_LINE.match(line.text)

    numbered = [(i, h) for i, line in enumerate(lines) if eligible(i, line) and (h := _numbered_heading(line))]
    sequence: list[tuple[int, tuple[str, str]]] = []
    restarts = 0
    last = 0
    for i, (written, title) in numbered:
        number = cn_int(re.sub(r"[^一二三四五六七八九十]", "", written.replace("第", "").replace("部分", "")))
        if number is None:
            continue
        if number == last + 1:
            sequence.append((i, (written, title)))
            last = number
        elif number == 1 and sequence:
            restarts += 1
        elif sequence and number in (last, last + 2) and _role(title, year) != "other":
            sequence.append((i, (written, title)))  # a heading misnumbered in the report
            last = number
    heads: list[tuple[int, str, str, bool, str]] = []  # (line, title, role, numbered, marker)
    if sequence and restarts == 0 and (len(sequence) >= 2 or _role(sequence[0][1][1], year) != "other"):
        heads = [(i, t, _role(t, year), True, w) for i, (w, t) in sequence]
    plain = [(i, r) for i, line in enumerate(lines) if eligible(i, line) and (r := _plain_heading(line, year))]
    numbered_lines = {h[0] for h in heads}
    for i, role in plain:
        if i in numbered_lines:
            continue
        # A plain heading splits a chapter only when its role differs from the chapter's.
        owner = max((h for h in heads if h[0] < i), key=lambda h: h[0], default=None)
        if owner is None or owner[2] != role:
            heads.append((i, lines[i].text.strip(), role, False, ""))
    heads.sort()
    chapters = []
    for k, (i, title, role, is_numbered, marker) in enumerate(heads):
        stop = lines[heads[k + 1][0]].start - 1 if k + 1 < len(heads) else end
        chapters.append(Chapter(i, lines[i].start, max(stop, lines[i].end), title, role, is_numbered, marker))
    return chapters


def _settle_roles(chapters: list[Chapter]) -> None:
    """Give chapters with no telling words a role from their place."""
    seen_plan = False
    for k, chapter in enumerate(chapters):
        if chapter.role in ("plan", "long"):
            seen_plan = seen_plan or chapter.role == "plan"
            continue
        if chapter.role != "other":
            continue
        if seen_plan:
            chapter.role = "plan"
        elif k == 0:
            chapter.role = "review"
        else:
            chapter.role = chapters[k - 1].role if chapters[k - 1].role in ("review", "review5") else "other"


# -- the one-year review -----------------------------------------------------------------------

_OPENS_FIVE = re.compile(
    r"^(?:[^。]{0,20}?)(?:过去(?:的)?五年|五年来|这五年|以来的五年|近五年|本届政府"
    r"|十[一二三四五]五[”\"]?(?:时期|期间|以来|规划实施))"
)


def _opens_one_year(text: str, review_year: int | None) -> bool:
    head = text[:24]
    if _ONE_YEAR.search(head[:8]) or re.match(r"^(?:各位代表[!！,，]?)?(?:刚刚)?(?:过去的?一年|一年来|这一年|去年)", text):
        return True
    return review_year is not None and bool(
        re.match(rf"^(?:各位代表[!！,，]?)?(?:[^。,，]{{0,6}}){review_year}年", text)
    )


def _one_year_review(lines: list[Line], span: Span, review_year: int | None) -> Span:
    """The past year's stretch of a review chapter that may also review five years."""
    body = [ln for ln in lines if span.start < ln.start < span.end]
    if not body:
        return span
    five = [i for i, ln in enumerate(body) if _OPENS_FIVE.match(ln.text)]
    one = [i for i, ln in enumerate(body) if _opens_one_year(ln.text, review_year)]
    if not five:
        return span
    first_one = next((i for i in one), None)
    if first_one is None:
        return span  # only five years: the whole chapter stands for the review
    if first_one < five[0]:
        # the past year first, then a five-year paragraph closes the chapter
        stop = body[five[0]].start - 1
        return Span(span.start, stop) if stop > body[first_one].start else span
    later_five = next((i for i in five if i > first_one), None)
    start = body[first_one].start
    stop = body[later_five].start - 1 if later_five is not None else span.end
    return Span(start, stop)


# -- targets -----------------------------------------------------------------------------------


@dataclass
class _Place:
    review: list[Span] = field(default_factory=list)
    five: list[Span] = field(default_factory=list)
    plan: list[Span] = field(default_factory=list)
    head_end: int = 0

    @staticmethod
    def within(pos: int, spans: list[Span]) -> bool:
        return any(s.start <= pos < s.end for s in spans)


# How much of what follows a target word is read to weigh it, and the counts past which
# more do not raise its score: bounds that keep a report written on one line linear.
_BODY_WINDOW = 4000
_MOST_QUANTITIES = 12
_MOST_QUALITATIVE = 3
_YEAR_WORD = re.compile(r"(?:19|20)\d{2}年")
_DIGIT = re.compile(r"\d")
_QUALIFIER_WORD = re.compile(r"左右|以上|以内|以下")
_QUALITATIVE = re.compile(r"同步|完成(?:省|市|国家|上级)?(?:下达|确定)|基本平衡|保持稳定|持续改善")


def _quantities_after(text: str) -> int:
    """Target-like quantities in a stretch (its first _BODY_WINDOW characters): numbers with a
    goal verb or a qualifier near; counted up to _MOST_QUANTITIES."""
    count = 0
    for clause in _CLAUSE.finditer(text, 0, _BODY_WINDOW):
        piece = _YEAR_WORD.sub("", clause.group())
        if _DIGIT.search(piece) and (_GOAL_VERB.search(piece) or _QUALIFIER_WORD.search(piece)):
            count += 1
            if count >= _MOST_QUANTITIES:
                break
    return count


def _qualitative_clauses(text: str) -> int:
    found = _QUALITATIVE.finditer(text, 0, _BODY_WINDOW)
    return sum(1 for _ in itertools.islice(found, _MOST_QUALITATIVE))


def _target_candidate(
    lines: list[Line], i: int, place: _Place, year: int | None
) -> tuple[float, int, str] | None:
    """(score, where the targets start, reason) for line ``i`` as the targets passage: the
    best of its target words, each weighed with what follows it."""
    if not _ANY_TARGET_WORD.search(lines[i].text):
        return None
    best: tuple[float, int, str] | None = None
    for pattern, weight in _TARGET_WORDS:
        for match in pattern.finditer(lines[i].text):
            scored = _score_words(lines, i, match, weight, place, year)
            if best is None or scored[0] > best[0]:
                best = scored
    return best


def _score_words(
    lines: list[Line], i: int, match: re.Match[str], weight: float, place: _Place, year: int | None
) -> tuple[float, int, str]:
    line = lines[i]
    text = line.text
    before = text[max(0, match.start() - 40) : match.start()]
    sentence_start = max(text.rfind("。", 0, match.start()), text.rfind(";", 0, match.start())) + 1
    lead = text[sentence_start : match.start()]
    after = text[match.end() :]
    colon = re.match(r"^[^。;]{0,16}?(?:是|为|如下)?\s*:\s*", after) or re.match(r"^(?:是|为)(?=[^。;]{2,40}\d)", after)
    heading_only = (not after.strip("。: ") or (colon and not after[colon.end() :].strip())) and len(text) <= 50
    if heading_only and i + 1 < len(lines):
        body = lines[i + 1].text
        count = _quantities_after(body)
        start = lines[i + 1].start
    else:
        body = after[colon.end() :] if colon else after
        count = _quantities_after(body)
        start = line.start + match.end() + (colon.end() if colon else 0)
        if not colon and not re.match(r"^(?:是|为)", after):
            # target words not followed by 是/为/: may name the targets of a sentence about
            # something else ("实现预期目标的支撑…")
            weight -= 1.5
    reasons = [f"「{match.group()}」"]
    score = weight + min(count, _MOST_QUANTITIES) * 0.6 + _qualitative_clauses(body) * 0.3
    if count == 0:
        score -= 4
        reasons.append("后面没有数字")
    else:
        reasons.append(f"{count} 个指标数字")
    if _FIVE_NEAR.search(lead + before[-12:]) or re.search(r"到(?:19|20)\d{2}年", body[:30]):
        score -= 6
        reasons.append("五年规划目标")
    if _PAST_CONTEXT.search(text[max(0, match.start() - 20) : match.end() + 20]):
        score -= 5
        reasons.append("提及上年目标")
    this_year = year is not None and (str(year) in lead or "今年" in lead or "全年" in lead)
    pos = line.start
    if _Place.within(pos, place.review) and not this_year:
        score -= 4
        reasons.append("位于工作回顾")
    if _Place.within(pos, place.five) and not this_year:
        score -= 5
        reasons.append("位于五年部分")
    if _Place.within(pos, place.plan):
        score += 2
        reasons.append("位于今年工作部分")
    if this_year:
        score += 1
        reasons.append("写明今年")
    if pos < place.head_end:
        score -= 6
    return score, start, "，".join(reasons)


def _continuation(lines: list[Line], j: int) -> bool:
    """Whether line ``j`` goes on with a targets list that ends on line ``j - 1``."""
    text = lines[j].text
    if _CONTINUES_TARGETS.match(text) and _quantities_after(text) + _qualitative_clauses(text) >= 1:
        return True
    return bool(_LIST_ITEM.match(text)) and len(text) <= 80 and _quantities_after(text) >= 1 and not _FIVE_NEAR.search(text[:12])


def _targets(lines: list[Line], place: _Place, year: int | None, annex_at: int) -> tuple[Span | None, list[Candidate]]:
    scored: list[tuple[float, int, int, str]] = []
    for i, line in enumerate(lines):
        if line.start >= annex_at:
            break
        found = _target_candidate(lines, i, place, year)
        if found is not None:
            scored.append((found[0], i, found[1], found[2]))
    if not scored or max(s[0] for s in scored) < 5.0:
        scored += _unannounced_targets(lines, place, year)
    scored.sort(key=lambda s: (-s[0], s[1]))
    candidates = []
    for score, i, start, reason in scored[:6]:
        candidates.append(Candidate(Span(start, lines[i].end), round(score, 2), reason))
    if not scored or scored[0][0] < 5.0:
        return None, candidates
    score, i, start, _ = scored[0]
    last = i + 1 if start >= lines[i].end and i + 1 < len(lines) else i
    if start >= lines[i].end:
        start = lines[i + 1].start
        # a heading line followed by a list of short items
        while last + 1 < len(lines) and _LIST_ITEM.match(lines[last + 1].text) and len(lines[last + 1].text) <= 80 and _LIST_ITEM.match(lines[last].text):
            last += 1
    while last + 1 < len(lines) and lines[last + 1].start < annex_at and _continuation(lines, last + 1):
        last += 1
    return Span(start, lines[last].end), candidates


_TARGET_CLAUSE = re.compile(
    r"^[^\d]{2,20}?(?:增长|下降|提高|降低|控制在|保持在|稳定在|达到|突破)[^\d]{0,6}\d+(?:\.\d+)?\s*(?:%|个百分点|万|亿)"
)


def _unannounced_targets(lines: list[Line], place: _Place, year: int | None) -> list[tuple[float, int, int, str]]:
    """Targets stated with no target words: a paragraph near the start of this year's part
    made mostly of "indicator + growth + number" clauses (地区生产总值增长6%左右，…)."""
    found = []
    for span in place.plan:
        inside = [k for k, ln in enumerate(lines) if span.start < ln.start < span.end][:8]
        for k in inside:
            text = lines[k].text
            lead_in = re.match(r"^[^:。]{0,40}:", text)  # "今年全县发展的总体安排:" before the list
            offset = lead_in.end() if lead_in else 0
            parts = [c.group().strip() for c in _CLAUSE.finditer(text, offset) if c.group().strip()]
            hits = [c for c in parts if _TARGET_CLAUSE.match(c)]
            if len(hits) >= 4 and len(hits) >= 0.6 * len(parts) and not _FIVE_NEAR.search(text[:40]):
                first = next(c for c in parts if _TARGET_CLAUSE.match(c))
                start = lines[k].start + text.find(first, offset)
                score = 2.0 + min(len(hits), 12) * 0.4 + 2
                found.append((score, k, start, f"没有目标字样，{len(hits)} 个指标数字，位于今年工作部分开头"))
    return found


# -- areas -------------------------------------------------------------------------------------

_LEVEL = {"part": 0, "chapter": 0, "paren": 1, "shi": 2, "ordinal": 2, "dot": 3, "listnum": 3,
          "pdigit": 4, "circled": 5, "dash": 3, "lead": 6, "opener": 6}  # fmt: skip


def _run_score(run: Run, span: Span, lines: list[Line], targets: Span | None) -> float:
    """How well a run stands for the areas of ``span``: how much of it the run covers."""
    if len(run) < 2:
        return -1.0
    width = max(1, span.end - span.start)
    lengths = [min(b.end, span.end) - max(b.start, span.start) for b in run.blocks]
    # the last item runs to the end of the part: count it as long as the others, at most
    others = sorted(lengths[:-1])
    lengths[-1] = min(lengths[-1], 2 * others[len(others) // 2] + 200)
    covered = sum(max(n, 0) for n in lengths) / width
    score = covered
    titles = [b.title for b in run.blocks]
    long_titles = sum(1 for t in titles if len(t) > 60)
    score -= 0.3 * long_titles / len(titles)
    if len(run) == 2:
        score -= 0.15
    # a list of livelihood projects or of targets is not a list of areas: the sentence
    # that announces the list says so
    first_line = next((k for k, ln in enumerate(lines) if ln.start >= run.start), None)
    if first_line is not None:
        before = lines[first_line - 1].text if first_line > 0 else ""
        context = re.split(r"[。!！]", before.rstrip("。!！"))[-1]
        if run.blocks[0].start > lines[first_line].start:  # an inline list: its own paragraph
            context += lines[first_line].text[: run.blocks[0].start - lines[first_line].start]
        if _LIVELIHOOD.search(context) or re.search(r"[\d十]+件", context):
            score -= 0.6
    numeric = sum(1 for t in titles if re.search(r"\d\s*(?:%|个百分点)|(?:增长|下降|控制在|达到)\s*\d", t))
    if numeric > len(titles) / 2:
        score -= 0.6
    if targets is not None and targets.start <= run.start < targets.end:
        score -= 1.0
    score -= 0.01 * _LEVEL.get(run.family, 3)
    return score


def _best_run(
    lines: list[Line], span: Span, targets: Span | None, *, chapters: list[Chapter] | None = None
) -> tuple[list[Block], str]:
    inside = [ln for ln in lines if span.start <= ln.start < span.end]
    found = runs(inside, span.end, chapters=True)
    if chapters:
        blocks = [
            Block(title_of(c.title), c.start, c.end, c.start + lines[c.line].text.find(title_of(c.title)),
                  c.start + lines[c.line].text.find(title_of(c.title)) + len(title_of(c.title)), c.marker)
            for c in chapters
        ]  # fmt: skip
        if len(blocks) >= 3:
            found.append(Run("chapter", blocks))
    best: tuple[float, Run] | None = None
    for run in found:
        score = _run_score(run, span, lines, targets)
        if score > 0.1 and (best is None or score > best[0]):
            best = (score, run)
    if best is None:
        return [], ""
    run = best[1]
    last = run.blocks[-1]
    last.end = min(last.end, span.end)
    # the last area stops where the speaker turns to the audience ("各位代表！…")
    closing = next((ln for ln in lines if last.title_end < ln.start < last.end and _CLOSING_LINE.match(ln.text)), None)
    if closing is not None:
        last.end = closing.start - 1
    return run.blocks, f"{run.family}×{len(run)}"


_BULLET = re.compile(r"^(?:[-*•·]\s*)?[◆■●▲★☆◇□○•·]|^[-*•]\s")
# A stray mark before a heading in an OCR'd digest: "3文化地标…", "A 实施…", "会 实施…".
_STRAY = re.compile(r"^(?:[0-9A-Za-z](?![0-9.%])\s?|[\u4e00-\u9fff] )(?=[\u4e00-\u9fff\"“])")
_INLINE_TITLE = re.compile(r"[。!！]\s?([\u4e00-\u9fff]{5,14}) (?=[\u4e00-\u9fff]{2})")
_ANNOUNCE = re.compile(
    r"(?:主要)?(?:做了|做好|抓好|推进|开展)(?:了)?(?:以下|如下)?\s*(?:[\d一二三四五六七八九十]+)\s*(?:个)?方面"
    r"|(?:以下|如下)(?:[\d一二三四五六七八九十]+个?)?方面"
)


def _digest_blocks(lines: list[Line], span: Span) -> list[Block]:
    """Areas of a digest without numbers: short heading lines that open a group of bullets,
    or a title and its body on one line ("创新活力更加迸发 浙江新型算力中心…")."""
    inside = [ln for ln in lines if span.start <= ln.start < span.end]
    announced = [i for i, ln in enumerate(inside) if _ANNOUNCE.search(ln.text) and len(ln.text) <= 40]
    if announced:
        inside = inside[announced[-1] + 1 :]
    heads: list[tuple[Line, str, int]] = []
    for k, line in enumerate(inside):
        text = line.text
        if _BULLET.match(text) or _ANNOUNCE.search(text):
            continue
        stray = _STRAY.match(text)
        offset = stray.end() if stray else 0
        body = text[offset:]
        nxt = inside[k + 1].text if k + 1 < len(inside) else ""
        if len(body) <= 40 and not re.search(r"[。;；:：]", body) and _BULLET.match(nxt):
            heads.append((line, body, offset))
        elif " " in body[:24] and len(body) > 40 and not re.search(r"[。,，;；:：]", body[: body.index(" ")]):
            heads.append((line, body[: body.index(" ")], offset))
            for inner in _INLINE_TITLE.finditer(text, offset + body.index(" ")):
                heads.append((line, inner.group(1), inner.start(1)))
    if len(heads) < 2:
        return []
    blocks = []
    for k, (line, title, offset) in enumerate(heads):
        start = line.start + offset
        stop = heads[k + 1][0].start + heads[k + 1][2] - 1 if k + 1 < len(heads) else span.end
        title = title.strip()
        blocks.append(Block(title, start, stop, start, start + len(title), ""))
    return blocks


# -- the whole report --------------------------------------------------------------------------


_ANNEX_LIST = re.compile(r"(?:民生|为民|惠民)?实事(?:项目)?(?:清单)?$|实事项目|名词解释|附件|附表")


def _annex_start(lines: list[Line], text: str) -> int:
    """Where the annexes begin: an annex heading, or, after the closing, the heading of a
    list of projects (2026年为民实事)."""
    closing = None
    for i, line in enumerate(lines):
        if i > 0 and _ANNEX.match(line.text) and len(line.text) <= 30:
            return line.start
        if line.start > len(text) * 0.6 and re.match(r"^各位代表", line.text) and re.search(r"[!！]$", line.text.rstrip()):
            closing = i
        elif closing is not None and i > closing and is_heading_line(line.text, 30) and _ANNEX_LIST.search(line.text):
            return line.start
    return len(text)


def _head_end(lines: list[Line]) -> int:
    """Where the head (title, date, speaker, 各位代表, 现在我代表…) ends."""
    for line in lines[:12]:
        if re.search(r"(?:代表|向大会)[^。]{0,20}(?:报告|作)[^。]{0,10}工作|请予审议", line.text):
            return line.end
    for line in lines[:8]:
        if line.text.startswith("各位代表"):
            return line.end
    return lines[0].end if lines else 0


def segment(text: str) -> Sections:
    sections = Sections(text=text)
    lines = lines_of(text)
    if not lines:
        return sections
    sections.title = Span(lines[0].start, lines[0].end)
    head_end = _head_end(lines)
    year = _plan_year(lines, head_end)
    sections.plan_year = year
    review_year = year - 1 if year is not None else None
    annex_at = _annex_start(lines, text)
    if annex_at < len(text):
        sections.annexes.append(Span(annex_at, len(text)))
    body_lines = [ln for ln in lines if ln.start < annex_at]
    chapters = _chapters(body_lines, year, annex_at, head_end)
    _settle_roles(chapters)
    notes = sections.notes
    if chapters:
        notes.append("章节：" + "；".join(f"{c.title[:16]}（{c.role}）" for c in chapters))

    place = _Place(head_end=head_end)
    for c in chapters:
        span = Span(c.start, c.end)
        if c.role in ("review", "review5"):
            place.review.append(span)
        if c.role in ("review5", "long"):
            place.five.append(span)
        if c.role == "plan":
            place.plan.append(span)

    # The targets decide where this year's plan is when the headings do not.
    targets, candidates = _targets(body_lines, place, year, annex_at)
    sections.targets = targets
    sections.target_candidates = candidates
    if targets is not None:
        notes.append(f"主要预期目标：选用得分最高的段落（{candidates[0].reason}）")
        for c in chapters:
            if c.start <= targets.start < c.end + 1 and c.role != "plan":
                c.role = "plan"
        seen = False
        for c in chapters:  # chapters after the targets are the plan, unless they say otherwise
            if c.start <= targets.start < c.end + 1:
                seen = True
            elif seen and c.role in ("other", "review", "review5"):
                c.role = "plan"

    review_chapters = [c for c in chapters if c.role == "review"]
    if not review_chapters:
        review_chapters = [c for c in chapters if c.role == "review5"]
    plan_chapters = [c for c in chapters if c.role == "plan"]
    self_chapter = next((c for c in chapters if c.role == "self"), None)
    sections.five_year = [Span(c.start, c.end) for c in chapters if c.role in ("review5", "long")]

    # -- the review
    one_year: Span | None
    if review_chapters:
        first, last = review_chapters[0], review_chapters[-1]
        sections.review = Span(first.start, last.end)
        one_year = _one_year_review(lines, Span(first.start, last.end), review_year)
    else:
        stop = targets.start if targets else (plan_chapters[0].start if plan_chapters else None)
        if stop is not None and stop > head_end + 200:
            sections.review = Span(head_end + 1, _line_start_before(lines, stop))
        one_year = sections.review
    if sections.review is not None and one_year is not None:
        _fill_review(sections, lines, one_year, targets)

    # -- the plan and its key tasks
    if plan_chapters:
        sections.plan = Span(plan_chapters[0].start, plan_chapters[-1].end)
    elif targets is not None:
        stop = self_chapter.start - 1 if self_chapter and self_chapter.start > targets.start else annex_at
        sections.plan = Span(_line_start_of(lines, targets.start), stop)
    if sections.plan is not None:
        _fill_tasks(sections, lines, chapters, targets, self_chapter)
    if self_chapter is not None:
        sections.self_building = Span(self_chapter.start, self_chapter.end)
    if not sections.review_areas and sections.review is not None and one_year is not None:
        sections.review_areas = _digest_blocks(lines, one_year)
    return sections


def _line_start_of(lines: list[Line], pos: int) -> int:
    return max((ln.start for ln in lines if ln.start <= pos), default=0)


def _line_start_before(lines: list[Line], pos: int) -> int:
    """The end of the line before the one holding ``pos``."""
    start = _line_start_of(lines, pos)
    return max(start - 1, 0)


def _fill_review(sections: Sections, lines: list[Line], span: Span, targets: Span | None) -> None:
    sections.review_past_year = span
    body = [ln for ln in lines if span.start <= ln.start < span.end]
    if body and sections.review is not None and body[0].start == sections.review.start and is_heading_line(body[0].text, 50):
        body = body[1:]  # the chapter heading
    problem_at = None
    for k, line in enumerate(body):
        # the problems close the review; an opening that speaks of 困难和挑战 is not them
        if k >= 2 and _PROBLEMS.search(line.text[:60]):
            problem_at = line.start
            break
    if problem_at is None and sections.review is not None:
        # the problems may close the review chapter after a five-year paragraph
        for line in lines:
            if span.end <= line.start < sections.review.end and _PROBLEMS.search(line.text[:60]):
                problem_at = line.start
                break
    area_end = (problem_at - 1) if problem_at is not None and problem_at < span.end else span.end
    if body:
        area_span = Span(body[0].start, max(area_end, body[0].end))
        blocks, how = _best_run(lines, area_span, targets)
        whole = sections.review
        if not blocks and whole is not None and (whole.start, whole.end) != (span.start, span.end):
            # the past year is told without a list: the five-year review's list stands in
            blocks, how = _best_run(lines, Span(whole.start, area_end if area_end < whole.end else whole.end), targets)
            if blocks:
                how += "，取自五年回顾（上一年的回顾没有分领域编号）"
                sections.review_areas_from_five_years = True
        sections.review_areas = blocks
        if how:
            sections.notes.append(f"工作回顾：编号领域 {how}")
    if problem_at is not None:
        stop = sections.review.end if sections.review is not None else span.end
        for line in lines:
            if line.start > problem_at and line.start < stop and re.match(r"^(各位代表|今年|2\d{3}年是|新的一年)", line.text):
                stop = line.start - 1
                break
        sections.problems = Span(problem_at, stop)
    first_area = sections.review_areas[0].start if sections.review_areas else area_end
    opening = [ln for ln in body if ln.start < first_area]
    if opening:
        sections.review_opening = Span(opening[0].start, opening[-1].end)


def _fill_tasks(
    sections: Sections, lines: list[Line], chapters: list[Chapter], targets: Span | None,
    self_chapter: Chapter | None,
) -> None:  # fmt: skip
    plan = sections.plan
    assert plan is not None
    start = targets.end + 1 if targets is not None and plan.start <= targets.start <= plan.end else plan.start
    stop = plan.end
    if self_chapter is not None and start < self_chapter.start < stop:
        stop = self_chapter.start - 1
    if stop <= start:
        return
    span = Span(start, stop)
    # Chapters after the targets that carry the tasks themselves (三、…九、)
    task_chapters = [
        c for c in chapters
        if c.numbered and start <= c.start < stop and c.role == "plan"
    ]  # fmt: skip
    blocks, how = _best_run(lines, span, targets, chapters=task_chapters)
    if not blocks:
        blocks = _digest_blocks(lines, span)
        how = "digest" if blocks else ""
    if not blocks and targets is not None and plan.start < targets.start:
        # tasks written before the targets
        blocks, how = _best_run(lines, Span(plan.start, targets.start), None)
    if blocks:
        sections.task_areas = blocks
        sections.tasks = Span(blocks[0].start, blocks[-1].end)
        sections.notes.append(f"重点任务：编号领域 {how}")
