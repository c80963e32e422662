"""Planting wrong numbers and measuring the verifier with them."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from summarizer.evaluate import load_dataset
from summarizer.evaluate.perturb import SourceNumber, perturb
from summarizer.evaluate.verifier_eval import (
    _planted,
    _Slot,
    evaluate_verifier,
    gold_summary,
    print_verifier_report,
)
from summarizer.report.normalize import canon
from summarizer.report.numbers import extract_quantities
from summarizer.schema import Figure, NumberCheck, ReportSummary, ReviewArea, Verification
from summarizer.verify import verifier as verify_module

PUBLIC = Path(__file__).resolve().parent.parent / "evals" / "datasets" / "public"


def never(_q) -> bool:
    return False


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("digit", "增长4.7%", "增长4.8%"),
        ("digit", "21860亿元", "21870亿元"),
        ("digit", "突破90万亿元", "突破80万亿元"),  # 90 -> 00 is not a slip of one digit
        ("magnitude", "3355.67亿元", "3355.67万元"),
        ("magnitude", "突破90万亿元", "突破90亿元"),
        ("magnitude", "减少1386万", "减少1386亿"),
        ("decimal", "2206.3亿元", "22063亿元"),
        ("decimal", "增长6%", "增长0.6%"),
        ("decimal", "21860亿元", "2186亿元"),
        ("percent_points", "增长5.5%左右", "增长5.5个百分点左右"),
        ("percent_points", "回升6.3个百分点", "回升6.3%"),
        ("qualifier", "增长5.5%左右", "增长5.5%"),
        ("qualifier", "超143万人", "143万人"),
        ("qualifier", "620多万套", "620万套"),
    ],
)
def test_each_kind_changes_the_number(kind, value, expected):
    planted, passed_over = perturb(kind, value, stated=never)
    assert planted is not None and planted.perturbed == expected
    assert not passed_over
    before, after = extract_quantities(value), extract_quantities(planted.perturbed)
    assert before != after


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("magnitude", "增长4.7%"),
        ("percent_points", "2206.3亿元"),
        ("qualifier", "增长4.7%"),
        ("digit", "实现正增长"),
    ],
)
def test_a_kind_that_cannot_apply_plants_nothing(kind, value):
    assert perturb(kind, value, stated=never) == (None, False)


def test_numbers_the_own_sentence_states_are_passed_over():
    # The sentence also says 4.8% and 4.6%: the next candidate, 4.9%, is planted.
    stated_values = {4.8, 4.6}
    planted, passed_over = perturb("digit", "增长4.7%", stated=lambda q: q.value in stated_values)
    assert planted is not None and planted.perturbed == "增长4.9%" and passed_over
    nothing, passed_over = perturb("qualifier", "增长5.5%左右", stated=lambda q: True)
    assert nothing is None and passed_over


def test_other_sentence_takes_the_nearest_number_of_the_same_unit():
    text = "增长6.4%。收入2640亿元。增长4.7%，比上年高0.5%。价格上涨2.1%。"
    pool = [SourceNumber(q, text[: q.start].count("。")) for q in extract_quantities(text)]
    assert [n.sentence for n in pool] == [0, 1, 2, 2, 3]
    # 4.7% sits in sentence 2 with 0.5%: the nearest percent of another sentence wins.
    near = text.index("4.7%")
    planted, _ = perturb(
        "other_sentence", "增长4.7%", stated=never, pool=pool, sentences={2}, near=near
    )
    assert planted is not None and planted.perturbed == "增长6.4%"  # not 2640亿元, not 0.5%
    far = [n for n in pool if n.quantity.raw != "6.4%"]
    planted, _ = perturb(
        "other_sentence", "增长4.7%", stated=never, pool=far, sentences={2}, near=near
    )
    assert planted is not None and planted.perturbed == "增长2.1%"


def test_gold_summary_cites_the_sentence_that_states_each_item():
    case = next(c for c in load_dataset(PUBLIC).cases if c.case_id.startswith("2019_hailar"))
    summary = gold_summary(case)
    for figure in summary.headline_figures:
        (evidence,) = figure.evidence
        assert canon(figure.value) in canon(evidence.quote), figure
        assert canon(case.text[evidence.start : evidence.end]).find(canon(figure.value)) >= 0
    # 增长6.5% also occurs in a targets sentence (增长6.5%左右): the review sentence is cited.
    growth = summary.headline_figures[9]
    assert growth.value == "增长6.5%" and "9.4%" in growth.evidence[0].quote
    assert [t.target for t in summary.targets] == [t.target for t in case.gold.targets]


def test_planted_copy_keeps_the_path_and_the_parent_evidence():
    area_evidence = gold_summary(load_dataset(PUBLIC).cases[0]).review_areas[1].evidence
    summary = ReportSummary(
        headline_figures=[Figure(indicator="地区生产总值", value="增长4.7%")],
        review_areas=[
            ReviewArea(
                title="甲", highlights=["增长3%"], figures=[Figure(indicator="a", value="1亿元")]
            ),
            ReviewArea(
                title="乙",
                highlights=["新增20家"],
                evidence=area_evidence,
                figures=[
                    Figure(indicator="b", value="2亿元"),
                    Figure(indicator="c", value="3亿元"),
                    Figure(indicator="d", value="4亿元"),
                ],
            ),
        ],
    )
    slot = _Slot("review_areas[1].figures[1]", "value", "3亿元", [])
    copy = _planted(summary, slot, "3万元")
    assert copy.headline_figures == []
    assert copy.review_areas[0].title == "" and copy.review_areas[0].figures == []
    target_area = copy.review_areas[1]
    assert target_area.evidence == area_evidence and target_area.highlights == []
    assert [f.value for f in target_area.figures] == ["", "3万元"]


def tiny_datasets():
    return [load_dataset(PUBLIC, ["2025_zhejiang_province"])]


def test_a_blind_verifier_catches_nothing(monkeypatch):
    def blind(summary, index):
        return Verification()

    monkeypatch.setattr(verify_module, "verify", blind)
    report = evaluate_verifier(tiny_datasets(), source="gold")
    assert report.planted > 0 and report.caught == 0 and report.detection_rate == 0.0
    assert len(report.misses) == report.planted
    assert not report.meets_goals


def test_a_verifier_that_flags_everything_is_all_false_alarms(monkeypatch):
    def paranoid(summary, index):
        checks = [
            NumberCheck(
                path=f"headline_figures[{i}].value", raw=f.value, grounded=False, reason="x"
            )
            for i, f in enumerate(summary.headline_figures)
        ]
        return Verification(numbers=checks, numbers_total=len(checks), numbers_grounded=0)

    monkeypatch.setattr(verify_module, "verify", paranoid)
    report = evaluate_verifier(tiny_datasets(), source="gold")
    assert report.false_alarm_rate == 1.0
    assert len(report.false_alarms) == 4
    # Flagged items are not used for plants (a catch there would prove nothing); targets are.
    assert report.planted > 0 and all(m.path.startswith("targets") for m in report.misses)


def test_report_prints_rates_and_goals():
    report = evaluate_verifier(tiny_datasets(), source="gold")
    assert report.planted > 10
    console = Console(record=True, width=160)
    print_verifier_report(console, report)
    text = console.export_text()
    assert "detection rate" in text and "goal ≥ 99%" in text and "goal ≤ 1%" in text
    assert "percent_points" in text and "other_sentence" in text
