"""The findings of the sample cycle (octasee.analysis.findings.find_in: every series'
panel, break, trend model with its bootstrap, dominance, coverage, outliers, change;
networks; routes) and the register's check, against a pandas groupby of the same rows
(each series' yearly regional total: the least any trend needs) measured in the same run.

    python benchmarks/bench_findings.py [--cycle 2013-2017] [--repeat 3]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cycle", default="2013-2017")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    import pandas as pd

    from octasee.analysis.findings import find_in
    from octasee.analysis.register import check_references, read_register
    from octasee.analysis.trends import trend_model
    from octasee.samples import sample_cycles, sample_files
    from octasee.store import Store
    from octasee.workspace import sample_workspace

    ws = sample_workspace(Path(tempfile.mkdtemp()) / "ws")
    with Store(ws.store_path) as store:
        for c in sample_cycles():
            store.ingest(sample_files(c), jobs=1)
        ind = pd.concat([store.table("indicators", cycle=c) for c in store.cycles()],
                        ignore_index=True)
        ocgs = store.table("ocgs", cycle=args.cycle)
        routes = store.table("routes", cycle=args.cycle)
    register = read_register(ws.path)

    def best(fn):
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            out = fn()
            times.append(time.perf_counter() - t)
        return min(times), out

    def baseline():
        t = ind[ind["breakdown"].isna()]
        return t.groupby(["crime_area", "indicator", "year"])["value"].sum()

    find_in(ind, cycle=args.cycle, ocgs=ocgs, routes=routes)  # warm: imports, GLOTIP read
    base, _ = best(baseline)
    t_find, found = best(lambda: find_in(ind, cycle=args.cycle, ocgs=ocgs, routes=routes))
    t_model, _ = best(lambda: trend_model(list(range(2009, 2018)),
                                          [5.0, 6, 7, 6, 8, 9, 8, 10, 11], horizon_year=2022))
    keys = [f.key for f in found]
    t_check, _ = best(lambda: check_references(register, findings=keys))
    rows = int((ind["breakdown"].isna()).sum())
    print(f"rows: {rows:,} indicator totals, {len(ocgs)} groups, {len(routes)} routes")
    print(f"baseline (groupby of the yearly regional totals): {base * 1000:.1f} ms")
    print(f"find_in ({len(found)} findings): {t_find * 1000:.1f} ms "
          f"({t_find / base:.0f}x baseline)")
    print(f"one trend model (9 years, 4,000 bootstrap draws): {t_model * 1000:.2f} ms "
          f"({t_model / base:.2f}x baseline)")
    print(f"register check ({len(register.judgements)} judgements): "
          f"{t_check * 1000:.3f} ms ({t_check / base:.3f}x baseline)")


if __name__ == "__main__":
    main()
