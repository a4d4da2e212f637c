"""Outlier treatment: winsorise, one point at a time, then a log transform if that fails.

For each indicator (column), with the sample-adjusted ("type 2") skewness and excess
kurtosis, the estimators of Excel's ``SKEW`` and ``KURT`` and of pandas::

    m_r = mean((x - mean x)^r)
    G1  = sqrt(n (n - 1)) / (n - 2) * m_3 / m_2^(3/2)
    G2  = (n - 1) / ((n - 2) (n - 3)) * ((n + 1) * m_4 / m_2^2 - 3 (n - 1))

the column is treated while ``|G1| > skew_limit`` (2) **and** ``G2 > kurt_limit`` (3.5):
one point at a time, on the side the skew points to (the highest value if ``G1 > 0``, the
lowest if ``G1 < 0``), the point is set to the next value inward (the extreme of the other
points), at most ``max_points`` points (default 5). If the column still breaks the limits,
the winsorisation is undone and the original column is log-transformed instead::

    G1 > 0:   log(x - min x + 1)
    G1 < 0:  -log(max x - x + 1)

(the direction of the indicator is kept). This is the COINr default (``Treat``) and the
JRC practice: Saltelli, Nardo et al., OECD/JRC Handbook (2008); JRC COIN (2019)
*Ten-step guide*, step 4.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from octasee.scoring._registry import Registry

__all__ = ["TREATMENTS", "kurt_type2", "skew_type2", "treat"]

TREATMENTS = Registry("treat", prefix="t_")


def skew_type2(x: Any) -> float:
    """Sample-adjusted skewness G1 (Excel ``SKEW``); NaN for fewer than 3 values.

    >>> round(skew_type2([1, 2, 3, 10]), 6)
    1.763633
    """
    a = np.asarray(x, dtype=float)
    a = a[~np.isnan(a)]
    n = a.size
    if n < 3:
        return float("nan")
    d = a - a.mean()
    m2, m3 = np.mean(d**2), np.mean(d**3)
    if m2 == 0:
        return 0.0
    return float(np.sqrt(n * (n - 1)) / (n - 2) * m3 / m2**1.5)


def kurt_type2(x: Any) -> float:
    """Sample-adjusted excess kurtosis G2 (Excel ``KURT``); NaN for fewer than 4 values.

    >>> round(kurt_type2([1, 2, 3, 10]), 6)
    3.228
    """
    a = np.asarray(x, dtype=float)
    a = a[~np.isnan(a)]
    n = a.size
    if n < 4:
        return float("nan")
    d = a - a.mean()
    m2, m4 = np.mean(d**2), np.mean(d**4)
    if m2 == 0:
        return 0.0
    return float((n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * m4 / m2**2 - 3 * (n - 1)))


def _breaks(a: np.ndarray, skew_limit: float, kurt_limit: float) -> tuple[bool, float, float]:
    s, k = skew_type2(a), kurt_type2(a)
    return bool(abs(s) > skew_limit and k > kurt_limit), s, k


@TREATMENTS.register("winsorise", "winsorize", "winsor")
def t_winsorise(df: pd.DataFrame, *, max_points: int = 5, skew_limit: float = 2.0,
                kurt_limit: float = 3.5, log_fallback: bool = True
                ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Winsorise point by point while ``|G1| > skew_limit and G2 > kurt_limit``; log if needed.

    Returns the treated frame and a report per column: ``points`` (unit, old, new),
    ``log`` (True if the log transform was used), skew/kurtosis before and after.

    >>> d = pd.DataFrame({"a": [1.0, 2, 2, 3, 3, 3, 4, 4, 5, 40]})
    >>> out, rep = t_winsorise(d)
    >>> float(out["a"].max()), [p[0] for p in rep["a"]["points"]]
    (5.0, [9])
    """
    out = df.astype(float).copy()
    report: dict[str, Any] = {}
    for col in out.columns:
        s = out[col]
        mask = s.notna().to_numpy()
        a = s.to_numpy(dtype=float)[mask].copy()
        labels = s.index[mask]
        bad, sk0, ku0 = _breaks(a, skew_limit, kurt_limit)
        entry: dict[str, Any] = {"skew": sk0, "kurt": ku0, "points": [], "log": False}
        if not bad:
            report[col] = entry
            continue
        points: list[tuple[Any, float, float]] = []
        while bad and len(points) < max_points:
            sk = skew_type2(a)
            i = int(np.argmax(a)) if sk > 0 else int(np.argmin(a))
            others = np.delete(a, i)
            new = others.max() if sk > 0 else others.min()
            points.append((labels[i], float(a[i]), float(new)))
            a[i] = new
            bad, _, _ = _breaks(a, skew_limit, kurt_limit)
        if bad and log_fallback:
            orig = s.to_numpy(dtype=float)[mask]
            a = np.log(orig - orig.min() + 1.0) if sk0 > 0 else -np.log(orig.max() - orig + 1.0)
            points = []
            entry["log"] = True
        col_values = s.to_numpy(dtype=float).copy()
        col_values[mask] = a
        out[col] = col_values
        entry.update(points=points, skew_after=skew_type2(a), kurt_after=kurt_type2(a))
        report[col] = entry
    return out, report


@TREATMENTS.register("none", "no_treatment")
def t_none(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    """No treatment."""
    return df.astype(float), {}


def treat(df: pd.DataFrame, method: str = "winsorise", **args: Any
          ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Treat outliers in every column with the method named ``method``."""
    return TREATMENTS.get(method)(df, **args)
