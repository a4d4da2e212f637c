"""Cell normalisers: turn what people type into values, or say precisely what is wrong.

Each parser takes one raw cell (text, number, date or bool, as the reader found it) and
returns the normalised value, or raises :class:`CellError` with a message and what was
expected. The validator calls each parser once per *distinct* value of a column, so a
10,000-row sheet costs a few hundred calls.

>>> parse_number("1.234,5"), parse_number("1 234,5"), parse_number("1,234.5"), parse_number(12)
(1234.5, 1234.5, 1234.5, 12.0)
>>> parse_number("1.234"), parse_number("1.234", decimal="."), number_readings("1.234")
(1234.0, 1.234, (1234.0, 1.234))
>>> parse_quantity("12,5 kg"), parse_quantity("750 g"), parse_quantity(3, "t")
((12.5, 'kg'), (750.0, 'g'), (3.0, 't'))
>>> parse_date(43190), parse_date("31.03.2018"), parse_date("2018. 03. 31."), parse_date("31. ožujka 2018.")
('2018-03-31', '2018-03-31', '2018-03-31', '2018-03-31')
>>> parse_yesno("Da"), parse_yesno("НЕ"), parse_yesno("")
(True, False, False)
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import math
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from octasee.errors import ReferenceDataError
from octasee.questionnaire.conventions import month_number
from octasee.reference import (
    name_key,
    resolve_country,
    resolve_crime_area,
    resolve_world_country,
    split_countries,
)

__all__ = [
    "MASS_TO_KG",
    "CellError",
    "Noted",
    "clean_text",
    "decimal_evidence",
    "find_markup",
    "number_readings",
    "parse_code",
    "parse_countries",
    "parse_date",
    "parse_number",
    "parse_quantity",
    "parse_yesno",
]


class CellError(ValueError):
    """A cell that cannot be normalised: ``message`` says why, ``expected`` what fits."""

    def __init__(self, message: str, expected: str) -> None:
        super().__init__(message)
        self.message = message
        self.expected = expected


MASS_TO_KG = {"g": 0.001, "kg": 1.0, "t": 1000.0}
_UNIT_ALIASES = {
    "g": "g", "gr": "g", "gram": "g", "grams": "g", "gramm": "g", "grame": "g", "grama": "g",
    "kg": "kg", "kgs": "kg", "kilo": "kg", "kilos": "kg", "kilogram": "kg", "kilograms": "kg",
    "t": "t", "tonne": "t", "tonnes": "t", "ton": "t", "tons": "t", "mt": "t",
    "count": "count", "pcs": "count", "pieces": "count", "units": "count", "persons": "count",
    "number": "count", "nr": "count", "no": "count", "cases": "count",
    "eur": "EUR", "euro": "EUR", "euros": "EUR", "€": "EUR",
}
_SPACES = "\u00a0\u202f\u2009\u2007 '’"
_NUMBER_WITH_UNIT = re.compile(r"^\s*([-+]?[\d.,\s\u00a0\u202f\u2009'’]*\d)\s*([^\d\s].*)?$")


class Noted:
    """A parsed value that comes with a warning for its cell (kept, but said)."""

    __slots__ = ("message", "value")

    def __init__(self, value: Any, message: str) -> None:
        self.value = value
        self.message = message


def clean_text(value: Any) -> str:
    """Text with stray spaces removed (also non-breaking ones), line ends unified, in NFC.

    NFC makes one text one string: ``Đ`` typed as one character or as D plus a combining
    stroke compare equal, so a group reference cannot pass twice as two groups.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    return unicodedata.normalize("NFC", text.strip())


# One separator, then exactly three digits: a thousands group or a decimal mark.
_AMBIGUOUS = re.compile(r"([1-9]\d{0,2})([.,])(\d{3})")


def _compact(text: str) -> str:
    s = text.strip()
    for ch in _SPACES:
        s = s.replace(ch, "")
    return s


def _number_part(value: Any) -> str | None:
    """The number written in a text cell, without sign or unit; None for non-text."""
    if not isinstance(value, str):
        return None
    text = clean_text(value)
    m = _NUMBER_WITH_UNIT.match(text)
    if m:
        text = m.group(1)
    return _compact(text).lstrip("+-")


def number_readings(value: Any) -> tuple[float, float] | None:
    """Both readings of a number like ``1.234`` or ``95,109``: (thousands, decimal).

    None when the text can be read one way only (``12,5``, ``1.234.567``, ``0.125``,
    ``1234.567``) or is not text.
    """
    s = _number_part(value)
    m = _AMBIGUOUS.fullmatch(s) if s else None
    if not m:
        return None
    sign = -1.0 if clean_text(value).lstrip().startswith("-") else 1.0
    return sign * float(m[1] + m[3]), sign * float(f"{m[1]}.{m[3]}")


def decimal_evidence(value: Any) -> str | None:
    """The decimal mark a number's text proves (``','`` for ``12,5``, ``1.234.567`` or
    ``1.234,5``; ``'.'`` likewise), or None when it proves nothing (``1.234``, ``1234``)."""
    s = _number_part(value)
    if not s or not re.fullmatch(r"\d[\d.,]*", s) or _AMBIGUOUS.fullmatch(s):
        return None
    dots, commas = s.count("."), s.count(",")
    if dots and commas:
        return "." if s.rfind(".") > s.rfind(",") else ","
    if dots > 1:
        return ","
    if commas > 1:
        return "."
    if dots:
        return "."
    if commas:
        return ","
    return None


def _number_text(text: str, decimal: str = ",") -> float:
    s = _compact(text)
    if not s:
        raise CellError("no number", "a number")
    neg = s.startswith("-")
    s = s.lstrip("+-")
    if _AMBIGUOUS.fullmatch(s):
        # 1.234 or 1,234: the separator is the decimal mark only if the convention says so.
        sep = "." if "." in s else ","
        v = float(s.replace(sep, ".") if sep == decimal else s.replace(sep, ""))
        return -v if neg else v
    if not re.fullmatch(r"[\d.,]+", s):
        raise CellError("not a number", "a number, e.g. 1234 or 1.234,5")
    dots, commas = s.count("."), s.count(",")
    if dots and commas:
        dec = "." if s.rfind(".") > s.rfind(",") else ","
        thousands = "," if dec == "." else "."
        if s.count(dec) > 1:
            raise CellError("not a number", "a number, e.g. 1234 or 1.234,5")
        s = s.replace(thousands, "").replace(dec, ".")
    elif commas > 1:  # 1,234,567: commas group thousands
        if not re.fullmatch(r"\d{1,3}(,\d{3})+", s):
            raise CellError("not a number", "a number, e.g. 1234 or 1.234,5")
        s = s.replace(",", "")
    elif commas:
        s = s.replace(",", ".")  # a single comma is a decimal comma
    elif dots > 1:
        if not re.fullmatch(r"\d{1,3}(\.\d{3})+", s):
            raise CellError("not a number", "a number, e.g. 1234 or 1.234,5")
        s = s.replace(".", "")
    try:
        v = float(s)
    except ValueError as exc:
        raise CellError("not a number", "a number, e.g. 1234 or 1.234,5") from exc
    return -v if neg else v


def parse_number(value: Any, decimal: str = ",") -> float:
    """A number from a cell: Excel numbers, or text in European or English formats.

    Dots, commas, spaces and apostrophes that group digits in threes are thousands
    separators (``1.234.567``, ``1,234,567``, ``1 234``); with both a dot and a comma the
    last one is the decimal mark (``1.234,5``, ``1,234.5``); one separator not followed by
    exactly three digits is the decimal mark (``12,5``, ``12.5``). One separator followed
    by exactly three digits (``1.234``, ``1,234``) is read by ``decimal``, the file's
    convention: with the default ``','`` (every member's, and the template's rule) ``1.234``
    is 1234 and ``1,234`` is 1.234; with ``'.'`` the other way round.
    """
    if isinstance(value, bool):
        raise CellError("a yes/no value, not a number", "a number")
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise CellError("not a finite number", "a number")
        return float(value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        raise CellError("a date, not a number", "a number (format the cell as Number)")
    return _number_text(clean_text(value), decimal)


def unit_code(text: Any) -> str:
    """The canonical unit for a unit as written (``Kilograms`` -> ``kg``)."""
    key = clean_text(text).casefold().rstrip(".")
    if key in _UNIT_ALIASES:
        return _UNIT_ALIASES[key]
    raise CellError("unknown unit", "one of g, kg, t, count, EUR")


def parse_quantity(value: Any, unit: Any = None, decimal: str = ",") -> tuple[float, str | None]:
    """A number and the unit written with it, if any (``'12,5 kg'`` -> ``(12.5, 'kg')``)."""
    if isinstance(value, str):
        text = clean_text(value)
        m = _NUMBER_WITH_UNIT.match(text)
        if m and m.group(2):
            cell_unit = unit_code(m.group(2))
            number = _number_text(m.group(1), decimal)
            if unit not in (None, "") and unit_code(unit) != cell_unit:
                raise CellError(f"the cell says {cell_unit} but the Unit column says "
                                f"{unit_code(unit)}", "one unit")
            return number, cell_unit
        return _number_text(text, decimal), (unit_code(unit) if unit not in (None, "") else None)
    return parse_number(value), (unit_code(unit) if unit not in (None, "") else None)


_EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(value: Any) -> str:
    """An ISO date (``YYYY-MM-DD``) from an Excel date, a serial number or common text."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000 <= value <= 80000:  # Excel serial day numbers, 1954 to 2119
            return (_EXCEL_EPOCH + dt.timedelta(days=int(value))).isoformat()
        raise CellError("a number that is not a date", "a date, e.g. 2018-03-31")
    text = clean_text(value)
    if not text:
        raise CellError("no date", "a date, e.g. 2018-03-31")
    for fmt in ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"):
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    ymd = _date_parts(text)
    if ymd is None:
        raise CellError("not a date", _DATE_EXPECTED)
    try:
        return dt.date(*ymd).isoformat()
    except ValueError:
        raise CellError("no such day", _DATE_EXPECTED) from None


_DATE_EXPECTED = "a date, e.g. 2018-03-31, 31.03.2018, 31. 3. 2018. or 2018. 03. 31."
# Words after a date: "г." (bg, mk, sr), "god." / "godine" (hr, bs, sr), "r." (sl).
_DATE_SUFFIX = re.compile(r"\s*(г\.?|год\.?|година|годины|god\.?|godine|godina|r\.|yılı)\s*$",
                          re.IGNORECASE)
_SEP = r"\s*[./-]\s*"
_NUMERIC_YMD = re.compile(rf"(\d{{4}}){_SEP}(\d{{1,2}}){_SEP}(\d{{1,2}})\.?")  # 2018. 03. 15.
_NUMERIC_DMY = re.compile(rf"(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d{{4}}|\d{{2}})\.?")  # 15. 3. 2018.
_WORD = r"([^\W\d_]+\.?)"
_NAMED = (
    (re.compile(rf"(\d{{1,2}})\.?\s*{_WORD}\s*(\d{{4}})\.?"), "dmy"),  # 15. ožujka 2018.
    (re.compile(rf"(\d{{4}})\.?\s*{_WORD}\s*(\d{{1,2}})\.?"), "ymd"),  # 2018. március 15.
    (re.compile(rf"{_WORD}\s+(\d{{1,2}}),?\s+(\d{{4}})"), "mdy"),  # March 15, 2018
)


def _date_parts(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) from a date as the members write it, day first, or ISO."""
    text = _DATE_SUFFIX.sub("", text.strip()).strip()
    m = _NUMERIC_YMD.fullmatch(text)
    if m:
        return int(m[1]), int(m[2]), int(m[3])
    m = _NUMERIC_DMY.fullmatch(text)
    if m:
        year = int(m[3]) + (2000 if len(m[3]) == 2 else 0)
        return year, int(m[2]), int(m[1])
    for pattern, order in _NAMED:
        m = pattern.fullmatch(text)
        if not m:
            continue
        parts = dict(zip(order, m.groups(), strict=True))
        month = month_number(parts["m"])
        if month is not None:
            return int(parts["y"]), month, int(parts["d"])
    return None


_YES = {"yes", "y", "true", "1", "x", "da", "да", "po", "igen", "evet", "ναι", "nai", "ja",
        "oui", "si", "sí", "tak", "ano"}
_NO = {"no", "n", "false", "0", "ne", "не", "nu", "jo", "nem", "hayir", "hayır", "οχι",
       "όχι", "ochi", "nein", "non", "nie"}


def parse_yesno(value: Any) -> bool:
    """Yes or no in English or a member country's language; blank means no."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    key = clean_text(value).casefold().rstrip(".")
    if not key:
        return False
    if key in _YES or name_key(key) in _YES:
        return True
    if key in _NO or name_key(key) in _NO:
        return False
    raise CellError("not yes or no", "yes or no (blank = no)")


@functools.cache
def _choice_index(choices: tuple[str, ...]) -> dict[str, str]:
    return {name_key(c): c for c in choices}


def parse_code(value: Any, choices: Sequence[str]) -> str:
    """One of ``choices``, matched without regard to case, accents or spaces."""
    text = clean_text(value)
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    index = _choice_index(tuple(choices))
    hit = index.get(name_key(text))
    if hit is not None:
        return hit
    close = difflib.get_close_matches(name_key(text), list(index), n=1, cutoff=0.6)
    if not close:  # "Sea freight" -> "sea": a listed value written with more words
        words = f" {name_key(text)} "
        close = [k for k in index if k and f" {k} " in words][:1]
    listed = ", ".join(choices) if len(choices) <= 12 else "the Lists sheet"
    msg = "not one of the listed values"
    if close:
        msg += f"; did you mean {index[close[0]]!r}?"
    raise CellError(msg, f"one of {listed}")


def _reference(fn: Any, value: Any, what: str) -> str:
    try:
        return fn(clean_text(value))
    except ReferenceDataError as exc:
        msg = f"unknown {what}"
        if exc.suggestions:
            msg += "; did you mean " + " or ".join(repr(s) for s in exc.suggestions) + "?"
        elif exc.hint and "not a SELEC member" in exc.hint:
            # A real country, not one of the 13 (named without the value: rows marked not
            # for dissemination must not show it).
            msg = f"not a {what}: the name is a country that is not a SELEC member"
        raise CellError(msg, f"a {what} name or ISO code") from None


def parse_member(value: Any) -> str:
    """A member country's ISO alpha-2 code from any of its names."""
    return _reference(resolve_country, value, "member country")


def parse_world_country(value: Any) -> str:
    """Any country's ISO alpha-2 code."""
    return _reference(resolve_world_country, value, "country")


def parse_countries(value: Any) -> tuple[str, ...]:
    """Several countries separated by ``,``, ``;``, ``/``, ``-`` arrows or new lines.

    Official names with a comma stay whole (``Moldova, Republic of``): see
    :func:`octasee.reference.split_countries`.
    """
    text = clean_text(value)
    parts = split_countries(text)
    if not parts:
        raise CellError("no country", "country names or ISO codes, comma-separated")
    out: list[str] = []
    bad: list[str] = []
    for p in parts:
        try:
            out.append(parse_world_country(p))
        except CellError as exc:
            bad.append(f"{p.strip()!r} ({exc.message})")
    if bad:
        raise CellError("unknown " + ", ".join(bad),
                        "country names or ISO codes, comma-separated")
    return tuple(dict.fromkeys(out))


def parse_crime_area(value: Any) -> str:
    return _reference(resolve_crime_area, value, "crime area")


def parse_crime_areas(value: Any) -> tuple[str, ...]:
    parts = [p for p in re.split(r"\s*[;,/\n|]\s*", clean_text(value)) if p.strip()]
    if not parts:
        raise CellError("no crime area", "crime-area codes, comma-separated")
    return tuple(dict.fromkeys(parse_crime_area(p) for p in parts))


def parse_year(value: Any, first: int, last: int) -> int:
    """A year of the cycle ``first``..``last``."""
    if isinstance(value, dt.date | dt.datetime):
        year = value.year
    else:
        try:
            number = parse_number(value)
        except CellError as exc:
            raise CellError("not a year", f"a year from {first} to {last}") from exc
        if not float(number).is_integer():
            raise CellError("not a whole year", f"a year from {first} to {last}")
        year = int(number)
    if not first <= year <= last:
        raise CellError("year outside the cycle", f"a year from {first} to {last}")
    return year


_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


def parse_email(value: Any) -> str:
    text = clean_text(value)
    if not _EMAIL.match(text):
        raise CellError("not an e-mail address", "an address like name@agency.gov")
    return text


_MARKUP = re.compile(
    r"<\s*/?\s*(script|img|iframe|svg|object|embed|style|link|meta|a|div|span|p|b|i|u|br|"
    r"table|form|input|body|html|head|video|audio|math|base)\b[^>]*>"
    r"|\bjavascript\s*:|\bon(error|load|click|mouseover|focus)\s*=", re.IGNORECASE)


def find_markup(text: str) -> str | None:
    """The first piece of HTML markup or script in ``text``, or None."""
    m = _MARKUP.search(text)
    return m.group(0) if m else None
