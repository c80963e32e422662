"""Evaluation datasets: a folder of reports, each with its gold annotation.

The layout and the gold format are those of ``GOLD_FORMAT.md`` (version 1)::

    <dataset>/<case_id>.txt         the report
    <dataset>/<case_id>.gold.json   its gold annotation
    <dataset>/<case_id>.ref.txt     optional: a human-written digest of the report
    <dataset>/<case_id>.figures.json optional: every figure inside some areas

A gold file is checked before anything is scored: every indicator, value, target and area
title must occur in its report after :func:`~summarizer.report.normalize.canon`.  A file that breaks
the rule is refused with a :class:`GoldError` that lists every offending string.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from summarizer.errors import InputError
from summarizer.evaluate.figure_gold import FIGURES_SUFFIX, FigureGold, figure_gold_problems
from summarizer.report.load import load_path
from summarizer.report.normalize import canon
from summarizer.schema import Level, ReportKind

__all__ = [
    "GOLD_FORMAT",
    "GoldError",
    "GoldFigure",
    "GoldTarget",
    "Gold",
    "Case",
    "Dataset",
    "load_dataset",
    "load_gold",
    "gold_problems",
    "load_figure_gold",
]

GOLD_FORMAT = 1
GOLD_SUFFIX = ".gold.json"
REF_SUFFIX = ".ref.txt"


class GoldError(InputError):
    """A gold file that cannot be used: unreadable, malformed, or not verbatim."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GoldFigure(_Strict):
    indicator: str = Field(min_length=1)
    value: str = Field(min_length=1)


class GoldTarget(_Strict):
    indicator: str = Field(min_length=1)
    target: str = Field(min_length=1)


class Gold(_Strict):
    """One case's annotation; a field left out (``None``) is not annotated and not scored."""

    format: int
    region: str | None = None
    level: Level | None = None
    year: int | None = None
    kind: ReportKind = "full"
    headline_figures: list[GoldFigure] | None = None
    targets: list[GoldTarget] | None = None
    review_areas: list[str] | None = None
    task_areas: list[str] | None = None

    def strings(self) -> list[tuple[str, str]]:
        """Every string the verbatim rule applies to, with where it sits in the file."""
        found: list[tuple[str, str]] = []
        for i, fig in enumerate(self.headline_figures or []):
            found.append((f"headline_figures[{i}].indicator", fig.indicator))
            found.append((f"headline_figures[{i}].value", fig.value))
        for i, tgt in enumerate(self.targets or []):
            found.append((f"targets[{i}].indicator", tgt.indicator))
            found.append((f"targets[{i}].target", tgt.target))
        for i, title in enumerate(self.review_areas or []):
            found.append((f"review_areas[{i}]", title))
        for i, title in enumerate(self.task_areas or []):
            found.append((f"task_areas[{i}]", title))
        return found


@dataclass(frozen=True)
class Case:
    """One report with its gold annotation and, when there is one, a reference digest."""

    case_id: str
    text: str
    gold: Gold
    reference: str | None = None
    text_path: Path | None = None
    figures: FigureGold | None = None

    @property
    def text_sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Dataset:
    name: str
    path: Path
    cases: list[Case]

    def fingerprint(self) -> str:
        """A hash of every report, gold file and digest: equal datasets, equal fingerprint."""
        digest = hashlib.sha256()
        for case in self.cases:
            digest.update(case.case_id.encode("utf-8") + b"\0")
            digest.update(case.text.encode("utf-8") + b"\0")
            digest.update(case.gold.model_dump_json().encode("utf-8") + b"\0")
            digest.update((case.reference or "").encode("utf-8") + b"\0")
            if case.figures is not None:
                digest.update(case.figures.model_dump_json().encode("utf-8") + b"\0")
        return digest.hexdigest()[:16]


def gold_problems(gold: Gold, text: str) -> list[str]:
    """The gold strings that do not occur in the report after normalisation."""
    haystack = canon(text)
    problems = []
    for where, value in gold.strings():
        needle = canon(value)
        if not needle:
            problems.append(f"{where} is empty after normalisation")
        elif needle not in haystack:
            problems.append(f"{where} {value!r} is not in the report")
    return problems


_Loaded = TypeVar("_Loaded", bound=BaseModel)


def _load(path: Path, model: type[_Loaded], what: str) -> _Loaded:
    """Read and validate one JSON file of the gold format; a broken file is a GoldError."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise GoldError(f"{path}: cannot read the {what} ({error})") from error
    if not isinstance(data, dict):
        raise GoldError(f"{path}: a {what} holds one JSON object")
    if data.get("format") != GOLD_FORMAT:
        raise GoldError(
            f"{path}: unsupported gold format {data.get('format')!r}, expected {GOLD_FORMAT}"
        )
    try:
        return model.model_validate(data)
    except ValidationError as error:
        details = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'file'}: {e['msg']}" for e in error.errors()
        )
        raise GoldError(f"{path}: invalid {what}: {details}") from error


def load_gold(path: Path) -> Gold:
    """Read and validate one gold file (its structure only; see :func:`gold_problems`)."""
    return _load(path, Gold, "gold file")


def load_figure_gold(path: Path) -> FigureGold:
    """Read and validate one figures file (``<case>.figures.json``)."""
    return _load(path, FigureGold, "figures file")


def load_dataset(path: str | Path, cases: list[str] | None = None) -> Dataset:
    """Load every case of a dataset folder, refusing gold that is not verbatim.

    ``cases`` restricts the dataset to those case ids (each must exist).
    """
    folder = Path(path).expanduser()
    if not folder.is_dir():
        raise InputError(f"{folder}: no such dataset folder")
    gold_paths = sorted(folder.glob(f"*{GOLD_SUFFIX}"))
    if not gold_paths:
        raise InputError(f"{folder}: no *{GOLD_SUFFIX} files: not a dataset in the gold format")
    by_id = {p.name[: -len(GOLD_SUFFIX)]: p for p in gold_paths}
    if cases:
        unknown = [c for c in cases if c not in by_id]
        if unknown:
            raise InputError(f"{folder}: no such case: {', '.join(unknown)}")
        by_id = {c: by_id[c] for c in sorted(set(cases))}

    loaded: list[Case] = []
    refused: list[str] = []
    for case_id, gold_path in by_id.items():
        text_path = folder / f"{case_id}.txt"
        if not text_path.is_file():
            raise GoldError(f"{gold_path}: its report {text_path.name} is missing")
        gold = load_gold(gold_path)
        text = load_path(text_path).text
        problems = gold_problems(gold, text)
        figures_path = folder / f"{case_id}{FIGURES_SUFFIX}"
        figures = load_figure_gold(figures_path) if figures_path.is_file() else None
        if figures is not None:
            problems += [f"{figures_path.name}: {p}" for p in figure_gold_problems(figures, text)]
        if problems:
            refused.append(f"{gold_path}:\n  " + "\n  ".join(problems))
            continue
        ref_path = folder / f"{case_id}{REF_SUFFIX}"
        reference = load_path(ref_path).text if ref_path.is_file() else None
        loaded.append(Case(case_id, text, gold, reference, text_path, figures))
    if refused:
        raise GoldError(
            "gold strings must occur verbatim in their report (after normalising width and "
            "white space); refused:\n" + "\n".join(refused)
        )
    return Dataset(folder.resolve().name, folder, loaded)
