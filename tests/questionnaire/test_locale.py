"""Numbers, dates, encodings and headers as country offices really send them.

The same answers are written as the issued workbook, as semicolon CSVs exported by Excel
on a South-East European locale (dot thousands, decimal comma), as comma CSVs from an
English locale, as Windows-1250 / Windows-1251 text and as JSON; every form must give the
same values, and a value that stays ambiguous is kept with a warning that names the cell.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from octasee.questionnaire import normalise as nz
from octasee.questionnaire.read import collect_sources, read_questionnaire
from octasee.questionnaire.spec import spec_for
from octasee.questionnaire.template import write_template
from octasee.questionnaire.validate import Validation, validate
from octasee.store import Store

SPEC = spec_for("2013-2017")

# Values as numbers (what the workbook holds); the CSV writers format them per locale.
ROWS: dict[str, list[dict[str, Any]]] = {
    "respondent": [{"country": "Croatia", "cycle": "2013-2017",
                    "agency": "Ministarstvo unutarnjih poslova, Ravnateljstvo policije",
                    "contact_name": "Ivana Šimić-Đurđević",
                    "contact_email": "ivana@example.org",
                    "submission_date": "2018-03-15", "dissemination": "restricted"}],
    "indicators": [
        {"crime_area": "heroin", "indicator": "heroin_seized", "year": 2015, "value": 95109,
         "unit": "kg", "source_reliability": "B", "information_assessment": 2},
        {"crime_area": "heroin", "indicator": "heroin_seized", "year": 2016, "value": 12.5,
         "unit": "kg", "source_reliability": "B", "information_assessment": 2},
        {"crime_area": "heroin", "indicator": "arrests", "year": 2016, "value": 1234,
         "source_reliability": "B", "information_assessment": 3},
        {"crime_area": "heroin", "indicator": "arrests", "year": 2017, "value": 41,
         "source_reliability": "B", "information_assessment": 3},
        {"crime_area": "economic_crime", "indicator": "ml_amount", "year": 2017,
         "value": 2500000, "unit": "EUR", "source_reliability": "C",
         "information_assessment": 3},
    ],
    "groups": [
        {"group_ref": "HR-2017-Čađ", "name": "Klan Đurđevac", "members": 1500,
         "nationalities": "Croatia, Serbia", "structure": "core group",
         "crime_areas": "cocaine", "international_links": "NL; ES",
         "corruption": "high", "violence": "Medium", "infiltration": "Low",
         "expertise": "unknown", "source_reliability": "B", "information_assessment": 2},
    ],
    "routes": [
        {"route_ref": "R1", "crime_area": "heroin", "commodity": "heroin",
         "origin": "Afghanistan", "transit": "Turkey, Bulgaria", "destination": "Austria",
         "transport_mode": "road", "modus_operandi": "Skriveno u kamionima (šleperi).",
         "year": 2017, "source_reliability": "B", "information_assessment": 2},
    ],
    "assessments": [
        {"crime_area": "heroin", "situation": "Heroin prolazi balkanskom rutom; žarišta: Čakovec.",
         "language": "hr", "source_reliability": "B", "information_assessment": 2},
        {"crime_area": "cocaine", "situation": "Кокаин стиже у контејнерима.", "language": "sr",
         "source_reliability": "C", "information_assessment": 3},
    ],
}


def _fmt(value: Any, decimal: str, thousands: str) -> str:
    """A number as Excel writes it with a grouped number format on a locale."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "" if value is None else str(value)
    if isinstance(value, int) and 1900 <= value <= 2100:
        return str(value)  # years are not grouped
    whole, _, frac = f"{value:,.3f}".rstrip("0").rstrip(".").partition(".")
    text = whole.replace(",", thousands)
    return text + (decimal + frac if frac else "")


def write_csvs(folder: Path, rows: dict[str, list[dict[str, Any]]], *, prefix: str = "HR",
               delimiter: str = ";", decimal: str = ",", thousands: str = ".",
               encoding: str = "utf-8", title: str | None = None,
               date: str | None = None) -> list[Path]:
    """Each sheet as ``<prefix>.<sheet>.csv``, numbers formatted like Excel on a locale."""
    import csv
    import io

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for sheet in SPEC.sheets:
        buf = io.StringIO()
        if title and sheet.key == "groups":
            buf.write(title + "\r\n")
        w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
        w.writerow([c.header for c in sheet.columns])
        for r in rows.get(sheet.key, []):
            cells = []
            for c in sheet.columns:
                v = r.get(c.key)
                if c.key == "submission_date" and date:
                    v = date
                cells.append(_fmt(v, decimal, thousands))
            w.writerow(cells)
        p = folder / f"{prefix}.{sheet.key}.csv"
        p.write_bytes(buf.getvalue().encode(encoding))
        out.append(p)
    return out


def _check(path: Path | list[Path]) -> Validation:
    if isinstance(path, list):
        sources = collect_sources(path)
        assert len(sources) == 1
        path = sources[0]
    v = validate(read_questionnaire(path))
    assert v.rows_read == v.rows_accepted + v.rows_quarantined
    return v


def _values(v: Validation) -> list[float]:
    return v.tables["indicators"]["value"].tolist()


def _problems(v: Validation, check: str) -> pd.DataFrame:
    return v.problems[v.problems["check"] == check]


# ------------------------------------------------------------------ numbers


def test_semicolon_csv_with_dot_thousands(tmp_path):
    """Excel on hr/sr/bg/ro writes 95.109 for 95,109 kg: never stored 1000x too small."""
    files = write_csvs(tmp_path, ROWS)
    v = _check(files)
    assert v.rows_quarantined == 0, v.quarantine.to_string()
    assert _values(v) == [95109.0, 12.5, 1234.0, 41.0, 2500000.0]
    assert v.tables["groups"]["members"].tolist() == [1500]
    assert not len(_problems(v, "number-format"))  # the delimiter and 12,5 decide


def test_comma_csv_from_an_english_locale(tmp_path):
    """A comma CSV with a decimal point: 95.109 is ninety-five point one."""
    rows = json.loads(json.dumps(ROWS))
    rows["indicators"][0]["value"] = 95.109
    files = write_csvs(tmp_path, rows, delimiter=",", decimal=".", thousands=",")
    v = _check(files)
    assert v.rows_quarantined == 0, v.quarantine.to_string()
    assert _values(v) == [95.109, 12.5, 1234.0, 41.0, 2500000.0]


def test_count_is_never_quarantined_as_a_fraction(tmp_path):
    """'1.234' in a count column under decimal-point evidence is still 1,234, with a warning."""
    rows = json.loads(json.dumps(ROWS))
    files = write_csvs(tmp_path, rows, delimiter="\t", decimal=".", thousands=",")
    ind = files[1]
    text = ind.read_text(encoding="utf-8").replace("\t1,234\t", "\t1.234\t")
    ind.write_text(text, encoding="utf-8")
    v = _check(files)
    assert v.rows_quarantined == 0, v.quarantine.to_string()
    assert _values(v)[2] == 1234.0
    warn = _problems(v, "number-format")
    assert len(warn) == 1
    w = warn.iloc[0]
    assert w["severity"] == "warning" and w["sheet"] == "Indicators" and w["column"] == "Value"
    assert "1,234" in w["message"] and "1.234" in w["message"]


def test_ambiguous_value_without_evidence_warns(tmp_path):
    """Nothing in the file decides '1.500': read as the template promises, and said so."""
    rows = {"respondent": ROWS["respondent"],
            "indicators": [dict(ROWS["indicators"][2], value=1500)]}
    files = write_csvs(tmp_path, rows, delimiter="\t")
    v = _check(files)
    assert _values(v) == [1500.0]
    w = _problems(v, "number-format")
    assert len(w) == 1 and w.iloc[0]["row"] == 2
    assert "1,500" in w.iloc[0]["message"] and "1.5" in w.iloc[0]["message"]


def test_declared_locale_decides(tmp_path):
    """A JSON submission carries its locale; 1,234 kg is 1.234 kg in hr and 1234 kg in en."""
    doc = {"respondent": dict(ROWS["respondent"][0]),
           "indicators": [{"crime_area": "heroin", "indicator": "heroin_seized", "year": 2015,
                           "value": "1,234", "unit": "kg", "source_reliability": "B",
                           "information_assessment": 2}]}
    for locale, expected in (("en", 1234.0), ("hr", 1.234), ("en-GB", 1234.0), ("tr", 1.234)):
        doc["octasee"] = {"locale": locale}
        p = tmp_path / f"HR-{locale}.json"
        p.write_text(json.dumps(doc), encoding="utf-8")
        v = _check(p)
        assert _values(v) == [expected], locale
        assert not len(_problems(v, "number-format")), locale


def test_template_records_locale(tmp_path):
    p = write_template("2013-2017", "HU", tmp_path / "HU.xlsx")
    raw = read_questionnaire(p)
    assert raw.meta["locale"] == "hu"
    ws = openpyxl.load_workbook(p)["Instructions"]
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert "1.234 is one thousand two hundred and thirty-four" in text


def test_parse_number_readings():
    assert nz.parse_number("1.234") == 1234.0  # the template's promise
    assert nz.parse_number("1.234", decimal=".") == 1.234
    assert nz.parse_number("1,234", decimal=".") == 1234.0
    assert nz.parse_number("1,234", decimal=",") == 1.234
    assert nz.parse_number("0.125", decimal=",") == 0.125  # no group starts with 0
    assert nz.parse_number("1234.567", decimal=",") == 1234.567  # groups have 3 digits
    assert nz.number_readings("95.109") == (95109.0, 95.109)
    assert nz.number_readings("12,5") is None


# ------------------------------------------------------------------ dates


@pytest.mark.parametrize("text", [
    "2018. 03. 15.", "2018.03.15.", "2018. március 15.",  # hu
    "15. 3. 2018.", "15.03.2018.", "15. ožujka 2018.",  # hr
    "15.3.2018", "15. mart 2018.", "15. март 2018.",  # sr, mk
    "15.03.2018 г.", "15 март 2018 г.",  # bg
    "15.03.2018", "15 martie 2018",  # ro
    "15/3/2018", "15 Μαρτίου 2018",  # el
    "15.03.2018", "15 Mart 2018",  # tr
    "15. 3. 2018", "15. marec 2018",  # sl
    "15.3.2018", "15 mars 2018",  # sq
    "2018-03-15", "15 March 2018", "March 15, 2018",
])
def test_national_dates(text):
    assert nz.parse_date(text) == "2018-03-15"


def test_dates_in_a_submission(tmp_path):
    for date in ("2018. 03. 15.", "6. 3. 2018."):
        files = write_csvs(tmp_path / date.replace(" ", ""), ROWS, date=date)
        v = _check(files)
        assert v.rows_quarantined == 0, (date, v.quarantine.to_string())


def test_bad_dates_still_refused():
    for text in ("32.03.2018", "15.13.2018", "2018. 13. 01.", "yesterday"):
        with pytest.raises(nz.CellError):
            nz.parse_date(text)


# ------------------------------------------------------------------ encodings


@pytest.mark.parametrize("encoding", ["cp1250", "cp1251"])
def test_windows_encodings(tmp_path, encoding):
    rows = json.loads(json.dumps(ROWS))
    if encoding == "cp1251":  # Cyrillic text only: cp1251 cannot hold Č or Đ
        rows["groups"][0].update(group_ref="RS-2017-Ђак", name="Клан Ђурђевац")
        rows["routes"][0]["modus_operandi"] = "Скривено у камионима (шлепери), преко Бугарске."
        rows["respondent"][0].update(agency="Министарство унутрашњих послова, Управа полиције",
                                     contact_name="Јована Ђурђевић")
        rows["assessments"][0]["situation"] = "Хероин пролази балканском рутом; жаришта: Ниш."
    else:
        rows["assessments"] = rows["assessments"][:1]
    files = write_csvs(tmp_path, rows, encoding=encoding)
    v = _check(files)
    assert v.rows_quarantined == 0, v.quarantine.to_string()
    assert v.tables["groups"]["name"].tolist() == [rows["groups"][0]["name"]]
    assert v.respondent["agency"] == rows["respondent"][0]["agency"]
    note = _problems(v, "encoding")
    assert len(note) and note["message"].str.contains(encoding.replace("cp", "windows-")).all()


# ------------------------------------------------------------------ headers


def test_title_line_above_csv_header(tmp_path):
    """A title line above the header: found from the whole first block, no row dropped."""
    files = write_csvs(tmp_path, ROWS, title="Organizirane kriminalne skupine 2017")
    v = _check(files)
    assert v.rows_quarantined == 0, v.quarantine.to_string()
    assert len(v.tables["groups"]) == 1
    assert v.tables["groups"]["src_row"].tolist() == [3]


def test_translated_header_quarantines_every_row(make_workbook, valid_rows):
    """A header translated into Serbian is not guessed: the rows are quarantined, named."""
    valid_rows["groups"] = valid_rows["groups"] * 6
    for i, g in enumerate(valid_rows["groups"]):
        g = dict(g, group_ref=f"RS-2017-{i:03}")
        valid_rows["groups"][i] = g
    p = make_workbook(valid_rows)
    wb = openpyxl.load_workbook(p)
    ws = wb["Groups"]
    sr = ["Референца групе", "Назив", "Број чланова", "Држављанства", "Структура",
          "Области криминала", "Међународне везе"]
    for ci, text in enumerate(sr, start=1):
        ws.cell(row=1, column=ci, value=text)
    for ci in range(len(sr) + 1, ws.max_column + 1):
        ws.cell(row=1, column=ci, value=f"Колона {ci}")
    wb.save(p)
    v = _check(p)
    counts = v.counts.set_index("key").loc["groups"]
    assert counts["read"] == 6 and counts["quarantined"] == 6 and counts["accepted"] == 0
    err = _problems(v, "header")
    assert len(err) == 1
    msg = err.iloc[0]["message"]
    assert err.iloc[0]["sheet"] == "Groups" and err.iloc[0]["row"] == 1
    assert "Референца групе" in msg and "Group reference" in msg
    assert set(v.quarantine["sheet"]) == {"Groups"} and len(v.quarantine) == 6


def test_csv_delimiter_from_the_whole_block():
    from octasee.questionnaire.read import sniff_delimiter

    text = "Groups of the year, 2017\nGroup reference;Name;Members\nA;B, C;3\nD;E;4\n"
    assert sniff_delimiter(text) == ";"
    assert sniff_delimiter("a\tb\tc\n1\t2,5\t3\n") == "\t"
    assert sniff_delimiter("a,b,c\n1,\"2,5\",3\n") == ","


# ------------------------------------------------------------------ text


def test_text_is_nfc_normalised(tmp_path):
    rows = json.loads(json.dumps(ROWS))
    g = rows["groups"][0]
    rows["groups"] = [dict(g), dict(g, group_ref=unicodedata.normalize("NFD", g["group_ref"]))]
    p = write_template("2013-2017", "HR", tmp_path / "HR.xlsx", rows=rows)
    v = _check(p)
    refs = v.quarantine["reasons"].tolist()
    assert len(refs) == 1 and "duplicate" in refs[0]  # one group, written twice
    assert unicodedata.is_normalized("NFC", v.tables["groups"]["group_ref"].iat[0])


def test_comma_names_in_country_lists():
    assert nz.parse_countries("Moldova, Republic of; Iran, Islamic Republic of") == ("MD", "IR")
    assert nz.parse_countries("Serbia, Moldova, Republic of, Austria") == ("RS", "MD", "AT")


# ------------------------------------------------------------------ the same data, every form


def _store_values(folder: Path, files: list[Path]) -> dict[str, pd.DataFrame]:
    with Store(folder / "store.duckdb") as store:
        report = store.ingest(files, jobs=1)
        assert report.exit_code == 0, report.summary().to_string()
        out = {}
        for t in ("indicators", "ocgs", "routes", "assessments"):
            df = store.table(t).drop(columns=["submission_id", "src_file", "src_sheet",
                                              "src_row"])
            out[t] = df.sort_values(list(df.columns[:6])).reset_index(drop=True)
        subs = store.table("submissions")
        out["submissions"] = subs[["country", "cycle", "agency", "contact_name",
                                   "submission_date", "rows_read", "rows_accepted"]]
    return out


def _cyrillic(rows: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    rows = json.loads(json.dumps(rows))
    rows["respondent"][0].update(country="Србија", agency="Министарство унутрашњих послова",
                                 contact_name="Јована Ђурђевић")
    rows["groups"][0].update(group_ref="RS-2017-Ђак", name="Клан Ђурђевац")
    rows["routes"][0]["modus_operandi"] = "Скривено у камионима (шлепери), преко Бугарске."
    rows["assessments"] = [dict(rows["assessments"][1], crime_area="heroin",
                                situation="Хероин пролази балканском рутом; жаришта: Ниш.")]
    return rows


@pytest.mark.parametrize("script", ["latin", "cyrillic"])
def test_every_form_gives_the_same_store(tmp_path, script):
    """Workbook, semicolon CSV with dot thousands, Windows code page and English CSV agree."""
    rows = json.loads(json.dumps(ROWS))
    country, codepage = "HR", "cp1250"
    if script == "cyrillic":
        rows, country, codepage = _cyrillic(rows), "RS", "cp1251"
    else:
        rows["assessments"] = rows["assessments"][:1]  # Latin script: fits Windows-1250
    forms = {
        "xlsx": [write_template("2013-2017", country, tmp_path / "x" / f"{country}.xlsx",
                                rows=rows)],
        "semicolon": write_csvs(tmp_path / "s", rows, prefix=country),
        codepage: write_csvs(tmp_path / "w", rows, prefix=country, encoding=codepage),
        "english": write_csvs(tmp_path / "e", rows, prefix=country, delimiter=",",
                              decimal=".", thousands=","),
    }
    stores = {k: _store_values(tmp_path / f"store-{k}", f) for k, f in forms.items()}
    assert sorted(stores["xlsx"]["indicators"]["value"]) == [12.5, 41.0, 1234.0, 95109.0,
                                                             2500000.0]
    for k, s in stores.items():
        for t, df in s.items():
            pd.testing.assert_frame_equal(df, stores["xlsx"][t], check_dtype=False,
                                          obj=f"{k}: {t}")


def test_ingest_summary_says_how_a_csv_was_decoded(tmp_path):
    rows = json.loads(json.dumps(ROWS))
    rows["assessments"] = rows["assessments"][:1]
    files = write_csvs(tmp_path / "w", rows, encoding="cp1250")
    with Store(tmp_path / "store.duckdb") as store:
        note = store.ingest(files, jobs=1).summary()["note"].iat[0]
    assert "read as windows-1250 (Central European)" in note
