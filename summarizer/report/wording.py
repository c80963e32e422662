"""The words of a value phrase, and what is around a number in these reports.

The clause reader (:mod:`summarizer.report.binding`) reads a number's value phrase from the
words right before it (增长, 达到, 比上年增长, 提高到, 分别, 均 …), the qualifier after it
(以上, 左右), and the words that make a number no figure (第, 前; 以上 before a noun; 由/从
before a from-to change).  Those words, the patterns built from them, and what a value
phrase says besides its number (:func:`value_shape`) live here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from summarizer.report import labels as L
from summarizer.schema import Quantity

__all__ = ["ValueShape", "value_shape"]  # and the word patterns the clause reader reads with

UP = "增长|增加|提高|提升|上升|上涨|扩大|回升|攀升|拉动|增收|增产|恢复|拓展|拓宽|扩展|延伸"
DOWN = "下降|减少|降低|下跌|回落|收窄|压减|压缩|缩短|缩小|节约|下调|减收|减产|精简|缩减"
TO = (
    rf"(?:{UP}|{DOWN}|发展|达|跃升|调整|变|扩容|扩|增|降|升|减|缩|延长|延伸|压)(?:到|至)"
    r"|降至|增至|升至|减至|跃至|调整为|变为|提高为|提升为|转为|转变为"
)
BASE = (
    r"同比|同口径|比上年|较上年|比去年|较去年|比年初|较年初|(?:比|较)(?:19|20)\d{2}年(?:末|底)?|"
    r"(?<=[到至为])(?:19|20)\d{2}年(?:底|末)?的?|是[^,;。是]{1,10}?的|"
    r"年均|平均|实际|名义|累计|总计|共计|合计|当年|全年|年内|每人每月|每人每年|每年|每月|每天|每日|首次|首度|一举"
)
LEVEL = (
    r"达到|实现|完成|突破|超过|逾|保持在|稳定在|控制在|保持|维持在|维持|接近|高达|多达|"
    r"新增|净增|迈上|跃上|站上|首破|突破|高于|低于|不低于|不少于|不超过|不高于|至少|高出|占|为|是|达|超|"
    r"(?<![节公条合制预签])约|(?<![附就最邻将])近"
)
MODAL = r"分别|(?<![人年平地户亩日月])均|已|都|将|力争|争取|预计|有望|仍|也|又|还|再|了"
LEAD = re.compile(rf"(?:{MODAL}|{BASE}|{TO}|{UP}|{DOWN}|{LEVEL})+$")
UP_RE = re.compile(UP + r"|增至|升至|跃至|跃升")
DOWN_RE = re.compile(DOWN + r"|降至|减至|降|减")
TO_RE = re.compile(TO)
CHANGE_RE = re.compile(rf"(?:{UP}|{DOWN})(?!到|至|为)")
SHARE_RE = re.compile(r"占|比重|占比")
GAP_RE = re.compile(r"^(?:增速|增幅|涨幅)?(?:高于|低于|快于|慢于|高出|好于|领先|落后)")
# What is shown of a lead: value words, without the modal words (分别, 均, 已 …).
NEW = re.compile("新增|净增")
STOCK = re.compile("累计|总计|共计|合计")
LEVEL_OPENING = re.compile(rf"^(?:{LEVEL}|{BASE})+")
SHOWN_MODAL = re.compile(r"^(?:分别|(?<![人年平地户亩日月])均|已|都|将|预计|有望|仍|也|又|还|再|了)+")

# A separator that makes two numbers one range: 3—5个, 6%-6.5%.
RANGE = re.compile(r"\s*(?:-|–|—{1,2}|~|～|至|到)\s*$")
# The start value of a from-to change: "由", "从上年的", "由2010年的".
SINCE = re.compile(r"(?:由|从)[^由从,;。]{0,14}?的?$")
# A value in force, changed later in its clause: "现行16%的税率降至13%".
NOW = re.compile(r"(?:现行|原有|原来|原|目前|当前)$")
CHANGED_AFTER = re.compile(rf"的[\u4e00-\u9fff]{{1,8}}?(?:{TO})")
TO_NEXT = re.compile(rf"^[^,;。]{{0,12}}?(?:{TO})[^,;。]{{0,8}}$")
ORDINAL_ENDS = ("第", "前", "居", "列", "排名", "排位", "排", "位次", "名次")
THRESHOLD_OPENINGS = frozenset(("以上", "以下", "及以"))
NOW_ENDS = ("现行", "原有", "原来", "原", "目前", "当前")
TASK_FIRST = frozenset("年目任计")
# After a number, a threshold that belongs to a name: 500万元以上项目, 亿元以上的企业.
THRESHOLD = re.compile(
    r"(?:以上|以下|及以上|级)(?!的?(?:增长|下降|提高|降低|实现|完成|达到|控制|占|为|是))(?=的?[\u4e00-\u9fff])"
)
POST_FIRST = frozenset("及以左上")
# Counts: a count before 以上 and a noun is a number of things (2000户以上实体经济企业), not
# a threshold of a name (500万元以上项目).
COUNT_UNITS = frozenset("个家户项名人所座条件台套次场批处辆艘架株棵块间栋幢床支只头")
# Hedges that stay with a number when its verb goes to the label: 超, 近, 约, 突破 …
HEDGE_WORDS = r"超过|超|突破|逾|近|约|接近|不少于|不低于|至少|多达|高达"
HEDGE = re.compile(rf"(?:{HEDGE_WORDS})$")
HEDGES_IN = re.compile(rf"(?:{HEDGE_WORDS}|力争)")


# A threshold alone where a label should be: "10亿元以上" (after 其中).
THRESHOLD_LABEL = re.compile(
    r"[0-9.]+[万亿千百]*[元美元平方米吨亩人个户]*(?:以上|以下|及以上)|[^0-9]{1,4}级(?:及)?(?:以上|以下)"
)
THRESHOLD_IN = re.compile(r"[0-9.]*[万亿千百]*[元美元平方米吨亩人个户]*(?:以上|以下|及以上)")


def in_place_of_threshold(parent: str, threshold: str) -> str:
    """"招引落地1亿元以上制造业固投类项目" with "10亿元以上" -> 招引落地10亿元以上制造业固投类项目;
    a parent with no threshold of its own gets it in front of its subject."""
    found = THRESHOLD_IN.search(parent)
    if found is not None and found.group(0) and found.group(0)[0].isdigit():
        return parent[: found.start()] + threshold + parent[found.end() :]
    subject = L.subject_of(parent) or parent
    return threshold + subject


# Every character the value words are written with: a zone that ends in another has none.
LEAD_CHARS = frozenset(
    ch for ch in f"{MODAL}{BASE}{TO}{UP}{DOWN}{LEVEL}" if "\u4e00" <= ch <= "\u9fff"
)


def lead_of(zone: str) -> re.Match[str] | None:
    """The value words at the end of a zone (增长, 达到, 比上年增长 …)."""
    if not zone or zone[-1] not in LEAD_CHARS:
        return None
    return tail(LEAD, zone)


def tail(pattern: re.Pattern[str], text: str, reach: int = 24) -> re.Match[str] | None:
    """``pattern`` (anchored at the end) searched in the last ``reach`` characters only: the
    words before a number are short, and a search from the start of a long zone is slow."""
    return pattern.search(text, max(0, len(text) - reach))


def hedge(lead: str) -> str:
    m = HEDGE.search(lead)
    return m.group(0) if m else ""


NO_NOUN_FIRST = frozenset("、,;:。!?()/0123456789 \n")
# What cannot open the noun after a number: a value word, a qualifier, a leftover unit.
NOT_NOUN = re.compile(
    r"(?:实现|完成|达到|增长|下降|提高|降低|提升|减少|增加|新增|带动|解决|惠及|覆盖|占|为|是|比|较|"
    r"同比|以上|以下|左右|以内|上下|的|等|和|及|与|分别|均|居全|居于|位居|位列|排名|至|到|达|超|近|约|次|多|余|"
    r"年|月|日|天|个百分点|百分点|倍|成|其中|同时|并|且|而|但|也|还|又|已|将|可|才|都|、|\(|\)|/)"
)


POST = re.compile(r"(?:及以上|及以下|以上|以下|左右|以内|上下)")
DURATION_UNITS = frozenset(("年", "个月", "月", "天", "周", "周年", "届", "小时", "分钟", "岁"))
# A duration or age that is the indicator: 人均预期寿命76岁, 平均受教育年限10年.
DURATION_NAME = re.compile(r"(?:寿命|年限|年龄|工期|时限|时长|天数|周期)(?:达到|达|为|提高到|延长到)?$")
INDEX = re.compile(r"指数(?:达到|达|为|控制在|保持在)?$")
NOT_RESULT_UNITS = frozenset(("方面", "个方面", "第"))
# A duration or age is a figure when a value word states it: 压缩至3天, 达到78.5岁.
DURATION_VERB = re.compile(r"(?:缩短|压缩|减少|提高|增加|延长|达到|达|控制在|降至|压减|缩减|提前|为)(?:到|至)?$")
# A list closed by 等 and a noun: "76条、“春晖计划”等政策" -> 政策 heads the items.
ETC_HEAD = re.compile(r"等([\u4e00-\u9fff]{1,6}?)(?=的|[,;。]|$)")
# A verb before a number whose noun follows: "投资80亿元的X项目".
ATTRIBUTIVE_VERB = re.compile(r"(?:总投资|投资|计划投资|年产|产能|规模|面积|占地)$")
# ... and the items after the first of its list: "投资80亿元的X、10亿元的Y".
ATTRIBUTIVE_BEFORE = re.compile(r"(?:总投资|投资|计划投资)[0-9.]+[万亿]*元的[^,;。]*、$")
# A noun after 的 that describes the value, not what it measures: 5%左右的较低水平.
LEVEL_NOUN = re.compile(r"[^,;。]{0,6}?(?:水平|区间|范围|幅度|程度|位次|台阶|关口|大关|高位|量级)")
TASK_AFTER = re.compile(r"(?:年度)?(?:目标)?(?:任务|目标|计划)(?![\u4e00-\u9fff]{0,2}(?:投资|资金))")
JOIN = re.compile(r"^[、和及与并且,()\s]*")
JOIN_AT = re.compile(r"[、和及与并且,()\s]*")
JOIN_CHARS = frozenset("、和及与并且,() \t\n")
GROUP_GAP = re.compile(rf"^[、和及与,\s]*(?:(?:{MODAL}|{BASE}|{TO}|{UP}|{DOWN}|{LEVEL}))*$")
SENTENCE_END = re.compile(r"[。!?;\n]")
CLAUSE_MARKS = re.compile(r"[,:]")
RESPECTIVELY = "分别"
EACH = re.compile(r"(?<![人年平地户亩日月])均")
NOT_EACH = frozenset("人年平地户亩日月")


def each(text: str) -> bool:
    """Whether text ends with 均 (each), not with 人均, 年均 …"""
    return text.endswith("均") and text[-2:-1] not in NOT_EACH


def each_in(lead: str) -> bool:
    return bool(EACH.search(lead))


@dataclass(slots=True, frozen=True)
class ValueShape:
    """What a value phrase says besides its number: level, change, points, share, gap or
    multiple, and the direction of a change."""

    kind: str
    direction: str | None


def value_shape(lead: str, quantity: Quantity, label: str = "") -> ValueShape:
    """The kind and direction of a value phrase from its lead words and unit."""
    return shape(lead, quantity.kind, quantity.unit == "倍", label)


@lru_cache(maxsize=4096)
def shape(lead: str, kind_of_number: str, multiple: bool, label: str) -> ValueShape:
    direction = None
    if DOWN_RE.search(lead):
        direction = "down"
    elif UP_RE.search(lead):
        direction = "up"
    if kind_of_number == "points":
        kind = "gap" if GAP_RE.match(label) else "points"
    elif multiple:
        kind = "multiple"
    elif GAP_RE.match(label):
        kind = "gap"
    elif CHANGE_RE.search(lead):
        kind = "change"
    elif "占" in lead or "占" in label or SHARE_RE.search(label[-4:]):
        kind = "share"
    else:
        kind = "level"
    return ValueShape(kind, direction)
