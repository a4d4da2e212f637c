"""The report's back matter (annex E): glossary and abbreviations, indicator definitions,
and the bibliography of the sources the report uses; and the Kosovo* footnote.

Everything here is reference text, the same in both editions: the glossary, the public
indicators and the bibliography come from ``octasee/reference/*.csv``
(:mod:`octasee.reference.publication`), which analysts edit; the questionnaire
indicators from the cycle's questionnaire spec (:func:`~octasee.questionnaire.spec.spec_for`)
and the threat index spec (:func:`~octasee.analysis.threat.normalisation_table`).

The bibliography is computed when the report is assembled (:func:`cite_sources`, called
by :func:`octasee.report.assemble.merge_chapters`): the annex lists every source of
``sources.csv`` (``<li data-source="KEY">``), and the merge keeps those the rest of the
report names (in its text, captions and source lines; the patterns of each source's
``names``), so a source no chapter uses any more leaves the list. Literature cited by
a glossary entry the edition uses stays. The glossary likewise (:func:`cite_glossary`, called after
:func:`cite_sources`): the annex lists every entry of ``glossary.csv``
(``<tr data-term="TERM">``), and the merge keeps those the edition uses (its text,
captions, tables, figures and the rest of the back matter;
:meth:`~octasee.reference.publication.GlossaryEntry.used_in`) and those the kept
entries' definitions use. Run alone (JupyterLab), the annex shows every entry and source
it knows.

Kosovo is named ``Kosovo*`` (:func:`octasee.reference.country_name`); each chapter of the
assembled report whose text names Kosovo ends with the standard footnote, once
(:func:`kosovo_footnote`, also called by the merge).

>>> sorted(abbreviations("The ND rows of GI-TOC and TI CPI 2017 (Table 4.1, KJ2, F7, RS, B2)."))
['CPI', 'GI-TOC', 'ND', 'TI']
>>> names_kosovo("transit: Kosovo* (1)"), names_kosovo("Kosovar")
(True, False)
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from octasee.analysis.threat import normalisation_table
from octasee.chapters import context as _context
from octasee.chapters.context import Chapter
from octasee.errors import ReferenceDataError
from octasee.questionnaire.spec import spec_for
from octasee.reference import (
    KOSOVO_FOOTNOTE,
    GlossaryEntry,
    SourceEntry,
    crime_area,
    glossary,
    public_indicators,
    resolve_world_country,
    sources,
)

__all__ = ["BACKMATTER_CLASS", "KOSOVO_FOOTNOTE", "abbreviations", "bibliography",
           "bibliography_entries", "cite_glossary", "cite_sources", "cited_keys",
           "glossary_section", "indicator_definitions", "kosovo_footnote",
           "kosovo_footnote_html", "names_kosovo", "questionnaire_indicators",
           "undefined_abbreviations", "unnumbered", "used_terms"]

#: The class of every block the back matter shows: the merge does not count what they
#: name as the report citing a source.
BACKMATTER_CLASS = "backmatter"
_KOSOVO = re.compile(r"(?<![\w-])Kosovo\b")
_FOOTNOTE_CLASS = "kosovo-footnote"
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)

#: An abbreviation: two or more capitals (digits, and hyphen- or slash-joined parts, may
#: follow), as a word of its own.
_ABBREVIATION = re.compile(r"(?<![\w/])[A-Z][A-Z0-9]*[A-Z](?:[-/][A-Z0-9]+)*(?![\w\-/])")
#: Capitals that are not abbreviations a reader needs spelled out: finding, judgement and
#: scenario numbers (F7, KJ2, S1), 4x4 grades (B2), group and route references
#: (AL-2017-005, RO-R17-05), the edition's marking, and ISO country codes (the report
#: explains them where used).
_NOT_ABBREVIATIONS = re.compile(r"(?:F|KJ|S)\d+|[A-DX][1-4]|[A-Z]{2}-[A-Z]?\d+-\d+")
#: A command line the report prints (``octasee ingest FILE...``, in code): its
#: placeholders are not abbreviations; nor are a citation's (``Washington, DC``).
_COMMAND = re.compile(r"<code>.*?</code>|\boctasee [a-z][^'\"<\n]*"
                      r'|<ul class="bibliography">.*?</ul>', re.S)
_MARKINGS = frozenset({"RESTRICTED", "PUBLIC", "CONFIDENTIAL", "SECRET", "UNCLASSIFIED",
                       "LIMITED", "OFFICIAL", "DRAFT"})


# --------------------------------------------------------------------------- glossary
def abbreviations(text: str) -> set[str]:
    """The abbreviations ``text`` uses that the glossary should spell out: words in
    capitals (``GI-TOC``, ``CPI``, ``OECD/JRC`` as ``OECD`` and ``JRC``), not numbers
    of findings or judgements, 4x4 grades, markings, two-letter ISO country codes, the
    placeholders of a command line, or the bibliography's citations. ``text`` may be
    HTML: tags are left out."""
    out: set[str] = set()
    plain = html.unescape(re.sub(r"<[A-Za-z!/][^<>]*>", " ", _COMMAND.sub(" ", text)))
    for token in _ABBREVIATION.findall(plain):
        for part in (token.split("/") if "/" in token else [token]):
            if _NOT_ABBREVIATIONS.fullmatch(part) or part in _MARKINGS:
                continue
            if len(part) == 2:
                try:
                    resolve_world_country(part)
                    continue
                except ReferenceDataError:  # not a country code: an abbreviation
                    pass
            out.add(part)
    return out


def undefined_abbreviations(text: str) -> list[str]:
    """The abbreviations of ``text`` (:func:`abbreviations`) the glossary does not
    define, sorted: what an analyst adds to ``octasee/reference/glossary.csv``."""
    defined = {e.term for e in glossary() if e.kind == "abbreviation"}
    return sorted(abbreviations(text) - defined)


#: Text cells read left to right, from the top (report tables right-align numbers).
_CELL = 'style="text-align: left; vertical-align: top"'


def _row(cells: Sequence[str], *, attrs: str = "") -> str:
    return f"<tr{attrs}>" + "".join(f"<td {_CELL}>{c}</td>" for c in cells) + "</tr>"


def _table(head: Sequence[str], rows: Iterable[str], *, cls: str,
           widths: Sequence[int]) -> str:
    cols = "".join(f'<col style="width: {w}%">' for w in widths)
    return (f'<table class="octasee-table {cls}" style="width: 100%"><colgroup>{cols}'
            "</colgroup><thead><tr>"
            + "".join(f"<th {_CELL}>{html.escape(h)}</th>" for h in head)
            + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def _block(inner: str, *, kind: str) -> str:
    return f'<div class="{BACKMATTER_CLASS} {BACKMATTER_CLASS}-{kind}">{inner}</div>'


def unnumbered(body: str) -> bool:
    """Whether an output's HTML is the back matter's: reference tables the merge does not
    number as "Table E.1" (they are not evidence, and not in the list of tables)."""
    return f'<div class="{BACKMATTER_CLASS} ' in body


def _definition(e: GlossaryEntry) -> str:
    text = html.escape(e.definition)
    if e.source:
        text += (' <span class="glossary-source" style="color: #666; font-style: italic">'
                 f"Source: {html.escape(e.source)}.</span>")
    return text


def glossary_section(ch: Chapter) -> None:
    """The abbreviations, then the terms, each with its meaning and, where given, where
    the definition comes from (``octasee/reference/glossary.csv``)."""
    del ch  # the same in every edition and cycle
    entries = glossary()
    parts = []
    for kind, title, head in (("abbreviation", "Abbreviations", ("Abbreviation", "Meaning")),
                              ("term", "Terms", ("Term", "Definition"))):
        chosen = [e for e in entries if e.kind == kind]
        if chosen:
            rows = (_row([f"<strong>{html.escape(e.term)}</strong>", _definition(e)],
                         attrs=f' data-term="{html.escape(e.term)}"') for e in chosen)
            parts.append(f"<h3>{title}</h3>" + _table(head, rows, cls="glossary",
                                                      widths=(20, 80)))
    _context._html(_block("".join(parts), kind="glossary"))


# --------------------------------------------------------------------------- indicators
def _label_and_unit(label: str, unit: str) -> tuple[str, str]:
    """A counted indicator whose label names its unit ("Cigarettes seized (pieces)")
    is shown as the label without it and that unit."""
    m = re.fullmatch(r"(.+?)\s*\((pieces|items|rounds)\)", label)
    return (m.group(1), m.group(2)) if m and unit == "count" else (label, unit)


_UNIT_WORDS = {"count": "number", "kg": "kg", "EUR": "EUR"}


def questionnaire_indicators(cycle: str) -> list[dict[str, str]]:
    """Each indicator the questionnaire of ``cycle`` asks for: ``code``, ``indicator``
    (its label), ``unit``, ``counts`` (what, with its nationality breakdown), ``areas``
    (the crime areas it is asked for) and ``index`` (how the threat index takes it, or
    that it does not)."""
    rules = normalisation_table().set_index("indicator")
    rows = []
    for ind in spec_for(cycle).indicators:
        label, unit = _label_and_unit(ind.label, ind.unit)
        areas = ("every crime area" if ind.areas is None else
                 ", ".join(crime_area(a).label for a in ind.areas))
        counts = "The country's total in a calendar year"
        if ind.breakdown == "nationality":
            counts += ", and by nationality"
        if ind.code not in rules.index:
            index = "not in the index"
        elif float(rules.loc[ind.code, "weight"]) > 0:
            index = str(rules.loc[ind.code, "normalised"])
        else:
            index = "not in the index (weight 0)"
        rows.append({"code": ind.code, "indicator": label,
                     "unit": _UNIT_WORDS.get(unit, unit), "counts": counts + ".",
                     "areas": areas[0].upper() + areas[1:], "index": index})
    return rows


def indicator_definitions(ch: Chapter) -> None:
    """The questionnaire indicators of the chapter's cycle (label, unit, what it counts,
    how the threat index takes it) and the public reference indicators (unit, what it
    counts, source; a row per source the bibliography lists, kept by the same rule)."""
    by_key = {s.key: s for s in sources()}
    q = questionnaire_indicators(ch.cycle.code)
    rows = (_row([html.escape(r[k]) for k in ("indicator", "unit", "counts", "areas", "index")])
            for r in q)
    parts = [f"<h3>Questionnaire indicators, cycle {html.escape(ch.cycle.code)}</h3>",
             _table(("Indicator", "Unit", "What it counts", "Asked for", "In the threat index"), rows,
                    cls="indicator-definitions", widths=(25, 9, 24, 22, 20)),
             '<p class="source">Source: the OCTA-SEE questionnaire of cycle '
             f"{html.escape(ch.cycle.code)} and the threat index specification (Annex B). "
             "Amounts of money in EUR, masses in kg, counts as whole numbers; a country "
             "may report in g or t, converted to kg on ingest.</p>"]
    prow = (_row([html.escape(p.indicator), html.escape(p.unit), html.escape(p.definition),
                  html.escape(_short(by_key[p.source]))],
                 attrs=f' data-source="{html.escape(p.source)}"')
            for p in public_indicators())
    parts += ["<h3>Public reference indicators</h3>",
              _table(("Indicator", "Unit", "What it counts", "Source"), prow,
                     cls="indicator-definitions public-indicators",
                     widths=(22, 20, 40, 18)),
              '<p class="source">Full references in the bibliography below.</p>']
    _context._html(_block("".join(parts), kind="indicators"))


def _short(s: SourceEntry) -> str:
    """The source as a table cell names it: its citation up to the first full stop."""
    return s.citation.split(". ")[0].rstrip(".")


# --------------------------------------------------------------------------- bibliography
def bibliography_entries(cycle: str) -> list[dict[str, str]]:
    """Every source of ``sources.csv`` with its citation as printed: ``key``, ``kind``,
    ``text`` (citation, edition, URL) and ``always`` ("yes" for literature an entry of the
    glossary cites, marked ``data-always`` in the list: the merge keeps it when the
    report uses that entry, :func:`cite_sources`, or names it)."""
    gloss = " ".join(e.source for e in glossary())
    out = []
    for s in sources():
        edition = s.edition.replace("{cycle}", cycle)
        text = s.citation + (f" {edition[0].upper()}{edition[1:]}." if edition else "")
        out.append({"key": s.key, "kind": s.kind, "text": text, "url": s.url,
                    "always": "yes" if s.kind == "literature" and s.named_in(gloss) else ""})
    return out


_KIND_TITLES = (("questionnaire", "Data from the member countries"),
                ("data", "Public data sets"), ("literature", "Methods and literature"))


def bibliography(ch: Chapter) -> None:
    """The bibliography: the country submissions, the public data sets, the methods and
    literature, each entry a full citation with its edition and URL. The merge
    (:func:`cite_sources`) keeps the entries the report names."""
    entries = bibliography_entries(ch.cycle.code)
    parts = []
    for kind, title in _KIND_TITLES:
        chosen = [e for e in entries if e["kind"] == kind]
        if not chosen:
            continue
        items = []
        for e in chosen:
            url = (f' <a class="bibliography-url" href="{html.escape(e["url"])}">'
                   f'{html.escape(e["url"])}</a>' if e["url"] else "")
            always = ' data-always="yes"' if e["always"] else ""
            items.append(f'<li data-source="{html.escape(e["key"])}"{always}>'
                         f"{html.escape(e['text'])}{url}</li>")
        parts.append(f'<h3 data-bibliography="{kind}">{title}</h3>'
                     f'<ul class="bibliography">{"".join(items)}</ul>')
    _context._html(_block("".join(parts), kind="bibliography"))


# --------------------------------------------------------------------------- the merge
def _cell_text(cell: Mapping[str, Any], *, figures: bool = True) -> str:
    """What a merged cell shows, as text to search: Markdown, HTML, plain text and (with
    ``figures``) the figures' JSON (titles, labels)."""
    out = []
    src = cell.get("source", "")
    out.append("".join(src) if isinstance(src, list) else str(src))
    for o in cell.get("outputs", []) or []:
        for mime, value in (o.get("data") or {}).items():
            if isinstance(value, str | list) and mime.startswith("text/"):
                text = "".join(value) if isinstance(value, list) else value
                out.append(text if figures else _SCRIPT.sub(" ", text))
            elif "json" in mime and figures:
                out.append(_figure_strings(value))
        if o.get("text"):
            text = o["text"]
            out.append("".join(text) if isinstance(text, list) else str(text))
    return "\n".join(out)


def _is_backmatter(cell: Mapping[str, Any]) -> bool:
    return unnumbered(_cell_text(cell))


def cited_keys(texts: Iterable[str]) -> set[str]:
    """The keys of the sources (``sources.csv``) that ``texts`` name."""
    text = "\n".join(html.unescape(re.sub(r"<[^>]+>", " ", t)) for t in texts)
    return {s.key for s in sources() if s.named_in(text)}


_ITEM = re.compile(r'<(li|tr) data-source="([^"]+)"( data-always="yes")?>.*?</\1>', re.S)
_EMPTY_LIST = re.compile(r'<h3 data-bibliography="[^"]+">[^<]*</h3><ul class="bibliography">'
                         r"</ul>")


def cite_sources(cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``cells`` (the merged report) with the back matter's bibliography and public
    indicators cut to the sources the rest of the report names (:func:`cited_keys`), and
    the literature that the glossary entries the edition uses cite (:func:`used_terms`:
    an entry cut from the glossary, :func:`cite_glossary`, does not keep its source).
    Changes the cells in place and returns them."""
    keep = _kept_sources(cells)

    def sub(m: re.Match[str]) -> str:
        return m.group(0) if m.group(2) in keep else ""

    return _rewrite_html([c for c in cells if _is_backmatter(c)],
                         lambda text: _EMPTY_LIST.sub("", _ITEM.sub(sub, text)), cells)


def _rewrite_html(cells: Sequence[dict[str, Any]], rewrite: Callable[[str], str],
                  result: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Apply ``rewrite`` (text to text) to the HTML output of each of ``cells``, in place;
    returns ``result`` (the merged report the cuts change)."""
    for cell in cells:
        for o in cell.get("outputs", []) or []:
            data = o.get("data") or {}
            value = data.get("text/html")
            if value is not None:
                data["text/html"] = rewrite("".join(value) if isinstance(value, list)
                                            else value)
    return result


def _kept_sources(cells: list[dict[str, Any]]) -> set[str]:
    """The sources the report names outside the back matter, and the literature cited
    by the glossary entries the report then uses, its back matter as cut included (a
    kept bibliography entry may use an abbreviation whose definition cites a source):
    grown until nothing more is kept."""
    named = cited_keys(_cell_text(c) for c in cells if not _is_backmatter(c))
    used = _used_outside(cells)
    literature = [s for s in sources() if s.kind == "literature"]
    keep = set(named)
    while True:
        terms = _closure(used | _used_in(_back_text(cells, keep)))
        cited = " ".join(e.source for e in glossary() if e.term in terms)
        grown = named | {s.key for s in literature if s.named_in(cited)}
        if grown == keep:
            return keep
        keep = grown


def names_kosovo(text: str) -> bool:
    """Whether ``text`` names Kosovo (``Kosovo`` or ``Kosovo*`` as a word)."""
    return bool(_KOSOVO.search(text))


def kosovo_footnote_html() -> str:
    """The standard footnote as the report prints it."""
    return f'<p class="footnote {_FOOTNOTE_CLASS}">{html.escape(KOSOVO_FOOTNOTE)}</p>'


def _figures(cell: Mapping[str, Any]) -> list[str]:
    """The figures of a cell as text: their JSON, or the script that draws them."""
    out = []
    for o in cell.get("outputs", []) or []:
        for mime, value in (o.get("data") or {}).items():
            if "json" in mime:
                out.append(json.dumps(value, ensure_ascii=False))
            elif mime == "text/html":
                out += _SCRIPT.findall("".join(value) if isinstance(value, list) else value)
    return [t.replace("\\u002f", "/") for t in out]


def _figure_names_kosovo(cell: Mapping[str, Any]) -> bool:
    """Whether a figure of the cell names Kosovo without carrying the footnote itself (a
    map draws it among its notes)."""
    return any(names_kosovo(t) and _FOOTNOTE_START not in t for t in _figures(cell))


_FOOTNOTE_START = KOSOVO_FOOTNOTE[:40]


def kosovo_footnote(cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``cells`` (one chapter's, as merged) with the Kosovo* footnote right after the
    first cell whose text, or a figure that does not carry the footnote itself, names
    Kosovo (after the first mention, as a footnote is: at the chapter's end it could
    fall alone on a page of its own), when none of them carries it yet; else ``cells``
    unchanged. The back matter's own cells (the glossary's definitions) do not count."""
    own = [c for c in cells if not _is_backmatter(c)]
    if any(_FOOTNOTE_CLASS in _cell_text(c, figures=False) for c in own):
        return cells
    first = next((i for i, c in enumerate(cells) if not _is_backmatter(c) and (
        names_kosovo(_cell_text(c, figures=False)) or _figure_names_kosovo(c))), None)
    if first is None:
        return cells
    note = {"cell_type": "code", "metadata": {}, "execution_count": None, "source": "",
            "outputs": [{"output_type": "display_data", "metadata": {},
                         "data": {"text/html": kosovo_footnote_html()}}]}
    return [*cells[:first + 1], note, *cells[first + 1:]]


# --------------------------------------------------------------------------- glossary cut
_GLOSSARY_BLOCK = re.compile(rf'<div class="{BACKMATTER_CLASS} {BACKMATTER_CLASS}-glossary">'
                             r".*?</div>", re.S)
_TERM_ROW = re.compile(r'<tr data-term="([^"]+)">.*?</tr>', re.S)
_EMPTY_GLOSSARY = re.compile(r'<h3>[^<]*</h3><table class="octasee-table glossary"[^>]*>'
                             r"(?:(?!</table>).)*?<tbody></tbody></table>", re.S)


_URL = re.compile(r"(?:https?://|www\.)\S+")


def _plain(text: str) -> str:
    """HTML as the reader sees it: tags left out, entities resolved; and URLs left out
    (``…/UNTOC.html`` does not use the abbreviation UNTOC)."""
    return _URL.sub(" ", html.unescape(re.sub(r"<[A-Za-z!/][^<>]*>", " ", text)))


def _figure_strings(value: Any) -> str:
    """The words of a figure's JSON (titles, labels, legend names, notes, hover
    templates): its strings, one a line, without the numbers and coordinates that make up
    most of it (a map's boundaries are megabytes of them), which the glossary and the
    bibliography search would otherwise read through.

    >>> _figure_strings({"data": [{"x": [1, 2], "name": "THB"}], "layout": {"title": "x"}}
    ...                 ).split()
    ['THB', 'x']
    """
    out: list[str] = []
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            out.append(v)
        elif isinstance(v, dict):
            stack.extend(reversed(list(v.values())))
        elif isinstance(v, list):
            stack.extend(x for x in reversed(v) if isinstance(x, str | dict | list))
    return "\n".join(out)


def _shown_text(cell: Mapping[str, Any]) -> str:
    """What a merged cell shows a reader, as plain text: a Markdown cell's text; a code
    cell's outputs (not its code, nor the scripts of its HTML), the glossary's own table
    left out; figures' JSON (titles, labels, notes)."""
    if cell.get("cell_type") == "markdown":
        src = cell.get("source", "")
        return _plain("".join(src) if isinstance(src, list) else str(src))
    out = []
    for o in cell.get("outputs", []) or []:
        for mime, value in (o.get("data") or {}).items():
            if mime == "text/html" or mime == "text/markdown":
                text = "".join(value) if isinstance(value, list) else str(value)
                out.append(_plain(_GLOSSARY_BLOCK.sub(" ", _SCRIPT.sub(" ", text))))
            elif "json" in mime:
                out.append(_figure_strings(value))
        if o.get("text"):
            text = o["text"]
            out.append("".join(text) if isinstance(text, list) else str(text))
    return "\n".join(out)


def _used_in(text: str) -> set[str]:
    return {e.term for e in glossary() if e.used_in(text)}


def _closure(terms: set[str]) -> set[str]:
    """``terms`` and the entries their definitions (and sources) use, and so on."""
    entries = glossary()
    keep = set(terms)
    while True:
        said = " ".join(f"{e.definition} {e.source}" for e in entries if e.term in keep)
        more = {e.term for e in entries if e.term not in keep and e.used_in(said)}
        if not more:
            return keep
        keep |= more


def used_terms(texts: Iterable[str]) -> set[str]:
    """The glossary entries (their ``term``) that ``texts`` (plain text) use, and the
    entries the definitions of those use, and so on: a kept definition that says
    "EMCDDA" keeps EMCDDA's entry."""
    return _closure(_used_in("\n".join(texts)))


def _used_outside(cells: Sequence[Mapping[str, Any]]) -> set[str]:
    """The entries the cells outside the back matter use (not yet closed)."""
    return _used_in("\n".join(_shown_text(c) for c in cells if not _is_backmatter(c)))


def _back_text(cells: Sequence[Mapping[str, Any]], keep: set[str] | None = None) -> str:
    """What the back matter shows but the glossary, as plain text; with ``keep``, only the
    bibliography entries and public indicators of those sources."""
    out = []
    for cell in cells:
        if not _is_backmatter(cell):
            continue
        for o in cell.get("outputs", []) or []:
            value = (o.get("data") or {}).get("text/html")
            if value is None:
                continue
            text = _GLOSSARY_BLOCK.sub(" ", "".join(value) if isinstance(value, list)
                                       else value)
            if keep is not None:
                text = _ITEM.sub(lambda m: m.group(0) if m.group(2) in keep else "", text)
            out.append(_plain(text))
    return "\n".join(out)


def cite_glossary(cells: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``cells`` (the merged report) with the back matter's glossary cut to the entries the
    edition uses (:func:`used_terms`): in its chapters' text, captions, tables and
    figures, and in the rest of the back matter. Run it after :func:`cite_sources`, so
    that a source the bibliography drops does not keep an abbreviation. A table left
    without rows leaves with its heading. Changes the cells in place and returns them."""
    keep = _closure(_used_outside(cells) | _used_in(_back_text(cells)))

    def sub(m: re.Match[str]) -> str:
        return m.group(0) if html.unescape(m.group(1)) in keep else ""

    return _rewrite_html(cells, lambda text: _GLOSSARY_BLOCK.sub(
        lambda b: _EMPTY_GLOSSARY.sub("", _TERM_ROW.sub(sub, b.group(0))), text), cells)
