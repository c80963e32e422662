"""Whether the source binds a figure's number to the figure's indicator.

A number can occur in the source and still be shown under the wrong name: the 8.3% of a
分别 list given to the first label, a value moved to its neighbour, 下降 written as 增长, a
level shown as a growth.  The clause reader (:mod:`summarizer.report.binding`) has read what
every number of the source measures; a figure is bound when, in the clause it cites, the
reader binds the same number to a label that names the figure's indicator:

- the label matches (the same, one inside the other, or sharing most characters:
  :func:`~summarizer.report.binding.label_score` ≥ :data:`LABEL_MATCH`), and no other
  label of the sentence matches the indicator better (so 城镇 does not pass for 农村);
- the value says the same kind of thing: a change is not a level, 增长 is not 下降.

A number the source states but does not bind so is neither verified nor missing: the
reader sees 数字见于原文，但与该指标的对应未核实, with the clause.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from summarizer.report.binding import Bound, label_score
from summarizer.report.index import SourceIndex, Window
from summarizer.report.numbers import same_quantity
from summarizer.report.wording import value_shape
from summarizer.schema import Evidence, Quantity

__all__ = ["LABEL_MATCH", "UNBOUND_ZH", "BoundVerdict", "check_bound", "confirm_label"]

LABEL_MATCH = 0.6
UNBOUND_ZH = "数字见于原文，但与该指标的对应未核实"


@dataclass(frozen=True)
class BoundVerdict:
    bound: bool
    clause: Evidence | None  # the clause that states the number, when it is not bound
    reason: str


def _same(b: Bound, q: Quantity) -> bool:
    return same_quantity(b.quantity, q, qualifier=False) or (
        b.high is not None and same_quantity(b.high, q, qualifier=False)
    )


def _agree(lead: str, q: Quantity, indicator: str, b: Bound) -> bool:
    """Whether a value phrase says what the binding says: change or not, up or down."""
    if not lead and b.group is not None and b.position:
        return True  # "分别增长7%和8%": the report writes the change once, before the first
    shape = value_shape(lead, q, indicator)
    if (shape.kind == "change") != (b.kind == "change"):
        return False
    return not (shape.direction and b.direction and shape.direction != b.direction)


def check_bound(
    index: SourceIndex,
    indicator: str,
    value: str,
    q: Quantity,
    windows: Sequence[Window] | None,
) -> BoundVerdict:
    """Whether the source binds ``q`` (stated in ``value``) to ``indicator`` in one clause of
    ``windows`` (normalised spans; None: anywhere)."""
    bindings = index.bindings
    spans = windows if windows else [(0, len(index.source.text))]
    candidates: list[Bound] = []
    for a, z in spans:
        candidates += [b for b in bindings.within(a, z) if _same(b, q)]
    if not candidates:
        return BoundVerdict(False, None, "the source states this number as no figure here")
    at = value.find(q.raw)
    lead = value[:at] if at > 0 else ""
    for b in candidates:
        if not _agree(lead, q, indicator, b):
            continue
        if not b.label:  # read but not named: a name the reader confirms in its clause
            if confirm_label(index, indicator, q, index.evidence(*b.clause)):
                return BoundVerdict(True, None, f"bound in the clause as {indicator}")
            continue
        if b.label == indicator:  # no other label can name it better
            return BoundVerdict(True, None, f"bound in the clause as {b.label}")
        score = label_score(indicator, b.label)
        if score < LABEL_MATCH:
            continue
        rivals = [r for r in bindings.in_sentence(b.sentence) if r.label and not _same(r, q)]
        if any(label_score(indicator, r.label) > score for r in rivals):
            continue
        return BoundVerdict(True, None, f"bound in the clause as {b.label}")
    first = candidates[0]
    reason = (
        f"the clause binds it to {first.label}" if first.label else "the clause names no indicator for it"
    )
    return BoundVerdict(False, index.evidence(*first.clause), reason)


def confirm_label(index: SourceIndex, name: str, q: Quantity, clause: Evidence) -> bool:
    """Whether the source binds ``q``, in ``clause``, to ``name``: a name proposed for a figure
    the clause reader could not name (a model's label repair).

    The reader read no label for the number there, so the name must be one it reads the way it
    reads any label: words of that clause right before the number, starting where a word
    starts, with only value words between (``name`` is what :func:`~summarizer.report.labels.clean_label` makes of the
    stretch from it to the number), or the noun right after the number (惠及2.76万|超龄劳动者);
    a whole name rather than a fragment, with no number in it; and no other figure of the
    sentence bound to a label that names the same thing.
    """
    from summarizer.report.labels import clean_label, is_fragment, noun_after

    name = name.strip()
    if not name or any(ch.isdigit() for ch in name) or is_fragment(name):
        return False
    text = index.source.text
    a = index.source.to_normalized(clause.start)
    z = max(index.source.to_normalized(clause.end), a + 1)
    at = next((b for b in index.bindings.within(a, z) if _same(b, q)), None)
    if at is None:
        return False
    before = text[max(a, at.value_start - 80) : at.value_start]
    noun = noun_after(text, at.value_end, z)
    read = (noun is not None and text[noun[0] : noun[1]] == name) or any(
        clean_label(before[i:]) == name and (i == 0 or before[i - 1] in _WORD_EDGE)
        for i in _starts(before, name)
    )
    if not read:
        return False
    rivals = [r for r in index.bindings.in_sentence(at.sentence) if r.label and r is not at]
    return not any(label_score(name, r.label) >= LABEL_MATCH for r in rivals)


# What may stand before a name's first character (a name does not start inside a word).
_WORD_EDGE = frozenset(" \t\n,.;:!?，。；：！？、（）()“”\"'《》等的和及与在对为向将把从由")


def _starts(text: str, word: str) -> list[int]:
    found, at = [], text.find(word)
    while at >= 0:
        found.append(at)
        at = text.find(word, at + 1)
    return found
