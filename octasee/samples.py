"""The bundled sample cycles: fictitious questionnaires for all 13 member countries.

They ship with the package (``octasee/_samples`` in an installed wheel) and sit in
``data/samples/`` in a checkout; :func:`samples_dir` finds either.

>>> [p.name for p in sample_files("2013-2017")][:3]
['AL.xlsx', 'BA.xlsx', 'BG.xlsx']
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from octasee.errors import UsageError

__all__ = ["ensure_samples", "sample_cycles", "sample_files", "samples_dir"]


def samples_dir() -> Path:
    """The folder holding one sub-folder of questionnaires per sample cycle."""
    packaged = Path(str(resources.files("octasee"))) / "_samples"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "data" / "samples"
    if checkout.is_dir():
        return checkout
    raise UsageError("the sample questionnaires are not installed",
                     hint="reinstall octasee from its source folder (pip install .)")


def sample_cycles() -> list[str]:
    """The cycles that have sample questionnaires, oldest first."""
    return sorted(p.name for p in samples_dir().iterdir()
                  if p.is_dir() and any(p.glob("*.xlsx")))


def sample_files(cycle: str) -> list[Path]:
    """The sample questionnaires of ``cycle``, one workbook per country, by ISO code."""
    folder = samples_dir() / cycle
    files = sorted(folder.glob("*.xlsx"))
    if not files:
        raise UsageError(f"no sample questionnaires for cycle {cycle!r}",
                         hint="sample cycles: " + ", ".join(sample_cycles()))
    return files


def ensure_samples(workspace: Any) -> bool:
    """Fill a sample workspace's store from the bundled samples if it is empty.

    Does nothing for any other workspace, and nothing once the store holds submissions
    (checked read-only first: a notebook open in JupyterLab may hold the store for
    reading). Returns whether it ingested.
    """
    from octasee.store import Store

    if not workspace.is_sample:
        return False
    if workspace.store_path.exists():
        with Store(workspace.store_path, read_only=True) as store:
            if int(store.query("SELECT count(*) FROM submissions").iat[0, 0]):
                return False
    with Store(workspace.store_path) as store:
        if int(store.query("SELECT count(*) FROM submissions").iat[0, 0]):
            return False
        for c in sample_cycles():
            store.ingest(sample_files(c), jobs=1)
    return True
