"""A worker process's entry point: ``python -m summarizer.batch.worker_main PARENT_PID``.

Kept apart from :mod:`summarizer.batch.workers` (which the package imports) so that running
it as ``__main__`` imports nothing twice.
"""

from __future__ import annotations

import sys

from summarizer.batch.workers import serve

if __name__ == "__main__":
    serve(int(sys.argv[1]))
