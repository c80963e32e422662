"""Whose report is this, and for which year?  Region, level and plan year, with their basis.

A panel pairs each report with the same region's report of the next year, so a wrong region
or year puts a result beside the wrong target.  The summary's ``meta`` is one witness; this
module reads the report's opening lines again and asks several independent ones:

- region: the title (…政府工作报告, a ``title:`` line of a Markdown header), the meeting line
  (在杭州市第十四届人民代表大会…), the speaker's line (杭州市人民政府市长…), 我代表…人民政府,
  the engine's ``meta``, and the file's name and folders;
- year, the year the report plans for: a year in the title (2025年杭州市政府工作报告), the
  headings of the plan (2025年工作安排, 2025年主要预期目标) and of the review (2024年工作回顾:
  the plan year is the next), and the delivery date (a report given in December plans for the
  next year: 2017年12月27日 -> 2018).

The first witness in that order gives the answer; a witness that disagrees is kept as a
note.  Nothing found means unknown (``None``), never a guess.  Region names resolve through
:mod:`summarizer.analysis.divisions` to one canonical name and a pairing key, so 宁夏 and
宁夏回族自治区 are one region; a district or county keeps its own name, prefixed by its city
where the report names it (杭州市上城区).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePath

from summarizer.analysis.divisions import (
    MUNICIPALITIES,
    PROVINCES,
    Division,
    divisions,
    find_division,
)
from summarizer.report.normalize import canon
from summarizer.schema import Level, ReportMeta

__all__ = ["ReportIdentity", "identify", "level_of", "region_key"]

_HEAD_CHARS = 3000  # the title, meeting and speaker lines are within the first lines
_MOST_NAMED_MIN = 5  # mentions for the most named region to count as a witness
_UNIT = r"(?:特别行政区|自治区|自治州|自治县|自治旗|地区|新区|省|市|区|县|旗|州|盟)"
_NAME = rf"[\u4e00-\u9fff]{{1,20}}?{_UNIT}"
_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0"}
_CN_NUM = r"[〇○零一二三四五六七八九]"
_YEAR = rf"(?:(?:19|20)\d{{2}}|[一二]{_CN_NUM}{{3}})"
_MONTH = r"(?:\d{1,2}|十[一二]?|[一二三四五六七八九])"
_DATE = re.compile(rf"({_YEAR})年({_MONTH})月(?:\d{{1,2}}|[一二三]?十?[一二三四五六七八九十])日")

_TITLE_REGION = re.compile(
    rf"(?:{_YEAR}年)?({_NAME})(?:人民政府)?(?:{_YEAR}年)?(?:人民)?(?:政府)?工作报告"
)
_MEETING = re.compile(rf"在({_NAME})(?:第?[一二三四五六七八九十\d]{{1,4}}届|人民代表大会|人大)")
_SPEAKER = re.compile(
    rf"^[-—－■\s]*({_NAME})(?:人民政府|政府)?(?:代理|代)?"
    r"(?:省长|市长|区长|县长|州长|盟长|旗长|专员|主席)"
)
_ON_BEHALF = re.compile(rf"我代表({_NAME})(?:人民)?政府")
# The State Council's report: 我代表国务院, 国务院总理, 在第十四届全国人民代表大会….
_NATIONAL = re.compile(r"我代表国务院|国务院(?:代理)?总理|届全国人民代表大会第")
_NOT_A_NAME = re.compile(rf"^(?:{_UNIT}$|(?:本|我|全|各|该){_UNIT}|[年在]|自治)")
# A year that names the report: 2025年杭州市政府工作报告, 陕西省2015年政府工作报告, …报告（2017年）.
_TITLE_YEAR = re.compile(
    rf"(?:^|[^\d])({_YEAR})年[\u4e00-\u9fff《》]{{0,20}}?工作报告"
    rf"|工作报告》?[(（]({_YEAR})年[)）]"
)
# Who speaks: 我代表省人民政府, 省长, 全省 -> the level, where the report names no region.
_OWN_LEVEL = re.compile(r"我代表(省|市|区|县|自治区|州|盟|旗)(?:人民)?政府")
_HEADING = re.compile(
    r"^[#*\s]*(?:[一二三四五六七八九十]+[、.．]|第[一二三四五六七八九十]+部分)?\s*[*]*"
)
_PLAN_HEADING = re.compile(
    r"^((?:19|20)\d{2})年(?:政府)?(?:工作|经济社会发展|全市|全省|全区|全县)?的?"
    r"(?:总体要求|主要预期目标|主要目标|预期目标|工作安排|重点工作|主要任务|工作任务|目标任务|重点任务)"
)
_REVIEW_HEADING = re.compile(
    r"^((?:19|20)\d{2})年(?:以来)?(?:和[^，。]{0,12}时期)?(?:政府)?(?:主要)?"
    r"(?:工作(?:回顾|情况)|回顾|主要工作和成效|工作和成效)"
)


@dataclass(frozen=True)
class ReportIdentity:
    """A report's region, level and plan year, and what they rest on."""

    region: str | None  # canonical: 杭州市, 宁夏回族自治区, 杭州市上城区
    key: str | None  # equal keys: the same region; None when the region is unknown
    written: str | None  # the region as the report writes it
    level: Level | None
    province: str | None  # the province it belongs to; itself for a province
    parent: str | None  # the region one level up, when known: a city's province
    year: int | None  # the year the report plans for
    region_basis: str | None = None  # title, meeting line, speaker, ... file name
    year_basis: str | None = None
    notes: tuple[str, ...] = field(default=())

    @property
    def known(self) -> bool:
        return self.key is not None and self.year is not None


def region_key(name: str, level: Level | None = None) -> str:
    """The pairing key of a region name: one for 宁夏 and 宁夏回族自治区."""
    division = find_division(name, level)
    if division is not None:
        if division.level == "province":
            return division.name
        return f"{division.province}/{division.short}"
    return canon(name)


# ---------------------------------------------------------------- reading


def _head_lines(text: str) -> list[str]:
    lines = []
    for line in text[:_HEAD_CHARS].splitlines():
        line = canon(line).strip("*#>")
        if line:
            lines.append(line)
    return lines


def _title_lines(lines: list[str]) -> list[str]:
    """Lines that name the report: a header's title, or a short line with 政府工作报告."""
    found = []
    for line in lines[:20]:
        if line.startswith("title:"):
            found.append(line[len("title:") :])
        elif "工作报告" in line and len(line) <= 60 and not re.search(r"[,，。；;]", line):
            found.append(line)
    return found


@lru_cache(maxsize=1)
def _title_short_name() -> re.Pattern[str]:
    """A province or prefecture named without its suffix before the title: 宁夏2021年政府工作报告."""
    names = sorted(
        {d.short for d in divisions().values() if len(d.short) >= 2}, key=len, reverse=True
    )
    alternation = "|".join(map(re.escape, names))
    return re.compile(
        rf"(?<![\u4e00-\u9fff])({alternation})(?:{_YEAR}年)?(?:人民)?(?:政府)?工作报告"
    )


def _region_candidates(lines: list[str]) -> list[tuple[str, str]]:
    """(name as written, basis) for every witness of the region, strongest first."""
    found: list[tuple[str, str]] = []
    for line in _title_lines(lines):
        match = _TITLE_REGION.search(line) or _title_short_name().search(line)
        if match:
            found.append((match.group(1), "title"))
    for basis, pattern in (("meeting line", _MEETING), ("speaker", _SPEAKER)):
        for line in lines[:25]:
            match = pattern.search(line)
            if match:
                found.append((match.group(1), basis))
                break
    opening = "".join(lines[:40])
    match = _ON_BEHALF.search(opening)
    if match:
        found.append((match.group(1), "我代表…政府"))
    if _NATIONAL.search(opening):
        found.append(("全国", "我代表国务院"))
    return [(name, basis) for name, basis in found if _plausible(name)]


def _plausible(name: str) -> bool:
    return len(name) >= 2 and not _NOT_A_NAME.match(name) and "政府" not in name


def _from_path(source: str | None) -> str | None:
    """A province or prefecture named by the file's name or one of its folders."""
    if not source:
        return None
    parts = PurePath(source.replace("\\", "/")).parts[-3:]
    for part in reversed(parts):
        stem = part.rsplit(".", 1)[0]
        for token in re.findall(r"[\u4e00-\u9fff]+", stem):
            for name in re.findall(_NAME, token) or [token]:
                division = _division(name)
                if division is not None:
                    return division.name
    return None


def _division(name: str) -> Division | None:
    """The division a name resolves to, trying ever shorter tails (日广东省 -> 广东省)."""
    for start in range(len(name) - 1):
        division = find_division(name[start:])
        if division is not None and (start == 0 or name[start:] == division.name):
            return division
    return None


def _split_compound(name: str) -> tuple[Division | None, str]:
    """杭州市上城区 -> (杭州市, 上城区): a prefecture (or province) named before the region."""
    table = divisions()
    for cut in range(len(name) - 2, 1, -1):
        head, own = name[:cut], name[cut:]
        for province in PROVINCES:  # 浙江省杭州市上城区
            if head.startswith(province) and head[len(province) :] in table:
                head = head[len(province) :]
        if head in table and _plausible(own):
            return table[head], own
    return None, name


def level_of(name: str) -> Level | None:
    """A region's level read from its name alone (the one reader of it): 全国 national; a
    municipality, 省, 自治区 or 特别行政区 a province; 市, 州, 盟 or 地区 (大兴安岭地区) a city;
    县 or 旗 a county; another 区 a district."""
    if name == "全国":
        return "national"
    if name in MUNICIPALITIES or name.endswith(("省", "自治区", "特别行政区")):
        return "province"
    if name.endswith(("自治县", "县", "旗", "自治旗")):
        return "county"
    if name.endswith(("市", "州", "盟", "地区")):
        return "city"
    if name.endswith("区"):
        return "district"
    return None



@dataclass(frozen=True)
class _Place:
    """A region name resolved: canonical name, pairing key, level and the regions above it."""

    name: str
    key: str
    level: Level | None
    province: str | None
    parent: str | None


def _resolve(name: str) -> _Place:
    if name == "全国":
        return _Place("全国", "全国", "national", None, None)
    division = _division(name)
    if division is not None:
        parent = None if division.level == "province" else division.province
        key = region_key(division.name)
        return _Place(division.name, key, division.level, division.province, parent)
    up, own = _split_compound(name)
    if up is not None:
        full = up.name + own
        return _Place(full, canon(full), level_of(own), up.province, up.name)
    return _Place(own, canon(own), level_of(own), None, None)


def _cn_year(text: str) -> int:
    return int("".join(_CN_DIGITS.get(c, c) for c in text))


def _cn_month(text: str) -> int:
    if text.isdigit():
        return int(text)
    values = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}
    if text.startswith("十"):
        return 10 + values.get(text[1:], 0) if len(text) > 1 else 10
    return values[text]


def _year_candidates(text: str, lines: list[str]) -> list[tuple[int, str]]:
    """(plan year, basis) for every witness of the year, strongest first."""
    found: list[tuple[int, str]] = []
    for line in _title_lines(lines):
        match = _TITLE_YEAR.search(_DATE.sub("", line))
        if match:
            found.append((_cn_year(match.group(1) or match.group(2)), "title"))
            break
    plan = review = None
    for raw in text.splitlines():
        if len(raw) > 80:
            continue
        line = _HEADING.sub("", canon(raw)).strip("*")
        if plan is None and (match := _PLAN_HEADING.match(line)):
            plan = int(match.group(1))
        if review is None and (match := _REVIEW_HEADING.match(line)):
            review = int(match.group(1))
        if plan is not None and review is not None:
            break
    if plan is not None:
        found.append((plan, "plan heading"))
    if review is not None:
        found.append((review + 1, "review heading"))
    for line in lines[:25]:
        match = _DATE.search(line)
        if match:
            year, month = _cn_year(match.group(1)), _cn_month(match.group(2))
            found.append((year + 1 if month >= 10 else year, "date of the session"))
            break
    return found


def _own_level(lines: list[str]) -> Level | None:
    """The level the report speaks for: 我代表省人民政府 -> province."""
    match = _OWN_LEVEL.search("".join(lines[:40]))
    if match is None:
        return None
    return {
        "省": "province",
        "自治区": "province",
        "市": "city",
        "州": "city",
        "盟": "city",
        "区": "district",
        "县": "county",
        "旗": "county",
    }[match.group(1)]  # type: ignore[return-value]


@lru_cache(maxsize=4)
def _name_pattern(level: Level) -> tuple[re.Pattern[str], dict[str, Division]]:
    """Every name of the divisions a report of this level may be, as one pattern."""
    names: dict[str, Division] = {}
    for division in divisions().values():
        wanted = division.level == level or (level == "city" and division.name in MUNICIPALITIES)
        if wanted:
            for name in (division.name, division.short):
                if len(name) >= 2:
                    names.setdefault(name, division)
    ordered = sorted(names, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, ordered))), names


def _most_named(text: str, level: Level | None) -> str | None:
    """The province (or city) a report names far more often than any other: a report that
    never states its region (我代表省人民政府) still writes it (习近平总书记考察浙江…)."""
    if level not in ("province", "city"):
        return None
    pattern, names = _name_pattern(level)
    counts = Counter(names[m.group()].name for m in pattern.finditer(canon(text)))
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < _MOST_NAMED_MIN:
        return None
    if len(ranked) == 2 and ranked[0][1] < 2 * ranked[1][1]:
        return None
    return ranked[0][0]


def _read_region(
    text: str, lines: list[str], source: str | None, meta: ReportMeta | None, level: Level | None
) -> tuple[_Place | None, str | None, str | None, list[str]]:
    """(place, as written, basis, notes): the first witness, refined and checked by the rest."""
    witnesses = _region_candidates(lines)
    national_meta = meta is not None and meta.region == "全国" and level is not None
    if meta is not None and meta.region and _plausible(meta.region) and not national_meta:
        witnesses.append((meta.region, "summary meta"))
    path_region = _from_path(source)
    if path_region is not None:
        witnesses.append((path_region, "file name"))
    if not witnesses:
        named = _most_named(text, level)
        if named is not None:
            witnesses.append((named, "most named in the text"))
    if not witnesses:
        return None, None, None, []
    places = [(_resolve(name), basis) for name, basis in witnesses]
    place, basis = places[0]
    # A bare district (余杭区) is refined by a compound name elsewhere (杭州市余杭区).
    for other, _ in places[1:]:
        if (
            place.province is None
            and other.province is not None
            and other.name.endswith(place.name)
        ):
            place = other
    agree = {place.key} | {
        o.key for o, _ in places if o.province is None and place.name.endswith(o.name)
    }
    notes = []
    for key in dict.fromkeys(o.key for o, _ in places if o.key not in agree):
        bases = "、".join(b for o, b in places if o.key == key)
        name = next(o.name for o, _ in places if o.key == key)
        notes.append(f"{bases}作{name}，与{basis}的{place.name}不一致")
    return place, witnesses[0][0], basis, notes


def _read_year(
    text: str, lines: list[str], meta: ReportMeta | None
) -> tuple[int | None, str | None, list[str]]:
    """(plan year, basis, notes): the first witness, checked by the rest."""
    witnesses = _year_candidates(text, lines)
    if meta is not None and meta.year is not None:
        witnesses.append((meta.year, "summary meta"))
    if not witnesses:
        return None, None, []
    year, basis = witnesses[0]
    notes = [
        f"{other_basis}指向{other}年，与{basis}的{year}年不一致"
        for other, other_basis in witnesses[1:]
        if other != year and other_basis != "summary meta"
    ]
    return year, basis, notes


def identify(
    text: str, source: str | None = None, meta: ReportMeta | None = None
) -> ReportIdentity:
    """Read a report's region, level and plan year; see the module doc."""
    lines = _head_lines(text)
    spoken = _own_level(lines)
    place, written, region_basis, region_notes = _read_region(text, lines, source, meta, spoken)
    year, year_basis, year_notes = _read_year(text, lines, meta)
    level = place.level if place is not None else None
    if level is None:
        level = spoken or (meta.level if meta is not None else None)
    return ReportIdentity(
        region=place.name if place else None,
        key=place.key if place else None,
        written=written,
        level=level,
        province=place.province if place else None,
        parent=place.parent if place else None,
        year=year,
        region_basis=region_basis,
        year_basis=year_basis,
        notes=tuple(region_notes + year_notes),
    )
