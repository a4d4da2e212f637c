"""Validation: every row of a submission checked against the spec, every problem kept.

:func:`validate` takes what :func:`read_questionnaire` found and returns a
:class:`Validation`: the accepted rows as typed, tidy tables that keep their provenance
(file, sheet, row), the rows that failed in a quarantine table with their reasons, and
every problem as one table (file, sheet, row, column, value found, what was expected).
Rows read always equal rows accepted plus rows quarantined.

The checks are declared by the spec (column kinds, choices, required, unique keys) and
run column by column over the *distinct* values of each column, so they cost little on
large sheets. We did not use pandera here: its failure cases speak in DataFrame index
and dtype terms, while an analyst needs source rows, raw values in European formats and
units, and per-cell advice; the parsers in :mod:`.normalise` give all three in one pass.

>>> from octasee.samples import sample_files
>>> v = validate(read_questionnaire(sample_files("2013-2017")[0]))
>>> v.ok, v.rows_read == v.rows_accepted + v.rows_quarantined
(True, True)
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from octasee.questionnaire import normalise as nz
from octasee.questionnaire.conventions import NumberConvention, decide, parse_locale
from octasee.questionnaire.problems import WITHHELD, Problem, problems_frame, show_value
from octasee.questionnaire.read import RawSheet, RawSubmission, read_questionnaire
from octasee.questionnaire.spec import Column, Sheet, Spec
from octasee.reference import country as member_country

__all__ = ["Validation", "validate", "validate_file"]

TEXT_LIMIT = {"text": 1_000, "longtext": 10_000}
PROVENANCE = ["src_file", "src_sheet", "src_row"]
GRADING = ["source_reliability", "information_assessment"]


@dataclass
class Validation:
    """The outcome of validating one submission."""

    raw: RawSubmission
    country: str | None
    respondent: dict[str, Any]
    tables: dict[str, pd.DataFrame]
    quarantine: pd.DataFrame
    problems: pd.DataFrame
    counts: pd.DataFrame
    nfd_submission: bool = False

    @property
    def spec(self) -> Spec:
        return self.raw.spec

    @property
    def label(self) -> str:
        return self.raw.label

    @property
    def rows_read(self) -> int:
        return int(self.counts["read"].sum())

    @property
    def rows_accepted(self) -> int:
        return int(self.counts["accepted"].sum())

    @property
    def rows_quarantined(self) -> int:
        return int(self.counts["quarantined"].sum())

    @property
    def errors(self) -> pd.DataFrame:
        return self.problems[self.problems["severity"] == "error"]

    @property
    def warnings(self) -> pd.DataFrame:
        return self.problems[self.problems["severity"] == "warning"]

    @property
    def encoding_note(self) -> str:
        """How the submission's CSV text was decoded when it was not UTF-8 ('' otherwise):
        ``read as windows-1250 (Central European), detected with 100 % confidence``."""
        return "; ".join(f"read as {n}" for n in sorted(set(self.raw.encodings.values())))

    @property
    def ok(self) -> bool:
        """No error and no warning: what ``octasee validate`` calls a clean file."""
        return not len(self.problems[self.problems["severity"] != "info"])


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (
        isinstance(v, float) and math.isnan(v))


def _hashable(v: Any) -> Any:
    if isinstance(v, list | tuple):
        return ", ".join(str(x) for x in v)
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    return v


def _factorize(cells: list[Any]) -> tuple[np.ndarray, list[Any], np.ndarray]:
    """Codes into the distinct values, the distinct values, and a blank mask per row.

    Validation works on distinct values: a 10,000-row column of grading codes has four.
    """
    arr = np.empty(len(cells), dtype=object)
    for i, v in enumerate(cells):  # element-wise: a tuple must stay one value
        arr[i] = v
    codes, uniques = pd.factorize(arr, use_na_sentinel=True)
    uniques = list(uniques)
    blank_u = np.array([_blank(u) for u in uniques] + [True], dtype=bool)
    return codes, uniques, blank_u[codes]  # code -1 (None, NaN) picks the final True


def _take(per_unique: list[Any], codes: np.ndarray) -> list[Any]:
    """Spread per-distinct-value results back to the rows (None for missing)."""
    lookup = np.empty(len(per_unique) + 1, dtype=object)
    for j, v in enumerate(per_unique):
        lookup[j] = v
    lookup[-1] = None
    return list(lookup[codes])


class _Sheet:
    """Working state while one sheet is checked."""

    def __init__(self, raw: RawSheet, sheet: Sheet, spec: Spec) -> None:
        self.raw = raw
        self.sheet = sheet
        self.spec = spec
        self.n = len(raw.rows)
        self.rows = np.asarray(raw.rows, dtype=np.int64)
        # Plain lists: element access in the row loops is 50x cheaper than Series.iat.
        self.cells: dict[str, list[Any]] = raw.cells
        self.row_problems: list[list[Problem]] = [[] for _ in range(self.n)]
        self.typed: dict[str, pd.Series] = {}
        self.nfd = np.zeros(self.n, dtype=bool)
        # Reasons shared by every row (a missing column): said once as a problem.
        self.sheet_reasons: list[str] = []
        self.missing_problems: list[Problem] = []
        # How each numeric column reads 1.234 (see conventions.decide).
        self.numbers: dict[str, NumberConvention] = {}

    def add(self, i: int, severity: str, column: Column | str | None, value: Any,
            expected: str, message: str, check: str) -> None:
        col = column.label if isinstance(column, Column) else column
        self.row_problems[i].append(Problem(severity, self.raw.file, self.raw.name,
                                            int(self.rows[i]), col, show_value(value),
                                            expected, message, check))

    def failed(self, i: int) -> bool:
        return bool(self.sheet_reasons) or any(p.severity == "error"
                                               for p in self.row_problems[i])


_DEFAULT_NUMBERS = NumberConvention(",", "the questionnaire's rule", True)
_NUMERIC_KINDS = ("integer", "quantity")


def _q(x: float) -> str:
    """A number as a message quotes it (quoted, so that redaction can withhold it)."""
    return repr(f"{x:,.0f}" if float(x).is_integer() else f"{x:g}")


def _ambiguity(value: Any, readings: tuple[float, float], chosen: float, why: str) -> str:
    text = nz.clean_text(value)
    sep = "comma" if "," in text else "dot"
    return (f"{text!r} can be read as {_q(readings[0])} (the {sep} groups thousands) or as "
            f"{_q(readings[1])} (the {sep} is the decimal mark); read as {_q(chosen)} because "
            f"{why}; if that is wrong, write the number without a thousands separator")


def _whole_reading(value: Any, number: float, conv: NumberConvention) -> Any:
    """A count's number: an ambiguous '1.234' is never a fraction; uncertain reads are said."""
    readings = nz.number_readings(value)
    if readings is None:
        return number
    if not float(number).is_integer() and float(readings[0]).is_integer():
        return nz.Noted(readings[0], _ambiguity(value, readings, readings[0],
                                                "a count is a whole number"))
    if not conv.certain:
        return nz.Noted(number, _ambiguity(value, readings, number, conv.reason))
    return number


def _parser(col: Column, spec: Spec,
            conv: NumberConvention = _DEFAULT_NUMBERS) -> Callable[[Any], Any]:
    c = spec.cycle
    kind = col.kind
    if kind in ("code", "attribute"):
        return lambda v: nz.parse_code(v, col.choices)
    if kind == "yesno":
        return nz.parse_yesno
    if kind == "member":
        return nz.parse_member
    if kind == "country":
        return nz.parse_world_country
    if kind == "countries":
        return lambda v: ";".join(nz.parse_countries(v))
    if kind == "crime_area":
        return nz.parse_crime_area
    if kind == "crime_areas":
        return lambda v: ";".join(nz.parse_crime_areas(v))
    if kind == "indicator":
        codes = spec.indicator_codes
        return lambda v: nz.parse_code(v, codes)
    if kind == "year":
        return lambda v: nz.parse_year(v, c.first_year, c.last_year)
    if kind == "date":
        return nz.parse_date
    if kind == "email":
        return nz.parse_email
    if kind == "integer":
        def integer(v: Any) -> Any:
            got = _whole_reading(v, nz.parse_number(v, conv.decimal), conv)
            x = got.value if isinstance(got, nz.Noted) else got
            if x < 0:
                raise nz.CellError("negative", "a whole number, 0 or more")
            if not float(x).is_integer():
                raise nz.CellError("not a whole number", "a whole number, 0 or more")
            return nz.Noted(int(x), got.message) if isinstance(got, nz.Noted) else int(x)
        return integer
    if kind == "locale":
        def locale(v: Any) -> str:
            try:
                return parse_locale(nz.clean_text(v))
            except ValueError:
                raise nz.CellError("not a language tag",
                                   "a language such as hr, sr, bg, ro, el, tr or en") from None
        return locale
    if kind == "quantity":
        return lambda v: v  # parsed together with the unit (see _indicator_values)
    if kind in ("text", "longtext"):
        return nz.clean_text
    raise AssertionError(kind)  # pragma: no cover - spec.py refuses unknown kinds


def _check_column(ws: _Sheet, col: Column) -> None:
    """Parse one column over its distinct values; note every failing cell."""
    if col.key not in ws.raw.columns:
        ws.typed[col.key] = pd.Series([None] * ws.n, dtype=object)
        if col.required and ws.raw.header_row is not None:
            ws.sheet_reasons.append(f"required column {col.label!r} is missing")
            ws.missing_problems.append(Problem(
                "error", ws.raw.file, ws.raw.name, ws.raw.header_row, col.label, "",
                f"a column headed {col.header!r}",
                f"required column {col.label!r} is missing from the header row, so none of "
                f"the sheet's {ws.n} row(s) can be accepted; restore the column as in the "
                "template", "column-missing"))
        return
    cells = ws.cells[col.key]
    codes, uniques, blank = _factorize(cells)
    if col.required:
        expected = "a value"
        if col.choices and len(col.choices) <= 8:
            expected += ": one of " + ", ".join(col.choices)
        for i in np.flatnonzero(blank):
            ws.add(i, "error", col, "", expected, f"{col.label!r} is required but empty",
                   "required")
    parse = _parser(col, ws.spec, ws.numbers.get(col.key, _DEFAULT_NUMBERS))
    parsed: list[Any] = []
    failed = np.zeros(len(uniques) + 1, dtype=bool)
    noted: dict[int, str] = {}
    for j, u in enumerate(uniques):
        if _blank(u):
            parsed.append(None)
            continue
        try:
            got = parse(u)
        except nz.CellError as exc:
            parsed.append(exc)
            failed[j] = True
            continue
        if isinstance(got, nz.Noted):
            noted[j] = got.message
            got = got.value
        parsed.append(got)
    for i in np.flatnonzero(np.isin(codes, list(noted))) if noted else ():
        ws.add(i, "warning", col, cells[i], "a number that reads one way only, e.g. 1500", noted[int(codes[i])],
               "number-format")
    out = _take(parsed, codes)
    bad = failed[codes] & ~blank
    for i in np.flatnonzero(bad):
        r = out[i]
        ws.add(i, "error", col, cells[i], r.expected, r.message, col.kind)
        out[i] = None
    if col.free_text:
        limit = TEXT_LIMIT[col.kind]
        notes: list[tuple[str, ...] | None] = []
        for text in parsed:
            note: tuple[str, ...] | None = None
            if isinstance(text, str):
                markup = nz.find_markup(text)
                if len(text) > limit:
                    note = ("length",)
                if markup:
                    note = (*(note or ()), "markup", markup)
            notes.append(note)
        flagged = _take(notes, codes)
        for i in np.flatnonzero(~blank & ~bad):
            note = flagged[i]
            if not note:
                continue
            text = out[i]
            if "length" in note:
                ws.add(i, "error", col, text, f"at most {limit:,} characters",
                       f"text is {len(text):,} characters long", "length")
            if "markup" in note:
                ws.add(i, "warning", col, text, "plain text",
                       f"text holds HTML or script ({note[-1]!r}); it is kept as written and "
                       "always shown as plain text, never run", "markup")
    ws.typed[col.key] = pd.Series(out, dtype=object)


def _indicator_values(ws: _Sheet) -> None:
    """Value and unit together: canonical units, whole counts, no negatives.

    Quantities are parsed once per distinct (value, unit) pair; the checks that depend on
    the indicator run as array operations over the rows.
    """
    spec = ws.spec
    n = ws.n
    raw_vals = ws.cells["value"] if "value" in ws.raw.columns else [None] * n
    units = ws.typed["unit"].tolist() if "unit" in ws.typed else [None] * n
    ind = ws.typed["indicator"].tolist()
    area = ws.typed["crime_area"].tolist()
    breakdown = ws.typed["breakdown"].tolist()
    indicators = {i.code: i for i in spec.indicators}
    vcol, ucol = ws.sheet.column("value"), ws.sheet.column("unit")
    # Distinct (value, unit) pairs, parsed once each.
    vcodes, vuniq, vblank = _factorize(raw_vals)
    ucodes, _ = pd.factorize(np.array(units, dtype=object), use_na_sentinel=True)
    pair = vcodes.astype(np.int64) * (int(ucodes.max(initial=-1)) + 2) + (ucodes + 1)
    pcodes, _ = pd.factorize(pair)
    first_row: dict[int, int] = {}
    for i, c in enumerate(pcodes):
        first_row.setdefault(c, i)
    number_u = np.full(len(first_row) + 1, np.nan)
    unit_u = np.empty(len(first_row) + 1, dtype=object)
    parse_error: dict[int, nz.CellError] = {}
    conv = ws.numbers.get("value", _DEFAULT_NUMBERS)
    readings: dict[int, tuple[float, float]] = {}
    for c, i in first_row.items():
        if vblank[i]:
            continue
        try:
            number_u[c], unit_u[c] = nz.parse_quantity(vuniq[vcodes[i]], units[i], conv.decimal)
        except nz.CellError as exc:
            parse_error[c] = exc
            continue
        r = nz.number_readings(vuniq[vcodes[i]])
        if r is not None:
            readings[c] = r
    number = number_u[pcodes] if n else np.full(0, np.nan)
    unit_in = unit_u[pcodes] if n else np.empty(0, dtype=object)
    for i in np.flatnonzero(~vblank):
        exc = parse_error.get(pcodes[i])
        if exc is not None:
            ws.add(i, "error", vcol, raw_vals[i], exc.expected, exc.message, "quantity")
    ok = ~vblank & ~np.isnan(number)
    measure = np.array([indicators[c].measure if c in indicators else "" for c in ind],
                       dtype=object)
    unit = np.where(pd.isna(unit_in), np.where(measure == "mass", "kg",
                    np.where(measure == "money", "EUR", "count")), unit_in).astype(object)
    known = np.array([c is not None for c in ind], dtype=bool) & ok
    # Checks, as masks over the rows.
    wrong_area = np.array([c is not None and a is not None and not indicators[c].applies_to(a)
                           for c, a in zip(ind, area, strict=True)], dtype=bool)
    wrong_breakdown = np.array([c is not None and b is not None and not indicators[c].breakdown
                                for c, b in zip(ind, breakdown, strict=True)], dtype=bool)
    negative = known & (number < 0)
    is_mass, is_count, is_money = (measure == "mass"), (measure == "count"), (measure == "money")
    # 1.234 and the like: a count is never a fraction; an uncertain reading is said.
    for i in (np.flatnonzero(np.isin(pcodes, list(readings)) & ok) if readings else ()):
        r = readings[int(pcodes[i])]
        if is_count[i] and not float(number[i]).is_integer() and float(r[0]).is_integer():
            number[i] = r[0]
            why = f"{ind[i]!r} counts things, and a count is a whole number"
        elif not conv.certain:
            why = conv.reason
        else:
            continue
        ws.add(i, "warning", vcol, raw_vals[i], "a number that reads one way only, e.g. 1500",
               _ambiguity(raw_vals[i], r, number[i], why), "number-format")
    bad_unit = known & ~negative & (
        (is_mass & ~np.isin(unit, list(nz.MASS_TO_KG))) | (is_count & (unit != "count"))
        | (is_money & (unit != "EUR")))
    fractional = known & ~negative & ~bad_unit & is_count & (np.mod(np.nan_to_num(number), 1) != 0)
    for i in np.flatnonzero(wrong_area):
        code = ind[i]
        ws.add(i, "error", ws.sheet.column("indicator"), code,
               "an indicator of crime area " + repr(area[i]),
               f"indicator {code!r} is not asked for crime area {area[i]!r} "
               f"(it belongs to {', '.join(indicators[code].areas or ())})", "indicator-area")
    for i in np.flatnonzero(wrong_breakdown):
        ws.add(i, "error", ws.sheet.column("breakdown"), ws.cells["breakdown"][i],
               "blank for this indicator",
               f"indicator {ind[i]!r} is not split by nationality; leave Nationality blank",
               "breakdown")
    for i in np.flatnonzero(negative):
        ws.add(i, "error", vcol, raw_vals[i], "0 or more",
               "negative value: counts and amounts cannot be below zero", "negative")
    for i in np.flatnonzero(bad_unit):
        code, m = ind[i], measure[i]
        expected, advice = {"mass": ("g, kg or t", "is a weight; give it in g, kg or t"),
                            "count": ("count (or blank)",
                                      "is a count; leave Unit blank or write 'count'"),
                            "money": ("EUR (or blank)",
                                      "is an amount in euro; convert it to EUR")}[m]
        ws.add(i, "error", ucol, unit[i], expected, f"{code!r} {advice}", "unit")
    for i in np.flatnonzero(fractional):
        ws.add(i, "error", vcol, raw_vals[i], "a whole number",
               f"{ind[i]!r} counts things; a count must be a whole number", "integer")
    good = known & ~negative & ~bad_unit & ~fractional
    factor = np.ones(n)
    if is_mass.any():
        factor[is_mass & good] = [nz.MASS_TO_KG[u] for u in unit[is_mass & good]]
    value = np.where(good, number * factor, np.nan)
    canonical = np.where(is_mass, "kg", np.where(is_money, "EUR", "count")).astype(object)
    ws.typed["value"] = pd.Series(value)
    ws.typed["unit"] = pd.Series(np.where(good, canonical, None), dtype=object)
    ws.typed["value_reported"] = pd.Series(np.where(good, number, np.nan)).astype("Float64")
    ws.typed["unit_reported"] = pd.Series(np.where(good, unit, None), dtype=object)


def _check_extra(ws: _Sheet) -> None:
    missing = [c.label for c in ws.sheet.columns if c.key not in ws.raw.columns]
    # A renamed column usually still stands where the template put it.
    at_position = {i: c.label for i, c in enumerate(ws.sheet.columns)
                   if c.key not in ws.raw.columns}
    for name, header in ws.raw.extra.items():
        close = difflib.get_close_matches(header, missing, n=1, cutoff=0.5)
        if not close and ws.raw.positions.get(name) in at_position:
            close = [at_position[ws.raw.positions[name]]]
        hint = (f"rename it back to {close[0]!r}" if close else
                "move its content into 'Comment' or delete the column")
        series = pd.Series(ws.cells[name], dtype=object)
        for i in np.flatnonzero(~series.map(_blank).to_numpy()):
            ws.add(i, "error", header, series.iat[i], "no column here",
                   f"column {header!r} is not part of the questionnaire; {hint}", "extra-column")


def _check_unique(ws: _Sheet) -> None:
    """One row per unique key: later exact copies and all conflicting rows are errors."""
    keys = list(ws.sheet.unique)
    if not keys or ws.n < 2:
        return
    required = [k for k in keys if ws.sheet.column(k).required]
    key_cols = [ws.typed[k].tolist() for k in keys]
    groups: dict[tuple[Any, ...], list[int]] = {}
    need = [keys.index(k) for k in required]
    for i, key in enumerate(zip(*key_cols, strict=True)):
        if None in key and any(key[j] is None for j in need):
            continue  # a row without its key already has a problem
        groups.setdefault(key, []).append(i)
    dups = [idx for idx in groups.values() if len(idx) > 1]
    if not dups:
        return
    data_cols = [ws.typed[c.key].tolist() for c in ws.sheet.columns
                 if c.key not in keys and c.key in ws.typed]
    labels = ", ".join(ws.sheet.column(k).label for k in keys)

    def content(i: int) -> tuple[str, ...]:
        return tuple(str(col[i]) for col in data_cols)

    for idx in dups:
        first = idx[0]
        same = len({content(i) for i in idx}) == 1
        for i in idx[1:] if same else idx:
            other = int(ws.rows[first if i != first else idx[1]])
            if same:
                ws.add(i, "error", ws.sheet.column(keys[0]), "", f"one row per {labels}",
                       f"duplicate of row {other} (same {labels}, same values); delete one",
                       "duplicate")
            else:
                ws.add(i, "error", ws.sheet.column(keys[0]), "", f"one row per {labels}",
                       f"conflicts with row {other}: same {labels} but different values; keep "
                       "the right one", "conflict")


def _check_sheet(raw: RawSheet, sheet: Sheet, spec: Spec, submission_nfd: bool,
                 numbers: dict[str, NumberConvention] | None = None) -> _Sheet:
    ws = _Sheet(raw, sheet, spec)
    ws.numbers = numbers or {}
    # Not-for-dissemination first: it decides what problems may show.
    if "not_for_dissemination" in raw.columns:
        flags = []
        seen: dict[Any, bool] = {}
        for v in ws.cells["not_for_dissemination"]:
            if v not in seen:
                try:
                    seen[v] = nz.parse_yesno(v)
                except nz.CellError:
                    seen[v] = True  # unreadable flag: treat as restricted, never as public
            flags.append(seen[v])
        ws.nfd = np.array(flags, dtype=bool) if flags else ws.nfd
    if submission_nfd:
        ws.nfd[:] = True
    if raw.header_found is not None:
        # The header was not recognised (read.py said where): every row is quarantined as
        # found, with the one reason; checking cells under unknown headers would only guess.
        ws.sheet_reasons.append(f"the header row of sheet {sheet.name!r} was not recognised")
        return ws
    for col in sheet.columns:
        _check_column(ws, col)
    if sheet.key == "indicators":
        _indicator_values(ws)
    if "not_for_dissemination" in ws.typed:
        ws.typed["not_for_dissemination"] = pd.Series(ws.nfd)
    _check_extra(ws)
    _check_unique(ws)
    return ws


def _number_conventions(raw: RawSubmission, resp: dict[str, Any]
                        ) -> dict[str, dict[str, NumberConvention]]:
    """Per sheet and numeric column: how its ambiguous numbers are read (conventions.decide).

    Evidence is counted over distinct text values; Excel numbers prove nothing.
    """
    from collections import Counter

    declared = resp.get("locale")
    if not declared and raw.meta.get("locale"):
        try:
            declared = parse_locale(raw.meta["locale"])
        except ValueError:
            declared = None
    template = raw.meta.get("template") == "octasee questionnaire"
    evidence: dict[tuple[str, str], Counter[str]] = {}
    known = {s.key for s in raw.spec.sheets}
    for key, rs in raw.sheets.items():
        if rs.header_found is not None or key not in known:
            continue
        for col in raw.spec.sheet(key).columns:
            if col.kind not in _NUMERIC_KINDS or col.key not in rs.columns:
                continue
            seen: Counter[str] = Counter()
            for v in {x for x in rs.cells[col.key] if isinstance(x, str)}:
                mark = nz.decimal_evidence(v)
                if mark:
                    seen[mark] += 1
            evidence[(key, col.key)] = seen
    total: Counter[str] = sum(evidence.values(), Counter())
    out: dict[str, dict[str, NumberConvention]] = {}
    for (key, col_key), seen in evidence.items():
        out.setdefault(key, {})[col_key] = decide(
            seen, total, declared=declared, delimiter=raw.sheets[key].delimiter,
            template=template)
    return out


def _redact(p: Problem) -> Problem:
    message = re.sub(r"'[^']*'|\"[^\"]*\"", "[withheld]", p.message)
    return replace(p, value=WITHHELD, message=message)


def _respondent(raw: RawSubmission, problems: list[Problem]) -> tuple[dict[str, Any],
                                                                      str | None, _Sheet | None]:
    spec = raw.spec
    rs = raw.sheets.get("respondent")
    if rs is None:
        return {}, None, None
    sheet = spec.sheet("respondent")
    ws = _check_sheet(rs, sheet, spec, submission_nfd=False)
    if ws.n == 0:
        problems.append(Problem("error", rs.file, rs.name, None, None, "",
                                "one row: country, agency, submission date …",
                                "the Respondent sheet has no row; fill it in", "respondent"))
        return {}, None, ws
    for i in range(1, ws.n):
        ws.add(i, "error", None, "", "one respondent row",
               "only one respondent row is allowed; delete the extra rows", "respondent")
    resp = {k: ws.typed[k].iat[0] for k in ws.typed}
    if resp.get("cycle") and resp["cycle"].strip() != spec.cycle.code:
        ws.add(0, "error", sheet.column("cycle"), resp["cycle"], spec.cycle.code,
               f"this questionnaire is for cycle {spec.cycle.code}", "cycle")
    issued = raw.meta.get("issued_to")
    code = resp.get("country")
    if code and issued and issued != code:
        ws.add(0, "error", sheet.column("country"), rs.cells["country"][0],
               f"{member_country(issued).name} ({issued})",
               f"this workbook was issued to {member_country(issued).name} ({issued}), but its "
               f"Respondent sheet names {member_country(code).name} ({code}): a country submits "
               f"only its own data; ask {code} to fill in its own workbook", "country-mismatch")
    if ws.failed(0):
        code = None
    return resp, code, ws


def validate(raw: RawSubmission) -> Validation:
    """Check every row of ``raw`` against its spec; never raises for a user's mistake."""
    spec = raw.spec
    problems: list[Problem] = []
    resp, country, resp_ws = _respondent(raw, problems)
    submission_nfd = resp.get("dissemination") == "not for dissemination"
    conventions = _number_conventions(raw, resp)
    checked: dict[str, _Sheet] = {}
    if resp_ws is not None:
        checked["respondent"] = resp_ws
    for sheet in spec.sheets:
        if sheet.key == "respondent" or sheet.key not in raw.sheets:
            continue
        checked[sheet.key] = _check_sheet(raw.sheets[sheet.key], sheet, spec, submission_nfd,
                                          conventions.get(sheet.key))
    # Problems the reader located on rows (formulas, merged cells) join their rows; the
    # others (missing sheets, headers, blank rows) stay problems of the submission.
    joined: set[int] = set()
    for ws in checked.values():
        row_index = {int(r): i for i, r in enumerate(ws.rows)}
        for k, p in enumerate(raw.problems):
            if p.row is not None and p.sheet == ws.raw.name and p.row in row_index:
                ws.row_problems[row_index[p.row]].append(p)
                joined.add(k)
    problems += [p for k, p in enumerate(raw.problems) if k not in joined]
    refused_reason = None
    if country is None:
        refused_reason = ("the submission's Respondent sheet is not valid (see its problems), "
                          "so no row can be attributed to a country")
    tables: dict[str, pd.DataFrame] = {}
    quarantine_rows: list[dict[str, Any]] = []
    counts = []
    for key, ws in checked.items():
        accepted = np.ones(ws.n, dtype=bool)
        problems.extend(ws.missing_problems)
        for i in range(ws.n):
            row_probs = ws.row_problems[i]
            if ws.nfd[i]:
                row_probs = [_redact(p) for p in row_probs]
            problems.extend(row_probs)
            reasons = ws.sheet_reasons + [p.message for p in row_probs if p.severity == "error"]
            if refused_reason and key != "respondent":
                reasons.append(refused_reason)
            if reasons or (refused_reason and key == "respondent"):
                accepted[i] = False
                raw_row = {ws.raw.columns.get(c) or ws.raw.extra.get(c, c): show_value(v, 10_000)
                           for c, col in ws.cells.items() if not _blank(v := col[i])}
                quarantine_rows.append({
                    "sheet": ws.raw.name, "src_file": ws.raw.file, "src_row": int(ws.rows[i]),
                    "reasons": "; ".join(reasons or [refused_reason or ""]),
                    "raw": json.dumps(raw_row, ensure_ascii=False, default=str),
                    "not_for_dissemination": bool(ws.nfd[i]),
                })
        data = pd.DataFrame({k: s.reset_index(drop=True) for k, s in ws.typed.items()},
                            index=range(ws.n))
        if ws.raw.extra:
            extra = pd.DataFrame({c: ws.cells[c] for c in ws.raw.extra}, dtype=object)
            data["extra"] = [
                json.dumps({ws.raw.extra[c]: show_value(v, 10_000) for c, v in r.items()
                            if not _blank(v)}, ensure_ascii=False) or None
                for r in extra.to_dict("records")]
        data["src_file"] = ws.raw.file
        data["src_sheet"] = ws.raw.name
        data["src_row"] = ws.rows.astype("int64")
        tables[key] = data[accepted].reset_index(drop=True)
        counts.append({"sheet": ws.raw.name, "key": key, "read": ws.n,
                       "accepted": int(accepted.sum()), "quarantined": int((~accepted).sum())})
    if refused_reason and checked:
        problems.append(Problem("error", raw.label, None, None, None, "", "",
                                refused_reason + "; every row was quarantined", "refused"))
    quarantine = pd.DataFrame(quarantine_rows, columns=["sheet", "src_file", "src_row",
                                                        "reasons", "raw",
                                                        "not_for_dissemination"])
    return Validation(raw=raw, country=country, respondent=resp, tables=tables,
                      quarantine=quarantine, problems=problems_frame(problems),
                      counts=pd.DataFrame(counts, columns=["sheet", "key", "read", "accepted",
                                                           "quarantined"]),
                      nfd_submission=submission_nfd)


def validate_file(path: Any, *, cycle: str | None = None) -> Validation:
    """Read and validate one file; convenience for notebooks and tests."""
    return validate(read_questionnaire(path, cycle=cycle))
