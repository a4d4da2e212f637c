"""The assessment's outlook: the executive summary's bottom line and chapter 11.

What the sections show (the numbers come from :mod:`octasee.analysis.priorities`,
:mod:`~octasee.analysis.gaps` and :mod:`~octasee.analysis.outlook`):

- :func:`bottom_line`: the executive summary's narrative, as the analysts wrote it in
  the workspace (``summary.md``; the public edition prints ``summary.public.md``, their
  wording for release, and nothing of the other). Its citations (``[KJ2]``,
  ``[trend:heroin:heroin_seized]``, ``[S1]``, ``[fig:…]``) become links; in the
  restricted edition a citation that no longer holds is marked, and notes for the
  editors say what to review (a missing bottom line and how to start one, stale
  citations, its length, a number of the public wording that equals a figure the public
  edition withholds). The software never writes the bottom line;
- :func:`priorities`: five to eight regional priorities (crime areas), ranked on threat,
  vulnerability and impact through the banding the chapter defines (and the workspace
  sets), each with its rationale; the public edition shows bands, never scores;
- :func:`scenarios`: the analysts' drivers and scenarios (``outlook.yaml``) with the
  indicators of change to watch, marked stale where a finding they cite is gone or an
  indicator was not reported; the chapter refers to the summary's outlook judgement
  instead of repeating it;
- :func:`gaps`: the intelligence gaps, from coverage;
- :func:`changes`: what changed since the previous cycle's assessment: the same findings
  of both cycles, matched by key (restricted), or the published regional totals of both
  cycles (public).
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import mistune
import pandas as pd

from octasee.analysis.editions import editions
from octasee.analysis.findings import Finding, find
from octasee.analysis.findings import horizon as next_cycle
from octasee.analysis.gaps import Gaps, intelligence_gaps
from octasee.analysis.outlook import (
    PUBLIC_SUMMARY_NAME,
    SUMMARY_NAME,
    Outlook,
    Scenario,
    check_citations,
    citation_groups,
    citations,
    compare_cycles,
    compare_published,
    read_outlook,
    read_summary,
    scenario_problems,
    watch_baseline,
)
from octasee.analysis.priorities import (
    DIMENSIONS,
    INDICATORS,
    Priorities,
    priority_inputs,
    regional_priorities,
)
from octasee.analysis.register import read_state
from octasee.chapters import context as _context
from octasee.chapters.context import Chapter, evidence_anchor
from octasee.chapters.disclosure import nd_mark, restricted_indicators
from octasee.chapters.judgements import _findings, _register, finding_anchor
from octasee.questionnaire.spec import spec_for
from octasee.reference import MEMBER_CODES, country_name, crime_area
from octasee.reference import cycle as get_cycle

__all__ = ["bottom_line", "changes", "gaps", "priorities", "scenarios", "summary_intro"]

#: A one-page bottom line runs to about this many words (the editors are told when the
#: text is far outside: under the first, or over the second).
SUMMARY_WORDS = (200, 450)

F = TypeVar("F", bound=Callable[..., Any])


def _section(*, public: bool = False, empty: Callable[[Chapter], Any] | None = None
             ) -> Callable[[F], F]:
    """A section (as :func:`octasee.chapters.sections._section`): the chapter's notice
    first, once; in an empty chapter, a section that rests on the questionnaires shows
    nothing more and returns ``empty(ch)``."""
    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        def section(ch: Chapter, *args: Any, **kwargs: Any) -> Any:
            ch.notice()
            if ch.empty and not public:
                return empty(ch) if empty is not None else None
            return fn(ch, *args, **kwargs)
        return section  # type: ignore[return-value]
    return wrap


def _comparable(ch: Chapter, tm: pd.DataFrame) -> bool:
    """Whether threat scores compare enough countries (two); if not, chapter 2's sentence
    why (:func:`octasee.chapters.sections._comparable`, imported here: sections
    re-exports this module)."""
    from octasee.chapters.sections import _comparable as comparable

    return comparable(ch, tm)


def _of_workspace_cycle(ch: Chapter) -> bool:
    """The analysts' texts (bottom line, scenarios) judge the workspace's cycle only."""
    return ch.cycle.code == ch.workspace.cycle


def _outlook(ch: Chapter) -> Outlook:
    cached = getattr(ch, "_outlook_cache", None)
    if cached is None:
        cached = read_outlook(ch.workspace)
        object.__setattr__(ch, "_outlook_cache", cached)
    return cached


def _editor_note(parts: Sequence[str]) -> None:
    """A note for the editors (restricted edition only): HTML paragraphs, trusted."""
    body = "".join(f"<p>{p}</p>" for p in parts)
    _context._html('<div class="editor-note" style="border-left: 3px solid #b35806; '
                   'padding: 0.2em 0 0.2em 0.8em; margin: 0.8em 0; color: #5a3300">'
                   f"<p><strong>For the editors</strong></p>{body}</div>")


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else many or word + 's'}"


def _names(codes: Sequence[str]) -> str:
    names = [country_name(c) for c in codes]
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


def _years(years: Sequence[int], span: Sequence[int]) -> str:
    ys = sorted(set(int(y) for y in years))
    if ys == sorted(set(span)):
        return "every year"
    if len(ys) > 2 and ys == list(range(ys[0], ys[-1] + 1)):
        return f"{ys[0]}-{ys[-1]}"
    return ", ".join(map(str, ys))


# ----------------------------------------------------------------------------- summary


def summary_intro(ch: Chapter) -> None:
    """The opening paragraph of the executive summary's key judgements (not a section:
    the chapter's notice comes with the first section).

    The restricted edition promises what :func:`octasee.chapters.judgements.key_judgements`
    states (the register's agreed judgements). The public one promises only what it
    shows: ``key_judgements`` itself says, once, how many judgements are withheld (the
    intro does not count them a second time).
    """
    if not ch.public:
        ch.say("The key judgements of this assessment, for decision-makers, as the analysts "
               "agreed them. Each states how likely we judge a development to be, in the "
               "terms of the probability yardstick explained in chapter 1, over which "
               "horizon, how confident we are, and the findings, figures and tables it "
               "rests on.")
        return
    ch.say("This summary is for decision-makers: which key judgements this public edition "
           "can state, and how the threat across the region falls in bands.")


_MARKDOWN = mistune.create_markdown(escape=True)  # raw HTML in the text is shown as text
_HEADING = re.compile(r"<(/?)h([1-6])>")


def _judgement_states(ch: Chapter) -> dict[str, str]:
    """Every judgement of the register by id, with its state (``agreed``, ``draft``, or
    ``stale`` when the build found its evidence moved since agreed)."""
    infos = read_state().get("judgements", {})
    return {j.id: str(infos.get(j.id, {}).get("state") or j.state)
            for j in _register(ch).judgements}


def _public_positions(ch: Chapter) -> dict[str, int]:
    """The position of each agreed judgement among the public edition's boxes (the
    public edition numbers its boxes, not by the register's ids)."""
    shown = [j for j in _register(ch).agreed() if (j.public or "").strip()]
    return {j.id: i for i, j in enumerate(shown, start=1)}


def _link(ch: Chapter, key: str, findings: dict[str, Finding], stale: dict[str, str],
          scenario_ids: set[str]) -> str:
    """One cited key as HTML: a link to the judgement, scenario, finding, figure or
    table; in the restricted edition a key that no longer holds is marked with why; in
    the public edition only what it publishes (a finding: the figures that show it)."""
    esc = html.escape
    if ch.public:
        if key.startswith(("fig:", "tab:")):
            return (f'<a class="evidence-ref" data-optional="1" data-evidence="{esc(key)}" '
                    f'href="#{evidence_anchor(key)}">{esc(key)}</a>')
        f = findings.get(key)
        if f is not None and f.shows:
            return ", ".join(
                f'<a class="evidence-ref" data-optional="1" data-evidence="{esc(k)}" '
                f'href="#{evidence_anchor(k)}">{esc(k)}</a>' for k in f.shows)
        return ""  # judgements and scenarios by id, findings: the restricted edition's
    if key in stale:
        return (f'<mark class="stale-ref" title="{esc(stale[key])}">{esc(key)}: '
                f"{esc(stale[key])}</mark>")
    if key.startswith(("fig:", "tab:")):
        return (f'<a class="evidence-ref" data-optional="1" data-evidence="{esc(key)}" '
                f'href="#{evidence_anchor(key)}">{esc(key)}</a>')
    if ":" in key:
        f = findings[key]
        return (f'<a class="finding-ref" href="#{finding_anchor(key)}" '
                f'title="{esc(f.title)}">F{f.number}</a>')
    target = f"scenario-{key.lower()}" if key in scenario_ids else f"judgement-{key.lower()}"
    return f'<a class="judgement-ref" href="#{esc(target)}">{esc(key)}</a>'


def _render(ch: Chapter, text: str, *, findings: dict[str, Finding], stale: dict[str, str],
            scenario_ids: set[str]) -> str:
    """Analysts' Markdown as HTML (raw HTML shown as text; headings moved two levels
    down, under the chapter's), with each citation a link in parentheses."""
    groups: list[str] = []

    def hold(m: re.Match[str]) -> str:
        links = [_link(ch, c.key, findings, stale, scenario_ids) for c in citations(m.group(0))]
        links = [x for x in links if x]
        groups.append(f"({', '.join(links)})" if links else "")
        return f"OCTASEECITE{len(groups) - 1}X"

    held, last = [], 0
    for m in citation_groups(text):
        held += [text[last:m.start()], hold(m)]
        last = m.end()
    body = _MARKDOWN("".join([*held, text[last:]]))
    body = _HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + 2)}>", body)
    body = re.sub(r"\s?OCTASEECITE(\d+)X", lambda m: (" " + groups[int(m.group(1))])
                  if groups[int(m.group(1))] else "", body)
    return body


def _leaks(ch: Chapter, text: str) -> list[str]:
    """The numbers of a public wording that equal a figure the public edition withholds
    (within rounding): years of the report's span and numbers up to the count of member
    states are left out (they are everywhere). For the editors, in the restricted
    edition; never a withheld value itself."""
    withheld = [v for vs in ch._withheld_values().values() for v, _ in vs]
    years = ch._span_years()
    out = []
    for m in re.finditer(r"(?<![\w.])\d[\d,]*(?:\.\d+)?", text):
        token = m.group(0).rstrip(",")
        try:
            n = float(token.replace(",", ""))
        except ValueError:
            continue
        if n <= len(MEMBER_CODES) or (n.is_integer() and int(n) in years):
            continue
        if any(abs(n - v) <= max(0.5, 0.005 * abs(v)) for v in withheld):
            out.append(token)
    return list(dict.fromkeys(out))


def _no_bottom_line(summary: Any) -> list[str]:
    """The editors' note when the workspace has no bottom line: the file to write."""
    return [
        f"No bottom line yet. Write the executive summary's narrative in <code>"
        f"{html.escape(str(summary.path))}</code>: about a page (250-400 words) of Markdown "
        "that says what the threat is and where it goes, for decision-makers, citing in "
        "square brackets the judgements (<code>[KJ2]</code>), scenarios (<code>[S1]</code>), "
        "findings (<code>[trend:heroin:heroin_seized]</code>; <code>octasee judgements</code> "
        "lists them) and figures or tables (<code>[tab:priorities]</code>) it rests on. "
        "octasee never writes it.",
        f"The public edition prints <code>{html.escape(PUBLIC_SUMMARY_NAME)}</code> beside "
        "it, the wording you write for release; without it, it has no bottom line."]


def bottom_line(ch: Chapter) -> None:
    """The executive summary's bottom line, as the analysts wrote it in the workspace
    (see the module docstring). Public edition: ``summary.public.md`` or nothing (no
    text of the software's stands in for it)."""
    ch.notice()
    if not _of_workspace_cycle(ch):
        return
    summary = read_summary(ch.workspace)
    if (summary.public if ch.public else summary.text) is None:
        if not ch.public:
            _editor_note(_no_bottom_line(summary))
        return
    findings = _findings(ch)
    ids = {s.id for s in _outlook(ch).scenarios}
    if ch.public:
        ch.heading("Bottom line")
        body = _render(ch, summary.public, findings=findings, stale={}, scenario_ids=ids)
        _context._html(f'<div class="bottom-line">{body}</div>')
        return
    ch.heading("Bottom line")
    states = _judgement_states(ch)
    cited = citations(summary.text)
    stale = check_citations([c.key for c in cited], findings=findings, judgements=states,
                            scenarios=ids)
    body = _render(ch, summary.text, findings=findings, stale=stale, scenario_ids=ids)
    _context._html(f'<div class="bottom-line">{body}</div>')
    notes = []
    if stale:
        notes.append(f"The bottom line ({html.escape(SUMMARY_NAME)}) cites "
                     + _plural(len(stale), "key that no longer holds", "keys that no longer "
                               "hold") + ": " + "; ".join(html.escape(v) for v in
                                                          stale.values())
                     + ". Review the text, then cite what it now rests on.")
    words = summary.words()
    lo, hi = SUMMARY_WORDS
    if not lo <= words <= hi:
        notes.append(f"The bottom line runs to {words:,} words; a one-page summary is about "
                     "250-400.")
    if summary.public is None:
        notes.append(f"The public edition has no bottom line: "
                     f"<code>{html.escape(str(summary.public_path))}</code> is missing. Write "
                     "the wording for release there.")
    else:
        pub_stale = check_citations([c.key for c in citations(summary.public)],
                                    findings=findings, judgements=states, scenarios=ids)
        if pub_stale:
            notes.append(f"The public wording ({html.escape(PUBLIC_SUMMARY_NAME)}) cites "
                         "keys that no longer hold: " + "; ".join(
                             html.escape(v) for v in pub_stale.values()) + ".")
        leaks = _leaks(ch, summary.public)
        if leaks:
            notes.append(f"The public wording ({html.escape(PUBLIC_SUMMARY_NAME)}) prints "
                         + ", ".join(html.escape(x) for x in leaks) + ": "
                         + ("it equals" if len(leaks) == 1 else "each equals")
                         + " a figure the public edition withholds. Check the wording "
                         "before release.")
    if notes:
        _editor_note(notes)


# ----------------------------------------------------------------------------- 11


def _weights_text(weights: dict[str, float] | Any) -> str:
    return ", ".join(f"{k} {v:g}" for k, v in weights.items() if v > 0)


#: What the comparison of the cycles' findings shows: findings, not rows of a source.
_FINDINGS_SOURCE = ("the findings of each cycle (Annex C), computed from the country "
                    "submissions and the public sources")

#: What Figure 11.1 draws: the scores of the ranked table, not rows of a source.
_FIGURE_SOURCE = ("the priority scores of the table above, computed from the country "
                  "submissions, the Global Organized Crime Index and the TI Corruption "
                  "Perceptions Index")


def _method(ch: Chapter, result: Priorities, ed: Any) -> None:
    """How priorities are scored and banded: the chapter defines its banding."""
    s = result.settings
    lo, hi = s.cuts
    where = ("the analysts set them for this assessment" if s.source
             else "the analysts kept the default settings")
    ch.say("Each crime area is scored from 0 to 10 on three dimensions, threat, "
           "vulnerability and impact, each the weighted mean of the indicators in the table "
           "below that have a value for it. Its priority score is the weighted mean of the "
           "three ({weights}). Each dimension and the priority score fall in a band: low "
           "under {lo}, medium from {lo} to under {hi}, high from {hi}. The {n} areas with "
           "the highest scores are the regional priorities for {horizon}. The weights, the "
           "bands and the harm ratings are the analysts' choices: {where}.",
           weights=_weights_text(s.weights), lo=f"{lo:.1f}", hi=f"{hi:.1f}",
           n=s.count, horizon=next_cycle(ch.cycle.code)[0], where=where)
    rows = []
    for d in DIMENSIONS:
        for name, words in INDICATORS[d].items():
            w = s.weight(d, name)
            if w > 0:
                text = words
                if name == "harm" and s.harm:
                    text += "; rated: " + ", ".join(
                        f"{crime_area(a).label} {v:g}" for a, v in
                        sorted(s.harm.items(), key=lambda kv: (-kv[1], kv[0])))
                rows.append({"Dimension": d, "Indicator": name, "What it measures (0-10)": text,
                             "Weight": f"{w:g}"})
    ch.show_table(pd.DataFrame(rows), "How the regional priorities are scored",
                  source="the method of this assessment, with the analysts' weights and "
                         "harm ratings", key="tab:priorities:method")
    notes = " ".join(x for x in (ed.gitoc_note, ed.cpi_note) if x)
    ch.say("Market scores are GI-TOC {gitoc}'s; vulnerability combines low resilience "
           "(GI-TOC {gitoc}) and corruption (TI CPI {year})." + (" {notes}" if notes else ""),
           gitoc=str(ed.gitoc), year=str(ed.cpi_year), notes=notes)


def _cell(band: str | None, score: float | None, public: bool) -> str:
    if band is None or score is None:
        return "–"
    return band if public else f"{band} ({score:.1f})"


@_section(empty=lambda ch: pd.DataFrame())
def priorities(ch: Chapter, tm: pd.DataFrame | None = None) -> pd.DataFrame:
    """The regional priorities for the next cycle: crime areas ranked on threat,
    vulnerability and impact (:func:`octasee.analysis.priorities.regional_priorities`),
    the banding defined first, then the ranking, then the priorities with the rationale
    computed from their numbers, and (restricted edition) a chart of the scores.

    Threat: every member state's scores (:meth:`Chapter.threat`, or ``tm``), kept for
    the chapter's countries. Vulnerability and market scores: the GI-TOC edition and the
    CPI year of :func:`octasee.analysis.editions.editions`. The public edition shows the
    same ranking in bands, how many member states fall in the high threat band (not
    which), published GI-TOC scores and the analysts' harm ratings, never a score.
    Returns :meth:`~octasee.analysis.priorities.Priorities.table`.
    """
    from octasee.charts.priorities import priority_chart  # lazy: plotly, ~180 ms

    everyone = ch.threat() if tm is None else tm
    if not _comparable(ch, everyone):
        return pd.DataFrame()
    ed = editions(ch.cycle, ch.workspace)
    inputs = priority_inputs(everyone, countries=ch.countries, groups=ch.all_rows("ocgs"),
                             routes=ch.all_rows("routes"), findings=_findings(ch).values(),
                             gitoc=ed.gitoc, cpi_year=ed.cpi_year)
    result = regional_priorities(inputs, _outlook(ch).priorities)
    _method(ch, result, ed)
    if not result.ranked:
        ch.say("No crime area of the selection has a threat score yet.")
        return result.table()
    public = ch.public
    n = len(ch.countries)
    rows, marks = [], []
    for p in result.ranked:
        high = (f"{len(p.countries)} of {n}" if public else
                (", ".join(country_name(c) for c in p.countries) or "none"))
        rows.append({"Rank": p.rank, "Crime area": p.label,
                     "Priority": _cell(p.band, p.score, public),
                     **{d.capitalize(): _cell(p.bands.get(d), p.scores.get(d), public)
                        for d in DIMENSIONS},
                     "High threat band": high})
        marks.append(p.nd)
    table = pd.DataFrame(rows)
    nd = pd.DataFrame({c: marks if c == "Priority" else [False] * len(rows)
                       for c in table.columns})
    note = (f"The first {min(result.settings.count, len(result.ranked))} are the regional "
            "priorities. High threat band: the member states whose threat score in the "
            "area is in the high band of the threat index"
            + (" (this edition counts them)." if public else "."))
    if result.unscored:
        note += (" Not ranked, as no member state of the selection reported an indicator of "
                 "them: " + ", ".join(crime_area(a).label for a in result.unscored) + ".")
    ch.show_table(table, f"Crime areas ranked as regional priorities for "
                  f"{next_cycle(ch.cycle.code)[0]}", source=["submissions", "gitoc", "cpi"],
                  nd=nd, note=note, key="tab:priorities",
                  data=ch.source_rows(ch.threat_rows()).merge(
                      result.table().drop(columns=["nd"]), on="crime_area", how="inner")
                  if not public else None)
    items = []
    for p in result.top:
        head = (f"<strong>{html.escape(p.label)}</strong>: priority {html.escape(p.band)}"
                + ("" if public else f" ({p.score:.1f})"))
        items.append(f"<li><p>{head}. {html.escape(p.rationale(public=public))}"
                     f"{nd_mark() if p.nd and not public else ''}</p></li>")
    _context._html(f'<ol class="priorities">{"".join(items)}</ol>')
    if public:
        ch.say("The public edition gives the bands of the scores, not the scores: they rest "
               "on the restricted threat index and the groups and routes the member states "
               "reported.")
        return result.table()
    frame = pd.DataFrame({"label": [p.label for p in result.ranked],
                          "score": [p.score for p in result.ranked],
                          **{d: [p.scores.get(d) for p in result.ranked] for d in DIMENSIONS}})
    ch.figure(priority_chart(frame, cuts=result.settings.cuts, top=result.settings.count),
              "Priority score of each crime area (bar) and its threat, vulnerability and "
              "impact (markers), 0-10; bands shaded", source=_FIGURE_SOURCE,
              nd=any(p.nd for p in result.ranked), key="fig:priorities",
              data=result.table().assign(source=_FIGURE_SOURCE))
    return result.table()


def _outlook_judgements(ch: Chapter) -> str:
    """Links to the executive summary's agreed judgements of chapter 11 (the chapter
    refers to them rather than repeating them)."""
    agreed = [j for j in _register(ch).agreed() if j.chapter == ch.number]
    if ch.public:  # its boxes are numbered there, not named by the register's ids
        pos = _public_positions(ch)
        shown = [j for j in agreed if j.id in pos]
        if not shown:
            return ""
        return ('The outlook judgement of this assessment is in the <a class="judgement-ref" '
                f'href="#judgement-public-{pos[shown[0].id]}">executive summary</a>; the '
                "scenarios below are what could change it.")
    links = [f'<a class="judgement-ref" href="#judgement-{html.escape(j.id.lower())}">'
             f"{html.escape(j.id)}</a>" for j in agreed]
    if not links:
        return ""
    return ("The outlook judgement of this assessment is in the executive summary ("
            + ", ".join(links) + "); the scenarios below are what could change it.")


@_section()
def scenarios(ch: Chapter) -> None:
    """The analysts' drivers and scenarios (``outlook.yaml``), each with its indicators
    of change, and one table of the indicators to watch. Restricted edition: each with
    its driver, scenario, evidence (links) and where each indicator stands now; a
    scenario whose finding is gone, or whose indicator nobody reported, is marked
    "evidence changed". Public edition: the title and the public wording of those that
    have one, and which indicators to watch; it says how many it withholds."""
    if not _of_workspace_cycle(ch):  # the analysts' scenarios are of the workspace's cycle
        return
    lead = _outlook_judgements(ch)
    items = _outlook(ch).scenarios
    if lead:
        _context._html(f"<p>{lead}</p>")
    if not items:
        if not ch.public:
            _editor_note([f"No scenario yet. Write two or three drivers of change and the "
                          f"scenarios they could bring in <code>{html.escape(str(_outlook(ch).path))}"
                          "</code> (scenarios:), each with the indicators of change to "
                          "watch; the header of the sample workspace's file explains every "
                          "key."])
        return
    findings = _findings(ch)
    rows = ch.all_rows("indicators")
    span = list(range(ch.cycle.first_year, ch.cycle.last_year + 1))
    shown = [s for s in items if not ch.public or s.public]
    horizon = next_cycle(ch.cycle.code)[0]
    ch.say("The analysts see {what} for {horizon}, each with the indicators of change an "
           "analyst can watch.", what=_plural(len(shown), "driver of change and the "
                                              "scenario it could bring", "drivers of change "
                                              "and the scenarios they could bring"),
           horizon=horizon)
    watch_rows, watch_nd = [], []
    for i, s in enumerate(shown, start=1):
        _context._html(_scenario_box(ch, s, i, findings, rows, span))
        for w in s.watch:
            who = _names(w.countries) if w.countries else "every member state"
            row = {"Scenario": s.id if not ch.public else str(i), "Indicator": w.label(),
                   "Member states": who}
            nd = False
            if not ch.public:
                unit = _unit(ch, w.indicator)
                base, nd = watch_baseline(w, rows, years=span, unit=unit)
                row["Now"] = base or "not reported"
                row["Signal"] = w.signal
            watch_rows.append(row)
            watch_nd.append(nd)
    if watch_rows:
        table = pd.DataFrame(watch_rows)
        marks = pd.DataFrame({c: watch_nd if c == "Now" else [False] * len(watch_rows)
                              for c in table.columns})
        ch.show_table(table, f"Indicators of change to watch over {horizon}",
                      source="submissions", nd=marks, key="tab:outlook:watch",
                      data=ch.source_rows("indicators", indicator=sorted(
                          {w.indicator for sc in items for w in sc.watch})),
                      note="" if ch.public else "Now: the last year of the cycle that the "
                      "member states named reported the indicator, their total then and how "
                      "many reported.")
    if ch.public:
        ch.withheld(len(items) - len(shown), "scenarios")


def _unit(ch: Chapter, code: str) -> str:
    try:
        return spec_for(ch.cycle.code).indicator(code).unit
    except KeyError:
        return ""


def _scenario_box(ch: Chapter, s: Scenario, position: int, findings: dict[str, Finding],
                  rows: pd.DataFrame, span: list[int]) -> str:
    esc = html.escape
    if ch.public:
        body = _MARKDOWN(s.public or "")
        return (f'<div class="scenario" id="scenario-public-{position}">'
                f"<h3>Scenario {position}: {esc(s.title)}</h3>{body}</div>")
    problems = scenario_problems(s, findings=findings, indicators=rows, years=span)
    links = []
    for key in s.evidence:
        if key.startswith(("fig:", "tab:")):
            links.append(f'<a class="evidence-ref" data-optional="1" data-evidence="{esc(key)}" '
                         f'href="#{evidence_anchor(key)}">{esc(key)}</a>')
        elif key in findings:
            f = findings[key]
            links.append(f'<a class="finding-ref" href="#{finding_anchor(key)}">'
                         f"F{f.number} {esc(f.title)}</a>")
        else:
            links.append(f'<mark class="stale-ref">{esc(key)}</mark>')
    nd = any(findings[k].nd for k in s.evidence if k in findings)
    out = (f'<div class="scenario" id="scenario-{esc(s.id.lower())}">'
           f"<h3>{esc(s.id)}: {esc(s.title)}{nd_mark() if nd else ''}</h3>"
           f"<p><strong>Driver.</strong> {esc(' '.join(s.driver.split()))}</p>"
           f"<p><strong>Scenario.</strong> {esc(' '.join(s.scenario.split()))}</p>")
    if links:
        out += f'<p class="confidence">Rests on: {", ".join(links)}.</p>'
    if problems:
        out += (f'<p class="stale"><strong>Evidence changed</strong>: '
                f"{esc('; '.join(problems))}. Review the scenario in {esc(s.where())}.</p>")
    if not s.public:
        out += ('<p class="withheld">No public wording: the public edition withholds this '
                "scenario.</p>")
    return out + "</div>"


# ----------------------------------------------------------------------------- gaps


def _gap_rows(ch: Chapter) -> tuple[pd.DataFrame, list[str], pd.DataFrame]:
    """What counts as reported in this edition, the countries with a questionnaire in
    it, and the rows whose grading is judged. The public edition counts a withheld cell
    of the public view as reported (it was; the view's tables show it withheld), and a
    country whose questionnaire it does not show as having none in this version."""
    if not ch.public:
        rows = ch.rows("indicators")
        return rows, list(ch.received), rows
    cells = ch.table("indicators")
    marker = cells["marker"].fillna("").astype(str) if "marker" in cells else ""
    cells = cells.assign(value=cells["value"].where(cells["value"].notna() | (marker == ""),
                                                    1.0))
    cells = cells[cells["country"].isin(ch.received)]
    # Grading is judged on the same rows as in the restricted edition (rows not for
    # dissemination included), so that both editions name the same series; the public
    # one names them without counts. Judged on the public rows alone, a series could
    # read as low-graded only because well-graded rows were withheld, which would tell
    # how the withheld rows were graded.
    graded = restricted_indicators(ch.store, cycle=ch.cycle.code, countries=ch.countries)
    graded = graded[graded["country"].isin(ch.received)]  # not a withheld questionnaire
    return cells, list(ch.received), graded


@_section()
def gaps(ch: Chapter) -> Gaps:
    """The intelligence gaps of the cycle (:func:`octasee.analysis.gaps.
    intelligence_gaps`): member states with no questionnaire, headline series not
    reported by every member state every year, crime areas a member state reported
    nothing of, years without any indicator, and series resting on low-graded rows
    (restricted: with their counts; public: from the rows it may show, without counts).
    """
    rows, returned, graded = _gap_rows(ch)
    g = intelligence_gaps(rows, cycle=ch.cycle.code, countries=ch.countries,
                          returned=returned, graded=graded)
    span = list(g.years)
    n = len(g.countries)
    ch.say("What the member states did not report, or reported on information of low "
           "grade, in {cycle}: where this assessment is blind or weak, and what the next "
           "questionnaire should ask for.", cycle=ch.cycle.code)
    if g.not_returned:
        ch.say(("{names}: no questionnaire of {cycle} is in this version." if ch.public else
                "{names} returned no questionnaire of {cycle}; every gap below includes "
                "{them}."), names=_names(g.not_returned), cycle=ch.cycle.code,
               them="it" if len(g.not_returned) == 1 else "them")
    if g.series:
        table = pd.DataFrame([{
            "Crime area": crime_area(s.crime_area).label, "Indicator": _label(ch, s.indicator),
            "Reported by": s.coverage.phrase().removeprefix("reported by "),
            "Not reported": "; ".join(f"{country_name(c)}: {_years(ys, span)}"
                                      for c, ys in s.missing.items())}
            for s in g.series])
        ch.show_table(table, f"Headline series not reported by every member state every "
                      f"year, {ch.cycle.code}", source="submissions",
                      key="tab:outlook:gaps:series",
                      data=ch.source_rows("indicators", indicator=sorted(
                          {x.indicator for x in g.series})),
                      note="The headline series is the indicator each crime chapter charts "
                           "and judges.")
    else:
        ch.say("Every member state reported every headline series every year of {cycle}.",
               cycle=ch.cycle.code)
    if g.areas:
        table = pd.DataFrame([{
            "Crime area": crime_area(a.crime_area).label,
            "Reported nothing of it": "all" if a.nobody else _names(a.never),
            "Reported by": f"{n - len(a.never)} of {n}"} for a in g.areas])
        ch.show_table(table, f"Crime areas member states reported no indicator of, "
                      f"{ch.cycle.code}", source="submissions", key="tab:outlook:gaps:areas",
                      data=ch.source_rows("indicators", crime_area=sorted(
                          {a.crime_area for a in g.areas})))
    if g.silent_years:
        ch.say("Years without any indicator: {list}.", list="; ".join(
            f"{country_name(c)} {_years(ys, span)}" for c, ys in g.silent_years.items()))
    if g.low_graded:
        table = pd.DataFrame([{
            "Crime area": crime_area(x.crime_area).label, "Indicator": _label(ch, x.indicator),
            "Member state": country_name(x.country),
            **({} if ch.public else {"Rows graded D or 4": f"{x.low} of {x.rows}"})}
            for x in g.low_graded])
        nd = None if ch.public else pd.DataFrame(
            {c: [x.nd for x in g.low_graded] if c == "Rows graded D or 4" else
             [False] * len(g.low_graded) for c in table.columns})
        ch.show_table(table, f"Headline series resting mostly on low-graded information, "
                      f"{ch.cycle.code}", source="submissions", nd=nd,
                      key="tab:outlook:gaps:grading",
                      data=ch.source_rows("indicators", indicator=sorted(
                          {x.indicator for x in g.low_graded})),
                      note="Half or more of the member state's rows of the series in the "
                           "cycle are graded D (source not reliable) or 4 (information that "
                           "cannot be corroborated) in the 4x4 system"
                           + (", among the rows this edition may show." if ch.public else "."))
    else:
        ch.say("No member state's headline series rests mostly on rows graded D or 4.")
    return g


def _label(ch: Chapter, code: str) -> str:
    try:
        return spec_for(ch.cycle.code).indicator(code).label
    except KeyError:
        return code


# ----------------------------------------------------------------------------- changes


def _previous(ch: Chapter) -> str | None:
    """The latest cycle in the store that ends before this one starts."""
    earlier = [c for c in ch.cycles() if get_cycle(c).last_year < ch.cycle.first_year]
    return earlier[-1] if earlier else None


_STATUS = {"new": "new", "gone": "no longer found", "reversed": "direction reversed",
           "changed": "changed", "same": "unchanged"}


@_section()
def changes(ch: Chapter) -> pd.DataFrame:
    """What changed since the previous cycle's assessment. Restricted edition: the same
    findings of both cycles, matched by key (:func:`octasee.analysis.outlook.
    compare_cycles`), each in a few words, with what changed. Public edition: the
    published regional totals of the headline series in both cycles
    (:func:`~octasee.analysis.outlook.compare_published`)."""
    prev = _previous(ch)
    if prev is None:
        ch.say("The store holds no earlier cycle than {cycle} to compare with.",
               cycle=ch.cycle.code)
        return pd.DataFrame()
    if ch.public:
        return _public_changes(ch, prev)
    before = find(ch.store, cycle=prev, countries=ch.countries)
    table = compare_cycles(before, list(_findings(ch).values()))
    if table.empty:
        ch.say("Neither cycle gives a finding to compare.")
        return table
    counts = table["status"].value_counts()
    parts = [f"{int(counts[k])} {_STATUS[k]}" for k in ("changed", "reversed", "new", "gone",
                                                        "same") if counts.get(k, 0)]
    ch.say("The findings of {cycle} set beside those of {prev}, matched by what they are "
           "about (trends, breaks, one country's dominance, gaps in reporting, groups and "
           "routes): {parts}.", cycle=ch.cycle.code, prev=prev, parts=", ".join(parts))
    shown = pd.DataFrame({
        "F": [f"F{int(x)}" if pd.notna(x) else "–" for x in table["number"]],
        "Finding": table["subject"], prev: table["before"].replace("", "–"),
        ch.cycle.code: table["now"].replace("", "–"),
        "What changed": table["status"].map(_STATUS)})
    nd = pd.DataFrame({c: table["nd"].tolist() if c == ch.cycle.code else
                       [False] * len(table) for c in shown.columns})
    ch.show_table(shown, f"Findings of {prev} and {ch.cycle.code} compared",
                  source=_FINDINGS_SOURCE, nd=nd, key="tab:outlook:changes",
                  note=f"F: the finding's number in Annex C ({ch.cycle.code}). Each cycle's "
                       "findings are computed from its own years and the years before it.",
                  data=table.assign(source=_FINDINGS_SOURCE))
    return table


def _public_changes(ch: Chapter, prev: str) -> pd.DataFrame:
    """The public Table 11.7: the means print as every table's numbers (no decimal from
    1,000 up); how many member states reported, then and now, joined by an arrow with a
    space on each side, "none" where no member state reported (not a dash beside it)."""
    from octasee.analysis.format import fmt_transition  # Table 11.7's own import

    table = compare_published(ch.view, before=prev, now=ch.cycle.code)
    if table.empty:
        ch.say("No headline series is published for both cycles.")
        return table
    shown = pd.DataFrame({
        "Crime area": table["crime_area"].map(lambda a: crime_area(a).label),
        "Indicator": table["indicator"].map(lambda c: _label(ch, c) + (
            f" ({_unit(ch, c)})" if _unit(ch, c) not in ("", "count") else "")),
        f"Mean, {prev}": table["before"], f"Mean, {ch.cycle.code}": table["now"],
        "Change": table["change"].replace("", "–"),
        "Member states reporting": [fmt_transition(a, b) for a, b in
                                    zip(table["reporting_before"], table["reporting_now"],
                                        strict=True)]})
    reported = {f"Mean, {prev}": table["reporting_before"],
                f"Mean, {ch.cycle.code}": table["reporting_now"]}
    markers = pd.DataFrame({c: [("x" if k else "–") if pd.isna(v) else None
                                for v, k in zip(shown[c], reported[c], strict=True)]
                            if c in reported else [None] * len(shown)
                            for c in shown.columns})
    ch.show_table(shown, f"Published regional totals of {prev} and {ch.cycle.code} compared",
                  source="submissions", markers=markers,
                  structures=list(zip(table["indicator"], table["crime_area"], strict=True)),
                  parts=("year",), key="tab:outlook:changes",
                  note="The mean of the published yearly regional totals of each cycle, over "
                       "the member states that reported each year (x: a year's total is "
                       "withheld; –: not reported). A change is given only where the same "
                       "member states reported every year of both cycles: the means of "
                       "different states are not compared.")
    return table
