"""Find the parts of a report (:class:`~summarizer.report.sections.Sections`).

A report is read as lines (one paragraph each, after normalisation).  Part headings
(一、… or short keyword lines such as 2025年工作计划) divide it into parts, each classed by
its heading: review, plan, self-building, five-year plan, annex.  Inside the review and the
plan, the numbered areas are the longest run of one numbering style ((一), 一是, 1., "- 1 …**"),
or, in digests without numbers, the short heading lines that open a group of bullets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from summarizer.report.sections import Block, Sections, Span

_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN = "一二三四五六七八九十"


def cn_int(text: str) -> int | None:
    """一 -> 1, 十二 -> 12, 二十三 -> 23; None for anything else."""
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return _CN_DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


@dataclass
class Line:
    start: int
    end: int
    text: str


# --- part headings --------------------------------------------------------------------------

_NUMBERED_PART = re.compile(rf"^([{CN}]{{1,3}})[、.]\s*(.+)$")
_SECTION_PART = re.compile(rf"^第([{CN}]{{1,3}})部分[、:\s]*(.*)$")
_SELF_KW = re.compile(r"政府自身建设|自身建设")
_LONG_KW = re.compile(
    r"(十[一二三四五六七八九]五|十五五)[”\"]?(时期|规划)|[五5]年(规划|发展)目标|远景目标|(今后|未来)[五5]年"
)
_REVIEW_KW = re.compile(r"回顾|成效|成就|过去一年|工作总结|主要工作(?!安排|任务)")
_PLAN_KW = re.compile(r"安排|任务|计划|重点工作|目标|总体要求|政策取向|工作建议|主要工作|(?:19|20)\d{2}年.{0,6}工作$")
_ANNEX = re.compile(r"^(?:附件\s*\d*|附录|名词解释|注释|相关报道)")
_SENTENCE_PUNCT = re.compile(r"[。；;!！?？]")


def _part_kind(title: str) -> str | None:
    if _SELF_KW.search(title):
        return "self"
    if _LONG_KW.search(title):
        return "long"
    review = _REVIEW_KW.search(title)
    plan = _PLAN_KW.search(title)
    if review and (not plan or review.start() <= plan.start()):
        return "review"
    if plan:
        return "plan"
    return None


def _part_heading(line: str) -> tuple[str, str] | None:
    """(kind, title) when a line heads a part of the report."""
    if len(line) > 70:
        return None
    match = _NUMBERED_PART.match(line) or _SECTION_PART.match(line)
    if match:
        title = match.group(2).strip()
        if _SENTENCE_PUNCT.search(title.rstrip("。")):
            return None
        kind = _part_kind(title)
        return (kind, title) if kind else ("other", title)
    # An unnumbered heading: a short line with no sentence punctuation.
    if (
        len(line) <= 32
        and not re.search(r"[。，,；;:：]", line)
        and not any(pattern.match(line) for _style, pattern in _MARKERS)
    ):
        kind = _part_kind(line)
        if kind and not re.search(r"(做好|抓好|做了|方面|以下)", line):
            return kind, line
    return None


# --- numbered areas ---------------------------------------------------------------------------

_MARKERS: list[tuple[str, re.Pattern[str]]] = [
    ("paren", re.compile(rf"^[(（]([{CN}]{{1,3}})[)）]\s*")),
    ("shi", re.compile(rf"^([{CN}]{{1,3}})是\s*")),
    ("digest", re.compile(r"^[-*•]\s*(\d{1,2})\s*(?=\S.*\*\*\s*$)")),
    ("ordinal", re.compile(rf"^第([{CN}]{{1,3}})[,，、]\s*")),
    ("dot", re.compile(r"^(\d{1,2})[.、](?!\d)\s*")),
    ("pdigit", re.compile(r"^[(（](\d{1,2})[)）]\s*")),
    ("circled", re.compile(r"^([①-⑳])\s*")),
]
# Areas run on inside one paragraph: "…主要做了以下工作：一是…。二是…。"
_INLINE_MARK = re.compile(rf"(?:^|(?<=[。:：;；]))\s*([{CN}]{{1,3}})是")
_BULLET = re.compile(r"^(?:[-*•·]\s*)?[◆■●▲★☆◇□○•·]|^[-*•]\s")
# A stray mark before a heading in an OCR'd digest: "3文化地标…", "A 实施…", "会 实施…".
_STRAY = re.compile(r"^(?:[0-9A-Za-z](?![0-9.%])\s?|[\u4e00-\u9fff] )(?=[\u4e00-\u9fff\"“])")
_INLINE_TITLE = re.compile(r"[。!！]\s?([\u4e00-\u9fff]{5,14}) (?=[\u4e00-\u9fff]{2})")
_ANNOUNCE = re.compile(
    r"(?:主要)?(?:做了|做好|抓好|推进|开展)(?:了)?(?:以下|如下)?\s*(?:[\d一二三四五六七八九十]+)\s*(?:个)?方面"
    r"|(?:以下|如下)(?:[\d一二三四五六七八九十]+个?)?方面"
)


def _marker_number(style: str, token: str) -> int | None:
    if style == "circled":
        return ord(token) - ord("①") + 1
    return cn_int(token) if style in ("paren", "shi", "ordinal") else int(token)


def _title_of(text: str) -> str:
    """The heading sentence of an area: up to the first full stop, without bold marks."""
    text = text.strip()
    bold = re.match(r"^\*\*(.+?)\*\*", text)
    if bold:
        return bold.group(1).strip()
    text = text.replace("**", "")
    cut = re.search(r"[。!！?？;；:：]", text)
    title = text[: cut.start()] if cut else text
    return title.strip().rstrip("，,、 ")


def _numbered_blocks(lines: list[Line], end: int) -> list[Block]:
    """The longest run 1, 2, 3, … of one numbering style among the lines."""
    found: list[list[tuple[Line, re.Match[str], str]]] = []
    for style, pattern in _MARKERS:
        run: list[tuple[Line, re.Match[str], str]] = []
        runs: list[list[tuple[Line, re.Match[str], str]]] = []
        for line in lines:
            match = pattern.match(line.text)
            if not match:
                continue
            number = _marker_number(style, match.group(1))
            if number == 1:
                if run:
                    runs.append(run)
                run = [(line, match, style)]
            elif run and number == len(run) + 1:
                run.append((line, match, style))
        if run:
            runs.append(run)
        longest = max(runs, key=len, default=[])
        if len(longest) >= 2:
            found.append(longest)
    if not found:
        return []
    # Styles are tried from the highest level down ((一) before 一是 before 1.); a lower
    # level wins only when the higher one is a short run nested inside it.
    most = max(len(run) for run in found)
    best = next(run for run in found if len(run) >= max(2, most // 2))
    blocks = []
    for i, (line, match, _style) in enumerate(best):
        block_end = best[i + 1][0].start - 1 if i + 1 < len(best) else end
        body = line.text[match.end() :]
        title = _title_of(body)
        title_start = line.start + match.end() + (body.find(title) if title in body else 0)
        blocks.append(
            Block(title, line.start, block_end, title_start, title_start + len(title), match.group(0).strip())
        )
    return blocks


def _digest_blocks(lines: list[Line], end: int) -> list[Block]:
    """Areas of a digest without numbers: short heading lines that open bullets or bodies."""
    announced = [i for i, line in enumerate(lines) if _ANNOUNCE.search(line.text) and len(line.text) <= 40]
    if announced:
        lines = lines[announced[-1] + 1 :]
    heads: list[tuple[Line, str, int]] = []
    for i, line in enumerate(lines):
        text = line.text
        if _BULLET.match(text) or _ANNOUNCE.search(text):
            continue
        stray = _STRAY.match(text)
        offset = stray.end() if stray else 0
        body = text[offset:]
        nxt = lines[i + 1].text if i + 1 < len(lines) else ""
        if len(body) <= 40 and not re.search(r"[。;；:：]", body) and _BULLET.match(nxt):
            heads.append((line, body, offset))
        elif " " in body[:24] and len(body) > 40 and not re.search(r"[。,，;；:：]", body[: body.index(" ")]):
            # "创新活力更加迸发 浙江新型算力中心…": a title, a space, then its body
            heads.append((line, body[: body.index(" ")], offset))
            # A flattened digest may run the next title on after a full stop: "…第一。 发展势头更加强劲 阿里…"
            for inner in _INLINE_TITLE.finditer(text, offset + body.index(" ")):
                heads.append((line, inner.group(1), inner.start(1)))
    if len(heads) < 2:
        return []
    blocks = []
    for i, (line, title, offset) in enumerate(heads):
        start = line.start + offset
        block_end = heads[i + 1][0].start + heads[i + 1][2] - 1 if i + 1 < len(heads) else end
        title = title.replace("**", "").strip()
        blocks.append(Block(title, start, block_end, start, start + len(title), ""))
    return blocks


def _inline_blocks(lines: list[Line], end: int) -> list[Block]:
    """Areas numbered 一是, 二是 … inside one paragraph; each title is its first sentence."""
    for line in lines:
        marks = [m for m in _INLINE_MARK.finditer(line.text)]
        run: list[re.Match[str]] = []
        for mark in marks:
            if cn_int(mark.group(1)) == len(run) + 1:
                run.append(mark)
        if len(run) < 3:
            continue
        blocks = []
        for i, mark in enumerate(run):
            stop = run[i + 1].start() if i + 1 < len(run) else len(line.text)
            body = line.text[mark.end() : stop]
            title = _title_of(body)
            start = line.start + mark.end()
            block_end = line.start + stop if i + 1 < len(run) else end
            blocks.append(Block(title, line.start + mark.start(1), block_end, start, start + len(title), mark.group(0)))
        return blocks
    return []


def _areas(lines: list[Line], end: int) -> list[Block]:
    return _numbered_blocks(lines, end) or _digest_blocks(lines, end) or _inline_blocks(lines, end)


# --- problems, targets ------------------------------------------------------------------------

_PROBLEMS = re.compile(
    r"清醒(?:地)?(?:看到|认识到)|存在(?:的)?(?:一些|不少)?(?:突出)?(?:问题|不足|困难)"
    r"|(?:困难|问题)和(?:挑战|问题)|面临(?:一些|不少)(?:困难|问题|挑战)"
)
_TARGET_ITEM = re.compile(
    r"^(?:\d{1,2}[.、]|[(（]\d{1,2}[)）]|[①-⑳]|——|-|•|[一二三四五六七八九十]+是)\s*\S"
)
_TARGETS_STRONG = re.compile(r"主要预期目标|预期目标")
_TARGETS = re.compile(r"主要目标|主要指标")


def _lines(text: str) -> list[Line]:
    lines, pos = [], 0
    for raw in text.split("\n"):
        if raw.strip():
            lines.append(Line(pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return lines


def _targets_span(lines: list[Line], lo: int, hi: int) -> Span | None:
    """The paragraph that states the main expected targets, from its first target on."""
    for pattern in (_TARGETS_STRONG, _TARGETS):
        for i, line in enumerate(lines):
            if not lo <= line.start < hi or _NUMBERED_PART.match(line.text):
                continue
            match = pattern.search(line.text)
            if not match or re.search(r"十[一二三四五六七八九]?五|20[3-9]\d", line.text[: match.start()]):
                continue
            rest = line.text[match.end() :]
            colon = re.match(r"^[^。；;,，]{0,12}?(?:是|为|如下)?\s*[:：]\s*", rest) or re.match(
                r"^(?:是|为)(?=[^。；;]{2,30}\d)", rest
            )
            if colon and len(rest) > colon.end() + 4:
                start = line.start + match.end() + colon.end()
                return Span(start, line.end)
            if (colon or (len(line.text) <= 40 and not rest.strip("。: "))) and i + 1 < len(lines):
                # a heading or a line ending in a colon: the targets follow, on one line
                # or as a list of short lines ("1.地区生产总值增长6%左右；")
                listed = [lines[i + 1]]
                for nxt in lines[i + 2 :]:
                    if not _TARGET_ITEM.match(nxt.text) or len(nxt.text) > 80 or _part_heading(nxt.text):
                        break
                    listed.append(nxt)
                if len(listed) == 1 or _TARGET_ITEM.match(listed[0].text):
                    return Span(listed[0].start, listed[-1].end)
                return Span(listed[0].start, listed[0].end)
    return None


# --- the whole report -------------------------------------------------------------------------


def segment(text: str) -> Sections:
    sections = Sections(text=text)
    lines = _lines(text)
    if not lines:
        return sections
    sections.title = Span(lines[0].start, lines[0].end)

    annex_at = len(text)
    parts: list[tuple[str, str, int]] = []  # (kind, title, line index)
    for i, line in enumerate(lines):
        if i > 0 and _ANNEX.match(line.text) and len(line.text) <= 30:
            annex_at = line.start
            break
        heading = _part_heading(line.text)
        if heading:
            parts.append((heading[0], heading[1], i))
    if annex_at < len(text):
        sections.annexes.append(Span(annex_at, len(text)))

    def part_span(k: int) -> Span:
        first = lines[parts[k][2]]
        stop = lines[parts[k + 1][2]].start - 1 if k + 1 < len(parts) else annex_at
        return Span(first.start, max(first.end, min(stop, annex_at)))

    review_k = next((k for k, p in enumerate(parts) if p[0] == "review"), None)
    plan_ks = [k for k, p in enumerate(parts) if p[0] == "plan" and (review_k is None or k > review_k)]
    long_ks = [k for k, p in enumerate(parts) if p[0] == "long"]
    self_k = next((k for k, p in enumerate(parts) if p[0] == "self"), None)

    # The review: its own part, or everything before the plan when there are no headings.
    if review_k is not None:
        review = part_span(review_k)
        # A review part that stops at an unclassed heading keeps going until a plan part.
        k = review_k + 1
        while k < len(parts) and parts[k][0] == "other":
            review = Span(review.start, part_span(k).end)
            k += 1
        sections.review = review
    elif plan_ks:
        first_plan = lines[parts[plan_ks[0]][2]].start
        if first_plan > lines[0].end + 200:
            sections.review = Span(lines[1].start if len(lines) > 1 else 0, first_plan - 1)

    if plan_ks:
        first = part_span(plan_ks[0])
        last = part_span(plan_ks[-1])
        sections.plan = Span(first.start, last.end)
    if self_k is not None:
        sections.self_building = part_span(self_k)

    if sections.review:
        _fill_review(sections, lines)

    # The targets: in the plan, else anywhere after the review.
    lo = sections.plan.start if sections.plan else (sections.review.end if sections.review else 0)
    hi = annex_at
    sections.targets = _targets_span(lines, lo, hi) or (
        _targets_span(lines, 0, hi) if not sections.review else None
    )

    # Key tasks: the numbered areas of this year's plan part(s), skipping five-year-plan parts.
    candidates = plan_ks[::-1] or ([] if sections.review or long_ks else [])
    for k in candidates:
        span = part_span(k)
        part_lines = [ln for ln in lines if span.start <= ln.start < span.end and ln.start != span.start]
        blocks = _task_blocks(part_lines, span.end, sections.targets)
        if blocks:
            sections.task_areas = blocks
            sections.tasks = Span(blocks[0].start, blocks[-1].end)
            break
    if not sections.task_areas and plan_ks:
        # Key tasks written as parts of their own: 二、…工作安排 / 三、聚焦… / 四、…
        k = plan_ks[-1] + 1
        blocks = []
        while k < len(parts) and parts[k][0] in ("other", "plan"):
            span = part_span(k)
            line = lines[parts[k][2]]
            number = _NUMBERED_PART.match(line.text) or _SECTION_PART.match(line.text)
            title = _title_of(parts[k][1])
            title_start = line.text.find(title)
            if number is None or title_start < 0:
                break
            start = line.start + title_start
            blocks.append(Block(title, span.start, span.end, start, start + len(title), number.group(1)))
            k += 1
        if len(blocks) >= 2:
            sections.task_areas = blocks
            sections.tasks = Span(blocks[0].start, blocks[-1].end)
    if not sections.task_areas and long_ks and not plan_ks:
        # Only a five-year-plan part: its areas are the nearest thing to tasks.
        span = part_span(long_ks[-1])
        part_lines = [ln for ln in lines if span.start < ln.start < span.end]
        blocks = _task_blocks(part_lines, span.end, sections.targets)
        if blocks:
            sections.task_areas = blocks
            sections.tasks = Span(blocks[0].start, blocks[-1].end)
    if sections.self_building and sections.task_areas:
        # The self-building part ends the task list when it is a part of its own.
        sb = sections.self_building
        sections.task_areas = [b for b in sections.task_areas if b.start < sb.start]
        for block in sections.task_areas:
            block.end = min(block.end, sb.start - 1)
    return sections


def _task_blocks(part_lines: list[Line], end: int, targets: Span | None) -> list[Block]:
    # Areas come after the targets when the part states them first.
    if targets:
        after = [ln for ln in part_lines if ln.start >= targets.end]
        if after:
            blocks = _areas(after, end)
            if blocks:
                return blocks
    return _areas(part_lines, end)


def _fill_review(sections: Sections, lines: list[Line]) -> None:
    review = sections.review
    assert review is not None
    body = [ln for ln in lines if review.start < ln.start < review.end]
    problem_at = None
    for line in body:
        if _PROBLEMS.search(line.text[:60]):
            problem_at = line.start
            break
    area_end = (problem_at - 1) if problem_at is not None else review.end
    area_lines = [ln for ln in body if ln.start < area_end]
    sections.review_areas = _areas(area_lines, area_end)
    if problem_at is not None:
        # The problems run to the end of the review, or to a line that turns to this year.
        stop = review.end
        for line in body:
            if line.start > problem_at and re.match(r"^(各位代表|今年|2\d{3}年是|新的一年)", line.text):
                stop = line.start - 1
                break
        sections.problems = Span(problem_at, stop)
    first_area = sections.review_areas[0].start if sections.review_areas else area_end
    opening = [ln for ln in body if ln.start < first_area]
    if opening:
        sections.review_opening = Span(opening[0].start, opening[-1].end)
