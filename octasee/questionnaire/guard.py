"""Refusing hostile workbooks before they cost anything.

A workbook is a zip of XML files, and two kinds of file can take a reader down before a
single row is checked: a *zip bomb* (a few MB that unpack to gigabytes) and a sheet whose
cells reach far outside the data (one value in the last cell, ``XFD1048576``, makes
calamine allocate the whole 17-billion-cell grid and abort the process). This module
looks at a workbook *before* calamine parses it, with bounded memory:

* the zip's declared sizes: the total unpacked size and the compression ratio;
* each sheet's declared area (``<dimension ref=...>``, in the first block of the sheet),
  and then every cell reference in the sheet's XML, streamed block by block (the declared
  area may be missing or lie): cells with a value beyond :attr:`ReadLimits.max_rows` or
  :attr:`ReadLimits.max_columns` are *stray*;
* for an OpenDocument spreadsheet (``.ods``), the same from ``content.xml``, parsed as a
  stream with its repeated rows and cells counted, not expanded.

A few stray cells are cut out of a temporary copy that calamine then reads (the source
is never written), and the reader reports each one; many are refused, as is a workbook
that unpacks too large. The scan also collects the cells that hold formulas, so the
sheets are not read a second time for them.

Known limits of the xlsx scan (no spreadsheet program writes such files): a reference
written with blanks around its ``=`` (``r = "XFD1"``) is not recognised, and the estimate
of a sheet's area (:attr:`ReadLimits.max_cells`) trusts rows to be written in order. A
member that unpacks to more than it declares fails its CRC check and is refused as damaged.

>>> from octasee.samples import sample_files
>>> with check_workbook(sample_files("2013-2017")[0]) as check:
...     check.read_path == check.path, sum(s.stray_count for s in check.sheets.values())
(True, 0)
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path, PurePosixPath
from typing import IO, Any
from xml.etree import ElementTree as ET

from octasee.errors import QuestionnaireError
from octasee.questionnaire.problems import Problem

__all__ = ["DEFAULT_LIMITS", "ReadLimits", "SheetCheck", "WorkbookCheck", "check_workbook",
           "column_letter", "stray_problems"]

MB = 1024 * 1024
_BLOCK = 1 << 20  # bytes of XML looked at per step
_KEEP = 20  # stray cells remembered per sheet (for messages); the rest are counted


@dataclass(frozen=True)
class ReadLimits:
    """What a questionnaire workbook may hold before it is refused unread.

    The defaults leave room for 20 times the largest real submission (13 workbooks of
    10,000 rows unpack to about 3.5 MB each, compressed about 12:1).
    """

    max_uncompressed_mb: float = 500.0  # all zip members together, as declared
    max_ratio: float = 100.0  # unpacked / packed size ...
    ratio_above_mb: float = 50.0  # ... checked only when it unpacks to more than this
    max_rows: int = 200_000  # rows per sheet that may hold values
    max_columns: int = 200  # columns per sheet that may hold values (200 = GR)
    max_cells: int = 10_000_000  # rows x columns of the area that holds values
    max_stray_cells: int = 100  # values outside that area that are cut out and reported


DEFAULT_LIMITS = ReadLimits()


@dataclass
class SheetCheck:
    """What the scan found in one sheet (rows and columns 1-based)."""

    name: str
    dimension: str | None = None  # the declared area, as written (xlsx)
    stray: list[tuple[int, int]] = field(default_factory=list)  # first few stray cells
    stray_count: int = 0  # every stray cell
    last_row: int = 0  # last row that holds a value inside the limits (xlsx: estimate)
    last_column: int = 0
    formulas: list[tuple[int, int]] = field(default_factory=list)
    merged: list[tuple[tuple[int, int], tuple[int, int]]] | None = None  # ods: 0-based
    member: str = ""  # the zip member of the sheet (xlsx)
    _spans: list[tuple[int, int]] = field(default_factory=list, repr=False)


@dataclass
class WorkbookCheck:
    """The result of :func:`check_workbook`: what to read and what was cut out.

    Use it as a context manager: a cleaned copy lives in a temporary folder until the
    check is closed.
    """

    path: Path
    kind: str  # xlsx | ods
    sheets: dict[str, SheetCheck]
    read_path: Path
    # An .ods with stray cells is read here, every sheet (calamine would refuse it whole).
    grids: dict[str, list[list[Any]]] = field(default_factory=dict)
    _tmp: tempfile.TemporaryDirectory[str] | None = field(default=None, repr=False)

    @property
    def formulas(self) -> dict[str, list[tuple[int, int]]]:
        return {n: s.formulas for n, s in self.sheets.items() if s.formulas}

    def close(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> WorkbookCheck:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def column_letter(n: int) -> str:
    """1 -> A, 27 -> AA, 16384 -> XFD."""
    s = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _column_number(letters: bytes | str) -> int:
    n = 0
    for ch in letters.decode() if isinstance(letters, bytes) else letters:
        n = n * 26 + (ord(ch) - 64)
    return n


def _mb(n: float) -> str:
    return f"{n / MB:,.1f}" if n < 10 * MB else f"{n / MB:,.0f}"


def _where(path: Path, sheet: str | None = None) -> str:
    return f"{path.name}, sheet {sheet!r}" if sheet else path.name


# --------------------------------------------------------------------------- zip level


def check_zip(path: Path, z: zipfile.ZipFile, limits: ReadLimits) -> None:
    """Refuse a zip whose declared content is too large or too compressed."""
    infos = z.infolist()
    unpacked = sum(i.file_size for i in infos)
    packed = max(sum(i.compress_size for i in infos), 1)
    if unpacked > limits.max_uncompressed_mb * MB:
        raise QuestionnaireError(
            f"the workbook unpacks to {_mb(unpacked)} MB, over the "
            f"{limits.max_uncompressed_mb:g} MB limit (a filled questionnaire unpacks to a "
            "few MB); it was not read", where=path.name,
            hint="if it is a questionnaire, remove pictures and unrelated sheets, save it "
                 "again and resend it; a file that is small on disk but this large inside "
                 "is a zip bomb: do not open it")
    ratio = unpacked / packed
    if unpacked > limits.ratio_above_mb * MB and ratio > limits.max_ratio:
        raise QuestionnaireError(
            f"the workbook is compressed {ratio:,.0f}:1 ({_mb(path.stat().st_size)} MB "
            f"that unpack to {_mb(unpacked)} MB; workbooks are rarely above 20:1); "
            "it was not read", where=path.name,
            hint="this looks like a zip bomb: do not open it, and ask the sender for the "
                 "questionnaire again")


def _no_doctype(head: bytes, path: Path, member: str) -> None:
    if b"<!DOCTYPE" in head[:4096] or b"<!ENTITY" in head[:4096]:
        raise QuestionnaireError(
            f"the workbook part {member} declares XML entities, which spreadsheets never "
            "do; it was not read", where=path.name,
            hint="save it again in Excel or LibreOffice and resend it")


# --------------------------------------------------------------------------- xlsx

_DIMENSION_RE = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref=["\']([^"\']*)')
_FAR_CACHE: dict[tuple[int, int], tuple[re.Pattern[bytes], re.Pattern[bytes]]] = {}


def _far_patterns(limits: ReadLimits) -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    """Regexes for cell references beyond the limits' last column / last row.

    They start with the literal ``r=`` and fail on the first letter or digit of every
    ordinary reference, so a sheet with none is scanned at close to memchr speed. They
    may match a little inside the limits (rows); the caller compares the numbers.
    """
    key = (limits.max_columns, limits.max_rows)
    if key not in _FAR_CACHE:
        last = column_letter(max(limits.max_columns, 1))
        alts = [f"[A-Z]{{{len(last) + 1},}}"]
        for i, ch in enumerate(last):
            if ch < "Z":
                alts.append(last[:i] + f"[{chr(ord(ch) + 1)}-Z]" + "[A-Z]" * (len(last) - i - 1))
        digits = str(max(limits.max_rows, 1))
        n = len(digits)
        rows = f"\\d{{{n + 1},}}|[{digits[0]}-9]\\d{{{n - 1}}}"
        _FAR_CACHE[key] = (
            re.compile(('r=["\']((?:' + "|".join(alts) + ')\\d*)["\']').encode()),
            re.compile(('r=["\']([A-Z]+(?:' + rows + '))["\']').encode()))
    return _FAR_CACHE[key]


_REF_RE = re.compile(rb"([A-Z]+)(\d*)")
_VALUE_RE = re.compile(rb'<(?:\w+:)?is[\s>]|<(?:\w+:)?v(?:\s[^>]*)?>[^<]')
_LAST_REF_RE = re.compile(rb'r=["\']([A-Z]+)(\d+)["\']')
_FORMULA_RE = re.compile(
    rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*?>\s*<(?:\w+:)?f[\s>/]')
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _small_xml(z: zipfile.ZipFile, name: str, path: Path) -> ET.Element:
    info = z.getinfo(name)
    if info.file_size > 50 * MB:
        raise QuestionnaireError(f"the workbook part {name} is {info.file_size / MB:,.0f} MB",
                                 where=path.name, hint="save it again in Excel and resend it")
    data = z.read(name)
    _no_doctype(data, path, name)
    return ET.fromstring(data)


def xlsx_sheet_members(z: zipfile.ZipFile, path: Path) -> dict[str, str]:
    """Sheet name -> zip member of its XML, in workbook order."""
    wb = _small_xml(z, "xl/workbook.xml", path)
    rels: dict[str, str] = {}
    try:
        rels_xml = _small_xml(z, "xl/_rels/workbook.xml.rels", path)
    except KeyError:
        rels_xml = None
    if rels_xml is not None:
        for rel in rels_xml.iter():
            if rel.tag.endswith("Relationship") and rel.get("Id") and rel.get("Target"):
                target = str(rel.get("Target"))
                if target.startswith("/"):
                    member = target.lstrip("/")
                else:
                    parts: list[str] = []
                    for part in PurePosixPath("xl", target).parts:
                        if part == "..":
                            parts = parts[:-1]
                        elif part != ".":
                            parts.append(part)
                    member = "/".join(parts)
                rels[str(rel.get("Id"))] = member
    out: dict[str, str] = {}
    names = set(z.namelist())
    for el in wb.iter():
        if el.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        rid = el.get(f"{_REL_NS}id") or el.get("id")
        member = rels.get(str(rid))
        name = el.get("name")
        if name is not None and member in names:
            out[name] = str(member)
    return out


def _cell_span(buf: bytes, at: int) -> tuple[int, int, bool] | None:
    """(start, end, holds a value) of the <c> element whose attribute starts at ``at``."""
    lt = buf.rfind(b"<", 0, at)
    if lt < 0:
        return None
    tag_end = lt + 1
    while tag_end < len(buf) and buf[tag_end] not in b" \t\r\n/>":
        tag_end += 1
    tag = buf[lt + 1:tag_end]
    if tag != b"c" and not tag.endswith(b":c"):
        return None
    gt = buf.find(b">", at)
    if gt < 0:
        return None
    if buf[gt - 1] == ord("/"):
        return lt, gt + 1, False
    close = buf.find(b"</" + tag + b">", gt)
    if close < 0:
        return None
    end = close + len(tag) + 3
    return lt, end, bool(_VALUE_RE.search(buf, gt, close))


def _block_end(buf: bytes) -> int:
    """Where to cut ``buf`` so that no cell is split: after its last ``</row>``, or (in a
    row of many MB) before its last cell; -1 to read on. ``<`` never stands in text."""
    end = buf.rfind(b"</row>")
    if end >= 0:
        end += 6
    pre = buf.rfind(b":row>")
    if pre > end:
        lt = buf.rfind(b"<", 0, pre)
        if lt >= 0 and buf[lt + 1:lt + 2] == b"/":
            end = pre + 5
    if end < 0 and len(buf) > 8 * _BLOCK:
        end = max(buf.rfind(b"<c "), buf.rfind(b"<c>"))
        pre = max(buf.rfind(b":c "), buf.rfind(b":c>"))
        if pre > end:
            end = buf.rfind(b"<", 0, pre)
        end = end if end > 0 else -1
    return end


def _scan_xlsx_sheet(path: Path, z: zipfile.ZipFile, name: str, member: str,
                     limits: ReadLimits, want_formulas: bool) -> SheetCheck:
    sc = SheetCheck(name, member=member)
    far_rows = far_cols = 0
    base = 0  # offset in the member of buf[0]
    carry = b""
    first, prefixed = True, True
    far_res = _far_patterns(limits)
    with z.open(member) as fh:
        while True:
            block = fh.read(_BLOCK)
            buf = carry + block
            if not buf:
                break
            if block:
                cut = _block_end(buf)
                if cut < 0:
                    carry = buf
                    continue
                buf, carry = buf[:cut], buf[cut:]
            else:
                carry = b""
            if first:
                _no_doctype(buf, path, member)
                m = _DIMENSION_RE.search(buf, 0, 65536)
                # Elements written with a namespace prefix (<x:c>) need more searching.
                prefixed = not re.search(rb"<(?:worksheet|sheetData)[\s>]", buf[:65536])
                sc.dimension = m.group(1).decode("ascii", "replace") if m else None
                dim = re.fullmatch(r"[A-Z]+\d+:([A-Z]+)\d+", sc.dimension or "")
                if dim and _column_number(dim.group(1)) <= limits.max_columns:
                    sc.last_column = _column_number(dim.group(1))
                first = False
            for rx in far_res:
                for m in rx.finditer(buf):
                    letters, digits = _REF_RE.fullmatch(m.group(1)).groups()  # type: ignore[union-attr]
                    col, row = _column_number(letters), int(digits or 0)
                    if col > limits.max_columns and rx is not far_res[0]:
                        continue  # counted as a far column already
                    if row <= limits.max_rows and col <= limits.max_columns:
                        continue
                    span = _cell_span(buf, m.start())
                    if span is None or not span[2]:
                        continue
                    sc.stray_count += 1
                    far_rows += row > limits.max_rows
                    far_cols += col > limits.max_columns
                    if len(sc.stray) < _KEEP:
                        sc.stray.append((row, col))
                    sc._spans.append((base + span[0], base + span[1]))
                    if sc.stray_count > limits.max_stray_cells:
                        _refuse_far(path, sc, limits, far_rows, far_cols)
            # The last value of the block gives its last row (rows are written in order).
            last_v = -1
            for tail in (1 << 12, 1 << 16, len(buf)):
                start = max(0, len(buf) - tail)
                last_v = max(buf.rfind(b"<v>", start), buf.rfind(b"<is>", start),
                             buf.rfind(b":v>", start) if prefixed else -1,
                             buf.rfind(b":is>", start) if prefixed else -1)
                if last_v >= 0 or start == 0:
                    break
            if last_v > 0:
                refs = _LAST_REF_RE.findall(buf, max(0, buf.rfind(b"<", 0, last_v) - 400),
                                            last_v)
                if refs:
                    ref = refs[-1]
                    row = int(ref[1])
                    col = _column_number(ref[0])
                    if row <= limits.max_rows and col <= limits.max_columns:
                        sc.last_row = max(sc.last_row, row)
                        sc.last_column = max(sc.last_column, min(col, 26))
            if want_formulas and (b"<f" in buf or (prefixed and b":f" in buf)):
                for col_b, row_b in _FORMULA_RE.findall(buf):
                    row, col = int(row_b), _column_number(col_b)
                    if row <= limits.max_rows and col <= limits.max_columns:
                        sc.formulas.append((row, col))
            base += len(buf)
            if not block:
                break
    if sc.last_row and sc.last_column:
        # Single-letter columns are not looked at one by one: count all 26.
        _check_area(path, name, sc.last_row, max(sc.last_column, 26), limits)
    return sc


def _check_area(path: Path, name: str, rows: int, columns: int, limits: ReadLimits) -> None:
    if rows * columns > limits.max_cells:
        raise QuestionnaireError(
            f"sheet {name!r} holds values down to row {rows:,} and out to column "
            f"{column_letter(columns)}, an area of {rows * columns:,} cells, over the "
            f"{limits.max_cells:,}-cell limit; it was not read", where=_where(path, name),
            hint="delete the rows or columns that do not belong to the questionnaire, "
                 "or split the data over several submissions")


def _refuse_far(path: Path, sc: SheetCheck, limits: ReadLimits, far_rows: int,
                far_cols: int) -> None:
    rows = far_rows >= far_cols
    beyond = (f"row {limits.max_rows:,}" if rows else
              f"column {column_letter(limits.max_columns)} ({limits.max_columns})")
    examples = ", ".join(f"{column_letter(c)}{r}" for r, c in sc.stray[:3])
    declared = f"; its declared area is {sc.dimension}" if sc.dimension else ""
    raise QuestionnaireError(
        f"sheet {sc.name!r} holds more than {limits.max_stray_cells} values beyond {beyond} "
        f"(first at {examples}){declared}; it was not read", where=_where(path, sc.name),
        hint=(f"a questionnaire sheet holds at most {limits.max_rows:,} rows of answers: "
              "split the data over several submissions, or delete the rows below the data"
              if rows else
              f"a questionnaire sheet has at most {limits.max_columns} columns: delete the "
              "columns right of the questionnaire's columns and save it again"))


def _copy_without(src: IO[bytes], dst: IO[bytes], spans: list[tuple[int, int]]) -> None:
    """Copy ``src`` to ``dst`` leaving out the byte ranges ``spans`` (sorted)."""
    i, pos = 0, 0
    while block := src.read(_BLOCK):
        end = pos + len(block)
        p = pos
        while p < end:
            while i < len(spans) and spans[i][1] <= p:
                i += 1
            if i < len(spans) and spans[i][0] <= p:
                p = min(spans[i][1], end)
                continue
            stop = min(spans[i][0], end) if i < len(spans) else end
            dst.write(block[p - pos:stop - pos])
            p = stop
        pos = end


def _clean_copy(path: Path, z: zipfile.ZipFile, cut: dict[str, list[tuple[int, int]]],
                tmp: str) -> Path:
    out = Path(tmp) / ("clean" + path.suffix.lower())
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in z.infolist():
            new = zipfile.ZipInfo(info.filename, info.date_time)
            new.compress_type = (zipfile.ZIP_STORED if info.compress_type == zipfile.ZIP_STORED
                                 else zipfile.ZIP_DEFLATED)
            with z.open(info) as src, dst.open(new, "w", force_zip64=True) as w:
                if info.filename in cut:
                    _copy_without(src, w, sorted(cut[info.filename]))
                else:
                    shutil.copyfileobj(src, w, _BLOCK)
    return out


# --------------------------------------------------------------------------- ods

_T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_O = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_MAX_REPEAT = 1 << 31


def _repeat(el: ET.Element, attr: str) -> int:
    try:
        return min(max(int(el.get(_T + attr, "1")), 1), _MAX_REPEAT)
    except ValueError:
        return 1


def _ods_value(el: ET.Element) -> Any:
    kind = el.get(_O + "value-type")
    try:
        if kind in ("float", "percentage", "currency"):
            return float(el.get(_O + "value", "nan"))
        if kind == "boolean":
            return el.get(_O + "boolean-value", "false").lower() == "true"
        if kind == "date":
            text = el.get(_O + "date-value", "")
            value = dt.datetime.fromisoformat(text)
            return value.date() if "T" not in text else value
        if kind == "time":
            m = re.fullmatch(r"-?PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?",
                             el.get(_O + "time-value", ""))
            if m:
                return dt.timedelta(hours=int(m.group(1) or 0), minutes=int(m.group(2) or 0),
                                    seconds=float(m.group(3) or 0))
    except (ValueError, OverflowError):
        pass
    paragraphs = [p for p in el if p.tag == _TEXT + "p"]
    return "\n".join("".join(p.itertext()) for p in paragraphs)


def _scan_ods(path: Path, z: zipfile.ZipFile, limits: ReadLimits,
              skip: Callable[[str], bool], read: set[str] | None = None
              ) -> tuple[dict[str, SheetCheck], dict[str, list[list[Any]]]]:
    """One streaming pass over content.xml; with ``read``, also the grids of those sheets."""
    sheets: dict[str, SheetCheck] = {}
    grids: dict[str, list[list[Any]]] = {}
    with z.open("content.xml") as fh:
        _no_doctype(fh.read(4096), path, "content.xml")
    sc: SheetCheck | None = None
    grid: list[list[Any]] | None = None
    table: ET.Element | None = None
    row = col = 0
    rrep = 1
    far_rows = far_cols = 0
    with z.open("content.xml") as fh:
        for event, el in ET.iterparse(fh, events=("start", "end")):
            tag = el.tag
            if event == "start":
                if tag == _T + "table":
                    name = el.get(_T + "name", "")
                    table = el
                    row = 0
                    far_rows = far_cols = 0
                    sc = None if skip(name) else sheets.setdefault(name, SheetCheck(name,
                                                                                    merged=[]))
                    grid = grids.setdefault(name, []) if read and name in read else None
                elif tag == _T + "table-row":
                    rrep = _repeat(el, "number-rows-repeated")
                    col = 0
                continue
            if tag in (_T + "table-cell", _T + "covered-table-cell"):
                crep = _repeat(el, "number-columns-repeated")
                if sc is not None and (el.get(_O + "value-type") or len(el)):
                    in_rows = max(0, min(row + rrep, limits.max_rows) - row)
                    in_cols = max(0, min(col + crep, limits.max_columns) - col)
                    far = rrep * crep - in_rows * in_cols
                    if far:
                        sc.stray_count += far
                        far_rows += max(0, row + rrep - limits.max_rows) * crep
                        far_cols += max(0, col + crep - limits.max_columns) * rrep
                        r0 = row if row >= limits.max_rows or in_cols == 0 else limits.max_rows
                        c0 = col if in_rows == 0 or col >= limits.max_columns else \
                            limits.max_columns
                        if len(sc.stray) < _KEEP:
                            sc.stray.append((r0 + 1, c0 + 1))
                        if sc.stray_count > limits.max_stray_cells:
                            _refuse_far(path, sc, limits, far_rows, far_cols)
                    if in_rows and in_cols:
                        sc.last_row = max(sc.last_row, row + in_rows)
                        sc.last_column = max(sc.last_column, col + in_cols)
                        _check_area(path, sc.name, sc.last_row, sc.last_column, limits)
                        if el.get(_T + "formula") and len(sc.formulas) < 100_000:
                            sc.formulas += islice(
                                ((r + 1, c + 1) for r in range(row, row + in_rows)
                                 for c in range(col, col + in_cols)),
                                100_000 - len(sc.formulas))
                    if grid is not None and in_rows and in_cols:
                        value = _ods_value(el)
                        for r in range(row, row + in_rows):
                            while len(grid) <= r:
                                grid.append([])
                            line = grid[r]
                            if len(line) < col + in_cols:
                                line.extend([""] * (col + in_cols - len(line)))
                            line[col:col + in_cols] = [value] * in_cols
                if sc is not None and sc.merged is not None and col < limits.max_columns \
                        and row < limits.max_rows:
                    cs = _repeat(el, "number-columns-spanned")
                    rs = _repeat(el, "number-rows-spanned")
                    if (cs > 1 or rs > 1) and len(sc.merged) < 10_000:
                        sc.merged.append(((row, col), (row + rs - 1, col + cs - 1)))
                col += crep
                el.clear()
            elif tag == _T + "table-row":
                row += rrep
                rrep = 1
                if table is not None:
                    table.clear()
            elif tag == _T + "table":
                table = None
                sc = None
                grid = None
    for name, g in grids.items():  # the shape calamine gives: rectangular, from A1
        last = sheets[name].last_row if name in sheets else len(g)
        width = sheets[name].last_column if name in sheets else max(map(len, g), default=0)
        del g[last:]
        for line in g:
            del line[width:]
            line.extend([""] * (width - len(line)))
    return sheets, grids


# --------------------------------------------------------------------------- entry point


def check_workbook(path: str | Path, limits: ReadLimits = DEFAULT_LIMITS, *,
                   skip: Callable[[str], bool] = lambda name: False,
                   formulas: bool = True) -> WorkbookCheck:
    """Check an .xlsx / .xlsm / .ods workbook against ``limits`` before it is parsed.

    Raises :class:`QuestionnaireError` (naming the file, the sheet and what was found)
    for a workbook that must not be read. Sheets for which ``skip(name)`` is true are not
    looked into. Other errors (not a zip, a missing part) propagate for the caller to
    explain.
    """
    path = Path(path)
    with zipfile.ZipFile(path) as z:
        check_zip(path, z, limits)
        names = set(z.namelist())
        if "content.xml" in names and "xl/workbook.xml" not in names:
            sheets, _ = _scan_ods(path, z, limits, skip)
            grids: dict[str, list[list[Any]]] = {}
            if any(s.stray_count for s in sheets.values()):
                # calamine reads every sheet of an .ods when it opens it, and refuses the
                # whole file over one far cell: read the sheets here instead, without it.
                _, grids = _scan_ods(path, z, limits, skip, read=set(sheets))
            return WorkbookCheck(path, "ods", sheets, path, grids)
        members = xlsx_sheet_members(z, path)
        sheets = {}
        for name, member in members.items():
            if skip(name):
                continue
            sheets[name] = _scan_xlsx_sheet(path, z, name, member, limits, formulas)
        cut = {s.member: s._spans for s in sheets.values() if s._spans}
        if not cut:
            return WorkbookCheck(path, "xlsx", sheets, path)
        tmp = tempfile.TemporaryDirectory(prefix="octasee-")
        try:
            clean = _clean_copy(path, z, cut, tmp.name)
        except BaseException:
            tmp.cleanup()
            raise
        return WorkbookCheck(path, "xlsx", sheets, clean, _tmp=tmp)


# --------------------------------------------------------------------------- problems


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def stray_problems(check: WorkbookCheck, grids: dict[str, list[list[Any]]], label: str,
                   limits: ReadLimits = DEFAULT_LIMITS) -> list[Problem]:
    """One located problem per stray cell that was cut out of ``check``'s sheets.

    A stray cell on a row that holds answers is an *error* on that row (the row goes to
    quarantine, as for any value in a column the questionnaire does not have); elsewhere
    it is a *warning*: nothing else depended on it.
    """
    out: list[Problem] = []
    area = f"row {limits.max_rows:,}, column {column_letter(limits.max_columns)}"
    for name, sc in check.sheets.items():
        if not sc.stray_count or name not in grids:
            continue
        grid = grids[name]
        first = next((i for i, r in enumerate(grid) if not all(_blank(v) for v in r)), None)
        for row, col in sc.stray:
            ref = f"{column_letter(col)}{row}"
            line = grid[row - 1] if 0 < row <= len(grid) else []
            if first is not None and row - 1 > first and not all(_blank(v) for v in line):
                out.append(Problem(
                    "error", label, name, row, f"column {column_letter(col)}", "",
                    "no value right of the questionnaire's columns",
                    f"cell {ref} holds a value far right of the questionnaire's columns "
                    f"(beyond column {column_letter(limits.max_columns)}); it was not read: "
                    "move it into 'Comment' or delete it", "stray-cell"))
            else:
                out.append(Problem(
                    "warning", label, name, None, None, "", "",
                    f"cell {ref} holds a value far outside the questionnaire's area (beyond "
                    f"{area}); it was not read: if it is a stray keystroke, delete it (select "
                    "the cell, press Delete, save)", "stray-cell"))
        if sc.stray_count > len(sc.stray):
            out.append(Problem(
                "warning", label, name, None, None, "", "",
                f"{sc.stray_count - len(sc.stray)} more cell(s) far outside the "
                f"questionnaire's area (beyond {area}) hold values; they were not read: "
                "delete them", "stray-cell"))
    return out
