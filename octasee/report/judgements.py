"""The register's state across drafts: which key judgements are agreed, in draft, or stale.

A judgement the analysts agreed rests on findings as they were in the draft where it was
agreed. When a finding it cites moves afterwards (a country corrects its figures, a new
submission arrives), the judgement is *stale*: the restricted report and ``octasee diff``
flag it "evidence changed since agreed", naming each finding that moved, its numbers then
and now, and the draft it was agreed in, until an analyst reviews it.

:func:`register_state` works this out from the drafts' snapshots
(:mod:`octasee.report.drafts`: each keeps every finding's digest and numbers as printed,
and every judgement's state, statement and evidence):

- a judgement in ``state: draft`` is a draft;
- an agreed one was agreed in the draft its ``agreed_in`` names, else in the first draft
  of the latest unbroken run of drafts in which it was agreed with the statement and
  evidence it has now (rewording or re-citing it is agreeing it again), else in this
  build;
- it is stale when a finding it cites has another digest now than in that draft (or is
  gone); a draft recorded before drafts kept findings cannot tell, so the judgement
  counts as agreed.

The state also lists the findings no judgement cites (for the editors). The build writes
it as JSON for the chapter kernels (:func:`write_state`; the variable
:data:`octasee.analysis.register.STATE_ENV` names the file, which
:func:`octasee.analysis.register.read_state` reads).
"""

from __future__ import annotations

import hashlib
import json
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from octasee.analysis.findings import Finding, find
from octasee.analysis.register import (
    Register,
    check_references,
    finding_record,
    is_finding_key,
    parse_register,
    read_register,
    register_path,
    start_register,
)
from octasee.errors import ConfigError, UsageError
from octasee.report._io import write_text_atomic
from octasee.report.drafts import DraftBook, Version, open_drafts
from octasee.samples import ensure_samples
from octasee.store import Store

__all__ = ["JudgementState", "Moved", "RegisterState", "Status", "finding_records",
           "init_register", "register_state", "register_status", "state_lines",
           "write_state"]

#: The width of ``octasee judgements``' paragraphs.
_WIDTH = 96


@dataclass(frozen=True)
class Moved:
    """A finding a judgement cites that moved since the draft the judgement was agreed
    in: its numbers then (``was``) and now (``now``; empty when it is gone)."""

    finding: str
    title: str
    was: Mapping[str, str]
    now: Mapping[str, str]

    def as_dict(self) -> dict[str, Any]:
        return {"finding": self.finding, "title": self.title, "was": dict(self.was),
                "now": dict(self.now)}

    def changes(self) -> list[str]:
        """Each number that changed, as ``"total: 1,984 → 2,134"``."""
        if not self.now:
            return ["no longer found"]
        keys = list(dict.fromkeys([*self.was, *self.now]))
        return [f"{k}: {self.was.get(k, '–')} → {self.now.get(k, '–')}" for k in keys
                if self.was.get(k) != self.now.get(k)] or ["its wording or basis changed"]


@dataclass(frozen=True)
class JudgementState:
    """One judgement's state: ``"draft"``, ``"agreed"`` or ``"stale"``; the draft it was
    agreed in (its label, "Draft 1"; None for a draft, or agreed in a build not recorded)
    and, when stale, each cited finding that moved."""

    id: str
    state: str
    agreed_in: str | None = None
    moved: tuple[Moved, ...] = ()

    @property
    def stale(self) -> bool:
        return self.state == "stale"

    def as_dict(self) -> dict[str, Any]:
        return {"state": self.state, "agreed_in": self.agreed_in,
                "moved": [m.as_dict() for m in self.moved]}


@dataclass(frozen=True)
class RegisterState:
    """The register's state in one version of the report (``version``: its label, None
    for a build that is not recorded), and the findings no judgement cites."""

    register: Path
    version: str | None
    judgements: Mapping[str, JudgementState] = field(default_factory=dict)
    uncovered: tuple[str, ...] = ()

    def stale(self) -> list[JudgementState]:
        return [s for s in self.judgements.values() if s.stale]

    def as_dict(self) -> dict[str, Any]:
        """The JSON the chapter kernels read (:func:`octasee.analysis.register.read_state`)."""
        return {"register": str(self.register), "version": self.version,
                "judgements": {k: v.as_dict() for k, v in self.judgements.items()},
                "uncovered": list(self.uncovered)}

    def public(self) -> RegisterState:
        """What the public edition's chapters are given: whether each judgement is agreed,
        nothing about findings (their numbers are the restricted rows') or staleness."""
        return RegisterState(self.register, self.version, {
            k: JudgementState(k, "agreed" if v.stale else v.state, v.agreed_in)
            for k, v in self.judgements.items()}, ())

    def digest(self) -> str:
        """What a chapter's output may depend on (not the version label, nor where the
        register is): part of its cache key."""
        blob = json.dumps({"judgements": self.as_dict()["judgements"],
                           "uncovered": list(self.uncovered)}, sort_keys=True,
                          ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()


def finding_records(findings: Iterable[Finding] | Mapping[str, Mapping[str, Any]]
                    ) -> dict[str, dict[str, Any]]:
    """Findings as drafts keep them, by key: ``{"digest", "numbers", "title"}``
    (:func:`octasee.analysis.register.finding_record`); a mapping of such records (a
    snapshot's ``findings``) is taken as it is."""
    if isinstance(findings, Mapping):
        return {str(k): dict(v) for k, v in findings.items()}
    return {f.key: finding_record(f) for f in findings}


def _same(rec: Mapping[str, Any] | None, j: Any) -> bool:
    """Whether a snapshot's record of a judgement is ``j`` agreed as it reads now."""
    return (isinstance(rec, Mapping) and rec.get("state") == "agreed"
            and rec.get("statement") == j.statement
            and list(rec.get("evidence") or []) == list(j.evidence))


def register_state(book: DraftBook | None, version: Version | None, register: Register,
                   findings: Iterable[Finding] | Mapping[str, Mapping[str, Any]]
                   ) -> RegisterState:
    """Each judgement's state in ``version`` (None: a build that is not recorded, e.g.
    ``octasee judgements`` or a preview: compared with every recorded draft), given the
    findings now (:class:`~octasee.analysis.findings.Finding` s, or a snapshot's
    records), and the findings no judgement cites.

    Raises :class:`~octasee.errors.ConfigError` (file, line) for an ``agreed_in`` that
    names a draft that does not exist."""
    now = finding_records(findings)
    versions = book.versions() if book is not None else []
    current = version.number if version is not None else None
    earlier = [v for v in versions if current is None or v.number < current]
    snaps: dict[int, Mapping[str, Any] | None] = {}

    def snap(v: Version) -> Mapping[str, Any] | None:
        if v.number not in snaps:
            snaps[v.number] = book.snapshot(v) if book is not None else None
        return snaps[v.number]

    states: dict[str, JudgementState] = {}
    for j in register.judgements:
        if not j.agreed:
            states[j.id] = JudgementState(j.id, "draft")
            continue
        base: Version | None = None
        if j.agreed_in is not None:
            base = next((v for v in earlier if v.number == j.agreed_in), None)
            this = current if current is not None else (
                (versions[-1].number if versions else 0) + 1)
            if base is None and j.agreed_in != this:
                known = ", ".join(str(v.number) for v in versions) or "none yet"
                raise ConfigError(
                    f"judgement {j.id}: agreed_in names draft {j.agreed_in}, which does not "
                    "exist", where=j.where("agreed_in"),
                    hint=f"the drafts built so far: {known}"
                         + (f"; this build is {version.label.lower()}" if version else "")
                         + "; write the draft in which it was agreed, or leave agreed_in "
                           "out")
        else:
            for v in reversed(earlier):
                s = snap(v)
                if not _same((s or {}).get("judgements", {}).get(j.id), j):
                    break
                base = v
        if base is None:  # agreed in this build
            label = version.label if version is not None else None
            states[j.id] = JudgementState(j.id, "agreed", label)
            continue
        was_all = (snap(base) or {}).get("findings")
        moved: list[Moved] = []
        if isinstance(was_all, Mapping):  # else: recorded before drafts kept findings
            for key in j.findings:
                was, cur = was_all.get(key), now.get(key)
                if was is None and cur is None:
                    continue  # not a finding then nor now: check_references says so
                if (was or {}).get("digest") != (cur or {}).get("digest"):
                    moved.append(Moved(key, str((cur or was or {}).get("title", key)),
                                       dict((was or {}).get("numbers") or {}),
                                       dict((cur or {}).get("numbers") or {})))
        states[j.id] = JudgementState(j.id, "stale" if moved else "agreed", base.label,
                                      tuple(moved))
    cited = {k for j in register.judgements for k in j.evidence if is_finding_key(k)}
    return RegisterState(register.path, version.label if version is not None else None,
                         states, tuple(k for k in now if k not in cited))


def write_state(state: RegisterState, folder: str | Path) -> Path:
    """Write ``state`` as JSON into ``folder`` under a name made from its content (two
    builds of the same state share the file; an existing one is kept) and return its
    path, for :data:`~octasee.analysis.register.STATE_ENV`."""
    text = json.dumps(state.as_dict(), indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    name = "judgements-" + hashlib.sha256(text.encode()).hexdigest()[:16] + ".json"
    path = Path(folder) / name
    if not path.exists():
        write_text_atomic(path, text)
    return path


def state_lines(state: RegisterState, register: Register,
                findings: Sequence[Any] = ()) -> list[str]:
    """The register's state as plain text lines (``octasee judgements``)."""
    by_key = {getattr(f, "key", None): f for f in findings}
    out: list[str] = []
    for j in register.judgements:
        s = state.judgements.get(j.id) or JudgementState(j.id, j.state)
        if s.state == "stale":
            head = f"stale: evidence changed since agreed in {s.agreed_in}"
        elif s.state == "agreed":
            head = f"agreed in {s.agreed_in}" if s.agreed_in else "agreed (in no draft yet)"
        else:
            head = "draft"
        where = f"chapter {j.chapter}" + (f", {j.topic}" if j.topic else "")
        out.append(f"{j.id}  {head}  ({where}; {j.where()})")
        out += _wrap(j.statement, hanging="")
        out += _wrap(f"{j.probability}, confidence {j.confidence}, horizon: {j.horizon}"
                     + ("" if j.public else "; no public wording (withheld in the public "
                                            "edition)"))
        refs = []
        for key in j.evidence:
            f = by_key.get(key)
            refs.append(f"{key} (F{f.number} {f.title})"
                        if f is not None and getattr(f, "number", None) else key)
        out += _wrap("evidence: " + "; ".join(refs))
        for m in s.moved:
            out += _wrap(f"moved: {m.finding} ({m.title}): " + "; ".join(m.changes()))
    return out


def _wrap(text: str, *, hanging: str = "  ") -> list[str]:
    """A paragraph of the command's output, indented under its judgement."""
    return textwrap.wrap(" ".join(text.split()), _WIDTH, initial_indent="    ",
                         subsequent_indent="    " + hanging, break_long_words=False,
                         break_on_hyphens=False) or ["    "]



# --------------------------------------------------------------------------- the command


@dataclass(frozen=True)
class Status:
    """What ``octasee judgements`` shows: the register, its state against the drafts
    built so far and the findings now (``problem``: a reference that does not resolve,
    shown after the state)."""

    register: Register
    state: RegisterState
    findings: tuple[Any, ...]
    cycle: str
    problem: ConfigError | None = None


def _findings_now(ws: Any, cycle: str) -> list[Finding]:
    """The findings of ``cycle`` in the workspace's store, as the build computes them
    (restricted rows, the workspace's member countries)."""
    ensure_samples(ws)  # a new clone's sample workspace, as the build does
    if not ws.store_path.exists():
        raise UsageError("the workspace has no store yet", where=str(ws.store_path),
                         hint="ingest the questionnaires first: octasee ingest FILE...")
    with Store(ws.store_path, read_only=True) as store:
        return list(find(store, cycle=cycle, countries=list(ws.expected)))


def register_status(workspace: Any = None, cycle: str | None = None) -> Status:
    """The register of a workspace (found as commands find it) and its state: each
    judgement draft, agreed or stale, compared with the drafts of ``cycle`` (default:
    the workspace's) built so far and the findings in the store now."""
    ws, book = open_drafts(workspace, cycle)
    register = read_register(ws.path)
    findings = _findings_now(ws, book.cycle)
    problem = None
    try:
        check_references(register, findings=[f.key for f in findings])
    except ConfigError as exc:
        problem = exc
    state = register_state(book, None, register, findings)
    return Status(register, state, tuple(findings), book.cycle, problem)


def init_register(workspace: Any = None, cycle: str | None = None) -> tuple[Path, int]:
    """Write a first register into the workspace from the findings of ``cycle``
    (:func:`octasee.analysis.register.start_register`: every judgement a draft to
    rewrite); returns its path and how many judgements it suggests. Refuses
    (:class:`~octasee.errors.UsageError`) to overwrite a register."""
    ws, book = open_drafts(workspace, cycle)
    path = register_path(ws.path)
    if path.exists():
        raise UsageError("the workspace has a register already", where=str(path),
                         hint="edit it in a text editor ('octasee judgements' shows its "
                              "state); to start again, rename it (e.g. to "
                              "judgements.old.yaml) and run 'octasee judgements --init'")
    text = start_register(_findings_now(ws, book.cycle), cycle=book.cycle)
    suggested = len(parse_register(text, path=path))  # it reads back as it will be read
    write_text_atomic(path, text)
    return path, suggested
