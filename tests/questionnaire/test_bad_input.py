"""Bad input: every user mistake gets a located, readable message; nothing is dropped.

Each fixture is built by the test from the template, as a country would damage it.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from octasee.errors import QuestionnaireError
from octasee.questionnaire.read import read_questionnaire
from octasee.questionnaire.validate import Validation, validate


def _check(path: Path, **kw) -> Validation:
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    v = validate(read_questionnaire(path, **kw))
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before, "source file modified"
    assert v.rows_read == v.rows_accepted + v.rows_quarantined
    assert len(v.quarantine) == v.rows_quarantined
    return v


def _problem(v: Validation, check: str) -> pd.Series:
    hits = v.problems[v.problems["check"] == check]
    assert len(hits), f"no {check!r} problem in:\n{v.problems.to_string()}"
    return hits.iloc[0]


def _edit(path: Path, fn) -> Path:
    wb = openpyxl.load_workbook(path)
    fn(wb)
    wb.save(path)
    return path


# ------------------------------------------------------------------------ file level


def test_wrong_file_type(tmp_path):
    p = tmp_path / "answers.docx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(QuestionnaireError, match=r"answers\.docx: unsupported file type '\.docx'"):
        read_questionnaire(p)
    q = tmp_path / "answers.xlsx"
    q.write_bytes(p.read_bytes())
    with pytest.raises(QuestionnaireError, match="answers.xlsx: the file is a Word document"):
        read_questionnaire(q)
    pdf = tmp_path / "scan.xlsx"
    pdf.write_bytes(b"%PDF-1.7\n" + b"x" * 100)
    with pytest.raises(QuestionnaireError, match="is a PDF document.*send the questionnaire"):
        read_questionnaire(pdf)


def test_empty_file(tmp_path):
    p = tmp_path / "RS.xlsx"
    p.write_bytes(b"")
    with pytest.raises(QuestionnaireError, match=r"RS\.xlsx: the file is empty \(0 bytes\)"):
        read_questionnaire(p)
    c = tmp_path / "RS.indicators.csv"
    c.write_text("  \n", encoding="utf-8")
    with pytest.raises(QuestionnaireError, match="holds no text"):
        read_questionnaire(c)


def test_corrupt_workbook(make_workbook, tmp_path):
    good = make_workbook().read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good[: len(good) // 2])
    with pytest.raises(QuestionnaireError, match="cut.xlsx: the workbook is damaged.*resend"):
        read_questionnaire(cut)


def test_password_protected_workbook(make_workbook, tmp_path):
    msoffcrypto = pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = make_workbook()
    locked = tmp_path / "locked.xlsx"
    with open(plain, "rb") as src, open(locked, "wb") as out:
        OOXMLFile(src).encrypt("s3cret", out)
    assert msoffcrypto  # imported for the skip
    with pytest.raises(QuestionnaireError, match="locked.xlsx: the workbook is password-protected"):
        read_questionnaire(locked)


def test_fifty_megabyte_workbook(make_workbook, tmp_path):
    """A workbook made large by pasted pictures still reads fast; a limit refuses it clearly."""
    p = make_workbook()
    big = tmp_path / "big.xlsx"
    with zipfile.ZipFile(p) as src, zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr(zipfile.ZipInfo("xl/media/image1.png"), os.urandom(50 * 1024 * 1024),
                     compress_type=zipfile.ZIP_STORED)
    assert big.stat().st_size > 50 * 1024 * 1024
    v = _check(big)
    assert v.ok and v.rows_accepted == 11
    with pytest.raises(QuestionnaireError, match=r"big.xlsx: the file is 50\.\d MB, over the 40 MB "
                                                 r"limit.*--max-size"):
        read_questionnaire(big, max_mb=40)


# ------------------------------------------------------------------------ structure


def test_missing_sheet(make_workbook):
    def drop(wb):
        del wb["Routes"]
    v = _check(_edit(make_workbook(), drop))
    p = _problem(v, "sheet-missing")
    assert p["sheet"] == "Routes" and "copy the sheet 'Routes' from a fresh template" in p["message"]
    assert v.rows_accepted == 10  # the other sheets are still read


def test_renamed_sheet_is_suggested(make_workbook):
    def rename(wb):
        wb["Routes"].title = "Route"
    v = _check(_edit(make_workbook(), rename))
    assert "rename it to 'Routes'" in _problem(v, "sheet-missing")["message"]


def test_renamed_column(make_workbook):
    def rename(wb):
        ws = wb["Indicators"]
        for cell in ws[1]:
            if cell.value == "Value":
                cell.value = "Amount"
    v = _check(_edit(make_workbook(), rename))
    missing = _problem(v, "column-missing")
    assert (missing["sheet"], missing["row"], missing["column"]) == ("Indicators", 1, "Value")
    extra = _problem(v, "extra-column")
    assert extra["column"] == "Amount" and "rename it back to 'Value'" in extra["message"]
    counts = v.counts.set_index("key")
    assert counts.loc["indicators", "quarantined"] == counts.loc["indicators", "read"] == 6
    q = v.quarantine[v.quarantine["sheet"] == "Indicators"]
    assert q["reasons"].str.contains("required column 'Value' is missing").all()


def test_extra_column_with_data(make_workbook):
    def add(wb):
        ws = wb["Indicators"]
        col = ws.max_column + 1
        ws.cell(row=1, column=col, value="Notes")
        ws.cell(row=3, column=col, value="estimate")
    v = _check(_edit(make_workbook(), add))
    p = _problem(v, "extra-column")
    assert (p["sheet"], p["row"], p["column"], p["value"]) == ("Indicators", 3, "Notes", "estimate")
    assert "move its content into 'Comment'" in p["message"]
    assert v.rows_quarantined == 1  # only the row that had something there


# ------------------------------------------------------------------------ cells


def test_text_in_numeric_cell(make_workbook, valid_rows):
    valid_rows["indicators"][2]["value"] = "about forty"
    valid_rows["groups"][0]["members"] = "20-30"
    v = _check(make_workbook(valid_rows))
    val = v.problems[v.problems["column"] == "Value"].iloc[0]
    assert (val["sheet"], val["row"], val["value"]) == ("Indicators", 4, "about forty")
    assert "not a number" in val["message"] and "1.234,5" in val["expected"]
    mem = v.problems[v.problems["column"] == "Members"].iloc[0]
    assert (mem["sheet"], mem["row"], mem["value"]) == ("Groups", 2, "20-30")
    assert set(v.quarantine["src_row"]) == {4, 2}


def test_negative_counts(make_workbook, valid_rows):
    valid_rows["indicators"][2]["value"] = -41
    v = _check(make_workbook(valid_rows))
    p = _problem(v, "negative")
    assert (p["row"], p["column"], p["value"], p["expected"]) == (4, "Value", "-41", "0 or more")


def test_fractional_count(make_workbook, valid_rows):
    valid_rows["indicators"][2]["value"] = "41,5"
    p = _problem(_check(make_workbook(valid_rows)), "integer")
    assert "whole number" in p["message"]


def test_year_outside_the_cycle(make_workbook, valid_rows):
    valid_rows["indicators"][0]["year"] = 2019
    p = _problem(_check(make_workbook(valid_rows)), "year")
    assert (p["sheet"], p["row"], p["column"], p["value"]) == ("Indicators", 2, "Year", "2019")
    assert p["expected"] == "a year from 2013 to 2017"


def test_unknown_country(make_workbook, valid_rows):
    valid_rows["respondent"][0]["country"] = "Serbja"
    valid_rows["groups"][0]["nationalities"] = "Serbia, Atlantis"
    v = _check(make_workbook(valid_rows))
    p = v.problems[(v.problems["sheet"] == "Respondent") & (v.problems["column"] == "Country")]
    assert "did you mean 'Serbia (RS)'" in p.iloc[0]["message"]
    nat = v.problems[v.problems["column"] == "Nationalities"].iloc[0]
    assert "'Atlantis'" in nat["message"]
    # No country, no attribution: every row is quarantined, none is dropped.
    assert v.country is None and v.rows_accepted == 0
    assert _problem(v, "refused")["message"].endswith("every row was quarantined")


def test_one_country_submitting_anothers_data(make_workbook, valid_rows):
    valid_rows["respondent"][0]["country"] = "Hrvatska"
    v = _check(make_workbook(valid_rows, country="RS"))
    p = _problem(v, "country-mismatch")
    assert "issued to Serbia (RS)" in p["message"] and "names Croatia (HR)" in p["message"]
    assert v.country is None and v.rows_accepted == 0


def test_duplicate_rows(make_workbook, valid_rows):
    valid_rows["indicators"].append(dict(valid_rows["indicators"][2]))  # exact copy of row 4
    conflict = dict(valid_rows["indicators"][0], value="99")  # same key as row 2
    valid_rows["indicators"].append(conflict)
    v = _check(make_workbook(valid_rows))
    dup = _problem(v, "duplicate")
    assert dup["row"] == 8 and "duplicate of row 4" in dup["message"]
    conf = v.problems[v.problems["check"] == "conflict"]
    assert set(conf["row"]) == {2, 9}
    assert set(v.quarantine["src_row"]) == {2, 8, 9}
    assert 4 in set(v.tables["indicators"]["src_row"])  # the first copy is kept


def test_merged_cells(make_workbook):
    def merge(wb):
        wb["Indicators"].merge_cells("A2:A4")
    v = _check(_edit(make_workbook(), merge))
    merged = v.problems[v.problems["check"] == "merged-cells"]
    assert set(merged["row"]) == {2, 3, 4}
    assert "cells A2:A4 are merged; unmerge them" in merged.iloc[0]["message"]
    assert merged.iloc[0]["column"] == "Crime area"
    assert set(v.quarantine["src_row"]) >= {2, 3, 4}


def test_formulas(make_workbook):
    def formula(wb):
        ws = wb["Indicators"]
        col = next(c.column for c in ws[1] if c.value == "Value")
        ws.cell(row=4, column=col, value="=20+21")
    v = _check(_edit(make_workbook(), formula))
    p = _problem(v, "formula")
    assert (p["sheet"], p["row"], p["column"]) == ("Indicators", 4, "Value")
    assert "holds a formula; replace it with its value" in p["message"]


def test_codes_outside_their_lists(make_workbook, valid_rows):
    valid_rows["groups"][0]["corruption"] = "Very high"
    valid_rows["indicators"][0]["source_reliability"] = "E"
    valid_rows["indicators"][1]["information_assessment"] = 5
    valid_rows["routes"][0]["transport_mode"] = "Sea freight"
    v = _check(make_workbook(valid_rows))
    by_col = v.problems.set_index("column")
    assert "Nil, Low, Medium, High, Unknown" in by_col.loc["Corruption", "expected"]
    assert by_col.loc["Source reliability", "expected"] == "one of A, B, C, D, X"
    assert by_col.loc["Information assessment", "value"] == "5"
    assert "did you mean 'sea'" in by_col.loc["Transport mode", "message"]


def test_free_text_with_html_or_script(make_workbook, valid_rows):
    attack = '<script>alert("x")</script> and <img src=x onerror=alert(1)>'
    valid_rows["assessments"][0]["situation"] = attack
    v = _check(make_workbook(valid_rows))
    p = _problem(v, "markup")
    assert p["severity"] == "warning" and p["row"] == 2 and p["column"] == "Current situation"
    assert "shown as plain text, never run" in p["message"]
    kept = v.tables["assessments"].set_index("src_row").loc[2, "situation"]
    assert kept == attack  # stored as written; escaping is the report's job


def test_million_empty_formatted_rows(make_workbook, tmp_path):
    """Formatting down to row 1,000,001 costs little and hides no data."""
    p = make_workbook()
    out = tmp_path / "formatted.xlsx"
    with zipfile.ZipFile(p) as src:
        wb_xml = src.read("xl/workbook.xml").decode()
        rels = src.read("xl/_rels/workbook.xml.rels").decode()
        rid = re.search(r'<sheet[^>]*name="Indicators"[^>]*id="([^"]+)"', wb_xml).group(1)
        target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid}"',
                           rels)
        member = "xl/" + (target.group(1) or target.group(2)).lstrip("/").removeprefix("xl/")
        sheet = src.read(member).decode()
        rows = io.StringIO()
        for r in range(20, 1_000_002):
            rows.write(f'<row r="{r}"><c r="A{r}" s="1"/><c r="E{r}" s="1"/></row>')
        sheet = sheet.replace("</sheetData>", rows.getvalue() + "</sheetData>")
        sheet = re.sub(r'<dimension ref="[^"]+"/>', '<dimension ref="A1:J1000001"/>', sheet)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                data = sheet.encode() if item.filename == member else src.read(item.filename)
                dst.writestr(item, data)
    v = _check(out)
    assert v.ok
    assert v.counts.set_index("key").loc["indicators", "accepted"] == 6


def test_not_for_dissemination_values_never_reach_messages(make_workbook, valid_rows):
    canary = "CANARY-7731"
    valid_rows["indicators"][5]["value"] = canary  # the row marked not for dissemination
    valid_rows["indicators"][5]["comment"] = canary
    v = _check(make_workbook(valid_rows))
    assert v.rows_quarantined == 1
    assert canary not in v.problems.to_csv()
    bad = v.problems[v.problems["row"] == 7].iloc[0]
    assert bad["value"] == "[withheld: not for dissemination]"
    # The restricted quarantine keeps the raw row for the analyst who must fix it.
    assert canary in v.quarantine.iloc[0]["raw"] and bool(v.quarantine.iloc[0]["not_for_dissemination"])
