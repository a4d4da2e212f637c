"""The modus-operandi table: one row per distinct text within a crime area, with every
reporting country, the latest year, the routes that give no text named."""

from __future__ import annotations

import pandas as pd
import pytest

from octasee.analysis.routes import modus_operandi, split_places
from octasee.errors import UsageError


def _routes() -> pd.DataFrame:
    return pd.DataFrame({
        "crime_area": ["heroin", "heroin", "heroin", "cocaine", "heroin"],
        "country": ["RS", "BG", "MK", "HR", "GR"],
        "route_ref": ["RS-1", "BG-1", "MK-1", "HR-1", "GR-1"],
        "commodity": [None, "heroin", "heroin", "cocaine", "heroin"],
        "transport_mode": ["road", "road", "road", "sea", None],
        "modus_operandi": ["Hidden in lorries.", " hidden  in LORRIES. ", "Split between cars.",
                           "Hidden in lorries.", "  "],
        "year": [2016, 2017, None, 2015, 2017],
        "nd": [False, True, False, False, False]})


def test_identical_texts_within_an_area_are_one_row_with_every_reporter():
    mo = modus_operandi(_routes())
    t = mo.table
    assert t[["crime_area", "modus_operandi", "countries", "last_year", "routes", "nd"]
             ].values.tolist() == [
        ["cocaine", "Hidden in lorries.", ("HR",), 2015, 1, False],  # another area
        ["heroin", "Hidden in lorries.", ("BG", "RS"), 2017, 2, True],  # BG's row is ND
        ["heroin", "Split between cars.", ("MK",), None, 1, False]]
    assert t.loc[1, "commodity"] == "heroin" and t.loc[1, "transport_mode"] == "road"
    assert t.loc[1, "route_refs"] == ("RS-1", "BG-1")
    assert mo.undescribed == (("GR", "GR-1"),)  # a blank text is no text


def test_a_missing_column_is_named():
    with pytest.raises(UsageError, match="column 'modus_operandi' is missing"):
        modus_operandi(_routes().drop(columns="modus_operandi"))


def test_split_places():
    assert split_places("AF; IR,TR") == ["AF", "IR", "TR"]
    assert split_places(None) == [] and split_places(pd.NA) == []
