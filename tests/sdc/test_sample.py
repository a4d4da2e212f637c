"""The public view of the sample data: the audit finds nothing, and planted canaries
(small counts and withheld values with unusual exact values) cannot be recovered."""

from __future__ import annotations

import numpy as np
import pytest

from octasee.sdc import DisclosureRules, audit, make_public_view


@pytest.fixture(scope="module")
def indicators(sample_workspace):
    from octasee.store import Store

    with Store(sample_workspace.store_path, read_only=True) as store:
        return store.table("indicators", cycle="2013-2017", variant="restricted")


def test_the_audit_of_the_sample_public_view_reports_nothing(indicators, sample_workspace):
    rules = DisclosureRules.from_settings(sample_workspace)
    view = make_public_view(indicators, rules)
    result = audit(view)
    assert result.ok, [f.message for f in result.findings[:5]]
    assert not result.findings
    assert view.restricted_equals_public()
    assert (view.cells["status"] == "primary").sum() > 100


def test_planted_canaries_cannot_be_recovered(indicators):
    df = indicators.copy()
    tot = df["breakdown"].isna()
    mk = tot & (df.country == "MK") & (df.indicator == "victims_identified") & (df.year == 2017)
    me = tot & (df.country == "ME") & (df.indicator == "heroin_seized") & (df.year == 2015)
    assert mk.sum() == 1 and me.sum() == 1
    df.loc[mk, ["value", "value_reported"]] = 3.0  # a small count
    df.loc[me, ["value", "value_reported", "not_for_dissemination"]] = [1234.567, 1234.567, True]
    view = make_public_view(df, DisclosureRules())
    # not in any public attribute
    for frame in (view.cells, view.margins):
        vals = frame["value"].to_numpy(dtype=float)
        assert not np.isclose(vals, 1234.567).any()
        assert "value_reported" not in frame.columns
    assert view.cell("MK", "victims_identified", "thb", 2017).marker == "<5"
    assert view.cell("ME", "heroin_seized", "heroin", 2015).marker == "x"
    # nor through the totals, the other cells and the markers
    result = audit(view)
    assert result.ok
    iv = result.intervals.set_index(["kind", "country", "indicator", "year"])
    lo, hi = iv.loc[("cell", "MK", "victims_identified", 2017), ["lo", "hi"]]
    assert (lo, hi) == (pytest.approx(1), pytest.approx(4))
    lo, hi = iv.loc[("cell", "ME", "heroin_seized", 2015), ["lo", "hi"]]
    assert lo <= 1234.567 * 0.8 and hi >= 1234.567 * 1.2
