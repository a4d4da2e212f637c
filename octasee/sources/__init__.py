"""Public data sets as tidy tables keyed by the member countries' ISO alpha-2 codes.

Each data set has its own adapter module (:mod:`~octasee.sources.gitoc`,
:mod:`~octasee.sources.glotip`, :mod:`~octasee.sources.frontex`,
:mod:`~octasee.sources.cpi`) that reads an extract shipped in ``octasee/sources/data``
(origins, filters and checksums in ``data/PROVENANCE.md``). Every table ends with the
same provenance columns: ``source`` (the registry name's data set), ``source_file``,
``source_row`` (the row in that file, header = row 1) and ``citation`` (the text to
print wherever the figures appear; also in ``df.attrs["citation"]``).

The registry gives one entry point for all of them:

>>> available()
('cpi', 'frontex_annual', 'frontex_monthly', 'gitoc', 'gitoc_wide', 'glotip', 'glotip_victims')
>>> t = load("gitoc", edition=2023)
>>> t.attrs["citation"]
'Global Organized Crime Index 2021 / 2023, Global Initiative Against Transnational Organized Crime'
>>> info("cpi").files
('cpi/cpi_2012_2017.csv',)

Tables are cached after the first read; every call returns a fresh copy.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from octasee.errors import UsageError
from octasee.sources import cpi, frontex, gitoc, glotip
from octasee.sources._files import PROVENANCE_COLUMNS
from octasee.sources.cpi import load_cpi
from octasee.sources.frontex import REGION_ROUTES, load_frontex_annual, load_frontex_monthly
from octasee.sources.gitoc import gitoc_wide, load_gitoc
from octasee.sources.glotip import detected_victims_total, load_glotip

__all__ = [
    "PROVENANCE_COLUMNS",
    "REGION_ROUTES",
    "SourceInfo",
    "available",
    "detected_victims_total",
    "gitoc_wide",
    "info",
    "load",
    "load_cpi",
    "load_frontex_annual",
    "load_frontex_monthly",
    "load_gitoc",
    "load_glotip",
]


@dataclass(frozen=True)
class SourceInfo:
    """A registered table: its loader, what it holds, whom to cite and the files it reads."""

    name: str
    title: str
    loader: Callable[..., pd.DataFrame]
    citation: str
    files: tuple[str, ...]


_REGISTRY: dict[str, SourceInfo] = {
    s.name: s for s in (
        SourceInfo("gitoc", "GI-TOC Global Organized Crime Index, long (edition=2021|2023)",
                   load_gitoc, gitoc.CITATION, tuple(gitoc.FILES.values())),
        SourceInfo("gitoc_wide", "GI-TOC Global Organized Crime Index, one row per country",
                   gitoc_wide, gitoc.CITATION, tuple(gitoc.FILES.values())),
        SourceInfo("glotip", "UNODC GLOTIP trafficking in persons data, 2003-2021",
                   load_glotip, glotip.CITATION, (glotip.FILE,)),
        SourceInfo("glotip_victims", "UNODC GLOTIP detected victims, total per country-year",
                   detected_victims_total, glotip.CITATION, (glotip.FILE,)),
        SourceInfo("frontex_monthly", "Frontex detections of illegal border crossings, monthly,"
                   " routes through South East Europe", load_frontex_monthly,
                   frontex.CITATION, (frontex.MONTHLY_FILE,)),
        SourceInfo("frontex_annual", "Frontex detections of illegal border crossings per "
                   "route and year", load_frontex_annual, frontex.CITATION,
                   (frontex.ANNUAL_FILE,)),
        SourceInfo("cpi", "Transparency International Corruption Perceptions Index 2012-2017",
                   load_cpi, cpi.CITATION, (cpi.FILE,)),
    )
}


def available() -> tuple[str, ...]:
    """The names :func:`load` accepts, sorted."""
    return tuple(sorted(_REGISTRY))


def info(name: str) -> SourceInfo:
    """The registry entry ``name``; an unknown name is a :class:`~octasee.errors.UsageError`.

    >>> info("frontex_annual").citation
    'Frontex, detections of illegal border crossings'
    """
    try:
        return _REGISTRY[name]
    except KeyError:
        close = difflib.get_close_matches(str(name), list(_REGISTRY), n=2, cutoff=0.5)
        hint = ("did you mean " + " or ".join(map(repr, close)) + "?") if close else (
            "available: " + ", ".join(available()))
        raise UsageError(f"unknown public source {name!r}", hint=hint) from None


def load(name: str, /, **options: Any) -> pd.DataFrame:
    """Load the registered table ``name``; ``options`` go to its loader as keywords.

    >>> load("cpi").query("country == 'RS' and year == 2016").score.item()
    42.0
    >>> len(load("frontex_annual", routes=["Western Balkan Route"]))
    17
    """
    return info(name).loader(**options)
