"""Time the scoring engine: one full index, and uncertainty analyses against a pandas loop.

    .venv/bin/python benchmarks/bench_scoring.py [--reps 10000] [--subset 300] [--repeat 3]

Prints, in one run:

1. one full index of 13 units x 60 indicators (synthetic, seeded: impute mean, winsorise,
   min-max 1..100, a 3-level tree of weighted means; ``Model.run(...).to_frame()``),
   median of repeated runs (target <= 50 ms);
2. an uncertainty and sensitivity analysis of the same index with ``--reps`` model runs
   (replications): imputation x outlier treatment x normalisation x aggregation x noisy
   weights, Saltelli design ``N (d + 2)`` runs, ranks, S1/ST with 1,000 bootstrap
   resamples (target <= 3 s), against a straightforward pandas loop that evaluates
   replications one by one (impute, treat, normalise, aggregate, rank with pandas). The
   loop runs on ``--subset`` replications spread over the design and is scaled linearly
   to all of them (target ratio >= 20x); it is checked to give the same scores. A second
   loop that caches the pre-aggregation tables (only weights, aggregation and ranking per
   replication) is timed too, to show how much of the gain is the caching and how much
   the batched aggregation;
3. the same analysis on the 193 countries of the GI-TOC 2023 table shipped in
   ``octasee/sources/data/goc_index/`` (spec ``gitoc_2023``, target Criminality);
4. a 50 units x 50 indicators COINr-shaped model built from a metadata table (iMeta CSV:
   4 levels, denominators in a separate table, group imputation, winsorising, min-max
   0-100, arithmetic means): building it from the table and running it once (target
   <= 100 ms), and its uncertainty analysis with treatment (target <= 3 s for --reps).

Ours and the loops are interleaved in every repetition; medians are reported.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import time
from collections.abc import Callable
from functools import partial
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from octasee.scoring import Model, from_meta, load_spec
from octasee.scoring.impute import IMPUTERS
from octasee.scoring.normalise import NORMALISERS
from octasee.scoring.sensitivity import SensitivityResult, _option_label, uncertainty_analysis
from octasee.scoring.treat import TREATMENTS

UNITS = ["AL", "BA", "BG", "GR", "HR", "HU", "MD", "ME", "MK", "RO", "RS", "SI", "TR"]
PILLARS = {"Threat": ["markets", "actors", "enablers"],
           "Resilience": ["governance", "justice", "society"]}
FACTORS: dict[str, Any] = {
    "impute": ["mean", "median"],
    "treat": ["none", "winsorise"],
    "normalise": [{"method": "minmax", "low": 1, "high": 100}, "prank", "rank"],
    "aggregate": ["mean", "gmean", "hmean"],
}
NOISE, WEIGHT_SETS = 0.25, 100


def synthetic(n_units: int = 13, n_indicators: int = 60, seed: int = 0
              ) -> tuple[Model, pd.DataFrame]:
    """A seeded index: 2 dimensions x 3 pillars x 10 indicators (log-normal, a few outliers,
    about 4 % missing); resilience indicators count against the index (direction -1)."""
    rng = np.random.default_rng(seed)
    per = n_indicators // 6
    tree: list[dict[str, Any]] = [{"id": "Index"}]
    cols: dict[str, np.ndarray] = {}
    for dim, pillars in PILLARS.items():
        tree.append({"id": dim, "parent": "Index", "weight": 2 if dim == "Threat" else 1})
        for p in pillars:
            tree.append({"id": p, "parent": dim})
            for i in range(per):
                ind = f"{p}_{i + 1:02d}"
                tree.append({"id": ind, "parent": p,
                             "direction": -1 if dim == "Resilience" else 1})
                x = rng.lognormal(1.0, 0.6, n_units)
                if rng.random() < 0.2:
                    x[rng.integers(n_units)] *= 8
                x[rng.random(n_units) < 0.04] = np.nan
                cols[ind] = x
    spec = {"name": "synthetic", "unit": "country", "tree": tree,
            "steps": [{"step": "impute", "method": "mean"},
                      {"step": "treat", "method": "winsorise"},
                      {"step": "normalise", "method": "minmax", "low": 1, "high": 100},
                      {"step": "aggregate", "method": "mean"}]}
    units = UNITS if n_units == len(UNITS) else [f"U{i:03d}" for i in range(n_units)]
    return Model.from_dict(spec), pd.DataFrame({"country": units, **cols})


def coinr_shaped(folder: str, n_units: int = 50, n_indicators: int = 50, seed: int = 1
                 ) -> tuple[str, str, str]:
    """A seeded COINr-shaped model written as iMeta.csv, iData.csv and denominators.csv:
    50 indicators in 10 pillars, 2 sub-indices, an index; a fifth of the indicators
    denominated (by GDP or population); log-normal data with outliers and ties, 3 %
    missing, a region group for the imputation. Returns the three paths."""
    rng = np.random.default_rng(seed)
    rows = []
    data: dict[str, Any] = {"uCode": [f"U{i:03d}" for i in range(n_units)],
                            "uName": [f"Unit {i}" for i in range(n_units)],
                            "Region": rng.choice(["North", "South", "East"], n_units)}
    per = n_indicators // 10
    for p in range(10):
        pillar = f"P{p + 1:02d}"
        for i in range(per):
            code = f"ind{p * per + i + 1:02d}"
            den = ["GDP", "Population"][i % 2] if i == 0 else ""
            rows.append({"iCode": code, "iName": f"Indicator {code}", "Level": 1,
                         "Direction": -1 if i == per - 1 else 1, "Weight": 1 + (i == 1),
                         "Parent": pillar, "Type": "Indicator", "Denominator": den})
            x = np.round(rng.lognormal(1.0, 0.7, n_units), 1)  # rounding makes ties
            x[rng.integers(n_units, size=2)] *= 10
            x[rng.random(n_units) < 0.03] = np.nan
            data[code] = x
        rows.append({"iCode": pillar, "iName": f"Pillar {pillar}", "Level": 2, "Direction": 1,
                     "Weight": 1, "Parent": "Sub1" if p < 5 else "Sub2", "Type": "Aggregate"})
    rows += [{"iCode": "Sub1", "Level": 3, "Direction": 1, "Weight": 1, "Parent": "Index",
              "Type": "Aggregate"},
             {"iCode": "Sub2", "Level": 3, "Direction": 1, "Weight": 1, "Parent": "Index",
              "Type": "Aggregate"},
             {"iCode": "Index", "Level": 4, "Direction": 1, "Weight": 1, "Type": "Aggregate"},
             {"iCode": "Region", "Type": "Group"}, {"iCode": "GDP", "Type": "Denominator"},
             {"iCode": "Population", "Type": "Denominator"}]
    paths = tuple(os.path.join(folder, f) for f in ("iMeta.csv", "iData.csv",
                                                    "denominators.csv"))
    pd.DataFrame(rows).to_csv(paths[0], index=False)
    pd.DataFrame(data).to_csv(paths[1], index=False)
    pd.DataFrame({"uCode": data["uCode"], "GDP": rng.lognormal(4, 1, n_units),
                  "Population": rng.lognormal(8, 1, n_units)}).to_csv(paths[2], index=False)
    return paths  # type: ignore[return-value]


COINR_STEPS = [{"step": "denominate"},
               {"step": "impute", "method": "mean", "group": "Region"},
               {"step": "treat", "method": "winsorise"},
               {"step": "normalise", "method": "minmax", "low": 0, "high": 100},
               {"step": "aggregate", "method": "mean"}]


def timed(f: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    out = f()
    return time.perf_counter() - t, out


# ---------------------------------------------------------------------- the pandas loops
def _option(step: str, label: str) -> tuple[str, dict[str, Any]]:
    o = next(o for o in FACTORS[step] if _option_label(o) == label)
    if isinstance(o, str):
        return o, {}
    return o["method"], {k: v for k, v in o.items() if k != "method"}


def _prepare(model: Model, raw: pd.DataFrame, impute: str, treat: str, normalise: str
             ) -> pd.DataFrame:
    """Impute, treat and normalise with pandas (the package's method functions)."""
    direction = pd.Series({c: float(model.nodes[c].direction) for c in raw.columns})
    x = IMPUTERS.get(impute)(raw)
    x, _ = TREATMENTS.get(treat)(x)
    method, args = _option("normalise", normalise)
    return NORMALISERS.get(method)(x, direction=direction, **args)


def _aggregate_and_rank(model: Model, x: pd.DataFrame, weights: pd.Series, method: str,
                        target: str) -> pd.Series:
    values = x.copy()
    for node in model.aggregates:
        kids = model.children[node]
        X, w = values[kids], weights[kids]
        if method == "mean":
            values[node] = (X * w).sum(axis=1) / w.sum()
        elif method == "gmean":
            values[node] = np.exp((np.log(X) * w).sum(axis=1) / w.sum())
        else:
            values[node] = w.sum() / (w / X).sum(axis=1)
        if node == target:
            break
    return values[target]


def pandas_loop(model: Model, data: pd.DataFrame, sa: SensitivityResult, runs: np.ndarray,
                target: str, cached: bool = False) -> pd.DataFrame:
    """Scores of ``target`` in the given replications, one replication at a time."""
    unit = next(c for c in data.columns if c.casefold() == model.spec.unit.casefold())
    raw = data.set_index(unit)[model.indicators].astype(float)
    cache: dict[tuple[str, str, str], pd.DataFrame] = {}
    out = {}
    for j in runs:
        r = sa.runs.iloc[j]
        key = (r["impute"], r["treat"], r["normalise"])
        if cached:
            if key not in cache:
                cache[key] = _prepare(model, raw, *key)
            x = cache[key]
        else:
            x = _prepare(model, raw, *key)
        score = _aggregate_and_rank(model, x, sa.weight_sets.iloc[int(r["weights"])],
                                    r["aggregate"], target)
        score.rank(ascending=False, method="min")  # the ranking, as an analyst would
        out[j] = score
    return pd.DataFrame(out)


# ---------------------------------------------------------------------- the benchmark
def analysis(name: str, model: Model, data: pd.DataFrame, target: str, reps: int,
             subset: int, repeat: int) -> None:
    d = len(FACTORS) + 1
    n = math.ceil(reps / (d + 2))

    def ours() -> SensitivityResult:
        return uncertainty_analysis(model, data, **FACTORS, weights_noise=NOISE,
                                    weight_sets=WEIGHT_SETS, target=target, n=n, seed=0)

    t_ours, t_loop, t_cached = [], [], []
    sa = ours()  # warm-up (imports, caches); also gives the design for the loops
    runs = np.unique(np.linspace(0, sa.n_runs - 1, subset).astype(int))
    for _ in range(repeat):  # interleaved
        t, sa = timed(ours)
        t_ours.append(t)
        t, loop = timed(partial(pandas_loop, model, data, sa, runs, target))
        t_loop.append(t / len(runs) * sa.n_runs)
        t, cached = timed(partial(pandas_loop, model, data, sa, runs, target, cached=True))
        t_cached.append(t / len(runs) * sa.n_runs)
    ours_s = statistics.median(t_ours)
    loop_s, cached_s = statistics.median(t_loop), statistics.median(t_cached)
    mine = sa.scores[runs].to_numpy()
    diff = max(float(np.nanmax(np.abs(loop.to_numpy() - mine))),
               float(np.nanmax(np.abs(cached.to_numpy() - mine))))
    units = len(sa.ranks)
    print(f"\n{name}: {units} units x {len(model.indicators)} indicators, target {target!r}")
    print(f"  design: N = {n:,} base draws x (d + 2) = {d + 2} blocks (d = {d} factors: "
          f"{', '.join(sa.factors)}) = {sa.n_runs:,} replications (model runs), "
          f"{len(sa.weight_sets)} weight sets, 1,000 bootstrap resamples")
    print(f"  octasee (vectorised)        {ours_s:8.3f} s   (median of {repeat}; "
          f"{ours_s / sa.n_runs * 1e6:6.1f} us a replication)"
          f"{'   target <= 3 s: ' + ('met' if ours_s <= 3 else 'MISSED') if units == 13 else ''}")
    print(f"  pandas loop, full pipeline  {loop_s:8.1f} s   (measured on {len(runs)} "
          f"replications spread over the design, scaled linearly x{sa.n_runs / len(runs):.1f})"
          f"   ratio {loop_s / ours_s:6.1f}x"
          f"{'   target >= 20x: ' + ('met' if loop_s / ours_s >= 20 else 'MISSED') if units == 13 else ''}")
    print(f"  pandas loop, cached tables  {cached_s:8.1f} s   (the same, pre-aggregation "
          f"tables computed once)   ratio {cached_s / ours_s:6.1f}x")
    print(f"  same scores as both loops: max |difference| {diff:.1e}")
    top = sa.ranks.sort_values("nominal").head(3)
    print("  ranks (first 3 nominal): " + "; ".join(
        f"{u} nominal {r.nominal:.0f}, median {r['median']:.0f}, 5-95% {r.q05:.0f}-{r.q95:.0f}"
        for u, r in top.iterrows()))
    print("  S1 / ST [95% bootstrap] of the mean absolute rank shift: " + "; ".join(
        f"{f} {r.S1:.2f} [{r.S1_low:.2f}, {r.S1_high:.2f}] / {r.ST:.2f} "
        f"[{r.ST_low:.2f}, {r.ST_high:.2f}]" for f, r in sa.indices.iterrows()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=10_000, help="replications (model runs)")
    ap.add_argument("--subset", type=int, default=300, help="replications run by the loops")
    ap.add_argument("--repeat", type=int, default=3, help="interleaved repetitions")
    ap.add_argument("--runs", type=int, default=50, help="repetitions of the full index")
    args = ap.parse_args()
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    print(f"machine: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} "
          f"{load[2]:.2f}; numpy {np.__version__}, pandas {pd.__version__}")

    # 1. one full index
    model, data = synthetic()
    model.run(data).to_frame()
    times, cpu = [], []
    for _ in range(args.runs):
        c0 = time.process_time()
        times.append(timed(lambda: model.run(data).to_frame())[0])
        cpu.append(time.process_time() - c0)
    t = statistics.median(times)
    print(f"\nfull index, 13 units x 60 indicators (impute, winsorise, min-max, 3-level "
          f"tree, output table): median {t * 1e3:.1f} ms wall, "
          f"{statistics.median(cpu) * 1e3:.1f} ms CPU, of {args.runs} runs "
          f"(wall min {min(times) * 1e3:.1f}, max {max(times) * 1e3:.1f})   target <= 50 ms: "
          f"{'met' if t <= 0.05 else 'MISSED'}")
    path = resources.files("octasee").joinpath("sources", "data", "goc_index",
                                                "global_oc_index_2023.csv")
    with resources.as_file(path) as p:
        gitoc = pd.read_csv(p)
    gm = load_spec("gitoc_2023")
    result = gm.run(gitoc)
    bad = int((~result.compare_published()["match"]).sum())
    times = [timed(lambda: gm.run(gitoc).to_frame())[0] for _ in range(max(5, args.runs // 5))]
    print(f"full index, GI-TOC 2023 (193 x 32): median {statistics.median(times) * 1e3:.1f} ms, "
          f"{bad} mismatches with the published composites")

    # 2. and 3. uncertainty and sensitivity
    analysis("uncertainty analysis, synthetic", model, data, "Index", args.reps, args.subset,
             args.repeat)
    analysis("uncertainty analysis, GI-TOC 2023", gm, gitoc, "Criminality", args.reps,
             args.subset, args.repeat)

    # 4. a COINr-shaped model from a metadata table
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        meta, data_path, den_path = coinr_shaped(tmp)

        def build_and_run() -> Any:
            m = from_meta(meta, steps=COINR_STEPS, denominators=den_path)
            return m.run(pd.read_csv(data_path)).to_frame()

        build_and_run()
        times = [timed(build_and_run)[0] for _ in range(args.runs)]
        t = statistics.median(times)
        cm = from_meta(meta, steps=COINR_STEPS)
        cdata = pd.read_csv(data_path)
        den = pd.read_csv(den_path)
        res = cm.run(cdata, denominators=den)
        treated = sum(1 for c in res.log[2].details)
        print(f"\nCOINr-shaped model from a metadata table, 50 units x 50 indicators "
              f"(4 levels, denominate, group impute, winsorise ({treated} indicators "
              f"treated), min-max 0-100, means; read the tables, build, run, output table): "
              f"median {t * 1e3:.1f} ms (min {min(times) * 1e3:.1f}, max "
              f"{max(times) * 1e3:.1f}) of {args.runs}   target <= 100 ms: "
              f"{'met' if t <= 0.1 else 'MISSED'}")
        d = len(FACTORS) + 1
        n = math.ceil(args.reps / (d + 2))
        ua = []
        for _ in range(args.repeat):
            tt, sa = timed(lambda: uncertainty_analysis(
                cm, cdata, denominators=den, **FACTORS, weights_noise={2: NOISE, 3: NOISE},
                weight_sets=WEIGHT_SETS, target="Index", n=n, seed=0))
            ua.append(tt)
        t = statistics.median(ua)
        print(f"  uncertainty analysis with treatment (impute x treat x normalise x "
              f"aggregate x weights of levels 2-3), {sa.n_runs:,} replications: median "
              f"{t:.3f} s of {args.repeat}   target <= 3 s: {'met' if t <= 3 else 'MISSED'}")


if __name__ == "__main__":
    main()
