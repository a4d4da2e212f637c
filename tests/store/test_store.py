"""The cycle store: provenance, idempotent ingest, supersession, atomicity, status."""

from __future__ import annotations

import hashlib

import pytest

from octasee.store import Store


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_ingest_keeps_provenance_and_never_touches_sources(make_workbook, tmp_path):
    wb = make_workbook()
    before = _digest(wb)
    store = Store(tmp_path / "ws" / "store.duckdb")
    report = store.ingest([wb], jobs=1)
    assert _digest(wb) == before
    assert report.exit_code == 0 and report.results[0].outcome == "accepted"
    rows = store.query("SELECT * FROM current_indicators ORDER BY src_row")
    assert list(rows["src_row"]) == [2, 3, 4, 5, 6, 7]
    assert set(rows["src_file"]) == {"RS.xlsx"} and set(rows["src_sheet"]) == {"Indicators"}
    assert set(rows["country"]) == {"RS"} and set(rows["cycle"]) == {"2013-2017"}
    log = store.query("SELECT * FROM ingest_log")
    assert log.loc[0, "file_sha256"] == before and log.loc[0, "file_size"] == wb.stat().st_size
    assert (log.loc[0, "rows_read"], log.loc[0, "rows_accepted"]) == (11, 11)
    sub = store.table("submissions").iloc[0]
    assert (sub["agency"], str(sub["submission_date"])[:10]) == (
        "Ministry of Interior, Criminal Police Directorate", "2018-03-15")


def test_same_file_again_changes_nothing(make_workbook, tmp_path):
    wb = make_workbook()
    store = Store(tmp_path / "store.duckdb")
    store.ingest([wb], jobs=1)
    snapshot = {t: store.query(f"SELECT * FROM {t}").to_csv() for t in
                ("submissions", "indicators", "ocgs", "routes", "assessments", "quarantine",
                 "problems", "ingest_log")}
    again = store.ingest([wb], jobs=1)
    assert again.results[0].outcome == "unchanged" and again.exit_code == 0
    for t, before in snapshot.items():
        assert store.query(f"SELECT * FROM {t}").to_csv() == before, t


def test_resubmission_supersedes_and_history_stays(make_workbook, tmp_path, valid_rows):
    store = Store(tmp_path / "store.duckdb")
    first = store.ingest([make_workbook(name="RS-v1.xlsx")], jobs=1).results[0]
    valid_rows["indicators"][2]["value"] = 55
    second = store.ingest([make_workbook(valid_rows, name="RS-v2.xlsx")], jobs=1).results[0]
    assert second.supersedes == first.submission_id
    hist = store.history("RS")
    assert list(hist["status"]) == ["superseded", "current"]
    assert hist.loc[0, "superseded_by"] == second.submission_id
    arrests = store.query("SELECT value FROM current_indicators WHERE indicator = 'arrests'")
    assert list(arrests["value"]) == [55]
    old = store.query("SELECT value FROM indicators WHERE indicator = 'arrests' "
                      "AND submission_id = ?", [first.submission_id])
    assert list(old["value"]) == [41]


def test_failure_midway_leaves_store_as_it_was(make_workbook, tmp_path, monkeypatch):
    store = Store(tmp_path / "store.duckdb")
    store.ingest([make_workbook(name="a.xlsx")], jobs=1)
    before = {t: store.query(f"SELECT count(*) FROM {t}").iat[0, 0]
              for t in ("submissions", "indicators", "ocgs", "ingest_log")}
    original = Store._ingest_one
    calls = {"n": 0}

    def flaky(self, source, checked):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        return original(self, source, checked)

    monkeypatch.setattr(Store, "_ingest_one", flaky)
    hr = make_workbook(name="hr.xlsx", country="HR",
                       rows={"respondent": [{"country": "HR", "cycle": "2013-2017",
                                             "agency": "MUP", "submission_date": "2018-03-01",
                                             "dissemination": "restricted"}]})
    with pytest.raises(OSError, match="disk full"):
        store.ingest([make_workbook(name="b.xlsx"), hr], jobs=1)
    after = {t: store.query(f"SELECT count(*) FROM {t}").iat[0, 0] for t in before}
    assert after == before


def test_quarantine_and_exit_code(make_workbook, tmp_path, valid_rows):
    valid_rows["indicators"][0]["year"] = 2030
    store = Store(tmp_path / "store.duckdb")
    report = store.ingest([make_workbook(valid_rows)], jobs=1)
    r = report.results[0]
    assert (r.outcome, r.rows_read, r.rows_accepted, r.rows_quarantined) == ("partial", 11, 10, 1)
    assert report.exit_code == 1
    q = store.query("SELECT * FROM quarantine")
    assert (q.loc[0, "sheet"], q.loc[0, "src_row"]) == ("Indicators", 2)
    assert "year outside the cycle" in q.loc[0, "reasons"]


def test_refused_file_is_logged(tmp_path):
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really")
    store = Store(tmp_path / "store.duckdb")
    report = store.ingest([bad], jobs=1)
    assert report.results[0].outcome == "refused" and report.exit_code == 1
    assert store.query("SELECT count(*) FROM submissions").iat[0, 0] == 0
    assert store.query("SELECT outcome FROM ingest_log").iat[0, 0] == "refused"


def test_parallel_and_serial_ingest_store_the_same(make_workbook, tmp_path, valid_rows):
    files = [make_workbook(name="RS.xlsx")]
    hr = dict(valid_rows)
    hr["respondent"] = [dict(valid_rows["respondent"][0], country="Croatia")]
    files.append(make_workbook(hr, name="HR.xlsx", country="HR"))
    a = Store(tmp_path / "a.duckdb")
    b = Store(tmp_path / "b.duckdb")
    a.ingest(files, jobs=1)
    b.ingest(files, jobs=2)
    q = "SELECT country, indicator, year, value, src_row FROM indicators ORDER BY ALL"
    assert a.query(q).equals(b.query(q))


def test_status_and_response_rate(make_workbook, tmp_path):
    import datetime as dt

    store = Store(tmp_path / "store.duckdb")
    store.ingest([make_workbook()], jobs=1)
    status = store.status(deadlines={"2013-2017": dt.date(2018, 3, 1)})
    rs = status.set_index("country").loc["RS"]
    assert (rs["submissions"], rs["rows"], rs["late"], rs["state"]) == (1, 11, "late", "late")
    assert status.set_index("country").loc["AL", "state"] == "missing"
    rate = store.response_rate()
    assert (rate.loc[0, "answered"], rate.loc[0, "expected"]) == (1, 13)


def test_public_variant_leaves_out_what_is_not_for_dissemination(make_workbook, tmp_path):
    store = Store(tmp_path / "store.duckdb")
    store.ingest([make_workbook()], jobs=1)
    restricted = store.table("indicators")
    public = store.table("indicators", variant="public")
    assert len(restricted) == 6 and len(public) == 5
    assert "ml_amount" not in set(public["indicator"])
    assert "contact_email" not in store.table("submissions", variant="public").columns
    with pytest.raises(Exception, match="restricted"):
        store.table("quarantine", variant="public")


def test_submission_marked_not_for_dissemination_is_left_out_whole(make_workbook, tmp_path,
                                                                   valid_rows):
    valid_rows["respondent"][0]["dissemination"] = "Not for dissemination"
    store = Store(tmp_path / "store.duckdb")
    store.ingest([make_workbook(valid_rows)], jobs=1)
    assert len(store.table("indicators")) == 6
    for t in ("indicators", "ocgs", "routes", "assessments", "submissions"):
        assert store.table(t, variant="public").empty, t
