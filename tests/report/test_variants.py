"""Restricted and public: canaries planted in restricted rows never reach public output."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from octasee.report.build import build_report
from octasee.report.chapters import chapter_from_notebook
from octasee.report.pdf import chromium_path

from .conftest import BUILD_DATE, CANARIES, FIXTURES


def _everything(out: Path) -> dict[str, str]:
    """Every file the build left in its output folder, as text (PDFs through pdftotext)."""
    texts = {}
    for p in out.rglob("*"):
        if not p.is_file():
            continue
        if p.suffix == ".pdf":
            texts[str(p)] = subprocess.run(["pdftotext", str(p), "-"], check=True,
                                           capture_output=True, text=True).stdout
        else:
            texts[str(p)] = p.read_text("utf-8", "replace")
    return texts


def test_canaries_are_in_the_restricted_report(restricted_build):
    html = restricted_build.html.read_text()
    for name, value in CANARIES.items():
        assert value in html, name


def test_canaries_are_nowhere_in_the_public_output(public_build):
    assert public_build.ok and public_build.scrubbed == 0  # the chapters behaved
    files = _everything(public_build.out)
    kinds = {Path(f).suffix for f in files}
    assert {".html", ".json", ".ipynb"} <= kinds
    if chromium_path():
        assert ".pdf" in kinds
    for path, text in files.items():
        for name, value in CANARIES.items():
            assert value not in text, f"{name} leaked into {path}"
    html = public_build.html.read_text()
    assert "PUBLIC" in html and "Public version" in html
    assert "&lt;5" in html  # small counts suppressed
    assert "Heroin transits along the Balkan route." in html  # public rows still there


def test_the_scrub_catches_a_chapter_that_forgets_the_variant(workspace, tmp_path):
    leaky = chapter_from_notebook(FIXTURES / "leaky" / "60_leaky.ipynb")
    result = build_report(workspace=workspace, variant="public", out=tmp_path / "out",
                          chapters=[leaky], formats=("html",), build_date=BUILD_DATE,
                          cache_dir=tmp_path / "cache")
    assert result.scrubbed >= 2  # the executed notebook and the report
    for path, text in _everything(result.out).items():
        assert CANARIES["row_comment"] not in text, path
    assert "comment: [withheld]" in result.html.read_text()
    manifest = json.loads(result.manifest.read_text())
    assert manifest["report"]["scrubbed_restricted_text"] == result.scrubbed


@pytest.mark.parametrize("variant", ["restricted", "public"])
def test_the_marking_follows_the_variant(variant, restricted_build, public_build):
    build = restricted_build if variant == "restricted" else public_build
    html = build.html.read_text()
    marking = "RESTRICTED" if variant == "restricted" else "PUBLIC"
    assert f'<div class="cover-marking">{marking}</div>' in html
