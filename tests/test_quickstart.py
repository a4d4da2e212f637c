"""The README's Quickstart and CI run the same test command, and it stays two commands."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _quickstart() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quickstart", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block, "the Quickstart has a bash block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_quickstart_has_exactly_two_commands():
    if not (ROOT / "README.md").exists():
        pytest.skip("not run from a checkout")
    lines = _quickstart()
    assert len(lines) == 2
    assert "octasee" in lines[0] and "pytest" in lines[1]


def test_ci_runs_the_readme_test_command():
    if not (ROOT / ".ci" / "run").exists():
        pytest.skip("not run from a checkout")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert _quickstart()[1] in ci.splitlines()
