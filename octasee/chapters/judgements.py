"""The analyst's key judgements and the findings they rest on, as the report shows them.

The judgements are the analyst's: they live in the workspace's register
(``judgements.yaml``, :mod:`octasee.analysis.register`), and only those marked
``state: agreed`` are key judgements. The findings are the data's: typed, numbered
records computed by :func:`octasee.analysis.findings.find`. This module renders both and
computes nothing:

- :func:`key_judgements`: the agreed judgements (the executive summary: all of them; a
  chapter: its own), each with its probability term, confidence, horizon and evidence
  links, and in the restricted edition the flag "evidence changed since agreed" when a
  finding it cites moved since the draft where it was agreed (the build works that out:
  :func:`octasee.analysis.register.read_state`). The public edition shows a judgement
  only in its agreed public wording, linked only to figures and tables of the public
  edition, and says how many it withholds;
- :func:`findings_annex`: every finding with its numbers, the countries and years it
  rests on, the figures and tables that show it and the judgements that cite it; then,
  for the editors, the findings no judgement covers, the judgements still in draft and
  what the data suggest, each labelled as a suggestion (restricted edition only: the
  public edition has no such annex).

Evidence links are ``<a class="evidence-ref" data-evidence="KEY">``: the build writes the
label of the figure or table (``Figure 4.1``) into them once every chapter has run
(:func:`octasee.report.assemble.resolve_evidence_links`); a finding links to its entry
in the findings annex.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from typing import Any

from octasee.analysis.editions import editions
from octasee.analysis.findings import Finding, find, horizon
from octasee.analysis.register import Judgement, Register, read_register, read_state
from octasee.analysis.threat import index_method
from octasee.analysis.trends import BOOTSTRAP_DRAWS, MIN_JUDGED, MIN_SEGMENT, OUTLIER_SD
from octasee.chapters import context as _context
from octasee.chapters.context import Chapter, evidence_anchor
from octasee.chapters.disclosure import nd_mark
from octasee.reference import country_name
from octasee.scoring.trends import YARDSTICK

__all__ = ["evidence_anchor", "finding_anchor", "finding_notes", "findings_annex",
           "key_judgements", "method"]

#: Where a finding's entry is in the findings annex.
FINDING_PREFIX = "finding-"


def finding_anchor(key: str) -> str:
    """The HTML id of a finding's entry in the findings annex.

    >>> finding_anchor("dominance:cocaine:cocaine_seized")
    'finding-dominance-cocaine-cocaine-seized'
    """
    return FINDING_PREFIX + re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")


def _is_finding(key: str) -> bool:
    return not key.startswith(("fig:", "tab:"))


def _findings(ch: Chapter) -> dict[str, Finding]:
    """Every finding of the chapter's cycle, by key (computed once per chapter, from the
    restricted rows of the report's countries: the same list the build's register check
    and the draft's snapshot use)."""
    cached = getattr(ch, "_findings_cache", None)
    if cached is None:
        cached = {f.key: f for f in find(ch.store, cycle=ch.cycle.code,
                                          countries=ch.countries)}
        object.__setattr__(ch, "_findings_cache", cached)
    return cached


def _register(ch: Chapter) -> Register:
    cached = getattr(ch, "_register_cache", None)
    if cached is None:
        cached = read_register(ch.workspace.path)
        if ch.cycle.code != ch.workspace.cycle:  # it judges the workspace's cycle only
            cached = Register((), cached.path)
        object.__setattr__(ch, "_register_cache", cached)
    return cached


def _term(term: str) -> str:
    """A yardstick term with its published range: ``Likely (55-75%)``."""
    for name, lo, hi, _, _ in YARDSTICK:
        if name == term.lower():
            return f"{name.capitalize()} ({lo:g}-{hi:g}%)"
    return term.capitalize()


def _evidence_link(key: str, findings: dict[str, Finding], *, optional: bool = False) -> str:
    """A link to a finding (its entry in Annex C) or to a figure or table, whose text the
    build sets to the label ("Figure 4.1"); ``optional``: a figure that shows a cited
    finding, which the build may lack without an error."""
    if _is_finding(key):
        f = findings.get(key)
        text = f"F{f.number} {f.title}" if f is not None else key
        return (f'<a class="finding-ref" href="#{finding_anchor(key)}">'
                f"{html.escape(text)}</a>")
    opt = ' data-optional="1"' if optional else ""
    return (f'<a class="evidence-ref"{opt} data-evidence="{html.escape(key)}" '
            f'href="#{evidence_anchor(key)}">{html.escape(key)}</a>')


def _public_evidence(j: Judgement, findings: dict[str, Finding]) -> list[tuple[str, bool]]:
    """The figure and table keys a public judgement links to, each with whether it is
    optional: those it cites (required) and those that show the findings it cites
    (optional). Never a finding: the findings annex and its numbers are the restricted
    edition's."""
    keys: dict[str, bool] = {}
    for key in j.evidence:
        if _is_finding(key):
            f = findings.get(key)
            for k in f.shows if f is not None else ():
                keys.setdefault(k, True)
        else:
            keys[key] = False
    return list(keys.items())


def _nd(j: Judgement, findings: dict[str, Finding]) -> bool:
    return any(findings[k].nd for k in j.evidence if k in findings)


def _moved_html(moved: Sequence[dict[str, Any]], agreed_in: str | None,
                findings: dict[str, Finding]) -> str:
    parts = []
    for m in moved:
        key = str(m.get("finding", ""))
        was = m.get("was") or {}
        now = m.get("now") or {}
        changes = [f"{html.escape(str(k))}: {html.escape(str(was.get(k, '-')))} → "
                   f"{html.escape(str(now.get(k, '-')))}"
                   for k in list(dict.fromkeys([*was, *now])) if was.get(k) != now.get(k)]
        parts.append(_evidence_link(key, findings)
                     + (f" ({'; '.join(changes)})" if changes else " (no longer found)"))
    since = f" in {html.escape(agreed_in)}" if agreed_in else ""
    return (f'<p class="stale"><strong>Evidence changed since agreed{since}</strong>: '
            + "; ".join(parts) + ". Review the judgement, then agree it again "
            "(<code>octasee judgements</code> shows the register).</p>")


def _box(ch: Chapter, j: Judgement, findings: dict[str, Finding],
         state: dict[str, Any], *, in_chapter: bool = False, position: int = 0) -> str:
    if ch.public:
        statement = j.public or ""
        links = [_evidence_link(k, findings, optional=opt)
                 for k, opt in _public_evidence(j, findings)]
        nd = ""
    else:
        statement = j.statement
        links = [_evidence_link(k, findings) for k in j.evidence]
        nd = nd_mark() if _nd(j, findings) else ""
    meta = (f"Analytic confidence: {html.escape(j.confidence)}. Horizon: "
            f"{html.escape(j.horizon)}.")
    if links:
        meta += " Evidence: " + ", ".join(links) + "."
    # The public edition numbers its boxes: the register's ids would show which are withheld.
    name = f"public-{position}" if ch.public else j.id.lower()
    anchor = f"judgement-{name}" + (f"-in-{j.chapter}" if in_chapter else "")
    # the register's id (restricted edition): what the bottom line and scenarios cite
    ident = "" if ch.public else f'<span class="judgement-id">{html.escape(j.id)}</span> '
    out = (f'<div class="judgement" id="{html.escape(anchor)}">'
           f"<p>{ident}<strong>{html.escape(_term(j.probability))}</strong>: "
           f"{html.escape(statement.strip())}{nd}</p>"
           f'<p class="confidence">{meta}</p>')
    info = state.get("judgements", {}).get(j.id, {})
    if not ch.public and info.get("state") == "stale":
        out += _moved_html(info.get("moved") or [], info.get("agreed_in"), findings)
    return out + "</div>"


def key_judgements(ch: Chapter, *, chapter: str | None = None, always: bool = False) -> None:
    """The agreed key judgements of the register: every one (the executive summary,
    ``chapter`` None) or those of one chapter (``chapter="04"``), in register order.

    Nothing is derived here: a judgement the analyst has not agreed is not shown (the
    findings annex lists it for the editors), and the public edition shows only agreed
    judgements that have a public wording, saying how many it withholds. A chapter with
    no agreed judgement shows nothing, unless ``always`` (a section that is only its
    judgements, such as the outlook): then it says so.
    """
    reg = _register(ch)
    agreed = reg.agreed() if chapter is None else [
        j for j in reg.agreed() if j.chapter == chapter]
    if chapter is not None and not agreed and not always:
        return
    ch.notice()  # the chapter's notice comes first (no questionnaire yet; k of n returned)
    findings = _findings(ch)
    state = read_state()
    if not agreed:
        drafts = len([j for j in reg.judgements if j.state != "agreed"])
        if ch.public:
            ch.say("No key judgement has been agreed for publication yet.")
        elif chapter is not None:
            ch.say("No key judgement of this chapter has been agreed yet. Annex C lists "
                   "what the data show and what no judgement covers yet.")
        else:
            ch.say("No key judgement has been agreed yet ({n} in draft in the analysts' "
                   "register). Annex C lists what the data show and what no judgement "
                   "covers yet.", n=drafts)
        return
    shown = [j for j in agreed if not ch.public or (j.public or "").strip()]
    boxes = "".join(_box(ch, j, findings, state, in_chapter=chapter is not None,
                         position=i) for i, j in enumerate(shown, start=1))
    if boxes:
        _context._html(boxes)
    if ch.public:
        ch.withheld(len(agreed) - len(shown), "key judgements")


def _table(rows: Iterable[Sequence[str]], header: Sequence[str]) -> str:
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="octasee-table findings"><thead><tr>{head}</tr></thead>' \
           f"<tbody>{body}</tbody></table>"


def _years(years: Sequence[int]) -> str:
    ys = sorted(set(int(y) for y in years))
    if not ys:
        return ""
    if ys == list(range(ys[0], ys[-1] + 1)) and len(ys) > 2:
        return f"{ys[0]}-{ys[-1]}"
    return ", ".join(str(y) for y in ys)


def _model_words(f: Finding) -> str:
    """What a trend finding's model says, in words that cannot be read as the trend's
    direction: the chance of a level above the last one, in PHIA terms."""
    last = f.numbers.get("last_year", "the last year")
    horizon_year = (f.horizon or "").rsplit("-", 1)[-1] or "the horizon"
    out = (f"Model: the chance that the {html.escape(horizon_year)} level exceeds the "
           f"{html.escape(last)} level is {html.escape(_term(f.term or ''))}")
    if f.confidence:
        out += f", confidence {html.escape(f.confidence)}"
    return out + " (a model's output, not a judgement of this assessment)."


def _finding_entry(ch: Chapter, f: Finding, cited_by: Sequence[str],
                   agreed: frozenset[str] = frozenset()) -> str:
    bits = [html.escape(f.statement)]
    if f.term:
        bits.append(_model_words(f))
    elif f.confidence:
        bits.append(f"Confidence in the data: {html.escape(f.confidence)}.")
    names = ", ".join(country_name(c) for c in sorted(set(f.countries)))
    # What the countries of a finding are depends on its kind: a gap names who is missing.
    about = {"coverage": "Gaps in the reporting of", "dominance": "The country:",
             "divergence": "Countries that differ:"}.get(f.kind, "Rests on")
    rests = [html.escape(names)] if names else []
    if f.years:
        rests.append(html.escape(_years(f.years)))
    if rests:
        bits.append(f"{about} " + "; ".join(rests) + ".")
    if f.shows:
        bits.append("Shown in " + ", ".join(
            f'<a class="evidence-ref" data-optional="1" data-evidence="{html.escape(k)}" '
            f'href="#{evidence_anchor(k)}">{html.escape(k)}</a>' for k in f.shows) + ".")
    if cited_by:
        bits.append("Cited by " + ", ".join(
            f'<a href="#{"judgement" if j in agreed else "register"}-{html.escape(j.lower())}">'
            f"{html.escape(j)}</a>" for j in cited_by) + ".")
    nd = nd_mark() if f.nd else ""
    return (f'<div class="finding" id="{finding_anchor(f.key)}"><p><strong>F{f.number}'
            f" · {html.escape(f.kind.capitalize())} · {html.escape(f.title)}</strong>{nd}"
            f"</p><p>{' '.join(bits)}</p></div>")


def findings_annex(ch: Chapter) -> None:
    """Every finding, then the editors' view of the register (restricted edition only).

    The public edition shows nothing: findings carry the restricted numbers, and the
    editors' lists are for the analysts who write the assessment.
    """
    if ch.public:
        return
    ch.notice()  # no questionnaire yet, or how many countries have answered so far
    if ch.empty:
        return
    findings = list(_findings(ch).values())
    reg = _register(ch)
    cited: dict[str, list[str]] = {}
    for j in reg.judgements:
        for key in j.evidence:
            cited.setdefault(key, []).append(j.id)
    ch.heading("Findings")
    if not findings:
        ch.say("The data of this cycle give no finding yet.")
    else:
        ch.say("{n} findings from the questionnaires of {cycle} and the public sources, "
               "numbered in the order of the chapters. A finding says what the data show; "
               "the key judgements are the analysts'.", n=len(findings),
               cycle=ch.cycle.code)
        agreed = frozenset(j.id for j in reg.agreed())
        _context._html("".join(_finding_entry(ch, f, cited.get(f.key, []), agreed)
                               for f in findings))
    ch.heading("For the editors")
    state = read_state()
    uncovered = [f for f in findings if f.key not in cited]
    ch.heading("Findings no judgement covers", level=3)
    if uncovered:
        _context._html(_table(([f'<a href="#{finding_anchor(f.key)}">F{f.number}</a>',
                       html.escape(f.kind.capitalize()), html.escape(f.title)]
                      for f in uncovered),
                     ["Finding", "Kind", "Title"]))
    else:
        ch.say("Every finding is cited by at least one judgement of the register.")
    ch.heading("Judgements in the register", level=3)
    if reg.judgements:
        infos = state.get("judgements", {})
        rows = []
        for j in reg.judgements:
            st = infos.get(j.id, {}).get("state") or j.state
            label = {"stale": "agreed; evidence changed since agreed"}.get(st, st)
            rows.append([f'<span id="register-{html.escape(j.id.lower())}">'
                         f"{html.escape(j.id)}</span>", html.escape(j.chapter or ""),
                         html.escape(label),
                         html.escape(_term(j.probability)), html.escape(j.statement.strip())])
        _context._html(_table(rows, ["Judgement", "Chapter", "State", "Probability", "Statement"]))
        ch.say("Only agreed judgements are key judgements of the report; the register is "
               "{path} in the workspace.", path=reg.path.name)
    else:
        ch.say("The register ({path} in the workspace) holds no judgement yet: "
               "`octasee judgements --init` starts one from these findings.",
               path=reg.path.name)
    suggestions = [f for f in findings if f.term and f.key not in cited]
    ch.heading("What the data suggest", level=3)
    if suggestions:
        ch.say("Suggestions for the analyst, from the trend model of chapter 1, for findings "
               "no judgement cites. They are not judgements of this assessment until an "
               "analyst writes and agrees one in the register.")
        _context._html(_table(([f'<a href="#{finding_anchor(f.key)}">F{f.number}</a>',
                       html.escape(f.title), html.escape(_term(f.term or "")),
                       html.escape(f.horizon or ""), html.escape(f.confidence or "")]
                      for f in suggestions),
                     ["Finding", "Title", "Model: chance of a level above the last year's",
                      "Horizon", "Confidence"]))
    else:
        ch.say("No uncited trend gives a suggestion.")


def method(ch: Chapter) -> None:
    """Chapter 1's account, in plain words, of how findings are computed and how the key
    judgements are made (the numbers in it are the analysis layer's own constants, so the
    text cannot drift from the method), how the threat index is computed (the sentences
    of :func:`octasee.analysis.threat.index_method`, from the index spec: annex B prints
    the same) and which CPI year and GI-TOC edition vulnerability rests on
    (:attr:`octasee.analysis.editions.Editions.vulnerability_note`)."""
    terms = "; ".join(f"<em>{html.escape(t)}</em> ({lo:g}-{hi:g}%)"
                      for t, lo, hi, _, _ in YARDSTICK)
    label, _ = horizon(ch.cycle.code)
    _context._html(
        "<p><strong>Key judgements are the analysts'.</strong> The analysis software "
        "computes findings from the questionnaires and the public sources; the analysts "
        "write the key judgements in their register, each with a probability term, a "
        "confidence level, a horizon and the findings, figures and tables it rests on, and "
        "agree them before they enter the report. The executive summary and the chapters "
        "show only agreed judgements. When a finding a judgement cites changes between "
        "drafts, the restricted edition flags the judgement <em>evidence changed since "
        "agreed</em> until an analyst reviews it.</p>"
        f"<p><strong>Probability.</strong> Judgements use the PHIA probability yardstick: "
        f"{terms}. Analytic confidence (high, moderate, low) says how well the evidence "
        "supports a judgement.</p>"
        "<p><strong>Findings</strong> are numbered (F1, F2, …) and listed, for the analysts, in "
        "the restricted edition: trends, breaks, outlier years, one country's dominance of a "
        "regional total, gaps in reporting, changes since the previous cycle, differences "
        "from UNODC's figures, and what the reported groups and routes have in common.</p>"
        "<p><strong>How a trend is read.</strong> A regional series is the total of the "
        "member countries that reported every year of the span, so that a country that "
        "stops reporting does not read as a fall; the text names the countries left out. "
        f"Before a trend is drawn, the series is tested for a break: every year that leaves "
        f"at least {MIN_SEGMENT} years on each side is tried as the start of a second "
        "straight line, and the best split is kept when it fits better than one line by the "
        "Bayesian information criterion. A series with a break is read on the part after "
        "the break. The line is a Theil-Sen line (the median of the slopes between every "
        "pair of years), so one exceptional year does not tilt it.</p>"
        f"<p><strong>How likely a trend is to continue</strong> is estimated for the "
        f"horizon of the judgements, {html.escape(label)}: {BOOTSTRAP_DRAWS:,} series that "
        "could have been observed instead are simulated from the line and its residuals (a "
        "residual bootstrap with a fixed seed), each is projected to the last year of the "
        "horizon, and the share of projections above the last observed level is the "
        "probability of a rise. With n years it is never put above (n+1)/(n+2) or below "
        f"1/(n+2); fewer than {MIN_JUDGED} years after a break give no probability. This "
        "is a model's output, shown to the analysts as a suggestion, never as "
        "a judgement of the assessment.</p>"
        "<p><strong>Confidence in a finding</strong> starts from the 4x4 grading of the "
        "rows behind it and drops one step for each of: a year in which not every member "
        "country reported, a break, one country making up half or more of the regional "
        "total, fewer than five years. Years further than "
        f"{OUTLIER_SD:g} robust standard deviations from the line are outliers.</p>"
        "<p><strong>Coverage.</strong> Statements such as “reported by 12 of 13 member "
        "countries” are counted from the submissions in the store, never written by hand."
        "</p>"
        "<p><strong>The threat index</strong> compares the member countries crime area by "
        "crime area, from the questionnaires' indicators. "
        + " ".join(html.escape(s) for s in index_method(ranks=ch.rank_countries))
        + "</p><p><strong>Vulnerability</strong> (corruption and resilience) is read from "
        "public indices of the cycle's own years where a source has them; an edition from "
        "outside the cycle is said to be so. "
        + html.escape(editions(ch.cycle, ch.workspace).vulnerability_note) + "</p>")


#: The kinds of finding a chapter states beside a trend chart, in this order.
NOTE_KINDS = ("trend", "break", "dominance", "coverage", "outlier", "change", "divergence")


def finding_notes(ch: Chapter, *, area: str, indicator: str) -> None:
    """The findings about one indicator of one crime area, as numbered paragraphs beside
    its chart (restricted edition): what the data show, each linked to its entry in
    Annex C. A trend's probability is the model's and is said to be; the key judgements
    are the register's."""
    if ch.public:
        return
    found = [f for f in _findings(ch).values()
             if f.crime_area == area and f.indicator == indicator and f.kind in NOTE_KINDS]
    found.sort(key=lambda f: (NOTE_KINDS.index(f.kind), f.number))
    if not found:
        return
    parts = []
    for f in found:
        text = html.escape(f.statement)
        if f.kind == "trend" and f.term:
            text += " " + _model_words(f)
        parts.append(f'<p class="finding-note"><a class="finding-ref" '
                     f'href="#{finding_anchor(f.key)}">F{f.number}</a> {text}'
                     f"{nd_mark() if f.nd else ''}</p>")
    _context._html("".join(parts))
