"""The layering of octasee (ARCHITECTURE.md), as import-linter contracts in pyproject.toml.

import-linter reads every import statement, those inside functions too, so a cycle
cannot be hidden by moving an import into a function.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _lint_imports() -> list[str]:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-c",
                              "from importlinter.cli import lint_imports_command as c; c()"]


def test_the_import_contracts_are_kept():
    pytest.importorskip("importlinter", reason="pip install import-linter (the test extra)")
    # run in the checkout: lint-imports reads [tool.importlinter] of its pyproject.toml
    proc = subprocess.run([*_lint_imports(), "--no-cache"], cwd=ROOT, capture_output=True,
                          text=True, check=False, timeout=300)
    out = proc.stdout + proc.stderr
    if proc.returncode != 0:
        broken = out[out.find("Broken contracts"):] if "Broken contracts" in out else out
        pytest.fail("import-linter: a contract is broken\n" + broken.strip(), pytrace=False)
    assert "BROKEN" not in out and "KEPT" in out


def test_every_module_of_octasee_has_a_layer():
    """The layers contract is exhaustive: a new module fails the contract above until it
    is given its place; the layers named there exist."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["importlinter"]
    (layers,) = [c for c in config["contracts"] if c["type"] == "layers"]
    assert layers["exhaustive"] is True and layers["containers"] == ["octasee"]
    named = {m.strip() for layer in layers["layers"] for m in layer.split("|")}
    present = {p.stem if p.suffix == ".py" else p.name for p in (ROOT / "octasee").iterdir()
               if (p.suffix == ".py" and p.stem != "__init__")
               or (p.is_dir() and (p / "__init__.py").exists())}
    assert named == present, (sorted(named - present), sorted(present - named))


def test_nothing_inside_octasee_imports_the_package_root():
    """Checked without import-linter too: the root re-exports, it is never imported."""
    offenders = []
    for path in sorted((ROOT / "octasee").rglob("*.py")):
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            text = line.strip()
            if text in ("import octasee",) or text.startswith("from octasee import "):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {text}")
    assert not offenders, offenders
