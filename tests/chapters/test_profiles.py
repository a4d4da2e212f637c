"""Annex A, the country profiles, and the GI-TOC market tables of the crime chapters.

The sections run in-process on the session's sample workspace (the chapter's output is
captured where it would be displayed); one slow test builds the annex for three
countries with the build's executor and checks the assembled report.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html import unescape
from pathlib import Path

import pandas as pd
import pytest

from octasee.analysis.profiles import published_top_areas
from octasee.analysis.threat import threat_areas, threat_scores
from octasee.chapters import context as chapter_context
from octasee.chapters import open_chapter, sections
from octasee.chapters.disclosure import restricted_indicators
from octasee.errors import UsageError
from octasee.reference import MEMBER_CODES, crime_area
from octasee.report.build import build_report, configure, plan
from octasee.report.chapters import default_chapters
from octasee.sources.gitoc import load_gitoc
from octasee.store import Store

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
#: The GI-TOC market cell each crime chapter holds: the areas it shows.
MARKET_CELLS = {
    "04_drug_trafficking": ["drugs"],
    "05_migrant_smuggling": ["migrant_smuggling"],
    "06_trafficking_in_human_beings": ["thb"],
    "07_firearms_trafficking": ["firearms"],
    "08_excise_and_counterfeit_goods": ["excise_goods", "counterfeit_goods"],
    "09_economic_crime_and_corruption": ["economic_crime"],
    "10_cybercrime_and_emerging_threats": ["cybercrime"],
}


@pytest.fixture
def shown(monkeypatch):
    """What the chapter displays: HTML, and ``<figure>`` for each chart."""
    out: list[str] = []
    monkeypatch.setattr(chapter_context, "_html", out.append)
    monkeypatch.setattr(chapter_context, "_display", lambda obj, raw=False: out.append(
        "<figure>"))
    return out


def text_of(parts: list[str]) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", "\n".join(parts))).split())


def evidence(folder: Path) -> list[dict]:
    return json.loads((folder / "evidence.json").read_text("utf-8"))


def expected_top(ws, code: str, cycle: str = "2013-2017", n: int = 3) -> list[str]:
    """The country's top areas, from threat_scores of every member's restricted rows:
    highest score first, ties in the order of the crime areas (the scores' own order)."""
    with Store(ws.store_path, read_only=True) as store:
        rows = restricted_indicators(store, cycle=cycle, countries=MEMBER_CODES,
                                     all_cycles=False)
    tm = threat_scores(rows)
    mine = tm[(tm["country"] == code) & tm["value"].notna()]
    return list(mine.sort_values("value", ascending=False, kind="stable")["crime_area"][:n])


def profile(ws, tmp_path, code: str, *, cycle: str = "2013-2017", variant="restricted",
            countries=None):
    return open_chapter("A", "Country profile", cycle=cycle, workspace=ws.path,
                        variant=variant, output_dir=tmp_path / f"{code}-{variant}-{cycle}",
                        countries=countries, country=code)


# ----------------------------------------------------------------------------- threats


def test_each_profile_charts_its_own_top_threats(sample_workspace, tmp_path, shown):
    """All 13 profiles of the sample: the charts are of the country's three highest
    threat scores, in that order, and draw the country's own rows."""
    ch = open_chapter("A", "Country profile", cycle="2013-2017",
                      workspace=sample_workspace.path, output_dir=tmp_path)
    charted = {}
    for code in sample_workspace.expected:
        sections.profile_threats(ch, code)
        want = expected_top(sample_workspace, code)
        assert len(want) == 3, code
        keys = [e["key"] for e in evidence(tmp_path) if e["kind"] == "figure"
                and e["key"].startswith(f"fig:profile:{code}:")]
        assert keys == [f"fig:profile:{code}:{a}" for a in want], code
        for e in evidence(tmp_path):
            if e["key"] in keys:
                rows = pd.read_csv(tmp_path / e["data"])
                assert set(rows["country"]) == {code}, e["key"]
                assert set(rows["crime_area"]) == {e["key"].rsplit(":", 1)[1]}, e["key"]
        charted[code] = [k.rsplit(":", 1)[1] for k in keys]
    # not heroin for everyone: the countries' main threats differ
    assert len({tuple(v) for v in charted.values()}) > 3, charted
    assert sum("heroin" in v for v in charted.values()) < 13
    # each threat under its own heading, with the findings that name the country
    text = text_of(shown)
    assert text.count("key indicators by year") == 13
    assert "F" in text and re.search(r"\bF\d+ ", text)


def test_the_overview_ranks_the_country_s_areas_against_the_median(sample_workspace,
                                                                   tmp_path, shown):
    ch = profile(sample_workspace, tmp_path, "RS")
    sections.profile_overview(ch, "RS")
    text = text_of(shown)
    top = [crime_area(a).label.lower() for a in expected_top(sample_workspace, "RS")]
    m = re.search(r"Its main threats, the crime areas of its highest threat scores for "
                  r"2013-2017 \(0-10, as in chapter 2\): (.*?)\. This profile", text)
    assert m, text[:600]
    assert [p.split(" (")[0] for p in re.split(r", | and ", m.group(1))] == top
    assert "Serbia: threat scores (0-10) against the regional median" in text


def test_the_public_profile_orders_areas_by_published_figures_only(sample_workspace,
                                                                   tmp_path, shown):
    ch = profile(sample_workspace, tmp_path, "MK", variant="public")
    sections.country_profile(ch, "MK")
    text = text_of(shown)
    html = "\n".join(shown)
    want = published_top_areas(ch.view.cells, "MK", cycle="2013-2017")
    assert want
    figures = [e["key"] for e in evidence(tmp_path / "MK-public-2013-2017")
               if e["kind"] == "figure"]
    assert all(k.rsplit(":", 1)[1] in want for k in figures)
    assert "regional median" not in text and "threat scores by country" in text
    assert "finding-ref" not in html and "data-link" not in html
    assert not list((tmp_path / "MK-public-2013-2017").rglob("*.csv"))
    with Store(sample_workspace.store_path, read_only=True) as store:
        refs = set(store.table("ocgs", cycle="2013-2017", countries=["MK"])["group_ref"])
    assert refs and not [r for r in refs if r in html]


# ----------------------------------------------------------------------------- quality


@pytest.mark.parametrize(("cycle", "code", "says", "not_says"), [
    ("2013-2017", "MD", ["Late: Moldova's questionnaire for 2013-2017 arrived on 5 May "
                        "2018, after the deadline of 31 March 2018."], ["Partial: it left"]),
    ("2013-2017", "ME", ["Partial: it left the Routes sheet of the questionnaire empty.",
                        "It reported no value for"], ["Late:"]),
    ("2013-2017", "RS", ["arrived on 26 February 2018, by the deadline of 31 March 2018"],
     ["Late:", "sheet of the questionnaire empty"]),
    ("2009-2012", "BA", ["Late: Bosnia and Herzegovina's questionnaire for 2009-2012 "
                        "arrived on 22 April 2013, after the deadline of 31 March 2013."],
     []),
    ("2009-2012", "MK", ["Partial: it left the Groups, Routes and Assessments sheets of the "
                        "questionnaire empty."], ["Late:"]),
])
def test_late_and_partial_returns_say_so(sample_workspace, tmp_path, shown, cycle, code,
                                         says, not_says):
    ch = profile(sample_workspace, tmp_path, code, cycle=cycle)
    sections.profile_quality(ch, code)
    text = text_of(shown)
    for s in says:
        assert s in text, text
    for s in not_says:
        assert s not in text, text
    assert re.search(r"\d+ of its [\d,]+ graded rows \(\d+%\) are low-graded", text)


def test_areas_not_reported_are_named(sample_workspace, tmp_path, shown):
    with Store(sample_workspace.store_path, read_only=True) as store:
        rows = store.table("indicators", cycle="2013-2017", countries=["ME"])
    rows = rows[rows["breakdown"].isna() & rows["value"].notna()]
    scored = threat_areas()
    missing = [a for a in scored if a not in set(rows["crime_area"])]
    assert missing  # Montenegro reported 8 of the areas
    ch = profile(sample_workspace, tmp_path, "ME")
    sections.profile_quality(ch, "ME")
    text = text_of(shown)
    m = re.search(r"It reported no value for (.*?): (\d+) of the (\d+) crime areas", text)
    assert m, text
    assert int(m.group(2)) == len(missing) and int(m.group(3)) == len(scored)
    for a in missing:
        assert crime_area(a).label.lower() in m.group(1)


# ----------------------------------------------------------------------------- numbering


def test_profiles_are_numbered_by_their_place_among_the_countries(sample_workspace,
                                                                  tmp_path, shown):
    labels, keys, anchors = [], [], []
    order = list(sample_workspace.expected)  # by name: Croatia before Greece
    for code in order:
        ch = profile(sample_workspace, tmp_path, code)
        assert ch.section == order.index(code) + 1
        sections.profile_networks(ch, code)
        sections.profile_gitoc(ch, code)
        entries = evidence(ch.output_dir)
        assert entries and all(e["label"].split(" ")[1].startswith(f"A.{ch.section}.")
                               for e in entries), entries
        labels += [e["label"] for e in entries]
        keys += [e["key"] for e in entries]
        anchors += [e["anchor"] for e in entries]
    assert len(set(labels)) == len(labels) and len(set(keys)) == len(keys)
    assert len(set(anchors)) == len(anchors)
    assert "Table A.4.1" in labels and order[3] == "HR"
    # the captions print the same numbers
    assert re.search(r"Table A\.13\.1: Turkey", text_of(shown))


def test_a_profile_s_default_keys_carry_its_section(sample_workspace, tmp_path, shown):
    ch = profile(sample_workspace, tmp_path, "RS", countries=["RS", "AL"])
    assert (ch.section, ch.number_label) == (1, "A.1")
    ch.show_table(pd.DataFrame({"a": [1]}), "A table", source="gitoc")
    assert evidence(ch.output_dir)[0]["key"] == "tab:A.1:1"
    chapter = open_chapter("04", "Drug trafficking", workspace=sample_workspace.path,
                           output_dir=tmp_path / "04")
    assert (chapter.section, chapter.number_label) == (None, "4")


def test_a_country_outside_the_chapter_s_countries_is_refused(sample_workspace, tmp_path):
    with pytest.raises(UsageError, match="parameter 'country' is RS, which is not among"):
        profile(sample_workspace, tmp_path, "RS", countries=["AL", "HR"])
    with pytest.raises(UsageError, match="parameter 'country'"):
        profile(sample_workspace, tmp_path, "Atlantis")


def test_the_kernel_numbers_each_profile_as_the_build_does(sample_workspace, tmp_path):
    """The plan's section numbers (A.1, A.2 … in the order of the countries built) and
    the profile kernels' (from the parameters the plan passes them) agree."""
    annex = [c for c in default_chapters() if c.per_country]
    o = configure(workspace=sample_workspace, formats=("html",), out=tmp_path / "out",
                  chapters=annex, countries=["TR", "HR", "GR"], record_draft=False)
    runs = plan(o).runs
    assert [r.number for r in runs] == ["A.1", "A.2", "A.3"]
    for r in runs:
        p = r.task.parameters
        ch = open_chapter("A", "Country profile", cycle=p["cycle"], workspace=p["workspace"],
                          countries=p["countries"], variant=p["variant"],
                          output_dir=tmp_path / r.label, country=p["country"])
        assert ch.number_label == r.number, r.label


# ----------------------------------------------------------------------------- GI-TOC


def test_each_crime_chapter_has_one_market_cell():
    for stem, areas in MARKET_CELLS.items():
        nb = json.loads((NOTEBOOKS / f"{stem}.ipynb").read_text("utf-8"))
        calls = ["".join(c["source"]) for c in nb["cells"]
                 if "gitoc_markets" in "".join(c["source"])]
        assert len(calls) == 1, stem
        arg = repr(areas[0]).replace("'", '"') if len(areas) == 1 else \
            "[" + ", ".join(f'"{a}"' for a in areas) + "]"
        assert calls[0] == f"sections.gitoc_markets(ch, {arg})", (stem, calls)


def test_the_drug_chapter_shows_the_members_market_scores(sample_workspace, tmp_path, shown):
    ch = open_chapter("04", "Drug trafficking", cycle="2013-2017",
                      workspace=sample_workspace.path, output_dir=tmp_path)
    sections.gitoc_markets(ch, "drugs")
    html = "\n".join(shown)
    head = re.findall(r"<th>(.*?)</th>", html)
    markets = ["Heroin trade", "Cocaine trade", "Cannabis trade", "Synthetic drug trade"]
    assert head == ["Country"] + [f"{m} {e}" for m in markets for e in (2021, 2023)]
    text = text_of(shown)
    assert ("The 2021 and 2023 editions are later than the 2013-2017 cycle: GI-TOC "
            "published no edition for its years.") in text
    # Turkey's heroin trade, 2023, as published
    value = load_gitoc(2023).set_index(["country", "indicator"]).loc[("TR", "Heroin trade"),
                                                                     "value"]
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", html, re.S) if ">Turkey<" in r)
    cells = re.findall(r"<td>(.*?)</td>", row)
    assert cells[2] == f"{value:.1f}"
    assert "In the 2021 edition, which the analysis uses, the highest scores" in text
    assert [e["key"] for e in evidence(tmp_path)] == ["tab:gitoc:markets:drugs"]


def test_a_market_new_in_2023_shows_that_edition_only(sample_workspace, tmp_path, shown):
    ch = open_chapter("10", "Cybercrime", cycle="2018-2022", workspace=sample_workspace.path,
                      output_dir=tmp_path)
    sections.gitoc_markets(ch, "cybercrime")
    html = "\n".join(shown)
    assert re.findall(r"<th>(.*?)</th>", html) == ["Country", "Cyber-dependent crimes"]
    assert "The 2023 edition is later than the 2018-2022 cycle." in text_of(shown)
    shown.clear()
    sections.gitoc_markets(ch, "property_crime")
    assert "scores no criminal market that matches organised property crime" in \
        text_of(shown)


# ----------------------------------------------------------------------------- the build


@pytest.mark.slow
def test_the_annex_builds_with_numbered_sections(sample_workspace, tmp_path):
    """The annex alone, for a late country, a partial one and Serbia: each profile's
    figures and tables are numbered in its own section, and the report's evidence ids
    are unique."""
    annex = [c for c in default_chapters() if c.per_country]
    result = build_report(workspace=sample_workspace.path, cycle="2013-2017",
                          formats=("html",), out=tmp_path / "out", chapters=annex,
                          countries=["MD", "ME", "RS"], jobs=2, use_cache=False,
                          record_draft=False, build_date=dt.date(2018, 6, 30))
    assert result.ok, [(r.label, r.error) for r in result.failed]
    report = result.html.read_text("utf-8")
    for i, (code, name) in enumerate((("MD", "Moldova"), ("ME", "Montenegro"),
                                      ("RS", "Serbia")), start=1):
        assert f"Table A.{i}.1: {name}: threat scores" in unescape(report), code
        for area in expected_top(sample_workspace, code):
            assert f'data-evidence="fig:profile:{code}:{area}"' in report
    ids = re.findall(r'<h4 class="(?:figure|table)-caption" id="(ev-[^"]+)"', report)
    assert ids and len(ids) == len(set(ids))
    labels = re.findall(r'class="(?:figure|table)-caption"[^>]*>((?:Figure|Table) [A-Z0-9.]+)',
                        report)
    assert len(labels) == len(set(labels)) == len(ids)
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", report)).split())
    assert "Late: Moldova's questionnaire" in text
    assert "Partial: it left the Routes sheet" in text
