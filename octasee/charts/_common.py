"""Helpers shared by the figure functions: argument checks and theming."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from octasee.charts import theme
from octasee.errors import UsageError


def require_frame(df: object, function: str) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise UsageError(f"expected a pandas DataFrame, got {type(df).__name__}",
                         where=f"{function}()", hint="pass a tidy table, one row per value")
    return df


def require_columns(df: pd.DataFrame, columns: dict[str, str | None], function: str) -> None:
    """Check that every named column exists; ``columns`` maps parameter → column name.

    The error names the missing column, the parameter that chose it, and the columns found.
    """
    found = [str(c) for c in df.columns]
    for param, column in columns.items():
        if column is None:
            continue
        if column not in df.columns:
            listed = ", ".join(repr(c) for c in found) or "no columns"
            raise UsageError(
                f"column {column!r} is missing", where=f"{function}()",
                hint=f"the table has {listed}; name the right one with {param}=...",
                column=column, found=found)


def numeric(series: pd.Series, column: str, function: str) -> pd.Series:
    out = pd.to_numeric(series, errors="coerce")
    bad = series[out.isna() & series.notna()]
    if len(bad):
        raise UsageError(f"column {column!r} holds values that are not numbers: "
                         + ", ".join(repr(v) for v in bad.astype(str).unique()[:5]),
                         where=f"{function}()", hint="convert or drop them first")
    return out.astype(float)


def split_codes(value: object) -> list[str]:
    """``'RS;HU'`` → ``['RS', 'HU']``; empty, None and NaN give ``[]``."""
    if value is None or (isinstance(value, float) and value != value):
        return []
    if isinstance(value, Iterable) and not isinstance(value, str):
        return [str(v).strip() for v in value if str(v).strip()]
    return [p.strip() for p in str(value).replace(",", ";").split(";") if p.strip()]


def themed(fig: go.Figure) -> go.Figure:
    """Apply the octasee template (registering it again if someone removed it)."""
    if theme.TEMPLATE_NAME not in pio.templates:
        theme.register()
    fig.update_layout(template=pio.templates[theme.TEMPLATE_NAME])
    return fig
