"""The sample questionnaires in data/samples/: complete, valid per the spec, reproducible.

These checks read the committed workbooks with openpyxl and apply the spec's rules
themselves, so they do not depend on the reader or validator. They never need the public
data in ../shared: the generator runs from the committed data/samples/inputs/magnitudes.json.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from octasee.questionnaire.spec import Spec, spec_for
from octasee.questionnaire.template import META_SHEET
from octasee.reference import (
    MEMBER_CODES,
    cycle,
    resolve_country,
    resolve_crime_area,
    resolve_world_country,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
CYCLES = ("2009-2012", "2013-2017")
CASES = [(c, iso2) for c in CYCLES for iso2 in sorted(MEMBER_CODES)]


def _load_generator():
    spec = importlib.util.spec_from_file_location("octasee_samples_generate",
                                                  SAMPLES / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


@cache
def sheets(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Every sheet of a workbook as rows of {header: value}, blank rows dropped."""
    wb = load_workbook(path, read_only=True, data_only=True)
    out: dict[str, list[dict[str, Any]]] = {}
    for ws in wb.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        if not rows:
            out[ws.title] = []
            continue
        header = list(rows[0])
        out[ws.title] = [dict(zip(header, r, strict=False)) for r in rows[1:]
                         if any(v is not None and v != "" for v in r)]
        out[ws.title + "#header"] = [dict(enumerate(header))]
    wb.close()
    return out


def keyed(spec: Spec, sheet_key: str, data: dict) -> list[dict[str, Any]]:
    """A sheet's rows with column keys instead of headers."""
    sheet = spec.sheet(sheet_key)
    by_header = {c.header: c.key for c in sheet.columns}
    return [{by_header[h]: v for h, v in row.items() if h in by_header and v not in (None, "")}
            for row in data.get(sheet.name, [])]


_QTY = re.compile(r"^(\d{1,3}(?:[.\s\u00a0]\d{3})*|\d+)(?:,(\d+))?\s*(g|kg|t)?$")


def quantity(value: Any) -> tuple[float, str | None]:
    """A quantity cell: a number, or European text ('1.234,5', '12,5 kg')."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        return float(value), None
    m = _QTY.match(str(value).strip())
    if not m:
        raise ValueError(f"not a quantity: {value!r}")
    whole = re.sub(r"[.\s\u00a0]", "", m.group(1))
    return float(whole + ("." + m.group(2) if m.group(2) else "")), m.group(3)


def as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise ValueError(f"not a date: {value!r}")


def split_countries(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[,;/]", str(text)) if p.strip()]


def check_cell(spec: Spec, col, value: Any, iso2: str, where: str) -> None:
    kind = col.kind
    if kind in ("text", "longtext"):
        assert isinstance(value, str), where
        assert "<" not in value and ">" not in value, f"{where}: markup {value!r}"
        assert len(value) <= (10_000 if kind == "longtext" else 1_000), where
    elif kind == "code":
        assert str(value).casefold() in {c.casefold() for c in col.choices}, \
            f"{where}: {value!r} not in {col.choices}"
    elif kind == "attribute":
        assert value in spec.attribute_scale, f"{where}: {value!r}"
    elif kind == "yesno":
        assert str(value).casefold() in ("yes", "no"), f"{where}: {value!r}"
    elif kind == "member":
        assert resolve_country(value) == iso2, f"{where}: {value!r} is not {iso2}"
    elif kind == "country":
        resolve_world_country(value)
    elif kind == "countries":
        parts = split_countries(value)
        assert parts, where
        for p in parts:
            resolve_world_country(p)
    elif kind == "crime_area":
        resolve_crime_area(value)
    elif kind == "crime_areas":
        for p in str(value).split(","):
            resolve_crime_area(p.strip())
    elif kind == "indicator":
        assert value in spec.indicator_codes, f"{where}: {value!r}"
    elif kind == "year":
        assert isinstance(value, int) and value in spec.cycle.years, f"{where}: {value!r}"
    elif kind == "integer":
        assert isinstance(value, int) and not isinstance(value, bool) and value >= 0, where
    elif kind == "quantity":
        number, _ = quantity(value)
        assert number >= 0, where
    elif kind == "date":
        as_date(value)
    elif kind == "locale":
        from octasee.questionnaire.conventions import COUNTRY_LOCALE
        assert value == COUNTRY_LOCALE[iso2], where
    elif kind == "email":
        assert re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", str(value)), f"{where}: {value!r}"
    else:  # pragma: no cover - a new kind in the spec
        raise AssertionError(f"{where}: unchecked kind {kind}")


# -- the set of files -----------------------------------------------------------------


@pytest.mark.parametrize("cycle_code", CYCLES)
def test_thirteen_workbooks_per_cycle(cycle_code):
    files = sorted(p.stem for p in (SAMPLES / cycle_code).glob("*.xlsx"))
    assert files == sorted(MEMBER_CODES)


def test_samples_stay_small():
    total = sum(p.stat().st_size for p in SAMPLES.rglob("*.xlsx"))
    assert total < 3_000_000, total


def test_magnitudes_cover_every_member():
    mags = json.loads((SAMPLES / "inputs" / "magnitudes.json").read_text("utf-8"))
    assert sorted(mags["countries"]) == sorted(MEMBER_CODES)
    for iso2, data in mags["countries"].items():
        assert data["gitoc"]["2021"] and data["gitoc"]["2023"], iso2
        assert set(data["cpi"]) == {str(y) for y in range(2012, 2018)}, iso2
    wb = mags["frontex_routes"]["Western Balkan Route"]
    assert wb["2015"] == 764_033 and wb["2016"] == 130_261  # the published figures


# -- every workbook, every row ----------------------------------------------------------


@pytest.mark.parametrize(("cycle_code", "iso2"), CASES)
def test_workbook_is_valid(cycle_code, iso2):
    spec = spec_for(cycle_code)
    path = SAMPLES / cycle_code / f"{iso2}.xlsx"
    data = sheets(path)
    meta = {r[0]: r[1] for r in load_workbook(path, read_only=True)[META_SHEET]
            .iter_rows(values_only=True)}
    assert meta["issued_to"] == iso2 and meta["cycle"] == cycle_code
    for sheet in spec.sheets:
        header = data[sheet.name + "#header"][0]
        assert [header[i] for i in range(len(sheet.columns))] == [c.header for c in sheet.columns]
        rows = keyed(spec, sheet.key, data)
        if sheet.max_rows:
            assert len(rows) <= sheet.max_rows
        seen = set()
        for n, row in enumerate(rows, start=2):
            where = f"{cycle_code}/{iso2} {sheet.name} row {n}"
            for col in sheet.columns:
                if col.key not in row:
                    assert not col.required, f"{where}: {col.key} missing"
                    continue
                check_cell(spec, col, row[col.key], iso2, f"{where} {col.key}")
            if sheet.unique:
                key = tuple(_norm(k, row.get(k)) for k in sheet.unique)
                assert key not in seen, f"{where}: duplicate {key}"
                seen.add(key)


def _norm(column: str, value: Any) -> Any:
    if value is None:
        return None
    if column == "breakdown":
        return resolve_world_country(value)
    if column == "crime_area":
        return resolve_crime_area(value)
    return value


@pytest.mark.parametrize(("cycle_code", "iso2"), CASES)
def test_indicator_values_fit_their_indicator(cycle_code, iso2):
    spec = spec_for(cycle_code)
    rows = keyed(spec, "indicators", sheets(SAMPLES / cycle_code / f"{iso2}.xlsx"))
    assert len(rows) > 100
    units = {"count": {"count"}, "mass": {"g", "kg", "t"}, "money": {"EUR"}}
    totals: dict[tuple, float] = {}
    parts: dict[tuple, float] = {}
    for row in rows:
        ind = spec.indicator(row["indicator"])
        area = resolve_crime_area(row["crime_area"])
        assert ind.applies_to(area), row
        number, inline = quantity(row["value"])
        unit = row.get("unit") or inline or ind.unit
        assert not (row.get("unit") and inline), row
        assert unit in units[ind.measure], row
        if ind.measure == "count":
            assert isinstance(row["value"], int) and number >= 0, row
        if row.get("breakdown"):
            assert ind.breakdown == "nationality", row
            k = (area, ind.code, row["year"])
            parts[k] = parts.get(k, 0) + number
        else:
            totals[(area, ind.code, row["year"])] = number
    for k, v in parts.items():
        assert k in totals and v <= totals[k], (k, v, totals.get(k))
    # Something to normalise: other units and European number formats, somewhere.
    assert any(r.get("breakdown") for r in rows)


def test_samples_exercise_normalisation():
    """Across all samples: g and t units, European strings, nationality codes and names."""
    seen = {"g": 0, "t": 0, "euro": 0, "inline": 0, "code": 0, "name": 0}
    for cycle_code, iso2 in CASES:
        spec = spec_for(cycle_code)
        for row in keyed(spec, "indicators", sheets(SAMPLES / cycle_code / f"{iso2}.xlsx")):
            if row.get("unit") in ("g", "t"):
                seen[row["unit"]] += 1
            if isinstance(row["value"], str):
                seen["inline" if row["value"].endswith("kg") else "euro"] += 1
                if re.fullmatch(r"\d{1,3}(\.\d{3})+,\d+", row["value"]):
                    seen["thousands"] = seen.get("thousands", 0) + 1
            if row.get("breakdown"):
                seen["code" if len(row["breakdown"]) == 2 else "name"] += 1
    assert all(seen.values()) and seen.get("thousands"), seen


@pytest.mark.parametrize(("cycle_code", "iso2"), CASES)
def test_the_validator_finds_no_problem(cycle_code, iso2):
    """The project's own validator: no error, no warning, every row accepted."""
    validate = pytest.importorskip("octasee.questionnaire.validate")
    v = validate.validate_file(SAMPLES / cycle_code / f"{iso2}.xlsx")
    assert v.ok, v.problems.to_string()
    assert v.rows_quarantined == 0 and v.rows_read == v.rows_accepted
    assert v.country == iso2


@pytest.mark.parametrize(("cycle_code", "iso2"), CASES)
def test_respondent(cycle_code, iso2):
    spec = spec_for(cycle_code)
    (row,) = keyed(spec, "respondent", sheets(SAMPLES / cycle_code / f"{iso2}.xlsx"))
    assert row["cycle"] == cycle_code
    date = as_date(row["submission_date"])
    assert date.year == cycle(cycle_code).report_year
    late = date > gen.DEADLINE[cycle_code]
    assert late == (gen.LATE[cycle_code] == iso2), (iso2, date)


def test_gaps_are_where_the_readme_says():
    partial = sheets(SAMPLES / "2009-2012" / f"{gen.PARTIAL['2009-2012']}.xlsx")
    spec = spec_for("2009-2012")
    assert keyed(spec, "indicators", partial)
    for key in ("groups", "routes", "assessments"):
        assert not keyed(spec, key, partial)
    spec = spec_for("2013-2017")
    partial = sheets(SAMPLES / "2013-2017" / f"{gen.PARTIAL['2013-2017']}.xlsx")
    assert not keyed(spec, "routes", partial)
    assert 0 < len(keyed(spec, "assessments", partial)) <= 2


def test_assessments_use_several_languages():
    langs = {}
    for cycle_code, iso2 in CASES:
        spec = spec_for(cycle_code)
        for row in keyed(spec, "assessments", sheets(SAMPLES / cycle_code / f"{iso2}.xlsx")):
            langs.setdefault(row.get("language", "en"), set()).add(iso2)
    assert "en" in langs and len(langs) >= 8, langs


# -- reproducibility --------------------------------------------------------------------


def _contents(path: Path) -> dict[str, list[tuple]]:
    wb = load_workbook(path, read_only=True)
    out = {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    wb.close()
    return out


@pytest.mark.parametrize(("cycle_code", "iso2"), [("2013-2017", "RS"), ("2009-2012", "MK")])
def test_generator_reproduces_the_committed_samples(tmp_path, cycle_code, iso2):
    mags = gen.load_magnitudes()
    out = gen.write_sample(cycle_code, iso2, mags, tmp_path)
    assert _contents(out) == _contents(SAMPLES / cycle_code / f"{iso2}.xlsx"), (
        "data/samples is out of date: run .venv/bin/python data/samples/generate.py --offline")


def test_generator_is_byte_for_byte_deterministic(tmp_path):
    mags = gen.load_magnitudes()
    a = gen.write_sample("2013-2017", "MD", mags, tmp_path / "a")
    b = gen.write_sample("2013-2017", "MD", mags, tmp_path / "b")
    assert a.read_bytes() == b.read_bytes()
