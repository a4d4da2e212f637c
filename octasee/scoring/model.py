"""The composite-index model: a spec, run on a wide table, gives a Result with every stage.

>>> import pandas as pd
>>> model = Model.from_dict({
...     "name": "toy", "unit": "country",
...     "steps": [{"step": "normalise", "method": "minmax", "low": 0, "high": 10}],
...     "tree": [{"id": "threat"},
...              {"id": "drugs", "parent": "threat", "weight": 3},
...              {"id": "police", "parent": "threat", "direction": -1}]})
>>> data = pd.DataFrame({"country": ["AL", "BA", "RS"], "drugs": [1.0, 2.0, 3.0],
...                      "police": [9.0, 3.0, 5.0]})
>>> result = model.run(data)
>>> result.to_frame(digits=1)["threat"].tolist()
[0.0, 6.3, 9.2]
>>> [entry.method for entry in result.log]
['minmax', 'mean']
>>> model.variant(aggregate="gmean").steps[-1].method
'gmean'

The pipeline runs the spec's steps in order, each on the indicator table the previous
step left (stage names ``raw``, ``screened``, ``denominated``, ``imputed``, ``treated``,
``normalised``), then aggregates the tree bottom-up into ``aggregated`` (every node, one
column each). Values are kept unrounded; :meth:`Result.to_frame` rounds at output. A
``screen`` step (COINr's ``Screen``) drops the units with too little data: they are absent
from every later stage and from the output, and the log names each with its reason.
"""

from __future__ import annotations

import copy
import inspect
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from octasee.errors import ScoringError
from octasee.scoring._registry import suggest
from octasee.scoring.aggregate import AGGREGATORS
from octasee.scoring.impute import IMPUTERS
from octasee.scoring.meta import meta_spec, read_table
from octasee.scoring.normalise import NORMALISERS
from octasee.scoring.rounding import round_half_up, round_values
from octasee.scoring.spec import (
    DEFAULT_METHODS,
    OUTPUT_KEYS,
    STEP_ALIASES,
    STEP_REGISTRIES,
    TOP_KEYS,
    LineDict,
    Node,
    Spec,
    Step,
    parse_spec,
    read_spec_file,
)
from octasee.scoring.treat import TREATMENTS

__all__ = ["LogEntry", "Model", "Result", "from_meta", "load_spec", "run_meta"]

#: step settings that are not arguments of the method: kept when the method changes
STEP_SETTINGS = {"screen": ("dat_thresh", "nonzero_thresh", "unit_screen", "force", "exclude"),
                 "impute": ("group",), "aggregate": ("missing", "round_children"),
                 "denominate": ("by", "scale")}
STAGE_NAMES = {"screen": "screened", "denominate": "denominated", "impute": "imputed", "treat": "treated",
               "normalise": "normalised", "aggregate": "aggregated"}


def column_key(name: object) -> str:
    """Fold a column header for tolerant matching (case, spaces, trailing punctuation).

    >>> column_key("Criminal actors avg,") == column_key("Criminal actors avg.")
    True
    """
    text = str(name).casefold().strip()
    text = re.sub(r"[\s_]+", " ", text)
    return text.rstrip(" .,;:")


def find_column(columns: Any, name: str) -> str | None:
    """The column of ``columns`` called ``name``: exactly, else by :func:`column_key`."""
    cols = list(columns)
    if name in cols:
        return name
    key = column_key(name)
    hits = [c for c in cols if column_key(c) == key]
    return hits[0] if len(hits) == 1 else None


def _column_finder(columns: Any) -> Any:
    """:func:`find_column` for many names on the same columns (keys folded once)."""
    cols = list(columns)
    exact = set(cols)
    keys: dict[str, list[Any]] = {}
    for c in cols:
        keys.setdefault(column_key(c), []).append(c)

    def find(name: str) -> Any:
        if name in exact:
            return name
        hits = keys.get(column_key(name), [])
        return hits[0] if len(hits) == 1 else None

    return find


def load_spec(path: str | Path) -> Model:
    """Read a YAML/TOML spec file and return its :class:`Model`.

    Shipped specs can be named without a path: ``load_spec("gitoc_2023")``.
    """
    p = Path(path)
    if not p.exists() and not p.suffix and p.parent == Path("."):
        from importlib import resources
        shipped = resources.files("octasee.scoring").joinpath("specs", f"{p.name}.yaml")
        if shipped.is_file():
            p = Path(str(shipped))
    raw, text = read_spec_file(p)
    return Model(parse_spec(raw, source=str(path), text=text))


def from_meta(meta: str | Path | pd.DataFrame, *, steps: Sequence[Any] | None = None,
              unit: str = "uCode", name: str | None = None, keep: Sequence[str] = (),
              denominators: str | Path | pd.DataFrame | None = None,
              **top: Any) -> Model:
    """A :class:`Model` described by a metadata table (:mod:`octasee.scoring.meta`).

    ``steps``: the pipeline, as in a spec (default: COINr's ``minmax`` 0-100 then the
    arithmetic mean; a ``denominate`` step is added first when the table names
    denominators, and a ``denominate`` step without ``by`` takes them from the table).
    ``unit``: the data's unit column (COINr: ``uCode``). ``denominators``: a separate table
    (path or DataFrame; one row a unit) holding the denominator columns, used by every
    run. Other keyword arguments are top-level spec keys (``scale``, ``output`` …).

    >>> t = pd.DataFrame({"iCode": ["a", "b", "I"], "Level": [1, 1, 2],
    ...                   "Direction": [1, -1, 1], "Weight": [1, 1, 1],
    ...                   "Parent": ["I", "I", None],
    ...                   "Type": ["Indicator", "Indicator", "Aggregate"]})
    >>> m = from_meta(t)
    >>> d = pd.DataFrame({"uCode": ["X", "Y"], "a": [1.0, 3.0], "b": [5.0, 2.0]})
    >>> m.run(d).values["I"].tolist()
    [0.0, 100.0]
    """
    src = None if isinstance(meta, pd.DataFrame) else str(meta)
    spec = meta_spec(meta, steps=steps, unit=unit, name=name, keep=keep,
                     denominators=denominators, **top)
    return Model(parse_spec(spec, source=src))


def run_meta(meta: str | Path | pd.DataFrame, data: str | Path | pd.DataFrame,
             denominators: str | Path | pd.DataFrame | None = None, **kw: Any) -> Result:
    """Build the model of a metadata table and run it on ``data`` (a path or DataFrame).

    Returns the :class:`Result`, with every stage unrounded.
    """
    model = from_meta(meta, denominators=denominators, **kw)
    table = data if isinstance(data, pd.DataFrame) else read_table(data, what="data table")
    return model.run(table)


@dataclass(frozen=True)
class LogEntry:
    """One step as it was run: its method, every argument (defaults filled in) and details."""

    step: str
    method: str
    args: dict[str, Any]
    details: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.args.items())
        return f"{self.step}: {self.method}({args})"


def _full_args(func: Any, given: Mapping[str, Any], skip: tuple[str, ...] = ()) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, par in inspect.signature(func).parameters.items():
        if par.kind is inspect.Parameter.KEYWORD_ONLY and name not in skip:
            if name in given:
                out[name] = given[name]
            elif par.default is not inspect.Parameter.empty:
                out[name] = par.default
    for k, v in given.items():
        out.setdefault(k, v)
    return out


def _check_args(func: Any, args: Mapping[str, Any], step: str, method: str,
                where: str | None, allowed_extra: tuple[str, ...] = ()) -> None:
    params = inspect.signature(func).parameters
    known = [n for n, p in params.items() if p.kind is inspect.Parameter.KEYWORD_ONLY]
    known = [k for k in known if k not in ("direction", "groups", "previous")]
    for k in args:
        if k not in known and k not in allowed_extra:
            options = [*known, *allowed_extra]
            raise ScoringError(
                f"unknown argument {k!r} for {step} method {method!r}", where=where,
                hint=suggest(k, options) or ("its arguments are " + ", ".join(options)
                                             if options else "it takes no arguments"))


class Model:
    """A composite-index model built from a :class:`~octasee.scoring.spec.Spec`."""

    def __init__(self, spec: Spec) -> None:
        self.spec = spec
        self.nodes: dict[str, Node] = {n.id: n for n in spec.nodes}
        self.children: dict[str, list[str]] = {n.id: [] for n in spec.nodes}
        for n in spec.nodes:
            if n.parent is not None:
                self.children[n.parent].append(n.id)
        self.indicators: list[str] = [n.id for n in spec.nodes if not self.children[n.id]]
        height: dict[str, int] = {}

        def h(nid: str) -> int:
            if nid not in height:
                kids = self.children[nid]
                height[nid] = 0 if not kids else 1 + max(h(k) for k in kids)
            return height[nid]

        agg = [n.id for n in spec.nodes if self.children[n.id]]
        self.aggregates: list[str] = sorted(agg, key=lambda a: (h(a), agg.index(a)))
        #: each node's level, as COINr numbers them: 1 for indicators, a parent one above
        #: its highest child
        self.levels: dict[str, int] = {n.id: h(n.id) + 1 for n in spec.nodes}
        self.roots: list[str] = [n.id for n in spec.nodes if n.parent is None]
        self._check_step_args()

    # ---------------------------------------------------------------- construction
    @classmethod
    def from_dict(cls, mapping: Mapping[str, Any], *, source: str | None = None) -> Model:
        """Build a model from a spec mapping (same keys as a spec file)."""
        return cls(parse_spec(mapping, source=source))

    @classmethod
    def from_meta(cls, meta: Any, **kw: Any) -> Model:
        """Build a model from a COINr-style metadata table (see :func:`from_meta`)."""
        return from_meta(meta, **kw)

    @classmethod
    def from_file(cls, path: str | Path) -> Model:
        """Build a model from a YAML/TOML spec file (same as :func:`load_spec`)."""
        return load_spec(path)

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def steps(self) -> tuple[Step, ...]:
        return self.spec.steps

    def __repr__(self) -> str:
        return (f"Model({self.spec.name!r}: {len(self.indicators)} indicators, "
                f"{len(self.aggregates)} aggregates, steps "
                + " -> ".join(f"{s.step}:{s.method}" for s in self.spec.steps) + ")")

    def _check_step_args(self) -> None:
        funcs = {"impute": IMPUTERS, "treat": TREATMENTS, "normalise": NORMALISERS,
                 "aggregate": AGGREGATORS}
        extra = {"impute": ("group",), "aggregate": ("missing", "round_children"),
                 "denominate": ("by", "scale"), "normalise": (), "treat": ()}
        for s in self.spec.steps:
            where = self.spec.where(s)
            if s.step == "screen":  # checked by the spec's schema (spec._parse_screen_step)
                continue
            if s.step == "denominate":
                _check_args(lambda: None, s.args, s.step, s.method, where, extra[s.step])
                continue
            func = funcs[s.step].get(s.method)
            _check_args(func, s.args, s.step, s.method, where, extra[s.step])
        for n in self.spec.nodes:
            for role in ("normalise", "aggregate"):
                o = getattr(n, role)
                if o:
                    args = {k: v for k, v in o.items() if k != "method"}
                    _check_args(funcs[role].get(o["method"]), args, role, o["method"],
                                self.spec.where(n), extra[role])

    # ---------------------------------------------------------------- variants
    def variant(self, changes: Mapping[str, Any] | None = None, /, **kw: Any) -> Model:
        """A new model with some choices changed; the spec is re-checked.

        Keys: a step name (``normalise="rank"`` replaces the method and drops its
        arguments; ``normalise={"high": 100}`` updates arguments;
        ``normalise={"method": "zscore", "sd": 2}`` switches method, dropping the old
        method's arguments; ``None`` removes the step), ``"<step>.<arg>"`` for one argument
        (``"normalise.method"`` switches method too), ``weights={node: w}``,
        ``directions={node: -1}``, ``digits``/``rounding``/``ranks``, or a top-level key.
        A switch of method keeps the step's own settings, which are not arguments of the
        method: impute ``group``, aggregate ``missing``/``round_children``, denominate
        ``by``/``scale``.

        >>> m = Model.from_dict({"unit": "u", "tree": [{"id": "i"}, {"id": "a", "parent": "i"}]})
        >>> m.variant({"aggregate.missing": "propagate"}).steps[-1].args
        {'missing': 'propagate'}
        """
        changes = {**(changes or {}), **kw}
        raw = copy.deepcopy(self.spec.raw)
        for key, value in changes.items():
            path = str(key).split(".")
            head = STEP_ALIASES.get(path[0].lower(), path[0].lower())
            if head in STEP_REGISTRIES:
                self._change_step(raw, head, path[1:], value)
            elif head in ("weights", "weight", "directions", "direction") and (
                    isinstance(value, Mapping) or len(path) == 2):
                attr = "weight" if head.startswith("weight") else "direction"
                mapping = value if isinstance(value, Mapping) else {path[1]: value}
                tree = raw["tree"]
                for nid, v in mapping.items():
                    hits = [n for n in tree if str(n.get("id")) == str(nid)]
                    if not hits:
                        raise ScoringError(f"no node {nid!r} to change the {attr} of",
                                           hint=suggest(str(nid), list(self.nodes)))
                    hits[0][attr] = v
            elif head in OUTPUT_KEYS:
                out = dict(raw.get("output") or {})
                out[head] = value
                raw["output"] = out
            elif head in TOP_KEYS:
                raw[head] = value
            else:
                raise ScoringError(f"cannot change {key!r}",
                                   hint=suggest(head, [*STEP_REGISTRIES, "weights", "directions",
                                                       *OUTPUT_KEYS, *TOP_KEYS])
                                   or "change a step, weights, directions or an output option")
        return Model(parse_spec(raw, source=self.spec.source, text=self.spec.text))

    @staticmethod
    def _change_step(raw: dict[str, Any], step: str, path: list[str], value: Any) -> None:
        steps = list(raw.get("steps") or [])

        def name_of(s: Any) -> str:
            if isinstance(s, str):
                n = s
            elif "step" in s:
                n = str(s["step"])
            else:
                n = str(next(iter(s)))
            return STEP_ALIASES.get(n.lower(), n.lower())

        def flat(s: Any) -> LineDict:
            if isinstance(s, str):
                return LineDict({"step": s})
            if "step" in s:
                return s if isinstance(s, LineDict) else LineDict(s)
            name, body = next(iter(s.items()))
            new = LineDict({"step": name, **(body or {})})
            new.line = getattr(s, "line", None)
            return new

        idx = next((i for i, s in enumerate(steps) if name_of(s) == step), None)
        current = flat(steps[idx]) if idx is not None else LineDict({"step": step})

        def switched(method: Any, keep_same: bool = True) -> LineDict:
            """``current`` with another method: the old method's arguments are dropped,
            the step's own settings (``group``, ``missing``, ``by`` …) kept."""
            old = str(current.get("method", DEFAULT_METHODS[step]))
            keep = ("step", "method", *STEP_SETTINGS.get(step, ()))
            same = keep_same and STEP_REGISTRIES[step].canonical(str(method)) == \
                STEP_REGISTRIES[step].canonical(old)
            new = LineDict({k: v for k, v in current.items() if same or k in keep})
            new["method"] = method
            new.line = current.line
            new.key_lines = {k: v for k, v in current.key_lines.items() if k in new}
            return new

        if path:
            current = switched(value) if path[0] == "method" else copy.copy(current)
            current[path[0]] = value
        elif value is None:
            if idx is not None:
                del steps[idx]
            raw["steps"] = steps
            return
        elif isinstance(value, str):
            current = switched(value, keep_same=False)
        elif isinstance(value, Mapping):
            current = switched(value["method"]) if "method" in value else copy.copy(current)
            current.update(value)
        else:
            raise ScoringError(f"a change of step {step!r} must be a method name or a mapping")
        if idx is None:
            order = list(STEP_REGISTRIES)
            pos = len(steps)
            for i, s in enumerate(steps):
                if order.index(name_of(s)) > order.index(step):
                    pos = i
                    break
            steps.insert(pos, current)
        else:
            steps[idx] = current
        raw["steps"] = steps

    # ---------------------------------------------------------------- running
    def _indicator_table(self, data: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        spec = self.spec
        if not isinstance(data, pd.DataFrame):
            raise ScoringError("the data must be a pandas DataFrame (one row a unit)")
        unit_col = find_column(data.columns, spec.unit)
        if unit_col is None:
            raise ScoringError(f"the data has no unit column {spec.unit!r}",
                               where=spec.where(spec.raw.get("unit") and _top_line(spec, "unit")),
                               hint=suggest(spec.unit, list(map(str, data.columns)))
                               or "set 'unit' to the column that names each unit")
        units = data[unit_col].astype("string").str.strip()
        if units.isna().any():
            raise ScoringError(f"the unit column {unit_col!r} has empty cells "
                               f"(rows {', '.join(str(i + 2) for i in np.flatnonzero(units.isna())[:5])})")
        dup = units[units.duplicated()]
        if len(dup):
            raise ScoringError(f"unit {dup.iloc[0]!r} appears more than once in {unit_col!r}",
                               hint="give one row per unit")
        index = pd.Index(units.to_numpy(dtype=object), name=spec.unit)
        cols = {}
        find = _column_finder(data.columns)
        missing: list[tuple[str, Any]] = []
        for nid in self.indicators:
            node = self.nodes[nid]
            want = node.column or node.id
            col = find(want)
            if col is None:
                missing.append((want, node))
                continue
            cols[nid] = col
        if missing:
            # every missing indicator at once, each with its closest column if any
            have = list(map(str, data.columns))
            if len(missing) == 1:
                want, node = missing[0]
                raise ScoringError(f"indicator {want!r} is not in the data",
                                   where=spec.where(node), hint=suggest(want, have)
                                   or "add the column or fix the node's 'column'")
            hints = [f"{w!r}: {h}" for w, _ in missing if (h := suggest(w, have))]
            raise ScoringError(
                f"{len(missing)} indicators are not in the data: "
                + ", ".join(repr(w) for w, _ in missing),
                where=spec.where(missing[0][1]),
                hint="; ".join(hints) or "add the columns or fix the nodes' 'column'")
        block = {}
        for nid, col in cols.items():
            values = data[col]
            if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
                block[nid] = values.to_numpy(dtype=float, na_value=np.nan)
                continue
            num = pd.to_numeric(values, errors="coerce")
            bad = num.isna() & values.notna() & (values.astype("string").str.strip() != "")
            if bad.any():
                i = int(np.flatnonzero(bad.to_numpy())[0])
                raise ScoringError(f"column {col!r} holds a non-number {values.iloc[i]!r} "
                                   f"for unit {index[i]!r}", hint="fix the value or leave it empty")
            block[nid] = num.to_numpy(dtype=float, na_value=np.nan)
        table = pd.DataFrame(block, index=index)
        keep = pd.DataFrame(index=index)
        for k in spec.keep:
            col = find_column(data.columns, k)
            if col is None:
                raise ScoringError(f"the column {k!r} to keep is not in the data",
                                   where=spec.where(_top_line(spec, "keep")),
                                   hint=suggest(k, list(map(str, data.columns))))
            keep[k] = data[col].to_numpy()
        extra = pd.DataFrame(data.to_numpy(), index=index, columns=data.columns)
        return table, keep.join(extra.drop(columns=[c for c in extra.columns if c in keep],
                                           errors="ignore"), how="left")

    def _flip_range(self) -> tuple[float, float] | None:
        norm = next((s for s in self.spec.steps if s.step == "normalise"), None)
        if norm is None or norm.method == "none":
            return self.spec.scale
        if norm.method == "minmax":
            return float(norm.args.get("low", 0.0)), float(norm.args.get("high", 1.0))
        if norm.method == "goalposts":
            return 0.0, float(norm.args.get("scale", 1.0))
        return None

    def run(self, data: pd.DataFrame, *, previous: pd.DataFrame | None = None,
            denominators: pd.DataFrame | str | Path | None = None,
            start: str | None = None) -> Result:
        """Run the model on a wide table (one row a unit, one column an indicator).

        ``previous``: the previous cycle's table (same layout), for ``impute: previous``.
        ``denominators``: a separate table of denominators (one row a unit, the unit column
        and one column a denominator; a DataFrame or a path), joined to the data on the
        unit column; default the spec's ``denominators`` table, if any.
        ``start``: the stage the data is at (``raw`` by default; ``screened``,
        ``denominated``, ``imputed``, ``treated`` or ``normalised``): the steps up to and
        including that stage are not run again, so data already normalised is not flipped
        a second time. The stages before ``start`` are absent from the result. A screen
        step counts as coming right after the step before it in the spec (first: right
        after ``raw``), so it runs when the data is at that step's stage or earlier.
        """
        spec = self.spec
        current, stages, log, meta = self._prepare(data, previous, denominators=denominators,
                                                   start=start)
        agg_step = spec.steps[-1]
        try:
            values, contributions, entry = self._aggregate(current, agg_step)
        except ScoringError as exc:
            if exc.where:
                raise
            raise ScoringError(exc.what, where=spec.where(agg_step), hint=exc.hint) from None
        stages["aggregated"] = values
        log.append(entry)
        return Result(model=self, data=data, previous=previous, stages=stages, log=log,
                      contributions=contributions, meta=meta, start=start or "raw",
                      denominators=denominators)

    def _steps_after(self, start: str | None) -> list[Step]:
        """The pre-aggregation steps that still run on data at stage ``start``.

        The steps other than screen are placed by their stage (raw 0, denominated 1 …
        normalised 4); a screen step half a place after the step before it in the spec
        (0.5 when it comes first), wherever it is written. A step runs when its place is
        after the place of ``start``.
        """
        steps = [s for s in self.spec.steps if s.step != "aggregate"]
        if start in (None, "raw"):
            return steps
        order = ["raw", *[STAGE_NAMES[s] for s in STEP_REGISTRIES
                          if s not in ("aggregate", "screen")]]
        places: list[float] = []
        before = 0.0
        for s in steps:
            if s.step == "screen":
                places.append(before + 0.5)
            else:
                before = float(order.index(STAGE_NAMES[s.step]))
                places.append(before)
        if start == "screened":
            if not any(s.step == "screen" for s in steps):
                raise ScoringError("the data cannot start at stage 'screened': the spec has "
                                   "no screen step", hint="start at raw, or add the step")
            pos = next(p for s, p in zip(steps, places, strict=True) if s.step == "screen")
        elif start in order:
            pos = float(order.index(start))
        else:
            names = [order[0], "screened", *order[1:]]
            raise ScoringError(f"unknown stage {start!r} to start from",
                               hint=suggest(str(start), names) or
                               "the stages are " + ", ".join(names))
        return [s for s, p in zip(steps, places, strict=True) if p > pos]

    def _prepare(self, data: pd.DataFrame, previous: pd.DataFrame | None = None, *,
                 denominators: pd.DataFrame | str | Path | None = None,
                 start: str | None = None
                 ) -> tuple[pd.DataFrame, dict[str, pd.DataFrame], list[LogEntry], pd.DataFrame]:
        """Every step before aggregation: (indicator table, stages, log, meta).

        :mod:`octasee.scoring.sensitivity` uses this to compute each pre-aggregation
        variant once and then aggregates thousands of runs in batches.
        """
        spec = self.spec
        steps = self._steps_after(start)
        table, meta = self._indicator_table(data)
        den = denominators if denominators is not None else spec.denominators
        if den is not None:
            meta = self._join_denominators(meta, den)
        prev_table = None
        if previous is not None:
            prev_table, _ = self._indicator_table(previous)
        stages: dict[str, pd.DataFrame] = {start or "raw": table}
        log: list[LogEntry] = []
        current = table
        direction = pd.Series({i: float(self.nodes[i].direction) for i in self.indicators})
        for step in steps:
            where = spec.where(step)
            try:
                if step.step == "screen":
                    current, entry = self._screen(current, step)
                    meta = meta.loc[current.index]
                elif step.step == "denominate":
                    current, entry = self._denominate(current, meta, step)
                elif step.step == "impute":
                    current, entry = self._impute(current, meta, step, prev_table)
                elif step.step == "treat":
                    current, entry = self._treat(current, step)
                elif step.step == "normalise":
                    current, entry = self._normalise(current, step, direction)
                else:
                    break
            except ScoringError as exc:
                if exc.where:
                    raise
                raise ScoringError(exc.what, where=where, hint=exc.hint) from None
            stages[STAGE_NAMES[step.step]] = current
            log.append(entry)
        return current, stages, log, meta

    def _join_denominators(self, meta: pd.DataFrame, den: pd.DataFrame | str | Path
                           ) -> pd.DataFrame:
        """The data's other columns with a separate denominators table joined by unit."""
        name = "the denominators table"
        if not isinstance(den, pd.DataFrame):
            name = str(den)
            den = read_table(den, what="denominators table")
        unit_col = find_column(den.columns, self.spec.unit)
        if unit_col is None:
            raise ScoringError(f"{name} has no unit column {self.spec.unit!r}",
                               hint=suggest(self.spec.unit, list(map(str, den.columns)))
                               or "add the column that names each unit")
        units = den[unit_col].astype("string").str.strip()
        dup = units[units.duplicated()]
        if len(dup):
            raise ScoringError(f"unit {dup.iloc[0]!r} appears more than once in {name}",
                               hint="give one row per unit")
        table = den.drop(columns=[unit_col]).set_axis(pd.Index(units.to_numpy(dtype=object)),
                                                      axis=0)
        clash = [c for c in table.columns if c in meta.columns]
        missing = [u for u in meta.index if u not in table.index]
        if missing:
            raise ScoringError(f"{name} has no row for unit " + ", ".join(
                map(repr, missing[:5])) + (" …" if len(missing) > 5 else ""),
                hint="add a row for every unit of the data")
        return meta.drop(columns=clash).join(table, how="left")

    def _screen(self, x: pd.DataFrame, step: Step) -> tuple[pd.DataFrame, LogEntry]:
        """COINr's ``Screen``, by :func:`~octasee.scoring.analysis.screen_units`: the units
        kept, and a log naming every unit removed with its reason (and every unit kept by
        ``force`` that the rule would have removed)."""
        args = {"unit_screen": step.args.get("unit_screen", "byNA"),
                "dat_thresh": step.args.get("dat_thresh"),
                "nonzero_thresh": step.args.get("nonzero_thresh"),
                "force": [str(u) for u in step.args.get("force") or []],
                "exclude": [str(u) for u in step.args.get("exclude") or []]}
        n = len(x)
        if step.method == "none":
            return x, LogEntry("screen", "none", args, {"units_before": n, "units_after": n,
                                                         "removed": {}, "forced": {}})
        from octasee.scoring.analysis import screen_units  # analysis imports this module

        res = screen_units(x, dat_thresh=args["dat_thresh"],
                           nonzero_thresh=args["nonzero_thresh"], unit_screen=args["unit_screen"],
                           force=args["force"], exclude=args["exclude"])
        summary = res.summary
        rule = args["unit_screen"]
        k = x.shape[1]

        def failures(unit: Any) -> list[str]:
            row = summary.loc[unit]
            out = []
            if rule in ("byNA", "byBoth") and row["availability"] < args["dat_thresh"]:
                out.append(f"data availability {row['availability']:.4g} "
                           f"({int(row['n_available'])} of {k} indicators) is below "
                           f"dat_thresh {args['dat_thresh']:g}")
            nz = 0.0 if pd.isna(row["nonzero_share"]) else row["nonzero_share"]
            if rule in ("byNZ", "byBoth") and nz < args["nonzero_thresh"]:
                out.append(f"non-zero share {nz:.4g} is below nonzero_thresh "
                           f"{args['nonzero_thresh']:g}")
            return out

        removed = {}
        for u in res.removed:
            why = failures(u)
            removed[u] = "; ".join(why) if u not in args["exclude"] else \
                "excluded (exclude)" + (f"; also {'; '.join(why)}" if why else "")
        forced = {u: "; ".join(why) for u in args["force"] if (why := failures(u))}
        if len(res.data) == 0:
            raise ScoringError("the screen step removes every unit",
                               hint="lower dat_thresh / nonzero_thresh, or force some units")
        return res.data, LogEntry("screen", step.method, args, {
            "units_before": n, "units_after": len(res.data), "removed": removed,
            "forced": forced, "summary": summary})

    def _denominate(self, x: pd.DataFrame, meta: pd.DataFrame, step: Step
                    ) -> tuple[pd.DataFrame, LogEntry]:
        by = step.args.get("by")
        scale = float(step.args.get("scale", 1.0))
        if step.method == "none" or by is None:
            return x, LogEntry("denominate", step.method, {"by": by, "scale": scale})
        mapping = by if isinstance(by, Mapping) else dict.fromkeys(self.indicators, by)
        out = x.copy()
        for ind, den in mapping.items():
            if ind not in out.columns:
                raise ScoringError(f"denominate: {ind!r} is not an indicator",
                                   hint=suggest(str(ind), list(out.columns)))
            col = find_column(meta.columns, str(den))
            if col is None:
                raise ScoringError(f"denominator {den!r} is not in the data",
                                   hint=suggest(str(den), list(map(str, meta.columns))))
            d = pd.to_numeric(meta[col], errors="coerce").astype(float)
            out[ind] = out[ind] / d.where(d != 0) * scale
        return out, LogEntry("denominate", step.method, {"by": dict(mapping), "scale": scale})

    def _impute(self, x: pd.DataFrame, meta: pd.DataFrame, step: Step,
                previous: pd.DataFrame | None) -> tuple[pd.DataFrame, LogEntry]:
        args = dict(step.args)
        group = args.pop("group", None)
        groups = None
        if group is not None:
            col = find_column(meta.columns, str(group))
            if col is None:
                raise ScoringError(f"the group column {group!r} is not in the data",
                                   hint=suggest(str(group), list(map(str, meta.columns))))
            groups = meta[col]
        func = IMPUTERS.get(step.method)
        out = func(x, groups=groups, previous=previous, **args)
        mask = x.isna() & out.notna()
        rows, cols = np.nonzero(mask.to_numpy())
        details = {"missing_before": int(x.isna().sum().sum()), "filled": int(mask.sum().sum()),
                   "cells": [(x.index[i], x.columns[j]) for i, j in zip(rows, cols, strict=True)]}
        return out, LogEntry("impute", step.method, {**_full_args(func, args), "group": group},
                             details)

    def _treat(self, x: pd.DataFrame, step: Step) -> tuple[pd.DataFrame, LogEntry]:
        func = TREATMENTS.get(step.method)
        cols = [c for c in x.columns if self.nodes[c].treat]
        treated, report = func(x[cols], **step.args)
        if len(cols) == x.shape[1]:
            out = treated[list(x.columns)].astype(float)
        else:
            values = x.to_numpy(dtype=float, na_value=np.nan, copy=True)
            pos = [x.columns.get_loc(c) for c in cols]
            values[:, pos] = treated[cols].to_numpy(dtype=float, na_value=np.nan)
            out = pd.DataFrame(values, index=x.index, columns=x.columns)
        return out, LogEntry("treat", step.method, _full_args(func, step.args),
                             {k: v for k, v in report.items()
                              if v.get("points") or v.get("log") or v.get("untreated")})

    def _norm_args(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        scale = self.spec.scale
        if method == "none" and scale is not None:
            args.setdefault("scale", list(scale))
        if method == "goalposts" and scale is not None:
            args.setdefault("low", scale[0])
            args.setdefault("high", scale[1])
        return args

    def _normalise(self, x: pd.DataFrame, step: Step, direction: pd.Series
                   ) -> tuple[pd.DataFrame, LogEntry]:
        groups: dict[str, tuple[str, dict[str, Any], list[str]]] = {}
        for c in x.columns:
            o = self.nodes[c].normalise
            method, args = ((o["method"], {k: v for k, v in o.items() if k != "method"})
                            if o else (step.method, dict(step.args)))
            args = self._norm_args(method, args)
            key = json.dumps([method, args], sort_keys=True, default=str)
            groups.setdefault(key, (method, args, []))[2].append(c)
        parts = []
        used = {}
        for method, args, cols in groups.values():
            func = NORMALISERS.get(method)
            try:
                parts.append(func(x[cols], direction=direction[cols], **args))
            except TypeError as exc:
                raise ScoringError(f"bad arguments for normalise method {method!r}: {exc}") from None
            used[method] = {**_full_args(func, args, skip=("direction",)), "indicators": cols}
        out = pd.concat(parts, axis=1)[list(x.columns)]
        main_args = _full_args(NORMALISERS.get(step.method),
                               self._norm_args(step.method, dict(step.args)), skip=("direction",))
        details = {"directions": {c: int(d) for c, d in direction.items() if d != 1},
                   "methods": used}
        return out, LogEntry("normalise", step.method, main_args, details)

    def _aggregate(self, normalised: pd.DataFrame, step: Step
                   ) -> tuple[pd.DataFrame, pd.DataFrame, LogEntry]:
        args = dict(step.args)
        round_children = args.pop("round_children", None)
        flip = self._flip_range()
        table = normalised.to_numpy(dtype=float, na_value=np.nan)
        values = {c: table[:, j] for j, c in enumerate(normalised.columns)}
        contrib_parts = []
        index = normalised.index
        for node_id in self.aggregates:
            node = self.nodes[node_id]
            kids = self.children[node_id]
            cols = []
            for k in kids:
                v = values[k]
                if self.nodes[k].direction == -1 and self.children[k]:
                    lo, hi = flip if flip else (np.nanmin(v), np.nanmax(v))
                    v = lo + hi - v
                cols.append(v)
            X = np.column_stack(cols)
            if round_children is not None:
                X = round_half_up(X, int(round_children))
            if node.aggregate:
                method = node.aggregate["method"]
                nargs = {k: v for k, v in node.aggregate.items()
                         if k not in ("method", "round_children")}
                nargs.setdefault("missing", args.get("missing", "skip"))
            else:
                method, nargs = step.method, args
            w = np.array([self.nodes[k].weight for k in kids], dtype=float)
            try:
                score = AGGREGATORS.get(method)(X, w, **nargs)
            except ScoringError as exc:
                raise ScoringError(f"{exc.what} (aggregating {node_id!r})",
                                   where=self.spec.where(node), hint=exc.hint) from None
            values[node_id] = score
            present = ~np.isnan(X)
            wx = np.where(present, X, 0.0) * w
            if method == "copeland":
                c = np.full_like(X, np.nan)
            elif method == "mean":
                with np.errstate(invalid="ignore", divide="ignore"):
                    c = wx / (present * w).sum(axis=1, keepdims=True)
            else:
                with np.errstate(invalid="ignore", divide="ignore"):
                    c = score[:, None] * wx / wx.sum(axis=1, keepdims=True)
            c = np.where(present, c, np.nan)
            with np.errstate(invalid="ignore", divide="ignore"):
                share = c / score[:, None]
            n, k = X.shape
            contrib_parts.append(pd.DataFrame({
                "unit": np.repeat(index.to_numpy(dtype=object), k),
                "node": node_id, "child": np.tile(np.array(kids, dtype=object), n),
                "weight": np.tile(w / w.sum(), n), "value": X.ravel(),
                "contribution": c.ravel(), "share": share.ravel()}))
        order = [n.id for n in self.spec.nodes]
        frame = pd.DataFrame({nid: values[nid] for nid in order}, index=index)
        contributions = pd.concat(contrib_parts, ignore_index=True)
        entry = LogEntry("aggregate", step.method,
                         {**_full_args(AGGREGATORS.get(step.method), args),
                          "round_children": round_children},
                         {"overrides": {n: self.nodes[n].aggregate for n in self.aggregates
                                        if self.nodes[n].aggregate},
                          "weights": {n.id: n.weight for n in self.spec.nodes}})
        return frame, contributions, entry


def _top_line(spec: Spec, key: str) -> int | None:
    raw = spec.raw
    lines = getattr(raw, "key_lines", {})
    if key in lines:
        return lines[key]
    if spec.text:
        for i, line in enumerate(spec.text.splitlines(), 1):
            if re.match(rf"\s*{re.escape(key)}\s*[:=]", line):
                return i
    return None


class _DeprecatedCall(pd.DataFrame):
    """A DataFrame that can still be called as the method it used to be (with a warning).

    ``Result.ranks`` was a method; it is an attribute now, as everywhere else. Calling the
    frame warns and returns what the method returned. Any operation on it gives a plain
    DataFrame.
    """

    _metadata: ClassVar[list[str]] = ["_call"]

    def __init__(self, frame: Any = None, call: Any = None, **kw: Any) -> None:
        super().__init__(frame, **kw)
        self._call = call

    @property
    def _constructor(self) -> type[pd.DataFrame]:
        return pd.DataFrame

    def __call__(self, digits: int | None = None, **kw: Any) -> pd.DataFrame:
        import warnings

        warnings.warn("Result.ranks is an attribute now: use result.ranks, or "
                      "result.rounded_ranks(digits) for the ranks of rounded scores",
                      DeprecationWarning, stacklevel=2)
        if digits is None and not kw:
            return pd.DataFrame(self)
        return self._call(digits, **kw)


@dataclass
class Result:
    """A model run: data at every stage, the log, scores and contributions."""

    model: Model
    data: pd.DataFrame
    stages: dict[str, pd.DataFrame]
    log: list[LogEntry]
    contributions: pd.DataFrame
    meta: pd.DataFrame
    previous: pd.DataFrame | None = None
    start: str = "raw"
    denominators: Any = None

    @property
    def values(self) -> pd.DataFrame:
        """Every node (indicators as normalised, aggregates), unrounded, one row a unit."""
        return self.stages["aggregated"]

    @property
    def screened_out(self) -> dict[Any, str]:
        """The units the screen step removed, each with its reason (empty without one).

        They are absent from every stage after ``screened`` and from :meth:`to_frame`.
        """
        entry = next((e for e in self.log if e.step == "screen"), None)
        return dict(entry.details.get("removed", {})) if entry is not None else {}

    @property
    def scores(self) -> pd.DataFrame:
        """The aggregates only, unrounded."""
        return self.values[[n for n in self.values.columns if n in self.model.aggregates]]

    @property
    def ranks(self) -> pd.DataFrame:
        """Rank of every aggregate on its unrounded score, 1 = highest; ties share the best.

        An attribute, as :attr:`SensitivityResult.ranks <octasee.scoring.sensitivity.
        SensitivityResult.ranks>`. For the ranks of the published (rounded) scores use
        :meth:`rounded_ranks`. Calling it, ``result.ranks()`` or
        ``result.ranks(digits=2)`` (the old method), still works with a
        ``DeprecationWarning``.
        """
        r = self.scores.rank(ascending=False, method="min").astype("Int64")
        return _DeprecatedCall(r, self.rounded_ranks)

    def rounded_ranks(self, digits: int | None = None, *, mode: str | None = None
                      ) -> pd.DataFrame:
        """Ranks of every aggregate on the scores rounded to ``digits`` (default: the spec's
        ``output.digits``), as published: tied rounded scores share the best rank."""
        spec = self.model.spec
        digits = spec.digits if digits is None else digits
        s = round_values(self.scores, digits, mode=mode or spec.rounding)  # type: ignore[arg-type]
        return s.rank(ascending=False, method="min").astype("Int64")

    def to_frame(self, digits: int | None = None, *, ranks: bool | None = None,
                 mode: str | None = None) -> pd.DataFrame:
        """The output table: unit, kept columns, every node rounded, then one rank per aggregate.

        ``digits``/``mode`` default to the spec's output options; ranks are taken on the
        rounded values so that tied published scores share a rank.
        """
        spec = self.model.spec
        digits = spec.digits if digits is None else digits
        mode = mode or spec.rounding
        ranks = spec.ranks if ranks is None else ranks
        rounded = round_values(self.values, digits, mode=mode)  # type: ignore[arg-type]
        out = pd.concat([self.meta[list(spec.keep)], rounded], axis=1)
        if ranks:
            r = rounded[self.model.aggregates].rank(ascending=False, method="min")
            for a in [n.id for n in spec.nodes if n.id in self.model.aggregates]:
                out[f"{a} rank"] = r[a].astype("Int64")
        out = out.reset_index().rename(columns={out.index.name or "index": spec.unit})
        return out

    def compare_published(self, *, digits: int | None = None, mode: str | None = None
                          ) -> pd.DataFrame:
        """Compare each node that names a ``published`` column with that column.

        Returns one row per unit and node: ``published`` and ``computed`` (rounded),
        ``unrounded`` and ``match``. ``result.compare_published().query("~match")`` lists
        the mismatches.
        """
        spec = self.model.spec
        digits = spec.digits if digits is None else digits
        mode = mode or spec.rounding
        parts = []
        for n in spec.nodes:
            if not n.published:
                continue
            col = find_column(self.data.columns, n.published)
            if col is None:
                raise ScoringError(f"published column {n.published!r} is not in the data",
                                   where=spec.where(n),
                                   hint=suggest(n.published, list(map(str, self.data.columns))))
            units = find_column(self.data.columns, spec.unit)
            pub = pd.Series(self.data[col].to_numpy(),
                            index=self.data[units].astype("string").str.strip().to_numpy(
                                dtype=object))
            pub = pd.to_numeric(pub.reindex(self.values.index), errors="coerce")
            comp = round_values(self.values[n.id], digits, mode=mode)  # type: ignore[arg-type]
            pub_r = round_half_up(pub, digits)
            match = (np.isclose(pub_r, comp, rtol=0, atol=10.0 ** -(digits + 3))
                     | (pub_r.isna() & comp.isna()))
            parts.append(pd.DataFrame({"unit": self.values.index, "node": n.id,
                                       "published": pub.to_numpy(), "computed": comp.to_numpy(),
                                       "unrounded": self.values[n.id].to_numpy(),
                                       "match": np.asarray(match)}))
        if not parts:
            raise ScoringError("no node of the spec names a 'published' column")
        return pd.concat(parts, ignore_index=True)

    def variant(self, changes: Mapping[str, Any] | None = None, /, **kw: Any) -> Result:
        """Re-run on the same data with some choices changed (see :meth:`Model.variant`)."""
        return self.model.variant(changes, **kw).run(self.data, previous=self.previous,
                                                     start=self.start,
                                                     denominators=self.denominators)


