"""Batch summarisation: many reports, concurrent, resumable, nothing lost.

inputs   -> which files, duplicates found by content hash
naming   -> safe output names (slug + short hash)
journal  -> which reports are finished, by content hash and settings
atomic   -> files written whole or not at all
budget   -> token / cost budget shared by the workers
status   -> what became of each input
runner   -> the run itself: plan, summarise concurrently, write the tables
outputs  -> per-report JSON and Markdown, index, targets CSV / Excel
manifest -> what the run did
"""

from summarizer.batch.runner import BatchResult, Summarize, run_batch
from summarizer.batch.settings import BatchSettings
from summarizer.batch.status import BatchProgress, FileOutcome

__all__ = ["BatchResult", "BatchSettings", "FileOutcome", "BatchProgress", "Summarize", "run_batch"]
