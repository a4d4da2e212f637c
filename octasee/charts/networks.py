"""Chapter 3's figures: what share of the organised crime groups show each attribute,
the same per crime area as a matrix, and the groups' scores as a histogram.

Made for the printed A4 page: horizontal bars and a matrix whose height grows with the
number of rows (never a node-link diagram that overflows a page), values written on the
bars and in the cells so that the page reads without colour, one colour per attribute
set (two at most). The functions draw what the analysis layer computed
(:mod:`octasee.analysis.networks`) and compute nothing: texts such as ``"89% (41 of
46)"`` or a withheld ``"x"`` come with the table.

>>> import pandas as pd
>>> fig = share_bars(pd.DataFrame({"label": ["Use of violence", "Use of corruption"],
...                                "share": [0.5, None], "text": ["50% (2 of 4)", "not asked"]}))
>>> [float(x) for x in fig.data[0].x], list(fig.data[0].text)
([50.0, nan], ['50% (2 of 4)', 'not asked'])
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from octasee.charts import theme
from octasee.charts._common import escape_label, numeric, require_columns, require_frame, themed

__all__ = ["SHARE_SCALE", "score_histogram", "share_bars", "share_matrix"]

#: Shares of groups, 0 to 100% (ColorBrewer Blues, 7 classes): a quantity, not a threat,
#: so not the threat scale; it reads in greyscale print.
SHARE_SCALE: tuple[tuple[float, str], ...] = tuple(
    (i / 6, c) for i, c in enumerate(
        ("#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#084594")))


def _wrap(text: object, width: int) -> str:
    """``text`` escaped and wrapped at word boundaries (a long word whole, never split)
    to lines of about ``width`` characters, joined by ``<br>``."""
    lines = textwrap.wrap(str(text), width=width, break_long_words=False,
                          break_on_hyphens=False) or [str(text)]
    return "<br>".join(escape_label(line) for line in lines)


def _title(fig: go.Figure, title: str | None, top: int = 24) -> None:
    if title:
        fig.update_layout(title={"text": title}, margin={"t": top + 48})
    else:
        fig.update_layout(margin={"t": top})


def share_bars(df: pd.DataFrame, *, label: str = "label", share: str = "share",
               text: str = "text", title: str | None = None,
               x_title: str = "share of the groups whose value is known (%)") -> go.Figure:
    """One horizontal bar per row, in the table's order from the top: ``share`` (0..1,
    drawn as 0-100%; missing: no bar) with ``text`` written beside it (the numbers behind
    the share, or why there is none). 34 px a bar: eight bars take a third of a page.

    >>> fig = share_bars(pd.DataFrame({"label": ["A"], "share": [0.25], "text": ["25%"]}))
    >>> fig.layout.xaxis.range
    (0.0, 132.0)
    """
    function = "share_bars"
    df = require_frame(df, function)
    require_columns(df, {"label": label, "share": share, "text": text}, function)
    values = numeric(df[share], share, function) * 100
    names = [_wrap(v, 30) for v in df[label]]
    texts = [escape_label(t) if isinstance(t, str) else "" for t in df[text]]
    fig = go.Figure(go.Bar(
        x=values.to_numpy(dtype=float), y=names, orientation="h", text=texts,
        textposition="outside", cliponaxis=False, textfont={"size": 11},
        marker={"color": theme.PALETTE[0]},
        hovertemplate="<b>%{y}</b><br>%{text}<extra></extra>"))
    # A bar with no value still shows its text, at the axis.
    missing = values.isna().to_numpy()
    if missing.any():
        fig.add_trace(go.Scatter(
            x=[0.0] * int(missing.sum()), y=[n for n, m in zip(names, missing, strict=True)
                                             if m],
            mode="text", text=[t for t, m in zip(texts, missing, strict=True) if m],
            textposition="middle right", textfont={"size": 11, "color": "#555555"},
            hoverinfo="skip", showlegend=False))
    fig = themed(fig)
    lines = sum(n.count("<br>") + 1 for n in names)
    fig.update_layout(
        height=max(200, 34 * len(names) + 6 * max(0, lines - len(names)) + 90),
        showlegend=False, bargap=0.35,
        # Room on the right for the longest text beside a full bar.
        xaxis={"range": [0.0, 132.0], "tickvals": [0, 25, 50, 75, 100],
               "title": {"text": x_title}, "fixedrange": True},
        yaxis={"autorange": "reversed", "showgrid": False, "type": "category",
               "fixedrange": True},
    )
    _title(fig, title)
    return fig


def share_matrix(df: pd.DataFrame, *, row: str = "row", column: str = "column",
                 share: str = "share", text: str = "text",
                 rows: Sequence[str] | None = None, columns: Sequence[str] | None = None,
                 title: str | None = None, value_label: str = "% of groups") -> go.Figure:
    """A matrix of shares: ``row`` (e.g. crime areas, top to bottom in ``rows``' order or
    the table's) by ``column`` (e.g. attributes, left to right), coloured by ``share``
    (0..1; missing: no colour) with ``text`` written in each cell (a newline starts a
    second line). The labels are the table's own (escaped); 30 px a row (38 with two
    lines of text), so 13 crime areas fit half a page.

    >>> fig = share_matrix(pd.DataFrame({"row": ["Heroin", "Heroin"], "column": ["a", "b"],
    ...                                  "share": [0.5, None], "text": ["50%", "x"]}))
    >>> [[float(v) for v in r] for r in fig.data[0].z], [list(r) for r in fig.data[0].text]
    ([[50.0, nan]], [['50%', 'x']])
    """
    function = "share_matrix"
    df = require_frame(df, function)
    require_columns(df, {"row": row, "column": column, "share": share, "text": text},
                    function)
    tidy = pd.DataFrame({"row": df[row].astype(str).to_numpy(),
                         "column": df[column].astype(str).to_numpy(),
                         "share": numeric(df[share], share, function).to_numpy() * 100,
                         "text": [t if isinstance(t, str) else "" for t in df[text]]})
    row_order = list(rows) if rows is not None else list(dict.fromkeys(tidy["row"]))
    col_order = list(columns) if columns is not None else list(dict.fromkeys(tidy["column"]))
    z = tidy.pivot(index="row", columns="column", values="share").reindex(
        index=row_order, columns=col_order)
    t = tidy.pivot(index="row", columns="column", values="text").reindex(
        index=row_order, columns=col_order)
    width = 14 if len(col_order) <= 6 else 11
    xs = [_wrap(c, width) for c in col_order]
    ys = [escape_label(r) for r in row_order]
    # A line break in a cell's text ("89%\n41 of 46") starts a second line.
    cell_text = [["<br>".join(escape_label(p) for p in v.split("\n"))
                  if isinstance(v, str) else "" for v in line] for line in t.to_numpy()]
    fig = go.Figure(go.Heatmap(
        z=z.to_numpy(dtype=float), x=xs, y=ys, text=cell_text, texttemplate="%{text}",
        textfont={"size": 10}, colorscale=[list(s) for s in SHARE_SCALE], zmin=0, zmax=100,
        xgap=2, ygap=2, hoverongaps=False,
        hovertemplate="<b>%{y}</b><br>%{x}: %{text}<extra></extra>",
        colorbar={"title": {"text": escape_label(value_label), "side": "right"},
                  "thickness": 12, "tickvals": [0, 25, 50, 75, 100]}))
    fig = themed(fig)
    label_lines = max((x.count("<br>") + 1 for x in xs), default=1)
    per_row = 38 if any("<br>" in v for line in cell_text for v in line) else 30
    fig.update_layout(
        height=max(220, per_row * len(ys) + 14 * label_lines + 70),
        plot_bgcolor=theme.NO_DATA_GREY,
        xaxis={"side": "top", "showgrid": False, "showline": False, "ticks": "",
               "tickangle": 0, "tickfont": {"size": 10}, "fixedrange": True},
        yaxis={"autorange": "reversed", "showgrid": False, "showline": False, "ticks": "",
               "fixedrange": True, "type": "category"},
    )
    _title(fig, title, top=14 * label_lines + 12)
    return fig


def score_histogram(df: pd.DataFrame, *, lo: str = "lo", hi: str = "hi",
                    count: str = "groups", group: str = "label",
                    cuts: Sequence[float] = (100 / 3, 200 / 3),
                    cut_labels: Sequence[str] = ("low", "medium", "high"),
                    title: str | None = None,
                    x_title: str = "score, % of the attribute set's maximum") -> go.Figure:
    """Groups per bin of the score (``lo`` to ``hi``, in % of the maximum), one bar series
    per ``group`` (an attribute set: two colours at most in practice), with dotted lines
    at ``cuts`` (the thirds of the scale: the bands the public edition counts) labelled
    ``cut_labels`` at the top of the plot, the legend above it.

    >>> h = pd.DataFrame({"label": ["S", "S"], "lo": [0, 50], "hi": [50, 100], "groups": [3, 1]})
    >>> [[float(x) for x in t.x] for t in score_histogram(h).data]
    [[25.0, 75.0]]
    """
    function = "score_histogram"
    df = require_frame(df, function)
    require_columns(df, {"lo": lo, "hi": hi, "count": count, "group": group}, function)
    lows = numeric(df[lo], lo, function)
    highs = numeric(df[hi], hi, function)
    counts = numeric(df[count], count, function)
    groups = list(dict.fromkeys(df[group].astype(str)))
    fig = go.Figure()
    m = max(len(groups), 1)
    for k, name in enumerate(groups):
        mine = (df[group].astype(str) == name).to_numpy()
        left, right = lows[mine].to_numpy(), highs[mine].to_numpy()
        # The series side by side within each bin, 90% of its width between them.
        w = (right - left) * 0.9 / m
        fig.add_trace(go.Bar(
            x=left + (right - left) * 0.05 + w * (k + 0.5), y=counts[mine].to_numpy(),
            width=w, name=escape_label(name),
            marker={"color": theme.PALETTE[k % len(theme.PALETTE)]},
            text=[f"{int(v)}" if v else "" for v in counts[mine]], textposition="outside",
            textfont={"size": 10}, cliponaxis=False,
            customdata=np.stack([left, right], axis=1),
            hovertemplate=(f"<b>{escape_label(name)}</b><br>%{{customdata[0]:g}}-"
                           "%{customdata[1]:g}%: %{y} groups<extra></extra>")))
    shapes: list[dict[str, Any]] = [
        {"type": "line", "xref": "x", "yref": "paper", "x0": c, "x1": c, "y0": 0, "y1": 1,
         "line": {"color": "#888888", "width": 1, "dash": "dot"}} for c in cuts]
    edges = [0.0, *cuts, 100.0]
    notes = [{"x": (a + b) / 2, "y": 1.0, "xref": "x", "yref": "paper", "yanchor": "top",
              "text": escape_label(t), "showarrow": False, "font": {"size": 10,
                                                                     "color": "#555555"}}
             for a, b, t in zip(edges[:-1], edges[1:], cut_labels, strict=False)]
    fig = themed(fig)
    top = float(counts.max()) if len(counts) and counts.notna().any() else 1.0
    fig.update_layout(
        height=300, barmode="overlay", shapes=shapes, annotations=notes,
        xaxis={"range": [0, 100], "tickvals": list(range(0, 101, 10)),
               "title": {"text": x_title}, "fixedrange": True},
        # Headroom above the highest bar for its count and the band labels.
        yaxis={"title": {"text": "groups"}, "range": [0, top * 1.35 + 1],
               "rangemode": "tozero", "fixedrange": True},
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom"},
    )
    _title(fig, title, top=40)
    return fig
