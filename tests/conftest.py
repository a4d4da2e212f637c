"""Shared fixtures: valid questionnaire content built from the template, as countries send it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from octasee.questionnaire.template import write_template

VALID_ROWS: dict[str, list[dict[str, Any]]] = {
    "respondent": [{"country": "Serbia", "cycle": "2013-2017",
                    "agency": "Ministry of Interior, Criminal Police Directorate",
                    "contact_name": "Ana Petrović", "contact_email": "ana.petrovic@example.org",
                    "submission_date": "15.03.2018", "dissemination": "restricted"}],
    "indicators": [
        {"crime_area": "heroin", "indicator": "heroin_seized", "year": 2015, "value": "1.234,5",
         "unit": "kg", "source_reliability": "B", "information_assessment": 2},
        {"crime_area": "heroin", "indicator": "heroin_seized", "year": 2016, "value": "750 g",
         "source_reliability": "b", "information_assessment": "2"},
        {"crime_area": "heroin", "indicator": "arrests", "year": 2016, "value": 41,
         "source_reliability": "B", "information_assessment": 3},
        {"crime_area": "migrant_smuggling", "indicator": "irregular_migrants_detected",
         "breakdown": "Syria", "year": 2015, "value": "12 345",
         "source_reliability": "A", "information_assessment": 1},
        {"crime_area": "migrant_smuggling", "indicator": "irregular_migrants_detected",
         "year": 2015, "value": 98000, "source_reliability": "A", "information_assessment": 1},
        {"crime_area": "economic_crime", "indicator": "ml_amount", "year": 2017,
         "value": "2.500.000", "unit": "EUR", "source_reliability": "C",
         "information_assessment": 3, "not_for_dissemination": "yes"},
    ],
    "groups": [
        {"group_ref": "RS-2017-001", "name": "Clan A", "members": 25,
         "nationalities": "Serbia, Montenegro", "structure": "core group",
         "crime_areas": "cocaine, economic crime", "international_links": "NL; ES; Ecuador",
         "corruption": "high", "violence": "Medium", "infiltration": "Low",
         "expertise": "unknown", "source_reliability": "B", "information_assessment": 2},
    ],
    "routes": [
        {"route_ref": "R1", "crime_area": "heroin", "commodity": "heroin", "origin": "Afghanistan",
         "transit": "Iran, Turkey, Bulgaria", "destination": "Austria, Germany",
         "transport_mode": "road", "modus_operandi": "Concealed in lorries.", "year": 2017,
         "source_reliability": "B", "information_assessment": 2},
    ],
    "assessments": [
        {"crime_area": "heroin", "situation": "Heroin transits along the Balkan route.",
         "trends": "Stable.", "expected_threats": "More use of containers.", "language": "en",
         "source_reliability": "B", "information_assessment": 2},
        {"crime_area": "cocaine", "situation": "Кокаин стиже у контејнерима.", "language": "sr",
         "source_reliability": "C", "information_assessment": 3},
    ],
}


@pytest.fixture
def valid_rows() -> dict[str, list[dict[str, Any]]]:
    """A fresh copy of a small, valid submission for Serbia, 2013-2017."""
    return copy.deepcopy(VALID_ROWS)


@pytest.fixture(scope="session")
def valid_rows_shared() -> dict[str, list[dict[str, Any]]]:
    """The same rows for module- and session-scoped fixtures (copy before changing them)."""
    return copy.deepcopy(VALID_ROWS)


@pytest.fixture
def make_workbook(tmp_path: Path) -> Callable[..., Path]:
    """Write a filled questionnaire from the template: make_workbook(rows, name=, country=)."""

    def make(rows: dict[str, list[dict[str, Any]]] | None = None, *, name: str = "RS.xlsx",
             country: str = "RS", cycle: str = "2013-2017") -> Path:
        return write_template(cycle, country, tmp_path / name,
                              rows=copy.deepcopy(VALID_ROWS) if rows is None else rows)

    return make


@pytest.fixture(scope="session")
def sample_workspace(tmp_path_factory):
    """The sample workspace with both sample cycles ingested, made once per test session."""
    from octasee.samples import sample_cycles, sample_files
    from octasee.store import Store
    from octasee.workspace import sample_workspace as make

    ws = make(tmp_path_factory.mktemp("samples") / "sample-workspace")
    with Store(ws.store_path) as store:
        for c in sample_cycles():
            store.ingest(sample_files(c), jobs=1)
    return ws


@pytest.fixture(scope="session")
def sample_report_builds(sample_workspace, tmp_path_factory):
    """The sample report of 2013-2017 in both editions, HTML and (with Chromium) PDF, built
    once per test session for the tests that read the whole report as a reader gets it
    (tests/report/test_editorial.py): ``{"restricted": BuildResult, "public": ...}``."""
    import datetime as dt

    from octasee.report.build import build_report
    from octasee.report.pdf import chromium_path

    out = tmp_path_factory.mktemp("sample-report")
    formats = ("html", "pdf") if chromium_path() else ("html",)
    builds = {}
    for variant in ("restricted", "public"):
        builds[variant] = build_report(
            workspace=sample_workspace.path, cycle="2013-2017", variant=variant,
            formats=formats, out=out / variant, jobs=2, build_date=dt.date(2018, 6, 30),
            record_draft=False, cache_dir=out / f"cache-{variant}")
    return builds
