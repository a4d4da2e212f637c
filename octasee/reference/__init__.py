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
:func:`resolve_world_country`, backed by the ISO 3166 tables of ``pycountry`` and by
``world_aliases.csv``: the names of the route countries (and of the members) in the
members' languages, in Latin, Cyrillic and Greek script (``Сирија``, ``Avganistan``,
``Szíria``, ``Kosova``). :func:`split_countries` splits a cell that lists several.
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
from octasee.reference.publication import (
    KOSOVO_FOOTNOTE,
    GlossaryEntry,
    PublicIndicator,
    SourceEntry,
    glossary,
    public_indicators,
    source,
    sources,
)

__all__ = [
    "KOSOVO_FOOTNOTE",
    "MEMBER_CODES",
    "Country",
    "CrimeArea",
    "Cycle",
    "GlossaryEntry",
    "PublicIndicator",
    "SourceEntry",
    "country",
    "country_name",
    "crime_area",
    "crime_areas",
    "cycle",
    "cycles",
    "gitoc_market_areas",
    "glossary",
    "members",
    "name_key",
    "public_indicators",
    "resolve_country",
    "resolve_crime_area",
    "resolve_world_country",
    "source",
    "sources",
    "split_countries",
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
    """One node of the crime-area taxonomy, mapped to GI-TOC markets and UNODC categories.

    ``gitoc_2021`` / ``gitoc_2023``: the GI-TOC criminal markets of each edition the area
    covers (a parent area all of its children's); ``gitoc_resilience``: the GI-TOC
    resilience indicators most directly concerned with the area (by GI-TOC's definitions:
    territorial integrity for flows across borders and cyberspace, anti-money laundering
    for money laundering ...), which a country profile shows beside its market scores.
    """

    code: str
    label: str
    parent: str | None
    gitoc_2021: tuple[str, ...]
    gitoc_2023: tuple[str, ...]
    unodc_category: str
    aliases: tuple[str, ...] = ()
    gitoc_resilience: tuple[str, ...] = ()

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
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


# Letters that look the same in Latin and Cyrillic (after case folding). A word typed on
# a Serbian or Macedonian keyboard often mixes them ("Србиjа" with a Latin j); such a word
# is folded to the script most of its letters are in, so that it still matches.
_LATIN_LIKE = "abcehjkmoptxy"
_CYRILLIC_LIKE = "авсенјкмортху"
_TO_CYRILLIC = str.maketrans(_LATIN_LIKE, _CYRILLIC_LIKE)
_TO_LATIN = str.maketrans(_CYRILLIC_LIKE + "іѕ", _LATIN_LIKE + "is")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_ASCII_LETTER = re.compile("[a-z]")


def _one_script(word: str) -> str:
    if word.isascii():
        return word
    cyrillic = len(_CYRILLIC.findall(word))
    latin = len(_ASCII_LETTER.findall(word))
    if not cyrillic or not latin:
        return word
    return word.translate(_TO_CYRILLIC if cyrillic >= latin else _TO_LATIN)


def name_key(text: str) -> str:
    """Fold a name for matching: no case, accents, punctuation or repeated spaces.

    >>> name_key("  Bosnia-Herzegovina ")
    'bosnia herzegovina'
    >>> name_key("F.Y.R.O.M.")
    'fyrom'

    Any Unicode normal form gives the same key (composed "ë" or "e" plus a combining
    diaeresis), Serbo-Croatian "đ" is the "dj" of plain-ASCII spelling, and a word that
    mixes look-alike Latin and Cyrillic letters is read in the script of most of them:

    >>> name_key("Mađarska"), name_key("Србиjа") == name_key("Србија")
    ('madjarska', True)
    """
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("&", " and ").replace("ı", "i").replace("đ", "dj")
    # Dots inside abbreviations (F.Y.R.O.M.) vanish; other punctuation splits words.
    text = re.sub(r"(?<=\w)\.(?=\w)", "", text).replace(".", "")
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(_one_script(word) for word in text.split())


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
def _world_aliases() -> tuple[dict[str, str], ...]:
    """The rows of ``world_aliases.csv``: country names in the members' languages."""
    return tuple(_rows("world_aliases.csv"))


@cache
def _member_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for c in members():
        for name in (c.iso2, c.iso3, c.numeric, c.name, c.official_name):
            index[name_key(name)] = c.iso2
    rows = [(r, "country_aliases.csv") for r in _rows("country_aliases.csv")]
    rows += [(r, "world_aliases.csv") for r in _world_aliases() if r["iso2"] in MEMBER_CODES]
    for r, where in rows:
        key = name_key(r["alias"])
        if index.get(key, r["iso2"]) != r["iso2"]:
            raise ReferenceDataError(f"alias {r['alias']!r} names two countries", where=where)
        index[key] = r["iso2"]
    return index


# A did-you-mean is offered only for a close match (difflib ratio of the folded names) that
# is clearly closer than the best name of any other country: "Serbja" is Serbia, but
# "Срија" is one letter from Сирија (Syria) and one from Србија (Serbia), so no guess.
SUGGEST_CUTOFF = 0.8
SUGGEST_MARGIN = 0.1


def _script(key: str) -> frozenset[str]:
    """The scripts of a folded name's letters (LATIN, CYRILLIC, GREEK ...)."""
    return frozenset(unicodedata.name(ch, "?").split(" ")[0] for ch in key if ch.isalpha())


def _suggest(key: str, index: dict[str, str]) -> list[str]:
    """The one code whose name is close to ``key`` and clearly closer than any other's.

    Candidates are names in the same script as ``key``: a Cyrillic word is compared with
    Cyrillic names only, so a suggestion always rests on a name written like the input.
    """
    if not key:
        return []
    script = _script(key)
    floor = SUGGEST_CUTOFF - SUGGEST_MARGIN  # below this a name cannot change the answer
    best: dict[str, float] = {}
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(key)
    for name, code in index.items():
        matcher.set_seq1(name)
        if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
            continue
        ratio = matcher.ratio()
        if ratio >= floor and ratio > best.get(code, 0.0) and _script(name) == script:
            best[code] = ratio
    ranked = sorted(best.items(), key=lambda item: -item[1])
    if not ranked or ranked[0][1] < SUGGEST_CUTOFF:
        return []
    if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < SUGGEST_MARGIN:
        return []
    return [ranked[0][0]]


def resolve_country(name: object) -> str:
    """Resolve any spelling of a member country to its ISO 3166 alpha-2 code.

    Raises :class:`ReferenceDataError` for anything else, suggesting a member only when it
    is the one close name among all the countries of the world: ``Сирија`` (Syria) is one
    letter from ``Србија`` but is not offered Serbia.

    >>> resolve_country("Republic of Moldova"), resolve_country("MKD"), resolve_country("Hrvatska")
    ('MD', 'MK', 'HR')
    """
    key = name_key(str(name)) if name is not None else ""
    code = _member_index().get(key)
    if code:
        return code
    if not key:
        raise ReferenceDataError("no country given", hint="give a member country's name or ISO code")
    index, labels = _world_index()
    world = index.get(key)
    # The rivals of a member are all the world's names, so that a non-member's name (or a
    # typo of one) never turns into the member it happens to look like.
    suggestions = [] if world else [
        labels[c] for c in _suggest(key, index) if c in MEMBER_CODES]
    hint = None if suggestions else (
        "the member countries are " + ", ".join(c.name for c in members()))
    if world:  # "Сирија": a real country, just not a member
        hint = f"{labels[world]} is not a SELEC member; {hint}"
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

    >>> country_name("MK"), country_name("AF"), country_name("XK")
    ('North Macedonia', 'Afghanistan', 'Kosovo*')
    """
    try:
        return country(code).name
    except ReferenceDataError:
        pass
    import pycountry

    if str(code).upper() in _NON_ISO:
        return _NON_ISO[str(code).upper()]
    rec = pycountry.countries.get(alpha_2=str(code).upper())
    if rec is None:
        raise ReferenceDataError(f"unknown country code {code!r}")
    return getattr(rec, "common_name", None) or rec.name


# Codes in use that ISO 3166 does not assign (user-assigned range): Kosovo as the EU writes
# it, "Kosovo*" with the footnote KOSOVO_FOOTNOTE (the report adds it to each chapter
# that names Kosovo).
_NON_ISO = {"XK": "Kosovo*"}


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
    label.update({code: f"{name} ({code})" for code, name in _NON_ISO.items()})
    # Everyday, historical and local-language names that ISO does not carry.
    aliases: dict[str, str] = {}
    for r in _world_aliases():
        key, code = name_key(r["alias"]), r["iso2"]
        if code not in label:
            raise ReferenceDataError(f"unknown country code {code!r} for {r['alias']!r}",
                                     where="world_aliases.csv")
        if aliases.get(key, code) != code or _member_index().get(key, code) != code:
            raise ReferenceDataError(f"alias {r['alias']!r} names two countries",
                                     where="world_aliases.csv")
        aliases[key] = code
    index.update(aliases)
    index.update(_member_index())
    for c in members():
        label[c.iso2] = f"{c.name} ({c.iso2})"
    return index, label


def resolve_world_country(name: object) -> str:
    """Resolve any country of the world (ISO 3166 plus Kosovo, ``XK``) to alpha-2.

    Member countries accept all their aliases here too, and the countries of
    ``world_aliases.csv`` their names in the members' languages.

    >>> resolve_world_country("Afghanistan"), resolve_world_country("PAK"), resolve_world_country("Türkiye")
    ('AF', 'PK', 'TR')
    >>> resolve_world_country("Сирија"), resolve_world_country("Avganistan"), resolve_world_country("Kosova")
    ('SY', 'AF', 'XK')
    """
    index, label = _world_index()
    key = name_key(str(name)) if name is not None else ""
    code = index.get(key)
    if code:
        return code
    if not key:
        raise ReferenceDataError("no country given", hint="give a country name or ISO code")
    raise ReferenceDataError(f"unknown country {str(name).strip()!r}",
                             suggestions=[label[c] for c in _suggest(key, index)])


# Between the countries of a list: , ; / | new line, arrows (-> => → > ») and a dash with
# spaces on both sides ("Turkey - Bulgaria"; "Guinea-Bissau" is one name).
_SEPARATOR = re.compile(r"\s*(?:->|=>|→|⇒|»|>|[,;/|\n\r]|(?<=\s)[-–—](?=\s))\s*")
# Only these may fall inside one name: "Moldova, Republic of", "Kosovo (UNSCR 1244/99)",
# "Βοσνία - Ερζεγοβίνη". A name never spans ; | a new line or an arrow.
_INSIDE_A_NAME = re.compile(r"(?:\s*(?:[,/]|[-–—])\s*)+")
_BULLETS = " \t-–—•·*"


def split_countries(text: object) -> list[str]:
    """Split a cell that lists several countries, keeping each country's name whole.

    Separators are ``,`` ``;`` ``/`` ``|``, new lines, arrows (``->``, ``→``, ``>``) and a
    dash between spaces. A name that itself holds a comma, a slash or a spaced dash, as ISO's
    inverted official names do, stays one piece when the joined text is a known name.
    The pieces are returned as written (stripped), not resolved; unknown ones stay.

    >>> split_countries("Serbia, Moldova, Republic of; Iran, Islamic Republic of")
    ['Serbia', 'Moldova, Republic of', 'Iran, Islamic Republic of']
    >>> split_countries("Afghanistan -> Iran → Türkiye - Bulgaria / Guinea-Bissau")
    ['Afghanistan', 'Iran', 'Türkiye', 'Bulgaria', 'Guinea-Bissau']
    """
    text = "" if text is None else str(text)
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SEPARATOR.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    spans = [(a, b) for a, b in spans if text[a:b].strip(_BULLETS)]
    known = _world_index()[0]
    out: list[str] = []
    i = 0
    while i < len(spans):
        j = i  # the longest run of pieces from i that is one known name
        for k in range(min(len(spans), i + 4) - 1, i, -1):
            between = [text[spans[n][1]:spans[n + 1][0]] for n in range(i, k)]
            if (all(_INSIDE_A_NAME.fullmatch(b) for b in between)
                    and name_key(text[spans[i][0]:spans[k][1]]) in known):
                j = k
                break
        out.append(text[spans[i][0]:spans[j][1]].strip(_BULLETS))
        i = j + 1
    return out


@cache
def crime_areas() -> tuple[CrimeArea, ...]:
    """The crime-area taxonomy, parents before their children."""

    def split(v: str) -> tuple[str, ...]:
        return tuple(x for x in v.split(";") if x)

    return tuple(
        CrimeArea(r["code"], r["label"], r["parent"] or None, split(r["gitoc_2021"]),
                  split(r["gitoc_2023"]), r["unodc_category"], split(r.get("aliases", "")),
                  split(r.get("gitoc_resilience", "")))
        for r in _rows("crime_areas.csv")
    )


def gitoc_market_areas(edition: int) -> dict[str, str]:
    """The GI-TOC criminal markets of ``edition`` (2021 or 2023) that match a crime area,
    each with the most specific area that lists it (``crime_areas.csv``: a market a parent
    area and its child both list is the child's). Markets no area lists (2023's extortion
    and protection racketeering) are not in it.

    >>> m = gitoc_market_areas(2023)
    >>> m["Heroin trade"], m["Human smuggling"], m["Financial crimes"], m["Flora crimes"]
    ('heroin', 'migrant_smuggling', 'economic_crime', 'environmental_crime')
    >>> "Financial crimes" in gitoc_market_areas(2021)
    False
    """
    return dict(_market_areas(edition))


@cache
def _market_areas(edition: int) -> tuple[tuple[str, str], ...]:
    out: dict[str, str] = {}
    for a in crime_areas():
        for market in a.gitoc_markets(edition):
            if market not in out or a.parent == out[market]:
                out[market] = a.code
    return tuple(out.items())


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
    raise ReferenceDataError(f"unknown crime area {str(name).strip()!r}",
                             suggestions=_suggest(key, index))


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
