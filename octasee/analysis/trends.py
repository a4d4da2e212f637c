"""Trends of a regional series: a robust line, a structural break, outlier years, and the
probability that the level at the horizon is above the last one observed.

How a trend is judged (chapter 1 quotes this)
---------------------------------------------
1. **The series.** The regional total of one indicator per year, summed over a declared
   panel of countries: those that reported every year of the span, so that a country
   that stops reporting does not read as a fall. The span is the longest run of years up
   to the cycle's last over which at least three quarters of the countries reporting in
   it reported every year (:func:`octasee.analysis.coverage.balanced_span`,
   :func:`~octasee.analysis.coverage.panel_series`); the finding names the countries
   left out of the sum.
2. **A break.** Before any trend is drawn, we ask whether the series is better described
   by two straight lines than by one: every year that leaves at least three years on each
   side is tried as the start of a second line, and the best split is kept only if it
   beats a single line by the Bayesian information criterion (BIC: the fit improves by
   more than the three extra numbers a second line needs would explain by chance). A
   series with a break (the 2015 peak of irregular migration and the closure of the route
   in 2016, for example) is judged on the part after the break, or not at all.
3. **The line.** A Theil-Sen line: its slope is the median of the slopes between every
   pair of years, so one exceptional year does not tilt it. Its direction is stated only
   when the line and the first and last years agree.
4. **The probability.** We take the horizon to be the last year of the next cycle (2022
   for 2013-2017). From the line and its residuals (how far each year lies from it) we
   simulate 4,000 series that could have been observed instead (a residual bootstrap with
   a fixed seed: the same data always give the same answer), fit a line to each, and
   project each to the horizon with a fresh residual. The probability that the level will
   be higher at the horizon than in the last year observed is the share of projections
   above it. However regular the series, it is never put above (n+1)/(n+2) or below
   1/(n+2) with n years (Laplace's rule of succession: what n years that all agree can
   say about the next): nine years allow at most 91 % ("highly likely"), four years at
   most 83 %. The probability is turned into words with the PHIA yardstick. Fewer than
   four years after a break: no probability ("not judged").
5. **Confidence** starts from the grading of the rows behind the series and drops one
   step (high, moderate, low) for each of: a year in which not every member country
   reported, a break, one country making up half or more of the total, fewer than five
   years.
6. **Outlier years** are years whose distance from the line (after a break, from its own
   segment's line) is more than 3.5 robust standard deviations (1.4826 times the median
   absolute deviation of the distances).

>>> m = trend_model([2013, 2014, 2015, 2016, 2017], [10, 12, 13, 15, 16], horizon_year=2022)
>>> m.direction, round(m.slope, 2), m.probability_up <= 6 / 7
('up', 1.5, True)
>>> b = detect_break(list(range(2009, 2018)), [5, 6, 5, 6, 7, 30, 20, 10, 2])
>>> b.year
2014
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["BOOTSTRAP_DRAWS", "MIN_JUDGED", "MIN_SEGMENT", "OUTLIER_SD", "SEED", "Break",
           "TrendModel", "detect_break", "outlier_years", "segment_fit", "theil_sen",
           "trend_model", "trend_probability", "trend_summary"]

#: Projections drawn by the residual bootstrap of :func:`trend_model`.
BOOTSTRAP_DRAWS = 4000
#: The bootstrap's seed: the same series always gives the same probability.
SEED = 20180101
#: A break leaves at least this many years on each side (:func:`detect_break`).
MIN_SEGMENT = 3
#: A trend is judged (given a probability) on at least this many years.
MIN_JUDGED = 4
#: A year is an outlier beyond this many robust standard deviations from its line.
OUTLIER_SD = 3.5

_METHOD = ("Theil-Sen line; residual bootstrap ({draws} draws, seed {seed}) of the level in "
           "{h} against {last_year}; probability bounded by Laplace's rule of succession "
           "({lo:.2f} to {hi:.2f} with {n} years)")


def _xy(years: Sequence[float], values: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(years, dtype=float)
    y = np.asarray(values, dtype=float)
    order = np.argsort(x, kind="stable")
    return x[order], y[order]


def theil_sen(years: Sequence[float], values: Sequence[float]) -> tuple[float, float]:
    """The Theil-Sen line (slope, intercept): the median of the pairwise slopes, and the
    intercept ``median(y) - slope * median(x)`` (as :func:`scipy.stats.theilslopes`,
    without importing scipy.stats, which takes about a second).

    >>> theil_sen([2013, 2014, 2015, 2016], [1, 3, 2, 7])
    (2.0, -4026.5)
    """
    x, y = _xy(years, values)
    if len(x) < 2:
        return 0.0, float(y[0]) if len(y) else float("nan")
    i, j = np.triu_indices(len(x), k=1)
    keep = x[j] != x[i]
    if not keep.any():
        return 0.0, float(np.median(y))
    slope = float(np.median((y[j] - y[i])[keep] / (x[j] - x[i])[keep]))
    return slope, float(np.median(y) - slope * np.median(x))


@dataclass(frozen=True)
class TrendModel:
    """What :func:`trend_model` found.

    ``slope`` and ``intercept``: the Theil-Sen line (per year); ``n``: years fitted;
    ``level``: the line's level at ``horizon_year``; ``interval``: the 5th and 95th
    percentiles of the projected level there (a 90 % prediction interval, not below 0
    for a series that never is); ``bootstrap_up``: the share of projections above
    ``last_value`` (the last year's level); ``probability_up``: the same within Laplace's
    bounds ``1/(n+2)`` .. ``(n+1)/(n+2)``; ``direction``: ``"up"``/``"down"`` when the
    line and the first and last years agree, else ``"none"``.
    """

    slope: float
    intercept: float
    n: int
    first_year: int
    last_year: int
    first_value: float
    last_value: float
    horizon_year: int
    level: float
    interval: tuple[float, float]
    bootstrap_up: float
    probability_up: float
    method: str

    @property
    def direction(self) -> str:
        if self.slope > 0 and self.last_value > self.first_value:
            return "up"
        if self.slope < 0 and self.last_value < self.first_value:
            return "down"
        return "none"

    @property
    def probability_down(self) -> float:
        return 1.0 - self.probability_up


def trend_model(years: Sequence[float], values: Sequence[float], *, horizon_year: int,
                seed: int = SEED, draws: int = BOOTSTRAP_DRAWS) -> TrendModel:
    """A forecast of a series' level at ``horizon_year``: Theil-Sen line, residual
    bootstrap, probability that the level there is above the last observed level.

    The residuals of the line, scaled by sqrt(n/(n-2)) for the two numbers the line
    uses, are resampled onto the line ``draws`` times; each resampled series gets its own
    Theil-Sen line (all at once, with numpy), which is projected to the horizon with one
    more resampled residual. See the module's description for the bounds.

    >>> m = trend_model([2013, 2014, 2015, 2016], [4, 3, 2, 1], horizon_year=2022)
    >>> m.direction, m.probability_up, m.interval
    ('down', 0.16666666666666666, (0.0, 0.0))
    """
    x, y = _xy(years, values)
    ok = ~np.isnan(y)
    x, y = x[ok], y[ok]
    n = len(x)
    if n < 2:
        raise ValueError("a trend needs at least two years with a value")
    slope, intercept = theil_sen(x, y)
    xm, ym = float(np.median(x)), float(np.median(y))
    fit = ym + slope * (x - xm)
    resid = (y - fit) * (math.sqrt(n / (n - 2)) if n > 2 else 1.0)
    rng = np.random.default_rng(seed)
    star = fit + resid[rng.integers(0, n, size=(draws, n))]
    i, j = np.triu_indices(n, k=1)
    keep = x[j] != x[i]
    i, j = i[keep], j[keep]
    slopes = np.median((star[:, j] - star[:, i]) / (x[j] - x[i]), axis=1)
    level = (np.median(star, axis=1) + slopes * (horizon_year - xm)
             + resid[rng.integers(0, n, size=draws)])
    last = float(y[-1])
    up = float(np.mean(level > last) + 0.5 * np.mean(level == last))
    lo_p, hi_p = 1.0 / (n + 2), (n + 1.0) / (n + 2)
    lo, hi = (float(v) for v in np.percentile(level, [5, 95]))
    if (y >= 0).all():
        lo, hi = max(lo, 0.0), max(hi, 0.0)
    method = _METHOD.format(draws=draws, seed=seed, h=horizon_year, last_year=int(x[-1]),
                            lo=lo_p, hi=hi_p, n=n)
    return TrendModel(slope=slope, intercept=intercept, n=n, first_year=int(x[0]),
                      last_year=int(x[-1]), first_value=float(y[0]), last_value=last,
                      horizon_year=int(horizon_year),
                      level=ym + slope * (horizon_year - xm), interval=(lo, hi),
                      bootstrap_up=up, probability_up=float(min(max(up, lo_p), hi_p)),
                      method=method)


@dataclass(frozen=True)
class Break:
    """A structural break: the series is two lines, the second starting in ``year``.

    ``index``: the position of ``year`` in the sorted series; ``bic_one``/``bic_two``: the
    BIC of one line and of the two lines (lower is better); ``before``/``after``: the
    Theil-Sen (slope, intercept) of each segment.
    """

    year: int
    index: int
    bic_one: float
    bic_two: float
    before: tuple[float, float]
    after: tuple[float, float]


def _rss(x: np.ndarray, y: np.ndarray) -> float:
    """Residual sum of squares of the least-squares line through (x, y)."""
    xc = x - x.mean()
    sxx = float((xc ** 2).sum())
    b = float((xc * (y - y.mean())).sum()) / sxx if sxx else 0.0
    return float(((y - y.mean() - b * xc) ** 2).sum())


def detect_break(years: Sequence[float], values: Sequence[float], *,
                 min_segment: int = MIN_SEGMENT) -> Break | None:
    """The one structural break the data support, or None.

    Every split leaving at least ``min_segment`` years on each side is tried: a
    least-squares line on each side (a jump is allowed at the split). The best split is
    kept when its BIC, ``n ln(RSS/n) + 5 ln n`` (two lines and the split), is below that
    of one line, ``n ln(RSS/n) + 2 ln n``. Written out rather than taken from a
    change-point library (none is a dependency, and with nine years the exhaustive search
    is a few dozen small fits).

    >>> detect_break(range(2009, 2018), [1, 2, 3, 4, 5, 6, 7, 8, 9]) is None
    True
    """
    x, y = _xy(years, values)
    ok = ~np.isnan(y)
    x, y = x[ok], y[ok]
    n = len(x)
    if n < 2 * min_segment:
        return None
    floor = 1e-12 * max(float((y ** 2).sum()), 1.0)  # a perfect fit has no log

    def bic(rss: float, k: int) -> float:
        return n * math.log(max(rss, floor) / n) + k * math.log(n)

    one = bic(_rss(x, y), 2)
    best: tuple[float, int] | None = None
    for k in range(min_segment, n - min_segment + 1):
        two = bic(_rss(x[:k], y[:k]) + _rss(x[k:], y[k:]), 5)
        if best is None or two < best[0]:
            best = (two, k)
    if best is None or best[0] >= one:
        return None
    two, k = best
    return Break(year=int(x[k]), index=k, bic_one=one, bic_two=two,
                 before=theil_sen(x[:k], y[:k]), after=theil_sen(x[k:], y[k:]))


def segment_fit(years: Sequence[float], values: Sequence[float],
                brk: Break | None = None) -> np.ndarray:
    """The Theil-Sen fit at each year (sorted), one line per segment of ``brk``."""
    x, y = _xy(years, values)
    if brk is None:
        b, a = theil_sen(x, y)
        return a + b * x
    cut = x >= brk.year
    out = np.empty_like(y)
    for part in (~cut, cut):
        b, a = theil_sen(x[part], y[part])
        out[part] = a + b * x[part]
    return out


def outlier_years(years: Sequence[float], values: Sequence[float],
                  brk: Break | None = None, *, limit: float = OUTLIER_SD
                  ) -> list[tuple[int, float, float, float]]:
    """Years further than ``limit`` robust standard deviations from their line.

    Residuals from :func:`segment_fit`; the robust standard deviation is 1.4826 times
    their median absolute deviation. After a break, only segments of at least
    :data:`MIN_JUDGED` years are tested (a line through three years says little about
    any of them). Returns (year, value, fitted, distance in robust standard deviations)
    for each outlier; none when fewer than five years are tested or their residuals do
    not vary.

    >>> outlier_years(range(2009, 2018), [10, 12, 11, 14, 90, 15, 17, 16, 19])
    [(2013, 90.0, 15.0, 50.6)]
    """
    x, y = _xy(years, values)
    tested = np.ones(len(x), dtype=bool)
    if brk is not None:
        for part in (x < brk.year, x >= brk.year):
            if part.sum() < MIN_JUDGED:
                tested &= ~part
    if tested.sum() < 5:
        return []
    fit = segment_fit(x, y, brk)
    r = (y - fit)[tested]
    centre = float(np.median(r))
    s = 1.4826 * float(np.median(np.abs(r - centre)))
    if s <= 0:
        return []
    dist = np.abs(y - fit - centre) / s
    far = tested & (dist > limit)
    return [(int(x[k]), float(y[k]), float(fit[k]), round(float(dist[k]), 1))
            for k in np.flatnonzero(far)]


def trend_probability(years: Sequence[float], values: Sequence[float]) -> float:
    """The share of pairwise slopes that point up (ties count half).

    A description of the past (how consistently the series rose), not a forecast: a
    forecast's probability comes from :func:`trend_model`.

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
    """First and last value, change in percent, Theil-Sen slope and the share of rising
    year pairs (``p_rising``, :func:`trend_probability`)."""
    s = series.sort_values(x)
    first, last = float(s[y].iloc[0]), float(s[y].iloc[-1])
    slope = theil_sen(s[x], s[y])[0] if len(s) >= 2 else 0.0
    change = (last - first) / first * 100 if first else float("nan")
    return {"first_year": int(s[x].iloc[0]), "last_year": int(s[x].iloc[-1]), "first": first,
            "last": last, "change_pct": change, "slope": slope,
            "p_rising": trend_probability(s[x], s[y])}
