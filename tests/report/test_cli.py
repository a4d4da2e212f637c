"""``octasee build`` on the command line: exit codes and messages."""

from __future__ import annotations

from click.testing import CliRunner

from octasee.report.cli import build_command

from .conftest import FIXTURES


def test_failing_chapter_exits_1_naming_chapter_and_cell(workspace, tmp_path):
    args = ["--workspace", str(workspace), "--chapters", str(FIXTURES / "failing"),
            "--format", "html", "--out", str(tmp_path), "--date", "2018-06-30"]
    result = CliRunner().invoke(build_command, args)
    assert result.exit_code == 1, result.output
    assert "chapter 50_broken, cell 4: ValueError: fixture failure" in result.output
    assert "partly executed notebook" in result.output
    assert not list(tmp_path.glob("*.html"))

    result = CliRunner().invoke(build_command, [*args, "--keep-going"])
    assert result.exit_code == 1
    assert list(tmp_path.glob("*.html")) and "wrote" in result.output


def test_usage_errors_exit_2(workspace, tmp_path):
    result = CliRunner().invoke(build_command, ["--workspace", str(workspace), "--format",
                                                "docx", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "unknown format 'docx'" in result.output
    result = CliRunner().invoke(build_command, ["--scheduler", "tcp://x:1"])
    assert result.exit_code == 2 and "--executor dask" in result.output
