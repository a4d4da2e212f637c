"""What the reported organised crime groups have in common, in the manner of EU SOCTA
2021's findings on criminal networks ("x of n groups use corruption"): the numbers of
chapter 3 and of the ``networks`` findings (:mod:`octasee.analysis.findings`).

- :func:`group_attributes`: per graded attribute, how many groups show it at each level
  (nil, low, medium, high, unknown) and the share of those rated that show it;
- :func:`group_values`: one row per group with its value of each characteristic of
  :data:`ITEMS` (structure, size band, multi-national membership, international reach,
  corruption, violence, legal business structures, counter-measures);
- :func:`shares`: the share of groups with each value, among the groups whose value is
  known (``known``), with the unknowns counted beside it (``unknown``: never dropped
  silently), for the region, per crime area or per reporting country; whether the cycle's
  questionnaire asked for it at all (``asked``);
- :func:`links_abroad`: the countries most often named as a group's links abroad;
- :func:`score_distribution`: Sleipnir and SOCTA-like scores as distributions (quantiles
  and histogram bins of the share of the maximum), not a league table;
- :func:`top_groups`: the highest-scoring groups with what one line about each needs,
  and whether they rest on low-graded information (source D or X, or information 4).

A group active in several crime areas counts in each of them (the crime-area shares do
not add up across areas).

>>> g = pd.DataFrame({"country": ["RS", "HR", "HR"], "cycle": ["2013-2017"] * 3,
...                   "corruption": ["High", "Low", None],
...                   "violence": ["Nil", "Medium", "Medium"]})
>>> t = group_attributes(g, cycle="2013-2017", countries=["RS", "HR"])
>>> t.loc[t["attribute"] == "corruption", ["nil", "low", "high", "unknown", "groups"]].values.tolist()
[[0, 1, 1, 1, 3]]
>>> s = shares(g, cycle="2013-2017", countries=["RS", "HR"])
>>> s[(s["item"] == "violence") & (s["value"] == "yes")][["count", "known", "unknown"]].values.tolist()
[[2, 3, 0]]
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from octasee.errors import OctaseeError
from octasee.questionnaire.spec import spec_for
from octasee.reference import crime_areas as _crime_areas

__all__ = [
    "ATTRIBUTE_LABELS", "BINARY_ITEMS", "ITEMS", "LEVELS", "LOW_INFORMATION",
    "LOW_RELIABILITY", "SCORE_SETS", "SIZE_BANDS", "STRUCTURES", "Item",
    "ScoreDistribution", "group_attributes", "group_coverage", "group_values",
    "links_abroad", "score_distribution", "shares", "top_groups",
]

#: The graded attributes of a group the level table counts, with their labels.
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
#: A graded attribute is present at these levels and absent at these (as written,
#: lower case); anything else (Unknown, blank, unreadable) is unknown.
_PRESENT = ("low", "medium", "high")
_ABSENT = ("nil", "none", "no")

#: The structures of the questionnaire (UNODC typology), hierarchies first; "unknown" and
#: a blank are unknown.
STRUCTURES = ("standard hierarchy", "regional hierarchy", "clustered hierarchy",
              "core group", "criminal network")
#: Size bands of the estimated number of members: (lowest, highest or None, label).
SIZE_BANDS: tuple[tuple[int, int | None, str], ...] = (
    (1, 9, "fewer than 10"), (10, 19, "10 to 19"), (20, 49, "20 to 49"),
    (50, None, "50 or more"))
#: Low-graded information: source reliability D (not usually reliable) or X (cannot be
#: judged), or information graded 4 (cannot be corroborated).
LOW_RELIABILITY = ("D", "X")
LOW_INFORMATION = 4
#: The attribute sets whose scores chapter 3 shows as distributions, with their names.
SCORE_SETS = {"sleipnir": "Sleipnir", "socta": "SOCTA-like"}


@dataclass(frozen=True)
class Item:
    """A characteristic of a group that chapter 3 reports as shares.

    ``kind``: ``graded`` (an attribute rated Nil … High: present at Low or above),
    ``multinational`` (members of more than one nationality), ``reach`` (links abroad or
    an international dimension), ``structure`` or ``size`` (categories). ``words``
    complete "x of n groups (p%) …"; ``columns``: the questionnaire columns it reads (the
    cycle asked for it if its questionnaire has any of them)."""

    key: str
    label: str
    kind: str
    words: str
    columns: tuple[str, ...]

    @property
    def binary(self) -> bool:
        """Whether a group has it or not (values ``yes`` / ``no``), else categories."""
        return self.kind not in ("structure", "size")

    @property
    def values(self) -> tuple[str, ...]:
        """The values a group may have, besides ``unknown``."""
        if self.kind == "structure":
            return STRUCTURES
        if self.kind == "size":
            return tuple(b[2] for b in SIZE_BANDS)
        return ("yes", "no")


#: What chapter 3 reports, in its order.
ITEMS: tuple[Item, ...] = (
    Item("structure", "Structure", "structure", "are", ("structure",)),
    Item("size", "Size (members)", "size", "have", ("members",)),
    Item("multinational", "Members of more than one nationality", "multinational",
         "have members of more than one nationality", ("nationalities",)),
    Item("international_reach", "International reach (links abroad or dimension)", "reach",
         "operate across borders",
         ("international_links", "international_dimension")),
    Item("corruption", "Use of corruption", "graded", "use corruption", ("corruption",)),
    Item("violence", "Use of violence", "graded", "use violence", ("violence",)),
    Item("legal_business_structures", "Use of legal business structures", "graded",
         "use legal business structures", ("legal_business_structures",)),
    Item("counter_measures", "Counter-measures against law enforcement", "graded",
         "take counter-measures against law enforcement", ("counter_measures",)),
)
#: The items a group has or has not (the bars of chapter 3), in order.
BINARY_ITEMS = tuple(i.key for i in ITEMS if i.binary)
_ITEM = {i.key: i for i in ITEMS}


def _select(ocgs: pd.DataFrame, cycle: str | None, countries: Sequence[str] | None
            ) -> pd.DataFrame:
    g = ocgs
    if cycle is not None and "cycle" in g.columns:
        g = g[g["cycle"] == cycle]
    if countries is not None:
        g = g[g["country"].isin(list(countries))]
    return g.reset_index(drop=True)


def _split(v: object) -> list[str]:
    """``"DE; IT,HR"`` → ``["DE", "IT", "HR"]`` (distinct, in order); blank → ``[]``."""
    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return []
    return list(dict.fromkeys(p.strip() for p in re.split(r"[;,]", str(v)) if p.strip()))


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column as stripped lower-case text (missing where absent or blank)."""
    if column not in frame.columns:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    s = frame[column].astype("string").str.strip().str.lower()
    return s.mask(s == "")


def _graded(frame: pd.DataFrame, column: str) -> pd.Series:
    """yes (Low, Medium, High) / no (Nil) / unknown for a graded attribute."""
    s = _text(frame, column)
    out = np.select([s.isin(_PRESENT).fillna(False).to_numpy(dtype=bool),
                     s.isin(_ABSENT).fillna(False).to_numpy(dtype=bool)],
                    ["yes", "no"], default="unknown")
    return pd.Series(out, index=frame.index, dtype=object)


def _size_band(members: object) -> str:
    n = pd.to_numeric(pd.Series([members]), errors="coerce").iloc[0]
    if pd.isna(n) or n < 1:
        return "unknown"
    for lo, hi, label in SIZE_BANDS:
        if n >= lo and (hi is None or n <= hi):
            return label
    return "unknown"  # pragma: no cover - the bands cover every n >= 1


def _areas(v: object) -> tuple[str, ...]:
    return tuple(a.lower() for a in _split(v))


def group_values(ocgs: pd.DataFrame, *, cycle: str | None = None,
                 countries: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per group (of ``cycle`` and ``countries``, if given): ``country``,
    ``group_ref``, ``crime_areas`` (a tuple of codes), ``links_abroad`` (the countries of
    its international links other than its own), ``nd`` (not for dissemination; False
    where the frame does not say) and one column per :data:`ITEMS` key with the group's
    value: ``yes`` / ``no`` / ``unknown``, a structure, a size band, or ``unknown``.

    Multi-national: more than one distinct nationality given (one: no; none given:
    unknown). International reach: yes if a country other than its own is named among
    its links, or its international dimension is rated Low or above; no if that is rated
    Nil and no link abroad is named; else unknown.

    >>> g = pd.DataFrame({"country": ["RS", "AL"], "group_ref": ["a", "b"],
    ...                   "nationalities": ["RS;ME", "AL"], "international_links": ["RS", None],
    ...                   "international_dimension": ["Nil", "Unknown"], "members": [12, None],
    ...                   "structure": ["core group", "unknown"]})
    >>> group_values(g)[["multinational", "international_reach", "size", "structure"]].values.tolist()
    [['yes', 'no', '10 to 19', 'core group'], ['no', 'unknown', 'unknown', 'unknown']]
    """
    g = _select(ocgs, cycle, countries)
    out = pd.DataFrame({
        "country": g["country"].astype(str) if "country" in g else "",
        "group_ref": g["group_ref"] if "group_ref" in g else pd.Series(range(len(g))),
        "crime_areas": (g["crime_areas"] if "crime_areas" in g
                        else pd.Series(None, index=g.index)).map(_areas),
    }, index=g.index)
    nd = g["nd"] if "nd" in g.columns else g.get("not_for_dissemination")
    out["nd"] = (pd.Series(nd, index=g.index).astype("boolean").fillna(False).astype(bool)
                 if nd is not None else False)
    links = (g["international_links"] if "international_links" in g
             else pd.Series(None, index=g.index)).map(_split)
    out["links_abroad"] = [tuple(c for c in cs if c.upper() != home.upper())
                           for cs, home in zip(links, out["country"], strict=True)]
    structure = _text(g, "structure")
    out["structure"] = structure.where(structure.isin(STRUCTURES).fillna(False),
                                       "unknown").astype(object)
    out["size"] = (g["members"] if "members" in g else pd.Series(None, index=g.index)
                   ).map(_size_band)
    nats = (g["nationalities"] if "nationalities" in g else pd.Series(None, index=g.index)
            ).map(_split)
    out["multinational"] = ["unknown" if not n else "yes" if len(n) > 1 else "no"
                            for n in nats]
    dimension = _graded(g, "international_dimension")
    out["international_reach"] = ["yes" if abroad or d == "yes" else d
                                  for abroad, d in zip(out["links_abroad"], dimension,
                                                       strict=True)]
    for item in ITEMS:
        if item.kind == "graded":
            out[item.key] = _graded(g, item.key)
    return out.reset_index(drop=True)


def _questionnaire_columns(cycle: str | None) -> set[str] | None:
    """The columns of the cycle's Groups sheet (None: no cycle, or one the questionnaire
    spec cannot read, so that nothing is said to be not asked)."""
    if cycle is None:
        return None
    try:
        return set(spec_for(cycle).sheet("groups").keys)
    except OctaseeError:
        return None


def _asked(item: Item, cycle: str | None) -> bool:
    """Whether the cycle's questionnaire has a column the item reads."""
    keys = _questionnaire_columns(cycle)
    return keys is None or any(c in keys for c in item.columns)


def _asked_attributes(attributes: Sequence[str], cycle: str | None) -> int:
    """How many of ``attributes`` the cycle's questionnaire asks for."""
    keys = _questionnaire_columns(cycle)
    return len(attributes) if keys is None else sum(a in keys for a in attributes)


def _cells(values: pd.DataFrame, by: str | None) -> list[tuple[object, pd.DataFrame]]:
    """The groups of each cell of ``by`` (None: one cell, the region): a group active in
    several crime areas is in each of them; cells in the reference order."""
    if by is None:
        return [(None, values)]
    if by == "crime_area":
        ex = values.assign(crime_area=values["crime_areas"].map(
            lambda a: list(a) if a else [""])).explode("crime_area")
        order = [a.code for a in _crime_areas()]
        present = list(dict.fromkeys(ex["crime_area"]))
        keys = [a for a in order if a in present] + sorted(a for a in present
                                                           if a not in order)
        return [(k, ex[ex["crime_area"] == k]) for k in keys]
    if by == "country":
        return [(k, values[values["country"] == k]) for k in sorted(set(values["country"]))]
    raise ValueError(f"by={by!r}: use None, 'crime_area' or 'country'")


def shares(ocgs: pd.DataFrame, *, cycle: str | None = None,
           countries: Sequence[str] | None = None, by: str | None = None,
           items: Sequence[str] | None = None) -> pd.DataFrame:
    """The share of groups with each value of each item, among those whose value is known.

    One row per cell (``by``: None for the region, ``"crime_area"`` or ``"country"``),
    item (:data:`ITEMS`, or ``items``) and value (``yes`` and ``no``, each structure or
    size band): ``[by]``, ``item``, ``label``, ``value``, ``count`` (groups with that
    value), ``known`` (groups of the cell whose value is known: the share's n),
    ``unknown`` (groups of the cell whose value is unknown or not given), ``groups`` (all
    groups of the cell: ``known + unknown``), ``share`` (``count / known``; missing when
    nothing is known), ``asked`` (the cycle's questionnaire asked for it) and whether a
    group not for dissemination is among the cell's groups (``nd``), those with the value
    (``nd_value``: behind ``count``), those whose value is known (``nd_known``: behind
    ``share``) or unknown (``nd_unknown``). Values no group has are kept (count 0).

    >>> g = pd.DataFrame({"country": ["RS", "RS", "HR"], "crime_areas": ["heroin;cocaine",
    ...                   "heroin", "cocaine"], "corruption": ["High", "Nil", "Unknown"]})
    >>> s = shares(g, by="crime_area", items=["corruption"])
    >>> s[s["value"] == "yes"][["crime_area", "count", "known", "unknown", "share"]].values.tolist()
    [['heroin', 1, 2, 0, 0.5], ['cocaine', 1, 1, 1, 1.0]]
    """
    values = group_values(ocgs, cycle=cycle, countries=countries)
    chosen = [_ITEM[k] for k in (items or [i.key for i in ITEMS])]
    rows = []
    for key, cell in _cells(values, by):
        n = len(cell)
        nd = cell["nd"].to_numpy(dtype=bool)
        for item in chosen:
            col = cell[item.key].to_numpy()
            unknown = int((col == "unknown").sum())
            known = n - unknown
            asked = _asked(item, cycle)
            nd_known = bool((nd & (col != "unknown")).any())
            for v in item.values:
                count = int((col == v).sum())
                rows.append({**({by: key} if by else {}), "item": item.key,
                             "label": item.label, "value": v, "count": count,
                             "known": known, "unknown": unknown, "groups": n,
                             "share": count / known if known else float("nan"),
                             "asked": asked, "nd": bool(nd.any()),
                             "nd_value": bool((nd & (col == v)).any()),
                             "nd_known": nd_known,
                             "nd_unknown": bool((nd & (col == "unknown")).any())})
    cols = [*([by] if by else []), "item", "label", "value", "count", "known", "unknown",
            "groups", "share", "asked", "nd", "nd_value", "nd_known", "nd_unknown"]
    return pd.DataFrame(rows, columns=cols)


def group_coverage(ocgs: pd.DataFrame, *, cycle: str | None = None,
                   countries: Sequence[str]) -> pd.DataFrame:
    """How many groups each of ``countries`` reported (``country``, ``groups``; 0 for a
    country that reported none), in the order of ``countries``.

    >>> group_coverage(pd.DataFrame({"country": ["RS", "RS"]}), countries=["HR", "RS"]
    ...                ).values.tolist()
    [['HR', 0], ['RS', 2]]
    """
    g = _select(ocgs, cycle, countries)
    counts = g["country"].value_counts() if len(g) else pd.Series(dtype=int)
    return pd.DataFrame({"country": list(countries),
                         "groups": [int(counts.get(c, 0)) for c in countries]})


def links_abroad(ocgs: pd.DataFrame, *, cycle: str | None = None,
                 countries: Sequence[str] | None = None) -> pd.DataFrame:
    """The countries named as a group's links abroad: ``country`` (as written: an ISO
    code or a name), ``groups`` (how many groups name it), most named first (ties by
    code).

    >>> links_abroad(pd.DataFrame({"country": ["RS", "AL"], "international_links":
    ...                            ["DE;RS;IT", "IT"]})).values.tolist()
    [['IT', 2], ['DE', 1]]
    """
    values = group_values(ocgs, cycle=cycle, countries=countries)
    named = Counter(c for cs in values["links_abroad"] for c in cs)
    rows = sorted(named.items(), key=lambda kv: (-kv[1], kv[0]))
    return pd.DataFrame(rows, columns=["country", "groups"]).astype({"groups": int})


# ----------------------------------------------------------------------------- levels


def group_attributes(ocgs: pd.DataFrame, *, cycle: str,
                     countries: Sequence[str]) -> pd.DataFrame:
    """Per graded attribute, how many of the cycle's groups (of ``countries``) show it at
    each level: ``attribute``, ``label``, ``nil`` … ``high``, ``unknown`` (unknown, not
    given or not a level), ``groups`` (all groups, the row's total), ``known`` (rated
    Nil to High) and ``share`` (rated Low to High, of those known; missing when none is
    known).

    >>> g = pd.DataFrame({"country": ["RS"] * 3, "corruption": ["Nil", "Low", None]})
    >>> t = group_attributes(g, cycle="2013-2017", countries=["RS"])
    >>> r = t.set_index("attribute").loc["corruption"]
    >>> int(r["known"]), float(r["share"])
    (2, 0.5)
    """
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
        row = {"attribute": attr, "label": label,
               **{lv: int(counts.get(lv, 0)) for lv in LEVELS}, "groups": len(g)}
        known = len(g) - row["unknown"]
        present = row["low"] + row["medium"] + row["high"]
        rows.append({**row, "known": known,
                     "share": present / known if known else float("nan")})
    return pd.DataFrame(rows, columns=["attribute", "label", *LEVELS, "groups", "known",
                                       "share"])


# ----------------------------------------------------------------------------- scores


@dataclass(frozen=True)
class ScoreDistribution:
    """Scores of the groups on each attribute set of :data:`SCORE_SETS`.

    ``scores``: one row per group and set (``set``, ``label``, ``country``,
    ``group_ref``, ``score`` in points, ``max_score``, ``pct`` of the maximum;
    missing where a set cannot score a group). ``quantiles``: per set, ``groups``
    (scored), ``unscored``, ``with_unknown`` (scored with at least one attribute
    unknown), ``max_score``, ``attributes`` (of the set) and ``asked`` (how many of them
    the cycle's questionnaire asked for: the others are unknown for every group), and ``min``, ``p25``, ``median``, ``p75``, ``max`` in points
    (linear interpolation). ``histogram``: per set and bin of the share of the maximum
    (``lo``, ``hi`` in %; the last bin includes 100), ``groups``."""

    scores: pd.DataFrame
    quantiles: pd.DataFrame
    histogram: pd.DataFrame


def score_distribution(ocgs: pd.DataFrame, *, cycle: str | None = None,
                       countries: Sequence[str] | None = None,
                       sets: Sequence[str] = tuple(SCORE_SETS), bin_width: int = 10
                       ) -> ScoreDistribution:
    """The groups' scores on each attribute set (:func:`octasee.scoring.score_groups`)
    as distributions: see :class:`ScoreDistribution`."""
    from octasee.scoring import score_groups  # lazy: ~100 ms on import

    g = _select(ocgs, cycle, countries)
    edges = np.arange(0, 100 + bin_width, bin_width, dtype=float)
    edges[-1] = 100.0
    score_rows, quant_rows, hist_rows = [], [], []
    for key in sets:
        label = SCORE_SETS.get(key, key)
        frame = g.drop(columns=[c for c in ("nd",) if c in g.columns])
        result = score_groups(frame, key, missing_columns="unknown")
        s = result.scores
        top = float(result.attribute_set.max_score)
        pct = s["score"] / top * 100 if len(s) else pd.Series(dtype=float)
        score_rows.append(pd.DataFrame({
            "set": key, "label": label,
            "country": s.get("country"),
            "group_ref": s.get("group_ref"),
            "score": s["score"], "max_score": top, "pct": pct,
            "n_unknown": s["n_unknown"]}))
        scored = s["score"].dropna()
        q = scored.quantile([0.25, 0.5, 0.75]) if len(scored) else pd.Series(
            [np.nan] * 3, index=[0.25, 0.5, 0.75])
        quant_rows.append({
            "set": key, "label": label, "groups": int(len(scored)),
            "unscored": int(len(s) - len(scored)),
            "with_unknown": int((s.loc[scored.index, "n_unknown"] > 0).sum()),
            "max_score": top, "attributes": len(result.attribute_set.weights),
            "asked": _asked_attributes(list(result.attribute_set.weights), cycle),
            "min": float(scored.min()) if len(scored) else np.nan,
            "p25": float(q[0.25]), "median": float(q[0.5]), "p75": float(q[0.75]),
            "max": float(scored.max()) if len(scored) else np.nan})
        counts, _ = np.histogram(pct.dropna().clip(0, 100), bins=edges)
        for lo, hi, n in zip(edges[:-1], edges[1:], counts, strict=True):
            hist_rows.append({"set": key, "label": label, "lo": float(lo), "hi": float(hi),
                              "groups": int(n)})
    scores = (pd.concat(score_rows, ignore_index=True) if score_rows else pd.DataFrame(
        columns=["set", "label", "country", "group_ref", "score", "max_score", "pct",
                 "n_unknown"]))
    return ScoreDistribution(
        scores=scores,
        quantiles=pd.DataFrame(quant_rows, columns=[
            "set", "label", "groups", "unscored", "with_unknown", "max_score", "attributes",
            "asked", "min", "p25", "median", "p75", "max"]),
        histogram=pd.DataFrame(hist_rows, columns=["set", "label", "lo", "hi", "groups"]))


def top_groups(ocgs: pd.DataFrame, *, cycle: str | None = None,
               countries: Sequence[str] | None = None, n: int = 10,
               attribute_set: str = "sleipnir") -> pd.DataFrame:
    """The ``n`` highest-scoring groups on ``attribute_set`` (more when groups tie at the
    ``n``-th rank), highest first, with what a one-line description of each needs:
    ``rank``, ``country``, ``group_ref``, ``name``, ``score``, ``max_score``,
    ``unknown_share``, ``n_unknown`` (of ``attributes``, the set's), ``grading`` (``B2``), ``confidence``, ``low_graded`` (source
    reliability D or X, or information 4: :data:`LOW_RELIABILITY`,
    :data:`LOW_INFORMATION`), ``structure``, ``members``, ``crime_areas`` (tuple),
    ``links_abroad`` (tuple) and ``nd``."""
    from octasee.scoring import score_groups  # lazy: ~100 ms on import

    g = _select(ocgs, cycle, countries)
    cols = ["rank", "country", "group_ref", "name", "score", "max_score", "unknown_share",
            "n_unknown", "attributes", "grading", "confidence", "low_graded", "structure", "members", "crime_areas",
            "links_abroad", "nd"]
    if g.empty:
        return pd.DataFrame(columns=cols)
    values = group_values(g)
    # Scored under their row number, so that each scored group finds its row again.
    frame = g.drop(columns=[c for c in ("nd",) if c in g.columns]).assign(
        group_ref=[str(i) for i in range(len(g))])
    result = score_groups(frame, attribute_set, missing_columns="unknown")
    s = result.scores
    ranked = s.assign(_i=s["group_ref"].astype(int))
    ranked = ranked[ranked["rank"].notna() & (ranked["rank"] <= n)]
    rel = ranked["grading"].str[0]
    info = pd.to_numeric(ranked["grading"].str[1:], errors="coerce")
    out = pd.DataFrame({
        "rank": ranked["rank"].astype(int), "country": ranked["country"],
        "group_ref": [g["group_ref"].iloc[i] for i in ranked["_i"]],
        "name": [g["name"].iloc[i] if "name" in g else None for i in ranked["_i"]],
        "score": ranked["score"], "max_score": ranked["max_score"],
        "unknown_share": ranked["unknown_share"], "n_unknown": ranked["n_unknown"],
        "attributes": len(result.attribute_set.weights), "grading": ranked["grading"],
        "confidence": ranked["confidence"],
        "low_graded": (rel.isin(LOW_RELIABILITY) | (info == LOW_INFORMATION)).to_numpy(),
        "structure": [values["structure"].iloc[i] for i in ranked["_i"]],
        "members": [pd.to_numeric(g["members"], errors="coerce").iloc[i]
                    if "members" in g else np.nan for i in ranked["_i"]],
        "crime_areas": [values["crime_areas"].iloc[i] for i in ranked["_i"]],
        "links_abroad": [values["links_abroad"].iloc[i] for i in ranked["_i"]],
        "nd": [bool(values["nd"].iloc[i]) for i in ranked["_i"]],
    })
    return out.reset_index(drop=True)[cols]
