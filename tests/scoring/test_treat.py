"""Outlier treatment against COINr: an independent port of its R code, and cases by hand.

The reference below is written from COINr's source (bluefoxr/COINr, ``R/treat.R``:
``Treat.numeric``, ``winsorise``, ``log_CT``, ``check_SkewKurt``, ``skew``, ``kurt``), line
for line, in exact rational arithmetic (so that no float noise decides a limit test). It
shares no code with :mod:`octasee.scoring.treat`.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from scipy import stats

from octasee.errors import ScoringError
from octasee.scoring import Model
from octasee.scoring import treat as tr


# ------------------------------------------------------------------ the reference (R port)
class RError(Exception):
    """Where R stops: ``if (NA)`` / ``while (NA)``, caught by ``Treat.data.frame``."""


def r_skew_sq_sign(x: list[Fraction]) -> tuple[Fraction, int] | None:
    """``skew(x)`` of COINr (e1071 type 2) as (skew², sign); None for NA/NaN."""
    n = len(x)
    if n < 3:
        return None
    mean = sum(x, Fraction(0)) / n
    d = [v - mean for v in x]
    s2 = sum((v * v for v in d), Fraction(0))
    s3 = sum((v ** 3 for v in d), Fraction(0))
    if s2 == 0:
        return None  # 0 / 0 in R: NaN
    # y <- sqrt(n) * sum(x^3)/(sum(x^2)^(3/2)); y <- y * sqrt(n * (n - 1))/(n - 2)
    sq = n * s3 * s3 / s2 ** 3 * n * (n - 1) / Fraction(n - 2) ** 2
    return sq, (s3 > 0) - (s3 < 0)


def r_kurt(x: list[Fraction]) -> Fraction | None:
    """``kurt(x)`` of COINr (e1071 type 2); None for NA/NaN."""
    n = len(x)
    if n < 4:
        return None
    mean = sum(x, Fraction(0)) / n
    d = [v - mean for v in x]
    s2 = sum((v * v for v in d), Fraction(0))
    if s2 == 0:
        return None
    r = n * sum((v ** 4 for v in d), Fraction(0)) / s2 ** 2
    return ((n + 1) * (r - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))


def r_check(x: list[Fraction], skew_thresh: float, kurt_thresh: float) -> bool | None:
    """``check_SkewKurt``: ``(abs(sk) < skew_thresh) | (kt < kurt_thresh)``, NA as None."""
    sk, kt = r_skew_sq_sign(x), r_kurt(x)
    st_ = Fraction(skew_thresh)
    a = None if sk is None else sk[0] < st_ * st_
    b = None if kt is None else kt < Fraction(kurt_thresh)
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


def r_winsorise(x: list[Fraction], winmax: int | None, st_: float, kt: float,
                force_win: bool) -> tuple[list[Fraction], int]:
    x = list(x)
    passing = r_check(x, st_, kt)
    nwin = 0
    imax: list[int] = []
    imin: list[int] = []
    if passing is not True or force_win:  # if(!passing | force_win)  (NA | FALSE: error)
        if passing is None and not force_win:
            raise RError("if(NA)")
        while True:
            below = winmax is None or nwin < winmax
            cond = (True if force_win else (None if passing is None else not passing))
            if not below:
                break
            if cond is None:
                raise RError("while(NA)")
            if not cond:
                break
            sk = r_skew_sq_sign(x)
            if sk is None:
                raise RError("if(skew(x) >= 0) with NA")
            if sk[1] >= 0:
                top = max(x)
                imax = [i for i, v in enumerate(x) if v == top]
                rest = [v for i, v in enumerate(x) if i not in imax]
                if not rest:
                    raise RError("max of nothing")
                for i in imax:
                    x[i] = max(rest)
            else:
                bottom = min(x)
                imin = [i for i, v in enumerate(x) if v == bottom]
                rest = [v for i, v in enumerate(x) if i not in imin]
                if not rest:
                    raise RError("min of nothing")
                for i in imin:
                    x[i] = min(rest)
            nwin = len(imax) + len(imin)
            passing = r_check(x, st_, kt)
    return x, nwin


def r_treat(values: list[float], *, winmax: int | None = 5, skew_thresh: float = 2.0,
            kurt_thresh: float = 3.5, force_win: bool = False, f2: str | None = "log_CT",
            combine_treat: bool = False) -> tuple[np.ndarray, dict]:
    """``Treat.numeric`` with f1 = winsorise, f2 = log_CT (or none), f_pass = check_SkewKurt,
    inside ``Treat.data.frame``'s tryCatch (an error leaves the column untreated)."""
    arr = np.array(values, dtype=float)
    mask = ~np.isnan(arr)
    x = [Fraction(v) for v in arr[mask].tolist()]
    info = {"nwin": 0, "log": False, "untreated": False}
    p0 = r_check(x, skew_thresh, kurt_thresh)
    if p0 is None:
        info["untreated"] = True
        return arr, info
    if p0:
        return arr, info
    try:
        x1, nwin = r_winsorise(x, winmax, skew_thresh, kurt_thresh, force_win)
    except RError:
        info["untreated"] = True
        return arr, info
    info["nwin"] = nwin
    p1 = r_check(x1, skew_thresh, kurt_thresh)
    if p1 is None:
        info["untreated"] = True
        return arr, info
    out = arr.copy()
    if not p1 and f2 is not None:
        base = np.array([float(v) for v in (x1 if combine_treat else x)])
        # log_CT: log(x - min(x) + 0.01 * (max(x) - min(x)))
        out[mask] = np.log(base - base.min() + 0.01 * (base.max() - base.min()))
        info["log"] = True
    else:
        out[mask] = [float(v) for v in x1]
    return out, info


def run(values: list[float], **kw) -> tuple[np.ndarray, dict]:
    out, rep = tr.t_winsorise(pd.DataFrame({"a": values}), **kw)
    return out["a"].to_numpy(), rep["a"]


# ------------------------------------------------------------------ property: vs reference
@st.composite
def tied_columns(draw) -> list[float]:
    """A column with many ties: a small-range body, outliers often tied, some missing."""
    body = draw(st.lists(st.integers(0, 4), min_size=2, max_size=30))
    tail = draw(st.lists(st.sampled_from([9, 9, 9, 20, 20, 50, 50, -8, -8, -30]), min_size=1,
                         max_size=6))
    values: list[float] = [float(v) for v in body + tail]
    n_missing = draw(st.integers(0, 2))
    values += [math.nan] * n_missing
    return draw(st.permutations(values))


OPTIONS = st.fixed_dictionaries({
    "winmax": st.sampled_from([None, 0, 1, 2, 2, 3, 5, 8]),
    "skew_thresh": st.sampled_from([0.0, 0.5, 1.0, 2.0, 2.25]),
    "kurt_thresh": st.sampled_from([0.0, 1.0, 3.5, 5.0]),
    "force_win": st.booleans(),
    "f2": st.sampled_from(["log_CT", None]),
    "combine_treat": st.booleans(),
})


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=tied_columns(), options=OPTIONS)
def test_winsorise_matches_an_independent_port_of_coinr(values: list[float],
                                                        options: dict) -> None:
    if options["force_win"] and options["winmax"] is None:
        with pytest.raises(ScoringError, match="force_win needs a winmax"):
            run(values, **options)
        return  # COINr would loop until the column is constant, then stop with an error
    want, info = r_treat(values, **options)
    got, rep = run(values, **options)
    event("untreated" if info["untreated"] else "log" if info["log"] else
          f"winsorised, nwin {min(info['nwin'], 3)}{'+' if info['nwin'] >= 3 else ''}")
    assert np.array_equal(np.isnan(got), np.isnan(want))
    if info["log"]:
        assert np.allclose(got, want, rtol=1e-12, atol=1e-12, equal_nan=True)
    else:
        assert np.array_equal(got, want, equal_nan=True), (got, want)
    assert rep["log"] == info["log"]
    assert bool(rep.get("untreated")) == info["untreated"]
    if not info["untreated"]:
        assert rep["nwin"] == info["nwin"]


def test_winsorise_matches_the_port_on_many_seeded_columns() -> None:
    # a deterministic complement to the property test: 1,500 columns, heavy ties
    rng = np.random.default_rng(13)
    seen = {"log": 0, "ties": 0, "untreated": 0}
    for _ in range(1500):
        n = int(rng.integers(4, 40))
        col = rng.integers(0, 5, n).astype(float)
        k = int(rng.integers(1, 7))
        col[rng.choice(n, size=min(k, n), replace=False)] = rng.choice(
            [9.0, 20.0, 50.0, -8.0, -30.0], size=min(k, n))
        options = {"winmax": [None, 1, 2, 3, 5][int(rng.integers(5))],
                   "f2": ["log_CT", None][int(rng.integers(2))],
                   "combine_treat": bool(rng.integers(2))}
        want, info = r_treat(col.tolist(), **options)
        got, rep = run(col.tolist(), **options)
        if info["log"]:
            assert np.allclose(got, want, rtol=1e-12, atol=1e-12)
        else:
            assert np.array_equal(got, want), (col.tolist(), options)
        assert rep["log"] == info["log"] and bool(rep.get("untreated")) == info["untreated"]
        assert info["untreated"] or rep["nwin"] == info["nwin"]
        seen["log"] += info["log"]
        seen["untreated"] += info["untreated"]
        seen["ties"] += info["nwin"] > len(rep["points"]) > 0 or info["nwin"] >= 2
    assert seen["log"] >= 10 and seen["ties"] >= 100 and seen["untreated"] >= 1, seen


@settings(max_examples=100, deadline=None)
@given(values=tied_columns())
def test_the_limit_test_is_coinrs_check_skewkurt(values: list[float]) -> None:
    x = [v for v in values if not math.isnan(v)]
    for s, k in ((2.0, 3.5), (1.0, 1.0), (0.5, 0.0)):
        assert tr.check_skew_kurt(x, s, k)[0] == r_check([Fraction(v) for v in x], s, k)


# ------------------------------------------------------------------ by hand
BODY = [-1.0, 0.0, 1.0] * 5  # 15 values, symmetric


def test_ties_at_both_ends_are_moved_together() -> None:
    x = [*BODY, 30.0, 30.0, -10.0, -10.0]  # n = 19
    # step 0: G1 = 2.23, G2 = 4.93: fails; skew > 0, so both 30s go to the next value, 1
    assert stats.skew(x, bias=False) == pytest.approx(2.2252489725, abs=1e-9)
    assert stats.kurtosis(x, bias=False) == pytest.approx(4.9324030295, abs=1e-9)
    step1 = [*BODY, 1.0, 1.0, -10.0, -10.0]
    # step 1: skew now negative and still failing: both -10s go to the next value, -1
    assert stats.skew(step1, bias=False) < -2 and stats.kurtosis(step1, bias=False) >= 3.5
    step2 = [*BODY, 1.0, 1.0, -1.0, -1.0]  # symmetric: G1 = 0, passes
    got, rep = run(x)
    assert got.tolist() == step2
    assert rep["nwin"] == 4  # COINr: length(imax) + length(imin) = 2 + 2
    assert [u for u, _ in rep["winsorised"]] == [15, 16, 17, 18]
    assert [s for _, s in rep["winsorised"]] == ["high", "high", "low", "low"]
    assert rep["points"] == [(15, 30.0, 1.0), (16, 30.0, 1.0), (17, -10.0, -1.0),
                             (18, -10.0, -1.0)]
    assert not rep["log"]


def test_ties_at_the_high_end_and_the_low_end() -> None:
    # the minimal case: 60 goes to 50, then both 50s to 4 (not one point at a time)
    x = [1.0, 2, 2, 3, 3, 3, 4, 4, 50, 60, 1, 2, 3, 2, 1, 2, 3, 2]
    got, rep = run(x, f2=None)
    assert got.tolist() == [1.0, 2, 2, 3, 3, 3, 4, 4, 4, 4, 1, 2, 3, 2, 1, 2, 3, 2]
    assert rep["nwin"] == 2 and rep["pass_winsorised"] is True
    # a tie at the extreme from the start: both -50s move at once, to the next lowest, -4
    low = [-v for v in [1.0, 2, 2, 3, 3, 3, 4, 4, 50, 50, 1, 2, 3, 2, 1, 2, 3, 2]]
    got, rep = run(low)
    assert got.tolist() == [-v for v in [1.0, 2, 2, 3, 3, 3, 4, 4, 4, 4, 1, 2, 3, 2, 1, 2,
                                         3, 2]]
    assert rep["nwin"] == 2 and rep["winsorised"] == [(8, "low"), (9, "low")]


def test_winmax_is_tested_before_a_step_so_ties_can_pass_it() -> None:
    x = [*BODY, 30.0, 30.0, -10.0, -10.0]
    # winmax 3: after the two 30s nwin = 2 < 3, so the two -10s go too: nwin = 4 > 3
    got, rep = run(x, winmax=3)
    assert rep["nwin"] == 4 and not rep["log"] and got.max() == 1.0 and got.min() == -1.0
    # winmax 2: stops after the 30s (nwin = 2), still failing: log_CT of the ORIGINAL
    got, rep = run(x, winmax=2)
    assert rep["nwin"] == 2 and rep["log"] and rep["transform"] == "log_CT"
    assert rep["points"] == []  # the winsorised values were not kept
    # log(x - min + 0.01 (max - min)) = log(x + 10 + 0.4)
    assert got.tolist() == pytest.approx([math.log(v + 10.4) for v in x], abs=1e-15)
    assert got[-1] == pytest.approx(math.log(0.4))
    # winmax 0: no winsorising at all, straight to the log
    got, rep = run(x, winmax=0)
    assert rep["nwin"] == 0 and rep["log"]
    # the old name
    assert run(x, max_points=2)[0].tolist() == pytest.approx(run(x, winmax=2)[0].tolist())


def test_log_fallback_formulas_and_data() -> None:
    x = [*BODY, 30.0, 30.0, -10.0, -10.0]
    wins = [*BODY, 1.0, 1.0, -10.0, -10.0]  # after the first step (winmax 1 or 2)
    # combine_treat: f2 of the winsorised column: log(w + 10 + 0.01 * 11)
    got, rep = run(x, winmax=1, combine_treat=True)
    assert rep["log"] and got.tolist() == pytest.approx([math.log(v + 10.11) for v in wins])
    # log_CT_orig: log(x - min + 1) = log(x + 11)
    got, _ = run(x, winmax=1, f2="log_CT_orig")
    assert got.tolist() == pytest.approx([math.log(v + 11) for v in x])
    # log_CT_plus, positive skew of the original (G1 = 2.23): as log_CT
    got, _ = run(x, winmax=1, f2="log_CT_plus")
    assert got.tolist() == pytest.approx([math.log(v + 10.4) for v in x])
    # ... negative skew: -log(max + a - x)
    neg = [-v for v in x]
    got, _ = run(neg, winmax=1, f2="log_CT_plus")
    assert got.tolist() == pytest.approx([-math.log(10 + 0.4 - v) for v in neg])
    # octasee's earlier fallback: -log(max - x + 1) for negative skew
    got, _ = run(neg, winmax=1, f2="log_CT_orig_plus")
    assert got.tolist() == pytest.approx([-math.log(10 - v + 1) for v in neg])
    # boxcox, lambda 0.5: y = x - min + 1; (y^0.5 - 1) / 0.5
    got, _ = run(x, winmax=1, f2="boxcox", boxcox_lambda=0.5)
    assert got.tolist() == pytest.approx([((v + 11) ** 0.5 - 1) / 0.5 for v in x])
    # no f2 (log_fallback false): the winsorised column, failing as it is
    got, rep = run(x, winmax=1, log_fallback=False)
    assert got.tolist() == wins and rep["nwin"] == 2 and not rep["log"]
    assert rep["pass_winsorised"] is False


def test_force_win_winsorises_up_to_winmax_once_a_column_fails() -> None:
    x = [1.0, 2, 2, 3, 3, 3, 4, 4, 50, 60, 1, 2, 3, 2, 1, 2, 3, 2]
    # without: 60, then {50, 50} -> passes at nwin 2; with force_win and winmax 4 it goes on
    # while nwin < 4: skew is now ~0 (>= 0: high side): {4, 4, 4, 4} -> 3, nwin 4
    got, rep = run(x, force_win=True, winmax=4)
    assert rep["nwin"] == 4 and got.max() == 3.0
    # a column that passes is not treated at all, force_win or not (Treat.numeric)
    ok = [1.0, 2, 3, 4, 5, 6]
    assert run(ok, force_win=True)[1]["nwin"] == 0


def test_undefined_tests_leave_the_column_untreated_as_coinr() -> None:
    # G1 = sqrt(7) = 2.65, G2 = 7: fails; winsorising 10 -> 0 leaves a constant column,
    # whose skew is NaN: R stops in `if (skew(x) >= 0)`, Treat leaves the column as it was
    x = [0.0] * 6 + [10.0]
    got, rep = run(x, force_win=True, winmax=3)
    assert got.tolist() == x and "untreated" in rep
    got, rep = run(x)  # the check after winsorising is NA: untreated too
    assert got.tolist() == x and "untreated" in rep
    got, rep = run([1.0, 100.0, math.nan])  # below 3 values: NA
    assert got[:2].tolist() == [1.0, 100.0] and "untreated" in rep


def test_exact_limits() -> None:
    # one outlier among four: G1 = 2 exactly and G2 = 4 exactly: |G1| >= 2 fails the test
    p, g1, g2 = tr.check_skew_kurt([0, 0, 0, 1])
    assert p is False and g1 == pytest.approx(2) and g2 == pytest.approx(4)
    assert tr.check_skew_kurt([0, 0, 0, 1], 2.0, 4.0)[0] is False
    assert tr.check_skew_kurt([0, 0, 0, 1], 2.0, 4.000001)[0] is True
    assert tr.check_skew_kurt([5, 5, 5, 5 + 1e-3])[0] is False  # scale does not matter


def test_per_indicator_options_and_none() -> None:
    d = pd.DataFrame({"a": [*BODY, 30.0, 30.0, -10.0, -10.0],
                      "b": [*BODY, 30.0, 30.0, -10.0, -10.0],
                      "c": [*BODY, 30.0, 30.0, -10.0, -10.0]})
    out, rep = tr.t_winsorise(d, indiv_specs={"b": {"winmax": 2}, "c": False})
    assert rep["a"]["nwin"] == 4 and not rep["a"]["log"]
    assert rep["b"]["log"] and rep["b"]["options"]["winmax"] == 2
    assert out["c"].tolist() == d["c"].tolist() and "untreated" in rep["c"]
    with pytest.raises(ScoringError, match="indiv_specs names 'x'"):
        tr.t_winsorise(d, indiv_specs={"x": {"winmax": 2}})


@pytest.mark.parametrize(("kw", "message"), [
    ({"winmax": -1}, "winmax must be a whole number >= 0"),
    ({"kurt_thresh": -0.5}, "kurt_thresh must be a finite number >= 0"),
    ({"skew_thresh": "2"}, "skew_thresh must be a finite number >= 0"),
    ({"f2": "log_ct"}, "unknown f2 transform 'log_ct'; did you mean 'log_CT'"),
    ({"f2": "boxcox"}, "f2: boxcox needs boxcox_lambda"),
    ({"winmax": 3, "max_points": 2}, "'winmax' is given twice"),
    ({"force_win": True, "winmax": None}, "force_win needs a winmax"),
])
def test_bad_options_are_refused(kw: dict, message: str) -> None:
    with pytest.raises(ScoringError, match=message.replace("(", r"\(")):
        tr.t_winsorise(pd.DataFrame({"a": [1.0, 2, 3, 4]}), **kw)


# ------------------------------------------------------------------ the spec
SPEC = """\
name: toy
unit: u
steps:
  - {step: treat, method: winsorise, winmax: 5}
tree:
  - {id: index}
  - {id: a, parent: index}
  - {id: b, parent: index, treat: {winmax: 2}}
  - {id: c, parent: index, treat: false}
"""


def _data() -> pd.DataFrame:
    col = [*BODY, 30.0, 30.0, -10.0, -10.0]
    return pd.DataFrame({"u": [f"U{i}" for i in range(len(col))], "a": col, "b": col,
                         "c": col})


def test_spec_per_indicator_treatment(tmp_path) -> None:
    from octasee.scoring import load_spec

    p = tmp_path / "index.yaml"
    p.write_text(SPEC, "utf-8")
    m = load_spec(p)
    assert m.nodes["b"].treat_options == {"winmax": 2} and not m.nodes["c"].treat
    assert m.steps[0].args == {"winmax": 5, "indiv_specs": {"b": {"winmax": 2}}}
    r = m.run(_data())
    t = r.stages["treated"]
    assert t["a"].max() == 1.0  # winsorised (4 points)
    assert t["b"].min() == pytest.approx(math.log(0.4))  # winmax 2: log_CT
    assert t["c"].tolist() == _data()["c"].tolist()  # treat: false
    entry = r.log[0]
    assert entry.args["winmax"] == 5 and entry.details["a"]["nwin"] == 4
    # aliases become COINr's names; a variant of the method drops node options cleanly
    m2 = Model.from_dict({**m.spec.raw, "steps": [{"step": "treat", "max_points": 3,
                                                   "skew_limit": 1.5, "log_fallback": False}]})
    assert m2.steps[0].args["winmax"] == 3 and m2.steps[0].args["skew_thresh"] == 1.5
    assert m2.steps[0].args["f2"] is None
    assert m.variant(treat="none").run(_data()).stages["treated"]["a"].max() == 30.0


@pytest.mark.parametrize(("old", "new", "line", "message"), [
    ("treat: false}", 'treat: "false"}', 9, "key tree[3].treat: 'false' is not true or false "
                                            "or a table; write treat: true, treat: false "
                                            "(without quotes)"),
    ("treat: {winmax: 2}", "treat: {winmx: 2}", 8, "unknown key 'winmx' in the treatment "
                                                  "options; did you mean 'winmax'?"),
    ("treat: {winmax: 2}", "treat: {winmax: -2}", 8, "key tree[2].treat.winmax: -2 is not a "
                                                   "whole number of 0 or more; write a whole "
                                                   "number >= 0"),
    ("treat: {winmax: 2}", "treat: {kurt_thresh: -1}", 8,
     "key tree[2].treat.kurt_thresh: -1 is not a number of 0 or more"),
    ("treat: {winmax: 2}", "treat: {f2: log}", 8, "'log' is not one of log_CT, log_CT_plus"),
    ("treat: {winmax: 2}", "treat: {winmax: 2, max_points: 3}", 8,
     "the treatment of 'b': 'winmax' is given twice (as 'winmax' and 'max_points')"),
    ("winmax: 5}", "winmax: -5}", 4, "key steps[0].winmax: -5 is not a whole number of 0"),
    ("winmax: 5}", "winmax: 5, skew_thresh: -2}", 4, "-2 is not a number of 0 or more"),
    ("winmax: 5}", "winmx: 5}", 4, "unknown key 'winmx' in the treat step; did you mean "
                                  "'winmax'?"),
    ("winmax: 5}", "winmax: 5, indiv_specs: {zz: {winmax: 1}}}", 4,
     "indiv_specs of the treat step names 'zz', which is not an indicator"),
    ("winmax: 5}", "winmax: 5, indiv_specs: {b: {winmax: 1}}}", 4,
     "the treatment of 'b' is given twice"),
    ("{id: index}", "{id: index, treat: false}", 6, "node 'index' is an aggregate"),
])
def test_spec_treatment_options_are_checked(tmp_path, old: str, new: str, line: int,
                                            message: str) -> None:
    from octasee.scoring import load_spec

    p = tmp_path / "index.yaml"
    p.write_text(SPEC.replace(old, new, 1), "utf-8")
    with pytest.raises(ScoringError) as exc:
        load_spec(p)
    assert f"index.yaml, line {line}: " in str(exc.value), str(exc.value)
    assert message in str(exc.value), str(exc.value)


def test_spec_treatment_in_toml(tmp_path) -> None:
    from octasee.scoring import load_spec

    p = tmp_path / "index.toml"
    p.write_text('unit = "u"\n\n[[steps]]\nstep = "treat"\nwinmax = -1\n\n[[tree]]\n'
                 'id = "index"\n\n[[tree]]\nid = "a"\nparent = "index"\n', "utf-8")
    with pytest.raises(ScoringError, match=r"index.toml, line 5: key steps\[0\].winmax"):
        load_spec(p)
