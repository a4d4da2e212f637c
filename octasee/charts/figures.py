"""The report's standard figures: tidy DataFrame in, themed ``go.Figure`` out.

Every function is pure and deterministic (same table, same figure, same div id in the
report) and checks its columns first: a missing column raises
:class:`~octasee.errors.UsageError` naming the column and the columns found.

Labels that come from the table (group references, group and unit names, categories) are
escaped (:func:`~octasee.charts._common.escape_label`): plotly shows them as written, never
as HTML. ``title``, ``x_title``, ``y_title`` and ``value_label`` are the caller's own text:
bare formatting tags (``<br>``, ``<b>``, ``<sup>``) work there, and the renderer turns any
other tag (a link, an image, a style) into text.

>>> import pandas as pd
>>> from octasee.charts import threat_heatmap
>>> df = pd.DataFrame({"country": ["RS", "RS", "AL"], "crime_area": ["heroin", "thb", "heroin"],
...                    "score": [7.0, 5.5, 8.0]})
>>> fig = threat_heatmap(df, value="score")
>>> list(fig.data[0].y), list(fig.data[0].x)
(['Albania', 'Serbia'], ['Heroin<br>trafficking', 'Trafficking in<br>human beings'])
"""

from __future__ import annotations

import itertools
import math
import textwrap
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import hex_to_rgb

from octasee.charts import theme
from octasee.charts._common import (
    escape_label,
    hover_format,
    numeric,
    require_columns,
    require_frame,
    split_codes,
    themed,
)
from octasee.charts.maps import place_name
from octasee.errors import ReferenceDataError, UsageError
from octasee.reference import (
    MEMBER_CODES,
    resolve_country,
    resolve_world_country,
)
from octasee.reference import (
    crime_area as _crime_area,
)
from octasee.reference import (
    crime_areas as _crime_areas,
)

__all__ = [
    "ocg_network",
    "quadrant",
    "rank_intervals",
    "route_sankey",
    "threat_heatmap",
    "trend_band",
]


def _wrap(text: str, width: int = 16) -> str:
    """``text`` escaped and wrapped at word boundaries to lines of about ``width``
    characters, joined by ``<br>``. A word longer than ``width`` keeps its own line whole
    (never "Heroin tr / afficking"), nor is a hyphenated word split.

    >>> _wrap("Heroin trafficking", 9), _wrap("Excise goods smuggling", 9)
    ('Heroin<br>trafficking', 'Excise<br>goods<br>smuggling')
    >>> _wrap("Cyber-dependent crimes", 9)
    'Cyber-dependent<br>crimes'
    """
    lines = textwrap.wrap(str(text), width=width, break_long_words=False,
                          break_on_hyphens=False)
    return "<br>".join(escape_label(line) for line in lines) or escape_label(text)


def _rgba(colour: str, alpha: float) -> str:
    r, g, b = hex_to_rgb(colour)
    return f"rgba({r},{g},{b},{alpha})"


def _area_code(value: object, where: str) -> str:
    try:
        return _crime_area(str(value)).code
    except ReferenceDataError as exc:
        raise ReferenceDataError(exc.what, where=where, suggestions=exc.suggestions) from None


def _member(value: object, where: str) -> str:
    try:
        return resolve_country(value)
    except ReferenceDataError as exc:
        raise ReferenceDataError(exc.what, where=where, suggestions=exc.suggestions) from None


def _place(value: object, where: str) -> str:
    try:
        return resolve_world_country(value)
    except ReferenceDataError as exc:
        raise ReferenceDataError(exc.what, where=where, suggestions=exc.suggestions) from None


def _title(fig: go.Figure, title: str | None) -> None:
    if title:
        fig.update_layout(title={"text": title})
    else:
        fig.update_layout(margin={"t": 24})


# --- heatmap ---------------------------------------------------------------------------------

def threat_heatmap(df: pd.DataFrame, *, country: str = "country",
                   crime_area: str = "crime_area", value: str = "value",
                   title: str | None = None,
                   colorscale: Sequence[Sequence[Any]] = theme.THREAT_SCALE,
                   zmin: float | None = None, zmax: float | None = None,
                   value_label: str | None = None, value_format: str = ".1f",
                   show_values: bool = True) -> go.Figure:
    """Threat by country (rows, member names) and crime area (columns, taxonomy labels).

    One row of ``df`` per country and crime area; countries are alpha-2 codes or member
    names, crime areas codes or labels. Missing cells stay light grey and say "no data".

    >>> import pandas as pd
    >>> fig = threat_heatmap(pd.DataFrame({"country": ["BG"], "crime_area": ["cocaine"],
    ...                                    "value": [3]}))
    >>> fig.data[0].z.tolist()
    [[3.0]]
    """
    function = "threat_heatmap"
    df = require_frame(df, function)
    require_columns(df, {"country": country, "crime_area": crime_area, "value": value},
                    function)
    codes = [_member(v, f"{function}(): column {country!r}") for v in df[country]]
    areas = [_area_code(v, f"{function}(): column {crime_area!r}") for v in df[crime_area]]
    tidy = pd.DataFrame({"country": codes, "area": areas,
                         "value": numeric(df[value], value, function).to_numpy()})
    dupes = tidy[tidy.duplicated(["country", "area"], keep=False)]
    if len(dupes):
        pairs = sorted({f"{c}/{a}" for c, a in zip(dupes["country"], dupes["area"], strict=True)})
        raise UsageError(f"several rows for {', '.join(pairs[:5])}", where=f"{function}()",
                         hint="give one value per country and crime area")
    member_order = [c for c in MEMBER_CODES if c in set(codes)]
    area_order = [a.code for a in _crime_areas() if a.code in set(areas)]
    grid = tidy.pivot(index="country", columns="area", values="value").reindex(
        index=member_order, columns=area_order)
    z = grid.to_numpy(dtype=float)
    names = [escape_label(place_name(c)) for c in member_order]
    labels = [_crime_area(a).label for a in area_order]
    label = value_label or value
    hover = [[f"<b>{n}</b><br>{escape_label(lab)}<br>{label}: "
              + ("no data" if math.isnan(v) else f"{v:{value_format}}")
              for lab, v in zip(labels, row, strict=True)]
             for n, row in zip(names, z, strict=True)]
    # Many areas leave columns on an A4 page narrower than a word such as "trafficking":
    # their labels are angled, one line each (upright ones wrap at word boundaries only).
    angled = len(labels) > 8
    wrap_width = 40 if angled else 16  # angled: one line each
    fig = go.Figure(go.Heatmap(
        z=z, x=[_wrap(a, wrap_width) for a in labels], y=names, colorscale=[list(s) for s in colorscale],
        zmin=zmin, zmax=zmax, xgap=2, ygap=2, hoverongaps=True,
        text=hover, hoverinfo="text",
        texttemplate=f"%{{z:{value_format}}}" if show_values else None,
        textfont={"size": 10},
        colorbar={"title": {"text": label, "side": "right"}, "thickness": 12},
    ))
    fig = themed(fig)
    wrapped = [_wrap(a, wrap_width) for a in labels]
    label_lines = max((w.count("<br>") + 1 for w in wrapped), default=1)
    longest = max((len(line) for a in labels for line in textwrap.wrap(
        a, wrap_width, break_long_words=False, break_on_hyphens=False)), default=0)
    # the labels' height above the cells: 14 px a line, and the longest line's run at 45°
    label_px = (int(0.71 * (5.6 * longest + 14 * label_lines)) + 8 if angled
                else 14 * label_lines)
    fig.update_layout(
        # 28 px a row: chapter 2's 13 members and their angled headers fit on the
        # chapter's first page under its title and introduction
        height=max(240, 28 * len(names) + label_px + 90),
        plot_bgcolor=theme.NO_DATA_GREY,
        xaxis={"side": "top", "showgrid": False, "showline": False, "ticks": "",
               "tickangle": -45 if angled else 0, "tickfont": {"size": 10}},
        yaxis={"autorange": "reversed", "showgrid": False, "showline": False, "ticks": ""},
    )
    _title(fig, title)
    # The crime-area labels sit on top, between the title and the cells.
    fig.update_layout(margin={"t": label_px + (44 if title else 12)},
                      title={"y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 10}})
    return fig


# --- routes ----------------------------------------------------------------------------------

def route_sankey(routes: pd.DataFrame, *, origin: str = "origin", transit: str = "transit",
                 destination: str = "destination", crime_area: str | None = "crime_area",
                 title: str | None = None) -> go.Figure:
    """Routes as a Sankey: origin → transit countries (in order) → destination, counting routes.

    ``routes`` has the store's shape: ``transit`` and ``destination`` hold ';'-joined
    countries (names or codes). A country is one node per position on the route (origin,
    1st transit, 2nd transit …, destination), so the diagram has no loops even when a
    country is both a transit and a destination. With a ``crime_area`` column the links
    are coloured by crime area (set ``crime_area=None`` to ignore it).

    >>> import pandas as pd
    >>> routes = pd.DataFrame({"origin": ["AF", "AF"], "transit": ["IR;TR;BG", "IR;TR"],
    ...                        "destination": ["AT", "GR"], "crime_area": ["heroin", "heroin"]})
    >>> fig = route_sankey(routes)
    >>> sorted((n, c[0]) for n, c in zip(fig.data[0].node.label,
    ...                                    fig.data[0].node.customdata))[:2]
    [('Afghanistan', 'origin'), ('Austria', 'destination')]
    >>> sorted(c[0] for c in fig.data[0].link.customdata)[:2]  # said once: no "1 routes routes"
    ['1 route', '1 route']
    >>> sum(fig.data[0].link.value)  # AF-IR 2, IR-TR 2, TR-BG 1, BG-AT 1, TR-GR 1
    7.0
    """
    function = "route_sankey"
    routes = require_frame(routes, function)
    require_columns(routes, {"origin": origin, "destination": destination}, function)
    if crime_area is not None and crime_area not in routes.columns:
        if crime_area != "crime_area":  # asked for by name: it must exist
            require_columns(routes, {"crime_area": crime_area}, function)
        crime_area = None
    has_transit = transit in routes.columns
    where = f"{function}(): routes"

    links: dict[tuple[tuple[int, str], tuple[int, str], str], int] = {}
    longest = 0
    paths = []
    for _, row in routes.iterrows():
        start = [_place(v, where) for v in split_codes(row[origin])][:1]
        stops = ([_place(v, where) for v in split_codes(row[transit])] if has_transit else [])
        ends = [_place(v, where) for v in split_codes(row[destination])]
        area = _area_code(row[crime_area], where) if crime_area else ""
        if not start and not stops:
            continue
        longest = max(longest, len(stops))
        paths.append((start + stops, ends, area, bool(start)))
    dest_stage = longest + 1
    for path, ends, area, has_origin in paths:
        first = 0 if has_origin else 1
        nodes = [(first + i, c) for i, c in enumerate(path)]
        pairs = list(itertools.pairwise(nodes))
        pairs += [(nodes[-1], (dest_stage, e)) for e in ends]
        for a, b in pairs:
            links[(a, b, area)] = links.get((a, b, area), 0) + 1
    if not links:
        raise UsageError("no route has two countries to join", where=f"{function}()",
                         hint="fill origin, transit or destination")

    def stage_name(stage: int) -> str:
        if stage == 0:
            return "origin"
        if stage == dest_stage:
            return "destination"
        return "transit" if longest == 1 else f"transit {stage}"

    node_keys = sorted({n for a, b, _ in links for n in (a, b)})
    index = {k: i for i, k in enumerate(node_keys)}
    area_codes = [a.code for a in _crime_areas() if a.code in {k[2] for k in links}]
    area_colour = {a: theme.PALETTE[i % len(theme.PALETTE)] for i, a in enumerate(area_codes)}
    keys = sorted(links)
    link_colour = [_rgba(area_colour[k[2]], 0.45) if k[2] else "rgba(120,120,120,0.35)"
                   for k in keys]
    into: dict[tuple[int, str], int] = {}
    out_of: dict[tuple[int, str], int] = {}
    for a, b, _ in keys:
        into[b] = into.get(b, 0) + links[(a, b, _)]
        out_of[a] = out_of.get(a, 0) + links[(a, b, _)]

    def routes_text(n: int) -> str:  # "1 route", "3 routes": said once, in the hover
        return f"{n:,d} route" + ("" if n == 1 else "s")

    fig = go.Figure(go.Sankey(
        arrangement="snap", valueformat=",d",
        node={"label": [escape_label(place_name(c)) for _, c in node_keys],
              "customdata": [[stage_name(s), routes_text(max(into.get((s, c), 0),
                                                                out_of.get((s, c), 0)))]
                             for s, c in node_keys],
              "hovertemplate": "%{label} (%{customdata[0]})<br>%{customdata[1]}"
                               "<extra></extra>",
              "color": ["#8c8c8c" if stage_name(s).startswith("transit") else "#4d4d4d"
                        for s, _ in node_keys],
              "pad": 12, "thickness": 14, "line": {"width": 0}},
        link={"source": [index[k[0]] for k in keys], "target": [index[k[1]] for k in keys],
              "value": [float(links[k]) for k in keys], "color": link_colour,
              "customdata": [[routes_text(links[k]),
                              escape_label(_crime_area(k[2]).label) if k[2] else ""]
                             for k in keys],
              "hovertemplate": "%{source.label} → %{target.label}<br>%{customdata[0]}"
                               "<br>%{customdata[1]}<extra></extra>"},
    ))
    for a in area_codes:  # a legend for the link colours
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers",
                                 name=escape_label(_crime_area(a).label),
                                 marker={"color": area_colour[a], "size": 10,
                                         "symbol": "square"}, hoverinfo="skip"))
    fig = themed(fig)
    fig.update_layout(
        height=max(320, 26 * max(len(node_keys) // max(dest_stage, 1), 1) + 260),
        font={"size": 11}, showlegend=bool(area_codes),
        xaxis={"visible": False}, yaxis={"visible": False},
        legend={"orientation": "h", "x": 0, "y": 0, "yanchor": "top"},
    )
    _title(fig, title)
    return fig


# --- trends ----------------------------------------------------------------------------------

def trend_band(df: pd.DataFrame, *, x: str, y: str, lower: str, upper: str,
               group: str | None = None, projected: str | None = None,
               title: str | None = None, x_title: str | None = None,
               y_title: str | None = None, fitted: str | None = None,
               breaks: Sequence[float] = (), outliers: Sequence[float] = (),
               unit: str | None = None) -> go.Figure:
    """Lines with shaded uncertainty bands, one per ``group``; projections dashed.

    ``lower`` and ``upper`` bound the band; ``projected`` names a boolean column marking
    rows that are projections (drawn dashed, joined to the last observed point);
    ``fitted`` names the trend line's column (drawn thin and dashed over the band, as
    "trend"). ``breaks`` and ``outliers`` are years the analysis reports
    (:class:`octasee.analysis.findings.TrendView`): a break is a dotted vertical line, an
    outlier an open ring around its point, each labelled.

    The chart rules of the report: a series that is never negative (a count, a mass, an
    amount) is drawn from zero, and its band stops at zero where the line's spread would
    take it below (the hover says so); hovers print numbers as the report does
    (:func:`~octasee.charts._common.hover_format`: ``36,500``, never ``3.65e+4``), and
    a point without a band says nothing of one (never ``(NaN to NaN)``); ``unit`` is
    added after each hovered number (``kg``, ``EUR``).

    >>> import pandas as pd
    >>> df = pd.DataFrame({"year": [2015, 2016, 2017, 2018], "seizures": [10, 12, 13, 15],
    ...                    "lo": [8, 10, 10, 11], "hi": [12, 14, 16, 19],
    ...                    "proj": [False, False, False, True]})
    >>> fig = trend_band(df, x="year", y="seizures", lower="lo", upper="hi", projected="proj")
    >>> [t.line.dash for t in fig.data if t.mode == "lines+markers"]
    ['solid', 'dash']
    >>> fig.layout.xaxis.tickformat, fig.layout.xaxis.dtick  # years: no 2,015.5
    ('d', 1)
    >>> fig.layout.yaxis.rangemode  # counts from zero
    'tozero'
    """
    function = "trend_band"
    df = require_frame(df, function)
    require_columns(df, {"x": x, "y": y, "lower": lower, "upper": upper, "group": group,
                         "projected": projected, "fitted": fitted}, function)
    data = pd.DataFrame({
        # text categories on the x axis are tick labels: escaped like any label
        "x": [escape_label(v) if isinstance(v, str) else v for v in df[x]],
        "y": numeric(df[y], y, function).to_numpy(),
        "lo": numeric(df[lower], lower, function).to_numpy(),
        "hi": numeric(df[upper], upper, function).to_numpy(),
        "fit": (numeric(df[fitted], fitted, function).to_numpy() if fitted
                else np.full(len(df), np.nan)),
        "g": df[group].astype(str).map(escape_label).to_numpy() if group else "",
        "p": df[projected].fillna(False).astype(bool).to_numpy() if projected else False,
    })
    never_negative = bool(len(data)) and bool((data["y"].dropna() >= 0).all())
    clipped = never_negative and bool((data["lo"] < 0).any())
    if never_negative:
        data["lo"] = data["lo"].clip(lower=0)
    fmt = hover_format(pd.concat([data["y"], data["lo"], data["hi"]]))
    after = f" {escape_label(unit)}" if unit and unit not in ("count", "") else ""
    fig = go.Figure()
    groups = list(dict.fromkeys(data["g"]))  # first-seen order
    for i, g in enumerate(groups):
        part = data[data["g"] == g].sort_values("x", kind="stable")
        colour = theme.PALETTE[i % len(theme.PALETTE)]
        name = g or y_title or y
        legend = {"legendgroup": name, "showlegend": False}
        has_band = bool(part["lo"].notna().any() and part["hi"].notna().any())
        if has_band:
            # The band: upper edge, then the lower edge filled up to it.
            fig.add_trace(go.Scatter(x=part["x"], y=part["hi"], mode="lines",
                                     line={"width": 0}, hoverinfo="skip",
                                     name=f"{name} upper", **legend))
            fig.add_trace(go.Scatter(x=part["x"], y=part["lo"], mode="lines",
                                     line={"width": 0}, fill="tonexty",
                                     fillcolor=_rgba(colour, 0.18), hoverinfo="skip",
                                     name=f"{name} lower", **legend))
        if part["fit"].notna().any():
            fig.add_trace(go.Scatter(
                x=part["x"], y=part["fit"], mode="lines", name="trend" if len(groups) == 1
                else f"{name} (trend)", line={"color": colour, "width": 1.5, "dash": "dot"},
                hoverinfo="skip", legendgroup=name, connectgaps=False))
        seen = part[~part["p"]]
        ahead = part[part["p"]]
        band = [(f" (band {_hover_number(lo, fmt)} to {_hover_number(hi, fmt)}{after}"
                 + ("; cut at 0" if clipped and lo == 0 else "") + ")")
                if not (math.isnan(lo) or math.isnan(hi)) else ""
                for lo, hi in zip(part["lo"], part["hi"], strict=True)]
        custom = np.asarray(band, dtype=object)
        hover = f"%{{x}}: %{{y:{fmt}}}{after}%{{customdata}}<extra>{name}</extra>"
        if len(seen):
            fig.add_trace(go.Scatter(
                x=seen["x"], y=seen["y"], mode="lines+markers", name=name,
                line={"color": colour, "dash": "solid"}, marker={"color": colour},
                customdata=custom[~part["p"].to_numpy()], hovertemplate=hover,
                legendgroup=name))
        if len(ahead):
            joined = pd.concat([seen.tail(1), ahead]) if len(seen) else ahead
            mask = part.index.isin(joined.index)
            fig.add_trace(go.Scatter(
                x=joined["x"], y=joined["y"], mode="lines+markers",
                name=f"{name} (projection)", line={"color": colour, "dash": "dash"},
                marker={"color": colour, "symbol": "circle-open"},
                customdata=custom[mask], hovertemplate=hover, legendgroup=name,
                showlegend=len(groups) == 1 or not len(seen)))
        marked = seen[seen["x"].isin(list(outliers))] if len(groups) == 1 else seen.iloc[0:0]
        if len(marked):
            fig.add_trace(go.Scatter(
                x=marked["x"], y=marked["y"], mode="markers", name="outlier year",
                marker={"symbol": "circle-open", "size": 16, "color": "#000000",
                        "line": {"width": 1.5}}, hoverinfo="skip"))
            for xv, yv in zip(marked["x"], marked["y"], strict=True):
                fig.add_annotation(x=xv, y=yv, text=f"outlier: {_year_text(xv)}",
                                   showarrow=True, arrowhead=0, ax=0, ay=-28,
                                   font={"size": 10, "color": "#333333"})
    for b in breaks:
        fig.add_vline(x=b - 0.5 if isinstance(b, int | float) else b, line_width=1,
                      line_dash="dot", line_color="#555555")
        fig.add_annotation(x=b - 0.5 if isinstance(b, int | float) else b, y=1,
                           yref="paper", yanchor="bottom", xanchor="left", showarrow=False,
                           text=f"break: second line from {_year_text(b)}",
                           font={"size": 10, "color": "#333333"})
    fig = themed(fig)
    xaxis: dict[str, object] = {"title": {"text": x_title if x_title is not None else x}}
    xs = pd.to_numeric(data["x"], errors="coerce")
    if xs.notna().all() and len(xs) and (xs % 1 == 0).all():
        # Years (or other whole steps): whole ticks, without a thousands separator.
        xaxis["tickformat"] = "d"
        if xs.max() - xs.min() <= 20:
            xaxis["dtick"] = 1
    yaxis: dict[str, object] = {"title": {"text": y_title if y_title is not None else y},
                                "tickformat": ",~f"}
    if never_negative:
        yaxis["rangemode"] = "tozero"  # one baseline for every count, mass and amount
    fig.update_layout(
        xaxis=xaxis, yaxis=yaxis,
        showlegend=len(groups) > 1 or projected is not None or fitted is not None,
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom"},
        hovermode="x unified" if len(groups) > 1 else "closest",
    )
    _title(fig, title)
    if title or breaks:
        fig.update_layout(margin={"t": 72})
    return fig


def _year_text(v: object) -> str:
    """A year as a label: ``2015``, never ``2015.0``."""
    return str(int(v)) if isinstance(v, int | float) and float(v).is_integer() else str(v)


def _hover_number(v: float, fmt: str) -> str:
    """``v`` in the d3 format ``fmt`` (``,.0f`` / ``,.1f`` / ``,.2f``), as Python prints it."""
    return format(float(v), fmt)


# --- organised crime groups ------------------------------------------------------------------

def _spread(n: int) -> list[float]:
    if n == 1:
        return [0.5]
    return [1 - i / (n - 1) for i in range(n)]  # top to bottom


def ocg_network(groups: pd.DataFrame, *, group: str = "group_ref", country: str = "country",
                crime_areas: str = "crime_areas", links: str = "international_links",
                score: str | None = "score", by: str = "crime_area",
                title: str | None = None) -> go.Figure:
    """Organised crime groups and what joins them: a two-column network.

    Groups (left, largest score first, coloured by reporting country, sized by ``score``)
    are joined to the crime areas they are active in (``by="crime_area"``, from the
    ';'-joined ``crime_areas``) or to the countries of their ``international_links``
    (``by="country"``). Groups sharing a node are linked through it. The layout is two
    columns, ordered, so the same table always gives the same picture.

    >>> import pandas as pd
    >>> ocgs = pd.DataFrame({"group_ref": ["RS-1", "AL-7"], "country": ["RS", "AL"],
    ...                      "crime_areas": ["cocaine;economic_crime", "cannabis;cocaine"],
    ...                      "international_links": ["NL;ES", "IT"], "score": [420, 310]})
    >>> fig = ocg_network(ocgs)
    >>> [t.name for t in fig.data]
    ['links', 'Serbia', 'Albania', 'crime areas']
    >>> list(ocg_network(ocgs, by="country").data[-1].text)
    ['Italy', 'Netherlands', 'Spain']
    """
    function = "ocg_network"
    if by not in ("crime_area", "country"):
        raise UsageError(f"unknown by={by!r}", where=f"{function}()",
                         hint="use by='crime_area' or by='country'")
    groups = require_frame(groups, function)
    target_col = crime_areas if by == "crime_area" else links
    target_param = "crime_areas" if by == "crime_area" else "links"
    require_columns(groups, {"group": group, "country": country, target_param: target_col},
                    function)
    if score is not None and score not in groups.columns:
        if score != "score":
            require_columns(groups, {"score": score}, function)
        score = None
    where = f"{function}(): column {target_col!r}"
    scores = (numeric(groups[score], score, function) if score
              else pd.Series(np.nan, index=groups.index))
    rows = []
    for i, row in groups.iterrows():
        raw = split_codes(row[target_col])
        targets = ([_area_code(v, where) for v in raw] if by == "crime_area"
                   else [_place(v, where) for v in raw])
        home = _member(row[country], f"{function}(): column {country!r}")
        rows.append((str(row[group]), home, float(scores.loc[i]), list(dict.fromkeys(targets))))
    rows.sort(key=lambda r: (-(r[2] if not math.isnan(r[2]) else -math.inf), r[0]))
    if by == "crime_area":
        order = [a.code for a in _crime_areas()]
        right = [c for c in order if any(c in r[3] for r in rows)]
        right_label = {c: _crime_area(c).label for c in right}
    else:
        right = sorted({t for r in rows for t in r[3]}, key=place_name)
        right_label = {c: place_name(c) for c in right}
    ly, ry = _spread(len(rows)), _spread(len(right))
    rpos = dict(zip(right, ry, strict=True))

    ex: list[float | None] = []
    ey: list[float | None] = []
    for (_, _, _, targets), y0 in zip(rows, ly, strict=True):
        for t in targets:
            ex += [0.0, 1.0, None]
            ey += [y0, rpos[t], None]
    fig = go.Figure(go.Scatter(x=ex, y=ey, mode="lines", hoverinfo="skip", name="links",
                               line={"color": "rgba(120,120,120,0.45)", "width": 1},
                               showlegend=False))
    finite = [r[2] for r in rows if not math.isnan(r[2])]
    lo, hi = (min(finite), max(finite)) if finite else (0.0, 0.0)

    def size(v: float) -> float:
        if math.isnan(v):
            return 10.0
        return 10.0 + 18.0 * ((v - lo) / (hi - lo) if hi > lo else 0.5)

    homes = list(dict.fromkeys(r[1] for r in rows))
    for k, home in enumerate(homes):
        mine = [(r, y0) for r, y0 in zip(rows, ly, strict=True) if r[1] == home]
        fig.add_trace(go.Scatter(
            x=[0.0] * len(mine), y=[y0 for _, y0 in mine], mode="markers+text",
            name=escape_label(place_name(home)), text=[escape_label(r[0]) for r, _ in mine],
            textposition="middle left", textfont={"size": 10},
            marker={"size": [size(r[2]) for r, _ in mine], "line": {"width": 0},
                    "color": theme.PALETTE[k % len(theme.PALETTE)]},
            hovertext=[f"<b>{escape_label(r[0])}</b> ({escape_label(place_name(r[1]))})"
                       + ("" if math.isnan(r[2]) else f"<br>score: {r[2]:g}")
                       + "<br>" + ", ".join(escape_label(right_label[t]) for t in r[3])
                       for r, _ in mine],
            hoverinfo="text"))
    fig.add_trace(go.Scatter(
        x=[1.0] * len(right), y=ry, mode="markers+text",
        name="crime areas" if by == "crime_area" else "linked countries",
        text=[_wrap(right_label[t], 22) for t in right], textposition="middle right",
        textfont={"size": 10}, showlegend=False,
        marker={"size": 10, "symbol": "square", "color": "#595959"},
        hovertext=[f"{escape_label(right_label[t])}: {sum(t in r[3] for r in rows)} groups"
                   for t in right],
        hoverinfo="text"))
    fig = themed(fig)
    n = max(len(rows), len(right), 2)
    fig.update_layout(
        height=min(max(300, 24 * n + 130), 1100),
        xaxis={"visible": False, "range": [-0.4, 1.6], "fixedrange": True},
        yaxis={"visible": False, "range": [-0.08, 1.08]},
        legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom",
                "title": {"text": "reported by"}, "itemsizing": "constant"},
    )
    _title(fig, title)
    if title:
        fig.update_layout(margin={"t": 72})
    return fig


# --- criminality versus resilience -----------------------------------------------------------

def quadrant(df: pd.DataFrame, *, x: str = "criminality", y: str = "resilience",
             label: str = "country", title: str | None = None,
             x_title: str | None = None, y_title: str | None = None) -> go.Figure:
    """Criminality (x) against resilience (y), split at the medians into four quadrants.

    Member countries are labelled by ISO code and named in the hover; the quadrant of high
    criminality and low resilience (bottom right) is drawn in the accent colour.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"country": ["AL", "RS", "SI", "HR"],
    ...                    "criminality": [6.5, 6.2, 3.9, 4.5],
    ...                    "resilience": [4.0, 4.5, 6.8, 5.9]})
    >>> fig = quadrant(df)
    >>> [s.line.dash for s in fig.layout.shapes]
    ['dash', 'dash']
    """
    function = "quadrant"
    df = require_frame(df, function)
    require_columns(df, {"x": x, "y": y, "label": label}, function)
    xs = numeric(df[x], x, function).to_numpy()
    ys = numeric(df[y], y, function).to_numpy()
    names, tags = [], []
    for v in df[label]:
        try:
            code = resolve_country(v)
            names.append(escape_label(place_name(code)))
            tags.append(code)
        except ReferenceDataError:
            names.append(escape_label(v))
            tags.append(escape_label(v))
    ok = ~(np.isnan(xs) | np.isnan(ys))
    if not ok.any():
        raise UsageError(f"no row has both {x!r} and {y!r}", where=f"{function}()")
    mx, my = float(np.median(xs[ok])), float(np.median(ys[ok]))
    risky = (xs > mx) & (ys < my)
    colours = [theme.PALETTE[1] if r else theme.PALETTE[0] for r in risky]
    fig = go.Figure(go.Scatter(
        x=xs[ok], y=ys[ok], mode="markers+text", text=np.asarray(tags)[ok],
        textposition="top center", textfont={"size": 10},
        marker={"size": 9, "color": np.asarray(colours)[ok]},
        hovertext=[f"<b>{n}</b><br>{x}: {a:.3g}<br>{y}: {b:.3g}"
                   for n, a, b in zip(np.asarray(names)[ok], xs[ok], ys[ok], strict=True)],
        hoverinfo="text", showlegend=False, name="countries"))
    grey = {"color": "#8c8c8c", "width": 1, "dash": "dash"}
    fig.add_shape(type="line", x0=mx, x1=mx, y0=0, y1=1, yref="paper", line=grey,
                  layer="below")
    fig.add_shape(type="line", x0=0, x1=1, xref="paper", y0=my, y1=my, line=grey,
                  layer="below")
    corners = [(0.01, 0.99, "left", "top", "Low criminality,<br>high resilience"),
               (0.99, 0.99, "right", "top", "High criminality,<br>high resilience"),
               (0.01, 0.01, "left", "bottom", "Low criminality,<br>low resilience"),
               (0.99, 0.01, "right", "bottom", "High criminality,<br>low resilience")]
    for cx, cy, xa, ya, text in corners:
        accent = cx > 0.5 and cy < 0.5
        fig.add_annotation(x=cx, y=cy, xref="paper", yref="paper", xanchor=xa, yanchor=ya,
                           align=xa, text=text, showarrow=False,
                           font={"size": 10, "color": theme.PALETTE[1] if accent else "#737373"})
    pad_x = (np.nanmax(xs[ok]) - np.nanmin(xs[ok])) * 0.15 or 0.5
    pad_y = (np.nanmax(ys[ok]) - np.nanmin(ys[ok])) * 0.3 or 0.5
    fig = themed(fig)
    fig.update_layout(
        xaxis={"title": {"text": x_title if x_title is not None else x},
               "range": [float(np.nanmin(xs[ok]) - pad_x), float(np.nanmax(xs[ok]) + pad_x)]},
        yaxis={"title": {"text": y_title if y_title is not None else y},
               "range": [float(np.nanmin(ys[ok]) - pad_y), float(np.nanmax(ys[ok]) + pad_y)]},
    )
    _title(fig, title)
    return fig


# --- robustness ------------------------------------------------------------------------------

def rank_intervals(df: pd.DataFrame, *, unit: str | None = None, nominal: str = "nominal",
                   p05: str = "q05", median: str = "median", p95: str = "q95",
                   title: str | None = None) -> go.Figure:
    """Ranks under uncertainty: the 5th-95th percentile interval, the median and the nominal.

    The defaults read the ``ranks`` table of
    :func:`octasee.scoring.sensitivity.uncertainty_analysis` as it comes (units in the
    index; ``unit`` names a column instead). Units are sorted by nominal rank, rank 1 on
    top; member codes are shown by name.

    >>> import pandas as pd
    >>> ranks = pd.DataFrame({"nominal": [1, 2, 3], "median": [1, 3, 2], "q05": [1, 1, 1],
    ...                       "q95": [2, 3, 3]}, index=pd.Index(["RS", "AL", "BG"], name="unit"))
    >>> list(rank_intervals(ranks).data[0].y)
    ['Serbia', 'Albania', 'Bulgaria']
    """
    function = "rank_intervals"
    df = require_frame(df, function)
    require_columns(df, {"unit": unit, "nominal": nominal, "p05": p05, "median": median,
                         "p95": p95}, function)
    units = df[unit] if unit is not None else pd.Series(df.index, index=df.index)
    table = pd.DataFrame({
        "unit": units.astype(str).to_numpy(),
        "nominal": numeric(df[nominal], nominal, function).to_numpy(),
        "median": numeric(df[median], median, function).to_numpy(),
        "lo": numeric(df[p05], p05, function).to_numpy(),
        "hi": numeric(df[p95], p95, function).to_numpy(),
    }).sort_values(["nominal", "unit"], kind="stable")
    names = []  # the y axis' tick labels
    for u in table["unit"]:
        try:
            names.append(escape_label(place_name(resolve_country(u))))
        except ReferenceDataError:
            names.append(escape_label(u))
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=table["median"], y=names, mode="markers",
        name="median rank, bar: 5th-95th percentile",
        marker={"size": 8, "color": theme.PALETTE[0]},
        error_x={"type": "data", "symmetric": False, "thickness": 2, "width": 0,
                 "color": theme.PALETTE[0],
                 "array": (table["hi"] - table["median"]).to_numpy(),
                 "arrayminus": (table["median"] - table["lo"]).to_numpy()},
        customdata=table[["lo", "hi", "nominal"]].to_numpy(),
        hovertemplate="<b>%{y}</b><br>median rank %{x:g}<br>5th-95th percentile "
                      "%{customdata[0]:g} to %{customdata[1]:g}<br>nominal rank "
                      "%{customdata[2]:g}<extra></extra>"))
    fig.add_trace(go.Scatter(
        x=table["nominal"], y=names, mode="markers", name="nominal rank",
        marker={"size": 9, "symbol": "line-ns-open", "color": "#000000",
                "line": {"width": 2, "color": "#000000"}},
        hoverinfo="skip"))
    top = float(np.nanmax(table[["hi", "nominal"]].to_numpy())) if len(table) else 1.0
    fig = themed(fig)
    fig.update_layout(
        height=max(260, 24 * len(names) + 140),
        xaxis={"title": {"text": "rank (1 = highest)"}, "range": [0.5, top + 0.5],
               "dtick": 1 if top <= 20 else None},
        yaxis={"autorange": "reversed", "showgrid": False, "type": "category"},
        legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"},
    )
    _title(fig, title)
    if title:
        fig.update_layout(margin={"t": 72})
    return fig
