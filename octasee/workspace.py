"""Workspaces: a folder with a readable config (``octasee.toml``) and its cycle store.

Commands find the workspace from ``--workspace``, else the ``OCTASEE_WORKSPACE``
environment variable, else the current folder or one of its parents holding an
``octasee.toml``, else the bundled sample workspace, materialised under ``build/``
in the current folder (it never writes inside the installed package).

>>> import tempfile
>>> ws = create_workspace(tempfile.mkdtemp(), cycle="2013-2017")
>>> ws.cycle, ws.expected[:3], ws.disclosure_threshold
('2013-2017', ['AL', 'BA', 'BG'], 5)
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from octasee.errors import OctaseeError, UsageError
from octasee.reference import MEMBER_CODES, resolve_country
from octasee.reference import cycle as get_cycle

__all__ = ["CONFIG_NAME", "Workspace", "copy_notebooks", "create_workspace", "find_workspace",
           "sample_workspace"]

CONFIG_NAME = "octasee.toml"
STORE_NAME = "store.duckdb"
SAMPLE_DIR = Path("build") / "sample-workspace"


@dataclass
class Workspace:
    """An opened workspace: its folder, its settings and where its store lives."""

    path: Path
    config: dict[str, Any] = field(default_factory=dict)
    text: str = field(default="", repr=False)  # the config as written (for messages)

    @property
    def store_path(self) -> Path:
        return self.path / self.config.get("store", STORE_NAME)

    @property
    def cycle(self) -> str:
        return str(self.config.get("cycle", {}).get("code", "2013-2017"))

    @property
    def expected(self) -> list[str]:
        return list(self.config.get("cycle", {}).get("expected", list(MEMBER_CODES)))

    def deadline(self, cycle: str | None = None) -> dt.date | None:
        """When questionnaires of ``cycle`` are due: ``[cycle] deadline`` for the
        workspace's own cycle, ``[deadlines]`` for others (an older cycle kept in the
        same store)."""
        code = cycle or self.cycle
        value = self.config.get("cycle", {}).get("deadline") if code == self.cycle else None
        if value is None:
            value = self.config.get("deadlines", {}).get(code)
        return value if isinstance(value, dt.date) else None

    @property
    def is_sample(self) -> bool:
        """Whether this is the bundled sample workspace (it fills itself from the samples)."""
        return bool(self.config.get("samples", False))

    @property
    def disclosure_threshold(self) -> int:
        return int(self.config.get("disclosure", {}).get("threshold", 5))

    @property
    def title(self) -> str:
        return str(self.config.get("report", {}).get(
            "title", "Organized Crime Threat Assessment for South East Europe"))

    @property
    def chapters_dir(self) -> Path | None:
        """The workspace's own chapter notebooks (``[chapters] folder``), or None for the
        notebooks bundled with octasee."""
        folder = str(self.config.get("chapters", {}).get("folder", "") or "")
        return self.path / folder if folder else None

    def chapters(self) -> list[Any]:
        """The report's chapters: the notebooks in ``[chapters] folder`` (else the bundled
        ones), keeping those ``[chapters] include`` names (every one when it is empty)."""
        from octasee.report.chapters import default_chapters

        found = default_chapters(self.chapters_dir)
        include = [str(x) for x in self.config.get("chapters", {}).get("include", [])]
        if not include:
            return found
        names = {}
        for c in found:
            prefix = c.slug.split("_", 1)[0]
            for name in {c.slug, prefix, prefix.lstrip("0") or "0"}:
                names[name.casefold()] = c
        include = [x.removesuffix(".ipynb") for x in include]
        unknown = [x for x in include if x.casefold() not in names]
        if unknown:
            raise _config_error(
                f"no chapter {unknown[0]!r}", "chapters.include", self.path / CONFIG_NAME,
                self.text, "name chapters by number or letter (00, 4, A) or file name; "
                           "they are: " + ", ".join(c.slug for c in found))
        keep = {id(names[x.casefold()]) for x in include}
        return [c for c in found if id(c) in keep]

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Workspace:
        """Open the workspace in ``path``; raises :class:`UsageError` if there is none."""
        path = Path(path)
        cfg_file = path / CONFIG_NAME
        if not cfg_file.is_file():
            raise UsageError(f"no workspace in {path} (no {CONFIG_NAME})",
                             hint=f"create one with 'octasee init {path}' or pass --workspace")
        text = cfg_file.read_text("utf-8")
        try:
            config = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise OctaseeError(f"the config is not valid TOML ({exc})", where=str(cfg_file),
                               hint="fix the line it names") from None
        _check_config(config, cfg_file, text)
        return cls(path=path, config=config, text=text)


def _line_of(text: str, dotted: str) -> int | None:
    """The line of ``section.key`` in a TOML text (for messages), if it can be found."""
    import re

    section, _, key = dotted.rpartition(".")
    key = key.split("[", 1)[0]
    in_section = section == ""
    for n, line in enumerate(text.splitlines(), start=1):
        head = re.match(r"\s*\[([^\]]+)\]\s*$", line)
        if head:
            in_section = head.group(1).strip() == section
            continue
        if in_section and re.match(rf"\s*\"?{re.escape(key)}\"?\s*=", line):
            return n
    return None


def _config_error(what: str, key: str, where: Path, text: str, hint: str | None = None
                  ) -> OctaseeError:
    line = _line_of(text, key)
    place = f"{where}, line {line}" if line else str(where)
    return OctaseeError(f"key {key}: {what}", where=place,
                        hint=hint or "fix the value and run the command again")


def _check_config(config: dict[str, Any], where: Path, text: str = "") -> None:
    """Refuse a config whose values octasee cannot use, naming the key and its line."""
    cyc = config.get("cycle", {})
    if not isinstance(cyc, dict):
        raise OctaseeError("[cycle] must be a table", where=str(where),
                           hint='write [cycle] then code = "2013-2017"')
    if "code" in cyc:
        try:
            get_cycle(cyc["code"])
        except OctaseeError as exc:
            raise _config_error(exc.what, "cycle.code", where, text, exc.hint) from None
    if "deadline" in cyc and not isinstance(cyc["deadline"], dt.date):
        raise _config_error(f"{cyc['deadline']!r} is not a date", "cycle.deadline", where, text,
                            "write a TOML date without quotes, e.g. deadline = 2023-03-31")
    expected = cyc.get("expected", [])
    if not isinstance(expected, list):
        raise _config_error("must be a list of countries", "cycle.expected", where, text,
                            'write expected = ["AL", "BA", ...]')
    for i, c in enumerate(expected):
        try:
            resolve_country(c)
        except OctaseeError as exc:
            raise _config_error(f"item {i + 1}: {exc.what}", "cycle.expected", where, text,
                                exc.hint) from None
    chapters = config.get("chapters", {})
    folder = chapters.get("folder", "") if isinstance(chapters, dict) else None
    if not isinstance(folder, str):
        raise _config_error("must be a folder name in quotes", "chapters.folder", where, text,
                            'write folder = "notebooks", or "" for the bundled chapters')
    if folder and not (where.parent / folder).is_dir():
        raise _config_error(f"there is no folder {folder!r} beside the config",
                            "chapters.folder", where, text,
                            "restore the folder (octasee init copies the bundled notebooks "
                            'there), or write folder = "" to use the bundled chapters')
    include = chapters.get("include", []) if isinstance(chapters, dict) else None
    if not isinstance(include, list):
        raise _config_error("must be a list", "chapters.include", where, text,
                            'write include = [] for every chapter, or e.g. ["00", "4", "A"]')
    threshold = config.get("disclosure", {}).get("threshold", 5)
    if not isinstance(threshold, int) or isinstance(threshold, bool) or threshold < 1:
        raise _config_error(f"{threshold!r} is not a whole number of 1 or more",
                            "disclosure.threshold", where, text,
                            "counts below it are suppressed in the public report; 5 is usual")


_TEMPLATE = """\
# octasee workspace: one assessment cycle, its questionnaires, store and report drafts.
# Edit the values; a wrong one is reported with its key and line.
{samples}
[report]
title = "{title}"
organisation = "SELEC · Southeast European Law Enforcement Center"
# The marking on the cover and every page of the restricted report, and its handling note.
classification = "{classification}"
handling = "Contains information provided by SELEC member countries for the OCTA-SEE. Do not disseminate beyond the recipients without the originators' consent."
# The same for the public variant (no rows marked not for dissemination, small counts hidden).
public_classification = "PUBLIC"
# Builds are numbered Draft 1, Draft 2, ... (Final with --final; --preview: "Preview").

[cycle]
code = "{cycle}"
# The date questionnaires are due (status shows who is late).
deadline = {deadline}
# The member countries expected to answer (ISO codes).
expected = [{expected}]

[deadlines]
{deadlines}

[disclosure]
# Counts below this are suppressed in the public report.
threshold = 5

[chapters]
# The chapter notebooks (folder beside this file; "" = those bundled with octasee).
folder = "{chapters}"
# The chapters and annexes in the report, by number or letter (00 is the front matter,
# A the country profiles, B the method) or file name; [] = every notebook in the folder.
include = []
"""


def create_workspace(path: str | os.PathLike[str], *, cycle: str,
                     title: str = "Organized Crime Threat Assessment for South East Europe",
                     classification: str = "RESTRICTED",
                     deadline: dt.date | None = None,
                     deadlines: dict[str, dt.date] | None = None,
                     expected: list[str] | None = None, samples: bool = False,
                     notebooks: bool = False) -> Workspace:
    """Create a workspace folder with its config; an existing config is kept as it is.

    ``notebooks``: copy the bundled chapter notebooks into ``notebooks/`` (what
    ``octasee init`` does), for the analyst to edit; the report is then built from them.
    """
    path = Path(path)
    c = get_cycle(cycle)
    path.mkdir(parents=True, exist_ok=True)
    cfg = path / CONFIG_NAME
    if not cfg.exists():
        if notebooks:
            copy_notebooks(path / "notebooks")
        deadline = deadline or dt.date(c.report_year, 3, 31)
        others = {k: v for k, v in (deadlines or {}).items() if k != c.code}
        text = _TEMPLATE.format(
            samples=("# The bundled sample workspace: it fills its store from the samples.\n"
                     "samples = true\n") if samples else "",
            title=title, classification=classification, cycle=c.code,
            chapters="notebooks" if notebooks else "",
            deadline=deadline.isoformat(),
            expected=", ".join(f'"{x}"' for x in (expected or MEMBER_CODES)),
            deadlines="\n".join(f'"{k}" = {v.isoformat()}' for k, v in others.items())
            or '# Due dates of earlier cycles kept in this store, e.g. "2013-2017" = 2018-03-31')
        cfg.write_text(text, encoding="utf-8")
    return Workspace.open(path)


def copy_notebooks(target: Path) -> list[Path]:
    """Copy the bundled chapter notebooks into ``target`` (never over an existing file)."""
    import shutil

    from octasee.report.chapters import notebooks_dir

    target.mkdir(parents=True, exist_ok=True)
    written = []
    for nb in sorted(notebooks_dir().glob("*.ipynb")):
        dest = target / nb.name
        if not dest.exists():
            shutil.copyfile(nb, dest)
            written.append(dest)
    return written


def sample_workspace(base: str | os.PathLike[str] | None = None) -> Workspace:
    """The sample workspace (``build/sample-workspace``), created on first use."""
    path = Path(base) if base else Path.cwd() / SAMPLE_DIR
    return create_workspace(path, cycle="2013-2017",
                            deadlines={"2009-2012": dt.date(2013, 3, 31)},
                            title="OCTA-SEE sample assessment (fictitious data)",
                            samples=True)


def find_workspace(option: str | os.PathLike[str] | None = None) -> Workspace:
    """The workspace a command works on (see the module docstring for the order)."""
    if option:
        return Workspace.open(option)
    env = os.environ.get("OCTASEE_WORKSPACE")
    if env:
        return Workspace.open(env)
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return Workspace.open(folder)
    return sample_workspace()
