"""Threat scoring of organised crime groups (OCGs) on a configurable attribute set.

Input: one row per group, as the store hands it over::

    submission_id, country (ISO alpha-2), cycle, group_ref, name, members (int or NA),
    structure, crime_areas (';'-joined codes), source_reliability (A B C D X),
    information_assessment (1..4), and one column per attribute holding
    'Nil' 'Low' 'Medium' 'High' 'Unknown' or missing.

Score of group ``g`` on an attribute set with weights ``w_a`` and level multipliers
``m(level)`` (Sleipnir: Nil 0, Low 1, Medium 2, High 4)::

    points_ga = w_a * m(level_ga)
    score_g   = sum_a points_ga                       (unknown policy "score": m = 2)
    score_g   = sum_known points_ga * sum_a w_a / sum_known w_a   (policy "skip")
    max_score = max_level m * sum_a w_a               (Sleipnir: 4 * 190 = 760)

A missing cell counts as Unknown. Ratings are read case-insensitively ('high', 'HIGH');
'none' reads as Nil and 'unk', 'n/k', '?' as Unknown. Groups are ranked by score (1 = most
threatening; ties share the best rank); every group gets the count and share of unknown
ratings and a flag, and a confidence drawn from its source grading (4x4 / admiralty code):

=========================  ==========  ===============================================
grading                    confidence  rule
=========================  ==========  ===============================================
A1, A2, B1                 high        reliability points + information points >= 5
A3, B2, B3, C1, C2         medium      sum 3 or 4
C3, and every D, X or 4    low         sum <= 2, or reliability D/X, or information 4
missing / unreadable       unrated
=========================  ==========  ===============================================

with reliability A 3, B 2, C 1, D 0, X 0 and information 1 3, 2 2, 3 1, 4 0.

>>> import pandas as pd
>>> g = pd.DataFrame({"group_ref": ["RS-1"], "source_reliability": ["A"],
...                   "information_assessment": [1], **{a: ["High"] for a in
...                   load_attribute_set("sleipnir").weights}})
>>> out = score_groups(g, "sleipnir").scores
>>> int(out.loc[0, "score"]), int(out.loc[0, "max_score"]), out.loc[0, "confidence"]
(760, 760, 'high')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from octasee.errors import ScoringError
from octasee.scoring._registry import suggest
from octasee.scoring.spec import read_spec_file

__all__ = ["AttributeSet", "GroupScores", "confidence_from_grading", "load_attribute_set",
           "score_groups"]

LEVELS = ("Nil", "Low", "Medium", "High")
_READ = {"nil": "Nil", "none": "Nil", "no": "Nil", "0": "Nil", "low": "Low", "medium": "Medium",
         "med": "Medium", "moderate": "Medium", "high": "High", "unknown": "Unknown",
         "unk": "Unknown", "n/k": "Unknown", "nk": "Unknown", "?": "Unknown",
         "not known": "Unknown"}
RELIABILITY_POINTS = {"A": 3, "B": 2, "C": 1, "D": 0, "X": 0}
INFORMATION_POINTS = {1: 3, 2: 2, 3: 1, 4: 0}
ID_COLUMNS = ("submission_id", "country", "cycle", "group_ref", "name", "members", "structure",
              "crime_areas", "source_reliability", "information_assessment")


@dataclass(frozen=True)
class AttributeSet:
    """Attributes with weights, level multipliers and an unknown-rating policy."""

    name: str
    weights: dict[str, float]
    levels: dict[str, float] = field(default_factory=lambda: {"Nil": 0, "Low": 1,
                                                              "Medium": 2, "High": 4})
    unknown_policy: str = "score"
    unknown_multiplier: float = 2.0
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def max_score(self) -> float:
        """The score of a group rated at the top level on every attribute."""
        return max(self.levels.values()) * sum(self.weights.values())

    @classmethod
    def from_dict(cls, raw: dict[str, Any], *, source: str | None = None) -> AttributeSet:
        """Build a set from a mapping (the YAML layout of ``specs/sleipnir.yaml``)."""
        where = source or "attribute set"
        attrs = raw.get("attributes")
        if not isinstance(attrs, list) or not attrs:
            raise ScoringError("an attribute set needs a list of attributes", where=where)
        weights: dict[str, float] = {}
        labels: dict[str, str] = {}
        for i, a in enumerate(attrs):
            if isinstance(a, str):
                a = {"id": a}
            line = getattr(a, "line", None)
            loc = f"{where}, line {line}" if line else where
            if not isinstance(a, dict) or "id" not in a:
                raise ScoringError(f"attribute {i + 1} needs an id", where=loc)
            w = a.get("weight", 1)
            if isinstance(w, bool) or not isinstance(w, int | float) or w < 0:
                raise ScoringError(f"the weight of {a['id']!r} must be a number >= 0", where=loc)
            if a["id"] in weights:
                raise ScoringError(f"attribute {a['id']!r} is listed twice", where=loc)
            weights[str(a["id"])] = float(w)
            if a.get("label"):
                labels[str(a["id"])] = str(a["label"])
        if sum(weights.values()) == 0:
            raise ScoringError("the attribute weights sum to zero", where=where)
        levels = dict(raw.get("levels") or {"Nil": 0, "Low": 1, "Medium": 2, "High": 4})
        unknown_levels = set(levels) - set(LEVELS)
        if unknown_levels:
            bad = sorted(unknown_levels)[0]
            raise ScoringError(f"unknown level {bad!r}", where=where,
                               hint=suggest(bad, list(LEVELS)) or "levels are Nil Low Medium High")
        unknown = raw.get("unknown") or {}
        policy = str(unknown.get("policy", "score"))
        if policy not in ("score", "skip"):
            raise ScoringError(f"unknown policy {policy!r} for unknown ratings", where=where,
                               hint="use 'score' (with a multiplier) or 'skip'")
        return cls(name=str(raw.get("name", source or "attributes")), weights=weights,
                   levels={k: float(v) for k, v in levels.items()}, unknown_policy=policy,
                   unknown_multiplier=float(unknown.get("multiplier", 2.0)), labels=labels)


def load_attribute_set(name_or_path: str | Path) -> AttributeSet:
    """A shipped set (``"sleipnir"``, ``"socta"``) or a YAML/TOML file of the same layout.

    >>> load_attribute_set("sleipnir").max_score
    760.0
    """
    p = Path(name_or_path)
    if not p.exists() and p.suffix == "" and p.parent == Path("."):
        shipped = resources.files("octasee.scoring").joinpath("specs", f"{p.name.lower()}.yaml")
        if not shipped.is_file():
            raise ScoringError(f"no attribute set {str(name_or_path)!r}",
                               hint=suggest(p.name.lower(), ["sleipnir", "socta"])
                               or "use 'sleipnir', 'socta' or a YAML file")
        p = Path(str(shipped))
    raw, _ = read_spec_file(p)
    return AttributeSet.from_dict(raw, source=str(name_or_path))


def confidence_from_grading(reliability: Any, information: Any) -> pd.Series:
    """Confidence (high / medium / low / unrated) from source reliability and information.

    >>> confidence_from_grading(["A", "b", "C", "X", None], [1, 2, 3, 1, 2]).tolist()
    ['high', 'medium', 'low', 'low', 'unrated']
    """
    rel = pd.Series(reliability, dtype="object").astype("string").str.strip().str.upper()
    info = pd.to_numeric(pd.Series(information, dtype="object"), errors="coerce")
    rp = rel.map(RELIABILITY_POINTS).astype(float)
    ip = info.map(INFORMATION_POINTS).astype(float)
    total = rp.to_numpy() + ip.to_numpy()
    low_rule = rel.isin(["D", "X"]).to_numpy() | (info == 4).to_numpy()
    out = np.select([np.isnan(total), low_rule, total >= 5, total >= 3],
                    ["unrated", "low", "high", "medium"], default="low")
    return pd.Series(out, index=rel.index)


@dataclass
class GroupScores:
    """Scored groups: ``scores`` (ranked), ``contributions`` (points per attribute), ``levels``."""

    scores: pd.DataFrame
    contributions: pd.DataFrame
    levels: pd.DataFrame
    attribute_set: AttributeSet

    def to_frame(self) -> pd.DataFrame:
        """Scores and each attribute's points side by side, ranked."""
        pts = self.contributions.add_suffix(" points")
        return self.scores.join(pts)


def _read_levels(frame: pd.DataFrame, attrs: list[str]) -> pd.DataFrame:
    out = {}
    for a in attrs:
        col = frame[a].astype("string").str.strip().str.casefold()
        lv = col.map(_READ)
        bad = col.notna() & (col != "") & lv.isna()
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            ref = frame["group_ref"].iloc[i] if "group_ref" in frame else i
            value = frame[a].iloc[i]
            raise ScoringError(f"group {ref!r}: attribute {a!r} has the rating {value!r}",
                               hint=suggest(str(value).capitalize(), [*LEVELS, "Unknown"])
                               or "use Nil, Low, Medium, High or Unknown")
        out[a] = lv.fillna("Unknown").astype(object)
    return pd.DataFrame(out, index=frame.index)


def score_groups(groups: pd.DataFrame, attribute_set: str | Path | AttributeSet = "sleipnir",
                 *, missing_columns: str = "error") -> GroupScores:
    """Score and rank groups on an attribute set (see the module docstring for the formula).

    ``missing_columns``: ``"error"`` (default) if an attribute has no column, or
    ``"unknown"`` to rate it Unknown for every group.
    """
    aset = attribute_set if isinstance(attribute_set, AttributeSet) else load_attribute_set(
        attribute_set)
    if not isinstance(groups, pd.DataFrame):
        raise ScoringError("groups must be a pandas DataFrame, one row per group")
    frame = groups.reset_index(drop=True).copy()
    attrs = list(aset.weights)
    absent = [a for a in attrs if a not in frame.columns]
    if absent:
        if missing_columns != "unknown":
            raise ScoringError(f"no column for the {aset.name} attribute {absent[0]!r}"
                               + (f" (and {len(absent) - 1} more)" if len(absent) > 1 else ""),
                               hint=suggest(absent[0], list(map(str, frame.columns)))
                               or "add the column, or pass missing_columns='unknown'")
        for a in absent:
            frame[a] = pd.NA
    levels = _read_levels(frame, attrs)
    w = pd.Series(aset.weights)
    unknown = levels == "Unknown"
    lvmap = {**aset.levels, "Unknown": np.nan}
    mult = levels.apply(lambda s: s.map(lvmap)).astype(float)
    if aset.unknown_policy == "score":
        mult = mult.where(~unknown, aset.unknown_multiplier)
        points = mult * w
        score = points.sum(axis=1)
    else:
        points = mult * w
        known_w = (~unknown * w).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            score = points.sum(axis=1) * w.sum() / known_w.where(known_w > 0)
    n_unknown = unknown.sum(axis=1)
    ids = [c for c in ID_COLUMNS if c in frame.columns]
    out = frame[ids].copy()
    out["score"] = score
    out["max_score"] = aset.max_score
    out["score_pct"] = score / aset.max_score * 100
    out["n_unknown"] = n_unknown.astype(int)
    out["unknown_share"] = n_unknown / len(attrs)
    out["flagged"] = n_unknown > 0
    rel = frame.get("source_reliability", pd.Series(pd.NA, index=frame.index))
    info = frame.get("information_assessment", pd.Series(pd.NA, index=frame.index))
    out["grading"] = (rel.astype("string").str.strip().str.upper().fillna("?")
                      + pd.to_numeric(info, errors="coerce").astype("Int64").astype("string")
                      .fillna("?"))
    out["confidence"] = confidence_from_grading(rel, info).to_numpy()
    out["rank"] = score.rank(ascending=False, method="min").astype("Int64")
    order = out.sort_values(["rank", "unknown_share"], kind="stable").index
    return GroupScores(scores=out.loc[order].reset_index(drop=True),
                       contributions=points.loc[order].reset_index(drop=True),
                       levels=levels.loc[order].reset_index(drop=True), attribute_set=aset)
