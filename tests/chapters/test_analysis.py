"""The numbers behind the chapters, against hand-computed values."""

from __future__ import annotations

import pandas as pd
import pytest

from octasee.chapters import (
    analytic_confidence,
    grading_profile,
    regional_series,
    threat_matrix,
    trend_probability,
    trend_summary,
)
from octasee.widgets import ranking


def _ind(rows):
    base = {"crime_area": "heroin", "indicator": "heroin_seized", "breakdown": None}
    return pd.DataFrame([{**base, **r} for r in rows])


def test_regional_series_sums_totals_only_and_counts_reporters():
    df = _ind([{"country": "RS", "year": 2016, "value": 10.0},
               {"country": "HR", "year": 2016, "value": 5.0},
               {"country": "RS", "year": 2016, "value": 3.0, "breakdown": "AF"},
               {"country": "RS", "year": 2017, "value": 7.0}])
    s = regional_series(df, "heroin_seized")
    assert s.to_dict("list") == {"year": [2016, 2017], "value": [15.0, 7.0],
                                 "countries": [2, 1], "rows": [2, 1], "nd": [False, False]}


def test_threat_matrix_is_per_capita_min_max_mean():
    # Arrests are per 100,000 residents in the index spec (seizures are shares: see
    # tests/analysis/test_threat_method.py). RS 7.02 m residents, ME 0.62 m, HR 4.13 m.
    df = _ind([{"country": "RS", "year": 2017, "value": 702.0},   # 10 per 100k
               {"country": "ME", "year": 2017, "value": 124.0},   # 20 per 100k
               {"country": "HR", "year": 2017, "value": 0.0}]).assign(indicator="arrests")
    tm = threat_matrix(df).set_index("country")["value"]
    assert tm["ME"] == pytest.approx(10.0)
    assert tm["RS"] == pytest.approx(5.0)
    assert tm["HR"] == pytest.approx(0.0)


def test_trend_probability_and_summary():
    assert trend_probability([1, 2, 3], [1, 2, 3]) == 1.0
    assert trend_probability([1, 2, 3], [3, 2, 1]) == 0.0
    # pairs: (1,2)+, (1,3)-, (2,3)- -> 1/3
    assert trend_probability([1, 2, 3], [1, 5, 0]) == pytest.approx(1 / 3)
    s = trend_summary(pd.DataFrame({"year": [2013, 2014, 2015], "value": [10.0, 15.0, 20.0]}))
    assert (s["change_pct"], s["slope"], s["p_rising"]) == (100.0, 5.0, 1.0)


def test_grading_profile_and_confidence():
    rows = pd.DataFrame({"source_reliability": ["A", "B", "B", "C"],
                         "information_assessment": [1, 2, 2, 4]})
    p = grading_profile(rows)
    assert p.loc["B", "information 2"] == 2 and p.loc["C", "information 4"] == 1
    assert p.to_numpy().sum() == 4
    assert analytic_confidence(rows) == "high"       # 3 of 4 are A/B with 1-2
    weak = pd.DataFrame({"source_reliability": ["C", "D", "X"],
                         "information_assessment": [3, 3, 4]})
    assert analytic_confidence(weak) == "low"
    mixed = pd.DataFrame({"source_reliability": ["B", "B", "C", "B"],
                          "information_assessment": [3, 3, 3, 1]})
    assert analytic_confidence(mixed) == "moderate"


def test_suppress_small_counts():
    df = pd.DataFrame({"n": [0, 1, 4, 5, None]})
    from octasee.report.disclosure import suppress_small

    out = suppress_small(df, value="n", threshold=5)["n"].tolist()
    assert out[:4] == [0.0, "<5", "<5", 5.0] and pd.isna(out[4])


def test_weighted_ranking_imputes_missing_areas():
    tm = pd.DataFrame({"country": ["RS", "RS", "HR"], "crime_area": ["heroin", "thb", "heroin"],
                       "value": [8.0, 2.0, 6.0]})
    r = ranking(tm, {"heroin": 1.0, "thb": 3.0})
    # RS: (8*1 + 2*3) / 4 = 3.5; HR's thb imputed with the area's median (RS's 2):
    # (6*1 + 2*3) / 4 = 3.0
    assert r["country"].tolist() == ["RS", "HR"]
    assert r["score"].tolist() == [3.5, 3.0]
    assert r["areas"].tolist() == [2, 1]
    assert ranking(tm, {"heroin": 0.0, "thb": 0.0}).empty
