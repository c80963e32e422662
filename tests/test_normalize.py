from __future__ import annotations

import pytest

from summarizer.report.normalize import canon, fold_width, normalize


def test_fold_width_keeps_length_and_folds_digits_and_punctuation():
    text = "增长５．５％，（一）　ＧＤＰ"
    folded = fold_width(text)
    assert len(folded) == len(text)
    assert folded == "增长5.5%,(一) GDP"


def test_broken_line_is_joined_and_maps_back(seed_text):
    original = seed_text("004")
    nt = normalize(original)
    at = nt.text.index("服务业增加值增长5.7%")
    start, end = nt.span_to_original(at, at + len("服务业增加值增长5.7%"))
    quoted = original[start:end]
    assert "\n" in quoted  # the original breaks this sentence across lines
    assert canon(quoted) == "服务业增加值增长5.7%"


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_every_normalised_character_maps_to_its_original(seed_text, prefix):
    original = seed_text(prefix)
    nt = normalize(original)
    for i in range(0, len(nt.text), 3):
        assert fold_width(original[nt.to_original(i)]) == nt.text[i]


def test_page_furniture_is_dropped(seed_text):
    nt = normalize(seed_text("003"))
    assert "浏览次数" not in nt.text
    assert "2025年杭州市政府工作报告" in nt.text


def test_spaces_collapse_but_separate_digest_titles():
    nt = normalize("创新活力更加迸发   浙江新型算力中心\n社会消费品零售总额 1251.8亿元")
    assert nt.text == "创新活力更加迸发 浙江新型算力中心\n社会消费品零售总额1251.8亿元"


def test_heading_is_not_joined_to_the_paragraph_before():
    text = "全面确立了领先地位但这一行很长没有句号结尾的情况在网页复制时常见" * 2 + "\n\n\n\n大事要事得到关怀 扛起了使命\n"
    nt = normalize(text)
    assert nt.text.endswith("\n大事要事得到关怀 扛起了使命")


def test_crlf_and_bom_are_handled():
    nt = normalize("\ufeff一、2018年工作回顾\r\n\r\n过去一年，我们完成了任务。\r\n")
    assert nt.text == "一、2018年工作回顾\n过去一年,我们完成了任务。"


def test_subscript_split_across_lines_is_rejoined():
    nt = normalize("细颗粒物(PM\n2.5\n)浓度继续下降,生态文明建设成效显著,这是一个很长的句子用来测试。")
    assert "(PM2.5)浓度" in nt.text


def test_mac_line_endings_break_lines_as_lf_does(seed_text):
    from summarizer.pipeline import summarize_text

    text = seed_text("003")
    lf = summarize_text(text)
    cr = summarize_text(text.replace("\n", "\r"))
    assert [a.title for a in cr.review_areas] == [a.title for a in lf.review_areas]
    assert len(cr.review_areas) >= 3
    assert [(f.indicator, f.value) for f in cr.headline_figures] == [
        (f.indicator, f.value) for f in lf.headline_figures
    ]
    assert cr.verification is not None and cr.verification.ok == lf.verification.ok
    lines = "一、回顾。\r全年增长5%。\r\n二、任务。"
    assert normalize(lines).text == normalize(lines.replace("\r\n", "\n").replace("\r", "\n")).text
