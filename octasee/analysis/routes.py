"""Routes: the legs between consecutive places, the places' roles, the modus-operandi table.

A route in the store has an ``origin``, its ``transit`` countries in order and its
``destination`` countries (';'-joined alpha-2 codes, or names in a frame an analyst
built). The route maps draw its legs (origin → first transit → ... → last transit → each
destination), as wide as the number of routes that report them; the table beside a map
lists what the routes say about how the goods or people move (commodity, transport mode,
modus operandi), who reported it and when it was last observed. Both are computed here,
so that the chapter, the map and a test read the same numbers.

A place that is not a known country (a typo in a frame, a region) is never dropped
silently: the legs to and from it are left out, and :attr:`RouteLegs.unknown` says which
route named it, in which column (:meth:`UnknownPlace.message`). ``strict=True`` raises
instead.

>>> import pandas as pd
>>> routes = pd.DataFrame({"route_ref": ["R1", "R2"], "origin": ["AF", "AF"],
...                        "transit": ["IR;TR;BG", "IR;TR"], "destination": ["AT;DE", "GR"]})
>>> r = route_legs(routes)
>>> r.legs[["origin", "destination", "routes"]].to_string(index=False)
'origin destination  routes\\n    AF          IR       2\\n    BG          AT       1\\n    BG          DE       1\\n    IR          TR       2\\n    TR          BG       1\\n    TR          GR       1'
>>> r.places.set_index("place").loc["TR"].to_dict()
{'origin': 0, 'transit': 2, 'destination': 0, 'role': 'transit'}
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from octasee.errors import ReferenceDataError, UsageError
from octasee.reference import resolve_world_country

__all__ = ["ModusOperandi", "RouteLegs", "UnknownPlace", "modus_operandi", "route_legs",
           "split_places"]

#: The roles a place has on a route, in the order a tie between two is settled.
ROLES = ("origin", "destination", "transit")


@dataclass(frozen=True)
class UnknownPlace:
    """A place a route names that is not a known country: where it was and what it said."""

    route: str
    reporter: str | None
    column: str
    value: str
    suggestions: tuple[str, ...] = ()

    def message(self) -> str:
        """One sentence for a note or a log: the route, the column, the value, what to do.

        >>> UnknownPlace("RS-R17-09", "RS", "transit", "Atlantis").message()
        "Route RS-R17-09 (reported by RS) names 'Atlantis' as transit, which is not a known country: its legs to and from it are not drawn."
        """
        who = f" (reported by {self.reporter})" if self.reporter else ""
        hint = (f" (did you mean {' or '.join(self.suggestions[:2])}?)"
                if self.suggestions else "")
        return (f"Route {self.route}{who} names {self.value!r} as {self.column}, which is "
                f"not a known country{hint}: its legs to and from it are not drawn.")


@dataclass(frozen=True)
class RouteLegs:
    """The legs of a set of routes and the places on them.

    ``legs``: one row per (``origin``, ``destination``) leg: ``routes`` (how many routes
    report the leg: a route that passes twice counts once) and ``count`` (the sum of the
    routes' weights; equal to ``routes`` without weights), sorted by the two places.
    ``places``: one row per place on a drawn leg: ``origin``, ``transit``, ``destination``
    (how many routes name it in that role) and ``role`` (the one it has most often; a tie
    goes to origin, then destination). ``unknown``: the places no leg could be drawn to.
    ``n_routes``: how many routes were read.
    """

    legs: pd.DataFrame
    places: pd.DataFrame
    unknown: tuple[UnknownPlace, ...]
    n_routes: int


def split_places(value: object) -> list[str]:
    """The places of one cell: ``'RS;HU'`` → ``['RS', 'HU']`` (``,`` also separates);
    empty, None and NaN give ``[]``.

    >>> split_places("IR; TR,BG"), split_places(float("nan")), split_places(["AT", " "])
    (['IR', 'TR', 'BG'], [], ['AT'])
    """
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return []
    if isinstance(value, Iterable) and not isinstance(value, str):
        return [str(v).strip() for v in value if str(v).strip()]
    return [p.strip() for p in re.split(r"[;,]", str(value)) if p.strip()]


def _route_name(row: pd.Series, position: int) -> str:
    ref = row.get("route_ref")
    if isinstance(ref, str) and ref.strip():
        return ref.strip()
    return f"in row {position + 1}"


def _place(value: str, column: str, *, route: str, reporter: str | None, strict: bool,
           unknown: list[UnknownPlace]) -> str | None:
    """The alpha-2 code of a place, or None (noted in ``unknown``) if it is not a known
    country; ``strict``: a :class:`ReferenceDataError` naming the route instead."""
    try:
        return resolve_world_country(value)
    except ReferenceDataError as exc:
        if strict:
            raise ReferenceDataError(
                f"unknown country {value!r} in column {column!r} of route {route}",
                where="route_legs(): routes", suggestions=exc.suggestions) from None
        unknown.append(UnknownPlace(route, reporter, column, value,
                                    tuple(exc.suggestions or ())))
        return None


def route_legs(routes: pd.DataFrame, *, origin: str = "origin", transit: str = "transit",
               destination: str = "destination", count: str | None = None,
               strict: bool = False) -> RouteLegs:
    """Break routes into legs between consecutive places and count them.

    Each route's path is its origin, then its transit countries in order; the path fans
    out from its last place to each destination (and several origins, where a frame gives
    them, each lead to the first place after them). A leg from a place to itself is not a
    leg. Names or ISO codes are accepted; the result uses alpha-2 codes. ``count`` names a
    column of weights (default: each route counts 1).

    A place that is not a known country cuts the legs on either side of it (never joined
    around it: that leg was not reported) and is listed in :attr:`RouteLegs.unknown`;
    ``strict=True`` raises :class:`ReferenceDataError` naming the route instead.
    """
    function = "route_legs"
    if not isinstance(routes, pd.DataFrame):
        raise UsageError(f"{function}() takes a table (DataFrame) of routes, not "
                         f"{type(routes).__name__}")
    missing = [c for c in (origin, destination, count) if c and c not in routes.columns]
    if missing:
        raise UsageError(f"column {missing[0]!r} is missing", where=f"{function}()",
                         hint="columns: " + ", ".join(map(str, routes.columns)))
    has_transit = transit in routes.columns
    if count:
        weights = pd.to_numeric(routes[count], errors="coerce")
        if weights.isna().any() and routes[count].notna().any():
            bad = routes[count][weights.isna() & routes[count].notna()].iloc[0]
            raise UsageError(f"column {count!r} holds {bad!r}, not a number",
                             where=f"{function}()", hint="give each route a numeric weight")
    else:
        weights = pd.Series(1.0, index=routes.index)
    legs: dict[tuple[str, str], list[float]] = {}
    roles: dict[str, dict[str, int]] = {}
    unknown: list[UnknownPlace] = []
    for position, (i, row) in enumerate(routes.iterrows()):
        name = _route_name(row, position)
        reporter = row.get("country") if isinstance(row.get("country"), str) else None

        def resolve(column: str, value: str, name: str = name,
                    reporter: str | None = reporter) -> str | None:
            return _place(value, column, route=name, reporter=reporter, strict=strict,
                          unknown=unknown)

        starts = [resolve(origin, v) for v in split_places(row[origin])]
        stops = ([resolve(transit, v) for v in split_places(row[transit])]
                 if has_transit else [])
        ends = [resolve(destination, v) for v in split_places(row[destination])]
        pairs: list[tuple[str | None, str | None]] = []
        if stops:
            pairs += [(s, stops[0]) for s in starts]
            pairs += list(itertools.pairwise(stops))
            pairs += [(stops[-1], e) for e in ends]
        else:
            pairs += [(s, e) for s in starts for e in ends]
        drawn = [(a, b) for a, b in dict.fromkeys(pairs) if a and b and a != b]
        w = float(weights.loc[i]) if pd.notna(weights.loc[i]) else 0.0
        for a, b in drawn:
            leg = legs.setdefault((a, b), [0, 0.0])
            leg[0] += 1
            leg[1] += w
        on_legs = {p for pair in drawn for p in pair}
        for role, places in (("origin", starts), ("transit", stops), ("destination", ends)):
            for p in dict.fromkeys(p for p in places if p in on_legs):
                roles.setdefault(p, dict.fromkeys(ROLES, 0))[role] += 1
    leg_frame = pd.DataFrame([(a, b, n, c) for (a, b), (n, c) in sorted(legs.items())],
                             columns=["origin", "destination", "routes", "count"])
    leg_frame["routes"] = leg_frame["routes"].astype(int)
    leg_frame["count"] = leg_frame["count"].astype(float)
    place_rows = []
    for p, n in sorted(roles.items()):
        role = max(ROLES, key=lambda r, n=n: (n[r], -ROLES.index(r)))
        place_rows.append((p, n["origin"], n["transit"], n["destination"], role))
    places = pd.DataFrame(place_rows, columns=["place", "origin", "transit", "destination",
                                               "role"])
    for c in ("origin", "transit", "destination"):
        places[c] = places[c].astype(int)
    return RouteLegs(leg_frame, places, tuple(unknown), len(routes))


# ----------------------------------------------------------------------------- MO table

@dataclass(frozen=True)
class ModusOperandi:
    """What the routes say about how goods or people move.

    ``table``: one row per distinct modus-operandi text within a crime area (texts that
    differ only in spacing or case are one): ``crime_area``, ``commodity`` and
    ``transport_mode`` (the distinct values of the routes that give the text, '; '-joined;
    None where none says), ``modus_operandi`` (the text as first written), ``countries``
    (the reporting countries, a tuple of codes in alphabetical order), ``last_year`` (the
    latest year a route with the text was observed; None where none gives a year),
    ``routes`` (how many routes give it), ``route_refs`` and ``nd`` (a route not for
    dissemination gives it). Sorted by crime area, then the most reported first, then the
    latest. ``undescribed``: (reporting country, route reference) of the routes that give no
    text. The questionnaire has no concealment column: concealment, where reported, is
    part of the text.
    """

    table: pd.DataFrame
    undescribed: tuple[tuple[str, str], ...]


_COLUMNS = ["crime_area", "commodity", "transport_mode", "modus_operandi", "countries",
            "last_year", "routes", "route_refs", "nd"]


def _text(value: object) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    text = " ".join(str(value).split())
    return text or None


def _joined(values: Iterable[object]) -> str | None:
    seen = dict.fromkeys(t for t in (_text(v) for v in values) if t)
    return "; ".join(sorted(seen, key=str.casefold)) if seen else None


def modus_operandi(routes: pd.DataFrame) -> ModusOperandi:
    """The modus-operandi table of ``routes`` (store rows: ``crime_area``, ``commodity``,
    ``transport_mode``, ``modus_operandi``, ``country``, ``route_ref``, ``year``; ``nd``
    or ``not_for_dissemination`` where present). See :class:`ModusOperandi`.

    >>> routes = pd.DataFrame({
    ...     "crime_area": ["heroin"] * 3, "country": ["RS", "BG", "GR"],
    ...     "route_ref": ["RS-1", "BG-1", "GR-1"], "commodity": [None, "heroin", "heroin"],
    ...     "transport_mode": ["road", "road", "mixed"],
    ...     "modus_operandi": ["Hidden in  lorries.", "hidden in lorries.", None],
    ...     "year": [2016, 2017, None]})
    >>> mo = modus_operandi(routes)
    >>> mo.table[["commodity", "modus_operandi", "countries", "last_year", "routes"]].values.tolist()
    [['heroin', 'Hidden in lorries.', ('BG', 'RS'), 2017, 2]]
    >>> mo.undescribed
    (('GR', 'GR-1'),)
    """
    if not isinstance(routes, pd.DataFrame):
        raise UsageError("modus_operandi() takes a table (DataFrame) of routes, not "
                         f"{type(routes).__name__}")
    r = routes.reset_index(drop=True)
    need = [c for c in ("crime_area", "modus_operandi", "country") if c not in r.columns]
    if need:
        raise UsageError(f"column {need[0]!r} is missing", where="modus_operandi()",
                         hint="give the store's routes (ch.rows('routes'))")

    def column(name: str) -> pd.Series:
        return r[name] if name in r.columns else pd.Series([None] * len(r), dtype=object)

    if "nd" in r.columns:
        nd = r["nd"].astype("boolean").fillna(True).astype(bool)
    elif "not_for_dissemination" in r.columns:
        nd = r["not_for_dissemination"].astype("boolean").fillna(True).astype(bool)
    else:
        nd = pd.Series(False, index=r.index)
    years = pd.to_numeric(column("year"), errors="coerce")
    refs = [_text(v) or f"row {i + 1}" for i, v in enumerate(column("route_ref"))]
    groups: dict[tuple[str, str], list[int]] = {}
    undescribed = []
    for i, text in enumerate(r["modus_operandi"]):
        t = _text(text)
        if t is None:
            undescribed.append((str(r.at[i, "country"]), refs[i]))
            continue
        groups.setdefault((str(r.at[i, "crime_area"]), t.casefold()), []).append(i)
    rows = []
    for (area, _), idx in groups.items():
        last = years.iloc[idx].max()
        rows.append({
            "crime_area": area,
            "commodity": _joined(column("commodity").iloc[idx]),
            "transport_mode": _joined(column("transport_mode").iloc[idx]),
            "modus_operandi": _text(r.at[idx[0], "modus_operandi"]),
            "countries": tuple(sorted({str(r.at[i, "country"]) for i in idx})),
            "last_year": None if pd.isna(last) else int(last),
            "routes": len(idx),
            "route_refs": tuple(refs[i] for i in idx),
            "nd": bool(nd.iloc[idx].any()),
        })
    table = pd.DataFrame(rows, columns=_COLUMNS)
    table["last_year"] = pd.Series([r["last_year"] for r in rows], dtype=object)
    if len(table):
        table = table.assign(_y=[-1 if y is None else y for y in table["last_year"]]
                             ).sort_values(
            ["crime_area", "routes", "_y", "modus_operandi"],
            ascending=[True, False, False, True], kind="stable").drop(columns="_y")
    return ModusOperandi(table.reset_index(drop=True), tuple(undescribed))
