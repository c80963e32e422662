"""A source report indexed once for grounding: its quantities, digits and quotable text.

:class:`SourceIndex` answers the questions the verifier asks: is this quantity stated in
this window of the source, and if not, what close variant is (another qualifier, unit or
magnitude); where is this quote; in which sentences is this indicator named.  Text that
addresses a reader or a model (:mod:`summarizer.report.instructions`) is not the report's
own: these lookups pass over a number stated only there, and :meth:`SourceIndex.planted`
says where it is.  Windows are spans of the normalised text; evidence spans and :meth:`SourceIndex.find` windows are
original offsets, mapped through :class:`~summarizer.report.normalize.NormalizedText`.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from summarizer.report.binding import Bindings
from summarizer.report.evidence import evidence
from summarizer.report.instructions import blank_spans, inside, instruction_spans
from summarizer.report.normalize import NormalizedText
from summarizer.report.numbers import (
    digit_tokens,
    extract_quantities,
    magnitude_scale,
    quick_fold,
    same_qualifier,
    same_quantity,
)
from summarizer.schema import Evidence, Quantity

__all__ = ["SLACK", "SourceIndex", "Window", "search_form"]

SLACK = 30  # characters an evidence span may be widened by, within its sentence
Window = tuple[int, int]  # a span of the normalised text

_BOUNDARY = re.compile(r"[。!?;\n！？；]")  # what ends a sentence (or a ;-clause)
_CLAUSE_PUNCT = frozenset("。!?;:\n！？；：")
_NON_SPACE = re.compile(r"\S+")
_SPACE = re.compile(r"\s+")
_QUOTE_MARKS = (("“", '"'), ("”", '"'), ("「", '"'), ("」", '"'), ("『", '"'), ("』", '"'),
                ("‘", "'"), ("’", "'"))  # fmt: skip
_ELLIPSIS = re.compile(r"(?:…+|\.{3,})")
_ARABIC = re.compile(r"[0-9][0-9,]*(?:\.[0-9]+)?")


def _unify_quotes(text: str) -> str:
    for mark, plain in _QUOTE_MARKS:
        if mark in text:
            text = text.replace(mark, plain)
    return text


def search_form(text: str) -> str:
    """The form quotes are compared in: :func:`~summarizer.report.normalize.canon` (width folded,
    white space and Markdown bold marks removed), with the styles of quotation marks unified."""
    return _unify_quotes(_SPACE.sub("", quick_fold(text)).replace("**", ""))


def _key(value: float) -> str:
    return f"{value:.9g}"


@dataclass
class _CanonMap:
    """A text with white space removed, and where each of its pieces came from."""

    text: str
    starts: list[int]  # offset of each piece in ``text``
    origins: list[int]  # offset of each piece in the text it was made from

    @classmethod
    def build(cls, source: str, *, folded: bool = False) -> _CanonMap:
        """Map ``source``; ``folded`` says it is width-folded already (normalised text)."""
        pieces, starts, origins = [], [], []
        pos = 0
        for m in _NON_SPACE.finditer(source):
            pieces.append(m.group())
            starts.append(pos)
            origins.append(m.start())
            pos += m.end() - m.start()
        text = "".join(pieces)
        return cls(_unify_quotes(text if folded else quick_fold(text)), starts, origins)

    def span(self, start: int, end: int) -> Window:
        """The span of the source text under the canon span [start, end)."""
        a = bisect.bisect_right(self.starts, start) - 1
        b = bisect.bisect_right(self.starts, end - 1) - 1
        last = self.origins[b] + (end - 1 - self.starts[b])
        return self.origins[a] + (start - self.starts[a]), last + 1

    def position(self, origin: int) -> int:
        """The canon offset of a source offset (of the piece holding it)."""
        i = bisect.bisect_right(self.origins, origin) - 1
        return self.starts[i] if i >= 0 else 0

    def find_all(self, needle: str, limit: int = 200) -> list[Window]:
        """Canon spans of the occurrences of ``needle`` (already in search form)."""
        spans: list[Window] = []
        pos = self.text.find(needle) if needle else -1
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
    ``quantities[i]`` in the original text; ``tokens`` are the digit runs of the
    normalised text (names and dates included); ``instructions`` are the spans of text
    that addresses a reader or a model (planted instructions), which lookups pass over.
    """

    source: NormalizedText
    quantities: list[Quantity]
    original_spans: list[Window] = field(default_factory=list)
    tokens: list[tuple[str, int, int]] = field(default_factory=list, repr=False)
    instructions: list[Window] = field(default_factory=list)
    _planted: set[int] = field(default_factory=set, repr=False)  # quantities in instructions
    _planted_tokens: set[int] = field(default_factory=set, repr=False)  # tokens in them
    _starts: list[int] = field(default_factory=list, repr=False)
    _by_value: dict[str, list[int]] = field(default_factory=dict, repr=False)
    _by_mantissa: dict[str, list[int]] = field(default_factory=dict, repr=False)
    _token_starts: list[int] = field(default_factory=list, repr=False)
    _token_set: set[str] = field(default_factory=set, repr=False)
    _boundaries: list[int] = field(default_factory=list, repr=False)
    _canon: _CanonMap | None = field(default=None, repr=False)
    _canon_original: _CanonMap | None = field(default=None, repr=False)
    _indicators: dict[str, list[Window]] = field(default_factory=dict, repr=False)
    _placed: dict[tuple[int, int, str], tuple[Window | None, bool]] = field(
        default_factory=dict, repr=False
    )
    _cited: dict[int, Evidence] = field(default_factory=dict, repr=False)
    _bindings: Bindings | None = field(default=None, repr=False)

    @classmethod
    def build(cls, source: NormalizedText) -> SourceIndex:
        text = source.text
        quantities = extract_quantities(text)
        index = cls(source, quantities, instructions=instruction_spans(text, folded=True))
        index.original_spans = [
            source.span_to_original(q.start or 0, q.end or 0) for q in quantities
        ]
        index._starts = [q.start or 0 for q in quantities]
        for i, q in enumerate(quantities):
            index._by_value.setdefault(_key(q.value), []).append(i)
            mantissa = q.value / magnitude_scale(q.magnitude)
            index._by_mantissa.setdefault(_key(mantissa), []).append(i)
        index.tokens = digit_tokens(text)
        index._token_starts = [start for _, start, _ in index.tokens]
        if index.instructions:
            index._planted = {
                i
                for i, q in enumerate(quantities)
                if index.in_instruction(q.start or 0, q.end or 0)
            }
            index._planted_tokens = {
                i for i, (_, a, b) in enumerate(index.tokens) if index.in_instruction(a, b)
            }
        index._token_set = {
            token for i, (token, _, _) in enumerate(index.tokens) if i not in index._planted_tokens
        }
        index._boundaries = [m.start() for m in _BOUNDARY.finditer(text)]
        index._canon = _CanonMap.build(text, folded=True)
        return index

    # -- the public questions ----------------------------------------------------------

    @property
    def bindings(self) -> Bindings:
        """Every figure of the report bound to what it measures (:mod:`summarizer.report.binding`),
        each sentence read once when first asked for, with text that addresses a reader or a
        model read as blank."""
        if self._bindings is None:
            text = self.source.text
            pool = self.quantities
            if self.instructions:
                text = blank_spans(text, self.instructions)
                pool = [q for i, q in enumerate(self.quantities) if i not in self._planted]
            self._bindings = Bindings(text, pool)
        return self._bindings

    def is_planted(self, i: int) -> bool:
        """Whether quantity ``i`` stands inside a planted instruction (not the report's)."""
        return i in self._planted

    def find(
        self, q: Quantity, *, window: tuple[int, int] | None = None, qualifier: bool = True
    ) -> Quantity | None:
        """A source quantity that is the same as ``q``, or None.

        ``window`` is a span of the ORIGINAL text (an evidence span); the match must lie
        in it, widened by :data:`SLACK` characters within the same sentence.  The result
        has normalised offsets; its original span is in :attr:`original_spans`.
        """
        windows = None if window is None else [self.window(*window)]
        i = self.match(q, windows, qualifier=qualifier)
        return None if i is None else self.quantities[i]

    def locate_quote(self, quote: str) -> tuple[int, int] | None:
        """The original span of ``quote`` in the source, or None.

        Compared by :func:`~summarizer.report.normalize.canon`: line breaks, white space, width
        and the style of quotation marks do not matter; a quote shortened with … matches
        its parts in order.
        """
        span = self.locate(quote)
        return None if span is None else self.source.span_to_original(*span)

    # -- places (normalised spans) -----------------------------------------------------

    def sentence(self, start: int, end: int) -> Window:
        """The sentence (or ;-clause) holding the span [start, end)."""
        b = self._boundaries
        i = bisect.bisect_left(b, start) - 1
        j = bisect.bisect_left(b, max(end - 1, start))
        return (b[i] + 1 if i >= 0 else 0), (b[j] + 1 if j < len(b) else len(self.source.text))

    def widen(self, start: int, end: int) -> Window:
        """A span widened by :data:`SLACK` characters without leaving its sentence.

        An edge that falls on a clause break (，；。) was cut there on purpose and is
        not widened.
        """
        text = self.source.text
        s_start, s_end = self.sentence(start, end)
        if start > s_start and not _clause_break(text, start - 1):
            start = max(start - SLACK, s_start)
        if end < s_end and not _clause_break(text, end) and not _clause_break(text, end - 1):
            end = min(end + SLACK, s_end)
        return start, end

    def window(self, start: int, end: int) -> Window:
        """The normalised window an original span allows, slack included."""
        n_start = self.source.to_normalized(start)
        n_end = max(self.source.to_normalized(end), n_start + 1)
        return self.widen(n_start, n_end)

    def locate(self, quote: str, near: int | None = None) -> Window | None:
        """The normalised span of a quote; of several, the one nearest original offset
        ``near``."""
        parts = [p for p in _ELLIPSIS.split(search_form(quote)) if p]
        if not parts or self._canon is None:
            return None
        near_canon = None if near is None else self._canon.position(self.source.to_normalized(near))
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
        n_start = self.source.to_normalized(o_start)
        return n_start, max(self.source.to_normalized(o_end), n_start + 1)

    def place(self, evidence: Evidence) -> tuple[Window | None, bool]:
        """The window a piece of evidence allows, and whether its quote is in the source.

        A span that does not hold its quote gives way to the quote's place in the source
        (the occurrence nearest the span); a quote found nowhere keeps its span.
        """
        key = (evidence.start, evidence.end, evidence.quote)
        if key not in self._placed:
            self._placed[key] = self._place(evidence)
        return self._placed[key]

    def _place(self, ev: Evidence) -> tuple[Window | None, bool]:
        original = self.source.original
        valid = 0 <= ev.start < ev.end <= len(original)
        own: Window | None = None
        if valid:
            n_start = self.source.to_normalized(ev.start)
            n_end = max(self.source.to_normalized(ev.end), n_start + 1)
            own = self.widen(n_start, n_end)
            if ev.quote and ev.quote == original[ev.start : ev.end]:
                return own, True
        needle = search_form(ev.quote)
        if not needle:
            return own, False
        if valid and needle in search_form(original[ev.start : ev.end]):
            return own, True
        located = self.locate(ev.quote, ev.start if valid else None)
        if located is not None:
            return self.widen(*located), True
        return own, False

    def indicator_windows(self, indicator: str) -> list[Window]:
        """The sentences of the source that name an indicator."""
        needle = search_form(indicator)
        if needle not in self._indicators:
            windows: list[Window] = []
            if len(needle) >= 2 and not needle.isdigit() and self._canon is not None:
                for c_start, c_end in self._canon.find_all(needle, limit=100):
                    windows.append(self.sentence(*self._canon.span(c_start, c_end)))
            self._indicators[needle] = windows
        return self._indicators[needle]

    # -- lookups -----------------------------------------------------------------------

    def within(self, windows: Sequence[Window]) -> list[int]:
        """Indexes of the source quantities lying inside any of the windows."""
        found: list[int] = []
        seen: set[int] = set()
        for w_start, w_end in windows:
            i = bisect.bisect_left(self._starts, w_start)
            while i < len(self.quantities) and self._starts[i] < w_end:
                if (
                    (self.quantities[i].end or 0) <= w_end
                    and i not in seen
                    and i not in self._planted
                ):
                    seen.add(i)
                    found.append(i)
                i += 1
        return found

    def related(self, q: Quantity) -> list[int]:
        """Indexes of the source quantities with the value of ``q``, or its digits."""
        mantissa = q.value / magnitude_scale(q.magnitude)
        found = self._by_value.get(_key(q.value), []) + self._by_mantissa.get(_key(mantissa), [])
        return [i for i in found if i not in self._planted] if self._planted else found

    def match(
        self,
        q: Quantity,
        windows: Sequence[Window] | None,
        *,
        qualifier: bool = True,
        written: bool = False,
        planted: bool = False,
    ) -> int | None:
        """The index of the first source quantity the same as ``q`` in ``windows``
        (None: anywhere).

        With ``written``, an Arabic number at the same magnitude must also be written
        with the same digits: 1.0亿元 is not how a source writing 1亿元 puts it, although
        the two are the same quantity.  Numbers inside instructions are passed over; with
        ``planted``, only they are looked at.
        """
        for i in self._by_value.get(_key(q.value), ()):
            if (i in self._planted) != planted:
                continue
            s = self.quantities[i]
            if windows is not None and not any(
                a <= self._starts[i] and (s.end or 0) <= b for a, b in windows
            ):
                continue
            if same_quantity(q, s, qualifier=qualifier) and (not written or same_writing(q, s)):
                return i
        return None

    def verbatim(
        self, raw: str, windows: Sequence[Window] | None, *, planted: bool = False
    ) -> int | None:
        """Where ``raw`` occurs in the source outside every quantity (in a name or a
        quotation), or None; outside instructions, or with ``planted`` inside one."""
        text = self.source.text
        needle = quick_fold(raw)
        for w_start, w_end in windows if windows is not None else [(0, len(text))]:
            pos = text.find(needle, w_start, w_end) if needle else -1
            while pos >= 0:
                end = pos + len(needle)
                before = text[pos - 1] if pos else ""
                after = text[end] if end < len(text) else ""
                alone = not (before.isdigit() or before == "." or after.isdigit())
                if (
                    alone
                    and not self._overlaps(pos, end)
                    and self.in_instruction(pos, end) == planted
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

    def has_token(self, token: str) -> bool:
        """Whether a digit run occurs anywhere in the source, outside instructions."""
        return token in self._token_set

    def token_in(
        self, token: str, windows: Sequence[Window], *, planted: bool = False
    ) -> int | None:
        """Where a digit run occurs inside the windows (outside instructions, or with
        ``planted`` inside one), or None."""
        for w_start, w_end in windows:
            i = bisect.bisect_left(self._token_starts, w_start)
            while i < len(self.tokens) and self._token_starts[i] < w_end:
                if self.tokens[i][0] == token and (i in self._planted_tokens) == planted:
                    return self.tokens[i][1]
                i += 1
        return None

    # -- instructions ------------------------------------------------------------------

    def in_instruction(self, start: int, end: int) -> bool:
        """Whether the normalised span [start, end) lies inside a planted instruction."""
        return bool(self.instructions) and inside(start, end, self.instructions)

    def planted(self, q: Quantity | str, windows: Sequence[Window] | None) -> Evidence | None:
        """Where the source states ``q`` (a quantity, or a digit run) only inside a planted
        instruction, within ``windows`` (None: anywhere); None if it does not."""
        if not self.instructions:
            return None
        everywhere = [(0, len(self.source.text))]
        if isinstance(q, str):
            pos = self.token_in(q, windows if windows is not None else everywhere, planted=True)
            return None if pos is None else self.evidence(pos, pos + len(q))
        i = self.match(q, windows, written=True, planted=True)
        if i is not None:
            return self.cite(i)
        pos = self.verbatim(q.raw, windows, planted=True)
        return None if pos is None else self.evidence(pos, pos + len(q.raw))

    def near_miss(
        self, q: Quantity, candidates: Sequence[int], *, nearby: bool
    ) -> tuple[str, int] | None:
        """Why no candidate matches ``q`` although one states a closely related number:
        a reason and the candidate's index.

        ``nearby`` says the candidates come from the cited place; elsewhere in the source
        an equal number with another unit (6% and 6方面) is a coincidence, not a clue.
        """
        for i in candidates:
            s = self.quantities[i]
            if not math.isclose(s.value, q.value, rel_tol=1e-9, abs_tol=1e-12):
                continue
            if s.kind != q.kind:
                if {s.kind, q.kind} == {"percent", "points"}:
                    return f"unit differs from source ({_unit(q)} vs {_unit(s)})", i
            elif q.unit and s.unit and q.unit != s.unit:
                if nearby:
                    return f"unit differs from source ({q.unit} vs {s.unit})", i
            elif not same_qualifier(q.qualifier, s.qualifier):
                mine, theirs = q.qualifier or "none", s.qualifier or "none"
                return f"qualifier differs from source ({mine} vs {theirs})", i
            elif not same_writing(q, s):
                return f"written differently from source ({q.raw} vs {s.raw})", i
        mantissa = q.value / magnitude_scale(q.magnitude)
        for i in candidates:
            s = self.quantities[i]
            if s.magnitude == q.magnitude or s.unit != q.unit:
                continue
            if math.isclose(s.value / magnitude_scale(s.magnitude), mantissa, rel_tol=1e-9):
                mine, theirs = q.magnitude or "none", s.magnitude or "none"
                return f"magnitude differs from source ({mine} vs {theirs})", i
        return None

    # -- citing the source -------------------------------------------------------------

    def evidence(self, start: int, end: int) -> Evidence:
        """Evidence for the normalised span [start, end), in original offsets."""
        return evidence(self.source, start, end)

    def cite(self, i: int) -> Evidence:
        """Evidence for source quantity ``i`` (made once: many checks cite the same one)."""
        if i not in self._cited:
            o_start, o_end = self.original_spans[i]
            self._cited[i] = evidence(self.source, self._starts[i], self.quantities[i].end or 0)
        return self._cited[i]


def same_writing(a: Quantity, b: Quantity) -> bool:
    """Whether two equal quantities are written alike: 6% and 6.0% are not, 21860亿元 and
    2.186万亿元 (rescaled) and 三年 and 3年 (another script) are."""
    if a.raw == b.raw or a.magnitude != b.magnitude:
        return True
    x, y = _ARABIC.search(quick_fold(a.raw)), _ARABIC.search(quick_fold(b.raw))
    if x is None or y is None:
        return True
    return x.group().replace(",", "") == y.group().replace(",", "")


def _clause_break(text: str, i: int) -> bool:
    """Whether text[i] ends a clause (a comma between digits is a thousands separator)."""
    ch = text[i] if 0 <= i < len(text) else ""
    if ch in _CLAUSE_PUNCT:
        return True
    return ch in ",，" and not (i + 1 < len(text) and text[i + 1].isdigit())


def _unit(q: Quantity) -> str:
    return {"percent": q.unit or "%", "points": "个百分点"}.get(q.kind, q.unit or "no unit")
