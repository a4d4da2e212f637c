"""The public edition's "What changed" annex reprints nothing an earlier version printed
that this version withholds: no earlier value beside a key figure this version withholds
or no longer prints, and no earlier wording of a changed paragraph."""

from __future__ import annotations

from octasee.report.changes import EARLIER_NOT_REPRINTED, annex_cells, compare


def _figure(key: str, shown: str, value: float) -> dict:
    return {"key": key, "kind": "regional total", "label": key, "value": value,
            "shown": shown, "unit": "", "rank": None, "of": None}


def _snapshot(*figures: dict) -> dict:
    return {"cycle": "2013-2017", "countries": ["MK"], "submissions": [],
            "figures": {"public": list(figures), "restricted": list(figures)},
            "figures_basis": {"public": "view"}}


def _content(*paragraphs: str) -> dict:
    return {"06": {"number": "6", "title": "THB", "paragraphs": list(paragraphs),
                   "figures": {}, "tables": {}, "captions": {}}}


def test_no_earlier_value_beside_a_figure_this_version_withholds():
    a = _snapshot(_figure("total:thb:victims", "2,076", 2076.0),
                  _figure("total:thb:convictions", "120", 120.0))
    b = _snapshot(_figure("total:thb:convictions", "125", 125.0))  # victims withheld now
    for variant, reprinted in (("public", False), ("restricted", True)):
        ch = compare(a_label="Draft 1", b_label="Draft 2", variant=variant, a_snapshot=a,
                     b_snapshot=b, a_content=None, b_content=None)
        figs = {f["key"]: f for f in ch.figures}
        assert (figs["total:thb:victims"]["before"] == "2,076") is reprinted
        assert figs["total:thb:convictions"]["before"] == "120"  # published both times
        text = str(annex_cells(ch, number="C"))
        assert ("withheld in this version" in text) is not reprinted
        assert "| new" not in text and ">new<" not in text


def test_no_earlier_wording_of_a_changed_paragraph_in_public():
    a = _content("Victims rose from 1,775 in 2009 to 2,076 in 2017.", "Same.")
    b = _content("The regional total of victims is withheld for 2017.", "Same.")
    snap = _snapshot()
    public = compare(a_label="Draft 1", b_label="Draft 2", variant="public", a_snapshot=snap,
                     b_snapshot=snap, a_content=a, b_content=b)
    [excerpt] = public.chapters[0]["excerpts"]
    assert excerpt["before"] == EARLIER_NOT_REPRINTED and "2,076" not in str(public.as_dict())
    assert excerpt["after"].startswith("The regional total")
    restricted = compare(a_label="Draft 1", b_label="Draft 2", variant="restricted",
                         a_snapshot=snap, b_snapshot=snap, a_content=a, b_content=b)
    assert "2,076" in restricted.chapters[0]["excerpts"][0]["before"]


def test_content_reads_evidence_links_without_their_internal_keys():
    # A judgement box's evidence links carry the evidence key until the report is
    # assembled ("Figure 4.1" then); a draft's content, which the changes annex quotes,
    # must not print the key.
    from octasee.report.drafts import chapter_content

    box = ('<div class="judgement"><p><strong>Likely</strong>: Heroin keeps coming.</p>'
           '<p class="confidence">Evidence: <a class="evidence-ref" '
           'data-evidence="fig:trend:heroin:heroin_seized">fig:trend:heroin:heroin_seized</a>'
           ', <a class="evidence-ref" data-evidence="tab:countries:heroin">'
           'tab:countries:heroin</a>.</p></div>')
    nb = {"cells": [{"cell_type": "code", "source": "", "metadata": {}, "outputs": [
        {"output_type": "display_data", "metadata": {}, "data": {"text/html": box}}]}],
        "metadata": {}}
    text = " ".join(chapter_content(nb)["paragraphs"])
    assert "Evidence: a figure, a table." in text
    assert "fig:" not in text and "tab:" not in text
