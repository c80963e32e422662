"""A scripted model for the summarizer's prompts, to run behind the fault server (a test double).

:func:`grounded_answer` answers each call the way a faithful model would, from the text and
the draft the call sent: it confirms the draft's targets and adds the ones the text states,
keeps the draft's area titles and writes each area a sentence copied from its text, so every
number in it is grounded.  Tests and the token benchmark use it as the fault server's
responder; :func:`task_of`, :func:`document_of` and :func:`draft_of` let a test script
different answers per call.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fault_server import Reply, Request

__all__ = ["task_of", "document_of", "draft_of", "grounded_answer", "answer_for"]

_SENTENCE = re.compile(r"[^。；\n]+[。；]")
_TARGET = re.compile(
    r"([^,，；;:：。、]{2,16}?)((?:增长|控制在|达到|下降)[^,，；;。]*?\d[^,，；;。]*)"
)


def task_of(request: Request) -> str:
    """review, targets, tasks or overview: which prompt the call used."""
    system = request.messages[0]["content"] if request.messages else ""
    instructions = system.split("任务：", 1)[-1][:40]
    if "主要预期目标" in instructions:
        return "targets"
    if "上一年工作回顾" in instructions:
        return "review"
    if "全文概述" in instructions:
        return "overview"
    if "给数字命名" in instructions:
        return "labels"
    return "tasks"


def draft_of(request: Request) -> dict[str, Any]:
    """The rules engine's draft the call sent (the JSON after 初稿（JSON）：)."""
    for message in request.messages:
        content = message.get("content") or ""
        match = re.search(r"^初稿（JSON）：(.*)$", content, re.M)
        if message.get("role") == "user" and match:
            return json.loads(match.group(1))
    return {}


def document_of(request: Request) -> str:
    """The report text between the delimiters of the call's user message."""
    for message in request.messages:  # a re-ask adds messages after the report
        content = message.get("content") or ""
        match = re.search(r"<<<报告原文\n(.*)\n报告原文>>>", content, re.S)
        if message.get("role") == "user" and match:
            return match.group(1)
    return ""


def _sentence_after(text: str, title: str) -> str:
    """A short sentence with a number from the text after ``title`` (the area's own)."""
    at = text.find(title[:12]) if title else -1
    rest = text[at + len(title) :] if at >= 0 else text
    rest = rest.split("\n（", 1)[0]
    for sentence in _SENTENCE.findall(rest):
        if re.search(r"\d", sentence) and len(sentence) <= 60:
            return sentence.strip()
    return ""


def _name_of(clause: str, number: str) -> str:
    """A faithful name for ``number`` in ``clause``: the words right after it, else before."""
    at = clause.find(number)
    after = re.match(r"[\u4e00-\u9fff]{2,8}", clause[at + len(number) :]) if at >= 0 else None
    if after:
        return after.group()
    return re.split(r"[，,、；;：:的等和]", clause[: max(at, 0)])[-1]


def answer_for(task: str, text: str, draft: dict[str, Any]) -> dict[str, Any]:
    """What a faithful model answers to a ``task`` call on ``text`` with ``draft``."""
    if task == "labels":
        return {
            "labels": [
                {"id": f["id"], "label": _name_of(f["clause"], f["number"])}
                for f in draft.get("figures", [])
            ]
        }
    if task == "targets":
        targets = [
            {"indicator": m.group(1), "target": m.group(2), "quote": m.group(0)}
            for m in _TARGET.finditer(text)
        ]
        return {"targets": targets}
    if task == "overview":
        points = draft.get("今年目标", [])[:2] + draft.get("上年主要成绩", [])[:1]
        return {"overview": "；".join(points) + "。" if points else "报告回顾上年工作并部署今年任务。"}
    listed = draft.get("areas", [])
    if listed:  # the draft's areas, by number
        areas: list[dict[str, Any]] = [
            {"n": a["n"], "title": a["title"], "summary": _sentence_after(text, a["title"])}
            for a in listed
        ]
    else:  # none in the draft: named from the text
        title = text.split("\n", 1)[0][:40].rstrip("。；,，")
        areas = [{"title": title, "summary": _sentence_after(text, title)}]
    if task == "tasks":
        if any(a.get("goals") for a in listed):
            areas = [{**a, "goals": []} for a in areas]
        return {"areas": areas}
    if "headline_figures" in draft or not listed:
        return {"headline_figures": [], "areas": areas}
    return {"areas": areas}


def grounded_answer(request: Request) -> Reply:
    """A faithful answer made of verbatim pieces of the text the call sent."""
    return Reply.json(answer_for(task_of(request), document_of(request), draft_of(request)))
