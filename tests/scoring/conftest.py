"""Shared fixtures for the scoring tests: the GI-TOC tables shipped inside the package."""

from __future__ import annotations

from importlib import resources

import pandas as pd
import pytest


def gitoc_path(edition: int):
    return (resources.files("octasee").joinpath("sources", "data", "goc_index",
                                                f"global_oc_index_{edition}.csv"))


@pytest.fixture(scope="session")
def gitoc() -> dict[int, pd.DataFrame]:
    out = {}
    for edition in (2021, 2023):
        with resources.as_file(gitoc_path(edition)) as p:
            out[edition] = pd.read_csv(p)
    return out
