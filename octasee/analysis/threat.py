"""The threat scores per country and crime area, and their bands.

>>> band(2.0), band(5.0), band(9.9), band(float("nan"))
('low', 'medium', 'high', None)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from octasee.analysis.series import per_100k, totals
from octasee.reference import crime_area, crime_areas

__all__ = ["BANDS", "area_label", "band", "band_counts", "band_edges", "threat_areas",
           "threat_bands", "threat_matrix"]

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


def threat_matrix(indicators: pd.DataFrame, *, years: Sequence[int] | None = None,
                  areas: Sequence[str] | None = None) -> pd.DataFrame:
    """A threat score 0-10 per country and crime area from the questionnaire indicators.

    Method (documented in annex B): for each indicator, the mean yearly value per country
    over ``years`` is taken per 100,000 residents; across countries it is min-max
    normalised to 0-10; a crime area's score is the mean of its indicators' scores
    (cases, arrests, suspects and the area's own seizures or detections). A country that
    reported none of an area's indicators gets no score (missing, not zero).

    Returns a tidy table: ``country``, ``crime_area``, ``value`` (0-10), ``indicators``
    (how many contributed).
    """
    d = totals(indicators)
    if years is not None:
        d = d[d["year"].isin(list(years))]
    if areas is not None:
        d = d[d["crime_area"].isin(list(areas))]
    if d.empty:
        return pd.DataFrame(columns=["country", "crime_area", "value", "indicators"])
    mean = d.groupby(["country", "crime_area", "indicator"], as_index=False)["value"].mean()
    mean["rate"] = per_100k(mean)
    g = mean.groupby(["crime_area", "indicator"])["rate"]
    lo, hi = g.transform("min"), g.transform("max")
    span = (hi - lo).replace(0, np.nan)
    mean["score"] = ((mean["rate"] - lo) / span * 10).fillna(5.0)
    out = mean.groupby(["country", "crime_area"], as_index=False).agg(
        value=("score", "mean"), indicators=("score", "size"))
    order = {a.code: i for i, a in enumerate(crime_areas())}
    out["_o"] = out["crime_area"].map(order)
    return out.sort_values(["_o", "country"]).drop(columns="_o").reset_index(drop=True)


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
