"""Every example in a public docstring runs (on the sample data) and shows what it says."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import octasee

MODULES = sorted(
    m.name for m in pkgutil.walk_packages(octasee.__path__, prefix="octasee.")
    if not m.name.endswith(("__main__", ".cli")) and "._samples" not in m.name
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples that write files write them here
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(module, name):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"
