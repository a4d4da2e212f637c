"""The dask executor gives the same report; only a changed chapter runs again."""

from __future__ import annotations

import shutil

import pytest

from octasee.report.build import build_report

from .conftest import BUILD_DATE, FIXTURES, fixture_chapters

distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed")


@pytest.mark.slow
def test_dask_gives_the_same_report_and_only_changed_chapters_run_again(
        workspace, restricted_build, tmp_path):
    folder = tmp_path / "chapters"
    folder.mkdir()
    for p in FIXTURES.glob("*.ipynb"):
        shutil.copy(p, folder / p.name)
    common = {"workspace": workspace, "out": tmp_path / "out", "formats": ("html",),
              "build_date": BUILD_DATE, "cache_dir": tmp_path / "cache"}
    with distributed.LocalCluster(processes=True, n_workers=2, threads_per_worker=1,
                                  dashboard_address=None) as cluster:
        on_dask = build_report(chapters=fixture_chapters(folder), executor="dask",
                               scheduler=cluster.scheduler_address, **common)
    assert on_dask.ok and {r.state for r in on_dask.runs} == {"ok"}
    assert on_dask.html.read_text() == restricted_build.html.read_text()

    nb = folder / "02_indicators.ipynb"
    nb.write_text(nb.read_text().replace("Every indicator value", "Each indicator value"))
    again = build_report(chapters=fixture_chapters(folder), **common)
    assert {r.label: r.state for r in again.runs} == {
        "01_overview": "cached", "02_indicators": "ok", "03_assessments": "cached",
        "A_country_profile-AL": "cached", "A_country_profile-HR": "cached",
        "A_country_profile-RS": "cached"}
    assert "Each indicator value" in again.html.read_text()
