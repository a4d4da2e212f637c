"""Imputation of missing indicator values.

=============  ===============================================================
``none``       leave missing (aggregation then skips or propagates them)
``mean``       ``x_ij = mean_k x_kj`` over all units, or over the unit's group
``median``     ``x_ij = median_k x_kj`` over all units, or over the unit's group
``previous``   ``x_ij = x_ij(previous cycle)``: the unit's value in the last cycle
=============  ===============================================================

Group imputation needs ``groups`` (a Series unit -> group label, e.g. the GI-TOC region).
A unit whose group has no value for the indicator stays missing.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from octasee.errors import ScoringError
from octasee.scoring._registry import Registry

__all__ = ["IMPUTERS", "impute"]

IMPUTERS = Registry("impute", prefix="i_")


def _fill(df: pd.DataFrame, how: str, groups: pd.Series | None) -> pd.DataFrame:
    x = df.astype(float)
    if groups is None:
        values = x.to_numpy(dtype=float, na_value=np.nan, copy=True)
        missing = np.isnan(values)
        if missing.any():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # an all-missing column
                fill = np.nanmean(values, axis=0) if how == "mean" else np.nanmedian(values,
                                                                                     axis=0)
            values = np.where(missing, fill[None, :], values)
        return pd.DataFrame(values, index=x.index, columns=x.columns)
    g = groups.reindex(x.index)
    if g.isna().any():
        raise ScoringError("units without a group: " + ", ".join(map(str, g.index[g.isna()][:5])),
                           hint="give every unit a group or impute over all units")
    return x.fillna(x.groupby(g).transform(how))


@IMPUTERS.register("none", "leave", "leave_missing")
def i_none(df: pd.DataFrame, **_: Any) -> pd.DataFrame:
    """Leave missing values missing."""
    return df.astype(float)


@IMPUTERS.register("mean", "imean")
def i_mean(df: pd.DataFrame, *, groups: pd.Series | None = None, **_: Any) -> pd.DataFrame:
    """Fill with the column mean, of all units or of the unit's group.

    >>> i_mean(pd.DataFrame({"a": [1.0, None, 5.0]}))["a"].tolist()
    [1.0, 3.0, 5.0]
    >>> g = pd.Series(["x", "x", "y", "y"])
    >>> i_mean(pd.DataFrame({"a": [1.0, None, 5.0, None]}), groups=g)["a"].tolist()
    [1.0, 1.0, 5.0, 5.0]
    """
    return _fill(df, "mean", groups)


@IMPUTERS.register("median", "imedian")
def i_median(df: pd.DataFrame, *, groups: pd.Series | None = None, **_: Any) -> pd.DataFrame:
    """Fill with the column median, of all units or of the unit's group.

    >>> i_median(pd.DataFrame({"a": [1.0, None, 2.0, 9.0]}))["a"].tolist()
    [1.0, 2.0, 2.0, 9.0]
    """
    return _fill(df, "median", groups)


@IMPUTERS.register("previous", "previous_cycle", "last", "locf")
def i_previous(df: pd.DataFrame, *, previous: pd.DataFrame | None = None,
               **_: Any) -> pd.DataFrame:
    """Fill with the unit's value in the previous cycle (same unit label and column).

    >>> now = pd.DataFrame({"a": [1.0, None]}, index=["AL", "RS"])
    >>> i_previous(now, previous=pd.DataFrame({"a": [0.5, 7.0]}, index=["AL", "RS"]))["a"].tolist()
    [1.0, 7.0]
    """
    if previous is None:
        raise ScoringError("impute method 'previous' needs the previous cycle's data",
                           hint="pass previous=<DataFrame> to Model.run")
    prev = previous.reindex(index=df.index, columns=df.columns).astype(float)
    return df.astype(float).fillna(prev)


def impute(df: pd.DataFrame, method: str = "none", **args: Any) -> pd.DataFrame:
    """Impute missing values of every column with the method named ``method``."""
    return IMPUTERS.get(method)(df, **args)
