"""The threat index (a score per country and crime area), the one country ranking on it,
and the bands the public edition shows.

Every place that ranks countries on threat (the key figures, the weights explorer at its
default weights, the report's map, annex B's nominal ranking) calls
:func:`country_ranking` on :func:`threat_scores` of every member country's rows, so
they agree, and a chapter that shows fewer countries filters the result: it never
rescales the scores.

>>> band(2.0), band(5.0), band(9.9), band(float("nan"))
('low', 'medium', 'high', None)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from octasee.analysis.series import per_100k, totals
from octasee.errors import UsageError
from octasee.reference import crime_area, crime_areas

__all__ = ["BANDS", "RANKING_COLUMNS", "TIE_DECIMALS", "area_label", "band", "band_counts",
           "band_edges", "country_ranking", "threat_areas", "threat_bands", "threat_matrix",
           "threat_scores"]

#: The bands, lowest first: each a third of the score's scale.
BANDS = ("low", "medium", "high")


def band_edges(top: float) -> tuple[float, float]:
    """Where the bands of a scale from 0 to ``top`` meet: its thirds.

    >>> band_edges(10.0)
    (3.3333333333333335, 6.666666666666667)
    """
    return top / 3, 2 * top / 3


def band(score: float, *, top: float = 10.0) -> str | None:
    """The band of a score on a scale from 0 to ``top``: low (the lowest third), medium,
    high (the highest third); None for a missing score."""
    if score is None or (isinstance(score, float) and math.isnan(score)):
        return None
    lo, hi = band_edges(top)
    return "low" if score < lo else "medium" if score < hi else "high"


def band_counts(scores: pd.DataFrame, *, by: str, value: str = "value",
                top: float = 10.0) -> pd.DataFrame:
    """How many items fall in each band per ``by`` (a crime area): ``by``, low, medium,
    high. Items without a score are not counted."""
    d = scores.dropna(subset=[value]).assign(
        band=lambda x: x[value].map(lambda v: band(float(v), top=top)))
    out = (d.groupby([by, "band"]).size().unstack(fill_value=0)
           .reindex(columns=list(BANDS), fill_value=0))
    out.columns.name = None
    return out.reset_index()


def threat_scores(indicators: pd.DataFrame, *, years: Sequence[int] | None = None,
                  areas: Sequence[str] | None = None,
                  countries: Sequence[str] | None = None) -> pd.DataFrame:
    """The threat index: a score 0-10 per country and crime area from the questionnaire
    indicators of **every member country** (the store's restricted rows of all members,
    whatever countries a chapter shows).

    Method (annex B says the same): for each indicator, the mean yearly value per country
    over ``years`` (default: every year of the rows) is taken per 100,000 residents;
    across the countries of ``indicators`` it is min-max normalised to 0-10 (5 when every
    country reported the same rate); a crime area's score is the mean of its indicators'
    scores (cases, arrests, suspects and the area's own seizures or detections). A
    country that reported none of an area's indicators gets no score there (missing, not
    zero). ``areas``: the crime areas scored (default :func:`threat_areas`).

    The min-max runs across the rows given, so a country's score depends on which
    countries' rows are given: give every member's rows, then keep the countries to show
    with ``countries`` (or filter the result), never the other way round. Selecting
    countries that way does not change a score.

    Returns a tidy table: ``country``, ``crime_area``, ``value`` (0-10), ``indicators``
    (how many contributed), ``nd`` (a row not for dissemination is among the rows of the
    area, of any country: the min and max of its indicators rest on them; from a column
    ``nd`` or ``not_for_dissemination`` of ``indicators``, else false).

    >>> rows = pd.DataFrame({"country": ["RS", "ME", "HR"], "crime_area": ["heroin"] * 3,
    ...                      "indicator": ["arrests"] * 3, "breakdown": [None] * 3,
    ...                      "year": [2017] * 3, "value": [702.0, 124.0, 0.0]})
    >>> threat_scores(rows).set_index("country")["value"].round(1).to_dict()
    {'HR': 0.0, 'ME': 10.0, 'RS': 5.0}
    >>> threat_scores(rows, countries=["RS"])["value"].round(1).tolist()
    [5.0]
    """
    columns = ["country", "crime_area", "value", "indicators", "nd"]
    d = totals(indicators)
    flag = next((c for c in ("nd", "not_for_dissemination") if c in d.columns), None)
    d["nd"] = (d[flag].astype("boolean").fillna(True).astype(bool) if flag
               else pd.Series(False, index=d.index, dtype=bool))
    if years is not None:
        d = d[d["year"].isin(list(years))]
    d = d[d["crime_area"].isin(list(threat_areas() if areas is None else areas))]
    d = d[d["value"].notna()]
    if d.empty:
        return pd.DataFrame(columns=columns)
    mean = d.groupby(["country", "crime_area", "indicator"], as_index=False)["value"].mean()
    mean["rate"] = per_100k(mean)
    g = mean.groupby(["crime_area", "indicator"])["rate"]
    lo, hi = g.transform("min"), g.transform("max")
    span = (hi - lo).replace(0, np.nan)
    mean["score"] = ((mean["rate"] - lo) / span * 10).fillna(5.0)
    out = mean.groupby(["country", "crime_area"], as_index=False).agg(
        value=("score", "mean"), indicators=("score", "size"))
    out["nd"] = out["crime_area"].map(d.groupby("crime_area")["nd"].any()).astype(bool)
    if countries is not None:
        out = out[out["country"].isin(list(countries))]
    order = {a.code: i for i, a in enumerate(crime_areas())}
    out["_o"] = out["crime_area"].map(order)
    return (out.sort_values(["_o", "country"]).drop(columns="_o")[columns]
            .reset_index(drop=True))


#: The earlier name of :func:`threat_scores` (the same function).
threat_matrix = threat_scores

#: Scores that agree to this many decimals are tied in :func:`country_ranking` (a
#: difference in the last bits of a float, from a sum taken in another order, is none).
TIE_DECIMALS = 9

#: The columns of :func:`country_ranking`.
RANKING_COLUMNS = ["rank", "country", "score", "areas", "nd"]


def country_ranking(tm: pd.DataFrame, weights: Mapping[str, float] | None = None
                    ) -> pd.DataFrame:
    """The one country ranking on the threat index: what the key figures, the weights
    explorer, the report's map and annex B all rank.

    ``tm``: :func:`threat_scores` of every member (filter the result, not ``tm``, to
    show fewer countries: a rank is a rank among all members). ``weights``: per crime
    area (default: every area of ``tm`` weighs 1; an area the mapping does not name
    weighs 0 and is left out; a negative weight is refused).

    - ``score``: the weighted mean of the country's area scores, unrounded (0-10).
    - Missing crime areas: a country is scored on the areas it reported an indicator of
      (``areas`` says how many) and its mean is taken over those, the weights of the rest
      renormalised. A missing area counts neither as zero nor as the regional mean
      (equivalently: as the country's own mean of its other areas). Annex B varies this
      choice (imputing the regional mean) in its robustness analysis.
    - ``rank``: 1 = highest score. Ties: scores that agree to :data:`TIE_DECIMALS`
      decimals share the best rank (1, 1, 3) and are listed by ISO code.
    - ``nd``: a row not for dissemination is behind one of its area scores.

    >>> tm = pd.DataFrame({"country": ["RS", "RS", "HR", "ME"], "crime_area":
    ...                    ["heroin", "thb", "heroin", "thb"], "value": [8.0, 2.0, 5.0, 5.0]})
    >>> country_ranking(tm)[["rank", "country", "score", "areas"]].to_dict("list")
    {'rank': [1, 1, 1], 'country': ['HR', 'ME', 'RS'], 'score': [5.0, 5.0, 5.0], 'areas': [1, 1, 2]}
    >>> country_ranking(tm, {"heroin": 3, "thb": 1})["score"].tolist()
    [6.5, 5.0, 5.0]
    """
    if tm.empty:
        return pd.DataFrame(columns=RANKING_COLUMNS)
    d = tm.dropna(subset=["value"])
    if weights is None:
        w = pd.Series(1.0, index=d.index)
    else:
        bad = {a: v for a, v in weights.items() if not float(v) >= 0}
        if bad:
            area, value = next(iter(bad.items()))
            raise UsageError(f"the weight of crime area {area!r} is {value!r}",
                             hint="weights are 0 (leave the area out) or more")
        w = d["crime_area"].map(lambda a: float(weights.get(a, 0.0)))
    d = d.assign(weight=w, nd=d["nd"] if "nd" in d.columns else False)
    d = d[d["weight"] > 0]
    if d.empty:
        return pd.DataFrame(columns=RANKING_COLUMNS)
    g = d.assign(wv=d["value"] * d["weight"]).groupby("country")
    out = pd.DataFrame({"score": g["wv"].sum() / g["weight"].sum(),
                        "areas": g.size(), "nd": g["nd"].any().astype(bool)}).reset_index()
    out["rank"] = (out["score"].round(TIE_DECIMALS).rank(ascending=False, method="min")
                   .astype(int))
    return (out.sort_values(["rank", "country"])[RANKING_COLUMNS].reset_index(drop=True))


def area_label(code: str) -> str:
    return crime_area(code).label


def threat_areas() -> list[str]:
    """The crime areas scored for threat (the drug markets, not drugs as a whole)."""
    return [a.code for a in crime_areas() if a.parent is not None or a.code != "drugs"]


def threat_bands(tm: pd.DataFrame) -> pd.DataFrame:
    """Threat scores as bands: ``country``, ``crime_area``, ``band`` (low, medium, high:
    thirds of the 0-10 scale)."""
    return tm.assign(band=tm["value"].map(lambda v: band(float(v))))[
        ["country", "crime_area", "band"]]
