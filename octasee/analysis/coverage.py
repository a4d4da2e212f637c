"""Who reported what, which years: coverage of an indicator, and regional series on a
declared panel of countries.

A regional total summed over whichever countries reported each year reads as a drop when a
country stops reporting and as a rise when one starts. :func:`panel_series` therefore sums
over a *declared* panel: ``"balanced"``, the countries that reported every year of the span
(and it says which countries that leaves out), or ``"all"``, every country that reported
that year (with how many did). :func:`coverage` says who reported which years, and
:func:`coverage_phrase` prints it ("reported by 12 of 13 member countries"), computed,
never written by hand.

>>> rows = pd.DataFrame({"country": ["AL", "AL", "RS"], "crime_area": "economic_crime",
...                      "indicator": "ml_cases", "breakdown": None,
...                      "year": [2016, 2017, 2017], "value": [5.0, 7.0, 3.0]})
>>> c = coverage(rows, "ml_cases", "economic_crime", countries=["AL", "RS", "ME"],
...              years=[2016, 2017])
>>> c.per_year, c.missing
({2016: 1, 2017: 2}, (('ME', 2016), ('ME', 2017), ('RS', 2016)))
>>> coverage_phrase(2, 3)
'reported by 2 of 3 member countries'
>>> p = panel_series(rows, "ml_cases", "economic_crime")
>>> p.countries, p.left_out, p.series["value"].tolist()
(('AL',), ('RS',), [5.0, 7.0])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from octasee.analysis.series import regional_series, totals
from octasee.errors import UsageError

__all__ = ["PANELS", "PANEL_MIN_SHARE", "Coverage", "Panel", "balanced_span", "coverage",
           "coverage_phrase", "panel_series", "reported_values"]

#: The panels :func:`panel_series` knows.
PANELS = ("balanced", "all")


def reported_values(indicators: pd.DataFrame, indicator: str,
                    crime_area: str | None = None) -> pd.DataFrame:
    """The total rows (no breakdown) of one indicator with a value: what "reported" means.

    A row whose value is missing does not count as reported.
    """
    d = totals(indicators)
    d = d[(d["indicator"] == indicator) & d["value"].notna()]
    if crime_area is not None:
        d = d[d["crime_area"] == crime_area]
    return d


@dataclass(frozen=True)
class Coverage:
    """Which of ``countries`` reported ``indicator`` of ``crime_area`` in which of ``years``.

    ``reported``: per year (in ``years`` order), the countries that reported a total.
    """

    indicator: str
    crime_area: str
    countries: tuple[str, ...]
    years: tuple[int, ...]
    reported: tuple[tuple[int, tuple[str, ...]], ...]

    @property
    def n(self) -> int:
        """How many countries were asked."""
        return len(self.countries)

    @property
    def by_year(self) -> dict[int, tuple[str, ...]]:
        return dict(self.reported)

    @property
    def per_year(self) -> dict[int, int]:
        """k per year: how many of the :attr:`n` countries reported."""
        return {y: len(cs) for y, cs in self.reported}

    @property
    def missing(self) -> tuple[tuple[str, int], ...]:
        """The (country, year) pairs without a reported total, by country then year."""
        out = [(c, y) for c in self.countries for y, cs in self.reported if c not in cs]
        return tuple(sorted(out))

    @property
    def gaps(self) -> tuple[str, ...]:
        """The countries missing in at least one year, in ``countries`` order."""
        missing = {c for c, _ in self.missing}
        return tuple(c for c in self.countries if c in missing)

    @property
    def never(self) -> tuple[str, ...]:
        """The countries that reported in none of the years."""
        seen = {c for _, cs in self.reported for c in cs}
        return tuple(c for c in self.countries if c not in seen)

    @property
    def complete(self) -> bool:
        """Every country reported every year."""
        return not self.missing

    def phrase(self, year: int | None = None) -> str:
        """:func:`coverage_phrase` of one year, or of the range over the years
        ("reported by 10 to 13 of 13 member countries, depending on the year")."""
        k = self.per_year
        if year is not None:
            return coverage_phrase(k.get(int(year), 0), self.n)
        if not k:
            return coverage_phrase(0, self.n)
        lo, hi = min(k.values()), max(k.values())
        if lo == hi:
            return coverage_phrase(lo, self.n)
        return f"reported by {lo} to {hi} of {self.n} member countries, depending on the year"


def coverage_phrase(k: int, n: int) -> str:
    """How many of the member countries reported, in words.

    >>> coverage_phrase(12, 13), coverage_phrase(13, 13), coverage_phrase(0, 13)
    ('reported by 12 of 13 member countries', 'reported by all 13 member countries', 'reported by none of the 13 member countries')
    >>> coverage_phrase(1, 1), coverage_phrase(1, 2)
    ('reported by the one member country', 'reported by 1 of 2 member countries')
    """
    k, n = int(k), int(n)
    if not 0 <= k <= n:
        raise UsageError(f"{k} of {n} countries cannot have reported",
                         hint="k counts reporting countries among the n asked")
    if n == 1:
        return ("reported by the one member country" if k else
                "not reported by the one member country")
    if k == n:
        return f"reported by all {n} member countries"
    if k == 0:
        return f"reported by none of the {n} member countries"
    return f"reported by {k} of {n} member countries"


def coverage(indicators: pd.DataFrame, indicator: str, crime_area: str, *,
             countries: Sequence[str], years: Sequence[int]) -> Coverage:
    """Who of ``countries`` reported a total of ``indicator`` in ``crime_area`` in each of
    ``years`` (a row with a value; breakdown rows do not count)."""
    d = reported_values(indicators, indicator, crime_area)
    asked = tuple(dict.fromkeys(str(c) for c in countries))
    d = d[d["country"].isin(asked)]
    seen = d.groupby("year")["country"].agg(lambda s: set(s)).to_dict()
    reported = tuple((int(y), tuple(c for c in asked if c in seen.get(int(y), ())))
                     for y in sorted({int(y) for y in years}))
    return Coverage(indicator, crime_area, asked, tuple(y for y, _ in reported), reported)


@dataclass(frozen=True)
class Panel:
    """A regional series summed over a declared panel of countries.

    ``series``: :func:`~octasee.analysis.series.regional_series` of the panel's rows
    (``year``, ``value``, ``countries``, ``rows``, ``nd``); ``countries``: the panel;
    ``left_out``: countries that reported in some year of the span but are not in the
    panel (a balanced panel leaves out whoever missed a year); ``years``: the span.
    """

    kind: str
    indicator: str
    crime_area: str
    years: tuple[int, ...]
    countries: tuple[str, ...]
    left_out: tuple[str, ...]
    series: pd.DataFrame
    rows: pd.DataFrame

    @property
    def balanced(self) -> bool:
        """Every panel country is in every year's sum."""
        s = self.series
        return bool(len(s)) and bool((s["countries"] == len(self.countries)).all())


def panel_series(indicators: pd.DataFrame, indicator: str, crime_area: str, *,
                 panel: str = "balanced", years: Sequence[int] | None = None,
                 countries: Sequence[str] | None = None) -> Panel:
    """The yearly regional total of ``indicator`` over a declared panel of countries.

    ``years``: the span (default, every year with a reported total); ``countries``: who
    may be in the panel (default, everyone in ``indicators``). ``panel="balanced"`` keeps
    the countries that reported every year of the span, so that a country that starts or
    stops reporting moves no total; ``"all"`` sums whoever reported each year.
    """
    if panel not in PANELS:
        raise UsageError(f"unknown panel {panel!r}", hint="use 'balanced' or 'all'")
    d = reported_values(indicators, indicator, crime_area)
    if countries is not None:
        d = d[d["country"].isin(list(countries))]
    span = sorted({int(y) for y in (years if years is not None else d["year"].unique())})
    d = d[d["year"].isin(span)]
    present = sorted(d["country"].unique())
    if panel == "balanced":
        n_years = d.groupby("country")["year"].nunique()
        keep = sorted(c for c in present if n_years.get(c, 0) == len(span))
    else:
        keep = present
    rows = d[d["country"].isin(keep)]
    if "nd" not in rows.columns and "not_for_dissemination" in rows.columns:
        rows = rows.assign(nd=rows["not_for_dissemination"].astype("boolean")
                           .fillna(True).astype(bool))
    series = regional_series(rows, indicator, crime_area_code=crime_area)
    left = tuple(c for c in present if c not in keep)
    return Panel(panel, indicator, crime_area, tuple(span), tuple(keep), left, series, rows)


#: :func:`balanced_span` keeps a span whose balanced panel holds at least this share of
#: the countries that reported in it.
PANEL_MIN_SHARE = 0.75


def balanced_span(indicators: pd.DataFrame, indicator: str, crime_area: str, *,
                  last_year: int | None = None, countries: Sequence[str] | None = None,
                  min_share: float = PANEL_MIN_SHARE, min_years: int = 4
                  ) -> tuple[int, ...]:
    """The years a trend is drawn over: the longest run of years ending in ``last_year``
    (default, the last year reported) whose balanced panel (the countries that reported
    every one of its years) holds at least ``min_share`` of the countries that reported in
    any of them. If no run of at least ``min_years`` years does, the run with the largest
    share (the longer one on a tie). Years run back to the first year reported; a year
    nobody reported ends the run.

    >>> rows = pd.DataFrame({"country": ["AL"] * 4 + ["RS"] * 2, "crime_area": "thb",
    ...                      "indicator": "victims_identified", "breakdown": None,
    ...                      "year": [2014, 2015, 2016, 2017, 2016, 2017], "value": 1.0})
    >>> balanced_span(rows, "victims_identified", "thb", min_years=2)
    (2016, 2017)
    """
    d = reported_values(indicators, indicator, crime_area)
    if countries is not None:
        d = d[d["country"].isin(list(countries))]
    if d.empty:
        return ()
    seen: dict[str, set[int]] = {}
    for c, y in zip(d["country"], d["year"], strict=True):
        seen.setdefault(str(c), set()).add(int(y))
    every = set().union(*seen.values())
    last = int(last_year) if last_year is not None else max(every)
    years = sorted(y for y in every if y <= last)
    if not years or years[-1] != last:
        return ()
    run = [last]
    for y in reversed(years[:-1]):
        if y != run[-1] - 1:
            break
        run.append(y)
    run.reverse()  # consecutive years ending in `last`
    best: tuple[float, int] | None = None
    for start in range(len(run) - min(min_years, len(run)) + 1):
        span = set(run[start:])
        anyone = sum(1 for ys in seen.values() if ys & span)
        share = sum(1 for ys in seen.values() if span <= ys) / anyone if anyone else 0.0
        if share >= min_share:
            return tuple(run[start:])
        if best is None or share > best[0]:
            best = (share, start)
    return tuple(run[best[1]:]) if best is not None else ()
