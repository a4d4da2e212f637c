"""Reusable chapter sections: one call in a notebook cell shows a figure, a table or text.

Each section takes the chapter context and computes from the store and the public
sources through :mod:`octasee.chapters.analysis`, :mod:`octasee.scoring` and
:mod:`octasee.sources`; numbers in sentences are the same numbers as in the tables.

Every section first shows the chapter's notice, once per chapter (:meth:`Chapter.notice`:
no questionnaire of the cycle ingested yet, and the command that ingests them; or how
many countries have answered so far). In an empty chapter the sections that rest on the
questionnaires show nothing more and those built on public sources show them. With few
answers a section says so in one sentence instead of a figure: a trend needs
``MIN_YEARS`` years, and threat scores, which compare countries, need ``MIN_COUNTRIES``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from octasee.chapters.analysis import (
    analytic_confidence,
    grading_profile,
    per_100k,
    regional_series,
    threat_matrix,
    totals,
    trend_summary,
)
from octasee.chapters.context import Chapter
from octasee.reference import crime_area, crime_areas, cycle

__all__ = [
    "area_trend", "assessments", "country_table", "gitoc_scores", "grading", "key_judgements",
    "ocg_overview", "priorities", "regional_map", "response", "robustness", "routes",
    "threat_overview",
]

#: Years of an indicator needed to show (and judge) a trend.
MIN_YEARS = 3
#: Countries with threat scores needed to compare them (scores are relative: min-max).
MIN_COUNTRIES = 2

F = TypeVar("F", bound=Callable[..., Any])


def _section(*, public: bool = False, empty: Callable[[Chapter], Any] | None = None,
             partial: bool = True) -> Callable[[F], F]:
    """Make a function a section: it shows the chapter's notice first (once per chapter;
    ``partial=False``: not the count of countries that answered). In an empty chapter a
    section that is not ``public`` (it rests on the questionnaires) shows nothing more and
    returns ``empty(ch)`` (an empty result the notebook's next cell can take) or None."""
    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        def section(ch: Chapter, *args: Any, **kwargs: Any) -> Any:
            ch.notice(partial=partial)
            if ch.empty and not public:
                return empty(ch) if empty is not None else None
            return fn(ch, *args, **kwargs)
        return section  # type: ignore[return-value]
    return wrap


def _plural(n: int, word: str, many: str | None = None) -> str:
    """``1 country``, ``2 countries``.

    >>> _plural(1, "country", "countries"), _plural(3, "cycle")
    ('1 country', '3 cycles')
    """
    return f"{n:,} {word if n == 1 else many or word + 's'}"


def _comparable(ch: Chapter, tm: pd.DataFrame, *, say: bool = True) -> bool:
    """Whether threat scores ``tm`` compare enough countries; if not (and ``say``), one
    sentence says why there is no comparison."""
    reporting = sorted(set(tm["country"]))
    if len(reporting) >= MIN_COUNTRIES:
        return True
    if not say:
        return False
    if not reporting:
        ch.say("No indicator was reported for this selection of countries.")
    else:
        ch.say("Threat scores compare the countries with each other: with only {name} "
               "reporting indicators for {cycle}, there is nothing to compare them with yet.",
               name=ch.name(reporting[0]), cycle=ch.cycle.code)
    return False


def _scored_groups(ch: Chapter) -> pd.DataFrame:
    """The chapter's groups scored on the Sleipnir attributes (an empty table if none)."""
    from octasee.scoring import score_groups

    return score_groups(ch.table("ocgs"), "sleipnir").scores


def _no_threat(ch: Chapter) -> pd.DataFrame:
    return threat_matrix(ch.table("indicators"))


LANGUAGES = {"en": "English", "sq": "Albanian", "bs": "Bosnian", "bg": "Bulgarian",
             "hr": "Croatian", "el": "Greek", "hu": "Hungarian", "ro": "Romanian",
             "sr": "Serbian", "cnr": "Montenegrin", "mk": "Macedonian", "sl": "Slovenian",
             "tr": "Turkish"}


def _label(indicator: str, ch: Chapter) -> str:
    from octasee.questionnaire.spec import spec_for

    try:
        return spec_for(ch.cycle.code).indicator(indicator).label
    except KeyError:
        return indicator


def _unit(indicator: str, ch: Chapter) -> str:
    from octasee.questionnaire.spec import spec_for

    try:
        return spec_for(ch.cycle.code).indicator(indicator).unit
    except KeyError:
        return ""


# ----------------------------------------------------------------------------- 01


@_section(partial=False)  # it says itself how many countries answered
def response(ch: Chapter) -> None:
    """Response rate per country for this cycle (and the earlier ones in the store)."""
    status = ch.store.status(expected=ch.countries,
                             deadlines={c: ch.workspace.deadline(c) for c in ch.cycles()})
    status = status[status["cycle"].isin(ch.cycles()) & status["country"].isin(ch.countries)]
    wide = status.pivot_table(index=["country", "name"], columns="cycle", values="rows",
                              aggfunc="sum", fill_value=0).reset_index()
    this = status[status["cycle"] == ch.cycle.code]
    answered = int((~this["state"].isin(["missing", "awaited"])).sum())
    late = int((this["late"] == "late").sum())
    ch.say("{answered} of {expected} member countries returned the questionnaire for the "
           "{cycle} cycle ({late} after the deadline). The table counts the accepted rows of "
           "each country's current submission per cycle.", answered=answered,
           expected=len(ch.countries), cycle=ch.cycle.code, late=late)
    wide.columns = [str(c) for c in wide.columns]
    ch.show_table(wide.rename(columns={"country": "code", "name": "country"}),
                  "Questionnaire rows accepted per country and cycle", source="submissions")


@_section()
def grading(ch: Chapter) -> None:
    """The 4x4 source-grading profile of everything submitted this cycle."""
    rows = pd.concat([ch.table(t)[["source_reliability", "information_assessment"]]
                      for t in ("indicators", "ocgs", "routes", "assessments")],
                     ignore_index=True)
    profile = grading_profile(rows)
    share = profile.to_numpy().sum()
    strong = profile.loc[["A", "B"], ["information 1", "information 2"]].to_numpy().sum()
    ch.say("Of {n} graded rows, {strong} ({pct}%) come from sources rated A or B with "
           "information graded 1 or 2. Judgements resting mostly on such rows are stated with "
           "high confidence; see the method in Annex B.", n=int(share), strong=int(strong),
           pct=round(100 * strong / share) if share else 0)
    ch.show_table(profile.reset_index(), "Source grading of submitted rows (4x4 system)",
                  source="submissions")


# ----------------------------------------------------------------------------- 02


@_section(empty=_no_threat)
def threat_overview(ch: Chapter) -> pd.DataFrame:
    """Heatmap of questionnaire-based threat scores, country x crime area."""
    from octasee.charts import threat_heatmap

    areas = [a.code for a in crime_areas() if a.parent is not None or a.code not in ("drugs",)]
    tm = threat_matrix(ch.table("indicators"), areas=areas)
    if not _comparable(ch, tm):
        return tm
    fig = threat_heatmap(tm, country="country", crime_area="crime_area", value="value",
                         zmin=0, zmax=10, value_label="threat score")
    ch.figure(fig, f"Threat scores 0-10 by country and crime area, {ch.cycle.code} "
              "(indicators per 100,000 residents, min-max across countries)",
              source="submissions")
    top = (tm.sort_values("value", ascending=False).groupby("crime_area").head(1)
           .sort_values("value", ascending=False).head(3))
    parts = [f"{ch.name(r.country)} for {crime_area(r.crime_area).label.lower()}"
             for r in top.itertuples()]
    ch.say("Relative to population, the highest scores this cycle are "
           + "; ".join(f"{{p{i}}}" for i in range(len(parts))) + ".",
           **{f"p{i}": p for i, p in enumerate(parts)})
    return tm


@_section()
def regional_map(ch: Chapter, tm: pd.DataFrame | None = None) -> None:
    """Choropleth of the mean threat score per member country.

    ``tm`` is :func:`threat_overview`'s result, which has said already when there are too
    few countries to compare; without it, this section says so itself.
    """
    from octasee.charts import choropleth

    given = tm is not None
    tm = threat_matrix(ch.table("indicators")) if tm is None else tm
    if not _comparable(ch, tm, say=not given):
        return
    mean = tm.groupby("country", as_index=False)["value"].mean()
    fig = choropleth(mean, value="value", country="country", value_label="threat score",
                     value_format=".1f")
    ch.figure(fig, "Mean threat score across crime areas (0-10)", source="submissions")


@_section(public=True)
def gitoc_scores(ch: Chapter, *, indicators: Sequence[str] = ("Criminality", "Resilience"),
                 country: str | None = None) -> None:
    """GI-TOC scores of both editions for the chapter's countries."""
    from octasee.sources import gitoc_wide

    frames = []
    for edition in (2021, 2023):
        w = gitoc_wide(edition)
        w = w[w["country"].isin([country] if country else ch.countries)]
        cols = [c for c in indicators if c in w.columns]
        part = w[["country", *cols]].copy()
        part.columns = ["country", *[f"{c} {edition}" for c in cols]]
        frames.append(part.set_index("country"))
    table = pd.concat(frames, axis=1).reset_index()
    table.insert(1, "name", table["country"].map(ch.name))
    ch.show_table(table.drop(columns="country"),
                  "GI-TOC Global Organized Crime Index, 2021 and 2023 editions (scores 1-10)",
                  source="gitoc")


@_section(public=True)
def quadrant(ch: Chapter) -> None:
    """Criminality against resilience, GI-TOC 2023."""
    from octasee.charts import quadrant as quadrant_fig
    from octasee.sources import gitoc_wide

    w = gitoc_wide(2023)
    w = w[w["country"].isin(ch.countries)].rename(
        columns={"Criminality": "criminality", "Resilience": "resilience"})
    fig = quadrant_fig(w[["country", "criminality", "resilience"]], x="criminality",
                       y="resilience", label="country")
    ch.figure(fig, "Criminality and resilience, GI-TOC 2023", source="gitoc")


# ----------------------------------------------------------------------------- areas


@_section()
def area_trend(ch: Chapter, area: str, indicator: str) -> None:
    """Regional trend of one indicator over every cycle in the store, with a judgement."""
    from octasee.charts import trend_band
    from octasee.scoring import robust_trend

    ind = ch.table("indicators", all_cycles=True)
    series = regional_series(ind, indicator, crime_area_code=area)
    if len(series) < MIN_YEARS:
        ch.say("Too few years were reported for {what} to show a trend.",
               what=_label(indicator, ch).lower())
        return
    tidy = series.assign(country="region", indicator=indicator, period=series["year"])
    trend = robust_trend(tidy, period="period", value="value", horizon=1).iloc[0]
    years = series["year"].to_numpy(dtype=float)
    fitted = trend["intercept"] + trend["slope"] * years if "intercept" in trend else None
    band = series.assign(lower=np.nan, upper=np.nan, kind="reported")
    if fitted is not None:
        spread = float(np.nanstd(series["value"] - fitted))
        band = band.assign(lower=(fitted - 1.645 * spread).clip(min=0),
                           upper=fitted + 1.645 * spread)
    unit = _unit(indicator, ch)
    fig = trend_band(band, x="year", y="value", lower="lower", upper="upper",
                     y_title=f"{_label(indicator, ch)} ({unit})")
    ch.figure(fig, f"{_label(indicator, ch)}, all reporting member countries "
              f"({unit}; band: Theil-Sen trend ± 1.645 residual s.d.)",
              source="submissions")
    s = trend_summary(series)
    rows = totals(ind)
    rows = rows[(rows["indicator"] == indicator) & (rows["crime_area"] == area)]
    direction = "rose" if s["last"] > s["first"] else "fell"
    ch.say("{what} {direction} from {first} {unit} in {y0} to {last} {unit} in {y1} "
           "({chg}%), as reported by {k}.", what=_label(indicator, ch),
           direction=direction, first=s["first"], last=s["last"],
           unit=unit if unit != "count" else "", y0=str(s["first_year"]),
           y1=str(s["last_year"]), chg=f"{s['change_pct']:+.0f}",
           k=_plural(int(series["countries"].max()), "country", "countries"))
    text, probability = trend_statement(f"{_label(indicator, ch)} in the region", s)
    ch.judgement(text, probability=probability, confidence=analytic_confidence(rows))


#: A robust trend smaller than this, in % of the first year's level a year, is no trend.
FLAT_PCT = 0.5


def trend_statement(what: str, s: dict[str, float]) -> tuple[str, float | None]:
    """A judgement sentence for a trend, and the probability of what it says.

    The direction is the sign of the robust (Theil-Sen) slope, and the probability is the
    share of pairs of years that agree with it (P(rising) for a rise). A slope under
    ``FLAT_PCT`` % of the first year's level a year, or an even split of the pairs, is
    no clear trend: said so, without a probability.

    >>> trend_statement("Heroin seized", {"p_rising": 0.7, "slope": 50.0, "first": 1000.0,
    ...     "last": 900.0, "first_year": 2009, "last_year": 2017, "change_pct": -10.0})
    ('Heroin seized will keep rising after 2017: the robust trend over 2009-2017 is upward (+5% of the 2009 level a year), although 2017 was 10% below 2009', 0.7)
    >>> trend_statement("Victims", {"p_rising": 0.5, "slope": -0.2, "first": 120.0,
    ...     "last": 118.0, "first_year": 2013, "last_year": 2017, "change_pct": -1.7})
    ('Victims show no clear trend over 2013-2017: the robust trend is flat (-0.2% of the 2013 level a year)', None)
    """
    pct = 100 * s["slope"] / s["first"] if s["first"] else (
        0.0 if s["slope"] == 0 else float("inf") * np.sign(s["slope"]))
    span = f"{s['first_year']}-{s['last_year']}"
    if abs(pct) < FLAT_PCT or s["p_rising"] == 0.5:
        verb = "show" if what.rstrip().endswith("s") and not what.endswith("ss") else "shows"
        shown = "0.0" if abs(pct) < 0.05 else f"{pct:+.1f}"
        return (f"{what} {verb} no clear trend over {span}: the robust trend is flat "
                f"({shown}% of the {s['first_year']} level a year)"), None
    rising = pct > 0
    text = (f"{what} will keep {'rising' if rising else 'falling'} after {s['last_year']}: "
            f"the robust trend over {span} is {'upward' if rising else 'downward'}")
    if s["first"]:
        text += f" ({pct:+.0f}% of the {s['first_year']} level a year)"
    if rising and s["change_pct"] < 0:
        text += (f", although {s['last_year']} was {abs(s['change_pct']):.0f}% below "
                 f"{s['first_year']}")
    elif not rising and s["change_pct"] > 0:
        text += (f", although {s['last_year']} was {s['change_pct']:.0f}% above "
                 f"{s['first_year']}")
    return text, s["p_rising"] if rising else 1 - s["p_rising"]


@_section()
def country_table(ch: Chapter, area: str, indicators: Sequence[str]) -> None:
    """Latest-year values per country (and per 100,000 residents) for an area's indicators."""
    ind = totals(ch.table("indicators"))
    ind = ind[(ind["crime_area"] == area) & ind["indicator"].isin(list(indicators))]
    last = ch.cycle.last_year
    ind = ind[ind["year"] == last]
    if ind.empty:
        ch.say("No country reported these indicators for {year}.", year=str(last))
        return
    wide = ind.pivot_table(index="country", columns="indicator", values="value",
                           aggfunc="sum").reset_index()
    wide.insert(0, "name", wide["country"].map(ch.name))
    first = next(iter(indicators))
    if first in wide:
        wide[f"{first} per 100k"] = per_100k(wide.rename(columns={first: "value"}))
    wide = wide.rename(columns={c: _label(c, ch) for c in indicators})
    counts = [_label(c, ch) for c in indicators if _unit(c, ch) == "count"]
    ch.show_table(wide.drop(columns="country"),
                  f"{crime_area(area).label}: indicators by country, {last}",
                  source="submissions", counts=counts)


@_section()
def assessments(ch: Chapter, area: str, *, limit: int = 4) -> None:
    """What countries wrote about an area: situation and expected threats, as written."""
    a = ch.table("assessments")
    a = a[a["crime_area"] == area]
    if a.empty:
        ch.say("No country assessed this area in writing this cycle.")
        return
    for r in a.head(limit).itertuples():
        lang = _language(r.language)
        text = r.situation
        if isinstance(r.expected_threats, str) and r.expected_threats:
            text += "\n\nExpected: " + r.expected_threats
        ch.quote(text, attribution=f"{ch.name(r.country)}, submission {ch.cycle.code}"
                 + (f" (in {lang})" if lang else ""))


def _language(code: object) -> str | None:
    """The language a text is in, for its attribution; None for English or not given.

    >>> _language("hr"), _language("en"), _language(float("nan")), _language(None)
    ('Croatian', None, None, None)
    """
    if not isinstance(code, str) or not code.strip() or code.strip().lower() == "en":
        return None
    return LANGUAGES.get(code.strip().lower(), code.strip())


@_section()
def routes(ch: Chapter, area: str | Sequence[str]) -> None:
    """Routes reported for an area, as a Sankey of origin, transit and destination."""
    from octasee.charts import route_sankey

    areas = [area] if isinstance(area, str) else list(area)
    r = ch.table("routes")
    r = r[r["crime_area"].isin(areas)]
    if r.empty:
        ch.say("No route was reported for this area.")
        return
    fig = route_sankey(r)
    ch.figure(fig, f"Routes reported for {', '.join(crime_area(a).label.lower() for a in areas)}"
              f" ({len(r)} routes)", source="submissions")


# ----------------------------------------------------------------------------- 03


@_section(empty=_scored_groups)
def ocg_overview(ch: Chapter) -> pd.DataFrame:
    """Sleipnir scores of the groups reported this cycle: table and network."""
    from octasee.charts import ocg_network
    from octasee.scoring import score_groups

    g = ch.table("ocgs")
    if g.empty:
        ch.say("No organised crime group was reported for this selection.")
        return _scored_groups(ch)  # no row, the columns of the scores (for the explorer)
    scored = score_groups(g, "sleipnir")
    ranked = scored.scores
    high = int((ranked["score"] >= 0.5 * 760).sum()) if "score" in ranked else 0
    ch.say("{n} {were} reported by {k}. On the Sleipnir scale (maximum 760) "
           "{high} score at least half the maximum; unknown attributes make up {unk}% of "
           "ratings.", n=_plural(len(g), "group"), were="was" if len(g) == 1 else "were",
           k=_plural(g["country"].nunique(), "country", "countries"), high=high,
           unk=round(100 * float(ranked["unknown_share"].mean())) if "unknown_share" in ranked
           else 0)
    cols = [c for c in ("rank", "country", "group_ref", "score", "unknown_share", "grading",
                        "confidence") if c in ranked.columns]
    table = ranked[cols].head(15).copy()
    if "unknown_share" in table:
        table["unknown_share"] = (100 * table["unknown_share"]).round().astype(int)
        table = table.rename(columns={"unknown_share": "unknown %"})
    ch.show_table(table, "The 15 highest-scoring groups (Sleipnir)", source="submissions")
    net = g.merge(ranked[["group_ref", "country", "score"]], on=["group_ref", "country"],
                  how="left")
    ch.figure(ocg_network(net), "Reported groups and the crime areas they are active in",
              source="submissions")
    return ranked


# ----------------------------------------------------------------------------- 11, 00


@_section(empty=lambda ch: pd.DataFrame())
def priorities(ch: Chapter, tm: pd.DataFrame | None = None) -> pd.DataFrame:
    """Priority per country and crime area: threat x vulnerability (GI-TOC, TI CPI)."""
    from octasee.charts import threat_heatmap
    from octasee.scoring import priority_matrix
    from octasee.sources import gitoc_wide, load_cpi

    tm = threat_matrix(ch.table("indicators")) if tm is None else tm
    if not _comparable(ch, tm):
        return pd.DataFrame()
    res = gitoc_wide(2023)[["country", "Resilience"]].rename(columns={"Resilience": "value"})
    res = res[res["country"].isin(ch.countries)]
    cpi = load_cpi()
    cpi = cpi[(cpi["year"] == min(ch.cycle.last_year, 2017)) & cpi["country"].isin(ch.countries)]
    cpi = cpi.rename(columns={"score": "value"})[["country", "value"]]
    result = priority_matrix(tm, {"low resilience": (res, -1), "corruption": (cpi, -1)},
                             ranges={"threat": (0, 10), "low resilience": (1, 10),
                                     "corruption": (0, 100)})
    table = result.table
    fig = threat_heatmap(table.rename(columns={"risk": "value"}), country="country",
                         crime_area="crime_area", value="value", zmin=0, zmax=1,
                         value_label="risk", value_format=".2f")
    ch.figure(fig, "Risk (likelihood from threat and vulnerability) by country and crime area",
              source=["submissions", "gitoc", "cpi"])
    high = table[table["priority"] == "high"] if "priority" in table else table.head(0)
    ch.say("{n} of {m} country and crime-area pairs fall in the high-priority band; "
           "vulnerability combines low resilience (GI-TOC 2023) and corruption (TI CPI "
           "{year}).", n=len(high), m=len(table), year=str(min(ch.cycle.last_year, 2017)))
    return table


@_section()
def key_judgements(ch: Chapter, *, indicators: Sequence[tuple[str, str]]) -> None:
    """The executive summary's judgements: one per indicator trend, most certain first."""
    ind = ch.table("indicators", all_cycles=True)
    found = []
    for area, code in indicators:
        series = regional_series(ind, code, crime_area_code=area)
        if len(series) < MIN_YEARS:
            continue
        s = trend_summary(series)
        rows = totals(ind)
        rows = rows[(rows["indicator"] == code) & (rows["crime_area"] == area)]
        found.append((abs(s["p_rising"] - 0.5), area, code, s, rows))
    if not found:
        ch.say("Too few years have been reported for any of these indicators to judge a trend "
               "(at least {k} years of one indicator are needed).", k=MIN_YEARS)
    for _, _area, code, s, rows in sorted(found, key=lambda t: -t[0]):
        text, probability = trend_statement(_label(code, ch), s)
        ch.judgement(text, probability=probability, confidence=analytic_confidence(rows))


def threat_index_model(areas: Sequence[str]) -> Any:
    """The composite threat index over crime areas, as a scoring model (Annex B)."""
    from octasee.scoring import Model

    return Model.from_dict({
        "name": "OCTA-SEE threat index", "unit": "country",
        "tree": [{"id": "threat", "label": "Threat"}]
        + [{"id": a, "parent": "threat", "label": crime_area(a).label} for a in areas],
        "steps": [{"step": "impute", "method": "mean"},
                  {"step": "normalise", "method": "minmax"},
                  {"step": "aggregate", "method": "mean"}],
    })


@_section(empty=lambda ch: pd.DataFrame())
def robustness(ch: Chapter, *, n: int = 500) -> pd.DataFrame:
    """How much the country ranking depends on the method: rank intervals and indices."""
    from octasee.charts import rank_intervals
    from octasee.scoring import uncertainty_analysis

    tm = threat_matrix(ch.table("indicators"))
    wide = tm.pivot(index="country", columns="crime_area", values="value")
    # An area on which every country scores the same cannot move a ranking: leave it out.
    wide = wide.loc[:, wide.nunique(dropna=True) > 1].reset_index()
    areas = [c for c in wide.columns if c != "country"]
    if len(wide) < 3 or not areas:
        ch.say("With {n} and {k} that differ between them, there is no ranking to test.",
               n=_plural(len(wide), "country", "countries"),
               k=_plural(len(areas), "crime area"))
        return pd.DataFrame()
    model = threat_index_model(areas)
    result = uncertainty_analysis(model, wide, normalise=["minmax", "prank", "rank"],
                                  aggregate=["mean", "copeland"], weights_noise=0.25, n=n,
                                  seed=1, target="threat")
    ranks = result.ranks.reset_index()
    fig = rank_intervals(ranks, unit="country", nominal="nominal", p05="q05",
                         median="median", p95="q95")
    ch.figure(fig, f"Rank of each country on the threat index under {result.n_runs} "
              "variants of the method (dot: nominal; bar: 5th-95th percentile)",
              source="submissions")
    idx = result.indices.reset_index()
    ch.show_table(idx.round(2), "Sensitivity of the ranking to each choice: first-order (S1) "
                  "and total-effect (ST) indices", source="submissions")
    top = idx.sort_values("ST", ascending=False).iloc[0]
    ch.say("The choice that moves the ranking most is the {factor} method (total effect "
           "{st}); the widest 90% rank interval is {width} places.", factor=top["factor"],
           st=round(float(top["ST"]), 2), width=int(result.ranks["q90_width"].max()))
    return ranks



# ----------------------------------------------------------------------------- context data


@_section(public=True)
def frontex_routes(ch: Chapter) -> None:
    """Frontex detections on the routes through the region, per year of the cycle(s)."""
    from octasee.charts import trend_band
    from octasee.sources import load_frontex_annual

    routes_ = ["Western Balkan Route", "Circular Route from Albania to Greece",
               "Eastern Mediterranean Route"]
    first = min([ch.cycle.first_year, *(cycle(c).first_year for c in ch.cycles())])
    f = load_frontex_annual(routes=routes_)
    f = f[(f["year"] >= first) & (f["year"] <= ch.cycle.last_year)]
    if f.empty:
        ch.say("The Frontex extract shipped with octasee has no detections for {y0}-{y1}.",
               y0=str(first), y1=str(ch.cycle.last_year))
        return
    band = f.rename(columns={"detections": "value"}).assign(lower=np.nan, upper=np.nan)
    fig = trend_band(band, x="year", y="value", lower="lower", upper="upper", group="route")
    ch.figure(fig, "Detections of illegal border crossings on the routes through the region "
              "(detections, not persons)", source="frontex")
    wb = f[f["route"] == "Western Balkan Route"].set_index("year")["detections"]
    if 2015 in wb.index:
        ch.say("Detections on the Western Balkan route peaked at {n} in 2015.", n=int(wb[2015]))


@_section(public=True)
def glotip_victims(ch: Chapter) -> None:
    """UNODC GLOTIP: detected victims of trafficking per country and year of the cycle."""
    from octasee.sources import detected_victims_total

    v = detected_victims_total()
    v = v[v["country"].isin(ch.countries) & v["year"].between(ch.cycle.first_year,
                                                             ch.cycle.last_year)]
    if v.empty:
        ch.say("UNODC reports no detected victims for these countries and years.")
        return
    wide = v.pivot_table(index="country", columns="year", values="value",
                         aggfunc="sum").reset_index()
    wide.insert(1, "name", wide["country"].map(ch.name))
    wide.columns = [str(c) for c in wide.columns]
    years = [c for c in wide.columns if c.isdigit()]
    ch.show_table(wide.drop(columns="country"), "Detected victims of trafficking (UNODC)",
                  source="glotip", counts=years)


@_section(public=True)
def cpi_scores(ch: Chapter) -> None:
    """TI Corruption Perceptions Index for the cycle's years (0-100, higher is cleaner)."""
    from octasee.sources import load_cpi

    c = load_cpi()
    c = c[c["country"].isin(ch.countries) & c["year"].between(
        max(2012, ch.cycle.first_year), ch.cycle.last_year)]
    if c.empty:
        ch.say("The CPI extract shipped with octasee covers 2012-2017 only.")
        return
    wide = c.pivot_table(index="country", columns="year", values="score").reset_index()
    wide.insert(1, "name", wide["country"].map(ch.name))
    wide.columns = [str(x) for x in wide.columns]
    ch.show_table(wide.drop(columns="country"), "Corruption Perceptions Index (0-100; higher "
                  "means less perceived corruption)", source="cpi")
    last = wide.columns[-1]
    low = wide.sort_values(last).iloc[0]
    ch.say("In {year} the lowest score among the selected countries was {name}'s ({score}).",
           year=last, name=low["name"], score=float(low[last]))


@_section()
def emerging(ch: Chapter) -> None:
    """Indicators growing fast from a low base: the emerging-threat flags."""
    from octasee.scoring import emerging_threats

    ind = totals(ch.table("indicators", all_cycles=True))
    tidy = ind.groupby(["country", "indicator", "year"], as_index=False)["value"].sum()
    flags = emerging_threats(tidy.rename(columns={"year": "period"}))
    flagged = flags[flags["emerging"]] if "emerging" in flags else flags.head(0)
    if flagged.empty:
        ch.say("No indicator grew fast from a low base in this selection.")
        return
    cols = [c for c in ("country", "indicator", "first", "last", "growth") if c in flagged]
    table = flagged[cols].copy()
    table.insert(1, "name", table["country"].map(ch.name))
    ch.show_table(table.drop(columns="country").head(20),
                  "Emerging threats: fast growth from a low base", source="submissions")


@_section(partial=False)
def country_profile(ch: Chapter, code: str) -> None:
    """Annex A: one member country's key indicators, scores and assessments."""
    from octasee.charts import trend_band

    ind = totals(ch.table("indicators", all_cycles=True))
    mine = ind[ind["country"] == code]
    if code not in ch.received:
        ch.say("{name} has not returned the questionnaire of cycle {cycle} yet." if not ch.public
               else "No questionnaire of {name} for cycle {cycle} is in this version.",
               name=ch.name(code), cycle=ch.cycle.code)
        if mine.empty:
            return
    ch.say("{name} returned {n} over {k}.", name=ch.name(code),
           n=_plural(len(mine), "indicator row"), k=_plural(mine["cycle"].nunique(), "cycle"))
    key = ["heroin_seized", "cocaine_seized", "cannabis_herb_seized", "firearms_seized",
           "irregular_migrants_detected", "victims_identified", "cigarettes_seized"]
    sel = mine[mine["indicator"].isin(key)]
    if not sel.empty:
        # Years down, indicators across: a cycle or two of years fits the page's width,
        # where years across did not.
        wide = sel.pivot_table(index="year", columns="indicator", values="value",
                               aggfunc="sum")
        order = [k for k in key if k in wide.columns]
        wide = wide[order].reset_index()
        wide.columns.name = None
        labels = {c: f"{_label(c, ch)} ({_unit(c, ch)})" if _unit(c, ch) not in ("", "count")
                  else _label(c, ch) for c in order}
        wide = wide.rename(columns={"year": "Year", **labels})
        ch.show_table(wide, f"{ch.name(code)}: key indicators by year", source="submissions",
                      counts=[labels[c] for c in order if _unit(c, ch) == "count"])
        first_code = order[0]
        s = sel[sel["indicator"] == first_code].groupby("year", as_index=False)["value"].sum()
        if len(s) >= MIN_YEARS:  # fewer: the table above has them all, a line tells nothing
            s = s.assign(lower=np.nan, upper=np.nan)
            ch.figure(trend_band(s, x="year", y="value", lower="lower", upper="upper",
                                 y_title=labels[first_code]),
                      f"{ch.name(code)}: {_label(first_code, ch).lower()}",
                      source="submissions")
    tm = threat_matrix(ch.table("indicators"))
    if code in set(tm["country"]) and _comparable(ch, tm):
        med = tm.groupby("crime_area")["value"].median().rename("regional median")
        own = tm[tm["country"] == code].set_index("crime_area")["value"].rename(ch.name(code))
        both = pd.concat([own, med], axis=1).reset_index()
        both["crime_area"] = both["crime_area"].map(lambda a: crime_area(a).label)
        both = both.rename(columns={"crime_area": "Crime area"})
        ch.show_table(both.round(1), "Threat scores (0-10) against the regional median",
                      source="submissions")
    a = ch.table("assessments")
    for r in a[a["country"] == code].head(3).itertuples():
        lang = _language(r.language)
        ch.quote(r.situation, attribution=f"{ch.name(code)} on {crime_area(r.crime_area).label}"
                 + (f" (in {lang})" if lang else ""))


@_section(public=True)
def glotip_convictions(ch: Chapter) -> None:
    """UNODC GLOTIP: persons convicted of trafficking per country and year of the cycle."""
    from octasee.sources import load_glotip

    g = load_glotip()
    g = g[(g["indicator"] == "Persons convicted") & (g["dimension"] == "Total")
          & (g["category"] == "Total") & (g["sex"] == "Total") & (g["age"] == "Total")
          & g["country"].isin(ch.countries)
          & g["year"].between(ch.cycle.first_year, ch.cycle.last_year)]
    if g.empty:
        ch.say("UNODC reports no convictions for these countries and years.")
        return
    # Censored values ("<5") stay as UNODC published them.
    g = g.assign(shown=g["value_text"].where(g["censored"], g["value"]))
    wide = g.pivot_table(index="country", columns="year", values="shown",
                         aggfunc="first").reset_index()
    wide.insert(1, "name", wide["country"].map(ch.name))
    wide.columns = [str(c) for c in wide.columns]
    years = [c for c in wide.columns if c.isdigit()]
    ch.show_table(wide.drop(columns="country"), "Persons convicted of trafficking in persons "
                  "(UNODC)", source="glotip", counts=years)
