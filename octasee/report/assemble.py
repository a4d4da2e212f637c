"""Assemble the report: merge the executed chapters into one notebook, convert it once.

The merge does what the template cannot do from one cell at a time:

- numbers chapters (1, 2, …), the annex (A, with A.1, A.2 … per country), figures and
  tables (Figure 2.1, Table 2.1; captions from the cell's ``caption`` metadata or the
  figure's title), and builds the table of contents;
- keeps a heading that sits alone in the cell before a figure or table together with it
  (Chromium does not keep a heading with the next cell across a page break);
- drops what a reader should not see: code, the parameters cells, cells tagged
  ``remove_cell``, stderr, papermill's error banners, empty code cells;
- treats outputs as data: Markdown that code displays is rendered with raw HTML escaped
  (free text from questionnaires often reaches the report that way); Markdown cells are
  authored and keep their HTML;
- makes the output deterministic: plotly's random div ids become ``plotly-<chapter>-<n>``,
  cell ids become ``c<chapter>-<n>``, execution metadata goes;
- leaves plotly.js out: the template loads it once for the whole report.

A failed chapter becomes a visible failure box (``--keep-going``).

After conversion, the evidence (:func:`collect_evidence`: each chapter's
``evidence.json``, checked against what its notebook shows; :func:`link_evidence`): each
figure's and table's caption gets its evidence id (``ev-…``), the data links of the
restricted edition point at the copies beside the report (``<stem>.evidence/<anchor>.csv``,
written by :func:`write_data_folder`), and every ``<a class="evidence-ref"
data-evidence="KEY">`` gets the label of the figure or table it names ("Figure 4.1") as
its text, so that it reads the same in print (:func:`resolve_evidence_links`).

>>> part = Part(slug="01_intro", title="Introduction", number="1", nb={"cells": [
...     {"cell_type": "markdown", "metadata": {}, "source": "# Introduction\\n\\nText."}]})
>>> nb = merge_chapters([part], meta={"title": "T"})
>>> [c["metadata"].get("octasee", {}).get("role") for c in nb["cells"]]
['chapter', None]
>>> nb["cells"][1]["source"]
'Text.'
"""

from __future__ import annotations

import base64
import difflib
import hashlib
import html
import json
import os
import re
import shutil
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from octasee.chapters.backmatter import cite_glossary, cite_sources, kosovo_footnote, unnumbered
from octasee.chapters.context import EVIDENCE_NAME
from octasee.report.errors import ReportError
from octasee.report.execute import import_nbformat_lightly

__all__ = ["HIDDEN_TAGS", "PLOTLY_MIME", "Evidence", "Part", "collect_evidence",
           "convert_to_html", "data_folder_name", "joined", "link_evidence", "merge_chapters",
           "plotlyjs", "resolve_evidence_links", "templates_dir", "write_data_folder"]

PLOTLY_MIME = "application/vnd.plotly.v1+json"
PLOTLYJS_PLACEHOLDER = "/*octasee:plotly.js*/"
#: Cells with these tags are not part of what a reader sees.
HIDDEN_TAGS = {"parameters", "injected-parameters", "remove_cell", "papermill-error-cell-tag"}
_PLOT_ID = re.compile(r'<div id="([^"]+)"[^>]*class="plotly-graph-div"')
_SELF_NUMBERED = re.compile(r'class="(?:figure|table)-caption"')
_HEADING_ONLY = re.compile(r"^\s*<h[1-6][^>]*>(.*?)</h[1-6]>\s*$", re.S)


@dataclass
class Part:
    """One executed chapter (or one country's profile) in report order.

    ``number`` is what the report prints ("4", "B" for annex B, "A.3" for a country's
    section, "" for unnumbered front matter); ``nb`` the executed notebook as a dict, or
    None when the chapter failed (then ``failure`` says why). A level-2 part is one
    section of a per-country chapter, whose number and title are ``group_number`` and
    ``group_title``; ``annex`` says whether the chapter (or group) is an annex.
    """

    slug: str
    title: str
    number: str
    nb: Mapping[str, Any] | None = None
    failure: Mapping[str, Any] | None = None
    level: int = 1  # 1: chapter or annex; 2: a country section of the annex
    notebook_path: str = ""  # where the executed notebook was kept (shown on failure)
    anchor: str = ""
    group_title: str = ""  # level 2: the per-country chapter's title
    group_number: str = ""  # level 2: the per-country chapter's number ("A", "5")
    annex: bool = False


def templates_dir() -> Path:
    """The nbconvert templates folder (installed package data, else the checkout's)."""
    packaged = Path(str(resources.files("octasee"))) / "_report_templates"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent.parent / "report_templates"
    if checkout.is_dir():
        return checkout
    raise ReportError("the report templates are not installed",
                      hint="reinstall octasee from its source folder (pip install .)")


@cache
def plotlyjs() -> str:
    """plotly.js from the installed plotly package (no CDN)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _source(cell: Mapping[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def joined(data: Any) -> str:
    """A notebook string field (a list of lines, or one string) as one string."""
    return "".join(data) if isinstance(data, list) else str(data)


@cache
def _markdown_escaping() -> Any:
    import mistune

    return mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])


def _heading_only(cell: Mapping[str, Any]) -> tuple[int, str] | None:
    """(level, text) when a markdown cell is a single heading line, else None."""
    if cell.get("cell_type") != "markdown":
        return None
    lines = [ln for ln in _source(cell).strip().splitlines() if ln.strip()]
    if len(lines) != 1:
        return None
    m = re.match(r"^(#{1,6})\s+(.+?)\s*#*\s*$", lines[0])
    return (len(m.group(1)), m.group(2)) if m else None


class _Numbering:
    """Figure and table counters of one chapter, and the deterministic plotly ids."""

    def __init__(self, prefix: str, anchor: str) -> None:
        self.prefix = prefix
        self.anchor = anchor
        self.figures = 0
        self.tables = 0
        self.plots = 0

    def plot_ids(self, text: str) -> str:
        """Random (or merely per-chapter) plotly div ids become unique, stable ones."""
        for uid in dict.fromkeys(_PLOT_ID.findall(text)):
            self.plots += 1
            text = text.replace(f'"{uid}"', f'"plotly-{self.anchor}-{self.plots}"')
        return text


def _caption(cell: Mapping[str, Any], index: int) -> str | None:
    cap = cell.get("metadata", {}).get("caption")
    if isinstance(cap, list):
        return str(cap[index]) if index < len(cap) else None
    return str(cap) if cap else None


def _plot_title(data: Mapping[str, Any]) -> str | None:
    fig = data.get(PLOTLY_MIME)
    if not isinstance(fig, Mapping):
        return None
    title = fig.get("layout", {}).get("title")
    if isinstance(title, Mapping):
        title = title.get("text")
    return re.sub(r"<[^>]+>", "", str(title)) if title else None


def _figure(body: str, *, kind: str, label: str, ident: str, caption: str | None,
            heading: tuple[int, str] | None) -> str:
    head = ""
    if heading:
        head = f'<h{heading[0]} class="figure-heading">{html.escape(heading[1])}</h{heading[0]}>'
    cap = f'<span class="caption-label">{label}</span>'
    if caption:
        cap += " " + html.escape(caption)
    if kind == "table":
        return (f'<figure class="report-table" id="{ident}">{head}'
                f"<figcaption>{cap}</figcaption>{body}</figure>")
    return (f'<figure class="report-figure" id="{ident}">{head}{body}'
            f"<figcaption>{cap}</figcaption></figure>")


def _clean_outputs(cell: Mapping[str, Any], num: _Numbering,
                   heading: tuple[int, str] | None, *, self_numbered: bool = False
                   ) -> tuple[list[dict[str, Any]], bool]:
    """The outputs a reader sees; True when the pending heading went into a figure.

    ``self_numbered``: the chapter numbers and captions its figures and tables itself
    (octasee.chapters does); they are then only grouped with their caption and source
    line, so that print keeps them on one page.
    """
    outs: list[dict[str, Any]] = []
    used_heading = False
    shown = 0
    for out in cell.get("outputs", []):
        kind = out.get("output_type")
        if kind == "stream":
            if out.get("name") == "stdout":
                outs.append({"output_type": "stream", "name": "stdout",
                             "text": joined(out.get("text", ""))})
            continue
        if kind == "error":
            outs.append({"output_type": "error", "ename": out.get("ename", ""),
                         "evalue": out.get("evalue", ""), "traceback": []})
            continue
        if kind not in ("display_data", "execute_result"):
            continue
        data = dict(out.get("data", {}))
        if "application/vnd.jupyter.widget-view+json" in data:
            continue  # a live widget: nothing to show without a kernel
        title = _plot_title(data)
        data.pop(PLOTLY_MIME, None)
        if "text/markdown" in data and "text/html" not in data:
            data["text/html"] = _markdown_escaping()(joined(data.pop("text/markdown")))
        for img in ("image/png", "image/jpeg"):
            if img in data and "text/html" not in data:
                b64 = joined(data[img]).replace("\n", "")
                data["text/html"] = f'<img alt="" src="data:{img};base64,{b64}">'
        if "image/svg+xml" in data and "text/html" not in data:
            svg = base64.b64encode(joined(data["image/svg+xml"]).encode()).decode()
            data["text/html"] = f'<img alt="" src="data:image/svg+xml;base64,{svg}">'
        if "text/html" in data:
            body = joined(data["text/html"])
            is_plot = "plotly-graph-div" in body
            is_img = body.startswith("<img ")
            is_table = not is_plot and "<table" in body and not unnumbered(body)
            if is_plot:
                body = num.plot_ids(body)
            h = heading if not used_heading and shown == 0 else None
            if self_numbered:
                pass
            elif is_plot or is_img:
                num.figures += 1
                body = _figure(body, kind="figure", label=f"Figure {num.prefix}.{num.figures}",
                               ident=f"fig-{num.anchor}-{num.figures}",
                               caption=_caption(cell, shown) or title, heading=h)
                used_heading = used_heading or h is not None
            elif is_table:
                num.tables += 1
                body = _figure(body, kind="table", label=f"Table {num.prefix}.{num.tables}",
                               ident=f"tab-{num.anchor}-{num.tables}",
                               caption=_caption(cell, shown), heading=h)
                used_heading = used_heading or h is not None
            data = {"text/html": body}
        elif "text/plain" in data:
            data = {"text/plain": joined(data["text/plain"])}
        else:
            continue
        shown += 1
        outs.append({"output_type": "display_data", "data": data, "metadata": {}})
    if self_numbered:
        outs, used_heading = _group_figure(outs, heading)
    return outs, used_heading


def _group_figure(outs: list[dict[str, Any]], heading: tuple[int, str] | None
                  ) -> tuple[list[dict[str, Any]], bool]:
    """One ``<figure>`` per numbered figure or table of a cell: its caption, its body and
    its source line, so that print keeps them on one page; with the heading of the cell
    before it, if that cell held only a heading and the figure comes first.

    A cell may show several figures and tables with text between them (a country
    profile): each is grouped on its own, and the text stays outside, so that no group is
    taller than a page. A cell without captions is grouped whole, as before.
    """
    def text(o: dict[str, Any]) -> str:
        return joined(o.get("data", {}).get("text/html", ""))

    def figure(group: list[dict[str, Any]], head_of: tuple[int, str] | None
               ) -> dict[str, Any]:
        inner = "".join(text(o) for o in group)
        kind = "report-table" if "<table" in inner and "plotly-graph-div" not in inner \
            else "report-figure"
        head = ""
        if head_of:
            head = (f'<h{head_of[0]} class="figure-heading">{html.escape(head_of[1])}'
                    f"</h{head_of[0]}>")
        return {"output_type": "display_data", "metadata": {},
                "data": {"text/html": f'<figure class="{kind}">{head}{inner}</figure>'}}

    htmls = [o for o in outs if "text/html" in o.get("data", {})]
    every = "".join(text(o) for o in htmls)
    if not htmls or not ("plotly-graph-div" in every or "<table" in every
                         or "<img " in every):
        return outs, False
    if not _SELF_NUMBERED.search(every):
        first = outs.index(htmls[0])
        rest = [o for o in outs if o not in htmls]
        return [*rest[:first], figure(htmls, heading), *rest[first:]], heading is not None
    result: list[dict[str, Any]] = []
    used = False
    group: list[dict[str, Any]] | None = None
    for o in outs:
        body = text(o) if "text/html" in o.get("data", {}) else ""
        if group is None and _SELF_NUMBERED.search(body):
            group = []
        if group is None:
            result.append(o)
            continue
        group.append(o)
        if 'class="source"' in body:  # the source line closes a figure or a table
            head_of = heading if not result and not used else None
            used = used or head_of is not None
            result.append(figure(group, head_of))
            group = None
    if group:
        head_of = heading if not result and not used else None
        used = used or head_of is not None
        result.append(figure(group, head_of))
    return result, used


def _chapter_cells(part: Part, anchor: str) -> list[dict[str, Any]]:
    assert part.nb is not None
    num = _Numbering(part.number, anchor)
    cells = [c for c in part.nb.get("cells", [])
             if not set(c.get("metadata", {}).get("tags", [])) & HIDDEN_TAGS]
    self_numbered = any(_SELF_NUMBERED.search(joined(o.get("data", {}).get("text/html", "")))
                        for c in cells for o in c.get("outputs", []))
    # A country section's own heading repeats the one the report puts there: drop it.
    repeat = part.title.strip().casefold() if part.level == 2 else None
    out: list[dict[str, Any]] = []
    first_md = True
    pending: tuple[int, str] | None = None  # a heading-only cell waiting for its figure
    pending_cell: dict[str, Any] | None = None
    for cell in cells:
        ctype = cell.get("cell_type")
        if ctype == "markdown":
            src = _source(cell)
            if first_md:
                first_md = False
                lines = src.lstrip().splitlines()
                if lines and re.match(r"^#\s+", lines[0]):
                    src = "\n".join(lines[1:]).strip()
                    if not src:
                        continue
            if pending_cell is not None:
                out.append(pending_cell)
            new = {"cell_type": "markdown", "metadata": {}, "source": src}
            if cell.get("attachments"):
                new["attachments"] = cell["attachments"]
            pending = _heading_only(new)
            pending_cell = new if pending else None
            if not pending:
                out.append(new)
            continue
        if ctype == "raw":
            continue
        outputs, used = _clean_outputs(cell, num, pending, self_numbered=self_numbered)
        if repeat and outputs:
            m = _HEADING_ONLY.match(joined(outputs[0].get("data", {}).get("text/html", "")))
            if m and html.unescape(re.sub(r"<[^>]+>", "", m.group(1))).strip().casefold() \
                    == repeat:
                outputs = outputs[1:]
            repeat = None
        if pending_cell is not None and not (used or not outputs):
            out.append(pending_cell)
        if used or outputs:
            pending, pending_cell = None, None
        if outputs:
            out.append({"cell_type": "code", "metadata": {}, "execution_count": None,
                        "source": "", "outputs": outputs})
    if pending_cell is not None:
        out.append(pending_cell)
    return out


def _role_cell(role: str, **meta: Any) -> dict[str, Any]:
    return {"cell_type": "markdown", "metadata": {"octasee": {"role": role, **meta}},
            "source": ""}


def merge_chapters(parts: Sequence[Part], *, meta: Mapping[str, Any]) -> dict[str, Any]:
    """One notebook (a dict, nbformat 4.5) holding every part in order, ready to convert.

    ``meta`` goes to ``metadata.octasee`` for the template's cover (title, cycle, label,
    date, marking, handling, variant); the table of contents is added to it.
    """
    cells: list[dict[str, Any]] = []
    toc: list[dict[str, Any]] = []
    groups_started: set[str] = set()
    footnoted: set[str] = set()  # chapters (a per-country one: its group) with the Kosovo* note

    def heading(role: str, anchor: str, number: str, title: str, level: int,
                failed: bool = False) -> None:
        cells.append(_role_cell(role, id=anchor, number=number, title=title))
        shown = f"Annex {number}" if role == "annex" else number
        toc.append({"id": anchor, "number": shown, "title": title, "level": level,
                    "failed": failed})

    for i, part in enumerate(parts, start=1):
        anchor = part.anchor or f"s{i}"
        failed = part.failure is not None or part.nb is None
        role = "annex" if part.annex else "chapter"
        if part.level == 2:
            group = part.group_number or part.number.split(".")[0]
            if group not in groups_started:
                groups_started.add(group)
                heading(role, f"{role}-{group.lower() or 'x'}", group,
                        part.group_title or "Annex", 1)
            heading("section", anchor, part.number, part.title, 2, failed)
        else:
            heading(role, anchor, part.number, part.title, 1, failed)
        if failed:
            failure = dict(part.failure or {})
            cells.append(_role_cell(
                "failure", chapter=part.slug, cell=failure.get("cell"),
                ename=str(failure.get("ename", "")), evalue=str(failure.get("evalue", "")),
                notebook=part.notebook_path))
            continue
        body = _chapter_cells(part, anchor)
        chapter = (part.group_number or part.number.split(".")[0]) if part.level == 2 else anchor
        if chapter not in footnoted and len(noted := kosovo_footnote(body)) > len(body):
            footnoted.add(chapter)  # once per chapter: after the first section naming Kosovo
            body = noted
        cells.extend(body)
    cite_sources(cells)  # the back matter's bibliography: the sources the report names
    cite_glossary(cells)  # the glossary: the entries the edition uses
    for n, cell in enumerate(cells):
        cell["id"] = f"c{n}"
    metadata = {
        "title": str(meta.get("title", "Report")),
        "octasee": {**dict(meta), "toc": toc},
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python", "pygments_lexer": "ipython3"},
    }
    return {"cells": cells, "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}


_CAPTION_HTML = re.compile(
    r'<h4 class="(figure|table)-caption" id="([^"]+)"[^>]*>(.*?)</h4>'
    r'|<figure class="report-(figure|table)" id="([^"]+)">(?:(?!<figure[ >]).)*?'
    r"<figcaption>(.*?)</figcaption>", re.S)
#: What a caption's entry in the list leaves out: the ND note (its text is in the
#: chapter), marks such as ND, and tags.
_NOTE = re.compile(r'<span class="nd-note">(?:(?!</span>).)*</span>', re.S)
_TAG = re.compile(r"<sup\b[^>]*>.*?</sup>|<[^>]+>", re.S)
_LABEL = re.compile(r"((?:Figure|Table) [A-Z0-9]+(?:\.[0-9]+)*):?\s*(.*)", re.S)


def list_of_figures(text: str) -> list[dict[str, str]]:
    """The report's figures and tables in order, from their captions in the converted
    HTML (after :func:`link_evidence` gave each its anchor): ``id``, ``kind`` (figure,
    table), ``label`` ("Figure 4.1") and ``title`` (the caption's text, marks such as ND
    left out). A caption without an anchor is not listed (nothing to link to)."""
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for m in _CAPTION_HTML.finditer(text):
        kind, ident, body = ((m.group(1), m.group(2), m.group(3)) if m.group(1)
                             else (m.group(4), m.group(5), m.group(6)))
        if ident in seen:
            continue
        seen.add(ident)
        plain = html.unescape(re.sub(r"\s+", " ", _TAG.sub("", _NOTE.sub("", body)))).strip()
        named = _LABEL.match(plain)
        label, title = (named.group(1), named.group(2)) if named else ("", plain)
        out.append({"id": ident, "kind": kind, "label": label, "title": title})
    return out


#: Where the template puts the list of figures and tables (filled after conversion).
LIST_OF_FIGURES = "<!-- octasee:list-of-figures -->"


def insert_list_of_figures(text: str) -> str:
    """``text`` (the report's HTML) with the list of figures and tables, linked to their
    captions, where the template left :data:`LIST_OF_FIGURES` (after the contents); each
    entry has the empty ``toc-page`` span the PDF fills with its page."""
    if LIST_OF_FIGURES not in text:
        return text
    items = list_of_figures(text)
    if not items:
        return text.replace(LIST_OF_FIGURES, "", 1)
    e = html.escape
    parts = ['<nav class="toc lof" id="figures-and-tables">',
             '<h1 class="toc-title">Figures and tables</h1>']
    for kind, heading in (("figure", "Figures"), ("table", "Tables")):
        chosen = [f for f in items if f["kind"] == kind]
        if not chosen:
            continue
        parts.append(f'<h2 class="lof-title">{heading}</h2><ol class="toc-list lof-list">')
        parts += [f'<li><a href="#{e(f["id"])}"><span class="lof-label">{e(f["label"])}</span>'
                  f' <span class="toc-text">{e(f["title"])}</span><span class="toc-page" '
                  f'data-target="{e(f["id"])}"></span></a></li>' for f in chosen]
        parts.append("</ol>")
    parts.append("</nav>")
    return text.replace(LIST_OF_FIGURES, "\n".join(parts), 1)


def has_plots(nb: Mapping[str, Any]) -> bool:
    """Whether any output of the merged notebook draws a plotly figure."""
    return any("plotly-graph-div" in joined(o.get("data", {}).get("text/html", ""))
               for c in nb.get("cells", []) for o in c.get("outputs", []))


def convert_to_html(nb: Mapping[str, Any], *, template_dir: Path | None = None,
                    template_name: str = "octasee") -> str:
    """Convert the merged notebook with nbconvert, once, through ``report_templates``.

    Code is hidden, cells tagged ``remove_cell`` are removed, and plotly.js is inlined
    once (after conversion: nbconvert re-parses its output, and 4.6 MB of script is best
    kept out of that).
    """
    nbformat = import_nbformat_lightly()
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    folder = template_dir or templates_dir()
    c = Config()
    c.HTMLExporter.extra_template_basedirs = [str(folder)]
    c.HTMLExporter.template_name = template_name
    c.HTMLExporter.exclude_input = True
    c.HTMLExporter.exclude_input_prompt = True
    c.HTMLExporter.exclude_output_prompt = True
    c.HTMLExporter.embed_images = True
    c.HTMLExporter.anchor_link_text = ""
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = {"remove_cell"}
    c.TagRemovePreprocessor.remove_input_tags = {"remove_input"}
    c.TagRemovePreprocessor.remove_all_outputs_tags = {"remove_output"}
    c.NbConvertBase.display_data_priority = [
        "text/html", "text/markdown", "image/svg+xml", "image/png", "image/jpeg",
        "text/plain"]
    exporter = HTMLExporter(config=c)
    node = nbformat.from_dict(json.loads(json.dumps(nb)))
    body, _ = exporter.from_notebook_node(node, resources={"metadata": {"name": "report"}})
    if PLOTLYJS_PLACEHOLDER in body:
        js = plotlyjs() if has_plots(nb) else ""
        body = body.replace(PLOTLYJS_PLACEHOLDER, js, 1)
    return body


def digest_templates(folder: Path | None = None) -> str:
    """A hash of the template files (for the manifest)."""
    folder = folder or templates_dir()
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(folder).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()


# --------------------------------------------------------------------------- evidence

# nbconvert writes the chapters' HTML again (attributes in another order, ``<br/>``): the
# patterns find tags by their class and read the attributes whatever their order.
_ANCHOR = re.compile(r'<span\s([^>]*\bclass="evidence-anchor"[^>]*)>\s*</span>(\s*)'
                     r'<h4\s+class="(figure|table)-caption"\s*>')
_DATA_LINK = re.compile(r'<a\s([^>]*\bclass="data-link"[^>]*)>(.*?)</a>(\s*)'
                        r'<span\s+class="data-file"\s*>\([^<]*\)</span>', re.S)
_EVIDENCE_REF = re.compile(r"<a\s([^>]*\bevidence-ref\b[^>]*)>(.*?)</a>", re.S)
_ATTR = re.compile(r'([\w:-]+)\s*=\s*"([^"]*)"')


def _attrs(text: str) -> dict[str, str]:
    """A tag's attributes (double-quoted, as the chapters and nbconvert write them)."""
    return dict(_ATTR.findall(text))


def _start_tag(name: str, attrs: Mapping[str, str]) -> str:
    return f"<{name} " + " ".join(f'{k}="{v}"' for k, v in attrs.items()) + ">"


@dataclass(frozen=True)
class Evidence:
    """The figures and tables of a report, by evidence key, and the data files to copy.

    ``entries``: key → the chapter's entry (``key``, ``label``, ``caption``, ``kind``,
    ``chapter``, ``anchor``, ``data``: the file's name beside the report or None) and
    ``run``, the build's label of the chapter that shows it. ``files``: a data file's
    name → the chapter's copy (restricted edition only).
    """

    entries: Mapping[str, Mapping[str, Any]]
    files: Mapping[str, Path]


def _shown_anchors(nb: Mapping[str, Any]) -> list[str]:
    """The evidence anchors a chapter's notebook shows, in order."""
    found: list[str] = []
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []):
            text = joined(out.get("data", {}).get("text/html", ""))
            if "evidence-anchor" in text:
                found += [html.unescape(_attrs(m.group(1)).get("id", ""))
                          for m in _ANCHOR.finditer(text)]
    return found


def collect_evidence(runs: Sequence[tuple[str, Path, Mapping[str, Any]]], *,
                     data: bool) -> Evidence:
    """Every chapter's figures and tables, from the ``evidence.json`` each writes into
    its folder, as one mapping by evidence key.

    ``runs``: (label, the chapter's ``output_dir``, its executed notebook) of every
    chapter in the report. The notebook is what the report shows: an entry whose
    figure it does not show (a file left by an earlier run) is left out, and a figure
    it shows that the list lacks, or a data file that is not there (``data``: the
    restricted edition, which copies them), is a :class:`ReportError`: the chapter's
    folder was changed after it ran (a cached run whose folder was removed). A key or
    anchor two chapters use is a :class:`ReportError` too: a reference must name one
    figure.
    """
    entries: dict[str, dict[str, Any]] = {}
    by_anchor: dict[str, str] = {}
    files: dict[str, Path] = {}
    for label, folder, nb in runs:
        shown = _shown_anchors(nb)
        twice = sorted({a for a in shown if shown.count(a) > 1})
        if twice:
            raise ReportError(f"chapter {label} shows the figure or table {twice[0]} twice",
                              hint="a section called twice with the same arguments? Give "
                                   "each a key of its own (key=...)")
        path = Path(folder) / EVIDENCE_NAME
        listed: list[Mapping[str, Any]] = []
        if path.is_file():
            try:
                listed = json.loads(path.read_text("utf-8"))
            except (OSError, ValueError) as exc:
                raise ReportError(f"cannot read the chapter's list of figures and tables: "
                                  f"{exc}", where=str(path),
                                  hint="build again with --no-cache") from None
        have = {str(e.get("anchor")): e for e in listed if isinstance(e, Mapping)}
        lacking = [a for a in shown if a not in have]
        if lacking:
            raise ReportError(f"chapter {label} shows {len(lacking)} figure(s) or table(s) "
                              f"that its list of evidence lacks ({', '.join(lacking[:3])})",
                              where=str(path), hint="its folder changed after it ran (a "
                              "cached run whose folder was removed?): build again with "
                              "--no-cache")
        for anchor in shown:
            e = dict(have[anchor])
            key = str(e["key"])
            if key in entries or anchor in by_anchor:
                other = entries.get(key) or entries[by_anchor[anchor]]
                raise ReportError(f"evidence key {key!r} ({e.get('label')} of chapter "
                                  f"{label}) is also {other['label']} of chapter "
                                  f"{other['run']}" + ("" if key == other["key"] else
                                                       f" (key {other['key']!r})"),
                                  hint="give each figure and table a key of its own: "
                                       "ch.figure(..., key='fig:...') (a per-country "
                                       "chapter's keys carry the country code)")
            source = e.get("data")
            e["run"] = label
            e["data"] = None
            if data and source:
                csv = Path(folder) / str(source)
                if not csv.is_file():
                    raise ReportError(f"the data file of {e.get('label')} ({key}) of chapter "
                                      f"{label} is missing", where=str(csv),
                                      hint="its folder changed after it ran (a cached run "
                                           "whose folder was removed?): build again with "
                                           "--no-cache")
                e["data"] = csv.name
                files[csv.name] = csv
            entries[key] = e
            by_anchor[anchor] = key
    return Evidence(entries=entries, files=files)


def resolve_evidence_links(text: str, evidence: Mapping[str, Mapping[str, Any]], *,
                           strict: bool = True) -> str:
    """``text`` (HTML) with every ``<a class="evidence-ref" data-evidence="KEY">`` pointing
    at the figure or table ``evidence[KEY]`` (``href="#<anchor>"``) and showing its label
    ("Figure 4.1") as its text, so that the reference reads the same on screen and in
    print.

    A key that ``evidence`` lacks is a :class:`ReportError` naming it and the closest
    keys there are (its ``details``: ``keys`` and ``suggestions``, for a caller that
    knows where the reference was written); with ``strict=False`` (a build that keeps
    going past a failed chapter, or leaves chapters or countries out) its text becomes
    ``[KEY: not in this report]``, as it does for a reference marked
    ``data-optional="1"`` (a figure that shows a finding, if the report has it).

    >>> ev = {"fig:trend:heroin:heroin_seized": {"label": "Figure 4.1",
    ...                                          "anchor": "ev-fig-trend-heroin-heroin-seized"}}
    >>> resolve_evidence_links('<a class="evidence-ref" '
    ...     'data-evidence="fig:trend:heroin:heroin_seized" href="#x">?</a>', ev)
    '<a class="evidence-ref" data-evidence="fig:trend:heroin:heroin_seized" href="#ev-fig-trend-heroin-heroin-seized">Figure 4.1</a>'
    >>> resolve_evidence_links('<a class="evidence-ref" data-evidence="fig:trend:heroin:heroin">?</a>', ev)
    Traceback (most recent call last):
    ...
    octasee.errors.ReportError: an evidence reference names no figure or table of the report: 'fig:trend:heroin:heroin'; did you mean 'fig:trend:heroin:heroin_seized'?
    """
    unknown: list[str] = []

    def sub(m: re.Match[str]) -> str:
        attrs = _attrs(m.group(1))
        key = html.unescape(attrs.get("data-evidence", ""))
        entry = evidence.get(key)
        if entry is None:
            if attrs.get("data-optional") != "1":  # optional: a figure a finding is shown in
                unknown.append(key)
            attrs.pop("href", None)
            text_ = f"[{key}: not in this report]"
        else:
            attrs["href"] = "#" + html.escape(str(entry["anchor"]))
            text_ = str(entry["label"])
        return f"{_start_tag('a', attrs)}{html.escape(text_)}</a>"

    out = _EVIDENCE_REF.sub(sub, text)
    if unknown and strict:
        keys = list(dict.fromkeys(unknown))
        known = list(evidence)
        suggestions = {k: difflib.get_close_matches(k, known, n=3, cutoff=0.6) for k in keys}
        close = [repr(s) for k in keys for s in suggestions[k]]
        what = (f"an evidence reference names no figure or table of the report: {keys[0]!r}"
                if len(keys) == 1 else f"{len(keys)} evidence references name no figure or "
                "table of the report: " + ", ".join(map(repr, keys)))
        hint = ("did you mean " + " or ".join(dict.fromkeys(close)) + "?" if close else
                "the report's keys: " + ", ".join(map(repr, sorted(known)[:12]))
                + (" …" if len(known) > 12 else "") if known else
                "no chapter of the report defines one")
        raise ReportError(what, hint=hint, keys=keys, suggestions=suggestions)
    return out


def link_evidence(text: str, evidence: Evidence, *, folder: str | None,
                  strict: bool = True) -> str:
    """The converted report with its evidence linked: each caption carries its evidence
    id (moved from the anchor just before it onto the caption itself), each data link
    points at ``<folder>/<file>`` beside the report and prints that path, and evidence
    references show their labels (:func:`resolve_evidence_links`).

    ``folder`` None (the public edition): there must be no data link; one is a
    :class:`ReportError` (a chapter that wrote one in the public edition), and nothing
    is published.
    """
    def caption(m: re.Match[str]) -> str:
        attrs = _attrs(m.group(1))
        return m.group(2) + _start_tag("h4", {
            "class": f"{m.group(3)}-caption", "id": attrs.get("id", ""),
            "data-evidence": attrs.get("data-evidence", "")})

    text = _ANCHOR.sub(caption, text)
    if folder is None:
        if 'class="data-link"' in text:
            raise ReportError("the public edition holds a link to a data file",
                              hint="a chapter wrote one in the public edition: fix it "
                                   "(ch.figure and ch.show_table write none there)")
    else:
        missing: list[str] = []

        def data_link(m: re.Match[str]) -> str:
            attrs = _attrs(m.group(1))
            name = html.unescape(attrs.get("data-csv", ""))
            if name not in evidence.files:
                missing.append(name)
            path = html.escape(f"{folder}/{name}")
            attrs["href"] = path
            return (f"{_start_tag('a', attrs)}{m.group(2)}</a>{m.group(3)}"
                    f'<span class="data-file">({path})</span>')

        text = _DATA_LINK.sub(data_link, text)
        if missing:
            raise ReportError(f"the report links {len(missing)} data file(s) that no "
                              f"chapter lists: {', '.join(missing[:3])}",
                              hint="build again with --no-cache")
    return resolve_evidence_links(text, evidence.entries, strict=strict)


def write_data_folder(folder: Path, files: Mapping[str, Path]) -> list[Path]:
    """Copy the data files beside the report into ``folder`` as a whole: into a new
    folder first, which then replaces the old one, so that the folder never holds half
    of a build or files of an earlier one. No files: the folder is removed (the public
    edition has none). Returns the files written, by name."""
    token = uuid.uuid4().hex[:12]
    old = folder.with_name(f".{folder.name}.old-{token}")
    if not files:
        if folder.exists():
            os.replace(folder, old)
            shutil.rmtree(old, ignore_errors=True)
        return []
    tmp = folder.with_name(f".{folder.name}.partial-{token}")
    tmp.mkdir(parents=True)
    try:
        for name, source in sorted(files.items()):
            shutil.copyfile(source, tmp / name)
        if folder.exists():
            os.replace(folder, old)
        os.replace(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)
    return [folder / name for name in sorted(files)]


def data_folder_name(stem: str) -> str:
    """The folder beside ``<stem>.html`` that holds the restricted edition's data files.

    >>> data_folder_name("octa-see_2013-2017_restricted")
    'octa-see_2013-2017_restricted.evidence'
    """
    return f"{stem}.evidence"
