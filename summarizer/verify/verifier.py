"""Check a summary against its source: every number grounded, every quote found.

A number in a summary is grounded when the source states the same quantity (same value
after scaling, same kind, a compatible unit, the same qualifier, the same digits) in the
place the summary cites: inside one of its evidence spans, give or take :data:`SLACK`
characters that stay in the same sentence.  A figure or target without evidence is checked
against the sentences that name its indicator; any other field without evidence against
the whole source.  Digits that are not quantities (dates, names such as “8+4”) must occur
verbatim.  The abstractive fields are checked too: an area's ``summary`` against the area's
evidence, the ``overview`` (a digest of the whole report) against the whole source.

The checks catch a changed digit, 亿 written for 万, a moved decimal point, % for 个百分点,
a dropped or changed qualifier, and a number taken from another sentence.

A number the source states only inside text that addresses a reader or a model (a planted
instruction, :mod:`summarizer.report.instructions`) is not the report's: it is never
grounded, and its check is marked ``planted`` (suspicious).
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterable, Iterator, Sequence

from pydantic import TypeAdapter

from summarizer.report.index import SLACK, SourceIndex, Window
from summarizer.report.numbers import (
    digit_tokens,
    extract_quantities,
    magnitude_scale,
    quick_fold,
    same_quantity,
)
from summarizer.schema import (
    Evidence,
    Figure,
    NumberCheck,
    Quantity,
    ReportSummary,
    Target,
    Verification,
    Warning,
)
from summarizer.verify.bound import UNBOUND_ZH, check_bound

__all__ = [
    "SLACK",
    "PLANTED",
    "UNBOUND_ZH",
    "SourceIndex",
    "check_text",
    "verify",
    "attach_verification",
]

_NUMBERING = re.compile(r"\(?[0-9]{1,2}[.、)](?![0-9])")
_HAS_NUMBER = re.compile(r"[0-9０-９零〇一二两三四五六七八九十百千万亿]")


_JOIN = "\x00\n"  # between fields read together: no number, range or quotation crosses it


# White space inside a number as a summary may write it: "38 万吨", "5 . 5%", "21860 亿元".
_NUMBER_GAP = re.compile(r"(?<=[\d.．])\s+(?=[\d.．%％‰\u4e00-\u9fff])")


def _compact(text: str) -> str:
    return _NUMBER_GAP.sub("", text) if " " in text or "\n" in text else text


class _Fields:
    """The quantities and other digit runs of many summary fields, read in one pass.

    Reading the fields joined is much faster than one by one, and gives the same result:
    the joint stops every pattern that looks beyond a number.
    """

    def __init__(self, texts: Iterable[str]) -> None:
        unique = [t for t in dict.fromkeys(texts) if t and _HAS_NUMBER.search(t)]
        self._read: dict[str, tuple[list[Quantity], list[str]]] = {t: ([], []) for t in unique}
        if not unique:
            return
        starts: list[int] = []
        pos = 0
        for text in unique:
            starts.append(pos)
            pos += len(_compact(text)) + len(_JOIN)
        joined = _JOIN.join(_compact(t) for t in unique)
        covered: list[tuple[int, int]] = []
        for q in extract_quantities(joined):
            self._read[unique[bisect.bisect_right(starts, q.start or 0) - 1]][0].append(q)
            covered.append((q.start or 0, q.end or 0))
        c = 0
        for token, start, end in digit_tokens(joined):
            while c < len(covered) and covered[c][1] <= start:
                c += 1
            if c < len(covered) and covered[c][0] <= start and end <= covered[c][1]:
                continue
            i = bisect.bisect_right(starts, start) - 1
            numbering = _NUMBERING.match(joined, starts[i])
            if numbering and start < numbering.end():
                continue  # a list number the summary kept: 1. 2、 (3)
            self._read[unique[i]][1].append(quick_fold(token))

    def quantities(self, text: str) -> list[Quantity]:
        return self._read[text][0] if text in self._read else []

    def tokens(self, text: str) -> list[str]:
        """Digit runs outside every quantity: dates, names, codes."""
        return self._read[text][1] if text in self._read else []


# -- checking text ---------------------------------------------------------------------

_SCOPE_NAMES = {"evidence": "evidence", "indicator": "the sentence of its indicator"}
_ELSEWHERE = {
    "evidence": "in source but not in the cited sentence",
    "indicator": "in source but not in the sentence of its indicator",
}
PLANTED = "only inside an instruction planted in the source"
PLANTED_ZH = "只出现在原文中疑似写给模型或读者的指令里，不是报告本身的内容"


# A check is built as a plain dict and validated once, with all the others: much faster
# than one model at a time, and a verifier runs on every summary.
_Check = dict[str, object]
_NUMBER_CHECKS = TypeAdapter(list[NumberCheck])


def _verdict(
    path: str, raw: str, grounded: bool, reason: str, source: Evidence | None = None
) -> _Check:
    return {"path": path, "raw": raw, "grounded": grounded, "reason": reason, "source": source}


def _planted(path: str, raw: str, source: Evidence) -> _Check:
    return {
        "path": path,
        "raw": raw,
        "grounded": False,
        "reason": PLANTED,
        "source": source,
        "planted": True,
    }


def _check(
    text: str,
    fields: _Fields,
    index: SourceIndex,
    path: str,
    windows: Sequence[Window] | None,
    scope: str | None,
) -> list[_Check]:
    """Number checks for one field; ``windows`` are normalised spans (None: anywhere)."""
    checks = [_check_quantity(q, index, path, windows, scope) for q in fields.quantities(text)]
    for token in fields.tokens(text):
        checks.append(_check_token(token, index, path, windows, scope))
    return checks


def _check_quantity(
    q: Quantity, index: SourceIndex, path: str, windows: Sequence[Window] | None, scope: str | None
) -> _Check:
    where = _SCOPE_NAMES.get(scope or "", "source")
    i = index.match(q, windows, written=True)
    if i is not None:
        return _verdict(path, q.raw, True, f"found in {where}", index.cite(i))
    pos = index.verbatim(q.raw, windows)
    if pos is not None:
        source = index.evidence(pos, pos + len(q.raw))
        return _verdict(path, q.raw, True, f"found verbatim in {where}", source)
    planted = index.planted(q, windows)
    if planted is not None:
        return _planted(path, q.raw, planted)
    if windows is not None:
        miss = index.near_miss(q, index.within(windows), nearby=True)
        if miss is not None:
            return _verdict(path, q.raw, False, miss[0], index.cite(miss[1]))
        elsewhere = _ELSEWHERE[scope or "evidence"]
        i = index.match(q, None, written=True)
        if i is not None:
            return _verdict(path, q.raw, False, elsewhere, index.cite(i))
        pos = index.verbatim(q.raw, None)
        if pos is not None:
            return _verdict(path, q.raw, False, elsewhere, index.evidence(pos, pos + len(q.raw)))
        planted = index.planted(q, None)
        if planted is not None:
            return _planted(path, q.raw, planted)
        return _verdict(path, q.raw, False, "not in source")
    miss = index.near_miss(q, index.related(q), nearby=False)
    if miss is not None:
        return _verdict(path, q.raw, False, miss[0], index.cite(miss[1]))
    return _verdict(path, q.raw, False, "not in source")


def _check_token(
    token: str, index: SourceIndex, path: str, windows: Sequence[Window] | None, scope: str | None
) -> _Check:
    """A digit run that is no quantity (a date, a name) must occur verbatim."""
    where = _SCOPE_NAMES.get(scope or "", "source")
    pos = index.token_in(token, windows if windows is not None else [(0, len(index.source.text))])
    if pos is not None:
        source = index.evidence(pos, pos + len(token))
        return _verdict(path, token, True, f"found verbatim in {where}", source)
    planted = index.planted(token, windows)
    if planted is not None:
        return _planted(path, token, planted)
    if index.has_token(token):
        return _verdict(path, token, False, _ELSEWHERE[scope or "evidence"])
    planted = index.planted(token, None) if windows is not None else None
    if planted is not None:
        return _planted(path, token, planted)
    return _verdict(path, token, False, "not in source")


def _evidence_windows(
    index: SourceIndex, evidence: Sequence[Evidence], path: str | None = None
) -> tuple[list[Window], list[_Check]]:
    """The windows evidence allows, and (with a path) whether each quote is found."""
    windows: list[Window] = []
    quotes: list[_Check] = []
    for k, ev in enumerate(evidence):
        span, found = index.place(ev)
        if span is not None:
            windows.append(span)
        if path is not None:
            quotes.append({"path": f"{path}.evidence[{k}]", "found": found})
    return windows, quotes


def check_text(
    text: str, index: SourceIndex, *, path: str, evidence: Sequence[Evidence] = ()
) -> list[NumberCheck]:
    """Check every number in one field of a summary against the source.

    Every quantity must match a source quantity; with ``evidence``, one inside an evidence
    span (widened by :data:`SLACK` characters within its sentence).  Every other digit run
    (dates, names) must occur verbatim, inside the evidence when there is some.
    """
    windows, _ = _evidence_windows(index, evidence)
    fields = _Fields([text])
    if windows:
        checks = _check(text, fields, index, path, windows, "evidence")
    else:
        checks = _check(text, fields, index, path, None, None)
    return _NUMBER_CHECKS.validate_python(checks)


# -- walking a summary -----------------------------------------------------------------


class _Walker:
    def __init__(self, index: SourceIndex, fields: _Fields) -> None:
        self.index = index
        self.fields = fields
        self.numbers: list[_Check] = []
        self.quotes: list[_Check] = []

    def evidence(self, path: str, evidence: Sequence[Evidence]) -> list[Window] | None:
        windows, quotes = _evidence_windows(self.index, evidence, path)
        self.quotes.extend(quotes)
        return windows or None

    def text(
        self, text: str, path: str, windows: list[Window] | None, scope: str | None
    ) -> list[_Check]:
        """Check one field; its checks, quantities first, in the order of the text."""
        checks = _check(text, self.fields, self.index, path, windows, scope if windows else None)
        self.numbers.extend(checks)
        return checks

    def scoped(
        self, path: str, evidence: Sequence[Evidence], indicator: str, parent: list[Window] | None
    ) -> tuple[list[Window] | None, str | None]:
        """Windows for a figure or target: its evidence, else the sentences that name its
        indicator and its parent's evidence."""
        own = self.evidence(path, evidence)
        if own:
            return own, "evidence"
        named = self.index.indicator_windows(indicator)
        if named:
            return [*named, *(parent or ())], "indicator"
        return parent, "evidence" if parent else None

    def bind(
        self, indicator: str, value: str, q: Quantity | None, checks: list[_Check],
        windows: list[Window] | None,
    ) -> None:
        """Mark the check of an item's number with whether the source binds it to the item's
        indicator (:mod:`summarizer.verify.bound`)."""
        stated = self.fields.quantities(value)
        if q is None:
            q = stated[0] if stated else None
        if q is None:
            return
        k = next((i for i, s in enumerate(stated) if same_quantity(q, s, qualifier=False)), None)
        if k is None or k >= len(checks) or not checks[k]["grounded"]:
            return
        verdict = check_bound(self.index, indicator, value, stated[k], windows)
        checks[k]["bound"] = verdict.bound
        if not verdict.bound:
            checks[k]["clause"] = verdict.clause

    def figure(self, path: str, figure: Figure, parent: list[Window] | None) -> None:
        windows, scope = self.scoped(path, figure.evidence, figure.indicator, parent)
        self.text(figure.indicator, f"{path}.indicator", windows, scope)
        checks = self.text(figure.value, f"{path}.value", windows, scope)
        self.bind(figure.indicator, figure.value, figure.quantity, checks, windows)
        if figure.quantity is not None:
            stated = self.fields.quantities(figure.value)
            same = [
                i
                for i, q in enumerate(stated)
                if same_quantity(figure.quantity, q, qualifier=False)
            ]
            self.numbers.append(
                _consistent(f"{path}.quantity", figure.quantity.raw, same, checks, "value phrase")
            )

    def target(self, path: str, target: Target) -> None:
        windows, scope = self.scoped(path, target.evidence, target.indicator, None)
        self.text(target.indicator, f"{path}.indicator", windows, scope)
        checks = self.text(target.target, f"{path}.target", windows, scope)
        self.bind(target.indicator, target.target, None, checks, windows)
        stated = self.fields.quantities(target.target)
        for k, value in enumerate(target.values):
            same = [
                i
                for i, q in enumerate(stated)
                if math.isclose(value, q.value, rel_tol=1e-9, abs_tol=1e-12)
                or math.isclose(value, q.value / magnitude_scale(q.magnitude), rel_tol=1e-9)
            ]
            self.numbers.append(
                _consistent(f"{path}.values[{k}]", _shown(value), same, checks, "target phrase")
            )


def _shown(value: float) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.10g}"


def _consistent(path: str, raw: str, same: list[int], checks: list[_Check], phrase: str) -> _Check:
    """A structured copy of a number (Target.values, Figure.quantity) against its phrase:
    it must be one of the phrase's numbers, and is grounded only if that number is."""
    if not same:
        return _verdict(path, raw, False, f"not in the {phrase}")
    if any(checks[i]["grounded"] for i in same):
        return _verdict(path, raw, True, f"agrees with the {phrase}")
    return _verdict(path, raw, False, f"agrees with the {phrase}, which is not grounded")


def _texts(summary: ReportSummary) -> Iterator[str]:
    """Every string field of a summary that can hold a number."""
    if summary.overview:
        yield summary.overview
    for figure in summary.headline_figures:
        yield from (figure.indicator, figure.value)
    for area in summary.review_areas:
        yield area.title
        if area.summary:
            yield area.summary
        yield from area.highlights
        for figure in area.figures:
            yield from (figure.indicator, figure.value)
    for problem in summary.problems:
        yield problem.text
    for target in summary.targets:
        yield from (target.indicator, target.target)
    for task_area in summary.task_areas:
        yield task_area.title
        if task_area.summary:
            yield task_area.summary
        for item in task_area.items:
            yield item.text
            for goal in item.goals:
                yield from (goal.indicator, goal.value)


def verify(summary: ReportSummary, index: SourceIndex) -> Verification:
    """Check every number and quote of a summary against its source."""
    w = _Walker(index, _Fields(_texts(summary)))
    if summary.overview:  # a digest of the whole report: its numbers anywhere in it
        w.text(summary.overview, "overview", None, None)
    for i, figure in enumerate(summary.headline_figures):
        w.figure(f"headline_figures[{i}]", figure, None)
    for i, area in enumerate(summary.review_areas):
        path = f"review_areas[{i}]"
        windows = w.evidence(path, area.evidence)
        w.text(area.title, f"{path}.title", windows, "evidence")
        if area.summary:  # an analyst's sentence: its numbers in the area's evidence
            w.text(area.summary, f"{path}.summary", windows, "evidence")
        for j, highlight in enumerate(area.highlights):
            w.text(highlight, f"{path}.highlights[{j}]", windows, "evidence")
        for k, figure in enumerate(area.figures):
            w.figure(f"{path}.figures[{k}]", figure, windows)
    for i, problem in enumerate(summary.problems):
        path = f"problems[{i}]"
        w.text(problem.text, f"{path}.text", w.evidence(path, problem.evidence), "evidence")
    for i, target in enumerate(summary.targets):
        w.target(f"targets[{i}]", target)
    for i, task_area in enumerate(summary.task_areas):
        path = f"task_areas[{i}]"
        windows = w.evidence(path, task_area.evidence)
        w.text(task_area.title, f"{path}.title", windows, "evidence")
        if task_area.summary:
            w.text(task_area.summary, f"{path}.summary", windows, "evidence")
        for j, item in enumerate(task_area.items):
            item_path = f"{path}.items[{j}]"
            item_windows = w.evidence(item_path, item.evidence) or windows
            w.text(item.text, f"{item_path}.text", item_windows, "evidence")
            for k, goal in enumerate(item.goals):
                w.figure(f"{item_path}.goals[{k}]", goal, item_windows)
    return Verification.model_validate(
        {
            "numbers": w.numbers,
            "quotes": w.quotes,
            "numbers_total": len(w.numbers),
            "numbers_grounded": sum(bool(c["grounded"]) for c in w.numbers),
            "numbers_verified": sum(
                bool(c["grounded"]) and c.get("bound") is not False for c in w.numbers
            ),
            "figures_total": sum(c.get("bound") is not None for c in w.numbers),
            "figures_bound": sum(c.get("bound") is True for c in w.numbers),
            "quotes_total": len(w.quotes),
            "quotes_found": sum(bool(c["found"]) for c in w.quotes),
        }
    )


def attach_verification(summary: ReportSummary, index: SourceIndex) -> ReportSummary:
    """A copy of ``summary`` with its verification set, and a warning when numbers in it
    cannot be traced to the source."""
    verification = verify(summary, index)
    warnings = [
        w for w in summary.warnings if w.code not in ("ungrounded_numbers", "planted_numbers")
    ]
    bad = verification.ungrounded
    planted = [check for check in bad if check.planted]
    if planted:
        shown = "、".join(list(dict.fromkeys(c.raw for c in planted))[:8])
        warnings.append(
            Warning(
                code="planted_numbers",
                message=f"摘要中有 {len(planted)} 个数字（{shown}）{PLANTED_ZH}，未予核实，不可采信。",
            )
        )
    if bad:
        shown = "、".join(list(dict.fromkeys(c.raw for c in bad))[:8])
        warnings.append(
            Warning(
                code="ungrounded_numbers",
                message=f"{len(bad)} number(s) in the summary could not be traced to the "
                f"source: {shown}",
            )
        )
    return summary.model_copy(update={"verification": verification, "warnings": warnings})
