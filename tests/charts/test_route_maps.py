"""Route maps: legs counted by the routes that report them, line widths by that count, one
marker and one label per place, Kosovo* and the map notes, unknown places noted.

Names are looked up at test time (``oc.route_map``), so that the module collects on code
without route maps and each test fails on its own there.
"""

from __future__ import annotations

import importlib
import re

import pandas as pd
import pytest

import octasee.charts as oc
from octasee.errors import ReferenceDataError

DISCLAIMER = ("The boundaries and names shown and the designations used on this map do not "
              "imply official endorsement or acceptance by SELEC.")
FOOTNOTE = ("*This designation is without prejudice to positions on status, and is in line "
            "with UNSCR 1244/1999 and the ICJ Opinion on the Kosovo declaration of "
            "independence.")


def _legs(fig) -> dict[tuple[str, str], object]:
    return {(t.meta["origin"], t.meta["destination"]): t for t in fig.data
            if (t.meta or {}).get("role") == "leg"}


def _markers(fig) -> list[str]:
    return [p for t in fig.data if (t.meta or {}).get("role") == "places"
            for p in t.meta["places"]]


def _labels(fig) -> dict[str, str]:
    names = [a.name for a in fig.layout.annotations if (a.name or "").startswith("label ")]
    assert len(names) == len(set(names)), "a place labelled twice"
    return {a.name.removeprefix("label "): a.text for a in fig.layout.annotations
            if (a.name or "").startswith("label ")}


def _notes(fig) -> str:
    texts = [a.text for a in fig.layout.annotations if a.name == "map notes"]
    assert len(texts) == 1
    return " ".join(texts[0].replace("<br>", " ").split())


def test_legs_are_counted_by_the_routes_that_report_them(routes):
    # R1 AF>IR>TR>BG>{AT,DE}; R2 AF>IR>TR>GR>MK>RS>HU; R3 TR>BG>RS>HU; R4 CO>ES>IT>SI>HR
    legs = importlib.import_module("octasee.analysis.routes").route_legs(routes)
    counts = legs.legs.set_index(["origin", "destination"])["routes"].to_dict()
    assert counts == {("AF", "IR"): 2, ("IR", "TR"): 2, ("TR", "BG"): 2, ("RS", "HU"): 2,
                      ("BG", "AT"): 1, ("BG", "DE"): 1, ("TR", "GR"): 1, ("GR", "MK"): 1,
                      ("MK", "RS"): 1, ("BG", "RS"): 1, ("CO", "ES"): 1, ("ES", "IT"): 1,
                      ("IT", "SI"): 1, ("SI", "HR"): 1}
    places = legs.places.set_index("place")
    assert places.loc["TR", ["origin", "transit", "destination"]].tolist() == [1, 2, 0]
    assert places.loc["TR", "role"] == "transit" and places.loc["AF", "role"] == "origin"
    assert places.loc["HU", "role"] == "destination" and places.loc["HU", "destination"] == 2
    assert legs.unknown == () and legs.n_routes == 4


def test_a_route_through_a_country_twice_counts_once_per_leg():
    r = pd.DataFrame({"route_ref": ["X"], "origin": ["AL"], "transit": ["ME;AL;ME"],
                      "destination": ["IT"]})
    legs = importlib.import_module("octasee.analysis.routes").route_legs(r).legs
    assert legs.set_index(["origin", "destination"])["routes"].to_dict() == {
        ("AL", "ME"): 1, ("ME", "AL"): 1, ("ME", "IT"): 1}


def test_line_width_grows_with_the_routes_reporting_a_leg_and_the_legend_says_so(routes):
    fig = oc.route_map(routes)
    legs = _legs(fig)
    assert len(legs) == 14  # every leg drawn: far places sit at the frame's edge
    assert legs[("AF", "IR")].meta["routes"] == 2 and legs[("BG", "AT")].meta["routes"] == 1
    assert legs[("AF", "IR")].line.width > legs[("BG", "AT")].line.width
    assert {legs[k].line.width for k in legs if legs[k].meta["routes"] == 1} == {
        legs[("BG", "AT")].line.width}
    shown = sorted((t.name, t.line.width) for t in fig.data
                   if (t.meta or {}).get("role") == "leg" and t.showlegend)
    assert [n for n, _ in shown] == ["1 route", "2 routes"]
    assert "routes reporting the leg" in fig.layout.legend.title.text
    # direction: one arrow head per leg; AL -> BG points east (0 = up, 90 = right)
    one = oc.route_map(pd.DataFrame({"origin": ["AL"], "transit": [None],
                                     "destination": ["BG"]}))
    (arrows,) = [t for t in one.data if (t.meta or {}).get("role") == "arrows"]
    assert arrows.marker.symbol == "arrow" and 45 < arrows.marker.angle[0] < 135
    (arrows,) = [t for t in fig.data if (t.meta or {}).get("role") == "arrows"]
    assert len(arrows.x) == len(legs)


def test_no_place_is_drawn_twice_whatever_its_roles():
    # Albania is a destination, a transit country and an origin (Figure 4.2 showed it twice)
    r = pd.DataFrame({"route_ref": ["A", "B", "C"], "origin": ["CO", "AL", "GR"],
                      "transit": ["EC", "ME;BA", "AL;ME"], "destination": ["AL;IT", "AT;DE",
                                                                           "IT;AT"]})
    fig = oc.route_map(r)
    markers = _markers(fig)
    assert sorted(markers) == sorted(set(markers))
    assert set(markers) == {"CO", "EC", "AL", "IT", "ME", "BA", "AT", "DE", "GR"}
    labels = _labels(fig)
    assert labels["AL"] == "Albania" and labels["DE"] == "Germany"
    assert set(markers) <= set(labels)  # every place on a route is named
    members = {"AL", "BA", "BG", "GR", "HR", "HU", "MD", "ME", "MK", "RO", "RS", "SI", "TR"}
    assert members <= set(labels)  # every member named, on a route or not


def test_far_places_sit_on_the_frame_edge_once(routes):
    fig = oc.route_map(routes)
    x0, x1 = fig.layout.xaxis.range
    y0, y1 = fig.layout.yaxis.range
    de = next(t for t in fig.data if (t.meta or {}).get("role") == "places"
              and "DE" in t.meta["places"])
    i = list(de.meta["places"]).index("DE")
    x, y = de.x[i], de.y[i]
    assert x0 <= x <= x1 and y0 <= y <= y1
    assert min(x - x0, x1 - x, y - y0, y1 - y) < 0.03 * (x1 - x0)  # at the edge
    assert "beyond the map are shown at its edge" in _notes(fig)


def test_kosovo_is_labelled_kosovo_star_never_xk(scores, routes):
    choro = oc.choropleth(scores, value="score")
    (labels,) = [t for t in choro.data if (t.meta or {}).get("role") == "labels"]
    assert "Kosovo*" in labels.text and "XK" not in labels.text
    xk = next(t for t in choro.data if (t.meta or {}).get("iso2") == "XK")
    assert xk.name == "Kosovo*" and xk.text.startswith("Kosovo*")
    assert oc.place_name("XK") == "Kosovo*"
    fig = oc.route_map(routes)
    assert _labels(fig)["XK"] == "Kosovo*"
    assert "XK" not in _labels(fig).values()


def test_every_map_carries_the_disclaimer_and_the_kosovo_footnote(scores, routes):
    for fig in (oc.choropleth(scores, value="score"),
                oc.choropleth(scores, value="score", flows=routes), oc.route_map(routes)):
        notes = _notes(fig)
        assert DISCLAIMER in notes and FOOTNOTE in notes
        (note,) = [a for a in fig.layout.annotations if a.name == "map notes"]
        lines = note.text.count("<br>") + 1
        assert fig.layout.margin.b >= 12 * lines  # room under the map for the notes
    bare = oc.choropleth(scores, value="score", neighbours=False)  # Kosovo not drawn
    assert DISCLAIMER in _notes(bare) and FOOTNOTE not in _notes(bare)


def test_an_unknown_place_is_noted_not_dropped_and_not_joined_around():
    r = pd.DataFrame({"route_ref": ["RS-R17-09", "RS-R17-10"], "country": ["RS", "RS"],
                      "origin": ["TR", "TR"], "transit": ["Atlantis;RS", "BG"],
                      "destination": ["HU", "RO"]})
    legs = importlib.import_module("octasee.analysis.routes").route_legs(r)
    assert legs.legs.set_index(["origin", "destination"])["routes"].to_dict() == {
        ("RS", "HU"): 1, ("TR", "BG"): 1, ("BG", "RO"): 1}  # no TR -> RS leg made up
    (unknown,) = legs.unknown
    assert (unknown.route, unknown.column, unknown.value) == ("RS-R17-09", "transit",
                                                              "Atlantis")
    fig = oc.route_map(legs)
    assert re.search(r"Route RS-R17-09 \(reported by RS\) names 'Atlantis' as transit, "
                     r"which is not a known country", _notes(fig))
    assert len(_legs(fig)) == 3
    with pytest.raises(ReferenceDataError, match=r"unknown country 'Atlantis' in column "
                                                 r"'transit' of route RS-R17-09"):
        oc.route_legs(r)


def test_route_map_is_drawn_offline_without_a_geo_subplot(routes):
    fig = oc.route_map(routes)
    layout = fig.to_plotly_json()["layout"]
    assert not any(k.startswith("geo") or k.startswith("mapbox") for k in layout)
    assert not any(t.type in ("scattergeo", "choropleth", "scattermap") for t in fig.data)
    html = oc.figure_html(fig)
    assert "src=" not in html and not re.search(r"https?://", html)
    assert 480 <= fig.layout.height <= 640  # an A4 page holds it with its table
