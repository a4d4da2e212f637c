"""UNODC GLOTIP: nothing dropped, ``<5`` censored, UN-style names resolved."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from octasee.errors import SourceError
from octasee.reference import MEMBER_CODES
from octasee.sources.glotip import (
    CITATION,
    FILE,
    detected_victims_total,
    load_glotip,
    parse_values,
)


def test_every_row_is_kept(rows) -> None:
    raw = rows(FILE)
    assert len(raw) == 5148
    t = load_glotip()
    assert len(t) == len(raw) == 5148
    assert sorted(t["source_row"]) == list(range(2, 5148 + 2))
    assert len(load_glotip(members_only=False)) == 5148


def test_less_than_five_is_censored_not_dropped(rows) -> None:
    raw = rows(FILE)
    n_censored = sum(r["txtVALUE"] == "<5" for r in raw)
    assert n_censored == 2101
    t = load_glotip()
    cens = t[t["censored"]]
    assert len(cens) == n_censored
    assert cens["value"].isna().all()
    assert (cens["value_text"] == "<5").all()
    # every uncensored row has its number
    assert t.loc[~t["censored"], "value"].notna().sum() == sum(
        r["txtVALUE"] not in ("<5", "") for r in raw)


def test_values_match_the_file_row_by_row(rows) -> None:
    raw = rows(FILE)
    t = load_glotip()
    for rec in t.sample(300, random_state=1).to_dict("records"):
        line = raw[rec["source_row"] - 2]
        assert line["txtVALUE"] == rec["value_text"]
        assert line["Indicator"] == rec["indicator"]
        assert int(line["Year"]) == rec["year"]
        if not rec["censored"] and line["txtVALUE"]:
            assert rec["value"] == float(line["txtVALUE"].replace(",", ""))


def test_thousands_separator() -> None:
    t = load_glotip()
    row = t[(t.country == "RO") & (t.year == 2005) & (t.category == "Sexual exploitation")
            & (t.indicator == "Detected trafficking victims")]
    assert row["value_text"].tolist() == ["1,011"]
    assert row["value"].tolist() == [1011.0]


def test_un_names_resolve_to_members() -> None:
    t = load_glotip()
    assert set(t["country"]) == set(MEMBER_CODES)
    names = t.groupby("country")["published_name"].first()
    assert names["TR"] == "Türkiye"
    assert names["MD"] == "Republic of Moldova"
    assert names["MK"] == "North Macedonia"
    assert (t.groupby("country")["iso3"].first()["TR"]) == "TUR"


def test_category_countries() -> None:
    t = load_glotip()
    by_cat = t.dropna(subset=["category_country"]).groupby("category")[
        "category_country"].first()
    assert by_cat["The former Yugoslav Republic of Macedonia"] == "MK"
    assert by_cat["Kosovo under UNSCR 1244"] == "XK"
    assert by_cat["TÃ¼rkiye"] == "TR"  # mojibake in the source, repaired for matching
    assert t.loc[t.dimension == "by form of exploitation", "category_country"].isna().all()


def test_detected_victims_total() -> None:
    v = detected_victims_total()
    assert not v.duplicated(["country", "year"]).any()
    assert set(v["country"]) == set(MEMBER_CODES)
    got = v.set_index(["country", "year"])
    assert got.loc[("RO", 2007), "value"] == 1780
    assert got.loc[("BG", 2012), "value"] == 579
    assert got.loc[("TR", 2021), "value"] == 402
    assert got.loc[("AL", 2021), "value"] == 159
    me = got.loc[("ME", 2015)]
    assert me["censored"] and pd.isna(me["value"]) and me["value_text"] == "<5"
    assert len(v) == 177
    assert v.attrs["citation"] == CITATION


def test_parse_values() -> None:
    out = parse_values(pd.Series(["7", " <5 ", "1,780", ""]))
    assert out["censored"].tolist() == [False, True, False, False]
    assert out["value"].isna().tolist() == [False, True, False, True]
    with pytest.raises(ValueError, match="'about 7'"):
        parse_values(pd.Series(["7", "about 7"]))


def test_unexpected_value_text_is_a_source_error(tmp_path: Path, text) -> None:
    lines = text(FILE).split("\n")
    lines[3] = lines[3].rsplit(",", 2)[0] + ",n.a.,GLOTIP"
    path = tmp_path / "glotip.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(SourceError, match=r"row 4, column 'txtVALUE'.*'n\.a\.'"):
        load_glotip(path=path)


def test_provenance_columns() -> None:
    t = load_glotip()
    assert list(t.columns[-4:]) == ["source", "source_file", "source_row", "citation"]
    assert set(t["source"]) == {"glotip"}
    assert set(t["source_file"].astype(str)) == {FILE}
    assert set(t["citation"].astype(str)) == {CITATION}
