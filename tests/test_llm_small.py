"""The small profile: label repair and an overview from the digest, nothing else sent.

The model is the scripted client (a TEST DOUBLE); the names it proposes are checked by the
real clause reader.  A real run of the built-in model is in test_llm_local.py.
"""

from __future__ import annotations

import pytest
from scripted_client import ScriptedClient
from scripted_model import answer_for

from summarizer.engines.llm.config import LLMConfig, load_config
from summarizer.engines.llm.engine import LLMEngine
from summarizer.engines.llm.label_repair import unnamed_figures
from summarizer.errors import InputError
from summarizer.pipeline import summarize_text
from tests.conftest import SHARED

REPORT = SHARED / "datasets" / "public" / "2026_dalian_city.txt"
NAMED = "超龄劳动者"  # what 2.76万 counts: 工伤保险单独缴纳新政惠及2.76万超龄劳动者


def _figures(summary):
    yield from summary.headline_figures
    for area in summary.review_areas:
        yield from area.figures


def test_the_profile_defaults_by_model_and_is_checked():
    assert LLMConfig(model="local").resolved().profile == "small"
    assert LLMConfig(model="deepseek/deepseek-chat").resolved().profile == "full"
    assert load_config({"model": "openai/x", "api_base": "http://h", "profile": "small"}).profile == "small"
    with pytest.raises(InputError, match="unknown profile"):
        LLMConfig(model="local", profile="tiny").resolved()


@pytest.mark.skipif(not REPORT.is_file(), reason="the public dataset is not beside the checkout")
def test_small_profile_repairs_labels_the_reader_confirms_and_sends_no_report_text():
    text = REPORT.read_text(encoding="utf-8")
    rules = summarize_text(text)
    unnamed = unnamed_figures(rules)
    assert unnamed, "the report has figures the clause reader could not name"
    client = ScriptedClient(profile="small")
    summary = summarize_text(text, engine=LLMEngine(client=client))
    assert {c.task for c in client.calls} == {"labels", "overview"}
    assert all(c.text == "" for c in client.calls)  # clauses and the digest, never the report
    engine = summary.engine
    assert engine.profile == "small" and engine.labels_asked == len(unnamed)
    assert engine.labels_confirmed >= 1
    named = [f for f in _figures(summary) if f.indicator == NAMED]
    assert named and named[0].value == "2.76万"
    assert named[0].binding is not None and named[0].binding.label == NAMED
    # the verifier binds the repaired name (a ✓, not ◐)
    assert summary.verification is not None
    assert summary.verification.figures_bound > rules.verification.figures_bound
    # everything else is the rules engine's
    assert [t.target for t in summary.targets] == [t.target for t in rules.targets]
    assert [a.title for a in summary.review_areas] == [a.title for a in rules.review_areas]


@pytest.mark.skipif(not REPORT.is_file(), reason="the public dataset is not beside the checkout")
def test_a_name_the_reader_does_not_confirm_is_not_kept():
    text = REPORT.read_text(encoding="utf-8")

    def wrong(task, sent, draft):
        if task == "labels":  # the clause's first words: not what the number measures
            return {"labels": [{"id": f["id"], "label": f["clause"][:4]} for f in draft["figures"]]}
        return answer_for(task, sent, draft)

    summary = summarize_text(text, engine=LLMEngine(client=ScriptedClient(wrong, profile="small")))
    assert summary.engine.labels_asked >= 1 and summary.engine.labels_confirmed == 0
    rules = summarize_text(text)
    assert [f.indicator for f in _figures(summary)] == [f.indicator for f in _figures(rules)]


def test_an_overview_number_not_in_the_digest_is_sent_back():
    from summarizer.engines.llm.answers import _not_in_digest

    digest = '{"今年目标":["地区生产总值增长7.5%","固定资产投资增长10%以上"],"年份":2021}'
    assert _not_in_digest("今年地区生产总值增长7.5%，固定资产投资增长10%以上。", digest) == []
    (problem,) = _not_in_digest("2021年地区生产总值增长7.5%。", digest)
    assert "年份" in problem  # the reader could not tell last year's figures from this year's
    (problem,) = _not_in_digest("地区生产总值增长7.5%以上，固定资产投资增长10%以上。", digest)
    assert "7.5%以上" in problem and "要点中写的是“7.5%”" in problem
    (problem,) = _not_in_digest("进出口增长9%。", digest)
    assert "要点中没有这个数" in problem
