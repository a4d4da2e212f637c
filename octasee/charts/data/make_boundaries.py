"""Regenerate the bundled boundaries from the npm package ``world-atlas`` (Natural Earth 1:50m).

Usage (from the repository root)::

    cd /tmp/charts-work && npm pack world-atlas && tar xzf world-atlas-*.tgz
    python octasee/charts/data/make_boundaries.py /tmp/charts-work/package

Writes, beside this script:

- ``see_boundaries.geojson``: the 13 SELEC members (whole) and every other country that
  reaches into the map's frame (clipped to :data:`CLIP_BOX`), RFC 7946 winding
  (exterior rings counter-clockwise), one feature per country with ``properties.iso2``;
- ``country_points.csv``: a label point (inside the country, far from its borders) for every
  country of the world, so that routes can start or end at countries off the map;
- ``PROVENANCE.md``: where the data came from, what was extracted, SHA-256 of every file.

The TopoJSON is decoded here (quantised, delta-encoded arcs) so that regenerating needs
nothing but Python, numpy and pycountry. The output is deterministic.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import sys
from pathlib import Path

import numpy as np
import pycountry

HERE = Path(__file__).resolve().parent
SOURCE_FILE = "countries-50m.json"

MEMBERS = ("AL", "BA", "BG", "HR", "GR", "HU", "MD", "ME", "MK", "RO", "RS", "SI", "TR")
# lon_min, lat_min, lon_max, lat_max: covers the map frame that octasee.charts.maps draws
# (the members' extent plus a margin, in a Lambert azimuthal equal-area projection centred
# on lon 21, lat 43), so that neighbours fill the frame to its edges.
CLIP_BOX = (11.0, 31.0, 50.5, 50.0)
# Natural Earth features without an ISO 3166 numeric code: merged into the country that
# ISO 3166 (and the UN) recognise, or given the code in common use (Kosovo).
NO_NUMERIC = {"Kosovo": "XK", "N. Cyprus": "CY", "Somaliland": "SO"}
DECIMALS = 3  # about 100 m: finer than the 1:50m source's quantisation step in longitude


def decode_arcs(topology: dict) -> list[np.ndarray]:
    """Absolute lon/lat of every arc: undo the delta encoding, then the quantisation."""
    scale = np.asarray(topology["transform"]["scale"], dtype=float)
    translate = np.asarray(topology["transform"]["translate"], dtype=float)
    return [np.cumsum(np.asarray(arc, dtype=float), axis=0) * scale + translate
            for arc in topology["arcs"]]


def ring(arcs: list[np.ndarray], indices: list[int]) -> np.ndarray:
    """Join arcs into one ring; a negative index ``~i`` means arc ``i`` reversed."""
    parts = []
    for k, i in enumerate(indices):
        pts = arcs[i] if i >= 0 else arcs[~i][::-1]
        parts.append(pts if k == 0 else pts[1:])  # each arc starts where the last ended
    return np.concatenate(parts)


def polygons(geometry: dict, arcs: list[np.ndarray]) -> list[list[np.ndarray]]:
    if geometry["type"] == "Polygon":
        return [[ring(arcs, r) for r in geometry["arcs"]]]
    if geometry["type"] == "MultiPolygon":
        return [[ring(arcs, r) for r in p] for p in geometry["arcs"]]
    return []


def signed_area(r: np.ndarray) -> float:
    x, y = r[:, 0], r[:, 1]
    return 0.5 * float(np.sum(x[:-1] * y[1:] - x[1:] * y[:-1]))


def clip_ring(r: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray | None:
    """Sutherland-Hodgman clipping of a closed ring to a rectangle."""
    x0, y0, x1, y1 = box
    (lo_x, lo_y), (hi_x, hi_y) = r.min(axis=0), r.max(axis=0)
    if hi_x < x0 or lo_x > x1 or hi_y < y0 or lo_y > y1:
        return None
    if x0 <= lo_x and hi_x <= x1 and y0 <= lo_y and hi_y <= y1:
        return r
    pts = [tuple(p) for p in r[:-1]]
    edges = [(0, x0, True), (0, x1, False), (1, y0, True), (1, y1, False)]
    for axis, bound, keep_above in edges:
        if not pts:
            return None

        def inside(p, axis=axis, bound=bound, keep_above=keep_above):
            return p[axis] >= bound if keep_above else p[axis] <= bound

        def cut(p, q, axis=axis, bound=bound):
            t = (bound - p[axis]) / (q[axis] - p[axis])
            return (p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1]))

        out = []
        prev = pts[-1]
        for cur in pts:
            if inside(cur):
                if not inside(prev):
                    out.append(cut(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(cut(prev, cur))
            prev = cur
        pts = out
    if len(pts) < 3:
        return None
    arr = np.asarray([*pts, pts[0]], dtype=float)
    return arr if abs(signed_area(arr)) > 1e-6 else None


def tidy(r: np.ndarray, *, exterior: bool) -> list[list[float]] | None:
    """Round, drop repeated points, close, and wind as RFC 7946 asks."""
    r = np.round(r, DECIMALS)
    keep = np.ones(len(r), dtype=bool)
    keep[1:] = np.any(r[1:] != r[:-1], axis=1)
    r = r[keep]
    if not np.array_equal(r[0], r[-1]):
        r = np.vstack([r, r[:1]])
    if len(r) < 4 or abs(signed_area(r)) < 1e-6:
        return None
    if (signed_area(r) > 0) != exterior:  # exterior counter-clockwise, holes clockwise
        r = r[::-1]
    return [[round(float(x), DECIMALS), round(float(y), DECIMALS)] for x, y in r]


def label_point(polygon: list[np.ndarray]) -> tuple[float, float]:
    """A point inside the polygon far from its edges (a grid search for the widest spot)."""
    lat0 = float(np.mean(polygon[0][:, 1]))
    k = np.cos(np.radians(lat0))
    # A label point needs no fine detail: at most 200 vertices a ring keeps this fast.
    rings = [np.column_stack([r[:, 0] * k, r[:, 1]])[:: max(1, len(r) // 200)]
             for r in polygon]
    rings = [np.vstack([r, r[:1]]) if not np.array_equal(r[0], r[-1]) else r for r in rings]
    a = np.vstack([r[:-1] for r in rings])
    b = np.vstack([r[1:] for r in rings])

    def inside(p: np.ndarray) -> np.ndarray:
        x, y = p[:, :1], p[:, 1:]
        ax, ay, bx, by = a[:, 0], a[:, 1], b[:, 0], b[:, 1]
        crosses = (ay > y) != (by > y)
        with np.errstate(divide="ignore", invalid="ignore"):
            xint = ax + (y - ay) * (bx - ax) / (by - ay)
        return np.sum(crosses & (x < xint), axis=1) % 2 == 1

    def clearance(p: np.ndarray) -> np.ndarray:
        d = b - a
        length2 = np.maximum(np.sum(d * d, axis=1), 1e-18)
        t = np.clip(((p[:, None, :] - a) * d).sum(axis=2) / length2, 0, 1)
        near = a + t[..., None] * d
        return np.sqrt(((p[:, None, :] - near) ** 2).sum(axis=2)).min(axis=1)

    lo, hi = rings[0].min(axis=0), rings[0].max(axis=0)
    best, best_d = (lo + hi) / 2, -1.0
    for _ in range(4):  # a coarse grid, then finer grids around the best point so far
        gx, gy = np.meshgrid(np.linspace(lo[0], hi[0], 21), np.linspace(lo[1], hi[1], 21))
        p = np.column_stack([gx.ravel(), gy.ravel()])
        p = p[inside(p)]
        if len(p):
            d = clearance(p)
            i = int(np.argmax(d))
            if d[i] > best_d:
                best, best_d = p[i], float(d[i])
        half = (hi - lo) / 5
        lo, hi = best - half, best + half
    return round(float(best[0] / k), 3), round(float(best[1]), 3)


def iso2_of(geometry: dict) -> str | None:
    name = geometry.get("properties", {}).get("name", "")
    if geometry.get("id") is None:
        return NO_NUMERIC.get(name)
    rec = pycountry.countries.get(numeric=str(geometry["id"]).zfill(3))
    return rec.alpha_2 if rec else None


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(package: Path) -> dict[str, Path]:
    meta = json.loads((package / "package.json").read_text(encoding="utf-8"))
    source = package / SOURCE_FILE
    topology = json.loads(source.read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)

    shapes: dict[str, list[list[np.ndarray]]] = {}
    names: dict[str, str] = {}
    sources: dict[str, list[str]] = {}
    skipped: list[str] = []
    for g in topology["objects"]["countries"]["geometries"]:
        code = iso2_of(g)
        ne_name = g.get("properties", {}).get("name", "")
        if code is None:
            skipped.append(ne_name)
            continue
        sources.setdefault(code, []).append(ne_name)
        shapes.setdefault(code, []).extend(polygons(g, arcs))
        if g.get("id") is not None or code not in names:
            names[code] = ne_name

    merged = [f"{' + '.join(sorted(v))} → {k}" for k, v in sorted(sources.items()) if len(v) > 1]
    points = []
    for code in sorted(shapes):
        largest = max(shapes[code], key=lambda p: abs(signed_area(p[0])))
        lon, lat = label_point(largest)
        points.append((code, names[code], lon, lat))

    features = []
    for code in sorted(shapes):
        member = code in MEMBERS
        out_polys = []
        for poly in shapes[code]:
            rings = poly if member else [clip_ring(r, CLIP_BOX) for r in poly]
            if rings[0] is None:
                continue
            ext = tidy(rings[0], exterior=True)
            if ext is None:
                continue
            holes = [h for h in (tidy(r, exterior=False) for r in rings[1:] if r is not None)
                     if h is not None]
            out_polys.append([ext, *holes])
        if not out_polys:
            continue
        lon, lat = next((p[2], p[3]) for p in points if p[0] == code)
        features.append({
            "type": "Feature",
            "properties": {"iso2": code, "name": names[code], "member": member,
                           "label_lon": lon, "label_lat": lat},
            "geometry": ({"type": "Polygon", "coordinates": out_polys[0]}
                         if len(out_polys) == 1 else
                         {"type": "MultiPolygon", "coordinates": out_polys}),
        })
    missing = sorted(set(MEMBERS) - {f["properties"]["iso2"] for f in features})
    if missing:
        raise SystemExit(f"members missing from {source}: {missing}")

    geo = HERE / "see_boundaries.geojson"
    lines = ['{"type": "FeatureCollection", "features": [']
    lines += [json.dumps(f, separators=(",", ":"), ensure_ascii=False)
              + ("," if i < len(features) - 1 else "") for i, f in enumerate(features)]
    lines.append("]}")
    geo.write_text("\n".join(lines) + "\n", encoding="utf-8")

    pts = HERE / "country_points.csv"
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["iso2", "name", "lon", "lat"])
    w.writerows(points)
    pts.write_text(buf.getvalue(), encoding="utf-8")

    neighbours = [f["properties"]["iso2"] for f in features if not f["properties"]["member"]]
    licence = (package / "LICENSE").read_text(encoding="utf-8").strip().splitlines()[0]
    prov = HERE / "PROVENANCE.md"
    prov.write_text(f"""# Provenance of the bundled boundaries

| | |
|---|---|
| source package | npm `{meta["name"]}` {meta["version"]} (`npm pack {meta["name"]}@{meta["version"]}`) |
| source file | `{SOURCE_FILE}` (TopoJSON, Natural Earth 4.1.0 Admin 0 countries, 1:50m) |
| source SHA-256 | `{sha256(source)}` |
| data licence | Natural Earth is in the **public domain** ("No permission is needed to use Natural Earth", naturalearthdata.com/about/terms-of-use) |
| packaging licence | world-atlas's build scripts: ISC ({licence}) |
| regenerate | `python octasee/charts/data/make_boundaries.py PATH/TO/UNPACKED/package` |

## What was extracted

- The 13 SELEC members, whole: {", ".join(MEMBERS)}.
- Every other country that reaches into the box lon {CLIP_BOX[0]}..{CLIP_BOX[2]},
  lat {CLIP_BOX[1]}..{CLIP_BOX[3]} (the map frame), clipped to that box, drawn grey for
  context: {", ".join(neighbours)}.
- Natural Earth ids are ISO 3166-1 numeric codes, mapped to alpha-2 with `pycountry`.
  Features without one: Kosovo → `XK`; others are merged into the ISO country
  ({"; ".join(merged) or "none"}) or not used ({", ".join(sorted(skipped)) or "none"}).
- Coordinates rounded to {DECIMALS} decimals (about 100 m); rings wound as RFC 7946 asks
  (exterior counter-clockwise). plotly.js's own geo traces want the opposite winding:
  `octasee.charts.maps.boundaries(winding="plotly")` reverses the rings.
- `country_points.csv`: a label point inside every country of the world (the widest spot of
  its largest polygon), used for labels and for routes that start or end off the map.

## Files

| file | bytes | SHA-256 |
|---|---|---|
| `see_boundaries.geojson` | {geo.stat().st_size} | `{sha256(geo)}` |
| `country_points.csv` | {pts.stat().st_size} | `{sha256(pts)}` |
""", encoding="utf-8")
    return {"geojson": geo, "points": pts, "provenance": prov}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", type=Path, help="the unpacked npm package (has package.json)")
    args = parser.parse_args(argv)
    if not (args.package / SOURCE_FILE).is_file():
        parser.error(f"{args.package / SOURCE_FILE} not found; run `npm pack world-atlas` "
                     "and unpack it first")
    for kind, path in build(args.package).items():
        print(f"{kind}: {path} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
