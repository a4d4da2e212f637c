"""Shared builds of the real chapter notebooks, made once per test session, and what a
chapter displays, captured (``shown``; ``text_of`` and ``figures`` read it)."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest

from octasee.chapters import context as chapter_context
from octasee.report.build import build_report

PLOTLY = "application/vnd.plotly.v1+json"


@pytest.fixture
def shown(monkeypatch):
    """What the chapter displays: HTML strings, and each figure's plotly JSON."""
    out: list = []
    monkeypatch.setattr(chapter_context, "_html", out.append)
    monkeypatch.setattr(chapter_context, "_display",
                        lambda obj, raw=False: out.append(obj.get(PLOTLY, obj)
                                                          if isinstance(obj, dict) else obj))
    return out


def text_of(parts: list) -> str:
    html = "\n".join(p for p in parts if isinstance(p, str))
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def figures(parts: list) -> list[dict]:
    return [p for p in parts if isinstance(p, dict)]


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
