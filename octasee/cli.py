"""The ``octasee`` command: a thin shell over the library's functions.

Every command turns an :class:`~octasee.errors.OctaseeError` into a one-paragraph
message and an exit code (1, or 2 for usage errors); tracebacks are for octasee's own
bugs only.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
import pandas as pd
from rich.console import Console
from rich.table import Table
from rich.text import Text

from octasee._version import __version__
from octasee.errors import OctaseeError, UsageError
from octasee.questionnaire.problems import PROBLEM_COLUMNS, Problem, write_problem_files
from octasee.questionnaire.read import collect_sources, read_questionnaire
from octasee.questionnaire.validate import validate
from octasee.reference import country_name, resolve_country
from octasee.reference import cycle as get_cycle
from octasee.report.cli import build_command, diff_command, drafts_command, judgements_command
from octasee.samples import sample_cycles, sample_files
from octasee.scoring.cli import index_command
from octasee.store import Store, status_table
from octasee.translations import (
    check_memory,
    export_workbook,
    import_workbook,
    read_memory,
    store_texts,
    untranslated,
    write_memory,
)
from octasee.translations import status_table as translation_status
from octasee.workspace import CONFIG_NAME, create_workspace, find_workspace, sample_workspace

# What octasee prints holds file names, paths and text from questionnaires: printed as
# written, never read as rich markup ("RS [final].xlsx") or emoji codes (":x:"). A print
# that wants styling says markup=True, and then escapes what it interpolates.
console = Console(highlight=False, soft_wrap=False, markup=False, emoji=False,
                  width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True, highlight=False, markup=False, emoji=False)


class _Group(click.Group):
    """A click group that prints octasee's errors instead of tracebacks: the one place
    that does, for every subcommand (those of the report and scoring layers too)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            raise click.UsageError(exc.message, self._subcontext(ctx)) from None
        except OctaseeError as exc:
            err = click.ClickException(exc.message)
            err.exit_code = exc.exit_code
            raise err from None
        except KeyboardInterrupt as exc:
            err_console.print("interrupted; the store was left as it was before this command")
            sys.exit(143 if str(exc) == "SIGTERM" else 130)  # 128 + the signal's number

    def _subcontext(self, ctx: click.Context) -> click.Context:
        """A context of the subcommand that failed (its own usage line and help hint),
        else the group's."""
        name = ctx.invoked_subcommand
        cmd = self.get_command(ctx, name) if name else None
        return click.Context(cmd, info_name=name, parent=ctx) if cmd is not None else ctx


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="octasee")
def main() -> None:
    """octasee: the analysts' workbench for OCTA-SEE, the Organized Crime Threat
    Assessment for South East Europe."""


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _printable(text: str) -> str:
    """``text`` with control characters shown as escapes (``\\x1b``): a name or a value
    from a questionnaire cannot send escape sequences (links, titles) to the terminal."""
    return _CONTROL.sub(lambda m: repr(m.group(0))[1:-1], text)


def _table(df: pd.DataFrame, title: str | None = None, *, limit: int | None = None) -> Table:
    """A rich table of ``df``; titles, headers and cells are shown as written (``Text``,
    never rich markup: a file named ``RS [final].xlsx`` keeps its brackets)."""
    t = Table(title=None if title is None else Text(_printable(title)), show_lines=False,
              header_style="bold")
    for c in df.columns:
        justify = "right" if pd.api.types.is_numeric_dtype(df[c]) else "left"
        t.add_column(Text(_printable(str(c))), justify=justify, overflow="fold")
    shown = df if limit is None else df.head(limit)
    for row in shown.itertuples(index=False):
        t.add_row(*[Text("" if v is None or (isinstance(v, float) and v != v) or v is pd.NA
                         else _printable(str(v))) for v in row])
    return t


def _workspace(path: str | None) -> Any:
    return find_workspace(path)


def _write_problems(problems: pd.DataFrame, prefix: Path) -> list[Path]:
    """The problem list as .csv and .xlsx, with nothing in them a spreadsheet would run."""
    return write_problem_files(problems, prefix)


_SHOWN_PROBLEMS = 25


def _print_problems(problems: pd.DataFrame) -> None:
    """One line a problem: where, what, the value found and what was expected."""
    shown = problems[problems["severity"] != "info"]
    if shown.empty:
        return
    console.print(f"[bold]Problems ({len(shown)})[/bold]", markup=True)
    style = {"error": "red", "warning": "yellow"}
    for rec in shown.head(_SHOWN_PROBLEMS).to_dict("records"):
        rec = {k: (None if v is pd.NA or (isinstance(v, float) and v != v) else v)
               for k, v in rec.items()}
        p = Problem(**{**rec, "row": None if rec["row"] is None else int(rec["row"]),
                       "value": rec["value"] or "", "expected": rec["expected"] or ""})
        sev = p.severity
        console.print(Text.assemble((f"{sev:7}", style.get(sev, "white")), " "), end="")
        console.print(_printable(str(p)), markup=False)
    if len(shown) > _SHOWN_PROBLEMS:
        console.print(f"… and {len(shown) - _SHOWN_PROBLEMS} more: see the full list below.")


# --------------------------------------------------------------------------- init


@main.command("init")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--cycle", "cycle_code", required=True, help="The cycle, e.g. 2018-2022.")
@click.option("--title", default="Organized Crime Threat Assessment for South East Europe",
              show_default=True, help="The report's title.")
@click.option("--deadline", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="When questionnaires are due (default: 31 March of the report year).")
@click.option("--country", "countries", multiple=True, metavar="CODE",
              help="A country expected to answer (repeat; default: all 13 members).")
def init_cmd(folder: Path, cycle_code: str, title: str, deadline: dt.datetime | None,
             countries: Sequence[str]) -> None:
    """Create a workspace: a readable config (octasee.toml), an empty cycle store and the
    chapter notebooks (notebooks/), which the report is built from."""
    if (folder / CONFIG_NAME).exists():
        raise OctaseeError(f"{folder} already holds a workspace ({CONFIG_NAME})",
                           hint="edit that file, or choose another folder")
    c = get_cycle(cycle_code)
    ws = create_workspace(folder, cycle=c.code, title=title,
                          deadline=deadline.date() if deadline else None,
                          expected=[resolve_country(x) for x in countries] or None,
                          notebooks=True)
    Store(ws.store_path).close()
    console.print(f"created workspace {ws.path} for cycle {c.code} "
                  f"(years {c.first_year}-{c.last_year}, report {c.report_year})")
    console.print(f"  config:    {ws.path / CONFIG_NAME}\n  store:     {ws.store_path}\n"
                  f"  notebooks: {ws.chapters_dir}/ (the chapters; open them in JupyterLab)")
    console.print(f"next: cd {ws.path} and write the questionnaires: octasee questionnaire "
                  "--all", markup=False, soft_wrap=True)


# --------------------------------------------------------------------------- questionnaire


@main.command("questionnaire")
@click.option("--cycle", "cycle_code", help="Cycle, e.g. 2013-2017 (default: the workspace's).")
@click.option("--country", "countries", multiple=True, metavar="CODE",
              help="Member country (name or ISO code); repeat for several.")
@click.option("--all", "all_countries", is_flag=True,
              help="Every country the workspace expects to answer.")
@click.option("--out", "out", type=click.Path(path_type=Path),
              help="Output .xlsx (one country) or folder (several; a .zip is written too).")
@click.option("--workspace", type=click.Path(path_type=Path), help="Workspace folder.")
def questionnaire_cmd(cycle_code: str | None, countries: Sequence[str], all_countries: bool,
                      out: Path | None, workspace: Path | None) -> None:
    """Write the blank questionnaire workbook(s) that countries fill in."""
    # Lazy for import time: openpyxl (0.15 s) only for the command that writes workbooks.
    from octasee.questionnaire.template import write_template

    if not countries and not all_countries:
        raise UsageError("say which country: --country CODE (repeatable) or --all")
    ws = _workspace(str(workspace) if workspace else None) if (all_countries or not cycle_code) \
        else None
    cycle_code = cycle_code or ws.cycle
    codes = list(ws.expected) if all_countries else [resolve_country(c) for c in countries]
    if len(codes) == 1 and not all_countries:
        target = out or Path(f"OCTA-SEE_{cycle_code}_{codes[0]}.xlsx")
        if target.suffix.lower() != ".xlsx":
            target = target / f"OCTA-SEE_{cycle_code}_{codes[0]}.xlsx"
        write_template(cycle_code, codes[0], target)
        console.print(f"wrote {target}")
        return
    folder = out or Path(f"questionnaires-{cycle_code}")
    folder.mkdir(parents=True, exist_ok=True)
    written = [write_template(cycle_code, c, folder / f"OCTA-SEE_{cycle_code}_{c}.xlsx")
               for c in codes]
    zip_path = folder.with_name(folder.name + ".zip")
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as z:
        for p in written:
            z.write(p, arcname=p.name)
    console.print(f"wrote {len(written)} workbooks to {folder}/ and {zip_path}")


# --------------------------------------------------------------------------- validate


@main.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--cycle", "cycle_code", help="Read as this cycle (default: from the file).")
@click.option("--problems", "problems_prefix", type=click.Path(path_type=Path),
              default=Path("octasee-problems"), show_default=True,
              help="Where the full problem list goes (.csv and .xlsx are added).")
@click.option("--max-size", "max_mb", type=click.FloatRange(min=0.001), default=200.0,
              show_default=True, help="Refuse files larger than this many MB.")
def validate_cmd(files: Sequence[Path], cycle_code: str | None, problems_prefix: Path,
                 max_mb: float) -> None:
    """Dry run: check questionnaires against the spec without storing anything.

    Exit code 0 when every file is clean, 1 when any problem was found.
    """
    rows = []
    frames = []
    sources = collect_sources(files)
    _show_skipped(sources.skipped)
    for source in sources:
        try:
            v = validate(read_questionnaire(source, cycle=cycle_code, max_mb=max_mb))
        except OctaseeError as exc:
            rows.append({"file": source.label, "country": "", "cycle": "", "read": 0,
                         "accepted": 0, "quarantined": 0, "errors": 1, "warnings": 0,
                         "result": "refused"})
            frames.append(pd.DataFrame([{
                "severity": "error", "file": source.label, "sheet": None, "row": None,
                "column": None, "value": "", "expected": "",
                "message": exc.message.removeprefix(f"{source.label}: "),
                "check": "file"}], columns=PROBLEM_COLUMNS))
            continue
        errors, warnings = len(v.errors), len(v.warnings)
        rows.append({"file": source.label, "country": v.country or "?",
                     "cycle": v.spec.cycle.code, "read": v.rows_read,
                     "accepted": v.rows_accepted, "quarantined": v.rows_quarantined,
                     "errors": errors, "warnings": warnings,
                     "result": "ok" if v.ok else "problems",
                     "note": v.encoding_note})
        frames.append(v.problems)
    summary = pd.DataFrame(rows)
    console.print(_table(summary, title="Validation (dry run: nothing was stored)"))
    problems = pd.concat([f for f in frames if len(f)], ignore_index=True) if any(
        len(f) for f in frames) else pd.DataFrame()
    real = problems[problems["severity"] != "info"] if len(problems) else problems
    if len(real):
        _print_problems(problems)
        paths = _write_problems(problems, problems_prefix)
        console.print("full problem list: " + ", ".join(str(p) for p in paths))
        sys.exit(1)
    console.print("no problems found")


# --------------------------------------------------------------------------- ingest


@main.command("ingest")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--workspace", type=click.Path(path_type=Path), help="Workspace folder.")
@click.option("--cycle", "cycle_code", help="Read as this cycle (default: from the file).")
@click.option("--jobs", type=click.IntRange(1, 64), default=None,
              help="Files read in parallel (default: 2).")
@click.option("--max-size", "max_mb", type=click.FloatRange(min=0.001), default=200.0,
              show_default=True, help="Refuse files larger than this many MB.")
def ingest_cmd(files: Sequence[Path], workspace: Path | None, cycle_code: str | None,
               jobs: int | None, max_mb: float) -> None:
    """Validate questionnaires and store them in the workspace's cycle store.

    Exit code 0 when every row was accepted, 1 when rows were quarantined or a file was
    refused, 2 for a usage error.
    """
    ws = _workspace(str(workspace) if workspace else None)
    sources = collect_sources(files)
    _show_skipped(sources.skipped)
    with Store(ws.store_path) as store:
        report = store.ingest(sources, cycle=cycle_code, jobs=jobs, max_mb=max_mb)
    _show_ingest(report, ws)
    sys.exit(report.exit_code)


def _show_skipped(skipped: Sequence[tuple[Path, str]]) -> None:
    """Every file of a folder that was not read, with the reason: none passes unseen."""
    for path, why in skipped:
        console.print(_printable(f"skipped {path}: {why}"), markup=False, highlight=False)


def _show_ingest(report: Any, ws: Any) -> None:
    console.print(_table(report.summary(), title=f"Ingest into {ws.store_path}"))
    problems = report.problems
    if len(problems[problems["severity"] != "info"]):
        _print_problems(problems)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        paths = _write_problems(problems, ws.path / "problems" / f"ingest-{stamp}")
        console.print("full problem list: " + ", ".join(str(p) for p in paths))
        _next_steps(report.summary(), problems, ws.path / "problems" / f"ingest-{stamp}")


def _next_steps(summary: pd.DataFrame, problems: pd.DataFrame, prefix: Path) -> None:
    """For each country with rows held back: its own problem list, and what to do next."""
    for rec in summary.to_dict("records"):
        held = rec.get("quarantined") or 0
        if not held and rec.get("outcome") not in ("rejected", "refused"):
            continue
        own = problems[(problems["file"] == rec["file"]) & (problems["severity"] != "info")]
        code = rec.get("country")
        if own.empty or not isinstance(code, str):
            continue
        xlsx = _write_problems(own, prefix.with_name(f"{prefix.name}-{code}"))[1]
        sub = rec.get("submission")
        replaces = f"; it will supersede submission {int(sub)}" if pd.notna(sub) else ""
        console.print(f"next: {country_name(code)}: {held} row(s) held back. Send it "
                      f"{xlsx.name} (in {xlsx.parent}) and ingest the corrected workbook when "
                      f"it comes back{replaces}.", markup=False, soft_wrap=True)


# --------------------------------------------------------------------------- status


@main.command("status")
@click.option("--workspace", type=click.Path(path_type=Path), help="Workspace folder.")
def status_cmd(workspace: Path | None) -> None:
    """Per cycle, every expected country: submissions, rows, quarantined rows, deadline and
    state (awaited, returned, late, partial, overdue …), response rate."""
    ws = _workspace(str(workspace) if workspace else None)
    # read-only: works while an ingest runs or a notebook is open (see octasee.store)
    _print_status(ws, Store(ws.store_path, read_only=True)
                  if ws.store_path.exists() else None)


_ANSWERED = ("returned", "late", "partial", "quarantined rows")


def _print_status(ws: Any, store: Any) -> None:
    """Every cycle in the store and the workspace's own, each with every expected country
    (also before anything was ingested), its deadline or that none is set."""
    console.print(f"workspace {ws.path}  (store {ws.store_path.name}, cycle {ws.cycle})")
    stored: set[str] = set()
    if store is None:
        cycles = [ws.cycle]
        deadlines = {ws.cycle: ws.deadline()}
        status = status_table(cycle=cycles, expected=ws.expected, deadlines=deadlines)
    else:
        with store:
            stored = set(store.query("SELECT DISTINCT cycle FROM submissions "
                                     "WHERE cycle IS NOT NULL")["cycle"])
            cycles = sorted(stored | {ws.cycle})
            deadlines = {c: ws.deadline(c) for c in cycles}
            status = store.status(cycle=cycles, expected=ws.expected, deadlines=deadlines)
    if not stored:
        console.print(("no store yet" if store is None else "nothing has been ingested yet")
                      + ": ingest questionnaires with 'octasee ingest FILE...'")
    today = dt.date.today()
    for cyc in cycles:
        part = status[status["cycle"] == cyc]
        d = deadlines.get(cyc)
        when = (f"deadline {d.isoformat()}" + (", passed" if today > d else "")
                if d else "no deadline set")
        console.print(_table(part.drop(columns=["cycle", "deadline"]),
                             title=f"Cycle {cyc} ({when})"))
        mine = part[part["country"].isin(ws.expected)]
        answered = int(mine["state"].isin(_ANSWERED).sum())
        n = len(ws.expected)
        console.print(f"response rate {cyc}: {answered} of {n} "
                      f"({answered / n if n else 0:.0%})")
        states = part["state"].value_counts()
        shown = [f"{int(states[s])} {s}" for s in
                 ("returned", "late", "partial", "quarantined rows", "rejected", "awaited")
                 if s in states]
        if "missing" in states:
            shown.append(f"{int(states['missing'])} overdue (nothing received)")
        console.print(f"{cyc}: " + ", ".join(shown))
        if d is None:
            where = ("[cycle] deadline = YYYY-MM-DD" if cyc == ws.cycle
                     else f'"{cyc}" = YYYY-MM-DD under [deadlines]')
            console.print(f"no deadline set for {cyc}: nobody is counted late or overdue; "
                          f"set one in {ws.path / 'octasee.toml'} ({where})", soft_wrap=True)


# --------------------------------------------------------------------------- samples


@main.command("samples")
@click.option("--workspace", type=click.Path(path_type=Path),
              help="Where to build the sample workspace (default: build/sample-workspace of the clone, see README).")
@click.option("--jobs", type=click.IntRange(1, 64), default=None, help="Parallel readers.")
def samples_cmd(workspace: Path | None, jobs: int | None) -> None:
    """Ingest the bundled sample cycles into the sample workspace and show its status."""
    ws = sample_workspace(workspace)
    code = 0
    with Store(ws.store_path) as store:
        for cyc in sample_cycles():
            report = store.ingest(sample_files(cyc), jobs=jobs)
            code = max(code, report.exit_code)
            done = report.summary()
            console.print(f"cycle {cyc}: {len(done)} questionnaires, "
                          f"{int(done['accepted'].sum()):,} rows accepted, "
                          f"{int(done['quarantined'].sum()):,} quarantined, "
                          f"{int((done['outcome'] == 'unchanged').sum())} already stored")
            if report.exit_code:
                _show_ingest(report, ws)
    _print_status(ws, Store(ws.store_path, read_only=True))
    sys.exit(code)


# --------------------------------------------------------------------------- translations


@main.group("translations", cls=_Group)
def translations_group() -> None:
    """The translation memory (translations.yaml in the workspace): the English of what
    countries wrote in their own language. The report quotes the English, marked
    "(translated from Serbian)", and shows the originals in an annex."""


def _texts(ws: Any) -> list[Any]:
    """The texts of the workspace's store in another language than English (none
    without a store)."""
    if not ws.store_path.exists():
        return []
    with Store(ws.store_path, read_only=True) as store:
        return store_texts(store)


def _warn(lines: Sequence[str], *, limit: int = 20) -> None:
    for line in lines[:limit]:
        err_console.print("warning: " + _printable(line), soft_wrap=True)
    if len(lines) > limit:
        err_console.print(f"… and {len(lines) - limit} more warnings")


@translations_group.command("export")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="The workbook to write (default: translations-to-do.xlsx in the "
                   "workspace).")
@click.option("--no-restricted", is_flag=True,
              help="Leave out the texts marked not for dissemination.")
@click.option("--workspace", type=click.Path(path_type=Path), help="Workspace folder.")
def translations_export_cmd(out: Path | None, no_restricted: bool,
                            workspace: Path | None) -> None:
    """Write the texts of the store not yet translated to an .xlsx workbook for a
    translator: columns hash, language, original, english (blank), translator (blank).
    Keep the hash column as it is; 'octasee translations import FILE' reads it back."""
    ws = _workspace(str(workspace) if workspace else None)
    memory = read_memory(ws)
    texts = [t for t in untranslated(_texts(ws), memory) if not (no_restricted and t.nd)]
    target = out or ws.path / "translations-to-do.xlsx"
    n = export_workbook(texts, target)
    if not n:
        console.print(f"wrote {target}: nothing to translate (every text of the store in "
                      "another language has its English in the translation memory)")
        return
    by_lang: dict[str, int] = {}
    for t in texts:
        by_lang[t.language] = by_lang.get(t.language, 0) + 1
    console.print(f"wrote {target}: {n} text{'s' if n != 1 else ''} to translate ("
                  + ", ".join(f"{k}: {v}" for k, v in sorted(by_lang.items())) + ")")
    nd = sum(t.nd for t in texts)
    if nd:
        console.print(f"{nd} of them {'is' if nd == 1 else 'are'} marked not for "
                      "dissemination: hand the workbook only to a translator cleared for "
                      "restricted material, or export again with --no-restricted",
                      soft_wrap=True)
    console.print("Ask the translator to fill in the english and translator columns, then "
                  f"run: octasee translations import {target}", soft_wrap=True)


@translations_group.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--translator", help="Who translated, for rows that name no translator.")
@click.option("--machine", is_flag=True, help="The translations are machine translations.")
@click.option("--workspace", type=click.Path(path_type=Path), help="Workspace folder.")
def translations_import_cmd(file: Path, translator: str | None, machine: bool,
                            workspace: Path | None) -> None:
    """Read a workbook that 'octasee translations export' wrote, filled in by a
    translator, into the translation memory (the workbook is not changed). Rows with a
    blank english are skipped; a hash that matches no text of the store is a warning
    naming the row."""
    ws = _workspace(str(workspace) if workspace else None)
    memory = read_memory(ws)
    new, result = import_workbook(file, memory, _texts(ws), translator=translator,
                                  machine=machine)
    _warn(list(result.warnings))
    if result.added or result.updated:
        path = write_memory(new)
        console.print(f"{path}: {result.added} translation{'s' if result.added != 1 else ''}"
                      f" added, {result.updated} updated")
    else:
        console.print(f"{memory.path}: nothing added or changed")
    if result.unchanged:
        console.print(f"{result.unchanged} row{'s' if result.unchanged != 1 else ''} "
                      "already in the memory as they are")
    if result.blank:
        console.print(f"{result.blank} row{'s' if result.blank != 1 else ''} skipped: "
                      "english is blank (not translated yet)")


@translations_group.command("status")
@click.option("--workspace", type=click.Path(path_type=Path), help="Workspace folder.")
def translations_status_cmd(workspace: Path | None) -> None:
    """Per language: the texts of the store in it, how many are translated (by machine)
    and how many are not; then any warning about the memory (an entry whose hash matches
    no text, a language octasee does not know)."""
    ws = _workspace(str(workspace) if workspace else None)
    memory = read_memory(ws)
    texts = _texts(ws)
    console.print(f"translation memory {memory.path}: "
                  + (f"{len(memory)} entr{'ies' if len(memory) != 1 else 'y'}"
                     if memory.exists else "none yet"))
    table = translation_status(texts, memory)
    if len(table) > 1:
        console.print(_table(table, title="Texts in another language than English"))
    else:
        console.print("no text of the store is in another language than English")
    _warn(check_memory(memory, texts))
    todo = int(table["untranslated"].iloc[-1])
    if todo:
        console.print(f"{todo} to translate: 'octasee translations export' writes them to a "
                      "workbook for a translator", soft_wrap=True)


# Commands that live beside their layer (scoring, report) join the group here.
main.add_command(index_command, "index")
main.add_command(build_command, "build")
main.add_command(drafts_command, "drafts")
main.add_command(diff_command, "diff")
main.add_command(judgements_command, "judgements")

if __name__ == "__main__":  # pragma: no cover
    main(prog_name=os.path.basename(sys.argv[0]))
