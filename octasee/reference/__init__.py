"""Reference data: the 13 member countries and their names, crime areas, cycles.

The tables live beside this module as CSV files (``countries.csv``,
``country_aliases.csv``, ``crime_areas.csv``, ``cycles.csv``) so that an analyst can read
and extend them without touching code. Every source spells countries its own way; one
function, :func:`resolve_country`, turns any of those spellings into one ISO 3166 alpha-2
code, ignoring case, accents and punctuation:

>>> resolve_country("The former Yugoslav Republic of Macedonia")
'MK'
>>> resolve_country("  türkiye ")
'TR'
>>> resolve_country("Србија")
'RS'

Countries outside the region (a suspect's nationality, a route's origin) resolve through
:func:`resolve_world_country`, backed by the ISO 3166 tables of ``pycountry``.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from octasee.errors import ReferenceDataError

__all__ = [
    "MEMBER_CODES",
    "Country",
    "CrimeArea",
    "Cycle",
    "country",
    "country_name",
    "crime_area",
    "crime_areas",
    "cycle",
    "cycles",
    "members",
    "name_key",
    "resolve_country",
    "resolve_crime_area",
    "resolve_world_country",
]


@dataclass(frozen=True)
class Country:
    """A member country of SELEC as the OCTA-SEE reports name it."""

    iso2: str
    iso3: str
    numeric: str
    name: str
    official_name: str
    capital: str
    languages: tuple[str, ...]
    population_2017_m: float = 0.0  # mid-2017 residents, millions (World Bank, rounded)


@dataclass(frozen=True)
class CrimeArea:
    """One node of the crime-area taxonomy, mapped to GI-TOC markets and UNODC categories."""

    code: str
    label: str
    parent: str | None
    gitoc_2021: tuple[str, ...]
    gitoc_2023: tuple[str, ...]
    unodc_category: str
    aliases: tuple[str, ...] = ()

    def gitoc_markets(self, edition: int) -> tuple[str, ...]:
        """The GI-TOC criminal markets of ``edition`` (2021 or 2023) this area covers."""
        if edition == 2021:
            return self.gitoc_2021
        if edition == 2023:
            return self.gitoc_2023
        raise ReferenceDataError(f"no GI-TOC edition {edition}", hint="use 2021 or 2023")


@dataclass(frozen=True)
class Cycle:
    """An assessment cycle: the years it covers and the year its report is finalised."""

    code: str
    first_year: int
    last_year: int
    report_year: int
    title: str

    @property
    def years(self) -> range:
        return range(self.first_year, self.last_year + 1)


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def name_key(text: str) -> str:
    """Fold a name for matching: no case, accents, punctuation or repeated spaces.

    >>> name_key("  Bosnia-Herzegovina ")
    'bosnia herzegovina'
    >>> name_key("F.Y.R.O.M.")
    'fyrom'
    """
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("&", " and ").replace("ı", "i")
    # Dots inside abbreviations (F.Y.R.O.M.) vanish; other punctuation splits words.
    text = re.sub(r"(?<=\w)\.(?=\w)", "", text).replace(".", "")
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(text.split())


@cache
def members() -> tuple[Country, ...]:
    """The 13 member countries, in the order of their English names."""
    out = [
        Country(r["iso2"], r["iso3"], r["numeric"], r["name"], r["official_name"],
                r["capital"], tuple(r["languages"].split(";")),
                float(r.get("population_2017_m") or 0.0))
        for r in _rows("countries.csv")
    ]
    return tuple(sorted(out, key=lambda c: c.name))


MEMBER_CODES: tuple[str, ...] = tuple(c.iso2 for c in members())


@cache
def _member_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for c in members():
        for name in (c.iso2, c.iso3, c.numeric, c.name, c.official_name):
            index[name_key(name)] = c.iso2
    for r in _rows("country_aliases.csv"):
        key = name_key(r["alias"])
        if index.get(key, r["iso2"]) != r["iso2"]:
            raise ReferenceDataError(f"alias {r['alias']!r} names two countries",
                                     where="country_aliases.csv")
        index[key] = r["iso2"]
    return index


def _suggest(key: str, index: dict[str, str], label: dict[str, str], n: int = 3) -> list[str]:
    close = difflib.get_close_matches(key, list(index), n=12, cutoff=0.6)
    out: list[str] = []
    for k in close:
        s = label[index[k]]
        if s not in out:
            out.append(s)
    return out[:n]


def resolve_country(name: object) -> str:
    """Resolve any spelling of a member country to its ISO 3166 alpha-2 code.

    Raises :class:`ReferenceDataError` with the nearest names for anything else.

    >>> resolve_country("Republic of Moldova"), resolve_country("MKD"), resolve_country("Hrvatska")
    ('MD', 'MK', 'HR')
    """
    key = name_key(str(name)) if name is not None else ""
    code = _member_index().get(key)
    if code:
        return code
    labels = {c.iso2: f"{c.name} ({c.iso2})" for c in members()}
    suggestions = _suggest(key, _member_index(), labels)
    if not key:
        raise ReferenceDataError("no country given", hint="give a member country's name or ISO code")
    hint = None if suggestions else (
        "the member countries are " + ", ".join(c.name for c in members()))
    raise ReferenceDataError(f"unknown member country {str(name).strip()!r}",
                             suggestions=suggestions, **({"hint": hint} if hint else {}))


def country(code_or_name: object) -> Country:
    """The :class:`Country` for a member's code or any of its names.

    >>> country("Türkiye").iso3
    'TUR'
    """
    code = resolve_country(code_or_name)
    return next(c for c in members() if c.iso2 == code)


def country_name(code: str) -> str:
    """The English short name of a member or of any ISO 3166 country code.

    >>> country_name("MK"), country_name("AF")
    ('North Macedonia', 'Afghanistan')
    """
    try:
        return country(code).name
    except ReferenceDataError:
        pass
    import pycountry

    rec = pycountry.countries.get(alpha_2=str(code).upper())
    if rec is None:
        raise ReferenceDataError(f"unknown country code {code!r}")
    return getattr(rec, "common_name", None) or rec.name


@cache
def _world_index() -> tuple[dict[str, str], dict[str, str]]:
    import pycountry

    index: dict[str, str] = {}
    label: dict[str, str] = {}
    for rec in pycountry.countries:
        code = rec.alpha_2
        label[code] = f"{getattr(rec, 'common_name', None) or rec.name} ({code})"
        for attr in ("alpha_2", "alpha_3", "numeric", "name", "official_name", "common_name"):
            value = getattr(rec, attr, None)
            if value:
                index.setdefault(name_key(value), code)
    # Historical and everyday names that ISO does not carry.
    extra = {
        "kosovo": "XK", "xk": "XK", "xkx": "XK", "russia": "RU", "syria": "SY", "iran": "IR",
        "vietnam": "VN", "south korea": "KR", "north korea": "KP", "palestine": "PS",
        "congo kinshasa": "CD", "dr congo": "CD", "czech republic": "CZ", "great britain": "GB",
        "england": "GB", "united kingdom": "GB", "uk": "GB", "usa": "US", "united states": "US",
        "ivory coast": "CI", "bolivia": "BO", "venezuela": "VE", "tanzania": "TZ", "laos": "LA",
        "the netherlands": "NL", "holland": "NL",
    }
    label["XK"] = "Kosovo (XK)"
    index.update(extra)
    index.update(_member_index())
    for c in members():
        label[c.iso2] = f"{c.name} ({c.iso2})"
    return index, label


def resolve_world_country(name: object) -> str:
    """Resolve any country of the world (ISO 3166 plus Kosovo, ``XK``) to alpha-2.

    Member countries accept all their aliases here too.

    >>> resolve_world_country("Afghanistan"), resolve_world_country("PAK"), resolve_world_country("Türkiye")
    ('AF', 'PK', 'TR')
    """
    index, label = _world_index()
    key = name_key(str(name)) if name is not None else ""
    code = index.get(key)
    if code:
        return code
    if not key:
        raise ReferenceDataError("no country given", hint="give a country name or ISO code")
    raise ReferenceDataError(f"unknown country {str(name).strip()!r}",
                             suggestions=_suggest(key, index, label))


@cache
def crime_areas() -> tuple[CrimeArea, ...]:
    """The crime-area taxonomy, parents before their children."""

    def split(v: str) -> tuple[str, ...]:
        return tuple(x for x in v.split(";") if x)

    return tuple(
        CrimeArea(r["code"], r["label"], r["parent"] or None, split(r["gitoc_2021"]),
                  split(r["gitoc_2023"]), r["unodc_category"], split(r.get("aliases", "")))
        for r in _rows("crime_areas.csv")
    )


def resolve_crime_area(name: object) -> str:
    """Resolve a crime-area code or label to its code.

    >>> resolve_crime_area("Trafficking in human beings"), resolve_crime_area("HEROIN")
    ('thb', 'heroin')
    >>> resolve_crime_area("money laundering"), resolve_crime_area("THB")
    ('economic_crime', 'thb')
    """
    index: dict[str, str] = {}
    for a in crime_areas():
        for alias in (a.code, a.code.replace("_", " "), a.label, *a.aliases):
            index[name_key(alias)] = a.code
    key = name_key(str(name)) if name is not None else ""
    if key in index:
        return index[key]
    labels = {a.code: a.code for a in crime_areas()}
    raise ReferenceDataError(f"unknown crime area {str(name).strip()!r}",
                             suggestions=_suggest(key, index, labels))


def crime_area(code: str) -> CrimeArea:
    """The :class:`CrimeArea` for a code or label.

    >>> crime_area("cannabis").parent
    'drugs'
    """
    code = resolve_crime_area(code)
    return next(a for a in crime_areas() if a.code == code)


@cache
def cycles() -> tuple[Cycle, ...]:
    """The known cycles, oldest first."""
    return tuple(
        Cycle(r["cycle"], int(r["first_year"]), int(r["last_year"]), int(r["report_year"]),
              r["title"])
        for r in _rows("cycles.csv")
    )


def cycle(code: object) -> Cycle:
    """The :class:`Cycle` named ``code``; any ``YYYY-YYYY`` span is accepted as a new cycle.

    >>> c = cycle("2013-2017"); (c.first_year, c.last_year, c.report_year)
    (2013, 2017, 2018)
    >>> cycle("2023-2027").report_year
    2028
    """
    text = str(code).strip().replace("–", "-").replace("—", "-")
    for c in cycles():
        if c.code == text:
            return c
    m = re.fullmatch(r"(\d{4})\s*-\s*(\d{4})", text)
    if m and int(m.group(1)) <= int(m.group(2)):
        first, last = int(m.group(1)), int(m.group(2))
        return Cycle(f"{first}-{last}", first, last, last + 1, f"OCTA-SEE {first}-{last}")
    known = [c.code for c in cycles()]
    raise ReferenceDataError(
        f"unknown cycle {text!r}",
        suggestions=difflib.get_close_matches(text, known, n=2, cutoff=0.5),
        **({} if difflib.get_close_matches(text, known, n=1, cutoff=0.5) else
           {"hint": "write a cycle as FIRST-LAST years, e.g. 2013-2017"}),
    )


def codes(values: Iterable[object]) -> list[str]:
    """Resolve several member-country names at once (keeps order, drops repeats)."""
    out: list[str] = []
    for v in values:
        c = resolve_country(v)
        if c not in out:
            out.append(c)
    return out
