"""The threat index (a score per country and crime area), the one country ranking on it,
its rank intervals, and the bands the public edition shows.

Every place that ranks countries on threat (the key figures, the weights explorer at its
default weights, the report's map, annex B's nominal ranking) calls
:func:`country_ranking` on :func:`threat_scores` of every member country's rows, so
they agree, and a chapter that shows fewer countries filters the result: it never
rescales the scores. Every ranking that names countries prints its rank with the
interval of :func:`rank_intervals` (``"2 (1-4)"``).

How each questionnaire indicator is normalised (per 100,000 residents or as a share of
the regional total), how a missing crime area is treated and how the areas are weighted
is the index spec, ``octasee/scoring/specs/threat_index.yaml`` (:func:`load_threat_spec`):
one place, which annex B prints as a table and which :func:`index_method` puts in words
for chapter 1 and annex B, so that the text cannot drift from the computation. A YAML file
rather than a table in this module, because analysts read and change it without reading
Python, and a mistake in it is reported with the file, the line and the fix
(:class:`~octasee.errors.ConfigError`).

>>> band(2.0), band(5.0), band(9.9), band(float("nan"))
('low', 'medium', 'high', None)
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from octasee.analysis.series import per_100k, totals
from octasee.config import Field, Source, Table, check, did_you_mean, read_yaml
from octasee.errors import ConfigError, UsageError
from octasee.questionnaire.spec import all_specs
from octasee.reference import crime_area, crime_areas

__all__ = ["BANDS", "INTERVAL", "MISSING_AREAS", "RANKING_COLUMNS", "SCALES", "TIE_DECIMALS",
           "IndicatorRule", "RankIntervals", "ThreatSpec", "area_label", "band",
           "band_counts", "band_edges", "country_ranking", "index_areas", "index_method",
           "load_threat_spec", "normalisation_table", "rank_intervals", "rank_label",
           "threat_areas", "threat_bands", "threat_index_model", "threat_matrix",
           "threat_scores"]

#: The bands, lowest first: each a third of the score's scale.
BANDS = ("low", "medium", "high")


def band_edges(top: float) -> tuple[float, float]:
    """Where the bands of a scale from 0 to ``top`` meet: its thirds.

    >>> band_edges(10.0)
    (3.3333333333333335, 6.666666666666667)
    """
    return top / 3, 2 * top / 3


def band(score: float, *, top: float = 10.0) -> str | None:
    """The band of a score on a scale from 0 to ``top``: low (the lowest third), medium,
    high (the highest third); None for a missing score."""
    if score is None or (isinstance(score, float) and math.isnan(score)):
        return None
    lo, hi = band_edges(top)
    return "low" if score < lo else "medium" if score < hi else "high"


def band_counts(scores: pd.DataFrame, *, by: str, value: str = "value",
                top: float = 10.0) -> pd.DataFrame:
    """How many items fall in each band per ``by`` (a crime area): ``by``, low, medium,
    high. Items without a score are not counted."""
    d = scores.dropna(subset=[value]).assign(
        band=lambda x: x[value].map(lambda v: band(float(v), top=top)))
    out = (d.groupby([by, "band"]).size().unstack(fill_value=0)
           .reindex(columns=list(BANDS), fill_value=0))
    out.columns.name = None
    return out.reset_index()


# ----------------------------------------------------------------------------- the spec

#: How an indicator is normalised before the min-max: per 100,000 residents (mid-2017
#: population) or as a share of the total of the member countries that reported it.
SCALES = ("per_100k", "share")
#: How a crime area a country reported no indicator of enters its index.
MISSING_AREAS = ("median", "mean", "skip")
#: The file the index spec is read from by default (shipped with octasee).
SPEC_NAME = "threat_index.yaml"

_SCALE_WORDS = {"per_100k": "per 100,000 residents", "share": "share of the regional total"}
_WEIGHT_HINT = "a weight is a number of 0 (leave it out) or more, e.g. 1"
_RULE_SCHEMA = Table(
    {"scale": Field("text", required=True, choices=SCALES,
                    hint="per_100k (per 100,000 residents) or share (of the regional "
                         "total)"),
     "weight": Field("number", default=1.0, min=0, hint=_WEIGHT_HINT),
     "why": Field("text", required=True,
                  hint="say in a sentence why the indicator is normalised so: annex B "
                       "prints it")},
    name=lambda value, path, doc: f"indicator {path[-1]}")
#: The keys an index spec allows (:mod:`octasee.config` checks them, with file and line).
SPEC_SCHEMA = Table({
    "name": Field("text", default="threat index"),
    "missing_areas": Field("text", default="median", choices=MISSING_AREAS,
                           hint="median or mean (impute the area's regional median or "
                                "mean score) or skip (leave the area out)"),
    "areas": Table({}, values=Field("number", min=0, hint=_WEIGHT_HINT), required=True,
                   hint="give each crime area its weight, e.g. heroin: 1"),
    "indicators": Table({}, values=_RULE_SCHEMA, required=True,
                        hint="give each indicator its scale and why, e.g. arrests: "
                             "{scale: per_100k, why: ...}"),
})


@dataclass(frozen=True)
class IndicatorRule:
    """How one questionnaire indicator enters a crime area's score."""

    code: str
    #: ``per_100k`` or ``share`` (:data:`SCALES`).
    scale: str
    #: Its weight within its part of the area's score (0: left out).
    weight: float
    #: Why it is normalised so (annex B prints it).
    why: str


@dataclass(frozen=True)
class ThreatSpec:
    """The threat index spec (:func:`load_threat_spec`): the normalisation of every
    indicator, the treatment of a missing crime area, the weight of every crime area."""

    name: str
    #: The file as messages name it.
    source: str
    indicators: Mapping[str, IndicatorRule]
    #: Crime area -> weight in a country's index (an area not named weighs 0).
    areas: Mapping[str, float]
    #: ``median``, ``mean`` or ``skip`` (:data:`MISSING_AREAS`).
    missing_areas: str = "median"

    def rule(self, indicator: str) -> IndicatorRule:
        """The rule of ``indicator``; a :class:`UsageError` naming the spec if it has
        none."""
        try:
            return self.indicators[indicator]
        except KeyError:
            raise UsageError(f"indicator {indicator!r} is not in the threat index spec "
                             f"{self.source}",
                             hint=did_you_mean(indicator, list(self.indicators))
                             or "add it under indicators: with its scale and why"
                             ) from None

    @property
    def equal_weights(self) -> bool:
        """Whether every crime area the index uses weighs the same."""
        return len({float(w) for w in self.areas.values() if w > 0}) <= 1


def _parse_spec(data: Any, src: Source) -> ThreatSpec:
    """Check a parsed index spec (keys and types by :func:`octasee.config.check`, then
    what the schema cannot say: crime areas and indicators that exist, weights that leave
    something to rank, every questionnaire indicator given a rule)."""
    checked = check(data, SPEC_SCHEMA, src)
    name = src.name or "the threat index spec"
    scored = threat_areas()
    for area in checked["areas"]:
        if area in scored:
            continue
        if area == "drugs":
            hint = ("drugs is not scored itself: give its markets their weights (heroin, "
                    "cocaine, cannabis, synthetic)")
        else:
            hint = did_you_mean(area, scored) or "the crime areas are " + ", ".join(scored)
        raise ConfigError(f"unknown crime area {area!r} in areas", where=src.where(
            ("areas", area)), hint=hint)
    if not any(float(w) > 0 for w in checked["areas"].values()):
        raise ConfigError(f"every crime area weighs 0 in {name}: nothing is left to rank",
                          where=src.where(("areas",)),
                          hint="give at least one crime area a weight above 0, e.g. "
                               "heroin: 1")
    known = {i.code: i for spec in all_specs() for i in spec.indicators}
    for code in checked["indicators"]:
        if code not in known:
            raise ConfigError(f"unknown indicator {code!r} in indicators",
                              where=src.where(("indicators", code)),
                              hint=did_you_mean(code, list(known))
                              or "the questionnaire's indicators are listed in "
                                 "octasee/questionnaire/spec.yaml")
    missing = [c for c in known if c not in checked["indicators"]]
    if missing:
        ind = known[missing[0]]
        more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
        raise ConfigError(f"indicator {ind.code!r} ({ind.label}) of the questionnaire has "
                          f"no rule in indicators{more}", where=src.where(("indicators",)),
                          hint=f"add {ind.code}: {{scale: share or per_100k, why: ...}} "
                               "(weight: 0 leaves it out)")
    if not any(float(r["weight"]) > 0 for r in checked["indicators"].values()):
        raise ConfigError(f"every indicator weighs 0 in {name}: no area can be scored",
                          where=src.where(("indicators",)),
                          hint="give the indicators a weight above 0 (the default is 1)")
    rules = {code: IndicatorRule(code, r["scale"], float(r["weight"]), r["why"].strip())
             for code, r in checked["indicators"].items()}
    return ThreatSpec(name=checked["name"], source=name, indicators=rules,
                      areas={a: float(w) for a, w in checked["areas"].items()},
                      missing_areas=checked["missing_areas"])


def _shipped() -> Path:
    return Path(str(resources.files("octasee.scoring").joinpath("specs", SPEC_NAME)))


@functools.cache
def _default_spec() -> ThreatSpec:
    """The shipped spec, read once per process."""
    return load_threat_spec(_shipped())


def load_threat_spec(path: str | Path | None = None) -> ThreatSpec:
    """The threat index spec: ``path`` (a YAML file), or the one shipped with octasee
    (``octasee/scoring/specs/threat_index.yaml``, read once).

    A mistake in it (an unknown key, indicator or crime area; a scale that is neither
    ``per_100k`` nor ``share``; a negative weight; weights that are all 0; a questionnaire
    indicator without a rule) is a :class:`~octasee.errors.ConfigError` naming the file,
    the line and the fix.

    >>> spec = load_threat_spec()
    >>> spec.rule("cocaine_seized").scale, spec.rule("victims_identified").scale
    ('share', 'per_100k')
    >>> spec.missing_areas
    'median'
    """
    if path is None:
        return _default_spec()
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read the threat index spec {p}: {exc.strerror}",
                          hint="give the path of a YAML file") from None
    data, src = read_yaml(text, name=str(p))
    return _parse_spec(data, src)


def _spec(spec: ThreatSpec | str | Path | None) -> ThreatSpec:
    return spec if isinstance(spec, ThreatSpec) else load_threat_spec(spec)


def normalisation_table(spec: ThreatSpec | str | Path | None = None) -> pd.DataFrame:
    """The index spec's rule for every indicator, as annex B prints it: ``indicator``
    (code), ``label`` (the questionnaire's), ``crime_areas`` (the areas it is asked for:
    "every area" or their labels), ``scale`` (code), ``normalised`` (in words), ``weight``,
    ``why``; in the spec's order.

    >>> t = normalisation_table().set_index("indicator")
    >>> t.loc["heroin_seized", "normalised"], t.loc["arrests", "crime_areas"]
    ('share of the regional total', 'every area')
    """
    s = _spec(spec)
    known = {i.code: i for q in all_specs() for i in q.indicators}
    rows = []
    for code, rule in s.indicators.items():
        ind = known.get(code)
        areas = ("every area" if ind is None or ind.areas is None else
                 ", ".join(crime_area(a).label for a in ind.areas))
        rows.append({"indicator": code, "label": ind.label if ind else code,
                     "crime_areas": areas, "scale": rule.scale,
                     "normalised": _SCALE_WORDS[rule.scale], "weight": rule.weight,
                     "why": rule.why})
    return pd.DataFrame(rows)


def threat_scores(indicators: pd.DataFrame, *, years: Sequence[int] | None = None,
                  areas: Sequence[str] | None = None,
                  countries: Sequence[str] | None = None,
                  spec: ThreatSpec | str | Path | None = None) -> pd.DataFrame:
    """The threat index: a score 0-10 per country and crime area from the questionnaire
    indicators of **every member country** (the store's restricted rows of all members,
    whatever countries a chapter shows).

    Method (:func:`index_method` says the same in words; annex B prints the spec):

    1. For each crime area and indicator, the mean yearly value per country over
       ``years`` (default: every year of the rows).
    2. Normalised as the index spec says of the indicator (:func:`load_threat_spec`):
       ``per_100k``, per 100,000 residents (mid-2017 population), where the phenomenon
       is about the country's residents (offenders prosecuted, victims); ``share``, as a
       share of the total of the countries that reported it, for flows of goods, money
       or people through the region (seizures, migrants detected).
    3. Across the countries of ``indicators``, min-max scaled to 0-10 (5 when every
       country reported the same). For a share this is the same as min-max of the
       volume: the share only makes the quantity read as what it is.
    4. The area's score gives its two parts equal weight: the (spec-weighted) mean of
       its share indicators' scores and that of its per-100,000 indicators' scores; a
       country that reported indicators of one part only is scored on that part.

    A country that reported none of an area's indicators gets no score there (missing,
    not zero): :func:`country_ranking` treats missing areas as the spec says.
    ``areas``: the crime areas scored (default :func:`threat_areas`). ``spec``: the index
    spec (default: the one shipped).

    The min-max runs across the rows given, so a country's score depends on which
    countries' rows are given: give every member's rows, then keep the countries to show
    with ``countries`` (or filter the result), never the other way round. Selecting
    countries that way does not change a score.

    Returns a tidy table: ``country``, ``crime_area``, ``value`` (0-10), ``indicators``
    (how many contributed), ``nd`` (a row not for dissemination is among the rows of the
    area, of any country: the min and max of its indicators rest on them; from a column
    ``nd`` or ``not_for_dissemination`` of ``indicators``, else false), and the two
    parts, ``share`` and ``per_100k`` (0-10; missing where the country reported no
    indicator of the part).

    Residents (mid-2017): RS 7.02 m, ME 0.62 m, HR 4.13 m. Arrests per 100,000: RS 10,
    ME 20, HR 0 -> 5, 10, 0. Heroin seized, shares of 30 kg: RS 2/3, ME 1/3, HR 0 ->
    10, 5, 0. Heroin: RS (10 + 5) / 2, ME (5 + 10) / 2, HR 0:

    >>> rows = pd.DataFrame({"country": ["RS", "ME", "HR"] * 2, "crime_area": ["heroin"] * 6,
    ...                      "indicator": ["arrests"] * 3 + ["heroin_seized"] * 3,
    ...                      "breakdown": [None] * 6, "year": [2017] * 6,
    ...                      "value": [702.0, 124.0, 0.0, 20.0, 10.0, 0.0]})
    >>> threat_scores(rows).set_index("country")["value"].round(1).to_dict()
    {'HR': 0.0, 'ME': 7.5, 'RS': 7.5}
    >>> threat_scores(rows, countries=["RS"])[["share", "per_100k"]].round(1).values.tolist()
    [[10.0, 5.0]]
    """
    columns = ["country", "crime_area", "value", "indicators", "nd", "share", "per_100k"]
    s = _spec(spec)
    d = totals(indicators)
    flag = next((c for c in ("nd", "not_for_dissemination") if c in d.columns), None)
    d["nd"] = (d[flag].astype("boolean").fillna(True).astype(bool) if flag
               else pd.Series(False, index=d.index, dtype=bool))
    if years is not None:
        d = d[d["year"].isin(list(years))]
    d = d[d["crime_area"].isin(list(threat_areas() if areas is None else areas))]
    d = d[d["value"].notna()]
    if d.empty:
        return pd.DataFrame(columns=columns)
    rules = {code: s.rule(code) for code in d["indicator"].unique()}
    d = d[d["indicator"].map(lambda c: rules[c].weight > 0)]
    if d.empty:
        return pd.DataFrame(columns=columns)
    mean = d.groupby(["country", "crime_area", "indicator"], as_index=False)["value"].mean()
    mean["scale"] = mean["indicator"].map(lambda c: rules[c].scale)
    mean["weight"] = mean["indicator"].map(lambda c: rules[c].weight)
    total = mean.groupby(["crime_area", "indicator"])["value"].transform("sum")
    share = (mean["value"] / total.where(total != 0)).fillna(0.0)
    mean["x"] = np.where(mean["scale"] == "per_100k", per_100k(mean), share)
    g = mean.groupby(["crime_area", "indicator"])["x"]
    lo, hi = g.transform("min"), g.transform("max")
    span = (hi - lo).replace(0, np.nan)
    mean["score"] = ((mean["x"] - lo) / span * 10).fillna(5.0)
    parts = (mean.assign(ws=mean["score"] * mean["weight"])
             .groupby(["country", "crime_area", "scale"])
             .agg(ws=("ws", "sum"), w=("weight", "sum"), n=("score", "size")))
    parts["part"] = parts["ws"] / parts["w"]
    wide = parts["part"].unstack("scale").reindex(columns=list(SCALES))
    out = pd.DataFrame({"value": wide.mean(axis=1),
                        "indicators": parts["n"].groupby(level=[0, 1]).sum(),
                        "share": wide["share"], "per_100k": wide["per_100k"]}).reset_index()
    out["nd"] = out["crime_area"].map(d.groupby("crime_area")["nd"].any()).astype(bool)
    if countries is not None:
        out = out[out["country"].isin(list(countries))]
    order = {a.code: i for i, a in enumerate(crime_areas())}
    out["_o"] = out["crime_area"].map(order)
    return (out.sort_values(["_o", "country"]).drop(columns="_o")[columns]
            .reset_index(drop=True))


#: The earlier name of :func:`threat_scores` (the same function).
threat_matrix = threat_scores

#: Scores that agree to this many decimals are tied in :func:`country_ranking` (a
#: difference in the last bits of a float, from a sum taken in another order, is none).
TIE_DECIMALS = 9

#: The columns of :func:`country_ranking`.
RANKING_COLUMNS = ["rank", "country", "score", "areas", "imputed", "nd"]


def _weights(d: pd.DataFrame, weights: Mapping[str, float] | None, spec: ThreatSpec
             ) -> dict[str, float]:
    """The weight of each crime area of ``d`` (the spec's, or ``weights``'), those above
    0 only; a negative weight is refused."""
    given = spec.areas if weights is None else weights
    bad = {a: v for a, v in given.items() if not float(v) >= 0}
    if bad:
        area, value = next(iter(bad.items()))
        raise UsageError(f"the weight of crime area {area!r} is {value!r}",
                         hint="weights are 0 (leave the area out) or more")
    return {a: float(given.get(a, 0.0)) for a in dict.fromkeys(d["crime_area"])
            if float(given.get(a, 0.0)) > 0}


def _area_table(tm: pd.DataFrame, weights: Mapping[str, float] | None, spec: ThreatSpec
                ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, float]]:
    """The area scores a ranking uses: (scores, nd flags, weights), countries x crime
    areas of weight above 0, for the countries that reported at least one of them
    (missing where a country reported no indicator of an area)."""
    d = tm.dropna(subset=["value"])
    d = d.assign(nd=d["nd"].astype(bool) if "nd" in d.columns else False)
    w = _weights(d, weights, spec)
    d = d[d["crime_area"].isin(list(w))]
    if d.empty:
        return pd.DataFrame(), pd.DataFrame(), w
    wide = d.pivot(index="country", columns="crime_area", values="value")
    wide = wide.reindex(columns=[a for a in w if a in wide.columns]).astype(float)
    nd = d.pivot(index="country", columns="crime_area", values="nd").reindex_like(wide)
    area_nd = d.groupby("crime_area")["nd"].any()
    nd = nd.astype("boolean").fillna(pd.Series(area_nd)).astype(bool)
    return wide, nd, w


def index_areas(tm: pd.DataFrame, *, spec: ThreatSpec | str | Path | None = None
                ) -> list[str]:
    """The crime areas a country's index is the mean of: those of ``tm`` (scored for some
    country) that the spec weighs above 0, in ``tm``'s order.

    >>> tm = pd.DataFrame({"country": ["RS", "HR"], "crime_area": ["heroin", "thb"],
    ...                    "value": [1.0, 2.0]})
    >>> index_areas(tm)
    ['heroin', 'thb']
    """
    s = _spec(spec)
    d = tm.dropna(subset=["value"]) if len(tm) else tm
    return [a for a in dict.fromkeys(d["crime_area"]) if s.areas.get(a, 0.0) > 0]


def _impute(wide: pd.DataFrame, how: str) -> pd.DataFrame:
    """Missing area scores filled as ``how`` says (:data:`MISSING_AREAS`)."""
    if how == "median":
        return wide.fillna(wide.median())
    if how == "mean":
        return wide.fillna(wide.mean())
    return wide


def country_ranking(tm: pd.DataFrame, weights: Mapping[str, float] | None = None, *,
                    spec: ThreatSpec | str | Path | None = None) -> pd.DataFrame:
    """The one country ranking on the threat index: what the key figures, the weights
    explorer, the report's map and annex B all rank.

    ``tm``: :func:`threat_scores` of every member (filter the result, not ``tm``, to
    show fewer countries: a rank is a rank among all members, and an imputed area is
    the median of every member's scores). ``weights``: per crime area (default: the
    index spec's, equal; an area the mapping does not name weighs 0 and is left out; a
    negative weight is refused). ``spec``: the index spec (default: the one shipped).

    - ``score``: the weighted mean of the country's area scores, unrounded (0-10).
    - Missing crime areas, as the spec's ``missing_areas`` says: ``median`` (the shipped
      spec), a crime area the country reported no indicator of gets the area's median
      score across the countries that reported it, so that every country is scored on
      the same areas; ``mean``, the area's mean score; ``skip``, left out (the mean over
      the areas it reported, the weights of the rest renormalised). ``areas``: how many
      it reported; ``imputed``: how many were imputed. A country that reported none of
      the areas weighed is not ranked.
    - ``rank``: 1 = highest score. Ties: scores that agree to :data:`TIE_DECIMALS`
      decimals share the best rank (1, 1, 3) and are listed by ISO code.
    - ``nd``: a row not for dissemination is behind one of its area scores (an imputed
      one too: it rests on the area's rows).

    HR reported heroin only; ME thb only. Median imputation: HR's thb is 3.5 (the median
    of 2 and 5), ME's heroin 6.5 (of 8 and 5); HR (5 + 3.5) / 2 = 4.25, ME 5.75; with
    heroin weighing 3: RS (3 * 8 + 2) / 4 = 6.5, ME 6.125, HR 4.625:

    >>> tm = pd.DataFrame({"country": ["RS", "RS", "HR", "ME"], "crime_area":
    ...                    ["heroin", "thb", "heroin", "thb"], "value": [8.0, 2.0, 5.0, 5.0]})
    >>> country_ranking(tm)[["rank", "country", "score", "areas", "imputed"]].to_dict("list")
    {'rank': [1, 2, 3], 'country': ['ME', 'RS', 'HR'], 'score': [5.75, 5.0, 4.25], 'areas': [1, 2, 1], 'imputed': [1, 0, 1]}
    >>> country_ranking(tm, {"heroin": 3, "thb": 1})[["country", "score"]].values.tolist()
    [['RS', 6.5], ['ME', 6.125], ['HR', 4.625]]
    """
    s = _spec(spec)
    if tm.empty:
        return pd.DataFrame(columns=RANKING_COLUMNS)
    wide, nd, w = _area_table(tm, weights, s)
    if wide.empty:
        return pd.DataFrame(columns=RANKING_COLUMNS)
    filled = _impute(wide, s.missing_areas)
    weight = pd.Series(w).reindex(wide.columns)
    present = filled.notna()
    score = (filled.fillna(0.0) * weight).sum(axis=1) / (present * weight).sum(axis=1)
    out = pd.DataFrame({"score": score, "areas": wide.notna().sum(axis=1),
                        "imputed": (present & wide.isna()).sum(axis=1),
                        "nd": (nd & present).any(axis=1)}).reset_index()
    out["rank"] = (out["score"].round(TIE_DECIMALS).rank(ascending=False, method="min")
                   .astype(int))
    return (out.sort_values(["rank", "country"])[RANKING_COLUMNS].reset_index(drop=True))


def area_label(code: str) -> str:
    return crime_area(code).label


def threat_areas() -> list[str]:
    """The crime areas scored for threat (the drug markets, not drugs as a whole)."""
    return [a.code for a in crime_areas() if a.parent is not None or a.code != "drugs"]


def threat_bands(tm: pd.DataFrame) -> pd.DataFrame:
    """Threat scores as bands: ``country``, ``crime_area``, ``band`` (low, medium, high:
    thirds of the 0-10 scale)."""
    return tm.assign(band=tm["value"].map(lambda v: band(float(v))))[
        ["country", "crime_area", "band"]]


# ----------------------------------------------------------------------------- rank intervals

#: The rank interval printed beside every rank: the 5th to the 95th percentile of a
#: country's rank over the variants of the method (a 90 % interval).
INTERVAL = (0.05, 0.95)
#: The variants of the method :func:`rank_intervals` draws by default: ``n`` base runs
#: (2 n variants), the relative perturbation of each area's weight, the seed.
RUNS, WEIGHTS_NOISE, SEED = 500, 0.25, 1
#: How a missing crime area is treated, as the scoring model's imputation.
_IMPUTE = {"median": "median", "mean": "mean", "skip": "none"}
_IMPUTE_BACK = {v: k for k, v in _IMPUTE.items()}


def threat_index_model(areas: Sequence[str], *, spec: ThreatSpec | str | Path | None = None,
                       weights: Mapping[str, float] | None = None) -> Any:
    """The threat index over crime areas as a scoring model (annex B), whose nominal run
    is the one country ranking (:func:`country_ranking`): the area scores as they are
    (0-10, no second normalisation), a missing area imputed as the spec says (the
    area's median), the weighted arithmetic mean of the areas (the spec's weights, or
    ``weights``). :func:`rank_intervals` varies each of these choices around it."""
    from octasee.scoring import Model  # lazy: ~100 ms on import

    s = _spec(spec)
    given = s.areas if weights is None else weights
    return Model.from_dict({
        "name": s.name, "unit": "country",
        "tree": [{"id": "threat", "label": "Threat"}]
        + [{"id": a, "parent": "threat", "label": crime_area(a).label,
            "weight": float(given.get(a, 0.0))} for a in areas],
        "steps": [{"step": "impute", "method": _IMPUTE[s.missing_areas]},
                  {"step": "normalise", "method": "none"},
                  {"step": "aggregate", "method": "mean", "missing": "skip"}],
    })


@dataclass(frozen=True)
class RankIntervals:
    """The country ranking with its rank intervals (:func:`rank_intervals`)."""

    #: :func:`country_ranking`'s columns, then ``nominal`` (the rank in the nominal
    #: variant: the same as ``rank``), ``median``, ``q05``, ``q95``, ``q90_width`` (of
    #: the rank over the variants), ``low`` and ``high`` (the interval in whole ranks:
    #: q05 rounded down, q95 up) and ``label`` (``"2 (1-4)"``).
    ranks: pd.DataFrame
    #: The sensitivity of the ranking to each choice (``factor``, ``S1``, ``ST`` …);
    #: empty unless asked for (``indices=True``).
    indices: pd.DataFrame
    #: The options of each choice varied (nominal first), in :func:`country_ranking`'s
    #: words: ``impute`` ``median``/``mean``/``skip``; ``normalise``; ``aggregate``.
    factors: dict[str, list[str]]
    #: ``n`` base runs; the intervals are over the ``2 n`` variants of the two base
    #: samples (the same with or without the indices); ``n_runs``: every run made.
    n: int
    n_runs: int
    seed: int
    weights_noise: float
    #: Whether the nominal variant ranks as :func:`country_ranking` does.
    nominal_agrees: bool = True

    @property
    def variants(self) -> int:
        """How many variants the intervals are taken over."""
        return 2 * self.n

    def label(self, country: str) -> str:
        """``"2 (1-4)"`` for ``country``."""
        return str(self.ranks.set_index("country").loc[country, "label"])


def rank_label(rank: int, low: int, high: int) -> str:
    """A rank with its interval, as every ranking that names countries prints it.

    >>> rank_label(2, 1, 4), rank_label(5, 5, 5)
    ('2 (1-4)', '5 (5-5)')
    """
    return f"{int(rank)} ({int(low)}-{int(high)})"


def rank_intervals(tm: pd.DataFrame, *, spec: ThreatSpec | str | Path | None = None,
                   n: int = RUNS, seed: int = SEED, weights_noise: float = WEIGHTS_NOISE,
                   indices: bool = False) -> RankIntervals:
    """The one country ranking (:func:`country_ranking` of ``tm``, every member's
    scores) with the interval of each rank under variants of the method: what annex B's
    uncertainty analysis shows and every ranking that names countries prints
    (:func:`rank_label`).

    The variants (:func:`octasee.scoring.uncertainty_analysis` on
    :func:`threat_index_model`, a Saltelli design of ``n`` base runs, ``seed`` fixed so
    that every chapter prints the same intervals): a missing crime area imputed with the
    area's median or mean or left out; the area scores as scored, re-scaled min-max
    (where every area has a spread), as percentile ranks or as ranks; the arithmetic mean
    or Copeland's pairwise majority count; each area's weight perturbed by up to
    ``weights_noise`` (25 %). A country's interval is the 5th to 95th percentile of its
    rank over the ``2 n`` variants of the two base samples, widened to whole ranks.
    ``indices``: also the sensitivity indices (``n (d + 2)`` runs; the intervals are the
    same).

    With fewer than three countries ranked there is nothing to vary: each interval is
    the rank itself and no run is made.
    """
    s = _spec(spec)
    ranking = country_ranking(tm, spec=s)
    empty = pd.DataFrame(columns=["factor", "S1", "ST"])
    if len(ranking) < 3:
        out = ranking.assign(nominal=ranking["rank"], median=ranking["rank"].astype(float),
                             q05=ranking["rank"].astype(float),
                             q95=ranking["rank"].astype(float), q90_width=0.0,
                             low=ranking["rank"], high=ranking["rank"])
        out["label"] = [rank_label(r, r, r) for r in out["rank"]]
        return RankIntervals(out, empty, {}, n, 0, seed, weights_noise)
    from octasee.scoring import uncertainty_analysis  # lazy: ~100 ms on import

    wide, _nd, _w = _area_table(tm, None, s)
    areas = list(wide.columns)
    nominal = _IMPUTE[s.missing_areas]
    spread = bool((wide.nunique(dropna=True) > 1).all())
    options = {"impute": [nominal, *[m for m in ("median", "mean", "none") if m != nominal]],
               "normalise": ["none", *(["minmax"] if spread else []), "prank", "rank"],
               "aggregate": ["mean", "copeland"]}
    result = uncertainty_analysis(threat_index_model(areas, spec=s), wide.reset_index(),
                                  **options, weights_noise=weights_noise, n=n, seed=seed,
                                  target="threat", sensitivity=indices)
    stats = result.ranks.reset_index().rename(columns={"index": "country"})
    out = ranking.merge(stats, on="country", how="left")
    out["low"] = np.floor(out["q05"]).astype(int)
    out["high"] = np.ceil(out["q95"]).astype(int)
    out["label"] = [rank_label(r, lo, hi) for r, lo, hi
                    in zip(out["rank"], out["low"], out["high"], strict=True)]
    factors = {f: [_IMPUTE_BACK.get(o, o) if f == "impute" else str(o) for o in opts]
               for f, opts in result.factors.items() if f != "weights"}
    idx = result.indices.reset_index() if indices else empty
    return RankIntervals(out, idx, factors, n, int(result.n_runs), seed, weights_noise,
                         bool((out["nominal"] == out["rank"]).all()))


# ----------------------------------------------------------------------------- in words

_MISSING_WORDS = {
    "median": ("imputed: it gets the area's median score across the member countries that "
               "reported it, so that every country is compared on the same crime areas"),
    "mean": ("imputed: it gets the area's mean score across the member countries that "
             "reported it, so that every country is compared on the same crime areas"),
    "skip": ("left out: the country's index is the mean over the areas it reported, which "
             "counts a missing area neither as zero nor as the regional level"),
}


def index_method(spec: ThreatSpec | str | Path | None = None, *,
                 variants: int = 2 * RUNS, ranks: bool = True,
                 here: bool = False) -> list[str]:
    """The threat index's method in plain sentences, from the index spec (chapter 1 and
    annex B print them: what the text says is what :func:`threat_scores`,
    :func:`country_ranking` and :func:`rank_intervals` compute). ``variants``: how many
    variants the rank intervals are taken over; ``ranks``: whether the edition prints
    ranks (a public edition that does not says that the restricted one does); ``here``:
    the text is annex B's own (its table and ranking follow).

    >>> text = " ".join(index_method())
    >>> "per 100,000 residents" in text and "share of the total" in text
    True
    """
    s = _spec(spec)
    used = [r for r in s.indicators.values() if r.weight > 0]
    per = [r for r in used if r.scale == "per_100k"]
    share = [r for r in used if r.scale == "share"]
    areas = [a for a, w in s.areas.items() if w > 0]
    weights = ("with equal weights" if s.equal_weights else
               "with the weights of the index spec (" + ", ".join(
                   f"{crime_area(a).label.lower()} {s.areas[a]:g}" for a in areas) + ")")
    lo, hi = (round(q * 100) for q in INTERVAL)
    interval = (f"the {lo}th to {hi}th percentile of the country's rank when the index is "
                f"recomputed under {variants:,} variants of the method drawn with a fixed "
                "seed (the treatment of missing areas, the scale of the area scores, the "
                f"aggregation, and each area's weight perturbed by up to {WEIGHTS_NOISE:.0%})")
    if ranks:
        last = (f"Every rank is printed with its interval, as in 2 (1-4): {interval}; "
                + ("the ranking below shows them." if here else "annex B shows them."))
    else:
        last = ("The restricted edition prints every rank with its interval, as in 2 (1-4): "
                f"{interval}.")
    return [
        "For each crime area, every indicator a country reported is averaged over the "
        "cycle's years and normalised as its nature calls for: the "
        f"{len(per)} indicators about the country's residents (offenders prosecuted, "
        "victims, residents' losses) per 100,000 residents (mid-2017 population); the "
        f"{len(share)} flows of goods, money or people through the region (seizures, "
        "migrants and smugglers detected, money laundered) as their share of the total of "
        "the member countries that reported them, since a transit flow is where it passes, "
        "not a per-resident phenomenon. Each is then scaled 0-10 across all member "
        "countries, whichever countries a chapter shows (min-max: the lowest 0, the highest "
        "10; 5 when all reported the same).",
        "A crime area's score gives equal weight to its flows (the mean of its share "
        "indicators' scores) and to its residents (the mean of its per-100,000 indicators' "
        "scores); a country that reported indicators of one kind only is scored on that "
        "kind. " + ("The table below gives" if here else "Annex B gives")
        + " every indicator's normalisation and why.",
        f"A country's threat index is the mean of its {len(areas)} crime-area scores "
        f"{weights}. A crime area it reported no indicator of is "
        f"{_MISSING_WORDS[s.missing_areas]}; the tables say how many areas each country "
        "reported.",
        last,
    ]
