"""Shared builds for the report tests.

One small workspace (three countries, built from the questionnaire template with canary
values in restricted rows and hostile free text in a public one) and one restricted and
one public build of the fixture chapters, made once per session and reused by the offline,
PDF, canary and escaping tests.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest

from octasee.questionnaire.template import write_template
from octasee.report.build import BuildResult, build_report
from octasee.report.chapters import Chapter, default_chapters
from octasee.report.pdf import chromium_path
from octasee.store import Store
from octasee.workspace import create_workspace

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "notebooks"
BUILD_DATE = dt.date(2018, 6, 30)
COUNTRIES = ["AL", "HR", "RS"]

#: Values that only restricted rows hold: none may reach a public output.
CANARIES = {
    "row_comment": "CANARY-ROW-COMMENT-7Q2X",  # RS indicator marked not for dissemination
    "assessment": "CANARY-WHOLE-SUBMISSION-K9P4",  # HR: whole submission restricted
    "agency": "CANARY-AGENCY-ZX81",  # HR's agency
    "value": "987654.25",  # RS restricted indicator value
}
HOSTILE = ("Smuggling <script>alert('xss-canary')</script> through "
           "<img src=x onerror=alert('xss-img')> ports & \"quotes\"")
#: A parameter value that quotes, escapes and newlines must not break.
TRICKY = "it's \"quoted\"\nsecond line \\ backslash \\n not a newline"


def _indicator(area: str, ind: str, year: int, value: Any, **kw: Any) -> dict[str, Any]:
    return {"crime_area": area, "indicator": ind, "year": year, "value": value,
            "source_reliability": "B", "information_assessment": 2, **kw}


def _respondent(name: str, *, agency: str, dissemination: str) -> list[dict[str, Any]]:
    return [{"country": name, "cycle": "2013-2017", "agency": agency,
             "contact_name": "Analyst", "contact_email": "analyst@example.org",
             "submission_date": "15.03.2018", "dissemination": dissemination}]


def _assessment(area: str, text: str) -> dict[str, Any]:
    return {"crime_area": area, "situation": text, "trends": "Stable.", "language": "en",
            "source_reliability": "B", "information_assessment": 2}


def make_workspace(path: Path) -> Path:
    """A workspace with three submissions (AL, HR, RS) and the canaries planted."""
    ws = create_workspace(path, cycle="2013-2017", expected=COUNTRIES,
                          title="OCTA-SEE test assessment", classification="RESTRICTED")
    src = path / "questionnaires"
    rs = {
        "respondent": _respondent("Serbia", agency="Ministry of Interior",
                                  dissemination="restricted"),
        "indicators": [
            _indicator("heroin", "heroin_seized", 2015, 1234.5, unit="kg",
                       comment="Seizures at the border."),
            _indicator("heroin", "heroin_seized", 2016, 750, unit="kg"),
            _indicator("heroin", "arrests", 2016, 41),
            _indicator("heroin", "arrests", 2017, 44),
            _indicator("cocaine", "arrests", 2017, 12),
            _indicator("economic_crime", "ml_amount", 2017, CANARIES["value"], unit="EUR",
                       comment=CANARIES["row_comment"], not_for_dissemination="yes"),
        ],
        "assessments": [_assessment("heroin", "Heroin transits along the Balkan route.")],
    }
    al = {
        "respondent": _respondent("Albania", agency="State Police",
                                  dissemination="public"),
        "indicators": [_indicator("cannabis", "arrests", 2016, 30),
                       _indicator("cannabis", "arrests", 2017, 33)],
        "assessments": [_assessment("cannabis", HOSTILE)],
    }
    hr = {
        "respondent": _respondent("Croatia", agency=CANARIES["agency"],
                                  dissemination="not for dissemination"),
        "indicators": [_indicator("heroin", "arrests", 2017, 17)],
        "assessments": [_assessment("heroin", CANARIES["assessment"])],
    }
    files = [write_template("2013-2017", code, src / f"{code}.xlsx", rows=rows,
                            issued=dt.date(2018, 1, 10))
             for code, rows in (("RS", rs), ("AL", al), ("HR", hr))]
    with Store(ws.store_path) as store:
        report = store.ingest(files, jobs=1)
    assert report.exit_code == 0, report.summary().to_string()
    return path


def fixture_chapters(folder: Path = FIXTURES) -> list[Chapter]:
    chapters = default_chapters(folder)
    return [Chapter(c.slug, c.title, c.notebook, c.per_country,
                    {"note": TRICKY} if c.slug == "03_assessments" else {})
            for c in chapters]


needs_chromium = pytest.mark.skipif(chromium_path() is None,
                                    reason="no Chromium (/usr/bin/chromium): install the "
                                           "Debian chromium package to run browser tests")


@pytest.fixture(scope="session")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_workspace(tmp_path_factory.mktemp("report") / "ws")


def _build(workspace: Path, out: Path, variant: str) -> BuildResult:
    formats = ("html", "pdf") if chromium_path() else ("html",)
    return build_report(workspace=workspace, variant=variant, out=out,
                        chapters=fixture_chapters(), build_date=BUILD_DATE, formats=formats,
                        jobs=2, cache_dir=out.parent / f"cache-{variant}")


@pytest.fixture(scope="session")
def restricted_build(workspace: Path, tmp_path_factory: pytest.TempPathFactory
                     ) -> BuildResult:
    return _build(workspace, tmp_path_factory.mktemp("restricted") / "out", "restricted")


@pytest.fixture(scope="session")
def public_build(workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return _build(workspace, tmp_path_factory.mktemp("public") / "out", "public")


@pytest.fixture
def workspace_copy(workspace: Path, tmp_path: Path) -> Path:
    """A private copy of the workspace (without its drafts), for tests that change it."""
    target = tmp_path / "ws"
    shutil.copytree(workspace, target, ignore=shutil.ignore_patterns(".octasee-cache", "drafts"))
    return target
