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

One program writes at a time; readers (chapters, ``octasee status``, the report,
:func:`~octasee.workspace.open_store`) read a snapshot that each committed ingest replaces atomically, so
they never stop an ingest and never see half of one (see :class:`Store`). The schema has
a column for every question any cycle's spec asks; an older store gains the missing ones
on its first write-open, and a store of a newer octasee is refused by name.

Faults of the store itself are messages (:class:`~octasee.errors.StoreError`) that leave
it as it was: a damaged or foreign file is never written to, a full disk or a read-only
folder rolls the ingest back, and only a lock held by another program says to close it.
Files are read in worker processes; a file that crashes its reader is refused on its own
and the others are stored. The workers end with the ingest, also when it is interrupted
(SIGINT, SIGTERM) or killed. Before committing, every ingest checks that what it stored
adds up with what validation counted.

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

import contextlib
import ctypes
import datetime as dt
import errno
import hashlib
import json
import logging
import os
import re
import shutil
import signal
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from octasee.errors import OctaseeError, QuestionnaireError, StoreError
from octasee.questionnaire import spec as spec_module
from octasee.questionnaire.problems import PROBLEM_COLUMNS
from octasee.questionnaire.read import Source, collect_sources, read_questionnaire
from octasee.questionnaire.spec import spec_for
from octasee.questionnaire.validate import Validation, validate
from octasee.reference import MEMBER_CODES, country_name, cycles
from octasee.reference import cycle as get_cycle

__all__ = ["PIN_ENV", "STATES", "IngestReport", "IngestResult", "Store", "pin_snapshot",
           "status_table"]

#: The layout of the store (tables, keys, what their rows mean). Columns that the
#: questionnaire spec adds are not a new version: any octasee adds them to an older store
#: on its first write-open (see :meth:`Store._migrate`). A store with a higher version
#: was written by a newer octasee and is refused.
SCHEMA_VERSION = 1
_PROV = "src_file VARCHAR, src_sheet VARCHAR, src_row INTEGER"
_GRADE = ("source_reliability VARCHAR, information_assessment INTEGER, "
          "not_for_dissemination BOOLEAN")
_log = logging.getLogger("octasee.store")
#: Reader connections are in-memory databases with the store file attached read-only
#: (see :meth:`Store._attach`); kept apart from ``duckdb.connect`` so that a test that
#: pretends files cannot be opened for writing does not hit them.
_memory_connect = duckdb.connect
#: How a column kind of the questionnaire is stored when the spec adds a column
#: (everything else is text, as the questionnaire's own columns are).
_SQL_TYPES = {"integer": "INTEGER", "year": "INTEGER", "yesno": "BOOLEAN", "date": "DATE"}


def _spec_cycles() -> list[str]:
    """Every cycle the questionnaire spec has: the reference cycles, then any other cycle
    in which one of spec.yaml's items is first (``since``) or last (``until``) asked."""
    codes = [c.code for c in cycles()]
    raw = spec_module._raw()
    for item in [col for sheet in raw["sheets"] for col in sheet["columns"]]:
        for bound in ("since", "until"):
            if item.get(bound) and get_cycle(item[bound]).code not in codes:
                codes.append(get_cycle(item[bound]).code)
    return codes


@cache
def _spec_columns() -> dict[str, list[tuple[str, str]]]:
    """Per data table: every column any cycle's questionnaire asks for (key, SQL type), in
    the order first seen (oldest cycle first)."""
    out: dict[str, list[tuple[str, str]]] = {t: [] for t in TABLE_OF_SHEET.values()}
    for code in _spec_cycles():
        spec = spec_for(code)
        for key, table in TABLE_OF_SHEET.items():
            try:
                sheet = spec.sheet(key)
            except KeyError:
                continue
            known = {k for k, _ in out[table]}
            out[table] += [(c.key, "VARCHAR" if c.kind == "attribute" else
                            _SQL_TYPES.get(c.kind, "VARCHAR"))
                           for c in sheet.columns if c.key not in known]
    return out


def _attribute_columns() -> str:
    """The group attributes (Sleipnir, SOCTA) of every cycle, one text column each."""
    kinds = {c["key"]: c["kind"] for s in spec_module._raw()["sheets"] if s["key"] == "groups"
             for c in s["columns"]}
    return ", ".join(f"{k} VARCHAR" for k, _ in _spec_columns()["ocgs"]
                     if kinds.get(k) == "attribute")


def _more_columns(table: str) -> str:
    """The columns the spec asks for in ``table`` that its fixed columns do not hold (none
    in today's spec): ``"key TYPE, "`` each."""
    base = _base_columns()[table]
    return "".join(f"{k} {t}, " for k, t in _spec_columns()[table]
                   if k not in base)


@cache
def _base_columns() -> dict[str, set[str]]:
    """The columns of each data table before the spec's other columns are added: the
    fixed ones and the group attributes."""
    con = _memory_connect(":memory:")
    try:
        con.execute(_schema(more=False))
        return {t: {r[0] for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ?", [t]).fetchall()}
            for t in TABLE_OF_SHEET.values()}
    finally:
        con.close()


@cache
def _expected_columns() -> dict[str, list[tuple[str, str]]]:
    """Every table's columns (name, DuckDB type) as this octasee makes them."""
    con = _memory_connect(":memory:")
    try:
        con.execute(_schema())
        return {t: [(r[0], r[1]) for r in con.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? "
            "ORDER BY column_index", [t]).fetchall()] for t in TABLES}
    finally:
        con.close()


def _schema(*, more: bool = True) -> str:
    """The store's tables and views; ``more=False`` leaves out the columns of
    :func:`_more_columns`."""
    def extra(table: str) -> str:
        return _more_columns(table) if more else ""

    attributes = _attribute_columns()
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
    {extra("indicators")}{_PROV});
CREATE TABLE IF NOT EXISTS ocgs (
    submission_id INTEGER, country VARCHAR, cycle VARCHAR, group_ref VARCHAR, name VARCHAR,
    members INTEGER, nationalities VARCHAR, structure VARCHAR, crime_areas VARCHAR,
    international_links VARCHAR, {attributes}, {_GRADE}, comment VARCHAR,
    extra VARCHAR, {extra("ocgs")}{_PROV});
CREATE TABLE IF NOT EXISTS routes (
    submission_id INTEGER, country VARCHAR, cycle VARCHAR, route_ref VARCHAR,
    crime_area VARCHAR, commodity VARCHAR, origin VARCHAR, transit VARCHAR,
    destination VARCHAR, transport_mode VARCHAR, modus_operandi VARCHAR, year INTEGER,
    {_GRADE}, comment VARCHAR, extra VARCHAR, {extra("routes")}{_PROV});
CREATE TABLE IF NOT EXISTS assessments (
    submission_id INTEGER, country VARCHAR, cycle VARCHAR, crime_area VARCHAR,
    situation VARCHAR, trends VARCHAR, expected_threats VARCHAR, language VARCHAR,
    {_GRADE}, extra VARCHAR, {extra("assessments")}{_PROV});
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
{_VIEWS}"""


# The views name their table's columns when made: made again after a column is added.
_VIEWS = """CREATE OR REPLACE VIEW current_submissions AS
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
TABLES = ("meta", "submissions", "indicators", "ocgs", "routes", "assessments", "quarantine",
          "problems", "ingest_log")
VIEWS = tuple(f"current_{t}" for t in ("submissions", "indicators", "ocgs", "routes",
                                       "assessments"))


def _schema_tag() -> str:
    """Names the schema text: the schema is (re)applied only when this changes."""
    return f"{SCHEMA_VERSION}:" + hashlib.sha256(_schema().encode()).hexdigest()[:16]


# ---------------------------------------------------------------------- store faults
_UNCHANGED = "the store was not changed"
_ROLLED_BACK = "the ingest was rolled back: nothing from this command was stored"
_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_DENIED_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}
_LOCKED = ("could not set lock", "conflicting lock")
_FULL = ("no space left on device", "disk quota exceeded")
_DENIED = ("read-only file system", "permission denied", "operation not permitted")
_DAMAGED = ("not a valid duckdb database file", "could not read enough bytes",
            "corrupt database file", "checksum", "failed to read database header",
            "wal file", "serialization error", "invalid database")


def _reason(exc: BaseException) -> str:
    """DuckDB's own words, shortened: no error class prefix, no file path, no links."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, OSError) and exc.strerror:
        text = exc.strerror
    text = re.sub(r'\s*"[^"]*"', "", text)
    text = re.sub(r"^(?:[A-Za-z]+(?: [A-Za-z]+)? Error: )+", "", text)
    return text.split(". See also")[0].strip().rstrip(".!") or type(exc).__name__


def _fault(exc: BaseException, where: Path, *, after: str,
           reading: bool = False) -> StoreError | None:
    """The message for a fault of the store file or its disk; None for anything else.

    ``after`` says what became of the store (unchanged, or the ingest rolled back);
    ``reading`` is for a read-only open, where "permission denied" means unreadable.
    """
    if isinstance(exc, OSError):
        full = exc.errno in _FULL_ERRNOS
        denied = exc.errno in _DENIED_ERRNOS
        locked = damaged = newer = False
    elif isinstance(exc, duckdb.Error):
        low = str(exc).lower()
        locked = any(s in low for s in _LOCKED)
        full = any(s in low for s in _FULL)
        denied = any(s in low for s in _DENIED)
        damaged = any(s in low for s in _DAMAGED)
        newer = "version number" in low and "database file" in low
    else:
        return None
    reason = _reason(exc)
    if any(s in str(exc).lower() for s in ("different configuration",
                                             "unique file handle conflict")):
        return StoreError("the store is already open in this program, read-only where "
                          "writing is asked for or the other way round", where=str(where),
                          hint="close the other Store first (store.close()), then open it "
                               "again")
    if locked:
        held = re.search(r"held in (\S+) \(PID (\d+)\)", str(exc))
        by = f" ({Path(held[1]).name}, process {held[2]})" if held else ""
        return StoreError(f"the store is in use by another program{by}", where=str(where),
                          hint="close other programs that use it (another octasee command "
                               "or a notebook) and try again")
    if full:
        return StoreError("the disk is full: the store cannot be written", where=str(where),
                          hint=f"{after}; free some disk space (or move the workspace to a "
                               "disk with room) and run the command again")
    if denied and reading:
        return StoreError(f"the store cannot be read ({reason})", where=str(where),
                          hint="check the permissions of the file and of its folder")
    if denied:
        return StoreError(f"the store cannot be written: its folder or file is read-only "
                          f"({reason})", where=str(where),
                          hint=f"{after}; make the workspace folder and store.duckdb "
                               "writable (or copy the workspace to a writable folder) and try "
                               "again; reading the store (octasee status, report) still works")
    if newer:
        return StoreError(f"this store was written by a different DuckDB version than the "
                          f"one octasee uses ({reason})", where=str(where),
                          hint=f"{_UNCHANGED}; use the octasee version that wrote it, or "
                               "update octasee")
    if damaged:
        return StoreError(f"this file is not a readable octasee store: it is damaged, "
                          f"truncated or not a DuckDB database ({reason})", where=str(where),
                          hint="octasee has not changed it and will not write to it; move it "
                               "aside (keep it: do not overwrite or delete it) and restore "
                               "store.duckdb from your backup, or ingest the questionnaires "
                               "again into a new store")
    return None


# ---------------------------------------------------------------------- interrupts
class _Interrupts:
    """While an ingest runs, SIGTERM (like Ctrl-C) raises KeyboardInterrupt.

    So a terminated ingest rolls its transaction back and ends its workers, instead of
    dying at once. A signal that comes during COMMIT waits until COMMIT is done: a
    SIGTERM is then delivered again to the process's own handler, a Ctrl-C is dropped
    (the command is finishing anyway). Only the main thread can have signal handlers;
    elsewhere this does nothing.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self.committing = False
        self.received: int | None = None
        self.pending: int | None = None
        self.saved: dict[int, Any] = {}

    def _handle(self, signum: int, frame: Any) -> None:
        if self.committing:
            self.pending = signum
            return
        self.received = signum
        raise KeyboardInterrupt(signal.Signals(signum).name)

    def check(self, exc: BaseException | None = None) -> None:
        """Raise KeyboardInterrupt if a signal came, whatever became of the first one.

        DuckDB runs pending signal handlers while a query runs, and turns the
        KeyboardInterrupt into its own error ("Query interrupted", or an aborted
        transaction) or, between checks, drops it.
        """
        if self.received is not None and not isinstance(exc, KeyboardInterrupt):
            raise KeyboardInterrupt(signal.Signals(self.received).name) from exc

    def __enter__(self) -> _Interrupts:
        if threading.current_thread() is threading.main_thread():
            for sig in self.SIGNALS:
                previous = signal.getsignal(sig)
                # None: set outside Python, cannot be restored; SIG_IGN: ignored on
                # purpose (nohup, a background job), so it stays ignored
                if previous not in (None, signal.SIG_IGN):
                    self.saved[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, previous in self.saved.items():
            signal.signal(sig, previous)
        if self.pending == signal.SIGTERM:
            signal.raise_signal(signal.SIGTERM)


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
    encoding: str = ""  # how a CSV submission was decoded when it was not UTF-8


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
            "quarantined": r.rows_quarantined,
            "note": "; ".join(n for n in (r.message, r.encoding) if n)}
            for r in self.results])


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


def _failed(source: Source, exc: BaseException) -> QuestionnaireError:
    """An unexpected exception while reading one file: that file is refused."""
    frames = traceback.extract_tb(exc.__traceback__)
    at = f", {Path(frames[-1].filename).name} line {frames[-1].lineno}" if frames else ""
    return QuestionnaireError(
        f"reading this file failed inside octasee ({type(exc).__name__}: {exc}{at})",
        where=source.label,
        hint="this is a bug in octasee: nothing from this file was stored and the other files "
             "were checked as usual; send the file to the octasee maintainers")


def _crashed(source: Source, exitcode: int | None) -> QuestionnaireError:
    """A worker that died while reading one file: that file is refused."""
    how = "the reading process died"
    if exitcode is not None and exitcode < 0:
        try:
            how += f" of {signal.Signals(-exitcode).name}"
        except ValueError:
            how += f" of signal {-exitcode}"
    elif exitcode:
        how += f" with exit code {exitcode}"
    return QuestionnaireError(
        f"reading this file crashed the reader ({how})", where=source.label,
        hint="nothing from this file was stored and the other files were checked as usual; "
             "check the file (open it in Excel or LibreOffice and save it again) and send it "
             "to the octasee maintainers")


def _check_safely(source: Source, cycle: str | None,
                  max_mb: float) -> Validation | OctaseeError:
    """:func:`_check`, with an unexpected exception turned into a refusal of this file."""
    try:
        return _check(source, cycle, max_mb)
    except Exception as exc:  # a bug in octasee or a library: refuse this file only
        return _failed(source, exc)


_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _worker_init(parent: int) -> None:
    """A worker ends with its parent, and leaves Ctrl-C and SIGTERM to the parent.

    Ctrl-C reaches every process of the terminal's group: the parent alone handles it
    (rolls back and ends the workers). ``PR_SET_PDEATHSIG`` makes the kernel send SIGTERM
    to the worker when the parent dies, even of ``kill -9``.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler (fork)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):  # no libc prctl: no guard
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM),
                                                    0, 0, 0)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _serve(conn: Any, parent: int) -> None:
    """A worker process: check the files sent on ``conn`` in turn, until told to stop."""
    _worker_init(parent)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if task is None:
            return
        source, cycle, max_mb = task
        result = _check_safely(source, cycle, max_mb)
        try:
            conn.send(result)
        except Exception as exc:  # pickling failed, before anything was sent
            conn.send(_failed(source, exc))


class _Worker:
    """A worker process, its end of a pipe, and the files given to it (oldest first).

    A worker reads its files in the order given and answers each in turn, so the file
    it was reading when it died is the oldest one it has not answered.
    """

    def __init__(self, ctx: Any) -> None:
        self.conn, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_serve, args=(child, os.getpid()), daemon=True)
        self.proc.start()
        child.close()  # so that the parent sees EOF when the worker dies
        self.tasks: deque[int] = deque()

    def give(self, index: int, task: tuple[Any, ...]) -> None:
        self.tasks.append(index)
        self.conn.send(task)

    def stop(self, *, now: bool) -> None:
        """Let the worker end (after its work), or end it now."""
        if not now:
            with contextlib.suppress(OSError):
                self.conn.send(None)
            self.proc.join(timeout=10)
        if self.proc.is_alive():
            self.proc.terminate()
            self.proc.join(timeout=5)
        if self.proc.is_alive():  # pragma: no cover - SIGTERM ignored
            self.proc.kill()
            self.proc.join()
        self.conn.close()


_AHEAD = 2  # files given to a worker at a time: it starts the next while one is stored


def _check_all(sources: Sequence[Source], *, cycle: str | None, max_mb: float,
               jobs: int) -> Iterator[Validation | OctaseeError]:
    """Results in the order of ``sources``, each as soon as it is ready.

    The caller stores one result while the workers check the next ones. A file whose
    reading raises an unexpected exception is refused (an :class:`OctaseeError` result),
    and so is a file whose reading kills its worker process; a new worker takes over the
    files that one had not read yet. Closing this generator (or an exception in it, such
    as the KeyboardInterrupt of Ctrl-C or SIGTERM) ends the workers at once.
    """
    if jobs <= 1 or len(sources) <= 1:
        for s in sources:
            yield _check_safely(s, cycle, max_mb)
        return
    import multiprocessing as mp
    from multiprocessing.connection import wait

    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else None)
    todo = deque(range(len(sources)))
    ready: dict[int, Validation | OctaseeError] = {}
    workers: list[_Worker] = []
    n = min(jobs, len(sources))
    finished = False

    def feed() -> None:
        """Give every worker files, one ahead; start workers, drop idle dead ones."""
        for w in [w for w in workers if not w.tasks and not w.proc.is_alive()]:
            w.stop(now=True)
            workers.remove(w)
        while todo and len(workers) < n:
            try:
                workers.append(_Worker(ctx))
            except OSError:  # no process can be started now: go on with fewer
                break
        for w in workers:
            while todo and len(w.tasks) < _AHEAD:
                i = todo.popleft()
                try:
                    w.give(i, (sources[i], cycle, max_mb))
                except OSError:  # it died meanwhile: the file goes to another worker
                    w.tasks.pop()
                    todo.appendleft(i)
                    break

    try:
        for out in range(len(sources)):
            while out not in ready:
                feed()
                busy = [w for w in workers if w.tasks]
                if not busy:  # no worker could be started: check the next file here
                    i = todo.popleft()
                    ready[i] = _check_safely(sources[i], cycle, max_mb)
                    continue
                wait([w.conn for w in busy] + [w.proc.sentinel for w in busy])
                for w in busy:
                    if w.conn.poll():
                        try:
                            ready[w.tasks[0]] = w.conn.recv()
                            w.tasks.popleft()
                            continue
                        except (EOFError, OSError):
                            pass  # it died while answering
                    elif w.proc.is_alive():
                        continue
                    w.proc.join()
                    crashed = w.tasks.popleft()
                    ready[crashed] = _crashed(sources[crashed], w.proc.exitcode)
                    todo.extendleft(reversed(w.tasks))  # for the other workers
                    w.tasks.clear()
                    w.stop(now=True)
                    workers.remove(w)
            yield ready.pop(out)
        finished = True
    finally:
        for w in workers:
            w.stop(now=not finished)


class _NewerStore(StoreError):
    """A store written by a newer octasee (its schema version is higher than ours)."""


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _stamp(path: Path) -> tuple[Any, ...]:
    """What changes whenever DuckDB writes a store: its file's and its WAL's size and time."""
    out: list[Any] = []
    for p in (path, path.with_name(path.name + ".wal")):
        try:
            st = p.stat()
        except OSError:
            out.append(None)
        else:
            out.append((st.st_size, st.st_mtime_ns))
    return tuple(out)


#: The environment variable through which a build pins the snapshot its chapter kernels
#: read: ``{"store": <the store's path>, "file": <the pinned copy>}`` as JSON. A reader of
#: that store in such a process reads the pinned copy, whatever was ingested meanwhile.
PIN_ENV = "OCTASEE_STORE_PIN"


def _pinned_file(store_path: Path) -> Path | None:
    """The pinned copy this process reads for ``store_path`` (see :data:`PIN_ENV`), if any
    and if it is still there."""
    raw = os.environ.get(PIN_ENV)
    if not raw:
        return None
    try:
        pin = json.loads(raw)
        same = Path(pin["store"]).resolve() == store_path.resolve()
        file = Path(pin["file"])
    except (ValueError, KeyError, TypeError, OSError):
        _log.debug("%s is not a pin (%r): ignored", PIN_ENV, raw)
        return None
    return file if same and file.is_file() else None


def pin_snapshot(store_path: str | os.PathLike[str], folder: str | os.PathLike[str]
                 ) -> Path | None:
    """Pin the store's current snapshot for a build: its chapters and everything the
    build reads of the store then see the same data, even if an ingest publishes a new
    snapshot meanwhile.

    The pin is a hard link (a copy where links cannot be made) of the snapshot into
    ``folder``, under the store's name and its snapshot's name, so that the returned
    path opens as a store (``Store(pin, read_only=True)`` reads the pinned data); the
    writer replaces the snapshot by a rename and never changes the pinned file.
    ``{"store": store_path, "file": <pin's snapshot>}`` in :data:`PIN_ENV` makes every
    reader of ``store_path`` in a process (a chapter kernel) read it. Returns None (the
    caller reads the store as usual) when the snapshot cannot be pinned: no snapshot
    (a read-only folder), or ``folder`` cannot be written. The caller removes ``folder``.
    """
    source = Path(store_path)
    with Store(source, read_only=True) as reader:  # makes the snapshot current
        if reader.file != reader.snapshot_path:
            return None
        snap = reader.snapshot_path
    pin = Path(folder) / source.name
    try:
        pin.parent.mkdir(parents=True, exist_ok=True)
        pinned_snap = pin.with_name(f"{pin.stem}.snapshot{pin.suffix}")
        try:
            os.link(snap, pinned_snap)
        except OSError:
            shutil.copyfile(snap, pinned_snap)
        os.link(pinned_snap, pin)  # the same file under the store's name: a current snapshot
    except OSError as exc:
        _log.debug("%s: snapshot not pinned (%s)", source, _reason(exc))
        shutil.rmtree(folder, ignore_errors=True)
        return None
    return pin


class Store:
    """A cycle store in one DuckDB file; created with its schema on first open.

    ``Store(path)`` is the writer (``octasee ingest``, ``init``, ``samples``): one program
    at a time. ``Store(path, read_only=True)`` is a reader (chapters, ``octasee status``,
    the report, :func:`~octasee.workspace.open_store`): it reads the store's *snapshot*, a copy beside it
    (``store.snapshot.duckdb``) that the writer replaces, by an atomic rename, after each
    ingest it commits. So readers never hold a lock on the store itself and never stop a
    writer, and each reader sees the store as one ingest left it, never half an ingest;
    a reader opened later sees what was ingested meanwhile. A reader finds no snapshot
    only beside a store written by an older octasee: it makes one, or reads the store
    itself when it cannot (a read-only folder).
    """

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        #: The file this Store reads: the store, or for a reader its snapshot.
        self.file = self.path
        #: What opening this store migrated ("ocgs.specialisation", …), if anything.
        self.migrated: list[str] = []
        self._dirty = False  # committed changes not in the snapshot yet
        self._published: tuple[Any, ...] | None = None
        self._closed = False
        if read_only and not self.path.exists():
            raise StoreError("no store here yet", where=str(self.path),
                             hint="ingest questionnaires first: octasee ingest FILE...")
        self._was_empty = False
        if read_only:
            self._open_reader()
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _fault(exc, self.path.parent, after=_UNCHANGED) or StoreError(
                f"cannot make the store's folder ({_reason(exc)})", where=str(self.path.parent),
                hint="check the workspace path") from exc
        fresh = not self.path.exists()
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
            # no progress-bar widget in a chapter kernel's output, whatever a query costs
            self.con.execute("SET enable_progress_bar = false")
        except duckdb.Error as exc:
            raise self._open_error(exc, fresh=fresh) from exc
        try:
            self._prepare()
            self._publish_on_open()
        except BaseException as exc:
            self._close_quietly()
            if fresh and self._was_empty:  # a store this call began to make: remove it
                self._remove_new_store()
            if isinstance(exc, duckdb.Error | OSError):
                raise self._open_error(exc, fresh=fresh) from exc
            raise

    @property
    def snapshot_path(self) -> Path:
        """The copy of the store that readers open (``store.snapshot.duckdb``)."""
        return self.path.with_name(f"{self.path.stem}.snapshot{self.path.suffix}")

    def _remove_new_store(self) -> None:
        for leftover in (self.path, self.path.with_name(self.path.name + ".wal"),
                         self.snapshot_path):
            leftover.unlink(missing_ok=True)

    def _open_error(self, exc: BaseException, *, fresh: bool = False) -> StoreError:
        after = "no store was made" if fresh else _UNCHANGED
        fault = _fault(exc, self.path, after=after, reading=self.read_only)
        if fault is not None and fresh and "disk is full" in fault.what:
            self._remove_new_store()  # DuckDB began the file, and could not finish it
        return fault or StoreError(
            f"cannot open the store ({_reason(exc)})", where=str(self.path),
            hint=f"{after}; check that this is the workspace's store.duckdb, made by "
                 "octasee, and that it can be read")

    # ------------------------------------------------------------------ readers
    def _attach(self, file: Path) -> None:
        """Open ``file`` read-only as this reader's database.

        Attached to an in-memory database rather than opened with ``duckdb.connect``:
        DuckDB shares one database per file name within a process, so a kernel that still
        holds the chapter it ran before would otherwise be handed the old snapshot again.
        """
        alias = self.path.stem if self.path.stem.isidentifier() and self.path.stem not in (
            "memory", "system", "temp", "main") else "store"
        con = _memory_connect(":memory:")
        try:
            con.execute("SET enable_progress_bar = false")
            con.execute(f"SET temp_directory = {_sql_text(str(self.path) + '.tmp')}")
            con.execute(f"ATTACH {_sql_text(str(file))} AS {alias} (READ_ONLY)")
            con.execute(f"USE {alias}")
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                con.close()
            raise
        self.con = con
        self.file = file

    def _snapshot_current(self) -> bool:
        """Whether the snapshot holds what the store holds: written after the store's last
        change (a crash between a commit and its snapshot leaves it older)."""
        snap = _stamp(self.snapshot_path)[0]
        main, wal = _stamp(self.path)
        if snap is None or main is None:
            return False
        newest = max(main[1], wal[1]) if wal and wal[0] else main[1]
        return snap[1] >= newest

    def _open_reader(self) -> None:
        """Open the snapshot; else the store itself, and make the snapshot from it.
        In a process that a build started with a pinned snapshot (:data:`PIN_ENV`),
        open that."""
        pinned = _pinned_file(self.path)
        if pinned is not None:
            self._attach(pinned)
            self._prepare()
            return
        snap = self.snapshot_path
        if self._snapshot_current():
            try:
                self._attach(snap)
                self._prepare()
                return
            except _NewerStore:
                self._close_quietly()
                raise
            except (duckdb.Error, StoreError):  # a damaged snapshot: made again below
                self._close_quietly()
        try:
            self._attach(self.path)
        except duckdb.Error as exc:
            fault = self._open_error(exc)
            if "in use by another program" in fault.what and snap.exists():
                # a writer is at work on the store: read what it last committed
                try:
                    self._attach(snap)
                    self._prepare()
                    return
                except (duckdb.Error, StoreError):
                    self._close_quietly()
            raise fault from exc
        try:
            self._prepare()
            if self._snapshot_from_reader():
                self._close_quietly()
                self._attach(snap)
                self._prepare()
        except BaseException as exc:
            self._close_quietly()
            if isinstance(exc, duckdb.Error | OSError):
                raise self._open_error(exc) from exc
            raise

    def _snapshot_from_reader(self) -> bool:
        """Make the snapshot from the store this reader holds open; whether it could.

        The reader's shared lock keeps writers out meanwhile. Committed changes that wait
        in the store's WAL (a writer that ended before folding them in) are folded into
        the copy, never into the store. In a folder that cannot be written (or on a full
        disk) the reader reads the store itself, as before snapshots.
        """
        self._verify_readable()  # never copy a damaged store
        try:
            self._copy_to_snapshot()
        except (OSError, duckdb.IOException) as exc:
            _log.debug("%s: no snapshot made (%s)", self.path, _reason(exc))
            return False
        return True

    # ------------------------------------------------------------------ the snapshot
    def _copy_to_snapshot(self) -> None:
        """Copy the store file to the snapshot: a temporary file in the same folder,
        renamed over the old snapshot. A reader that has the old one open keeps it (its
        file and its lock); a reader opened after the rename gets the new one."""
        snap = self.snapshot_path
        tmp = snap.with_name(f".{snap.name}.{os.getpid()}.{threading.get_ident()}.partial")
        wal, tmp_wal = (p.with_name(p.name + ".wal") for p in (self.path, tmp))
        try:
            shutil.copyfile(self.path, tmp)
            if _stamp(self.path)[1] and _stamp(self.path)[1][0]:  # (readers only)
                shutil.copyfile(wal, tmp_wal)
                folding = _memory_connect(str(tmp))  # replays the copied WAL
                try:
                    folding.execute("CHECKPOINT")
                finally:
                    folding.close()
                tmp_wal.unlink(missing_ok=True)
            with open(tmp, "rb+") as f:
                os.fsync(f.fileno())
            os.replace(tmp, snap)
        except BaseException:
            for leftover in (tmp, tmp_wal):
                with contextlib.suppress(OSError):
                    leftover.unlink()
            raise
        with contextlib.suppress(OSError):
            fd = os.open(snap.parent, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def _publish(self, *, verify: bool = False) -> None:
        """Fold the WAL into the store (CHECKPOINT) and copy it to the snapshot."""
        if verify:
            self._verify_readable()
        self.con.execute("CHECKPOINT")
        for leftover in self.path.parent.glob(f".{self.snapshot_path.name}.*.partial*"):
            with contextlib.suppress(OSError):  # of a writer that died while copying
                leftover.unlink()
        self._copy_to_snapshot()
        self._dirty = False
        self._published = _stamp(self.path)

    def _publish_on_open(self) -> None:
        """A writer makes the snapshot when there is none, or when it is older than the
        store (a store of an older octasee, a crash between a commit and its snapshot)."""
        if not self._dirty and self._snapshot_current():
            self._published = _stamp(self.path)
            return
        if not self._dirty:
            self._verify_readable()  # never copy a damaged store (raises: open fails)
        self._publish_quietly()

    def _publish_quietly(self) -> bool:
        """Publish; when the snapshot cannot be written (full disk, read-only folder), say
        so and go on: readers then read the store itself once the writer has closed it."""
        try:
            self._publish()
        except (OSError, duckdb.Error) as exc:
            _log.warning("%s: the store is up to date, but its copy for notebooks and "
                         "reports (%s) could not be written (%s); they read the store itself "
                         "once this program has closed it", self.path,
                         self.snapshot_path.name, _reason(exc))
            return False
        return True

    # ------------------------------------------------------------------ schema
    def _prepare(self) -> None:
        """Check that the file is an octasee store of a schema version this octasee
        knows; make or migrate its schema if needed (writers only).

        Nothing is written to a store whose schema is current, and nothing to a file that
        is not an octasee store or cannot be read in full.
        """
        names = {r[0] for r in self.con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = 'main'").fetchall()}
        self._was_empty = not names
        if not names and self.read_only:
            raise StoreError("the store is empty: nothing has been ingested yet",
                             where=str(self.path),
                             hint="ingest questionnaires first: octasee ingest FILE...")
        meta: dict[str, str] = {}
        if names:
            if "meta" not in names or "submissions" not in names:
                shown = ", ".join(sorted(names)[:5]) + (", …" if len(names) > 5 else "")
                raise StoreError(f"this DuckDB database is not an octasee store (its tables: "
                                 f"{shown})", where=str(self.path),
                                 hint=f"{_UNCHANGED}; point octasee at a workspace's own "
                                      "store.duckdb, or move this file aside")
            meta = dict(self.con.execute("SELECT key, value FROM meta").fetchall())
            version = meta.get("schema_version", "0")
            if not version.isdigit() or int(version) > SCHEMA_VERSION:
                raise _NewerStore(
                    f"this store was written by a newer octasee (schema version {version}; "
                    f"this octasee knows versions up to {SCHEMA_VERSION})",
                    where=str(self.path),
                    hint=f"{_UNCHANGED}; upgrade octasee (pip install --upgrade octasee) "
                         "to use it")
        if self.read_only or (meta.get("schema") == _schema_tag()
                              and names >= set(TABLES) and self._has_views()):
            return
        if names:
            self._verify_readable()  # never write into a store that cannot be read in full
        self._migrate(names, meta)

    def _migrate(self, names: set[str], meta: dict[str, str]) -> None:
        """Make the schema, or bring an existing store up to this octasee's, in one
        transaction: missing tables are made, missing columns added (ALTER TABLE), the
        views made again, the schema version and tag recorded. An existing store's
        changes are logged (``octasee.store``) and kept in :attr:`migrated`."""
        changes: list[str] = []
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.con.execute(_schema())
            if names:
                changes += [f"table {t}" for t in TABLES if t not in names]
                have: dict[str, set[str]] = {}
                for table, column in self.con.execute(
                        "SELECT table_name, column_name FROM duckdb_columns() WHERE "
                        "database_name = current_database() AND schema_name = 'main'"
                        ).fetchall():
                    have.setdefault(table, set()).add(column)
                for table, columns in _expected_columns().items():
                    for column, kind in columns:
                        if column not in have.get(table, set()):
                            self.con.execute(
                                f'ALTER TABLE {table} ADD COLUMN "{column}" {kind}')
                            changes.append(f"{table}.{column}")
                if changes:
                    self.con.execute(_VIEWS)  # their column lists include the new columns
            self.con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                             [str(SCHEMA_VERSION)])
            self.con.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)",
                             [_schema_tag()])
            self.con.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise
        self._dirty = True
        old = meta.get("schema_version", "0")
        if names and (changes or old != str(SCHEMA_VERSION)):
            self.migrated = changes
            added = [c for c in changes if not c.startswith("table ")]
            made = [c.removeprefix("table ") for c in changes if c.startswith("table ")]
            what = "; ".join(filter(None, [
                f"added column(s) {', '.join(added)}" if added else "",
                f"made table(s) {', '.join(made)}" if made else ""])) or "nothing to add"
            _log.warning("%s: migrated the store to this octasee's schema (version %s -> %s): "
                         "%s; the data in it is unchanged", self.path, old, SCHEMA_VERSION,
                         what)

    def _has_views(self) -> bool:
        views = {r[0] for r in self.con.execute(
            "SELECT view_name FROM duckdb_views() WHERE NOT internal "
            "AND database_name = current_database()").fetchall()}
        return views >= set(VIEWS)

    def _verify_readable(self) -> None:
        """Read every value of every table once, so that a damaged block shows now.

        DuckDB checks each block's checksum as it reads it.
        """
        present = {r[0] for r in self.con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "AND schema_name = 'main'").fetchall()}
        for table in TABLES:
            if table in present:
                self.con.execute(f"SELECT bit_xor(hash(COLUMNS(*))) FROM {table}").fetchall()

    def _rollback(self) -> None:
        """Roll back, if a transaction is still open (a failed COMMIT ends it)."""
        with contextlib.suppress(duckdb.Error):
            self.con.execute("ROLLBACK")

    def _close_quietly(self) -> None:
        con = getattr(self, "con", None)
        if con is not None:
            with contextlib.suppress(duckdb.Error):
                con.close()

    def close(self) -> None:
        """Close the store; a writer first brings the snapshot up to date if anything was
        written since (e.g. through :meth:`query`)."""
        if self._closed:
            return
        self._closed = True
        if not self.read_only and (self._dirty or _stamp(self.path) != self._published):
            self._publish_quietly()
        try:
            self.con.close()
        except duckdb.Error as exc:
            fault = _fault(exc, self.path, after="what was committed is kept")
            if fault is None:
                raise
            raise fault from exc

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ queries
    def query(self, sql: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
        """Run SQL against the store and return a DataFrame.

        A fault of the store file (damaged, unreadable) is a :class:`StoreError`; a
        mistake in ``sql`` is DuckDB's own error.
        """
        try:
            return self.con.execute(sql, params or []).df()
        except duckdb.Error as exc:
            fault = _fault(exc, self.path, after=_UNCHANGED, reading=self.read_only)
            if fault is None:
                raise
            raise fault from exc

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

    def status(self, *, cycle: str | Iterable[str] | None = None,
               expected: Sequence[str] | None = None,
               deadlines: dict[str, dt.date | None] | None = None,
               today: dt.date | None = None) -> pd.DataFrame:
        """Per country and cycle: submissions, rows, quarantined rows, deadline, state.

        ``cycle``: the cycle (or cycles) to list, each with every expected country even
        when nothing of it was ingested (the workspace's cycle); default: every cycle in
        the store. See :func:`status_table` for the columns and states.
        """
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
            FROM current_submissions s""")
        return status_table(subs, counts, cycle=cycle, expected=expected,
                            deadlines=deadlines, today=today)

    def response_rate(self, *, expected: Sequence[str] | None = None) -> pd.DataFrame:
        """Per cycle: expected countries, countries with a valid submission, the rate."""
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

        Raises :class:`StoreError`, with nothing stored, when the store cannot be read in
        full or written (full disk, read-only folder), and when what was stored does not
        add up with what validation counted (a bug). SIGTERM and Ctrl-C roll back too.
        """
        items = list(paths)
        sources = [p for p in items if isinstance(p, Source)]
        sources += collect_sources([p for p in items if not isinstance(p, Source)])
        jobs = jobs if jobs is not None else min(2, os.cpu_count() or 1)
        started = time.perf_counter()
        results: list[IngestResult] = []
        stored: list[tuple[str, Validation, int]] = []
        with _Interrupts() as interrupts:
            try:
                self._verify_readable()
                last_log = self.con.execute("SELECT max(log_id) FROM ingest_log").fetchone()[0]
            except BaseException as exc:  # DuckDB's "Query interrupted" is a RuntimeError
                interrupts.check(exc)
                fault = _fault(exc, self.path, after=_UNCHANGED)
                if fault is None:
                    raise
                raise fault from exc
            checked = _check_all(sources, cycle=cycle, max_mb=max_mb, jobs=jobs)
            try:
                self.con.execute("BEGIN TRANSACTION")
                try:
                    for source, outcome in zip(sources, checked, strict=True):
                        result = self._ingest_one(source, outcome)
                        results.append(result)
                        if isinstance(outcome, Validation) and result.outcome in (
                                "accepted", "partial", "rejected"):
                            stored.append((source.label, outcome, result.submission_id))
                        interrupts.check()
                    self._verify(stored)
                    self.con.execute("UPDATE ingest_log SET seconds = ? WHERE seconds IS NULL",
                                     [time.perf_counter() - started])
                    interrupts.check()
                    interrupts.committing = True
                    self.con.execute("COMMIT")
                except BaseException as exc:
                    self._rollback()
                    interrupts.check(exc)
                    if not isinstance(exc, duckdb.Error | OSError) or (
                            isinstance(exc, OSError) and exc.errno not in _FULL_ERRNOS):
                        raise  # not the store's fault (e.g. a source that cannot be read)
                    fault = _fault(exc, self.path, after=self._after_failure(exc, last_log))
                    if fault is None:
                        raise
                    raise fault from exc
            finally:
                checked.close()  # ends the workers now, also after an error or interrupt
            # Committed: readers opened from now on see it (a signal waits until done).
            self._dirty = True
            self._publish_quietly()
        return IngestReport(results)

    def _after_failure(self, exc: BaseException, last_log: int | None) -> str:
        """What a failed ingest left in the store: normally nothing (it was rolled back).

        DuckDB can fail *after* a COMMIT that is durable (its checkpoint hit a full disk);
        then say so rather than claim that nothing was stored.
        """
        if "commit succeeded" in str(exc).lower():
            return ("the files were stored (the commit is durable) but the store could not "
                    "be tidied up")
        try:
            n = self.con.execute("SELECT count(*) FROM ingest_log WHERE log_id > ?",
                                 [last_log or 0]).fetchone()[0]
        except duckdb.Error:
            return _ROLLED_BACK
        return _ROLLED_BACK if not n else "the files were stored nevertheless"

    def _verify(self, stored: list[tuple[str, Validation, int]]) -> None:
        """Check that each stored submission adds up; a StoreError (a bug) if not.

        Per sheet: rows read = accepted + quarantined; the rows inserted into the data
        tables and into the quarantine for the submission equal validation's counts; the
        submission's row totals equal them too.
        """
        if not stored:
            return
        ids = [sid for _, _, sid in stored]
        marks = ", ".join("?" for _ in ids)
        inserted: dict[tuple[int, str], int] = {}
        for table in TABLE_OF_SHEET.values():
            for sid, n in self.con.execute(
                    f"SELECT submission_id, count(*) FROM {table} WHERE submission_id IN "
                    f"({marks}) GROUP BY submission_id", ids).fetchall():
                inserted[(sid, table)] = n
        held = {(sid, sheet): n for sid, sheet, n in self.con.execute(
            f"SELECT submission_id, sheet, count(*) FROM quarantine WHERE submission_id IN "
            f"({marks}) GROUP BY submission_id, sheet", ids).fetchall()}
        totals = {r[0]: tuple(r[1:]) for r in self.con.execute(
            f"SELECT submission_id, rows_read, rows_accepted, rows_quarantined FROM "
            f"submissions WHERE submission_id IN ({marks})", ids).fetchall()}

        for label, v, sid in stored:
            def wrong(sheet: str, detail: str, label: str = label) -> StoreError:
                return StoreError(
                    f"the stored rows do not add up: sheet {sheet!r}: {detail}", where=label,
                    hint="this is a bug in octasee; nothing was stored (the whole ingest was "
                         "rolled back): send the file to the octasee maintainers")

            counts = v.counts
            for rec in counts.to_dict("records"):
                if rec["read"] != rec["accepted"] + rec["quarantined"]:
                    raise wrong(rec["sheet"], f"{rec['read']} rows read but {rec['accepted']} "
                                f"accepted + {rec['quarantined']} quarantined")
            for key, table in TABLE_OF_SHEET.items():
                part = counts[counts["key"] == key]
                want, got = int(part["accepted"].sum()), inserted.get((sid, table), 0)
                if want != got:
                    sheet = str(part["sheet"].iloc[0]) if len(part) else key
                    raise wrong(sheet, f"{want} rows accepted but {got} stored in table "
                                       f"{table!r}")
            per_sheet = counts.groupby("sheet")["quarantined"].sum()
            for sheet in sorted(set(per_sheet.index) | {s for i, s in held if i == sid}):
                want = int(per_sheet.get(sheet, 0))
                got = held.get((sid, sheet), 0)
                if want != got:
                    raise wrong(sheet, f"{want} rows quarantined but {got} stored in the "
                                       "quarantine")
            expected = (v.rows_read, v.rows_accepted, v.rows_quarantined)
            if totals.get(sid) != expected:
                raise wrong("(all sheets)", f"rows read/accepted/quarantined {expected} but "
                                            f"{totals.get(sid)} in table 'submissions'")

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
                           v.rows_accepted, v.rows_quarantined, note, v.problems, previous,
                           v.encoding_note)
        self._log(source, sha, res)
        return res


#: The states of :func:`status_table`, from nothing received to all in order.
STATES = ("awaited", "missing", "rejected", "quarantined rows", "late", "partial", "returned")
_STATUS_COLUMNS = ["cycle", "country", "name", "submissions", "rows", "accepted",
                   "quarantined", "submitted", "deadline", "late", "empty sheets", "state"]


def status_table(submissions: pd.DataFrame | None = None, counts: pd.DataFrame | None = None,
                 *, cycle: str | Iterable[str] | None = None,
                 expected: Sequence[str] | None = None,
                 deadlines: dict[str, dt.date | None] | None = None,
                 today: dt.date | None = None) -> pd.DataFrame:
    """Per cycle, every expected country (and any other that submitted), with its state.

    ``submissions`` and ``counts`` are what :meth:`Store.status` reads from the store;
    without them nothing was submitted (a workspace without a store yet). ``cycle`` lists
    that cycle (or those) even when nothing of it was submitted; default: the cycles in
    ``submissions``. ``deadlines`` maps a cycle to its deadline; a cycle without one has
    ``deadline`` None and nobody in it is late or overdue.

    ``state`` is one of :data:`STATES`: ``awaited`` (nothing yet, and the deadline, if
    any, has not passed), ``missing`` (nothing, and the deadline has passed: ``late`` says
    ``overdue``), ``rejected`` (only submissions whose Respondent sheet was not valid),
    ``quarantined rows``, ``late`` (received after the deadline), ``partial`` (sheets
    left empty: ``empty sheets``) or ``returned``. ``today`` defaults to today's date.

    >>> t = status_table(cycle="2018-2022", expected=["RS", "AL"],
    ...                  deadlines={"2018-2022": dt.date(2023, 3, 31)}, today=dt.date(2023, 4, 1))
    >>> t[["country", "deadline", "late", "state"]].values.tolist()
    [['AL', '2023-03-31', 'overdue', 'missing'], ['RS', '2023-03-31', 'overdue', 'missing']]
    """
    expected = list(expected or MEMBER_CODES)
    subs = submissions if submissions is not None else pd.DataFrame(
        columns=["cycle", "country", "submissions", "current_id", "rows", "accepted",
                 "quarantined", "submitted", "rejected"])
    sizes = (counts.set_index("submission_id") if counts is not None and len(counts)
             else pd.DataFrame(columns=["groups", "routes", "assessments"]))
    if cycle is None:
        cycles = sorted(set(subs["cycle"].dropna()))
    else:
        cycles = [cycle] if isinstance(cycle, str) else list(dict.fromkeys(cycle))
    today = today or dt.date.today()
    rows = []
    for cyc in cycles:
        part = subs[subs["cycle"] == cyc].set_index("country")
        deadline = (deadlines or {}).get(cyc)
        passed = bool(deadline and today > deadline)
        for code in sorted(set(expected) | set(part.index)):
            r = part.loc[code] if code in part.index else None
            has = r is not None and not pd.isna(r["current_id"])
            submitted = r["submitted"] if has else None
            late = bool(has and deadline and submitted is not None and not pd.isna(submitted)
                        and pd.Timestamp(submitted).date() > deadline)
            overdue = not has and passed
            empty = []
            if has and int(r["current_id"]) in sizes.index:
                c = sizes.loc[int(r["current_id"])]
                empty = [k for k in ("groups", "routes", "assessments") if not c[k]]
            state = (("missing" if passed else "awaited") if r is None else
                     "rejected" if not has else "quarantined rows" if r["quarantined"] else
                     "late" if late else "partial" if empty else "returned")
            rows.append({"cycle": cyc, "country": code, "name": country_name(code),
                         "submissions": 0 if r is None else int(r["submissions"]),
                         "rows": int(r["rows"]) if has else 0,
                         "accepted": int(r["accepted"]) if has else 0,
                         "quarantined": int(r["quarantined"]) if has else 0,
                         "submitted": None if submitted is None or pd.isna(submitted)
                         else pd.Timestamp(submitted).date().isoformat(),
                         "deadline": deadline.isoformat() if deadline else None,
                         "late": "late" if late else "overdue" if overdue else "",
                         "empty sheets": ", ".join(empty),
                         "state": state})
    return pd.DataFrame(rows, columns=_STATUS_COLUMNS)

