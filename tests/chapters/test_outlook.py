"""Chapter 11 (priorities, scenarios, gaps, what changed) and the executive summary's
bottom line, run in-process on the session's sample workspace (no kernel)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from octasee.analysis.coverage import coverage
from octasee.analysis.findings import SERIES, find
from octasee.analysis.outlook import Summary, check_citations, citations, read_outlook
from octasee.analysis.register import read_register
from octasee.analysis.threat import threat_areas
from octasee.chapters import context as chapter_context
from octasee.chapters import open_chapter
from octasee.chapters import outlook as chapter
from octasee.reference import MEMBER_CODES, country_name
from octasee.store import Store

CYCLE = "2013-2017"
YEARS = list(range(2013, 2018))


@pytest.fixture
def shown(monkeypatch):
    out: list[str] = []
    monkeypatch.setattr(chapter_context, "_html", out.append)
    monkeypatch.setattr(chapter_context, "_display", lambda *a, **k: None)  # the plots
    return out


def open_11(ws, out: Path, variant: str = "restricted", number: str = "11"):
    return open_chapter(number, "Outlook and priorities", cycle=CYCLE, workspace=ws.path,
                        variant=variant, output_dir=out)


def text_of(parts: list[str]) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", "\n".join(parts))))


def table_rows(parts: list[str], key: str) -> list[list[str]]:
    """The body rows of the table with evidence key ``key``, as text cells."""
    (chunk,) = [p for p in parts if f'data-evidence="{key}"' in p]
    body = chunk.split("<tbody>", 1)[1]
    return [[html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
             for c in re.findall(r"<td>(.*?)</td>", r, re.S)]
            for r in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def named(cell: str) -> set[str]:
    """The member states a cell names."""
    return {c for c in MEMBER_CODES if re.search(rf"\b{re.escape(country_name(c))}\b", cell)}


# ----------------------------------------------------------------------------- gaps


def test_gaps_name_exactly_the_areas_and_countries_coverage_says_are_missing(
        sample_workspace, tmp_path, shown):
    ch = open_11(sample_workspace, tmp_path)
    chapter.gaps(ch)
    with Store(sample_workspace.store_path, read_only=True) as store:
        rows = store.table("indicators", cycle=CYCLE)
    members = sorted(sample_workspace.expected)
    labels = {a: c for a, c in SERIES}
    # every headline series coverage finds incomplete, and no other; in each, exactly
    # the countries it finds missing, with their years
    series = table_rows(shown, "tab:outlook:gaps:series")
    expected = {}
    for area, code in SERIES:
        cov = coverage(rows, code, area, countries=members, years=YEARS)
        if not cov.complete:
            expected[code] = {c: [y for cc, y in cov.missing if cc == c] for c in cov.gaps}
    assert len(series) == len(expected) > 0
    spec_labels = {"victims_identified": "Victims of trafficking identified",
                   "counterfeit_items_seized": "Counterfeit items seized",
                   "ml_cases": "Money-laundering cases",
                   "cyber_attacks_reported": "Cyber attacks reported"}
    for _area, indicator, _reported, missing in series:
        code = next(c for c, label in spec_labels.items() if label == indicator)
        assert code in labels.values()
        parts = dict(p.split(": ", 1) for p in missing.split("; "))
        assert {n: v for n, v in parts.items()} == {
            country_name(c): ("every year" if ys == YEARS else ", ".join(map(str, ys)))
            for c, ys in expected[code].items()}, (indicator, missing)
    # every crime area some member state reported no indicator of, and exactly those
    areas = table_rows(shown, "tab:outlook:gaps:areas")
    want = {}
    for area in threat_areas():
        seen = set()
        for code in set(rows.loc[rows["crime_area"] == area, "indicator"]):
            seen |= {c for _, who in coverage(rows, code, area, countries=members,
                                              years=YEARS).reported for c in who}
        if set(members) - seen:
            want[area] = set(members) - seen
    from octasee.reference import crime_area
    got = {next(a for a in threat_areas() if crime_area(a).label == label): named(cell)
           for label, cell, _ in areas}
    assert got == want and len(got) >= 3


# ----------------------------------------------------------------------------- 11


def test_sample_chapter_11_has_priorities_scenarios_gaps_and_the_comparison(
        sample_workspace, tmp_path, shown):
    ch = open_11(sample_workspace, tmp_path)
    table = chapter.priorities(ch)
    chapter.scenarios(ch)
    chapter.gaps(ch)
    compared = chapter.changes(ch)
    text = text_of(shown)
    # the banding is defined in the chapter, and the undefined band is gone
    assert "low under 3.3, medium from 3.3 to under 6.7, high from 6.7" in text
    assert "country and crime-area pairs" not in text
    assert "the analysts set them for this assessment" in text and "outlook.yaml" not in text
    # five to eight ranked priorities, each with its rationale computed from its numbers
    (ranked,) = re.findall(r'<ol class="priorities">(.*?)</ol>', "".join(shown), re.S)
    items = [" ".join(html.unescape(re.sub(r"<[^>]+>", "", i)).split())
             for i in re.findall(r"<li>(.*?)</li>", ranked, re.S)]
    assert 5 <= len(items) <= 8
    for item, row in zip(items, table.itertuples(), strict=False):
        assert item.startswith(f"{chapter.crime_area(row.crime_area).label}: priority "
                               f"{row.band} ({row.score:.1f}). Threat {row.threat_band}")
        assert "member states in the high band of the threat index" in item
        assert "Vulnerability" in item and "Impact" in item
    assert table["rank"].tolist() == list(range(1, len(table) + 1))
    assert table["score"].is_monotonic_decreasing
    assert len(table_rows(shown, "tab:priorities")) == len(table)
    evidence = {e["key"] for e in json.loads((tmp_path / "evidence.json").read_text())}
    assert {"fig:priorities", "tab:priorities", "tab:priorities:method",
            "tab:outlook:watch", "tab:outlook:changes"} <= evidence
    # the analysts' scenarios, each with indicators of change, none stale on the sample
    boxes = re.findall(r'<div class="scenario" id="scenario-(s\d)">', "".join(shown))
    assert boxes == ["s1", "s2", "s3"]
    assert 'class="stale"' not in "".join(shown)
    watch = table_rows(shown, "tab:outlook:watch")
    assert [r[0] for r in watch] == ["S1", "S1", "S2", "S2", "S3", "S3"]
    assert all(r[3].startswith("2017: ") for r in watch), watch
    # the summary's outlook judgement is referred to, not repeated
    kj11 = read_register(sample_workspace.path).get("KJ11")
    assert 'href="#judgement-kj11"' in "".join(shown)
    assert " ".join(kj11.statement.split()) not in text
    # the same findings of both cycles, matched by key
    assert "Findings of 2009-2012 and 2013-2017 compared" in text
    assert {"new", "changed", "reversed", "same"} <= set(compared["status"])
    by_key = compared.set_index("key")
    assert by_key.loc["dominance:cocaine:cocaine_seized", "before"].startswith("Montenegro")
    assert by_key.loc["dominance:cocaine:cocaine_seized", "now"].startswith("Romania")
    assert by_key.loc["break:cocaine:cocaine_seized", "status"] == "new"


def test_public_chapter_11_shows_bands_and_public_wordings_only(
        sample_workspace, tmp_path, shown):
    ch = open_11(sample_workspace, tmp_path, "public")
    chapter.priorities(ch)
    chapter.scenarios(ch)
    chapter.gaps(ch)
    chapter.changes(ch)
    text = text_of(shown)
    ranked = table_rows(shown, "tab:priorities")
    for row in ranked:  # bands, no score; counts of member states, no names
        assert all(c in ("low", "medium", "high", "–") for c in row[2:6]), row
        assert re.fullmatch(r"\d+ of 13", row[6]) and not named(row[6]), row
    assert "fig:priorities" not in "".join(shown)
    outlook = read_outlook(sample_workspace.path)
    for s in outlook.scenarios:
        assert " ".join(s.driver.split()) not in text
        assert all(" ".join(w.signal.split()) not in text for w in s.watch)
        if s.public:
            assert " ".join(s.public.split()) in text
    withheld = sum(1 for s in outlook.scenarios if not s.public)
    assert f"{withheld} scenario of the restricted edition is withheld" in text
    assert "S1" not in text and "KJ11" not in text  # register and file ids are not shown
    assert "Rows graded D or 4" not in text
    assert "Published regional totals of 2009-2012 and 2013-2017 compared" in text
    assert "finding-" not in "".join(shown)


# ----------------------------------------------------------------------------- summary


def test_the_sample_bottom_line_cites_what_exists_and_needs_no_editing(
        sample_workspace, tmp_path, shown):
    ch = open_11(sample_workspace, tmp_path, number="00")
    chapter.bottom_line(ch)
    out = "".join(shown)
    assert "<h2>Bottom line</h2>" in out
    assert 'class="bottom-line"' in out and "editor-note" not in out
    assert "stale-ref" not in out
    assert 'href="#judgement-kj2"' in out and 'class="finding-ref"' in out
    assert 'href="#scenario-s1"' in out
    # the software checks that every key it cites exists
    text = (sample_workspace.path / "summary.md").read_text("utf-8")
    with Store(sample_workspace.store_path, read_only=True) as store:
        keys = {f.key for f in find(store, cycle=CYCLE)}
    states = {j.id: j.state for j in read_register(sample_workspace.path).judgements}
    scenarios = {s.id for s in read_outlook(sample_workspace.path).scenarios}
    assert check_citations([c.key for c in citations(text)], findings=keys,
                           judgements=states, scenarios=scenarios) == {}


def test_a_citation_that_no_longer_holds_is_marked_for_the_editors(
        sample_workspace, tmp_path, shown, monkeypatch):
    ws = sample_workspace
    monkeypatch.setattr(chapter, "read_summary", lambda w: Summary(
        ws.path / "summary.md", ws.path / "summary.public.md",
        text="Heroin [KJ1] moves [trend:heroin:gone]; cyber [KJ9]; see [fig:priorities].",
        public=None))
    chapter.bottom_line(open_11(ws, tmp_path, number="00"))
    out = "".join(shown)
    assert 'href="#judgement-kj1"' in out
    assert "trend:heroin:gone: trend:heroin:gone is not a finding of this cycle" in text_of(
        shown)
    assert "KJ9: KJ9 is a draft, not an agreed judgement" in text_of(shown)
    assert 'data-evidence="fig:priorities"' in out
    notes = text_of([p for p in shown if "editor-note" in p])
    assert "cites 2 keys that no longer hold" in notes
    assert "runs to 4 words" in notes
    assert "The public edition has no bottom line" in notes


def test_no_bottom_line_an_editors_note_in_restricted_nothing_in_public(
        sample_workspace, tmp_path, shown, monkeypatch):
    ws = sample_workspace
    monkeypatch.setattr(chapter, "read_summary", lambda w: Summary(
        ws.path / "summary.md", ws.path / "summary.public.md"))
    chapter.bottom_line(open_11(ws, tmp_path / "r", number="00"))
    note = text_of(shown)
    assert "No bottom line yet" in note and str(ws.path / "summary.md") in note
    assert "Bottom line" not in "".join(p for p in shown if "<h2>" in p)
    shown.clear()
    chapter.bottom_line(open_11(ws, tmp_path / "p", "public", number="00"))
    assert "Bottom line" not in text_of(shown) and "editor" not in "".join(shown)


def test_the_public_bottom_line_is_the_public_wording_only(sample_workspace, tmp_path,
                                                          shown):
    chapter.bottom_line(open_11(sample_workspace, tmp_path, "public", number="00"))
    text = text_of(shown)
    public = (sample_workspace.path / "summary.public.md").read_text("utf-8")
    restricted = (sample_workspace.path / "summary.md").read_text("utf-8")
    assert " ".join(public.split()[:12]) in text
    assert " ".join(restricted.split()[:12]) not in text
    assert "finding-" not in "".join(shown) and "editor" not in "".join(shown)
    assert 'data-evidence="tab:priorities"' in "".join(shown)


def test_a_number_of_the_public_wording_that_a_withheld_figure_equals_is_flagged(
        sample_workspace, tmp_path, shown, monkeypatch):
    ws = sample_workspace
    probe = open_11(ws, tmp_path / "probe", number="00")
    values = sorted({v for vs in probe._withheld_values().values() for v, _ in vs
                     if v > 100 and float(v).is_integer() and not 1990 < v < 2030})
    assert values
    secret = f"{int(values[0]):,}"
    monkeypatch.setattr(chapter, "read_summary", lambda w: Summary(
        ws.path / "summary.md", ws.path / "summary.public.md",
        text=(ws.path / "summary.md").read_text("utf-8"),
        public=f"In 2016 the region seized {secret} of it, in 13 member states."))
    chapter.bottom_line(open_11(ws, tmp_path / "r", number="00"))
    notes = text_of([p for p in shown if "editor-note" in p])
    assert f"prints {secret}: it equals a figure the public edition withholds" in notes
    assert "2016" not in notes and " 13" not in notes


def test_chapter_11_of_an_earlier_cycle_has_nothing_to_compare_with(
        sample_workspace, tmp_path, shown):
    ch = open_chapter("11", "Outlook", cycle="2009-2012", workspace=sample_workspace.path,
                      countries=["RS", "HR", "AL"], output_dir=tmp_path)
    chapter.priorities(ch)
    chapter.scenarios(ch)  # the scenarios judge the workspace's cycle: none here
    assert isinstance(chapter.gaps(ch).series, tuple)
    assert chapter.changes(ch).empty
    text = text_of(shown)
    assert "The store holds no earlier cycle than 2009-2012 to compare with." in text
    assert 'class="scenario"' not in "".join(shown) and "editor-note" not in "".join(shown)
    assert re.search(r"\d of 3 member states in the high band", text)
