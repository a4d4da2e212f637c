"""The blank workbook a member country fills in.

One sheet of instructions, one sheet per part of the questionnaire with headers that
state units, drop-down lists (Excel data validation) on every coded column, header rows
protected against accidental edits, and a hidden sheet that records who the workbook
was issued to. The reader uses that record to catch one country submitting another's
data.

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "RS.xlsx"
>>> write_template("2013-2017", "RS", out).name
'RS.xlsx'
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from octasee.questionnaire.conventions import COUNTRY_LOCALE
from octasee.questionnaire.spec import (
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    META_SHEET,
    Column,
    Sheet,
    Spec,
    spec_for,
)
from octasee.reference import MEMBER_CODES, country, crime_areas, members

__all__ = ["LISTS_SHEET", "META_SHEET", "write_template"]


_HEADER_FILL = PatternFill("solid", fgColor="1F3864")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_REQUIRED_FILL = PatternFill("solid", fgColor="833C0B")
_WIDTH = {"longtext": 60, "text": 28, "countries": 30, "code": 18, "attribute": 14}


def _list_values(spec: Spec) -> dict[str, list[str]]:
    """The drop-down lists, by name, as they appear in the Lists sheet."""
    return {
        "crime_area": [a.code for a in crime_areas()],
        "indicator": list(spec.indicator_codes),
        "member": [c.name for c in members()],
        "yesno": ["no", "yes"],
    }


def _choices_for(col: Column, lists: Mapping[str, list[str]]) -> str | None:
    """The list name a column's drop-down draws from, if any."""
    if col.kind in ("crime_area", "indicator", "member", "yesno"):
        return col.kind
    if col.choices:
        return f"choices:{col.key}"
    return None


def _write_lists(wb: Workbook, spec: Spec) -> dict[str, str]:
    """Write every drop-down list into a hidden sheet; return list name -> range formula."""
    ws = wb.create_sheet(LISTS_SHEET)
    lists: dict[str, list[str]] = dict(_list_values(spec))
    for sheet in spec.sheets:
        for col in sheet.columns:
            if col.choices and col.kind not in ("yesno",):
                lists.setdefault(f"choices:{col.key}", list(col.choices))
    ranges: dict[str, str] = {}
    for i, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(i)
        ws.cell(row=1, column=i, value=name).font = Font(bold=True)
        for r, v in enumerate(values, start=2):
            ws.cell(row=r, column=i, value=v)
        ranges[name] = f"{LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}"
    ws.sheet_state = "hidden"
    ws.protection.sheet = True
    return ranges


def _write_instructions(wb: Workbook, spec: Spec, iso2: str) -> None:
    ws = wb.active
    ws.title = INSTRUCTIONS_SHEET
    c = country(iso2)
    lines: list[tuple[str, ...]] = [
        (f"OCTA-SEE questionnaire, cycle {spec.cycle.code} "
         f"(years {spec.cycle.first_year}-{spec.cycle.last_year})",),
        (f"Issued to: {c.name} ({c.iso2}). Fill in only your own country's data.",),
        ("",),
        ("How to fill in",),
        ("Write one row per record below the dark header row of each sheet. Do not rename, "
         "move or delete columns or sheets; the header rows are protected.",),
        ("Columns with a red header are required. Use the drop-down lists where a cell offers "
         "one; codes are accepted in any case.",),
        ("Numbers: type them as numbers, or as text the way you write them. A dot, space or "
         "apostrophe that groups digits in threes separates thousands, a comma is the decimal "
         "mark: 1.234 is one thousand two hundred and thirty-four, 1.234,5 and 1 234,5 are "
         "one thousand two hundred and thirty-four and a half, 12,5 is twelve and a half. "
         "English forms are read too (1,234.5; 12.5). If your numbers follow the English "
         "convention throughout, write en under 'Number format' in the Respondent sheet. "
         "Counts are whole numbers and are never read as fractions.",),
        ("Weights may be given in g, kg or t (Unit column, or in the cell: '12,5 kg'). "
         "Dates as you write them: 31.03.2018, 31. 3. 2018., 2018. 03. 31. or 31. ožujka "
         "2018.",),
        ("Type values, not formulas, and do not merge cells.",),
        ("Every row carries a 4x4 grading: source reliability (A-D, X) and information "
         "assessment (1-4). Mark a row 'yes' under 'Not for dissemination' to keep it out of "
         "public reports.",),
        ("Free text is shown as plain text: do not paste HTML or formatting codes.",),
        ("",),
        ("Sheet", "Column", "Required", "Unit", "What to write"),
    ]
    for sheet in spec.sheets:
        for col in sheet.columns:
            choices = ", ".join(col.choices) if col.choices and len(col.choices) <= 8 else ""
            what = col.description + (f" One of: {choices}." if choices else "")
            lines.append((sheet.name, col.label, "yes" if col.required else "",
                          col.unit or "", what))
    lines += [("",), ("Indicators", "Code", "Crime areas", "Unit", "What it counts")]
    for ind in spec.indicators:
        lines.append(("", ind.code, "any" if ind.areas is None else ", ".join(ind.areas),
                      ind.unit, ind.label + (" (may be split by nationality)"
                                             if ind.breakdown else "")))
    lines += [("",), ("Grading", "Code", "", "", "Meaning")]
    for scale, codes in spec.grading.items():
        for code, text in codes.items():
            lines.append((scale.replace("_", " "), code, "", "", text))
    for r, line in enumerate(lines, start=1):
        for ci, v in enumerate(line, start=1):
            ws.cell(row=r, column=ci, value=v)
    ws["A1"].font = Font(bold=True, size=14)
    for row in (4,):
        ws.cell(row=row, column=1).font = Font(bold=True)
    for r, line in enumerate(lines, start=1):
        if line and line[0] in ("Sheet", "Indicators", "Grading") and len(line) == 5:
            for ci in range(1, 6):
                ws.cell(row=r, column=ci).font = Font(bold=True)
    for letter, width in zip("ABCDE", (22, 30, 14, 22, 100), strict=True):
        ws.column_dimensions[letter].width = width
    ws.protection.sheet = True


def _write_sheet(wb: Workbook, sheet: Sheet, ranges: Mapping[str, str],
                 rows: Iterable[Mapping[str, Any]] | None) -> None:
    ws = wb.create_sheet(sheet.name)
    for ci, col in enumerate(sheet.columns, start=1):
        cell = ws.cell(row=1, column=ci, value=col.header)
        cell.font = _HEADER_FONT
        cell.fill = _REQUIRED_FILL if col.required else _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.protection = Protection(locked=True)
        cell.comment = Comment(col.description or col.label, "octasee")
        letter = get_column_letter(ci)
        dim = ws.column_dimensions[letter]
        dim.width = _WIDTH.get(col.kind, 16)
        # Cells below the header stay editable: unlocked through the column style.
        dim.protection = Protection(locked=False)
        list_name = _choices_for(col, ranges)
        if list_name and list_name in ranges:
            dv = DataValidation(type="list", formula1=f"={ranges[list_name]}",
                                allow_blank=True, showErrorMessage=col.kind != "countries")
            dv.errorTitle = f"{col.label}: not in the list"
            dv.error = "Choose a value from the drop-down list (see the Instructions sheet)."
            dv.promptTitle = col.label
            dv.prompt = (col.description or col.label)[:255]
            dv.showInputMessage = True
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}1048576")
    ws.row_dimensions[1].height = 45
    ws.freeze_panes = "A2"
    for r, row in enumerate(rows or (), start=2):
        for ci, col in enumerate(sheet.columns, start=1):
            value = row.get(col.key)
            if value is None or (isinstance(value, float) and value != value):
                continue
            ws.cell(row=r, column=ci, value=value)
    ws.protection.sheet = True
    ws.protection.formatCells = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.insertRows = False
    ws.protection.deleteRows = False
    ws.protection.sort = False
    ws.protection.autoFilter = False


def write_template(cycle_code: str, iso2: str, out: str | os.PathLike[str], *,
                   rows: Mapping[str, Iterable[Mapping[str, Any]]] | None = None,
                   issued: dt.date | None = None) -> Path:
    """Write the questionnaire workbook for ``iso2`` and ``cycle_code`` to ``out``.

    ``rows`` fills sheets (by sheet key, each a list of ``{column key: value}``): the
    samples and the tests make filled questionnaires this way, from the same template
    that countries receive. Without it the workbook is blank but for the respondent's
    country and cycle. The file is written atomically.
    """
    spec = spec_for(cycle_code)
    c = country(iso2)
    if c.iso2 not in MEMBER_CODES:  # pragma: no cover - country() already refuses
        raise AssertionError(iso2)
    wb = Workbook()
    _write_instructions(wb, spec, c.iso2)
    ranges = _write_lists(wb, spec)
    given = dict(rows or {})
    locale = COUNTRY_LOCALE[c.iso2]
    if "respondent" not in given:
        given["respondent"] = [{"country": c.name, "cycle": spec.cycle.code}]
    if "locale" in spec.sheet("respondent").keys:
        given["respondent"] = [dict(r, locale=r.get("locale") or locale)
                               for r in given["respondent"]]
    for sheet in spec.sheets:
        _write_sheet(wb, sheet, ranges, given.get(sheet.key))
    # Keep the Lists sheet last so that the questionnaire's own sheets come first.
    wb.move_sheet(LISTS_SHEET, offset=len(wb.sheetnames))
    meta = wb.create_sheet(META_SHEET)
    issued = issued or dt.date.today()
    for r, (k, v) in enumerate([("template", "octasee questionnaire"),
                                ("spec_version", spec.version), ("cycle", spec.cycle.code),
                                ("issued_to", c.iso2), ("issued", issued.isoformat()),
                                ("locale", locale)],
                               start=1):
        meta.cell(row=r, column=1, value=k)
        meta.cell(row=r, column=2, value=v)
    meta.sheet_state = "veryHidden"
    meta.protection.sheet = True
    wb.active = 1
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out
