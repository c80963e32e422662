"""The clause reader: every figure of a text bound to what it measures.

A number in a government work report is named by the words around it in one of a few ways
(``BINDING.md`` counts them over the corpus); the reader follows those ways, not particular
sentences:

- adjacent: the words since the clause began (or since the last value) name it, less the
  value words right before it (增长, 达到, 突破 …): 规模以上工业增加值增长2.6%;
- inherited: a value with no words of its own (，增长15.7% / 、增长8.1% / 累计达14家) states
  more of the figure before it in the sentence; a generic word (总数, 增速, 占全省) takes that
  figure's subject (上市公司总数);
- respectively: 分别 pairs labels and values by position, with fused words expanded (城乡 ->
  城镇, 农村), a head written once given to each item, labels taken from the clause before
  when it states them, a second series bound like the first; counts that differ are left
  unbound (ambiguous), never guessed;
- each: 均 (and 分别 with one value) gives one value to every label;
- from_to: 由/从 a 提高到 b binds b, a is its baseline and no figure;
- after: a number before its noun (完成231个工业深度治理项目, 82%的新出让工业用地, 投资80亿元的
  X项目), a scope word before it (为全省51个贫困县), a list closed by 等+noun (76条、…等政策).

Not figures: ranks (第5, 前3), bare numbers with no unit (500强), counts in words (两次),
years and durations, a threshold inside a name (500万元以上项目: it stays in the label), the
baseline of a from-to change, a description (近14亿人口的大国).

Each binding keeps the clause, the label's span, the value's span, how the label was read,
the kind of value (level, change, points, share, gap, multiple), its direction, the baseline
and the group of a 分别/均 list.  A figure whose label cannot be read as a name (a bare verb,
a word cut at a particle, a list marker, a 分别 list whose counts differ) is kept unbound:
its clause stands in for a label.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from summarizer.report import labels as L
from summarizer.report import wording as W
from summarizer.schema import Quantity

__all__ = [
    "Bound",
    "Bindings",
    "read_bindings",
    "label_score",
]


@dataclass(slots=True)
class Bound:
    """One figure and what it measures, as the clause reader reads it.

    ``label`` is '' when no name could be read (``clause`` then stands in for one);
    spans are offsets of the text the reader was given.
    """

    quantity: Quantity
    value: str
    value_start: int
    value_end: int
    label: str
    label_spans: tuple[tuple[int, int], ...]
    clause: tuple[int, int]
    sentence: tuple[int, int]
    how: str
    kind: str
    direction: str | None
    baseline: str | None = None
    cumulative: str | None = None
    group: int | None = None
    position: int | None = None
    ambiguous: bool = False
    high: Quantity | None = None  # the second number of a range
    part: bool = False  # a part of the figure before it (其中…)

    @property
    def bound(self) -> bool:
        return bool(self.label)


@dataclass
class _Sentence:
    text: str
    start: int
    end: int
    found: list[Bound] = field(default_factory=list)
    pending: str = ""  # the label a from-to change carries to its end value
    pending_span: tuple[int, int] | None = None
    group_labels: list[tuple[str, tuple[tuple[int, int], ...]]] = field(default_factory=list)

    def last_label(self) -> Bound | None:
        return next((b for b in reversed(self.found) if b.label), None)


class _Reader:
    def __init__(self, text: str, pool: Sequence[Quantity]) -> None:
        self.text = text
        self.pool = pool
        self.starts = [q.start or 0 for q in pool]
        self.out: list[Bound] = []
        self.groups = 0

    # -- walking the text ----------------------------------------------------------------

    def read_sentence(self, i: int) -> tuple[int, int, list[Bound]]:
        """Read the sentence that holds the i-th quantity: the indices of its quantities
        [first, last) and its bindings."""
        text = self.text
        q = self.pool[i]
        s_start = self._sentence_start(q.start or 0, 0)
        m = W.SENTENCE_END.search(text, q.start or 0)
        s_end = m.start() + 1 if m else len(text)
        first = bisect.bisect_left(self.starts, s_start)
        last = bisect.bisect_left(self.starts, s_end)
        before = len(self.out)
        if all((p.end or 0) <= s_end for p in self.pool[first:last]):
            self._sentence(_Sentence(text[s_start:s_end], s_start, s_end), self.pool[first:last])
        return first, last, self.out[before:]

    def _sentence_start(self, pos: int, floor: int) -> int:
        text = self.text
        best = floor
        for ch in "。!?;\n":
            k = text.rfind(ch, floor, pos)
            if k + 1 > best:
                best = k + 1
        return best

    def _sentence(self, s: _Sentence, qs: Sequence[Quantity]) -> None:
        text = self.text
        clause_start = s.start
        k = 0
        for m in W.CLAUSE_MARKS.finditer(text, s.start, s.end):
            self._clause(s, clause_start, m.start(), qs, k)
            clause_start = m.end()
        self._clause(s, clause_start, s.end, qs, k)
        self.out.extend(s.found)

    def _clause(self, s: _Sentence, a: int, b: int, qs: Sequence[Quantity], _k: int) -> None:
        inside = [q for q in qs if a <= (q.start or 0) and (q.end or 0) <= b]
        if not inside:
            return
        before = len(s.found)
        self._read_clause(s, a, b, inside)
        if self.text.startswith("其中", a):
            for found in s.found[before:]:
                found.part = True

    def _read_clause(self, s: _Sentence, a: int, b: int, inside: list[Quantity]) -> None:
        text = self.text
        zone_start = a
        n = 0
        while n < len(inside):
            q = inside[n]
            q_start, q_end = q.start or 0, q.end or 0
            high = None
            nxt = (inside[n + 1].start or 0) if n + 1 < len(inside) else -1
            if 0 <= nxt - q_end <= 4 and W.RANGE.fullmatch(text, q_end, nxt):
                high = inside[n + 1]
                q_end = high.end or q_end
            post = W.POST.match(text, q_end, b) if text[q_end : q_end + 1] in W.POST_FIRST else None
            v_end = post.end() if post else q_end
            zone = text[zone_start:q_start]
            tag = self._not_figure(q, zone, q_end, v_end, b)
            step = 2 if high is not None else 1
            if tag == "baseline":
                since = W.tail(W.SINCE, zone) or W.tail(W.NOW, zone)
                stretch = zone[: since.start()] if since else zone
                label = L.clean_label(re.sub(r"^(?:将|把|对)", "", W.JOIN.sub("", stretch)))
                changed = W.CHANGED_AFTER.match(text, v_end, b)
                to_at = v_end
                if changed is not None and W.tail(W.NOW, zone):
                    noun = W.TO_RE.search(changed.group(0))
                    cut = noun.start() if noun else len(changed.group(0))
                    label += changed.group(0)[1:cut]
                    to_at = v_end + cut
                s.pending = label
                s.pending_span = (zone_start, zone_start + len(stretch))
                zone_start = to_at
                n += step
                continue
            if tag in ("name", "words", "duration"):
                n += step  # a threshold, a name, an age: it stays in the words of the next label
                continue
            if tag:
                zone_start = v_end
                n += step
                continue
            lead = W.lead_of(zone)
            if W.RESPECTIVELY in zone or W.each(zone.rstrip()) or (lead is not None and "均" in lead.group(0) and W.each_in(lead.group(0))):
                used = self._group(s, inside, n, zone_start, a, b)
                if used:
                    last = inside[n + used - 1]
                    post = W.POST.match(text, last.end or 0, b)
                    zone_start = post.end() if post else (last.end or 0)
                    n += used
                    continue
            lead_start = zone_start + (lead.start() if lead else len(zone))
            bound = self._single(s, q, high, zone_start, lead_start, v_end, a, b)
            s.found.append(bound)
            zone_start = v_end
            n += step

    # -- what is not a figure -----------------------------------------------------------

    def _not_figure(self, q: Quantity, zone: str, q_end: int, v_end: int, clause_end: int) -> str:
        """Why a number is no figure ('' when it is one).  Each test is guarded by a cheap
        look at the characters it needs: most numbers are figures, and a report has hundreds."""
        text = self.text
        raw = q.raw
        tail = zone[-4:].rstrip()
        if q.unit == "第" or not raw[:1].isdigit() and raw.startswith("第") or tail.endswith(W.ORDINAL_ENDS):
            return "rank"
        if not raw[:1].isdigit():
            return "words"  # 两次, 三大: counts in words are names more often than results
        unit = q.unit
        if not unit and q.kind == "quantity" and not q.magnitude and not W.tail(W.INDEX, zone):
            return "name"  # 500强, 2.0版 (but 居民消费价格指数103左右)
        if unit in W.NOT_RESULT_UNITS:
            return "name"
        if (
            unit in W.DURATION_UNITS
            and not q.magnitude
            and not W.tail(W.DURATION_VERB, zone)
            and not W.tail(W.DURATION_NAME, zone)
        ):
            return "duration"
        after = text[q_end : q_end + 2]
        if (after in W.THRESHOLD_OPENINGS or after[:1] == "级") and (
            W.THRESHOLD.match(text, q_end) and unit not in W.COUNT_UNITS
        ):
            return "name"  # 500万元以上项目
        if v_end > q_end and text[v_end : v_end + 1].isdigit():
            return "name"  # 其中10亿元以上56个
        recent = zone[-20:]
        if ("由" in recent or "从" in recent) and W.tail(W.SINCE, zone) and self._to_follows(v_end, clause_end):
            return "baseline"
        if zone.endswith(W.NOW_ENDS) and W.CHANGED_AFTER.match(text, v_end, clause_end):
            return "baseline"  # 现行16%的税率降至13%
        next_char = text[v_end : v_end + 1]
        if next_char in W.TASK_FIRST and W.TASK_AFTER.match(text, v_end):
            return "description"  # 完成国家下达的110万人任务: a target referred to, not a result
        if next_char == "口" and text.startswith("口的", v_end):
            return "description"  # 近14亿人口的发展中大国
        if (
            next_char == "的"
            and q.kind != "percent"
            and not W.tail(W.ATTRIBUTIVE_VERB, zone)
            and not W.ATTRIBUTIVE_BEFORE.search(text, max(0, (q.start or 0) - 120), q.start or 0)
        ):
            return "description"  # 国家下达的110万人任务
        return ""

    def _to_follows(self, at: int, clause_end: int) -> bool:
        i = bisect.bisect_left(self.starts, at)
        if i >= len(self.pool):
            return False
        nxt = self.pool[i]
        if (nxt.start or 0) >= clause_end:
            return False
        return bool(W.TO_NEXT.match(self.text[at : nxt.start or 0]))

    # -- one figure ----------------------------------------------------------------------

    def _lead(self, zone_start: int, q_start: int) -> int:
        """Where the value words before a number begin."""
        zone = self.text[zone_start:q_start]
        lead = W.lead_of(zone)
        return zone_start + (lead.start() if lead else len(zone))

    def _value(self, lead_start: int, q_start: int, v_end: int) -> tuple[str, str]:
        """The value phrase as shown (modal words left out) and its lead words."""
        lead = self.text[lead_start:q_start]
        shown = W.SHOWN_MODAL.sub("", lead) if lead else lead
        return shown + self.text[q_start:v_end], lead

    def _single(
        self,
        s: _Sentence,
        q: Quantity,
        high: Quantity | None,
        zone_start: int,
        lead_start: int,
        v_end: int,
        a: int,
        b: int,
    ) -> Bound:
        text = self.text
        q_start = q.start or 0
        value, lead = self._value(lead_start, q_start, v_end)
        stretch_start = zone_start
        if text[zone_start : zone_start + 1] in W.JOIN_CHARS:
            stretch_start = W.JOIN_AT.match(text, zone_start, lead_start).end()  # type: ignore[union-attr]
        stretch = text[stretch_start:lead_start]
        label = L.clean_label(stretch)
        spans: tuple[tuple[int, int], ...] = ()
        if label:
            at = text.rfind(label, stretch_start, lead_start)
            spans = ((at, at + len(label)),) if at >= 0 else ((stretch_start, lead_start),)
        how = "adjacent"
        baseline = None
        cumulative = "new" if lead and W.NEW.search(lead) or label.startswith("新增") else None
        if lead and W.STOCK.search(lead):
            cumulative = "stock"
        after_of = text.startswith("的", v_end)
        if s.pending and not label:
            label, spans, how = s.pending, (s.pending_span,) if s.pending_span else (), "from_to"
            baseline = "start"
            s.pending, s.pending_span = "", None
        elif after_of and not W.LEVEL_NOUN.match(text, v_end + 1):
            noun = L.noun_after(text, v_end + 1, b)
            if noun is not None:
                head = self._etc_head(v_end, b)
                words = text[noun[0] : noun[1]]
                if head and not words.endswith(head):
                    words += head
                verb = W.tail(W.ATTRIBUTIVE_VERB, stretch) or (
                    W.ATTRIBUTIVE_BEFORE.search(text, max(0, q_start - 120), q_start) and "投资"
                )
                verb_word = verb if isinstance(verb, str) else verb.group(0) if verb else ""
                label = words + (verb_word if q.kind != "percent" else "")
                spans = (noun,)
                how = "after"
        elif (noun := self._noun(v_end, b)) is not None:
            # a number before its noun: 完成231个工业深度治理项目, 为全省51个贫困县
            words = text[noun[0] : noun[1]]
            verbs = W.HEDGE.sub("", lead)
            if label.endswith("等"):
                verb = L.leading_verb(label)
                prefix = verb
            elif (scope := L.scope_end(label)) is not None:
                prefix = scope[1]
            else:
                prefix = label + W.SHOWN_MODAL.sub("", verbs)
            if verbs and not label.endswith("等") and L.scope_end(label) is None:
                value = value[len(W.SHOWN_MODAL.sub("", lead)) - len(W.hedge(lead)) :]
                lead = W.hedge(lead)
            label = prefix + words
            spans = (*spans, noun)
            how = "after"
        elif not label:
            last = s.last_label()
            if last is not None:
                label, spans, how = last.label, last.label_spans, "inherited"
        elif label.endswith("等") and len(label) > 3:
            label = label[:-1]  # 减免行政事业性收费及社保缴费等9.86亿元
        elif label.endswith(("以上", "以下")) and W.THRESHOLD_LABEL.fullmatch(label) is not None:
            # 其中10亿元以上56个: the part of the figure before it above a threshold
            last = s.last_label()
            if last is not None:
                label = W.in_place_of_threshold(last.label, label)
                spans = (*last.label_spans, *spans)
                how = "inherited"
        elif L.is_bare_verb(label) and not L.is_bare_verb(L.minimal_label(stretch)):
            label = L.minimal_label(stretch)  # 累计减税94.53亿元
        elif (
            L.is_bare_verb(label)
            and (last := s.last_label()) is not None
            and last.clause == (a, b)
            and L.leading_verb(last.label)
            and (obj := L.subject_of(last.label))
        ):
            # 新建高标准农田2.4万亩、改造提升4.6万亩: the object of the verb before
            verbs = W.HEDGE.sub("", lead)
            label = label + W.SHOWN_MODAL.sub("", verbs) + obj
            value = value[len(W.SHOWN_MODAL.sub("", lead)) - len(W.hedge(lead)) :]
            lead = W.hedge(lead)
            spans = (*spans, *last.label_spans)
            how = "inherited"
        elif L.is_bare_verb(label) or L.is_generic(label) or W.GAP_RE.match(label) or label.startswith("占"):
            # a sibling's verb or a generic word: 项目开工66个、完工30个; 总数达310家; 增速高于全省;
            # 粮食生产超额完成国家下达任务，产量达1094.86万吨
            last = s.last_label()
            subject: str = ""
            subject_spans: tuple[tuple[int, int], ...] = ()
            if last is not None and (not L.is_bare_verb(label) or L.ends_with_tail_verb(last.label)):
                subject, subject_spans = L.subject_of(last.label), last.label_spans
            if last is None or last.clause[1] < a - 1 - len(self._clause_before(s, a)):
                # the clause just before states no figure: it names the subject
                previous = self._clause_before(s, a)
                before = L.clause_object(previous) or L.clause_subject(previous)
                at = text.rfind(before, s.start, a) if before else -1
                if before and at >= 0:
                    subject, subject_spans = before, ((at, at + len(before)),)
            if subject and not label.startswith(subject):
                label = subject + label
                spans = (*subject_spans, *spans)
                how = "inherited"
        elif text.startswith("、", v_end):
            head = self._etc_head(v_end, b)
            if head and not label.endswith(head):
                label += head
        if label and L.is_fragment(label):
            label, spans = "", ()
        if q.qualifier == "力争" and "力争" not in value:
            value = "力争" + value  # the source reads the number as a goal: so does the phrase
        shape = W.value_shape(lead, q, label)
        return Bound(
            quantity=q,
            value=value,
            value_start=lead_start,
            value_end=v_end,
            label=label,
            label_spans=spans,
            clause=(a, b),
            sentence=(s.start, s.end),
            how=how,
            kind=shape.kind,
            direction=shape.direction,
            baseline=baseline,
            cumulative=cumulative,
            high=high,
        )

    def _clause_before(self, s: _Sentence, a: int) -> str:
        """The clause of the sentence just before the one that starts at ``a``."""
        if a <= s.start:
            return ""
        text = self.text
        end = a - 1
        start = max(text.rfind(",", s.start, end), text.rfind(":", s.start, end), s.start - 1) + 1
        return text[start:end]

    def _noun(self, at: int, b: int) -> tuple[int, int] | None:
        """The noun right after a number, if one follows (not a verb, a qualifier or a mark)."""
        if at >= b or self.text[at] in W.NO_NOUN_FIRST:
            return None
        noun = L.noun_after(self.text, at, b)
        if noun is None or W.NOT_NOUN.match(self.text, noun[0]) or W.LEVEL_NOUN.fullmatch(self.text, *noun):
            return None  # 迈上14万亿元新台阶: a word of the value, not what it measures
        return noun

    def _etc_head(self, at: int, b: int) -> str:
        """The noun after 等 that closes the list a number stands in: "…等政策" -> 政策."""
        if not self.text.startswith("、", at):
            return ""
        m = W.ETC_HEAD.search(self.text, at, b)
        return m.group(1) if m else ""

    # -- 分别 and 均 ------------------------------------------------------------------------

    def _group(self, s: _Sentence, inside: list[Quantity], n: int, zone_start: int, a: int, b: int) -> int:
        """Bind a 分别 or 均 list that starts at inside[n]; how many numbers it took (0: none)."""
        text = self.text
        first = inside[n]
        zone = text[zone_start : first.start or 0]
        values: list[Quantity] = [first]
        gaps: list[str] = []
        k = n + 1
        while k < len(inside):
            prev_end = values[-1].end or 0
            post = W.POST.match(text, prev_end, b)
            gap_start = post.end() if post else prev_end
            gap = text[gap_start : inside[k].start or 0]
            if not W.GROUP_GAP.match(gap) and not W.RANGE.fullmatch(gap):
                break
            if self._not_figure(inside[k], gap, inside[k].end or 0, inside[k].end or 0, b) not in ("", "baseline"):
                break
            values.append(inside[k])
            gaps.append(gap)
            k += 1
        # ranges inside the list: 3—5个
        merged: list[tuple[Quantity, Quantity | None, str]] = []
        lead_words = ""
        i = 0
        while i < len(values):
            q = values[i]
            gap = gaps[i] if i < len(gaps) else ""
            if i + 1 < len(values) and W.RANGE.fullmatch(gap):
                merged.append((q, values[i + 1], lead_words))
                i += 2
                lead_words = ""
                continue
            merged.append((q, None, lead_words))
            lead_words = W.JOIN.sub("", gap)
            i += 1
        # from-to inside the list: 分别从202元、270元提高到209元、280元
        to_at = next((j for j, (_, _, w) in enumerate(merged) if W.TO_RE.search(w)), None)
        baseline_count = 0
        if to_at is not None and W.SINCE.search(zone + "0") is None:
            to_at = None
        if to_at is not None:
            baseline_count = to_at
            merged = merged[to_at:]
        used = len(values)
        where = zone.rfind(W.RESPECTIVELY)
        each = where < 0
        if each:
            lead = W.lead_of(zone)
            cut = lead.start() if lead else len(zone)
            stretch_end = cut
            tail = ""
        else:
            stretch_end = where
            tail = zone[where + 2 :]
            lead = W.tail(W.LEAD, tail)
            tail_noun = tail[: lead.start()] if lead else tail
            tail = L.clean_label(W.LEVEL_OPENING.sub("", tail_noun)) if tail_noun else ""
        stretch_text = W.JOIN.sub("", zone[:stretch_end])
        stretch_text = L.clean_label(stretch_text) if stretch_text else ""
        if W.SINCE.search(stretch_text + "0"):
            stretch_text = L.clean_label(W.SINCE.sub("", stretch_text)) if W.SINCE.search(stretch_text) else stretch_text
        count = len(merged)
        items: list[str] | None = None
        spans: list[tuple[tuple[int, int], ...]] = []
        if stretch_text:
            items = L.split_items(stretch_text, count) if count > 1 else None
            if items is None and count > 1:
                two = L.split_items(stretch_text, 0)
                if two is not None and count % len(two) == 0:
                    items = two
            if items is None:
                whole = L.split_items(stretch_text, 0) if count == 1 else None
                items = whole or [stretch_text]
            at = text.find(stretch_text, zone_start, first.start or 0)
            span = ((at, at + len(stretch_text)),) if at >= 0 else ()
            spans = [span] * len(items)
        elif s.group_labels and len(s.group_labels) in (count, 1) or (
            s.group_labels and count % len(s.group_labels) == 0
        ):
            items = [lab for lab, _ in s.group_labels]
            spans = [sp for _, sp in s.group_labels]
        else:
            previous = [x for x in s.found if x.label]
            distinct: list[Bound] = []
            for x in reversed(previous):
                if all(x.label != d.label for d in distinct):
                    distinct.insert(0, x)
                if len(distinct) == count:
                    break
            if len(distinct) == count:
                items = [x.label for x in distinct]
                spans = [x.label_spans for x in distinct]
        if items and tail and not (each and len(items) == 1):
            items = [item + tail for item in items]
        self.groups += 1
        group = self.groups
        if items:
            s.group_labels = list(zip(items, spans or [()] * len(items), strict=False))
        pairs: list[tuple[int, int]] = []  # (value index, item index)
        ambiguous = False
        if items and (len(items) == count or len(items) >= 2 and count % len(items) == 0):
            pairs = [(j, j % len(items)) for j in range(count)]
        elif items and count == 1:
            pairs = [(0, j) for j in range(len(items))]
        else:
            ambiguous = True
            pairs = [(j, -1) for j in range(count)]
        series_lead = ""
        for j, item_index in pairs:
            q, high, words = merged[j]
            q_start = q.start or 0
            end_q = high or q
            post = W.POST.match(text, end_q.end or 0, b)
            v_end = post.end() if post else (end_q.end or 0)
            if j == 0:
                lead_start = self._lead(zone_start, q_start)
                lead_text = text[lead_start:q_start]
            else:
                lead_text = words
                lead_start = q_start - len(lead_text)
            if lead_text.strip("、和及与,"):
                found_lead = W.tail(W.LEAD, lead_text)
                series_lead = W.SHOWN_MODAL.sub("", found_lead.group(0)) if found_lead else ""
                series_lead = W.HEDGES_IN.sub("", series_lead)  # 分别突破2万亿元、7000亿元
            value = series_lead + text[q_start:v_end] if j else W.SHOWN_MODAL.sub("", lead_text) + text[q_start:v_end]
            label = items[item_index] if items and item_index >= 0 else ""
            if label and L.is_fragment(label):
                label = ""
            shape = W.value_shape(series_lead or lead_text, q, label)
            s.found.append(
                Bound(
                    quantity=q,
                    value=value,
                    value_start=lead_start,
                    value_end=v_end,
                    label=label,
                    label_spans=spans[item_index] if label and item_index < len(spans) else (),
                    clause=(a, b),
                    sentence=(s.start, s.end),
                    how="each" if count == 1 and len(pairs) > 1 or each else "respectively",
                    kind=shape.kind,
                    direction=shape.direction,
                    baseline="start" if baseline_count else None,
                    group=group,
                    position=item_index if item_index >= 0 else j,
                    ambiguous=ambiguous,
                    high=high,
                )
            )
        return used


def read_bindings(text: str, pool: Sequence[Quantity], start: int = 0, end: int | None = None) -> list[Bound]:
    """Every figure of text[start:end] and what it measures, in order.

    ``pool`` is every quantity of ``text`` (sorted by offset), as
    :func:`~summarizer.report.numbers.extract_quantities` reads them.
    """
    return Bindings(text, pool).within(start, len(text) if end is None else end)


class Bindings:
    """The bindings of a text, found by where their number stands.

    A sentence is read the first time a span that holds one of its numbers is asked for:
    the parts of a report a summary never shows (a preface, a closing) cost nothing.
    """

    def __init__(self, text: str, pool: Sequence[Quantity]) -> None:
        self._reader = _Reader(text, pool)
        self._read = bytearray(len(self._reader.pool))
        self._found: list[Bound] = []
        self._starts: list[tuple[int, int]] = []
        self._sentences: dict[tuple[int, int], list[Bound]] = {}

    def _ensure(self, start: int, end: int) -> None:
        reader = self._reader
        i = bisect.bisect_left(reader.starts, start)
        hi = bisect.bisect_left(reader.starts, end)
        while i < hi:
            if self._read[i]:
                i += 1
                continue
            first, last, found = reader.read_sentence(i)
            self._read[first:last] = b"\x01" * (last - first)
            for b in found:
                key = (b.quantity.start or 0, b.position or 0)
                at = bisect.bisect_right(self._starts, key)
                self._starts.insert(at, key)
                self._found.insert(at, b)
            i = max(last, i + 1)

    def within(self, start: int, end: int) -> list[Bound]:
        """The bindings whose number starts in [start, end), in order."""
        self._ensure(start, end)
        lo = bisect.bisect_left(self._starts, (start, -1))
        hi = bisect.bisect_left(self._starts, (end, -1))
        return self._found[lo:hi]

    def in_sentence(self, sentence: tuple[int, int]) -> list[Bound]:
        found = self._sentences.get(sentence)
        if found is None:
            found = [b for b in self.within(*sentence) if b.sentence == sentence]
            self._sentences[sentence] = found
        return found


def label_score(indicator: str, label: str) -> float:
    """How well a figure's indicator names what a binding's label names: 1 the same, 0.9 one
    inside the other, else the F1 of the characters they share."""
    if not indicator or not label:
        return 0.0
    if indicator == label:
        return 1.0
    if indicator in label or label in indicator:
        shorter = min(len(indicator), len(label))
        return 0.9 if shorter >= 2 else 0.0
    common = 0
    pool: dict[str, int] = {}
    for ch in label:
        pool[ch] = pool.get(ch, 0) + 1
    for ch in indicator:
        if pool.get(ch, 0) > 0:
            pool[ch] -= 1
            common += 1
    if not common:
        return 0.0
    precision, recall = common / len(indicator), common / len(label)
    return 2 * precision * recall / (precision + recall)
