"""Route maps: legs counted by the routes that report them, line widths by that count, one
marker and one label per place, Kosovo* and the map notes, unknown places noted.

Names are looked up at test time (``oc.route_map``), so that the module collects on code
without route maps and each test fails on its own there.
"""

from __future__ import annotations

import importlib
import itertools
import math
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


# --- reading the printed map: labels, far places, line widths --------------------------------

#: The test's own estimate of a label's size: a character is half its font size wide (a
#: little narrower than Arial's capitals, so that a box is never overestimated here), a line
#: 1.1 times the size high.
def _px_size(text: str, size: float) -> tuple[float, float]:
    lines = text.split("<br>")
    return max(len(line) for line in lines) * size * 0.5, len(lines) * size * 1.1


def _km_per_px(fig) -> float:
    x0, x1 = fig.layout.xaxis.range
    return (x1 - x0) / (oc.A4_WIDTH - fig.layout.margin.l - fig.layout.margin.r)


def _label_boxes(fig, prefix: str = "label ") -> dict[str, tuple[float, float, float, float]]:
    """Each label's box in the map's coordinates, from its anchor, shift and text."""
    k = _km_per_px(fig)
    out = {}
    for a in fig.layout.annotations:
        if not (a.name or "").startswith(prefix):
            continue
        w, h = (v * k for v in _px_size(a.text, a.font.size))
        x = a.x + (a.xshift or 0) * k
        y = a.y + (a.yshift or 0) * k
        x0 = {"left": x, "center": x - w / 2, "right": x - w, "auto": x - w / 2}[a.xanchor]
        y0 = {"bottom": y, "middle": y - h / 2, "top": y - h, "auto": y - h / 2}[a.yanchor]
        out[a.name.removeprefix(prefix)] = (x0, y0, x0 + w, y0 + h)
    return out


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _positions(fig) -> dict[str, tuple[float, float]]:
    return {p: (x, y) for t in fig.data if (t.meta or {}).get("role") == "places"
            for p, x, y in zip(t.meta["places"], t.x, t.y, strict=True)}


#: Figure 6.2's routes (trafficking in human beings, 2013-2017) and routes through the
#: western Balkans, where Montenegro, Bosnia and Herzegovina, Slovenia, Hungary, Romania,
#: Kosovo* and North Macedonia crowded each other.
THB = pd.DataFrame({
    "route_ref": ["A", "B", "C", "D", "E", "F"],
    "origin": ["MD", "RO", "BG", "AL", "RO", "AL"],
    "transit": ["RO;HU", "HU", None, "XK", None, "MK"],
    "destination": ["GB;BE", "NL;DE", "RO", "IT;DE", "TR;GB", "GR"]})
BALKANS = pd.DataFrame({
    "route_ref": ["A", "B", "C", "D", "E", "F", "G"],
    "origin": ["CO", "EC", "AL", "ME", "AL", "MK", "GR"],
    "transit": ["ME;BA;SI", "HR;BA", "XK;RS;HU", "MK", "RS", "RS;HU", "MK;RS"],
    "destination": ["AT", "RS;HU;RO", "RO", "BG", "HU", "SI", "BA"]})


@pytest.mark.parametrize("routes", [THB, BALKANS], ids=["thb", "balkans"])
def test_no_label_is_clipped(routes):
    # Figure 6.2 printed "Jnited Kingdom": a far place's name on the frame's edge, cut
    fig = oc.route_map(routes)
    x0, x1 = fig.layout.xaxis.range
    y0, y1 = fig.layout.yaxis.range
    boxes = _label_boxes(fig)
    assert "GB" in boxes or "CO" in boxes
    outside = {c: b for c, b in boxes.items()
               if b[0] < x0 or b[2] > x1 or b[1] < y0 or b[3] > y1}
    assert not outside  # every label inside the plot area, which is inside the figure


@pytest.mark.parametrize("routes", [THB, BALKANS], ids=["thb", "balkans"])
def test_labels_overprint_neither_each_other_nor_markers(routes):
    fig = oc.route_map(routes)
    boxes = {**_label_boxes(fig), **{"count " + k: v
                                     for k, v in _label_boxes(fig, "count ").items()}}
    clashes = [(a, b) for (a, ba), (b, bb) in
               itertools.combinations(boxes.items(), 2) if _overlap(ba, bb)]
    assert not clashes
    k = _km_per_px(fig)
    r = 3 * k  # a marker's core: 3 px around its centre
    hidden = [(c, p) for c, b in _label_boxes(fig).items() for p, (x, y) in
              _positions(fig).items() if _overlap(b, (x - r, y - r, x + r, y + r))]
    assert not hidden  # no name over a marker (North Macedonia's on Kosovo*'s label)


def test_the_kosovo_label_is_clear_of_the_route_lines():
    fig = oc.route_map(BALKANS)
    x0, y0, x1, y1 = _label_boxes(fig)["XK"]
    for t in fig.data:
        if (t.meta or {}).get("role") == "leg":
            inside = [(x, y) for x, y in zip(t.x, t.y, strict=True)
                      if x0 < x < x1 and y0 < y < y1]
            assert not inside, (t.meta["origin"], t.meta["destination"])


def test_a_place_inside_the_frame_is_drawn_there_far_ones_on_the_edge_in_their_direction():
    maps = importlib.import_module("octasee.charts.maps")
    r = pd.DataFrame({"route_ref": ["U", "B", "C", "A"], "origin": ["UA", "BR", "CO", "AE"],
                      "transit": ["MD", "ES", None, None],
                      "destination": ["RO", "AL", "ME", "GR"]})
    fig = oc.route_map(r)
    x0, x1 = fig.layout.xaxis.range
    y0, y1 = fig.layout.yaxis.range
    pos = _positions(fig)
    w = x1 - x0

    def on_edge(p):
        x, y = pos[p]
        return min(abs(x - x0), abs(x1 - x), abs(y - y0), abs(y1 - y)) < 1.0

    # Ukraine's south (Odesa, Crimea) is inside the frame: drawn there, not on the edge
    ux, uy = pos["UA"]
    assert x0 + 0.02 * w < ux < x1 - 0.02 * w and y0 + 0.02 * w < uy < y1 - 0.02 * w
    assert all(on_edge(p) for p in ("BR", "CO", "AE", "ES"))
    # each in its direction from the frame's centre (Brazil south-west, the UAE south-east)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    for p in ("BR", "CO", "AE"):
        tx, ty = (float(v) for v in maps.project(*maps.country_points()[p]))
        true = math.degrees(math.atan2(ty - cy, tx - cx))
        drawn = math.degrees(math.atan2(pos[p][1] - cy, pos[p][0] - cx))
        assert abs(true - drawn) < 12, p
    assert pos["BR"][1] < pos["CO"][1]  # Brazil lies south of Colombia
    assert pos["AE"][0] == pytest.approx(x1) or pos["AE"][1] == pytest.approx(y0)
    # far places in one direction do not overlap: markers apart, labels apart
    k = _km_per_px(fig)
    assert math.dist(pos["BR"], pos["CO"]) > 12 * k and math.dist(pos["CO"], pos["ES"]) > 12 * k
    boxes = _label_boxes(fig)
    assert not _overlap(boxes["BR"], boxes["CO"]) and not _overlap(boxes["CO"], boxes["ES"])


def test_each_line_width_class_is_clearly_wider_and_legs_of_two_or_more_print_their_count():
    # legs reported by 1, 2, 3, 5 and 9 routes: one in each class of width
    rows = ([("AL", "ME")] + [("BG", "RO")] * 2 + [("GR", "TR")] * 3 + [("HR", "SI")] * 5
            + [("HU", "RS")] * 9)
    r = pd.DataFrame({"route_ref": [f"R{i}" for i in range(len(rows))],
                      "origin": [a for a, _ in rows], "destination": [b for _, b in rows]})
    fig = oc.route_map(r)
    legs = _legs(fig)
    widths = [legs[k].line.width for k in (("AL", "ME"), ("BG", "RO"), ("GR", "TR"),
                                           ("HR", "SI"), ("HU", "RS"))]
    assert all(b >= 1.8 * a for a, b in itertools.pairwise(widths)), widths
    assert [t.name for t in fig.data if (t.meta or {}).get("role") == "leg"
            and t.showlegend] == ["9 or more routes", "5–8 routes", "3–4 routes",
                                  "2 routes", "1 route"]
    counts = {a.name.removeprefix("count "): a.text for a in fig.layout.annotations
              if (a.name or "").startswith("count ")}
    assert counts == {"BG-RO": "2", "GR-TR": "3", "HR-SI": "5", "HU-RS": "9"}
