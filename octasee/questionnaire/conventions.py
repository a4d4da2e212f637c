"""How numbers and dates are written in the members' locales, and how a file's convention is decided.

Every member writes a decimal comma and groups thousands with a dot or a space
(``1.234,5``, ``1 234,5``); English writes the opposite. Most numbers show which convention
they follow (``12,5``, ``1.234.567``, ``1,234.5``). One kind does not: a single separator
followed by exactly three digits (``95.109``, ``1,500``) is either a thousands group or a
decimal mark. For those, :func:`decide` picks the reading from evidence, strongest first:

1. the other values of the same column (``12,5`` in the column: the comma is decimal);
2. the other numbers of the same submission;
3. the locale the submission declares (the template records the country's; a CSV carries
   it in the Respondent sheet's *Number format* column, a JSON file in ``"octasee":
   {"locale": ...}`` or the respondent record);
4. the CSV delimiter (Excel writes ``;`` exactly where the decimal mark is a comma);
5. the questionnaire's own rule (its Instructions sheet: "1.234 is one thousand two
   hundred and thirty-four").

A value decided by rule 5 alone, or in a column whose values disagree, is kept with a
warning that names the cell, both readings and the one chosen. Locales come from the Unicode
CLDR through ``babel`` (decimal marks and month names), not from tables kept here.

>>> decimal_mark("hr"), decimal_mark("en"), parse_locale("sr-Latn")
(',', '.', 'sr_Latn')
>>> month_number("ožujka"), month_number("március"), month_number("Μαρτίου")
(3, 3, 3)
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass

from octasee.reference import name_key

__all__ = [
    "COUNTRY_LOCALE",
    "TEMPLATE_DECIMAL",
    "NumberConvention",
    "decide",
    "decimal_mark",
    "month_number",
    "parse_locale",
]

# The locale each member's questionnaire is issued in (CLDR identifiers).
COUNTRY_LOCALE = {"AL": "sq", "BA": "bs", "BG": "bg", "HR": "hr", "GR": "el", "HU": "hu",
                  "MD": "ro", "ME": "sr_Latn_ME", "MK": "mk", "RO": "ro", "RS": "sr",
                  "SI": "sl", "TR": "tr"}
# The template's own convention, stated in its instructions: 1.234 is 1234, 12,5 is 12.5.
TEMPLATE_DECIMAL = ","
# Month names are read in these locales (the members' and English).
_DATE_LOCALES = ("sq", "bs", "bs_Cyrl", "bg", "hr", "el", "hu", "ro", "mk", "sr", "sr_Latn",
                 "sl", "tr", "en", "de", "fr", "it")


def parse_locale(text: object) -> str:
    """A CLDR locale identifier from ``hr``, ``sr-Latn``, ``en_GB`` …; ValueError if unknown."""
    from babel import Locale, UnknownLocaleError

    tag = str(text).strip().replace("-", "_")
    try:
        return str(Locale.parse(tag))
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise ValueError(f"unknown locale {text!r}") from exc


@functools.cache
def decimal_mark(locale: str) -> str | None:
    """The decimal mark of a locale, ``','`` or ``'.'`` (None for other marks)."""
    from babel.numbers import get_decimal_symbol

    mark = get_decimal_symbol(locale)
    return mark if mark in (",", ".") else None


@functools.cache
def _months() -> dict[str, int]:
    """Month name (any member's language, wide or abbreviated, any case form) -> 1..12."""
    from babel.dates import get_month_names  # lazy for import time: babel's CLDR data

    seen: dict[str, set[int]] = {}
    for loc in _DATE_LOCALES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, loc).items():
                    seen.setdefault(name_key(name), set()).add(number)
    # A name that means two months in two languages is not a month name here.
    return {k: next(iter(v)) for k, v in seen.items() if k and len(v) == 1}


def month_number(name: str) -> int | None:
    """1..12 for a month name in a member's language or English, else None."""
    return _months().get(name_key(name))


@dataclass(frozen=True)
class NumberConvention:
    """How a column's ambiguous numbers (``1.234``) are read, and why."""

    decimal: str  # ',' or '.'
    reason: str  # said in warnings
    certain: bool  # False: every ambiguous value gets a warning

    def reading(self, sep: str) -> str:
        return "decimal" if sep == self.decimal else "thousands"


def _side(evidence: Counter[str]) -> str | None:
    if evidence[","] and not evidence["."]:
        return ","
    if evidence["."] and not evidence[","]:
        return "."
    return None


def _mark_name(mark: str) -> str:
    return "a decimal comma" if mark == "," else "a decimal point"


def decide(column: Counter[str], submission: Counter[str], *, declared: str | None,
           delimiter: str | None, template: bool,
           examples: dict[str, str] | None = None) -> NumberConvention:
    """The convention for one column, from the evidence listed in the module's docstring.

    ``column`` and ``submission`` count the values that prove a decimal mark (``','`` or
    ``'.'``); ``examples`` holds one such value per mark, quoted in the reason.
    """
    examples = examples or {}
    mixed = bool(column[","] and column["."])
    side = _side(column)
    if side:
        eg = f" (e.g. {examples[side]!r})" if side in examples else ""
        return NumberConvention(side, f"other values in this column use "
                                      f"{_mark_name(side)}{eg}", True)
    side = _side(submission)
    if side:
        eg = f" (e.g. {examples[side]!r})" if side in examples else ""
        return NumberConvention(side, f"other numbers in this submission use "
                                      f"{_mark_name(side)}{eg}", not mixed)
    if declared and decimal_mark(declared):
        mark = decimal_mark(declared)
        return NumberConvention(mark, f"the submission's number format is {declared!r} "
                                      f"({_mark_name(mark)})", not mixed)
    if delimiter in (";", ","):
        mark = "," if delimiter == ";" else "."
        return NumberConvention(mark, f"the file's columns are separated by {delimiter!r}, "
                                      f"as spreadsheets write it with {_mark_name(mark)}",
                                not mixed)
    rule = ("the questionnaire's rule: 1.234 is one thousand two hundred and thirty-four, "
            "12,5 is twelve and a half")
    return NumberConvention(TEMPLATE_DECIMAL, rule, template and not mixed)
