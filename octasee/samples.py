"""The bundled sample cycles: fictitious questionnaires for all 13 member countries.

They ship with the package (``octasee/_samples`` in an installed wheel) and sit in
``data/samples/`` in a checkout; :func:`samples_dir` finds either.

The sample workspace (the one every command and notebook uses when no workspace is
given, configured or found upward) lives in one place, never relative to the current
folder and never inside the installed package (:func:`sample_workspace_path`):
``<checkout>/build/sample-workspace`` when octasee runs from a source checkout (an
editable install), or when a plain install is used inside a clone of octasee (the
README's Quickstart, JupyterLab on the clone's ``notebooks/``); otherwise a per-user
folder, ``$XDG_DATA_HOME/octasee/sample-workspace`` (``~/.local/share/octasee/…``).

>>> [p.name for p in sample_files("2013-2017")][:3]
['AL.xlsx', 'BA.xlsx', 'BG.xlsx']
"""

from __future__ import annotations

import os
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from octasee.errors import UsageError
from octasee.store import Store

__all__ = [
    "SAMPLE_ANALYST_FILES",
    "SAMPLE_DIR",
    "checkout_root",
    "ensure_samples",
    "is_checkout",
    "sample_analyst_files",
    "sample_cycles",
    "sample_files",
    "sample_register",
    "sample_workspace_path",
    "samples_dir",
    "user_data_dir",
]

#: Where the sample workspace lives inside a checkout of octasee (not the current folder).
SAMPLE_DIR = Path("build") / "sample-workspace"


def is_checkout(folder: str | os.PathLike[str]) -> bool:
    """Whether ``folder`` is a source checkout of octasee: a ``pyproject.toml`` naming the
    project octasee, with the package (``octasee/``) and the chapters (``notebooks/``)."""
    folder = Path(folder)
    pyproject = folder / "pyproject.toml"
    if not (pyproject.is_file() and (folder / "octasee" / "__init__.py").is_file()
            and (folder / "notebooks").is_dir()):
        return False
    try:
        project = tomllib.loads(pyproject.read_text("utf-8")).get("project", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return isinstance(project, dict) and project.get("name") == "octasee"


def _package_checkout() -> Path | None:
    """The checkout this octasee is imported from (an editable install), else None."""
    root = Path(__file__).resolve().parent.parent
    return root if is_checkout(root) else None


def checkout_root() -> Path | None:
    """The source checkout of octasee in use: the one octasee runs from (an editable
    install), else the clone holding the current folder (a plain install used in a clone),
    else None."""
    root = _package_checkout()
    if root is not None:
        return root
    here = Path.cwd()
    for folder in (here, *here.parents):
        if is_checkout(folder):
            return folder
    return None


def user_data_dir() -> Path:
    """octasee's per-user data folder: ``$XDG_DATA_HOME/octasee``, else
    ``~/.local/share/octasee``."""
    base = os.environ.get("XDG_DATA_HOME", "")
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".local" / "share"
    return root / "octasee"


def sample_workspace_path() -> Path:
    """Where the sample workspace lives (see the module docstring); the same folder for the
    CLI, JupyterLab and papermill whatever their current folder."""
    root = checkout_root()
    return root / SAMPLE_DIR if root is not None else user_data_dir() / SAMPLE_DIR.name


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


def sample_register() -> Path:
    """The sample workspace's register of key judgements (``judgements.yaml``), written
    for the sample data as an analyst would write it."""
    return samples_dir() / "judgements.yaml"


#: The analysts' files of the sample workspace, written for the sample data as analysts
#: would write them: the register of key judgements, the executive summary's bottom line
#: (restricted, and its public wording), chapter 11's scenarios and priority settings,
#: and the translation memory (the English of the texts countries wrote in their own
#: language).
SAMPLE_ANALYST_FILES = ("judgements.yaml", "summary.md", "summary.public.md", "outlook.yaml",
                        "translations.yaml")


def sample_analyst_files() -> list[Path]:
    """The analysts' files the sample workspace starts with (:data:`SAMPLE_ANALYST_FILES`
    that the samples hold): :func:`octasee.workspace.sample_workspace` copies each one
    the workspace lacks, and never over an analyst's edit.

    >>> [p.name for p in sample_analyst_files()]
    ['judgements.yaml', 'summary.md', 'summary.public.md', 'outlook.yaml', 'translations.yaml']
    """
    base = samples_dir()
    return [base / name for name in SAMPLE_ANALYST_FILES if (base / name).is_file()]


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
