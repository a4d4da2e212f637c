"""Trends and outlook: change between cycles, robust trends, emerging threats, wording.

All functions take a tidy DataFrame (one row an observation) with a unit column
(default ``country``), an indicator column (``indicator``), a period column (``period``: a
year, or a cycle code such as ``"2013-2017"``, read as its last year) and ``value``.

* :func:`indicator_change`: change between consecutive periods of each series, with an
  uncertainty band ``delta +/- z * sqrt(se_t^2 + se_(t-1)^2)`` from a standard-error column
  or a fixed measurement error (for GI-TOC's expert scores in 0.5 steps, ``0.25``).
* :func:`robust_trend`: Theil-Sen slope (median of pairwise slopes,
  :func:`scipy.stats.theilslopes`) with its confidence interval, and a projection for the
  next period with an interval (see the function).
* :func:`emerging_threats`: fast growth from a low base.
* :func:`estimative_term`: probability -> the PHIA probability yardstick.

References: Sen P. K. (1968) JASA 63; Theil H. (1950); UK Professional Head of Intelligence
Assessment (PHIA), *Probability yardstick* (2019 edition).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from octasee.errors import ScoringError
from octasee.scoring._registry import suggest

__all__ = ["YARDSTICK", "emerging_threats", "estimative_term", "indicator_change",
           "robust_trend", "term_range"]

# (term, published low %, published high %, lower edge used, upper edge used)
YARDSTICK: tuple[tuple[str, float, float, float, float], ...] = (
    ("remote chance", 0, 5, 0.0, 7.5),
    ("highly unlikely", 10, 20, 7.5, 22.5),
    ("unlikely", 25, 35, 22.5, 37.5),
    ("realistic possibility", 40, 50, 37.5, 52.5),
    ("likely", 55, 75, 52.5, 77.5),
    ("highly likely", 80, 90, 77.5, 92.5),
    ("almost certain", 95, 100, 92.5, 100.0),
)


def _period_number(p: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(p):
        return p.astype(float)

    def one(v: Any) -> float:
        years = re.findall(r"\d{4}", str(v))
        if not years:
            raise ScoringError(f"cannot read the period {v!r} as a year",
                               hint="give a year (2017) or a cycle code (2013-2017)")
        return float(years[-1])
    return p.map(one).astype(float)


def _check(df: pd.DataFrame, cols: list[str]) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ScoringError(f"the table has no column {missing[0]!r}",
                           hint="columns found: " + ", ".join(map(str, df.columns)))


def indicator_change(df: pd.DataFrame, *, unit: str = "country", indicator: str = "indicator",
                     period: str = "period", value: str = "value", se: str | None = None,
                     measurement_error: float = 0.0, z: float = 1.96) -> pd.DataFrame:
    """Change of each series between consecutive periods, with an uncertainty band.

    ``delta = v_t - v_(t-1)``, ``pct = delta / |v_(t-1)| * 100``, band
    ``delta +/- z * sqrt(se_t^2 + se_(t-1)^2)`` (``se`` column, else ``measurement_error``
    for both); ``direction`` is ``up``/``down`` when the band excludes 0, else ``stable``.

    >>> d = pd.DataFrame({"country": ["RS", "RS"], "indicator": ["heroin"] * 2,
    ...                   "period": [2021, 2023], "value": [5.0, 6.5]})
    >>> r = indicator_change(d, measurement_error=0.25).iloc[0]
    >>> float(r["delta"]), round(float(r["low"]), 3), r["direction"]
    (1.5, 0.807, 'up')
    """
    _check(df, [unit, indicator, period, value] + ([se] if se else []))
    d = df.copy()
    d["_t"] = _period_number(d[period])
    d = d.sort_values([unit, indicator, "_t"], kind="stable")
    g = d.groupby([unit, indicator], sort=False)
    prev_v = g[value].shift()
    prev_p = g[period].shift()
    err = d[se].astype(float) if se else pd.Series(float(measurement_error), index=d.index)
    prev_e = g[se].shift().astype(float) if se else err
    delta = d[value].astype(float) - prev_v
    half = z * np.sqrt(err**2 + prev_e**2)
    out = pd.DataFrame({unit: d[unit], indicator: d[indicator], "from": prev_p,
                        "to": d[period], "before": prev_v, "after": d[value].astype(float),
                        "delta": delta,
                        "pct": delta / prev_v.abs().where(prev_v != 0) * 100,
                        "low": delta - half, "high": delta + half})
    out = out[prev_v.notna() | d[value].isna()].dropna(subset=["before"])
    out["direction"] = np.select([out["low"] > 0, out["high"] < 0], ["up", "down"], "stable")
    return out.reset_index(drop=True)


def robust_trend(df: pd.DataFrame, *, unit: str = "country", indicator: str = "indicator",
                 period: str = "period", value: str = "value", confidence: float = 0.90,
                 horizon: float | None = None) -> pd.DataFrame:
    """Theil-Sen trend per series, its confidence interval and a projection interval.

    For each series with at least 3 points: ``slope`` (median pairwise slope),
    ``intercept = median(y - slope t)``, ``slope_low``/``slope_high`` (the ``confidence``
    interval of :func:`scipy.stats.theilslopes`). The projection at ``t* = last + horizon``
    (default horizon: the median spacing of the periods) is ``intercept + slope t*``; its
    interval takes the lines through the fitted value at the median period with the two
    slope bounds and widens
    them by the residual spread ``q * 1.4826 * MAD(residuals)`` (``q`` the normal quantile of
    ``confidence``)::

        low  = min(line_low(t*), line_high(t*)) - q * 1.4826 * MAD
        high = max(line_low(t*), line_high(t*)) + q * 1.4826 * MAD

    >>> d = pd.DataFrame({"country": "RS", "indicator": "x", "period": [2019, 2020, 2021, 2022],
    ...                   "value": [1.0, 2.0, 3.0, 4.0]})
    >>> r = robust_trend(d).iloc[0]
    >>> float(r["slope"]), float(r["projection"]), float(r["next_period"])
    (1.0, 5.0, 2023.0)
    """
    # lazy: scipy.stats costs ~1.1 s, and every `octasee` command imports this module
    from scipy import stats

    _check(df, [unit, indicator, period, value])
    d = df.dropna(subset=[value]).copy()
    d["_t"] = _period_number(d[period])
    q = float(stats.norm.ppf(0.5 + confidence / 2))
    rows = []
    for (u, ind), s in d.sort_values("_t").groupby([unit, indicator], sort=True):
        t = s["_t"].to_numpy(float)
        y = s[value].to_numpy(float)
        row: dict[str, Any] = {unit: u, indicator: ind, "n": len(y), "first": y[0],
                               "last": y[-1]}
        if len(np.unique(t)) < 3:
            rows.append(row)
            continue
        slope, intercept, lo, hi = stats.theilslopes(y, t, alpha=confidence, method="joint")
        step = horizon if horizon is not None else float(np.median(np.diff(np.unique(t))))
        t_next = t.max() + step
        tm = float(np.median(t))
        ym = intercept + slope * tm  # the fitted value at the median period
        resid = y - (intercept + slope * t)
        spread = q * 1.4826 * float(np.median(np.abs(resid - np.median(resid))))
        ends = [ym + b * (t_next - tm) for b in (lo, hi)]
        rows.append({**row, "slope": slope, "slope_low": lo, "slope_high": hi,
                     "intercept": intercept, "next_period": t_next,
                     "projection": intercept + slope * t_next,
                     "projection_low": min(ends) - spread, "projection_high": max(ends) + spread,
                     "trend": "up" if lo > 0 else "down" if hi < 0 else "stable"})
    return pd.DataFrame(rows)


def emerging_threats(df: pd.DataFrame, *, unit: str = "country", indicator: str = "indicator",
                     period: str = "period", value: str = "value", base_quantile: float = 1 / 3,
                     base_max: float | None = None, growth_min: float = 0.25) -> pd.DataFrame:
    """Flag emerging threats: fast growth from a low base.

    Per series: ``base`` = first value; ``low_base`` when ``base <= base_max`` (default: the
    ``base_quantile`` of all series' first values of the same indicator); ``growth`` = total
    relative change per period, ``(last / base)^(1 / (t_last - t_first)) - 1`` (compound rate,
    with the Theil-Sen slope / |base| used when the base is 0 or negative); ``fast`` when
    ``growth >= growth_min``; ``emerging = low_base and fast``.

    >>> d = pd.DataFrame({"country": ["AL", "AL", "RS", "RS"], "indicator": "x",
    ...                   "period": [2020, 2022, 2020, 2022], "value": [1.0, 2.0, 8.0, 8.5]})
    >>> emerging_threats(d, base_max=2)["emerging"].tolist()
    [True, False]
    """
    _check(df, [unit, indicator, period, value])
    d = df.dropna(subset=[value]).copy()
    d["_t"] = _period_number(d[period])
    d = d.sort_values([unit, indicator, "_t"], kind="stable")
    g = d.groupby([unit, indicator], sort=True)
    first, last = g[value].first().astype(float), g[value].last().astype(float)
    t0, t1 = g["_t"].first(), g["_t"].last()
    span = (t1 - t0).where(t1 > t0)
    out = pd.DataFrame({"base": first, "latest": last, "first_period": t0, "last_period": t1})
    with np.errstate(invalid="ignore", divide="ignore"):
        compound = (last / first) ** (1.0 / span) - 1.0
        linear = (last - first) / span / first.abs()
    out["growth"] = compound.where(first > 0, linear.where(first != 0, np.inf * np.sign(last)))
    if base_max is None:
        thresholds = first.groupby(level=1).quantile(base_quantile)
        out["base_threshold"] = thresholds.reindex(out.index.get_level_values(1)).to_numpy()
    else:
        out["base_threshold"] = float(base_max)
    out["low_base"] = out["base"] <= out["base_threshold"]
    out["fast_growth"] = out["growth"] >= growth_min
    out["emerging"] = out["low_base"] & out["fast_growth"] & span.notna()
    return out.reset_index()


def estimative_term(p: Any, *, percent: bool = False, strict: bool = False) -> Any:
    """The PHIA yardstick term for a probability (0..1, or 0..100 with ``percent=True``).

    Published ranges: remote chance <= 5 %, highly unlikely 10-20 %, unlikely 25-35 %,
    realistic possibility 40-50 %, likely 55-75 %, highly likely 80-90 %, almost certain
    >= 95 %. The yardstick leaves gaps (5-10, 20-25, 35-40, 50-55, 75-80, 90-95 %) on
    purpose; a probability in a gap is given the term whose range is nearer, the gap being
    split at its midpoint (7.5, 22.5, 37.5, 52.5, 77.5, 92.5 %; a midpoint goes up). With
    ``strict=True`` a probability in a gap raises instead, so that the analyst chooses.

    >>> estimative_term(0.6), estimative_term(0.93), estimative_term(21, percent=True)
    ('likely', 'almost certain', 'highly unlikely')
    >>> estimative_term(pd.Series([0.02, 0.45])).tolist()
    ['remote chance', 'realistic possibility']
    """
    arr = np.asarray(p, dtype=float) * (1.0 if percent else 100.0)
    if np.any((arr < 0) | (arr > 100)):
        raise ScoringError("a probability must lie between 0 and 1 (or 0 and 100 with "
                           "percent=True)")
    edges = np.array([t[4] for t in YARDSTICK[:-1]])
    idx = np.searchsorted(edges, arr, side="right")
    terms = np.array([t[0] for t in YARDSTICK], dtype=object)[idx]
    if strict:
        lo = np.array([t[1] for t in YARDSTICK])[idx]
        hi = np.array([t[2] for t in YARDSTICK])[idx]
        gap = ((arr < lo) | (arr > hi)) & ~np.isnan(arr)
        if np.any(gap):
            v = float(np.atleast_1d(arr)[np.atleast_1d(gap)][0])
            raise ScoringError(f"{v:g} % falls in a gap of the PHIA yardstick",
                               hint="choose the term yourself or use strict=False")
    if isinstance(p, pd.Series):
        return pd.Series(terms, index=p.index, name=p.name)
    return terms if np.ndim(arr) else str(terms)


def term_range(term: str) -> tuple[float, float]:
    """The published probability range (in %) of a yardstick term.

    >>> term_range("likely")
    (55.0, 75.0)
    """
    for name, lo, hi, _, _ in YARDSTICK:
        if name == term.strip().lower():
            return float(lo), float(hi)
    raise ScoringError(f"unknown yardstick term {term!r}",
                       hint=suggest(term, [t[0] for t in YARDSTICK]))
