"""What the publication layer adds to a build, on a built sample report: the merge's cut of
annex E (the bibliography and the glossary to what the edition names: cite_sources,
cite_glossary), the Kosovo* footnote, the editorial check of the HTML, and one route map;
against a JSON round trip of the same merged cells (the least any pass over the merged
report costs) measured in the same run.

    octasee build                      # once: the report this reads (build/)
    python benchmarks/bench_publication.py [--build build] [--variant restricted]
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", type=Path, default=Path("build"))
    ap.add_argument("--variant", default="restricted", choices=("restricted", "public"))
    ap.add_argument("--cycle", default="2013-2017")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    from octasee.chapters.backmatter import cite_glossary, cite_sources, kosovo_footnote
    from octasee.charts import route_map
    from octasee.report.editorial import check_html
    from octasee.samples import sample_cycles, sample_files
    from octasee.store import Store
    from octasee.workspace import sample_workspace

    stem = f"octa-see_{args.cycle}_{args.variant}"
    folder = args.build / f"{stem}.chapters"
    page = args.build / f"{stem}.html"
    if not folder.is_dir() or not page.is_file():
        sys.exit(f"{folder}: no built report there; run 'octasee build"
                 + (" --variant public" if args.variant == "public" else "")
                 + "' first, or pass --build")
    cells = [c for p in sorted(folder.glob("*.ipynb"))
             for c in json.loads(p.read_text("utf-8"))["cells"]]
    html = page.read_text("utf-8")

    import tempfile

    ws = sample_workspace(Path(tempfile.mkdtemp()) / "ws")
    with Store(ws.store_path) as store:
        for c in sample_cycles():
            store.ingest(sample_files(c), jobs=1)
        routes = store.table("routes", cycle=args.cycle)
    heroin = routes[routes["crime_area"] == "heroin"]

    def best(fn):
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        return min(times)

    base = best(lambda: json.loads(json.dumps(cells)))
    t_sources = best(lambda: cite_sources(copy.deepcopy(cells)))
    t_glossary = best(lambda: cite_glossary(copy.deepcopy(cells)))
    copying = best(lambda: copy.deepcopy(cells))
    t_kosovo = best(lambda: kosovo_footnote(cells))
    t_check = best(lambda: check_html(html))
    route_map(heroin)  # warm: plotly's import, the basemap
    t_map = best(lambda: route_map(heroin))
    print(f"report: {len(cells)} cells, {len(html) / 1e6:.1f} MB of HTML ({args.variant})")
    print(f"baseline (JSON round trip of the merged cells): {base * 1000:.0f} ms")
    for name, t in (("cite_sources (bibliography cut)", t_sources - copying),
                    ("cite_glossary (glossary cut)", t_glossary - copying),
                    ("kosovo_footnote (one pass over every cell)", t_kosovo),
                    ("editorial check of the HTML", t_check),
                    (f"route_map ({len(heroin)} heroin routes)", t_map)):
        print(f"{name}: {t * 1000:.0f} ms ({t / base:.1f}x baseline)")


if __name__ == "__main__":
    main()
