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
from octasee.analysis.format import fmt_change, fmt_label, fmt_year
from octasee.analysis.grading import grading_profile
from octasee.analysis.series import per_100k, regional_series, totals
from octasee.analysis.threat import (
    country_ranking,
    index_areas,
    index_method,
    load_threat_spec,
    normalisation_table,
    rank_intervals,
    threat_index_model,  # noqa: F401 (its old home)
    threat_scores,
)
from octasee.chapters.context import Chapter
from octasee.chapters.disclosure import (
    BANDS,
    GLOTIP_TABLES,
    band,
    band_counts,
    band_edges,
    count_marker,
    protected_counts,
    published_elsewhere,
    rate_markers,
)
from octasee.chapters.judgements import finding_notes
from octasee.chapters.markets import gitoc_markets
from octasee.chapters.networks import (  # chapter 3; notebooks call them from here
    explore_groups,
    group_attributes,
    group_profile,
    groups_by_country,
    groups_by_crime_area,
    ocg_overview,
)
from octasee.chapters.outlook import priorities, summary_intro  # 11, 00: called from here
from octasee.chapters.profiles import (  # annex A; notebooks call them from here
    country_profile,
    profile_assessments,
    profile_gitoc,
    profile_intro,
    profile_networks,
    profile_overview,
    profile_quality,
    profile_threats,
)
from octasee.chapters.routes import routes  # 4-8: the route map and the MO table
from octasee.questionnaire.spec import spec_for
from octasee.reference import crime_area, cycle
from octasee.sources import gitoc_wide, load_cpi, load_frontex_annual
from octasee.sources.glotip import indicator_total

__all__ = [
    "area_trend", "assessments", "country_profile", "country_table", "explore_groups",
    "explore_indicators", "explore_weights", "gitoc_markets", "gitoc_scores", "grading",
    "group_attributes", "group_profile", "groups_by_country", "groups_by_crime_area",
    "ocg_overview", "priorities", "profile_assessments", "profile_gitoc",
    "profile_intro", "profile_networks", "profile_overview", "profile_quality",
    "profile_threats", "regional_map", "response", "robustness", "routes", "summary_intro",
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


def _and(items: Sequence[str]) -> str:
    """Items as a phrase: "2009", "2009 and 2012", "2009, 2011 and 2012".

    >>> _and(["2009"]), _and(["2009", "2012"]), _and(["2009", "2011", "2012"])
    ('2009', '2009 and 2012', '2009, 2011 and 2012')
    """
    items = list(items)
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def _protected_bands(ch: Chapter, counts: pd.DataFrame, *, why: str
                     ) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """A public table of member states per band and crime area, its markers and its note.

    A band that holds fewer than the threshold's member states is hidden (``<5``), with a
    complement (``x``) so that the row's total (the member states, a known number) does
    not give it back, as the group tables do (:func:`protected_counts`): "High: 1" beside
    a table where one state holds most of the region's seizures named that state. The
    member states with no band in an area count as one more cell of the row.
    """
    t = ch.threshold
    n = len(ch.countries)
    table = counts[["Crime area"]].copy()
    shown: dict[str, list[int | None]] = {b: [] for b in BANDS}
    marks: dict[str, list[str | None]] = {b: [] for b in BANDS}
    parts = []
    for _, row in counts.iterrows():
        cells = {b: int(row[b]) for b in BANDS}
        cells["none"] = n - sum(cells.values())
        kept = protected_counts(cells, t)
        for b in BANDS:
            shown[b].append(kept[b] if kept[b] is not None else 0)
            marks[b].append(count_marker(cells[b], kept[b], t))
        if cells["none"] > 0:
            parts.append(f"{row['Crime area']}: "
                         + (str(kept["none"]) if kept["none"] is not None
                            else count_marker(cells["none"], None, t)))
    for b in BANDS:
        table[str(b).capitalize()] = shown[b]
    markers = pd.DataFrame({str(b).capitalize(): marks[b] for b in BANDS})
    note = (f"Where a row adds up to fewer than {n} member states, the others {why} "
            f"({'; '.join(parts)}). " if parts else "")
    if any(m is not None for b in BANDS for m in marks[b]):
        note += (f"A band of fewer than {t} member states is shown as <{t}, and another "
                 "band of the row as x, so that no single state's band can be worked "
                 "out from the row's total.")
    return table, markers, note.strip()


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
    ch.show_table(wide.rename(columns={"country": "Code", "name": "Country"}),
                  "Questionnaire rows accepted per country and cycle (rows)",
                  source="submissions",
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
    profile = profile.rename(columns=lambda c: str(c)[:1].upper() + str(c)[1:])
    profile.index.name = (str(profile.index.name or "")[:1].upper()
                          + str(profile.index.name or "")[1:]) or None
    ch.show_table(profile.reset_index(), "Source grading of submitted rows (number of rows; "
                  "4x4 system)",
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
        table, markers, note = _protected_bands(ch, counts,
                                                why="reported no indicator of the area")
        ch.show_table(table, f"Member states by threat band and crime area, {ch.cycle.code} "
                      f"(number of member states; {_SCORES_HOW})", source="submissions",
                      note=note, markers=markers, key="tab:threat:bands")
        _public_note(ch)
        return everyone
    fig = threat_heatmap(tm, country="country", crime_area="crime_area", value="value",
                         zmin=0, zmax=10, value_label="threat score")
    ch.figure(fig, f"Threat scores 0-10 by country and crime area, {ch.cycle.code} "
              f"({_SCORES_HOW}; blank: no indicator of the area reported)",
              source=("submissions", "population"), nd=nd, key="fig:threat",
              data=ch.source_rows(ch.threat_rows()))
    top = (tm.sort_values("value", ascending=False).groupby("crime_area").head(1)
           .sort_values("value", ascending=False).head(3))
    parts = [f"{ch.name(r.country)} for {crime_area(r.crime_area).label.lower()}"
             for r in top.itertuples()]
    ch.say("The highest crime-area scores this cycle are "
           + "; ".join(f"{{p{i}}}" for i in range(len(parts))) + ". Flows through the "
           "region (seizures, migrants detected) count as shares of the regional total, "
           "offenders and victims per 100,000 residents (annex B).", nd=nd,
           **{f"p{i}": p for i, p in enumerate(parts)})
    return everyone


#: How the crime-area scores are computed, in a caption (annex B says it in full).
_SCORES_HOW = ("each indicator as a share of the regional total or per 100,000 residents "
               "as annex B lists, then min-max across the member countries")


@_section()
def regional_map(ch: Chapter, tm: pd.DataFrame | None = None) -> None:
    """Choropleth of the chapter's countries' threat index: the one country ranking's
    score (:func:`octasee.analysis.threat.country_ranking` of every member's scores: the
    key figures, the weights explorer and annex B rank the same), and beside it the
    ranking with each rank's 90 % interval
    (:func:`octasee.analysis.threat.rank_intervals`, the same as annex B's; the map's
    hover says it too); in a public edition that may not rank member states, how many
    fall in each band of it (no names, no ranks).

    ``tm`` is :func:`threat_overview`'s result (every member's scores), which has said
    already when there are too few countries to compare; without it, this section reads
    the scores (:meth:`Chapter.threat`) and says so itself.
    """
    from octasee.charts import choropleth  # lazy: plotly, ~180 ms on import

    given = tm is not None
    everyone = ch.threat() if tm is None else tm
    if not _comparable(ch, everyone, say=not given):
        return
    if not set(ch.countries) & set(everyone["country"]):  # a selection with no score
        if not given:  # else threat_overview said so
            ch.say("None of the selected countries reported an indicator for {cycle}.",
                   cycle=ch.cycle.code)
        return
    summary = ch.number == "00"
    if not ch.rank_countries:
        ranking = country_ranking(everyone)
        mean = ranking[ranking["country"].isin(ch.countries)]
        counts = {b: int((mean["score"].map(band) == b).sum()) for b in BANDS}
        # A band of one or two states would name them beside the tables of shares:
        # small bands hidden with a complement, as in Table 2.1 (_protected_bands).
        kept = protected_counts(counts, ch.threshold)
        marks = [count_marker(counts[b], kept[b], ch.threshold) for b in BANDS]
        ch.show_table(pd.DataFrame({"Band": list(BANDS),
                                    "Member states": [kept[b] or 0 for b in BANDS]}),
                      ("At a glance: member states" if summary else "Member states")
                      + " by band of the threat index (the mean of the crime-area scores)",
                      source="submissions", markers=pd.DataFrame({"Member states": marks}),
                      note=(f"A band of fewer than {ch.threshold} member states is shown as "
                            f"<{ch.threshold}, and another band as x, so that no single "
                            "state's band can be worked out from the total."
                            if any(marks) else ""),
                      key="tab:summary:map:bands" if summary else "tab:map:bands")
        if not given:
            _public_note(ch)
        return
    result = rank_intervals(everyone)
    ranks = result.ranks[result.ranks["country"].isin(ch.countries)].reset_index(drop=True)
    areas = len(index_areas(everyone))
    nd = bool(ranks["nd"].any())
    fig = choropleth(ranks.rename(columns={"score": "value"}), value="value",
                     country="country", value_label="threat index", value_format=".1f")
    labels = dict(zip(ranks["country"], ranks["label"], strict=True))
    of = len(result.ranks)
    for trace in fig.data:  # the hover of each member: its rank with the interval
        meta = trace.meta if isinstance(trace.meta, dict) else {}
        if meta.get("role") == "member" and meta.get("iso2") in labels:
            trace.text = f"{trace.text}<br>rank {labels[meta['iso2']]} of {of}"
    ch.figure(fig, ("At a glance: threat" if summary else "Threat")
              + f" index by member country, {ch.cycle.code}: the mean of the "
              f"{areas} crime-area scores (0-10; an area a country did not report at the "
              "area's regional median); "
              "rank and 90% interval in the table",
              source="submissions", nd=nd, key="fig:summary:map" if summary else "fig:map",
              data=ch.source_rows(ch.threat_rows()))
    # The summary's map comes with its ranks and their intervals too (a printed map shows
    # no hover): a map that names countries is never read without its uncertainty.
    table, marks = _ranks_table(ch, ranks, areas)
    ch.show_table(table, ("At a glance: rank" if summary else "Rank")
                  + f" of each member country on the threat index, "
                  f"{ch.cycle.code}, with its 90% interval under {result.variants:,} "
                  "variants of the method (annex B)", source="submissions", nd=marks,
                  key="tab:summary:map:ranks" if summary else "tab:map:ranks",
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
    table.insert(1, "Country", table["country"].map(ch.name))
    later = [str(e) for e in ed.gitoc_tables if e > ed.last_year]
    note = ""
    if later:
        note = (f"The {_and(later)} edition{'s are' if len(later) > 1 else ' is'} later "
                f"than the {ed.cycle} cycle"
                + (": GI-TOC published no edition for its years." if ed.gitoc_later else "."))
    label = _and([str(e) for e in ed.gitoc_tables])
    shown = _and([i.lower() for i in indicators])
    ch.show_table(table.drop(columns="country"),
                  f"GI-TOC Global Organized Crime Index, {shown}: {label} "
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
                       y="resilience", label="country",
                       x_title="Criminality (GI-TOC score 1-10)",
                       y_title="Resilience (GI-TOC score 1-10)")
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
                     fitted="fitted", x_title="Year", y_title=fmt_label(label, unit),
                     unit=unit,
                     breaks=[view.break_year] if view.break_year is not None else [],
                     outliers=view.outliers)
    split = (f"; one line on each side of the break in {view.break_year}"
             if view.break_year is not None else "")
    ringed = (f"; ringed: {_and([str(y) for y in view.outliers])}, far off the line"
              if view.outliers else "")
    what = "" if unit in ("count", "") else f"{unit}; "
    ch.figure(fig, f"{label}: regional total of {view.where} ({what}dotted line: robust "
              f"Theil-Sen trend; band: ± 1.645 residual s.d.{split}{ringed})",
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
                     lower="lower", upper="upper", x_title="Year",
                     y_title=fmt_label(label, unit), unit=unit)
    what = "" if unit in ("count", "") else f"{unit}; "
    caption = f"{label}, all reporting member countries ({what}regional totals)"
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
    names = {c: fmt_label(_label(c, ch), _unit(c, ch)) for c in indicators}
    names[rate] = fmt_label(_label(first, ch), _unit(first, ch), per="100,000 residents")
    frames = []
    for f in (values, markers, nd):
        f = f.rename(columns=names).reset_index(drop=False)
        f.insert(1, "Country", f["country"].map(ch.name))
        frames.append(f.drop(columns="country"))
    values, markers, nd = frames
    markers["Country"] = None
    nd["Country"] = False
    note = ""
    if rate_hidden:
        note = (f"A rate of a withheld count is withheld too (x): a rate would give the count "
                f"back, and {_label(first, ch).lower()} shown as <{ch.threshold} "
                "does not mean a rate under that.")
    ch.show_table(values, f"{crime_area(area).label}: indicators by country, {last}",
                  source=("submissions", "population"), markers=markers, nd=nd, note=note,
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
        # Each part in English where the workspace's translation memory has it.
        parts = [r.situation, ("Expected: ", r.expected_threats)]
        ch.quote(parts, attribution=f"{ch.name(r.country)}, submission {ch.cycle.code}",
                 nd=bool(r.nd), country=r.country,
                 language=r.language if isinstance(r.language, str) else None)


# routes (chapters 4-8: the route map and the modus-operandi table): octasee.chapters.routes
# (imported above).


# ----------------------------------------------------------------------------- 03


# group_profile, group_attributes, groups_by_crime_area, groups_by_country, ocg_overview
# and explore_groups live in octasee.chapters.networks (imported above).


# ----------------------------------------------------------------------------- 11, 00


# priorities and summary_intro: octasee.chapters.outlook (imported above).


#: How annex B names the options of the uncertainty analysis (the nominal one first).
_CHOICES = {
    "impute": ("a crime area a country did not report", {
        "median": "set to the area's regional median", "mean": "set to the area's regional "
        "mean", "skip": "left out of its mean"}),
    "normalise": ("the area scores", {
        "none": "as scored (0-10)", "minmax": "re-scaled min-max",
        "prank": "as percentile ranks", "rank": "as ranks"}),
    "aggregate": ("their aggregation", {
        "mean": "the arithmetic mean", "copeland": "Copeland's pairwise majority count"}),
}
#: The sensitivity table's headers (the columns of scoring.sensitivity's indices).
_INDEX_HEADERS = {"factor": "Choice", "S1": "First-order index (S1)", "S1_low": "S1, low",
                  "S1_high": "S1, high", "S1_se": "S1, standard error",
                  "ST": "Total-effect index (ST)", "ST_low": "ST, low", "ST_high": "ST, high",
                  "ST_se": "ST, standard error"}
_FACTOR_LABELS = {"impute": "missing crime areas", "normalise": "scale of the area scores",
                  "aggregate": "aggregation", "weights": "weights"}
#: How a missing crime area is treated, in the words of annex B's ranking paragraph.
_MISSING = {
    "median": "the areas a country did not report are imputed with the area's median score "
              "across the member countries that reported it, so that every country is "
              "compared on the same {a} crime areas",
    "mean": "the areas a country did not report are imputed with the area's mean score "
            "across the member countries that reported it, so that every country is "
            "compared on the same {a} crime areas",
    "skip": "a country is scored on the areas it reported: a crime area it did not report "
            "counts neither as zero nor as the regional level",
}


def _ranks_table(ch: Chapter, ranks: pd.DataFrame, areas: int) -> tuple[pd.DataFrame,
                                                                          pd.DataFrame]:
    """A ranking with its rank intervals as the chapters print it (the rank with its 90 %
    interval, the country, its threat index, the areas it reported) and the ND marks of
    its cells."""
    table = pd.DataFrame({
        "Rank (90% interval)": ranks["label"].to_numpy(),
        "Country": ranks["country"].map(ch.name).to_numpy(),
        # Two decimals: the rank is taken on the unrounded score, and one decimal
        # would print countries of different ranks alike.
        "Threat index (0-10)": ranks["score"].map(lambda v: f"{v:.2f}").to_numpy(),
        "Crime areas reported": [f"{int(k)} of {areas}" for k in ranks["areas"]]})
    marks = pd.DataFrame(False, index=table.index, columns=table.columns)
    marks["Threat index (0-10)"] = ranks["nd"].astype(bool).to_numpy()
    return table, marks


@_section(public=True)
def threat_method(ch: Chapter) -> None:
    """Annex B's account of the threat index: :func:`octasee.analysis.threat.index_method`
    (the same sentences as chapter 1, from the index spec) and the spec's table of how
    each indicator is normalised and why (:func:`~octasee.analysis.threat.normalisation_table`).
    The same in both editions: it is the method, not a country's figures."""
    for sentence in index_method(ranks=ch.rank_countries, here=True):
        ch.say("{t}", t=sentence)
    t = normalisation_table()
    t = t[t["weight"] > 0]
    table = pd.DataFrame({"Indicator": t["label"].to_numpy(),
                          "Asked for": t["crime_areas"].to_numpy(),
                          "Normalised as": t["normalised"].to_numpy(),
                          "Why": t["why"].to_numpy()})
    spec = "the threat index specification of this assessment"
    ch.show_table(table, "How each questionnaire indicator enters the threat index",
                  source=spec, key="tab:method:indicators", data=t.assign(source=spec))


@_section(empty=lambda ch: pd.DataFrame())
def robustness(ch: Chapter, *, n: int = 500) -> pd.DataFrame:
    """Annex B: the one country ranking with its rank intervals, how missing crime areas
    are treated, and how much the ranking depends on the method (sensitivity indices).

    The ranking is :func:`octasee.analysis.threat.country_ranking` of every member's
    scores (:meth:`Chapter.threat`), the same as the key figures, the map and the weights
    explorer at the spec's weights; the intervals and indices are
    :func:`octasee.analysis.threat.rank_intervals` (``n`` base runs, seeded: the map of
    chapters 00 and 02 prints the same intervals), whose nominal variant is that ranking;
    the text and the captions give the number of variants from the result. A public
    edition that may not rank member states shows the sensitivity indices (the method's,
    not a country's) without the ranking and the rank intervals.
    """
    from octasee.charts import rank_intervals as rank_chart  # lazy: plotly, ~180 ms

    tm = ch.threat()
    ranking = country_ranking(tm)
    areas = index_areas(tm)
    if len(ranking) < 3 or not areas:
        ch.say("With {n} and {k} scored, there is no ranking to test.",
               n=_plural(len(ranking), "country", "countries"),
               k=_plural(len(areas), "crime area"))
        return pd.DataFrame()
    spec = load_threat_spec()
    result = rank_intervals(tm, n=n, indices=True)
    ranks = result.ranks[result.ranks["country"].isin(ch.countries)].reset_index(drop=True)
    nd = bool(ranks["nd"].any())
    full = ranks[ranks["areas"] == len(areas)]
    fewer = ranks[ranks["areas"] < len(areas)].sort_values(["areas", "country"],
                                                          ascending=[False, True])
    if ch.rank_countries:
        groups = [f"{ch.names(g['country'])} {k}"
                  for k, g in fewer.groupby("areas", sort=False)]
        which = "; ".join(groups)
    elif len(fewer):
        lo, hi = int(fewer["areas"].min()), int(fewer["areas"].max())
        which = f"the others {lo} to {hi}" if lo < hi else f"the others {lo}"
    else:
        which = ""
    ch.say("{k} of the {m} countries reported an indicator of every one of the {a} crime "
           "areas of the index" + ("; {which}" if which else "") + ". In the ranking, "
           + _MISSING[spec.missing_areas].format(a=len(areas)) + ". The key figures and the "
           "maps of the executive summary and the regional overview rank the same scores in "
           "the same way: ties (equal to nine decimals) share the better rank.",
           k=len(full) or "None", m=len(ranks), a=len(areas), which=which, nd=nd)
    said = [f"{what} {_and([words[o] for o in result.factors[f]]).replace(' and ', ' or ')}"
            for f, (what, words) in _CHOICES.items() if f in result.factors]
    ch.say("The ranking is recomputed {runs} times ({n} base runs of a "
           "Saltelli design over {d} choices): " + "; ".join(f"{{c{i}}}" for i in
                                                         range(len(said)))
           + "; and each area's weight perturbed by up to {noise}. A country's rank interval "
           "is the 5th to 95th percentile of its rank over the {v} variants of the two base "
           "samples (the other runs serve the sensitivity indices), widened to whole ranks. "
           + ("The nominal variant, the first option of each with the index's weights, is "
              + ("the ranking below." if ch.rank_countries else "the restricted edition's "
                 "ranking.") if result.nominal_agrees else
              "Its nominal variant does not rank the countries as the table does: the "
              "intervals describe another model."),
           runs=f"{result.n_runs:,}", n=f"{result.n:,}", d=len(result.factors) + 1,
           v=f"{result.variants:,}", noise=f"{result.weights_noise:.0%}",
           **{f"c{i}": c for i, c in enumerate(said)})
    if ch.rank_countries:
        table, marks = _ranks_table(ch, ranks, len(areas))
        ch.show_table(table, f"Threat index of the member countries, {ch.cycle.code}: rank "
                      f"among the {len(ranking)} scored with its 90% interval under "
                      f"{result.variants:,} variants of the method, and the mean of the "
                      f"{len(areas)} crime-area scores", source="submissions", nd=marks,
                      key="tab:ranking", data=ch.source_rows(ch.threat_rows()))
        fig = rank_chart(ranks, unit="country", nominal="nominal", p05="q05",
                         median="median", p95="q95")
        ch.figure(fig, f"Rank of each country on the threat index under {result.variants:,} "
                  "variants of the method (dot: median rank; bar: 5th-95th percentile; "
                  "vertical tick: nominal rank)",
                  source="submissions", nd=nd, key="fig:robustness",
                  data=ch.source_rows(ch.threat_rows()))
    idx = result.indices.copy()
    idx["factor"] = idx["factor"].map(lambda f: _FACTOR_LABELS.get(f, f))
    shown = idx.round(2).rename(columns=lambda c: _INDEX_HEADERS.get(str(c), str(c)))
    ch.show_table(shown, "Sensitivity of the ranking to each choice: first-order (S1) "
                  "and total-effect (ST) indices", source="submissions",
                  key="tab:sensitivity", data=ch.source_rows(ch.threat_rows()))
    top = idx.sort_values("ST", ascending=False).iloc[0]
    ch.say("The choice that moves the ranking most is the {factor} (total effect {st}); the "
           "widest 90% rank interval is {width} places.", factor=top["factor"],
           st=round(float(top["ST"]), 2), width=int((ranks["high"] - ranks["low"]).max()))
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
    fig = trend_band(band, x="year", y="value", lower="lower", upper="upper", group="route",
                     x_title="Year", y_title="Illegal border crossings (detections)")
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
    _glotip_table(ch, "Detected trafficking victims", "Detected victims of trafficking (number "
                  "of victims; UNODC)",
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
    wide.insert(1, "Country", wide["country"].map(ch.name))
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
    wide.insert(1, "Country", wide["country"].map(ch.name))
    wide.columns = [str(x) for x in wide.columns]
    ch.show_table(wide.drop(columns="country"), "Corruption Perceptions Index (score 0-100; "
                  "higher means less perceived corruption)", source="cpi", key="tab:cpi",
                  data=c)
    last = wide.columns[-1]
    low = wide.sort_values(last).iloc[0]
    ch.say("In {year} the lowest score among the selected countries was {name}'s ({score}).",
           year=last, name=low["Country"], score=float(low[last]))


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
    top = flagged.head(20).reset_index(drop=True)
    table = pd.DataFrame({"country": top["country"],
                          "Country": top["country"].map(ch.name),
                          "Indicator": [_label(c, ch) for c in top["indicator"]]})
    if {"first_period", "last_period"} <= set(top.columns):
        table["Years"] = [f"{fmt_year(a)}-{fmt_year(b)}" for a, b in
                          zip(top["first_period"], top["last_period"], strict=True)]
    # growth: the compound rate per year; from a first year of 0 it has no rate
    table["Growth per year"] = ["from zero" if not np.isfinite(g) else fmt_change(g * 100)
                                    for g in top["growth"].astype(float)]
    marks = pd.DataFrame(False, index=table.index, columns=table.columns)
    for c in ("Growth per year",):
        if c in marks:
            marks[c] = [(a, b) in nd_pairs for a, b in
                        zip(top["country"], top["indicator"], strict=True)]
    table = table.rename(columns={"country": "code"})
    marks = marks.rename(columns={"country": "code"})
    ch.show_table(table.drop(columns="code"),
                  "Emerging threats: fast growth from a low base", source="submissions",
                  nd=marks.drop(columns="code"), key="tab:emerging",
                  data=ch.source_rows(ind.merge(top[["country", "indicator"]]
                                                .drop_duplicates())))


@_section(public=True)
def glotip_convictions(ch: Chapter) -> None:
    """UNODC GLOTIP: persons convicted of trafficking per country and year of the cycle
    (the questionnaire's convictions for trafficking in human beings: the public edition
    prints them as :func:`_glotip_table` says)."""
    _glotip_table(ch, "Persons convicted", "Persons convicted of trafficking in persons "
                  "(number of persons; UNODC)", "UNODC reports no convictions for these countries and years.")


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

