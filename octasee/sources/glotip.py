"""UNODC Global Report on Trafficking in Persons data (GLOTIP), 2003–2021, member countries.

:func:`load_glotip` returns every published row, one per country, year, indicator and
breakdown: detected victims, persons prosecuted / convicted / brought into formal contact
and offences, by sex, age, form of exploitation, citizenship or country of repatriation.

The value column of the source is text. Small counts are published as ``<5``: such a row
is kept with ``value`` missing, ``censored`` True and the original text in ``value_text``;
nothing is dropped, so the table has exactly as many rows as the file. Thousands
separators (``1,011``) are removed; a blank stays missing (``censored`` False). Any other
text is a :class:`~octasee.errors.SourceError`.

Names are UN style (``Türkiye``, ``Republic of Moldova``) and resolve through
:mod:`octasee.reference`; the file's ISO3 column must agree with the name.

>>> t = load_glotip()
>>> len(t), int(t.censored.sum())
(5148, 2101)
>>> v = detected_victims_total()
>>> v.query("country == 'RO' and year == 2007")[["value", "value_text"]].values.tolist()
[[1780.0, '1,780']]
"""

from __future__ import annotations

import os
from functools import cache

import pandas as pd

from octasee.errors import ReferenceDataError, SourceError
from octasee.reference import MEMBER_CODES, name_key, resolve_world_country
from octasee.sources._files import read_csv, with_provenance

__all__ = [
    "CITATION",
    "FILE",
    "SOURCE",
    "detected_victims_total",
    "indicator_total",
    "load_glotip",
    "parse_values",
]

SOURCE = "glotip"
CITATION = "UNODC, Global Report on Trafficking in Persons data"
FILE = "unodc/glotip_see.csv"

_COLUMNS = {
    "Iso3_code": "iso3", "Country": "published_name", "Indicator": "indicator",
    "Dimension": "dimension", "Category": "category", "Sex": "sex", "Age": "age",
    "Year": "year", "Unit of measurement": "unit", "txtVALUE": "value_text",
}
# Dimensions whose category is a country (citizenship of the victim, country of repatriation).
_COUNTRY_DIMENSIONS = ("by citizenship", "by country of repatriation")
# Category spellings in GLOTIP that neither the reference nor pycountry resolve.
_CATEGORY_ALIASES: dict[str, str] = {
    "kosovo under unscr 1244": "XK",
    "china taiwan province of china": "TW",
    "netherlands kingdom of the": "NL",
    "nederland": "NL",
    "spania": "ES",
    "sweeden": "SE",
    "bresil": "BR",
    "state of palestine": "PS",
    "dem rep of the congo": "CD",
    "b and h": "BA",
    "monte negro": "ME",
    "kazahstan": "KZ",
    "kazakhistan": "KZ",
    "albanian": "AL",
    "t rkiye": "TR",  # "T\ufffdrkiye": the ü was lost upstream
}


def _repair(name: str) -> str:
    """Undo UTF-8 read as Latin-1 (``CÃ´te d'Ivoire`` -> ``Côte d'Ivoire``) where possible.

    >>> _repair("TÃ¼rkiye"), _repair("Türkiye")
    ('Türkiye', 'Türkiye')
    """
    try:
        return name.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return name


def parse_values(text: pd.Series) -> pd.DataFrame:
    """Split GLOTIP value text into ``value`` (Float64), ``censored`` (bool) and the text.

    >>> out = parse_values(pd.Series(["40", "<5", "1,011", ""]))
    >>> out.censored.tolist(), out.value.isna().tolist(), float(out.value.sum())
    ([False, True, False, False], [False, True, False, True], 1051.0)

    Anything else raises ValueError naming the first bad position.
    """
    stripped = text.astype("str").str.strip()
    censored = stripped.str.fullmatch(r"<\s*\d+").astype(bool)
    numeric_text = stripped.str.replace(",", "", regex=False).where(~censored, "")
    value = pd.to_numeric(numeric_text.replace("", None), errors="coerce").astype("Float64")
    bad = value.isna() & numeric_text.ne("")
    if bad.any():
        pos = int(bad.to_numpy().nonzero()[0][0])
        raise ValueError(f"position {pos}: {text.iloc[pos]!r} is not a count or '<N'")
    return pd.DataFrame({"value": value, "value_text": text.astype("str"),
                         "censored": censored}, index=text.index)


def _category_country(category: pd.Series, dimension: pd.Series) -> pd.Series:
    codes: dict[str, str] = {}
    is_country = dimension.isin(_COUNTRY_DIMENSIONS)
    for name in category[is_country].unique():
        fixed = _repair(name)
        code = _CATEGORY_ALIASES.get(name_key(fixed))
        if code is None:
            try:
                code = resolve_world_country(fixed)
            except ReferenceDataError:
                continue
        codes[name] = code
    return category.map(codes).where(is_country).astype("str")


def _load_uncached(path: str | None) -> pd.DataFrame:
    raw, label = read_csv(FILE, path=path, required=_COLUMNS)
    df = raw[[*_COLUMNS, "source_row"]].rename(columns=_COLUMNS)

    names = df["published_name"].str.strip()
    codes: dict[str, str] = {}
    for name in names.unique():
        try:
            codes[name] = resolve_world_country(name)
        except ReferenceDataError as exc:
            row = int(df.loc[names == name, "source_row"].iloc[0])
            raise SourceError(f"country {name!r} cannot be resolved ({exc})",
                              where=f"{label}, row {row}",
                              hint="add the spelling to octasee/reference/country_aliases.csv"
                              ) from exc
    df["country"] = names.map(codes)
    iso3 = {c: resolve_world_country(c) for c in df["iso3"].unique() if c}
    mismatch = df["iso3"].map(iso3).ne(df["country"])
    if mismatch.any():
        r = df[mismatch].iloc[0]
        raise SourceError(f"country {r.published_name!r} does not match ISO3 code {r.iso3!r}",
                          where=f"{label}, row {r.source_row}")

    year = pd.to_numeric(df["year"], errors="coerce")
    if year.isna().any():
        r = df[year.isna()].iloc[0]
        raise SourceError(f"year {r.year!r} is not a number", where=f"{label}, row {r.source_row}")
    df["year"] = year.astype("int64")
    try:
        values = parse_values(df["value_text"])
    except ValueError as exc:
        pos = int(str(exc).split(":")[0].removeprefix("position "))
        raise SourceError(f"value {df['value_text'].iloc[pos]!r} is neither a count nor '<N'",
                          where=f"{label}, row {df['source_row'].iloc[pos]}, column 'txtVALUE'",
                          hint="the layout has changed: update octasee.sources.glotip") from exc
    df["category_country"] = _category_country(df["category"], df["dimension"])
    df = pd.concat([df.drop(columns="value_text"), values], axis=1)
    df = df[["country", "year", "indicator", "dimension", "category", "category_country",
             "sex", "age", "unit", "value", "value_text", "censored", "published_name",
             "iso3", "source_row"]]
    df = df.sort_values(["country", "year", "source_row"], kind="stable")
    return with_provenance(df, source=SOURCE, source_file=label, citation=CITATION)


@cache
def _load_shipped() -> pd.DataFrame:
    return _load_uncached(None)


def load_glotip(*, members_only: bool = True,
                path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Every GLOTIP row as a tidy table keyed by ``country`` (ISO alpha-2) and ``year``.

    Columns: ``country``, ``year``, ``indicator``, ``dimension``, ``category``,
    ``category_country`` (alpha-2 when the category is a citizenship or country of
    repatriation and resolves, else missing), ``sex``, ``age``, ``unit``, ``value``
    (Float64, missing for ``<5`` and blanks), ``value_text`` (as published), ``censored``
    (True for ``<5``), ``published_name``, ``iso3``, then ``source``, ``source_file``,
    ``source_row`` and ``citation``.

    Rows are *not* unique on their labels: the source repeats some "Other forms of
    exploitation" rows (sub-forms whose label was lost upstream); they are kept as published.

    >>> t = load_glotip()
    >>> sorted(t.country.unique()) == sorted(MEMBER_CODES)
    True
    >>> t.loc[t.source_row == 2, ["country", "year", "indicator", "value"]].values.tolist()
    [['AL', 2003, 'Persons convicted', 40.0]]
    """
    df = _load_shipped() if path is None else _load_uncached(os.fspath(path))
    if members_only:
        df = df[df["country"].isin(MEMBER_CODES)]
    return df.reset_index(drop=True).copy()


def detected_victims_total(*, path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Total detected victims per member country and year (all sexes, ages and forms).

    The rows of ``load_glotip()`` with indicator ``Detected trafficking victims`` and
    dimension, category, sex and age all ``Total``: one row per country-year that GLOTIP
    publishes (years it does not publish are absent, not zero). ``<5`` stays censored.

    >>> v = detected_victims_total()
    >>> v.query("country == 'ME' and year == 2015")[["value_text", "censored"]].values.tolist()
    [['<5', True]]
    """
    return indicator_total("Detected trafficking victims", path=path)


def indicator_total(indicator: str, *, path: str | os.PathLike[str] | None = None
                    ) -> pd.DataFrame:
    """One GLOTIP indicator's totals (``Detected trafficking victims``, ``Persons
    convicted`` …) per member country and year: dimension, category, sex and age all
    ``Total``, as :func:`detected_victims_total` for victims.

    >>> c = indicator_total("Persons convicted")
    >>> bool(len(c)) and set(c.columns) >= {"country", "year", "value", "censored"}
    True
    """
    t = load_glotip(path=path)
    total = ((t["indicator"] == indicator) & (t["dimension"] == "Total")
             & (t["category"] == "Total") & (t["sex"] == "Total") & (t["age"] == "Total"))
    out = t.loc[total, ["country", "year", "value", "value_text", "censored", "source",
                        "source_file", "source_row", "citation"]]
    dup = out.duplicated(["country", "year"], keep=False)
    if dup.any():
        r = out[dup].iloc[0]
        raise SourceError(f"two total rows for {r.country} {r.year}",
                          where=f"{r.source_file}, row {r.source_row}")
    out = out.sort_values(["country", "year"]).reset_index(drop=True)
    out.attrs.update(t.attrs)
    return out
