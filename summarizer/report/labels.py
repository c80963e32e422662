"""What a number measures, in words a reader understands without the source.

The clause reader (:mod:`summarizer.report.binding`) finds the stretch of a clause that
names a number; this module turns that stretch into a label an analyst would write in a
table, or says that it cannot:

    "全年地区生产总值完成"      -> 地区生产总值          (time word and value verb dropped)
    "①新增老年助餐服务点"       -> 新增老年助餐服务点    (list marker dropped)
    "城镇、农村居民人均可支配收入" -> 城镇居民人均可支配收入, 农村居民人均可支配收入
    "城乡居民人均可支配收入" (two values) -> the urban one and the rural one
    "实施经济高质量发展" + "…等政策" -> 实施经济高质量发展政策
    "接收", "…的", "三是实施", "均" -> no label: a bare verb, a leftover, a list marker

Labels are built from words of the report and never cut inside a word: a stretch is only
ever shortened at a clause mark, a list mark, a known word of time or place, or a known
verb.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = [
    "clean_label",
    "is_fragment",
    "is_bare_verb",
    "is_generic",
    "split_items",
    "distribute_head",
    "expand_fused",
    "subject_of",
    "clause_subject",
    "clause_object",
    "ends_with_tail_verb",
    "ends_like_indicator",
    "minimal_label",
    "noun_after",
    "LIST_MARK",
]

# A list or item marker at the start of a stretch: ①, (1), 1., 一是, 第一, 首先 …
LIST_MARK = re.compile(
    r"^(?:[①-⑳]|[(（][0-9一二三四五六七八九十]{1,3}[)）]|[0-9]{1,2}[.、](?![0-9])"
    r"|[一二三四五六七八九十]{1,3}是|第[一二三四五六七八九十]{1,3}(?=[,，是])|首先|其次|再次|最后)\s*"
)
# Words that open a clause before what it names: time, place, discourse.
_PREFIX = re.compile(
    r"^(?:[-*•·◆■●▲★☆◇□○]\s*|[,，、;；:：]|其中|同时|以及|另外|此外|特别是|尤其是|"
    r"全年|一年来|年末|年底|去年|今年|上年|当年|本年|(?:19|20)\d{2}年(?:末|底|全年|度)?|截至(?:目前|年底|年末)?|"
    r"全省|全市|全区|全县|全旗|全州|全盟|我国|我省|我市|我区|我县|我旗|我州|本市|本区|本县|"
    r"先后|累计|总计|合计|共计|预计|分别|力争|确保|努力|成功|顺利|圆满|[上下]半年|前?[一二三四]季度|前三季度|"
    r"连续\d+年|连续[一二三四五六七八九十]+年)+"
)
# Value words that end a stretch: they belong to the value, not the label.
_SUFFIX = re.compile(
    r"(?:比上年|同比|较上年|比去年|较去年|分别|(?<![人年平地户亩日])均|已|将|有望|由|从|的|"
    r"每年|每月|每天|每日|首次|首度|一举|成功|顺利|历史性地?|累计|共|年均|平均|连续\d+年|连续[一二三四五六七八九十]+年)+$"
)
# A stretch that ends like this is not a name: a particle, a preposition, a leftover.
_BAD_END = re.compile(
    r"(?:(?<![总缓温平])和|(?<![普涉波])及|(?<![平同中高初])等|(?<![行作])为|(?<![供])给|(?<![存所现])在|"
    r"(?<![通超经])过|(?<![参给])与|(?<![面针应绝相])对|(?<![所可难予加得])以|(?<![乃甚直])至|"
    r"[的或之并且而把被将从由较了着也还又再已使让于按到跟、,，:：;；(（“\"]|(?<![许认])可|"
    r"(?<![人年平地户亩日月])均|有望|以上|以下|左右|方面|其中|一批|一系列)$"
)
# ... nor is one that starts like this.
_BAD_START = re.compile(r"^(?:[的了着则是%％)）”\"、,，:：;；]|以上|以下|左右|[一二三四五六七八九十]是)")
# Verbs that name nothing alone: "接收：20名" says nothing of what was received.
_VERBS = (
    "争取|引进|引育|新增|新建|建成|建设|开工|完工|竣工|投产|投用|完成|实施|打造|培育|推动|开展|举办|改造|实现|"
    "累计|新引进|招引|落地|签约|出台|发放|提供|带动|吸引|培训|组织|推出|创建|认定|获评|入选|获|达|扩大|扩容|"
    "筹集|新改建|改扩建|兑现|减免|投入|安排|争取到|储备|谋划|接收|接待|救治|派出|帮助|解决|惠及|覆盖|"
    "支持|支出|发行|收储|回收|处置|清理|化解|整治|治理|关闭|淘汰|压减|减少|增加|增长|提高|提升|下降|降低|"
    "突破|超过|达到|保持|新开工|开通|通车|建设改造|改建|新改|修复|种植|植树|造林|整合|认证|开设|设立|"
    "成立|组建|挂牌|上市|登记|注册|吸纳|安置|转移|输出|招聘|招录|录用|培养|资助|救助|慰问|走访|服务|"
    "办理|办结|审批|受理|查处|破获|抓获|侦破|起诉|调解|化解|收到|获得|荣获|勇夺|夺得|斩获|摘得|拿下|"
    "举行|召开|参加|参与|承办|主办|引入|引导|撬动|拉动|释放|减轻|降费|减税|退税|缓缴|免征|补贴|奖补|"
    "投放|放贷|授信|贷款|融资|募集|到位|利用|使用|消化|盘活|供应|出让|征收|收回|新投|承接|规范|"
    "打通|建立|健全|完善|推进|加快|加强|深化|落实|启动|推广|新开|新设|新上|认定|评定|命名|批复|"
    "发布|制定|修订|印发|出台|开放|关停|搬迁|整改|排查|检查|督查|巡查|帮扶|结对|对接|再|开|建|办"
)
_ONE_VERB = re.compile(rf"^新?(?:{_VERBS})$")
# A word that measures something only with a subject: "产值" of what, "总数" of what.
_GENERIC = re.compile(
    r"^(?:总数|总量|总额|总计|规模|增速|增幅|占比|比重|数量|产值|营收|收入|投资|投入|金额|面积|人数|户数|"
    r"个数|其他|其它|其中|累计|完工|开工|竣工|投产|建成|开业|营业收入|总投资|资金|资金规模|产量|销量|"
    r"交易额|成交额|销售额|总产值|总产量|增加值|产能|其余|分别|均|平均|年均|人均)$"
)
# Words of time or scope that may stand at the end of a stretch before a number and name
# nothing: "为全省", "覆盖全市" (the noun after the number is what is counted).
_SCOPE_END = re.compile(r"(?:为|向|在|对|给|帮|助|覆盖)?(全国|全省|全市|全区|全县|全州|全球|全域|全年)$")
# Stop a noun read after a number before these: punctuation, another number, a predicate.
_NOUN_AFTER = re.compile(
    r"(?:[^,，。;；:：、!?！？\s0-9]|(?<=[A-Za-z])[0-9.]+|[0-9.]+[万亿千百]*元以上(?=[\u4e00-\u9fff])){2,24}"
)
_PREDICATE = re.compile(
    r"入选|获评|获得|纳入|实现|达到|完成|建成|投用|开工|落地|入驻|上市|解决|参与|参加|下沉|通过|"
    r"享受|受益|脱贫|摘帽|退出|签约|开业|投产|竣工|提供|新增|带动|增长|下降|提高|降低|"
    r"(?<!元)以上|以下|左右|等"
)
_FUSED = (
    ("城乡", ("城镇", "农村")),
    ("存贷款", ("存款", "贷款")),
    ("进出口", ("进口", "出口")),
    ("出入境", ("出境", "入境")),
    ("中小学", ("中学", "小学")),
    ("大中小学", ("大学", "中学", "小学")),
    ("省市", ("省级", "市级")),
    ("国省", ("国家级", "省级")),
    ("国家级、省级", ("国家级", "省级")),
)
# How a complete indicator name ends (a name ending so keeps its own head in a list).
_INDICATOR_END = re.compile(r"(?:GDP|CPI|能耗|水耗|物价|产值|就业|覆盖率|强度|水平|质量|天数|比率|占比)$")
_HEAD_NOUN = re.compile(
    r"(?:率|额|值|资|入|量|数|耗|度|比重|指数|价格|面积|规模|排放|产量|总量|余额|人次|人口|总额|"
    r"收入|支出|投资|消费|贷款|存款|企业|项目|公司|平台|基地|园区|中心|工程)$"
)


def _strip(label: str) -> str:
    previous = None
    while previous != label:
        previous = label
        label = LIST_MARK.sub("", label)
        label = _PREFIX.sub("", label)
        suffix = _SUFFIX.search(label, max(0, len(label) - 16))
        if suffix is not None:
            label = label[: suffix.start()]
        label = label.strip(" \t,，、;；:：")
    return label


# A value verb before an indicator's name: "实现地区生产总值", "完成财政总收入".
_VALUE_VERB = re.compile(r"^(?:实现|完成)(?=.{3})")
_VERB_BEFORE = re.compile(r"^(?:实现|完成|累计|新增)")


@lru_cache(maxsize=8192)
def clean_label(stretch: str) -> str:
    """A stretch of a clause with its openers (list marks, time, place, discourse words) and
    its trailing value words (达到, 分别, 比上年 …) removed; a value verb before a name of
    three characters or more too (实现地区生产总值 -> 地区生产总值)."""
    label = _strip(stretch)
    bare = _VALUE_VERB.sub("", label)
    if bare != label and not is_generic(bare) and not bare.startswith("率"):
        label = _strip(bare)
    return label


@lru_cache(maxsize=8192)
def is_bare_verb(label: str) -> bool:
    """One verb and nothing else (接收, 投入, 惠及); two (减税降费, 完成造林) name an action."""
    return bool(_ONE_VERB.match(label))


@lru_cache(maxsize=8192)
def is_generic(label: str) -> bool:
    """A word that measures something only with a subject (产值, 总数), a value verb before
    it or not (实现产值)."""
    return bool(_GENERIC.match(label) or _GENERIC.match(_VERB_BEFORE.sub("", label)))


_RANK_OR_GAP = re.compile(r"^(?:高于|低于|快于|慢于|好于|高出|位居|位列|居于|居全|排名|排位|排在|排全|列全)")


@lru_cache(maxsize=8192)
def is_fragment(label: str) -> bool:
    """Whether a label is no name a reader can use: too short, cut at a particle, a bare verb
    or a generic word with no subject, a leftover of a list or a qualifier."""
    if len(label) < 2 or len(label) > 40:
        return True
    if _BAD_END.search(label, max(0, len(label) - 6)) or _BAD_START.match(label):
        return True
    if is_bare_verb(label) or is_generic(label):
        return True
    if LIST_MARK.match(label):
        return True
    if _SCOPE_END.search(label) and len(_SCOPE_END.sub("", label)) < 2:
        return True
    # a label that is only a comparison or a rank: 高于全省, 居全国
    return bool(_RANK_OR_GAP.match(label))


def scope_end(label: str) -> tuple[str, str] | None:
    """"送岗上门为全省" -> ("送岗上门", "全省"): a stretch that ends with a scope word."""
    match = _SCOPE_END.search(label)
    if match is None:
        return None
    return label[: match.start()], match.group(1)


_TRAILING_JOIN = re.compile(r"(?:和|及|与|以及|并)$")
_TRAILING_ADVERB = re.compile(r"(?:全部|全面|基本|均|都|已)$")


def noun_after(text: str, start: int, stop: int) -> tuple[int, int] | None:
    """The noun a count qualifies when it follows the number (完成231个工业深度治理项目):
    the span of text[start:stop] up to punctuation or another number; a long one is cut
    before its predicate (…企业入选国家级名单 -> 企业)."""
    match = _NOUN_AFTER.match(text, start, stop)
    if match is None:
        return None
    a, b = match.span()
    if text.startswith(("以上", "以下", "左右", "的", "多", "余"), a):
        return None
    predicate = _PREDICATE.search(text, a + 2, b)
    if predicate is not None and (b - a > 20 or text[predicate.start() : predicate.end()] in
                                  ("以上", "以下", "左右", "等")):
        b = predicate.start()
    joiner = _TRAILING_JOIN.search(text, a, b)
    if joiner is not None:
        b = joiner.start()  # "2家上市企业和5家…": the next number's noun is its own
    if text[b - 1 : b] in "“\"《(（" and b - a > 1:
        # "1903个行政村村集体经济全部实现“8050”目标": what is counted comes before the predicate
        found = [m for m in _PREDICATE.finditer(text, a + 2, b - 1)]
        b = found[-1].start() if found else b - 1
        adverb = _TRAILING_ADVERB.search(text, a, b)
        if adverb is not None:
            b = adverb.start()
    if b - a < 2:
        return None
    return a, b


def split_items(stretch: str, count: int) -> list[str] | None:
    """The items of a list before 分别 or 均: split at 、 first, then also at 和 及 与 when that
    makes the count (``count`` 0: any count of two or more); fused words expanded (城乡 ->
    城镇, 农村) when the count needs it; a head written once on the last item given to each."""
    stretch = stretch.strip("、,，和及与")
    for pattern in (r"、", r"、|和|及|与|以及"):
        parts = [p for p in re.split(pattern, stretch) if p]
        if len(parts) >= 2 and (count == 0 or len(parts) == count):
            return distribute_head(parts)
        if count and len(parts) < count:
            expanded = _expand_items(parts, count)
            if expanded is not None:
                return expanded
    return None


def _expand_items(parts: list[str], count: int) -> list[str] | None:
    """Items with fused words expanded until there are ``count``."""
    out: list[str] = []
    for part in parts:
        fused = expand_fused(part)
        out.extend(fused if fused and len(out) + len(fused) + (len(parts) - len(out) - 1) <= count else [part])
    if len(out) == count:
        return distribute_head(out) if len(parts) > 1 else out
    return None


def expand_fused(label: str) -> list[str] | None:
    """"城乡居民人均可支配收入" -> 城镇居民人均可支配收入, 农村居民人均可支配收入."""
    for word, parts in _FUSED:
        at = label.find(word)
        if at >= 0:
            return [label[:at] + part + label[at + len(word) :] for part in parts]
    return None


_RATIO_HEAD = re.compile(r"(?:占比|比重|增速|增幅|占[^、]{1,8}比重)$")


def distribute_head(items: list[str]) -> list[str]:
    """A head written once on the last item, given to the others: "城镇、农村居民人均可支配收入"
    -> 城镇居民人均可支配收入 …; "安全生产事故、交通事故起数" -> 安全生产事故起数 …;
    "生物医药、高端装备、绿色能源产业生态圈" -> 生物医药产业生态圈 …  Items that end like a
    name of their own keep their words."""
    if len(items) < 2:
        return items
    last = items[-1]
    others = items[:-1]
    ratio = _RATIO_HEAD.search(last)
    if ratio and len(last) - len(ratio.group(0)) >= 2 and not any(_RATIO_HEAD.search(x) for x in others):
        # "A增加值、B增加值、C增加值占比" -> each 占比
        return [x + ratio.group(0) for x in others] + [last]
    out = []
    widths = [len(x) for x in others]
    for item in others:
        if len(item) >= 4 and _HEAD_NOUN.search(item):
            out.append(item)
            continue
        shared = last.find(item[-2:]) if len(item) >= 2 else -1
        if shared >= 0 and 1 <= len(last) - (shared + 2) <= 6:
            out.append(item + last[shared + 2 :])  # 安全生产事故、交通事故起数
            continue
        if len(item) >= len(last):
            out.append(item)
            continue
        width = max(widths)
        if width <= 4 and len(last) >= width + 2 and not _HEAD_NOUN.search(item):
            out.append(item + last[width:] if len(last) - width >= 2 else item)
            continue
        if width == 1 and len(last) >= 2:  # 一、二、三产 -> 一产, 二产
            out.append(item + last[1:])
            continue
        out.append(item)
    first = items[0]
    if (is_generic(last) or len(last) <= 3) and len(first) >= len(last) + 2 and not is_generic(first):
        last = first[: len(first) - len(last)] + last  # 入学率、巩固率 -> …教育巩固率
    return [*out, last]


# Verbs that end a label and can be swapped for a sibling's ("项目开工66个、完工30个").
_TAIL_VERB = re.compile(
    r"(?:开工|完工|竣工|投产|建成|开业|落地|签约|入库|认定|获批|入选|上市|新增|增长|投用|通车|开通|达产)$"
)
_HEAD_VERB = re.compile(rf"^新?(?:{_VERBS}|组建)")


# What ends the subject of a clause: a verb or an adverb before one.
_PREDICATE_START = re.compile(
    rf"(?:超额|加快|持续|不断|稳步|全面|大力|积极|有序|扎实|深入|切实|进一步|继续|保持|实现|"
    rf"完成|达到|取得|获得|{_VERBS})"
)


def clause_subject(clause: str) -> str:
    """The subject a clause opens with, up to its first verb: "粮食生产超额完成国家下达任务"
    -> 粮食生产 ('' when the clause opens with its verb or the subject is no name)."""
    clause = _strip(clause)
    m = _PREDICATE_START.search(clause, 2)
    subject = clause[: m.start()] if m else ""
    if _DIGIT.search(subject):
        return ""
    return subject if 2 <= len(subject) <= 12 and not is_fragment(subject) else ""


# What a generic word (产值, 总产值, 营收) is of when the clause before names it as an object:
# "推动十大工业产业，总产值突破1.5万亿元".
_DIGIT = re.compile(r"[0-9]")
_OBJECT_HEAD = re.compile(r"(?:产业|行业|企业|项目|园区|集群|基地|工程|平台|板块|领域|市场)$")


def clause_object(clause: str) -> str:
    """The object a clause ends with, after its last verb, when it names an industry, a firm
    or a project ('' otherwise)."""
    clause = _strip(clause)
    verbs = list(_PREDICATE_START.finditer(clause))
    obj = clause[verbs[-1].end() :] if verbs else ""
    if _DIGIT.search(obj):
        return ""
    return obj if 2 <= len(obj) <= 12 and _OBJECT_HEAD.search(obj) else ""


def minimal_label(stretch: str) -> str:
    """A stretch with only its marks and joiners removed: "累计减税" stays whole where
    :func:`clean_label` would leave the bare verb 减税."""
    return LIST_MARK.sub("", stretch).strip(" \t,，、;；:：()（）和及与")


def leading_verb(label: str) -> str:
    """The verb a stretch opens with: "支持龙山等" -> 支持 ('' when none)."""
    head = _HEAD_VERB.match(label)
    return head.group(0) if head else ""


def ends_like_indicator(name: str) -> bool:
    """Whether a name ends the way an indicator's does (率, 额, 收入, 价格, 排放 …)."""
    return len(name) >= 2 and bool(_HEAD_NOUN.search(name) or _INDICATOR_END.search(name))


def ends_with_tail_verb(label: str) -> bool:
    return bool(_TAIL_VERB.search(label))


def subject_of(label: str) -> str:
    """The subject of a label, for a sibling that names only a verb or a generic word:
    "城市重点发展区块建设项目开工" -> 城市重点发展区块建设项目; "新增上市公司" -> 上市公司."""
    subject = _TAIL_VERB.sub("", label)
    head = _HEAD_VERB.match(subject)
    if head is not None and len(subject) - head.end() >= 2:
        subject = subject[head.end() :]
    return subject if len(subject) >= 2 else ""
