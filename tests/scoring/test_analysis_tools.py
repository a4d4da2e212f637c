"""The builder's analysis tools (screening, statistics, correlations, PCA, removing
elements), the ranks API, method switches in variants."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from octasee.errors import ScoringError
from octasee.scoring import (
    Model,
    correlations,
    example_files,
    indicator_stats,
    load_spec,
    pca,
    remove_elements,
    screen_indicators,
    screen_units,
)

TREE = [{"id": "I"}, {"id": "P", "parent": "I"}, {"id": "Q", "parent": "I", "weight": 2},
        {"id": "a", "parent": "P"}, {"id": "b", "parent": "P", "direction": -1},
        {"id": "c", "parent": "Q"}, {"id": "d", "parent": "Q"}]


def toy() -> tuple[Model, pd.DataFrame]:
    m = Model.from_dict({"unit": "u", "tree": TREE, "steps": [
        {"step": "treat", "method": "winsorise"},
        {"step": "normalise", "method": "minmax", "low": 0, "high": 10}]})
    rng = np.random.default_rng(3)
    d = pd.DataFrame({"u": [f"U{i}" for i in range(12)],
                      **{k: rng.normal(5, 2, 12) for k in "abcd"}})
    d.loc[0, "a"] = 80.0  # an outlier the treatment takes in
    d.loc[[1, 2], "d"] = 0.0
    d.loc[3, "c"] = np.nan
    return m, d


def test_screening() -> None:
    t = pd.DataFrame({"a": [1.0, None, 0, 0], "b": [2.0, None, None, 0], "c": [1.0, 1, 0, 0]},
                     index=list("WXYZ"))
    s = screen_units(t, dat_thresh=0.6)
    assert s.removed == ["X"] and list(s.data.index) == ["W", "Y", "Z"]
    assert s.summary.loc["X", "availability"] == pytest.approx(1 / 3)
    s = screen_units(t, dat_thresh=0.6, nonzero_thresh=0.5, unit_screen="byBoth")
    assert s.removed == ["X", "Y", "Z"]
    assert screen_units(t, nonzero_thresh=0.5, unit_screen="byNZ", force=["Z"]).removed == ["Y"]
    s = screen_indicators(t, dat_thresh=0.75)
    assert s.removed == ["b"] and list(s.data.columns) == ["a", "c"]
    with pytest.raises(ScoringError, match="byNA needs dat_thresh"):
        screen_units(t)
    with pytest.raises(ScoringError, match="between 0 and 1"):
        screen_units(t, dat_thresh=66)
    with pytest.raises(ScoringError, match="did you mean 'byNA'"):
        screen_units(t, dat_thresh=0.5, unit_screen="byna")
    m, d = toy()
    assert screen_units(m.run(d), dat_thresh=1.0).removed == ["U3"]


def test_indicator_stats_and_treatment() -> None:
    m, d = toy()
    r = m.run(d)
    st = indicator_stats(r)
    assert list(st.index) == ["a", "b", "c", "d"]
    a = d["a"]
    assert st.loc["a", "max"] == 80.0 and st.loc["a", "sd"] == pytest.approx(a.std())
    assert st.loc["a", "skew"] == pytest.approx(a.skew()) and st.loc["a", "kurt"] == \
        pytest.approx(a.kurt())
    assert st.loc["a", "flag_skew_kurt"] == "OUT" and st.loc["b", "flag_skew_kurt"] == "ok"
    a_ok = a.dropna()
    q1, q3 = a_ok.quantile([0.25, 0.75])
    assert st.loc["a", "n_outliers_high"] == (a_ok > q3 + 1.5 * (q3 - q1)).sum() >= 1
    assert st.loc["c", "n_available"] == 11 and st.loc["c", "availability"] == 11 / 12
    assert st.loc["d", "n_nonzero"] == 10 and st.loc["d", "n_same"] == 2
    assert st.loc["a", "treated_points"] >= 1 and st.loc["b", "treated_points"] == 0
    assert abs(st.loc["a", "skew_treated"]) < abs(st.loc["a", "skew"])
    assert "treated_points" not in indicator_stats(
        m.variant(treat=None).run(d)).columns
    with pytest.raises(ScoringError, match="no stage 'treatd'.*did you mean 'treated'"):
        indicator_stats(r, "treatd")


def test_correlations() -> None:
    m, d = toy()
    r = m.run(d)
    within = correlations(r)
    assert [(x.a, x.b, x.group) for x in within.itertuples()] == [("a", "b", "P"),
                                                                   ("c", "d", "Q")]
    v = r.values.dropna()
    assert within.loc[1, "r"] == pytest.approx(np.corrcoef(v["c"], v["d"])[0, 1])
    assert within.loc[1, "n"] == 11
    assert len(correlations(r, within=None)) == 6
    across = correlations(r, 1, 2)
    assert [(x.a, x.b) for x in across.itertuples()] == [("a", "P"), ("b", "P"), ("c", "Q"),
                                                         ("d", "Q")]
    assert len(correlations(r, 1, 2, within=None)) == 8
    assert correlations(r, 1, 3)["b"].unique().tolist() == ["I"]
    sp = correlations(r, method="spearman")
    assert sp.loc[0, "r"] == pytest.approx(r.values[["a", "b"]].corr("spearman").iloc[0, 1])
    with pytest.raises(ScoringError, match="no level 5"):
        correlations(r, 5)


def test_pca_matches_the_correlation_matrix_eigenvalues() -> None:
    files = example_files()
    r = load_spec(files["spec"]).run(pd.read_csv(files["data"]))
    out = pca(r)
    assert len(out) == 8
    p = out["Physical"]
    kids = r.model.children["Physical"]
    eig = np.sort(np.linalg.eigvalsh(r.values[kids].corr().to_numpy()))[::-1]
    assert p.explained.to_numpy() == pytest.approx(eig / eig.sum())
    L = p.loadings.to_numpy()
    np.testing.assert_allclose(L.T @ L, np.eye(len(kids)), atol=1e-12)
    assert p.scores.shape == (51, len(kids)) and p.n_units == 51
    # signs fixed: each component's largest loading is positive
    big = p.loadings.to_numpy()[np.abs(L).argmax(axis=0), np.arange(len(kids))]
    assert (big > 0).all()
    assert set(pca(r, 2)) == {"Conn", "Sust"}


def test_remove_elements() -> None:
    m, d = toy()
    out = remove_elements(m, d, level=2)
    assert list(out.index) == ["(none)", "P", "Q"]
    without_p = Model.from_dict({"unit": "u", "steps": m.spec.raw["steps"],
                                 "tree": [n for n in TREE if n["id"] not in ("P", "a", "b")]})
    nominal = m.run(d).values["I"].rank(ascending=False, method="min")
    alt = without_p.run(d).values["I"].rank(ascending=False, method="min")
    assert out.loc["P", "mean_abs_rank_change"] == pytest.approx((alt - nominal).abs().mean())
    ind = remove_elements(m, d, elements=["a", "c"])
    assert ind.loc["a", "mean_abs_rank_change"] >= 0
    with pytest.raises(ScoringError, match="no element 'e'"):
        remove_elements(m, d, elements=["e"])


def test_ranks_is_an_attribute_everywhere() -> None:
    m, d = toy()
    r = m.run(d)
    assert isinstance(r.ranks, pd.DataFrame) and list(r.ranks.columns) == ["I", "P", "Q"]
    assert r.ranks["I"].min() == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r.ranks.loc["U0"]  # no warning as an attribute
    with pytest.warns(DeprecationWarning, match="attribute now"):
        old = r.ranks()
    pd.testing.assert_frame_equal(old, pd.DataFrame(r.ranks))
    with pytest.warns(DeprecationWarning):
        assert r.ranks(digits=0).equals(r.rounded_ranks(0))
    assert type(r.ranks + 0) is pd.DataFrame


def test_variant_switching_method_drops_old_arguments() -> None:
    m = Model.from_dict({"unit": "u", "tree": TREE, "steps": [
        {"step": "impute", "method": "mean", "group": "g"},
        {"step": "normalise", "method": "minmax", "low": 1, "high": 10},
        {"step": "aggregate", "method": "pmean", "p": 3, "missing": "propagate"}]})
    steps = {s.step: s for s in m.variant(normalise={"method": "zscore", "sd": 2}).steps}
    assert steps["normalise"].args == {"sd": 2}
    steps = {s.step: s for s in m.variant({"normalise.method": "rank"}).steps}
    assert steps["normalise"].args == {}
    steps = {s.step: s for s in m.variant(aggregate={"method": "mean"}).steps}
    assert steps["aggregate"].args == {"missing": "propagate"}
    steps = {s.step: s for s in m.variant(impute="median").steps}
    assert steps["impute"].args == {"group": "g"}
    # the same method: arguments are updated, not dropped
    steps = {s.step: s for s in m.variant(normalise={"method": "minmax", "high": 5}).steps}
    assert steps["normalise"].args == {"low": 1, "high": 5}
