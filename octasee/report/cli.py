"""``octasee build``: the command over :func:`~octasee.report.build.build_report`.

Registered in ``octasee/cli.py`` with ``main.add_command(build_command, "build")``, whose
group turns every :class:`~octasee.errors.OctaseeError` into its message and exit code
(the one place that does: these commands let them through). Exit codes: 0 built; 1 a
chapter failed (with ``--keep-going`` the report is still written, with a failure box in
the chapter's place); 2 a usage error.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from octasee.errors import ChapterError
from octasee.notebooks import default_chapters
from octasee.report.progress import BuildProgress

if TYPE_CHECKING:
    from octasee.report.build import BuildResult

# The build, the drafts and the changes are imported in the commands that use them, for
# import time: every `octasee` command loads this module (the group registers these
# commands), and `octasee status` should not pay for the build (about 0.17 s).

__all__ = ["build_command", "diff_command", "drafts_command", "judgements_command"]


def _formats(ctx: click.Context, param: click.Parameter, value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


@click.command("build", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--workspace", type=click.Path(path_type=Path),
              help="Workspace folder (default: found as for other commands; else the sample).")
@click.option("--cycle", "cycle", help="Assessment cycle (default: the workspace's).")
@click.option("--variant", type=click.Choice(["restricted", "public"]), default="restricted",
              show_default=True, help="public leaves out what is not for dissemination.")
@click.option("--format", "formats", default="html,pdf", show_default=True,
              callback=_formats, help="Comma-separated: html, pdf.")
@click.option("--jobs", type=click.IntRange(1, 64), default=None,
              help="Notebooks executed at once (default: 2, or fewer cores).")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local",
              show_default=True, help="Worker processes here, or a dask.distributed cluster.")
@click.option("--scheduler", metavar="ADDRESS",
              help="dask scheduler address (default with --executor dask: a local cluster).")
@click.option("--keep-going", is_flag=True,
              help="Build the report even if chapters fail (a failure box in their place).")
@click.option("--out", type=click.Path(path_type=Path), default=Path("build"),
              show_default=True, help="Output folder.")
@click.option("--chapters", "chapters_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Folder of chapter notebooks (default: the workspace's, [chapters] in "
                   "octasee.toml).")
@click.option("--date", "build_date", type=click.DateTime(["%Y-%m-%d"]),
              help="Date on the cover (default: today); fix it for a reproducible build.")
@click.option("--no-cache", is_flag=True, help="Execute every chapter again.")
@click.option("--final", is_flag=True,
              help="This is the final version: 'Final' on the cover and every page.")
@click.option("--preview", is_flag=True,
              help="Do not record a draft (no version number, no changes annex).")
@click.option("--stall-minutes", type=click.FloatRange(min=0), default=None, metavar="MIN",
              help="Restart a chapter (once) whose kernel sends nothing for this long while "
                   "a cell runs, then fail it (default: [report] stall_minutes, else 5; "
                   "0: off).")
def build_command(workspace: Path | None, cycle: str | None, variant: str, formats: list[str],
                  jobs: int | None, executor: str, scheduler: str | None, keep_going: bool,
                  out: Path, chapters_dir: Path | None, build_date: dt.datetime | None,
                  no_cache: bool, final: bool, preview: bool,
                  stall_minutes: float | None) -> None:
    """Build the report: execute the chapter notebooks, assemble one offline HTML, print
    the PDF. With no options it builds the sample cycle into build/.

    Each build is a version of the report: draft 1, 2, … (or final, with --final), kept
    under the workspace's drafts/ folder. A build whose inputs (store, config, chapters)
    did not change rebuilds the latest version; from the second version on, the report
    has an annex "What changed since the previous draft" (octasee diff prints the same)."""
    from octasee.report.build import build_report  # lazy for import time (see above)

    if scheduler and executor != "dask":
        raise click.UsageError("--scheduler needs --executor dask")
    if final and preview:
        raise click.UsageError("--final and --preview exclude each other: a preview is "
                               "not recorded")
    # paths, chapter names and error text are printed as written: no rich markup, no emoji
    console = Console(highlight=False, markup=False, emoji=False)
    err = Console(stderr=True, highlight=False, markup=False, emoji=False)
    try:
        chapters = default_chapters(chapters_dir) if chapters_dir else None
        with BuildProgress(console=err) as progress:
            result = build_report(
                workspace=workspace, cycle=cycle, variant=variant, formats=formats,
                jobs=jobs, executor=executor, scheduler=scheduler, keep_going=keep_going,
                out=out, chapters=chapters,
                build_date=build_date.date() if build_date else None,
                use_cache=not no_cache, record_draft=not preview, final=final,
                stall_minutes=stall_minutes, on_event=progress)
    except ChapterError as exc:
        _print_failures(err, exc.failures)  # every failed chapter; the group says the rest
        raise
    for path in (result.html, result.pdf, result.manifest):
        if path is not None:
            console.print(f"wrote {path}", markup=False)
    if result.output_check is not None:
        console.print(f"wrote {result.output_check} (output check: the attack audit found "
                      "no withheld cell a reader can work out; for the person who "
                      "authorises release)", markup=False)
    _print_version(console, result, workspace=workspace, cycle=cycle)
    if result.scrubbed:
        err.print(f"warning: {result.scrubbed} piece(s) of restricted text were found in "
                  "the public output and withheld; a chapter reads data without "
                  "variant=variant", markup=False)
    if not result.ok:
        _print_failures(err, [{"chapter": r.label, **(r.error or {}),
                               "notebook": r.notebook} for r in result.failed])
        sys.exit(1)


def _print_failures(err: Console, failures: list[dict[str, Any]]) -> None:
    for f in failures:
        cell = f", cell {f['cell']}" if f.get("cell") else ""
        err.print(f"chapter {f.get('chapter')}{cell}: {f.get('ename')}: {f.get('evalue')}",
                  markup=False)
        if f.get("notebook"):
            err.print(f"  partly executed notebook: {f['notebook']}", markup=False)


def _print_version(console: Console, result: BuildResult, *, workspace: Path | None,
                   cycle: str | None) -> None:
    from octasee.report.drafts import DraftBook  # lazy for import time (see above)

    v = result.version
    if v is None:
        console.print("preview: not recorded as a draft", markup=False)
        return
    if not result.ok:
        console.print(f"{v.label} not recorded: a chapter failed", markup=False)
        return
    name = "The final version" if v.final else v.label
    console.print(f"{name} of the {result.cycle} report, kept in {v.folder}", markup=False,
                  soft_wrap=True)
    ch = result.changes
    if ch is not None:
        # The same diff: versions by number, and the options this build was given.
        previous = DraftBook(v.folder.parents[2], result.cycle).previous(v)
        args = f"{previous.number if previous else v.number} {v.number}"
        args += f" --workspace {workspace}" if workspace else ""
        args += f" --cycle {cycle}" if cycle else ""
        args += " --variant public" if result.variant == "public" else ""
        console.print(
            f"changes since {ch.a.lower()}: {len(ch.submissions)} submission(s), "
            f"{len(ch.figures)} key figure(s) and {len(ch.chapters)} chapter(s); see the "
            f"annex or run octasee diff {args}", markup=False, soft_wrap=True)


@click.command("diff", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("draft_a", default="previous")
@click.argument("draft_b", default="latest")
@click.option("--workspace", type=click.Path(path_type=Path), help="Workspace folder.")
@click.option("--cycle", help="Assessment cycle (default: the workspace's).")
@click.option("--variant", type=click.Choice(["restricted", "public"]), default="restricted",
              show_default=True, help="Compare the restricted or the public report.")
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
def diff_command(draft_a: str, draft_b: str, workspace: Path | None, cycle: str | None,
                 variant: str, as_json: bool) -> None:
    """What changed between two versions of the report: submissions, key figures and
    ranks, chapters. DRAFT_A and DRAFT_B are 1, draft-2, final, latest or previous
    (default: previous latest); the same as the report's annex "What changed"."""
    from octasee.report.changes import as_text, diff_versions  # lazy for import time

    changes = diff_versions(workspace, draft_a, draft_b, variant=variant, cycle=cycle)
    if as_json:
        click.echo(json.dumps(changes.as_dict(), indent=2, ensure_ascii=False, default=str))
    else:
        click.echo(as_text(changes), nl=False)


@click.command("drafts", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--workspace", type=click.Path(path_type=Path), help="Workspace folder.")
@click.option("--cycle", help="Assessment cycle (default: the workspace's).")
def drafts_command(workspace: Path | None, cycle: str | None) -> None:
    """List the versions of the report built so far, oldest first."""
    from octasee.report.drafts import open_drafts  # lazy for import time (see above)

    _, book = open_drafts(workspace, cycle)
    versions = book.versions()
    console = Console(highlight=False, markup=False, emoji=False,
                      width=None if sys.stdout.isatty() else 160)
    if not versions:
        console.print(f"no draft of the {book.cycle} report yet: build one with "
                      "'octasee build'", markup=False)
        return
    t = Table(title=Text(f"Versions of the {book.cycle} report"), header_style="bold")
    for col in ("version", "first built", "variants", "report date", "folder"):
        t.add_column(col)
    for v in versions:
        dates = sorted({str(i.get("build_date", "")) for i in v.variants.values()})
        # cells as Text: a folder named "drafts [old]" keeps its brackets
        t.add_row(*map(Text, (v.label, v.created.replace("T", " "),
                              ", ".join(sorted(v.variants)), ", ".join(dates),
                              str(v.folder))))
    console.print(t)


@click.command("judgements", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--workspace", type=click.Path(path_type=Path), help="Workspace folder.")
@click.option("--cycle", help="Assessment cycle (default: the workspace's).")
@click.option("--init", "init", is_flag=True,
              help="Start the register (judgements.yaml) from the current findings: every "
                   "judgement a draft to rewrite. Never overwrites a register.")
@click.option("--json", "as_json", is_flag=True, help="Print the state as JSON.")
def judgements_command(workspace: Path | None, cycle: str | None, init: bool,
                       as_json: bool) -> None:
    """The analysts' key judgements (judgements.yaml in the workspace): each one's state
    (draft; agreed; or stale: a finding it cites moved since the draft it was agreed in),
    its evidence, and the findings no judgement cites yet. With --init, start the
    register from the current findings."""
    from octasee.report.judgements import (  # lazy for import time (see above)
        init_register,
        register_status,
        state_lines,
    )

    if init:
        path, n = init_register(workspace, cycle)
        if not n:
            click.echo(f"wrote {path}: the findings suggest no judgement yet; write your "
                       "own there (its header explains every key).")
            return
        click.echo(f"wrote {path}: {n} suggested judgement{'s' if n != 1 else ''}, each "
                   "a draft. Rewrite each statement as a judgement about the threat, check "
                   "its probability, confidence, horizon and evidence, delete the ones you "
                   "do not keep, and write 'state: agreed' when it is signed off; the next "
                   "build prints the agreed ones.")
        return
    status = register_status(workspace, cycle)
    reg, state = status.register, status.state
    if as_json:
        click.echo(json.dumps({**state.as_dict(), "cycle": status.cycle,
                               "problem": status.problem.message if status.problem else None},
                              indent=2, ensure_ascii=False))
    elif not reg.exists:
        click.echo(f"No register yet: {reg.path} does not exist. Start one from the "
                   "current findings with 'octasee judgements --init', or write it by hand.")
    else:
        counts = {k: sum(s.state == k for s in state.judgements.values())
                  for k in ("agreed", "stale", "draft")}
        click.echo(f"Register {reg.path}, {status.cycle} cycle: {len(reg)} judgement"
                   f"{'s' if len(reg) != 1 else ''} ({counts['agreed']} agreed, "
                   f"{counts['stale']} stale, {counts['draft']} in draft)")
        lines = state_lines(state, reg, status.findings)
        if lines:
            click.echo("")
            click.echo("\n".join(lines))
    if not as_json:
        by_key = {f.key: f for f in status.findings}
        click.echo("")
        if state.uncovered:
            click.echo(f"Findings no judgement cites ({len(state.uncovered)} of "
                       f"{len(status.findings)}):")
            for key in state.uncovered:
                f = by_key.get(key)
                number = f"F{f.number} " if f is not None and getattr(f, "number", None) \
                    else ""
                click.echo(f"  {number}{key}" + (f": {f.title}" if f is not None else ""))
        elif status.findings:
            click.echo(f"Every one of the {len(status.findings)} findings is cited by a "
                       "judgement.")
        else:
            click.echo("The data of this cycle give no finding yet.")
    if status.problem is not None:
        raise status.problem  # the group prints it and exits 1
