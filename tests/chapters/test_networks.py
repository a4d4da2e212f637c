"""Chapter 3, criminal networks: the shares of groups with each attribute, by crime area
and country, scores as distributions, the highest-scoring groups in the restricted edition
only, and nothing about single groups or small counts in the public one.

The sections run in-process on the session's sample workspace; what they display is
captured where it would be shown.
"""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pandas as pd
import pytest

from octasee.analysis.format import fmt_share
from octasee.chapters import networks, open_chapter, sections
from octasee.charts import A4_WIDTH
from octasee.workspace import open_store

from .conftest import figures, text_of

#: The printable height of an A4 page at the figures' scale (718 px wide, 15 mm margins).
A4_HEIGHT = round(A4_WIDTH * (297 - 30) / (210 - 30))


def run_chapter(ws, out: Path, *, cycle="2013-2017", variant="restricted", countries=None):
    ch = open_chapter("03", "Organised crime groups", cycle=cycle, workspace=ws.path,
                      variant=variant, output_dir=out, countries=countries)
    sections.group_profile(ch)
    sections.group_attributes(ch)
    sections.groups_by_crime_area(ch)
    sections.groups_by_country(ch)
    groups = sections.ocg_overview(ch)
    listed = out / "evidence.json"  # written with the first figure or table
    keys = ([e["key"] for e in json.loads(listed.read_text("utf-8"))] if listed.exists()
            else [])
    return ch, groups, keys


def raw_groups(ws, cycle="2013-2017") -> pd.DataFrame:
    with open_store(ws) as store:
        return store.table("ocgs", cycle=cycle)


def test_sections_keep_their_names_in_sections():
    for name in ("group_attributes", "ocg_overview", "explore_groups", "group_profile",
                 "groups_by_crime_area", "groups_by_country"):
        assert getattr(sections, name) is getattr(networks, name)


def test_restricted_chapter_reports_six_attributes_by_area_and_country(sample_workspace,
                                                                       tmp_path, shown):
    _ch, groups, keys = run_chapter(sample_workspace, tmp_path)
    assert keys == ["tab:groups:structure", "fig:groups:shares", "tab:groups:attributes",
                    "fig:groups:areas", "tab:groups:countries", "tab:groups:distribution",
                    "fig:groups:scores", "tab:groups:scores"]
    text = text_of(shown)
    raw = raw_groups(sample_workspace)
    n = len(raw)
    # "x of n (p%)": counted again from the raw column
    level = raw["corruption"].astype("string").str.lower()
    yes, no = int(level.isin(["low", "medium", "high"]).sum()), int((level == "nil").sum())
    assert (f"{yes} of the {yes + no} whose value is known ({fmt_share(yes / (yes + no))}) "
            f"use corruption ({n - yes - no} not known)") in text
    assert f"Of the {n} groups reported for 2013-2017" in text
    # the bars: six attributes, each with its n and unknowns
    bars = figures(shown)[0]["data"][0]
    assert len(bars["y"]) == 6 and all(" of " in t for t in bars["text"])
    # the crime-area matrix: areas down, the six attributes across, every cell written
    matrix = figures(shown)[1]["data"][0]
    assert len(matrix["x"]) == 6 and len(matrix["y"]) >= 10
    assert all(t for row in matrix["text"] for t in row)
    # one row per country in the country table, Turkey's group count as reported
    assert f"Turkey {int((raw['country'] == 'TR').sum())} " in text
    # the highest-scoring groups, one line each, and the caveat about grading
    assert "The 10 highest-scoring organised crime groups" in text
    assert "low-graded information (source reliability D or X, or information graded 4)" in text
    assert "network" not in " ".join(keys) and len(groups) == n


def test_figures_fit_an_a4_page_and_use_few_colours(sample_workspace, tmp_path, shown):
    run_chapter(sample_workspace, tmp_path)
    figs = figures(shown)
    assert len(figs) == 3
    for fig in figs:
        assert fig["layout"]["height"] <= A4_HEIGHT * 0.75, fig["layout"]["height"]
    colours = {t.get("marker", {}).get("color") for f in figs for t in f["data"]
               if t.get("type") == "bar"}
    assert len(colours) <= 2  # one per attribute set: no recycled palette


def test_low_graded_groups_among_the_highest_are_named_with_the_caveat(sample_workspace,
                                                                       tmp_path, shown):
    raw = raw_groups(sample_workspace, "2009-2012")
    run_chapter(sample_workspace, tmp_path, cycle="2009-2012")
    text = text_of(shown)
    top = networks.top_groups(raw, cycle="2009-2012", n=networks.TOP_GROUPS)
    low = top.loc[top["low_graded"], "group_ref"].tolist()
    assert low, "the 2009-2012 sample has a low-graded group among the ten highest"
    assert f"{len(low)} of these 10 rests on low-graded information" in text
    assert all(ref in text for ref in low)
    # the 2009-2012 questionnaire did not ask for counter-measures: said, not dropped
    assert "The 2009-2012 questionnaire did not ask for counter-measures" in text
    assert "asked for 4 of its 7 attributes only" in text


def test_public_edition_names_no_group_and_hides_small_counts(sample_workspace, tmp_path,
                                                              shown):
    ch, groups, keys = run_chapter(sample_workspace, tmp_path, variant="public")
    assert groups.empty
    assert keys == ["tab:groups:structure", "fig:groups:shares", "tab:groups:attributes",
                    "fig:groups:areas", "tab:groups:bands"]
    html = "\n".join(p for p in shown if isinstance(p, str))
    raw = raw_groups(sample_workspace)
    refs = set(raw["group_ref"])
    assert not [r for r in refs if r in html]
    for name in raw["name"].dropna():
        assert name not in unescape(html)
    text = text_of(shown)
    assert "does not break the groups down by member state" in text
    # every count printed in the tables is 0 or at least the threshold
    for table in re.findall(r"<table.*?</table>", html, flags=re.S):
        for cell in re.findall(r"<td>([^<]*)</td>", table):
            if re.fullmatch(r"\d+", cell.strip()):
                assert int(cell) == 0 or int(cell) >= ch.threshold, cell
    # a share is withheld where it would give back a small count
    assert "withheld (small counts)" in " ".join(figures(shown)[0]["data"][0]["text"])
    # the matrix prints no count in its cells
    cells = [t for row in figures(shown)[1]["data"][0]["text"] for t in row]
    assert not [t for t in cells if " of " in t]


def test_public_shares_printed_only_when_their_counts_are(sample_workspace, tmp_path, shown):
    """A share in the public bars is printed only if the level table prints the counts
    it is made of (Nil and Unknown): corruption has 2 groups rated Nil in the sample."""
    run_chapter(sample_workspace, tmp_path, variant="public")
    bars = figures(shown)[0]["data"][0]
    shares = dict(zip(bars["y"], bars["text"], strict=True))
    corruption = next(v for k, v in shares.items() if "corruption" in k)
    counter = next(v for k, v in shares.items() if "Counter" in k)
    assert corruption == "withheld (small counts)"
    assert re.fullmatch(r"\d+%", counter)


@pytest.mark.parametrize("variant", ["restricted", "public"])
def test_a_country_without_groups_gets_one_sentence(sample_workspace, tmp_path, shown,
                                                    variant):
    _ch, groups, keys = run_chapter(sample_workspace, tmp_path, cycle="2009-2012",
                                   variant=variant, countries="MK")
    text = text_of(shown)
    assert text.count("No organised crime group was reported for this selection in cycle "
                      "2009-2012.") == 1, text
    assert keys == [] and groups.empty and not figures(shown)


def test_a_country_with_few_groups_in_public_is_not_described(sample_workspace, tmp_path,
                                                              shown):
    raw = raw_groups(sample_workspace)
    few = raw.groupby("country").size()
    code = few[few < 5].index[0]
    _ch, _groups, keys = run_chapter(sample_workspace, tmp_path, variant="public",
                                   countries=code)
    text = text_of(shown)
    assert text.count("Fewer than 5 organised crime groups were reported") == 1, text
    assert keys == []


# ----------------------------------------------------------------------------- the figures


def test_figures_escape_labels_from_data_and_name_a_missing_column():
    from octasee.charts.networks import score_histogram, share_bars, share_matrix
    from octasee.errors import UsageError

    evil = "<a href='http://x'>Clan</a>"
    bars = share_bars(pd.DataFrame({"label": [evil], "share": [0.5], "text": [evil]}))
    assert "<a " not in bars.data[0].y[0] and "<a " not in bars.data[0].text[0]
    matrix = share_matrix(pd.DataFrame({"row": [evil], "column": ["c"], "share": [1.0],
                                        "text": ["100%\n3 of 3"]}))
    assert "<a " not in matrix.data[0].y[0]
    assert matrix.data[0].text[0][0] == "100%<br>3 of 3"  # a newline, a second line
    with pytest.raises(UsageError, match="column 'groups' is missing"):
        score_histogram(pd.DataFrame({"label": ["S"], "lo": [0], "hi": [10]}))
