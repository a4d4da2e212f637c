"""How numbers are printed."""

from __future__ import annotations

import pandas as pd

from octasee.analysis.format import (
    ARROW,
    fmt_change,
    fmt_count,
    fmt_number,
    fmt_range,
    fmt_share,
    fmt_transition,
    fmt_value,
    fmt_year,
)
from octasee.chapters.context import _formatters


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


def test_a_number_of_1000_or_more_has_no_decimal():
    # Table 8.2: cigarettes per 100,000 residents printed 2,139,680.5.
    assert fmt_number(2_139_680.7) == "2,139,681"
    assert fmt_number(1_270_892_766.04) == "1,270,892,766"  # public Table 11.7
    assert fmt_number(817.34) == "817.3"
    assert fmt_number(999.94) == "999.9"
    assert fmt_number(-1234.6) == "-1,235"
    assert fmt_number(12.0, whole=True) == "12"
    assert fmt_number(float("nan")) == "–"


def test_table_columns_print_large_rates_without_decimals():
    df = pd.DataFrame({"Cigarettes seized (pieces per 100,000 residents)": [2_139_680.5,
                                                                             118_318.04, 36.25],
                       "Criminal cases opened": [69.0, 2276.0, 20.0],
                       "Year": [2017, 2016, 2015]})
    f = _formatters(df, df)
    assert [f[df.columns[0]](x) for x in df[df.columns[0]]] == ["2,139,680", "118,318", "36.2"]
    assert [f["Criminal cases opened"](x) for x in df["Criminal cases opened"]] == [
        "69", "2,276", "20"]
    assert f["Year"](2017) == "2017"
    assert f[df.columns[0]](float("nan")) == "–"


def test_a_transition_has_a_space_on_each_side_of_its_arrow():
    # Public Table 11.7 printed "–→7".
    assert ARROW == "\u00a0→\u00a0"
    assert fmt_transition(13, 12) == "13\u00a0→\u00a012"
    assert fmt_transition("11-13", "10-13") == "11-13\u00a0→\u00a010-13"
    assert fmt_transition("", "7") == "none\u00a0→\u00a07"
    assert fmt_transition(None, float("nan"), missing="not reported") == (
        "not reported\u00a0→\u00a0not reported")
    assert fmt_transition(1500, 2000) == "1,500\u00a0→\u00a02,000"
