from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from octasee.errors import ScoringError
from octasee.scoring.trends import (
    emerging_threats,
    estimative_term,
    indicator_change,
    robust_trend,
    term_range,
)


def test_change_with_band() -> None:
    d = pd.DataFrame({"country": ["RS"] * 3 + ["AL"] * 2, "indicator": "heroin",
                      "period": ["2010-2012", "2013-2017", "2018-2022", "2013-2017", "2018-2022"],
                      "value": [5.0, 6.0, 6.2, 4.0, 3.0], "se": [0.1, 0.1, 0.2, 0.3, 0.4]})
    out = indicator_change(d, se="se").set_index(["country", "to"])
    r = out.loc[("RS", "2013-2017")]
    assert r["delta"] == pytest.approx(1.0) and r["pct"] == pytest.approx(20.0)
    half = 1.96 * np.sqrt(0.02)
    assert (r["low"], r["high"]) == pytest.approx((1 - half, 1 + half))
    assert r["direction"] == "up"
    assert out.loc[("RS", "2018-2022"), "direction"] == "stable"  # 0.2 +/- 0.44
    assert out.loc[("AL", "2018-2022"), "direction"] == "down"  # -1 +/- 0.98
    assert len(out) == 3


def test_theil_sen_trend_and_projection() -> None:
    t = np.arange(2010, 2020)
    y = 2.0 + 0.5 * (t - 2010)
    y[3] = 40.0  # an outlier that OLS would follow, Theil-Sen does not
    d = pd.DataFrame({"country": "RS", "indicator": "x", "period": t, "value": y})
    r = robust_trend(d).iloc[0]
    assert r["slope"] == pytest.approx(0.5) and r["next_period"] == 2020
    assert r["projection"] == pytest.approx(7.0)
    assert r["projection_low"] <= 7.0 <= r["projection_high"]
    assert r["trend"] == "up"
    short = robust_trend(d.head(2)).iloc[0]
    assert np.isnan(short.get("slope", np.nan))


def test_emerging_threats_low_base_fast_growth() -> None:
    d = pd.DataFrame({"country": ["AL", "AL", "RS", "RS", "ME", "ME"], "indicator": "cyber",
                      "period": [2019, 2021] * 3, "value": [1.0, 2.25, 8.0, 9.0, 2.0, 2.1]})
    out = emerging_threats(d, base_max=2.0).set_index("country")
    # AL: (2.25 / 1)^(1/2) - 1 = 0.5 per year, low base -> emerging
    assert out.loc["AL", "growth"] == pytest.approx(0.5) and out.loc["AL", "emerging"]
    assert not out.loc["RS", "emerging"]  # fast enough? no: 6 %, and a high base
    assert not out.loc["ME", "emerging"]  # low base, slow growth
    q = emerging_threats(d).set_index("country")  # base threshold: lower third of bases
    assert q.loc["AL", "low_base"] and not q.loc["RS", "low_base"]


@pytest.mark.parametrize(("p", "term"), [
    (0.0, "remote chance"), (0.05, "remote chance"), (0.07, "remote chance"),
    (0.075, "highly unlikely"), (0.15, "highly unlikely"), (0.3, "unlikely"),
    (0.45, "realistic possibility"), (0.5, "realistic possibility"), (0.53, "likely"),
    (0.7, "likely"), (0.85, "highly likely"), (0.925, "almost certain"), (1.0, "almost certain"),
])
def test_yardstick(p: float, term: str) -> None:
    assert estimative_term(p) == term


def test_yardstick_gaps_and_vectors() -> None:
    with pytest.raises(ScoringError, match="gap"):
        estimative_term(0.52, strict=True)
    assert estimative_term(0.6, strict=True) == "likely"
    assert estimative_term(np.array([10, 95]), percent=True).tolist() == [
        "highly unlikely", "almost certain"]
    assert term_range("realistic possibility") == (40.0, 50.0)
    with pytest.raises(ScoringError):
        estimative_term(1.5)
