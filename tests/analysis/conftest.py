"""Small tidy frames for the analysis layer's tests."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd


def series_rows(country: str, values: Mapping[int, float], *, area: str = "heroin",
                indicator: str = "heroin_seized", grade: tuple[str, int] = ("A", 1),
                nd: bool = False) -> list[dict[str, object]]:
    """Total rows of one country's series, as the store gives them."""
    return [{"country": country, "crime_area": area, "indicator": indicator,
             "breakdown": None, "year": int(y), "value": float(v), "unit": "kg",
             "source_reliability": grade[0], "information_assessment": grade[1],
             "not_for_dissemination": nd}
            for y, v in values.items()]


def frame(*parts: list[dict[str, object]]) -> pd.DataFrame:
    return pd.DataFrame([r for p in parts for r in p])
