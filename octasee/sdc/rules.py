"""The disclosure rules of the public edition, from the workspace's ``[disclosure]`` settings.

Which cells are sensitive (primary suppression) and how wide the range must stay that a
reader can work out for each of them from everything published (the protection interval):

- **Counts of persons and of groups** (``persons``: arrests, suspects, convictions, victims,
  migrants, facilitators; ``groups``: organised crime groups identified): a count from 1 to
  ``threshold - 1`` is suppressed and shown as ``"<5"`` (threshold 5). Zero is shown.
- **Other counts** (cases, seizures in pieces, laboratories, firearms …): the same with
  ``min_other_count`` (default 3): a count of one or two can point at a single operation,
  while nobody is identified by a count of three or more cases.
- **Magnitudes** (kg, EUR: the table's ``unit``): no threshold; optionally a dominance rule on the totals
  (``dominance = "nk"``: the largest ``n`` countries hold more than ``k`` of a total;
  ``"p"``: the rest of a total is less than ``p`` of its largest part), off by default.
- **Not for dissemination** (NFD) cells are always suppressed.

Protection: the "<5" marker is itself published, so a small count's interval must stay
the whole of [1, threshold - 1]; an NFD (or dominance) cell's interval must contain
[v(1 - p), v(1 + p)] with ``protection_ratio`` p (default 0.2; for counts at least v ± 1).

>>> r = DisclosureRules()
>>> r.kind_of("victims_identified"), r.threshold_for("victims_identified")
('persons', 5)
>>> r.kind_of("cases"), r.threshold_for("cases"), r.kind_of("heroin_seized")
('counts', 3, 'magnitude')
>>> r.protection_for(100.0, "heroin_seized")
(80.0, 120.0)
>>> r.protection_for(2.0, "cases")
(1.0, 3.0)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from octasee.errors import DisclosureError

__all__ = ["GROUP_INDICATORS", "MAGNITUDE_INDICATORS", "PERSON_INDICATORS", "DisclosureRules",
           "IndicatorRule"]

#: Indicators that count persons: the workspace's ``threshold`` applies.
PERSON_INDICATORS = frozenset({"arrests", "suspects", "convictions", "victims_identified",
                               "irregular_migrants_detected", "facilitators_detected"})
#: Indicators that count organised crime groups: treated like persons (nothing about
#: single groups is published).
GROUP_INDICATORS = frozenset({"ocgs_identified"})
DOMINANCE_RULES = ("off", "nk", "p")


#: Indicators measured in kg or EUR in the questionnaire spec: used when a table has no
#: ``unit`` column (the store's unit, ``count``, ``kg`` or ``EUR``, decides otherwise).
MAGNITUDE_INDICATORS = frozenset({
    "heroin_seized", "cocaine_seized", "cannabis_herb_seized", "cannabis_resin_seized",
    "amphetamine_seized", "nps_seized", "explosives_seized", "tobacco_seized",
    "counterfeit_currency_seized", "ml_amount", "assets_confiscated", "online_fraud_losses",
    "waste_trafficked"})


@dataclass(frozen=True)
class IndicatorRule:
    """``[disclosure.indicators.<code>]``: an override for one indicator (None: the
    workspace's rule)."""

    threshold: int | None = None
    protection_ratio: float | None = None
    dominance: bool | None = None


@dataclass(frozen=True)
class DisclosureRules:
    """What the public edition suppresses and how well (see the module docstring)."""

    threshold: int = 5
    min_other_count: int = 3
    protection_ratio: float = 0.2
    dominance: str = "off"
    dominance_n: int = 2
    dominance_k: float = 0.9
    dominance_p: float = 0.1
    rank_countries: bool = False
    indicators: Mapping[str, IndicatorRule] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for key in ("threshold", "min_other_count", "dominance_n"):
            v = getattr(self, key)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise DisclosureError(f"{key} must be a whole number of 1 or more, not {v!r}",
                                      where="disclosure rules",
                                      hint="5 is usual for threshold, 3 for min_other_count")
        if not 0 < float(self.protection_ratio) <= 1:
            raise DisclosureError(f"protection_ratio must be above 0 and at most 1, not "
                                  f"{self.protection_ratio!r}", where="disclosure rules",
                                  hint="0.2 keeps a withheld figure uncertain by ±20%")
        if self.dominance not in DOMINANCE_RULES:
            raise DisclosureError(f"unknown dominance rule {self.dominance!r}",
                                  where="disclosure rules",
                                  hint="use " + ", ".join(map(repr, DOMINANCE_RULES)))
        if not 0 < float(self.dominance_k) <= 1 or not 0 < float(self.dominance_p) <= 1:
            raise DisclosureError("dominance_k and dominance_p must be above 0 and at most 1",
                                  where="disclosure rules", hint="e.g. 0.9 and 0.1")
        rules = {str(k): v if isinstance(v, IndicatorRule) else IndicatorRule(
            **(dict(v) if isinstance(v, Mapping) else
               {f: getattr(v, f, None) for f in ("threshold", "protection_ratio", "dominance")}))
                 for k, v in dict(self.indicators).items()}
        object.__setattr__(self, "indicators", rules)

    @classmethod
    def from_settings(cls, settings: Any) -> DisclosureRules:
        """The rules from a workspace's ``DisclosureSettings`` (or a ``Workspace``, or its
        ``WorkspaceConfig``)."""
        s = getattr(settings, "settings", settings)
        s = getattr(s, "disclosure", s)
        names = [f for f in cls.__dataclass_fields__ if hasattr(s, f)]
        return cls(**{f: getattr(s, f) for f in names})

    # ------------------------------------------------------------------ per indicator
    def kind_of(self, indicator: str, unit: str | None = None) -> str:
        """``persons``, ``groups``, ``counts`` or ``magnitude`` (from the questionnaire
        spec's measure, else from the unit: ``count`` is a count)."""
        if indicator in PERSON_INDICATORS:
            return "persons"
        if indicator in GROUP_INDICATORS:
            return "groups"
        if unit is None:
            return "magnitude" if indicator in MAGNITUDE_INDICATORS else "counts"
        return "counts" if str(unit) == "count" else "magnitude"

    def threshold_for(self, indicator: str, unit: str | None = None) -> int | None:
        """The small-count threshold of an indicator (None for magnitudes)."""
        kind = self.kind_of(indicator, unit)
        if kind == "magnitude":
            return None
        own = self.indicators.get(indicator)
        if own is not None and own.threshold is not None:
            return int(own.threshold)
        return self.threshold if kind in ("persons", "groups") else self.min_other_count

    def protection_ratio_for(self, indicator: str) -> float:
        own = self.indicators.get(indicator)
        if own is not None and own.protection_ratio is not None:
            return float(own.protection_ratio)
        return float(self.protection_ratio)

    def dominance_for(self, indicator: str, unit: str | None = None) -> bool:
        """Whether the dominance rule applies to the totals of an indicator (magnitudes
        only)."""
        if self.kind_of(indicator, unit) != "magnitude":
            return False
        own = self.indicators.get(indicator)
        if own is not None and own.dominance is not None:
            return bool(own.dominance) and self.dominance != "off"
        return self.dominance != "off"

    def protection_for(self, value: float, indicator: str, unit: str | None = None
                       ) -> tuple[float, float]:
        """The interval a withheld value ``value`` must stay uncertain over: [v(1-p),
        v(1+p)]; for counts at least [v-1, v+1] (and never below 0)."""
        p = self.protection_ratio_for(indicator)
        lo, hi = value * (1 - p), value * (1 + p)
        if self.kind_of(indicator, unit) != "magnitude":
            lo, hi = min(lo, value - 1), max(hi, value + 1)
        return max(lo, 0.0), hi

    def dominated(self, parts: list[float]) -> bool:
        """Whether a total of ``parts`` (non-negative) fails the dominance rule."""
        xs = sorted((float(x) for x in parts if x > 0), reverse=True)
        total = sum(xs)
        if not xs or total <= 0:
            return False
        if self.dominance == "nk":
            return sum(xs[:self.dominance_n]) > self.dominance_k * total
        if self.dominance == "p":
            return total - sum(xs[:2]) < self.dominance_p * xs[0]
        return False

    def describe(self, indicator: str, unit: str | None = None) -> str:
        """The rules of an indicator in words (for the output-checking report)."""
        kind = self.kind_of(indicator, unit)
        p = self.protection_ratio_for(indicator)
        parts = []
        t = self.threshold_for(indicator, unit)
        if t is not None:
            what = {"persons": "persons", "groups": "groups"}.get(kind, "other counts")
            parts.append(f"counts of {what}: 1 to {t - 1} suppressed (shown <{t}), "
                         f"interval kept at [1, {t - 1}]" if t > 1 else
                         f"counts of {what}: no threshold")
        if self.dominance_for(indicator, unit):
            if self.dominance == "nk":
                parts.append(f"dominance ({self.dominance_n}, {self.dominance_k:.0%}) on totals")
            else:
                parts.append(f"p% rule ({self.dominance_p:.0%}) on totals")
        parts.append(f"not-for-dissemination values suppressed, kept uncertain by ±{p:.0%}")
        return "; ".join(parts)
