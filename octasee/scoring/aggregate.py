"""Aggregation: combine children (indicators or aggregates) into their parent.

All methods work on an array ``X`` (n units x k children) and weights ``w`` (k,), or a
batch of weight vectors ``W`` (k x m), returning (n,) or (n x m); :mod:`sensitivity` uses
the batched form to run thousands of weight draws at once. Weights are divided by their
sum over the children present (``missing="skip"``: missing values are skipped and the
weights renormalised) or any missing child makes the parent missing (``"propagate"``).

==============  ==============================================================
``mean``        weighted arithmetic mean  ``sum w x / sum w``
``gmean``       weighted geometric mean   ``exp(sum w ln x / sum w)``  (x > 0)
``hmean``       weighted harmonic mean    ``sum w / sum (w / x)``      (x > 0)
``pmean``       generalised (power) mean  ``(sum w x^p / sum w)^(1/p)``; p = 0 is gmean
``copeland``    Copeland outranking score (Munda & Nardo 2009), see :func:`a_copeland`
==============  ==============================================================

References: OECD/JRC Handbook (2008) section 6; Munda G., Nardo M. (2009), Non-compensatory/
non-linear composite indicators for ranking countries, *Applied Economics* 41(12).
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from octasee.errors import ScoringError
from octasee.scoring._registry import Registry

__all__ = ["AGGREGATORS", "aggregate", "aggregate_array", "aggregate_batch"]

AGGREGATORS = Registry("aggregate", prefix="a_")
Missing = Literal["skip", "propagate"]


def _prep(X: np.ndarray, W: np.ndarray, missing: str) -> tuple[np.ndarray, np.ndarray,
                                                              np.ndarray, bool]:
    X = np.asarray(X, dtype=float)
    W = np.asarray(W, dtype=float)
    batched = W.ndim == 2
    if not batched:
        W = W[:, None]
    if missing not in ("skip", "propagate"):
        raise ScoringError(f"unknown missing-value rule {missing!r}",
                           hint="use 'skip' (renormalise weights) or 'propagate'")
    present = ~np.isnan(X)
    return X, W, present, batched


def _finish(out: np.ndarray, X: np.ndarray, present: np.ndarray, denom: np.ndarray,
            missing: str, batched: bool) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(denom > 0, out, np.nan)
    if missing == "propagate":
        out[~present.all(axis=1)] = np.nan
    return out if batched else out[:, 0]


def _positive(X: np.ndarray, present: np.ndarray, name: str) -> None:
    if (X[present] <= 0).any():
        raise ScoringError(f"{name} needs positive values",
                           hint="normalise to a positive range (e.g. minmax low: 1) first")


@AGGREGATORS.register("mean", "amean", "arithmetic", "wmean")
def a_mean(X: Any, W: Any, *, missing: Missing = "skip") -> np.ndarray:
    """Weighted arithmetic mean ``sum_i w_i x_i / sum_i w_i`` over children present.

    >>> a_mean(np.array([[1.0, 3.0], [2.0, np.nan]]), np.array([1.0, 3.0])).tolist()
    [2.5, 2.0]
    """
    X, W, present, batched = _prep(X, W, missing)
    Xf = np.where(present, X, 0.0)
    denom = present.astype(float) @ W
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (Xf @ W) / denom
    return _finish(out, X, present, denom, missing, batched)


@AGGREGATORS.register("gmean", "geometric", "geomean")
def a_gmean(X: Any, W: Any, *, missing: Missing = "skip") -> np.ndarray:
    """Weighted geometric mean ``exp(sum_i w_i ln x_i / sum_i w_i)``; needs ``x > 0``.

    >>> a_gmean(np.array([[1.0, 4.0]]), np.array([1.0, 1.0])).tolist()
    [2.0]
    """
    X, W, present, batched = _prep(X, W, missing)
    _positive(X, present, "the geometric mean")
    L = np.where(present, np.log(np.where(present, X, 1.0)), 0.0)
    denom = present.astype(float) @ W
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.exp((L @ W) / denom)
    return _finish(out, X, present, denom, missing, batched)


@AGGREGATORS.register("hmean", "harmonic")
def a_hmean(X: Any, W: Any, *, missing: Missing = "skip") -> np.ndarray:
    """Weighted harmonic mean ``sum_i w_i / sum_i (w_i / x_i)``; needs ``x > 0``.

    >>> a_hmean(np.array([[1.0, 4.0]]), np.array([1.0, 1.0])).tolist()
    [1.6]
    """
    X, W, present, batched = _prep(X, W, missing)
    _positive(X, present, "the harmonic mean")
    R = np.where(present, 1.0 / np.where(present, X, 1.0), 0.0)
    denom = present.astype(float) @ W
    with np.errstate(invalid="ignore", divide="ignore"):
        out = denom / (R @ W)
    return _finish(out, X, present, denom, missing, batched)


@AGGREGATORS.register("pmean", "power_mean", "generalised", "generalized", "genmean")
def a_pmean(X: Any, W: Any, *, p: float = 2.0, missing: Missing = "skip") -> np.ndarray:
    """Weighted generalised (power) mean ``(sum_i w_i x_i^p / sum_i w_i)^(1/p)``.

    ``p = 1`` is the arithmetic, ``p = -1`` the harmonic mean and ``p -> 0`` the geometric
    mean (used for ``p = 0``). Needs ``x > 0`` for ``p <= 0`` and ``x >= 0`` otherwise.

    >>> a_pmean(np.array([[1.0, 7.0]]), np.array([1.0, 1.0]), p=2).tolist()
    [5.0]
    """
    if p == 0:
        return a_gmean(X, W, missing=missing)
    X, W, present, batched = _prep(X, W, missing)
    if p < 0:
        _positive(X, present, f"the power mean with p = {p}")
    elif (X[present] < 0).any():
        raise ScoringError("the power mean needs values >= 0",
                           hint="normalise to a non-negative range first")
    P = np.where(present, np.where(present, X, 1.0) ** p, 0.0)
    denom = present.astype(float) @ W
    with np.errstate(invalid="ignore", divide="ignore"):
        out = ((P @ W) / denom) ** (1.0 / p)
    return _finish(out, X, present, denom, missing, batched)


@AGGREGATORS.register("copeland", "outranking")
def a_copeland(X: Any, W: Any, *, missing: Missing = "skip") -> np.ndarray:
    """Copeland score from the weighted outranking matrix (non-compensatory).

    With weights normalised over the children both units have::

        e_ab = sum_i w_i (1[x_ai > x_bi] + 1/2 * 1[x_ai = x_bi]) / sum_i w_i
        C_a  = sum_{b != a} (1[e_ab > 1/2] - 1[e_ab < 1/2])

    i.e. wins minus losses in pairwise majority contests (a tie counts 0). Scores are ranks-like: a unit
    beating all others scores ``n - 1``.

    >>> X = np.array([[3.0, 3.0], [2.0, 1.0], [1.0, 2.0]])
    >>> a_copeland(X, np.array([1.0, 1.0])).tolist()
    [2.0, -1.0, -1.0]
    """
    X, W, present, batched = _prep(X, W, missing)
    n = X.shape[0]
    valid = (present[:, None, :] & present[None, :, :]).astype(float)
    gt = (X[:, None, :] > X[None, :, :]).astype(float) * valid
    eq = (X[:, None, :] == X[None, :, :]).astype(float) * valid
    out = np.empty((n, W.shape[1]))
    step = max(1, int(2e7 // max(1, n * n)))
    for j in range(0, W.shape[1], step):
        Wj = W[:, j:j + step]
        denom = valid @ Wj
        with np.errstate(invalid="ignore", divide="ignore"):
            e = (gt @ Wj + 0.5 * (eq @ Wj)) / denom
        win = np.nan_to_num((e > 0.5).astype(float) - (e < 0.5).astype(float))
        idx = np.arange(n)
        win[idx, idx, :] = 0.0
        out[:, j:j + step] = win.sum(axis=1)
    if missing == "propagate":
        out[~present.all(axis=1)] = np.nan
    out[~present.any(axis=1)] = np.nan
    return out if batched else out[:, 0]


def aggregate_array(X: Any, W: Any, method: str = "mean", **args: Any) -> np.ndarray:
    """Aggregate rows of ``X`` with weights ``W`` by the method named ``method``."""
    return AGGREGATORS.get(method)(X, W, **args)


def aggregate(df: pd.DataFrame, weights: Any = None, method: str = "mean",
              **args: Any) -> pd.Series:
    """Aggregate the columns of ``df`` into one Series with the named method.

    ``weights``: None (equal), a sequence in column order or a mapping column -> weight.

    >>> aggregate(pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 6.0]}), {"a": 1, "b": 3}).tolist()
    [2.5, 5.0]
    """
    if weights is None:
        w = np.ones(df.shape[1])
    elif isinstance(weights, dict | pd.Series):
        w = pd.Series(weights, dtype=float).reindex(df.columns).to_numpy()
    else:
        w = np.asarray(weights, dtype=float)
    if np.isnan(w).any() or w.sum() == 0:
        raise ScoringError("weights must be given for every column and not sum to zero")
    return pd.Series(aggregate_array(df.to_numpy(dtype=float, na_value=np.nan), w, method,
                                     **args), index=df.index)


_POWER_FAMILY = {"mean": 1.0, "gmean": 0.0, "hmean": -1.0}


def aggregate_batch(X: Any, W: Any, method: str = "mean", *, p: float | None = None,
                    missing: Missing = "skip") -> np.ndarray:
    """Aggregate a batch of runs: ``X`` (n x k x m) with weights ``W`` (k x m) -> (n x m).

    Each run ``j`` has its own children values ``X[:, :, j]`` and weights ``W[:, j]``;
    used by :mod:`octasee.scoring.sensitivity` to evaluate thousands of model variants at
    once. Same formulas as :func:`a_mean` … :func:`a_pmean` (Copeland runs run by run).

    >>> X = np.array([[[1.0, 1.0], [4.0, 4.0]]])          # 1 unit, 2 children, 2 runs
    >>> aggregate_batch(X, np.array([[1.0, 3.0], [1.0, 1.0]])).tolist()
    [[2.5, 1.75]]
    """
    name = AGGREGATORS.canonical(method)
    X = np.asarray(X, dtype=float)
    W = np.asarray(W, dtype=float)
    if name == "copeland":
        return np.column_stack([a_copeland(X[:, :, j], W[:, j], missing=missing)
                                for j in range(X.shape[2])])
    power = _POWER_FAMILY.get(name, p if p is not None else 2.0)
    present = ~np.isnan(X)
    if power <= 0 and (X[present] <= 0).any():
        raise ScoringError(f"aggregate method {name!r} needs positive values",
                           hint="normalise to a positive range (e.g. minmax low: 1) first")
    base = np.where(present, X, 1.0)
    if power == 0:
        T = np.log(base)
    elif power == 1:
        T = base
    else:
        T = base ** power
    T = np.where(present, T, 0.0)
    den = np.einsum("nkm,km->nm", present.astype(float), W)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.einsum("nkm,km->nm", T, W) / den
        out = np.exp(mean) if power == 0 else mean if power == 1 else mean ** (1.0 / power)
    out = np.where(den > 0, out, np.nan)
    if missing == "propagate":
        out[~present.all(axis=1)] = np.nan
    return out
