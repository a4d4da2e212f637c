"""Chapters 4-8's routes: a route map (not a Sankey) and the modus-operandi table beside it,
numbered and keyed as every figure and table; nothing not for dissemination in public.

The section runs in-process on the session's sample workspace; what it displays is
captured where it would be shown.
"""

from __future__ import annotations

import json
import re
from html import unescape

from octasee.chapters import open_chapter, sections

from .conftest import figures, text_of


def _leg_pairs(fig: dict) -> set[tuple[str, str]]:
    return {(t["meta"]["origin"], t["meta"]["destination"]) for t in fig["data"]
            if (t.get("meta") or {}).get("role") == "leg"}


def test_chapter_4_routes_show_a_map_and_the_modus_operandi_table(sample_workspace,
                                                                   tmp_path, shown):
    ch = open_chapter("04", "Drug trafficking", cycle="2013-2017",
                      workspace=sample_workspace.path, output_dir=tmp_path)
    sections.routes(ch, "heroin")
    (fig,) = figures(shown)
    assert fig["layout"]["meta"]["role"] == "route map"
    assert not any(t["type"] == "sankey" for t in fig["data"])
    # BG-R17-01 and RS-R17-01: AF>IR>TR>BG>RS>HR>SI>{AT,DE,NL}; MK-R17-01 through BG,
    # MK, XK, AL to IT and CH; GR-R17-01 AF>IR>TR>GR>AL>IT
    legs = _leg_pairs(fig)
    assert {("AF", "IR"), ("IR", "TR"), ("TR", "BG"), ("MK", "XK"), ("XK", "AL"),
            ("AL", "IT"), ("SI", "NL")} <= legs
    routes = {(t["meta"]["origin"], t["meta"]["destination"]): t["meta"]["routes"]
              for t in fig["data"] if (t.get("meta") or {}).get("role") == "leg"}
    assert routes[("AF", "IR")] == 4 and routes[("TR", "GR")] == 1
    text = text_of(shown)
    assert re.search(r"Figure 4\.1: Routes reported for heroin trafficking, 2013-2017: 4 "
                     r"routes from 4 member countries; the width of a line is the number "
                     r"of routes that report the leg", text)
    assert "Table 4.1: Modus operandi on the routes reported for heroin trafficking, " \
           "2013-2017 (commodity: heroin, where stated)" in text
    # one row per distinct text: Bulgaria's and Serbia's identical texts are one row
    assert re.search(r"BG-R17-01, RS-R17-01 road Heroin hidden in purpose-built compartments of lorries "
                     r"carrying legitimate cargo; drivers recruited in the transit "
                     r"countries\. Bulgaria, Serbia 2017", text)
    assert re.search(r"GR-R17-01 mixed Southern branch of the Balkan route.*Greece 2017", text)
    assert "no concealment column" in text
    keys = [e["key"] for e in json.loads((tmp_path / "evidence.json").read_text("utf-8"))]
    assert keys == ["fig:routes:heroin", "tab:routes:heroin"]
    assert (tmp_path / "data" / "ev-tab-routes-heroin.csv").exists()


def test_routes_without_a_text_are_named_under_the_table(sample_workspace, tmp_path, shown):
    ch = open_chapter("07", "Firearms trafficking", cycle="2013-2017",
                      workspace=sample_workspace.path, output_dir=tmp_path)
    sections.routes(ch, "firearms")
    text = text_of(shown)
    # SI-R17-04 gives no modus operandi; BG-R17-03 and TR-R17-06 give the same text
    assert "1 route of the map gives no modus operandi (reported by Slovenia)." in text
    assert re.search(r"BG-R17-03, TR-R17-06 road Blank-firing pistols bought legally and "
                     r"converted to fire live ammunition\. Bulgaria, Turkey 2017", text)
    assert "2013-2017 (commodity: pistols)" in text


def test_public_edition_shows_nothing_not_for_dissemination(sample_workspace, tmp_path,
                                                             shown):
    # 2009-2012: GR-R12-04 (cigarettes from the United Arab Emirates) is not for
    # dissemination
    nd_text = "Cigarettes declared as other goods in containers."
    ch = open_chapter("08", "Excise goods", cycle="2009-2012",
                      workspace=sample_workspace.path, output_dir=tmp_path / "r")
    sections.routes(ch, "excise_goods")
    restricted = text_of(shown)
    (fig,) = figures(shown)
    assert nd_text in restricted and ("AE", "GR") in _leg_pairs(fig)
    shown.clear()
    ch = open_chapter("08", "Excise goods", cycle="2009-2012", variant="public",
                      workspace=sample_workspace.path, output_dir=tmp_path / "p")
    sections.routes(ch, "excise_goods")
    public = text_of(shown)
    (fig,) = figures(shown)
    assert nd_text not in public and "ND" not in public
    legs = _leg_pairs(fig)
    assert legs and not any("AE" in leg for leg in legs)
    assert "2 routes from 2 member countries" in public
    assert not (tmp_path / "p" / "data").exists()


def test_a_modus_operandi_in_another_language_is_shown_in_english(sample_workspace, tmp_path,
                                                                   shown):
    """A route's text has no language column: the translation memory says what it is in,
    and the table shows the English, marked as translated."""
    from octasee.reference import crime_area
    from octasee.translations import language_name, read_memory

    memory = read_memory(sample_workspace.path)
    found = None
    for cycle in ("2013-2017", "2009-2012"):
        ch = open_chapter("04", "Drug trafficking", cycle=cycle,
                          workspace=sample_workspace.path, output_dir=tmp_path)
        r = ch.rows("routes")
        for row in r.itertuples():
            entry = memory.lookup(row.modus_operandi)
            if entry is not None:
                found = (ch, row.crime_area, entry)
                break
        if found:
            break
    assert found, "the sample memory translates a route's modus operandi"
    ch, area, entry = found
    sections.routes(ch, area)
    text = text_of(shown)
    name = language_name(entry.language)
    assert " ".join(entry.english.split()) + f" (translated from {name})" in text, (
        crime_area(area).label, entry.english)
    assert " ".join(entry.original.split()) not in text


def test_the_table_names_each_rows_routes_and_the_one_commodity_in_its_caption(
        sample_workspace, tmp_path, shown):
    """Chapter 4's cocaine table: a Route column (the references of Annex D and the
    submissions), no Commodity column where every row that states one says cocaine (the
    caption says it), "–" for a transport mode or a year not stated."""
    ch = open_chapter("04", "Drug trafficking", cycle="2013-2017",
                      workspace=sample_workspace.path, output_dir=tmp_path)
    sections.routes(ch, "cocaine")
    html = "\n".join(p for p in shown if isinstance(p, str))
    text = text_of(shown)
    assert ("Table 4.1: Modus operandi on the routes reported for cocaine trafficking, "
            "2013-2017 (commodity: cocaine, where stated)") in text
    header = re.search(r"<thead>(.*?)</thead>", html, re.S).group(1)
    heads = [unescape(re.sub(r"<[^>]+>", "", h)).strip()
             for h in re.findall(r"<th[^>]*>.*?</th>", header, re.S)]
    assert "Route" in heads and "Commodity" not in heads
    # GR-R17-02 and TR-R17-01 give one text; AL-R17-01 states no year
    assert re.search(r"GR-R17-02, TR-R17-01 sea Cocaine hidden in legitimate cargo", text)
    assert re.search(r"AL-R17-01 sea Containers of fruit to Durrës.*? Albania – ", text)
    assert "not stated" not in text
