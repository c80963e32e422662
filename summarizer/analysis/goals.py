"""A target phrase read as a checkable goal, and the rule that judges a result against it.

``增长6%左右`` becomes ``Goal(mode="about", axis="change", kind="percent", low=6)``;
``控制在5%以内`` becomes ``Goal(mode="at_most", axis="level", low=5)``.  The axis says
what the number measures: ``change`` (a growth or decline rate, 增长6%) or ``level``
(the value itself, 研发经费投入强度4%以上).  A result is comparable with a goal only when
both have the same axis, the same kind (% is not 个百分点) and, for quantities, the same
unit.

Judgement rules (:func:`judge`), ``X`` being the target number:

- bare (增长6%, 力争增长6%, 达到6%): met if the result is at least X, or at most X for
  an indicator where lower is better (失业率, 居民消费价格涨幅, 能耗);
- 以上 / 不低于 / 不少于: at least X; 超过 / 高于: more than X;
- 以内 / 以下 / 不超过 / 不高于 / 控制在: at most X; 低于 / 少于: less than X;
- 左右 / 上下 / 约: X minus a tolerance is still met (X plus it, where lower is better).
  The tolerance is 0.5 percentage points for a rate (6%左右 is met by 5.5%, missed by
  5.4%): half a point is the step in which annual growth targets are set (5%, 5.5%, 6%),
  so a result that would round to a lower target step is a miss.  For an amount it is 5%
  of X.  A result above X is met (below X, where lower is better);
- a range (5%-5.5%): met inside the range; beyond its better end it is met as well
  (exceeded), beyond its worse end missed;
- 正增长 (positive growth): met if the change is above zero;
- a decline target (下降3%) is judged on the size of the decline: 下降3.2% meets 下降3%.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from summarizer.report.normalize import canon
from summarizer.schema import NumberKind, Quantity, Target

__all__ = [
    "ABOUT_POINTS",
    "ABOUT_RELATIVE",
    "Goal",
    "Judgement",
    "parse_goal",
    "judge",
    "change_sign",
    "change_word",
    "fmt",
    "fmt_amount",
    "quantities",
]

ABOUT_POINTS = 0.5  # tolerance of 左右 for a rate, in percentage points
ABOUT_RELATIVE = 0.05  # tolerance of 左右 for an amount, as a share of the target

Axis = Literal["change", "level"]
Mode = Literal[
    "at_least",
    "more_than",
    "at_most",
    "less_than",
    "about",
    "exact",
    "range",
    "positive",
    "qualitative",
]

_AT_LEAST = ("以上", "及以上", "不低于", "不少于", "至少")
_MORE_THAN = ("超过", "超", "突破", "逾", "高于", "大于", "多于")
_AT_MOST = ("以内", "以下", "及以下", "不超过", "不高于", "控制在", "之内")
_LESS_THAN = ("不到", "不足", "低于", "小于", "少于")
_ABOUT = ("左右", "上下", "约", "大约", "近", "接近", "将近")

# A change verb right before a number: 增长6%, 比上年下降3.1%, 增速达6%.  A verb
# followed by 到/至 gives a level instead: 提高到3.9%, 降至4.6%.
_UP = r"(?:增长|增加|增|提高|提升|上涨|上升|涨幅|增速|增幅|增长率|涨)"
_DOWN = r"(?:下降|降低|减少|回落|下滑|降幅|降|缩小|压减|减)"
_TAIL = r"(?:了|为|达|达到|是)?$"
_LEAD = r"(?:同比|比上年|较上年|比去年)?(?:实际|名义)?"
_UP_BEFORE = re.compile(_LEAD + _UP + _TAIL)
_DOWN_BEFORE = re.compile(_LEAD + _DOWN + _TAIL)
_NAME_CHANGE = re.compile(r"(?:涨幅|增速|增幅|增长率|增长|降幅)$")
_RANGE_JOIN = re.compile(r"^[-–—~～至到－]{1,2}$")


def quantities(text: str, offset: int = 0) -> list[Quantity]:
    """The numbers in a text, as :mod:`summarizer.report.numbers` reads them."""
    from summarizer.report.numbers import extract_quantities

    return list(extract_quantities(text, offset=offset))


@dataclass(frozen=True)
class Goal:
    """What a target asks for, in a form a result can be checked against."""

    mode: Mode
    axis: Axis = "level"
    kind: NumberKind | None = None
    unit: str = ""
    low: float | None = None
    high: float | None = None  # the upper end of a range
    decline: bool = False  # a 下降 target: numbers are sizes of decline
    shown: str = ""  # the number(s) as written: '6%', '5%-5.5%'

    @property
    def numeric(self) -> bool:
        return self.mode not in ("qualitative", "positive") and self.low is not None

    def accepts(self, kind: NumberKind, unit: str) -> bool:
        """Whether a number of this kind and unit measures the same thing."""
        if self.mode == "positive":
            return kind in ("percent", "points") or self.kind == kind
        if kind != self.kind:
            return False
        return kind != "quantity" or same_unit(unit, self.unit)


def same_unit(a: str, b: str) -> bool:
    people = {"人", "名", "人次"}
    return a == b or (a in people and b in people)


def change_sign(before: str) -> int | None:
    """+1 or -1 when the text just before a number makes it a change; None for a level."""
    found = change_word(before)
    return None if found is None else found[0]


def change_word(before: str) -> tuple[int, int] | None:
    """(sign, length) of the change phrase ending ``before`` (比上年增长 -> (1, 5)), if any."""
    tail = before[-10:]
    down, up = _DOWN_BEFORE.search(tail), _UP_BEFORE.search(tail)
    # 降 inside 下降, 增 inside 增长: the longer phrase ending here decides.
    best = max((m for m in (down, up) if m), key=lambda m: m.end() - m.start(), default=None)
    if best is None:
        return None
    return (-1 if best is down else 1), best.end() - best.start()


def _qualifier(phrase: str, given: str | None) -> str | None:
    words = [given] if given else []
    words += [w for w in (*_AT_MOST, *_AT_LEAST, *_MORE_THAN, *_LESS_THAN, *_ABOUT) if w in phrase]
    return words[0] if words else None


def _mode(qualifier: str | None) -> Mode:
    if not qualifier:
        return "exact"
    groups: tuple[tuple[tuple[str, ...], Mode], ...] = (
        (_AT_MOST, "at_most"),
        (_AT_LEAST, "at_least"),
        (_LESS_THAN, "less_than"),
        (_MORE_THAN, "more_than"),
        (_ABOUT, "about"),
    )
    for words, mode in groups:
        if qualifier in words:
            return mode
    # A qualifier holding one of these (不超过 holds 超过): the longest word decides.
    found = [(len(w), mode) for words, mode in groups for w in words if w in qualifier]
    return max(found)[1] if found else "exact"  # 力争, 确保: the number itself is the goal


def parse_goal(indicator: str, phrase: str, target: Target | None = None) -> Goal:
    """Read a target phrase (``增长6%左右``) of an indicator as a :class:`Goal`."""
    text = canon(phrase)
    found = [q for q in quantities(text) if not _is_year(q, text)]
    if not found and target is not None and target.values:
        kind: NumberKind = (
            "percent"
            if target.unit == "%"
            else ("points" if "百分点" in target.unit else "quantity")
        )
        found = [
            Quantity(
                raw=f"{v:g}{target.unit}",
                value=v,
                unit=target.unit,
                kind=kind,
                qualifier=target.qualifier,
            )
            for v in target.values[:2]
        ]
        before = re.split(r"\d", text, maxsplit=1)[0]
    else:
        before = text[: found[0].start] if found and found[0].start is not None else text
    if not found:
        if re.search(r"正增长|增长为正|正向增长", text):
            return Goal(mode="positive", axis="change", shown="正增长")
        return Goal(mode="qualitative")
    first = found[0]
    sign = change_sign(before)
    if sign is None and _NAME_CHANGE.search(canon(indicator)):
        sign = 1
    axis: Axis = "level" if sign is None else "change"
    if len(found) >= 2 and _is_range(found[0], found[1], text, target):
        second = found[1]
        low, high = sorted((abs(first.value), abs(second.value)))
        kind2 = first.kind if first.kind == second.kind else second.kind
        return Goal(
            mode="range",
            axis=axis,
            kind=kind2,
            unit=second.unit,
            low=low,
            high=high,
            decline=sign == -1,
            shown=f"{first.raw}-{second.raw}",
        )
    qualifier = _qualifier(
        text[first.end or 0 :] + (first.qualifier or ""),
        (target.qualifier if target else None) or first.qualifier,
    )
    if "控制在" in text and _mode(qualifier) in ("exact", "at_most"):
        qualifier = "控制在"
    return Goal(
        mode=_mode(qualifier),
        axis=axis,
        kind=first.kind,
        unit=first.unit,
        low=first.value,
        decline=sign == -1,
        shown=first.raw,
    )


def _is_year(q: Quantity, text: str) -> bool:
    end = q.end or 0
    return q.kind == "quantity" and not q.unit and text[end : end + 1] == "年"


def _is_range(a: Quantity, b: Quantity, text: str, target: Target | None) -> bool:
    if target is not None and target.kind == "range" and len(target.values) == 2:
        return True
    if a.end is None or b.start is None:
        return False
    if a.end == b.start and b.raw[:1] in "-－—–" and b.value < 0 < a.value:
        return True  # 6%-6.5% read as 6% and -6.5%
    return bool(_RANGE_JOIN.match(text[a.end : b.start]))


@dataclass(frozen=True)
class Judgement:
    met: bool
    rule: str  # the rule and the comparison made, for the reader


def fmt(value: float) -> str:
    """A number as a reader writes it: 6, 5.5, 0.25."""
    return f"{round(value, 6):g}"


def fmt_amount(value: float, kind: NumberKind | None, unit: str = "") -> str:
    """A value with its unit, large amounts in 万/亿/万亿: 1.1e7 人 -> '1100万人'."""
    if kind == "percent":
        return f"{fmt(value)}%"
    if kind == "points":
        return f"{fmt(value)}个百分点"
    for scale, word in ((1e12, "万亿"), (1e8, "亿"), (1e4, "万")):
        if abs(value) >= scale:
            return f"{fmt(value / scale)}{word}{unit}"
    return f"{fmt(value)}{unit}"


def judge(
    goal: Goal,
    result: float,
    *,
    shown: str | None = None,
    lower_better: bool = False,
    points: float = ABOUT_POINTS,
    relative: float = ABOUT_RELATIVE,
) -> Judgement:
    """Judge a result against a goal.

    ``result`` is on the goal's axis (a change for a growth target; for a 下降 target the
    size of the decline).  ``shown`` is the result's number as written, for the rule text.
    """
    r = shown or fmt_amount(result, goal.kind, goal.unit)
    what = "降幅" if goal.decline else "结果"
    if goal.mode == "positive":
        return Judgement(
            result > 0,
            f"目标为正增长：{what}{r}{'>' if result > 0 else '≤'}0，"
            f"{'满足' if result > 0 else '不满足'}",
        )
    if goal.low is None:
        raise ValueError("a goal without a number cannot be judged")
    if goal.decline:
        lower_better = False  # a larger decline is what a 下降 target asks for
    x = goal.low

    def amount(value: float) -> str:
        return fmt_amount(value, goal.kind, goal.unit)

    def says(ok: bool) -> str:
        return "满足" if ok else "不满足"

    if goal.mode == "range":
        high = goal.high if goal.high is not None else x
        span = f"{amount(x)}—{amount(high)}"
        if x <= result <= high:
            return Judgement(True, f"区间目标{span}：{what}{r}在区间内")
        above = result > high
        ok = above != lower_better
        side = "高于上限" if above else "低于下限"
        return Judgement(
            ok,
            f"区间目标{span}：{what}{r}{side}，" + ("好于区间，视为达成" if ok else "未达到区间"),
        )
    if goal.mode in ("at_least", "more_than", "at_most", "less_than"):
        op = {"at_least": "≥", "more_than": ">", "at_most": "≤", "less_than": "<"}[goal.mode]
        ok = {
            "at_least": result >= x,
            "more_than": result > x,
            "at_most": result <= x,
            "less_than": result < x,
        }[goal.mode]
        return Judgement(ok, f"要求{what}{op}{amount(x)}：{what}{r}，{says(ok)}")
    if goal.mode == "about":
        rate = goal.kind in ("percent", "points")
        tol = points if rate else abs(x) * relative
        tol_text = f"{fmt(points)}个百分点" if rate else f"目标的{fmt(relative * 100)}%"
        bound = x + tol if lower_better else x - tol
        ok = result <= bound if lower_better else result >= bound
        op = "≤" if lower_better else "≥"
        return Judgement(
            ok, f"“左右”容差{tol_text}，要求{what}{op}{amount(bound)}：{what}{r}，{says(ok)}"
        )
    # exact: the number itself is the goal; reaching it in the better direction is met.
    ok = result <= x if lower_better else result >= x
    op = "≤" if lower_better else "≥"
    return Judgement(
        ok, f"无修饰目标按“达到”判断，要求{what}{op}{amount(x)}：{what}{r}，{says(ok)}"
    )
