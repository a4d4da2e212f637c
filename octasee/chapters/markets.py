"""GI-TOC criminal-market scores beside the crime chapters (one cell in each of 04-10).

:func:`gitoc_markets` shows the member countries' scores for the GI-TOC markets that
match a chapter's crime area (the mapping is reference data: ``crime_areas.csv``, read by
:mod:`octasee.analysis.markets`), in every edition the cycle's report tabulates, and says
when an edition is later than the cycle (:func:`octasee.analysis.editions.editions`).
A public source: both editions show it, and so does a chapter of a cycle with no
questionnaire yet.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from octasee.analysis.editions import Editions, editions
from octasee.analysis.markets import highest, market_scores
from octasee.chapters.context import Chapter
from octasee.reference import crime_area

__all__ = ["editions_note", "gitoc_markets"]


def _and(items: Sequence[str]) -> str:
    items = list(items)
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def editions_note(ed: Editions, shown: Sequence[int]) -> str:
    """The sentence that flags the GI-TOC editions of ``shown`` that are later than the
    cycle ("" when none is).

    >>> editions_note(editions("2013-2017"), [2021, 2023])
    'The 2021 and 2023 editions are later than the 2013-2017 cycle: GI-TOC published no edition for its years.'
    >>> editions_note(editions("2018-2022"), [2021])
    ''
    """
    later = [str(e) for e in shown if e > ed.last_year]
    if not later:
        return ""
    none_of_its_own = all(e > ed.last_year for e in shown) and ed.gitoc_later
    return (f"The {_and(later)} edition{'s are' if len(later) > 1 else ' is'} later than "
            f"the {ed.cycle} cycle"
            + (": GI-TOC published no edition for its years." if none_of_its_own else "."))


def gitoc_markets(ch: Chapter, area: str | Sequence[str]) -> None:
    """The chapter's countries' GI-TOC criminal-market scores (1-10) for the markets that
    match ``area`` (one crime area or several; a parent area: its children's markets),
    in every edition that scores them, with the highest score of each market in the
    edition the analysis uses; the note says which editions are later than the cycle."""
    ch.notice()
    areas = [area] if isinstance(area, str) else list(area)
    what = _and([crime_area(a).label.lower() for a in areas])
    ed = editions(ch.cycle, ch.workspace)
    scores = market_scores(areas, ch.countries, ed.gitoc_tables)
    if scores.empty:
        ch.say("The GI-TOC Global Organized Crime Index scores no criminal market that "
               "matches {what}.", what=what)
        return
    markets = list(dict.fromkeys(scores["indicator"]))
    shown = sorted({int(e) for e in scores["edition"]})
    columns = [(m, e) for m in markets for e in shown
               if ((scores["indicator"] == m) & (scores["edition"] == e)).any()]
    wide = scores.pivot_table(index="country", columns=["indicator", "edition"],
                              values="value", aggfunc="first")
    table = pd.DataFrame({"Country": [ch.name(c) for c in wide.index]})
    for m, e in columns:
        table[f"{m} {e}" if len(shown) > 1 else m] = wide[(m, e)].to_numpy()
    label = _and([str(e) for e in shown])
    ch.show_table(table, f"GI-TOC criminal-market scores of the member countries for "
                  f"{what}, {label} edition{'s' if len(shown) > 1 else ''} (scores 1-10; 10: "
                  "the most severe)", source="gitoc", note=editions_note(ed, shown),
                  key="tab:gitoc:markets:" + "+".join(areas), data=scores)
    used = ed.gitoc if ed.gitoc in shown else shown[-1]
    parts = [f"the {m.lower()}, {ch.names(cs)} ({v:.1f})" for m, v, cs in highest(scores, used)]
    if parts:
        ch.say("GI-TOC scores how much each criminal market affects a country, from 1 (little "
               "or none) to 10 (severe). In the {edition} edition, which the analysis uses, "
               "the highest scores among these countries are: "
               + "; ".join(f"{{p{i}}}" for i in range(len(parts))) + ".",
               edition=str(used), **{f"p{i}": p for i, p in enumerate(parts)})
