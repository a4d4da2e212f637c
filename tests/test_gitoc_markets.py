"""The GI-TOC criminal markets and resilience indicators matched to the crime areas
(reference data, crime_areas.csv) and the scores read for them."""

from __future__ import annotations

import pytest

from octasee.analysis.markets import area_markets, country_scores, highest, market_scores
from octasee.reference import crime_area, crime_areas, gitoc_market_areas
from octasee.sources.gitoc import EDITIONS, METHODOLOGY, load_gitoc

#: Each market of the 2023 methodology and the crime area its chapter covers, by hand.
MARKETS_2023 = {
    "Human trafficking": "thb",
    "Human smuggling": "migrant_smuggling",
    "Arms trafficking": "firearms",
    "Flora crimes": "environmental_crime",
    "Fauna crimes": "environmental_crime",
    "Non-renewable resource crimes": "environmental_crime",
    "Heroin trade": "heroin",
    "Cocaine trade": "cocaine",
    "Cannabis trade": "cannabis",
    "Synthetic drug trade": "synthetic",
    "Cyber-dependent crimes": "cybercrime",
    "Financial crimes": "economic_crime",
    "Trade in counterfeit goods": "counterfeit_goods",
    "Illicit trade in excisable goods": "excise_goods",
}
#: Markets no crime area of OCTA-SEE covers.
UNMATCHED = {"Extortion and protection racketeering"}
#: The markets 2023 added (no 2021 score).
NEW_IN_2023 = {"Cyber-dependent crimes", "Financial crimes", "Trade in counterfeit goods",
               "Illicit trade in excisable goods", "Extortion and protection racketeering"}


def test_every_2023_market_maps_to_its_crime_area():
    assert gitoc_market_areas(2023) == MARKETS_2023


def test_the_2021_edition_maps_only_the_markets_it_had():
    want = {m: a for m, a in MARKETS_2023.items() if m not in NEW_IN_2023}
    assert gitoc_market_areas(2021) == want


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_mapping_names_exactly_the_methodology_markets(edition):
    """A renamed market (or a typo in crime_areas.csv) is caught here: every name the
    mapping uses is a market of the edition, and every market of the edition is mapped
    or known to match no area."""
    markets = set(METHODOLOGY[edition]["Criminal markets"])
    for a in crime_areas():
        assert set(a.gitoc_markets(edition)) <= markets, (a.code, edition)
    assert set(gitoc_market_areas(edition)) == markets - UNMATCHED


def test_a_parent_area_covers_its_children_markets_and_the_market_goes_to_the_child():
    drugs = {"Heroin trade", "Cocaine trade", "Cannabis trade", "Synthetic drug trade"}
    assert set(crime_area("drugs").gitoc_markets(2023)) == drugs
    assert {gitoc_market_areas(2023)[m] for m in drugs} == {"heroin", "cocaine", "cannabis",
                                                             "synthetic"}
    assert area_markets(["drugs"], 2021) == ["Heroin trade", "Cocaine trade",
                                             "Cannabis trade", "Synthetic drug trade"]
    assert area_markets(["excise_goods", "counterfeit_goods"], 2023) == [
        "Illicit trade in excisable goods", "Trade in counterfeit goods"]
    assert area_markets(["property_crime"], 2023) == []


def test_every_area_names_resilience_indicators_of_the_methodology():
    resilience = set(METHODOLOGY[2023]["Resilience"])
    for a in crime_areas():
        assert a.gitoc_resilience, a.code
        assert set(a.gitoc_resilience) <= resilience, a.code
    assert crime_area("economic_crime").gitoc_resilience[0] == "Anti-money laundering"
    assert "Victim and witness support" in crime_area("thb").gitoc_resilience


def test_market_scores_are_the_published_ones_in_the_editions_that_score_them():
    t = market_scores(["drugs", "economic_crime"], ["RS", "TR"], EDITIONS)
    published = load_gitoc(2021).set_index(["country", "indicator"])["value"]
    row = t[(t["country"] == "TR") & (t["edition"] == 2021) & (t["indicator"] == "Heroin trade")]
    assert row["value"].item() == published[("TR", "Heroin trade")]
    assert row["crime_area"].item() == "heroin"
    # financial crimes: 2023 only; four drug markets in both
    per_edition = t[t["country"] == "RS"].groupby("edition")["indicator"].apply(list).to_dict()
    assert per_edition == {
        2021: ["Heroin trade", "Cocaine trade", "Cannabis trade", "Synthetic drug trade"],
        2023: ["Heroin trade", "Cocaine trade", "Cannabis trade", "Synthetic drug trade",
               "Financial crimes"]}


def test_the_highest_score_of_each_market_names_every_country_that_has_it():
    t = market_scores(["thb"], ["RS", "TR", "AL", "BG"], [2023])
    values = t.set_index("country")["value"]
    top = float(values.max())
    assert highest(t, 2023) == [("Human trafficking", top,
                                 tuple(sorted(values[values == top].index)))]


def test_a_country_s_scores_follow_its_threats_composites_first():
    t = country_scores("ME", ["cocaine", "excise_goods"], [2021, 2023])
    rows_2023 = t[t["edition"] == 2023]
    assert rows_2023["indicator"].tolist() == [
        "Criminality", "Cocaine trade", "Illicit trade in excisable goods", "Resilience",
        "Territorial integrity", "Law enforcement", "Economic regulatory capacity"]
    # the 2021 edition has no excise market; territorial integrity matches both threats
    assert "Illicit trade in excisable goods" not in set(t.loc[t["edition"] == 2021,
                                                               "indicator"])
    ti = rows_2023[rows_2023["indicator"] == "Territorial integrity"]
    assert ti["matches"].item() == ("cocaine", "excise_goods")
    published = load_gitoc(2023).set_index(["country", "indicator"])["value"]
    assert rows_2023.set_index("indicator")["value"].to_dict() == {
        i: published[("ME", i)] for i in rows_2023["indicator"]}
