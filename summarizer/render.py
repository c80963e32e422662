"""Render a :class:`ReportSummary` for people: Markdown, and target tables for batch use.

The Markdown follows the order of a report (回顾, 问题, 目标, 任务) and shows the verifier's
verdict beside each item: ✓ when every number in it was found in the source and each figure's
number is bound to its indicator there, ◐ when a number is in the source but not as
measuring that indicator (数字见于原文，但与该指标的对应未核实, with the clause), ⚠ with the
numbers when some were not found at all.  Unverified numbers are also listed together at the
end and announced under the title; they are never left out.  An area with many figures shows
the first few and folds the rest under a 更多 line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from summarizer.engines import made_by
from summarizer.schema import Figure, NumberCheck, ReportSummary, Verification
from summarizer.spreadsheet import csv_text
from summarizer.verify.verifier import PLANTED_ZH, UNBOUND_ZH

__all__ = ["TARGET_COLUMNS", "to_markdown", "targets_rows", "targets_csv"]

TARGET_COLUMNS = (
    "region",
    "year",
    "indicator",
    "target",
    "values",
    "unit",
    "qualifier",
    "kind",
    "grounded",
    "source",
)

_LEVELS = {
    "national": "全国",
    "province": "省级",
    "city": "市级",
    "district": "区级",
    "county": "县级",
}
_KINDS = {
    "full": "全文",
    "digest": "官方摘要（速览/要点）",
    "partial": "不完整（文本中断）",
}
_OK = "✓"
_BAD = "⚠"
_UNBOUND = "◐"
# Figures shown per area, and task items per area, before the rest is folded under 更多.
FIGURES_SHOWN = 8
ITEMS_SHOWN = 10


# --------------------------------------------------------------------------- helpers


def _cn_number(n: int) -> str:
    """1 -> 一, 12 -> 十二, 25 -> 二十五: the numbering of a report's parts."""
    digits = "零一二三四五六七八九"
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else "十" if tens == 1 else digits[tens] + "十"
    return head + (digits[ones] if ones else "")


_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
_LINE_START = re.compile(r"^(?:([#>]|[-+](?=\s))|(\d+)([.)])(?=\s|$))")


def _md(text: str) -> str:
    """Document text made safe inside a Markdown line or table cell."""
    text = re.sub(r"\s*[\r\n]+\s*", " ", text).strip()
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    # What would open a heading, quote or list at the start of a line: '\#', '\-', '1\.'.
    return _LINE_START.sub(
        lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\" + m.group(3), text
    )


def _plain_number(value: float) -> str:
    """A number without exponent or a trailing .0: 5.0 -> '5', 2.186e12 -> '2186000000000'."""
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    if value == int(value):
        return str(int(value))
    return format(Decimal(repr(value)).normalize(), "f")


def _readable_number(value: float) -> str:
    """A number as a Chinese reader writes it: 2.186e12 -> '2.186万亿', 25000 -> '2.5万'."""
    for scale, word in ((1e12, "万亿"), (1e8, "亿"), (1e4, "万")):
        if abs(value) >= scale:
            return _plain_number(round(value / scale, 6)) + word
    return _plain_number(value)


class _Checks:
    """The verifier's verdicts, found by the place in the summary they refer to."""

    def __init__(self, verification: Verification | None) -> None:
        self.verification = verification
        self.numbers = verification.numbers if verification else []

    def under(self, path: str) -> list[NumberCheck]:
        return [
            check
            for check in self.numbers
            if check.path == path or check.path.startswith((path + ".", path + "["))
        ]

    def grounded(self, path: str) -> bool | None:
        """True if every number under ``path`` was found, False if one was not, else None."""
        checks = self.under(path)
        if self.verification is None or not checks:
            return None
        return all(check.grounded for check in checks)

    def mark(self, path: str) -> str:
        """'✓', '⚠ 未在原文中找到：…' or '' (nothing checked here)."""
        checks = self.under(path)
        if self.verification is None or not checks:
            return ""
        missing = [check.raw for check in checks if not check.grounded]
        if missing:
            return f"{_BAD} 未在原文中找到：{'、'.join(_md(raw) for raw in missing)}"
        if any(check.bound is False for check in checks):
            return f"{_UNBOUND} {UNBOUND_ZH}"
        return _OK

    def clause(self, path: str) -> str:
        """The source clause of an unbound number under ``path`` ('' when none)."""
        return next(
            (c.clause.quote for c in self.under(path) if c.bound is False and c.clause), ""
        )

    def cell(self, path: str) -> str:
        """The 核验 cell of a table row."""
        if self.verification is None:
            return "未核验"
        return self.mark(path) or "—"


def _suffix(mark: str) -> str:
    return f" {mark}" if mark else ""


# --------------------------------------------------------------------------- Markdown


def to_markdown(summary: ReportSummary) -> str:
    """The summary as Chinese Markdown, each item marked with its verification verdict."""
    checks = _Checks(summary.verification)
    parts = [
        _header(summary, checks),
        _review(summary, checks),
        _targets(summary, checks),
        _tasks(summary, checks),
        _notes(summary),
        _verification(summary, checks),
    ]
    return "\n\n".join(part for part in parts if part) + "\n"


def _header(summary: ReportSummary, checks: _Checks) -> str:
    meta = summary.meta
    region = meta.region or "（地区未识别）"
    year = f"{meta.year}年" if meta.year else "（年份未识别）"
    lines = [f"# {_md(region)}{year}政府工作报告（{_KINDS[meta.kind]}）", ""]
    level = f"（{_LEVELS[meta.level]}）" if meta.level else ""
    lines.append(f"- **地区**：{_md(region)}{level}")
    if meta.year:
        review = f"（回顾{meta.review_year}年）" if meta.review_year else ""
        lines.append(f"- **年份**：{meta.year}年{review}")
    for label, value in (("标题", meta.title), ("报告人", meta.speaker), ("日期", meta.date)):
        if value:
            lines.append(f"- **{label}**：{_md(value)}")
    source = [_KINDS[meta.kind]]
    if meta.chars:
        source.append(f"{meta.chars:,}字")
    if meta.source_name:
        source.append(f"文件 {_md(meta.source_name)}")
    lines.append(f"- **文本**：{' · '.join(source)}")
    engine = summary.engine
    made = made_by(engine.name, engine.model, engine.prompt_version, engine.profile)
    lines.append(f"- **生成方式**：{_md(made)}")
    missing = summary.verification.ungrounded if summary.verification else []
    if missing:
        lines += [
            "",
            f"> {_BAD} **有 {len(missing)} 个数字未能在原文中找到**，"
            "下文已逐项标出，清单见「核验」。",
        ]
    unbound = summary.verification.unbound if summary.verification else []
    if unbound:
        lines += [
            "",
            f"> {_UNBOUND} 有 {len(unbound)} 个数字见于原文，但与所列指标的对应未核实，"
            "下文以原文句子代替指标名，并逐项标出。",
        ]
    return "\n".join(lines)


def _figure_line(figure: Figure, checks: _Checks, path: str, label: str = "") -> str:
    mark = checks.mark(path)
    name = f"**{_md(figure.indicator)}**"
    binding = figure.binding
    if binding is not None and not binding.label:
        name = f"原文「{_md(figure.indicator)}」"  # no name could be read: the clause stands in
    elif mark.startswith(_UNBOUND) and (clause := checks.clause(path)):
        mark += f"（原文：「{_md(clause)}」）"
    return f"- {label}{name}：{_md(figure.value)}{_suffix(mark)}"


def _folded(lines: list[str], shown: int, indent: str = "") -> list[str]:
    """The first ``shown`` lines, and the rest folded under a 更多 line (none left out)."""
    if len(lines) <= shown:
        return lines
    rest = lines[shown:]
    return [
        *lines[:shown],
        f"{indent}<details><summary>更多（另有 {len(rest)} 项）</summary>",
        "",
        *rest,
        "",
        f"{indent}</details>",
    ]


def _review(summary: ReportSummary, checks: _Checks) -> str:
    year = f"（{summary.meta.review_year}年）" if summary.meta.review_year else ""
    lines = [f"## 一、上年工作回顾{year}"]
    if summary.headline_figures:
        lines += ["", "### 主要指标", "", "| 指标 | 数值 | 核验 |", "| --- | --- | --- |"]
        for i, figure in enumerate(summary.headline_figures):
            cell = checks.cell(f"headline_figures[{i}]")
            lines.append(f"| {_md(figure.indicator)} | {_md(figure.value)} | {cell} |")
    for i, area in enumerate(summary.review_areas):
        path = f"review_areas[{i}]"
        lines += [
            "",
            f"### （{_cn_number(i + 1)}）{_md(area.title)}{_suffix(checks.mark(path + '.title'))}",
        ]
        if area.highlights or area.figures:
            lines.append("")
        for j, highlight in enumerate(area.highlights):
            lines.append(f"- {_md(highlight)}{_suffix(checks.mark(f'{path}.highlights[{j}]'))}")
        figures = [
            _figure_line(figure, checks, f"{path}.figures[{j}]")
            for j, figure in enumerate(area.figures)
        ]
        lines += _folded(figures, FIGURES_SHOWN)
    if not summary.headline_figures and not summary.review_areas:
        lines += ["", "文本中没有上年工作回顾。"]
    if summary.problems:
        lines += ["", "### 存在的问题", ""]
        for i, problem in enumerate(summary.problems):
            lines.append(f"- {_md(problem.text)}{_suffix(checks.mark(f'problems[{i}]'))}")
    return "\n".join(lines)


def _targets(summary: ReportSummary, checks: _Checks) -> str:
    year = f"{summary.meta.year}年" if summary.meta.year else ""
    lines = [f"## 二、{year}主要预期目标", ""]
    if not summary.targets:
        lines.append("文本中没有主要预期目标。")
        return "\n".join(lines)
    lines += [
        "| 指标 | 目标 | 数值 | 单位 | 限定 | 核验 |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for i, target in enumerate(summary.targets):
        values = "～".join(_readable_number(v) for v in target.values) or "—"
        row = (
            _md(target.indicator),
            _md(target.target),
            values,
            _md(target.unit) or "—",
            _md(target.qualifier or "") or "—",
            checks.cell(f"targets[{i}]"),
        )
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def _tasks(summary: ReportSummary, checks: _Checks) -> str:
    lines = ["## 三、重点任务"]
    if not summary.task_areas:
        lines += ["", "文本中没有重点任务。"]
    for i, area in enumerate(summary.task_areas):
        path = f"task_areas[{i}]"
        lines += [
            "",
            f"### （{_cn_number(i + 1)}）{_md(area.title)}{_suffix(checks.mark(path + '.title'))}",
        ]
        if area.items:
            lines.append("")
        items: list[str] = []
        for j, item in enumerate(area.items):
            item_path = f"{path}.items[{j}]"
            block = [f"- {_md(item.text)}{_suffix(checks.mark(item_path + '.text'))}"]
            goals = [
                "  " + _figure_line(goal, checks, f"{item_path}.goals[{k}]", label="量化目标 · ")
                for k, goal in enumerate(item.goals)
            ]
            block += _folded(goals, FIGURES_SHOWN, indent="  ")
            items.append("\n".join(block))
        lines += _folded(items, ITEMS_SHOWN)
    return "\n".join(lines)


def _notes(summary: ReportSummary) -> str:
    notes = [warning.message for warning in summary.warnings]
    codes = " ".join(warning.code for warning in summary.warnings)
    if not summary.targets and "target" not in codes:
        notes.append("文本中没有主要预期目标，摘要未列出任何目标。")
    if not summary.task_areas and "task" not in codes:
        notes.append("文本中没有重点任务，摘要未列出任何任务。")
    if not notes:
        return ""
    return "\n".join(["## 提示", "", *(f"- {_BAD} {_md(note)}" for note in notes)])


def _verification(summary: ReportSummary, checks: _Checks) -> str:
    verification = summary.verification
    if verification is None:
        return "## 核验\n\n未核验：本摘要没有与原文逐一核对。"
    line = f"原文中找到 {verification.numbers_grounded} / {verification.numbers_total} 个数字"
    if verification.figures_total:
        line += (
            f"；指标与数字的对应核实 {verification.figures_bound} / {verification.figures_total} 项"
        )
    if verification.quotes_total:
        line += f"；引文 {verification.quotes_found} / {verification.quotes_total} 处与原文一致"
    line += "。" if verification.ok else f"。{_BAD} 有未核实的内容，请对照原文。"
    lines = ["## 核验", "", line]
    missing = verification.ungrounded
    if missing:
        lines += ["", f"**未在原文中找到的数字（{len(missing)} 个）：**", ""]
        for check in missing:
            where = _place(summary, check.path)
            lines.append(
                f"- {_BAD} **{_md(check.raw)}** — {where}（`{check.path.replace('`', '')}`）："
                f"{_md(PLANTED_ZH if check.planted else check.reason)}"
            )
    unbound = verification.unbound
    if unbound:
        lines += ["", f"**{UNBOUND_ZH}（{len(unbound)} 个）：**", ""]
        for check in unbound:
            where = _place(summary, check.path)
            clause = f"：「{_md(check.clause.quote)}」" if check.clause else ""
            lines.append(
                f"- {_UNBOUND} **{_md(check.raw)}** — {where}（`{check.path.replace('`', '')}`）{clause}"
            )
    lost = [quote for quote in verification.quotes if not quote.found]
    if lost:
        lines += ["", f"**未在原文中找到的引文（{len(lost)} 处）：**", ""]
        for quote in lost:
            where = _place(summary, quote.path)
            lines.append(f"- {_BAD} {where}（`{quote.path.replace('`', '')}`）")
    return "\n".join(lines)


_PATH = re.compile(r"^(\w+)\[(\d+)\](?:\.(\w+)\[(\d+)\])?")


def _place(summary: ReportSummary, path: str) -> str:
    """Where a summary path points, in the reader's words: 'targets[0].target' -> 主要预期目标 · …"""
    match = _PATH.match(path)
    if not match:
        return _md(path)
    field, index, sub, sub_index = (
        match.group(1),
        int(match.group(2)),
        match.group(3),
        match.group(4),
    )
    try:
        if field == "headline_figures":
            return f"上年主要指标 · {_md(summary.headline_figures[index].indicator)}"
        if field == "targets":
            return f"主要预期目标 · {_md(summary.targets[index].indicator)}"
        if field == "problems":
            return f"存在的问题 第{index + 1}条"
        if field == "review_areas":
            place = f"工作回顾（{_cn_number(index + 1)}）"
            if sub == "figures" and sub_index is not None:
                figure = summary.review_areas[index].figures[int(sub_index)]
                return f"{place} · {_md(figure.indicator)}"
            return place
        if field == "task_areas":
            place = f"重点任务（{_cn_number(index + 1)}）"
            return f"{place} 第{int(sub_index) + 1}项" if sub == "items" and sub_index else place
    except IndexError:
        pass
    return _md(path)


# --------------------------------------------------------------------------- tables


def targets_rows(summary: ReportSummary) -> list[dict[str, object]]:
    """One row per target, keyed by :data:`TARGET_COLUMNS`; ``grounded`` is None if unchecked."""
    checks = _Checks(summary.verification)
    return [
        {
            "region": summary.meta.region,
            "year": summary.meta.year,
            "indicator": target.indicator,
            "target": target.target,
            "values": "~".join(_plain_number(v) for v in target.values),
            "unit": target.unit,
            "qualifier": target.qualifier,
            "kind": target.kind,
            "grounded": checks.grounded(f"targets[{i}]"),
            "source": summary.meta.source_name,
        }
        for i, target in enumerate(summary.targets)
    ]


def targets_csv(summaries: Iterable[ReportSummary]) -> str:
    """The targets of many reports as CSV text with a header row.

    ``values`` holds plain numbers, two joined by '~' for a range; ``grounded`` is 'true',
    'false' or empty when nothing was checked.  A cell a spreadsheet would run as a formula
    gets a leading apostrophe (:mod:`summarizer.spreadsheet`).  Encode it as 'utf-8-sig' for
    Excel.
    """
    rows = []
    for summary in summaries:
        for row in targets_rows(summary):
            grounded = row["grounded"]
            row["grounded"] = "" if grounded is None else str(grounded).lower()
            rows.append([row[key] for key in TARGET_COLUMNS])
    return csv_text(TARGET_COLUMNS, rows)
