"""Annex A: the country profiles, one numbered section per member country.

Each profile is about its own country (the numbers come from
:mod:`octasee.analysis.profiles` and :mod:`octasee.analysis.markets`):

- :func:`profile_overview`: what it returned and its main threats, the crime areas with
  its highest threat scores (every member's scores, :meth:`Chapter.threat`, as chapter 2
  shows them), with the table of all its scores against the regional median;
- :func:`profile_threats`: for each main threat, the findings that name the country (the
  restricted edition; two or three sentences, linked to Annex C) and a chart of the
  area's indicator for the country; then its key indicators by year;
- :func:`profile_networks`: its groups and routes, counted;
- :func:`profile_gitoc`: its GI-TOC scores for the markets and the resilience indicators
  that match its main threats;
- :func:`profile_quality`: late, partial (sheets left empty), crime areas and years not
  reported, low-graded rows;
- :func:`profile_assessments`: what it wrote, its main threats first.

:func:`country_profile` shows all of them in that order. The public edition shows only
what its view publishes: no threat score by country unless the workspace lets it rank
member states (it then orders a country's areas by its share of the published regional
figures instead), no finding, groups only as counts protected like chapter 3's, nothing
marked not for dissemination. The notebook's :func:`open_chapter` call names the country
(``country=``), which numbers the profile's figures and tables A.<section>.<n>.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from types import ModuleType

import pandas as pd

from octasee.analysis.editions import editions
from octasee.analysis.findings import Finding, chapter_of
from octasee.analysis.format import fmt_share, fmt_value
from octasee.analysis.markets import country_scores
from octasee.analysis.profiles import (
    chart_indicator,
    country_groups,
    country_routes,
    data_quality,
    own_share,
    published_top_areas,
    threat_findings,
    threat_profile,
    top_threats,
)
from octasee.analysis.series import totals
from octasee.analysis.threat import threat_areas
from octasee.chapters import context as _context
from octasee.chapters.context import Chapter
from octasee.chapters.disclosure import nd_mark, protect_counts
from octasee.chapters.judgements import _findings, finding_anchor
from octasee.chapters.markets import editions_note
from octasee.errors import OctaseeError
from octasee.questionnaire.spec import spec_for
from octasee.reference import MEMBER_CODES, crime_area

__all__ = ["country_profile", "profile_assessments", "profile_gitoc", "profile_intro",
           "profile_networks", "profile_overview", "profile_quality", "profile_threats"]

#: The chart height of a profile's threat charts (px): three fit on about a page.
CHART_HEIGHT = 300
#: The questionnaire sheets the store's status names when they are left empty.
SHEETS = {"groups": "Groups", "routes": "Routes", "assessments": "Assessments"}


def _sections() -> ModuleType:
    """:mod:`octasee.chapters.sections`, for its helpers (``_wide``, ``_plural`` ...).
    Read on use: sections re-exports this module's functions, so it imports this one."""
    from octasee.chapters import sections

    return sections


def _skip(ch: Chapter) -> bool:
    """Show the chapter's notice (once; not the count of countries that answered: the
    profile says whether its country did) and whether the chapter is empty (no
    questionnaire of the cycle at all)."""
    ch.notice(partial=False)
    return ch.empty


def _area(code: str) -> str:
    return crime_area(code).label


def _date(iso: str | None) -> str:
    """An ISO date as the report writes dates: ``2018-05-05`` → ``5 May 2018``.

    >>> _date("2018-05-05"), _date(None)
    ('5 May 2018', '')
    """
    if not iso:
        return ""
    d = pd.Timestamp(iso)
    return f"{d.day} {d:%B %Y}"


@dataclass(frozen=True)
class _Threats:
    """A profile's main threats and how they were chosen: ``scores`` (its threat scores,
    highest first), ``published`` (its share of the published figures: a public edition
    that does not rank member states) or ``reported`` (the areas it reported, when there
    are no scores to compare with); ``table``: :func:`threat_profile` when by scores."""

    areas: tuple[str, ...]
    how: str
    table: pd.DataFrame


def _threats(ch: Chapter, code: str) -> _Threats:
    """The country's main threats (computed once per chapter and country)."""
    cache: dict[str, _Threats] = getattr(ch, "_profile_threats", None) or {}
    if code in cache:
        return cache[code]
    everyone = ch.threat()
    table = threat_profile(everyone, code)
    comparable = everyone["country"].nunique() >= _sections().MIN_COUNTRIES
    if ch.rank_countries and comparable and len(table):
        found = _Threats(tuple(top_threats(everyone, code)), "scores", table)
    elif ch.public:
        found = _Threats(tuple(published_top_areas(ch.table("indicators"), code,
                                                   cycle=ch.cycle.code)), "published", table)
    else:
        found = _Threats(tuple(published_top_areas(ch.rows("indicators"), code,
                                                   cycle=ch.cycle.code)), "reported", table)
    cache[code] = found
    object.__setattr__(ch, "_profile_threats", cache)
    return found


# ----------------------------------------------------------------------------- intro
def profile_intro(ch: Chapter) -> None:
    """Annex A's opening paragraph: what a country profile shows in this edition (threat
    scores against the regional median only where it may rank member states, and where
    more than one country answered, so that there is a median to compare with)."""
    rest = ("its groups and routes counted, the GI-TOC scores that match its threats, how "
            "complete its return is, and what it wrote.")
    if ch.rank_countries and len(ch.received or ()) > 1:
        ch.say("One member country: its main threats (the crime areas of its highest threat "
               "scores, against the regional median) with the findings about them and "
               "charts; " + rest)
    elif ch.public:
        ch.say("One member country: the crime areas in which its published figures are the "
               "largest share of the region's, with charts; " + rest)
    else:
        ch.say("One member country: the crime areas it reported, with the findings about "
               "them and charts; " + rest)


# ----------------------------------------------------------------------------- overview
def profile_overview(ch: Chapter, code: str) -> None:
    """What the country returned and its main threats: in an edition that ranks member
    states, its threat scores against the regional median (a table of every area it is
    scored on, highest first); otherwise the areas in which its published figures are
    the largest share of the region's."""
    if _skip(ch):
        return
    s = _sections()
    name = ch.name(code)
    ind = totals(ch.table("indicators", all_cycles=True))
    mine = ind[ind["country"] == code]
    if code not in (ch.received or ()):
        ch.say("{name} has not returned the questionnaire of cycle {cycle} yet." if not ch.public
               else "No questionnaire of {name} for cycle {cycle} is in this version.",
               name=name, cycle=ch.cycle.code)
        if mine.empty:
            return
    if ch.public:
        shown = mine[mine["value"].notna()]
        ch.say("This edition publishes {n} of {name} over {k}; {w} withheld.",
               name=name, n=s._plural(len(shown), "indicator value"),
               k=s._plural(shown["cycle"].nunique(), "cycle"),
               w=s._plural(len(mine) - len(shown), "further value is", "further values are"))
    else:
        ch.say("{name} returned {n} over {k}.", name=name,
               n=s._plural(len(mine), "indicator row"), k=s._plural(mine["cycle"].nunique(),
                                                                  "cycle"),
               nd=bool(mine["nd"].any()))
    found = _threats(ch, code)
    if not found.areas:
        ch.say("{name} reported no indicator of a scored crime area for {cycle}.",
               name=name, cycle=ch.cycle.code)
        return
    labels = [_area(a).lower() for a in found.areas]
    if found.how == "scores":
        t = found.table.set_index("crime_area")
        parts = [f"{lab} ({t.loc[a, 'value']:.1f})" for a, lab in zip(found.areas, labels,
                                                                         strict=True)]
        nd = bool(t.loc[list(found.areas), "nd"].any())
        ch.say("Its main threats, the crime areas of its highest threat scores for {cycle} "
               "(0-10, as in chapter 2): " + s._and([f"{{p{i}}}" for i in range(len(parts))])
               + ". This profile describes them first.", cycle=ch.cycle.code, nd=nd,
               **{f"p{i}": p for i, p in enumerate(parts)})
        _threat_table(ch, code, found.table)
        return
    if found.how == "published":
        ch.say("The public edition does not publish threat scores by country; chapter 2 "
               "counts the member states in each band. This profile describes the crime "
               "areas in which the published figures of {name} for {cycle} are the largest "
               "share of the region's: {areas}.", name=name, cycle=ch.cycle.code,
               areas=s._and(labels))
        return
    s._comparable(ch, ch.threat())
    ch.say("This profile describes the crime areas {name} reported for {cycle}: {areas}.",
           name=name, cycle=ch.cycle.code, areas=s._and(labels))


def _threat_table(ch: Chapter, code: str, table: pd.DataFrame) -> None:
    """Every area the country is scored on, highest first, against the regional median."""
    name = ch.name(code)
    shown = pd.DataFrame({
        "Rank": table["rank"], "Crime area": table["crime_area"].map(_area),
        name: table["value"].round(1), "Regional median": table["median"].round(1),
        "Members scored": table["scored"]})
    marks = pd.DataFrame(False, index=shown.index, columns=shown.columns)
    marks[name] = table["nd"].to_numpy()
    marks["Regional median"] = table["nd"].to_numpy()
    ch.show_table(shown, f"{name}: threat scores (0-10) against the regional median, "
                  f"{ch.cycle.code}, highest first", source="submissions", nd=marks,
                  key=f"tab:profile:{code}:threat",
                  data=ch.source_rows(ch.threat_rows(), country=code))


# ----------------------------------------------------------------------------- threats
def _finding_notes(ch: Chapter, found: list[Finding]) -> None:
    """Findings as numbered paragraphs, each linked to its entry in Annex C. A finding
    about several countries (a regional trend, a change on the previous cycle) is said
    as the region's, not as the country's chart beside it."""
    if not found:
        return
    parts = [('<p class="finding-note regional">Across the region: ' if len(f.countries) > 1
              else '<p class="finding-note">')
             + f'<a class="finding-ref" href="#{finding_anchor(f.key)}">F{f.number}</a> '
             f"{html.escape(f.statement)}{nd_mark() if f.nd else ''}</p>" for f in found]
    _context._html("".join(parts))


def _own_sentence(ch: Chapter, code: str, area: str, indicator: str) -> None:
    """The country's value in the last year it reported and its share of the regional
    total of every member (restricted edition: the public one's country cells are in its
    tables)."""
    s = _sections()
    share = own_share(ch.threat_rows(), code, area, indicator, cycle=ch.cycle.code)
    if share is None:
        return
    unit = s._unit(indicator, ch)
    ch.say("{what} in {name}, {year}: {value}, {share} of the regional total ({k} of {n} "
           "member countries reporting).", name=ch.name(code),
           value=fmt_value(share.value, unit if unit != "count" else None),
           what=s._label(indicator, ch), year=str(share.year),
           share=fmt_share(share.share, digits=1 if share.share < 0.01 else 0),
           k=share.reporting, n=len(MEMBER_CODES),
           nd=share.nd)


def profile_threats(ch: Chapter, code: str) -> None:
    """For each of the country's main threats: a heading, the findings that name it
    (restricted edition), a chart of the area's indicator for the country over every
    cycle in the store (:func:`octasee.analysis.profiles.chart_indicator`: the public
    edition draws published values only, a gap where one is withheld); then its key
    indicators by year, the same indicators in one table."""
    from octasee.charts import trend_band  # lazy: plotly, ~180 ms on import

    if _skip(ch):
        return
    s = _sections()
    found = _threats(ch, code)
    if not found.areas:
        return
    name = ch.name(code)
    ind = totals(ch.table("indicators", all_cycles=True))
    mine = ind[ind["country"] == code]
    chosen: list[tuple[str, str]] = []
    for area in found.areas:
        rows = mine[mine["crime_area"] == area]
        indicator = chart_indicator(area, rows["indicator"].unique(), cycle=ch.cycle.code)
        ch.heading(_area(area), level=3)
        if not ch.public:
            found = threat_findings(_findings(ch).values(), code, area,
                                    years=ch.cycle.years)
            # a finding that the country dominates the regional total says it already
            if indicator is not None and not any(f.kind == "dominance" for f in found):
                _own_sentence(ch, code, area, indicator)
            _finding_notes(ch, found)
        chapter = chapter_of(area).lstrip("0")
        if indicator is None:
            ch.say("{name} reported no indicator of {what} for {cycle}.", name=name,
                   what=_area(area).lower(), cycle=ch.cycle.code)
            continue
        chosen.append((area, indicator))
        rows = rows[rows["indicator"] == indicator]
        series = (rows.groupby("year", as_index=False)
                  .agg(value=("value", lambda v: v.sum(min_count=1)), nd=("nd", "any"))
                  .sort_values("year"))
        label, unit = s._label(indicator, ch), s._unit(indicator, ch)
        y_title = f"{label} ({unit})" if unit not in ("", "count") else label
        if series["value"].notna().sum() >= s.MIN_YEARS:  # fewer: the table has them all
            fig = trend_band(series.assign(lower=float("nan"), upper=float("nan")), x="year",
                             y="value", lower="lower", upper="upper", x_title="Year",
                             y_title=y_title, unit=unit)
            fig.update_layout(height=CHART_HEIGHT)
            y0, y1 = int(series["year"].min()), int(series["year"].max())
            notes = [unit] if unit not in ("", "count") else []
            if ch.public and series["value"].isna().any():
                notes.append("a gap: a value withheld to protect small counts")
            ch.figure(fig, f"{name}: {label.lower()}, {y0}-{y1}"
                      + (f" ({'; '.join(notes)})" if notes else ""),
                      source="submissions", nd=bool(series["nd"].any()),
                      structures=[(indicator, area)], parts=("cells",),
                      key=f"fig:profile:{code}:{area}", data=ch.source_rows(rows))
        ch.say("Chapter {n} shows the regional picture of {what}.", n=chapter,
               what=_area(area).lower())
    _key_indicators(ch, code, mine, chosen)


def _key_indicators(ch: Chapter, code: str, mine: pd.DataFrame,
                    chosen: list[tuple[str, str]]) -> None:
    """The charted indicators of the main threats in one table, years down (a cycle or
    two of years fit the page's width; years across did not)."""
    s = _sections()
    sel = pd.concat([mine[(mine["crime_area"] == a) & (mine["indicator"] == i)]
                     for a, i in chosen], ignore_index=True) if chosen else mine.head(0)
    if sel.empty:
        return
    sel = sel.assign(column=sel["crime_area"] + ":" + sel["indicator"])
    values, markers, nd = s._wide(sel, index="year", columns="column")
    order = [f"{a}:{i}" for a, i in chosen if f"{a}:{i}" in values.columns]

    def head(col: str) -> str:
        area, ind = col.split(":", 1)
        unit = s._unit(ind, ch)
        text = s._label(ind, ch) + (f" ({unit})" if unit not in ("", "count") else "")
        try:
            own = area in (spec_for(ch.cycle.code).indicator(ind).areas or ())
        except KeyError:
            own = False
        # an indicator of every area (cases, arrests) says which area it counts
        return text if own else f"{text}, {_area(area).lower()}"

    labels = {c: head(c) for c in order}
    frames = [f[order].rename(columns=labels).rename_axis("Year").reset_index()
              for f in (values, markers, nd)]
    frames[1] = frames[1].astype(object)  # markers: text, or None
    frames[1]["Year"], frames[2]["Year"] = None, False
    structures = sorted({(i, a) for a, i in chosen})
    ch.show_table(frames[0], f"{ch.name(code)}: key indicators by year",
                  source="submissions", markers=frames[1], nd=frames[2],
                  structures=structures, key=f"tab:profile:{code}",
                  data=ch.source_rows(sel.drop(columns="column")))


# ----------------------------------------------------------------------------- networks
def profile_networks(ch: Chapter, code: str) -> None:
    """The country's groups and routes of the cycle, counted.

    Groups: how many have each attribute, from every group it reported in both editions
    (chapter 3 counts the same way); the public edition hides counts from 1 to
    ``threshold - 1`` with a complement in their row (and says nothing when it reported
    fewer than ``threshold`` groups), and names no group. Routes: per crime area, how
    many, by which means of transport and through which countries (the public edition:
    those not marked not for dissemination, as its route charts)."""
    if _skip(ch):
        return
    ch.heading("Groups and routes", level=3)
    _groups(ch, code)
    _routes(ch, code)


def _groups(ch: Chapter, code: str) -> None:
    s = _sections()
    name, t = ch.name(code), ch.threshold
    rows = ch.all_rows("ocgs")
    p = country_groups(rows, code, cycle=ch.cycle.code)
    if p.groups == 0:
        ch.say("{name} reported no organised crime group for {cycle}.", name=name,
               cycle=ch.cycle.code)
        return
    if ch.public and p.groups < t:
        ch.say("{name} reported fewer than {t} organised crime groups for {cycle}: the "
               "public edition does not describe them.", name=name, t=t, cycle=ch.cycle.code)
        return
    areas = [_label_of_area(a) for a, _ in p.areas[:3]]
    kinds = [k for k, _ in p.structures[:2]]
    if ch.public:
        ch.say("{name} reported {n} organised crime groups for {cycle}, most often active in "
               "{areas}.", name=name, n=p.groups, cycle=ch.cycle.code, areas=s._and(areas))
    else:
        counted = [f"{_label_of_area(a)} ({k})" for a, k in p.areas[:3]]
        shapes = [f"{k} ({n})" for k, n in p.structures[:2]]
        ch.say("{name} reported {n} for {cycle}, most often active in {areas}"
               + ("; most common structures: {kinds}." if kinds else "."), name=name,
               n=s._plural(p.groups, "organised crime group"), cycle=ch.cycle.code,
               areas=s._and(counted), kinds=s._and(shapes), nd=p.nd)
    a = p.attributes
    table = pd.DataFrame({"Groups that": a["label"], "Yes": a["yes"], "No": a["no"],
                          "Not known": a["unknown"]})
    known = a["yes"] + a["no"]
    table["Yes, % of known"] = (100 * a["yes"] / known.where(known > 0)).round()
    markers = None
    if ch.public:
        marks = []
        for i, r in a.iterrows():
            counts = {"Yes": int(r["yes"]), "No": int(r["no"]), "Not known": int(r["unknown"])}
            kept, whole = protect_counts(counts, threshold=t)
            row = {}
            for col, v in counts.items():
                hidden = kept[col] is None or not whole
                row[col] = None if not hidden else f"<{t}" if 0 < v < t and whole else "x"
                if hidden:
                    table.loc[i, col] = float("nan")
            if row["Yes"] or row["No"]:  # a share of hidden counts would give them back
                row["Yes, % of known"] = "x"
                table.loc[i, "Yes, % of known"] = float("nan")
            marks.append(row)
        markers = (pd.DataFrame(marks, index=table.index).reindex(columns=table.columns)
                   .astype(object))
    marks_nd = None
    if not ch.public and p.nd:
        marks_nd = pd.DataFrame(True, index=table.index, columns=table.columns)
        marks_nd["Groups that"] = False
    ch.show_table(table, f"{name}: organised crime groups by attribute, {ch.cycle.code} "
                  "(number of groups)", source="submissions", markers=markers, nd=marks_nd,
                  key=f"tab:profile:{code}:groups",
                  data=None if ch.public else ch.source_rows(
                      rows[(rows["country"] == code)]))


def _label_of_area(text: str) -> str:
    """A crime area's label in lower case (a code or a name a group's row gives)."""
    try:
        return crime_area(text).label.lower()
    except OctaseeError:  # a free-text area the taxonomy does not know
        return text


def _routes(ch: Chapter, code: str) -> None:
    s = _sections()
    name = ch.name(code)
    rows = ch.rows("routes")
    t = country_routes(rows, code, cycle=ch.cycle.code)
    if t.empty:
        ch.say("{name} reported no route for {cycle}" + (" that this edition may show."
                                                         if ch.public else "."),
               name=name, cycle=ch.cycle.code)
        return
    ch.say("{name} reported {n} in {k}.", name=name, n=s._plural(int(t["routes"].sum()),
                                                                  "route"),
           k=s._plural(len(t), "crime area"), nd=bool(t["nd"].any()))
    shown = pd.DataFrame({"Crime area": t["crime_area"].map(_label_of_area).str.capitalize(),
                          "Routes": t["routes"], "Means of transport": t["transport"],
                          "Transit countries most named": t["transit"]})
    marks = pd.DataFrame(False, index=shown.index, columns=shown.columns)
    marks["Routes"] = t["nd"].to_numpy()
    ch.show_table(shown, f"{name}: routes reported for {ch.cycle.code} by crime area",
                  source="submissions", nd=marks, key=f"tab:profile:{code}:routes",
                  data=ch.source_rows(rows[rows["country"] == code]))


# ----------------------------------------------------------------------------- GI-TOC
def profile_gitoc(ch: Chapter, code: str) -> None:
    """The country's GI-TOC scores that match its main threats: criminality, the markets
    of its main threats' areas, resilience and the resilience indicators those areas name
    (reference data, ``crime_areas.csv``), in every edition the cycle's report tabulates;
    the note says which editions are later than the cycle. A public source: shown in both
    editions, and in a chapter of a cycle with no questionnaire yet (then with the
    composites only)."""
    ch.notice(partial=False)
    name = ch.name(code)
    ed = editions(ch.cycle, ch.workspace)
    areas = list(_threats(ch, code).areas) if not ch.empty else []
    scores = country_scores(code, areas, ed.gitoc_tables)
    if scores.empty:
        ch.say("The GI-TOC Global Organized Crime Index does not score {name}.", name=name)
        return
    shown = sorted({int(e) for e in scores["edition"]})
    # In the order of the latest edition (which has every market of the earlier ones).
    keys = list(dict.fromkeys(
        (i, m) for e in reversed(shown) for i, m in
        zip(scores.loc[scores["edition"] == e, "indicator"],
            scores.loc[scores["edition"] == e, "matches"], strict=True)))
    table = pd.DataFrame({
        "Indicator": [i for i, _ in keys],
        "Matches": [_sections()._and([_area(a).lower() for a in m]).capitalize() if m
                    else "Overall" for _, m in keys]})
    for e in shown:
        part = scores[scores["edition"] == e].set_index("indicator")["value"]
        table[str(e)] = [part.get(i, float("nan")) for i, _ in keys]
    unmatched = [a for a in areas
                 if not ((scores["crime_area"] == a) & (scores["kind"] == "market")).any()]
    label = _sections()._and([str(e) for e in shown])
    ch.show_table(table, f"{name}: GI-TOC scores matching its main threats, {label} "
                  f"edition{'s' if len(shown) > 1 else ''} (1-10; resilience: 10 is the "
                  "strongest)", source="gitoc", note=editions_note(ed, shown),
                  key=f"tab:profile:{code}:gitoc:markets",
                  data=scores.assign(matches=scores["matches"].map(";".join)))
    if unmatched:
        ch.say("GI-TOC scores no criminal market that matches {areas}.",
               areas=_sections()._and([_area(a).lower() for a in unmatched]))


# ----------------------------------------------------------------------------- quality
def profile_quality(ch: Chapter, code: str) -> None:
    """A data-quality note computed from the store: whether the questionnaire came in
    late (after the workspace's deadline for the cycle) or is still awaited, whether it
    is partial (sheets left empty), the crime areas the threat scores cover that it gave
    no value for and the years of the cycle without a value in an area it reported, and
    how many of its rows are low-graded (source D or information 4). The public edition
    counts its own rows (those not for dissemination left out; the areas and years from
    the view's cells, withheld ones included) and says nothing about a submission it does
    not show."""
    ch.notice(partial=False)
    s = _sections()
    ch.heading("Data quality", level=3)
    name, cyc = ch.name(code), ch.cycle.code
    status = ch.store.status(cycle=cyc, expected=ch.countries,
                             deadlines={cyc: ch.workspace.deadline(cyc)})
    row = status[(status["country"] == code) & (status["cycle"] == cyc)]
    st = row.iloc[0] if len(row) else pd.Series({"state": "awaited"})
    if ch.public:
        reported = ch.table("indicators")  # cells, those withheld included
    else:
        reported = ch.rows("indicators")
        reported = reported[reported["value"].notna()]
    graded = pd.concat([ch.rows(t)[lambda d: d["country"] == code][
        ["source_reliability", "information_assessment"]]
        for t in ("indicators", "ocgs", "routes", "assessments")], ignore_index=True)
    q = data_quality(st, reported, graded, country=code, cycle=cyc)
    if code not in (ch.received or ()):
        if ch.public or not q.deadline:
            ch.say("No questionnaire of {name} for cycle {cycle} is in this version.",
                   name=name, cycle=cyc)
        elif q.late == "overdue":
            ch.say("{name} has not returned the questionnaire of cycle {cycle}: the "
                   "deadline, {deadline}, has passed.", name=name, cycle=cyc,
                   deadline=_date(q.deadline))
        else:
            ch.say("The questionnaire of {name} for cycle {cycle} is awaited (due "
                   "{deadline}).", name=name, cycle=cyc, deadline=_date(q.deadline))
        return
    if q.late == "late":
        ch.say("Late: {name}'s questionnaire for {cycle} arrived on {submitted}, after the "
               "deadline of {deadline}.", name=name, cycle=cyc, submitted=_date(q.submitted),
               deadline=_date(q.deadline))
    elif q.submitted and q.deadline:
        ch.say("{name}'s questionnaire for {cycle} arrived on {submitted}, by the deadline "
               "of {deadline}.", name=name, cycle=cyc, submitted=_date(q.submitted),
               deadline=_date(q.deadline))
    elif q.submitted:
        ch.say("{name}'s questionnaire for {cycle} arrived on {submitted}.", name=name,
               cycle=cyc, submitted=_date(q.submitted))
    if q.empty_sheets:
        sheets = [SHEETS.get(x, x) for x in q.empty_sheets]
        ch.say("Partial: it left the {sheets} sheet{s} of the questionnaire empty.",
               sheets=s._and(sheets), s="s" if len(sheets) > 1 else "")
    if q.areas_not_reported:
        ch.say("It reported no value for {areas}: {k} of the {m} crime areas the threat "
               "scores cover.",
               areas=s._and([_area(a).lower() for a in q.areas_not_reported]),
               k=len(q.areas_not_reported), m=len(threat_areas()))
    else:
        ch.say("It reported values in every crime area the threat scores cover.")
    if q.years_not_reported:
        parts = [f"{_area(a).lower()} ({s._and([str(y) for y in ys])})"
                 for a, ys in q.years_not_reported]
        ch.say("Years of the cycle without a value in an area it reported: "
               + "; ".join(f"{{p{i}}}" for i in range(len(parts))) + ".",
               **{f"p{i}": p for i, p in enumerate(parts)})
    if q.rows:
        ch.say("{low} of its {rows} graded rows ({share}) are low-graded (source rated D or "
               "information graded 4): what rests on them is said with less confidence."
               if q.low else "None of its {rows} graded rows is low-graded (source rated D "
               "or information graded 4).", low=q.low, rows=q.rows,
               share=fmt_share(q.low_share))


# ----------------------------------------------------------------------------- assessments
def profile_assessments(ch: Chapter, code: str, *, limit: int = 3) -> None:
    """What the country wrote (its situation per crime area), its main threats first, at
    most ``limit`` texts; the public edition leaves out what is marked not for
    dissemination, and a number that could give a withheld figure away
    (:meth:`Chapter.quote`)."""
    if _skip(ch):
        return
    a = ch.rows("assessments")
    a = a[a["country"] == code]
    if a.empty:
        return
    main = list(_threats(ch, code).areas)
    a = a.assign(_o=a["crime_area"].map(lambda x: main.index(x) if x in main else len(main)))
    a = a.sort_values("_o", kind="stable").head(limit)
    name = ch.name(code)
    ch.heading(f"What {name} wrote", level=3)
    for r in a.itertuples():
        ch.quote(r.situation, attribution=f"{name} on {_area(r.crime_area)}", nd=bool(r.nd),
                 country=code, language=r.language if isinstance(r.language, str) else None)


# ----------------------------------------------------------------------------- whole
def country_profile(ch: Chapter, code: str) -> None:
    """Annex A: one member country's whole profile, in the order of this module's
    sections (:func:`profile_overview`, :func:`profile_threats`,
    :func:`profile_networks`, :func:`profile_gitoc`, :func:`profile_quality`,
    :func:`profile_assessments`)."""
    profile_overview(ch, code)
    profile_threats(ch, code)
    profile_networks(ch, code)
    profile_gitoc(ch, code)
    profile_quality(ch, code)
    profile_assessments(ch, code)
