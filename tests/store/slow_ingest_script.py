"""Run ``octasee ingest`` with every source but the first made slow (for test_store_faults).

Usage: python slow_ingest_script.py WORKSPACE FILE...

The first file is read at once and stored; every other file takes a minute to read, in a
pool worker. After storing the first file the script prints ``stored`` on stderr, so that
a test can signal it (or kill it) while the ingest transaction is open and the workers
are busy. Monkeypatches are inherited by the forked workers.
"""

from __future__ import annotations

import sys
import time

import octasee.store as store_module
from octasee.cli import main

_first_label = None
_read = store_module.read_questionnaire
_ingest_one = store_module.Store._ingest_one


def slow_read(source, **kw):
    if source.label != _first_label:
        time.sleep(60)
    return _read(source, **kw)


def announce(self, source, checked):
    result = _ingest_one(self, source, checked)
    print("stored", source.label, file=sys.stderr, flush=True)
    return result


if __name__ == "__main__":
    workspace, *files = sys.argv[1:]
    from pathlib import Path

    _first_label = Path(files[0]).name
    store_module.read_questionnaire = slow_read
    store_module.Store._ingest_one = announce
    main(["ingest", *files, "--workspace", workspace, "--jobs", "2"])
