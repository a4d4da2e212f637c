"""The report's key figures: what drafts are compared on, in both editions."""

from __future__ import annotations

import pandas as pd

from octasee.analysis.series import totals
from octasee.analysis.threat import (
    BANDS,
    area_label,
    band_counts,
    country_ranking,
    rank_intervals,
    threat_scores,
)
from octasee.questionnaire.spec import spec_for
from octasee.reference import country_name
from octasee.sdc.rules import DisclosureRules
from octasee.sdc.view import PublicView, make_public_view

__all__ = ["KEY_FIGURE_COLUMNS", "key_figures", "key_figures_by_edition",
           "public_key_figures"]

#: The columns of :func:`key_figures`.
KEY_FIGURE_COLUMNS = ["key", "kind", "label", "value", "shown", "unit", "rank", "of",
                      "crime_area", "country", "rows", "rank_label"]


def _shown(value: float, *, unit: str, small: int | None) -> str:
    """A value as the report prints it; counts below ``small`` as ``<small``."""
    if small and unit == "count" and 0 < value < small:
        return f"<{small}"
    if unit == "score":
        return f"{value:.1f}"
    return f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:,.1f}"


def key_figures(indicators: pd.DataFrame, ocgs: pd.DataFrame | None = None, *,
                cycle: str, threshold: int | None = None,
                threat: pd.DataFrame | None = None) -> pd.DataFrame:
    """The report's key figures and ranks, one row each, with a stable ``key``.

    What the drafts of a cycle are compared on (``octasee diff``): the threat score of
    each country in each crime area and its rank there (1 = highest), each country's mean
    threat score and rank (:func:`~octasee.analysis.threat.country_ranking`, the one
    ranking: the report's map, the weights explorer at equal weights and annex B rank the
    same), each indicator's regional total over the cycle, the number of groups reported
    and each group's Sleipnir score and rank.
    ``shown`` is the value as the report prints it: a draft moved when ``shown`` or
    ``rank`` did. With ``threshold`` (the public variant), counts from 1 to
    ``threshold - 1`` are shown as ``<threshold``. ``rows`` is how many store rows the
    figure was computed from (for a threat score: how many indicators). ``rank_label``:
    a country's rank on the threat index with its 90 % interval under the method's
    variants, as the report prints every rank that names a country ("3 (2-4)";
    :func:`~octasee.analysis.threat.rank_intervals`); None for other figures.

    ``threat``: the threat scores of every member country
    (:func:`~octasee.analysis.threat.threat_scores` of all members' rows), for a caller
    whose ``indicators`` are fewer countries' rows: their scores and ranks are then those
    among all members, not rescaled to the selection. Default: the scores of
    ``indicators``.

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
            n: int = 0, rank_label: str | None = None) -> None:
        rows.append({"key": key, "kind": kind, "label": label, "value": float(value),
                     "shown": _shown(float(value), unit=unit, small=threshold),
                     "unit": "" if unit in ("score", "count") else unit,
                     "rank": rank, "of": of, "crime_area": area, "country": country,
                     "rows": n, "rank_label": rank_label})

    d = totals(indicators) if len(indicators) else indicators
    if threat is None:
        threat = threat_scores(indicators) if len(d) else pd.DataFrame()
    shown = set(d["country"]) if len(d) else set()
    if len(threat):
        tm = threat.copy()
        tm["rank"] = tm.groupby("crime_area")["value"].rank(ascending=False, method="min")
        tm["of"] = tm.groupby("crime_area")["value"].transform("size")
        tm = tm[tm["country"].isin(shown)]
        for r in tm.itertuples():
            add(f"threat:{r.crime_area}:{r.country}", "threat score",
                f"{area_label(r.crime_area)}: threat score of {country_name(r.country)}",
                round(r.value, 1), "score", rank=int(r.rank), of=int(r.of),
                area=r.crime_area, country=r.country, n=int(r.indicators))
        ranking = country_ranking(threat)
        of = len(ranking)
        labels = dict(zip(*rank_intervals(threat).ranks[["country", "label"]].to_numpy().T,
                          strict=True)) if of else {}
        for r in ranking[ranking["country"].isin(shown)].itertuples():
            # the mean is over every area of the index, the unreported ones imputed
            areas = (f"{r.areas} crime area" + ("" if r.areas == 1 else "s")
                     + (f" reported, {r.imputed} imputed" if r.imputed else ""))
            add(f"threat:mean:{r.country}", "mean threat score",
                f"Mean threat score of {country_name(r.country)} ({areas})",
                round(float(r.score), 1), "score", rank=int(r.rank), of=of,
                country=r.country, rank_label=labels.get(r.country))
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
    (``threat``: :func:`~octasee.analysis.threat.threat_scores` of every restricted row) are published as the
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


def key_figures_by_edition(indicators: pd.DataFrame, ocgs: pd.DataFrame | None = None, *,
                           cycle: str, rules: DisclosureRules,
                           view: PublicView | None = None,
                           threat: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The key figures of both editions from the *restricted* rows of a cycle (what a
    draft's snapshot records): the restricted edition's (:func:`key_figures`) and the
    public edition's (:func:`public_key_figures`, from the public view of the same rows,
    so that it never recomputes anything on the rows the public variant keeps).

    ``indicators`` and ``ocgs``: ``store.table(..., variant="restricted")``; a column
    ``nd`` (or ``not_for_dissemination``) marks the rows not for dissemination, including
    every row of a submission marked so as a whole. ``view``: their public view as the
    chapters make it (:func:`octasee.chapters.disclosure.public_view`); default, one
    made from these rows alone. ``threat``: the threat scores of every member country,
    when ``indicators`` are fewer countries' rows (see :func:`key_figures`).
    """
    if view is None:
        ind = indicators
        if "nd" in ind.columns:
            ind = ind.assign(not_for_dissemination=ind["nd"]).drop(columns="nd")
        view = make_public_view(ind, rules)
    tm = threat_scores(indicators) if threat is None and len(indicators) else threat
    if threat is not None and len(indicators):
        tm = threat[threat["country"].isin(set(indicators["country"]))]
    return {"restricted": key_figures(indicators, ocgs, cycle=cycle, threat=threat),
            "public": public_key_figures(view, cycle=cycle, threat=tm,
                                         groups=None if ocgs is None else len(ocgs),
                                         threshold=rules.threshold,
                                         rank_countries=rules.rank_countries)}
