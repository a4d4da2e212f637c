"""The translation memory (translations.yaml) is an input of the build: an edited
translation makes a new draft and new cache keys, and a file that cannot be read stops
the build before any chapter runs."""

from __future__ import annotations

import pytest

from octasee.errors import ConfigError
from octasee.report.build import configure, plan
from octasee.translations import Translation, format_memory

from .conftest import BUILD_DATE, fixture_chapters


def _plan(ws, tmp_path):
    return plan(configure(workspace=ws, formats=("html",), chapters=fixture_chapters(),
                          out=tmp_path / "out", build_date=BUILD_DATE))


def test_an_edited_translation_is_a_new_draft(workspace_copy, tmp_path):
    memory = workspace_copy / "translations.yaml"
    memory.unlink(missing_ok=True)
    before = _plan(workspace_copy, tmp_path)
    memory.write_text(format_memory([Translation.of(
        "Privremeni podatak.", "Provisional figure.", language="sr", translator="T")]),
        "utf-8")
    after = _plan(workspace_copy, tmp_path)
    assert after.version.inputs != before.version.inputs
    assert {r.key for r in after.runs}.isdisjoint({r.key for r in before.runs})
    assert _plan(workspace_copy, tmp_path).version.inputs == after.version.inputs


def test_a_mistake_in_the_translation_memory_stops_the_plan(workspace_copy, tmp_path):
    (workspace_copy / "translations.yaml").write_text(
        "translations:\n  - language: sr\n    original: X\n", "utf-8")
    with pytest.raises(ConfigError) as exc:
        _plan(workspace_copy, tmp_path)
    assert f"{workspace_copy / 'translations.yaml'}, line 2: 'english' is missing" \
        in str(exc.value)
