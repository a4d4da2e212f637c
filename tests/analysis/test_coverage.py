"""Coverage (who reported which years) and regional series on a declared panel."""

from __future__ import annotations

import pytest

from octasee.analysis.coverage import (
    balanced_span,
    coverage,
    coverage_phrase,
    panel_series,
)
from octasee.errors import UsageError

from .conftest import frame, series_rows


def _rows():
    # AL every year; RS misses 2015; ME only 2013; HR never (asked, not in the data)
    return frame(series_rows("AL", {2013: 10, 2014: 10, 2015: 10, 2016: 10}),
                 series_rows("RS", {2013: 5, 2014: 5, 2016: 5}),
                 series_rows("ME", {2013: 1}))


def test_coverage_counts_k_of_n_per_year_and_names_the_gaps():
    c = coverage(_rows(), "heroin_seized", "heroin", countries=["AL", "RS", "ME", "HR"],
                 years=range(2013, 2017))
    assert c.n == 4
    assert c.per_year == {2013: 3, 2014: 2, 2015: 1, 2016: 2}
    assert c.never == ("HR",)
    assert ("RS", 2015) in c.missing and ("ME", 2014) in c.missing
    assert len(c.missing) == 4 * 4 - (3 + 2 + 1 + 2)
    assert c.gaps == ("RS", "ME", "HR")
    assert not c.complete
    assert c.phrase(2013) == "reported by 3 of 4 member countries"
    assert c.phrase() == "reported by 1 to 3 of 4 member countries, depending on the year"


def test_breakdown_rows_and_missing_values_do_not_count_as_reported():
    rows = frame(series_rows("AL", {2016: 10}), series_rows("RS", {2016: float("nan")}))
    extra = series_rows("ME", {2016: 3})
    extra[0]["breakdown"] = "AF"
    rows = frame(rows.to_dict("records"), extra)
    c = coverage(rows, "heroin_seized", "heroin", countries=["AL", "RS", "ME"],
                 years=[2016])
    assert c.per_year == {2016: 1}


def test_coverage_phrase_is_computed():
    assert coverage_phrase(12, 13) == "reported by 12 of 13 member countries"
    assert coverage_phrase(13, 13) == "reported by all 13 member countries"
    assert coverage_phrase(0, 13) == "reported by none of the 13 member countries"
    with pytest.raises(UsageError):
        coverage_phrase(14, 13)


def test_a_balanced_panel_keeps_only_countries_reporting_every_year():
    p = panel_series(_rows(), "heroin_seized", "heroin")
    assert p.years == (2013, 2014, 2015, 2016)
    assert p.countries == ("AL",)
    assert p.left_out == ("ME", "RS")
    assert p.series["value"].tolist() == [10.0, 10.0, 10.0, 10.0]
    assert p.balanced


def test_the_all_panel_sums_whoever_reported_and_says_how_many():
    p = panel_series(_rows(), "heroin_seized", "heroin", panel="all")
    assert p.series["value"].tolist() == [16.0, 15.0, 10.0, 15.0]
    assert p.series["countries"].tolist() == [3, 2, 1, 2]
    assert not p.balanced
    with pytest.raises(UsageError):
        panel_series(_rows(), "heroin_seized", "heroin", panel="some")


def test_balanced_span_is_the_longest_run_keeping_three_quarters_of_the_reporters():
    rows = frame(*[series_rows(c, {y: 1 for y in range(2009, 2018)}) for c in "ABC"],
                 series_rows("D", {y: 1 for y in range(2013, 2018)}))
    # 2009-2017: 3 of 4 reporters every year (75 %) -> the whole run
    assert balanced_span(rows, "heroin_seized", "heroin") == tuple(range(2009, 2018))
    rows = frame(rows.to_dict("records"),
                 series_rows("E", {y: 1 for y in range(2014, 2018)}))
    # now 2009-2012 and on keep 3 of 5 (60 %); 2013-2017 keeps 4 of 5 (80 %: E misses 2013)
    assert balanced_span(rows, "heroin_seized", "heroin") == tuple(range(2013, 2018))
