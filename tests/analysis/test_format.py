"""How numbers are printed."""

from __future__ import annotations

from octasee.analysis.format import (
    fmt_change,
    fmt_count,
    fmt_range,
    fmt_share,
    fmt_value,
    fmt_year,
)


def test_counts_have_thousands_commas_and_no_decimals():
    assert fmt_count(1257) == "1,257"
    assert fmt_count(1256.6) == "1,257"
    assert fmt_count(98000.0) == "98,000"
    assert fmt_value(1_858_913, "count") == "1,858,913"


def test_years_are_never_printed_with_a_comma():
    assert fmt_year(2017) == "2017"
    assert fmt_year(2017.0) == "2017"
    assert fmt_value(2017, "year") == "2017"


def test_values_carry_their_unit():
    assert fmt_value(7492.4, "kg") == "7,492 kg"
    assert fmt_value(4.25, "kg") == "4.2 kg"
    assert fmt_value(1_234_567, "EUR") == "EUR 1.2 million"
    assert fmt_value(2_534_945_000, "EUR") == "EUR 2.5 billion"
    assert fmt_value(12_345, "EUR") == "EUR 12,345"
    assert fmt_value(5.25, "score") == "5.2"
    assert fmt_value(6.0, "score") == "6.0"


def test_percentages_are_signed_changes_and_shares_unsigned():
    assert fmt_value(72.4, "%") == "+72%"
    assert fmt_change(-19.6) == "-20%"
    assert fmt_change(0.3) == "0%"
    assert fmt_share(0.79) == "79%"
    assert fmt_share(0.873) == "87%"


def test_a_range_says_its_unit_once():
    assert fmt_range(0, 36823, "kg") == "0 to 36,823 kg"
    assert fmt_range(1185, 2818, "count") == "1,185 to 2,818"


def test_missing_values_print_as_na():
    assert fmt_count(float("nan")) == "n/a"
    assert fmt_value(None, "kg") == "n/a"
