"""Problems the report admits (我们也清醒看到…): one item per stated problem."""

from __future__ import annotations

import re

from summarizer.report.evidence import evidence, verbatim
from summarizer.report.normalize import NormalizedText
from summarizer.report.sections import Span
from summarizer.schema import Problem

__all__ = ["problems_in"]

MAX_PROBLEMS = 8
_ANNOUNCE = re.compile(
    r"清醒(?:地)?(?:看到|认识到)|存在(?:的)?(?:一些|不少)?(?:突出)?(?:问题|不足|困难)"
    r"|(?:困难|问题)和(?:挑战|问题)|面临(?:一些|不少)(?:困难|问题|挑战)"
)


def problems_in(nt: NormalizedText, span: Span) -> list[Problem]:
    """Split the problems paragraph after its opening sentence into the problems it lists."""
    text = nt.text[span.start : span.end]
    first_line = text.split("\n", 1)[0]
    # The problems start after the sentence that announces them.
    said = _ANNOUNCE.search(first_line)
    at = said.end() if said else 0
    stop = re.search(r"[:：。!！]", first_line[at:])
    start = span.start + at + (stop.end() if stop else 0)
    problems: list[Problem] = []
    for match in re.finditer(r"[^。；;！!\n]+", nt.text[start : span.end]):
        a, b = start + match.start(), start + match.end()
        piece = nt.text[a:b].strip(" ,，")
        if len(piece) < 6 or re.match(r"^(对此|对于这些|我们(一定|将|要)|这些问题)", piece):
            if problems:
                break
            continue
        lead = re.match(r"^(?:一是|二是|三是|四是|五是|六是|七是|八是|九是|十是|此外|同时|另外)", piece)
        if lead:
            a += lead.end()
            piece = piece[lead.end() :]
        a += nt.text[a:b].find(piece)
        problems.append(Problem(text=verbatim(nt, a, piece), evidence=[evidence(nt, a, a + len(piece))]))
        if len(problems) >= MAX_PROBLEMS:
            break
    return problems
