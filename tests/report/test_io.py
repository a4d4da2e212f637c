"""Atomic writes: an interrupted write leaves the previous file, never half a new one."""

from __future__ import annotations

import os

import pytest

from octasee.report._io import write_text_atomic


def test_interrupted_write_keeps_the_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "report.html"
    write_text_atomic(target, "old report")

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_text_atomic(target, "new report, " * 100_000)
    monkeypatch.undo()
    assert target.read_text() == "old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
    assert oct(target.stat().st_mode & 0o777) != "0o600"
