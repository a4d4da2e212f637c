"""Intelligence gaps: what the assessment could not see, computed from coverage.

Chapter 11 says where the picture is blind or weak, so that the next cycle's
questionnaire and collection can close it:

- **countries** that returned no questionnaire of the cycle;
- **headline series** (each crime area's charted indicator, :data:`~octasee.analysis.
  findings.SERIES`) not reported by every member state every year: who did not report
  which years, exactly as :func:`octasee.analysis.coverage.coverage` says;
- **crime areas** a member state reported nothing of (no indicator of the area, any
  year), and areas no member state reported: :func:`area_coverage`, the union of
  :func:`~octasee.analysis.coverage.coverage` over the area's indicators;
- **years** of the cycle in which a member state reported no indicator at all;
- **low-graded series**: a member state's headline series of which at least
  :data:`LOW_SHARE` of the cycle's rows are graded D (source not reliable) or 4
  (information that cannot be corroborated) in the 4x4 system (:func:`low_graded`).

>>> rows = pd.DataFrame({"country": ["AL", "AL", "RS"], "crime_area": "economic_crime",
...                      "indicator": ["ml_cases", "ml_amount", "ml_cases"],
...                      "breakdown": None, "year": [2016, 2017, 2017], "value": 1.0})
>>> c = area_coverage(rows, "economic_crime", countries=["AL", "RS", "ME"], years=[2016, 2017])
>>> c.by_year, c.never
({2016: ('AL',), 2017: ('AL', 'RS')}, ('ME',))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from octasee.analysis.coverage import Coverage, coverage
from octasee.analysis.findings import SERIES
from octasee.analysis.series import totals
from octasee.analysis.threat import threat_areas
from octasee.reference import cycle as get_cycle

__all__ = ["LOW_GRADES", "LOW_SHARE", "AreaGap", "Gaps", "LowGraded", "SeriesGap",
           "area_coverage", "intelligence_gaps", "low_graded", "reported_any"]

#: The grades that make a row low-graded: source reliability D, information 4.
LOW_GRADES = {"source_reliability": ("D",), "information_assessment": (4,)}
#: A country's series rests on low-graded rows when at least this share of its rows are.
LOW_SHARE = 0.5


def area_coverage(indicators: pd.DataFrame, area: str, *, countries: Sequence[str],
                  years: Sequence[int]) -> Coverage:
    """Who of ``countries`` reported any indicator of crime area ``area`` in each of
    ``years``: :func:`~octasee.analysis.coverage.coverage` of each indicator the rows hold
    for the area, joined (its ``indicator`` is ``"*"``: any)."""
    asked = tuple(dict.fromkeys(str(c) for c in countries))
    span = sorted({int(y) for y in years})
    seen: dict[int, set[str]] = {y: set() for y in span}
    if len(indicators) and "crime_area" in indicators.columns:
        codes = sorted(set(indicators.loc[indicators["crime_area"] == area, "indicator"]))
        for code in codes:
            for y, who in coverage(indicators, code, area, countries=asked,
                                   years=span).reported:
                seen[y].update(who)
    reported = tuple((y, tuple(c for c in asked if c in seen[y])) for y in span)
    return Coverage("*", area, asked, tuple(span), reported)


@dataclass(frozen=True)
class SeriesGap:
    """A headline series not reported by every member state every year."""

    crime_area: str
    indicator: str
    coverage: Coverage

    @property
    def missing(self) -> dict[str, tuple[int, ...]]:
        """Per country that missed a year, the years it did not report."""
        out: dict[str, list[int]] = {}
        for c, y in self.coverage.missing:
            out.setdefault(c, []).append(y)
        return {c: tuple(out[c]) for c in self.coverage.countries if c in out}


@dataclass(frozen=True)
class AreaGap:
    """A crime area some member states reported nothing of (``never``), all cycle."""

    crime_area: str
    coverage: Coverage

    @property
    def never(self) -> tuple[str, ...]:
        return self.coverage.never

    @property
    def nobody(self) -> bool:
        """No member state reported anything of the area."""
        return not any(who for _, who in self.coverage.reported)


@dataclass(frozen=True)
class LowGraded:
    """A member state's headline series resting on low-graded rows: ``low`` of its
    ``rows`` in the cycle are graded D or 4; ``nd``: one of them is not for
    dissemination."""

    crime_area: str
    indicator: str
    country: str
    rows: int
    low: int
    nd: bool = False

    @property
    def share(self) -> float:
        return self.low / self.rows if self.rows else 0.0


@dataclass(frozen=True)
class Gaps:
    """The intelligence gaps of a cycle (see the module docstring)."""

    cycle: str
    countries: tuple[str, ...]
    years: tuple[int, ...]
    returned: tuple[str, ...]
    series: tuple[SeriesGap, ...]
    areas: tuple[AreaGap, ...]
    silent_years: dict[str, tuple[int, ...]]
    low_graded: tuple[LowGraded, ...]

    @property
    def not_returned(self) -> tuple[str, ...]:
        """The member states with no questionnaire of the cycle."""
        return tuple(c for c in self.countries if c not in self.returned)

    def missing_countries(self) -> set[str]:
        """Every member state a gap names as not reporting something."""
        out = set(self.not_returned) | set(self.silent_years)
        for s in self.series:
            out |= set(s.coverage.gaps)
        for a in self.areas:
            out |= set(a.never)
        return out

    @property
    def empty(self) -> bool:
        return not (self.not_returned or self.series or self.areas or self.silent_years
                    or self.low_graded)


def low_graded(indicators: pd.DataFrame, *, countries: Sequence[str], years: Sequence[int],
               series: Sequence[tuple[str, str]] = SERIES, share: float = LOW_SHARE
               ) -> tuple[LowGraded, ...]:
    """The member states' headline series of which at least ``share`` of the rows of
    ``years`` (totals with a value) are graded D or 4, in the order of ``series`` then
    ``countries``. ``indicators`` need ``source_reliability`` and
    ``information_assessment`` (and ``nd`` or ``not_for_dissemination`` to mark)."""
    need = {"source_reliability", "information_assessment"}
    if indicators.empty or not need <= set(indicators.columns):
        return ()
    d = totals(indicators)
    d = d[d["value"].notna() & d["year"].isin([int(y) for y in years])
          & d["country"].isin(list(countries))]
    if d.empty:
        return ()
    low = (d["source_reliability"].astype(str).str.strip().str.upper().isin(
        LOW_GRADES["source_reliability"])
        | pd.to_numeric(d["information_assessment"], errors="coerce").isin(
            LOW_GRADES["information_assessment"]))
    flag = next((c for c in ("nd", "not_for_dissemination") if c in d.columns), None)
    nd = (d[flag].astype("boolean").fillna(True).astype(bool) if flag
          else pd.Series(False, index=d.index))
    d = d.assign(_low=low, _nd=nd)
    out = []
    order = list(countries)
    for area, code in series:
        part = d[(d["crime_area"] == area) & (d["indicator"] == code)]
        for c, rows in sorted(part.groupby("country"), key=lambda kv: order.index(kv[0])):
            n, k = len(rows), int(rows["_low"].sum())
            if n and k / n >= share:
                out.append(LowGraded(area, code, str(c), n, k, bool(rows["_nd"].any())))
    return tuple(out)


def intelligence_gaps(indicators: pd.DataFrame, *, cycle: str, countries: Sequence[str],
                      returned: Sequence[str] | None = None,
                      graded: pd.DataFrame | None = None,
                      series: Sequence[tuple[str, str]] = SERIES,
                      areas: Sequence[str] | None = None) -> Gaps:
    """The gaps of ``cycle`` for ``countries``.

    ``indicators``: the rows that count as reported (store rows of the cycle; in the
    public edition, the public view's cells with each withheld cell counted as
    reported: it was). ``returned``: the countries with a questionnaire of the cycle
    (default: those with a row). ``graded``: the rows whose grading is judged (default
    ``indicators``). ``series``: the headline series; ``areas``: the crime areas
    (default: those the threat index scores)."""
    c = get_cycle(cycle)
    span = tuple(range(c.first_year, c.last_year + 1))
    asked = tuple(dict.fromkeys(str(x) for x in countries))
    rows = indicators
    if len(rows) and "year" in rows.columns:
        rows = rows[pd.to_numeric(rows["year"], errors="coerce").isin(span)]
    if returned is None:
        returned = sorted(set(rows["country"])) if len(rows) else []
    series_gaps = []
    for area, code in series:
        cov = coverage(rows, code, area, countries=asked, years=span) if len(rows) else \
            Coverage(code, area, asked, span, tuple((y, ()) for y in span))
        if not cov.complete:
            series_gaps.append(SeriesGap(area, code, cov))
    area_gaps = []
    for area in (areas if areas is not None else threat_areas()):
        cov = area_coverage(rows, area, countries=asked, years=span)
        if cov.never:
            area_gaps.append(AreaGap(area, cov))
    silent: dict[str, tuple[int, ...]] = {}
    reported = reported_any(rows)
    for country in asked:
        if country not in returned:
            continue
        have = reported.get(country, set())
        missing = tuple(y for y in span if y not in have)
        if missing:
            silent[country] = missing
    low = low_graded(rows if graded is None else graded, countries=asked, years=span,
                     series=series)
    return Gaps(c.code, asked, span, tuple(x for x in asked if x in set(returned)),
                tuple(series_gaps), tuple(area_gaps), silent, low)


def reported_any(indicators: pd.DataFrame) -> dict[str, set[int]]:
    """Per country, the years in which it reported any total with a value."""
    if indicators.empty:
        return {}
    d = totals(indicators)
    d = d[d["value"].notna()]
    out: dict[str, set[int]] = {}
    for c, y in zip(d["country"], d["year"], strict=True):
        out.setdefault(str(c), set()).add(int(y))
    return out
