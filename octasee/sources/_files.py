"""Finding and reading the data files of the public sources, and stamping their provenance.

Every adapter reads its file through :func:`read_csv`, which

* finds the extract shipped in ``octasee/sources/data`` with :mod:`importlib.resources`
  (so it works from a wheel as well as from a checkout), or reads a caller's own copy;
* raises :class:`~octasee.errors.SourceError` naming the file and what to do when the file
  is missing or its header lacks a column the adapter needs;
* reads every cell as text (nothing is parsed behind the adapter's back) and records
  each row's position in the file (``source_row``: the header is row 1, so the first data
  row is row 2; none of the shipped files has a line break inside a cell, so this is also
  the line number).

:func:`with_provenance` appends the provenance columns every tidy table ends with:
``source``, ``source_file``, ``source_row`` and ``citation``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import numpy as np
import pandas as pd

from octasee.errors import SourceError

__all__ = [
    "PROVENANCE_COLUMNS",
    "data_file",
    "read_csv",
    "with_provenance",
]

PROVENANCE_COLUMNS: tuple[str, ...] = ("source", "source_file", "source_row", "citation")

_REGENERATE = ("reinstall octasee, or regenerate the extracts with "
               "`python octasee/sources/data/make_extracts.py SHARED_DATA_FOLDER` "
               "(see octasee/sources/data/PROVENANCE.md)")


def _data_root() -> Traversable:
    return resources.files("octasee.sources") / "data"


def data_file(relpath: str) -> Traversable:
    """The shipped extract ``relpath`` (e.g. ``"cpi/cpi_2012_2017.csv"``); it must exist.

    >>> data_file("cpi/cpi_2012_2017.csv").name
    'cpi_2012_2017.csv'
    """
    res = _data_root()
    for part in relpath.split("/"):
        res = res / part
    if not res.is_file():
        raise SourceError(f"data file {relpath!r} is missing",
                          where=f"octasee/sources/data/{relpath}", hint=_REGENERATE)
    return res


def read_csv(relpath: str, *, path: str | os.PathLike[str] | None = None,
             required: Iterable[str] = ()) -> tuple[pd.DataFrame, str]:
    """Read a source CSV as text; return the table (with ``source_row``) and its label.

    ``path=None`` reads the shipped extract ``relpath``; otherwise ``path`` (a newer
    download, the full shared file …), which must have the same layout. The label is
    ``relpath`` for the shipped extract and the path as given otherwise; adapters store
    it in ``source_file``.
    """
    if path is None:
        res = data_file(relpath)
        label = relpath
        opener = res.open
    else:
        p = Path(path)
        label = str(path)
        if not p.is_file():
            raise SourceError(f"data file {p.name!r} not found", where=str(p),
                              hint=f"check the path, or omit path= to read the extract "
                                   f"shipped with octasee ({relpath})")
        opener = p.open
    compression = "gzip" if label.endswith(".gz") else None
    try:
        with opener("rb") as fh:
            df = pd.read_csv(fh, dtype=str, keep_default_na=False, na_filter=False,
                             compression=compression, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, OSError, EOFError) as exc:
        raise SourceError(f"cannot read {label!r} as a UTF-8 CSV file ({exc})", where=label,
                          hint="check that the file is the published CSV, not a workbook "
                               "or a truncated download") from exc
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise SourceError(
            f"column(s) {', '.join(map(repr, missing))} not found; the file's header has "
            f"{', '.join(map(repr, df.columns))}",
            where=label, hint="the layout has changed: update the adapter or use the "
                              "extract shipped with octasee")
    df["source_row"] = pd.RangeIndex(2, len(df) + 2, dtype="int64")
    return df, label


def with_provenance(df: pd.DataFrame, *, source: str, source_file: str,
                    citation: str) -> pd.DataFrame:
    """Append ``source``, ``source_file`` and ``citation`` (categoricals) beside ``source_row``.

    ``source_row`` must already be a column; the four provenance columns end the table.
    The citation is also stored in ``df.attrs`` (``source`` and ``citation`` keys).
    """
    codes = np.zeros(len(df), dtype="int8")
    out = df.drop(columns=list(PROVENANCE_COLUMNS), errors="ignore").copy()
    out["source"] = pd.Categorical.from_codes(codes, categories=[source])
    out["source_file"] = pd.Categorical.from_codes(codes, categories=[source_file])
    out["source_row"] = df["source_row"].to_numpy(dtype="int64")
    out["citation"] = pd.Categorical.from_codes(codes, categories=[citation])
    out = out.reset_index(drop=True)
    out.attrs.update({"source": source, "source_file": source_file, "citation": citation})
    return out
