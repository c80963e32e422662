"""What a model writes for each call, how it is checked, and how it becomes the shared schema.

The model reviews the rules engine's draft, so it writes only what the draft cannot hold or
may have wrong: the targets (confirmed, corrected or completed), one sentence per area (named
by its number and title in the draft), clean names for quantified goals, the overview.  Where the draft has no areas in a slice, the model names them from the text.  The response models are small on purpose: the
schema goes into every prompt (and into the server's grammar), so every field costs tokens on
every call.  Each top-level answer checks itself in a validator that receives the source's
number index as context: a number the source does not state, or a quote it does not contain,
raises an error that says exactly what is wrong, and instructor re-asks the model with it.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from summarizer.engines.llm.attempts import note_attempt
from summarizer.report.evidence import evidence as span_evidence
from summarizer.report.normalize import NormalizedText, canon
from summarizer.report.numbers import extract_quantities, magnitude_scale
from summarizer.schema import Evidence, Figure, Quantity, Target, TargetKind

__all__ = [
    "FigureOut",
    "AreaNote",
    "TaskNote",
    "AreaOut",
    "ReviewAnswer",
    "ReviewPartAnswer",
    "ReviewNewAnswer",
    "TargetOut",
    "TargetsAnswer",
    "TasksAnswer",
    "TasksPlainAnswer",
    "TasksNewAnswer",
    "OverviewAnswer",
    "ANSWERS",
    "number_problems",
    "similarity",
    "Grounding",
    "to_figure",
    "to_target",
    "locate",
    "evidence_for",
]

MAX_LINE = 160  # characters in one highlight, measure or problem (the prompt asks for far fewer)
MAX_SUMMARY = 90  # characters in an area's one-sentence summary (the prompt asks for 60)
MAX_OVERVIEW = 400  # characters in the overview (3-5 sentences)
MAX_LABELS = 8  # figures named in one label-repair call
MAX_PROBLEMS = 12  # in one re-ask message; the rest follow once these are fixed
NUMBER_PROBLEM = "：数字“"  # how an objection to a number reads, after its path


def number_problems(problems: list[str]) -> int:
    """How many of a call's objections are about numbers (the rest are about quotes)."""
    return sum(NUMBER_PROBLEM in problem for problem in problems)


def _compact(schema: Any) -> Any:
    """The schema without ``title`` and ``description`` notes: fewer tokens in every prompt."""
    if isinstance(schema, dict):
        return {
            k: _compact(v)
            for k, v in schema.items()
            if not (k in ("title", "description") and isinstance(v, str))
        }
    if isinstance(schema, list):
        return [_compact(v) for v in schema]
    return schema


_SCHEMAS: dict[Any, dict[str, Any]] = {}


class _Part(BaseModel):
    # Tolerant when parsing (a hosted model may add a key), strict in the schema it is shown.
    model_config = ConfigDict(extra="ignore", json_schema_extra={"additionalProperties": False})

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        # Generating a schema costs tens of milliseconds and every call asks for it (the
        # grammar, instructor's prompt): build it once per model and arguments.
        key = (cls, args, tuple(sorted(kwargs.items())))
        if key not in _SCHEMAS:
            _SCHEMAS[key] = _compact(super().model_json_schema(*args, **kwargs))
        return copy.deepcopy(_SCHEMAS[key])


class FigureOut(_Part):
    indicator: str
    value: str


def _at_most(n: int, chars: int | None = None) -> Any:
    """A list limit shown in the schema (a grammar then enforces it); parsing stays lenient.
    ``chars`` caps each string item: a guard against a model copying whole paragraphs."""
    extra: dict[str, Any] = {"maxItems": n}
    if chars:
        extra["items"] = {"type": "string", "maxLength": chars}
    return Field(json_schema_extra=extra)


def _text(chars: int) -> Any:
    """A required string with a length limit shown in the schema (a grammar enforces it)."""
    return Field(json_schema_extra={"maxLength": chars})


class AreaNote(_Part):
    """One sentence on an area of the draft: its number ``n`` and its title as the draft
    has it (copying the title first anchors a small model on the area's own text)."""

    n: int
    title: str
    summary: str = _text(MAX_SUMMARY)


class TaskNote(AreaNote):
    """One sentence on a key-task area of the draft, and clean names for its goals."""

    goals: list[FigureOut] = _at_most(8)


class AreaOut(_Part):
    """An area the draft lacks: its title as the text has it, and one sentence on it."""

    title: str
    summary: str = _text(MAX_SUMMARY)


class TargetOut(_Part):
    indicator: str
    target: str
    quote: str = ""  # the source sentence: needed for a target the draft lacks or has wrong


class _Answer(_Part):
    """A whole answer: checks its numbers and quotes against the source when given one."""

    def texts(self) -> Iterator[tuple[str, str]]:
        """(path, text) of every field whose numbers must be in the source."""
        raise NotImplementedError

    def quotes(self) -> Iterator[tuple[str, str]]:
        """(path, quote) of every field that must be a verbatim quote."""
        return iter(())

    def label(self, path: str, text: str) -> str:
        """The text to look for in the source when a field is wrong (to show the model)."""
        return text

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo) -> _Answer:
        context = info.context
        grounding = context.get("grounding") if isinstance(context, dict) else None
        if not isinstance(grounding, Grounding):
            return self
        problems = grounding.problems(self)
        note_attempt(context, self, problems)
        if problems:
            shown = problems[:MAX_PROBLEMS]
            more = (
                f"\n（另有 {len(problems) - len(shown)} 处同类问题）"
                if len(problems) > len(shown)
                else ""
            )
            raise ValueError(
                "答案与原文不符，请改正后重新输出完整的 JSON：\n- " + "\n- ".join(shown) + more
            )
        return self


def _area_texts(areas: list[Any]) -> Iterator[tuple[str, str]]:
    for i, area in enumerate(areas):
        if getattr(area, "title", ""):
            yield f"areas[{i}].title", area.title
        yield f"areas[{i}].summary", area.summary
        for j, figure in enumerate(getattr(area, "goals", [])):
            yield f"areas[{i}].goals[{j}].value", figure.value


class _Areas(_Answer):
    """``areas`` and, where the class asks for them, ``headline_figures`` (declared by each
    class, headline figures first: the order the model writes them in)."""

    def texts(self) -> Iterator[tuple[str, str]]:
        for i, figure in enumerate(getattr(self, "headline_figures", [])):
            yield f"headline_figures[{i}].value", figure.value
        yield from _area_texts(getattr(self, "areas", []))


class ReviewAnswer(_Areas):
    """The review's areas by number, with headline figures: the draft has none."""

    headline_figures: list[FigureOut] = _at_most(10)
    areas: list[AreaNote] = _at_most(12)


class ReviewPartAnswer(_Areas):
    """The review's areas by number, one sentence each; the draft's headline figures stand."""

    areas: list[AreaNote] = _at_most(12)


class ReviewNewAnswer(_Areas):
    """A review slice where the draft has no areas: the model names them from the text."""

    headline_figures: list[FigureOut] = _at_most(10)
    areas: list[AreaOut] = _at_most(12)


class TargetsAnswer(_Answer):
    targets: list[TargetOut] = _at_most(20)

    def texts(self) -> Iterator[tuple[str, str]]:
        for i, target in enumerate(self.targets):
            yield f"targets[{i}].target", target.target

    def quotes(self) -> Iterator[tuple[str, str]]:
        for i, target in enumerate(self.targets):
            yield f"targets[{i}].quote", target.quote

    def label(self, path: str, text: str) -> str:
        i = int(path.split("[", 1)[1].split("]", 1)[0])
        return self.targets[i].indicator + text


class TasksAnswer(_Areas):
    """The key-task areas by number, with clean names for the goals the draft lists."""

    areas: list[TaskNote] = _at_most(12)


class TasksPlainAnswer(_Areas):
    """The key-task areas by number, one sentence each (the draft lists no goals)."""

    areas: list[AreaNote] = _at_most(12)


class TasksNewAnswer(_Areas):
    """A key-tasks slice where the draft has no areas: the model names them from the text."""

    areas: list[AreaOut] = _at_most(12)


class OverviewAnswer(_Answer):
    """The whole report in 3-5 sentences, written from the verified summary's digest."""

    overview: str = _text(MAX_OVERVIEW)

    def texts(self) -> Iterator[tuple[str, str]]:
        yield "overview", self.overview


class NamedFigure(_Part):
    id: int
    label: str = _text(40)


class LabelsAnswer(_Answer):
    """Names for figures the clause reader could not name: each is kept only if the reader
    then binds it in the figure's clause (:func:`summarizer.verify.bound.confirm_label`)."""

    labels: list[NamedFigure] = _at_most(MAX_LABELS)

    def texts(self) -> Iterator[tuple[str, str]]:
        return iter(())  # names hold no numbers; the clause reader checks each (see above)


ANSWERS: dict[str, type[_Answer]] = {
    "review": ReviewAnswer,
    "review_part": ReviewPartAnswer,
    "review_new": ReviewNewAnswer,
    "targets": TargetsAnswer,
    "tasks": TasksAnswer,
    "tasks_plain": TasksPlainAnswer,
    "tasks_new": TasksNewAnswer,
    "overview": OverviewAnswer,
    "labels": LabelsAnswer,
}


# -- grounding -------------------------------------------------------------------------
Window = tuple[int, int]  # a span of the normalised text


@dataclass
class Grounding:
    """The validation context of one call: the source's index and the slice the call read.

    Numbers are checked against that slice, as the verifier later checks them against the
    evidence: a number the model took from elsewhere, or made up, is sent back.
    """

    index: Any  # summarizer.verify.verifier.SourceIndex
    source: NormalizedText
    window: Window
    # The small profile's overview: written from this digest, every number of it must be a
    # number of the digest with its qualifier, or the model is asked again.
    digest: str | None = None

    def problems(self, answer: _Answer) -> list[str]:
        """What is wrong with the fields the merge would take from ``answer``.  Abstractive
        sentences (an area's ``summary``, the ``overview``) are not re-asked for: the merge
        checks them sentence by sentence and leaves out, and reports, one it cannot ground,
        which costs nothing, where a re-ask costs a whole answer."""
        from summarizer.verify.verifier import check_text

        evidence = [span_evidence(self.source, *self.window)]
        found: list[str] = []
        for path, text in answer.texts():
            if path == "overview" and self.digest is not None:
                found += _not_in_digest(text, self.digest)
            if path == "overview" or path.endswith(".summary"):
                continue
            for check in check_text(text, self.index, path=path, evidence=evidence):
                if not check.grounded:
                    near = "differs" in check.reason
                    closest = self.closest_clause(answer.label(path, text)) if near else None
                    hint = f"原文最接近的是“{closest}”。" if closest else ""
                    found.append(
                        f"{path}{NUMBER_PROBLEM}{check.raw}”与原文不符：{_why(check)}{hint}"
                        "只写原文写出的数字，连同单位和限定词逐字照抄，或删去这一项。"
                    )
        for path, quote in answer.quotes():
            if quote.strip() and locate(self.index, self.source, quote) is None:
                closest = self.closest_clause(quote)
                hint = f"原文中最接近的是“{closest}”。" if closest else ""
                found.append(f"{path}：引文“{quote}”不是原文中的原句，请从原文逐字摘录。{hint}")
        return found

    def closest_clause(self, quote: str) -> str | None:
        """The clause of the text the call read that is most like a misquote."""
        start, end = self.window
        clauses = [c for c in re.split(r"[,，；;。:：\n]", self.source.text[start:end]) if c]
        best = max(clauses, key=lambda clause: similarity(clause, quote), default=None)
        return best if best is not None and similarity(best, quote) >= 0.5 else None


def _strings(digest: str) -> list[str]:
    """The texts of a digest (JSON), read apart: quotes around a number would hide it."""
    import json

    def walk(value: Any) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, list):
            for item in value:
                yield from walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                yield from walk(item)

    try:
        return list(walk(json.loads(digest)))
    except ValueError:
        return [digest]


def _not_in_digest(text: str, digest: str) -> list[str]:
    """The numbers of an overview that the digest does not state (with its qualifier)."""
    from summarizer.report.numbers import same_quantity

    stated = extract_quantities("；".join(_strings(digest)))
    # A year put on figures the digest gives no year: no one could tell whether it is right
    # (last year's results beside this year's targets).
    problems = [
        f"overview{NUMBER_PROBLEM}{year}”是年份：概述不写年份，用“上年”“今年”区分成绩和目标。"
        for year in dict.fromkeys(re.findall(r"(?<!\d)(?:19|20)\d{2}(?=年)", text))
    ]
    for q in extract_quantities(text):
        if not any(same_quantity(q, d) for d in stated):
            near = [d.raw + (d.qualifier or "") for d in stated if same_quantity(q, d, qualifier=False)]
            hint = f"要点中写的是“{near[0]}”。" if near else "要点中没有这个数。"
            problems.append(
                f"overview{NUMBER_PROBLEM}{q.raw}{q.qualifier or ''}”不是要点中的数字：{hint}"
                "只照抄要点中的数字和限定词，或删去这一处。"
            )
    return problems


def similarity(a: str, b: str) -> float:
    """Character-overlap F1 of two strings after canonicalisation."""
    ca, cb = Counter(canon(a)), Counter(canon(b))
    common = sum((ca & cb).values())
    if not common:
        return 0.0
    precision, recall = common / sum(ca.values()), common / sum(cb.values())
    return 2 * precision * recall / (precision + recall)


_REASONS = (
    ("planted", "这个数只出现在原文中疑似写给模型的指令里，不是报告本身的内容，不要采用"),
    ("qualifier differs", "限定词与原文不同"),
    ("unit differs", "单位与原文不同"),
    ("magnitude differs", "数量级（万、亿）与原文不同"),
    ("not in the cited sentence", "原文别处有这个数，但所给这段文字里没有"),
    ("not in the sentence of its indicator", "原文别处有这个数，但不是这个指标的"),
    ("not in source", "原文中没有这个数"),
)


def _why(check: Any) -> str:
    """The verifier's reason in words a model reads."""
    return next((zh for en, zh in _REASONS if en in check.reason), "原文中找不到") + "。"


def locate(
    index: Any, source: NormalizedText, quote: str, within: Window | None = None
) -> Evidence | None:
    """Evidence for a verbatim quote: inside ``within`` first, else anywhere in the source."""
    needle = canon(quote)
    if not needle:
        return None
    if within is not None:
        pos = source.text.find(needle, within[0], within[1])
        if pos >= 0:
            return span_evidence(source, pos, pos + len(needle))
    finder = getattr(index, "locate_quote", None)
    span = finder(quote) if finder is not None else None
    if span is not None:
        o_start, o_end = span
        text = re.sub(r"[\r\n]+\s*", "", source.original[o_start:o_end]).strip()
        return Evidence(start=o_start, end=o_end, quote=text)
    pos = source.text.find(needle)
    return span_evidence(source, pos, pos + len(needle)) if pos >= 0 else None


_BOUNDARY = "。！？；!?;\n"


def _sentence(text: str, start: int, end: int, within: Window) -> Window:
    a = start
    while a > within[0] and text[a - 1] not in _BOUNDARY:
        a -= 1
    b = end
    while b < within[1] and text[b] not in _BOUNDARY:
        b += 1
    if b < within[1] and text[b] != "\n":
        b += 1
    return a, b


def evidence_for(index: Any, source: NormalizedText, text: str, within: Window) -> list[Evidence]:
    """Evidence for a line a model wrote: the line itself when it is a verbatim quote, else
    the sentences inside ``within`` that state its numbers."""
    found = locate(index, source, text, within)
    if found is not None:
        return [found]
    out: list[Evidence] = []
    window = source.span_to_original(*within)
    for quantity in extract_quantities(text):
        match = index.find(quantity, window=window)
        if match is None or match.start is None or match.end is None:
            continue
        evidence = span_evidence(source, *_sentence(source.text, match.start, match.end, within))
        if evidence not in out:
            out.append(evidence)
    return out


# -- conversion into the shared schema -------------------------------------------------
def _quantity(text: str) -> Quantity | None:
    quantities = extract_quantities(text)
    return quantities[0] if quantities else None


def to_figure(figure: FigureOut, index: Any, source: NormalizedText, within: Window) -> Figure:
    return Figure(
        indicator=figure.indicator.strip(),
        value=figure.value.strip(),
        quantity=_quantity(figure.value),
        evidence=evidence_for(index, source, figure.value, within),
    )


_GROWTH_WORDS = ("增长", "增加", "提高", "提升", "下降", "降低", "减少", "增速")
_QUALIFIER_WORDS = ("左右", "以上", "以内", "以下", "不低于", "不高于", "不超过", "力争", "同步")


def _kind(phrase: str, indicator: str, quantities: list[Quantity]) -> TargetKind:
    if not quantities:
        return "qualitative"
    if len(quantities) >= 2:
        return "range"
    if any(word in phrase or indicator.endswith(word) for word in _GROWTH_WORDS):
        return "growth"
    if quantities[0].kind in ("percent", "points"):
        return "ratio"
    return "level"


def to_target(target: TargetOut, index: Any, source: NormalizedText, within: Window) -> Target:
    phrase = target.target.strip()
    quantities = extract_quantities(phrase)
    first = quantities[0] if quantities else None
    unit = ""
    if first is not None:
        unit = first.unit if first.kind != "quantity" else f"{first.magnitude}{first.unit}"
    qualifier = next((q.qualifier for q in quantities if q.qualifier), None)
    if qualifier is None:
        qualifier = next((w for w in _QUALIFIER_WORDS if w in phrase and w != "同步"), None)
    evidence: list[Evidence] = []
    for candidate in (target.quote, f"{target.indicator}{phrase}"):
        found = locate(index, source, candidate, within)
        if found is not None:
            evidence = [found]
            break
    else:
        evidence = evidence_for(index, source, phrase, within)
    return Target(
        indicator=target.indicator.strip(),
        target=phrase,
        values=[round(q.value / magnitude_scale(q.magnitude), 10) for q in quantities],
        unit=unit,
        qualifier=qualifier,
        kind=_kind(phrase, target.indicator, quantities),
        evidence=evidence,
    )
