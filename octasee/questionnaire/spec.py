"""The questionnaire spec: what each sheet holds, versioned per cycle.

The spec is data (``spec.yaml`` beside this module). :func:`spec_for` reads it and keeps
the columns and indicators that apply to one cycle; the result is a frozen :class:`Spec`
that the template writer, the reader and the validator all share.

>>> spec = spec_for("2013-2017")
>>> spec.version, [s.name for s in spec.sheets]
('2013-2017', ['Respondent', 'Indicators', 'Groups', 'Routes', 'Assessments'])
>>> spec.indicator("heroin_seized").measure
'mass'
>>> "nps_seized" in spec.indicator_codes, "nps_seized" in spec_for("2009-2012").indicator_codes
(True, False)

``spec.yaml`` is read strictly (:mod:`octasee.config`, keys and types in ``SPEC_SCHEMA``
below): an unknown key (``requried``), a value of the wrong type or an unknown column kind
is a :class:`~octasee.config.ConfigError` naming the file, the line and the key.
:func:`read_spec` reads and checks the shipped file, another file or a YAML text (to try an
edit); :func:`build_spec` makes the spec of one cycle from what it returns.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from octasee.config import ConfigError, Field, Source, Table, check, read_yaml
from octasee.errors import OctaseeError, ReferenceDataError
from octasee.reference import Cycle, crime_areas, cycle, cycles

__all__ = ["SPEC_SCHEMA", "Column", "Indicator", "Sheet", "Spec", "all_specs", "build_spec",
           "read_spec", "spec_for"]

KINDS = {
    "text", "longtext", "integer", "quantity", "year", "date", "code", "yesno", "member",
    "country", "countries", "crime_area", "crime_areas", "indicator", "email", "attribute",
    "locale",
}

UNIT_OF_MEASURE = {"count": "count", "mass": "kg", "money": "EUR"}

#: Sheets of the workbook that are not questionnaire answers.
INSTRUCTIONS_SHEET = "Instructions"
LISTS_SHEET = "Lists"
META_SHEET = "_octasee"  # very hidden: who the workbook was issued to


@dataclass(frozen=True)
class Column:
    """One column of a sheet: how its cells are read, checked and explained."""

    key: str
    label: str
    kind: str
    required: bool = False
    unit: str | None = None
    choices: tuple[str, ...] = ()
    description: str = ""
    group: str | None = None
    personal: bool = False

    @property
    def header(self) -> str:
        """The header written in the template: the label and, in brackets, the unit."""
        return f"{self.label} [{self.unit}]" if self.unit else self.label

    @property
    def free_text(self) -> bool:
        return self.kind in {"text", "longtext"}


@dataclass(frozen=True)
class Sheet:
    """One sheet of the questionnaire."""

    key: str
    name: str
    description: str
    columns: tuple[Column, ...]
    unique: tuple[str, ...] = ()
    max_rows: int | None = None

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]


@dataclass(frozen=True)
class Indicator:
    """A quantitative indicator: what it counts, in which crime areas, in which unit."""

    code: str
    label: str
    areas: tuple[str, ...] | None  # None: asked for every crime area
    measure: str
    breakdown: str | None = None

    @property
    def unit(self) -> str:
        return UNIT_OF_MEASURE[self.measure]

    def applies_to(self, area: str) -> bool:
        return self.areas is None or area in self.areas


@dataclass(frozen=True)
class Spec:
    """The questionnaire of one cycle; ``version`` is the cycle's code."""

    version: str
    cycle: Cycle
    sheets: tuple[Sheet, ...]
    indicators: tuple[Indicator, ...]
    grading: dict[str, dict[str, str]] = field(hash=False, compare=False)
    attribute_scale: tuple[str, ...] = ()

    def sheet(self, key: str) -> Sheet:
        for s in self.sheets:
            if s.key == key or s.name == key:
                return s
        raise KeyError(key)

    def indicator(self, code: str) -> Indicator:
        for i in self.indicators:
            if i.code == code:
                return i
        raise KeyError(code)

    @property
    def indicator_codes(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.indicators)

    def attributes(self, group: str | None = None) -> tuple[str, ...]:
        """Keys of the group attributes (``sleipnir``, ``socta`` or all)."""
        cols = self.sheet("groups").columns
        return tuple(c.key for c in cols
                     if c.kind == "attribute" and (group is None or c.group == group))


# --------------------------------------------------------------------------- spec.yaml
def _named(what: str, key: str) -> Any:
    def name(m: Any, path: tuple[Any, ...], root: Any) -> str:
        label = f"{what} {m[key]!r}" if isinstance(m.get(key), str) else f"{what} {path[-1] + 1}"
        if what == "column":
            with contextlib.suppress(KeyError, IndexError, TypeError):
                label += f" of sheet {root['sheets'][path[1]]['key']!r}"
        return label
    return name


_SINCE = Field("text", hint="write a cycle code, e.g. since: 2013-2017")
#: The keys spec.yaml allows, their types and which are required. The defaults of a
#: column's keys are :class:`Column`'s.
SPEC_SCHEMA = Table({
    "grading": Table({}, values=Table({}, values=Field("text")), required=True),
    "attribute_scale": Field("list", required=True, items=Field("text")),
    "sheets": Field("list", required=True, items=Table({
        "key": Field("text", required=True),
        "name": Field("text", required=True),
        "description": Field("text"),
        "unique": Field("list", items=Field("text")),
        "max_rows": Field("whole", min=1),
        "columns": Field("list", required=True, items=Table({
            "key": Field("text", required=True),
            "label": Field("text", required=True),
            "kind": Field("text", required=True, choices=tuple(sorted(KINDS))),
            "required": Field("bool"),
            "unit": Field("text"),
            "choices": Field("list", items=Field("text|number")),
            "description": Field("text"),
            "group": Field("text"),
            "personal": Field("bool"),
            "since": _SINCE,
            "until": _SINCE,
        }, name=_named("column", "key"))),
    }, name=_named("sheet", "key"))),
    "indicators": Field("list", required=True, items=Table({
        "code": Field("text", required=True),
        "label": Field("text", required=True),
        "areas": Field("text|list", required=True, items=Field("text"),
                       hint="write areas: any, or a list of crime-area codes"),
        "measure": Field("text", required=True, choices=tuple(UNIT_OF_MEASURE)),
        "breakdown": Field("text"),
        "since": _SINCE,
        "until": _SINCE,
    }, name=_named("indicator", "code"))),
})


def read_spec(path: str | os.PathLike[str] | None = None, *, text: str | None = None,
              name: str | None = None) -> dict[str, Any]:
    """Read and check a questionnaire spec: the shipped ``spec.yaml``, the file ``path``, or
    ``text`` (``name`` is the file named in messages).

    Refuses (:class:`~octasee.config.ConfigError`, with the file, line and key) an unknown
    key, a value of the wrong type, an unknown column kind, a cycle that is not one
    (``since``/``until``), a column named twice or a ``unique`` column that is not in the
    sheet; an unknown crime area is a :class:`ReferenceDataError` with its line.
    """
    if text is None:
        if path is None:
            res = resources.files("octasee.questionnaire").joinpath("spec.yaml")
            name = name or str(res)
            text = res.read_text("utf-8")
        else:
            name = name or str(path)
            try:
                text = Path(path).read_text("utf-8")
            except OSError as exc:
                raise ConfigError(f"cannot read the questionnaire spec ({exc.strerror})",
                                  where=name) from None
    data, src = read_yaml(text, name=name or "spec.yaml")
    raw = check(data, SPEC_SCHEMA, src)
    _check_spec(raw, src)
    return raw


def _check_spec(raw: dict[str, Any], src: Source) -> None:
    def cycles(item: dict[str, Any], path: tuple[Any, ...]) -> None:
        for k in ("since", "until"):
            if item.get(k):
                try:
                    cycle(item[k])
                except OctaseeError as exc:
                    raise src.error(f"key {k}: {exc.what}", (*path, k), hint=exc.hint) from None

    for i, s in enumerate(raw["sheets"]):
        seen: set[str] = set()
        for j, col in enumerate(s["columns"]):
            path = ("sheets", i, "columns", j)
            cycles(col, path)
            if col["key"] in seen:
                raise src.error(f"sheet {s['key']!r} has two columns {col['key']!r}",
                                (*path, "key"), hint="give each column its own key")
            seen.add(col["key"])
        for k, u in enumerate(s.get("unique") or ()):
            if u not in seen:
                raise src.error(f"unique names {u!r}, which is not a column of sheet "
                                f"{s['key']!r}", ("sheets", i, "unique", k),
                                hint="name columns of the sheet by their key")
    areas = {a.code for a in crime_areas()}
    for i, ind in enumerate(raw["indicators"]):
        cycles(ind, ("indicators", i))
        if isinstance(ind["areas"], str):
            if ind["areas"] != "any":
                raise src.error(f"key areas: {ind['areas']!r} is neither 'any' nor a list",
                                ("indicators", i, "areas"),
                                hint="write areas: any, or a list of crime-area codes")
            continue
        for k, a in enumerate(ind["areas"]):
            if a not in areas:
                raise src.error(f"indicator {ind['code']!r} names unknown crime area {a!r}",
                                ("indicators", i, "areas", k), error=ReferenceDataError)


@cache
def _raw() -> dict[str, Any]:
    return read_spec()


def _applies(item: dict[str, Any], c: Cycle) -> bool:
    since, until = item.get("since"), item.get("until")
    if since and c.last_year < cycle(since).first_year:
        return False
    return not (until and c.first_year > cycle(until).last_year)


@cache
def spec_for(cycle_code: str) -> Spec:
    """The questionnaire spec for ``cycle_code`` (any ``YYYY-YYYY`` cycle).

    Raises :class:`ReferenceDataError` for a malformed cycle.
    """
    return build_spec(_raw(), cycle_code)


def all_specs() -> list[Spec]:
    """The spec of every cycle octasee knows that has one (oldest first): what a check
    over every cycle's columns or indicators reads."""
    out = []
    for c in cycles():
        try:
            out.append(spec_for(c.code))
        except OctaseeError:  # a cycle without a questionnaire spec
            continue
    return out


def build_spec(raw: dict[str, Any], cycle_code: str) -> Spec:
    """The spec for ``cycle_code`` from a spec read by :func:`read_spec`."""
    c = cycle(cycle_code)
    scale = tuple(raw["attribute_scale"])
    sheets = []
    for s in raw["sheets"]:
        cols = []
        for col in s["columns"]:
            if not _applies(col, c):
                continue
            given = {k: v for k, v in col.items() if k not in ("since", "until")
                     and v is not None}  # what is not given takes Column's default
            given["choices"] = scale if col["kind"] == "attribute" else tuple(
                str(x) for x in col.get("choices") or ())
            cols.append(Column(**given))
        sheets.append(Sheet(key=s["key"], name=s["name"], description=s.get("description") or "",
                            columns=tuple(cols), unique=tuple(s.get("unique") or ()),
                            max_rows=s.get("max_rows")))
    indicators = []
    for i in raw["indicators"]:
        if not _applies(i, c):
            continue
        its_areas = None if i["areas"] == "any" else tuple(i["areas"])
        indicators.append(Indicator(i["code"], i["label"], its_areas, i["measure"],
                                    i.get("breakdown")))
    grading = {k: {str(code): text for code, text in v.items()} for k, v in raw["grading"].items()}
    return Spec(version=c.code, cycle=c, sheets=tuple(sheets), indicators=tuple(indicators),
                grading=grading, attribute_scale=scale)
