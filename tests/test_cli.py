"""The command line: exit codes, messages instead of tracebacks, files it writes."""

from __future__ import annotations

import subprocess
import sys

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from octasee.cli import main


def run(*args, cwd=None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(main, list(map(str, args)), catch_exceptions=False)
    with runner.isolated_filesystem(temp_dir=cwd):
        return runner.invoke(main, list(map(str, args)), catch_exceptions=False)


def test_questionnaire_writes_a_protected_workbook_with_drop_downs(tmp_path):
    out = tmp_path / "RS.xlsx"
    res = run("questionnaire", "--cycle", "2013-2017", "--country", "RS", "--out", out)
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:6] == ["Instructions", "Respondent", "Indicators", "Groups", "Routes",
                                 "Assessments"]
    ind = wb["Indicators"]
    headers = [c.value for c in ind[1]]
    assert "Year [YYYY]" in headers and "Unit [g, kg, t, count, EUR]" in headers
    assert ind.protection.sheet and ind["A1"].protection.locked
    assert ind.column_dimensions["A"].protection.locked is False  # data cells editable
    from openpyxl.utils import get_column_letter

    validated = {str(r.coord).split(":")[0].rstrip("0123456789")
                 for dv in ind.data_validations.dataValidation for r in dv.sqref.ranges}
    coded = {get_column_letter(i + 1) for i, h in enumerate(headers) if h.split(" [")[0] in (
        "Crime area", "Indicator", "Unit", "Source reliability", "Information assessment",
        "Not for dissemination")}
    assert len(coded) == 6 and coded <= validated
    groups = wb["Groups"]
    assert len(groups.data_validations.dataValidation) >= 20  # every attribute has its list
    assert wb["Respondent"]["A2"].value == "Serbia"
    assert wb["_octasee"].sheet_state == "veryHidden"


def test_questionnaire_for_every_expected_country(tmp_path):
    res = run("questionnaire", "--all", "--cycle", "2013-2017", "--out", tmp_path / "round1",
              "--workspace", tmp_path / "nope")
    assert res.exit_code == 2 and "no workspace" in res.output
    from octasee.workspace import create_workspace

    ws = create_workspace(tmp_path / "ws", cycle="2013-2017", expected=["RS", "HR", "AL"])
    res = run("questionnaire", "--all", "--workspace", ws.path, "--out", tmp_path / "round1")
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in (tmp_path / "round1").iterdir()) == [
        "OCTA-SEE_2013-2017_AL.xlsx", "OCTA-SEE_2013-2017_HR.xlsx", "OCTA-SEE_2013-2017_RS.xlsx"]
    assert (tmp_path / "round1.zip").exists()


def test_unknown_country_is_a_usage_message(tmp_path):
    res = run("questionnaire", "--cycle", "2013-2017", "--country", "Serbja",
              "--out", tmp_path / "x.xlsx")
    assert res.exit_code == 1
    assert "unknown member country 'Serbja'; did you mean 'Serbia (RS)'?" in res.output


def test_validate_clean_and_dirty(make_workbook, valid_rows, tmp_path):
    good = make_workbook(name="good.xlsx")
    res = run("validate", good, "--problems", tmp_path / "p1")
    assert res.exit_code == 0 and "no problems found" in res.output
    valid_rows["indicators"][0]["value"] = "lots"
    bad = make_workbook(valid_rows, name="bad.xlsx")
    res = run("validate", good, bad, "--problems", tmp_path / "p2")
    assert res.exit_code == 1
    assert "bad.xlsx, sheet 'Indicators', row 2, column 'Value': not a number" in res.output
    table = pd.read_csv(tmp_path / "p2.csv")
    assert list(table.columns[:5]) == ["severity", "file", "sheet", "row", "column"]
    assert len(pd.read_excel(tmp_path / "p2.xlsx", engine="calamine")) == len(table)


def test_ingest_exit_codes_and_status(make_workbook, valid_rows, tmp_path):
    from octasee.workspace import create_workspace

    ws = create_workspace(tmp_path / "ws", cycle="2013-2017")
    res = run("ingest", make_workbook(), "--workspace", ws.path)
    assert res.exit_code == 0, res.output
    valid_rows["indicators"][0]["year"] = 2030
    res = run("ingest", make_workbook(valid_rows, name="RS2.xlsx"), "--workspace", ws.path)
    assert res.exit_code == 1 and "year outside the cycle" in res.output
    assert list((ws.path / "problems").glob("ingest-*.xlsx"))
    res = run("ingest", "--workspace", ws.path)
    assert res.exit_code == 2
    res = run("status", "--workspace", ws.path)
    assert res.exit_code == 0
    assert "response rate 2013-2017: 1 of 13" in res.output
    assert "quarantined rows" in res.output


def test_no_traceback_for_a_users_mistake(tmp_path):
    bad = tmp_path / "answers.xlsx"
    bad.write_bytes(b"this is not a workbook")
    proc = subprocess.run([sys.executable, "-m", "octasee.cli", "validate", str(bad),
                           "--problems", str(tmp_path / "p")], capture_output=True, text=True,
                          cwd=tmp_path, check=False)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "answers.xlsx" in proc.stdout and "not a workbook" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "octasee.cli", "ingest", str(tmp_path / "nope.xlsx"),
                           "--workspace", str(tmp_path)], capture_output=True, text=True,
                          cwd=tmp_path, check=False)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


@pytest.mark.parametrize(("args", "code", "message"), [
    (["init", "{ws}", "--cycle", "2013-2017"], 1, "already holds a workspace"),
    (["questionnaire"], 2, "say which country"),
    (["validate", "{tmp}/nope.xlsx"], 1, "file not found"),
    (["ingest", "{tmp}/nope.xlsx", "--workspace", "{tmp}/nowhere"], 2, "no workspace in"),
    (["status", "--workspace", "{tmp}/nowhere"], 2, "no workspace in"),
    (["samples", "--workspace", "{tmp}/afile"], 2, "cannot make the workspace folder"),
    (["index", "--spec", "{tmp}/nope.yaml", "--data", "{tmp}/afile", "--out", "{tmp}/o.csv"],
     1, "nope.yaml"),
    (["build", "--workspace", "{tmp}/nowhere", "--format", "html"], 2, "no workspace in"),
    (["drafts", "--workspace", "{tmp}/nowhere"], 2, "no workspace in"),
    (["diff", "--workspace", "{tmp}/nowhere"], 2, "no workspace in"),
])
def test_every_subcommand_says_a_users_mistake_once(tmp_path, args, code, message):
    """One handler (the group's) for every subcommand: one message, exit 1 or 2, no
    traceback."""
    from octasee.workspace import create_workspace

    ws = create_workspace(tmp_path / "ws", cycle="2013-2017")
    (tmp_path / "afile").write_text("x\n")
    res = run(*[a.format(tmp=tmp_path, ws=ws.path) for a in args])
    assert res.exit_code == code, res.output
    assert isinstance(res.exception, SystemExit), res.exception  # not a traceback
    assert sum(line.startswith("Error: ") for line in res.output.splitlines()) == 1
    assert message in res.output
