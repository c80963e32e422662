"""Matching predicted items to gold by the rules of GOLD_FORMAT.md."""

from __future__ import annotations

import pytest

from summarizer.evaluate.matching import (
    char_f1,
    indicators_match,
    match_areas,
    match_items,
    one_to_one,
)
from summarizer.evaluate.records import PRF, Item


def items(*pairs: str) -> list[Item]:
    return [Item(indicator=p.split("|")[0], value=p.split("|")[1]) for p in pairs]


def statuses(score) -> list[tuple[str, str | None, str | None]]:
    return [
        (o.status, o.gold.label() if o.gold else None, o.pred.label() if o.pred else None)
        for o in score.outcomes
    ]


def test_char_f1():
    assert char_f1("地区生产总值", "地区生产总值") == 1.0
    assert char_f1("abc", "xyz") == 0.0
    assert char_f1("", "abc") == 0.0
    assert char_f1("ａｂ", "ab") == 1.0  # width folded
    assert char_f1("aab", "ab") == pytest.approx(0.8)  # a multiset: the second a is extra


def test_indicator_rules():
    assert indicators_match("城镇调查失业率", "调查失业率")  # containment
    assert indicators_match("居民消费价格涨幅", "居民消费价格指数涨幅")  # overlap F1 >= 0.6
    assert not indicators_match("地区生产总值", "GDP")
    assert not indicators_match("一般公共预算收入", "财政总收入")  # shares only 收入
    assert not indicators_match("", "收入")


def test_value_after_unit_scaling_and_one_to_one():
    gold = items("地区生产总值|21860亿元", "地区生产总值|增长4.7%")
    pred = items("地区生产总值|增长4.7%", "地区生产总值|2.186万亿元", "地区生产总值|增长4.7%")
    score = match_items(gold, pred)
    assert score.prf == PRF.from_counts(2, 2, 3)
    assert statuses(score)[-1] == ("extra", None, "地区生产总值：增长4.7%")


def test_mismatches_are_counted_by_kind():
    gold = items(
        "国内生产总值|突破90万亿元",
        "城镇调查失业率|控制在5%以内",
        "进出口总额|增长6.4%",
        "居民收入|增长与经济增长基本同步",
        "一般公共预算收入|2640.3亿元",
    )
    pred = items(
        "国内生产总值|90万亿元",  # qualifier dropped
        "城镇调查失业率|5个百分点以内",  # % is not 个百分点
        "进出口总额|增长6.5%",  # another value
        "居民收入|与经济增长同步",  # qualitative: indicator alone decides
        "研发投入|3%",  # nothing like it in gold
    )
    score = match_items(gold, pred)
    assert statuses(score) == [
        ("qualifier", "国内生产总值：突破90万亿元", "国内生产总值：90万亿元"),
        ("unit", "城镇调查失业率：控制在5%以内", "城镇调查失业率：5个百分点以内"),
        ("value", "进出口总额：增长6.4%", "进出口总额：增长6.5%"),
        ("match", "居民收入：增长与经济增长基本同步", "居民收入：与经济增长同步"),
        ("missed", "一般公共预算收入：2640.3亿元", None),
        ("extra", None, "研发投入：3%"),
    ]
    assert (score.unit_mismatches, score.qualifier_mismatches, score.value_mismatches) == (1, 1, 1)
    assert score.prf.tp == 1 and score.prf.precision == 0.2 and score.prf.recall == 0.2


def test_qualifier_synonyms_match_and_ranges_need_both_ends():
    gold = items("城镇新增就业|超143万人", "国内生产总值|增长6%－6.5%")
    assert (
        match_items(gold, items("城镇新增就业|超过143万人", "国内生产总值|增长6%-6.5%")).prf.tp == 2
    )
    score = match_items(gold, items("城镇新增就业|143万人", "国内生产总值|增长6%"))
    assert score.prf.tp == 0
    assert [o.status for o in score.outcomes] == ["qualifier", "value"]


def test_a_maximum_matching_not_a_greedy_one():
    # gold 0 fits pred 0 or 1, gold 1 only pred 0: greedy on gold 0 would strand gold 1.
    assert one_to_one([[0, 1], [0]]) == {0: 1, 1: 0}
    assert one_to_one([[], [0], [0]]) == {1: 0}


def test_empty_sides():
    assert match_items([], []).prf.f1 == 1.0
    invented = match_items([], items("地区生产总值|增长5%"))
    assert (invented.prf.precision, invented.prf.recall, invented.prf.f1) == (0.0, 1.0, 0.0)
    nothing = match_items(items("地区生产总值|增长5%"), [])
    assert (nothing.prf.precision, nothing.prf.recall, nothing.prf.f1) == (1.0, 0.0, 0.0)


def test_areas_match_at_overlap_0_7_and_report_the_nearest_title():
    gold = ["全力以赴稳增长，经济运行稳中有进", "全力以赴抓创新，新质生产力加快培育"]
    pred = ["全力以赴抓创新,新质生产力加快培育。", "全力以赴稳增长", "政府自身建设"]
    score = match_areas(gold, pred)
    assert score.prf.tp == 1
    missed, matched, *extras = score.outcomes
    assert (missed.status, missed.nearest) == ("missed", "全力以赴稳增长")
    assert missed.similarity is not None and missed.similarity < 0.7
    assert matched.status == "match" and matched.pred == pred[0]
    assert [e.pred for e in extras] == ["全力以赴稳增长", "政府自身建设"]
