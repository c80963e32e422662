"""The verifier evaluation's results, and how they are shown."""

from __future__ import annotations

import json
from collections import Counter

from pydantic import BaseModel, ConfigDict, Field
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

__all__ = [
    "DETECTION_GOAL",
    "FALSE_ALARM_GOAL",
    "KindCount",
    "Miss",
    "FalseAlarm",
    "SourceCount",
    "VerifierReport",
    "print_verifier_report",
]

DETECTION_GOAL = 0.99
FALSE_ALARM_GOAL = 0.01


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class KindCount(_Model):
    kind: str
    planted: int = 0
    caught: int = 0
    not_applicable: int = Field(default=0, description="items this kind cannot change")
    in_sentence: int = Field(
        default=0, description="items whose every wrong version is stated in their own sentence"
    )

    @property
    def rate(self) -> float | None:
        return self.caught / self.planted if self.planted else None


class Miss(_Model):
    case_id: str
    source: str
    path: str
    kind: str
    original: str
    perturbed: str


class FalseAlarm(_Model):
    case_id: str
    source: str
    path: str
    raw: str
    reason: str


class SourceCount(_Model):
    source: str
    summaries: int = 0
    numbers: int = 0
    false_alarms: int = 0

    @property
    def rate(self) -> float | None:
        return self.false_alarms / self.numbers if self.numbers else None


class VerifierReport(_Model):
    kinds: list[KindCount]
    sources: list[SourceCount]
    misses: list[Miss] = Field(default_factory=list)
    false_alarms: list[FalseAlarm] = Field(default_factory=list)

    @property
    def planted(self) -> int:
        return sum(k.planted for k in self.kinds)

    @property
    def caught(self) -> int:
        return sum(k.caught for k in self.kinds)

    @property
    def detection_rate(self) -> float | None:
        return self.caught / self.planted if self.planted else None

    @property
    def numbers_checked(self) -> int:
        return sum(s.numbers for s in self.sources)

    @property
    def false_alarm_rate(self) -> float | None:
        numbers = self.numbers_checked
        return sum(s.false_alarms for s in self.sources) / numbers if numbers else None

    @property
    def meets_goals(self) -> bool:
        detection, alarms = self.detection_rate, self.false_alarm_rate
        return (detection is None or detection >= DETECTION_GOAL) and (
            alarms is None or alarms <= FALSE_ALARM_GOAL
        )

    def to_json(self) -> str:
        data = self.model_dump(mode="json")
        data["detection_rate"] = self.detection_rate
        data["false_alarm_rate"] = self.false_alarm_rate
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _rate(x: float | None) -> str:
    return "–" if x is None else f"{x:.1%}"


def print_verifier_report(console: Console, report: VerifierReport, show: int = 10) -> None:
    table = Table(title="verifier: planted wrong numbers", box=box.SIMPLE_HEAD)
    for name in ("kind", "planted", "caught", "detection", "not applicable", "in sentence"):
        table.add_column(name, justify="left" if name == "kind" else "right")
    for k in report.kinds:
        table.add_row(
            k.kind,
            str(k.planted),
            str(k.caught),
            _rate(k.rate),
            str(k.not_applicable),
            str(k.in_sentence),
        )
    table.add_section()
    table.add_row(
        "[bold]total[/]",
        str(report.planted),
        str(report.caught),
        _rate(report.detection_rate),
        "",
        "",
    )
    console.print(table)

    alarms = Table(title="verifier: false alarms on correct summaries", box=box.SIMPLE_HEAD)
    for name in ("source", "summaries", "numbers", "false alarms", "rate"):
        alarms.add_column(name, justify="left" if name == "source" else "right")
    for s in report.sources:
        alarms.add_row(
            s.source, str(s.summaries), str(s.numbers), str(s.false_alarms), _rate(s.rate)
        )
    alarms.add_section()
    total_alarms = sum(s.false_alarms for s in report.sources)
    alarms.add_row(
        "[bold]total[/]",
        "",
        str(report.numbers_checked),
        str(total_alarms),
        _rate(report.false_alarm_rate),
    )
    console.print(alarms)

    detection, false_rate = report.detection_rate, report.false_alarm_rate
    ok_detection = detection is not None and detection >= DETECTION_GOAL
    ok_alarms = false_rate is not None and false_rate <= FALSE_ALARM_GOAL
    console.print(
        f"detection rate {_rate(detection)} (goal ≥ {DETECTION_GOAL:.0%}) "
        + ("[green]met[/]" if ok_detection else "[red]missed[/]")
        + f" · false-alarm rate {_rate(false_rate)} (goal ≤ {FALSE_ALARM_GOAL:.0%}) "
        + ("[green]met[/]" if ok_alarms else "[red]missed[/]")
    )
    if report.misses and show:
        by_kind = Counter(m.kind for m in report.misses)
        console.print(f"not caught ({', '.join(f'{k} {n}' for k, n in by_kind.items())}):")
        for m in report.misses[:show]:
            console.print(
                f"  {escape(m.case_id)} {escape(f'[{m.source}]')} {escape(m.path)} {m.kind}: "
                f"{escape(m.original)} → {escape(m.perturbed)}"
            )
    if report.false_alarms and show:
        console.print("false alarms:")
        for a in report.false_alarms[:show]:
            console.print(
                f"  {escape(a.case_id)} {escape(f'[{a.source}]')} {escape(a.path)} {escape(a.raw)}: {escape(a.reason)}"
            )
