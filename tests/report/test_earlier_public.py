"""A public edition is audited against the public editions of earlier drafts: the draft
keeps what its public edition showed, and a later draft's release check stops when the
two together give a withheld figure back (a resubmission that marks a printed cell not
for dissemination, for one)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from octasee.chapters.disclosure import EARLIER_ENV
from octasee.errors import DisclosureError
from octasee.questionnaire.template import write_template
from octasee.report.build import Executed, check, configure, plan
from octasee.report.drafts import VIEW_RECORD
from octasee.store import Store
from octasee.workspace import find_workspace

from .conftest import BUILD_DATE, _assessment, _indicator, _respondent, fixture_chapters


def _record(build) -> Path:
    return build.version.folder / "public" / VIEW_RECORD


def test_the_draft_keeps_what_its_public_edition_showed(public_build):
    path = _record(public_build)
    entries = json.loads(path.read_text("utf-8"))["entries"]
    al = [e for e in entries if e["kind"] == "cell" and e["country"] == "AL"
          and e["indicator"] == "arrests" and e["crime_area"] == "cannabis"]
    assert {(e["year"], e["published"]) for e in al} == {(2016, 30.0), (2017, 33.0)}
    hr = next(e for e in entries if e["kind"] == "cell" and e["country"] == "HR")
    assert hr["status"] == "primary" and hr["published"] is None  # not for dissemination
    # kept in the restricted workspace only: nothing of it beside the public edition
    assert not list(public_build.out.rglob(VIEW_RECORD))


@pytest.fixture
def resubmitted(public_build, workspace: Path, tmp_path: Path) -> Path:
    """A copy of the workspace, its drafts included, where Albania resubmitted its
    questionnaire with its 2017 cannabis arrests (printed as 33 in the public edition of
    the draft) now marked not for dissemination, the figure unchanged."""
    target = tmp_path / "ws"
    shutil.copytree(workspace, target, ignore=shutil.ignore_patterns(".octasee-cache"))
    rows = {"respondent": _respondent("Albania", agency="State Police",
                                      dissemination="public"),
            "indicators": [_indicator("cannabis", "arrests", 2016, 30),
                           _indicator("cannabis", "arrests", 2017, 33,
                                      not_for_dissemination="yes")],
            "assessments": [_assessment("cannabis", "Cannabis is grown in the south.")]}
    f = write_template("2013-2017", "AL", tmp_path / "AL-2.xlsx", rows=rows,
                       issued=dt.date(2018, 1, 10))
    with Store(find_workspace(str(target)).store_path) as store:
        report = store.ingest([f], jobs=1)
    assert report.exit_code == 0, report.summary().to_string()
    return target


def test_withholding_a_figure_an_earlier_public_edition_printed_stops_the_build(
        public_build, resubmitted, tmp_path):
    options = configure(workspace=resubmitted, variant="public", formats=("html",),
                        chapters=fixture_chapters(), out=tmp_path / "out",
                        build_date=BUILD_DATE)
    p = plan(options)
    assert p.version.number > public_build.version.number  # a new draft
    label = f"the public edition of {public_build.version.label}"
    assert [lbl for lbl, _ in p.earlier] == [label]
    # the chapter kernels make the view the check audits: they are told what it showed
    env = p.runs[0].task.env
    assert Path(env[EARLIER_ENV]).is_file()
    with pytest.raises(DisclosureError) as exc:
        check(Executed(plan=p, runs=(), notebooks={}))
    msg = str(exc.value)
    assert f"{label} printed AL 2017" in msg
    assert "cannot take it back" in msg and "view.json" in msg
    report = json.loads((options.out / f"{options.stem}.output-check.json").read_text())
    assert report["verdict"] == "do not release"
    assert report["totals"]["earlier public editions audited against"] == [label]


def test_without_the_earlier_record_the_same_build_passes(public_build, resubmitted,
                                                          tmp_path):
    # What the audit adds: forget what Draft 1 showed, and the same inputs pass (the
    # report then says which earlier edition it could not take into account).
    rec = (resubmitted / "drafts" / "2013-2017" / public_build.version.folder.name
           / "public" / VIEW_RECORD)
    rec.unlink()
    options = configure(workspace=resubmitted, variant="public", formats=("html",),
                        chapters=fixture_chapters(), out=tmp_path / "out",
                        build_date=BUILD_DATE)
    p = plan(options)
    assert p.earlier == () and p.earlier_unrecorded == (public_build.version.label,)
    checked = check(Executed(plan=p, runs=(), notebooks={}))
    assert checked is not None and checked.ok
    report = json.loads(checked.json.read_text())
    key = ("earlier public editions not audited against (no record of what they showed)")
    assert report["totals"][key] == [public_build.version.label]
