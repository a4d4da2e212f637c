"""Fixtures for the public-source adapters: raw views of the *shipped* extracts only.

The raw readers use the standard :mod:`csv` module, independently of the adapters, so
that a test compares the adapter's output with the file rather than with itself.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pytest

DATA_DIR = Path(str(resources.files("octasee.sources") / "data"))


def raw_text(relpath: str) -> str:
    data = (DATA_DIR / relpath).read_bytes()
    if relpath.endswith(".gz"):
        data = gzip.decompress(data)
    return data.decode("utf-8")


def raw_rows(relpath: str) -> list[dict[str, str]]:
    """Data rows of a shipped file as dicts; row i (0-based) is file row i + 2."""
    return list(csv.DictReader(io.StringIO(raw_text(relpath), newline="")))


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA_DIR


@pytest.fixture(scope="session")
def rows() -> Callable[[str], list[dict[str, str]]]:
    return raw_rows


@pytest.fixture(scope="session")
def text() -> Callable[[str], str]:
    return raw_text
