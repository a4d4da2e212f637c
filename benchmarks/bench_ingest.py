"""Benchmark: ingest 13 workbooks of 10,000 indicator rows each.

Compares, in the same run and interleaved so that machine noise hits both sides:

* octasee: ``Store.ingest`` of the 13 workbooks into a fresh store (read with calamine,
  validate every row, store with provenance), two worker processes;
* baseline: only *reading* the same workbooks with ``pandas.read_excel(engine="openpyxl")``,
  one after the other (no validation, no store).

Run:  python benchmarks/bench_ingest.py [--rounds 3] [--rows 10000]
Targets (issue 2): octasee <= 10 s on 2 cores and >= 5x faster than the openpyxl read.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from itertools import product
from pathlib import Path

import pandas as pd
import pycountry

from octasee.questionnaire.spec import spec_for
from octasee.questionnaire.template import write_template
from octasee.reference import MEMBER_CODES, country
from octasee.store import Store

CYCLE = "2013-2017"


def _rows(n: int, iso2: str) -> list[dict[str, object]]:
    spec = spec_for(CYCLE)
    years = list(spec.cycle.years)
    nationalities = [c.alpha_2 for c in pycountry.countries]
    combos: list[tuple[str, str, str | None]] = []
    from octasee.reference import crime_areas

    for area in (a.code for a in crime_areas()):
        for ind in spec.indicators:
            if not ind.applies_to(area):
                continue
            combos.append((area, ind.code, None))
            if ind.breakdown:
                combos += [(area, ind.code, nat) for nat in nationalities]
    out = []
    for i, ((area, code, nat), year) in enumerate(product(combos, years)):
        if i >= n:
            break
        measure = spec.indicator(code).measure
        value: object = (i * 7919) % 5000 + 1
        if measure == "mass":
            value = f"{value},5"  # European decimal comma, as countries write it
        out.append({"crime_area": area, "indicator": code, "breakdown": nat, "year": year,
                    "value": value, "source_reliability": "B", "information_assessment": 2})
    if len(out) < n:
        raise SystemExit(f"only {len(out)} distinct indicator rows possible")
    resp = [{"country": country(iso2).name, "cycle": CYCLE, "agency": "Police",
             "submission_date": "2018-03-15", "dissemination": "restricted"}]
    return [{"respondent": resp, "indicators": out}][0]  # type: ignore[return-value]


def make_workbooks(folder: Path, rows: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for iso2 in MEMBER_CODES:
        path = folder / f"{iso2}-{rows}.xlsx"
        if not path.exists():
            write_template(CYCLE, iso2, path, rows=_rows(rows, iso2))  # type: ignore[arg-type]
        files.append(path)
    return files


def run_octasee(files: list[Path]) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        store = Store(Path(tmp) / "store.duckdb")
        report = store.ingest(files, jobs=2)
        store.close()
        elapsed = time.perf_counter() - start
    assert report.exit_code == 0, report.summary()
    assert sum(r.rows_accepted for r in report.results) >= 13 * 10_000
    return elapsed


def run_openpyxl(files: list[Path]) -> float:
    start = time.perf_counter()
    for f in files:
        pd.read_excel(f, sheet_name=None, engine="openpyxl")
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--out", type=Path, default=Path(__file__).parent / "out")
    args = ap.parse_args()
    t0 = time.perf_counter()
    files = make_workbooks(args.out, args.rows)
    print(f"13 workbooks x {args.rows:,} indicator rows ready "
          f"({sum(f.stat().st_size for f in files) / 1e6:.1f} MB, "
          f"{time.perf_counter() - t0:.1f} s to make or find)")
    ours, base = [], []
    for r in range(args.rounds):
        # Interleave, alternating which side goes first.
        if r % 2 == 0:
            ours.append(run_octasee(files))
            base.append(run_openpyxl(files))
        else:
            base.append(run_openpyxl(files))
            ours.append(run_octasee(files))
        print(f"round {r + 1}: octasee ingest {ours[-1]:.2f} s, openpyxl read {base[-1]:.2f} s")
    o, b = statistics.median(ours), statistics.median(base)
    print(f"median octasee ingest (read + validate + store): {o:.2f} s  (target <= 10 s)")
    print(f"median openpyxl read only:                         {b:.2f} s")
    print(f"ratio openpyxl / octasee: {b / o:.1f}x  (target >= 5x)")


if __name__ == "__main__":
    main()
