"""``octasee status`` lists every expected country of the workspace's cycle, with its state,
even before anything was ingested; it shows the deadline or says that none is set
(issue 15, part 4a)."""

from __future__ import annotations

import datetime as dt
import re

from click.testing import CliRunner

from octasee.cli import main
from octasee.reference import MEMBER_CODES
from octasee.samples import sample_files
from octasee.store import Store
from octasee.workspace import create_workspace


def _status(ws) -> str:
    res = CliRunner().invoke(main, ["status", "--workspace", str(ws.path)],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return res.output


def _rows(out: str, state: str) -> list[str]:
    """The codes of the table rows whose state is ``state``."""
    return [m[1] for m in re.finditer(rf"^\W*([A-Z]{{2}})\b.*\b{state}\b", out, re.M)]


def _without_deadline(ws):
    cfg = ws.path / "octasee.toml"
    text = cfg.read_text("utf-8")
    cfg.write_text(re.sub(r"(?m)^deadline = .*\n", "", text), "utf-8")
    from octasee.workspace import find_workspace

    return find_workspace(ws.path)


def test_a_fresh_workspace_lists_every_expected_country_as_awaited(tmp_path):
    ws = _without_deadline(create_workspace(tmp_path / "ws", cycle="2018-2022"))
    assert ws.deadline() is None
    for made in (False, True):  # before and after `octasee init` made the empty store
        if made:
            Store(ws.store_path).close()
        out = _status(ws)
        assert sorted(_rows(out, "awaited")) == sorted(MEMBER_CODES), out
        assert "no deadline set" in out
        assert not _rows(out, "overdue") and not _rows(out, "late")
        assert "response rate 2018-2022: 0 of 13" in out


def test_a_passed_deadline_makes_every_missing_country_overdue(tmp_path):
    ws = create_workspace(tmp_path / "ws", cycle="2018-2022")  # due 31 March 2023
    Store(ws.store_path).close()
    out = _status(ws)
    assert "deadline 2023-03-31" in out
    assert sorted(_rows(out, "overdue")) == sorted(MEMBER_CODES), out
    assert not _rows(out, "awaited")


def test_a_future_deadline_leaves_them_awaited(tmp_path):
    ws = create_workspace(tmp_path / "ws", cycle="2018-2022", deadline=dt.date(2099, 3, 31),
                          expected=["RS", "HR", "AL"])
    out = _status(ws)
    assert sorted(_rows(out, "awaited")) == ["AL", "HR", "RS"], out
    assert "deadline 2099-03-31" in out and not _rows(out, "overdue")


def test_status_api_lists_an_empty_cycle(tmp_path):
    with Store(tmp_path / "store.duckdb") as store:
        store.ingest(sample_files("2013-2017")[:1], jobs=1)
        empty = store.status(cycle="2018-2022", expected=["AL", "RS"], deadlines={})
        assert list(empty["country"]) == ["AL", "RS"]
        assert set(empty["state"]) == {"awaited"} and set(empty["cycle"]) == {"2018-2022"}
        assert empty["deadline"].isna().all()
        due = store.status(cycle="2018-2022", expected=["AL", "RS"],
                           deadlines={"2018-2022": dt.date(2023, 3, 31)},
                           today=dt.date(2023, 1, 1))
        assert set(due["state"]) == {"awaited"} and set(due["deadline"]) == {"2023-03-31"}
        late = store.status(cycle="2018-2022", expected=["AL", "RS"],
                            deadlines={"2018-2022": dt.date(2023, 3, 31)},
                            today=dt.date(2023, 4, 1))
        assert set(late["late"]) == {"overdue"}
        # the cycle that has a submission: AL returned it, the others are awaited
        both = store.status(expected=["AL", "RS"])
        assert set(both["cycle"]) == {"2013-2017"}
        states = dict(zip(both["country"], both["state"], strict=True))
        assert states["AL"] in ("returned", "quarantined rows", "partial") and \
            states["RS"] == "awaited"
