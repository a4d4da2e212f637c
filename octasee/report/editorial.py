"""The report's editorial standard, checked on what a reader sees.

:func:`check_html` reads a built report's HTML: the text of the body (not scripts), the
tables (headers and cells by column) and, inside each plotly figure's JSON, what a reader
sees of a chart: its title, axis and colour-bar titles, legend names, tick and text
labels, and each hover template rendered with the figure's own data. :func:`check_pdf`
reads the text of the printed PDF (``pdftotext``, poppler-utils) page by page.
Both return :class:`Violation` records that say which rule, where (chapter, figure or
table number, page) and a snippet.

The rules (:data:`RULES`):

- ``snake_case``: a programme identifier (``heroin_seized``, ``S1_se``) in the text;
- ``missing_value``: ``<NA>``, ``NaN``, ``nan``, ``NaT``, ``inf`` or ``None`` printed as a
  value (``None of the countries`` is English and passes);
- ``year_separator``: a year printed with a thousands separator (``TI CPI 2,017``);
- ``plural_s``: ``cycle(s)``;
- ``exponent``: a number in exponent notation (``3.65e+4``);
- ``repeated_word``: the same word twice in a row (``1 routes routes``);
- ``count_decimals``: a count printed with decimals: a table column whose numbers all
  end in ``.0``, or ``13.0 groups`` in a sentence;
- ``unit``: a table column of numbers whose header (or the table's caption) names no
  unit (or the caption one in brackets: "(kg)", "(number of groups)"); an axis or
  colour-bar title of numbers without a unit (:data:`UNIT_WORDS`);
- ``raw_name``: a table header that starts in lower case, as a data frame's column name
  does (``name``, ``growth``, ``factor``); the report's headers are capitalised;
- ``empty_header``: a header cell over a column of data left empty, or pandas' row of
  index names under the header;
- ``duplicate_number``: two figures or two tables with the same number;
- ``duplicate_caption``: two different figures or tables with the same caption;
- ``agreement``: numbers of one thing that disagree within one chapter (the variants of
  the method: "1,000 variants" in the text, "2,500" in a caption);
- ``unreadable``: a figure whose JSON cannot be read, or a hover template whose fields
  cannot be found in its data: reported, never skipped.

What a rule lets pass is data (:data:`ALLOWED`, :data:`UNIT_WORDS`, :data:`FILE_TOKEN`,
:data:`IDENTIFIER_HEADERS`),
and each pass of an allowed token is returned in :attr:`Result.allowed`, so nothing is
skipped silently.

>>> r = check_html('<h1 class="chapter-title"><span class="chapter-number">4</span> Drugs</h1>'
...                '<p>Seized in TI CPI 2,017 by heroin_seized, cycle(s).</p>')
>>> sorted(v.rule for v in r.violations)
['plural_s', 'snake_case', 'year_separator']
>>> r.violations[0].where
'Chapter 4, text'
"""

from __future__ import annotations

import html as html_lib
import json
import math
import re
import shutil
import subprocess
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from octasee.errors import ReportError

__all__ = ["ALLOWED", "IDENTIFIER_HEADERS", "RULES", "UNIT_WORDS", "Result", "Violation", "check_html",
           "check_pdf", "check_pdf_text", "check_report", "pdf_pages"]

#: Every rule, with what it stops.
RULES: dict[str, str] = {
    "snake_case": "a programme identifier (heroin_seized) in the text",
    "missing_value": "<NA>, NaN, nan, NaT, inf or None printed as a value",
    "year_separator": "a year with a thousands separator (2,017)",
    "plural_s": "a plural written (s)",
    "exponent": "a number in exponent notation (3.65e+4)",
    "repeated_word": "a word printed twice in a row (routes routes)",
    "count_decimals": "a count printed with decimals (13.0)",
    "unit": "a quantity without a unit or currency (header, axis or colour-bar title)",
    "raw_name": "a table header written as a data column's name (name, growth, factor)",
    "empty_header": "an empty header over data, or pandas' index-name row",
    "duplicate_number": "two figures or two tables with one number",
    "duplicate_caption": "two figures or tables with one caption",
    "agreement": "text and captions of one chapter that disagree on a number",
    "unreadable": "a figure or hover template the checker cannot read",
}

#: Tokens a rule would catch that are legitimate text (exact, case-sensitive).
ALLOWED: frozenset[str] = frozenset({
    "e-mail",
})
#: A token that is a file name or path (the data files' names under each figure).
FILE_TOKEN = re.compile(r"[\w./-]*\.(?:csv|html|pdf|json|yaml|yml|xlsx|ipynb|md|toml|duckdb)\b"
                        r"|[\w.-]*/[\w./-]*|\S+@\S+")
#: Words that make a header, axis or colour-bar title carry a unit or currency.
UNIT_WORDS: tuple[str, ...] = (
    r"kg", r"g", r"t", r"tonnes?", r"litres?", r"pieces", r"items", r"tablets", r"plants",
    r"rounds", r"specimens", r"vehicles", r"EUR", r"€", r"USD", r"persons", r"people",
    r"victims", r"migrants", r"facilitators", r"suspects", r"members", r"cases",
    r"offences", r"attacks", r"thefts", r"seizures", r"detections", r"firearms",
    r"laboratories", r"groups", r"routes", r"rows", r"submissions", r"score", r"scores",
    r"points", r"index", r"%", r"percent", r"share", r"per 100,000", r"per capita",
    r"[0-9]+-[0-9]+", r"probability", r"S1", r"ST", r"rank", r"ranks",
    # dimensionless quantities whose name is their unit
    r"weight", r"ratio",
)
_UNIT = re.compile(r"(?<![\w])(?:" + "|".join(UNIT_WORDS) + r")(?![\w])", re.IGNORECASE)

_SNAKE = re.compile(r"(?<![\w/.-])[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+(?![\w/-])")
_MISSING = re.compile(r"<NA>|(?<![\w.-])(?:NaN|nan|NaT|-?inf|None)(?![\w-])")
_YEAR_SEP = re.compile(r"(?<![\d,.])(?:1,9\d\d|2,0\d\d|2,1\d\d)(?![\d,]|\.\d)")
_PLURAL = re.compile(r"\w\(s\)|\w\(es\)")
_EXPONENT = re.compile(r"(?<![\w.])\d+(?:\.\d+)?e[+-]?\d+(?![\w])", re.IGNORECASE)
_REPEAT = re.compile(r"(?<![\w-])([A-Za-z]{2,})\s+\1(?![\w-])", re.IGNORECASE)
_DEC_ZERO = re.compile(r"(?<![\w.,])\d[\d,]*\.0(?![\d%])(?:\s+([a-z]+))?")
#: Words after ``N.0`` that mean the number is not a count (it may keep its decimal).
_DECIMAL_UNITS = frozenset({"kg", "g", "t", "tonnes", "million", "billion", "points", "per",
                            "percent", "score", "to", "and", "on", "out", "of", "in"})
#: Words after ``N.0`` that mean a count.
_COUNT_NOUNS = frozenset({
    "persons", "people", "victims", "migrants", "groups", "routes", "cases", "countries",
    "arrests", "seizures", "members", "suspects", "facilitators", "offences", "attacks",
    "laboratories", "firearms", "rows", "submissions", "years", "findings", "items",
    "pieces", "detections", "convictions", "thefts", "vehicles", "specimens"})
#: Headers of columns of numbers that name things, not quantities (no unit needed).
IDENTIFIER_HEADERS: tuple[str, ...] = ("Chapter", "Finding", "No.", "#", "Page", "Year",
                                       "Edition", "Cycle", "Number", "Judgement", "Scenario")
_IDENTIFIER = re.compile("|".join(re.escape(h) for h in IDENTIFIER_HEADERS), re.IGNORECASE)
_NUMBER = re.compile(r"^[<>≤≥~]?\s*[-+−]?(?:EUR\s*)?\d[\d,]*(?:\.\d+)?\s*(?:%|kg|EUR)?$")
_LABEL = re.compile(r"^(Figure|Table)\s+([A-Z0-9]+(?:\.[0-9]+)+)[.:]?\s*")
_VARIANTS = re.compile(r"(\d[\d,]*)\s+(?:\w+\s+)?variants\b")


@dataclass(frozen=True)
class Violation:
    """One breach of the standard: ``rule`` (a key of :data:`RULES`), ``where`` (chapter,
    figure or table number and the part of it, or the PDF page) and ``snippet``."""

    rule: str
    where: str
    snippet: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.where}: {self.snippet}"


@dataclass
class Result:
    """What a check found: ``violations``, and ``allowed``: the tokens a rule let pass
    because :data:`ALLOWED` or :data:`FILE_TOKEN` names them (so a pass is never silent)."""

    violations: list[Violation] = field(default_factory=list)
    allowed: list[Violation] = field(default_factory=list)

    def by_rule(self) -> dict[str, int]:
        """Violations counted per rule (every rule listed, zeros too)."""
        counts = Counter(v.rule for v in self.violations)
        return {r: counts.get(r, 0) for r in RULES}

    def extend(self, other: Result) -> None:
        self.violations += other.violations
        self.allowed += other.allowed

    def __bool__(self) -> bool:  # a result is "true" when the standard is met
        return not self.violations


# ----------------------------------------------------------------------------- text rules


def _snip(text: str, start: int, end: int, pad: int = 30) -> str:
    a, b = max(0, start - pad), min(len(text), end + pad)
    return ("…" if a else "") + " ".join(text[a:b].split()) + ("…" if b < len(text) else "")


def check_text(text: str, where: str, result: Result, *, repeats: bool = True) -> None:
    """The rules that read running text (a paragraph, a cell, a title, a rendered hover).

    ``repeats=False`` leaves out ``repeated_word``: in PDF text, where ``pdftotext`` joins
    the cells of a table row into one line ("medium medium"), the HTML's cells are read
    instead."""
    for m in _SNAKE.finditer(text):
        token = m.group(0)
        whole = _whole_token(text, m.start(), m.end())
        if token in ALLOWED or FILE_TOKEN.fullmatch(whole):
            result.allowed.append(Violation("snake_case", where, whole))
            continue
        result.violations.append(Violation("snake_case", where, _snip(text, m.start(), m.end())))
    for m in _MISSING.finditer(text):
        if m.group(0) == "None":
            rest = text[m.end():m.end() + 2]
            if re.match(r"\s[a-z]", rest):  # "None of the countries": English
                continue
        result.violations.append(Violation("missing_value", where,
                                           _snip(text, m.start(), m.end())))
    for m in _YEAR_SEP.finditer(text):
        before = text[max(0, m.start() - 24):m.start()].split()
        after = text[m.end():m.end() + 16].split()
        prev = before[-1].strip("(,;:").lower() if before else ""
        nxt = after[0].strip(".,;:)").lower() if after else ""
        if prev not in _YEAR_WORDS or nxt in _COUNT_NOUNS | {"in", "of", "a", "kg", "eur"}:
            continue  # "fell from 2,164 in 2014": a count
        result.violations.append(Violation("year_separator", where,
                                           _snip(text, m.start(), m.end())))
    for rx, rule in ((_PLURAL, "plural_s"), (_EXPONENT, "exponent"), (_REPEAT, "repeated_word")):
        for m in rx.finditer(text):
            whole = _whole_token(text, m.start(), m.end())
            if rule == "exponent" and FILE_TOKEN.fullmatch(whole):
                result.allowed.append(Violation(rule, where, whole))
                continue
            if rule == "repeated_word" and (not repeats or m.group(1).lower() in _REPEAT_OK):
                continue
            result.violations.append(Violation(rule, where, _snip(text, m.start(), m.end())))
    for m in _DEC_ZERO.finditer(text):
        word = (m.group(1) or "").lower()
        if word in _COUNT_NOUNS:
            result.violations.append(Violation("count_decimals", where,
                                               _snip(text, m.start(), m.end())))


#: Words after which a number like 2,017 is a year (``TI CPI 2,017``, ``in 2,017``).
_YEAR_WORDS = frozenset({"cpi", "edition", "editions", "year", "years", "since", "until",
                         "cycle", "in", "before", "after", "gi-toc", "index", "unodc",
                         "frontex"})
#: Words that may legitimately be doubled ("that that" is rare; "had had" is English).
_REPEAT_OK = frozenset({"had", "that"})


def _whole_token(text: str, start: int, end: int) -> str:
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[start:end].strip("()[],;:")


# ----------------------------------------------------------------------------- HTML model


@dataclass
class _Table:
    caption: str = ""
    head: list[list[str]] = field(default_factory=list)
    body: list[list[tuple[bool, str]]] = field(default_factory=list)


@dataclass
class _Block:
    kind: str  # text, caption, cell, header, chart
    text: str
    chapter: str
    item: int  # index of the enclosing <figure>, -1 outside


_VOID = frozenset({"br", "img", "hr", "meta", "link", "input", "col", "wbr", "source", "area",
                   "base", "param", "track", "embed"})
_BLOCK_TAGS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "caption",
                         "div", "figcaption", "blockquote", "dt", "dd", "tr", "table",
                         "figure", "section", "ul", "ol", "pre"})


class _Reader(HTMLParser):
    """One pass over the report: text blocks with their chapter and figure, the tables,
    the captions and the plotly figures' JSON."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[_Block] = []
        self.tables: list[tuple[str, int, _Table]] = []
        self.captions: list[tuple[str, int, str]] = []  # chapter, item, text
        self.charts: list[tuple[str, int, str]] = []  # chapter, item, script text
        self.chapter = "Front matter"
        self._buf: list[str] = []
        self._skip = 0  # inside script/style
        self._script: list[str] | None = None
        self._item = -1
        self._items = 0
        self._heading: str | None = None  # chapter heading being read
        self._caption = False
        self._table: _Table | None = None
        self._row: list[tuple[bool, str]] | None = None
        self._in_head = False
        self._cell: list[str] | None = None
        self._cell_th = False
        self._hidden = 0  # elements a reader does not see (display: none, toc page spans)

    # blocks ------------------------------------------------------------------------
    def _flush(self, kind: str = "text") -> None:
        text = " ".join("".join(self._buf).split())
        self._buf = []
        if text:
            self.blocks.append(_Block(kind, text, self.chapter, self._item))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        cls = (a.get("class") or "").split()
        if tag == "na":  # pandas' <NA> written unescaped: a browser hides it, a PDF not
            (self._cell if self._cell is not None else self._buf).append("<NA>")
            return
        if tag in ("script", "style"):
            self._flush()
            self._skip += 1
            if tag == "script":
                self._script = []
            return
        if tag in _BLOCK_TAGS and self._cell is None:
            self._flush("caption" if self._caption else "text")
        if tag == "figure":
            self._item = self._items
            self._items += 1
        elif tag == "h1" and "chapter-title" in cls:
            self._heading = ""
        elif tag == "h4" and ({"figure-caption", "table-caption"} & set(cls)):
            self._caption = True
        elif tag == "table":
            self._table = _Table(caption=self.captions[-1][2] if self.captions
                                 and self.captions[-1][1] == self._item else "")
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell, self._cell_th = [], tag == "th"
        elif tag == "br":
            self._buf.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
            if tag == "script" and self._script is not None:
                text = "".join(self._script)
                if "Plotly.newPlot" in text:
                    self.charts.append((self.chapter, self._item, text))
                self._script = None
            return
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            text = " ".join("".join(self._cell).split())
            self._row.append((self._cell_th, text))
            self._cell = None
            return
        if tag == "tr" and self._row is not None and self._table is not None:
            if self._in_head:
                self._table.head.append([t for _, t in self._row])
            else:
                self._table.body.append(self._row)
            self._row = None
        elif tag == "thead":
            self._in_head = False
        elif tag == "table" and self._table is not None:
            self.tables.append((self.chapter, self._item, self._table))
            self._table = None
        if tag in _BLOCK_TAGS and self._cell is None:
            if tag == "h4" and self._caption:
                text = " ".join("".join(self._buf).split())
                self._flush("caption")
                self._caption = False
                if text:
                    self.captions.append((self.chapter, self._item, text))
            elif tag == "h1" and self._heading is not None:
                text = " ".join("".join(self._buf).split())
                self._flush("text")
                m = re.match(r"^(Annex [A-Z]|\d+)\b", text)
                self.chapter = (m.group(1) if m and m.group(1).startswith("Annex")
                                else f"Chapter {m.group(1)}" if m else text)
                self._heading = None
            else:
                self._flush()
        if tag == "figure":  # figures do not nest
            self._item = -1

    def handle_data(self, data: str) -> None:
        if self._skip:
            if self._script is not None:
                self._script.append(data)
            return
        if self._cell is not None:
            self._cell.append(data)
        else:
            self._buf.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def _labels(reader: _Reader) -> dict[int, str]:
    """Each figure element's number ("Figure 4.1"), from its caption."""
    out: dict[int, str] = {}
    for _, item, text in reader.captions:
        m = _LABEL.match(text)
        if m and item >= 0:
            out.setdefault(item, f"{m.group(1)} {m.group(2)}")
    return out


def _where(chapter: str, item: int, labels: dict[int, str], part: str) -> str:
    label = labels.get(item)
    return f"{chapter}, {label} ({part})" if label else f"{chapter}, {part}"


# ----------------------------------------------------------------------------- tables


def _is_number(text: str) -> bool:
    t = re.sub(r"\s*ND$", "", text).strip()
    return bool(t) and bool(_NUMBER.match(t))


def _check_table(table: _Table, where: str, result: Result) -> None:
    """Column rules: counts printed as ``13.0``, numbers under a header without a unit,
    empty headers over data, pandas' row of index names."""
    if not table.body:
        return
    width = max(len(r) for r in table.body)
    header = table.head[0] if table.head else []
    for extra in table.head[1:]:
        # pandas' index-name row: a name in the first cells, the rest empty
        if extra and any(extra) and not all(extra[len(extra) - 1:]):
            result.violations.append(Violation("empty_header", where,
                                               "index-name row under the header: "
                                               + " | ".join(c or "·" for c in extra)))
    # a unit the caption gives for the whole table, in brackets: "(kg)", "(number of groups)"
    caption_unit = any(_UNIT.search(part) for part in re.findall(r"\(([^)]*)\)",
                                                                   table.caption))
    for head in header:
        if re.match(r"[a-z]", head):
            result.violations.append(Violation("raw_name", where, f"header {head!r}"))
    for j in range(width):
        cells = [r[j][1] for r in table.body if j < len(r) and r[j][1] not in ("", "–", "-")]
        head = header[j] if j < len(header) else ""
        if not cells:
            continue
        numbers = [c for c in cells if _is_number(c)]
        if not head and len(header) == width and not all(r[j][0] for r in table.body
                                                        if j < len(r)):
            result.violations.append(Violation("empty_header", where,
                                               f"column {j + 1}: no header over "
                                               + ", ".join(cells[:3])))
        if len(numbers) < max(1, len(cells) // 2):
            continue  # not a column of numbers
        plain = [re.sub(r"\s*ND$", "", c) for c in numbers]
        if all(re.search(r"\.0$", c) for c in plain) and not re.search(
                r"score|index|\(0-10\)|\(1-10\)|rate|%", head, re.IGNORECASE):
            result.violations.append(Violation("count_decimals", where,
                                               f"column {head or j + 1!s}: "
                                               + ", ".join(plain[:4])))
        if all(re.search(r"(%|kg|EUR)$", c) or c.startswith("EUR") for c in plain):
            continue  # every number says its unit: "+47%", "12 kg", "EUR 1.2 million"
        if all(re.fullmatch(r"(19|20)\d\d", c) for c in plain):
            continue  # years ("Last observed"): a year is its own unit
        if head and not _UNIT.search(head) and not caption_unit and not re.fullmatch(
                r"(19|20)\d\d", head) and not _IDENTIFIER.fullmatch(head):
            result.violations.append(Violation("unit", where, f"column {head!r}: "
                                               + ", ".join(numbers[:3])))
        elif head and re.fullmatch(r"(19|20)\d\d", head) and not caption_unit:
            result.violations.append(Violation("unit", where, f"year column {head!r}: the "
                                               "caption names no unit"))


# ----------------------------------------------------------------------------- charts


def _figure_json(script: str) -> tuple[list[dict], dict]:
    """The data and layout of a ``Plotly.newPlot(id, data, layout, config)`` script."""
    i = script.index("Plotly.newPlot")
    i = script.index("(", i) + 1
    dec = json.JSONDecoder()
    s = script[i:].lstrip()
    _, end = dec.raw_decode(s)  # the div id
    s = s[end:].lstrip().lstrip(",").lstrip()
    data, end = dec.raw_decode(s)
    s = s[end:].lstrip().lstrip(",").lstrip()
    layout, _ = dec.raw_decode(s)
    return data, layout


def _text_of(v: Any) -> str:
    if isinstance(v, dict):
        v = v.get("text")
    return "" if v is None else str(v)


def _plain(text: str) -> str:
    """Chart markup as a reader sees it: tags out, entities decoded."""
    text = re.sub(r"<br\s*/?>", " ", text, flags=re.IGNORECASE)
    text = re.sub(r"<extra>.*?</extra>", "", text, flags=re.IGNORECASE | re.DOTALL)
    return html_lib.unescape(re.sub(r"<[^>]+>", "", text))


def _flat(v: Any) -> list[Any]:
    if isinstance(v, dict) and "bdata" in v:
        import base64

        import numpy as np
        arr = np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
        if "shape" in v:
            arr = arr.reshape([int(p) for p in str(v["shape"]).split(",")])
        return arr.tolist()
    return list(v) if isinstance(v, list | tuple) else []


_FIELD = re.compile(r"%\{([^}:|]+)(?::([^}]*))?\}")


def _format(value: Any, spec: str | None) -> str:
    """A d3-format as plotly.js applies it, for the specs the report uses."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "NaN"
    if not spec or isinstance(value, str):
        if isinstance(value, float) and not isinstance(value, bool):
            # plotly prints numbers as JavaScript does: 13 for 13.0, exponents from 1e21
            return f"{value:.12g}" if abs(value) < 1e21 else f"{value:e}"
        return str(value)
    trim = "~" in spec
    py = spec.replace("~", "")
    try:
        if py.endswith("s"):
            py = py[:-1] + "g"
        if py.endswith("d"):  # d3's d rounds; Python's needs an int
            return format(round(float(value)), py)
        out = format(float(value), py)
    except (TypeError, ValueError):
        return str(value)
    if trim and "e" not in out and "." in out:
        out = out.rstrip("0").rstrip(".")
    return out


def _gap(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _points(trace: dict) -> Iterator[dict[str, Any]]:
    """Each point of a trace as the fields a hover template may name."""
    kind = trace.get("type", "scatter")
    if kind == "heatmap":
        z = _flat(trace.get("z"))
        xs, ys = _flat(trace.get("x")), _flat(trace.get("y"))
        text = _flat(trace.get("text"))
        for i, row in enumerate(z):
            for j, v in enumerate(row if isinstance(row, list) else [row]):
                if v is None or (isinstance(v, float) and math.isnan(v)):
                    continue  # a gap: plotly.js draws no text there
                yield {"z": v, "x": xs[j] if j < len(xs) else j, "y": ys[i] if i < len(ys)
                       else i, "text": (text[i][j] if i < len(text) and isinstance(text[i], list)
                                        and j < len(text[i]) else None)}
        return
    xs, ys = _flat(trace.get("x")), _flat(trace.get("y"))
    n = max(len(xs), len(ys))
    custom = _flat(trace.get("customdata"))
    text = _flat(trace.get("text")) if isinstance(trace.get("text"), list | dict) else []
    for i in range(n):
        if (xs and (i >= len(xs) or _gap(xs[i]))) or (ys and (i >= len(ys) or _gap(ys[i]))):
            continue  # a gap: plotly.js neither draws nor hovers a point without x or y
        yield {"x": xs[i] if i < len(xs) else None, "y": ys[i] if i < len(ys) else None,
               "customdata": custom[i] if i < len(custom) else None,
               "text": text[i] if i < len(text) else trace.get("text"),
               "fullData.name": trace.get("name"), "name": trace.get("name")}


def _sankey_points(trace: dict) -> Iterator[tuple[str, dict[str, Any]]]:
    node, link = trace.get("node") or {}, trace.get("link") or {}
    labels = _flat(node.get("label"))
    src, tgt, val = _flat(link.get("source")), _flat(link.get("target")), _flat(link.get("value"))
    suffix = trace.get("valuesuffix") or ""
    fmt = trace.get("valueformat")
    totals: dict[int, float] = defaultdict(float)
    for s, t, v in zip(src, tgt, val, strict=False):
        totals[int(t)] += float(v)
        totals[int(s)] += 0.0
    outs: dict[int, float] = defaultdict(float)
    for s, v in zip(src, val, strict=False):
        outs[int(s)] += float(v)
    ncustom = _flat(node.get("customdata"))
    for i, lab in enumerate(labels):
        v = max(totals.get(i, 0.0), outs.get(i, 0.0))
        yield "node", {"label": lab, "value": _format(v, fmt) + suffix,
                       "customdata": ncustom[i] if i < len(ncustom) else None}
    lcustom = _flat(link.get("customdata"))
    for k, (s, t, v) in enumerate(zip(src, tgt, val, strict=False)):
        yield "link", {"source.label": labels[int(s)] if int(s) < len(labels) else None,
                       "target.label": labels[int(t)] if int(t) < len(labels) else None,
                       "value": _format(v, fmt) + suffix,
                       "customdata": lcustom[k] if k < len(lcustom) else None}


def _render(template: str, point: dict[str, Any]) -> str | None:
    """``template`` with ``point``'s values, or None when it names a field not there."""
    missing = False

    def sub(m: re.Match[str]) -> str:
        nonlocal missing
        name, spec = m.group(1).strip(), m.group(2)
        idx = re.fullmatch(r"(\w+)\[(\d+)\]", name)
        if idx:
            base = point.get(idx.group(1))
            value = (base[int(idx.group(2))] if isinstance(base, list)
                     and int(idx.group(2)) < len(base) else None)
            if not isinstance(base, list):
                missing = True
        elif name in point:
            value = point[name]
        else:
            missing = True
            return "?"
        return _format(value, spec)

    out = _FIELD.sub(sub, template)
    return None if missing else out


def _axis_values(data: list[dict], axis: str) -> list[Any]:
    letter, suffix = axis[0], axis[5:]
    ref = letter + (suffix or "")
    vals: list[Any] = []
    for t in data:
        if t.get("type", "scatter") not in ("scatter", "bar", "scattergl", "box"):
            continue
        if (t.get(f"{letter}axis") or letter) != ref:
            continue
        vals += [v for v in _flat(t.get(letter)) if v is not None]
    return vals


def _check_chart(script: str, where: str, result: Result) -> None:
    """The text a reader sees in a plotly figure: titles, axis and colour-bar titles with
    their units, legend names, tick and text labels, and rendered hover templates."""
    try:
        data, layout = _figure_json(script)
    except (ValueError, json.JSONDecodeError) as exc:
        result.violations.append(Violation("unreadable", where, f"figure JSON: {exc}"))
        return
    title = _plain(_text_of(layout.get("title")))
    if title:
        check_text(title, f"{where} (title)", result)
    axes = {k: v for k, v in layout.items() if re.fullmatch(r"[xy]axis\d*", k)}
    for t in data:
        if t.get("type", "scatter") in ("scatter", "bar", "scattergl", "box"):
            for letter in "xy":
                ref = str(t.get(f"{letter}axis") or letter)
                axes.setdefault(f"{letter}axis{ref[1:]}", {})
    for key, axis in axes.items():
        if not isinstance(axis, dict):
            continue
        if axis.get("visible") is False:
            continue
        text = _plain(_text_of(axis.get("title")))
        if text:
            check_text(text, f"{where} ({key} title)", result)
        values = _axis_values(data, key)
        numeric = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
        years = numeric and all(float(v).is_integer() and 1900 <= v <= 2100 for v in numeric)
        if (numeric and len(numeric) == len(values) and not years
                and axis.get("type") not in ("category", "log") and not _UNIT.search(text)):
            result.violations.append(Violation("unit", f"{where} ({key} title)",
                                               repr(text) if text else "a numeric axis "
                                               "without a title"))
        for tick in _flat(axis.get("ticktext")):
            check_text(_plain(str(tick)), f"{where} ({key} tick label)", result)
    for ann in layout.get("annotations") or []:
        check_text(_plain(_text_of(ann)), f"{where} (annotation)", result)
    for t in data:
        kind = t.get("type", "scatter")
        name = _plain(str(t.get("name") or ""))
        if name and t.get("showlegend", True) is not False:
            check_text(name, f"{where} (legend)", result)
        bar = (t.get("colorbar") or (t.get("marker") or {}).get("colorbar")
               if kind in ("heatmap", "choropleth") or t.get("showscale") else None)
        if isinstance(bar, dict):
            text = _plain(_text_of(bar.get("title")))
            if not _UNIT.search(text):
                result.violations.append(Violation("unit", f"{where} (colour-bar title)",
                                                   repr(text)))
            elif text:
                check_text(text, f"{where} (colour-bar title)", result)
        for axis_key in ("x", "y"):
            for label in _flat(t.get(axis_key)):
                if isinstance(label, str):
                    check_text(_plain(label), f"{where} (axis label)", result)
        if kind == "sankey":
            points = list(_sankey_points(t))
            for part, point in points:
                if part == "node":
                    check_text(_plain(str(point.get("label") or "")), f"{where} (node label)",
                               result)
            for part in ("node", "link"):
                template = (t.get(part) or {}).get("hovertemplate")
                if template:
                    _check_rendered(template, [p for k, p in points if k == part],
                                    f"{where} (hover)", result)
            continue
        text = t.get("text")
        texts = _flat(text) if isinstance(text, list | dict) else [text] if text else []
        for v in texts:
            for s in (v if isinstance(v, list) else [v]):
                if isinstance(s, str):
                    check_text(_plain(s), f"{where} ({'hover' if t.get('hoverinfo') == 'text' else 'text'})", result)
        hovertext = t.get("hovertext")
        for s in _flat(hovertext) if isinstance(hovertext, list) else (
                [hovertext] if isinstance(hovertext, str) else []):
            if isinstance(s, str):
                check_text(_plain(s), f"{where} (hover)", result)
        template = t.get("hovertemplate")
        if isinstance(template, str) and t.get("hoverinfo") != "skip":
            _check_rendered(template, _points(t), f"{where} (hover)", result)
        tt = t.get("texttemplate")
        if isinstance(tt, str):
            _check_rendered(tt, _points(t), f"{where} (text)", result)


def _check_rendered(template: str, points: Iterable[dict[str, Any]], where: str,
                    result: Result) -> None:
    """``template`` rendered at every point and read by :func:`check_text`; a template
    makes the same mistake at many points, so each rule is reported once per template
    with the number of points."""
    found: dict[str, tuple[Violation, int]] = {}
    for point in points:
        out = _render(template, point)
        if out is None:
            names = ", ".join(m.group(1) for m in _FIELD.finditer(template)
                              if m.group(1).split("[")[0] not in point)
            result.violations.append(Violation("unreadable", where,
                                               f"template field(s) not in the data: {names}"))
            return
        one = Result()
        check_text(_plain(out), where, one)
        result.allowed += one.allowed
        for v in one.violations:
            first, n = found.get(v.rule, (v, 0))
            found[v.rule] = (first, n + 1)
    for v, n in found.values():
        result.violations.append(Violation(v.rule, v.where, v.snippet + (
            f" (and {n - 1} more point{'s' if n > 2 else ''})" if n > 1 else "")))


# ----------------------------------------------------------------------------- the report


def check_html(page: str) -> Result:
    """Check a built report's HTML against every rule (:data:`RULES`)."""
    reader = _Reader()
    reader.feed(page)
    reader.close()
    labels = _labels(reader)
    result = Result()
    for b in reader.blocks:
        part = "caption" if b.kind == "caption" else "text"
        check_text(b.text, _where(b.chapter, b.item, labels, part), result)
    for chapter, item, table in reader.tables:
        where = _where(chapter, item, labels, "table")
        for row in table.head:
            for cell in row:
                check_text(cell, where.replace("(table)", "(header)"), result)
        for row in table.body:
            for _, cell in row:
                check_text(cell, where, result)
        _check_table(table, where, result)
    for chapter, item, script in reader.charts:
        _check_chart(script, _where(chapter, item, labels, "chart"), result)
    _check_numbers(reader, result)
    _check_agreement(reader, labels, result)
    return result


def _check_numbers(reader: _Reader, result: Result) -> None:
    numbers: dict[str, list[str]] = defaultdict(list)
    texts: dict[tuple[str, str], list[str]] = defaultdict(list)
    for chapter, _, text in reader.captions:
        m = _LABEL.match(text)
        if not m:
            continue
        label = f"{m.group(1)} {m.group(2)}"
        numbers[label].append(chapter)
        body = re.sub(r"\s*ND\b.*$", "", _LABEL.sub("", text)).strip()
        texts[(m.group(1), body)].append(label)
    for label, where in numbers.items():
        if len(where) > 1:
            result.violations.append(Violation("duplicate_number", where[0],
                                               f"{label} is used {len(where)} times"))
    for (kind, body), labels in texts.items():
        distinct = sorted(set(labels))
        if len(distinct) > 1:
            result.violations.append(Violation("duplicate_caption", ", ".join(distinct),
                                               f"{kind}s share the caption {body[:90]!r}"))


def _check_agreement(reader: _Reader, labels: dict[int, str], result: Result) -> None:
    """Within a chapter, the number of variants of the method is one number."""
    seen: dict[str, dict[int, str]] = defaultdict(dict)
    for b in reader.blocks:
        for m in _VARIANTS.finditer(b.text):
            n = int(m.group(1).replace(",", ""))
            seen[b.chapter].setdefault(n, _where(b.chapter, b.item, labels,
                                                 "caption" if b.kind == "caption" else "text"))
    for chapter, found in seen.items():
        if len(found) > 1:
            said = "; ".join(f"{n:,} variants ({w})" for n, w in sorted(found.items()))
            result.violations.append(Violation("agreement", chapter, said))


# ----------------------------------------------------------------------------- PDF


def pdf_pages(path: Path | str) -> list[str]:
    """The text of each page of a PDF (``pdftotext``, from poppler-utils)."""
    exe = shutil.which("pdftotext")
    if exe is None:
        raise ReportError("pdftotext is not installed", where=str(path),
                          hint="install poppler-utils (Debian: apt-get install poppler-utils)")
    run = subprocess.run([exe, "-enc", "UTF-8", str(path), "-"], capture_output=True,
                         check=False)
    if run.returncode != 0:
        raise ReportError(f"pdftotext could not read the PDF: "
                          f"{run.stderr.decode('utf-8', 'replace').strip()}", where=str(path))
    return run.stdout.decode("utf-8", "replace").split("\f")


def check_pdf_text(pages: Sequence[str]) -> Result:
    """The text rules (:func:`check_text`) on each page of the printed report. A word
    hyphenated at a line end is joined again; table and chart rules read the HTML."""
    result = Result()
    for n, page in enumerate(pages, start=1):
        text = re.sub(r"(\w)-\n(\w)", r"\1\2", page.replace("ﬁ", "fi").replace("ﬂ", "fl"))
        for line in text.splitlines():
            if line.strip():
                check_text(line, f"PDF page {n}", result, repeats=False)
    return result


def check_pdf(path: Path | str) -> Result:
    """:func:`check_pdf_text` on a PDF file."""
    return check_pdf_text(pdf_pages(path))


def check_report(html: Path | str, pdf: Path | str | None = None) -> Result:
    """Check a built report: its HTML file and, when given, its PDF."""
    result = check_html(Path(html).read_text(encoding="utf-8"))
    if pdf is not None:
        result.extend(check_pdf(pdf))
    return result


def summary(results: Iterable[tuple[str, Result]]) -> str:
    """A table of violation counts: one row per rule, one column per named result."""
    named = list(results)
    lines = ["rule".ljust(18) + "".join(n.rjust(14) for n, _ in named)]
    for rule in RULES:
        lines.append(rule.ljust(18) + "".join(str(r.by_rule()[rule]).rjust(14)
                                              for _, r in named))
    return "\n".join(lines)
