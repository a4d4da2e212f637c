"""The trend model: Theil-Sen line, residual bootstrap, Laplace bounds, breaks, outliers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from octasee.analysis.trends import (
    detect_break,
    outlier_years,
    theil_sen,
    trend_model,
    trend_probability,
    trend_summary,
)
from octasee.scoring import estimative_term

YEARS = list(range(2009, 2018))


def test_theil_sen_is_scipys():
    from scipy.stats import theilslopes

    rng = np.random.default_rng(3)
    y = 100 + 5 * np.arange(9) + rng.normal(0, 8, 9)
    slope, intercept = theil_sen(YEARS, y)
    ref = theilslopes(y, YEARS)
    assert slope == pytest.approx(ref.slope)
    assert intercept == pytest.approx(ref.intercept)


def test_a_perfectly_linear_rise_is_highly_likely_to_go_on_but_never_certain():
    m = trend_model(YEARS, [10 * i + 100 for i in range(9)], horizon_year=2022)
    assert m.direction == "up"
    assert m.slope == pytest.approx(10.0)
    assert m.level == pytest.approx(100 + 10 * 13)          # 2022 on the line
    assert m.interval == pytest.approx((230.0, 230.0))       # no residuals: no spread
    assert m.bootstrap_up == 1.0                             # every projection is higher
    assert m.probability_up == pytest.approx(10 / 11)        # Laplace: (n+1)/(n+2), n=9
    assert estimative_term(m.probability_up) == "highly likely"


def test_a_perfectly_linear_fall_gets_the_lower_bound():
    m = trend_model(YEARS, [200 - 10 * i for i in range(9)], horizon_year=2022)
    assert m.direction == "down"
    assert m.probability_up == pytest.approx(1 / 11)
    assert m.probability_down == pytest.approx(10 / 11)


def test_four_points_are_never_almost_certain():
    m = trend_model([2014, 2015, 2016, 2017], [1, 2, 3, 4], horizon_year=2022)
    assert m.bootstrap_up == 1.0
    assert m.probability_up == pytest.approx(5 / 6)
    assert estimative_term(m.probability_up) != "almost certain"


def test_a_noisy_flat_series_is_a_coin_toss_and_the_seed_makes_it_repeatable():
    y = [100, 104, 97, 101, 99, 103, 98, 102, 100]
    m = trend_model(YEARS, y, horizon_year=2022)
    assert 0.3 < m.probability_up < 0.7
    assert trend_model(YEARS, y, horizon_year=2022).probability_up == m.probability_up
    lo, hi = m.interval
    assert lo < 100 < hi


def test_the_probability_is_not_the_share_of_rising_year_pairs():
    # every pair of years rises (share 1.0), but the last year sits far above the line:
    # the level in 2022 is not sure to beat it
    y = [100, 101, 102, 103, 104, 105, 106, 107, 160]
    assert trend_probability(YEARS, y) == 1.0
    assert trend_model(YEARS, y, horizon_year=2022).probability_up < 0.9


def test_a_peak_then_a_fall_is_a_break_and_the_part_after_it_points_down():
    y = [100, 110, 120, 130, 140, 400, 300, 200, 100]
    b = detect_break(YEARS, y)
    assert b is not None and b.year == 2014
    assert b.before[0] == pytest.approx(10.0)
    assert b.after[0] == pytest.approx(-100.0)
    after = [(x, v) for x, v in zip(YEARS, y, strict=True) if x >= b.year]
    m = trend_model([x for x, _ in after], [v for _, v in after], horizon_year=2022)
    assert m.direction == "down"
    assert m.probability_up == pytest.approx(1 / 6)          # low for "up"


def test_no_break_in_a_line_or_in_too_short_a_series():
    assert detect_break(YEARS, [10 * i for i in range(9)]) is None
    rng = np.random.default_rng(1)
    assert detect_break(YEARS, 50 + 2 * np.arange(9) + rng.normal(0, 3, 9)) is None
    assert detect_break([2013, 2014, 2015, 2016, 2017], [1, 1, 9, 9, 9]) is None


def test_outlier_years_are_beyond_three_and_a_half_robust_sd():
    y = [10, 12, 11, 14, 90, 15, 17, 16, 19]
    out = outlier_years(YEARS, y)
    assert [o[0] for o in out] == [2013]
    assert out[0][3] > 3.5
    assert outlier_years(YEARS, [10, 12, 11, 14, 13, 15, 17, 16, 19]) == []


def test_after_a_break_a_short_segment_is_not_tested_for_outliers():
    y = [100, 103, 99, 104, 101, 102, 900, 500, 100]
    b = detect_break(YEARS, y)
    assert b is not None and b.year == 2015
    assert all(o[0] < 2015 for o in outlier_years(YEARS, y, b))


def test_the_descriptive_summary_still_works():
    s = trend_summary(pd.DataFrame({"year": [2013, 2014, 2015], "value": [10.0, 15.0, 20.0]}))
    assert (s["change_pct"], s["slope"], s["p_rising"]) == (100.0, 5.0, 1.0)
