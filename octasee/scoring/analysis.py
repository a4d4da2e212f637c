"""The builder's analysis tools: screening, indicator statistics, correlations, PCA and
remove-one-element sensitivity (after COINr's ``Screen``, ``get_stats``, ``get_corr``,
``get_PCA`` and ``remove_elements``).

Every function takes a :class:`~octasee.scoring.model.Result` (or, for screening, a
table) and returns plain DataFrames, unrounded.

* :func:`screen_units` / :func:`screen_indicators`: data availability (the share of
  values present) and the share of non-zero values, with thresholds; the units or
  indicators below them are listed and dropped.
* :func:`indicator_stats`: per indicator at a stage: availability, min … max, mean,
  median, sd, skewness G1 and excess kurtosis G2 (type 2, as the treatment uses them),
  zeros, unique and most-repeated values, outliers outside ``Q1 - 1.5 IQR`` ..
  ``Q3 + 1.5 IQR``, flags at COINr's thresholds, and what the treatment did (points
  changed, log transform, G1/G2 after).
* :func:`correlations`: Pearson or Spearman correlations within a level (default only
  between siblings) or across two levels (default only a node with its ancestor).
* :func:`pca`: principal components of every aggregation group (the children of each
  parent at a level), by SVD of the standardised complete rows.
* :func:`remove_elements`: remove each element of a level (with what hangs below it) in
  turn, re-run the model and measure how the target's ranking moves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from octasee.errors import ScoringError
from octasee.scoring._registry import suggest
from octasee.scoring.model import Model, Result
from octasee.scoring.sensitivity import rank_desc
from octasee.scoring.spec import UNIT_SCREEN, UNIT_SCREEN_ALIASES
from octasee.scoring.treat import shape_type2

__all__ = ["PCAResult", "ScreenResult", "correlations", "indicator_stats", "pca",
           "remove_elements", "screen_indicators", "screen_units"]


# ---------------------------------------------------------------------- screening
@dataclass
class ScreenResult:
    """What a screen kept: ``data`` (the table without the dropped rows or columns),
    ``summary`` (per unit or indicator: availability, non-zero share, ``included``) and
    ``removed`` (their labels)."""

    data: pd.DataFrame
    summary: pd.DataFrame
    removed: list[Any]


def _table(data: Result | pd.DataFrame, stage: str) -> pd.DataFrame:
    if isinstance(data, Result):
        return _stage(data, stage)
    if not isinstance(data, pd.DataFrame):
        raise ScoringError("screening needs a Result or a DataFrame (one row a unit, one "
                           "column an indicator)")
    return data


def _stage(result: Result, stage: str) -> pd.DataFrame:
    if stage not in result.stages:
        raise ScoringError(f"the result has no stage {stage!r}",
                           hint=suggest(stage, list(result.stages))
                           or "its stages are " + ", ".join(result.stages))
    frame = result.stages[stage]
    return frame[[c for c in frame.columns if c in result.model.indicators]]


def _shares(x: pd.DataFrame, axis: int) -> pd.DataFrame:
    v = x.to_numpy(dtype=float, na_value=np.nan)
    present = ~np.isnan(v)
    n = v.shape[axis]
    avail = present.sum(axis=axis) / max(n, 1)
    nonzero = (present & (v != 0)).sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        nz = nonzero / present.sum(axis=axis)
    index = x.index if axis == 1 else x.columns
    return pd.DataFrame({"n_available": present.sum(axis=axis), "availability": avail,
                         "nonzero_share": nz}, index=index)


def _check_share(value: float | None, name: str) -> None:
    if value is not None and (isinstance(value, bool) or not 0 <= value <= 1):
        raise ScoringError(f"{name} must be a share between 0 and 1, not {value!r}",
                           hint="0.66 keeps what has at least 66 % of its values")


def _screen(x: pd.DataFrame, axis: int, dat_thresh: float | None, nonzero_thresh: float | None,
            by: str, force: Iterable[Any] | None, exclude: Iterable[Any] | None,
            what: str) -> ScreenResult:
    _check_share(dat_thresh, "dat_thresh")
    _check_share(nonzero_thresh, "nonzero_thresh")
    by = UNIT_SCREEN_ALIASES.get(by, by)
    if by not in UNIT_SCREEN:
        raise ScoringError(f"unknown screening rule {by!r}",
                           hint=suggest(by, list(UNIT_SCREEN)) or "use byNA (availability), "
                           "byNZ (non-zero share) or byBoth")
    if by in ("byNA", "byBoth") and dat_thresh is None:
        raise ScoringError(f"screening {by} needs dat_thresh", hint="e.g. dat_thresh=0.66")
    if by in ("byNZ", "byBoth") and nonzero_thresh is None:
        raise ScoringError(f"screening {by} needs nonzero_thresh", hint="e.g. nonzero_thresh=0.5")
    summary = _shares(x, axis)
    ok = pd.Series(True, index=summary.index)
    if by in ("byNA", "byBoth"):
        ok &= summary["availability"] >= dat_thresh
    if by in ("byNZ", "byBoth"):
        ok &= summary["nonzero_share"].fillna(0) >= nonzero_thresh
    both = [g for g in (force or []) if g in set(exclude or [])]
    if both:
        raise ScoringError(f"{what} {both[0]!r} is both forced in (force) and excluded "
                           "(exclude)", hint="name it in one of the two")
    for label, value in (("force", True), ("exclude", False)):
        given = list((force if value else exclude) or [])
        bad = [g for g in given if g not in ok.index]
        if bad:
            raise ScoringError(f"{label} names {what} {bad[0]!r}, which is not in the data",
                               hint=suggest(str(bad[0]), list(map(str, ok.index)))
                               or f"name {what}s of the table")
        ok[given] = value
    summary["included"] = ok
    removed = list(ok.index[~ok])
    kept = x.loc[ok.to_numpy()] if axis == 1 else x.loc[:, ok.to_numpy()]
    return ScreenResult(data=kept, summary=summary, removed=removed)


def screen_units(data: Result | pd.DataFrame, *, dat_thresh: float | None = None,
                 nonzero_thresh: float | None = None, unit_screen: str = "byNA",
                 stage: str = "raw", force: Iterable[Any] | None = None,
                 exclude: Iterable[Any] | None = None) -> ScreenResult:
    """Keep the units with enough data (COINr's ``Screen``; the spec's ``screen`` step
    runs this).

    ``unit_screen``: ``byNA`` keeps a unit whose share of indicators present is at least
    ``dat_thresh``; ``byNZ`` one whose share of non-zero values (of those present) is at
    least ``nonzero_thresh``; ``byBoth`` needs both (COINr's names ``byzeros`` and
    ``byNAandzeros`` are read as ``byNZ`` and ``byBoth``). ``force``/``exclude``: units kept or
    dropped whatever their data. ``data``: a Result (its ``stage``, default ``raw``) or
    a table with one row a unit (index) and one column an indicator.

    >>> t = pd.DataFrame({"a": [1.0, None, 3], "b": [1.0, None, 0]}, index=["X", "Y", "Z"])
    >>> screen_units(t, dat_thresh=0.5).removed
    ['Y']
    """
    return _screen(_table(data, stage), 1, dat_thresh, nonzero_thresh, unit_screen, force,
                   exclude, "unit")


def screen_indicators(data: Result | pd.DataFrame, *, dat_thresh: float | None = None,
                      nonzero_thresh: float | None = None, rule: str = "byNA",
                      stage: str = "raw", force: Iterable[Any] | None = None,
                      exclude: Iterable[Any] | None = None) -> ScreenResult:
    """Keep the indicators with enough data: the same rules as :func:`screen_units`, by
    column (share of units with a value, share of non-zero values).

    >>> t = pd.DataFrame({"a": [1.0, None, 3], "b": [None, None, 2.0]})
    >>> screen_indicators(t, dat_thresh=0.5).removed
    ['b']
    """
    return _screen(_table(data, stage), 0, dat_thresh, nonzero_thresh, rule, force, exclude,
                   "indicator")


# ---------------------------------------------------------------------- statistics
def indicator_stats(result: Result, stage: str = "raw", *, t_skew: float = 2.0,
                    t_kurt: float = 3.5, t_avail: float = 0.65, t_zero: float = 0.5,
                    t_unq: float = 0.5) -> pd.DataFrame:
    """Statistics of every indicator at ``stage`` (COINr's ``get_stats``, unrounded).

    Columns: ``min max mean median sd skew kurt`` (type-2 G1 and excess kurtosis G2),
    ``n_available n_nonzero n_unique n_same`` (the most repeated value's count) and their
    shares, ``n_outliers_low``/``n_outliers_high`` (outside ``Q1 - 1.5 IQR`` ..
    ``Q3 + 1.5 IQR``), flags ``flag_avail flag_nonzero flag_unique`` (``LOW`` below
    ``t_avail``/``t_zero``/``t_unq``, shares of all units as in COINr) and
    ``flag_skew_kurt`` (``OUT`` when ``|skew| > t_skew`` and ``kurt > t_kurt``); then,
    when the model treated outliers, what treatment did: ``treated_points`` (values
    changed), ``treated_log`` (log transform used), ``skew_treated``/``kurt_treated``.
    """
    x = _stage(result, stage)
    v = x.to_numpy(dtype=float, na_value=np.nan)
    n = v.shape[0]
    present = ~np.isnan(v)
    g1, g2 = shape_type2(v)
    rows = []
    for j in range(v.shape[1]):
        a = v[present[:, j], j]
        if len(a):
            q1, q3 = np.quantile(a, [0.25, 0.75])
            iqr = q3 - q1
            _, counts = np.unique(a, return_counts=True)
            same = int(counts.max())
        else:
            q1 = q3 = iqr = np.nan
            same = 0
        k = len(a)
        nz = int((a != 0).sum())
        unq = len(np.unique(a))
        rows.append({
            "min": a.min() if k else np.nan, "max": a.max() if k else np.nan,
            "mean": a.mean() if k else np.nan, "median": np.median(a) if k else np.nan,
            "sd": a.std(ddof=1) if k > 1 else np.nan, "skew": g1[j], "kurt": g2[j],
            "n_available": k, "n_nonzero": nz, "n_unique": unq, "n_same": same,
            "availability": k / n if n else np.nan,
            "nonzero_share": nz / k if k else np.nan,
            "unique_share": unq / k if k else np.nan, "same_share": same / k if k else np.nan,
            "n_outliers_low": int((a < q1 - 1.5 * iqr).sum()) if k else 0,
            "n_outliers_high": int((a > q3 + 1.5 * iqr).sum()) if k else 0,
            "flag_avail": "ok" if n and k / n >= t_avail else "LOW",
            "flag_nonzero": "ok" if n and nz / n >= t_zero else "LOW",
            "flag_unique": "ok" if n and unq / n >= t_unq else "LOW",
            "flag_skew_kurt": "OUT" if abs(g1[j]) > t_skew and g2[j] > t_kurt else "ok"})
    out = pd.DataFrame(rows, index=pd.Index(list(x.columns), name="indicator"))
    treat = _treatment_summary(result)
    if treat is not None:
        out = out.join(treat)
    return out


def _treatment_summary(result: Result) -> pd.DataFrame | None:
    """What the treatment step did to each indicator, from the stages and the log."""
    if "treated" not in result.stages:
        return None
    names = list(result.stages)
    before = result.stages[names[names.index("treated") - 1]]
    after = result.stages["treated"]
    cols = [c for c in after.columns if c in result.model.indicators]
    b = before[cols].to_numpy(dtype=float, na_value=np.nan)
    a = after[cols].to_numpy(dtype=float, na_value=np.nan)
    changed = ~((a == b) | (np.isnan(a) & np.isnan(b)))
    entry = next((e for e in result.log if e.step == "treat"), None)
    report = entry.details if entry is not None else {}
    logged = [bool(isinstance(report.get(c), Mapping) and report[c].get("log")) for c in cols]
    g1, g2 = shape_type2(a)
    return pd.DataFrame({"treated_points": changed.sum(axis=0), "treated_log": logged,
                         "skew_treated": g1, "kurt_treated": g2},
                        index=pd.Index(cols, name="indicator"))


# ---------------------------------------------------------------------- correlations
def _node_values(result: Result, stage: str | None) -> pd.DataFrame:
    values = result.values.copy()
    if stage is not None:
        ind = _stage(result, stage)
        values[list(ind.columns)] = ind
    return values


def _ancestor(model: Model, node: str, level: int) -> str | None:
    cur: str | None = node
    while cur is not None and model.levels[cur] < level:
        cur = model.nodes[cur].parent
    return cur if cur is not None and model.levels[cur] == level else None


def _level_nodes(model: Model, level: int) -> list[str]:
    nodes = [n.id for n in model.spec.nodes if model.levels[n.id] == level]
    if not nodes:
        raise ScoringError(f"the model has no level {level}",
                           hint=f"its levels are 1 (indicators) to {max(model.levels.values())}")
    return nodes


def correlations(result: Result, level: int = 1, with_level: int | None = None, *,
                 within: int | str | None = "default", stage: str | None = None,
                 method: str = "pearson") -> pd.DataFrame:
    """Correlations between the nodes of ``level`` and those of ``with_level``.

    Levels as :attr:`Model.levels` (1 = indicators). Within one level (``with_level``
    None or equal), only pairs under the same ancestor at level ``within`` (default: the
    level above, i.e. siblings; ``None``: every pair). Across levels, only a node and its
    ancestor (``within`` default) or every pair (``within=None``). Indicators are taken
    at ``stage`` (default: as normalised, the values that enter the aggregation). Pairs
    use the units where both are present. ``method``: ``pearson`` or ``spearman``.

    Returns one row a pair: ``a``, ``b``, ``group`` (the shared ancestor, if any), ``r``
    and ``n``.
    """
    if method not in ("pearson", "spearman"):
        raise ScoringError(f"unknown correlation method {method!r}",
                           hint="use pearson or spearman")
    model = result.model
    with_level = level if with_level is None else with_level
    a_nodes, b_nodes = _level_nodes(model, level), _level_nodes(model, with_level)
    values = _node_values(result, stage)
    if method == "spearman":
        values = values.rank()
    rows = []
    same = level == with_level
    if same:
        group_level = level + 1 if within == "default" else within
        pairs = [(a, b) for i, a in enumerate(a_nodes) for b in a_nodes[i + 1:]]
    else:
        group_level = None
        pairs = [(a, b) for a in a_nodes for b in b_nodes]
    for a, b in pairs:
        if same:
            group = (_ancestor(model, a, group_level) if group_level is not None  # type: ignore[arg-type]
                     else None)
            if group_level is not None and (group is None or
                                            group != _ancestor(model, b, group_level)):  # type: ignore[arg-type]
                continue
        else:
            lo, hi = (a, b) if level < with_level else (b, a)
            group = hi if _ancestor(model, lo, model.levels[hi]) == hi else None
            if within == "default" and group is None:
                continue
        x, y = values[a].to_numpy(dtype=float), values[b].to_numpy(dtype=float)
        ok = ~(np.isnan(x) | np.isnan(y))
        k = int(ok.sum())
        r = np.nan
        if k > 2 and np.std(x[ok]) > 0 and np.std(y[ok]) > 0:
            r = float(np.corrcoef(x[ok], y[ok])[0, 1])
        rows.append({"a": a, "b": b, "group": group, "r": r, "n": k})
    return pd.DataFrame(rows, columns=["a", "b", "group", "r", "n"])


# ---------------------------------------------------------------------- PCA
@dataclass
class PCAResult:
    """The principal components of one aggregation group.

    ``explained``: share of variance of each component; ``loadings``: one row a child,
    one column a component (unit vectors; the sign is fixed so that the largest loading
    of each component is positive); ``scores``: the units' component scores;
    ``n_units``: complete rows used.
    """

    group: str
    explained: pd.Series
    loadings: pd.DataFrame
    scores: pd.DataFrame
    n_units: int


def pca(result: Result, level: int = 1, *, stage: str | None = None
        ) -> dict[str, PCAResult]:
    """PCA of every aggregation group of ``level``: the children of each parent one level up.

    The children's values (indicators at ``stage``, default as normalised) on the units
    where all are present are centred and scaled to unit variance (as COINr's
    ``get_PCA``, ``prcomp(scale = TRUE)``), then decomposed by SVD. Groups of one child
    are skipped.
    """
    model = result.model
    nodes = _level_nodes(model, level)
    values = _node_values(result, stage)
    out: dict[str, PCAResult] = {}
    for parent in dict.fromkeys(model.nodes[n].parent for n in nodes):
        if parent is None:
            continue
        kids = [k for k in model.children[parent] if k in nodes]
        if len(kids) < 2:
            continue
        X = values[kids].dropna()
        if len(X) < 2:
            raise ScoringError(f"PCA of {parent!r}: fewer than 2 units have all of "
                               + ", ".join(kids), hint="impute first, or screen the units")
        sd = X.std(ddof=1)
        if (sd == 0).any():
            flat = list(sd.index[sd == 0])
            raise ScoringError(f"PCA of {parent!r}: {flat[0]!r} is constant",
                               hint="leave it out of the group, or use another stage")
        Z = ((X - X.mean()) / sd).to_numpy()
        U, s, Vt = np.linalg.svd(Z, full_matrices=False)
        signs = np.sign(Vt[np.arange(len(Vt)), np.abs(Vt).argmax(axis=1)])
        Vt = Vt * signs[:, None]
        U = U * signs[None, :]
        var = s**2
        names = [f"PC{i + 1}" for i in range(len(s))]
        out[parent] = PCAResult(
            group=parent, explained=pd.Series(var / var.sum(), index=names),
            loadings=pd.DataFrame(Vt.T, index=kids, columns=names),
            scores=pd.DataFrame(U * s, index=X.index, columns=names), n_units=len(X))
    return out


# ---------------------------------------------------------------------- remove one element
def _without(model: Model, node: str) -> Model | None:
    """The model without ``node`` and what hangs below it (None if nothing is left).

    A parent left without children goes too. Weights are written out per node, so that
    weight sets (``weights:``) of the spec still hold for the siblings that stay.
    """
    drop = {node}
    stack = [node]
    while stack:
        cur = stack.pop()
        for k in model.children[cur]:
            drop.add(k)
            stack.append(k)
    cur = node
    while True:
        parent = model.nodes[cur].parent
        if parent is None or any(k not in drop for k in model.children[parent]):
            break
        drop.add(parent)
        cur = parent
    tree = []
    for n in model.spec.raw["tree"]:
        nid = str(n.get("id"))
        if nid in drop:
            continue
        tree.append({**n, "weight": model.nodes[nid].weight})
    if not any(model.children.get(str(n["id"])) for n in tree) or not any(
            n.get("parent") not in (None, "") for n in tree):
        return None
    raw = {k: v for k, v in model.spec.raw.items() if k not in ("weights", "meta")}
    raw["tree"] = tree
    steps = []
    for st in raw.get("steps") or []:  # denominators of removed indicators go too
        if isinstance(st, Mapping) and isinstance(st.get("by"), Mapping):
            st = {**st, "by": {k: v for k, v in st["by"].items() if k not in drop}}
        steps.append(st)
    raw["steps"] = steps
    return Model.from_dict(raw, source=model.spec.source)


def remove_elements(model: Model, data: pd.DataFrame, level: int = 1, *,
                    target: str | None = None, elements: Iterable[str] | None = None,
                    **run: Any) -> pd.DataFrame:
    """Remove each element of ``level`` in turn and measure how ``target`` moves (COINr's
    ``remove_elements``).

    For every element (default: every node of ``level``; or the ``elements`` named) the
    model is re-run without it (and without what hangs below it; a parent left with no
    children goes too) on the same ``data`` (``run``: other arguments of
    :meth:`Model.run`, e.g. ``denominators``). Returns one row an element:
    ``mean_abs_rank_change`` and ``max_abs_rank_change`` of the target's ranks (units
    present in both runs), and ``mean_abs_score_change``; the nominal run is the row
    ``(none)``.
    """
    target = target or model.roots[0]
    if target not in model.aggregates:
        raise ScoringError(f"target {target!r} is not an aggregate of the model",
                           hint=suggest(target, model.aggregates)
                           or "choose one of " + ", ".join(model.aggregates))
    chosen = list(elements) if elements is not None else _level_nodes(model, level)
    for e in chosen:
        if e not in model.nodes:
            raise ScoringError(f"no element {e!r} to remove",
                               hint=suggest(e, list(model.nodes)) or "name nodes of the model")
    nominal = model.run(data, **run).values[target]
    nominal_rank = rank_desc(nominal.to_numpy(dtype=float))
    rows = [{"removed": "(none)", "mean_abs_rank_change": 0.0, "max_abs_rank_change": 0.0,
             "mean_abs_score_change": 0.0}]
    for e in chosen:
        m = _without(model, e)
        if m is None or target not in m.nodes:
            rows.append({"removed": e, "mean_abs_rank_change": np.nan,
                         "max_abs_rank_change": np.nan, "mean_abs_score_change": np.nan})
            continue
        score = m.run(data, **run).values[target].reindex(nominal.index)
        rank = rank_desc(score.to_numpy(dtype=float))
        diff = np.abs(rank - nominal_rank)
        rows.append({"removed": e, "mean_abs_rank_change": float(diff.mean()),
                     "max_abs_rank_change": float(diff.max()),
                     "mean_abs_score_change": float(np.nanmean(np.abs(score - nominal)))})
    return pd.DataFrame(rows).set_index("removed")
