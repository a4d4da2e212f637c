"""The analysts' bottom line and outlook (summary.md, summary.public.md, outlook.yaml)
are inputs of the build: an edit makes a new draft and new cache keys, and a mistake in
outlook.yaml stops the build before any chapter runs."""

from __future__ import annotations

import pytest

from octasee.errors import ConfigError
from octasee.report.build import configure, plan

from .conftest import BUILD_DATE, fixture_chapters


def _plan(ws, tmp_path):
    return plan(configure(workspace=ws, formats=("html",), chapters=fixture_chapters(),
                          out=tmp_path / "out", build_date=BUILD_DATE))


def test_an_edited_bottom_line_is_a_new_draft(workspace_copy, tmp_path):
    before = _plan(workspace_copy, tmp_path)
    (workspace_copy / "summary.md").write_text("Heroin transits the region.\n", "utf-8")
    after = _plan(workspace_copy, tmp_path)
    assert after.version.inputs != before.version.inputs
    assert {r.key for r in after.runs}.isdisjoint({r.key for r in before.runs})
    # the same text again: the same inputs
    assert _plan(workspace_copy, tmp_path).version.inputs == after.version.inputs


def test_a_mistake_in_the_outlook_file_stops_the_plan(workspace_copy, tmp_path):
    (workspace_copy / "outlook.yaml").write_text("scenarios:\n  - id: S1\n    colour: red\n",
                                                 "utf-8")
    with pytest.raises(ConfigError) as exc:
        _plan(workspace_copy, tmp_path)
    assert "outlook.yaml" in str(exc.value)
