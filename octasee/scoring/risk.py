"""Risk and priority: threat x vulnerability x harm, per country and crime area.

Method (after the UNODC *Guidance on the preparation and use of Serious and Organized Crime
Threat Assessments: the SOCTA Handbook*, 2010, chapter 4, where risk combines the threat,
the vulnerability that lets it materialise and the harm it causes; and MoRiLE, the UK
National Police Chiefs' Council *Management of Risk in Law Enforcement* matrix, 2014-, where
a priority is scored as likelihood x impact and banded on a matrix):

1. Every input is a tidy DataFrame ``(country, crime_area, value)``. A vulnerability
   component may be per country only (no ``crime_area`` column, or empty cells): it then
   applies to every crime area of that country.
2. Each input is rescaled to 0..1, by its known ``ranges`` (e.g. GI-TOC 1..10, TI CPI
   0..100) or else min-max over the observed values; ``direction -1`` inverts it
   (``1 - s``), so that e.g. *low* resilience and a *low* CPI (more corruption) mean *more*
   vulnerability.
3. ``vulnerability = sum_c w_c s_c / sum_c w_c`` over the components present.
4. ``likelihood = w_T * threat + w_V * vulnerability`` (weights normalised; default 0.6 /
   0.4); ``impact = harm`` (1 if no harm is given); ``risk = likelihood * impact``.
5. Likelihood and impact are banded low / medium / high at ``cuts`` (default 1/3, 2/3) and
   the priority read from the matrix (rows likelihood, columns impact)::

                  impact low   medium   high
       high         medium     high     high
       medium       low        medium   high
       low          low        low      medium

>>> import pandas as pd
>>> threat = pd.DataFrame({"country": ["AL", "RS"], "crime_area": "cocaine",
...                        "value": [8.0, 4.0]})
>>> res = pd.DataFrame({"country": ["AL", "RS"], "value": [4.0, 6.0]})
>>> out = priority_matrix(threat, {"resilience": (res, -1)}, ranges={"threat": (1, 10),
...                       "resilience": (1, 10)})
>>> out.table[["country", "likelihood", "priority"]].round(3).values.tolist()
[['AL', 0.733, 'high'], ['RS', 0.378, 'high']]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from octasee.errors import ScoringError

__all__ = ["PriorityResult", "priority_matrix"]

BANDS = ("low", "medium", "high")
MATRIX = {("high", "low"): "medium", ("high", "medium"): "high", ("high", "high"): "high",
          ("medium", "low"): "low", ("medium", "medium"): "medium", ("medium", "high"): "high",
          ("low", "low"): "low", ("low", "medium"): "low", ("low", "high"): "medium"}
KEYS = ["country", "crime_area"]


@dataclass
class PriorityResult:
    """``table``: one row per country and crime area; :meth:`matrix` pivots priorities."""

    table: pd.DataFrame
    weights: dict[str, float]

    def matrix(self, column: str = "priority") -> pd.DataFrame:
        """Countries x crime areas of ``column`` (``priority``, ``risk`` …)."""
        return self.table.pivot(index="country", columns="crime_area", values=column)


def _tidy(name: str, df: pd.DataFrame, value: str) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise ScoringError(f"{name} must be a DataFrame (country, crime_area, value)")
    if "country" not in df.columns or value not in df.columns:
        raise ScoringError(f"{name} needs the columns 'country' and {value!r}",
                           hint="columns found: " + ", ".join(map(str, df.columns)))
    out = df[[c for c in ("country", "crime_area", value) if c in df.columns]].copy()
    if "crime_area" not in out:
        out["crime_area"] = pd.NA
    out["value"] = pd.to_numeric(out.pop(value), errors="coerce")
    if out.duplicated(KEYS).any():
        row = out[out.duplicated(KEYS)].iloc[0]
        raise ScoringError(f"{name} has two values for {row['country']!r} / "
                           f"{row['crime_area']!r}", hint="give one value per country and area")
    return out


def _scale(name: str, v: pd.Series, ranges: Mapping[str, Sequence[float]],
           direction: int) -> pd.Series:
    if name in ranges:
        lo, hi = (float(x) for x in ranges[name])
    else:
        lo, hi = float(v.min()), float(v.max())
    if hi <= lo:
        raise ScoringError(f"cannot rescale {name}: its range is empty ({lo:g}..{hi:g})",
                           hint=f"give ranges={{{name!r}: (low, high)}}")
    s = ((v - lo) / (hi - lo)).clip(0, 1)
    return 1 - s if direction == -1 else s


def _band(x: pd.Series, cuts: Sequence[float]) -> pd.Series:
    idx = np.searchsorted(np.asarray(cuts, dtype=float), x.to_numpy(float), side="right")
    out = np.array(BANDS, dtype=object)[np.clip(idx, 0, 2)]
    return pd.Series(np.where(x.isna(), None, out), index=x.index)


def priority_matrix(threat: pd.DataFrame,
                    vulnerability: Mapping[str, tuple[pd.DataFrame, int] | pd.DataFrame],
                    harm: pd.DataFrame | None = None, *,
                    weights: Mapping[str, float] | None = None,
                    ranges: Mapping[str, Sequence[float]] | None = None,
                    cuts: Sequence[float] = (1 / 3, 2 / 3), value: str = "value"
                    ) -> PriorityResult:
    """Combine threat, vulnerability components and harm into priorities (module docstring).

    ``vulnerability``: name -> ``(frame, direction)`` (or a frame, direction +1), e.g.
    ``{"resilience": (gitoc_resilience, -1), "corruption": (cpi, -1)}``.
    ``weights``: ``threat`` and ``vulnerability`` (likelihood) and one per vulnerability
    component; missing keys weigh 0.6 / 0.4 / 1. ``ranges``: name -> (low, high) of the raw
    scale, for ``threat``, ``harm`` and each component.
    """
    ranges = dict(ranges or {})
    w = {"threat": 0.6, "vulnerability": 0.4, **dict(weights or {})}
    if any(v < 0 for v in w.values()):
        raise ScoringError("weights must be >= 0")
    if w["threat"] + w["vulnerability"] == 0:
        raise ScoringError("the threat and vulnerability weights sum to zero")
    t = _tidy("threat", threat, value)
    if t["crime_area"].isna().any():
        raise ScoringError("every threat row needs a crime_area")
    table = t.rename(columns={"value": "threat_raw"})
    table["threat"] = _scale("threat", table["threat_raw"], ranges, 1)
    comp_cols = []
    for name, item in vulnerability.items():
        frame, direction = item if isinstance(item, tuple) else (item, 1)
        if direction not in (1, -1):
            raise ScoringError(f"the direction of {name!r} must be 1 or -1")
        c = _tidy(name, frame, value)
        c["value"] = _scale(name, c["value"], ranges, direction)
        per_area = c[c["crime_area"].notna()]
        per_country = c[c["crime_area"].isna()].drop(columns="crime_area")
        col = f"v_{name}"
        merged = table[KEYS].merge(per_area.rename(columns={"value": col}), on=KEYS, how="left")
        fallback = table[["country"]].merge(per_country.rename(columns={"value": col}),
                                            on="country", how="left")[col]
        table[col] = merged[col].fillna(fallback).to_numpy()
        comp_cols.append(col)
        w.setdefault(name, 1.0)
    if comp_cols:
        cw = np.array([w[c[2:]] for c in comp_cols], dtype=float)
        V = table[comp_cols].to_numpy(float)
        present = ~np.isnan(V)
        with np.errstate(invalid="ignore", divide="ignore"):
            table["vulnerability"] = (np.where(present, V, 0) @ cw) / (present @ cw)
    else:
        table["vulnerability"] = np.nan
    wt, wv = w["threat"], w["vulnerability"]
    vul = table["vulnerability"]
    table["likelihood"] = np.where(vul.notna(), (wt * table["threat"] + wv * vul.fillna(0))
                                   / (wt + wv), table["threat"])
    if harm is not None:
        h = _tidy("harm", harm, value)
        per_area = h[h["crime_area"].notna()].rename(columns={"value": "harm"})
        merged = table[KEYS].merge(per_area, on=KEYS, how="left")["harm"]
        per_country = h[h["crime_area"].isna()].drop(columns="crime_area")
        fb = table[["country"]].merge(per_country.rename(columns={"value": "harm"}),
                                      on="country", how="left")["harm"]
        raw_h = merged.fillna(fb)
        scale_h = _scale("harm", raw_h, ranges, 1)
        table["impact"] = scale_h.to_numpy()
    else:
        table["impact"] = 1.0
    table["risk"] = table["likelihood"] * table["impact"]
    table["likelihood_band"] = _band(table["likelihood"], cuts)
    table["impact_band"] = _band(table["impact"], cuts)
    table["priority"] = [MATRIX.get((lb, ib)) for lb, ib in
                         zip(table["likelihood_band"], table["impact_band"], strict=True)]
    table["rank"] = table["risk"].rank(ascending=False, method="min").astype("Int64")
    table["rank_in_country"] = table.groupby("country")["risk"].rank(
        ascending=False, method="min").astype("Int64")
    table = table.sort_values(["rank", "country", "crime_area"], kind="stable")
    return PriorityResult(table=table.reset_index(drop=True), weights=dict(w))


