"""The theme is registered; the renderer's bundle works in JupyterLab and offline."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import plotly.graph_objects as go
import plotly.io as pio

import octasee.charts as oc
from octasee.charts import renderer


def test_theme_registered_and_default():
    assert "octasee" in pio.templates
    oc.use_theme()
    assert pio.templates.default == "octasee"
    layout = pio.templates["octasee"].layout
    assert layout.autosize is True and layout.width is None and layout.height == oc.theme.FIGURE_HEIGHT
    assert list(layout.colorway) == list(oc.PALETTE)
    assert layout.colorscale.sequential[0][1] == oc.THREAT_SCALE[0][1]


def test_add_source_prints_under_the_figure_once():
    fig = go.Figure(go.Bar(x=["AL", "BA"], y=[1, 2]))
    oc.add_source(fig, "Source: country submissions to OCTA-SEE 2013-2017")
    bottom = fig.layout.margin.b
    oc.add_source(fig, "Source: Europol")
    (note,) = fig.layout.annotations
    assert note.text == "Source: Europol" and note.yref == "paper" and note.yshift < 0
    assert fig.layout.margin.b == bottom  # the margin grows once


def test_mimebundle_holds_json_and_bare_html():
    fig = oc.quadrant(
        __import__("pandas").DataFrame({"country": ["AL", "SI"], "criminality": [6, 4],
                                        "resilience": [4, 6]}), title="Q")
    bundle = renderer.mimebundle(fig)
    assert set(bundle) == {"application/vnd.plotly.v1+json", "text/html", "text/plain"}
    payload = bundle["application/vnd.plotly.v1+json"]
    json.loads(json.dumps(payload))  # JSON all the way down
    assert {"data", "layout", "config"} <= set(payload)
    html = bundle["text/html"]
    low = html.lower()
    assert "<script src=" not in low and "cdn" not in low and "mathjax" not in low
    assert "http://" not in low and "https://" not in low
    assert html.count("Plotly.newPlot") == 1 and html.count('class="plotly-graph-div"') == 1


def test_html_is_deterministic():
    def build():
        return oc.threat_heatmap(__import__("pandas").DataFrame(
            {"country": ["RS"], "crime_area": ["heroin"], "value": [3.0]}))

    a, b = oc.figure_html(build()), oc.figure_html(build())
    assert a == b
    assert re.search(r'id="octasee-[0-9a-f]{16}"', a)
    assert renderer.div_id(build()) != renderer.div_id(go.Figure())


def test_use_renderer_makes_it_the_default():
    oc.setup()
    assert pio.renderers.default == "octasee"
    bundle = go.Figure(go.Bar(x=[1], y=[2]))._repr_mimebundle_()
    assert "text/html" in bundle and "application/vnd.plotly.v1+json" in bundle
    # The same figure shown twice in one kernel gets two element ids.
    fig = go.Figure(go.Bar(x=[5], y=[6]))
    ids = [re.search(r'id="([^"]+)"', fig._repr_mimebundle_()["text/html"]).group(1)
           for _ in range(2)]
    assert ids[0] != ids[1] and ids[1].startswith(ids[0])


def test_plotlyjs_source_is_the_bundled_file():
    src = oc.plotlyjs_source()
    assert len(src) > 1_000_000 and "newPlot" in src
    from plotly.offline import get_plotlyjs

    assert src == get_plotlyjs()


def test_setup_keeps_nbformat_out_of_the_kernel():
    code = ("import sys, plotly.graph_objects as go, plotly.io as pio, octasee.charts as oc\n"
            "oc.setup()\n"
            "assert 'nbformat' not in sys.modules, 'nbformat imported'\n"
            "pio.show(go.Figure(go.Bar(x=[1], y=[2])))\n"  # plotly's own check still passes
            "print('ok')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("ok")
