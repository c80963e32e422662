"""Reading quantities: values, units, magnitudes, kinds, qualifiers, ranges, exclusions."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.report.normalize import normalize
from summarizer.report.numbers import (
    QUALIFIERS,
    digit_tokens,
    extract_quantities,
    parse_chinese_numeral,
    same_qualifier,
    same_quantity,
)
from summarizer.schema import Quantity

SHARED_PUBLIC = Path(__file__).resolve().parent.parent.parent / "shared" / "datasets" / "public"


def _read(text: str) -> list[tuple]:
    return [
        (q.raw, q.value, q.unit, q.magnitude, q.kind, q.qualifier) for q in extract_quantities(text)
    ]


# text, [(raw, value, unit, magnitude, kind, qualifier), ...]
CASES = [
    ("全市地区生产总值21860亿元、增长4.7%",
     [("21860亿元", 2.186e12, "元", "亿", "quantity", None), ("4.7%", 4.7, "%", "", "percent", None)]),
    ("国内生产总值突破90万亿元", [("90万亿元", 9e13, "元", "万亿", "quantity", "突破")]),
    ("城镇新增就业1361万人", [("1361万人", 1.361e7, "人", "万", "quantity", None)]),
    ("实际使用外资1383亿美元", [("1383亿美元", 1.383e11, "美元", "亿", "quantity", None)]),
    ("投资1,234.5元", [("1,234.5元", 1234.5, "元", "", "quantity", None)]),
    ("建成3千万平方米", [("3千万平方米", 3e7, "平方米", "千万", "quantity", None)]),
    ("装机1200千瓦", [("1200千瓦", 1200.0, "千瓦", "", "quantity", None)]),
    ("提高1.02个百分点", [("1.02个百分点", 1.02, "个百分点", "", "points", None)]),
    ("下降0.5百分点", [("0.5百分点", 0.5, "个百分点", "", "points", None)]),
    ("常住人口出生率7.5‰", [("7.5‰", 7.5, "‰", "", "percent", None)]),
    ("全社会研发经费投入强度达3.9%", [("3.9%", 3.9, "%", "", "percent", None)]),
    ("全角数字１２％", [("１２％", 12.0, "%", "", "percent", None)]),
    # qualifiers after, before and inside
    ("地区生产总值增长5.5%左右", [("5.5%", 5.5, "%", "", "percent", "左右")]),
    ("研发经费投入强度4%以上", [("4%", 4.0, "%", "", "percent", "以上")]),
    ("城镇调查失业率控制在5%以内", [("5%", 5.0, "%", "", "percent", "以内")]),
    ("城镇新增就业1100万人以上", [("1100万人", 1.1e7, "人", "万", "quantity", "以上")]),
    ("35岁以下大学生", [("35岁", 35.0, "岁", "", "quantity", "以下")]),
    ("日均新设企业超过1.8万户", [("1.8万户", 1.8e4, "户", "万", "quantity", "超过")]),
    ("企业总数超100万户", [("100万户", 1e6, "户", "万", "quantity", "超")]),
    ("贡献率接近60%", [("60%", 60.0, "%", "", "percent", "接近")]),
    ("约5%", [("5%", 5.0, "%", "", "percent", "约")]),
    ("近3年", [("3年", 3.0, "年", "", "quantity", "近")]),
    ("比重均不低于80%", [("80%", 80.0, "%", "", "percent", "不低于")]),
    ("力争增长6%", [("6%", 6.0, "%", "", "percent", "力争")]),
    ("力争1050亿元", [("1050亿元", 1.05e11, "元", "亿", "quantity", "力争")]),
    ("棚户区住房改造620多万套", [("620多万套", 6.2e6, "套", "万", "quantity", "多")]),
    ("投资2000余万元", [("2000余万元", 2e7, "元", "万", "quantity", "余")]),
    ("100多个项目", [("100多个", 100.0, "个", "", "quantity", "多")]),
    ("5万余人", [("5万余人", 5e4, "人", "万", "quantity", "余")]),
    # ranges: two quantities, the first taking the unit of the second
    ("国内生产总值增长6%－6.5%",
     [("6%", 6.0, "%", "", "percent", None), ("6.5%", 6.5, "%", "", "percent", None)]),
    ("全省生产总值增长5%—5.5%",
     [("5%", 5.0, "%", "", "percent", None), ("5.5%", 5.5, "%", "", "percent", None)]),
    ("增长5-5.5%", [("5", 5.0, "%", "", "percent", None), ("5.5%", 5.5, "%", "", "percent", None)]),
    ("增长6%-7%左右",
     [("6%", 6.0, "%", "", "percent", "左右"), ("7%", 7.0, "%", "", "percent", "左右")]),
    ("梯龄15至20年", [("15", 15.0, "年", "", "quantity", None), ("20年", 20.0, "年", "", "quantity", None)]),
    ("0—6岁儿童", [("0", 0.0, "岁", "", "quantity", None), ("6岁", 6.0, "岁", "", "quantity", None)]),
    ("6万-8万元", [("6万", 6e4, "元", "万", "quantity", None), ("8万元", 8e4, "元", "万", "quantity", None)]),
    # ranks
    ("稳居全国城市第8，", [("第8", 8.0, "第", "", "quantity", None)]),
    ("连续3年居全球科技集群第14位", [("3年", 3.0, "年", "", "quantity", None),
                                    ("第14", 14.0, "第", "", "quantity", None)]),
    # Chinese numerals with a measure word
    ("实施三年行动计划", [("三年", 3.0, "年", "", "quantity", None)]),
    ("十项重大工程", [("十项", 10.0, "项", "", "quantity", None)]),
    ("二万一千八百六十亿元", [("二万一千八百六十亿元", 2.186e12, "元", "亿", "quantity", None)]),
    ("两万亿元", [("两万亿元", 2e12, "元", "万亿", "quantity", None)]),
    ("增长百分之五点五", [("百分之五点五", 5.5, "%", "", "percent", None)]),
    ("提高一个百分点", [("一个百分点", 1.0, "个百分点", "", "points", None)]),
    ("三十多万人", [("三十多万人", 3e5, "人", "万", "quantity", "多")]),
    ("二十余年", [("二十余年", 20.0, "年", "", "quantity", "余")]),
    ("突破千亿千瓦时", [("千亿千瓦时", 1e11, "千瓦时", "千亿", "quantity", "突破")]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_extract(text: str, expected: list[tuple]) -> None:
    got = _read(text)
    assert [g[0] for g in got] == [e[0] for e in expected]
    for g, e in zip(got, expected, strict=True):
        assert g[1] == pytest.approx(e[1], rel=1e-12)
        assert g[2:] == e[2:]


NOT_QUANTITIES = [
    # names
    "实施“十四五”规划", "十四五时期", "十五五规划", "“1515”攻坚行动", "落实“8+4”政策", "8+4经济政策",
    "构建415X产业集群", "PM2.5浓度", "5G基站", "M2余额", "G20峰会", "IPv6提升行动",
    "“中国民营企业500强”", "《杭州市国土空间总体规划（2021—2035年）》", "比例为2.31:1", "版本1.2.3",
    # dates and times
    "2024年", "2025年5月22日", "2025-05-29", "12:30", "2021—2035年", "5—6月", "获2024世界智慧城市大奖",
    "二〇二四年", "地铁1号线",
    # list numbering
    "一、回顾", "(一)稳增长", "（一）稳增长", "1.新增", "1、新增", "(1)项目", "①新增", "一是", "第一",
    # fixed phrases with Chinese numerals
    "一批", "一体化", "一流", "统一", "十分", "一系列", "万物", "千方百计", "二十届三中全会",
    "三大攻坚战", "一年来", "一件事", "零的突破", "千家万户", "第三批", "之一", "三分之二",
]  # fmt: skip


@pytest.mark.parametrize("text", NOT_QUANTITIES)
def test_not_quantities(text: str) -> None:
    assert extract_quantities(text) == []


def test_offset_and_spans() -> None:
    text = "增长4.7%，稳居全国城市第8"
    quantities = extract_quantities(text, offset=100)
    assert [(q.start, q.end) for q in quantities] == [(102, 106), (113, 115)]
    assert all(text[q.start - 100 : q.end - 100] == q.raw for q in quantities)


def test_the_qualifier_after_wins() -> None:
    (q,) = extract_quantities("约5%左右")
    assert q.qualifier == "左右"


def test_qualifiers_are_listed() -> None:
    for word in (
        "左右",
        "以上",
        "以内",
        "以下",
        "不低于",
        "超过",
        "突破",
        "约",
        "近",
        "力争",
        "多",
        "余",
    ):
        assert word in QUALIFIERS


def _q(text: str) -> Quantity:
    (q,) = extract_quantities(text)
    return q


SAME = [
    ("21860亿元", "2.186万亿元", True),
    ("6%", "6.0%", True),
    ("1100万人", "11000000人", True),
    ("5.5%", "5.5个百分点", False),
    ("5.5%", "5.6%", False),
    ("21860亿元", "21860万元", False),
    ("8家", "8个", False),
    ("4.5%以内", "4.5%以下", True),
    ("5%以上", "不低于5%", True),
    ("5.5%左右", "5.5%", False),
    ("5.5%左右", "5.5%以上", False),
    ("620多万套", "620余万套", True),
    ("二万一千八百六十亿元", "21860亿元", True),
]


@pytest.mark.parametrize(("a", "b", "same"), SAME)
def test_same_quantity(a: str, b: str, same: bool) -> None:
    assert same_quantity(_q(a), _q(b)) is same
    assert same_quantity(_q(b), _q(a)) is same


def test_same_quantity_without_qualifier() -> None:
    assert same_quantity(_q("5.5%左右"), _q("5.5%"), qualifier=False)
    assert not same_quantity(_q("5.5%左右"), _q("5.5个百分点"), qualifier=False)


def test_a_missing_unit_is_compatible() -> None:
    bare = Quantity(raw="8", value=8.0)
    assert same_quantity(bare, _q("8家"))
    assert same_quantity(_q("第8"), bare)


def test_same_qualifier() -> None:
    assert same_qualifier(None, None)
    assert same_qualifier("以内", "以下")
    assert not same_qualifier("左右", None)
    assert not same_qualifier("以上", "以下")


@pytest.mark.parametrize(
    ("token", "value"),
    [("二万一千八百六十亿", 2.186e12), ("两万亿", 2e12), ("一百零五", 105.0), ("五点五", 5.5),
     ("十", 10.0), ("三亿五千万", 3.5e8), ("十四五", None), ("二〇二四", None)],
)  # fmt: skip
def test_parse_chinese_numeral(token: str, value: float | None) -> None:
    assert parse_chinese_numeral(token) == value


def test_digit_tokens_include_names_and_dates() -> None:
    text = "PM2.5浓度下降，2025年5月22日，“8+4”政策，投资1,234.5元"
    assert [t for t, _, _ in digit_tokens(text)] == ["2.5", "2025", "5", "22", "8", "4", "1,234.5"]
    assert all(text[a:b] == t for t, a, b in digit_tokens(text))


def _reports() -> list[Path]:
    seeds = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))
    return seeds + sorted(SHARED_PUBLIC.glob("*.txt"))


@pytest.mark.parametrize("path", _reports(), ids=lambda p: p.stem[:24])
def test_raw_is_the_text_at_its_span(path: Path) -> None:
    original = path.read_text(encoding="utf-8")
    for text in (original, normalize(original).text):
        quantities = extract_quantities(text)
        assert quantities
        for q in quantities:
            assert q.start is not None and q.end is not None
            assert text[q.start : q.end] == q.raw
        starts = [q.start for q in quantities]
        assert starts == sorted(starts)
