"""Reference data of the report as a publication: glossary, sources, public indicators.

Three CSV files beside this module, which analysts edit without touching code (the
report's back matter, :mod:`octasee.chapters.backmatter`, renders them):

- ``glossary.csv``: ``term, kind (abbreviation | term), definition, source, names``
  (``names``, optional: regular expressions, separated by ``|``, that find the entry in
  the report's text where the term alone would not, e.g. ``KJ\\d+`` for ``KJ``; the
  merge keeps the entries the report uses, :func:`GlossaryEntry.used_in`);
- ``sources.csv``: every source the report may cite: ``key`` (the name a chapter passes
  as ``source=`` where it has one), ``kind`` (``questionnaire``, ``data`` for a public
  data set, ``literature``), ``names`` (regular expressions, separated by ``|``, that
  name the source in the report's text and source lines), ``citation``, ``edition``
  (``{cycle}`` is filled in) and ``url``;
- ``public_indicators.csv``: the public reference indicators the report prints, with
  their unit, what they count and the ``source`` key they come from.

Kosovo is named ``Kosovo*`` wherever it appears, with :data:`KOSOVO_FOOTNOTE`.

>>> [e.term for e in glossary() if e.term in ("ND", "OCG")]
['ND', 'OCG']
>>> source("cpi").url
'https://www.transparency.org/en/cpi'
>>> source("frontex").named_in("Source: Frontex, detections of illegal border crossings")
True
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from octasee.errors import ReferenceDataError

__all__ = ["KOSOVO_FOOTNOTE", "GlossaryEntry", "PublicIndicator", "SourceEntry", "glossary",
           "public_indicators", "source", "sources"]

#: The standard footnote of EU and UN documents wherever Kosovo is named ("Kosovo*").
KOSOVO_FOOTNOTE = ("*This designation is without prejudice to positions on status, and is "
                   "in line with UNSCR 1244/1999 and the ICJ Opinion on the Kosovo "
                   "declaration of independence.")

_KINDS = {"glossary.csv": ("abbreviation", "term"),
          "sources.csv": ("questionnaire", "data", "literature")}


@dataclass(frozen=True)
class GlossaryEntry:
    """One line of the glossary: an abbreviation and its expansion, or a term defined."""

    term: str
    kind: str
    definition: str
    source: str = ""
    names: str = ""

    @property
    def pattern(self) -> re.Pattern[str]:
        """What finds the entry in the report's text, whole words only: its ``names``, else
        the term itself. An abbreviation matches as written (with a plural ``s``: OCGs;
        in a compound word, high-THC, but not as part of another abbreviation, OCTA-SEE);
        a term in any case, singular or plural ("crime areas")."""
        if self.kind == "abbreviation":
            body = self.names or re.escape(self.term)
            return re.compile(rf"(?<!\w)(?<![A-Z0-9]-)(?:{body})s?(?!\w)(?!-[A-Z0-9])")
        body = self.names or re.escape(self.term) + "(?:s|es)?"
        return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)

    def used_in(self, text: str) -> bool:
        """Whether ``text`` (plain text, no markup) uses this entry.

        >>> GlossaryEntry("OCG", "abbreviation", "Organised crime group").used_in("3 OCGs")
        True
        >>> GlossaryEntry("EU", "abbreviation", "European Union").used_in("EUR 5")
        False
        >>> [GlossaryEntry("SEE", "abbreviation", "South East Europe").used_in(t)
        ...  for t in ("OCTA-SEE", "SEE countries", "high-SEE")]
        [False, True, True]
        >>> GlossaryEntry("Crime area", "term", "One of ...").used_in("by crime areas")
        True
        """
        return bool(self.pattern.search(text))


@dataclass(frozen=True)
class SourceEntry:
    """A source the report may cite, with the patterns that name it in the text."""

    key: str
    kind: str
    names: str
    citation: str
    edition: str = ""
    url: str = ""

    @property
    def pattern(self) -> re.Pattern[str]:
        """The names as one regular expression, whole words only."""
        return re.compile(rf"(?<![\w-])(?:{self.names})(?![\w-])")

    def named_in(self, text: str) -> bool:
        """Whether ``text`` names this source."""
        return bool(self.pattern.search(text))


@dataclass(frozen=True)
class PublicIndicator:
    """A public reference indicator the report prints: unit, what it counts, source key."""

    indicator: str
    unit: str
    definition: str
    source: str


#: The columns a row may leave empty.
_OPTIONAL = frozenset({"source", "edition", "url", "names"})


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("octasee.reference").joinpath(name).read_text(encoding="utf-8")
    rows = list(csv.DictReader(line for line in text.splitlines()
                               if not line.startswith("#")))
    for n, r in enumerate(rows, start=2):
        missing = [k for k, v in r.items() if k not in _OPTIONAL and not (v or "").strip()]
        if missing:
            raise ReferenceDataError(f"empty {', '.join(missing)}", where=f"{name}, row {n}",
                                     hint="fill in every column but "
                                          + ", ".join(sorted(_OPTIONAL)))
        kinds = _KINDS.get(name)
        if kinds and r.get("kind") not in kinds:
            raise ReferenceDataError(f"kind {r.get('kind')!r} is not one of {', '.join(kinds)}",
                                     where=f"{name}, row {n}")
    return rows


@cache
def glossary() -> tuple[GlossaryEntry, ...]:
    """The glossary, sorted by term (case-insensitive)."""
    out = [GlossaryEntry(r["term"].strip(), r["kind"], r["definition"].strip(),
                         (r.get("source") or "").strip(), (r.get("names") or "").strip())
           for r in _rows("glossary.csv")]
    seen: set[str] = set()
    for n, e in enumerate(out, start=2):
        if e.term.casefold() in seen:
            raise ReferenceDataError(f"term {e.term!r} is defined twice", where="glossary.csv")
        seen.add(e.term.casefold())
        try:
            e.pattern  # noqa: B018  (checked here, not when the report is built)
        except re.error as exc:
            raise ReferenceDataError(f"the names of {e.term!r} are not a valid pattern "
                                     f"({exc})", where=f"glossary.csv, row {n}",
                                     hint="separate names with |; escape ( ) . as "
                                          "\\( \\) \\.") from None
    return tuple(sorted(out, key=lambda e: e.term.casefold()))


@cache
def sources() -> tuple[SourceEntry, ...]:
    """Every source the report may cite, in the file's order."""
    out = []
    for n, r in enumerate(_rows("sources.csv"), start=2):
        entry = SourceEntry(r["key"].strip(), r["kind"], r["names"].strip(),
                            r["citation"].strip(), (r.get("edition") or "").strip(),
                            (r.get("url") or "").strip())
        try:
            entry.pattern  # noqa: B018  (checked here, not when the report is built)
        except re.error as exc:
            raise ReferenceDataError(f"the names of {entry.key!r} are not a valid pattern "
                                     f"({exc})", where=f"sources.csv, row {n}",
                                     hint="separate names with |; escape ( ) . as "
                                          "\\( \\) \\.") from None
        out.append(entry)
    return tuple(out)


def source(key: str) -> SourceEntry:
    """The source ``key`` of ``sources.csv``; an unknown key is a ReferenceDataError."""
    for s in sources():
        if s.key == key:
            return s
    raise ReferenceDataError(f"unknown source {key!r}", where="sources.csv",
                             hint="known: " + ", ".join(s.key for s in sources()))


@cache
def public_indicators() -> tuple[PublicIndicator, ...]:
    """The public reference indicators, each with a source key of ``sources.csv``."""
    out = tuple(PublicIndicator(r["indicator"].strip(), r["unit"].strip(),
                                r["definition"].strip(), r["source"].strip())
                for r in _rows("public_indicators.csv"))
    for p in out:
        source(p.source)
    return out
