"""Composite-index specs: read a YAML or TOML file and check it, reporting errors by line.

A spec describes a whole model, so that no model needs code of its own (see
``docs/scoring.md`` for the full format)::

    name: Example index
    unit: country                # the unit column of the data table
    keep: [region]               # other columns carried to the output
    scale: [1, 10]               # optional: the indicators' common scale
    output: {digits: 2, rounding: half_up}
    steps:                       # in order; names: screen denominate impute treat normalise aggregate
      - {step: screen, dat_thresh: 0.66}   # drop units with under 66 % of their data
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
from octasee.scoring.meta import read_meta
from octasee.scoring.normalise import NORMALISERS
from octasee.scoring.treat import (
    F2_TRANSFORMS,
    TREAT_ALIASES,
    TREATMENTS,
    resolve_treat_options,
)
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


SCREENS = Registry("screen", prefix="s_")


@SCREENS.register("units", "unit", "byunit")
def _s_units() -> None:  # pragma: no cover - marker only, the model screens
    """Drop the units with too little data (COINr's ``Screen``)."""


@SCREENS.register("none")
def _s_none() -> None:  # pragma: no cover - marker only
    """No screening: every unit kept."""


#: the screening rules (``unit_screen``), and COINr's own names for two of them
UNIT_SCREEN = ("byNA", "byNZ", "byBoth")
UNIT_SCREEN_ALIASES = {"byzeros": "byNZ", "byNAandzeros": "byBoth"}

# "screen" comes first: a screen step added by Model.variant goes before denominate
STEP_REGISTRIES: dict[str, Registry] = {
    "screen": SCREENS,
    "denominate": DENOMINATORS,
    "impute": IMPUTERS,
    "treat": TREATMENTS,
    "normalise": NORMALISERS,
    "aggregate": AGGREGATORS,
}
DEFAULT_METHODS = {"screen": "units", "denominate": "divide", "impute": "none", "treat": "winsorise",
                   "normalise": "minmax", "aggregate": "mean"}
STEP_ALIASES = {"normalize": "normalise", "treatment": "treat", "outliers": "treat",
                "imputation": "impute", "aggregation": "aggregate", "denomination": "denominate",
                "screening": "screen"}
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
    "meta": Field("text"),
    "denominators": Field("any"),
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
    "treat": Field("bool|table", hint="write treat: true, treat: false (without quotes) or "
                   "a mapping of treatment options, e.g. treat: {winmax: 3}"),
    "description": Field("text"),
}, name="a tree node")
# The winsorising options (COINr's names, then octasee's earlier ones): a node's
# ``treat: {…}`` and the arguments of a ``treat`` step with method winsorise. Ranges and
# the cross-checks (an option under two names, boxcox without its lambda …) are
# checked by octasee.scoring.treat.resolve_treat_options.
_THRESH_HINT = "a number >= 0, e.g. {}: {} (COINr's default)"
TREAT_OPTION_FIELDS: dict[str, Field] = {
    "winmax": Field("whole", min=0, hint="write a whole number >= 0, e.g. winmax: 5, or "
                    "winmax: null for no limit"),
    "skew_thresh": Field("number", min=0, hint=_THRESH_HINT.format("skew_thresh", 2)),
    "kurt_thresh": Field("number", min=0, hint=_THRESH_HINT.format("kurt_thresh", 3.5)),
    "force_win": Field("bool"),
    "f2": Field("text", choices=F2_TRANSFORMS,
                hint="use one of " + ", ".join(F2_TRANSFORMS) + " or null (no second step)"),
    "combine_treat": Field("bool"),
    "boxcox_lambda": Field("number"),
    "max_points": Field("whole", min=0, hint="write a whole number >= 0, e.g. max_points: 5 "
                        "(COINr's name: winmax)"),
    "skew_limit": Field("number", min=0, hint=_THRESH_HINT.format("skew_limit", 2)),
    "kurt_limit": Field("number", min=0, hint=_THRESH_HINT.format("kurt_limit", 3.5)),
    "log_fallback": Field("bool", hint="write true or false (or f2: log_CT / f2: null)"),
}
TREAT_SCHEMA = Table(TREAT_OPTION_FIELDS, name="the treatment options")
TREAT_STEP_SCHEMA = Table({**TREAT_OPTION_FIELDS, "step": Field("any"), "method": Field("any"),
                           "indiv_specs": Field("table", hint="write indiv_specs: {indicator: "
                                                "{winmax: 3}, other: false}")},
                          name="the treat step")
# The screen step (COINr's Screen): shares are checked >= 0 here and <= 1, the rule's
# thresholds and force/exclude overlaps by _parse_screen_step, all with their lines.
_SHARE_HINT = "write a share between 0 and 1, e.g. {}: {}"
_UNITS_HINT = "write a list of unit names, e.g. {}: [AL, RS]"
SCREEN_STEP_SCHEMA = Table({
    "step": Field("any"),
    "method": Field("any"),
    "dat_thresh": Field("number", min=0, hint=_SHARE_HINT.format("dat_thresh", 0.66)),
    "nonzero_thresh": Field("number", min=0, hint=_SHARE_HINT.format("nonzero_thresh", 0.05)),
    "unit_screen": Field("text", choices=(*UNIT_SCREEN, *UNIT_SCREEN_ALIASES),
                         hint="use byNA (data availability), byNZ (share of non-zero values) "
                         "or byBoth (COINr's byzeros and byNAandzeros are read too)"),
    "force": Field("text|number|list", items=Field("text|number"),
                   hint=_UNITS_HINT.format("force", "[AL, RS]")),
    "exclude": Field("text|number|list", items=Field("text|number"),
                     hint=_UNITS_HINT.format("exclude", "[AL, RS]")),
}, name="the screen step")
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
    #: the node's own winsorising options (``treat: {winmax: 3}``; COINr's indiv_specs)
    treat_options: dict[str, Any] | None = None
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
    #: a separate denominators table (a path, resolved against the spec's folder, or a
    #: DataFrame): one row a unit, joined to the data on the unit column at every run
    denominators: Any = field(default=None, repr=False, compare=False)

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
    at: tuple[str | int, ...] = ("steps", index)
    if "step" not in raw and len(raw) == 1 and isinstance(next(iter(raw.values())), dict | None):
        # short form: - normalise: {method: minmax, high: 100}
        name, body = next(iter(raw.items()))
        at = ("steps", index, name)
        body = dict(body or {})
        body["step"] = name
        raw_line = ctx.line(raw) or line
        raw = LineDict(body)
        raw.line = raw_line
    name = raw.get("step")
    if name is None:
        raise ctx.error(f"step {index + 1} has no 'step' key", raw,
                        hint="name the step: screen, denominate, impute, treat, normalise or "
                        "aggregate")
    key = STEP_ALIASES.get(str(name).lower(), str(name).lower())
    if key not in STEP_REGISTRIES:
        raise ctx.error(f"unknown step {name!r}", raw, "step", name,
                        hint=suggest(key, list(STEP_REGISTRIES)) or
                        "the steps are " + ", ".join(STEP_REGISTRIES))
    method = raw.get("method", DEFAULT_METHODS[key])
    canonical = STEP_REGISTRIES[key].canonical(
        str(method), where=ctx.where(raw, "method" if "method" in raw else None, method))
    args = {k: v for k, v in raw.items() if k not in ("step", "method")}
    if key == "treat" and canonical == "winsorise":
        args = _parse_treat_step(ctx, args, at, ctx.where(raw) or _where(ctx.source, line))
    elif key == "screen":
        args = _parse_screen_step(ctx, args, at, canonical,
                                  ctx.where(raw) or _where(ctx.source, line))
    return Step(key, canonical, args, ctx.line(raw) or line)


def _parse_screen_step(ctx: _Ctx, args: dict[str, Any], at: tuple[str | int, ...],
                       method: str, where: str | None) -> dict[str, Any]:
    """Check a screen step's options by line; return them with the rule's canonical name
    and the units as text (``force``/``exclude`` as lists)."""
    ctx.check({"step": "screen", **args}, SCREEN_STEP_SCHEMA, at)
    out = dict(args)
    for key in ("dat_thresh", "nonzero_thresh"):
        v = args.get(key)
        if v is not None and v > 1:
            raise ScoringError(f"key {_dotted((*at, key))}: {v!r} is not a share between 0 "
                               "and 1", where=ctx.src.where((*at, key)),
                               hint=_SHARE_HINT.format(key, 0.66 if key == "dat_thresh"
                                                       else 0.05) + " (not a percentage)")
    rule = str(args.get("unit_screen", "byNA"))
    out["unit_screen"] = UNIT_SCREEN_ALIASES.get(rule, rule)
    units: dict[str, list[str]] = {}
    for key in ("force", "exclude"):
        v = args.get(key)
        units[key] = [] if v is None else [str(u) for u in (v if isinstance(v, list) else [v])]
        out[key] = units[key]
    both = [u for u in units["force"] if u in units["exclude"]]
    if both:
        raise ScoringError(f"unit {both[0]!r} is both forced in (force) and excluded "
                           "(exclude) by the screen step", where=ctx.src.where((*at, "exclude"))
                           or where, hint="name it in one of the two lists")
    if method != "none":
        rule = out["unit_screen"]
        need = {"byNA": ("dat_thresh",), "byNZ": ("nonzero_thresh",),
                "byBoth": ("dat_thresh", "nonzero_thresh")}[rule]
        for key in need:
            if args.get(key) is None:
                raise ScoringError(f"the screen step's rule {rule} needs {key}", where=where,
                                   hint=f"add {key}: " + ("0.66 (COINr's default is 2/3)"
                                                          if key == "dat_thresh" else
                                                          "0.05 (COINr's default)"))
    return out


def _dotted(path: Sequence[str | int]) -> str:
    """``steps[0].dat_thresh`` for a key path (as the shared loader names keys)."""
    text = ""
    for p in path:
        text += f"[{p}]" if isinstance(p, int) else (f".{p}" if text else str(p))
    return text


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
    treat, treat_options = _node_treatment(ctx, raw, index, nid)
    parent = raw.get("parent")
    return Node(
        id=nid, parent=None if parent in (None, "") else str(parent), weight=weight,
        direction=int(direction), label=raw.get("label"),
        column=None if raw.get("column") is None else str(raw["column"]),
        published=None if raw.get("published") is None else str(raw["published"]),
        aggregate=overrides["aggregate"], normalise=overrides["normalise"],
        treat=treat, treat_options=treat_options, line=ctx.line(raw) or line)


def _node_treatment(ctx: _Ctx, raw: Any, index: int, nid: str
                    ) -> tuple[bool, dict[str, Any] | None]:
    """A node's ``treat:``: true, false, or a mapping of options (COINr's indiv_specs)."""
    value = raw.get("treat", True)
    if isinstance(value, bool) or value is None:
        return value is not False, None
    ctx.check(value, TREAT_SCHEMA, ("tree", index, "treat"))  # names, types, ranges by line
    options = _canonical_treat_args(ctx, dict(value), f"the treatment of {nid!r}",
                                    ctx.where(raw, "treat"))
    return True, options


def _canonical_treat_args(ctx: _Ctx, args: dict[str, Any], what: str, where: str | None
                          ) -> dict[str, Any]:
    """Winsorising options under COINr's names (aliases renamed), cross-checked."""
    resolve_treat_options(args, what=what, where=where)  # raises with the line
    out: dict[str, Any] = {}
    for k, v in args.items():
        if k == "log_fallback":
            if v is False:
                out["f2"] = None
            continue
        out[TREAT_ALIASES.get(k, k)] = None if (k == "f2" and v == "none") else v
    return out


def _parse_treat_step(ctx: _Ctx, args: dict[str, Any], at: tuple[str | int, ...],
                      where: str | None) -> dict[str, Any]:
    """Check a winsorise step's arguments by line; return them under COINr's names."""
    ctx.check({"step": "treat", **args}, TREAT_STEP_SCHEMA, at)
    indiv = args.get("indiv_specs")
    out = _canonical_treat_args(ctx, {k: v for k, v in args.items() if k != "indiv_specs"},
                                "the treat step", where)
    if indiv is not None:
        specs: dict[str, Any] = {}
        for col, o in indiv.items():
            here = (*at, "indiv_specs", col)
            if isinstance(o, bool) or o is None or (isinstance(o, str) and o == "none"):
                specs[str(col)] = o is not False and o != "none"
            elif isinstance(o, Mapping):
                ctx.check(o, TREAT_SCHEMA, here)
                specs[str(col)] = _canonical_treat_args(ctx, dict(o), f"the treatment of "
                                                        f"{col!r}", ctx.src.where(here))
            else:
                raise ScoringError(f"the treatment of {col!r} in indiv_specs must be true, "
                                   f"false, none or a mapping of options, not {o!r}",
                                   where=ctx.src.where(here),
                                   hint="e.g. indiv_specs: {" + str(col) + ": {winmax: 3}}")
        out["indiv_specs"] = specs
    return out


def _with_node_treatment(ctx: _Ctx, steps: list[Step], nodes: list[Node], tree: Any
                         ) -> list[Step]:
    """Refuse ``treat:`` on an aggregate; put the nodes' own options into the treat step.

    The options reach the treatment as its ``indiv_specs`` argument (node id -> options),
    merged with any the step gives itself (one indicator in both is refused). Nodes'
    options apply while the step's method is winsorise (``none`` treats nothing).
    """
    parents = {n.parent for n in nodes if n.parent is not None}
    raw_nodes = {str(n.get("id")): n for n in tree if isinstance(n, Mapping)}
    for n in nodes:
        if n.id in parents and "treat" in raw_nodes.get(n.id, {}):
            raise ScoringError(f"node {n.id!r} is an aggregate: 'treat' applies to indicators",
                               where=_where(ctx.source, n.line),
                               hint="set treat on its indicators, or remove it here")
    own = {n.id: (n.treat_options if n.treat else False) for n in nodes
           if n.id not in parents and (n.treat_options is not None or not n.treat)}
    out = []
    for s in steps:
        if s.step == "treat" and s.method == "winsorise":
            indiv = dict(s.args.get("indiv_specs") or {})
            leaves = [n.id for n in nodes if n.id not in parents]
            for col in indiv:
                if col not in leaves:
                    raise ScoringError(f"indiv_specs of the treat step names {col!r}, which "
                                       "is not an indicator", where=_where(ctx.source, s.line),
                                       hint=suggest(col, leaves) or "name an indicator (a leaf)")
            for nid, o in own.items():
                if o is False:  # treat: false: the model leaves the column out
                    continue
                if nid in indiv:
                    raise ScoringError(f"the treatment of {nid!r} is given twice: on its node "
                                       "and in the treat step's indiv_specs",
                                       where=_where(ctx.source, s.line),
                                       hint="keep one of them")
                indiv[nid] = o
            if indiv:
                s = Step(s.step, s.method, {**s.args, "indiv_specs": indiv}, s.line)
        out.append(s)
    return out


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
    if raw.get("meta") is not None:  # the tree from a metadata table (COINr's iMeta)
        if raw.get("tree"):
            raise ctx.error("the spec gives both 'meta' and 'tree'", raw, "tree",
                            hint="the metadata table is the tree: remove one of them")
        table = read_meta(_relative(source, raw["meta"]))
        # the spec as if written out: the tree, and the denominators in the denominate step
        raw = {**{k: v for k, v in raw.items() if k != "meta"},
               "tree": [{k: v for k, v in n.items() if k != "line"} for n in table.nodes],
               "steps": _with_denominators(raw.get("steps"), table.denominators)}
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
    steps = _with_node_treatment(ctx, steps, nodes, tree)
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
                raw=copy.deepcopy(dict(raw)), text=text,
                denominators=_relative(source, raw.get("denominators")))


def _with_denominators(steps: Any, by: Mapping[str, str]) -> Any:
    """The raw steps with a metadata table's denominators in the denominate step.

    A denominate step that names its own ``by`` keeps it; without a denominate step one
    is added first (after a leading screen step, which screens the raw data).
    """
    if not by or not isinstance(steps, list | None):
        return steps
    out = list(steps or [])
    lead = 0  # the screen steps that come first: a denominate step added goes after them
    for i, s in enumerate(out):
        name = s if isinstance(s, str) else (s.get("step") if isinstance(s, Mapping) and
                                             "step" in s else
                                             next(iter(s), None) if isinstance(s, Mapping)
                                             else None)
        key = STEP_ALIASES.get(str(name).lower(), str(name).lower())
        if key == "screen" and lead == i:
            lead = i + 1
        if key != "denominate":
            continue
        if isinstance(s, str):
            out[i] = {"step": s, "by": dict(by)}
        elif "step" in s:
            if "by" not in s:
                new = LineDict({**s, "by": dict(by)})
                new.line = getattr(s, "line", None)
                out[i] = new
        else:
            body = dict(s[name] or {})
            if "by" not in body:
                out[i] = {name: {**body, "by": dict(by)}}
        return out
    return [*out[:lead], {"step": "denominate", "by": dict(by)}, *out[lead:]]


def _relative(source: str | None, path: Any) -> Any:
    """A table path named in a spec, relative to the spec's folder (else as given)."""
    if not isinstance(path, str | Path) or source is None:
        return path
    p = Path(path)
    base = Path(source).parent
    if not p.is_absolute() and (base / p).exists():
        return str(base / p)
    return str(p)
