"""Intelligence gaps from coverage, on small frames worked out by hand."""

from __future__ import annotations

import pandas as pd

from octasee.analysis.coverage import coverage
from octasee.analysis.gaps import area_coverage, intelligence_gaps, low_graded

from .conftest import frame, series_rows

YEARS = range(2013, 2018)
COUNTRIES = ["AL", "RS", "ME", "HR"]
SERIES = (("heroin", "heroin_seized"), ("thb", "victims_identified"))


def rows() -> pd.DataFrame:
    """AL reports heroin seized every year, RS misses 2015 (graded D each year), ME
    reports only victims of trafficking, in 2013 and 2014; HR returned nothing."""
    return frame(
        series_rows("AL", {y: 10.0 for y in YEARS}),
        series_rows("RS", {y: 5.0 for y in YEARS if y != 2015}, grade=("D", 2)),
        series_rows("ME", {2013: 3.0, 2014: 4.0}, area="thb", indicator="victims_identified",
                    nd=True),
        # a breakdown row does not count as reported
        [{"country": "ME", "crime_area": "heroin", "indicator": "heroin_seized",
          "breakdown": "Afghanistan", "year": 2016, "value": 2.0, "unit": "kg",
          "source_reliability": "B", "information_assessment": 2,
          "not_for_dissemination": False}],
    )


def test_series_gaps_are_what_coverage_says_is_missing():
    g = intelligence_gaps(rows(), cycle="2013-2017", countries=COUNTRIES,
                          returned=["AL", "RS", "ME"], series=SERIES)
    assert g.not_returned == ("HR",)
    by = {s.crime_area: s for s in g.series}
    assert set(by) == {"heroin", "thb"}
    assert by["heroin"].missing == {"RS": (2015,), "ME": tuple(YEARS), "HR": tuple(YEARS)}
    assert by["thb"].missing == {"AL": tuple(YEARS), "RS": tuple(YEARS),
                                 "ME": (2015, 2016, 2017), "HR": tuple(YEARS)}
    for s in g.series:  # the same as analysis.coverage, country for country
        cov = coverage(rows(), s.indicator, s.crime_area, countries=COUNTRIES, years=YEARS)
        assert s.coverage.missing == cov.missing and s.coverage.gaps == cov.gaps


def test_areas_a_country_reported_nothing_of():
    g = intelligence_gaps(rows(), cycle="2013-2017", countries=COUNTRIES,
                          returned=["AL", "RS", "ME"], series=SERIES,
                          areas=["heroin", "thb", "cocaine"])
    by = {a.crime_area: a for a in g.areas}
    assert by["heroin"].never == ("ME", "HR")  # ME's breakdown row is not a total
    assert by["thb"].never == ("AL", "RS", "HR")
    assert by["cocaine"].never == tuple(COUNTRIES) and by["cocaine"].nobody
    assert not by["heroin"].nobody
    assert g.missing_countries() == {"RS", "ME", "HR", "AL"}


def test_years_without_any_indicator_are_counted_for_countries_that_returned():
    g = intelligence_gaps(rows(), cycle="2013-2017", countries=COUNTRIES,
                          returned=["AL", "RS", "ME"], series=SERIES)
    assert g.silent_years == {"RS": (2015,), "ME": (2015, 2016, 2017)}  # not HR: no return


def test_low_graded_series_half_or_more_rows_graded_d_or_4():
    low = low_graded(rows(), countries=COUNTRIES, years=YEARS, series=SERIES)
    assert [(x.country, x.indicator, x.low, x.rows) for x in low] == [
        ("RS", "heroin_seized", 4, 4)]
    mixed = frame(series_rows("AL", {2013: 1, 2014: 1}, grade=("B", 4)),
                  series_rows("AL", {2015: 1, 2016: 1}, grade=("B", 2)),
                  series_rows("RS", {2013: 1, 2014: 1, 2015: 1}, grade=("B", 2)),
                  series_rows("RS", {2016: 1}, grade=("D", 1), nd=True))
    low = low_graded(mixed, countries=COUNTRIES, years=YEARS, series=SERIES)
    assert [(x.country, x.low, x.rows, x.share, x.nd) for x in low] == [
        ("AL", 2, 4, 0.5, False)]  # RS: 1 of 4, under half


def test_area_coverage_joins_the_areas_indicators():
    d = frame(series_rows("AL", {2013: 1}, area="thb", indicator="victims_identified"),
              series_rows("RS", {2014: 1}, area="thb", indicator="arrests"))
    c = area_coverage(d, "thb", countries=["AL", "RS", "ME"], years=[2013, 2014])
    assert c.by_year == {2013: ("AL",), 2014: ("RS",)}
    assert c.never == ("ME",) and c.gaps == ("AL", "RS", "ME")


def test_nothing_reported_is_every_gap():
    empty = rows().head(0)
    g = intelligence_gaps(empty, cycle="2013-2017", countries=["AL", "RS"], returned=[],
                          series=SERIES, areas=["heroin"])
    assert g.not_returned == ("AL", "RS") and not g.silent_years and not g.low_graded
    assert g.series[0].missing == {"AL": tuple(YEARS), "RS": tuple(YEARS)}
    assert g.areas[0].nobody
