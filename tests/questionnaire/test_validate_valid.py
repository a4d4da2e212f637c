"""A valid questionnaire is read, normalised and accepted row for row."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from octasee.questionnaire.read import read_questionnaire
from octasee.questionnaire.validate import validate


def test_valid_workbook_is_accepted_and_normalised(make_workbook):
    v = validate(read_questionnaire(make_workbook()))
    assert v.ok, v.problems
    assert v.country == "RS"
    assert v.rows_read == v.rows_accepted == 1 + 6 + 1 + 1 + 2
    ind = v.tables["indicators"].set_index("src_row")
    # European thousands and decimal comma, then kg.
    assert ind.loc[2, "value"] == pytest.approx(1234.5)
    # 750 g written in the cell is 0.75 kg; what was reported is kept beside it.
    assert ind.loc[3, "value"] == pytest.approx(0.75)
    assert (ind.loc[3, "value_reported"], ind.loc[3, "unit_reported"]) == (750.0, "g")
    assert ind.loc[3, "source_reliability"] == "B"  # lower case accepted
    assert ind.loc[5, "breakdown"] == "SY" and ind.loc[5, "value"] == 12345
    assert pd.isna(ind.loc[6, "breakdown"]) or ind.loc[6, "breakdown"] is None
    assert ind.loc[7, "value"] == 2_500_000 and ind.loc[7, "unit"] == "EUR"
    assert bool(ind.loc[7, "not_for_dissemination"]) is True
    assert bool(ind.loc[2, "not_for_dissemination"]) is False
    g = v.tables["groups"].iloc[0]
    assert g["crime_areas"] == "cocaine;economic_crime"
    assert g["international_links"] == "NL;ES;EC"
    assert (g["corruption"], g["violence"], g["expertise"]) == ("High", "Medium", "Unknown")
    r = v.tables["routes"].iloc[0]
    assert (r["origin"], r["transit"], r["destination"]) == ("AF", "IR;TR;BG", "AT;DE")
    assert v.respondent["submission_date"] == "2018-03-15"
    # Every accepted row keeps where it came from.
    for table in v.tables.values():
        assert {"src_file", "src_sheet", "src_row"} <= set(table.columns)
        assert table["src_file"].eq("RS.xlsx").all()


def test_csv_and_json_equivalents_give_the_same_tables(make_workbook, tmp_path, valid_rows):
    xlsx = validate(read_questionnaire(make_workbook()))
    csv_dir = tmp_path / "csv"
    csv_dir.mkdir()
    from octasee.questionnaire.spec import spec_for

    spec = spec_for("2013-2017")
    for sheet in spec.sheets:
        rows = valid_rows.get(sheet.key, [])
        frame = pd.DataFrame(rows, columns=[c.header for c in sheet.columns]) if not rows else \
            pd.DataFrame([{c.header: r.get(c.key, "") for c in sheet.columns} for r in rows])
        frame.to_csv(csv_dir / f"RS-2017.{sheet.key}.csv", index=False, sep=";")
    from octasee.questionnaire.read import collect_sources

    sources = collect_sources([csv_dir])
    assert len(sources) == 1 and sources[0].kind == "csv"
    from_csv = validate(read_questionnaire(sources[0]))
    assert from_csv.ok, from_csv.problems
    doc = {"octasee": {"cycle": "2013-2017", "issued_to": "RS"}, **valid_rows}
    doc["respondent"] = valid_rows["respondent"][0]
    (tmp_path / "RS.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    from_json = validate(read_questionnaire(tmp_path / "RS.json"))
    assert from_json.ok, from_json.problems
    cols = ["crime_area", "indicator", "breakdown", "year", "value", "unit"]
    for other in (from_csv, from_json):
        a = xlsx.tables["indicators"][cols].reset_index(drop=True)
        b = other.tables["indicators"][cols].reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b, check_dtype=False)
    # JSON rows are located by record number.
    assert list(from_json.tables["indicators"]["src_row"]) == [1, 2, 3, 4, 5, 6]


def test_earlier_cycle_uses_its_own_spec(make_workbook, valid_rows):
    rows = valid_rows
    rows["respondent"][0]["cycle"] = "2009-2012"
    rows["indicators"] = [dict(r, year=r["year"] - 5) for r in rows["indicators"]]
    rows["routes"][0].pop("transport_mode")
    rows["routes"][0]["year"] = 2012
    v = validate(read_questionnaire(make_workbook(rows, cycle="2009-2012")))
    assert v.ok, v.problems
    assert v.spec.version == "2009-2012"
    assert "transport_mode" not in v.tables["routes"].columns
