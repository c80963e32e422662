"""Evidence for an item: a span of the normalised text mapped back to the original.

The one place evidence is built, for both engines, the verifier and the analysis.
"""

from __future__ import annotations

from summarizer.report.normalize import NormalizedText
from summarizer.schema import Evidence

__all__ = ["evidence", "verbatim"]


def evidence(nt: NormalizedText, start: int, end: int) -> Evidence:
    """Evidence for nt.text[start:end], with original offsets and the original wording."""
    key = ("evidence", start, end)
    found = nt.memo.get(key)
    if found is None:
        o_start, o_end = nt.span_to_original(start, end)
        # A report needs hundreds of these, many for the same clause: built once each.
        found = Evidence(start=o_start, end=o_end, quote=nt.original_quote(start, end))
        nt.memo[key] = found
    assert isinstance(found, Evidence)
    return found


def verbatim(nt: NormalizedText, start: int, text: str) -> str:
    """The original wording of ``text``, which stands at ``start`` in the normalised text.

    Display text keeps the report's own punctuation (，rather than the folded ,).
    """
    if not text:
        return text
    key = ("quote", start, start + len(text))
    quote = nt.memo.get(key)
    if quote is None:
        quote = nt.memo[key] = nt.original_quote(start, start + len(text))
    assert isinstance(quote, str)
    return quote if quote else text
