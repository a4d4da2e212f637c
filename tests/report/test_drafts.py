"""Draft versions: numbering, what is kept, the changes annex, previews, the final version.

The whole cycle on the real chapters is in tests/test_cycle.py; these use the small
fixture workspace (AL, HR, RS; Croatia's submission is not for dissemination as a whole).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from octasee.analysis.keyfigures import key_figures
from octasee.errors import UsageError
from octasee.questionnaire.template import write_template
from octasee.report.build import build_report
from octasee.report.changes import as_text, compare, diff_versions
from octasee.report.chapters import chapter_from_notebook
from octasee.report.drafts import DraftBook, chapter_content
from octasee.store import Store

from .conftest import (
    BUILD_DATE,
    CANARIES,
    FIXTURES,
    _assessment,
    _indicator,
    _respondent,
    fixture_chapters,
)


def _build(ws: Path, tmp: Path, **kw):
    kw.setdefault("variant", "restricted")
    return build_report(workspace=ws, out=tmp / f"out-{kw['variant']}",
                        chapters=fixture_chapters(), formats=("html",), jobs=2,
                        cache_dir=tmp / "cache", **{"build_date": BUILD_DATE, **kw})


def _resubmit(ws: Path, code: str, rows: dict, name: str) -> None:
    path = write_template("2013-2017", code, ws / "questionnaires" / name, rows=rows,
                          issued=dt.date(2018, 1, 10))
    with Store(ws / "store.duckdb") as store:
        assert store.ingest([path], jobs=1).exit_code == 0


SERBIA_V2 = {
    "respondent": _respondent("Serbia", agency="Ministry of Interior",
                              dissemination="restricted"),
    "indicators": [_indicator("heroin", "heroin_seized", 2015, 1234.5, unit="kg"),
                   _indicator("heroin", "heroin_seized", 2016, 900, unit="kg"),
                   _indicator("heroin", "arrests", 2016, 41),
                   _indicator("heroin", "arrests", 2017, 44),
                   _indicator("cocaine", "arrests", 2017, 12)],
    "assessments": [_assessment("heroin", "Heroin now also arrives by sea.")],
}
CROATIA_V2 = {
    "respondent": _respondent("Croatia", agency=CANARIES["agency"],
                              dissemination="not for dissemination"),
    "indicators": [_indicator("heroin", "arrests", 2017, 19)],
    "assessments": [_assessment("heroin", CANARIES["assessment"] + " Revised.")],
}


# ---------------------------------------------------------------------- numbering


def test_versions_are_numbered_by_their_inputs(tmp_path):
    book = DraftBook(tmp_path, "2018-2022")
    v1 = book.plan("a", final=False)
    assert (v1.number, v1.label, v1.is_new) == (1, "Draft 1", True)
    book.save(v1, variant="restricted", snap={}, content={}, files=[],
              build_date=dt.date(2023, 5, 1))
    again = book.plan("a", final=False)
    assert (again.number, again.is_new) == (1, False)  # same inputs: the same draft
    v2 = book.plan("b", final=False)
    assert (v2.number, v2.label) == (2, "Draft 2")
    book.save(v2, variant="public", snap={}, content={}, files=[],
              build_date=dt.date(2023, 6, 1))
    # The same inputs, now declared final: a version of its own (draft 2 stays as sent).
    final = book.plan("b", final=True)
    assert (final.number, final.label, final.is_new) == (3, "Final", True)
    book.save(final, variant="restricted", snap={}, content={}, files=[],
              build_date=dt.date(2023, 6, 2))
    assert book.plan("b", final=False).label == "Final"  # rebuilding the final
    assert [v.label for v in book.versions()] == ["Draft 1", "Draft 2", "Final"]
    assert book.versions()[1].variants.keys() == {"public"}
    for ref, number in [("1", 1), ("draft-1", 1), ("Draft 1", 1), ("d2", 2), ("final", 3),
                        ("latest", 3), ("previous", 2)]:
        assert book.get(ref).number == number, ref
    with pytest.raises(UsageError, match="no version 'draft-7'.*draft 1, draft 2, final"):
        book.get("draft-7")
    assert book.previous(book.get("final")).number == 2


def test_a_version_keeps_the_files_it_was_first_built_as(tmp_path):
    book = DraftBook(tmp_path / "ws", "2013-2017")
    html, pdf = tmp_path / "r.html", tmp_path / "r.pdf"
    html.write_text("first")
    v = book.plan("a", final=False)
    book.save(v, variant="restricted", snap={"s": 1}, content={"c": 1}, files=[html],
              build_date=dt.date(2018, 5, 15))
    html.write_text("rebuilt")
    pdf.write_text("pdf")
    again = book.plan("a", final=False)
    book.save(again, variant="restricted", snap={"s": 2}, content={"c": 2},
              files=[html, pdf], build_date=dt.date(2018, 5, 20))
    kept = v.folder / "restricted"
    assert (kept / "r.html").read_text() == "first"  # as sent
    assert (kept / "r.pdf").read_text() == "pdf"  # what it lacked is added
    assert book.content(again, "restricted") == {"c": 1}
    assert book.snapshot(again) == {"s": 1}
    info = book.get("1").variants["restricted"]
    assert info["build_date"] == "2018-05-15" and set(info["files"]) == {"html", "pdf"}


def test_a_correction_after_the_final_is_a_revised_final(tmp_path):
    book = DraftBook(tmp_path, "2013-2017")
    for inputs, final in (("a", False), ("a", True), ("b", True)):
        book.save(book.plan(inputs, final=final), variant="restricted", snap={}, content={},
                  files=[], build_date=dt.date(2018, 7, 1))
    assert [v.label for v in book.versions()] == ["Draft 1", "Final", "Final, revision 2"]
    assert book.get("final").number == 3


def test_what_a_failed_save_left_is_not_a_version(tmp_path):
    book = DraftBook(tmp_path, "2013-2017")
    stale = book.root / "draft-1"
    stale.mkdir(parents=True)
    (stale / "snapshot.json").write_text('{"stale": true}')
    v = book.plan("a", final=False)
    assert v.number == 1 and v.is_new
    book.save(v, variant="restricted", snap={"fresh": True}, content={}, files=[],
              build_date=dt.date(2018, 7, 1))
    assert book.snapshot(book.get("1")) == {"fresh": True}


def test_no_drafts_yet_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="no draft of the 2018-2022 report yet"):
        DraftBook(tmp_path, "2018-2022").get("latest")


# ---------------------------------------------------------------------- content


def _nb(*cells):
    return {"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def _out(data):
    return {"output_type": "display_data", "metadata": {}, "data": data}


def test_chapter_content_is_what_a_reader_sees():
    nb = _nb(
        {"cell_type": "markdown", "metadata": {}, "source": "# 4. Drugs\n\nIntro text."},
        {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "outputs": [],
         "source": "cycle = 'x'"},
        {"cell_type": "code", "metadata": {}, "source": "", "outputs": [
            _out({"text/html": "<p>Seizures <b>rose</b>.</p><p>Second &amp; last.</p>"}),
            _out({"text/html": '<h4 class="figure-caption">Figure 4.1: Heroin</h4>'}),
            _out({"application/vnd.plotly.v1+json": {"data": [{"y": [1, 2]}]},
                  "text/html": '<div class="plotly-graph-div"></div><script>x()</script>'}),
            _out({"text/html": '<h4 class="table-caption">Table 4.1: By country</h4>'
                               "<table><tr><td>RS</td><td>12</td></tr></table>"}),
        ]},
        {"cell_type": "code", "metadata": {"tags": ["remove_cell"]}, "source": "",
         "outputs": [_out({"text/html": "<p>explorer</p>"})]},
    )
    c = chapter_content(nb)
    assert c["paragraphs"] == ["Intro text.", "Seizures rose.", "Second & last.",
                               "Figure 4.1: Heroin", "Table 4.1: By country"]
    assert list(c["figures"]) == ["Figure 4.1"] and list(c["tables"]) == ["Table 4.1"]
    nb["cells"][2]["outputs"][2]["data"]["application/vnd.plotly.v1+json"]["data"][0]["y"] \
        = [1, 3]
    assert chapter_content(nb)["figures"] != c["figures"]
    assert chapter_content(nb)["paragraphs"] == c["paragraphs"]


# ---------------------------------------------------------------------- key figures


def test_key_figures_rank_and_suppress_small_counts():
    ind = pd.DataFrame({
        "country": ["RS", "HR", "AL", "RS"], "crime_area": ["heroin"] * 3 + ["cocaine"],
        "indicator": ["arrests"] * 4, "breakdown": [None] * 4, "year": [2017] * 4,
        "value": [44.0, 30.0, 1.0, 3.0]})
    kf = key_figures(ind, cycle="2013-2017").set_index("key")
    assert kf.loc["threat:heroin:RS", "rank"] == 2  # HR has more arrests per resident
    assert kf.loc["threat:heroin:HR", "rank"] == 1
    assert kf.loc["threat:heroin:AL", "rank"] == 3
    assert kf.loc["total:heroin:arrests", "shown"] == "75"
    public = key_figures(ind, cycle="2013-2017", threshold=5).set_index("key")
    assert public.loc["total:cocaine:arrests", "shown"] == "<5"
    assert public.loc["total:heroin:arrests", "shown"] == "75"


def test_compare_names_new_resubmitted_and_withdrawn_submissions_and_rank_moves():
    def sub(i, country, status="current", **kw):
        return {"submission_id": i, "country": country, "status": status,
                "source_label": f"{country}{i}.xlsx", "ingested_at": f"2018-03-0{i}T10:00",
                "rows_accepted": 10, "dissemination": "public", **kw}

    def fig(key, shown, rank, value=None, kind="mean threat score", **kw):
        return {"key": key, "kind": kind, "label": key, "unit": "", "rank": rank,
                "of": 3, "shown": shown, "value": float(value or shown), **kw}

    a = {"submissions": [sub(1, "RS"), sub(2, "AL"), sub(3, "ME")],
         "figures": {"restricted": [fig("t:RS", "5.0", 1), fig("t:AL", "4.0", 2),
                                    fig("t:ME", "1.0", 3),
                                    fig("a:HR", "2.0", 1, kind="threat score"),
                                    fig("m:HR", "2.0", 2, rank_label="2 (1-3)")]}}
    b = {"submissions": [sub(1, "RS", "superseded"), sub(2, "AL"),
                         sub(3, "ME", "rejected"), sub(4, "RS"), sub(5, "MD")],
         "figures": {"restricted": [fig("t:RS", "3.0", 2), fig("t:AL", "4.0", 1),
                                    fig("t:MD", "2.0", 3),
                                    fig("a:HR", "2.0", 2, kind="threat score"),
                                    fig("m:HR", "2.0", 1, rank_label="1 (1-2)")]}}
    ch = compare(a_label="Draft 1", b_label="Draft 2", variant="restricted", a_snapshot=a,
                 b_snapshot=b, a_content={}, b_content={})
    assert [(s["country"], s["change"]) for s in ch.submissions] == [
        ("MD", "new"), ("RS", "resubmitted"), ("ME", "withdrawn")]
    moved = {f["key"]: (f["before"], f["after"], f["rank_before"], f["rank_after"])
             for f in ch.figures}
    # a rank of the index moves with its interval; a crime area's score is compared on
    # its value only (its place among the members there is not a ranking the report prints)
    assert moved == {"t:RS": ("5.0", "3.0", 1, 2), "t:AL": ("4.0", "4.0", 2, 1),
                     "t:MD": (None, "2.0", None, 3), "t:ME": ("1.0", None, 3, None),
                     "m:HR": ("2.0", "2.0", "2 (1-3)", "1 (1-2)")}
    text = as_text(ch)
    assert "Serbia: resubmitted (RS4.xlsx)" in text and "t:RS: 5.0 → 3.0 [-2.0 (-40 %)], " \
        "rank 1 → 2" in text
    assert "Moldova: new submission" in text and "Montenegro: its submission" in text


# ---------------------------------------------------------------------- builds


def test_each_changed_build_is_the_next_draft_with_a_changes_annex(workspace_copy, tmp_path):
    ws = workspace_copy
    first = _build(ws, tmp_path)
    assert first.version.label == "Draft 1" and first.changes is None
    html = first.html.read_text()
    assert 'class="cover-label">Draft 1<' in html and "annex-changes" not in html
    public = _build(ws, tmp_path, variant="public")
    assert public.version.number == 1  # another variant of the same draft

    _resubmit(ws, "RS", SERBIA_V2, "RS_v2.xlsx")
    _resubmit(ws, "HR", CROATIA_V2, "HR_v2.xlsx")
    second = _build(ws, tmp_path)
    assert second.version.label == "Draft 2"
    ch = second.changes
    assert [(s["country"], s["change"]) for s in ch.submissions] == [
        ("HR", "resubmitted"), ("RS", "resubmitted")]
    moved = {f["key"]: (f["before"], f["after"]) for f in ch.figures}
    # Serbia: more heroin seized, and no money-laundering row any more (so no economic
    # crime score: imputed with the area's median in its mean); Croatia: 19 heroin arrests
    # instead of 17. Albania's mean moves too: its missing areas are imputed with the
    # medians of the others' scores, which moved.
    assert moved == {"total:heroin:heroin_seized": ("1,984", "2,134"),
                     "total:heroin:arrests": ("102", "104"),
                     "total:economic_crime:ml_amount": ("987,654", None),
                     "threat:economic_crime:RS": ("5.0", None),
                     "threat:mean:RS": ("5.6", "5.8"),
                     "threat:mean:HR": ("3.8", "3.3"),
                     "threat:mean:AL": ("4.7", "4.6")}
    html = second.html.read_text()
    assert 'id="annex-changes"' in html and "What changed since the previous draft" in html
    assert "Heroin now also arrives by sea." in html  # a rewritten paragraph, quoted
    kept = ws / "drafts" / "2013-2017"
    assert sorted(p.name for p in kept.iterdir()) == ["draft-1", "draft-2"]
    manifest = json.loads((kept / "draft-2" / "restricted" / second.manifest.name).read_text())
    assert manifest["version"]["number"] == 2 and manifest["version"]["label"] == "Draft 2"

    # The public draft 2 is compared with the public draft 1, from public data only.
    public2 = _build(ws, tmp_path, variant="public")
    assert public2.version.number == 2
    assert [s["country"] for s in public2.changes.submissions] == ["RS"]  # HR: not public
    assert all("file" not in s for s in public2.changes.submissions)
    text = public2.html.read_text()
    for value in CANARIES.values():
        assert value not in text
    assert "Croatia: resubmitted" not in text

    # diff prints what the annex says.
    out = as_text(diff_versions(ws, "1", "2"))
    assert "Serbia: resubmitted (RS_v2.xlsx)" in out and "Croatia: resubmitted" in out
    assert "Croatia" not in as_text(diff_versions(ws, "1", "2", variant="public")
                                    ).split("Key figures")[0]


def test_previews_and_failed_builds_are_not_recorded_and_final_is_stamped(
        workspace_copy, tmp_path):
    ws = workspace_copy
    preview = _build(ws, tmp_path, record_draft=False)
    assert preview.version is None and not (ws / "drafts").exists()
    assert 'class="cover-label">Preview<' in preview.html.read_text()
    draft = _build(ws, tmp_path)
    assert draft.version.label == "Draft 1"
    final = _build(ws, tmp_path, final=True)
    assert final.version.label == "Final" and final.version.number == 2
    assert 'class="cover-label">Final<' in final.html.read_text()
    assert final.changes is not None and final.changes.empty  # nothing since draft 1
    assert "Nothing changed" in final.html.read_text()
    assert "This is the final version of the report" in final.html.read_text()
    public = _build(ws, tmp_path, variant="public", final=True)
    assert public.version.number == 2 and public.changes is None  # the publication
    assert "annex-changes" not in public.html.read_text()
    assert 'class="cover-label">Draft 1<' in (
        ws / "drafts" / "2013-2017" / "draft-1" / "restricted" / draft.html.name).read_text()


def test_the_public_diff_is_scrubbed_even_of_a_chapter_that_forgets_the_variant(
        workspace_copy, tmp_path):
    ws = workspace_copy
    chapters = [*fixture_chapters(), chapter_from_notebook(FIXTURES / "leaky" /
                                                           "60_leaky.ipynb")]
    build_report(workspace=ws, variant="public", out=tmp_path / "p1", chapters=chapters,
                 formats=("html",), build_date=BUILD_DATE, cache_dir=tmp_path / "cache")
    secret = "CANARY-NEW-SECRET-COMMENT-55"
    rows = {**SERBIA_V2, "indicators": [*SERBIA_V2["indicators"], _indicator(
        "economic_crime", "ml_amount", 2017, 5, unit="EUR", comment=secret,
        not_for_dissemination="yes")]}
    _resubmit(ws, "RS", rows, "RS_v2.xlsx")
    second = build_report(workspace=ws, variant="public", out=tmp_path / "p2",
                          chapters=chapters, formats=("html",), build_date=BUILD_DATE,
                          cache_dir=tmp_path / "cache")
    assert second.version.number == 2 and second.scrubbed  # the leak was caught
    changes = diff_versions(ws, "1", "2", variant="public")
    text = as_text(changes) + json.dumps(changes.as_dict())
    kept = "".join(p.read_text() for p in (ws / "drafts").rglob("content.json"))
    for leak in (secret, CANARIES["row_comment"], CANARIES["value"]):
        assert leak not in text and leak not in kept and leak not in second.html.read_text()
    # No count of rows at all: it would show that withheld rows exist.
    assert changes.submissions and not [k for s in changes.submissions for k in s
                                        if "rows" in k or "quarantined" in k]


def test_a_country_left_out_of_a_build_is_not_a_withdrawal(workspace_copy, tmp_path):
    _build(workspace_copy, tmp_path)
    subset = _build(workspace_copy, tmp_path, countries=["AL", "RS"])
    assert subset.version.number == 2
    assert subset.changes.submissions == []


def test_the_annex_never_says_the_text_is_unchanged_when_chapters_were_not_compared():
    from octasee.report.changes import annex_cells

    snap = {"submissions": [], "figures": {"public": []}, "countries": ["RS"]}
    changes = compare(a_label="Draft 1", b_label="Draft 2", variant="public",
                      a_snapshot=snap, b_snapshot=snap, a_content=None,
                      b_content={"chapters": {}})
    assert changes.empty and "chapters" not in changes.compared
    html = "".join("".join(o["data"]["text/html"]) for c in annex_cells(changes, number="C")
                   for o in c["outputs"])
    assert "cannot be compared" in html
    assert "text of every chapter" not in html and "as they were" not in html
    assert "whether they changed is not known" in html
    assert "none changed" not in as_text(changes).split("Chapters whose text")[1]
