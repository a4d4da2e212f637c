"""What the chapters do for disclosure control: bands instead of ranks, counts that are
too small to print, and the handling marking of the restricted edition.

The public edition's numbers come from the public view (:mod:`octasee.sdc`); this
module holds what the chapters add on top of it:

- :func:`band` and :func:`band_counts`: threat scores and group scores shown as bands
  (thirds of their scale) and counted, not ranked, when the workspace does not let the
  public edition rank member states (``[disclosure] rank_countries``);
- :func:`protect_counts`: counts of groups (or anything else about single items) from 1
  to ``threshold - 1`` hidden, with a large count hidden as well (or the total withheld),
  so that the total minus the others keeps each of them anywhere in [1, threshold - 1];
- :func:`rate_markers`: a rate of a withheld count is withheld (``x``), never shown with
  the count's ``<5`` (which would read as "a rate under 5");
- :func:`suppress_small`: small counts of a published source (UNODC) printed as ``<5``;
- :data:`ND`, :func:`nd_mark` and :data:`ND_NOTE`: the restricted edition's marking of
  what comes from rows or submissions that member countries marked not for
  dissemination;
- :func:`restricted_indicators`: the rows the public view is made from, read the same
  way by the chapters, the build's release check and the draft's snapshot;
- :func:`published_elsewhere`: the figures the public edition prints from a public
  source for quantities the questionnaire also holds (UNODC's detected victims), which
  the public view must know of (``make_public_view(..., known=...)``).

>>> band(2.0), band(5.0), band(9.9), band(float("nan"))
('low', 'medium', 'high', None)
>>> protect_counts({"low": 40, "medium": 3, "high": 12}, threshold=5)
({'low': 40, 'medium': None, 'high': None}, True)
>>> protect_counts({"low": 3, "medium": 56, "high": 4}, threshold=5)
({'low': None, 'medium': None, 'high': None}, True)
>>> protect_counts({"low": 3, "medium": 5, "high": 0}, threshold=5)
({'low': None, 'medium': 5, 'high': 0}, False)
>>> suppress_small(pd.DataFrame({"n": [12, 3, 0]}), value="n", threshold=5)["n"].tolist()
[12, '<5', 0]
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from octasee.analysis.threat import BANDS, band, band_counts, band_edges
from octasee.errors import DisclosureError, UsageError
from octasee.reference import cycle as get_cycle
from octasee.sdc.audit import across_drafts
from octasee.sdc.rules import DisclosureRules
from octasee.sdc.view import PublicView, make_public_view
from octasee.store import Store

__all__ = [
    "BANDS",
    "EARLIER_ENV",
    "ND",
    "ND_NOTE",
    "band",
    "band_counts",
    "band_edges",
    "count_marker",
    "nd_mark",
    "protect_counts",
    "protected_counts",
    "public_view",
    "published_elsewhere",
    "rate_markers",
    "restricted_indicators",
    "suppress_small",
]

#: The handling marking of content from rows or submissions not for dissemination.
ND = "ND"
ND_NOTE = ("Marked <sup class=\"nd\">ND</sup>: the figure, table cell, paragraph or "
           "judgement rests, in whole or in part, on rows or submissions that member "
           "countries marked not for dissemination. It may not be passed on beyond the "
           "recipients of this restricted edition without the originator's consent; the "
           "public edition leaves such rows out of its text and shows them only inside "
           "published totals.")


def nd_mark(title: str = "not for dissemination") -> str:
    """The ND superscript, as HTML."""
    return f'<sup class="nd" title="{html.escape(title)}">{ND}</sup>'


def protect_counts(counts: Mapping[str, int], *, threshold: int
                   ) -> tuple[dict[str, int | None], bool]:
    """Counts with those from 1 to ``threshold - 1`` hidden (None), and whether their total
    may be published.

    A hidden small count is shown as ``<threshold``: it must stay anywhere in
    [1, threshold - 1] for a reader who knows the total and the other counts. So when a
    count is hidden, the smallest count of at least ``threshold`` that keeps every small
    one that wide is hidden as well (complementary suppression, shown as ``x``: at least
    ``threshold``, nothing more); a second small count would not do (two ``<5`` that add
    up to 7 are each 3 or 4). If no count is large enough, the total is withheld instead
    (False). Zero stays zero.

    With ``k`` small counts adding up to ``s`` and one ``x`` count ``c``, a small one can
    reach ``threshold - 1`` while the others are 1 and ``x`` stays at least ``threshold``
    when ``s + c >= 2 * threshold + k - 2``.
    """
    t = int(threshold)
    out: dict[str, int | None] = {k: int(v) for k, v in counts.items()}
    small = [k for k, v in out.items() if v is not None and 0 < v < t]
    if not small:
        return out, True
    for k in small:
        out[k] = None
    s = sum(int(counts[k]) for k in small)
    need = 2 * t + len(small) - 2 - s
    big = sorted((int(v), k) for k, v in counts.items() if int(v) >= max(t, need))
    if big:
        out[big[0][1]] = None
        return out, True
    return out, False


def protected_counts(counts: Mapping[str, int], threshold: int) -> dict[str, int | None]:
    """``counts`` as the public edition prints them: from 1 to ``threshold - 1`` hidden
    with a complement (:func:`protect_counts`); when no count can be the complement,
    every count but zero is hidden (their total is printed elsewhere)."""
    kept, whole = protect_counts(counts, threshold=threshold)
    if whole:
        return kept
    return {k: (0 if int(v) == 0 else None) for k, v in counts.items()}


def count_marker(count: int, kept: int | None, threshold: int) -> str | None:
    """The marker of a hidden count: ``<threshold`` for a small one, ``x`` for a
    complement; None when it is printed."""
    if kept is not None:
        return None
    return f"<{threshold}" if 0 < count < threshold else "x"


def rate_markers(markers: pd.Series) -> pd.Series:
    """The markers of rates (per 100,000 residents) of counts with ``markers``: ``x``
    (withheld) wherever the count is withheld, whatever its own marker. A rate never shows
    the count's ``<5``, which would read as "a rate under 5".

    >>> rate_markers(pd.Series(["<5", None, "x", ""])).tolist()
    ['x', None, 'x', None]
    """
    return pd.Series(["x" if isinstance(m, str) and m else None for m in markers],
                     index=markers.index, dtype=object, name=markers.name)


def suppress_small(df: pd.DataFrame, *, value: str, threshold: int,
                   by: str | Sequence[str] | None = None, marker: str | None = None,
                   other: str = "other") -> pd.DataFrame:
    """Hide counts from 1 to ``threshold - 1`` in column ``value``.

    For numbers the report does not hold in the public view (a published source's
    table, a count of rows): questionnaire indicators are suppressed by the view itself.

    Without ``by``, each small count is replaced by a marker (``"<5"`` for a threshold of
    5); zero stays zero (nothing is disclosed by it). With ``by`` (a category column, or
    several), the rows with small counts are summed into one row labelled ``other`` within
    each group of the remaining columns; an ``other`` row that is itself small is masked.
    The result has the input's columns; masked columns hold text (``object``).
    """
    if value not in df.columns:
        raise UsageError(f"no column {value!r} to suppress", where="suppress_small",
                         hint="columns: " + ", ".join(map(str, df.columns)))
    threshold = int(threshold)
    marker = marker or f"<{threshold}"
    out = df.copy()
    if by is not None:
        cats = [by] if isinstance(by, str) else list(by)
        keys = [c for c in out.columns if c not in (*cats, value)]
        v = pd.to_numeric(out[value], errors="coerce")
        small = v.notna() & (v > 0) & (v < threshold)
        if small.any():
            big = out[~small]
            grouped = out[small].copy()
            for c in cats:
                grouped[c] = other
            if keys:
                grouped = grouped.groupby(keys, as_index=False, sort=False, dropna=False)[
                    value].sum()
                for c in cats:
                    grouped[c] = other
            else:
                grouped = pd.DataFrame({**{c: [other] for c in cats},
                                        value: [grouped[value].sum()]})
            out = pd.concat([big, grouped[out.columns]], ignore_index=True)
            if keys:
                order = {k: i for i, k in enumerate(dict.fromkeys(
                    map(tuple, df[keys].astype(str).to_numpy())))}
                pos = out[keys].astype(str).apply(tuple, axis=1).map(order)
                out = out.assign(_pos=pos).sort_values("_pos", kind="stable").drop(
                    columns="_pos").reset_index(drop=True)
    v = pd.to_numeric(out[value], errors="coerce")
    small = v.notna() & (v > 0) & (v < threshold)
    if small.any():
        out[value] = out[value].astype(object)
        out.loc[small, value] = marker
    return out


def restricted_indicators(store: Store | str | os.PathLike[str], *, cycle: str,
                          countries: Sequence[str], all_cycles: bool = True
                          ) -> pd.DataFrame:
    """The restricted indicator rows the public view is made from
    (:func:`octasee.sdc.make_public_view`): the countries' current submissions of
    ``cycle`` (with ``all_cycles``, of every cycle in the store up to it), with
    ``not_for_dissemination`` true for a row flagged so, a row whose flag is unreadable,
    and every row of a submission marked not for dissemination as a whole.

    One function, so that the chapters, the build's release check and the draft's
    snapshot make the same view from the same rows.
    """
    if not isinstance(store, Store):
        with Store(store, read_only=True) as opened:
            return restricted_indicators(opened, cycle=cycle, countries=countries,
                                         all_cycles=all_cycles)
    codes = list(countries)
    last = get_cycle(cycle).last_year
    cycles = ([c for c in store.cycles() if get_cycle(c).last_year <= last]
              if all_cycles else [cycle])
    frames = [store.table("indicators", cycle=c, countries=codes) for c in cycles]
    nonempty = [f for f in frames if len(f)]
    df = (pd.concat(nonempty, ignore_index=True) if nonempty
          else store.table("indicators", cycle=cycle, countries=codes))
    subs = [store.table("submissions", cycle=c, countries=codes) for c in cycles]
    subs = [f for f in subs if len(f)]
    whole: set[object] = set()
    if subs:
        allsubs = pd.concat(subs, ignore_index=True)
        whole = set(allsubs.loc[allsubs["dissemination"].fillna("")
                                .eq("not for dissemination"), "submission_id"])
    flag = df["not_for_dissemination"].astype("boolean").fillna(True).astype(bool)
    return df.assign(not_for_dissemination=flag | df["submission_id"].isin(whole))


#: The UNODC GLOTIP tables the public edition prints (sections ``glotip_victims`` and
#: ``glotip_convictions``), each with the questionnaire's cell for the same quantity:
#: GLOTIP indicator → (questionnaire indicator, crime area, the table as the output check
#: names it).
GLOTIP_TABLES = {
    "Detected trafficking victims": ("victims_identified", "thb",
                                     "UNODC's detected victims of trafficking (GLOTIP table)"),
    "Persons convicted": ("convictions", "thb",
                          "UNODC's persons convicted of trafficking (GLOTIP table)"),
}
GLOTIP_LABEL = GLOTIP_TABLES["Detected trafficking victims"][2]
GLOTIP_INDICATOR, GLOTIP_AREA = "victims_identified", "thb"


def published_elsewhere(countries: Sequence[str], years: Sequence[int] | range, *,
                        rules: DisclosureRules | None = None,
                        tables: Sequence[str] | None = None) -> pd.DataFrame:
    """The figures the public edition prints from other public sources for cells of the
    public view: UNODC GLOTIP's detected victims of trafficking and persons convicted of
    trafficking (all forms, sexes and ages) as the chapter's tables print them, as the
    questionnaire's ``victims_identified`` and ``convictions`` of crime area ``thb``
    (:data:`GLOTIP_TABLES`; ``tables``: some of its keys, default all).

    One row per country and year a table prints: ``country``, ``indicator``,
    ``crime_area``, ``year``, ``value`` (a printed number, else missing), ``lo`` and
    ``hi`` (what a printed marker says: ``<5`` is 1 to 4), ``text`` (as printed, before
    the view's :attr:`~octasee.sdc.PublicView.mask_elsewhere`) and ``label``. Counts from
    1 to ``threshold - 1`` (the ``rules``' threshold of the questionnaire indicator) and
    UNODC's own ``<5`` are printed ``<threshold`` (``<5`` if the threshold is lower: UNODC
    says no more); years UNODC does not publish are absent.

    The chapters' view and the build's release check both pass these to
    :func:`octasee.sdc.make_public_view` (``known=``), so that complementary suppression
    never relies on a cell a UNODC table prints, and the audit adds them as equations.

    >>> k = published_elsewhere(["ME", "RO"], range(2016, 2018),
    ...                         tables=["Detected trafficking victims"])
    >>> k[["country", "year", "text", "lo", "hi"]].values.tolist()
    [['ME', 2016, '<5', 1.0, 4.0], ['ME', 2017, '10', nan, nan], ['RO', 2016, '756', nan, nan], ['RO', 2017, '662', nan, nan]]
    """
    from octasee.sources.glotip import indicator_total  # lazy: reads the CSV

    rules = rules or DisclosureRules()
    frames = []
    for name in (tables or list(GLOTIP_TABLES)):
        code, area, label = GLOTIP_TABLES[name]
        v = indicator_total(name)
        v = v[v["country"].isin(list(countries)) & v["year"].isin([int(y) for y in years])]
        threshold = int(rules.threshold_for(code) or 1)
        top = max(threshold, 5)  # UNODC's "<5" says 1 to 4; a higher threshold says less
        value = pd.to_numeric(v["value"], errors="coerce").astype(float)
        censored = v["censored"].astype(bool)
        small = censored | ((value > 0) & (value < threshold))
        printed = censored | value.notna()
        marker_top = pd.Series(float(threshold - 1), index=v.index).where(~censored,
                                                                          top - 1.0)
        out = pd.DataFrame({
            "country": v["country"].astype(str), "indicator": code, "crime_area": area,
            "year": v["year"].astype(int), "value": value.where(~small),
            "lo": pd.Series(1.0, index=v.index).where(small),
            "hi": marker_top.where(small), "label": label})
        out["text"] = [f"<{int(h) + 1}" if s else f"{x:,.0f}"
                       for s, h, x in zip(small, out["hi"], out["value"], strict=True)]
        frames.append(out[printed])
    cols = ["country", "indicator", "crime_area", "year", "value", "lo", "hi", "text",
            "label"]
    if not frames:
        return pd.DataFrame(columns=cols)
    return (pd.concat(frames, ignore_index=True)
            .sort_values(["indicator", "country", "year"], kind="stable")
            .reset_index(drop=True)[cols])


#: The environment variable naming the JSON file of what earlier drafts' public editions
#: showed (:meth:`octasee.sdc.PublicView.record` of each, one list): the build sets it
#: for the chapter kernels of a public edition, so that they make the view its release
#: check audits.
EARLIER_ENV = "OCTASEE_EARLIER_PUBLIC"


def earlier_entries() -> list[dict[str, Any]]:
    """What earlier drafts' public editions showed, from the file :data:`EARLIER_ENV`
    names (none when it is not set: JupyterLab, a test, a first draft)."""
    raw = os.environ.get(EARLIER_ENV)
    if not raw:
        return []
    try:
        data = json.loads(Path(raw).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise DisclosureError(f"what earlier public editions showed cannot be read ({exc})",
                              where=f"{EARLIER_ENV}={raw}",
                              hint="rebuild the public edition with octasee build "
                                   "--variant public (the build writes that file)") from None
    if not isinstance(data, list):
        raise DisclosureError("what earlier public editions showed is not a list of entries",
                              where=f"{EARLIER_ENV}={raw}",
                              hint="rebuild the public edition with octasee build "
                                   "--variant public")
    return data


def public_view(rows: pd.DataFrame, *, cycle: str, countries: Sequence[str],
                rules: DisclosureRules, earlier: Sequence[Mapping[str, Any]] | None = None
                ) -> PublicView:
    """The public view of ``rows`` (:func:`restricted_indicators`), knowing the figures
    the edition prints from public sources for the cycle's years
    (:func:`published_elsewhere`) and what earlier drafts' public editions showed
    (``earlier``; None: :func:`earlier_entries`, what the build gave a chapter kernel).
    One function, so that every chapter, the build's release check and the draft's
    snapshot make the same view."""
    c = get_cycle(cycle)
    known = published_elsewhere(countries, range(c.first_year, c.last_year + 1), rules=rules)
    before = earlier_entries() if earlier is None else list(earlier)
    view = make_public_view(rows, rules, known=known, earlier=before)
    if before:
        # Tables that this edition and an earlier one would together give away are
        # withheld whole (a rare repair: the view already keeps earlier complements).
        tables = across_drafts(view, before)
        if tables:
            view = make_public_view(rows, rules, known=known, earlier=before,
                                    withhold=tables)
    return view
