"""``build_report``: chapters → papermill (parallel, cached) → merge → nbconvert → PDF.

The build reads the workspace's store and ingests nothing, except that the sample
workspace (the default) is filled from the bundled samples when its store is empty.
Everything it writes goes to ``out`` under names that say the cycle and the variant::

    out/octa-see_<cycle>_<variant>.html            the report: one self-contained file
    out/octa-see_<cycle>_<variant>.pdf             the same, printed by Chromium
    out/octa-see_<cycle>_<variant>.manifest.json   parameters, input hashes, versions, timings
    out/octa-see_<cycle>_<variant>.chapters/       each executed chapter notebook
    out/octa-see_<cycle>_<variant>.data/<chapter>/ the chapters' own files (output_dir)

Each file is written to a temporary name and renamed: an interrupted build leaves the
previous files or none, never half a file.

>>> from octasee.report.chapters import Chapter
>>> out_stem("2013-2017", "public")
'octa-see_2013-2017_public'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from octasee.report._io import write_text_atomic
from octasee.report.chapters import STANDARD_PARAMETERS, Chapter, notebook_parameters
from octasee.report.errors import ChapterError, ReportError

__all__ = ["BuildResult", "ChapterRun", "build_report", "out_stem"]

VARIANTS = ("restricted", "public")
FORMATS = ("html", "pdf")
EXECUTORS = ("local", "dask")
#: Parameters a chapter must declare: without them it cannot honour the build.
_REQUIRED = ("cycle", "workspace", "variant")
_DEFAULT_HANDLING = {
    "restricted": "Contains information provided by SELEC member countries for the OCTA-SEE. "
                  "Do not disseminate beyond the recipients without the originators' consent.",
    "public": "Public version. Information the member countries marked not for dissemination "
              "is left out, and counts below the disclosure threshold are suppressed.",
}

Event = Callable[[str, str, dict[str, Any]], None]


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


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    import octasee

    out = {"octasee": octasee.__version__, "python": platform.python_version()}
    for name in ("papermill", "nbconvert", "nbformat", "nbclient", "jupyter_client",
                 "ipykernel", "plotly", "pandas", "duckdb", "playwright", "dask",
                 "distributed"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            continue
    return out


def _workspace(workspace: Any) -> Any:
    from octasee.workspace import Workspace, find_workspace

    return workspace if isinstance(workspace, Workspace) else find_workspace(
        str(workspace) if workspace is not None else None)


def _check_options(*, variant: str, formats: Sequence[str], executor: str,
                   jobs: int | None) -> tuple[list[str], int]:
    from octasee.errors import UsageError

    if variant not in VARIANTS:
        raise UsageError(f"unknown variant {variant!r}", hint="use 'restricted' or 'public'")
    fmts = [f.strip().lower() for f in formats if f.strip()]
    bad = [f for f in fmts if f not in FORMATS]
    if bad or not fmts:
        raise UsageError("unknown format " + (", ".join(map(repr, bad)) or "(none)"),
                         hint="use html, pdf or html,pdf")
    if "pdf" in fmts and "html" not in fmts:
        fmts.insert(0, "html")  # the PDF is printed from the HTML
    if "pdf" in fmts:
        from octasee.report.pdf import chromium_path

        if chromium_path() is None:
            raise UsageError("no Chromium to print the PDF with",
                             hint="install it (apt-get install chromium) or set "
                                  "OCTASEE_CHROMIUM, or build --format html")
    if executor not in EXECUTORS:
        raise UsageError(f"unknown executor {executor!r}", hint="use 'local' or 'dask'")
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs must be at least 1, not {jobs}")
    return fmts, jobs or max(1, min(2, os.cpu_count() or 1))


def _stall_minutes(ws: Any, option: float | None) -> float:
    """The watchdog's limit in minutes: the option, else the workspace's
    ``[report] stall_minutes``, else the default (5); 0 turns it off."""
    from octasee.errors import UsageError
    from octasee.report.watchdog import DEFAULT_STALL_MINUTES

    if option is None:
        settings = getattr(getattr(ws, "settings", None), "report", None)
        value = getattr(settings, "stall_minutes", None)
        if value is None:
            value = (ws.config.get("report") or {}).get("stall_minutes", DEFAULT_STALL_MINUTES)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ReportError(f"[report] stall_minutes is {value!r}, not a number of minutes",
                              where=str(ws.path / "octasee.toml"),
                              hint="write e.g. stall_minutes = 5 (0 turns the watchdog off)")
        return float(value)
    if option < 0:
        raise UsageError(f"--stall-minutes must be 0 or more, not {option}",
                         hint="0 turns the watchdog off")
    return float(option)


def _report_meta(ws: Any, *, cycle: str, variant: str, build_date: dt.date,
                 label: str | None) -> dict[str, Any]:
    cfg = ws.config.get("report", {})
    if variant == "restricted":
        marking = str(cfg.get("classification", "RESTRICTED"))
        handling = str(cfg.get("handling", _DEFAULT_HANDLING["restricted"]))
    else:
        marking = str(cfg.get("public_classification", "PUBLIC"))
        handling = str(cfg.get("public_handling", _DEFAULT_HANDLING["public"]))
    return {
        "title": ws.title,
        "organisation": str(cfg.get("organisation",
                                    "SELEC · Southeast European Law Enforcement Center")),
        "cycle": cycle,
        "label": label or "Preview",
        "date": f"{build_date.day} {build_date:%B %Y}",
        "iso_date": build_date.isoformat(),
        "marking": marking,
        "handling": handling,
        "variant": variant,
        "variant_label": "Restricted version" if variant == "restricted" else "Public version",
    }


def _fix_metadata(nb_json: str, *, source: Path, kept: Path) -> dict[str, Any]:
    nb = json.loads(nb_json)
    pm = nb.setdefault("metadata", {}).setdefault("papermill", {})
    pm["input_path"] = str(source)
    pm["output_path"] = str(kept)
    return nb


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

    >>> import tempfile
    >>> build_report(variant="secret", out=tempfile.mkdtemp())
    Traceback (most recent call last):
    ...
    octasee.errors.UsageError: unknown variant 'secret'; use 'restricted' or 'public'
    """
    from octasee.reference import country_name, resolve_country
    from octasee.report.cache import (
        Cache,
        library_fingerprint,
        notebook_digest,
        store_fingerprint,
        task_key,
    )
    from octasee.report.execute import Task, run_tasks

    t_start = time.perf_counter()
    fmts, jobs = _check_options(variant=variant, formats=formats, executor=executor,
                                jobs=jobs)
    emit: Event = on_event or (lambda label, state, info: None)
    timings: dict[str, float] = {}

    from octasee.samples import ensure_samples

    ws = _workspace(workspace)
    stall_minutes = _stall_minutes(ws, stall_minutes)
    ensure_samples(ws)
    if not ws.store_path.exists():
        raise ReportError("the workspace has no store yet", where=str(ws.store_path),
                          hint="ingest the questionnaires first: octasee ingest FILE...")
    cycle = cycle or ws.cycle
    codes = [resolve_country(c) for c in (countries if countries is not None else ws.expected)]
    chapter_list = list(chapters) if chapters is not None else ws.chapters()
    if not chapter_list:
        raise ReportError("no chapters to build", hint="pass at least one chapter")
    slugs = [c.slug for c in chapter_list]
    if len(set(slugs)) != len(slugs):
        raise ReportError("two chapters share a slug: " + ", ".join(
            sorted({s for s in slugs if slugs.count(s) > 1})), hint="rename one notebook")
    build_date = build_date or dt.date.today()

    out_dir = Path(out or "build").resolve()
    stem = out_stem(cycle, variant)
    kept_dir = out_dir / f"{stem}.chapters"
    data_dir = out_dir / f"{stem}.data"
    cache = Cache(cache_dir or ws.path / ".octasee-cache" / "report") if use_cache else None

    t0 = time.perf_counter()
    store_fp = store_fingerprint(ws.store_path)
    lib_fp = library_fingerprint()
    cfg_path = ws.path / "octasee.toml"
    cfg_fp = hashlib.sha256(cfg_path.read_bytes() if cfg_path.exists() else b"").hexdigest()
    terms = None
    if variant == "public":
        from octasee.report.disclosure import compile_terms, restricted_terms

        terms = compile_terms(restricted_terms(ws.store_path))

    # ---------------------------------------------------------------- tasks
    runs: list[ChapterRun] = []
    tasks: dict[str, Task] = {}
    digests: dict[str, str] = {}
    taken = {c.number for c in chapter_list if c.number and c.number.isalpha()}
    free_letters = iter(x for x in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if x not in taken)
    sequence = 0
    base_of: dict[str, str] = {}
    for ch in chapter_list:
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
        if ch.number is not None:
            base = ch.number
        elif ch.per_country:
            base = next(free_letters)
        else:
            sequence += 1
            base = str(sequence)
        base_of[ch.slug] = base
        if ch.per_country:
            instances = [(f"{ch.slug}-{c}", c, f"{base}.{i}" if base else str(i),
                          country_name(c)) for i, c in enumerate(codes, start=1)]
        else:
            instances = [(ch.slug, None, base, ch.title)]
        for label_, code, num, title in instances:
            params: dict[str, Any] = {
                "cycle": cycle, "workspace": str(ws.path.resolve()), "countries": codes,
                "variant": variant, "output_dir": str(data_dir / label_)}
            params = {k: v for k, v in params.items() if k in declared}
            if code is not None:
                params["country"] = code
            params.update(ch.parameters)
            key = task_key(notebook=digests[ch.slug], parameters=params, store=store_fp,
                           library=lib_fp, config=cfg_fp)
            runs.append(ChapterRun(label_, ch.slug, title, num, code, key))
            tasks[label_] = Task(key=key, chapter=ch.slug, label=label_, notebook_json=text,
                                 parameters=params, cwd=str(data_dir / label_), country=code,
                                 timeout=timeout,
                                 stall_timeout=stall_minutes * 60 if stall_minutes else None)
    version = book = None
    if record_draft:
        from octasee.report.drafts import DraftBook, inputs_fingerprint

        book = DraftBook(ws.path, cycle)
        version = book.plan(inputs_fingerprint(
            cycle=cycle, countries=codes, store=store_fp, config=cfg_fp, library=lib_fp,
            chapters=[(c.slug, digests[c.slug], c.parameters) for c in chapter_list]),
            final=final)
    snap = None
    if version is not None and book is not None:
        # Taken now, from the store the chapters are about to read (the fingerprint above),
        # not after execution: an ingest during a long build belongs to the next draft.
        from octasee.report.drafts import snapshot

        snap = (book.snapshot(version) if not version.is_new else None) or snapshot(
            ws.store_path, cycle=cycle, countries=codes, threshold=ws.disclosure_threshold)
    timings["prepare"] = round(time.perf_counter() - t0, 3)
    by_label = {r.label: r for r in runs}
    for r in runs:
        emit(r.label, "queued", {"title": r.title})

    # ---------------------------------------------------------------- execute
    t0 = time.perf_counter()
    notebooks: dict[str, str] = {}
    scrubbed = 0

    def keep(run: ChapterRun, nb_json: str, chapter: Chapter) -> None:
        nonlocal scrubbed
        target = kept_dir / f"{run.label}.ipynb"
        nb = _fix_metadata(nb_json, source=chapter.notebook, kept=target)
        if terms is not None:
            from octasee.report.disclosure import scrub_notebook

            nb, n = scrub_notebook(nb, terms)
            scrubbed += n
        write_text_atomic(target, json.dumps(nb, ensure_ascii=False, indent=1) + "\n")
        run.notebook = str(target.relative_to(out_dir))

    chapter_of = {c.slug: c for c in chapter_list}
    todo: list[Task] = []
    for r in runs:
        hit = cache.get(r.key) if cache else None
        if hit is not None:
            r.state = "cached"
            notebooks[r.label] = hit
            keep(r, hit, chapter_of[r.chapter])
            emit(r.label, "cached", {})
        else:
            todo.append(tasks[r.label])
    for outcome in run_tasks(todo, jobs=jobs, executor=executor, scheduler=scheduler,
                             on_event=emit, stop_on_failure=not keep_going):
        r = by_label[outcome.label]
        r.seconds, r.attempts, r.timings = outcome.seconds, outcome.attempts, outcome.timings
        r.restarts, r.incidents = outcome.restarts, list(outcome.incidents)
        if outcome.notebook_json is not None:
            keep(r, outcome.notebook_json, chapter_of[r.chapter])
        if outcome.ok and outcome.notebook_json is not None:
            r.state = "ok"
            notebooks[r.label] = outcome.notebook_json
            if cache:
                cache.put(r.key, outcome.notebook_json)
        else:
            r.state = "failed"
            r.error = {k: v for k, v in (outcome.error or {}).items()}
        emit(r.label, r.state, {"seconds": r.seconds, "error": r.error,
                                "note": f"restarted once: {r.incidents[0]}"
                                if r.incidents and r.state == "ok" else None})
    for r in runs:
        if r.state == "queued":
            r.state = "skipped"
    timings["execute"] = round(time.perf_counter() - t0, 3)

    result = BuildResult(out=out_dir, cycle=cycle, variant=variant, runs=runs,
                         timings=timings, version=version)
    manifest_path = out_dir / f"{stem}.manifest.json"
    common = {"ws": ws, "cycle": cycle, "variant": variant, "fmts": fmts, "jobs": jobs,
              "executor": executor, "scheduler": scheduler, "keep_going": keep_going,
              "stall_minutes": stall_minutes,
              "build_date": build_date, "store_fp": store_fp, "lib_fp": lib_fp,
              "cfg_fp": cfg_fp, "digests": digests, "chapters": chapter_list, "codes": codes,
              "terms": terms}

    if result.failed and not keep_going:
        result.scrubbed = scrubbed
        result.timings["total"] = round(time.perf_counter() - t_start, 3)
        result.manifest = _write_manifest(manifest_path, result, **common)
        first = result.failed[0]
        err = first.error or {}
        failures = [{"chapter": r.label, "cell": (r.error or {}).get("cell"),
                     "ename": (r.error or {}).get("ename"),
                     "evalue": (r.error or {}).get("evalue"), "notebook": r.notebook}
                    for r in result.failed]
        what = f"{err.get('ename', 'Error')}: {err.get('evalue', '')}".strip()
        if terms is not None:
            from octasee.report.disclosure import scrub_text

            what = scrub_text(what, terms)[0]
        kept = f"the partly executed notebook is {out_dir / first.notebook}" \
            if first.notebook else "no notebook was produced"
        raise ChapterError(what, chapter=first.label, cell=err.get("cell"), failures=failures,
                           hint=f"{kept}; rerun with --keep-going to build the rest",
                           manifest=str(result.manifest))

    # ---------------------------------------------------------------- assemble
    from octasee.report.assemble import Part, convert_to_html, merge_chapters
    from octasee.report.changes import annex_cells

    t0 = time.perf_counter()
    emit("[merge]", "running", {})
    if label is None and version is not None:
        label = version.label + (" (incomplete)" if result.failed else "")
    meta = _report_meta(ws, cycle=cycle, variant=variant, build_date=build_date, label=label)
    parsed = {label_: json.loads(text) for label_, text in notebooks.items()}
    parts: list[Part] = []
    for r in runs:
        ch = chapter_of[r.chapter]
        nb = parsed.get(r.label)
        failure = None if nb is not None else (r.error or {"ename": "not run",
                                                           "evalue": "skipped"})
        parts.append(Part(slug=r.label, title=r.title, number=r.number, nb=nb,
                          failure=failure, level=2 if ch.per_country else 1,
                          notebook_path=r.notebook or "",
                          anchor=f"ch-{r.label}" if not ch.per_country else r.label,
                          group_title=ch.title, group_number=base_of[ch.slug],
                          annex=base_of[ch.slug].isalpha()))
    content = None
    if version is not None and book is not None and snap is not None:
        t_drafts = time.perf_counter()
        content, result.changes = _changes(
            book, version, snap, variant=variant, runs=runs, notebooks=parsed,
            build_date=build_date, terms=terms)
        if result.changes is not None:
            letter = next(free_letters)
            parts.append(Part(slug="changes", title="What changed since the previous draft",
                              number=letter, nb={"cells": annex_cells(result.changes,
                                                                      number=letter)},
                              annex=True, anchor="annex-changes"))
        timings["drafts"] = round(time.perf_counter() - t_drafts, 3)
    merged = merge_chapters(parts, meta=meta)
    if terms is not None:
        from octasee.report.disclosure import scrub_notebook

        merged, n = scrub_notebook(merged, terms)
        scrubbed += n
    timings["merge"] = round(time.perf_counter() - t0, 3)
    emit("[merge]", "ok", {"seconds": timings["merge"]})

    t0 = time.perf_counter()
    emit("[html]", "running", {})
    html = convert_to_html(merged)
    html_path = out_dir / f"{stem}.html"
    write_text_atomic(html_path, html)
    result.html = html_path
    timings["convert"] = round(time.perf_counter() - t0, 3)
    emit("[html]", "ok", {"seconds": timings["convert"]})

    if "pdf" in fmts:
        from octasee.report.pdf import print_pdf

        t0 = time.perf_counter()
        emit("[pdf]", "running", {})
        pdf_path = out_dir / f"{stem}.pdf"
        print_pdf(html_path, pdf_path, marking=meta["marking"], label=meta["label"])
        result.pdf = pdf_path
        timings["pdf"] = round(time.perf_counter() - t0, 3)
        emit("[pdf]", "ok", {"seconds": timings["pdf"]})

    result.scrubbed = scrubbed
    result.timings["total"] = round(time.perf_counter() - t_start, 3)
    result.manifest = _write_manifest(manifest_path, result, **common)
    if version is not None and book is not None and result.ok and snap is not None:
        t0 = time.perf_counter()
        book.save(version, variant=variant, snap=snap, content=content or {},
                  files=[result.html, result.pdf, result.manifest], build_date=build_date)
        result.timings["drafts"] = round(result.timings.get("drafts", 0.0)
                                         + time.perf_counter() - t0, 3)
    return result


def _changes(book: Any, version: Any, snap: Mapping[str, Any], *, variant: str,
             runs: Sequence[ChapterRun], notebooks: Mapping[str, Mapping[str, Any]],
             build_date: dt.date,
             terms: Any) -> tuple[dict[str, Any], Any]:
    """This version's content (what a reader sees of each chapter; in the public variant
    scrubbed like the report), and its changes since the previous version (None for the
    first)."""
    from octasee.report.changes import compare
    from octasee.report.drafts import chapter_content

    content = {}
    for r in runs:
        if r.label not in notebooks:
            continue
        nb = notebooks[r.label]
        if terms is not None:
            from octasee.report.disclosure import scrub_notebook

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


def _file_entry(path: Path | None, base: Path) -> dict[str, Any] | None:
    if path is None or not path.exists():
        return None
    data = path.read_bytes()
    return {"path": str(path.relative_to(base)), "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest()}


def _write_manifest(path: Path, result: BuildResult, *, ws: Any, cycle: str, variant: str,
                    fmts: list[str], jobs: int, executor: str, scheduler: str | None,
                    keep_going: bool, stall_minutes: float | None, build_date: dt.date,
                    store_fp: str, lib_fp: str,
                    cfg_fp: str, digests: Mapping[str, str], chapters: Sequence[Chapter],
                    codes: list[str], terms: Any) -> Path:
    from octasee.report.assemble import digest_templates

    manifest: dict[str, Any] = {
        "manifest_version": 1,
        "version": None if result.version is None else {
            **{k: v for k, v in result.version.record().items() if k != "variants"},
            "folder": str(result.version.folder)},
        "report": {"cycle": cycle, "variant": variant, "build_date": build_date.isoformat(),
                   "ok": result.ok, "exit_code": result.exit_code,
                   "scrubbed_restricted_text": result.scrubbed},
        "parameters": {"workspace": str(ws.path.resolve()), "cycle": cycle,
                       "variant": variant, "formats": fmts, "jobs": jobs,
                       "executor": executor, "scheduler": scheduler,
                       "keep_going": keep_going, "stall_minutes": stall_minutes,
                       "countries": codes,
                       "out": str(result.out)},
        "inputs": {"store": store_fp, "library": lib_fp, "workspace_config": cfg_fp,
                   "templates": digest_templates(),
                   "chapters": {c.slug: {"notebook": str(c.notebook),
                                         "sha256": digests[c.slug],
                                         "per_country": c.per_country,
                                         "parameters": dict(c.parameters)}
                                for c in chapters}},
        "versions": _versions(),
        "platform": {"system": platform.system(), "machine": platform.machine(),
                     "python": sys.version.split()[0]},
        "timings": result.timings,
        "chapters": [asdict(r) for r in result.runs],
        "outputs": {"html": _file_entry(result.html, result.out),
                    "pdf": _file_entry(result.pdf, result.out)},
    }
    if terms is not None:
        from octasee.report.disclosure import scrub_notebook

        manifest, n = scrub_notebook(manifest, terms)
        manifest["report"]["scrubbed_restricted_text"] += n
    return write_text_atomic(path, json.dumps(manifest, indent=2, ensure_ascii=False,
                                              default=str) + "\n")
