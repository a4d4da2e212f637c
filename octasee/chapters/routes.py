"""The routes of a crime area: a map of their legs and, beside it, the modus-operandi table.

Chapters 4 to 8 call :func:`routes` once per crime area (``sections.routes`` is this
function). What it shows is computed by :mod:`octasee.analysis.routes` (the legs with the
number of routes that report each, the places' roles, the table of modus-operandi texts)
and drawn by :func:`octasee.charts.route_map` on the bundled offline basemap. Rows not
for dissemination never reach the public edition (:meth:`Chapter.rows` leaves them out
there); in the restricted edition they are marked ND.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from octasee.analysis.routes import modus_operandi, route_legs
from octasee.chapters.context import Chapter, mask_numbers
from octasee.reference import crime_area

__all__ = ["CONCEALMENT_NOTE", "mo_text", "routes"]

#: Why the table has no concealment column.
CONCEALMENT_NOTE = ("The questionnaire has no concealment column: concealment methods, where "
                    "a country reported them, are part of the modus-operandi text.")
#: What a cell shows where the routes state nothing (a transport mode, a year).
NOT_STATED = "–"


def mo_text(ch: Chapter, text: str, *, countries: Sequence[str]) -> tuple[str, int]:
    """One modus-operandi text as the table prints it, and how many numbers it masked.

    The one place a route's free text is rendered: the English of the workspace's
    translation memory where it has the text, marked "(translated from Albanian)"
    (:meth:`Chapter.english`), else the text as the country wrote it, its spacing tidied;
    in the public edition a number that could give away a figure the edition withholds
    for one of the reporting ``countries`` is left out (``[n]``), as
    :meth:`Chapter.quote` does.
    """
    shown, note = ch.english(str(text), None)
    text = " ".join(shown.split()) + (f" ({note})" if note else "")
    if not ch.public:
        return text, 0
    withheld = [v for c in countries for v in ch._withheld_values().get(c, [])]
    published = [v for c in countries for v in ch._published_values().get(c, [])]
    return mask_numbers(text, keep=ch._span_years(), withheld=withheld,
                        threshold=ch.threshold, published=published)


def _stated(value: object) -> str:
    """A table cell's text, or "–" (:data:`NOT_STATED`) where the routes give none."""
    return value if isinstance(value, str) and value.strip() else NOT_STATED


def _areas_label(areas: Sequence[str]) -> str:
    return ", ".join(crime_area(a).label.lower() for a in areas)


def routes(ch: Chapter, area: str | Sequence[str]) -> None:
    """The routes reported for an area (or several): a map of their legs, each as wide as
    the number of routes that report it, then the modus-operandi table (the routes it
    comes from, as Annex D and the submissions name them; the commodity, unless every
    row that states one gives the same, which the caption then names; transport mode, the text, who reported it, when it
    was last observed)."""
    from octasee.charts import route_map  # lazy: plotly, ~180 ms on import

    ch.notice()
    if ch.empty:
        return
    areas = [area] if isinstance(area, str) else list(area)
    r = ch.rows("routes")
    r = r[r["crime_area"].isin(areas)].reset_index(drop=True)
    if r.empty:
        ch.say("No route was reported for this area.")
        return
    what = _areas_label(areas)
    reporters = r["country"].nunique()
    key = "+".join(areas)
    legs = route_legs(r)
    ch.figure(route_map(legs),
              f"Routes reported for {what}, {ch.cycle.code}: {len(r):,} "
              f"route{'s' if len(r) != 1 else ''} from {reporters} member "
              f"countr{'ies' if reporters != 1 else 'y'}; the width of a line is the number "
              "of routes that report the leg",
              source="submissions", nd=bool(r["nd"].any()), key="fig:routes:" + key,
              data=ch.source_rows(r))
    _mo_table(ch, r, areas, key)


def _mo_table(ch: Chapter, r: pd.DataFrame, areas: Sequence[str], key: str) -> None:
    """The modus-operandi table of the routes ``r`` (see :func:`routes`)."""
    mo = modus_operandi(r)
    what = _areas_label(areas)
    undescribed = ""
    if mo.undescribed:
        who = sorted({c for c, _ in mo.undescribed})
        n = len(mo.undescribed)
        undescribed = (f"{n:,} route{'s' if n != 1 else ''} of the map "
                       f"{'give' if n != 1 else 'gives'} no modus operandi (reported by "
                       f"{ch.names(who)}).")
    if mo.table.empty:
        ch.say("None of the {n} routes reported for {what} describes its modus operandi.",
               n=len(r), what=what)
        return
    masked = 0
    texts = []
    for row in mo.table.itertuples(index=False):
        text, n = mo_text(ch, row.modus_operandi, countries=row.countries)
        texts.append(text)
        masked += n
    commodities = [_stated(c) for c in mo.table["commodity"]]
    # One commodity for every row that states one (a row that states none does not
    # contradict it): the caption names it and the table drops the column.
    stated = set(commodities) - {NOT_STATED}
    one = next(iter(stated)) if len(stated) == 1 else None
    table = pd.DataFrame({
        "Route": [", ".join(refs) for refs in mo.table["route_refs"]],
        "Commodity": commodities,
        "Transport mode": [_stated(m) for m in mo.table["transport_mode"]],
        "Modus operandi (as reported)": texts,
        "Reported by": [", ".join(ch.name(c) for c in cs) for cs in mo.table["countries"]],
        "Last observed": [str(y) if y is not None and pd.notna(y) else NOT_STATED
                          for y in mo.table["last_year"]],
    })
    if one is not None:  # the same for every row: the caption says it
        table = table.drop(columns="Commodity")
    if len(areas) > 1:
        table.insert(0, "Crime area", [crime_area(a).label for a in mo.table["crime_area"]])
    nd = None
    if not ch.public:
        flags = mo.table["nd"].astype(bool).to_numpy()
        nd = pd.DataFrame(False, index=table.index, columns=table.columns)
        nd["Modus operandi (as reported)"] = flags
    note = (CONCEALMENT_NOTE + " Texts are as the countries wrote them, or in English "
            "translation where marked (the originals are in the annex of original texts); "
            "a text reported by several countries is listed once, with each of them.")
    if masked:
        note += " In the public edition, some numbers in these texts are left out ([n])."
    if undescribed:
        note += " " + undescribed
    commodity = ""
    if one is not None:
        commodity = f" (commodity: {one}{', where stated' if NOT_STATED in commodities else ''})"
    ch.show_table(table, f"Modus operandi on the routes reported for {what}, "
                  f"{ch.cycle.code}{commodity}", source="submissions", nd=nd, note=note,
                  key="tab:routes:" + key, data=ch.source_rows(r))
