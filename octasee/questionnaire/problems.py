"""Problems found in a questionnaire, located to the cell, and how they become a table.

A :class:`Problem` names the file, sheet, row and column, the value found and what was
expected. Severity ``error`` sends the row to quarantine (or refuses the file when no row
is named); ``warning`` keeps the row and tells the analyst; ``info`` is a note (blank rows
skipped) that needs no action.

Values from rows that a country marked *not for dissemination* are never shown: the
problem carries ``[withheld: not for dissemination]`` instead, so that a problem report,
a log or a console never leaks them.

Problem lists are written for spreadsheets (:func:`write_problem_files`), and they quote
what a country typed: a value that a spreadsheet would run as a formula gets a leading
``'`` (:func:`safe_cell`), so the list sent back to a country cannot run anything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import pandas as pd

__all__ = ["PROBLEM_COLUMNS", "WITHHELD", "Problem", "problems_frame", "safe_cell",
           "write_problem_files"]

WITHHELD = "[withheld: not for dissemination]"
PROBLEM_COLUMNS = ["severity", "file", "sheet", "row", "column", "value", "expected",
                   "message", "check"]


def show_value(value: object, limit: int = 80) -> str:
    """A short, printable form of a cell value for messages."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    text = str(value).replace("\r", " ").replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a questionnaire, located as precisely as possible."""

    severity: str  # error | warning | info
    file: str
    sheet: str | None
    row: int | None
    column: str | None
    value: str
    expected: str
    message: str
    check: str = field(default="")

    def withheld(self) -> Problem:
        return replace(self, value=WITHHELD)

    @property
    def where(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)

    def __str__(self) -> str:
        found = f" (found {self.value!r})" if self.value else ""
        exp = f"; expected {self.expected}" if self.expected else ""
        return f"{self.where}: {self.message}{found}{exp}"


def problems_frame(problems: Iterable[Problem]) -> pd.DataFrame:
    """Problems as a table, errors first, then in file, sheet and row order."""
    rows = [asdict(p) for p in problems]
    df = pd.DataFrame(rows, columns=PROBLEM_COLUMNS)
    if df.empty:
        return df
    df["row"] = df["row"].astype("Int64")
    order = {"error": 0, "warning": 1, "info": 2}
    df = df.assign(_o=df["severity"].map(order)).sort_values(
        ["_o", "file", "sheet", "row"], na_position="first", kind="stable")
    return df.drop(columns="_o").reset_index(drop=True)


# --------------------------------------------------------------------------- spreadsheets

#: First characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection):
#: ``=``, ``+``, ``-``, ``@``, tab and carriage return.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*")
#: Column widths of the problem workbook, in the order of PROBLEM_COLUMNS.
_WIDTHS = (9, 22, 14, 7, 24, 30, 30, 80, 14)


def safe_cell(value: object) -> object:
    """``value`` as a spreadsheet cell that cannot run: a leading ``'`` for formula starts.

    OWASP's guidance on CSV injection: a text starting with ``=``, ``+``, ``-``, ``@``, tab
    or carriage return (after any blanks) is prefixed with a single quote, so Excel and
    LibreOffice show it as text. Numbers, blanks and other text are returned unchanged, and
    so is text that is only a number (``-5``, ``-1.234,5``), which no spreadsheet runs.

    >>> print(safe_cell('=HYPERLINK("http://evil","click")'))
    '=HYPERLINK("http://evil","click")
    >>> safe_cell("-2+3"), safe_cell("-5"), safe_cell(-5), safe_cell("Serbia")
    ("'-2+3", '-5', -5, 'Serbia')
    """
    if not isinstance(value, str):
        return value
    if value.lstrip(" \n").startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def write_problem_files(problems: pd.DataFrame, prefix: str | Path) -> list[Path]:
    """Write ``problems`` to ``<prefix>.csv`` and ``<prefix>.xlsx``; returns both paths.

    Every text cell goes through :func:`safe_cell`, and the workbook stores text as text
    (openpyxl would write a string starting with ``=`` as a formula), so neither file holds
    anything a spreadsheet runs. The workbook has a header row that stays in view, a filter
    and readable column widths.
    """
    prefix = Path(prefix)
    prefix.parent.mkdir(parents=True, exist_ok=True)
    csv_path = prefix.with_suffix(".csv")
    xlsx_path = prefix.with_suffix(".xlsx")
    safe = problems.rename(columns=lambda c: safe_cell(str(c)))
    safe = safe.apply(lambda col: col if pd.api.types.is_numeric_dtype(col)
                      else col.map(safe_cell))
    # CRLF line ends (RFC 4180) make the writer quote any value holding a line break: a
    # lone carriage return would otherwise start a new row, and a formula with it.
    safe.to_csv(csv_path, index=False, lineterminator="\r\n")
    with pd.ExcelWriter(xlsx_path, engine="openpyxl") as xw:
        safe.to_excel(xw, sheet_name="Problems", index=False)
        ws = xw.sheets["Problems"]
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text, never a formula
        for i, width in enumerate(_WIDTHS[:ws.max_column]):
            ws.column_dimensions[chr(ord("A") + i)].width = width
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = ws.dimensions
    return [csv_path, xlsx_path]

