"""Scoring summaries, running a dataset, writing and comparing runs (hand-built summaries)."""

from __future__ import annotations

import json

import pytest
from rich.console import Console
from test_eval_dataset import GOLD, REPORT, write_case

from summarizer.engines.llm.config import LLMConfig
from summarizer.errors import EngineError
from summarizer.evaluate import (
    compare_runs,
    load_dataset,
    load_run,
    print_comparison,
    print_run,
    run_dataset,
    save_run,
)
from summarizer.evaluate.html_report import render_html
from summarizer.evaluate.scoring import rouge_l, score_case
from summarizer.evaluate.spec import EvalSettings
from summarizer.evaluate.store import CaseCache
from summarizer.schema import (
    EngineInfo,
    Figure,
    NumberCheck,
    ReportMeta,
    ReportSummary,
    ReviewArea,
    Target,
    TaskArea,
    Usage,
    Verification,
)


def good_summary(**changes) -> ReportSummary:
    summary = ReportSummary(
        meta=ReportMeta(region="杭州市", level="city", year=2025, kind="full"),
        headline_figures=[
            Figure(indicator="地区生产总值", value="21860亿元"),
            Figure(indicator="地区生产总值", value="增长4.7%"),
        ],
        targets=[
            Target(indicator="地区生产总值", target="增长5.5%左右"),
            Target(indicator="城镇调查失业率", target="控制在5%以内"),
        ],
        review_areas=[ReviewArea(title="全力以赴稳增长，经济运行稳中有进")],
        task_areas=[TaskArea(title="聚焦打好政策“组合拳”，更大力度巩固经济回升向好态势")],
        verification=Verification(
            numbers=[
                NumberCheck(
                    path="targets[0].target", raw="5.5%", grounded=True, reason="found in evidence"
                ),
                NumberCheck(
                    path="targets[1].target", raw="5%", grounded=True, reason="found in evidence"
                ),
            ],
            numbers_total=2,
            numbers_grounded=2,
        ),
        engine=EngineInfo(
            name="llm",
            model="m",
            usage=Usage(calls=3, tokens_in=1000, tokens_out=200, cost_usd=0.01),
        ),
    )
    return summary.model_copy(update=changes)


@pytest.fixture
def dataset(tmp_path):
    write_case(tmp_path / "ds", "a_good", GOLD, ref="地区生产总值21860亿元，增长4.7%。")
    write_case(tmp_path / "ds", "b_poor", GOLD)
    return load_dataset(tmp_path / "ds")


def poor_summary() -> ReportSummary:
    return good_summary(
        headline_figures=[Figure(indicator="地区生产总值", value="21860万元")],
        targets=[Target(indicator="地区生产总值", target="增长5.5%")],
        review_areas=[],
        verification=Verification(
            numbers=[
                NumberCheck(
                    path="targets[0].target", raw="7%", grounded=False, reason="not in source"
                )
            ],
            numbers_total=3,
            numbers_grounded=2,
        ),
    )


def test_score_case(dataset):
    case = dataset.cases[0]
    result = score_case(case, good_summary(), render=lambda s: "地区生产总值21860亿元，增长4.7%")
    for field in ("headline_figures", "targets", "review_areas", "task_areas"):
        assert result.f1(field) == 1.0, field
    assert result.grounding.rate == 1.0 and result.grounding.hallucinated == 0
    assert result.rouge_l == 1.0
    assert all(m.correct for m in result.meta)
    assert result.usage.tokens_in == 1000 and result.usage.cost_usd == 0.01

    poor = score_case(dataset.cases[1], poor_summary())
    assert poor.headline_figures.prf.tp == 0 and poor.headline_figures.value_mismatches == 1
    assert poor.targets.qualifier_mismatches == 1
    assert poor.review_areas.prf.recall == 0.0
    assert poor.grounding.hallucinated == 1
    assert poor.grounding.ungrounded == ["targets[0].target: 7%"]
    assert poor.rouge_l is None  # no digest for this case


def test_rouge_l_ignores_markup():
    assert rouge_l("# 速览\n- **增长4.7%**", "速览：增长4.7%。") == 1.0
    assert rouge_l("abcd", "abxx") == 0.5
    assert rouge_l("", "x") == 0.0


def run_with(dataset, summaries, settings=None):
    return run_dataset(dataset, settings, summarize=lambda case: summaries[case.case_id]())


def test_run_totals_are_micro_averaged(dataset):
    run = run_with(dataset, {"a_good": good_summary, "b_poor": poor_summary})
    totals = run.result.totals
    assert totals.cases == 2 and totals.errors == 0
    assert totals.headline_figures.prf.tp == 2 and totals.headline_figures.prf.gold == 4
    assert totals.headline_figures.prf.predicted == 3
    assert totals.grounding.numbers_total == 5 and totals.grounding.hallucinated == 1
    assert totals.usage.tokens_in == 2000 and totals.usage.cost_usd == 0.02
    assert [t.case_id for t in run.timings.cases] == ["a_good", "b_poor"]
    assert run.result.info.model == "m"


def test_an_engine_error_is_recorded_and_the_run_goes_on(dataset):
    def explode():
        raise EngineError("model server down")

    run = run_with(dataset, {"a_good": explode, "b_poor": good_summary})
    failed = run.result.case("a_good")
    assert failed.error == "model server down"
    assert failed.targets.prf.recall == 0.0 and failed.grounding is None
    assert run.result.case("b_poor").error is None
    assert run.result.totals.errors == 1
    assert run.summaries["a_good"] is None


def test_an_engine_crash_fails_only_its_case(dataset):
    def crash():
        raise KeyError("targets")

    run = run_with(dataset, {"a_good": crash, "b_poor": good_summary})
    assert run.result.case("a_good").error == "internal error: KeyError: 'targets'"
    assert run.result.case("b_poor").targets.prf.f1 == 1.0


def test_saved_results_are_identical_for_identical_runs(dataset, tmp_path):
    summaries = {"a_good": good_summary, "b_poor": poor_summary}
    for name in ("one", "two"):
        save_run(run_with(dataset, summaries), tmp_path / name)
    first = (tmp_path / "one" / "results.json").read_text(encoding="utf-8")
    assert first == (tmp_path / "two" / "results.json").read_text(encoding="utf-8")
    assert "地区生产总值" in first  # Chinese kept readable
    assert (tmp_path / "one" / "predictions" / "a_good.json").is_file()
    result, timings = load_run(tmp_path / "one")
    assert result.totals.headline_figures.prf.tp == 2
    assert [t.case_id for t in timings.cases] == ["a_good", "b_poor"]
    assert load_run(tmp_path / "one" / "results.json")[0] == result


def test_html_report_has_chart_and_drill_down_escaped(dataset):
    nasty = good_summary(review_areas=[ReviewArea(title="<script>alert(1)</script>")])
    run = run_with(dataset, {"a_good": good_summary, "b_poor": lambda: nasty})
    html = render_html(run.result, run.timings)
    assert "<svg" in html and html.count("<rect") >= 10
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'id="b_poor"' in html and "全力以赴稳增长" in html


def test_terminal_table(dataset):
    run = run_with(dataset, {"a_good": good_summary, "b_poor": poor_summary})
    console = Console(record=True, width=200)
    print_run(console, run.result, run.timings)
    text = console.export_text()
    assert "a_good" in text and "b_poor" in text and "total (2)" in text
    assert "unit 0, qualifier 1, value 1" in text
    assert "ROUGE-L" in text and "tokens" in text and "$0.0200" in text  # a digest, LLM usage


def test_compare_shows_what_got_better_and_worse(dataset):
    before = run_with(dataset, {"a_good": poor_summary, "b_poor": good_summary}).result
    after = run_with(dataset, {"a_good": good_summary, "b_poor": poor_summary}).result
    comparison = compare_runs(before, after)
    verdicts = {c.case_id: c.verdict for c in comparison.cases}
    assert verdicts == {"a_good": "better", "b_poor": "worse"}
    changes = {(c.field, c.change, c.item) for c in comparison.cases[0].changes}
    assert ("targets", "fixed", "地区生产总值：增长5.5%左右") in changes
    assert ("targets", "wrong gone", "地区生产总值：增长5.5%") in changes
    assert comparison.regressed
    assert not compare_runs(after, after).regressed
    console = Console(record=True, width=200)
    print_comparison(console, comparison)
    text = console.export_text()
    assert "better" in text and "worse" in text and "fixed: 地区生产总值：增长5.5%左右" in text


def test_case_cache_keys_on_model_and_text(dataset, tmp_path):
    case = dataset.cases[0]
    settings = EvalSettings(engine="llm", llm=LLMConfig(model="m1"), cache_dir=tmp_path / "cache")
    cache = CaseCache(tmp_path / "cache", settings)
    assert cache.get(case) is None
    cache.put(case, good_summary())
    assert cache.get(case) == good_summary()
    other_model = CaseCache(tmp_path / "cache", EvalSettings(engine="llm", llm=LLMConfig(model="m2")))
    assert other_model.get(case) is None
    assert cache.get(dataset.cases[1]) is not None  # same text: same summary
    json.loads(cache.path(case).read_text(encoding="utf-8"))


def test_a_rerun_of_an_llm_evaluation_calls_no_model(tmp_path):
    write_case(tmp_path / "ds", "a_good", GOLD)
    write_case(tmp_path / "ds", "b_poor", GOLD, text=REPORT + "各位代表！\n")
    dataset = load_dataset(tmp_path / "ds")
    settings = EvalSettings(engine="llm", llm=LLMConfig(model="m"), cache_dir=tmp_path / "cache")
    calls = []

    def summarize(case):
        calls.append(case.case_id)
        return good_summary()

    first = run_dataset(dataset, settings, summarize=summarize)
    assert calls == ["a_good", "b_poor"]
    second = run_dataset(dataset, settings, summarize=summarize)
    assert calls == ["a_good", "b_poor"]  # nothing summarised again
    assert second.result == first.result  # tokens and cost as first recorded
    assert [t.cached for t in second.timings.cases] == [True, True]
    assert [t.cached for t in first.timings.cases] == [False, False]


def test_settings_refuse_a_model_for_the_rules_engine():
    with pytest.raises(Exception, match="llm engine only"):
        EvalSettings(engine="rules", llm=LLMConfig(model="m"))
    with pytest.raises(Exception, match="unknown engine"):
        EvalSettings(engine="magic")
