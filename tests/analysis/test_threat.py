"""The threat index and the one country ranking, against hand-computed values; and that
the key figures, the weights explorer at equal weights, the report's map and annex B rank
the sample countries the same, whichever countries a chapter selects."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from octasee.analysis.keyfigures import key_figures
from octasee.analysis.threat import country_ranking, threat_scores
from octasee.chapters import context as chapter_context
from octasee.chapters import open_chapter, sections
from octasee.chapters.disclosure import restricted_indicators
from octasee.errors import UsageError
from octasee.reference import MEMBER_CODES
from octasee.widgets import ranking, weights_explorer


def _rows(*rows: tuple[str, str, str, float]) -> pd.DataFrame:
    return pd.DataFrame([{"country": c, "crime_area": a, "indicator": i, "breakdown": None,
                          "year": 2017, "value": v} for c, a, i, v in rows])


# Residents (reference data, mid-2017): RS 7.02 m, ME 0.62 m, HR 4.13 m. Both indicators
# are per 100,000 residents in the index spec (people: offenders, victims).
#   heroin arrests per 100,000: RS 702/70.2 = 10, ME 124/6.2 = 20, HR 0 -> min-max 5, 10, 0
#   thb victims per 100,000:   RS 70.2/70.2 = 1, HR 82.6/41.3 = 2; ME none -> 0, 10, missing
#   threat index (mean over both areas, ME's thb imputed with the median of 0 and 10, 5):
#   ME (10 + 5) / 2 = 7.5, HR (0 + 10) / 2 = 5, RS (5 + 0) / 2 = 2.5
THREE = _rows(("RS", "heroin", "arrests", 702.0), ("ME", "heroin", "arrests", 124.0),
              ("HR", "heroin", "arrests", 0.0), ("RS", "thb", "victims_identified", 70.2),
              ("HR", "thb", "victims_identified", 82.6))


def test_three_countries_scores_and_ranking_by_hand():
    tm = threat_scores(THREE)
    got = {(r.country, r.crime_area): round(r.value, 9) for r in tm.itertuples()}
    assert got == {("RS", "heroin"): 5.0, ("ME", "heroin"): 10.0, ("HR", "heroin"): 0.0,
                   ("RS", "thb"): 0.0, ("HR", "thb"): 10.0}
    r = country_ranking(tm)
    assert r[["rank", "country", "areas", "imputed"]].to_dict("list") == {
        "rank": [1, 2, 3], "country": ["ME", "HR", "RS"], "areas": [1, 2, 2],
        "imputed": [1, 0, 0]}
    assert r["score"].tolist() == pytest.approx([7.5, 5.0, 2.5])


def test_a_missing_area_is_imputed_with_the_area_median():
    r = country_ranking(threat_scores(THREE)).set_index("country")
    # ME reported heroin only: its thb is the median of RS's 0 and HR's 10, 5; its index
    # (10 + 5) / 2 = 7.5 over both areas (left out it would be 10, as zero 5).
    assert (r.loc["ME", "score"], r.loc["ME", "areas"], r.loc["ME", "imputed"]) == (
        pytest.approx(7.5), 1, 1)
    # weights apply to the imputed area too:
    # RS (5*1 + 0*3)/4 = 1.25, HR (0*1 + 10*3)/4 = 7.5, ME (10*1 + 5*3)/4 = 6.25
    w = country_ranking(threat_scores(THREE), {"heroin": 1, "thb": 3}).set_index("country")
    assert w["score"].to_dict() == pytest.approx({"ME": 6.25, "HR": 7.5, "RS": 1.25})
    # an area of weight 0 (or not named) is left out; with none left, no ranking
    only_thb = country_ranking(threat_scores(THREE), {"thb": 1})
    assert only_thb["country"].tolist() == ["HR", "RS"]
    assert country_ranking(threat_scores(THREE), {"heroin": 0, "thb": 0}).empty
    with pytest.raises(UsageError, match="weight of crime area 'thb' is -1"):
        country_ranking(threat_scores(THREE), {"heroin": 1, "thb": -1})


def test_selecting_countries_does_not_change_a_score():
    everyone = threat_scores(THREE).set_index(["country", "crime_area"])["value"]
    kept = threat_scores(THREE, countries=["RS", "HR"]).set_index(
        ["country", "crime_area"])["value"]
    assert kept.to_dict() == everyone.drop("ME", level="country").to_dict()
    assert kept[("RS", "heroin")] == pytest.approx(5.0)
    # What the old chapters did (min-max over the selected countries' rows only) rescales
    # RS's heroin score from 5 to 10: never feed the scores a selection's rows.
    alone = threat_scores(THREE[THREE["country"].isin(["RS", "HR"])])
    assert alone.set_index(["country", "crime_area"]).loc[("RS", "heroin"), "value"] == 10.0


def test_ties_share_the_best_rank_and_are_listed_by_code():
    tm = pd.DataFrame({"country": ["RS", "AL", "HR"], "crime_area": ["heroin"] * 3,
                       "value": [4.0, 4.0 + 1e-12, 9.0]})
    r = country_ranking(tm)
    assert r[["rank", "country"]].to_dict("list") == {"rank": [1, 2, 2],
                                                     "country": ["HR", "AL", "RS"]}


def test_nd_marks_every_score_of_an_area_with_a_row_not_for_dissemination():
    rows = THREE.assign(nd=[False, False, False, True, False])  # RS thb
    tm = threat_scores(rows).set_index(["country", "crime_area"])["nd"]
    assert tm[("HR", "thb")] and tm[("RS", "thb")] and not tm[("RS", "heroin")]
    # ME's thb is imputed from RS's and HR's thb scores: it rests on the RS row too
    assert country_ranking(threat_scores(rows)).set_index("country")["nd"].to_dict() == {
        "ME": True, "HR": True, "RS": True}
    only_heroin = country_ranking(threat_scores(rows), {"heroin": 1})
    assert not only_heroin["nd"].any()


def test_key_figures_rank_on_the_unrounded_scores_and_among_all_members():
    kf = key_figures(THREE, cycle="2013-2017").set_index("key")
    assert kf.loc[["threat:mean:ME", "threat:mean:HR", "threat:mean:RS"], "rank"].tolist() \
        == [1, 2, 3]
    assert kf.loc["threat:mean:RS", "shown"] == "2.5"
    assert kf.loc["threat:mean:ME", "shown"] == "7.5"
    assert "(2 crime areas)" in kf.loc["threat:mean:RS", "label"]
    # fewer countries' rows with every member's scores: ranks and scores among all
    few = key_figures(THREE[THREE["country"] == "RS"], cycle="2013-2017",
                      threat=threat_scores(THREE)).set_index("key")
    assert (few.loc["threat:mean:RS", "rank"], few.loc["threat:mean:RS", "of"]) == (3, 3)
    assert few.loc["threat:heroin:RS", "shown"] == "5.0"
    assert "threat:mean:ME" not in few.index


# ----------------------------------------------------------------------------- the samples


@pytest.fixture
def shown(monkeypatch):
    out: list[str] = []
    monkeypatch.setattr(chapter_context, "_html", out.append)
    monkeypatch.setattr(chapter_context, "_display", lambda obj, raw=False: None)
    return out


def _text(parts: list[str]) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", "\n".join(parts)))


def test_key_figures_explorer_map_and_annex_b_rank_the_samples_alike(
        sample_workspace, tmp_path, shown, monkeypatch):
    ws = sample_workspace
    rows = restricted_indicators(ws.store_path, cycle="2013-2017", countries=MEMBER_CODES,
                                 all_cycles=False)
    kf = key_figures(rows, cycle="2013-2017")
    kf = kf[kf["kind"] == "mean threat score"].set_index("country")["rank"].astype(int)

    ch = open_chapter("B", "Method", cycle="2013-2017", workspace=ws.path,
                      output_dir=tmp_path)
    tm = ch.threat()
    one = country_ranking(tm).set_index("country")
    assert len(one) == 13
    explorer = ranking(tm, dict.fromkeys(tm["crime_area"], 1.0)).set_index("country")
    annex = sections.robustness(ch).set_index("country")

    import octasee.charts

    drawn: dict[str, pd.DataFrame] = {}
    draw = octasee.charts.choropleth

    def choropleth(df: pd.DataFrame, **kw: object) -> object:
        drawn["map"] = df.copy()
        return draw(df, **kw)

    monkeypatch.setattr(octasee.charts, "choropleth", choropleth)
    ch2 = open_chapter("02", "Overview", cycle="2013-2017", workspace=ws.path,
                       output_dir=tmp_path)
    sections.regional_map(ch2)
    mapped = drawn["map"].set_index("country")["value"]

    ranks = pd.DataFrame({"key figures": kf, "ranking": one["rank"],
                          "explorer": explorer["rank"], "annex B": annex["rank"],
                          "annex B nominal run": annex["nominal"]})
    assert ranks.notna().all().all() and (ranks.nunique(axis=1) == 1).all(), ranks
    assert mapped.to_dict() == pytest.approx(one["score"].to_dict())
    assert explorer["score"].to_dict() == pytest.approx(one["score"].to_dict())
    # North Macedonia, 6th, 8th and 5th before: one rank now
    assert ranks.loc["MK"].nunique() == 1
    # the explorer's static default view shows the same order
    html = weights_explorer(tm)._static()
    order = [c for c in re.findall(r"<td>([A-Z]{2})</td>", html)]
    assert order == one.index.tolist()
    # annex B says how missing areas count and gives the variants' number from the result
    text = _text(shown)
    assert ("imputed with the area's median score across the member countries that "
            "reported it, so that every country is compared on the same 13 crime areas") in text
    assert "Montenegro 8" in text
    runs = re.search(r"recomputed ([\d,]+) times", text)
    assert runs and runs.group(1) == "3,000"  # 500 base runs x (4 choices + 2)
    assert "under 1,000 variants of the method (dot" in text  # the 2 x 500 base runs
    assert "The nominal variant, the first option of each with the index's weights, is " \
           "the ranking below." in text
    assert "500 variants" not in text


def test_a_chapter_of_some_countries_shows_the_same_scores(sample_workspace, tmp_path,
                                                           shown):
    ws = sample_workspace
    full = open_chapter("02", "Overview", cycle="2013-2017", workspace=ws.path,
                        output_dir=tmp_path)
    some = open_chapter("02", "Overview", cycle="2013-2017", workspace=ws.path,
                        countries=["RS", "HR"], output_dir=tmp_path)
    a = sections._threat(full)[0].set_index(["country", "crime_area"])["value"]
    b = sections._threat(some)[0].set_index(["country", "crime_area"])["value"]
    assert set(b.index.get_level_values("country")) == {"RS", "HR"}
    assert b.to_dict() == pytest.approx(a.loc[["HR", "RS"]].to_dict())
    # Serbia's excise score: about 1.0 among all members (it was 10.0 with RS and HR only)
    assert b[("RS", "excise_goods")] == pytest.approx(0.9968, abs=1e-3)
    # the explorer ranks among all members and shows the selection
    tm = sections.threat_overview(some)
    assert set(tm["country"]) == set(MEMBER_CODES)
    html = sections.explore_weights(some, tm)._static()
    assert sorted(re.findall(r"<td>([A-Z]{2})</td>", html)) == ["HR", "RS"]
