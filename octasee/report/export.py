"""Figures outside the build: plain ``jupyter nbconvert`` draws them, and one call writes
any figure to PNG, SVG or PDF, offline.

- :class:`PlotlyOffline` is an nbconvert preprocessor. The ``"octasee"`` renderer gives
  each figure as a bare ``<div>`` and a ``Plotly.newPlot`` call (the report inlines
  plotly.js once); exported alone, a chapter would show blank figures ("Plotly is not
  defined"). Installing octasee (plain or editable) puts
  ``etc/jupyter/jupyter_nbconvert_config.json`` into the environment, which adds this
  preprocessor to every ``jupyter nbconvert --to html`` there: it puts the installed
  plotly.js, once, before the first figure of the notebook (no CDN; hidden from a
  require.js the page may have loaded, so that ``Plotly`` is a global).
- :func:`export_figure` draws a figure (a plotly ``Figure``, its dict, or the plotly
  JSON of a notebook output) in the system Chromium with the installed plotly.js and
  writes it as PNG, SVG (``Plotly.toImage``) or PDF (the page printed at the figure's
  size). No kaleido: kaleido 1.x would look for a Chrome of its own.

>>> from octasee.report.export import image_format
>>> image_format("briefing/figure-4-1.svg"), image_format("x.PNG", None)
('svg', 'png')
"""

from __future__ import annotations

import base64
import json
import os
import urllib.parse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from nbconvert.preprocessors import Preprocessor

from octasee.charts.renderer import plotlyjs_source
from octasee.errors import UsageError
from octasee.report._io import temp_path_beside
from octasee.report.errors import ReportError
from octasee.report.pdf import launch_chromium, offline_page

__all__ = ["FORMATS", "PlotlyOffline", "export_figure", "image_format", "plotly_script"]

#: What :func:`export_figure` writes.
FORMATS = ("png", "svg", "pdf")
_PLOTLY_MIME = "application/vnd.plotly.v1+json"


def plotly_script() -> str:
    """The installed plotly.js as inline scripts that make ``Plotly`` a global even where
    require.js defined ``define`` (nbconvert's lab template loads it)."""
    return ("<script>window.__octaseeDefine = window.define; window.define = undefined;"
            "</script>\n<script>" + plotlyjs_source().replace("</script", "<\\/script")
            + "</script>\n<script>window.define = window.__octaseeDefine;</script>\n")


def _joined(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


class PlotlyOffline(Preprocessor):  # type: ignore[misc]
    """Put plotly.js, once, before the first figure a notebook's outputs draw with
    ``Plotly.newPlot`` (see the module docstring). A notebook that already carries
    plotly.js, or draws no figure, is left as it is."""

    def preprocess(self, nb: Any, resources: Any) -> tuple[Any, Any]:
        outputs = [o for c in nb.cells for o in c.get("outputs", [])
                   if "text/html" in o.get("data", {})]
        if any("newPlot" in s and len(s) > 1_000_000
               for s in (_joined(o["data"]["text/html"]) for o in outputs)):
            return nb, resources  # plotly.js is there already
        for o in outputs:
            body = _joined(o["data"]["text/html"])
            if "plotly-graph-div" in body and "Plotly.newPlot" in body:
                o["data"]["text/html"] = plotly_script() + body
                break
        return nb, resources


def image_format(path: str | os.PathLike[str], format: str | None = None) -> str:
    """The format to write: ``format`` if given, else the file's suffix; one of
    :data:`FORMATS`, else a :class:`UsageError` saying which are known."""
    fmt = (format or Path(path).suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise UsageError(f"cannot export a figure as {fmt or 'a file without a suffix'!r}",
                         where=str(path), hint="use .png, .svg or .pdf (or format=)")
    return fmt


def _figure_json(fig: Any) -> dict[str, Any]:
    if hasattr(fig, "to_plotly_json"):
        return json.loads(fig.to_json())
    if isinstance(fig, Mapping):
        if _PLOTLY_MIME in fig:  # a notebook output's data
            return dict(fig[_PLOTLY_MIME])
        if "data" in fig or "layout" in fig:
            return json.loads(json.dumps(dict(fig), default=str))
    raise UsageError("export_figure takes a plotly Figure, its dict, or a notebook "
                     "output's data", hint="pass fig (plotly.graph_objects.Figure)")


_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<style>html,body{{margin:0;padding:0;background:#fff}}</style>{script}</head>
<body><div id="fig" style="width:{w}px;height:{h}px"></div></body></html>"""


def export_figure(fig: Any, path: str | os.PathLike[str], *, format: str | None = None,
                  width: int | None = None, height: int | None = None,
                  scale: float = 2.0, timeout: float = 60.0) -> Path:
    """Write ``fig`` to ``path`` as PNG, SVG or PDF (by its suffix, or ``format``),
    drawn offline by the system Chromium with the installed plotly.js; returns the path.

    ``width`` and ``height`` in CSS pixels (default: the figure's layout, else 718 × 450,
    the report's column); ``scale`` multiplies a PNG's pixels (2: sharp on a slide). The
    file is written atomically; a folder that cannot be written, an unknown format or a
    figure that does not draw gives a clear error."""
    target = Path(path)
    fmt = image_format(target, format)
    spec = _figure_json(fig)
    layout = spec.get("layout") or {}
    w = int(width or layout.get("width") or 718)
    h = int(height or layout.get("height") or 450)
    if not target.parent.exists():
        raise UsageError(f"the folder {target.parent} does not exist", where=str(target),
                         hint="create it first, or export to another folder")
    if not os.access(target.parent, os.W_OK):
        raise UsageError(f"cannot write into {target.parent}", where=str(target),
                         hint="choose a folder you may write to")
    page_html = _PAGE.format(script=plotly_script(), w=w, h=h)
    tmp = temp_path_beside(target)
    try:
        with launch_chromium() as browser:
            page = offline_page(browser, viewport={"width": w, "height": h})
            page.set_content(page_html, wait_until="load")
            page.evaluate("(spec) => Plotly.newPlot('fig', spec.data || [], "
                          "Object.assign({}, spec.layout || {}, {width: spec.w, height: spec.h}),"
                          " {staticPlot: true, displayModeBar: false})",
                          {**spec, "w": w, "h": h})
            page.wait_for_function("() => document.querySelector('#fig svg.main-svg')",
                                   timeout=timeout * 1000)
            if fmt == "pdf":
                page.pdf(path=str(tmp), width=f"{w}px", height=f"{h}px",
                         print_background=True, page_ranges="1")
            else:
                url = page.evaluate(
                    "(o) => Plotly.toImage('fig', {format: o.f, width: o.w, height: o.h, "
                    "scale: o.s})", {"f": fmt, "w": w, "h": h, "s": scale})
                head, _, body = url.partition(",")
                data = (base64.b64decode(body) if ";base64" in head
                        else urllib.parse.unquote(body).encode("utf-8"))
                tmp.write_bytes(data)
        os.replace(tmp, target)
    except OSError as exc:
        raise ReportError(f"the figure cannot be written ({exc})", where=str(target),
                          hint="check the folder's permissions and free space") from None
    finally:
        if tmp.exists():
            tmp.unlink()
    return target
