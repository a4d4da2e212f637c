"""Chapter notebooks are stored thin and clean: no outputs, one parameters cell, tagged code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
PARAMETERS = {"cycle", "workspace", "countries", "variant", "output_dir"}


def test_every_chapter_is_there():
    names = {p.stem.split("_")[0] for p in NOTEBOOKS}
    assert names >= {f"{i:02d}" for i in range(12)} | {"A", "B"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_without_outputs_and_tagged(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
    tagged = [c for c in code if "parameters" in c["metadata"].get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    names = {line.split("=")[0].split(":")[0].strip() for line in "".join(tagged[0]["source"]).splitlines()
             if "=" in line and not line.lstrip().startswith("#")}
    assert names >= PARAMETERS
    # Every code cell is hidden in the report; logic stays in the library (short cells).
    for c in code:
        tags = set(c["metadata"].get("tags", []))
        assert tags & {"remove_input", "remove_cell"}, c["source"]
        assert len("".join(c["source"]).splitlines()) <= 12
