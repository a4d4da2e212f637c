"""Reusable chapter sections: one call in a notebook cell shows a figure, a table or text.

Each section takes the chapter context and computes from the store and the public
sources through :mod:`octasee.analysis`, :mod:`octasee.scoring` and
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

from octasee.analysis.editions import editions
from octasee.analysis.findings import trend_view
from octasee.analysis.grading import grading_profile
from octasee.analysis.networks import LEVELS
from octasee.analysis.networks import group_attributes as attribute_counts
from octasee.analysis.series import per_100k, regional_series, totals
from octasee.analysis.threat import country_ranking, threat_scores
from octasee.chapters.context import Chapter
from octasee.chapters.disclosure import (
    BANDS,
    GLOTIP_TABLES,
    band,
    band_counts,
    band_edges,
    protect_counts,
    published_elsewhere,
    rate_markers,
)
from octasee.chapters.judgements import finding_notes
from octasee.questionnaire.spec import spec_for
from octasee.reference import crime_area, cycle
from octasee.sources import gitoc_wide, load_cpi, load_frontex_annual
from octasee.sources.glotip import indicator_total

__all__ = [
    "area_trend", "assessments", "country_table", "explore_groups", "explore_indicators",
    "explore_weights", "gitoc_scores", "grading", "group_attributes", "ocg_overview",
    "priorities", "profile_intro", "regional_map", "response", "robustness", "routes",
    "summary_intro", "threat_overview",
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


def _and(items: Sequence[str]) -> str:
    """Items as a phrase: "2009", "2009 and 2012", "2009, 2011 and 2012".

    >>> _and(["2009"]), _and(["2009", "2012"]), _and(["2009", "2011", "2012"])
    ('2009', '2009 and 2012', '2009, 2011 and 2012')
    """
    items = list(items)
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def _unbanded_note(ch: Chapter, counts: pd.DataFrame, *, why: str) -> str:
    """The note of a table of member states per band and crime area (``Crime area`` and
    one column per band) whose rows do not add up to the chapter's countries: how many
    have no band in each such area, and ``why``; "" when every row adds up."""
    n = len(ch.countries)
    missing = n - counts[list(BANDS)].sum(axis=1)
    parts = [f"{a}: {int(m)}" for a, m in zip(counts["Crime area"], missing, strict=True)
             if m > 0]
    if not parts:
        return ""
    return (f"Where a row adds up to fewer than {n} member states, the others {why} "
            f"({'; '.join(parts)}).")


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
    from octasee.scoring import score_groups  # lazy: ~100 ms on import

    return score_groups(ch.all_rows("ocgs"), "sleipnir").scores


def _no_threat(ch: Chapter) -> pd.DataFrame:
    """An empty table of threat scores (an empty chapter's result)."""
    return threat_scores(ch.all_rows("indicators").head(0))


def _threat(ch: Chapter, areas: Sequence[str] | None = None) -> tuple[pd.DataFrame, bool]:
    """The threat scores of the chapter's countries (``areas``: default every scored
    area), and whether a row not for dissemination is behind them.

    Computed from every member country's rows (:meth:`Chapter.threat`), then kept for
    :attr:`Chapter.countries`: selecting countries never rescales a score. Both editions
    use them (the public one publishes bands of the same scores, never scores recomputed
    on fewer rows)."""
    tm = ch.threat()
    if areas is not None:
        tm = tm[tm["crime_area"].isin(list(areas))]
    tm = tm[tm["country"].isin(ch.countries)].reset_index(drop=True)
    return tm, bool(tm["nd"].any())


def _wide(cells: pd.DataFrame, *, index: str, columns: str
          ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Cells pivoted to ``index`` x ``columns``: the values (summed; missing where any
    part is withheld, so that no partial sum is printed), the markers of withheld cells
    (the view's ``<5``) and the ND flags of the restricted edition."""
    d = cells.copy()
    if "marker" not in d.columns:
        d["marker"] = None
    d["marker"] = d["marker"].where(d["marker"].fillna("").astype(str) != "", None)
    if "nd" not in d.columns:
        d["nd"] = False
    withheld = d["value"].isna() & d["marker"].notna()
    d["withheld"] = withheld
    g = d.groupby([index, columns])
    values = g["value"].sum(min_count=1).unstack()
    hidden = g["withheld"].any().unstack().fillna(False).astype(bool)
    marker = d[withheld].groupby([index, columns])["marker"].first().unstack()
    marker = marker.reindex(index=values.index, columns=values.columns)
    values = values.mask(hidden.reindex_like(values).fillna(False).astype(bool))
    nd = g["nd"].any().unstack().reindex_like(values).fillna(False).astype(bool)
    for f in (values, marker, nd):
        f.columns.name = None
    return values, marker, nd


def _public_note(ch: Chapter) -> None:
    """Why the public edition shows bands where the restricted one names and ranks."""
    lo, hi = band_edges(10.0)
    ch.say("The public edition does not name or rank member states on threat scores: it "
           "counts them in three bands, the thirds of the 0-10 scale (low: under {lo}; "
           "medium: {lo} to under {hi}; high: {hi} and over). The scores are those of the "
           "restricted edition.", lo=f"{lo:.1f}", hi=f"{hi:.1f}")


LANGUAGES = {"en": "English", "sq": "Albanian", "bs": "Bosnian", "bg": "Bulgarian",
             "hr": "Croatian", "el": "Greek", "hu": "Hungarian", "ro": "Romanian",
             "sr": "Serbian", "cnr": "Montenegrin", "mk": "Macedonian", "sl": "Slovenian",
             "tr": "Turkish"}


def _label(indicator: str, ch: Chapter) -> str:
    try:
        return spec_for(ch.cycle.code).indicator(indicator).label
    except KeyError:
        return indicator


def _unit(indicator: str, ch: Chapter) -> str:
    try:
        return spec_for(ch.cycle.code).indicator(indicator).unit
    except KeyError:
        return ""


# ----------------------------------------------------------------------------- 01


@_section(partial=False)  # it says itself how many countries answered
def response(ch: Chapter) -> None:
    """Response rate per country for this cycle (and the earlier ones in the store).

    The public edition counts the rows it may show: not those marked not for
    dissemination, nor any row of a submission marked so (which it does not count as
    returned either).
    """
    status = ch.store.status(expected=ch.countries,
                             deadlines={c: ch.workspace.deadline(c) for c in ch.cycles()})
    status = status[status["cycle"].isin(ch.cycles()) & status["country"].isin(ch.countries)]
    if ch.public:
        counts = []
        for c in ch.cycles():
            for t in ("indicators", "ocgs", "routes", "assessments"):
                rows = ch.rows(t, cycle=c)
                counts.append(rows.groupby("country").size().rename("rows").reset_index()
                              .assign(cycle=c))
        shown = pd.concat(counts, ignore_index=True)
        status = status.drop(columns="rows").merge(
            shown.groupby(["cycle", "country"], as_index=False)["rows"].sum(),
            on=["cycle", "country"], how="left").fillna({"rows": 0})
    wide = status.pivot_table(index=["country", "name"], columns="cycle", values="rows",
                              aggfunc="sum", fill_value=0).reset_index()
    this = status[status["cycle"] == ch.cycle.code]
    if ch.public:
        this = this[this["country"].isin(ch.received)]
        answered = len(this)
    else:
        answered = int((~this["state"].isin(["missing", "awaited"])).sum())
    late = int((this["late"] == "late").sum())
    ch.say("{answered} of {expected} member countries returned the questionnaire for the "
           "{cycle} cycle ({late} after the deadline). The table counts the accepted rows of "
           "each country's current submission per cycle"
           + (" that this edition may show." if ch.public else "."), answered=answered,
           expected=len(ch.countries), cycle=ch.cycle.code, late=late)
    wide.columns = [str(c) for c in wide.columns]
    ch.show_table(wide.rename(columns={"country": "code", "name": "country"}),
                  "Questionnaire rows accepted per country and cycle", source="submissions",
                  key="tab:response",
                  data=ch.source_rows(*(ch.rows("submissions", cycle=c) for c in ch.cycles()),
                                      columns=("source_files", "file_sha256", "status",
                                               "rows_read", "rows_accepted",
                                               "rows_quarantined", "dissemination")))


@_section()
def grading(ch: Chapter) -> None:
    """The 4x4 source-grading profile of everything submitted this cycle (in the public
    edition, of the rows it may show)."""
    rows = pd.concat([ch.rows(t)[["source_reliability", "information_assessment"]]
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
                  source="submissions", key="tab:grading",
                  data=ch.source_rows("indicators", "ocgs", "routes", "assessments",
                                      columns=()))


# ----------------------------------------------------------------------------- 02


@_section(empty=_no_threat)
def threat_overview(ch: Chapter) -> pd.DataFrame:
    """Heatmap of questionnaire-based threat scores, country x crime area, for the
    chapter's countries; in a public edition that may not rank member states, how many
    fall in each band per area.

    Returns the scores of every member country (:meth:`Chapter.threat`: what
    :func:`regional_map` and :func:`explore_weights` rank, ranks among all members); the
    chapter shows its own countries' scores, which a selection does not rescale.
    """
    from octasee.charts import threat_heatmap  # lazy: plotly, ~180 ms on import

    everyone = ch.threat()
    if not _comparable(ch, everyone):
        return everyone
    tm, nd = _threat(ch)
    if tm.empty:
        ch.say("None of the selected countries reported an indicator for {cycle}.",
               cycle=ch.cycle.code)
        return everyone
    if not ch.rank_countries:
        counts = band_counts(tm, by="crime_area")
        counts["crime_area"] = counts["crime_area"].map(lambda a: crime_area(a).label)
        counts = counts.rename(columns={"crime_area": "Crime area"})
        ch.show_table(counts, f"Member states by threat band and crime area, {ch.cycle.code} "
                      "(indicators per 100,000 residents, min-max across the member countries)",
                      source="submissions", note=_unbanded_note(
                          ch, counts, why="reported no indicator of the area"),
                      key="tab:threat:bands")
        _public_note(ch)
        return everyone
    fig = threat_heatmap(tm, country="country", crime_area="crime_area", value="value",
                         zmin=0, zmax=10, value_label="threat score")
    ch.figure(fig, f"Threat scores 0-10 by country and crime area, {ch.cycle.code} "
              "(indicators per 100,000 residents, min-max across the member countries)",
              source="submissions", nd=nd, key="fig:threat",
              data=ch.source_rows(ch.threat_rows()))
    top = (tm.sort_values("value", ascending=False).groupby("crime_area").head(1)
           .sort_values("value", ascending=False).head(3))
    parts = [f"{ch.name(r.country)} for {crime_area(r.crime_area).label.lower()}"
             for r in top.itertuples()]
    ch.say("Relative to population, the highest scores this cycle are "
           + "; ".join(f"{{p{i}}}" for i in range(len(parts))) + ".", nd=nd,
           **{f"p{i}": p for i, p in enumerate(parts)})
    return everyone


@_section()
def regional_map(ch: Chapter, tm: pd.DataFrame | None = None) -> None:
    """Choropleth of the chapter's countries' threat index: the one country ranking's
    score (:func:`octasee.analysis.threat.country_ranking` of every member's scores: the
    key figures, the weights explorer and annex B rank the same); in a public edition
    that may not rank member states, how many fall in each band of it.

    ``tm`` is :func:`threat_overview`'s result (every member's scores), which has said
    already when there are too few countries to compare; without it, this section reads
    the scores (:meth:`Chapter.threat`) and says so itself.
    """
    from octasee.charts import choropleth  # lazy: plotly, ~180 ms on import

    given = tm is not None
    everyone = ch.threat() if tm is None else tm
    if not _comparable(ch, everyone, say=not given):
        return
    ranking = country_ranking(everyone)
    mean = ranking[ranking["country"].isin(ch.countries)].rename(columns={"score": "value"})
    nd = bool(mean["nd"].any())
    if not ch.rank_countries:
        counts = {b: int((mean["value"].map(band) == b).sum()) for b in BANDS}
        ch.show_table(pd.DataFrame({"Band": list(BANDS), "Member states": list(counts.values())}),
                      "Member states by band of the mean threat score across crime areas",
                      source="submissions",
                      key="tab:map:bands" if ch.number != "00" else "tab:summary:map:bands")
        if not given:
            _public_note(ch)
        return
    fig = choropleth(mean, value="value", country="country", value_label="threat score",
                     value_format=".1f")
    ch.figure(fig, "Mean threat score across the crime areas each country is scored on "
              "(0-10; the ranking of annex B)", source="submissions", nd=nd,
              key="fig:map" if ch.number != "00" else "fig:summary:map",
              data=ch.source_rows(ch.threat_rows()))


@_section(public=True)
def gitoc_scores(ch: Chapter, *, indicators: Sequence[str] = ("Criminality", "Resilience"),
                 country: str | None = None) -> None:
    """GI-TOC scores of the chapter's countries, in the editions the workspace's cycle
    tabulates (:func:`octasee.analysis.editions.editions`: every edition by default);
    the note says which are later than the cycle."""
    ed = editions(ch.cycle, ch.workspace)
    frames = []
    for edition in ed.gitoc_tables:
        w = gitoc_wide(edition)
        w = w[w["country"].isin([country] if country else ch.countries)]
        cols = [c for c in indicators if c in w.columns]
        part = w[["country", *cols]].copy()
        part.columns = ["country", *[f"{c} {edition}" for c in cols]]
        frames.append(part.set_index("country"))
    table = pd.concat(frames, axis=1).reset_index()
    table.insert(1, "name", table["country"].map(ch.name))
    later = [str(e) for e in ed.gitoc_tables if e > ed.last_year]
    note = ""
    if later:
        note = (f"The {_and(later)} edition{'s are' if len(later) > 1 else ' is'} later "
                f"than the {ed.cycle} cycle"
                + (": GI-TOC published no edition for its years." if ed.gitoc_later else "."))
    label = _and([str(e) for e in ed.gitoc_tables])
    ch.show_table(table.drop(columns="country"),
                  f"GI-TOC Global Organized Crime Index, {label} "
                  f"edition{'s' if len(ed.gitoc_tables) > 1 else ''} (scores 1-10)",
                  source="gitoc", note=note,
                  key=(f"tab:profile:{country}:gitoc" if country else "tab:gitoc"
                       if "Criminality" in indicators else "tab:gitoc:actors"), data=table)


@_section(public=True)
def quadrant(ch: Chapter) -> None:
    """Criminality against resilience, in the GI-TOC edition the analysis uses
    (:func:`octasee.analysis.editions.editions`); it says when that edition is later
    than the cycle."""
    from octasee.charts import quadrant as quadrant_fig  # lazy: plotly, ~180 ms on import

    ed = editions(ch.cycle, ch.workspace)
    w = gitoc_wide(ed.gitoc)
    w = w[w["country"].isin(ch.countries)].rename(
        columns={"Criminality": "criminality", "Resilience": "resilience"})
    fig = quadrant_fig(w[["country", "criminality", "resilience"]], x="criminality",
                       y="resilience", label="country")
    ch.figure(fig, f"Criminality and resilience, GI-TOC {ed.gitoc}", source="gitoc",
              key="fig:quadrant", data=w[["country", "criminality", "resilience"]])
    if ed.gitoc_note:
        ch.say(ed.gitoc_note)


# ----------------------------------------------------------------------------- areas


@_section()
def area_trend(ch: Chapter, area: str, indicator: str) -> None:
    """Regional trend of one indicator over every cycle in the store, and the findings
    about it.

    The restricted edition draws the series the findings read
    (:func:`octasee.analysis.findings.trend_view`: the declared panel of countries, the
    break, the robust line of each segment) and states the findings (trend, break,
    dominance, coverage, outlier years, change since the previous cycle), each numbered
    and linked to Annex C; no machine judgement. The public edition draws the view's
    published yearly totals (a gap where one is withheld), without the fitted band, and
    states the change only between published totals.
    """
    from octasee.charts import trend_band  # lazy: plotly, ~180 ms on import

    ind = ch.table("indicators", all_cycles=True)
    series = regional_series(ind, indicator, crime_area_code=area, view=ch.public_view)
    label, unit = _label(indicator, ch), _unit(indicator, ch)
    if len(series) < MIN_YEARS:
        ch.say("Too few years were reported for {what} to show a trend.", what=label.lower())
        return
    if ch.public:
        _public_trend(ch, series, area, indicator)
        return
    view = trend_view(ch.all_rows("indicators", all_cycles=True), area, indicator,
                      cycle=ch.cycle.code, countries=ch.countries)
    if view.frame.empty:
        ch.say("Too few years were reported for {what} to show a trend.", what=label.lower())
        return
    frame = view.frame
    nd = bool(frame["nd"].any())
    fig = trend_band(frame, x="year", y="value", lower="lower", upper="upper",
                     y_title=f"{label} ({unit})")
    split = (f"; one line on each side of the break in {view.break_year}"
             if view.break_year is not None else "")
    ch.figure(fig, f"{label}: regional total of {view.where} ({unit}; band: robust "
              f"Theil-Sen trend ± 1.645 residual s.d.{split})",
              source="submissions", nd=nd, key=f"fig:trend:{area}:{indicator}",
              data=ch.source_rows(ind, indicator=indicator, crime_area=area, breakdown=None,
                                  country=list(view.countries), year=list(frame["year"])))
    finding_notes(ch, area=area, indicator=indicator)


def _public_trend(ch: Chapter, series: pd.DataFrame, area: str, indicator: str) -> None:
    """:func:`area_trend` in the public edition: published totals only."""
    from octasee.charts import trend_band  # lazy: plotly, ~180 ms on import

    label, unit = _label(indicator, ch), _unit(indicator, ch)
    published = series["value"].notna()
    fig = trend_band(series.assign(lower=np.nan, upper=np.nan), x="year", y="value",
                     lower="lower", upper="upper", y_title=f"{label} ({unit})")
    caption = f"{label}, all reporting member countries ({unit}; regional totals)"
    if not published.all():
        caption += "; a gap: a total withheld to protect small counts"
    ch.figure(fig, caption, source="submissions", structures=[(indicator, area)],
              parts=("year",), key=f"fig:trend:{area}:{indicator}")
    first, last = series.iloc[0], series.iloc[-1]
    y0, y1 = int(first["year"]), int(last["year"])
    cells = totals(ch.table("indicators", all_cycles=True))
    cells = cells[(cells["indicator"] == indicator) & (cells["crime_area"] == area)]
    who = {y: set(cells.loc[cells["year"] == y, "country"]) for y in (y0, y1)}
    if published.iloc[0] and published.iloc[-1] and who[y0] != who[y1]:
        # Totals of different countries: a change between them would mislead.
        ch.say("The totals of {y0} and {y1} cover different member countries ({k0} and {k1} "
               "of {n}), so they are not compared.", y0=str(y0), y1=str(y1),
               k0=len(who[y0]), k1=len(who[y1]), n=len(ch.countries))
    elif published.iloc[0] and published.iloc[-1]:
        v0, v1 = float(first["value"]), float(last["value"])
        change = f"{(v1 - v0) / v0 * 100:+.0f}" if v0 else "n/a"
        ch.say("{what} {direction} from {first}{unit} in {y0} to {last}{unit} in {y1} "
               "({chg}%).", what=label, direction="rose" if v1 > v0 else "fell",
               first=v0, last=v1, unit=f" {unit}" if unit not in ("count", "") else "",
               y0=str(y0),
               y1=str(y1), chg=change, structures=[(indicator, area)])
    else:
        gone = [str(int(y)) for y, ok in zip(series["year"], published, strict=True) if not ok]
        ch.say("The regional total of {what} is withheld for {years} to protect the small "
               "counts behind it.", what=label.lower(), years=_and(gone))
    reporting = int(last.get("reporting", last["countries"]) or 0)
    shown = int(last["countries"])
    ch.say("The {y1} total covers {k} of {n} member countries; {shown} of them "
           "{are} shown individually in this edition.", y1=str(y1), k=reporting,
           n=len(ch.countries), shown=shown, are="is" if shown == 1 else "are")


@_section()
def country_table(ch: Chapter, area: str, indicators: Sequence[str]) -> None:
    """Latest-year values per country (and per 100,000 residents) for an area's indicators.

    In the public edition the cells are the view's: a withheld cell shows its marker,
    and its rate is withheld as ``x`` (a rate would give the count back; a ``<5`` in a
    rate column would read as "a rate under 5"), which the table's note says.
    """
    ind = totals(ch.table("indicators"))
    ind = ind[(ind["crime_area"] == area) & ind["indicator"].isin(list(indicators))]
    last = ch.cycle.last_year
    ind = ind[ind["year"] == last]
    if ind.empty:
        ch.say("No country reported these indicators for {year}.", year=str(last))
        return
    values, markers, nd = _wide(ind, index="country", columns="indicator")
    order = [c for c in indicators if c in values.columns]
    values, markers, nd = values[order], markers[order], nd[order]
    first = next(iter(indicators))
    rate = f"{first} per 100k"
    if first in values:
        values[rate] = per_100k(values[[first]].rename(columns={first: "value"})
                                .rename_axis("country").reset_index()).to_numpy()
        markers[rate] = rate_markers(markers[first])
        nd[rate] = nd[first]
    rate_hidden = rate in markers.columns and bool(markers[rate].notna().any())
    names = {c: _label(c, ch) for c in indicators}
    names[rate] = f"{_label(first, ch)} per 100,000 residents"
    frames = []
    for f in (values, markers, nd):
        f = f.rename(columns=names).reset_index(drop=False)
        f.insert(1, "name", f["country"].map(ch.name))
        frames.append(f.drop(columns="country"))
    values, markers, nd = frames
    markers["name"] = None
    nd["name"] = False
    note = ""
    if rate_hidden:
        note = (f"A rate of a withheld count is withheld too (x): a rate would give the count "
                f"back, and {_label(first, ch).lower()} shown as <{ch.threshold} "
                "does not mean a rate under that.")
    ch.show_table(values, f"{crime_area(area).label}: indicators by country, {last}",
                  source="submissions", markers=markers, nd=nd, note=note,
                  structures=[(c, area) for c in order], parts=("cells", "rates"),
                  key=f"tab:countries:{area}", data=ch.source_rows(ind))


@_section()
def assessments(ch: Chapter, area: str, *, limit: int = 4) -> None:
    """What countries wrote about an area: situation and expected threats, as written
    (the public edition: not what is marked not for dissemination)."""
    a = ch.rows("assessments")
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
                 + (f" (in {lang})" if lang else ""), nd=bool(r.nd), country=r.country)


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
    from octasee.charts import route_sankey  # lazy: plotly, ~180 ms on import

    areas = [area] if isinstance(area, str) else list(area)
    r = ch.rows("routes")
    r = r[r["crime_area"].isin(areas)]
    if r.empty:
        ch.say("No route was reported for this area.")
        return
    fig = route_sankey(r.drop(columns="nd"))
    ch.figure(fig, f"Routes reported for {', '.join(crime_area(a).label.lower() for a in areas)}"
              f" ({len(r)} routes)", source="submissions", nd=bool(r["nd"].any()),
              key="fig:routes:" + "+".join(areas), data=ch.source_rows(r))


# ----------------------------------------------------------------------------- 03


#: The Sleipnir scale's maximum (bands: its thirds).
SLEIPNIR_MAX = 760


@_section()
def group_attributes(ch: Chapter) -> None:
    """How many of the reported groups use corruption, violence, legal business structures
    … at each level (:func:`octasee.analysis.networks.group_attributes`), from every
    reported group in both editions (the public one never counts fewer rows); the public
    edition hides counts from 1 to ``threshold - 1`` with a complement in their row, so
    that no row gives one back."""
    groups = ch.all_rows("ocgs")
    table = attribute_counts(groups, cycle=ch.cycle.code, countries=ch.countries)
    if table.empty or int(table["groups"].max()) == 0:
        ch.say("No organised crime group was reported this cycle.")
        return
    levels = [lv.capitalize() for lv in LEVELS]
    shown = table.rename(columns={"label": "Attribute", **{lv: lv.capitalize()
                                                           for lv in LEVELS},
                                  "groups": "Groups"})[["Attribute", *levels, "Groups"]]
    markers = None
    if ch.public:
        t = ch.threshold
        marks = []
        for i, r in table.iterrows():
            counts = {lv: int(r[lv]) for lv in LEVELS}
            kept, _ = protect_counts(counts, threshold=t)
            marks.append({lv.capitalize(): (None if kept[lv] is not None else
                                            f"<{t}" if 0 < counts[lv] < t else "x")
                          for lv in LEVELS})
            for lv in LEVELS:
                if kept[lv] is None:
                    shown.loc[i, lv.capitalize()] = np.nan
        markers = pd.DataFrame(marks, index=shown.index).reindex(columns=shown.columns)
    ch.show_table(shown, f"Organised crime groups by level of each attribute, {ch.cycle.code} "
                  "(number of groups)", source="submissions", markers=markers,
                  key="tab:groups:attributes",
                  data=None if ch.public else ch.source_rows(groups))


@_section(empty=_scored_groups)
def ocg_overview(ch: Chapter) -> pd.DataFrame:
    """Sleipnir scores of the groups reported this cycle: table and network.

    The public edition says nothing about single groups: how many were reported and how
    many fall in each band of the scale (a count under the threshold hidden), from every
    group of the restricted edition.
    """
    from octasee.charts import ocg_network  # lazy: plotly, ~180 ms on import
    from octasee.scoring import score_groups  # lazy: ~100 ms on import

    g = ch.all_rows("ocgs") if ch.public else ch.rows("ocgs")
    if g.empty:
        ch.say("No organised crime group was reported for this selection.")
        return _scored_groups(ch)  # no row, the columns of the scores (for the explorer)
    scored = score_groups(g.drop(columns="nd"), "sleipnir")
    ranked = scored.scores
    if ch.public:
        _public_groups(ch, g, ranked)
        return ranked.head(0)
    nd_refs = set(map(tuple, g.loc[g["nd"], ["country", "group_ref"]].to_numpy()))
    nd = bool(nd_refs)
    high = int((ranked["score"] >= 0.5 * SLEIPNIR_MAX).sum()) if "score" in ranked else 0
    ch.say("{n} {were} reported by {k}. On the Sleipnir scale (maximum 760) "
           "{high} score at least half the maximum; unknown attributes make up {unk}% of "
           "ratings.", n=_plural(len(g), "group"), were="was" if len(g) == 1 else "were",
           k=_plural(g["country"].nunique(), "country", "countries"), high=high,
           unk=round(100 * float(ranked["unknown_share"].mean())) if "unknown_share" in ranked
           else 0, nd=nd)
    cols = [c for c in ("rank", "country", "group_ref", "score", "unknown_share", "grading",
                        "confidence") if c in ranked.columns]
    top = ranked.head(15)
    table = top[cols].copy()
    if "unknown_share" in table:
        table["unknown_share"] = (100 * table["unknown_share"]).round().astype(int)
        table = table.rename(columns={"unknown_share": "unknown %"})
    marks = pd.DataFrame(False, index=table.index, columns=table.columns)
    if "group_ref" in marks:
        marks["group_ref"] = [(c, r) in nd_refs for c, r in
                              zip(top["country"], top["group_ref"], strict=True)]
    ch.show_table(table, "The 15 highest-scoring groups (Sleipnir)", source="submissions",
                  nd=marks, key="tab:groups:scores", data=ch.source_rows(g))
    net = g.drop(columns="nd").merge(ranked[["group_ref", "country", "score"]],
                                     on=["group_ref", "country"], how="left")
    ch.figure(ocg_network(net), "Reported groups and the crime areas they are active in",
              source="submissions", nd=nd, key="fig:groups:network", data=ch.source_rows(g))
    return ranked


def _public_groups(ch: Chapter, g: pd.DataFrame, ranked: pd.DataFrame) -> None:
    """:func:`ocg_overview` in the public edition: counts, no group."""
    t = ch.threshold
    n = len(g)
    if n < t:
        ch.say("Fewer than {t} organised crime groups were reported this cycle: the public "
               "edition does not describe them.", t=t)
        return
    scores = ranked["score"].dropna() if "score" in ranked else pd.Series(dtype=float)
    counts = {b: int((scores.map(lambda v: band(float(v), top=SLEIPNIR_MAX)) == b).sum())
              for b in BANDS}
    # The number of groups (and of unscored ones) is the table's total: printed only if
    # the hidden bands stay as wide as their markers say.
    shown, with_total = protect_counts(counts, threshold=t)
    k = _plural(g["country"].nunique(), "country", "countries")
    ch.say(("{n} organised crime groups were reported by {k}. " if with_total else
            "Organised crime groups were reported by {k}. ")
           + "The public edition does not describe single groups: it counts them in three "
           "bands of the Sleipnir scale (maximum {top}), a third of the scale each.", n=n,
           k=k, top=SLEIPNIR_MAX)
    lo, hi = band_edges(float(SLEIPNIR_MAX))
    ranges = [f"under {lo:.0f}", f"{lo:.0f} to under {hi:.0f}", f"{hi:.0f} and over"]
    table = pd.DataFrame({"Band": list(BANDS), "Sleipnir score": ranges,
                          "Groups": [shown[b] for b in BANDS]})
    markers = pd.DataFrame({"Groups": [f"<{t}" if shown[b] is None and counts[b] < t
                                       else "x" if shown[b] is None else None
                                       for b in BANDS]})
    ch.show_table(table, f"Organised crime groups by band of the Sleipnir score, {ch.cycle.code}",
                  source="submissions", markers=markers, key="tab:groups:bands")
    unscored = n - len(scores)
    if unscored >= t and with_total:
        ch.say("{u} groups could not be scored (too many attributes unknown).", u=unscored)


# ----------------------------------------------------------------------------- 11, 00


@_section(empty=lambda ch: pd.DataFrame())
def priorities(ch: Chapter, tm: pd.DataFrame | None = None) -> pd.DataFrame:
    """Priority per country and crime area: threat x vulnerability (GI-TOC, TI CPI).

    Threat: every member's scores (:meth:`Chapter.threat`, or ``tm``), kept for the
    chapter's countries. Vulnerability: the GI-TOC edition and the CPI year of
    :func:`octasee.analysis.editions.editions` (the cycle's, or the workspace's
    ``[editions]``); the text says which, and when the edition is later than the cycle.
    In a public edition that may not rank member states: how many countries fall in each
    priority band per crime area.
    """
    from octasee.charts import threat_heatmap  # lazy: plotly, ~180 ms on import
    from octasee.scoring import priority_matrix  # lazy: ~100 ms on import

    everyone = ch.threat() if tm is None else tm
    if not _comparable(ch, everyone):
        return pd.DataFrame()
    tm = everyone[everyone["country"].isin(ch.countries)]
    nd = bool(tm["nd"].any()) if "nd" in tm.columns else False
    ed = editions(ch.cycle, ch.workspace)
    res = gitoc_wide(ed.gitoc)[["country", "Resilience"]].rename(
        columns={"Resilience": "value"})
    res = res[res["country"].isin(ch.countries)]
    cpi = load_cpi()
    cpi = cpi[(cpi["year"] == ed.cpi_year) & cpi["country"].isin(ch.countries)]
    cpi = cpi.rename(columns={"score": "value"})[["country", "value"]]
    result = priority_matrix(tm, {"low resilience": (res, -1), "corruption": (cpi, -1)},
                             ranges={"threat": (0, 10), "low resilience": (1, 10),
                                     "corruption": (0, 100)})
    table = result.table
    if ch.rank_countries:
        fig = threat_heatmap(table.rename(columns={"risk": "value"}), country="country",
                             crime_area="crime_area", value="value", zmin=0, zmax=1,
                             value_label="risk", value_format=".2f")
        ch.figure(fig, "Risk (likelihood from threat and vulnerability) by country and "
                  "crime area", source=["submissions", "gitoc", "cpi"], nd=nd,
                  key="fig:priorities", data=ch.source_rows(ch.threat_rows()).merge(
                      table, on=["country", "crime_area"], how="left"))
    else:
        counts = (table.groupby(["crime_area", "priority"]).size().unstack(fill_value=0)
                  .reindex(columns=list(BANDS), fill_value=0))
        counts.columns.name = None
        counts = counts.reset_index()
        counts["crime_area"] = counts["crime_area"].map(lambda a: crime_area(a).label)
        counts = counts.rename(columns={"crime_area": "Crime area"})
        ch.show_table(counts, "Member states by priority band and crime area (likelihood "
                      "from threat and vulnerability)", source=["submissions", "gitoc", "cpi"],
                      note=_unbanded_note(ch, counts, why="have no priority for it (no "
                                          "indicator of the area reported, or no "
                                          "vulnerability score)"),
                      key="tab:priorities:bands")
    high = table[table["priority"] == "high"] if "priority" in table else table.head(0)
    notes = " ".join(x for x in (ed.gitoc_note, ed.cpi_note) if x)
    ch.say("{n} of {m} country and crime-area pairs fall in the high-priority band; "
           "vulnerability combines low resilience (GI-TOC {gitoc}) and corruption (TI CPI "
           "{year})." + (" {notes}" if notes else ""), n=len(high), m=len(table),
           gitoc=str(ed.gitoc), year=str(ed.cpi_year), notes=notes, nd=nd)
    return table


def summary_intro(ch: Chapter) -> None:
    """The executive summary's opening paragraph (not a section: the chapter's notice
    comes with the first section after it).

    The restricted edition promises what :func:`octasee.chapters.judgements.key_judgements`
    states (the register's agreed judgements). The public one promises only what it
    shows: ``key_judgements`` itself says, once, how many
    judgements are withheld (the intro does not count them a second time).
    """
    if not ch.public:
        ch.say("The key judgements of this assessment, for decision-makers, as the analysts "
               "agreed them. Each states how likely we judge a development to be, in the "
               "terms of the probability yardstick explained in chapter 1, over which "
               "horizon, how confident we are, and the findings, figures and tables it "
               "rests on.")
        return
    ch.say("This summary is for decision-makers: which key judgements this public edition "
           "can state, and how the threat across the region falls in bands.")


def profile_intro(ch: Chapter) -> None:
    """Annex A's opening paragraph: what a country profile shows in this edition (threat
    scores against the regional median only where it may rank member states, and where
    more than one country answered, so that there is a median to compare with)."""
    if ch.rank_countries and len(ch.received or ()) > 1:
        ch.say("One member country: its key figures, its threat scores against the regional "
               "median, its GI-TOC scores and what it wrote.")
    else:
        ch.say("One member country: its key figures, its GI-TOC scores and what it wrote.")


def threat_index_model(areas: Sequence[str]) -> Any:
    """The threat index over crime areas as a scoring model (annex B), whose nominal run
    is the one country ranking (:func:`octasee.analysis.threat.country_ranking` at equal
    weights): the area scores as they are (0-10, no second normalisation), a missing area
    left out (no imputation), the arithmetic mean of the areas a country is scored on
    with equal weights. :func:`robustness` varies each of these choices around it."""
    from octasee.scoring import Model  # lazy: ~100 ms on import

    return Model.from_dict({
        "name": "OCTA-SEE threat index", "unit": "country",
        "tree": [{"id": "threat", "label": "Threat"}]
        + [{"id": a, "parent": "threat", "label": crime_area(a).label} for a in areas],
        "steps": [{"step": "impute", "method": "none"},
                  {"step": "normalise", "method": "none"},
                  {"step": "aggregate", "method": "mean", "missing": "skip"}],
    })


#: How annex B names the options of the uncertainty analysis (the nominal one first).
_CHOICES = {
    "impute": ("a crime area a country did not report", {
        "none": "left out of its mean", "mean": "set to the area's regional mean"}),
    "normalise": ("the area scores", {
        "none": "as scored (0-10)", "minmax": "re-scaled min-max",
        "prank": "as percentile ranks", "rank": "as ranks"}),
    "aggregate": ("their aggregation", {
        "mean": "the arithmetic mean", "copeland": "Copeland's pairwise majority count"}),
}
_FACTOR_LABELS = {"impute": "missing crime areas", "normalise": "scale of the area scores",
                  "aggregate": "aggregation", "weights": "weights"}
#: The relative perturbation of each crime area's weight in annex B's analysis.
_WEIGHTS_NOISE = 0.25


@_section(empty=lambda ch: pd.DataFrame())
def robustness(ch: Chapter, *, n: int = 500) -> pd.DataFrame:
    """Annex B: the one country ranking, how missing crime areas are treated, and how
    much the ranking depends on the method (rank intervals and sensitivity indices).

    The ranking is :func:`octasee.analysis.threat.country_ranking` of every member's
    scores (:meth:`Chapter.threat`), the same as the key figures, the map and the weights
    explorer at equal weights. The uncertainty analysis
    (:func:`octasee.scoring.uncertainty_analysis`, ``n`` base runs) varies the choices of
    :func:`threat_index_model` around that ranking, which is its nominal run; the text
    and the caption give the number of variants from the result. A public edition that
    may not rank member states shows the sensitivity indices (the method's, not a
    country's) without the ranking and the rank intervals.
    """
    from octasee.charts import rank_intervals  # lazy: plotly, ~180 ms on import
    from octasee.scoring import uncertainty_analysis  # lazy: ~100 ms on import

    tm = ch.threat()
    ranking = country_ranking(tm)
    areas = list(dict.fromkeys(tm["crime_area"]))
    if len(ranking) < 3 or not areas:
        ch.say("With {n} and {k} scored, there is no ranking to test.",
               n=_plural(len(ranking), "country", "countries"),
               k=_plural(len(areas), "crime area"))
        return pd.DataFrame()
    shown = ranking[ranking["country"].isin(ch.countries)]
    nd = bool(shown["nd"].any())
    full = shown[shown["areas"] == len(areas)]
    fewer = shown[shown["areas"] < len(areas)].sort_values(["areas", "country"],
                                                            ascending=[False, True])
    if ch.rank_countries:
        groups = [f"{ch.names(g['country'])} on {k}"
                  for k, g in fewer.groupby("areas", sort=False)]
        which = "; ".join(groups) + "." if groups else ""
    elif len(fewer):
        lo, hi = int(fewer["areas"].min()), int(fewer["areas"].max())
        which = f"the others on {lo} to {hi}." if lo < hi else f"the others on {lo}."
    else:
        which = ""
    ch.say("A country's threat index is the mean of its crime-area scores over the areas it "
           "reported an indicator of: a crime area it did not report counts neither as zero "
           "nor as the regional mean. {k} of the {m} countries {are} scored on all {a} crime "
           "areas" + ("; {which}" if which else ".") + " The key figures, the map of the "
           "regional overview and the weights explorer at equal weights rank the same "
           "scores in the same way: ties (equal to nine decimals) share the better rank.",
           k=len(full) or "None", m=len(shown), are="is" if len(full) < 2 else "are",
           a=len(areas), which=which, nd=nd)
    wide = tm.pivot(index="country", columns="crime_area", values="value")[areas]
    # Min-max needs a spread in every area (one country alone in an area has none).
    spread = bool((wide.nunique(dropna=True) > 1).all())
    options = {"impute": ["none", "mean"],
               "normalise": ["none", *(["minmax"] if spread else []), "prank", "rank"],
               "aggregate": ["mean", "copeland"]}
    result = uncertainty_analysis(threat_index_model(areas), wide.reset_index(), **options,
                                  weights_noise=_WEIGHTS_NOISE, n=n, seed=1, target="threat")
    ranks = result.ranks.reset_index()
    ranks = shown.merge(ranks, on="country", how="left")
    same = bool((ranks["nominal"] == ranks["rank"]).all())
    said = [f"{what} {_and([words[o] for o in result.factors[f]]).replace(' and ', ' or ')}"
            for f, (what, words) in _CHOICES.items() if f in result.factors]
    ch.say("The ranking is recomputed under {runs} variants of the method ({n} base runs of a "
           "Saltelli design over {d} choices): " + "; ".join(f"{{c{i}}}" for i in
                                                         range(len(said)))
           + "; and each area's weight perturbed by up to {noise}. "
           + ("The nominal variant, the first option of each with equal weights, is the "
              "ranking above." if same else
              "Its nominal variant does not rank the countries as the table does: the "
              "intervals describe another model."),
           runs=f"{result.n_runs:,}", n=f"{result.n:,}", d=len(result.factors),
           noise=f"{_WEIGHTS_NOISE:.0%}", **{f"c{i}": c for i, c in enumerate(said)})
    if ch.rank_countries:
        table = pd.DataFrame({
            "Rank": ranks["rank"], "Country": ranks["country"].map(ch.name),
            # Two decimals: the rank is taken on the unrounded score, and one decimal
            # would print countries of different ranks alike.
            "Score (0-10)": ranks["score"].map(lambda v: f"{v:.2f}"),
            "Crime areas scored": ranks["areas"],
            "Rank, 5th-95th percentile of the variants": [
                f"{int(a)}-{int(b)}" if a != b else f"{int(a)}"
                for a, b in zip(ranks["q05"], ranks["q95"], strict=True)]})
        marks = pd.DataFrame(False, index=table.index, columns=table.columns)
        marks["Score (0-10)"] = ranks["nd"].to_numpy()
        ch.show_table(table, f"Threat index of the member countries, {ch.cycle.code}: rank "
                      f"among the {len(ranking)} scored, and mean of the crime-area scores "
                      f"over the areas scored (of {len(areas)})",
                      source="submissions", nd=marks, key="tab:ranking",
                      data=ch.source_rows(ch.threat_rows()))
        fig = rank_intervals(ranks, unit="country", nominal="nominal", p05="q05",
                             median="median", p95="q95")
        ch.figure(fig, f"Rank of each country on the threat index under {result.n_runs:,} "
                  "variants of the method (dot: the ranking of the table; bar: 5th-95th "
                  "percentile)", source="submissions", nd=nd, key="fig:robustness",
                  data=ch.source_rows(ch.threat_rows()))
    idx = result.indices.reset_index()
    idx["factor"] = idx["factor"].map(lambda f: _FACTOR_LABELS.get(f, f))
    ch.show_table(idx.round(2), "Sensitivity of the ranking to each choice: first-order (S1) "
                  "and total-effect (ST) indices", source="submissions",
                  key="tab:sensitivity", data=ch.source_rows(ch.threat_rows()))
    top = idx.sort_values("ST", ascending=False).iloc[0]
    ch.say("The choice that moves the ranking most is the {factor} (total effect {st}); the "
           "widest 90% rank interval is {width} places.", factor=top["factor"],
           st=round(float(top["ST"]), 2), width=int(ranks["q90_width"].max()))
    if not ch.rank_countries:
        ch.say("The public edition does not rank member states: the rank of each under the "
               "variants of the method is in the restricted edition.")
        return ranks.head(0)
    return ranks


# ----------------------------------------------------------------------------- context data


@_section(public=True)
def frontex_routes(ch: Chapter) -> None:
    """Frontex detections on the routes through the region, per year of the cycle(s)."""
    from octasee.charts import trend_band  # lazy: plotly, ~180 ms on import

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
              "(detections, not persons)", source="frontex", key="tab:frontex", data=f)
    wb = f[f["route"] == "Western Balkan Route"].set_index("year")["detections"]
    if 2015 in wb.index:
        ch.say("Detections on the Western Balkan route peaked at {n} in 2015.", n=int(wb[2015]))


@_section(public=True)
def glotip_victims(ch: Chapter) -> None:
    """UNODC GLOTIP: detected victims of trafficking per country and year of the cycle.

    The figures are those the questionnaire holds as victims of trafficking identified,
    often the very same numbers: see :func:`_glotip_table`.
    """
    _glotip_table(ch, "Detected trafficking victims", "Detected victims of trafficking (UNODC)",
                  "UNODC reports no detected victims for these countries and years.")


def _glotip_table(ch: Chapter, indicator: str, caption: str, nothing: str) -> None:
    """A UNODC GLOTIP table of one indicator's totals per country and year of the cycle.

    The public edition prints them as
    :func:`~octasee.chapters.disclosure.published_elsewhere` says (small counts
    ``<threshold``), which the public view knows, and withholds (``x``) those the view
    says would give back a cell it withholds (:attr:`~octasee.sdc.PublicView.
    mask_elsewhere`). UNODC's own ``<5`` is printed as such, never as 0.
    """
    years = range(ch.cycle.first_year, ch.cycle.last_year + 1)
    code = GLOTIP_TABLES[indicator][0]
    if ch.public:
        v = published_elsewhere(ch.countries, years, rules=ch.rules, tables=[indicator])
        masked = ch.view.mask_elsewhere
        v["text"] = ["x" if (c, i, a, int(y)) in masked else text for c, i, a, y, text in
                     v[["country", "indicator", "crime_area", "year", "text"]].to_numpy()]
    else:
        v = indicator_total(indicator)
        v = v[v["country"].isin(ch.countries) & v["year"].isin(list(years))]
        v = v[v["censored"] | v["value"].notna()].copy()
        v["text"] = ["<5" if c else f"{x:,.0f}" for c, x in zip(v["censored"], v["value"],
                                                                 strict=True)]
    if v.empty:
        ch.say(nothing)
        return
    wide = v.pivot(index="country", columns="year", values="text").reset_index()
    wide.insert(1, "name", wide["country"].map(ch.name))
    wide.columns = [str(c) for c in wide.columns]
    ch.show_table(wide.drop(columns="country"), caption, source="glotip",
                  key="tab:glotip:victims" if "victims" in indicator
                  else "tab:glotip:convictions", data=v)
    shown = set(v["text"])
    own = (ch.rules.threshold_for(code) if ch.rules else ch.threshold)
    notes = []
    for n in sorted(int(m[1:]) for m in shown if m.startswith("<")):
        notes.append(f"Counts from 1 to {n - 1} are shown as &lt;{n}." if ch.public and n == own
                     else f"UNODC publishes counts from 1 to {n - 1} as &lt;{n}.")
    if "x" in shown:
        notes.append("A figure shown as x is withheld: with the questionnaire figures this "
                     "edition publishes, it would give back one that they withhold.")
    if notes:
        ch.say(" ".join(notes))


@_section(public=True)
def cpi_scores(ch: Chapter) -> None:
    """TI Corruption Perceptions Index for the cycle's years that the shipped extract holds
    (:func:`octasee.analysis.editions.editions`; 0-100, higher is cleaner)."""
    ed = editions(ch.cycle, ch.workspace)
    c = load_cpi()
    c = c[c["country"].isin(ch.countries) & c["year"].isin(ed.cpi_years)]
    if c.empty:
        years = sorted(int(y) for y in load_cpi()["year"].unique())
        ch.say("The CPI extract shipped with octasee holds none of the years of the {cycle} "
               "cycle: it covers {y0}-{y1} only.", cycle=ed.cycle, y0=str(years[0]),
               y1=str(years[-1]))
        return
    wide = c.pivot_table(index="country", columns="year", values="score").reset_index()
    wide.insert(1, "name", wide["country"].map(ch.name))
    wide.columns = [str(x) for x in wide.columns]
    ch.show_table(wide.drop(columns="country"), "Corruption Perceptions Index (0-100; higher "
                  "means less perceived corruption)", source="cpi", key="tab:cpi", data=c)
    last = wide.columns[-1]
    low = wide.sort_values(last).iloc[0]
    ch.say("In {year} the lowest score among the selected countries was {name}'s ({score}).",
           year=last, name=low["name"], score=float(low[last]))


@_section()
def emerging(ch: Chapter) -> None:
    """Indicators growing fast from a low base: the emerging-threat flags.

    The flags are machine-derived judgements about single countries' small numbers: the
    public edition withholds them (it says how many) and never derives them again.
    """
    from octasee.scoring import emerging_threats  # lazy: ~100 ms on import

    ind = totals(ch.all_rows("indicators", all_cycles=True))
    tidy = ind.groupby(["country", "indicator", "year"], as_index=False).agg(
        value=("value", "sum"), nd=("nd", "any"))
    flags = emerging_threats(tidy.drop(columns="nd").rename(columns={"year": "period"}))
    flagged = flags[flags["emerging"]] if "emerging" in flags else flags.head(0)
    if flagged.empty:
        ch.say("No indicator grew fast from a low base in this selection.")
        return
    if ch.public:
        ch.withheld(len(flagged), "emerging-threat flags",
                    why="with the other machine-derived judgements, until their public "
                        "wording is agreed")
        return
    nd_pairs = set(map(tuple, tidy.loc[tidy["nd"], ["country", "indicator"]].to_numpy()))
    cols = [c for c in ("country", "indicator", "first", "last", "growth") if c in flagged]
    table = flagged[cols].head(20).copy()
    marks = pd.DataFrame(False, index=table.index, columns=table.columns)
    for c in ("first", "last", "growth"):
        if c in marks:
            marks[c] = [(a, b) in nd_pairs for a, b in
                        zip(table["country"], table["indicator"], strict=True)]
    table.insert(1, "name", table["country"].map(ch.name))
    marks.insert(1, "name", False)
    ch.show_table(table.drop(columns="country"),
                  "Emerging threats: fast growth from a low base", source="submissions",
                  nd=marks.drop(columns="country"), key="tab:emerging",
                  data=ch.source_rows(ind.merge(table[["country", "indicator"]]
                                                .drop_duplicates())))


@_section(partial=False)
def country_profile(ch: Chapter, code: str) -> None:
    """Annex A: one member country's key indicators, scores and assessments.

    The public edition prints the view's cells (a marker where one is withheld), draws
    published cells only, and shows threat scores only where it may rank member states.
    """
    from octasee.charts import trend_band  # lazy: plotly, ~180 ms on import

    ind = totals(ch.table("indicators", all_cycles=True))
    mine = ind[ind["country"] == code]
    if code not in ch.received:
        ch.say("{name} has not returned the questionnaire of cycle {cycle} yet." if not ch.public
               else "No questionnaire of {name} for cycle {cycle} is in this version.",
               name=ch.name(code), cycle=ch.cycle.code)
        if mine.empty:
            return
    if ch.public:
        shown = mine[mine["value"].notna()]
        ch.say("This edition publishes {n} of {name} over {k}; {w} withheld.",
               name=ch.name(code), n=_plural(len(shown), "indicator value"),
               k=_plural(shown["cycle"].nunique(), "cycle"),
               w=_plural(len(mine) - len(shown), "further value is", "further values are"))
    else:
        ch.say("{name} returned {n} over {k}.", name=ch.name(code),
               n=_plural(len(mine), "indicator row"), k=_plural(mine["cycle"].nunique(), "cycle"),
               nd=bool(mine["nd"].any()))
    key = ["heroin_seized", "cocaine_seized", "cannabis_herb_seized", "firearms_seized",
           "irregular_migrants_detected", "victims_identified", "cigarettes_seized"]
    sel = mine[mine["indicator"].isin(key)]
    if not sel.empty:
        # Years down, indicators across: a cycle or two of years fits the page's width,
        # where years across did not.
        values, markers, nd = _wide(sel, index="year", columns="indicator")
        order = [k for k in key if k in values.columns]
        labels = {c: f"{_label(c, ch)} ({_unit(c, ch)})" if _unit(c, ch) not in ("", "count")
                  else _label(c, ch) for c in order}
        frames = [f[order].rename(columns=labels).rename_axis("Year").reset_index()
                  for f in (values, markers, nd)]
        frames[1]["Year"], frames[2]["Year"] = None, False
        structures = sorted(set(map(tuple, sel[["indicator", "crime_area"]].to_numpy())))
        ch.show_table(frames[0], f"{ch.name(code)}: key indicators by year",
                      source="submissions", markers=frames[1], nd=frames[2],
                      structures=structures, key=f"tab:profile:{code}",
                      data=ch.source_rows(sel))
        first_code = order[0]
        s = values[first_code].rename("value").rename_axis("year").reset_index()
        if s["value"].notna().sum() >= MIN_YEARS:  # fewer: the table has them all
            s = s.assign(lower=np.nan, upper=np.nan)
            ch.figure(trend_band(s, x="year", y="value", lower="lower", upper="upper",
                                 y_title=labels[first_code]),
                      f"{ch.name(code)}: {_label(first_code, ch).lower()}",
                      source="submissions", nd=bool(nd[first_code].any()),
                      structures=[p for p in structures if p[0] == first_code],
                      key=f"fig:profile:{code}",
                      data=ch.source_rows(sel, indicator=first_code))
    tm, nd_any = _threat(ch)
    if code in set(tm["country"]) and _comparable(ch, tm):
        if not ch.rank_countries:
            ch.say("The public edition does not publish threat scores by country; chapter 2 "
                   "counts the member states in each band.")
        else:
            med = tm.groupby("crime_area")["value"].median().rename("regional median")
            own = tm[tm["country"] == code].set_index("crime_area")["value"].rename(
                ch.name(code))
            both = pd.concat([own, med], axis=1).reset_index()
            both["crime_area"] = both["crime_area"].map(lambda a: crime_area(a).label)
            both = both.rename(columns={"crime_area": "Crime area"})
            marks = pd.DataFrame(nd_any, index=both.index, columns=both.columns).drop(
                columns="Crime area")
            ch.show_table(both.round(1), "Threat scores (0-10) against the regional median",
                          source="submissions", nd=marks, key=f"tab:profile:{code}:threat",
                          data=ch.source_rows(ch.threat_rows(), country=code))
    a = ch.rows("assessments")
    for r in a[a["country"] == code].head(3).itertuples():
        lang = _language(r.language)
        ch.quote(r.situation, attribution=f"{ch.name(code)} on {crime_area(r.crime_area).label}"
                 + (f" (in {lang})" if lang else ""), nd=bool(r.nd), country=code)


@_section(public=True)
def glotip_convictions(ch: Chapter) -> None:
    """UNODC GLOTIP: persons convicted of trafficking per country and year of the cycle
    (the questionnaire's convictions for trafficking in human beings: the public edition
    prints them as :func:`_glotip_table` says)."""
    _glotip_table(ch, "Persons convicted", "Persons convicted of trafficking in persons "
                  "(UNODC)", "UNODC reports no convictions for these countries and years.")


# ----------------------------------------------------------------------------- explorers


def explore_weights(ch: Chapter, tm: pd.DataFrame) -> Any:
    """The weights explorer (JupyterLab) of the restricted edition; nothing in public (it
    names and ranks member states). ``tm``: every member's threat scores
    (:func:`threat_overview`'s result); it ranks among all members and shows the
    chapter's countries; at its default (equal) weights its ranking is the report's."""
    if ch.public:
        return None
    from octasee.widgets import weights_explorer  # lazy: ipywidgets, ~190 ms on import

    return weights_explorer(tm, countries=ch.countries)


def explore_indicators(ch: Chapter) -> Any:
    """The indicator explorer of the restricted edition; nothing in public."""
    if ch.public:
        return None
    from octasee.widgets import indicator_explorer  # lazy: ipywidgets, ~190 ms on import

    return indicator_explorer(ch.rows("indicators"), ch.rows("assessments"))


def explore_groups(ch: Chapter, groups: pd.DataFrame) -> Any:
    """The group explorer of the restricted edition; nothing in public (single groups)."""
    if ch.public:
        return None
    from octasee.widgets import ocg_explorer  # lazy: ipywidgets, ~190 ms on import

    return ocg_explorer(groups)
