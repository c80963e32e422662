"""Whose report, which year: region names resolved, witnesses read, nothing guessed."""

from __future__ import annotations

import re

import pytest

from summarizer.analysis.divisions import find_division
from summarizer.analysis.identity import identify, region_key
from summarizer.schema import ReportMeta
from tests.conftest import SHARED

CORPUS = SHARED / "datasets" / "corpus"


def test_one_key_for_the_ways_a_region_is_written():
    assert (
        region_key("宁夏") == region_key("宁夏回族自治区") == region_key("宁夏回族自治区人民政府")
    )
    assert region_key("杭州") == region_key("杭州市")
    assert region_key("恩施州") == region_key("恩施土家族苗族自治州")
    assert region_key("那曲地区") == region_key("那曲市")  # renamed in 2018, one region


def test_names_two_divisions_share_are_told_apart():
    assert find_division("吉林").level == "province"
    assert find_division("吉林市").level == "city"
    assert region_key("吉林省") != region_key("吉林市")
    assert find_division("海南州").province == "青海省"
    assert find_division("海南").name == "海南省"
    assert find_division("北京市").level == "province"  # a municipality is province-level
    assert find_division("杭州市").province == "浙江省"
    assert find_division("余杭区") is None  # districts are not in the table


def _report(head: str, body: str = "") -> str:
    return (
        head + "\n\n各位代表：\n\n" + (body or "现在，我代表政府向大会报告工作，请予审议。\n") * 3
    )


def test_title_gives_region_and_year():
    who = identify(_report("2020年宁夏回族自治区政府工作报告"))
    assert (who.region, who.level, who.province, who.year) == (
        "宁夏回族自治区",
        "province",
        "宁夏回族自治区",
        2020,
    )
    assert (who.region_basis, who.year_basis) == ("title", "title")


def test_a_report_given_in_december_plans_for_the_next_year():
    text = _report(
        "---\ntitle: 绥化市政府工作报告 （2017年12月27日 张子林）\n---\n\n"
        "——二〇一七年十二月二十七日在绥化市第四届人民代表大会第二次会议上"
    )
    who = identify(text)
    assert (who.region, who.year, who.year_basis) == ("绥化市", 2018, "date of the session")
    assert who.province == "黑龙江省"


def test_headings_give_the_year_when_the_title_has_none():
    body = "**一、2018年工作回顾**\n\n过去一年，全省经济平稳。\n\n**二、2019年工作安排**\n\n"
    who = identify(_report("广东省省长 马兴瑞", body))
    assert (who.region, who.year, who.year_basis) == ("广东省", 2019, "plan heading")
    only_review = identify(_report("广东省省长 马兴瑞", "一、2018年工作回顾\n\n全省经济平稳。\n"))
    assert (only_review.year, only_review.year_basis) == (2019, "review heading")


def test_a_report_that_never_names_itself_is_known_by_the_region_it_names_most():
    body = (
        "习近平总书记考察浙江，浙江干部群众深受鼓舞，浙江经济稳中向好，杭州、宁波、温州发展加快。\n"
    )
    text = (
        "---\ntitle: 2016年政府工作报告\n---\n\n各位代表：\n\n现在，我代表省人民政府向大会作报告。\n"
        + body * 2
    )
    who = identify(text)
    assert (who.region, who.level, who.year) == ("浙江省", "province", 2016)
    assert who.region_basis == "most named in the text"


def test_the_state_councils_report_is_national(seed_text):
    text = (
        "各位代表：\n\n现在，我代表国务院，向大会报告政府工作，请予审议。\n\n一、2018年工作回顾\n"
        * 2
    )
    who = identify(text)
    assert (who.region, who.level, who.year) == ("全国", "national", 2019)
    # A province's report the engine took for the national one stays the province's.
    meta = ReportMeta(region="全国", level="national", year=2020)
    province = identify(
        _report("<!-- 尹弘在河南省第十三届人民代表大会第三次会议上作政府工作报告 -->"), None, meta
    )
    assert province.region == "河南省" and any("全国" in note for note in province.notes)


def test_nothing_found_means_unknown_not_a_guess():
    who = identify(_report("政府工作报告"))
    assert who.region is None and who.key is None and who.year is None and not who.known


def test_garbled_meta_is_read_through_and_a_disagreement_is_noted():
    meta = ReportMeta(region="日广东省", level="province", year=2015)
    who = identify(_report("政府工作报告"), "广东省/2015.md", meta)
    assert who.region == "广东省" and who.region_basis == "summary meta"
    text = _report("2015年广东省政府工作报告")
    noted = identify(text, "2015_city_广州市.md")
    assert noted.region == "广东省"
    assert any("广州市" in note for note in noted.notes)


def test_seeds_districts_keep_their_city(seed_text):
    yuhang_2024, yuhang_2025 = identify(seed_text("002")), identify(seed_text("000"))
    assert (yuhang_2024.key, yuhang_2024.year) == ("余杭区", 2024)
    assert (yuhang_2025.key, yuhang_2025.year) == ("余杭区", 2025)
    shangcheng = identify(seed_text("004"))
    assert (shangcheng.region, shangcheng.parent, shangcheng.level) == (
        "杭州市上城区",
        "杭州市",
        "district",
    )
    assert shangcheng.notes == ()  # 上城区 in the speaker line agrees with 杭州市上城区
    hangzhou = identify(seed_text("003"))
    assert (hangzhou.region, hangzhou.parent, hangzhou.year) == ("杭州市", "浙江省", 2025)


@pytest.mark.slow
def test_every_report_of_the_shared_corpus_is_placed_from_its_text_alone():
    """The corpus names files YEAR_LEVEL_REGION.md: the text alone must give the same."""
    if not CORPUS.is_dir():
        pytest.skip("the shared corpus is not on this machine")
    from summarizer.report.load import load_path

    wrong = []
    for path in sorted(CORPUS.glob("*_*_*.md")):
        year, _, region = re.match(r"(\d{4})_(\w+?)_(.+)\.md", path.name).groups()
        who = identify(load_path(path).text)  # no file name, no meta
        if (who.region, who.year) != (find_division(region).name, int(year)):
            wrong.append(f"{path.name}: {who.region} {who.year}")
    assert wrong == []


@pytest.mark.parametrize(
    ("title", "region", "level"),
    [
        ("大兴安岭地区2024年政府工作报告", "大兴安岭地区", "city"),
        ("香港特别行政区2024年政府工作报告", "香港特别行政区", "province"),
        ("海拉尔区2024年政府工作报告", "海拉尔区", "district"),
    ],
)
def test_the_rules_engine_and_the_identity_reader_agree_on_a_region_level(title, region, level):
    from summarizer.analysis.identity import level_of
    from summarizer.pipeline import summarize_text

    text = f"{title}\n\n各位代表：\n\n现在，我代表{region}人民政府向大会报告工作，请予审议。\n\n一、2023年工作回顾\n\n过去一年，地区生产总值增长5%。\n"
    assert level_of(region) == level
    assert identify(text, None).level in (level, None)
    meta = summarize_text(text).meta
    assert (meta.region, meta.level) == (region, level)
