"""Every chapter executes under papermill on both sample cycles, with its figures and tables.

Two builds of the real chapter notebooks are made once per session and shared: the
2013-2017 cycle for all 13 members (every chapter, 13 country profiles), and the earlier
2009-2012 cycle for three countries. The tests read the executed notebooks they leave.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

#: Captions each chapter must show (at least this many figures and tables).
EXPECTED = {
    "00_front_matter": {"Figure": 1, "judgements": 8},
    "01_introduction": {"Table": 2},
    "02_regional_overview": {"Figure": 3, "Table": 1},
    "03_organised_crime_groups": {"Figure": 3, "Table": 6},
    "04_drug_trafficking": {"Figure": 8, "Table": 4},
    "05_migrant_smuggling": {"Figure": 3, "Table": 1},
    "06_trafficking_in_human_beings": {"Figure": 1, "Table": 3},
    "07_firearms_trafficking": {"Figure": 2, "Table": 1},
    "08_excise_and_counterfeit_goods": {"Figure": 3, "Table": 2},
    "09_economic_crime_and_corruption": {"Figure": 1, "Table": 2},
    "10_cybercrime_and_emerging_threats": {"Figure": 1, "Table": 1},
    "11_outlook_and_priorities": {"Figure": 1, "Table": 6},
    "A_country_profile": {"Figure": 1, "Table": 3},
    "B_method_and_robustness": {"Figure": 1, "Table": 1},
    "C_findings_and_evidence": {"findings": 40},
    "D_original_texts": {"Table": 1},
    "E_glossary_and_sources": {},  # reference tables, not numbered
}


def _outputs(nb_path: Path) -> tuple[str, list[dict]]:
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    html, errors = [], []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                errors.append(out)
            data = out.get("data", {})
            html.append("".join(data.get("text/html", "")))
    return "\n".join(html), errors


@pytest.mark.parametrize("cycle", ["2013-2017", "2009-2012"])
def test_every_chapter_executes_without_error(chapter_builds, cycle):
    result = chapter_builds[cycle]
    assert result.ok, [(r.label, r.error) for r in result.failed]
    chapters = {r.chapter for r in result.runs}
    assert chapters >= set(EXPECTED)
    profiles = [r for r in result.runs if r.country]
    assert len(profiles) == (13 if cycle == "2013-2017" else 3)
    for run in result.runs:
        _html, errors = _outputs(result.out / run.notebook)
        assert not errors, (run.label, errors[:1])


@pytest.mark.parametrize("chapter", sorted(EXPECTED))
def test_chapter_shows_its_figures_and_tables(chapter_builds, chapter):
    result = chapter_builds["2013-2017"]
    run = next(r for r in result.runs if r.chapter == chapter)
    html, _ = _outputs(result.out / run.notebook)
    want = EXPECTED[chapter]
    figures = len(re.findall(r'class="figure-caption">[^<]*Figure \w+\.\d+', html))
    tables = len(re.findall(r'class="table-caption">[^<]*Table \w+\.\d+', html))
    plots = html.count("Plotly.newPlot(")
    assert figures >= want.get("Figure", 0) and plots >= want.get("Figure", 0), (figures, plots)
    assert tables >= want.get("Table", 0), tables
    assert html.count('class="judgement"') >= want.get("judgements", 0)
    assert html.count('class="finding"') >= want.get("findings", 0)
    # Every figure and table says where its numbers come from.
    assert html.count('class="source"') >= figures + tables


def test_report_has_every_chapter_and_no_cdn(chapter_builds):
    html = chapter_builds["2013-2017"].html.read_text(encoding="utf-8")
    for title in ("Executive summary", "Drug trafficking", "Annex A", "Annex B"):
        assert title in html
    assert not re.search(r'<script[^>]+src="https?://', html)
    assert html.count("Plotly.newPlot(") >= 30


def test_wrong_parameters_stop_at_the_first_cell(sample_workspace, tmp_path):
    import papermill as pm

    nb = Path(__file__).resolve().parents[2] / "notebooks" / "04_drug_trafficking.ipynb"
    for params, message in (({"countries": ["Atlantis"]}, "unknown member country 'Atlantis'"),
                            ({"cycle": "2001-2004"}, "not in the store")):
        with pytest.raises(pm.PapermillExecutionError) as exc:
            pm.execute_notebook(str(nb), str(tmp_path / "out.ipynb"), kernel_name="python3",
                                parameters={"workspace": str(sample_workspace.path), **params},
                                progress_bar=False)
        assert exc.value.ename == "UsageError"
        assert message in exc.value.evalue
        executed = json.loads((tmp_path / "out.ipynb").read_text(encoding="utf-8"))
        code = [c for c in executed["cells"] if c["cell_type"] == "code"]
        failed = [i for i, c in enumerate(code)
                  if any(o.get("output_type") == "error" for o in c.get("outputs", []))]
        # The injected parameters, then the first code cell of the chapter: that one stops.
        assert failed == [2]
