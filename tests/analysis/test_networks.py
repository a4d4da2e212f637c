"""The numbers of chapter 3 (analysis.networks): shares of groups with each attribute,
each with its n and its unknowns, by crime area and country, and scores as distributions.

The small frame's expectations are worked out by hand in the comments; the sample's are
counted again from the store's raw columns with plain pandas.
"""

from __future__ import annotations

import pandas as pd
import pytest

from octasee.analysis.networks import (
    BINARY_ITEMS,
    group_attributes,
    group_values,
    links_abroad,
    score_distribution,
    shares,
    top_groups,
)

CYCLE = "2013-2017"


@pytest.fixture
def groups() -> pd.DataFrame:
    """Five groups of RS and HR in 2013-2017, one of AL, one of RS in 2009-2012."""
    rows = [
        # ref  country structure members nationalities links int_dim corr viol lbs counter areas
        ("g1", "RS", "criminal network", 12, "RS;ME", "DE;RS", "Medium", "High", "Nil", "Low",
         "Unknown", "heroin;cocaine", "B", 4),
        ("g2", "RS", "core group", 4, "RS", None, "Nil", "Medium", "Low", None, "Nil",
         "heroin", "A", 1),
        ("g3", "RS", "unknown", None, None, "RS", "Unknown", "Unknown", "High", "Nil", "Low",
         "cocaine", "D", 2),
        ("g4", "HR", "standard hierarchy", 55, "HR;BA;RS", "IT", None, "Low", "Medium",
         "High", "High", "thb", "B", 2),
        ("g5", "HR", "criminal network", 20, "HR", None, "Low", "Nil", "Unknown", "Medium",
         None, "heroin", "C", 3),
        ("g6", "AL", "core group", 9, "AL", "IT", "High", "High", "High", "High", "High",
         "cannabis", "A", 1),
    ]
    cols = ["group_ref", "country", "structure", "members", "nationalities",
            "international_links", "international_dimension", "corruption", "violence",
            "legal_business_structures", "counter_measures", "crime_areas",
            "source_reliability", "information_assessment"]
    g = pd.DataFrame(rows, columns=cols).assign(cycle=CYCLE, nd=False)
    old = g.iloc[[0]].assign(group_ref="old", cycle="2009-2012", corruption="Nil")
    return pd.concat([g, old], ignore_index=True)


def _yes(sh: pd.DataFrame, item: str, **where: str) -> tuple:
    r = sh[(sh["item"] == item) & (sh["value"] == "yes")]
    for k, v in where.items():
        r = r[r[k] == v]
    assert len(r) == 1, r
    r = r.iloc[0]
    return int(r["count"]), int(r["known"]), int(r["unknown"]), round(float(r["share"]), 4)


def test_shares_of_the_region_with_their_n_and_unknowns(groups):
    sh = shares(groups, cycle=CYCLE, countries=["RS", "HR"])
    # (with it, known, unknown, share); g6 is AL's, "old" another cycle's: neither counts.
    # multi-national: g1 (RS, ME) and g4 (3) yes; g2, g5 one nationality; g3 none given.
    assert _yes(sh, "multinational") == (2, 4, 1, 0.5)
    # reach: g1 (DE), g4 (IT), g5 (dimension Low) yes; g2 Nil and no link; g3 names only
    # its own country and its dimension is Unknown.
    assert _yes(sh, "international_reach") == (3, 4, 1, 0.75)
    # corruption: High, Medium, Low yes; Nil (g5) no; Unknown (g3).
    assert _yes(sh, "corruption") == (3, 4, 1, 0.75)
    # violence: Low, High, Medium yes; Nil (g1) no; Unknown (g5).
    assert _yes(sh, "violence") == (3, 4, 1, 0.75)
    # legal business structures: Low, High, Medium yes; Nil (g3); blank (g2) unknown.
    assert _yes(sh, "legal_business_structures") == (3, 4, 1, 0.75)
    # counter-measures: Low (g3), High (g4) yes; Nil (g2); Unknown (g1), blank (g5).
    assert _yes(sh, "counter_measures") == (2, 3, 2, 0.6667)
    structure = sh[sh["item"] == "structure"].set_index("value")
    assert structure["count"].to_dict() == {"standard hierarchy": 1, "regional hierarchy": 0,
                                            "clustered hierarchy": 0, "core group": 1,
                                            "criminal network": 2}
    assert set(structure["known"]) == {4} and set(structure["unknown"]) == {1}
    assert structure.loc["criminal network", "share"] == 0.5
    size = sh[sh["item"] == "size"].set_index("value")["count"].to_dict()
    # 12 → 10 to 19, 4 → fewer than 10, 55 → 50 or more, 20 → 20 to 49; g3 not given.
    assert size == {"fewer than 10": 1, "10 to 19": 1, "20 to 49": 1, "50 or more": 1}
    # every row: known + unknown = groups = 5, and the cycle asked for all of them
    assert (sh["known"] + sh["unknown"] == sh["groups"]).all() and set(sh["groups"]) == {5}
    assert sh["asked"].all()


def test_shares_by_crime_area_and_by_country(groups):
    areas = shares(groups, cycle=CYCLE, countries=["RS", "HR"], by="crime_area")
    # heroin: g1, g2, g5 (g1 also counts in cocaine); corruption yes, yes, no.
    assert _yes(areas, "corruption", crime_area="heroin") == (2, 3, 0, 0.6667)
    # cocaine: g1 (High) and g3 (Unknown).
    assert _yes(areas, "corruption", crime_area="cocaine") == (1, 1, 1, 1.0)
    assert _yes(areas, "corruption", crime_area="thb") == (1, 1, 0, 1.0)
    # areas in the reference order, each group counted in every area it is active in
    assert list(dict.fromkeys(areas["crime_area"])) == ["heroin", "cocaine", "thb"]
    assert areas.drop_duplicates("crime_area")["groups"].tolist() == [3, 2, 1]
    countries = shares(groups, cycle=CYCLE, countries=["RS", "HR"], by="country")
    assert _yes(countries, "corruption", country="RS") == (2, 2, 1, 1.0)
    assert _yes(countries, "corruption", country="HR") == (1, 2, 0, 0.5)
    assert _yes(countries, "multinational", country="HR") == (1, 2, 0, 0.5)


def test_an_item_the_cycle_did_not_ask_for_is_said_so_not_dropped(groups):
    old = groups.assign(cycle="2009-2012", counter_measures=None)  # 6 groups of RS, HR
    sh = shares(old, cycle="2009-2012", countries=["RS", "HR"])
    cm = sh[sh["item"] == "counter_measures"]
    assert not cm["asked"].any() and set(cm["known"]) == {0} and set(cm["unknown"]) == {6}
    assert cm["share"].isna().all()
    assert sh[sh["item"] == "corruption"]["asked"].all()


def test_levels_table_counts_and_share_of_those_rated(groups):
    t = group_attributes(groups, cycle=CYCLE, countries=["RS", "HR"]).set_index("attribute")
    corr = t.loc["corruption"]
    assert [int(corr[c]) for c in ("nil", "low", "medium", "high", "unknown", "groups",
                                   "known")] == [1, 1, 1, 1, 1, 5, 4]
    assert corr["share"] == 0.75
    # a blank counts as unknown, like "Unknown"
    assert int(t.loc["counter_measures", "unknown"]) == 2


def test_links_abroad_leave_out_the_group_s_own_country(groups):
    values = group_values(groups, cycle=CYCLE, countries=["RS", "HR"])
    assert values.set_index("group_ref")["links_abroad"].to_dict() == {
        "g1": ("DE",), "g2": (), "g3": (), "g4": ("IT",), "g5": ()}
    assert links_abroad(groups, cycle=CYCLE, countries=["RS", "HR", "AL"]).values.tolist() == [
        ["IT", 2], ["DE", 1]]


def test_scores_as_quantiles_and_histogram(groups):
    # Sleipnir: corruption weight 19, violence 18; the 17 other attributes are not in the
    # frame, so unknown for everyone: 2 x (190 - 37) = 306 points each.
    # g1 4*19 + 0 = 76, g2 2*19 + 1*18 = 56, g3 2*19 (unknown) + 4*18 = 110,
    # g4 1*19 + 2*18 = 55, g5 0 + 2*18 (unknown) = 36 → 382, 362, 416, 361, 342.
    dist = score_distribution(groups, cycle=CYCLE, countries=["RS", "HR"])
    q = dist.quantiles.set_index("set").loc["sleipnir"]
    assert [q[c] for c in ("groups", "with_unknown", "min", "p25", "median", "p75", "max")
            ] == [5, 5, 342, 361, 362, 382, 416]
    assert q["max_score"] == 760 and q["attributes"] == 19 and q["asked"] == 19
    # as % of 760: 45.0, 47.5, 47.6, 50.3, 54.7 → three in 40-50, two in 50-60
    h = dist.histogram[dist.histogram["set"] == "sleipnir"].set_index("lo")["groups"]
    assert h[40.0] == 3 and h[50.0] == 2 and h.sum() == 5 and len(h) == 10
    s = dist.scores[dist.scores["set"] == "sleipnir"].set_index("group_ref")["score"]
    assert s.to_dict() == {"g3": 416, "g1": 382, "g2": 362, "g4": 361, "g5": 342}


def test_the_2009_2012_questionnaire_asked_for_four_socta_attributes(groups):
    q = score_distribution(groups.assign(cycle="2009-2012"), cycle="2009-2012"
                           ).quantiles.set_index("set")
    assert q.loc["socta", "attributes"] == 7 and q.loc["socta", "asked"] == 4
    assert q.loc["sleipnir", "asked"] == 19


def test_top_groups_flag_low_graded_information(groups):
    top = top_groups(groups, cycle=CYCLE, countries=["RS", "HR"], n=3)
    assert top["group_ref"].tolist() == ["g3", "g1", "g2"]
    assert top["rank"].tolist() == [1, 2, 3]
    # g3 is graded D2 (reliability D), g1 B4 (information 4), g2 A1.
    assert top["grading"].tolist() == ["D2", "B4", "A1"]
    assert top["low_graded"].tolist() == [True, True, False]
    assert top.iloc[1]["links_abroad"] == ("DE",) and top.iloc[1]["members"] == 12
    assert top.iloc[0]["n_unknown"] == 18 and top.iloc[0]["attributes"] == 19


def test_no_group_gives_empty_tables_not_errors():
    empty = pd.DataFrame(columns=["country", "cycle", "group_ref", "corruption"])
    assert shares(empty, cycle=CYCLE, countries=["MK"])["groups"].eq(0).all()
    assert top_groups(empty, cycle=CYCLE, countries=["MK"]).empty
    q = score_distribution(empty, cycle=CYCLE, countries=["MK"]).quantiles
    assert q["groups"].eq(0).all() and q["median"].isna().all()


@pytest.mark.parametrize("cycle", ["2013-2017", "2009-2012"])
def test_on_the_sample_six_attributes_as_shares_by_area_and_country(sample_workspace, cycle):
    """Done when: chapter 3 reports at least six stored attributes as shares, by crime
    area and country; here the numbers behind it, counted again with plain pandas."""
    from octasee.workspace import open_store

    with open_store(sample_workspace) as store:
        raw = store.table("ocgs", cycle=cycle)
    members = sorted(set(raw["country"]))
    sh = shares(raw, cycle=cycle, countries=members)
    yes = sh[sh["value"] == "yes"].set_index("item")
    reported = [k for k in BINARY_ITEMS if yes.loc[k, "known"] > 0]
    assert len(reported) + 2 >= 6 + (cycle == "2009-2012")  # + structure and size
    for attr in ("corruption", "violence", "legal_business_structures"):
        level = raw[attr].astype("string").str.strip().str.lower()
        with_it = int(level.isin(["low", "medium", "high"]).sum())
        without = int((level == "nil").sum())
        assert (yes.loc[attr, "count"], yes.loc[attr, "known"]) == (with_it, with_it + without)
        assert yes.loc[attr, "unknown"] == len(raw) - with_it - without
    nats = raw["nationalities"].fillna("").str.split(";").map(lambda v: {x for x in v if x})
    assert yes.loc["multinational", "count"] == int((nats.map(len) > 1).sum())
    assert yes.loc["multinational", "known"] == int((nats.map(len) > 0).sum())
    for by in ("crime_area", "country"):
        cells = shares(raw, cycle=cycle, countries=members, by=by)
        cells = cells[cells["item"].isin(reported) & (cells["value"] == "yes")]
        assert cells[by].nunique() > 5
        assert (cells["known"] + cells["unknown"] == cells["groups"]).all()
    by_country = shares(raw, cycle=cycle, countries=members, by="country")
    tr = by_country[(by_country["country"] == "TR") & (by_country["item"] == "corruption")]
    assert int(tr["groups"].iloc[0]) == int((raw["country"] == "TR").sum())


def test_on_the_sample_the_findings_print_the_same_shares(sample_workspace):
    """The networks findings and the chapter's numbers agree (same share of known)."""
    from octasee.analysis.findings import find
    from octasee.analysis.format import fmt_share
    from octasee.workspace import open_store

    with open_store(sample_workspace) as store:
        raw = store.table("ocgs", cycle=CYCLE)
        found = {f.key: f for f in find(store, cycle=CYCLE)}
    sh = shares(raw, cycle=CYCLE, countries=sorted(set(raw["country"])))
    yes = sh[sh["value"] == "yes"].set_index("item")
    for attr in ("corruption", "violence", "legal_business_structures", "multinational"):
        assert found[f"networks:{attr}"].numbers["share"] == fmt_share(yes.loc[attr, "share"])
