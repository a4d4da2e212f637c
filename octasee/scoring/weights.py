"""Weights: equal, explicit, or an expert budget allocation.

Every node of an index tree has a weight relative to its siblings; aggregation divides by
the siblings' sum, so only ratios matter. Methods:

``equal``     ``w_i = 1`` for every child.
``explicit``  ``w_i`` as given (a mapping child -> weight); unlisted children get 1.
``budget``    budget allocation (BAP): each expert ``e`` shares out ``B`` points (default
              100) among the children; ``w_i = mean_e (p_ei / sum_j p_ej)``.

The *effective* weight of an indicator in the index is the product, down its path, of each
node's weight divided by its siblings' total (:func:`effective_weights`).

Direction is not a weight: an indicator or aggregate with ``direction: -1`` is flipped
(see :mod:`normalise`) so that a higher value always means more threat.

Reference: OECD/JRC Handbook (2008) section 6.1.3 (budget allocation process).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from octasee.errors import ScoringError
from octasee.scoring._registry import Registry

__all__ = ["WEIGHTERS", "budget_weights", "effective_weights", "equal_weights",
           "explicit_weights"]

WEIGHTERS = Registry("weights", prefix="w_")


@WEIGHTERS.register("equal")
def equal_weights(children: Sequence[str]) -> dict[str, float]:
    """Weight 1 for every child.

    >>> equal_weights(["a", "b"])
    {'a': 1.0, 'b': 1.0}
    """
    return dict.fromkeys(children, 1.0)


@WEIGHTERS.register("explicit", "given", "manual")
def explicit_weights(children: Sequence[str], *, values: Mapping[str, float]) -> dict[str, float]:
    """The weights given, 1 for children not listed.

    >>> explicit_weights(["a", "b"], values={"a": 3})
    {'a': 3.0, 'b': 1.0}
    """
    unknown = set(values) - set(children)
    if unknown:
        raise ScoringError("weights for unknown children: " + ", ".join(sorted(map(str, unknown))))
    return {c: float(values.get(c, 1.0)) for c in children}


@WEIGHTERS.register("budget", "bap", "budget_allocation")
def budget_weights(children: Sequence[str], *, experts: Mapping[str, Mapping[str, float]],
                   budget: float | None = 100.0) -> dict[str, float]:
    """Expert budget allocation: ``w_i = mean_e (p_ei / sum_j p_ej)``.

    Each expert's points must add up to ``budget`` (pass ``budget=None`` to skip the
    check). Children an expert leaves out get 0 points from that expert.

    >>> budget_weights(["a", "b"], experts={"x": {"a": 60, "b": 40}, "y": {"a": 20, "b": 80}})
    {'a': 0.4, 'b': 0.6}
    """
    if not experts:
        raise ScoringError("budget allocation needs at least one expert's points")
    rows = {}
    for name, points in experts.items():
        unknown = set(points) - set(children)
        if unknown:
            raise ScoringError(f"expert {name!r} gives points to unknown children: "
                               + ", ".join(sorted(map(str, unknown))))
        p = pd.Series({c: float(points.get(c, 0.0)) for c in children})
        if (p < 0).any():
            raise ScoringError(f"expert {name!r} gives negative points")
        total = p.sum()
        if total == 0:
            raise ScoringError(f"expert {name!r} gives no points", hint="share out the budget")
        if budget is not None and abs(total - budget) > 1e-9 * max(1.0, budget):
            raise ScoringError(f"expert {name!r} shares out {total:g} points, not {budget:g}",
                               hint="make each expert's points add up to the budget")
        rows[name] = p / total
    w = pd.DataFrame(rows).mean(axis=1)
    return {c: round(float(w[c]), 12) for c in children}


def effective_weights(parents: Mapping[str, str | None], weights: Mapping[str, float]
                      ) -> dict[str, float]:
    """Each node's weight in its root: product of ``w / sum(sibling w)`` down the path.

    >>> effective_weights({"i": None, "a": "i", "b": "i", "x": "a", "y": "a"},
    ...                   {"i": 1, "a": 1, "b": 3, "x": 1, "y": 1})
    {'i': 1.0, 'a': 0.25, 'b': 0.75, 'x': 0.125, 'y': 0.125}
    """
    sums: dict[Any, float] = {}
    for node, parent in parents.items():
        sums[parent] = sums.get(parent, 0.0) + float(weights.get(node, 1.0))
    out: dict[str, float] = {}

    def eff(node: str) -> float:
        if node not in out:
            parent = parents[node]
            share = float(weights.get(node, 1.0)) / sums[parent] if parent is not None else 1.0
            out[node] = share * (eff(parent) if parent is not None else 1.0)
        return out[node]

    for n in parents:
        eff(n)
    return {n: out[n] for n in parents}
