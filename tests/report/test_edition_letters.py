"""An edition without one of the workspace's annexes letters the rest on without a gap:
the public edition has no annex C (findings and evidence, for the editors), and its
original texts are annex C, with Table C.1, not annex D beside a changes annex that took
the free C."""

from __future__ import annotations

import re
from html import unescape

from octasee.report.build import _edition_letters
from octasee.report.chapters import default_chapters


def test_an_annex_the_edition_leaves_out_closes_up_and_one_left_out_by_choice_does_not():
    every = default_chapters()
    public = [c for c in every if "public" in c.variants]
    letters = [c.number for c in _edition_letters(public, every) if c.number.isalpha()]
    assert letters == ["A", "B", "C", "D"]
    restricted = [c.number for c in _edition_letters(every, every) if c.number.isalpha()]
    assert restricted == ["A", "B", "C", "D", "E"]
    # left out of a build by choice ([chapters] include): the letters stay
    chosen = [c for c in every if c.number in ("A", "E")]
    assert [c.number for c in _edition_letters(chosen, chosen)] == ["A", "E"]


def test_the_public_sample_report_has_no_gap_in_its_annexes(sample_report_builds):
    html = unescape(sample_report_builds["public"].html.read_text("utf-8"))
    annexes = re.findall(r'<span class="toc-number">Annex ([A-Z])</span> '
                         r'<span class="toc-text">([^<]*)</span>', html)
    letters = [a for a, _ in annexes]
    assert letters == sorted(letters) == [chr(ord("A") + i) for i in range(len(letters))]
    titles = dict((t, a) for a, t in annexes)
    assert titles["Original texts"] == "C"
    assert "Table C.1" in html and "Table D.1" not in html  # annex D (glossary): unnumbered
