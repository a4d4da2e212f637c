"""Outputs that cannot be turned against their reader (issue 16).

- Problem lists (``octasee-problems.xlsx``/``.csv``, ``problems/ingest-*.xlsx``, the file
  sent back to a country) never hold a live spreadsheet formula: values that a spreadsheet
  would run (``=``, ``+``, ``-``, ``@``, tab, carriage return) get a leading ``'``
  (OWASP's CSV-injection guidance) and xlsx cells are written as strings.
- File names and paths print as they are, brackets included (rich markup is not applied).
- HTML planted in a questionnaire's free text reaches the report as text: never a live
  link or image, in tables, text or plotly figures.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from octasee.cli import main
from octasee.questionnaire import problems as qp
from octasee.questionnaire.problems import PROBLEM_COLUMNS
from octasee.questionnaire.template import write_template

#: What a spreadsheet runs when a cell starts with it (OWASP, CSV injection).
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PAYLOADS = {
    "hyperlink": '=HYPERLINK("http://evil","click")',
    "dde": "+cmd|' /C calc'!A0",
    "minus": "-2+3",
    "at": "@SUM(A1)",
    "tab": "\t=1",
    "cr": "\r=1",
}


def run(*args: Any):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


# --------------------------------------------------------------------------- safe_cell


@pytest.mark.parametrize("value", list(PAYLOADS.values()))
def test_safe_cell_quotes_what_a_spreadsheet_would_run(value):
    assert qp.safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", [" =1", "\n=1", "  @x"])
def test_safe_cell_looks_past_leading_blanks(value):
    assert qp.safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Serbia", "RS [final].xlsx", "", "a=b", "'=already", "2-3"])
def test_safe_cell_leaves_plain_text_alone(value):
    assert qp.safe_cell(value) == value


@pytest.mark.parametrize("value", [-5, -2.5, 0, 7, None, pd.NA])
def test_safe_cell_leaves_numbers_and_blanks_alone(value):
    assert qp.safe_cell(value) is value


def test_safe_cell_leaves_nan_and_plain_negative_numbers_as_text_alone():
    assert math.isnan(qp.safe_cell(float("nan")))
    # a plain number is never a formula: it stays readable in the list sent to a country
    assert qp.safe_cell("-5") == "-5" and qp.safe_cell("-1.234,5") == "-1.234,5"


def _hostile_problems() -> pd.DataFrame:
    rows = [{"severity": "error", "file": "=RS.xlsx", "sheet": "Groups", "row": i + 2,
             "column": "Structure", "value": v, "expected": "@expected", "message": "-msg",
             "check": "code"} for i, v in enumerate(PAYLOADS.values())]
    rows.append({"severity": "warning", "file": "RS.xlsx", "sheet": None, "row": None,
                 "column": None, "value": "", "expected": "", "message": "plain",
                 "check": "file"})
    df = pd.DataFrame(rows, columns=PROBLEM_COLUMNS)
    df["row"] = df["row"].astype("Int64")
    return df


def _xlsx_cells(path: Path) -> list[Any]:
    wb = openpyxl.load_workbook(path)
    cells = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", f"{path.name} {c.coordinate} is a formula: {c.value!r}"
                cells.append(c.value)
    return cells


def _csv_cells(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    # a line break inside a value must not start a row (and a formula) of its own
    assert {len(r) for r in rows} == {len(PROBLEM_COLUMNS)}, rows
    return [v for row in rows for v in row]


def _assert_inert(values: list[Any], path: Path) -> None:
    for v in values:
        if isinstance(v, str) and v.lstrip(" \n").startswith(TRIGGERS):
            assert v.startswith("'"), f"{path.name}: {v!r} would run in a spreadsheet"


def test_write_problem_files_writes_no_formula(tmp_path):
    csv_path, xlsx_path = qp.write_problem_files(_hostile_problems(), tmp_path / "out" / "p")
    assert (csv_path.name, xlsx_path.name) == ("p.csv", "p.xlsx")
    for path, values in ((xlsx_path, _xlsx_cells(xlsx_path)), (csv_path, _csv_cells(csv_path))):
        _assert_inert(values, path)
        values = [v.replace("\r", "\n") if isinstance(v, str) else v for v in values]
        for v in PAYLOADS.values():
            # (an xlsx's XML reads a carriage return as a line feed)
            assert ("'" + v).replace("\r", "\n") in values, (path.name, v)
        assert "'=RS.xlsx" in values and "'@expected" in values and "'-msg" in values
    ws = openpyxl.load_workbook(xlsx_path)["Problems"]
    assert ws.freeze_panes == "A2" and ws["A1"].value == "severity"
    assert ws["D2"].data_type == "n" and ws["D2"].value == 2  # rows stay numbers


# --------------------------------------------------------------------------- the CLI


def hostile_workbook(folder: Path, rows: dict[str, list[dict[str, Any]]],
                     name: str = "=RS [final].xlsx") -> Path:
    """A questionnaire whose cells start like formulas, written as text as Excel keeps
    them when a country types ``'=...``, in columns whose problems show the value."""
    rows["groups"][0]["structure"] = PAYLOADS["hyperlink"]
    rows["routes"][0]["origin"] = PAYLOADS["dde"]
    rows["indicators"][0]["value"] = PAYLOADS["minus"]
    rows["indicators"][1]["source_reliability"] = PAYLOADS["at"]
    rows["indicators"][2]["unit"] = PAYLOADS["tab"]
    rows["indicators"][3]["year"] = PAYLOADS["cr"]
    path = write_template("2013-2017", "RS", folder / name, rows=rows)
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f" and c.value == PAYLOADS["hyperlink"]:
                    c.data_type = "s"  # text, not a formula, as a country's '= would be
    wb.save(path)
    return path


def _assert_problem_files_inert(paths: list[Path]) -> None:
    assert paths
    for path in paths:
        values = _xlsx_cells(path) if path.suffix == ".xlsx" else _csv_cells(path)
        _assert_inert(values, path)
        assert "'=RS [final].xlsx" in values  # the file column: a name can start with '='
        assert "'" + PAYLOADS["hyperlink"] in values


def test_validate_problem_lists_hold_no_formula(tmp_path, valid_rows):
    src = hostile_workbook(tmp_path, valid_rows)
    res = run("validate", src, "--problems", tmp_path / "out" / "problems")
    assert res.exit_code == 1, res.output
    _assert_problem_files_inert([tmp_path / "out" / "problems.xlsx",
                                 tmp_path / "out" / "problems.csv"])
    values = _xlsx_cells(tmp_path / "out" / "problems.xlsx")
    for key in ("dde", "minus", "at", "tab"):
        assert "'" + PAYLOADS[key] in values, key


def test_ingest_problem_lists_hold_no_formula(tmp_path, valid_rows):
    from octasee.workspace import create_workspace

    ws = create_workspace(tmp_path / "ws", cycle="2013-2017")
    res = run("ingest", hostile_workbook(tmp_path, valid_rows), "--workspace", ws.path)
    assert res.exit_code == 1, res.output
    written = sorted((ws.path / "problems").iterdir())
    # the whole list (.csv, .xlsx) and the one to send back to Serbia
    assert any(p.name.endswith("-RS.xlsx") for p in written), written
    _assert_problem_files_inert(written)


# --------------------------------------------------------------------------- printing


def _table_row(output: str, text: str) -> bool:
    return any(line.startswith("│") and f" {text} " in line for line in output.splitlines())


def test_file_names_with_brackets_print_as_they_are(tmp_path, valid_rows):
    from octasee.workspace import create_workspace

    good = write_template("2013-2017", "RS", tmp_path / "RS [final].xlsx",
                          rows=valid_rows)
    res = run("validate", good, "--problems", tmp_path / "p")
    assert res.exit_code == 0, res.output
    assert _table_row(res.output, "RS [final].xlsx"), res.output
    assert "RS .xlsx" not in res.output

    # a folder name that is neither rich markup nor an emoji code
    ws = create_workspace(tmp_path / "ws [final] :x:", cycle="2013-2017")
    res = run("ingest", good, "--workspace", ws.path)
    assert _table_row(res.output, "RS [final].xlsx"), res.output
    # (the title wraps to the table's width: compare without white space)
    assert "".join(f"Ingest into {ws.store_path}".split()) in "".join(res.output.split())
    assert "RS .xlsx" not in res.output

    res = run("status", "--workspace", ws.path)
    assert res.exit_code == 0, res.output
    assert f"workspace {ws.path}" in res.output, res.output


def test_table_cells_are_not_markup():
    from rich.console import Console

    from octasee.cli import _table

    console = Console(width=120, record=True, highlight=False)
    link = "RS\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\.xlsx"  # a terminal hyperlink
    console.print(_table(pd.DataFrame({"file [x]": ["RS [final].xlsx", "[bold]x[/bold]", link]}),
                         title="Ingest into /tmp/ws [final]"))
    text = " ".join(console.export_text().split())
    assert "RS [final].xlsx" in text and "[bold]x[/bold]" in text
    assert "file [x]" in text and "Ingest into /tmp/ws [final]" in text
    assert "\x1b" not in text and "RS\\x1b]8;;http://evil" in text


def test_build_progress_prints_notes_literally():
    from rich.console import Console

    from octasee.report.progress import BuildProgress

    console = Console(width=160, record=True, highlight=False, force_terminal=False)
    p = BuildProgress(console=console)
    p("03_groups [final]", "failed",
      {"title": "Groups", "error": {"cell": 3, "ename": "KeyError", "evalue": "['[/]x']"}})
    console.print(p._table())
    text = console.export_text()
    assert "03_groups [final]" in text and "KeyError: ['[/]x']" in text


# --------------------------------------------------------------------------- the report

EVIL_LINK = '<a href="http://evil.example">x</a>'
EVIL_IMG = "<img src=x onerror=alert(1)>"
BOLD = "<b>bold</b>"
HOSTILE = f"{EVIL_LINK} {EVIL_IMG} {BOLD}"


def _hostile_rows() -> dict[str, list[dict[str, Any]]]:
    """Serbia's answers with HTML in every free-text and reference column."""
    from octasee.questionnaire.spec import spec_for

    grading = {"source_reliability": "B", "information_assessment": 2}
    sheet = next(s for s in spec_for("2013-2017").sheets if s.key == "groups")
    high = {c.key: "High" for c in sheet.columns if c.kind == "attribute"}  # in the top 15
    group = {"group_ref": HOSTILE, "name": HOSTILE, "members": 25, "structure": "core group",
             "crime_areas": "heroin, cocaine", "international_links": "NL; ES",
             "comment": HOSTILE, **high, **grading}
    return {
        "respondent": [{"country": "Serbia", "cycle": "2013-2017", "agency": HOSTILE,
                        "contact_name": HOSTILE, "contact_email": "analyst@example.org",
                        "submission_date": "15.03.2018", "dissemination": "public"}],
        "indicators": [{"crime_area": "heroin", "indicator": "heroin_seized", "year": y,
                        "value": 100 + y % 7, "unit": "kg", "comment": HOSTILE, **grading}
                       for y in range(2013, 2018)],
        "groups": [group,
                   {**group, "group_ref": EVIL_IMG + " 2", "crime_areas": "cannabis"},
                   {**group, "group_ref": EVIL_LINK + " 3", "crime_areas": "heroin"}],
        "routes": [{"route_ref": HOSTILE, "crime_area": "heroin", "commodity": HOSTILE,
                    "origin": "Afghanistan", "transit": "Iran, Turkey, Bulgaria",
                    "destination": "Austria", "transport_mode": "road",
                    "modus_operandi": HOSTILE, "year": 2017, "comment": HOSTILE,
                    **grading}],
        "assessments": [{"crime_area": a, "situation": HOSTILE, "trends": HOSTILE,
                         "expected_threats": HOSTILE, "language": "en", **grading}
                        for a in ("heroin", "cocaine", "counterfeit_goods")],
    }


def _unescape_json(text: str) -> str:
    """plotly writes '<', '>' and '/' in its JSON as \\u003c, \\u003e, \\u002f."""
    return (text.replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u002f", "/")
            .replace('\\"', '"'))


@pytest.fixture(scope="module")
def hostile_build(sample_workspace, tmp_path_factory):
    """The sample workspace with Serbia's 2013-2017 answers replaced by hostile ones, and
    the chapters that show groups and routes built from it (restricted variant)."""
    from octasee.report.build import build_report
    from octasee.report.chapters import default_chapters, notebooks_dir
    from octasee.store import Store
    from octasee.workspace import Workspace

    base = tmp_path_factory.mktemp("hostile")
    target = base / "ws"
    shutil.copytree(sample_workspace.path, target,
                    ignore=shutil.ignore_patterns(".octasee-cache", "drafts", "problems"))
    ws = Workspace.open(target)
    src = write_template("2013-2017", "RS", base / "RS.xlsx", rows=_hostile_rows(),
                         issued=dt.date(2018, 1, 10))
    with Store(ws.store_path) as store:
        report = store.ingest([src], jobs=1)
    summary = report.summary()
    assert summary["accepted"].iloc[0] > 0, summary.to_string()
    # groups (table, network, explorer), routes (map and modus-operandi table) and written assessments (quotes:
    # in chapter 8 Serbia's is among the few shown for counterfeit goods)
    chapters = [c for c in default_chapters(notebooks_dir())
                if c.slug.startswith(("03_", "04_", "08_"))]
    assert len(chapters) == 3, [c.slug for c in default_chapters(notebooks_dir())]
    result = build_report(workspace=ws.path, cycle="2013-2017", formats=("html",),
                          out=base / "out", chapters=chapters, jobs=2,
                          build_date=dt.date(2018, 6, 30), use_cache=False,
                          record_draft=False)
    return result.html.read_text(encoding="utf-8")


def test_planted_html_reaches_the_report_as_text(hostile_build):
    from octasee.report.assemble import plotlyjs

    html = hostile_build.replace(plotlyjs(), "")
    # never live, in text, tables and the widgets' static views ...
    assert not re.search(r"<a\s[^>]*evil\.example", html)
    assert not re.search(r"<img\s+src=x", html)
    assert "<b>bold</b>" not in html
    # ... nor in the figures (plotly's JSON, its '<' and '>' written as \u003c, \u003e)
    figures = _unescape_json(html)
    assert not re.search(r"<a\s[^>]*evil\.example", figures), "a live link in a figure"
    assert not re.search(r"<img\s+src=x", figures), "a live image in a figure"
    assert "<b>bold</b>" not in figures
    # but shown, as text: in the table of the highest-scoring groups (reference, then
    # name) and a quote (chapter 3 draws no network of single groups any more)
    shown = '&lt;a href="http://evil.example"&gt;x&lt;/a&gt; &lt;img src=x onerror=alert(1)&gt;'
    bold = f"{shown} &lt;b&gt;bold&lt;/b&gt;"
    assert f"<td>{bold} ({bold})</td>" in html
    assert f'<blockquote class="submission-text">{shown}' in html
