"""Labels built from data reach plotly as text, never as HTML (issue 16).

plotly.js renders a subset of HTML in every text it draws (names, hover text, tick labels,
legend entries, annotations, titles): ``<a href>`` becomes a live link, ``<span style>``
restyles, ``<b>``/``<br>`` format. The figure functions escape what comes from data; the
renderer neutralises any other tag in whatever figure it is given, so an analyst's own
figure cannot carry a link into the report either.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

import octasee.charts as oc
from octasee.charts.renderer import MIMETYPE, div_id, figure_html, mimebundle

LINK = '<a href="http://evil.example">x</a>'
IMG = "<img src=x onerror=alert(1)>"
BOLD = "<b>bold</b>"
STYLE = '<span style="font-size:90px">big</span>'
HOSTILE = f"{LINK} {IMG} {BOLD} {STYLE} & co"
ESCAPED = html.escape(HOSTILE, quote=False)
#: Tags plotly.js would act on (links, styles) or a browser would (images, scripts).
LIVE = re.compile(r"<\s*/?\s*(a|img|span|script|iframe|svg|style)\b", re.IGNORECASE)


def strings(obj: Any) -> Iterator[str]:
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from strings(v)
    elif isinstance(obj, list | tuple):
        for v in obj:
            yield from strings(v)
    elif isinstance(obj, np.ndarray) and obj.dtype.kind in "OU":
        yield from strings(obj.tolist())


def _plotly_args(page: str) -> list[Any]:
    """The JSON arguments of ``Plotly.newPlot(...)`` in the report's HTML."""
    found = []
    decoder = json.JSONDecoder()
    for m in re.finditer(r"Plotly\.newPlot\(\s*", page):
        rest = page[m.end():]
        _, end = decoder.raw_decode(rest)  # the div id
        rest = rest[end:].lstrip(", \n")
        for _ in range(2):  # data, layout
            value, end = decoder.raw_decode(rest)
            found.append(value)
            rest = rest[end:].lstrip(", \n")
    return found


def assert_inert(fig: go.Figure | dict) -> list[str]:
    """No live tag in the figure the renderer emits, as JSON or as HTML; its strings."""
    bundle = mimebundle(fig)
    page = figure_html(fig)
    texts = list(strings(bundle[MIMETYPE])) + list(strings(_plotly_args(page)))
    assert _plotly_args(page), "no Plotly.newPlot call found"
    live = [t for t in texts if LIVE.search(t)]
    assert not live, live
    assert IMG not in page and "<a href" not in page
    return texts


def _trace(fig: go.Figure, name: str) -> Any:
    return next(t for t in fig.data if t.name == name)


# --- the figure functions escape what comes from data -----------------------------------------

def test_ocg_network_shows_group_references_as_text():
    groups = pd.DataFrame({"group_ref": [HOSTILE, "RS-1"], "country": ["RS", "RS"],
                           "crime_areas": ["heroin", "cocaine"], "score": [400, 300]})
    fig = oc.ocg_network(groups)
    serbia = _trace(fig, "Serbia")
    assert list(serbia.text) == [ESCAPED, "RS-1"]
    assert serbia.hovertext[0].startswith(f"<b>{ESCAPED}</b> (Serbia)")  # own markup kept
    texts = assert_inert(fig)
    assert ESCAPED in texts


def test_ocg_network_by_country_escapes_every_label():
    groups = pd.DataFrame({"group_ref": [LINK], "country": ["AL"], "crime_areas": ["heroin"],
                           "international_links": ["IT;NL"]})
    fig = oc.ocg_network(groups, by="country", title="Groups")
    assert list(fig.data[-1].text) == ["Italy", "Netherlands"]
    assert html.escape(LINK, quote=False) in fig.data[1].text
    assert_inert(fig)


def test_trend_band_shows_group_names_and_categories_as_text():
    df = pd.DataFrame({"period": [f"{IMG} 1", f"{IMG} 2"] * 2, "v": [1, 2, 3, 4],
                       "lo": [0, 1, 2, 3], "hi": [2, 3, 4, 5],
                       "route": [HOSTILE, HOSTILE, "Western Balkan Route",
                                 "Western Balkan Route"]})
    fig = oc.trend_band(df, x="period", y="v", lower="lo", upper="hi", group="route")
    line = next(t for t in fig.data if t.mode == "lines+markers")
    assert line.name == ESCAPED and line.legendgroup == ESCAPED
    assert line.hovertemplate.endswith(f"<extra>{ESCAPED}</extra>")
    assert list(line.x) == [html.escape(f"{IMG} 1"), html.escape(f"{IMG} 2")]
    assert _trace(fig, f"{ESCAPED} upper").showlegend is False
    assert {t.name for t in fig.data if t.mode == "lines+markers"} == {
        ESCAPED, "Western Balkan Route"}
    assert_inert(fig)


def test_quadrant_shows_labels_that_are_not_countries_as_text():
    df = pd.DataFrame({"country": ["AL", HOSTILE, "SI"], "criminality": [6.5, 5.0, 3.9],
                       "resilience": [4.0, 5.0, 6.8]})
    fig = oc.quadrant(df)
    assert list(fig.data[0].text) == ["AL", ESCAPED, "SI"]
    assert fig.data[0].hovertext[1].startswith(f"<b>{ESCAPED}</b><br>criminality")
    assert fig.layout.annotations[0].text == "Low criminality,<br>high resilience"
    assert_inert(fig)


def test_rank_intervals_shows_units_that_are_not_countries_as_text():
    ranks = pd.DataFrame({"nominal": [1, 2], "median": [1, 2], "q05": [1, 1], "q95": [2, 2]},
                         index=pd.Index(["RS", HOSTILE], name="unit"))
    fig = oc.rank_intervals(ranks)
    assert list(fig.data[0].y) == ["Serbia", ESCAPED]  # the tick labels
    assert_inert(fig)


def test_reference_labels_keep_octasee_line_breaks():
    """Escaping data must not escape octasee's own <br> and <b> (no double escaping)."""
    df = pd.DataFrame({"country": ["RS", "AL"], "crime_area": ["thb", "heroin"],
                       "value": [5.5, 8.0]})
    fig = oc.threat_heatmap(df, value_label="threat score")
    assert list(fig.data[0].x) == ["Heroin<br>trafficking", "Trafficking in<br>human beings"]
    assert fig.data[0].text[0][0].startswith("<b>Albania</b><br>Heroin trafficking")
    routes = pd.DataFrame({"origin": ["AF"], "transit": ["IR;TR"], "destination": ["AT"],
                           "crime_area": ["heroin"]})
    sankey = oc.route_sankey(routes)
    assert "&lt;" not in json.dumps(sankey.to_plotly_json()["data"][0]["node"], default=str)
    texts = assert_inert(sankey)
    assert any("<br>" in t for t in texts)


@pytest.mark.parametrize("make", ["threat_heatmap", "route_sankey", "choropleth"])
def test_author_titles_and_value_labels_cannot_carry_links(make):
    """Titles and value labels are the caller's text: formatting tags stay, links do not."""
    title = f"Seizures<br><sup>2013-2017</sup> {LINK}"
    if make == "threat_heatmap":
        fig = oc.threat_heatmap(pd.DataFrame({"country": ["RS"], "crime_area": ["heroin"],
                                              "v": [1.0]}), value="v", title=title,
                                value_label=STYLE)
    elif make == "route_sankey":
        fig = oc.route_sankey(pd.DataFrame({"origin": ["AF"], "destination": ["AT"]}),
                              title=title)
    else:
        fig = oc.add_source(oc.choropleth(pd.DataFrame({"country": ["RS"], "v": [1.0]}),
                                          value="v", title=title, value_label=STYLE),
                            f"Source: {IMG}")
    texts = assert_inert(fig)
    shown = next(t for t in texts if t.startswith("Seizures"))
    assert shown == ("Seizures<br><sup>2013-2017</sup> "
                     '&lt;a href="http://evil.example"&gt;x&lt;/a&gt;')


# --- the renderer: whatever figure it is given -----------------------------------------------

def _hand_built() -> go.Figure:
    fig = go.Figure()
    fig.add_trace(go.Bar(x=[HOSTILE, "AL"], y=[1, 2], name=HOSTILE, text=[HOSTILE, BOLD],
                         hovertext=[IMG, "x"], customdata=[[LINK], [STYLE]],
                         hovertemplate="<b>%{x}</b><br>%{customdata[0]}<extra>" + IMG
                                       + "</extra>",
                         legendgrouptitle={"text": LINK}, meta={"note": LINK}))
    fig.add_trace(go.Sankey(node={"label": [HOSTILE, "AT"], "customdata": [IMG, LINK]},
                            link={"source": [0], "target": [1], "value": [1],
                                  "label": [STYLE]}))
    fig.add_trace(go.Heatmap(z=[[1]], x=[LINK], y=[IMG], colorbar={"title": {"text": LINK}}))
    fig.update_layout(title={"text": HOSTILE}, legend={"title": {"text": IMG}},
                      xaxis={"title": {"text": LINK}, "tickvals": [0], "ticktext": [LINK]},
                      annotations=[{"text": STYLE, "x": 0, "y": 0},
                                   {"text": "<i>note</i><br>&lt;kept&gt;", "x": 1, "y": 1}])
    return fig


def test_renderer_neutralises_links_images_and_styles_in_any_figure():
    fig = _hand_built()
    before = fig.to_plotly_json()
    texts = assert_inert(fig)
    # bare formatting tags survive, and what was escaped already is not escaped again
    assert "<i>note</i><br>&lt;kept&gt;" in texts
    assert "<b>%{x}</b><br>%{customdata[0]}<extra>&lt;img src=x onerror=alert(1)&gt;</extra>" \
        in texts
    assert f"&lt;a href=\"http://evil.example\"&gt;x&lt;/a&gt; {BOLD}".split(" <b>")[0] in \
        " ".join(texts)
    # the figure itself is left as it was
    assert fig.to_plotly_json()["layout"]["title"] == before["layout"]["title"]
    assert fig.layout.title.text == HOSTILE


def test_renderer_accepts_figure_dicts_and_keeps_ids_of_clean_figures():
    fig = _hand_built()
    assert_inert(fig.to_plotly_json())
    clean = go.Figure(go.Scatter(x=[1, 2], y=[3, 4], name="a<br>b"))
    assert figure_html(clean) == figure_html(clean)
    assert div_id(clean) == div_id(clean.to_plotly_json())
    assert mimebundle(clean)[MIMETYPE]["data"][0]["name"] == "a<br>b"


def test_widgets_static_views_show_group_references_as_text():
    from octasee.widgets import ocg_explorer

    scores = pd.DataFrame({"rank": [1], "country": ["RS"], "group_ref": [HOSTILE],
                           "crime_areas": ["heroin"], "score": [400.0], "max_score": [760]})
    page = ocg_explorer(scores)._repr_mimebundle_()["text/html"]
    assert not LIVE.search(page) and html.escape(LINK, quote=False) in page
