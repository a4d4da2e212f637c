"""The attack audit: what a reader can work out about each suppressed cell.

For every suppressed cell or total of a :class:`~octasee.sdc.view.PublicView`, the interval
of values consistent with everything published: the published cells and totals (every
row and column of a table adds up), values of 0 or more, what the markers say (``"<5"``:
1 to 4; a complementary ``"x"`` in a table of counts: at least the threshold, since a
smaller count would show ``"<5"`` and zeros are never used), and any ``extra``
publication (a rounded rate or share printed somewhere), each a linear range
``lo ≤ Σ coef × cell ≤ hi``, and the public editions of earlier drafts (``earlier``: what
each printed, see below). The bounds are the minimum and the maximum of a
linear programme (scipy's HiGHS). A cell whose interval does not cover its protection
interval is a finding: it names the table or figure, the cell, its interval and the
published equations that pin it (the constraints with a non-zero dual value).

Independent tables are solved together (a block-diagonal programme: the optimum of a sum
of independent parts is the optimum of each part), so the sample's ~200 tables take a few
dozen solves, not thousands.

Earlier drafts. A reader may hold the public edition of an earlier draft too. Its
tables are equations as well: every row and column of what it printed adds up. An entry
whose restricted figure is the same now is the same unknown in both drafts (or, printed in
either, a known number: so a cell an earlier draft printed and this one withholds, after a
resubmission marked it not for dissemination, is found); an entry that changed since is
an unknown of its own, bounded by what its marker said then. Subtracting one draft's
totals from another's is thereby audited, whatever changed in between.

The audit never passes silently: a programme that cannot be solved (no solver, published
figures that contradict each other) raises :class:`~octasee.errors.DisclosureError`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from octasee.errors import DisclosureError
from octasee.sdc.view import PublicView, _Structure, entry_label

__all__ = ["AuditResult", "EarlierEdition", "Finding", "Publication", "across_drafts", "audit",
           "editions"]

_BIG = 1e4  # in units of a table's largest value: beyond BIG / 2 a bound is "no bound"
_TOL = 1e-6


@dataclass(frozen=True)
class Publication:
    """A further published linear fact: ``lo <= sum(coef * cell) <= hi``. ``terms`` maps
    keys of cells or totals (see :meth:`PublicView.locate`) to coefficients; e.g. a rate
    per 100,000 printed as 0.1 for a population of 2.1 million: ``Publication("Table 4.3",
    {("cell", "MK", "victims_identified", "thb", 2017): 1e5 / 2.1e6}, 0.05, 0.15)``."""

    label: str
    terms: Mapping[Any, float]
    lo: float = -math.inf
    hi: float = math.inf


@dataclass(frozen=True)
class EarlierEdition:
    """What the public edition of an earlier draft printed (:meth:`PublicView.record` of
    its view, as the draft keeps it). ``label`` names it in findings, e.g. "the public
    edition of Draft 2"."""

    label: str
    entries: Sequence[Mapping[str, Any]]


@dataclass
class Finding:
    """A suppressed cell that a reader can narrow below its protection interval."""

    label: str
    cell: dict[str, Any]
    interval: tuple[float, float]
    required: str
    binding: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        c = self.cell
        what = {"cell": f"{c['country']} {c['year']}",
                "country": f"{c['country']}'s total over the years",
                "year": f"the regional total of {c['year']}",
                "grand": "the grand total"}[c["kind"]]
        # The width, never the interval: an interval a reader can narrow a withheld value
        # to holds (nearly) that value, and this message reaches the console and logs.
        lo, hi = self.interval
        return (f"{self.label}: {what} of {c['indicator']} ({c['crime_area']}) can be narrowed "
                f"to a range {_num(hi - lo)} wide ({self.required}) from: "
                + "; ".join(self.binding or ["the published figures"]))


@dataclass
class AuditResult:
    """``ok``: no finding; ``findings``; ``intervals``: every suppressed entry with the
    interval a reader can work out (``lo``, ``hi``; ``inf`` for no upper bound) and
    whether it is ``protected``."""

    findings: list[Finding]
    intervals: pd.DataFrame
    restricted_equals_public: bool = True
    solves: int = 0
    #: the earlier public editions audited against (their labels)
    earlier: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings and self.restricted_equals_public

    def raise_if_failed(self, *, hint: str | None = None) -> None:
        """Raise :class:`DisclosureError` naming every finding, if there is one."""
        if self.ok:
            return
        lines = [f.message for f in self.findings]
        if not self.restricted_equals_public:
            lines.append("a published number differs from the restricted figure")
        raise DisclosureError(
            f"{len(lines)} disclosure(s) in the public edition: " + " | ".join(lines[:5])
            + (f" | … and {len(lines) - 5} more" if len(lines) > 5 else ""),
            where="attack audit", findings=self.findings,
            hint=hint or "suppress more cells (make_public_view), or leave the named "
                         "publication out of the public edition")


def _num(x: float) -> str:
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    return f"{x:,.6g}"


class _Problem:
    """The audit's linear programme over every suppressed entry of a view (scaled per
    table so that its largest value is 1)."""

    def __init__(self, view: PublicView, extra: Sequence[Publication],
                 known: pd.DataFrame | None = None,
                 earlier: Sequence[EarlierEdition] = ()) -> None:
        #: (structure, entry) of a suppressed entry of the view; (None, name) for an
        #: auxiliary unknown: an earlier draft's withheld figure that changed since
        self.vars: list[tuple[_Structure | None, Any]] = []
        self.lo: list[float] = []
        self.hi: list[float] = []
        self.scale: list[float] = []
        self.rows: list[dict[int, float]] = []
        self.rlo: list[float] = []
        self.rhi: list[float] = []
        self.rname: list[str] = []
        #: a suppressed entry an earlier public edition printed with the same figure
        self.printed_before: dict[int, str] = {}
        index: dict[tuple[int, int], int] = {}
        for s in view._structures:
            sc = max(1.0, float(np.max(np.abs(s.value))) if s.n else 1.0)
            sign = s.sign
            for e in range(s.n):
                if s.status[e] == "published":
                    continue
                index[(id(s), e)] = len(self.vars)
                self.vars.append((s, e))
                self.scale.append(sc)
                lo, hi = self._known(s, e)
                self.lo.append(lo / sc)
                self.hi.append(_BIG if math.isinf(hi) else hi / sc)
            nR, nK = s.shape
            for axis, n_nodes in (("row", nR), ("col", nK)):
                pos = s.row if axis == "row" else s.col
                for node in range(n_nodes):
                    members = np.flatnonzero(pos == node)
                    coefs: dict[int, float] = {}
                    const = 0.0
                    for e in members:
                        j = index.get((id(s), int(e)))
                        if j is None:
                            const += sign[e] * s.public_value(int(e))
                        else:
                            coefs[j] = coefs.get(j, 0.0) + sign[e]
                    if not coefs:
                        continue
                    self.rows.append(coefs)
                    self.rlo.append(-const / sc)
                    self.rhi.append(-const / sc)
                    self.rname.append(_equation_name(s, axis, node))
        for pub in extra:
            coefs, const = {}, 0.0
            for key, coef in pub.terms.items():
                s, e = view.locate(key)
                j = index.get((id(s), e))
                if j is None:
                    const += float(coef) * s.public_value(e)
                else:
                    coefs[j] = coefs.get(j, 0.0) + float(coef) * self.scale[j]
            if not coefs:
                continue
            self.rows.append(coefs)
            self.rlo.append(pub.lo - const)
            self.rhi.append(pub.hi - const)
            self.rname.append(f"{pub.label} (printed between {_num(pub.lo)} and {_num(pub.hi)})")
        # Figures published elsewhere (another source's table prints the same cell): an
        # equation each, or the range its marker states. Named without the figure: for a
        # magnitude the range is built from the restricted value.
        for s, e, klo, khi, label in view.elsewhere(known):
            j = index.get((id(s), e))
            if j is None:
                continue  # published here too: nothing to learn
            self.rows.append({j: self.scale[j]})
            self.rlo.append(klo)
            self.rhi.append(khi)
            self.rname.append(f"{label} prints {s.entry_name(e)} ({s.label})")
        if earlier:
            current = {_entry_key(s.describe_entry(e)): (s, e)
                       for s in view._structures for e in range(s.n)}
            for edition in earlier:
                self._add_earlier(edition, current, index)
        self.n = len(self.vars)
        self._components: list[list[int]] | None = None

    def _add_earlier(self, edition: EarlierEdition,
                     current: Mapping[tuple[Any, ...], tuple[_Structure, int]],
                     index: Mapping[tuple[int, int], int]) -> None:
        """The equations of an earlier public edition's tables (see the module
        docstring), in the units of the figures (a variable's coefficient is its scale)."""
        tables: dict[tuple[Any, ...], list[Mapping[str, Any]]] = {}
        for r in edition.entries:
            tables.setdefault((r.get("cycle"), r["indicator"], r["crime_area"]), []).append(r)
        for (cycle, indicator, area), entries in tables.items():
            label = f"{indicator} ({area}{f', {cycle}' if cycle is not None else ''})"
            sc = max([1.0] + [abs(float(r["restricted"])) for r in entries
                              if r.get("restricted") is not None])
            whole = all(r.get("marker") == "x" for r in entries)
            terms: dict[tuple[Any, ...], tuple[dict[int, float], float]] = {}
            for r in entries:
                key = _entry_key(r)
                name = entry_label(r)
                cur = current.get(key)
                j = index.get((id(cur[0]), cur[1])) if cur is not None else None
                same = (cur is not None and r.get("restricted") is not None
                        and math.isclose(float(cur[0].value[cur[1]]), float(r["restricted"]),
                                         rel_tol=1e-9, abs_tol=1e-9))
                if r.get("published") is not None:
                    value = float(r["published"])
                    terms[key] = ({}, value)
                    if same and j is not None:  # printed then, withheld now
                        self.rows.append({j: self.scale[j]})
                        self.rlo.append(value)
                        self.rhi.append(value)
                        self.rname.append(f"{edition.label} printed {name} ({label})")
                        self.printed_before.setdefault(j, self.rname[-1])
                elif same:
                    terms[key] = (({j: self.scale[j]}, 0.0) if j is not None else
                                  ({}, cur[0].public_value(cur[1])))
                else:  # withheld then, and changed since: an unknown of its own
                    lo, hi = _marker_bounds(r, whole=whole)
                    self.vars.append((None, f"{edition.label}'s withheld {name} ({label})"))
                    self.scale.append(sc)
                    self.lo.append(lo / sc)
                    self.hi.append(_BIG if math.isinf(hi) else hi / sc)
                    terms[key] = ({len(self.vars) - 1: sc}, 0.0)
            countries = sorted({r["country"] for r in entries if r["country"] is not None})
            years = sorted({int(r["year"]) for r in entries if r["year"] is not None})
            groups: list[tuple[str, list[tuple[Any, ...]], tuple[Any, ...]]] = []
            for c in countries:
                groups.append((f"{c}'s years add up to its total",
                               [("cell", cycle, indicator, area, c, y) for y in years],
                               ("country", cycle, indicator, area, c, None)))
            groups.append(("the regional totals of the years add up to the grand total",
                           [("year", cycle, indicator, area, None, y) for y in years],
                           ("grand", cycle, indicator, area, None, None)))
            for y in years:
                groups.append((f"the countries add up to the regional total of {y}",
                               [("cell", cycle, indicator, area, c, y) for c in countries],
                               ("year", cycle, indicator, area, None, y)))
            groups.append(("the countries' totals add up to the grand total",
                           [("country", cycle, indicator, area, c, None) for c in countries],
                           ("grand", cycle, indicator, area, None, None)))
            for what, parts, total in groups:
                if total not in terms:
                    continue
                coefs: dict[int, float] = {}
                const = 0.0
                for k, sign in [(p, 1.0) for p in parts if p in terms] + [(total, -1.0)]:
                    cf, cst = terms[k]
                    const += sign * cst
                    for jj, w in cf.items():
                        coefs[jj] = coefs.get(jj, 0.0) + sign * w
                coefs = {jj: w for jj, w in coefs.items() if w != 0.0}
                if not coefs:
                    continue
                self.rows.append(coefs)
                self.rlo.append(-const)
                self.rhi.append(-const)
                self.rname.append(f"{edition.label}: {what} ({label})")

    @staticmethod
    def _known(s: _Structure, e: int) -> tuple[float, float]:
        """What a reader knows of a suppressed entry from its marker and status."""
        if s.marker[e].startswith("<") and s.threshold:
            return 1.0, float(s.threshold - 1)
        if all(m == "x" for m in s.marker):  # a table withheld whole: nothing is said
            return 0.0, math.inf
        if s.status[e] == "complementary":
            return s.candidate_lb(), math.inf
        return 0.0, math.inf

    def components(self) -> list[list[int]]:
        if self._components is None:
            self._components = self._find_components()
            self._comp_of = {j: c for c in self._components for j in c}
            rows_of: dict[int, list[int]] = {}
            for r, coefs in enumerate(self.rows):
                rows_of.setdefault(id(self._comp_of[next(iter(coefs))]), []).append(r)
            self._rows_of = rows_of
        return self._components

    def components_of(self, j: int) -> list[int]:
        self.components()
        return self._comp_of[j]

    def _find_components(self) -> list[list[int]]:
        parent = list(range(self.n))

        def find(a: int) -> int:
            while parent[a] != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            return a

        for coefs in self.rows:
            js = list(coefs)
            for j in js[1:]:
                ra, rb = find(js[0]), find(j)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
        comps: dict[int, list[int]] = {}
        for j in range(self.n):
            comps.setdefault(find(j), []).append(j)
        return list(comps.values())

    def solve(self, objective: dict[int, float], vars_: Iterable[int]) -> Any:
        """Minimise ``objective`` over the sub-programme of ``vars_`` (a union of whole
        components) with HiGHS; returns scipy's result."""
        try:  # lazy: scipy.optimize and .sparse cost ~0.45 s; chapter kernels import octasee.sdc
            from scipy.optimize import linprog
            from scipy.sparse import csr_matrix, vstack
        except ImportError as exc:  # pragma: no cover - scipy is a dependency
            raise DisclosureError("no linear-programming solver: scipy cannot be imported",
                                  where="attack audit", hint=f"install scipy ({exc})") from None
        vs = sorted(vars_)
        local = {j: i for i, j in enumerate(vs)}
        self.components()
        comps = {id(self._comp_of[j]) for j in vs}
        rows = [(r, self.rows[r]) for r in sorted(
            r for cid in comps for r in self._rows_of.get(cid, ()))]
        c = np.zeros(len(vs))
        for j, w in objective.items():
            c[local[j]] = w
        data, ri, ci = [], [], []
        for k, (_, coefs) in enumerate(rows):
            for j, w in coefs.items():
                ri.append(k), ci.append(local[j]), data.append(w)
        A = csr_matrix((data, (ri, ci)), shape=(len(rows), len(vs)))
        rlo = np.array([self.rlo[r] for r, _ in rows])
        rhi = np.array([self.rhi[r] for r, _ in rows])
        eq = np.isclose(rlo, rhi)
        ub_rows = []
        ub_b = []
        for k in np.flatnonzero(~eq):
            if np.isfinite(rhi[k]):
                ub_rows.append((A[k], 1.0)), ub_b.append(rhi[k])
            if np.isfinite(rlo[k]):
                ub_rows.append((A[k], -1.0)), ub_b.append(-rlo[k])
        kw: dict[str, Any] = {}
        if eq.any():
            kw["A_eq"], kw["b_eq"] = A[np.flatnonzero(eq)], rlo[eq]
        if ub_rows:
            kw["A_ub"] = vstack([m * s for m, s in ub_rows]).tocsr()
            kw["b_ub"] = np.array(ub_b)
        bounds = np.array([[self.lo[j], self.hi[j]] for j in vs])
        try:
            res = linprog(c, bounds=bounds, method="highs", **kw)
        except ValueError as exc:
            raise DisclosureError(f"the audit's linear programme cannot be set up: {exc}",
                                  where="attack audit",
                                  hint="a published figure is not a number, or an extra "
                                       "publication has no finite bound") from None
        if res.status == 2:
            raise DisclosureError(
                "the published figures contradict each other (the audit's programme is "
                "infeasible)", where="attack audit",
                hint="a published total differs from the sum of its cells, or an extra "
                     "publication's range is wrong: check the figures it names: "
                     + "; ".join(self.rname[r] for r, _ in rows[:5]))
        if res.status != 0:
            raise DisclosureError(f"the audit's solver failed: {res.message}",
                                  where="attack audit",
                                  hint="report this with the view; the build cannot pass")
        res.local, res.rows, res.eq = local, rows, eq
        return res


def _entry_key(d: Mapping[str, Any]) -> tuple[Any, ...]:
    """An entry's identity across drafts: kind, cycle, indicator, crime area, country,
    year."""
    return (d["kind"], None if d.get("cycle") is None else str(d["cycle"]), d["indicator"],
            d["crime_area"], d.get("country"),
            None if d.get("year") is None else int(d["year"]))


def _marker_bounds(r: Mapping[str, Any], *, whole: bool) -> tuple[float, float]:
    """What a reader of an earlier edition knew of an entry it withheld: as
    :meth:`_Problem._known` says of this edition's."""
    marker, threshold = str(r.get("marker") or ""), r.get("threshold")
    if marker.startswith("<") and threshold:
        return 1.0, float(threshold) - 1
    if whole:
        return 0.0, math.inf
    if r.get("status") == "complementary" and threshold:
        return float(threshold), math.inf
    return 0.0, math.inf


def _equation_name(s: _Structure, axis: str, node: int) -> str:
    nC, nY = len(s.countries), len(s.years)
    t = s.label
    if axis == "row":
        if node < nC:
            return f"{s.countries[node]}'s years add up to its total ({t})"
        return f"the regional totals of the years add up to the grand total ({t})"
    if node < nY:
        return f"the countries add up to the regional total of {s.years[node]} ({t})"
    return f"the countries' totals add up to the grand total ({t})"


def _labels(publications: Sequence[Mapping[str, Any]]) -> dict[tuple[str, Any], list[str]]:
    out: dict[tuple[str, Any], list[str]] = {}
    for pub in publications:
        for st in pub.get("structures") or ():
            key = (st.get("indicator"), st.get("crime_area"))
            out.setdefault(key, []).append(str(pub.get("label")))
    return out


def audit(view: PublicView, *, extra: Iterable[Publication] = (),
          publications: Sequence[Mapping[str, Any]] = (),
          known: pd.DataFrame | None = None,
          earlier: Iterable[EarlierEdition] = ()) -> AuditResult:
    """For each suppressed entry of ``view``, the interval a reader can work out from
    everything published (see the module docstring); ``extra``: further publications;
    ``publications``: the chapters' list of tables and figures (names them in findings).

    Figures published elsewhere are equations too: those the view was made with
    (``make_public_view(..., known=...)``), or ``known`` (same columns) to audit the view
    against other figures, e.g. a view made without them; cells the view says the other
    publication withholds (:attr:`PublicView.mask_elsewhere`) are left out.

    ``earlier``: the public editions of earlier drafts a reader may hold (see the module
    docstring)."""
    extra = list(extra)
    earlier = list(earlier)
    prob = _Problem(view, extra, known, earlier)
    lo = np.full(prob.n, -np.inf)
    hi = np.full(prob.n, np.inf)
    solves = 0
    comps = sorted(prob.components(), key=len, reverse=True)
    # Rounds: each solve takes one unknown bound of every component still open (the
    # components are independent, so one programme optimises each). A variable that a
    # solution puts at its own known bound (a "<5" cell at 1) needs no programme of its own.
    own_lo, own_hi = np.array(prob.lo), np.array(prob.hi)
    for direction, found in ((1.0, lo), (-1.0, hi)):
        own = own_lo if direction > 0 else own_hi
        open_ = [[j for j in c if prob.vars[j][0] is not None] for c in comps]
        while True:
            open_ = [[j for j in c if np.isinf(found[j])] for c in open_]
            open_ = [c for c in open_ if c]
            if not open_:
                break
            targets = [c[0] for c in open_]
            chosen = {j for c in targets for j in prob.components_of(c)}
            res = prob.solve({j: direction for j in targets}, chosen)
            solves += 1
            for j in targets:
                found[j] = res.x[res.local[j]]
            for j, i in res.local.items():
                if np.isinf(found[j]) and abs(res.x[i] - own[j]) <= 1e-9 * max(1.0, abs(own[j])):
                    found[j] = own[j]
    findings = []
    labels = _labels(publications)
    records = []
    for j, (s, e) in enumerate(prob.vars):
        if s is None:  # an earlier draft's changed figure: not this edition's to protect
            continue
        sc = prob.scale[j]
        a = lo[j] * sc
        b = math.inf if hi[j] >= _BIG / 2 else hi[j] * sc
        need_lo, need_hi = float(s.need_lo[e]), float(s.need_hi[e])
        tol = _TOL * max(1.0, sc)
        width = float(s.need_width[e])
        narrowed = (((not math.isnan(need_lo)) and (a > need_lo + tol or b < need_hi - tol))
                    or (width > 0 and b - a < width - tol))
        rec = {**s.describe_entry(e), "status": s.status[e], "reason": s.reason[e],
               "marker": s.marker[e], "lo": a, "hi": b, "protected": not narrowed}
        records.append(rec)
        if narrowed:
            label = ", ".join(labels.get((s.indicator, s.crime_area), [])
                              or labels.get((s.indicator, None), [])) or s.label
            if s.marker[e].startswith("<"):
                required = f"it must stay anywhere in [1, {s.threshold - 1}]"  # type: ignore[operator]
            elif width > 0:
                required = (f"a total below {s.threshold} must stay at least "
                            f"{width:g} wide, as a '<{s.threshold}' cell")
            else:
                p = view.rules.protection_ratio_for(s.indicator)
                required = f"it must stay uncertain by at least ±{p:.0%}"
            binding = ([prob.printed_before[j]] if j in prob.printed_before else
                       _binding(prob, j, up=math.isnan(need_lo) or b < need_hi - tol))
            findings.append(Finding(label, s.describe_entry(e), (a, b), required, binding))
    cols = ["kind", "cycle", "indicator", "crime_area", "country", "year", "status", "reason",
            "marker", "lo", "hi", "protected"]
    return AuditResult(findings, pd.DataFrame(records, columns=cols),
                       restricted_equals_public=view.restricted_equals_public(),
                       solves=solves, earlier=[ed.label for ed in earlier])


def _binding(prob: _Problem, j: int, *, up: bool) -> list[str]:
    """The published equations that pin variable j's bound (non-zero duals)."""
    comp = next(c for c in prob.components() if j in c)  # cached
    res = prob.solve({j: -1.0 if up else 1.0}, comp)
    out = []
    rows = res.rows
    eq_idx = np.flatnonzero(res.eq)
    duals = getattr(getattr(res, "eqlin", None), "marginals", None)
    if duals is not None:
        for k, d in zip(eq_idx, duals, strict=False):
            if abs(d) > 1e-9:
                out.append(prob.rname[rows[k][0]])
    ineq = getattr(getattr(res, "ineqlin", None), "marginals", None)
    if ineq is not None and len(ineq):
        names = []
        for k in np.flatnonzero(~res.eq):
            r = rows[k][0]
            if math.isfinite(prob.rhi[r]):
                names.append(prob.rname[r])
            if math.isfinite(prob.rlo[r]):
                names.append(prob.rname[r])
        for name, d in zip(names, ineq, strict=False):
            if abs(d) > 1e-9 and name not in out:
                out.append(name)
    for attr in ("lower", "upper"):
        m = getattr(getattr(res, attr, None), "marginals", None)
        if m is None:
            continue
        for jj, local in res.local.items():
            if jj != j and abs(m[local]) > 1e-9:
                s, e = prob.vars[jj]
                if s is None:
                    out.append(f"the bound of {e}")
                    continue
                what = (f"the marker {s.marker[e]!r} of {s.entry_name(e)}"
                        if s.marker[e].startswith("<") else
                        f"{s.entry_name(e)} is at least {_num(prob.lo[jj] * prob.scale[jj])}"
                        if attr == "lower" else f"the bound of {s.entry_name(e)}")
                out.append(what + f" ({s.label})")
    return out


def editions(entries: Iterable[Mapping[str, Any]]) -> list[EarlierEdition]:
    """Entries of several earlier public editions in one list (each with its ``edition``
    label, as the build gives them to the chapters), as one :class:`EarlierEdition`
    each, in the order they first appear."""
    by: dict[str, list[Mapping[str, Any]]] = {}
    for r in entries:
        by.setdefault(str(r.get("edition") or "an earlier public edition"), []).append(r)
    return [EarlierEdition(label, tuple(rs)) for label, rs in by.items()]


def across_drafts(view: PublicView, earlier: Iterable[Mapping[str, Any]]
                  ) -> set[tuple[Any, str, str]]:
    """The tables (``(cycle, indicator, crime_area)``) of ``view`` in which a reader
    holding the ``earlier`` public editions (:func:`editions` of their entries) as well
    could narrow a withheld cell below its protection interval: what
    :func:`~octasee.sdc.view.make_public_view` then withholds whole (``withhold``).
    Withholding a table whole leaves a reader what the earlier editions printed, which
    their own audits passed; a figure an earlier edition printed and this view withholds
    stays a finding of :func:`audit` (nothing here can take it back)."""
    found = audit(view, earlier=editions(earlier)).findings
    return {(f.cell["cycle"], f.cell["indicator"], f.cell["crime_area"]) for f in found}
