"""Transparency International CPI 2012-2017."""

from __future__ import annotations

from pathlib import Path

import pytest

from octasee.errors import SourceError
from octasee.reference import MEMBER_CODES
from octasee.sources.cpi import CITATION, FILE, YEARS, load_cpi

# score, standard error, number of sources as published
PUBLISHED = {
    ("RS", 2016): (42.0, 3.69, 7), ("GR", 2012): (36.0, 3.6, 7), ("TR", 2013): (50.0, 2.4, 9),
    ("MK", 2014): (45.0, 5.92, 6), ("MD", 2017): (31.0, 1.54, 9), ("SI", 2015): (60.0, 2.93, 9),
    ("AL", 2012): (33.0, 2.0, 7), ("HU", 2017): (45.0, 2.89, 10),
}


def test_all_members_all_years() -> None:
    c = load_cpi()
    assert len(c) == 13 * 6
    assert set(c["country"]) == set(MEMBER_CODES)
    assert (c.groupby("country")["year"].apply(sorted) == [list(YEARS)] * 13).all()
    assert c[["score", "standard_error", "n_sources"]].notna().all().all()
    assert c["score"].between(0, 100).all()


@pytest.mark.parametrize(("key", "published"), sorted(PUBLISHED.items()))
def test_published_values(key: tuple[str, int], published: tuple[float, float, int]) -> None:
    c = load_cpi().set_index(["country", "year"])
    row = c.loc[key]
    assert (row["score"], row["standard_error"], row["n_sources"]) == published


def test_macedonia_is_north_macedonia() -> None:
    c = load_cpi()
    mk = c[c.country == "MK"]
    assert set(mk["published_name"]) == {"Macedonia"}
    assert set(mk["iso3"]) == {"MKD"}


def test_world_table_and_provenance(rows) -> None:
    raw = rows(FILE)
    c = load_cpi(members_only=False)
    assert len(raw) == 181
    assert len(c) == 181 * 6
    assert c["country"].nunique() == 181
    assert c.loc[c.iso3 == "KSV", "country"].unique().tolist() == ["XK"]
    assert c["score"].isna().sum() > 0  # years a country was not covered keep their row
    rec = c[(c.country == "MK") & (c.year == 2017)].iloc[0]
    assert raw[rec["source_row"] - 2]["Country"] == "Macedonia"
    assert set(c["citation"].astype(str)) == {CITATION}


def test_float_artefacts_rounded(rows) -> None:
    raw = {r["ISO3"]: r for r in rows(FILE)}
    assert raw["GRC"]["Standard error 2015"] == "5.079999923706055"
    c = load_cpi().set_index(["country", "year"])
    assert c.loc[("GR", 2015), "standard_error"] == 5.08


def test_missing_year_column_is_a_source_error(tmp_path: Path, text) -> None:
    path = tmp_path / "cpi.csv"
    path.write_text(text(FILE).replace("Sources 2014", "Sources", 1), encoding="utf-8")
    with pytest.raises(SourceError, match="no column for n_sources 2014"):
        load_cpi(path=path)
