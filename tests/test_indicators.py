"""Indicator names matched across wording, and indicators found in running text."""

from __future__ import annotations

import pytest

from summarizer.analysis.indicators import (
    SYNONYMS,
    clean_name,
    find_mentions,
    group_names,
    indicator_key,
    lower_is_better,
    same_indicator,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("地区生产总值", "生产总值"),
        ("地区生产总值", "GDP"),
        ("地区生产总值", "国内生产总值"),
        ("全市地区生产总值", "地区生产总值"),
        ("全省生产总值", "ＧＤＰ"),
        ("全县地区生产总值增长", "生产总值"),
        ("规上工业增加值", "规模以上工业增加值"),
        ("全区规上工业增加值", "规模以上工业增加值"),
        ("R&D经费支出相当于生产总值比例", "全社会研发经费投入强度"),
        ("居民消费价格指数涨幅", "居民消费价格涨幅"),
        ("社会消费品零售总额", "社会消费品零售额"),
        ("货物进出口", "货物进出口总额"),
        ("城镇调查失业率", "调查失业率"),
        ("居民收入", "居民人均可支配收入"),
    ],
)
def test_same_indicator_across_wording(a: str, b: str) -> None:
    assert same_indicator(a, b)
    assert indicator_key(a) == indicator_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("规上工业增加值", "服务业增加值"),
        ("地区生产总值", "人均地区生产总值"),
        ("地区生产总值", "单位GDP能耗"),
        ("城镇居民人均可支配收入", "农村居民人均可支配收入"),
        ("城镇调查失业率", "城镇登记失业率"),
        ("财政总收入", "一般公共预算收入"),
        ("规模以上工业增加值", "规模以上工业总产值"),
        ("高新技术产业投资", "固定资产投资"),
    ],
)
def test_different_indicators_stay_apart(a: str, b: str) -> None:
    assert not same_indicator(a, b)


def test_region_name_is_stripped_when_given() -> None:
    assert indicator_key("余杭区地区生产总值", "余杭区") == "地区生产总值"
    assert indicator_key("余杭地区生产总值", "余杭区") == "地区生产总值"
    assert clean_name("全区数字经济核心产业增加值增长") == "数字经济核心产业增加值"


def test_names_outside_the_table_keep_their_own_key() -> None:
    key = indicator_key("规上营利性服务业营收")
    assert key == "规上营利性服务业营收"
    assert key not in SYNONYMS


def test_head_noun_decides_a_long_qualitative_name() -> None:
    assert indicator_key("完成省市下达的节能减排任务") == "节能减排"
    assert indicator_key("固定资产投资项目数") != "固定资产投资"


def test_group_names_merges_near_identical_unknown_names() -> None:
    keys = group_names(
        [
            ("规上营利性服务业营业收入", None),
            ("规上营利性服务业营业收入额", None),
            ("新增上市企业", None),
        ]
    )
    assert keys[0] == keys[1]
    assert keys[2] != keys[0]


def test_mentions_prefer_the_longest_name() -> None:
    text = "单位生产总值能耗下降3%,人均地区生产总值14万元,R&D经费支出相当于生产总值比例4.5%,地区生产总值增长6%"
    keys = [m.key for m in find_mentions(text)]
    assert keys == ["单位地区生产总值能耗", "人均地区生产总值", "研发经费投入强度", "地区生产总值"]
    gdp = find_mentions(text)[-1]
    assert text[gdp.start : gdp.end] == "地区生产总值"


def test_generic_names_are_not_mentions_in_text() -> None:
    assert find_mentions("新增规上工业企业103家,出口退税加快") == []


def test_a_name_modifying_another_noun_is_not_a_mention() -> None:
    assert find_mentions("招引制造业固投类项目338个,固定资产投资项目开工120个") == []
    assert find_mentions("服务业增加值占比达70%") == []
    assert [m.key for m in find_mentions("固定资产投资增长5%")] == ["固定资产投资"]


def test_extra_names_and_offsets() -> None:
    mentions = find_mentions(
        "其中规上营利性服务业营收增长9.5%", [("规上营利性服务业营收", "X")], offset=100
    )
    assert [(m.key, m.start) for m in mentions] == [("X", 102)]


def test_lower_is_better() -> None:
    assert lower_is_better(indicator_key("城镇调查失业率"))
    assert lower_is_better(indicator_key("居民消费价格指数涨幅"))
    assert not lower_is_better(indicator_key("GDP"))
