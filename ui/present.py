"""What the web UI shows, computed without Streamlit: labels, statuses, safe Markdown.

Every string that comes from a document or a model reaches the page through
:func:`md_escape` (or through a widget that shows plain text), so a report can never
inject Markdown links, images, HTML or Streamlit directives into the page.
"""

from __future__ import annotations

import bisect
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from summarizer.report.normalize import canon
from summarizer.schema import Evidence, NumberCheck, ReportSummary

__all__ = [
    "VERIFIED",
    "UNVERIFIED",
    "NO_NUMBER",
    "LEVELS",
    "KINDS",
    "Report",
    "SeedFile",
    "locate",
    "list_seeds",
    "md_escape",
    "highlight_markdown",
    "markup_spans",
    "excerpt",
    "paragraph_index",
    "checks_under",
    "status_of",
    "status_label",
    "UNBOUND",
    "first_source",
    "format_values",
    "reason_text",
]

VERIFIED = "verified"
UNVERIFIED = "unverified"
# The number is in the source, but not as measuring the item's indicator.
UNBOUND = "unbound"
NO_NUMBER = "none"

_STATUS_LABELS = {
    VERIFIED: "✓ 已核实",
    UNVERIFIED: "⚠ 未核实",
    UNBOUND: "◐ 对应未核实",
    NO_NUMBER: "— 无数字",
}
LEVELS = {
    "national": "全国",
    "province": "省级",
    "city": "市级",
    "district": "区级",
    "county": "县级",
}
KINDS = {"full": "全文", "digest": "速览/要点", "partial": "不完整"}

# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping all
# of them turns document text into literal text: no links, emphasis, HTML, math or
# Streamlit directives such as :red[...] or :material/icon:.
_MD_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")
_END = sys.maxsize


def md_escape(text: str) -> str:
    """Document text as literal Markdown: every special character escaped, one line."""
    text = re.sub(r"\s+", " ", text).strip()
    return _MD_SPECIAL.sub(r"\\\1", _no_autolinks(text))


# Escaping does not stop GitHub-flavoured Markdown from making links of bare addresses
# (http://…, www.…, name@host): a zero-width space after the scheme, "www" or "@" does.
_AUTOLINK = re.compile(r"(?i)(\b(?:https?|ftp)://|\bwww(?=\.)|@)")


def _no_autolinks(text: str) -> str:
    return _AUTOLINK.sub(lambda m: m.group(1).replace("//", "/\u200b/") + "\u200b", text)


def _escape_line(text: str) -> str:
    # Leading white space would start a code block; keep the rest as it is.
    return _MD_SPECIAL.sub(r"\\\1", text.strip())


def highlight_markdown(
    text: str,
    spans: Iterable[tuple[int, int]],
    *,
    color: str = "yellow",
    strong: Iterable[tuple[int, int]] = (),
    strong_color: str = "orange",
    hidden: Iterable[tuple[int, int]] = (),
) -> str:
    """Markdown for ``text`` (one paragraph per line) with ``spans`` highlighted.

    Spans are offsets into ``text``; overlapping spans merge.  A highlighted run that
    crosses a line break is highlighted on each line it covers.  ``strong`` spans are
    highlighted in ``strong_color`` over the others (a number inside its sentence);
    ``hidden`` spans (markup, see :func:`markup_spans`) are left out of the output, so
    offsets stay those of ``text``.
    """
    layers = [
        (_merge(hidden, len(text)), None),
        (_merge(strong, len(text)), strong_color),
        (_merge(spans, len(text)), color),
    ]
    cuts = sorted({0, len(text)} | {x for marks, _ in layers for span in marks for x in span})
    lines: list[str] = []
    pos = 0
    for raw_line in text.split("\n"):
        start, end = pos, pos + len(raw_line)
        pos = end + 1
        if not raw_line.strip():
            continue
        points = [start] + [c for c in cuts if start < c < end] + [end]
        runs: list[tuple[str | None, str]] = []  # (colour or None, raw text), merged
        for a, b in zip(points, points[1:], strict=False):
            style = _style(a, layers)
            if style == "hidden":
                continue
            if runs and runs[-1][0] == style:
                runs[-1] = (style, runs[-1][1] + text[a:b])
            else:
                runs.append((style, text[a:b]))
        pieces = []
        for style, raw in runs:
            if style is None:
                pieces.append(_escape_inline(raw))
                continue
            marked = _escape_inline(raw).strip()
            if marked:
                pieces.append(f":{style}-background[**{marked}**]")
        line = "".join(pieces).strip()
        if line:
            lines.append(line)
    return "\n\n".join(lines)


def _style(offset: int, layers: list[tuple[list[tuple[int, int]], str | None]]) -> str | None:
    """'hidden', a highlight colour, or None for the text at ``offset``."""
    for marks, colour in layers:
        i = bisect.bisect_right(marks, (offset, _END)) - 1
        if i >= 0 and marks[i][0] <= offset < marks[i][1]:
            return colour or "hidden"
    return None


# Markup shown as such in plain text: YAML front matter, HTML comments and tags, Markdown
# emphasis, heading, list and quote markers, rules.  Hidden for display, never removed.
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(?:[^\n]*\n){0,60}?(?:---|\.\.\.)[ \t]*(?:\n|\Z)")
_MARKUP = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>\n]*)?/?>"
    r"|\*\*|__"
    r"|^[ \t]*(?:#{1,6}|[-*+]|>)[ \t]+"
    r"|^[ \t]*(?:-{3,}|\*{3,}|_{3,})[ \t]*$",
    re.S | re.M,
)


def markup_spans(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` that are markup rather than words, to hide when showing it."""
    spans = []
    front = _FRONT_MATTER.match(text)
    if front is not None and re.search(r"^\w[\w -]*:", front.group(), re.M):
        spans.append(front.span())
    spans += [match.span() for match in _MARKUP.finditer(text)]
    return spans


def _escape_inline(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", _no_autolinks(re.sub(r"[ \t\r\f\v]+", " ", text)))


def _merge(spans: Iterable[tuple[int, int]], limit: int) -> list[tuple[int, int]]:
    ordered = sorted((max(0, a), min(limit, b)) for a, b in spans if b > a)
    merged: list[tuple[int, int]] = []
    for a, b in ordered:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return [span for span in merged if span[1] > span[0]]


_SENTENCE_END = "。！？；!?;\n"


def excerpt(text: str, start: int, end: int, *, context: int = 80) -> tuple[int, int]:
    """The span of ``text`` to show around ``start:end``: whole sentences, bounded.

    Extends to the sentence boundaries around the span, at most ``context`` characters
    on each side.
    """
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    left = start
    while left > 0 and start - left < context and text[left - 1] not in _SENTENCE_END:
        left -= 1
    right = end
    if not (end > start and text[end - 1] in _SENTENCE_END):
        while right < len(text) and right - end < context:
            right += 1
            if text[right - 1] in _SENTENCE_END:
                break
    while right > end and text[right - 1] == "\n":
        right -= 1
    return left, right


def paragraph_index(text: str, offset: int) -> int:
    """The 0-based number of the non-empty line holding ``offset``."""
    before = text[: max(0, offset)].split("\n")
    return sum(1 for line in before[:-1] if line.strip())


@dataclass(frozen=True)
class Report:
    """A summarised report as the UI keeps it: the summary and the text it points into."""

    key: str  # engine, options and text digest: equal keys mean the same summary
    name: str  # what the user picked or uploaded
    text: str  # the original text; evidence offsets point into it
    summary: ReportSummary

    @property
    def title(self) -> str:
        """The report's title, with its region and year when the title lacks them."""
        meta = self.summary.meta
        title = meta.title or "政府工作报告"
        prefix = ""
        if meta.region and meta.region not in title:
            prefix += meta.region
        if meta.year and str(meta.year) not in title:
            prefix += f"{meta.year}年"
        if not prefix and not meta.title:
            return self.name
        return prefix + title


def locate(text: str, evidence: Evidence) -> tuple[int, int] | None:
    """The span of ``text`` an evidence points to, found by its quote if the offsets drift."""
    start, end = evidence.start, evidence.end
    if 0 <= start < end <= len(text) and canon(text[start:end]) == canon(evidence.quote):
        return start, end
    quote = evidence.quote.strip()
    if quote:
        found = text.find(quote)
        if found >= 0:
            return found, found + len(quote)
    if 0 <= start < end <= len(text):
        return start, end
    return None


# --------------------------------------------------------------------------- verification


def checks_under(summary: ReportSummary, prefix: str) -> list[NumberCheck]:
    """The number checks of the summary field at ``prefix`` and of everything inside it."""
    if summary.verification is None:
        return []
    return [
        check
        for check in summary.verification.numbers
        if check.path == prefix or check.path.startswith((prefix + ".", prefix + "["))
    ]


def status_of(summary: ReportSummary, prefix: str) -> str:
    """VERIFIED if every number under ``prefix`` is grounded (and bound to its indicator where
    it is a figure's), UNVERIFIED if one is not grounded, UNBOUND if one is grounded but not
    bound (数字见于原文，但与该指标的对应未核实)."""
    checks = checks_under(summary, prefix)
    if not checks:
        return NO_NUMBER
    if not all(check.grounded for check in checks):
        return UNVERIFIED
    return UNBOUND if any(check.bound is False for check in checks) else VERIFIED


def status_label(status: str) -> str:
    return _STATUS_LABELS[status]


def first_source(
    summary: ReportSummary, prefix: str, evidence: Sequence[Evidence]
) -> Evidence | None:
    """Where a field's numbers come from: its own evidence, else its checks' sources."""
    if evidence:
        return evidence[0]
    for check in checks_under(summary, prefix):
        if check.source is not None:
            return check.source
    return None


_REASONS = {
    "found in evidence": "在所引原句中找到",
    "found verbatim in evidence": "在所引原句中原样找到",
    "found in source": "在原文中找到",
    "found verbatim in source": "在原文中原样找到",
    "found in the sentence of its indicator": "在该指标所在的句子中找到",
    "found verbatim in the sentence of its indicator": "在该指标所在的句子中原样找到",
    "agrees with the target phrase": "与目标原文一致",
    "agrees with the value phrase": "与数值原文一致",
    "not in the target phrase": "与目标原文不符",
    "not in the value phrase": "与数值原文不符",
    "in source but not in the cited sentence": "原文中有，但不在所引的句子里",
    "in source but not in the sentence of its indicator": "原文中有，但不在该指标所在的句子里",
    "not in source": "原文中没有",
    "only inside an instruction planted in the source": "只出现在原文中疑似写给模型或读者的指令里，不可采信",
    "the source states this number as no figure here": "原文中有这个数字，但在该处不是一项指标数据",
    "the clause names no indicator for it": "原句没有写明这个数字衡量的是什么",
}


def reason_text(reason: str) -> str:
    """The verifier's reason in Chinese when it is a known one, else as given."""
    if reason.startswith("the clause binds it to "):
        return f"原句中这个数字对应的是「{reason.removeprefix('the clause binds it to ')}」"
    if reason.startswith("bound in the clause as "):
        return f"原句中这个数字对应「{reason.removeprefix('bound in the clause as ')}」"
    return _REASONS.get(reason, reason)


def format_values(values: Sequence[float]) -> str:
    """Parsed target values for a table cell: 5.5, 3~3.5."""
    return "~".join(_short(value) for value in values)


def _short(value: float) -> str:
    return f"{value:.6g}" if value != int(value) or abs(value) >= 1e15 else str(int(value))


# --------------------------------------------------------------------------- seeds


@dataclass(frozen=True)
class SeedFile:
    """A bundled sample report."""

    key: str  # the number prefix of its file name, e.g. '003'
    path: Path
    label: str  # how the picker names it


_REGION_IN_HEADER = re.compile(r"在(?:[\u4e00-\u9fff]{2,4}?省)?([\u4e00-\u9fff]{2,8}?[省市区县])第")
_YEAR = re.compile(r"(20\d\d)年")


def list_seeds(folder: Path) -> list[SeedFile]:
    """The bundled seeds, named from their title lines: '003 · 2025年杭州市政府工作报告'."""
    seeds = []
    for path in sorted(folder.glob("*.txt")):
        key = path.name.split("_", 1)[0]
        seeds.append(SeedFile(key, path, f"{key} · {_seed_title(path)}"))
    return seeds


def _seed_title(path: Path) -> str:
    head = path.read_text(encoding="utf-8", errors="replace")[:600]
    lines = [line.strip() for line in head.splitlines() if line.strip()]
    title = lines[0][:40] if lines else path.stem
    if not re.search(r"[省市区县]", title):
        region = _REGION_IN_HEADER.search(head)
        year = _YEAR.search(head)
        extra = " ".join(
            part for part in (region and region.group(1), year and year.group(1) + "年") if part
        )
        if extra:
            title = f"{extra} {title}"
    return title
