"""Workspaces: a folder with a readable config (``octasee.toml``) and its cycle store.

Commands find the workspace from ``--workspace``, else the ``OCTASEE_WORKSPACE``
environment variable, else the current folder or one of its parents holding an
``octasee.toml``, else the bundled sample workspace, which lives in one place whatever
the current folder: ``build/sample-workspace`` of the octasee checkout in use, else a
per-user folder (see :mod:`octasee.samples`; never inside the installed package).

>>> import tempfile
>>> ws = create_workspace(tempfile.mkdtemp(), cycle="2013-2017")
>>> ws.cycle, ws.expected[:3], ws.disclosure_threshold
('2013-2017', ['AL', 'BA', 'BG'], 5)
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from octasee.config import ConfigError, Source, build, check, read_toml, schema_of
from octasee.errors import OctaseeError, UsageError
from octasee.reference import MEMBER_CODES, resolve_country
from octasee.reference import cycle as get_cycle

__all__ = ["CONFIG_NAME", "ChaptersSettings", "CycleSettings", "DisclosureSettings",
           "ReportSettings", "Workspace", "WorkspaceConfig", "copy_notebooks",
           "create_workspace", "find_workspace", "sample_workspace"]

CONFIG_NAME = "octasee.toml"
STORE_NAME = "store.duckdb"
SAMPLE_DIR = Path("build") / "sample-workspace"  # inside a checkout of octasee (not the cwd)


# --------------------------------------------------------------------------- the settings
# Every key octasee.toml may hold, its type and its default, in one place: these
# dataclasses. The strict loader (octasee.config) derives the file's schema from them, so
# an unknown key, a key in the wrong section or a value of the wrong type is refused with
# its line; create_workspace() writes its defaults from them.

@dataclass(frozen=True)
class ReportSettings:
    """``[report]``: the report's title and the markings of each variant."""

    title: str = "Organized Crime Threat Assessment for South East Europe"
    organisation: str = "SELEC · Southeast European Law Enforcement Center"
    #: The marking on the cover and every page of the restricted variant, and its note.
    classification: str = "RESTRICTED"
    handling: str = ("Contains information provided by SELEC member countries for the "
                     "OCTA-SEE. Do not disseminate beyond the recipients without the "
                     "originators' consent.")
    #: The same for the public variant.
    public_classification: str = "PUBLIC"
    public_handling: str = ("Public version. Information the member countries marked not "
                            "for dissemination is left out, and counts below the disclosure "
                            "threshold are suppressed.")
    #: The build's watchdog: a chapter whose kernel sends nothing this long while a cell
    #: runs is restarted once, then failed (0 turns it off; --stall-minutes overrides it).
    stall_minutes: float = field(default=5.0, metadata={
        "min": 0, "hint": "minutes without a word from a running cell; 5 is usual, 0 is off"})


@dataclass(frozen=True)
class CycleSettings:
    """``[cycle]``: the workspace's cycle, when it is due and who is expected to answer."""

    code: str = "2013-2017"
    #: None: no deadline (create_workspace writes 31 March of the report year).
    deadline: dt.date | None = field(default=None, metadata={
        "hint": "write a TOML date without quotes, e.g. deadline = 2023-03-31"})
    expected: tuple[str, ...] = field(default=MEMBER_CODES, metadata={
        "message": "must be a list of countries", "hint": 'write expected = ["AL", "BA", ...]'})


@dataclass(frozen=True)
class DisclosureSettings:
    """``[disclosure]``: what the public variant hides."""

    threshold: int = field(default=5, metadata={
        "min": 1, "hint": "counts below it are suppressed in the public report; 5 is usual"})


@dataclass(frozen=True)
class ChaptersSettings:
    """``[chapters]``: the chapter notebooks of the report."""

    #: A folder beside the config; "" for the notebooks bundled with octasee.
    folder: str = field(default="", metadata={
        "message": "must be a folder name in quotes",
        "hint": 'write folder = "notebooks", or "" for the bundled chapters'})
    #: Chapters by number, letter or file name; empty for every one.
    include: tuple[str | int, ...] = field(default=(), metadata={
        "message": "must be a list",
        "hint": 'write include = [] for every chapter, or e.g. ["00", "4", "A"]'})


#: Keys that octasee.toml once documented but nothing reads, with what to do instead.
_RETIRED_REPORT_KEYS = {
    "version": "the version label is set by octasee build (Draft 1, Draft 2, …; Final with "
               "--final; Preview with --preview): remove this line",
}


@dataclass(frozen=True)
class WorkspaceConfig:
    """A workspace's settings: ``octasee.toml`` read, checked and with every default.

    >>> WorkspaceConfig().disclosure.threshold, WorkspaceConfig().cycle.code
    (5, '2013-2017')
    """

    #: The store's file name, beside the config.
    store: str = STORE_NAME
    #: The bundled sample workspace (it fills its store from the samples).
    samples: bool = False
    report: ReportSettings = field(default_factory=ReportSettings,
                                   metadata={"retired": _RETIRED_REPORT_KEYS})
    cycle: CycleSettings = field(default_factory=CycleSettings, metadata={
        "hint": 'write [cycle] then code = "2013-2017"'})
    #: Due dates of earlier cycles kept in the same store, by cycle code.
    deadlines: dict[str, dt.date] = field(default_factory=dict)
    disclosure: DisclosureSettings = field(default_factory=DisclosureSettings)
    chapters: ChaptersSettings = field(default_factory=ChaptersSettings)


#: The schema of octasee.toml, derived from :class:`WorkspaceConfig`.
CONFIG_SCHEMA = schema_of(WorkspaceConfig)


@dataclass
class Workspace:
    """An opened workspace: its folder, its settings and where its store lives.

    ``config`` is the config as written (a mapping); ``settings`` the same checked, with
    every default (:class:`WorkspaceConfig`): the properties read ``settings``.
    """

    path: Path
    config: dict[str, Any] = field(default_factory=dict)
    text: str = field(default="", repr=False)  # the config as written (for messages)
    settings: WorkspaceConfig = field(default=None, repr=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.settings is None:
            self.settings = _check_config(self.config, self.path / CONFIG_NAME, self.text,
                                          semantic=False)

    @property
    def store_path(self) -> Path:
        return self.path / self.settings.store

    @property
    def cycle(self) -> str:
        return self.settings.cycle.code

    @property
    def expected(self) -> list[str]:
        return list(self.settings.cycle.expected)

    def deadline(self, cycle: str | None = None) -> dt.date | None:
        """When questionnaires of ``cycle`` are due: ``[cycle] deadline`` for the
        workspace's own cycle, ``[deadlines]`` for others (an older cycle kept in the
        same store)."""
        code = cycle or self.cycle
        value = self.settings.cycle.deadline if code == self.cycle else None
        if value is None:
            value = self.settings.deadlines.get(code)
        return value

    @property
    def is_sample(self) -> bool:
        """Whether this is the bundled sample workspace (it fills itself from the samples)."""
        return self.settings.samples

    @property
    def disclosure_threshold(self) -> int:
        return self.settings.disclosure.threshold

    @property
    def title(self) -> str:
        return self.settings.report.title

    @property
    def chapters_dir(self) -> Path | None:
        """The workspace's own chapter notebooks (``[chapters] folder``), or None for the
        notebooks bundled with octasee."""
        folder = self.settings.chapters.folder
        return self.path / folder if folder else None

    def chapters(self) -> list[Any]:
        """The report's chapters: the notebooks in ``[chapters] folder`` (else the bundled
        ones), keeping those ``[chapters] include`` names (every one when it is empty)."""
        from octasee.report.chapters import default_chapters

        found = default_chapters(self.chapters_dir)
        include = [str(x) for x in self.settings.chapters.include]
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
        config, _ = read_toml(text, name=str(cfg_file))
        settings = _check_config(config, cfg_file, text)
        return cls(path=path, config=config, text=text, settings=settings)


def _config_error(what: str, key: str, where: Path, text: str, hint: str | None = None
                  ) -> OctaseeError:
    """A :class:`ConfigError` for ``key`` (``section.key``) of the config, at its line."""
    src = Source(str(where), text, format="toml")
    return src.error(f"key {key}: {what}", tuple(key.split(".")),
                     hint=hint or "fix the value and run the command again")


def _check_config(config: dict[str, Any], where: Path, text: str = "", *,
                  semantic: bool = True) -> WorkspaceConfig:
    """The settings of a config, refusing (:class:`ConfigError`, naming the key and its
    line) an unknown key or section, a value of the wrong type and, with ``semantic``, a
    value octasee cannot use (an unknown cycle or country, a missing chapters folder)."""
    src = Source(str(where), text, config, "toml" if text else "")
    checked = check(config, CONFIG_SCHEMA, src, error=ConfigError)
    if not semantic:
        return build(WorkspaceConfig, checked)
    cyc = checked["cycle"]
    for key, code in [("cycle.code", cyc["code"]),
                      *((f"deadlines.{k}", k) for k in checked["deadlines"])]:
        try:
            get_cycle(code)
        except OctaseeError as exc:
            raise _config_error(exc.what, key, where, text, exc.hint) from None
    codes = []
    for i, c in enumerate(cyc["expected"]):
        try:
            codes.append(resolve_country(c))
        except OctaseeError as exc:
            raise _config_error(f"item {i + 1}: {exc.what}", "cycle.expected", where, text,
                                exc.hint) from None
    cyc["expected"] = codes
    folder = checked["chapters"]["folder"]
    if folder and not (where.parent / folder).is_dir():
        raise _config_error(f"there is no folder {folder!r} beside the config",
                            "chapters.folder", where, text,
                            "restore the folder (octasee init copies the bundled notebooks "
                            'there), or write folder = "" to use the bundled chapters')
    return build(WorkspaceConfig, checked)


_TEMPLATE = """\
# octasee workspace: one assessment cycle, its questionnaires, store and report drafts.
# Edit the values; a wrong one is reported with its key and line.
{samples}
[report]
title = {title}
organisation = {organisation}
# The marking on the cover and every page of the restricted report, and its handling note.
classification = {classification}
handling = {handling}
# The same for the public variant (no rows marked not for dissemination, small counts hidden).
public_classification = {public_classification}
# Builds are numbered Draft 1, Draft 2, ... (Final with --final; --preview: "Preview").

[cycle]
code = {cycle}
# The date questionnaires are due (status shows who is late).
deadline = {deadline}
# The member countries expected to answer (ISO codes).
expected = [{expected}]

[deadlines]
{deadlines}

[disclosure]
# Counts below this are suppressed in the public report.
threshold = {threshold}

[chapters]
# The chapter notebooks (folder beside this file; "" = those bundled with octasee).
folder = {chapters}
# The chapters and annexes in the report, by number or letter (00 is the front matter,
# A the country profiles, B the method) or file name; [] = every notebook in the folder.
include = []
"""


def _toml_text(value: str) -> str:
    """``value`` as a TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False)


def create_workspace(path: str | os.PathLike[str], *, cycle: str,
                     title: str | None = None,
                     classification: str | None = None,
                     deadline: dt.date | None = None,
                     deadlines: dict[str, dt.date] | None = None,
                     expected: list[str] | None = None, samples: bool = False,
                     notebooks: bool = False) -> Workspace:
    """Create a workspace folder with its config; an existing config is kept as it is.

    ``title``, ``classification`` and ``expected`` default to :class:`WorkspaceConfig`'s
    (the report title, ``RESTRICTED``, every member country); ``deadline`` to 31 March of
    the cycle's report year.
    ``notebooks``: copy the bundled chapter notebooks into ``notebooks/`` (what
    ``octasee init`` does), for the analyst to edit; the report is then built from them.
    """
    defaults = WorkspaceConfig()
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
            title=_toml_text(title or defaults.report.title),
            organisation=_toml_text(defaults.report.organisation),
            classification=_toml_text(classification or defaults.report.classification),
            handling=_toml_text(defaults.report.handling),
            public_classification=_toml_text(defaults.report.public_classification),
            cycle=_toml_text(c.code), threshold=defaults.disclosure.threshold,
            chapters=_toml_text("notebooks" if notebooks else defaults.chapters.folder),
            deadline=deadline.isoformat(),
            expected=", ".join(_toml_text(x) for x in (expected or defaults.cycle.expected)),
            deadlines="\n".join(f"{_toml_text(k)} = {v.isoformat()}" for k, v in others.items())
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
    """The sample workspace, created on first use: in ``base`` if given, else in its one
    place (:func:`octasee.samples.sample_workspace_path`: ``<checkout>/build/sample-workspace``
    in a checkout of octasee, else a per-user folder), never relative to the current folder."""
    from octasee.samples import sample_workspace_path

    path = Path(base) if base else sample_workspace_path()
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
