"""Strict settings files: one loader for every file octasee reads its settings from.

Three kinds of file hold settings, and each declares the keys it allows as a schema:

- a workspace's ``octasee.toml``: the dataclasses of :mod:`octasee.workspace`
  (``WorkspaceConfig``; :func:`schema_of` derives the schema from them, so their defaults
  are the only ones);
- the questionnaire spec ``questionnaire/spec.yaml``: ``SPEC_SCHEMA`` in
  :mod:`octasee.questionnaire.spec`;
- composite-index specs (``scoring/specs/*.yaml`` and the analysts' own):
  ``SPEC_SCHEMA`` in :mod:`octasee.scoring.spec`.

A schema is a :class:`Table` of :class:`Field` s (type, required or not, default) and
nested tables. :func:`check` refuses an unknown key or section with its file, line and the
nearest allowed name, and a value of the wrong type with its key and line; it returns the
values with the defaults filled in. :func:`read_toml` and :func:`read_yaml` parse a text and
return a :class:`Source` that finds the line of any key (YAML: recorded by the loader; TOML:
tomllib has no line numbers, so the text is searched).

>>> schema = Table({"disclosure": Table({"threshold": Field("whole", default=5, min=1)})})
>>> data, src = read_toml('[disclosure]\\ntreshold = 3\\n', name="octasee.toml")
>>> check(data, schema, src)
Traceback (most recent call last):
...
octasee.errors.ConfigError: octasee.toml, line 2: unknown key 'treshold' in [disclosure]; did you mean 'threshold'?
>>> check({}, schema)
{'disclosure': {'threshold': 5}}

This module is at the bottom of the layers: it imports only :mod:`octasee.errors`, the
standard library and PyYAML.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import difflib
import functools
import re
import tomllib
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from octasee.errors import ConfigError, OctaseeError

__all__ = [
    "NO_DEFAULT",
    "ConfigError",
    "Field",
    "LineDict",
    "LineList",
    "LineLoader",
    "Source",
    "Table",
    "build",
    "check",
    "did_you_mean",
    "read_toml",
    "read_yaml",
    "schema_of",
    "toml_line",
]


class _NoDefault:
    def __repr__(self) -> str:
        return "NO_DEFAULT"

    def __copy__(self) -> _NoDefault:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> _NoDefault:
        return self


#: A field without a default: absent stays absent.
NO_DEFAULT: Any = _NoDefault()

Path_ = tuple[str | int, ...]


def did_you_mean(name: object, choices: Sequence[object], n: int = 3) -> str | None:
    """A ``did you mean …?`` hint for ``name`` among ``choices`` (difflib), or ``None``.

    >>> did_you_mean("treshold", ["threshold", "title"])
    "did you mean 'threshold'?"
    """
    names = [str(c) for c in choices]
    close = difflib.get_close_matches(str(name), names, n=n, cutoff=0.6)
    if not close:
        lower = {c.lower(): c for c in names}
        close = [lower[c] for c in difflib.get_close_matches(str(name).lower(), list(lower),
                                                             n=n, cutoff=0.6)]
    return "did you mean " + " or ".join(repr(c) for c in close) + "?" if close else None


# --------------------------------------------------------------------------- schemas
_KIND_NAMES = {"text": "text", "whole": "a whole number", "number": "a number",
               "bool": "true or false", "date": "a date", "list": "a list",
               "table": "a table", "any": "anything"}


def _is(value: Any, kind: str) -> bool:
    if kind == "any":
        return True
    if kind == "text":
        return isinstance(value, str)
    if kind == "whole":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "date":  # a day, not a moment
        return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    if kind == "list":
        return isinstance(value, list | tuple)
    if kind == "table":
        return isinstance(value, Mapping)
    raise ValueError(f"unknown field kind {kind!r}")


@dataclass(frozen=True)
class Field:
    """One key's value: its kind (``text``, ``whole``, ``number``, ``bool``, ``date``,
    ``list``, ``table``, ``any``, or several joined by ``|``), whether it must be given, its
    default (:data:`NO_DEFAULT`: none), what a list's items are, a lowest value, the values
    allowed, and for messages: ``message`` instead of "<value> is not <kind>" and ``hint``,
    what to write instead."""

    kind: str = "any"
    default: Any = NO_DEFAULT
    required: bool = False
    items: Field | Table | None = None
    min: float | None = None
    choices: tuple[Any, ...] = ()
    message: str | None = None
    hint: str | None = None
    doc: str = ""

    def __post_init__(self) -> None:
        for k in self.kind.split("|"):
            _is(None, k)  # refuses an unknown kind when the schema is declared

    def problem(self, value: Any) -> str | None:
        """What is wrong with ``value`` (None if nothing)."""
        if self.kind == "any":
            return None
        kinds = self.kind.split("|")
        bounded = self.min is not None and any(k in ("whole", "number") for k in kinds)
        if not any(_is(value, k) for k in kinds) or (
                bounded and _is(value, "number") and value < self.min):  # type: ignore[operator]
            expected = " or ".join(_KIND_NAMES[k] for k in kinds)
            if bounded:
                expected += f" of {self.min:g} or more"
            return self.message or f"{_show(value)} is not {expected}"
        if self.choices and value not in self.choices:
            return (self.message or f"{_show(value)} is not one of "
                    + ", ".join(str(c) for c in self.choices))
        return None


@dataclass(frozen=True)
class Table:
    """A mapping of keys: ``fields`` are the keys allowed; ``values``, if given, makes the
    table open (any key, each value like ``values``); ``extra`` lets other keys through
    unchecked (a method's arguments); ``retired`` are keys once allowed, each with what to do
    instead. ``name`` is what messages call it (a text, or a function of the mapping, its
    path and the whole document); by default ``[section]`` in TOML, the key path in YAML."""

    fields: Mapping[str, Field | Table] = field(default_factory=dict)
    name: str | Callable[[Mapping[str, Any], Path_, Any], str] | None = None
    values: Field | Table | None = None
    extra: bool = False
    required: bool = False
    retired: Mapping[str, str] = field(default_factory=dict)
    hint: str | None = None
    doc: str = ""

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self.fields)

    @functools.cached_property
    def _absent(self) -> tuple[tuple[str, Field | Table], ...]:
        """The fields that matter when absent: required ones and those with a default."""
        return tuple((k, s) for k, s in self.fields.items()
                     if s.required or _default_of(s) is not NO_DEFAULT)


def _show(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return "a table"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _dotted(path: Path_) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


# --------------------------------------------------------------------------- sources
class LineDict(dict):
    """A dict that remembers the line of itself and of each key (1-based)."""

    line: int | None = None

    def __init__(self, *a: Any, **kw: Any) -> None:
        super().__init__(*a, **kw)
        self.key_lines: dict[Any, int] = {}

    def __deepcopy__(self, memo: dict[int, Any]) -> LineDict:
        new = LineDict({copy.deepcopy(k, memo): copy.deepcopy(v, memo) for k, v in self.items()})
        new.line, new.key_lines = self.line, dict(self.key_lines)
        return new


class LineList(list):
    """A list that remembers the line of itself and of each item (1-based)."""

    line: int | None = None

    def __init__(self, *a: Any) -> None:
        super().__init__(*a)
        self.item_lines: list[int] = []

    def __deepcopy__(self, memo: dict[int, Any]) -> LineList:
        new = LineList(copy.deepcopy(v, memo) for v in self)
        new.line, new.item_lines = self.line, list(self.item_lines)
        return new


class _DuplicateKey(Exception):
    def __init__(self, key: Any, line: int, first: int) -> None:
        super().__init__(key)
        self.key, self.line, self.first = key, line, first


class LineLoader(yaml.SafeLoader):
    """A SafeLoader whose mappings and sequences carry their line numbers
    (:class:`LineDict`, :class:`LineList`) and which refuses a key given twice."""


def _construct_map(loader: LineLoader, node: yaml.MappingNode) -> Any:
    loader.flatten_mapping(node)
    data = LineDict()
    data.line = node.start_mark.line + 1
    yield data
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in data:
            raise _DuplicateKey(key, line, data.key_lines[key])
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = line


def _construct_seq(loader: LineLoader, node: yaml.SequenceNode) -> Any:
    data = LineList()
    data.line = node.start_mark.line + 1
    yield data
    for item in node.value:
        data.append(loader.construct_object(item, deep=True))
        data.item_lines.append(item.start_mark.line + 1)


LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_seq)

_BARE = r"[A-Za-z0-9_-]+"
_KEY = rf"(?:{_BARE}|\"(?:[^\"\\]|\\.)*\"|'[^']*')"
_DOTTED = rf"{_KEY}(?:[ \t]*\.[ \t]*{_KEY})*"
_HEADER = re.compile(rf"^\s*(\[\[?)\s*({_DOTTED})\s*\]\]?\s*(?:#.*)?$")
_ASSIGN = re.compile(rf"^\s*({_DOTTED})\s*=")


def _split_dotted(text: str) -> tuple[str, ...]:
    parts = []
    for m in re.finditer(_KEY, text):
        k = m.group(0)
        if k[:1] == '"':
            k = k[1:-1].encode("utf-8").decode("unicode_escape") if "\\" in k else k[1:-1]
        elif k[:1] == "'":
            k = k[1:-1]
        parts.append(k)
    return tuple(parts)


def toml_line(text: str, path: Sequence[str | int]) -> int | None:
    """The line of the key or table ``path`` in a TOML text (for messages), if found.

    An integer in ``path`` after an array of tables (``[[tree]]``) picks its n-th entry.

    >>> toml_line('[report]\\ntitle = "x"\\n\\n[cycle]\\ncode = "2018-2022"\\n', ["cycle", "code"])
    5
    >>> toml_line('[[tree]]\\nid = "a"\\n[[tree]]\\nid = "b"\\n', ["tree", 1, "id"])
    4
    """
    want = tuple(path)
    counts: dict[tuple[Any, ...], int] = {}
    header: tuple[Any, ...] = ()
    for n, line in enumerate(text.splitlines(), start=1):
        m = _HEADER.match(line)
        if m:
            keys = _split_dotted(m.group(2))
            if m.group(1) == "[[":
                i = counts.get(keys, 0)
                counts[keys] = i + 1
                header = (*keys, i)
            else:
                header = keys
            if header == want:
                return n
            continue
        m = _ASSIGN.match(line)
        if m and (*header, *_split_dotted(m.group(1))) == want:
            return n
    return None


@dataclass
class Source:
    """Where a document came from, to name the file and the line of a key in messages.

    ``name`` is the file as shown; ``text`` its content; ``data`` what it parsed to (YAML:
    :class:`LineDict` / :class:`LineList` with their lines); ``format``: ``"toml"``,
    ``"yaml"`` or ``""`` (built in code: no lines)."""

    name: str | None = None
    text: str = field(default="", repr=False)
    data: Any = field(default=None, repr=False)
    format: str = ""

    def line(self, path: Sequence[str | int] = ()) -> int | None:
        """The line of ``path`` (the nearest enclosing one that can be found)."""
        path = tuple(path)
        if self.format == "toml" and self.text:
            for end in range(len(path), 0, -1):
                n = toml_line(self.text, path[:end])
                if n is not None:
                    return n
            return None
        # YAML: the lines the loader recorded (through plain containers put in by code)
        cur, line = self.data, getattr(self.data, "line", None)
        for p in path:
            if isinstance(cur, Mapping) and p in cur:
                if isinstance(cur, LineDict):
                    line = cur.key_lines.get(p, line)
                cur = cur[p]
            elif isinstance(cur, list | tuple) and isinstance(p, int) and 0 <= p < len(cur):
                if isinstance(cur, LineList) and p < len(cur.item_lines):
                    line = cur.item_lines[p]
                cur = cur[p]
            else:
                break
        return line

    def where(self, path: Sequence[str | int] = ()) -> str | None:
        """``"<file>, line N"`` for ``path``, as far as known."""
        line = self.line(path)
        if line is None:
            return self.name
        return f"{self.name}, line {line}" if self.name else f"line {line}"

    def error(self, what: str, path: Sequence[str | int] = (), *, hint: str | None = None,
              error: type[OctaseeError] = ConfigError) -> OctaseeError:
        return error(what, where=self.where(path), hint=hint)


def read_toml(text: str, *, name: str | None = None,
              error: type[OctaseeError] = ConfigError) -> tuple[dict[str, Any], Source]:
    """Parse a TOML text; a syntax error is ``error`` naming the file and tomllib's line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"not valid TOML: {exc}", where=name,
                    hint="fix the line it names") from None
    return data, Source(name, text, data, "toml")


def read_yaml(text: str, *, name: str | None = None,
              error: type[OctaseeError] = ConfigError,
              long_text: str | None = None) -> tuple[Any, Source]:
    """Parse a YAML text with line numbers (:class:`LineLoader`); a syntax error or a key
    given twice is ``error`` naming the file and the line. ``long_text``: how the file
    writes a long text (``"statement: >"``), for a hint on quoting free text, which
    analysts write in it."""
    quoting = (f": a text that holds ': ' or ' #' goes in double quotes, or after "
               f"'{long_text}' on the lines below, indented") if long_text else ""
    try:
        data = yaml.load(text, Loader=LineLoader)  # a SafeLoader subclass
    except _DuplicateKey as exc:
        where = f"{name}, line {exc.line}" if name else f"line {exc.line}"
        raise error(f"duplicate key {exc.key!r}", where=where,
                    hint=f"it is first given on line {exc.first}{quoting}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = name
        if mark is not None:
            where = f"{name}, line {mark.line + 1}" if name else f"line {mark.line + 1}"
        problem = getattr(exc, "problem", None) or str(exc)
        raise error(f"not valid YAML: {problem}", where=where,
                    hint="check the indentation and the quotes" + quoting) from None
    return data, Source(name, text, data, "yaml")


# --------------------------------------------------------------------------- checking
class _Checker:
    def __init__(self, root: Table, src: Source, error: type[OctaseeError]) -> None:
        self.root, self.src, self.error = root, src, error
        self.toml = src.format == "toml"

    def fail(self, what: str, path: Path_, hint: str | None = None) -> OctaseeError:
        return self.src.error(what, path, hint=hint, error=self.error)

    def value(self, value: Any, spec: Field | Table, path: Path_) -> Any:
        if isinstance(spec, Table):
            if not isinstance(value, Mapping):
                if self.toml:
                    raise self.fail(f"[{_dotted(path)}] must be a table", path,
                                    spec.hint or f"write [{_dotted(path)}] on a line of its "
                                                 "own, then its keys one a line")
                raise self.fail(f"key {_dotted(path)}: {_show(value)} is not a mapping", path,
                                spec.hint or "write it as keys with their values")
            return self.table(value, spec, path)
        if value is None and not spec.required:
            return None
        problem = spec.problem(value)
        if problem:
            raise self.fail(f"key {_dotted(path)}: {problem}", path,
                            spec.hint or self._hint(spec, path, value))
        if spec.items is not None and isinstance(value, list | tuple):
            return [self.value(v, spec.items, (*path, i)) for i, v in enumerate(value)]
        return value

    def _hint(self, spec: Field, path: Path_, value: Any) -> str:
        if spec.choices:
            return (did_you_mean(value, [str(c) for c in spec.choices])
                    or "use one of " + ", ".join(str(c) for c in spec.choices))
        key = next((p for p in reversed(path) if isinstance(p, str)), "key")
        sep = " = " if self.toml else ": "
        kind = spec.kind.split("|")[0]
        example = {"text": '"…"' if self.toml else "…",
                   "whole": str(spec.default if _is(spec.default, "whole") else 1),
                   "number": str(spec.default if _is(spec.default, "number") else 1),
                   "bool": "true", "date": "2023-03-31",
                   "list": '["…"]' if self.toml else "[…]"}.get(kind)
        if example is None:
            return "fix the value"
        how = {"text": "write it in quotes" if self.toml else "write it as text",
               "date": "write a date without quotes" if self.toml else "write a date",
               "bool": "write true or false"}.get(kind, "write it without quotes"
                                                  if self.toml else "write it as shown")
        if kind == "list":
            how = "write a list in brackets"
        return f"{how}, e.g. {key}{sep}{example}"

    def table(self, value: Mapping[Any, Any], spec: Table, path: Path_) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for key, v in value.items():
            sub = spec.fields.get(key) if isinstance(key, str) else None
            if sub is None:
                if spec.values is not None:
                    sub = spec.values
                elif spec.extra:
                    out[key] = v
                    continue
                else:
                    raise self.unknown(key, v, value, spec, path)
            out[key] = self.value(v, sub, (*path, key))
        for key, sub in spec._absent:
            if key in out:
                continue
            if sub.required:
                name = self.name_of(value, spec, path)
                raise self.fail(f"{key!r} is missing" + (f" in {name}" if name else ""), path,
                                sub.hint or f"add {key}" + (" = …" if self.toml else ": …"))
            default = _default_of(sub)
            if default is not NO_DEFAULT:
                out[key] = default
        return out

    def name_of(self, value: Mapping[Any, Any], spec: Table, path: Path_) -> str | None:
        if callable(spec.name):
            return spec.name(value, path, self.src.data)
        if spec.name:
            return spec.name
        if not path:
            return None
        return f"[{_dotted(path)}]" if self.toml else _dotted(path)

    def unknown(self, key: Any, v: Any, value: Mapping[Any, Any], spec: Table,
                path: Path_) -> OctaseeError:
        where = (*path, key)
        name = self.name_of(value, spec, path)
        if self.toml and isinstance(v, Mapping):
            what = f"unknown section [{_dotted(where)}]"
        else:
            what = f"unknown key {key!r}" + (f" in {name}" if name else "")
        if key in spec.retired:  # once documented, never read
            return self.fail(what, where, "nothing reads it any more: " + spec.retired[key])
        hint = did_you_mean(key, list(spec.fields))
        if hint is None:
            home = _home_of(str(key), self.root, spec)
            if home:
                hint = "it belongs in " + (f"[{home}]" if self.toml else home)
        if hint is None and spec.fields:
            hint = "the keys are " + ", ".join(spec.fields)
        return self.fail(what, where, hint)


def _home_of(key: str, root: Table, here: Table, path: tuple[str, ...] = ()) -> str | None:
    """The table of ``root`` (other than ``here``) that allows ``key``, as a dotted path."""
    for name, sub in root.fields.items():
        if isinstance(sub, Table):
            if sub is not here and key in sub.fields:
                return ".".join((*path, name))
            found = _home_of(key, sub, here, (*path, name))
            if found:
                return found
    return None


def _default_of(spec: Field | Table) -> Any:
    if isinstance(spec, Table):
        return {k: d for k, s in spec.fields.items()
                if (d := _default_of(s)) is not NO_DEFAULT}
    return spec.default if spec.default is NO_DEFAULT else copy.deepcopy(spec.default)


def check(data: Any, schema: Table, source: Source | None = None, *,
          error: type[OctaseeError] = ConfigError,
          at: Sequence[str | int] = ()) -> dict[str, Any]:
    """Check ``data`` against ``schema``; returns a copy with the defaults filled in.

    Raises ``error`` (default :class:`ConfigError`) for an unknown key or section (with the
    nearest allowed one, or the section it belongs in), a value of the wrong type, or a
    missing required key, naming the file and line from ``source``. ``at``: where ``data``
    is in ``source``'s document (a path of keys and list indexes), when it is a part of it.
    """
    src = source or Source(data=data)
    checker = _Checker(schema, src, error)
    if not isinstance(data, Mapping):
        raise src.error(f"{_show(data)} is not a mapping of keys", tuple(at),
                        hint=schema.hint, error=error)
    return checker.table(data, schema, tuple(at))


# --------------------------------------------------------------------------- dataclasses
_SIMPLE = {str: "text", bool: "bool", int: "whole", float: "number", dt.date: "date"}


def _field_for(tp: Any, default: Any, meta: Mapping[str, Any]) -> Field | Table:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    opts = {k: meta[k] for k in ("min", "choices", "message", "hint", "doc", "required")
            if k in meta}
    if origin in (typing.Union, types.UnionType):
        kinds = [a for a in args if a is not type(None)]
        if all(a in _SIMPLE for a in kinds):
            return Field("|".join(_SIMPLE[a] for a in kinds), default=default, **opts)
        if len(kinds) == 1:
            return _field_for(kinds[0], default, meta)
        return Field("any", default=default, **opts)
    if dataclasses.is_dataclass(tp):
        return schema_of(tp, hint=meta.get("hint"))
    if tp in _SIMPLE:
        return Field(_SIMPLE[tp], default=default, **opts)
    if origin in (tuple, list, Sequence, typing.Sequence):
        items = meta.get("items") or _field_for(args[0] if args else Any, NO_DEFAULT, {})
        return Field("list", default=default, items=items, **opts)
    if origin in (dict, Mapping, typing.Mapping):
        values = meta.get("items") or _field_for(args[1] if args else Any, NO_DEFAULT, {})
        return Table({}, values=values, hint=meta.get("hint"))
    return Field("any", default=default, **opts)


def schema_of(cls: type, *, name: str | None = None, hint: str | None = None,
              retired: Mapping[str, str] | None = None) -> Table:
    """The schema of a (frozen) dataclass: a key for every field, typed by its annotation
    (``str`` text, ``int`` whole, ``bool``, ``datetime.date``, ``tuple[X, ...]`` a list,
    ``dict[str, X]`` an open table, another dataclass a nested table), with the field's
    default. A field's ``metadata`` may add ``min``, ``choices``, ``message``, ``hint`` and
    ``retired`` (for the nested table: keys no longer read, with what to do)."""
    hints = typing.get_type_hints(cls)
    fields: dict[str, Field | Table] = {}
    for f in dataclasses.fields(cls):
        if not f.init:
            continue
        if f.default is not dataclasses.MISSING:
            default = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        else:
            default = NO_DEFAULT
        sub = _field_for(hints[f.name], default, f.metadata)
        if isinstance(sub, Table) and "retired" in f.metadata:
            sub = dataclasses.replace(sub, retired=dict(f.metadata["retired"]))
        if isinstance(sub, Field) and default is NO_DEFAULT:
            sub = dataclasses.replace(sub, required=True)
        fields[f.name] = sub
    return Table(fields, name=name, hint=hint, retired=dict(retired or {}))


def _convert(tp: Any, value: Any) -> Any:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if value is None:
        return None
    if origin in (typing.Union, types.UnionType):
        kinds = [a for a in args if a is not type(None)]
        return _convert(kinds[0], value) if len(kinds) == 1 else value
    if dataclasses.is_dataclass(tp):
        return build(tp, value)
    if origin in (tuple, Sequence, typing.Sequence):
        item = args[0] if args else Any
        return tuple(_convert(item, v) for v in value)
    if origin is list:
        return [_convert(args[0] if args else Any, v) for v in value]
    if origin in (dict, Mapping, typing.Mapping):
        item = args[1] if args else Any
        return {k: _convert(item, v) for k, v in value.items()}
    return value


def build(cls: type, data: Mapping[str, Any]) -> Any:
    """The dataclass ``cls`` from checked ``data`` (:func:`check` with
    ``schema_of(cls)``); keys that are absent take the dataclass's defaults."""
    hints = typing.get_type_hints(cls)
    kw = {f.name: _convert(hints[f.name], data[f.name])
          for f in dataclasses.fields(cls) if f.init and f.name in data}
    return cls(**kw)
