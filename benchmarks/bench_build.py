"""Benchmark: the report build against the naive way, measured in the same run.

Interleaved rounds, so that machine noise hits every side:

* naive: for each notebook (the per-country one once per country), the ``papermill``
  command, then ``jupyter nbconvert --to html``, one after the other, no merge;
* full: ``build_report`` from an empty cache (HTML; the PDF is timed on its own);
* one chapter changed: a chapter's text edited, everything else from the cache;
* nothing changed: everything from the cache (the same draft rebuilt), and the same as a
  preview (``record_draft=False``): the difference is what keeping drafts costs.

It also prints the HTML's size, the number of plotly.js copies in it, and where the time
goes (kernel start, the first cell — the imports, by convention — the other cells,
merge, conversion, PDF).

Run:  python benchmarks/bench_build.py [--rounds 1] [--chapters DIR] [--countries 13]
Targets (issue 5): full >= 5x faster than naive; one chapter changed <= 25 % of full;
nothing changed <= 3 s; exactly one plotly.js copy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from octasee.report.assemble import plotlyjs
from octasee.report.build import BuildResult, build_report
from octasee.report.chapters import Chapter, default_chapters
from octasee.samples import sample_files
from octasee.store import Store
from octasee.workspace import create_workspace

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "notebooks"
DATE = dt.date(2018, 6, 30)


def _workspace(base: Path, countries: int) -> Path:
    from octasee.reference import MEMBER_CODES

    codes = list(MEMBER_CODES)[:countries]
    ws = create_workspace(base / "ws", cycle="2013-2017", expected=codes,
                          title="OCTA-SEE benchmark (sample data)")
    files = [f for f in sample_files("2013-2017") if f.stem in codes]
    with Store(ws.store_path) as store:
        store.ingest(files)
    return ws.path


def _naive(chapters: list[Chapter], ws: Path, countries: list[str], out: Path) -> float:
    """papermill then nbconvert, per notebook, one after the other (their commands)."""
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for ch in chapters:
        runs = [(f"{ch.slug}-{c}", {"country": c}) for c in countries] if ch.per_country \
            else [(ch.slug, {})]
        for label, extra in runs:
            params = {"cycle": "2013-2017", "workspace": str(ws), "countries": countries,
                      "variant": "restricted", "output_dir": str(out / label), **extra,
                      **dict(ch.parameters)}
            executed = out / f"{label}.ipynb"
            subprocess.run([sys.executable, "-m", "papermill", str(ch.notebook), str(executed),
                            "-y", json.dumps(params), "--no-progress-bar"], check=True,
                           capture_output=True)
            subprocess.run([sys.executable, "-m", "nbconvert", "--to", "html",
                            str(executed)], check=True, capture_output=True)
    return time.perf_counter() - started


def _build(chapters: list[Chapter], ws: Path, out: Path, cache: Path, *,
           formats: tuple[str, ...] = ("html",), record: bool = True
           ) -> tuple[float, BuildResult]:
    started = time.perf_counter()
    result = build_report(workspace=ws, out=out, chapters=chapters, formats=formats,
                          build_date=DATE, cache_dir=cache, jobs=2, record_draft=record)
    return time.perf_counter() - started, result


def _copy_chapters(source: list[Chapter], folder: Path) -> list[Chapter]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for c in source:
        target = folder / c.notebook.name
        shutil.copy(c.notebook, target)
        out.append(Chapter(c.slug, c.title, target, c.per_country, dict(c.parameters),
                           c.number))
    return out


def _touch_one(chapters: list[Chapter]) -> None:
    """Edit the text of the first chapter that is not per country."""
    ch = next(c for c in chapters if not c.per_country)
    nb = json.loads(ch.notebook.read_text())
    md = next(c for c in nb["cells"] if c["cell_type"] == "markdown")
    src = "".join(md["source"]) if isinstance(md["source"], list) else md["source"]
    md["source"] = src + f"\n\n(edited {time.time_ns()})"
    ch.notebook.write_text(json.dumps(nb))


def _breakdown(result: BuildResult) -> dict[str, float]:
    runs = [r for r in result.runs if r.state == "ok"]
    total = {k: sum(r.timings.get(k, 0.0) for r in runs)
             for k in ("worker_setup", "kernel_start", "first_cell", "cells")}
    total["other_cells"] = total["cells"] - total["first_cell"]
    total["per_notebook_wall"] = sum(r.seconds for r in runs)
    return {**total, **{k: result.timings.get(k, 0.0) for k in
                        ("prepare", "execute", "merge", "convert", "pdf", "total")}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--chapters", type=Path, default=FIXTURES,
                    help="folder of chapter notebooks (default: the test fixtures)")
    ap.add_argument("--countries", type=int, default=13,
                    help="how many member countries (the per-country chapter runs per each)")
    ap.add_argument("--no-naive", action="store_true", help="skip the (slow) naive baseline")
    args = ap.parse_args()

    base = Path(tempfile.mkdtemp(prefix="octasee-bench-"))
    ws = _workspace(base, args.countries)
    from octasee.workspace import Workspace

    countries = Workspace.open(ws).expected
    chapters = _copy_chapters(default_chapters(args.chapters), base / "chapters")
    n = sum(len(countries) if c.per_country else 1 for c in chapters)
    print(f"{len(chapters)} chapters, {n} notebook runs, {len(countries)} countries; "
          f"workspace {ws}")

    rows: dict[str, list[float]] = {"naive": [], "full": [], "full+pdf": [], "changed": [],
                                    "unchanged": [], "preview": [], "drafts": [],
                                    "snapshot": []}
    last: BuildResult | None = None
    for r in range(args.rounds):
        if not args.no_naive:
            rows["naive"].append(_naive(chapters, ws, countries, base / f"naive-{r}"))
        out, cache = base / f"out-{r}", base / f"cache-{r}"
        t_full, full = _build(chapters, ws, out, cache, formats=("html", "pdf"))
        rows["full+pdf"].append(t_full)
        rows["full"].append(t_full - full.timings.get("pdf", 0.0))
        _touch_one(chapters)
        t_changed, changed = _build(chapters, ws, out, cache)
        assert sum(x.state == "ok" for x in changed.runs) == 1, "expected one re-execution"
        assert changed.changes is not None and changed.changes.chapters, "a changes annex"
        rows["changed"].append(t_changed)
        rows["drafts"].append(changed.timings.get("drafts", 0.0))
        t_same, same = _build(chapters, ws, out, cache)
        assert all(x.state == "cached" for x in same.runs)
        rows["unchanged"].append(t_same)
        t_preview, _ = _build(chapters, ws, out, cache, record=False)
        rows["preview"].append(t_preview)
        # A new draft's snapshot (submissions, key figures) is taken while preparing.
        rows["snapshot"].append(changed.timings.get("prepare", 0.0)
                                - same.timings.get("prepare", 0.0))
        last = full
        print(f"round {r + 1}: " + ", ".join(f"{k} {v[-1]:.1f} s" for k, v in rows.items()
                                             if v))

    med = {k: statistics.median(v) for k, v in rows.items() if v}
    assert last is not None and last.html is not None
    html = last.html.read_text()
    print("\nmedians over", args.rounds, "round(s)")
    for k, v in med.items():
        print(f"  {k:10} {v:7.2f} s")
    if "naive" in med:
        print(f"  full build vs naive (HTML only): {med['naive'] / med['full']:.1f}x faster "
              f"(target >= 5x); with the PDF: {med['naive'] / med['full+pdf']:.1f}x")
    print(f"  one chapter changed: {100 * med['changed'] / med['full']:.0f} % of a full "
          "build (target <= 25 %)")
    print(f"  nothing changed: {med['unchanged']:.2f} s (target <= 3 s); as a preview "
          f"{med['preview']:.2f} s, so keeping the draft costs "
          f"{med['unchanged'] - med['preview']:.2f} s")
    kept = med["drafts"] + med["snapshot"]
    print(f"  drafts in the changed build: snapshot {med['snapshot']:.2f} s, content, "
          f"comparison, annex and copies {med['drafts']:.2f} s: {kept:.2f} s, "
          f"{100 * kept / med['changed']:.0f} % of it")
    print(f"  HTML: {len(html.encode()) / 1e6:.2f} MB, plotly.js copies: "
          f"{html.count(plotlyjs()[:120])} (target 1); PDF: "
          f"{last.pdf.stat().st_size / 1e6 if last.pdf else 0:.2f} MB")
    print("\nwhere the time goes (last full build; per-notebook sums run 2 at a time):")
    for k, v in _breakdown(last).items():
        print(f"  {k:18} {v:7.2f} s")
    shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
