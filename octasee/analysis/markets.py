"""GI-TOC criminal-market and resilience scores matched to the crime areas.

The Global Organized Crime Index scores each country's criminal markets (heroin trade,
human smuggling, financial crimes ...) and its resilience from 1 to 10. Which market and
which resilience indicators match a crime area is reference data (``crime_areas.csv``:
:meth:`octasee.reference.CrimeArea.gitoc_markets`, ``gitoc_resilience``, and the reverse,
:func:`octasee.reference.gitoc_market_areas`); this module reads the scores for them.
A crime chapter prints the members' market scores of its area (:func:`market_scores`),
a country profile the scores matching its main threats (:func:`country_scores`). Which
editions, and whether they are later than the cycle, is :mod:`octasee.analysis.editions`'s.

>>> t = market_scores(["thb"], ["RS", "TR"], (2021, 2023))
>>> t[["country", "edition", "indicator", "value"]].values.tolist()
[['RS', 2021, 'Human trafficking', 5.0], ['RS', 2023, 'Human trafficking', 6.0], ['TR', 2021, 'Human trafficking', 7.0], ['TR', 2023, 'Human trafficking', 8.0]]
>>> market_scores(["cybercrime"], ["RS"], (2021,)).empty  # no such market in 2021
True
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from octasee.reference import crime_area, gitoc_market_areas
from octasee.sources.gitoc import load_gitoc

__all__ = ["COLUMNS", "area_markets", "country_scores", "highest", "market_scores"]

#: The columns of :func:`market_scores` and :func:`country_scores`.
COLUMNS = ["country", "edition", "kind", "indicator", "crime_area", "value"]


def area_markets(areas: Sequence[str], edition: int) -> list[str]:
    """The GI-TOC markets of ``edition`` that match ``areas`` (a parent area: its
    children's), in the order of the areas, each once.

    >>> area_markets(["drugs"], 2023)
    ['Heroin trade', 'Cocaine trade', 'Cannabis trade', 'Synthetic drug trade']
    >>> area_markets(["excise_goods", "counterfeit_goods"], 2021), area_markets(["property_crime"], 2023)
    ([], [])
    """
    out: list[str] = []
    for a in areas:
        out += [m for m in crime_area(a).gitoc_markets(edition) if m not in out]
    return out


def _scores(edition: int, countries: Sequence[str], names: Sequence[str]) -> pd.DataFrame:
    t = load_gitoc(edition)
    t = t[t["country"].isin(list(countries)) & t["indicator"].isin(list(names))]
    return t[["country", "edition", "kind", "indicator", "value"]].astype(
        {"kind": str, "edition": int})


def market_scores(areas: Sequence[str], countries: Sequence[str],
                  editions: Sequence[int]) -> pd.DataFrame:
    """The GI-TOC market scores (1-10) of ``countries`` for the markets that match
    ``areas``, in each of ``editions`` that scores them (a market an edition does not
    have, such as 2021's financial crimes, has no row): ``country``, ``edition``,
    ``kind`` ("market"), ``indicator`` (the market), ``crime_area`` (the most specific
    area it matches), ``value``; by country, edition and the markets' order."""
    frames = []
    for e in editions:
        names = area_markets(areas, e)
        if not names:
            continue
        part = _scores(e, countries, names)
        part["crime_area"] = part["indicator"].map(gitoc_market_areas(e))
        part["_o"] = part["indicator"].map({m: i for i, m in enumerate(names)})
        frames.append(part)
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    return (out.sort_values(["country", "edition", "_o"], kind="stable")[COLUMNS]
            .reset_index(drop=True))


def country_scores(country: str, areas: Sequence[str], editions: Sequence[int]
                   ) -> pd.DataFrame:
    """One country's GI-TOC scores that match ``areas`` (its main threats): the
    criminality composite, the markets of the areas, the resilience composite and the
    resilience indicators the areas name (``gitoc_resilience``), in that order, in each
    of ``editions``. Columns as :func:`market_scores`, and ``matches``: the areas of
    ``areas`` a row matches (a resilience indicator may match several; none for the
    composites). ``crime_area`` is the first of them; ``kind`` is composite, market or
    resilience.

    >>> t = country_scores("RS", ["thb", "firearms", "heroin"], (2023,))
    >>> t[["kind", "indicator", "crime_area", "matches"]].values.tolist()[-3:]
    [['resilience', 'Prevention', 'thb', ('thb',)], ['resilience', 'Territorial integrity', 'firearms', ('firearms', 'heroin')], ['resilience', 'Law enforcement', 'firearms', ('firearms', 'heroin')]]
    >>> t[["kind", "indicator"]].values.tolist()[:4]
    [['composite', 'Criminality'], ['market', 'Human trafficking'], ['market', 'Arms trafficking'], ['market', 'Heroin trade']]
    """
    matches: dict[str, tuple[str, ...]] = {}
    for a in areas:
        for name in crime_area(a).gitoc_resilience:
            matches[name] = (*matches.get(name, ()), a)
    resilience = {name: found[0] for name, found in matches.items()}
    frames = []
    for e in editions:
        markets = market_scores(areas, [country], [e])
        order = (["Criminality", *markets["indicator"], "Resilience", *resilience])
        part = _scores(e, [country], order)
        part = part[part["kind"] != "market"]  # the markets come with their areas
        part["crime_area"] = part["indicator"].map(resilience)
        both = pd.concat([part, markets], ignore_index=True)
        both["_o"] = both["indicator"].map({n: i for i, n in enumerate(order)})
        frames.append(both.sort_values("_o", kind="stable"))
    if not frames:
        return pd.DataFrame(columns=[*COLUMNS, "matches"])
    out = pd.concat(frames, ignore_index=True)
    out["crime_area"] = out["crime_area"].astype(object).where(out["crime_area"].notna(), None)
    out["matches"] = [matches.get(i, (a,) if a else ()) if k != "composite" else ()
                      for k, i, a in zip(out["kind"], out["indicator"], out["crime_area"],
                                         strict=True)]
    return out[[*COLUMNS, "matches"]].reset_index(drop=True)


def highest(scores: pd.DataFrame, edition: int) -> list[tuple[str, float, tuple[str, ...]]]:
    """Per market of ``scores`` (:func:`market_scores`) in ``edition``: the highest score
    and the countries that have it (ties all named), in the markets' order.

    >>> highest(market_scores(["thb"], ["RS", "TR", "AL"], (2023,)), 2023)
    [('Human trafficking', 8.0, ('TR',))]
    """
    d = scores[(scores["edition"] == edition) & scores["value"].notna()]
    out = []
    for market in dict.fromkeys(d["indicator"]):
        part = d[d["indicator"] == market]
        top = float(part["value"].max())
        out.append((str(market), top,
                    tuple(sorted(part.loc[part["value"] == top, "country"].astype(str)))))
    return out
