"""GI-TOC Global Organized Crime Index 2021 and 2023: counts, codes, published values."""

from __future__ import annotations

import shutil
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest

from octasee.errors import SourceError, UsageError
from octasee.reference import MEMBER_CODES
from octasee.sources.gitoc import (
    CITATION,
    COMPOSITES,
    FILES,
    gitoc_wide,
    indicators,
    load_gitoc,
    normalise_header,
    resolve_gitoc_country,
)

# (Criminality, Criminal actors, Resilience, Human trafficking) as published, per member.
PUBLISHED: dict[int, dict[str, tuple[float, float, float, float]]] = {
    2021: {
        "AL": (5.63, 6.0, 5.04, 5.0), "BA": (5.89, 6.63, 3.92, 5.5),
        "BG": (5.43, 5.75, 5.29, 6.0), "HR": (5.06, 5.38, 5.58, 4.5),
        "GR": (4.93, 5.75, 5.25, 5.5), "HU": (4.5, 4.25, 5.08, 6.0),
        "MD": (4.45, 5.0, 3.71, 7.5), "ME": (6.0, 7.0, 4.46, 4.5),
        "MK": (5.31, 5.63, 5.21, 5.5), "RO": (4.59, 4.13, 5.58, 6.5),
        "RS": (6.21, 6.88, 4.92, 5.0), "SI": (4.29, 4.63, 6.08, 4.0),
        "TR": (6.89, 7.38, 3.54, 7.0),
    },
    2023: {
        "AL": (5.17, 5.5, 5.13, 5.0), "BA": (5.85, 6.4, 3.88, 5.5),
        "BG": (5.65, 5.9, 5.33, 5.0), "HR": (5.15, 5.4, 5.92, 5.0),
        "GR": (5.35, 6.0, 5.17, 5.5), "HU": (4.62, 4.5, 4.88, 6.5),
        "MD": (5.6, 6.0, 3.92, 7.5), "ME": (5.9, 6.6, 4.75, 5.0),
        "MK": (5.03, 5.2, 5.29, 5.0), "RO": (4.58, 3.9, 6.0, 6.0),
        "RS": (6.22, 6.7, 4.96, 6.0), "SI": (4.37, 4.7, 6.04, 4.0),
        "TR": (7.03, 7.3, 3.38, 8.0),
    },
}
N_SCORES = {2021: 4 + 10 + 4 + 12, 2023: 4 + 15 + 5 + 12}


@pytest.mark.parametrize("edition", [2021, 2023])
def test_193_countries_resolve_to_distinct_codes(edition: int, rows) -> None:
    raw = rows(FILES[edition])
    assert len(raw) == 193
    wide = gitoc_wide(edition, members_only=False)
    assert len(wide) == 193
    assert wide["country"].is_unique
    assert wide["country"].str.fullmatch(r"[A-Z]{2}").all()
    assert sorted(wide["published_name"]) == sorted(r["Country"] for r in raw)
    assert len(load_gitoc(edition, members_only=False)) == 193 * N_SCORES[edition]


@pytest.mark.parametrize(("name", "code"), [
    ("Côte d'Ivoire", "CI"), ("Congo, Dem. Rep.", "CD"), ("Congo, Dem, Rep,", "CD"),
    ("Congo, Rep.", "CG"), ("Micronesia (Federated States of)", "FM"), ("Türkiye", "TR"),
    ("Turkey", "TR"), ("Bolivia", "BO"), ("Korea, DPR", "KP"), ("Korea, Rep,", "KR"),
    ("St. Lucia", "LC"), ("eSwatini", "SZ"), ("Brunei", "BN"), ("North Macedonia", "MK"),
])
def test_resolve_gitoc_country(name: str, code: str) -> None:
    assert resolve_gitoc_country(name) == code


@pytest.mark.parametrize("edition", [2021, 2023])
def test_members_only_by_code_not_region(edition: int) -> None:
    wide = gitoc_wide(edition)
    assert sorted(wide["country"]) == sorted(MEMBER_CODES)
    regions = wide.set_index("country")["region"]
    assert regions["TR"] == "Western Asia"
    assert regions["GR"] == "Southern Europe"
    long = load_gitoc(edition)
    assert set(long["country"]) == set(MEMBER_CODES)
    assert len(long) == 13 * N_SCORES[edition]


@pytest.mark.parametrize("edition", [2021, 2023])
@pytest.mark.parametrize("code", sorted(MEMBER_CODES))
def test_published_member_values(edition: int, code: str) -> None:
    crim, actors, resil, thb = PUBLISHED[edition][code]
    t = load_gitoc(edition).set_index(["country", "indicator"])["value"]
    assert t[(code, "Criminality")] == crim
    assert t[(code, "Criminal actors")] == actors
    assert t[(code, "Resilience")] == resil
    assert t[(code, "Human trafficking")] == thb
    w = gitoc_wide(edition).set_index("country")
    assert w.loc[code, "Criminality"] == crim


def test_header_quirks_are_normalised() -> None:
    for header in ("Criminal actors", "Criminal actors avg.", "Criminal actors avg,",
                   " Criminal actors  avg "):
        assert normalise_header(header) == "Criminal actors"
    assert normalise_header("Resilience avg,") == "Resilience"
    assert normalise_header("Criminality avg.") == "Criminality"
    assert normalise_header("Criminal markets avg.") == "Criminal markets"
    for edition in (2021, 2023):
        names = [i.name for i in indicators(edition)]
        assert [n for n in names if n in COMPOSITES] == list(COMPOSITES)
        assert not any("avg" in n for n in names)
    source_cols = set(load_gitoc(2021)["source_column"])
    assert {"Criminal actors", "Resilience", "Criminality avg."} <= source_cols
    assert {"Criminal actors avg.", "Resilience avg."} <= set(load_gitoc(2023)["source_column"])


def test_comma_headers_read_like_the_published_ones(tmp_path: Path, text) -> None:
    # Copies of the 2023 workbook end the pillar headers in a comma: same table.
    raw = text(FILES[2023])
    header, rest = raw.split("\n", 1)
    quirky = header.replace("Criminal actors avg.", '"Criminal actors avg,"').replace(
        "Resilience avg.", '"Resilience avg,"')
    assert quirky != header
    path = tmp_path / "gitoc_2023_commas.csv"
    path.write_text(quirky + "\n" + rest, encoding="utf-8")
    got = load_gitoc(2023, path=path)
    want = load_gitoc(2023)
    cols = ["country", "indicator", "kind", "pillar", "value", "source_row"]
    pd.testing.assert_frame_equal(got[cols], want[cols])
    assert "Criminal actors avg," in set(got["source_column"])
    assert str(got["source_file"].iloc[0]) == str(path)


def test_kinds_and_pillars() -> None:
    t = load_gitoc(2023, members_only=False)
    per_country = t[t.country == "RS"].groupby("kind", observed=True).size().to_dict()
    assert per_country == {"market": 15, "actor": 5, "resilience": 12, "composite": 4}
    pillars = t[t.kind != "composite"].groupby("kind", observed=True)["pillar"].unique()
    assert {k: list(v) for k, v in pillars.items()} == {
        "market": ["Criminal markets"], "actor": ["Criminal actors"],
        "resilience": ["Resilience"]}
    assert t["value"].between(1, 10).all()
    assert ((t["value"] * 100).round() % 1 == 0).all()


@pytest.mark.parametrize("edition", [2021, 2023])
def test_source_rows_point_at_the_file(edition: int, rows) -> None:
    raw = rows(FILES[edition])
    wide = gitoc_wide(edition, members_only=False)
    for rec in wide.sample(20, random_state=edition).to_dict("records"):
        line = raw[rec["source_row"] - 2]
        assert line["Country"] == rec["published_name"]
        assert float(line["Human trafficking"]) == rec["Human trafficking"]
    t = load_gitoc(edition)
    assert set(t["source"]) == {"gitoc"}
    assert set(t["source_file"].astype(str)) == {FILES[edition]}
    assert set(t["citation"].astype(str)) == {CITATION}
    assert t.attrs["citation"] == CITATION


def _round(x: Decimal, mode: str) -> Decimal:
    return x.quantize(Decimal("0.01"), rounding=mode)


@pytest.mark.parametrize("edition", [2021, 2023])
def test_published_composites_follow_the_methodology(edition: int) -> None:
    """The shipped data satisfy the README's rule exactly; the tempting variants do not."""
    t = load_gitoc(edition, members_only=False)
    mismatches = {"half_up": 0, "half_even": 0}
    for _, g in t.groupby("country"):
        v = {k: [Decimal(str(x)) for x in s] for k, s in g.groupby("kind", observed=True)["value"]}
        comp = dict(zip(g.loc[g.kind == "composite", "indicator"],
                        g.loc[g.kind == "composite", "value"], strict=True))
        markets = sum(v["market"]) / len(v["market"])
        actors = sum(v["actor"]) / len(v["actor"])
        resil = sum(v["resilience"]) / len(v["resilience"])
        for mode, key in ((ROUND_HALF_UP, "half_up"), (ROUND_HALF_EVEN, "half_even")):
            want = {"Criminal markets": _round(markets, mode),
                    "Criminal actors": _round(actors, mode),
                    "Resilience": _round(resil, mode),
                    "Criminality": _round((markets + actors) / 2, mode)}
            mismatches[key] += sum(Decimal(str(comp[k])) != want[k] for k in want)
    assert mismatches["half_up"] == 0
    assert mismatches["half_even"] > 0


def test_unknown_edition_and_changed_layout(tmp_path: Path, data_dir: Path) -> None:
    with pytest.raises(UsageError, match="2022"):
        load_gitoc(2022)
    # The 2021 file read as 2023 has the wrong number of markets: a layout error.
    src = tmp_path / "as_2023.csv"
    shutil.copyfile(data_dir / FILES[2021], src)
    with pytest.raises(SourceError, match="unexpected layout for the 2023 edition"):
        load_gitoc(2023, path=src)


def test_bad_score_is_reported_with_row_and_column(tmp_path: Path, text) -> None:
    lines = text(FILES[2021]).split("\n")
    lines[5] = lines[5].replace(",5.0,", ",n/a,", 1)
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(SourceError, match=r"row 6, column .*'n/a' is not a score"):
        load_gitoc(2021, path=path)


def test_returns_copies() -> None:
    t = load_gitoc(2021)
    t["value"] = 0.0
    assert load_gitoc(2021)["value"].gt(0).all()
