"""Reading questionnaires: ``.xlsx`` workbooks, and ``.csv`` / ``.json`` equivalents.

Reading only locates: it finds the sheets and the header row, maps headers to the
spec's columns and returns every data row with its source row number, as found. It
checks nothing about values; :mod:`octasee.questionnaire.validate` does that. Source files
are opened read-only and never written.

Workbooks are read with ``python-calamine`` (Rust, about 10x faster than openpyxl). Two
things calamine does not expose are read straight from the workbook's XML: cells that hold
formulas, and the hidden sheet that records who the workbook was issued to.

CSV: one file per sheet, named ``<anything>.<sheet>.csv`` (``RS-2017.indicators.csv``);
files that share the part before the sheet name form one submission. JSON: one object
with one key per sheet holding a list of records (``respondent`` may be one record).

>>> from octasee.samples import sample_files
>>> raw = read_questionnaire(sample_files("2013-2017")[0])
>>> raw.spec.version, sorted(raw.sheets)
('2013-2017', ['assessments', 'groups', 'indicators', 'respondent', 'routes'])
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from octasee.errors import OctaseeError, QuestionnaireError
from octasee.questionnaire.guard import (
    DEFAULT_LIMITS,
    ReadLimits,
    check_workbook,
    check_zip,
    stray_problems,
)
from octasee.questionnaire.problems import Problem
from octasee.questionnaire.spec import (
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    META_SHEET,
    Sheet,
    Spec,
    spec_for,
)
from octasee.reference import name_key

__all__ = ["RawSheet", "RawSubmission", "Source", "collect_sources", "read_questionnaire",
           "sniff_delimiter"]

DEFAULT_MAX_MB = 200.0
# .xls is listed so that it is named and refused with a clear message, never skipped.
WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".ods", ".xls"}
SUFFIXES = WORKBOOK_SUFFIXES | {".csv", ".json"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IGNORED_SHEETS = {name_key(INSTRUCTIONS_SHEET), name_key(LISTS_SHEET), name_key(META_SHEET)}
_SKIPPED_SHEETS = {name_key(INSTRUCTIONS_SHEET), name_key(LISTS_SHEET)}  # never hold answers
ROW = "_row"


@dataclass(frozen=True)
class Source:
    """What one submission was read from: a workbook, a JSON file, or a group of CSVs."""

    kind: str  # xlsx | csv | json
    files: tuple[Path, ...]
    label: str  # how messages name it

    @property
    def sha256(self) -> str:
        h = hashlib.sha256()
        if len(self.files) == 1:
            return _file_hash(self.files[0])
        for f in sorted(self.files, key=lambda p: p.name):
            h.update(f.name.encode())
            h.update(_file_hash(f).encode())
        return h.hexdigest()

    @property
    def size(self) -> int:
        return sum(f.stat().st_size for f in self.files)


def _file_hash(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass
class RawSheet:
    """A sheet as found: its data rows (object values, ``_row`` = source row number)."""

    key: str
    name: str
    file: str
    header_row: int | None
    columns: dict[str, str]  # spec key -> header text found
    extra: dict[str, str]  # frame column -> header text found, for columns not in the spec
    cells: dict[str, list[Any]]  # column -> its values, top to bottom
    rows: list[int]  # source row number of each value
    blank_rows: int = 0
    positions: dict[str, int] = field(default_factory=dict)  # frame column -> 0-based index
    delimiter: str | None = None  # CSV only
    encoding: str | None = None  # CSV only: how the text was decoded
    header_found: list[str] | None = None  # a row taken for the header but not recognised

    @property
    def frame(self) -> pd.DataFrame:
        """The cells as a DataFrame (object values) with the source row in ``_row``."""
        df = pd.DataFrame(self.cells, dtype=object, index=range(len(self.rows)))
        df[ROW] = pd.Series(self.rows, dtype="int64")
        return df

    def column_label(self, letter_or_key: str) -> str:
        """The header found for a spec key, or for a column letter."""
        if letter_or_key in self.columns:
            return self.columns[letter_or_key]
        for k, pos in self.positions.items():
            if _column_letter(pos + 1) == letter_or_key:
                return self.columns.get(k) or self.extra.get(k) or letter_or_key
        return letter_or_key


@dataclass
class RawSubmission:
    """Everything read from one submission, before validation."""

    source: Source
    spec: Spec
    meta: dict[str, str]
    sheets: dict[str, RawSheet]
    problems: list[Problem] = field(default_factory=list)
    #: CSV files that were not UTF-8: file name -> how they were decoded
    encodings: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.source.label


# --------------------------------------------------------------------------- sources


def _csv_sheet_key(path: Path, spec_sheets: Sequence[Sheet]) -> tuple[str, str] | None:
    """('prefix', sheet key) for a CSV named ``<prefix>.<sheet>.csv``."""
    stem = path.name[: -len(".csv")]
    if "." not in stem:
        return None
    prefix, last = stem.rsplit(".", 1)
    for s in spec_sheets:
        if name_key(last) in (name_key(s.key), name_key(s.name)):
            return prefix, s.key
    return None


class Sources(list[Source]):
    """The submissions found (a list), and in ``skipped`` each file of a folder that was
    not read, with the reason: ``[(path, reason), ...]``."""

    def __init__(self, items: Iterable[Source] = (),
                 skipped: Iterable[tuple[Path, str]] = ()) -> None:
        super().__init__(items)
        self.skipped: list[tuple[Path, str]] = list(skipped)


def _skip_reason(path: Path) -> str | None:
    """Why a file found in a folder is not a questionnaire, or None when it may be one."""
    name = path.name
    if path.is_dir():
        return "a folder (folders inside folders are not read)"
    if name.startswith("~$"):
        return "a lock file that Excel keeps while the workbook is open"
    if name.startswith("."):
        return "a hidden file"
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        return (f"not a questionnaire file ({suffix or 'no extension'}; octasee reads "
                ".xlsx, .xlsm, .ods, .csv and .json)")
    return None


def collect_sources(paths: Iterable[str | Path]) -> Sources:
    """Group input paths into submissions (CSV files by prefix; folders are expanded).

    Files of a folder that are not questionnaires are listed in the result's ``skipped``
    with the reason. Raises :class:`QuestionnaireError` for a path that does not exist and
    for a folder that holds no questionnaire.
    """
    sheets = spec_for("2013-2017").sheets
    out: list[Source] = []
    csv_groups: dict[tuple[Path, str], list[Path]] = {}
    expanded: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for p in map(Path, paths):
        if p.is_dir():
            found, passed = [], []
            for x in sorted(p.iterdir()):
                why = _skip_reason(x)
                (passed if why else found).append((x, why))
            skipped += [(x, str(why)) for x, why in passed]
            if not found:
                listing = ", ".join(f"{x.name} ({why})" for x, why in passed[:5])
                more = f" and {len(passed) - 5} more" if len(passed) > 5 else ""
                raise QuestionnaireError(
                    "the folder holds no questionnaire (.xlsx, .xlsm, .ods, .csv or .json "
                    "file)", where=str(p),
                    hint=(f"it holds only {listing}{more}" if passed else "it is empty")
                    + "; check the path, or put the questionnaires into it")
            expanded += [x for x, _ in found]
        elif p.exists():
            expanded.append(p)
        else:
            raise QuestionnaireError("file not found", where=str(p),
                                     hint="check the path and the file name")
    for p in expanded:
        if p.suffix.lower() == ".csv":
            k = _csv_sheet_key(p, sheets)
            if k is None:
                out.append(Source("csv", (p,), p.name))
            else:
                csv_groups.setdefault((p.parent, k[0]), []).append(p)
        else:
            out.append(Source(p.suffix.lower().lstrip(".") or "unknown", (p,), p.name))
    for (_parent, prefix), files in csv_groups.items():
        out.append(Source("csv", tuple(sorted(files)), f"{prefix}.*.csv"))
    return Sources(out, skipped)


# --------------------------------------------------------------------------- grids


def _check_file(path: Path, max_mb: float) -> None:
    if not path.exists():
        raise QuestionnaireError("file not found", where=str(path), hint="check the path")
    size = path.stat().st_size
    if size == 0:
        raise QuestionnaireError("the file is empty (0 bytes)", where=path.name,
                                 hint="ask the sender for the filled questionnaire again")
    if size > max_mb * 1024 * 1024:
        raise QuestionnaireError(
            f"the file is {size / 1024 / 1024:.1f} MB, over the {max_mb:g} MB limit",
            where=path.name,
            hint="remove pictures or unrelated sheets, or raise the limit with --max-size")


def _workbook_problem(path: Path, limits: ReadLimits | None = None) -> QuestionnaireError:
    """Why a workbook cannot be read, as precisely as the file allows."""
    data = path.read_bytes()
    head = data[: 1 << 20]
    suffix = path.suffix.lower()
    if head.startswith(_OLE_MAGIC):
        if "EncryptionInfo".encode("utf-16-le") in data:
            return QuestionnaireError(
                "the workbook is password-protected (encrypted)", where=path.name,
                hint="open it in Excel, remove the password (File > Info > Protect Workbook) "
                     "and send it again")
        # calamine could read it, but nothing could check it first: one stray value in
        # its last cell (IV65536) costs 1.2 GB and 6 s. Saving it again takes a minute.
        return QuestionnaireError(
            "this is an old Excel 97-2003 (.xls) workbook, which octasee does not read",
            where=path.name,
            hint="open it in Excel (or LibreOffice) and save it as .xlsx (Excel Workbook), "
                 "then send that file")
    if not head.startswith(b"PK"):
        start = head[:512].lstrip().lower()
        kind = ("a PDF document" if head.startswith(b"%PDF") else
                "a web page (HTML)" if start.startswith((b"<!doctype html", b"<html")) else
                "not a workbook")
        return QuestionnaireError(
            f"the file is {kind}, though it is named {suffix or '.xlsx'}", where=path.name,
            hint="open it in Excel and save it as .xlsx (Excel Workbook)"
            if suffix == ".xls" and kind != "not a workbook" else
            "send the questionnaire as the .xlsx workbook it was issued as")
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            try:
                check_zip(path, z, limits or DEFAULT_LIMITS)  # before unpacking anything
            except QuestionnaireError as exc:
                return exc
            ods = "content.xml" in names and "xl/workbook.xml" not in names
            if ods and "META-INF/manifest.xml" in names and \
                    z.getinfo("META-INF/manifest.xml").file_size < (1 << 22) and \
                    b"encryption-data" in z.read("META-INF/manifest.xml"):
                return QuestionnaireError(
                    "the spreadsheet is password-protected (encrypted)", where=path.name,
                    hint="open it in LibreOffice, save it again with File > Save As and "
                         "'Save with password' unticked, and send it again")
            bad = z.testzip()
    except (zipfile.BadZipFile, OSError, EOFError):
        return QuestionnaireError(
            "the workbook is damaged (its zip container cannot be read)", where=path.name,
            hint="open it in Excel, save it again as .xlsx, and resend it")
    if ods and suffix != ".ods" and not bad:
        return QuestionnaireError(
            f"the file is an OpenDocument spreadsheet, though it is named {suffix}",
            where=path.name, hint="rename it to .ods (or save it as .xlsx) and read it again")
    if suffix in (".ods", ".xls") and not ods and "xl/workbook.xml" in names and not bad:
        return QuestionnaireError(f"the file is an Excel workbook, though it is named {suffix}",
                                  where=path.name, hint="rename it to .xlsx and read it again")
    if ods:
        what = (f"the spreadsheet is damaged (part {bad} is corrupt)" if bad else
                "the OpenDocument spreadsheet cannot be read")
        return QuestionnaireError(what, where=path.name,
                                  hint="open it in LibreOffice, save it again (as .ods or "
                                       ".xlsx) and resend it")
    if "xl/workbook.xml" not in names:
        what = "a Word document" if "word/document.xml" in names else "not an Excel workbook"
        return QuestionnaireError(f"the file is {what}", where=path.name,
                                  hint="send the questionnaire workbook (.xlsx)")
    if bad:
        return QuestionnaireError(f"the workbook is damaged (part {bad} is corrupt)",
                                  where=path.name, hint="save it again in Excel and resend it")
    return QuestionnaireError("the workbook cannot be read", where=path.name,
                              hint="open it in Excel, save it again as .xlsx and resend it")


_SHEET_RE = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?name="([^"]*)"[^>]*?(?:r:)?id="([^"]*)"')
_REL_RE = re.compile(rb'<Relationship\b[^>]*?Id="([^"]*)"[^>]*?Target="([^"]*)"')
_REL_RE2 = re.compile(rb'<Relationship\b[^>]*?Target="([^"]*)"[^>]*?Id="([^"]*)"')
_FORMULA_RE = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*?>\s*<(?:\w+:)?f[\s>/]')


def _xml_unescape(b: bytes) -> str:
    s = b.decode("utf-8")
    for a, c in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
        s = s.replace(a, c)
    return s


_FORMULAS_SEEN: dict[tuple[str, int, int], dict[str, list[tuple[int, int]]]] = {}


def _file_key(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return str(path.resolve()), st.st_size, st.st_mtime_ns


def _formula_cells(path: Path) -> dict[str, list[tuple[int, int]]]:
    """Sheet name -> (row, column) of cells holding a formula (1-based).

    :func:`_read_workbook` finds them while it checks the workbook's XML and leaves them
    here, so that the sheets are not unpacked a second time. An .ods workbook's come from
    its content.xml; an .xls workbook has none that can be found.
    """
    try:
        seen = _FORMULAS_SEEN.pop(_file_key(path), None)
    except OSError:
        seen = None
    if seen is not None:
        return seen
    if path.suffix.lower() == ".xls":
        return {}
    if path.suffix.lower() == ".ods":
        with check_workbook(path) as check:
            return check.formulas
    out: dict[str, list[tuple[int, int]]] = {}
    with zipfile.ZipFile(path) as z:
        wb = z.read("xl/workbook.xml")
        rels_raw = z.read("xl/_rels/workbook.xml.rels")
        rels = {i: t for i, t in _REL_RE.findall(rels_raw)}
        rels.update({i: t for t, i in _REL_RE2.findall(rels_raw)})
        for name, rid in _SHEET_RE.findall(wb):
            target = rels.get(rid)
            if not target:
                continue
            t = target.decode()
            member = t.lstrip("/") if t.startswith("/") else "xl/" + t
            try:
                data = z.read(member)
            except KeyError:
                continue
            if not any(tag in data for tag in (b"<f>", b"<f ", b":f>", b":f ")):
                continue
            cells = []
            for col, row in _FORMULA_RE.findall(data):
                n = 0
                for ch in col.decode():
                    n = n * 26 + (ord(ch) - 64)
                cells.append((int(row), n))
            if cells:
                out[_xml_unescape(name)] = cells
    return out


def _column_letter(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _read_workbook(path: Path, *, limits: ReadLimits | None = None,
                   problems: list[Problem] | None = None
                   ) -> tuple[dict[str, list[list[Any]]], dict[str, list[Any]], dict[str, str]]:
    """Grids by sheet name, merged ranges by sheet name, and the issue metadata.

    The workbook is checked against ``limits`` first (:mod:`octasee.questionnaire.guard`);
    stray cells far outside the data are left out, and a located problem for each is
    appended to ``problems``.
    """
    import python_calamine

    limits = limits or DEFAULT_LIMITS
    if path.suffix.lower() == ".xls":
        raise _workbook_problem(path, limits)
    try:
        check = check_workbook(path, limits, skip=lambda n: name_key(n) in _SKIPPED_SHEETS)
    except QuestionnaireError:
        raise
    except Exception as exc:  # not a zip, a part missing: say what the file is instead
        raise _workbook_problem(path, limits) from exc
    grids: dict[str, list[list[Any]]] = {}
    merged: dict[str, list[Any]] = {}
    meta: dict[str, str] = {}
    with check:
        wb = None
        if not check.grids:  # else an .ods with stray cells that the check has read
            try:
                wb = python_calamine.CalamineWorkbook.from_path(str(check.read_path))
            except Exception as exc:  # calamine raises its own types for every bad file
                raise _workbook_problem(path, limits) from exc
        try:
            for name in wb.sheet_names if wb is not None else list(check.grids):
                if name_key(name) in _SKIPPED_SHEETS:
                    continue
                if wb is None:
                    grid, sheet = check.grids[name], None
                else:
                    sheet = wb.get_sheet_by_name(name)
                    grid = sheet.to_python(skip_empty_area=False)
                if name == META_SHEET:
                    meta = {str(r[0]): str(r[1]) for r in grid if len(r) >= 2 and r[0] != ""}
                    continue
                grids[name] = grid
                found = check.sheets[name].merged if name in check.sheets else None
                try:
                    merged[name] = list(found or (sheet.merged_cell_ranges if sheet else None)
                                        or [])
                except Exception:  # older files without merge info
                    merged[name] = []
        except Exception as exc:
            raise _workbook_problem(path, limits) from exc
    if problems is not None:
        problems += stray_problems(check, grids, path.name, limits)
    if len(_FORMULAS_SEEN) > 16:
        _FORMULAS_SEEN.clear()
    _FORMULAS_SEEN[_file_key(path)] = check.formulas
    return grids, merged, meta


_DELIMITERS = (",", ";", "\t", "|")


def sniff_delimiter(text: str) -> str:
    r"""The CSV delimiter, judged from the whole first block of lines, not the first line.

    A title line above the header ("Groups, 2017") must not decide it: each candidate splits
    the first 50 non-blank lines, and the one that gives most lines the same number of
    fields (more than one) wins; ties go to the wider split.

    >>> sniff_delimiter("Groups, 2017\nRef;Name;Members\nA;B, C;3\n")
    ';'
    """
    lines = [ln for ln in text.splitlines() if ln.strip()][:50]
    block = "\n".join(lines)
    best, best_score = ",", (0, 0)
    for d in _DELIMITERS:
        if d not in block:
            continue
        widths = [len(r) for r in csv.reader(io.StringIO(block), delimiter=d)]
        counts = Counter(w for w in widths if w > 1)
        if not counts:
            continue
        width, agree = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        if (agree, width) > best_score:
            best, best_score = d, (agree, width)
    return best


# Encodings tried for text that is not UTF-8: the members' Windows code pages and their ISO
# and DOS relatives. charset-normalizer scores each by how much mess (chaos) the decoded text
# shows and how much it reads like a language (coherence).
_LEGACY_ENCODINGS = ["cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "iso8859_2",
                     "iso8859_5", "iso8859_7", "iso8859_9", "iso8859_16", "cp852", "cp866",
                     "koi8_r", "mac_cyrillic", "mac_latin2"]
_MAX_CHAOS = 0.2
_SCRIPTS = {"cp1250": " (Central European)", "cp1251": " (Cyrillic)", "cp1252": " (Western)",
            "cp1253": " (Greek)", "cp1254": " (Turkish)", "iso8859-2": " (Central European)",
            "iso8859-5": " (Cyrillic)", "iso8859-7": " (Greek)", "iso8859-9": " (Turkish)",
            "iso8859-16": " (South-East European)", "cp852": " (Central European, DOS)",
            "cp866": " (Cyrillic, DOS)", "koi8-r": " (Cyrillic)",
            "mac-cyrillic": " (Cyrillic, Mac)", "mac-latin2": " (Central European, Mac)"}


def _encoding_name(codec: str) -> str:
    name = codecs.lookup(codec).name
    return re.sub(r"^cp(125\d)$", r"windows-\1", name)


def detect_encoding(data: bytes) -> tuple[str, str] | None:
    """(codec, note) for text that is not UTF-8, or None when no code page reads it cleanly.

    charset-normalizer decodes ``data`` with each of the members' legacy code pages and
    scores the result; among the cleanest readings (least chaos) the one that reads most
    like a language wins, and on a tie the Windows code pages the members use come first.
    """
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data, cp_isolation=_LEGACY_ENCODINGS))
    if not matches:
        return None
    order = {c: i for i, c in enumerate(_LEGACY_ENCODINGS)}
    best = min(matches, key=lambda m: (round(m.chaos, 2), -round(m.coherence, 1),
                                       order.get(m.encoding, 99)))
    if best.chaos > _MAX_CHAOS:
        return None
    script = _SCRIPTS.get(codecs.lookup(best.encoding).name, "")
    return best.encoding, (f"{_encoding_name(best.encoding)}{script}, detected with "
                           f"{100 * (1 - best.chaos):.0f} % confidence")


def _read_text(path: Path, legacy: tuple[str, str] | None = None,
               data: bytes | None = None) -> tuple[str, str]:
    """The text of a CSV or JSON file, and how it was decoded (said in the ingest summary).

    UTF-8 (with or without BOM) and UTF-16 with a BOM are read as they are; anything else is
    decoded with ``legacy`` (the encoding detected over a whole CSV group) or detected here.
    ``data`` is the file's bytes when the caller has read them already.
    """
    data = path.read_bytes() if data is None else data
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "UTF-16"
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    found = legacy or detect_encoding(data)
    if found is not None:
        try:
            return data.decode(found[0]), found[1]
        except UnicodeDecodeError:
            pass
    line = data[:first_bad].count(b"\n") + 1
    raise QuestionnaireError(
        "the file is neither UTF-8 text nor in a code page octasee can tell",
        where=f"{path.name}, line {line}",
        hint="save it again as 'CSV UTF-8' (Excel) or UTF-8 (other editors)")


def _group_encoding(contents: Iterable[bytes]) -> tuple[str, str] | None:
    """One legacy encoding for the CSV files of one submission that are not UTF-8.

    They come from one machine, so their text is judged together: one file's few words
    say little, the whole submission says which code page it is.
    """
    legacy = []
    for data in contents:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError:
            legacy.append(data)
    return detect_encoding(b"\n".join(legacy)) if legacy else None


def _read_csv(path: Path, legacy: tuple[str, str] | None = None, data: bytes | None = None
              ) -> tuple[list[list[Any]], str, str]:
    """The grid of a CSV file, its delimiter, and its encoding note."""
    text, encoding = _read_text(path, legacy, data)
    if not text.strip():
        raise QuestionnaireError("the file holds no text", where=path.name,
                                 hint="ask the sender for the filled file again")
    if "\x00" in text[:4096]:
        raise QuestionnaireError("the file is binary, not CSV text", where=path.name,
                                 hint="send the sheet saved as CSV UTF-8")
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [list(r) for r in reader], delimiter, encoding


def _read_json(path: Path) -> dict[str, Any]:
    text, _ = _read_text(path)
    if not text.strip():
        raise QuestionnaireError("the file holds no text", where=path.name,
                                 hint="ask the sender for the filled file again")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise QuestionnaireError(f"the file is not valid JSON ({exc.msg})",
                                 where=f"{path.name}, line {exc.lineno}, column {exc.colno}",
                                 hint="fix the JSON syntax at that place") from exc
    if not isinstance(doc, dict):
        raise QuestionnaireError("the JSON file must hold one object with a key per sheet",
                                 where=path.name,
                                 hint='write {"respondent": {...}, "indicators": [...], ...}')
    return doc


# --------------------------------------------------------------------------- mapping


def _strip_header(text: object) -> str:
    s = re.sub(r"\[[^\]]*\]|\([^)]*\)", " ", str(text)).replace("*", " ")
    return name_key(s)


def _header_keys(sheet: Sheet) -> dict[str, str]:
    keys: dict[str, str] = {}
    for c in sheet.columns:
        for alias in (c.label, c.key.replace("_", " "), c.key):
            keys[_strip_header(alias)] = c.key
    return keys


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (
        isinstance(v, float) and v != v)


def _json_cell(v: Any) -> Any:
    """A JSON value as a cell: lists become comma-separated text, null an empty cell."""
    if v is None:
        return ""
    if isinstance(v, list):
        return ", ".join("" if x is None else str(x) for x in v)
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    return v


def _blank_row(row: Sequence[Any]) -> bool:
    filled = len(row) - row.count("") if isinstance(row, list) else len(row)
    if filled == 0:
        return True
    if filled > 3:  # a row with several filled cells is data; skip the per-cell test
        return False
    return all(_blank(v) for v in row)


def _find_header(grid: list[list[Any]], sheet: Sheet) -> int | None:
    """0-based index of the header row among the first 20 rows, or None."""
    keys = _header_keys(sheet)
    best, best_n = None, 0
    for i, row in enumerate(grid[:20]):
        n = sum(1 for v in row if not _blank(v) and _strip_header(v) in keys)
        if n > best_n:
            best, best_n = i, n
    return best if best_n >= max(1, min(2, len(sheet.columns))) else None


def _map_grid(grid: list[list[Any]], sheet: Sheet, *, file: str, sheet_name: str,
              header_index: int | None, row_numbers: Sequence[int] | None,
              problems: list[Problem]) -> RawSheet:
    """Turn a grid (header row + data rows) into a RawSheet, noting header problems."""
    keys = _header_keys(sheet)
    if header_index is None:
        header_index = _find_header(grid, sheet)
    if header_index is None:
        return _unrecognised_header(grid, sheet, file=file, sheet_name=sheet_name,
                                    row_numbers=row_numbers, problems=problems)
    header = grid[header_index]
    columns: dict[str, str] = {}
    positions: dict[str, int] = {}
    extra: dict[str, str] = {}
    extra_pos: dict[str, int] = {}
    for pos, h in enumerate(header):
        if _blank(h):
            continue
        k = keys.get(_strip_header(h))
        if k is None:
            name = f"extra:{str(h).strip()}"
            extra[name] = str(h).strip()
            extra_pos[name] = pos
        elif k in columns:
            problems.append(Problem(
                "error", file, sheet_name, header_index + 1, str(h).strip(), str(h).strip(),
                "each column once", f"column {sheet.column(k).label!r} appears twice "
                f"(columns {_column_letter(positions[k] + 1)} and {_column_letter(pos + 1)}); "
                "delete one of them", "header"))
        else:
            columns[k] = str(h).strip()
            positions[k] = pos
    # Cells with data but no header are "extra" columns too: nothing is dropped unseen.
    width = max((len(r) for r in grid[header_index + 1:]), default=0)
    for pos in range(len(header), width):
        extra_pos[f"extra:column {_column_letter(pos + 1)}"] = pos
        extra[f"extra:column {_column_letter(pos + 1)}"] = f"column {_column_letter(pos + 1)}"
    for pos, h in enumerate(header):
        if _blank(h) and pos not in positions.values():
            name = f"extra:column {_column_letter(pos + 1)}"
            extra_pos[name] = pos
            extra[name] = f"column {_column_letter(pos + 1)}"
    data = grid[header_index + 1:]
    numbers = list(row_numbers) if row_numbers is not None else [
        header_index + 2 + i for i in range(len(data))]
    keep = [i for i, r in enumerate(data) if not _blank_row(r)]
    blank_rows = len(data) - len(keep)
    rows = [data[i] for i in keep]
    width = max((len(r) for r in rows), default=0)
    if any(len(r) != width for r in rows):  # JSON and CSV rows can be ragged
        rows = [list(r) + [""] * (width - len(r)) for r in rows]
    transposed = list(zip(*rows, strict=True)) if rows else []
    cols: dict[str, list[Any]] = {}
    for k, pos in {**positions, **extra_pos}.items():
        cols[k] = list(transposed[pos]) if pos < width else [""] * len(rows)
    # Extra columns that hold nothing are harmless (a stray formatted column).
    for name in list(extra):
        if name in cols and all(_blank(v) for v in cols[name]):
            del cols[name]
            del extra[name]
    if blank_rows and data:
        last_blank = numbers[len(data) - 1]
        problems.append(Problem(
            "info", file, sheet_name, None, None, "", "",
            f"{blank_rows:,} blank row(s) skipped (up to row {last_blank:,}); they hold no "
            "values", "blank-rows"))
    return RawSheet(sheet.key, sheet_name, file, header_index + 1, columns, extra, cols,
                    [numbers[i] for i in keep], blank_rows, {**positions, **extra_pos})


def _unrecognised_header(grid: list[list[Any]], sheet: Sheet, *, file: str, sheet_name: str,
                         row_numbers: Sequence[int] | None,
                         problems: list[Problem]) -> RawSheet:
    """A sheet whose header row is not the template's: every row below it is kept, to be
    quarantined, and one error names the row taken for the header and the expected one."""
    expected = ", ".join(repr(c.label) for c in sheet.columns[:8])
    expected += ", …" if len(sheet.columns) > 8 else ""
    first = next((i for i, r in enumerate(grid[:20]) if not _blank_row(r)), None)
    if first is None:
        problems.append(Problem(
            "error", file, sheet_name, None, None, "", "the header row of the template",
            f"sheet {sheet.name!r} has no header row and no data; copy the sheet from a fresh "
            "template", "header"))
        return RawSheet(sheet.key, sheet_name, file, None, {}, {}, {}, [])
    found = [str(v).strip() for v in grid[first] if not _blank(v)]
    # Every column becomes a positional column named by what the found row says, so the
    # quarantine keeps each value under the heading the sender gave it.
    data = grid[first + 1:]
    numbers = list(row_numbers) if row_numbers is not None else [
        first + 2 + i for i in range(len(data))]
    keep = [i for i, r in enumerate(data) if not _blank_row(r)]
    width = max([len(grid[first])] + [len(data[i]) for i in keep])
    header = list(grid[first]) + [""] * (width - len(grid[first]))
    extra: dict[str, str] = {}
    cols: dict[str, list[Any]] = {}
    positions: dict[str, int] = {}
    for pos in range(width):
        label = str(header[pos]).strip() if not _blank(header[pos]) else (
            f"column {_column_letter(pos + 1)}")
        name = f"extra:{pos}:{label}"
        extra[name] = label
        positions[name] = pos
        cols[name] = [data[i][pos] if pos < len(data[i]) else "" for i in keep]
    shown = ", ".join(repr(h) for h in found[:8]) + (", …" if len(found) > 8 else "")
    row_number = (numbers[0] - 1) if row_numbers is not None and numbers else first + 1
    problems.append(Problem(
        "error", file, sheet_name, row_number, None, "", f"the template's header row: {expected}",
        f"the header row of sheet {sheet.name!r} was not recognised: row {row_number} holds "
        f"{shown or 'nothing'}, none of them a column of the questionnaire (translated or "
        f"renamed headers are not guessed); the {len(keep)} row(s) below it were quarantined, "
        f"not read: copy the header row from a fresh template (expected {expected}) and send "
        "the sheet again", "header"))
    return RawSheet(sheet.key, sheet_name, file, None, {}, extra, cols,
                    [numbers[i] for i in keep], len(data) - len(keep), positions,
                    header_found=found)


def _decide_spec(cycle: str | None, meta: dict[str, str], respondent_cycle: object,
                 label: str) -> Spec:
    for candidate in (cycle, meta.get("spec_version"), meta.get("cycle"), respondent_cycle):
        if not _blank(candidate):
            try:
                return spec_for(str(candidate).strip())
            except OctaseeError as exc:
                raise QuestionnaireError(
                    f"cannot tell the questionnaire's cycle ({exc.what})",
                    where=f"{label}, sheet 'Respondent', column 'Cycle'",
                    hint="write the cycle as FIRST-LAST, e.g. 2013-2017, or pass --cycle") \
                    from exc
    raise QuestionnaireError("cannot tell which cycle the questionnaire answers",
                             where=f"{label}, sheet 'Respondent', column 'Cycle'",
                             hint="fill in the cycle (e.g. 2013-2017) or pass --cycle")


def _respondent_cycle(grid: list[list[Any]] | None) -> object:
    if not grid:
        return None
    base = spec_for("2013-2017").sheet("respondent")
    h = _find_header(grid, base)
    if h is None:
        return None
    keys = _header_keys(base)
    for pos, v in enumerate(grid[h]):
        if keys.get(_strip_header(v)) == "cycle":
            for row in grid[h + 1:]:
                if pos < len(row) and not _blank(row[pos]):
                    return row[pos]
    return None


def _match_sheets(found: Iterable[str], spec: Spec) -> tuple[dict[str, str], list[str]]:
    """Spec sheet key -> sheet name found; and the names of unknown sheets."""
    by_key = {name_key(s.name): s.key for s in spec.sheets}
    by_key.update({name_key(s.key): s.key for s in spec.sheets})
    matched: dict[str, str] = {}
    unknown: list[str] = []
    for name in found:
        k = by_key.get(name_key(name))
        if k and k not in matched:
            matched[k] = name
        elif name_key(name) not in _IGNORED_SHEETS:
            unknown.append(name)
    return matched, unknown


def _missing_sheet(spec: Spec, key: str, label: str, unknown: Sequence[str]) -> Problem:
    import difflib

    s = spec.sheet(key)
    close = difflib.get_close_matches(s.name, list(unknown), n=1, cutoff=0.5)
    hint = (f"sheet {close[0]!r} looks like it: rename it to {s.name!r}" if close else
            f"copy the sheet {s.name!r} from a fresh template")
    return Problem("error", label, s.name, None, None, "", f"a sheet named {s.name!r}",
                   f"sheet {s.name!r} is missing; {hint}", "sheet-missing")


def read_questionnaire(path: str | Path | Source, *, cycle: str | None = None,
                       max_mb: float = DEFAULT_MAX_MB,
                       limits: ReadLimits | None = None) -> RawSubmission:
    """Read one submission: a workbook, a JSON file, or one of a group of CSV files.

    Raises :class:`QuestionnaireError` when the file cannot be read as a questionnaire at
    all (wrong type, empty, damaged, password-protected, too large); everything else,
    down to single cells, is returned as problems for :func:`validate` to report.
    """
    source = path if isinstance(path, Source) else collect_sources([path])[0]
    for f in source.files:
        _check_file(f, max_mb)
    suffix = source.files[0].suffix.lower()
    if suffix not in SUFFIXES:
        raise QuestionnaireError(
            f"unsupported file type {suffix or '(no extension)'!r}", where=source.label,
            hint="send the questionnaire as the .xlsx workbook it was issued as "
                 "(or its .csv / .json equivalent)")
    problems: list[Problem] = []
    sheets: dict[str, RawSheet] = {}
    raw_encodings: dict[str, str] = {}
    if source.kind == "xlsx" or suffix in WORKBOOK_SUFFIXES:
        path0 = source.files[0]
        grids, merged, meta = _read_workbook(path0, problems=problems, limits=limits)
        if not any(any(not _blank(v) for v in row) for g in grids.values() for row in g):
            raise QuestionnaireError("the workbook holds no data in any sheet",
                                     where=source.label,
                                     hint="fill in the questionnaire and send it again")
        base = spec_for("2013-2017")
        matched0, _ = _match_sheets(grids, base)
        spec = _decide_spec(cycle, meta, _respondent_cycle(grids.get(matched0.get("respondent",
                                                                                  ""))),
                            source.label)
        matched, unknown = _match_sheets(grids, spec)
        formulas = _formula_cells(path0) if grids else {}
        for s in spec.sheets:
            if s.key not in matched:
                problems.append(_missing_sheet(spec, s.key, source.label, unknown))
                continue
            name = matched[s.key]
            raw = _map_grid(grids[name], s, file=source.label, sheet_name=name,
                            header_index=None, row_numbers=None, problems=problems)
            _note_cell_problems(raw, merged.get(name, []), formulas.get(name, []), problems)
            sheets[s.key] = raw
        for name in unknown:
            n = sum(1 for row in grids[name] if any(not _blank(v) for v in row))
            if n:
                problems.append(Problem(
                    "warning", source.label, name, None, None, "", "",
                    f"sheet {name!r} is not part of the questionnaire; its {n} non-empty "
                    "row(s) were not read: move anything the analysts need into the "
                    "questionnaire's sheets or a Comment", "sheet-unknown"))
    elif source.kind == "json" or suffix == ".json":
        doc = _read_json(source.files[0])
        meta = {str(k): str(v) for k, v in (doc.get("octasee") or {}).items()} if isinstance(
            doc.get("octasee"), dict) else {}
        resp = doc.get("respondent") or doc.get("Respondent")
        resp_cycle = (resp.get("cycle") if isinstance(resp, dict) else
                      resp[0].get("cycle") if isinstance(resp, list) and resp and
                      isinstance(resp[0], dict) else None)
        spec = _decide_spec(cycle, meta, resp_cycle, source.label)
        matched, unknown = _match_sheets([k for k in doc if k != "octasee"], spec)
        for s in spec.sheets:
            if s.key not in matched:
                problems.append(_missing_sheet(spec, s.key, source.label, unknown))
                continue
            records = doc[matched[s.key]]
            if isinstance(records, dict):
                records = [records]
            if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
                problems.append(Problem(
                    "error", source.label, matched[s.key], None, None, "",
                    "a list of records (objects)", f"{matched[s.key]!r} must hold a list of "
                    "records, one object per row", "json-shape"))
                continue
            header: list[str] = []
            for r in records:
                header += [k for k in r if k not in header]
            grid = [header] + [[_json_cell(r.get(h)) for h in header] for r in records]
            if not records:
                grid = [[c.key for c in s.columns]]
            sheets[s.key] = _map_grid(grid, s, file=source.label, sheet_name=matched[s.key],
                                      header_index=0, row_numbers=range(1, len(records) + 1),
                                      problems=problems)
        for name in unknown:
            problems.append(Problem(
                "warning", source.label, name, None, None, "", "",
                f"key {name!r} is not part of the questionnaire and was not read",
                "sheet-unknown"))
    else:
        grids = {}
        delimiters: dict[str, str] = {}
        encodings: dict[str, str] = {}
        by_sheet: dict[str, Path] = {}
        contents = {f: f.read_bytes() for f in source.files}  # each file read once
        legacy = _group_encoding(contents.values())
        for f in source.files:
            k = _csv_sheet_key(f, spec_for("2013-2017").sheets)
            if k is None:
                raise QuestionnaireError(
                    "cannot tell which sheet this CSV file holds", where=f.name,
                    hint="name CSV files <prefix>.<sheet>.csv, e.g. RS-2017.indicators.csv")
            by_sheet[k[1]] = f
            grids[k[1]], delimiters[k[1]], encodings[k[1]] = _read_csv(f, legacy, contents[f])
        spec = _decide_spec(cycle, {}, _respondent_cycle(grids.get("respondent")),
                            source.label)
        meta = {}
        for s in spec.sheets:
            if s.key not in grids:
                problems.append(_missing_sheet(spec, s.key, source.label, []))
                continue
            sheets[s.key] = _map_grid(grids[s.key], s, file=by_sheet[s.key].name,
                                      sheet_name=s.name, header_index=None, row_numbers=None,
                                      problems=problems)
            sheets[s.key].delimiter = delimiters[s.key]
            sheets[s.key].encoding = encodings[s.key]
        names = {x.key: x.name for x in spec.sheets}
        for key, note in encodings.items():
            if not note.startswith("UTF"):
                problems.append(Problem(
                    "info", by_sheet[key].name, names.get(key, key), None, None, "", "",
                    f"the file is not UTF-8; read as {note}: check that names with č, ć, "
                    "đ, š, ž or Cyrillic letters look right", "encoding"))
        raw_encodings = {by_sheet[k].name: e for k, e in encodings.items()
                         if not e.startswith("UTF")}
    return RawSubmission(source=source, spec=spec, meta=meta, sheets=sheets, problems=problems,
                         encodings=raw_encodings)


def _note_cell_problems(raw: RawSheet, merged: list[Any], formulas: list[tuple[int, int]],
                        problems: list[Problem]) -> None:
    """Merged cells and formulas in the data area: located errors on the rows they touch."""
    if raw.header_row is None:
        return
    header_row = raw.header_row
    for rng in merged:
        (r0, c0), (r1, c1) = rng
        if r1 + 1 < header_row:
            continue
        ref = f"{_column_letter(c0 + 1)}{r0 + 1}:{_column_letter(c1 + 1)}{r1 + 1}"
        first = max(r0 + 1, header_row)
        for row in range(first, r1 + 2):
            problems.append(Problem(
                "error", raw.file, raw.name, None if row == header_row else row,
                raw.column_label(_column_letter(c0 + 1)), "", "one value per cell",
                f"cells {ref} are merged; unmerge them and write the value in every row",
                "merged-cells"))
    for row, col in formulas:
        if row <= header_row:
            continue
        problems.append(Problem(
            "error", raw.file, raw.name, row, raw.column_label(_column_letter(col)), "",
            "a typed value",
            f"cell {_column_letter(col)}{row} holds a formula; replace it with its value "
            "(Copy, then Paste Special > Values)", "formula"))
