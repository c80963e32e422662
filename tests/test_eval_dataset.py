"""Loading evaluation datasets and refusing gold that is not verbatim."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer.evaluate import GoldError, load_dataset
from summarizer.evaluate.dataset import gold_problems, load_gold

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT / "evals" / "datasets"

REPORT = (
    "政府工作报告\n一、过去一年工作回顾\n全市地区生产总值２１８６０亿元、增长4.7%。\n"
    "（一）全力以赴稳增长，经济运行稳中有进。\n二、今年目标\n"
    "主要预期目标：地区生产总值增长5.5%左右，城镇调查失业率控制在5%以内。\n"
    "（一）聚焦打好政策“组合拳”，更大力度巩固经济回升向好态势。\n"
)
GOLD = {
    "format": 1,
    "region": "杭州市",
    "level": "city",
    "year": 2025,
    "kind": "full",
    "headline_figures": [
        {"indicator": "地区生产总值", "value": "21860亿元"},
        {"indicator": "地区生产总值", "value": "增长4.7%"},
    ],
    "targets": [
        {"indicator": "地区生产总值", "target": "增长5.5%左右"},
        {"indicator": "城镇调查失业率", "target": "控制在5%以内"},
    ],
    "review_areas": ["全力以赴稳增长,经济运行稳中有进"],
    "task_areas": ["聚焦打好政策“组合拳”，更大力度巩固经济回升向好态势"],
}


def write_case(
    folder: Path, case_id: str, gold: dict, text: str = REPORT, ref: str | None = None
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{case_id}.txt").write_text(text, encoding="utf-8")
    (folder / f"{case_id}.gold.json").write_text(
        json.dumps(gold, ensure_ascii=False), encoding="utf-8"
    )
    if ref is not None:
        (folder / f"{case_id}.ref.txt").write_text(ref, encoding="utf-8")


def test_loads_a_folder_outside_the_repository(tmp_path):
    write_case(tmp_path / "ds", "b_case", GOLD, ref="速览：地区生产总值增长4.7%。")
    write_case(tmp_path / "ds", "a_case", {**GOLD, "targets": None})
    dataset = load_dataset(tmp_path / "ds")
    assert [c.case_id for c in dataset.cases] == ["a_case", "b_case"]
    a, b = dataset.cases
    assert a.gold.targets is None  # not annotated: not scored
    assert b.reference == "速览：地区生产总值增长4.7%。"
    assert a.reference is None
    assert dataset.name == "ds"


def test_full_width_digits_and_white_space_count_as_verbatim():
    gold = load_gold_from(GOLD)
    assert gold_problems(gold, REPORT) == []


def load_gold_from(data: dict):
    from summarizer.evaluate.dataset import Gold

    return Gold.model_validate(data)


def test_refuses_gold_strings_not_in_the_report(tmp_path):
    bad = {
        **GOLD,
        "targets": [{"indicator": "地区生产总值", "target": "增长6%左右"}],
        "task_areas": ["编造的任务"],
    }
    write_case(tmp_path / "ds", "case", bad)
    with pytest.raises(GoldError) as info:
        load_dataset(tmp_path / "ds")
    message = str(info.value)
    assert "case.gold.json" in message
    assert "targets[0].target '增长6%左右' is not in the report" in message
    assert "task_areas[0] '编造的任务'" in message
    assert "headline_figures" not in message


def test_refuses_malformed_gold(tmp_path):
    path = tmp_path / "x.gold.json"
    path.write_text(json.dumps({**GOLD, "format": 2}), encoding="utf-8")
    with pytest.raises(GoldError, match="unsupported gold format 2"):
        load_gold(path)
    path.write_text(json.dumps({**GOLD, "level": "town"}), encoding="utf-8")
    with pytest.raises(GoldError, match="level"):
        load_gold(path)
    path.write_text(json.dumps({**GOLD, "surprise": 1}), encoding="utf-8")
    with pytest.raises(GoldError, match="surprise"):
        load_gold(path)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(GoldError, match="cannot read"):
        load_gold(path)


def test_missing_report_and_empty_folder(tmp_path):
    (tmp_path / "ds").mkdir()
    with pytest.raises(Exception, match="no \\*.gold.json files"):
        load_dataset(tmp_path / "ds")
    (tmp_path / "ds" / "lonely.gold.json").write_text(json.dumps(GOLD), encoding="utf-8")
    with pytest.raises(GoldError, match="lonely.txt is missing"):
        load_dataset(tmp_path / "ds")
    with pytest.raises(Exception, match="no such dataset folder"):
        load_dataset(tmp_path / "nowhere")


def test_case_filter(tmp_path):
    write_case(tmp_path / "ds", "one", GOLD)
    write_case(tmp_path / "ds", "two", GOLD)
    assert [c.case_id for c in load_dataset(tmp_path / "ds", ["two"]).cases] == ["two"]
    with pytest.raises(Exception, match="no such case: three"):
        load_dataset(tmp_path / "ds", ["three"])


def test_fingerprint_follows_the_gold(tmp_path):
    write_case(tmp_path / "a", "case", GOLD)
    write_case(tmp_path / "b", "case", {**GOLD, "year": 2024})
    write_case(tmp_path / "c", "case", GOLD)
    fa, fb, fc = (load_dataset(tmp_path / n).fingerprint() for n in "abc")
    assert fa == fc != fb


@pytest.mark.parametrize(("name", "cases"), [("seeds", 5), ("public", 17)])
def test_shipped_datasets_load(name, cases):
    dataset = load_dataset(DATASETS / name)
    assert len(dataset.cases) == cases
    for case in dataset.cases:
        assert gold_problems(case.gold, case.text) == []


def test_seed_gold_follows_the_seed_facts():
    cases = {c.case_id[:3]: c.gold for c in load_dataset(DATASETS / "seeds").cases}
    assert cases["000"].kind == "digest" and cases["002"].kind == "digest"
    assert cases["001"].kind == "partial"
    assert cases["001"].targets == [] and cases["001"].task_areas == []
    seed3 = cases["003"]
    assert [t.target for t in seed3.targets] == [
        "增长5.5%左右",
        "4%以上",
        "控制在5%以内",
        "2%左右",
        "增长与经济增长基本同步",
    ]
    assert len(seed3.task_areas) == 9
    assert len(cases["004"].task_areas) == 6
    assert len(cases["004"].targets) == 6


def test_public_dataset_is_a_verbatim_copy():
    shared = ROOT.parent / "shared" / "datasets" / "public"
    if not shared.is_dir():
        pytest.skip("the shared dataset is not on this machine")
    for path in shared.iterdir():
        assert (DATASETS / "public" / path.name).read_bytes() == path.read_bytes(), path.name
