"""Disclosure control: small counts, and the scrub of restricted free text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from octasee.errors import UsageError
from octasee.report.disclosure import (
    WITHHELD,
    restricted_terms,
    scrub_notebook,
    scrub_text,
    suppress_small,
)

from .conftest import CANARIES, HOSTILE


def test_small_counts_are_masked_and_zero_and_threshold_stay():
    df = pd.DataFrame({"c": ["a", "b", "c", "d", "e"], "n": [0, 1, 4, 5, np.nan]})
    out = suppress_small(df, value="n", threshold=5)
    assert out["n"].tolist()[:4] == [0, "<5", "<5", 5] and pd.isna(out["n"].iat[4])
    assert df["n"].tolist()[1] == 1  # the input is not changed


def test_small_counts_aggregate_into_other_per_group():
    df = pd.DataFrame({"country": ["AL"] * 3 + ["RS"] * 3,
                       "area": ["heroin", "cocaine", "cannabis"] * 2,
                       "n": [12, 3, 4, 40, 2, 1]})
    out = suppress_small(df, value="n", threshold=5, by="area")
    assert out.to_dict("records") == [
        {"country": "AL", "area": "heroin", "n": 12},
        {"country": "AL", "area": "other", "n": 7},
        {"country": "RS", "area": "heroin", "n": 40},
        {"country": "RS", "area": "other", "n": "<5"},  # 2 + 1 is still small
    ]


def test_unknown_value_column_is_a_usage_error():
    with pytest.raises(UsageError, match="no column 'cases'"):
        suppress_small(pd.DataFrame({"n": [1]}), value="cases", threshold=5)


def test_scrub_finds_terms_in_every_escaping():
    term = 'Op. "Nightjar" <b>&</b>/x'
    texts = [term, "&lt;b&gt;", '<td>Op. &quot;Nightjar&quot; &lt;b&gt;&amp;&lt;/b&gt;/x</td>',
             '{"t": "Op. \\"Nightjar\\" \\u003cb\\u003e\\u0026\\u003c\\u002fb\\u003e\\u002fx"}']
    for text in (texts[0], texts[2], texts[3]):
        out, n = scrub_text(text, {term})
        assert n == 1 and WITHHELD in out, text
    assert scrub_text(texts[1], {term}) == (texts[1], 0)


def test_scrub_notebook_walks_every_string():
    nb = {"cells": [{"outputs": [{"text": ["a SECRET-TEXT-1 b"]},
                                 {"data": {"text/html": "<p>SECRET-TEXT-1</p>"}}]}],
          "metadata": {"x": 1}}
    out, n = scrub_notebook(nb, {"SECRET-TEXT-1"})
    assert n == 2 and "SECRET" not in str(out) and out["metadata"] == {"x": 1}


def test_restricted_terms_hold_what_only_restricted_rows_hold(workspace):
    terms = restricted_terms(workspace / "store.duckdb")
    for key in ("row_comment", "assessment", "agency"):
        assert CANARIES[key] in terms, key
    assert HOSTILE not in terms  # public text
    assert "Heroin transits along the Balkan route." not in terms
