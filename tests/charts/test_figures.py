"""Every figure function on small data, deterministic, and its missing-column error."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

import octasee.charts as oc
from octasee.errors import ReferenceDataError, UsageError


def test_threat_heatmap(heat):
    fig = oc.threat_heatmap(heat, value="score", title="Threat")
    hm = fig.data[0]
    assert list(hm.y) == ["Albania", "Bulgaria", "Serbia"]  # member order, names
    assert [x.replace("<br>", " ") for x in hm.x] == [
        "Heroin trafficking", "Cocaine trafficking", "Trafficking in human beings"]
    z = pd.DataFrame(hm.z, index=hm.y, columns=[x.replace("<br>", " ") for x in hm.x])
    assert z.loc["Serbia", "Trafficking in human beings"] == 4.5
    assert pd.isna(z.loc["Bulgaria", "Cocaine trafficking"])
    assert "no data" in hm.text[1][1]
    with pytest.raises(ReferenceDataError, match="unknown crime area 'herion'"):
        oc.threat_heatmap(heat.assign(crime_area="herion"), value="score")


def test_route_sankey(routes):
    fig = oc.route_sankey(routes, title="Routes")
    sk = fig.data[0]
    assert sk.type == "sankey"
    nodes = [(n, c[0]) for n, c in zip(sk.node.label, sk.node.customdata, strict=True)]
    assert ("Afghanistan", "origin") in nodes and ("Hungary", "destination") in nodes
    assert ("Turkey", "origin") in nodes and ("Turkey", "transit 2") in nodes  # no loops
    total = {}
    for s, t, v in zip(sk.link.source, sk.link.target, sk.link.value, strict=True):
        total[(sk.node.label[s], sk.node.label[t])] = total.get(
            (sk.node.label[s], sk.node.label[t]), 0) + v
    assert total[("Afghanistan", "Iran")] == 2 and total[("Bulgaria", "Germany")] == 1
    legend = [t.name for t in fig.data[1:]]
    assert legend == ["Heroin trafficking", "Cocaine trafficking", "Migrant smuggling"]
    plain = oc.route_sankey(routes.drop(columns="crime_area"))
    assert len(plain.data) == 1


def test_trend_band(trend):
    fig = oc.trend_band(trend, x="year", y="seized", lower="lo", upper="hi", group="area",
                        projected="projection", title="Seizures")
    fills = [t for t in fig.data if t.fill == "tonexty"]
    assert len(fills) == 2
    dashed = [t for t in fig.data if t.line.dash == "dash"]
    assert len(dashed) == 2 and list(dashed[0].x) == [2016, 2017, 2018]  # joined to 2016
    assert {t.name for t in fig.data if t.showlegend is not False} >= {"heroin", "cocaine"}


def test_ocg_network(ocgs):
    fig = oc.ocg_network(ocgs)
    groups = [t for t in fig.data if t.x and t.x[0] == 0.0 and t.mode == "markers+text"]
    assert [t.name for t in groups] == ["Turkey", "Serbia", "Albania", "Bulgaria"]  # by score
    sizes = {g.text[0]: g.marker.size[0] for g in groups}
    assert sizes["TR-2017-009"] > sizes["RS-2017-001"] > sizes["BG-2016-003"]
    right = fig.data[-1]
    assert right.text[0] == "Heroin trafficking"  # taxonomy order
    by_country = oc.ocg_network(ocgs, by="country")
    assert list(by_country.data[-1].text) == ["Afghanistan", "Germany", "Iran", "Italy",
                                              "Netherlands", "Spain"]
    unscored = oc.ocg_network(ocgs.drop(columns="score"))
    assert isinstance(unscored, go.Figure)
    with pytest.raises(UsageError, match="unknown by='nationality'"):
        oc.ocg_network(ocgs, by="nationality")


def test_quadrant(quad):
    fig = oc.quadrant(quad, title="Q")
    pts = fig.data[0]
    colours = dict(zip(pts.text, pts.marker.color, strict=True))
    assert colours["TR"] == oc.PALETTE[1] and colours["SI"] == oc.PALETTE[0]
    assert fig.layout.shapes[0].x0 == quad["criminality"].median()
    assert fig.layout.shapes[1].y0 == quad["resilience"].median()
    assert len(fig.layout.annotations) == 4


def test_rank_intervals(ranks):
    fig = oc.rank_intervals(ranks)
    dots = fig.data[0]
    assert list(dots.y) == ["Serbia", "Albania", "Bulgaria", "Croatia"]  # nominal order
    assert list(dots.error_x.arrayminus) == [0, 1, 1, 1]
    assert list(dots.error_x.array) == [1, 1, 1, 0]
    assert list(fig.data[1].x) == [1, 2, 3, 4]
    named = oc.rank_intervals(ranks.reset_index(), unit="unit", p05="q05", p95="q95")
    assert list(named.data[0].y) == list(dots.y)


CASES = {
    "threat_heatmap": (lambda f: oc.threat_heatmap(f["heat"], value="score"), "heat", "crime_area"),
    "route_sankey": (lambda f: oc.route_sankey(f["routes"]), "routes", "destination"),
    "trend_band": (lambda f: oc.trend_band(f["trend"], x="year", y="seized", lower="lo",
                                           upper="hi"), "trend", "hi"),
    "ocg_network": (lambda f: oc.ocg_network(f["ocgs"]), "ocgs", "crime_areas"),
    "quadrant": (lambda f: oc.quadrant(f["quad"]), "quad", "resilience"),
    "rank_intervals": (lambda f: oc.rank_intervals(f["ranks"]), "ranks", "q95"),
    "choropleth": (lambda f: oc.choropleth(f["scores"], value="score"), "scores", "country"),
}


@pytest.fixture
def tables(heat, routes, trend, ocgs, quad, ranks, scores):
    return {"heat": heat, "routes": routes, "trend": trend, "ocgs": ocgs, "quad": quad,
            "ranks": ranks, "scores": scores}


@pytest.mark.parametrize("name", sorted(CASES))
def test_themed_deterministic_and_missing_column_error(name, tables):
    build, key, column = CASES[name]
    fig = build(tables)
    assert isinstance(fig, go.Figure)
    assert fig.layout.template.layout.font.family == oc.FONT_FAMILY
    assert oc.figure_html(fig) == oc.figure_html(build(tables))
    broken = dict(tables, **{key: tables[key].drop(columns=column)})
    with pytest.raises(UsageError) as info:
        build(broken)
    message = str(info.value)
    assert f"column {column!r} is missing" in message and f"{name}()" in message
    assert "the table has" in message


def test_not_a_dataframe():
    with pytest.raises(UsageError, match="expected a pandas DataFrame, got list"):
        oc.quadrant([1, 2, 3])
