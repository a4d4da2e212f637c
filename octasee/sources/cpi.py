"""Transparency International Corruption Perceptions Index (CPI), 2012–2017.

The file is wide (``CPI score 2017``, ``Standard error 2017``, ``Sources 2017`` … with
``CPI Score`` capitalised for 2012–2013); :func:`load_cpi` makes it long: one row per
country and year with ``score`` (0–100, higher = cleaner), ``standard_error`` and
``n_sources``. A country-year the index did not cover keeps its row with missing values,
so every country has all six years.

North Macedonia is written ``Macedonia``; names resolve through :mod:`octasee.reference`
and must agree with the file's ISO3 column.

Standard errors for 2014 and 2015 carry single-precision artefacts in the source
(``2.319999933242798``); they are rounded to the two decimals TI publishes.

>>> c = load_cpi()
>>> c.query("country == 'MK' and year == 2017")[["published_name", "score"]].values.tolist()
[['Macedonia', 35.0]]
"""

from __future__ import annotations

import os
import re
from functools import cache

import pandas as pd

from octasee.errors import ReferenceDataError, SourceError
from octasee.reference import MEMBER_CODES, resolve_world_country
from octasee.sources._files import read_csv, with_provenance

__all__ = ["CITATION", "FILE", "SOURCE", "YEARS", "load_cpi"]

SOURCE = "cpi"
CITATION = "Transparency International, Corruption Perceptions Index"
FILE = "cpi/cpi_2012_2017.csv"
YEARS: tuple[int, ...] = tuple(range(2012, 2018))

# TI's own codes that are not ISO 3166 alpha-3.
_ISO3_ALIASES = {"KSV": "XK"}
_MEASURES = {"cpi score": "score", "standard error": "standard_error", "sources": "n_sources"}
_HEADER = re.compile(r"^\s*(cpi score|standard error|sources)\s+(\d{4})\s*$", re.IGNORECASE)


def _measure_columns(columns: list[str], label: str) -> dict[str, tuple[str, int]]:
    found: dict[str, tuple[str, int]] = {}
    for col in columns:
        m = _HEADER.match(col)
        if m:
            found[col] = (_MEASURES[m.group(1).lower()], int(m.group(2)))
    expected = {(measure, year) for measure in _MEASURES.values() for year in YEARS}
    missing = sorted(expected - set(found.values()), key=lambda t: (t[1], t[0]))
    if missing:
        raise SourceError("no column for " + ", ".join(f"{m} {y}" for m, y in missing),
                          where=label,
                          hint="expected 'CPI score YEAR', 'Standard error YEAR' and "
                               "'Sources YEAR' for 2012-2017")
    return found


def _load_uncached(path: str | None) -> pd.DataFrame:
    raw, label = read_csv(FILE, path=path, required=["Country", "ISO3", "Region"])
    measures = _measure_columns(list(raw.columns), label)

    iso3: dict[str, str] = {}
    for code in raw["ISO3"].str.strip().unique():
        try:
            iso3[code] = _ISO3_ALIASES.get(code) or resolve_world_country(code)
        except ReferenceDataError as exc:
            row = int(raw.loc[raw["ISO3"].str.strip() == code, "source_row"].iloc[0])
            raise SourceError(f"ISO3 code {code!r} is not a country",
                              where=f"{label}, row {row}") from exc
    country = raw["ISO3"].str.strip().map(iso3)
    # The names must agree with the codes wherever they resolve (members always do).
    for name, code, row in zip(raw["Country"], country, raw["source_row"], strict=True):
        try:
            by_name = resolve_world_country(name)
        except ReferenceDataError:
            if code in MEMBER_CODES:
                raise SourceError(f"member name {name!r} does not resolve",
                                  where=f"{label}, row {row}") from None
            continue
        if by_name != code:
            raise SourceError(f"name {name!r} ({by_name}) disagrees with ISO3 ({code})",
                              where=f"{label}, row {row}")

    ids = pd.DataFrame({"country": country, "published_name": raw["Country"],
                        "iso3": raw["ISO3"], "region": raw["Region"],
                        "source_row": raw["source_row"]})
    values = raw[list(measures)].apply(lambda s: pd.to_numeric(s.str.strip(), errors="coerce"))
    bad = values.isna() & raw[list(measures)].apply(lambda s: s.str.strip().ne(""))
    if bad.to_numpy().any():
        r, c = next(zip(*bad.to_numpy().nonzero(), strict=True))
        raise SourceError(f"{raw[list(measures)].iat[r, c]!r} is not a number",
                          where=f"{label}, row {raw['source_row'].iat[r]}, "
                                f"column {list(measures)[c]!r}")
    values.columns = pd.MultiIndex.from_tuples(list(measures.values()),
                                               names=["measure", "year"])
    stacked = values.stack("year", future_stack=True)
    stacked.index = stacked.index.set_names(["_row", "year"])
    long = ids.join(stacked.reset_index("year"), how="right")
    long["year"] = long["year"].astype("int64")
    long["score"] = long["score"].astype("float64")
    long["standard_error"] = long["standard_error"].astype("float64").round(2)
    long["n_sources"] = long["n_sources"].astype("Int64")
    long = long[["country", "year", "score", "standard_error", "n_sources",
                 "published_name", "iso3", "region", "source_row"]]
    long = long[long["year"].isin(YEARS)].sort_values(["country", "year"], kind="stable")
    return with_provenance(long, source=SOURCE, source_file=label, citation=CITATION)


@cache
def _load_shipped() -> pd.DataFrame:
    return _load_uncached(None)


def load_cpi(*, members_only: bool = True,
             path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """CPI 2012–2017 as a long table: one row per country and year.

    Columns: ``country`` (ISO alpha-2), ``year``, ``score`` (0–100), ``standard_error``,
    ``n_sources`` (Int64), ``published_name``, ``iso3``, ``region`` (TI's region code),
    then ``source``, ``source_file``, ``source_row`` and ``citation``.
    ``members_only=False`` keeps all 181 countries (1,086 rows).

    >>> c = load_cpi()
    >>> len(c), int(c.score.isna().sum())
    (78, 0)
    >>> c.query("country == 'GR'").set_index("year").score.to_dict()[2012]
    36.0
    """
    df = _load_shipped() if path is None else _load_uncached(os.fspath(path))
    if members_only:
        df = df[df["country"].isin(MEMBER_CODES)]
    return df.reset_index(drop=True).copy()
