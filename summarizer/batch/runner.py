"""Run a batch: plan from the journal, summarise the rest concurrently, write the tables.

Each report is summarised by one library call (``summarize_document``) from a worker thread:
with the rules engine the call runs in a worker process (:mod:`summarizer.batch.workers`, as
many as the concurrency, so a batch uses every core; the Markdown and JSON are rendered there
too, and a report past the time limit fails alone); with a model, in the thread itself.  Its JSON and
Markdown are written atomically, then a journal line marks it finished.  A
killed run therefore leaves only whole files, and the next run skips exactly the reports
the journal vouches for (their JSON is checked against the hash the journal recorded).
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from summarizer.batch import outputs
from summarizer.batch.atomic import remove_stale_temps
from summarizer.batch.budget import Budget
from summarizer.batch.inputs import Found, discover
from summarizer.batch.journal import JOURNAL_NAME, Journal
from summarizer.batch.manifest import build_manifest, write_manifest
from summarizer.batch.naming import Namer
from summarizer.batch.settings import RULES_TIME_LIMIT, BatchSettings
from summarizer.batch.status import BatchProgress, FileOutcome, Status
from summarizer.batch.workers import WorkerPool, shared_pool
from summarizer.errors import InputError, SummarizerError
from summarizer.schema import ReportSummary, Usage

__all__ = ["Summarize", "BatchResult", "run_batch"]

Summarize = Callable[[Path], "ReportSummary | outputs.Rendered"]
EventHandler = Callable[[str, "FileOutcome | None", "BatchProgress"], None]


@dataclass
class BatchResult:
    out_dir: Path
    outcomes: list[FileOutcome]
    manifest: dict[str, Any]

    @property
    def failed(self) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status in ("failed", "problem")]

    @property
    def exit_code(self) -> int:
        """0 when every input is summarised; 1 when any failed or was not started."""
        if self.manifest.get("status") == "interrupted":
            return 130
        return 0 if all(o.status in ("ok", "resumed", "duplicate") for o in self.outcomes) else 1


def _library_summarize(settings: BatchSettings) -> Summarize:
    from summarizer.pipeline import summarize_document
    from summarizer.report.load import load_path

    engine = settings.create_engine()
    return lambda path: summarize_document(load_path(path), engine=engine)


_ENGINES: dict[str, Any] = {}  # in a worker process: its engine, made once


def render_file(path: str, engine: str) -> outputs.Rendered:
    """In a worker process: one report summarised and rendered."""
    from summarizer.engines import create_engine
    from summarizer.pipeline import summarize_document
    from summarizer.report.load import load_path

    if engine not in _ENGINES:
        _ENGINES[engine] = create_engine(engine)
    return outputs.render(summarize_document(load_path(Path(path)), engine=_ENGINES[engine]))


@contextmanager
def _locked(out_dir: Path) -> Iterator[None]:
    """Refuse a second batch writing to the same folder; the lock dies with the process."""
    handle = open(out_dir / ".lock", "a+b")  # noqa: SIM115 - held for the whole run
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputError(f"another batch is writing to {out_dir}") from None
        yield
    finally:
        handle.close()


def _prepare_out(out_dir: Path) -> None:
    try:
        (out_dir / outputs.REPORTS_DIR).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"{out_dir}: cannot create the output folder ({error.strerror})") from None
    if not os.access(out_dir, os.W_OK):
        raise InputError(f"{out_dir}: the output folder is not writable")


def run_batch(
    arguments: list[str],
    out_dir: Path,
    settings: BatchSettings,
    *,
    summarize: Summarize | None = None,
    on_event: EventHandler | None = None,
    stop: threading.Event | None = None,
) -> BatchResult:
    """Summarise every report the arguments name into ``out_dir``; see the module doc."""
    _prepare_out(out_dir)
    with _locked(out_dir):
        return _Run(arguments, out_dir, settings, summarize, on_event, stop).execute()


class _Run:
    def __init__(
        self,
        arguments: list[str],
        out_dir: Path,
        settings: BatchSettings,
        summarize: Summarize | None,
        on_event: EventHandler | None,
        stop: threading.Event | None,
    ) -> None:
        self.arguments = arguments
        self.out_dir = out_dir
        self.settings = settings
        self.pool: WorkerPool | None = None
        if summarize is None and settings.engine == "rules":
            self.pool = shared_pool(settings.concurrency)
            self.time_limit = settings.time_limit or RULES_TIME_LIMIT
            summarize = self._in_worker
        self.summarize = summarize or _library_summarize(settings)
        self.on_event = on_event or (lambda kind, outcome, progress: None)
        self.stop = stop or threading.Event()
        self.budget = Budget(settings.max_tokens, settings.max_cost)
        self.progress = BatchProgress()
        self.lock = threading.Lock()
        self.settings_key = settings.key()
        self.journal = Journal(out_dir / JOURNAL_NAME)

    def execute(self) -> BatchResult:
        started_at, clock = time.time(), time.monotonic()
        for folder in (self.out_dir, self.out_dir / outputs.REPORTS_DIR):
            remove_stale_temps(folder)
        found = discover(self.arguments, exclude=self.out_dir)
        skipped = [{"source": f.source, "reason": f.reason} for f in found if f.status == "skipped"]
        outcomes, pending = self._plan([f for f in found if f.status != "skipped"])
        self.progress.total = len(pending)
        self.progress.resumed = sum(o.status == "resumed" for o in outcomes)
        self.on_event("plan", None, self.progress)
        interrupted = self._summarise(pending)
        tables = self._write_tables(outcomes)
        stale, pruned = self._stale(outcomes, interrupted)
        manifest = build_manifest(
            settings=self.settings,
            settings_key=self.settings_key,
            outcomes=outcomes,
            budget=self.budget,
            started_at=started_at,
            seconds=time.monotonic() - clock,
            interrupted=interrupted,
            tables=tables,
            skipped=skipped,
            stale=stale,
            pruned=pruned,
        )
        write_manifest(self.out_dir, manifest)
        return BatchResult(self.out_dir, outcomes, manifest)

    def _plan(self, found: list[Found]) -> tuple[list[FileOutcome], list[FileOutcome]]:
        """Outcomes for every input; those still to summarise are also returned as pending."""
        namer = Namer()
        outcomes: list[FileOutcome] = []
        pending: list[FileOutcome] = []
        for item in found:
            if item.status != "unique":
                status: Status = "duplicate" if item.status == "duplicate" else "problem"
                outcomes.append(FileOutcome(item, status, reason=item.reason))
                continue
            assert item.sha256 is not None
            record = self.journal.get(Journal.key(item.sha256, self.settings_key))
            summary = None
            if record is not None and self.settings.resume:
                summary = outputs.read_report(
                    self.out_dir, record["stem"], record.get("json_sha256")
                )
            if summary is not None and record is not None:
                namer.claim(record["stem"], item.sha256)
                usage = Usage.model_validate(record.get("usage") or {})
                outcomes.append(
                    FileOutcome(item, "resumed", record["stem"], usage=usage, read=summary)
                )
            else:
                outcome = FileOutcome(item, "not_started")
                outcomes.append(outcome)
                pending.append(outcome)
        for outcome in pending:
            assert outcome.found.sha256 is not None
            outcome.stem = namer.name(outcome.source, outcome.found.sha256)
        return outcomes, pending

    def _summarise(self, pending: list[FileOutcome]) -> bool:
        """Run the pending reports; True if interrupted (Ctrl-C)."""
        if not pending:
            return False
        # With worker processes, twice as many threads as workers: while one thread writes a
        # report's files and its journal line, another has already handed the worker its next.
        threads = self.settings.concurrency * (2 if self.pool is not None else 1)
        with ThreadPoolExecutor(threads, "batch") as pool:
            # Largest first: a long report started last would keep the batch waiting alone.
            ordered = sorted(pending, key=lambda outcome: -outcome.found.size)
            futures = [pool.submit(self._one, outcome) for outcome in ordered]
            try:
                wait(futures)
            except KeyboardInterrupt:
                self.stop.set()
                self.on_event("stopping", None, self.progress)
                wait(futures)  # reports in flight finish and are kept
                return True
        for future in futures:
            future.result()  # re-raise a bug in the runner itself
        return self.stop.is_set()

    def _in_worker(self, path: Path) -> outputs.Rendered:
        assert self.pool is not None
        rendered: outputs.Rendered = self.pool.call(
            render_file, str(path), self.settings.engine, time_limit=self.time_limit
        )
        return rendered

    def _one(self, outcome: FileOutcome) -> None:
        if self.stop.is_set():
            outcome.reason = "the batch was interrupted"
            return
        if not self.budget.try_start():
            outcome.reason = "the token or cost budget was reached"
            self._event("budget", outcome)
            return
        if self.stop.is_set():  # interrupted while waiting for room in the budget
            self.budget.finish(None)
            outcome.reason = "the batch was interrupted"
            return
        clock = time.monotonic()
        rendered = None
        try:
            result = self.summarize(outcome.found.path)
            rendered = result if isinstance(result, outputs.Rendered) else outputs.render(result)
        except SummarizerError as error:
            outcome.status, outcome.reason = "failed", self._scrub(str(error))
        except Exception as error:  # one bad input must not stop the batch
            outcome.status = "failed"
            outcome.reason = self._scrub(f"internal error: {type(error).__name__}: {error}")
        finally:
            outcome.seconds = time.monotonic() - clock
            self.budget.finish(rendered.usage if rendered else None)
        if rendered is not None:
            self._keep(outcome, rendered)
        self._event("finished", outcome)

    def _scrub(self, message: str) -> str:
        """A failure reason fit for the manifest: no API key, even from an unexpected error."""
        if self.settings.engine != "llm":
            return message
        from summarizer.engines.llm.client import redact

        return redact(message, self.settings.secrets())

    def _keep(self, outcome: FileOutcome, rendered: outputs.Rendered) -> None:
        assert outcome.stem is not None and outcome.found.sha256 is not None
        try:
            json_sha = outputs.write_report(self.out_dir, outcome.stem, rendered)
            usage = rendered.usage
            self.journal.append(
                Journal.key(outcome.found.sha256, self.settings_key),
                sha256=outcome.found.sha256,
                settings=self.settings_key,
                stem=outcome.stem,
                source=outcome.source,
                json_sha256=json_sha,
                usage=usage.model_dump(mode="json"),
                seconds=round(outcome.seconds, 3),
            )
        except OSError as error:
            outcome.status = "failed"
            outcome.reason = f"cannot write the outputs: {error.strerror or error}"
            return
        outcome.status, outcome.usage = "ok", usage
        outcome.rendered = rendered

    def _event(self, kind: str, outcome: FileOutcome) -> None:
        with self.lock:
            if outcome.status == "ok":
                self.progress.done += 1
            elif outcome.status == "failed":
                self.progress.failed += 1
            self.progress.tokens = self.budget.tokens
            self.progress.cost = self.budget.cost
            self.on_event(kind, outcome, self.progress)

    def _stale(self, outcomes: list[FileOutcome], interrupted: bool) -> tuple[list[str], int]:
        """The outputs in reports/ that belong to no input of this run, and how many of them
        were removed (with ``prune``, and only after a run that was not interrupted)."""
        keep = {o.stem for o in outcomes if o.done and o.stem}
        stale = outputs.stale_reports(self.out_dir, keep)
        pruned = 0
        if self.settings.prune and not interrupted:
            for path in stale:
                path.unlink(missing_ok=True)
                pruned += 1
        names = [f"{outputs.REPORTS_DIR}/{path.name}" for path in stale]
        return names, pruned

    def _write_tables(self, outcomes: list[FileOutcome]) -> dict[str, str]:
        lines = []
        reports: list[tuple[str, ReportSummary | list[dict[str, Any]]]] = []
        for outcome in outcomes:
            found = outcome.found
            if outcome.done and outcome.stem and found.sha256:
                # a new report's rows and fields as rendered; a resumed one's from its summary
                rows: ReportSummary | list[dict[str, Any]]
                fields: ReportSummary | dict[str, Any]
                if outcome.rendered is not None:
                    rows, fields = outcome.rendered.rows, outcome.rendered.fields
                else:
                    assert outcome.read is not None
                    rows = fields = outcome.read
                reports.append((outcome.stem, rows))
                lines.append(outputs.report_line(found.source, found.sha256, outcome.stem, fields))
            elif outcome.status == "duplicate":
                lines.append(
                    outputs.index_line(
                        found.source,
                        "duplicate",
                        sha256=found.sha256,
                        duplicate_of=found.duplicate_of,
                    )
                )
            else:
                status = "failed" if outcome.status == "problem" else outcome.status
                lines.append(
                    outputs.index_line(
                        found.source, status, sha256=found.sha256, reason=outcome.reason
                    )
                )
        tables = {"index": outputs.write_index(self.out_dir, lines).name}
        for path in outputs.write_targets(self.out_dir, reports):
            tables[f"targets_{path.suffix.lstrip('.')}"] = path.name
        return tables
