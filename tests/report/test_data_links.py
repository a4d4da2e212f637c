"""The build's evidence: every chapter's figures and tables by evidence key, their data
files copied beside the restricted report with the links pointing at the copies, evidence
references showing the label of what they name, and nothing of it in the public edition.

The functions are tested on their own; one small chapter (a figure, a table and a
reference) is built in both editions on the session's report workspace.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from octasee.errors import ReportError
from octasee.notebooks import Chapter
from octasee.report.assemble import (
    Evidence,
    collect_evidence,
    link_evidence,
    resolve_evidence_links,
    write_data_folder,
)
from octasee.report.build import assemble, configure, execute, plan, publish
from octasee.report.pdf import chromium_path

from .conftest import BUILD_DATE, CANARIES

EVIDENCE = {
    "fig:trend:heroin:heroin_seized": {"key": "fig:trend:heroin:heroin_seized",
                                       "label": "Figure 4.1",
                                       "anchor": "ev-fig-trend-heroin-heroin-seized"},
    "tab:countries:heroin": {"key": "tab:countries:heroin", "label": "Table 4.1",
                             "anchor": "ev-tab-countries-heroin"},
}


# ----------------------------------------------------------------------------- references


def test_a_reference_shows_the_label_of_the_figure_it_names_and_points_at_it():
    text = ('<p>Rising (<a class="evidence-ref" data-evidence="fig:trend:heroin:heroin_seized"'
            ' href="#somewhere">fig:trend:heroin:heroin_seized</a>; '
            '<a data-evidence="tab:countries:heroin" class="evidence-ref">?</a>).</p>')
    out = resolve_evidence_links(text, EVIDENCE)
    links = re.findall(r'<a ([^>]*)>(.*?)</a>', out)
    assert [t for _, t in links] == ["Figure 4.1", "Table 4.1"]
    assert 'href="#ev-fig-trend-heroin-heroin-seized"' in links[0][0]
    assert 'href="#ev-tab-countries-heroin"' in links[1][0]
    assert out.startswith("<p>Rising (") and out.endswith(").</p>")
    # other links are left alone
    assert resolve_evidence_links('<a href="#x">x</a>', EVIDENCE) == '<a href="#x">x</a>'


def test_an_unknown_reference_names_the_key_and_the_closest_ones():
    text = '<a class="evidence-ref" data-evidence="fig:trend:heroin:heroin_seizd">?</a>'
    with pytest.raises(ReportError) as err:
        resolve_evidence_links(text, EVIDENCE)
    message = err.value.message
    assert "'fig:trend:heroin:heroin_seizd'" in message
    assert "did you mean 'fig:trend:heroin:heroin_seized'" in message
    assert err.value.details["keys"] == ["fig:trend:heroin:heroin_seizd"]
    assert err.value.details["suggestions"] == {
        "fig:trend:heroin:heroin_seizd": ["fig:trend:heroin:heroin_seized"]}
    # a build that keeps going past a failed chapter says so in the text instead
    out = resolve_evidence_links(text, EVIDENCE, strict=False)
    assert ">[fig:trend:heroin:heroin_seizd: not in this report]</a>" in out
    assert "href" not in out


def test_an_unknown_reference_with_nothing_close_lists_the_report_keys():
    with pytest.raises(ReportError, match="'tab:zzz'.*the report's keys: "
                                          "'fig:trend:heroin:heroin_seized', "
                                          "'tab:countries:heroin'"):
        resolve_evidence_links('<a class="evidence-ref" data-evidence="tab:zzz"></a>',
                               EVIDENCE)


# ----------------------------------------------------------------------------- collect


def _caption(anchor: str, key: str, kind: str = "figure", label: str = "Figure 1.1") -> dict:
    body = (f'<span class="evidence-anchor" id="{anchor}" data-evidence="{key}"></span>'
            f'<h4 class="{kind}-caption">{label}: Something</h4>')
    return {"cells": [{"cell_type": "code", "outputs": [
        {"output_type": "display_data", "data": {"text/html": body}}]}]}


def _chapter_folder(folder: Path, entries: list[dict], files: dict[str, str]) -> Path:
    folder.mkdir(parents=True)
    (folder / "evidence.json").write_text(json.dumps(entries), "utf-8")
    for name, text in files.items():
        (folder / "data").mkdir(exist_ok=True)
        (folder / "data" / name).write_text(text, "utf-8")
    return folder


def _entry(key: str, anchor: str, label: str = "Figure 1.1", data: bool = True) -> dict:
    return {"key": key, "label": label, "caption": "Something", "kind": "figure",
            "chapter": "01", "anchor": anchor, "data": f"data/{anchor}.csv" if data else None}


def test_collect_evidence_keeps_what_each_notebook_shows(tmp_path):
    a = _chapter_folder(tmp_path / "a", [_entry("fig:a", "ev-fig-a"),
                                         _entry("fig:old", "ev-fig-old")],
                        {"ev-fig-a.csv": "x\n1\n", "ev-fig-old.csv": "x\n2\n"})
    b = _chapter_folder(tmp_path / "b", [_entry("fig:b", "ev-fig-b", "Figure 2.1")],
                        {"ev-fig-b.csv": "x\n3\n"})
    ev = collect_evidence([("a", a, _caption("ev-fig-a", "fig:a")),
                           ("b", b, _caption("ev-fig-b", "fig:b"))], data=True)
    # fig:old is in a's list (an earlier run's) but its notebook does not show it
    assert list(ev.entries) == ["fig:a", "fig:b"]
    assert ev.entries["fig:b"]["run"] == "b" and ev.entries["fig:b"]["label"] == "Figure 2.1"
    assert ev.entries["fig:a"]["data"] == "ev-fig-a.csv"
    assert ev.files == {"ev-fig-a.csv": a / "data" / "ev-fig-a.csv",
                        "ev-fig-b.csv": b / "data" / "ev-fig-b.csv"}
    public = collect_evidence([("a", a, _caption("ev-fig-a", "fig:a"))], data=False)
    assert public.files == {} and public.entries["fig:a"]["data"] is None


def test_collect_evidence_refuses_a_key_two_chapters_use(tmp_path):
    a = _chapter_folder(tmp_path / "a", [_entry("fig:map", "ev-fig-map")],
                        {"ev-fig-map.csv": "x\n"})
    b = _chapter_folder(tmp_path / "b", [_entry("fig:map", "ev-fig-map", "Figure 2.2")],
                        {"ev-fig-map.csv": "x\n"})
    with pytest.raises(ReportError, match=r"evidence key 'fig:map' \(Figure 2.2 of chapter b\) "
                                          r"is also Figure 1.1 of chapter a"):
        collect_evidence([("a", a, _caption("ev-fig-map", "fig:map")),
                          ("b", b, _caption("ev-fig-map", "fig:map"))], data=True)


def test_collect_evidence_refuses_a_chapter_folder_that_changed_after_it_ran(tmp_path):
    gone = tmp_path / "gone"  # a cached run whose folder was removed
    with pytest.raises(ReportError, match="chapter gone shows 1 figure.*--no-cache"):
        collect_evidence([("gone", gone, _caption("ev-fig-a", "fig:a"))], data=False)
    a = _chapter_folder(tmp_path / "a", [_entry("fig:a", "ev-fig-a")], {})
    with pytest.raises(ReportError, match="the data file of Figure 1.1 .* is missing"):
        collect_evidence([("a", a, _caption("ev-fig-a", "fig:a"))], data=True)
    # a notebook that shows one figure twice (a section called twice alike)
    twice = _caption("ev-fig-a", "fig:a")
    twice["cells"] *= 2
    with pytest.raises(ReportError, match="chapter a shows the figure or table ev-fig-a twice"):
        collect_evidence([("a", a, twice)], data=False)
    # the public edition copies no data: the list is enough
    assert list(collect_evidence([("a", a, _caption("ev-fig-a", "fig:a"))],
                                 data=False).entries) == ["fig:a"]


# ----------------------------------------------------------------------------- link


def test_link_evidence_moves_the_id_onto_the_caption_and_points_links_at_the_copies():
    html = ('<span class="evidence-anchor" id="ev-fig-a" data-evidence="fig:a"></span>'
            '<h4 class="figure-caption">Figure 1.1: A</h4><div>plot</div>'
            '<p class="source">Source: X<br><a class="data-link" href="../../data/ev-fig-a.csv"'
            ' data-csv="ev-fig-a.csv" data-evidence="fig:a">Data and source rows (CSV)</a> '
            '<span class="data-file">(ev-fig-a.csv)</span></p>'
            '<p><a class="evidence-ref" data-evidence="fig:a" href="#">x</a></p>')
    ev = Evidence(entries={"fig:a": {"key": "fig:a", "label": "Figure 1.1",
                                     "anchor": "ev-fig-a"}},
                  files={"ev-fig-a.csv": Path("/nowhere/ev-fig-a.csv")})
    out = link_evidence(html, ev, folder="r.evidence")
    assert out.startswith('<h4 class="figure-caption" id="ev-fig-a" data-evidence="fig:a">'
                          "Figure 1.1: A</h4>")
    assert 'href="r.evidence/ev-fig-a.csv" data-csv="ev-fig-a.csv"' in out
    assert '<span class="data-file">(r.evidence/ev-fig-a.csv)</span>' in out
    assert '<a class="evidence-ref" data-evidence="fig:a" href="#ev-fig-a">Figure 1.1</a>' in out
    with pytest.raises(ReportError, match="the public edition holds a link to a data file"):
        link_evidence(html, ev, folder=None)
    with pytest.raises(ReportError, match="1 data file.*ev-fig-a.csv"):
        link_evidence(html, Evidence(entries=ev.entries, files={}), folder="r.evidence")


def test_write_data_folder_replaces_the_folder_as_a_whole(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.csv").write_text("a\n1\n", "utf-8")
    target = tmp_path / "out" / "r.evidence"
    target.mkdir(parents=True)
    (target / "stale.csv").write_text("old\n", "utf-8")
    written = write_data_folder(target, {"a.csv": src / "a.csv"})
    assert written == [target / "a.csv"]
    assert sorted(p.name for p in target.iterdir()) == ["a.csv"]
    assert sorted(p.name for p in target.parent.iterdir()) == ["r.evidence"]  # no temp left
    assert write_data_folder(target, {}) == [] and not target.exists()


# ----------------------------------------------------------------------------- build

NOTEBOOK_CODE = '''\
import plotly.graph_objects as go
from IPython.display import HTML, display

from octasee.chapters import open_chapter

ch = open_chapter("01", "Evidence", cycle=cycle, workspace=workspace, countries=countries,
                  variant=variant, output_dir=output_dir)
rows = ch.rows("indicators")
ch.figure(go.Figure(go.Bar(x=[1, 2], y=[3, 4])), "Arrests by year", source="submissions",
          key="fig:tiny:arrests", data=ch.source_rows(rows, indicator="arrests"))
ch.show_table(rows.groupby("country", as_index=False)["value"].count(), "Rows per country",
              source="submissions", key="tab:tiny:rows", data=ch.source_rows(rows))
display(HTML('<p>As <a class="evidence-ref" data-evidence="fig:tiny:arrests" href="#">'
             'fig:tiny:arrests</a> shows.</p>'))
'''


def _notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('cycle = "2013-2017"\nworkspace = "."\n'
                                       'countries = "all"\nvariant = "restricted"\n'
                                       'output_dir = "."')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Evidence"), params,
                nbformat.v4.new_code_cell(NOTEBOOK_CODE)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path = folder / "01_evidence.ipynb"
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def tiny(workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One small chapter, built in both editions (stage by stage, to see the assembly)."""
    root = tmp_path_factory.mktemp("evidence")
    chapter = Chapter("01_evidence", "Evidence", _notebook(root / "notebooks"))
    built = {}
    pdf = ("html", "pdf") if chromium_path() and shutil.which("pdftotext") \
        else ("html",)
    for variant in ("restricted", "public"):
        formats = pdf if variant == "restricted" else ("html",)
        options = configure(workspace=workspace, variant=variant, out=root / variant,
                            chapters=[chapter], build_date=BUILD_DATE, formats=formats,
                            jobs=1, use_cache=False, record_draft=False)
        executed = execute(plan(options))
        assert not executed.failed, [r.error for r in executed.runs]
        assembled = assemble(executed)
        built[variant] = (assembled, publish(assembled))
    built["pdf"] = "pdf" in pdf
    return built


def test_the_restricted_build_copies_the_data_beside_the_report_and_links_it(tiny, workspace):
    assembled, published = tiny["restricted"]
    out = published.html.parent
    folder = out / "octa-see_2013-2017_restricted.evidence"
    assert sorted(p.name for p in folder.iterdir()) == ["ev-fig-tiny-arrests.csv",
                                                        "ev-tab-tiny-rows.csv"]
    assert published.data == (folder / "ev-fig-tiny-arrests.csv",
                              folder / "ev-tab-tiny-rows.csv")
    html = published.html.read_text("utf-8")
    hrefs = [re.search(r'href="([^"]+)"', tag).group(1)
             for tag in re.findall(r'<a [^>]*class="data-link"[^>]*>', html)]
    assert hrefs == ["octa-see_2013-2017_restricted.evidence/ev-fig-tiny-arrests.csv",
                     "octa-see_2013-2017_restricted.evidence/ev-tab-tiny-rows.csv"]
    assert all((out / h).is_file() for h in hrefs)  # relative to the report's folder
    # the file's place is printed too, for a reader of the PDF
    assert ('<span class="data-file">(octa-see_2013-2017_restricted.evidence/'
            'ev-fig-tiny-arrests.csv)</span>') in html
    assert '<h4 class="figure-caption" id="ev-fig-tiny-arrests"' in html
    assert '<h4 class="table-caption" id="ev-tab-tiny-rows"' in html
    assert ('<a class="evidence-ref" data-evidence="fig:tiny:arrests" '
            'href="#ev-fig-tiny-arrests">Figure 1.1</a>') in html
    assert set(assembled.evidence) == {"fig:tiny:arrests", "tab:tiny:rows"}
    assert assembled.evidence["tab:tiny:rows"]["label"] == "Table 1.1"
    # the CSV: the store rows with their source rows, every row of the chapter's table
    rows = list(csv.DictReader(io.StringIO(
        (folder / "ev-tab-tiny-rows.csv").read_text("utf-8"))))
    assert len(rows) == 9  # RS 6, AL 2, HR 1 (its whole submission not for dissemination)
    assert {r["src_file"] for r in rows} == {"AL.xlsx", "HR.xlsx", "RS.xlsx"}
    assert {r["src_sheet"] for r in rows} == {"Indicators"}
    canary = next(r for r in rows if r["comment"] == CANARIES["row_comment"])
    assert canary["nd"] == "True" and canary["country"] == "RS"
    # the manifest lists each data file with its hash
    manifest = json.loads(published.manifest.read_text("utf-8"))
    listed = {e["path"]: e["sha256"] for e in manifest["outputs"]["data"]}
    assert listed == {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
                      for p in published.data}


def test_the_public_build_has_no_data_no_link_and_no_provenance(tiny):
    assembled, published = tiny["public"]
    out = published.html.parent
    html = published.html.read_text("utf-8")
    assert not list(out.rglob("*.csv"))  # not beside the report, not in a chapter folder
    assert not (out / "octa-see_2013-2017_public.evidence").exists()
    assert published.data == () and assembled.data_files == {}
    assert "data-link" not in html and "Data and source rows" not in html
    for word in ("src_file", "src_sheet", "src_row", "submission_id", ".xlsx"):
        assert word not in html, word
    # the evidence keys and anchors are there: references resolve in both editions
    assert '<h4 class="figure-caption" id="ev-fig-tiny-arrests"' in html
    assert 'href="#ev-fig-tiny-arrests">Figure 1.1</a>' in html
    assert assembled.evidence["fig:tiny:arrests"]["data"] is None
    manifest = json.loads(published.manifest.read_text("utf-8"))
    assert manifest["outputs"]["data"] == []


def test_the_printed_report_reads_the_labels_and_names_the_data_files(tiny):
    if not tiny["pdf"]:
        pytest.skip("no Chromium or no pdftotext to print and read the PDF")
    _, published = tiny["restricted"]
    text = subprocess.run(["pdftotext", str(published.pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    flat = re.sub(r"\s+", " ", text)
    assert "As Figure 1.1 shows." in flat
    assert "Data and source rows (CSV)" in flat
    assert "octa-see_2013-2017_restricted.evidence/ev-tab-tiny-rows.csv" in flat.replace(" ", "")
