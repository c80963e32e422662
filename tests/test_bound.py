"""The third state: a number the source states, but not as measuring the item's indicator.

Each wrong binding is built here from a correct item of a real report (the public 2015
Ningxia report): the right numbers, moved to the wrong names.  Fault injection on hand-built
summaries; the pipeline's own output is checked in test_rules and the verifier evaluation.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.pipeline import summarize_text
from summarizer.render import to_markdown
from summarizer.report.normalize import normalize
from summarizer.schema import Evidence, Figure, ReportSummary, Target
from summarizer.verify.bound import UNBOUND_ZH
from summarizer.verify.verifier import SourceIndex, verify

REPORT = Path(__file__).parents[1] / "evals/datasets/public/2015_ningxia_province.txt"
INCOME = "城镇居民和农村常住居民人均可支配收入分别达23285元和8410元，分别增长8.4%和10.7%"
GDP = "全年实现地区生产总值2750亿元，增长8%"


@pytest.fixture(scope="module")
def index() -> SourceIndex:
    return SourceIndex.build(normalize(REPORT.read_text(encoding="utf-8")))


def evidence(index: SourceIndex, quote: str) -> Evidence:
    span = index.locate_quote(quote)
    assert span is not None, quote
    return Evidence(start=span[0], end=span[1], quote=quote)


def checked(index: SourceIndex, indicator: str, value: str, quote: str):
    figure = Figure(indicator=indicator, value=value, evidence=[evidence(index, quote)])
    verification = verify(ReportSummary(headline_figures=[figure]), index)
    (check,) = [c for c in verification.numbers if c.path == "headline_figures[0].value"]
    return check


@pytest.mark.parametrize(
    "indicator, value",
    [
        ("城镇居民人均可支配收入", "增长8.4%"),
        ("农村常住居民人均可支配收入", "增长10.7%"),
        ("城镇居民人均可支配收入", "达23285元"),
        ("地区生产总值", "2750亿元"),
        ("地区生产总值", "增长8%"),
    ],
)
def test_a_number_under_its_own_name_is_bound(index, indicator, value):
    quote = GDP if "生产总值" in indicator else INCOME
    check = checked(index, indicator, value, quote)
    assert check.grounded and check.bound is True


@pytest.mark.parametrize(
    "indicator, value, why",
    [
        ("城镇居民人均可支配收入", "增长10.7%", "a value of the same 分别 list, swapped"),
        ("农村常住居民人均可支配收入", "达23285元", "the urban level shown as the rural one"),
        ("城镇居民人均可支配收入", "下降8.4%", "the direction turned round"),
        ("地区生产总值", "增长2750亿元", "a level shown as a growth"),
        ("地区生产总值", "8%", "a growth shown as a level"),
    ],
)
def test_a_number_under_another_name_is_found_but_not_bound(index, indicator, value, why):
    quote = GDP if "生产总值" in indicator else INCOME
    check = checked(index, indicator, value, quote)
    assert check.grounded, why
    assert check.bound is False, why
    assert check.clause is not None and check.clause.quote, why


def test_the_third_state_is_counted_and_shown():
    text = REPORT.read_text(encoding="utf-8")
    summary = summarize_text(text, name=REPORT.name)
    index = SourceIndex.build(normalize(text))
    wrong = summary.model_copy(deep=True)
    first = wrong.headline_figures[0]
    second = next(
        f for f in wrong.headline_figures if f.value != first.value and f.indicator != first.indicator
    )
    first.value, first.quantity, first.binding = second.value, None, None
    first.evidence = first.evidence + second.evidence
    before = verify(summary, index)
    verification = verify(wrong, index)
    assert before.figures_total == verification.figures_total
    assert verification.figures_bound == before.figures_bound - 1
    assert verification.numbers_verified < before.numbers_verified
    (moved,) = [c for c in verification.numbers if c.path == "headline_figures[0].value"]
    assert moved.grounded and moved.bound is False
    assert not verification.ok
    markdown = to_markdown(wrong.model_copy(update={"verification": verification}))
    assert "◐" in markdown and UNBOUND_ZH in markdown


def test_targets_of_a_report_are_bound():
    text = REPORT.read_text(encoding="utf-8")
    summary = summarize_text(text, name=REPORT.name)
    assert summary.targets
    checks = [
        c
        for c in summary.verification.numbers
        if c.path.startswith("targets[") and c.bound is not None
    ]
    assert checks and all(c.bound for c in checks)
    assert all(isinstance(t, Target) for t in summary.targets)
