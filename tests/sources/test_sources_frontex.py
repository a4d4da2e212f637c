"""Frontex detections: published Western Balkan Route figures from both files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from octasee.errors import SourceError, UsageError
from octasee.sources.frontex import (
    ANNUAL_FILE,
    CITATION,
    DATA_END,
    MONTHLY_FILE,
    REGION_ROUTES,
    load_frontex_annual,
    load_frontex_monthly,
)

WBR = "Western Balkan Route"
PUBLISHED_WBR = {2015: 764_033, 2016: 130_261, 2022: 144_118}


@pytest.mark.parametrize(("year", "detections"), sorted(PUBLISHED_WBR.items()))
def test_western_balkan_route_from_monthly_extract(year: int, detections: int) -> None:
    m = load_frontex_monthly(routes=[WBR])
    assert int(m.loc[m["year"] == year, "detections"].sum()) == detections


@pytest.mark.parametrize(("year", "detections"), sorted(PUBLISHED_WBR.items()))
def test_western_balkan_route_from_annual_file(year: int, detections: int) -> None:
    a = load_frontex_annual()
    got = a.loc[(a["route"] == WBR) & (a["year"] == year), "detections"]
    assert got.tolist() == [detections]


def test_monthly_sums_equal_annual_for_every_region_route() -> None:
    m = load_frontex_monthly()
    monthly = m.groupby(["route", "year"])["detections"].sum()
    annual = load_frontex_annual(routes=REGION_ROUTES).set_index(["route", "year"])["detections"]
    joined = pd.concat([monthly.rename("m"), annual.rename("a")], axis=1).fillna(0)
    assert len(joined) == len(REGION_ROUTES) * 17
    assert (joined["m"] == joined["a"]).all()


def test_extract_holds_exactly_the_region_routes(rows, data_dir: Path) -> None:
    raw = rows(MONTHLY_FILE)
    assert {r["route"] for r in raw} == set(REGION_ROUTES)
    assert len(raw) == 21_515
    assert (data_dir / MONTHLY_FILE).stat().st_size < 200_000
    m = load_frontex_monthly()
    assert len(m) == len(raw)
    assert m["date"].min() == pd.Timestamp("2009-01-01")
    assert m["date"].max() == DATA_END
    assert str(m["detections"].dtype) == "Int64"
    assert (m["detections"] > 0).all()
    assert set(m["border_type"]) == {"Land", "Sea"}


def test_source_rows_point_at_the_extract(rows) -> None:
    raw = rows(MONTHLY_FILE)
    m = load_frontex_monthly()
    for rec in m.sample(200, random_state=3).to_dict("records"):
        line = raw[rec["source_row"] - 2]
        assert line["route"] == rec["route"]
        assert line["nat"] == rec["nationality"]
        assert line["date"] == rec["date"].strftime("%Y-%m-%d")
        assert float(line["n"]) == rec["detections"]


def test_nationality_codes() -> None:
    m = load_frontex_monthly()
    pairs = m.drop_duplicates("nationality").set_index("nationality")["nationality_iso2"]
    assert pairs["AFG"] == "AF"
    assert pairs["SYR"] == "SY"
    assert pairs["XKX"] == "XK"
    assert pairs["ALB"] == "AL"
    assert pairs[["STL", "OOO"]].isna().all()
    resolved = pairs.dropna()
    assert resolved.str.fullmatch(r"[A-Z]{2}").all()


def test_annual_table() -> None:
    a = load_frontex_annual()
    assert len(a) == 17 * 9
    assert a["year"].min() == 2009 and a["year"].max() == 2025
    assert not a.loc[a["year"] == 2025, "complete"].any()
    assert a.loc[a["year"] < 2025, "complete"].all()
    assert set(a["source_file"].astype(str)) == {ANNUAL_FILE}
    assert set(a["citation"].astype(str)) == {CITATION}
    wbr_2015 = a[(a.route == WBR) & (a.year == 2015)]
    assert wbr_2015["source_row"].tolist() == [2015 - 2009 + 2]


def test_unknown_route_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="Western Balkans Route"):
        load_frontex_monthly(routes=["Western Balkans Route"])
    with pytest.raises(UsageError):
        load_frontex_annual(routes="Balkan")


def test_bad_count_is_a_source_error(tmp_path: Path, text) -> None:
    lines = text(ANNUAL_FILE).split("\n")
    lines[2] = lines[2].replace("4450.0", "-4450.0")
    path = tmp_path / "annual.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(SourceError, match=r"row 3.*'-4450.0' is not a count"):
        load_frontex_annual(path=path)
