"""The LLM engine: the rules engine drafts, the model reviews, the verifier decides.

    LLMEngine(config, parts=..., client=...).summarize(report) -> ReportSummary
    LLMEngine(...).progress(report) -> Iterator[EngineProgress]   # partial results as calls finish

The rules engine runs first (milliseconds).  The segmenter decides what each call reads: the
targets call gets the targets paragraph, the review call the review (opening, numbered areas,
problems), the tasks call the key tasks; a section longer than ``chunk_tokens`` is cut at
area, then paragraph boundaries.  Where the rules engine found no targets but the
completeness check sees signs of them, a call reads the passage it points to.  Each call gets
its slice and the rules engine's draft of that slice as JSON
(:mod:`summarizer.engines.llm.draft`); the model confirms, corrects or completes it and
writes what rules cannot (a sentence per area); a last call writes the overview from the
merged summary's digest.  Calls run concurrently (``concurrency``) on daemon threads, so a
run that fails (a dead server, a refused key) returns at once and never keeps the process
waiting for calls nobody will read.

Every answer is a pydantic model (:mod:`summarizer.engines.llm.answers`) whose validator
checks its numbers and quotes against the source and has the model re-asked with what is
wrong.  The merge (:mod:`summarizer.engines.llm.merge`) keeps a model's change only where the
verifier grounds it, so the result is never worse than the draft.  The report is untrusted
data: it travels between delimiters, sentences in it that address a model are replaced before
it is sent, and output that repeats them is flagged.  Answers are cached by model, prompt
version, schema version and text (draft included), so a repeated run costs no tokens.

Settings are an :class:`~summarizer.engines.llm.config.LLMConfig` (model, api_base, keys,
timeouts, mode, re-asks, token limits, concurrency, cache); ``parts`` chooses the calls (any
of "targets", "review", "tasks"; default all); ``client`` replaces the model client (tests
hand in a scripted one).  With no model configured anywhere the built-in local model runs.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from summarizer.engines.base import EngineProgress
from summarizer.engines.llm.answers import ANSWERS, Grounding
from summarizer.engines.llm.call_pool import CallPool
from summarizer.engines.llm.chunking import Chunk, halve, model_text
from summarizer.engines.llm.client import (
    AnswerError,
    CallResult,
    LLMClient,
    ModelClient,
    OutputTruncated,
)
from summarizer.engines.llm.config import LLMConfig, load_config
from summarizer.engines.llm.draft import digest_json
from summarizer.engines.llm.label_repair import apply_labels, label_drafts, unnamed_figures
from summarizer.engines.llm.merge import merge
from summarizer.engines.llm.outcome import CallOutcome
from summarizer.engines.llm.planning import Call, addressed, plan_calls, review_plan, with_draft
from summarizer.engines.llm.prompts import load_prompts
from summarizer.errors import EngineError, InputError
from summarizer.schema import SCHEMA_VERSION, ReportMeta, ReportSummary, Warning

if TYPE_CHECKING:
    from summarizer.report.prepared import PreparedReport

__all__ = ["Call", "LLMEngine", "plan_calls", "review_plan", "ENGINE_NAME", "PARTS"]

ENGINE_NAME = "llm"
# In the order the calls are sent; the overview is written last, from the merged summary.
PARTS = ("targets", "review", "tasks", "overview")
_PROMPT_OVERHEAD = 1200  # system prompt, instructions and schema, in tokens
_MAX_SPLITS = 2  # an answer cut at the token limit: halve its input at most this often


# -- running ---------------------------------------------------------------------------
@dataclass
class _Job:
    client: ModelClient
    report: PreparedReport
    planted: list[tuple[int, int]]
    cache_version: str
    draft: ReportSummary
    results: list[CallOutcome] = field(default_factory=list)
    small: bool = False  # the small profile: the overview's numbers are checked against its digest


def _half(job: _Job, call: Call, chunk: Chunk, n: int) -> Call:
    """One half of a call whose answer was cut off: the same task on less text."""
    headline = call.answer in ("review", "review_new") and n == 0 and not job.draft.headline_figures
    return with_draft(call, chunk, job.draft, job.report, headline=headline)


def _run(job: _Job, call: Call, depth: int = 0) -> list[CallOutcome]:
    prompts = load_prompts()
    text = job.report.sections.text
    if call.task in ("overview", "labels"):  # read the digest or the clauses sent, not a slice
        sent, window = "", (0, len(text))
    else:
        sent, window = (
            model_text(text, call.chunk, job.planted),
            (call.chunk.start, call.chunk.end),
        )
    messages = prompts.messages(call.task, sent, call.note, call.draft)
    try:
        result: CallResult = job.client.structured(
            messages=messages,
            response_model=ANSWERS[call.response],
            context={
                "grounding": Grounding(
                    job.report.index,
                    job.report.source,
                    window,
                    digest=call.draft if call.task == "overview" and job.small else None,
                )
            },
            cache_parts=(job.cache_version, call.task, messages[-1]["content"]),
        )
    except OutputTruncated as error:
        halves = halve(text, call.chunk) if call.task != "overview" else [call.chunk]
        if depth >= _MAX_SPLITS or len(halves) < 2:
            return [CallOutcome(call.task, call.chunk, None, error=str(error))]
        return [
            o
            for n, half in enumerate(halves)
            for o in _run(job, _half(job, call, half, n), depth + 1)
        ]
    except AnswerError as error:
        return [CallOutcome(call.task, call.chunk, None, error=str(error))]
    return [CallOutcome(call.task, call.chunk, result)]


def _budget(config: LLMConfig) -> int:
    """Most report tokens one call may read: the chunk size, within the context window."""
    room = (config.context_tokens or 0) - (config.max_tokens or 0) - _PROMPT_OVERHEAD
    return max(400, min(config.chunk_tokens or room, room))


class LLMEngine:
    """The LLM engine behind the :class:`~summarizer.engines.Engine` interface."""

    name = ENGINE_NAME

    def __init__(
        self,
        config: LLMConfig | None = None,
        *,
        parts: Sequence[str] | None = None,
        cross_check: bool = True,
        client: ModelClient | None = None,
    ) -> None:
        self.parts = tuple(parts or PARTS)
        self.chosen_parts = parts is not None  # calls named by the caller: made whatever the profile
        unknown = set(self.parts) - set(PARTS)
        if unknown:
            raise InputError(
                f"unknown part(s) {', '.join(sorted(unknown))}: choose from {', '.join(PARTS)}"
            )
        if client is not None:
            self.client: ModelClient = client
        else:
            self.client = LLMClient(config or load_config())
        self.config = self.client.config
        self.cross_check = cross_check

    def summarize(self, report: PreparedReport) -> ReportSummary:
        """Summarise a prepared report with a language model; see the module docstring."""
        final: EngineProgress | None = None
        for step in self._run(report, partial=False):
            final = step
        if final is None:
            raise EngineError("the LLM engine produced no result")
        return final.summary

    def progress(self, report: PreparedReport) -> Iterator[EngineProgress]:
        """The summary merged from the calls finished so far, after each call."""
        return self._run(report, partial=True)

    def _run(self, report: PreparedReport, *, partial: bool) -> Iterator[EngineProgress]:
        """Run the calls for ``report``; yield the merged summary as they finish.

        With ``partial=False`` only the final summary is merged and yielded: merging is CPU
        work that a caller who does not show partial results need not pay for after every call.
        """
        from summarizer.verify.completeness import check_completeness

        started = time.monotonic()
        config, client, parts = self.config, self.client, self.parts
        prompts = load_prompts()
        draft, failure = _rules_draft(report)
        completeness = check_completeness(draft, report)
        calls = [
            c for c in review_plan(report, draft, completeness, _budget(config)) if c.task in parts
        ]
        job = _Job(
            client,
            report,
            report.index.instructions,  # the report layer's one instruction detector
            f"prompts={prompts.version}:{prompts.digest};schema={SCHEMA_VERSION}",
            draft,
        )
        overview = "overview" in parts
        small = config.profile == "small" and not self.chosen_parts
        asked: list[tuple[int, int]] = []
        job.small = small
        if small:  # short checked jobs: label repair, then the overview from the digest
            asked = [f.binding.value_span for f in unnamed_figures(draft) if f.binding]
            calls = [
                Call("labels", Chunk(0, 0, ""), draft=d)
                for d in label_drafts(report, draft, job.planted)
            ]
            parts = ("overview",) if overview else ()

        def merged() -> ReportSummary:
            summary = merge(
                report,
                job.results,
                parts=parts,
                draft=draft,
                completeness=completeness,
                cross_check=self.cross_check,
                planted=job.planted,
                model=client.model_id if config.is_local else config.model,
                prompt_version=prompts.version,
                seconds=time.monotonic() - started,
            )
            if failure is not None:
                summary.warnings.insert(0, failure)
            summary.engine.profile = "small" if small else "full"
            if small:
                summary = summary.model_copy(deep=True)  # the draft's figures stay as read
                summary.engine.labels_asked = len(asked)
                summary.engine.labels_confirmed = apply_labels(summary, job.results, report, asked)
            return summary

        def overview_call() -> list[Call]:
            """The overview, written from the digest of everything merged so far."""
            digest = digest_json(merged(), addressed)
            return [Call("overview", Chunk(0, 0, ""), draft=digest)] if digest != "{}" else []

        pool: CallPool[Call] = CallPool(lambda call: _run(job, call), config.concurrency or 1)
        try:
            pool.submit(calls or (overview_call() if overview else []))
            total = pool.pending + int(overview and bool(calls))
            done = 0
            while pool.pending:
                call, outcomes = pool.next()  # an EngineError ends the run here
                job.results.extend(outcomes)
                done += 1
                if not pool.pending and overview and call.task != "overview":
                    pool.submit(overview_call())
                    total = done + pool.pending
                if partial or not pool.pending:
                    yield EngineProgress(done, total, call.task, merged())
            if not done:
                yield EngineProgress(0, 0, None, merged())
        finally:
            pool.stop()  # on an error or an abandoned stream: start nothing more


def _rules_draft(report: PreparedReport) -> tuple[ReportSummary, Warning | None]:
    """The rules engine's summary: the draft every call reviews.  Should the rules engine
    fail, the model reads the report alone and a warning says so."""
    try:
        from summarizer.engines.rules import summarize as rules_summarize

        return rules_summarize(report), None
    except Exception as error:  # the LLM engine still works from the text alone
        empty = ReportSummary(meta=ReportMeta(chars=len(report.original), source_name=report.name))
        return empty, Warning(
            code="rules_draft_failed",
            message=f"规则引擎没有给出初稿（{type(error).__name__}），模型只读原文。",
        )
