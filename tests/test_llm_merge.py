"""Rules draft, model review: what of a model's answer the LLM engine keeps, and why.

These tests run the engine in-process with a scripted model client (a test double): no
litellm, no server.  The rules engine's draft stands unless the verifier grounds a change,
so a model that answers badly leaves every field the rules engine writes as it was.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from scripted_client import ScriptedClient
from scripted_model import answer_for

from summarizer.engines.llm import engine as engine_module
from summarizer.engines.llm import planning as planning_module
from summarizer.engines.llm.engine import LLMEngine, review_plan
from summarizer.engines.rules import summarize as rules_summarize
from summarizer.pipeline import summarize_text
from summarizer.report.prepared import prepare
from summarizer.schema import (
    Completeness,
    Evidence,
    PartCheck,
    ReportSummary,
    ReviewArea,
    TaskArea,
)
from summarizer.verify.completeness import check_completeness
from summarizer.verify.verifier import SourceIndex, verify

PUBLIC = Path(__file__).resolve().parent.parent / "evals" / "datasets" / "public"


def run(text: str, script: Any = None, *, parts: tuple[str, ...] | None = None):
    client = ScriptedClient(script)
    summary = summarize_text(text, engine=LLMEngine(client=client, parts=parts))
    return summary, client


def rules_fields(summary: ReportSummary, *, area_evidence: bool = True) -> dict[str, Any]:
    """Everything the rules engine writes: the summary without the model's own fields
    (and, with ``area_evidence=False``, without the areas' evidence, which grows by the
    evidence of the numbers in an area's sentence)."""
    data = summary.model_dump(
        exclude={"overview", "warnings", "verification", "completeness", "engine"}
    )
    for area in data["review_areas"] + data["task_areas"]:
        area.pop("summary")
        if not area_evidence:
            area.pop("evidence")
    return data


def careless(task: str, text: str, draft: dict[str, Any]) -> dict[str, Any]:
    """A model that answers badly: drops items, invents numbers, renames what it keeps."""
    if task == "targets":
        kept = draft.get("targets", [])[1::2]  # every other target dropped
        bad = [{"indicator": t["indicator"], "target": "增长99.9%", "quote": ""} for t in kept]
        bad.append({"indicator": "虚构指标", "target": "达到12345亿元", "quote": "虚构指标达到12345亿元"})
        bad.append({"indicator": "发展质量", "target": "稳步提升", "quote": "发展质量稳步提升"})
        return {"targets": bad}
    if task == "overview":
        return {"overview": "全年经济增长88.8%，新增就业777万人。"}
    listed = draft.get("areas", [])
    if listed:  # numbers shifted by one, one made up, titles of its own, invented figures
        numbers = [a["n"] + 1 for a in listed[1:]] + [999]
        areas: list[dict[str, Any]] = [
            {"n": n, "title": f"另起的标题{n}", "summary": f"投入资金7777.{n}亿元，增长66.6%。"}
            for n in numbers
        ]
    else:
        areas = [{"title": "另起的标题", "summary": "投入资金7777.7亿元，增长66.6%。"}]
    if task == "tasks":
        goals = [{"indicator": "乱起的名字", "value": "2.5亿元"}]
        return {"areas": [{**a, "goals": goals} for a in areas]}
    if "headline_figures" in draft or not listed:
        return {"headline_figures": [{"indicator": "地区生产总值", "value": "增长77.7%"}], "areas": areas}
    return {"areas": areas}


CASES = [f"seed:{n:03d}" for n in range(5)] + sorted(
    f"public:{p.stem}" for p in PUBLIC.glob("*.txt")
)[::3]


def case_text(case: str, seed_text) -> str:
    kind, name = case.split(":")
    return seed_text(name) if kind == "seed" else (PUBLIC / f"{name}.txt").read_text("utf-8")


@pytest.fixture
def review_targets(monkeypatch):
    """Ask the model about the targets even where the draft's are settled."""
    monkeypatch.setattr(planning_module, "targets_settled", lambda *args: False)


@pytest.mark.parametrize("case", CASES)
def test_a_careless_model_leaves_every_rules_field_as_the_draft_has_it(
    case, seed_text, review_targets
):
    text = case_text(case, seed_text)
    summary, client = run(text, careless)
    draft = summarize_text(text)  # the rules engine, verified
    assert rules_fields(summary) == rules_fields(draft)
    assert client.calls  # the model was asked, and answered badly
    assert "llm_call_failed" not in {w.code for w in summary.warnings}  # answers that parsed
    assert summary.overview is None  # its only sentence had invented numbers
    assert all(a.summary is None for a in summary.review_areas + summary.task_areas)
    assert summary.verification.numbers_grounded == summary.verification.numbers_total or (
        summary.verification.ungrounded == draft.verification.ungrounded
    )
    codes = {w.code for w in summary.warnings}
    if draft.targets:
        assert "target_only_rules" in codes  # the dropped targets: the draft's kept, and said so


def test_a_faithful_model_adds_a_sentence_per_area_and_an_overview(seed_text):
    text = seed_text("004")
    summary, client = run(text)
    draft = summarize_text(text)
    assert rules_fields(summary, area_evidence=False) == rules_fields(draft, area_evidence=False)
    for area, before in zip(summary.review_areas, draft.review_areas, strict=True):
        assert area.evidence[: len(before.evidence)] == before.evidence  # cited, not replaced
    assert summary.overview and all(a.summary for a in summary.review_areas)
    assert all(a.summary for a in summary.task_areas)
    checks = {c.path: c for c in summary.verification.numbers}
    assert any(p.endswith(".summary") for p in checks) and "overview" in checks
    assert summary.verification.numbers_grounded == summary.verification.numbers_total
    assert [c.task for c in client.calls][-1] == "overview"


def test_each_call_sends_its_slice_and_the_draft_of_that_slice(seed_text, review_targets):
    report = prepare(seed_text("004"), "004")
    draft = rules_summarize(report)
    _, client = run(seed_text("004"))
    (targets,) = [c for c in client.calls if c.task == "targets"]
    assert targets.text == report.sections.slice(report.sections.targets)
    assert [t["target"] for t in targets.draft["targets"]] == [t.target for t in draft.targets]
    titles = {a.title for a in draft.review_areas}
    sent = [a["title"] for c in client.calls if c.task == "review" for a in c.draft["areas"]]
    assert set(sent) == titles  # every area's title, and only titles: no highlights
    assert "highlights" not in json.dumps([c.draft for c in client.calls], ensure_ascii=False)
    (overview,) = [c for c in client.calls if c.task == "overview"]
    assert overview.text == "" and overview.draft["今年目标"]  # the digest, no report text


def _draft_with(report, **changes) -> ReportSummary:
    return rules_summarize(report).model_copy(update=changes)


def test_a_wrong_draft_target_gives_way_to_a_grounded_correction(seed_text, monkeypatch):
    text = seed_text("004")
    report = prepare(text, "004")
    draft = rules_summarize(report)
    wrong = [t.model_copy(deep=True) for t in draft.targets]
    assert wrong[0].target == "增长5.5%左右"
    wrong[0].target, wrong[0].values = "增长9%", [9.0]  # a misread the verifier catches
    monkeypatch.setattr(
        engine_module, "_rules_draft", lambda r: (_draft_with(r, targets=wrong), None)
    )
    summary, _ = run(text, parts=("targets",))
    assert summary.targets[0].target == "增长5.5%左右"
    assert [t.target for t in summary.targets[1:]] == [t.target for t in draft.targets[1:]]
    assert any(w.code == "llm_revised" and "增长9%" in w.message for w in summary.warnings)


def test_a_target_the_draft_missed_is_added_where_completeness_shows_the_gap(
    seed_text, monkeypatch
):
    text = seed_text("004")
    report = prepare(text, "004")
    draft = rules_summarize(report)
    missing = [t for t in draft.targets if t.indicator != "服务业增加值"]
    assert len(missing) == len(draft.targets) - 1
    assert check_completeness(_draft_with(report, targets=missing), report).part("targets").missed
    monkeypatch.setattr(
        engine_module, "_rules_draft", lambda r: (_draft_with(r, targets=missing), None)
    )
    summary, _ = run(text, parts=("targets",))
    assert [t.indicator for t in summary.targets] == [t.indicator for t in draft.targets]
    added = next(t for t in summary.targets if t.indicator == "服务业增加值")
    assert added.target == "增长5.7%" and added.evidence
    assert summary.verification.numbers_grounded == summary.verification.numbers_total


def test_no_target_is_added_where_the_draft_missed_nothing(seed_text, review_targets):
    def extra(task: str, text: str, draft: dict[str, Any]) -> dict[str, Any]:
        answer = answer_for(task, text, draft)
        if task == "targets":  # a grounded clause of the passage that is no target of its own
            answer["targets"].append(
                {"indicator": "经济增长", "target": "同步", "quote": "居民可支配收入增长与经济增长同步"}
            )
        return answer

    text = seed_text("004")
    summary, client = run(text, extra, parts=("targets",))
    assert [c.task for c in client.calls] == ["targets"]
    assert rules_fields(summary)["targets"] == rules_fields(summarize_text(text))["targets"]
    assert any(w.code == "target_only_llm" for w in summary.warnings)


def test_settled_targets_are_not_sent_and_unsettled_ones_are(seed_text, monkeypatch):
    text = seed_text("004")
    _, client = run(text)
    assert "targets" not in {c.task for c in client.calls}  # complete, grounded: nothing to do
    report = prepare(text, "004")
    draft = rules_summarize(report)
    renamed = [t.model_copy(update={"indicator": "力争" + t.indicator}) for t in draft.targets]
    monkeypatch.setattr(
        engine_module, "_rules_draft", lambda r: (_draft_with(r, targets=renamed), None)
    )
    _, client = run(text)
    assert "targets" in {c.task for c in client.calls}  # a name cut at the wrong place


def test_a_target_without_a_number_is_added_where_a_clause_of_the_passage_is_uncovered(
    seed_text, monkeypatch
):
    text = seed_text("004")
    report = prepare(text, "004")
    draft = rules_summarize(report)
    assert draft.targets[-1].target == "增长与经济增长同步"
    missing = draft.targets[:-1]  # a rules engine that reads no target without a number
    monkeypatch.setattr(
        engine_module, "_rules_draft", lambda r: (_draft_with(r, targets=missing), None)
    )
    quote = "全区居民可支配收入增长与经济增长同步"

    def qualitative(task: str, text: str, draft: dict[str, Any]) -> dict[str, Any]:
        answer = answer_for(task, text, draft)
        if task == "targets":
            answer["targets"] += [
                {"indicator": "居民可支配收入", "target": "增长与经济增长同步", "quote": quote},
                {"indicator": "经济增长", "target": "同步", "quote": "与经济增长同步"},
            ]
        return answer

    summary, client = run(text, qualitative, parts=("targets",))
    assert [c.task for c in client.calls] == ["targets"]  # an uncovered clause: not settled
    assert [(t.indicator, t.target) for t in summary.targets] == [
        (t.indicator, t.target) for t in draft.targets
    ]  # added back, in the passage's order; 经济增长 is no clause's subject
    added = summary.targets[-1]
    assert added.kind == "qualitative" and added.evidence and added.evidence[0].quote == quote


def test_the_model_reads_the_passage_the_completeness_check_points_to(seed_text):
    report = prepare(seed_text("004"), "004")
    draft = rules_summarize(report)
    span = report.sections.review_opening
    assert span is not None
    passage = report.index.evidence(span.start, span.end)
    check = PartCheck(part="targets", status="not_found", message="", passage=passage)
    calls = review_plan(report, draft, Completeness(parts=[check]), 2000)
    extra = [c for c in calls if c.task == "targets" and c.chunk.end <= span.end]
    assert extra and extra[0].chunk.start >= span.start and extra[0].draft == '{"targets":[]}'


def _with_goal_names(report, names: dict[str, str]):
    """The rules engine's draft with the goals of these values named as given (fragments)."""
    draft = rules_summarize(report)
    for area in draft.task_areas:
        for item in area.items:
            item.goals = [
                g.model_copy(update={"indicator": names.get(g.value, g.indicator)})
                for g in item.goals
            ]
    return draft, None


def test_clean_goal_names_only_where_the_sentence_states_them(seed_text, monkeypatch):
    fragments = {"2.5亿元": "扩大", "提升至96%": "新增政策主动推送率提"}
    monkeypatch.setattr(engine_module, "_rules_draft", lambda r: _with_goal_names(r, fragments))
    sent: list[list[str]] = []

    def names(task: str, text: str, draft: dict[str, Any]) -> dict[str, Any]:
        answer = answer_for(task, text, draft)
        if task == "tasks":
            sent.extend(a.get("goals", []) for a in draft["areas"])
            for area in answer["areas"]:
                area["goals"] = [
                    {"indicator": "“算力券”覆盖面", "value": "2.5亿元"},  # its sentence says so
                    {"indicator": "新增政策主动推送率", "value": "提升至96%"},
                    {"indicator": "专精特新企业总量", "value": "突破500家"},  # not so stated
                ]
        return answer

    text = seed_text("003")
    summary, _ = run(text, names, parts=("tasks",))
    asked = [g for goals in sent for g in goals]
    assert "扩大：2.5亿元" in asked and "新增政策主动推送率提：提升至96%" in asked
    assert not any(g.startswith("专精特新") for g in asked)  # a finished name is not sent
    goals = {g.value: g.indicator for a in summary.task_areas for i in a.items for g in i.goals}
    assert goals["2.5亿元"] == "“算力券”覆盖面"
    assert goals["提升至96%"] == "新增政策主动推送率"
    assert goals["突破500家"] == "专精特新“小巨人”总数"  # the draft's name stands
    assert summary.verification.numbers_grounded == summary.verification.numbers_total


def test_an_area_sentence_with_an_invented_number_is_left_out_and_said_so(seed_text):
    def mixed(task: str, text: str, draft: dict[str, Any]) -> dict[str, Any]:
        answer = answer_for(task, text, draft)
        if task == "review":
            first = answer["areas"][0]
            first["summary"] = first["summary"] + "新增市场主体99999家。"
        return answer

    summary, _ = run(seed_text("004"), mixed, parts=("review",))
    first = summary.review_areas[0]
    assert first.summary and "99999" not in first.summary
    dropped = [w for w in summary.warnings if w.code == "llm_sentence_dropped"]
    assert dropped and "99999" in dropped[0].message
    checks = [c for c in summary.verification.numbers if c.path == "review_areas[0].summary"]
    assert checks and all(c.grounded for c in checks)


def test_an_area_sentence_cut_at_the_length_limit_ends_at_its_last_clause(seed_text):
    from summarizer.engines.llm.answers import MAX_SUMMARY

    def long(task: str, text: str, draft: dict[str, Any]) -> dict[str, Any]:
        answer = answer_for(task, text, draft)
        if task == "review":  # as a grammar stops a model at maxLength, mid-clause
            first = answer["areas"][0]
            first["summary"] = ("产业发展加快，" * 40)[: MAX_SUMMARY - 1] + "新"
        return answer

    summary, _ = run(seed_text("004"), long, parts=("review",))
    first = summary.review_areas[0].summary
    assert first and first.endswith("产业发展加快。") and len(first) < MAX_SUMMARY


def test_a_sentence_with_a_year_and_grounded_figures_is_kept(seed_text):
    def dated(task: str, text: str, draft: dict[str, Any]) -> dict[str, Any]:
        if task == "overview":  # a year is no quantity: it must be in the source as written
            return {"overview": "2024年地区生产总值2803.5亿元。2031年新增岗位一万个。"}
        return answer_for(task, text, draft)

    summary, _ = run(seed_text("004"), dated, parts=("overview",))
    assert summary.overview == "2024年地区生产总值2803.5亿元。"
    checks = [c for c in summary.verification.numbers if c.path == "overview"]
    assert {c.raw for c in checks} >= {"2024", "2803.5亿元"} and all(c.grounded for c in checks)


def test_headline_figures_come_from_the_model_only_where_the_draft_has_none(
    seed_text, monkeypatch
):
    def figures(task: str, text: str, draft: dict[str, Any]) -> dict[str, Any]:
        answer = answer_for(task, text, draft)
        if "headline_figures" in answer:
            answer["headline_figures"] = [
                {"indicator": "地区生产总值", "value": "2803.5亿元"},
                {"indicator": "地区生产总值", "value": "增长99%"},  # invented
            ]
        return answer

    text = seed_text("004")
    summary, client = run(text, figures, parts=("review",))
    assert all("headline_figures" not in c.draft for c in client.calls)  # the draft has some
    assert summary.headline_figures == summarize_text(text).headline_figures
    monkeypatch.setattr(
        engine_module, "_rules_draft", lambda r: (_draft_with(r, headline_figures=[]), None)
    )
    summary, client = run(text, figures, parts=("review",))
    assert sum("headline_figures" in c.draft for c in client.calls) == 1
    assert [f.value for f in summary.headline_figures] == ["2803.5亿元"]


def test_the_verifier_checks_the_abstractive_fields(seed_text):
    report = prepare(seed_text("004"), "004")
    index: SourceIndex = report.index
    span = index.locate_quote("落地高端专业服务业机构35家")
    assert span is not None
    evidence = [Evidence(start=span[0], end=span[1], quote="落地高端专业服务业机构35家")]
    summary = ReportSummary(
        overview="地区生产总值2803.5亿元。全年新增岗位12345个。",
        review_areas=[
            ReviewArea(title="产业", summary="落地高端专业服务业机构35家。", evidence=evidence),
            ReviewArea(title="产业", summary="落地机构36家。", evidence=evidence),
        ],
        task_areas=[TaskArea(title="任务", summary="新增机构36家。", evidence=evidence)],
    )
    checks = {(c.path, c.raw): c.grounded for c in verify(summary, index).numbers}
    assert checks[("overview", "2803.5亿元")] and not checks[("overview", "12345个")]
    assert checks[("review_areas[0].summary", "35家")]
    assert not checks[("review_areas[1].summary", "36家")]
    assert not checks[("task_areas[0].summary", "36家")]


def test_a_year_put_on_figures_of_another_year_is_not_grounded(seed_text):
    # 2025 is in the report, but not where 2803.5亿元 is stated (that paragraph is of 2024)
    def dated(task: str, text: str, draft: dict[str, Any]) -> dict[str, Any]:
        if task == "overview":
            return {"overview": "2025年地区生产总值2803.5亿元。2024年地区生产总值2803.5亿元。"}
        return answer_for(task, text, draft)

    assert "2025年" in seed_text("004")
    summary, _ = run(seed_text("004"), dated, parts=("overview",))
    assert summary.overview == "2024年地区生产总值2803.5亿元。"
    dropped = [w for w in summary.warnings if w.code == "llm_sentence_dropped"]
    assert any("2025年地区生产总值" in w.message for w in dropped)
