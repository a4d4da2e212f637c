"""Print the report's HTML to PDF with the system Chromium, driven by Playwright.

nbconvert's WebPDF exporter cannot be given a browser path and would download one
(nbconvert#2139); Playwright launched with ``executable_path`` prints the same offline
HTML. Printing waits until every plotly figure has drawn and the fonts are ready
(nbconvert's fixed 100 ms wait gives blank figures). Every request that is not a
``file:`` or ``data:`` URL is refused, so printing works with no network and proves the
file is self-contained.

>>> header, footer = page_templates("RESTRICTED <draft>")
>>> "RESTRICTED &lt;draft&gt;" in footer and "pageNumber" in footer
True
"""

from __future__ import annotations

import asyncio
import html
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from octasee.report._io import temp_path_beside
from octasee.report.errors import ReportError

__all__ = ["CHROMIUM_ARGS", "chromium_path", "launch_chromium", "page_templates",
           "print_pdf", "wait_for_plots"]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
#: A4 at 96 dpi is 794 px wide: the screen layout then matches the printed one.
VIEWPORT = {"width": 794, "height": 1123}
MARGIN = {"top": "18mm", "bottom": "16mm", "left": "10mm", "right": "10mm"}

_PLOTS_DRAWN = """() => {
  const divs = Array.from(document.querySelectorAll('.plotly-graph-div'));
  return divs.every(d => d.querySelector('svg.main-svg'));
}"""


def chromium_path() -> str | None:
    """The system Chromium: ``OCTASEE_CHROMIUM``, else /usr/bin/chromium, else on PATH."""
    for candidate in (os.environ.get("OCTASEE_CHROMIUM"), "/usr/bin/chromium",
                      shutil.which("chromium"), shutil.which("chromium-browser"),
                      shutil.which("google-chrome")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@contextmanager
def launch_chromium() -> Iterator[Any]:
    """A headless Chromium browser (Playwright, system executable); closed on exit."""
    exe = chromium_path()
    if exe is None:
        raise ReportError("no Chromium to print the PDF with",
                          hint="install it (apt-get install chromium) or set "
                               "OCTASEE_CHROMIUM; or build --format html only")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise ReportError("printing the PDF needs the playwright package",
                          hint="pip install playwright (do not run 'playwright install': "
                               "the system Chromium is used)") from exc
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def offline_page(browser: Any, *, blocked: list[str] | None = None,
                 errors: list[str] | None = None,
                 viewport: dict[str, int] | None = None) -> Any:
    """A page that refuses every non-``file:``/``data:`` request (listed in ``blocked``)
    and records console errors and page errors (in ``errors``)."""
    page = browser.new_page(viewport=viewport or VIEWPORT)

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith(("file:", "data:", "about:", "blob:")):
            r.continue_()
        else:
            if blocked is not None:
                blocked.append(url)
            r.abort()

    page.route("**/*", route)
    if errors is not None:
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
    return page


def wait_for_plots(page: Any, *, timeout: float = 60.0) -> None:
    """Wait until every ``.plotly-graph-div`` holds its ``svg.main-svg``, then fonts."""
    try:
        page.wait_for_function(_PLOTS_DRAWN, timeout=timeout * 1000)
        page.evaluate("() => document.fonts.ready.then(() => true)")
    except Exception as exc:
        raise ReportError(f"the figures did not draw within {timeout:.0f} s ({exc})",
                          hint="open the HTML in a browser and look at its console") from exc


def page_templates(marking: str, label: str = "") -> tuple[str, str]:
    """Chromium's header and footer templates: the marking; the version ("Draft 2") and
    page X of Y."""
    m = html.escape(marking)
    v = f'<span>{html.escape(label)}</span>' if label else ""
    style = ("font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 8px; width: 100%; "
             "margin: 0 10mm; color: #333;")
    header = (f'<div style="{style} text-align: center; font-weight: bold; '
              f'letter-spacing: 1px;">{m}</div>')
    footer = (f'<div style="{style} display: flex; justify-content: space-between;">'
              f'<span style="font-weight: bold;">{m}</span>{v}'
              '<span>Page <span class="pageNumber"></span> of '
              '<span class="totalPages"></span></span></div>')
    return header, footer


#: Fills every ``.toc-page[data-target]`` of the contents and the list of figures with
#: the page its target starts on (``pages``: anchor → page), or with a placeholder as wide
#: as a page number (``pages`` null), so that the first pass lays them out the same.
_FILL_PAGES = """(pages) => {
  const spans = document.querySelectorAll('.toc-page[data-target]');
  spans.forEach(e => {
    const n = pages === null ? '000' : pages[e.dataset.target];
    e.textContent = n ? String(n) : '';
  });
  return spans.length;
}"""


def destination_pages(pdf_path: str | os.PathLike[str]) -> dict[str, int]:
    """The page (1 = the cover) of every named destination of a PDF Chromium printed: an
    anchor the report links to, by its id (pypdf)."""
    from pypdf import PdfReader  # lazy: only the PDF stage needs it

    reader = PdfReader(str(pdf_path))
    out = {}
    for name, dest in (reader.named_destinations or {}).items():
        try:
            out[str(name).lstrip("/")] = reader.get_destination_page_number(dest) + 1
        except (KeyError, ValueError, TypeError):  # a destination without a page
            continue
    return out


def _print(html_path: Path, pdf_path: Path, marking: str, label: str, timeout: float
           ) -> dict[str, Any]:
    """Print with bookmarks (Chromium's outline of the headings, a tagged PDF); then,
    when the report has a contents page, fill in the page of each entry (read back from
    the first print's named destinations) and print again, until the pages hold (at
    most three passes: the numbers take the placeholders' room, so one is the rule)."""
    blocked: list[str] = []
    passes = 0
    with launch_chromium() as browser:
        page = offline_page(browser, blocked=blocked)
        page.goto(html_path.resolve().as_uri(), wait_until="load", timeout=timeout * 1000)
        wait_for_plots(page, timeout=timeout)
        page.emulate_media(media="print")
        header, footer = page_templates(marking, label)
        tmp = temp_path_beside(pdf_path)
        kw: dict[str, Any] = {
            "format": "A4", "print_background": True, "display_header_footer": True,
            "header_template": header, "footer_template": footer, "margin": MARGIN,
            "prefer_css_page_size": True, "outline": True, "tagged": True}
        try:
            numbered = page.evaluate(_FILL_PAGES, None)
            page.pdf(path=str(tmp), **kw)
            passes = 1
            pages: dict[str, int] | None = None
            while numbered and passes < 4:
                found = destination_pages(tmp)
                if found == pages:
                    break
                pages = found
                page.evaluate(_FILL_PAGES, pages)
                page.pdf(path=str(tmp), **kw)
                passes += 1
            os.chmod(tmp, 0o644)
            os.replace(tmp, pdf_path)
        finally:
            if tmp.exists():
                tmp.unlink()
    return {"blocked_requests": len(blocked), "passes": passes}


def print_pdf(html_path: str | os.PathLike[str], pdf_path: str | os.PathLike[str], *,
              marking: str, label: str = "", timeout: float = 120.0) -> dict[str, Any]:
    """Print ``html_path`` to ``pdf_path`` (A4, marking in header and footer, the version
    ``label`` and page numbers in the footer), atomically. Works from inside a running event loop (a notebook) too."""
    html_path, pdf_path = Path(html_path), Path(pdf_path)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _print(html_path, pdf_path, marking, label, timeout)
    # Playwright's sync API refuses to run inside an event loop: use a thread.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_print, html_path, pdf_path, marking, label, timeout).result()
