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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from octasee.errors import ReferenceDataError
from octasee.reference import Cycle, crime_areas, cycle

__all__ = ["Column", "Indicator", "Sheet", "Spec", "spec_for"]

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


@cache
def _raw() -> dict[str, Any]:
    text = resources.files("octasee.questionnaire").joinpath("spec.yaml").read_text("utf-8")
    return yaml.safe_load(text)


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
    c = cycle(cycle_code)
    raw = _raw()
    scale = tuple(raw["attribute_scale"])
    sheets = []
    for s in raw["sheets"]:
        cols = []
        for col in s["columns"]:
            if not _applies(col, c):
                continue
            kind = col["kind"]
            if kind not in KINDS:  # a spec edit gone wrong: a bug, not a user error
                raise ValueError(f"spec.yaml: column {col['key']!r} has unknown kind {kind!r}")
            choices = tuple(str(x) for x in col.get("choices", ()))
            if kind == "attribute":
                choices = scale
            cols.append(Column(
                key=col["key"], label=col["label"], kind=kind,
                required=bool(col.get("required", False)), unit=col.get("unit"),
                choices=choices, description=col.get("description", ""),
                group=col.get("group"), personal=bool(col.get("personal", False)),
            ))
        sheets.append(Sheet(key=s["key"], name=s["name"], description=s.get("description", ""),
                            columns=tuple(cols), unique=tuple(s.get("unique", ())),
                            max_rows=s.get("max_rows")))
    areas = {a.code for a in crime_areas()}
    indicators = []
    for i in raw["indicators"]:
        if not _applies(i, c):
            continue
        its_areas = None if i["areas"] == "any" else tuple(i["areas"])
        for a in its_areas or ():
            if a not in areas:
                raise ReferenceDataError(f"indicator {i['code']!r} names unknown crime area {a!r}",
                                         where="questionnaire/spec.yaml")
        indicators.append(Indicator(i["code"], i["label"], its_areas, i["measure"],
                                    i.get("breakdown")))
    grading = {k: {str(code): text for code, text in v.items()} for k, v in raw["grading"].items()}
    return Spec(version=c.code, cycle=c, sheets=tuple(sheets), indicators=tuple(indicators),
                grading=grading, attribute_scale=scale)
