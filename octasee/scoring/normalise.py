"""Normalisation: bring indicators onto one scale, higher always meaning more threat.

Every method takes a DataFrame (one row a unit, one column an indicator), a ``direction``
per column (``+1`` or ``-1``) and keyword-only arguments, and returns a DataFrame of the
same shape. Missing values stay missing and are ignored by the column statistics.
Direction ``-1`` flips an indicator (e.g. resilience, where a high score means *less*
threat): most methods work on ``x' = direction * x``; the ratio methods (``fraction``,
``ref`` with ``ratio=True``) and ``goalposts`` say how they flip in their docstrings.

Methods (plain name / role name):

=================  ==============  =====================================================
``none``           ``n_none``      ``x`` (direction -1: ``lo + hi - x`` with the model's
                                   scale, else ``min + max - x``)
``minmax``         ``n_minmax``    ``(x' - min) / (max - min) * (u - l) + l``
``zscore``         ``n_zscore``    ``(x' - mean) / sd * s + m`` (sample sd, ddof = 1)
``rank``           ``n_rank``      rank of ``x'``, ties averaged, 1 = lowest
``prank``          ``n_prank``     percentile rank ``100 * rank / n``
``borda``          ``n_borda``     number of units with a strictly lower ``x'``
``dist2max``       ``n_dist2max``  ``1 - (max - x') / (max - min)``
``dist2ref``       ``n_dist2ref``  ``(x' - min) / (x'_ref - min)`` (reference unit scores 1)
``dist2targ``      ``n_dist2targ`` ``(x' - min) / (t' - min)``, optionally capped at 1
``fraction``       ``n_fracmax``   ``x / max`` (direction -1: ``min / x``)
``goalposts``      ``n_goalposts`` ``(x - lo) / (hi - lo)`` clipped to [0, 1], times scale
=================  ==============  =====================================================

References: OECD/JRC (2008) *Handbook on Constructing Composite Indicators*, section 5;
Becker W. et al. (2022), COINr, *Environmental Modelling & Software* 157.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from octasee.errors import ScoringError
from octasee.scoring._registry import Registry

__all__ = ["NORMALISERS", "normalise"]

NORMALISERS = Registry("normalise", prefix="n_")


def _dir(df: pd.DataFrame, direction: Any) -> pd.Series:
    if direction is None:
        return pd.Series(1.0, index=df.columns)
    if isinstance(direction, pd.Series):
        return direction.reindex(df.columns).fillna(1.0).astype(float)
    if np.isscalar(direction):
        return pd.Series(float(direction), index=df.columns)
    return pd.Series(np.asarray(direction, dtype=float), index=df.columns)


def _span(lo: pd.Series, hi: pd.Series, what: str) -> pd.Series:
    span = hi - lo
    if (span == 0).any():
        bad = ", ".join(map(str, span.index[span == 0]))
        raise ScoringError(f"cannot normalise with {what}: no spread in {bad}",
                           hint="drop constant indicators or use another method")
    return span


@NORMALISERS.register("none", "identity")
def n_none(df: pd.DataFrame, *, direction: Any = None,
           scale: Sequence[float] | None = None) -> pd.DataFrame:
    """No change; direction -1 reflects within the scale: ``lo + hi - x``.

    ``scale`` is the model's declared scale (e.g. GI-TOC's ``[1, 10]``); without one the
    observed ``min + max`` of each column is used.

    >>> n_none(pd.DataFrame({"a": [1.0, 4.0]}), direction=-1, scale=[1, 10])["a"].tolist()
    [10.0, 7.0]
    """
    d = _dir(df, direction)
    if (d > 0).all():
        return df.astype(float)
    if scale is not None:
        total = pd.Series(float(scale[0]) + float(scale[1]), index=df.columns)
    else:
        total = df.min() + df.max()
    return df.astype(float).where(d > 0, total - df, axis=1)


@NORMALISERS.register("minmax", "min_max")
def n_minmax(df: pd.DataFrame, *, direction: Any = None, low: float = 0.0,
             high: float = 1.0) -> pd.DataFrame:
    """Min-max to ``[low, high]``: ``(x' - min x') / (max x' - min x') * (high - low) + low``.

    >>> n_minmax(pd.DataFrame({"a": [2.0, 4.0, 6.0]}), low=0, high=100)["a"].tolist()
    [0.0, 50.0, 100.0]
    >>> n_minmax(pd.DataFrame({"a": [2.0, 4.0, 6.0]}), direction=-1)["a"].tolist()
    [1.0, 0.5, 0.0]
    """
    x = df.astype(float) * _dir(df, direction)
    lo, hi = x.min(), x.max()
    return (x - lo) / _span(lo, hi, "minmax") * (high - low) + low


@NORMALISERS.register("zscore", "z_score", "standardise", "standardize")
def n_zscore(df: pd.DataFrame, *, direction: Any = None, mean: float = 0.0,
             sd: float = 1.0) -> pd.DataFrame:
    """Z-score with the sample sd: ``(x' - mean x') / sd(x', ddof=1) * sd + mean``.

    >>> n_zscore(pd.DataFrame({"a": [1.0, 2.0, 3.0]}))["a"].tolist()
    [-1.0, 0.0, 1.0]
    """
    x = df.astype(float) * _dir(df, direction)
    s = x.std(ddof=1)
    _span(pd.Series(0.0, index=s.index), s, "zscore")
    return (x - x.mean()) / s * sd + mean


@NORMALISERS.register("rank", "ranks")
def n_rank(df: pd.DataFrame, *, direction: Any = None) -> pd.DataFrame:
    """Rank of ``x'``, 1 = lowest, ties get the average of their ranks.

    >>> n_rank(pd.DataFrame({"a": [5.0, 1.0, 5.0, 3.0]}))["a"].tolist()
    [3.5, 1.0, 3.5, 2.0]
    """
    x = df.astype(float) * _dir(df, direction)
    return x.rank(method="average", ascending=True)


@NORMALISERS.register("prank", "percentile_rank", "percentile", "pct_rank")
def n_prank(df: pd.DataFrame, *, direction: Any = None, scale: float = 100.0) -> pd.DataFrame:
    """Percentile rank: ``scale * rank(x') / n`` with ties averaged (n = non-missing units).

    >>> n_prank(pd.DataFrame({"a": [10.0, 20.0, 30.0, 40.0]}))["a"].tolist()
    [25.0, 50.0, 75.0, 100.0]
    """
    x = df.astype(float) * _dir(df, direction)
    return x.rank(method="average") / x.notna().sum() * scale


@NORMALISERS.register("borda", "borda_count")
def n_borda(df: pd.DataFrame, *, direction: Any = None) -> pd.DataFrame:
    """Borda score: the number of units with a strictly lower ``x'`` (``rank_min - 1``).

    >>> n_borda(pd.DataFrame({"a": [5.0, 1.0, 5.0, 3.0]}))["a"].tolist()
    [2.0, 0.0, 2.0, 1.0]
    """
    x = df.astype(float) * _dir(df, direction)
    return x.rank(method="min") - 1.0


@NORMALISERS.register("dist2max", "distance_to_max", "dist_to_max")
def n_dist2max(df: pd.DataFrame, *, direction: Any = None) -> pd.DataFrame:
    """Distance to the maximum (the leader): ``1 - (max x' - x') / (max x' - min x')``.

    The leader scores 1, the unit farthest from it 0.

    >>> n_dist2max(pd.DataFrame({"a": [0.0, 6.0, 8.0]}))["a"].tolist()
    [0.0, 0.75, 1.0]
    """
    x = df.astype(float) * _dir(df, direction)
    lo, hi = x.min(), x.max()
    return 1.0 - (hi - x) / _span(lo, hi, "dist2max")


@NORMALISERS.register("dist2ref", "distance_to_reference", "dist_to_ref")
def n_dist2ref(df: pd.DataFrame, *, direction: Any = None, ref: Any,
               cap: bool = False) -> pd.DataFrame:
    """Distance to a reference unit ``ref`` (a row label): ``(x' - min x') / (x'_ref - min x')``.

    The reference unit scores 1 and the lowest unit 0; ``cap=True`` caps at 1.

    >>> d = pd.DataFrame({"a": [2.0, 4.0, 6.0]}, index=["AL", "RS", "TR"])
    >>> n_dist2ref(d, ref="RS")["a"].tolist()
    [0.0, 1.0, 2.0]
    """
    if ref not in df.index:
        raise ScoringError(f"reference unit {ref!r} is not in the data",
                           hint="give a unit of the unit column")
    x = df.astype(float) * _dir(df, direction)
    lo = x.min()
    out = (x - lo) / _span(lo, x.loc[ref], "dist2ref")
    return out.clip(upper=1.0) if cap else out


@NORMALISERS.register("dist2targ", "distance_to_target", "dist_to_target", "target")
def n_dist2targ(df: pd.DataFrame, *, direction: Any = None, target: Any,
                cap: bool = True) -> pd.DataFrame:
    """Distance to a target ``t``: ``(x' - min x') / (t' - min x')``, capped at 1 by default.

    With direction -1 this is ``(max x - x) / (max x - t)`` (a low target). ``target`` is one
    number or a mapping indicator -> number.

    >>> n_dist2targ(pd.DataFrame({"a": [0.0, 5.0, 12.0]}), target=10)["a"].tolist()
    [0.0, 0.5, 1.0]
    """
    d = _dir(df, direction)
    t = pd.Series(target if isinstance(target, dict) else {c: target for c in df.columns},
                  dtype=float).reindex(df.columns)
    if t.isna().any():
        raise ScoringError("no target for " + ", ".join(map(str, t.index[t.isna()])),
                           hint="give a target for every indicator")
    x = df.astype(float) * d
    lo = x.min()
    out = (x - lo) / _span(lo, t * d, "dist2targ")
    return out.clip(upper=1.0) if cap else out


@NORMALISERS.register("fraction", "fracmax", "fraction_of_max", "frac_max")
def n_fraction(df: pd.DataFrame, *, direction: Any = None) -> pd.DataFrame:
    """Fraction of the best: ``x / max x``; with direction -1 ``min x / x``. Needs x > 0.

    >>> n_fraction(pd.DataFrame({"a": [2.0, 4.0, 8.0]}))["a"].tolist()
    [0.25, 0.5, 1.0]
    >>> n_fraction(pd.DataFrame({"a": [2.0, 4.0, 8.0]}), direction=-1)["a"].tolist()
    [1.0, 0.5, 0.25]
    """
    x = df.astype(float)
    if (x <= 0).any().any():
        raise ScoringError("fraction of max needs positive values",
                           hint="use minmax, or denominate/shift the indicator first")
    d = _dir(df, direction)
    return (x / x.max()).where(d > 0, x.min() / x, axis=1)


@NORMALISERS.register("goalposts", "goalpost", "gposts")
def n_goalposts(df: pd.DataFrame, *, direction: Any = None, low: Any, high: Any,
                scale: float = 1.0) -> pd.DataFrame:
    """Goalposts, clipped: ``(x - low) / (high - low)`` (direction -1: ``(high - x) / (high - low)``),
    clipped to [0, 1] and multiplied by ``scale``. ``low``/``high``: a number or a mapping.

    >>> n_goalposts(pd.DataFrame({"a": [-5.0, 2.0, 15.0]}), low=0, high=10, scale=100)["a"].tolist()
    [0.0, 20.0, 100.0]
    """
    def per_col(v: Any) -> pd.Series:
        return pd.Series(v if isinstance(v, dict) else {c: v for c in df.columns},
                         dtype=float).reindex(df.columns)
    lo, hi = per_col(low), per_col(high)
    span = _span(lo, hi, "goalposts")
    x = df.astype(float)
    up = (x - lo) / span
    out = up.where(_dir(df, direction) > 0, 1.0 - up, axis=1)
    return out.clip(0.0, 1.0) * scale


def normalise(df: pd.DataFrame, method: str = "minmax", *, direction: Any = None,
              **args: Any) -> pd.DataFrame:
    """Normalise every column of ``df`` with the method named ``method``.

    >>> normalise(pd.DataFrame({"a": [1.0, 3.0]}), "n_minmax", high=10)["a"].tolist()
    [0.0, 10.0]
    """
    func = NORMALISERS.get(method)
    try:
        return func(df, direction=direction, **args)
    except TypeError as exc:
        raise ScoringError(f"bad arguments for normalise method {method!r}: {exc}") from None
