"""``<case>.figures.json``: every figure inside some areas, loaded beside the gold and scored."""

from __future__ import annotations

import json

import pytest
from test_eval_dataset import GOLD, REPORT, write_case

from summarizer.evaluate import GoldError, load_dataset
from summarizer.evaluate.figure_gold import FigureGold, score_figures
from summarizer.evaluate.scoring import score_case
from summarizer.schema import Figure, ReportSummary, ReviewArea, TaskArea, TaskItem

AREA = "全力以赴稳增长，经济运行稳中有进"
FIGURES = {
    "format": 1,
    "case": "c",
    "areas": [
        {
            "part": "review",
            "title": AREA,
            "figures": [
                {"indicator": "城镇居民人均可支配收入", "value": "增长4.6%"},
                {"indicator": "农村居民人均可支配收入", "value": "增长6.8%"},
                {"indicator": "新建养老服务站", "value": "30个"},
            ],
        },
        {"part": "tasks", "title": "打造创新高地", "figures": [{"indicator": "研发投入", "value": "50亿元"}]},
    ],
}


def summary(*figures: tuple[str, str], goals: tuple[tuple[str, str], ...] = ()) -> ReportSummary:
    return ReportSummary(
        review_areas=[
            ReviewArea(title=AREA, figures=[Figure(indicator=i, value=v) for i, v in figures])
        ],
        task_areas=[
            TaskArea(
                title="打造创新高地",
                items=[TaskItem(text="x", goals=[Figure(indicator=i, value=v) for i, v in goals])],
            )
        ],
    )


def test_right_numbers_under_right_names_match():
    score = score_figures(
        FigureGold.model_validate(FIGURES),
        summary(
            ("城镇居民人均可支配收入", "增长4.6%"),
            ("农村居民人均可支配收入", "6.8%"),
            ("新建养老服务站", "30个"),
            goals=(("争取研发投入", "50亿元"),),
        ),
    )
    assert (score.prf.tp, score.prf.gold, score.prf.predicted) == (4, 4, 4)
    assert score.mislabelled == 0


def test_a_number_under_another_name_is_mislabelled_and_an_unknown_one_is_extra():
    score = score_figures(
        FigureGold.model_validate(FIGURES),
        summary(
            ("新建养老服务站", "增长4.6%"),  # the income growth under another name
            ("农村居民人均可支配收入", "增长6.8%"),
            ("新增就业", "2万人"),
        ),
    )
    assert score.prf.tp == 1 and score.mislabelled == 1
    statuses = sorted(o.status for o in score.outcomes)
    assert statuses.count("extra") == 1 and statuses.count("missed") == 3


def test_an_area_not_found_misses_its_figures():
    score = score_figures(FigureGold.model_validate(FIGURES), ReportSummary())
    assert score.prf.gold == 4 and score.prf.tp == 0 and score.prf.predicted == 0


def test_the_file_is_loaded_beside_the_gold_and_scored(tmp_path):
    write_case(tmp_path / "ds", "c", GOLD)
    figures = {"format": 1, "case": "c", "areas": [
        {"part": "review", "title": GOLD["review_areas"][0],
         "figures": [{"indicator": "地区生产总值", "value": "增长4.7%"}]}]}  # fmt: skip
    (tmp_path / "ds" / "c.figures.json").write_text(json.dumps(figures, ensure_ascii=False), "utf-8")
    (case,) = load_dataset(tmp_path / "ds").cases
    assert case.figures is not None
    result = score_case(case, ReportSummary())
    assert result.area_figures is not None and result.area_figures.prf.gold == 1


def test_a_value_not_in_the_report_is_refused(tmp_path):
    write_case(tmp_path / "ds", "c", GOLD, text=REPORT)
    bad = {"format": 1, "case": "c", "areas": [
        {"part": "review", "title": "x", "figures": [{"indicator": "y", "value": "增长9.9%"}]}]}  # fmt: skip
    (tmp_path / "ds" / "c.figures.json").write_text(json.dumps(bad, ensure_ascii=False), "utf-8")
    with pytest.raises(GoldError, match="增长9.9%"):
        load_dataset(tmp_path / "ds")
