"""The panel's table on disk: CSV always, Parquet and an Excel workbook on request.

    OUT/panel.csv       UTF-8 with a byte-order mark (Excel reads the Chinese), one row per target
    OUT/panel.parquet   the same, typed columns (needs pyarrow: the ``panel`` extra)
    OUT/panel.xlsx      a sheet of every row, then one sheet per indicator (needs openpyxl)
    OUT/reports.csv     one row per report read: the region and year found, on what basis, and
                        whether it is in the panel (and paired with which report)

Text taken from a report can start with ``=``, ``+``, ``-`` or ``@``, which a spreadsheet
would run as a formula; in the CSV and the workbook such a cell is made inert by the
package's one neutraliser (:mod:`summarizer.spreadsheet`).  Parquet is not opened by
spreadsheets and keeps the text as it is.
Every file is written atomically.
"""

from __future__ import annotations

import io
import math
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from summarizer.analysis.indicators import SYNONYMS
from summarizer.analysis.panel import PANEL_COLUMNS, Panel, PanelRow
from summarizer.batch.atomic import write_atomic
from summarizer.errors import InputError
from summarizer.spreadsheet import csv_text, put_xlsx_cell, safe_cell

__all__ = [
    "FORMATS",
    "EXTRAS",
    "CSV_NAME",
    "REPORTS_COLUMNS",
    "check_formats",
    "write_tables",
    "write_reports",
]

CSV_NAME = "panel.csv"
REPORTS_NAME = "reports.csv"
REPORTS_COLUMNS = (
    "source",
    "region",
    "region_as_written",
    "level",
    "province",
    "parent",
    "year",
    "region_basis",
    "year_basis",
    "report_kind",
    "targets",
    "status",
    "next_year_source",
    "notes",
)
PARQUET_NAME = "panel.parquet"
XLSX_NAME = "panel.xlsx"
FORMATS = ("csv", "parquet", "xlsx")
EXTRAS = {"parquet": "pyarrow", "xlsx": "openpyxl"}
# An indicator outside the synonym table gets its own sheet once it has this many rows.
SHEET_MIN_ROWS = 5

_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")
_INT_COLUMNS = {"year", "result_year", "target_start", "target_end", "result_start", "result_end"}
_FLOAT_COLUMNS = {"target_value", "target_value_high", "result_value"}


def check_formats(formats: Sequence[str]) -> None:
    """Refuse, before any work, a format whose library is not installed."""
    for name in formats:
        if name not in FORMATS:
            raise InputError(f"unknown format {name!r}: choose from {', '.join(FORMATS)}")
        module = EXTRAS.get(name)
        if module is None:
            continue
        try:
            __import__(module)
        except ImportError:
            raise InputError(
                f"--format {name} needs {module}: pip install 'summarizer[panel]'"
            ) from None


def write_tables(out_dir: Path, rows: Sequence[PanelRow], formats: Sequence[str]) -> list[Path]:
    """Write the panel in CSV and each other format asked for; return the files written."""
    records = [row.model_dump() for row in rows]
    written = [_write_csv(out_dir / CSV_NAME, records)]
    if "parquet" in formats:
        written.append(_write_parquet(out_dir / PARQUET_NAME, records))
    if "xlsx" in formats:
        written.append(_write_xlsx(out_dir / XLSX_NAME, records))
    return written


def _number(value: float) -> str:
    """A number as a reader writes it: 6, 5.5, 2186000000000."""
    if math.isfinite(value) and value == int(value) and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, int):
        return str(value)
    return str(safe_cell(str(value)))


def _write_csv(
    path: Path, records: list[dict[str, Any]], columns: Sequence[str] = PANEL_COLUMNS
) -> Path:
    rows = ([_csv_cell(record[column]) for column in columns] for record in records)
    # A byte-order mark so that Excel opens the Chinese text as UTF-8.
    write_atomic(path, "\ufeff" + csv_text(columns, rows))
    return path


def write_reports(out_dir: Path, panel: Panel) -> Path:
    """One line per report read: what the panel made of it."""
    records = []
    for item in sorted(panel.reports, key=lambda r: r.source):
        who, following = item.identity, panel.following(item)
        records.append(
            {
                "source": item.source,
                "region": who.region,
                "region_as_written": who.written,
                "level": who.level,
                "province": who.province,
                "parent": who.parent,
                "year": who.year,
                "region_basis": who.region_basis,
                "year_basis": who.year_basis,
                "report_kind": item.summary.meta.kind,
                "targets": len(item.summary.targets),
                "status": panel.status(item),
                "next_year_source": following.source if following else None,
                "notes": "；".join(who.notes) or None,
            }
        )
    return _write_csv(out_dir / REPORTS_NAME, records, REPORTS_COLUMNS)


def _write_parquet(path: Path, records: list[dict[str, Any]]) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    def kind(column: str) -> pa.DataType:
        if column in _INT_COLUMNS:
            return pa.int64()
        if column in _FLOAT_COLUMNS:
            return pa.float64()
        return pa.string()

    schema = pa.schema([(column, kind(column)) for column in PANEL_COLUMNS])
    table = pa.Table.from_pylist(records, schema=schema)
    data = io.BytesIO()
    pq.write_table(table, data)
    write_atomic(path, data.getvalue())
    return path


def _sheet_groups(records: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """(sheet title, rows): every row, then each indicator, then the rarer ones together."""
    counts = Counter(record["indicator"] for record in records)
    own = [key for key in SYNONYMS if counts[key]]
    own += sorted(
        (k for k, n in counts.items() if k not in SYNONYMS and n >= SHEET_MIN_ROWS),
        key=lambda k: (-counts[k], k),
    )
    groups = [("全部", records)]
    groups += [(key, [r for r in records if r["indicator"] == key]) for key in own]
    rest = [r for r in records if r["indicator"] not in set(own)]
    if rest:
        groups.append(("其他指标", rest))
    return groups


def _sheet_title(name: str, taken: set[str]) -> str:
    base = _SHEET_UNSAFE.sub("_", name).strip("'")[:28] or "sheet"
    title, n = base, 2
    while title.lower() in taken:
        title, n = f"{base[:25]}_{n}", n + 1
    taken.add(title.lower())
    return title


def _write_xlsx(path: Path, records: list[dict[str, Any]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for name, group in _sheet_groups(records):
        sheet = book.create_sheet(_sheet_title(name, taken))
        for column, title in enumerate(PANEL_COLUMNS, start=1):
            sheet.cell(row=1, column=column, value=title)
        for row, record in enumerate(group, start=2):
            for column, key in enumerate(PANEL_COLUMNS, start=1):
                put_xlsx_cell(sheet, row, column, record[key])
        sheet.freeze_panes = "A2"
    data = io.BytesIO()
    book.save(data)
    write_atomic(path, data.getvalue())
    return path
