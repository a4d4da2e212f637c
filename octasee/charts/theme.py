"""One plotly theme for the whole report: sober, colour-blind safe, sized for an A4 page.

Importing :mod:`octasee.charts` registers the template ``"octasee"``; every figure function
of the package applies it, and :func:`use_theme` makes it the default for figures that
analysts build themselves:

>>> import plotly.graph_objects as go
>>> import plotly.io as pio
>>> from octasee.charts import use_theme, add_source
>>> before = pio.templates.default
>>> use_theme()
>>> pio.templates.default
'octasee'
>>> pio.templates.default = before
>>> fig = add_source(go.Figure(go.Bar(x=["AL", "BA"], y=[3, 4])),
...                  "Source: country submissions to OCTA-SEE 2013-2017")
>>> fig.layout.annotations[0].text
'Source: country submissions to OCTA-SEE 2013-2017'

Colours: the qualitative palette is Okabe and Ito's (safe for the common colour-vision
deficiencies and distinct in greyscale print by lightness); the threat scale is
ColorBrewer's single-hue-family *OrRd* (light = low threat, dark red = high), which reads
in greyscale too; grey marks context (countries outside SELEC, reference lines).
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

__all__ = [
    "A4_WIDTH",
    "CONTEXT_GREY",
    "DIVERGING_SCALE",
    "FIGURE_HEIGHT",
    "FONT_FAMILY",
    "NO_DATA_GREY",
    "PALETTE",
    "TEMPLATE_NAME",
    "THREAT_SCALE",
    "add_source",
    "template",
    "use_theme",
]

TEMPLATE_NAME = "octasee"
#: Printable width of an A4 page at 96 px per inch with 15 mm margins; use it for static images.
A4_WIDTH = 718
#: Default figure height; the width follows the page (``autosize``).
FIGURE_HEIGHT = 420
# No web fonts (nothing is fetched): fonts every Linux, Windows and macOS machine has.
FONT_FAMILY = "Arial, 'Liberation Sans', Helvetica, sans-serif"
TEXT = "#222222"
#: Okabe-Ito, blue first: distinct for colour-blind readers and in greyscale print.
PALETTE: tuple[str, ...] = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#56B4E9",
                            "#CC79A7", "#000000", "#F0E442")
#: Sequential threat scale, low to high (ColorBrewer OrRd, 7 classes).
THREAT_SCALE: tuple[tuple[float, str], ...] = tuple(
    (i / 6, c) for i, c in enumerate(
        ("#fef0d9", "#fdd49e", "#fdbb84", "#fc8d59", "#ef6548", "#d7301f", "#990000")))
#: Diverging scale for signed changes (ColorBrewer PuOr reversed: purple down, orange up).
DIVERGING_SCALE: tuple[tuple[float, str], ...] = tuple(
    (i / 6, c) for i, c in enumerate(
        ("#542788", "#998ec3", "#d8daeb", "#f7f7f7", "#fee0b6", "#f1a340", "#b35806")))
#: Context: countries outside SELEC, reference lines, de-emphasised marks.
CONTEXT_GREY = "#d9d9d9"
#: Members without a value.
NO_DATA_GREY = "#f0f0f0"
GRID = "#e5e5e5"

_SOURCE_NAME = "octasee-source"
_SOURCE_SPACE = 22  # px added under the figure for the source line


def template() -> go.layout.Template:
    """Build the ``"octasee"`` template (a fresh object each call)."""
    axis = {"showgrid": True, "gridcolor": GRID, "gridwidth": 1, "zeroline": False,
            "showline": True, "linecolor": "#888888", "linewidth": 1, "ticks": "outside",
            "tickcolor": "#888888", "ticklen": 4, "automargin": True,
            "title": {"font": {"size": 12}, "standoff": 8}, "tickfont": {"size": 11}}
    layout = go.Layout(
        autosize=True, height=FIGURE_HEIGHT,
        font={"family": FONT_FAMILY, "size": 12, "color": TEXT},
        title={"font": {"size": 15, "color": TEXT}, "x": 0, "xref": "container",
               "xanchor": "left", "y": 0.97, "yanchor": "top", "pad": {"l": 6}},
        paper_bgcolor="white", plot_bgcolor="white",
        colorway=list(PALETTE),
        colorscale={"sequential": [list(s) for s in THREAT_SCALE],
                    "diverging": [list(s) for s in DIVERGING_SCALE]},
        coloraxis={"colorscale": [list(s) for s in THREAT_SCALE],
                   "colorbar": {"thickness": 12, "outlinewidth": 0, "tickfont": {"size": 11}}},
        margin={"l": 56, "r": 16, "t": 52, "b": 44, "pad": 0},
        xaxis=axis, yaxis=axis,
        legend={"font": {"size": 11}, "bgcolor": "rgba(255,255,255,0.8)", "borderwidth": 0,
                "orientation": "h", "x": 0, "xanchor": "left", "y": 1.0, "yanchor": "bottom"},
        hoverlabel={"font": {"family": FONT_FAMILY, "size": 12}, "bgcolor": "white",
                    "bordercolor": "#888888"},
        hovermode="closest", separators=".,",
    )
    data = {
        "scatter": [go.Scatter(marker={"size": 7, "line": {"width": 0}}, line={"width": 2})],
        "bar": [go.Bar(marker={"line": {"width": 0}})],
        "heatmap": [go.Heatmap(colorscale=[list(s) for s in THREAT_SCALE],
                               colorbar={"thickness": 12, "outlinewidth": 0})],
    }
    return go.layout.Template(layout=layout, data=data)


def register() -> None:
    """Register the template as ``"octasee"`` without making it the default."""
    pio.templates[TEMPLATE_NAME] = template()


def use_theme() -> None:
    """Register the ``"octasee"`` template and make it plotly's default for new figures."""
    register()
    pio.templates.default = TEMPLATE_NAME


def add_source(fig: go.Figure, text: str) -> go.Figure:
    """Write a source line under the figure, left-aligned, in small grey type; returns ``fig``.

    The bottom margin grows to make room, so the line prints inside the figure and never
    over the axis labels. Calling it again replaces the line instead of adding another.

    >>> import plotly.graph_objects as go
    >>> fig = add_source(go.Figure(), "Source: SELEC"); fig = add_source(fig, "Source: Europol")
    >>> [a.text for a in fig.layout.annotations]
    ['Source: Europol']
    """
    existing = [a for a in fig.layout.annotations if a.name == _SOURCE_NAME]
    if existing:
        existing[0].text = text
        return fig
    bottom = fig.layout.margin.b
    if bottom is None:
        tmpl = pio.templates[TEMPLATE_NAME] if TEMPLATE_NAME in pio.templates else template()
        bottom = tmpl.layout.margin.b or 44
    # Legends sit above the plot area (see template()), so the bottom margin holds only the
    # x axis; the source line goes under it, inside the figure.
    fig.update_layout(margin={"b": bottom + _SOURCE_SPACE})
    fig.add_annotation(
        name=_SOURCE_NAME, text=text, showarrow=False, xref="paper", yref="paper",
        x=0, y=0, xanchor="left", yanchor="bottom", align="left",
        yshift=-(bottom + _SOURCE_SPACE) + 4, font={"size": 10, "color": "#555555"},
    )
    return fig


register()
