"""The report quotes country input in English where the translation memory has it, and
lists the originals in annex D (item 5 of issue 14).

The sections run in-process on sample workspaces (what a chapter shows is captured where
it would be displayed): the session's sample workspace, which ships the sample
translations, and one of this module's own whose memory lacks some of them.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from octasee.chapters import open_chapter, sections
from octasee.samples import sample_files
from octasee.store import Store
from octasee.workspace import sample_workspace as make_sample_workspace

from .conftest import text_of

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
#: Serbia's 2013-2017 assessment of trafficking in human beings (Serbian Cyrillic), and
#: its English in data/samples/translations.yaml (from generate.py's template).
RS_THB = "У периоду 2013–2017 у области „трговина људима“"
RS_THB_EN = ("In 2013-2017, 82 criminal cases were opened in the area of trafficking in "
             "human beings and 115 persons were arrested.")
#: Croatia's 2013-2017 assessment of excise goods (Croatian), left out of the memory of
#: this module's workspace; Romania's of the same area is not for dissemination.
HR_EXCISE = "U razdoblju 2013.–2017. u području „krijumčarenje trošarinske robe“"
RO_EXCISE = "În perioada 2013–2017, în domeniul „contrabanda cu produse accizabile”"


def _drop_entries(path: Path, starts: tuple[str, ...]) -> None:
    """Remove the entries whose original starts with one of ``starts`` from a memory."""
    text = path.read_text("utf-8")
    head, _, body = text.partition("translations:\n")
    entries = re.split(r"(?m)^(?=  - hash: )", body)
    keep = [e for e in entries if not any(
        re.search(r"(?m)^    original: " + re.escape(s), e) for s in starts)]
    assert len(keep) == len(entries) - len(starts)
    path.write_text(head + "translations:\n" + "".join(keep), "utf-8")


@pytest.fixture(scope="module")
def partial_ws(tmp_path_factory):
    """A sample workspace (2013-2017) whose memory lacks Croatia's and Romania's excise
    goods assessments, and has one made-up entry with a small count."""
    ws = make_sample_workspace(tmp_path_factory.mktemp("tr") / "ws")
    with Store(ws.store_path) as store:
        store.ingest(sample_files("2013-2017"), jobs=1)
    memory = ws.path / "translations.yaml"
    shutil.copyfile(SAMPLES / "translations.yaml", memory)
    _drop_entries(memory, (HR_EXCISE, RO_EXCISE))
    with memory.open("a", encoding="utf-8") as f:
        f.write("  - language: sr\n    original: Zaplenjena su 3 pištolja.\n"
                "    english: 3 pistols were seized.\n    translator: Test team\n")
    return ws


def test_assessment_quotes_the_english_translated_from_serbian(sample_workspace, tmp_path,
                                                               shown):
    ch = open_chapter("06", "Trafficking in human beings", workspace=sample_workspace.path,
                      countries=["RS"], output_dir=tmp_path)
    sections.assessments(ch, "thb")
    text = text_of(shown)
    assert RS_THB_EN in text
    assert "Serbia, submission 2013-2017 (translated from Serbian)" in text
    assert RS_THB not in text  # the original is in annex D, not here
    # The expected threats are translated on their own, after their label.
    assert ("Expected: Criminal groups are expected to keep using the existing routes"
            in text)


def test_untranslated_text_is_quoted_as_written(partial_ws, tmp_path, shown):
    ch = open_chapter("08", "Excise", workspace=partial_ws.path, countries=["HR"],
                      output_dir=tmp_path)
    sections.assessments(ch, "excise_goods")
    text = text_of(shown)
    assert HR_EXCISE in text
    # Its expected threats are in the memory (the same text as in 2009-2012).
    assert "Expected: Criminal groups are expected to keep using" in text
    assert ("Croatia, submission 2013-2017 (partly translated from Croatian; the rest in "
            "Croatian, not yet translated)") in text
    shown.clear()
    ch.quote("Nešto novo, 2017.", attribution="Croatia", language="hr", country="HR")
    assert text_of(shown) == "Nešto novo, 2017. Croatia (in Croatian, not yet translated)"


def test_english_helper(partial_ws, tmp_path):
    ch = open_chapter("04", "Drugs", workspace=partial_ws.path, output_dir=tmp_path)
    assert ch.english("Zaplenjena su 3 pištolja.", "sr") == (
        "3 pistols were seized.", "translated from Serbian")
    assert ch.english("Nešto novo.", "hr") == ("Nešto novo.", "in Croatian, not yet translated")
    assert ch.english("Something in English.", "en") == ("Something in English.", "")
    assert ch.english("Something.", None) == ("Something.", "")


def test_public_edition_masks_numbers_in_the_english(partial_ws, tmp_path, shown):
    restricted = open_chapter("07", "Firearms", workspace=partial_ws.path,
                              output_dir=tmp_path / "r")
    restricted.quote("Zaplenjena su 3 pištolja.", attribution="Serbia", language="sr",
                     country="RS")
    public = open_chapter("07", "Firearms", workspace=partial_ws.path, variant="public",
                          output_dir=tmp_path / "p")
    public.quote("Zaplenjena su 3 pištolja.", attribution="Serbia", language="sr",
                 country="RS")
    r_text, p_text = text_of(shown[:1]), text_of(shown[1:])
    assert "3 pistols were seized. Serbia (translated from Serbian)" in r_text
    # 3 is a count under the threshold of 5: left out of what the public edition shows.
    assert "[n] pistols were seized. Serbia (translated from Serbian)" in p_text
    assert "3 pistols" not in p_text


def _annex(ws, tmp_path, variant, shown):
    shown.clear()
    ch = open_chapter("D", "Original texts", workspace=ws.path, variant=variant,
                      output_dir=tmp_path / variant)
    from octasee.chapters import translations

    translations.original_texts(ch)
    return text_of(shown), ch


def test_annex_lists_originals_and_restricted_lists_untranslated(partial_ws, tmp_path,
                                                                 shown):
    text, ch = _annex(partial_ws, tmp_path, "restricted", shown)
    quoted, _, todo = text.partition("not yet translated (quoted as written)")
    assert "Table D.1: Texts the member countries wrote in another language, with their English translation" in quoted
    # Serbia's text: its original beside the English shown, and who translated it.
    assert RS_THB in quoted and RS_THB_EN in quoted
    assert "SELEC analysts (sample)" in quoted
    # What is still untranslated: Croatia's and Romania's (marked not for dissemination).
    assert "Table D.2" in text
    assert HR_EXCISE in todo and RO_EXCISE in todo
    assert "octasee translations" not in todo  # no tool instructions in the report
    assert HR_EXCISE not in quoted
    keys = [e["key"] for e in json.loads((ch.output_dir / "evidence.json").read_text())]
    assert keys == ["tab:translations:quoted", "tab:translations:untranslated"]


def test_public_annex_has_no_untranslated_list_and_no_restricted_text(partial_ws, tmp_path,
                                                                      shown):
    text, _ = _annex(partial_ws, tmp_path, "public", shown)
    assert "Table D.1: Texts the member countries wrote in another language, with their English translation" in text
    assert "Table D.2" not in text
    assert RO_EXCISE not in text  # not for dissemination
    assert HR_EXCISE not in text
    assert "1 of these texts is not yet translated" in text  # Croatia's: public
    # Bulgaria's synthetic drugs: 1 236 cases in the original, 1,236 in the English. The
    # public edition prints 1,236 for Bulgaria in its tables, so the quote keeps it in
    # both: masking a printed figure would say a withheld one lies near it.
    assert "1 236 досъдебни производства" in text
    assert "In 2013-2017, 1,236 criminal cases were opened in the area of synthetic drugs" \
        in text


def test_annex_notebook_is_thin_and_in_both_editions():
    nb = json.loads((NOTEBOOKS / "D_original_texts.ipynb").read_text("utf-8"))
    code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    assert code[-1] == "translations.original_texts(ch)"
    assert "octasee" not in nb["metadata"]  # no variants: restricted and public
    assert nb["cells"][0]["source"].startswith("# Annex D. Original texts")
