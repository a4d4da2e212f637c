"""Property-based tests (hypothesis) of the invariants of the composite-index pipeline.

* normalised output stays inside its range (and missing stays missing);
* aggregates are monotone in each input for positive weights (and a whole model is
  monotone in each indicator, in its direction);
* equal weights give the plain mean;
* the order of the units does not matter;
* flipping a direction twice is the identity.

Runs are kept small (``max_examples=50``, no deadline) so the suite stays fast.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from octasee.errors import ScoringError
from octasee.scoring import Model
from octasee.scoring import aggregate as agg
from octasee.scoring import normalise as nm
from octasee.scoring.sensitivity import uncertainty_analysis

SETTINGS = settings(max_examples=50, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
SMALL = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def frames(draw, *, low: float = -1000.0, high: float = 1000.0, min_units: int = 3,
           max_units: int = 12, max_cols: int = 4, missing: bool = False) -> pd.DataFrame:
    """A table of indicators; every column has at least two distinct present values."""
    n = draw(st.integers(min_units, max_units))
    k = draw(st.integers(1, max_cols))
    x = draw(arrays(np.float64, (n, k), elements=st.floats(low, high, allow_nan=False,
                                                          allow_infinity=False)))
    if missing:
        holes = draw(arrays(np.bool_, (n, k)))
        holes[:2] = False
        x = np.where(holes, np.nan, x)
    for j in range(k):  # guarantee a spread
        present = x[~np.isnan(x[:, j]), j]
        if present.max() - present.min() < 1e-3 * (1 + abs(present).max()):
            x[0, j] = low if x[0, j] > (low + high) / 2 else high
    return pd.DataFrame(x, columns=[f"c{j}" for j in range(k)],
                        index=[f"U{i:02d}" for i in range(n)])


directions = st.sampled_from([1.0, -1.0])


def tol(*values: float) -> float:
    return 1e-9 * (1.0 + max(abs(v) for v in values))


# ------------------------------------------------------------------ normalised output in range
@SETTINGS
@given(df=frames(missing=True), d=directions, low=st.floats(-100, 100),
       width=st.floats(0.5, 1000))
def test_minmax_inside_its_range(df: pd.DataFrame, d: float, low: float, width: float) -> None:
    high = low + width
    out = nm.normalise(df, "minmax", direction=d, low=low, high=high)
    v = out.to_numpy()
    assert np.array_equal(np.isnan(v), df.isna().to_numpy())  # missing stays missing
    present = v[~np.isnan(v)]
    assert (present >= low - tol(low)).all() and (present <= high + tol(high)).all()
    # the range is reached at both ends, in every column
    assert np.allclose(out.min(), low, atol=tol(low)) and np.allclose(out.max(), high,
                                                                     atol=tol(high))


@SETTINGS
@given(df=frames(missing=True), d=directions)
def test_rank_methods_inside_their_range(df: pd.DataFrame, d: float) -> None:
    n = df.notna().sum().to_numpy()
    r = nm.normalise(df, "rank", direction=d)
    assert ((r >= 1) | r.isna()).all().all() and ((r <= n) | r.isna()).all().all()
    p = nm.normalise(df, "prank", direction=d)
    assert ((p > 0) | p.isna()).all().all() and ((p <= 100 + 1e-9) | p.isna()).all().all()
    b = nm.normalise(df, "borda", direction=d)
    assert ((b >= 0) | b.isna()).all().all() and ((b <= n - 1) | b.isna()).all().all()
    m = nm.normalise(df, "dist2max", direction=d)
    assert ((m >= -1e-12) | m.isna()).all().all() and ((m <= 1 + 1e-12) | m.isna()).all().all()


@SETTINGS
@given(df=frames(low=0.01, missing=True), d=directions, scale=st.floats(0.5, 100),
       target=st.floats(1, 500))
def test_bounded_methods_inside_their_range(df: pd.DataFrame, d: float, scale: float,
                                            target: float) -> None:
    g = nm.normalise(df, "goalposts", direction=d, low=100, high=600, scale=scale)
    assert ((g >= 0) | g.isna()).all().all() and ((g <= scale) | g.isna()).all().all()
    f = nm.normalise(df, "fraction", direction=d)
    assert ((f > 0) | f.isna()).all().all() and ((f <= 1) | f.isna()).all().all()
    if d == 1 and (df.min() < target).all():
        t = nm.normalise(df, "dist2targ", target=target)
        assert ((t >= 0) | t.isna()).all().all() and ((t <= 1) | t.isna()).all().all()


# ------------------------------------------------------------------ monotone
@st.composite
def positive_problem(draw) -> tuple[np.ndarray, np.ndarray, int, int, float]:
    n = draw(st.integers(2, 8))
    k = draw(st.integers(1, 6))
    X = draw(arrays(np.float64, (n, k), elements=st.floats(0.1, 100)))
    w = draw(arrays(np.float64, (k,), elements=st.floats(0.01, 10)))
    i = draw(st.integers(0, n - 1))
    j = draw(st.integers(0, k - 1))
    delta = draw(st.floats(1e-6, 50))
    return X, w, i, j, delta


@SETTINGS
@given(problem=positive_problem(),
       method=st.sampled_from(["mean", "gmean", "hmean", "pmean", "copeland"]))
def test_aggregates_are_monotone_in_each_input(problem, method: str) -> None:
    X, w, i, j, delta = problem
    f = agg.AGGREGATORS.get(method)
    before = f(X, w)
    Y = X.copy()
    Y[i, j] += delta
    after = f(Y, w)
    assert after[i] >= before[i] - tol(before[i])
    if method != "copeland":  # a unit's own means do not depend on the other units
        others = np.arange(len(X)) != i
        assert np.allclose(after[others], before[others], rtol=1e-12)
    # the batched form agrees
    W = np.column_stack([w, 2 * w])
    assert np.allclose(f(Y, W)[:, 0], after, rtol=1e-12)


MONO_SPEC = {"unit": "u",
             "steps": [{"step": "impute", "method": "mean"},
                       {"step": "normalise", "method": "minmax", "low": 1, "high": 10}],
             "tree": [{"id": "index"}, {"id": "p", "parent": "index", "weight": 2},
                      {"id": "q", "parent": "index"},
                      {"id": "c0", "parent": "p"}, {"id": "c1", "parent": "p", "weight": 3},
                      {"id": "c2", "parent": "q", "direction": -1}, {"id": "c3", "parent": "q"}]}


@SETTINGS
@given(df=frames(min_units=3, max_units=10, max_cols=1, missing=False),
       extra=arrays(np.float64, (10, 3), elements=st.floats(-100, 100)),
       unit=st.integers(0, 9), col=st.integers(0, 3), delta=st.floats(0.01, 500),
       method=st.sampled_from(["mean", "gmean", "hmean"]))
def test_model_is_monotone_in_each_indicator(df, extra, unit, col, delta, method) -> None:
    n = len(df)
    data = pd.DataFrame({"u": df.index, "c0": df["c0"].to_numpy(),
                         **{f"c{j + 1}": extra[:n, j] + np.arange(n) for j in range(3)}})
    m = Model.from_dict(MONO_SPEC).variant(aggregate=method)
    unit = unit % n
    before = m.run(data).values["index"].to_numpy()
    data.loc[unit, f"c{col}"] += delta
    assume(data[f"c{col}"].nunique() > 1)  # raising one value made the column constant
    after = m.run(data).values["index"].to_numpy()
    sign = -1 if col == 2 else 1  # c2 counts against the index
    assert sign * (after[unit] - before[unit]) >= -tol(before[unit])


# ------------------------------------------------------------------ equal weights
@SETTINGS
@given(X=arrays(np.float64, st.tuples(st.integers(1, 8), st.integers(1, 6)),
                elements=st.floats(-1e4, 1e4)), c=st.floats(1e-3, 1e3))
def test_equal_weights_give_the_plain_mean(X: np.ndarray, c: float) -> None:
    k = X.shape[1]
    plain = X.mean(axis=1)
    assert np.allclose(agg.a_mean(X, np.full(k, c)), plain, rtol=1e-9, atol=1e-9)
    assert np.allclose(agg.aggregate_batch(X[:, :, None], np.full((k, 1), c))[:, 0], plain,
                       rtol=1e-9, atol=1e-9)
    # and through a model: one aggregate, equal (default) weights, no normalisation
    data = pd.DataFrame(X, columns=[f"x{j}" for j in range(k)])
    data.insert(0, "u", [f"U{i}" for i in range(len(X))])
    tree = [{"id": "i"}, *[{"id": f"x{j}", "parent": "i"} for j in range(k)]]
    out = Model.from_dict({"unit": "u", "tree": tree}).run(data).values["i"].to_numpy()
    assert np.allclose(out, plain, rtol=1e-9, atol=1e-9)


# ------------------------------------------------------------------ order of units
ORDER_SPEC = {"unit": "u",
              "steps": [{"step": "impute", "method": "median"},
                        {"step": "treat", "method": "winsorise"},
                        {"step": "normalise", "method": "minmax", "low": 1, "high": 10},
                        {"step": "aggregate", "method": "mean"}],
              "tree": [{"id": "index"}, {"id": "p", "parent": "index"},
                       {"id": "q", "parent": "index", "direction": -1},
                       {"id": "c0", "parent": "p"}, {"id": "c1", "parent": "p"},
                       {"id": "c2", "parent": "q"}, {"id": "c3", "parent": "q"}]}


def _order_data(df: pd.DataFrame) -> pd.DataFrame:
    data = df.reset_index(names="u")
    for j in range(df.shape[1], 4):
        data[f"c{j}"] = np.arange(len(df), dtype=float) * (j + 1) % 7
    return data


@SETTINGS
@given(df=frames(min_units=4, max_units=12, max_cols=4, missing=True), data=st.data(),
       norm=st.sampled_from(["minmax", "prank", "zscore", "borda"]))
def test_the_order_of_units_does_not_matter(df: pd.DataFrame, data: st.DataObject,
                                            norm: str) -> None:
    table = _order_data(df)
    perm = data.draw(st.permutations(range(len(table))))
    m = Model.from_dict(ORDER_SPEC).variant(normalise=norm)
    try:
        a = m.run(table).to_frame(digits=6).set_index("u").sort_index()
    except ScoringError as exc:  # e.g. winsorising left a column constant: in any order
        with pytest.raises(ScoringError, match=re.escape(exc.what)):
            m.run(table.iloc[list(perm)])
        return
    b = m.run(table.iloc[list(perm)]).to_frame(digits=6).set_index("u").sort_index()
    pd.testing.assert_frame_equal(a, b)


@SMALL
@given(df=frames(low=1, min_units=4, max_units=8, max_cols=4, missing=False), data=st.data())
def test_the_order_of_units_does_not_matter_to_the_uncertainty(df: pd.DataFrame,
                                                                data: st.DataObject) -> None:
    table = _order_data(df)
    perm = list(data.draw(st.permutations(range(len(table)))))
    m = Model.from_dict(ORDER_SPEC)
    kw = {"aggregate": ["mean", "gmean"], "normalise": [None, "prank"], "weights_noise": 0.4,
          "n": 16, "bootstrap": 20}
    try:
        a = uncertainty_analysis(m, table, **kw)
    except ScoringError as exc:  # a variant cannot run on these data: in any order
        with pytest.raises(ScoringError, match=re.escape(exc.what)):
            uncertainty_analysis(m, table.iloc[perm], **kw)
        return
    b = uncertainty_analysis(m, table.iloc[perm], **kw)
    pd.testing.assert_frame_equal(a.ranks.sort_index(), b.ranks.sort_index())
    pd.testing.assert_frame_equal(a.indices, b.indices)


# ------------------------------------------------------------------ flipping twice
@SETTINGS
@given(df=frames(missing=True),
       method=st.sampled_from(["none", "minmax", "zscore", "rank", "prank", "borda",
                               "dist2max"]))
def test_flipping_direction_twice_is_the_identity(df: pd.DataFrame, method: str) -> None:
    once = nm.normalise(df, method, direction=-1)
    twice = nm.normalise(once, method, direction=-1)
    straight = nm.normalise(df, method, direction=1)
    scale = float(np.nanmax(np.abs(df.to_numpy()))) + 1.0
    pd.testing.assert_frame_equal(twice, straight, check_exact=False, rtol=1e-9,
                                  atol=1e-9 * scale)


@SETTINGS
@given(x=arrays(np.float64, st.integers(2, 10), elements=st.floats(1, 10)))
def test_reflection_within_a_scale_twice_is_exact(x: np.ndarray) -> None:
    df = pd.DataFrame({"a": x})
    back = nm.normalise(nm.normalise(df, "none", direction=-1, scale=[1, 10]), "none",
                        direction=-1, scale=[1, 10])
    assert np.allclose(back["a"], x, rtol=0, atol=1e-12)


@pytest.mark.parametrize("node", ["c2", "q"])
def test_flipping_a_node_twice_in_a_model_is_the_identity(node: str) -> None:
    m = Model.from_dict(ORDER_SPEC)
    table = _order_data(pd.DataFrame({"c0": [1.0, 5, 3, 8, 2], "c1": [2.0, 2, 9, 4, 1]},
                                     index=list("abcde")))
    d = m.nodes[node].direction
    flipped = m.variant(directions={node: -d})
    back = flipped.variant(directions={node: d})
    assert not flipped.run(table).values.equals(m.run(table).values)
    pd.testing.assert_frame_equal(back.run(table).values, m.run(table).values)
