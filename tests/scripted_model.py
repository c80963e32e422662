"""A scripted model for the summarizer's prompts, to run behind the fault server (a test double).

:func:`grounded_answer` answers each call the way a faithful model would, from the text the
call sent: verbatim sentences, so every number in it is grounded.  Tests and the token
benchmark use it as the fault server's responder; :func:`task_of` and :func:`document_of`
let a test script different answers per call.
"""

from __future__ import annotations

import re

from fault_server import Reply, Request

__all__ = ["task_of", "document_of", "grounded_answer"]

_SENTENCE = re.compile(r"[^。；\n]+[。；]")
_TARGET = re.compile(
    r"([^,，；;:：。、]{2,16}?)((?:增长|控制在|达到|下降)[^,，；;。]*?\d[^,，；;。]*)"
)


def task_of(request: Request) -> str:
    """review, targets or tasks: which prompt the call used."""
    system = request.messages[0]["content"] if request.messages else ""
    instructions = system.split("任务：", 1)[-1][:40]
    if "主要预期目标" in instructions:
        return "targets"
    if "上一年工作回顾" in instructions:
        return "review"
    return "tasks"


def document_of(request: Request) -> str:
    """The report text between the delimiters of the call's user message."""
    for message in request.messages:  # a re-ask adds messages after the report
        content = message.get("content") or ""
        match = re.search(r"<<<报告原文\n(.*)\n报告原文>>>", content, re.S)
        if message.get("role") == "user" and match:
            return match.group(1)
    return ""


def grounded_answer(request: Request) -> Reply:
    """A faithful answer made of verbatim pieces of the text the call sent."""
    text = document_of(request)
    sentences = [s for s in _SENTENCE.findall(text) if len(s) <= 90]
    with_numbers = [s.rstrip("。；") for s in sentences if re.search(r"\d", s)][:3]
    title = text.split("\n", 1)[0][:40].rstrip("。；,，")
    task = task_of(request)
    if task == "targets":
        targets = [
            {"indicator": m.group(1), "target": m.group(2), "quote": m.group(0)}
            for m in _TARGET.finditer(text)
        ]
        return Reply.json({"targets": targets})
    if task == "review":
        area = {"title": title, "highlights": with_numbers, "figures": []}
        return Reply.json({"headline_figures": [], "areas": [area], "problems": []})
    return Reply.json({"areas": [{"title": title, "items": with_numbers, "goals": []}]})
