from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from octasee.errors import ScoringError
from octasee.scoring import Model, load_spec
from octasee.scoring.sensitivity import sobol_indices, uncertainty_analysis


def ishigami(u: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    x = -np.pi + 2 * np.pi * u
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_ishigami_analytic_indices() -> None:
    a, b = 7.0, 0.1
    V = a**2 / 8 + b * np.pi**4 / 5 + b**2 * np.pi**8 / 18 + 0.5
    V1 = 0.5 * (1 + b * np.pi**4 / 5) ** 2
    V2 = a**2 / 8
    V13 = b**2 * np.pi**8 * (1 / 18 - 1 / 50)
    exact_s1 = [V1 / V, V2 / V, 0.0]
    exact_st = [(V1 + V13) / V, V2 / V, V13 / V]
    # 0.3139, 0.4424, 0 and 0.5576, 0.4424, 0.2437
    assert exact_s1[0] == pytest.approx(0.3139, abs=1e-4)
    got = sobol_indices(ishigami, 3, n=2**14, seed=1)
    assert got["S1"].to_numpy() == pytest.approx(exact_s1, abs=0.03)
    assert got["ST"].to_numpy() == pytest.approx(exact_st, abs=0.03)


def test_linear_additive_model() -> None:
    # y = 1 x1 + 2 x2 + 3 x3, x ~ U(0,1): S_i = ST_i = c_i^2 / sum c^2
    c = np.array([1.0, 2.0, 3.0])
    got = sobol_indices(lambda u: u @ c, 3, n=4096, names=["a", "b", "c"])
    assert got["S1"].to_numpy() == pytest.approx(c**2 / 14, abs=0.02)
    assert got["ST"].to_numpy() == pytest.approx(c**2 / 14, abs=0.02)
    assert list(got.index) == ["a", "b", "c"]


def test_uncertainty_analysis_on_a_toy_index() -> None:
    m = Model.from_dict({"unit": "u", "steps": [{"step": "normalise", "method": "minmax",
                                                 "low": 1, "high": 10}],
                         "tree": [{"id": "i"}, {"id": "a", "parent": "i"},
                                  {"id": "b", "parent": "i"}]})
    # "p" dominates both indicators: its rank never moves
    d = pd.DataFrame({"u": list("pqrst"), "a": [9.0, 1, 5, 3, 4], "b": [9.0, 5, 1, 4, 3]})
    sa = uncertainty_analysis(m, d, weights_noise=0.9, aggregate=["mean", "hmean"], n=256)
    assert sa.n_runs == 256 * 4
    r = sa.ranks.loc["p"]
    assert (r["nominal"], r["mean"], r["q05"], r["q95"]) == (1, 1, 1, 1)
    assert (sa.ranks["q05"] <= sa.ranks["median"]).all()
    assert (sa.ranks["median"] <= sa.ranks["q95"]).all()
    assert set(sa.indices.columns) == {"S1", "ST"}
    assert (sa.indices["ST"] >= -0.05).all()
    with pytest.raises(ScoringError, match="at least one choice"):
        uncertainty_analysis(m, d)


def test_batched_runs_match_model_runs(gitoc: dict[int, pd.DataFrame]) -> None:
    m = load_spec("gitoc_2021")
    sa = uncertainty_analysis(m, gitoc[2021], aggregate=["mean", "gmean"], n=16)
    # every sampled ranking equals one of the two model variants' rankings
    ranks = {k: m.variant(aggregate=k).run(gitoc[2021]).values["Criminality"]
             .rank(ascending=False, method="min").to_numpy() for k in ("mean", "gmean")}
    for j in sa.rank_samples.columns:
        col = sa.rank_samples[j].to_numpy()
        assert any(np.array_equal(col, r) for r in ranks.values())
