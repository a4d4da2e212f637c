"""Findings: what the data say, as typed, numbered records an analyst can cite.

A finding is descriptive: a sentence with its numbers, the countries and years it rests
on, and the figures and tables that show it. It is not a key judgement: judgements are
the analyst's (the register), and cite findings by their ``key``, which stays the same
from one draft to the next; a change in a finding's ``numbers`` (its :meth:`Finding.digest`)
is what "the evidence moved" means.

Kinds (:data:`KINDS`), for the series of :data:`SERIES` (each crime area's charted
indicator) and for the cycle's groups and routes:

- ``trend``: the robust trend of the regional total (after a break, of the part after it),
  with the probability from :func:`octasee.analysis.trends.trend_model` that the level at
  the horizon (the last year of the next cycle) is above the last observed level, its
  PHIA term, and a confidence level (see :mod:`octasee.analysis.trends`);
- ``break``: a structural break (:func:`~octasee.analysis.trends.detect_break`);
- ``dominance``: one country is :data:`DOMINANCE_SHARE` or more of the last year's total;
- ``coverage``: a year of the cycle in which not every member country reported;
- ``outlier``: a year far off its line (:func:`~octasee.analysis.trends.outlier_years`);
- ``change``: the mean yearly level of the cycle against the previous cycle, over the
  countries that reported in both;
- ``divergence``: victims of trafficking identified (questionnaire) against UNODC GLOTIP's
  detected victims for the same country-years, where they differ by more than
  :data:`DIVERGENCE_SHARE`;
- ``networks``: the share of the cycle's groups with an attribute (corruption, violence,
  legal business structures, links abroad, more than one nationality) and their structures;
- ``routes``: per crime area, how many routes, the most-named transit countries and the
  means of transport.

>>> KINDS[:3], chapter_of("cocaine"), chapter_of(None)
(('trend', 'break', 'dominance'), '04', '03')
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from octasee.analysis.coverage import Panel, balanced_span, coverage, panel_series
from octasee.analysis.format import (
    fmt_change,
    fmt_count,
    fmt_range,
    fmt_share,
    fmt_value,
    fmt_year,
)
from octasee.analysis.grading import analytic_confidence
from octasee.analysis.series import totals
from octasee.analysis.trends import (
    MIN_JUDGED,
    Break,
    detect_break,
    outlier_years,
    segment_fit,
    trend_model,
)
from octasee.questionnaire.spec import spec_for
from octasee.reference import MEMBER_CODES, country_name, crime_area, crime_areas
from octasee.reference import cycle as get_cycle
from octasee.reference import cycles as all_cycles

if TYPE_CHECKING:
    from octasee.store import Store

__all__ = ["CHAPTERS", "CONFIDENCE", "DIVERGENCE_SHARE", "DOMINANCE_SHARE", "KINDS",
           "MIN_TREND_YEARS", "NETWORK_ATTRIBUTES", "SERIES", "Finding", "TrendView",
           "chapter_of", "find", "find_in", "horizon", "trend_view"]

#: The kinds of finding, in the order a chapter lists them.
KINDS = ("trend", "break", "dominance", "coverage", "outlier", "divergence", "change",
         "networks", "routes")

#: The chapter that shows each crime area (groups: chapter 03).
CHAPTERS = {"drugs": "04", "heroin": "04", "cocaine": "04", "cannabis": "04",
            "synthetic": "04", "migrant_smuggling": "05", "thb": "06", "firearms": "07",
            "excise_goods": "08", "counterfeit_goods": "08", "economic_crime": "09",
            "cybercrime": "10", "environmental_crime": "10", "property_crime": "10"}
GROUPS_CHAPTER = "03"

#: The series findings are made for: each crime area's charted indicator.
SERIES: tuple[tuple[str, str], ...] = (
    ("heroin", "heroin_seized"), ("cocaine", "cocaine_seized"),
    ("cannabis", "cannabis_herb_seized"), ("synthetic", "amphetamine_seized"),
    ("migrant_smuggling", "irregular_migrants_detected"), ("thb", "victims_identified"),
    ("firearms", "firearms_seized"), ("excise_goods", "cigarettes_seized"),
    ("counterfeit_goods", "counterfeit_items_seized"), ("economic_crime", "ml_cases"),
    ("cybercrime", "cyber_attacks_reported"),
)

#: One country with at least this share of the last year's regional total dominates it.
DOMINANCE_SHARE = 0.5
#: Questionnaire and UNODC figures diverge beyond this relative difference.
DIVERGENCE_SHARE = 0.25
#: A series needs this many years for a trend finding (it is judged from MIN_JUDGED).
MIN_TREND_YEARS = 3
#: Confidence levels, highest first.
CONFIDENCE = ("high", "moderate", "low")
#: The group attributes the networks findings count, in order: (attribute, words).
NETWORK_ATTRIBUTES = (
    ("corruption", "use corruption"),
    ("violence", "use violence"),
    ("legal_business_structures", "use legal business structures"),
    ("international_links", "have links abroad"),
    ("multinational", "have members of more than one nationality"),
    ("structure", "structure"),
)
_PRESENT = ("low", "medium", "high")
_ABSENT = ("nil", "none", "no")


@dataclass(frozen=True)
class Finding:
    """One finding: a descriptive statement with its numbers and its evidence.

    ``key``: stable across drafts (``"trend:heroin:heroin_seized"``,
    ``"outlier:thb:victims_identified:2015"``, ``"networks:corruption"``,
    ``"routes:cocaine"``); ``numbers``: the named values as printed (a change in any is a
    change of the finding); ``shows``: the evidence keys of the figures and tables that
    show it; ``probability``: for a trend, P(the level at the horizon is above the last
    observed level), with its PHIA ``term``, ``horizon`` and ``confidence``; ``nd``: it
    rests on rows not for dissemination; ``number``: its place in the list (display).
    """

    key: str
    kind: str
    title: str
    statement: str
    numbers: Mapping[str, str] = field(default_factory=dict)
    countries: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    crime_area: str | None = None
    indicator: str | None = None
    chapter: str | None = None
    shows: tuple[str, ...] = ()
    probability: float | None = None
    term: str | None = None
    horizon: str | None = None
    confidence: str | None = None
    nd: bool = False
    number: int = 0

    def __hash__(self) -> int:
        return hash((self.key, self.digest(), self.number))

    def digest(self) -> str:
        """sha256 of the key and the numbers (sorted by name): what drafts compare.

        >>> Finding("k", "trend", "t", "s", {"b": "2", "a": "1"}).digest()[:12]
        'b53ea1d0ed75'
        """
        text = self.key + "\n" + "\n".join(f"{k}={v}" for k, v in sorted(self.numbers.items()))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def as_dict(self) -> dict[str, Any]:
        """Plain values (lists for tuples), with the ``digest``: for JSON and snapshots."""
        return {"key": self.key, "kind": self.kind, "number": self.number,
                "title": self.title, "statement": self.statement,
                "numbers": dict(self.numbers), "countries": list(self.countries),
                "years": list(self.years), "crime_area": self.crime_area,
                "indicator": self.indicator, "chapter": self.chapter,
                "shows": list(self.shows), "probability": self.probability,
                "term": self.term, "horizon": self.horizon, "confidence": self.confidence,
                "nd": self.nd, "digest": self.digest()}


def chapter_of(area: str | None) -> str:
    """The chapter that shows a crime area's findings (``None``: the groups, 03)."""
    if area is None:
        return GROUPS_CHAPTER
    return CHAPTERS.get(area) or CHAPTERS.get(crime_area(area).parent or "", "10")


def horizon(cycle: str) -> tuple[str, int]:
    """The horizon of a cycle's judgements: the next cycle, as long as this one.

    >>> horizon("2013-2017")
    ('the next cycle, 2018-2022', 2022)
    """
    c = get_cycle(cycle)
    length = c.last_year - c.first_year + 1
    nxt = get_cycle(f"{c.last_year + 1}-{c.last_year + length}")
    return f"the next cycle, {nxt.code}", nxt.last_year


# ----------------------------------------------------------------------------- helpers
def _names(codes: Sequence[str]) -> str:
    """Country names joined in English: "Albania, Greece and Turkey"."""
    names = [country_name(c) for c in codes]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _lc(label: str) -> str:
    """A label inside a sentence: "Heroin seized" -> "heroin seized", "NPS seized" kept."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower(level: str, steps: int) -> str:
    return CONFIDENCE[min(CONFIDENCE.index(level) + steps, len(CONFIDENCE) - 1)]


def _nd(rows: pd.DataFrame) -> bool:
    for col in ("nd", "not_for_dissemination"):
        if col in rows.columns:
            return bool(rows[col].astype("boolean").fillna(True).astype(bool).any())
    return False


def _with_nd(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with a boolean ``nd`` column (from ``not_for_dissemination``; unknown is nd)."""
    if "nd" in df.columns:
        return df.assign(nd=df["nd"].astype("boolean").fillna(True).astype(bool))
    if "not_for_dissemination" in df.columns:
        return df.assign(nd=df["not_for_dissemination"].astype("boolean").fillna(True)
                         .astype(bool))
    return df.assign(nd=False)


def _per_year(v: float, unit: str) -> str:
    sign = "+" if v > 0 else "-" if v < 0 else ""
    return f"{sign}{fmt_value(abs(v), unit)} a year"


@dataclass(frozen=True)
class _Context:
    cycle: str
    first: int
    last: int
    countries: tuple[str, ...]
    horizon: str
    horizon_year: int
    label: Callable[[str], str]
    unit: Callable[[str], str]

    @property
    def n(self) -> int:
        return len(self.countries)

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(range(self.first, self.last + 1))


def _context(cycle: str, countries: Sequence[str]) -> _Context:
    c = get_cycle(cycle)
    spec = spec_for(c.code)
    text, year = horizon(c.code)

    def label(code: str) -> str:
        try:
            return spec.indicator(code).label
        except KeyError:
            return code.replace("_", " ").capitalize()

    def unit(code: str) -> str:
        try:
            return spec.indicator(code).unit
        except KeyError:
            return "count"

    return _Context(c.code, c.first_year, c.last_year, tuple(countries), text, year,
                    label, unit)


def _panel_words(p: Panel, ctx: _Context) -> str:
    y0, y1 = fmt_year(p.years[0]), fmt_year(p.years[-1])
    k = len(p.countries)
    out = [c for c in ctx.countries if c not in p.countries]
    if not out:
        return f"all {ctx.n} member countries, each reporting every year from {y0} to {y1}"
    head = (f"the {k} member countries that reported every year from {y0} to {y1}" if k > 1
            else f"{country_name(p.countries[0])}, the one member country that reported "
                 f"every year from {y0} to {y1}")
    return f"{head}; not in the sum: {_names(out)}"


# ----------------------------------------------------------------------------- series
class _Rec(NamedTuple):
    """One reported total: what dominance and change read (plain Python: fast)."""

    country: str
    year: int
    value: float
    nd: bool


#: The columns of the indicator rows the findings read.
_COLUMNS = ["country", "crime_area", "indicator", "breakdown", "year", "value", "nd",
            "source_reliability", "information_assessment"]


def _total_rows(ind: pd.DataFrame, ctx: _Context) -> pd.DataFrame:
    """The reported totals of the asked countries up to the cycle's last year, with
    ``nd``: what every series finding reads (made once, then split by series)."""
    if ind.empty or not {"breakdown", "indicator", "value"} <= set(ind.columns):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in _COLUMNS}).astype(
            {"year": int, "value": float, "nd": bool})
    d = _with_nd(totals(ind))
    d = d[d["value"].notna() & d["country"].isin(ctx.countries)
          & (pd.to_numeric(d["year"], errors="coerce") <= ctx.last)]
    d = d[[c for c in _COLUMNS if c in d.columns]].copy()
    d["year"] = d["year"].astype(int)
    return d


def _series_findings(rows: pd.DataFrame, area: str, code: str, ctx: _Context
                     ) -> list[Finding]:
    """The findings of one series; ``rows``: its :func:`_total_rows`."""
    label, unit = ctx.label(code), ctx.unit(code)
    fig = (f"fig:trend:{area}:{code}", f"tab:countries:{area}")
    base: dict[str, Any] = {"crime_area": area, "indicator": code,
                            "chapter": chapter_of(area)}
    out: list[Finding] = []

    cov = coverage(rows, code, area, countries=ctx.countries, years=ctx.years)
    if not cov.complete and any(cov.per_year.values()):
        out.append(_coverage_finding(cov, label, ctx, base, rows))
    if rows.empty:
        return out

    # dominance: all reporting countries, the last year with a total
    last_year = int(rows["year"].max())
    recs = [_Rec(str(c), int(y), float(v), bool(n)) for c, y, v, n in
            zip(rows["country"], rows["year"], rows["value"], rows["nd"], strict=True)]
    dom = _dominance(recs, last_year, ctx)
    if dom is not None:
        out.append(Finding(f"dominance:{area}:{code}", "dominance", **dom(label, unit),
                           shows=fig, **base))

    span = balanced_span(rows, code, area, last_year=last_year, countries=ctx.countries)
    if len(span) < MIN_TREND_YEARS:
        return out
    panel = panel_series(rows, code, area, years=span, countries=ctx.countries)
    s = panel.series
    if len(s) < MIN_TREND_YEARS or not len(panel.countries):
        return out
    x, y = s["year"].to_numpy(dtype=int), s["value"].to_numpy(dtype=float)
    brk = detect_break(x, y)
    where = _panel_words(panel, ctx)
    if brk is not None:
        out.append(_break_finding(brk, x, y, label, unit, where, panel, fig, base))
    out.append(_trend_finding(x, y, brk, label, unit, where, panel, recs, dom, ctx, fig,
                              base))
    for year, value, fitted, sds in outlier_years(x, y, brk):
        out.append(_outlier_finding(year, value, fitted, sds, label, unit, where, panel,
                                    fig, base))
    ch = _change_finding(recs, code, label, unit, ctx, fig, base)
    if ch is not None:
        out.append(ch)
    return out


def _coverage_finding(cov: Any, label: str, ctx: _Context, base: dict[str, Any],
                      rows: pd.DataFrame) -> Finding:
    area = base["crime_area"]
    k = cov.per_year
    y0, y1 = fmt_year(ctx.first), fmt_year(ctx.last)
    never = cov.never
    partial = [c for c in cov.gaps if c not in never]
    missing = {c: [y for cc, y in cov.missing if cc == c] for c in partial}
    lo, hi = min(k.values()), max(k.values())
    if lo == hi:
        text = f"{label}: {cov.phrase()} in each year from {y0} to {y1}"
    else:
        each = ", ".join(f"{v} in {fmt_year(y)}" for y, v in k.items())
        text = f"{label}: {cov.phrase()}, from {y0} to {y1} ({each})"
    notes = []
    if never:
        notes.append(f"{_names(never)} reported none")
    if partial:
        notes.append("missing: " + "; ".join(
            f"{country_name(c)} {', '.join(fmt_year(y) for y in ys)}"
            for c, ys in missing.items()))
    statement = text + (f"; {'; '.join(notes)}." if notes else ".")
    numbers = {fmt_year(y): f"{v} of {cov.n}" for y, v in k.items()}
    title = (f"{label}: reported by {lo} of {cov.n} member countries" if lo == hi else
             f"{label}: reported by {lo} to {hi} of {cov.n} member countries")
    in_cycle = rows[rows["year"].between(ctx.first, ctx.last)]
    return Finding(f"coverage:{area}:{cov.indicator}", "coverage", title, statement,
                   numbers, countries=cov.gaps, years=cov.years,
                   shows=(f"tab:countries:{area}",), nd=_nd(in_cycle), **base)


def _dominance(recs: list[_Rec], last_year: int, ctx: _Context
               ) -> Callable[[str, str], dict[str, Any]] | None:
    """The dominance finding's fields (a function of label and unit), or None."""
    year_recs = [r for r in recs if r.year == last_year]
    by: dict[str, float] = {}
    for r in year_recs:
        by[r.country] = by.get(r.country, 0.0) + r.value
    total = sum(by.values())
    if total <= 0 or len(by) < 2:
        return None
    top, top_value = sorted(by.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    share = top_value / total
    if share < DOMINANCE_SHARE:
        return None
    cyc = [r for r in recs if ctx.first <= r.year <= ctx.last]
    cyc_total = sum(r.value for r in cyc)
    cyc_share = (sum(r.value for r in cyc if r.country == top) / cyc_total
                 if cyc_total > 0 else float("nan"))
    k = len(by)
    years = tuple(sorted({r.year for r in cyc})) or (last_year,)
    nd = any(r.nd for r in year_recs) or any(r.nd for r in cyc)

    def fields(label: str, unit: str) -> dict[str, Any]:
        name = country_name(top)
        y = fmt_year(last_year)
        over = (f" and {fmt_share(cyc_share)} over {fmt_year(years[0])}-{fmt_year(years[-1])}"
                if not np.isnan(cyc_share) and len(years) > 1 else "")
        statement = (f"{name} reported {fmt_share(share)} of the regional total of "
                     f"{_lc(label)} in {y} ({fmt_value(top_value, unit)} of "
                     f"{fmt_value(total, unit)}; {k} member countries reporting){over}.")
        numbers = {"country": name, "year": y, "share": fmt_share(share),
                   "value": fmt_value(top_value, unit), "total": fmt_value(total, unit),
                   "reporting": str(k)}
        if over:
            numbers["share_cycle"] = fmt_share(cyc_share)
        return {"title": f"{label}: {name} {fmt_share(share)} of the {y} total",
                "statement": statement, "numbers": numbers, "countries": (top,),
                "years": years, "nd": nd}

    return fields


def _break_finding(brk: Break, x: np.ndarray, y: np.ndarray, label: str, unit: str,
                   where: str, panel: Panel, fig: tuple[str, ...],
                   base: dict[str, Any]) -> Finding:
    before, after = x < brk.year, x >= brk.year
    xb, yb, xa, ya = x[before], y[before], x[after], y[after]
    by = fmt_year(brk.year)
    statement = (f"The regional total of {_lc(label)} ({where}) breaks in {by}: from "
                 f"{fmt_year(xb[0])} to "
                 f"{fmt_year(xb[-1])} the total went from {fmt_value(yb[0], unit)} to "
                 f"{fmt_value(yb[-1], unit)} (robust trend {_per_year(brk.before[0], unit)}); "
                 f"from {by} to {fmt_year(xa[-1])} from {fmt_value(ya[0], unit)} to "
                 f"{fmt_value(ya[-1], unit)} ({_per_year(brk.after[0], unit)}). Two lines "
                 f"describe the series better than one (Bayesian information criterion).")
    numbers = {"break_year": by, "trend_before": _per_year(brk.before[0], unit),
               "trend_after": _per_year(brk.after[0], unit),
               "first": fmt_value(y[0], unit), "at_break": fmt_value(ya[0], unit),
               "last": fmt_value(y[-1], unit), "countries": str(len(panel.countries))}
    return Finding(f"break:{base['crime_area']}:{base['indicator']}", "break",
                   f"{label}: a break in {by}", statement, numbers,
                   countries=panel.countries, years=tuple(int(v) for v in x), shows=fig,
                   nd=_nd(panel.rows), **base)


def _trend_finding(x: np.ndarray, y: np.ndarray, brk: Break | None, label: str, unit: str,
                   where: str, panel: Panel, recs: list[_Rec], dom: Any, ctx: _Context,
                   fig: tuple[str, ...], base: dict[str, Any]) -> Finding:
    part = x >= brk.year if brk is not None else np.ones(len(x), dtype=bool)
    xs, ys = x[part], y[part]
    n = len(xs)
    used = panel.rows[panel.rows["year"].isin(xs)]
    numbers: dict[str, str] = {"first_year": fmt_year(xs[0]), "first": fmt_value(ys[0], unit),
                               "last_year": fmt_year(xs[-1]), "last": fmt_value(ys[-1], unit),
                               "years": str(n), "countries": str(len(panel.countries))}
    since = f"Since the break in {fmt_year(brk.year)}, " if brk is not None else ""
    subject = f"the regional total of {_lc(label)} ({where})"
    if n < 2:
        statement = _cap(f"{since}{subject}: only {fmt_year(xs[0])} is reported "
                         f"({fmt_value(ys[0], unit)}); no trend can be drawn.")
        return Finding(f"trend:{base['crime_area']}:{base['indicator']}", "trend",
                       f"{label}: not judged", statement, numbers,
                       countries=panel.countries, years=tuple(int(v) for v in xs),
                       shows=fig, nd=_nd(used), **base)
    m = trend_model(xs, ys, horizon_year=ctx.horizon_year)
    rate = _per_year(m.slope, unit)
    numbers["trend"] = rate
    move = {"up": "rose", "down": "fell"}.get(m.direction, "moved, without a clear direction,")
    statement = _cap(f"{since}{subject} {move} from {fmt_value(ys[0], unit)} in "
                     f"{fmt_year(xs[0])} to {fmt_value(ys[-1], unit)} in {fmt_year(xs[-1])} "
                     f"(robust trend {rate}).")
    judged = n >= MIN_JUDGED
    probability = term = confidence = horizon_text = None
    if judged:
        from octasee.scoring import estimative_term  # lazy: ~100 ms on import

        lo, hi = m.interval
        probability = m.probability_up
        statement += (f" On that trend the {fmt_year(ctx.horizon_year)} level is projected "
                      f"at {fmt_range(lo, hi, unit)} (90% interval); the chance that it "
                      f"exceeds the {fmt_year(xs[-1])} level is {fmt_share(probability)} "
                      f"(residual bootstrap of the trend).")
        term = str(estimative_term(probability))
        horizon_text = ctx.horizon
        steps = sum([
            _incomplete(recs, ctx, xs),
            brk is not None,
            dom is not None,
            n < 5,
        ])
        confidence = _lower(analytic_confidence(used), steps)
        numbers.update({"projection": fmt_range(lo, hi, unit),
                        "probability": fmt_share(probability), "term": term,
                        "confidence": confidence})
    else:
        statement += (f" {n} years{' since the break' if brk is not None else ''} are too "
                      f"few to project to {fmt_year(ctx.horizon_year)} (at least "
                      f"{MIN_JUDGED} are needed).")
    direction = {"up": "rising", "down": "falling"}.get(m.direction, "no clear direction")
    title = f"{label}: {direction}" + ("" if judged else " (not judged)")
    return Finding(f"trend:{base['crime_area']}:{base['indicator']}", "trend", title,
                   statement, numbers, countries=panel.countries,
                   years=tuple(int(v) for v in xs), shows=fig, probability=probability,
                   term=term, horizon=horizon_text, confidence=confidence, nd=_nd(used),
                   **base)


def _incomplete(recs: list[_Rec], ctx: _Context, years: np.ndarray) -> bool:
    """Whether, in any of ``years``, fewer than all the asked countries reported."""
    seen: dict[int, set[str]] = {int(y): set() for y in years}
    for r in recs:
        if r.year in seen:
            seen[r.year].add(r.country)
    return any(len(cs) < ctx.n for cs in seen.values())


def _outlier_finding(year: int, value: float, fitted: float, sds: float, label: str,
                     unit: str, where: str, panel: Panel, fig: tuple[str, ...],
                     base: dict[str, Any]) -> Finding:
    side = "above" if value > fitted else "below"
    yy = fmt_year(year)
    statement = (f"The regional total of {_lc(label)} ({where}) in {yy}, "
                 f"{fmt_value(value, unit)}, lies far {side} its robust trend line "
                 f"({fmt_value(fitted, unit)}): {sds:.1f} robust standard deviations away.")
    numbers = {"year": yy, "value": fmt_value(value, unit), "line": fmt_value(fitted, unit),
               "sd": f"{sds:.1f}"}
    return Finding(f"outlier:{base['crime_area']}:{base['indicator']}:{year}", "outlier",
                   f"{label}: {yy} out of line", statement, numbers,
                   countries=panel.countries, years=(int(year),), shows=fig,
                   nd=_nd(panel.rows[panel.rows["year"] == year]), **base)


def _previous_cycle(ctx: _Context) -> tuple[int, int] | None:
    before = [c for c in all_cycles() if c.last_year < ctx.first]
    if before:
        c = before[-1]
        return c.first_year, c.last_year
    length = ctx.last - ctx.first + 1
    return ctx.first - length, ctx.first - 1


def _change_finding(recs: list[_Rec], code: str, label: str, unit: str, ctx: _Context,
                    fig: tuple[str, ...], base: dict[str, Any]) -> Finding | None:
    prev = _previous_cycle(ctx)
    if prev is None:
        return None
    p0, p1 = prev
    now = [r for r in recs if ctx.first <= r.year <= ctx.last]
    then = [r for r in recs if p0 <= r.year <= p1]
    # A balanced panel: the countries that reported every year of both cycles, so that
    # neither mean fills a missing year (a gap would read as a change).
    years_of: dict[str, set[int]] = {}
    for r in now + then:
        years_of.setdefault(r.country, set()).add(r.year)
    every = set(range(p0, p1 + 1)) | set(range(ctx.first, ctx.last + 1))
    both = sorted(c for c, ys in years_of.items() if every <= ys)
    if not both:
        return None

    def level(part: list[_Rec]) -> float:
        """The panel's yearly totals, averaged over the cycle's years."""
        per: dict[int, float] = {}
        for r in part:
            if r.country in both:
                per[r.year] = per.get(r.year, 0.0) + r.value
        return float(sum(per.values()) / len(per))

    a, b = level(then), level(now)
    if a <= 0:
        return None
    pct = (b - a) / a * 100
    cur, old = f"{ctx.first}-{ctx.last}", f"{p0}-{p1}"
    left = [c for c in ctx.countries if c not in both]
    who = (f"all {ctx.n} member countries, each reporting every year of both"
           if not left else
           f"the {len(both)} member countries that reported every year of both cycles; not "
           f"in the sum: {_names(left)}" if len(both) > 1 else
           f"{country_name(both[0])}, the one member country that reported every year of "
           f"both cycles")
    statement = (f"{label} averaged {fmt_value(b, unit)} a year in {cur} against "
                 f"{fmt_value(a, unit)} in {old} ({fmt_change(pct)}), in {who}.")
    numbers = {"mean_now": fmt_value(b, unit), "mean_before": fmt_value(a, unit),
               "change": fmt_change(pct), "countries": str(len(both))}
    used = [r for r in then + now if r.country in both]
    return Finding(f"change:{base['crime_area']}:{code}", "change",
                   f"{label}: {fmt_change(pct)} on {old}", statement, numbers,
                   countries=tuple(both), years=tuple(sorted({r.year for r in used})),
                   shows=fig, nd=any(r.nd for r in used), **base)


# ----------------------------------------------------------------------------- divergence
def _divergence(ind: pd.DataFrame, ctx: _Context, glotip: pd.DataFrame | None
                ) -> Finding | None:
    code, area = "victims_identified", "thb"
    q = ind[ind["year"].between(ctx.first, ctx.last)]
    if q.empty:
        return None
    if glotip is None:
        from octasee.sources.glotip import detected_victims_total  # lazy: reads the CSV

        glotip = detected_victims_total()
    g = glotip[["country", "year", "value", "censored"]].copy()
    qq = q.groupby(["country", "year"], as_index=False).agg(value=("value", "sum"),
                                                             nd=("nd", "any"))
    m = qq.merge(g, on=["country", "year"], suffixes=("_q", "_g"))
    if m.empty:
        return None
    gv = pd.to_numeric(m["value_g"], errors="coerce").astype(float)
    cens = m["censored"].astype("boolean").fillna(False).astype(bool)
    lo = gv.where(~cens, 1.0)  # UNODC's "<5" is 1 to 4
    hi = gv.where(~cens, 4.0)
    qv = m["value_q"].astype(float)
    near = qv.clip(lower=lo, upper=hi)
    rel = (qv - near).abs() / near.where(near > 0)
    rel = rel.where(near > 0, (qv > 0).astype(float) * np.inf)
    m = m.assign(rel=rel, near=near).dropna(subset=["rel"])
    off = m[m["rel"] > DIVERGENCE_SHARE].sort_values(["country", "year"])
    if off.empty:
        return None
    label = ctx.label(code)
    items = []
    for r in off.itertuples():
        g_text = "<5" if bool(r.censored) else fmt_count(r.value_g)
        items.append(f"{country_name(r.country)} {fmt_year(r.year)} "
                     f"({fmt_count(r.value_q)} against {g_text})")
    statement = (f"{label} as the questionnaires report them differ by more than "
                 f"{fmt_share(DIVERGENCE_SHARE)} from UNODC's detected victims of trafficking "
                 f"(GLOTIP) in {len(off)} of the {len(m)} country-years both publish for "
                 f"{ctx.first}-{ctx.last}: " + "; ".join(items) + ".")
    numbers = {"compared": str(len(m)), "diverging": str(len(off))}
    for r in off.itertuples():
        numbers[f"{r.country} {r.year}"] = f"{fmt_count(r.value_q)} vs " + (
            "<5" if bool(r.censored) else fmt_count(r.value_g))
    countries = tuple(dict.fromkeys(str(c) for c in off["country"]))
    years = tuple(sorted({int(y) for y in off["year"]}))
    return Finding(f"divergence:{area}:{code}", "divergence",
                   f"{label}: questionnaires and UNODC differ", statement, numbers,
                   countries=countries, years=years, crime_area=area, indicator=code,
                   chapter=chapter_of(area), shows=("tab:glotip:victims",),
                   nd=bool(off["nd"].any()))


# ----------------------------------------------------------------------------- groups
def _split(v: object) -> list[str]:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
        return []
    return [p.strip() for p in re.split(r"[;,]", str(v)) if p.strip()]


def _grade(v: object) -> str:
    """present / absent / unknown for a graded attribute (Nil, Low, Medium, High)."""
    t = str(v).strip().lower() if v is not None and not pd.isna(v) else ""
    return "present" if t in _PRESENT else "absent" if t in _ABSENT else "unknown"


def _networks(ocgs: pd.DataFrame, ctx: _Context) -> list[Finding]:
    g = _with_nd(ocgs)
    if "cycle" in g.columns:
        g = g[g["cycle"] == ctx.cycle]
    g = g[g["country"].isin(ctx.countries)]
    total = len(g)
    if not total:
        return []
    who = tuple(c for c in ctx.countries if c in set(g["country"]))
    years = ctx.years
    nd = bool(g["nd"].any())
    head = f"Of the {fmt_count(total)} organised crime groups reported for {ctx.cycle}"
    out: list[Finding] = []
    base = {"countries": who, "years": years, "chapter": GROUPS_CHAPTER, "nd": nd}
    for attr, words in NETWORK_ATTRIBUTES:
        if attr in ("corruption", "violence", "legal_business_structures"):
            if attr not in g.columns:
                continue
            grade = g[attr].map(_grade)
            yes, no = int((grade == "present").sum()), int((grade == "absent").sum())
            known = yes + no
            strong = int(g[attr].astype("string").str.strip().str.lower()
                         .isin(["medium", "high"]).sum())
            share = yes / known if known else float("nan")
            statement = (f"{head}, {fmt_count(yes)} {words} ({fmt_count(strong)} at a medium "
                         f"or high level) and {fmt_count(no)} do not; for "
                         f"{fmt_count(total - known)} it is unknown or not given. Of the "
                         f"{fmt_count(known)} with a known answer, {fmt_share(share)} {words}.")
            numbers = {"groups": str(total), "yes": str(yes), "medium_or_high": str(strong),
                       "no": str(no), "unknown": str(total - known),
                       "share": fmt_share(share)}
            title = f"Groups that {words}: {fmt_share(share)} of those known"
        elif attr == "international_links":
            if attr not in g.columns:
                continue
            links = g[attr].map(_split)
            yes = int(links.map(bool).sum())
            named = Counter(c for cs in links for c in dict.fromkeys(cs))
            top = named.most_common(3)
            share = yes / total
            most = "; most named: " + ", ".join(
                f"{_country(c)} ({n})" for c, n in top) if top else ""
            statement = (f"{head}, {fmt_count(yes)} ({fmt_share(share)}) have links abroad "
                         f"named{most}.")
            numbers = {"groups": str(total), "yes": str(yes), "share": fmt_share(share),
                       **{f"top{i + 1}": f"{_country(c)} ({n})" for i, (c, n) in
                          enumerate(top)}}
            title = f"Groups with links abroad: {fmt_share(share)}"
        elif attr == "multinational":
            if "nationalities" not in g.columns:
                continue
            nats = g["nationalities"].map(lambda v: list(dict.fromkeys(_split(v))))
            known = int(nats.map(bool).sum())
            yes = int(nats.map(lambda v: len(v) > 1).sum())
            share = yes / known if known else float("nan")
            statement = (f"{head}, {fmt_count(known)} have their members' nationalities "
                         f"given; {fmt_count(yes)} of them ({fmt_share(share)}) {words}.")
            numbers = {"groups": str(total), "known": str(known), "yes": str(yes),
                       "share": fmt_share(share)}
            title = f"Multinational groups: {fmt_share(share)} of those known"
        else:  # structure
            if "structure" not in g.columns:
                continue
            kinds = g["structure"].astype("string").str.strip().fillna("not given")
            counts = kinds.value_counts()
            counts = counts.sort_index().sort_values(ascending=False, kind="stable")
            parts = [f"{k} {fmt_count(v)} ({fmt_share(v / total)})" for k, v in counts.items()]
            statement = f"{head}, by structure: " + ", ".join(parts) + "."
            numbers = {"groups": str(total), **{str(k): str(v) for k, v in counts.items()}}
            top = str(counts.index[0])
            title = f"Group structures: {top} most common ({fmt_share(counts.iloc[0] / total)})"
        # Table 3.1 counts the graded attributes; links, nationalities and structures are
        # in its data file only.
        shows = (("tab:groups:attributes",) if attr in ("corruption", "violence",
                                                          "legal_business_structures")
                 else ())
        out.append(Finding(f"networks:{attr}", "networks", title, statement, numbers,
                           shows=shows, **base))
    return out


def _country(code: str) -> str:
    try:
        return country_name(code)
    except Exception:  # a free-text place the reference does not know
        return code


# ----------------------------------------------------------------------------- routes
def _routes(routes: pd.DataFrame, ctx: _Context) -> list[Finding]:
    r = _with_nd(routes)
    if "cycle" in r.columns:
        r = r[r["cycle"] == ctx.cycle]
    r = r[r["country"].isin(ctx.countries)]
    out = []
    known = {a.code for a in crime_areas()}
    for area, part in r.groupby("crime_area", sort=False):
        if area not in known:
            continue
        n = len(part)
        transit = Counter(c for v in part["transit"] for c in dict.fromkeys(_split(v)))
        modes = part["transport_mode"].astype("string").str.strip().dropna().value_counts()
        modes = modes.sort_index().sort_values(ascending=False, kind="stable")
        top = sorted(transit.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        who = tuple(c for c in ctx.countries if c in set(part["country"]))
        area_label = crime_area(str(area)).label
        s = (f"Member countries reported {fmt_count(n)} {area_label.lower()} "
             f"route{'s' if n != 1 else ''} for {ctx.cycle} ({len(who)} "
             f"countr{'ies' if len(who) != 1 else 'y'} reporting)")
        if top:
            s += "; most named transit countries: " + ", ".join(
                f"{_country(c)} ({k})" for c, k in top)
        if len(modes):
            s += "; transport: " + ", ".join(f"{m} {k}" for m, k in modes.items())
        numbers = {"routes": str(n), "reporting": str(len(who)),
                   **{f"transit{i + 1}": f"{_country(c)} ({k})" for i, (c, k) in
                      enumerate(top)},
                   **{f"mode {m}": str(k) for m, k in modes.items()}}
        out.append(Finding(f"routes:{area}", "routes", f"{area_label}: routes",
                           s + ".", numbers, countries=who, years=ctx.years,
                           crime_area=str(area), chapter=chapter_of(str(area)),
                           shows=(f"fig:routes:{area}",), nd=bool(part["nd"].any())))
    return out


# ----------------------------------------------------------------------------- chart


@dataclass(frozen=True)
class TrendView:
    """What a chapter's trend chart draws, computed the way the findings are: the regional
    series on its declared panel (``frame``: ``year``, ``value``, ``fitted`` (the robust
    line of each segment), ``lower``/``upper`` (the line ± 1.645 residual s.d. of its
    segment), ``rows``, ``nd``), the break if any, and ``where``: which countries the
    sum covers, in words. ``frame`` is empty when too few years are reported.
    ``outliers``: the years :func:`~octasee.analysis.trends.outlier_years` finds off
    their line (the outlier findings' years), for the chart to mark."""

    indicator: str
    crime_area: str
    frame: pd.DataFrame
    where: str
    break_year: int | None
    countries: tuple[str, ...]
    left_out: tuple[str, ...]
    rows: pd.DataFrame
    outliers: tuple[int, ...] = ()


def trend_view(indicators: pd.DataFrame, crime_area_code: str, indicator: str, *,
               cycle: str, countries: Sequence[str] | None = None) -> TrendView:
    """The regional series of one indicator as the trend finding reads it (same panel,
    same break, same robust line), for a chapter to draw beside the finding's words.

    ``indicators``: restricted rows of every cycle up to ``cycle`` (with ``nd`` or
    ``not_for_dissemination``); ``countries``: the member countries of the report.
    """
    ctx = _context(cycle, list(countries) if countries is not None else list(MEMBER_CODES))
    rows = _total_rows(indicators, ctx)
    rows = rows[(rows["crime_area"] == crime_area_code) & (rows["indicator"] == indicator)]
    empty = pd.DataFrame(columns=["year", "value", "fitted", "lower", "upper", "rows", "nd"])
    if rows.empty:
        return TrendView(indicator, crime_area_code, empty, "", None, (), (), rows)
    span = balanced_span(rows, indicator, crime_area_code, last_year=int(rows["year"].max()),
                         countries=ctx.countries)
    if len(span) < MIN_TREND_YEARS:
        return TrendView(indicator, crime_area_code, empty, "", None, (), (), rows)
    panel = panel_series(rows, indicator, crime_area_code, years=span,
                         countries=ctx.countries)
    s = panel.series.sort_values("year").reset_index(drop=True)
    if len(s) < MIN_TREND_YEARS or not len(panel.countries):
        return TrendView(indicator, crime_area_code, empty, "", None, (), (), rows)
    x, y = s["year"].to_numpy(dtype=int), s["value"].to_numpy(dtype=float)
    brk = detect_break(x, y)
    fitted = segment_fit(x, y, brk)
    cut = x >= brk.year if brk is not None else np.zeros(len(x), dtype=bool)
    spread = np.empty_like(fitted)
    for part in ((~cut, cut) if brk is not None else (np.ones(len(x), dtype=bool),)):
        spread[part] = float(np.std(y[part] - fitted[part]))
        if part.sum() < MIN_JUDGED:  # too few years to draw a line (nor to judge one)
            fitted[part] = spread[part] = np.nan
    frame = pd.DataFrame({"year": x, "value": y, "fitted": fitted,
                          "lower": fitted - 1.645 * spread, "upper": fitted + 1.645 * spread,
                          "rows": s["rows"].to_numpy(), "nd": s["nd"].to_numpy(dtype=bool)})
    return TrendView(indicator, crime_area_code, frame, _panel_words(panel, ctx),
                     None if brk is None else int(brk.year), panel.countries,
                     panel.left_out, panel.rows,
                     tuple(int(o[0]) for o in outlier_years(x, y, brk)))


# ----------------------------------------------------------------------------- find
def _order(f: Finding) -> tuple[Any, ...]:
    areas = {a.code: i for i, a in enumerate(crime_areas())}
    attrs = {f"networks:{a}": i for i, (a, _) in enumerate(NETWORK_ATTRIBUTES)}
    return (f.chapter or "99", areas.get(f.crime_area or "", -1), KINDS.index(f.kind),
            attrs.get(f.key, 0), f.indicator or "", f.years if f.kind == "outlier" else (),
            f.key)


def find_in(indicators: pd.DataFrame, *, cycle: str, ocgs: pd.DataFrame | None = None,
            routes: pd.DataFrame | None = None, countries: Sequence[str] | None = None,
            series: Sequence[tuple[str, str]] | None = None,
            glotip: pd.DataFrame | None = None) -> list[Finding]:
    """The findings of ``cycle`` from tidy tables, numbered in report order.

    ``indicators``: restricted indicator rows of every cycle up to ``cycle`` (a column
    ``nd`` or ``not_for_dissemination`` marks rows not for dissemination); ``ocgs`` and
    ``routes``: the cycle's groups and routes (other cycles' rows are left out);
    ``countries``: the member countries asked (default all 13: "k of n" counts them);
    ``series``: the (crime area, indicator) pairs to judge (default :data:`SERIES`);
    ``glotip``: UNODC's detected victims per country and year (``country``, ``year``,
    ``value``, ``censored``; default the shipped GLOTIP extract, read only when victims
    of trafficking are reported).

    Ordered by chapter, crime area (in the order of the reference), kind (:data:`KINDS`)
    and key; ``number`` is the position from 1.
    """
    ctx = _context(cycle, list(countries) if countries is not None else list(MEMBER_CODES))
    rows = _total_rows(indicators, ctx)
    parts = {k: g for k, g in rows.groupby(["crime_area", "indicator"], sort=False)}
    empty = rows.iloc[0:0]
    found: list[Finding] = []
    for area, code in (SERIES if series is None else series):
        found += _series_findings(parts.get((area, code), empty), area, code, ctx)
    div = _divergence(parts.get(("thb", "victims_identified"), empty), ctx, glotip)
    if div is not None:
        found.append(div)
    if ocgs is not None and len(ocgs):
        found += _networks(ocgs, ctx)
    if routes is not None and len(routes):
        found += _routes(routes, ctx)
    found.sort(key=_order)
    return [replace(f, number=i) for i, f in enumerate(found, start=1)]


def _flag_whole(store: Store, name: str, cycles: Sequence[str], codes: list[str]
                ) -> pd.DataFrame:
    """Rows of ``name`` for ``cycles``, with ``not_for_dissemination`` also true for every
    row of a submission marked not for dissemination as a whole (and unknown flags)."""
    frames = [store.table(name, cycle=c, countries=codes) for c in cycles]
    nonempty = [f for f in frames if len(f)]
    df = pd.concat(nonempty, ignore_index=True) if nonempty else frames[0]
    subs = [store.table("submissions", cycle=c, countries=codes) for c in cycles]
    subs = [s for s in subs if len(s)]
    whole: set[object] = set()
    if subs:
        s = pd.concat(subs, ignore_index=True)
        whole = set(s.loc[s["dissemination"].fillna("").eq("not for dissemination"),
                          "submission_id"])
    flag = df["not_for_dissemination"].astype("boolean").fillna(True).astype(bool)
    return df.assign(not_for_dissemination=flag | df["submission_id"].isin(whole))


def find(store: Store | str | os.PathLike[str], *, cycle: str,
         countries: Sequence[str] | None = None,
         series: Sequence[tuple[str, str]] | None = None) -> list[Finding]:
    """The findings of ``cycle`` from a store (or the path of one, opened read-only):
    restricted rows of the countries' current submissions, every cycle up to ``cycle``
    for the series, the cycle's groups and routes. See :func:`find_in`."""
    from octasee.store import Store

    if not isinstance(store, Store):
        with Store(store, read_only=True) as opened:
            return find(opened, cycle=cycle, countries=countries, series=series)
    codes = list(countries) if countries is not None else list(MEMBER_CODES)
    last = get_cycle(cycle).last_year
    cycles = [c for c in store.cycles() if get_cycle(c).last_year <= last] or [cycle]
    ind = _flag_whole(store, "indicators", cycles, codes)
    now = [cycle]
    ocgs = _flag_whole(store, "ocgs", now, codes)
    routes = _flag_whole(store, "routes", now, codes)
    return find_in(ind, cycle=cycle, ocgs=ocgs, routes=routes, countries=codes,
                   series=series)
