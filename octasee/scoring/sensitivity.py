"""Robustness: uncertainty and sensitivity analysis of a composite index (Saltelli/Jansen).

The analyst names the choices to vary (factors): the normalisation method, the aggregation
method, and a perturbation of the weights. Each factor is a list of options drawn
uniformly (weights: ``weight_sets`` random sets ``w * (1 + noise * U(-1, 1))``, one drawn per
run, as in COINr's ``get_sensitivity``). With two independent quasi-random matrices
``A`` and ``B`` (N x d, Sobol' sequence) and ``AB_i`` (``A`` with column ``i`` from ``B``),
the model runs ``N (d + 2)`` times and, for an output ``f``::

    V     = Var([f(A), f(B)])
    S_i   = mean(f(B) * (f(AB_i) - f(A))) / V            first order (Saltelli et al. 2010)
    ST_i  = mean((f(A) - f(AB_i))^2) / (2 V)             total effect (Jansen 1999)

The outputs are the rank of each unit in the target aggregate (its distribution over the
``2N`` runs of ``A`` and ``B``: mean, median, 5th and 95th percentile) and, as the scalar
for the indices, the mean absolute rank shift from the nominal ranking,
``mean_u |rank_u - nominal_u|`` (per-unit indices are also given).

Runs are evaluated in batches: the normalised data are computed once per normalisation
option and the tree is aggregated for all runs sharing a (normalisation, aggregation)
pair at once (:func:`~octasee.scoring.aggregate.aggregate_batch`).

References: Saltelli A. et al. (2010), Variance based sensitivity analysis of model output.
Design and estimator for the total sensitivity index, *Computer Physics Communications*
181(2) 259-270; Jansen M. J. W. (1999), Analysis of variance designs for model output,
*Computer Physics Communications* 117, 35-43; Saisana M., Saltelli A., Tarantola S. (2005),
Uncertainty and sensitivity analysis techniques as tools for the quality assessment of
composite indicators, *JRSS A* 168(2).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.stats import qmc

from octasee.errors import ScoringError
from octasee.scoring.aggregate import aggregate_batch
from octasee.scoring.model import Model

__all__ = ["SensitivityResult", "saltelli_design", "sobol_indices", "uncertainty_analysis"]


def saltelli_design(n: int, d: int, *, seed: int | None = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two independent N x d matrices on [0, 1)^d from one scrambled Sobol' sequence (2d)."""
    if n < 2 or d < 1:
        raise ScoringError("a sensitivity design needs n >= 2 runs and d >= 1 factors")
    sampler = qmc.Sobol(d=2 * d, scramble=True, seed=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # n need not be a power of 2
        u = sampler.random(n)
    return u[:, :d], u[:, d:]


def _indices(fA: np.ndarray, fB: np.ndarray, fAB: list[np.ndarray]
             ) -> tuple[np.ndarray, np.ndarray]:
    V = np.var(np.concatenate([fA, fB], axis=0), axis=0, ddof=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        S1 = np.array([np.mean(fB * (f - fA), axis=0) / V for f in fAB])
        ST = np.array([0.5 * np.mean((fA - f) ** 2, axis=0) / V for f in fAB])
    return S1, ST


def sobol_indices(func: Callable[[np.ndarray], np.ndarray], d: int, *, n: int = 4096,
                  names: Sequence[str] | None = None, seed: int | None = 0) -> pd.DataFrame:
    """First-order (Saltelli 2010) and total-effect (Jansen) indices of ``func`` on [0,1)^d.

    ``func`` maps an (N x d) array of inputs to N outputs (map [0,1) to your input ranges
    inside it). Costs ``n (d + 2)`` evaluations.

    >>> f = lambda u: 4 * u[:, 0] + 2 * u[:, 1]          # Var shares 16:4 -> 0.8, 0.2
    >>> sobol_indices(f, 2, n=2048).round(2).to_dict("list")
    {'S1': [0.8, 0.2], 'ST': [0.8, 0.2]}
    """
    A, B = saltelli_design(n, d, seed=seed)
    fA, fB = np.asarray(func(A), float), np.asarray(func(B), float)
    fAB = []
    for i in range(d):
        AB = A.copy()
        AB[:, i] = B[:, i]
        fAB.append(np.asarray(func(AB), float))
    S1, ST = _indices(fA, fB, fAB)
    return pd.DataFrame({"S1": S1, "ST": ST},
                        index=pd.Index(list(names) if names else [f"x{i + 1}" for i in range(d)],
                                       name="factor"))


@dataclass
class SensitivityResult:
    """Rank statistics per unit and sensitivity indices per factor."""

    ranks: pd.DataFrame
    indices: pd.DataFrame
    unit_indices: pd.DataFrame
    rank_samples: pd.DataFrame
    factors: dict[str, list[Any]]
    n_runs: int


def _option_label(o: Any) -> str:
    if o is None:
        return "(spec)"
    if isinstance(o, str):
        return o
    return ", ".join(f"{k}={v}" for k, v in o.items())


def _tree_batch(model: Model, normalised: np.ndarray, columns: list[str], agg_option: Any,
                W_nodes: np.ndarray, node_pos: dict[str, int]) -> dict[str, np.ndarray]:
    """Evaluate every aggregate for m runs; W_nodes is (n_nodes x m)."""
    m = W_nodes.shape[1]
    agg_step = model.spec.steps[-1]
    if agg_option is None:
        method, args = agg_step.method, dict(agg_step.args)
    elif isinstance(agg_option, str):
        method, args = agg_option, {"missing": agg_step.args.get("missing", "skip")}
    else:
        args = dict(agg_option)
        method = args.pop("method")
    args.pop("round_children", None)
    flip = model._flip_range()
    n = normalised.shape[0]
    values: dict[str, np.ndarray] = {c: np.broadcast_to(normalised[:, [j]], (n, m))
                                     for j, c in enumerate(columns)}
    for node_id in model.aggregates:
        kids = model.children[node_id]
        cols = []
        for k in kids:
            v = values[k]
            if model.nodes[k].direction == -1 and model.children[k]:
                lo, hi = flip if flip else (np.nanmin(v, axis=0), np.nanmax(v, axis=0))
                v = lo + hi - v
            cols.append(v)
        X = np.stack(cols, axis=1)
        node = model.nodes[node_id]
        if node.aggregate and agg_option is None:
            nmethod = node.aggregate["method"]
            nargs = {k: v for k, v in node.aggregate.items() if k != "method"}
        else:
            nmethod, nargs = method, args
        W = W_nodes[[node_pos[k] for k in kids], :]
        values[node_id] = aggregate_batch(X, W, nmethod, **nargs)
    return values


def uncertainty_analysis(model: Model, data: pd.DataFrame, *,
                         normalise: Sequence[Any] | None = None,
                         aggregate: Sequence[Any] | None = None,
                         weights_noise: float | None = None, weight_sets: int = 100,
                         target: str | None = None, n: int = 1000,
                         seed: int | None = 0) -> SensitivityResult:
    """Vary the named choices of ``model`` and measure how the ranking of ``target`` moves.

    ``normalise``/``aggregate``: lists of options (a method name or ``{method: …, args}``);
    ``weights_noise``: relative perturbation of every weight (e.g. 0.25 for +/-25 %).
    ``target``: the aggregate to rank (default: the first root). Needs at least one factor.

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
    factors: dict[str, list[Any]] = {}
    if normalise:
        factors["normalise"] = list(normalise)
    if aggregate:
        factors["aggregate"] = list(aggregate)
    node_ids = [nd.id for nd in model.spec.nodes]
    node_pos = {nid: i for i, nid in enumerate(node_ids)}
    base_w = np.array([model.nodes[nid].weight for nid in node_ids], dtype=float)
    rng = np.random.default_rng(seed)
    if weights_noise:
        sets = base_w[None, :] * (1 + weights_noise * rng.uniform(-1, 1, (weight_sets,
                                                                          len(base_w))))
        factors["weights"] = list(range(weight_sets))
    else:
        sets = base_w[None, :]
    if not factors:
        raise ScoringError("name at least one choice to vary",
                           hint="give normalise=[…], aggregate=[…] or weights_noise=…")
    d = len(factors)
    names = list(factors)

    nominal = model.run(data)
    units = nominal.values.index
    nominal_rank = nominal.values[target].rank(ascending=False, method="min").to_numpy()

    norm_opts = factors.get("normalise", [None])
    variants: list[tuple[Model, np.ndarray, list[str]]] = []
    for o in norm_opts:
        mv = model if o is None else model.variant(normalise=o)
        stage = mv.run(data).stages["normalised"]
        variants.append((mv, stage.to_numpy(float), list(stage.columns)))
    agg_opts = factors.get("aggregate", [None])

    A, B = saltelli_design(n, d, seed=seed)
    designs = [A, B]
    for i in range(d):
        AB = A.copy()
        AB[:, i] = B[:, i]
        designs.append(AB)
    U = np.concatenate(designs, axis=0)
    sizes = [len(factors[f]) for f in names]
    idx = np.minimum((U * np.array(sizes)).astype(int), np.array(sizes) - 1)
    col = {f: idx[:, j] if f in factors else np.zeros(len(U), int) for j, f in enumerate(names)}
    ni = col.get("normalise", np.zeros(len(U), int))
    ai = col.get("aggregate", np.zeros(len(U), int))
    wi = col.get("weights", np.zeros(len(U), int))

    runs = len(U)
    scores = np.empty((len(units), runs))
    for a_k in np.unique(ai):
        for n_k in np.unique(ni):
            sel = np.flatnonzero((ai == a_k) & (ni == n_k))
            if not sel.size:
                continue
            mv, X, cols = variants[n_k]
            try:
                vals = _tree_batch(mv, X, cols, agg_opts[a_k], sets[wi[sel]].T, node_pos)
            except ScoringError as exc:
                raise ScoringError(
                    f"{exc.what} (normalise {_option_label(norm_opts[n_k])}, "
                    f"aggregate {_option_label(agg_opts[a_k])})", hint=exc.hint) from None
            scores[:, sel] = vals[target]
    scores = np.where(np.isnan(scores), -np.inf, scores)
    ranks = stats.rankdata(-scores, axis=0, method="min").astype(float)  # units x runs

    base_runs = ranks[:, : 2 * n]
    rank_table = pd.DataFrame({
        "nominal": nominal_rank, "mean": base_runs.mean(axis=1),
        "median": np.median(base_runs, axis=1),
        "q05": np.quantile(base_runs, 0.05, axis=1), "q95": np.quantile(base_runs, 0.95, axis=1),
    }, index=units)
    rank_table["q90_width"] = rank_table["q95"] - rank_table["q05"]

    shift = np.abs(ranks - nominal_rank[:, None]).mean(axis=0)  # runs
    blocks = [shift[i * n:(i + 1) * n] for i in range(d + 2)]
    S1, ST = _indices(blocks[0], blocks[1], blocks[2:])
    indices = pd.DataFrame({"S1": S1, "ST": ST}, index=pd.Index(names, name="factor"))

    rb = [ranks[:, i * n:(i + 1) * n].T for i in range(d + 2)]  # each n x units
    uS1, uST = _indices(rb[0], rb[1], rb[2:])
    unit_indices = pd.concat({"S1": pd.DataFrame(uS1.T, index=units, columns=names),
                              "ST": pd.DataFrame(uST.T, index=units, columns=names)}, axis=1)
    return SensitivityResult(
        ranks=rank_table, indices=indices, unit_indices=unit_indices,
        rank_samples=pd.DataFrame(base_runs, index=units),
        factors={k: [_option_label(o) if k != "weights" else o for o in v]
                 for k, v in factors.items()},
        n_runs=runs)
