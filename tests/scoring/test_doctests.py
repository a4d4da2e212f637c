"""The runnable examples in the scoring docstrings stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["rounding", "normalise", "treat", "impute", "aggregate", "weights", "model", "ocg",
           "risk", "trends", "sensitivity", "_registry"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"octasee.scoring.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
