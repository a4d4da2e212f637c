"""Disclosure control on the sample data: the public view and the attack audit, against a
pandas groupby of the same table (the margins alone) measured in the same run.

    python benchmarks/bench_sdc.py [--cycle 2013-2017] [--repeat 3]
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

    import scipy.optimize  # noqa: F401  (imported once, not timed)

    from octasee.samples import sample_cycles, sample_files
    from octasee.sdc import DisclosureRules, audit, make_public_view
    from octasee.store import Store
    from octasee.workspace import sample_workspace

    ws = sample_workspace(Path(tempfile.mkdtemp()) / "ws")
    with Store(ws.store_path) as store:
        for c in sample_cycles():
            store.ingest(sample_files(c), jobs=1)
        df = store.table("indicators", cycle=args.cycle, variant="restricted")
    rules = DisclosureRules.from_settings(ws)

    def best(fn):
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            out = fn()
            times.append(time.perf_counter() - t)
        return min(times), out

    def baseline():
        t = df[df["breakdown"].isna()]
        keys = ["indicator", "crime_area"]
        return (t.groupby([*keys, "year"])["value"].sum(),
                t.groupby([*keys, "country"])["value"].sum(), t.groupby(keys)["value"].sum())

    base, _ = best(baseline)
    t_view, view = best(lambda: make_public_view(df, rules))
    t_audit, result = best(lambda: audit(view))
    print(f"{view!r}; audit ok={result.ok}, {len(result.intervals)} suppressed entries, "
          f"{result.solves} linear programmes")
    print(f"baseline (pandas groupby of the margins): {base * 1000:8.1f} ms")
    print(f"make_public_view:                          {t_view * 1000:8.1f} ms "
          f"({t_view / base:6.1f}x)")
    print(f"audit:                                     {t_audit * 1000:8.1f} ms "
          f"({t_audit / base:6.1f}x)")


if __name__ == "__main__":
    main()
