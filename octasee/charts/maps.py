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
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from octasee.charts import theme
from octasee.charts._common import (
    escape_label,
    numeric,
    require_columns,
    require_frame,
    split_codes,
    themed,
)
from octasee.errors import ReferenceDataError, UsageError
from octasee.reference import country_name, resolve_country, resolve_world_country

__all__ = [
    "CENTRE",
    "boundaries",
    "choropleth",
    "country_points",
    "place_name",
    "project",
    "route_legs",
]

#: Centre of the projection (lon, lat): the middle of the Balkans.
CENTRE = (21.0, 43.0)
_EARTH_KM = 6371.0088
_MARGIN_KM = 70.0
_ROLE = "role"


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
    """The English name of a country code, Kosovo (``XK``) included.

    >>> place_name("MK"), place_name("XK")
    ('North Macedonia', 'Kosovo')
    """
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

def _resolve_place(value: str, function: str) -> str:
    try:
        return resolve_world_country(value)
    except ReferenceDataError as exc:
        raise ReferenceDataError(exc.what, where=f"{function}(): routes",
                                 suggestions=exc.suggestions) from None


def route_legs(routes: pd.DataFrame, *, origin: str = "origin", transit: str = "transit",
               destination: str = "destination", count: str | None = None) -> pd.DataFrame:
    """Break routes into legs between consecutive countries and count them.

    ``routes`` has the store's shape: ``origin``, ``transit`` (';'-joined countries in
    order) and ``destination`` (';'-joined: the route fans out from its last transit
    country to each). Names or ISO codes are accepted; the result uses alpha-2 codes.
    ``count`` names a column of weights (default: each route counts 1).

    >>> routes = pd.DataFrame({"origin": ["AF", "AF"], "transit": ["IR;TR;BG", "IR;TR"],
    ...                        "destination": ["AT;DE", "GR"]})
    >>> route_legs(routes).to_string(index=False)
    'origin destination  count\\n    AF          IR    2.0\\n    BG          AT    1.0\\n    BG          DE    1.0\\n    IR          TR    2.0\\n    TR          BG    1.0\\n    TR          GR    1.0'
    """
    function = "route_legs"
    routes = require_frame(routes, function)
    require_columns(routes, {"origin": origin, "destination": destination, "count": count},
                    function)
    has_transit = transit in routes.columns
    weights = (numeric(routes[count], count, function) if count
               else pd.Series(1.0, index=routes.index))
    legs: dict[tuple[str, str], float] = {}
    for i, row in routes.iterrows():
        start = [_resolve_place(v, function) for v in split_codes(row[origin])]
        stops = ([_resolve_place(v, function) for v in split_codes(row[transit])]
                 if has_transit else [])
        ends = [_resolve_place(v, function) for v in split_codes(row[destination])]
        path = start[:1] + stops
        pairs = list(itertools.pairwise(path))
        if path:
            pairs += [(path[-1], e) for e in ends]
        w = float(weights.loc[i]) if pd.notna(weights.loc[i]) else 0.0
        for a, b in dict.fromkeys(p for p in pairs if p[0] != p[1]):
            legs[(a, b)] = legs.get((a, b), 0.0) + w
    out = pd.DataFrame([(a, b, n) for (a, b), n in sorted(legs.items())],
                       columns=["origin", "destination", "count"])
    return out


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
                ) -> None:
    if {"origin", "destination"} - set(flows.columns):
        require_columns(flows, {"flows origin": "origin", "flows destination": "destination"},
                        "choropleth")
    legs = (route_legs(flows) if "count" not in flows.columns
            else route_legs(flows, count="count"))
    if legs.empty:
        return
    pts = _points()
    top = float(legs["count"].max()) or 1.0
    # Legs that leave the frame end a little inside it, where a marker names the country.
    pad = 0.025 * (box[2] - box[0])
    inner = (box[0] + pad, box[1] + pad, box[2] - pad, box[3] - pad)
    colour = "#1a1a1a"
    hover_x, hover_y, hover_text = [], [], []
    edge_x, edge_y, edge_text = [], [], []
    for leg in legs.itertuples(index=False):
        if leg.origin not in pts or leg.destination not in pts:
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
            mode="text", text=[s["iso2"] for s in shown],
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

    if flows is not None:
        _flow_layer(fig, require_frame(flows, function), box)

    hidden = {"visible": False, "showgrid": False, "zeroline": False, "fixedrange": False}
    top = 48 if title else 8
    if height is None:  # the frame's proportions at the A4 width, less the colour bar
        aspect = (box[2] - box[0]) / (box[3] - box[1])
        height = round((theme.A4_WIDTH - 90) / aspect) + top + 8
    fig = themed(fig)
    fig.update_layout(
        height=height, margin={"l": 4, "r": 4, "t": top, "b": 8},
        title={"text": title} if title else None, plot_bgcolor="white", hovermode="closest",
        xaxis={**hidden, "range": [box[0], box[2]], "constrain": "domain"},
        yaxis={**hidden, "range": [box[1], box[3]], "constrain": "domain",
               "scaleanchor": "x", "scaleratio": 1},
        dragmode="pan",
    )
    return fig
