"""What a year's review reports for an indicator: the sentence, the number, its reading.

Used by :mod:`summarizer.analysis.track` to find the result of a target.  The search reads the
review part of a prepared report (the whole text before the plan when no review was
found), sentence by sentence, with spaces taken out so that a name broken by a stray space
(农村居 民) still matches.  In each sentence naming the indicator it takes the first number
after the name that belongs to it:

- no other indicator named in between, and at most 40 characters away;
- in the same clause, or in the next clause when that clause opens with a change verb
  (地区生产总值3355.67亿元、总量全省第一,增长6.0%);
- not about another period (一季度, 今年以来, 1-4月, 年均, 十四五) nor a goal (目标, 力争);
- read as a change when a change verb stands right before it (增长, 比上年下降), as a
  level otherwise (达3.9%, 4.6%).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from summarizer.analysis.goals import Goal, change_sign, change_word, quantities
from summarizer.analysis.indicators import Mention, find_mentions, indicator_key
from summarizer.report.evidence import evidence
from summarizer.report.normalize import canon
from summarizer.report.prepared import PreparedReport
from summarizer.schema import Evidence, Figure, Quantity, ReportSummary, Target

__all__ = [
    "Hit",
    "search_review",
    "search_figures",
    "summary_figures",
    "locate_target",
    "evidence_at",
]

_OTHER_PERIOD = re.compile(
    r"一季度|二季度|三季度|四季度|第[一二三四]季度|上半年|下半年|前三季度|今年以来|今年前"
    r"|\d{1,2}[-—~至到]\d{1,2}月|\d{1,2}月份|年均|五年来|过去五年|十四五|十三五"
)
_PARAGRAPH_NOW = re.compile(r"^(?:今年以来|今年一季度|一季度|今年前|今年1)")
_GOAL_WORDS = re.compile(r"目标|预期|力争|计划")
_CLAUSE_BREAK = "，,；;。！？!?\n"
_SENTENCE_BREAK = re.compile(r"[。；;！？!?\n]")
_CLAUSE_OPENS_CHANGE = re.compile(
    r"^(?:全年|同比|比上年|较上年|比去年|实际|名义|分别)*"
    r"(?:增长|增加|增|提高|提升|上涨|上升|增速|增幅|下降|降低|减少|回落|下滑|降)"
    r"(?:了|为|达|达到)?$"
)
_DONE = re.compile(r"(?:全面|超额|圆满|顺利|如期|基本)?(?:完成|实现|达到|达成)")
_NOT_DONE = re.compile(r"(?:未|没有|尚未|未能|没能)(?:全面|如期)?(?:完成|实现|达到|达成)")
_DONE_OBJECT = re.compile(r"目标|任务|要求|预期")
_MAX_GAP = 40


@dataclass
class Hit:
    """A place in the N+1 text where the indicator is named, and what number follows."""

    evidence: Evidence | None
    phrase: str | None = None  # the result as written
    value: float | None = None  # on the goal's axis
    shown: str | None = None  # the number as written, signed like value
    comparable: bool = False
    done: bool | None = None  # qualitative: the text says achieved (True) or not (False)


def locate_target(target: Target, report: PreparedReport | None) -> Evidence | None:
    """A target's own evidence, or where its wording occurs in its report's text."""
    if target.evidence:
        return target.evidence[0]
    if report is None:
        return None
    whole = _Sentence.of(report.source.text, 0, len(report.source.text))
    for needle in (canon(target.indicator) + canon(target.target), canon(target.target)):
        pos = whole.text.find(needle) if needle else -1
        if pos >= 0:
            return evidence_at(report, *whole.span(pos, pos + len(needle)))
    return None


def evidence_at(report: PreparedReport, start: int, end: int) -> Evidence:
    """Evidence for a span of the normalised text, with original offsets and quote."""
    return evidence(report.source, start, end)


# ---------------------------------------------------------------- searching the review


def _review_bounds(report: PreparedReport) -> tuple[int, int]:
    sections = report.sections
    if sections.review is not None:
        return sections.review.start, sections.review.end
    later = [s.start for s in (sections.plan, sections.targets, sections.tasks) if s is not None]
    return 0, min(later) if later else len(report.source.text)


def _sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence in [start, end), skipping paragraphs about this year."""
    pos = start
    for line in text[start:end].split("\n"):
        line_start, pos = pos, pos + len(line) + 1
        if not line.strip() or _PARAGRAPH_NOW.match(line.lstrip()):
            continue
        s = line_start
        for m in _SENTENCE_BREAK.finditer(line):
            e = line_start + m.end()
            yield s, e
            s = e
        if s < line_start + len(line):
            yield s, line_start + len(line)


@dataclass
class _Sentence:
    """A sentence with its spaces taken out (农村居 民 -> 农村居民), mapped back to the text."""

    text: str
    positions: list[int]  # offset in the normalised text of each character

    @classmethod
    def of(cls, text: str, start: int, end: int) -> _Sentence:
        keep = [i for i in range(start, end) if text[i] not in " \t"]
        return cls("".join(text[i] for i in keep), keep)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The normalised-text span of the characters [start, end) of this sentence."""
        end = max(end, start + 1)
        return self.positions[start], self.positions[min(end, len(self.positions)) - 1] + 1

    def clause_start(self, pos: int) -> int:
        while pos > 0 and self.text[pos - 1] not in _CLAUSE_BREAK:
            pos -= 1
        return pos

    def clause_end(self, pos: int) -> int:
        while pos < len(self.text) and self.text[pos] not in _CLAUSE_BREAK:
            pos += 1
        return pos


def search_review(
    report: PreparedReport,
    key: str,
    names: list[tuple[str, str]],
    goal: Goal,
    also: frozenset[str] = frozenset(),
) -> list[Hit]:
    text = report.source.text
    lo, hi = _review_bounds(report)
    hits: list[Hit] = []
    for s, e in _sentences(text, lo, hi):
        sentence = _Sentence.of(text, s, e)
        if not sentence.text:
            continue
        mentions = find_mentions(sentence.text, names)
        own = [m for m in mentions if m.key == key or m.key in also]
        if not own:
            continue
        numbers = [q for q in quantities(sentence.text) if q.start is not None]
        for mention in own:
            hit = _read_after(report, sentence, mention.start, mention.end, mentions, numbers, goal)
            if goal.mode == "qualitative":
                hit.done = _says_done(sentence.text, goal)
                if hit.done is not None:
                    hit.evidence = evidence_at(report, *sentence.span(0, len(sentence.text)))
            hits.append(hit)
    # Comparable results first, then those with any number, each in text order.
    return sorted(hits, key=lambda h: (not h.comparable, h.phrase is None))


def _read_after(
    report: PreparedReport,
    sentence: _Sentence,
    m_start: int,
    m_end: int,
    mentions: list[Mention],
    numbers: list[Quantity],
    goal: Goal,
) -> Hit:
    """The first number after a mention that belongs to it, judged for comparability."""
    text = sentence.text
    c_start = sentence.clause_start(m_start)
    first: Hit | None = None
    others = [m.start for m in mentions if m.start >= m_end]
    for q in numbers:
        q_start, q_end = q.start or 0, q.end or 0
        if q_start < m_end:
            continue
        if any(m_end <= o < q_start for o in others) or q_start - m_end > _MAX_GAP:
            break
        gap = text[m_end:q_start]
        cut = max(gap.rfind(ch) for ch in _CLAUSE_BREAK)
        if cut >= 0:
            if not _CLAUSE_OPENS_CHANGE.match(gap[cut + 1 :]):
                break  # the number is in a later clause about something else
            first_cut = m_end + min(i for i, ch in enumerate(gap) if ch in _CLAUSE_BREAK)
            if any(first_cut < (n.start or 0) < q_start for n in numbers):
                break  # a clause in between has numbers of its own: another subject
        q_clause = text[sentence.clause_start(q_start) : sentence.clause_end(q_end)]
        if _OTHER_PERIOD.search(q_clause) or _GOAL_WORDS.search(q_clause):
            continue
        if q.kind == "quantity" and not q.unit and text[q_end : q_end + 1] == "年":
            continue  # a year
        change = change_word(gap)
        sign = change[0] if change else None
        phrase_start = q_start - change[1] if change else q_start
        if sign is None and q.qualifier and text[:q_start].endswith(q.qualifier):
            phrase_start = q_start - len(q.qualifier)  # 超1000亿元, 约3.6%
        phrase = text[phrase_start:q_end]
        if q.qualifier and text.startswith(q.qualifier, q_end):
            phrase += q.qualifier
        if sign is not None and text[q_start - 1 : q_start] == "-":
            sign = -sign  # 增长-1.2%
        clause = sentence.span(c_start, sentence.clause_end(q_end))
        hit = Hit(evidence=evidence_at(report, *clause), phrase=phrase)
        axis = "level" if sign is None else "change"
        if _fits(goal, axis, q):
            _set_value(hit, goal, q, sign)
            return hit
        if goal.mode == "qualitative" and sign is not None:
            return hit  # 与经济增长同步: the growth rate is the figure worth showing
        if first is None:
            first = hit
    if first is not None:
        return first
    return Hit(evidence=evidence_at(report, *sentence.span(c_start, sentence.clause_end(m_end))))


def _set_value(hit: Hit, goal: Goal, q: Quantity, sign: int | None) -> None:
    value = q.value * (sign or 1)
    hit.value = -value if goal.decline else value
    raw = q.raw.lstrip("-－")
    hit.shown = raw if hit.value >= 0 else f"-{raw}"
    hit.comparable = True


def _fits(goal: Goal, axis: str, q: Quantity) -> bool:
    """Whether a number read on an axis measures what the goal asks for."""
    if goal.mode == "positive":
        return axis == "change" and goal.accepts(q.kind, q.unit)
    return axis == goal.axis and goal.accepts(q.kind, q.unit)


def _says_done(sentence: str, goal: Goal) -> bool | None:
    """Whether a sentence says a qualitative target was achieved, not achieved, or neither."""
    if _NOT_DONE.search(sentence):
        return False
    if _DONE.search(sentence) and _DONE_OBJECT.search(sentence):
        return True
    return None


def summary_figures(summary: ReportSummary) -> list[Figure]:
    figures = list(summary.headline_figures)
    for area in summary.review_areas:
        figures.extend(area.figures)
    return figures


def search_figures(summary: ReportSummary, key: str, goal: Goal) -> list[Hit]:
    """Results among the summary's own figures, for a summary given without its text."""
    hits = []
    for figure in summary_figures(summary):
        if indicator_key(figure.indicator, summary.meta.region) != key:
            continue
        value_text = canon(figure.value)
        found = quantities(value_text)  # offsets within the value phrase
        hit = Hit(evidence=figure.evidence[0] if figure.evidence else None, phrase=figure.value)
        q = found[0] if found else figure.quantity
        if q is not None:
            before = value_text[: q.start] if found and q.start is not None else ""
            sign = change_sign(before)
            if sign is None and re.search(r"(?:增速|增幅|涨幅|增长)$", canon(figure.indicator)):
                sign = 1
            axis = "level" if sign is None else "change"
            if _fits(goal, axis, q):
                _set_value(hit, goal, q, sign)
        hits.append(hit)
    return sorted(hits, key=lambda h: not h.comparable)
