"""The HTML in a browser with no network, and the PDF printed from it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from octasee.report.pdf import launch_chromium, offline_page, wait_for_plots

from .conftest import needs_chromium

pytestmark = needs_chromium

#: Screenshots and page images land here for a person to look at.
SHOTS = Path(__file__).resolve().parents[2] / "build" / "test-report-shots"


@pytest.fixture(scope="module")
def shots() -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS


def _open(html: Path, shots: Path, name: str) -> dict:
    blocked: list[str] = []
    errors: list[str] = []
    dialogs: list[str] = []
    with launch_chromium() as browser:
        page = offline_page(browser, blocked=blocked, errors=errors)
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(html.as_uri(), wait_until="load")
        wait_for_plots(page)
        facts = page.evaluate("""() => ({
            plots: document.querySelectorAll('.plotly-graph-div').length,
            drawn: Array.from(document.querySelectorAll('.plotly-graph-div'))
                     .filter(d => d.querySelector('svg.main-svg')).length,
            onerror: document.querySelectorAll('[onerror]').length,
            scripts: Array.from(document.scripts).filter(s => s.src).length,
            widest: Math.max(...Array.from(document.querySelectorAll('.plotly-graph-div'))
                     .map(d => d.getBoundingClientRect().width)),
        })""")
        page.screenshot(path=str(shots / f"{name}-cover.png"))
        chapter = page.locator("#ch-01_overview")
        chapter.scroll_into_view_if_needed()
        page.screenshot(path=str(shots / f"{name}-chapter.png"), full_page=True,
                        clip={"x": 0, "y": chapter.bounding_box()["y"] + page.evaluate(
                            "window.scrollY"), "width": 794, "height": 1000})
    return {**facts, "blocked": blocked, "errors": errors, "dialogs": dialogs}


def test_report_is_self_contained_and_every_figure_draws(restricted_build, shots):
    facts = _open(restricted_build.html, shots, "restricted")
    assert facts["blocked"] == [], "the report fetched from the network"
    assert facts["errors"] == [] and facts["dialogs"] == []
    assert facts["plots"] == 5 and facts["drawn"] == 5  # 2 chapters + 3 profiles
    assert facts["scripts"] == 0 and facts["onerror"] == 0
    assert facts["widest"] <= 718


def _pdftotext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


@pytest.mark.skipif(subprocess.run(["which", "pdftotext"], capture_output=True).returncode,
                    reason="pdftotext (poppler-utils) is not installed")
def test_pdf_has_marking_page_numbers_and_a_cover(restricted_build, public_build, shots):
    text = _pdftotext(restricted_build.pdf)
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) >= 6
    assert "Page 1 of" in pages[0] and "RESTRICTED" in pages[0]
    assert all("RESTRICTED" in p for p in pages if p.strip())
    assert "OCTA-SEE test assessment" in pages[0] and "Contents" in pages[1]
    assert "1 Overview" in text and "Figure 1.1" in text
    public = _pdftotext(public_build.pdf)
    assert "PUBLIC" in public and "RESTRICTED" not in public
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "3",
                    str(restricted_build.pdf), str(shots / "restricted-pdf")], check=True)
    assert (shots / "restricted-pdf-1.png").stat().st_size > 10_000
