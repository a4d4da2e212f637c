"""The chart of chapter 11: the crime areas ranked as regional priorities.

One row per crime area, best-ranked at the top: a bar for the priority score (0-10),
dark for the areas listed as priorities and light for the others, a marker for each
dimension's score (threat, vulnerability, impact), and the bands shaded behind them, so
that a reader sees at once where each area falls and why.

>>> import pandas as pd
>>> df = pd.DataFrame({"label": ["Cocaine trafficking", "Heroin trafficking"],
...                    "score": [6.2, 5.5], "threat": [5.7, 4.0],
...                    "vulnerability": [5.5, 6.0], "impact": [7.8, 8.1]})
>>> fig = priority_chart(df, top=1)
>>> [t.name for t in fig.data]
['Priority score', 'Other areas', 'Threat', 'Vulnerability', 'Impact']
>>> list(fig.data[0].y)
['Cocaine trafficking']
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from octasee.charts import theme
from octasee.charts._common import escape_label, require_columns, require_frame, themed

__all__ = ["priority_chart"]

_SYMBOLS = {"threat": "diamond", "vulnerability": "circle", "impact": "square"}
_BAND_SHADES = ("#ffffff", "#f6f6f6", "#ececec")


def priority_chart(df: pd.DataFrame, *, label: str = "label", score: str = "score",
                   dimensions: Sequence[str] = ("threat", "vulnerability", "impact"),
                   cuts: Sequence[float] = (10 / 3, 20 / 3), top: int = 6) -> go.Figure:
    """Crime areas ranked on their priority score (``df`` in rank order, one row each:
    ``label``, ``score`` and one column per dimension, each 0-10); the first ``top`` rows
    are the priorities. Missing dimension scores draw no marker."""
    function = "priority_chart"
    df = require_frame(df, function)
    require_columns(df, {"label": label, "score": score,
                         **{d: d for d in dimensions}}, function)
    names = [escape_label(v) for v in df[label]]
    order = list(reversed(names))  # the best-ranked at the top
    fig = go.Figure()
    for i, (lo, hi) in enumerate(zip((0.0, *cuts), (*cuts, 10.0), strict=True)):
        fig.add_vrect(x0=lo, x1=hi, fillcolor=_BAND_SHADES[i], line_width=0, layer="below")
    scores = df[score].astype(float).to_list()
    n = max(0, min(int(top), len(df)))
    fig.add_trace(go.Bar(x=scores[:n], y=names[:n], orientation="h", name="Priority score",
                         marker={"color": theme.PALETTE[0]}, width=0.55,
                         hovertemplate="%{y}: priority score %{x:.1f}<extra></extra>"))
    fig.add_trace(go.Bar(x=scores[n:], y=names[n:], orientation="h", name="Other areas",
                         marker={"color": theme.CONTEXT_GREY}, width=0.55,
                         hovertemplate="%{y}: priority score %{x:.1f}<extra></extra>"))
    for j, d in enumerate(dimensions):
        values = df[d].astype(float)
        keep = values.notna().to_list()
        fig.add_trace(go.Scatter(
            x=[v for v, k in zip(values, keep, strict=True) if k],
            y=[y for y, k in zip(names, keep, strict=True) if k],
            mode="markers", name=d.capitalize(),
            marker={"symbol": _SYMBOLS.get(d, "circle"), "size": 9,
                    "color": theme.PALETTE[(j + 1) % len(theme.PALETTE)],
                    "line": {"width": 1, "color": "#ffffff"}},
            hovertemplate=f"%{{y}}: {d} %{{x:.1f}}<extra></extra>"))
    fig = themed(fig)
    fig.update_layout(
        barmode="overlay", height=max(260, 26 * len(names) + 110),
        xaxis={"range": [0, 10], "title": {"text": "score (0-10)"}, "dtick": 1},
        yaxis={"categoryorder": "array", "categoryarray": order, "showgrid": False},
        legend={"orientation": "h", "y": -0.12, "x": 0, "yanchor": "top"},
        margin={"t": 16})
    return fig
