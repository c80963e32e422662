"""The verifier on real report text: verbatim items pass, every planted error is caught."""

from __future__ import annotations

import pytest

from summarizer.pipeline import summarize_text
from summarizer.report.normalize import canon, normalize
from summarizer.report.numbers import extract_quantities
from summarizer.report.prepared import prepare
from summarizer.schema import (
    Evidence,
    Figure,
    Problem,
    ReportSummary,
    ReviewArea,
    Target,
    TaskArea,
    TaskItem,
    Warning,
)
from summarizer.verify.verifier import SourceIndex, attach_verification, check_text, verify

GDP = "全市地区生产总值21860亿元、增长4.7%"
REVENUE = "一般公共预算收入2640.3亿元"
COUNTY = "全市县城人口占县域人口比重提高1.02个百分点"
TARGETS = "地区生产总值增长5.5%左右，全社会研发经费投入强度4%以上，城镇调查失业率控制在5%以内"
TRADE = "进出口总额达8549亿元、增长6.4%"
POLICY = "全面落实省“8+4”经济政策，实施经济高质量发展76条"


@pytest.fixture(scope="module")
def index(seed_text) -> SourceIndex:
    return SourceIndex.build(normalize(seed_text("003")))


def ev(index: SourceIndex, quote: str) -> Evidence:
    span = index.locate_quote(quote)
    assert span is not None, quote
    return Evidence(start=span[0], end=span[1], quote=quote)


def test_locate_quote_gives_original_offsets(index: SourceIndex) -> None:
    start, end = ev(index, GDP).start, ev(index, GDP).end
    assert index.source.original[start:end] == GDP
    assert index.locate_quote("杭州市没有写过的一句话") is None


def test_locate_quote_with_an_ellipsis(index: SourceIndex) -> None:
    span = index.locate_quote("全市地区生产总值……增长4.7%")
    assert span is not None
    assert index.source.original[span[0] : span[1]] == GDP


def test_locate_quote_across_a_line_break(seed_text) -> None:
    index = SourceIndex.build(normalize(seed_text("004")))
    span = index.locate_quote("服务业增加值增长5.7%")
    assert span is not None
    found = index.source.original[span[0] : span[1]]
    assert "\n" in found
    assert canon(found) == "服务业增加值增长5.7%"


def test_find_respects_the_window(index: SourceIndex) -> None:
    (q,) = [q for q in extract_quantities("增长4.7%")]
    evidence = ev(index, GDP)
    found = index.find(q, window=(evidence.start, evidence.end))
    assert found is not None and found.raw == "4.7%"
    other = ev(index, TRADE)
    assert index.find(q, window=(other.start, other.end)) is None
    assert index.find(q) is not None


def test_source_quantities_keep_both_spans(index: SourceIndex) -> None:
    assert len(index.original_spans) == len(index.quantities)
    for q, (o_start, o_end) in zip(index.quantities, index.original_spans, strict=True):
        assert index.source.text[q.start : q.end] == q.raw
        assert canon(index.source.original[o_start:o_end]) == canon(q.raw)


def _summary(index: SourceIndex) -> ReportSummary:
    return ReportSummary(
        headline_figures=[
            Figure(indicator="地区生产总值", value="21860亿元", evidence=[ev(index, GDP)]),
            Figure(indicator="地区生产总值", value="增长4.7%", evidence=[ev(index, GDP)]),
            Figure(indicator="一般公共预算收入", value="2640.3亿元", evidence=[ev(index, REVENUE)]),
        ],
        review_areas=[
            ReviewArea(
                title="全力以赴稳增长，经济运行稳中有进",
                highlights=[POLICY, "实施工业功能区有机更新三年行动计划"],
                figures=[Figure(indicator="县城人口占县域人口比重", value="提高1.02个百分点",
                                evidence=[ev(index, COUNTY)])],
                evidence=[ev(index, POLICY), ev(index, "实施工业功能区有机更新三年行动计划")],
            )
        ],
        problems=[Problem(text="经济回升向好的基础还不稳固", evidence=[])],
        targets=[
            Target(indicator="地区生产总值", target="增长5.5%左右", values=[5.5], unit="%",
                   qualifier="左右", kind="growth", evidence=[ev(index, TARGETS)]),
            Target(indicator="城镇调查失业率", target="控制在5%以内", values=[5.0], unit="%",
                   qualifier="以内", kind="level"),
        ],
        task_areas=[
            TaskArea(
                title="聚焦打好政策“组合拳”",
                items=[TaskItem(text=TRADE, goals=[Figure(indicator="进出口总额", value="8549亿元")],
                                evidence=[ev(index, TRADE)])],
            )
        ],
    )  # fmt: skip


def test_verbatim_summary_is_grounded(index: SourceIndex) -> None:
    v = verify(_summary(index), index)
    assert v.ok, [c for c in v.numbers if not c.grounded]
    assert v.numbers_total == len(v.numbers) == v.numbers_grounded
    assert v.quotes_total == len(v.quotes) == v.quotes_found == 8
    paths = {c.path for c in v.numbers}
    assert {"headline_figures[0].value", "targets[0].target", "targets[0].values[0]",
            "review_areas[0].highlights[0]", "review_areas[0].highlights[1]",
            "task_areas[0].items[0].goals[0].value"} <= paths  # fmt: skip
    by_path = {c.path: c for c in v.numbers}
    assert by_path["headline_figures[0].value"].reason == "found in evidence"
    source = by_path["headline_figures[0].value"].source
    assert source is not None and index.source.original[source.start : source.end] == "21860亿元"
    # a target without evidence is checked where its indicator is named
    assert by_path["targets[1].target"].reason == "found in the sentence of its indicator"


# field, good value, evidence quote, planted value, start of the reason
PERTURBATIONS = [
    ("changed digit", "增长4.7%", GDP, "增长4.8%", "not in source"),
    ("changed digit", "21860亿元", GDP, "21960亿元", "not in source"),
    ("亿 for 万", "21860亿元", GDP, "21860万元", "magnitude differs from source (万 vs 亿)"),
    ("moved decimal", "2640.3亿元", REVENUE, "264.03亿元", "not in source"),
    ("moved decimal", "增长4.7%", GDP, "增长47%", "not in source"),
    ("% for 个百分点", "提高1.02个百分点", COUNTY, "提高1.02%", "unit differs from source (% vs 个百分点)"),
    ("dropped qualifier", "增长5.5%左右", TARGETS, "增长5.5%", "qualifier differs from source (none vs 左右)"),
    ("changed qualifier", "4%以上", TARGETS, "4%左右", "qualifier differs from source (左右 vs 以上)"),
    ("added qualifier", "增长4.7%", GDP, "增长4.7%左右", "qualifier differs from source (左右 vs none)"),
    ("another sentence", "增长4.7%", GDP, "增长6.4%", "in source but not in the cited sentence"),
    ("another sentence", "控制在5%以内", TARGETS, "控制在6%以内", "not in source"),
    ("changed name", POLICY, POLICY, POLICY.replace("8+4", "8+5"), "in source but not in the cited sentence"),
    ("leading zero", "增长4.7%", GDP, "增长04.7%", "written differently from source (04.7% vs 4.7%)"),
    ("trailing zero", "2640.3亿元", REVENUE, "2640.30亿元", "written differently from source"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "good", "quote", "bad", "reason"), PERTURBATIONS, ids=[p[0] for p in PERTURBATIONS]
)
def test_planted_errors_are_caught(
    index: SourceIndex, kind: str, good: str, quote: str, bad: str, reason: str
) -> None:
    evidence = [ev(index, quote)]
    assert all(c.grounded for c in check_text(good, index, path="x", evidence=evidence))
    checks = check_text(bad, index, path="x", evidence=evidence)
    flagged = [c for c in checks if not c.grounded]
    assert flagged, kind
    assert flagged[0].reason.startswith(reason), flagged[0].reason


def test_a_number_from_another_sentence_is_caught_without_evidence(index: SourceIndex) -> None:
    good = ReportSummary(headline_figures=[Figure(indicator="进出口总额", value="增长6.4%")])
    assert verify(good, index).ok
    bad = ReportSummary(headline_figures=[Figure(indicator="进出口总额", value="增长4.7%")])
    (check,) = verify(bad, index).ungrounded
    assert check.path == "headline_figures[0].value"
    assert check.reason == "in source but not in the sentence of its indicator"


def test_without_evidence_the_whole_source_counts(index: SourceIndex) -> None:
    (check,) = check_text("新增首店388家", index, path="x")
    assert check.grounded and check.reason == "found in source"
    (check,) = check_text("新增首店389家", index, path="x")
    assert not check.grounded and check.reason == "not in source"


def test_dates_and_names_must_be_verbatim(index: SourceIndex) -> None:
    checks = check_text("2024年杭州入选全国首批现代商贸流通体系试点城市", index, path="x")
    assert [(c.raw, c.grounded) for c in checks] == [("2024", True)]
    (check,) = check_text("1999年", index, path="x")
    assert not check.grounded and check.reason == "not in source"


def test_list_numbers_kept_in_a_summary_are_not_checked(index: SourceIndex) -> None:
    checks = check_text("1.新增首店388家", index, path="x", evidence=[ev(index, "新增首店388家")])
    assert [c.raw for c in checks] == ["388家"]


def test_wrong_span_with_a_true_quote_still_counts(index: SourceIndex) -> None:
    right = ev(index, GDP)
    moved = Evidence(start=right.start + 500, end=right.end + 500, quote=GDP)
    summary = ReportSummary(headline_figures=[Figure(indicator="地区生产总值", value="增长4.7%",
                                                     evidence=[moved])])  # fmt: skip
    v = verify(summary, index)
    assert v.quotes[0].found and v.ok


def test_a_quote_not_in_the_source_is_not_found(index: SourceIndex) -> None:
    fake = Evidence(start=0, end=10, quote="全市地区生产总值30000亿元")
    summary = ReportSummary(problems=[Problem(text="风险隐患仍然较多", evidence=[fake])])
    v = verify(summary, index)
    assert v.quotes_total == 1 and v.quotes_found == 0 and not v.ok
    assert v.quotes[0].path == "problems[0].evidence[0]"


def test_target_values_must_agree_with_the_phrase(index: SourceIndex) -> None:
    target = Target(indicator="地区生产总值", target="增长5.5%左右", values=[5.0],
                    evidence=[ev(index, TARGETS)])  # fmt: skip
    v = verify(ReportSummary(targets=[target]), index)
    assert [c.path for c in v.ungrounded] == ["targets[0].values[0]"]
    scaled = Target(indicator="城镇新增就业", target="25万人以上", values=[250000])
    unscaled = Target(indicator="城镇新增就业", target="25万人以上", values=[25])
    for t in (scaled, unscaled):
        checks = verify(ReportSummary(targets=[t]), index).numbers
        assert next(c for c in checks if c.path == "targets[0].values[0]").grounded
    # a value copied from an invented phrase is not grounded either
    invented = Target(indicator="城镇新增就业", target="26万人以上", values=[26])
    checks = verify(ReportSummary(targets=[invented]), index).numbers
    assert not any(c.grounded for c in checks if c.path.startswith("targets[0]"))


def test_figure_quantity_must_agree_with_the_value(index: SourceIndex) -> None:
    (right,) = extract_quantities("21860亿元")
    (wrong,) = extract_quantities("21860万元")
    for quantity, grounded in ((right, True), (wrong, False)):
        figure = Figure(indicator="地区生产总值", value="21860亿元", quantity=quantity,
                        evidence=[ev(index, GDP)])  # fmt: skip
        checks = verify(ReportSummary(headline_figures=[figure]), index).numbers
        assert (
            next(c for c in checks if c.path == "headline_figures[0].quantity").grounded is grounded
        )


def test_attach_verification_warns_on_ungrounded_numbers(index: SourceIndex) -> None:
    good = _summary(index)
    checked = attach_verification(good, index)
    assert checked.verification is not None and checked.verification.ok
    assert not [w for w in checked.warnings if w.code == "ungrounded_numbers"]
    assert good.verification is None  # a copy; the input is left alone

    bad = good.model_copy(deep=True)
    bad.headline_figures[0].value = "21860万元"
    bad.warnings = [Warning(code="ungrounded_numbers", message="stale")]
    checked = attach_verification(bad, index)
    (warning,) = [w for w in checked.warnings if w.code == "ungrounded_numbers"]
    assert "21860万元" in warning.message
    assert checked.verification is not None and checked.verification.numbers_grounded == (
        checked.verification.numbers_total - 1
    )


def test_numbers_written_with_spaces_inside_are_found(seed_text):
    """A summary (or a source) may write "38 万吨", "5 . 5%" or "21860 亿元"."""
    report = prepare(seed_text("003"))
    for text in ("地区生产总值增长5 . 5%左右", "增长 5.5 %左右", "研发经费投入强度4 %以上", "21860 亿元"):
        checks = check_text(text, report.index, path="x")
        assert checks and all(c.grounded for c in checks), (text, checks)
    wrong = check_text("地区生产总值增长6 . 5%左右", report.index, path="x")
    assert wrong and not any(c.grounded for c in wrong)


def test_a_source_with_spaces_and_line_breaks_inside_numbers_grounds_every_figure():
    text = (
        "某某县2026年政府工作报告\n各位代表：\n一、2025年工作回顾\n"
        "2025年，全县粮食产量达到38 万吨，地区生产总值增长5 . 5%，一般公共预算收入12\n3亿元，"
        "固定资产投资增长 6.2 %。\n（一）抓产业。新开工项目12个。\n（二）抓民生。新增就业3000人。\n"
        "二、2026年工作安排\n主要预期目标是：地区生产总值增长6%左右，一般公共预算收入增长5 %。\n"
        "（一）抓产业。\n（二）抓民生。\n（三）抓改革。\n"
    )
    summary = summarize_text(text)
    values = [f.value for f in summary.headline_figures]
    assert {"达到38万吨", "增长5.5%", "123亿元", "增长6.2%"} <= set(values)
    assert summary.verification is not None and summary.verification.ok
