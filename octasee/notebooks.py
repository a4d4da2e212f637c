"""The chapter list: which notebooks make the report, in which order, with which parameters.

Below the workspace (which owns its chapters: :meth:`Workspace.chapters`) and the report
(which builds them); :mod:`octasee.report.chapters` names the same functions.

A chapter is a notebook named ``NN_slug.ipynb`` (chapter NN; ``00`` is unnumbered front
matter) or ``X_slug.ipynb`` (annex X) whose cell tagged ``parameters`` declares at least
``cycle, workspace, countries, variant, output_dir``. A notebook that declares ``country``
is run once per member country, one numbered section each (the country profiles).
The real chapters live in the top-level ``notebooks/`` folder of a checkout and ship in
the wheel as ``octasee/_notebooks``; :func:`notebooks_dir` finds either.

>>> import json, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> cell = {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "outputs": [],
...         "execution_count": None, "source": "cycle = '2013-2017'\\ncountry = 'AL'\\n"}
>>> head = {"cell_type": "markdown", "metadata": {}, "source": "# Country profile"}
>>> nb = {"cells": [head, cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
>>> _ = (folder / "A_profile.ipynb").write_text(json.dumps(nb))
>>> [(c.slug, c.number, c.title, c.per_country) for c in default_chapters(folder)]
[('A_profile', 'A', 'Country profile', True)]
>>> notebook_parameters(folder / "A_profile.ipynb")
{'cycle': '2013-2017', 'country': 'AL'}
"""

from __future__ import annotations

import ast
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from octasee.errors import ReportError

__all__ = [
    "STANDARD_PARAMETERS",
    "Chapter",
    "chapter_from_notebook",
    "default_chapters",
    "notebook_parameters",
    "notebooks_dir",
]

#: The parameters every chapter declares; the build fills them in.
STANDARD_PARAMETERS: tuple[str, ...] = ("cycle", "workspace", "countries", "variant",
                                        "output_dir")
_NAME = re.compile(r"^(\d+|[A-Z])[_-](.+)$")
_TITLE_NUMBER = re.compile(r"^(?:\d+(?:\.\d+)*\.?|Annex\s+[A-Z]\.?|[A-Z]\.)\s+")


@dataclass(frozen=True)
class Chapter:
    """One chapter notebook of the report.

    ``slug`` names the chapter in file names, the manifest and messages; ``title`` is the
    heading the report numbers; ``per_country`` runs the notebook once per member country
    (with a ``country`` parameter), one numbered section each; ``parameters`` are extra
    values passed to the notebook on top of the standard ones. ``number`` is what the
    report calls it: ``"4"`` (chapter 4), ``"A"`` (annex A), ``""`` (unnumbered front
    matter) or None to number in list order (chapters 1, 2 …; per-country ones as annexes).
    ``variants``: the editions the chapter is part of (a notebook's metadata
    ``{"octasee": {"variants": ["restricted"]}}`` keeps an editors' annex out of the
    public edition).
    """

    slug: str
    title: str
    notebook: Path
    per_country: bool = False
    parameters: Mapping[str, Any] = field(default_factory=dict)
    number: str | None = None
    variants: tuple[str, ...] = ("restricted", "public")

    def __post_init__(self) -> None:
        object.__setattr__(self, "notebook", Path(self.notebook))
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", self.slug):
            raise ReportError(f"chapter slug {self.slug!r} is not usable in file names",
                              where=str(self.notebook),
                              hint="use letters, digits, '_', '-' and '.' only")


def notebooks_dir() -> Path:
    """The folder of the real chapter notebooks (installed package data, else checkout)."""
    packaged = Path(str(resources.files("octasee"))) / "_notebooks"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "notebooks"


def _read(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportError(f"cannot read the notebook ({exc})", where=str(path),
                          hint="check that it is a saved .ipynb file") from exc


def _source(cell: Mapping[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _parameters_from_source(source: str, where: str) -> dict[str, Any]:
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ReportError(f"the parameters cell is not valid Python ({exc.msg}, line "
                          f"{exc.lineno})", where=where, hint="fix the cell tagged 'parameters'"
                          ) from exc
    out: dict[str, Any] = {}
    for node in tree.body:
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(node, ast.Assign):
            targets, value = list(node.targets), node.value
        elif isinstance(node, ast.AnnAssign):
            targets, value = [node.target], node.value
        for t in targets:
            if isinstance(t, ast.Name):
                try:
                    out[t.id] = ast.literal_eval(value) if value is not None else None
                except ValueError:
                    out[t.id] = ast.unparse(value) if value is not None else None
    return out


def notebook_parameters(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The parameters a notebook declares in its cell tagged ``parameters``, with defaults.

    Defaults that are not literals come back as their source text. Raises
    :class:`ReportError` when the notebook has no such cell.
    """
    path = Path(path)
    nb = _read(path)
    for cell in nb.get("cells", []):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            return _parameters_from_source(_source(cell), str(path))
    raise ReportError("the notebook has no cell tagged 'parameters'", where=str(path),
                      hint="tag the cell that sets cycle, workspace, countries, variant and "
                           "output_dir with 'parameters' (JupyterLab: property inspector)")


def _title(nb: Mapping[str, Any], fallback: str) -> str:
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            for line in _source(cell).splitlines():
                m = re.match(r"^#\s+(.+?)\s*#*\s*$", line)
                if m:
                    return m.group(1)
    return fallback


def chapter_from_notebook(path: str | os.PathLike[str], *,
                          parameters: Mapping[str, Any] | None = None) -> Chapter:
    """A :class:`Chapter` for one notebook.

    Slug from the file name; number from its prefix (``04_drugs`` is chapter 4,
    ``00_front_matter`` is unnumbered, ``A_country_profile`` is annex A); title from its
    first ``# heading`` without the number it may carry ("# 4. Drug trafficking");
    ``per_country`` when it declares a ``country`` parameter.
    """
    path = Path(path)
    declared = notebook_parameters(path)
    m = _NAME.match(path.stem)
    fallback = (m.group(2) if m else path.stem).replace("_", " ").replace("-", " ").capitalize()
    number = None
    if m:
        number = m.group(1) if m.group(1).isalpha() else (str(int(m.group(1)))
                                                          if int(m.group(1)) else "")
    nb = _read(path)
    title = _TITLE_NUMBER.sub("", _title(nb, fallback)).strip() or fallback
    meta = nb.get("metadata", {}).get("octasee", {})
    variants = meta.get("variants") if isinstance(meta, dict) else None
    if variants is not None and (not isinstance(variants, list) or not variants or any(
            v not in ("restricted", "public") for v in variants)):
        raise ReportError(f"the notebook's metadata octasee.variants is {variants!r}",
                          where=str(path), hint='write ["restricted"], ["public"] or '
                          '["restricted", "public"] (JupyterLab: property inspector, '
                          "notebook metadata)")
    return Chapter(slug=path.stem, title=title, notebook=path,
                   per_country="country" in declared, parameters=dict(parameters or {}),
                   number=number,
                   variants=tuple(variants) if variants else ("restricted", "public"))


def default_chapters(folder: str | os.PathLike[str] | None = None) -> list[Chapter]:
    """Every ``NN_slug.ipynb`` (a chapter) and ``X_slug.ipynb`` (annex X) in ``folder``
    (default: :func:`notebooks_dir`): chapters by number, then annexes by letter."""
    folder = Path(folder) if folder is not None else notebooks_dir()
    paths = [p for p in folder.glob("*.ipynb")
             if _NAME.match(p.stem) and not p.name.startswith(".")]
    if not paths:
        raise ReportError("no chapter notebooks (NN_slug.ipynb) found", where=str(folder),
                          hint="add chapter notebooks there or pass chapters explicitly")

    def order(p: Path) -> tuple[int, int, str]:
        prefix = _NAME.match(p.stem).group(1)  # type: ignore[union-attr]
        return (1, 0, p.stem) if prefix.isalpha() else (0, int(prefix), p.stem)

    return [chapter_from_notebook(p) for p in sorted(paths, key=order)]
