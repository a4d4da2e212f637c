"""A plotly renderer that works in JupyterLab *and* in the exported, offline report.

plotly's stock renderers give either only its JSON mimetype (which nbconvert cannot draw:
figures vanish from the exported HTML) or HTML that loads plotly.js and MathJax from a CDN.
The ``"octasee"`` renderer emits both parts of one bundle:

- ``application/vnd.plotly.v1+json``: the figure, drawn by JupyterLab's plotly extension;
- ``text/html``: a bare ``<div>`` and a ``<script>`` calling ``Plotly.newPlot``, with no
  plotly.js, no MathJax and no URL. The report template inlines plotly.js once
  (:func:`plotlyjs_source`), so one offline file draws every figure;
- ``text/plain``: a one-line description for text-only front ends.

Every part is made from the figure with its text neutralised
(:func:`octasee.charts._common.safe_figure`): labels keep bare formatting tags (``<br>``,
``<b>``) but no link, image or style reaches JupyterLab or the report, whoever built the
figure.

The div id is derived from the figure's content, so re-executing a notebook gives
byte-identical outputs (and a cache keyed on outputs stays valid).

>>> import plotly.graph_objects as go
>>> from octasee.charts import mimebundle
>>> bundle = mimebundle(go.Figure(go.Bar(x=["AL"], y=[1])))
>>> sorted(bundle)
['application/vnd.plotly.v1+json', 'text/html', 'text/plain']
>>> "<script src=" in bundle["text/html"], bundle["text/html"].count('class="plotly-graph-div"')
(False, 1)
"""

from __future__ import annotations

import hashlib
import json
import sys
from functools import cache
from importlib import metadata, resources
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

from octasee.charts._common import safe_figure

__all__ = ["RENDERER_NAME", "figure_html", "mimebundle", "plotlyjs_source", "use_renderer"]

RENDERER_NAME = "octasee"
MIMETYPE = "application/vnd.plotly.v1+json"
#: plotly.js config for every figure: no plotly logo, PNG export at print resolution.
CONFIG: dict[str, Any] = {"displaylogo": False, "responsive": True,
                          "toImageButtonOptions": {"format": "png", "scale": 2}}


def _figure_dict(fig: go.Figure | dict) -> dict:
    """The figure as a dict, its text neutralised: no tag but bare formatting ones.

    Every way out of this module (the div id, the HTML, the bundle) goes through here, so
    no figure shown in JupyterLab or in the report carries a link, an image or a style
    from its labels, whoever built it (see :func:`octasee.charts._common.safe_figure`).
    """
    return safe_figure(fig)


def _canonical_json(fig_dict: dict) -> str:
    # plotly's encoder turns numpy arrays, dates and NaN into JSON; sorting keys makes the
    # text (and so the hash) independent of the order in which properties were set.
    return json.dumps(json.loads(pio.to_json(fig_dict, validate=False)), sort_keys=True,
                      separators=(",", ":"))


def div_id(fig: go.Figure | dict) -> str:
    """A deterministic element id: ``octasee-`` and 16 hex digits of the figure's SHA-256."""
    return _div_id(_figure_dict(fig))


def _div_id(fig_dict: dict) -> str:  # fig_dict: from _figure_dict
    digest = hashlib.sha256(_canonical_json(fig_dict).encode("utf-8")).hexdigest()
    return f"octasee-{digest[:16]}"


def figure_html(fig: go.Figure | dict, *, element_id: str | None = None) -> str:
    """The report part of the bundle: a ``<div>`` and a script, nothing loaded from anywhere.

    >>> import plotly.graph_objects as go
    >>> html = figure_html(go.Figure(go.Scatter(x=[1, 2], y=[3, 4])))
    >>> html == figure_html(go.Figure(go.Scatter(x=[1, 2], y=[3, 4])))
    True
    >>> "cdn" in html.lower() or "mathjax" in html.lower()
    False
    """
    return _html(_figure_dict(fig), element_id)


def _html(fig_dict: dict, element_id: str | None) -> str:  # fig_dict: from _figure_dict
    return pio.to_html(fig_dict, config=CONFIG, include_plotlyjs=False, include_mathjax=False,
                       full_html=False, validate=False,
                       div_id=element_id or _div_id(fig_dict))


class _Ids:
    """Ids already emitted in this process: the same figure shown twice gets ``-2``, ``-3``…

    Counting in display order keeps ids deterministic when a notebook runs top to bottom.
    """

    seen: dict[str, int] = {}  # noqa: RUF012 - process-wide on purpose

    @classmethod
    def next(cls, base: str) -> str:
        n = cls.seen.get(base, 0) + 1
        cls.seen[base] = n
        return base if n == 1 else f"{base}-{n}"


def mimebundle(fig: go.Figure | dict) -> dict[str, Any]:
    """The bundle the ``"octasee"`` renderer displays: plotly JSON, bare HTML and plain text."""
    fig_dict = _figure_dict(fig)
    as_json = json.loads(pio.to_json(fig_dict, validate=False))
    as_json["config"] = dict(CONFIG)
    title = (fig_dict.get("layout", {}).get("title") or {})
    title_text = title.get("text") if isinstance(title, dict) else title
    return {
        MIMETYPE: as_json,
        "text/html": _html(fig_dict, _Ids.next(_div_id(fig_dict))),
        "text/plain": f"<plotly figure: {title_text or 'untitled'}>",
    }


class _LazyNbformat:
    """Stands in for ``nbformat`` in plotly's renderer module until something really needs it.

    ``plotly.io._renderers`` imports nbformat only to compare its version in ``show``;
    importing nbformat costs about 2 s where jupyterlab's dependencies are installed (its
    JSON-schema format checkers build a grammar at import), in every kernel.
    """

    @property
    def __version__(self) -> str:
        return metadata.version("nbformat")

    def __getattr__(self, name: str) -> Any:
        import nbformat

        return getattr(nbformat, name)

    def __bool__(self) -> bool:
        try:
            metadata.version("nbformat")
        except metadata.PackageNotFoundError:
            return False
        return True


def _renderers_module() -> Any:
    """``plotly.io._renderers``, imported without importing nbformat when possible."""
    name = "plotly.io._renderers"
    if name in sys.modules or "nbformat" in sys.modules:
        return __import__(name, fromlist=["renderers"])
    try:
        from _plotly_utils import optional_imports
    except ImportError:  # a plotly that moved things: pay for nbformat, stay correct
        return __import__(name, fromlist=["renderers"])
    blocked = "nbformat" not in optional_imports._not_importable
    optional_imports._not_importable.add("nbformat")
    try:
        module = __import__(name, fromlist=["renderers"])
    finally:
        if blocked:
            optional_imports._not_importable.discard("nbformat")
    if getattr(module, "nbformat", None) is None:
        module.nbformat = _LazyNbformat()
    return module


@cache
def _renderer_class() -> type:
    from plotly.io._base_renderers import MimetypeRenderer

    class OctaseeRenderer(MimetypeRenderer):
        """plotly JSON for JupyterLab plus a bare ``<div>`` for the offline report."""

        def to_mimebundle(self, fig_dict: dict) -> dict[str, Any]:
            return mimebundle(fig_dict)

    return OctaseeRenderer


def use_renderer(*, default: bool = True) -> None:
    """Register the ``"octasee"`` renderer and (by default) make it plotly's default.

    Call it once per kernel, e.g. in a chapter's first cell (``octasee.charts.setup()``
    does it together with the theme).
    """
    module = _renderers_module()
    module.renderers[RENDERER_NAME] = _renderer_class()()
    if default:
        module.renderers.default = RENDERER_NAME


def plotlyjs_source() -> str:
    """The minified plotly.js that ships inside the installed plotly package (no download).

    >>> src = plotlyjs_source()
    >>> len(src) > 1_000_000 and "newPlot" in src
    True
    """
    return _plotlyjs()


@cache
def _plotlyjs() -> str:
    return (resources.files("plotly") / "package_data" / "plotly.min.js").read_text(
        encoding="utf-8")
