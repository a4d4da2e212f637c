"""Models from an indicator metadata table, in the shape of COINr's ``iMeta``.

A COINr user describes an index as two tables: the data (``iData``: one row a unit,
``uCode`` naming it, then groups, denominators and indicators) and the metadata (``iMeta``:
one row a code)::

    iCode,iName,Level,Direction,Weight,Parent,Type,Denominator
    Goods,Trade in goods,1,1,1,ConEcFin,Indicator,GDP
    Tariff,Mean tariff rate,1,-1,1,Instit,Indicator,
    ConEcFin,Economic and financial,2,1,1,Conn,Aggregate,
    Conn,Connectivity,3,1,1,Index,Aggregate,
    Index,Sustainable connectivity,4,1,1,,Aggregate,
    GDP,GDP,,,,,Denominator,
    EurAsia_group,Europe or Asia,,,,,Group,

``Type`` is ``Indicator``, ``Aggregate``, ``Group``, ``Denominator`` or ``Other`` (the last
three are columns of the data, not nodes of the tree). Indicators are at ``Level`` 1 and
every parent is exactly one level above its child, as COINr checks. ``Denominator`` names
the column an indicator is divided by (in the data, or in a separate denominators table:
one row a unit, the unit column and one column a denominator).

:func:`read_meta` checks a table and returns the tree nodes of a spec, :func:`meta_spec`
the spec mapping; :func:`~octasee.scoring.model.from_meta` builds a
:class:`~octasee.scoring.model.Model` from it, and :func:`~octasee.scoring.model.run_meta`
runs one on a data table. A spec can name the table instead of listing a
tree (``meta: iMeta.csv``, ``denominators: denoms.csv``, paths relative to the spec), and
``octasee index --meta iMeta.csv --data iData.csv`` does the same from the command line.

Every error names the file, the row (the CSV line: the header is line 1) and the fix.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from octasee.errors import ScoringError
from octasee.scoring._registry import suggest

__all__ = ["META_COLUMNS", "MetaTable", "example_files", "meta_spec", "read_meta", "read_table"]

#: the columns a metadata table may have (COINr's iMeta), and the ones it must have
META_COLUMNS = ("iCode", "iName", "Level", "Direction", "Weight", "Parent", "Type",
                "Denominator", "Unit", "Target")
REQUIRED = ("iCode", "Level", "Direction", "Weight", "Parent", "Type")
TYPES = ("Indicator", "Aggregate", "Group", "Denominator", "Other")
#: COINr's default pipeline for a model built from a table without steps
DEFAULT_STEPS: tuple[dict[str, Any], ...] = (
    {"step": "normalise", "method": "minmax", "low": 0, "high": 100},
    {"step": "aggregate", "method": "mean"},
)


def read_table(path: str | Path, *, what: str = "table") -> pd.DataFrame:
    """A CSV (any delimiter, UTF-8 with or without BOM) or Excel table; codes kept as text."""
    p = Path(path)
    try:
        if p.suffix.lower() in (".xlsx", ".xls"):
            return pd.read_excel(p)
        return pd.read_csv(p, encoding="utf-8-sig", sep=None, engine="python")
    except FileNotFoundError:
        raise ScoringError(f"the {what} {str(path)!r} does not exist",
                           hint="check the path") from None
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise ScoringError(f"cannot read the {what}: {exc}", where=str(path),
                           hint="give a CSV with a header row") from None


@dataclass(frozen=True)
class MetaTable:
    """A checked metadata table: the tree nodes, denominators and the other columns."""

    nodes: list[dict[str, Any]]
    denominators: dict[str, str] = field(default_factory=dict)
    groups: list[str] = field(default_factory=list)
    denominator_columns: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    levels: dict[str, int] = field(default_factory=dict)
    source: str | None = None


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or (
        isinstance(v, str) and v.strip() in ("", "NA"))


def read_meta(meta: str | Path | pd.DataFrame, *, source: str | None = None) -> MetaTable:
    """Check a metadata table (a path or a DataFrame) and return its tree.

    >>> t = pd.DataFrame({"iCode": ["a", "b", "I"], "Level": [1, 1, 2],
    ...                   "Direction": [1, -1, 1], "Weight": [1, 2, 1],
    ...                   "Parent": ["I", "I", None],
    ...                   "Type": ["Indicator", "Indicator", "Aggregate"]})
    >>> [(n["id"], n.get("parent"), n["weight"], n["direction"]) for n in read_meta(t).nodes]
    [('a', 'I', 1.0, 1), ('b', 'I', 2.0, -1), ('I', None, 1.0, 1)]
    """
    if isinstance(meta, pd.DataFrame):
        table, src = meta, source or "the metadata table"
    else:
        src = source or str(meta)
        table = read_table(meta, what="metadata table")

    def where(i: int | None = None) -> str:
        return src if i is None else f"{src}, row {i + 2}"

    cols = [str(c).strip() for c in table.columns]
    table = table.set_axis(cols, axis=1)
    for c in cols:
        if c not in META_COLUMNS:
            raise ScoringError(
                f"unknown column {c!r} in the metadata table", where=f"{src}, row 1",
                hint=(suggest(c, list(META_COLUMNS)) or "")
                + (" " if suggest(c, list(META_COLUMNS)) else "")
                + "the columns are " + ", ".join(META_COLUMNS) + "; rename or remove it")
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        raise ScoringError("the metadata table has no column " + ", ".join(map(repr, missing)),
                           where=f"{src}, row 1",
                           hint="a metadata table needs " + ", ".join(REQUIRED))
    dup_cols = [c for c in cols if cols.count(c) > 1]
    if dup_cols:
        raise ScoringError(f"the column {dup_cols[0]!r} appears twice", where=f"{src}, row 1",
                           hint="keep one of them")
    rows = table.to_dict("records")
    seen: dict[str, int] = {}
    nodes: list[dict[str, Any]] = []
    levels: dict[str, int] = {}
    denominators: dict[str, str] = {}
    groups, den_cols, other = [], [], []
    for i, r in enumerate(rows):
        code = r["iCode"]
        if _blank(code):
            raise ScoringError("a row has no iCode", where=where(i),
                               hint="give every row a code, or delete the row")
        code = str(code).strip()
        if code in seen:
            raise ScoringError(f"the code {code!r} appears twice", where=where(i),
                               hint=f"it is first on row {seen[code] + 2}: give each row its "
                                    "own code")
        seen[code] = i
        typ = "" if _blank(r["Type"]) else str(r["Type"]).strip()
        if typ not in TYPES:
            raise ScoringError(f"{code!r} has Type {typ or '(blank)'!r}", where=where(i),
                               hint=(suggest(typ, list(TYPES)) or "") + " Type must be one of "
                               + ", ".join(TYPES))
        if typ == "Group":
            groups.append(code)
            continue
        if typ == "Denominator":
            den_cols.append(code)
            continue
        if typ == "Other":
            other.append(code)
            continue
        node: dict[str, Any] = {"id": code}
        for col, kind in (("Level", "level"), ("Direction", "direction"), ("Weight", "weight")):
            v = r[col]
            if _blank(v):
                raise ScoringError(f"{code!r} ({typ}) has no {col}", where=where(i),
                                   hint=f"give every indicator and aggregate a {kind}")
            try:
                num = float(v)
            except (TypeError, ValueError):
                raise ScoringError(f"the {col} of {code!r} is {v!r}, not a number",
                                   where=where(i)) from None
            if col == "Direction" and num not in (1.0, -1.0):
                raise ScoringError(f"the Direction of {code!r} is {v!r}", where=where(i),
                                   hint="use 1 (higher is more) or -1 (higher is less)")
            if col == "Weight" and (num < 0 or math.isnan(num) or math.isinf(num)):
                raise ScoringError(f"the Weight of {code!r} is {v!r}", where=where(i),
                                   hint="weights must be numbers >= 0")
            if col == "Level" and (num != int(num) or num < 1):
                raise ScoringError(f"the Level of {code!r} is {v!r}", where=where(i),
                                   hint="levels are whole numbers: 1 for indicators, 2 for "
                                        "their groups and so on")
            node[kind] = int(num) if col != "Weight" else num
        levels[code] = node.pop("level")
        if typ == "Indicator" and levels[code] != 1:
            raise ScoringError(f"the indicator {code!r} is at Level {levels[code]}",
                               where=where(i), hint="indicators are at Level 1")
        if typ == "Aggregate" and levels[code] == 1:
            raise ScoringError(f"the aggregate {code!r} is at Level 1", where=where(i),
                               hint="aggregates are at Level 2 or higher; or set Type to "
                                    "Indicator")
        parent = r["Parent"]
        if not _blank(parent):
            node["parent"] = str(parent).strip()
        if "iName" in r and not _blank(r["iName"]):
            node["label"] = str(r["iName"])
        den = r.get("Denominator")
        if not _blank(den):
            if typ != "Indicator":
                raise ScoringError(f"the aggregate {code!r} has a Denominator", where=where(i),
                                   hint="only indicators are denominated: clear the cell")
            denominators[code] = str(den).strip()
        node["_row"] = i
        node["_type"] = typ
        nodes.append(node)
    if not nodes:
        raise ScoringError("the metadata table has no Indicator or Aggregate row", where=src,
                           hint="set Type to Indicator or Aggregate")
    by_id = {n["id"]: n for n in nodes}
    non_nodes = set(groups) | set(den_cols) | set(other)
    for n in nodes:
        p = n.get("parent")
        if p is None:
            continue
        if p == n["id"]:
            raise ScoringError(f"{p!r} is its own parent", where=where(n["_row"]),
                               hint="give it the code of the group it belongs to")
        if p not in by_id:
            extra = (f" ({p!r} is a {('Group' if p in groups else 'Denominator/Other')} row, "
                     "not an aggregate)") if p in non_nodes else ""
            raise ScoringError(f"the parent {p!r} of {n['id']!r} is not in the table{extra}",
                               where=where(n["_row"]),
                               hint=(suggest(p, list(by_id)) or "") +
                               " add an Aggregate row with that iCode, or fix the Parent")
    for n in nodes:  # cycles: walk up from every node
        path = [n["id"]]
        cur = n
        while cur.get("parent") is not None:
            if cur["parent"] in path:
                loop = [*path[path.index(cur["parent"]):], cur["parent"]]
                raise ScoringError("cycle in the parent links: " + " -> ".join(loop),
                                   where=where(n["_row"]),
                                   hint="every code needs one path up to the top level: fix "
                                        "the Parent of one of " + ", ".join(map(repr, loop[:-1])))
            path.append(cur["parent"])
            cur = by_id[cur["parent"]]
    has_kids = {n["parent"] for n in nodes if n.get("parent")}
    for n in nodes:
        nid = n["id"]
        if n["_type"] == "Aggregate" and nid not in has_kids:
            raise ScoringError(f"the aggregate {nid!r} has no children", where=where(n["_row"]),
                               hint=f"name {nid!r} as the Parent of some rows, or delete it")
        if n["_type"] == "Indicator" and nid in has_kids:
            kid = next(k["id"] for k in nodes if k.get("parent") == nid)
            raise ScoringError(f"the indicator {nid!r} is the Parent of {kid!r}",
                               where=where(by_id[kid]["_row"]),
                               hint="only aggregates have children: fix the Parent, or make "
                                    f"{nid!r} an Aggregate")
        p = n.get("parent")
        if p is not None and levels[p] != levels[nid] + 1:
            raise ScoringError(f"{nid!r} is at Level {levels[nid]} but its parent {p!r} is at "
                               f"Level {levels[p]}", where=where(n["_row"]),
                               hint=f"a parent is one level above its children: set {p!r} to "
                                    f"Level {levels[nid] + 1} or fix the Parent")
    missing_levels = set(range(1, max(levels.values()) + 1)) - set(levels.values())
    if missing_levels:
        raise ScoringError("the Level column skips level " + ", ".join(
            map(str, sorted(missing_levels))), where=src, hint="number levels 1, 2, 3 … with "
            "no gap")
    if not any(n.get("parent") for n in nodes):
        raise ScoringError("no row names a Parent: there is nothing to aggregate", where=src,
                           hint="give the indicators the code of their group as Parent")
    # the spec's tree: parents after children is fine; a spec node records its CSV row
    out = []
    for n in nodes:
        row = n.pop("_row")
        n.pop("_type")
        n["line"] = row + 2
        out.append(n)
    return MetaTable(nodes=out, denominators=denominators, groups=groups,
                     denominator_columns=den_cols, other=other, levels=levels, source=src)


def meta_spec(meta: str | Path | pd.DataFrame, *, steps: Sequence[Any] | None = None,
              unit: str = "uCode", name: str | None = None, keep: Sequence[str] = (),
              denominators: str | Path | pd.DataFrame | None = None, source: str | None = None,
              **top: Any) -> dict[str, Any]:
    """The spec mapping of a model described by a metadata table (see
    :func:`~octasee.scoring.model.from_meta`)."""
    table = read_meta(meta, source=source)
    steps = [dict(s) for s in (DEFAULT_STEPS if steps is None else steps)]
    if table.denominators and not any(_step_name(s) == "denominate" for s in steps):
        # first, but after a screen step that leads (it screens the raw data)
        pos = next((i for i, s in enumerate(steps)
                    if _step_name(s).lower() not in ("screen", "screening")), len(steps))
        steps.insert(pos, {"step": "denominate"})
    spec: dict[str, Any] = {
        "name": name or (Path(str(meta)).stem if not isinstance(meta, pd.DataFrame) else
                         "index"),
        "unit": unit, "keep": list(keep), "steps": steps,
        "tree": [{k: v for k, v in n.items() if k != "line"} for n in table.nodes], **top}
    for s in steps:
        if _step_name(s) == "denominate" and "by" not in s and table.denominators:
            s["by"] = dict(table.denominators)
    if denominators is not None:
        spec["denominators"] = denominators
    return spec


def _step_name(s: Any) -> str:
    if isinstance(s, str):
        return s
    if isinstance(s, Mapping):
        return str(s.get("step", next(iter(s), "")))
    return ""


def example_files(name: str = "asem") -> dict[str, Path]:
    """The files of a shipped example model (``asem``: COINr's ASEM example).

    Keys: ``spec``, ``meta``, ``data``, ``denominators`` and ``stage_<name>`` for each
    stored stage (full precision, gzipped CSV).

    >>> sorted(example_files())[:4]
    ['data', 'denominators', 'meta', 'spec']
    """
    from importlib import resources

    folder = resources.files("octasee.scoring").joinpath("examples", name)
    if not folder.is_dir():
        raise ScoringError(f"no example {name!r}", hint="the examples are: asem")
    base = Path(str(folder))
    out = {"spec": base / f"{name}.yaml", "meta": base / "iMeta.csv",
           "data": base / "iData.csv", "denominators": base / "denominators.csv"}
    for p in sorted(base.glob("stage_*.csv.gz")):
        out[p.name.removesuffix(".csv.gz")] = p
    return out
