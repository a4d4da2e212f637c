"""Uncertainty and sensitivity analysis.

The estimators (Saltelli 2010 first order, Jansen total effect) are checked on analytic
test functions with known indices, Ishigami and Sobol' G, within their sampling error:
the truth must lie inside the 95 % bootstrap interval, and (plain Monte Carlo, where the
bootstrap is valid) within 4 bootstrap standard errors, an error that shrinks as
1/sqrt(N). The vectorised model evaluation is checked run by run against Model.run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from octasee.errors import ScoringError
from octasee.scoring import Model, load_spec
from octasee.scoring.sensitivity import (
    _option_label,
    apply_option,
    bootstrap_indices,
    rank_desc,
    sobol_indices,
    uncertainty_analysis,
)


# ------------------------------------------------------------------ analytic test functions
def ishigami(u: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    x = -np.pi + 2 * np.pi * u
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_exact(a: float = 7.0, b: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    V = a**2 / 8 + b * np.pi**4 / 5 + b**2 * np.pi**8 / 18 + 0.5
    V1 = 0.5 * (1 + b * np.pi**4 / 5) ** 2
    V2 = a**2 / 8
    V13 = b**2 * np.pi**8 * (1 / 18 - 1 / 50)
    return np.array([V1 / V, V2 / V, 0.0]), np.array([(V1 + V13) / V, V2 / V, V13 / V])


G_A = np.array([0.0, 1.0, 4.5, 9.0, 99.0, 99.0])


def sobol_g(u: np.ndarray) -> np.ndarray:
    return np.prod((np.abs(4 * u - 2) + G_A) / (1 + G_A), axis=1)


def sobol_g_exact() -> tuple[np.ndarray, np.ndarray]:
    # V_i = 1 / (3 (1 + a_i)^2); V = prod(1 + V_i) - 1; ST_i = V_i prod_{j != i}(1 + V_j) / V
    Vi = 1 / (3 * (1 + G_A) ** 2)
    V = np.prod(1 + Vi) - 1
    return Vi / V, Vi * np.prod(1 + Vi) / (1 + Vi) / V


def inside(res: pd.DataFrame, s1: np.ndarray, st: np.ndarray) -> None:
    for name, exact in (("S1", s1), ("ST", st)):
        lo, hi = res[f"{name}_low"].to_numpy(), res[f"{name}_high"].to_numpy()
        ok = (lo <= exact + 1e-12) & (exact - 1e-12 <= hi)
        assert ok.all(), (name, exact, res[[name, f"{name}_low", f"{name}_high"]])


def test_analytic_values() -> None:
    s1, st = ishigami_exact()
    assert s1 == pytest.approx([0.3139, 0.4424, 0.0], abs=1e-4)
    assert st == pytest.approx([0.5576, 0.4424, 0.2437], abs=1e-4)
    g1, gt = sobol_g_exact()
    assert g1[:3] == pytest.approx([0.7163, 0.1791, 0.0237], abs=1e-4)
    assert gt[:3] == pytest.approx([0.7873, 0.2422, 0.0343], abs=1e-4)


@pytest.mark.parametrize("func, d, exact", [(ishigami, 3, ishigami_exact()),
                                            (sobol_g, 6, sobol_g_exact())],
                         ids=["ishigami", "sobol_g"])
def test_estimators_recover_known_indices(func, d, exact) -> None:
    s1, st = exact
    # quasi-random (Sobol') design: the truth is inside the bootstrap interval, and the
    # estimate is close in absolute terms
    got = sobol_indices(func, d, n=2**12, seed=1)
    inside(got, s1, st)
    assert got["S1"].to_numpy() == pytest.approx(s1, abs=0.03)
    assert got["ST"].to_numpy() == pytest.approx(st, abs=0.03)
    # plain Monte Carlo: the bootstrap is valid; error within 4 standard errors, which
    # shrink as 1 / sqrt(N) (8 times the runs, sqrt(8) = 2.83 times narrower)
    big = sobol_indices(func, d, n=2**13, seed=2, sampler="random")
    small = sobol_indices(func, d, n=2**10, seed=2, sampler="random")
    for name, exact_ in (("S1", s1), ("ST", st)):
        err = np.abs(big[name].to_numpy() - exact_)
        assert (err <= 4 * big[f"{name}_se"].to_numpy() + 1e-9).all(), (name, err)
    ratio = small["S1_se"].iloc[:2] / big["S1_se"].iloc[:2]
    assert ((ratio > 2.0) & (ratio < 4.0)).all(), ratio


def test_bootstrap_interval_coverage() -> None:
    # 20 independent plain Monte Carlo experiments on Sobol' G: the 95 % intervals cover
    # the truth about 95 % of the time (120 intervals; 85 % is 4 binomial sd below)
    s1, st = sobol_g_exact()
    hits = []
    for seed in range(20):
        r = sobol_indices(sobol_g, 6, n=1024, sampler="random", seed=seed, bootstrap=400)
        hits += list((r["S1_low"] <= s1) & (s1 <= r["S1_high"]))
        hits += list((r["ST_low"] <= st) & (st <= r["ST_high"]))
    assert np.mean(hits) >= 0.85, np.mean(hits)


def test_linear_additive_model() -> None:
    # y = 1 x1 + 2 x2 + 3 x3, x ~ U(0,1): S_i = ST_i = c_i^2 / sum c^2
    c = np.array([1.0, 2.0, 3.0])
    got = sobol_indices(lambda u: u @ c, 3, n=4096, names=["a", "b", "c"])
    assert got["S1"].to_numpy() == pytest.approx(c**2 / 14, abs=0.02)
    assert got["ST"].to_numpy() == pytest.approx(c**2 / 14, abs=0.02)
    assert list(got.index) == ["a", "b", "c"]
    inside(got, c**2 / 14, c**2 / 14)
    bare = sobol_indices(lambda u: u @ c, 3, n=256, bootstrap=0)
    assert list(bare.columns) == ["S1", "ST"]


def test_bootstrap_indices_by_hand() -> None:
    # f(A) = 0, 2; f(B) = 1, 3; f(AB_1) = f(B): V = var([0, 2, 1, 3], ddof 1) = 5/3
    # S1 = mean(fB (fAB - fA)) / V = (1*1 + 3*1) / 2 / (5/3) = 1.2
    # ST = mean((fA - fAB)^2) / 2V = (1 + 1) / 2 / (10/3) = 0.3
    out = bootstrap_indices(np.array([0.0, 2.0]), np.array([1.0, 3.0]),
                            np.array([[1.0, 3.0]]), resamples=0)
    assert out["S1"].tolist() == pytest.approx([1.2]) and out["ST"].tolist() == pytest.approx([0.3])


def test_sampler_errors() -> None:
    with pytest.raises(ScoringError, match="unknown sampler"):
        sobol_indices(ishigami, 3, n=16, sampler="lhs")
    with pytest.raises(ScoringError, match="n >= 2"):
        sobol_indices(ishigami, 3, n=1)


# ------------------------------------------------------------------ ranking
def test_rank_desc_matches_pandas_min_ranks() -> None:
    rng = np.random.default_rng(5)
    S = rng.integers(0, 6, (15, 40)).astype(float) / 2  # many ties
    S[3, 4] = np.nan
    got = rank_desc(S)
    want = pd.DataFrame(np.where(np.isnan(S), -np.inf, S)).rank(ascending=False, method="min")
    assert np.array_equal(got, want.to_numpy())
    # a sum taken in another order still ties
    x = np.array([0.1 + 0.2 + 0.3, 0.3 + 0.2 + 0.1, 0.5])
    assert x[0] != x[1] and rank_desc(x).tolist() == [1.0, 1.0, 3.0]


# ------------------------------------------------------------------ the model
TOY = {"unit": "u", "steps": [{"step": "normalise", "method": "minmax", "low": 1, "high": 10}],
       "tree": [{"id": "i"}, {"id": "a", "parent": "i"}, {"id": "b", "parent": "i"}]}


def test_uncertainty_analysis_on_a_toy_index() -> None:
    m = Model.from_dict(TOY)
    # "p" dominates both indicators: its rank never moves
    d = pd.DataFrame({"u": list("pqrst"), "a": [9.0, 1, 5, 3, 4], "b": [9.0, 5, 1, 4, 3]})
    sa = uncertainty_analysis(m, d, weights_noise=0.9, aggregate=["mean", "hmean"], n=256)
    assert sa.n_runs == 256 * 4 and sa.n == 256
    r = sa.ranks.loc["p"]
    assert (r["nominal"], r["mean"], r["q05"], r["q95"]) == (1, 1, 1, 1)
    assert (sa.ranks["q05"] <= sa.ranks["median"]).all()
    assert (sa.ranks["median"] <= sa.ranks["q95"]).all()
    assert {"S1", "ST", "S1_low", "S1_high", "ST_low", "ST_high"} <= set(sa.indices.columns)
    assert (sa.indices["ST"] >= -0.05).all()
    assert (sa.indices["ST_low"] <= sa.indices["ST"]).all()
    assert (sa.indices["ST"] <= sa.indices["ST_high"]).all()
    assert list(sa.runs.columns) == ["block", "aggregate", "weights"]
    assert sa.runs["block"].value_counts().to_dict() == {"A": 256, "B": 256,
                                                         "AB:aggregate": 256, "AB:weights": 256}
    assert sa.weight_sets.shape == (100, 3) and sa.scores.shape == (5, 1024)
    assert sa.unit_indices.shape == (5, 4)
    with pytest.raises(ScoringError, match="at least one choice"):
        uncertainty_analysis(m, d)
    with pytest.raises(ScoringError, match="between 0 and 1"):
        uncertainty_analysis(m, d, weights_noise=1.5)
    with pytest.raises(ScoringError, match="not an aggregate"):
        uncertainty_analysis(m, d, aggregate=["mean"], target="a")


def test_a_choice_that_changes_nothing_has_zero_indices() -> None:
    m = Model.from_dict(TOY)
    d = pd.DataFrame({"u": list("pqrst"), "a": [9.0, 1, 5, 3, 4], "b": [2.0, 5, 1, 4, 3]})
    # no missing values: the imputation cannot matter
    sa = uncertainty_analysis(m, d, impute=["mean", "median"], aggregate=["mean", "gmean"],
                              weights_noise=0.5, n=128)
    imp = sa.indices.loc["impute"]
    assert imp["S1"] == pytest.approx(0, abs=1e-12) and imp["ST"] == 0
    assert imp["ST_high"] == 0


def test_uncertainty_only() -> None:
    m = Model.from_dict(TOY)
    d = pd.DataFrame({"u": list("pqrst"), "a": [9.0, 1, 5, 3, 4], "b": [2.0, 5, 1, 4, 3]})
    sa = uncertainty_analysis(m, d, weights_noise=0.5, n=100, sensitivity=False,
                              sampler="random")
    assert sa.n_runs == 200 and sa.indices.empty and sa.rank_samples.shape == (5, 200)


BIG = {
    "unit": "u",
    "steps": [{"step": "impute", "method": "mean"}, {"step": "treat", "method": "winsorise"},
              {"step": "normalise", "method": "minmax", "low": 1, "high": 10},
              {"step": "aggregate", "method": "mean"}],
    "tree": [{"id": "index"}, {"id": "threat", "parent": "index", "weight": 2},
             {"id": "resilience", "parent": "index", "direction": -1},
             {"id": "markets", "parent": "threat", "aggregate": {"method": "pmean", "p": 2}},
             {"id": "actors", "parent": "threat"},
             {"id": "m1", "parent": "markets"}, {"id": "m2", "parent": "markets"},
             {"id": "m3", "parent": "markets", "weight": 2},
             {"id": "a1", "parent": "actors"}, {"id": "a2", "parent": "actors"},
             {"id": "r1", "parent": "resilience"}, {"id": "r2", "parent": "resilience"},
             {"id": "r3", "parent": "resilience", "direction": -1}]}


def big_data() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    cols = {c: rng.lognormal(1, 0.5, 12) for c in ("m1", "m2", "m3", "a1", "a2", "r1", "r2",
                                                    "r3")}
    cols["m1"][0] = 90.0          # an outlier for the treatment
    cols["a2"][[2, 7]] = np.nan   # missing values for the imputation
    cols["r1"][5] = np.nan
    return pd.DataFrame({"u": [f"U{i:02d}" for i in range(12)], **cols})


@pytest.mark.parametrize("agg_step", [{"step": "aggregate", "method": "mean"},
                                      {"step": "aggregate", "method": "mean",
                                       "missing": "propagate", "round_children": 1}],
                         ids=["skip", "propagate-rounded"])
def test_batched_runs_equal_model_runs(agg_step: dict) -> None:
    spec = {**BIG, "steps": [*BIG["steps"][:3], agg_step]}
    m = Model.from_dict(spec)
    data = big_data()
    factors = {"impute": ["mean", "none"], "treat": ["none", "winsorise"],
               "normalise": [{"method": "minmax", "low": 1, "high": 10}, "prank"],
               "aggregate": [None, "gmean", "copeland"]}
    sa = uncertainty_analysis(m, data, **factors, weights_noise=0.3, weight_sets=4, n=6,
                              bootstrap=50)
    assert sa.n_runs == 6 * 7
    runs = sa.runs
    for j in range(sa.n_runs):
        mv = m
        for step, options in factors.items():
            label = runs.loc[j, step]
            option = next(o for o in options if _option_label(o) == label)
            mv = apply_option(mv, step, option)
        w = sa.weight_sets.iloc[int(runs.loc[j, "weights"])]
        mv = mv.variant(weights=w.to_dict())
        want = mv.run(data).values["index"].to_numpy()
        got = sa.scores[j].to_numpy()
        assert np.allclose(got, want, rtol=1e-12, atol=1e-12, equal_nan=True), (j, got, want)
    assert np.array_equal(sa.ranks["nominal"], rank_desc(m.run(data).values["index"]))


def test_batched_runs_match_model_runs(gitoc: dict[int, pd.DataFrame]) -> None:
    m = load_spec("gitoc_2021")
    sa = uncertainty_analysis(m, gitoc[2021], aggregate=["mean", "gmean"], n=16)
    # every sampled ranking equals one of the two model variants' rankings
    ranks = {k: rank_desc(m.variant(aggregate=k).run(gitoc[2021]).values["Criminality"])
             for k in ("mean", "gmean")}
    for j in sa.rank_samples.columns:
        col = sa.rank_samples[j].to_numpy()
        assert any(np.array_equal(col, r) for r in ranks.values())


def test_errors_name_the_options() -> None:
    m = Model.from_dict({**TOY, "steps": [{"step": "normalise", "method": "minmax"}]})
    d = pd.DataFrame({"u": list("pqrst"), "a": [9.0, 1, 5, 3, 4], "b": [2.0, 5, 1, 4, 3]})
    # minmax 0..1 has zeros: the geometric mean cannot take them
    with pytest.raises(ScoringError, match=r"positive values.*aggregate gmean"):
        uncertainty_analysis(m, d, aggregate=["mean", "gmean"], n=32)
    with pytest.raises(ScoringError, match="did you mean 'minmax'"):
        uncertainty_analysis(m, d, normalise=["minmx"], n=8)


def test_weight_noise_restricted_to_levels() -> None:
    m = Model.from_dict(BIG)
    data = big_data()
    # levels as COINr numbers them: indicators 1, a parent one above its highest child
    assert m.levels == {"index": 4, "threat": 3, "resilience": 2, "markets": 2, "actors": 2,
                        **dict.fromkeys(("m1", "m2", "m3", "a1", "a2", "r1", "r2", "r3"), 1)}
    sa = uncertainty_analysis(m, data, weights_noise={2: 0.3}, n=16, bootstrap=0)
    w = sa.weight_sets
    moved = [c for c in w.columns if w[c].nunique() > 1]
    assert moved == [n for n in w.columns if m.levels[n] == 2]
    assert (w["m3"] == 2.0).all() and (w["index"] == 1.0).all()
    base = {n: m.nodes[n].weight for n in moved}
    for n in moved:
        assert ((w[n] >= base[n] * 0.7 - 1e-12) & (w[n] <= base[n] * 1.3 + 1e-12)).all()
    one = uncertainty_analysis(m, data, weights_noise={"threat": 0.5}, n=8, bootstrap=0)
    assert [c for c in one.weight_sets.columns if one.weight_sets[c].nunique() > 1] == ["threat"]
    with pytest.raises(ScoringError, match="level 9, which has no node"):
        uncertainty_analysis(m, data, weights_noise={9: 0.2}, n=8)
    with pytest.raises(ScoringError, match="'thret', which is not a node.*did you mean 'threat'"):
        uncertainty_analysis(m, data, weights_noise={"thret": 0.2}, n=8)
    with pytest.raises(ScoringError, match="the noise of level 2 must be between 0 and 1"):
        uncertainty_analysis(m, data, weights_noise={2: 1.5}, n=8)


def test_uncertainty_with_treatment_and_a_later_start() -> None:
    m = Model.from_dict(BIG)
    data = big_data()
    normalised = m.run(data).stages["normalised"].reset_index()
    sa = uncertainty_analysis(m, normalised, start="normalised", aggregate=["mean", "gmean"],
                              n=16, bootstrap=0)
    assert np.array_equal(sa.ranks["nominal"], rank_desc(m.run(data).values["index"]))
