"""Report metadata: region, level, year, title, speaker, date and kind."""

from __future__ import annotations

import re

from summarizer.analysis.identity import identify, level_of
from summarizer.report.sections import Sections
from summarizer.schema import ReportKind, ReportMeta

__all__ = ["read_meta", "looks_truncated", "looks_cut_short"]

_UNIT = r"(?:特别行政区|自治区|自治州|自治县|新区|省|市|区|县|旗|州|盟)"
_TITLE_REGION = re.compile(rf"(?:(?:19|20)\d{{2}}年)?([\u4e00-\u9fff]{{1,14}}?{_UNIT})(?:人民)?政府工作报告")
_TITLE_REGION_FIRST = re.compile(rf"^([\u4e00-\u9fff]{{1,14}}?{_UNIT})(?:19|20)\d{{2}}年")
_SPEAKER = re.compile(
    rf"([\u4e00-\u9fff]{{2,20}}?{_UNIT})(?:人民政府)?\s*(?:代理?)?(?:省长|市长|区长|县长|旗长|州长|盟长|主席)\s*([\u4e00-\u9fff·]{{2,4}}?)(?=\s|$|作|在|[(（])"
)
_PREMIER = re.compile(r"国务院(?:代理)?总理\s*([\u4e00-\u9fff·]{2,4}?)(?=\s|$|作|在|[(（])")
_MEETING = re.compile(
    rf"((?:19|20)\d{{2}})年(\d{{1,2}})月(\d{{1,2}})日在([\u4e00-\u9fff]{{0,20}}?{_UNIT}|全国)?(?:第[^\s,，]{{1,6}}届)?"
)
_NATIONAL = re.compile(r"全国人民代表大会第|国务院总理|全国人大")
_YEAR = re.compile(r"((?:19|20)\d{2})年")
_DIGEST = re.compile(r"速览|要点|摘要|图解|一图读懂|解读|简版|精编")
_TERMINAL = "。！？!?”」』)）】》…"


def _last_unit(region: str) -> str:
    """呼伦贝尔市海拉尔区 -> 海拉尔区: the smallest administrative unit named."""
    parts = re.findall(rf"[\u4e00-\u9fff]+?{_UNIT}", region)
    if len(parts) >= 2 and len(parts[-1]) >= 2:
        return parts[-1]
    return region


def looks_truncated(text: str) -> bool:
    """Whether the text stops mid-sentence: its last paragraph is long and has no final stop."""
    last = text.rstrip().rsplit("\n", 1)[-1]
    prose = re.search(r"[，,。；;]", last) is not None  # not a list of slogans
    return len(last) > 40 and prose and last[-1] not in _TERMINAL


_CLOSING = re.compile(r"[!！]\s*$|奋斗|努力|贡献|前进|再创|新篇章|新局面|新辉煌|而奋斗")


def looks_cut_short(sections: Sections) -> bool:
    """Whether the text stops before its end: mid-sentence, or after the review with no plan
    and no closing words."""
    text = sections.text
    if looks_truncated(text):
        return True
    last = text.rstrip().rsplit("\n", 1)[-1]
    planless = sections.plan is None and sections.targets is None and not sections.task_areas
    return sections.review is not None and planless and not _CLOSING.search(last[-40:])


def read_meta(sections: Sections, name: str | None, original: str | None = None) -> ReportMeta:
    text = sections.text
    head = text[:1500]
    title_line = sections.slice(sections.title).strip()
    title = title_line if len(title_line) <= 40 and "报告" in title_line else None

    region = None
    for pattern in (_TITLE_REGION, _TITLE_REGION_FIRST):
        match = pattern.search(title_line) if title_line else None
        if match:
            region = match.group(1)
            break
    speaker = None
    match = _SPEAKER.search(head)
    if match:
        region = region or match.group(1)
        speaker = match.group(2)
    premier = _PREMIER.search(head)
    if premier:
        speaker = speaker or premier.group(1)
    meeting = _MEETING.search(head)
    date = None
    if meeting:
        date = f"{meeting.group(1)}年{meeting.group(2)}月{meeting.group(3)}日"
        if not region and meeting.group(4):
            region = meeting.group(4)
    if not region and (_NATIONAL.search(head) or premier or text[:20000].count("我国") >= 5):
        region = "全国"
    if region:
        region = re.sub(r"^(?:(?:19|20)\d{2}年)", "", region)
        region = _last_unit(region)

    year = None
    for source in (title_line, date or ""):
        found = _YEAR.search(source)
        if found:
            year = int(found.group(1))
            break
    review_year = None
    if sections.review:
        found = _YEAR.search(text[sections.review.start : sections.review.start + 40])
        if found:
            review_year = int(found.group(1))
    if year is None and sections.plan:
        found = _YEAR.search(text[sections.plan.start : sections.plan.start + 40])
        if found:
            year = int(found.group(1))
    if year is None and review_year is not None:
        year = review_year + 1
    if review_year is None and year is not None:
        review_year = year - 1

    # The report's identity read from its own lines (title, meeting line, speaker, 我代表…)
    # where they say it; the readings above where they do not.
    identity = identify(original if original is not None else text, name)
    if identity.region:
        region = identity.region
    level = identity.level or (level_of(region) if region else None)
    year = identity.year or sections.plan_year or year
    if year is not None and (review_year is None or review_year != year - 1):
        review_year = year - 1

    kind: ReportKind = "full"
    if _DIGEST.search(title_line) or _DIGEST.search(text[:200].split("\n", 1)[0]):
        kind = "digest"
    if looks_cut_short(sections):
        kind = "partial"
    return ReportMeta(
        region=region,
        level=level,
        year=year,
        review_year=review_year,
        title=title,
        speaker=speaker,
        date=date,
        kind=kind,
        source_name=name,
        chars=len(sections.text),
    )
