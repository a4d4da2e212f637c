"""Disclosure control on the sample data: the public view and the attack audit, against a
pandas groupby of the same table (the margins alone) measured in the same run; and the
same for a second draft's public edition, made and audited knowing the first's (a
resubmission changes one country's figures in between).

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
    from octasee.sdc import (
        DisclosureRules,
        EarlierEdition,
        across_drafts,
        audit,
        make_public_view,
    )
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

    # A second draft: Serbia resubmits with every figure 10 % higher.
    earlier = [{**e, "edition": "Draft 1"} for e in view.record()]
    df2 = df.copy()
    rs = df2["country"] == "RS"
    df2.loc[rs, "value"] = df2.loc[rs, "value"] * 1.1

    def second():
        v = make_public_view(df2, rules, earlier=earlier)
        tables = across_drafts(v, earlier)
        return make_public_view(df2, rules, earlier=earlier, withhold=tables) if tables else v

    t_view2, view2 = best(second)
    t_audit2, result2 = best(lambda: audit(view2, earlier=[EarlierEdition("Draft 1",
                                                                          earlier)]))
    withheld = int((view2.cells["reason"].str.startswith("the whole table")).sum())
    print(f"second draft: audit ok={result2.ok}, {withheld} cells of tables withheld whole")
    print(f"second view (knowing draft 1, with repair): {t_view2 * 1000:7.1f} ms "
          f"({t_view2 / base:6.1f}x)")
    print(f"audit with draft 1's tables as equations:   {t_audit2 * 1000:7.1f} ms "
          f"({t_audit2 / base:6.1f}x)")


if __name__ == "__main__":
    main()
