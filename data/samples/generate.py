"""Generate the sample OCTA-SEE questionnaires in ``data/samples/``.

Two steps, both deterministic:

1. **Magnitudes** (only with the public data at hand): read the GI-TOC Global Organized
   Crime Index (2021, 2023), the Frontex detections of irregular border crossings, the UNODC
   GLOTIP victim counts and the TI Corruption Perceptions Index from ``--shared`` (default
   ``../shared/data`` beside the repository) and keep the few figures the samples use in
   ``data/samples/inputs/magnitudes.json``. That file is committed.
2. **Workbooks**: from ``magnitudes.json`` alone, write one filled questionnaire per member
   country and cycle (``data/samples/{cycle}/{ISO2}.xlsx``) with the same template countries
   receive (:func:`octasee.questionnaire.template.write_template`). Every random draw comes
   from a numpy Generator seeded by a hash of ``"octasee-samples/{cycle}/{ISO2}"``, and the
   timestamps inside the .xlsx (zip entries, ``docProps/core.xml``) are fixed, so two runs
   give byte-identical files.

Run::

    .venv/bin/python data/samples/generate.py            # refresh magnitudes if the data is there
    .venv/bin/python data/samples/generate.py --offline  # from the committed magnitudes.json
    .venv/bin/python data/samples/generate.py --shared /work/shared/data

Everything written here is fictitious. See README.md beside this file for how every figure
is derived. The figures must never be quoted as real statistics.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import json
import math
import re
import sys
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
if str(REPO) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(REPO))

from octasee.questionnaire.spec import Spec, spec_for  # noqa: E402
from octasee.questionnaire.template import write_template  # noqa: E402
from octasee.reference import (  # noqa: E402
    MEMBER_CODES,
    crime_area,
    crime_areas,
    cycle,
    resolve_country,
    resolve_world_country,
)

INPUTS = HERE / "inputs" / "magnitudes.json"
DEFAULT_SHARED = REPO.parent / "shared" / "data"
CYCLES = ("2009-2012", "2013-2017")

# --------------------------------------------------------------------------------------
# Constants chosen by the sample authors (documented in README.md). Not public data.
# --------------------------------------------------------------------------------------

#: Resident population, millions, about 2015 (rounded; Moldova without Transnistria).
POPULATION_M = {
    "AL": 2.9, "BA": 3.5, "BG": 7.2, "HR": 4.2, "GR": 10.8, "HU": 9.8, "MD": 3.6,
    "ME": 0.62, "MK": 2.1, "RO": 19.8, "RS": 7.1, "SI": 2.1, "TR": 78.7,
}

#: Submission deadlines (documented in README.md); issue dates of the blank templates.
DEADLINE = {"2009-2012": dt.date(2013, 3, 31), "2013-2017": dt.date(2018, 3, 31)}
ISSUED = {"2009-2012": dt.date(2013, 1, 14), "2013-2017": dt.date(2018, 1, 15)}

#: Who is late and who is partial (README.md says the same).
LATE = {"2009-2012": "BA", "2013-2017": "MD"}
PARTIAL = {"2009-2012": "MK", "2013-2017": "ME"}

#: Share of a Frontex route's annual detections that the country reports as its own
#: detections of irregular migrants (countries count the same people again as they move
#: on, so shares add up to more than 1), plus a yearly base of detections off the routes.
FRONTEX_SHARE = {
    "AL": ({"Circular Route from Albania to Greece": 0.05}, 500),
    "BA": ({"Western Balkan Route": 0.003}, 200),
    "BG": ({"Eastern Mediterranean Route": 0.04, "Western Balkan Route": 0.01}, 6000),
    "GR": ({"Eastern Mediterranean Route": 0.80,
            "Circular Route from Albania to Greece": 0.95}, 2000),
    "HR": ({"Western Balkan Route": 0.25}, 800),
    "HU": ({"Western Balkan Route": 0.50}, 2000),
    "MD": ({}, 300),
    "ME": ({"Western Balkan Route": 0.004}, 300),
    "MK": ({"Western Balkan Route": 0.05}, 1500),
    "RO": ({"Western Balkan Route": 0.01}, 1000),
    "RS": ({"Western Balkan Route": 0.12}, 2500),
    "SI": ({"Western Balkan Route": 0.15}, 300),
    "TR": ({"Eastern Mediterranean Route": 0.18}, 40000),
}
ROUTES_USED = ("Western Balkan Route", "Eastern Mediterranean Route",
               "Circular Route from Albania to Greece")

#: Extra factors where a country's role is far from what its size and score suggest.
SPECIAL = {
    ("AL", "cannabis"): 25.0,     # cultivation country (Lazarat, 2014)
    ("TR", "cannabis"): 4.0,
    ("TR", "synthetic"): 6.0,     # captagon and ecstasy seizures
    ("BG", "synthetic"): 3.0,     # amphetamine (captagon) production
    ("GR", "excise_goods"): 2.0,
    ("ME", "cocaine"): 6.0,       # the port of Bar
}

#: Coastal countries with container ports where big cocaine seizures happen.
COCAINE_PORTS = {"AL": "Durrës", "BG": "Varna", "GR": "Piraeus", "HR": "Rijeka",
                 "ME": "Bar", "RO": "Constanța", "TR": "Mersin", "SI": "Koper"}

#: Change of the 2021 GI-TOC market level assumed for 2009-2012 (markets were smaller,
#: except heroin, which peaked earlier).
ERA_2009 = {"heroin": 1.15, "cocaine": 0.55, "cannabis": 0.9, "synthetic": 0.6,
            "cybercrime": 0.4, "migrant_smuggling": 1.0}

#: Regional growth per year (log scale) in the cycle, by crime area.
GROWTH = {"heroin": -0.03, "cocaine": 0.15, "cannabis": 0.02, "synthetic": 0.10,
          "firearms": 0.0, "excise_goods": 0.03, "counterfeit_goods": 0.0,
          "economic_crime": 0.06, "cybercrime": 0.20, "environmental_crime": 0.05,
          "property_crime": -0.04, "thb": 0.0, "migrant_smuggling": 0.0}

#: Criminal cases opened a year in a country of 5 million at GI-TOC score 5.
BASE_CASES = {"heroin": 40, "cocaine": 30, "cannabis": 400, "synthetic": 80,
              "migrant_smuggling": 60, "thb": 12, "firearms": 120, "excise_goods": 150,
              "counterfeit_goods": 40, "economic_crime": 60, "cybercrime": 80,
              "environmental_crime": 20, "property_crime": 200}

#: Crime areas each country reports on (core) and may report on (optional).
CORE_AREAS = ("heroin", "cocaine", "cannabis", "synthetic", "migrant_smuggling", "thb",
              "firearms", "excise_goods", "economic_crime")
OPTIONAL_AREAS = ("counterfeit_goods", "cybercrime", "environmental_crime", "property_crime")

# --------------------------------------------------------------------------------------
# Names: how each country writes other countries, its agency, its language.
# --------------------------------------------------------------------------------------

#: English names that resolve_world_country() knows; anything else is written as a code.
NAMES = {
    "AF": "Afghanistan", "AL": "Albania", "AT": "Austria", "BA": "Bosnia and Herzegovina",
    "BD": "Bangladesh", "BE": "Belgium", "BG": "Bulgaria", "BR": "Brazil", "BY": "Belarus",
    "CH": "Switzerland", "CN": "China", "CO": "Colombia", "CZ": "Czechia", "DE": "Germany",
    "DZ": "Algeria", "EC": "Ecuador", "ER": "Eritrea", "ES": "Spain", "FR": "France",
    "GB": "United Kingdom", "GE": "Georgia", "GR": "Greece", "HR": "Croatia",
    "HU": "Hungary", "IQ": "Iraq", "IR": "Iran", "IT": "Italy", "LB": "Lebanon",
    "MA": "Morocco", "MD": "Moldova", "ME": "Montenegro", "MK": "North Macedonia",
    "NG": "Nigeria", "NL": "Netherlands", "PE": "Peru", "PK": "Pakistan",
    "PL": "Poland", "PS": "Palestine", "PY": "Paraguay", "RO": "Romania", "RS": "Serbia",
    "RU": "Russia", "SA": "Saudi Arabia", "SI": "Slovenia", "SK": "Slovakia",
    "SO": "Somalia", "SY": "Syria", "TR": "Turkey", "UA": "Ukraine",
    "AE": "United Arab Emirates", "UZ": "Uzbekistan", "XK": "Kosovo", "CL": "Chile",
    "CG": "Congo", "TN": "Tunisia",
}

#: How each country writes country names: "name", "code" or "mixed".
NAME_STYLE = {"AL": "name", "BA": "name", "BG": "code", "HR": "name", "GR": "mixed",
              "HU": "code", "MD": "name", "ME": "name", "MK": "mixed", "RO": "name",
              "RS": "mixed", "SI": "code", "TR": "name"}

#: The respondent's own spelling of the country, where it differs from the English name.
OWN_NAME = {("2013-2017", "TR"): "Türkiye", ("2013-2017", "MD"): "Republic of Moldova",
            ("2009-2012", "HR"): "Hrvatska", ("2009-2012", "MD"): "Republic of Moldova"}

AGENCY = {
    "AL": "State Police, Directorate for Investigation of Serious Crimes",
    "BA": "Ministry of Security, Directorate for Coordination of Police Bodies",
    "BG": "Ministry of Interior, General Directorate Combating Organised Crime",
    "HR": ("Ministry of the Interior, Police National Office for Suppression of Corruption "
           "and Organised Crime"),
    "GR": "Hellenic Police Headquarters, Directorate of International Police Cooperation",
    "HU": "National Bureau of Investigation, Criminal Intelligence Department",
    "MD": "General Police Inspectorate, National Investigation Inspectorate",
    "ME": "Police Directorate, Special Police Department",
    "MK": ("Ministry of Interior, Bureau for Public Security, Criminal Intelligence and "
           "Analysis Sector"),
    "RO": "Romanian Police, Directorate for Countering Organised Crime",
    "RS": ("Ministry of Interior, Criminal Police Directorate, Service for Combating "
           "Organised Crime"),
    "SI": "General Police Directorate, Criminal Police Directorate",
    "TR": "Turkish National Police, Department of Anti-Smuggling and Organised Crime",
}

#: Fictitious contact persons (first, last); e-mails go to example.org.
CONTACTS = {
    "AL": ("Arben", "Hoxha"), "BA": ("Amra", "Delić"), "BG": ("Georgi", "Petrov"),
    "HR": ("Ivana", "Horvat"), "GR": ("Nikolaos", "Papadopoulos"), "HU": ("Zsófia", "Nagy"),
    "MD": ("Ion", "Rusu"), "ME": ("Marko", "Vuković"), "MK": ("Elena", "Stojanovska"),
    "RO": ("Andreea", "Popescu"), "RS": ("Milan", "Jovanović"), "SI": ("Maja", "Novak"),
    "TR": ("Emre", "Yılmaz"),
}
PUBLIC = {"HR", "SI"}  # dissemination 'public'; the others 'restricted'

LANGUAGE = {"AL": "sq", "BA": "bs", "BG": "bg", "HR": "hr", "GR": "el", "HU": "hu",
            "MD": "ro", "ME": "cnr", "MK": "mk", "RO": "ro", "RS": "sr", "SI": "sl",
            "TR": "tr"}
#: Countries that write some assessments in their own language (how many per cycle).
NATIVE_ASSESSMENTS = {"AL": 1, "BG": 1, "HR": 1, "GR": 1, "HU": 1, "MD": 1, "MK": 2,
                      "RO": 1, "RS": 2, "SI": 1, "TR": 2}

NEIGHBOURS = {
    "AL": ["XK", "MK", "GR", "ME"], "BA": ["RS", "HR", "ME"], "BG": ["TR", "RO", "MK", "GR"],
    "HR": ["BA", "RS", "SI"], "GR": ["AL", "BG", "TR"], "HU": ["RS", "RO", "UA", "SK"],
    "MD": ["UA", "RO", "RU"], "ME": ["RS", "BA", "AL", "XK"], "MK": ["AL", "XK", "BG", "RS"],
    "RO": ["MD", "BG", "UA", "HU"], "RS": ["BA", "ME", "XK", "MK"], "SI": ["HR", "AT", "IT"],
    "TR": ["IR", "SY", "BG", "GR"],
}

#: Nationalities typical of suspects in a crime area, besides the country's own.
FOREIGN_SUSPECTS = {
    "heroin": ["TR", "AL", "IR", "BG"], "cocaine": ["AL", "RS", "ME", "BR", "CO"],
    "cannabis": ["AL", "XK", "MK"], "synthetic": ["NL", "BG", "TR"],
    "migrant_smuggling": ["SY", "AF", "IQ", "PK", "TR", "XK"],
    "thb": ["RO", "BG", "MD", "AL", "NG"], "firearms": ["RS", "BA", "ME", "AL"],
}

#: Nationalities of trafficking victims identified abroad, by country of detection.
VICTIM_FOREIGN = {
    "TR": ["UZ", "MD", "GE", "SY"], "GR": ["RO", "BG", "AL", "NG"], "SI": ["RS", "BA", "UA"],
    "HR": ["BA", "RS"], "HU": ["RO", "UA"], "RS": ["BA", "AL"], "ME": ["RS", "UA"],
    "MK": ["AL", "RS"], "BA": ["RS", "MK"], "AL": ["XK", "PH"], "BG": ["UA"],
    "RO": ["MD"], "MD": ["UA"],
}
VICTIM_NATIONAL_SHARE = {"AL": 0.9, "BG": 0.95, "RO": 0.95, "MD": 0.95, "RS": 0.8,
                         "BA": 0.75, "MK": 0.75, "ME": 0.5, "HR": 0.6, "HU": 0.85,
                         "GR": 0.25, "SI": 0.2, "TR": 0.1}

# --------------------------------------------------------------------------------------
# Step 1: the magnitudes from the public data.
# --------------------------------------------------------------------------------------


def _num(text: str) -> float | None:
    text = (text or "").strip().replace(",", "")
    try:
        return float(text)
    except ValueError:
        return None


def _member(name: str) -> str | None:
    try:
        return resolve_country(name)
    except Exception:
        return None


def derive_magnitudes(shared: Path) -> dict[str, Any]:
    """Read the public data sets in ``shared`` and keep what the samples use."""
    markets = sorted({m for a in crime_areas() for e in (2021, 2023)
                      for m in a.gitoc_markets(e)})
    actors = ["Mafia-style groups", "Criminal networks", "State-embedded actors",
              "Foreign actors"]
    countries: dict[str, dict[str, Any]] = {c: {"gitoc": {}, "cpi": {}, "glotip_victims": {}}
                                            for c in sorted(MEMBER_CODES)}
    for edition in (2021, 2023):
        path = shared / "goc_index" / f"global_oc_index_{edition}.csv"
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                code = _member(row["Country"])
                if code is None:
                    continue
                keep = {k: _num(row[k]) for k in markets + actors if k in row}
                countries[code]["gitoc"][str(edition)] = {k: v for k, v in sorted(keep.items())
                                                          if v is not None}
    with (shared / "cpi" / "cpi_2012_2017.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = _member(row["Country"])
            if code is None:
                continue
            for key, value in row.items():
                m = re.fullmatch(r"CPI [Ss]core (\d{4})", key or "")
                if m and _num(value) is not None:
                    countries[code]["cpi"][m.group(1)] = _num(value)
    with (shared / "unodc" / "glotip_see.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if (row["Indicator"], row["Dimension"], row["Sex"], row["Age"]) != (
                    "Detected trafficking victims", "Total", "Total", "Total"):
                continue
            code = _member(row["Country"]) or _member(row["Iso3_code"])
            year = int(row["Year"])
            if code and 2009 <= year <= 2017:
                countries[code]["glotip_victims"][str(year)] = row["txtVALUE"].strip()
    routes: dict[str, dict[str, float]] = {r: {} for r in ROUTES_USED}
    nat: dict[str, dict[str, dict[str, float]]] = {r: {} for r in ROUTES_USED}
    with (shared / "frontex" / "frontex_ibc_monthly.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["route"] not in routes:
                continue
            year = row["date"][:4]
            if not "2009" <= year <= "2017":
                continue
            n = _num(row["n"]) or 0.0
            routes[row["route"]][year] = routes[row["route"]].get(year, 0.0) + n
            by = nat[row["route"]].setdefault(year, {})
            by[row["nat"]] = by.get(row["nat"], 0.0) + n
    nationalities: dict[str, dict[str, list[list[Any]]]] = {}
    for route, years in nat.items():
        nationalities[route] = {}
        for year, by in sorted(years.items()):
            total = routes[route][year]
            top = []
            for iso3, n in sorted(by.items(), key=lambda kv: (-kv[1], kv[0])):
                iso2 = _iso3_to_iso2(iso3)
                if iso2 is None:  # 'OOO' (not specified), stateless and the like
                    continue
                top.append([iso2, round(n / total, 4)])
                if len(top) == 6:
                    break
            nationalities[route][year] = top
    return {
        "about": (
            "Extract of public data used by data/samples/generate.py (see README.md). "
            "Sources: Global Organized Crime Index 2021 / 2023, Global Initiative Against "
            "Transnational Organized Crime; UNODC, Global Report on Trafficking in Persons "
            "data; Frontex, detections of illegal border crossings; Transparency "
            "International, Corruption Perceptions Index."),
        "countries": countries,
        "frontex_routes": {r: {y: round(v) for y, v in sorted(ys.items())}
                           for r, ys in routes.items()},
        "frontex_nationalities": nationalities,
    }


def _iso3_to_iso2(iso3: str) -> str | None:
    if iso3 in ("XKX", "UNK", "KOS"):
        return "XK"
    import pycountry

    rec = pycountry.countries.get(alpha_3=iso3)
    return rec.alpha_2 if rec else None


def write_magnitudes(data: dict[str, Any], path: Path = INPUTS) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
                    encoding="utf-8")
    return path


def load_magnitudes(path: Path = INPUTS) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------
# Step 2: the workbooks.
# --------------------------------------------------------------------------------------


def rng_for(cycle_code: str, iso2: str) -> np.random.Generator:
    digest = hashlib.sha256(f"octasee-samples/{cycle_code}/{iso2}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


class Country:
    """Everything the generator knows about one country in one cycle."""

    def __init__(self, iso2: str, cycle_code: str, mags: dict[str, Any],
                 rng: np.random.Generator) -> None:
        self.iso2, self.cycle_code, self.mags, self.rng = iso2, cycle_code, mags, rng
        self.c = cycle(cycle_code)
        self.spec: Spec = spec_for(cycle_code)
        self.years = list(self.c.years)
        self.data = mags["countries"][iso2]
        self.size = (POPULATION_M[iso2] / 5.0) ** 0.75
        self.style = NAME_STYLE[iso2]

    # -- public-data lookups ----------------------------------------------------------
    def score(self, area: str) -> float:
        """GI-TOC market score for a crime area: the 2021 edition's markets, else 2023's."""
        a = crime_area(area)
        for edition in (2021, 2023):
            vals = [self.data["gitoc"][str(edition)].get(m) for m in a.gitoc_markets(edition)]
            vals = [v for v in vals if v is not None]
            if vals:
                return float(np.mean(vals))
        return 5.0

    def actor(self, name: str) -> float:
        return float(self.data["gitoc"]["2021"].get(name, 5.0))

    def cpi(self, year: int) -> float:
        cpi = self.data["cpi"]
        return float(cpi.get(str(year), cpi.get(str(max(2012, min(2017, year))), 40.0)))

    def victims(self, year: int) -> int | None:
        text = self.data["glotip_victims"].get(str(year), "").strip()
        if not text:
            return None
        if text.startswith("<"):
            return int(self.rng.integers(1, int(_num(text[1:]) or 5)))
        value = _num(text)
        return None if value is None else int(round(value))

    def migrants(self, year: int) -> float:
        shares, base = FRONTEX_SHARE[self.iso2]
        routes = self.mags["frontex_routes"]
        return base + sum(s * routes[r].get(str(year), 0) for r, s in shares.items())

    def migrant_nationalities(self, year: int) -> list[tuple[str, float]]:
        shares, _ = FRONTEX_SHARE[self.iso2]
        routes, nats = self.mags["frontex_routes"], self.mags["frontex_nationalities"]
        total = self.migrants(year)
        mix: dict[str, float] = {}
        for r, s in shares.items():
            weight = s * routes[r].get(str(year), 0) / total
            for code, share in nats[r].get(str(year), []):
                mix[code] = mix.get(code, 0.0) + weight * share
        mix.pop(self.iso2, None)
        return sorted(mix.items(), key=lambda kv: (-kv[1], kv[0]))

    # -- writing ----------------------------------------------------------------------
    def name(self, code: str) -> str:
        """A country as this respondent writes it (English name or ISO code)."""
        style = self.style
        if style == "mixed":
            style = "code" if self.rng.random() < 0.4 else "name"
        text = NAMES.get(code, code) if style == "name" else code
        if resolve_world_country(text) != code:  # pragma: no cover - a NAMES typo
            raise AssertionError((code, text))
        return text

    def names(self, codes: Iterable[str]) -> str:
        return ", ".join(self.name(c) for c in codes)

    def grading(self) -> dict[str, Any]:
        r = self.rng.random()
        reliability = ("B" if r < 0.5 else "C" if r < 0.82 else "A" if r < 0.9
                       else "X" if r < 0.96 else "D")
        r = self.rng.random()
        assessment = "2" if r < 0.42 else "3" if r < 0.85 else "1" if r < 0.93 else "4"
        row: dict[str, Any] = {"source_reliability": reliability,
                               "information_assessment": assessment}
        r = self.rng.random()
        if r < 0.03:
            row["not_for_dissemination"] = "yes"
        elif r < 0.10:
            row["not_for_dissemination"] = "no"
        return row


def _year_multipliers(ct: Country, area: str) -> dict[int, float]:
    """Multiplicative level per year: regional growth, country drift, yearly noise."""
    g = GROWTH.get(area, 0.0) + ct.rng.normal(0.0, 0.05)
    mid = (ct.years[0] + ct.years[-1]) / 2
    return {y: math.exp(g * (y - mid) + ct.rng.normal(0.0, 0.15)) for y in ct.years}


def _era(ct: Country, area: str) -> float:
    return ERA_2009.get(area, 0.9) if ct.cycle_code == "2009-2012" else 1.0


def _level(ct: Country, area: str) -> float:
    """Activity of a crime area in the country: size times exp(score above 5)."""
    return (ct.size * math.exp(0.45 * (ct.score(area) - 5.0)) * _era(ct, area)
            * SPECIAL.get((ct.iso2, area), 1.0) ** 0.3)


def _seizure(ct: Country, base: float, area: str, year_mult: float, k: float = 0.9,
             spike: float = 0.0, spike_size: tuple[float, float] = (3.0, 8.0)) -> float:
    """A seizure figure: base x size x exp(k (score-5)) x trend, lognormal noise, spikes."""
    value = (base * ct.size * math.exp(k * (ct.score(area) - 5.0)) * _era(ct, area)
             * SPECIAL.get((ct.iso2, area), 1.0) * year_mult
             * math.exp(ct.rng.normal(0.0, 0.35)))
    if spike and ct.rng.random() < spike:
        value *= ct.rng.uniform(*spike_size)  # one exceptional seizure
    return value


def _series(ct: Country, area: str) -> dict[str, dict[int, float]]:
    """Unrounded values of every indicator of an area, per year (before gaps)."""
    ym = _year_multipliers(ct, area)
    out: dict[str, dict[int, float]] = {}
    spec = ct.spec
    years = ct.years

    def put(code: str, fn) -> None:
        if code in spec.indicator_codes and spec.indicator(code).applies_to(area):
            out[code] = {y: max(0.0, fn(y)) for y in years}

    port = 0.15 if ct.iso2 in COCAINE_PORTS else 0.03
    put("heroin_seized", lambda y: _seizure(ct, 60, "heroin", ym[y], spike=0.08))
    put("cocaine_seized", lambda y: _seizure(ct, 25, "cocaine", ym[y], spike=port,
                                                    spike_size=(5.0, 25.0)))
    put("cannabis_herb_seized", lambda y: _seizure(ct, 800, "cannabis", ym[y]))
    put("cannabis_resin_seized", lambda y: _seizure(ct, 40, "cannabis", ym[y]) *
        (3.0 if ct.iso2 in ("TR", "GR") else 0.3))
    put("cannabis_plants_seized", lambda y: _seizure(ct, 3000, "cannabis", ym[y]))
    put("amphetamine_seized", lambda y: _seizure(ct, 30, "synthetic", ym[y], spike=0.05))
    put("ecstasy_tablets_seized", lambda y: _seizure(ct, 8000, "synthetic", ym[y]))
    put("nps_seized", lambda y: _seizure(ct, 4, "synthetic", ym[y]) *
        math.exp(0.35 * (y - years[0])))
    put("labs_dismantled", lambda y: ct.rng.poisson(0.4 * _level(ct, area)))
    if area == "migrant_smuggling":
        put("irregular_migrants_detected",
            lambda y: ct.migrants(y) * math.exp(ct.rng.normal(0.0, 0.08)))
        put("facilitators_detected",
            lambda y: 40 * ct.size + ct.migrants(y) / ct.rng.uniform(80, 160))
    if area == "thb":
        victims = {y: ct.victims(y) for y in years}
        out["victims_identified"] = {y: float(v) for y, v in victims.items() if v is not None}
    put("firearms_seized", lambda y: _seizure(ct, 300, "firearms", ym[y], k=0.6))
    put("ammunition_seized", lambda y: _seizure(ct, 20000, "firearms", ym[y], k=0.6))
    put("explosives_seized", lambda y: _seizure(ct, 15, "firearms", ym[y], k=0.6))
    put("cigarettes_seized", lambda y: _seizure(ct, 20e6, "excise_goods", ym[y]))
    put("tobacco_seized", lambda y: _seizure(ct, 8000, "excise_goods", ym[y]))
    put("counterfeit_items_seized", lambda y: _seizure(ct, 60000, "counterfeit_goods", ym[y]))
    put("counterfeit_currency_seized", lambda y: _seizure(ct, 40000, "counterfeit_goods",
                                                          ym[y], k=0.5))
    cpi_factor = {y: ((100 - ct.cpi(y)) / 55.0) ** 2 for y in years}
    put("ml_cases", lambda y: _seizure(ct, 20, "economic_crime", ym[y], k=0.5) * cpi_factor[y])
    put("ml_amount", lambda y: _seizure(ct, 25e6, "economic_crime", ym[y], k=0.5)
        * cpi_factor[y])
    put("assets_confiscated", lambda y: _seizure(ct, 4e6, "economic_crime", ym[y], k=0.5))
    put("corruption_cases", lambda y: 25 * ct.size * cpi_factor[y] ** 1.5
        * math.exp(ct.rng.normal(0, 0.2)))
    put("cyber_attacks_reported", lambda y: _seizure(ct, 400, "cybercrime", ym[y], k=0.5))
    put("online_fraud_losses", lambda y: _seizure(ct, 1.5e6, "cybercrime", ym[y], k=0.5))
    put("waste_trafficked", lambda y: _seizure(ct, 2e5, "environmental_crime", ym[y], k=0.5))
    put("wildlife_specimens_seized", lambda y: _seizure(ct, 300, "environmental_crime",
                                                        ym[y], k=0.5))
    put("vehicles_stolen", lambda y: _seizure(ct, 1500, "property_crime", ym[y], k=0.0))
    put("cargo_thefts", lambda y: _seizure(ct, 40, "property_crime", ym[y], k=0.0))

    # Enforcement figures, asked for every area.
    if area == "migrant_smuggling":
        mean = np.mean([ct.migrants(y) for y in years])
        drive = {y: (ct.migrants(y) / mean) ** 0.5 for y in years}
    elif area == "thb" and out.get("victims_identified"):
        vs = out["victims_identified"]
        mean = np.mean(list(vs.values())) or 1.0
        drive = {y: ((vs.get(y, mean) + 1) / (mean + 1)) ** 0.7 for y in years}
    else:
        drive = ym
    cases = {y: BASE_CASES[area] * _level(ct, area) * drive[y]
             * math.exp(ct.rng.normal(0, 0.15)) for y in years}
    out["cases"] = cases
    out["arrests"] = {y: v * ct.rng.uniform(1.1, 1.8) for y, v in cases.items()}
    out["suspects"] = {y: v * ct.rng.uniform(1.1, 1.5) for y, v in out["arrests"].items()}
    out["convictions"] = {y: v * ct.rng.uniform(0.3, 0.6) for y, v in out["arrests"].items()}
    out["ocgs_identified"] = {y: v * ct.rng.uniform(0.02, 0.07) for y, v in cases.items()}
    return out


def _areas(ct: Country) -> list[str]:
    areas = list(CORE_AREAS)
    for a in OPTIONAL_AREAS:
        p = 0.6 if ct.cycle_code == "2013-2017" else 0.35
        if ct.size > 1.5:
            p += 0.2
        if ct.rng.random() < p:
            areas.append(a)
    if ct.iso2 == PARTIAL.get(ct.cycle_code) and ct.cycle_code == "2013-2017":
        areas = [a for a in areas if a not in (*OPTIONAL_AREAS, "economic_crime")]
    order = [a.code for a in crime_areas()]
    return sorted(areas, key=order.index)




def _euro(value: float, decimals: int = 1) -> str:
    """1234.5 -> '1.234,5' (European format)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _indicator_rows(ct: Country, areas: list[str]) -> tuple[list[dict], dict]:
    """Indicator rows and the rounded series (for the assessment texts)."""
    spec = ct.spec
    rows: list[dict[str, Any]] = []
    series_out: dict[str, dict[str, dict[int, float]]] = {}
    fills_units = ct.rng.random() < 0.4
    partial = ct.iso2 == PARTIAL.get(ct.cycle_code)
    inline_unit_left = 1 if ct.rng.random() < 0.5 else 0
    for area in areas:
        series = _series(ct, area)
        series_out[area] = {}
        for ind in spec.indicators:
            if ind.code not in series or not ind.applies_to(area):
                continue
            values = series[ind.code]
            # Whole series missing: optional indicators now and then.
            essential = ind.code in ESSENTIAL
            if not essential and ct.rng.random() < (0.35 if partial else 0.12):
                continue
            rounded: dict[int, float] = {}
            for y in ct.years:
                if y not in values:
                    continue
                if not essential and ct.rng.random() < 0.06:
                    continue  # a year not reported
                if ind.code in ("convictions", "ocgs_identified") and y == ct.years[-1] \
                        and ct.rng.random() < 0.3:
                    continue  # court data not final at submission
                v = values[y]
                row: dict[str, Any] = {"crime_area": area, "indicator": ind.code, "year": y}
                if ind.measure == "count":
                    n = int(round(v))
                    row["value"] = n
                    rounded[y] = n
                    if fills_units:
                        row["unit"] = "count"
                elif ind.measure == "money":
                    n = int(round(v, -2)) if v > 10000 else int(round(v))
                    row["value"] = n
                    rounded[y] = n
                    if fills_units or ct.rng.random() < 0.3:
                        row["unit"] = "EUR"
                else:  # mass, kg
                    kg = round(v, 1) if v >= 10 else round(v, 3)
                    rounded[y] = kg
                    r = ct.rng.random()
                    if kg < 5 and r < 0.3:
                        row["value"], row["unit"] = round(kg * 1000, 1), "g"
                    elif kg >= 5000 and r < 0.3:
                        row["value"], row["unit"] = round(kg / 1000, 3), "t"
                    elif r < 0.06 and kg >= 10:
                        row["value"] = _euro(kg)
                        if fills_units:
                            row["unit"] = "kg"
                    elif r < 0.1 and kg >= 10 and inline_unit_left:
                        inline_unit_left -= 1
                        row["value"] = _euro(kg) + " kg"
                    else:
                        row["value"] = kg
                        if fills_units:
                            row["unit"] = "kg"
                row.update(ct.grading())
                if ct.rng.random() < 0.04:
                    row["comment"] = _comment(ct, ind.code, y)
                rows.append(row)
                if ind.breakdown and y in rounded:
                    rows.extend(_breakdown_rows(ct, area, ind.code, y, int(rounded[y]),
                                                fills_units))
            series_out[area][ind.code] = rounded
    return rows, series_out


COMMENTS_EN = [
    "Provisional figure; final data from the prosecution service expected later.",
    "Figure from the Customs Administration.",
    "Includes one large seizure in a single operation.",
    "Methodology changed during the year; not fully comparable with the previous year.",
    "Joint figure of police and border police.",
]
COMMENTS_NATIVE = {
    "sr": "Privremeni podatak.", "hr": "Privremeni podatak, konačni podaci naknadno.",
    "sq": "Të dhëna paraprake.", "el": "Προσωρινό στοιχείο.", "bg": "Предварителни данни.",
    "ro": "Date provizorii.", "hu": "Előzetes adat.", "tr": "Geçici veri.",
    "mk": "Привремени податоци.", "sl": "Začasni podatek.", "bs": "Privremeni podatak.",
    "cnr": "Privremeni podatak.",
}


def _comment(ct: Country, code: str, year: int) -> str:
    if ct.rng.random() < 0.3:
        return COMMENTS_NATIVE[LANGUAGE[ct.iso2]]
    return COMMENTS_EN[int(ct.rng.integers(len(COMMENTS_EN)))]


def _breakdown_rows(ct: Country, area: str, code: str, year: int, total: int,
                    fills_units: bool) -> list[dict[str, Any]]:
    """Rows split by nationality, summing to at most the total."""
    if total < 4:
        return []
    if code == "irregular_migrants_detected":
        if ct.rng.random() < 0.15:
            return []
        mix = ct.migrant_nationalities(year)[:4]
        if not mix:  # off the Frontex routes: a typical mix
            mix = [("SY", 0.3), ("AF", 0.2), ("PK", 0.1)]
    elif code == "victims_identified":
        if ct.rng.random() < 0.4:
            return []
        own = VICTIM_NATIONAL_SHARE[ct.iso2]
        foreign = VICTIM_FOREIGN[ct.iso2]
        rest = (1 - own) * ct.rng.uniform(0.5, 0.9)
        w = ct.rng.dirichlet(np.ones(len(foreign)))
        mix = [(ct.iso2, own)] + [(c, rest * float(x)) for c, x in zip(foreign, w, strict=True)]
    elif code in ("suspects", "facilitators_detected"):
        if area not in FOREIGN_SUSPECTS or ct.rng.random() < 0.5:
            return []
        foreign = [c for c in FOREIGN_SUSPECTS[area] if c != ct.iso2]
        k = int(ct.rng.integers(1, 4))
        picks = [foreign[i] for i in sorted(ct.rng.choice(len(foreign), size=min(k, len(foreign)),
                                                          replace=False))]
        own = ct.rng.uniform(0.45, 0.85)
        w = ct.rng.dirichlet(np.ones(len(picks))) * (1 - own) * 0.9
        mix = [(ct.iso2, own)] + [(c, float(x)) for c, x in zip(picks, w, strict=True)]
    else:
        return []
    rows = []
    left = total
    for nat_code, share in mix:
        n = min(left, int(math.floor(total * share)))
        if n <= 0:
            continue
        left -= n
        row = {"crime_area": area, "indicator": code, "breakdown": ct.name(nat_code),
               "year": year, "value": n}
        if fills_units:
            row["unit"] = "count"
        row.update(ct.grading())
        rows.append(row)
    return rows


# -- groups ----------------------------------------------------------------------------

GROUP_NAMES = {
    "AL": ["Banda e Lumit", "Klani i Veriut", "Grupi i Portit", "Banda e Kodrës"],
    "BA": ["Grupa 'Most'", "Klan s Rijeke", "Ekipa 'Sjever'"],
    "BG": ["Групата 'Пристанище'", "Varna Boys", "Бригада 'Юг'"],
    "HR": ["Skupina 'Luka'", "Dalmatinski klan", "Ekipa 'Istok'"],
    "GR": ["Ομάδα του Λιμανιού", "Οι Βόρειοι", "Piraeus Crew"],
    "HU": ["Keleti Banda", "Határ-csoport", "Duna Crew"],
    "MD": ["Gruparea 'Nistru'", "Clanul de Nord"],
    "ME": ["Primorski klan", "Grupa 'Luka'"],
    "MK": ["Групата 'Вардар'", "Северна група"],
    "RO": ["Clanul din Port", "Gruparea 'Dunărea'", "Clanul de Vest"],
    "RS": ["Grupa 'Sava'", "Novobeogradski klan", "Група 'Југ'"],
    "SI": ["Skupina 'Obala'", "Mreža 'Sever'"],
    "TR": ["Liman Grubu", "Doğu Şebekesi", "Kuzey Çetesi", "Ege Grubu"],
}
STRUCTURES = ["standard hierarchy", "regional hierarchy", "clustered hierarchy",
              "core group", "criminal network", "unknown"]
STRUCTURE_P = [0.12, 0.06, 0.08, 0.24, 0.45, 0.05]
SCALE = ["Nil", "Low", "Medium", "High"]


def _group_rows(ct: Country, areas: list[str]) -> list[dict[str, Any]]:
    networks = (ct.actor("Criminal networks") + ct.actor("Mafia-style groups")) / 2
    n = int(np.clip(round(2 + 1.6 * ct.size + (networks - 5) * 0.8 + ct.rng.normal(0, 0.7)),
                    3, 12))
    names = list(GROUP_NAMES[ct.iso2])
    ct.rng.shuffle(names)
    rows = []
    corrupt = (100 - ct.cpi(ct.years[-1])) / 100  # 0.4 .. 0.7
    for i in range(1, n + 1):
        k = int(ct.rng.integers(1, 4))
        its = sorted(ct.rng.choice(len(areas), size=k, replace=False))
        g_areas = [areas[j] for j in its]
        members = int(np.clip(ct.rng.lognormal(math.log(14), 0.7), 3, 150))
        nats = [ct.iso2] + [c for c in NEIGHBOURS[ct.iso2] if ct.rng.random() < 0.3]
        row: dict[str, Any] = {
            "group_ref": f"{ct.iso2}-{ct.years[-1]}-{i:03d}",
            "structure": STRUCTURES[int(ct.rng.choice(len(STRUCTURES), p=STRUCTURE_P))],
            "crime_areas": ", ".join(g_areas),
        }
        if names and ct.rng.random() < 0.45:
            row["name"] = names.pop()
        if ct.rng.random() < 0.85:
            row["members"] = members
        if ct.rng.random() < 0.9:
            row["nationalities"] = ct.names(nats)
        links = [c for c in ["DE", "AT", "NL", "IT", "TR", "GR", "RS", "AL", "BG", "HR",
                             "CO", "EC", "BE", "ES", "CH"]
                 if c != ct.iso2 and ct.rng.random() < 0.15]
        if links:
            row["international_links"] = ct.names(links[:4])
        base = 1.0 + 1.2 * ct.rng.random() + 0.3 * (members > 20) + 0.3 * (len(links) > 1)
        for attr in ct.spec.attributes():
            r = ct.rng.random()
            if r < 0.06:
                continue  # not assessed
            if r < 0.16:
                row[attr] = "Unknown"
                continue
            level = base + ct.rng.normal(0, 0.8)
            if attr == "corruption":
                level += (corrupt - 0.5) * 3
            elif attr in ("links_to_extremist_groups", "subversion"):
                level -= 1.2
            elif attr in ("international_dimension", "mobility", "strategic_alliances"):
                level += 0.3 * len(links)
            row[attr] = SCALE[int(np.clip(round(level), 0, 3))]
        row.update(ct.grading())
        if ct.rng.random() < 0.08:
            row["comment"] = "Under investigation; some members in pre-trial detention."
        rows.append(row)
    return rows


# -- routes ----------------------------------------------------------------------------

#: (crime area, commodity, origin, transit, destination, mode, modus operandi)
ROUTE_CATALOGUE = [
    ("heroin", "heroin", "AF", ["IR", "TR", "BG", "RS", "HR", "SI"], ["AT", "DE", "NL"], "road",
     "Heroin hidden in purpose-built compartments of lorries carrying legitimate cargo; "
     "drivers recruited in the transit countries."),
    ("heroin", "heroin", "AF", ["IR", "TR", "GR", "AL"], ["IT"], "mixed",
     "Southern branch of the Balkan route: by lorry to the Greek ports, then by ferry or "
     "speedboat across the Adriatic."),
    ("heroin", "heroin", "AF", ["IR", "TR", "BG", "MK", "XK", "AL"], ["IT", "CH"], "road",
     "Consignments of 5 to 50 kg split between private cars; couriers paid per trip."),
    ("heroin", "heroin", "AF", ["IR", "TR", "BG", "RO", "HU"], ["AT", "DE", "CZ"], "road",
     "Northern branch through Romania; concealment in cargo of dried fruit and textiles."),
    ("cocaine", "cocaine", "EC", [], ["ME", "RS", "HR", "SI"], "sea",
     "Cocaine in containers of bananas shipped to the port of Bar, then by car towards "
     "the EU; rip-on/rip-off loading."),
    ("cocaine", "cocaine", "CO", ["ES"], ["HR", "BA", "RS"], "sea",
     "Containers through the port of Rijeka; couriers and small vessels for the last leg."),
    ("cocaine", "cocaine", "BR", [], ["GR", "BG", "TR"], "sea",
     "Cocaine hidden in legitimate cargo in containers arriving at Piraeus, Thessaloniki "
     "and Mersin; corrupt port workers."),
    ("cocaine", "cocaine", "EC", ["NL"], ["RO", "BG", "MD"], "sea",
     "Transhipment through North Sea ports, then by lorry or via the port of Constanța."),
    ("cocaine", "cocaine", "CO", ["EC"], ["AL", "IT"], "sea",
     "Containers of fruit to Durrës; part of the cocaine re-exported to Italy."),
    ("cannabis", "herbal cannabis", "AL", ["GR"], ["IT", "GR"], "mixed",
     "Herbal cannabis carried across the mountain border on foot or by horse, then by "
     "speedboat to Italy."),
    ("cannabis", "herbal cannabis", "AL", ["ME", "BA", "HR", "SI"], ["AT", "DE"], "road",
     "Vacuum-packed cannabis in cars and vans with hidden compartments."),
    ("cannabis", "herbal cannabis", "MK", ["RS", "HU"], ["AT", "DE"], "road",
     "Indoor and outdoor cultivation; small consignments moved by car."),
    ("cannabis", "cannabis resin", "MA", ["ES", "IT", "GR"], ["TR", "BG"], "sea",
     "Resin shipped in lorries on ferries."),
    ("synthetic", "amphetamine and MDMA", "NL", ["DE", "AT", "HU", "RS"], ["BG", "TR"], "road",
     "Synthetic drugs moved east in lorries and by post; payment in crypto-assets."),
    ("synthetic", "captagon (amphetamine tablets)", "BG", ["TR"], ["SA", "AE"], "road",
     "Captagon tablets produced in clandestine labs, smuggled in lorries to the Middle East."),
    ("synthetic", "new psychoactive substances", "CN", [], ["HU", "SI", "HR", "RO"],
     "post and parcels", "NPS ordered on the internet and sent by post in small parcels."),
    ("migrant_smuggling", "migrants", "TR", ["GR", "MK", "RS", "HU"], ["AT", "DE"], "mixed",
     "Crossings of the Aegean in rubber boats, then on foot and by taxi or van along the "
     "Balkan route; payment through hawala."),
    ("migrant_smuggling", "migrants", "TR", ["BG", "RS", "HR", "SI"], ["AT", "IT", "DE"],
     "road", "Migrants hidden in lorries and vans; guides lead groups across green borders."),
    ("migrant_smuggling", "migrants", "GR", ["AL", "ME", "BA", "HR", "SI"], ["IT", "AT"],
     "road", "Groups led on foot across the mountains, then by car; smugglers of several "
     "nationalities cooperate along the route."),
    ("migrant_smuggling", "migrants", "TR", ["BG", "RO", "HU"], ["AT", "DE"], "road",
     "Concealment in lorries crossing the Danube bridges; forged documents."),
    ("migrant_smuggling", "migrants", "IQ", ["TR"], ["GR", "IT"], "sea",
     "Sailing boats and yachts from the Turkish coast directly to Italy."),
    ("excise_goods", "cigarettes", "UA", ["MD", "RO"], ["HU", "AT", "DE"], "road",
     "Cigarettes hidden in lorries and in cargo of timber; small-scale smuggling by "
     "residents of the border area."),
    ("excise_goods", "cigarettes", "BY", ["UA", "MD"], ["RO", "BG"], "road",
     "Cheap whites from free zones; consignments split into car loads."),
    ("excise_goods", "cigarettes", "AE", [], ["GR", "TR", "BG"], "sea",
     "Cigarettes declared as other goods in containers."),
    ("excise_goods", "cigarettes", "ME", ["AL", "GR"], ["IT"], "sea",
     "Cigarettes from the free zone of the port of Bar."),
    ("firearms", "pistols and assault rifles", "BA", ["HR", "SI"], ["AT", "DE", "FR", "NL"],
     "road", "Weapons from former conflict stockpiles hidden in cars and coaches."),
    ("firearms", "converted gas pistols and ammunition", "RS", ["HU"], ["AT", "DE", "SE"],
     "post and parcels", "Converted firearms and parts sent by post and parcel services."),
    ("firearms", "hand grenades and pistols", "ME", ["AL", "GR"], ["IT", "GR"], "road",
     "Small quantities carried by couriers for criminal groups abroad."),
    ("firearms", "pistols", "TR", ["BG"], ["RO", "HU", "DE"], "road",
     "Blank-firing pistols bought legally and converted to fire live ammunition."),
    ("thb", "women and girls for sexual exploitation", "MD", ["RO"], ["TR", "IT", "DE"],
     "mixed", "Recruitment through false job offers and the loverboy method."),
    ("thb", "victims for sexual exploitation", "BG", ["RO"], ["DE", "NL", "BE"], "road",
     "Victims transported by minibus; exploitation in window and street prostitution."),
    ("thb", "victims of labour exploitation", "RO", ["HU"], ["GB", "DE", "IT"], "road",
     "Recruitment in poor rural communities; debt bondage."),
    ("thb", "victims for sexual exploitation", "AL", ["XK"], ["IT", "GB", "GR"], "mixed",
     "Recruitment through romantic relationships; forged travel documents."),
    ("thb", "women for sexual exploitation", "UZ", ["GE"], ["TR"], "air",
     "Victims entering on tourist visas and exploited in tourist resorts."),
]

MO_NATIVE = {
    "RS": "Droga se krije u posebno izrađenim bunkerima u teretnim vozilima.",
    "HR": "Migranti se prevoze kombijima i osobnim automobilima preko zelene granice.",
    "AL": "Kanabisi transportohet me mjete lundruese të shpejta drejt Italisë.",
    "TR": "Göçmenler lastik botlarla Ege adalarına geçirilmektedir.",
    "RO": "Țigaretele sunt ascunse în camioane cu cherestea.",
    "HU": "A migránsokat kisbuszokkal szállítják a határon át.",
    "BG": "Мигрантите се превозват в товарни автомобили през зелената граница.",
}


def _route_rows(ct: Country) -> list[dict[str, Any]]:
    mine = [r for r in ROUTE_CATALOGUE
            if ct.iso2 == r[2] or ct.iso2 in r[3] or ct.iso2 in r[4]]
    n = int(np.clip(round(2 + ct.size * 1.2 + ct.rng.normal(0, 0.8)), 2, 6))
    idx = sorted(ct.rng.choice(len(mine), size=min(n, len(mine)), replace=False))
    rows = []
    native_left = 1 if ct.iso2 in MO_NATIVE and ct.rng.random() < 0.6 else 0
    for i, j in enumerate(idx, start=1):
        area, commodity, origin, transit, dest, mode, mo = mine[j]
        row: dict[str, Any] = {
            "route_ref": f"{ct.iso2}-R{ct.years[-1] % 100:02d}-{i:02d}",
            "crime_area": area, "origin": ct.name(origin),
            "destination": ct.names(dest),
        }
        if ct.rng.random() < 0.85:
            row["commodity"] = commodity
        if transit:
            row["transit"] = ct.names(transit)
        if "transport_mode" in ct.spec.sheet("routes").keys and ct.rng.random() < 0.9:
            row["transport_mode"] = mode
        if native_left and ct.rng.random() < 0.5:
            native_left -= 1
            row["modus_operandi"] = MO_NATIVE[ct.iso2]
        elif ct.rng.random() < 0.85:
            row["modus_operandi"] = mo
        if ct.rng.random() < 0.9:
            row["year"] = int(ct.rng.choice(ct.years[-2:], p=[0.3, 0.7]))
        row.update(ct.grading())
        rows.append(row)
    return rows


# -- assessments -----------------------------------------------------------------------

KEY_METRIC = {"heroin": "heroin_seized", "cocaine": "cocaine_seized",
              "cannabis": "cannabis_herb_seized", "synthetic": "amphetamine_seized",
              "migrant_smuggling": "irregular_migrants_detected", "thb": "victims_identified",
              "firearms": "firearms_seized", "excise_goods": "cigarettes_seized",
              "economic_crime": "ml_cases", "cybercrime": "cyber_attacks_reported",
              "counterfeit_goods": "counterfeit_items_seized",
              "environmental_crime": "wildlife_specimens_seized",
              "property_crime": "vehicles_stolen"}
#: Indicators every country reports whenever it reports the area (the assessments quote them).
ESSENTIAL = {"cases", "arrests", *KEY_METRIC.values()}
METRIC_KIND = {"heroin": "mass", "cocaine": "mass", "cannabis": "mass", "synthetic": "mass",
               "migrant_smuggling": "migrants", "thb": "victims", "firearms": "firearms",
               "excise_goods": "cigarettes"}

EXPECTED_EN = {
    "heroin": ["Diversification of the Balkan route towards the southern branch through "
               "Albania and Greece, and more use of maritime containers.",
               "Lower heroin purity and more poly-drug consignments mixed with cocaine and "
               "cannabis."],
    "cocaine": ["Further growth of cocaine shipments in containers through the region's "
                "ports, with Balkan criminal networks buying directly in South America.",
                "More violence between rival groups competing for control of port logistics."],
    "cannabis": ["Growth of indoor cultivation with high-THC strains and of exports "
                 "towards western Europe."],
    "synthetic": ["More clandestine laboratories and new psychoactive substances sold online.",
                  "Captagon production for Middle Eastern markets."],
    "migrant_smuggling": ["Pressure on the borders will remain; smugglers adapt quickly to "
                          "border controls and use the internet to advertise services.",
                          "More dangerous crossings in closed lorries and more use of forged "
                          "documents."],
    "thb": ["Recruitment through social networks and more labour exploitation.",
            "Exploitation of migrants who run out of money on the route."],
    "firearms": ["Continued leakage from old stockpiles and conversion of blank-firing "
                 "weapons; purchases on the dark web."],
    "excise_goods": ["Illicit production facilities inside the EU and smuggling of cheap "
                     "whites through free zones."],
    "economic_crime": ["More laundering through real estate, the construction sector and "
                       "crypto-assets."],
    "cybercrime": ["Growth of ransomware, business e-mail compromise and online investment "
                   "fraud."],
    "counterfeit_goods": ["More counterfeit goods sold online and sent by post."],
    "environmental_crime": ["Illegal shipments of waste disguised as second-hand goods."],
    "property_crime": ["Mobile groups specialised in theft of vehicles and cargo."],
}

NATIVE = {
    "sr": {
        "area": {"heroin": "krijumčarenje heroina", "cocaine": "krijumčarenje kokaina",
                 "cannabis": "krijumčarenje kanabisa", "synthetic": "sintetičke droge",
                 "migrant_smuggling": "krijumčarenje migranata", "thb": "trgovina ljudima",
                 "firearms": "nedozvoljena trgovina oružjem",
                 "excise_goods": "krijumčarenje akciznih proizvoda"},
        "metric": {"mass": "zaplenjena količina (kg)",
                   "migrants": "otkriveni iregularni migranti", "victims": "identifikovane žrtve",
                   "firearms": "zaplenjeno vatreno oružje (komada)",
                   "cigarettes": "zaplenjene cigarete (komada)"},
        "situation": "U periodu {p1}–{p2} u oblasti „{area}“ pokrenuto je ukupno {cases} "
                     "krivičnih predmeta i uhapšeno {arrests} lica. Pokazatelj „{metric}“ u "
                     "{y2}. godini iznosio je {v2}.",
        "trends": "Pokazatelj „{metric}“ kretao se od {v1} ({y1}) do {v2} ({y2}), što ukazuje "
                  "na {trend} trend.",
        "trend": ("rastući", "opadajući", "stabilan"),
        "expected": "Očekuje se dalje korišćenje postojećih ruta i sve veće oslanjanje "
                    "kriminalnih grupa na kriptovane komunikacione aplikacije.",
        "sep": ".",
    },
    "hr": {
        "area": {"heroin": "krijumčarenje heroina", "cocaine": "krijumčarenje kokaina",
                 "cannabis": "krijumčarenje kanabisa", "synthetic": "sintetske droge",
                 "migrant_smuggling": "krijumčarenje migranata", "thb": "trgovanje ljudima",
                 "firearms": "nezakonita trgovina oružjem",
                 "excise_goods": "krijumčarenje trošarinske robe"},
        "metric": {"mass": "zaplijenjena količina (kg)",
                   "migrants": "otkriveni nezakoniti migranti",
                   "victims": "identificirane žrtve",
                   "firearms": "zaplijenjeno vatreno oružje (komada)",
                   "cigarettes": "zaplijenjene cigarete (komada)"},
        "situation": "U razdoblju {p1}.–{p2}. u području „{area}“ pokrenuto je ukupno {cases} "
                     "kaznenih predmeta, a uhićeno je {arrests} osoba. Pokazatelj „{metric}“ "
                     "u {y2}. godini iznosio je {v2}.",
        "trends": "Pokazatelj „{metric}“ kretao se od {v1} ({y1}.) do {v2} ({y2}.), što "
                  "upućuje na {trend} trend.",
        "trend": ("rastući", "padajući", "stabilan"),
        "expected": "Očekuje se daljnje korištenje postojećih ruta i sve veće oslanjanje "
                    "kriminalnih skupina na kriptirane komunikacijske aplikacije.",
        "sep": ".",
    },
    "mk": {
        "area": {"heroin": "шверц на хероин", "cocaine": "шверц на кокаин",
                 "cannabis": "шверц на канабис", "synthetic": "синтетички дроги",
                 "migrant_smuggling": "криумчарење мигранти", "thb": "трговија со луѓе",
                 "firearms": "недозволена трговија со оружје",
                 "excise_goods": "шверц на акцизни стоки"},
        "metric": {"mass": "запленето количество (кг)",
                   "migrants": "откриени нерегуларни мигранти",
                   "victims": "идентификувани жртви",
                   "firearms": "запленето огнено оружје (парчиња)",
                   "cigarettes": "запленети цигари (парчиња)"},
        "situation": "Во периодот {p1}–{p2} во областа „{area}“ беа отворени вкупно {cases} "
                     "кривични предмети и беа уапсени {arrests} лица. Показателот „{metric}“ "
                     "во {y2} година изнесуваше {v2}.",
        "trends": "Показателот „{metric}“ се движеше од {v1} ({y1}) до {v2} ({y2}), што "
                  "укажува на {trend} тренд.",
        "trend": ("растечки", "опаѓачки", "стабилен"),
        "expected": "Се очекува понатамошно користење на постојните рути и зголемена употреба "
                    "на криптирани апликации за комуникација од страна на криминалните групи.",
        "sep": ".",
    },
    "bg": {
        "area": {"heroin": "трафик на хероин", "cocaine": "трафик на кокаин",
                 "cannabis": "трафик на канабис", "synthetic": "синтетични наркотици",
                 "migrant_smuggling": "каналджийство на мигранти", "thb": "трафик на хора",
                 "firearms": "незаконен трафик на оръжие",
                 "excise_goods": "контрабанда на акцизни стоки"},
        "metric": {"mass": "задържано количество (кг)",
                   "migrants": "задържани нелегални мигранти",
                   "victims": "идентифицирани жертви",
                   "firearms": "задържано огнестрелно оръжие (бр.)",
                   "cigarettes": "задържани цигари (къса)"},
        "situation": "През периода {p1}–{p2} г. в областта „{area}“ са образувани общо {cases} "
                     "досъдебни производства и са задържани {arrests} лица. Показателят "
                     "„{metric}“ през {y2} г. възлиза на {v2}.",
        "trends": "Показателят „{metric}“ се движи от {v1} ({y1} г.) до {v2} ({y2} г.), което "
                  "показва {trend} тенденция.",
        "trend": ("възходяща", "низходяща", "стабилна"),
        "expected": "Очаква се по-нататъшно използване на установените маршрути и засилено "
                    "използване на криптирани комуникационни приложения от организираните "
                    "престъпни групи.",
        "sep": " ",
    },
    "sq": {
        "area": {"heroin": "trafikimi i heroinës", "cocaine": "trafikimi i kokainës",
                 "cannabis": "trafikimi i kanabisit", "synthetic": "drogat sintetike",
                 "migrant_smuggling": "kontrabanda e emigrantëve",
                 "thb": "trafikimi i qenieve njerëzore", "firearms": "trafikimi i armëve",
                 "excise_goods": "kontrabanda e mallrave të akcizës"},
        "metric": {"mass": "sasia e sekuestruar (kg)",
                   "migrants": "emigrantë të parregullt të zbuluar",
                   "victims": "viktima të identifikuara",
                   "firearms": "armë zjarri të sekuestruara (copë)",
                   "cigarettes": "cigare të sekuestruara (copë)"},
        "situation": "Gjatë periudhës {p1}–{p2}, në fushën „{area}“ u regjistruan gjithsej "
                     "{cases} procedime penale dhe u arrestuan {arrests} persona. Treguesi "
                     "„{metric}“ në vitin {y2} ishte {v2}.",
        "trends": "Treguesi „{metric}“ ndryshoi nga {v1} ({y1}) në {v2} ({y2}), çka tregon "
                  "një prirje {trend}.",
        "trend": ("në rritje", "në rënie", "të qëndrueshme"),
        "expected": "Pritet përdorimi i mëtejshëm i rrugëve ekzistuese dhe mbështetja "
                    "gjithnjë e më e madhe e grupeve kriminale te aplikacionet e komunikimit "
                    "të koduar.",
        "sep": ".",
    },
    "el": {
        "area": {"heroin": "διακίνηση ηρωίνης", "cocaine": "διακίνηση κοκαΐνης",
                 "cannabis": "διακίνηση κάνναβης", "synthetic": "συνθετικά ναρκωτικά",
                 "migrant_smuggling": "διακίνηση μεταναστών", "thb": "εμπορία ανθρώπων",
                 "firearms": "λαθρεμπορία όπλων",
                 "excise_goods": "λαθρεμπόριο καπνικών προϊόντων"},
        "metric": {"mass": "κατασχεθείσα ποσότητα (kg)",
                   "migrants": "εντοπισθέντες παράτυποι μετανάστες",
                   "victims": "ταυτοποιηθέντα θύματα",
                   "firearms": "κατασχεθέντα πυροβόλα όπλα (τεμ.)",
                   "cigarettes": "κατασχεθέντα τσιγάρα (τεμ.)"},
        "situation": "Κατά την περίοδο {p1}–{p2}, στον τομέα «{area}» σχηματίστηκαν συνολικά "
                     "{cases} ποινικές δικογραφίες και συνελήφθησαν {arrests} άτομα. Ο δείκτης "
                     "«{metric}» το {y2} ανήλθε σε {v2}.",
        "trends": "Ο δείκτης «{metric}» κυμάνθηκε από {v1} ({y1}) σε {v2} ({y2}), γεγονός που "
                  "υποδηλώνει {trend} τάση.",
        "trend": ("αυξητική", "πτωτική", "σταθερή"),
        "expected": "Αναμένεται περαιτέρω χρήση των υφιστάμενων διαδρομών και αυξανόμενη χρήση "
                    "κρυπτογραφημένων εφαρμογών επικοινωνίας από τις εγκληματικές ομάδες.",
        "sep": ".",
    },
    "ro": {
        "area": {"heroin": "traficul de heroină", "cocaine": "traficul de cocaină",
                 "cannabis": "traficul de canabis", "synthetic": "drogurile sintetice",
                 "migrant_smuggling": "traficul de migranți", "thb": "traficul de persoane",
                 "firearms": "traficul de arme",
                 "excise_goods": "contrabanda cu produse accizabile"},
        "metric": {"mass": "cantitatea capturată (kg)",
                   "migrants": "migranți ilegali depistați",
                   "victims": "victime identificate",
                   "firearms": "arme de foc confiscate (buc.)",
                   "cigarettes": "țigarete confiscate (buc.)"},
        "situation": "În perioada {p1}–{p2}, în domeniul „{area}” au fost înregistrate în "
                     "total {cases} dosare penale și au fost reținute {arrests} persoane. "
                     "Indicatorul „{metric}” a fost de {v2} în anul {y2}.",
        "trends": "Indicatorul „{metric}” a evoluat de la {v1} ({y1}) la {v2} ({y2}), ceea ce "
                  "indică o tendință {trend}.",
        "trend": ("crescătoare", "descrescătoare", "stabilă"),
        "expected": "Se așteaptă utilizarea în continuare a rutelor existente și recurgerea "
                    "tot mai frecventă a grupărilor infracționale la aplicații de comunicare "
                    "criptată.",
        "sep": ".",
    },
    "hu": {
        "area": {"heroin": "heroinkereskedelem", "cocaine": "kokainkereskedelem",
                 "cannabis": "kannabiszkereskedelem", "synthetic": "szintetikus drogok",
                 "migrant_smuggling": "embercsempészet", "thb": "emberkereskedelem",
                 "firearms": "fegyverkereskedelem",
                 "excise_goods": "jövedéki termékek csempészete"},
        "metric": {"mass": "lefoglalt mennyiség (kg)",
                   "migrants": "feltartóztatott illegális migránsok",
                   "victims": "azonosított áldozatok",
                   "firearms": "lefoglalt lőfegyverek (db)",
                   "cigarettes": "lefoglalt cigaretta (szál)"},
        "situation": "A {p1}–{p2} közötti időszakban {a_area} „{area}” területén összesen "
                     "{cases} büntetőeljárás indult, és {arrests} személyt vettek őrizetbe. "
                     "{A_metric} „{metric}” mutató értéke {y2}-{suffix} {v2} volt.",
        "trends": "{A_metric} „{metric}” mutató értéke {v1} ({y1}) és {v2} ({y2}) között "
                  "alakult, ami {trend} tendenciára utal.",
        "trend": ("növekvő", "csökkenő", "stabil"),
        "expected": "A meglévő útvonalak további használata, valamint a titkosított "
                    "kommunikációs alkalmazások egyre gyakoribb használata várható a "
                    "bűnszervezetek részéről.",
        "sep": " ",
    },
    "tr": {
        "area": {"heroin": "eroin kaçakçılığı", "cocaine": "kokain kaçakçılığı",
                 "cannabis": "esrar kaçakçılığı", "synthetic": "sentetik uyuşturucular",
                 "migrant_smuggling": "göçmen kaçakçılığı", "thb": "insan ticareti",
                 "firearms": "silah kaçakçılığı", "excise_goods": "kaçak tütün ürünleri"},
        "metric": {"mass": "ele geçirilen miktar (kg)",
                   "migrants": "yakalanan düzensiz göçmen sayısı",
                   "victims": "tespit edilen mağdur sayısı",
                   "firearms": "ele geçirilen ateşli silah (adet)",
                   "cigarettes": "ele geçirilen sigara (adet)"},
        "situation": "{p1}–{p2} döneminde “{area}” alanında toplam {cases} soruşturma "
                     "başlatılmış ve {arrests} kişi gözaltına alınmıştır. “{metric}” göstergesi "
                     "{y2} yılında {v2} olarak gerçekleşmiştir.",
        "trends": "“{metric}” göstergesi {y1} yılında {v1} iken {y2} yılında {v2} olmuştur; "
                  "bu durum {trend} bir eğilime işaret etmektedir.",
        "trend": ("artan", "azalan", "istikrarlı"),
        "expected": "Mevcut güzergâhların kullanılmaya devam edilmesi ve suç örgütlerinin "
                    "şifreli iletişim uygulamalarına giderek daha fazla başvurması "
                    "beklenmektedir.",
        "sep": ".",
    },
    "sl": {
        "area": {"heroin": "trgovina s heroinom", "cocaine": "trgovina s kokainom",
                 "cannabis": "trgovina s konopljo", "synthetic": "sintetične droge",
                 "migrant_smuggling": "tihotapljenje migrantov", "thb": "trgovina z ljudmi",
                 "firearms": "nedovoljena trgovina z orožjem",
                 "excise_goods": "tihotapljenje trošarinskega blaga"},
        "metric": {"mass": "zasežena količina (kg)", "migrants": "odkriti nezakoniti migranti",
                   "victims": "identificirane žrtve",
                   "firearms": "zaseženo strelno orožje (kosov)",
                   "cigarettes": "zasežene cigarete (kosov)"},
        "situation": "V obdobju {p1}–{p2} je bilo na področju »{area}« uvedenih skupno {cases} "
                     "kazenskih zadev, prijetih pa je bilo {arrests} oseb. Kazalnik »{metric}« "
                     "je v letu {y2} znašal {v2}.",
        "trends": "Kazalnik »{metric}« se je gibal od {v1} ({y1}) do {v2} ({y2}), kar kaže na "
                  "{trend} trend.",
        "trend": ("naraščajoč", "padajoč", "stabilen"),
        "expected": "Pričakujemo nadaljnjo uporabo obstoječih poti in vse pogostejšo uporabo "
                    "šifriranih komunikacijskih aplikacij s strani kriminalnih združb.",
        "sep": ".",
    },
}

_CYR = {"lj": "љ", "nj": "њ", "dž": "џ", "Lj": "Љ", "Nj": "Њ", "Dž": "Џ", "LJ": "Љ",
        "NJ": "Њ", "DŽ": "Џ"}
_CYR1 = dict(zip("abvgdđežzijklmnoprstćufhcčšABVGDĐEŽZIJKLMNOPRSTĆUFHCČŠ",
                 "абвгдђежзијклмнопрстћуфхцчшАБВГДЂЕЖЗИЈКЛМНОПРСТЋУФХЦЧШ", strict=True))


def to_cyrillic(text: str) -> str:
    """Serbian Latin to Serbian Cyrillic (letters only; digits and punctuation kept)."""
    out, i = [], 0
    while i < len(text):
        two = text[i:i + 2]
        if two in _CYR:
            out.append(_CYR[two])
            i += 2
            continue
        out.append(_CYR1.get(text[i], text[i]))
        i += 1
    return "".join(out)


def _fmt(value: float, lang: str, mass: bool) -> str:
    """A figure for running text, in the language's number format."""
    if lang == "en":
        return f"{value:,.1f}" if mass and value < 100 else f"{value:,.0f}"
    sep = NATIVE[lang]["sep"] if lang in NATIVE else "."
    text = f"{value:,.1f}" if mass and value < 100 else f"{value:,.0f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", sep)


def _trend(v1: float, v2: float) -> int:
    if v2 > v1 * 1.15:
        return 0
    if v2 < v1 * 0.87:
        return 1
    return 2


def _hu_suffix(year: int) -> str:
    return "ban" if year % 10 in (3, 6, 8) else "ben"


def _assessment_rows(ct: Country, areas: list[str], series: dict) -> list[dict[str, Any]]:
    lang = LANGUAGE[ct.iso2]
    candidates = [a for a in areas if a in KEY_METRIC]
    n = int(np.clip(round(3 + ct.size * 1.5 + ct.rng.normal(0, 1)), 3, 9))
    if ct.iso2 == PARTIAL.get(ct.cycle_code):
        n = 2
    picked = [candidates[i] for i in sorted(ct.rng.choice(len(candidates),
                                                          size=min(n, len(candidates)),
                                                          replace=False))]
    native_n = NATIVE_ASSESSMENTS.get(ct.iso2, 0)
    if ct.cycle_code == "2009-2012" and ct.iso2 == "TR":
        native_n = 99  # the first cycle's Turkish answers are all in Turkish
    native_ok = [a for a in picked if a in METRIC_KIND and lang in NATIVE]
    native = set()
    if native_ok and native_n:
        pick = ct.rng.choice(len(native_ok), size=min(native_n, len(native_ok)), replace=False)
        native = {native_ok[i] for i in pick}
    cyrillic = ct.iso2 == "RS" and ct.rng.random() < 0.7
    country_en = NAMES[ct.iso2]
    rows = []
    for area in picked:
        s = series.get(area, {})
        metric_code = KEY_METRIC[area]
        metric = {y: v for y, v in s.get(metric_code, {}).items()}
        cases = s.get("cases", {})
        arrests = s.get("arrests", {})
        if not metric:
            metric_code, metric = "cases", cases
        ys = sorted(metric)
        y1, y2 = ys[0], ys[-1]
        v1, v2 = metric[y1], metric[y2]
        mass = ct.spec.indicator(metric_code).measure == "mass"
        row: dict[str, Any] = {"crime_area": area}
        if area in native:
            t = NATIVE[lang]
            kind = METRIC_KIND[area]
            fields = {
                "p1": ct.years[0], "p2": ct.years[-1],
                "y1": y1, "y2": y2, "area": t["area"][area], "metric": t["metric"][kind],
                "cases": _fmt(sum(cases.values()), lang, False),
                "arrests": _fmt(sum(arrests.values()), lang, False),
                "v1": _fmt(v1, lang, mass), "v2": _fmt(v2, lang, mass),
                "trend": t["trend"][_trend(v1, v2)],
                "suffix": _hu_suffix(y2),
                "a_area": "az" if t["area"][area][0] in "aeiouáéíóöőúüű" else "a",
                "A_metric": "Az" if t["metric"][kind][0] in "aeiouáéíóöőúüű" else "A",
            }
            row["situation"] = t["situation"].format(**fields)
            if ct.rng.random() < 0.9:
                row["trends"] = t["trends"].format(**fields)
            if ct.rng.random() < 0.8:
                row["expected_threats"] = t["expected"]
            row["language"] = lang
            if lang == "sr" and cyrillic:
                for k in ("situation", "trends", "expected_threats"):
                    if k in row:
                        row[k] = to_cyrillic(row[k])
        else:
            label = crime_area(area).label
            ind = ct.spec.indicator(metric_code)
            unit = {"mass": " kg", "money": " EUR", "count": ""}[ind.measure]
            score = ct.score(area)
            level = ("a major" if score >= 7 else "a significant" if score >= 5
                     else "a limited but persistent")
            what = ind.label[0].lower() + ind.label[1:]
            row["situation"] = (
                f"{label} remains {level} threat in {country_en}. In {ct.years[0]}-"
                f"{ct.years[-1]} law enforcement opened {_fmt(sum(cases.values()), 'en', False)}"
                f" criminal cases in this area and arrested "
                f"{_fmt(sum(arrests.values()), 'en', False)} persons. The figure for "
                f"{what} was {_fmt(v2, 'en', mass)}{unit} in {y2}.")
            verb = ("rose", "fell", "remained broadly stable, moving")[_trend(v1, v2)]
            peak_y = max(metric, key=metric.get)
            trend = (f"The figure for {what} {verb} from {_fmt(v1, 'en', mass)}{unit} in {y1} "
                     f"to {_fmt(v2, 'en', mass)}{unit} in {y2}.")
            if peak_y not in (y1, y2):
                trend += (f" The highest figure of the period was recorded in {peak_y} "
                          f"({_fmt(metric[peak_y], 'en', mass)}{unit}).")
            if area == "migrant_smuggling" and 2015 in metric:
                trend += " The 2015 peak reflects the mass movement along the Balkan route."
            if ct.rng.random() < 0.92:
                row["trends"] = trend
            if ct.rng.random() < 0.85:
                pool = EXPECTED_EN[area]
                row["expected_threats"] = pool[int(ct.rng.integers(len(pool)))]
            if ct.rng.random() < 0.3:
                row["language"] = "en"
        g = ct.grading()
        g.pop("not_for_dissemination", None)
        if ct.rng.random() < 0.05:
            g["not_for_dissemination"] = "yes"
        row.update(g)
        rows.append(row)
    return rows


# -- respondent ------------------------------------------------------------------------

def _respondent(ct: Country) -> dict[str, Any]:
    deadline, issued = DEADLINE[ct.cycle_code], ISSUED[ct.cycle_code]
    if ct.iso2 == LATE.get(ct.cycle_code):
        date = deadline + dt.timedelta(days=int(ct.rng.integers(20, 50)))
    else:
        date = issued + dt.timedelta(days=int(ct.rng.integers(25, (deadline - issued).days)))
    row: dict[str, Any] = {
        "country": OWN_NAME.get((ct.cycle_code, ct.iso2), NAMES[ct.iso2]),
        "cycle": ct.cycle_code, "agency": AGENCY[ct.iso2],
        "dissemination": "public" if ct.iso2 in PUBLIC else "restricted",
    }
    # Most write an Excel date; two type it as text in their own format.
    if ct.iso2 == "HU":
        row["submission_date"] = date.isoformat()
    elif ct.iso2 == "SI":
        row["submission_date"] = date.strftime("%d.%m.%Y")
    else:
        row["submission_date"] = date
    if ct.rng.random() < 0.85:
        first, last = CONTACTS[ct.iso2]
        row["contact_name"] = f"{first} {last}"
        if ct.rng.random() < 0.85:
            domain = f"{ct.iso2.lower()}-police.example.org"
            row["contact_email"] = f"{_ascii(first)[0]}.{_ascii(last)}@{domain}".lower()
    return row


def _ascii(text: str) -> str:
    import unicodedata

    text = text.replace("ı", "i").replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(ch))


def as_date(value: dt.date | str) -> dt.date:
    """A submission date as written by _respondent (date, ISO text or dd.mm.yyyy)."""
    if isinstance(value, dt.date):
        return value
    if "." in value:
        return dt.datetime.strptime(value, "%d.%m.%Y").date()
    return dt.date.fromisoformat(value)


# -- one workbook ----------------------------------------------------------------------

def build_rows(cycle_code: str, iso2: str, mags: dict[str, Any]) -> dict[str, list[dict]]:
    """Every sheet's rows for one country and cycle (deterministic)."""
    ct = Country(iso2, cycle_code, mags, rng_for(cycle_code, iso2))
    respondent = _respondent(ct)
    areas = _areas(ct)
    indicators, series = _indicator_rows(ct, areas)
    rows: dict[str, list[dict]] = {"respondent": [respondent], "indicators": indicators}
    partial = iso2 == PARTIAL.get(cycle_code)
    if partial and cycle_code == "2009-2012":
        return rows  # respondent and indicators only
    rows["groups"] = _group_rows(ct, areas)
    rows["routes"] = [] if partial else _route_rows(ct)
    rows["assessments"] = _assessment_rows(ct, areas, series)
    return rows


def write_sample(cycle_code: str, iso2: str, mags: dict[str, Any], out_dir: Path) -> Path:
    rows = build_rows(cycle_code, iso2, mags)
    out = out_dir / cycle_code / f"{iso2}.xlsx"
    write_template(cycle_code, iso2, out, rows=rows, issued=ISSUED[cycle_code])
    sub_date = as_date(rows["respondent"][0]["submission_date"])
    make_reproducible(out, created=dt.datetime.combine(ISSUED[cycle_code], dt.time(9, 0)),
                      modified=dt.datetime.combine(sub_date, dt.time(12, 0)))
    return out


#: Later workbooks for the guide (docs/guide.md) and the cycle test: Croatia's first
#: return with a mistake in it, and its correction after draft 1.
RESUBMISSIONS = "resubmissions"


def write_resubmissions(mags: dict[str, Any], out_dir: Path,
                        cycle_code: str = "2013-2017", iso2: str = "HR") -> list[Path]:
    """``HR_with_error.xlsx`` (a heroin case count written 'n/a') and
    ``HR_correction.xlsx`` (2017 heroin seizures corrected from 58 kg to 96.5 kg)."""
    folder = out_dir / cycle_code / RESUBMISSIONS
    written = []
    for name, when in (("with_error", dt.date(2018, 3, 6)),
                       ("correction", dt.date(2018, 5, 28))):
        rows = build_rows(cycle_code, iso2, mags)
        rows["respondent"][0]["submission_date"] = when.strftime("%d.%m.%Y")
        hits = [r for r in rows["indicators"]
                if (r["crime_area"], r["indicator"], r.get("breakdown"), r["year"])
                == (("heroin", "cases", None, 2014) if name == "with_error"
                    else ("heroin", "heroin_seized", None, 2017))]
        assert len(hits) == 1, hits
        hits[0]["value"] = "n/a" if name == "with_error" else 96.5
        out = folder / f"{iso2}_{name}.xlsx"
        write_template(cycle_code, iso2, out, rows=rows, issued=ISSUED[cycle_code])
        make_reproducible(out, created=dt.datetime.combine(ISSUED[cycle_code], dt.time(9, 0)),
                          modified=dt.datetime.combine(when, dt.time(12, 0)))
        written.append(out)
    return written


def make_reproducible(path: Path, created: dt.datetime, modified: dt.datetime) -> None:
    """Fix the timestamps openpyxl writes (zip entries, docProps/core.xml)."""
    stamp = (created.year, created.month, created.day, created.hour, created.minute, 0)
    buf = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(r"(<dcterms:created[^>]*>)[^<]*(</dcterms:created>)",
                              rf"\g<1>{created:%Y-%m-%dT%H:%M:%SZ}\g<2>", text)
                text = re.sub(r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                              rf"\g<1>{modified:%Y-%m-%dT%H:%M:%SZ}\g<2>", text)
                data = text.encode("utf-8")
            new = zipfile.ZipInfo(info.filename, date_time=stamp)
            new.compress_type = zipfile.ZIP_DEFLATED
            new.external_attr = 0o644 << 16
            dst.writestr(new, data)
    path.write_bytes(buf.getvalue())


def generate(mags: dict[str, Any], out_dir: Path = HERE,
             cycles: Iterable[str] = CYCLES,
             countries: Iterable[str] = MEMBER_CODES) -> list[Path]:
    written = []
    for c in cycles:
        for iso2 in sorted(countries):
            written.append(write_sample(c, iso2, mags, out_dir))
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=None,
                    help=f"folder of the public data (default {DEFAULT_SHARED})")
    ap.add_argument("--offline", action="store_true",
                    help="do not read the public data; use inputs/magnitudes.json as it is")
    ap.add_argument("--out", type=Path, default=HERE, help="where to write the workbooks")
    ap.add_argument("--cycle", action="append", choices=CYCLES, help="only this cycle")
    ap.add_argument("--country", action="append", help="only this country (ISO2)")
    args = ap.parse_args(argv)
    shared = args.shared or DEFAULT_SHARED
    if not args.offline:
        if (shared / "goc_index").is_dir():
            path = write_magnitudes(derive_magnitudes(shared))
            print(f"magnitudes refreshed from {shared} -> {path.relative_to(REPO)}")
        elif args.shared is not None:
            print(f"error: no public data at {shared} (expected goc_index/, frontex/, "
                  "unodc/, cpi/)", file=sys.stderr)
            return 2
        else:
            print(f"note: public data not found at {shared}; using the committed "
                  f"{INPUTS.relative_to(REPO)} (pass --shared DIR to refresh it)")
    if not INPUTS.exists():
        print(f"error: {INPUTS} is missing and no public data to derive it from",
              file=sys.stderr)
        return 2
    mags = load_magnitudes()
    countries = [resolve_country(c) for c in args.country] if args.country else MEMBER_CODES
    paths = generate(mags, args.out, args.cycle or CYCLES, countries)
    if "2013-2017" in (args.cycle or CYCLES) and "HR" in countries:
        paths += write_resubmissions(mags, args.out)
    for path in paths:
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
