"""``summarizer eval coverage`` and the completeness check, on report files written here."""

from __future__ import annotations

import csv
import io
import shutil

from test_segment_structures import OPENING, PROBLEMS, REVIEW_AREAS, report, standard
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.evaluate.coverage import states_targets
from summarizer.pipeline import summarize_text


def test_coverage_lists_every_report_with_totals_and_writes_csv(tmp_path, seed_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a_full.txt").write_text(standard(), encoding="utf-8")
    (folder / "b_cut.txt").write_text(report("一、2025年工作回顾", OPENING, *REVIEW_AREAS, PROBLEMS), encoding="utf-8")
    shutil.copy(seed_path("003"), folder / "c_seed.txt")
    (folder / "SOURCES.md").write_text("# where the reports come from\n", encoding="utf-8")
    (folder / "d_empty.txt").write_text("", encoding="utf-8")

    result = CliRunner().invoke(app, ["eval", "coverage", str(folder), "--all"])
    assert result.exit_code == 0, result.output
    assert "targets found where the text states them 2/2 (100.0%)" in result.output
    assert "partial 1" in result.output and "(failed 1)" in result.output

    out = CliRunner().invoke(app, ["eval", "coverage", str(folder), "--format", "csv"])
    rows = {r["report"]: r for r in csv.DictReader(io.StringIO(out.output))}
    assert set(rows) == {"a_full.txt", "b_cut.txt", "c_seed.txt", "d_empty.txt"}
    assert rows["a_full.txt"]["targets"] == "5" and rows["a_full.txt"]["task_areas"] == "4"
    assert rows["b_cut.txt"]["kind"] == "partial" and rows["b_cut.txt"]["targets"] == "0"
    assert rows["c_seed.txt"]["region"] == "杭州市" and rows["c_seed.txt"]["targets_check"] == "complete"
    assert rows["d_empty.txt"]["error"]


def test_coverage_refuses_a_missing_folder(tmp_path):
    result = CliRunner().invoke(app, ["eval", "coverage", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "not a folder" in result.output


def test_the_probe_for_stated_targets_skips_five_year_goals():
    assert states_targets("今年的主要预期目标是：地区生产总值增长6%左右。")
    assert not states_targets("“十五五”时期的主要目标是：到2030年地区生产总值年均增长5%。")
    assert not states_targets("没有任何目标的文字，只有2025年。")


def test_a_number_of_the_targets_passage_left_out_is_listed_and_warned():
    summary = summarize_text(standard())
    check = summary.completeness.part("targets")  # type: ignore[union-attr]
    assert check.status == "complete" and check.found == 5 and not check.missed
    # a clause the parser cannot split into indicator and value leaves its number out
    odd = standard(targets=TARGETS_WITH_ODD_CLAUSE)
    summary = summarize_text(odd)
    check = summary.completeness.part("targets")  # type: ignore[union-attr]
    assert check.status == "incomplete"
    assert [m.quote for m in check.missed] == ["1500亿元"]
    assert "targets_incomplete" in {w.code for w in summary.warnings}
    assert check.passage is not None and "主要预期目标" not in check.passage.quote


TARGETS_WITH_ODD_CLAUSE = (
    "今年全市经济社会发展的主要预期目标是：地区生产总值增长6%左右，一般公共预算收入增长5%，"
    "向着1500亿元迈进。"
)


def test_not_found_means_the_report_has_no_such_part():
    none = summarize_text(standard(targets="今年要坚持稳中求进，扎实做好各项工作。"))
    check = none.completeness.part("targets")  # type: ignore[union-attr]
    assert check.status == "absent" and check.passage is None
    unsure = summarize_text(standard(targets="实现预期目标的支撑条件是：项目投资增长8%，消费增长6%。"))
    check = unsure.completeness.part("targets")  # type: ignore[union-attr]
    assert check.status in ("not_found", "complete", "incomplete")
    if check.status == "not_found":
        assert check.passage is not None


def test_coverage_counts_figures_bound_by_part_and_shows_the_unbound(tmp_path, seed_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(seed_path("003"), folder / "c_seed.txt")
    (folder / "x.txt").write_text(
        standard().replace("。", "。新建高标准农田2.4万亩、改造提升4.6万亩，投入12亿元。", 1), encoding="utf-8"
    )
    result = CliRunner().invoke(app, ["eval", "coverage", str(folder), "--show"])
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("figures bound"))
    for part in ("headline", "review", "tasks", "targets"):
        assert f"{part} " in line
    out = CliRunner().invoke(app, ["eval", "coverage", str(folder), "--format", "csv"])
    rows = {r["report"]: r for r in csv.DictReader(io.StringIO(out.output))}
    seed = rows["c_seed.txt"]
    assert int(seed["review_shown"]) > 100
    assert int(seed["review_bound"]) <= int(seed["review_shown"])
    assert int(seed["headline_bound"]) == int(seed["headline_shown"]) > 0
    unbound = sum(int(r[f"{p}_shown"]) - int(r[f"{p}_bound"]) for r in rows.values() for p in ("headline", "review", "tasks", "targets"))
    listed = [x for x in result.output.splitlines() if x.startswith("  ") and ".value " in x or ".target " in x]
    assert len(listed) == unbound
