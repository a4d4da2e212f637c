"""Findings from small frames (hand-computed) and from the sample store."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from octasee.analysis.coverage import panel_series
from octasee.analysis.findings import KINDS, Finding, find, find_in, horizon
from octasee.reference import MEMBER_CODES

from .conftest import frame, series_rows

CYCLE = "2013-2017"
HEROIN = [("heroin", "heroin_seized")]
ALL13 = {y: 10.0 for y in range(2009, 2018)}


def _by_key(found: list[Finding]) -> dict[str, Finding]:
    return {f.key: f for f in found}


def _members_flat(**override: dict[int, float]) -> list[list[dict[str, object]]]:
    """Every member country reporting 10 kg a year 2009-2017, but for ``override``."""
    return [series_rows(c, override.get(c, ALL13)) for c in MEMBER_CODES]


def test_a_finding_is_numbered_keyed_and_digested():
    f = Finding("trend:heroin:heroin_seized", "trend", "t", "s", {"a": "1", "b": "2"})
    g = Finding("trend:heroin:heroin_seized", "trend", "t", "other words", {"b": "2", "a": "1"})
    assert f.digest() == g.digest()                   # key and numbers only
    assert f.digest() != Finding(f.key, "trend", "t", "s", {"a": "1", "b": "3"}).digest()
    d = f.as_dict()
    assert d["digest"] == f.digest() and d["numbers"] == {"a": "1", "b": "2"}
    assert isinstance(d["countries"], list)
    assert horizon(CYCLE) == ("the next cycle, 2018-2022", 2022)


def test_one_countrys_four_points_are_neither_almost_certain_nor_high_confidence():
    rows = frame(series_rows("RS", {2014: 100, 2015: 200, 2016: 300, 2017: 400},
                             grade=("A", 1)))
    found = _by_key(find_in(rows, cycle=CYCLE, series=HEROIN))
    t = found["trend:heroin:heroin_seized"]
    assert t.probability == pytest.approx(5 / 6)      # Laplace's bound with 4 years
    assert t.term == "highly likely"
    assert t.confidence == "low"                      # A1 rows, but 1 of 13, < 5 years
    assert t.horizon == "the next cycle, 2018-2022"
    assert "coverage:heroin:heroin_seized" in found
    assert "rose from 100 kg in 2014 to 400 kg in 2017" in t.statement
    assert "+100 kg a year" in t.statement
    assert "Serbia, the one member country" in t.statement


def test_a_complete_steady_series_keeps_the_grading_confidence():
    rng = np.random.default_rng(7)
    parts = [series_rows(c, {y: 10 * (y - 2008) + float(rng.normal(0, 1))
                             for y in range(2009, 2018)}) for c in MEMBER_CODES]
    found = _by_key(find_in(frame(*parts), cycle=CYCLE, series=HEROIN))
    t = found["trend:heroin:heroin_seized"]
    assert t.confidence == "high" and t.term == "highly likely"
    assert "coverage:heroin:heroin_seized" not in found
    assert "dominance:heroin:heroin_seized" not in found
    assert "break:heroin:heroin_seized" not in found


def test_a_series_falling_after_a_break_is_judged_on_the_part_after_it():
    peak = {2009: 10, 2010: 11, 2011: 12, 2012: 13, 2013: 14, 2014: 40, 2015: 30,
            2016: 20, 2017: 10}
    parts = _members_flat(**{c: peak for c in MEMBER_CODES})
    found = _by_key(find_in(frame(*parts), cycle=CYCLE, series=HEROIN))
    b, t = found["break:heroin:heroin_seized"], found["trend:heroin:heroin_seized"]
    assert b.numbers["break_year"] == "2014"
    assert t.years == (2014, 2015, 2016, 2017)
    assert "falling" in t.title and "fell from 520 kg in 2014 to 130 kg in 2017" in t.statement
    assert t.probability == pytest.approx(1 / 6)      # low for "up"
    assert t.confidence in ("moderate", "low")        # a break and fewer than 5 years


def test_three_years_after_a_break_are_not_judged():
    peak = {2009: 10, 2010: 11, 2011: 12, 2012: 13, 2013: 14, 2014: 15, 2015: 90,
            2016: 40, 2017: 10}
    parts = _members_flat(**{c: peak for c in MEMBER_CODES})
    t = _by_key(find_in(frame(*parts), cycle=CYCLE, series=HEROIN))[
        "trend:heroin:heroin_seized"]
    assert t.years == (2015, 2016, 2017)
    assert t.probability is None and t.term is None and t.confidence is None
    assert "not judged" in t.title and "too few" in t.statement


def test_dominance_names_the_country_and_its_share():
    parts = _members_flat(TR={y: 10.0 if y < 2017 else 300.0 for y in range(2009, 2018)})
    found = _by_key(find_in(frame(*parts), cycle=CYCLE, series=HEROIN))
    d = found["dominance:heroin:heroin_seized"]
    # 2017: 300 of 300 + 12 x 10 = 420 -> 71 %; 2013-2017: 340 of 340 + 12 x 50 = 940 -> 36 %
    assert d.numbers["share"] == "71%" and d.numbers["share_cycle"] == "36%"
    assert d.countries == ("TR",)
    assert d.statement.startswith("Turkey reported 71% of the regional total of heroin seized "
                                  "in 2017 (300 kg of 420 kg; 13 member countries reporting)")
    assert found["trend:heroin:heroin_seized"].confidence != "high"
    below = _members_flat(TR={y: 10.0 if y < 2017 else 100.0 for y in range(2009, 2018)})
    # 100 of 220 = 45 %: no dominance
    assert "dominance:heroin:heroin_seized" not in _by_key(
        find_in(frame(*below), cycle=CYCLE, series=HEROIN))


def test_coverage_says_k_of_n_and_who_is_missing():
    parts = _members_flat()
    parts = [[r for r in p if not (r["country"] == "ME" and r["year"] >= 2013)
              and not (r["country"] == "HR" and r["year"] == 2015)] for p in parts]
    c = _by_key(find_in(frame(*parts), cycle=CYCLE, series=HEROIN))[
        "coverage:heroin:heroin_seized"]
    assert c.numbers["2015"] == "11 of 13" and c.numbers["2014"] == "12 of 13"
    assert "reported by 11 to 12 of 13 member countries" in c.statement
    assert "Montenegro reported none" in c.statement and "Croatia 2015" in c.statement
    assert c.countries == ("HR", "ME")
    assert c.shows == ("tab:countries:heroin",)


def test_a_country_that_stops_reporting_does_not_read_as_a_drop():
    parts = [series_rows("AL", {y: 100.0 for y in range(2013, 2018)}),
             series_rows("RS", {y: 100.0 for y in range(2013, 2016)})]
    t = _by_key(find_in(frame(*parts), cycle=CYCLE, series=HEROIN))[
        "trend:heroin:heroin_seized"]
    assert "falling" not in t.title
    assert t.countries == ("AL",) and "not in the sum" in t.statement
    # summed over whoever reported, the same rows fall from 200 to 100
    assert panel_series(frame(*parts), "heroin_seized", "heroin",
                        panel="all").series["value"].tolist() == [200, 200, 200, 100, 100]


def test_an_outlier_year_is_a_finding_of_its_own():
    # per country 100, 102, 99, 169, ...: the region's total in 2012 is 13 x 169 = 2,197
    spiky = dict(zip(range(2009, 2018), [100, 102, 99, 169, 100, 103, 98, 101, 100],
                     strict=True))
    parts = _members_flat(**{c: spiky for c in MEMBER_CODES})
    found = _by_key(find_in(frame(*parts), cycle=CYCLE, series=HEROIN))
    o = found["outlier:heroin:heroin_seized:2012"]
    assert o.years == (2012,) and o.numbers["year"] == "2012"
    assert "in 2012, 2,197 kg, lies far above" in o.statement
    assert [k for k in found if k.startswith("outlier:")] == [o.key]


def test_change_since_the_previous_cycle_uses_countries_reporting_every_year_of_both():
    parts = [series_rows("AL", {**{y: 10 for y in range(2009, 2013)},
                                **{y: 15 for y in range(2013, 2018)}}),
             series_rows("BA", {**{y: 20 for y in range(2009, 2013)},
                                **{y: 40 for y in range(2013, 2018)}}),
             # gaps in both cycles: its means would fill them in; left out of the sum
             series_rows("RS", {2011: 20, 2012: 20, 2016: 30, 2017: 30}),
             series_rows("ME", {2010: 500}),          # previous cycle only: left out
             series_rows("HR", {2017: 500})]          # this cycle only: left out
    c = _by_key(find_in(frame(*parts), cycle=CYCLE, series=HEROIN))[
        "change:heroin:heroin_seized"]
    # before: 10 + 20 = 30 a year; now: 15 + 40 = 55 a year -> +83 %
    assert c.numbers == {"mean_now": "55 kg", "mean_before": "30 kg", "change": "+83%",
                         "countries": "2"}
    assert c.countries == ("AL", "BA")
    assert "not in the sum" in c.statement and "Serbia" in c.statement


def test_divergence_from_unodc_names_countries_and_years():
    rows = frame(series_rows("AL", {2016: 100, 2017: 130}, area="thb",
                             indicator="victims_identified"),
                 series_rows("ME", {2016: 3, 2017: 9}, area="thb",
                             indicator="victims_identified"),
                 series_rows("RS", {2016: 50}, area="thb", indicator="victims_identified"))
    glotip = pd.DataFrame({"country": ["AL", "AL", "ME", "ME", "RS"],
                           "year": [2016, 2017, 2016, 2017, 2016],
                           "value": [95.0, 100.0, None, None, 50.0],
                           "censored": [False, False, True, True, False]})
    d = _by_key(find_in(rows, cycle=CYCLE, series=[], glotip=glotip))[
        "divergence:thb:victims_identified"]
    # AL 2016: 5 % off; AL 2017: 30 % off; ME 2016: 3 is within "<5"; ME 2017: 9 vs at
    # most 4 (125 % off); RS 2016 equal
    assert d.numbers["compared"] == "5" and d.numbers["diverging"] == "2"
    assert d.countries == ("AL", "ME") and d.years == (2017,)
    assert "Albania 2017 (130 against 100)" in d.statement
    assert "Montenegro 2017 (9 against <5)" in d.statement
    assert d.shows == ("tab:glotip:victims",) and d.chapter == "06"


def test_networks_count_the_groups_with_each_attribute():
    ocgs = pd.DataFrame({
        "country": ["AL", "AL", "RS", "RS"], "cycle": CYCLE,
        "corruption": ["High", "Low", "Nil", "Unknown"],
        "violence": ["Medium", None, "Nil", "Nil"],
        "legal_business_structures": ["High", "High", "High", "Low"],
        "international_links": ["DE;IT", None, "DE", ""],
        "nationalities": ["AL;MK", "AL", None, "RS;RS"],
        "structure": ["criminal network", "core group", "criminal network", None],
        "not_for_dissemination": [False, False, False, True]})
    found = _by_key(find_in(frame(), cycle=CYCLE, ocgs=ocgs, series=[]))
    c = found["networks:corruption"]
    assert (c.numbers["yes"], c.numbers["no"], c.numbers["unknown"],
            c.numbers["share"]) == ("2", "1", "1", "67%")
    assert c.numbers["medium_or_high"] == "1"
    assert found["networks:violence"].numbers["share"] == "33%"
    assert found["networks:legal_business_structures"].numbers["share"] == "100%"
    links = found["networks:international_links"]
    assert links.numbers["yes"] == "2" and links.numbers["top1"] == "Germany (2)"
    multi = found["networks:multinational"]
    assert multi.numbers["known"] == "3" and multi.numbers["yes"] == "1"  # RS;RS is one
    s = found["networks:structure"]
    assert s.numbers["criminal network"] == "2" and s.numbers["not given"] == "1"
    assert all(f.nd for f in found.values())          # one group is not for dissemination
    assert all(f.chapter == "03" and f.shows == (
        ("tab:groups:attributes",) if f.key in ("networks:corruption", "networks:violence",
                                                "networks:legal_business_structures")
        else ())
               for f in found.values())


def test_routes_count_routes_transit_countries_and_transport():
    routes = pd.DataFrame({
        "country": ["AL", "BA", "RS"], "cycle": CYCLE, "crime_area": "cannabis",
        "transit": ["ME;HR", "HR;SI", "HU"], "transport_mode": ["road", "road", "sea"],
        "not_for_dissemination": False})
    r = _by_key(find_in(frame(), cycle=CYCLE, routes=routes, series=[]))["routes:cannabis"]
    assert r.numbers["routes"] == "3" and r.numbers["transit1"] == "Croatia (2)"
    assert r.numbers["mode road"] == "2" and r.numbers["mode sea"] == "1"
    assert r.chapter == "04" and r.shows == ("fig:routes:cannabis",) and not r.nd


def test_findings_are_ordered_and_numbered():
    parts = _members_flat(TR={y: 10.0 if y < 2017 else 300.0 for y in range(2009, 2018)})
    rows = frame(*parts, *[series_rows(c, ALL13, area="firearms", indicator="firearms_seized")
                           for c in MEMBER_CODES[:5]])
    found = find_in(rows, cycle=CYCLE,
                    series=[("firearms", "firearms_seized"), ("heroin", "heroin_seized")])
    assert [f.number for f in found] == list(range(1, len(found) + 1))
    chapters = [f.chapter for f in found]
    assert chapters == sorted(chapters) and chapters[0] == "04"
    heroin = [f.kind for f in found if f.crime_area == "heroin"]
    assert heroin == sorted(heroin, key=KINDS.index)


# ----------------------------------------------------------------------------- the sample
@pytest.fixture(scope="module")
def sample_findings(sample_workspace):
    find(sample_workspace.store_path, cycle=CYCLE)     # warm: spec, GLOTIP, imports
    t0 = time.process_time()  # this process's CPU: other jobs on the machine do not count
    found = find(sample_workspace.store_path, cycle=CYCLE)
    return found, time.process_time() - t0


def test_sample_migrants_break_in_2015_and_fall_after_it(sample_findings):
    found = _by_key(sample_findings[0])
    b = found["break:migrant_smuggling:irregular_migrants_detected"]
    assert b.numbers["break_year"] == "2015"
    t = found["trend:migrant_smuggling:irregular_migrants_detected"]
    assert t.years[0] == 2015 and "falling" in t.title
    assert "rising" not in t.statement and "keep rising" not in t.statement


@pytest.mark.parametrize(("key", "country", "share"), [
    ("dominance:cocaine:cocaine_seized", "RO", "79%"),
    ("dominance:heroin:heroin_seized", "TR", "78%"),
    ("dominance:cannabis:cannabis_herb_seized", "AL", "70%"),
    ("dominance:firearms:firearms_seized", "TR", "87%"),
])
def test_sample_dominance(sample_findings, key, country, share):
    d = _by_key(sample_findings[0])[key]
    assert d.countries == (country,) and d.numbers["share"] == share
    assert d.numbers["year"] == "2017"


def test_sample_coverage_statements_equal_the_store(sample_workspace, sample_findings):
    from octasee.store import Store

    with Store(sample_workspace.store_path, read_only=True) as store:
        rows = store.table("indicators", cycle=CYCLE)
    rows = rows[rows["breakdown"].isna() & rows["value"].notna()]
    covered = [f for f in sample_findings[0] if f.kind == "coverage"]
    assert "coverage:economic_crime:ml_cases" in {f.key for f in covered}
    for f in covered:
        d = rows[(rows["indicator"] == f.indicator) & (rows["crime_area"] == f.crime_area)]
        k = d.groupby("year")["country"].nunique()
        for year in range(2013, 2018):
            assert f.numbers[str(year)] == f"{int(k.get(year, 0))} of 13", (f.key, year)


def test_sample_trend_directions_agree_with_the_data_after_any_break(sample_workspace,
                                                                       sample_findings):
    from scipy.stats import theilslopes

    from octasee.store import Store

    with Store(sample_workspace.store_path, read_only=True) as store:
        rows = pd.concat([store.table("indicators", cycle=c) for c in store.cycles()])
    trends = [f for f in sample_findings[0] if f.kind == "trend"]
    assert len(trends) >= 8
    for f in trends:
        d = rows[rows["breakdown"].isna() & (rows["indicator"] == f.indicator)
                 & (rows["crime_area"] == f.crime_area) & rows["country"].isin(f.countries)
                 & rows["year"].isin(f.years)]
        s = d.groupby("year")["value"].sum().sort_index()
        assert tuple(s.index) == f.years
        slope = theilslopes(s.to_numpy(), s.index.to_numpy())[0]
        rising, falling = "rising" in f.title, "falling" in f.title
        if rising:
            assert slope > 0 and s.iloc[-1] > s.iloc[0], f.key
        if falling:
            assert slope < 0 and s.iloc[-1] < s.iloc[0], f.key
        brk = f"break:{f.crime_area}:{f.indicator}"
        if any(g.key == brk for g in sample_findings[0]):
            assert f.years[0] == int(_by_key(sample_findings[0])[brk].numbers["break_year"])
        if f.term is not None:
            assert not (f.term == "almost certain" and f.confidence == "high")


def test_sample_findings_are_well_formed_and_fast(sample_findings):
    found, seconds = sample_findings
    assert seconds < 2.0
    assert [f.number for f in found] == list(range(1, len(found) + 1))
    assert len({f.key for f in found}) == len(found)
    for f in found:
        assert f.kind in KINDS and f.key.startswith(f.kind + ":")
        assert f.chapter in {"03", "04", "05", "06", "07", "08", "09", "10"}
        assert "_" not in f.statement.replace("e.g.", ""), f.statement
        assert not any(f"{y // 1000},{y % 1000:03d}" in f.statement for y in range(2000, 2030))
        if f.kind in ("trend", "break", "outlier", "change", "dominance"):
            assert f.shows == (f"fig:trend:{f.crime_area}:{f.indicator}",
                               f"tab:countries:{f.crime_area}")
    assert {f.key for f in found} >= {"networks:corruption", "networks:multinational",
                                      "networks:structure", "routes:cocaine"}
