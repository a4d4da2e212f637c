"""Shared builds of the real chapter notebooks, made once per test session."""

from __future__ import annotations

import datetime as dt

import pytest

from octasee.report.build import build_report


@pytest.fixture(scope="session")
def chapter_builds(sample_workspace, sample_report_builds, tmp_path_factory):
    """2013-2017: the session's one restricted build of the whole sample report (shared
    with the editorial and back-matter tests); 2009-2012: three countries."""
    out = tmp_path_factory.mktemp("chapters")
    current = sample_report_builds["restricted"]
    earlier = build_report(workspace=sample_workspace.path, cycle="2009-2012",
                           formats=("html",), out=out / "earlier", jobs=2,
                           countries=["RS", "HR", "AL"], build_date=dt.date(2013, 6, 30),
                           use_cache=False)
    return {"2013-2017": current, "2009-2012": earlier}
