"""JupyterLab, as an analyst uses it: open a chapter, run all cells, see plots and widgets.

Starts JupyterLab on loopback with a token, drives Debian's Chromium through Playwright
(``executable_path``; no browser download), runs every cell of two chapters and checks
that plots and widgets rendered and no cell printed an error. Screenshots go to
``docs/`` when ``OCTASEE_DOCS_SCREENSHOTS=1`` (how the README's pictures are made).
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from octasee.report.pdf import chromium_path, launch_chromium

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(chromium_path() is None,
                                reason="Debian's chromium is not installed (apt install chromium)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory, sample_workspace):
    root = tmp_path_factory.mktemp("lab")
    for nb in ("02_regional_overview.ipynb", "03_organised_crime_groups.ipynb"):
        shutil.copy(ROOT / "notebooks" / nb, root / nb)
    # Render every cell (no windowing), and no news or update checks: nothing leaves the box.
    settings = root / ".settings" / "@jupyterlab"
    (settings / "notebook-extension").mkdir(parents=True)
    (settings / "apputils-extension").mkdir(parents=True)
    (settings / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
        '{"windowingMode": "none"}')
    (settings / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        '{"fetchNews": "false", "checkForUpdates": false}')
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, OCTASEE_WORKSPACE=str(sample_workspace.path),
               JUPYTERLAB_SETTINGS_DIR=str(root / ".settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(root / ".ws"))
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={root}", "--ServerApp.open_browser=False",
           "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
           "--ServerApp.port_retries=0", "--ServerApp.allow_root=True",
           "--LabApp.extension_manager=readonly"]
    log = open(root / "lab.log", "w")  # noqa: SIM115 - closed in teardown
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    up = False
    while time.time() < deadline and proc.poll() is None:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            up = True
            break
        except OSError:
            time.sleep(0.5)
    if not up:
        proc.terminate()
        log.close()
        pytest.fail("JupyterLab did not start:\n" + (root / "lab.log").read_text()[-3000:])
    yield base, token, root
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def _run_all(page, base, token, name) -> int:
    page.goto(f"{base}/lab/tree/{name}?reset&token={token}", wait_until="domcontentloaded")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    # Wait for the kernel to be idle before running everything.
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
    page.wait_for_timeout(2000)  # the session connects just after the first 'idle'
    started = "() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]" \
              ".some(p => /\\[(\\*|\\d+)\\]/.test(p.textContent))"
    for _attempt in range(5):
        page.locator(".jp-Notebook .jp-Cell").first.click()
        page.keyboard.press("Escape")
        page.locator("div.lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator("li.lm-Menu-item", has_text="Run All Cells").first.click()
        try:
            page.wait_for_function(started, timeout=5_000)
            break
        except Exception:  # the kernel was not ready yet: ask again
            page.keyboard.press("Escape")
    # Every code cell shows its execution number when the whole notebook has run.
    page.wait_for_function(
        """() => {
            const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
            return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
        }""", timeout=120_000)
    # Plots draw when they scroll into view: visit every output once, then count the
    # plotly outputs that hold a drawn SVG.
    outputs = page.locator(".jp-OutputArea-output")
    for i in range(outputs.count()):
        outputs.nth(i).scroll_into_view_if_needed()
        page.wait_for_timeout(100)
    return page.evaluate("""() => [...document.querySelectorAll('.jp-RenderedPlotly')]
        .filter(e => e.querySelector('.main-svg')).length""")
    page.wait_for_timeout(1500)


@pytest.mark.parametrize("name, widget, figures", [
    ("02_regional_overview.ipynb", ".widget-slider", 4),
    ("03_organised_crime_groups.ipynb", ".widget-select-multiple", 1),
])
def test_chapter_runs_in_jupyterlab(lab, name, widget, figures):
    base, token, _root = lab
    external: list[str] = []
    with launch_chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})

        def guard(route):
            url = route.request.url
            if url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")):
                route.continue_()
            else:
                external.append(url)
                route.abort()

        page.route("**/*", guard)
        plots = _run_all(page, base, token, name)
        errors = page.locator(".jp-OutputArea-output[data-mime-type="
                              "'application/vnd.jupyter.stderr']").all_inner_texts()
        tracebacks = [e for e in errors if "Traceback" in e or "Error" in e]
        widgets = page.locator(f".jp-OutputArea-output {widget}").count()
        # the weights explorer's heatmap is drawn inside its Output widget (set as the
        # widget's state, not captured: tests/test_widgets_batch.py)
        in_widget = page.evaluate("""() => [...document.querySelectorAll(
            '.widget-output .jp-RenderedPlotly')].filter(e => e.querySelector('.main-svg'))
            .length""")
        if os.environ.get("OCTASEE_DOCS_SCREENSHOTS"):
            target = page.locator(f".jp-OutputArea-output {widget}").first
            target.scroll_into_view_if_needed(timeout=5_000)
            page.screenshot(path=str(ROOT / "docs" / f"jupyterlab-{name.split('_')[0]}.png"))
    assert not tracebacks, tracebacks
    assert plots >= figures, f"{plots} plots rendered, expected {figures} or more"
    assert widgets >= 1, "widgets rendered"
    if name.startswith("02"):
        assert in_widget >= 1, "the weights explorer's heatmap is drawn in its widget"
    assert not external, f"requests left the machine: {external[:5]}"
