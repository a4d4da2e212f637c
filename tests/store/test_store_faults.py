"""Store faults are messages and leave the store as it was; workers never sink or outlive
an ingest; every ingest checks that what it stored adds up (issue 16)."""

from __future__ import annotations

import contextlib
import errno
import faulthandler
import hashlib
import io
import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

import octasee.store as store_module
from octasee.cli import main
from octasee.errors import StoreError
from octasee.samples import sample_files
from octasee.store import Store

TABLES = ("submissions", "indicators", "ocgs", "routes", "assessments", "quarantine",
          "problems", "ingest_log")
SCRIPT = Path(__file__).with_name("slow_ingest_script.py")


def _rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, read with duckdb itself (not through octasee)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {t: sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall()))
                for t in TABLES}
    finally:
        con.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _seed(path: Path, n: int = 1) -> None:
    with Store(path) as store:
        store.ingest(sample_files("2013-2017")[:n], jobs=1)


def _one_line(message: str) -> None:
    assert "\n" not in message and "Traceback" not in message, message


@pytest.fixture(scope="module")
def good_store(tmp_path_factory) -> bytes:
    """The bytes of a store holding three sample submissions."""
    path = tmp_path_factory.mktemp("good") / "store.duckdb"
    _seed(path, 3)
    return path.read_bytes()


# --------------------------------------------------------------------------- damaged file


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("store.csv", "country,value\nRS,1\n" * 100)
    return buf.getvalue()


def _flip(data: bytes, start: int, length: int) -> bytes:
    b = bytearray(data)
    for i in range(start, start + length):
        b[i] ^= 0xFF
    return bytes(b)


DAMAGED = {
    "text file": lambda good: b"notes about the store\n" * 200,
    "zip archive": lambda good: _zip_bytes(),
    "empty file": lambda good: b"",
    "truncated header": lambda good: good[:3000],
    "truncated in the middle": lambda good: good[:len(good) // 2],
    "bad checksum": lambda good: _flip(good, 8192, 4096),
}


def _use(path: Path, *, read_only: bool) -> None:
    """Open the store and touch all of it: read every table, or ingest."""
    store = Store(path, read_only=read_only)
    try:
        if read_only:
            for t in TABLES:
                store.table(t, current=False)
            store.status()
        else:
            store.ingest(sample_files("2013-2017")[5:7], jobs=1)
    finally:
        store.close()


@pytest.mark.parametrize("read_only", [False, True], ids=["write", "read"])
@pytest.mark.parametrize("kind", list(DAMAGED))
def test_damaged_or_foreign_store_file_is_a_message_and_stays_as_it_was(
        kind, read_only, good_store, tmp_path):
    path = tmp_path / "store.duckdb"
    path.write_bytes(DAMAGED[kind](good_store))
    before = _digest(path)
    with pytest.raises(StoreError) as err:
        _use(path, read_only=read_only)
    msg = err.value.message
    _one_line(msg)
    assert str(path) in msg and "not a readable octasee store" in msg, msg
    assert "backup" in msg and "close other programs" not in msg, msg
    assert _digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.duckdb"]


def test_a_duckdb_database_that_is_not_a_store_is_not_touched(tmp_path):
    path = tmp_path / "store.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE budget (year INTEGER, amount DOUBLE)")
    con.execute("INSERT INTO budget VALUES (2017, 1.5)")
    con.close()
    before = _digest(path)
    for read_only in (False, True):
        with pytest.raises(StoreError) as err:
            _use(path, read_only=read_only)
        _one_line(err.value.message)
        assert "not an octasee store" in err.value.message and str(path) in err.value.message
    assert _digest(path) == before


def test_opening_a_good_store_writes_nothing(good_store, tmp_path):
    path = tmp_path / "store.duckdb"
    path.write_bytes(good_store)
    Store(path).close()
    Store(path, read_only=True).close()
    assert path.read_bytes() == good_store


# --------------------------------------------------------------------------- lock


def test_only_a_lock_conflict_says_close_other_programs(good_store, tmp_path):
    path = tmp_path / "store.duckdb"
    path.write_bytes(good_store)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
         "print('locked', flush=True); time.sleep(60)", str(path)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        for read_only in (False, True):
            with pytest.raises(StoreError) as err:
                Store(path, read_only=read_only)
            msg = err.value.message
            _one_line(msg)
            assert "in use by another program" in msg and "close other programs" in msg, msg
            assert str(path) in msg
    finally:
        holder.kill()
        holder.wait()
    assert path.read_bytes() == good_store


# --------------------------------------------------------------------------- full disk


class _Failing:
    """A store connection whose statements matching ``when`` fail like a full disk.

    A COMMIT that cannot be written ends the transaction in DuckDB (there is nothing left
    to roll back): the fake does the same.
    """

    def __init__(self, con, when, exc):
        self._con, self._when, self._exc, self.fired = con, when, exc, 0

    def execute(self, sql, *args):
        if self._when(sql.strip()):
            self.fired += 1
            if sql.strip().upper() == "COMMIT":
                self._con.execute("ROLLBACK")
            raise self._exc
        return self._con.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self._con, name)


ENOSPC_WAL = 'Could not write file "{}.wal": No space left on device'
FULL = {
    "commit": (lambda sql: sql.upper() == "COMMIT",
               lambda p: duckdb.TransactionException(
                   "TransactionContext Error: Failed to commit: " + ENOSPC_WAL.format(p))),
    "insert": (lambda sql: sql.startswith("INSERT INTO indicators"),
               lambda p: duckdb.IOException("IO Error: " + ENOSPC_WAL.format(p))),
    "oserror": (lambda sql: sql.startswith("INSERT INTO ocgs"),
                lambda p: OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))),
    # The statement that used to run after COMMIT: it must be part of the transaction.
    "after the data": (lambda sql: sql.startswith("UPDATE ingest_log"),
                       lambda p: duckdb.TransactionException(
                           "TransactionContext Error: Failed to commit: "
                           + ENOSPC_WAL.format(p))),
}


@pytest.mark.parametrize("where", list(FULL))
def test_full_disk_rolls_back_and_says_so(where, tmp_path):
    path = tmp_path / "store.duckdb"
    _seed(path)
    before = _rows(path)
    store = Store(path)
    real = store.con
    when, exc = FULL[where]
    store.con = failing = _Failing(real, when, exc(path))
    try:
        with pytest.raises(StoreError) as err:
            store.ingest(sample_files("2013-2017")[1:4], jobs=1)
        assert failing.fired
        msg = err.value.message
        _one_line(msg)
        assert "disk is full" in msg and "nothing" in msg and "stored" in msg, msg
        assert str(path) in msg and "close other programs" not in msg
        # the store stays usable once there is room again
        store.con = real
        assert store.query("SELECT count(*) FROM submissions").iat[0, 0] == 1
    finally:
        store.con = real
        store.close()
    assert _rows(path) == before


def _mount(*args: str) -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


def _umount(path: Path) -> None:
    if subprocess.run(["umount", str(path)], capture_output=True).returncode:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def test_full_disk_on_a_small_tmpfs(tmp_path):
    seed = tmp_path / "seed.duckdb"
    _seed(seed)
    mnt = tmp_path / "small"
    mnt.mkdir()
    size = seed.stat().st_size + 256 * 1024
    if not _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)):
        pytest.skip("cannot mount a tmpfs here")
    try:
        path = mnt / "store.duckdb"
        shutil.copyfile(seed, path)
        before = _rows(path)
        store = Store(path)
        try:
            with pytest.raises(StoreError) as err:
                store.ingest(sample_files("2013-2017")[1:5], jobs=1)
        finally:
            store.close()
        msg = err.value.message
        _one_line(msg)
        assert "disk is full" in msg and "nothing" in msg and str(path) in msg, msg
        assert _rows(path) == before
        # with room again, the same ingest works
        assert _mount("-o", f"remount,size={64 << 20}", str(mnt))
        with Store(path) as store:
            report = store.ingest(sample_files("2013-2017")[1:5], jobs=1)
        assert {r.outcome for r in report.results} == {"accepted"}
        assert len(_rows(path)["submissions"]) == 5
    finally:
        _umount(mnt)


@pytest.mark.parametrize("size", ["8k", "16k"])
def test_a_new_store_on_a_full_disk_leaves_no_file(size, tmp_path):
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    if not _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)):
        pytest.skip("cannot mount a tmpfs here")
    try:
        with pytest.raises(StoreError) as err:
            Store(mnt / "ws" / "store.duckdb")
        _one_line(err.value.message)
        assert "disk is full" in err.value.message and "no store was made" in err.value.message
        assert list((mnt / "ws").iterdir()) == []
    finally:
        _umount(mnt)


# --------------------------------------------------------------------------- read-only


@contextlib.contextmanager
def _read_only_view(folder: Path, *, writable_file: str | None = None):
    """``folder`` seen through a read-only bind mount (root cannot write there either)."""
    view = folder.parent / (folder.name + "-ro")
    view.mkdir()
    if not _mount("--bind", str(folder), str(view)):
        pytest.skip("cannot bind-mount here")
    mounted = [view]
    try:
        if not _mount("-o", "remount,bind,ro", str(view)):
            pytest.skip("cannot remount read-only here")
        if writable_file:
            assert _mount("--bind", str(folder / writable_file), str(view / writable_file))
            mounted.append(view / writable_file)
        with pytest.raises(OSError):
            (view / "probe").write_text("x")
        yield view
    finally:
        for m in reversed(mounted):
            _umount(m)


def _assert_cannot_write(err, path):
    msg = err.value.message
    _one_line(msg)
    assert "cannot be written" in msg and "read-only" in msg and str(path) in msg, msg
    assert "close other programs" not in msg


def test_read_only_folder_and_store(good_store, tmp_path):
    folder = tmp_path / "ws"
    folder.mkdir()
    (folder / "store.duckdb").write_bytes(good_store)
    with _read_only_view(folder) as view:
        path = view / "store.duckdb"
        with pytest.raises(StoreError) as err:
            Store(path)
        _assert_cannot_write(err, path)
        with pytest.raises(StoreError) as err:  # a new store cannot be made there either
            Store(view / "sub" / "store.duckdb")
        _assert_cannot_write(err, view / "sub")
        with pytest.raises(StoreError) as err:
            Store(view / "other.duckdb")
        _assert_cannot_write(err, view / "other.duckdb")
        with Store(path, read_only=True) as store:  # reading still works
            assert len(store.table("submissions")) == 3
            assert len(store.status())
    assert (folder / "store.duckdb").read_bytes() == good_store
    assert sorted(p.name for p in folder.iterdir()) == ["store.duckdb"]


def test_read_only_folder_with_a_writable_store_file(good_store, tmp_path):
    folder = tmp_path / "ws"
    folder.mkdir()
    (folder / "store.duckdb").write_bytes(good_store)
    before = _rows(folder / "store.duckdb")
    with _read_only_view(folder, writable_file="store.duckdb") as view:
        path = view / "store.duckdb"
        with pytest.raises(StoreError) as err, Store(path) as store:
            store.ingest(sample_files("2013-2017")[5:7], jobs=1)
        _assert_cannot_write(err, path)
        assert "nothing" in err.value.message
    assert _rows(folder / "store.duckdb") == before


def test_read_only_store_without_a_mount(good_store, tmp_path, monkeypatch):
    """What a non-root user sees for a store file without write permission (simulated)."""
    path = tmp_path / "store.duckdb"
    path.write_bytes(good_store)
    connect = duckdb.connect

    def no_write(database, read_only=False, **kw):
        if not read_only:
            raise duckdb.IOException(f'IO Error: Cannot open file "{database}": '
                                     "Permission denied")
        return connect(database, read_only=read_only, **kw)

    monkeypatch.setattr(duckdb, "connect", no_write)
    with pytest.raises(StoreError) as err:
        Store(path)
    _assert_cannot_write(err, path)
    with Store(path, read_only=True) as store:
        assert len(store.table("submissions")) == 3
    assert path.read_bytes() == good_store


# --------------------------------------------------------------------------- CLI


def test_cli_prints_one_message_per_fault(good_store, tmp_path):
    from octasee.workspace import create_workspace

    ws = create_workspace(tmp_path / "ws", cycle="2013-2017")
    ws.store_path.write_bytes(b"not a database\n" * 50)
    runner = CliRunner()
    for args in (["status"], ["ingest", str(sample_files("2013-2017")[0])]):
        res = runner.invoke(main, [*args, "--workspace", str(ws.path)],
                            catch_exceptions=False)
        assert res.exit_code == 1, res.output
        lines = [ln for ln in res.output.splitlines() if ln.strip()]
        assert len(lines) == 1 and lines[0].startswith("Error: "), res.output
        assert "not a readable octasee store" in lines[0]
    # the installed command, in its own process
    exe = Path(sys.executable).with_name("octasee")
    if exe.exists():
        run = subprocess.run([str(exe), "status", "--workspace", str(ws.path)],
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
        assert "not a readable octasee store" in run.stderr


# --------------------------------------------------------------------------- workers


def _crash_reading(monkeypatch, label: str, how: str) -> None:
    real = store_module.read_questionnaire

    def read(source, **kw):
        if source.label == label:
            if how == "abort":  # as python-calamine did on a stray cell
                resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core file
                faulthandler.disable()  # no stack dump from pytest's handler
                os.abort()
            raise RuntimeError("stray cell")
        return real(source, **kw)

    monkeypatch.setattr(store_module, "read_questionnaire", read)


@pytest.mark.parametrize(("how", "jobs", "which"), [
    ("abort", 2, 1), ("abort", 2, 4), ("abort", 3, 0), ("raise", 2, 2), ("raise", 1, 2)])
def test_a_file_that_kills_its_reader_is_refused_and_the_rest_stored(
        how, jobs, which, monkeypatch, tmp_path):
    files = sample_files("2013-2017")[:5]
    bad = files[which].name
    _crash_reading(monkeypatch, bad, how)
    path = tmp_path / "store.duckdb"
    with Store(path) as store:
        report = store.ingest(files, jobs=jobs)
    outcomes = {r.label: r.outcome for r in report.results}
    assert [r.label for r in report.results] == [f.name for f in files]
    assert outcomes.pop(bad) == "refused" and set(outcomes.values()) == {"accepted"}
    refused = next(r for r in report.results if r.label == bad)
    assert bad in refused.message and "octasee maintainers" in refused.message
    if how == "abort":
        assert "crashed the reader" in refused.message
    assert report.exit_code == 1
    rows = _rows(path)
    assert len(rows["submissions"]) == 4
    log = duckdb.connect(str(path), read_only=True).execute(
        "SELECT source_label, outcome FROM ingest_log ORDER BY log_id").fetchall()
    assert dict(log)[bad] == "refused" and len(log) == 5


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize(("sig", "group"), [
    (signal.SIGKILL, False), (signal.SIGTERM, False), (signal.SIGINT, False),
    (signal.SIGINT, True)], ids=["kill-9", "SIGTERM", "SIGINT", "Ctrl-C"])
def test_no_worker_outlives_an_interrupted_ingest(sig, group, tmp_path):
    """Ctrl-C in a terminal signals the whole process group, workers included."""
    from octasee.workspace import create_workspace

    ws = create_workspace(tmp_path / "ws", cycle="2013-2017")
    _seed(ws.store_path)
    before = _rows(ws.store_path)
    files = [str(f) for f in sample_files("2013-2017")[1:6]]
    proc = subprocess.Popen([sys.executable, str(SCRIPT), str(ws.path), *files],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    err_lines: list[str] = []
    stored = threading.Event()

    def read_stderr():
        for line in proc.stderr:
            err_lines.append(line)
            if line.startswith("stored"):
                stored.set()

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    workers: list[int] = []
    try:
        assert stored.wait(120), "".join(err_lines)
        workers = _children(proc.pid)
        assert len(workers) == 2, workers
        if group:
            os.killpg(proc.pid, sig)
        else:
            os.kill(proc.pid, sig)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 5
        while any(map(_alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(map(_alive, workers)), "workers outlived the ingest"
        reader.join(10)
        if sig != signal.SIGKILL:
            text = "".join(err_lines)
            assert proc.returncode == (143 if sig == signal.SIGTERM else 130), text
            assert "interrupted" in text and "Traceback" not in text, text
    finally:
        for pid in [proc.pid, *workers]:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        proc.wait()
    assert _rows(ws.store_path) == before


# --------------------------------------------------------------------------- invariant


def _off_by_one(monkeypatch, column: str, also: str | None = None) -> None:
    real = store_module.validate

    def validate(raw):
        v = real(raw)
        if v.label != "RS.xlsx":
            return v
        counts = v.counts.copy()
        i = counts.index[counts["key"] == "indicators"][0]
        for c in filter(None, (column, also)):
            counts.loc[i, c] += 1
        v.counts = counts
        return v

    monkeypatch.setattr(store_module, "validate", validate)


@pytest.mark.parametrize("case", ["accepted", "quarantined", "quarantine rows"])
def test_ingest_rolls_back_when_its_counts_do_not_add_up(case, monkeypatch, tmp_path,
                                                         make_workbook, valid_rows):
    path = tmp_path / "store.duckdb"
    _seed(path)
    before = _rows(path)
    valid_rows["indicators"][0]["year"] = 2030  # one quarantined row
    wb = make_workbook(valid_rows)
    if case == "accepted":  # one row more accepted (and read) than was stored
        _off_by_one(monkeypatch, "accepted", "read")
    elif case == "quarantined":  # read != accepted + quarantined
        _off_by_one(monkeypatch, "quarantined")
    else:  # a quarantined row that never reached the quarantine table
        append = Store._append

        def lose_one(self, table, df, ids):
            return append(self, table, df.iloc[:-1] if table == "quarantine" else df, ids)

        monkeypatch.setattr(Store, "_append", lose_one)
    with Store(path) as store, pytest.raises(StoreError) as err:
        store.ingest([sample_files("2013-2017")[3], wb], jobs=1)
    msg = err.value.message
    _one_line(msg)
    assert "RS.xlsx" in msg and "'Indicators'" in msg, msg
    assert "bug in octasee" in msg and "nothing was stored" in msg, msg
    assert _rows(path) == before
