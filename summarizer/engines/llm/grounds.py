"""What the verifier says about a change a model proposes: the tests the merge applies.

A model's change to the rules engine's draft is kept only when these say it is grounded: its
numbers are where its evidence says, inside the slice the call read, not only in an
instruction planted in the report; a name it gives is a phrase of the item's own sentence;
a sentence it writes states no number the source does not state there.  :class:`Notes`
collects what the merge reports: disagreements, changes made, text left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from summarizer.engines.llm.answers import evidence_for
from summarizer.engines.llm.outcome import Window
from summarizer.report.normalize import canon
from summarizer.report.numbers import extract_quantities, same_quantity
from summarizer.schema import Evidence, Warning
from summarizer.verify.bound import check_bound
from summarizer.verify.verifier import check_text

if TYPE_CHECKING:
    from summarizer.report.prepared import PreparedReport

__all__ = [
    "Notes",
    "is_grounded",
    "grounded_sentences",
    "inside",
    "is_planted",
    "same_numbers",
    "sentence_of",
    "stated_name",
]

@dataclass
class Notes:
    """The warnings a merge collects: disagreements, changes made, text left out."""

    cross_check: bool
    items: list[Warning]

    def add(self, code: str, message: str, *, disagreement: bool = False) -> None:
        if disagreement and not self.cross_check:
            return
        self.items.append(Warning(code=code, message=message))


def _checks(text: str, report: PreparedReport, evidence: list[Evidence]) -> list[Any]:
    return check_text(text, report.index, path="", evidence=evidence)


def is_grounded(text: str, report: PreparedReport, evidence: list[Evidence]) -> bool:
    """Every number of ``text`` is where ``evidence`` says (no evidence: nowhere to be)."""
    checks = _checks(text, report, evidence)
    return bool(evidence) and all(c.grounded for c in checks) if checks else True


def is_planted(
    text: str, report: PreparedReport, evidence: list[Evidence], planted: list[Window]
) -> bool:
    """Whether the numbers of ``text`` come from an instruction planted in the report."""
    for ev in evidence:
        start = report.source.to_normalized(ev.start)
        if any(a <= start < b for a, b in planted):
            return True
    return any(getattr(c, "planted", False) for c in _checks(text, report, evidence))


def sentence_of(report: PreparedReport, evidence: list[Evidence]) -> str:
    """The source sentences (normalised, canonical) that ``evidence`` points into."""
    out = []
    for ev in evidence:
        start = report.source.to_normalized(ev.start)
        end = max(report.source.to_normalized(ev.end), start + 1)
        a, b = report.index.sentence(start, end)
        out.append(canon(report.source.text[a:b]))
    return "".join(out)


def inside(report: PreparedReport, evidence: list[Evidence], window: Window) -> bool:
    """Whether every piece of evidence lies in the normalised ``window``."""
    for ev in evidence:
        start = report.source.to_normalized(ev.start)
        if not window[0] <= start < window[1]:
            return False
    return bool(evidence)


_NAME_JUNK = re.compile(r"[0-9０-９%％：:，,。；;、]")


def stated_name(name: str, report: PreparedReport, evidence: list[Evidence]) -> bool:
    """A clean indicator name: no digits or punctuation, and stated in the item's sentence."""
    flat = canon(name)
    return len(flat) >= 2 and not _NAME_JUNK.search(flat) and flat in sentence_of(report, evidence)


def bound_name(name: str, value: str, report: PreparedReport, evidence: list[Evidence]) -> bool:
    """Whether the clause reader binds ``value``'s number to ``name`` in the item's sentence:
    a model's name for a figure is kept only then (:mod:`summarizer.verify.bound`)."""
    stated = extract_quantities(value)
    if not stated:
        return False
    windows = []
    for ev in evidence:
        start = report.source.to_normalized(ev.start)
        end = max(report.source.to_normalized(ev.end), start + 1)
        windows.append(report.index.sentence(start, end))
    return check_bound(report.index, name.strip(), value, stated[0], windows).bound


def same_numbers(a: str, b: str) -> bool:
    """Whether two phrases state the same numbers, in the same order."""
    qa, qb = extract_quantities(a), extract_quantities(b)
    return len(qa) == len(qb) and all(same_quantity(x, y) for x, y in zip(qa, qb, strict=True))


_SENTENCES = re.compile(r"[^。！？!?；;]+[。！？!?；;]?")


_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_YEAR = re.compile(r"(?:19|20)\d{2}年")


def _paragraph(text: str, start: int, end: int) -> Window:
    """The paragraph (line of the normalised text) holding [start, end)."""
    stop = text.find("\n", end)
    return text.rfind("\n", 0, start) + 1, len(text) if stop < 0 else stop


def _token_evidence(
    sentence: str, report: PreparedReport, window: Window, found: list[Evidence]
) -> list[Evidence]:
    """Evidence for the digit runs of a sentence that are no quantity (a year, a rank): the
    source sentence inside ``window`` where each first occurs.  A year in a sentence with
    figures ("2024年地区生产总值…") must stand in a paragraph that states them (``found``):
    a year put on figures of another year is not grounded."""
    quantities = extract_quantities(sentence)
    out: list[Evidence] = []
    text = report.source.text
    source = report.source
    places = [
        _paragraph(text, source.to_normalized(ev.start), source.to_normalized(ev.end))
        for ev in found
    ]
    for match in _DIGITS.finditer(sentence):
        if any((q.start or 0) <= match.start() < (q.end or 0) for q in quantities):
            continue
        token = match.group()
        if places and _YEAR.match(sentence, match.start()):
            at = next((i for a, b in places if (i := text.find(token, a, b)) >= 0), -1)
        else:
            at = text.find(token, window[0], window[1])
        if at >= 0:
            a, b = report.index.sentence(at, at + len(match.group()))
            out.append(report.index.evidence(a, b))
    return out


def grounded_sentences(
    text: str, report: PreparedReport, window: Window, limit: int, where: str, notes: Notes
) -> tuple[str | None, list[Evidence]]:
    """The sentences of a model's text whose numbers the source states in ``window``, and
    the evidence of those numbers; each sentence left out is reported."""
    text = re.sub(r"\s+", "", text or "")
    if len(text) >= limit - 2 and text[-1] not in "。！？!?；;":  # cut off at the length limit
        cut = max(text.rfind(mark) for mark in "。；，,、")
        text = text[:cut].rstrip("，,、") + "。" if cut > 0 else text
    kept: list[str] = []
    evidence: list[Evidence] = []
    for sentence in _SENTENCES.findall(text):
        found = evidence_for(report.index, report.source, sentence, window)
        found += [ev for ev in _token_evidence(sentence, report, window, found) if ev not in found]
        if not is_grounded(sentence, report, found):
            notes.add(
                "llm_sentence_dropped",
                f"{where}：模型写的一句“{sentence[:80]}”中有数字无法在原文核实，已删去。",
            )
            continue
        if sum(map(len, kept)) + len(sentence) > limit:
            break
        kept.append(sentence)
        evidence += [ev for ev in found if ev not in evidence]
    return ("".join(kept) or None), evidence
