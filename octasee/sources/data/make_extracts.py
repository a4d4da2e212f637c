"""Regenerate the data extracts shipped in ``octasee/sources/data`` from the shared data folder.

The extracts are either byte-for-byte copies of the shared files or, for the monthly Frontex
file, the header plus every line whose ``route`` is one of the routes that run through South
East Europe, unchanged and in the original order, gzip-compressed without a timestamp so
that the output is reproducible. Standard library only, so it runs without octasee
installed::

    python octasee/sources/data/make_extracts.py /work/shared/data          # (re)write
    python octasee/sources/data/make_extracts.py /work/shared/data --check  # compare only

It prints the SHA-256 of every shipped file; copy them into ``PROVENANCE.md`` when a file
changes (a test compares the two).

>>> sorted(EXTRACTS)[:2]
['cpi/cpi_2012_2017.csv', 'frontex/frontex_ibc_monthly_see.csv.gz']
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "EXTRACTS",
    "FRONTEX_ROUTES",
    "Extract",
    "build",
    "filter_frontex_routes",
    "main",
    "make_extracts",
    "sha256",
]

HERE = Path(__file__).resolve().parent

#: The Frontex routes that run through the OCTA-SEE region (exact spelling of the file).
FRONTEX_ROUTES: tuple[str, ...] = (
    "Western Balkan Route",
    "Circular Route from Albania to Greece",
    "Eastern Mediterranean Route",
    "Eastern Borders Route",
    "Black Sea Route",
)


def _copy(data: bytes) -> bytes:
    return data


def filter_frontex_routes(data: bytes, routes: tuple[str, ...] = FRONTEX_ROUTES) -> bytes:
    """Keep the header and the lines whose first field (``route``) is one of ``routes``.

    Lines are kept byte-for-byte; nothing is re-formatted.

    >>> filter_frontex_routes(b"route,n\\nBlack Sea Route,1.0\\nOther,2.0\\n")
    b'route,n\\nBlack Sea Route,1.0\\n'
    """
    lines = data.decode("utf-8").splitlines(keepends=True)
    if not lines:
        raise ValueError("empty Frontex file")
    header = next(csv.reader([lines[0]]))
    if not header or header[0] != "route":
        raise ValueError(f"Frontex file: first column is {header[:1]}, expected 'route'")
    wanted = set(routes)
    kept = [line for line in lines[1:] if next(csv.reader([line]))[0] in wanted]
    return "".join([lines[0], *kept]).encode("utf-8")


def _gzip(data: bytes) -> bytes:
    # mtime=0 and no file name in the header: the same input gives the same bytes.
    return gzip.compress(data, compresslevel=9, mtime=0)


@dataclass(frozen=True)
class Extract:
    """One shipped file: where it comes from (relative to the shared folder) and how."""

    origin: str
    transform: Callable[[bytes], bytes]
    compress: bool = False

    def make(self, shared: Path) -> bytes:
        src = shared / self.origin
        if not src.is_file():
            raise FileNotFoundError(f"{src}: not found (is {shared} the shared data folder?)")
        data = self.transform(src.read_bytes())
        return _gzip(data) if self.compress else data


#: shipped path (relative to this folder) -> how it is made from the shared folder.
EXTRACTS: dict[str, Extract] = {
    "goc_index/global_oc_index_2021.csv": Extract("goc_index/global_oc_index_2021.csv", _copy),
    "goc_index/global_oc_index_2023.csv": Extract("goc_index/global_oc_index_2023.csv", _copy),
    "unodc/glotip_see.csv": Extract("unodc/glotip_see.csv", _copy),
    "cpi/cpi_2012_2017.csv": Extract("cpi/cpi_2012_2017.csv", _copy),
    "frontex/frontex_routes_annual.csv": Extract("frontex/frontex_routes_annual.csv", _copy),
    "frontex/frontex_ibc_monthly_see.csv.gz": Extract(
        "frontex/frontex_ibc_monthly.csv", filter_frontex_routes, compress=True),
}


def sha256(data: bytes) -> str:
    """Hex SHA-256 of ``data``.

    >>> sha256(b"")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(data).hexdigest()


def _content(name: str, data: bytes) -> bytes:
    return gzip.decompress(data) if name.endswith(".gz") else data


def build(shared: Path) -> dict[str, bytes]:
    """The bytes of every extract, made from the shared folder ``shared`` (nothing written)."""
    return {name: spec.make(Path(shared)) for name, spec in EXTRACTS.items()}


def make_extracts(shared: Path, *, dest: Path = HERE, check: bool = False) -> dict[str, str]:
    """Write (or with ``check=True`` only compare) the extracts; return name -> SHA-256.

    With ``check`` a :class:`ValueError` lists every file whose content differs from what
    the shared folder gives (gzip files are compared after decompression, so a different
    zlib build does not count as a change).
    """
    dest = Path(dest)
    out: dict[str, str] = {}
    stale: list[str] = []
    for name, data in build(Path(shared)).items():
        target = dest / name
        current = target.read_bytes() if target.is_file() else None
        same = current is not None and _content(name, current) == _content(name, data)
        if check:
            if not same:
                stale.append(name)
            out[name] = sha256(current) if current is not None else "missing"
            continue
        if not same:
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                target.unlink()  # shipped copies may be read-only
            target.write_bytes(data)
            current = data
        out[name] = sha256(current if current is not None else data)
    if stale:
        raise ValueError("extracts out of date: " + ", ".join(stale))
    return out


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("shared", type=Path, help="the shared data folder (with README.md)")
    parser.add_argument("--dest", type=Path, default=HERE, help="where to write (default: here)")
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 if stale")
    args = parser.parse_args(argv)
    try:
        hashes = make_extracts(args.shared, dest=args.dest, check=args.check)
    except (FileNotFoundError, ValueError) as exc:
        print(f"make_extracts: {exc}", file=sys.stderr)
        return 1
    for name, digest in hashes.items():
        size = (args.dest / name).stat().st_size
        print(f"{digest}  {size:>8}  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
