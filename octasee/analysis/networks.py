"""What the reported organised crime groups have in common: how many show each attribute
at each level (nil, low, medium, high, unknown), the table chapter 3 shows and the
networks findings (:mod:`octasee.analysis.findings`) read.

>>> g = pd.DataFrame({"country": ["RS", "HR", "HR"], "cycle": ["2013-2017"] * 3,
...                   "corruption": ["High", "Low", None],
...                   "violence": ["Nil", "Medium", "Medium"]})
>>> t = group_attributes(g, cycle="2013-2017", countries=["RS", "HR"])
>>> t.loc[t["attribute"] == "corruption", ["nil", "low", "high", "unknown", "groups"]].values.tolist()
[[0, 1, 1, 1, 3]]
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

__all__ = ["ATTRIBUTE_LABELS", "LEVELS", "group_attributes"]

#: The graded attributes of a group the table counts, with their labels.
ATTRIBUTE_LABELS = {
    "corruption": "Use of corruption",
    "violence": "Use of violence",
    "legal_business_structures": "Use of legal business structures",
    "international_dimension": "International dimension",
    "counter_measures": "Counter-measures against law enforcement",
    "infiltration": "Infiltration of the public and private sectors",
}
#: The levels of a graded attribute, as the questionnaire offers them, then unknown.
LEVELS = ("nil", "low", "medium", "high", "unknown")


def group_attributes(ocgs: pd.DataFrame, *, cycle: str,
                     countries: Sequence[str]) -> pd.DataFrame:
    """Per graded attribute, how many of the cycle's groups (of ``countries``) show it at
    each level: ``attribute``, ``label``, ``nil`` … ``high``, ``unknown`` (unknown, not
    given or not a level), ``groups`` (all groups, the row's total)."""
    g = ocgs
    if "cycle" in g.columns:
        g = g[g["cycle"] == cycle]
    g = g[g["country"].isin(list(countries))]
    rows = []
    for attr, label in ATTRIBUTE_LABELS.items():
        if attr not in g.columns:
            continue
        level = g[attr].astype("string").str.strip().str.lower()
        level = level.where(level.isin(LEVELS[:-1]), "unknown").fillna("unknown")
        counts = level.value_counts()
        rows.append({"attribute": attr, "label": label,
                     **{lv: int(counts.get(lv, 0)) for lv in LEVELS}, "groups": len(g)})
    return pd.DataFrame(rows, columns=["attribute", "label", *LEVELS, "groups"])
