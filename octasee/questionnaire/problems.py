"""Problems found in a questionnaire, located to the cell, and how they become a table.

A :class:`Problem` names the file, sheet, row and column, the value found and what was
expected. Severity ``error`` sends the row to quarantine (or refuses the file when no row
is named); ``warning`` keeps the row and tells the analyst; ``info`` is a note (blank rows
skipped) that needs no action.

Values from rows that a country marked *not for dissemination* are never shown: the
problem carries ``[withheld: not for dissemination]`` instead, so that a problem report,
a log or a console never leaks them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace

import pandas as pd

__all__ = ["PROBLEM_COLUMNS", "WITHHELD", "Problem", "problems_frame"]

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
