"""Figures outside the build: plain ``jupyter nbconvert --to html`` of an executed chapter
draws its figures with no network (the PlotlyOffline preprocessor the installed
jupyter_nbconvert_config.json adds), and export_figure writes PNG, SVG and PDF offline."""

from __future__ import annotations

import base64
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import plotly.graph_objects as go
import pytest

from octasee.errors import UsageError
from octasee.report.export import PlotlyOffline, export_figure
from octasee.report.pdf import launch_chromium, offline_page, wait_for_plots

from .conftest import needs_chromium


def _config_installed() -> bool:
    return (Path(sys.prefix) / "etc" / "jupyter" / "jupyter_nbconvert_config.json").is_file()


def test_the_preprocessor_puts_plotly_js_once_before_the_first_figure():
    import nbformat

    fig = {"output_type": "display_data", "metadata": {}, "data": {
        "text/html": '<div class="plotly-graph-div" id="a"></div>'
                     '<script>Plotly.newPlot("a", [], {})</script>'}}
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=[fig, fig])])
    nb = nbformat.from_dict(nb)
    out, _ = PlotlyOffline().preprocess(nb, {})
    first, second = (o["data"]["text/html"] for o in out.cells[0].outputs)
    assert first.count("newPlot") > 2 and len(first) > 1_000_000  # plotly.js is in
    assert len(second) < 200  # once only
    again, _ = PlotlyOffline().preprocess(out, {})
    assert len(again.cells[0].outputs[0]["data"]["text/html"]) == len(first)


@needs_chromium
@pytest.mark.skipif(not _config_installed(), reason="octasee is not installed in this "
                    "environment (pip install . puts etc/jupyter/jupyter_nbconvert_config.json)")
def test_plain_nbconvert_of_an_executed_chapter_draws_its_figures_offline(
        restricted_build, tmp_path):
    executed = next(restricted_build.out.glob("*.chapters/01_overview.ipynb"))
    nb = shutil.copy(executed, tmp_path / "chapter.ipynb")
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", str(nb)],
                   check=True, capture_output=True, cwd=tmp_path)
    page_html = (tmp_path / "chapter.html").read_text("utf-8")
    assert page_html.count('class="plotly-graph-div"') >= 1
    errors: list[str] = []
    blocked: list[str] = []
    with launch_chromium() as browser:
        page = offline_page(browser, blocked=blocked, errors=errors)
        page.goto((tmp_path / "chapter.html").as_uri(), wait_until="load")
        wait_for_plots(page, timeout=30)
        drawn = page.evaluate("() => Array.from(document.querySelectorAll("
                              "'.plotly-graph-div')).every(d => d.querySelector('svg.main-svg'))")
    assert drawn
    assert not [e for e in errors if "Plotly" in e], errors
    # what was refused is nbconvert's own CDN scripts (require.js, MathJax), not plotly
    assert not [u for u in blocked if "plotly" in u.lower()], blocked


@needs_chromium
def test_export_writes_a_png_a_browser_opens_and_svg_and_pdf(tmp_path):
    fig = go.Figure(go.Bar(x=["AL", "RS"], y=[3, 5]))
    png = export_figure(fig, tmp_path / "figure.png", width=600, height=400, scale=2)
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1200, 800)
    with launch_chromium() as browser:
        page = offline_page(browser)
        size = page.evaluate("(src) => new Promise(ok => { const i = new Image(); "
                             "i.onload = () => ok([i.naturalWidth, i.naturalHeight]); "
                             "i.onerror = () => ok(null); i.src = src; })",
                             "data:image/png;base64," + base64.b64encode(data).decode())
    assert size == [1200, 800]
    svg = export_figure(fig, tmp_path / "figure.svg")
    assert svg.read_text("utf-8").lstrip().startswith("<svg")
    pdf = export_figure(fig.to_plotly_json(), tmp_path / "figure.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert not list(tmp_path.glob(".*.part"))


def test_export_refuses_an_unknown_format_and_a_missing_folder(tmp_path):
    fig = go.Figure()
    with pytest.raises(UsageError, match="'gif'") as exc:
        export_figure(fig, tmp_path / "figure.gif")
    assert ".png, .svg or .pdf" in str(exc.value)
    with pytest.raises(UsageError, match="does not exist"):
        export_figure(fig, tmp_path / "no-such-folder" / "figure.png")
    with pytest.raises(UsageError, match="takes a plotly Figure"):
        export_figure("not a figure", tmp_path / "figure.png")
