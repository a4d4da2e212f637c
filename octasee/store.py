"""The cycle store: one embedded DuckDB file per workspace.

Tables: ``submissions``, ``indicators`` (tidy, long), ``ocgs``, ``routes``,
``assessments``, ``quarantine``, ``problems`` and ``ingest_log``. Every data row keeps
its provenance (``src_file``, ``src_sheet``, ``src_row``) and the submission it came
from. Views named ``current_*`` hold what the report uses: the rows of each country's
current submission per cycle.

Ingesting is all-or-nothing: a call runs in one transaction, so a failure midway leaves
the store as it was. Ingesting the same file again changes nothing; a country's new
submission for a cycle supersedes its earlier one, which stays queryable as history.
Source files are only ever read.

>>> import tempfile
>>> from octasee.samples import sample_files
>>> store = Store(tempfile.mkdtemp() + "/store.duckdb")
>>> report = store.ingest(sample_files("2013-2017")[:2], jobs=1)
>>> [r.outcome for r in report.results], report.exit_code
(['accepted', 'accepted'], 0)
>>> int(store.query("select count(*) from current_submissions").iat[0, 0])
2
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from octasee.errors import OctaseeError, QuestionnaireError, StoreError
from octasee.questionnaire.problems import PROBLEM_COLUMNS
from octasee.questionnaire.read import Source, collect_sources, read_questionnaire
from octasee.questionnaire.spec import spec_for
from octasee.questionnaire.validate import Validation, validate

__all__ = ["IngestReport", "IngestResult", "Store", "open_store"]

SCHEMA_VERSION = 1
_PROV = "src_file VARCHAR, src_sheet VARCHAR, src_row INTEGER"
_GRADE = ("source_reliability VARCHAR, information_assessment INTEGER, "
          "not_for_dissemination BOOLEAN")


def _attribute_columns() -> str:
    keys: list[str] = []
    for c in ("2009-2012", "2013-2017"):
        keys += [k for k in spec_for(c).attributes() if k not in keys]
    return ", ".join(f"{k} VARCHAR" for k in keys)


def _schema() -> str:
    return f"""
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE SEQUENCE IF NOT EXISTS submission_ids START 1;
CREATE SEQUENCE IF NOT EXISTS log_ids START 1;
CREATE TABLE IF NOT EXISTS submissions (
    submission_id INTEGER PRIMARY KEY, country VARCHAR, cycle VARCHAR, spec_version VARCHAR,
    source_label VARCHAR, source_kind VARCHAR, source_files VARCHAR, file_sha256 VARCHAR,
    file_size BIGINT, agency VARCHAR, contact_name VARCHAR, contact_email VARCHAR,
    submission_date DATE, dissemination VARCHAR, status VARCHAR, supersedes INTEGER,
    superseded_by INTEGER, ingested_at TIMESTAMP, rows_read INTEGER, rows_accepted INTEGER,
    rows_quarantined INTEGER, errors INTEGER, warnings INTEGER);
CREATE TABLE IF NOT EXISTS indicators (
    submission_id INTEGER, country VARCHAR, cycle VARCHAR, crime_area VARCHAR,
    indicator VARCHAR, breakdown VARCHAR, year INTEGER, value DOUBLE, unit VARCHAR,
    value_reported DOUBLE, unit_reported VARCHAR, {_GRADE}, comment VARCHAR, extra VARCHAR,
    {_PROV});
CREATE TABLE IF NOT EXISTS ocgs (
    submission_id INTEGER, country VARCHAR, cycle VARCHAR, group_ref VARCHAR, name VARCHAR,
    members INTEGER, nationalities VARCHAR, structure VARCHAR, crime_areas VARCHAR,
    international_links VARCHAR, {_attribute_columns()}, {_GRADE}, comment VARCHAR,
    extra VARCHAR, {_PROV});
CREATE TABLE IF NOT EXISTS routes (
    submission_id INTEGER, country VARCHAR, cycle VARCHAR, route_ref VARCHAR,
    crime_area VARCHAR, commodity VARCHAR, origin VARCHAR, transit VARCHAR,
    destination VARCHAR, transport_mode VARCHAR, modus_operandi VARCHAR, year INTEGER,
    {_GRADE}, comment VARCHAR, extra VARCHAR, {_PROV});
CREATE TABLE IF NOT EXISTS assessments (
    submission_id INTEGER, country VARCHAR, cycle VARCHAR, crime_area VARCHAR,
    situation VARCHAR, trends VARCHAR, expected_threats VARCHAR, language VARCHAR,
    {_GRADE}, extra VARCHAR, {_PROV});
CREATE TABLE IF NOT EXISTS quarantine (
    submission_id INTEGER, country VARCHAR, cycle VARCHAR, sheet VARCHAR, src_file VARCHAR,
    src_row INTEGER, reasons VARCHAR, raw VARCHAR, not_for_dissemination BOOLEAN);
CREATE TABLE IF NOT EXISTS problems (
    submission_id INTEGER, severity VARCHAR, file VARCHAR, sheet VARCHAR, "row" INTEGER,
    "column" VARCHAR, value VARCHAR, expected VARCHAR, message VARCHAR, "check" VARCHAR);
CREATE TABLE IF NOT EXISTS ingest_log (
    log_id INTEGER PRIMARY KEY, started_at TIMESTAMP, seconds DOUBLE, source_label VARCHAR,
    source_files VARCHAR, file_sha256 VARCHAR, file_size BIGINT, outcome VARCHAR,
    submission_id INTEGER, country VARCHAR, cycle VARCHAR, rows_read INTEGER,
    rows_accepted INTEGER, rows_quarantined INTEGER, message VARCHAR);
CREATE OR REPLACE VIEW current_submissions AS
    SELECT * FROM submissions WHERE status = 'current';
CREATE OR REPLACE VIEW current_indicators AS
    SELECT t.* FROM indicators t JOIN current_submissions USING (submission_id);
CREATE OR REPLACE VIEW current_ocgs AS
    SELECT t.* FROM ocgs t JOIN current_submissions USING (submission_id);
CREATE OR REPLACE VIEW current_routes AS
    SELECT t.* FROM routes t JOIN current_submissions USING (submission_id);
CREATE OR REPLACE VIEW current_assessments AS
    SELECT t.* FROM assessments t JOIN current_submissions USING (submission_id);
"""


TABLE_OF_SHEET = {"indicators": "indicators", "groups": "ocgs", "routes": "routes",
                  "assessments": "assessments"}


@dataclass
class IngestResult:
    """What happened to one submission."""

    label: str
    outcome: str  # accepted | partial | rejected | refused | unchanged
    submission_id: int | None = None
    country: str | None = None
    cycle: str | None = None
    rows_read: int = 0
    rows_accepted: int = 0
    rows_quarantined: int = 0
    message: str = ""
    problems: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PROBLEM_COLUMNS))
    supersedes: int | None = None


@dataclass
class IngestReport:
    """The outcome of one ``ingest`` call."""

    results: list[IngestResult]

    @property
    def exit_code(self) -> int:
        """0: every row accepted; 1: some rows quarantined or a file refused."""
        bad = {"partial", "rejected", "refused"}
        return 1 if any(r.outcome in bad for r in self.results) else 0

    @property
    def problems(self) -> pd.DataFrame:
        frames = [r.problems for r in self.results if len(r.problems)]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
            columns=PROBLEM_COLUMNS)

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame([{
            "file": r.label, "country": r.country, "cycle": r.cycle, "outcome": r.outcome,
            "submission": r.submission_id, "read": r.rows_read, "accepted": r.rows_accepted,
            "quarantined": r.rows_quarantined, "note": r.message} for r in self.results])


def _check(source: Source, cycle: str | None, max_mb: float) -> Validation | OctaseeError:
    """Read and validate one source (runs in a worker process)."""
    try:
        v = validate(read_questionnaire(source, cycle=cycle, max_mb=max_mb))
    except OctaseeError as exc:
        return exc
    # The raw cells are not stored (the typed tables and quarantine are): do not ship
    # them back from a worker process.
    v.raw.sheets = {}
    return v


def _check_all(sources: Sequence[Source], *, cycle: str | None, max_mb: float,
               jobs: int) -> Iterator[Validation | OctaseeError]:
    """Results in the order of ``sources``, each as soon as it is ready.

    The caller stores one result while the workers check the next ones.
    """
    if jobs <= 1 or len(sources) <= 1:
        for s in sources:
            yield _check(s, cycle, max_mb)
        return
    import multiprocessing as mp

    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
    with ProcessPoolExecutor(max_workers=min(jobs, len(sources)), mp_context=ctx) as pool:
        yield from pool.map(_check, sources, [cycle] * len(sources), [max_mb] * len(sources))


class Store:
    """A cycle store in one DuckDB file; created with its schema on first open."""

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False) -> None:
        self.path = Path(path)
        if read_only and not self.path.exists():
            raise StoreError("no store here yet", where=str(self.path),
                             hint="ingest questionnaires first: octasee ingest FILE...")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as exc:
            raise StoreError(f"cannot open the store ({exc})", where=str(self.path),
                             hint="close other programs that use it (another octasee "
                                  "command or a notebook) and try again") from exc
        if not read_only:
            self.con.execute(_schema())
            self.con.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)",
                             [str(SCHEMA_VERSION)])

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ queries
    def query(self, sql: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
        """Run SQL against the store and return a DataFrame."""
        return self.con.execute(sql, params or []).df()

    def table(self, name: str, *, cycle: str | None = None, current: bool = True,
              countries: Iterable[str] | None = None,
              variant: str = "restricted") -> pd.DataFrame:
        """A data table (``indicators``, ``ocgs``, ``routes``, ``assessments``, …).

        ``current=True`` keeps each country's current submission only. ``variant="public"``
        leaves out every row marked not for dissemination and every row of a submission
        marked so as a whole; the quarantine, problems and ingest log are restricted only.
        """
        if variant not in ("restricted", "public"):
            raise StoreError(f"unknown variant {variant!r}", hint="use 'restricted' or 'public'")
        if variant == "public" and name in ("quarantine", "problems", "ingest_log"):
            raise StoreError(f"table {name!r} is restricted: it holds rows as submitted",
                             hint="read it with variant='restricted' and keep it out of "
                                  "public output")
        known = {"submissions", "indicators", "ocgs", "routes", "assessments", "quarantine",
                 "problems", "ingest_log"}
        if name not in known:
            import difflib

            close = difflib.get_close_matches(name, sorted(known), n=1)
            raise StoreError(f"no table {name!r} in the store",
                             hint=f"did you mean {close[0]!r}?" if close else
                             "tables: " + ", ".join(sorted(known)))
        src = f"current_{name}" if current and name in (
            "submissions", "indicators", "ocgs", "routes", "assessments") else name
        where, params = [], []
        if cycle:
            where.append("cycle = ?")
            params.append(cycle)
        if countries is not None:
            cs = list(countries)
            where.append(f"country IN ({', '.join('?' for _ in cs)})" if cs else "FALSE")
            params += cs
        if variant == "public":
            if name in ("indicators", "ocgs", "routes", "assessments"):
                where.append("NOT coalesce(not_for_dissemination, TRUE)")
            if name != "submissions":
                where.append("submission_id IN (SELECT submission_id FROM submissions WHERE "
                             "coalesce(dissemination, '') <> 'not for dissemination')")
            else:
                where.append("coalesce(dissemination, '') <> 'not for dissemination'")
        sql = f"SELECT * FROM {src}" + (" WHERE " + " AND ".join(where) if where else "")
        df = self.query(sql, params)
        if variant == "public" and name == "submissions":
            df = df.drop(columns=["contact_name", "contact_email", "source_files"])
        return df

    def cycles(self) -> list[str]:
        return list(self.query("SELECT DISTINCT cycle FROM current_submissions "
                               "ORDER BY cycle")["cycle"])

    def history(self, country: str, cycle: str | None = None) -> pd.DataFrame:
        """Every submission of a country (current, superseded, rejected), oldest first."""
        sql = ("SELECT submission_id, cycle, status, source_label, file_sha256, ingested_at, "
               "supersedes, superseded_by, rows_read, rows_accepted, rows_quarantined "
               "FROM submissions WHERE country = ?")
        params: list[Any] = [country]
        if cycle:
            sql += " AND cycle = ?"
            params.append(cycle)
        return self.query(sql + " ORDER BY submission_id", params)

    def status(self, *, expected: Sequence[str] | None = None,
               deadlines: dict[str, dt.date] | None = None,
               today: dt.date | None = None) -> pd.DataFrame:
        """Per country and cycle: submissions, rows, quarantined rows, on time or late.

        ``late`` says "late" for a submission received after the cycle's deadline, and
        "overdue" for an expected country with no submission once the deadline has passed
        (``today``, default: today's date).
        """
        from octasee.reference import MEMBER_CODES, country_name

        expected = list(expected or MEMBER_CODES)
        subs = self.query("""
            SELECT cycle, country, count(*) AS submissions,
                   max(CASE WHEN status = 'current' THEN submission_id END) AS current_id,
                   sum(rows_read) FILTER (WHERE status = 'current') AS rows,
                   sum(rows_accepted) FILTER (WHERE status = 'current') AS accepted,
                   sum(rows_quarantined) FILTER (WHERE status = 'current') AS quarantined,
                   max(submission_date) FILTER (WHERE status = 'current') AS submitted,
                   count(*) FILTER (WHERE status = 'rejected') AS rejected
            FROM submissions WHERE country IS NOT NULL GROUP BY cycle, country""")
        counts = self.query("""
            SELECT s.submission_id,
                   (SELECT count(*) FROM ocgs o WHERE o.submission_id = s.submission_id) AS groups,
                   (SELECT count(*) FROM routes r WHERE r.submission_id = s.submission_id)
                       AS routes,
                   (SELECT count(*) FROM assessments a WHERE a.submission_id = s.submission_id)
                       AS assessments
            FROM current_submissions s""").set_index("submission_id")
        rows = []
        for cyc in sorted(set(subs["cycle"])) or []:
            part = subs[subs["cycle"] == cyc].set_index("country")
            deadline = (deadlines or {}).get(cyc)
            for code in sorted(set(expected) | set(part.index)):
                r = part.loc[code] if code in part.index else None
                has = r is not None and not pd.isna(r["current_id"])
                submitted = r["submitted"] if has else None
                late = bool(has and deadline and submitted is not None
                            and pd.Timestamp(submitted).date() > deadline)
                overdue = bool(not has and deadline and (today or dt.date.today()) > deadline)
                empty = []
                if has and int(r["current_id"]) in counts.index:
                    c = counts.loc[int(r["current_id"])]
                    empty = [k for k in ("groups", "routes", "assessments") if not c[k]]
                state = ("missing" if r is None else "rejected" if not has else
                         "quarantined rows" if r["quarantined"] else "late" if late else
                         "partial" if empty else "ok")
                rows.append({"cycle": cyc, "country": code, "name": country_name(code),
                             "submissions": 0 if r is None else int(r["submissions"]),
                             "rows": int(r["rows"]) if has else 0,
                             "accepted": int(r["accepted"]) if has else 0,
                             "quarantined": int(r["quarantined"]) if has else 0,
                             "submitted": None if submitted is None or pd.isna(submitted)
                             else pd.Timestamp(submitted).date().isoformat(),
                             "late": "late" if late else "overdue" if overdue else "",
                             "empty sheets": ", ".join(empty),
                             "state": state})
        return pd.DataFrame(rows, columns=["cycle", "country", "name", "submissions", "rows",
                                           "accepted", "quarantined", "submitted", "late",
                                           "empty sheets", "state"])

    def response_rate(self, *, expected: Sequence[str] | None = None) -> pd.DataFrame:
        """Per cycle: expected countries, countries with a valid submission, the rate."""
        from octasee.reference import MEMBER_CODES

        expected = list(expected or MEMBER_CODES)
        got = self.query("SELECT cycle, count(DISTINCT country) AS answered "
                         "FROM current_submissions WHERE country IN ("
                         + ", ".join("?" for _ in expected) + ") GROUP BY cycle ORDER BY cycle",
                         expected)
        got["expected"] = len(expected)
        got["rate"] = got["answered"] / got["expected"]
        return got

    # ------------------------------------------------------------------ ingest
    def ingest(self, paths: Iterable[str | os.PathLike[str] | Source], *,
               cycle: str | None = None, jobs: int | None = None,
               max_mb: float = 200.0) -> IngestReport:
        """Validate and store questionnaires; one transaction for the whole call.

        Files that cannot be read are refused and logged; rows that break the spec go
        to quarantine with their reasons; nothing is dropped silently.
        """
        items = list(paths)
        sources = [p for p in items if isinstance(p, Source)]
        sources += collect_sources([p for p in items if not isinstance(p, Source)])
        jobs = jobs if jobs is not None else min(2, os.cpu_count() or 1)
        started = time.perf_counter()
        checked = _check_all(sources, cycle=cycle, max_mb=max_mb, jobs=jobs)
        results: list[IngestResult] = []
        self.con.execute("BEGIN TRANSACTION")
        try:
            for source, outcome in zip(sources, checked, strict=True):
                results.append(self._ingest_one(source, outcome))
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        elapsed = time.perf_counter() - started
        self.con.execute("UPDATE ingest_log SET seconds = ? WHERE seconds IS NULL", [elapsed])
        return IngestReport(results)

    def _append(self, table: str, df: pd.DataFrame, ids: dict[str, Any]) -> None:
        """Insert ``df`` into ``table`` by column name, with the submission's ids in front."""
        if df.empty:
            return
        df = df.copy()
        for pos, (name, value) in enumerate(ids.items()):
            df.insert(pos, name, value)
        self.con.register("_incoming", df)
        try:
            self.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _incoming")
        finally:
            self.con.unregister("_incoming")

    def _log(self, source: Source, sha: str, result: IngestResult) -> None:
        self.con.execute(
            "INSERT INTO ingest_log VALUES (nextval('log_ids'), ?, NULL, ?, ?, ?, ?, ?, ?, ?, "
            "?, ?, ?, ?, ?)",
            [dt.datetime.now(), source.label, json.dumps([str(f) for f in source.files]), sha,
             source.size, result.outcome, result.submission_id, result.country, result.cycle,
             result.rows_read, result.rows_accepted, result.rows_quarantined, result.message])

    def _ingest_one(self, source: Source, checked: Validation | OctaseeError) -> IngestResult:
        sha = source.sha256
        if isinstance(checked, OctaseeError):
            where = checked.where or source.label
            problem = pd.DataFrame([{
                "severity": "error", "file": source.label, "sheet": None, "row": None,
                "column": None, "value": "", "expected": "",
                "message": checked.message.removeprefix(f"{source.label}: "), "check": "file"}], columns=PROBLEM_COLUMNS)
            res = IngestResult(source.label, "refused", message=checked.message,
                               problems=problem)
            if not isinstance(checked, QuestionnaireError):
                res.message = f"{where}: {checked.what}"
            self._log(source, sha, res)
            return res
        v = checked
        existing = self.con.execute(
            "SELECT submission_id, country, cycle, status FROM submissions "
            "WHERE file_sha256 = ? ORDER BY submission_id DESC LIMIT 1", [sha]).fetchone()
        if existing:
            return IngestResult(source.label, "unchanged", existing[0], existing[1], existing[2],
                                message=f"already in the store as submission {existing[0]} "
                                        f"({existing[3]}); nothing changed",
                                problems=v.problems)
        country = v.country or v.raw.meta.get("issued_to")
        cyc = v.spec.cycle.code
        sid = self.con.execute("SELECT nextval('submission_ids')").fetchone()[0]
        rejected = v.country is None
        previous = None
        if not rejected:
            row = self.con.execute(
                "SELECT submission_id FROM submissions WHERE country = ? AND cycle = ? AND "
                "status = 'current'", [country, cyc]).fetchone()
            previous = row[0] if row else None
            if previous is not None:
                self.con.execute("UPDATE submissions SET status = 'superseded', "
                                 "superseded_by = ? WHERE submission_id = ?", [sid, previous])
        resp = v.respondent
        errors = int((v.problems["severity"] == "error").sum())
        warnings = int((v.problems["severity"] == "warning").sum())
        self.con.execute(
            "INSERT INTO submissions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "NULL, ?, ?, ?, ?, ?, ?)",
            [sid, country, cyc, v.spec.version, source.label, source.kind,
             json.dumps([str(f) for f in source.files]), sha, source.size, resp.get("agency"),
             resp.get("contact_name"), resp.get("contact_email"), resp.get("submission_date"),
             resp.get("dissemination"), "rejected" if rejected else "current", previous,
             dt.datetime.now(), v.rows_read, v.rows_accepted, v.rows_quarantined, errors,
             warnings])
        ids = {"submission_id": sid, "country": country, "cycle": cyc}
        for key, table in TABLE_OF_SHEET.items():
            df = v.tables.get(key)
            if df is not None and len(df):
                df = df.assign(information_assessment=pd.to_numeric(
                    df["information_assessment"])) if "information_assessment" in df else df
                self._append(table, df, ids)
        self._append("quarantine", v.quarantine, ids)
        self._append("problems", v.problems, {"submission_id": sid})
        outcome = "rejected" if rejected else ("partial" if v.rows_quarantined else "accepted")
        note = ""
        if previous is not None:
            note = f"supersedes submission {previous}"
        if rejected:
            note = "Respondent sheet not valid: every row quarantined"
        res = IngestResult(source.label, outcome, sid, country, cyc, v.rows_read,
                           v.rows_accepted, v.rows_quarantined, note, v.problems, previous)
        self._log(source, sha, res)
        return res


def open_store(workspace: Any = None, *, read_only: bool = False) -> Store:
    """Open the store of a workspace (a :class:`~octasee.workspace.Workspace` or a path).

    >>> from octasee.workspace import sample_workspace
    >>> import tempfile
    >>> store = open_store(sample_workspace(tempfile.mkdtemp()))
    >>> store.path.name
    'store.duckdb'
    """
    from octasee.workspace import Workspace, find_workspace

    ws = workspace if isinstance(workspace, Workspace) else find_workspace(workspace)
    return Store(ws.store_path, read_only=read_only)
