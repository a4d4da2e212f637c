"""The build's stages, each called on its own: configure, plan, execute, assemble, publish,
record (and fail). No test here builds the report again: plan reads the store only,
execute is fed from the session build's cache, assemble from its executed notebooks."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from octasee.errors import ChapterError, DisclosureError, UsageError
from octasee.report import build as build_module
from octasee.report.build import (
    Assembled,
    BuildOptions,
    BuildResult,
    Checked,
    Executed,
    Plan,
    Published,
    assemble,
    check,
    configure,
    execute,
    fail,
    pinned_store,
    plan,
    publish,
    record,
)
from octasee.report.build import _report_meta as report_meta
from octasee.report.cache import store_fingerprint
from octasee.samples import sample_files
from octasee.sdc import Publication
from octasee.store import PIN_ENV, Store
from octasee.workspace import Workspace, WorkspaceConfig

from .conftest import BUILD_DATE, COUNTRIES, fixture_chapters


def _count(store_path: Path) -> int:
    with Store(store_path, read_only=True) as store:
        return int(store.query("SELECT count(*) FROM submissions").iat[0, 0])


def _files(folder: Path) -> set[Path]:
    return set(folder.rglob("*")) if folder.exists() else set()


@pytest.fixture(scope="module")
def sample_plan(sample_workspace, tmp_path_factory) -> tuple[Plan, set[Path]]:
    """A plan of the session's sample workspace (other tests may have built drafts of it
    already: what plan must not change is recorded first, in ``files_before``)."""
    out = tmp_path_factory.mktemp("plan") / "out"
    options = configure(workspace=sample_workspace, formats=("html",), out=out,
                        build_date=BUILD_DATE)
    before = _files(sample_workspace.path / "drafts")
    return plan(options), before


def test_configure_fills_every_default_from_the_workspace(sample_workspace, tmp_path):
    o = configure(workspace=sample_workspace, formats=("html",), out=tmp_path)
    assert isinstance(o, BuildOptions)
    assert o.cycle == sample_workspace.cycle and o.countries == tuple(sample_workspace.expected)
    assert o.chapters == tuple(sample_workspace.chapters())
    assert o.stall_minutes == sample_workspace.settings.report.stall_minutes == 5.0
    assert o.cache_dir == sample_workspace.path / ".octasee-cache" / "report"
    assert o.kept_dir == tmp_path / "octa-see_2013-2017_restricted.chapters"
    with pytest.raises(dataclasses.FrozenInstanceError):
        o.variant = "public"  # type: ignore[misc]
    with pytest.raises(UsageError, match="unknown variant"):
        configure(workspace=sample_workspace, variant="secret")


def test_plan_on_the_sample_workspace_runs_and_writes_nothing(sample_plan, sample_workspace):
    p, files_before = sample_plan
    o = p.options
    per_country = [c for c in o.chapters if c.per_country]
    assert len(p.runs) == len(o.chapters) - len(per_country) + 13 * len(per_country)
    assert len({r.key for r in p.runs}) == len(p.runs)  # one cache key per run
    for run in p.runs:
        assert run.task.key == run.key and run.task.label == run.label
        params = run.task.parameters
        assert params["cycle"] == "2013-2017" and params["variant"] == "restricted"
        assert params["workspace"] == str(sample_workspace.path.resolve())
        assert PIN_ENV not in run.task.env  # the store as it is: nothing pinned
    profile = [r for r in p.runs if r.per_country]
    assert [r.country for r in profile] == list(o.countries)
    assert profile[0].number == f"{profile[0].group_number}.1"
    assert p.store == store_fingerprint(sample_workspace.store_path)
    assert p.terms is None  # the restricted variant scrubs nothing
    assert p.version is not None and p.version.label.startswith("Draft ")
    assert {s["country"] for s in p.snapshot["submissions"]} == set(o.countries)
    assert not o.out.exists()  # nothing written: not the output folder …
    assert _files(sample_workspace.path / "drafts") == files_before  # … nor a draft


def test_plan_is_the_same_for_the_same_inputs(sample_plan):
    first, _ = sample_plan
    again = plan(first.options)
    assert [r.key for r in again.runs] == [r.key for r in first.runs]
    assert again.version.inputs == first.version.inputs


def test_a_pinned_store_keeps_what_the_plan_and_the_chapters_read(workspace_copy,
                                                                   monkeypatch):
    """An ingest during a build: the pin (and a process given PIN_ENV, as the chapter
    kernels are) still reads the store as the plan fingerprinted it."""
    ws = Workspace.open(workspace_copy)
    before = _count(ws.store_path)
    options = configure(workspace=ws, formats=("html",), out=workspace_copy / "out",
                        chapters=fixture_chapters(), record_draft=False)
    with pinned_store(ws) as pin:
        assert pin is not None and pin.is_file()
        planned = plan(options, store=pin)
        assert planned.store == store_fingerprint(ws.store_path)
        env = planned.runs[0].task.env
        assert json.loads(env[PIN_ENV]) == {"store": str(ws.store_path.resolve()),
                                            "file": str(pin.resolve())}
        with Store(ws.store_path) as store:  # an analyst ingests meanwhile
            assert store.ingest(sample_files("2013-2017")[:1], jobs=1).exit_code == 0
        assert _count(ws.store_path) == before + 1
        assert _count(pin) == before
        monkeypatch.setenv(PIN_ENV, env[PIN_ENV])  # what a chapter kernel gets
        assert _count(ws.store_path) == before
        monkeypatch.delenv(PIN_ENV)
        assert store_fingerprint(pin) == planned.store != store_fingerprint(ws.store_path)
    assert not pin.exists() and not pin.parent.exists()  # removed after the build


@pytest.fixture(scope="module")
def executed_with_events(restricted_build: BuildResult, workspace: Path, tmp_path_factory
                         ) -> tuple[Executed, list[tuple[str, str]]]:
    """The session build's plan, executed again from its cache into a new folder."""
    r = restricted_build
    options = configure(workspace=workspace, variant="restricted", out=r.out,
                        chapters=fixture_chapters(), build_date=BUILD_DATE,
                        formats=("html",), jobs=2, cache_dir=r.out.parent / "cache-restricted",
                        record_draft=False)
    planned = plan(options)  # the same keys as the session build (same out, same store)
    elsewhere = tmp_path_factory.mktemp("stages") / "out"
    planned = dataclasses.replace(planned, options=dataclasses.replace(options, out=elsewhere))
    events: list[tuple[str, str]] = []
    done = execute(planned, on_event=lambda label, state, info: events.append((label, state)))
    return done, events


@pytest.fixture(scope="module")
def executed(executed_with_events) -> Executed:
    return executed_with_events[0]


def test_execute_takes_every_chapter_from_the_cache(executed_with_events, restricted_build):
    executed, events = executed_with_events
    assert {r.state for r in executed.runs} == {"cached"}  # no kernel was started
    assert [r.label for r in executed.runs] == [r.label for r in restricted_build.runs]
    assert set(executed.notebooks) == {r.label for r in executed.runs}
    o = executed.plan.options
    for run in executed.runs:
        kept = o.out / run.notebook
        assert kept.parent == o.kept_dir and kept.is_file()
        meta = json.loads(kept.read_text("utf-8"))["metadata"]["papermill"]
        assert meta["output_path"] == str(kept)
    assert ("01_overview", "queued") in events and ("01_overview", "cached") in events


def test_assemble_merges_executed_notebooks_into_one_html(executed):
    a = assemble(executed)
    assert isinstance(a, Assembled)
    assert a.meta["label"] == "Preview" and a.meta["marking"] == "RESTRICTED"
    assert a.html.lstrip().lower().startswith("<!doctype html")
    assert 'id="ch-01_overview"' in a.html and "A.2</span> Croatia" in a.html
    assert "Figure 1.1" in a.html
    assert a.content is None and a.changes is None  # a preview: no draft, no annex
    assert {"merge", "convert"} <= set(a.timings)
    assert not list(executed.plan.options.out.glob("*.html"))  # assemble writes nothing


def test_publish_writes_the_report_and_record_keeps_no_preview(executed):
    a = assemble(executed)
    p = publish(a, timings={"execute": executed.seconds})
    assert isinstance(p, Published)
    o = executed.plan.options
    assert p.html == o.out / "octa-see_2013-2017_restricted.html"
    assert p.html.read_text("utf-8") == a.html and p.pdf is None
    manifest = json.loads(p.manifest.read_text("utf-8"))
    assert manifest["report"]["ok"] is True and manifest["version"] is None
    assert manifest["parameters"]["countries"] == COUNTRIES
    assert {"execute", "convert"} <= set(manifest["timings"])
    assert [c["state"] for c in manifest["chapters"]] == ["cached"] * len(executed.runs)
    recorded = record(p)
    assert recorded.version is None  # a preview is not a draft


def test_fail_writes_the_manifest_and_names_the_first_failed_chapter(executed):
    runs = [dataclasses.replace(r) for r in executed.runs]
    runs[1].state = "failed"
    runs[1].error = {"ename": "ValueError", "evalue": "boom", "cell": 3}
    broken = dataclasses.replace(executed, runs=tuple(runs))
    with pytest.raises(ChapterError) as exc:
        fail(broken, timings={"execute": 1.0})
    assert exc.value.chapter == runs[1].label and exc.value.cell == 3
    assert "ValueError: boom" in exc.value.message and "--keep-going" in exc.value.message
    manifest = json.loads(executed.plan.options.manifest_path.read_text("utf-8"))
    assert manifest["report"]["exit_code"] == 1


@pytest.fixture(scope="module")
def public_executed(public_build: BuildResult, workspace: Path, tmp_path_factory) -> Executed:
    """The session's public build, executed again from its cache into a new folder."""
    r = public_build
    options = configure(workspace=workspace, variant="public", out=r.out,
                        chapters=fixture_chapters(), build_date=BUILD_DATE,
                        formats=("html",), jobs=2, cache_dir=r.out.parent / "cache-public",
                        record_draft=False)
    planned = plan(options)
    elsewhere = tmp_path_factory.mktemp("stages-public") / "out"
    planned = dataclasses.replace(planned, options=dataclasses.replace(options, out=elsewhere))
    return execute(planned)


def test_the_public_build_writes_the_output_check_and_the_manifest_links_it(public_build):
    manifest = json.loads(public_build.manifest.read_text("utf-8"))
    oc = manifest["output_check"]
    assert oc["release"] is True and oc["findings"] == 0
    assert oc["restricted_equals_public"] is True
    # Croatia's submission is not for dissemination as a whole: its cell is withheld,
    # with at least one complement so that the published totals do not give it back.
    assert oc["suppressed"] >= 2
    report = public_build.out / oc["report"]["path"]
    assert report == public_build.output_check and report.is_file()
    assert (public_build.out / oc["data"]["path"]).is_file()
    text = report.read_text("utf-8")
    assert "Verdict: RELEASE" in text and "<script" not in text.lower()


def test_the_restricted_build_has_no_output_check(restricted_build):
    manifest = json.loads(restricted_build.manifest.read_text("utf-8"))
    assert "output_check" not in manifest and restricted_build.output_check is None


def test_check_stops_a_public_edition_that_discloses_a_withheld_cell(public_executed,
                                                                     monkeypatch):
    ok = check(public_executed)
    assert isinstance(ok, Checked) and ok.ok
    # A chapter that printed something pinning Croatia's withheld 2017 count (17): the
    # audit must name it and the build must stop before the public edition is written.
    real = build_module.audit

    def leaky(view, **kw):
        pinned = Publication(
            "Table 9.9", {("cell", "HR", "arrests", "heroin", 2017): 1.0}, 16.5, 17.5)
        return real(view, extra=[pinned], **kw)

    monkeypatch.setattr(build_module, "audit", leaky)
    with pytest.raises(DisclosureError) as exc:
        check(public_executed)
    msg = str(exc.value)
    assert "Table 9.9" in msg and "HR 2017" in msg and "output-check" in msg
    # The message names the width a reader can narrow the cell to, never the interval
    # (it would hold the withheld value); published figures may appear.
    assert "narrowed to a range 1 wide" in msg and "narrowed to [" not in msg
    o = public_executed.plan.options
    assert (o.out / f"{o.stem}.output-check.html").is_file()
    assert not (o.out / f"{o.stem}.html").exists()


def test_report_meta_reads_the_report_settings(tmp_path):
    ws = Workspace(path=tmp_path, config={"report": {
        "organisation": "Test org", "public_classification": "TLP:CLEAR",
        "public_handling": "Share freely."}})
    restricted = report_meta(ws, cycle="2013-2017", variant="restricted",
                             build_date=BUILD_DATE, label=None)
    public = report_meta(ws, cycle="2013-2017", variant="public", build_date=BUILD_DATE,
                         label="Draft 2")
    defaults = WorkspaceConfig().report
    assert restricted["organisation"] == public["organisation"] == "Test org"
    assert restricted["marking"] == defaults.classification
    assert restricted["handling"] == defaults.handling and restricted["label"] == "Preview"
    assert public["marking"] == "TLP:CLEAR" and public["handling"] == "Share freely."
    assert public["title"] == defaults.title and public["date"] == "30 June 2018"


def test_pins_of_killed_builds_are_removed(workspace_copy):
    ws = Workspace.open(workspace_copy)
    dead = ws.path / ".octasee-cache" / "pins" / "999999999-0123456789ab"  # no such process
    dead.mkdir(parents=True)
    (dead / "store.duckdb").write_bytes(b"old")
    with pinned_store(ws) as pin:
        assert pin is not None and pin.parent.parent == dead.parent
        assert not dead.exists()
