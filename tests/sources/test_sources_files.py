"""Shipped files, provenance note, reproducible extracts, registry and error messages."""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

import octasee.sources as sources
from octasee.errors import SourceError, UsageError
from octasee.sources import _files, available, info, load
from octasee.sources.cpi import load_cpi
from octasee.sources.frontex import load_frontex_monthly

README_CITATIONS = {
    "gitoc": "Global Organized Crime Index 2021 / 2023, Global Initiative Against "
             "Transnational Organized Crime",
    "glotip": "UNODC, Global Report on Trafficking in Persons data",
    "frontex": "Frontex, detections of illegal border crossings",
    "cpi": "Transparency International, Corruption Perceptions Index",
}
OPTIONS = {"gitoc": {"edition": 2021}, "gitoc_wide": {"edition": 2023}}


def _load_script(data_dir: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_extracts", data_dir / "make_extracts.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up while it executes
    spec.loader.exec_module(mod)
    return mod


def _provenance_table(data_dir: Path) -> dict[str, tuple[int, str]]:
    text = (data_dir / "PROVENANCE.md").read_text(encoding="utf-8")
    found = re.findall(r"^\| `([^`]+)` \| ([\d,]+) \| `([0-9a-f]{64})` \|$", text, re.MULTILINE)
    return {name: (int(size.replace(",", "")), digest) for name, size, digest in found}


def test_provenance_lists_every_shipped_file_with_its_checksum(data_dir: Path) -> None:
    table = _provenance_table(data_dir)
    shipped = {p.relative_to(data_dir).as_posix() for p in data_dir.rglob("*")
               if p.is_file() and p.suffix in (".csv", ".gz")}
    assert set(table) == shipped
    script = _load_script(data_dir)
    assert set(script.EXTRACTS) == shipped
    for name, (size, digest) in table.items():
        data = (data_dir / name).read_bytes()
        assert len(data) == size, name
        assert hashlib.sha256(data).hexdigest() == digest, name


def test_shipped_data_is_small(data_dir: Path) -> None:
    total = sum(p.stat().st_size for p in data_dir.rglob("*") if p.suffix in (".csv", ".gz"))
    assert total < 1_000_000
    assert (data_dir / "frontex/frontex_ibc_monthly_see.csv.gz").stat().st_size < 1_000_000


def test_extracts_are_reproducible(tmp_path: Path, data_dir: Path) -> None:
    """Rebuild every extract from a stand-in shared folder made of the shipped copies."""
    script = _load_script(data_dir)
    shared = tmp_path / "shared"
    for name, spec in script.EXTRACTS.items():
        src = data_dir / name
        dst = shared / spec.origin
        dst.parent.mkdir(parents=True, exist_ok=True)
        if name.endswith(".gz"):
            # The full monthly file has more routes; add one so that the filter has work.
            body = gzip.decompress(src.read_bytes())
            extra = b"Central Mediterranean Route,Sea,BGD,41.0,2009-01-01\n"
            dst.write_bytes(body + extra)
        else:
            shutil.copyfile(src, dst)
    out = tmp_path / "out"
    hashes = script.make_extracts(shared, dest=out)
    for name in script.EXTRACTS:
        rebuilt = (out / name).read_bytes()
        shipped = (data_dir / name).read_bytes()
        if name.endswith(".gz"):
            assert gzip.decompress(rebuilt) == gzip.decompress(shipped)
        else:
            assert rebuilt == shipped
            assert hashes[name] == hashlib.sha256(shipped).hexdigest()
    assert script.make_extracts(shared, dest=out, check=True)
    (out / "cpi/cpi_2012_2017.csv").write_text("changed\n")
    with pytest.raises(ValueError, match=r"cpi/cpi_2012_2017\.csv"):
        script.make_extracts(shared, dest=out, check=True)


def test_missing_shipped_file_names_it_and_says_what_to_do(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(_files, "_data_root", lambda: tmp_path)
    with pytest.raises(SourceError) as err:
        _files.data_file("cpi/cpi_2012_2017.csv")
    msg = str(err.value)
    assert "cpi/cpi_2012_2017.csv" in msg
    assert "make_extracts.py" in msg and "reinstall" in msg
    # through a loader's uncached path as well
    from octasee.sources import cpi
    with pytest.raises(SourceError, match=r"cpi_2012_2017\.csv"):
        cpi._load_uncached(None)


def test_missing_user_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as err:
        load_cpi(path=tmp_path / "nowhere.csv")
    msg = str(err.value)
    assert "nowhere.csv" in msg and "omit path=" in msg


def test_changed_layout_names_the_missing_columns(tmp_path: Path) -> None:
    path = tmp_path / "frontex.csv"
    path.write_text("route,type,nationality,n,date\nBlack Sea Route,Sea,TUR,1.0,2013-09-01\n")
    with pytest.raises(SourceError, match=r"column\(s\) 'nat' not found"):
        load_frontex_monthly(path=path)
    binary = tmp_path / "book.csv"
    binary.write_bytes(b"PK\x03\x04\xff\xfe\x00\x00")
    with pytest.raises(SourceError, match="cannot read"):
        load_cpi(path=binary)


def test_registry() -> None:
    assert available() == ("cpi", "frontex_annual", "frontex_monthly", "gitoc", "gitoc_wide",
                           "glotip", "glotip_victims")
    with pytest.raises(UsageError, match="did you mean 'glotip'"):
        load("glotp")
    for name in available():
        df = load(name, **OPTIONS.get(name, {}))
        assert isinstance(df, pd.DataFrame) and len(df) > 0
        assert list(df.columns[-4:]) == list(sources.PROVENANCE_COLUMNS)
        source = str(df["source"].iloc[0])
        assert df.attrs["citation"] == README_CITATIONS[source] == info(name).citation
        assert set(df["citation"].astype(str)) == {README_CITATIONS[source]}
        assert df["source_row"].min() >= 2
        assert set(df["source_file"].astype(str)) <= set(info(name).files)
        if "country" in df.columns:
            assert df["country"].str.fullmatch(r"[A-Z]{2}").all()


def test_loaders_read_through_importlib_resources() -> None:
    res = _files.data_file("frontex/frontex_routes_annual.csv")
    assert res.read_bytes().startswith(b"year,")
