"""The register across drafts: which judgements are agreed, in draft or stale ("evidence
changed since agreed"), what the drafts keep of findings and judgements, the build's
plan (register checked first, its state given to the chapters, its text part of the
draft and of every chapter's cache key), ``octasee diff`` and the changes annex, and the
``octasee judgements`` command.

Staleness is computed from two recorded drafts' snapshots, as the cycle test
(tests/test_cycle.py) sees it on the real chapters."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from octasee.analysis.findings import Finding, find
from octasee.analysis.register import REGISTER_NAME, STATE_ENV, read_register
from octasee.cli import main
from octasee.errors import ConfigError
from octasee.questionnaire.template import write_template
from octasee.report.build import configure, plan
from octasee.report.changes import annex_cells, as_text, compare, diff_versions
from octasee.report.drafts import DraftBook, snapshot
from octasee.report.judgements import register_state
from octasee.sdc import DisclosureRules
from octasee.store import Store
from octasee.workspace import Workspace

from .conftest import (
    CANARIES,
    COUNTRIES,
    _assessment,
    _indicator,
    _respondent,
    fixture_chapters,
)

HEROIN = "trend:heroin:heroin_seized"
CORRUPTION = "networks:corruption"


def _finding(key: str, **numbers: str) -> Finding:
    return Finding(key, key.split(":")[0], f"Title of {key}", f"What {key} shows.",
                   numbers, chapter="04")


def _register(tmp_path: Path, *entries: str) -> Path:
    body = "".join(entries)
    path = tmp_path / REGISTER_NAME
    path.write_text("judgements:\n" + body, "utf-8")
    return path


def _entry(ident: str, *evidence: str, state: str = "agreed", statement: str = "It holds.",
           extra: str = "") -> str:
    refs = "".join(f"      - {k}\n" for k in evidence)
    return (f"  - id: {ident}\n    chapter: \"04\"\n    statement: {statement}\n"
            f"    probability: likely\n    confidence: moderate\n"
            f"    horizon: the next cycle, 2018-2022\n    evidence:\n{refs}"
            f"    state: {state}\n{extra}")


def _record(book: DraftBook, inputs: str, findings: list[Finding], register=None,
            state=None):
    """Record a draft whose snapshot keeps ``findings`` and the register as it was."""
    from octasee.report.drafts import judgement_records

    version = book.plan(inputs, final=False)
    snap = {"submissions": [], "figures": {}, "findings": {
        f.key: {"digest": f.digest(), "numbers": dict(f.numbers), "title": f.title}
        for f in findings}, "judgements": judgement_records(register, state)}
    return book.save(version, variant="restricted", snap=snap, content={}, files=[],
                     build_date=dt.date(2018, 6, 30))


# --------------------------------------------------------------------------- staleness


def test_a_judgement_whose_finding_moved_since_agreed_is_stale(tmp_path):
    book = DraftBook(tmp_path, "2013-2017")
    reg = read_register(_register(tmp_path, _entry("KJ1", HEROIN),
                                  _entry("KJ2", CORRUPTION, "fig:trend:heroin:x"),
                                  _entry("KJ3", HEROIN, state="draft")))
    draft1 = [_finding(HEROIN, total="1,984"), _finding(CORRUPTION, share="96%")]
    v1 = _record(book, "inputs-1", draft1, reg)
    assert register_state(book, v1, reg, draft1).judgements["KJ1"].agreed_in == "Draft 1"

    # draft 2: a country corrected its heroin figures; the groups did not change
    now = [_finding(HEROIN, total="2,134"), _finding(CORRUPTION, share="96%"),
           _finding("routes:heroin", countries="5")]
    v2 = book.plan("inputs-2", final=False)
    state = register_state(book, v2, reg, now)
    kj1, kj2, kj3 = (state.judgements[k] for k in ("KJ1", "KJ2", "KJ3"))
    assert (kj1.state, kj1.agreed_in) == ("stale", "Draft 1")
    assert [m.as_dict() for m in kj1.moved] == [{
        "finding": HEROIN, "title": f"Title of {HEROIN}", "was": {"total": "1,984"},
        "now": {"total": "2,134"}}]
    assert kj1.moved[0].changes() == ["total: 1,984 → 2,134"]
    assert (kj2.state, kj2.agreed_in, kj2.moved) == ("agreed", "Draft 1", ())
    assert (kj3.state, kj3.agreed_in) == ("draft", None)
    assert state.uncovered == ("routes:heroin",)
    assert state.version == "Draft 2" and [s.id for s in state.stale()] == ["KJ1"]
    assert state.as_dict() == {
        "register": str(tmp_path / REGISTER_NAME), "version": "Draft 2",
        "judgements": {
            "KJ1": {"state": "stale", "agreed_in": "Draft 1", "moved": [{
                "finding": HEROIN, "title": f"Title of {HEROIN}",
                "was": {"total": "1,984"}, "now": {"total": "2,134"}}]},
            "KJ2": {"state": "agreed", "agreed_in": "Draft 1", "moved": []},
            "KJ3": {"state": "draft", "agreed_in": None, "moved": []}},
        "uncovered": ["routes:heroin"]}
    # the public edition's chapters learn nothing about findings or staleness
    assert state.public().as_dict()["judgements"]["KJ1"] == {
        "state": "agreed", "agreed_in": "Draft 1", "moved": []}
    assert state.public().uncovered == ()
    # a finding that is gone is a move too
    gone = register_state(book, v2, reg, now[1:])
    assert gone.judgements["KJ1"].moved[0].changes() == ["no longer found"]


def test_agreed_in_says_from_which_draft_the_evidence_is_compared(tmp_path):
    book = DraftBook(tmp_path, "2013-2017")
    first = read_register(_register(tmp_path, _entry("KJ1", HEROIN)))
    _record(book, "inputs-1", [_finding(HEROIN, total="1,984")], first)
    _record(book, "inputs-2", [_finding(HEROIN, total="2,134")], first)
    now = [_finding(HEROIN, total="2,134")]
    v3 = book.plan("inputs-3", final=False)
    # by default: the first draft it was agreed in, as it reads now (draft 1): stale
    assert register_state(book, v3, first, now).judgements["KJ1"].state == "stale"
    # the analyst reviewed it and says draft 2: nothing moved since
    reviewed = read_register(_register(tmp_path, _entry("KJ1", HEROIN,
                                                        extra="    agreed_in: draft 2\n")))
    s = register_state(book, v3, reviewed, now).judgements["KJ1"]
    assert (s.state, s.agreed_in) == ("agreed", "Draft 2")
    # this build's own draft
    own = read_register(_register(tmp_path, _entry("KJ1", HEROIN,
                                                   extra="    agreed_in: 3\n")))
    assert register_state(book, v3, own, now).judgements["KJ1"].agreed_in == "Draft 3"
    # a draft that does not exist: the file, the line, the drafts there are
    wrong = read_register(_register(tmp_path, _entry("KJ1", HEROIN,
                                                     extra="    agreed_in: draft 7\n")))
    with pytest.raises(ConfigError, match=r"judgements.yaml, line 11: judgement KJ1: "
                                          r"agreed_in names draft 7, which does not exist; "
                                          r"the drafts built so far: 1, 2; this build is "
                                          r"draft 3"):
        register_state(book, v3, wrong, now)
    # reworded since: agreed again as it now reads, in this build
    reworded = read_register(_register(tmp_path, _entry("KJ1", HEROIN,
                                                        statement="It holds still.")))
    s = register_state(book, v3, reworded, now).judgements["KJ1"]
    assert (s.state, s.agreed_in) == ("agreed", "Draft 3")
    # outside a build (octasee judgements): compared with the drafts recorded so far
    s = register_state(book, None, first, now).judgements["KJ1"]
    assert (s.state, s.agreed_in) == ("stale", "Draft 1")


def test_a_draft_recorded_before_drafts_kept_findings_cannot_make_a_judgement_stale(
        tmp_path):
    book = DraftBook(tmp_path, "2013-2017")
    reg = read_register(_register(tmp_path, _entry("KJ1", HEROIN)))
    v1 = book.save(book.plan("old", final=False), variant="restricted",
                   snap={"submissions": [], "figures": {},
                         "judgements": {"KJ1": {"state": "agreed", "statement": "It holds.",
                                                "evidence": [HEROIN]}}},
                   content={}, files=[], build_date=dt.date(2018, 6, 30))
    assert v1.number == 1
    s = register_state(book, book.plan("new", final=False), reg,
                       [_finding(HEROIN, total="1")]).judgements["KJ1"]
    assert (s.state, s.agreed_in) == ("agreed", "Draft 1")


# --------------------------------------------------------------------------- snapshot


def test_the_snapshot_keeps_every_finding_and_the_registers_judgements(workspace, tmp_path):
    store = Path(workspace) / "store.duckdb"
    rules = DisclosureRules.from_settings(Workspace.open(workspace))
    snap = snapshot(store, cycle="2013-2017", countries=COUNTRIES, rules=rules)
    found = find(store, cycle="2013-2017", countries=COUNTRIES)
    assert found  # the fixture store gives at least its coverage finding
    assert snap["findings"] == {f.key: {"digest": f.digest(), "numbers": dict(f.numbers),
                                        "title": f.title} for f in found}
    assert snap["judgements"] == {}
    key = found[0].key
    reg = read_register(_register(tmp_path, _entry("KJ1", key),
                                  _entry("KJ2", key, state="draft")))
    book = DraftBook(tmp_path, "2013-2017")
    state = register_state(book, book.plan("x", final=False), reg, found)
    snap = snapshot(store, cycle="2013-2017", countries=COUNTRIES, rules=rules,
                    findings=found, register=reg, state=state)
    assert snap["judgements"] == {
        "KJ1": {"state": "agreed", "statement": "It holds.", "evidence": [key],
                "status": "agreed", "agreed_in": "Draft 1", "moved": []},
        "KJ2": {"state": "draft", "statement": "It holds.", "evidence": [key],
                "status": "draft", "agreed_in": None, "moved": []}}


# --------------------------------------------------------------------------- diff


def _snapshots():
    moved = [{"finding": HEROIN, "title": "Heroin seized: rising", "was": {"total": "1,984"},
              "now": {"total": "2,134"}}]
    a = {"submissions": [], "figures": {"restricted": [], "public": []},
         "figures_basis": {"public": "view"},
         "findings": {HEROIN: {"digest": "a", "numbers": {"total": "1,984"},
                               "title": "Heroin seized: rising"},
                      CORRUPTION: {"digest": "c", "numbers": {"share": "96%"},
                                   "title": "Groups that use corruption"},
                      "routes:heroin": {"digest": "r", "numbers": {}, "title": "Routes"}},
         "judgements": {"KJ1": {"state": "agreed", "statement": "Heroin will keep coming.",
                                "evidence": [HEROIN], "status": "agreed",
                                "agreed_in": "Draft 1", "moved": []}}}
    b = {**a, "findings": {HEROIN: {"digest": "b", "numbers": {"total": "2,134"},
                                    "title": "Heroin seized: rising"},
                           CORRUPTION: a["findings"][CORRUPTION],
                           "outlier:thb:x:2015": {"digest": "o", "numbers": {"year": "2015"},
                                                  "title": "An outlier"}},
         "judgements": {"KJ1": {**a["judgements"]["KJ1"], "status": "stale",
                                "moved": moved}}}
    return a, b


def test_diff_lists_moved_findings_and_names_the_stale_judgement():
    a, b = _snapshots()
    ch = compare(a_label="Draft 1", b_label="Draft 2", variant="restricted", a_snapshot=a,
                 b_snapshot=b, a_content={}, b_content={})
    assert [(f["key"], f["change"]) for f in ch.findings] == [
        (HEROIN, "moved"), ("outlier:thb:x:2015", "new"), ("routes:heroin", "gone")]
    assert [j["id"] for j in ch.judgements] == ["KJ1"] and not ch.empty
    assert "findings" in ch.compared
    text = as_text(ch)
    assert f"Findings that moved\n  {HEROIN} (Heroin seized: rising): total: 1,984 → " \
           "2,134." in text
    assert "  outlier:thb:x:2015 (An outlier): new, year: 2015." in text
    assert "  routes:heroin (Routes): no longer found." in text
    assert ("Key judgements whose evidence changed since agreed\n  KJ1: evidence changed "
            f"since agreed in Draft 1. Finding {HEROIN} (Heroin seized: rising): total: "
            "1,984 → 2,134. The judgement: “Heroin will keep coming.”") in text
    html = json.dumps(annex_cells(ch, number="C"))
    assert "Key judgements whose evidence changed since agreed" in html
    assert "KJ1: evidence changed since agreed in Draft 1" in html
    assert "Findings whose numbers moved, new or gone" in html
    assert ch.as_dict()["judgements"][0]["id"] == "KJ1"


def test_the_public_diff_says_nothing_about_findings_or_judgements():
    a, b = _snapshots()
    ch = compare(a_label="Draft 1", b_label="Draft 2", variant="public", a_snapshot=a,
                 b_snapshot=b, a_content={}, b_content={})
    assert ch.findings == [] and ch.judgements == [] and "findings" not in ch.compared
    text = as_text(ch) + json.dumps(annex_cells(ch, number="C"))
    for word in ("KJ1", "Heroin will keep coming", "Findings", "1,984", "judgement",
                 HEROIN):
        assert word not in text, word


def test_a_stale_judgement_is_listed_even_when_nothing_else_changed():
    _, b = _snapshots()
    ch = compare(a_label="Draft 2", b_label="Draft 3", variant="restricted", a_snapshot=b,
                 b_snapshot=b, a_content={}, b_content={})
    assert ch.empty and ch.findings == [] and [j["id"] for j in ch.judgements] == ["KJ1"]
    html = json.dumps(annex_cells(ch, number="C"))
    assert "Nothing changed: the submissions, the key figures, the findings, and the text" \
        in html
    assert "KJ1: evidence changed since agreed in Draft 1" in html


def test_drafts_recorded_before_findings_were_kept_say_so():
    a, b = _snapshots()
    del a["findings"]
    ch = compare(a_label="Draft 1", b_label="Draft 2", variant="restricted", a_snapshot=a,
                 b_snapshot=b, a_content={}, b_content={})
    assert "findings" not in ch.compared and ch.findings == []
    assert any("draft 1 keeps no findings" in n for n in ch.notes)
    assert "Findings that moved\n  not compared" in as_text(ch)


# --------------------------------------------------------------------------- the build


CROATIA_V2 = {
    "respondent": _respondent("Croatia", agency=CANARIES["agency"],
                              dissemination="not for dissemination"),
    "indicators": [_indicator("heroin", "arrests", 2017, 19),
                   _indicator("heroin", "heroin_seized", 2016, 80, unit="kg")],
    "assessments": [_assessment("heroin", CANARIES["assessment"] + " Revised.")],
}


def _options(ws: Path, **kw):
    return configure(workspace=ws, formats=("html",), out=ws / "out",
                     chapters=fixture_chapters(), cache_dir=ws / "cache", **kw)


def _save(p) -> None:
    """Record a planned draft as the build's record stage would (without running it)."""
    p.book.save(p.version, variant="restricted", snap=p.snapshot, content={}, files=[],
                build_date=dt.date(2018, 6, 30))


def test_the_plan_checks_the_register_and_gives_its_state_to_the_chapters(workspace_copy):
    ws = workspace_copy
    key = find(ws / "store.duckdb", cycle="2013-2017", countries=COUNTRIES)[0].key
    without = plan(_options(ws))
    assert STATE_ENV not in without.runs[0].task.env and without.judgements is None

    _register(ws, _entry("KJ1", key, "fig:whatever"))
    first = plan(_options(ws))
    assert first.version.inputs != without.version.inputs  # the register is an input
    assert {r.key for r in first.runs}.isdisjoint(r.key for r in without.runs)
    env = first.runs[0].task.env
    assert all(r.task.env == env for r in first.runs)
    state = json.loads(Path(env[STATE_ENV]).read_text("utf-8"))
    assert state == {"register": str(ws / REGISTER_NAME), "version": "Draft 1",
                     "judgements": {"KJ1": {"state": "agreed", "agreed_in": "Draft 1",
                                            "moved": []}},
                     "uncovered": []}
    assert first.snapshot["judgements"]["KJ1"]["status"] == "agreed"
    assert first.snapshot["findings"].keys() == first.findings.keys()
    assert not first.options.out.exists()  # the state is in the workspace's cache
    assert plan(_options(ws)).runs[0].key == first.runs[0].key  # the same inputs

    # editing the register makes another draft and runs the chapters again
    _register(ws, _entry("KJ1", key, statement="It holds, reworded."))
    edited = plan(_options(ws))
    assert edited.version.inputs != first.version.inputs
    assert edited.runs[0].key != first.runs[0].key

    # a reference that does not resolve stops the build before any chapter runs
    _register(ws, _entry("KJ1", key + "s"))
    with pytest.raises(ConfigError, match=rf"judgements.yaml, line 9: judgement KJ1 cites "
                                          rf"'{key}s', which is not a finding of this "
                                          rf"cycle; did you mean '{key}'\?"):
        plan(_options(ws))


def test_croatias_correction_makes_the_judgement_citing_it_stale(workspace_copy):
    ws = workspace_copy
    key = find(ws / "store.duckdb", cycle="2013-2017", countries=COUNTRIES)[0].key
    _register(ws, _entry("KJ1", key))
    first = plan(_options(ws))
    _save(first)
    path = write_template("2013-2017", "HR", ws / "questionnaires" / "HR_v2.xlsx",
                          rows=CROATIA_V2, issued=dt.date(2018, 1, 10))
    with Store(ws / "store.duckdb") as store:
        assert store.ingest([path], jobs=1).exit_code == 0
    second = plan(_options(ws))
    assert second.version.label == "Draft 2"
    s = second.judgements.judgements["KJ1"]
    assert (s.state, s.agreed_in, [m.finding for m in s.moved]) == ("stale", "Draft 1",
                                                                     [key])
    state = json.loads(Path(second.runs[0].task.env[STATE_ENV]).read_text("utf-8"))
    assert state["judgements"]["KJ1"]["state"] == "stale"
    assert state["judgements"]["KJ1"]["moved"][0]["was"] != \
        state["judgements"]["KJ1"]["moved"][0]["now"]
    public = plan(_options(ws, variant="public"))
    state = json.loads(Path(public.runs[0].task.env[STATE_ENV]).read_text("utf-8"))
    assert state["judgements"]["KJ1"] == {"state": "agreed", "agreed_in": "Draft 1",
                                          "moved": []}
    _save(second)
    text = as_text(diff_versions(ws, "1", "2"))
    assert "KJ1: evidence changed since agreed in Draft 1" in text
    moved = text.split("Findings that moved\n")[1].split("\n\n")[0]
    assert f"  {key} (" in moved and "2016: 1 of 3 → 2 of 3" in moved
    assert "KJ1" not in as_text(diff_versions(ws, "1", "2", variant="public"))


# --------------------------------------------------------------------------- the command


def _run(*args: str):
    return CliRunner().invoke(main, ["judgements", *args])


def test_the_command_starts_a_register_and_shows_its_state(workspace_copy):
    ws = str(workspace_copy)
    key = find(Path(ws) / "store.duckdb", cycle="2013-2017", countries=COUNTRIES)[0].key
    result = _run("--workspace", ws)
    assert result.exit_code == 0, result.output
    assert "No register yet" in result.output and "octasee judgements --init" in result.output
    assert f"Findings no judgement cites (1 of 1):\n  F1 {key}: " in result.output

    result = _run("--workspace", ws, "--init")
    assert result.exit_code == 0, result.output
    assert f"wrote {Path(ws) / REGISTER_NAME}" in result.output
    assert read_register(ws).exists  # it reads back
    result = _run("--workspace", ws, "--init")
    assert result.exit_code == 2 and "has a register already" in result.output
    assert "rename it" in result.output and "Traceback" not in result.output

    _register(Path(ws), _entry("KJ1", key, "fig:some:figure"),
              _entry("KJ2", key, state="draft"))
    result = _run("--workspace", ws)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "2 judgements (1 agreed, 0 stale, 1 in draft)" in out
    assert "KJ1  agreed (in no draft yet)  (chapter 04; " in out
    assert "KJ2  draft  " in out and f"evidence: {key} (F1 " in out
    assert "likely, confidence moderate, horizon: the next cycle, 2018-2022" in out
    assert "Every one of the 1 findings is cited by a judgement." in out
    assert "{" not in out and "Judgement(" not in out  # no Python reprs

    result = _run("--workspace", ws, "--json")
    assert result.exit_code == 0
    assert json.loads(result.output)["judgements"]["KJ2"] == {
        "state": "draft", "agreed_in": None, "moved": []}


def test_the_command_reports_a_broken_register_by_line(workspace_copy):
    ws = workspace_copy
    _register(ws, _entry("KJ1", "trend:heroin:nothing"))
    result = _run("--workspace", str(ws))
    assert result.exit_code == 1
    assert "KJ1  agreed" in result.output  # the state first, then the error
    assert (f"Error: {ws / REGISTER_NAME}, line 9: judgement KJ1 cites "
            "'trend:heroin:nothing', which is not a finding of this cycle") in result.output
    _register(ws, _entry("KJ1", "x").replace("probability: likely",
                                             "probability: likelyish"))
    result = _run("--workspace", str(ws))
    assert result.exit_code == 1 and "line 5: judgement KJ1: probability 'likelyish'" in \
        result.output and "Traceback" not in result.output
