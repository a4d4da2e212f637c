"""Composite-index specs: read a YAML or TOML file and check it, reporting errors by line.

A spec describes a whole model, so that no model needs code of its own (see
``docs/scoring.md`` for the full format)::

    name: Example index
    unit: country                # the unit column of the data table
    keep: [region]               # other columns carried to the output
    scale: [1, 10]               # optional: the indicators' common scale
    output: {digits: 2, rounding: half_up}
    steps:                       # in order; names: denominate impute treat normalise aggregate
      - {step: impute, method: median, group: region}
      - {step: normalise, method: minmax, low: 0, high: 100}
      - {step: aggregate, method: mean, missing: skip}
    tree:                        # every node: id, parent, weight (1), direction (1)
      - {id: threat}
      - {id: markets, parent: threat, weight: 2}
      - {id: drugs, parent: markets, column: "Drug seizures"}
      - {id: resilience, parent: threat, direction: -1}
      - {id: police, parent: resilience}
    weights:                     # optional: weights of a parent's children by a method
      - {parent: threat, method: budget, experts: {A: {markets: 70, resilience: 30}}}

Leaves of the tree are indicators (read from ``column``, default the id); the other nodes
are aggregates. Errors (an unknown method or key, a parent that does not exist, a cycle,
weights that sum to zero, an indicator missing from the data) raise
:class:`~octasee.errors.ScoringError` naming the file and line, with a suggestion. Files are
read, and their keys and types checked, by the loader every settings file shares
(:mod:`octasee.config`); the keys a spec allows are ``SPEC_SCHEMA``, ``NODE_SCHEMA`` and
``OUTPUT_SCHEMA`` below.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from octasee.config import (
    Field,
    LineDict,
    LineList,
    Source,
    Table,
    check,
    read_toml,
    read_yaml,
)
from octasee.errors import ScoringError
from octasee.scoring._registry import Registry, suggest
from octasee.scoring.aggregate import AGGREGATORS
from octasee.scoring.impute import IMPUTERS
from octasee.scoring.normalise import NORMALISERS
from octasee.scoring.treat import TREATMENTS
from octasee.scoring.weights import WEIGHTERS

__all__ = ["NODE_SCHEMA", "OUTPUT_SCHEMA", "SPEC_SCHEMA", "LineDict", "LineList", "Node", "Spec",
           "Step", "parse_spec", "read_spec_file"]

DENOMINATORS = Registry("denominate", prefix="d_")


@DENOMINATORS.register("divide", "ratio", "per")
def _d_divide() -> None:  # pragma: no cover - marker only, the model does the division
    """``x / denominator * scale``."""


@DENOMINATORS.register("none")
def _d_none() -> None:  # pragma: no cover - marker only
    """No denomination."""


STEP_REGISTRIES: dict[str, Registry] = {
    "denominate": DENOMINATORS,
    "impute": IMPUTERS,
    "treat": TREATMENTS,
    "normalise": NORMALISERS,
    "aggregate": AGGREGATORS,
}
DEFAULT_METHODS = {"denominate": "divide", "impute": "none", "treat": "winsorise",
                   "normalise": "minmax", "aggregate": "mean"}
STEP_ALIASES = {"normalize": "normalise", "treatment": "treat", "outliers": "treat",
                "imputation": "impute", "aggregation": "aggregate", "denomination": "denominate"}
# --------------------------------------------------------------------------- the keys
# What a spec file may hold (octasee.config checks them: an unknown key is refused with
# its line and the nearest allowed one). Keys typed "any" are checked by parse_spec itself,
# with messages of their own (a step's arguments by the model, against the method).
SPEC_SCHEMA = Table({
    "name": Field("text|number"),
    "description": Field("text"),
    "unit": Field("any"),
    "keep": Field("text|list", items=Field("text|number")),
    "scale": Field("any"),
    "output": Field("any"),
    "steps": Field("any"),
    "tree": Field("any"),
    "weights": Field("any"),
    "references": Field("any"),
    "version": Field("any"),
}, name="the spec")
NODE_SCHEMA = Table({
    "id": Field("any"),
    "parent": Field("text|number"),
    "weight": Field("any"),
    "direction": Field("any"),
    "label": Field("text"),
    "column": Field("text|number"),
    "published": Field("text|number"),
    "aggregate": Field("any"),
    "normalise": Field("any"),
    "treat": Field("bool"),
    "description": Field("text"),
}, name="a tree node")
OUTPUT_SCHEMA = Table({
    "digits": Field("any"),
    "rounding": Field("any"),
    "ranks": Field("bool"),
}, name="output")
TOP_KEYS = SPEC_SCHEMA.keys
NODE_KEYS = NODE_SCHEMA.keys
OUTPUT_KEYS = OUTPUT_SCHEMA.keys


def read_spec_file(path: str | Path) -> tuple[dict[str, Any], str]:
    """Read a spec file (``.yaml``/``.yml`` or ``.toml``); returns the mapping and its text."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScoringError(f"spec file {str(path)!r} not found",
                           hint="check the path given to --spec") from None
    except OSError as exc:
        raise ScoringError(f"cannot read spec file {str(path)!r}: {exc.strerror}") from None
    where = str(path)
    read = read_toml if p.suffix.lower() == ".toml" else read_yaml
    data, _ = read(text, name=where, error=ScoringError)
    if not isinstance(data, dict):
        raise ScoringError("a spec must be a mapping of keys (name, unit, steps, tree …)",
                           where=where)
    return data, text


# --------------------------------------------------------------------------- the parsed spec
@dataclass(frozen=True)
class Node:
    """One node of the index tree: an indicator (a leaf) or an aggregate."""

    id: str
    parent: str | None = None
    weight: float = 1.0
    direction: int = 1
    label: str | None = None
    column: str | None = None
    published: str | None = None
    aggregate: dict[str, Any] | None = None
    normalise: dict[str, Any] | None = None
    treat: bool = True
    line: int | None = None


@dataclass(frozen=True)
class Step:
    """One step of the pipeline: its role, method name and arguments."""

    step: str
    method: str
    args: dict[str, Any] = field(default_factory=dict)
    line: int | None = None


@dataclass(frozen=True)
class Spec:
    """A checked composite-index spec (see the module docstring for the format)."""

    name: str
    unit: str
    nodes: tuple[Node, ...]
    steps: tuple[Step, ...]
    keep: tuple[str, ...] = ()
    scale: tuple[float, float] | None = None
    digits: int = 2
    rounding: str = "half_up"
    ranks: bool = True
    source: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    text: str | None = field(default=None, repr=False, compare=False)

    def where(self, node_or_line: Node | Step | int | None) -> str | None:
        """``"<file>, line N"`` for a node, step or line number (as far as known)."""
        line = node_or_line if isinstance(node_or_line, int | None) else node_or_line.line
        return _where(self.source, line)


def _where(source: str | None, line: int | None) -> str | None:
    src = source or "spec"
    return f"{src}, line {line}" if line else (source or None)


class _Ctx:
    """Line lookup for one spec: from the YAML line records, else by searching the text."""

    def __init__(self, source: str | None, text: str | None, raw: Any = None) -> None:
        self.source = source
        self.lines = text.splitlines() if text else []
        yaml_lines = isinstance(raw, LineDict) or (isinstance(raw, Mapping) and any(
            isinstance(v, LineDict | LineList) for v in raw.values()))
        fmt = "yaml" if yaml_lines else ("toml" if text else "")
        self.src = Source(source, text or "", raw, fmt)

    def check(self, mapping: Mapping[str, Any], schema: Table,
              at: Sequence[str | int] = ()) -> None:
        """Refuse an unknown key or a value of the wrong type (the shared loader)."""
        check(mapping, schema, self.src, error=ScoringError, at=at)

    def line(self, mapping: Any = None, key: Any = None, value: Any = None) -> int | None:
        if isinstance(mapping, LineDict):
            if key is not None and key in mapping.key_lines:
                return mapping.key_lines[key]
            return mapping.line
        if isinstance(mapping, LineList):
            return mapping.line
        if value is not None and self.lines:
            pat = re.compile(r"(^|[\s=:\[{,\"'])" + re.escape(str(value)) + r"($|[\s,\]}\"'])")
            for i, text in enumerate(self.lines, 1):
                if pat.search(text):
                    return i
        return None

    def where(self, mapping: Any = None, key: Any = None, value: Any = None) -> str | None:
        return _where(self.source, self.line(mapping, key, value))

    def error(self, what: str, mapping: Any = None, key: Any = None, value: Any = None,
              hint: str | None = None) -> ScoringError:
        return ScoringError(what, where=self.where(mapping, key, value), hint=hint)


def _number(ctx: _Ctx, mapping: Any, key: str, value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ctx.error(f"{what} must be a number, not {value!r}", mapping, key, value)
    return float(value)


def _parse_step(ctx: _Ctx, raw: Any, index: int, items: Any) -> Step:
    line = items.item_lines[index] if isinstance(items, LineList) else None
    if isinstance(raw, str):
        raw = {"step": raw}
    if not isinstance(raw, dict):
        raise ScoringError(f"step {index + 1} must be a mapping like {{step: normalise, "
                           f"method: minmax}}", where=_where(ctx.source, line))
    if "step" not in raw and len(raw) == 1 and isinstance(next(iter(raw.values())), dict | None):
        # short form: - normalise: {method: minmax, high: 100}
        name, body = next(iter(raw.items()))
        body = dict(body or {})
        body["step"] = name
        raw_line = ctx.line(raw) or line
        raw = LineDict(body)
        raw.line = raw_line
    name = raw.get("step")
    if name is None:
        raise ctx.error(f"step {index + 1} has no 'step' key", raw,
                        hint="name the step: denominate, impute, treat, normalise or aggregate")
    key = STEP_ALIASES.get(str(name).lower(), str(name).lower())
    if key not in STEP_REGISTRIES:
        raise ctx.error(f"unknown step {name!r}", raw, "step", name,
                        hint=suggest(key, list(STEP_REGISTRIES)) or
                        "the steps are " + ", ".join(STEP_REGISTRIES))
    method = raw.get("method", DEFAULT_METHODS[key])
    canonical = STEP_REGISTRIES[key].canonical(
        str(method), where=ctx.where(raw, "method" if "method" in raw else None, method))
    args = {k: v for k, v in raw.items() if k not in ("step", "method")}
    return Step(key, canonical, args, ctx.line(raw) or line)


def _parse_node(ctx: _Ctx, raw: Any, index: int, items: Any) -> Node:
    line = items.item_lines[index] if isinstance(items, LineList) else None
    if isinstance(raw, str):
        raise ScoringError(f"tree entry {index + 1} ({raw!r}) must be a mapping with an id",
                           where=_where(ctx.source, line), hint=f"write {{id: {raw}, parent: …}}")
    if not isinstance(raw, dict):
        raise ScoringError(f"tree entry {index + 1} must be a mapping with an id",
                           where=_where(ctx.source, line))
    ctx.check(raw, NODE_SCHEMA, ("tree", index))
    if "id" not in raw or raw["id"] in (None, ""):
        raise ctx.error(f"tree entry {index + 1} has no id", raw)
    nid = str(raw["id"])
    weight = _number(ctx, raw, "weight", raw.get("weight", 1.0), f"the weight of {nid!r}")
    if weight < 0:
        raise ctx.error(f"the weight of {nid!r} is negative ({weight:g})", raw, "weight",
                        hint="weights must be >= 0; use direction: -1 to flip an indicator")
    direction = raw.get("direction", 1)
    if direction not in (1, -1) or isinstance(direction, bool):
        raise ctx.error(f"the direction of {nid!r} must be 1 or -1, not {direction!r}", raw,
                        "direction", direction)
    overrides: dict[str, dict[str, Any] | None] = {}
    for role in ("aggregate", "normalise"):
        o = raw.get(role)
        if o is None:
            overrides[role] = None
            continue
        if isinstance(o, str):
            o = {"method": o}
        if not isinstance(o, dict) or "method" not in o:
            raise ctx.error(f"the {role} of {nid!r} must be a method name or "
                            f"{{method: …, …}}", raw, role)
        m = STEP_REGISTRIES[role].canonical(str(o["method"]), where=ctx.where(raw, role))
        overrides[role] = {**{k: v for k, v in o.items() if k != "method"}, "method": m}
    parent = raw.get("parent")
    return Node(
        id=nid, parent=None if parent in (None, "") else str(parent), weight=weight,
        direction=int(direction), label=raw.get("label"),
        column=None if raw.get("column") is None else str(raw["column"]),
        published=None if raw.get("published") is None else str(raw["published"]),
        aggregate=overrides["aggregate"], normalise=overrides["normalise"],
        treat=bool(raw.get("treat", True)), line=ctx.line(raw) or line)


def _check_tree(ctx: _Ctx, nodes: list[Node]) -> None:
    ids: dict[str, Node] = {}
    for n in nodes:
        if n.id in ids:
            raise ScoringError(f"node {n.id!r} is defined twice", where=_where(ctx.source, n.line),
                               hint=f"it is first defined on line {ids[n.id].line}")
        ids[n.id] = n
    for n in nodes:
        if n.parent is not None and n.parent not in ids:
            raise ScoringError(f"node {n.id!r} has an unknown parent {n.parent!r}",
                               where=_where(ctx.source, n.line),
                               hint=suggest(n.parent, list(ids)) or "add the parent to the tree")
        if n.parent == n.id:
            raise ScoringError(f"node {n.id!r} is its own parent",
                               where=_where(ctx.source, n.line))
    for n in nodes:  # cycles: walk up from every node
        seen = [n.id]
        cur = n
        while cur.parent is not None:
            if cur.parent in seen:
                loop = [*seen[seen.index(cur.parent):], cur.parent]
                raise ScoringError("cycle in the tree: " + " -> ".join(loop),
                                   where=_where(ctx.source, n.line),
                                   hint="every node needs a single path up to a root")
            seen.append(cur.parent)
            cur = ids[cur.parent]
    children: dict[str, list[Node]] = {}
    for n in nodes:
        if n.parent is not None:
            children.setdefault(n.parent, []).append(n)
    for pid, kids in children.items():
        if sum(k.weight for k in kids) == 0:
            raise ScoringError(f"the weights of the children of {pid!r} sum to zero",
                               where=_where(ctx.source, ids[pid].line),
                               hint="give at least one of " + ", ".join(repr(k.id) for k in kids)
                               + " a weight above 0")


def _apply_weight_sets(ctx: _Ctx, raw_sets: Any, nodes: list[Node]) -> list[Node]:
    if raw_sets in (None, []):
        return nodes
    if not isinstance(raw_sets, list):
        raise ctx.error("'weights' must be a list of {parent: …, method: …}", raw_sets)
    by_id = {n.id: n for n in nodes}
    for i, ws in enumerate(raw_sets):
        if not isinstance(ws, dict) or "parent" not in ws:
            line = raw_sets.item_lines[i] if isinstance(raw_sets, LineList) else None
            raise ScoringError(f"weight set {i + 1} must be a mapping with a parent",
                               where=_where(ctx.source, line))
        parent = str(ws["parent"])
        kids = [n.id for n in nodes if n.parent == parent]
        if not kids:
            raise ctx.error(f"weights for {parent!r}, which has no children", ws, "parent",
                            parent, hint=suggest(parent, [n.id for n in nodes
                                                          if any(k.parent == n.id for k in nodes)]))
        method = WEIGHTERS.canonical(str(ws.get("method", "explicit")),
                                     where=ctx.where(ws, "method"))
        args = {k: v for k, v in ws.items() if k not in ("parent", "method")}
        try:
            w = WEIGHTERS.get(method)(kids, **args)
        except ScoringError as exc:
            raise ScoringError(exc.what, where=ctx.where(ws), hint=exc.hint) from None
        except TypeError as exc:
            raise ctx.error(f"bad arguments for weights method {method!r}: {exc}", ws) from None
        for k, v in w.items():
            by_id[k] = Node(**{**by_id[k].__dict__, "weight": float(v)})
    return [by_id[n.id] for n in nodes]


def parse_spec(raw: Mapping[str, Any], *, source: str | None = None,
               text: str | None = None) -> Spec:
    """Check a spec mapping (as read from YAML/TOML, or built in code) and return a Spec."""
    ctx = _Ctx(source, text, raw)
    if not isinstance(raw, Mapping):
        raise ScoringError("a spec must be a mapping", where=source)
    ctx.check(raw, SPEC_SCHEMA)
    if not raw.get("unit"):
        raise ctx.error("the spec names no unit column", raw,
                        hint="add e.g. 'unit: Country' (the column that names each unit)")
    tree = raw.get("tree")
    if not isinstance(tree, list) or not tree:
        raise ctx.error("the spec has no tree", raw, "tree",
                        hint="list the nodes under 'tree:' as {id: …, parent: …}")
    nodes = [_parse_node(ctx, n, i, tree) for i, n in enumerate(tree)]
    nodes = _apply_weight_sets(ctx, raw.get("weights"), nodes)
    _check_tree(ctx, nodes)
    if not any(n.parent is not None for n in nodes):
        raise ctx.error("the tree has no aggregate: no node names a parent", raw, "tree")

    raw_steps = raw.get("steps") or []
    if not isinstance(raw_steps, list):
        raise ctx.error("'steps' must be a list", raw, "steps")
    steps = [_parse_step(ctx, s, i, raw_steps) for i, s in enumerate(raw_steps)]
    seen: dict[str, Step] = {}
    for s in steps:
        if s.step in seen:
            raise ScoringError(f"step {s.step!r} is given twice",
                               where=_where(ctx.source, s.line),
                               hint=f"merge it with the one on line {seen[s.step].line}")
        seen[s.step] = s
    if "normalise" not in seen:  # directions still apply: flip within the scale
        pos = len(steps) - (1 if "aggregate" in seen and steps[-1].step == "aggregate" else 0)
        steps.insert(pos, Step("normalise", "none", {}, None))
    if "aggregate" not in seen:
        steps.append(Step("aggregate", "mean", {}, None))
    elif steps[-1].step != "aggregate":
        s = seen["aggregate"]
        raise ScoringError("the aggregate step must come last", where=_where(ctx.source, s.line))
    agg = next(s for s in steps if s.step == "aggregate")
    if agg.args.get("missing", "skip") not in ("skip", "propagate"):
        raise ScoringError(f"unknown missing-value rule {agg.args['missing']!r}",
                           where=_where(ctx.source, agg.line),
                           hint=suggest(str(agg.args["missing"]), ["skip", "propagate"])
                           or "use 'skip' or 'propagate'")

    output = raw.get("output") or {}
    if not isinstance(output, dict):
        raise ctx.error("'output' must be a mapping", raw, "output")
    ctx.check(output, OUTPUT_SCHEMA, ("output",))
    digits = output.get("digits", 2)
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 0:
        raise ctx.error(f"output digits must be a whole number >= 0, not {digits!r}", output,
                        "digits")
    rounding = str(output.get("rounding", "half_up"))
    if rounding not in ("half_up", "half_even"):
        raise ctx.error(f"unknown rounding {rounding!r}", output, "rounding", rounding,
                        hint=suggest(rounding, ["half_up", "half_even"]) or
                        "use half_up or half_even")
    scale = raw.get("scale")
    if scale is not None:
        if (not isinstance(scale, list | tuple) or len(scale) != 2
                or not all(isinstance(v, int | float) for v in scale) or scale[0] >= scale[1]):
            raise ctx.error(f"scale must be [low, high] with low < high, not {scale!r}", raw,
                            "scale")
        scale = (float(scale[0]), float(scale[1]))
    keep = raw.get("keep") or []
    if isinstance(keep, str):
        keep = [keep]
    return Spec(name=str(raw.get("name", source or "index")), unit=str(raw["unit"]),
                nodes=tuple(nodes), steps=tuple(steps), keep=tuple(map(str, keep)),
                scale=scale, digits=int(digits), rounding=rounding,
                ranks=bool(output.get("ranks", True)), source=source,
                raw=copy.deepcopy(dict(raw)), text=text)
