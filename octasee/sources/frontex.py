"""Frontex detections of illegal border crossings, monthly and per year, by route.

**Detections, not persons**: one person crossing twice is counted twice, and nothing
links detections to individuals. Never add these figures up as "migrants".

The package ships the monthly series only for the routes that run through South East
Europe (:data:`REGION_ROUTES`; Jan 2009 – Apr 2025) and the annual totals of every route.
:func:`load_frontex_monthly` returns one row per route, border type, nationality and
month; :func:`load_frontex_annual` one row per route and year. Nationality is the ISO
alpha-3 code as Frontex gives it, plus alpha-2 where it is a country (Kosovo, ``XKX``,
becomes ``XK``; ``STL``, ``OOO`` and ``OOS`` are Frontex's own non-country codes and have
no alpha-2).

>>> m = load_frontex_monthly(routes=["Western Balkan Route"])
>>> int(m.loc[m.date.dt.year == 2015, "detections"].sum())
764033
>>> a = load_frontex_annual()
>>> int(a.query("route == 'Western Balkan Route' and year == 2022").detections.item())
144118
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from functools import cache

import numpy as np
import pandas as pd

from octasee.errors import ReferenceDataError, SourceError, UsageError
from octasee.reference import resolve_world_country
from octasee.sources._files import read_csv, with_provenance

__all__ = [
    "ANNUAL_FILE",
    "CITATION",
    "DATA_END",
    "MONTHLY_FILE",
    "REGION_ROUTES",
    "SOURCE",
    "load_frontex_annual",
    "load_frontex_monthly",
]

SOURCE = "frontex"
CITATION = "Frontex, detections of illegal border crossings"
MONTHLY_FILE = "frontex/frontex_ibc_monthly_see.csv.gz"
ANNUAL_FILE = "frontex/frontex_routes_annual.csv"

#: Routes that run through the OCTA-SEE region; the shipped monthly extract holds these.
REGION_ROUTES: tuple[str, ...] = (
    "Western Balkan Route",
    "Circular Route from Albania to Greece",
    "Eastern Mediterranean Route",
    "Eastern Borders Route",
    "Black Sea Route",
)
#: Last month in the shipped data; the year of this month is incomplete in the annual file.
DATA_END = pd.Timestamp("2025-04-01")

_MONTHLY_COLUMNS = {"route": "route", "type": "border_type", "nat": "nationality",
                    "date": "date", "n": "detections"}


def _counts(text: pd.Series, *, label: str, rows: pd.Series, column: str) -> pd.Series:
    """Detections as Int64; the files write them as floats (``41.0``) but they are counts."""
    value = pd.to_numeric(text.str.strip(), errors="coerce")
    bad = value.isna() | (value < 0) | (value % 1 != 0)
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise SourceError(f"{text.iloc[pos]!r} is not a count of detections",
                          where=f"{label}, row {rows.iloc[pos]}, column {column!r}")
    return value.astype("Int64")


def _routes(routes: Iterable[str] | None, known: pd.Series) -> list[str] | None:
    if routes is None:
        return None
    wanted = [routes] if isinstance(routes, str) else list(routes)
    unknown = sorted(set(wanted) - set(known.unique()))
    if unknown:
        raise UsageError(f"unknown Frontex route(s) {', '.join(map(repr, unknown))}",
                         hint="the routes are " + ", ".join(sorted(known.unique())))
    return wanted


def _nationality_iso2(alpha3: pd.Series) -> pd.Series:
    codes: dict[str, str] = {}
    for code in alpha3.unique():
        try:
            codes[code] = resolve_world_country(code)
        except ReferenceDataError:
            continue
    return alpha3.map(codes).astype("str")


def _monthly_uncached(path: str | None) -> pd.DataFrame:
    raw, label = read_csv(MONTHLY_FILE, path=path, required=_MONTHLY_COLUMNS)
    df = raw[[*_MONTHLY_COLUMNS, "source_row"]].rename(columns=_MONTHLY_COLUMNS)
    df["date"] = pd.to_datetime(df["date"], format="%Y-%m-%d", errors="coerce")
    bad = df["date"].isna() | (df["date"].dt.day != 1)
    if bad.any():
        r = raw[bad.to_numpy()].iloc[0]
        raise SourceError(f"date {r.date!r} is not the first day of a month (YYYY-MM-01)",
                          where=f"{label}, row {r.source_row}, column 'date'")
    df["detections"] = _counts(df["detections"], label=label, rows=df["source_row"],
                               column="n")
    df["year"] = df["date"].dt.year.astype("int64")
    df["month"] = df["date"].dt.month.astype("int64")
    df["nationality_iso2"] = _nationality_iso2(df["nationality"])
    df = df[["route", "border_type", "nationality", "nationality_iso2", "date", "year",
             "month", "detections", "source_row"]]
    df = df.sort_values(["route", "date", "border_type", "nationality"], kind="stable")
    return with_provenance(df, source=SOURCE, source_file=label, citation=CITATION)


@cache
def _monthly_shipped() -> pd.DataFrame:
    return _monthly_uncached(None)


def load_frontex_monthly(*, routes: Iterable[str] | None = None,
                         path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Monthly detections by route, border type and nationality.

    Columns: ``route``, ``border_type`` (Land / Sea), ``nationality`` (ISO alpha-3 as
    given), ``nationality_iso2`` (missing for Frontex's non-country codes), ``date``
    (first day of the month), ``year``, ``month``, ``detections`` (Int64), then
    ``source``, ``source_file``, ``source_row`` and ``citation``. Only months with at least
    one detection appear (absent = none reported).

    ``routes`` keeps the named routes only (an unknown name is a
    :class:`~octasee.errors.UsageError`); ``path`` reads another copy of the monthly file
    (e.g. the complete ``frontex_ibc_monthly.csv`` with every route).

    >>> m = load_frontex_monthly()
    >>> sorted(m.route.unique()) == sorted(REGION_ROUTES), str(m.date.max().date())
    (True, '2025-04-01')
    """
    df = _monthly_shipped() if path is None else _monthly_uncached(os.fspath(path))
    wanted = _routes(routes, df["route"])
    if wanted is not None:
        df = df[df["route"].isin(wanted)]
    return df.reset_index(drop=True).copy()


def _annual_uncached(path: str | None) -> pd.DataFrame:
    raw, label = read_csv(ANNUAL_FILE, path=path, required=["year"])
    route_cols = [c for c in raw.columns if c not in ("year", "source_row")]
    if not route_cols:
        raise SourceError("no route columns", where=label,
                          hint="expected one column per route beside 'year'")
    long = raw.melt(id_vars=["year", "source_row"], value_vars=route_cols,
                    var_name="route", value_name="detections")
    year = pd.to_numeric(long["year"], errors="coerce")
    if year.isna().any():
        r = long[year.isna()].iloc[0]
        raise SourceError(f"year {r.year!r} is not a number", where=f"{label}, row {r.source_row}")
    long["year"] = year.astype("int64")
    long["detections"] = _counts(long["detections"], label=label, rows=long["source_row"],
                                 column="detections")
    long["complete"] = long["year"] < DATA_END.year
    long = long[["route", "year", "detections", "complete", "source_row"]]
    long = long.sort_values(["route", "year"], kind="stable")
    return with_provenance(long, source=SOURCE, source_file=label, citation=CITATION)


@cache
def _annual_shipped() -> pd.DataFrame:
    return _annual_uncached(None)


def load_frontex_annual(*, routes: Iterable[str] | None = None,
                        path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Detections per route and calendar year, every route (not only the region's).

    Columns: ``route``, ``year``, ``detections`` (Int64), ``complete`` (False for the
    last year, which runs only to :data:`DATA_END`), then ``source``, ``source_file``,
    ``source_row`` (the year's row in the file) and ``citation``.

    >>> a = load_frontex_annual(routes=REGION_ROUTES)
    >>> int(a.groupby("route").detections.sum()["Western Balkan Route"])
    1363571
    """
    df = _annual_shipped() if path is None else _annual_uncached(os.fspath(path))
    wanted = _routes(routes, df["route"])
    if wanted is not None:
        df = df[df["route"].isin(wanted)]
    return df.reset_index(drop=True).copy()
