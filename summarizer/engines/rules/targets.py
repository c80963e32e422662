"""The main expected targets (主要预期目标): one item per indicator from the targets paragraph."""

from __future__ import annotations

import re
from dataclasses import dataclass

from summarizer.engines.rules.phrases import (
    Pool,
    clauses,
    split_indicator,
    starts_with_verb,
    strip_indicator,
)
from summarizer.report.evidence import evidence, verbatim
from summarizer.report.labels import ends_like_indicator, split_items
from summarizer.report.normalize import NormalizedText
from summarizer.schema import Quantity, Target, TargetKind

__all__ = ["parse_targets", "TargetsResult"]

# A sentence that comments on the targets rather than stating one ends the list.
_STOP = re.compile(
    r"^(?:上述|实现|这些|为实现|为此|做好|综合|同时|要|我们|必须|今年|需要|完成(?:以上|上述|这些))"
    # "7%左右的经济增长预期目标，符合…", "提出这样的预期目标，…": a comment on a target
    r"|^[^,，。]{0,12}(?:\d|这样|这些|上述|以上)[^,，。]{0,8}的[^,，。]{0,12}目标[,，]"
)
# A clause that only qualifies the one before it ("在实际工作中努力争取更好结果").
_REMARK = re.compile(r"^在.{0,12}中|争取更好结果|力争更好|更好结果|努力争取")
_QUALIFIER_WORDS = (
    "左右", "以上", "以内", "以下", "不低于", "不少于", "不超过", "不高于", "力争", "基本同步", "同步",
    "高于", "快于", "持平", "正增长",
)  # fmt: skip
_GROWTH = re.compile(r"增长|下降|减少|涨幅|增速|增幅|提高|降低|上涨|回落")
_ITEM_MARK = re.compile(r"^(?:\d{1,2}[.、](?!\d)|[(（]\d{1,2}[)）]|[①-⑳]|——|[-•]|[一二三四五六七八九十]+是)\s*")
_RELATIVE = re.compile(r"^.{1,3}(?:增幅|增速|涨幅)$")
_LIST_TAIL = re.compile(r"等(?:约束性|主要|各项)?(?:指标|任务|工作)?$")
# "主要约束性指标是:", "高质量发展主要目标是:": a list's own heading inside the passage.
_LEAD_IN = re.compile(r"^[^,，;；:：。]{0,24}?(?:指标|目标)(?:是|为)?\s*[:：]\s*")
# A target stated as a relation to something else: "与经济增长基本同步", "与全省目标保持一致".
_RELATION = re.compile(r"同步|一致|持平|相适应|相协调|相匹配|衔接")
_RELATION_START = re.compile(r"[与和同跟]")
# Adverbs that belong to the value phrase: "稳定增长", "持续改善".
_ADVERB = re.compile(r"(?:稳定|持续|平稳|稳步|较快|快速|合理|基本)$")
# What a completion target names besides its indicator: who set it and what it is called.
_SET_BY = re.compile(r"^(?:国家|省上|省里|省|市里|市|上级|自治区|区)?(?:下达|确定|核定|分解|定)?的?")
_PLAN_NAME = re.compile(r"[“\"]?十[一二三四五]五[”\"]?")
_TASK_WORDS = re.compile(r"(?:序时进度)?(?:目标任务|目标|任务|指标|计划)$")
# A word that cannot name an indicator: a clause that has none is not a target (and the
# completeness check lists its number as left out).
_NOT_A_NAME = re.compile(r"^(?:向着?|朝着?|为了?|在|把|将|使|让|对|以|与|和|并|且|要|力争|努力|确保|继续)$")
_COMPLETION = re.compile(r"^(?:均|都)?(?:完成|达到|保持稳定|保持|实现|控制在)")


@dataclass
class TargetsResult:
    targets: list[Target]
    cut_off: bool  # the list stops mid-clause (a digest or a truncated report)


def _kind(phrase: str, indicator: str, quantities: list[Quantity]) -> TargetKind:
    if not quantities:
        return "qualitative"
    if len(quantities) >= 2 and re.search(r"\d\s*%?\s*[-—－~至到]\s*\d", phrase):
        return "range"
    if _GROWTH.search(phrase) or _GROWTH.search(indicator[-2:]):
        return "growth"
    if quantities[0].kind in ("percent", "points"):
        return "ratio"
    return "level"


def _qualifier(phrase: str, quantities: list[Quantity]) -> str | None:
    for quantity in quantities:
        if quantity.qualifier:
            return quantity.qualifier
    for word in _QUALIFIER_WORDS:
        if word in phrase:
            return word
    return None


def _target(nt: NormalizedText, indicator: str, phrase: str, start: int, end: int, qs: list[Quantity]) -> Target:
    phrase = phrase.strip(" ,，")
    if phrase.startswith("均"):
        phrase = phrase[1:]
    indicator = _original(nt, start, end, indicator)
    phrase = _original(nt, start, end, phrase)
    values = [_written_value(q) for q in qs]
    first = qs[0] if qs else None
    unit = ""
    if first is not None:
        unit = first.unit if first.kind != "quantity" else f"{first.magnitude}{first.unit}"
    return Target(
        indicator=indicator,
        target=phrase,
        values=values,
        unit=unit,
        qualifier=_qualifier(phrase, qs),
        kind=_kind(phrase, indicator, qs),
        evidence=[evidence(nt, start, end)],
    )


def _original(nt: NormalizedText, start: int, end: int, text: str) -> str:
    """The report's own wording of a phrase found inside nt.text[start:end]."""
    at = nt.text.find(text, start, end)
    return verbatim(nt, at, text) if at >= 0 else text


def _written_value(quantity: Quantity) -> float:
    """The number as written before its magnitude: 1100万人 -> 1100."""
    scale = {"": 1, "万": 1e4, "亿": 1e8, "万亿": 1e12, "千": 1e3, "百万": 1e6, "千万": 1e7}
    value = quantity.value / scale.get(quantity.magnitude, 1)
    return round(value, 10)


def parse_targets(nt: NormalizedText, start: int, end: int, pool: Pool | None = None) -> TargetsResult:
    """Parse the targets paragraph nt.text[start:end] into one target per indicator."""
    text = nt.text[start:end]
    # Sentences after the first that comment on the targets end the list.
    sentences = re.split(r"(?<=[。！？!?])", text)
    kept = ""
    for k, sentence in enumerate(sentences):
        if k and (_STOP.match(sentence.strip()) or not sentence.strip()):
            break
        kept += sentence
    text = kept
    cut_off = bool(text) and text.rstrip()[-1] not in "。；;！!？?"

    targets: list[Target] = []
    starts: list[int] = []  # where each target's evidence starts in the normalised text
    phrase_starts: list[int] = []  # where each target's phrase starts
    pending: list[tuple[str, int, int]] = []  # indicators still waiting for a value phrase
    held: list[list[Quantity]] = []  # each target's quantities
    last_end = start  # where the clause of the last target ends
    items = clauses(text, start, split="，,；;。！？!?\n", pool=pool)
    for n, clause in enumerate(items):
        last = n == len(items) - 1
        mark = _ITEM_MARK.match(clause.text)
        if mark:  # a list item's number: "1.", "(2)", "——"
            clause.text, clause.start = clause.text[mark.end() :], clause.start + mark.end()
        lead = _LEAD_IN.match(clause.text)
        if lead and lead.end() < len(clause.text):  # "约束性指标是:" heads the rest of a list
            clause.text, clause.start = clause.text[lead.end() :], clause.start + lead.end()
        for piece_text, piece_start, piece_end in _split_pause(clause.text, clause.start):
            qs = [q for q in clause.quantities if piece_start <= (q.start or 0) < piece_end]
            if qs and qs[0].start == piece_start and not any(ch.isdigit() for ch in qs[0].raw):
                qs = qs[1:]  # "四项主要污染物指标…": a count written in words names the indicator
            elif len(qs) >= 2 and qs[0].start == piece_start and _THRESHOLD.match(nt.text, qs[0].end or 0):
                qs = qs[1:]  # "500万元以上项目固定资产投资增长16%": a threshold in the name
            if _REMARK.search(piece_text):
                continue
            first_at = ((qs[0].start or 0) - piece_start) if qs else None
            at = _relation_split(piece_text) if not qs else None
            if at is None:
                at = split_indicator(piece_text, first_at)
            if at is not None and at > 0:
                adverb = _ADVERB.search(piece_text[:at])
                if adverb and adverb.start() >= 2:
                    at = adverb.start()
            if at is None:
                if not (last and cut_off):
                    pending.append((piece_text, piece_start, piece_end))
                continue
            if (
                at is not None
                and qs
                and held
                and not pending
                and _continues(nt, piece_text[:at], last_end, piece_start)
                and _VALUE_END.match(nt.text, qs[-1].end or 0, piece_end)
            ):
                # "地区生产总值增长6%，突破10万亿元大关": a value with no name of its own
                # states more of the target before it
                prev = targets[-1]
                phrase = nt.text[phrase_starts[-1] : piece_end]
                held[-1] = [*held[-1], *qs]
                targets[-1] = _target(nt, prev.indicator, phrase, starts[-1], piece_end, held[-1])
                last_end = piece_end
                continue
            # "全面完成国家下达的节能减排目标": an adverb, not a name, before the verb
            verb_at = at if at and not qs and _ADVERB_ONLY.match(piece_text[:at]) else 0
            opens = verb_at > 0 or starts_with_verb(piece_text)
            after_break = bool(re.search(r"[。；;!！?？\n]", nt.text[last_end:piece_start]))
            if opens and not qs and (len(piece_text) > 8 or not targets or after_break):
                # "完成省市下达的节能减排任务": the object names the indicator(s)
                obj = re.search(r"的([^的]{2,40})$", piece_text)
                named = obj.group(1) if obj else _SET_BY.sub("", piece_text[verb_at + 2 :], count=1)
                for name in _task_names(named):
                    targets.append(_target(nt, name, piece_text, piece_start, piece_end, qs))
                    starts.append(piece_start)
                    phrase_starts.append(piece_start)
                    held.append(qs)
                    last_end = piece_end
                continue
            indicator, phrase = piece_text[:at], piece_text[at:]
            if indicator.endswith(("均", "都")) and len(indicator) > 3:  # "…均增长8%": each of them
                indicator, phrase = indicator[:-1], indicator[-1] + phrase
            relative = _RELATIVE.match(piece_text[:at]) is not None
            if (starts_with_verb(piece_text) or relative) and targets and not qs and not after_break:
                # "实现正增长" continues the clause before it
                prev = targets[-1]
                prev.target = verbatim(nt, phrase_starts[-1], nt.text[phrase_starts[-1] : piece_end])
                prev.evidence = [evidence(nt, starts[-1], piece_end)]
                last_end = piece_end
                continue
            if last and cut_off and not qs and len(phrase) <= 4:
                continue  # "社会消费品零售总额增长" cut off before its value
            names = _indicator_list(strip_indicator(indicator), phrase)
            if not qs and len(names) == 1 and _COMPLETION.match(phrase):
                names = _task_names(names[0], clean=False)
            # Clauses before with no value name targets of their own only when they end like
            # an indicator ("城镇调查失业率、" …); a preamble ("在…的前提下", "夯实基础") names none.
            pending = [p for p in pending if ends_like_indicator(strip_indicator(p[0]))]
            if pending:
                names = [strip_indicator(p[0]) for p in pending] + names
                piece_start = pending[0][1]
                pending.clear()
            if "分别" in piece_text[: at + 2] and len(qs) >= 2 and len(names) == 1:
                found = _respectively(nt, names[0], phrase, piece_start, piece_end, qs)
                targets.extend(found)
                starts.extend([piece_start] * len(found))
                phrase_starts.extend([piece_start + at] * len(found))
                held.extend([q] for q in qs[: len(found)])
                last_end = piece_end
                continue
            if qs and not any(name and not _NOT_A_NAME.match(name) for name in names):
                # "完成40项民生实事", "8个贫困县、120个贫困乡镇摘帽": the noun after a count names it
                for name, (a, b), q in _counted(nt, piece_start, piece_end, qs):
                    targets.append(_target(nt, name, nt.text[a:b], a, b, [q]))
                    starts.append(a)
                    phrase_starts.append(a)
                    held.append([q])
                    last_end = piece_end
                continue
            for name in names:
                if name and not _NOT_A_NAME.match(name):
                    targets.append(_target(nt, name, phrase, piece_start, piece_end, qs))
                    starts.append(piece_start)
                    phrase_starts.append(piece_end - len(phrase))
                    held.append(qs)
                    last_end = piece_end
    return TargetsResult(targets, cut_off)


# The noun a count is of, up to what is done with it: "40项民生实事", "120个贫困乡镇摘帽".
_COUNTED = re.compile(
    r"(?:以上|左右|多|余)?([\u4e00-\u9fff]{2,12}?)"
    r"(?=摘帽|退出|脱贫|出列|达标|建成|投用|开工|落地|验收|与|[、,，;；。]|$)"
)
# A noun that counts the list itself ("共12项指标中"), not what a target counts.
_LIST_NOUN = re.compile(r"指标|目标|任务|方面|中$")
_COUNT_UNITS = frozenset("个项件家所座条户人名村批处场次")


def _is_count(q: Quantity) -> bool:
    """A count of things (40项, 8个, 85万人), not an amount of money or a rate."""
    return q.kind == "quantity" and (q.unit in _COUNT_UNITS or (not q.unit and bool(q.magnitude)))


def _counted(
    nt: NormalizedText, start: int, end: int, qs: list[Quantity]
) -> list[tuple[str, tuple[int, int], Quantity]]:
    """Targets stated as counts with no name before them, one per count: its noun, its
    span (the piece, or its part between 、 when each part holds one count), the count."""
    counts = [q for q in qs if _is_count(q) and any(ch.isdigit() for ch in q.raw)]
    if len(counts) != len(qs):
        return []
    if len(qs) == 1:
        spans = [(start, end)]
    else:
        pauses = [start + m.start() for m in re.finditer("、", nt.text[start:end])]
        spans = list(zip([start] + [p + 1 for p in pauses], [*pauses, end], strict=True))
        if len(spans) != len(qs) or any(
            not a <= (q.start or 0) < b for (a, b), q in zip(spans, qs, strict=True)
        ):
            return []
    out = []
    for (a, b), q in zip(spans, qs, strict=True):
        noun = _COUNTED.match(nt.text, q.end or 0, b)
        if noun is None or _LIST_NOUN.search(noun.group(1)):
            return []  # "共12项指标中": the list counted, not a target
        out.append((noun.group(1), (a, b), q))
    return out


# An adverb that can stand before a completion verb where a name would (全面完成…).
_ADVERB_ONLY = re.compile(r"^(?:全面|确保|努力|力争|坚决|圆满|超额|全部|如期|切实|严格)$")

# A number that opens an indicator's name as a threshold: "500万元以上项目…", "亿元以上企业…".
_THRESHOLD = re.compile(r"(?:以上|以下)(?!的?(?:增长|下降|提高|降低|实现|完成|达到|控制))[\u4e00-\u9fff]")

# What a value with no name of its own may be preceded by: nothing, or a word that refers
# to the indicator before it (总量, 规模).
_SAME_NAME = re.compile(r"^(?:总量|总额|总规模|规模|全年|其|并|且|力争|努力|确保|争取)?$")

# What may follow the last number of a value that goes on with the target before it:
# "…突破10万亿元大关", "…力争达到6%以上"; not a noun of its own ("实现18万农村贫困人口脱贫").
_VALUE_END = re.compile(r"(?:以上|以下|左右|以内)?(?:大关|台阶|关口|水平)?$")


def _continues(nt: NormalizedText, named: str, last_end: int, start: int) -> bool:
    """Whether a value phrase whose clause names nothing (``named`` is the text before its
    value) goes on with the target stated just before it, in the same sentence."""
    return bool(_SAME_NAME.match(strip_indicator(named))) and not re.search(
        r"[。；;!！?？\n]", nt.text[last_end:start]
    )


def _split_pause(text: str, offset: int) -> list[tuple[str, int, int]]:
    """Split a clause at 、 where both sides state a value: "财政总收入实现正增长、一般公共预算收入增长3%"."""
    parts = text.split("、")
    if len(parts) == 1:
        return [(text, offset, offset + len(text))]
    out: list[tuple[str, int, int]] = []
    cur, cur_start, pos = parts[0], offset, offset + len(parts[0]) + 1
    for part in parts[1:]:
        complete = split_indicator(cur, _first_digit(cur)) not in (None, 0)
        own = split_indicator(part, _first_digit(part))
        # "农村增幅高于城镇" qualifies the target before it rather than naming a new one.
        relative = own not in (None, 0) and _RELATIVE.match(part[:own]) is not None
        if complete and own not in (None, 0) and not relative:
            out.append((cur, cur_start, cur_start + len(cur)))
            cur, cur_start = part, pos
        else:
            cur = f"{cur}、{part}"
        pos += len(part) + 1
    out.append((cur, cur_start, cur_start + len(cur)))
    return out


def _first_digit(text: str) -> int | None:
    match = re.search(r"\d", text)
    return match.start() if match else None


_PARALLEL = re.compile(r"^(?:(城镇|城市)[和、与及](农村|乡村)|(城乡))(.{2,})$")


def parallel_names(indicator: str) -> list[str] | None:
    """"城镇和农村居民人均可支配收入" (or 城乡…) -> 城镇居民…, 农村居民…: one name each."""
    match = _PARALLEL.match(indicator)
    if match is None:
        return None
    head = match.group(4)
    if match.group(3):
        return ["城镇" + head, "农村" + head]
    return [match.group(1) + head, match.group(2) + head]


def _indicator_list(indicator: str, phrase: str) -> list[str]:
    """"城镇登记失业率、节能减排、安全生产等约束性指标" -> the three indicators; likewise
    "A和B均完成…", and "城镇、农村居民人均可支配收入均增长8%" -> the urban and the rural one."""
    listed = _LIST_TAIL.sub("", indicator)
    if phrase.startswith(("均", "都")) and (pair := parallel_names(listed)):
        return pair
    if listed != indicator or phrase.startswith(("均", "都")):
        names = [n.strip() for n in re.split(r"[、和及与]", listed) if n.strip()]
        if len(names) >= 2 and all(len(n) >= 4 for n in names):
            return names
    return [indicator]


def _relation_split(clause: str) -> int | None:
    """Where the value phrase of a relational target starts: at 与/和 before the relation
    word ("城镇调查失业率 | 与全省目标保持一致", "城乡居民收入 | 和经济增长基本同步")."""
    relation = _RELATION.search(clause)
    if relation is None:
        return None
    joins = [m.start() for m in _RELATION_START.finditer(clause, 0, relation.start()) if m.start() >= 2]
    if not joins:
        return None
    at = joins[0]
    return at - 2 if clause[:at].endswith("增长") and at >= 4 else at  # "居民收入 | 增长与经济增长同步"


def _task_names(named: str, *, clean: bool = True) -> list[str]:
    """The indicators a completion target names: "能耗和碳排放强度指标" -> 能耗, 碳排放强度指标;
    "粮食生产、单位生产总值二氧化碳减排目标任务" -> 粮食生产, 单位生产总值二氧化碳减排.
    A list of short names that share one head ("二氧化硫、化学需氧量、氨氮排放量") stays whole."""
    if clean:
        named = _PLAN_NAME.sub("", named)
        named = _without_task_word(named)
    first, sep, rest = named.partition("和")
    parts = [first, rest] if sep and len(first) >= 2 and len(rest) >= 2 else [named]
    names = []
    for part in parts:
        pieces = [p for p in part.split("、") if p]
        if len(pieces) >= 2 and all(len(p) >= 4 for p in pieces):
            names.extend(pieces)
        else:
            names.append(part)
    if clean:
        names = [_without_task_word(n) for n in names]
    return [n.strip() for n in names if n.strip()]


def _without_task_word(name: str) -> str:
    """"节能减排目标任务" -> 节能减排; "各项约束性指标" stays (约束性 names nothing alone)."""
    bare = _TASK_WORDS.sub("", name)
    return name if not bare or bare.endswith("性") else bare


def _respectively(
    nt: NormalizedText, indicator: str, phrase: str, start: int, end: int, qs: list[Quantity]
) -> list[Target]:
    """"城乡居民收入分别增长7%和8%左右" -> two targets, one per value."""
    phrase = phrase.replace("分别", "", 1)
    verb = re.match(r"^\D*", phrase).group(0)  # type: ignore[union-attr]
    pieces = re.split(r"[和、与及]", phrase[len(verb) :])
    names = split_items(indicator, min(len(pieces), len(qs)))
    if names is None or len(names) != min(len(pieces), len(qs)):
        names = [indicator] * len(qs)
    out = []
    for k, (piece, quantity) in enumerate(zip(pieces, qs, strict=False)):
        written = f"{verb}{piece}"  # each item says its change: 下降3%、下降2.6%左右
        target = _target(nt, names[k], written, start, end, [quantity])
        target.kind = _kind(phrase, indicator, [quantity])
        out.append(target)
    return out
