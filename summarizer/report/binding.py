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
from functools import lru_cache

from summarizer.report import labels as L
from summarizer.schema import Quantity

__all__ = [
    "Bound",
    "Bindings",
    "read_bindings",
    "value_shape",
    "ValueShape",
    "label_score",
]

# -- value words ------------------------------------------------------------------------

_UP = "增长|增加|提高|提升|上升|上涨|扩大|回升|攀升|拉动|增收|增产|恢复|拓展|拓宽|扩展|延伸"
_DOWN = "下降|减少|降低|下跌|回落|收窄|压减|压缩|缩短|缩小|节约|下调|减收|减产|精简|缩减"
_TO = (
    rf"(?:{_UP}|{_DOWN}|发展|达|跃升|调整|变|扩容|扩|增|降|升|减|缩|延长|延伸|压)(?:到|至)"
    r"|降至|增至|升至|减至|跃至|调整为|变为|提高为|提升为|转为|转变为"
)
_BASE = (
    r"同比|同口径|比上年|较上年|比去年|较去年|比年初|较年初|(?:比|较)(?:19|20)\d{2}年(?:末|底)?|"
    r"(?<=[到至为])(?:19|20)\d{2}年(?:底|末)?的?|是[^,;。是]{1,10}?的|"
    r"年均|平均|实际|名义|累计|总计|共计|合计|当年|全年|年内|每人每月|每人每年|每年|每月|每天|每日|首次|首度|一举"
)
_LEVEL = (
    r"达到|实现|完成|突破|超过|逾|保持在|稳定在|控制在|保持|维持在|维持|接近|高达|多达|"
    r"新增|净增|迈上|跃上|站上|首破|突破|高于|低于|不低于|不少于|不超过|不高于|至少|高出|占|为|是|达|超|"
    r"(?<![节公条合制预签])约|(?<![附就最邻将])近"
)
_MODAL = r"分别|(?<![人年平地户亩日月])均|已|都|将|力争|争取|预计|有望|仍|也|又|还|再|了"
_LEAD = re.compile(rf"(?:{_MODAL}|{_BASE}|{_TO}|{_UP}|{_DOWN}|{_LEVEL})+$")
_UP_RE = re.compile(_UP + r"|增至|升至|跃至|跃升")
_DOWN_RE = re.compile(_DOWN + r"|降至|减至|降|减")
_TO_RE = re.compile(_TO)
_CHANGE_RE = re.compile(rf"(?:{_UP}|{_DOWN})(?!到|至|为)")
_SHARE_RE = re.compile(r"占|比重|占比")
_GAP_RE = re.compile(r"^(?:增速|增幅|涨幅)?(?:高于|低于|快于|慢于|高出|好于|领先|落后)")
# What is shown of a lead: value words, without the modal words (分别, 均, 已 …).
_NEW = re.compile("新增|净增")
_STOCK = re.compile("累计|总计|共计|合计")
_LEVEL_OPENING = re.compile(rf"^(?:{_LEVEL}|{_BASE})+")
_SHOWN_MODAL = re.compile(r"^(?:分别|(?<![人年平地户亩日月])均|已|都|将|预计|有望|仍|也|又|还|再|了)+")

# A separator that makes two numbers one range: 3—5个, 6%-6.5%.
_RANGE = re.compile(r"\s*(?:-|–|—{1,2}|~|～|至|到)\s*$")
# The start value of a from-to change: "由", "从上年的", "由2010年的".
_SINCE = re.compile(r"(?:由|从)[^由从,;。]{0,14}?的?$")
# A value in force, changed later in its clause: "现行16%的税率降至13%".
_NOW = re.compile(r"(?:现行|原有|原来|原|目前|当前)$")
_CHANGED_AFTER = re.compile(rf"的[\u4e00-\u9fff]{{1,8}}?(?:{_TO})")
_TO_NEXT = re.compile(rf"^[^,;。]{{0,12}}?(?:{_TO})[^,;。]{{0,8}}$")
_ORDINAL_ENDS = ("第", "前", "居", "列", "排名", "排位", "排", "位次", "名次")
_THRESHOLD_OPENINGS = frozenset(("以上", "以下", "及以"))
_NOW_ENDS = ("现行", "原有", "原来", "原", "目前", "当前")
_TASK_FIRST = frozenset("年目任计")
# After a number, a threshold that belongs to a name: 500万元以上项目, 亿元以上的企业.
_THRESHOLD = re.compile(
    r"(?:以上|以下|及以上|级)(?!的?(?:增长|下降|提高|降低|实现|完成|达到|控制|占|为|是))(?=的?[\u4e00-\u9fff])"
)
_POST_FIRST = frozenset("及以左上")
# Counts: a count before 以上 and a noun is a number of things (2000户以上实体经济企业), not
# a threshold of a name (500万元以上项目).
_COUNT_UNITS = frozenset("个家户项名人所座条件台套次场批处辆艘架株棵块间栋幢床支只头")
# Hedges that stay with a number when its verb goes to the label: 超, 近, 约, 突破 …
_HEDGE_WORDS = r"超过|超|突破|逾|近|约|接近|不少于|不低于|至少|多达|高达"
_HEDGE = re.compile(rf"(?:{_HEDGE_WORDS})$")
_HEDGES_IN = re.compile(rf"(?:{_HEDGE_WORDS}|力争)")


# A threshold alone where a label should be: "10亿元以上" (after 其中).
_THRESHOLD_LABEL = re.compile(
    r"[0-9.]+[万亿千百]*[元美元平方米吨亩人个户]*(?:以上|以下|及以上)|[^0-9]{1,4}级(?:及)?(?:以上|以下)"
)
_THRESHOLD_IN = re.compile(r"[0-9.]*[万亿千百]*[元美元平方米吨亩人个户]*(?:以上|以下|及以上)")


def _in_place_of_threshold(parent: str, threshold: str) -> str:
    """"招引落地1亿元以上制造业固投类项目" with "10亿元以上" -> 招引落地10亿元以上制造业固投类项目;
    a parent with no threshold of its own gets it in front of its subject."""
    found = _THRESHOLD_IN.search(parent)
    if found is not None and found.group(0) and found.group(0)[0].isdigit():
        return parent[: found.start()] + threshold + parent[found.end() :]
    subject = L.subject_of(parent) or parent
    return threshold + subject


# Every character the value words are written with: a zone that ends in another has none.
_LEAD_CHARS = frozenset(
    ch for ch in f"{_MODAL}{_BASE}{_TO}{_UP}{_DOWN}{_LEVEL}" if "\u4e00" <= ch <= "\u9fff"
)


def _lead_of(zone: str) -> re.Match[str] | None:
    """The value words at the end of a zone (增长, 达到, 比上年增长 …)."""
    if not zone or zone[-1] not in _LEAD_CHARS:
        return None
    return _tail(_LEAD, zone)


def _tail(pattern: re.Pattern[str], text: str, reach: int = 24) -> re.Match[str] | None:
    """``pattern`` (anchored at the end) searched in the last ``reach`` characters only: the
    words before a number are short, and a search from the start of a long zone is slow."""
    return pattern.search(text, max(0, len(text) - reach))


def _hedge(lead: str) -> str:
    m = _HEDGE.search(lead)
    return m.group(0) if m else ""


_NO_NOUN_FIRST = frozenset("、,;:。!?()/0123456789 \n")
# What cannot open the noun after a number: a value word, a qualifier, a leftover unit.
_NOT_NOUN = re.compile(
    r"(?:实现|完成|达到|增长|下降|提高|降低|提升|减少|增加|新增|带动|解决|惠及|覆盖|占|为|是|比|较|"
    r"同比|以上|以下|左右|以内|上下|的|等|和|及|与|分别|均|居全|居于|位居|位列|排名|至|到|达|超|近|约|次|多|余|"
    r"年|月|日|天|个百分点|百分点|倍|成|其中|同时|并|且|而|但|也|还|又|已|将|可|才|都|、|\(|\)|/)"
)


_POST = re.compile(r"(?:及以上|及以下|以上|以下|左右|以内|上下)")
_DURATION_UNITS = frozenset(("年", "个月", "月", "天", "周", "周年", "届", "小时", "分钟", "岁"))
# A duration or age that is the indicator: 人均预期寿命76岁, 平均受教育年限10年.
_DURATION_NAME = re.compile(r"(?:寿命|年限|年龄|工期|时限|时长|天数|周期)(?:达到|达|为|提高到|延长到)?$")
_INDEX = re.compile(r"指数(?:达到|达|为|控制在|保持在)?$")
_NOT_RESULT_UNITS = frozenset(("方面", "个方面", "第"))
# A duration or age is a figure when a value word states it: 压缩至3天, 达到78.5岁.
_DURATION_VERB = re.compile(r"(?:缩短|压缩|减少|提高|增加|延长|达到|达|控制在|降至|压减|缩减|提前|为)(?:到|至)?$")
# A list closed by 等 and a noun: "76条、“春晖计划”等政策" -> 政策 heads the items.
_ETC_HEAD = re.compile(r"等([\u4e00-\u9fff]{1,6}?)(?=的|[,;。]|$)")
# A verb before a number whose noun follows: "投资80亿元的X项目".
_ATTRIBUTIVE_VERB = re.compile(r"(?:总投资|投资|计划投资|年产|产能|规模|面积|占地)$")
# ... and the items after the first of its list: "投资80亿元的X、10亿元的Y".
_ATTRIBUTIVE_BEFORE = re.compile(r"(?:总投资|投资|计划投资)[0-9.]+[万亿]*元的[^,;。]*、$")
# A noun after 的 that describes the value, not what it measures: 5%左右的较低水平.
_LEVEL_NOUN = re.compile(r"[^,;。]{0,6}?(?:水平|区间|范围|幅度|程度|位次|台阶|关口|大关|高位|量级)")
_TASK_AFTER = re.compile(r"(?:年度)?(?:目标)?(?:任务|目标|计划)(?![\u4e00-\u9fff]{0,2}(?:投资|资金))")
_JOIN = re.compile(r"^[、和及与并且,()\s]*")
_JOIN_AT = re.compile(r"[、和及与并且,()\s]*")
_JOIN_CHARS = frozenset("、和及与并且,() \t\n")
_GROUP_GAP = re.compile(rf"^[、和及与,\s]*(?:(?:{_MODAL}|{_BASE}|{_TO}|{_UP}|{_DOWN}|{_LEVEL}))*$")
_SENTENCE_END = re.compile(r"[。!?;\n]")
_CLAUSE_MARKS = re.compile(r"[,:]")
_RESPECTIVELY = "分别"
_EACH = re.compile(r"(?<![人年平地户亩日月])均")
_NOT_EACH = frozenset("人年平地户亩日月")


def _each(text: str) -> bool:
    """Whether text ends with 均 (each), not with 人均, 年均 …"""
    return text.endswith("均") and text[-2:-1] not in _NOT_EACH


def _each_in(lead: str) -> bool:
    return bool(_EACH.search(lead))


@dataclass(slots=True, frozen=True)
class ValueShape:
    """What a value phrase says besides its number: level, change, points, share, gap or
    multiple, and the direction of a change."""

    kind: str
    direction: str | None


def value_shape(lead: str, quantity: Quantity, label: str = "") -> ValueShape:
    """The kind and direction of a value phrase from its lead words and unit."""
    return _shape(lead, quantity.kind, quantity.unit == "倍", label)


@lru_cache(maxsize=4096)
def _shape(lead: str, kind_of_number: str, multiple: bool, label: str) -> ValueShape:
    direction = None
    if _DOWN_RE.search(lead):
        direction = "down"
    elif _UP_RE.search(lead):
        direction = "up"
    if kind_of_number == "points":
        kind = "gap" if _GAP_RE.match(label) else "points"
    elif multiple:
        kind = "multiple"
    elif _GAP_RE.match(label):
        kind = "gap"
    elif _CHANGE_RE.search(lead):
        kind = "change"
    elif "占" in lead or "占" in label or _SHARE_RE.search(label[-4:]):
        kind = "share"
    else:
        kind = "level"
    return ValueShape(kind, direction)


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

    def read(self, start: int, end: int) -> list[Bound]:
        text = self.text
        lo = bisect.bisect_left(self.starts, start)
        hi = bisect.bisect_left(self.starts, end)
        i = lo
        while i < hi:
            q = self.pool[i]
            s_start = self._sentence_start(q.start or 0, start)
            m = _SENTENCE_END.search(text, q.start or 0, end)
            s_end = m.start() + 1 if m else end
            j = i
            while j < hi and (self.pool[j].start or 0) < s_end:
                j += 1
            if all((p.end or 0) <= s_end for p in self.pool[i:j]):
                self._sentence(_Sentence(text[s_start:s_end], s_start, s_end), self.pool[i:j])
            i = j
        return self.out

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
        for m in _CLAUSE_MARKS.finditer(text, s.start, s.end):
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
            if 0 <= nxt - q_end <= 4 and _RANGE.fullmatch(text, q_end, nxt):
                high = inside[n + 1]
                q_end = high.end or q_end
            post = _POST.match(text, q_end, b) if text[q_end : q_end + 1] in _POST_FIRST else None
            v_end = post.end() if post else q_end
            zone = text[zone_start:q_start]
            tag = self._not_figure(q, zone, q_end, v_end, b)
            step = 2 if high is not None else 1
            if tag == "baseline":
                since = _tail(_SINCE, zone) or _tail(_NOW, zone)
                stretch = zone[: since.start()] if since else zone
                label = L.clean_label(re.sub(r"^(?:将|把|对)", "", _JOIN.sub("", stretch)))
                changed = _CHANGED_AFTER.match(text, v_end, b)
                to_at = v_end
                if changed is not None and _tail(_NOW, zone):
                    noun = _TO_RE.search(changed.group(0))
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
            lead = _lead_of(zone)
            if _RESPECTIVELY in zone or _each(zone.rstrip()) or (lead is not None and "均" in lead.group(0) and _each_in(lead.group(0))):
                used = self._group(s, inside, n, zone_start, a, b)
                if used:
                    last = inside[n + used - 1]
                    post = _POST.match(text, last.end or 0, b)
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
        if q.unit == "第" or not raw[:1].isdigit() and raw.startswith("第") or tail.endswith(_ORDINAL_ENDS):
            return "rank"
        if not raw[:1].isdigit():
            return "words"  # 两次, 三大: counts in words are names more often than results
        unit = q.unit
        if not unit and q.kind == "quantity" and not q.magnitude and not _tail(_INDEX, zone):
            return "name"  # 500强, 2.0版 (but 居民消费价格指数103左右)
        if unit in _NOT_RESULT_UNITS:
            return "name"
        if (
            unit in _DURATION_UNITS
            and not q.magnitude
            and not _tail(_DURATION_VERB, zone)
            and not _tail(_DURATION_NAME, zone)
        ):
            return "duration"
        after = text[q_end : q_end + 2]
        if (after in _THRESHOLD_OPENINGS or after[:1] == "级") and (
            _THRESHOLD.match(text, q_end) and unit not in _COUNT_UNITS
        ):
            return "name"  # 500万元以上项目
        if v_end > q_end and text[v_end : v_end + 1].isdigit():
            return "name"  # 其中10亿元以上56个
        recent = zone[-20:]
        if ("由" in recent or "从" in recent) and _tail(_SINCE, zone) and self._to_follows(v_end, clause_end):
            return "baseline"
        if zone.endswith(_NOW_ENDS) and _CHANGED_AFTER.match(text, v_end, clause_end):
            return "baseline"  # 现行16%的税率降至13%
        next_char = text[v_end : v_end + 1]
        if next_char in _TASK_FIRST and _TASK_AFTER.match(text, v_end):
            return "description"  # 完成国家下达的110万人任务: a target referred to, not a result
        if next_char == "口" and text.startswith("口的", v_end):
            return "description"  # 近14亿人口的发展中大国
        if (
            next_char == "的"
            and q.kind != "percent"
            and not _tail(_ATTRIBUTIVE_VERB, zone)
            and not _ATTRIBUTIVE_BEFORE.search(text, max(0, (q.start or 0) - 120), q.start or 0)
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
        return bool(_TO_NEXT.match(self.text[at : nxt.start or 0]))

    # -- one figure ----------------------------------------------------------------------

    def _lead(self, zone_start: int, q_start: int) -> int:
        """Where the value words before a number begin."""
        zone = self.text[zone_start:q_start]
        lead = _lead_of(zone)
        return zone_start + (lead.start() if lead else len(zone))

    def _value(self, lead_start: int, q_start: int, v_end: int) -> tuple[str, str]:
        """The value phrase as shown (modal words left out) and its lead words."""
        lead = self.text[lead_start:q_start]
        shown = _SHOWN_MODAL.sub("", lead) if lead else lead
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
        if text[zone_start : zone_start + 1] in _JOIN_CHARS:
            stretch_start = _JOIN_AT.match(text, zone_start, lead_start).end()  # type: ignore[union-attr]
        stretch = text[stretch_start:lead_start]
        label = L.clean_label(stretch)
        spans: tuple[tuple[int, int], ...] = ()
        if label:
            at = text.rfind(label, stretch_start, lead_start)
            spans = ((at, at + len(label)),) if at >= 0 else ((stretch_start, lead_start),)
        how = "adjacent"
        baseline = None
        cumulative = "new" if lead and _NEW.search(lead) or label.startswith("新增") else None
        if lead and _STOCK.search(lead):
            cumulative = "stock"
        after_of = text.startswith("的", v_end)
        if s.pending and not label:
            label, spans, how = s.pending, (s.pending_span,) if s.pending_span else (), "from_to"
            baseline = "start"
            s.pending, s.pending_span = "", None
        elif after_of and not _LEVEL_NOUN.match(text, v_end + 1):
            noun = L.noun_after(text, v_end + 1, b)
            if noun is not None:
                head = self._etc_head(v_end, b)
                words = text[noun[0] : noun[1]]
                if head and not words.endswith(head):
                    words += head
                verb = _tail(_ATTRIBUTIVE_VERB, stretch) or (
                    _ATTRIBUTIVE_BEFORE.search(text, max(0, q_start - 120), q_start) and "投资"
                )
                verb_word = verb if isinstance(verb, str) else verb.group(0) if verb else ""
                label = words + (verb_word if q.kind != "percent" else "")
                spans = (noun,)
                how = "after"
        elif (noun := self._noun(v_end, b)) is not None:
            # a number before its noun: 完成231个工业深度治理项目, 为全省51个贫困县
            words = text[noun[0] : noun[1]]
            verbs = _HEDGE.sub("", lead)
            if label.endswith("等"):
                verb = L.leading_verb(label)
                prefix = verb
            elif (scope := L.scope_end(label)) is not None:
                prefix = scope[1]
            else:
                prefix = label + _SHOWN_MODAL.sub("", verbs)
            if verbs and not label.endswith("等") and L.scope_end(label) is None:
                value = value[len(_SHOWN_MODAL.sub("", lead)) - len(_hedge(lead)) :]
                lead = _hedge(lead)
            label = prefix + words
            spans = (*spans, noun)
            how = "after"
        elif not label:
            last = s.last_label()
            if last is not None:
                label, spans, how = last.label, last.label_spans, "inherited"
        elif label.endswith("等") and len(label) > 3:
            label = label[:-1]  # 减免行政事业性收费及社保缴费等9.86亿元
        elif label.endswith(("以上", "以下")) and _THRESHOLD_LABEL.fullmatch(label) is not None:
            # 其中10亿元以上56个: the part of the figure before it above a threshold
            last = s.last_label()
            if last is not None:
                label = _in_place_of_threshold(last.label, label)
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
            verbs = _HEDGE.sub("", lead)
            label = label + _SHOWN_MODAL.sub("", verbs) + obj
            value = value[len(_SHOWN_MODAL.sub("", lead)) - len(_hedge(lead)) :]
            lead = _hedge(lead)
            spans = (*spans, *last.label_spans)
            how = "inherited"
        elif L.is_bare_verb(label) or L.is_generic(label) or _GAP_RE.match(label) or label.startswith("占"):
            # a sibling's verb or a generic word: 项目开工66个、完工30个; 总数达310家; 增速高于全省;
            # 粮食生产超额完成国家下达任务，产量达1094.86万吨
            last = s.last_label()
            subject, subject_spans = "", ()
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
        shape = value_shape(lead, q, label)
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
        if at >= b or self.text[at] in _NO_NOUN_FIRST:
            return None
        noun = L.noun_after(self.text, at, b)
        if noun is None or _NOT_NOUN.match(self.text, noun[0]) or _LEVEL_NOUN.fullmatch(self.text, *noun):
            return None  # 迈上14万亿元新台阶: a word of the value, not what it measures
        return noun

    def _etc_head(self, at: int, b: int) -> str:
        """The noun after 等 that closes the list a number stands in: "…等政策" -> 政策."""
        if not self.text.startswith("、", at):
            return ""
        m = _ETC_HEAD.search(self.text, at, b)
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
            post = _POST.match(text, prev_end, b)
            gap_start = post.end() if post else prev_end
            gap = text[gap_start : inside[k].start or 0]
            if not _GROUP_GAP.match(gap) and not _RANGE.fullmatch(gap):
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
            if i + 1 < len(values) and _RANGE.fullmatch(gap):
                merged.append((q, values[i + 1], lead_words))
                i += 2
                lead_words = ""
                continue
            merged.append((q, None, lead_words))
            lead_words = _JOIN.sub("", gap)
            i += 1
        # from-to inside the list: 分别从202元、270元提高到209元、280元
        to_at = next((j for j, (_, _, w) in enumerate(merged) if _TO_RE.search(w)), None)
        baseline_count = 0
        if to_at is not None and _SINCE.search(zone + "0") is None:
            to_at = None
        if to_at is not None:
            baseline_count = to_at
            merged = merged[to_at:]
        used = len(values)
        where = zone.rfind(_RESPECTIVELY)
        each = where < 0
        if each:
            lead = _lead_of(zone)
            cut = lead.start() if lead else len(zone)
            stretch_end = cut
            tail = ""
        else:
            stretch_end = where
            tail = zone[where + 2 :]
            lead = _tail(_LEAD, tail)
            tail_noun = tail[: lead.start()] if lead else tail
            tail = L.clean_label(_LEVEL_OPENING.sub("", tail_noun)) if tail_noun else ""
        stretch_text = _JOIN.sub("", zone[:stretch_end])
        stretch_text = L.clean_label(stretch_text) if stretch_text else ""
        if _SINCE.search(stretch_text + "0"):
            stretch_text = L.clean_label(_SINCE.sub("", stretch_text)) if _SINCE.search(stretch_text) else stretch_text
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
            post = _POST.match(text, end_q.end or 0, b)
            v_end = post.end() if post else (end_q.end or 0)
            if j == 0:
                lead_start = self._lead(zone_start, q_start)
                lead_text = text[lead_start:q_start]
            else:
                lead_text = words
                lead_start = q_start - len(lead_text)
            if lead_text.strip("、和及与,"):
                series_lead = _SHOWN_MODAL.sub("", _tail(_LEAD, lead_text).group(0)) if _tail(_LEAD, lead_text) else ""
                series_lead = _HEDGES_IN.sub("", series_lead)  # 分别突破2万亿元、7000亿元
            value = series_lead + text[q_start:v_end] if j else _SHOWN_MODAL.sub("", lead_text) + text[q_start:v_end]
            label = items[item_index] if items and item_index >= 0 else ""
            if label and L.is_fragment(label):
                label = ""
            shape = value_shape(series_lead or lead_text, q, label)
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
    return _Reader(text, pool).read(start, len(text) if end is None else end)


class Bindings:
    """The bindings of a whole text, found by where their number stands."""

    def __init__(self, found: list[Bound]) -> None:
        self.all = sorted(found, key=lambda b: (b.quantity.start or 0, b.position or 0))
        self._starts = [b.quantity.start or 0 for b in self.all]
        self._sentences: dict[tuple[int, int], list[Bound]] = {}

    def within(self, start: int, end: int) -> list[Bound]:
        """The bindings whose number starts in [start, end), in order."""
        lo, hi = bisect.bisect_left(self._starts, start), bisect.bisect_left(self._starts, end)
        return self.all[lo:hi]

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
