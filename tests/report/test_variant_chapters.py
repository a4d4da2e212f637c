"""A chapter of one edition only (an editors' annex: notebook metadata octasee.variants)
is left out of the other edition's build, yet both editions of one state of the inputs
are one draft."""

from __future__ import annotations

import dataclasses
import json

from octasee.notebooks import chapter_from_notebook
from octasee.report.build import configure, plan

from .conftest import fixture_chapters


def test_an_editors_annex_is_restricted_only_and_both_editions_share_the_draft(
        workspace_copy, tmp_path):
    chapters = fixture_chapters()
    nb = json.loads(chapters[-1].notebook.read_text("utf-8"))
    nb.setdefault("metadata", {})["octasee"] = {"variants": ["restricted"]}
    annex = tmp_path / "Z_editors.ipynb"
    annex.write_text(json.dumps(nb), "utf-8")
    editors = chapter_from_notebook(annex)
    assert editors.variants == ("restricted",)
    asked = [*chapters, editors]

    def planned(variant: str):
        return plan(configure(workspace=workspace_copy, variant=variant, formats=("html",),
                              out=tmp_path / variant, chapters=asked,
                              cache_dir=tmp_path / "cache"))

    restricted, public = planned("restricted"), planned("public")
    assert "Z_editors" in {r.chapter for r in restricted.runs}
    assert "Z_editors" not in {r.chapter for r in public.runs}
    assert restricted.version.inputs == public.version.inputs  # one draft, two editions
    # the annex is an input of that draft: editing it makes the next one
    nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": "Edited."})
    annex.write_text(json.dumps(nb), "utf-8")
    edited = plan(configure(workspace=workspace_copy, variant="public", formats=("html",),
                            out=tmp_path / "p2", chapters=[*chapters,
                            dataclasses.replace(editors)], cache_dir=tmp_path / "cache"))
    assert edited.version.inputs != public.version.inputs
