"""The clause reader: each number bound to what it measures, as these reports write it.

The sentences are the shapes BINDING.md counts over the corpus (分别 lists, level then
growth, from-to changes, numbers before their noun, new and cumulative, shares, 均, 其中,
thresholds inside names), written here afresh; none is taken from a seed report.
"""

from __future__ import annotations

import pytest

from summarizer.report.binding import label_score, read_bindings
from summarizer.report.labels import clean_label, is_fragment, split_items
from summarizer.report.normalize import normalize
from summarizer.report.numbers import extract_quantities


def bind(sentence: str) -> list[tuple[str, str, str]]:
    """(label, value, how) of every figure of a sentence; '' for a label not read."""
    text = normalize(sentence).text
    return [(b.label, b.value, b.how) for b in read_bindings(text, extract_quantities(text))]


def pairs(sentence: str) -> list[tuple[str, str]]:
    return [(label, value) for label, value, _ in bind(sentence)]


# -- 分别 lists ---------------------------------------------------------------------------


def test_respectively_pairs_labels_and_values_by_position():
    assert pairs("全区无还本续贷、技改贷款余额分别增长21.5%、9.4%。") == [
        ("无还本续贷", "增长21.5%"),
        ("技改贷款余额", "增长9.4%"),
    ]


def test_a_fused_pair_word_is_expanded():
    assert pairs("城乡居民人均可支配收入分别增长4.6%、6.8%。") == [
        ("城镇居民人均可支配收入", "增长4.6%"),
        ("农村居民人均可支配收入", "增长6.8%"),
    ]


def test_a_head_written_once_goes_to_every_item():
    assert pairs("一、二、三产增加值分别增长3.1%、6.2%和5.4%。") == [
        ("一产增加值", "增长3.1%"),
        ("二产增加值", "增长6.2%"),
        ("三产增加值", "增长5.4%"),
    ]
    assert [p[0] for p in pairs("火灾、溺水事故起数分别下降12%、7%。")] == [
        "火灾事故起数",
        "溺水事故起数",
    ]


def test_labels_with_their_levels_in_the_clause_before():
    assert pairs("人民币存款余额860亿元、贷款余额910亿元，分别增长5.5%、7.1%。") == [
        ("人民币存款余额", "860亿元"),
        ("贷款余额", "910亿元"),
        ("人民币存款余额", "增长5.5%"),
        ("贷款余额", "增长7.1%"),
    ]


def test_a_second_series_is_bound_like_the_first():
    found = pairs("城乡居民人均可支配收入分别达到52100元、27300元，分别增长4.9%、6.6%。")
    assert found == [
        ("城镇居民人均可支配收入", "达到52100元"),
        ("农村居民人均可支配收入", "达到27300元"),
        ("城镇居民人均可支配收入", "增长4.9%"),
        ("农村居民人均可支配收入", "增长6.6%"),
    ]


def test_one_value_for_many_labels_goes_to_each():
    assert pairs("接待游客和旅游收入分别增长15%以上。") == [
        ("接待游客", "增长15%以上"),
        ("旅游收入", "增长15%以上"),
    ]


def test_counts_that_differ_are_not_guessed():
    found = bind("各项工作扎实推进，完成率分别达到97.5%、99%。")
    assert [label for label, _, _ in found] == ["", ""]


# -- level then growth, from-to, 均, 其中 ----------------------------------------------


def test_a_change_with_no_words_of_its_own_belongs_to_the_level_before():
    assert pairs("规模以上工业增加值完成820亿元，增长6.3%。") == [
        ("规模以上工业增加值", "完成820亿元"),
        ("规模以上工业增加值", "增长6.3%"),
    ]
    assert pairs("实际使用外资12.4亿美元、增长18%。")[1] == ("实际使用外资", "增长18%")


def test_a_from_to_change_binds_its_end_not_its_start():
    assert bind("森林覆盖率由58.2%提高到60.1%。") == [("森林覆盖率", "提高到60.1%", "from_to")]
    assert pairs("农村低保标准从每人每年4800元提高到5400元。") == [("农村低保标准", "提高到5400元")]


def test_each_of_a_list_before_jun():
    assert pairs("农村自来水普及率、规模化供水覆盖率均达95%。") == [
        ("农村自来水普及率", "达95%"),
        ("规模化供水覆盖率", "达95%"),
    ]
    # a short last item takes the words of the first: 入学率、巩固率
    assert [p[0] for p in pairs("义务教育入学率、巩固率均达100%。")] == ["义务教育入学率", "义务教育巩固率"]


def test_a_part_after_qizhong_is_marked():
    text = normalize("地方一般公共预算收入46亿元，其中税收收入31亿元。").text
    found = read_bindings(text, extract_quantities(text))
    assert [(b.label, b.part) for b in found] == [("地方一般公共预算收入", False), ("税收收入", True)]


# -- the number before its noun, new and cumulative, shares, thresholds ----------------------


def test_a_number_before_its_noun_is_named_by_the_noun():
    assert pairs("新建180个村级综合服务站。") == [("新建村级综合服务站", "180个")]
    assert pairs("解决3.2万人饮水安全问题。") == [("解决饮水安全问题", "3.2万人")]


def test_the_stock_takes_the_noun_of_the_increment():
    assert pairs("新增高新技术企业120家、总数达860家。") == [
        ("新增高新技术企业", "120家"),
        ("高新技术企业总数", "达860家"),
    ]


def test_a_share_of_the_whole_takes_the_subject_before_it():
    assert pairs("认定省级专精特新企业45家，占全省8%。")[1] == ("省级专精特新企业占全省", "8%")


def test_a_threshold_stays_in_the_name_and_is_no_figure():
    assert pairs("签约亿元以上项目36个，其中10亿元以上项目9个。")[0] == ("签约亿元以上项目", "36个")
    assert pairs("完成1000万元以上项目投资520亿元。") == [("1000万元以上项目投资", "520亿元")]


def test_ranks_years_and_names_are_no_figures():
    assert pairs("地区生产总值居全省第3位，“十四五”规划顺利收官，5G基站实现全覆盖。") == []


def test_signs_and_directions_stay_in_the_value():
    found = read_bindings(*_text_and_pool("单位生产总值能耗下降3.2%，二氧化碳排放下降4%。"))
    assert [(b.label, b.direction, b.kind) for b in found] == [
        ("单位生产总值能耗", "down", "change"),
        ("二氧化碳排放", "down", "change"),
    ]


def _text_and_pool(sentence: str):
    text = normalize(sentence).text
    return text, extract_quantities(text)


# -- labels a reader understands ------------------------------------------------------------


@pytest.mark.parametrize(
    "stretch, label",
    [
        ("全年地区生产总值", "地区生产总值"),
        ("①新增养老床位", "新增养老床位"),
        ("2024年全市粮食产量", "粮食产量"),
        ("实现社会消费品零售总额", "社会消费品零售总额"),
    ],
)
def test_openers_and_value_verbs_leave_the_label(stretch, label):
    assert clean_label(stretch) == label


@pytest.mark.parametrize(
    "label", ["接收", "投入", "产值", "其他", "三是实施", "均", "有望", "在全省", "高于全省", "改造和"]
)
def test_fragments_are_no_label(label):
    assert is_fragment(clean_label(label)) or not clean_label(label)


def test_split_items_expands_and_distributes():
    assert split_items("城镇和农村居民人均可支配收入", 2) == ["城镇居民人均可支配收入", "农村居民人均可支配收入"]
    assert split_items("金融机构存贷款余额", 2) == ["金融机构存款余额", "金融机构贷款余额"]


def test_label_score_prefers_the_same_name():
    assert label_score("城镇居民人均可支配收入", "城镇居民人均可支配收入") == 1.0
    assert label_score("城镇居民人均可支配收入", "农村居民人均可支配收入") < 1.0
    assert label_score("地区生产总值", "全市地区生产总值") == 0.9
    assert label_score("出口", "") == 0.0
