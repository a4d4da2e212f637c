"""Trends of a regional series."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["trend_probability", "trend_summary"]


def trend_probability(years: Sequence[float], values: Sequence[float]) -> float:
    """The share of pairwise slopes that point up (ties count half): P(rising).

    The Theil-Sen slope is the median of the same pairwise slopes, so this is the
    probability behind its sign: 1.0 when every pair of years shows a rise.

    >>> trend_probability([2013, 2014, 2015, 2016], [1, 2, 3, 4])
    1.0
    >>> trend_probability([2013, 2014, 2015], [3, 3, 3])
    0.5
    """
    x = np.asarray(years, dtype=float)
    y = np.asarray(values, dtype=float)
    i, j = np.triu_indices(len(x), k=1)
    keep = x[j] != x[i]
    if not keep.any():
        return 0.5
    slopes = (y[j] - y[i])[keep] / (x[j] - x[i])[keep]
    return float(((slopes > 0).sum() + 0.5 * (slopes == 0).sum()) / len(slopes))


def trend_summary(series: pd.DataFrame, *, x: str = "year", y: str = "value") -> dict[str, float]:
    """First and last value, change in percent, Theil-Sen slope and P(rising)."""
    from scipy.stats import theilslopes  # lazy: scipy.stats, ~1.1 s on import

    s = series.sort_values(x)
    first, last = float(s[y].iloc[0]), float(s[y].iloc[-1])
    slope = float(theilslopes(s[y], s[x])[0]) if len(s) >= 2 else 0.0
    change = (last - first) / first * 100 if first else float("nan")
    return {"first_year": int(s[x].iloc[0]), "last_year": int(s[x].iloc[-1]), "first": first,
            "last": last, "change_pct": change, "slope": slope,
            "p_rising": trend_probability(s[x], s[y])}
