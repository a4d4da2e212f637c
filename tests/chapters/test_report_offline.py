"""The sample report, as a reader opens it: offline, every figure drawn, the map filled."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")
def test_sample_report_opens_offline_with_every_figure_and_the_map(chapter_builds):
    from playwright.sync_api import sync_playwright

    html = chapter_builds["2013-2017"].html
    blocked: list[str] = []
    console_errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1000, "height": 1400})

        def guard(route):
            url = route.request.url
            if url.startswith(("file:", "data:", "about:", "blob:")):
                route.continue_()
            else:
                blocked.append(url)
                route.abort()

        page.route("**/*", guard)
        page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: console_errors.append(str(e)))
        page.goto(html.as_uri(), wait_until="load")
        page.wait_for_function(
            """() => [...document.querySelectorAll('.plotly-graph-div')]
                   .every(d => d.querySelector('svg.main-svg'))""", timeout=120_000)
        figures = page.evaluate("document.querySelectorAll('.plotly-graph-div').length")
        # The region's map: a figure with one filled polygon trace per member country.
        filled = page.evaluate("""() => {
            const maps = [...document.querySelectorAll('.plotly-graph-div')].filter(d =>
                (d.data || []).filter(t => t.fill === 'toself').length >= 13);
            if (!maps.length) return -1;
            return [...maps[0].querySelectorAll('path.js-fill')]
                .filter(p => (p.getAttribute('d') || '').length > 20).length;
        }""")
        page.screenshot(path=str(html.with_suffix(".png")))
        browser.close()
    assert blocked == []
    assert console_errors == []
    assert figures >= 30
    assert filled >= 13, "the map's country polygons are drawn"
