"""Merging executed chapters and converting them once, without kernels."""

from __future__ import annotations

import re

from octasee.report.assemble import Part, convert_to_html, merge_chapters, plotlyjs


def plotlyjs_copies(html: str) -> int:
    return html.count(plotlyjs()[:120])

PLOT_HTML = ('<div><div id="0b6f5c8e-1111-2222-3333-444455556666" class="plotly-graph-div">'
             '</div><script>Plotly.newPlot("0b6f5c8e-1111-2222-3333-444455556666", '
             '[{"type": "bar", "x": [1], "y": [2]}], {})</script></div>')
META = {"title": "T <b>", "cycle": "2013-2017", "label": "Draft", "date": "1 June 2018",
        "marking": "RESTRICTED", "handling": "Handle <with> care", "variant": "restricted",
        "variant_label": "Restricted version", "organisation": "SELEC"}


def _md(src, tags=()):
    return {"cell_type": "markdown", "metadata": {"tags": list(tags)}, "source": src}


def _code(outputs, tags=(), **meta):
    return {"cell_type": "code", "metadata": {"tags": list(tags), **meta},
            "source": "secret_code()", "outputs": outputs, "execution_count": 1}


def _display(data):
    return {"output_type": "display_data", "data": data, "metadata": {}}


def _chapter():
    return {"cells": [
        _md("# Seizures\n\nIntro."),
        _code([], tags=["parameters"]),
        _code([{"output_type": "stream", "name": "stdout", "text": "REMOVED"}],
              tags=["remove_cell"]),
        _md("## Heroin seizures"),
        _code([{"output_type": "stream", "name": "stderr", "text": "DeprecationWarning"},
               _display({"application/vnd.plotly.v1+json": {
                   "data": [], "layout": {"title": {"text": "Seizures by year"}}},
                   "text/html": PLOT_HTML})]),
        _code([_display({"text/html": "<table><tr><td>1</td></tr></table>",
                         "text/plain": "1"})], caption="Seizures table"),
        _code([_display({"text/markdown": "**AL**: <script>alert(1)</script>"})]),
        _code([]),
    ]}


def test_merge_numbers_keeps_headings_with_figures_and_drops_what_readers_do_not_see():
    nb = merge_chapters([Part("02_seizures", "Seizures", "2", _chapter(), anchor="ch-2")],
                        meta=META)
    text = str(nb)
    assert "REMOVED" not in text and "DeprecationWarning" not in text
    assert "secret_code" not in text and "application/vnd.plotly.v1+json" not in text
    html_outs = [o["data"]["text/html"] for c in nb["cells"] for o in c.get("outputs", [])]
    fig, table, md = html_outs
    assert fig.startswith('<figure class="report-figure" id="fig-ch-2-1">'
                          '<h2 class="figure-heading">Heroin seizures</h2>')
    assert "Figure 2.1</span> Seizures by year" in fig
    assert 'id="plotly-ch-2-1"' in fig and "0b6f5c8e" not in fig
    assert "Table 2.1</span> Seizures table" in table
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md and "<script>" not in md
    assert not any(c["cell_type"] == "markdown" and "Heroin seizures" in c["source"]
                   for c in nb["cells"])  # the heading moved into the figure
    assert nb["metadata"]["octasee"]["toc"] == [
        {"id": "ch-2", "number": "2", "title": "Seizures", "level": 1, "failed": False}]


def test_failure_box_and_annex_numbering():
    parts = [Part("01_a", "A", "1", failure={"ename": "ValueError", "evalue": "<bad>",
                                            "cell": 4}, notebook_path="x/01_a.ipynb"),
             Part("A_p-AL", "Albania", "A.1", {"cells": []}, level=2, annex=True,
                  group_title="Country profiles")]
    nb = merge_chapters(parts, meta=META)
    roles = [c["metadata"]["octasee"]["role"] for c in nb["cells"]]
    assert roles == ["chapter", "failure", "annex", "section"]
    html = convert_to_html(nb)
    assert 'class="build-failure"' in html and "&lt;bad&gt;" in html and "cell 4" in html
    assert "Annex A" in html and "A.1" in html


def test_conversion_is_offline_and_inlines_plotly_once():
    nb = merge_chapters([Part("02_s", "S", "2", _chapter())], meta=META)
    html = convert_to_html(nb)
    assert plotlyjs_copies(html) == 1
    page = html.replace(plotlyjs(), "")  # plotly.js itself names URLs it never fetches here
    assert re.findall(r"<script[^>]+src=", page) == []
    assert re.findall(r"(?:src|href)=[\"']?https?:", page) == []
    assert "require.min.js" not in page and "mathjax" not in page.lower()
    assert "T &lt;b&gt;" in html and "Handle &lt;with&gt; care" in html
    assert "secret_code" not in html
    empty = convert_to_html(merge_chapters([Part("01", "Empty", "1", {"cells": []})],
                                           meta=META))
    assert plotlyjs_copies(empty) == 0  # no plots, no plotly.js
