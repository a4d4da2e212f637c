"""GI-TOC Global Organized Crime Index, editions 2021 and 2023.

One row per country and indicator (:func:`load_gitoc`) or one row per country
(:func:`gitoc_wide`), keyed by ISO 3166 alpha-2 codes in ``country``. Scores are on the
published 1–10 scale in 0.5 steps; the four composites (``Criminality``, ``Criminal
markets``, ``Criminal actors``, ``Resilience``) are the published, rounded averages.

The two editions spell their headers differently (2021: ``Criminal actors`` and
``Resilience`` without "avg."; 2023: ``Criminal actors avg.``; other copies of the
workbook end them in a comma, ``Criminal actors avg,``) and the 2023 sheet writes dots in
country names as commas (``Congo, Dem, Rep,``). Both quirks are normalised here; the
original header and name stay available in ``source_column`` and ``published_name``.

Countries are matched to the 13 members through :mod:`octasee.reference`, never through
GI-TOC's regions (Turkey is in *Western Asia*, Greece in *Southern Europe*).

>>> t = load_gitoc(2021)
>>> t.loc[(t.country == "RS") & (t.indicator == "Criminality"), "value"].item()
6.21
>>> sorted(t.kind.unique())
['actor', 'composite', 'market', 'resilience']

A copy of an edition's table is checked against the methodology's indicator names
(:func:`check_layout`): every indicator missing is named in one :class:`SourceError`;
columns the methodology does not have, and blank scores, are named in one
:class:`PublishedTableWarning` each (the extra columns are left out, blanks stay missing).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal

import pandas as pd

from octasee.errors import ReferenceDataError, SourceError, UsageError
from octasee.reference import MEMBER_CODES, name_key, resolve_world_country
from octasee.sources._files import read_csv, with_provenance

__all__ = [
    "CITATION",
    "COMPOSITES",
    "EDITIONS",
    "FILES",
    "METHODOLOGY",
    "SOURCE",
    "Indicator",
    "PublishedTableWarning",
    "check_layout",
    "check_values",
    "gitoc_wide",
    "indicators",
    "load_gitoc",
    "normalise_header",
    "resolve_gitoc_country",
]

SOURCE = "gitoc"
CITATION = ("Global Organized Crime Index 2021 / 2023, "
            "Global Initiative Against Transnational Organized Crime")
EDITIONS: tuple[int, ...] = (2021, 2023)
FILES: dict[int, str] = {e: f"goc_index/global_oc_index_{e}.csv" for e in EDITIONS}

#: The published composites, in the order of the sheet.
COMPOSITES: tuple[str, ...] = ("Criminality", "Criminal markets", "Criminal actors", "Resilience")
_COMPOSITE_KEYS = {name_key(c): c for c in COMPOSITES}
# Which pillar the indicators after each composite belong to, and their kind.
_PILLAR_KIND = {"Criminal markets": "market", "Criminal actors": "actor",
                "Resilience": "resilience"}
# Indicators per pillar (markets, actors, resilience) in each edition's methodology.
_EXPECTED_COUNTS = {2021: (10, 4, 12), 2023: (15, 5, 12)}
_MARKETS_2021 = ("Human trafficking", "Human smuggling", "Arms trafficking", "Flora crimes",
                 "Fauna crimes", "Non-renewable resource crimes", "Heroin trade",
                 "Cocaine trade", "Cannabis trade", "Synthetic drug trade")
_ACTORS_2021 = ("Mafia-style groups", "Criminal networks", "State-embedded actors",
                "Foreign actors")
_RESILIENCE = ("Political leadership and governance",
               "Government transparency and accountability", "International cooperation",
               "National policies and laws", "Judicial system and detention",
               "Law enforcement", "Territorial integrity", "Anti-money laundering",
               "Economic regulatory capacity", "Victim and witness support", "Prevention",
               "Non-state actors")
#: The indicators of each pillar in each edition's methodology, in published order.
METHODOLOGY: dict[int, dict[str, tuple[str, ...]]] = {
    2021: {"Criminal markets": _MARKETS_2021, "Criminal actors": _ACTORS_2021,
           "Resilience": _RESILIENCE},
    2023: {"Criminal markets": (*_MARKETS_2021, "Cyber-dependent crimes", "Financial crimes",
                                "Trade in counterfeit goods",
                                "Illicit trade in excisable goods",
                                "Extortion and protection racketeering"),
           "Criminal actors": (*_ACTORS_2021, "Private sector actors"),
           "Resilience": _RESILIENCE},
}


class PublishedTableWarning(UserWarning):
    """A published-index table that can be used but differs from what was expected: columns
    the methodology does not have (left out) or blank scores (left missing)."""
_ID_COLUMNS = ("Continent", "Region", "Country")

# GI-TOC names that neither the reference aliases nor pycountry know (keys are name_key
# folds, so "Congo, Dem. Rep." and the 2023 spelling "Congo, Dem, Rep," both match).
_NAME_ALIASES: dict[str, str] = {
    "congo dem rep": "CD",
    "congo rep": "CG",
    "korea dpr": "KP",
    "korea rep": "KR",
    "st kitts and nevis": "KN",
    "st lucia": "LC",
    "st vincent and the grenadines": "VC",
    "brunei": "BN",
    "cote d ivoire": "CI",
    "micronesia federated states of": "FM",
    "eswatini": "SZ",
    "bolivia": "BO",
}

Kind = Literal["market", "actor", "resilience", "composite"]


@dataclass(frozen=True)
class Indicator:
    """One scored column of an edition: its published name, kind, pillar and header."""

    name: str
    kind: Kind
    pillar: str
    column: str
    position: int


_Loaded = tuple[pd.DataFrame, tuple[Indicator, ...]]


def normalise_header(header: str) -> str:
    """The published name of a GI-TOC column header, its quirks removed.

    Composite headers lose their "avg." / "avg," suffix; other headers are only trimmed.

    >>> normalise_header("Criminal actors avg,"), normalise_header("Criminality avg.")
    ('Criminal actors', 'Criminality')
    >>> normalise_header(" Resilience "), normalise_header("Heroin trade")
    ('Resilience', 'Heroin trade')
    """
    key = name_key(header)
    key = key.removesuffix(" avg").removesuffix(" average")
    return _COMPOSITE_KEYS.get(key, " ".join(str(header).split()))


def resolve_gitoc_country(name: str) -> str:
    """ISO alpha-2 code of a country as GI-TOC spells it (any edition).

    >>> resolve_gitoc_country("Congo, Dem, Rep,"), resolve_gitoc_country("Türkiye")
    ('CD', 'TR')
    """
    code = _NAME_ALIASES.get(name_key(name))
    return code if code else resolve_world_country(name)


def _check_edition(edition: int) -> int:
    if edition not in EDITIONS:
        raise UsageError(f"no GI-TOC edition {edition!r}",
                         hint="use " + " or ".join(map(str, EDITIONS)))
    return int(edition)


def _names(items: Sequence[str], limit: int | None = None) -> str:
    shown = list(items) if limit is None else list(items)[:limit]
    text = ", ".join(repr(i) for i in shown)
    return text + (f" and {len(items) - len(shown)} more" if len(shown) < len(items) else "")


def check_layout(columns: Sequence[str], edition: int, *, label: str | None = None
                 ) -> tuple[Indicator, ...]:
    """The scored columns of a GI-TOC table of ``edition``, checked against the methodology.

    Every missing composite or indicator is named in one :class:`SourceError`; columns
    the methodology does not have are named in one :class:`PublishedTableWarning` and left
    out. Headers are matched after :func:`normalise_header`; an indicator must come after
    its pillar's composite.

    >>> cols = [i.column for i in indicators(2023)
    ...         if i.name not in ("Financial crimes", "Prevention")] + ["Notes"]
    >>> check_layout(cols, 2023, label="goc.csv")
    Traceback (most recent call last):
    ...
    octasee.errors.SourceError: goc.csv: unexpected layout for the 2023 edition: 2 missing: Criminal markets: 'Financial crimes'; Resilience: 'Prevention'; the columns not in the methodology: 'Notes' (renamed?); the layout has changed: update octasee.sources.gitoc, or check the edition
    """
    edition = _check_edition(edition)
    method = METHODOLOGY[edition]
    scored = [c for c in columns if c not in (*_ID_COLUMNS, "source_row")]
    out: list[Indicator] = []
    extra: list[str] = []
    seen: dict[str, str] = {}
    pillar: str | None = None
    for pos, col in enumerate(scored):
        name = normalise_header(col)
        if name in COMPOSITES:
            pillar = name
            kind: Kind = "composite"
        elif pillar in method and name in method[pillar]:
            kind = _PILLAR_KIND[pillar]  # type: ignore[assignment,index]
        else:
            extra.append(str(col))
            continue
        if name in seen:
            raise SourceError(f"columns {seen[name]!r} and {col!r} are both {name!r}",
                              where=label, hint="remove one of them")
        seen[name] = str(col)
        out.append(Indicator(name, kind, pillar, col, pos))  # type: ignore[arg-type]
    missing = 0
    parts = []
    for p in COMPOSITES:
        gone = [i for i in method.get(p, ()) if i not in seen]
        missing += len(gone) + (p not in seen)
        if p not in seen:
            parts.append(f"the composite {p!r}" + (f" and its indicators {_names(gone)}"
                                                    if gone else ""))
        elif gone:
            parts.append(f"{p}: {_names(gone)}")
    if missing:
        text = "; ".join(parts)
        hint = "the layout has changed: update octasee.sources.gitoc, or check the edition"
        if extra:
            hint = f"the columns not in the methodology: {_names(extra)} (renamed?); {hint}"
        raise SourceError(f"unexpected layout for the {edition} edition: "
                          f"{missing} missing: {text}", where=label, hint=hint)
    if extra:
        warnings.warn(PublishedTableWarning(
            f"{label or 'the table'}: {len(extra)} column(s) not in the {edition} methodology "
            f"left out: {_names(extra)}"), stacklevel=3)
    return tuple(out)


def check_values(table: pd.DataFrame, layout: Sequence[Indicator], *,
                 label: str | None = None, units: Sequence[str] | None = None,
                 rows: Sequence[int] | None = None) -> None:
    """Warn (:class:`PublishedTableWarning`) naming every blank score of ``table``.

    ``units`` name the rows (default the ``Country`` column), ``rows`` their line in the
    file. A blank is an empty (or all-space) cell or a missing value.
    """
    cols = [i.column for i in layout]
    block = table[cols]
    blank = block.isna() | block.apply(lambda s: s.astype("string").str.strip().eq("")
                                       .fillna(False))
    if not blank.to_numpy().any():
        return
    names = list(units) if units is not None else (
        table["Country"].astype(str).str.strip().tolist() if "Country" in table
        else [str(i) for i in table.index])
    parts = []
    for col in cols:
        hit = [int(i) for i in blank[col].to_numpy().nonzero()[0]]
        if hit:
            where = [f"{names[i]} (row {rows[i]})" if rows is not None else names[i]
                     for i in hit]
            parts.append(f"{col!r}: " + ", ".join(where))
    total = int(blank.to_numpy().sum())
    warnings.warn(PublishedTableWarning(
        f"{label or 'the table'}: {total} blank score(s), left missing (a pillar averages "
        "the indicators present): " + "; ".join(parts)), stacklevel=3)


def _layout(columns: list[str], edition: int, label: str) -> tuple[Indicator, ...]:
    """Classify the scored columns; raise SourceError if they do not follow the methodology."""
    layout = check_layout(columns, edition, label=label)
    found = tuple(sum(i.kind == k for i in layout) for k in ("market", "actor", "resilience"))
    if found != _EXPECTED_COUNTS[edition]:  # pragma: no cover - METHODOLOGY is the source
        raise SourceError(f"unexpected layout for the {edition} edition: (markets, actors, "
                          f"resilience) = {found}, expected {_EXPECTED_COUNTS[edition]}",
                          where=label)
    return layout


def indicators(edition: int) -> tuple[Indicator, ...]:
    """The scored columns of the shipped ``edition``, in published order.

    >>> [i.name for i in indicators(2023) if i.kind == "actor"][-1]
    'Private sector actors'
    """
    return _load(_check_edition(edition), None)[1]


def _load_uncached(edition: int, path: str | None) -> _Loaded:
    raw, label = read_csv(FILES[edition], path=path, required=_ID_COLUMNS)
    layout = _layout(list(raw.columns), edition, label)
    names = raw["Country"].str.strip()
    codes: dict[str, str] = {}
    for name in names.unique():
        try:
            codes[name] = resolve_gitoc_country(name)
        except ReferenceDataError as exc:
            row = int(raw.loc[names == name, "source_row"].iloc[0])
            raise SourceError(f"country {name!r} cannot be resolved ({exc})",
                              where=f"{label}, row {row}",
                              hint="add it to _NAME_ALIASES in octasee.sources.gitoc") from exc
    country = names.map(codes)
    dup = country[country.duplicated(keep=False)]
    if not dup.empty:
        raise SourceError("two names resolve to the same country: "
                          + ", ".join(sorted(set(names[dup.index]))), where=label)
    wide = pd.DataFrame({
        "country": country,
        "edition": edition,
        "published_name": raw["Country"],
        "continent": raw["Continent"].str.strip(),
        "region": raw["Region"].str.strip(),
    })
    text = raw[[i.column for i in layout]].apply(lambda s: s.str.strip())
    values = text.apply(pd.to_numeric, errors="coerce").astype("float64")
    bad = (values.isna() & text.ne("")) | values.lt(1) | values.gt(10)
    if bad.to_numpy().any():
        r, c = next(zip(*bad.to_numpy().nonzero(), strict=True))
        raise SourceError(f"{text.iat[r, c]!r} is not a score from 1 to 10",
                          where=f"{label}, row {raw['source_row'].iat[r]}, "
                                f"column {text.columns[c]!r}")
    check_values(text, layout, label=label, units=names.tolist(),
                 rows=raw["source_row"].tolist())
    values.columns = [i.name for i in layout]
    wide = pd.concat([wide, values], axis=1)
    wide["source_row"] = raw["source_row"]
    wide = with_provenance(wide.sort_values("country", kind="stable"), source=SOURCE,
                           source_file=label, citation=CITATION)
    return wide, layout


@cache
def _load(edition: int, path: str | None) -> _Loaded:
    return _load_uncached(edition, path)


def _get(edition: int, path: str | os.PathLike[str] | None) -> _Loaded:
    edition = _check_edition(edition)
    return _load(edition, None) if path is None else _load_uncached(edition, os.fspath(path))


def gitoc_wide(edition: int, *, members_only: bool = True,
               path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """One row per country of ``edition``: ids, every score in published order, provenance.

    ``members_only=False`` keeps all 193 countries (all resolved to distinct ISO codes).
    ``path`` reads another copy of the edition's CSV instead of the shipped extract.

    >>> w = gitoc_wide(2023)
    >>> tr = w.set_index("country").loc["TR"]
    >>> len(w), tr["region"], float(tr["Criminality"])
    (13, 'Western Asia', 7.03)
    >>> len(gitoc_wide(2021, members_only=False))
    193
    """
    wide, _ = _get(edition, path)
    out = wide[wide["country"].isin(MEMBER_CODES)] if members_only else wide
    return out.reset_index(drop=True).copy()


def load_gitoc(edition: int, *, members_only: bool = True,
               path: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Long table of ``edition``: one row per country and published score.

    Columns: ``country``, ``edition``, ``indicator`` (published name, header quirks
    removed), ``kind`` (market / actor / resilience / composite), ``pillar``, ``value``,
    ``published_name``, ``source_column`` (the header as written), then ``source``,
    ``source_file``, ``source_row`` and ``citation``.

    >>> t = load_gitoc(2023, members_only=False)
    >>> len(t) == 193 * 36
    True
    >>> al = t.query("country == 'AL' and indicator == 'Criminal actors'")
    >>> al[["pillar", "value"]].values.tolist()
    [['Criminal actors', 5.5]]
    """
    wide, layout = _get(edition, path)
    if members_only:
        wide = wide[wide["country"].isin(MEMBER_CODES)]
    names = [i.name for i in layout]
    long = wide.melt(id_vars=["country", "edition", "published_name", "source_row"],
                     value_vars=names, var_name="indicator", value_name="value")
    meta = pd.DataFrame({"indicator": names,
                         "kind": [i.kind for i in layout],
                         "pillar": [i.pillar for i in layout],
                         "source_column": [i.column for i in layout],
                         "_pos": [i.position for i in layout]})
    long = long.merge(meta, on="indicator", how="left", validate="many_to_one")
    long = long.sort_values(["country", "_pos"], kind="stable")
    long["kind"] = pd.Categorical(long["kind"],
                                  categories=["market", "actor", "resilience", "composite"])
    long = long[["country", "edition", "indicator", "kind", "pillar", "value",
                 "published_name", "source_column", "source_row"]]
    label = str(wide["source_file"].cat.categories[0])
    return with_provenance(long, source=SOURCE, source_file=label, citation=CITATION)
