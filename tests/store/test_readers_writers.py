"""Readers never block writers (issue 15, part 2).

A chapter kernel, ``octasee.open_store()`` and ``octasee status`` read the store without
holding a lock that stops ``octasee ingest``; the next run of a chapter sees what was
ingested meanwhile, and no reader ever sees half an ingest.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from octasee.errors import StoreError
from octasee.samples import sample_files, samples_dir
from octasee.store import Store
from octasee.workspace import open_store

RESUBMISSION = samples_dir() / "2013-2017" / "resubmissions" / "HR_correction.xlsx"
OCTASEE = Path(sys.executable).with_name("octasee")


def _octasee(*args: str | Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """The installed command, in its own process (another program than the reader)."""
    cmd = [str(OCTASEE)] if OCTASEE.exists() else [sys.executable, "-m", "octasee.cli"]
    return subprocess.run([*cmd, *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, check=False)


@pytest.fixture
def workspace(sample_workspace, tmp_path):
    """A temporary copy of the sample workspace (both sample cycles ingested)."""
    dest = tmp_path / "ws"
    shutil.copytree(sample_workspace.path, dest)
    from octasee.workspace import find_workspace

    return find_workspace(dest)


@contextlib.contextmanager
def _kernel():
    """A real Jupyter kernel, as JupyterLab runs a chapter; yields run(code) -> stdout."""
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3")

    def run(code: str) -> str:
        out: list[str] = []
        errors: list[str] = []

        def hook(msg):
            if msg["msg_type"] == "stream":
                out.append(msg["content"]["text"])
            elif msg["msg_type"] == "error":
                errors.append("\n".join(msg["content"]["traceback"]))

        reply = kc.execute_interactive(code, timeout=180, output_hook=hook)
        assert reply["content"]["status"] == "ok", "\n".join(errors)
        return "".join(out)

    try:
        yield run
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def _current_hr(run) -> str:
    return run("print(json.dumps(ch.store.query(\"SELECT submission_id, source_label FROM "
               "current_submissions WHERE country = 'HR' AND cycle = '2013-2017'\")"
               ".values.tolist()))")


def test_ingest_while_a_chapter_kernel_reads_and_the_next_run_sees_it(workspace):
    with _kernel() as run:
        run(f"import json, octasee\nfrom octasee.chapters import open_chapter\n"
            f"ws = {str(workspace.path)!r}\n"
            f"ch = open_chapter('01', 'Overview', workspace=ws, cycle='2013-2017')\n"
            f"store = octasee.open_store(ws)\n"
            f"n = int(store.query('SELECT count(*) FROM submissions').iat[0, 0])")
        before = json.loads(_current_hr(run))
        assert [label for _, label in before] == ["HR.xlsx"]

        # the chapter and open_store() stay open while the analyst ingests
        res = _octasee("ingest", RESUBMISSION, "--workspace", workspace.path)
        assert res.returncode == 0, res.stdout + res.stderr
        assert "supersedes submission" in res.stdout

        # the open objects keep what they had: never half an ingest
        assert json.loads(_current_hr(run)) == before
        # the next run of the chapter (it opens the store again) sees the new submission
        run("ch = open_chapter('01', 'Overview', workspace=ws, cycle='2013-2017')")
        after = json.loads(_current_hr(run))
        assert [label for _, label in after] == ["HR_correction.xlsx"]
        assert after[0][0] > before[0][0]
        out = run("store = octasee.open_store(ws)\n"
                  "print(int(store.query('SELECT count(*) FROM submissions').iat[0, 0]) - n)")
        assert out.strip() == "1"
        # status works while the kernel holds its stores
        res = _octasee("status", "--workspace", workspace.path)
        assert res.returncode == 0, res.stdout + res.stderr


HOLD_WRITER = """
import sys, time
from octasee.store import Store
store = Store(sys.argv[1])
print("holding", flush=True)
time.sleep(120)
"""


def test_status_works_while_a_writer_holds_the_store(workspace):
    holder = subprocess.Popen([sys.executable, "-c", HOLD_WRITER, str(workspace.store_path)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding", holder.stderr.read()
        res = _octasee("status", "--workspace", workspace.path)
        assert res.returncode == 0, res.stdout + res.stderr
        assert "response rate 2013-2017: 13 of 13" in res.stdout
        with Store(workspace.store_path, read_only=True) as store:
            assert int(store.query("SELECT count(*) FROM submissions").iat[0, 0]) == 26
    finally:
        holder.kill()
        holder.wait()


def test_open_store_reads_by_default_and_writes_when_asked(workspace):
    store = open_store(workspace.path)
    try:
        assert store.read_only
        with pytest.raises(duckdb.Error):
            store.query("DELETE FROM submissions")
        # a writer can open (and ingest) while this reader is open
        with open_store(workspace.path, write=True) as writer:
            assert not writer.read_only
            report = writer.ingest([RESUBMISSION], jobs=1)
            assert [r.outcome for r in report.results] == ["accepted"]
        assert int(store.query("SELECT count(*) FROM submissions").iat[0, 0]) == 26
    finally:
        store.close()
    with open_store(workspace.path) as again:
        assert int(again.query("SELECT count(*) FROM submissions").iat[0, 0]) == 27
    # the keyword the fixture notebooks use still works
    with open_store(workspace.path, read_only=True) as old_style:
        assert old_style.read_only
    with pytest.raises(Exception, match="write"):
        open_store(workspace.path, write=True, read_only=True)


def test_a_reader_opened_during_an_ingest_sees_the_store_as_it_was(workspace, monkeypatch):
    seen: list[int] = []
    ingest_one = Store._ingest_one

    def peek(self, source, checked):
        result = ingest_one(self, source, checked)
        with Store(self.path, read_only=True) as reader:  # while the transaction is open
            seen.append(int(reader.query("SELECT count(*) FROM submissions").iat[0, 0]))
        return result

    monkeypatch.setattr(Store, "_ingest_one", peek)
    with Store(workspace.store_path) as writer:
        writer.ingest([RESUBMISSION, *sample_files("2013-2017")[:1]], jobs=1)
    assert seen == [26, 26]
    with Store(workspace.store_path, read_only=True) as reader:
        assert int(reader.query("SELECT count(*) FROM submissions").iat[0, 0]) == 27


READ_AND_HOLD = """
import sys, time
from octasee.store import Store
store = Store(sys.argv[1], read_only=True)
print(int(store.query("SELECT count(*) FROM submissions").iat[0, 0]), flush=True)
time.sleep(120)
"""


def test_a_store_without_a_snapshot_is_read_and_then_blocks_nobody(workspace):
    """A store written by an older octasee has no snapshot: the first reader makes it."""
    for leftover in workspace.path.glob("store.snapshot*"):
        leftover.unlink()
    reader = subprocess.Popen([sys.executable, "-c", READ_AND_HOLD, str(workspace.store_path)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "26", reader.stderr.read()
        res = _octasee("ingest", RESUBMISSION, "--workspace", workspace.path)
        assert res.returncode == 0, res.stdout + res.stderr
    finally:
        reader.kill()
        reader.wait()


def test_the_report_fingerprint_is_that_of_what_readers_read(workspace):
    """The build hashes the store's content (report.cache.store_fingerprint): the snapshot
    the chapters read holds the same content as the store, so the hash is unchanged by it."""
    from octasee.report.cache import store_fingerprint

    snapshot = Store(workspace.store_path, read_only=True)
    try:
        opened = Path(snapshot.file)
    finally:
        snapshot.close()
    assert opened != workspace.store_path and opened.parent == workspace.path
    assert store_fingerprint(opened) == store_fingerprint(workspace.store_path)
    with Store(workspace.store_path) as writer:
        writer.ingest([RESUBMISSION], jobs=1)
    assert store_fingerprint(opened) == store_fingerprint(workspace.store_path)


def test_a_damaged_snapshot_is_not_trusted(workspace):
    with Store(workspace.store_path, read_only=True) as store:
        snapshot = Path(store.file)
    snapshot.write_bytes(b"not a database" * 100)
    with Store(workspace.store_path, read_only=True) as store:
        assert int(store.query("SELECT count(*) FROM submissions").iat[0, 0]) == 26
    with Store(workspace.store_path, read_only=True) as store:  # made again
        assert Path(store.file) == snapshot


def test_a_new_store_cannot_be_read_before_it_exists(tmp_path):
    with pytest.raises(StoreError, match="no store here yet"):
        Store(tmp_path / "store.duckdb", read_only=True)
    Store(tmp_path / "store.duckdb").close()
    with Store(tmp_path / "store.duckdb", read_only=True) as store:  # empty but readable
        assert store.query("SELECT count(*) FROM submissions").iat[0, 0] == 0


CRASH_AFTER_COMMIT = """
import os, sys
import octasee.store as store_module
store_module.Store._publish_quietly = lambda self: True  # dies before the snapshot
store = store_module.Store(sys.argv[1])
store.ingest([sys.argv[2]], jobs=1)
os._exit(0)  # and before the WAL is folded into the store
"""


def test_a_commit_left_in_the_wal_by_a_crash_reaches_readers_without_a_lock(workspace):
    wal = workspace.store_path.with_name("store.duckdb.wal")
    run = subprocess.run([sys.executable, "-c", CRASH_AFTER_COMMIT, str(workspace.store_path),
                          str(RESUBMISSION)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert wal.exists() and wal.stat().st_size, "the commit should wait in the WAL"
    store_bytes, wal_bytes = workspace.store_path.read_bytes(), wal.read_bytes()
    reader = subprocess.Popen([sys.executable, "-c", READ_AND_HOLD, str(workspace.store_path)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "27", reader.stderr.read()
        # the reader changed neither the store nor its WAL, and holds no lock on them
        assert workspace.store_path.read_bytes() == store_bytes
        assert wal.read_bytes() == wal_bytes
        res = _octasee("ingest", sample_files("2013-2017")[0], "--workspace", workspace.path)
        assert res.returncode == 0 and "unchanged" in res.stdout, res.stdout + res.stderr
    finally:
        reader.kill()
        reader.wait()
    with Store(workspace.store_path, read_only=True) as store:
        assert int(store.query("SELECT count(*) FROM submissions").iat[0, 0]) == 27
