"""What the page offers for download, computed without Streamlit: names and Chinese CSV.

Files are named after the report (``2025_杭州市_summary.json``), not after an upload's
hash.  The targets CSV has Chinese headings and values (已核实 rather than ``true``) and
is written from :func:`summarizer.render.targets_rows`, the rows the CLI writes, through
the package's one spreadsheet neutraliser (:mod:`summarizer.spreadsheet`).
"""

from __future__ import annotations

import re

from summarizer.render import targets_rows
from summarizer.schema import ReportSummary
from summarizer.spreadsheet import csv_text

__all__ = ["file_stem", "targets_csv_zh", "TARGET_HEADINGS"]

TARGET_HEADINGS = {
    "region": "地区",
    "year": "年份",
    "indicator": "指标",
    "target": "目标",
    "values": "数值",
    "unit": "单位",
    "qualifier": "限定词",
    "kind": "类型",
    "grounded": "核实",
    "source": "来源文件",
}
_KINDS = {
    "growth": "增速",
    "level": "总量",
    "ratio": "比率",
    "range": "区间",
    "qualitative": "定性",
}
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\s]+')


def file_stem(summary: ReportSummary, name: str) -> str:
    """``2025_杭州市`` from the report's year and region; the file's own name otherwise."""
    meta = summary.meta
    parts = [str(meta.year) if meta.year else "", meta.region or ""]
    stem = "_".join(part for part in parts if part)
    if not stem:
        stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = _UNSAFE.sub("_", stem).strip("._") or "report"
    return stem[:80]


def targets_csv_zh(summary: ReportSummary) -> str:
    """The targets as CSV text with Chinese headings; encode as 'utf-8-sig' for Excel."""
    rows = []
    for row in targets_rows(summary):
        grounded = row["grounded"]
        row["grounded"] = "" if grounded is None else ("已核实" if grounded else "未核实")
        row["kind"] = _KINDS.get(str(row["kind"]), row["kind"])
        rows.append([row[key] for key in TARGET_HEADINGS])
    return csv_text(list(TARGET_HEADINGS.values()), rows)
