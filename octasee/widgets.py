"""Interactive explorers for JupyterLab (ipywidgets 8).

* :func:`weights_explorer`: a weight slider per crime area; the country ranking and the
  heatmap follow the sliders.
* :func:`indicator_explorer`: a country and crime-area filter over indicators and the
  countries' written assessments.
* :func:`ocg_explorer`: a filterable table of organised crime groups and their scores.

Each returns an :class:`Explorer`: live widgets in JupyterLab; wherever no widget front end
runs (papermill, the exported report) the same output carries a static HTML view of its
default state, so a batch run shows the default view and never fails. The static view
says what it shows, never how to work the widgets (a report's reader has none). The
chapters call them through :mod:`octasee.chapters.sections` (``explore_*``), which shows
none in the public edition.

>>> import pandas as pd
>>> tm = pd.DataFrame({"country": ["RS", "RS", "HR", "HR"], "crime_area": ["heroin", "thb"] * 2,
...                    "value": [8.0, 2.0, 3.0, 6.0]})
>>> ex = weights_explorer(tm)
>>> ranking(tm, {"heroin": 1.0, "thb": 1.0})["country"].tolist()
['RS', 'HR']
>>> "text/html" in ex._repr_mimebundle_()
True
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as w
import pandas as pd

from octasee.analysis.threat import country_ranking
from octasee.charts import figure_html, mimebundle, threat_heatmap
from octasee.reference import country_name, crime_area

__all__ = ["Explorer", "indicator_explorer", "ocg_explorer", "ranking", "weights_explorer"]


class Explorer(w.VBox):
    """A VBox whose output also holds a static HTML view of its current state."""

    def __init__(self, children: list[w.Widget], static: Callable[[], str]) -> None:
        super().__init__(children=children)
        self._static = static

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = super()._repr_mimebundle_(**kwargs) or {}
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data = dict(data)
        data["text/html"] = self._static()
        return data


def _show_figure(out: w.Output, fig: Any) -> None:
    """Put ``fig`` in ``out`` by setting the widget's ``outputs`` state, never by capturing
    output in ``with out:``.

    Capturing sets the widget's ``msg_id``, and a batch executor (papermill's nbclient)
    then routes the cell's output to its stand-in for the Output widget, which writes the
    widget's state back to the kernel on the shell channel while it awaits the cell's
    reply: now and then that wait misses its wake-up until the cell timeout (an hour and
    more for chapter 2 run alone under plain papermill). Set as state, the figure is one
    comm message like any other widget's: JupyterLab draws it, a batch run records it and
    nothing waits on it.
    """
    bundle = mimebundle(fig)
    out.outputs = ({"output_type": "display_data", "data": bundle, "metadata": {}},)


def ranking(tm: pd.DataFrame, weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Countries ranked by the weighted mean of their crime-area scores: the one ranking,
    :func:`octasee.analysis.threat.country_ranking` (the key figures, the report's map and
    annex B rank the same at equal weights), with each country's name.

    ``weights``: per crime area (default: equal). Areas with weight 0 are left out; a
    country's missing areas are skipped and the weights of the rest renormalised
    (``areas``: how many it is scored on); tied scores share the best rank.
    """
    out = country_ranking(tm, weights)
    out.insert(2, "name", out["country"].map(country_name))
    return out[["rank", "country", "name", "score", "areas"]]


def _ranking_html(table: pd.DataFrame) -> str:
    return table.to_html(index=False, escape=True, float_format=lambda x: f"{x:.2f}",
                         classes="octasee-table", border=0)


def weights_explorer(tm: pd.DataFrame, countries: Sequence[str] | None = None) -> Explorer:
    """Weight sliders per crime area that re-rank countries and redraw the heatmap.

    ``tm``: the threat scores of every member country (ranks are ranks among them);
    ``countries``: the ones to show (default: every one of ``tm``).
    """
    areas = list(dict.fromkeys(tm["crime_area"]))
    keep = set(tm["country"]) if countries is None else set(countries)

    def ranked(weights: Mapping[str, float]) -> pd.DataFrame:
        r = ranking(tm, weights)
        return r[r["country"].isin(keep)]

    sliders = {a: w.FloatSlider(value=1.0, min=0.0, max=3.0, step=0.25,
                                description=crime_area(a).label[:28],
                                style={"description_width": "200px"},
                                layout=w.Layout(width="420px")) for a in areas}
    table_out = w.HTML()
    fig_out = w.Output()

    def weights() -> dict[str, float]:
        return {a: s.value for a, s in sliders.items()}

    def weighted() -> pd.DataFrame:
        ws = weights()
        shown = tm[tm["country"].isin(keep)]
        return shown.assign(value=shown["value"] * shown["crime_area"].map(ws).fillna(0.0))

    def redraw(*_: Any) -> None:
        from IPython import get_ipython

        table_out.value = _ranking_html(ranked(weights()))
        # No kernel: the static view carries the figure; no scores: nothing to draw.
        if get_ipython() is None or tm.empty:
            return
        _show_figure(fig_out, threat_heatmap(weighted(), country="country",
                                             crime_area="crime_area", value="value"))

    for s in sliders.values():
        s.observe(redraw, names="value")
    redraw()

    def static() -> str:
        if tm.empty:  # nothing ingested yet: no heatmap to draw
            return "<div class='explorer-static'><p>No threat scores to weigh yet.</p></div>"
        fig = threat_heatmap(weighted(), country="country", crime_area="crime_area",
                             value="value")
        # What the default state shows, in words for a report: no instructions for a
        # tool the reader of a report does not have.
        return ("<div class='explorer-static'><p>Countries ranked with equal weights for "
                "every crime area (the ranking of the report's map and annex B): the mean "
                "of the area scores over the areas each country is scored on "
                "(<i>areas</i>).</p>"
                + _ranking_html(ranked(weights())) + figure_html(fig) + "</div>")

    return Explorer([w.HTML("<b>Weights per crime area</b>"), *sliders.values(),
                     w.HBox([table_out, fig_out])], static)


def indicator_explorer(indicators: pd.DataFrame, assessments: pd.DataFrame) -> Explorer:
    """A country and crime-area filter over indicators (totals) and written assessments."""
    countries = sorted(indicators["country"].dropna().unique())
    areas = list(dict.fromkeys(indicators["crime_area"].dropna()))
    c_pick = w.Dropdown(options=[(country_name(c), c) for c in countries],
                        description="Country")
    a_pick = w.Dropdown(options=[(crime_area(a).label, a) for a in areas],
                        description="Crime area")
    out = w.HTML()

    def view() -> str:
        c, a = c_pick.value, a_pick.value
        if c is None or a is None:  # nothing ingested yet
            return "<p>No indicator has been reported yet.</p>"
        d = indicators[(indicators["country"] == c) & (indicators["crime_area"] == a)
                       & indicators["breakdown"].isna()]
        table = d.pivot_table(index="indicator", columns="year", values="value",
                              aggfunc="sum") if len(d) else pd.DataFrame()
        parts = [f"<h4>{html.escape(country_name(c))}: {html.escape(crime_area(a).label)}</h4>",
                 table.to_html(escape=True, border=0, classes="octasee-table",
                               float_format=lambda x: f"{x:,.1f}") if len(table)
                 else "<p>No indicator reported.</p>"]
        text = assessments[(assessments["country"] == c) & (assessments["crime_area"] == a)]
        for r in text.itertuples():
            parts.append(f"<blockquote>{html.escape(str(r.situation))}</blockquote>")
        return "".join(parts)

    def redraw(*_: Any) -> None:
        out.value = view()

    c_pick.observe(redraw, names="value")
    a_pick.observe(redraw, names="value")
    redraw()
    return Explorer([w.HBox([c_pick, a_pick]), out], view)


def ocg_explorer(scores: pd.DataFrame) -> Explorer:
    """A filterable table of scored groups (from :func:`octasee.scoring.score_groups`)."""
    countries = sorted(scores["country"].dropna().unique())
    c_pick = w.SelectMultiple(options=[(country_name(c), c) for c in countries],
                              value=tuple(countries), description="Countries", rows=6)
    areas = sorted({a for v in scores["crime_areas"].dropna() for a in str(v).split(";")})
    a_pick = w.Dropdown(options=[("all", "")] + [(crime_area(a).label, a) for a in areas],
                        description="Crime area")
    top = scores["max_score"].max() if "max_score" in scores else None
    min_score = w.IntSlider(value=0, min=0, max=760 if pd.isna(top) or not top else int(top),
                            step=20, description="Min score")
    out = w.HTML()
    cols = [c for c in ("rank", "country", "group_ref", "structure", "crime_areas", "score",
                        "unknown_share", "grading", "confidence") if c in scores.columns]

    def view() -> str:
        if scores.empty:
            return "<p>No organised crime group has been reported yet.</p>"
        d = scores[scores["country"].isin(c_pick.value) & (scores["score"] >= min_score.value)]
        if a_pick.value:
            d = d[d["crime_areas"].fillna("").str.split(";").map(lambda x: a_pick.value in x)]
        return (f"<p>{len(d)} of {len(scores)} groups</p>"
                + d[cols].to_html(index=False, escape=True, border=0, classes="octasee-table",
                                  float_format=lambda x: f"{x:.2f}"))

    def redraw(*_: Any) -> None:
        out.value = view()

    for widget in (c_pick, a_pick, min_score):
        widget.observe(redraw, names="value")
    redraw()
    return Explorer([w.HBox([c_pick, w.VBox([a_pick, min_score])]), out], view)
