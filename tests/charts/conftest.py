"""Small tables in the store's shapes, and plotly's global defaults restored after each test."""

from __future__ import annotations

import pandas as pd
import plotly.io as pio
import pytest

from octasee.charts.renderer import _renderers_module

MEMBER_SCORES = {"AL": 7.0, "BA": 6.5, "BG": 5.5, "HR": 4.5, "GR": 5.0, "HU": 4.0, "MD": 6.0,
                 "ME": 6.2, "MK": 5.8, "RO": 5.2, "RS": 6.8, "SI": 3.5}  # no TR: "no data"


@pytest.fixture(autouse=True)
def _restore_plotly_defaults():
    template = pio.templates.default
    module = _renderers_module()  # plotly's renderer registry, imported without nbformat
    renderer = module.renderers.default
    yield
    pio.templates.default = template
    module.renderers.default = renderer


@pytest.fixture
def scores() -> pd.DataFrame:
    return pd.DataFrame({"country": list(MEMBER_SCORES), "score": list(MEMBER_SCORES.values())})


@pytest.fixture
def routes() -> pd.DataFrame:
    return pd.DataFrame({
        "route_ref": ["R1", "R2", "R3", "R4"],
        "crime_area": ["heroin", "heroin", "migrant_smuggling", "cocaine"],
        "origin": ["AF", "AF", "TR", "Colombia"],
        "transit": ["IR;TR;BG", "IR;TR;GR;MK;RS", "BG;RS", "ES;IT;SI"],
        "destination": ["AT;DE", "HU", "HU", "HR"],
    })


@pytest.fixture
def heat() -> pd.DataFrame:
    rows = [("AL", "heroin", 7.0), ("AL", "thb", 5.0), ("RS", "cocaine", 6.0),
            ("Serbia", "Trafficking in human beings", 4.5), ("BG", "heroin", 3.0)]
    return pd.DataFrame(rows, columns=["country", "crime_area", "score"])


@pytest.fixture
def trend() -> pd.DataFrame:
    return pd.DataFrame({
        "year": list(range(2013, 2019)) * 2,
        "seized": [10, 12, 13, 15, 16, 18, 5, 6, 6, 7, 9, 10],
        "lo": [8, 10, 10, 12, 12, 12, 4, 5, 5, 6, 7, 7],
        "hi": [12, 14, 16, 18, 20, 24, 6, 7, 7, 8, 11, 13],
        "area": ["heroin"] * 6 + ["cocaine"] * 6,
        "projection": [False] * 4 + [True] * 2 + [False] * 4 + [True] * 2,
    })


@pytest.fixture
def ocgs() -> pd.DataFrame:
    return pd.DataFrame({
        "group_ref": ["RS-2017-001", "AL-2017-007", "BG-2016-003", "TR-2017-009"],
        "country": ["RS", "AL", "BG", "TR"],
        "crime_areas": ["cocaine;economic_crime", "cannabis;cocaine;thb", "synthetic",
                        "heroin;migrant_smuggling"],
        "international_links": ["NL;ES", "IT", "DE", "IR;AF;DE"],
        "score": [420, 310, 200, 500],
    })


@pytest.fixture
def quad() -> pd.DataFrame:
    return pd.DataFrame({"country": ["AL", "RS", "SI", "HR", "TR"],
                         "criminality": [6.5, 6.2, 3.9, 4.5, 6.9],
                         "resilience": [4.0, 4.5, 6.8, 5.9, 4.1]})


@pytest.fixture
def ranks() -> pd.DataFrame:
    return pd.DataFrame({"nominal": [2, 1, 3, 4], "mean": [2.2, 1.4, 2.9, 3.5],
                         "median": [2, 1, 3, 4], "q05": [1, 1, 2, 3], "q95": [3, 2, 4, 4]},
                        index=pd.Index(["AL", "RS", "BG", "HR"], name="unit"))
