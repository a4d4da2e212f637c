"""The chart rules of the report's editorial standard, in the figure functions: heat-map
headers wrapped at word boundaries, the trend line drawn, one baseline (zero) for counts,
formatted hovers, breaks and outliers annotated, and no unit said twice."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.io as pio

import octasee.charts as oc
from octasee.charts._common import hover_format
from octasee.reference import crime_areas
from octasee.report.editorial import check_html


def violations(fig, y_title_ok: bool = True) -> list[str]:
    """What the editorial checker finds in the figure as the report embeds it."""
    data = json.loads(pio.to_json(fig))
    script = (f'Plotly.newPlot("f", {json.dumps(data["data"])}, '
              f'{json.dumps(data["layout"])}, {{}})')
    page = (f'<figure class="report-figure"><h4 class="figure-caption">Figure 4.1: X</h4>'
            f"<script>{script}</script></figure>")
    return sorted(str(v) for v in check_html(page).violations)


def test_heatmap_headers_break_at_word_boundaries_only():
    areas = [a.label for a in crime_areas()]
    df = pd.DataFrame({"country": "RS", "crime_area": areas, "score": 5.0})
    fig = oc.threat_heatmap(df, value="score", value_label="Threat score (0-10)")
    # 14 columns are narrower than "trafficking": angled, one line each, whole
    assert fig.layout.xaxis.tickangle == -45
    assert list(fig.data[0].x) == areas
    assert violations(fig) == []
    # a few columns: upright, wrapped at word boundaries only
    few = oc.threat_heatmap(df.head(4), value="score", value_label="Threat score (0-10)")
    words = {w for a in areas for w in a.split()}
    assert few.layout.xaxis.tickangle == 0
    for label in few.data[0].x:
        for line in label.split("<br>"):
            assert set(line.split()) <= words, line  # no "tr" / "afficking" halves
    assert "Heroin<br>trafficking" in few.data[0].x


def _trend(values, fitted=None, lo=None, hi=None):
    years = list(range(2009, 2009 + len(values)))
    df = pd.DataFrame({"year": years, "value": values})
    df["fitted"] = fitted if fitted is not None else np.nan
    df["lower"] = lo if lo is not None else np.nan
    df["upper"] = hi if hi is not None else np.nan
    return df


def test_the_trend_line_is_drawn_over_the_band():
    df = _trend([10, 12, 13, 15], fitted=[10.5, 12, 13.5, 15], lo=[8, 10, 11, 13],
                hi=[13, 14, 16, 17])
    fig = oc.trend_band(df, x="year", y="value", lower="lower", upper="upper",
                        fitted="fitted", y_title="Persons arrested")
    trend = [t for t in fig.data if t.name == "trend"]
    assert len(trend) == 1 and list(trend[0].y) == [10.5, 12, 13.5, 15]
    assert trend[0].line.dash == "dot"


def test_counts_start_from_zero_and_the_band_stops_there_and_says_so():
    df = _trend([3, 40, 5, 6, 4], lo=[-20, -10, -5, 0, 1], hi=[30, 40, 20, 12, 9])
    fig = oc.trend_band(df, x="year", y="value", lower="lower", upper="upper",
                        y_title="Persons arrested")
    assert fig.layout.yaxis.rangemode == "tozero"
    lower = next(t for t in fig.data if t.name.endswith("lower"))
    assert min(lower.y) == 0  # a count is never below 0: nor is its band
    line = next(t for t in fig.data if t.mode == "lines+markers")
    assert "cut at 0" in line.customdata[0]
    # a series that goes below zero (a change) keeps plotly's own range
    neg = oc.trend_band(_trend([-3, 2, 5]), x="year", y="value", lower="lower",
                        upper="upper", y_title="Change (%)")
    assert neg.layout.yaxis.rangemode is None


def test_hovers_print_formatted_numbers_and_no_empty_band():
    df = _trend([36500.0, 41000.0, 1_860_000.0])
    fig = oc.trend_band(df, x="year", y="value", lower="lower", upper="upper",
                        y_title="Irregular migrants detected", unit="count")
    line = next(t for t in fig.data if t.mode == "lines+markers")
    assert ":,.0f}" in line.hovertemplate and "~g" not in line.hovertemplate
    assert list(line.customdata) == ["", "", ""]  # no band: no "(NaN to NaN)"
    assert violations(fig) == []
    kg = oc.trend_band(_trend([4.25, 5.5, 7.0], lo=[3, 4, 5], hi=[5, 6, 8]), x="year",
                       y="value", lower="lower", upper="upper", y_title="Heroin seized (kg)",
                       unit="kg")
    hover = next(t for t in kg.data if t.mode == "lines+markers")
    assert hover.hovertemplate.startswith("%{x}: %{y:,.1f} kg")
    assert hover.customdata[0] == " (band 3.0 to 5.0 kg)"
    assert hover_format([36500, 1.5]) == ",.0f" and hover_format([5.87]) == ",.1f"


def test_breaks_and_outliers_the_analysis_reports_are_annotated():
    df = _trend([5, 6, 5, 6, 40, 30, 20, 10, 2])
    fig = oc.trend_band(df, x="year", y="value", lower="lower", upper="upper",
                        y_title="Irregular migrants detected", breaks=[2013],
                        outliers=[2013])
    texts = [a.text for a in fig.layout.annotations]
    assert "break: second line from 2013" in texts and "outlier: 2013" in texts
    assert [s.x0 for s in fig.layout.shapes] == [2012.5]
    ring = next(t for t in fig.data if t.name == "outlier year")
    assert list(ring.x) == [2013] and list(ring.y) == [40]
    assert violations(fig) == []


def test_the_sankey_says_routes_once():
    routes = pd.DataFrame({"origin": ["AF", "AF"], "transit": ["IR;TR", "IR"],
                           "destination": ["AT", "DE"], "crime_area": "heroin"})
    fig = oc.route_sankey(routes)
    sk = fig.data[0]
    assert not sk.valuesuffix
    assert "routes" not in sk.node.hovertemplate and "routes" not in sk.link.hovertemplate
    assert sorted({c[0] for c in sk.link.customdata}) == ["1 route", "2 routes"]
    assert violations(fig) == []


def test_trend_view_reports_the_outlier_years_it_draws():
    from octasee.analysis.trends import outlier_years

    years = list(range(2009, 2018))
    y = [10, 12, 11, 14, 90, 15, 17, 16, 19]
    assert [o[0] for o in outlier_years(years, y)] == [2013]
    from octasee.analysis.findings import TrendView

    assert "outliers" in TrendView.__dataclass_fields__
