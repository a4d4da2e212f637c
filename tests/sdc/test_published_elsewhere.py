"""Figures published elsewhere (``make_public_view(..., known=...)``): a cell that another
table of the public edition prints (UNODC's detected victims) is never a complement, a
withheld cell it would give back is withheld there too, and the audit counts it."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from octasee.errors import DisclosureError
from octasee.sdc import DisclosureRules, audit, make_public_view


def table(values: dict[str, list[float]], *, indicator: str = "arrests", area: str = "heroin",
          years: tuple[int, ...] = (2015, 2016, 2017), nfd: set[tuple[str, int]] = frozenset(),
          unit: str = "count") -> pd.DataFrame:
    return pd.DataFrame([
        {"submission_id": 1, "country": country, "cycle": "2013-2017", "indicator": indicator,
         "crime_area": area, "breakdown": None, "year": y, "value": v, "unit": unit,
         "not_for_dissemination": (country, y) in nfd}
        for country, vals in values.items() for y, v in zip(years, vals, strict=True)])


def suppressed(view) -> set[tuple[str, int]]:
    c = view.cells
    return {(r.country, r.year) for r in c[c["status"] != "published"].itertuples()}


def known_of(cells: dict[tuple[str, int], float | tuple[float, float]], *,
             indicator: str = "arrests", area: str = "heroin") -> pd.DataFrame:
    rows = []
    for (country, year), v in cells.items():
        lo, hi = v if isinstance(v, tuple) else (math.nan, math.nan)
        rows.append({"country": country, "indicator": indicator, "crime_area": area,
                     "year": year, "value": math.nan if isinstance(v, tuple) else v,
                     "lo": lo, "hi": hi, "label": "Table 9.9"})
    return pd.DataFrame(rows)


VALUES = {"AL": [3, 40, 50], "BA": [60, 70, 80], "BG": [90, 100, 110]}


def test_a_complement_printed_elsewhere_is_replaced_by_another():
    df = table(VALUES)
    plain = make_public_view(df)
    comps = suppressed(plain) - {("AL", 2015)}
    assert comps == {("AL", 2016), ("BA", 2015), ("BA", 2016)}
    # another table prints the complements the view would choose
    known = known_of({("AL", 2016): 40, ("BA", 2015): 60, ("BA", 2016): 70})
    # ... so the view made without knowing it leaks, and the audit says so when told
    leak = audit(plain, known=known)
    assert not leak.ok
    assert any(f.cell["country"] == "AL" and f.cell["year"] == 2015 for f in leak.findings)
    assert any("Table 9.9 prints" in " ".join(f.binding) for f in leak.findings)
    view = make_public_view(df, known=known)
    # another cycle: AL 2017 and BG 2015, 2017 (the totals stay published)
    assert suppressed(view) == {("AL", 2015), ("AL", 2017), ("BG", 2015), ("BG", 2017)}
    assert (view.margins["status"] == "published").all()
    assert view.mask_elsewhere == frozenset()
    result = audit(view)
    assert result.ok, [f.message for f in result.findings]
    iv = result.intervals.set_index(["kind", "country", "year"])
    lo, hi = iv.loc[("cell", "AL", 2015), ["lo", "hi"]]
    assert lo <= 1 and hi >= 4


def test_a_withheld_cell_printed_elsewhere_is_withheld_there_too():
    df = table(VALUES)
    exact = make_public_view(df, known=known_of({("AL", 2015): 3}))
    assert exact.mask_elsewhere == {("AL", "arrests", "heroin", 2015)}
    assert audit(exact).ok  # the masked figure is not an equation
    # a "<5" printed elsewhere says no more than the view's own marker: kept, audited
    marker = make_public_view(df, known=known_of({("AL", 2015): (1.0, 4.0)}))
    assert marker.mask_elsewhere == frozenset()
    assert len(marker.elsewhere()) == 1
    assert audit(marker).ok
    # a narrower marker ("<3" where the view says "<5") must be withheld there
    narrow = make_public_view(df, known=known_of({("AL", 2015): (1.0, 3.0)}))
    assert narrow.mask_elsewhere == {("AL", "arrests", "heroin", 2015)}


def test_a_value_not_for_dissemination_printed_elsewhere_is_withheld_there():
    df = table(VALUES, nfd={("BG", 2017)})
    view = make_public_view(df, known=known_of({("BG", 2017): 110}))
    assert view.mask_elsewhere == {("BG", "arrests", "heroin", 2017)}
    assert audit(view).ok
    assert not audit(make_public_view(df), known=known_of({("BG", 2017): 110})).ok


def test_only_figures_that_match_the_restricted_value_count():
    df = table(VALUES)
    plain = make_public_view(df)
    other = known_of({("AL", 2016): 41, ("BA", 2015): 59, ("AL", 2015): 2})  # not the same
    view = make_public_view(df, known=other)
    assert suppressed(view) == suppressed(plain)
    assert view.mask_elsewhere == frozenset() and view.elsewhere() == []
    # another indicator or crime area is another quantity
    view = make_public_view(df, known=known_of({("AL", 2016): 40}, area="cocaine"))
    assert suppressed(view) == suppressed(plain)


def test_a_magnitude_within_its_protection_interval_is_published_elsewhere():
    df = table({"AL": [500.0, 40.0, 50.0], "BA": [60.0, 70.0, 80.0],
                "BG": [90.0, 100.0, 110.0]}, indicator="heroin_seized", unit="kg",
               nfd={("AL", 2015)})
    plain = make_public_view(df)
    comps = suppressed(plain) - {("AL", 2015)}
    assert comps
    # printed rounded elsewhere: within ±20 % of the restricted figures
    known = known_of({k: float(df.loc[(df.country == k[0]) & (df.year == k[1]), "value"]
                               .iloc[0]) + 1.0 for k in comps},
                     indicator="heroin_seized")
    assert not audit(plain, known=known).ok
    view = make_public_view(df, known=known)
    assert not comps & suppressed(view)
    assert audit(view).ok


def test_figures_published_elsewhere_are_checked():
    df = table(VALUES)
    with pytest.raises(DisclosureError, match="no column 'year'"):
        make_public_view(df, known=pd.DataFrame({"country": ["AL"], "indicator": "arrests",
                                                 "crime_area": "heroin", "value": [3]}))
    twice = pd.concat([known_of({("AL", 2016): 40})] * 2, ignore_index=True)
    with pytest.raises(DisclosureError, match="two figures published elsewhere"):
        make_public_view(df, known=twice)
    # a figure not printed (no value, no marker) is no figure
    blank = known_of({("AL", 2016): math.nan})
    assert suppressed(make_public_view(df, known=blank)) == suppressed(make_public_view(df))


def test_the_output_check_counts_them(tmp_path):
    from octasee.sdc import check_release

    view, result, paths = check_release(table(VALUES), DisclosureRules(), tmp_path,
                                        known=known_of({("AL", 2015): 3, ("BG", 2017): 110}))
    assert result.ok and view.mask_elsewhere
    text = paths[1].read_text("utf-8")
    assert '"cells the other publication must withhold": 1' in text
    assert '"cells published elsewhere (audited as equations)": 1' in text


# ------------------------------------------------------------------ the sample: UNODC
@pytest.fixture(scope="module")
def sample(sample_workspace):
    from octasee.chapters.disclosure import published_elsewhere, restricted_indicators

    ws = sample_workspace
    rules = DisclosureRules.from_settings(ws)
    rows = restricted_indicators(ws.store_path, cycle="2013-2017", countries=ws.expected)
    known = published_elsewhere(ws.expected, range(2013, 2018), rules=rules)
    return rows, rules, known


def test_unodc_prints_the_sample_victims_as_the_questionnaire_holds_them(sample):
    rows, _, known = sample
    assert set(known[["indicator", "crime_area"]].drop_duplicates().itertuples(
        index=False, name=None)) == {("victims_identified", "thb"), ("convictions", "thb")}
    known = known[known.indicator == "victims_identified"]
    q = rows[(rows.indicator == "victims_identified") & rows.breakdown.isna()
             & rows.year.between(2013, 2017)].set_index(["country", "year"])["value"]
    exact = known.dropna(subset=["value"]).set_index(["country", "year"])["value"]
    assert (q.reindex(exact.index) == exact).all()  # the very same numbers
    me = known[(known.country == "ME") & (known.year == 2016)].iloc[0]
    assert (me["text"], me["lo"], me["hi"]) == ("<5", 1.0, 4.0)  # never printed as 0


def test_the_reviewers_attack_on_the_sample(sample):
    """Table 6.2 printed the complements the view chose (Slovenia 2013-2016, North
    Macedonia 2014, Montenegro 2017): with the regional totals, a reader recovered
    Montenegro 2014 and 2016, North Macedonia 2017 and Montenegro 2013. The audit finds it
    once told of the UNODC figures; the view made knowing them leaves nothing to find."""
    rows, rules, known = sample
    before = make_public_view(rows, rules)
    assert audit(before).ok  # blind to the other table
    leak = audit(before, known=known)
    found = {(f.cell["country"], f.cell["year"]) for f in leak.findings}
    assert {("ME", 2014), ("ME", 2016), ("MK", 2017), ("ME", 2013)} <= found
    after = make_public_view(rows, rules, known=known)
    result = audit(after)
    assert result.ok, [f.message for f in result.findings[:5]]
    assert after.restricted_equals_public()
    printed = {(r.country, int(r.year)) for r in known.itertuples() if not math.isnan(r.value)}
    for country, year in printed:
        cell = after.cell(country, "victims_identified", "thb", year)
        assert cell is None or cell.status != "complementary", (country, year)
    # Montenegro 2013, not for dissemination, is "<5" at UNODC: [1, 4] is narrower than
    # its protection interval, so the UNODC table withholds it too
    assert ("ME", "victims_identified", "thb", 2013) in after.mask_elsewhere
    assert {m[1] for m in after.mask_elsewhere} <= {"victims_identified", "convictions"}


def test_unodc_convictions_are_known_to_the_view_too(sample):
    """Table 6.3 (UNODC's persons convicted) is the same channel for the questionnaire's
    convictions (thb): its figures are equations of the audit, and the view made knowing
    them leaves nothing a reader can narrow."""
    rows, rules, known = sample
    conv = known[known.indicator == "convictions"]
    assert len(conv) and set(conv["label"]) == {
        "UNODC's persons convicted of trafficking (GLOTIP table)"}
    view = make_public_view(rows, rules, known=known)
    assert audit(view).ok
