"""Hostile workbooks: refused before they cost anything, or read without their stray cells.

Every fixture is built by the test (from the template, then its zip or XML edited), in
tmp_path, and kept small on disk; the few that would take the old reader down are read in
a child process first, so that a crash fails the test instead of ending the test run.
"""

from __future__ import annotations

import datetime as dt
import re
import struct
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pytest

from octasee.errors import QuestionnaireError
from octasee.questionnaire.guard import ReadLimits, check_workbook
from octasee.questionnaire.read import _read_workbook, collect_sources, read_questionnaire
from octasee.questionnaire.validate import validate

# ------------------------------------------------------------------------ helpers


def _sheet_member(z: zipfile.ZipFile, sheet: str) -> str:
    wb = z.read("xl/workbook.xml").decode()
    rels = z.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet[^>]*name="{sheet}"[^>]*id="([^"]+)"', wb).group(1)
    target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid}"', rels)
    return "xl/" + (target.group(1) or target.group(2)).lstrip("/").removeprefix("xl/")


def _rewrite(src: Path, out: Path, sheet: str | None = None, edit=None,
             add: dict[str, bytes] | None = None, level: int = 1) -> Path:
    """Copy a workbook, passing one sheet's XML through ``edit`` and adding members."""
    with zipfile.ZipFile(src) as z:
        member = _sheet_member(z, sheet) if sheet else None
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as dst:
            for item in z.infolist():
                data = z.read(item.filename)
                if item.filename == member:
                    data = edit(data.decode()).encode()
                dst.writestr(item.filename, data)
            for name, data in (add or {}).items():
                dst.writestr(name, data)
    return out


def _add_cell(xml: str, ref: str, text: str, *, styled_only: bool = False) -> str:
    """Put a cell into a sheet's XML in its row (made if missing), rows kept in order."""
    row = int(re.sub(r"[A-Z]", "", ref))
    cell = (f'<c r="{ref}" s="1"/>' if styled_only else
            f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>')
    m = re.search(rf'<row r="{row}"[^>]*>(.*?)</row>', xml, flags=re.S)
    if m:
        return xml[:m.end(1)] + cell + xml[m.end(1):]
    later = [m for m in re.finditer(r'<row r="(\d+)"', xml) if int(m.group(1)) > row]
    at = later[0].start() if later else xml.index("</sheetData>")
    return xml[:at] + f'<row r="{row}">{cell}</row>' + xml[at:]


def _read_in_child(path: Path) -> subprocess.CompletedProcess[str]:
    """Read and validate ``path`` in a child process limited to 3 GB of memory."""
    code = textwrap.dedent(f"""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
        from octasee.questionnaire.read import read_questionnaire
        from octasee.questionnaire.validate import validate
        v = validate(read_questionnaire({str(path)!r}))
        print(v.rows_read, v.rows_accepted)
    """)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)


def _checks(v, check: str):
    return v.problems[v.problems["check"] == check]


# ------------------------------------------------------------------------ zip bombs


def _bomb(make_workbook, tmp_path: Path, declared: int | None = None) -> Path:
    """The Indicators sheet replaced by 60 MB of one repeated row (about 200 KB packed)."""
    row = '<row><c t="inlineStr"><is><t>heroin</t></is></c></row>'
    body = row * (60 * 1024 * 1024 // len(row))
    out = _rewrite(make_workbook(), tmp_path / "bomb.xlsx", "Indicators",
                   lambda xml: re.sub(r"<sheetData>.*</sheetData>",
                                      f"<sheetData>{body}</sheetData>", xml, flags=re.S),
                   level=6)
    if declared:  # the sheet now says it unpacks to `declared` bytes (header and directory)
        data = bytearray(out.read_bytes())
        with zipfile.ZipFile(out) as z:
            info = z.getinfo(_sheet_member(z, "Indicators"))
        name = info.filename.encode()
        struct.pack_into("<I", data, info.header_offset + 22, declared)  # local header
        central = data.index(b"PK\x01\x02")
        while data[central + 46:central + 46 + len(name)] != name:
            central = data.index(b"PK\x01\x02", central + 4)
        struct.pack_into("<I", data, central + 24, declared)
        out.write_bytes(bytes(data))
    assert out.stat().st_size < 2 * 1024 * 1024
    return out


def test_zip_bomb_refused_by_its_compression_ratio(make_workbook, tmp_path):
    bomb = _bomb(make_workbook, tmp_path)
    start = time.perf_counter()
    with pytest.raises(QuestionnaireError,
                       match=r"bomb\.xlsx: the workbook is compressed [\d,]+:1 \(0\.\d MB that "
                             r"unpack to 60 MB.*zip bomb"):
        read_questionnaire(bomb)
    assert time.perf_counter() - start < 1.0  # refused from the zip directory, unread


def test_zip_bomb_declaring_gigabytes(make_workbook, tmp_path):
    bomb = _bomb(make_workbook, tmp_path, declared=0xF000_0000)
    start = time.perf_counter()
    with pytest.raises(QuestionnaireError,
                       match=r"bomb\.xlsx: the workbook unpacks to 3,840 MB, over the 500 MB "
                             r"limit.*zip bomb"):
        read_questionnaire(bomb)
    assert time.perf_counter() - start < 1.0
    # Limits are configurable; the ratio still refuses it with the size allowed.
    with pytest.raises(QuestionnaireError, match="compressed"):
        _read_workbook(bomb, limits=ReadLimits(max_uncompressed_mb=10_000))


def test_sheet_with_too_many_rows_is_refused_early(make_workbook, tmp_path):
    rows = "".join(f'<row r="{r}"><c r="E{r}"><v>{r}</v></c></row>' for r in range(8, 200_201))
    big = _rewrite(make_workbook(), tmp_path / "big.xlsx", "Indicators",
                   lambda xml: re.sub(r'<dimension ref="[^"]+"\s*/>',
                                      '<dimension ref="A1:J200200"/>', xml)
                   .replace("</sheetData>", rows + "</sheetData>"))
    start = time.perf_counter()
    with pytest.raises(QuestionnaireError) as err:
        read_questionnaire(big)
    assert time.perf_counter() - start < 2.0
    msg = str(err.value)
    assert msg.startswith("big.xlsx, sheet 'Indicators': sheet 'Indicators' holds more than "
                          "100 values beyond row 200,000 (first at E200001")
    assert "its declared area is A1:J200200" in msg and "split the data" in msg


def test_limits_are_configurable(make_workbook):
    p = make_workbook()
    with pytest.raises(QuestionnaireError, match=r"RS\.xlsx, sheet 'Respondent': .*more than 3 "
                                                 r"values beyond column E \(5\)"):
        _read_workbook(p, limits=ReadLimits(max_columns=5, max_stray_cells=3))
    with pytest.raises(QuestionnaireError, match=r"RS\.xlsx: the workbook unpacks to 0\.\d MB, "
                                                 r"over the 0\.01 MB limit"):
        _read_workbook(p, limits=ReadLimits(max_uncompressed_mb=0.01))
    with pytest.raises(QuestionnaireError, match=r"sheet 'Indicators' holds values down to row 7 "
                                                 r"and out to column Z, an area of 182 cells, "
                                                 r"over the 100-cell limit"):
        _read_workbook(p, limits=ReadLimits(max_cells=100))
    with pytest.raises(QuestionnaireError, match=r"sheet 'Indicators' holds more than 1 values "
                                                 r"beyond row 5 \(first at A6, B6"):
        _read_workbook(p, limits=ReadLimits(max_rows=5, max_stray_cells=1))
    grids, _, _ = _read_workbook(p, limits=ReadLimits(max_rows=7, max_columns=35))
    assert len(grids["Indicators"]) == 7 and len(grids["Groups"][0]) == 35


# ------------------------------------------------------------------------ stray cells


@pytest.mark.parametrize("ref", ["XFD1048576", "AMJ1048576"])  # Excel's and LibreOffice's last
def test_stray_value_in_the_last_cell_is_a_warning(make_workbook, tmp_path, ref):
    p = make_workbook()
    wb = openpyxl.load_workbook(p)
    wb["Groups"][ref] = "x"
    wb.save(p)
    child = _read_in_child(p)  # the old reader aborted here (SIGABRT, 17 billion cells)
    assert child.returncode == 0, child.stderr[-2000:]
    problems: list = []
    grids, _, _ = _read_workbook(p, problems=problems)
    assert len(grids["Groups"]) == 2 and len(grids["Groups"][0]) == 35  # the real area only
    (w,) = problems
    assert (w.severity, w.sheet, w.check) == ("warning", "Groups", "stray-cell")
    assert str(w).startswith(f"RS.xlsx, sheet 'Groups': cell {ref} holds a value far outside "
                             "the questionnaire's area")
    assert "it was not read" in w.message and "delete it" in w.message
    v = validate(read_questionnaire(p))
    assert v.rows_accepted == 11 and not len(v.errors)
    assert _checks(v, "stray-cell").iloc[0]["message"].startswith(f"cell {ref} holds a value")


def test_stray_value_right_of_a_data_row_quarantines_the_row(make_workbook, tmp_path):
    p = _rewrite(make_workbook(), tmp_path / "right.xlsx", "Indicators",
                 lambda xml: _add_cell(xml, "XFD3", "see the annex"))
    problems: list = []
    grids, _, _ = _read_workbook(p, problems=problems)
    assert max(len(r) for r in grids["Indicators"]) == 10
    (e,) = problems
    assert (e.severity, e.sheet, e.row, e.column) == ("error", "Indicators", 3, "column XFD")
    assert "cell XFD3 holds a value far right of the questionnaire's columns" in e.message
    v = validate(read_questionnaire(p))
    assert set(v.quarantine["src_row"]) == {3} and v.rows_accepted == 10
    assert "cell XFD3" in v.quarantine.iloc[0]["reasons"]


def test_dimension_that_lies_does_not_hide_a_stray_cell(make_workbook, tmp_path):
    def edit(xml: str) -> str:
        xml = _add_cell(xml, "ZZ5", "x")  # column 702, inside Excel's grid
        return re.sub(r'<dimension ref="[^"]+"\s*/>', '<dimension ref="A1:J7"/>', xml)
    p = _rewrite(make_workbook(), tmp_path / "lying.xlsx", "Indicators", edit)
    with check_workbook(p) as check:
        sc = check.sheets["Indicators"]
        assert (sc.dimension, sc.stray, sc.stray_count) == ("A1:J7", [(5, 702)], 1)
        assert check.read_path != p  # a cleaned copy ...
    assert not check.read_path.exists()  # ... removed when the check is closed


def test_formatted_cells_far_out_are_not_stray(make_workbook, tmp_path):
    """Styled empty cells (a coloured column, a border to the last row) hold no value."""
    def edit(xml: str) -> str:
        xml = _add_cell(xml, "XFD1048576", "", styled_only=True)
        xml = _add_cell(xml, "AMJ3", "", styled_only=True)
        return re.sub(r'<dimension ref="[^"]+"\s*/>', '<dimension ref="A1:XFD1048576"/>', xml)
    p = _rewrite(make_workbook(), tmp_path / "styled.xlsx", "Groups", edit)
    with check_workbook(p) as check:
        assert check.read_path == p and check.sheets["Groups"].dimension == "A1:XFD1048576"
    v = validate(read_questionnaire(p))
    assert v.ok and v.rows_accepted == 11


def test_many_stray_cells_are_refused(make_workbook, tmp_path):
    def edit(xml: str) -> str:
        for r in range(2, 150):
            xml = _add_cell(xml, f"ZZ{r}", "x")
        return xml
    p = _rewrite(make_workbook(), tmp_path / "wide.xlsx", "Indicators", edit)
    with pytest.raises(QuestionnaireError, match=r"wide\.xlsx, sheet 'Indicators': .*more than "
                                                 r"100 values beyond column GR \(200\).*ZZ2.*"
                                                 r"delete the columns"):
        read_questionnaire(p)


# ------------------------------------------------------------------------ .ods and .xls


_ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
           'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" office:version="1.2"')


def _ods_cell(v, formula: str | None = None) -> str:
    f = f' table:formula="{formula}"' if formula else ""
    if v is None or v == "":
        return "<table:table-cell/>"
    if isinstance(v, bool):
        return (f'<table:table-cell office:value-type="boolean" office:boolean-value='
                f'"{str(v).lower()}"{f}><text:p>{v}</text:p></table:table-cell>')
    if isinstance(v, int | float):
        return (f'<table:table-cell office:value-type="float" office:value="{v}"{f}>'
                f'<text:p>{v}</text:p></table:table-cell>')
    if isinstance(v, dt.date):
        return (f'<table:table-cell office:value-type="date" office:date-value='
                f'"{v.isoformat()}"><text:p>{v}</text:p></table:table-cell>')
    return (f'<table:table-cell office:value-type="string"{f}><text:p>{escape(str(v))}'
            f'</text:p></table:table-cell>')


def _as_ods(xlsx: Path, out: Path, extra: dict[str, str] | None = None,
            formulas: dict[tuple[str, int, int], str] | None = None) -> Path:
    """The workbook saved as OpenDocument, as LibreOffice would (values, hidden sheets)."""
    import python_calamine

    wb = python_calamine.CalamineWorkbook.from_path(str(xlsx))
    tables = []
    for name in wb.sheet_names:
        grid = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        rows = "".join(
            "<table:table-row>" + "".join(
                _ods_cell(v, (formulas or {}).get((name, r + 1, c + 1)))
                for c, v in enumerate(line)) + "</table:table-row>"
            for r, line in enumerate(grid))
        rows += '<table:table-row table:number-rows-repeated="1048000">' \
                '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>' \
            if extra is None or name not in extra else extra[name]
        tables.append(f'<table:table table:name="{escape(name)}">{rows}</table:table>')
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS}>'
               f'<office:body><office:spreadsheet>{"".join(tables)}</office:spreadsheet>'
               '</office:body></office:document-content>')
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml",
                   '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                   '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                   '<manifest:file-entry manifest:full-path="/" manifest:media-type='
                   '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
                   'manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                   '</manifest:manifest>')
        z.writestr("content.xml", content)
    return out


def test_ods_questionnaire_is_read(make_workbook, tmp_path):
    xlsx = make_workbook()
    ods = _as_ods(xlsx, tmp_path / "RS.ods", formulas={("Indicators", 4, 5): "of:=20+21"})
    v = validate(read_questionnaire(ods))
    ref = validate(read_questionnaire(xlsx))
    assert v.rows_read == ref.rows_read == 11
    f = _checks(v, "formula")  # the one cell with a formula is found in content.xml
    assert (f.iloc[0]["sheet"], f.iloc[0]["row"], f.iloc[0]["column"]) == ("Indicators", 4, "Value")
    assert v.rows_accepted == 10 and v.country == "RS"
    for key in ("indicators", "groups", "routes", "assessments"):
        mine = v.tables[key].drop(columns=["src_file"])
        theirs = ref.tables[key].drop(columns=["src_file"])
        if key == "indicators":
            theirs = theirs[theirs["src_row"] != 4].reset_index(drop=True)
        assert mine.astype(str).equals(theirs.astype(str)), key


def test_ods_with_a_stray_cell_in_the_last_cell(make_workbook, tmp_path):
    stray = ('<table:table-row table:number-rows-repeated="1048573"><table:table-cell '
             'table:number-columns-repeated="1024"/></table:table-row><table:table-row>'
             '<table:table-cell table:number-columns-repeated="1023"/><table:table-cell '
             'office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>')
    xlsx = make_workbook()
    ods = _as_ods(xlsx, tmp_path / "RS.ods", extra={"Groups": stray})
    child = _read_in_child(ods)
    assert child.returncode == 0, child.stderr[-2000:]
    problems: list = []
    grids, _, _ = _read_workbook(ods, problems=problems)
    clean, _, _ = _read_workbook(_as_ods(xlsx, tmp_path / "clean.ods"))
    assert grids["Groups"] == clean["Groups"]  # read by the check, as calamine reads it
    (w,) = problems
    assert str(w).startswith("RS.ods, sheet 'Groups': cell AMJ1048576 holds a value far "
                             "outside the questionnaire's area")
    v = validate(read_questionnaire(ods))
    assert v.rows_accepted == 11 and len(_checks(v, "stray-cell")) == 1


def test_ods_with_repeated_values_far_down_is_refused(make_workbook, tmp_path):
    rows = ('<table:table-row table:number-rows-repeated="900000"><table:table-cell '
            'office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'
            '</table:table-row>')
    ods = _as_ods(make_workbook(), tmp_path / "RS.ods", extra={"Indicators": rows})
    with pytest.raises(QuestionnaireError, match=r"RS\.ods, sheet 'Indicators': .*beyond row "
                                                 r"200,000"):
        read_questionnaire(ods)


def test_xls_is_refused_by_name(make_workbook, tmp_path):
    xls = tmp_path / "RS.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000)
    with pytest.raises(QuestionnaireError,
                       match=r"RS\.xls: this is an old Excel 97-2003 \(\.xls\) workbook, which "
                             r"octasee does not read; open it in Excel .* save it as \.xlsx"):
        read_questionnaire(xls)
    html = tmp_path / "export.xls"  # what many web applications call an Excel export
    html.write_text("<html><body><table><tr><td>1</td></tr></table></body></html>")
    with pytest.raises(QuestionnaireError, match=r"export\.xls: the file is a web page \(HTML\), "
                                                 r"though it is named \.xls"):
        read_questionnaire(html)


def test_encrypted_ods_is_named(make_workbook, tmp_path):
    ods = _as_ods(make_workbook(), tmp_path / "RS.ods")
    locked = tmp_path / "locked.ods"
    with zipfile.ZipFile(ods) as src, zipfile.ZipFile(locked, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "META-INF/manifest.xml":
                data = data.replace(b"</manifest:manifest>",
                                    b"<manifest:encryption-data/></manifest:manifest>")
            if item.filename == "content.xml":
                data = bytes(b ^ 0x5A for b in data)  # what encryption leaves for a reader
            dst.writestr(item, data)
    with pytest.raises(QuestionnaireError, match=r"locked\.ods: the spreadsheet is "
                                                 r"password-protected"):
        read_questionnaire(locked)


# ------------------------------------------------------------------------ folders


def test_folder_lists_what_it_skipped(make_workbook, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    xlsx = make_workbook()
    (folder / "RS.xlsx").write_bytes(xlsx.read_bytes())
    _as_ods(xlsx, folder / "AL.ods")
    (folder / "BA.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    (folder / "notes.txt").write_text("call Ana")
    (folder / "~$RS.xlsx").write_bytes(b"lock")
    (folder / ".DS_Store").write_bytes(b"\x00")
    (folder / "old").mkdir()
    sources = collect_sources([folder])
    assert [s.label for s in sources] == ["AL.ods", "BA.xls", "RS.xlsx"]
    skipped = {p.name: why for p, why in sources.skipped}
    assert set(skipped) == {"notes.txt", "~$RS.xlsx", ".DS_Store", "old"}
    assert skipped["notes.txt"].startswith("not a questionnaire file (.txt;")
    assert "lock file" in skipped["~$RS.xlsx"] and "hidden" in skipped[".DS_Store"]
    assert "folder" in skipped["old"]
    # .ods is read, .xls is refused by name: nothing in the folder passes unseen.
    assert validate(read_questionnaire(sources[0])).rows_accepted == 11
    with pytest.raises(QuestionnaireError, match="old Excel 97-2003"):
        read_questionnaire(sources[1])
    assert collect_sources([]) == [] and collect_sources([]).skipped == []


def test_folder_without_questionnaires_is_an_error(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(QuestionnaireError, match=rf"{re.escape(str(empty))}: the folder holds no "
                                                 r"questionnaire.*it is empty"):
        collect_sources([empty])
    (empty / "notes.txt").write_text("x")
    with pytest.raises(QuestionnaireError, match=r"it holds only notes\.txt \(not a "
                                                 r"questionnaire file"):
        collect_sources([empty])
