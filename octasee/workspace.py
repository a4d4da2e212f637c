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
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from octasee.config import (
    ConfigError,
    Source,
    build,
    check,
    did_you_mean,
    read_toml,
    schema_of,
)
from octasee.errors import OctaseeError, UsageError
from octasee.notebooks import Chapter, default_chapters, notebooks_dir
from octasee.questionnaire.spec import all_specs
from octasee.reference import MEMBER_CODES, resolve_country
from octasee.reference import cycle as get_cycle
from octasee.samples import ensure_samples, sample_analyst_files, sample_workspace_path
from octasee.store import Store

__all__ = ["CONFIG_NAME", "ChaptersSettings", "CycleSettings", "DisclosureSettings",
           "EditionsSettings", "IndicatorDisclosure",
           "ReportSettings", "Workspace", "WorkspaceConfig", "copy_notebooks",
           "create_workspace", "find_workspace", "open_store", "sample_workspace"]

CONFIG_NAME = "octasee.toml"
STORE_NAME = "store.duckdb"


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
class IndicatorDisclosure:
    """``[disclosure.indicators.<code>]``: one indicator's own rule (absent: the
    workspace's)."""

    threshold: int | None = field(default=None, metadata={
        "min": 1, "hint": "a whole number of 1 or more, e.g. threshold = 10"})
    protection_ratio: float | None = field(default=None, metadata={
        "min": 0, "hint": "a share above 0 and at most 1, e.g. protection_ratio = 0.3"})
    dominance: bool | None = field(default=None, metadata={
        "hint": "write true or false"})


@dataclass(frozen=True)
class DisclosureSettings:
    """``[disclosure]``: what the public variant hides (see octasee.sdc.rules and
    docs/report.md, "Disclosure control")."""

    #: Counts of persons and of groups below it are suppressed ("<5").
    threshold: int = field(default=5, metadata={
        "min": 1, "hint": "counts below it are suppressed in the public report; 5 is usual"})
    #: Other counts (cases, seizures in pieces, laboratories …) below it are suppressed.
    min_other_count: int = field(default=3, metadata={
        "min": 1, "hint": "other counts below it are suppressed; 3 is usual"})
    #: A withheld value must stay uncertain by at least this share either way.
    protection_ratio: float = field(default=0.2, metadata={
        "min": 0, "hint": "a share above 0 and at most 1; 0.2 is ±20%"})
    #: A dominance rule on totals of magnitudes: "off", "nk" or "p".
    dominance: str = field(default="off", metadata={"choices": ("off", "nk", "p")})
    dominance_n: int = field(default=2, metadata={"min": 1})
    dominance_k: float = field(default=0.9, metadata={
        "min": 0, "hint": "a share above 0 and at most 1, e.g. 0.9"})
    dominance_p: float = field(default=0.1, metadata={
        "min": 0, "hint": "a share above 0 and at most 1, e.g. 0.1"})
    #: Whether the public edition names and ranks member states (else bands, no ranks).
    rank_countries: bool = False
    #: Per-indicator rules, by indicator code.
    indicators: dict[str, IndicatorDisclosure] = field(default_factory=dict)


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


@dataclass(frozen=True)
class EditionsSettings:
    """``[editions]``: which edition or year of a public source the report uses. Absent
    (the default), each is chosen from the cycle and the data shipped with octasee
    (:func:`octasee.analysis.editions.editions`, which also refuses an edition or year
    that is not shipped)."""

    #: The GI-TOC Global Organized Crime Index edition the analysis uses (vulnerability,
    #: the criminality and resilience quadrant): default, the latest edition not after
    #: the cycle's last year, else the earliest edition (the text then says it is later).
    gitoc: int | None = field(default=None, metadata={
        "min": 1, "hint": "an edition year, e.g. gitoc = 2021"})
    #: The GI-TOC editions the GI-TOC tables print side by side; empty: every edition.
    gitoc_tables: tuple[int, ...] = field(default=(), metadata={
        "message": "must be a list of edition years",
        "hint": "write gitoc_tables = [2021, 2023], or [] for every edition"})
    #: The TI Corruption Perceptions Index year the analysis uses (vulnerability): default,
    #: the cycle's last year, else the nearest year shipped.
    cpi_year: int | None = field(default=None, metadata={
        "min": 1, "hint": "a year, e.g. cpi_year = 2017"})
    #: The year changes over the cycle are measured from: default, the cycle's first year.
    base_year: int | None = field(default=None, metadata={
        "min": 1, "hint": "a year, e.g. base_year = 2013"})


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
    editions: EditionsSettings = field(default_factory=EditionsSettings)


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

    def chapters(self) -> list[Chapter]:
        """The report's chapters: the notebooks in ``[chapters] folder`` (else the bundled
        ones), keeping those ``[chapters] include`` names (every one when it is empty)."""
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
    _check_disclosure(checked["disclosure"], where, text)
    folder = checked["chapters"]["folder"]
    if folder and not (where.parent / folder).is_dir():
        raise _config_error(f"there is no folder {folder!r} beside the config",
                            "chapters.folder", where, text,
                            "restore the folder (octasee init copies the bundled notebooks "
                            'there), or write folder = "" to use the bundled chapters')
    return build(WorkspaceConfig, checked)


def _indicator_measures() -> dict[str, str]:
    """Every indicator the questionnaire spec knows (any cycle) and its measure."""
    out: dict[str, str] = {}
    for spec in all_specs():
        for ind in spec.indicators:
            out.setdefault(ind.code, ind.measure)
    return out


def _check_disclosure(d: dict[str, Any], where: Path, text: str) -> None:
    """``[disclosure]`` values octasee cannot use: shares above 1 or at 0, a rule for an
    indicator the questionnaire does not know, a threshold on a magnitude."""
    for key in ("protection_ratio", "dominance_k", "dominance_p"):
        if not 0 < d[key] <= 1:
            raise _config_error(f"{d[key]!r} is not a share above 0 and at most 1",
                                f"disclosure.{key}", where, text,
                                "e.g. 0.2 (protection_ratio), 0.9 (dominance_k), "
                                "0.1 (dominance_p)")
    measures = _indicator_measures() if d["indicators"] else {}
    for code, rule in d["indicators"].items():
        if code not in measures:
            raise _config_error(f"unknown indicator {code!r}", f"disclosure.indicators.{code}",
                                where, text, did_you_mean(code, sorted(measures))
                                or "use an indicator code of the questionnaire")
        ratio = rule.get("protection_ratio")
        if ratio is not None and not 0 < ratio <= 1:
            raise _config_error(f"{ratio!r} is not a share above 0 and at most 1",
                                f"disclosure.indicators.{code}.protection_ratio", where, text,
                                "e.g. protection_ratio = 0.3")
        if rule.get("threshold") is not None and measures[code] != "count":
            raise _config_error(f"{code} is measured in {measures[code]}: a threshold "
                                "applies to counts", f"disclosure.indicators.{code}.threshold",
                                where, text, 'use dominance = true (with [disclosure] '
                                'dominance = "nk" or "p") for magnitudes')


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
# Counts of persons and groups below this are suppressed in the public report ("<5").
threshold = {threshold}
# Other counts (cases, seizures in pieces, laboratories ...) below this are suppressed.
min_other_count = {min_other_count}
# A withheld value (not for dissemination) must stay uncertain by this share either way.
protection_ratio = {protection_ratio}
# Dominance rule on totals of magnitudes (kg, EUR): "off", "nk" (n, k) or "p" (p%).
dominance = "{dominance}"
# Whether the public edition names and ranks the member states (else bands without ranks).
rank_countries = {rank_countries}
# One indicator's own rule, e.g. [disclosure.indicators.victims_identified] threshold = 10

[chapters]
# The chapter notebooks (folder beside this file; "" = those bundled with octasee).
folder = {chapters}
# The chapters and annexes in the report, by number or letter (00 is the front matter,
# A the country profiles, B the method) or file name; [] = every notebook in the folder.
include = []

[editions]
# Which edition or year of a public source the report uses; absent, chosen from the
# cycle (each chapter says which it used), e.g. gitoc = 2021, gitoc_tables = [2021, 2023],
# cpi_year = 2017, base_year = 2013.
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
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot make the workspace folder ({exc.strerror or exc})",
                         where=str(path), hint="choose a folder that can be created there "
                                               "(not a file), or an existing workspace") from exc
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
            min_other_count=defaults.disclosure.min_other_count,
            protection_ratio=defaults.disclosure.protection_ratio,
            dominance=defaults.disclosure.dominance,
            rank_countries=str(defaults.disclosure.rank_countries).lower(),
            chapters=_toml_text("notebooks" if notebooks else defaults.chapters.folder),
            deadline=deadline.isoformat(),
            expected=", ".join(_toml_text(x) for x in (expected or defaults.cycle.expected)),
            deadlines="\n".join(f"{_toml_text(k)} = {v.isoformat()}" for k, v in others.items())
            or '# Due dates of earlier cycles kept in this store, e.g. "2013-2017" = 2018-03-31')
        cfg.write_text(text, encoding="utf-8")
    return Workspace.open(path)


def copy_notebooks(target: Path) -> list[Path]:
    """Copy the bundled chapter notebooks into ``target`` (never over an existing file)."""
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
    path = Path(base) if base else sample_workspace_path()
    ws = create_workspace(path, cycle="2013-2017",
                          deadlines={"2009-2012": dt.date(2013, 3, 31)},
                          title="OCTA-SEE sample assessment (fictitious data)",
                          samples=True)
    # The sample's analysts' files (register, bottom line, outlook), each once: the
    # analyst's edits are kept.
    for source in sample_analyst_files():
        if not (ws.path / source.name).exists():
            shutil.copyfile(source, ws.path / source.name)
    return ws


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


def open_store(workspace: Workspace | str | os.PathLike[str] | None = None, *,
               write: bool = False, read_only: bool | None = None) -> Store:
    """Open the store of a workspace (a :class:`Workspace` or a path; default: the one
    :func:`find_workspace` finds).

    Read-only by default: the store as the last ingest left it, without stopping
    ``octasee ingest`` in the meantime (open it again to see a later ingest).
    ``write=True`` opens it for writing (ingesting from Python), which no other program
    can do meanwhile; ``read_only=`` is the older spelling (``read_only=False`` writes).
    Here rather than in :mod:`octasee.store`, which knows nothing of workspaces.

    >>> import tempfile
    >>> store = open_store(sample_workspace(tempfile.mkdtemp()), write=True)
    >>> store.path.name, store.read_only
    ('store.duckdb', False)
    """
    if read_only is not None:
        if write and read_only:
            raise UsageError("open_store(write=True, read_only=True) asks for both",
                             hint="write=True to write, nothing (or read_only=True) to read")
        write = not read_only
    ws = workspace if isinstance(workspace, Workspace) else find_workspace(workspace)
    if not write:
        ensure_samples(ws)  # the sample workspace fills itself, as for a chapter
    return Store(ws.store_path, read_only=not write)
