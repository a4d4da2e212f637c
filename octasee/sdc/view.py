"""The public view: the indicators as the public edition may show them.

:func:`make_public_view` takes the *restricted* indicators table (rows not for dissemination
included) and makes, for each indicator and crime area (and cycle), the published
structure: a table of countries by years of the total rows, with its margins (the regional
total of each year, each country's total over the years, the grand total). Every cell and
margin is published unless it is suppressed:

- **primary**: a small count (1 … threshold-1, marker ``"<5"``), a value not for
  dissemination (marker ``"x"``), a total failing the dominance rule if it is on (``"x"``);
  a margin that is a small count is primary too;
- **complementary** (marker ``"x"``): cells chosen so that no suppressed cell can be worked
  out, or narrowed below its protection interval, from the published cells and margins.

Complementary suppression treats the table with margins as a network (rows and columns are
nodes, each cell or margin an arc; any change of the cells that keeps every published
total is a circulation): for every primary cell and each direction (up to the top of its
protection interval, down to the bottom) it looks for the cheapest cycle of arcs through
it along which the cell can move that far without any cell leaving the range a reader
knows it in (the classic shortest-path heuristic for 2-D tables, Kelly, Golden and Assad
1992; costs prefer small cells and avoid margins); cells on the cycle that are still
published become complementary. When no single cycle carries the move, a min-cost flow
(linear programme, HiGHS) may split it over several. The result is checked by the attack
audit (:mod:`octasee.sdc.audit`), which is the guarantee.

Published numbers are the restricted ones: the margins are sums of all the cells,
withheld ones included, so that a reader of both editions learns nothing by subtracting.
The full data is kept private (``_structures``) for the margins and the audit.

>>> import pandas as pd
>>> df = pd.DataFrame({"country": ["AL", "AL", "BA", "BA"], "indicator": "arrests",
...                    "crime_area": "heroin", "breakdown": None, "year": [2016, 2017] * 2,
...                    "value": [3, 40, 50, 60], "unit": "count"})
>>> v = make_public_view(df, DisclosureRules())
>>> v.cells[["country", "year", "value", "status", "marker"]].to_dict("records")[:2]
[{'country': 'AL', 'year': 2016, 'value': nan, 'status': 'primary', 'marker': '<5'}, {'country': 'AL', 'year': 2017, 'value': nan, 'status': 'complementary', 'marker': 'x'}]
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from octasee.errors import DisclosureError
from octasee.sdc.rules import DisclosureRules

__all__ = ["MARKER_WITHHELD", "PublicCell", "PublicView", "make_public_view"]

#: The marker of a cell withheld for a reason other than a small count (not for
#: dissemination, dominance, or to protect another cell): readers cannot tell which.
MARKER_WITHHELD = "x"
#: Columns of the input kept in the public view's cells (when present).
ID_COLUMNS = ("submission_id", "country", "cycle", "crime_area", "indicator", "breakdown",
              "year", "unit", "source_reliability", "information_assessment")
_COST = {"cell": 1.0, "country": 4.0, "year": 8.0, "grand": 16.0}
_TOL = 1e-7


def entry_label(d: Mapping[str, Any]) -> str:
    """How findings and the audit name an entry (:meth:`_Structure.describe_entry`, or
    an earlier edition's record of it): "RS 2017", "RS's total over the years", "the
    regional total of 2017", "the grand total"."""
    kind = d["kind"]
    if kind == "cell":
        return f"{d['country']} {d['year']}"
    if kind == "country":
        return f"{d['country']}'s total over the years"
    if kind == "year":
        return f"the regional total of {d['year']}"
    return "the grand total"


class PublicCell(NamedTuple):
    """One cell of the public view (``value`` is NaN when suppressed)."""

    country: str
    indicator: str
    crime_area: str
    year: int
    value: float
    status: str
    reason: str
    marker: str


@dataclass
class _Structure:
    """One published table (indicator × crime area × cycle) with its margins.

    Entries are cells then margins; entry e sits at row ``row[e]`` (a country, or the
    total row ``nC``) and column ``col[e]`` (a year, or the total column ``nY``). With
    ``sign`` +1 for cells and the grand total and -1 for the other margins, every row and
    every column of signed entries sums to zero: that is the whole of the structure's
    arithmetic."""

    cycle: Any
    indicator: str
    crime_area: str
    kind: str
    unit: str | None
    threshold: int | None
    countries: list[str]
    years: list[int]
    row: np.ndarray
    col: np.ndarray
    etype: list[str]
    value: np.ndarray  # the restricted values (private)
    cell_index: np.ndarray  # row of the cells frame, -1 for margins
    reporting: np.ndarray
    status: list[str] = field(default_factory=list)
    reason: list[str] = field(default_factory=list)
    marker: list[str] = field(default_factory=list)
    lb: np.ndarray = None  # type: ignore[assignment]  # a reader's bounds when suppressed
    ub: np.ndarray = None  # type: ignore[assignment]
    need_lo: np.ndarray = None  # type: ignore[assignment]  # protection interval (private)
    need_hi: np.ndarray = None  # type: ignore[assignment]
    need_width: np.ndarray = None  # type: ignore[assignment]  # small totals: how wide
    #: what another public source tells of a cell (published elsewhere): the bounds it
    #: puts on the cell (NaN: nothing), and the cells of this table that the other source
    #: must withhold (a primary cell it would pin or narrow)
    klo: np.ndarray = None  # type: ignore[assignment]
    khi: np.ndarray = None  # type: ignore[assignment]
    known: dict[int, tuple[float, float, str]] = field(default_factory=dict)
    masked: set[int] = field(default_factory=set)

    @property
    def n(self) -> int:
        return len(self.value)

    @property
    def sign(self) -> np.ndarray:
        return np.array([1.0 if t in ("cell", "grand") else -1.0 for t in self.etype])

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.countries) + 1, len(self.years) + 1

    @property
    def label(self) -> str:
        c = f", {self.cycle}" if self.cycle is not None else ""
        return f"{self.indicator} ({self.crime_area}{c})"

    def candidate_lb(self) -> float:
        """What a reader knows of a complementary cell: at least the threshold for counts
        (a count below it would show "<T", and zeros are never used), else 0."""
        return float(self.threshold) if self.threshold else 0.0

    def entry_name(self, e: int) -> str:
        return entry_label(self.describe_entry(e))

    def describe_entry(self, e: int) -> dict[str, Any]:
        t = self.etype[e]
        return {"kind": t, "cycle": self.cycle, "indicator": self.indicator,
                "crime_area": self.crime_area,
                "country": self.countries[self.row[e]] if t in ("cell", "country") else None,
                "year": self.years[self.col[e]] if t in ("cell", "year") else None}

    def public_value(self, e: int) -> float:
        return float(self.value[e]) if self.status[e] == "published" else math.nan


class PublicView:
    """The indicators as the public edition may show them (see the module docstring).

    ``cells``: one row per total row of the input (its identifying columns) with ``value``
    (NaN where suppressed), ``status`` (published, primary, complementary), ``reason`` and
    ``marker``. ``margins``: the regional total of each year, each country's total and the
    grand total of every structure, the same way. Nothing public holds a suppressed value.
    """

    def __init__(self, cells: pd.DataFrame, margins: pd.DataFrame,
                 structures: list[_Structure], rules: DisclosureRules,
                 withheld_rows: int, known: pd.DataFrame | None = None) -> None:
        self.cells = cells
        self.margins = margins
        self.rules = rules
        #: total rows of the input left out of the view (breakdown rows, blank values)
        self.withheld_rows = withheld_rows
        #: the figures published elsewhere the view was made with (``known``), or None
        self.known = known
        #: cells the other publication must withhold (shown ``x`` there), as
        #: ``(country, indicator, crime_area, year)``: cells the view withholds (a small
        #: count, a value not for dissemination) that the other source would print or
        #: narrow below their protection interval
        self.mask_elsewhere: frozenset[tuple[str, str, str, int]] = frozenset(
            (s.countries[s.row[e]], s.indicator, s.crime_area, int(s.years[s.col[e]]))
            for s in structures for e in s.masked)
        self._structures = structures
        self._index = {(s.cycle, s.indicator, s.crime_area): s for s in structures}

    def __repr__(self) -> str:
        st = self.cells["status"].value_counts()
        return (f"PublicView({len(self._structures)} tables, {len(self.cells)} cells: "
                f"{st.get('primary', 0)} primary, {st.get('complementary', 0)} complementary)")

    # ------------------------------------------------------------------ lookups
    def structures(self) -> pd.DataFrame:
        """Each published table: cycle, indicator, crime_area, kind, unit, threshold,
        countries, years, and how many entries are suppressed."""
        rows = []
        for s in self._structures:
            rows.append({"cycle": s.cycle, "indicator": s.indicator, "crime_area": s.crime_area,
                         "kind": s.kind, "unit": s.unit, "threshold": s.threshold,
                         "countries": len(s.countries), "years": len(s.years),
                         "primary": s.status.count("primary"),
                         "complementary": s.status.count("complementary")})
        return pd.DataFrame(rows)

    def _find(self, indicator: str, crime_area: str | None, cycle: Any = None,
              year: int | None = None) -> list[_Structure]:
        found = [s for s in self._structures if s.indicator == indicator
                 and (crime_area is None or s.crime_area == crime_area)
                 and (cycle is None or s.cycle == cycle)
                 and (year is None or year in s.years)]
        areas = sorted({s.crime_area for s in found})
        if crime_area is None and len(areas) > 1:
            raise DisclosureError(f"indicator {indicator!r} is reported in {len(areas)} crime "
                                  "areas", where="public view",
                                  hint="name one: " + ", ".join(areas))
        return found

    def regional_series(self, indicator: str, crime_area: str | None = None) -> pd.DataFrame:
        """The regional total of each year: ``year``, ``value`` (NaN if suppressed),
        ``countries`` (how many reported), ``status`` and ``marker``."""
        m = self.margins
        sel = m[(m["kind"] == "year") & (m["indicator"] == indicator)]
        if crime_area is not None:
            sel = sel[sel["crime_area"] == crime_area]
        elif sel["crime_area"].nunique() > 1:
            self._find(indicator, None)  # raises, naming the areas
        out = sel.rename(columns={"countries_reporting": "countries"})
        return out[["year", "value", "countries", "status", "marker"]].sort_values(
            "year").reset_index(drop=True)

    def cell(self, country: str, indicator: str, crime_area: str, year: int
             ) -> PublicCell | None:
        """One cell of the public view, or None if the country did not report it."""
        c = self.cells
        hit = c[(c["country"] == country) & (c["indicator"] == indicator)
                & (c["crime_area"] == crime_area) & (c["year"] == int(year))]
        if hit.empty:
            return None
        r = hit.iloc[0]
        return PublicCell(country, indicator, crime_area, int(year), float(r["value"]),
                          r["status"], r["reason"], r["marker"])

    def locate(self, key: Any) -> tuple[_Structure, int]:
        """The structure and entry of a key: ``("cell", country, indicator, crime_area,
        year)`` (or just ``(country, indicator, crime_area, year)``), ``("year",
        indicator, crime_area, year)``, ``("country", indicator, crime_area, country[,
        cycle])``, ``("grand", indicator, crime_area[, cycle])``."""
        k = tuple(key)
        if len(k) == 4 and k[0] not in ("cell", "year", "country", "grand"):
            k = ("cell", *k)
        try:
            kind = k[0]
            if kind == "cell":
                _, country, ind, area, year = k
                for s in self._find(ind, area, year=int(year)):
                    for e in range(s.n):
                        if (s.etype[e] == "cell" and s.countries[s.row[e]] == country
                                and s.years[s.col[e]] == int(year)):
                            return s, e
            elif kind == "year":
                _, ind, area, year = k
                for s in self._find(ind, area, year=int(year)):
                    return s, next(e for e in range(s.n) if s.etype[e] == "year"
                                   and s.years[s.col[e]] == int(year))
            elif kind in ("country", "grand"):
                ind, area = k[1], k[2]
                rest = k[3:]
                country = rest[0] if kind == "country" else None
                cycle = (rest[1] if len(rest) > 1 else None) if kind == "country" else (
                    rest[0] if rest else None)
                found = self._find(ind, area, cycle=cycle)
                if country is not None:
                    found = [s for s in found if country in s.countries]
                if len(found) > 1:
                    raise DisclosureError(f"{key!r} is in several cycles", where="public view",
                                          hint="add the cycle to the key")
                for s in found:
                    return s, next(e for e in range(s.n) if s.etype[e] == kind and (
                        country is None or s.countries[s.row[e]] == country))
        except (ValueError, TypeError, StopIteration):
            pass
        raise DisclosureError(f"no published cell or total {key!r}", where="public view",
                              hint="keys are ('cell', country, indicator, crime_area, year), "
                                   "('year', indicator, crime_area, year), ('country', "
                                   "indicator, crime_area, country) or ('grand', indicator, "
                                   "crime_area)")

    def elsewhere(self, known: pd.DataFrame | None = None
                  ) -> list[tuple[_Structure, int, float, float, str]]:
        """What the audit adds for figures published elsewhere: each cell a figure
        describes and the other publication prints, with the range it prints
        (``(structure, entry, lo, hi, label)``; private: the structures hold restricted
        values). ``known``: the view's own (None), or other figures to audit the view
        against (e.g. a view made without them)."""
        if known is None:
            return [(s, e, lo, hi, label) for s in self._structures
                    for e, (lo, hi, label) in sorted(s.known.items())]
        index = _known_index(known)
        out = []
        for s in self._structures:
            for e, lo, hi, label in _known_matches(s, index, self.rules):
                key = (s.countries[s.row[e]], s.indicator, s.crime_area,
                       int(s.years[s.col[e]]))
                if key not in self.mask_elsewhere:
                    out.append((s, e, lo, hi, label))
        return out

    def record(self) -> list[dict[str, Any]]:
        """Every entry of every table as this edition publishes it: what a draft keeps
        (``report.drafts``, beside its public edition in the restricted workspace) so that
        a later public edition is audited against it (:func:`octasee.sdc.audit`'s
        ``earlier``).

        Each entry: ``kind`` (cell, country, year, grand), ``cycle``, ``indicator``,
        ``crime_area``, ``country``, ``year``, ``status``, ``marker``, ``threshold`` (the
        table's), ``published`` (the number printed; None when withheld) and
        ``restricted`` (the figure behind it: private, kept so that a later draft can tell
        which entries did not change)."""
        out = []
        for s in self._structures:
            for e in range(s.n):
                d = s.describe_entry(e)
                out.append({**d, "cycle": None if d["cycle"] is None else str(d["cycle"]),
                            "year": None if d["year"] is None else int(d["year"]),
                            "status": s.status[e], "marker": s.marker[e],
                            "threshold": s.threshold,
                            "published": (float(s.value[e]) if s.status[e] == "published"
                                          else None),
                            "restricted": float(s.value[e])})
        return out

    # ------------------------------------------------------------------ checks
    def restricted_equals_public(self) -> bool:
        """Whether every published number equals the restricted figure (recomputed here
        from the restricted data with pandas, independently of how the view was made)."""
        for s in self._structures:
            nC, nY = len(s.countries), len(s.years)
            is_cell = s.cell_index >= 0
            r, c, v = s.row[is_cell], s.col[is_cell], s.value[is_cell]
            expect = np.empty(s.n)
            expect[is_cell] = v
            by_row = np.bincount(r, weights=v, minlength=nC)
            by_col = np.bincount(c, weights=v, minlength=nY)
            for e in np.flatnonzero(~is_cell):
                t = s.etype[e]
                expect[e] = (by_row[s.row[e]] if t == "country" else
                             by_col[s.col[e]] if t == "year" else v.sum())
            shown = np.array([s.public_value(e) for e in range(s.n)])
            pub = np.array([st == "published" for st in s.status])
            if not np.allclose(shown[pub], expect[pub], rtol=1e-9, atol=1e-9):
                return False
        restricted = np.full(len(self.cells), np.nan)
        for s in self._structures:
            cells = s.cell_index >= 0
            restricted[s.cell_index[cells]] = s.value[cells]
        pub = (self.cells["status"] == "published").to_numpy()
        shown = self.cells["value"].to_numpy(dtype=float)
        if not np.allclose(shown[pub], restricted[pub], rtol=1e-9, atol=1e-9):
            return False
        if self.cells.loc[self.cells["status"] != "published", "value"].notna().any():
            return False
        return not self.margins.loc[self.margins["status"] != "published", "value"].notna().any()


# ---------------------------------------------------------------------- making the view
def _truthy(x: Any) -> bool:
    if x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA:
        return True  # an unreadable flag is treated as not for dissemination (as the store)
    return bool(x)


def make_public_view(indicators: pd.DataFrame, rules: DisclosureRules | None = None, *,
                     withheld_submissions: Iterable[Any] = (),
                     known: pd.DataFrame | None = None,
                     earlier: Iterable[Mapping[str, Any]] = (),
                     withhold: Iterable[tuple[Any, str, str]] = ()) -> PublicView:
    """The public view of the restricted ``indicators`` table (see the module docstring).

    ``indicators``: the restricted rows of current submissions, not-for-dissemination rows
    included (``country``, ``indicator``, ``crime_area``, ``year``, ``value``; optional
    ``breakdown`` (only total rows are published), ``unit``, ``not_for_dissemination``
    (absent: False; blank: True), ``cycle``, ``submission_id``).
    ``withheld_submissions``: submission ids marked not for dissemination as a whole
    (every value of theirs is treated as not for dissemination).
    ``known``: figures the public edition prints from other public sources for the same
    quantities (``country``, ``indicator``, ``crime_area``, ``year``, and ``value`` for a
    printed number or ``lo`` and ``hi`` for a printed marker such as ``<5``; optional
    ``cycle``, ``label``). A cell whose restricted value a known figure matches (a count:
    equal, or inside the marker's range; a magnitude: within the cell's protection
    interval) is *published elsewhere*: complementary suppression never uses it, a
    suppressed one is withheld in the other publication too (:attr:`PublicView.
    mask_elsewhere`) unless the known figure says no more than its own marker, and the
    audit adds the rest as equations (:func:`octasee.sdc.audit`).
    ``earlier``: entries of earlier drafts' public editions (:meth:`PublicView.record`).
    Where an entry's restricted figure has not changed since, one they printed is never
    a complement (a reader knows it), and one they withheld as a complement stays
    withheld ("withheld in an earlier public edition"), so that a new suppression
    pattern neither rests on figures already out nor prints what an earlier pattern
    used to protect a cell: a reader holding both editions could subtract. The audit
    checks the two together (``audit(..., earlier=...)``).
    ``withhold``: tables (``(cycle, indicator, crime_area)``) withheld whole, every cell
    and total shown "x" (:func:`octasee.sdc.audit.across_drafts` names those that an
    earlier public edition and this one would together give a withheld cell back).
    """
    rules = rules or DisclosureRules()
    known_index = _known_index(known)
    before = _earlier_index(earlier)
    whole = {(None if c is None else str(c), i, a) for c, i, a in withhold}
    need = {"country", "indicator", "crime_area", "year", "value"}
    missing = need - set(indicators.columns)
    if missing:
        raise DisclosureError(f"the indicators table has no column {sorted(missing)[0]!r}",
                              where="make_public_view",
                              hint="pass store.table('indicators', variant='restricted')")
    df = indicators
    total = df["breakdown"].isna() if "breakdown" in df.columns else pd.Series(True, df.index)
    values = pd.to_numeric(df["value"], errors="coerce")
    keep = total & values.notna()
    withheld_rows = int((~keep).sum())
    df = df[keep].copy()
    df["value"] = values[keep].astype(float)
    if (df["value"] < 0).any():
        bad = df[df["value"] < 0].iloc[0]
        raise DisclosureError(f"negative value {bad['value']:g} for {bad['country']} "
                              f"{bad['indicator']} {bad['year']}", where="make_public_view",
                              hint="suppression assumes values of 0 or more; fix the row")
    nfd = (df["not_for_dissemination"].map(_truthy) if "not_for_dissemination" in df.columns
           else pd.Series(False, index=df.index))
    withheld = set(withheld_submissions)
    if withheld and "submission_id" in df.columns:
        nfd = nfd | df["submission_id"].isin(withheld)
    df["_nfd"] = nfd.astype(bool)
    df["year"] = df["year"].astype(int)
    has_cycle = "cycle" in df.columns
    if not has_cycle:
        df["cycle"] = None
    df = df.sort_values(["cycle", "indicator", "crime_area", "country", "year"],
                        kind="stable", na_position="first").reset_index(drop=True)
    dup = df.duplicated(["cycle", "country", "indicator", "crime_area", "year"])
    if dup.any():
        d = df[dup].iloc[0]
        raise DisclosureError(f"two total rows for {d['country']} {d['indicator']} "
                              f"({d['crime_area']}) {d['year']}", where="make_public_view",
                              hint="pass each country's current submission only")

    structures: list[_Structure] = []
    status = np.full(len(df), "published", dtype=object)
    reason = np.full(len(df), "", dtype=object)
    marker = np.full(len(df), "", dtype=object)
    for key, g in df.groupby(["cycle", "indicator", "crime_area"], sort=False, dropna=False):
        s = _build_structure(key, g, rules)
        _primary(s, g["_nfd"].to_numpy(), rules)
        _apply_known(s, known_index, rules)
        _apply_earlier(s, before)
        if (None if s.cycle is None else str(s.cycle), s.indicator, s.crime_area) in whole:
            _withhold_table(s, "the whole table is withheld: with an earlier public edition "
                               "its figures would give a withheld cell back")
        else:
            _complementary(s)
        structures.append(s)
        for e in range(s.n):
            i = s.cell_index[e]
            if i >= 0:
                status[i], reason[i], marker[i] = s.status[e], s.reason[e], s.marker[e]

    cols = [c for c in ID_COLUMNS if c in df.columns and (c != "cycle" or has_cycle)]
    cells = df[cols].copy()
    cells["value"] = np.where(status == "published", df["value"].to_numpy(), np.nan)
    cells["status"], cells["reason"], cells["marker"] = status, reason, marker
    margins = _margins_frame(structures, has_cycle)
    return PublicView(cells.reset_index(drop=True), margins, structures, rules, withheld_rows,
                      known=None if known is None else known.copy())


def _entry_id(kind: str, cycle: Any, indicator: str, area: str, country: Any,
              year: Any) -> tuple[Any, ...]:
    return (kind, None if cycle is None else str(cycle), indicator, area,
            None if country is None else str(country), None if year is None else int(year))


def _earlier_index(earlier: Iterable[Mapping[str, Any]]
                   ) -> dict[tuple[Any, ...], list[tuple[str, float]]]:
    """What earlier public editions did with each entry: ``(status, restricted figure)``
    by entry."""
    out: dict[tuple[Any, ...], list[tuple[str, float]]] = {}
    for r in earlier:
        if r.get("restricted") is None:
            continue
        key = _entry_id(r["kind"], r.get("cycle"), r["indicator"], r["crime_area"],
                        r.get("country"), r.get("year"))
        out.setdefault(key, []).append((str(r.get("status")), float(r["restricted"])))
    return out


def _apply_earlier(s: _Structure, earlier: Mapping[tuple[Any, ...], list[tuple[str, float]]]
                   ) -> None:
    """Entries whose figure is the same as when an earlier public edition showed them
    (see :func:`make_public_view`): one it printed is fixed (complementary suppression
    cannot use it: a reader knows it); one it withheld as a complement is withheld
    again."""
    if not earlier:
        return
    for e in range(s.n):
        if s.status[e] != "published" or e in s.known:
            continue
        d = s.describe_entry(e)
        was = earlier.get(_entry_id(d["kind"], d["cycle"], d["indicator"], d["crime_area"],
                                    d["country"], d["year"]))
        if not was:
            continue
        v = float(s.value[e])
        same = {st for st, w in was if math.isclose(v, w, rel_tol=1e-9, abs_tol=1e-9)}
        if "published" in same:
            s.klo[e] = s.khi[e] = v
        elif "complementary" in same:
            s.status[e] = "complementary"
            s.reason[e] = "withheld in an earlier public edition"
            s.marker[e] = MARKER_WITHHELD
            s.lb[e], s.ub[e] = s.candidate_lb(), math.inf


def _build_structure(key: tuple[Any, ...], g: pd.DataFrame, rules: DisclosureRules
                     ) -> _Structure:
    cycle, indicator, area = key
    unit = g["unit"].dropna().iloc[0] if "unit" in g.columns and g["unit"].notna().any() else None
    countries = sorted(g["country"].unique())
    years = sorted(int(y) for y in g["year"].unique())
    ci = {c: i for i, c in enumerate(countries)}
    yi = {y: j for j, y in enumerate(years)}
    nC, nY = len(countries), len(years)
    rows = [ci[c] for c in g["country"]]
    cols = [yi[int(y)] for y in g["year"]]
    vals = g["value"].to_numpy(dtype=float)
    etype = ["cell"] * len(g)
    index = list(g.index)
    reporting = [1] * len(g)
    r_arr, c_arr = np.array(rows), np.array(cols)
    for i in range(nC):  # each country's total over the years
        rows.append(i), cols.append(nY), etype.append("country"), index.append(-1)
        reporting.append(1)
        vals = np.append(vals, vals[:len(g)][r_arr == i].sum())
    for j in range(nY):  # the regional total of each year
        rows.append(nC), cols.append(j), etype.append("year"), index.append(-1)
        reporting.append(int((c_arr == j).sum()))
        vals = np.append(vals, vals[:len(g)][c_arr == j].sum())
    rows.append(nC), cols.append(nY), etype.append("grand"), index.append(-1)
    reporting.append(nC)
    vals = np.append(vals, vals[:len(g)].sum())
    n = len(vals)
    return _Structure(
        cycle=None if cycle is None or (isinstance(cycle, float) and math.isnan(cycle))
        else cycle, indicator=indicator, crime_area=area,
        kind=rules.kind_of(indicator, unit), unit=unit,
        threshold=rules.threshold_for(indicator, unit), countries=countries, years=years,
        row=np.array(rows), col=np.array(cols), etype=etype, value=vals,
        cell_index=np.array(index), reporting=np.array(reporting),
        status=["published"] * n, reason=[""] * n, marker=[""] * n,
        lb=np.full(n, np.nan), ub=np.full(n, np.nan),
        need_lo=np.full(n, np.nan), need_hi=np.full(n, np.nan),
        need_width=np.full(n, np.nan), klo=np.full(n, np.nan), khi=np.full(n, np.nan))


def _primary(s: _Structure, nfd: np.ndarray, rules: DisclosureRules) -> None:
    T = s.threshold
    ncell = len(nfd)
    dominance = rules.dominance_for(s.indicator, s.unit)
    for e in range(s.n):
        v = float(s.value[e])
        small = T is not None and T > 1 and 0 < v < T
        is_nfd = e < ncell and bool(nfd[e])
        if not is_nfd and e >= ncell and v == 0 and T is not None:
            # a zero total would show that its withheld cells are zero, and a zero
            # count is never a complement: withhold it as the cells are
            is_nfd = bool(nfd[_part_mask(s, e)[:ncell]].any())
        dominated = False
        if dominance and s.etype[e] != "cell":
            parts = _parts(s, e)
            dominated = len(parts) > 0 and rules.dominated(parts)
        if not (small or is_nfd or dominated):
            continue
        s.status[e] = "primary"
        if is_nfd or dominated:
            s.reason[e] = ("not for dissemination" if is_nfd else
                           f"dominance ({rules.dominance} rule)")
            s.marker[e] = MARKER_WITHHELD
            s.lb[e], s.ub[e] = 0.0, math.inf
            lo, hi = rules.protection_for(v, s.indicator, s.unit)
            if small:
                lo, hi = min(lo, 1.0), max(hi, float(T - 1))  # type: ignore[operator]
            s.need_lo[e], s.need_hi[e] = lo, hi
        elif s.etype[e] != "cell":
            # A small total is shown "x", not "<T": with its cells' own "<T" markers a
            # "<T" total would pin them (three "<5" cells and a "<5" total: each is 1 or
            # 2). A reader must not know it more precisely than a "<T" marker says of a
            # cell: its interval must be at least T-2 wide.
            s.reason[e] = f"total below {T}"
            s.marker[e] = MARKER_WITHHELD
            s.lb[e], s.ub[e] = 0.0, math.inf
            s.need_width[e] = float(T - 2)  # type: ignore[operator]
        else:
            s.reason[e] = f"count below {T}"
            s.marker[e] = f"<{T}"
            s.lb[e], s.ub[e] = 1.0, float(T - 1)  # type: ignore[operator]
            s.need_lo[e], s.need_hi[e] = 1.0, float(T - 1)  # type: ignore[operator]


# ------------------------------------------------------------- published elsewhere
_KnownIndex = dict[tuple[str, str, str, int], list[tuple[Any, float, float, str, bool]]]


def _known_index(known: pd.DataFrame | None) -> _KnownIndex:
    """The figures published elsewhere by cell: ``(cycle or None, lo, hi, label, exact)``."""
    if known is None or len(known) == 0:
        return {}
    need = {"country", "indicator", "crime_area", "year"}
    missing = need - set(known.columns)
    if missing or not ({"value"} <= set(known.columns) or {"lo", "hi"} <= set(known.columns)):
        what = sorted(missing)[0] if missing else "value"
        raise DisclosureError(f"the figures published elsewhere have no column {what!r}",
                              where="make_public_view",
                              hint="known: country, indicator, crime_area, year and value "
                                   "(a printed number) or lo and hi (a printed marker)")
    index: _KnownIndex = {}
    for r in known.to_dict("records"):
        lo, hi = (pd.to_numeric(pd.Series([r.get("lo"), r.get("hi")]), errors="coerce")
                  .astype(float).tolist())
        exact = math.isnan(lo) and math.isnan(hi)
        if exact:
            lo = hi = float(pd.to_numeric(pd.Series([r.get("value")]), errors="coerce")
                            .astype(float).iloc[0])
        if math.isnan(lo) and math.isnan(hi):
            continue  # not printed
        lo, hi = (0.0 if math.isnan(lo) else lo), (math.inf if math.isnan(hi) else hi)
        cycle = r.get("cycle")
        if cycle is not None and isinstance(cycle, float) and math.isnan(cycle):
            cycle = None
        key = (str(r["country"]), str(r["indicator"]), str(r["crime_area"]), int(r["year"]))
        entries = index.setdefault(key, [])
        if any(c == cycle for c, *_ in entries):
            raise DisclosureError(f"two figures published elsewhere for {key[0]} {key[1]} "
                                  f"({key[2]}) {key[3]}", where="make_public_view",
                                  hint="pass one printed figure per cell")
        label = r.get("label")
        label = "published elsewhere" if label is None or label != label else str(label)
        entries.append((cycle, lo, hi, label, exact))
    return index


def _known_matches(s: _Structure, index: _KnownIndex, rules: DisclosureRules
                   ) -> list[tuple[int, float, float, str]]:
    """The cells of ``s`` that a figure published elsewhere describes, each with what a
    reader learns of it from there: ``(entry, lo, hi, label)``.

    A printed count matches a count that equals it; a printed marker (``lo``-``hi``) a
    value inside it; a printed magnitude a value whose protection interval holds it (the
    reader then knows the value to within the difference: ``[min, max]`` of the two)."""
    if not index:
        return []
    out = []
    for e in range(s.n):
        if s.etype[e] != "cell":
            continue
        key = (s.countries[s.row[e]], s.indicator, s.crime_area, int(s.years[s.col[e]]))
        entries = [x for x in index.get(key, ()) if x[0] is None or x[0] == s.cycle]
        if not entries:
            continue
        _, lo, hi, label, exact = entries[0]
        v = float(s.value[e])
        tol = _TOL * max(1.0, abs(v))
        if exact and s.kind != "magnitude":
            if abs(lo - v) <= tol:
                out.append((e, v, v, label))
        elif exact:
            plo, phi = rules.protection_for(v, s.indicator, s.unit)
            if plo - tol <= lo <= phi + tol:
                out.append((e, min(lo, v), max(lo, v), label))
        elif lo - tol <= v <= hi + tol:
            out.append((e, lo, hi, label))
    return out


def _apply_known(s: _Structure, index: _KnownIndex, rules: DisclosureRules) -> None:
    """Cells published elsewhere: a published one is fixed within what the other source
    says (complementary suppression cannot use it); a primary one keeps the other
    source's figure only if that says no more than its own marker (then it bounds the
    cell), else the other publication must withhold it (``masked``)."""
    for e, lo, hi, label in _known_matches(s, index, rules):
        if s.status[e] == "published":
            s.klo[e], s.khi[e] = lo, hi
            s.known[e] = (lo, hi, label)
            continue
        v = float(s.value[e])
        tol = _TOL * max(1.0, abs(v))
        if lo <= s.need_lo[e] + tol and hi >= s.need_hi[e] - tol:
            s.lb[e], s.ub[e] = max(float(s.lb[e]), lo), min(float(s.ub[e]), hi)
            s.known[e] = (lo, hi, label)
        else:
            s.masked.add(e)


def _part_mask(s: _Structure, e: int) -> np.ndarray:
    """The cells a total sums."""
    cells = np.array([t == "cell" for t in s.etype])
    t = s.etype[e]
    if t == "country":
        return cells & (s.row == s.row[e])
    if t == "year":
        return cells & (s.col == s.col[e])
    return cells


def _parts(s: _Structure, e: int) -> list[float]:
    return [float(x) for x in s.value[_part_mask(s, e)]]


def _weight(s: _Structure, e: int) -> float:
    return (1.0 + math.log1p(abs(float(s.value[e])))) * _COST[s.etype[e]]


def _caps(s: _Structure, e: int, sign: float) -> tuple[float, float]:
    """How far entry e's z-value (sign × value) can move up and down, within what a
    reader knows of it once suppressed (its bounds, or a complement's)."""
    v = float(s.value[e])
    if s.status[e] == "published":
        lb = s.candidate_lb()
        if s.threshold and v == 0:  # a zero count is never a complement
            return 0.0, 0.0
        ub = math.inf
        if not math.isnan(s.klo[e]):  # published elsewhere: it moves only within that
            lb, ub = max(lb, float(s.klo[e])), min(ub, float(s.khi[e]))
    else:
        lb, ub = float(s.lb[e]), float(s.ub[e])
    up, down = ub - v, v - lb
    return (up, down) if sign > 0 else (down, up)


def _complementary(s: _Structure) -> None:
    targets = []
    for e in range(s.n):
        if s.status[e] != "primary":
            continue
        v = float(s.value[e])
        up, down = s.need_hi[e] - v, v - s.need_lo[e]
        tol = _TOL * max(1.0, abs(v))
        if math.isfinite(up) and up > tol:
            targets.append((-up, e, +1.0, up))
        if math.isfinite(down) and down > tol:
            targets.append((-down, e, -1.0, down))
    targets.sort(key=lambda t: (t[0], t[1], -t[2]))
    sign = s.sign
    nR, _ = s.shape
    for e in range(s.n):  # small totals: a cycle that moves them by T-2, up or down
        width = s.need_width[e]
        if not (s.status[e] == "primary" and width > 0):
            continue
        for zdir in (sign[e], -sign[e]):
            start, end = ((nR + s.col[e], s.row[e]) if zdir > 0
                          else (s.row[e], nR + s.col[e]))
            path = _shortest_path(s, e, start, end, width, sign)
            if path is not None:
                _suppress(s, path, f"protects {s.entry_name(e)}")
                break
    for _, e, direction, delta in targets:
        zdir = direction * sign[e]
        # a move of +delta on e's z-value goes row→col along e; it must come back col→row
        start, end = (nR + s.col[e], s.row[e]) if zdir > 0 else (s.row[e], nR + s.col[e])
        path = _shortest_path(s, e, start, end, delta, sign)
        if path is None:
            path = _flow_lp(s, e, zdir, delta, sign)
        if path is None:  # nothing short of withholding the whole table protects e
            _withhold_table(s, f"the whole table is withheld to protect {s.entry_name(e)}")
            return
        _suppress(s, path, f"protects {s.entry_name(e)}")


def _withhold_table(s: _Structure, why: str) -> None:
    """Withhold every cell and total of a table, all shown "x" (zeros and small counts
    too), so that a reader knows of each only that it is 0 or more; a cell published
    elsewhere is withheld there too."""
    s.masked.update(s.known)
    s.known.clear()
    s.klo[:], s.khi[:] = np.nan, np.nan
    for k in range(s.n):
        if s.status[k] == "published":
            s.status[k], s.reason[k] = "complementary", why
        s.marker[k] = MARKER_WITHHELD
        s.lb[k], s.ub[k] = 0.0, math.inf


def _suppress(s: _Structure, path: list[int], why: str) -> None:
    for k in path:
        if s.status[k] == "published":
            s.status[k] = "complementary"
            s.reason[k] = why
            s.marker[k] = MARKER_WITHHELD
            s.lb[k], s.ub[k] = s.candidate_lb(), math.inf


def _shortest_path(s: _Structure, target: int, start: int, end: int, delta: float,
                   sign: np.ndarray) -> list[int] | None:
    """The cheapest alternating path of entries from ``start`` to ``end`` (row nodes
    0..nC, column nodes nR..) along which every entry can move by ``delta`` (Dijkstra)."""
    nR, _ = s.shape
    tol = _TOL * max(1.0, delta)
    adj: dict[int, list[tuple[float, int, int]]] = {}
    for k in range(s.n):
        if k == target:
            continue
        zup, zdown = _caps(s, k, sign[k])
        cost = 1e-6 if s.status[k] != "published" else _weight(s, k)
        r, c = int(s.row[k]), nR + int(s.col[k])
        if zup >= delta - tol:
            adj.setdefault(r, []).append((cost, c, k))
        if zdown >= delta - tol:
            adj.setdefault(c, []).append((cost, r, k))
    dist = {start: 0.0}
    prev: dict[int, tuple[int, int]] = {}
    heap = [(0.0, start)]
    done = set()
    while heap:
        d, u = heapq.heappop(heap)
        if u in done:
            continue
        done.add(u)
        if u == end:
            break
        for cost, w, k in adj.get(u, ()):
            nd = d + cost
            if nd < dist.get(w, math.inf) - 1e-12:
                dist[w] = nd
                prev[w] = (u, k)
                heapq.heappush(heap, (nd, w))
    if end not in done:
        return None
    path, u = [], end
    while u != start:
        u, k = prev[u]
        path.append(k)
    return path[::-1]


def _flow_lp(s: _Structure, target: int, zdir: float, delta: float, sign: np.ndarray
             ) -> list[int] | None:
    """A min-cost circulation moving entry ``target``'s z-value by ``zdir × delta``, split
    over several cycles if need be (HiGHS); None if there is none."""
    # lazy: scipy.optimize costs ~0.45 s, and every chapter kernel imports this module
    from scipy.optimize import linprog

    nR, nK = s.shape
    n = s.n
    c = np.zeros(2 * n)
    bounds = []
    for k in range(n):
        zup, zdown = _caps(s, k, sign[k])
        if k == target:
            bounds += [(delta, delta), (0, 0)] if zdir > 0 else [(0, 0), (delta, delta)]
            continue
        cost = 1e-6 if s.status[k] != "published" else _weight(s, k)
        c[2 * k] = c[2 * k + 1] = cost
        bounds += [(0, None if math.isinf(zup) else max(zup, 0.0)),
                   (0, None if math.isinf(zdown) else max(zdown, 0.0))]
    A = np.zeros((nR + nK, 2 * n))
    for k in range(n):
        for node in (int(s.row[k]), nR + int(s.col[k])):
            A[node, 2 * k], A[node, 2 * k + 1] = 1.0, -1.0
    res = linprog(c, A_eq=A, b_eq=np.zeros(nR + nK), bounds=bounds, method="highs")
    if res.status != 0:
        return None
    x = res.x
    return [k for k in range(n) if k != target and x[2 * k] + x[2 * k + 1] > 1e-9]


def _margins_frame(structures: list[_Structure], has_cycle: bool) -> pd.DataFrame:
    rows = []
    for s in structures:
        for e in range(s.n):
            t = s.etype[e]
            if t == "cell":
                continue
            row = {"indicator": s.indicator, "crime_area": s.crime_area, "kind": t,
                   "country": s.countries[s.row[e]] if t == "country" else None,
                   "year": s.years[s.col[e]] if t == "year" else None,
                   "unit": s.unit, "value": s.public_value(e), "status": s.status[e],
                   "reason": s.reason[e], "marker": s.marker[e],
                   "countries_reporting": int(s.reporting[e])}
            if has_cycle:
                row = {"cycle": s.cycle, **row}
            rows.append(row)
    cols = ["indicator", "crime_area", "kind", "country", "year", "unit", "value", "status",
            "reason", "marker", "countries_reporting"]
    out = pd.DataFrame(rows, columns=(["cycle"] if has_cycle else []) + cols)
    out["year"] = out["year"].astype("Int64")
    return out
