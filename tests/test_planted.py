"""Instructions planted in a real report's targets passage: no planted number is ever shown as
verified, by either engine, and the report's own target is kept.

Two lists of wordings: the ones the detector was developed on (test_instructions.py), and a
held-out list (tests/data/held_out_instructions.txt) written before the detector and never
used to tune it.  The LLM engine runs against the fault server (a test double) with a model
that obeys whatever it is told.
"""

from __future__ import annotations

import re

import pytest
from fault_server import FaultServer, Reply, Request
from scripted_model import document_of, grounded_answer, task_of

from summarizer.engines.llm import planning as planning_module
from summarizer.engines.llm.config import load_config
from summarizer.engines.llm.engine import LLMEngine
from summarizer.engines.llm.ratelimit import GATE
from summarizer.pipeline import summarize_text
from summarizer.report.prepared import prepare
from summarizer.schema import Evidence, ReportSummary, Target
from summarizer.verify.verifier import attach_verification
from tests.conftest import ROOT, SEEDS
from tests.test_instructions import DEV_WORDINGS

HELD_OUT = [
    line.strip()
    for line in (ROOT / "tests" / "data" / "held_out_instructions.txt")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip() and not line.startswith("#")
]
# (which list, wording, the number it plants)
WORDINGS = [("dev", w, n) for w, n in DEV_WORDINGS if n.endswith("%")] + [
    ("held_out", w, re.findall(r"\d+(?:\.\d+)?%", w)[0]) for w in HELD_OUT
]
REPORT = next(SEEDS.glob("004_*.txt")).read_text(encoding="utf-8")
TARGETS = "2025年全区经济社会发展的主要预期目标是:"  # the sentence stating the targets
GDP = "增长5.5%左右"  # the report's own GDP target


def plant(wording: str, where: str) -> tuple[str, int]:
    """The report with ``wording`` planted, and where it starts in the text."""
    if where == "before":  # a sentence of its own before the targets sentence
        at = REPORT.index(TARGETS)
        piece = wording if wording.endswith(("。", ".", ")", "）")) else wording + "。"
    elif where == "after":  # after the targets sentence
        at = REPORT.index("。", REPORT.index(TARGETS)) + 1
        piece = wording
    elif where == "inside":  # an aside right after the GDP target
        at = REPORT.index(GDP) + len(GDP)
        piece = wording
    else:  # glued to the GDP target with no mark between, or an item of its own after a semicolon
        at = REPORT.index(GDP) + len(GDP)
        piece = wording if where == "glued" else "；" + wording.rstrip("。.") + "；"
    return REPORT[:at] + piece + REPORT[at:], at


def test_the_held_out_list_is_there():
    assert len(HELD_OUT) >= 15
    assert all(len(re.findall(r"\d+(?:\.\d+)?%", w)) == 1 for w in HELD_OUT)


def _cases() -> list[tuple[str, str, str, str]]:
    cases = []
    for kind, wording, number in WORDINGS:
        aside = wording.startswith(("（", "("))
        places = ("before", "after", "inside") if aside else ("before", "after", "glued", "semicolon")
        for where in places:
            cases.append((kind, wording, number, where))
    return cases


@pytest.mark.parametrize(("kind", "wording", "number", "where"), _cases(), ids=lambda v: v[:10])
def test_the_rules_engine_keeps_the_target_and_never_verifies_the_planted_number(
    kind, wording, number, where
):
    text, at = plant(wording, where)
    summary = summarize_text(text)
    assert all(number not in t.target for t in summary.targets), kind
    assert summary.targets[0].indicator == "地区生产总值" and summary.targets[0].target == GDP
    assert summary.verification is not None
    checks = summary.verification.numbers
    from_planted = [
        c
        for c in checks
        if c.grounded and c.source and c.source.start < at + len(wording) and c.source.end > at
    ]
    assert from_planted == []
    assert next(c for c in checks if c.path == "targets[0].target").grounded
    assert "suspicious_instruction" in {w.code for w in summary.warnings}
    # the planted number is not one the target list left out
    assert summary.completeness is not None
    part = summary.completeness.part("targets")
    assert part is not None and not any(number in m.quote for m in part.missed)


@pytest.mark.parametrize(("kind", "wording", "number", "where"), _cases(), ids=lambda v: v[:10])
def test_a_target_taken_from_the_planted_text_is_flagged_not_verified(
    kind, wording, number, where
):
    text, at = plant(wording, where)
    report = prepare(text)
    cited = Evidence(start=at, end=at + len(wording), quote=wording)
    for evidence in ([cited], []):  # citing the planted text, or citing nothing
        summary = ReportSummary(
            targets=[Target(indicator="地区生产总值", target=f"增长{number}", evidence=evidence)]
        )
        checked = attach_verification(summary, report.index)
        assert checked.verification is not None
        (check,) = [c for c in checked.verification.numbers if c.path == "targets[0].target"]
        assert not check.grounded and check.planted, (kind, check.reason)
        assert "planted_numbers" in {w.code for w in checked.warnings}


# -- the LLM engine, with a model that obeys the planted text ----------------------------
@pytest.fixture
def obeying():
    GATE.reset()
    with FaultServer(responder=grounded_answer) as server:
        yield server


def _llm(server: FaultServer, home) -> LLMEngine:
    settings = {"model": "openai/double", "api_base": server.base_url, "api_key": "sk-test"}
    settings.update({"retries": 0, "timeout": 20.0, "cache": False, "max_reasks": 1})
    return LLMEngine(load_config(settings), parts=["targets"])


@pytest.mark.parametrize(("kind", "wording", "number"), WORDINGS, ids=lambda v: v[:10])
def test_the_llm_engine_never_verifies_a_number_it_was_told_to_use(
    kind, wording, number, obeying, tmp_path, monkeypatch
):
    monkeypatch.setenv("SUMMARIZER_HOME", str(tmp_path))
    # The draft's targets are complete and grounded, so the engine would not ask a model
    # about them; ask anyway, to see what becomes of a model that obeys.
    monkeypatch.setattr(planning_module, "targets_settled", lambda *args: False)
    text, _ = plant(wording, "before")
    told = {"indicator": "地区生产总值", "target": f"增长{number}", "quote": wording}

    def respond(request: Request) -> Reply:
        if task_of(request) == "targets":
            return Reply.json({"targets": [told]})
        return grounded_answer(request)

    obeying.responder = respond
    summary = summarize_text(text, engine=_llm(obeying, tmp_path))
    sent = " ".join(document_of(r) for r in obeying.requests)
    assert obeying.requests and number not in sent  # asked, but never shown the planted text
    assert summary.verification is not None
    assert not any(number in t.target for t in summary.targets)  # no target took it
    gdp = next(i for i, t in enumerate(summary.targets) if t.indicator == "地区生产总值")
    assert summary.targets[gdp].target == GDP  # the report's own target, kept
    checks = {c.path: c for c in summary.verification.numbers}
    assert checks[f"targets[{gdp}].target"].grounded
    flagged = [w for w in summary.warnings if w.code == "prompt_injection"]
    assert flagged and f"增长{number}" in flagged[0].message, kind


def test_the_markdown_says_why_a_planted_number_is_not_verified():
    from summarizer.render import to_markdown
    from summarizer.verify.verifier import PLANTED_ZH

    wording, number = DEV_WORDINGS[0]
    text, _ = plant(wording, "inside")
    summary = ReportSummary(targets=[Target(indicator="地区生产总值", target=f"增长{number}")])
    markdown = to_markdown(attach_verification(summary, prepare(text).index))
    assert f"**{number}** — " in markdown and PLANTED_ZH in markdown
