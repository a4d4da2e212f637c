"""The numbers behind the chapters: tidy tables in, tidy tables out, no display.

Every number a chapter prints comes from one of these functions (or from
:mod:`octasee.scoring`), so that it is tested here and traceable to store rows: each
result keeps the ``rows`` it was computed from, or the submission ids and source rows.

>>> df = pd.DataFrame({"country": ["RS", "RS", "HR"], "indicator": ["arrests"] * 3,
...                    "crime_area": ["heroin"] * 3, "breakdown": [None, "AF", None],
...                    "year": [2016, 2016, 2016], "value": [40.0, 7.0, 12.0]})
>>> totals(df)["value"].tolist()
[40.0, 12.0]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from octasee.chapters.disclosure import BANDS, band, band_counts
from octasee.questionnaire.spec import spec_for
from octasee.reference import country as member
from octasee.reference import country_name, crime_area, crime_areas
from octasee.sdc.rules import DisclosureRules
from octasee.sdc.view import PublicView, make_public_view

__all__ = [
    "GRADE_CONFIDENCE",
    "analytic_confidence",
    "grading_profile",
    "key_figures",
    "key_figures_by_edition",
    "per_100k",
    "public_key_figures",
    "regional_series",
    "threat_bands",
    "threat_matrix",
    "totals",
    "trend_probability",
    "trend_summary",
]


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


# ----------------------------------------------------------------------------- threat


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


# ----------------------------------------------------------------------------- trends


def trend_probability(years: Sequence[float], values: Sequence[float]) -> float:
    """The share of pairwise slopes that point up (ties count half): P(rising).

    The Theil-Sen slope is the median of the same pairwise slopes, so this is the
    probability behind its sign: 1.0 when every pair of years shows a rise.

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
    """First and last value, change in percent, Theil-Sen slope and P(rising)."""
    from scipy.stats import theilslopes  # lazy: scipy.stats, ~1.1 s on import

    s = series.sort_values(x)
    first, last = float(s[y].iloc[0]), float(s[y].iloc[-1])
    slope = float(theilslopes(s[y], s[x])[0]) if len(s) >= 2 else 0.0
    change = (last - first) / first * 100 if first else float("nan")
    return {"first_year": int(s[x].iloc[0]), "last_year": int(s[x].iloc[-1]), "first": first,
            "last": last, "change_pct": change, "slope": slope,
            "p_rising": trend_probability(s[x], s[y])}


# ----------------------------------------------------------------------------- grading


GRADE_CONFIDENCE = {"high": "A or B source with information graded 1 or 2",
                    "moderate": "mostly B or C sources with information graded 2 or 3",
                    "low": "mostly C, D or X sources, or information graded 4"}


def grading_profile(rows: pd.DataFrame) -> pd.DataFrame:
    """How many rows carry each 4x4 grade (source reliability x information assessment)."""
    g = rows.groupby(["source_reliability", "information_assessment"]).size()
    table = g.unstack(fill_value=0)
    table = table.reindex(index=["A", "B", "C", "D", "X"], columns=[1, 2, 3, 4], fill_value=0)
    table.index.name = "source reliability"
    table.columns = [f"information {c}" for c in table.columns]
    return table


def analytic_confidence(rows: pd.DataFrame) -> str:
    """High, moderate or low analytic confidence from the grading of the rows behind a claim.

    High when at least 60 % of rows come from A/B sources with information graded 1-2;
    low when more than half come from C/D/X sources or information graded 4; else moderate.
    """
    if rows.empty:
        return "low"
    src = rows["source_reliability"].astype(str)
    info = pd.to_numeric(rows["information_assessment"], errors="coerce")
    strong = (src.isin(["A", "B"]) & info.isin([1, 2])).mean()
    weak = (src.isin(["C", "D", "X"]) | info.eq(4)).mean()
    if strong >= 0.6:
        return "high"
    if weak > 0.5:
        return "low"
    return "moderate"


def area_label(code: str) -> str:
    return crime_area(code).label


# ----------------------------------------------------------------------------- key figures

#: The columns of :func:`key_figures`.
KEY_FIGURE_COLUMNS = ["key", "kind", "label", "value", "shown", "unit", "rank", "of",
                      "crime_area", "country", "rows"]


def threat_areas() -> list[str]:
    """The crime areas scored for threat (the drug markets, not drugs as a whole)."""
    return [a.code for a in crime_areas() if a.parent is not None or a.code != "drugs"]


def _shown(value: float, *, unit: str, small: int | None) -> str:
    """A value as the report prints it; counts below ``small`` as ``<small``."""
    if small and unit == "count" and 0 < value < small:
        return f"<{small}"
    if unit == "score":
        return f"{value:.1f}"
    return f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:,.1f}"


def key_figures(indicators: pd.DataFrame, ocgs: pd.DataFrame | None = None, *,
                cycle: str, threshold: int | None = None) -> pd.DataFrame:
    """The report's key figures and ranks, one row each, with a stable ``key``.

    What the drafts of a cycle are compared on (``octasee diff``): the threat score of
    each country in each crime area and its rank there (1 = highest), each country's mean
    threat score and rank (the regional map), each indicator's regional total over the
    cycle, the number of groups reported and each group's Sleipnir score and rank.
    ``shown`` is the value as the report prints it: a draft moved when ``shown`` or
    ``rank`` did. With ``threshold`` (the public variant), counts from 1 to
    ``threshold - 1`` are shown as ``<threshold``. ``rows`` is how many store rows the
    figure was computed from.

    >>> ind = pd.DataFrame({"country": ["RS", "HR"], "crime_area": ["heroin"] * 2,
    ...                     "indicator": ["arrests"] * 2, "breakdown": [None, None],
    ...                     "year": [2017, 2017], "value": [44.0, 3.0]})
    >>> kf = key_figures(ind, cycle="2013-2017", threshold=5)
    >>> kf.set_index("key").loc[["threat:heroin:RS", "threat:heroin:HR",
    ...                          "total:heroin:arrests"], "shown"].tolist()
    ['10.0', '0.0', '47']
    >>> int(kf.set_index("key").loc["threat:heroin:HR", "rank"])
    2
    """
    spec = spec_for(cycle)
    rows: list[dict[str, object]] = []

    def add(key: str, kind: str, label: str, value: float, unit: str, *, rank: int | None = None,
            of: int | None = None, area: str | None = None, country: str | None = None,
            n: int = 0) -> None:
        rows.append({"key": key, "kind": kind, "label": label, "value": float(value),
                     "shown": _shown(float(value), unit=unit, small=threshold),
                     "unit": "" if unit in ("score", "count") else unit,
                     "rank": rank, "of": of, "crime_area": area, "country": country,
                     "rows": n})

    d = totals(indicators) if len(indicators) else indicators
    tm = threat_matrix(indicators, areas=threat_areas()) if len(d) else pd.DataFrame()
    if len(tm):
        tm["rank"] = tm.groupby("crime_area")["value"].rank(ascending=False, method="min")
        tm["of"] = tm.groupby("crime_area")["value"].transform("size")
        for r in tm.itertuples():
            add(f"threat:{r.crime_area}:{r.country}", "threat score",
                f"{area_label(r.crime_area)}: threat score of {country_name(r.country)}",
                round(r.value, 1), "score", rank=int(r.rank), of=int(r.of),
                area=r.crime_area, country=r.country, n=int(r.indicators))
        mean = tm.groupby("country", as_index=False)["value"].mean()
        mean["value"] = mean["value"].round(1)
        mean["rank"] = mean["value"].rank(ascending=False, method="min")
        for r in mean.itertuples():
            add(f"threat:mean:{r.country}", "mean threat score",
                f"Mean threat score of {country_name(r.country)}", r.value, "score",
                rank=int(r.rank), of=len(mean), country=r.country)
    if len(d):
        agg = d.groupby(["crime_area", "indicator"], as_index=False).agg(
            value=("value", "sum"), countries=("country", "nunique"), n=("value", "size"))
        for r in agg.itertuples():
            try:
                ind = spec.indicator(r.indicator)
                label, unit = ind.label, ind.unit
            except KeyError:
                label, unit = r.indicator, ""
            add(f"total:{r.crime_area}:{r.indicator}", "regional total",
                f"{area_label(r.crime_area)}: {label}, regional total {cycle}", r.value, unit,
                area=r.crime_area, n=int(r.n))
    if ocgs is not None and len(ocgs):
        from octasee.scoring import score_groups  # lazy: ~100 ms on `import octasee.chapters`

        add("ocg:count", "groups", "Organised crime groups reported", len(ocgs), "count",
            n=len(ocgs))
        ranked = score_groups(ocgs, "sleipnir").scores
        for r in ranked.itertuples():
            if pd.isna(r.score):
                continue
            add(f"ocg:{r.country}:{r.group_ref}", "group score",
                f"Sleipnir score of group {r.group_ref} ({country_name(r.country)})",
                round(float(r.score)), "score", rank=int(r.rank), of=len(ranked),
                country=r.country, n=1)
    out = pd.DataFrame(rows, columns=KEY_FIGURE_COLUMNS)
    out["rank"] = out["rank"].astype("Int64")
    out["of"] = out["of"].astype("Int64")
    return out


def public_key_figures(view: PublicView, *, cycle: str,
                       threat: pd.DataFrame | None = None, groups: int | None = None,
                       threshold: int, rank_countries: bool = False) -> pd.DataFrame:
    """The public edition's key figures: what it prints, never recomputed on fewer rows.

    Each indicator's regional total over the cycle is the view's published grand total
    of the cycle's years (left out when the view suppresses any of them). Threat scores
    (``threat``: :func:`threat_matrix` of every restricted row) are published as the
    number of member states in each band per crime area, or, with ``rank_countries``, as
    the restricted edition prints them. ``groups``: the number of groups reported, shown
    when it is at least ``threshold``. No group's score appears.
    """
    spec = spec_for(cycle)
    first, last = (int(y) for y in cycle.split("-"))
    rows: list[dict[str, object]] = []

    def add(key: str, kind: str, label: str, value: float, unit: str, shown: str, *,
            rank: int | None = None, of: int | None = None, area: str | None = None,
            country: str | None = None) -> None:
        rows.append({"key": key, "kind": kind, "label": label, "value": float(value),
                     "shown": shown, "unit": "" if unit in ("score", "count") else unit,
                     "rank": rank, "of": of, "crime_area": area, "country": country,
                     "rows": 0})

    if threat is not None and len(threat):
        if rank_countries:
            tm = threat.copy()
            tm["rank"] = tm.groupby("crime_area")["value"].rank(ascending=False, method="min")
            tm["of"] = tm.groupby("crime_area")["value"].transform("size")
            for r in tm.itertuples():
                add(f"threat:{r.crime_area}:{r.country}", "threat score",
                    f"{area_label(r.crime_area)}: threat score of {country_name(r.country)}",
                    round(r.value, 1), "score", f"{round(r.value, 1):.1f}", rank=int(r.rank),
                    of=int(r.of), area=r.crime_area, country=r.country)
        else:
            counts = band_counts(threat, by="crime_area")
            for r in counts.itertuples():
                for b in BANDS:
                    n = int(getattr(r, b))
                    add(f"band:{r.crime_area}:{b}", "threat band",
                        f"{area_label(r.crime_area)}: member states in the {b} band", n,
                        "count", f"{n:,}", area=r.crime_area)
    m = view.margins
    m = m[(m["kind"] == "year") & m["year"].between(first, last)]
    for (area, code), part in m.groupby(["crime_area", "indicator"], dropna=False):
        if part["value"].isna().any() or (part["status"] != "published").any():
            continue
        try:
            ind = spec.indicator(code)
            label, unit = ind.label, ind.unit
        except KeyError:
            label, unit = code, ""
        value = float(part["value"].sum())
        add(f"total:{area}:{code}", "regional total",
            f"{area_label(area)}: {label}, regional total {cycle}", value, unit,
            _shown(value, unit=unit, small=None), area=area)
    if groups is not None and groups >= threshold:
        add("ocg:count", "groups", "Organised crime groups reported", groups, "count",
            f"{groups:,}")
    out = pd.DataFrame(rows, columns=KEY_FIGURE_COLUMNS)
    out["rank"] = out["rank"].astype("Int64")
    out["of"] = out["of"].astype("Int64")
    return out


def threat_bands(tm: pd.DataFrame) -> pd.DataFrame:
    """Threat scores as bands: ``country``, ``crime_area``, ``band`` (low, medium, high:
    thirds of the 0-10 scale)."""
    return tm.assign(band=tm["value"].map(lambda v: band(float(v))))[
        ["country", "crime_area", "band"]]


def key_figures_by_edition(indicators: pd.DataFrame, ocgs: pd.DataFrame | None = None, *,
                           cycle: str, rules: DisclosureRules,
                           view: PublicView | None = None) -> dict[str, pd.DataFrame]:
    """The key figures of both editions from the *restricted* rows of a cycle (what a
    draft's snapshot records): the restricted edition's (:func:`key_figures`) and the
    public edition's (:func:`public_key_figures`, from the public view of the same rows,
    so that it never recomputes anything on the rows the public variant keeps).

    ``indicators`` and ``ocgs``: ``store.table(..., variant="restricted")``; a column
    ``nd`` (or ``not_for_dissemination``) marks the rows not for dissemination, including
    every row of a submission marked so as a whole. ``view``: their public view as the
    chapters make it (:func:`octasee.chapters.disclosure.public_view`); default, one
    made from these rows alone.
    """
    if view is None:
        ind = indicators
        if "nd" in ind.columns:
            ind = ind.assign(not_for_dissemination=ind["nd"]).drop(columns="nd")
        view = make_public_view(ind, rules)
    tm = threat_matrix(indicators, areas=threat_areas()) if len(indicators) else None
    return {"restricted": key_figures(indicators, ocgs, cycle=cycle),
            "public": public_key_figures(view, cycle=cycle, threat=tm,
                                         groups=None if ocgs is None else len(ocgs),
                                         threshold=rules.threshold,
                                         rank_countries=rules.rank_countries)}
