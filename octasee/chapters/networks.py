"""Chapter 3, criminal networks: what the reported organised crime groups look like and
how they operate, in the manner of EU SOCTA 2021 ("x of n groups (p%) use corruption"),
from the group attributes the questionnaire stores. One call per notebook cell:

- :func:`group_profile`: who reported groups, their structure, size, multi-national
  membership and international reach (table), the links abroad most named;
- :func:`group_attributes`: the share of groups that use corruption, violence, legal
  business structures, take counter-measures … (bars), and each graded attribute by
  level (the table the ``networks`` findings cite, ``tab:groups:attributes``);
- :func:`groups_by_crime_area`: the same shares per crime area, as a matrix;
- :func:`groups_by_country`: the same shares per reporting country (a table);
- :func:`ocg_overview`: Sleipnir and SOCTA-like scores as distributions; in the
  restricted edition the highest-scoring groups, one line each, with a caveat on
  low-graded items; in the public edition the groups per band of the Sleipnir scale;
- :func:`explore_groups`: the group explorer (restricted edition, JupyterLab).

The numbers come from :mod:`octasee.analysis.networks`. Every share is printed with its
n (the groups whose value is known) and the unknowns beside it. Both editions count
every reported group, rows not for dissemination included (the public one never counts
fewer rows); the public edition names no group and prints no per-group score or grading;
a count of groups from 1 to ``threshold - 1`` is shown as ``<threshold`` with a
complementary ``x`` (:func:`~octasee.chapters.disclosure.protect_counts`), and a share
only where the counts it rests on are printed or could be worked out from printed cells.

A selection with no group gets one sentence, once per chapter, never an error.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from octasee.analysis.format import fmt_count, fmt_share
from octasee.analysis.networks import (
    BINARY_ITEMS,
    ITEMS,
    LEVELS,
    LOW_INFORMATION,
    group_coverage,
    group_values,
    links_abroad,
    score_distribution,
    shares,
    top_groups,
)
from octasee.analysis.networks import group_attributes as attribute_counts
from octasee.chapters.context import Chapter
from octasee.chapters.disclosure import (
    BANDS,
    band,
    band_edges,
    protect_counts,
)
from octasee.chapters.disclosure import (
    count_marker as _marker,
)
from octasee.chapters.disclosure import (
    protected_counts as _protect,
)
from octasee.errors import ReferenceDataError
from octasee.reference import country_name, crime_area

__all__ = ["SLEIPNIR_MAX", "TOP_GROUPS", "explore_groups", "group_attributes",
           "group_profile", "groups_by_country", "groups_by_crime_area", "ocg_overview"]

#: The Sleipnir scale's maximum (bands: its thirds).
SLEIPNIR_MAX = 760
#: How many of the highest-scoring groups the restricted edition names.
TOP_GROUPS = 10
#: Short names of the items in the crime-area matrix and the country table.
SHORT = {"multinational": "Multi-national", "international_reach": "International reach",
         "corruption": "Corruption", "violence": "Violence",
         "legal_business_structures": "Legal business structures",
         "counter_measures": "Counter-measures"}
_ITEM = {i.key: i for i in ITEMS}
#: How the table names a value of each item.
_VALUE_LABELS = {
    "multinational": {"yes": "more than one nationality", "no": "one nationality"},
    "international_reach": {"yes": "links abroad or an international dimension",
                            "no": "neither"},
}
NO_GROUPS = "No organised crime group was reported for this selection in cycle {cycle}."

F = TypeVar("F", bound=Callable[..., Any])


def _section(*, empty: Callable[[Chapter], Any] | None = None) -> Callable[[F], F]:
    """Make a function a chapter section, as :func:`octasee.chapters.sections._section`
    does (kept here so that this module does not import the sections it is re-exported
    from): the chapter's notice first, once per chapter; in an empty chapter nothing
    more (``empty(ch)`` or None is returned)."""
    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        def section(ch: Chapter, *args: Any, **kwargs: Any) -> Any:
            ch.notice()
            if ch.empty:
                return empty(ch) if empty is not None else None
            return fn(ch, *args, **kwargs)
        return section  # type: ignore[return-value]
    return wrap


def _plural(n: int, word: str, many: str | None = None) -> str:
    """``1 group``, ``2 groups``.

    >>> _plural(1, "country", "countries"), _plural(3, "group")
    ('1 country', '3 groups')
    """
    return f"{n:,} {word if n == 1 else many or word + 's'}"


def _and(items: Sequence[str]) -> str:
    """"a", "a and b", "a, b and c".

    >>> _and(["a"]), _and(["a", "b", "c"])
    ('a', 'a, b and c')
    """
    items = list(items)
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def _groups(ch: Chapter) -> pd.DataFrame:
    """Every group of the chapter's countries and cycle, in both editions (with ``nd``)."""
    g = ch.all_rows("ocgs")
    if "cycle" in g.columns:
        g = g[g["cycle"] == ch.cycle.code]
    return g[g["country"].isin(ch.countries)].reset_index(drop=True)


def _no_groups(ch: Chapter, g: pd.DataFrame) -> bool:
    """Whether there is no group to describe; if so, says so once per chapter."""
    if len(g):
        return False
    # Once per chapter: every section of chapter 3 would say the same.
    if not getattr(ch, "_networks_no_groups_said", False):
        ch._networks_no_groups_said = True  # type: ignore[attr-defined]
        ch.say(NO_GROUPS, cycle=ch.cycle.code)
    return True


def _few_groups(ch: Chapter, n: int) -> bool:
    """In the public edition, whether there are too few groups to describe (fewer than
    the threshold); if so, says so once per chapter."""
    if not ch.public or n >= ch.threshold:
        return False
    if not getattr(ch, "_networks_few_said", False):
        ch._networks_few_said = True  # type: ignore[attr-defined]
        ch.say("Fewer than {t} organised crime groups were reported for this selection: "
               "the public edition does not describe them.", t=ch.threshold)
    return True


def _kinds(kind: str, n: int) -> str:
    """A structure, counted: ``1 core group``, ``2 standard hierarchies``.

    >>> _kinds("standard hierarchy", 2), _kinds("core group", 1)
    ('2 standard hierarchies', '1 core group')
    """
    many = kind[:-1] + "ies" if kind.endswith("y") else kind + "s"
    return f"{n:,} {kind if n == 1 else many}"


def _unknown(n: int) -> str:
    """`` (n not known)``, or nothing when every value is known."""
    return f" ({fmt_count(n)} not known)" if n else ""


def _pct(share: float) -> str:
    return fmt_share(share) if share == share else ""


def _source_rows(ch: Chapter, g: pd.DataFrame) -> pd.DataFrame:
    """The group rows behind a table or figure (restricted edition's data file)."""
    return ch.source_rows(g)


# ----------------------------------------------------------------------------- profile


def _item_counts(sh: pd.DataFrame, item: str) -> dict[str, int]:
    """An item's counts per value and ``unknown`` (one cell of :func:`shares`)."""
    rows = sh[sh["item"] == item]
    counts = {str(v): int(c) for v, c in zip(rows["value"], rows["count"], strict=True)}
    counts["unknown"] = int(rows["unknown"].iloc[0]) if len(rows) else 0
    return counts


def _public_binary(ch: Chapter, sh: pd.DataFrame, levels: pd.DataFrame) -> dict[str, bool]:
    """Per binary item, whether the public edition may print its share: for a graded
    attribute, when its level row prints the groups rated Nil and those unknown (the
    share is then a function of printed cells); for the others, when its yes, no and
    unknown counts are all printed (as :func:`group_profile` prints them)."""
    t = ch.threshold
    out = {}
    for key in BINARY_ITEMS:
        item = _ITEM[key]
        if item.kind == "graded":
            row = levels[levels["attribute"] == key]
            if row.empty:
                out[key] = False
                continue
            kept = _protect({lv: int(row.iloc[0][lv]) for lv in LEVELS}, t)
            out[key] = kept["nil"] is not None and kept["unknown"] is not None
        else:
            kept = _protect(_item_counts(sh, key), t)
            out[key] = all(v is not None for v in kept.values())
    return out


@_section()
def group_profile(ch: Chapter) -> None:
    """Who reported groups, and how the groups are organised: structure, size band,
    multi-national membership and international reach, each value with the groups that
    have it and its share of those whose value is known, the unknowns in a row of their
    own; then the countries most often named as links abroad."""
    g = _groups(ch)
    cover = group_coverage(g, countries=ch.countries)
    if _no_groups(ch, g):
        return
    n = len(g)
    reporting = cover[cover["groups"] > 0]
    silent = cover[cover["groups"] == 0]
    if len(ch.countries) > 1 and len(silent):
        ch.say("{k} of the {m} countries of this selection reported organised crime groups "
               "for {cycle}; {none} reported none.", k=len(reporting), m=len(ch.countries),
               cycle=ch.cycle.code, none=ch.names(silent["country"]))
    elif len(ch.countries) > 1:
        ch.say("All {m} countries of this selection reported organised crime groups for "
               "{cycle}.", m=len(ch.countries), cycle=ch.cycle.code)
    if _few_groups(ch, n):
        return
    sh = shares(g, cycle=ch.cycle.code)
    t = ch.threshold
    rows, marks, nd_rows = [], [], []
    for key in ("structure", "size", "multinational", "international_reach"):
        item = _ITEM[key]
        part = sh[sh["item"] == key]
        counts = _item_counts(sh, key)
        kept = _protect(counts, t) if ch.public else dict(counts)
        unknown_ok = kept["unknown"] is not None
        names = _VALUE_LABELS.get(key, {})
        for i, r in enumerate(part.itertuples()):
            shown = kept[r.value]
            share_ok = shown is not None and unknown_ok and r.known > 0
            rows.append({"Characteristic": item.label if i == 0 else "",
                         "Value": names.get(r.value, r.value),
                         "Groups": shown if shown is not None else np.nan,
                         "Share of known": _pct(r.share) if share_ok else ""})
            marks.append({"Groups": _marker(r.count, shown, t),
                          "Share of known": None if share_ok or r.known == 0 else "x"})
            nd_rows.append((bool(r.nd_value), bool(r.nd_known) and share_ok))
        unknown = counts["unknown"]
        rows.append({"Characteristic": "", "Value": "not known or not given",
                     "Groups": kept["unknown"] if unknown_ok else np.nan,
                     "Share of known": ""})
        marks.append({"Groups": _marker(unknown, kept["unknown"], t), "Share of known": None})
        nd_rows.append((bool(part["nd_unknown"].any()), False))
    table = pd.DataFrame(rows)
    markers = pd.DataFrame(marks, index=table.index).reindex(columns=table.columns).astype(object)
    nd = pd.DataFrame(False, index=table.index, columns=table.columns)
    nd["Groups"] = [a for a, _ in nd_rows]
    nd["Share of known"] = [b for _, b in nd_rows]
    _say_structure(ch, sh, n)
    ch.show_table(table, f"Organised crime groups by structure, size, nationality and "
                  f"reach, {ch.cycle.code} (share: of the groups whose value is known)",
                  source="submissions", markers=markers if ch.public else None, nd=nd,
                  note=f"Structures as the questionnaire offers them (UNODC typology); "
                  f"size: the estimated number of members. Of {n} groups in all.",
                  key="tab:groups:structure", data=_source_rows(ch, g))
    _say_links(ch, g, sh)


def _say_structure(ch: Chapter, sh: pd.DataFrame, n: int) -> None:
    """The sentence on structures and sizes (restricted: with counts; public: only the
    shares the table prints)."""
    st = sh[sh["item"] == "structure"]
    known = int(st["known"].iloc[0])
    if not known:
        ch.say("The structure of none of the {n} groups is known.", n=n)
        return
    hier = st[st["value"].str.endswith("hierarchy")]
    top = st.sort_values("count", ascending=False, kind="stable").iloc[0]
    size = sh[sh["item"] == "size"]
    sized = int(size["known"].iloc[0])
    big = size.sort_values("count", ascending=False, kind="stable").iloc[0]
    if ch.public:
        counts = _item_counts(sh, "structure")
        kept = _protect(counts, ch.threshold)
        if kept[top["value"]] is None or kept["unknown"] is None:
            return
        ch.say("The most common structure is the {kind}: {p} of the groups whose structure "
               "is known.", kind=top["value"], p=fmt_share(top["share"]))
        return
    h = int(hier["count"].sum())
    core = st[st["value"] == "core group"].iloc[0]
    unk = int(st["unknown"].iloc[0])
    ch.say(("The structure is known for {known} of the {n} groups{unk}: {top} ({p}), "
            "{pall} of all the groups reported; " if unk else
            "The structure of all {n} groups is known: {top} ({p}); ")
           + "{h} ({ph}) are hierarchies of one kind or another (standard, regional or "
           "clustered) and {core} ({pc}).", n=n, known=known,
           top=_kinds(str(top["value"]), int(top["count"])), p=fmt_share(top["share"]),
           pall=fmt_share(top["count"] / n), h=h, ph=fmt_share(h / known),
           core=_kinds("core group", int(core["count"])), pc=fmt_share(core["share"]),
           unk=_unknown(unk), nd=bool(st["nd"].any()))
    if sized:
        ch.say("The size is given for {k} of them: {c} ({p}) have {band} members, the most "
               "common band.", k=sized, c=int(big["count"]), p=fmt_share(big["share"]),
               band=big["value"])


def _say_links(ch: Chapter, g: pd.DataFrame, sh: pd.DataFrame) -> None:
    """How many groups name links abroad, and the countries most often named (public:
    the count only if the table's reach counts are printed, and the countries named by
    at least ``threshold`` groups)."""
    values = group_values(g)
    named = int(values["links_abroad"].map(bool).sum())
    links = links_abroad(g)
    if links.empty:
        return
    n = len(g)
    if ch.public:
        links = links[links["groups"] >= ch.threshold]
        small = 0 < named < ch.threshold or 0 < n - named < ch.threshold
        lead = "" if small else f"{fmt_share(named / n)} of the groups name links abroad. "
    else:
        lead = (f"{named} of the {n} groups ({fmt_share(named / n)}) name links abroad"
                + (f"; for the other {n - named} none is named. " if n > named else ". "))
    # "Most often" only when a country is named by more than one group.
    top = links.head(3) if len(links) and int(links["groups"].iloc[0]) > 1 else links.head(0)
    parts = [f"{_name(c)} ({_plural(int(k), 'group')})" for c, k in
             zip(top["country"], top["groups"], strict=True)]
    if not parts:
        if lead:
            ch.say(lead.strip())
        return
    ch.say(lead + "The countries most often named are {parts}.", parts=_and(parts),
           nd=bool(values["nd"].any()) and not ch.public)


def _name(code: str) -> str:
    """A country's name, or the text as written when the reference does not know it."""
    try:
        return country_name(str(code))
    except ReferenceDataError:  # a free-text place the reference does not know
        return str(code)


# ----------------------------------------------------------------------------- attributes


def _share_text(ch: Chapter, r: Any, printable: bool) -> str:
    """The text beside a bar: the share with its n and the unknowns (public: the share
    only, or why there is none)."""
    if not r.asked:
        return f"not asked in the {ch.cycle.code} questionnaire"
    if not r.known:
        return f"no group rated ({r.unknown} unknown)"
    if ch.public:
        return fmt_share(r.share) if printable else "withheld (small counts)"
    return f"{fmt_share(r.share)}: {r.count} of {r.known}{_unknown(r.unknown)}"


@_section()
def group_attributes(ch: Chapter) -> None:
    """How the groups operate: the share of groups with members of several
    nationalities, international reach, use of corruption, of violence, of legal business
    structures, and counter-measures against law enforcement (bars: each with its n and
    unknowns), then each graded attribute by level
    (:func:`octasee.analysis.networks.group_attributes`), in both editions from every
    reported group. The public edition hides counts from 1 to ``threshold - 1`` with a
    complement in their row, so that no row gives one back, and prints a share only
    where the row prints the groups rated Nil and those unknown."""
    from octasee.charts.networks import share_bars  # lazy: plotly, ~180 ms on import

    g = _groups(ch)
    if _no_groups(ch, g) or _few_groups(ch, len(g)):
        return
    sh = shares(g, cycle=ch.cycle.code)
    levels = attribute_counts(g, cycle=ch.cycle.code, countries=ch.countries)
    ok = (_public_binary(ch, sh, levels) if ch.public
          else dict.fromkeys(BINARY_ITEMS, True))
    yes = sh[sh["item"].isin(BINARY_ITEMS) & (sh["value"] == "yes")].reset_index(drop=True)
    nd = bool(yes["nd"].any())
    _say_attributes(ch, yes, ok, len(g))
    bars = pd.DataFrame({
        "label": yes["label"],
        "share": [r.share if r.asked and r.known and ok[r.item] else np.nan
                  for r in yes.itertuples()],
        "text": [_share_text(ch, r, ok[r.item]) for r in yes.itertuples()]})
    ch.figure(share_bars(bars), f"Share of the organised crime groups that show each "
              f"attribute, {ch.cycle.code} (of the groups whose value is known; a graded "
              "attribute counts at Low, Medium or High)", source="submissions", nd=nd,
              key="fig:groups:shares", data=_source_rows(ch, g))
    _level_table(ch, g, levels)


def _say_attributes(ch: Chapter, yes: pd.DataFrame, ok: Mapping[str, bool], n: int) -> None:
    """"Of the n groups: x of k (p%) use corruption (u not known); …" (public: the
    shares it may print, and which it withholds)."""
    said, withheld, unasked = [], [], []
    for r in yes.itertuples():
        item = _ITEM[r.item]
        if not r.asked:
            unasked.append(item.label.lower())
        elif not r.known:
            continue
        elif ch.public and not ok[r.item]:
            withheld.append(item.label.lower())
        elif ch.public:
            said.append(f"{fmt_share(r.share)} of those whose value is known {item.words}")
        else:
            said.append(f"{fmt_count(r.count)} of the {fmt_count(r.known)} whose value is "
                        f"known ({fmt_share(r.share)}) {item.words}{_unknown(r.unknown)}")
    if said:
        ch.say("Of the {n} groups reported for {cycle}, " + "; ".join(
            f"{{s{i}}}" for i in range(len(said))) + ".", n=n, cycle=ch.cycle.code,
            nd=bool(yes["nd"].any()) and not ch.public,
            **{f"s{i}": s for i, s in enumerate(said)})
    if withheld:
        ch.say("The shares of {what} are withheld: they would give back a count of "
               "groups under {t}.", what=_and(withheld), t=ch.threshold)
    if unasked:
        ch.say("The {cycle} questionnaire did not ask for {what}.", cycle=ch.cycle.code,
               what=_and(unasked))


def _level_table(ch: Chapter, g: pd.DataFrame, table: pd.DataFrame) -> None:
    """Each graded attribute by level (``tab:groups:attributes``, which the networks
    findings cite), with the share of the groups rated that show it."""
    if table.empty or int(table["groups"].max()) == 0:
        return
    share_col = "Show it (% of rated)"
    levels = [lv.capitalize() for lv in LEVELS]
    shown = table.rename(columns={"label": "Attribute", "groups": "Groups",
                                  **{lv: lv.capitalize() for lv in LEVELS}})
    shown[share_col] = [_pct(s) for s in table["share"]]
    shown = shown[["Attribute", *levels, "Groups", share_col]]
    markers = None
    if ch.public:
        t = ch.threshold
        marks = []
        for i, r in table.iterrows():
            counts = {lv: int(r[lv]) for lv in LEVELS}
            kept = _protect(counts, t)
            row: dict[str, str | None] = {lv.capitalize(): _marker(counts[lv], kept[lv], t)
                                          for lv in LEVELS}
            for lv in LEVELS:
                if kept[lv] is None:
                    shown.loc[i, lv.capitalize()] = np.nan
            printable = kept["nil"] is not None and kept["unknown"] is not None
            if not printable and int(r["known"]):
                shown.loc[i, share_col] = ""
                row[share_col] = "x"
            marks.append(row)
        markers = pd.DataFrame(marks, index=shown.index).reindex(columns=shown.columns).astype(
            object)
    ch.show_table(shown, f"Organised crime groups by level of each attribute, {ch.cycle.code} "
                  "(number of groups)", source="submissions", markers=markers,
                  note="Unknown: rated Unknown, not given, or not asked in the cycle's "
                  "questionnaire. The share counts Low, Medium and High, of the groups "
                  "rated Nil to High.",
                  key="tab:groups:attributes", data=_source_rows(ch, g))


# ----------------------------------------------------------------------------- breakdowns


def _cell_text(ch: Chapter, r: Any, *, lines: bool) -> str:
    """A cell of the crime-area matrix or the country table: ``89%`` with ``41 of 46``
    (restricted), ``–`` when nothing is known."""
    if not r.known:
        return "–"
    if ch.public:
        return fmt_share(r.share)
    return f"{fmt_share(r.share)}{chr(10) if lines else ' '}({r.count} of {r.known})"


def _printable_cell(ch: Chapter, r: Any) -> bool:
    """Whether the public edition may print a share of a breakdown cell: the groups with
    and without the attribute each none or at least ``threshold``, and at least
    ``threshold`` groups with a known value (its n is not printed)."""
    t = ch.threshold
    no = r.known - r.count
    return (r.known >= t and (r.count == 0 or r.count >= t) and (no == 0 or no >= t))


def _asked_items(sh: pd.DataFrame) -> list[str]:
    asked = set(sh.loc[sh["asked"], "item"])
    return [k for k in BINARY_ITEMS if k in asked]


@_section()
def groups_by_crime_area(ch: Chapter) -> None:
    """The groups by crime area: per area, how many groups are active in it and the share
    of them showing each attribute (a matrix; a group active in several areas counts in
    each). The public edition prints a share only where the groups with and without the
    attribute number none or at least the threshold, and at least the threshold have a
    known value; an area's number of groups as :func:`protect_counts` allows."""
    from octasee.charts.networks import share_matrix  # lazy: plotly, ~180 ms on import

    g = _groups(ch)
    if _no_groups(ch, g) or _few_groups(ch, len(g)):
        return
    sh = shares(g, cycle=ch.cycle.code, by="crime_area", items=BINARY_ITEMS)
    items = _asked_items(sh)
    sh = sh[sh["item"].isin(items) & (sh["value"] == "yes")]
    per_area = sh.drop_duplicates("crime_area")[["crime_area", "groups"]]
    counts = dict(zip(per_area["crime_area"], per_area["groups"], strict=True))
    kept = _protect(counts, ch.threshold) if ch.public else dict(counts)
    names = {}
    for a in per_area["crime_area"]:
        label = crime_area(a).label if a else "crime area not given"
        k = kept[a]
        names[a] = f"{label} ({k if k is not None else _marker(counts[a], k, ch.threshold)})"
    cells = []
    for r in sh.itertuples():
        printable = not ch.public or (kept[r.crime_area] is not None
                                      and _printable_cell(ch, r))
        cells.append({"row": names[r.crime_area], "column": SHORT[r.item],
                      "share": r.share if printable and r.known else np.nan,
                      "text": _cell_text(ch, r, lines=True) if printable or not r.known
                      else "x"})
    frame = pd.DataFrame(cells)
    busiest = per_area.sort_values("groups", ascending=False, kind="stable").head(3)
    if not ch.public or all(kept[a] is not None for a in busiest["crime_area"]):
        ch.say("Groups were most often reported active in {areas}; a group active in "
               "several crime areas counts in each.", areas=_and([
                   f"{crime_area(a).label.lower() if a else 'no given area'} ({int(k)})"
                   for a, k in zip(busiest["crime_area"], busiest["groups"], strict=True)]))
    fig = share_matrix(frame, rows=list(names.values()),
                       columns=[SHORT[k] for k in items])
    what = ("share of the groups whose value is known, and how many of how many"
            if not ch.public else "share of the groups whose value is known; x: withheld "
            "to protect small counts")
    ch.figure(fig, f"Organised crime groups by crime area and attribute, {ch.cycle.code} "
              f"(in brackets: groups active in the area; cells: {what})",
              source="submissions", nd=bool(sh["nd"].any()), key="fig:groups:areas",
              data=_source_rows(ch, g))


@_section()
def groups_by_country(ch: Chapter) -> None:
    """The groups by reporting country: how many each country reported (none: a row
    that says so) and the share of them showing each attribute. In the public edition
    only where it may name member states (``[disclosure] rank_countries``), with the
    crime-area matrix's rule for small counts."""
    g = _groups(ch)
    if _no_groups(ch, g) or _few_groups(ch, len(g)):
        return
    if ch.public and not ch.rank_countries:
        ch.say("The public edition does not break the groups down by member state: with a "
               "few groups each, most of their counts would be withheld.")
        return
    cover = group_coverage(g, countries=ch.countries)
    sh = shares(g, cycle=ch.cycle.code, by="country", items=BINARY_ITEMS)
    items = _asked_items(sh)
    sh = sh[sh["item"].isin(items) & (sh["value"] == "yes")]
    counts = dict(zip(cover["country"], cover["groups"], strict=True))
    kept = _protect(counts, ch.threshold) if ch.public else dict(counts)
    rows, marks, nds = [], [], []
    for c in cover["country"]:
        mine = sh[sh["country"] == c]
        row: dict[str, Any] = {"Country": ch.name(c),
                               "Groups": kept[c] if kept[c] is not None else np.nan}
        mark: dict[str, str | None] = {"Groups": _marker(counts[c], kept[c], ch.threshold)}
        for k in items:
            r = next(mine[mine["item"] == k].itertuples(), None)
            if r is None:
                row[SHORT[k]] = "–"
                continue
            printable = not ch.public or (kept[c] is not None and _printable_cell(ch, r))
            row[SHORT[k]] = _cell_text(ch, r, lines=False) if printable or not r.known else ""
            mark[SHORT[k]] = None if printable or not r.known else "x"
        rows.append(row)
        marks.append(mark)
        nds.append(bool(mine["nd"].any()))
    table = pd.DataFrame(rows)
    markers = pd.DataFrame(marks, index=table.index).reindex(columns=table.columns).astype(object)
    nd = pd.DataFrame(False, index=table.index, columns=table.columns)
    for col in table.columns[1:]:
        nd[col] = nds
    few = cover[cover["groups"] > 0]["groups"]
    if len(few) > 1:
        ch.say("The countries reported from {lo} to {hi} groups each: a country's shares "
               "describe the groups it chose to report, not its organised crime as a whole, "
               "and rest on few groups.", lo=int(few.min()), hi=int(few.max()))
    ch.show_table(table, f"Organised crime groups by reporting country, {ch.cycle.code} "
                  "(share of the groups whose value is known, and how many of how many)",
                  source="submissions", markers=markers if ch.public else None, nd=nd,
                  key="tab:groups:countries", data=_source_rows(ch, g))


# ----------------------------------------------------------------------------- scores


def _scored_groups(ch: Chapter) -> pd.DataFrame:
    """The chapter's groups scored on the Sleipnir attributes (an empty table if none):
    what the group explorer filters."""
    from octasee.scoring import score_groups  # lazy: ~100 ms on import

    return score_groups(ch.all_rows("ocgs"), "sleipnir").scores


@_section(empty=_scored_groups)
def ocg_overview(ch: Chapter) -> pd.DataFrame:
    """The groups scored: Sleipnir and SOCTA-like scores as distributions (quantiles and
    a histogram of the share of each set's maximum) and, in the restricted edition, the
    highest-scoring groups named, one line each, with a caveat where they rest on
    low-graded information. Returns the Sleipnir scores (for the explorer).

    The public edition says nothing about single groups: how many were reported and how
    many fall in each band of the scale (a count under the threshold hidden), from every
    group of the restricted edition. No quantile either: a median is one group's score.
    """
    from octasee.scoring import score_groups  # lazy: ~100 ms on import

    g = _groups(ch) if ch.public else ch.rows("ocgs")
    if ch.public:
        if _no_groups(ch, g):
            return _scored_groups(ch).head(0)
        ranked = score_groups(g.drop(columns="nd"), "sleipnir").scores
        _public_groups(ch, g, ranked)
        return ranked.head(0)
    if "cycle" in g.columns:
        g = g[g["cycle"] == ch.cycle.code].reset_index(drop=True)
    if _no_groups(ch, g):
        return _scored_groups(ch).head(0)
    ranked = score_groups(g.drop(columns="nd"), "sleipnir").scores
    _distribution(ch, g)
    _top_groups(ch, g)
    return ranked


def _distribution(ch: Chapter, g: pd.DataFrame) -> None:
    """The sentences, the quantile table and the histogram of the scores (restricted)."""
    from octasee.charts.networks import score_histogram  # lazy: plotly, ~180 ms

    dist = score_distribution(g, cycle=ch.cycle.code)
    q = dist.quantiles.set_index("set")
    nd = bool(g["nd"].any())
    s = q.loc["sleipnir"]
    if s["groups"]:
        ch.say("Half of the {n} groups score between {p25} and {p75} of Sleipnir's {top} "
               "points (median {med}; lowest {lo}, highest {hi}). {u} of them have at least "
               "one attribute unknown, which Sleipnir scores as Medium (half the High rating): "
               "their scores may be above or below what full information would give.", n=int(s["groups"]), p25=f"{s['p25']:.0f}",
               p75=f"{s['p75']:.0f}", top=int(s["max_score"]), med=f"{s['median']:.0f}",
               lo=f"{s['min']:.0f}", hi=f"{s['max']:.0f}", u=int(s["with_unknown"]), nd=nd)
    if "socta" in q.index and q.loc["socta"]["groups"]:
        o = q.loc["socta"]
        asked = int(o["asked"])
        ch.say("On the SOCTA-like set (seven attributes rated Nil 0 to High 3, unknown "
               "ratings left out and the rest scaled to all seven) the median group has "
               "{med}% of the maximum." + (" The {cycle} questionnaire asked for {a} of its "
                                            "{k} attributes only." if asked < int(o["attributes"])
                                            else ""),
               med=f"{o['median'] / o['max_score'] * 100:.0f}", cycle=ch.cycle.code,
               a=asked, k=int(o["attributes"]), nd=nd)
    def points(v: float, top: float) -> str:
        # Sleipnir's points are whole; the SOCTA-like set's rescaled ones are not.
        return "–" if v != v else f"{v:.0f}" if top >= 100 else f"{v:.1f}"

    table = pd.DataFrame({
        "Attribute set": q["label"],
        "Maximum (points)": q["max_score"].map(lambda v: f"{v:g}"),
        "Groups scored": q["groups"].astype(int),
        "With unknowns": q["with_unknown"].astype(int),
        **{name: [points(v, top) for v, top in zip(q[col], q["max_score"], strict=True)]
           for name, col in (("Lowest", "min"), ("25th percentile", "p25"),
                             ("Median", "median"), ("75th percentile", "p75"),
                             ("Highest", "max"))}}).reset_index(drop=True)
    ch.show_table(table, f"Scores of the organised crime groups, {ch.cycle.code}: quantiles "
                  "(points of each attribute set)", source="submissions",
                  note="Percentiles interpolate linearly between the groups' scores.",
                  key="tab:groups:distribution", data=_source_rows(ch, g))
    fig = score_histogram(dist.histogram)
    ch.figure(fig, f"Organised crime groups by score, {ch.cycle.code} (bins of 10% of each "
              "set's maximum; dotted: its thirds, the bands of the public edition)",
              source="submissions", nd=nd, key="fig:groups:scores", data=_source_rows(ch, g))


def _one_line(ch: Chapter, r: Any) -> str:
    """One line about a group: structure, size, crime areas, links abroad, unknowns."""
    parts = [r.structure if r.structure != "unknown" else "structure not known"]
    if pd.notna(r.members):
        parts[0] += f", {int(r.members)} members"
    if r.crime_areas:
        parts.append(_and([crime_area(a).label.lower() if _known_area(a) else a
                           for a in r.crime_areas]))
    if r.links_abroad:
        parts.append("links to " + ", ".join(_name(c) for c in r.links_abroad))
    if r.n_unknown:
        parts.append(f"{r.n_unknown} of {r.attributes} attributes unknown")
    return "; ".join(parts)


def _known_area(code: str) -> bool:
    try:
        crime_area(code)
    except Exception:  # a code the reference does not know (kept as written)
        return False
    return True


def _top_groups(ch: Chapter, g: pd.DataFrame) -> None:
    """The highest-scoring groups, named, one line each, with the caveat on low-graded
    items (restricted edition only)."""
    top = top_groups(g, cycle=ch.cycle.code, n=TOP_GROUPS)
    if top.empty:
        return
    table = pd.DataFrame({
        "Rank": top["rank"],
        "Group": [f"{ref} ({name})" if isinstance(name, str) and name.strip() else str(ref)
                  for ref, name in zip(top["group_ref"], top["name"], strict=True)],
        "Country": top["country"].map(ch.name),
        "Sleipnir score (points)": top["score"].map(lambda v: f"{v:.0f}"),
        "Grading": [f"{gr} (low)" if low else gr
                    for gr, low in zip(top["grading"], top["low_graded"], strict=True)],
        "The group in one line": [_one_line(ch, r) for r in top.itertuples()]})
    nd = pd.DataFrame(False, index=table.index, columns=table.columns)
    nd["Group"] = top["nd"].to_numpy(dtype=bool)
    low = top[top["low_graded"]]
    ch.show_table(table, f"The {len(top)} highest-scoring organised crime groups (Sleipnir, "
                  f"maximum {SLEIPNIR_MAX}), {ch.cycle.code}", source="submissions", nd=nd,
                  key="tab:groups:scores", data=_source_rows(ch, g))
    if len(low):
        ch.say("{k} of these {n} {rest} on low-graded information (source reliability D or "
               "X, or information graded {four}): {refs}. Scores and descriptions that rest "
               "on such information are uncorroborated: confirm them before they inform "
               "priorities.", k=len(low), n=len(top), four=LOW_INFORMATION,
               rest="rests" if len(low) == 1 else "rest",
               refs=_and([str(r) for r in low["group_ref"]]), nd=bool(low["nd"].any()))
    else:
        ch.say("None of these {n} rests on low-graded information (source reliability D or "
               "X, or information graded {four}).", n=len(top), four=LOW_INFORMATION)


def _public_groups(ch: Chapter, g: pd.DataFrame, ranked: pd.DataFrame) -> None:
    """:func:`ocg_overview` in the public edition: counts per band, no group."""
    t = ch.threshold
    n = len(g)
    if _few_groups(ch, n):
        return
    scores = ranked["score"].dropna() if "score" in ranked else pd.Series(dtype=float)
    counts = {b: int((scores.map(lambda v: band(float(v), top=SLEIPNIR_MAX)) == b).sum())
              for b in BANDS}
    # The number of groups (and of unscored ones) is the table's total: printed only if
    # the hidden bands stay as wide as their markers say. Other tables print it anyway:
    # when no band can be the complement, every band but an empty one is hidden.
    _, with_total = protect_counts(counts, threshold=t)
    shown = _protect(counts, t)
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


def explore_groups(ch: Chapter, groups: pd.DataFrame) -> Any:
    """The group explorer of the restricted edition; nothing in public (single groups)."""
    if ch.public:
        return None
    from octasee.widgets import ocg_explorer  # lazy: ipywidgets, ~190 ms on import

    return ocg_explorer(groups)
