"""The content-hash cache of executed chapters.

A chapter is executed again only when something it depends on changed: its notebook's
content (cells' types, sources and tags), its parameters, the store's data
(:func:`store_fingerprint`), the workspace's config, or the library
(:func:`library_fingerprint`: version and a hash of octasee's own source and data
files). Failed executions are never cached.

>>> key = task_key(notebook="n1", parameters={"cycle": "2013-2017"}, store="s1",
...                library="l1", config="c1")
>>> key == task_key(notebook="n1", parameters={"cycle": "2013-2017"}, store="s1",
...                 library="l1", config="c1"), len(key)
(True, 64)
>>> key == task_key(notebook="n2", parameters={"cycle": "2013-2017"}, store="s1",
...                 library="l1", config="c1")
False
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from octasee._version import __version__
from octasee.report._io import write_text_atomic
from octasee.report.errors import ReportError
from octasee.store import Store

__all__ = ["Cache", "library_fingerprint", "notebook_digest", "store_fingerprint",
           "task_key"]

#: Bumped when the way chapters are executed changes what they produce.
EXECUTION_VERSION = "1"
_DATA_TABLES = ("indicators", "ocgs", "routes", "assessments", "quarantine", "problems")


def _sha(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def notebook_digest(nb: Mapping[str, Any]) -> str:
    """A hash of what a notebook computes: its cells' types, sources and tags, its kernel.

    Outputs, execution counts and other metadata (JupyterLab's scroll state …) do not
    count, so saving a notebook after a look at it does not invalidate the cache.
    """
    cells = []
    for c in nb.get("cells", []):
        src = c.get("source", "")
        cells.append([c.get("cell_type"), "".join(src) if isinstance(src, list) else src,
                      sorted(c.get("metadata", {}).get("tags", []))])
    kernel = nb.get("metadata", {}).get("kernelspec", {}).get("name")
    return _sha(json.dumps([cells, kernel], ensure_ascii=False))


def store_fingerprint(store_path: str | os.PathLike[str]) -> str:
    """A hash of the store's content, from queries (the store file's bytes change on
    every checkpoint, its content does not).

    Rows are only ever added with a new submission, and a submission's rows never
    change; so the submissions table (ids, statuses, file hashes) plus each data table's
    row count identifies the data.
    """
    path = Path(store_path)
    if not path.exists():
        raise ReportError("no store here yet", where=str(path),
                          hint="ingest questionnaires first: octasee ingest FILE...")
    # The readers' snapshot, as the chapters read it: never a lock on the store itself,
    # so a build can run while an ingest writes.
    store = Store(path, read_only=True)
    con = store.con
    try:
        h = hashlib.sha256()
        for row in con.execute("SELECT * FROM submissions ORDER BY submission_id").fetchall():
            h.update(repr(row).encode("utf-8"))
        for name in _DATA_TABLES:
            n = con.execute(f"SELECT count(*) FROM {name}").fetchone()
            h.update(f"{name}:{n[0] if n else 0}".encode())
        meta = con.execute("SELECT key, value FROM meta ORDER BY key").fetchall()
        h.update(repr(meta).encode("utf-8"))
    finally:
        store.close()
    return h.hexdigest()


@cache
def library_fingerprint() -> str:
    """octasee's version and a hash of its source and data files (not the report
    machinery, notebooks or templates, which are hashed on their own)."""
    root = Path(__file__).resolve().parent.parent  # the octasee package
    skip = {"report", "_notebooks", "_samples", "_report_templates", "__pycache__"}
    h = hashlib.sha256(f"{__version__}|{EXECUTION_VERSION}".encode())
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if p.is_file() and not (set(rel.parts) & skip) and p.suffix in (
                ".py", ".yaml", ".yml", ".csv", ".json", ".toml", ".geojson", ".txt"):
            h.update(rel.as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def task_key(*, notebook: str, parameters: Mapping[str, Any], store: str, library: str,
             config: str) -> str:
    """The cache key of one execution."""
    blob = json.dumps({"notebook": notebook, "parameters": parameters, "store": store,
                       "library": library, "config": config}, sort_keys=True, default=str,
                      ensure_ascii=False)
    return _sha(blob)


class Cache:
    """Executed notebooks by key, one ``<key>.ipynb`` file each, in ``folder``."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.ipynb"

    def get(self, key: str) -> str | None:
        """The executed notebook's JSON text, or None."""
        try:
            return self._path(key).read_text("utf-8")
        except OSError:
            return None

    def put(self, key: str, notebook_json: str) -> None:
        write_text_atomic(self._path(key), notebook_json)
