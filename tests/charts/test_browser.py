"""The offline report path in a real browser: plotly.js inlined once, no request leaves the page.

Opens a page with ``plotlyjs_source()`` and the renderer's HTML for the map and two other
figures in Debian's Chromium (driven by Playwright, never ``playwright install``), blocks and
counts every request that is not ``file:``, ``data:`` or ``about:``, and checks that every
figure is drawn. The map's screenshot is kept in ``tests/charts/out/map.png`` for a person to
look at.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import octasee.charts as oc
from octasee.charts import renderer
from octasee.reference import MEMBER_CODES
from octasee.report.pdf import chromium_path, launch_chromium, offline_page

OUT = Path(__file__).parent / "out"

pytestmark = pytest.mark.skipif(chromium_path() is None, reason="Debian's chromium is missing")

# For each figure: how many traces, and which fill path belongs to which member.
INSPECT = """() => [...document.querySelectorAll('.plotly-graph-div')].map(gd => {
  const traces = [...gd.querySelectorAll('.scatterlayer .trace')];
  const members = (gd._fullData || []).filter(t => t.type === 'scatter')
      .map((t, i) => [t.meta && t.meta.role, t.meta && t.meta.iso2, i])
      .filter(r => r[0] === 'member')
      .map(([, iso2, i]) => {
        const p = traces[i] && traces[i].querySelector('path.js-fill');
        const d = p ? (p.getAttribute('d') || '') : '';
        return {iso2, filled: d.length > 20 && d.includes('Z'), fill: p ? p.style.fill : null,
                bbox: p ? (({width, height}) => ({width, height}))(p.getBBox()) : null};
      });
  return {id: gd.id, svg: gd.querySelectorAll('svg.main-svg').length, members};
})"""


def _page(figures) -> str:
    parts = [oc.figure_html(f) for f in figures]
    return ("<!doctype html><html><head><meta charset='utf-8'><title>octasee charts</title>"
            f"<script>{oc.plotlyjs_source()}</script></head>"
            "<body style='width:718px;margin:0;font-family:sans-serif'>"
            + "\n".join(f"<section>{p}</section>" for p in parts) + "</body></html>")


def test_figures_draw_offline_in_chromium(tmp_path, scores, routes, heat, quad):
    pytest.importorskip("playwright.sync_api")
    figures = [oc.add_source(oc.choropleth(scores, value="score", title="Criminality score",
                                           flows=routes),
                             "Source: country submissions to OCTA-SEE 2013-2017"),
               oc.threat_heatmap(heat, value="score", title="Threat"),
               oc.route_sankey(routes, title="Routes"),
               oc.quadrant(quad, title="Criminality and resilience")]
    html = _page(figures)
    assert html.count(oc.plotlyjs_source()[:200]) == 1  # plotly.js inlined once
    for f in figures:  # and no figure brings its own
        part = renderer.figure_html(f).lower()
        assert "<script src=" not in part and "cdn" not in part and "mathjax" not in part
    page_file = tmp_path / "charts.html"
    page_file.write_text(html, encoding="utf-8")

    blocked: list[str] = []
    errors: list[str] = []

    OUT.mkdir(exist_ok=True)
    with launch_chromium() as browser:
        page = offline_page(browser, blocked=blocked, errors=errors,
                            viewport={"width": 718, "height": 900})
        page.goto(page_file.as_uri())
        page.wait_for_function(
            "n => [...document.querySelectorAll('.plotly-graph-div')]"
            ".filter(d => d._fullLayout && d.querySelector('svg.main-svg')).length === n",
            arg=len(figures), timeout=15_000)
        page.wait_for_timeout(300)  # let transitions settle before the screenshot
        state = page.evaluate(INSPECT)
        page.query_selector_all(".plotly-graph-div")[0].screenshot(path=str(OUT / "map.png"))
        page.screenshot(path=str(OUT / "page.png"), full_page=True)

    assert blocked == [], f"requests left the page: {blocked}"
    assert errors == [], errors
    assert len(state) == len(figures)
    assert all(s["svg"] >= 1 for s in state), json.dumps(state)
    members = state[0]["members"]
    assert sorted(m["iso2"] for m in members) == sorted(MEMBER_CODES)
    assert all(m["filled"] for m in members), members
    # A fill that covered everything outside a country (inverted winding) would be as large
    # as the plot; the largest member (Turkey) spans about half of the map's width.
    (map_fig,) = figures[:1]
    width = max(m["bbox"]["width"] for m in members)
    height = max(m["bbox"]["height"] for m in members)
    assert width < 0.6 * 718 and height < 0.9 * map_fig.layout.height
    fills = {m["iso2"]: m["fill"] for m in members}
    assert fills["AL"] == "rgb(153, 0, 0)" and fills["SI"] == "rgb(254, 240, 217)"
    assert (OUT / "map.png").stat().st_size > 10_000
