"""Which edition or year of each public source a cycle's report uses.

Sections never name a year: they ask :func:`editions` and print what it chose. The
defaults follow the cycle and the data shipped with octasee; a workspace overrides them
in ``[editions]`` of its ``octasee.toml`` (:class:`octasee.workspace.EditionsSettings`).

- **GI-TOC** (Global Organized Crime Index): editions 2021 and 2023 only. The analysis
  (vulnerability, the criminality and resilience quadrant) uses the latest edition not
  after the cycle's last year; a cycle older than every edition (2009-2012, 2013-2017)
  gets the earliest, and :attr:`Editions.gitoc_note` says that it is later than the
  cycle. GI-TOC tables print every edition side by side.
- **TI CPI** (Corruption Perceptions Index, 2012-2017 shipped): the cycle's last year,
  else the nearest year shipped (:attr:`Editions.cpi_note` says so); its table prints
  the cycle's years that are shipped.
- **Vulnerability** (corruption and low resilience beside the threat) takes both from
  these: a CPI year of the cycle where the extract has one, and the GI-TOC edition above;
  :attr:`Editions.vulnerability_note` says which, and which of them is later (or earlier)
  than the cycle, in one sentence for the method text.
- **Base year**: the year changes over the cycle are measured from (the cycle's first).

A note says why an edition or year outside the cycle is used: no edition or year of the
cycle's own exists, or the workspace chose it in ``[editions]`` although one exists.

>>> e = editions("2013-2017")
>>> e.gitoc, e.gitoc_tables, e.gitoc_later, e.cpi_year, e.cpi_years, e.base_year
(2021, (2021, 2023), True, 2017, (2013, 2014, 2015, 2016, 2017), 2013)
>>> e.gitoc_note
'GI-TOC has no edition for 2013-2017: the 2021 edition, published after the cycle, stands in for it.'
>>> e.vulnerability_note
'Vulnerability rests on the TI CPI 2017, a year of the cycle, and on the GI-TOC 2021 edition, published after the cycle (GI-TOC has no edition for 2013-2017).'
>>> editions("2018-2022").gitoc, editions("2018-2022").cpi_year
(2021, 2017)
"""

from __future__ import annotations

from dataclasses import dataclass

from octasee.config import Source
from octasee.errors import ConfigError
from octasee.reference import Cycle
from octasee.reference import cycle as get_cycle
from octasee.sources.cpi import YEARS as CPI_YEARS
from octasee.sources.gitoc import EDITIONS as GITOC_EDITIONS
from octasee.workspace import CONFIG_NAME, EditionsSettings, Workspace

__all__ = ["Editions", "editions"]


@dataclass(frozen=True)
class Editions:
    """The editions and years one cycle's report uses (see the module docstring)."""

    cycle: str
    first_year: int
    last_year: int
    #: The GI-TOC edition the analysis uses.
    gitoc: int
    #: The GI-TOC editions tables print side by side, oldest first.
    gitoc_tables: tuple[int, ...]
    #: The TI CPI year the analysis uses.
    cpi_year: int
    #: The TI CPI years tables print (the cycle's years that are shipped; may be empty).
    cpi_years: tuple[int, ...]
    #: The year changes over the cycle are measured from.
    base_year: int

    @property
    def gitoc_later(self) -> bool:
        """Whether the GI-TOC edition used is later than the cycle."""
        return self.gitoc > self.last_year

    @property
    def gitoc_of_cycle(self) -> tuple[int, ...]:
        """The GI-TOC editions shipped that fall in the cycle's years (may be none)."""
        return tuple(e for e in GITOC_EDITIONS if self.first_year <= e <= self.last_year)

    @property
    def gitoc_note(self) -> str:
        """A sentence when the GI-TOC edition used is not of the cycle's years: later or
        earlier, and why (GI-TOC has none of the cycle's, or the workspace chose it);
        else ""."""
        if self.first_year <= self.gitoc <= self.last_year:
            return ""
        side = "after" if self.gitoc_later else "before"
        own = self.gitoc_of_cycle
        if own:
            return (f"The GI-TOC {self.gitoc} edition, chosen in the workspace's "
                    f"[editions], was published {side} the {self.cycle} cycle, whose years "
                    f"the {_words(own)} edition{'s' if len(own) > 1 else ''} cover"
                    f"{'' if len(own) > 1 else 's'}.")
        if self.gitoc_later:
            return (f"GI-TOC has no edition for {self.cycle}: the {self.gitoc} edition, "
                    "published after the cycle, stands in for it.")
        return (f"GI-TOC has no edition for {self.cycle} yet: the {self.gitoc} edition, "
                "published before the cycle, stands in for it.")

    @property
    def cpi_note(self) -> str:
        """A sentence when the CPI year used is outside the cycle (why: the extract has
        none of its years, or the workspace chose it); else ""."""
        if self.first_year <= self.cpi_year <= self.last_year:
            return ""
        side = "after" if self.cpi_year > self.last_year else "before"
        if self.cpi_years:
            return (f"The CPI year used, {self.cpi_year}, chosen in the workspace's "
                    f"[editions], is {side} the {self.cycle} cycle, whose years "
                    f"{self.cpi_years[0]}-{self.cpi_years[-1]} the CPI extract has.")
        return (f"The CPI year used, {self.cpi_year}, is {side} the {self.cycle} cycle: "
                "the CPI extract shipped with octasee covers "
                f"{CPI_YEARS[0]}-{CPI_YEARS[-1]}.")

    @property
    def vulnerability_note(self) -> str:
        """One sentence: the CPI year and the GI-TOC edition vulnerability rests on, each
        said to be of the cycle, or later or earlier than it and why."""
        def when(year: int, own: bool, none: str) -> str:
            if self.first_year <= year <= self.last_year:
                return "a year of the cycle" if none == "year" else "published in the cycle"
            side = "after" if year > self.last_year else "before"
            verb = "from" if none == "year" else "published"
            why = ("chosen in the workspace's [editions]" if own else
                   "the CPI extract shipped with octasee has no year of the cycle"
                   if none == "year" else f"GI-TOC has no edition for {self.cycle}")
            return f"{verb} {side} the cycle ({why})"

        return (f"Vulnerability rests on the TI CPI {self.cpi_year}, "
                f"{when(self.cpi_year, bool(self.cpi_years), 'year')}, and on the GI-TOC "
                f"{self.gitoc} edition, "
                f"{when(self.gitoc, bool(self.gitoc_of_cycle), 'edition')}.")


def _words(years: tuple[int, ...]) -> str:
    """2021; 2021 and 2023; 2019, 2021 and 2023."""
    items = [str(y) for y in years]
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else items[0]


def _default_gitoc(last_year: int) -> int:
    """The latest GI-TOC edition not after ``last_year``, else the earliest."""
    earlier = [e for e in GITOC_EDITIONS if e <= last_year]
    return max(earlier) if earlier else min(GITOC_EDITIONS)


def _default_cpi(last_year: int) -> int:
    """``last_year`` if the CPI extract has it, else the nearest year it has."""
    return min(max(last_year, CPI_YEARS[0]), CPI_YEARS[-1])


def editions(cycle: Cycle | str, settings: EditionsSettings | Workspace | None = None
             ) -> Editions:
    """The editions and years the report of ``cycle`` uses: ``settings`` (a workspace's
    ``[editions]``, or the workspace itself) where they say, else the defaults.

    Raises :class:`ConfigError`, naming ``octasee.toml`` and the line when a workspace is
    given, for a GI-TOC edition or a CPI year that octasee does not ship.

    >>> editions("2013-2017", EditionsSettings(gitoc=2023, cpi_year=2015)).gitoc
    2023
    >>> editions("2013-2017", EditionsSettings(gitoc=2019))
    Traceback (most recent call last):
    ...
    octasee.errors.ConfigError: key editions.gitoc: there is no GI-TOC edition 2019; use 2021 or 2023, or remove the line for the default
    """
    c = cycle if isinstance(cycle, Cycle) else get_cycle(cycle)
    src = Source()
    if isinstance(settings, Workspace):
        src = Source(str(settings.path / CONFIG_NAME), settings.text, settings.config,
                     "toml" if settings.text else "")
        settings = settings.settings.editions
    s = settings or EditionsSettings()

    def refuse(key: str, what: str, hint: str) -> ConfigError:
        return ConfigError(f"key editions.{key}: {what}", where=src.where(("editions", key)),
                           hint=hint)

    shipped = " or ".join(map(str, GITOC_EDITIONS))
    for e in (s.gitoc, *s.gitoc_tables):
        if e is not None and e not in GITOC_EDITIONS:
            key = "gitoc" if e == s.gitoc else "gitoc_tables"
            raise refuse(key, f"there is no GI-TOC edition {e}",
                         f"use {shipped}, or remove the line for the default")
    if s.cpi_year is not None and s.cpi_year not in CPI_YEARS:
        raise refuse("cpi_year", f"the CPI extract has no year {s.cpi_year}",
                     f"use a year from {CPI_YEARS[0]} to {CPI_YEARS[-1]}, or remove the line "
                     "for the default")
    return Editions(
        cycle=c.code, first_year=c.first_year, last_year=c.last_year,
        gitoc=s.gitoc if s.gitoc is not None else _default_gitoc(c.last_year),
        gitoc_tables=tuple(sorted(set(s.gitoc_tables or GITOC_EDITIONS))),
        cpi_year=s.cpi_year if s.cpi_year is not None else _default_cpi(c.last_year),
        cpi_years=tuple(y for y in CPI_YEARS if c.first_year <= y <= c.last_year),
        base_year=s.base_year if s.base_year is not None else c.first_year)
