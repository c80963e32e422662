"""Year-N targets judged by the year-N+1 review.

Most tests build two small reports by hand (a year-N summary with targets, a year-N+1 text
with a review and next year's targets) so that each judgement rule can be checked on its
own; the last ones run the rules engine on the seed pair and check structural properties.
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from summarizer.analysis.goals import parse_goal
from summarizer.analysis.track import TrackReport, track
from summarizer.report.normalize import canon
from summarizer.schema import Figure, ReportMeta, ReportSummary, Target


def report_text(
    review: str, plan: str = "地区生产总值增长5%左右,规上工业增加值增长4.8%以上。"
) -> str:
    """A year-N+1 report: a review of the past year, then the new year's targets."""
    return (
        "2025年某某区政府工作报告\n\n各位代表:\n\n一、2024年工作回顾\n"
        "2024年,面对复杂严峻的外部环境,我们坚持稳中求进工作总基调,全区经济社会保持平稳健康发展。"
        f"{review}\n\n二、2025年目标和重点工作\n2025年全区经济社会发展主要预期目标是:{plan}\n"
        "(一)坚持创新驱动。加快科技创新平台建设,推进重大项目落地。\n"
    )


def targets(*pairs: tuple[str, str], region: str = "某某区", year: int = 2024) -> ReportSummary:
    return ReportSummary(
        meta=ReportMeta(region=region, year=year),
        targets=[Target(indicator=i, target=t) for i, t in pairs],
    )


def results(region: str = "某某区", year: int = 2025) -> ReportSummary:
    return ReportSummary(meta=ReportMeta(region=region, year=year))


def one(target: tuple[str, str], review: str, **options) -> TrackReport:
    return track(targets(target), results(), None, report_text(review), **options)


@pytest.mark.parametrize(
    ("target", "review", "verdict"),
    [
        # bare target: the number itself; 6.0% reaches 6%
        (("地区生产总值", "增长6%"), "全年实现地区生产总值1234.5亿元、增长6.0%。", "met"),
        (("地区生产总值", "增长6%"), "全年实现地区生产总值1234.5亿元、增长5.9%。", "missed"),
        # 左右: half a point of tolerance below
        (("地区生产总值", "增长6%左右"), "地区生产总值增长5.5%。", "met"),
        (("地区生产总值", "增长6%左右"), "地区生产总值增长5.4%。", "missed"),
        # 以上 / 不低于: at least
        (("服务业增加值", "增长6%以上"), "服务业增加值增长6%。", "met"),
        (("服务业增加值", "增长6%以上"), "服务业增加值增长5.8%。", "missed"),
        # 以内 / 控制在: at most
        (("城镇调查失业率", "控制在5%以内"), "城镇调查失业率4.8%。", "met"),
        (("城镇调查失业率", "控制在5%以内"), "城镇调查失业率5.2%。", "missed"),
        # lower is better: 左右 tolerates a little above
        (("居民消费价格涨幅", "3%左右"), "居民消费价格上涨3.4%。", "met"),
        (("居民消费价格涨幅", "3%左右"), "居民消费价格上涨3.6%。", "missed"),
        # a decline target is judged on the size of the decline
        (("单位GDP能耗", "下降3%"), "单位生产总值能耗下降3.2%。", "met"),
        (("单位GDP能耗", "下降3%"), "单位生产总值能耗下降2.5%。", "missed"),
        # a range: inside it, or beyond its better end
        (("地区生产总值", "增长6%-6.5%"), "国内生产总值增长6.2%。", "met"),
        (("地区生产总值", "增长6%-6.5%"), "国内生产总值增长6.6%。", "met"),
        (("地区生产总值", "增长6%-6.5%"), "国内生产总值增长5.8%。", "missed"),
        # 正增长
        (("固定资产投资", "力争实现正增长"), "固定资产投资增长1.2%。", "met"),
        (("固定资产投资", "力争实现正增长"), "固定资产投资下降2.1%。", "missed"),
        # a level target with an amount
        (("城镇新增就业", "3万人以上"), "城镇新增就业3.2万人。", "met"),
        (("城镇新增就业", "3万人以上"), "城镇新增就业2.8万人。", "missed"),
        # a ratio target
        (("研发经费投入强度", "达到4.55%以上"), "全社会研发经费投入强度达4.6%。", "met"),
    ],
)
def test_judgement_rules(target: tuple[str, str], review: str, verdict: str) -> None:
    item = one(target, review).items[0]
    assert item.verdict == verdict, item.rule
    assert item.result_evidence is not None
    assert item.rule


def test_the_rule_applied_is_stated_with_its_numbers() -> None:
    item = one(("地区生产总值", "增长6%左右"), "地区生产总值增长5.7%。").items[0]
    assert "左右" in item.rule and "5.5%" in item.rule and "5.7%" in item.rule
    item = one(("城镇调查失业率", "控制在5%以内"), "城镇调查失业率4.8%。").items[0]
    assert "≤5%" in item.rule


def test_tolerance_of_about_can_be_changed() -> None:
    review = "地区生产总值增长5.7%。"
    assert one(("地区生产总值", "增长6%左右"), review).items[0].verdict == "met"
    strict = one(("地区生产总值", "增长6%左右"), review, about_points=0.2)
    assert strict.items[0].verdict == "missed"
    assert strict.about_points == 0.2


def test_result_found_across_wording_and_both_sentences_quoted() -> None:
    text = report_text("全年实现全区GDP 1234.5亿元,比上年增长6.1%,增速居全市前列。")
    prev_text = "2024年政府工作报告。主要预期目标:全区地区生产总值增长6%,规上工业增加值增长5%。" * 3
    report = track(targets(("全区地区生产总值", "增长6%")), results(), prev_text, text)
    item = report.items[0]
    assert item.verdict == "met"
    assert item.result == "比上年增长6.1%"
    assert item.result_value == pytest.approx(6.1)
    for evidence, source in ((item.result_evidence, text), (item.target_evidence, prev_text)):
        assert evidence is not None
        assert canon(source[evidence.start : evidence.end]) == canon(evidence.quote)
    assert item.result_evidence is not None and item.target_evidence is not None
    assert "6.1%" in item.result_evidence.quote and "GDP" in item.result_evidence.quote
    assert "地区生产总值增长6%" in item.target_evidence.quote


def test_current_year_and_multi_year_figures_are_not_results() -> None:
    review = (
        "全年实现地区生产总值1234.5亿元。五年来地区生产总值年均增长7.5%。\n"
        "今年以来,一季度地区生产总值增长8.1%。"
    )
    item = one(("地区生产总值", "增长6%"), review).items[0]
    assert item.verdict == "cannot_tell"
    assert item.result_value is None
    later = one(("地区生产总值", "增长6%"), review + "\n全年地区生产总值增长5.1%。").items[0]
    assert later.verdict == "missed" and later.result_value == pytest.approx(5.1)


def test_next_years_targets_are_not_results() -> None:
    report = one(("规上工业增加值", "增长6%"), "地区生产总值增长6.2%。")
    assert report.items[0].verdict == "no_result"  # 规上工业增加值 appears only in the plan


@pytest.mark.parametrize(
    "review",
    [
        "地区生产总值1234.5亿元,规上营利性服务业营收增长9.5%。",
        "地区生产总值1234.5亿元,规上营利性服务业营收852亿元,增长9.5%。",
    ],
)
def test_a_number_of_another_indicator_is_not_taken(review: str) -> None:
    item = one(("地区生产总值", "增长6%"), review).items[0]
    assert item.verdict == "cannot_tell"
    assert "1234.5亿元" in (item.result or "")


def test_a_growth_rate_in_the_next_clause_is_taken() -> None:
    review = "全年实现地区生产总值1234.5亿元、总量居全省第一,按可比价格计算,比上年增长6.3%。"
    item = one(("地区生产总值", "增长6%"), review).items[0]
    assert (item.verdict, item.result) == ("met", "比上年增长6.3%")


def test_a_total_does_not_answer_a_growth_target() -> None:
    item = one(
        ("财政总收入", "增长6%"), "完成财政总收入803.49亿元、一般公共预算收入429.28亿元。"
    ).items[0]
    assert item.verdict == "cannot_tell"
    assert "增速" in item.rule and item.result_evidence is not None


def test_targets_without_a_result_are_listed() -> None:
    prev = targets(
        ("地区生产总值", "增长6%"), ("农林牧渔业增加值", "增长3%"), ("货物进出口总额", "增长6%")
    )
    report = track(prev, results(), None, report_text("地区生产总值增长6.0%。"))
    assert [i.indicator for i in report.without_result()] == ["农林牧渔业增加值", "货物进出口总额"]
    assert report.counts() == {"met": 1, "missed": 0, "no_result": 2, "cannot_tell": 0}
    markdown = report.to_markdown()
    assert re.search(r"没有给出结果的.*农林牧渔业增加值、货物进出口总额", markdown)


@pytest.mark.parametrize(
    ("review", "verdict"),
    [
        ("地区生产总值增长6.0%。", "cannot_tell"),
        ("全面完成省市下达的节能减排任务。", "met"),
        ("未能完成节能减排年度目标任务。", "missed"),
    ],
)
def test_qualitative_targets_need_the_text_to_say_so(review: str, verdict: str) -> None:
    item = one(("节能减排", "完成省市下达的节能减排任务"), review).items[0]
    assert item.verdict == verdict
    assert item.rule.startswith("定性目标")


@pytest.mark.parametrize(
    "review",
    [
        "居民人均可支配收入增长6.2%,地区生产总值增长6.0%。",
        "农村居民人均可支配收入达58647元、增长6.2%。",  # a part of the indicator
    ],
)
def test_qualitative_target_with_data_is_still_cannot_tell(review: str) -> None:
    item = one(("居民收入", "增长与经济增长基本同步"), review).items[0]
    assert item.verdict == "cannot_tell"
    assert item.result_evidence is not None and "6.2%" in item.result_evidence.quote
    assert item.result == "增长6.2%" and item.result_value is None


def test_a_part_is_not_the_result_of_the_whole() -> None:
    item = one(("居民人均可支配收入", "增长6%"), "农村居民人均可支配收入增长6.2%。").items[0]
    assert item.verdict == "no_result"


def test_figures_are_used_when_no_text_is_given() -> None:
    curr = results()
    curr.headline_figures = [
        Figure(indicator="GDP", value="1234.5亿元"),
        Figure(indicator="GDP", value="增长6.1%"),
    ]
    report = track(targets(("地区生产总值", "增长6%"), ("财政总收入", "增长5%")), curr)
    assert [i.verdict for i in report.items] == ["met", "no_result"]
    assert report.items[0].result == "增长6.1%"


def test_warnings_for_pairs_that_do_not_fit() -> None:
    report = track(targets(("地区生产总值", "增长6%"), year=2022), results(region="另一区"))
    assert any("地区不同" in w for w in report.warnings)
    assert any("不相邻" in w for w in report.warnings)
    empty = track(targets(), results(), None, report_text("地区生产总值增长6.0%。"))
    assert empty.items == [] and empty.warnings
    assert "| 指标" not in empty.to_markdown()


def test_csv_and_json_are_readable() -> None:
    prev = targets(("地区生产总值", "增长6%"), ("农林牧渔业增加值", "增长3%"))
    report = track(prev, results(), None, report_text("全年地区生产总值增长6.0%。"))
    rows = list(csv.reader(io.StringIO(report.to_csv())))
    assert rows[0][:4] == ["指标", "匹配键", "目标", "判断"]
    assert len(rows) == 1 + len(prev.targets)
    assert rows[1][3] == "达成" and rows[2][3] == "未报告结果"
    assert "地区生产总值" in report.to_json()  # Chinese kept as it is
    assert TrackReport.model_validate_json(report.to_json()) == report


def test_goal_parsing() -> None:
    assert parse_goal("地区生产总值", "增长6%左右").mode == "about"
    assert parse_goal("地区生产总值", "增长6%左右").axis == "change"
    assert parse_goal("研发投入强度", "4%以上").axis == "level"
    assert parse_goal("居民消费价格涨幅", "2%左右").axis == "change"
    assert parse_goal("城镇调查失业率", "控制在5%以内").mode == "at_most"
    assert parse_goal("一般公共预算收入", "不低于3%").mode == "at_least"
    goal = parse_goal("地区生产总值", "增长5%—5.5%")
    assert (goal.mode, goal.low, goal.high) == ("range", 5, 5.5)
    assert parse_goal("能耗", "下降3%").decline
    assert parse_goal("居民收入", "与经济增长基本同步").mode == "qualitative"


# ---------------------------------------------------------------- the seed pair


@pytest.fixture(scope="module")
def seed_pair(seed_path):
    from summarizer.pipeline import summarize_document
    from summarizer.report.load import load_path

    docs = [load_path(seed_path(p)) for p in ("002", "000")]
    prev, curr = (summarize_document(d) for d in docs)
    return track(prev, curr, docs[0].text, docs[1].text), prev, docs[1].text


def test_seed_pair_every_target_is_judged_once(seed_pair) -> None:
    report, prev, _ = seed_pair
    assert [i.target for i in report.items] == [t.target for t in prev.targets]
    assert prev.targets, "the year-N report states targets"


def test_seed_pair_results_are_quoted_from_the_review(seed_pair, seed_text) -> None:
    report, _, curr_text = seed_pair
    from summarizer.report.prepared import prepare

    prepared = prepare(curr_text)
    review = prepared.sections.review
    for item in report.items:
        if item.verdict in ("met", "missed"):
            evidence = item.result_evidence
            assert evidence is not None and item.target_evidence is not None
            assert canon(curr_text[evidence.start : evidence.end]) == canon(evidence.quote)
            if review is not None:
                assert prepared.source.to_normalized(evidence.start) < review.end
            assert item.result_value is not None and item.rule


def test_seed_pair_gives_verdicts_of_every_sort(seed_pair) -> None:
    report, _, _ = seed_pair
    counts = report.counts()
    assert counts["met"] + counts["missed"] >= 1
    assert counts["no_result"] >= 1  # a digest reports only some of last year's figures


# ---------------------------------------------------------------- the command


@pytest.fixture
def track_app(monkeypatch, tmp_path):
    """The track command over two files whose summaries are given, not computed."""
    import typer

    import summarizer.pipeline
    from summarizer.cli.track import main

    by_name: dict[str, ReportSummary] = {}

    def summarize_document(document, **_options):
        return by_name[document.name].model_copy(deep=True)

    monkeypatch.setattr(summarizer.pipeline, "summarize_document", summarize_document)
    app = typer.Typer()
    app.command()(main)

    def write(name: str, text: str, summary: ReportSummary) -> str:
        (tmp_path / name).write_text(text, encoding="utf-8")
        by_name[name] = summary
        return str(tmp_path / name)

    return app, write


def test_track_command(track_app) -> None:
    from typer.testing import CliRunner

    app, write = track_app
    prev_text = "2024年政府工作报告。主要预期目标:地区生产总值增长6%,农林牧渔业增加值增长3%。" * 3
    prev = write(
        "2024.txt", prev_text, targets(("地区生产总值", "增长6%"), ("农林牧渔业增加值", "增长3%"))
    )
    curr = write("2025.txt", report_text("全年地区生产总值增长6.0%。"), results())
    result = CliRunner().invoke(app, [prev, curr])
    assert result.exit_code == 0, result.output
    assert "| 地区生产总值 | 增长6% | 增长6.0% | 达成 |" in result.output
    assert re.search(r"没有给出结果的2024年目标：农林牧渔业增加值", result.output)
    # Given in the wrong order, the later report's targets are not judged by the earlier one.
    swapped = CliRunner().invoke(app, [curr, prev, "--format", "csv"])
    assert swapped.exit_code == 0
    rows = list(csv.reader(io.StringIO(swapped.stdout)))
    assert [r[0] for r in rows[1:]] == ["地区生产总值", "农林牧渔业增加值"]


def test_track_command_tolerance_and_output_file(track_app, tmp_path) -> None:
    from typer.testing import CliRunner

    app, write = track_app
    prev = write("a.txt", "政府工作报告。" * 20, targets(("地区生产总值", "增长6%左右")))
    curr = write("b.txt", report_text("全年地区生产总值增长5.7%。"), results())
    out = tmp_path / "track.json"
    result = CliRunner().invoke(
        app, [prev, curr, "--about-points", "0.2", "-f", "json", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    report = TrackReport.model_validate_json(out.read_text(encoding="utf-8"))
    assert report.items[0].verdict == "missed" and report.about_points == 0.2


def test_track_command_refuses_a_missing_file(tmp_path) -> None:
    import typer
    from typer.testing import CliRunner

    from summarizer.cli.track import main

    app = typer.Typer()
    app.command()(main)
    result = CliRunner().invoke(app, [str(tmp_path / "a.txt"), str(tmp_path / "b.txt")])
    assert result.exit_code == 2
