"""Charts for the OCTA-SEE report: one theme, an offline renderer, the region's map, figures.

Nothing is fetched from a CDN, in JupyterLab or in the report: the map is drawn from
boundaries shipped with the package (Natural Earth, public domain) without plotly's geo
subplots, and the renderer emits HTML that relies on the report inlining plotly.js once.

In a notebook, one call sets the theme and the renderer:

>>> import pandas as pd
>>> import octasee.charts as oc
>>> oc.setup()  # doctest: +SKIP
>>> fig = oc.quadrant(pd.DataFrame({"country": ["AL", "SI"], "criminality": [6.5, 3.9],
...                                 "resilience": [4.0, 6.8]}), title="Criminality and resilience")
>>> fig = oc.add_source(fig, "Source: GI-TOC Global Organized Crime Index 2023")
>>> fig.layout.template.layout.font.family == oc.FONT_FAMILY
True
"""

from __future__ import annotations

from octasee.charts.figures import (
    ocg_network,
    quadrant,
    rank_intervals,
    route_sankey,
    threat_heatmap,
    trend_band,
)
from octasee.charts.maps import (
    boundaries,
    choropleth,
    country_points,
    place_name,
    project,
    route_legs,
    route_map,
)
from octasee.charts.renderer import (
    RENDERER_NAME,
    figure_html,
    mimebundle,
    plotlyjs_source,
    use_renderer,
)
from octasee.charts.theme import (
    A4_WIDTH,
    CONTEXT_GREY,
    DIVERGING_SCALE,
    FONT_FAMILY,
    NO_DATA_GREY,
    PALETTE,
    TEMPLATE_NAME,
    THREAT_SCALE,
    add_source,
    use_theme,
)

__all__ = [
    "A4_WIDTH",
    "CONTEXT_GREY",
    "DIVERGING_SCALE",
    "FONT_FAMILY",
    "NO_DATA_GREY",
    "PALETTE",
    "RENDERER_NAME",
    "TEMPLATE_NAME",
    "THREAT_SCALE",
    "add_source",
    "boundaries",
    "choropleth",
    "country_points",
    "figure_html",
    "mimebundle",
    "ocg_network",
    "place_name",
    "plotlyjs_source",
    "project",
    "quadrant",
    "rank_intervals",
    "route_legs",
    "route_map",
    "route_sankey",
    "setup",
    "threat_heatmap",
    "trend_band",
    "use_renderer",
    "use_theme",
]


def setup() -> None:
    """Make the ``"octasee"`` theme and renderer plotly's defaults (once per kernel)."""
    use_theme()
    use_renderer()
