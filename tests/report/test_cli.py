"""``octasee build``, ``drafts`` and ``diff`` on the command line: exit codes and messages.

The commands run through the ``octasee`` group, as a user runs them: the group is the one
place that turns an OctaseeError into a message and an exit code.
"""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from octasee.cli import main

from .conftest import FIXTURES


def _errors(output: str) -> int:
    """How many error messages (click's "Error: ..." lines) the output holds."""
    return sum(line.startswith("Error: ") for line in output.splitlines())


def _build(*args: str):
    return CliRunner().invoke(main, ["build", *args])


def test_failing_chapter_exits_1_naming_chapter_and_cell(workspace, tmp_path):
    args = ["--workspace", str(workspace), "--chapters", str(FIXTURES / "failing"),
            "--format", "html", "--out", str(tmp_path), "--date", "2018-06-30"]
    result = _build(*args)
    assert result.exit_code == 1, result.output
    assert "chapter 50_broken, cell 4: ValueError: fixture failure" in result.output
    assert "partly executed notebook" in result.output
    assert "rerun with --keep-going" in result.output  # the group's one message
    assert _errors(result.output) == 1 and "Traceback" not in result.output
    assert not list(tmp_path.glob("*.html"))

    result = _build(*args, "--keep-going")
    assert result.exit_code == 1
    assert list(tmp_path.glob("*.html")) and "wrote" in result.output


def test_usage_errors_exit_2(workspace, tmp_path):
    result = _build("--workspace", str(workspace), "--format", "docx", "--out", str(tmp_path))
    assert result.exit_code == 2 and "unknown format 'docx'" in result.output
    assert "Usage: main build [OPTIONS]" in result.output  # the subcommand's usage line
    result = _build("--scheduler", "tcp://x:1")
    assert result.exit_code == 2 and "--executor dask" in result.output


def test_drafts_and_diff_errors_are_one_message(tmp_path):
    """Errors of drafts and diff reach the group: one line, its exit code, no traceback."""
    result = CliRunner().invoke(main, ["drafts", "--workspace", str(tmp_path / "none")])
    assert result.exit_code == 2 and "no workspace in" in result.output
    assert _errors(result.output) == 1 and result.exception is not None
    assert isinstance(result.exception, SystemExit)
    result = CliRunner().invoke(main, ["diff", "--workspace", str(tmp_path / "none")])
    assert result.exit_code == 2 and "no workspace in" in result.output


def test_build_error_from_a_shell_has_no_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "octasee.cli", "build", "--workspace",
                           str(tmp_path / "nowhere"), "--format", "html"],
                          capture_output=True, text=True, cwd=tmp_path, check=False)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert _errors(proc.stderr) == 1 and "no workspace in" in proc.stderr
