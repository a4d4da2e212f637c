"""The sample report, as a reader opens it: offline, every figure drawn, the map filled."""

from __future__ import annotations

import pytest

from octasee.report.pdf import chromium_path, launch_chromium, offline_page, wait_for_plots


@pytest.mark.skipif(chromium_path() is None, reason="Debian's chromium is not installed")
def test_sample_report_opens_offline_with_every_figure_and_the_map(chapter_builds):
    html = chapter_builds["2013-2017"].html
    blocked: list[str] = []
    console_errors: list[str] = []
    with launch_chromium() as browser:
        page = offline_page(browser, blocked=blocked, errors=console_errors)
        page.goto(html.as_uri(), wait_until="load")
        wait_for_plots(page, timeout=120)
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
    assert blocked == []
    assert console_errors == []
    assert figures >= 30
    assert filled >= 13, "the map's country polygons are drawn"
