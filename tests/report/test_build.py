"""build_report end to end on the fixture chapters: outputs, manifest, cache, failures."""

from __future__ import annotations

import json
import re
import time

import pytest

from octasee.errors import UsageError
from octasee.report.assemble import plotlyjs
from octasee.report.build import build_report
from octasee.report.chapters import chapter_from_notebook
from octasee.report.errors import ChapterError, ReportError

from .conftest import BUILD_DATE, FIXTURES, TRICKY, fixture_chapters


def test_restricted_build_writes_report_manifest_and_executed_chapters(restricted_build):
    r = restricted_build
    assert r.ok and r.exit_code == 0
    assert [run.label for run in r.runs] == [
        "01_overview", "02_indicators", "03_assessments", "A_country_profile-AL",
        "A_country_profile-HR", "A_country_profile-RS"]
    assert {run.state for run in r.runs} == {"ok"}
    assert r.html.name == "octa-see_2013-2017_restricted.html"
    for run in r.runs:
        assert (r.out / run.notebook).is_file()
    leftovers = [p for p in r.out.rglob("*") if p.name.endswith(".part")]
    assert leftovers == []


def test_manifest_records_parameters_inputs_versions_and_timings(restricted_build):
    m = json.loads(restricted_build.manifest.read_text())
    assert m["report"] == {"cycle": "2013-2017", "variant": "restricted",
                           "build_date": "2018-06-30", "ok": True, "exit_code": 0,
                           "scrubbed_restricted_text": 0}
    assert m["parameters"]["countries"] == ["AL", "HR", "RS"]
    assert m["parameters"]["executor"] == "local" and m["parameters"]["jobs"] == 2
    assert set(m["inputs"]) == {"store", "library", "workspace_config", "templates",
                                "chapters"}
    assert len(m["inputs"]["chapters"]["01_overview"]["sha256"]) == 64
    assert {"octasee", "papermill", "nbconvert", "plotly", "python"} <= set(m["versions"])
    assert {"prepare", "execute", "merge", "convert", "total"} <= set(m["timings"])
    run = m["chapters"][0]
    assert run["state"] == "ok" and run["seconds"] > 0
    assert {"kernel_start", "cells"} <= set(run["timings"])
    assert m["outputs"]["html"]["sha256"] and m["outputs"]["html"]["bytes"] > 1_000_000


def test_html_hides_code_removes_tagged_cells_and_inlines_plotly_once(restricted_build):
    html = restricted_build.html.read_text()
    assert html.count(plotlyjs()[:120]) == 1
    assert "import octasee" not in html and "open_store" not in html
    assert "REMOVED-CELL-MARKER" not in html
    kept = (restricted_build.out / restricted_build.runs[0].notebook).read_text()
    assert "REMOVED-CELL-MARKER" in kept  # executed, then left out of the report
    assert 'id="cover"' in html and 'id="contents"' in html
    assert re.search(r'<h1 class="chapter-title" id="ch-01_overview"><span class='
                     r'"chapter-number">1</span> Overview</h1>', html)
    assert "Figure 1.1" in html and "Table 1.1" in html and "Figure A.3.1" in html
    assert 'id="plotly-ch-01_overview-1"' in html
    assert "Annex A" in html and "A.2</span> Croatia" in html


def test_parameters_reach_the_notebook_intact(restricted_build):
    nb = json.loads((restricted_build.out / restricted_build.runs[2].notebook).read_text())
    printed = [o["text"] for c in nb["cells"] for o in c.get("outputs", [])
               if o.get("name") == "stdout" and "NOTE-REPR" in "".join(o["text"])]
    assert "".join(printed[0]).strip() == f"NOTE-REPR: {TRICKY!r}"


def test_unchanged_rebuild_executes_nothing_and_gives_the_same_html(restricted_build,
                                                                     workspace):
    r = restricted_build
    before, manifest = r.html.read_bytes(), r.manifest.read_bytes()
    started = time.perf_counter()
    try:
        again = build_report(workspace=workspace, variant="restricted", out=r.out,
                             chapters=fixture_chapters(), build_date=BUILD_DATE,
                             formats=("html",), cache_dir=r.out.parent / "cache-restricted")
        elapsed = time.perf_counter() - started
    finally:
        r.manifest.write_bytes(manifest)  # other tests read the first build's manifest
    assert {run.state for run in again.runs} == {"cached"}
    assert again.html.read_bytes() == before
    assert elapsed < 3.0, f"a build with nothing changed took {elapsed:.1f} s"


def test_failing_chapter_names_chapter_cell_and_error_and_keeps_its_notebook(
        workspace, tmp_path):
    chapters = [chapter_from_notebook(FIXTURES / "01_overview.ipynb"),
                chapter_from_notebook(FIXTURES / "failing" / "50_broken.ipynb")]
    with pytest.raises(ChapterError) as exc:
        build_report(workspace=workspace, out=tmp_path, chapters=chapters,
                     formats=("html",), build_date=BUILD_DATE, cache_dir=tmp_path / "c")
    err = exc.value
    assert err.chapter == "50_broken" and err.cell == 4
    assert "ValueError: fixture failure in the fourth cell" in err.message
    assert "--keep-going" in err.message
    kept = tmp_path / "octa-see_2013-2017_restricted.chapters" / "50_broken.ipynb"
    assert kept.is_file() and "before the failure" in kept.read_text()
    assert not (tmp_path / "octa-see_2013-2017_restricted.html").exists()
    manifest = json.loads((tmp_path / "octa-see_2013-2017_restricted.manifest.json")
                          .read_text())
    states = {c["label"]: c["state"] for c in manifest["chapters"]}
    assert states["50_broken"] == "failed" and manifest["report"]["exit_code"] == 1

    result = build_report(workspace=workspace, out=tmp_path, chapters=chapters,
                          formats=("html",), build_date=BUILD_DATE, keep_going=True,
                          cache_dir=tmp_path / "c")
    assert result.exit_code == 1 and [r.state for r in result.runs] == ["cached", "failed"]
    html = result.html.read_text()
    assert 'class="build-failure"' in html and "fixture failure in the fourth cell" in html
    assert "cell 4" in html and "Figure 1.1" in html


def test_options_are_checked_before_anything_runs(workspace, tmp_path):
    with pytest.raises(UsageError, match="unknown format 'docx'"):
        build_report(workspace=workspace, out=tmp_path, formats=("docx",))
    with pytest.raises(UsageError, match="unknown executor"):
        build_report(workspace=workspace, out=tmp_path, executor="slurm")
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "octasee.toml").write_text('[cycle]\ncode = "2013-2017"\n')
    with pytest.raises(ReportError, match="no store yet"):
        build_report(workspace=tmp_path / "empty", out=tmp_path, chapters=fixture_chapters())


@pytest.mark.slow
def test_no_arguments_build_the_sample_cycle_into_build(tmp_path, monkeypatch):
    """The default workspace is the sample one, filled from the bundled samples once."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OCTASEE_WORKSPACE", raising=False)
    # the sample workspace of "the checkout" (here: tmp_path), never the real one's
    monkeypatch.setattr("octasee.samples.checkout_root", lambda: tmp_path)
    overview = [chapter_from_notebook(FIXTURES / "01_overview.ipynb")]
    result = build_report(chapters=overview, formats=("html",), build_date=BUILD_DATE)
    assert result.ok and result.out == tmp_path / "build"
    assert (tmp_path / "build" / "sample-workspace" / "store.duckdb").is_file()
    html = result.html.read_text()
    assert "OCTA-SEE sample assessment" in html and "Figure 1.1" in html
    again = build_report(chapters=overview, formats=("html",), build_date=BUILD_DATE)
    assert [r.state for r in again.runs] == ["cached"]  # the store was not filled twice
