"""Regional series and the rows behind them: totals, rates per 100,000 residents, the
yearly regional total with how many countries reported.

>>> df = pd.DataFrame({"country": ["RS", "RS", "HR"], "indicator": ["arrests"] * 3,
...                    "crime_area": ["heroin"] * 3, "breakdown": [None, "AF", None],
...                    "year": [2016, 2016, 2016], "value": [40.0, 7.0, 12.0]})
>>> totals(df)["value"].tolist()
[40.0, 12.0]
"""

from __future__ import annotations

import pandas as pd

from octasee.reference import country as member
from octasee.sdc.view import PublicView

__all__ = ["per_100k", "regional_series", "totals"]


def totals(indicators: pd.DataFrame) -> pd.DataFrame:
    """Rows that are totals (no nationality breakdown)."""
    return indicators[indicators["breakdown"].isna()].copy()


def per_100k(df: pd.DataFrame, *, value: str = "value", country: str = "country") -> pd.Series:
    """``value`` per 100,000 residents (mid-2017 population, reference data)."""
    pop = df[country].map(lambda c: member(c).population_2017_m)
    return df[value] / (pop * 10.0)


def regional_series(indicators: pd.DataFrame, indicator: str, *,
                    crime_area_code: str | None = None, view: PublicView | None = None
                    ) -> pd.DataFrame:
    """The regional total of one indicator per year, with how many countries reported.

    Columns: ``year``, ``value`` (sum over reporting countries), ``countries`` (how many
    reported that year), ``rows`` (store rows summed), ``nd`` (whether a row not for
    dissemination is in the sum: the restricted edition marks it).

    With ``view`` (the public edition) the series is the view's published yearly totals
    (:meth:`octasee.sdc.PublicView.regional_series`) for the years ``indicators`` cover:
    the true totals, or missing (``value`` NaN, ``status`` not ``published``) where the
    view suppresses them; ``countries`` is then how many countries' cells are published
    that year and ``reporting`` how many the total covers.
    """
    d = totals(indicators)
    d = d[d["indicator"] == indicator]
    if crime_area_code:
        d = d[d["crime_area"] == crime_area_code]
    if view is not None:
        series = view.regional_series(indicator, crime_area_code)
        series = series[series["year"].isin(set(d["year"]))].copy()
        shown = d[d["value"].notna()].groupby("year")["country"].nunique()
        series = series.rename(columns={"countries": "reporting"})
        series["countries"] = series["year"].map(shown).fillna(0).astype(int)
        series["rows"] = series["year"].map(d.groupby("year").size()).fillna(0).astype(int)
        series["nd"] = False
        return series.sort_values("year").reset_index(drop=True)
    nd = d["nd"] if "nd" in d.columns else pd.Series(False, index=d.index)
    out = d.assign(nd=nd.astype(bool)).groupby("year", as_index=False).agg(
        value=("value", "sum"), countries=("country", "nunique"), rows=("value", "size"),
        nd=("nd", "any"))
    return out.sort_values("year").reset_index(drop=True)
