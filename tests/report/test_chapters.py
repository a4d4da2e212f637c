"""The chapter list: discovery, parameters, per-country chapters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from octasee.report.chapters import (
    Chapter,
    chapter_from_notebook,
    default_chapters,
    notebook_parameters,
)
from octasee.report.errors import ReportError

from .conftest import FIXTURES


def test_default_chapters_in_order_with_the_annex_last():
    chapters = default_chapters(FIXTURES)
    assert [c.slug for c in chapters] == ["01_overview", "02_indicators", "03_assessments",
                                          "A_country_profile"]
    assert [c.per_country for c in chapters] == [False, False, False, True]
    assert [c.number for c in chapters] == ["1", "2", "3", "A"]
    assert chapters[0].title == "Overview" and chapters[-1].title == "Country profiles"


def test_numbers_come_from_file_names_and_leave_the_titles(tmp_path):
    for name, heading in (("00_front_matter", "# Executive summary"),
                          ("04_drugs", "# 4. Drug trafficking"),
                          ("B_method", "# Annex B. Scoring method")):
        _write(tmp_path / f"{name}.ipynb", [
            {"cell_type": "markdown", "metadata": {}, "source": heading},
            {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "outputs": [],
             "source": "cycle = 'x'"}])
    got = [(c.slug, c.number, c.title) for c in default_chapters(tmp_path)]
    assert got == [("00_front_matter", "", "Executive summary"),
                   ("04_drugs", "4", "Drug trafficking"),
                   ("B_method", "B", "Scoring method")]


def test_parameters_are_read_without_running_the_notebook():
    params = notebook_parameters(FIXTURES / "A_country_profile.ipynb")
    assert params == {"cycle": "2013-2017", "workspace": ".", "countries": [],
                      "variant": "restricted", "output_dir": ".", "country": "RS"}


def _write(path: Path, cells: list[dict]) -> Path:
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4,
                                "nbformat_minor": 5}))
    return path


def test_a_notebook_without_a_parameters_cell_is_refused_with_a_hint(tmp_path):
    nb = _write(tmp_path / "01_x.ipynb", [{"cell_type": "code", "metadata": {},
                                          "source": "x = 1", "outputs": []}])
    with pytest.raises(ReportError, match="no cell tagged 'parameters'") as exc:
        chapter_from_notebook(nb)
    assert "tag the cell" in exc.value.message and str(nb) in exc.value.message


def test_non_literal_defaults_come_back_as_source(tmp_path):
    nb = _write(tmp_path / "02_y.ipynb", [{
        "cell_type": "code", "metadata": {"tags": ["parameters"]}, "outputs": [],
        "source": ["cycle: str = '2013-2017'\n", "output_dir = str(Path.cwd())\n"]}])
    assert notebook_parameters(nb) == {"cycle": "2013-2017", "output_dir": "str(Path.cwd())"}
    assert chapter_from_notebook(nb).title == "Y"


def test_empty_folder_and_bad_slug_are_errors(tmp_path):
    with pytest.raises(ReportError, match="no chapter notebooks"):
        default_chapters(tmp_path)
    with pytest.raises(ReportError, match="not usable in file names"):
        Chapter("bad slug/..", "T", tmp_path / "x.ipynb")
