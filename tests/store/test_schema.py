"""The store's schema comes from every cycle of the questionnaire spec; its version is
checked on open; an older store is migrated in place on its first write-open, a newer one
refused by name (issue 15, part 6)."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import logging
import re
from pathlib import Path

import duckdb
import pytest

import octasee.store as store_module
from octasee.errors import StoreError
from octasee.questionnaire import spec as spec_module
from octasee.questionnaire.template import write_template
from octasee.samples import sample_files
from octasee.store import SCHEMA_VERSION, Store


def _columns(path: Path, table: str) -> list[str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return [r[0] for r in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ? "
            "AND database_name = current_database() ORDER BY column_index", [table]).fetchall()]
    finally:
        con.close()


def _meta(path: Path) -> dict[str, str]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return dict(con.execute("SELECT key, value FROM meta").fetchall())
    finally:
        con.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _hand_made_store(path: Path, *, version: str, without: tuple[str, ...] = ()) -> None:
    """A store as an older (or newer) octasee left it: its tables made by hand, some
    columns missing, no snapshot beside it, and a schema tag this octasee never wrote."""
    sql = store_module._schema()
    for column in without:
        sql, n = re.subn(rf"\b{column} VARCHAR,\s*", "", sql)
        assert n == 1, column
    con = duckdb.connect(str(path))
    con.execute(sql)
    con.execute("INSERT INTO meta VALUES ('schema_version', ?), ('schema', ?)",
                [version, f"{version}:0123456789abcdef"])
    con.close()


def _forget_spec() -> None:
    spec_module.spec_for.cache_clear()
    for f in vars(store_module).values():
        if callable(getattr(f, "cache_clear", None)):
            f.cache_clear()


@pytest.fixture
def spec_with_new_columns(monkeypatch):
    """The spec as a later release may have it: a group attribute and a route column that
    are first asked in the 2018-2022 cycle."""
    raw = copy.deepcopy(spec_module._raw())
    sheets = {s["key"]: s for s in raw["sheets"]}
    groups = sheets["groups"]["columns"]
    at = next(i for i, c in enumerate(groups) if c.get("key") == "counter_measures") + 1
    groups.insert(at, {"key": "cyber_capability", "label": "Cyber capability",
                       "kind": "attribute", "group": "socta", "since": "2018-2022"})
    routes = sheets["routes"]["columns"]
    at = next(i for i, c in enumerate(routes) if c.get("key") == "modus_operandi") + 1
    routes.insert(at, {"key": "vessel", "label": "Vessel or vehicle", "kind": "text",
                       "required": False, "since": "2018-2022",
                       "description": "What carried the goods."})
    monkeypatch.setattr(spec_module, "_raw", lambda: raw)
    _forget_spec()
    yield
    monkeypatch.undo()
    _forget_spec()


# --------------------------------------------------------------------------- from the spec


def test_the_schema_has_the_columns_of_every_cycle(tmp_path):
    from octasee.questionnaire.spec import spec_for
    from octasee.reference import cycles

    path = tmp_path / "store.duckdb"
    Store(path).close()
    have = set(_columns(path, "ocgs"))
    for c in cycles():
        assert set(spec_for(c.code).attributes()) <= have, c.code
        for key, table in store_module.TABLE_OF_SHEET.items():
            want = {col.key for col in spec_for(c.code).sheet(key).columns}
            if table == "indicators":  # the value is stored as value + unit (+ as reported)
                want -= {"value"}
            assert want <= set(_columns(path, table)), (c.code, table)


def test_a_column_the_spec_adds_in_a_later_cycle_reaches_the_store(
        spec_with_new_columns, tmp_path, valid_rows):
    # a new store has it
    path = tmp_path / "new.duckdb"
    Store(path).close()
    assert "cyber_capability" in _columns(path, "ocgs")
    assert "vessel" in _columns(path, "routes")
    # and a questionnaire of that cycle is stored with it
    rows = copy.deepcopy(valid_rows)
    rows["respondent"][0].update(cycle="2018-2022", submission_date="15.03.2023")
    for r in rows["indicators"]:
        r["year"] += 5
    rows["routes"][0].update(year=2022, vessel="Lorry, Bulgarian plates")
    rows["groups"][0]["cyber_capability"] = "high"
    wb = write_template("2018-2022", "RS", tmp_path / "RS.xlsx", rows=rows,
                        issued=dt.date(2023, 1, 10))
    with Store(path) as store:
        report = store.ingest([wb], jobs=1)
        assert [r.outcome for r in report.results] == ["accepted"], report.summary()
        assert store.query("SELECT vessel FROM routes").iat[0, 0] == "Lorry, Bulgarian plates"
        assert store.query("SELECT cyber_capability FROM ocgs").iat[0, 0] is not None


def test_a_store_made_before_the_spec_grew_gains_the_columns(tmp_path, caplog, monkeypatch):
    path = tmp_path / "store.duckdb"
    with Store(path) as store:  # made with today's spec, and one submission
        store.ingest(sample_files("2013-2017")[:1], jobs=1)
    raw = copy.deepcopy(spec_module._raw())
    groups = next(s for s in raw["sheets"] if s["key"] == "groups")["columns"]
    groups.append({"key": "cyber_capability", "label": "Cyber capability",
                   "kind": "attribute", "group": "socta", "since": "2018-2022"})
    monkeypatch.setattr(spec_module, "_raw", lambda: raw)
    _forget_spec()
    try:
        with caplog.at_level(logging.INFO, logger="octasee.store"), Store(path) as store:
            assert "cyber_capability" in store.table("ocgs").columns
            assert len(store.table("ocgs")) > 0  # the rows stayed
        assert "ocgs.cyber_capability" in caplog.text and str(path) in caplog.text
    finally:
        monkeypatch.undo()
        _forget_spec()


# --------------------------------------------------------------------------- versions


def test_an_older_store_is_migrated_on_its_first_write_open(tmp_path, caplog):
    path = tmp_path / "store.duckdb"
    _hand_made_store(path, version="1", without=("counter_measures", "specialisation"))
    before = _digest(path)
    # reading it changes nothing and works (the new columns are not there yet)
    with Store(path, read_only=True) as store:
        assert "counter_measures" not in store.table("ocgs").columns
    assert _digest(path) == before
    with caplog.at_level(logging.INFO, logger="octasee.store"), Store(path) as store:
        report = store.ingest(sample_files("2013-2017")[:2], jobs=1)
        assert {r.outcome for r in report.results} <= {"accepted", "partial"}
        filled = store.query("SELECT count(counter_measures) FROM ocgs").iat[0, 0]
        assert filled > 0
    text = caplog.text
    assert str(path) in text, text
    assert "ocgs.counter_measures" in text and "ocgs.specialisation" in text, text
    assert {"counter_measures", "specialisation"} <= set(_columns(path, "ocgs"))
    assert _meta(path)["schema_version"] == str(SCHEMA_VERSION)
    assert _meta(path)["schema"] == store_module._schema_tag()
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="octasee.store"):
        Store(path).close()  # nothing left to migrate: nothing said, nothing written
    assert "migrat" not in caplog.text.lower()


def test_a_failed_migration_leaves_the_store_as_it_was(tmp_path):
    path = tmp_path / "store.duckdb"
    _hand_made_store(path, version="1", without=("counter_measures",))
    con = duckdb.connect(str(path))  # something in the way of the migration's last step
    con.execute("DROP VIEW current_ocgs")
    con.execute("CREATE TABLE current_ocgs (note VARCHAR)")
    con.close()
    meta, columns = _meta(path), _columns(path, "ocgs")
    with pytest.raises(StoreError) as err:
        Store(path)
    assert str(path) in err.value.message
    assert _meta(path) == meta and _columns(path, "ocgs") == columns
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.duckdb"]


@pytest.mark.parametrize("with_snapshot", [False, True])
@pytest.mark.parametrize("read_only", [False, True], ids=["write", "read"])
def test_a_store_from_a_newer_octasee_is_refused_by_name(tmp_path, read_only, with_snapshot):
    path = tmp_path / "store.duckdb"
    _hand_made_store(path, version=str(SCHEMA_VERSION + 1))
    if with_snapshot:  # as the newer octasee leaves it
        (tmp_path / "store.snapshot.duckdb").write_bytes(path.read_bytes())
    before = _digest(path)
    with pytest.raises(StoreError) as err:
        Store(path, read_only=read_only)
    msg = err.value.message
    assert "\n" not in msg and str(path) in msg, msg
    assert "newer" in msg and "upgrade octasee" in msg, msg
    assert _digest(path) == before
