"""Check a summary against its source: every number grounded, every quote found.

A number in a summary is grounded when the source states the same quantity (same value
after scaling, same kind, a compatible unit, the same qualifier) in the place the summary
cites: inside one of its evidence spans, give or take :data:`SLACK` characters that stay
in the same sentence.  An item without evidence is checked against the sentences where its
indicator occurs (figures and targets) or against the whole source.  Digits that are not
quantities (dates, names such as “8+4”) must occur verbatim.

The checks catch a changed digit, 亿 written for 万, a moved decimal point, % for 个百分点,
a dropped or changed qualifier, and a number taken from another sentence.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from summarizer.normalize import NormalizedText, canon, fold_width
from summarizer.numbers import (
    digit_tokens,
    extract_quantities,
    magnitude_scale,
    same_qualifier,
    same_quantity,
)
from summarizer.schema import (
    Evidence,
    Figure,
    NumberCheck,
    Quantity,
    QuoteCheck,
    ReportSummary,
    Target,
    Verification,
    Warning,
)

__all__ = ["SLACK", "SourceIndex", "check_text", "verify", "attach_verification"]

SLACK = 30  # characters an evidence span may be widened by, within its sentence
_BOUNDARY = re.compile(r"[。!?;\n！？；]")
_NON_SPACE = re.compile(r"\S+")
_QUOTE_MARKS = str.maketrans({"“": '"', "”": '"', "「": '"', "」": '"', "『": '"', "』": '"',
                              "‘": "'", "’": "'"})  # fmt: skip
_ELLIPSIS = re.compile(r"(?:…+|\.{3,})")
_NUMBERING = re.compile(r"^\(?[0-9]{1,2}[.、)](?![0-9])")
_HAS_NUMBER = re.compile(r"[0-9０-９零〇一二两三四五六七八九十百千万亿]")

Window = tuple[int, int]  # a span of the normalised text


def _key(value: float) -> str:
    return f"{value:.9g}"


def _search_form(text: str) -> str:
    """The form quotes are compared in: :func:`canon`, with quotation marks unified."""
    return canon(text).translate(_QUOTE_MARKS)


@dataclass
class _CanonMap:
    """A text with white space removed, and where each piece came from."""

    text: str
    starts: list[int]  # offset of each piece in ``text``
    origins: list[int]  # offset of each piece in the text it was made from

    @classmethod
    def build(cls, source: str) -> _CanonMap:
        pieces, starts, origins = [], [], []
        pos = 0
        for m in _NON_SPACE.finditer(source):
            pieces.append(m.group())
            starts.append(pos)
            origins.append(m.start())
            pos += m.end() - m.start()
        return cls(fold_width("".join(pieces)).translate(_QUOTE_MARKS), starts, origins)

    def span(self, start: int, end: int) -> Window:
        """The span of the source text under canon span [start, end)."""
        a = bisect.bisect_right(self.starts, start) - 1
        b = bisect.bisect_right(self.starts, end - 1) - 1
        return self.origins[a] + start - self.starts[a], self.origins[b] + end - 1 - self.starts[b] + 1

    def find_all(self, needle: str, limit: int = 200) -> list[Window]:
        """Canon spans of every occurrence of ``needle`` (already in search form)."""
        spans: list[Window] = []
        if not needle:
            return spans
        pos = self.text.find(needle)
        while pos >= 0 and len(spans) < limit:
            spans.append((pos, pos + len(needle)))
            pos = self.text.find(needle, pos + 1)
        return spans

    def find_parts(self, parts: list[str], near: int | None) -> Window | None:
        """The canon span of ``parts`` found in order (a quote cut with …), nearest ``near``."""
        best: Window | None = None
        for first_start, first_end in self.find_all(parts[0]):
            end = first_end
            for part in parts[1:]:
                pos = self.text.find(part, end, end + 2000)
                if pos < 0:
                    break
                end = pos + len(part)
            else:
                if near is None:
                    return first_start, end
                if best is None or abs(first_start - near) < abs(best[0] - near):
                    best = (first_start, end)
        return best


@dataclass
class SourceIndex:
    """The numbers, digits and quotable text of one source, extracted once.

    ``quantities`` have spans in normalised offsets; ``original_spans[i]`` is the span of
    ``quantities[i]`` in the original text.
    """

    source: NormalizedText
    quantities: list[Quantity]
    original_spans: list[Window] = field(default_factory=list)
    tokens: list[tuple[str, int, int]] = field(default_factory=list, repr=False)
    _starts: list[int] = field(default_factory=list, repr=False)
    _by_value: dict[str, list[int]] = field(default_factory=dict, repr=False)
    _by_mantissa: dict[str, list[int]] = field(default_factory=dict, repr=False)
    _token_starts: list[int] = field(default_factory=list, repr=False)
    _token_set: set[str] = field(default_factory=set, repr=False)
    _boundaries: list[int] = field(default_factory=list, repr=False)
    _canon: _CanonMap | None = field(default=None, repr=False)
    _canon_original: _CanonMap | None = field(default=None, repr=False)
    _indicator_cache: dict[str, list[Window]] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, source: NormalizedText) -> SourceIndex:
        text = source.text
        quantities = extract_quantities(text)
        index = cls(source, quantities)
        index.original_spans = [source.span_to_original(q.start or 0, q.end or 0) for q in quantities]
        index._starts = [q.start or 0 for q in quantities]
        for i, q in enumerate(quantities):
            index._by_value.setdefault(_key(q.value), []).append(i)
            mantissa = q.value / magnitude_scale(q.magnitude)
            index._by_mantissa.setdefault(_key(mantissa), []).append(i)
        index.tokens = digit_tokens(text)
        index._token_starts = [start for _, start, _ in index.tokens]
        index._token_set = {token for token, _, _ in index.tokens}
        index._boundaries = [m.start() for m in _BOUNDARY.finditer(text)]
        index._canon = _CanonMap.build(text)
        return index

    # -- places ---------------------------------------------------------------------

    def _sentence(self, start: int, end: int) -> Window:
        """The sentence (or clause ended by ;) holding normalised span [start, end)."""
        b = self._boundaries
        i = bisect.bisect_left(b, start) - 1
        j = bisect.bisect_left(b, max(end - 1, start))
        return (b[i] + 1 if i >= 0 else 0), (b[j] + 1 if j < len(b) else len(self.source.text))

    def _widen(self, start: int, end: int) -> Window:
        """A normalised span widened by SLACK characters, without leaving its sentence."""
        s_start, s_end = self._sentence(start, end)
        return max(start - SLACK, min(s_start, start)), min(end + SLACK, max(s_end, end))

    def _window(self, start: int, end: int) -> Window:
        """The normalised window an original span allows, slack included."""
        n_start = self.source.to_normalized(start)
        n_end = max(self.source.to_normalized(end), n_start + 1)
        return self._widen(n_start, n_end)

    def _locate(self, quote: str, near: int | None = None) -> Window | None:
        """Normalised span of a quote, the occurrence nearest original offset ``near``."""
        parts = [p for p in _ELLIPSIS.split(_search_form(quote)) if p]
        if not parts or self._canon is None:
            return None
        near_canon = None
        if near is not None:
            n = self.source.to_normalized(near)
            near_canon = bisect.bisect_right(self._canon.origins, n) - 1
            near_canon = self._canon.starts[near_canon] if near_canon >= 0 else 0
        found = self._canon.find_parts(parts, near_canon)
        if found is not None:
            return self._canon.span(*found)
        # Text the normalisation dropped (page furniture) may sit inside a quote.
        if self._canon_original is None:
            self._canon_original = _CanonMap.build(self.source.original)
        found = self._canon_original.find_parts(parts, None)
        if found is None:
            return None
        o_start, o_end = self._canon_original.span(*found)
        return self.source.to_normalized(o_start), max(
            self.source.to_normalized(o_end), self.source.to_normalized(o_start) + 1
        )

    def locate_quote(self, quote: str) -> tuple[int, int] | None:
        """The original span of ``quote`` in the source, compared by :func:`canon`
        (line breaks, white space, width and quotation-mark styles do not matter; a quote
        shortened with … matches its parts in order).  None when it is not there."""
        span = self._locate(quote)
        return None if span is None else self.source.span_to_original(*span)

    def _indicator_windows(self, indicator: str) -> list[Window]:
        """The sentences of the source where an indicator is named."""
        needle = _search_form(indicator)
        if needle in self._indicator_cache:
            return self._indicator_cache[needle]
        windows: list[Window] = []
        if len(needle) >= 2 and not needle.isdigit() and self._canon is not None:
            for c_start, c_end in self._canon.find_all(needle, limit=100):
                windows.append(self._sentence(*self._canon.span(c_start, c_end)))
        self._indicator_cache[needle] = windows
        return windows

    # -- lookups --------------------------------------------------------------------

    def _in_windows(self, windows: Sequence[Window]) -> list[int]:
        """Indexes of source quantities lying inside any of the windows."""
        found: list[int] = []
        seen: set[int] = set()
        for w_start, w_end in windows:
            i = bisect.bisect_left(self._starts, w_start)
            while i < len(self.quantities) and self._starts[i] < w_end:
                if (self.quantities[i].end or 0) <= w_end and i not in seen:
                    seen.add(i)
                    found.append(i)
                i += 1
        return found

    def find(
        self, q: Quantity, *, window: tuple[int, int] | None = None, qualifier: bool = True
    ) -> Quantity | None:
        """A source quantity that is the same as ``q``, or None.

        ``window`` is a span of the ORIGINAL text (an evidence span); the match must lie
        in it, widened by :data:`SLACK` characters within the same sentence.  The result
        has normalised offsets; its original span is in :attr:`original_spans`.
        """
        i = self._find(q, None if window is None else [self._window(*window)], qualifier)
        return None if i is None else self.quantities[i]

    def _find(self, q: Quantity, windows: Sequence[Window] | None, qualifier: bool) -> int | None:
        if windows is None:
            candidates = self._by_value.get(_key(q.value), [])
        else:
            candidates = self._in_windows(windows)
        for i in candidates:
            if same_quantity(q, self.quantities[i], qualifier=qualifier):
                return i
        return None

    def _verbatim(self, raw: str, windows: Sequence[Window] | None) -> int | None:
        """Where ``raw`` occurs in the source outside every quantity (a name, a quote)."""
        text = self.source.text
        needle = fold_width(raw)
        if not needle:
            return None
        ranges = windows if windows is not None else [(0, len(text))]
        for w_start, w_end in ranges:
            pos = text.find(needle, w_start, w_end)
            while pos >= 0:
                end = pos + len(needle)
                before = text[pos - 1] if pos else ""
                after = text[end] if end < len(text) else ""
                if not (before.isdigit() or before == "." or after.isdigit()) and not self._overlaps(
                    pos, end
                ):
                    return pos
                pos = text.find(needle, pos + 1, w_end)
        return None

    def _overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self._starts, end - 1) - 1
        while i >= 0 and (self.quantities[i].end or 0) > start - 40:
            if (self.quantities[i].end or 0) > start and self._starts[i] < end:
                return True
            i -= 1
        return False

    def _token_in(self, token: str, windows: Sequence[Window]) -> int | None:
        for w_start, w_end in windows:
            i = bisect.bisect_left(self._token_starts, w_start)
            while i < len(self.tokens) and self._token_starts[i] < w_end:
                if self.tokens[i][0] == token:
                    return self.tokens[i][1]
                i += 1
        return None

    def _near_miss(self, q: Quantity, candidates: Sequence[int]) -> tuple[str, int] | None:
        """Why no candidate matches ``q`` although one states a closely related number."""
        mantissa = q.value / magnitude_scale(q.magnitude)
        for i in candidates:
            s = self.quantities[i]
            if not math.isclose(s.value, q.value, rel_tol=1e-9, abs_tol=1e-12):
                continue
            if s.kind != q.kind:
                return f"unit differs from source ({_unit(q)} vs {_unit(s)})", i
            if q.unit and s.unit and q.unit != s.unit:
                return f"unit differs from source ({q.unit} vs {s.unit})", i
            if not same_qualifier(q.qualifier, s.qualifier):
                return (
                    f"qualifier differs from source ({q.qualifier or 'none'} vs "
                    f"{s.qualifier or 'none'})",
                    i,
                )
        for i in candidates:
            s = self.quantities[i]
            if s.magnitude != q.magnitude and math.isclose(
                s.value / magnitude_scale(s.magnitude), mantissa, rel_tol=1e-9, abs_tol=1e-12
            ):
                return (
                    f"magnitude differs from source ({q.magnitude or 'none'} vs "
                    f"{s.magnitude or 'none'})",
                    i,
                )
        return None

    def _evidence(self, start: int, end: int) -> Evidence:
        """Evidence for a normalised span, in original offsets."""
        o_start, o_end = self.source.span_to_original(start, end)
        return Evidence(start=o_start, end=o_end, quote=self.source.original_quote(start, end))

    def _quantity_evidence(self, i: int) -> Evidence:
        o_start, o_end = self.original_spans[i]
        q = self.quantities[i]
        return Evidence(
            start=o_start, end=o_end, quote=self.source.original_quote(q.start or 0, q.end or 0)
        )


def _unit(q: Quantity) -> str:
    return {"percent": q.unit or "%", "points": "个百分点"}.get(q.kind, q.unit or "no unit")


# -- checking text ---------------------------------------------------------------------

_SCOPE_NAMES = {"evidence": "evidence", "indicator": "the sentence of its indicator"}
_ELSEWHERE = {
    "evidence": "in source but not in the cited sentence",
    "indicator": "in source but not in the sentence of its indicator",
}


def _check(
    text: str,
    index: SourceIndex,
    path: str,
    windows: Sequence[Window] | None,
    scope: str | None,
) -> list[NumberCheck]:
    """Number checks for one field; ``windows`` are normalised spans (None: anywhere)."""
    checks: list[NumberCheck] = []
    if not text or not _HAS_NUMBER.search(text):
        return checks
    where = _SCOPE_NAMES.get(scope or "", "source")
    quantities = extract_quantities(text)
    for q in quantities:
        checks.append(_check_quantity(q, index, path, windows, scope, where))
    covered = [(q.start or 0, q.end or 0) for q in quantities]
    numbering = _NUMBERING.match(fold_width(text))
    for token, start, end in digit_tokens(text):
        if numbering and start < numbering.end():
            continue  # a list number the summary kept: 1. 2、 (3)
        if any(a <= start and end <= b for a, b in covered):
            continue
        checks.append(_check_token(fold_width(token), token, index, path, windows, scope, where))
    return checks


def _check_quantity(
    q: Quantity,
    index: SourceIndex,
    path: str,
    windows: Sequence[Window] | None,
    scope: str | None,
    where: str,
) -> NumberCheck:
    def verdict(grounded: bool, reason: str, source: Evidence | None) -> NumberCheck:
        return NumberCheck(path=path, raw=q.raw, grounded=grounded, reason=reason, source=source)

    i = index._find(q, windows, True)
    if i is not None:
        return verdict(True, f"found in {where}", index._quantity_evidence(i))
    pos = index._verbatim(q.raw, windows)
    if pos is not None:
        return verdict(True, f"found verbatim in {where}", index._evidence(pos, pos + len(q.raw)))
    if windows is not None:
        miss = index._near_miss(q, index._in_windows(windows))
        if miss is not None:
            return verdict(False, miss[0], index._quantity_evidence(miss[1]))
        i = index._find(q, None, True)
        if i is not None:
            return verdict(False, _ELSEWHERE[scope or "evidence"], index._quantity_evidence(i))
        pos = index._verbatim(q.raw, None)
        if pos is not None:
            return verdict(
                False, _ELSEWHERE[scope or "evidence"], index._evidence(pos, pos + len(q.raw))
            )
    mantissa = q.value / magnitude_scale(q.magnitude)
    candidates = index._by_value.get(_key(q.value), []) + index._by_mantissa.get(_key(mantissa), [])
    miss = index._near_miss(q, candidates)
    if miss is not None:
        return verdict(False, miss[0], index._quantity_evidence(miss[1]))
    return verdict(False, "not in source", None)


def _check_token(
    token: str,
    raw: str,
    index: SourceIndex,
    path: str,
    windows: Sequence[Window] | None,
    scope: str | None,
    where: str,
) -> NumberCheck:
    if windows is not None:
        pos = index._token_in(token, windows)
        if pos is not None:
            return NumberCheck(
                path=path, raw=raw, grounded=True, reason=f"found verbatim in {where}",
                source=index._evidence(pos, pos + len(token)),
            )  # fmt: skip
    if token in index._token_set:
        if windows is None:
            pos = index._token_in(token, [(0, len(index.source.text))])
            return NumberCheck(
                path=path, raw=raw, grounded=True, reason="found verbatim in source",
                source=None if pos is None else index._evidence(pos, pos + len(token)),
            )  # fmt: skip
        return NumberCheck(path=path, raw=raw, grounded=False, reason=_ELSEWHERE[scope or "evidence"])
    return NumberCheck(path=path, raw=raw, grounded=False, reason="not in source")


def _evidence_windows(
    index: SourceIndex, evidence: Sequence[Evidence], path: str | None = None
) -> tuple[list[Window], list[QuoteCheck]]:
    """The windows evidence allows, and whether each quote is found.

    A span that does not hold its quote is replaced by the quote's place in the source
    (the occurrence nearest the span); a quote found nowhere keeps its span.
    """
    windows: list[Window] = []
    quotes: list[QuoteCheck] = []
    original = index.source.original
    for k, ev in enumerate(evidence):
        valid = 0 <= ev.start < ev.end <= len(original)
        needle = _search_form(ev.quote)
        found = False
        span: Window | None = None
        if needle and valid and needle in _search_form(original[ev.start : ev.end]):
            found = True
            span = index._window(ev.start, ev.end)
        elif needle:
            located = index._locate(ev.quote, ev.start if valid else None)
            if located is not None:
                found = True
                span = index._widen(*located)
        if span is None and valid:
            span = index._window(ev.start, ev.end)
        if span is not None:
            windows.append(span)
        if path is not None:
            quotes.append(QuoteCheck(path=f"{path}.evidence[{k}]", found=found))
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
    if windows:
        return _check(text, index, path, windows, "evidence")
    return _check(text, index, path, None, None)


# -- walking a summary -----------------------------------------------------------------


class _Walker:
    def __init__(self, index: SourceIndex) -> None:
        self.index = index
        self.numbers: list[NumberCheck] = []
        self.quotes: list[QuoteCheck] = []

    def evidence(self, path: str, evidence: Sequence[Evidence]) -> list[Window] | None:
        windows, quotes = _evidence_windows(self.index, evidence, path)
        self.quotes.extend(quotes)
        return windows or None

    def text(self, text: str, path: str, windows: list[Window] | None, scope: str | None) -> None:
        self.numbers.extend(_check(text, self.index, path, windows, scope if windows else None))

    def scoped(
        self, path: str, evidence: Sequence[Evidence], indicator: str, parent: list[Window] | None
    ) -> tuple[list[Window] | None, str | None]:
        """Windows for a figure or target: its evidence, else its indicator's sentences,
        else its parent's evidence."""
        own = self.evidence(path, evidence)
        if own:
            return own, "evidence"
        named = self.index._indicator_windows(indicator)
        if named:
            return named, "indicator"
        return parent, "evidence" if parent else None

    def figure(self, path: str, figure: Figure, parent: list[Window] | None) -> None:
        windows, scope = self.scoped(path, figure.evidence, figure.indicator, parent)
        self.text(figure.indicator, f"{path}.indicator", windows, scope)
        self.text(figure.value, f"{path}.value", windows, scope)
        if figure.quantity is not None:
            stated = extract_quantities(figure.value)
            agrees = any(same_quantity(figure.quantity, q, qualifier=False) for q in stated)
            self.numbers.append(
                NumberCheck(
                    path=f"{path}.quantity",
                    raw=figure.quantity.raw,
                    grounded=agrees,
                    reason="agrees with the value phrase" if agrees else "not in the value phrase",
                )
            )

    def target(self, path: str, target: Target) -> None:
        windows, scope = self.scoped(path, target.evidence, target.indicator, None)
        self.text(target.indicator, f"{path}.indicator", windows, scope)
        self.text(target.target, f"{path}.target", windows, scope)
        stated = extract_quantities(target.target)
        for k, value in enumerate(target.values):
            agrees = any(
                math.isclose(value, q.value, rel_tol=1e-9, abs_tol=1e-12)
                or math.isclose(value, q.value / magnitude_scale(q.magnitude), rel_tol=1e-9)
                for q in stated
            )
            self.numbers.append(
                NumberCheck(
                    path=f"{path}.values[{k}]",
                    raw=f"{value:g}",
                    grounded=agrees,
                    reason="agrees with the target phrase" if agrees else "not in the target phrase",
                )
            )


def verify(summary: ReportSummary, index: SourceIndex) -> Verification:
    """Check every number and quote of a summary against its source."""
    w = _Walker(index)
    for i, figure in enumerate(summary.headline_figures):
        w.figure(f"headline_figures[{i}]", figure, None)
    for i, area in enumerate(summary.review_areas):
        path = f"review_areas[{i}]"
        windows = w.evidence(path, area.evidence)
        w.text(area.title, f"{path}.title", windows, "evidence")
        for j, highlight in enumerate(area.highlights):
            w.text(highlight, f"{path}.highlights[{j}]", windows, "evidence")
        for k, figure in enumerate(area.figures):
            w.figure(f"{path}.figures[{k}]", figure, windows)
    for i, problem in enumerate(summary.problems):
        path = f"problems[{i}]"
        w.text(problem.text, f"{path}.text", w.evidence(path, problem.evidence), "evidence")
    for i, target in enumerate(summary.targets):
        w.target(f"targets[{i}]", target)
    for i, area in enumerate(summary.task_areas):
        path = f"task_areas[{i}]"
        windows = w.evidence(path, area.evidence)
        w.text(area.title, f"{path}.title", windows, "evidence")
        for j, item in enumerate(area.items):
            item_path = f"{path}.items[{j}]"
            item_windows = w.evidence(item_path, item.evidence) or windows
            w.text(item.text, f"{item_path}.text", item_windows, "evidence")
            for k, goal in enumerate(item.goals):
                w.figure(f"{item_path}.goals[{k}]", goal, item_windows)
    return Verification(
        numbers=w.numbers,
        quotes=w.quotes,
        numbers_total=len(w.numbers),
        numbers_grounded=sum(c.grounded for c in w.numbers),
        quotes_total=len(w.quotes),
        quotes_found=sum(c.found for c in w.quotes),
    )


def attach_verification(summary: ReportSummary, index: SourceIndex) -> ReportSummary:
    """A copy of ``summary`` with its verification set, and a warning when numbers in it
    cannot be traced to the source."""
    verification = verify(summary, index)
    warnings = [w for w in summary.warnings if w.code != "ungrounded_numbers"]
    bad = verification.ungrounded
    if bad:
        shown = "、".join(list(dict.fromkeys(c.raw for c in bad))[:8])
        warnings.append(
            Warning(
                code="ungrounded_numbers",
                message=f"{len(bad)} number(s) in the summary could not be traced to the "
                f"cited source text: {shown}",
            )
        )
    return summary.model_copy(update={"verification": verification, "warnings": warnings})
