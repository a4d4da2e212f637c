"""A member country's profile (annex A): its own main threats, the findings about them,
its groups and routes in aggregate, and how complete and how well graded its return is.

Every number a profile prints comes from here; :mod:`octasee.chapters.profiles` renders.

- :func:`threat_profile` / :func:`top_threats`: the country's crime areas by its threat
  scores (:func:`octasee.analysis.threat.threat_scores` of every member, so that a
  profile's scores are the regional overview's), highest first, beside the regional
  median. A public edition that does not rank member states orders the country's areas
  by :func:`published_top_areas` instead: its share of the published regional figures.
- :func:`chart_indicator`: which indicator stands for an area in the profile's charts.
- :func:`threat_findings`: two or three sentences from the findings
  (:func:`octasee.analysis.findings.find`) about an area that name the country.
- :func:`own_share`: the country's value of an indicator and its share of the regional
  total in the last year it reported.
- :func:`country_groups`, :func:`country_routes`: its groups and routes counted, never one
  described.
- :func:`data_quality`: late, partial (sheets left empty), the crime areas and years not
  reported, and low-graded rows, from the store's status and rows.

>>> tm = pd.DataFrame({"country": ["RS", "RS", "HR", "HR"], "crime_area": ["heroin", "thb"] * 2,
...                    "value": [8.0, 2.0, 5.0, 6.0], "nd": False})
>>> top_threats(tm, "RS"), top_threats(tm, "HR", n=1)
(['heroin', 'thb'], ['thb'])
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from octasee.analysis.findings import SERIES, Finding
from octasee.analysis.series import totals
from octasee.analysis.threat import threat_areas
from octasee.errors import OctaseeError
from octasee.questionnaire.spec import spec_for
from octasee.reference import country_name, crime_areas
from octasee.reference import cycle as get_cycle

__all__ = ["FINDING_KINDS", "GROUP_ATTRIBUTES", "LOW_INFORMATION", "LOW_SOURCES",
           "TOP_THREATS", "CountryGroups", "DataQuality", "Share", "chart_indicator",
           "country_groups", "country_routes", "data_quality", "is_low_graded", "own_share",
           "published_top_areas", "threat_findings", "threat_profile", "top_threats"]

#: How many of its crime areas a profile describes as the country's main threats.
TOP_THREATS = 3
#: A row is low-graded when its source is rated D (not usually reliable) or its
#: information 4 (not known to be true): the grades a caveat is owed for.
LOW_SOURCES = ("D",)
LOW_INFORMATION = (4,)
#: The kinds of finding a profile quotes about a threat, most about the country first.
FINDING_KINDS = ("dominance", "divergence", "change", "trend", "break", "routes",
                 "coverage", "outlier")
#: The group attributes a profile counts: (column, what a group with it does).
GROUP_ATTRIBUTES = (
    ("corruption", "Use corruption"),
    ("violence", "Use violence"),
    ("legal_business_structures", "Use legal business structures"),
    ("counter_measures", "Use counter-measures against law enforcement"),
    ("international_dimension", "Act internationally"),
    ("nationalities", "Have members of more than one nationality"),
)
_PRESENT = ("low", "medium", "high")
_ABSENT = ("nil", "none", "no")
_ORDER = {a.code: i for i, a in enumerate(crime_areas())}


# ----------------------------------------------------------------------------- threats
def threat_profile(tm: pd.DataFrame, country: str) -> pd.DataFrame:
    """``country``'s threat scores with the region's: ``rank`` (1 = its highest),
    ``crime_area``, ``value`` (0-10), ``median`` (of every member scored in the area),
    ``scored`` (how many members are), ``nd``; highest first (ties in the order of the
    crime areas). ``tm``: :func:`~octasee.analysis.threat.threat_scores` of every member.

    >>> tm = pd.DataFrame({"country": ["RS", "HR", "ME"], "crime_area": "heroin",
    ...                    "value": [8.0, 5.0, 1.0], "nd": False})
    >>> threat_profile(tm, "RS")[["rank", "crime_area", "value", "median", "scored"]].values.tolist()
    [[1, 'heroin', 8.0, 5.0, 3]]
    """
    cols = ["rank", "crime_area", "value", "median", "scored", "nd"]
    d = tm.dropna(subset=["value"])
    own = d[d["country"] == country]
    if own.empty:
        return pd.DataFrame(columns=cols)
    g = d.groupby("crime_area")["value"]
    out = own.assign(median=own["crime_area"].map(g.median()),
                     scored=own["crime_area"].map(g.size()).astype(int),
                     nd=own["nd"].astype(bool) if "nd" in own.columns else False,
                     _o=own["crime_area"].map(_ORDER))
    out = out.sort_values(["value", "_o"], ascending=[False, True], kind="stable")
    out["rank"] = range(1, len(out) + 1)
    return out[cols].reset_index(drop=True)


def top_threats(tm: pd.DataFrame, country: str, *, n: int = TOP_THREATS) -> list[str]:
    """``country``'s ``n`` crime areas with the highest threat scores, highest first
    (:func:`threat_profile`)."""
    return list(threat_profile(tm, country)["crime_area"].head(n))


def chart_indicator(area: str, reported: Iterable[str], *, cycle: str) -> str | None:
    """The indicator that stands for ``area`` in a profile: the one the area's chapter
    charts (:data:`octasee.analysis.findings.SERIES`), else the area's own indicators in
    the questionnaire's order, else those of every area (cases, arrests ...): the first
    of them in ``reported`` (the indicators the country reported in the area); None if
    it reported none.

    >>> chart_indicator("heroin", ["arrests", "heroin_seized"], cycle="2013-2017")
    'heroin_seized'
    >>> chart_indicator("property_crime", ["cases", "cargo_thefts"], cycle="2013-2017")
    'cargo_thefts'
    """
    have = set(reported)
    spec = spec_for(cycle).indicators
    own = [i.code for i in spec if i.areas and area in i.areas]
    general = [i.code for i in spec if not i.areas]
    series = [code for a, code in SERIES if a == area]
    return next((c for c in (*series, *own, *general) if c in have), None)


def published_top_areas(cells: pd.DataFrame, country: str, *, cycle: str,
                        n: int = TOP_THREATS) -> list[str]:
    """``country``'s crime areas by its share of the published figures of the region in
    ``cycle`` (the public view's cells, as a public edition that does not rank member
    states prints them), highest first: per scored area, the country's published values
    of the area's indicator (:func:`chart_indicator`) over the cycle's years against
    every country's published values of the same indicator and years. Computed from
    published numbers only, so the order says nothing a reader could not work out.

    ``cells``: the view's cells (``country``, ``crime_area``, ``indicator``,
    ``breakdown``, ``year``, ``value``, missing where withheld).

    >>> cells = pd.DataFrame({"country": ["RS", "HR", "RS", "HR"], "breakdown": None,
    ...                       "crime_area": ["heroin", "heroin", "thb", "thb"],
    ...                       "indicator": ["heroin_seized", "heroin_seized",
    ...                                     "victims_identified", "victims_identified"],
    ...                       "year": 2017, "value": [10.0, 90.0, 30.0, 10.0]})
    >>> published_top_areas(cells, "RS", cycle="2013-2017")
    ['thb', 'heroin']
    """
    c = get_cycle(cycle)
    d = totals(cells)
    d = d[d["year"].between(c.first_year, c.last_year) & d["value"].notna()]
    shares = []
    for area in threat_areas():
        part = d[d["crime_area"] == area]
        mine = part[part["country"] == country]
        code = chart_indicator(area, mine["indicator"], cycle=cycle)
        if code is None:
            continue
        part = part[part["indicator"] == code]
        years = set(part.loc[part["country"] == country, "year"])
        whole = float(part.loc[part["year"].isin(years), "value"].sum())
        own = float(part.loc[part["country"] == country, "value"].sum())
        if whole > 0 and own > 0:
            shares.append((-own / whole, _ORDER.get(area, 99), area))
    return [a for _, _, a in sorted(shares)][:n]


# ----------------------------------------------------------------------------- findings
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(])")


def _sentences(text: str) -> int:
    return len([s for s in _SENTENCE.split(text.strip()) if s])


def threat_findings(findings: Iterable[Finding], country: str, area: str, *,
                    sentences: int = 3, years: Iterable[int] | None = None
                    ) -> list[Finding]:
    """The findings about ``area`` whose countries include ``country``, most about the
    country first (:data:`FINDING_KINDS`: its dominance of the regional total, then the
    change since the previous cycle, the trend ...), as many as fit in ``sentences``
    sentences (at least one finding when there is any). ``years`` (the cycle's): a
    finding about other years only (an outlier year of an earlier cycle) is left out.

    >>> f = [Finding("trend:heroin:x", "trend", "t", "It fell. A lot.", countries=("RS",),
    ...              crime_area="heroin"),
    ...      Finding("dominance:heroin:x", "dominance", "d", "RS is 80%.", countries=("RS",),
    ...              crime_area="heroin"),
    ...      Finding("change:heroin:x", "change", "c", "It rose.", countries=("HR",),
    ...              crime_area="heroin")]
    >>> [x.kind for x in threat_findings(f, "RS", "heroin")]
    ['dominance', 'trend']
    """
    span = set(years) if years is not None else None
    mine = [f for f in findings if f.crime_area == area and country in f.countries
            and f.kind in FINDING_KINDS
            and (span is None or not f.years or span & set(f.years))]
    mine.sort(key=lambda f: (FINDING_KINDS.index(f.kind), f.number, f.key))
    out: list[Finding] = []
    used = 0
    for f in mine:
        n = _sentences(f.statement)
        if out and used + n > sentences:
            continue
        out.append(f)
        used += n
        if used >= sentences:
            break
    return out


@dataclass(frozen=True)
class Share:
    """A country's value of one indicator in one year and the regional total of it."""

    indicator: str
    crime_area: str
    year: int
    value: float
    total: float
    reporting: int
    nd: bool

    @property
    def share(self) -> float:
        return self.value / self.total if self.total else float("nan")


def own_share(rows: pd.DataFrame, country: str, area: str, indicator: str, *,
              cycle: str) -> Share | None:
    """``country``'s total of ``indicator`` in ``area`` in the last year of ``cycle``
    it reported, with the regional total of that year (every member that reported it)
    and how many reported; ``nd``: a row not for dissemination is in either. ``rows``:
    the restricted indicator rows of every member (``nd`` or ``not_for_dissemination``).
    None if the country reported no value of it in the cycle.

    >>> rows = pd.DataFrame({"country": ["RS", "HR", "RS"], "crime_area": "heroin",
    ...                      "indicator": "heroin_seized", "breakdown": None,
    ...                      "year": [2017, 2017, 2016], "value": [25.0, 75.0, 10.0]})
    >>> s = own_share(rows, "RS", "heroin", "heroin_seized", cycle="2013-2017")
    >>> s.year, s.value, s.total, s.reporting, round(s.share, 2)
    (2017, 25.0, 100.0, 2, 0.25)
    """
    c = get_cycle(cycle)
    d = totals(rows)
    d = d[(d["crime_area"] == area) & (d["indicator"] == indicator) & d["value"].notna()
          & d["year"].between(c.first_year, c.last_year)]
    mine = d[d["country"] == country]
    if mine.empty:
        return None
    year = int(mine["year"].max())
    d = d[d["year"] == year]
    flag = next((x for x in ("nd", "not_for_dissemination") if x in d.columns), None)
    nd = bool(d[flag].astype("boolean").fillna(True).any()) if flag else False
    return Share(indicator, area, year, float(d.loc[d["country"] == country, "value"].sum()),
                 float(d["value"].sum()), int(d["country"].nunique()), nd)


# ----------------------------------------------------------------------------- groups
def _level(v: object) -> str:
    """yes / no / unknown for a graded attribute (Nil, Low, Medium, High)."""
    t = str(v).strip().lower() if v is not None and not pd.isna(v) else ""
    return "yes" if t in _PRESENT else "no" if t in _ABSENT else "unknown"


def _place(code: str) -> str:
    """A country's name; a place the reference does not know, as written."""
    try:
        return country_name(code)
    except OctaseeError:  # free text in a route's cell
        return code


def _split(v: object) -> list[str]:
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
        return []
    return [p.strip() for p in re.split(r"[;,]", str(v)) if p.strip()]


@dataclass(frozen=True)
class CountryGroups:
    """A country's organised crime groups of one cycle, counted: ``groups``;
    ``attributes``: per attribute of :data:`GROUP_ATTRIBUTES` (``attribute``,
    ``label``) how many groups have it (``yes``), do not (``no``) or are not known
    (``unknown``); ``areas`` and ``structures``: (name, groups) most named first; ``nd``:
    a group not for dissemination is among them."""

    groups: int
    attributes: pd.DataFrame
    areas: tuple[tuple[str, int], ...]
    structures: tuple[tuple[str, int], ...]
    nd: bool


def _ranked(counter: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def country_groups(ocgs: pd.DataFrame, country: str, *, cycle: str) -> CountryGroups:
    """``country``'s groups of ``cycle`` in aggregate (:class:`CountryGroups`). A graded
    attribute is there at a low, medium or high level, absent at nil; nationalities: more
    than one named (one named: no; none: not known).

    >>> g = pd.DataFrame({"country": "RS", "cycle": "2013-2017", "corruption": ["High", "Nil", None],
    ...                   "nationalities": ["RS;ME", "RS", None], "crime_areas": ["heroin;cocaine", "heroin", ""],
    ...                   "structure": ["core group", "core group", None]})
    >>> p = country_groups(g, "RS", cycle="2013-2017")
    >>> p.groups, p.areas, p.structures
    (3, (('heroin', 2), ('cocaine', 1)), (('core group', 2),))
    >>> p.attributes[["attribute", "yes", "no", "unknown"]].values.tolist()
    [['corruption', 1, 1, 1], ['nationalities', 1, 1, 1]]
    """
    g = ocgs
    if "cycle" in g.columns:
        g = g[g["cycle"] == cycle]
    g = g[g["country"] == country]
    rows = []
    for attr, label in GROUP_ATTRIBUTES:
        if attr not in g.columns:
            continue
        if attr == "nationalities":
            n = g[attr].map(lambda v: len(dict.fromkeys(_split(v))))
            level = n.map(lambda k: "yes" if k > 1 else "no" if k == 1 else "unknown")
        else:
            level = g[attr].map(_level)
        rows.append({"attribute": attr, "label": label, "yes": int((level == "yes").sum()),
                     "no": int((level == "no").sum()),
                     "unknown": int((level == "unknown").sum())})
    areas: Counter[str] = Counter()
    if "crime_areas" in g.columns:
        for v in g["crime_areas"]:
            areas.update(list(dict.fromkeys(_split(v))))
    kinds = (g["structure"].astype("string").str.strip().dropna()
             if "structure" in g.columns else pd.Series(dtype="string"))
    flag = next((x for x in ("nd", "not_for_dissemination") if x in g.columns), None)
    return CountryGroups(
        groups=len(g),
        attributes=pd.DataFrame(rows, columns=["attribute", "label", "yes", "no", "unknown"]),
        areas=_ranked(areas), structures=_ranked(Counter(k for k in kinds if k)),
        nd=bool(g[flag].astype("boolean").fillna(True).any()) if flag else False)


def country_routes(routes: pd.DataFrame, country: str, *, cycle: str) -> pd.DataFrame:
    """``country``'s routes of ``cycle`` per crime area: ``crime_area``, ``routes``,
    ``transport`` (the means of transport, most named first, with counts), ``transit``
    (the three transit countries most named, by name, with counts), ``nd``; most routes
    first.

    >>> r = pd.DataFrame({"country": "RS", "cycle": "2013-2017", "crime_area": ["heroin"] * 2,
    ...                   "transit": ["IR;TR;BG", "TR"], "transport_mode": ["road", "road"]})
    >>> country_routes(r, "RS", cycle="2013-2017")[["crime_area", "routes", "transport", "transit"]].values.tolist()
    [['heroin', 2, 'road (2)', 'Turkey (2), Bulgaria (1), Iran (1)']]
    """
    cols = ["crime_area", "routes", "transport", "transit", "nd"]
    r = routes
    if "cycle" in r.columns:
        r = r[r["cycle"] == cycle]
    r = r[r["country"] == country]
    if r.empty:
        return pd.DataFrame(columns=cols)
    flag = next((x for x in ("nd", "not_for_dissemination") if x in r.columns), None)
    nd = (r[flag].astype("boolean").fillna(True).astype(bool) if flag
          else pd.Series(False, index=r.index))
    out = []
    for area, part in r.groupby("crime_area", sort=False):
        modes = Counter(str(m).strip() for m in part.get("transport_mode", [])
                        if isinstance(m, str) and m.strip())
        transit = Counter(c for v in part.get("transit", []) for c in dict.fromkeys(_split(v)))
        out.append({"crime_area": str(area), "routes": len(part),
                    "transport": ", ".join(f"{m} ({k})" for m, k in _ranked(modes)),
                    "transit": ", ".join(f"{_place(c)} ({k})" for c, k in
                                         _ranked(transit)[:3]),
                    "nd": bool(nd[part.index].any()), "_o": _ORDER.get(str(area), 99)})
    t = pd.DataFrame(out).sort_values(["routes", "_o"], ascending=[False, True], kind="stable")
    return t[cols].reset_index(drop=True)


# ----------------------------------------------------------------------------- quality
def is_low_graded(rows: pd.DataFrame) -> pd.Series:
    """Which rows are low-graded: source rated D or information graded 4
    (:data:`LOW_SOURCES`, :data:`LOW_INFORMATION`); an ungraded row is not.

    >>> is_low_graded(pd.DataFrame({"source_reliability": ["A", "d", "B", None],
    ...                          "information_assessment": [1, 2, "4", None]})).tolist()
    [False, True, True, False]
    """
    src = rows["source_reliability"].astype("string").str.strip().str.upper()
    info = pd.to_numeric(rows["information_assessment"], errors="coerce")
    return (src.isin(list(LOW_SOURCES)).fillna(False)
            | info.isin(list(LOW_INFORMATION))).astype(bool)


@dataclass(frozen=True)
class DataQuality:
    """How complete and how well graded a country's return of one cycle is.

    ``state``, ``submitted``, ``deadline``, ``late`` ("late": received after the
    deadline; "overdue": not received, the deadline passed; "" otherwise) and
    ``empty_sheets``: the store's status of the country
    (:meth:`octasee.store.Store.status`); ``received``: a current submission is there;
    ``areas_not_reported``: scored crime areas with no value in the cycle;
    ``years_not_reported``: per area it did report, the cycle's years without a value;
    ``rows`` and ``low``: its graded rows and how many are low-graded
    (:func:`is_low_graded`)."""

    country: str
    cycle: str
    received: bool
    state: str
    submitted: str | None
    deadline: str | None
    late: str
    empty_sheets: tuple[str, ...]
    areas_not_reported: tuple[str, ...]
    years_not_reported: tuple[tuple[str, tuple[int, ...]], ...]
    rows: int
    low: int

    @property
    def low_share(self) -> float:
        return self.low / self.rows if self.rows else float("nan")

    @property
    def partial(self) -> bool:
        """Sheets of the questionnaire left empty (the store's "partial")."""
        return bool(self.empty_sheets)

    @property
    def complete(self) -> bool:
        """A value in every crime area expected, in every year of the cycle."""
        return not (self.areas_not_reported or self.years_not_reported)


def _text(v: object) -> str | None:
    return None if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA \
        or str(v) == "" else str(v)


def data_quality(status: Mapping[str, object] | pd.Series, reported: pd.DataFrame,
                 graded: pd.DataFrame, *, country: str, cycle: str,
                 areas: Sequence[str] | None = None) -> DataQuality:
    """``country``'s :class:`DataQuality` for ``cycle``.

    ``status``: its row of :meth:`octasee.store.Store.status` (``state``, ``submitted``,
    ``deadline``, ``late``, ``empty sheets``); ``reported``: the indicator rows that
    report a value (``country``, ``crime_area``, ``year``, ``breakdown``), of the cycle;
    ``graded``: the rows whose grading counts (``source_reliability``,
    ``information_assessment``); ``areas``: the crime areas expected (default the scored
    ones, :func:`~octasee.analysis.threat.threat_areas`).

    >>> st = {"state": "late", "submitted": "2018-05-05", "deadline": "2018-03-31",
    ...       "late": "late", "empty sheets": "routes"}
    >>> rep = pd.DataFrame({"country": "MD", "crime_area": "thb", "breakdown": None,
    ...                     "year": [2013, 2014, 2017]})
    >>> grd = pd.DataFrame({"source_reliability": ["A", "D"], "information_assessment": [1, 2]})
    >>> q = data_quality(st, rep, grd, country="MD", cycle="2013-2017", areas=["thb", "heroin"])
    >>> q.late, q.empty_sheets, q.areas_not_reported, q.years_not_reported, q.low, q.rows
    ('late', ('routes',), ('heroin',), (('thb', (2015, 2016)),), 1, 2)
    """
    c = get_cycle(cycle)
    years = tuple(c.years)
    scored = list(areas) if areas is not None else threat_areas()
    d = totals(reported)
    d = d[(d["country"] == country) & d["year"].isin(list(years))]
    seen = {a: {int(y) for y in part["year"]} for a, part in d.groupby("crime_area")}
    missing_areas = tuple(a for a in scored if a not in seen)
    missing_years = tuple((a, tuple(y for y in years if y not in seen[a]))
                          for a in scored if a in seen and len(seen[a]) < len(years))
    state = _text(status.get("state")) or "awaited"
    empty = tuple(s.strip() for s in (_text(status.get("empty sheets")) or "").split(",")
                  if s.strip())
    low = is_low_graded(graded) if len(graded) else pd.Series(dtype=bool)
    return DataQuality(
        country=country, cycle=c.code,
        received=state not in ("awaited", "missing", "rejected"), state=state,
        submitted=_text(status.get("submitted")), deadline=_text(status.get("deadline")),
        late=_text(status.get("late")) or "", empty_sheets=empty,
        areas_not_reported=missing_areas, years_not_reported=missing_years,
        rows=len(graded), low=int(low.sum()))
