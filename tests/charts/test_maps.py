"""The choropleth: no geo subplot, one filled trace per member, colours from the values."""

from __future__ import annotations

import pandas as pd
import pytest
from plotly.colors import sample_colorscale

import octasee.charts as oc
from octasee.errors import ReferenceDataError, UsageError
from octasee.reference import MEMBER_CODES


def _members(fig):
    return {t.meta["iso2"]: t for t in fig.data if (t.meta or {}).get("role") == "member"}


def test_one_filled_trace_per_member_with_colours_from_values(scores):
    fig = oc.choropleth(scores, value="score", title="Criminality")
    members = _members(fig)
    assert sorted(members) == sorted(MEMBER_CODES)
    assert [t for t in fig.data if (t.meta or {}).get("role") == "member"].__len__() == 13
    lo, hi = scores["score"].min(), scores["score"].max()
    scale = [list(s) for s in oc.THREAT_SCALE]
    for code, value in zip(scores["country"], scores["score"], strict=True):
        t = members[code]
        assert t.fill == "toself" and t.type == "scatter"
        assert t.fillcolor == sample_colorscale(scale, [(value - lo) / (hi - lo)])[0]
        assert f"{value:.2f}" in t.text
    assert members["SI"].fillcolor == "rgb(254, 240, 217)"  # the lowest value: lightest
    assert members["AL"].fillcolor == "rgb(153, 0, 0)"  # the highest: darkest
    tr = members["TR"]  # no row: hatched, and the hover says so
    assert tr.fillpattern.shape == "/" and "no data" in tr.text


def test_no_geo_subplot_equal_aspect_and_a_colour_bar(scores):
    fig = oc.choropleth(scores, value="score")
    layout = fig.to_plotly_json()["layout"]
    assert "geo" not in layout and not any(k.startswith("geo") for k in layout)
    assert not any(t.type in ("choropleth", "scattergeo") for t in fig.data)
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.xaxis.visible is False
    (bar,) = [t for t in fig.data if (t.meta or {}).get("role") == "colorbar"]
    assert bar.marker.showscale and bar.marker.cmin == 3.5 and bar.marker.cmax == 7.0


def test_neighbours_labels_and_names(scores):
    fig = oc.choropleth(scores.assign(country=[oc.place_name(c) for c in scores["country"]]),
                        value="score")  # names work as well as codes
    grey = [t for t in fig.data if (t.meta or {}).get("role") == "neighbour"]
    assert {"AT", "IT", "UA", "XK", "CY"} <= {t.meta["iso2"] for t in grey}
    assert all(t.fillcolor == oc.CONTEXT_GREY for t in grey)
    (labels,) = [t for t in fig.data if (t.meta or {}).get("role") == "labels"]
    assert set(MEMBER_CODES) <= set(labels.text)
    bare = oc.choropleth(scores, value="score", labels=False, neighbours=False)
    assert {(t.meta or {}).get("role") for t in bare.data} == {"member", "colorbar"}


def test_flows_draw_arrows_and_name_off_map_countries(scores, routes):
    fig = oc.choropleth(scores, value="score", flows=routes)
    arrows = [a for a in fig.layout.annotations if (a.name or "").startswith("flow ")]
    legs = oc.route_legs(routes)
    assert 0 < len(arrows) <= len(legs)
    (off,) = [t for t in fig.data if (t.meta or {}).get("role") == "off-map"]
    assert "DE" in off.text and "IR" in off.text and "RS" not in off.text
    widths = {a.name: a.arrowwidth for a in arrows}
    assert widths["flow IR-TR"] > widths["flow BG-AT"]  # two routes against one


def test_route_legs_counts_consecutive_pairs(routes):
    legs = oc.route_legs(routes).set_index(["origin", "destination"])["count"]
    assert legs[("AF", "IR")] == 2 and legs[("TR", "BG")] == 2 and legs[("BG", "DE")] == 1
    assert legs[("CO", "ES")] == 1  # names resolve to codes


def test_errors_name_the_problem(scores):
    with pytest.raises(UsageError, match=r"column 'value' is missing.*'country', 'score'"):
        oc.choropleth(scores, value="value")
    with pytest.raises(ReferenceDataError, match="unknown member country 'Serbja'"):
        oc.choropleth(pd.DataFrame({"country": ["Serbja"], "v": [1]}), value="v")
    with pytest.raises(UsageError, match="several rows for RS"):
        oc.choropleth(pd.DataFrame({"country": ["RS", "Serbia"], "v": [1, 2]}), value="v")
    with pytest.raises(UsageError, match="not numbers"):
        oc.choropleth(pd.DataFrame({"country": ["RS"], "v": ["high"]}), value="v")
