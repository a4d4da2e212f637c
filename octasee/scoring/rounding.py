"""Rounding at output: half-up (away from zero) that survives binary floating point.

Values are stored unrounded everywhere in :mod:`octasee.scoring`; rounding happens only
when a result is written or compared with a published figure.

Why not :func:`round` or :meth:`pandas.Series.round`? Both round half to *even* and work on
the binary value: ``round(2.675, 2) == 2.67`` and ``round(0.125, 2) == 0.12``. Published
indices (the GI-TOC Global Organized Crime Index, Excel's ``ROUND``) round half *up*, on
the decimal value that the analyst sees. A mean such as ``4.625`` may also be stored as
``4.6249999999999996`` after a few additions and must still round to ``4.63``.

The method: snap each value to ``snap`` decimals (default 9, far below any reporting
precision and far above float noise), take that as an exact integer ``k``, then round
``k`` half away from zero in integer arithmetic::

    k = rint(x * 10**snap)
    q = 10**(snap - digits)
    rounded = sign(k) * ((|k| + q // 2) // q) / 10**digits

Values too large for 64-bit integers at that precision fall back to :class:`decimal.Decimal`
on ``repr(x)``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Literal, TypeVar

import numpy as np
import pandas as pd

from octasee.errors import ScoringError

__all__ = ["round_half_even", "round_half_up", "round_values"]

T = TypeVar("T", float, np.ndarray, pd.Series, pd.DataFrame)

_SNAP = 9
_LIMIT = 9.0e8  # |x| * 10**9 must stay below 2**63


def _half_up_array(a: np.ndarray, digits: int, snap: int) -> np.ndarray:
    a = np.asarray(a, dtype=float)
    out = np.full(a.shape, np.nan)
    finite = np.isfinite(a)
    small = finite & (np.abs(a) < _LIMIT)
    if digits >= snap:
        return a.copy()
    if small.any():
        k = np.rint(a[small] * 10.0**snap).astype(np.int64)
        q = np.int64(10 ** (snap - digits))
        r = (np.abs(k) + q // 2) // q
        out[small] = np.sign(k) * r / 10.0**digits
    big = finite & ~small
    if big.any():
        exp = Decimal(1).scaleb(-digits)
        out[big] = [float(Decimal(repr(float(v))).quantize(exp, rounding=ROUND_HALF_UP))
                    for v in a[big]]
    inf = np.isinf(a)
    out[inf] = a[inf]
    return out


def round_half_up(x: T, digits: int = 2, *, snap: int = _SNAP) -> T:
    """Round half away from zero to ``digits`` decimals, robust to float noise.

    Accepts a float, a numpy array, a Series or a DataFrame (numeric columns are rounded,
    others kept) and returns the same kind. Missing values stay missing.

    >>> round_half_up(4.625), round_half_up(4.6249999999999996), round_half_up(2.675)
    (4.63, 4.63, 2.68)
    >>> round_half_up(-0.125, 2)
    -0.13
    """
    if not isinstance(digits, int | np.integer) or digits < 0:
        raise ScoringError(f"digits must be a whole number >= 0, not {digits!r}")
    if isinstance(x, pd.DataFrame):
        numeric = [pd.api.types.is_numeric_dtype(dt) and not pd.api.types.is_bool_dtype(dt)
                   for dt in x.dtypes]
        num = [c for c, ok in zip(x.columns, numeric, strict=True) if ok]
        if all(numeric):
            arr = _half_up_array(x.to_numpy(dtype=float, na_value=np.nan), int(digits), snap)
            return pd.DataFrame(arr, index=x.index, columns=x.columns)
        out = x.copy()
        for c in num:
            out[c] = _half_up_array(out[c].to_numpy(dtype=float, na_value=np.nan),
                                    int(digits), snap)
        return out
    if isinstance(x, pd.Series):
        return pd.Series(_half_up_array(x.to_numpy(dtype=float, na_value=np.nan),
                                        int(digits), snap), index=x.index, name=x.name)
    if isinstance(x, np.ndarray):
        return _half_up_array(x, int(digits), snap)
    return float(_half_up_array(np.array([x], dtype=float), int(digits), snap)[0])


def round_half_even(x: T, digits: int = 2) -> T:
    """Round half to even on the decimal value (banker's rounding), for comparison only.

    >>> round_half_even(4.625), round_half_even(4.635)
    (4.62, 4.64)
    """
    exp = Decimal(1).scaleb(-digits)

    def one(v: float) -> float:
        if not np.isfinite(v):
            return v
        return float(Decimal(repr(float(np.round(v, _SNAP)))).quantize(exp, ROUND_HALF_EVEN))

    f = np.vectorize(one, otypes=[float])
    if isinstance(x, pd.DataFrame):
        return x.apply(lambda s: pd.Series(f(s.to_numpy(float)), index=s.index)
                       if pd.api.types.is_numeric_dtype(s) else s)
    if isinstance(x, pd.Series):
        return pd.Series(f(x.to_numpy(float)), index=x.index, name=x.name)
    if isinstance(x, np.ndarray):
        return f(x)
    return float(f(np.array([x]))[0])


def round_values(x: T, digits: int = 2, *, mode: Literal["half_up", "half_even"] = "half_up") -> T:
    """Round with the named ``mode`` (``half_up`` default, ``half_even``)."""
    if mode == "half_up":
        return round_half_up(x, digits)
    if mode == "half_even":
        return round_half_even(x, digits)
    raise ScoringError(f"unknown rounding mode {mode!r}", hint="use 'half_up' or 'half_even'")
