"""Outlier treatment as COINr defines it: winsorise tied extremes together, then a log if needed.

This follows COINr's ``Treat()`` / ``qTreat()`` with its defaults (``f1 = "winsorise"``,
``f2 = "log_CT"``, ``f_pass = "check_SkewKurt"``; ``R/treat.R`` and ``R/qfuncs.R`` of
bluefoxr/COINr), column by column:

1. **Check.** With the sample-adjusted ("type 2") skewness and excess kurtosis (COINr's
   ``skew`` and ``kurt``, e1071 type 2, Excel's ``SKEW`` and ``KURT``)::

       m_r = mean((x - mean x)^r)
       G1  = sqrt(n (n - 1)) / (n - 2) * m_3 / m_2^(3/2)
       G2  = (n - 1) / ((n - 2) (n - 3)) * ((n + 1) * m_4 / m_2^2 - 3 (n - 1))

   a column *passes* when ``|G1| < skew_thresh`` (2) **or** ``G2 < kurt_thresh`` (3.5); it is
   treated only when it fails, i.e. ``|G1| >= skew_thresh and G2 >= kurt_thresh``. G1 is
   undefined below 3 values, G2 below 4, both for a constant column; an undefined test
   (R's ``NA``) leaves the column untreated, as COINr does.
2. **Winsorise** (``f1``): while the column fails (or always, with ``force_win``) and fewer
   than ``winmax`` points have been winsorised: on the side the skew points to (the high
   side if ``G1 >= 0``) *every* point tied at the extreme is set to the next value inward
   (``x[imax] <- max(x[-imax])``). The moved points stay tied at the new extreme, so the
   next step moves them again together with the next value. COINr's count of winsorised
   points ``nwin`` is the size of the last group moved on the high side plus that on the
   low side; the loop tests ``nwin < winmax`` *before* a step, so a group of ties can take
   ``nwin`` past ``winmax``.
3. **Check again**; if the winsorised column still fails, ``f2`` (default ``log_CT``) is
   applied to the **original** column (``combine_treat=True``: to the winsorised one).
   If that result cannot be checked (``NA``) the column is returned untreated.

``f2`` transforms (``a = 0.01 (max x - min x)``; all increasing in ``x``):

==================== ==================================================== ==============
name                 formula                                              COINr
==================== ==================================================== ==============
``log_CT``           ``log(x - min x + a)``                               ``log_CT`` (default)
``log_CT_plus``      ``G1 > 0``: ``log(x - min x + a)``, else ``-log(max x + a - x)``  ``log_CT_plus``
``log_CT_orig``      ``log(x - min x + 1)``                               ``log_CT_orig``
``log_CT_orig_plus`` ``G1 > 0``: ``log(x - min x + 1)``, else ``-log(max x - x + 1)`` octasee <= 0.x
``boxcox``           ``y = x - min x + 1``; ``(y^lambda - 1) / lambda`` (``log y`` at 0) ``boxcox``
``none`` / ``None``  no second step: the winsorised column is kept        ``f2 = NULL``
==================== ==================================================== ==============

The limits are tested without rounding error: G1 and G2 use exactly rounded sums
(:func:`math.fsum`), and a value within 1e-6 of a limit (G1 = 2 exactly for one outlier
among four values) is decided in exact rational arithmetic, so the decision depends
neither on the order of the units nor on floating-point noise.

octasee's earlier names are aliases: ``max_points`` = ``winmax``, ``skew_limit`` =
``skew_thresh``, ``kurt_limit`` = ``kurt_thresh``, ``log_fallback=False`` = ``f2=None``
(``log_fallback=True``: the default ``f2``). References: OECD/JRC Handbook (2008); JRC COIN
(2019) *Ten-step guide*, step 4; Becker et al. (2022), COINr, *Environmental Modelling &
Software* 157.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from octasee.errors import ScoringError
from octasee.scoring._registry import Registry, suggest

__all__ = [
    "F2_TRANSFORMS",
    "TREATMENTS",
    "TREAT_ALIASES",
    "TREAT_DEFAULTS",
    "check_skew_kurt",
    "kurt_type2",
    "resolve_treat_options",
    "shape_type2",
    "skew_type2",
    "treat",
    "winsorise_column",
]

TREATMENTS = Registry("treat", prefix="t_")

#: The winsorising options and their defaults (COINr's ``qTreat`` defaults).
TREAT_DEFAULTS: dict[str, Any] = {"winmax": 5, "skew_thresh": 2.0, "kurt_thresh": 3.5,
                                  "force_win": False, "f2": "log_CT", "combine_treat": False,
                                  "boxcox_lambda": None}
#: octasee's earlier names for COINr's options.
TREAT_ALIASES: dict[str, str] = {"max_points": "winmax", "skew_limit": "skew_thresh",
                                 "kurt_limit": "kurt_thresh", "log_fallback": "f2"}
F2_TRANSFORMS: tuple[str, ...] = ("log_CT", "log_CT_plus", "log_CT_orig", "log_CT_orig_plus",
                                  "boxcox", "none")
_NEAR = 1e-6  # a limit this close (relative) is decided exactly


# --------------------------------------------------------------------------- moments
def shape_type2(values: Any) -> tuple[np.ndarray, np.ndarray]:
    """G1 and G2 of every column of a 2-D array (missing values ignored), vectorised.

    The sums are exactly rounded (:func:`math.fsum`), so that they, and a limit test right
    at the boundary (G1 = 2 for one outlier among four values), depend neither on the
    order of the units nor on the other columns; deviations are scaled to a largest of 1
    (G1 and G2 do not change) so that ``m2 ** 1.5`` and ``m2 ** 2`` cannot underflow for
    a column of tiny spread. G1 is NaN below 3 values, G2 below 4; both are 0 for a
    constant column (the treatment itself follows COINr: undefined, see the module).

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
    """Sample-adjusted skewness G1 (Excel ``SKEW``, COINr ``skew``); NaN below 3 values.

    >>> round(skew_type2([1, 2, 3, 10]), 6)
    1.763633
    """
    return float(shape_type2(np.asarray(x, dtype=float).ravel())[0][0])


def kurt_type2(x: Any) -> float:
    """Sample-adjusted excess kurtosis G2 (Excel ``KURT``, COINr ``kurt``); NaN below 4 values.

    >>> round(kurt_type2([1, 2, 3, 10]), 6)
    3.228
    """
    return float(shape_type2(np.asarray(x, dtype=float).ravel())[1][0])


def _shape1(a: np.ndarray) -> tuple[float, float]:
    """G1, G2 of one column without missing values; NaN where COINr's are NaN or NA."""
    n = a.size
    if n < 3 or not np.isfinite(a).all() or a.max() == a.min():
        return math.nan, math.nan
    mean = math.fsum(a.tolist()) / n
    d = a - mean
    d = d / np.abs(d).max()
    d2 = d * d
    m2 = math.fsum(d2.tolist()) / n
    m3 = math.fsum((d2 * d).tolist()) / n
    g1 = math.sqrt(n * (n - 1)) / (n - 2) * m3 / m2**1.5
    if n < 4:
        return g1, math.nan
    m4 = math.fsum((d2 * d2).tolist()) / n
    g2 = (n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * m4 / m2**2 - 3 * (n - 1))
    return g1, g2


def _exact_moments(a: np.ndarray) -> tuple[int, Fraction, Fraction, Fraction]:
    """n, m2, m3, m4 of a column in exact rational arithmetic (the floats as they are)."""
    xs = [Fraction(v) for v in a.tolist()]
    n = len(xs)
    mean = sum(xs, Fraction(0)) / n
    d = [x - mean for x in xs]
    d2 = [v * v for v in d]
    return (n, sum(d2, Fraction(0)) / n, sum((u * v for u, v in zip(d2, d, strict=True)),
                                             Fraction(0)) / n,
            sum((v * v for v in d2), Fraction(0)) / n)


def _near(value: float, limit: float) -> bool:
    return abs(value - limit) <= _NEAR * max(1.0, abs(limit))


def check_skew_kurt(a: Any, skew_thresh: float = 2.0, kurt_thresh: float = 3.5
                    ) -> tuple[bool | None, float, float]:
    """COINr's ``check_SkewKurt``: (pass, G1, G2) of one column (missing values dropped).

    ``pass = |G1| < skew_thresh or G2 < kurt_thresh`` with R's logic for an undefined
    value (``None`` = ``NA``: neither comparison true and one undefined). A value within
    1e-6 of its limit is compared in exact arithmetic.

    >>> check_skew_kurt([1, 2, 3, 10])[0], check_skew_kurt([0, 0, 0, 0, 0, 0, 10])[0]
    (True, False)
    >>> check_skew_kurt([1, 2]), check_skew_kurt([3, 3, 3, 3])[0] is None
    ((None, nan, nan), True)
    """
    x = np.asarray(a, dtype=float).ravel()
    x = x[~np.isnan(x)]
    g1, g2 = _shape1(x)
    skew_ok: bool | None = None if math.isnan(g1) else abs(g1) < skew_thresh
    kurt_ok: bool | None = None if math.isnan(g2) else g2 < kurt_thresh
    if (skew_ok is not None and _near(abs(g1), skew_thresh)) or (
            kurt_ok is not None and _near(g2, kurt_thresh)):
        n, m2, m3, m4 = _exact_moments(x)
        st, kt = Fraction(skew_thresh), Fraction(kurt_thresh)
        if skew_ok is not None:  # |G1| < st  <=>  G1^2 < st^2 (st >= 0)
            skew_ok = n * (n - 1) * m3 * m3 < st * st * (n - 2) ** 2 * m2**3
        if kurt_ok is not None:
            kurt_ok = (n - 1) * ((n + 1) * m4 - 3 * (n - 1) * m2 * m2) < kt * (n - 2) * (
                n - 3) * m2 * m2
    if skew_ok or kurt_ok:
        return True, g1, g2
    if skew_ok is None or kurt_ok is None:
        return None, g1, g2
    return False, g1, g2


def _skew_sign_nonneg(a: np.ndarray, g1: float) -> bool:
    """``skew(x) >= 0`` (COINr's choice of side), exact when G1 is within 1e-9 of 0."""
    if abs(g1) > 1e-9:
        return g1 > 0
    return _exact_moments(a)[2] >= 0


# --------------------------------------------------------------------------- f1 and f2
class _Undefined(Exception):
    """COINr stops with an error (an NA in a test): the column is left untreated."""


def winsorise_column(a: Any, *, winmax: int | None = 5, skew_thresh: float = 2.0,
                     kurt_thresh: float = 3.5, force_win: bool = False
                     ) -> tuple[np.ndarray, int, np.ndarray]:
    """COINr's ``winsorise()`` on one column without missing values.

    Returns the winsorised values, ``nwin`` (COINr's count) and the side of each point
    moved (+1 high, -1 low, 0 untouched). Raises ``ValueError`` where COINr stops with an
    error (a test that is ``NA``, e.g. the column became constant); the callers then leave
    the column untreated, as ``Treat`` does.

    Two points tied at 50 are moved together (``nwin`` 3: 90 to 50, then all three to 4):

    >>> x = np.array([1.0, 2, 2, 3, 3, 3, 4, 4, 1, 2, 3, 2, 1, 2, 3, 2, 2, 3, 1, 2, 3, 2])
    >>> x, nwin, side = winsorise_column(np.append(x, [50, 50, 90]))
    >>> float(x.max()), nwin, np.flatnonzero(side).tolist()
    (4.0, 3, [22, 23, 24])
    """
    x = np.array(a, dtype=float)
    passing = check_skew_kurt(x, skew_thresh, kurt_thresh)[0]
    imax = np.empty(0, dtype=int)
    imin = np.empty(0, dtype=int)
    nwin = 0

    def below() -> bool:
        return winmax is None or nwin < winmax

    def go() -> bool:  # (!passing | force_win) & below_winmax, with R's NA
        if not below():
            return False
        if force_win or passing is False:
            return True
        if passing is None:
            raise _Undefined("the skew/kurtosis test is undefined")
        return False

    if passing is not True or force_win:
        while go():
            g1 = _shape1(x)[0]
            if math.isnan(g1):
                raise _Undefined("the skewness is undefined (a constant column)")
            if _skew_sign_nonneg(x, g1):
                imax = np.flatnonzero(x == x.max())
                rest = np.delete(x, imax)
                if rest.size == 0:
                    raise _Undefined("nothing left to winsorise to")
                x[imax] = rest.max()
            else:
                imin = np.flatnonzero(x == x.min())
                rest = np.delete(x, imin)
                if rest.size == 0:
                    raise _Undefined("nothing left to winsorise to")
                x[imin] = rest.min()
            nwin = imax.size + imin.size
            passing = check_skew_kurt(x, skew_thresh, kurt_thresh)[0]
    side = np.zeros(x.size, dtype=int)
    side[imax] = 1
    side[imin] = -1
    return x, nwin, side


def _f2(name: str, a: np.ndarray, lam: float | None) -> np.ndarray:
    lo, hi = float(a.min()), float(a.max())
    with np.errstate(divide="ignore", invalid="ignore"):
        if name == "log_CT":
            return np.log(a - lo + 0.01 * (hi - lo))
        if name in ("log_CT_plus", "log_CT_orig_plus"):
            c = 0.01 * (hi - lo) if name == "log_CT_plus" else 1.0
            g1 = _shape1(a)[0]
            return np.log(a - lo + c) if g1 > 0 else -np.log(hi + c - a)
        if name == "log_CT_orig":
            return np.log(a - lo + 1.0)
        if name == "boxcox":
            y = a - lo + 1.0
            return np.log(y) if lam == 0 else (y ** lam - 1.0) / lam  # type: ignore[operator]
    raise ScoringError(f"unknown f2 transform {name!r}",  # pragma: no cover - checked before
                       hint="use one of " + ", ".join(F2_TRANSFORMS))


# --------------------------------------------------------------------------- options
def resolve_treat_options(options: Mapping[str, Any], *, what: str = "the treat step",
                          where: str | None = None, defaults: Mapping[str, Any] | None = None
                          ) -> dict[str, Any]:
    """Check winsorising options and return them complete, under COINr's names.

    Aliases (``max_points`` …) are renamed; giving an option under both names, an unknown
    option, or a value out of range (``winmax`` a whole number >= 0 or None; thresholds
    numbers >= 0; ``f2`` one of :data:`F2_TRANSFORMS`) raises :class:`ScoringError`.

    >>> resolve_treat_options({"max_points": 3, "log_fallback": False})["winmax"]
    3
    >>> resolve_treat_options({"winmax": -1})
    Traceback (most recent call last):
    ...
    octasee.errors.ScoringError: the treat step: winmax must be a whole number >= 0 or null (no limit), not -1; e.g. winmax: 5
    """
    base = dict(TREAT_DEFAULTS if defaults is None else defaults)
    out: dict[str, Any] = {}
    names = [*TREAT_DEFAULTS, *TREAT_ALIASES]

    def fail(msg: str, hint: str | None = None) -> ScoringError:
        return ScoringError(f"{what}: {msg}", where=where, hint=hint)

    for key, value in options.items():
        canon = TREAT_ALIASES.get(key, key)
        if canon not in TREAT_DEFAULTS:
            raise fail(f"unknown option {key!r}",
                       suggest(str(key), names) or "the options are " + ", ".join(names))
        if canon in out:
            other = next(k for k in options if k != key and TREAT_ALIASES.get(k, k) == canon)
            raise fail(f"{canon!r} is given twice (as {other!r} and {key!r})",
                       f"keep one: {canon!r} is COINr's name, {key!r} and {other!r} mean "
                       "the same")
        if key == "log_fallback":
            if not isinstance(value, bool):
                raise fail(f"log_fallback must be true or false, not {value!r}",
                           "or write f2: log_CT (the default) / f2: none")
            value = base["f2"] if value else None
            if value is None and "f2" in options:
                raise fail("'f2' is given twice (as 'log_fallback' and 'f2')", "keep f2")
        out[canon] = value
    res = {**base, **out}
    w = res["winmax"]
    if w is not None and (isinstance(w, bool) or not isinstance(w, int) or w < 0):
        raise fail(f"winmax must be a whole number >= 0 or null (no limit), not {w!r}",
                   "e.g. winmax: 5")
    for k in ("skew_thresh", "kurt_thresh"):
        v = res[k]
        if isinstance(v, bool) or not isinstance(v, int | float) or not v >= 0 or v == math.inf:
            raise fail(f"{k} must be a finite number >= 0, not {v!r}",
                       f"e.g. {k}: {TREAT_DEFAULTS[k]:g} (COINr's default)")
        res[k] = float(v)
    for k in ("force_win", "combine_treat"):
        if not isinstance(res[k], bool):
            raise fail(f"{k} must be true or false, not {res[k]!r}")
    f2 = res["f2"]
    if f2 is not None and f2 not in F2_TRANSFORMS:
        raise fail(f"unknown f2 transform {f2!r}",
                   suggest(str(f2), F2_TRANSFORMS) or "use one of " + ", ".join(F2_TRANSFORMS)
                   + " or null")
    if f2 == "none":
        res["f2"] = None
    lam = res["boxcox_lambda"]
    if lam is not None and (isinstance(lam, bool) or not isinstance(lam, int | float)
                            or not math.isfinite(lam)):
        raise fail(f"boxcox_lambda must be a number, not {lam!r}")
    if res["f2"] == "boxcox" and lam is None:
        raise fail("f2: boxcox needs boxcox_lambda", "e.g. boxcox_lambda: 0.5")
    if res["force_win"] and res["winmax"] is None:
        raise fail("force_win needs a winmax (it winsorises up to winmax whatever the limits)",
                   "give winmax: 5, say, or set force_win: false")
    return res


# --------------------------------------------------------------------------- the method
def _treat_column(column: np.ndarray, labels: Any, opts: Mapping[str, Any]
                  ) -> tuple[np.ndarray, dict[str, Any]]:
    """COINr's ``Treat.numeric`` on one column (missing values kept where they are)."""
    mask = ~np.isnan(column)
    a = column[mask]
    st, kt = opts["skew_thresh"], opts["kurt_thresh"]
    pass0, sk0, ku0 = check_skew_kurt(a, st, kt)
    entry: dict[str, Any] = {"skew": sk0, "kurt": ku0, "pass": pass0, "points": [],
                             "nwin": 0, "winsorised": [], "log": False, "transform": None}
    if pass0 is not True:
        if pass0 is None:
            entry["untreated"] = "the skew/kurtosis test is undefined (fewer than 4 values?)"
            return column, entry
        try:
            x1, nwin, side = winsorise_column(a, winmax=opts["winmax"], skew_thresh=st,
                                              kurt_thresh=kt, force_win=opts["force_win"])
        except _Undefined as exc:
            entry["untreated"] = f"winsorising stopped: {exc} (COINr leaves it untreated)"
            return column, entry
        lab = labels[mask]
        entry["nwin"] = nwin
        entry["winsorised"] = [(lab[i], "high" if side[i] > 0 else "low")
                               for i in np.flatnonzero(side)]
        pass1, sk1, ku1 = check_skew_kurt(x1, st, kt)
        entry.update(pass_winsorised=pass1, skew_winsorised=sk1, kurt_winsorised=ku1)
        if pass1 is None:
            entry["untreated"] = "the test after winsorising is undefined (COINr: untreated)"
            return column, entry
        result = x1
        if pass1 is False and opts["f2"] is not None:
            base = x1 if opts["combine_treat"] else a
            result = _f2(opts["f2"], base, opts["boxcox_lambda"])
            entry.update(log=True, transform=opts["f2"])
            pass2 = check_skew_kurt(result, st, kt)[0]
            entry["pass_transformed"] = pass2
            if pass2 is None:
                entry["untreated"] = "the test after the transform is undefined (COINr: untreated)"
                return column, entry
        else:
            changed = np.flatnonzero(result != a)
            entry["points"] = [(lab[i], float(a[i]), float(result[i])) for i in changed]
        column = column.copy()
        column[mask] = result
        after = _shape1(result)
        entry.update(skew_after=after[0], kurt_after=after[1])
    return column, entry


@TREATMENTS.register("winsorise", "winsorize", "winsor")
def t_winsorise(df: pd.DataFrame, *, winmax: int | None = 5, skew_thresh: float = 2.0,
                kurt_thresh: float = 3.5, force_win: bool = False, f2: str | None = "log_CT",
                combine_treat: bool = False, boxcox_lambda: float | None = None,
                indiv_specs: Mapping[str, Any] | None = None,
                max_points: int | None = None, skew_limit: float | None = None,
                kurt_limit: float | None = None, log_fallback: bool | None = None
                ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """COINr's default treatment (``qTreat``): winsorise tied extremes together, else ``f2``.

    ``indiv_specs``: per column, options that override these (COINr's ``indiv_specs``),
    or ``False``/``"none"`` for no treatment. The aliases ``max_points``, ``skew_limit``,
    ``kurt_limit`` and ``log_fallback`` are octasee's earlier names (None: not given).

    Returns the treated frame and a report per column: ``skew``/``kurt`` and ``pass``
    before, ``nwin`` (COINr's count of winsorised points) and ``winsorised`` (unit, side),
    ``points`` (unit, old, new) of the values changed in the output (none if ``f2`` was
    used), ``log``/``transform``, ``skew_after``/``kurt_after``, and ``untreated`` with the
    reason where COINr would leave the column as it is.

    >>> d = pd.DataFrame({"a": [1.0, 2, 2, 3, 3, 3, 4, 4, 50, 60, 1, 2, 3, 2, 1, 2, 3, 2]})
    >>> out, rep = t_winsorise(d, f2=None)
    >>> float(out["a"].max()), rep["a"]["nwin"], [p[0] for p in rep["a"]["points"]]
    (4.0, 2, [8, 9])
    """
    given = {k: v for k, v in {"winmax": winmax, "skew_thresh": skew_thresh,
                               "kurt_thresh": kurt_thresh, "force_win": force_win, "f2": f2,
                               "combine_treat": combine_treat,
                               "boxcox_lambda": boxcox_lambda}.items()
             if v is not TREAT_DEFAULTS[k] and v != TREAT_DEFAULTS[k]}
    for alias, value in {"max_points": max_points, "skew_limit": skew_limit,
                         "kurt_limit": kurt_limit, "log_fallback": log_fallback}.items():
        if value is not None:
            given[alias] = value
    opts = resolve_treat_options(given)
    per: dict[str, dict[str, Any] | None] = {}
    for col, spec in (indiv_specs or {}).items():
        if col not in df.columns:
            raise ScoringError(f"indiv_specs names {col!r}, which is not a column to treat",
                               hint=suggest(str(col), list(map(str, df.columns)))
                               or "name an indicator")
        if spec is False or (isinstance(spec, str) and spec.lower() == "none"):
            per[col] = None
        elif spec is True or spec is None:
            per[col] = opts
        elif isinstance(spec, Mapping):
            per[col] = resolve_treat_options(spec, what=f"the treatment of {col!r}",
                                             defaults=opts)
        else:
            raise ScoringError(f"the treatment of {col!r} must be true, false, 'none' or a "
                               f"mapping of options, not {spec!r}")
    values = df.to_numpy(dtype=float, na_value=np.nan, copy=True)
    report: dict[str, Any] = {}
    g1, g2 = shape_type2(values)  # every column at once: most pass and are left alone
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-missing column
        spread = np.nanmax(values, axis=0, initial=-np.inf) > np.nanmin(values, axis=0,
                                                                        initial=np.inf)
    for j, col in enumerate(df.columns):
        o = per.get(col, opts)
        if o is None:
            report[col] = {"skew": float(g1[j]), "kurt": float(g2[j]), "pass": None,
                           "points": [], "nwin": 0, "winsorised": [], "log": False,
                           "transform": None, "untreated": "no treatment for this indicator"}
            continue
        sk, ku = float(g1[j]), float(g2[j])
        clearly_passes = (abs(sk) < o["skew_thresh"] and not _near(abs(sk), o["skew_thresh"])
                          ) or (ku < o["kurt_thresh"] and not _near(ku, o["kurt_thresh"]))
        if clearly_passes and spread[j]:  # (constant: COINr's test is NA)
            report[col] = {"skew": sk, "kurt": ku, "pass": True, "points": [], "nwin": 0,
                           "winsorised": [], "log": False, "transform": None}
            continue
        values[:, j], report[col] = _treat_column(values[:, j], df.index, o)
        if o is not opts:
            report[col]["options"] = {k: o[k] for k in TREAT_DEFAULTS}
    return pd.DataFrame(values, index=df.index, columns=df.columns), report


@TREATMENTS.register("none", "no_treatment")
def t_none(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    """No treatment."""
    return df.astype(float), {}


def treat(df: pd.DataFrame, method: str = "winsorise", **args: Any
          ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Treat outliers in every column with the method named ``method``."""
    return TREATMENTS.get(method)(df, **args)
