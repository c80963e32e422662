"""The evaluation harness: score any engine on any dataset folder in the gold format.

dataset.py      load a folder, check its gold against the reports
matching.py     one-to-one matching of predicted and gold items
scoring.py      score one summary; totals of a run
runner.py       run an engine over a dataset (one pipeline call per case)
store.py        the output folder of a run, and the case cache
table.py        the terminal table;  html_report.py  the chart and drill-down
compare.py      what got better or worse between two runs
perturb.py      wrong numbers of the kinds models write
verifier_eval.py  how many planted wrong numbers the verifier catches
"""

from summarizer.evaluate.dataset import Case, Dataset, Gold, GoldError, gold_problems, load_dataset
from summarizer.evaluate.diff import Comparison, compare_runs, print_comparison
from summarizer.evaluate.records import CaseResult, RunResult, Timings
from summarizer.evaluate.run import run_dataset
from summarizer.evaluate.scoring import score_case
from summarizer.evaluate.spec import EvalRun, EvalSettings
from summarizer.evaluate.store import load_run, save_run
from summarizer.evaluate.table import print_run

__all__ = [
    "Case",
    "CaseResult",
    "Comparison",
    "Dataset",
    "EvalRun",
    "EvalSettings",
    "Gold",
    "GoldError",
    "RunResult",
    "Timings",
    "compare_runs",
    "gold_problems",
    "load_dataset",
    "load_run",
    "print_comparison",
    "print_run",
    "run_dataset",
    "save_run",
    "score_case",
]
