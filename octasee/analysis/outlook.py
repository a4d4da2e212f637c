"""The analysts' outlook: the bottom line of the executive summary, the drivers and
scenarios of chapter 11 with their indicators of change, how priorities are ranked, and
what changed since the previous cycle.

The analysts write two kinds of file in the workspace, beside the register of key
judgements (``judgements.yaml``); octasee reads them and never writes them:

- ``summary.md`` (:data:`SUMMARY_NAME`): the executive summary's bottom line, a page of
  Markdown for the restricted edition. ``summary.public.md``
  (:data:`PUBLIC_SUMMARY_NAME`) is its wording for the public edition, written for
  release as a judgement's ``public:`` wording is: the public edition prints that file
  and nothing of ``summary.md``. Either cites what it rests on in square brackets:
  judgements (``[KJ2]``), scenarios (``[S1]``), findings
  (``[trend:heroin:heroin_seized]``), figures and tables (``[fig:priorities]``).
  :func:`citations` finds them and :func:`check_citations` says which no longer resolve
  (a finding gone, a judgement not agreed or whose evidence moved), so that the text
  goes stale visibly;
- ``outlook.yaml`` (:data:`OUTLOOK_NAME`, :func:`read_outlook`): the drivers and
  scenarios (``scenarios:``), each with the indicators of change to watch (``watch:``),
  and how regional priorities are scored, banded and counted (``priorities:``,
  :mod:`octasee.analysis.priorities`). Read strictly (an unknown key, indicator, crime
  area or country, a weight that makes no sense: the file, the line and the fix);
  what depends on the data (a finding a scenario cites that is no longer found, an
  indicator nobody reported) marks the scenario stale instead
  (:func:`scenario_problems`).

:func:`compare_cycles` matches the same findings of two cycles by key (what changed
since the previous assessment); :func:`compare_published` compares the public view's
published regional totals of two cycles (the public edition's version of it).

>>> [c.key for c in citations("Heroin [KJ1] moves by road [trend:heroin:heroin_seized]; "
...                           "see [the map](#x), [KJ2; S1] and [fig:priorities].")]
['KJ1', 'trend:heroin:heroin_seized', 'KJ2', 'S1', 'fig:priorities']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from octasee.analysis.findings import SERIES, Finding
from octasee.analysis.format import fmt_change, fmt_value
from octasee.analysis.priorities import PrioritySettings, parse_settings
from octasee.config import Field, LineList, Source, Table, check, did_you_mean, read_yaml
from octasee.errors import ConfigError, OctaseeError
from octasee.questionnaire.spec import Indicator, all_specs
from octasee.reference import MEMBER_CODES, resolve_country, resolve_crime_area
from octasee.reference import cycle as get_cycle
from octasee.sdc.view import PublicView

__all__ = ["CITATION", "COMPARED_KINDS", "OUTLOOK_NAME", "PUBLIC_SUMMARY_NAME", "SUMMARY_NAME",
           "Citation", "Outlook", "Scenario", "Summary", "Watch", "check_citations",
           "citation_groups", "citations", "compare_cycles", "compare_published",
           "parse_outlook", "read_outlook", "read_summary", "scenario_problems",
           "watch_baseline", "workspace_texts"]

#: The bottom line of the executive summary (restricted edition), in the workspace.
SUMMARY_NAME = "summary.md"
#: Its wording for the public edition.
PUBLIC_SUMMARY_NAME = "summary.public.md"
#: The drivers, scenarios and priority settings of chapter 11, in the workspace.
OUTLOOK_NAME = "outlook.yaml"


def workspace_texts(path_or_workspace: Any) -> dict[str, str]:
    """The analysts' outlook files of a workspace that exist, by name, with their text:
    what a build's fingerprint and cache key must cover besides the config and the
    register (an edited bottom line or scenario is a new draft)."""
    base = Path(getattr(path_or_workspace, "path", path_or_workspace))
    out = {}
    for name in (SUMMARY_NAME, PUBLIC_SUMMARY_NAME, OUTLOOK_NAME):
        try:
            out[name] = (base / name).read_text("utf-8-sig")
        except (FileNotFoundError, IsADirectoryError):
            continue
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{name} cannot be read ({exc})", where=str(base / name),
                              hint="save it as UTF-8 text and check its permissions"
                              ) from None
    return out


# --------------------------------------------------------------------------- citations

_KEY = (r"(?:(?:fig|tab|trend|break|dominance|coverage|outlier|divergence|change|networks|"
        r"routes):[^\]\s,;]+|[A-Z][A-Za-z]{0,5}\d+[A-Za-z0-9_.-]*)")
#: A citation: one key or several (separated by commas or semicolons) in square
#: brackets, not a Markdown link (``[text](url)``); :func:`citation_groups` also leaves
#: out a link definition (``[id]: url`` at the start of a line).
CITATION = re.compile(rf"(?<![\\!])\[({_KEY}(?:\s*[,;]\s*{_KEY})*)\](?!\()")
_ONE_KEY = re.compile(_KEY)


def citation_groups(text: str) -> list[re.Match[str]]:
    """The bracketed citations of ``text`` (:data:`CITATION`), each a match whose group 1
    holds its keys, in order."""
    out = []
    for m in CITATION.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        if (not text[line_start:m.start()].strip() and m.start() - line_start <= 3
                and text[m.end():m.end() + 1] == ":"):
            continue  # a Markdown link definition
        out.append(m)
    return out


@dataclass(frozen=True)
class Citation:
    """A key cited in an analyst's text, where it is (``start``, ``end`` of ``[key]``)."""

    key: str
    start: int
    end: int

    @property
    def kind(self) -> str:
        """``figure``, ``table``, ``finding`` or ``id`` (a judgement or a scenario)."""
        head = self.key.split(":", 1)[0]
        if ":" not in self.key:
            return "id"
        return {"fig": "figure", "tab": "table"}.get(head, "finding")


def citations(text: str) -> list[Citation]:
    """Every key ``text`` cites in square brackets (:data:`CITATION`): a finding
    (``[trend:heroin:heroin_seized]``), a figure or table (``[fig:…]``, ``[tab:…]``), a
    judgement or scenario by id (``[KJ2]``, ``[S1]``), or several in one pair of brackets
    (``[KJ1, KJ2]``); each with the span of its brackets. A Markdown link is not one."""
    return [Citation(k.group(0), m.start(), m.end()) for m in citation_groups(text)
            for k in _ONE_KEY.finditer(m.group(1))]


def check_citations(keys: Iterable[str], *, findings: Iterable[str],
                    judgements: Mapping[str, str], scenarios: Iterable[str] = ()
                    ) -> dict[str, str]:
    """The cited keys that no longer hold, each with why: a finding key not among
    ``findings`` (this cycle's), an id that is neither a judgement of ``judgements``
    (id → ``agreed``, ``draft`` or ``stale``, as the build works it out) nor one of
    ``scenarios``, a judgement not agreed, or one whose evidence moved since agreed.
    Figures and tables are the build's to check (it names a missing one).

    >>> check_citations(["KJ1", "KJ9", "trend:x:y", "S1", "fig:a"], findings=[],
    ...                 judgements={"KJ1": "agreed", "KJ9": "draft"}, scenarios=["S1"])
    {'KJ9': 'KJ9 is a draft, not an agreed judgement', 'trend:x:y': 'trend:x:y is not a finding of this cycle'}
    """
    found, ids = set(findings), set(scenarios)
    out: dict[str, str] = {}
    for key in dict.fromkeys(keys):
        if key.startswith(("fig:", "tab:")):
            continue
        if ":" in key:
            if key not in found:
                out[key] = f"{key} is not a finding of this cycle"
            continue
        if key in ids:
            continue
        state = judgements.get(key)
        if state is None:
            close = did_you_mean(key, [*judgements, *ids], n=1)
            out[key] = f"{key} is neither a judgement of the register nor a scenario" + (
                f" ({close})" if close else "")
        elif state == "draft":
            out[key] = f"{key} is a draft, not an agreed judgement"
        elif state == "stale":
            out[key] = f"the evidence of {key} changed since it was agreed"
    return out


# --------------------------------------------------------------------------- summary


@dataclass(frozen=True)
class Summary:
    """The bottom line of a workspace: ``text`` (``summary.md``) and ``public``
    (``summary.public.md``), each None when the file is missing or blank."""

    path: Path
    public_path: Path
    text: str | None = None
    public: str | None = None

    def words(self, public: bool = False) -> int:
        """How many words the text has (Markdown marks and citations left out)."""
        text = (self.public if public else self.text) or ""
        for m in reversed(citation_groups(text)):
            text = text[:m.start()] + " " + text[m.end():]
        return len(re.findall(r"[^\W_]+(?:['’-][^\W_]+)*", text))


def read_summary(path_or_workspace: Any) -> Summary:
    """The bottom line of a workspace (a folder or a :class:`~octasee.workspace.
    Workspace`): :data:`SUMMARY_NAME` and :data:`PUBLIC_SUMMARY_NAME`, as written."""
    base = Path(getattr(path_or_workspace, "path", path_or_workspace))
    texts = workspace_texts(base)

    def text(name: str) -> str | None:
        t = texts.get(name)
        return t if t is not None and t.strip() else None

    return Summary(base / SUMMARY_NAME, base / PUBLIC_SUMMARY_NAME, text(SUMMARY_NAME),
                   text(PUBLIC_SUMMARY_NAME))


# --------------------------------------------------------------------------- scenarios


@dataclass(frozen=True)
class Watch:
    """An indicator of change: a questionnaire ``indicator`` of ``crime_area`` to watch
    in ``countries`` (empty: every member state), and the ``signal`` that would mean the
    scenario is unfolding; ``line``: where it is in the file."""

    indicator: str
    crime_area: str
    signal: str
    countries: tuple[str, ...] = ()
    line: int | None = None

    def label(self) -> str:
        for spec in reversed(all_specs()):
            try:
                return spec.indicator(self.indicator).label
            except KeyError:
                continue
        return self.indicator


@dataclass(frozen=True)
class Scenario:
    """A driver of change and the scenario it could bring, as the analysts write it:
    ``id`` (S1, S2 …), ``title``, ``driver`` (what would drive it), ``scenario`` (what
    would follow), ``evidence`` (finding, figure or table keys it rests on), ``watch``
    (its indicators of change) and ``public`` (its wording for the public edition; none:
    withheld there); ``file`` and ``line`` where it starts; ``lines``: of its keys."""

    id: str
    title: str
    driver: str
    scenario: str
    evidence: tuple[str, ...] = ()
    watch: tuple[Watch, ...] = ()
    public: str | None = None
    file: str = ""
    line: int | None = None
    evidence_lines: tuple[int | None, ...] = field(default=(), compare=False, repr=False)

    def where(self) -> str:
        return f"{self.file}, line {self.line}" if self.line else self.file


@dataclass(frozen=True)
class Outlook:
    """The workspace's ``outlook.yaml``: its ``scenarios`` and ``priorities`` settings
    (the defaults when the file or the section is missing); ``exists``: the file is
    there."""

    path: Path
    scenarios: tuple[Scenario, ...] = ()
    priorities: PrioritySettings = field(default_factory=PrioritySettings)
    exists: bool = False


_WATCH = Table({
    "indicator": Field("text", required=True,
                       hint="add indicator: and the questionnaire code to watch, e.g. "
                            "indicator: cocaine_seized"),
    "crime_area": Field("text", hint="a crime area, e.g. crime_area: cocaine"),
    "countries": Field("list|text", hint="member states by name or ISO code, e.g. "
                                         "countries: [ME, AL]; leave it out for all"),
    "signal": Field("text", required=True,
                    hint="add signal: > and, on the lines below, what change would show "
                         "the scenario is unfolding"),
}, name="an indicator of change")
_SCENARIO = Table({
    "id": Field("text|whole", required=True, hint="add id: S1 (a short name no other "
                                                 "scenario has)"),
    "title": Field("text", required=True, hint="add title: a short name, shown in both "
                                               "editions (no figures in it)"),
    "driver": Field("text", required=True, hint="add driver: > and what would drive the "
                                                "change, on the lines below"),
    "scenario": Field("text", required=True, hint="add scenario: > and what would follow, "
                                                  "on the lines below"),
    "evidence": Field("list", items=Field("text"), hint="list the findings it rests on, one "
                      "a line after '- ' ('octasee judgements' lists them)"),
    "watch": Field("list", items=_WATCH, hint="list its indicators of change under watch:, "
                   "each starting with '- indicator:'"),
    "public": Field("text", hint="its wording for the public edition, or leave it out"),
}, name=lambda v, p, d: f"scenario {v.get('id')}" if isinstance(v, Mapping) and v.get("id")
   else "a scenario")
SCHEMA = Table({
    "priorities": Field("table", hint="write the settings under it, indented: count, "
                                      "weights, bands, threat, vulnerability, impact, harm, "
                                      "areas"),
    "scenarios": Field("list", items=_SCENARIO, hint="list the scenarios under it, each "
                       "starting with '- id:'"),
}, hint="start the file with 'scenarios:' or 'priorities:'")


def read_outlook(path_or_workspace: Any) -> Outlook:
    """The outlook file of a workspace (a folder, a :class:`~octasee.workspace.Workspace`
    or the file itself), checked; a missing file is the defaults and no scenario.

    Raises :class:`~octasee.errors.ConfigError` naming the file, the line and what to
    write instead: invalid YAML, an unknown key, a missing one, an id given twice, an
    indicator the questionnaire does not know, a crime area or a country octasee does
    not know, and every mistake in ``priorities:``
    (:func:`~octasee.analysis.priorities.parse_settings`)."""
    base = Path(getattr(path_or_workspace, "path", path_or_workspace))
    path = base if base.suffix else base / OUTLOOK_NAME
    try:
        text = path.read_text("utf-8-sig")
    except FileNotFoundError:
        return Outlook(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"the outlook file cannot be read ({exc})", where=str(path),
                          hint="save it as UTF-8 text and check its permissions") from None
    return parse_outlook(text, path=path)


def parse_outlook(text: str, *, path: Path) -> Outlook:
    """:func:`read_outlook` on a text (``path``: what messages call the file)."""
    name = str(path)
    data, src = read_yaml(text, name=name)
    if data is None:
        return Outlook(path, exists=True, priorities=PrioritySettings(source=name))
    if not isinstance(data, Mapping):
        raise ConfigError("the outlook file does not start with 'scenarios:' or "
                          "'priorities:'", where=src.where(()), hint=SCHEMA.hint)
    checked = check(data, SCHEMA, src)
    settings = parse_settings(data.get("priorities"), src)
    scenarios: list[Scenario] = []
    seen: dict[str, int | None] = {}
    raw = data.get("scenarios") or []
    for i, item in enumerate(checked.get("scenarios") or []):
        s = _scenario(item, raw[i] if isinstance(raw, list) else item, src, i)
        if s.id in seen:
            raise ConfigError(f"the id {s.id!r} is given twice", where=s.where(),
                              hint=f"it is first given on line {seen[s.id]}; give this "
                                   f"scenario its own id, e.g. S{len(scenarios) + 1}")
        seen[s.id] = s.line
        scenarios.append(s)
    return Outlook(path, tuple(scenarios), settings, exists=True)


def _known_indicators() -> dict[str, Indicator]:
    out: dict[str, Indicator] = {}
    for spec in all_specs():
        for ind in spec.indicators:
            out.setdefault(ind.code, ind)
    return out


def _scenario(item: Mapping[str, Any], raw: Any, src: Source, i: int) -> Scenario:
    at: tuple[str | int, ...] = ("scenarios", i)
    ident = str(item["id"]).strip()

    def fail(what: str, path: Sequence[str | int] = (), hint: str | None = None
             ) -> OctaseeError:
        return src.error(f"scenario {ident}: {what}", (*at, *path), hint=hint)

    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_.-]*", ident):
        raise fail(f"the id {ident!r} is not a short name", ("id",),
                   "write a letter and a number, e.g. id: S1")
    texts = {k: " ".join(str(item[k]).split()) for k in ("title", "driver", "scenario")}
    for k, v in texts.items():
        if not v:
            raise fail(f"the {k} is empty", (k,), _SCENARIO.fields[k].hint)
    evidence = tuple(dict.fromkeys(str(k).strip() for k in item.get("evidence") or ()
                                   if str(k).strip()))
    ev_raw = raw.get("evidence") if isinstance(raw, Mapping) else None
    ev_lines = tuple(ev_raw.item_lines) if isinstance(ev_raw, LineList) else ()
    for j, key in enumerate(evidence):
        if ":" not in key:
            raise fail(f"evidence {key!r} is not a finding, figure or table key",
                       ("evidence", j), "cite findings as kind:area:indicator, e.g. "
                                        "routes:cocaine ('octasee judgements' lists them)")
    known = _known_indicators()
    watch = []
    for j, w in enumerate(item.get("watch") or ()):
        here = ("watch", j)
        code = str(w["indicator"]).strip()
        ind = known.get(code)
        if ind is None:
            close = did_you_mean(code, sorted(known), n=1)
            raise fail(f"unknown indicator {code!r}", (*here, "indicator"),
                       (close + "; " if close else "") + "use a code of the questionnaire "
                       "(its Indicators sheet), e.g. cocaine_seized")
        if w.get("crime_area"):
            try:
                area = resolve_crime_area(w["crime_area"])
            except OctaseeError as exc:
                raise fail(exc.what, (*here, "crime_area"), exc.hint) from None
            if not ind.applies_to(area):
                raise fail(f"{code} is not asked for {area}", (*here, "crime_area"),
                           f"{code} is asked for " + ", ".join(ind.areas or ()))
        elif ind.areas is not None and len(ind.areas) == 1:
            area = ind.areas[0]
        else:
            raise fail(f"{code} is asked for several crime areas: say which",
                       (*here, "indicator"), "add crime_area: under it, e.g. crime_area: "
                       + (ind.areas[0] if ind.areas else "cocaine"))
        names = w.get("countries") or ()
        names = [names] if isinstance(names, str) else list(names)
        countries = []
        for k, n in enumerate(names):
            try:
                countries.append(resolve_country(n))
            except OctaseeError as exc:
                raise fail(exc.what, (*here, "countries", k) if len(names) > 1 or
                           isinstance(w.get("countries"), list) else (*here, "countries"),
                           exc.hint) from None
        signal = " ".join(str(w["signal"]).split())
        if not signal:
            raise fail("the signal is empty", (*here, "signal"), _WATCH.fields["signal"].hint)
        watch.append(Watch(code, area, signal, tuple(dict.fromkeys(countries)),
                           src.line((*at, *here))))
    public = str(item["public"]).strip() if item.get("public") is not None else ""
    return Scenario(ident, texts["title"], str(item["driver"]).strip(),
                    str(item["scenario"]).strip(), evidence, tuple(watch), public or None,
                    src.name or "", src.line(at), ev_lines)


def scenario_problems(s: Scenario, *, findings: Iterable[str], indicators: pd.DataFrame,
                      years: Sequence[int]) -> list[str]:
    """What makes a scenario stale: each finding it cites that is not among ``findings``
    (this cycle's), and each indicator of change that none of its countries reported in
    ``years`` (``indicators``: the cycle's rows). Empty: it holds."""
    found = set(findings)
    out = [f"{k} is not a finding of this cycle" for k in s.evidence
           if not k.startswith(("fig:", "tab:")) and k not in found]
    d = indicators
    if len(d):
        d = d[d["value"].notna() & d["year"].isin(list(years))]
        if "breakdown" in d.columns:
            d = d[d["breakdown"].isna()]
    for w in s.watch:
        part = d[(d["indicator"] == w.indicator) & (d["crime_area"] == w.crime_area)] \
            if len(d) else d
        if w.countries and len(part):
            part = part[part["country"].isin(list(w.countries))]
        if not len(part):
            who = "the member states named" if w.countries else "any member state"
            out.append(f"{w.indicator} ({w.crime_area}) was not reported by {who} in "
                       f"{years[0]}-{years[-1]}")
    return out


def watch_baseline(w: Watch, indicators: pd.DataFrame, *, years: Sequence[int],
                   unit: str = "") -> tuple[str, bool]:
    """What an indicator of change stands at: the last year of ``years`` that any of its
    countries reported it, their total then and how many reported (``"2017: 6,010 kg, 4
    of 4 member states"``), and whether a row behind it is not for dissemination."""
    d = indicators
    if d.empty:
        return "", False
    d = d[(d["indicator"] == w.indicator) & (d["crime_area"] == w.crime_area)
          & d["value"].notna() & d["year"].isin(list(years))]
    if "breakdown" in d.columns:
        d = d[d["breakdown"].isna()]
    asked = list(w.countries) or list(MEMBER_CODES)
    d = d[d["country"].isin(asked)]
    if d.empty:
        return "", False
    last = int(d["year"].max())
    part = d[d["year"] == last]
    nd = bool(part["nd"].astype("boolean").fillna(True).any()) if "nd" in part else False
    k = part["country"].nunique()
    return (f"{last}: {fmt_value(float(part['value'].sum()), unit)}, {k} of {len(asked)} "
            f"member state{'s' if len(asked) != 1 else ''} reporting"), nd


# --------------------------------------------------------------------------- cycles

#: The kinds of finding compared across cycles (an outlier is of one year; a change is
#: already a comparison).
COMPARED_KINDS = ("trend", "break", "dominance", "coverage", "divergence", "networks",
                  "routes")


def _brief(f: Finding) -> str:
    """A finding in a few words, for a table that sets two cycles side by side."""
    n = f.numbers
    if f.kind == "break":
        return f"break in {n.get('break_year', '?')}"
    if f.kind == "dominance":
        return f"{n.get('country')} {n.get('share')} of the {n.get('year')} total"
    if f.kind == "routes":
        return (f"{n.get('routes')} route{'s' if n.get('routes') != '1' else ''}, "
                f"{n.get('reporting')} reporting")
    if f.kind == "divergence":
        return f"{n.get('diverging')} of {n.get('compared')} country-years differ"
    return f.title.split(": ", 1)[-1]


def _subject(f: Finding) -> str:
    return f.title if f.kind == "routes" else f.title.split(": ", 1)[0]


_DIRECTION = re.compile(r"\b(rising|falling|no clear direction)\b")


def compare_cycles(before: Sequence[Finding], now: Sequence[Finding], *,
                   kinds: Sequence[str] = COMPARED_KINDS) -> pd.DataFrame:
    """The same findings of two cycles, matched by key (:attr:`Finding.key`): one row per
    key of ``kinds`` found in either, in the order of ``now`` (then the keys only
    ``before`` has). Columns: ``key``, ``kind``, ``subject``, ``before`` and ``now``
    (each in a few words; "" when absent), ``status`` (``new``, ``gone``, ``reversed``:
    a trend that turned, ``changed``, ``same``), ``number`` (the finding's number in
    ``now``), ``nd``.

    >>> a = Finding("trend:heroin:heroin_seized", "trend", "Heroin seized: falling", "s")
    >>> b = Finding("trend:heroin:heroin_seized", "trend", "Heroin seized: rising", "s",
    ...             number=7)
    >>> compare_cycles([a], [b])[["subject", "before", "now", "status"]].values.tolist()
    [['Heroin seized', 'falling', 'rising', 'reversed']]
    """
    old = {f.key: f for f in before if f.kind in kinds}
    new = {f.key: f for f in now if f.kind in kinds}
    keys = list(new) + [k for k in old if k not in new]
    rows = []
    for key in keys:
        a, b = old.get(key), new.get(key)
        f = b or a
        assert f is not None
        x, y = (_brief(a) if a else ""), (_brief(b) if b else "")
        if a is None:
            status = "new"
        elif b is None:
            status = "gone"
        elif f.kind == "trend":  # a trend changes when its direction does
            da, db = _DIRECTION.search(x), _DIRECTION.search(y)
            turn = {da.group(1) if da else x, db.group(1) if db else y}
            status = ("same" if len(turn) == 1 else
                      "reversed" if turn == {"rising", "falling"} else "changed")
        else:
            status = "same" if x == y else "changed"
        rows.append({"key": key, "kind": f.kind, "subject": _subject(f), "before": x,
                     "now": y, "status": status, "number": b.number if b else None,
                     "nd": bool((a and a.nd) or (b and b.nd))})
    return pd.DataFrame(rows, columns=["key", "kind", "subject", "before", "now", "status",
                                       "number", "nd"])


def compare_published(view: PublicView, *, before: str, now: str,
                      series: Sequence[tuple[str, str]] = SERIES,
                      label: Any = None) -> pd.DataFrame:
    """Each headline series' published regional totals in two cycles (the public view's
    yearly totals over every member state that reported): the mean yearly total of
    each cycle where every year's total is published (else missing: withheld), the
    change between them, and how many member states reported (fewest to most).

    Columns: ``crime_area``, ``indicator``, ``before``, ``now``, ``change`` (text),
    ``reporting_before``, ``reporting_now`` (``"10-13"``), ``same_members`` (whether the
    same member states reported every year of both cycles); computed from published
    numbers only. The change is given only where the same member states reported every
    year: two means over different states (six and six, not the same six) are not a
    change of the region's market.
    """
    b, n = get_cycle(before), get_cycle(now)
    cells = view.cells
    rows = []
    for area, code in series:
        try:
            s = view.regional_series(code, area)
        except OctaseeError:
            continue
        if s.empty:
            continue
        out: dict[str, Any] = {"crime_area": area, "indicator": code}
        for name, c in (("before", b), ("now", n)):
            part = s[s["year"].between(c.first_year, c.last_year)]
            ok = len(part) and bool((part["status"] == "published").all()) \
                and bool(part["value"].notna().all())
            out[name] = float(part["value"].mean()) if ok else np.nan
            k = part["countries"].dropna().astype(int) if len(part) else pd.Series(dtype=int)
            out[f"reporting_{name}"] = ("" if k.empty else f"{k.min()}" if k.min() == k.max()
                                        else f"{k.min()}-{k.max()}")
        mine = cells[(cells["indicator"] == code) & (cells["crime_area"] == area)
                     & cells["year"].between(b.first_year, n.last_year)]
        members = {frozenset(g["country"]) for _, g in mine.groupby("year")}
        years = set(mine["year"].astype(int))
        out["same_members"] = len(members) == 1 and years >= set(
            range(b.first_year, b.last_year + 1)) | set(range(n.first_year, n.last_year + 1))
        x, y = out["before"], out["now"]
        out["change"] = (fmt_change((y - x) / x * 100) if pd.notna(x) and pd.notna(y) and x
                         and out["same_members"] else "")
        rows.append(out)
    return pd.DataFrame(rows, columns=["crime_area", "indicator", "before", "now", "change",
                                       "reporting_before", "reporting_now", "same_members"])

