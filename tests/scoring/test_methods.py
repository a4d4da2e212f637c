"""Each method against a value computed by hand (the arithmetic is in the comments)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from octasee.errors import ScoringError
from octasee.scoring import aggregate as agg
from octasee.scoring import impute as imp
from octasee.scoring import normalise as nm
from octasee.scoring import treat as tr
from octasee.scoring import weights as wt

X = pd.DataFrame({"a": [2.0, 4.0, 6.0, 8.0], "b": [10.0, 40.0, 20.0, 30.0]},
                 index=["AL", "BA", "ME", "RS"])


def col(df: pd.DataFrame, c: str = "a") -> list[float]:
    return [round(v, 10) for v in df[c].tolist()]


# ------------------------------------------------------------------ normalise
def test_minmax_range_and_direction() -> None:
    # (x - 2) / 6 * (10 - 1) + 1  ->  1, 4, 7, 10
    assert col(nm.normalise(X, "minmax", low=1, high=10)) == [1.0, 4.0, 7.0, 10.0]
    # direction -1: x' = -x, min -8, max -2  ->  (−2+8)/6 = 1, ..., 0
    out = nm.normalise(X, "n_minmax", direction=pd.Series({"a": -1, "b": 1}))
    assert col(out) == [1.0, round(2 / 3, 10), round(1 / 3, 10), 0.0]
    assert col(out, "b") == [0.0, 1.0, round(1 / 3, 10), round(2 / 3, 10)]


def test_zscore_sample_sd() -> None:
    # mean 5, sample sd sqrt(((9+1+1+9)/3)) = sqrt(20/3) = 2.5819889
    sd = math.sqrt(20 / 3)
    assert col(nm.normalise(X, "zscore")) == [round(v / sd, 10) for v in (-3, -1, 1, 3)]
    assert col(nm.normalise(X, "zscore", mean=100, sd=10)) == [
        round(100 + 10 * v / sd, 10) for v in (-3, -1, 1, 3)]


def test_rank_prank_borda() -> None:
    d = pd.DataFrame({"a": [5.0, 1.0, 5.0, 3.0]})
    assert col(nm.normalise(d, "rank")) == [3.5, 1.0, 3.5, 2.0]
    # 100 * rank / 4
    assert col(nm.normalise(d, "prank")) == [87.5, 25.0, 87.5, 50.0]
    # units strictly below: 2, 0, 2, 1
    assert col(nm.normalise(d, "borda")) == [2.0, 0.0, 2.0, 1.0]
    assert col(nm.normalise(d, "rank", direction=-1)) == [1.5, 4.0, 1.5, 3.0]


def test_distances_fraction_goalposts() -> None:
    # 1 - (8 - x) / 6
    assert col(nm.normalise(X, "dist2max")) == [0.0, round(1 / 3, 10), round(2 / 3, 10), 1.0]
    # reference BA (4): (x - 2) / (4 - 2)
    assert col(nm.normalise(X, "dist2ref", ref="BA")) == [0.0, 1.0, 2.0, 3.0]
    assert col(nm.normalise(X, "dist2ref", ref="BA", cap=True)) == [0.0, 1.0, 1.0, 1.0]
    # target 6: (x - 2) / (6 - 2), capped
    assert col(nm.normalise(X, "dist2targ", target=6)) == [0.0, 0.5, 1.0, 1.0]
    # direction -1, low target 4: (8 - x) / (8 - 4)
    assert col(nm.normalise(X, "dist2targ", target=4, direction=-1, cap=False)) == [
        1.5, 1.0, 0.5, 0.0]
    assert col(nm.normalise(X, "fracmax")) == [0.25, 0.5, 0.75, 1.0]
    assert col(nm.normalise(X, "fraction", direction=-1)) == [1.0, 0.5, round(2 / 6, 10), 0.25]
    # goalposts 3..7, clipped: (x - 3) / 4 -> -0.25, 0.25, 0.75, 1.25 -> 0, .25, .75, 1
    assert col(nm.normalise(X, "goalposts", low=3, high=7)) == [0.0, 0.25, 0.75, 1.0]
    assert col(nm.normalise(X, "goalposts", low=3, high=7, direction=-1, scale=100)) == [
        100.0, 75.0, 25.0, 0.0]


def test_none_reflects_within_scale() -> None:
    assert col(nm.normalise(X, "none", direction=-1, scale=[1, 10])) == [9.0, 7.0, 5.0, 3.0]
    assert col(nm.normalise(X, "none", direction=-1)) == [8.0, 6.0, 4.0, 2.0]


def test_normalise_errors() -> None:
    with pytest.raises(ScoringError, match="did you mean 'minmax'"):
        nm.normalise(X, "minmx")
    with pytest.raises(ScoringError, match="no spread"):
        nm.normalise(pd.DataFrame({"c": [1.0, 1.0]}), "minmax")
    with pytest.raises(ScoringError, match="reference unit"):
        nm.normalise(X, "dist2ref", ref="XX")


# ------------------------------------------------------------------ treat
def test_skew_and_kurtosis_type2_by_hand() -> None:
    # x = 1,2,3,10: mean 4, deviations -3,-2,-1,6
    # m2 = 50/4 = 12.5, m3 = 180/4 = 45, m4 = 1394/4 = 348.5
    # G1 = sqrt(4*3)/2 * 45 / 12.5^1.5 = 1.7636326
    # G2 = 3/(2*1) * (5 * 348.5 / 156.25 - 9) = 3.228
    assert tr.skew_type2([1, 2, 3, 10]) == pytest.approx(1.7636326148, abs=1e-9)
    assert tr.kurt_type2([1, 2, 3, 10]) == pytest.approx(3.228, abs=1e-12)
    s = pd.Series([1, 2, 3, 10, 4, 4.5])
    assert tr.skew_type2(s) == pytest.approx(s.skew()) and tr.kurt_type2(s) == pytest.approx(s.kurt())


def test_winsorise_one_point_on_the_skewed_side() -> None:
    base = [1.0, 2, 2, 3, 3, 3, 4, 4, 5]
    d = pd.DataFrame({"hi": [*base, 40.0], "lo": [-v for v in [*base, 40.0]],
                      "ok": [1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10]})
    out, rep = tr.treat(d, "winsorise")
    # 40 breaks the limits (G1 = 3.12, G2 = 9.80); set to the next highest, 5, then fine
    assert tr.skew_type2(d["hi"]) > 2 and tr.kurt_type2(d["hi"]) > 3.5
    assert out["hi"].tolist() == [*base, 5.0]
    assert rep["hi"]["points"] == [(9, 40.0, 5.0)] and not rep["hi"]["log"]
    assert out["lo"].tolist() == [-v for v in [*base, 5.0]]
    assert out["ok"].tolist() == d["ok"].tolist() and rep["ok"]["points"] == []


def test_winsorise_falls_back_to_log() -> None:
    # 20 values with a long, heavy tail (G1 = 3.14, G2 = 10.3)
    x = pd.DataFrame({"a": [1.0] * 15 + [50.0, 100.0, 200.0, 400.0, 800.0]})
    # one point allowed: 800 -> 400 leaves G1 = 2.30, G2 = 4.29, still failing, so COINr's
    # log_CT is applied to the ORIGINAL column: log(x - 1 + 0.01 * (800 - 1))
    out, rep = tr.treat(x, "winsorise", max_points=1)
    assert rep["a"]["nwin"] == 1 and rep["a"]["pass_winsorised"] is False
    assert rep["a"]["log"] and rep["a"]["transform"] == "log_CT" and rep["a"]["points"] == []
    assert out["a"].tolist() == pytest.approx(np.log(x["a"] - 1.0 + 7.99).tolist(), abs=1e-14)
    assert out["a"].iloc[0] == pytest.approx(np.log(7.99))
    # two points: 800 -> 400, then both 400s -> 200 (ties move together): passes, no log
    out2, rep2 = tr.treat(x, "winsorise", max_points=2)
    assert not rep2["a"]["log"] and rep2["a"]["nwin"] == 2
    assert out2["a"].tolist()[-3:] == [200.0, 200.0, 200.0]
    assert rep2["a"]["points"] == [(18, 400.0, 200.0), (19, 800.0, 200.0)]


def test_no_treatment_changes_nothing() -> None:
    d = pd.DataFrame({"a": [1.0, 2.0, 400.0], "b": [3, np.nan, 4]})
    out, rep = tr.treat(d, "none")
    assert out["a"].tolist() == [1.0, 2.0, 400.0] and out["b"].isna().tolist() == [
        False, True, False] and rep == {}


# ------------------------------------------------------------------ impute
def test_impute_mean_median_group_previous() -> None:
    d = pd.DataFrame({"a": [1.0, np.nan, 5.0, 6.0, np.nan]}, index=list("vwxyz"))
    assert imp.impute(d, "mean")["a"].tolist() == [1.0, 4.0, 5.0, 6.0, 4.0]
    assert imp.impute(d, "median")["a"].tolist() == [1.0, 5.0, 5.0, 6.0, 5.0]
    g = pd.Series(["N", "N", "S", "S", "S"], index=list("vwxyz"))
    # group N: mean 1; group S: mean of 5, 6 = 5.5
    assert imp.impute(d, "i_mean", groups=g)["a"].tolist() == [1.0, 1.0, 5.0, 6.0, 5.5]
    prev = pd.DataFrame({"a": [0.0, 9.0, 0.0, 0.0, np.nan]}, index=list("vwxyz"))
    assert imp.impute(d, "previous", previous=prev)["a"].tolist()[:4] == [1.0, 9.0, 5.0, 6.0]
    assert np.isnan(imp.impute(d, "none")["a"].iloc[1])
    with pytest.raises(ScoringError, match="previous cycle"):
        imp.impute(d, "previous")


# ------------------------------------------------------------------ aggregate
A = np.array([[1.0, 4.0], [2.0, 8.0], [3.0, np.nan]])
W = np.array([1.0, 3.0])


def test_arithmetic_skip_and_propagate() -> None:
    # (1*1 + 3*4)/4 = 3.25; (2 + 24)/4 = 6.5; only 3 present -> 3
    assert agg.a_mean(A, W).tolist() == [3.25, 6.5, 3.0]
    out = agg.a_mean(A, W, missing="propagate")
    assert out[:2].tolist() == [3.25, 6.5] and np.isnan(out[2])


def test_geometric_harmonic_power() -> None:
    # exp((ln1 + 3 ln4)/4) = 4^(3/4) = 2.8284271
    assert agg.a_gmean(A, W)[0] == pytest.approx(4 ** 0.75)
    # 4 / (1/1 + 3/4) = 2.2857143
    assert agg.a_hmean(A, W)[0] == pytest.approx(4 / 1.75)
    # p = 2: sqrt((1 + 3*16)/4) = sqrt(12.25) = 3.5
    assert agg.a_pmean(A, W, p=2)[0] == pytest.approx(3.5)
    assert agg.a_pmean(A, W, p=1)[0] == pytest.approx(3.25)
    assert agg.a_pmean(A, W, p=0)[0] == pytest.approx(4 ** 0.75)
    assert agg.a_pmean(A, W, p=-1)[0] == pytest.approx(4 / 1.75)
    with pytest.raises(ScoringError, match="positive"):
        agg.a_gmean(np.array([[0.0, 1.0]]), W)


def test_copeland_by_hand() -> None:
    # three units, three indicators, weights 1,1,1
    X3 = np.array([[3.0, 1.0, 2.0], [2.0, 3.0, 1.0], [1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    # the first three beat each other cyclically 2-1 (Condorcet cycle) -> each 1 win, 1 loss,
    # and each beats unit 4 -> score 1; unit 4 loses to all -> -3
    assert agg.a_copeland(X3, np.ones(3)).tolist() == [1.0, 1.0, 1.0, -3.0]
    # weight 5 on the first indicator: unit 1 beats 2 (5 vs 2) and 3; 2 beats 3 (5+1 vs 1)
    assert agg.a_copeland(X3, np.array([5.0, 1.0, 1.0])).tolist() == [3.0, 1.0, -1.0, -3.0]


def test_batched_weights_match_single_runs() -> None:
    rng = np.random.default_rng(1)
    Xr = rng.uniform(1, 10, (6, 4))
    Ws = rng.uniform(0.5, 2, (4, 5))
    for method in ("mean", "gmean", "hmean", "pmean", "copeland"):
        f = agg.AGGREGATORS.get(method)
        batch = f(Xr, Ws)
        for j in range(5):
            assert np.allclose(batch[:, j], f(Xr, Ws[:, j]))


def test_aggregate_frame_wrapper() -> None:
    d = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 6.0]})
    assert agg.aggregate(d, {"a": 1, "b": 3}).tolist() == [2.5, 5.0]
    with pytest.raises(ScoringError, match="did you mean 'gmean'"):
        agg.aggregate(d, None, "gmaen")


# ------------------------------------------------------------------ weights
def test_weights() -> None:
    assert wt.equal_weights(["a", "b"]) == {"a": 1.0, "b": 1.0}
    assert wt.explicit_weights(["a", "b"], values={"b": 2}) == {"a": 1.0, "b": 2.0}
    # expert 1: 60/40, expert 2: 20/80  ->  a = (0.6+0.2)/2 = 0.4, b = 0.6
    w = wt.budget_weights(["a", "b"], experts={"e1": {"a": 60, "b": 40}, "e2": {"a": 20, "b": 80}})
    assert w == {"a": 0.4, "b": 0.6}
    with pytest.raises(ScoringError, match="not 100"):
        wt.budget_weights(["a", "b"], experts={"e1": {"a": 60, "b": 30}})
    eff = wt.effective_weights({"i": None, "a": "i", "b": "i", "x": "a", "y": "a"},
                               {"a": 1, "b": 3})
    assert eff["x"] == 0.125 and eff["b"] == 0.75
