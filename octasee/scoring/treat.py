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

import math
from typing import Any

import numpy as np
import pandas as pd

from octasee.scoring._registry import Registry

__all__ = ["TREATMENTS", "kurt_type2", "shape_type2", "skew_type2", "treat"]

TREATMENTS = Registry("treat", prefix="t_")


def shape_type2(values: Any) -> tuple[np.ndarray, np.ndarray]:
    """G1 and G2 of every column of a 2-D array (missing values ignored), vectorised.

    The sums are exactly rounded (:func:`math.fsum`), so that they, and a limit test right
    at the boundary (G1 = 2 for one outlier among four values), depend neither on the
    order of the units nor on the other columns; deviations are scaled to a largest of 1
    (G1 and G2 do not change) so that ``m2 ** 1.5`` and ``m2 ** 2`` cannot underflow for
    a column of tiny spread. G1 is NaN below 3 values, G2 below 4; both are 0 for a
    constant column.

    >>> g1, g2 = shape_type2(np.array([[1.0, 5.0], [2, 5], [3, 5], [10, 5]]))
    >>> g1.round(6).tolist(), g2.round(6).tolist()
    ([1.763633, 0.0], [3.228, 0.0])
    """
    a = np.asarray(values, dtype=float).reshape(len(values), -1).T  # one row a column
    present = ~np.isnan(a)
    n = present.sum(axis=1).astype(float)

    def fsum(m: np.ndarray) -> np.ndarray:
        return np.array([math.fsum(row) for row in m.tolist()])

    with np.errstate(invalid="ignore", divide="ignore"):
        mean = fsum(np.where(present, a, 0.0)) / n
        d = np.where(present, a - mean[:, None], 0.0)
        s = np.abs(d).max(axis=1, initial=0.0)
        d = d / np.where(s > 0, s, 1.0)[:, None]
        d2 = d * d
        m2 = fsum(d2) / n
        m3 = fsum(d2 * d) / n
        m4 = fsum(d2 * d2) / n
        g1 = np.sqrt(n * (n - 1)) / (n - 2) * m3 / m2**1.5
        g2 = (n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * m4 / m2**2 - 3 * (n - 1))
    g1 = np.where(m2 == 0, 0.0, g1)
    g2 = np.where(m2 == 0, 0.0, g2)
    return np.where(n < 3, np.nan, g1), np.where(n < 4, np.nan, g2)


def skew_type2(x: Any) -> float:
    """Sample-adjusted skewness G1 (Excel ``SKEW``); NaN for fewer than 3 values.

    >>> round(skew_type2([1, 2, 3, 10]), 6)
    1.763633
    """
    return float(shape_type2(np.asarray(x, dtype=float).ravel())[0][0])


def kurt_type2(x: Any) -> float:
    """Sample-adjusted excess kurtosis G2 (Excel ``KURT``); NaN for fewer than 4 values.

    >>> round(kurt_type2([1, 2, 3, 10]), 6)
    3.228
    """
    return float(shape_type2(np.asarray(x, dtype=float).ravel())[1][0])


def _breaks(a: np.ndarray, skew_limit: float, kurt_limit: float) -> tuple[bool, float, float]:
    g1, g2 = shape_type2(a)
    s, k = float(g1[0]), float(g2[0])
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
    values = df.to_numpy(dtype=float, na_value=np.nan, copy=True)
    report: dict[str, Any] = {}
    g1, g2 = shape_type2(values)  # every column at once; the loop treats the ones that break
    for j, col in enumerate(df.columns):
        sk0, ku0 = float(g1[j]), float(g2[j])
        entry: dict[str, Any] = {"skew": sk0, "kurt": ku0, "points": [], "log": False}
        bad = bool(abs(sk0) > skew_limit and ku0 > kurt_limit)
        if not bad:
            report[col] = entry
            continue
        column = values[:, j]
        mask = ~np.isnan(column)
        a = column[mask].copy()
        labels = df.index[mask]
        points: list[tuple[Any, float, float]] = []
        sk = sk0
        while bad and len(points) < max_points:
            i = int(np.argmax(a)) if sk > 0 else int(np.argmin(a))
            others = np.delete(a, i)
            new = others.max() if sk > 0 else others.min()
            points.append((labels[i], float(a[i]), float(new)))
            a[i] = new
            bad, sk, _ = _breaks(a, skew_limit, kurt_limit)
        if bad and log_fallback:
            orig = column[mask]
            a = np.log(orig - orig.min() + 1.0) if sk0 > 0 else -np.log(orig.max() - orig + 1.0)
            points = []
            entry["log"] = True
        column[mask] = a
        after = shape_type2(a)
        entry.update(points=points, skew_after=float(after[0][0]),
                     kurt_after=float(after[1][0]))
        report[col] = entry
    return pd.DataFrame(values, index=df.index, columns=df.columns), report


@TREATMENTS.register("none", "no_treatment")
def t_none(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    """No treatment."""
    return df.astype(float), {}


def treat(df: pd.DataFrame, method: str = "winsorise", **args: Any
          ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Treat outliers in every column with the method named ``method``."""
    return TREATMENTS.get(method)(df, **args)
