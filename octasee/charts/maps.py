"""The region's map, drawn offline from boundaries shipped with the package.

plotly.js's geo subplots fetch ``world_110m.json`` from a CDN even when every trace brings
its own GeoJSON (plotly.js#6767), so these maps use no geo subplot at all: the polygons are
projected here (Lambert azimuthal equal-area, centred on lon 21°, lat 43°) and drawn as
filled ``Scatter`` traces on hidden cartesian axes that keep the map's proportions.

Boundaries: Natural Earth 1:50m (public domain), from the npm package ``world-atlas``; see
``data/PROVENANCE.md`` and ``data/make_boundaries.py``.

>>> import pandas as pd
>>> from octasee.charts import choropleth
>>> df = pd.DataFrame({"country": ["RS", "HR", "AL"], "score": [6.5, 5.0, 7.0]})
>>> fig = choropleth(df, value="score", title="Criminality score")
>>> members = [t for t in fig.data if (t.meta or {}).get("role") == "member"]
>>> len(members), "geo" in fig.to_plotly_json()["layout"]
(13, False)
"""

from __future__ import annotations

import csv
import itertools
import json
import math
import textwrap
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from octasee.analysis.routes import RouteLegs
from octasee.analysis.routes import route_legs as _legs
from octasee.charts import theme
from octasee.charts._common import (
    escape_label,
    numeric,
    require_columns,
    require_frame,
    themed,
)
from octasee.errors import ReferenceDataError, UsageError
from octasee.reference import KOSOVO_FOOTNOTE as _KOSOVO_FOOTNOTE
from octasee.reference import country_name, resolve_country

__all__ = [
    "CENTRE",
    "KOSOVO_FOOTNOTE",
    "MAP_DISCLAIMER",
    "boundaries",
    "choropleth",
    "country_points",
    "map_notes",
    "place_name",
    "project",
    "route_legs",
    "route_map",
]

#: Centre of the projection (lon, lat): the middle of the Balkans.
CENTRE = (21.0, 43.0)
_EARTH_KM = 6371.0088
_MARGIN_KM = 70.0
_ROLE = "role"

#: The standard boundary disclaimer every map of the report carries.
MAP_DISCLAIMER = ("The boundaries and names shown and the designations used on this map do "
                  "not imply official endorsement or acceptance by SELEC.")
#: The standard footnote wherever Kosovo is drawn or named (its label reads "Kosovo*"):
#: the reference data's one wording, which the text's footnote uses too.
KOSOVO_FOOTNOTE = _KOSOVO_FOOTNOTE
#: Kosovo's code in the data (user-assigned, as the EU writes it) and its name on a map.
KOSOVO = "XK"
_KOSOVO_LABEL = "Kosovo*"


# --- data ------------------------------------------------------------------------------------

@cache
def _boundaries_text() -> str:
    return (resources.files("octasee.charts") / "data" / "see_boundaries.geojson").read_text(
        encoding="utf-8")


def boundaries(*, winding: str = "rfc7946") -> dict[str, Any]:
    """The bundled boundaries as a GeoJSON ``FeatureCollection`` (a fresh copy).

    ``winding="rfc7946"`` (exterior rings counter-clockwise) is the standard; plotly.js's own
    geo traces (``go.Choropleth`` with ``geojson=``) want the opposite, or the fill covers
    everything outside the country: ask for ``winding="plotly"`` to use them there.

    >>> geo = boundaries()
    >>> sorted(f["properties"]["iso2"] for f in geo["features"] if f["properties"]["member"])
    ['AL', 'BA', 'BG', 'GR', 'HR', 'HU', 'MD', 'ME', 'MK', 'RO', 'RS', 'SI', 'TR']
    """
    if winding not in ("rfc7946", "plotly"):
        raise UsageError(f"unknown winding {winding!r}", where="boundaries()",
                         hint="use 'rfc7946' or 'plotly'")
    geo = json.loads(_boundaries_text())
    if winding == "plotly":
        for f in geo["features"]:
            g = f["geometry"]
            polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
            for poly in polys:
                for r in poly:
                    r.reverse()
    return geo


@cache
def _points() -> dict[str, tuple[float, float]]:
    text = (resources.files("octasee.charts") / "data" / "country_points.csv").read_text(
        encoding="utf-8")
    return {r["iso2"]: (float(r["lon"]), float(r["lat"])) for r in csv.DictReader(
        text.splitlines())}


@cache
def _point_names() -> dict[str, str]:
    text = (resources.files("octasee.charts") / "data" / "country_points.csv").read_text(
        encoding="utf-8")
    return {r["iso2"]: r["name"] for r in csv.DictReader(text.splitlines())}


def place_name(code: str) -> str:
    """The English name of a country code as a chart prints it; Kosovo (``XK``) is
    "Kosovo*", with the asterisk of the standard footnote (:data:`KOSOVO_FOOTNOTE`).

    >>> place_name("MK"), place_name("XK")
    ('North Macedonia', 'Kosovo*')
    """
    if code == KOSOVO:
        return _KOSOVO_LABEL
    try:
        return country_name(code)
    except ReferenceDataError:
        return _point_names().get(code, code)


def country_points() -> dict[str, tuple[float, float]]:
    """A label point (lon, lat) inside every country of the world, keyed by ISO alpha-2.

    >>> country_points()["RS"]
    (20.752, 44.107)
    """
    return dict(_points())


def project(lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
    """Lambert azimuthal equal-area projection centred on :data:`CENTRE`, in kilometres.

    >>> x, y = project(21.0, 43.0); float(x), float(y)
    (0.0, 0.0)
    """
    lam = np.radians(np.asarray(lon, dtype=float) - CENTRE[0])
    phi = np.radians(np.asarray(lat, dtype=float))
    phi0 = math.radians(CENTRE[1])
    cos_c = math.sin(phi0) * np.sin(phi) + math.cos(phi0) * np.cos(phi) * np.cos(lam)
    k = np.sqrt(2.0 / (1.0 + cos_c))
    x = _EARTH_KM * k * np.cos(phi) * np.sin(lam)
    y = _EARTH_KM * k * (math.cos(phi0) * np.sin(phi)
                         - math.sin(phi0) * np.cos(phi) * np.cos(lam))
    return x, y


@cache
def _shapes() -> tuple[dict[str, Any], ...]:
    """Projected outlines: one entry a country, rings joined by ``None`` breaks."""
    out = []
    for f in boundaries()["features"]:
        g, p = f["geometry"], f["properties"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        xs: list[float | None] = []
        ys: list[float | None] = []
        area = 0.0
        for poly in polys:
            # Holes (San Marino and the Vatican in Italy) are countries drawn on top, so
            # the exterior ring alone is drawn: fill="toself" would fill holes anyway.
            ring = np.asarray(poly[0], dtype=float)
            x, y = project(ring[:, 0], ring[:, 1])
            area += 0.5 * abs(float(np.sum(x[:-1] * y[1:] - x[1:] * y[:-1])))
            xs += [*np.round(x, 1).tolist(), None]
            ys += [*np.round(y, 1).tolist(), None]
        lx, ly = project(p["label_lon"], p["label_lat"])
        out.append({"iso2": p["iso2"], "member": p["member"], "x": tuple(xs[:-1]),
                    "y": tuple(ys[:-1]), "area": area, "label": (float(lx), float(ly))})
    # Large countries first, so that small ones (enclaves, micro-states) stay visible.
    return tuple(sorted(out, key=lambda s: (not s["member"], -s["area"])))


@cache
def frame() -> tuple[float, float, float, float]:
    """The map's extent in projected km (x0, y0, x1, y1): the members plus a margin."""
    xs = [v for s in _shapes() if s["member"] for v in s["x"] if v is not None]
    ys = [v for s in _shapes() if s["member"] for v in s["y"] if v is not None]
    return (min(xs) - _MARGIN_KM, min(ys) - _MARGIN_KM, max(xs) + _MARGIN_KM,
            max(ys) + _MARGIN_KM)


# --- flows -----------------------------------------------------------------------------------

def route_legs(routes: pd.DataFrame, *, origin: str = "origin", transit: str = "transit",
               destination: str = "destination", count: str | None = None) -> pd.DataFrame:
    """Break routes into legs between consecutive countries and count them
    (:func:`octasee.analysis.routes.route_legs`, which the route maps draw).

    ``routes`` has the store's shape: ``origin``, ``transit`` (';'-joined countries in
    order) and ``destination`` (';'-joined: the route fans out from its last transit
    country to each). Names or ISO codes are accepted; the result uses alpha-2 codes.
    ``count`` names a column of weights (default: each route counts 1). A place that is
    not a known country is a :class:`ReferenceDataError` naming the route and the column.

    >>> routes = pd.DataFrame({"origin": ["AF", "AF"], "transit": ["IR;TR;BG", "IR;TR"],
    ...                        "destination": ["AT;DE", "GR"]})
    >>> route_legs(routes).to_string(index=False)
    'origin destination  count\\n    AF          IR    2.0\\n    BG          AT    1.0\\n    BG          DE    1.0\\n    IR          TR    2.0\\n    TR          BG    1.0\\n    TR          GR    1.0'
    """
    function = "route_legs"
    routes = require_frame(routes, function)
    require_columns(routes, {"origin": origin, "destination": destination, "count": count},
                    function)
    legs = _legs(routes, origin=origin, transit=transit, destination=destination,
                 count=count, strict=True).legs
    return legs[["origin", "destination", "count"]]


def _clip_segment(x0: float, y0: float, x1: float, y1: float,
                  box: tuple[float, float, float, float]
                  ) -> tuple[float, float, float, float, float, float] | None:
    """Liang-Barsky: the part of a segment inside the box and its (t0, t1), or None."""
    bx0, by0, bx1, by1 = box
    dx, dy = x1 - x0, y1 - y0
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, x0 - bx0), (dx, bx1 - x0), (-dy, y0 - by0), (dy, by1 - y0)):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return None
    return x0 + t0 * dx, y0 + t0 * dy, x0 + t1 * dx, y0 + t1 * dy, t0, t1


def _flow_layer(fig: go.Figure, flows: pd.DataFrame, box: tuple[float, float, float, float]
                ) -> list[str]:
    """Arrows for ``flows`` on a choropleth; returns notes on what it could not draw."""
    if {"origin", "destination"} - set(flows.columns):
        require_columns(flows, {"flows origin": "origin", "flows destination": "destination"},
                        "choropleth")
    legs = (route_legs(flows) if "count" not in flows.columns
            else route_legs(flows, count="count"))
    if legs.empty:
        return []
    pts = _points()
    top = float(legs["count"].max()) or 1.0
    # Legs that leave the frame end a little inside it, where a marker names the country.
    pad = 0.025 * (box[2] - box[0])
    inner = (box[0] + pad, box[1] + pad, box[2] - pad, box[3] - pad)
    colour = "#1a1a1a"
    hover_x, hover_y, hover_text = [], [], []
    edge_x, edge_y, edge_text = [], [], []
    unplaced: list[str] = []
    for leg in legs.itertuples(index=False):
        if leg.origin not in pts or leg.destination not in pts:
            unplaced += [c for c in (leg.origin, leg.destination) if c not in pts]
            continue
        (ax, ay), (bx, by) = (project(*pts[leg.origin]), project(*pts[leg.destination]))
        seg = _clip_segment(float(ax), float(ay), float(bx), float(by), inner)
        if seg is None:
            continue
        x0, y0, x1, y1, t0, t1 = seg
        width = 1.0 + 3.0 * float(leg.count) / top
        fig.add_annotation(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x",
                           ayref="y", showarrow=True, arrowhead=2, arrowsize=0.9,
                           arrowwidth=width, arrowcolor="rgba(26,26,26,0.65)", text="",
                           standoff=6, startstandoff=4,
                           name=f"flow {leg.origin}-{leg.destination}")
        n = f"{leg.count:g} route{'s' if leg.count != 1 else ''}"
        hover_x.append((x0 + x1) / 2)
        hover_y.append((y0 + y1) / 2)
        hover_text.append(f"{escape_label(place_name(leg.origin))} → "
                          f"{escape_label(place_name(leg.destination))}: {n}")
        # Where a leg leaves the frame, name the country it comes from or goes to.
        for off, (ex, ey), code in ((t0 > 0, (x0, y0), leg.origin),
                                    (t1 < 1, (x1, y1), leg.destination)):
            if off and code not in edge_text:
                edge_x.append(ex)
                edge_y.append(ey)
                edge_text.append(code)
    if hover_x:
        fig.add_trace(go.Scatter(
            x=hover_x, y=hover_y, mode="markers", marker={"size": 10, "opacity": 0},
            hovertext=hover_text, hoverinfo="text", showlegend=False, name="routes",
            meta={_ROLE: "flows"}))
    if edge_x:
        fig.add_trace(go.Scatter(
            x=edge_x, y=edge_y, mode="markers+text", text=edge_text,
            textposition="middle center", textfont={"size": 9, "color": "white"},
            marker={"size": 20, "color": colour, "symbol": "circle"}, hoverinfo="text",
            hovertext=[escape_label(place_name(c)) for c in edge_text], showlegend=False,
            name="off-map", meta={_ROLE: "off-map"}))
    return _unplaced_notes(unplaced)


def _unplaced_notes(codes: Sequence[str]) -> list[str]:
    """A note naming the places no point is known for (their legs are not drawn)."""
    codes = list(dict.fromkeys(codes))
    if not codes:
        return []
    return [f"Not drawn: the legs to and from {', '.join(codes)} (no map position is known "
            "for them)."]


# --- notes under a map -----------------------------------------------------------------------

#: The notes' font size (px at the A4 width) and how many characters fit on a line.
_NOTE_SIZE = 9
_NOTE_CHARS = 170
_NOTE_LINE = 12


def map_notes(*, kosovo: bool = True, extra: Sequence[str] = ()) -> list[str]:
    """The notes a map carries under it: ``extra`` (what it could not draw, how it
    places far countries), the boundary disclaimer (:data:`MAP_DISCLAIMER`) and, where
    Kosovo is drawn (``kosovo``), the standard footnote (:data:`KOSOVO_FOOTNOTE`).

    >>> [n[:30] for n in map_notes()]
    ['The boundaries and names shown', '*This designation is without p']
    >>> map_notes(kosovo=False) == [MAP_DISCLAIMER]
    True
    """
    return [*extra, MAP_DISCLAIMER, *([KOSOVO_FOOTNOTE] if kosovo else [])]


def _note_lines(notes: Sequence[str]) -> list[str]:
    return [line for note in notes
            for line in textwrap.wrap(note, _NOTE_CHARS, break_on_hyphens=False)]


def _add_notes(fig: go.Figure, notes: Sequence[str], *, below: int, left: float = 0.0
               ) -> int:
    """Write ``notes`` under the plot area (``below`` px under its bottom edge, under a
    legend there), as one left-aligned annotation; returns the height it takes in px."""
    lines = _note_lines(notes)
    if not lines:
        return 0
    fig.add_annotation(
        text="<br>".join(escape_label(line) for line in lines), xref="paper",
        yref="paper", x=left, y=0, xanchor="left", yanchor="top", yshift=-below,
        showarrow=False, align="left", name="map notes",
        font={"size": _NOTE_SIZE, "color": "#444444"})
    return len(lines) * _NOTE_LINE + 6


# --- the map ---------------------------------------------------------------------------------

def _luminance(rgb: str) -> float:
    parts = [float(v) for v in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
    return 0.2126 * parts[0] + 0.7152 * parts[1] + 0.0722 * parts[2]


def choropleth(data: pd.DataFrame, *, value: str, country: str = "country",
               title: str | None = None,
               colorscale: Sequence[Sequence[Any]] | str = theme.THREAT_SCALE,
               labels: bool = True, neighbours: bool = True,
               flows: pd.DataFrame | None = None,
               range_color: tuple[float, float] | None = None,
               value_label: str | None = None, value_format: str = ".2f",
               height: int | None = None) -> go.Figure:
    """A choropleth of the 13 members, drawn without a geo subplot (nothing is fetched).

    ``data`` has one row per member (``country`` holds alpha-2 codes or any member name) and
    a numeric ``value``. Members without a row or with NaN are hatched and say "no data".
    ``neighbours`` draws the countries around the region in grey; ``labels`` writes ISO codes
    on the map; ``flows`` (a routes table with ``origin``, ``transit``, ``destination``, or
    legs with ``origin``, ``destination`` and ``count``) adds arrows whose width follows the
    number of routes. ``colorscale`` is any plotly colour scale (default: the threat scale);
    ``height`` defaults to what the map's proportions need at the A4 width.

    >>> import pandas as pd
    >>> fig = choropleth(pd.DataFrame({"country": ["Serbia"], "v": [1.0]}), value="v")
    >>> rs = next(t for t in fig.data if t.meta == {"role": "member", "iso2": "RS"})
    >>> rs.name, rs.fillcolor
    ('Serbia', 'rgb(254, 240, 217)')
    """
    function = "choropleth"
    data = require_frame(data, function)
    require_columns(data, {"country": country, "value": value}, function)
    codes = []
    for v in data[country]:
        try:
            codes.append(resolve_country(v))
        except ReferenceDataError as exc:
            raise ReferenceDataError(exc.what, where=f"{function}(): column {country!r}",
                                     suggestions=exc.suggestions) from None
    values = pd.Series(numeric(data[value], value, function).to_numpy(), index=codes)
    dupes = sorted(set(values.index[values.index.duplicated()]))
    if dupes:
        raise UsageError(f"several rows for {', '.join(dupes)}", where=f"{function}()",
                         hint="give one row per country (aggregate the table first)")
    present = values.dropna()
    if range_color is not None:
        lo, hi = (float(v) for v in range_color)
    elif len(present):
        lo, hi = float(present.min()), float(present.max())
    else:
        lo, hi = 0.0, 1.0
    span = hi - lo if hi > lo else 1.0
    scale = [list(s) for s in colorscale] if not isinstance(colorscale, str) else colorscale
    label = value_label or value

    fig = go.Figure()
    box = frame()
    for s in _shapes():
        code = s["iso2"]
        if neighbours and not s["member"]:
            fig.add_trace(go.Scatter(
                x=s["x"], y=s["y"], fill="toself", mode="lines",
                fillcolor=theme.CONTEXT_GREY, line={"color": "white", "width": 0.6},
                hoveron="fills", hoverinfo="text",
                text=f"{escape_label(place_name(code))} (not a SELEC member)",
                name=escape_label(place_name(code)), showlegend=False,
                meta={_ROLE: "neighbour", "iso2": code}))
    for s in _shapes():
        if not s["member"]:
            continue
        code = s["iso2"]
        v = values.get(code, float("nan"))
        common = {"x": s["x"], "y": s["y"], "fill": "toself", "mode": "lines",
                  "line": {"color": "white", "width": 0.8}, "hoveron": "fills",
                  "hoverinfo": "text", "name": escape_label(place_name(code)),
                  "showlegend": False,
                  "meta": {_ROLE: "member", "iso2": code}}
        if pd.isna(v):
            fig.add_trace(go.Scatter(
                **common, fillcolor=theme.NO_DATA_GREY,
                fillpattern={"shape": "/", "fgcolor": "#a6a6a6", "bgcolor": theme.NO_DATA_GREY,
                             "size": 6, "solidity": 0.15},
                text=f"<b>{escape_label(place_name(code))}</b> ({code})<br>{label}: no data"))
        else:
            t = min(max((float(v) - lo) / span, 0.0), 1.0)
            colour = sample_colorscale(scale, [t])[0]
            fig.add_trace(go.Scatter(
                **common, fillcolor=colour,
                text=f"<b>{escape_label(place_name(code))}</b> ({code})<br>{label}: "
                     f"{v:{value_format}}"))

    if labels:
        shown = [s for s in _shapes() if s["member"] or (
            neighbours and box[0] < s["label"][0] < box[2] and box[1] < s["label"][1] < box[3])]
        colours = []
        for s in shown:
            v = values.get(s["iso2"], float("nan")) if s["member"] else float("nan")
            dark = False
            if pd.notna(v):
                t = min(max((float(v) - lo) / span, 0.0), 1.0)
                dark = _luminance(sample_colorscale(scale, [t])[0]) < 110
            colours.append("white" if dark else ("#222222" if s["member"] else "#8c8c8c"))
        fig.add_trace(go.Scatter(
            x=[s["label"][0] for s in shown], y=[s["label"][1] for s in shown],
            mode="text",
            text=[_KOSOVO_LABEL if s["iso2"] == KOSOVO else s["iso2"] for s in shown],
            textfont={"size": [10 if s["member"] else 9 for s in shown], "color": colours},
            hoverinfo="skip", showlegend=False, name="labels", meta={_ROLE: "labels"}))

    # The colour bar: an invisible marker carrying the same scale and range.
    fig.add_trace(go.Scatter(
        x=[box[0]], y=[box[1]], mode="markers", hoverinfo="skip", showlegend=False,
        name="colour scale", meta={_ROLE: "colorbar"},
        marker={"size": 0.1, "opacity": 0, "color": [lo], "cmin": lo, "cmax": hi,
                "colorscale": scale, "showscale": bool(len(present)),
                "colorbar": {"title": {"text": label, "side": "right"}, "thickness": 12,
                             "len": 0.75, "outlinewidth": 0, "x": 1.0, "xanchor": "left"}}))

    extra: list[str] = []
    if flows is not None:
        extra = _flow_layer(fig, require_frame(flows, function), box)

    hidden = {"visible": False, "showgrid": False, "zeroline": False, "fixedrange": False}
    top = 48 if title else 8
    bottom = 8 + _add_notes(fig, map_notes(kosovo=neighbours, extra=extra), below=4)
    if height is None:  # the frame's proportions at the A4 width, less the colour bar
        aspect = (box[2] - box[0]) / (box[3] - box[1])
        height = round((theme.A4_WIDTH - 90) / aspect) + top + bottom
    fig = themed(fig)
    fig.update_layout(
        height=height, margin={"l": 4, "r": 4, "t": top, "b": bottom},
        title={"text": title} if title else None, plot_bgcolor="white", hovermode="closest",
        xaxis={**hidden, "range": [box[0], box[2]], "constrain": "domain"},
        yaxis={**hidden, "range": [box[1], box[3]], "constrain": "domain",
               "scaleanchor": "x", "scaleratio": 1},
        dragmode="pan",
    )
    return fig


# --- route maps ------------------------------------------------------------------------------

#: Classes of legs by the number of routes that report them: (fewest, most, line width px).
#: Each width is at least 1.8 times the one before, so that the classes part in print.
_WIDTHS: tuple[tuple[int, int | None, float], ...] = (
    (1, 1, 1.0), (2, 2, 2.0), (3, 4, 3.6), (5, 8, 6.5), (9, None, 11.8))
_LEG_COLOUR = "rgba(127, 39, 4, 0.72)"
_ARROW_COLOUR = "#7f2704"
_MEMBER_FILL = "#f3efe6"
_ROLE_LABELS = {"origin": "Origin", "transit": "Transit", "destination": "Destination"}
_ROLE_MARKERS = {
    "origin": {"symbol": "square", "color": theme.PALETTE[1],
               "line": {"color": "#333333", "width": 0.8}},
    "transit": {"symbol": "circle", "color": "white", "line": {"color": "#333333", "width": 1.4}},
    "destination": {"symbol": "diamond", "color": theme.PALETTE[0],
                    "line": {"color": "#333333", "width": 0.8}},
}
#: How far a leg bows to its right (a share of its length), so that A→B and B→A part.
_BOW = 0.14
#: Where along a leg (0 = its start) its arrow head and its count of routes sit.
_ARROW_AT = 0.64
_COUNT_AT = 0.42
#: The side a place's name is tried on first, where the small countries of the western
#: Balkans read best; the placement moves it if it would overprint anything.
_LABEL_SIDE = {"AL": "left", "ME": "left", "MK": "bottom right", "XK": "right",
               "GR": "right", "RS": "right", "BA": "top left", "SI": "top left",
               "HR": "top", "HU": "top", "RO": "top", "MD": "right", "BG": "top"}
#: A white halo around labels, so that they read over the legs.
_HALO = ("0px 0px 2px #ffffff, 0px 0px 2px #ffffff, 0px 0px 3px #ffffff")
#: The map's margins (px): the labels stay inside the plot area, so none needs room.
_SIDE_MARGIN = 8
#: Label size estimates (px): a character's width and a line's height as shares of the
#: font size (generous for Arial/Liberation Sans), and the marker's half size.
CHAR_WIDTH = 0.58
LINE_HEIGHT = 1.25
_MARKER_HALF = 6.0
#: A country beyond the frame whose part inside it covers this much (km²) is drawn there.
_VISIBLE_KM2 = 15000.0
BEYOND_NOTE = ("Countries beyond the map are shown at its edge, in their direction from "
               "the map's centre.")


def _width(n: int) -> tuple[int, str, float]:
    """The class of a leg reported by ``n`` routes: (its rank, legend label, line width)."""
    for rank, (lo, hi, w) in enumerate(_WIDTHS):
        if n >= lo and (hi is None or n <= hi):
            if hi is None:
                label = f"{lo} or more routes"
            elif lo == hi:
                label = f"{lo} route{'s' if lo != 1 else ''}"
            else:
                label = f"{lo}–{hi} routes"
            return rank, label, w
    return 0, "1 route", _WIDTHS[0][2]


def _two_lines(name: str) -> str:
    """A long name on two lines, broken at the space nearest its middle.

    >>> _two_lines("Bosnia and Herzegovina"), _two_lines("Serbia")
    ('Bosnia and<br>Herzegovina', 'Serbia')
    """
    if len(name) <= 14 or " " not in name:
        return name
    spaces = [i for i, ch in enumerate(name) if ch == " "]
    cut = min(spaces, key=lambda i: abs(i - len(name) / 2))
    return name[:cut] + "<br>" + name[cut + 1:]


def label_size(text: str, size: float) -> tuple[float, float]:
    """The estimated (width, height) in px of a label's ``text`` (``<br>`` breaks lines)
    at font ``size``: what the placement keeps apart.

    >>> label_size("Serbia", 10)
    (34.8, 12.5)
    """
    lines = text.split("<br>")
    return (round(max(len(line) for line in lines) * size * CHAR_WIDTH, 2),
            round(len(lines) * size * LINE_HEIGHT, 2))


def _inside_polygon(px: np.ndarray, py: np.ndarray, xs: Sequence[float | None],
                    ys: Sequence[float | None]) -> np.ndarray:
    """Even-odd test of points against rings joined by ``None`` breaks."""
    inside = np.zeros(px.shape, dtype=bool)
    ring: list[tuple[float, float]] = []
    for x, y in [*zip(xs, ys, strict=True), (None, None)]:
        if x is not None and y is not None:
            ring.append((x, y))
            continue
        if len(ring) > 2:
            r = np.asarray(ring)
            x0, y0 = r[:, 0], r[:, 1]
            x1, y1 = np.roll(x0, -1), np.roll(y0, -1)
            for a, b, c, d in zip(x0, y0, x1, y1, strict=True):
                if b == d:
                    continue
                cross = ((b > py) != (d > py)) & (px < a + (py - b) * (c - a) / (d - b))
                inside ^= cross
        ring = []
    return inside


@cache
def _visible_point(code: str) -> tuple[float, float] | None:
    """A point well inside the part of country ``code`` that the frame shows, if that part
    covers :data:`_VISIBLE_KM2` or more (Ukraine, Italy); else None (drawn on the edge)."""
    shape = next((s for s in _shapes() if s["iso2"] == code), None)
    if shape is None:
        return None
    box = frame()
    step, keep = 20.0, 40.0  # grid (km) and how far inside the frame the point stays
    xs = [v for v in shape["x"] if v is not None]
    ys = [v for v in shape["y"] if v is not None]
    x0, x1 = max(min(xs), box[0] + keep), min(max(xs), box[2] - keep)
    y0, y1 = max(min(ys), box[1] + keep), min(max(ys), box[3] - keep)
    if x0 >= x1 or y0 >= y1:
        return None
    gx, gy = np.meshgrid(np.arange(x0, x1, step), np.arange(y0, y1, step))
    gx, gy = gx.ravel(), gy.ravel()
    inside = _inside_polygon(gx, gy, shape["x"], shape["y"])
    if inside.sum() * step * step < _VISIBLE_KM2:
        return None
    vx, vy = gx[inside], gy[inside]
    i = int(np.argmin((vx - vx.mean()) ** 2 + (vy - vy.mean()) ** 2))
    return float(vx[i]), float(vy[i])


def _edge_point(x: float, y: float, box: tuple[float, float, float, float]
                ) -> tuple[float, float, str]:
    """Where the line from the frame's centre towards (x, y) meets the frame, and which
    side: a far place's direction from the map as the reader sees it."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    dx, dy = x - cx, y - cy
    ts = {}
    if dx < 0:
        ts["left"] = (box[0] - cx) / dx
    if dx > 0:
        ts["right"] = (box[2] - cx) / dx
    if dy < 0:
        ts["bottom"] = (box[1] - cy) / dy
    if dy > 0:
        ts["top"] = (box[3] - cy) / dy
    side = min(ts, key=ts.__getitem__)
    t = ts[side]
    return (min(max(cx + t * dx, box[0]), box[2]), min(max(cy + t * dy, box[1]), box[3]),
            side)


def _spread(anchors: dict[str, list[float]], sides: dict[str, str],
            box: tuple[float, float, float, float], size: dict[str, tuple[float, float]],
            km_per_px: float) -> None:
    """Move the edge places of one side apart along it, so that neither their markers nor
    their labels (beside them, inside the frame) overlap (in place:
    ``anchors[code] = [x, y]``); ``size``: each label's (width, height) in px."""
    for side in ("left", "right", "top", "bottom"):
        codes = [c for c in anchors if sides[c] == side]
        if not codes:
            continue
        axis = 1 if side in ("left", "right") else 0
        lo, hi = (box[1], box[3]) if axis else (box[0], box[2])

        def half(c: str, axis: int = axis) -> float:
            extent = size[c][1] if axis else size[c][0]
            return (max(extent, 2 * _MARKER_HALF) / 2 + 3) * km_per_px

        codes.sort(key=lambda c: anchors[c][axis])
        for c in codes:  # the labels stay inside the frame
            anchors[c][axis] = min(max(anchors[c][axis], lo + half(c)), hi - half(c))
        for a, b in itertools.pairwise(codes):  # push up / right
            anchors[b][axis] = max(anchors[b][axis], anchors[a][axis] + half(a) + half(b))
        over = anchors[codes[-1]][axis] - (hi - half(codes[-1]))
        if over > 0:  # then back inside, keeping the gaps
            anchors[codes[-1]][axis] -= over
            for a, b in itertools.pairwise(reversed(codes)):
                anchors[b][axis] = min(anchors[b][axis], anchors[a][axis] - half(a) - half(b))


def _bezier(p0: tuple[float, float], p2: tuple[float, float], n: int = 24
            ) -> tuple[np.ndarray, np.ndarray, tuple[float, float]]:
    """A leg bowed to its right: points along a quadratic curve, and its control point."""
    (x0, y0), (x2, y2) = p0, p2
    dx, dy = x2 - x0, y2 - y0
    cx = (x0 + x2) / 2 + _BOW * dy
    cy = (y0 + y2) / 2 - _BOW * dx
    t = np.linspace(0.0, 1.0, n)
    xs = (1 - t) ** 2 * x0 + 2 * (1 - t) * t * cx + t ** 2 * x2
    ys = (1 - t) ** 2 * y0 + 2 * (1 - t) * t * cy + t ** 2 * y2
    return xs, ys, (cx, cy)


def _on_bezier(p0: tuple[float, float], c: tuple[float, float], p2: tuple[float, float],
               t: float) -> tuple[float, float, float, float]:
    """The point of a quadratic curve at ``t`` and its tangent (dx, dy)."""
    x = (1 - t) ** 2 * p0[0] + 2 * (1 - t) * t * c[0] + t ** 2 * p2[0]
    y = (1 - t) ** 2 * p0[1] + 2 * (1 - t) * t * c[1] + t ** 2 * p2[1]
    dx = 2 * (1 - t) * (c[0] - p0[0]) + 2 * t * (p2[0] - c[0])
    dy = 2 * (1 - t) * (c[1] - p0[1]) + 2 * t * (p2[1] - c[1])
    return x, y, dx, dy


def _basemap(fig: go.Figure) -> None:
    """The neighbours in grey and the members in a light fill, hover naming each."""
    for s in _shapes():
        code = s["iso2"]
        member = bool(s["member"])
        fig.add_trace(go.Scatter(
            x=s["x"], y=s["y"], fill="toself", mode="lines",
            fillcolor=_MEMBER_FILL if member else theme.CONTEXT_GREY,
            line={"color": "#9e9e9e" if member else "white", "width": 0.7 if member else 0.6},
            hoveron="fills", hoverinfo="text",
            text=escape_label(place_name(code)) + ("" if member else " (not a SELEC member)"),
            name=escape_label(place_name(code)), showlegend=False,
            meta={_ROLE: "member" if member else "neighbour", "iso2": code}))


def _role_text(code: str, row: Any) -> str:
    parts = []
    for role, word in (("origin", "origin of"), ("transit", "transit on"),
                       ("destination", "destination of")):
        n = int(getattr(row, role))
        if n:
            parts.append(f"{word} {n} route{'s' if n != 1 else ''}")
    return f"<b>{escape_label(place_name(code))}</b><br>" + "; ".join(parts)


Box = tuple[float, float, float, float]

#: Where a label may sit beside its marker, as the unit direction of its centre.
_SIDES = {"right": (1, 0), "left": (-1, 0), "top": (0, 1), "bottom": (0, -1),
          "top right": (1, 1), "top left": (-1, 1), "bottom right": (1, -1),
          "bottom left": (-1, -1)}
#: The sides an edge place's label may take: inward, never out of the frame.
_INWARD = {"left": ("right", "top right", "bottom right"),
           "right": ("left", "top left", "bottom left"),
           "top": ("bottom", "bottom right", "bottom left"),
           "bottom": ("top", "top right", "top left")}


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _place_labels(items: Sequence[dict[str, Any]], *, plot: Box, km_per_px: float,
                  markers: Sequence[tuple[float, float]], lines: Sequence[np.ndarray],
                  taken: Sequence[Box]) -> dict[str, Box]:
    """Greedy label placement in the map's coordinates (km): each label, in turn, takes
    the candidate position that overprints least (another label or a marker first, then
    route lines), inside the plot area ``plot``; returns each label's box (x0, y0, x1, y1).

    ``items``: dicts with ``code``, ``at`` (its marker or label point), ``size`` (px),
    ``marker`` (a marker is drawn at ``at``) and ``sides`` (the sides to try, in order).
    ``lines``: (n, 2) arrays of points along the legs; ``taken``: boxes already used.
    """
    placed: list[Box] = list(taken)
    m = np.asarray(markers, dtype=float).reshape(-1, 2)
    pts = np.vstack([*lines, np.empty((0, 2))])
    half_m = _MARKER_HALF * km_per_px
    boxes: dict[str, Box] = {}
    for item in items:
        w, h = (v * km_per_px for v in item["size"])
        x, y = item["at"]
        cands: list[tuple[float, float, float]] = []  # centre and the cost of its distance
        if not item["marker"]:
            cands.append((x, y, 0.0))
        gap = (_MARKER_HALF + 2) * km_per_px if item["marker"] else 2 * km_per_px
        for ring in (0, 1, 2):
            extra = ring * 10 * km_per_px
            for rank, side in enumerate(item["sides"]):
                ux, uy = _SIDES[side]
                cands.append((x + ux * (w / 2 + gap + extra), y + uy * (h / 2 + gap + extra),
                              1 + rank + 40 * ring))
        best, best_cost = None, math.inf
        for cx, cy, far in cands:
            b = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            if b[0] < plot[0] or b[1] < plot[1] or b[2] > plot[2] or b[3] > plot[3]:
                continue
            cost = 1e4 * sum(_overlap(b, p) for p in placed)
            if len(m):
                cost += 1e3 * int(np.sum((m[:, 0] + half_m > b[0]) & (m[:, 0] - half_m < b[2])
                                         & (m[:, 1] + half_m > b[1])
                                         & (m[:, 1] - half_m < b[3])))
            if len(pts):
                cost += item.get("line_cost", 20) * int(np.sum((pts[:, 0] > b[0]) & (pts[:, 0] < b[2])
                                        & (pts[:, 1] > b[1]) & (pts[:, 1] < b[3])))
            cost += far
            if cost < best_cost:
                best, best_cost = b, cost
        if best is None:  # nowhere inside: at the point, pulled into the plot area
            cx = min(max(x, plot[0] + w / 2), plot[2] - w / 2)
            cy = min(max(y, plot[1] + h / 2), plot[3] - h / 2)
            best = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
        boxes[item["code"]] = best
        placed.append(best)
    return boxes


def route_map(routes: pd.DataFrame | RouteLegs, *, title: str | None = None,
              height: int | None = None, notes: Sequence[str] = ()) -> go.Figure:
    """Routes drawn on the region's map: each leg (origin → transit → ... → destination)
    as a line as wide as the number of routes that report it (each class of width at least
    1.8 times the one before; a leg of 2 or more routes also prints its count), bowed to
    its right (A→B and B→A stay apart) with an arrow head on it; each place on a route
    marked by the role it has most often (origin, transit, destination); every member and
    Kosovo* labelled, each label placed where it overprints no other label or marker and
    as few lines as it can, inside the plot area (never clipped). Nothing is fetched: the
    basemap is the bundled one, without a geo subplot.

    ``routes``: the store's routes (``origin``, ``transit``, ``destination``; names or
    codes) or their legs from :func:`octasee.analysis.routes.route_legs`. A place whose
    position lies inside the frame is drawn there (a country that straddles the frame,
    like Ukraine or Italy, at a point of its visible part); one beyond it sits on the
    frame's edge in its direction from the frame's centre, labelled, once however many
    legs reach it, and several in one direction are spread along the edge. A place that
    is not a known country is named in a note under the map (its legs are not drawn), as
    are places with no known position; the notes end with the boundary disclaimer and the
    Kosovo* footnote. ``notes``: more notes to print first. ``height`` defaults to the
    map's proportions at the A4 width plus the legend and the notes (about 560 px).

    >>> import pandas as pd
    >>> fig = route_map(pd.DataFrame({"origin": ["AF", "AF"], "transit": ["IR;TR;BG", "TR"],
    ...                               "destination": ["AT", "XK"]}))
    >>> sorted((t.meta["origin"], t.meta["destination"], t.meta["routes"])
    ...        for t in fig.data if (t.meta or {}).get("role") == "leg")[:3]
    [('AF', 'IR', 1), ('AF', 'TR', 1), ('BG', 'AT', 1)]
    >>> [a.text for a in fig.layout.annotations if a.name == "label XK"]
    ['Kosovo*']
    """
    function = "route_map"
    if isinstance(routes, RouteLegs):
        legs = routes
    else:
        routes = require_frame(routes, function)
        require_columns(routes, {"origin": "origin", "destination": "destination"}, function)
        legs = _legs(routes)
    box = frame()
    plot_w = theme.A4_WIDTH - 2 * _SIDE_MARGIN
    km_per_px = (box[2] - box[0]) / plot_w
    map_h = round(plot_w * (box[3] - box[1]) / (box[2] - box[0]))

    # Every member and Kosovo* is labelled, and each place on a route.
    members = {s["iso2"]: s["label"] for s in _shapes() if s["member"]}
    label_at = {**members, KOSOVO: next(s["label"] for s in _shapes() if s["iso2"] == KOSOVO)}

    def text_of(code: str) -> str:
        return _two_lines(escape_label(place_name(code)))

    def font_of(code: str) -> int:
        return 10 if code in members else 9

    pts = _points()
    unplaced = [c for c in legs.places["place"] if c not in pts]
    inside: dict[str, tuple[float, float]] = {}
    anchors: dict[str, list[float]] = {}
    sides: dict[str, str] = {}
    for code in legs.places["place"]:
        if code in unplaced:
            continue
        x, y = (float(v) for v in project(*pts[code]))
        if box[0] < x < box[2] and box[1] < y < box[3]:
            inside[code] = (x, y)
        elif (seen := _visible_point(code)) is not None:
            inside[code] = seen
        else:
            ex, ey, side = _edge_point(x, y, box)
            anchors[code], sides[code] = [ex, ey], side
    size = {c: label_size(text_of(c), font_of(c)) for c in {*label_at, *inside, *anchors}}
    for code, (_, ey) in anchors.items():  # near a corner: on the top or bottom edge,
        near = 2.5 * size[code][1] * km_per_px  # where its label has room beside the others
        if sides[code] in ("left", "right") and ey > box[3] - near:
            anchors[code][1], sides[code] = box[3], "top"
        elif sides[code] in ("left", "right") and ey < box[1] + near:
            anchors[code][1], sides[code] = box[1], "bottom"
    _spread(anchors, sides, box, size, km_per_px)
    where = {**inside, **{c: (a[0], a[1]) for c, a in anchors.items()}}

    fig = go.Figure()
    _basemap(fig)
    fig.add_shape(type="rect", x0=box[0], y0=box[1], x1=box[2], y1=box[3], xref="x",
                  yref="y", line={"color": "#9e9e9e", "width": 0.8}, layer="above",
                  name="frame")

    drawn = legs.legs[legs.legs["origin"].isin(list(where))
                      & legs.legs["destination"].isin(list(where))]
    order = drawn.assign(_w=drawn["routes"]).sort_values(["_w", "origin", "destination"],
                                                         ascending=[False, True, True])
    shown_class: set[int] = set()
    arrow_x, arrow_y, arrow_angle, arrow_size, arrow_text = [], [], [], [], []
    lines: list[np.ndarray] = []
    counts: list[tuple[str, str, int, Any, Any, Any]] = []
    for leg in order.itertuples(index=False):
        n = int(leg.routes)
        rank, label, w = _width(n)
        p0, p2 = where[leg.origin], where[leg.destination]
        xs, ys, c = _bezier(p0, p2)
        lines.append(np.column_stack(_bezier(p0, p2, 48)[:2]))
        fig.add_trace(go.Scatter(
            x=np.round(xs, 1).tolist(), y=np.round(ys, 1).tolist(), mode="lines",
            line={"color": _LEG_COLOUR, "width": w, "shape": "spline"}, hoverinfo="skip",
            name=label, legendgroup=f"w{rank}", legendrank=100 + rank, legend="legend",
            showlegend=rank not in shown_class,
            meta={_ROLE: "leg", "origin": leg.origin, "destination": leg.destination,
                  "routes": n, "width": w}))
        shown_class.add(rank)
        bx, by, dx, dy = _on_bezier(p0, c, p2, _ARROW_AT)
        arrow_x.append(round(bx, 1))
        arrow_y.append(round(by, 1))
        arrow_angle.append(round(math.degrees(math.atan2(dx, dy)), 1))
        arrow_size.append(round(8 + 1.2 * w, 1))
        arrow_text.append(f"{escape_label(place_name(leg.origin))} → "
                          f"{escape_label(place_name(leg.destination))}: "
                          f"{n} route{'s' if n != 1 else ''}")
        if n >= 2:
            counts.append((leg.origin, leg.destination, n, p0, c, p2))
    if arrow_x:
        fig.add_trace(go.Scatter(
            x=arrow_x, y=arrow_y, mode="markers", hovertext=arrow_text, hoverinfo="text",
            marker={"symbol": "arrow", "angle": arrow_angle, "size": arrow_size,
                    "color": _ARROW_COLOUR, "line": {"width": 0}},
            showlegend=False, name="direction", meta={_ROLE: "arrows"}))
    # The places on the routes, one marker each, by the role it has most often.
    placed = legs.places[legs.places["place"].isin(list(where))]
    for role in ("origin", "transit", "destination"):
        part = placed[placed["role"] == role]
        if part.empty:
            continue
        fig.add_trace(go.Scatter(
            x=[where[c][0] for c in part["place"]], y=[where[c][1] for c in part["place"]],
            mode="markers", marker={"size": 9, **_ROLE_MARKERS[role]}, cliponaxis=False,
            hovertext=[_role_text(r.place, r) for r in part.itertuples(index=False)],
            hoverinfo="text", name=_ROLE_LABELS[role], legend="legend2",
            legendrank=200 + ("origin", "transit", "destination").index(role),
            meta={_ROLE: "places", "kind": role, "places": list(part["place"])}))

    # Labels: edge places first (inward), then the places on routes, then the members.
    def sides_of(code: str) -> tuple[str, ...]:
        if code in anchors:
            return _INWARD[sides[code]]
        first = _LABEL_SIDE.get(code, "top")
        return (first, *(s for s in _SIDES if s != first))

    # (along the top and bottom edges first: wide names have the least room there)
    ordered = sorted(set(label_at) | set(where),
                     key=lambda c: (c not in anchors, sides.get(c) not in ("top", "bottom"),
                                    c not in where, place_name(c)))
    items = [{"code": c, "at": where.get(c, label_at.get(c)), "size": size[c],
              "marker": c in where, "sides": sides_of(c),
              # at the edge, legs fan out beside every label: stay beside the marker
              # a member's name without a marker stays in its country, over a line if need
              # be; Kosovo* (small, and its footnote's asterisk) moves off the lines
              "line_cost": 0.5 if c in anchors else 8 if c in where or c == KOSOVO else 1}
             for c in ordered]
    boxes = _place_labels(items, plot=box, km_per_px=km_per_px,
                          markers=list(where.values()), lines=lines, taken=())
    for code in ordered:
        x0, y0, x1, y1 = boxes[code]
        member = code in members
        fig.add_annotation(
            x=round((x0 + x1) / 2, 1), y=round((y0 + y1) / 2, 1), xref="x", yref="y",
            text=text_of(code), showarrow=False, xanchor="center", yanchor="middle",
            align="center",
            font={"size": font_of(code), "color": "#1a1a1a" if member else "#4d4d4d",
                  "shadow": _HALO},
            name=f"label {code}")

    # Each leg's count of routes near its middle, clear of the labels and markers.
    taken = list(boxes.values())
    half_m = _MARKER_HALF * km_per_px
    taken += [(x - half_m, y - half_m, x + half_m, y + half_m) for x, y in where.values()]
    for origin, destination, n, p0, c, p2 in counts:
        w, h = label_size(str(n), 8)
        hw, hh = (w / 2 + 3) * km_per_px, (h / 2 + 2) * km_per_px
        # on the leg, as near its middle as is free; else just beside it
        spots = sorted(np.linspace(0.12, 0.88, 20), key=lambda t: abs(t - _COUNT_AT))
        for side, t in itertools.product((0.0, 1.0, -1.0), spots):
            mx, my, dx, dy = _on_bezier(p0, c, p2, float(t))
            norm = math.hypot(dx, dy) or 1.0
            mx, my = mx - side * 2 * hh * dy / norm, my + side * 2 * hh * dx / norm
            b = (mx - hw, my - hh, mx + hw, my + hh)
            if (box[0] < b[0] and b[2] < box[2] and box[1] < b[1] and b[3] < box[3]
                    and not any(_overlap(b, o) for o in taken)):
                break
        else:
            mx, my, _, _ = _on_bezier(p0, c, p2, _COUNT_AT)
            b = (mx - hw, my - hh, mx + hw, my + hh)
        taken.append(b)
        fig.add_annotation(
            x=round(mx, 1), y=round(my, 1), xref="x", yref="y", text=str(n),
            showarrow=False, xanchor="center", yanchor="middle", bgcolor="white",
            bordercolor=_ARROW_COLOUR, borderwidth=0.8, borderpad=1,
            font={"size": 8, "color": _ARROW_COLOUR}, name=f"count {origin}-{destination}")

    extra = [*notes]
    if anchors:
        extra.append(BEYOND_NOTE)
    if drawn.empty:
        extra.append("No leg of these routes joins two known places.")
    extra += [u.message() for u in legs.unknown]
    extra += _unplaced_notes(unplaced)
    top = 40 if title else 8
    rows = 24
    bottom = 2 * rows + _add_notes(fig, map_notes(kosovo=True, extra=extra),
                                   below=2 * rows + 2)
    fig = themed(fig)
    hidden = {"visible": False, "showgrid": False, "zeroline": False, "fixedrange": False}
    legend = {"orientation": "h", "x": 0, "xanchor": "left", "yanchor": "top",
              "font": {"size": 10}, "bgcolor": "rgba(255,255,255,0)", "itemwidth": 30,
              "traceorder": "normal", "tracegroupgap": 0}
    fig.update_layout(
        height=height or (top + map_h + bottom),
        margin={"l": _SIDE_MARGIN, "r": _SIDE_MARGIN, "t": top, "b": bottom},
        title={"text": title} if title else None,
        plot_bgcolor="white", hovermode="closest", dragmode="pan", showlegend=True,
        legend={**legend, "y": -4 / map_h,
                "title": {"text": "Line width: routes reporting the leg ", "side": "left",
                          "font": {"size": 10}}},
        legend2={**legend, "y": -(rows + 4) / map_h,
                 "title": {"text": "Places (by their most frequent role) ", "side": "left",
                           "font": {"size": 10}}},
        xaxis={**hidden, "range": [box[0], box[2]], "constrain": "domain"},
        yaxis={**hidden, "range": [box[1], box[3]], "constrain": "domain",
               "scaleanchor": "x", "scaleratio": 1},
        meta={_ROLE: "route map", "notes": map_notes(kosovo=True, extra=extra)},
    )
    return fig
