"""Analytic confidence from the 4x4 grading of the rows behind a claim."""

from __future__ import annotations

import pandas as pd

__all__ = ["GRADE_CONFIDENCE", "analytic_confidence", "grading_profile"]

GRADE_CONFIDENCE = {"high": "A or B source with information graded 1 or 2",
                    "moderate": "mostly B or C sources with information graded 2 or 3",
                    "low": "mostly C, D or X sources, or information graded 4"}


def grading_profile(rows: pd.DataFrame) -> pd.DataFrame:
    """How many rows carry each 4x4 grade (source reliability x information assessment)."""
    g = rows.groupby(["source_reliability", "information_assessment"]).size()
    table = g.unstack(fill_value=0)
    table = table.reindex(index=["A", "B", "C", "D", "X"], columns=[1, 2, 3, 4], fill_value=0)
    table.index.name = "source reliability"
    table.columns = [f"information {c}" for c in table.columns]
    return table


def analytic_confidence(rows: pd.DataFrame) -> str:
    """High, moderate or low analytic confidence from the grading of the rows behind a claim.

    High when at least 60 % of rows come from A/B sources with information graded 1-2;
    low when more than half come from C/D/X sources or information graded 4; else moderate.
    """
    if rows.empty:
        return "low"
    src = rows["source_reliability"].astype(str)
    info = pd.to_numeric(rows["information_assessment"], errors="coerce")
    strong = (src.isin(["A", "B"]) & info.isin([1, 2])).mean()
    weak = (src.isin(["C", "D", "X"]) | info.eq(4)).mean()
    if strong >= 0.6:
        return "high"
    if weak > 0.5:
        return "low"
    return "moderate"
