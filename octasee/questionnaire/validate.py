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
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from octasee.questionnaire import normalise as nz
from octasee.questionnaire.problems import WITHHELD, Problem, problems_frame, show_value
from octasee.questionnaire.read import ROW, RawSheet, RawSubmission, read_questionnaire
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
    notes: list[str] = field(default_factory=list)

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


class _Sheet:
    """Working state while one sheet is checked."""

    def __init__(self, raw: RawSheet, sheet: Sheet, spec: Spec) -> None:
        self.raw = raw
        self.sheet = sheet
        self.spec = spec
        self.frame = raw.frame
        self.n = len(self.frame)
        self.rows = self.frame[ROW].to_numpy() if self.n else np.array([], dtype=int)
        self.row_problems: list[list[Problem]] = [[] for _ in range(self.n)]
        self.typed: dict[str, pd.Series] = {}
        self.nfd = np.zeros(self.n, dtype=bool)
        # Reasons shared by every row (a missing column): said once as a problem.
        self.sheet_reasons: list[str] = []
        self.missing_problems: list[Problem] = []

    def add(self, i: int, severity: str, column: Column | str | None, value: Any,
            expected: str, message: str, check: str) -> None:
        col = column.label if isinstance(column, Column) else column
        self.row_problems[i].append(Problem(severity, self.raw.file, self.raw.name,
                                            int(self.rows[i]), col, show_value(value),
                                            expected, message, check))

    def failed(self, i: int) -> bool:
        return bool(self.sheet_reasons) or any(p.severity == "error"
                                               for p in self.row_problems[i])


def _parser(col: Column, spec: Spec) -> Callable[[Any], Any]:
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
        def integer(v: Any) -> int:
            x = nz.parse_number(v)
            if x < 0:
                raise nz.CellError("negative", "a whole number, 0 or more")
            if not float(x).is_integer():
                raise nz.CellError("not a whole number", "a whole number, 0 or more")
            return int(x)
        return integer
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
    series = ws.frame[col.key]
    values = series.map(_hashable)
    blank = values.map(_blank).to_numpy()
    if col.required:
        expected = "a value"
        if col.choices and len(col.choices) <= 8:
            expected += ": one of " + ", ".join(col.choices)
        for i in np.flatnonzero(blank):
            ws.add(i, "error", col, "", expected, f"{col.label!r} is required but empty",
                   "required")
    parse = _parser(col, ws.spec)
    results: dict[Any, Any] = {}
    for v in pd.unique(values[~blank]):
        try:
            results[v] = parse(v)
        except nz.CellError as exc:
            results[v] = exc
    out = [None] * ws.n
    for i in np.flatnonzero(~blank):
        r = results[values.iat[i]]
        if isinstance(r, nz.CellError):
            ws.add(i, "error", col, series.iat[i], r.expected, r.message, col.kind)
        else:
            out[i] = r
    typed = pd.Series(out, dtype=object)
    if col.free_text:
        limit = TEXT_LIMIT[col.kind]
        for i in np.flatnonzero(~blank):
            text = out[i] or ""
            if len(text) > limit:
                ws.add(i, "error", col, text, f"at most {limit:,} characters",
                       f"text is {len(text):,} characters long", "length")
            markup = nz.find_markup(text)
            if markup:
                ws.add(i, "warning", col, text, "plain text",
                       f"text holds HTML or script ({markup!r}); it is kept as written and "
                       "always shown as plain text, never run", "markup")
    ws.typed[col.key] = typed


def _indicator_values(ws: _Sheet) -> None:
    """Value and unit together: canonical units, whole counts, no negatives."""
    spec = ws.spec
    raw_vals = ws.frame["value"] if "value" in ws.raw.columns else pd.Series([None] * ws.n)
    units = ws.typed.get("unit", pd.Series([None] * ws.n))
    ind = ws.typed["indicator"]
    area = ws.typed["crime_area"]
    vcol = ws.sheet.column("value")
    ucol = ws.sheet.column("unit")
    value = np.full(ws.n, np.nan)
    unit_out: list[str | None] = [None] * ws.n
    reported: list[float | None] = [None] * ws.n
    unit_rep: list[str | None] = [None] * ws.n
    cache: dict[tuple[Any, Any], Any] = {}
    for i in range(ws.n):
        v = _hashable(raw_vals.iat[i])
        if _blank(v):
            continue
        key = (v, units.iat[i])
        if key not in cache:
            try:
                cache[key] = nz.parse_quantity(v, units.iat[i])
            except nz.CellError as exc:
                cache[key] = exc
        r = cache[key]
        if isinstance(r, nz.CellError):
            ws.add(i, "error", vcol, raw_vals.iat[i], r.expected, r.message, "quantity")
            continue
        number, unit = r
        code = ind.iat[i]
        if code is None:
            continue
        indicator = spec.indicator(code)
        if area.iat[i] is not None and not indicator.applies_to(area.iat[i]):
            ws.add(i, "error", ws.sheet.column("indicator"), code,
                   "an indicator of crime area " + repr(area.iat[i]),
                   f"indicator {code!r} is not asked for crime area {area.iat[i]!r} "
                   f"(it belongs to {', '.join(indicator.areas or ())})", "indicator-area")
        if ws.typed["breakdown"].iat[i] is not None and not indicator.breakdown:
            ws.add(i, "error", ws.sheet.column("breakdown"), ws.frame["breakdown"].iat[i],
                   "blank for this indicator",
                   f"indicator {code!r} is not split by nationality; leave Nationality blank",
                   "breakdown")
        if number < 0:
            ws.add(i, "error", vcol, raw_vals.iat[i], "0 or more",
                   "negative value: counts and amounts cannot be below zero", "negative")
            continue
        if indicator.measure == "mass":
            unit = unit or "kg"
            if unit not in nz.MASS_TO_KG:
                ws.add(i, "error", ucol, unit, "g, kg or t",
                       f"{code!r} is a weight; give it in g, kg or t", "unit")
                continue
            canonical = number * nz.MASS_TO_KG[unit]
            out_unit = "kg"
        elif indicator.measure == "count":
            unit = unit or "count"
            if unit != "count":
                ws.add(i, "error", ucol, unit, "count (or blank)",
                       f"{code!r} is a count; leave Unit blank or write 'count'", "unit")
                continue
            if not float(number).is_integer():
                ws.add(i, "error", vcol, raw_vals.iat[i], "a whole number",
                       f"{code!r} counts things; a count must be a whole number", "integer")
                continue
            canonical, out_unit = number, "count"
        else:
            unit = unit or "EUR"
            if unit != "EUR":
                ws.add(i, "error", ucol, unit, "EUR (or blank)",
                       f"{code!r} is an amount in euro; convert it to EUR", "unit")
                continue
            canonical, out_unit = number, "EUR"
        value[i] = canonical
        unit_out[i] = out_unit
        reported[i] = number
        unit_rep[i] = unit
    ws.typed["value"] = pd.Series(value)
    ws.typed["unit"] = pd.Series(unit_out, dtype=object)
    ws.typed["value_reported"] = pd.Series(reported, dtype="Float64")
    ws.typed["unit_reported"] = pd.Series(unit_rep, dtype=object)


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
        series = ws.frame[name]
        for i in np.flatnonzero(~series.map(_blank).to_numpy()):
            ws.add(i, "error", header, series.iat[i], "no column here",
                   f"column {header!r} is not part of the questionnaire; {hint}", "extra-column")


def _check_unique(ws: _Sheet) -> None:
    keys = list(ws.sheet.unique)
    if not keys or ws.n < 2:
        return
    key_frame = pd.DataFrame({k: ws.typed[k].map(_hashable) for k in keys})
    ok_keys = ~key_frame[[k for k in keys if ws.sheet.column(k).required]].isna().any(axis=1)
    data_cols = [c.key for c in ws.sheet.columns if c.key not in keys]
    content = pd.DataFrame({k: ws.typed[k].map(_hashable) for k in data_cols if k in ws.typed})
    sub = key_frame[ok_keys.to_numpy()]
    dup = sub.duplicated(keep=False)
    if not dup.any():
        return
    labels = ", ".join(ws.sheet.column(k).label for k in keys)
    for _, idx in sub[dup].groupby(keys, dropna=False, sort=False).groups.items():
        idx = list(idx)
        first = idx[0]
        same = content.loc[idx].astype(str).nunique().max() <= 1 if len(content.columns) else True
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


def _check_sheet(raw: RawSheet, sheet: Sheet, spec: Spec, submission_nfd: bool) -> _Sheet:
    ws = _Sheet(raw, sheet, spec)
    # Not-for-dissemination first: it decides what problems may show.
    if "not_for_dissemination" in raw.columns:
        flags = []
        for v in raw.frame["not_for_dissemination"]:
            try:
                flags.append(nz.parse_yesno(_hashable(v)))
            except nz.CellError:
                flags.append(True)  # unreadable flag: treat as restricted, never as public
        ws.nfd = np.array(flags, dtype=bool) if flags else ws.nfd
    if submission_nfd:
        ws.nfd[:] = True
    for col in sheet.columns:
        _check_column(ws, col)
    if sheet.key == "indicators":
        _indicator_values(ws)
    if "not_for_dissemination" in ws.typed:
        ws.typed["not_for_dissemination"] = pd.Series(ws.nfd)
    _check_extra(ws)
    _check_unique(ws)
    return ws


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
        ws.add(0, "error", sheet.column("country"), rs.frame["country"].iat[0],
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
    problems: list[Problem] = list(raw.problems)
    resp, country, resp_ws = _respondent(raw, problems)
    submission_nfd = resp.get("dissemination") == "not for dissemination"
    checked: dict[str, _Sheet] = {}
    if resp_ws is not None:
        checked["respondent"] = resp_ws
    for sheet in spec.sheets:
        if sheet.key == "respondent" or sheet.key not in raw.sheets:
            continue
        checked[sheet.key] = _check_sheet(raw.sheets[sheet.key], sheet, spec, submission_nfd)
    # Problems the reader located on rows (formulas, merged cells) join their rows.
    by_row: dict[tuple[str, int], Problem] = {}
    for p in raw.problems:
        if p.row is not None:
            by_row.setdefault((p.sheet or "", p.row), p)
    for ws in checked.values():
        row_index = {int(r): i for i, r in enumerate(ws.rows)}
        for p in raw.problems:
            if p.row is not None and p.sheet == ws.raw.name and p.row in row_index:
                i = row_index[p.row]
                ws.row_problems[i].append(p)
                problems.remove(p)
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
                raw_row = {c: show_value(v, 10_000) for c, v in
                           ws.frame.iloc[i].drop(labels=[ROW]).items() if not _blank(v)}
                quarantine_rows.append({
                    "sheet": ws.raw.name, "src_file": ws.raw.file, "src_row": int(ws.rows[i]),
                    "reasons": "; ".join(reasons or [refused_reason or ""]),
                    "raw": json.dumps(raw_row, ensure_ascii=False, default=str),
                    "not_for_dissemination": bool(ws.nfd[i]),
                })
        data = pd.DataFrame({k: s.reset_index(drop=True) for k, s in ws.typed.items()},
                            index=range(ws.n))
        if ws.raw.extra:
            extra = ws.frame[list(ws.raw.extra)]
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
