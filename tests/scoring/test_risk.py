from __future__ import annotations

import pandas as pd
import pytest

from octasee.errors import ScoringError
from octasee.scoring.risk import priority_matrix

THREAT = pd.DataFrame({"country": ["AL", "AL", "RS", "RS"],
                       "crime_area": ["cocaine", "heroin", "cocaine", "heroin"],
                       "value": [8.5, 4.0, 5.5, 1.0]})
RES = pd.DataFrame({"country": ["AL", "RS"], "value": [4.0, 7.0]})  # GI-TOC resilience 1..10
CPI = pd.DataFrame({"country": ["AL", "RS"], "value": [38.0, 41.0]})  # TI CPI 0..100
HARM = pd.DataFrame({"country": ["AL", "AL", "RS", "RS"],
                     "crime_area": ["cocaine", "heroin", "cocaine", "heroin"],
                     "value": [0.9, 0.5, 0.9, 0.2]})
RANGES = {"threat": (1, 10), "resilience": (1, 10), "cpi": (0, 100), "harm": (0, 1)}


def test_priority_by_hand() -> None:
    out = priority_matrix(THREAT, {"resilience": (RES, -1), "cpi": (CPI, -1)}, HARM,
                          ranges=RANGES, weights={"resilience": 1, "cpi": 1})
    t = out.table.set_index(["country", "crime_area"])
    r = t.loc[("AL", "cocaine")]
    # threat (8.5-1)/9 = 0.8333; vulnerability mean(1 - 3/9, 1 - 0.38) = mean(.6667, .62)
    assert r["threat"] == pytest.approx(7.5 / 9)
    assert r["vulnerability"] == pytest.approx((2 / 3 + 0.62) / 2)
    lik = 0.6 * 7.5 / 9 + 0.4 * (2 / 3 + 0.62) / 2
    assert r["likelihood"] == pytest.approx(lik)
    assert r["risk"] == pytest.approx(lik * 0.9)
    assert (r["likelihood_band"], r["impact_band"], r["priority"]) == ("high", "high", "high")
    low = t.loc[("RS", "heroin")]
    assert (low["likelihood_band"], low["impact_band"], low["priority"]) == ("low", "low", "low")
    assert t["rank"].min() == 1 and r["rank"] == 1
    m = out.matrix()
    assert m.loc["AL", "cocaine"] == "high" and m.shape == (2, 2)


def test_weights_change_result_and_errors() -> None:
    a = priority_matrix(THREAT, {"resilience": (RES, -1)}, ranges=RANGES)
    b = priority_matrix(THREAT, {"resilience": (RES, -1)}, ranges=RANGES,
                        weights={"threat": 0, "vulnerability": 1})
    tb = b.table.set_index(["country", "crime_area"])
    assert tb.loc[("AL", "cocaine"), "likelihood"] == pytest.approx(1 - 3 / 9)
    assert not a.table["likelihood"].equals(b.table["likelihood"])
    with pytest.raises(ScoringError, match="sum to zero"):
        priority_matrix(THREAT, {}, weights={"threat": 0, "vulnerability": 0})
    with pytest.raises(ScoringError, match="two values"):
        priority_matrix(pd.concat([THREAT, THREAT]), {})
