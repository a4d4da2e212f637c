"""The bundled boundaries: 13 members, valid polygons in the region, checksums as recorded."""

from __future__ import annotations

import hashlib
import importlib.util
import itertools
import re
from importlib import resources
from pathlib import Path

import pytest

from octasee.charts import boundaries, country_points
from octasee.reference import MEMBER_CODES

DATA = Path(str(resources.files("octasee.charts") / "data"))
REGION = (12.0, 34.0, 46.0, 49.5)  # lon_min, lat_min, lon_max, lat_max of the 13 members
SCRIPT = DATA / "make_boundaries.py"


def _rings(feature):
    g = feature["geometry"]
    assert g["type"] in ("Polygon", "MultiPolygon")
    polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
    for poly in polys:
        yield from ((i == 0, ring) for i, ring in enumerate(poly))


def _area(ring):
    return 0.5 * sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring))


def _load_script():
    spec = importlib.util.spec_from_file_location("make_boundaries", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_members_present_with_valid_polygons_inside_the_region():
    geo = boundaries()
    by_code = {f["properties"]["iso2"]: f for f in geo["features"]}
    assert set(MEMBER_CODES) <= set(by_code)
    assert {"AT", "IT", "SK", "UA", "CY", "XK", "SY", "IQ", "IR"} <= set(by_code)
    assert len(by_code) == len(geo["features"])  # one feature a country
    for code in MEMBER_CODES:
        f = by_code[code]
        assert f["properties"]["member"] is True
        for exterior, ring in _rings(f):
            assert len(ring) >= 4 and ring[0] == ring[-1]
            # RFC 7946: exterior counter-clockwise, holes clockwise
            assert (_area(ring) > 0) == exterior
            for lon, lat in ring:
                assert REGION[0] <= lon <= REGION[2] and REGION[1] <= lat <= REGION[3], code
    for f in geo["features"]:
        if not f["properties"]["member"]:
            assert not any(f["properties"]["iso2"] == m for m in MEMBER_CODES)


def test_plotly_winding_is_reversed():
    std = boundaries()["features"][0]
    rev = boundaries(winding="plotly")["features"][0]
    (_, r1), (_, r2) = next(_rings(std)), next(_rings(rev))
    assert r1 == r2[::-1] and _area(r1) > 0 > _area(r2)


def test_label_points_fall_inside_their_country():
    pts = country_points()
    assert {"AF", "DE", "XK", "RS"} <= set(pts)
    lon, lat = pts["HR"]  # Croatia's widest spot, not its (Bosnian) centroid
    assert 15 < lon < 19.5 and 44.5 < lat < 46.5


def test_files_match_provenance_checksums_and_stay_small():
    text = (DATA / "PROVENANCE.md").read_text(encoding="utf-8")
    assert "public domain" in text and "world-atlas" in text and "2.0.2" in text
    rows = dict(re.findall(r"\| `([\w.]+)` \| \d+ \| `([0-9a-f]{64})` \|", text))
    assert set(rows) == {"see_boundaries.geojson", "country_points.csv"}
    for name, digest in rows.items():
        assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == digest, name
    assert (DATA / "see_boundaries.geojson").stat().st_size < 500_000


def test_topojson_decoding_undoes_delta_and_quantisation():
    mb = _load_script()
    topo = {"transform": {"scale": [0.5, 2.0], "translate": [10.0, 40.0]},
            "arcs": [[[0, 0], [2, 0], [0, 1]], [[2, 1], [-2, 0], [0, -1]]]}
    arcs = mb.decode_arcs(topo)
    assert arcs[0].tolist() == [[10.0, 40.0], [11.0, 40.0], [11.0, 42.0]]
    ring = mb.ring(arcs, [0, 1])
    assert ring.tolist() == [[10.0, 40.0], [11.0, 40.0], [11.0, 42.0], [10.0, 42.0],
                             [10.0, 40.0]]
    assert mb.ring(arcs, [~1, ~0])[0].tolist() == [10.0, 40.0]  # reversed arcs


def test_clipping_keeps_the_part_inside_the_box():
    mb = _load_script()
    import numpy as np

    square = np.array([[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], dtype=float)
    clipped = mb.clip_ring(square, (5, -5, 20, 5))
    assert abs(abs(mb.signed_area(clipped)) - 25) < 1e-9
    assert mb.clip_ring(square, (20, 20, 30, 30)) is None


@pytest.mark.slow
@pytest.mark.skipif(not Path("/tmp/charts-work/package/countries-50m.json").exists(),
                    reason="the unpacked world-atlas package is not at /tmp/charts-work")
def test_regenerating_gives_the_same_files(tmp_path, monkeypatch):
    mb = _load_script()
    monkeypatch.setattr(mb, "HERE", tmp_path)
    mb.build(Path("/tmp/charts-work/package"))
    for name in ("see_boundaries.geojson", "country_points.csv"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name
