"""Regional priorities: which crime areas the region should put first over the next cycle.

A priority is a crime area (with the member states where its threat is highest), ranked
on three dimensions, each a score from 0 to 10 made of indicators computed from the
store and the public sources:

- **threat** (:data:`INDICATORS` ``threat``): how many member states face a high threat
  in the area (the bands of :func:`octasee.analysis.threat.threat_scores`), how many of
  the cycle's groups and routes the area has (against the area with the most), the
  change of its headline series on the previous cycle (the ``change`` finding), and its
  GI-TOC criminal-market score;
- **vulnerability**: low GI-TOC resilience and perceived corruption (TI CPI) of the
  member states, each weighted by its threat score in the area, so that an area counts
  as more vulnerable where its threat sits in the weaker states;
- **impact**: the share of the area's groups that use violence, and corruption, at a
  medium or high level, and the analysts' rating of its harm (``harm``).

A dimension is the weighted mean of its indicators that have a value (an indicator
without one, such as a market GI-TOC does not score, is left out and the others
reweighted); the priority score is the weighted mean of the dimensions. Each dimension
and the score fall in a band: low below the first cut, medium below the second, high
from it (default: the thirds of the scale, as the threat bands). The areas are ranked
on the score; the first :attr:`PrioritySettings.count` are the priorities.

Everything above is set in the workspace (``priorities:`` of ``outlook.yaml``, read by
:mod:`octasee.analysis.outlook` through :func:`parse_settings`), strictly: an unknown
indicator or crime area, a negative weight, a dimension whose weights are all zero, are
refused with the file, the line and the fix.

>>> band_of(3.2), band_of(5.0), band_of(7.0), band_of(None)
('low', 'medium', 'high', None)
>>> band_of(5.0, (4.0, 5.0))
'high'
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from octasee.analysis.format import fmt_change, fmt_count, fmt_share
from octasee.analysis.threat import band as threat_band
from octasee.analysis.threat import band_edges, threat_areas
from octasee.config import Field, Source, Table, check, did_you_mean
from octasee.errors import OctaseeError
from octasee.reference import country_name, crime_area, resolve_crime_area
from octasee.sources.cpi import load_cpi
from octasee.sources.gitoc import load_gitoc

__all__ = [
    "BANDS",
    "DEFAULT_WEIGHTS",
    "DIMENSIONS",
    "INDICATORS",
    "Priorities",
    "Priority",
    "PriorityInputs",
    "PrioritySettings",
    "band_of",
    "change_percent",
    "parse_settings",
    "priority_inputs",
    "regional_priorities",
]

#: The bands, lowest first.
BANDS = ("low", "medium", "high")
#: The three dimensions a priority is scored on, in the order they are printed.
DIMENSIONS = ("threat", "vulnerability", "impact")

#: The indicators of each dimension and what each measures, on 0-10 (the chapter prints
#: these words).
INDICATORS: dict[str, dict[str, str]] = {
    "threat": {
        "spread": "member states whose threat score in the area is in the high band, of "
                  "all member states",
        "groups": "organised crime groups reported active in the area, against the area "
                  "with the most",
        "routes": "routes reported for the area, against the area with the most",
        "change": "change of the area's headline series on the previous cycle, on the "
                  "countries that reported every year of both (-100% is 0, no change 5, "
                  "+100% or more 10)",
        "markets": "GI-TOC criminal-market score of the area, mean of the member states "
                   "(1-10 put on 0-10)",
    },
    "vulnerability": {
        "resilience": "low GI-TOC resilience of the member states (10 is the lowest), "
                      "each weighted by its threat score in the area",
        "cpi": "perceived corruption (100 minus the TI CPI, in tenths), weighted the "
               "same way",
    },
    "impact": {
        "violence": "share of the area's groups that use violence at a medium or high "
                    "level",
        "corruption": "share of the area's groups that use corruption at a medium or "
                      "high level",
        "harm": "the analysts' rating of the area's harm to people, the economy and "
                "institutions",
    },
}

#: The weights of the dimensions when the workspace does not set them.
DEFAULT_WEIGHTS: dict[str, float] = {"threat": 2.0, "vulnerability": 1.0, "impact": 1.0}
#: How many priorities the chapter lists when the workspace does not say.
DEFAULT_COUNT = 6
_PRESENT = ("medium", "high")
_KNOWN = ("nil", "none", "no", "low", "medium", "high")


def band_of(value: float | None, cuts: Sequence[float] | None = None) -> str | None:
    """The band of a score on 0-10: low below ``cuts[0]``, medium below ``cuts[1]``,
    high from it (default: the thirds of the scale); None for no score."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    lo, hi = cuts if cuts is not None else band_edges(10.0)
    return "low" if value < lo else "medium" if value < hi else "high"


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class PrioritySettings:
    """How priorities are scored, banded and counted (see the module docstring).

    ``weights``: of the dimensions; ``indicators``: per dimension, the weight of each
    indicator (one not named weighs 0); ``cuts``: where the bands meet on 0-10;
    ``harm``: the analysts' rating (0-10) per crime area; ``areas``: the crime areas
    that may be priorities (empty: every area the threat index scores); ``source``:
    where they were read from ("" for the defaults)."""

    count: int = DEFAULT_COUNT
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    indicators: Mapping[str, Mapping[str, float]] = field(default_factory=lambda: {
        d: {k: 1.0 for k in names} for d, names in INDICATORS.items()})
    cuts: tuple[float, float] = band_edges(10.0)
    harm: Mapping[str, float] = field(default_factory=dict)
    areas: tuple[str, ...] = ()
    source: str = ""

    def weight(self, dimension: str, indicator: str) -> float:
        return float(self.indicators.get(dimension, {}).get(indicator, 0.0))


def _weights_table(dimension: str) -> Table:
    names = list(INDICATORS[dimension])
    return Table({k: Field("number", min=0, hint=f"a weight of 0 (leave {k} out) or more, "
                                                 f"e.g. {k}: 1") for k in names},
                 hint=f"write the {dimension} indicators with their weights, e.g. "
                      f"{dimension}: {{{names[0]}: 1, {names[1]}: 1}}; they are: "
                      + ", ".join(names))


#: The schema of ``priorities:`` (:func:`parse_settings`).
SCHEMA = Table({
    "count": Field("whole", min=1, hint="how many priorities the chapter lists, e.g. count: 6"),
    "weights": Table({d: Field("number", min=0, hint=f"a weight of 0 or more, e.g. {d}: 1")
                      for d in DIMENSIONS},
                     hint="write the weights of the dimensions, e.g. weights: {threat: 2, "
                          "vulnerability: 1, impact: 1}"),
    "bands": Field("list", items=Field("number", hint="a score from 0 to 10, e.g. 3.5"),
                   hint="write the two scores where the bands meet, e.g. bands: [3.5, 6.5]"),
    **{d: _weights_table(d) for d in DIMENSIONS},
    "harm": Table(values=Field("number", min=0, hint="a rating from 0 (none) to 10 "
                                                     "(gravest), e.g. thb: 9"),
                  hint="write one crime area a line with its rating, e.g. harm: {thb: 9}"),
    "areas": Field("list", items=Field("text", hint="a crime area, e.g. cocaine"),
                   hint="list the crime areas that may be priorities, e.g. areas: [heroin, "
                        "cocaine]; leave it out for every area"),
}, name="priorities")


def parse_settings(data: Any, src: Source, at: Sequence[str | int] = ("priorities",)
                   ) -> PrioritySettings:
    """The settings in ``data`` (the mapping under ``priorities:``; None: the defaults),
    checked: :class:`~octasee.errors.ConfigError` naming the file and the line of ``src``
    for an unknown key or indicator (with the nearest name), an unknown crime area, a
    negative weight, a dimension whose weights are all zero, bands that are not two
    rising scores inside 0-10, a harm rating above 10."""
    at = tuple(at)
    if data is None:
        return PrioritySettings(source=src.name or "")
    checked = check(data, SCHEMA, src, at=at)

    def fail(what: str, path: Sequence[str | int], hint: str) -> OctaseeError:
        return src.error(f"priorities: {what}", (*at, *path), hint=hint)

    given = set(data)  # check() fills in absent tables as empty ones
    weights = dict(DEFAULT_WEIGHTS)
    if "weights" in given:
        weights = {d: float(checked["weights"].get(d, 0.0)) for d in DIMENSIONS}
        if not any(v > 0 for v in weights.values()):
            raise fail("every dimension weighs 0", ("weights",),
                       "give at least one of threat, vulnerability, impact a weight above "
                       "0, e.g. weights: {threat: 2, vulnerability: 1, impact: 1}")
        if weights["threat"] <= 0:
            raise fail("the threat weighs 0", ("weights", "threat"),
                       "a priority rests on its threat: give threat a weight above 0")
    indicators = {d: {k: 1.0 for k in INDICATORS[d]} for d in DIMENSIONS}
    for d in DIMENSIONS:
        if d in given:
            given = {k: float(v) for k, v in checked[d].items()}
            if not any(v > 0 for v in given.values()):
                raise fail(f"every {d} indicator weighs 0", (d,),
                           f"give at least one a weight above 0, e.g. {d}: "
                           f"{{{next(iter(INDICATORS[d]))}: 1}}; to leave the dimension "
                           f"out, write weights: {{{d}: 0}}")
            indicators[d] = given
    cuts = band_edges(10.0)
    if checked.get("bands") is not None:
        b = [float(x) for x in checked["bands"]]
        if len(b) != 2 or not 0 < b[0] < b[1] < 10:
            raise fail(f"bands {checked['bands']!r} are not two rising scores between 0 "
                       "and 10", ("bands",),
                       "write where low meets medium and medium meets high, e.g. "
                       "bands: [3.5, 6.5]")
        cuts = (b[0], b[1])
    harm: dict[str, float] = {}
    for key, value in (checked.get("harm") or {}).items():
        code = _area(str(key), lambda what, hint, k=key: fail(what, ("harm", k), hint))
        if float(value) > 10:
            raise fail(f"the harm of {key} is {value!r}", ("harm", key),
                       "rate harm from 0 (none) to 10 (gravest)")
        harm[code] = float(value)
    areas: list[str] = []
    for i, name in enumerate(checked.get("areas") or ()):
        code = _area(str(name), lambda what, hint, i=i: fail(what, ("areas", i), hint))
        if code not in areas:
            areas.append(code)
    return PrioritySettings(count=int(checked.get("count", DEFAULT_COUNT)), weights=weights,
                            indicators=indicators, cuts=cuts, harm=harm, areas=tuple(areas),
                            source=src.name or "")


def _area(name: str, fail: Any) -> str:
    """The code of a crime area the threat index scores, else ``fail(what, hint)``."""
    scored = threat_areas()
    try:
        code = resolve_crime_area(name)
    except OctaseeError:
        close = did_you_mean(name, scored)
        raise fail(f"unknown crime area {name!r}",
                   (close + "; " if close else "") + "the crime areas are: "
                   + ", ".join(scored)) from None
    if code not in scored:
        raise fail(f"{name!r} is not a crime area the threat index scores",
                   "name one of its areas instead: " + ", ".join(
                       a for a in scored if crime_area(a).parent == code) or
                   ", ".join(scored))
    return code


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class PriorityInputs:
    """What priorities are computed from, as tidy tables.

    ``threat``: :func:`~octasee.analysis.threat.threat_scores` of every member state
    (``country``, ``crime_area``, ``value`` 0-10, ``nd``); ``groups``: the cycle's groups
    (``crime_areas``, ``violence``, ``corruption``, ``nd``); ``routes``: the cycle's routes
    (``crime_area``, ``nd``); ``change``: per crime area, the change of its headline
    series on the previous cycle in percent (:func:`change_percent`); ``markets``:
    ``country``, ``crime_area``, ``value`` (GI-TOC market score 1-10, the mean of the
    area's markets); ``resilience``: ``country``, ``value`` (GI-TOC resilience 1-10);
    ``cpi``: ``country``, ``value`` (0-100); ``countries``: the member states (spread
    counts of them)."""

    threat: pd.DataFrame
    countries: tuple[str, ...]
    groups: pd.DataFrame = field(default_factory=pd.DataFrame)
    routes: pd.DataFrame = field(default_factory=pd.DataFrame)
    change: Mapping[str, float] = field(default_factory=dict)
    markets: pd.DataFrame = field(default_factory=pd.DataFrame)
    resilience: pd.DataFrame = field(default_factory=pd.DataFrame)
    cpi: pd.DataFrame = field(default_factory=pd.DataFrame)


_PERCENT = re.compile(r"^\s*([+\-−]?\d[\d,]*)\s*%\s*$")


def change_percent(findings: Iterable[Any]) -> dict[str, float]:
    """Per crime area, the change in percent of its headline series on the previous
    cycle, from the ``change`` findings (:func:`octasee.analysis.findings.find`) as they
    print it (``+47%``).

    >>> from octasee.analysis.findings import Finding
    >>> change_percent([Finding("change:cocaine:cocaine_seized", "change", "t", "s",
    ...                         {"change": "+47%"}, crime_area="cocaine")])
    {'cocaine': 47.0}
    """
    out: dict[str, float] = {}
    for f in findings:
        if getattr(f, "kind", None) != "change" or not f.crime_area:
            continue
        m = _PERCENT.match(str(f.numbers.get("change", "")))
        if m:
            out[f.crime_area] = float(m.group(1).replace(",", "").replace("−", "-"))
    return out


def priority_inputs(threat: pd.DataFrame, *, countries: Sequence[str],
                    groups: pd.DataFrame | None = None, routes: pd.DataFrame | None = None,
                    findings: Iterable[Any] = (), gitoc: int | None = None,
                    cpi_year: int | None = None) -> PriorityInputs:
    """:class:`PriorityInputs` for ``countries`` from the threat scores of every member
    state (kept for ``countries``: a selection never rescales a score), the cycle's
    groups and routes, its findings (the ``change`` of each headline series), and the
    public sources: the GI-TOC edition ``gitoc`` (market and resilience scores) and the
    TI CPI of ``cpi_year`` (:func:`octasee.analysis.editions.editions` says which)."""
    asked = tuple(countries)
    tm = threat[threat["country"].isin(asked)] if len(threat) else threat
    markets = resilience = cpi = pd.DataFrame(columns=["country", "crime_area", "value"])
    if gitoc is not None:
        g = load_gitoc(gitoc)
        g = g[g["country"].isin(asked)]
        parts = []
        for a in threat_areas():
            names = crime_area(a).gitoc_markets(gitoc)
            if names:
                part = g[g["indicator"].isin(list(names))]
                parts.append(part.groupby("country", as_index=False)["value"].mean()
                             .assign(crime_area=a))
        if parts:
            markets = pd.concat(parts, ignore_index=True)[["country", "crime_area", "value"]]
        resilience = g.loc[g["indicator"] == "Resilience", ["country", "value"]]
    if cpi_year is not None:
        c = load_cpi()
        cpi = c.loc[(c["year"] == cpi_year) & c["country"].isin(asked),
                    ["country", "score"]].rename(columns={"score": "value"})

    def mine(frame: pd.DataFrame | None) -> pd.DataFrame:
        if frame is None or frame.empty or "country" not in frame.columns:
            return pd.DataFrame() if frame is None else frame
        return frame[frame["country"].isin(asked)]

    return PriorityInputs(threat=tm.reset_index(drop=True), countries=asked,
                          groups=mine(groups).reset_index(drop=True),
                          routes=mine(routes).reset_index(drop=True),
                          change=change_percent(findings), markets=markets,
                          resilience=resilience.reset_index(drop=True),
                          cpi=cpi.reset_index(drop=True))


# --------------------------------------------------------------------------- result


@dataclass(frozen=True)
class Priority:
    """One crime area, scored (see the module docstring).

    ``scores``: per dimension, its score 0-10 (None: no indicator of it has a value);
    ``values``: per ``dimension.indicator``, its score 0-10; ``facts``: the numbers the
    rationale prints; ``countries``: the member states whose threat in the area is in
    the high band, highest first; ``nd``: a score rests on rows not for dissemination."""

    rank: int
    crime_area: str
    score: float
    band: str
    scores: Mapping[str, float | None]
    bands: Mapping[str, str | None]
    values: Mapping[str, float | None]
    facts: Mapping[str, Any]
    countries: tuple[str, ...]
    nd: bool = False

    @property
    def label(self) -> str:
        return crime_area(self.crime_area).label

    def rationale(self, *, public: bool = False) -> str:
        """Why the area ranks where it does, from its numbers, one sentence a dimension.

        ``public``: only what the public edition may print: the bands, how many member
        states fall in the high threat band (not which), published GI-TOC scores and the
        analysts' harm rating; no count of groups or routes, no change, no score."""
        f = self.facts
        parts = []
        # threat
        bits = []
        n, of = f.get("high", 0), f.get("members", 0)
        names = ", ".join(country_name(c) for c in self.countries)
        count = f"{n} of {of}" if n else f"none of the {of}"
        bits.append(f"{count} member states in the high band of the threat index"
                    + (f" ({names})" if names and not public else ""))
        if not public:
            if f.get("groups") is not None:
                bits.append(f"{fmt_count(f['groups'])} of the {fmt_count(f['groups_all'])} "
                            "groups reported are active in it")
            if f.get("routes") is not None:
                bits.append(f"{fmt_count(f['routes'])} of {fmt_count(f['routes_all'])} "
                            "routes reported")
            if f.get("change") is not None:
                bits.append(f"its headline series {fmt_change(f['change'])} on the previous "
                            "cycle")
        if f.get("market") is not None:
            bits.append(f"GI-TOC market score {f['market']:.1f} of 10 on average")
        parts.append(self._dimension("threat", public) + ": " + "; ".join(bits))
        # vulnerability
        bits = []
        if not public:
            if f.get("resilience") is not None:
                bits.append(f"GI-TOC resilience {f['resilience']:.1f} of 10")
            if f.get("cpi") is not None:
                bits.append(f"TI CPI {f['cpi']:.0f} of 100")
        text = self._dimension("vulnerability", public)
        if bits:
            text += ": where the threat is, " + " and ".join(bits) + " (weighted by threat)"
        parts.append(text)
        # impact
        bits = []
        if not public:
            shares = [f"{fmt_share(f[key])} use {key}" for key in ("violence", "corruption")
                      if f.get(key) is not None]
            if shares:
                bits.append("of its groups, " + " and ".join(shares)
                            + " at a medium or high level")
        if f.get("harm") is not None:
            bits.append(f"the analysts rate its harm {f['harm']:g} of 10")
        text = self._dimension("impact", public)
        if bits:
            text += ": " + "; ".join(bits)
        parts.append(text)
        return ". ".join(p[:1].upper() + p[1:] for p in parts) + "."

    def _dimension(self, d: str, public: bool) -> str:
        b, s = self.bands.get(d), self.scores.get(d)
        if b is None or s is None:
            return f"{d} not scored"
        return f"{d} {b}" if public else f"{d} {b} ({s:.1f})"


@dataclass(frozen=True)
class Priorities:
    """Every crime area with a threat score, ranked (``ranked``; the first
    ``settings.count`` are the priorities: :attr:`top`), the areas that could not be
    scored (``unscored``: no member state reported an indicator of them), and the
    ``settings`` used."""

    ranked: tuple[Priority, ...]
    unscored: tuple[str, ...]
    settings: PrioritySettings

    @property
    def top(self) -> tuple[Priority, ...]:
        return self.ranked[:self.settings.count]

    def table(self) -> pd.DataFrame:
        """One row per ranked area: ``rank``, ``crime_area``, ``score``, ``band``, each
        dimension's score and band, each indicator's score, ``countries``, ``nd``."""
        rows = []
        for p in self.ranked:
            row: dict[str, Any] = {"rank": p.rank, "crime_area": p.crime_area,
                                   "score": p.score, "band": p.band}
            for d in DIMENSIONS:
                row[d] = p.scores.get(d)
                row[f"{d}_band"] = p.bands.get(d)
            row.update(p.values)
            row["countries"] = ";".join(p.countries)
            row["nd"] = p.nd
            rows.append(row)
        return pd.DataFrame(rows)


# --------------------------------------------------------------------------- compute


def _weighted(values: Mapping[str, float | None], weights: Mapping[str, float]
              ) -> float | None:
    """The weighted mean of the values that exist and weigh more than 0 (None if none)."""
    pairs = [(float(v), float(weights.get(k, 0.0))) for k, v in values.items()
             if v is not None and not math.isnan(float(v)) and weights.get(k, 0.0) > 0]
    total = sum(w for _, w in pairs)
    return sum(v * w for v, w in pairs) / total if total > 0 else None


def _split(v: object) -> list[str]:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return []
    return [p.strip() for p in re.split(r"[;,]", str(v)) if p.strip()]


def _group_areas(groups: pd.DataFrame) -> list[set[str]]:
    """The crime areas each group is active in (codes; names it cannot read are left
    out)."""
    if groups.empty or "crime_areas" not in groups.columns:
        return []
    out = []
    for v in groups["crime_areas"]:
        codes = set()
        for name in _split(v):
            try:
                codes.add(resolve_crime_area(name))
            except OctaseeError:
                continue
        out.append(codes)
    return out


def _grade(v: object) -> str | None:
    t = str(v).strip().lower() if v is not None and not pd.isna(v) else ""
    return t if t in _KNOWN else None


def _nd_any(frame: pd.DataFrame, mask: Any = None) -> bool:
    if frame.empty or "nd" not in frame.columns:
        return False
    col = frame["nd"].astype("boolean").fillna(True).astype(bool)
    return bool(col[mask].any()) if mask is not None else bool(col.any())


def regional_priorities(inputs: PriorityInputs, settings: PrioritySettings | None = None
                        ) -> Priorities:
    """Score, band and rank the crime areas (see the module docstring): every area of
    ``settings.areas`` (default every area the threat index scores) that some member state
    has a threat score in; the others are ``unscored``."""
    s = settings or PrioritySettings()
    tm = inputs.threat
    tm = tm[tm["value"].notna()] if len(tm) else tm
    members = tuple(inputs.countries)
    candidates = list(s.areas or threat_areas())
    scored_areas = set(tm["crime_area"]) if len(tm) else set()
    areas = [a for a in candidates if a in scored_areas]
    unscored = tuple(a for a in candidates if a not in scored_areas)

    group_areas = _group_areas(inputs.groups)
    groups_n = {a: sum(1 for g in group_areas if a in g) for a in areas}
    routes = inputs.routes
    routes_n = ({a: int((routes["crime_area"] == a).sum()) for a in areas}
                if len(routes) and "crime_area" in routes.columns else {})
    max_groups = max(groups_n.values(), default=0)
    max_routes = max(routes_n.values(), default=0)

    def by_country(frame: pd.DataFrame) -> dict[str, float]:
        if frame.empty:
            return {}
        return {str(c): float(v) for c, v in zip(frame["country"], frame["value"],
                                                 strict=True) if pd.notna(v)}

    res = by_country(inputs.resilience)
    cpi = by_country(inputs.cpi)
    markets = inputs.markets

    items = []
    for a in areas:
        t = tm[tm["crime_area"] == a]
        scores = {str(c): float(v) for c, v in zip(t["country"], t["value"], strict=True)}
        high = sorted((c for c, v in scores.items() if threat_band(v) == "high"),
                      key=lambda c: (-scores[c], c))
        facts: dict[str, Any] = {"high": len(high), "members": len(members)}
        values: dict[str, float | None] = {}
        # threat
        values["threat.spread"] = 10 * len(high) / len(members) if members else None
        values["threat.groups"] = (10 * groups_n[a] / max_groups if max_groups else None)
        if max_groups:
            facts.update(groups=groups_n[a], groups_all=len(group_areas))
        values["threat.routes"] = (10 * routes_n.get(a, 0) / max_routes if max_routes
                                   else None)
        if max_routes:
            facts.update(routes=routes_n.get(a, 0), routes_all=len(routes))
        pct = inputs.change.get(a)
        values["threat.change"] = (None if pct is None
                                   else float(np.clip(5 + pct / 20, 0, 10)))
        facts["change"] = pct
        m = markets[markets["crime_area"] == a] if len(markets) else markets
        m = m[m["country"].isin(members)] if len(m) else m
        market = float(m.groupby("country")["value"].mean().mean()) if len(m) else None
        values["threat.markets"] = None if market is None else (market - 1) / 9 * 10
        facts["market"] = market
        # vulnerability: weighted by the threat score of each member state in the area
        weights = {c: v for c, v in scores.items() if c in members}
        if not any(w > 0 for w in weights.values()):
            weights = {c: 1.0 for c in weights}

        def weighted_mean(source: Mapping[str, float], weights: dict[str, float] = weights
                          ) -> float | None:
            pairs = [(source[c], w) for c, w in weights.items() if c in source and w > 0]
            total = sum(w for _, w in pairs)
            return sum(x * w for x, w in pairs) / total if total > 0 else None

        r = weighted_mean(res)
        values["vulnerability.resilience"] = None if r is None else (10 - r) / 9 * 10
        facts["resilience"] = r
        k = weighted_mean(cpi)
        values["vulnerability.cpi"] = None if k is None else (100 - k) / 10
        facts["cpi"] = k
        # impact: the area's groups
        mine = [i for i, g in enumerate(group_areas) if a in g]
        for key in ("violence", "corruption"):
            share = None
            if mine and key in inputs.groups.columns:
                grades = [_grade(inputs.groups[key].iloc[i]) for i in mine]
                known = [g for g in grades if g is not None]
                if known:
                    share = sum(g in _PRESENT for g in known) / len(known)
            values[f"impact.{key}"] = None if share is None else 10 * share
            facts[key] = share
        harm = s.harm.get(a)
        values["impact.harm"] = harm
        facts["harm"] = harm
        dims = {d: _weighted({k.split(".", 1)[1]: v for k, v in values.items()
                              if k.startswith(d + ".")}, s.indicators.get(d, {}))
                for d in DIMENSIONS}
        score = _weighted(dims, s.weights)
        if score is None:
            continue
        nd = bool(t["nd"].any()) if "nd" in t.columns else False
        if mine:
            nd = nd or _nd_any(inputs.groups.iloc[mine])
        if len(routes) and "crime_area" in routes.columns:
            nd = nd or _nd_any(routes, (routes["crime_area"] == a).to_numpy())
        items.append(Priority(
            rank=0, crime_area=a, score=score, band=band_of(score, s.cuts) or "low",
            scores=dims, bands={d: band_of(v, s.cuts) for d, v in dims.items()},
            values=values, facts=facts, countries=tuple(high), nd=nd))
    order = {a: i for i, a in enumerate(threat_areas())}
    items.sort(key=lambda p: (-round(p.score, 9), -round(p.scores.get("threat") or 0.0, 9),
                              order.get(p.crime_area, 99)))
    ranked = tuple(replace(p, rank=i) for i, p in enumerate(items, start=1))
    return Priorities(ranked, unscored, s)
