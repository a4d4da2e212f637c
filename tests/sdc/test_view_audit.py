"""Disclosure control of the public edition: primary and complementary suppression, the
attack audit and the output-checking report (octasee.sdc)."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from octasee.errors import DisclosureError
from octasee.sdc import (
    DisclosureRules,
    Publication,
    audit,
    check_release,
    make_public_view,
    read_publications,
    write_output_check,
)


def table(values: dict[str, list[float]], *, indicator: str = "arrests", area: str = "heroin",
          years: tuple[int, ...] = (2015, 2016, 2017), nfd: set[tuple[str, int]] = frozenset(),
          unit: str = "count") -> pd.DataFrame:
    rows = []
    for country, vals in values.items():
        for y, v in zip(years, vals, strict=True):
            if v is None:
                continue
            rows.append({"submission_id": 1, "country": country, "cycle": "2013-2017",
                         "indicator": indicator, "crime_area": area, "breakdown": None,
                         "year": y, "value": v, "unit": unit,
                         "not_for_dissemination": (country, y) in nfd,
                         "value_reported": v, "comment": f"{v} as reported"})
    return pd.DataFrame(rows)


def suppressed(view) -> set[tuple[str, int]]:
    c = view.cells
    return {(r.country, r.year) for r in c[c["status"] != "published"].itertuples()}


# ------------------------------------------------------------------ primary + complementary
def test_a_single_small_cell_gets_complements_and_nothing_leaks():
    df = table({"AL": [3, 40, 50], "BA": [60, 70, 80], "BG": [90, 100, 110]})
    view = make_public_view(df, DisclosureRules())
    cell = view.cell("AL", "arrests", "heroin", 2015)
    assert (cell.status, cell.marker, cell.reason) == ("primary", "<5", "count below 5")
    assert math.isnan(cell.value)
    comp = view.cells[view.cells["status"] == "complementary"]
    assert len(comp) >= 3  # a rectangle: its row, its column and the opposite corner
    assert set(comp["marker"]) == {"x"}
    # the margins stay published (small cells are cheaper to withhold than totals)
    assert (view.margins["status"] == "published").all()
    # no public attribute holds a withheld value, nor the columns that could
    assert "value_reported" not in view.cells.columns and "comment" not in view.cells
    assert not view.cells.loc[view.cells["status"] != "published", "value"].notna().any()
    assert view.restricted_equals_public()
    result = audit(view)
    assert result.ok, [f.message for f in result.findings]
    iv = result.intervals.set_index(["country", "year"]).loc[("AL", 2015)]
    assert (iv["lo"], iv["hi"]) == (pytest.approx(1), pytest.approx(4))


def test_two_small_cells_in_one_row_and_column_need_a_rectangle():
    df = table({"AL": [2, 30, 40], "BA": [50, 1, 45], "BG": [55, 65, 75]})
    view = make_public_view(df, DisclosureRules())
    sup = suppressed(view)
    assert {("AL", 2015), ("BA", 2016)} <= sup
    # every row and column with a suppressed cell has at least two of them
    for c in {c for c, _ in sup}:
        assert sum(1 for x, _ in sup if x == c) >= 2
    for y in {y for _, y in sup}:
        assert sum(1 for _, x in sup if x == y) >= 2
    assert audit(view).ok


def test_not_for_dissemination_is_suppressed_and_protected_by_ratio():
    df = table({"AL": [100, 120, 140], "BA": [200, 210, 220], "BG": [300, 310, 320]},
               indicator="heroin_seized", unit="kg", nfd={("BA", 2016)})
    view = make_public_view(df, DisclosureRules(protection_ratio=0.2))
    c = view.cell("BA", "heroin_seized", "heroin", 2016)
    assert (c.status, c.marker, c.reason) == ("primary", "x", "not for dissemination")
    # the totals are the restricted ones: the withheld 210 is in them
    year = view.regional_series("heroin_seized", "heroin").set_index("year")
    assert year.loc[2016, "value"] == 120 + 210 + 310 or year.loc[2016, "status"] != "published"
    result = audit(view)
    assert result.ok
    iv = result.intervals.set_index(["kind", "country", "year"]).loc[("cell", "BA", 2016)]
    assert iv["lo"] <= 210 * 0.8 + 1e-6 and iv["hi"] >= 210 * 1.2 - 1e-6


def test_a_small_total_is_withheld_without_pinning_its_cells():
    # three "<5" cells in one row: a "<5" total would pin each to 1 or 2
    df = table({"ME": [1, 1, 1], "AL": [40, 50, 60], "BA": [45, 55, 65]}, indicator="convictions")
    view = make_public_view(df, DisclosureRules())
    m = view.margins
    me = m[(m["kind"] == "country") & (m["country"] == "ME")].iloc[0]
    assert (me["status"], me["marker"], me["reason"]) == ("primary", "x", "total below 5")
    assert audit(view).ok


def test_other_counts_have_their_own_threshold_and_magnitudes_none():
    rules = DisclosureRules(threshold=5, min_other_count=3)
    df = pd.concat([table({"AL": [4, 30, 40], "BA": [2, 30, 40]}, indicator="cases"),
                    table({"AL": [0.5, 30, 40], "BA": [2, 30, 40]}, indicator="heroin_seized",
                          unit="kg")])
    view = make_public_view(df, rules)
    c = view.cells.set_index(["indicator", "country", "year"])
    assert c.loc[("cases", "AL", 2015), "status"] != "primary"  # 4 ≥ 3
    assert c.loc[("cases", "BA", 2015), "marker"] == "<3"
    assert (c.loc["heroin_seized", "status"] == "published").all()


def test_dominance_on_totals_of_magnitudes_when_asked():
    df = table({"AL": [1000, 1000, 1000], "BA": [5, 5, 5], "BG": [4, 6, 5]},
               indicator="heroin_seized", unit="kg")
    assert (make_public_view(df).margins["status"] == "published").all()
    view = make_public_view(df, DisclosureRules(dominance="nk", dominance_n=1,
                                                dominance_k=0.9))
    m = view.margins
    assert set(m.loc[m["kind"] == "year", "reason"]) == {"dominance (nk rule)"}
    assert audit(view).ok


def test_cells_of_a_country_that_reported_one_year_only():
    df = table({"AL": [3, None, None], "BA": [60, 70, 80], "BG": [90, 100, 110]})
    view = make_public_view(df)
    assert audit(view).ok


# ------------------------------------------------------------------ the audit
def test_the_old_approach_fails_the_audit():
    """suppress_small on the printed table with its totals published: the total minus the
    published cells gives the small count back exactly."""
    from octasee.report.disclosure import suppress_small

    df = table({"AL": [40, 50, 60], "MK": [60, 70, 3], "RS": [90, 100, 110]},
               indicator="victims_identified", area="thb")
    printed = suppress_small(df, value="value", threshold=5)
    assert printed.loc[(printed.country == "MK") & (printed.year == 2017), "value"].item() == "<5"
    view = make_public_view(df)
    # what the old report published: every cell but the "<5" one, and every total
    s = view._structures[0]
    for e in range(s.n):
        if not (s.etype[e] == "cell" and s.countries[s.row[e]] == "MK"
                and s.years[s.col[e]] == 2017):
            s.status[e], s.marker[e], s.reason[e] = "published", "", ""
    result = audit(view)
    assert not result.ok
    (f,) = result.findings
    assert f.cell["country"] == "MK" and f.cell["year"] == 2017
    assert f.interval == (pytest.approx(3), pytest.approx(3))
    assert "add up" in f.message and "MK 2017" in f.message
    with pytest.raises(DisclosureError, match="MK 2017 of victims_identified"):
        result.raise_if_failed()


def test_intervals_match_hand_computed_ones():
    # AL 2015 = 3 ("<5") and its rectangle; by hand, with AL 2016 ≥ 5, BA 2015 ≥ 5:
    df = table({"AL": [3, 10, 20], "BA": [12, 30, 40]}, years=(2015, 2016, 2017))
    view = make_public_view(df)
    sup = suppressed(view)
    assert sup == {("AL", 2015), ("AL", 2016), ("BA", 2015), ("BA", 2016)}
    iv = audit(view).intervals.set_index(["country", "year"])
    # row AL: a + b = 13; column 2015: a + c = 15; a in [1, 4], b, c, d >= 5
    assert (iv.loc[("AL", 2015), "lo"], iv.loc[("AL", 2015), "hi"]) == (
        pytest.approx(1), pytest.approx(4))
    assert (iv.loc[("AL", 2016), "lo"], iv.loc[("AL", 2016), "hi"]) == (
        pytest.approx(9), pytest.approx(12))
    assert (iv.loc[("BA", 2015), "lo"], iv.loc[("BA", 2015), "hi"]) == (
        pytest.approx(11), pytest.approx(14))


def test_an_extra_publication_such_as_a_printed_rate_can_narrow():
    df = table({"AL": [3, 10, 20], "BA": [12, 30, 40]})
    view = make_public_view(df)
    assert audit(view).ok
    # a rate printed as 0.1 per 100,000 for 2.8 million people: 1.4 to 4.2 persons
    rate = Publication("Table 6.2", {("AL", "arrests", "heroin", 2015): 1e5 / 2.8e6},
                       0.05, 0.15)
    found = audit(view, extra=[rate])
    assert not found.ok and found.findings[0].interval[0] == pytest.approx(1.4)
    assert "Table 6.2" in found.findings[0].message
    coarse = Publication("Table 6.2", {("AL", "arrests", "heroin", 2015): 1e5 / 2.8e6},
                         0, 0.5)  # printed "<0.5": at most 14 persons
    assert audit(view, extra=[coarse]).ok
    tight = Publication("Figure 6.1", {("AL", "arrests", "heroin", 2015): 1.0,
                                       ("cell", "AL", "arrests", "heroin", 2016): 1.0},
                        13, 13)
    share = Publication("Table 6.3", {("AL", "arrests", "heroin", 2015): 1.0}, 2.5, 3.5)
    result = audit(view, extra=[tight, share])
    assert not result.ok
    assert any("Table 6.3" in b for f in result.findings for b in f.binding)


def test_the_audit_never_passes_silently_on_contradictions():
    df = table({"AL": [3, 10, 20], "BA": [12, 30, 40]})
    view = make_public_view(df)
    bad = Publication("Table 9.9", {("AL", "arrests", "heroin", 2015): 1.0}, 50, 60)
    with pytest.raises(DisclosureError, match="contradict"):
        audit(view, extra=[bad])
    with pytest.raises(DisclosureError, match="no published cell"):
        audit(view, extra=[Publication("T", {("XX", "arrests", "heroin", 2015): 1}, 0, 1)])


def test_rules_refuse_values_they_cannot_use():
    with pytest.raises(DisclosureError, match="threshold must be a whole number"):
        DisclosureRules(threshold=0)
    with pytest.raises(DisclosureError, match="protection_ratio"):
        DisclosureRules(protection_ratio=0)


# ------------------------------------------------------------------ property
@st.composite
def tables(draw):
    n_c = draw(st.integers(2, 5))
    n_y = draw(st.integers(2, 4))
    values = {}
    for i in range(n_c):
        row = []
        for _ in range(n_y):
            kind = draw(st.sampled_from(["small", "big", "zero", "missing", "big"]))
            row.append({"small": draw(st.integers(1, 4)), "big": draw(st.integers(5, 200)),
                        "zero": 0, "missing": None}[kind])
        values[f"C{i}"] = row
    years = tuple(range(2013, 2013 + n_y))
    nfd = {(c, y) for c in values for y in years if draw(st.integers(0, 9)) == 0}
    if all(v is None for r in values.values() for v in r):
        values["C0"][0] = 7
    return table(values, years=years, nfd=nfd)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_after_the_view_the_audit_passes_on_random_tables(df):
    view = make_public_view(df, DisclosureRules())
    result = audit(view)
    assert result.ok, [f.message for f in result.findings]
    assert view.restricted_equals_public()
    assert not view.cells.loc[view.cells["status"] != "published", "value"].notna().any()


# ------------------------------------------------------------------ report
def test_output_check_report_and_publications(tmp_path):
    df = table({"AL": [3, 40, 50], "BA": [60, 70, 80], "BG": [90, 100, 110]})
    ch = tmp_path / "04"
    ch.mkdir()
    (ch / "publications.json").write_text(json.dumps([
        {"label": "Table 4.2", "caption": "Arrests <b>by country</b>", "kind": "table",
         "chapter": "04", "structures": [{"indicator": "arrests", "crime_area": "heroin"}]},
        {"label": "Text 4", "caption": "", "kind": "text", "chapter": "04", "structures": []},
    ]), "utf-8")
    pubs = read_publications([ch, tmp_path / "none"])
    assert [p["label"] for p in pubs] == ["Table 4.2", "Text 4"]
    _view, _result, paths = check_release(df, DisclosureRules(), tmp_path / "out", pubs)
    html, js = (p.read_text("utf-8") for p in paths)
    assert "RELEASE" in html and "Table 4.2" in html and "&lt;b&gt;by country" in html
    assert "AL 2015" in html and "count below 5" in html
    assert "http" not in html and "<script" not in html
    data = json.loads(js)
    assert data["verdict"] == "release" and data["totals"]["findings"] == 0
    assert data["publications"][0]["structures"][0]["primary"][0]["entry"] == "AL 2015"
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "publications.json").write_text('{"label": 1}', "utf-8")
    with pytest.raises(DisclosureError, match="publications.json"):
        read_publications([bad])


def test_a_failing_release_writes_the_report_then_raises(tmp_path):
    df = table({"AL": [3, 10, 20], "BA": [12, 30, 40]})
    view = make_public_view(df)
    result = audit(view, extra=[Publication("Table 6.3", {("AL", "arrests", "heroin", 2015): 1},
                                            2.5, 3.5)])
    path = write_output_check(tmp_path / "oc.html", view, result,
                              publications=[{"label": "Table 6.3", "structures": [
                                  {"indicator": "arrests", "crime_area": "heroin"}]}])
    text = path.read_text("utf-8")
    assert "DO NOT RELEASE" in text and "Table 6.3" in text
    assert json.loads(path.with_suffix(".json").read_text("utf-8"))["verdict"] == "do not release"
    with pytest.raises(DisclosureError, match="Table 6.3"):
        result.raise_if_failed()
