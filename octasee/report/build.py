"""``build_report``: chapters → papermill (parallel, cached) → merge → nbconvert → PDF.

The build is six named stages, each a function with a typed input and a typed output
(frozen dataclasses) that a test calls on its own, as papermill's ``execute_notebook``
is called on one notebook; :func:`build_report` composes them::

    configure(...)            -> BuildOptions  the options checked, the workspace, chapters
    plan(options, store=)     -> Plan          fingerprints, cache keys, one task per run,
                                               the draft version and its snapshot
    execute(plan)             -> Executed      cached or run; each chapter's notebook kept
    check(executed)           -> Checked|None  public edition: the public view's attack
                                               audit and the output-checking report; a
                                               disclosure stops the build (DisclosureError)
    assemble(executed)        -> Assembled     merged, the changes annex, one offline HTML
    publish(assembled)        -> Published     HTML, PDF and manifest written
    record(published)         -> Recorded      the draft saved under <workspace>/drafts/

A failed chapter (without ``keep_going``) stops the build after ``execute``:
:func:`fail` writes the manifest and raises :class:`ChapterError`.

The build reads the workspace's store and ingests nothing, except that the sample
workspace (the default) is filled from the bundled samples when its store is empty.
It reads one state of the store: :func:`build_report` pins the store's snapshot
(:func:`octasee.store.pin_snapshot`) before ``plan``, and the fingerprint, the public
variant's restricted terms, the draft's snapshot and every chapter kernel read that pin,
so an ingest during a long build belongs to the next draft and never to half of this one.
Everything it writes goes to ``out`` under names that say the cycle and the variant::

    out/octa-see_<cycle>_<variant>.html            the report: one self-contained file
    out/octa-see_<cycle>_<variant>.pdf             the same, printed by Chromium
    out/octa-see_<cycle>_<variant>.manifest.json   parameters, input hashes, versions, timings
    out/octa-see_<cycle>_public.output-check.html  public edition: what was suppressed, the
                                                   audit's result (and .json), for release
    out/octa-see_<cycle>_<variant>.chapters/       each executed chapter notebook
    out/octa-see_<cycle>_<variant>.data/<chapter>/ the chapters' own files (output_dir)
    out/octa-see_<cycle>_restricted.evidence/      restricted edition: the data of each
                                                   figure and table (<anchor>.csv), with
                                                   source rows, linked from the report

Each file is written to a temporary name and renamed: an interrupted build leaves the
previous files or none, never half a file.

>>> out_stem("2013-2017", "public")
'octa-see_2013-2017_public'
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Any, NoReturn

from octasee._version import __version__
from octasee.analysis.findings import find
from octasee.analysis.outlook import read_outlook, workspace_texts
from octasee.analysis.register import STATE_ENV, Register, check_references, read_register
from octasee.chapters.context import NUMBER_ENV
from octasee.chapters.disclosure import EARLIER_ENV, public_view, restricted_indicators
from octasee.errors import UsageError
from octasee.notebooks import STANDARD_PARAMETERS, Chapter, notebook_parameters
from octasee.reference import country_name, resolve_country
from octasee.report._io import write_text_atomic
from octasee.report.assemble import (
    Part,
    collect_evidence,
    convert_to_html,
    data_folder_name,
    digest_templates,
    insert_list_of_figures,
    link_evidence,
    merge_chapters,
    write_data_folder,
)
from octasee.report.cache import (
    Cache,
    library_fingerprint,
    notebook_digest,
    store_fingerprint,
    task_key,
)
from octasee.report.changes import Changes, annex_cells, compare
from octasee.report.disclosure import (
    compile_terms,
    restricted_terms,
    scrub_notebook,
    scrub_text,
)
from octasee.report.drafts import (
    DraftBook,
    Version,
    chapter_content,
    inputs_fingerprint,
    snapshot,
)
from octasee.report.errors import ChapterError, ReportError
from octasee.report.execute import Task, run_tasks
from octasee.report.judgements import (
    RegisterState,
    finding_records,
    register_state,
    write_state,
)
from octasee.report.pdf import chromium_path, print_pdf
from octasee.samples import ensure_samples
from octasee.sdc import (
    AuditResult,
    DisclosureRules,
    EarlierEdition,
    audit,
    read_publications,
    write_output_check,
)
from octasee.store import PIN_ENV, Store, pin_snapshot
from octasee.translations import read_memory
from octasee.workspace import Workspace, find_workspace

__all__ = ["Assembled", "BuildOptions", "BuildResult", "ChapterRun", "Checked", "Executed",
           "Plan", "PlannedRun", "Published", "Recorded", "assemble", "build_report", "check",
           "configure", "execute", "fail", "out_stem", "pinned_store", "plan", "publish",
           "record", "write_manifest"]

VARIANTS = ("restricted", "public")
FORMATS = ("html", "pdf")
EXECUTORS = ("local", "dask")
#: Parameters a chapter must declare: without them it cannot honour the build.
_REQUIRED = ("cycle", "workspace", "variant")
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

Event = Callable[[str, str, dict[str, Any]], None]


def _quiet(label: str, state: str, info: dict[str, Any]) -> None:
    """The event sink when nobody listens."""


@dataclass
class ChapterRun:
    """One execution of the build (a chapter, or one country's profile) and its fate."""

    label: str
    chapter: str
    title: str
    number: str
    country: str | None
    key: str
    state: str = "queued"  # queued | cached | ok | failed | skipped
    seconds: float = 0.0
    attempts: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    error: dict[str, Any] | None = None
    notebook: str | None = None  # path relative to the output folder
    restarts: int = 0  # runs on a fresh kernel after its kernel stalled or died in a cell
    incidents: list[str] = field(default_factory=list)  # what each restart was for


@dataclass
class BuildResult:
    """What a build produced: files, each execution, timings."""

    out: Path
    cycle: str
    variant: str
    runs: list[ChapterRun]
    html: Path | None = None
    pdf: Path | None = None
    manifest: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)
    scrubbed: int = 0
    version: Any = None  # the drafts.Version built (None for a preview)
    changes: Any = None  # changes.Changes since the previous version, if there is one
    output_check: Path | None = None  # the public edition's output-checking report

    @property
    def failed(self) -> list[ChapterRun]:
        return [r for r in self.runs if r.state == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def exit_code(self) -> int:
        """0 when every chapter was built; 1 when one failed (even with keep_going)."""
        return 0 if self.ok else 1


def out_stem(cycle: str, variant: str) -> str:
    """The common stem of a build's output names."""
    return f"octa-see_{cycle}_{variant}"


# --------------------------------------------------------------------------- the stages'
# inputs and outputs


@dataclass(frozen=True)
class BuildOptions:
    """What a build was asked for, checked: every default filled in (:func:`configure`)."""

    workspace: Workspace
    cycle: str
    variant: str
    formats: tuple[str, ...]
    jobs: int
    executor: str
    scheduler: str | None
    keep_going: bool
    out: Path  # absolute
    chapters: tuple[Chapter, ...]
    countries: tuple[str, ...]
    build_date: dt.date
    label: str | None  # None: the version's label ("Draft 2"), or "Preview"
    use_cache: bool
    record_draft: bool
    final: bool
    cache_dir: Path | None  # None: no cache
    timeout: float
    stall_minutes: float  # 0: no watchdog
    #: Every chapter of the workspace (for this variant) and every expected country: the
    #: register's references must all resolve. A partial build (a chapter or a country
    #: left out) shows a reference it lacks as "[...: not in this report]" instead.
    complete: bool = True
    #: Every chapter asked for, in report order, both editions' (an editors' annex the
    #: public edition leaves out included): the draft's inputs, so that both editions of
    #: one state of the inputs are one draft.
    all_chapters: tuple[Chapter, ...] = ()

    @property
    def stem(self) -> str:
        return out_stem(self.cycle, self.variant)

    @property
    def kept_dir(self) -> Path:
        """Where each executed chapter notebook is kept."""
        return self.out / f"{self.stem}.chapters"

    @property
    def data_dir(self) -> Path:
        """The chapters' own files (their ``output_dir``), one folder each."""
        return self.out / f"{self.stem}.data"

    @property
    def manifest_path(self) -> Path:
        return self.out / f"{self.stem}.manifest.json"


@dataclass(frozen=True)
class PlannedRun:
    """One execution the plan holds: a chapter, or one country's section of a per-country
    chapter, with its number, its cache key and the papermill task that makes it."""

    label: str
    chapter: str
    title: str
    number: str
    country: str | None
    key: str
    task: Task
    group_number: str  # the chapter's own number ("A" for every country's section)
    per_country: bool = False


@dataclass(frozen=True)
class Plan:
    """Everything decided before a chapter runs, from one state of the store."""

    options: BuildOptions
    runs: tuple[PlannedRun, ...]
    store: str  # fingerprint of the store's content (octasee.report.cache)
    library: str  # fingerprint of octasee
    config: str  # sha256 of octasee.toml
    digests: Mapping[str, str]  # chapter slug → notebook digest
    terms: Any  # the public variant's restricted terms (compiled), else None
    version: Version | None  # the draft this build makes (None: a preview)
    snapshot: Mapping[str, Any] | None  # what the version is compared on
    annex_letter: str  # the first annex letter no chapter takes (the changes annex)
    seconds: float = 0.0
    store_path: Path | None = None  # the store file the chapters read (the pinned copy)
    register: Register | None = None  # the analysts' judgements.yaml, checked (if any)
    judgements: RegisterState | None = None  # its state in this version (if a register)
    findings: Mapping[str, Mapping[str, Any]] | None = None  # key → digest, numbers, title
    #: what earlier drafts' public editions showed: (label, entries) of each that kept a
    #: record (private: restricted figures), and the labels of those that did not
    earlier: tuple[tuple[str, tuple[Mapping[str, Any], ...]], ...] = ()
    earlier_unrecorded: tuple[str, ...] = ()

    @property
    def earlier_entries(self) -> list[Mapping[str, Any]]:
        """Every entry of :attr:`earlier`, one list, each with its ``edition`` label
        (what the public view is made with)."""
        return _flat(self.earlier)

    @property
    def book(self) -> DraftBook | None:
        o = self.options
        return DraftBook(o.workspace.path, o.cycle) if self.version is not None else None


@dataclass(frozen=True)
class Executed:
    """Every run's fate, and the executed notebooks (label → JSON text) of those that
    were built or came from the cache."""

    plan: Plan
    runs: tuple[ChapterRun, ...]
    notebooks: Mapping[str, str]
    scrubbed: int = 0  # restricted text withheld from the kept notebooks (public variant)
    seconds: float = 0.0

    @property
    def failed(self) -> list[ChapterRun]:
        return [r for r in self.runs if r.state == "failed"]


@dataclass(frozen=True)
class Checked:
    """The public edition's release check (:func:`check`): the attack audit of the public
    view the chapters printed from, and the output-checking report written for the
    person who authorises release."""

    executed: Executed
    result: AuditResult
    suppressed: int  # cells and totals withheld (primary and complementary)
    published: int  # tables, figures and paragraphs the chapters list as printing numbers
    html: Path
    json: Path
    seconds: float = 0.0
    #: what the edition shows of every cell and total (:meth:`PublicView.record`; the
    #: draft keeps it to audit later drafts against; private: restricted figures)
    record: tuple[Mapping[str, Any], ...] = ()

    @property
    def ok(self) -> bool:
        return self.result.ok


@dataclass(frozen=True)
class Assembled:
    """The report as one HTML text, with what the draft keeps of it."""

    executed: Executed
    meta: Mapping[str, Any]  # cover and page markings (see _report_meta)
    html: str
    content: Mapping[str, Any] | None  # each chapter as a reader sees it (drafts)
    changes: Changes | None  # since the previous version, if there is one
    scrubbed: int = 0  # in total, the kept notebooks' included
    timings: Mapping[str, float] = field(default_factory=dict)
    #: Every figure and table of the report by evidence key (key, label, caption, kind,
    #: chapter, anchor, data: the data file's name or None, run): what references resolve
    #: against (:func:`octasee.report.assemble.collect_evidence`).
    evidence: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: The data files to publish beside the report (restricted edition): name → the
    #: chapter's copy.
    data_files: Mapping[str, Path] = field(default_factory=dict)


@dataclass(frozen=True)
class Published:
    """The files written: the report, its PDF (if asked for) and the manifest."""

    assembled: Assembled
    html: Path
    pdf: Path | None
    manifest: Path
    timings: Mapping[str, float] = field(default_factory=dict)
    #: The data files beside the report (``<stem>.evidence/<anchor>.csv``; restricted).
    data: tuple[Path, ...] = ()
    #: The public edition's release check (None: the restricted edition).
    checked: Checked | None = None


@dataclass(frozen=True)
class Recorded:
    """The draft kept under ``<workspace>/drafts/<cycle>/`` (None: a preview, or a build
    with a failed chapter, which is not recorded)."""

    published: Published
    version: Version | None
    seconds: float = 0.0


# --------------------------------------------------------------------------- configure


def _versions() -> dict[str, str]:
    out = {"octasee": __version__, "python": platform.python_version()}
    for name in ("papermill", "nbconvert", "nbformat", "nbclient", "jupyter_client",
                 "ipykernel", "plotly", "pandas", "duckdb", "playwright", "dask",
                 "distributed"):
        try:
            out[name] = package_version(name)
        except PackageNotFoundError:
            continue
    return out


def _workspace(workspace: Workspace | str | os.PathLike[str] | None) -> Workspace:
    return workspace if isinstance(workspace, Workspace) else find_workspace(
        str(workspace) if workspace is not None else None)


def _check_options(*, variant: str, formats: Sequence[str], executor: str,
                   jobs: int | None) -> tuple[list[str], int]:
    if variant not in VARIANTS:
        raise UsageError(f"unknown variant {variant!r}", hint="use 'restricted' or 'public'")
    fmts = [f.strip().lower() for f in formats if f.strip()]
    bad = [f for f in fmts if f not in FORMATS]
    if bad or not fmts:
        raise UsageError("unknown format " + (", ".join(map(repr, bad)) or "(none)"),
                         hint="use html, pdf or html,pdf")
    if "pdf" in fmts and "html" not in fmts:
        fmts.insert(0, "html")  # the PDF is printed from the HTML
    if "pdf" in fmts and chromium_path() is None:
        raise UsageError("no Chromium to print the PDF with",
                         hint="install it (apt-get install chromium) or set "
                              "OCTASEE_CHROMIUM, or build --format html")
    if executor not in EXECUTORS:
        raise UsageError(f"unknown executor {executor!r}", hint="use 'local' or 'dask'")
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs must be at least 1, not {jobs}")
    return fmts, jobs or max(1, min(2, os.cpu_count() or 1))


def _stall_minutes(ws: Workspace, option: float | None) -> float:
    """The watchdog's limit in minutes: the option, else the workspace's
    ``[report] stall_minutes`` (checked when the config was read; default 5); 0 is off."""
    if option is None:
        return float(ws.settings.report.stall_minutes)
    if option < 0:
        raise UsageError(f"--stall-minutes must be 0 or more, not {option}",
                         hint="0 turns the watchdog off")
    return float(option)


def configure(*, workspace: Workspace | str | os.PathLike[str] | None = None,
              cycle: str | None = None, variant: str = "restricted",
              formats: Sequence[str] = ("html", "pdf"), jobs: int | None = None,
              executor: str = "local", scheduler: str | None = None,
              keep_going: bool = False, out: str | os.PathLike[str] | None = None,
              chapters: Sequence[Chapter] | None = None,
              countries: Iterable[str] | None = None, build_date: dt.date | None = None,
              label: str | None = None, use_cache: bool = True, record_draft: bool = True,
              final: bool = False, cache_dir: str | os.PathLike[str] | None = None,
              timeout: float = 1800.0, stall_minutes: float | None = None) -> BuildOptions:
    """Check :func:`build_report`'s options and fill in every default from the workspace
    (which it finds as commands do). The sample workspace is filled from the bundled
    samples here, when its store is empty: the one write a build makes to a store."""
    fmts, jobs = _check_options(variant=variant, formats=formats, executor=executor,
                                jobs=jobs)
    ws = _workspace(workspace)
    minutes = _stall_minutes(ws, stall_minutes)
    ensure_samples(ws)
    if not ws.store_path.exists():
        raise ReportError("the workspace has no store yet", where=str(ws.store_path),
                          hint="ingest the questionnaires first: octasee ingest FILE...")
    codes = [resolve_country(c) for c in (countries if countries is not None else ws.expected)]
    chapter_list = list(chapters) if chapters is not None else ws.chapters()
    # An editors' annex (notebook metadata octasee.variants) stays out of the public edition.
    all_chapters = tuple(chapter_list)
    chapter_list = _edition_letters([c for c in chapter_list if variant in c.variants],
                                    all_chapters)
    if not chapter_list:
        raise ReportError("no chapters to build", hint="pass at least one chapter")
    slugs = [c.slug for c in chapter_list]
    if len(set(slugs)) != len(slugs):
        raise ReportError("two chapters share a slug: " + ", ".join(
            sorted({s for s in slugs if slugs.count(s) > 1})), hint="rename one notebook")
    cache = (Path(cache_dir) if cache_dir else ws.path / ".octasee-cache" / "report") \
        if use_cache else None
    whole = {c.slug for c in ws.chapters() if variant in c.variants}
    complete = whole <= set(slugs) and set(ws.expected) <= set(codes)
    return BuildOptions(
        workspace=ws, cycle=cycle or ws.cycle, variant=variant, formats=tuple(fmts),
        jobs=jobs, executor=executor, scheduler=scheduler, keep_going=keep_going,
        out=Path(out or "build").resolve(), chapters=tuple(chapter_list),
        countries=tuple(codes), build_date=build_date or dt.date.today(), label=label,
        use_cache=use_cache, record_draft=record_draft, final=final, cache_dir=cache,
        timeout=timeout, stall_minutes=minutes, complete=complete,
        all_chapters=all_chapters)


# --------------------------------------------------------------------------- plan


@contextlib.contextmanager
def pinned_store(ws: Workspace) -> Iterator[Path | None]:
    """The workspace's store snapshot, pinned for one build (see the module docstring):
    a path that opens as the store, removed afterwards; None when it cannot be pinned (a
    read-only workspace), and the build then reads the store as usual."""
    pins = ws.path / ".octasee-cache" / "pins"
    _remove_dead_pins(pins)
    folder = pins / f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
    try:
        pin = pin_snapshot(ws.store_path, folder)
    except OSError:
        pin = None
    try:
        yield pin
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _remove_dead_pins(pins: Path) -> None:
    """Remove the pins of builds whose process is gone (killed before it could)."""
    with contextlib.suppress(OSError):
        for folder in pins.iterdir():
            pid = folder.name.split("-", 1)[0]
            if not pid.isdigit():
                continue
            try:
                os.kill(int(pid), 0)
            except ProcessLookupError:
                shutil.rmtree(folder, ignore_errors=True)
            except OSError:  # alive, another user's
                continue


def _edition_letters(kept: Sequence[Chapter], every: Sequence[Chapter]) -> list[Chapter]:
    """``kept`` (the chapters of one edition) with the annexes after one the edition
    leaves out lettered on, so that it has no gap: the public edition, without the
    editors' annex C, has A, B, C (original texts), D … rather than A, B, D, E and a
    changes annex taking the free C after them. Only an annex the edition leaves out
    closes up; one left out of a build by choice (``[chapters] include``) keeps its
    letter, as the chapters' text refers to annexes by letter.

    >>> from pathlib import Path
    >>> a, c, d = (Chapter(x, x, Path(x + ".ipynb"), number=x) for x in "ACD")
    >>> c = Chapter("C", "C", Path("C.ipynb"), number="C", variants=("restricted",))
    >>> [x.number for x in _edition_letters([a, d], [a, c, d])]
    ['A', 'C']
    """
    dropped = {c.slug for c in every} - {c.slug for c in kept}
    gone = sorted(c.number for c in every if c.slug in dropped and c.number
                  and c.number.isalpha() and len(c.number) == 1)
    if not gone:
        return list(kept)
    out = []
    for c in kept:
        if c.number and c.number.isalpha() and len(c.number) == 1:
            shift = sum(g < c.number for g in gone)
            if shift:
                c = replace(c, number=_LETTERS[_LETTERS.index(c.number) - shift])
        out.append(c)
    return out


def _numbers(chapters: Sequence[Chapter]) -> tuple[dict[str, str], str]:
    """Each chapter's number (its own; else chapters 1, 2 … in order, per-country ones as
    annexes A, B … not taken), and the next free annex letter (the changes annex)."""
    taken = {c.number for c in chapters if c.number and c.number.isalpha()}
    free = iter(x for x in _LETTERS if x not in taken)
    sequence = 0
    base_of: dict[str, str] = {}
    for ch in chapters:
        if ch.number is not None:
            base_of[ch.slug] = ch.number
        elif ch.per_country:
            base_of[ch.slug] = next(free)
        else:
            sequence += 1
            base_of[ch.slug] = str(sequence)
    return base_of, next(free, "Z")


def plan(options: BuildOptions, *, store: str | os.PathLike[str] | None = None) -> Plan:
    """Decide the build from one state of the store (``store``: a pinned copy, default
    the workspace's store): the fingerprints and each run's cache key, each chapter's
    parameters, the draft this build makes and its snapshot, the analysts' register
    (``judgements.yaml``) and its state across drafts. Runs nothing and writes nothing
    but that state, for the chapter kernels (a JSON file in the workspace's cache named
    by :data:`~octasee.analysis.register.STATE_ENV` in their environment).

    Raises :class:`ReportError` for a chapter whose parameters cell lacks a parameter
    the build must pass, and :class:`~octasee.errors.ConfigError` (file, line, what to
    write) for a register that cannot be read or cites a finding that does not exist."""
    t0 = time.perf_counter()
    o = options
    ws = o.workspace
    store_path = Path(store) if store is not None else ws.store_path
    store_fp = store_fingerprint(store_path)
    lib_fp = library_fingerprint()
    cfg_path = ws.path / "octasee.toml"
    cfg_fp = hashlib.sha256(cfg_path.read_bytes() if cfg_path.exists() else b"").hexdigest()
    terms = compile_terms(restricted_terms(store_path)) if o.variant == "public" else None
    # The chapter kernels read the same pinned copy (octasee.store.PIN_ENV).
    env = {PIN_ENV: json.dumps({"store": str(ws.store_path.resolve()),
                                "file": str(store_path.resolve())})
           } if store_path.resolve() != ws.store_path.resolve() else {}
    codes = list(o.countries)
    base_of, annex_letter = _numbers(o.chapters)
    runs: list[PlannedRun] = []
    digests: dict[str, str] = {}
    notebooks: dict[str, tuple[dict[str, Any], str]] = {}
    for ch in o.chapters:
        declared = notebook_parameters(ch.notebook)
        lacking = [p for p in _REQUIRED if p not in declared]
        if lacking:
            raise ReportError(f"the parameters cell does not declare {', '.join(lacking)}",
                              where=f"chapter {ch.slug} ({ch.notebook})",
                              hint="every chapter declares " + ", ".join(STANDARD_PARAMETERS)
                              + " (a country profile: country too); without 'variant' a "
                                "public build would read restricted data")
        text = ch.notebook.read_text("utf-8")
        digests[ch.slug] = notebook_digest(json.loads(text))
        notebooks[ch.slug] = (declared, text)
    # The analysts' register (judgements.yaml) is checked before any chapter runs; its
    # text is an input of the draft and of every chapter's cache key, and its state
    # across drafts reaches the chapter kernels through STATE_ENV.
    register = read_register(ws.path)
    if o.cycle != ws.cycle:  # the register judges the workspace's cycle, not an earlier one
        register = Register((), register.path)
    inputs_cfg = cfg_fp if not register.exists else hashlib.sha256(
        (cfg_fp + ":" + hashlib.sha256(register.text.encode()).hexdigest()).encode()
    ).hexdigest()
    # The analysts' bottom line and outlook (summary.md, summary.public.md, outlook.yaml)
    # are inputs too: an edited bottom line or scenario is a new draft and reruns the
    # chapters. The outlook file is checked before any chapter runs.
    texts = workspace_texts(ws) if o.cycle == ws.cycle else {}
    if texts:
        read_outlook(ws)
        inputs_cfg = hashlib.sha256((inputs_cfg + ":" + json.dumps(
            texts, sort_keys=True, ensure_ascii=False)).encode()).hexdigest()
    # The translation memory (translations.yaml) too, for every cycle: an edited or new
    # translation changes what the chapters quote. It is checked before any chapter runs.
    memory = read_memory(ws)
    if memory.exists:
        inputs_cfg = hashlib.sha256((inputs_cfg + ":translations:" + hashlib.sha256(
            memory.text.encode()).hexdigest()).encode()).hexdigest()
    version = stored = None
    if o.record_draft:
        version = DraftBook(ws.path, o.cycle).plan(inputs_fingerprint(
            cycle=o.cycle, countries=codes, store=store_fp, config=inputs_cfg,
            library=lib_fp,
            chapters=[(c.slug, digests[c.slug] if c.slug in digests else notebook_digest(
                json.loads(c.notebook.read_text("utf-8"))), c.parameters)
                for c in (o.all_chapters or o.chapters)]),
            final=o.final)
        stored = DraftBook(ws.path, o.cycle).snapshot(version) if not version.is_new \
            else None
    found = None  # the findings, when they had to be computed (not kept in a snapshot)
    records = (stored or {}).get("findings")
    if not isinstance(records, Mapping) and (register.exists or version is not None):
        with Store(store_path, read_only=True) as reader:
            found = find(reader, cycle=o.cycle, countries=codes)
        records = finding_records(found)
    state = None
    key_cfg = inputs_cfg
    if register.exists:
        # Findings depend on the countries only: a build that leaves one out may lack some.
        if set(ws.expected) <= set(codes):
            check_references(register, findings=records or {})
        state = register_state(DraftBook(ws.path, o.cycle), version, register, records or {})
        given = state if o.variant == "restricted" else state.public()
        env = {**env, STATE_ENV: str(_write_state(given, ws))}
        key_cfg = hashlib.sha256((inputs_cfg + ":" + given.digest()).encode()).hexdigest()
    # What earlier drafts' public editions showed: the public view is made knowing it
    # (a figure already out is never a complement; a complement stays withheld), in the
    # kernels (EARLIER_ENV), the snapshot and the release check alike.
    earlier: list[tuple[str, tuple[Mapping[str, Any], ...]]] = []
    unrecorded: list[str] = []
    for v, entries in DraftBook(ws.path, o.cycle).public_records(exclude=version):
        if entries is None:
            unrecorded.append(v.label)
        else:
            earlier.append((f"the public edition of {v.label}", tuple(entries)))
    flat = _flat(earlier)
    if flat and o.variant == "public":
        path, digest = _write_earlier(flat, ws)
        env = {**env, EARLIER_ENV: str(path)}
        key_cfg = hashlib.sha256((key_cfg + ":earlier:" + digest).encode()).hexdigest()
    for ch in o.chapters:
        declared, text = notebooks[ch.slug]
        base = base_of[ch.slug]
        if ch.per_country:
            instances = [(f"{ch.slug}-{c}", c, f"{base}.{i}" if base else str(i),
                          country_name(c)) for i, c in enumerate(codes, start=1)]
        else:
            instances = [(ch.slug, None, base, ch.title)]
        for label, code, number, title in instances:
            params: dict[str, Any] = {
                "cycle": o.cycle, "workspace": str(ws.path.resolve()), "countries": codes,
                "variant": o.variant, "output_dir": str(o.data_dir / label)}
            params = {k: v for k, v in params.items() if k in declared}
            if code is not None:
                params["country"] = code
            params.update(ch.parameters)
            own = Path(ch.notebook).stem.split("_")[0]
            lettered = {NUMBER_ENV: base} if base != own and own.isalpha() else {}
            key = task_key(notebook=digests[ch.slug], parameters={**params, **lettered},
                           store=store_fp, library=lib_fp, config=key_cfg)
            task = Task(key=key, chapter=ch.slug, label=label, notebook_json=text,
                        parameters=params, cwd=str(o.data_dir / label), country=code,
                        timeout=o.timeout,
                        stall_timeout=o.stall_minutes * 60 if o.stall_minutes else None,
                        env={**env, **lettered})
            runs.append(PlannedRun(label, ch.slug, title, number, code, key, task,
                                   group_number=base, per_country=ch.per_country))
    snap = None
    if version is not None:
        # From the store the chapters read (the fingerprint above), not after execution.
        snap = stored or snapshot(
            store_path, cycle=o.cycle, countries=codes,
            rules=DisclosureRules.from_settings(ws), findings=found,
            register=register if register.exists else None, state=state, earlier=flat)
    return Plan(options=o, runs=tuple(runs), store=store_fp, library=lib_fp, config=cfg_fp,
                digests=digests, terms=terms, version=version, snapshot=snap,
                annex_letter=annex_letter, seconds=round(time.perf_counter() - t0, 3),
                store_path=store_path, register=register if register.exists else None,
                judgements=state, findings=records, earlier=tuple(earlier),
                earlier_unrecorded=tuple(unrecorded))


def _flat(earlier: Sequence[tuple[str, Sequence[Mapping[str, Any]]]]
          ) -> list[Mapping[str, Any]]:
    return [{**e, "edition": label} for label, entries in earlier for e in entries]


def _write_earlier(entries: Sequence[Mapping[str, Any]], ws: Workspace) -> tuple[Path, str]:
    """What earlier public editions showed, as the chapter kernels read it (EARLIER_ENV):
    a JSON file in the workspace's cache named by its content (it holds restricted
    figures: the workspace, else a private temporary folder); and its digest."""
    text = json.dumps(list(entries), sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(text.encode()).hexdigest()
    for folder in (ws.path / ".octasee-cache" / "earlier",
                   Path(tempfile.gettempdir()) / f"octasee-earlier-{os.getuid()}"):
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            path = folder / f"{digest[:16]}.json"
            if not path.exists():
                write_text_atomic(path, text)
            return path, digest
        except OSError:  # a read-only workspace
            continue
    raise ReportError("what earlier public editions showed cannot be written for the "
                      "chapters", where=str(ws.path / ".octasee-cache"),
                      hint="make the workspace writable, or TMPDIR")


def _write_state(state: RegisterState, ws: Workspace) -> Path:
    """The register's state as the chapter kernels read it (STATE_ENV): a JSON file in
    the workspace's cache (named by its content), else in the temporary folder."""
    try:
        return write_state(state, ws.path / ".octasee-cache" / "judgements")
    except OSError:  # a read-only workspace
        return write_state(state, Path(tempfile.gettempdir()) / "octasee-judgements")


# --------------------------------------------------------------------------- execute


def _fix_metadata(nb_json: str, *, source: Path, kept: Path) -> dict[str, Any]:
    nb = json.loads(nb_json)
    pm = nb.setdefault("metadata", {}).setdefault("papermill", {})
    pm["input_path"] = str(source)
    pm["output_path"] = str(kept)
    return nb


def execute(plan: Plan, *, on_event: Event | None = None) -> Executed:
    """Run the plan: each run from the cache when its key is there, else with papermill
    (``jobs`` at a time, locally or on dask); keep every executed or partly executed
    notebook in ``<stem>.chapters/`` (scrubbed of restricted text in the public variant).

    Never raises for a chapter's own error: the run is ``failed`` with its error, and
    without ``keep_going`` the runs not started yet are ``skipped``."""
    t0 = time.perf_counter()
    o = plan.options
    emit: Event = on_event or _quiet
    cache = Cache(o.cache_dir) if o.cache_dir is not None else None
    chapter_of = {c.slug: c for c in o.chapters}
    runs = [ChapterRun(p.label, p.chapter, p.title, p.number, p.country, p.key)
            for p in plan.runs]
    by_label = {r.label: r for r in runs}
    task_of = {p.label: p.task for p in plan.runs}
    for r in runs:
        emit(r.label, "queued", {"title": r.title})
    notebooks: dict[str, str] = {}
    scrubbed = 0

    def keep(run: ChapterRun, nb_json: str) -> None:
        nonlocal scrubbed
        target = o.kept_dir / f"{run.label}.ipynb"
        nb = _fix_metadata(nb_json, source=chapter_of[run.chapter].notebook, kept=target)
        if plan.terms is not None:
            nb, n = scrub_notebook(nb, plan.terms)
            scrubbed += n
        write_text_atomic(target, json.dumps(nb, ensure_ascii=False, indent=1) + "\n")
        run.notebook = str(target.relative_to(o.out))

    todo: list[Task] = []
    for r in runs:
        hit = cache.get(r.key) if cache else None
        if hit is not None:
            r.state = "cached"
            notebooks[r.label] = hit
            keep(r, hit)
            emit(r.label, "cached", {})
        else:
            todo.append(task_of[r.label])
    for outcome in run_tasks(todo, jobs=o.jobs, executor=o.executor, scheduler=o.scheduler,
                             on_event=emit, stop_on_failure=not o.keep_going):
        r = by_label[outcome.label]
        r.seconds, r.attempts, r.timings = outcome.seconds, outcome.attempts, outcome.timings
        r.restarts, r.incidents = outcome.restarts, list(outcome.incidents)
        if outcome.notebook_json is not None:
            keep(r, outcome.notebook_json)
        if outcome.ok and outcome.notebook_json is not None:
            r.state = "ok"
            notebooks[r.label] = outcome.notebook_json
            if cache:
                cache.put(r.key, outcome.notebook_json)
        else:
            r.state = "failed"
            r.error = dict(outcome.error or {})
        emit(r.label, r.state, {"seconds": r.seconds, "error": r.error,
                                "note": f"restarted once: {r.incidents[0]}"
                                if r.incidents and r.state == "ok" else None})
    for r in runs:
        if r.state == "queued":
            r.state = "skipped"
    return Executed(plan=plan, runs=tuple(runs), notebooks=notebooks, scrubbed=scrubbed,
                    seconds=round(time.perf_counter() - t0, 3))


# --------------------------------------------------------------------------- assemble


# --------------------------------------------------------------------------- check


def check(executed: Executed, *, on_event: Event | None = None) -> Checked | None:
    """The public edition's release check; None for the restricted edition.

    Makes the public view the chapters printed from (:func:`octasee.sdc.make_public_view`
    on the same restricted rows of the same store, knowing the same figures published
    elsewhere), runs the attack audit on it (:func:`octasee.sdc.audit`: for every
    suppressed cell, the interval a reader can work out from everything published, the
    UNODC table's figures included) and writes the output-checking report
    ``<stem>.output-check.html`` (and ``.json``) beside the manifest. When a suppressed
    cell can be narrowed below its protection interval, or the audit cannot run, raises
    :class:`~octasee.errors.DisclosureError` naming the table or figure, the cell and the
    combination that discloses it: the public edition is not written."""
    plan = executed.plan
    o = plan.options
    if o.variant != "public":
        return None
    emit: Event = on_event or _quiet
    t0 = time.perf_counter()
    emit("[disclosure]", "running", {})
    rules = DisclosureRules.from_settings(o.workspace)
    rows = restricted_indicators(plan.store_path or o.workspace.store_path,
                                 cycle=o.cycle, countries=o.countries)
    view = public_view(rows, cycle=o.cycle, countries=o.countries, rules=rules,
                       earlier=plan.earlier_entries)
    publications = read_publications(o.data_dir / r.label for r in executed.runs)
    result = audit(view, publications=publications,
                   earlier=[EarlierEdition(label, entries) for label, entries in plan.earlier])
    html = write_output_check(o.out / f"{o.stem}.output-check.html", view, result,
                              publications=publications, unaudited=plan.earlier_unrecorded)
    seconds = round(time.perf_counter() - t0, 3)
    emit("[disclosure]", "ok" if result.ok else "failed", {"seconds": seconds})
    out = [b for f in result.findings for b in f.binding
           if b.startswith("the public edition of ") and " printed " in b]
    result.raise_if_failed(hint=f"see the output-checking report {html}; the public "
                                "edition was not written" + (
                                    "; " + out[0].split(" printed ")[0] + " printed a figure "
                                    "this edition withholds, with the same value: withholding "
                                    "it now cannot take it back (ask the country whether it "
                                    "may stay published; if that edition never left the "
                                    "team, delete its view.json in the draft's public folder "
                                    "and build again)" if out else ""))
    suppressed = int((view.cells["status"] != "published").sum()
                     + (view.margins["status"] != "published").sum())
    return Checked(executed=executed, result=result, suppressed=suppressed,
                   published=len(publications), html=html, json=html.with_suffix(".json"),
                   seconds=seconds, record=tuple(view.record()))


def _report_meta(ws: Workspace, *, cycle: str, variant: str, build_date: dt.date,
                 label: str | None) -> dict[str, Any]:
    """The cover's and every page's words: the workspace's ``[report]`` settings (their
    defaults are :class:`~octasee.workspace.ReportSettings`')."""
    report = ws.settings.report
    restricted = variant == "restricted"
    return {
        "title": report.title,
        "organisation": report.organisation,
        "cycle": cycle,
        "label": label or "Preview",
        "date": f"{build_date.day} {build_date:%B %Y}",
        "iso_date": build_date.isoformat(),
        "marking": report.classification if restricted else report.public_classification,
        "handling": report.handling if restricted else report.public_handling,
        "variant": variant,
        "variant_label": "Restricted version" if restricted else "Public version",
    }


def _changes(book: DraftBook, version: Version, snap: Mapping[str, Any], *, variant: str,
             runs: Sequence[ChapterRun], notebooks: Mapping[str, Mapping[str, Any]],
             build_date: dt.date, terms: Any) -> tuple[dict[str, Any], Changes | None]:
    """This version's content (what a reader sees of each chapter; in the public variant
    scrubbed like the report), and its changes since the previous version (None for the
    first)."""
    content = {}
    for r in runs:
        if r.label not in notebooks:
            continue
        nb = notebooks[r.label]
        if terms is not None:
            nb, _ = scrub_notebook(nb, terms)
        content[r.label] = {"number": r.number, "title": r.title, **chapter_content(nb)}
    previous = book.previous(version)
    if previous is None or (version.final and variant == "public"):
        return content, None  # the first version; the publication itself
    changes = compare(a_label=previous.label, b_label=version.label, variant=variant,
                      a_snapshot=book.snapshot(previous), b_snapshot=snap,
                      a_content=book.content(previous, variant), b_content=content,
                      a_date=previous.variants.get(variant, next(iter(
                          previous.variants.values()), {})).get("build_date", ""),
                      b_date=build_date.isoformat())
    return content, changes


def assemble(executed: Executed, *, on_event: Event | None = None) -> Assembled:
    """Merge the executed chapters in report order (a failure box for a chapter that did
    not run), add the annex "What changed since the previous draft" when there is a
    previous version, and convert the whole to one offline HTML (one nbconvert pass)."""
    plan = executed.plan
    o = plan.options
    emit: Event = on_event or _quiet
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    emit("[merge]", "running", {})
    label = o.label
    if label is None and plan.version is not None:
        label = plan.version.label + (" (incomplete)" if executed.failed else "")
    meta = _report_meta(o.workspace, cycle=o.cycle, variant=o.variant,
                        build_date=o.build_date, label=label)
    parsed = {k: json.loads(text) for k, text in executed.notebooks.items()}
    planned = {p.label: p for p in plan.runs}
    chapter_title = {c.slug: c.title for c in o.chapters}
    parts: list[Part] = []
    for r in executed.runs:
        p = planned[r.label]
        nb = parsed.get(r.label)
        failure = None if nb is not None else (r.error or {"ename": "not run",
                                                           "evalue": "skipped"})
        parts.append(Part(slug=r.label, title=r.title, number=r.number, nb=nb,
                          failure=failure, level=2 if p.per_country else 1,
                          notebook_path=r.notebook or "",
                          anchor=f"ch-{r.label}" if not p.per_country else r.label,
                          group_title=chapter_title[r.chapter], group_number=p.group_number,
                          annex=p.group_number.isalpha()))
    content = changes = None
    book = plan.book
    if book is not None and plan.version is not None and plan.snapshot is not None:
        t_drafts = time.perf_counter()
        content, changes = _changes(book, plan.version, plan.snapshot, variant=o.variant,
                                    runs=executed.runs, notebooks=parsed,
                                    build_date=o.build_date, terms=plan.terms)
        if changes is not None:
            letter = plan.annex_letter
            parts.append(Part(slug="changes", title="What changed since the previous draft",
                              number=letter, nb={"cells": annex_cells(changes,
                                                                      number=letter)},
                              annex=True, anchor="annex-changes"))
        timings["drafts"] = round(time.perf_counter() - t_drafts, 3)
    merged = merge_chapters(parts, meta=meta)
    scrubbed = executed.scrubbed
    if plan.terms is not None:
        merged, n = scrub_notebook(merged, plan.terms)
        scrubbed += n
    timings["merge"] = round(time.perf_counter() - t0, 3)
    emit("[merge]", "ok", {"seconds": timings["merge"]})
    t0 = time.perf_counter()
    emit("[html]", "running", {})
    html = convert_to_html(merged)
    timings["convert"] = round(time.perf_counter() - t0, 3)
    emit("[html]", "ok", {"seconds": timings["convert"]})
    # The figures and tables by evidence key; the data links (restricted edition) point
    # at the copies publish writes beside the report; references show their labels.
    t0 = time.perf_counter()
    restricted = o.variant == "restricted"
    evidence = collect_evidence([(r.label, o.data_dir / r.label, parsed[r.label])
                                 for r in executed.runs if r.label in parsed],
                                data=restricted)
    strict = o.complete and not executed.failed
    if strict and plan.register is not None:
        # Every figure and table key the register cites, with its file and line.
        check_references(plan.register, findings=plan.findings or {},
                         evidence=evidence.entries)
    html = link_evidence(html, evidence, folder=data_folder_name(o.stem) if restricted
                         else None, strict=strict)
    html = insert_list_of_figures(html)
    timings["evidence"] = round(time.perf_counter() - t0, 3)
    return Assembled(executed=executed, meta=meta, html=html, content=content,
                     changes=changes, scrubbed=scrubbed, timings=timings,
                     evidence=evidence.entries, data_files=evidence.files)


# --------------------------------------------------------------------------- publish


def _result(executed: Executed, *, timings: Mapping[str, float], scrubbed: int,
            changes: Changes | None = None, html: Path | None = None,
            pdf: Path | None = None, manifest: Path | None = None,
            checked: Checked | None = None) -> BuildResult:
    o = executed.plan.options
    return BuildResult(out=o.out, cycle=o.cycle, variant=o.variant,
                       runs=list(executed.runs), html=html, pdf=pdf, manifest=manifest,
                       timings=dict(timings), scrubbed=scrubbed,
                       version=executed.plan.version, changes=changes,
                       output_check=checked.html if checked is not None else None)


def publish(assembled: Assembled, *, on_event: Event | None = None,
            timings: Mapping[str, float] | None = None,
            started: float | None = None, checked: Checked | None = None) -> Published:
    """Write the report: the data files beside it (restricted edition:
    ``<stem>.evidence/``, replaced as a whole; none in the public edition), the HTML,
    the PDF printed from it (when asked for) and the manifest, each atomically. The
    manifest records ``timings`` (the build's so far) with this stage's, and the total
    since ``started`` (a ``time.perf_counter()``) if given; :attr:`Published.timings` is
    what it recorded."""
    executed = assembled.executed
    o = executed.plan.options
    emit: Event = on_event or _quiet
    t0 = time.perf_counter()
    # The data first: the report never links a file that is not there yet.
    data = tuple(write_data_folder(o.out / data_folder_name(o.stem), assembled.data_files))
    html_path = write_text_atomic(o.out / f"{o.stem}.html", assembled.html)
    spent = {"convert": round(assembled.timings.get("convert", 0.0)
                              + time.perf_counter() - t0, 3)}
    pdf_path = None
    if "pdf" in o.formats:
        t0 = time.perf_counter()
        emit("[pdf]", "running", {})
        pdf_path = o.out / f"{o.stem}.pdf"
        print_pdf(html_path, pdf_path, marking=assembled.meta["marking"],
                  label=assembled.meta["label"])
        spent["pdf"] = round(time.perf_counter() - t0, 3)
        emit("[pdf]", "ok", {"seconds": spent["pdf"]})
    recorded = {**(timings or {}), **spent}
    if started is not None:
        recorded["total"] = round(time.perf_counter() - started, 3)
    result = _result(executed, timings=recorded, scrubbed=assembled.scrubbed,
                     changes=assembled.changes, html=html_path, pdf=pdf_path,
                     checked=checked)
    manifest = write_manifest(result, executed.plan, checked=checked, data=data)
    return Published(assembled=assembled, html=html_path, pdf=pdf_path, manifest=manifest,
                     timings=recorded, data=data, checked=checked)


def fail(executed: Executed, *, timings: Mapping[str, float] | None = None) -> NoReturn:
    """A chapter failed and the build does not keep going: write the manifest (it names
    every failure) and raise :class:`ChapterError` for the first one."""
    plan = executed.plan
    o = plan.options
    result = _result(executed, timings=timings or {}, scrubbed=executed.scrubbed)
    manifest = write_manifest(result, plan)
    first = result.failed[0]
    err = first.error or {}
    failures = [{"chapter": r.label, "cell": (r.error or {}).get("cell"),
                 "ename": (r.error or {}).get("ename"),
                 "evalue": (r.error or {}).get("evalue"), "notebook": r.notebook}
                for r in result.failed]
    what = f"{err.get('ename', 'Error')}: {err.get('evalue', '')}".strip()
    if plan.terms is not None:
        what = scrub_text(what, plan.terms)[0]
    kept = f"the partly executed notebook is {o.out / first.notebook}" \
        if first.notebook else "no notebook was produced"
    raise ChapterError(what, chapter=first.label, cell=err.get("cell"), failures=failures,
                       hint=f"{kept}; rerun with --keep-going to build the rest",
                       manifest=str(manifest))


# --------------------------------------------------------------------------- record


def record(published: Published) -> Recorded:
    """Keep this build as its draft (snapshot, content and copies of the files) under
    ``<workspace>/drafts/<cycle>/``; nothing for a preview or a build with a failed
    chapter."""
    assembled = published.assembled
    executed = assembled.executed
    plan = executed.plan
    book, version = plan.book, plan.version
    if book is None or version is None or plan.snapshot is None or executed.failed:
        return Recorded(published=published, version=None)
    t0 = time.perf_counter()
    book.save(version, variant=plan.options.variant, snap=plan.snapshot,
              content=assembled.content or {},
              files=[published.html, published.pdf, published.manifest],
              build_date=plan.options.build_date,
              view=(list(published.checked.record) if published.checked is not None
                    else None))
    return Recorded(published=published, version=version,
                    seconds=round(time.perf_counter() - t0, 3))


# --------------------------------------------------------------------------- the build


def build_report(*, workspace: Any = None, cycle: str | None = None,
                 variant: str = "restricted", formats: Sequence[str] = ("html", "pdf"),
                 jobs: int | None = None, executor: str = "local",
                 scheduler: str | None = None, keep_going: bool = False,
                 out: str | os.PathLike[str] | None = None,
                 chapters: Sequence[Chapter] | None = None,
                 countries: Iterable[str] | None = None, build_date: dt.date | None = None,
                 label: str | None = None, use_cache: bool = True,
                 record_draft: bool = True, final: bool = False,
                 cache_dir: str | os.PathLike[str] | None = None,
                 timeout: float = 1800.0, stall_minutes: float | None = None,
                 on_event: Event | None = None) -> BuildResult:
    """Build the report of a workspace's cycle: execute, assemble, convert, print.

    ``chapters`` defaults to the workspace's (:meth:`Workspace.chapters`: its own notebooks
    folder, else the bundled notebooks);
    ``countries`` (for the per-country annex) to the workspace's expected countries;
    ``build_date`` (on the cover) to today: pass it to make the HTML reproducible.
    A failed chapter raises :class:`ChapterError` (its partly executed notebook is kept)
    unless ``keep_going``, which puts a failure box in its place and still writes the
    report; the result's ``exit_code`` is then 1. Executions are cached in
    ``cache_dir`` (default: ``<workspace>/.octasee-cache/report``).

    A chapter whose kernel sends nothing for ``stall_minutes`` while a cell runs (default:
    the workspace's ``[report] stall_minutes``, else 5; 0 turns the watchdog off), or dies
    in a cell, is run again once on a fresh kernel, then fails naming the cell
    (:mod:`octasee.report.watchdog`).

    Each build is a version of the cycle's report (:mod:`octasee.report.drafts`):
    draft 1, 2, … or, with ``final``, the final version, stamped on the cover and in every
    page footer and kept under ``<workspace>/drafts/<cycle>/``; from the second version
    on the report has an annex "What changed since the previous draft" (except the public
    variant of the final version: the publication). With
    ``record_draft=False`` (a preview) nothing is recorded and there is no such annex.

    The stages (:func:`configure`, :func:`plan`, :func:`execute`, :func:`check`,
    :func:`assemble`, :func:`publish`, :func:`record`) can be called one by one.

    >>> import tempfile
    >>> build_report(variant="secret", out=tempfile.mkdtemp())
    Traceback (most recent call last):
    ...
    octasee.errors.UsageError: unknown variant 'secret'; use 'restricted' or 'public'
    """
    t_start = time.perf_counter()
    options = configure(
        workspace=workspace, cycle=cycle, variant=variant, formats=formats, jobs=jobs,
        executor=executor, scheduler=scheduler, keep_going=keep_going, out=out,
        chapters=chapters, countries=countries, build_date=build_date, label=label,
        use_cache=use_cache, record_draft=record_draft, final=final, cache_dir=cache_dir,
        timeout=timeout, stall_minutes=stall_minutes)
    with pinned_store(options.workspace) as pin:
        t0 = time.perf_counter()
        planned = plan(options, store=pin)
        timings = {"prepare": round(time.perf_counter() - t0, 3)}
        executed = execute(planned, on_event=on_event)
        timings["execute"] = executed.seconds
        if executed.failed and not keep_going:
            fail(executed, timings={**timings,
                                    "total": round(time.perf_counter() - t_start, 3)})
        checked = check(executed, on_event=on_event)
        if checked is not None:
            timings["disclosure"] = checked.seconds
        assembled = assemble(executed, on_event=on_event)
        published = publish(assembled, on_event=on_event,
                            timings={**timings, **assembled.timings}, started=t_start,
                            checked=checked)
        recorded = record(published)
    timings = dict(published.timings)
    if recorded.seconds:
        timings["drafts"] = round(timings.get("drafts", 0.0) + recorded.seconds, 3)
    return _result(executed, timings=timings, scrubbed=assembled.scrubbed,
                   changes=assembled.changes, html=published.html, pdf=published.pdf,
                   manifest=published.manifest, checked=checked)


# --------------------------------------------------------------------------- manifest


def _file_entry(path: Path | None, base: Path) -> dict[str, Any] | None:
    if path is None or not path.exists():
        return None
    data = path.read_bytes()
    return {"path": str(path.relative_to(base)), "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest()}


def write_manifest(result: BuildResult, plan: Plan, *, checked: Checked | None = None,
                   data: Sequence[Path] = ()) -> Path:
    """The build's manifest: parameters, input hashes, versions, timings, each run, the
    data files beside the report (``data``: restricted edition), and (public edition)
    the output-checking report with the audit's verdict."""
    o = plan.options
    manifest: dict[str, Any] = {
        "manifest_version": 1,
        "version": None if result.version is None else {
            **{k: v for k, v in result.version.record().items() if k != "variants"},
            "folder": str(result.version.folder)},
        "report": {"cycle": o.cycle, "variant": o.variant,
                   "build_date": o.build_date.isoformat(),
                   "ok": result.ok, "exit_code": result.exit_code,
                   "scrubbed_restricted_text": result.scrubbed},
        "parameters": {"workspace": str(o.workspace.path.resolve()), "cycle": o.cycle,
                       "variant": o.variant, "formats": list(o.formats), "jobs": o.jobs,
                       "executor": o.executor, "scheduler": o.scheduler,
                       "keep_going": o.keep_going, "stall_minutes": o.stall_minutes,
                       "countries": list(o.countries),
                       "out": str(result.out)},
        "inputs": {"store": plan.store, "library": plan.library,
                   "workspace_config": plan.config,
                   "templates": digest_templates(),
                   "chapters": {c.slug: {"notebook": str(c.notebook),
                                         "sha256": plan.digests[c.slug],
                                         "per_country": c.per_country,
                                         "parameters": dict(c.parameters)}
                                for c in o.chapters}},
        "versions": _versions(),
        "platform": {"system": platform.system(), "machine": platform.machine(),
                     "python": sys.version.split()[0]},
        "timings": result.timings,
        "chapters": [asdict(r) for r in result.runs],
        "outputs": {"html": _file_entry(result.html, result.out),
                    "pdf": _file_entry(result.pdf, result.out),
                    "data": [e for e in (_file_entry(p, result.out) for p in data) if e]},
    }
    if checked is not None:
        manifest["output_check"] = {
            "report": _file_entry(checked.html, result.out),
            "data": _file_entry(checked.json, result.out),
            "release": checked.ok, "suppressed": checked.suppressed,
            "findings": len(checked.result.findings),
            "restricted_equals_public": checked.result.restricted_equals_public,
            "publications": checked.published}
    if plan.terms is not None:
        manifest, n = scrub_notebook(manifest, plan.terms)
        manifest["report"]["scrubbed_restricted_text"] += n
    return write_text_atomic(o.manifest_path, json.dumps(manifest, indent=2,
                                                         ensure_ascii=False,
                                                         default=str) + "\n")

