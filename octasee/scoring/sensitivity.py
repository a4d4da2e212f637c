"""Robustness: uncertainty and sensitivity analysis of a composite index (Saltelli/Jansen).

The analyst names the uncertain choices (factors), in pipeline order: the imputation, the
outlier treatment, the normalisation and the aggregation method (each a list of options,
drawn uniformly), and a perturbation of the weights (``weight_sets`` random sets
``w * (1 + noise * U(-1, 1))`` drawn once as one matrix, one set chosen per run, as in
COINr's ``get_sensitivity``). With two independent N x d matrices ``A`` and ``B`` on
[0, 1)^d (scrambled Sobol' sequence by default, or plain random) and ``AB_i`` (``A`` with
column ``i`` from ``B``), the model runs ``N (d + 2)`` times and, for an output ``f``::

    V     = Var([f(A), f(B)])
    S_i   = mean(f(B) * (f(AB_i) - f(A))) / V            first order (Saltelli et al. 2010)
    ST_i  = mean((f(A) - f(AB_i))^2) / (2 V)             total effect (Jansen 1999)

Intervals come from a bootstrap over the N rows of the design (the same resampled rows
for ``A``, ``B`` and every ``AB_i``; percentile intervals, ``conf`` = 0.95 by default).
With a Sobol' design the bootstrap treats the points as independent, which overstates the
error of a quasi-random sample: the intervals are conservative.

The outputs are the rank of each unit in the target aggregate (nominal, and over the
``2N`` runs of ``A`` and ``B``: mean, median, 5th and 95th percentile) and, as the scalar
for the indices, the mean absolute rank shift from the nominal ranking,
``mean_u |rank_u - nominal_u|`` (per-unit indices of the rank are given as point
estimates).

How the runs are evaluated (vectorised): every step before aggregation is run once per
combination of imputation x treatment x normalisation options that the design uses (a few
ordinary model runs); the aggregation is then done for all runs sharing a combination at
once. Indicators are the same in all those runs, so the first level of the tree is one
matrix product ``T(X) (units x indicators) @ W (indicators x runs)`` with ``T`` the power
transform of the mean (``x``, ``ln x``, ``1/x``, ``x^p``); higher levels are element-wise
on (units x runs) arrays; ranks come from one ``argsort`` of the (units x runs) scores.
Copeland (and any method without a power form) is evaluated run by run.

References: Saltelli A. et al. (2010), Variance based sensitivity analysis of model output.
Design and estimator for the total sensitivity index, *Computer Physics Communications*
181(2) 259-270; Jansen M. J. W. (1999), Analysis of variance designs for model output,
*Computer Physics Communications* 117, 35-43; Saisana M., Saltelli A., Tarantola S. (2005),
Uncertainty and sensitivity analysis techniques as tools for the quality assessment of
composite indicators, *JRSS A* 168(2); Efron B., Tibshirani R. (1993), *An Introduction to
the Bootstrap*, ch. 13 (percentile intervals).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from octasee.errors import ScoringError
from octasee.scoring._registry import suggest
from octasee.scoring.aggregate import AGGREGATORS
from octasee.scoring.model import Model
from octasee.scoring.rounding import round_half_up

__all__ = ["SensitivityResult", "bootstrap_indices", "rank_desc", "saltelli_design",
           "sobol_indices", "uncertainty_analysis", "weight_noise_vector"]

#: the factors in pipeline order; the first four are steps of the model
FACTORS = ("impute", "treat", "normalise", "aggregate", "weights")
_POWER = {"mean": 1.0, "gmean": 0.0, "hmean": -1.0}
#: step settings that are not arguments of the method, kept when the method changes
_STEP_SETTINGS = {"impute": ("group",), "aggregate": ("missing", "round_children")}


# ---------------------------------------------------------------------- design and estimators
def saltelli_design(n: int, d: int, *, seed: int | None = 0, sampler: str = "sobol"
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Two independent N x d matrices on [0, 1)^d.

    ``sampler="sobol"``: the two halves of one scrambled Sobol' sequence of dimension 2d
    (Saltelli 2010); ``"random"``: independent uniform draws (plain Monte Carlo).
    """
    if n < 2 or d < 1:
        raise ScoringError("a sensitivity design needs n >= 2 runs and d >= 1 factors")
    if sampler == "sobol":
        # lazy: scipy.stats costs ~1.1 s, and every `octasee` command imports this module
        from scipy.stats import qmc

        s = qmc.Sobol(d=2 * d, scramble=True, seed=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # n need not be a power of 2
            u = s.random(n)
    elif sampler == "random":
        u = np.random.default_rng(seed).random((n, 2 * d))
    else:
        raise ScoringError(f"unknown sampler {sampler!r}", hint="use 'sobol' or 'random'")
    return u[:, :d], u[:, d:]


def _estimate(fA: np.ndarray, fB: np.ndarray, fAB: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray]:
    """S1 and ST along axis -2 (the N design rows); fAB has the factors first.

    Shapes: ``fA``, ``fB`` (..., N, k); ``fAB`` (d, ..., N, k) -> (d, ..., k) each.
    """
    N = fA.shape[-2]
    both = np.concatenate([fA, fB], axis=-2)
    V = both.var(axis=-2, ddof=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        S1 = np.einsum("...nk,d...nk->d...k", fB, fAB - fA) / N / V
        ST = 0.5 * ((fA - fAB) ** 2).mean(axis=-2) / V
    return S1, ST


def bootstrap_indices(fA: np.ndarray, fB: np.ndarray, fAB: np.ndarray, *,
                      resamples: int = 1000, conf: float = 0.95,
                      seed: int | None = 0) -> pd.DataFrame:
    """Point estimates and percentile bootstrap intervals of S1 and ST.

    ``fA``, ``fB``: (N,) outputs on A and B; ``fAB``: (d, N) outputs on every AB_i. The N
    rows are resampled with replacement ``resamples`` times (the same rows for A, B and
    every AB_i), in chunks so that memory stays bounded. Returns one row per factor with
    ``S1 S1_low S1_high S1_se ST ST_low ST_high ST_se`` (``_se``: bootstrap standard error).
    """
    fA, fB, fAB = (np.asarray(a, dtype=float) for a in (fA, fB, fAB))
    d, N = fAB.shape
    S1, ST = _estimate(fA[:, None], fB[:, None], fAB[:, :, None])
    out = {"S1": S1[:, 0], "ST": ST[:, 0]}
    if resamples:
        rng = np.random.default_rng(seed)
        chunk = max(1, int(4_000_000 // max(1, N * (d + 2))))
        s1s, sts = [], []
        for start in range(0, resamples, chunk):
            idx = rng.integers(0, N, (min(chunk, resamples - start), N))
            # (chunk, N, 1) per design block; fAB -> (d, chunk, N, 1)
            bS1, bST = _estimate(fA[idx][..., None], fB[idx][..., None], fAB[:, idx][..., None])
            s1s.append(bS1[..., 0])
            sts.append(bST[..., 0])
        bs1, bst = np.concatenate(s1s, axis=1), np.concatenate(sts, axis=1)
        q = [(1 - conf) / 2, 1 - (1 - conf) / 2]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a constant output: all NaN
            for name, b in (("S1", bs1), ("ST", bst)):
                lo, hi = np.nanquantile(b, q, axis=1)
                out[f"{name}_low"], out[f"{name}_high"] = lo, hi
                out[f"{name}_se"] = np.nanstd(b, axis=1, ddof=1)
    cols = ["S1", "S1_low", "S1_high", "S1_se", "ST", "ST_low", "ST_high", "ST_se"]
    return pd.DataFrame({c: out[c] for c in cols if c in out})


def sobol_indices(func: Callable[[np.ndarray], np.ndarray], d: int, *, n: int = 4096,
                  names: Sequence[str] | None = None, seed: int | None = 0,
                  sampler: str = "sobol", bootstrap: int = 1000,
                  conf: float = 0.95) -> pd.DataFrame:
    """First-order (Saltelli 2010) and total-effect (Jansen) indices of ``func`` on [0,1)^d.

    ``func`` maps an (N x d) array of inputs to N outputs (map [0,1) to your input ranges
    inside it). Costs ``n (d + 2)`` evaluations. Columns: ``S1 ST`` and, with
    ``bootstrap`` resamples (0 for none), ``*_low``/``*_high`` (a ``conf`` percentile
    interval) and ``*_se``.

    >>> f = lambda u: 4 * u[:, 0] + 2 * u[:, 1]          # Var shares 16:4 -> 0.8, 0.2
    >>> sobol_indices(f, 2, n=2048)[["S1", "ST"]].round(2).to_dict("list")
    {'S1': [0.8, 0.2], 'ST': [0.8, 0.2]}
    """
    A, B = saltelli_design(n, d, seed=seed, sampler=sampler)
    fA, fB = np.asarray(func(A), float), np.asarray(func(B), float)
    fAB = np.empty((d, n))
    for i in range(d):
        AB = A.copy()
        AB[:, i] = B[:, i]
        fAB[i] = np.asarray(func(AB), float)
    out = bootstrap_indices(fA, fB, fAB, resamples=bootstrap, conf=conf, seed=seed)
    out.index = pd.Index(list(names) if names else [f"x{i + 1}" for i in range(d)],
                         name="factor")
    return out


def rank_desc(scores: np.ndarray, *, rtol: float = 1e-9) -> np.ndarray:
    """Ranks down axis 0 (1 = highest; ties share the best rank, as pandas ``method="min"``).

    ``scores`` is (units x runs); each column is ranked on its own with one ``argsort``.
    Values within ``rtol`` x the column's largest magnitude of their neighbour in sorted
    order count as tied, so that a float difference in the last bits (a sum taken in
    another order) does not break a tie. Missing values rank last, tied.

    >>> rank_desc(np.array([[1.0, 5.0], [3.0, 5.0], [3.0 + 1e-15, 2.0]])).T.tolist()
    [[3.0, 1.0, 1.0], [1.0, 1.0, 3.0]]
    """
    S = np.asarray(scores, dtype=float)
    one = S.ndim == 1
    if one:
        S = S[:, None]
    S = np.where(np.isnan(S), -np.inf, S)
    n = S.shape[0]
    order = np.argsort(-S, axis=0, kind="stable")
    s = np.take_along_axis(S, order, axis=0)
    finite = np.where(np.isfinite(S), np.abs(S), 0.0)
    tol = rtol * np.maximum(finite.max(axis=0, initial=0.0), np.finfo(float).tiny)
    new = np.ones(S.shape, dtype=bool)
    with np.errstate(invalid="ignore"):
        new[1:] = (s[:-1] - s[1:]) > tol  # -inf - -inf is NaN: tied
    r = np.where(new, np.arange(n)[:, None], 0)
    r = np.maximum.accumulate(r, axis=0) + 1.0
    out = np.empty_like(r)
    np.put_along_axis(out, order, r, axis=0)
    return out[:, 0] if one else out


# ---------------------------------------------------------------------- the model
@dataclass
class SensitivityResult:
    """Rank statistics per unit and sensitivity indices per factor.

    * ``ranks``: per unit ``nominal mean median q05 q95 q90_width`` (over the 2N runs of
      A and B);
    * ``indices``: per factor ``S1 ST`` with bootstrap ``*_low *_high *_se`` of the mean
      absolute rank shift;
    * ``unit_indices``: per unit, ``S1``/``ST`` of its rank for every factor (points);
    * ``rank_samples``: the ranks in the 2N runs of A and B (units x runs);
    * ``runs``: one row per run: design block (``A``, ``B``, ``AB:<factor>``), the option
      of every factor and the weight set used;
    * ``weight_sets``: the perturbed weights (one row a set, one column a node);
    * ``scores``: the target's score in every run (units x runs, unrounded);
    * ``n``: the base sample size N.
    """

    ranks: pd.DataFrame
    indices: pd.DataFrame
    unit_indices: pd.DataFrame
    rank_samples: pd.DataFrame
    factors: dict[str, list[Any]]
    n_runs: int
    runs: pd.DataFrame | None = None
    weight_sets: pd.DataFrame | None = None
    scores: pd.DataFrame | None = None
    n: int = 0


def _option_label(o: Any) -> str:
    if o is None:
        return "(spec)"
    if isinstance(o, str):
        return o
    return ", ".join(f"{k}={v}" for k, v in o.items())


def apply_option(model: Model, step: str, option: Any) -> Model:
    """``model`` with the ``step`` set to ``option``.

    An option is ``None`` (as in the spec), a method name (its default arguments), a
    mapping with ``method`` (that method with those arguments) or a mapping without
    (new arguments for the spec's method). The step's own settings that are not method
    arguments are kept unless the option gives them: ``group`` of impute, ``missing``
    and ``round_children`` of aggregate.

    >>> m = Model.from_dict({"unit": "u", "tree": [{"id": "i"}, {"id": "a", "parent": "i"}],
    ...     "steps": [{"step": "normalise", "method": "minmax", "low": 1, "high": 10},
    ...               {"step": "aggregate", "method": "mean", "missing": "propagate"}]})
    >>> apply_option(m, "normalise", {"method": "zscore", "sd": 2}).steps[0].args
    {'sd': 2}
    >>> apply_option(m, "aggregate", "gmean").steps[1].args
    {'missing': 'propagate'}
    """
    if option is None:
        return model
    if isinstance(option, str):
        option = {"method": option}
    if not isinstance(option, Mapping):
        raise ScoringError(f"a {step} option must be a method name or a mapping, "
                           f"not {option!r}")
    args = {k: v for k, v in option.items() if k != "method"}
    if "method" in option:
        current = next((s for s in model.spec.steps if s.step == step), None)
        if current is not None:
            for k in _STEP_SETTINGS.get(step, ()):
                if k in current.args:
                    args.setdefault(k, current.args[k])
        model = model.variant({step: str(option["method"])})
    return model.variant({step: args}) if args else model


class _Tree:
    """The aggregation of one model variant, for many weight sets at once."""

    def __init__(self, model: Model, target: str, node_pos: dict[str, int]) -> None:
        self.model = model
        step = model.spec.steps[-1]
        args = dict(step.args)
        self.round_children = args.pop("round_children", None)
        self.step_method, self.step_args = step.method, args
        self.flip = model._flip_range()
        self.node_pos = node_pos
        # the aggregates under the target, bottom-up
        need: set[str] = set()
        stack = [target]
        while stack:
            nid = stack.pop()
            if model.children[nid]:
                need.add(nid)
                stack.extend(model.children[nid])
        self.order = [a for a in model.aggregates if a in need]

    def method_of(self, node_id: str) -> tuple[str, dict[str, Any]]:
        node = self.model.nodes[node_id]
        if node.aggregate:
            nargs = {k: v for k, v in node.aggregate.items()
                     if k not in ("method", "round_children")}
            nargs.setdefault("missing", self.step_args.get("missing", "skip"))
            return AGGREGATORS.canonical(node.aggregate["method"]), nargs
        return AGGREGATORS.canonical(self.step_method), dict(self.step_args)

    def evaluate(self, X: np.ndarray, columns: list[str], W: np.ndarray) -> np.ndarray:
        """Scores of the target for m runs: X (units x indicators), W (nodes x m)."""
        model = self.model
        col_pos = {c: j for j, c in enumerate(columns)}
        values: dict[str, np.ndarray] = {}
        for node_id in self.order:
            kids = model.children[node_id]
            const = [k for k in kids if k not in values]
            varying = [k for k in kids if k in values]
            Xc = X[:, [col_pos[k] for k in const]]
            if self.round_children is not None:
                Xc = round_half_up(Xc, int(self.round_children))
            Wc = W[[self.node_pos[k] for k in const], :]
            Vs, Wv = [], W[[self.node_pos[k] for k in varying], :]
            for k in varying:
                v = values[k]
                if model.nodes[k].direction == -1:
                    lo, hi = self.flip if self.flip else (np.nanmin(v, axis=0),
                                                          np.nanmax(v, axis=0))
                    v = lo + hi - v
                if self.round_children is not None:
                    v = round_half_up(v, int(self.round_children))
                Vs.append(v)
            method, args = self.method_of(node_id)
            try:
                values[node_id] = _aggregate_runs(Xc, Wc, Vs, Wv, method, args)
            except ScoringError as exc:
                raise ScoringError(f"{exc.what} (aggregating {node_id!r})",
                                   hint=exc.hint) from None
        return values[self.order[-1]]


def _aggregate_runs(Xc: np.ndarray, Wc: np.ndarray, Vs: list[np.ndarray], Wv: np.ndarray,
                    method: str, args: dict[str, Any]) -> np.ndarray:
    """One aggregate for m runs: constant children Xc (n x kc) with weights Wc (kc x m) and
    varying children Vs (each n x m) with weights Wv (kv x m)."""
    args = dict(args)
    missing = args.pop("missing", "skip")
    if missing not in ("skip", "propagate"):
        raise ScoringError(f"unknown missing-value rule {missing!r}",
                           hint="use 'skip' (renormalise weights) or 'propagate'")
    n, m = Xc.shape[0], Wc.shape[1] if Wc.size else Wv.shape[1]
    power = _POWER.get(method)
    if method == "pmean":
        power = float(args.pop("p", 2.0))
    if power is None or args:
        # no power form (Copeland, a registered extra): the aggregators take a batch of
        # weight vectors for fixed children; with children that vary, run by run
        func = AGGREGATORS.get(method)
        if not Vs:
            return np.asarray(func(Xc, Wc, missing=missing, **args), dtype=float)
        out = np.empty((n, m))
        for j in range(m):
            Xj = np.column_stack([Xc, *[v[:, j] for v in Vs]]) if Vs else Xc
            wj = np.concatenate([Wc[:, j], Wv[:, j]])
            out[:, j] = func(Xj, wj, missing=missing, **args)
        return out

    def transform(x: np.ndarray, present: np.ndarray) -> np.ndarray:
        if power <= 0 and (x[present] <= 0).any():
            raise ScoringError(f"aggregate method {method!r} needs positive values",
                               hint="normalise to a positive range (e.g. minmax low: 1) first")
        if power > 0 and (x[present] < 0).any():
            raise ScoringError(f"aggregate method {method!r} needs values >= 0",
                               hint="normalise to a non-negative range first")
        base = np.where(present, x, 1.0)
        t = np.log(base) if power == 0 else base if power == 1 else base ** power
        return np.where(present, t, 0.0)

    pc = ~np.isnan(Xc)
    num = transform(Xc, pc) @ Wc
    den = pc.astype(float) @ Wc
    complete = np.broadcast_to(pc.all(axis=1)[:, None], (n, m)).copy()
    for v, w in zip(Vs, Wv, strict=True):
        pv = ~np.isnan(v)
        num += transform(v, pv) * w
        den += pv * w
        complete &= pv
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        mean = num / den
        out = np.exp(mean) if power == 0 else mean if power == 1 else mean ** (1.0 / power)
    out = np.where(den > 0, out, np.nan)
    if missing == "propagate":
        out[~complete] = np.nan
    return out


def weight_noise_vector(model: Model, weights_noise: float | Mapping[Any, float]
                        ) -> np.ndarray:
    """The relative noise of every node's weight, in the order of the spec's nodes.

    ``weights_noise``: one number for every weight, or a mapping restricting the noise to
    some weights, as COINr's ``noise_specs``: a level (an ``int``; 1 = the indicators'
    weights, 2 = their parents' …, :attr:`Model.levels`) or a node id (a ``str``) to its
    noise. Nodes not named keep their weight. Every noise is in (0, 1).

    >>> m = Model.from_dict({"unit": "u", "tree": [{"id": "i"}, {"id": "p", "parent": "i"},
    ...     {"id": "a", "parent": "p"}, {"id": "b", "parent": "p"}]})
    >>> weight_noise_vector(m, {2: 0.25}).tolist()
    [0.0, 0.25, 0.0, 0.0]
    """
    ids = [nd.id for nd in model.spec.nodes]
    if isinstance(weights_noise, Mapping):
        noise = np.zeros(len(ids))
        top = max(model.levels.values())
        for key, value in weights_noise.items():
            if isinstance(key, bool) or not isinstance(key, int | str):
                raise ScoringError(f"weights_noise key {key!r} is neither a level nor a node",
                                   hint=f"use a level 1..{top} or a node id")
            if isinstance(key, int):
                hit = [i for i, nid in enumerate(ids) if model.levels[nid] == key]
                if not hit:
                    raise ScoringError(f"weights_noise names level {key}, which has no node",
                                       hint=f"the levels are 1 (indicators) to {top}")
            else:
                if key not in model.nodes:
                    raise ScoringError(f"weights_noise names {key!r}, which is not a node",
                                       hint=suggest(key, ids) or "use a node id or a level")
                hit = [ids.index(key)]
            _check_noise(value, f"the noise of {'level ' if isinstance(key, int) else ''}{key}")
            noise[hit] = float(value)
        return noise
    _check_noise(weights_noise, "weights_noise")
    return np.full(len(ids), float(weights_noise))


def _check_noise(value: Any, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1:
        raise ScoringError(f"{what} must be between 0 and 1, not {value!r}",
                           hint="it is the relative perturbation: 0.25 for +/-25 %")


def uncertainty_analysis(model: Model, data: pd.DataFrame, *,
                         impute: Sequence[Any] | None = None,
                         treat: Sequence[Any] | None = None,
                         normalise: Sequence[Any] | None = None,
                         aggregate: Sequence[Any] | None = None,
                         weights_noise: float | Mapping[Any, float] | None = None,
                         weight_sets: int = 100,
                         target: str | None = None, n: int = 1000,
                         sensitivity: bool = True, sampler: str = "sobol",
                         bootstrap: int = 1000, conf: float = 0.95,
                         previous: pd.DataFrame | None = None,
                         denominators: Any = None, start: str | None = None,
                         seed: int | None = 0) -> SensitivityResult:
    """Vary the named choices of ``model`` and measure how the ranking of ``target`` moves.

    ``impute``/``treat``/``normalise``/``aggregate``: lists of options (a method name,
    ``{method: …, args}``, or ``None`` for the spec's own choice); ``weights_noise``:
    relative perturbation of every weight (e.g. 0.25 for +/-25 %), or of the weights of
    chosen levels or nodes only (``{2: 0.25, 3: 0.1}``, as COINr's ``noise_specs``; see
    :func:`weight_noise_vector`). ``target``: the
    aggregate to rank (default: the first root). Needs at least one factor.

    ``n`` is the base sample: ``n (d + 2)`` runs with ``sensitivity`` (A, B and every
    AB_i), ``2n`` without (A and B: uncertainty only, no indices). ``bootstrap``
    resamples give the indices' ``conf`` intervals (0: none). ``previous``: the previous
    cycle for ``impute: previous``; ``denominators``, ``start``: as in
    :meth:`Model.run`. Node-level ``normalise:``/``aggregate:`` overrides in
    the spec are kept in every run, as in :meth:`Model.variant`.

    >>> import pandas as pd
    >>> m = Model.from_dict({"unit": "u", "steps": [{"step": "normalise", "method": "minmax",
    ...     "low": 1, "high": 10}], "tree": [{"id": "i"}, {"id": "a", "parent": "i"},
    ...     {"id": "b", "parent": "i"}]})
    >>> d = pd.DataFrame({"u": list("pqrs"), "a": [1, 2, 3, 4.0], "b": [4, 1, 2, 3.0]})
    >>> sa = uncertainty_analysis(m, d, aggregate=["mean", "gmean"], weights_noise=0.5, n=64)
    >>> list(sa.indices.index), sa.n_runs
    (['aggregate', 'weights'], 256)
    """
    target = target or model.roots[0]
    if target not in model.aggregates:
        raise ScoringError(f"target {target!r} is not an aggregate of the model",
                           hint="choose one of " + ", ".join(model.aggregates))
    given = {"impute": impute, "treat": treat, "normalise": normalise, "aggregate": aggregate}
    factors: dict[str, list[Any]] = {k: list(v) for k, v in given.items() if v}
    node_ids = [nd.id for nd in model.spec.nodes]
    node_pos = {nid: i for i, nid in enumerate(node_ids)}
    base_w = np.array([model.nodes[nid].weight for nid in node_ids], dtype=float)
    rng = np.random.default_rng(seed)
    if weights_noise:
        noise = weight_noise_vector(model, weights_noise)
        if weight_sets < 1:
            raise ScoringError("weight_sets must be at least 1")
        sets = base_w[None, :] * (1 + noise[None, :] * rng.uniform(-1, 1, (weight_sets,
                                                                           len(base_w))))
        factors["weights"] = list(range(weight_sets))
    else:
        sets = base_w[None, :]
    if not factors:
        raise ScoringError("name at least one choice to vary",
                           hint="give impute=[…], treat=[…], normalise=[…], aggregate=[…] "
                                "or weights_noise=…")
    names = list(factors)
    d = len(names)

    run_kw = {"denominators": denominators, "start": start}
    nominal = model.run(data, previous=previous, **run_kw)
    units = nominal.values.index
    nominal_rank = rank_desc(nominal.values[target].to_numpy(dtype=float))

    # the design: option index of every factor in every run
    A, B = saltelli_design(n, d, seed=seed, sampler=sampler)
    blocks = [A, B]
    labels = ["A", "B"]
    if sensitivity:
        for i, f in enumerate(names):
            AB = A.copy()
            AB[:, i] = B[:, i]
            blocks.append(AB)
            labels.append(f"AB:{f}")
    U = np.concatenate(blocks, axis=0)
    sizes = np.array([len(factors[f]) for f in names])
    idx = np.minimum((U * sizes).astype(np.int64), sizes - 1)
    runs = len(U)
    choice = {f: idx[:, names.index(f)] if f in factors else np.zeros(runs, np.int64)
              for f in FACTORS}
    steps = FACTORS[:4]
    opts = {s: factors.get(s, [None]) for s in steps}

    # every pre-aggregation variant once, then the aggregation in batches
    key = np.stack([choice[s] for s in steps], axis=1)
    combos, inverse = np.unique(key, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    variants: dict[tuple[int, ...], Model] = {(): model}
    prepared: dict[tuple[int, ...], tuple[np.ndarray, list[str]]] = {}
    scores = np.empty((len(units), runs))
    for c, combo in enumerate(combos):
        ks = tuple(int(v) for v in combo)
        where = ", ".join(f"{s} {_option_label(opts[s][k])}"
                          for s, k in zip(steps, ks, strict=True) if s in factors)
        try:
            for depth in range(1, 5):  # the variant models, each built once
                if ks[:depth] not in variants:
                    variants[ks[:depth]] = apply_option(variants[ks[:depth - 1]],
                                                        steps[depth - 1],
                                                        opts[steps[depth - 1]][ks[depth - 1]])
            mv = variants[ks]
            if ks[:3] not in prepared:
                table = variants[ks[:3]]._prepare(data, previous, **run_kw)[0]
                if not table.index.equals(units):
                    raise ScoringError("the screen step keeps other units in this variant "
                                       "than in the nominal model",
                                       hint="place the screen step before the steps that "
                                       "vary (e.g. first, on the raw data)")
                prepared[ks[:3]] = (table.to_numpy(dtype=float, na_value=np.nan),
                                    list(table.columns))
            X, cols = prepared[ks[:3]]
            sel = np.flatnonzero(inverse == c)
            scores[:, sel] = _Tree(mv, target, node_pos).evaluate(X, cols,
                                                                  sets[choice["weights"][sel]].T)
        except ScoringError as exc:
            raise ScoringError(f"{exc.what} ({where})", hint=exc.hint) from None
    ranks = rank_desc(scores)  # units x runs

    base_runs = ranks[:, : 2 * n]
    rank_table = pd.DataFrame({
        "nominal": nominal_rank, "mean": base_runs.mean(axis=1),
        "median": np.median(base_runs, axis=1),
        "q05": np.quantile(base_runs, 0.05, axis=1), "q95": np.quantile(base_runs, 0.95, axis=1),
    }, index=units)
    rank_table["q90_width"] = rank_table["q95"] - rank_table["q05"]

    run_table = pd.DataFrame({"block": np.repeat(labels, n)})
    for s in steps:
        if s in factors:
            run_table[s] = np.array([_option_label(o) for o in factors[s]],
                                    dtype=object)[choice[s]]
    if "weights" in factors:
        run_table["weights"] = choice["weights"]

    if sensitivity:
        shift = np.abs(ranks - nominal_rank[:, None]).mean(axis=0)  # one value a run
        fb = shift.reshape(d + 2, n)
        indices = bootstrap_indices(fb[0], fb[1], fb[2:], resamples=bootstrap, conf=conf,
                                    seed=seed)
        indices.index = pd.Index(names, name="factor")
        rb = ranks.T.reshape(d + 2, n, len(units))
        uS1, uST = _estimate(rb[0], rb[1], rb[2:])  # d x units
        unit_indices = pd.concat({"S1": pd.DataFrame(uS1.T, index=units, columns=names),
                                  "ST": pd.DataFrame(uST.T, index=units, columns=names)},
                                 axis=1)
    else:
        indices = pd.DataFrame(columns=["S1", "ST"], index=pd.Index([], name="factor"))
        unit_indices = pd.DataFrame(index=units)
    return SensitivityResult(
        ranks=rank_table, indices=indices, unit_indices=unit_indices,
        rank_samples=pd.DataFrame(base_runs, index=units),
        factors={k: [_option_label(o) if k != "weights" else o for o in v]
                 for k, v in factors.items()},
        n_runs=runs, runs=run_table,
        weight_sets=pd.DataFrame(sets, columns=node_ids),
        scores=pd.DataFrame(scores, index=units), n=n)
