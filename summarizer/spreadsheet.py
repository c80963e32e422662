"""Cells a spreadsheet would run as a formula, made inert: the one neutraliser every CSV and
XLSX writer uses.

Report text and file names are untrusted: a target phrase or a file name such as
``=HYPERLINK(...)`` or ``=1+2.txt`` would be evaluated by Excel, WPS or LibreOffice when the
table is opened.  OWASP's guidance on CSV injection: a text cell that opens with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return, or with one of them after white space, gets a
leading apostrophe (shown as text, never run).  Every CSV is written by :func:`csv_text`,
which also quotes a cell holding a line break or a bare carriage return, so that no reader
splits a row (Python's csv module alone leaves a bare CR unquoted).
Numbers stay numbers: ``-3.5`` (a number, or text that is just a number) is no formula, while
``-3.5%左右`` and ``-1+2`` are text and get the apostrophe.  In an XLSX file every text cell is
written as a string cell with Excel's quote prefix, never as a formula.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

from summarizer.secrets import redact

__all__ = ["FORMULA_STARTS", "safe_cell", "safe_row", "csv_text", "put_xlsx_cell"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# Characters an XLSX file cannot hold (openpyxl refuses them): control characters.
_NOT_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _formula_like(text: str) -> bool:
    if text.startswith(FORMULA_STARTS):
        return not _NUMBER.fullmatch(text)
    stripped = text.lstrip()  # " =1+2": a spreadsheet may trim the space first
    return stripped != text and stripped.startswith(FORMULA_STARTS[:4]) and not _NUMBER.fullmatch(
        stripped
    )


def safe_cell(value: Any) -> Any:
    """A CSV cell that no spreadsheet evaluates: numbers (and None) as they are, text with a
    leading apostrophe when it opens like a formula."""
    if value is None or isinstance(value, bool | int | float):
        return value
    text = str(value)
    return "'" + text if _formula_like(text) else text


def safe_row(values: Iterable[Any]) -> list[Any]:
    """:func:`safe_cell` of every value of a CSV row."""
    return [safe_cell(value) for value in values]


def csv_text(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> str:
    """A CSV table (LF line ends): every cell through :func:`safe_cell`, None as an empty
    cell, and a row that holds a carriage return written with every cell quoted."""
    out = io.StringIO()
    plain = csv.writer(out, lineterminator="\n")
    quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for row in (header, *rows):
        cells = ["" if value is None else safe_cell(value) for value in row]
        has_cr = any(isinstance(cell, str) and "\r" in cell for cell in cells)
        (quoted if has_cr else plain).writerow(cells)
    return out.getvalue()


def put_xlsx_cell(sheet: Any, row: int, column: int, value: Any) -> None:
    """Write one value into an openpyxl worksheet: a number as a number, anything else as a
    string cell (never a formula, quote-prefixed when it opens like one)."""
    if value is None or isinstance(value, bool | int | float):
        sheet.cell(row=row, column=column, value=value)
        return
    text = _NOT_IN_XLSX.sub(" ", redact(str(value)))
    cell = sheet.cell(row=row, column=column)
    cell.value = text
    cell.data_type = "s"  # openpyxl would store text opening with = as a formula
    if _formula_like(text):
        cell.quotePrefix = True  # Excel keeps it text even when the cell is edited
