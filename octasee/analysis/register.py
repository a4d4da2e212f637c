"""The judgement register: the analysts' key judgements, in the workspace, with their
evidence.

The findings (:mod:`octasee.analysis.findings`) are what the data show; the key
judgements are what the analysts conclude, and they own them. They write them in one
file per workspace, ``<workspace>/judgements.yaml`` (:data:`REGISTER_NAME`), which a
non-programmer edits in a text editor: its header (:data:`HEADER`) explains every key.
Each judgement has an id, the chapter that discusses it, an optional topic, its
statement, a probability term of the PHIA yardstick, a confidence level, a horizon, the
findings, figures or tables it rests on (its evidence), an optional public wording and a
state (``draft`` or ``agreed``; only agreed ones are key judgements of the report)::

    judgements:
      - id: KJ1
        chapter: "04"
        topic: markets
        statement: >
          The Balkan route will remain the main corridor for heroin bound for the
          EU, with Turkey the point of entry for most of it.
        probability: highly likely
        confidence: moderate
        horizon: the next cycle, 2018-2022
        evidence:
          - dominance:heroin:heroin_seized
          - fig:trend:heroin:heroin_seized
        state: agreed

:func:`read_register` reads and checks it (:class:`~octasee.errors.ConfigError` naming
the file, the line and what to write instead, for an unknown key, a term outside the
yardstick, a confidence outside the list, no evidence, an id given twice, invalid YAML;
a missing file is an empty register). :func:`check_references` refuses evidence that
does not resolve, with the closest existing key. :func:`start_register` writes a first
register from the findings, every judgement a draft to rewrite; :func:`uncovered` lists
the findings no judgement cites.

The build works out each judgement's state across drafts (agreed, draft, or stale:
"evidence changed since agreed", :mod:`octasee.report.judgements`) and gives it to the
chapter kernels in a JSON file named by :data:`STATE_ENV`; a chapter reads it with
:func:`read_state` (an empty state outside a build, e.g. in JupyterLab).
"""

from __future__ import annotations

import difflib
import json
import os
import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from octasee.analysis.findings import Finding
from octasee.analysis.findings import horizon as next_cycle_horizon
from octasee.config import Field, LineDict, LineList, Source, Table, check, did_you_mean, read_yaml
from octasee.errors import ConfigError
from octasee.reference import cycle as get_cycle
from octasee.scoring.trends import YARDSTICK

__all__ = ["CONFIDENCE", "EVIDENCE_PREFIXES", "HEADER", "REGISTER_NAME", "STATES", "STATE_ENV",
           "SUGGESTED_KINDS", "TERMS", "TOPICS", "Judgement", "Register", "check_references", "empty_state",
           "finding_record", "is_finding_key", "parse_register", "read_register", "read_state",
           "register_path", "start_register", "uncovered"]

#: The register's file name in a workspace.
REGISTER_NAME = "judgements.yaml"
#: The environment variable through which a build gives its chapter kernels the path of
#: the register's state (JSON; see :func:`read_state`).
STATE_ENV = "OCTASEE_JUDGEMENT_STATE"
#: The probability terms of the PHIA yardstick (2019), as :data:`YARDSTICK` spells them.
TERMS: tuple[str, ...] = tuple(t[0] for t in YARDSTICK)
#: Other spellings the yardstick prints for a term: "likely or probable" is one term.
_SYNONYMS = {"probable": "likely", "likely or probable": "likely",
             "likely / probable": "likely", "likely/probable": "likely"}
CONFIDENCE: tuple[str, ...] = ("high", "moderate", "low")
STATES: tuple[str, ...] = ("draft", "agreed")
TOPICS: tuple[str, ...] = ("markets", "networks", "routes", "enablers", "outlook")
#: Evidence keys of figures and tables (assigned by the chapters when they run); every
#: other evidence key names a finding.
EVIDENCE_PREFIXES: tuple[str, ...] = ("fig:", "tab:")

_RANGES = {t[0]: f"{t[1]:g}-{t[2]:g} %" for t in YARDSTICK}
_TERM_LIST = ", ".join(f"{'likely (or probable)' if t == 'likely' else t} ({_RANGES[t]})"
                       for t in TERMS)

#: The register's header: what a non-programmer needs to edit it in a text editor.
HEADER = f"""\
# Key judgements of the assessment: the analysts' register.
#
# The analysts write and own this file; octasee reads it on every build and never
# changes it. A mistake stops the build with the line and what to write instead.
# 'octasee judgements' shows each judgement's state and the findings it may rest on.
#
# One entry per key judgement, each starting with "- id:" under "judgements:".
# The keys of an entry (indent them as in the example below):
#
#   id           a short name, unique in this file: KJ1, KJ2, ...
#   chapter      the chapter that discusses it, as its notebook is numbered: "04"
#                (the executive summary shows every agreed judgement)
#   topic        optional: markets, networks, routes, enablers or outlook
#   statement    the judgement, in full sentences: what the threat is and where it
#                goes, not a count of seizures
#   probability  a term of the PHIA probability yardstick:
#                {textwrap.fill(_TERM_LIST, 70, subsequent_indent='#                ')}
#   confidence   high, moderate or low: how well the evidence supports it
#   horizon      the period it speaks of, e.g. the next cycle, 2018-2022
#   evidence     what it rests on, one key a line after "- ": findings
#                (trend:heroin:heroin_seized; 'octasee judgements' lists them) and
#                figures or tables of the report (fig:..., tab:...)
#   public       optional: its wording for the public edition; without it the public
#                edition withholds the judgement
#   state        draft (being written) or agreed (signed off: in the report)
#   agreed_in    optional, e.g. draft 2: the draft in which it was agreed. Without it,
#                the first draft built with it agreed as it now reads. When a finding it
#                cites has changed since that draft, the restricted report and
#                'octasee diff' flag it "evidence changed since agreed": review it,
#                then write the current draft here.
#
# A text that holds ": " or " #", or starts with a quote, [, {{, &, * or !, goes in
# double quotes; a long text can follow "statement: >" on the next lines, indented.
#
# Example:
#
# judgements:
#   - id: KJ1
#     chapter: "04"
#     topic: routes
#     statement: >
#       The Balkan route will remain the main corridor for heroin bound for the EU.
#     probability: highly likely
#     confidence: moderate
#     horizon: the next cycle, 2018-2022
#     evidence:
#       - trend:heroin:heroin_seized
#       - fig:trend:heroin:heroin_seized
#     state: draft
"""

_ITEM = Table({k: Field("any", required=k in (
    "id", "chapter", "statement", "probability", "confidence", "horizon", "evidence"),
    hint=h) for k, h in {
    "id": "add id: KJ1 (a short name no other judgement has)",
    "chapter": 'add chapter: "04" (the chapter that discusses it)',
    "topic": None, "statement": "add statement: > and the judgement on the next lines",
    "probability": "add probability: likely (a term of the PHIA yardstick)",
    "confidence": "add confidence: high, moderate or low",
    "horizon": "add horizon: the next cycle (the period it speaks of)",
    "evidence": "add evidence: and below it, one finding, figure or table key a line "
                "after '- ' ('octasee judgements' lists the findings)",
    "public": None, "state": None, "agreed_in": None}.items()},
    name=lambda value, path, doc: _called(value))
_SCHEMA = Table({"judgements": Field("list", items=_ITEM,
                                     hint="list the judgements under it, each starting "
                                          "with '- id:'")},
                hint="start the file with 'judgements:' and list the judgements under it, "
                     "each starting with '- id:'")


def _called(value: Any) -> str:
    ident = value.get("id") if isinstance(value, Mapping) else None
    return f"judgement {ident}" if ident not in (None, "") else "a judgement"


@dataclass(frozen=True)
class Judgement:
    """One key judgement of the register, checked (see the module docstring).

    ``probability`` is the yardstick's spelling (``"likely"`` also for "probable");
    ``chapter`` two digits for a numbered chapter ("04"), a letter for an annex;
    ``agreed_in`` the number of the draft the analyst says it was agreed in (None: the
    first draft built with it agreed); ``file`` and ``line`` where it starts;
    ``evidence_lines`` the line of each evidence key."""

    id: str
    chapter: str
    statement: str
    probability: str
    confidence: str
    horizon: str
    evidence: tuple[str, ...]
    topic: str | None = None
    public: str | None = None
    state: str = "draft"
    agreed_in: int | None = None
    file: str = ""
    line: int | None = None
    evidence_lines: tuple[int | None, ...] = field(default=(), compare=False, repr=False)
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    @property
    def agreed(self) -> bool:
        return self.state == "agreed"

    @property
    def findings(self) -> tuple[str, ...]:
        """The finding keys among its evidence (not figures or tables)."""
        return tuple(k for k in self.evidence if is_finding_key(k))

    def where(self, key: str | None = None) -> str:
        """``"<file>, line N"`` of the judgement, or of one of its keys."""
        line = self.lines.get(key, self.line) if key else self.line
        return f"{self.file}, line {line}" if line else self.file

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "chapter": self.chapter, "topic": self.topic,
                "statement": self.statement, "probability": self.probability,
                "confidence": self.confidence, "horizon": self.horizon,
                "evidence": list(self.evidence), "public": self.public, "state": self.state,
                "agreed_in": self.agreed_in, "file": self.file, "line": self.line}


@dataclass(frozen=True)
class Register:
    """The judgements of a workspace's register, in the file's order; ``path`` is where
    the file is (or would be: a missing file is an empty register, ``exists`` False);
    ``text`` its content as read (the build's fingerprint)."""

    judgements: tuple[Judgement, ...]
    path: Path
    text: str = field(default="", repr=False)
    exists: bool = False

    def agreed(self) -> list[Judgement]:
        """The key judgements of the report: those agreed."""
        return [j for j in self.judgements if j.agreed]

    def for_chapter(self, number: str | int) -> list[Judgement]:
        """The judgements a chapter discusses (``"04"``, ``"4"``, ``4`` or ``"A"``)."""
        want = _chapter(number)
        return [j for j in self.judgements if j.chapter == want]

    def get(self, ident: str) -> Judgement | None:
        return next((j for j in self.judgements if j.id == ident), None)

    def __len__(self) -> int:
        return len(self.judgements)


def is_finding_key(key: str) -> bool:
    """Whether an evidence key names a finding (not a figure or a table)."""
    return not str(key).startswith(EVIDENCE_PREFIXES)


def register_path(path_or_workspace: Any) -> Path:
    """The register's file: ``path_or_workspace`` itself when it names a file, else
    :data:`REGISTER_NAME` in the folder (or :class:`~octasee.workspace.Workspace`)."""
    base = getattr(path_or_workspace, "path", path_or_workspace)
    p = Path(base)
    return p / REGISTER_NAME if p.is_dir() or not p.suffix else p


# --------------------------------------------------------------------------- reading


def _chapter(value: Any) -> str:
    """A chapter as the register keeps it: "04" for chapter 4, "A" for annex A."""
    text = str(value).strip()
    if text.isdigit():
        return f"{int(text):02d}"
    return text.upper() if len(text) == 1 else text


def _term(value: str) -> str | None:
    text = re.sub(r"\s+", " ", value.strip().lower())
    if text in TERMS:
        return text
    return _SYNONYMS.get(text)


_AGREED_IN = re.compile(r"(?:draft[\s_-]*|d)?(\d+)", re.I)


def read_register(path_or_workspace: Any) -> Register:
    """The register of a workspace (its folder, a :class:`~octasee.workspace.Workspace`,
    or the file itself), checked; a missing file is an empty register.

    Raises :class:`~octasee.errors.ConfigError` naming the file, the line and what to
    write instead for invalid YAML, an unknown key, a missing key, a probability term
    outside the PHIA yardstick, a confidence level outside high, moderate, low, a state
    other than draft or agreed, a topic outside the list, a judgement without evidence,
    an id given twice, or an agreed_in that does not name a draft.
    """
    path = register_path(path_or_workspace)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Register((), path)
    except OSError as exc:
        raise ConfigError(f"the register cannot be read ({exc.strerror or exc})",
                          where=str(path), hint="check the file's permissions") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise ConfigError("the register is not UTF-8 text", where=f"{path}, line {line}",
                          hint="save it as UTF-8 in your editor") from None
    return parse_register(text, path=path)


def parse_register(text: str, *, path: Path) -> Register:
    """:func:`read_register` on a text (``path``: what messages call the file)."""
    name = str(path)
    data, src = read_yaml(text, name=name, long_text="statement: >")
    if data is None:
        return Register((), path, text, True)
    if not isinstance(data, Mapping):
        raise ConfigError("the register does not start with 'judgements:'",
                          where=f"{name}, line {getattr(data, 'line', None) or 1}",
                          hint=_SCHEMA.hint)
    checked = check(data, _SCHEMA, src)
    items = checked.get("judgements") or []
    raw_items = data.get("judgements") if isinstance(data, Mapping) else None
    out: list[Judgement] = []
    seen: dict[str, int | None] = {}
    for i, item in enumerate(items):
        raw = raw_items[i] if isinstance(raw_items, list) else item
        j = _judgement(item, raw, src, ("judgements", i), name)
        if j.id in seen:
            raise ConfigError(f"the id {j.id!r} is given twice", where=j.where("id"),
                              hint=f"it is first given on line {seen[j.id]}; give this "
                                   f"judgement its own id, e.g. {_free_id(out, j)}")
        seen[j.id] = j.lines.get("id", j.line)
        out.append(j)
    return Register(tuple(out), path, text, True)


def _free_id(done: Sequence[Judgement], j: Judgement) -> str:
    taken = {x.id for x in done} | {j.id}
    n = len(taken)
    while f"KJ{n}" in taken:
        n += 1
    return f"KJ{n}"


def _text(value: Any, key: str, what: str, fail: Any) -> str:
    if value is None:
        value = ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise fail(f"{key} is not a text", key, f"write it on the line after '{key}:', "
                                                f"e.g. {key}: {what}")
    text = str(value).strip()
    if not text:
        raise fail(f"{key} is empty", key, f"write it after '{key}:', e.g. {key}: {what}")
    return text


def _choice(value: Any, key: str, choices: Sequence[str], *, example: str, what: str,
            hint: str, fail: Any) -> str:
    """A value that must be one of ``choices`` (any case), lower-cased; otherwise the
    error names it, the closest choice and ``hint``."""
    raw = _text(value, key, example, fail)
    if raw.lower() not in choices:
        close = did_you_mean(raw.lower(), choices)
        raise fail(f"{key} {raw!r} is not {what}", key, (close + "; " if close else "") + hint)
    return raw.lower()


def _judgement(item: Mapping[str, Any], raw: Any, src: Source, at: tuple[Any, ...],
               name: str) -> Judgement:
    start = src.line(at)
    lines: dict[str, int] = {}
    if isinstance(raw, LineDict):
        lines = {str(k): v for k, v in raw.key_lines.items()}
    ident = str(item.get("id", "")).strip()
    who = f"judgement {ident}" if ident else "a judgement"

    def fail(what: str, key: str | None = None, hint: str | None = None,
             line: int | None = None) -> ConfigError:
        n = line or (lines.get(key, start) if key else start)
        return ConfigError(f"{who}: {what}", where=f"{name}, line {n}" if n else name,
                           hint=hint)

    if isinstance(item.get("id"), bool) or not isinstance(item.get("id"), str | int) \
            or not ident:
        raise fail("the id is empty" if not ident else "the id is not a short name", "id",
                   "write a short name, e.g. id: KJ1")
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", ident):
        raise fail(f"the id {ident!r} has spaces or signs", "id",
                   "use letters, digits, '-', '_' and '.', e.g. id: KJ1")
    chapter = _chapter(_text(item["chapter"], "chapter", '"04"', fail))
    if not re.fullmatch(r"\d{2,}|[A-Z]", chapter):
        raise fail(f"chapter {item['chapter']!r} is not a chapter number", "chapter",
                   'write the number its notebook starts with, e.g. chapter: "04", or an '
                   "annex letter, e.g. chapter: B")
    statement = _text(item["statement"], "statement", "The Balkan route will remain ...",
                      fail)
    prob_raw = _text(item["probability"], "probability", "likely", fail)
    probability = _term(prob_raw)
    if probability is None:
        close = did_you_mean(prob_raw.lower(), [*TERMS, "probable"])
        raise fail(f"probability {prob_raw!r} is not a term of the PHIA yardstick",
                   "probability", (close + "; " if close else "")
                   + f"the terms are: {_TERM_LIST}")
    confidence = _choice(item["confidence"], "confidence", CONFIDENCE, example="moderate",
                         what="a confidence level", hint="write high, moderate or low",
                         fail=fail)
    horizon = _text(item["horizon"], "horizon", "the next cycle, 2018-2022", fail)
    evidence, ev_lines = _evidence(item.get("evidence"), raw, fail)
    topic = None
    if item.get("topic") is not None:
        topic = _choice(item["topic"], "topic", TOPICS, example="markets", what="a topic",
                        hint="write one of " + ", ".join(TOPICS) + ", or leave the topic out",
                        fail=fail)
    public = None
    if item.get("public") is not None:
        public = _text(item["public"], "public", "the wording for the public edition",
                       fail)
    state = "draft"
    if item.get("state") is not None:
        state = _choice(item["state"], "state", STATES, example="agreed", what="a state",
                        hint="write draft (being written) or agreed (signed off)", fail=fail)
    agreed_in = None
    if item.get("agreed_in") is not None:
        value = item["agreed_in"]
        m = _AGREED_IN.fullmatch(str(value).strip()) if not isinstance(value, bool) else None
        if m is None or int(m.group(1)) < 1:
            raise fail(f"agreed_in {value!r} does not name a draft", "agreed_in",
                       "write the draft it was agreed in, e.g. agreed_in: draft 2, or "
                       "leave it out")
        agreed_in = int(m.group(1))
    return Judgement(id=ident, chapter=chapter, statement=statement, probability=probability,
                     confidence=confidence, horizon=horizon, evidence=evidence, topic=topic,
                     public=public, state=state, agreed_in=agreed_in, file=name, line=start,
                     evidence_lines=ev_lines, lines=lines)


def _evidence(value: Any, raw: Any, fail: Any) -> tuple[tuple[str, ...], tuple[int | None, ...]]:
    hint = ("list the findings, figures or tables it rests on, one a line after '- ' "
            "below 'evidence:', e.g. - trend:heroin:heroin_seized ('octasee judgements' "
            "lists the findings)")
    raw_list = raw.get("evidence") if isinstance(raw, Mapping) else None
    if value is None or value == [] or value == "":
        raise fail("no evidence", "evidence", hint)
    if isinstance(value, str):
        value, item_lines = [value], [None]
    elif isinstance(value, list):
        item_lines = list(raw_list.item_lines) if isinstance(raw_list, LineList) else []
    else:
        raise fail("evidence is not a list of keys", "evidence", hint)
    keys: list[str] = []
    lines: list[int | None] = []
    for i, v in enumerate(value):
        line = item_lines[i] if i < len(item_lines) else None
        if not isinstance(v, str) or not v.strip():
            raise fail(f"evidence item {i + 1} is not a key", "evidence", hint, line=line)
        key = v.strip()
        if key not in keys:  # the same key twice says nothing more
            keys.append(key)
            lines.append(line)
    return tuple(keys), tuple(lines)


# --------------------------------------------------------------------------- references


def _closest(key: str, keys: Sequence[str]) -> str | None:
    """A did-you-mean hint naming the closest of ``keys`` (always one, if there are any)."""
    hint = did_you_mean(key, keys, n=1)
    if hint:
        return hint
    close = difflib.get_close_matches(key, list(keys), n=1, cutoff=0.0)
    return f"the closest existing key is {close[0]!r}" if close else None


def check_references(register: Register, *, findings: Iterable[str],
                     evidence: Iterable[str] | None = None) -> None:
    """Refuse evidence that does not resolve: a finding key not among ``findings`` (the
    keys of :func:`octasee.analysis.findings.find` for the cycle) and, when ``evidence``
    is given (the figure and table keys the chapters wrote, known after execution), a
    figure or table key not among them. The :class:`~octasee.errors.ConfigError` names
    the file, the line, the closest existing key, and how many other references do not
    resolve."""
    finding_keys = sorted({str(k) for k in findings})
    evidence_keys = None if evidence is None else sorted({str(k) for k in evidence})
    bad: list[tuple[Judgement, str, int | None, str]] = []
    for j in register.judgements:
        for key, line in zip(j.evidence, j.evidence_lines or (None,) * len(j.evidence),
                             strict=False):
            if is_finding_key(key):
                if key not in finding_keys:
                    bad.append((j, key, line, "finding"))
            elif evidence_keys is not None and key not in evidence_keys:
                bad.append((j, key, line, "figure" if key.startswith("fig:") else "table"))
    if not bad:
        return
    j, key, line, kind = bad[0]
    pool = finding_keys if kind == "finding" else [
        k for k in evidence_keys or () if k.startswith(key[:4])] or list(evidence_keys or ())
    where = f"{j.file}, line {line}" if line else j.where("evidence")
    what = (f"judgement {j.id} cites {key!r}, which is not a finding of this cycle"
            if kind == "finding" else
            f"judgement {j.id} cites {key!r}, which is not a {kind} of this report")
    hint = _closest(key, pool) or ("there is no finding yet: build once the questionnaires "
                                   "are in, or cite a figure or table"
                                   if kind == "finding" else f"the report has no {kind}s")
    if kind == "finding":
        hint += "; 'octasee judgements' lists the findings"
    if len(bad) > 1:
        others = ", ".join(f"{b[0].id} {b[1]!r}" + (f" (line {b[2]})" if b[2] else "")
                           for b in bad[1:4])
        hint += (f"; {len(bad) - 1} other reference{'s' if len(bad) > 2 else ''} do"
                 f"{'' if len(bad) > 2 else 'es'} not resolve either: {others}"
                 + (", ..." if len(bad) > 4 else ""))
    raise ConfigError(what, where=where, hint=hint)


def _key(f: Any) -> str:
    if isinstance(f, str):
        return f
    if isinstance(f, Mapping):
        return str(f["key"])
    return str(f.key)


def uncovered(register: Register, findings: Iterable[Finding]) -> list[Finding]:
    """The findings no judgement of the register cites (draft or agreed), in their order."""
    cited = {k for j in register.judgements for k in j.evidence}
    return [f for f in findings if _key(f) not in cited]


def finding_record(f: Finding) -> dict[str, Any]:
    """What a draft keeps of a finding to tell whether it moved: its digest, its numbers
    as printed and its title."""
    return {"digest": f.digest(), "numbers": {str(k): str(v) for k, v in f.numbers.items()},
            "title": f.title}


# --------------------------------------------------------------------------- starting


#: The kinds of finding :func:`start_register` suggests judgements from: where a market,
#: the networks or the routes are going. The others (a break, an outlier year, coverage,
#: a divergence between sources, the change since the previous cycle) describe the data
#: and stay in the findings annex, where a judgement may still cite them.
SUGGESTED_KINDS: tuple[str, ...] = ("trend", "dominance", "networks", "routes")


def _suggested(f: Finding) -> bool:
    """Whether a finding is worth a suggested judgement: one of :data:`SUGGESTED_KINDS`,
    and for a trend, one the model judged (it has a probability term)."""
    return f.kind in SUGGESTED_KINDS and (f.kind != "trend" or _term(f.term or "") is not None)


def _topic_of(f: Finding) -> str | None:
    head = f.key.split(":", 1)[0]
    if head in TOPICS:
        return head
    return "markets" if f.crime_area else None


def _scalar(value: str) -> str:
    """A one-line YAML scalar (quoted when YAML would read it otherwise)."""
    text = yaml.safe_dump(value, allow_unicode=True, width=10_000, default_flow_style=True)
    return text.strip().removesuffix("...").strip()


def _block(value: str, indent: str) -> str:
    """A folded YAML block (``>``) of ``value``, wrapped for a text editor."""
    lines = textwrap.wrap(" ".join(value.split()), 80 - len(indent),
                          break_long_words=False, break_on_hyphens=False) or [""]
    return ">\n" + "\n".join(indent + line for line in lines)


def start_register(findings: Iterable[Finding], *, cycle: str) -> str:
    """A first register (YAML text) from the findings: one draft judgement per finding
    worth judging (:data:`SUGGESTED_KINDS`; a trend only when the model judged it),
    each marked as a suggestion for the analyst to rewrite as a judgement about the
    threat, with the finding's probability term, confidence and horizon where it has
    them (else placeholders, marked as such: realistic possibility, low), and its figures
    and tables as further evidence. Every one is ``state: draft``: none is a key
    judgement until an analyst rewrites and agrees it."""
    c = get_cycle(cycle)
    horizon = next_cycle_horizon(c.code)[0]
    out = [HEADER, f"# Started by 'octasee judgements --init' from the findings of the "
                   f"{c.code} cycle.",
           "# Every judgement below is a SUGGESTION from the data: rewrite its statement as",
           "# a judgement about the threat (markets, networks, routes, enablers), check its",
           "# probability, confidence, horizon and evidence, then write state: agreed.",
           "# Delete the suggestions you do not keep.", "", "judgements:"]
    n = 0
    for f in findings:
        if not _suggested(f):
            continue
        n += 1
        term = _term(f.term or "")
        conf = (f.confidence or "").lower()
        evidence = list(dict.fromkeys([f.key, *f.shows]))
        topic = _topic_of(f)
        out += ["", f"  # SUGGESTION from finding {f'F{f.number} ' if f.number else ''}"
                    f"{f.key}: {' '.join(str(f.title).split())}"]
        if term is None or conf not in CONFIDENCE:
            out.append("  # Its probability and confidence are placeholders: choose them.")
            term = term or "realistic possibility"
            conf = conf if conf in CONFIDENCE else "low"
        else:
            out.append("  # Its probability and confidence are the trend model's, not "
                       "yours yet.")
        if f.nd:
            out.append("  # It rests on rows not for dissemination: give it no public "
                       "wording from these numbers.")
        chapter = _scalar(_chapter(f.chapter or "11"))  # else the outlook chapter
        out += [f"  - id: KJ{n}", f"    chapter: {chapter}"]
        if topic:
            out.append(f"    topic: {topic}")
        out += [f"    statement: {_block(f.statement, '      ')}",
                f"    probability: {term}", f"    confidence: {conf}",
                f"    horizon: {_scalar(f.horizon or horizon)}",
                "    evidence:", *(f"      - {_scalar(k)}" for k in evidence),
                "    state: draft"]
    if n == 0:
        out.append("  # The findings suggest no judgement yet: write your own here, "
                   "as in the example above.")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- state


def empty_state() -> dict[str, Any]:
    """The state of a register outside a build: nothing known about drafts."""
    return {"register": None, "version": None, "judgements": {}, "uncovered": []}


def read_state() -> dict[str, Any]:
    """The register's state as the build worked it out (in a chapter kernel: the JSON
    file :data:`STATE_ENV` names), else :func:`empty_state` (JupyterLab, a test)::

        {"register": "<path>", "version": "Draft 2",
         "judgements": {"KJ1": {"state": "agreed" | "draft" | "stale",
                                "agreed_in": "Draft 1" | None,
                                "moved": [{"finding": key, "title": ...,
                                           "was": {...}, "now": {...}}]}},
         "uncovered": [finding keys no judgement cites]}
    """
    raw = os.environ.get(STATE_ENV)
    if not raw:
        return empty_state()
    try:
        data = json.loads(Path(raw).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"the register's state cannot be read ({exc})",
                          where=f"{STATE_ENV}={raw}",
                          hint="build the report again; outside a build, unset "
                               f"{STATE_ENV}") from None
    state = empty_state()
    if isinstance(data, Mapping):
        state.update({k: data[k] for k in state if k in data})
    return state
