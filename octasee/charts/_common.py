"""Helpers shared by the figure functions: argument checks, theming and safe text.

plotly.js draws every text of a figure (trace names, text and hover text, tick labels,
legend entries, annotations, titles, and whatever a hover template pulls in) as a subset
of HTML: ``<a href>`` becomes a live link, ``<span style>`` restyles, ``<b>`` and ``<br>``
format. Two layers keep text from data from acting as HTML:

- :func:`escape_label`: the figure functions escape every label that comes from data
  (``<``, ``>`` and ``&``), so that a group called ``<b>X</b>`` shows those characters;
- :func:`safe_figure`: the renderer (:mod:`octasee.charts.renderer`) passes every figure
  it emits, the package's or an analyst's own, through one last pass that escapes any tag
  but the bare formatting tags octasee's labels use (``<br>``, ``<b>``, ``<i>``, ``<em>``,
  ``<sup>``, ``<sub>`` and hover templates' ``<extra>``, all without attributes). So no
  figure in JupyterLab or in the report can carry a link, an image or a style, whoever
  built it and whatever they forgot; and what is escaped already is not escaped again.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from octasee.charts import theme
from octasee.errors import UsageError


def require_frame(df: object, function: str) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise UsageError(f"expected a pandas DataFrame, got {type(df).__name__}",
                         where=f"{function}()", hint="pass a tidy table, one row per value")
    return df


def require_columns(df: pd.DataFrame, columns: dict[str, str | None], function: str) -> None:
    """Check that every named column exists; ``columns`` maps parameter → column name.

    The error names the missing column, the parameter that chose it, and the columns found.
    """
    found = [str(c) for c in df.columns]
    for param, column in columns.items():
        if column is None:
            continue
        if column not in df.columns:
            listed = ", ".join(repr(c) for c in found) or "no columns"
            raise UsageError(
                f"column {column!r} is missing", where=f"{function}()",
                hint=f"the table has {listed}; name the right one with {param}=...",
                column=column, found=found)


def numeric(series: pd.Series, column: str, function: str) -> pd.Series:
    out = pd.to_numeric(series, errors="coerce")
    bad = series[out.isna() & series.notna()]
    if len(bad):
        raise UsageError(f"column {column!r} holds values that are not numbers: "
                         + ", ".join(repr(v) for v in bad.astype(str).unique()[:5]),
                         where=f"{function}()", hint="convert or drop them first")
    return out.astype(float)


def split_codes(value: object) -> list[str]:
    """``'RS;HU'`` → ``['RS', 'HU']``; empty, None and NaN give ``[]``."""
    if value is None or (isinstance(value, float) and value != value):
        return []
    if isinstance(value, Iterable) and not isinstance(value, str):
        return [str(v).strip() for v in value if str(v).strip()]
    return [p.strip() for p in str(value).replace(",", ";").split(";") if p.strip()]


def hover_format(values: Iterable[float]) -> str:
    """The d3 format a hover prints these numbers in: whole numbers with a thousands comma
    (``,.0f``: ``36,500``, never plotly's ``3.65e+4``) from 100 up or when every value is
    whole; one decimal from 1 (``5.9``); two below (``0.25``).

    >>> hover_format([36500.0, 1200.0]), hover_format([5.87, 12.0]), hover_format([0.25])
    (',.0f', ',.1f', ',.2f')
    >>> hover_format([3.0, 4.0]), hover_format([float("nan")])
    (',.0f', ',.0f')
    """
    arr = np.asarray([float(v) for v in values], dtype=float)
    arr = arr[np.isfinite(arr)]
    if not len(arr) or (arr % 1 == 0).all():
        return ",.0f"
    top = float(np.abs(arr).max())
    if top >= 100:
        return ",.0f"
    return ",.1f" if top >= 1 else ",.2f"


def themed(fig: go.Figure) -> go.Figure:
    """Apply the octasee template (registering it again if someone removed it)."""
    if theme.TEMPLATE_NAME not in pio.templates:
        theme.register()
    fig.update_layout(template=pio.templates[theme.TEMPLATE_NAME])
    return fig


# --- text that plotly.js must show as text ------------------------------------------------------

def escape_label(value: object) -> str:
    """A label from data for plotly: ``<``, ``>`` and ``&`` escaped, shown as written.

    >>> escape_label('<a href="http://x">RS-1</a> & co')
    '&lt;a href="http://x"&gt;RS-1&lt;/a&gt; &amp; co'
    """
    return html.escape(str(value), quote=False)


#: The markup octasee's own labels use: bare formatting tags without attributes. plotly.js
#: acts on attributes (``href``, ``style``, ``target``) of any tag, so none is allowed.
_BARE_TAG = re.compile(r"<(?:/?(?:b|i|em|sup|sub|extra)|br\s*/?)>", re.IGNORECASE)
#: Properties that hold formats or operators, not text to draw (d3 formats may hold "<").
_NOT_TEXT = ("format", "operation")


def neutralise_markup(text: str) -> str:
    """``text`` with every ``<`` and ``>`` outside a bare formatting tag escaped.

    Entities are left alone (plotly.js draws ``&lt;`` as ``<``, as text), so escaped text
    stays as it is: the pass can run any number of times.

    >>> neutralise_markup('<b>RS</b><br><a href="http://x">x</a> &lt;i&gt;')
    '<b>RS</b><br>&lt;a href="http://x"&gt;x&lt;/a&gt; &lt;i&gt;'
    """
    if "<" not in text and ">" not in text:
        return text
    out: list[str] = []
    pos = 0
    for m in _BARE_TAG.finditer(text):
        out.append(text[pos:m.start()].replace("<", "&lt;").replace(">", "&gt;"))
        out.append(m.group(0))
        pos = m.end()
    out.append(text[pos:].replace("<", "&lt;").replace(">", "&gt;"))
    return "".join(out)


def _safe(obj: Any) -> Any:
    if isinstance(obj, str):
        return neutralise_markup(obj)
    if isinstance(obj, dict):
        return {k: v if isinstance(k, str) and k.endswith(_NOT_TEXT) else _safe(v)
                for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        if not any(isinstance(v, str | dict | list | tuple | np.ndarray) for v in obj):
            return obj  # numbers (map outlines): nothing to draw as text
        return [_safe(v) for v in obj]
    if isinstance(obj, np.ndarray) and obj.dtype.kind in "OU":
        return _safe(obj.tolist())  # text (category labels, hover text): a list
    return obj


def safe_figure(fig: Any) -> dict:
    """A figure's plotly dict with every string passed through :func:`neutralise_markup`.

    ``fig`` is a ``go.Figure`` or a figure dict; it is not changed (a new dict is
    returned). Properties named ``*format`` and ``operation`` are left as they are.
    The renderer calls it on every figure it emits.
    """
    if isinstance(fig, go.Figure):
        fig = fig.to_plotly_json()
    if not isinstance(fig, dict):
        raise TypeError(f"expected a plotly Figure or figure dict, got {type(fig).__name__}")
    return _safe(fig)
