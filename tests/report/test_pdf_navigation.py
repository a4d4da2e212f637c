"""PDF navigation: bookmarks for every chapter and annex section (Chromium's outline of a
tagged PDF), and a contents page and a list of figures and tables that print the page
each entry starts on (read back from the first print's named destinations, then printed
again)."""

from __future__ import annotations

import html
import re

import pytest
from pypdf import PdfReader

from octasee.report.pdf import destination_pages

from .conftest import needs_chromium

_ENTRY = re.compile(r'<li class="toc-level-\d[^"]*"><a href="#([^"]+)"><span class="toc-number">'
                    r'([^<]*)</span> <span class="toc-text">([^<]*)</span>')
_FIG = re.compile(r'<li><a href="#([^"]+)"><span class="lof-label">([^<]*)</span>')


def _outline(reader: PdfReader) -> list[tuple[str, int]]:
    out: list[tuple[str, int]] = []

    def walk(items) -> None:
        for it in items:
            if isinstance(it, list):
                walk(it)
            else:
                out.append((" ".join(it.title.split()),
                            reader.get_destination_page_number(it) + 1))
    walk(reader.outline)
    return out


def _lines(reader: PdfReader, pages: range) -> list[str]:
    text = "\n".join(reader.pages[i].extract_text() for i in pages)
    return [" ".join(ln.replace("ﬁ", "fi").split()) for ln in text.splitlines()]


@needs_chromium
@pytest.mark.parametrize("edition", ["restricted_build", "public_build"])
def test_bookmarks_contents_and_figures_carry_their_pages(edition, request):
    build = request.getfixturevalue(edition)
    page_html = build.html.read_text("utf-8")
    entries = [(i, html.unescape(n), html.unescape(t)) for i, n, t in _ENTRY.findall(page_html)]
    figures = [(i, html.unescape(lab)) for i, lab in _FIG.findall(page_html)]
    assert len(entries) >= 4 and any(n.startswith("Annex") for _, n, _ in entries)
    assert any(lab.startswith("Figure") for _, lab in figures)
    assert any(lab.startswith("Table") for _, lab in figures)
    reader = PdfReader(str(build.pdf))
    marks = _outline(reader)
    pages = destination_pages(build.pdf)
    # every chapter, annex and annex section is a bookmark on the page it starts on
    for ident, _number, title in entries:
        assert ident in pages, ident
        # (Chromium's outline drops the space where a heading wraps: compare without)
        squeezed = "".join(title.split())
        assert any(squeezed in "".join(t.split()) and p == pages[ident] for t, p in marks), (
            title, marks)
    # the contents page and the list of figures print the same page for each entry
    front = _lines(reader, range(1, 3))
    for ident, _number, title in entries:
        want = f"{title} {pages[ident]}"
        assert any(ln.endswith(want) for ln in front), (want, front)
    for ident, label in figures:
        assert any(ln.startswith(label) and ln.endswith(f" {pages[ident]}") for ln in front), (
            label, pages[ident], front)
    # the HTML shows no page numbers (the spans are filled only in the PDF)
    assert re.search(r'<span class="toc-page" data-target="[^"]+">\d', page_html) is None


def test_the_list_of_figures_is_read_from_the_captions_with_their_anchors():
    from octasee.report.assemble import LIST_OF_FIGURES, insert_list_of_figures

    page = (LIST_OF_FIGURES
            + '<h4 class="figure-caption" id="ev-fig-a" data-evidence="fig:a">Figure 4.1: '
              'Heroin seized<sup class="nd">ND</sup> <span class="nd-note">Marked <sup>ND'
              '</sup>: rests on rows not for dissemination.</span></h4>'
            + '<h4 class="table-caption" id="ev-tab-b">Table A.3.1: Serbia &amp; more</h4>'
            + '<h4 class="table-caption">Table 9.9: no anchor, not listed</h4>')
    out = insert_list_of_figures(page)
    assert LIST_OF_FIGURES not in out
    nav = out[:out.index("</nav>")]
    assert nav.index("Figure 4.1") < nav.index("Table A.3.1")
    assert ">Heroin seized<" in nav and "Marked" not in nav and "Table 9.9" not in nav
    assert 'href="#ev-tab-b"' in nav and "Serbia &amp; more" in nav
    assert insert_list_of_figures("<p>no placeholder</p>") == "<p>no placeholder</p>"


def short_pages(pdf, starts: set[int], *, lines: int = 8) -> list[int]:
    """Pages with fewer than ``lines`` lines of text (besides the marking and footer) whose
    next page does not start a chapter, annex or section: a page left near-empty because
    what follows moved whole to the next one. The last page of a chapter may be short, and
    so may the front matter's (the cover, the contents, the list of figures)."""
    reader = PdfReader(str(pdf))
    out = []
    for i, page in enumerate(reader.pages[:-1]):
        if i + 1 < min(starts):
            continue
        text = [ln for ln in page.extract_text().splitlines() if ln.strip()]
        if len(text) - 3 < lines and (i + 2) not in starts:
            out.append(i + 1)
    return out


@needs_chromium
def test_no_page_is_left_near_empty_by_an_output_that_moved_whole(sample_report_builds):
    """JupyterLab's print CSS keeps each cell output on one page: annex C's findings (one
    output) left the page of their heading near-empty in the sample report (page 147),
    and so did long tables. The report's print CSS lets an output break and long tables
    break between rows."""
    build = sample_report_builds["restricted"]
    page_html = build.html.read_text("utf-8")
    ids = [i for i, _n, _t in _ENTRY.findall(page_html)]
    pages = destination_pages(build.pdf)
    starts = {pages[i] for i in ids if i in pages}
    assert short_pages(build.pdf, starts) == []
