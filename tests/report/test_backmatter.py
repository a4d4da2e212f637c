"""The back matter (annex E): glossary, indicator definitions, bibliography, Kosovo* note.

The fast tests read the reference files, the chapter code and a merged report made of
small hand-written parts; the slow ones read annex E built alone in both editions, and
the whole sample report (the session's shared build, tests/conftest.py).
"""

from __future__ import annotations

import ast
import datetime as dt
import json
import re
from html import unescape
from pathlib import Path

import pytest

from octasee.chapters import backmatter
from octasee.chapters import context as chapter_context
from octasee.chapters.context import SOURCES
from octasee.reference import KOSOVO_FOOTNOTE, country_name, glossary, public_indicators, sources
from octasee.report.assemble import Part, merge_chapters

ROOT = Path(__file__).resolve().parents[2]
FOOTNOTE = ("*This designation is without prejudice to positions on status, and is in line "
            "with UNSCR 1244/1999 and the ICJ Opinion on the Kosovo declaration of "
            "independence.")


class _Cycle:
    code = "2013-2017"


class _Ch:
    """What the back matter reads of a chapter: its cycle."""

    cycle = _Cycle()


def _shown(monkeypatch, fn) -> str:
    out: list[str] = []
    monkeypatch.setattr(chapter_context, "_html", out.append)
    fn(_Ch())
    return "".join(out)


def _html_cell(text: str) -> dict:
    return {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": "x",
            "outputs": [{"output_type": "display_data", "metadata": {},
                         "data": {"text/html": text}}]}


def _part(slug: str, number: str, *cells: dict, **kw) -> Part:
    return Part(slug=slug, title=slug, number=number, nb={"cells": list(cells)}, **kw)


def _merged_html(nb: dict) -> list[str]:
    """Per chapter (split at the role cells), the HTML and Markdown it shows."""
    chapters: list[str] = []
    for cell in nb["cells"]:
        role = cell["metadata"].get("octasee", {}).get("role")
        if role in ("chapter", "annex", "section"):
            chapters.append("")
            continue
        chapters[-1] += cell.get("source", "") + "".join(
            "".join(o.get("data", {}).get("text/html", "")) for o in cell.get("outputs", []))
    return chapters


# --------------------------------------------------------------------------- glossary
def _prose_strings(path: Path) -> list[str]:
    """The string literals of a module that read as text (a space and a lower-case word),
    docstrings and error messages left out: what the chapter code may print."""
    tree = ast.parse(path.read_text("utf-8"))
    docs = {id(n.body[0].value) for n in ast.walk(tree)
            if isinstance(n, ast.Module | ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef)
            and n.body and isinstance(n.body[0], ast.Expr)
            and isinstance(n.body[0].value, ast.Constant)}
    errors = [n for n in ast.walk(tree) if isinstance(n, ast.Raise)]
    errors += [k.value for n in ast.walk(tree) if isinstance(n, ast.Call)
               for k in n.keywords if k.arg in ("hint", "where")]
    docs |= {id(c) for e in errors for c in ast.walk(e)}
    return [n.value for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs
            and re.search(r" [a-z]{3,}", n.value)
            and not n.value.lstrip().startswith("#")]  # comments of a file it writes


def _report_sources_text() -> str:
    """The text the chapters print, as their sources hold it: the notebooks' Markdown,
    the chapter and analysis modules' prose, the source lines' texts."""
    parts = list(SOURCES.values())
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(nb.read_text("utf-8"))["cells"]:
            if cell["cell_type"] == "markdown":
                src = cell["source"]
                parts.append("".join(src) if isinstance(src, list) else src)
    for folder in ("octasee/chapters", "octasee/analysis"):
        for module in sorted((ROOT / folder).glob("*.py")):
            parts += _prose_strings(module)
    return "\n".join(parts)


def test_abbreviations_are_the_capitals_a_reader_needs_spelled_out():
    text = ("GI-TOC and TI CPI 2017 (Table 4.1); KJ2 rests on F7 and S1; graded B2; "
            "AL-2017-005 and RO-R17-05 from RS and HR; RESTRICTED; the OECD/JRC Handbook; high-THC; ND.")
    assert backmatter.abbreviations(text) == {"GI-TOC", "TI", "CPI", "OECD", "JRC", "THC",
                                              "ND"}
    assert backmatter.undefined_abbreviations("The XQZW said so; the EU agrees.") == ["XQZW"]


def test_the_glossary_defines_every_abbreviation_the_chapters_use():
    text = _report_sources_text()
    used = backmatter.abbreviations(text)
    assert {"GI-TOC", "CPI", "UNODC", "ND", "SELEC", "SOCTA", "PHIA"} <= used  # the scan works
    assert backmatter.undefined_abbreviations(text) == []


def test_the_glossary_has_the_report_s_terms_and_each_a_definition():
    terms = {e.term: e for e in glossary()}
    for term in ("OCG", "SOCTA", "Sleipnir", "4x4 grading", "ND", "Threat index",
                 "Rank interval", "Protection interval", "Complementary suppression", "GI-TOC",
                 "CPI", "GLOTIP", "Frontex", "EMCDDA", "UNODC", "SELEC", "Europol", "THB",
                 "NPS"):
        assert term in terms, term
        assert len(terms[term].definition) > 10
    assert terms["THB"].kind == "abbreviation" and terms["Sleipnir"].kind == "term"


def test_the_glossary_section_shows_abbreviations_then_terms(monkeypatch):
    shown = _shown(monkeypatch, backmatter.glossary_section)
    assert shown.index("<h3>Abbreviations</h3>") < shown.index("<h3>Terms</h3>")
    assert "<strong>ND</strong>" in shown and "Not for dissemination" in shown
    assert "OCTA-SEE method" in shown  # where a definition comes from
    assert backmatter.unnumbered(shown)  # not a numbered "Table E.1"


def test_the_glossary_defines_what_the_reviewer_found_undefined():
    terms = {e.term: e for e in glossary()}
    assert terms["s.d."].definition.startswith("Standard deviation")
    assert "residual" in terms["s.d."].definition  # what the trend captions mean by it
    assert terms["s.d."].used_in("band: ± 1.645 residual s.d.; ringed")
    assert "first-order sensitivity index" in terms["S1"].definition
    assert "Scenario 1" in terms["S1"].definition  # S1 also numbers chapter 11's scenarios
    assert "Total-effect sensitivity index" in terms["ST"].definition
    assert terms["KJ"].used_in("(KJ11, F4)") and not terms["KJ"].used_in("KJt=ls()")


def test_low_graded_is_defined_as_the_analysis_applies_it():
    from octasee.analysis import gaps, networks, profiles

    entry = {e.term: e for e in glossary()}["Low-graded"]
    # Headline series (chapter 11) and country profiles (annex A): D or 4.
    assert gaps.LOW_GRADES == {"source_reliability": ("D",), "information_assessment": (4,)}
    assert (profiles.LOW_SOURCES, profiles.LOW_INFORMATION) == (("D",), (4,))
    assert "rated D" in entry.definition and "graded 4" in entry.definition
    # Groups (chapter 3) also count X: the glossary says so while the analysis does.
    assert ("(X) also counts" in entry.definition) == ("X" in networks.LOW_RELIABILITY)
    assert entry.used_in("rests on low-graded information") and entry.used_in(
        "Rows graded D or 4")


def _glossary_terms(html_text: str) -> set[str]:
    return {unescape(t) for t in re.findall(r'<tr data-term="([^"]+)"', html_text)}


def test_the_merge_keeps_the_glossary_entries_the_report_uses(monkeypatch):
    every = {e.term for e in glossary()}
    shown = _shown(monkeypatch, backmatter.glossary_section)
    assert _glossary_terms(shown) == every  # run alone: every entry
    back = [_html_cell(_shown(monkeypatch, fn)) for fn in
            (backmatter.glossary_section, backmatter.indicator_definitions,
             backmatter.bibliography)]
    chapter = _html_cell(
        "<p>Nine in ten OCGs have links abroad (KJ3); high-THC strains.</p>"
        "<p>Band: ± 1.645 residual s.d.</p>"
        '<p class="source">Source: Global Organized Crime Index 2021 / 2023, Global '
        "Initiative Against Transnational Organized Crime</p>"
        '<script>var KJt=1, EMCDDA="x";</script>')  # a script's words are not the text
    nb = merge_chapters([_part("03_x", "3", chapter), _part("E_back", "E", *back, annex=True)],
                        meta={"title": "T"})
    backmatter.cite_sources(nb["cells"])
    backmatter.cite_glossary(nb["cells"])
    annex = _merged_html(nb)[-1]
    kept = _glossary_terms(annex)
    # used in the chapter; the THC of a compound word; GI-TOC in the kept bibliography
    assert {"OCG", "KJ", "THC", "s.d.", "GI-TOC"} <= kept
    assert {"UN", "Europol"} <= kept  # the kept OCG entry's definition names them
    assert {"Threat index", "Crime area", "EUR"} <= kept  # the indicator definitions'
    assert not kept & {"EMCDDA", "EUDA", "GLOTIP", "THB", "UNTOC", "CSV", "S1", "ST",
                       "SEE"}  # SEE only inside OCTA-SEE
    # The kept OCG entry cites the UN convention: the bibliography lists it, and its URL
    # (…/UNTOC.html) does not use the abbreviation UNTOC.
    listed = set(re.findall(r'<li data-source="([^"]+)"', annex))
    assert {"untoc", "gitoc"} <= listed and "sleipnir" not in listed
    # A second pass (assembly calling it again) changes nothing.
    backmatter.cite_glossary(nb["cells"])
    assert _glossary_terms(_merged_html(nb)[-1]) == kept


def test_a_glossary_table_left_without_entries_leaves_with_its_heading():
    entries = {e.term: e for e in glossary()}
    back = _html_cell(
        f'<div class="backmatter backmatter-glossary"><h3>Abbreviations</h3>'
        f'<table class="octasee-table glossary" style="width: 100%"><thead></thead><tbody>'
        f'<tr data-term="EU"><td>EU</td><td>{entries["EU"].definition}</td></tr>'
        f"</tbody></table><h3>Terms</h3>"
        f'<table class="octasee-table glossary" style="width: 100%"><thead></thead><tbody>'
        f'<tr data-term="Cycle"><td>Cycle</td><td>{entries["Cycle"].definition}</td></tr>'
        f"</tbody></table></div>")
    cells = [_html_cell("<p>The EU and its members.</p>"), back]
    text = "".join(backmatter.cite_glossary(cells)[1]["outputs"][0]["data"]["text/html"])
    assert "<h3>Abbreviations</h3>" in text and 'data-term="EU"' in text
    assert "<h3>Terms</h3>" not in text and "Cycle" not in text


# --------------------------------------------------------------------------- indicators
def test_questionnaire_indicators_carry_their_unit_and_the_index_rule():
    rows = {r["code"]: r for r in backmatter.questionnaire_indicators("2013-2017")}
    assert all(r["unit"] for r in rows.values())
    assert (rows["heroin_seized"]["unit"], rows["heroin_seized"]["index"]) == (
        "kg", "share of the regional total")
    assert (rows["arrests"]["unit"], rows["arrests"]["index"]) == (
        "number", "per 100,000 residents")
    assert rows["arrests"]["areas"] == "Every crime area"
    assert rows["ml_amount"]["unit"] == "EUR"
    # The unit is the unit, not repeated in the name.
    assert (rows["cigarettes_seized"]["indicator"], rows["cigarettes_seized"]["unit"]) == (
        "Cigarettes seized", "pieces")
    assert rows["victims_identified"]["counts"] == (
        "The country's total in a calendar year, and by nationality.")
    assert rows["heroin_seized"]["counts"] == "The country's total in a calendar year."
    older = {r["code"] for r in backmatter.questionnaire_indicators("2009-2012")}
    assert "nps_seized" in rows and "nps_seized" not in older


def test_public_indicators_carry_a_unit_and_a_known_source(monkeypatch):
    keys = {s.key for s in sources()}
    assert {p.source for p in public_indicators()} >= {"cpi", "gitoc", "glotip", "frontex",
                                                      "population"}
    assert all(p.unit and p.source in keys for p in public_indicators())
    shown = _shown(monkeypatch, backmatter.indicator_definitions)
    assert "Questionnaire indicators, cycle 2013-2017" in shown
    assert "score 0-100 (higher: less perceived corruption)" in shown
    assert '<tr data-source="frontex">' in shown


def test_unodc_persons_convicted_has_a_definition():
    # Table 6.4 prints UNODC's persons convicted of trafficking in persons.
    convicted = [p for p in public_indicators() if p.indicator.startswith("Persons convicted")]
    assert len(convicted) == 1
    assert (convicted[0].unit, convicted[0].source) == ("persons", "glotip")
    assert "<5" in convicted[0].definition


# --------------------------------------------------------------------------- bibliography
def _caption_sources() -> list[str]:
    """Every source a chapter's figure or table names: the texts of the keys
    (context.SOURCES) and every literal ``source=`` of ``ch.figure`` / ``ch.show_table``
    in the chapter code (module constants resolved)."""
    texts = list(SOURCES.values())
    for module in sorted((ROOT / "octasee" / "chapters").glob("*.py")):
        tree = ast.parse(module.read_text("utf-8"))
        consts = {t.id: n.value.value for n in tree.body if isinstance(n, ast.Assign)
                  for t in n.targets if isinstance(t, ast.Name)
                  and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)}
        for n in ast.walk(tree):
            if not (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
                    and n.func.attr in ("figure", "show_table")):
                continue
            for k in n.keywords:
                if k.arg != "source":
                    continue
                values = k.value.elts if isinstance(k.value, ast.List | ast.Tuple) else [k.value]
                for v in values:
                    if isinstance(v, ast.Constant) and isinstance(v.value, str):
                        texts.append(SOURCES.get(v.value, v.value))
                    elif isinstance(v, ast.Name) and v.id in consts:
                        texts.append(consts[v.id])
    return texts


def test_the_bibliography_covers_every_source_a_caption_names():
    texts = _caption_sources()
    assert len(texts) >= 10
    listed = {s.key for s in sources() if s.kind in ("questionnaire", "data", "literature")}
    for text in texts:
        named = backmatter.cited_keys([text])
        # A source line names a listed source, or the assessment's own method.
        assert named or "this assessment" in text, text
        assert named <= listed
    assert backmatter.cited_keys(SOURCES.values()) == {"submissions", "gitoc", "glotip",
                                                       "frontex", "cpi", "population"}


def test_bibliography_entries_are_full_citations(monkeypatch):
    entries = {e["key"]: e for e in backmatter.bibliography_entries("2013-2017")}
    assert entries["cpi"]["url"] == "https://www.transparency.org/en/cpi"
    assert entries["submissions"]["text"].endswith("Cycle 2013-2017.")
    assert "2021 and 2023 editions" in entries["gitoc"]["text"]
    assert entries["hundepool2012"]["always"] == "yes"  # the glossary cites it
    assert entries["frontex"]["always"] == ""
    shown = _shown(monkeypatch, backmatter.bibliography)
    assert shown.index("Public data sets") < shown.index("Methods and literature")


def test_the_merge_keeps_the_sources_the_report_names(monkeypatch):
    back = [_html_cell(_shown(monkeypatch, fn)) for fn in
            (backmatter.glossary_section, backmatter.indicator_definitions,
             backmatter.bibliography)]
    chapter = _html_cell('<p>Cells withheld by primary suppression.</p><p class="source">'
                         "Source: Frontex, detections of illegal border crossings</p>")
    nb = merge_chapters([_part("05_x", "5", chapter), _part("E_back", "E", *back, annex=True)],
                        meta={"title": "T"})
    annex = _merged_html(nb)[-1]
    kept = set(re.findall(r'data-source="([^"]+)"', annex))
    # named; cited by a glossary entry the report uses ("Primary suppression")
    assert "frontex" in kept and "hundepool2012" in kept
    # cited only by glossary entries the report does not use (OCG, Sleipnir)
    assert not kept & {"glotip", "cpi", "gitoc", "submissions", "population", "untoc",
                       "sleipnir"}
    assert "Data from the member countries" not in annex  # its only entry left
    assert "Table E.1" not in annex  # reference tables are not numbered
    # A chapter that stops naming a source: it leaves the list.
    chapter2 = _html_cell('<p class="source">Source: Transparency International, Corruption '
                          "Perceptions Index</p>")
    back = [_html_cell(_shown(monkeypatch, backmatter.bibliography))]
    nb = merge_chapters([_part("05_x", "5", chapter2), _part("E_back", "E", *back, annex=True)],
                        meta={"title": "T"})
    assert set(re.findall(r'<li data-source="([^"]+)"', _merged_html(nb)[-1])) & {
        "cpi", "frontex"} == {"cpi"}


# --------------------------------------------------------------------------- Kosovo*
def test_kosovo_is_named_with_the_asterisk():
    assert KOSOVO_FOOTNOTE == FOOTNOTE
    assert country_name("XK") == "Kosovo*"
    assert country_name("RS") == "Serbia"


def test_the_footnote_is_in_each_chapter_naming_kosovo_once_and_nowhere_else():
    names = _html_cell("<p>Most named transit countries: Romania (3), Kosovo* (1).</p>")
    again = _html_cell("<table><tr><td>Kosovo*</td><td>1</td></tr></table>")
    plain = _html_cell("<p>Heroin seizures rose.</p>")
    profile = {"group_number": "A", "group_title": "Country profile", "annex": True,
               "level": 2}
    nb = merge_chapters([
        _part("04_x", "4", names, again),
        _part("05_y", "5", plain),
        _part("A_al", "A.1", plain, **profile),
        _part("A_bg", "A.2", names, **profile),
        _part("A_rs", "A.3", names, **profile),
    ], meta={"title": "T"})
    chapters = [unescape(t) for t in _merged_html(nb)]
    # 4; 5; annex A's group heading; A.1; A.2; A.3
    assert [t.count(FOOTNOTE) for t in chapters] == [1, 0, 0, 0, 1, 0]
    # right after the first mention: at a chapter's end it fell alone on a page
    first = chapters[0].index("Kosovo* (1).</p>")
    assert first < chapters[0].index(FOOTNOTE) < chapters[0].index("Kosovo*</td>")


def _plot(labels: list[str], notes: list[str]) -> dict:
    """A figure cell as a chapter shows it: plotly's JSON (its notes as annotations) and
    the div and script that draw it."""
    fig = {"data": [{"type": "sankey", "node": {"label": labels}}],
           "layout": {"annotations": [{"text": "<br>".join(notes)}]}}
    script = (json.dumps(fig["data"]).replace("/", "\\u002f"),
              json.dumps(fig["layout"]).replace("/", "\\u002f"))
    div = ('<div id="p1" class="plotly-graph-div"></div><script type="text/javascript">'
           f'Plotly.newPlot("p1", {script[0]}, {script[1]})</script>')
    return {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": "x",
            "outputs": [{"output_type": "display_data", "metadata": {},
                         "data": {"application/vnd.plotly.v1+json": fig,
                                  "text/html": div, "text/plain": "Figure"}}]}


def test_a_figure_naming_kosovo_needs_the_note_unless_it_carries_it():
    labels = ["Albania", "Kosovo*", "Germany"]
    nb = merge_chapters([
        _part("04_x", "4", _plot(labels, ["Boundaries ...", FOOTNOTE])),  # a map: its own
        _part("05_y", "5", _plot(labels, [])),  # a diagram that names Kosovo
    ], meta={"title": "T"})
    assert [t.count("kosovo-footnote") for t in _merged_html(nb)] == [0, 1]


# --------------------------------------------------------------------------- builds
@pytest.mark.slow
@pytest.mark.parametrize("variant", ["restricted", "public"])
def test_the_annex_builds_in_both_editions(sample_workspace, tmp_path, variant):
    from octasee.report.build import build_report
    from octasee.report.chapters import chapter_from_notebook

    annex = [chapter_from_notebook(ROOT / "notebooks" / "E_glossary_and_sources.ipynb")]
    result = build_report(workspace=sample_workspace.path, cycle="2013-2017", variant=variant,
                          formats=("html",), out=tmp_path / "out", chapters=annex, jobs=1,
                          build_date=dt.date(2018, 6, 30), record_draft=False,
                          use_cache=False)
    assert result.ok, [(r.label, r.error) for r in result.failed]
    html = result.html.read_text("utf-8")
    assert "Glossary and abbreviations" in html and "Bibliography" in html
    assert "Questionnaire indicators, cycle 2013-2017" in html
    assert "Table E.1" not in html


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["restricted", "public"])
def test_the_sample_report_s_back_matter(sample_report_builds, variant):
    """The built sample report: every abbreviation it prints is in the glossary, every
    source line names a source the bibliography lists, and each chapter that names
    Kosovo carries the footnote once."""
    html = sample_report_builds[variant].html.read_text("utf-8")
    body = re.sub(r"<(style)\b.*?</\1>", " ", html, flags=re.S)
    prose = re.sub(r"<script\b.*?</script>", " ", body, flags=re.S)
    assert backmatter.undefined_abbreviations(prose) == []
    start = body.index('id="ch-E_glossary_and_sources"')
    listed = set(re.findall(r'<li [^>]*data-source="([^"]+)"', body[start:]))
    assert {"submissions", "gitoc", "cpi"} <= listed
    lines = re.findall(r'<p class="source">Source: (.*?)</p>', body[:start], re.S)
    assert len(lines) > 20
    for line in lines:
        line = unescape(re.sub(r"<[^>]+>", " ", line))
        assert backmatter.cited_keys([line]) <= listed, line
    # Each chapter (from its title to the next) that names Kosovo outside a figure
    # carrying the note itself carries the footnote once.
    chapters = re.split(r'<h1 class="chapter-title', body)[1:]
    assert len(chapters) >= 14
    for chapter in chapters:
        text = re.sub(r"<script\b.*?</script>", " ", chapter, flags=re.S)
        if backmatter.names_kosovo(unescape(re.sub(r"<[^>]+>", " ", text)).replace(
                FOOTNOTE, "")):
            assert chapter.count('class="footnote kosovo-footnote"') == 1, chapter[:80]
        else:
            assert 'class="footnote kosovo-footnote"' not in chapter, chapter[:80]
