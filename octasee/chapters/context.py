"""The chapter context: what every chapter notebook opens in its first code cell.

:func:`open_chapter` checks the notebook's parameters (a wrong cycle or country stops
right there, with a message that says what to write instead), opens the workspace's store
read-only, and gives the notebook a small, numbered way to show figures, tables and text:
figure and table numbers run per chapter ("Figure 4.2"), every figure and table carries a
caption and a source line, and text built from data is escaped.

>>> from octasee.samples import sample_files
>>> from octasee.store import Store
>>> from octasee.workspace import sample_workspace
>>> import tempfile
>>> ws = sample_workspace(tempfile.mkdtemp())
>>> _ = Store(ws.store_path).ingest(sample_files("2013-2017"), jobs=1)
>>> ch = open_chapter("04", "Drug trafficking", workspace=ws.path, countries=["RS", "Hrvatska"])
>>> ch.countries, ch.cycle.code, ch.variant
(['HR', 'RS'], '2013-2017', 'restricted')
"""

from __future__ import annotations

import html
import json
import math
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from octasee.analysis.threat import threat_areas, threat_scores
from octasee.chapters.disclosure import (
    ND_NOTE,
    nd_mark,
    public_view,
    restricted_indicators,
    suppress_small,
)
from octasee.errors import OctaseeError, UsageError
from octasee.questionnaire.problems import safe_cell
from octasee.reference import MEMBER_CODES, Cycle, country_name, resolve_country
from octasee.reference import cycle as get_cycle
from octasee.reference import cycles as reference_cycles
from octasee.samples import ensure_samples
from octasee.sdc.rules import DisclosureRules
from octasee.sdc.view import PublicView
from octasee.store import Store
from octasee.translations import TranslationMemory, language_name, read_memory
from octasee.workspace import Workspace, find_workspace

__all__ = ["DATA_LINK_TEXT", "EVIDENCE_NAME", "NUMBER_ENV", "PROVENANCE", "Chapter",
           "evidence_anchor", "mask_numbers", "open_chapter", "show_errors_short"]

#: The columns of a public cell a chapter may use (no free text, no source row, no
#: per-row grading: a suppressed cell holds nothing but its key, its marker and why).
_PUBLIC_CELL_COLUMNS = ("country", "cycle", "crime_area", "indicator", "breakdown", "year",
                        "value", "unit", "status", "marker")

VARIANTS = ("restricted", "public")
SOURCES = {
    "submissions": "Country submissions to the OCTA-SEE questionnaire",
    "gitoc": "Global Organized Crime Index 2021 / 2023, Global Initiative Against "
             "Transnational Organized Crime",
    "glotip": "UNODC, Global Report on Trafficking in Persons data",
    "frontex": "Frontex, detections of illegal border crossings",
    "cpi": "Transparency International, Corruption Perceptions Index",
    "population": "World Bank population, mid-2017 (rates per 100,000)",
}

#: What a chapter writes into its ``output_dir``: the figures and tables it shows, with
#: their evidence keys and anchors (both editions), and, in the restricted edition, the
#: data behind each in ``data/<anchor>.csv``.
EVIDENCE_NAME = "evidence.json"
DATA_FOLDER = "data"
#: The text of the link under a source line (restricted edition).
DATA_LINK_TEXT = "Data and source rows (CSV)"
#: The columns a data file starts with, where the data has them: what a questionnaire
#: row is, and where it came from (submission, file, sheet, row), its grading and its
#: not-for-dissemination mark (``nd``).
PROVENANCE = ("country", "cycle", "crime_area", "indicator", "breakdown", "year", "value",
              "unit", "submission_id", "src_file", "src_sheet", "src_row",
              "source_reliability", "information_assessment", "nd")
_KEY_PREFIX = {"figure": "fig", "table": "tab"}


def evidence_anchor(key: str) -> str:
    """The HTML id of the figure or table with evidence key ``key``: ``ev-`` and the key
    with every run of characters other than a-z and 0-9 (after lower-casing) as ``-``.

    >>> evidence_anchor("fig:trend:heroin:heroin_seized")
    'ev-fig-trend-heroin-heroin-seized'
    >>> evidence_anchor("fig:routes:heroin+cocaine")
    'ev-fig-routes-heroin-cocaine'
    """
    return "ev-" + re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")


def _where(frame: pd.DataFrame, where: dict[str, Any]) -> pd.DataFrame:
    """The rows of ``frame`` where each column of ``where`` has the value given (None:
    missing; a list, tuple or set: any of them)."""
    keep = pd.Series(True, index=frame.index)
    for column, value in where.items():
        if column not in frame.columns:
            raise UsageError(f"the rows have no column {column!r} to select on",
                             hint="columns: " + ", ".join(map(str, frame.columns)))
        col = frame[column]
        if value is None:
            keep &= col.isna()
        elif isinstance(value, (list, tuple, set, frozenset)):
            keep &= col.isin(list(value))
        else:
            keep &= col.eq(value)
    return frame[keep]


def _csv_text(data: pd.DataFrame, *, source: str) -> str:
    """``data`` as CSV text for a spreadsheet: the provenance columns first
    (:data:`PROVENANCE`, those it has), ``nd`` from ``not_for_dissemination`` where only
    that is there, the source named in a column ``source`` when the rows carry no source
    file (a published data set), and every text cell and header through
    :func:`~octasee.questionnaire.problems.safe_cell` (a comment starting with ``=``
    cannot run as a formula)."""
    d = data.reset_index(drop=True).copy()
    d.columns = [str(c) for c in d.columns]
    if "nd" not in d.columns and "not_for_dissemination" in d.columns:
        d["nd"] = d["not_for_dissemination"].astype("boolean").fillna(True).astype(bool)
    if "src_file" not in d.columns and "source" not in d.columns:
        d["source"] = source
    first = [c for c in PROVENANCE if c in d.columns]
    d = d[first + [c for c in d.columns if c not in first]]
    for column in d.columns:
        if d[column].dtype == object or pd.api.types.is_string_dtype(d[column]):
            d[column] = d[column].map(safe_cell)
    d.columns = [str(safe_cell(c)) for c in d.columns]
    return d.to_csv(index=False, lineterminator="\n")


def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary name (a reader never sees half)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.partial")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, path)


def _display(obj: Any, *, raw: bool = False) -> None:
    from IPython.display import display

    display(obj, raw=raw)


def _html(text: str) -> None:
    from IPython.display import HTML

    _display(HTML(text))


@dataclass
class Chapter:
    """A chapter's parameters, checked, with its store and its numbering."""

    number: str
    title: str
    workspace: Workspace
    store: Store
    cycle: Cycle
    countries: list[str]
    variant: str
    output_dir: Path
    threshold: int
    figures: int = 0
    tables: int = 0
    #: A country profile's place among the countries the report is built for (1 for the
    #: first, as the build numbers its sections A.1, A.2 ...): its figures and tables are
    #: numbered within it ("Table A.3.1"); None for a chapter ("Table 4.1").
    section: int | None = None
    sources_used: set[str] = field(default_factory=set)
    #: The chapter's countries with a current questionnaire of this cycle (in this variant);
    #: None (not given): every one of ``countries``.
    received: list[str] | None = None
    #: Whether the restricted store holds any questionnaire of this cycle of the chapter's
    #: countries (a public chapter is empty also when every one is not for dissemination).
    ingested: bool = True
    #: Whether ``countries`` are the workspace's expected countries (else a selection).
    all_expected: bool = True
    #: The workspace's disclosure rules (``[disclosure]``): the public view's threshold,
    #: and whether the public edition may name and rank member states.
    rules: DisclosureRules | None = None
    #: What the public edition shows of the view, one entry per table, figure or
    #: paragraph (written to ``<output_dir>/publications.json`` for the output check).
    publications: list[dict[str, Any]] = field(default_factory=list)
    paragraphs: int = 0
    #: The figures and tables shown so far, with their evidence keys and anchors (written
    #: to ``<output_dir>/evidence.json`` in both editions; see :meth:`figure`).
    evidence: list[dict[str, Any]] = field(default_factory=list)
    _tables: dict[tuple[str, str, str | None, bool], pd.DataFrame] = field(
        default_factory=dict, repr=False)
    _view: PublicView | None = field(default=None, repr=False)
    _view_rows: pd.DataFrame | None = field(default=None, repr=False)
    _noticed: bool = field(default=False, repr=False)
    _nd_noted: bool = field(default=False, repr=False)
    _masked_noted: bool = field(default=False, repr=False)
    #: Per country, the values the public view withholds (:meth:`_withheld_values`).
    _withheld: dict[str, list[tuple[float, float]]] | None = field(default=None, repr=False)
    #: Per country, the figures the public view prints (:meth:`_published_values`).
    _published: dict[str, list[float]] | None = field(default=None, repr=False)
    #: The workspace's translation memory, read once (:meth:`english`).
    _memory: TranslationMemory | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.received is None:
            self.received = list(self.countries)

    # ------------------------------------------------------------------ data
    @property
    def public(self) -> bool:
        return self.variant == "public"

    @property
    def rank_countries(self) -> bool:
        """Whether this edition names and ranks member states on threat scores: always in
        the restricted edition; in the public one only when ``[disclosure]
        rank_countries`` says so (else it counts them in bands)."""
        return not self.public or bool(getattr(self.rules, "rank_countries", False))

    @property
    def empty(self) -> bool:
        """No questionnaire of this cycle for the chapter's countries (none ingested yet):
        the chapter shows what is missing and its public sources only."""
        return not self.received

    @property
    def partial(self) -> bool:
        """Some, not all, of the chapter's countries have a questionnaire of this cycle."""
        return 0 < len(self.received) < len(self.countries)

    def cycles(self) -> list[str]:
        """Every cycle in the store up to and including this one, oldest first."""
        return [c for c in self.store.cycles() if get_cycle(c).last_year <= self.cycle.last_year]

    def table(self, name: str, *, cycle: str | None = None, all_cycles: bool = False
              ) -> pd.DataFrame:
        """What the chapter shows of a store table, for its countries (this cycle by default).

        In the public edition the indicators are the public view's cells
        (:attr:`view`): every row of the restricted store, with ``value`` missing where
        the view suppresses it (``status``, ``marker``); the other tables leave out
        what is marked not for dissemination (:meth:`rows`). In the restricted edition a
        column ``nd`` says which rows are not for dissemination (their content is marked).

        Read once per chapter (the store is read-only while a chapter runs); each call gets
        its own copy.
        """
        if self.public and name == "indicators":
            self.sources_used.add("submissions")
            cells = self.view.cells
            cells = cells[cells["country"].isin(self.countries)]
            cycles = self.cycles() if all_cycles else [cycle or self.cycle.code]
            cells = cells[cells["cycle"].isin(cycles)]
            keep = [c for c in _PUBLIC_CELL_COLUMNS if c in cells.columns]
            return cells[keep].assign(nd=False).reset_index(drop=True)
        return self.rows(name, cycle=cycle, all_cycles=all_cycles)

    def rows(self, name: str, *, cycle: str | None = None, all_cycles: bool = False
             ) -> pd.DataFrame:
        """A store table in this chapter's variant: in the public edition without the rows
        and submissions marked not for dissemination (free text, routes, groups); in the
        restricted edition with every row and a column ``nd`` marking those."""
        return self._cached(name, self.variant, cycle, all_cycles)

    def all_rows(self, name: str, *, cycle: str | None = None, all_cycles: bool = False
                 ) -> pd.DataFrame:
        """Every row of a store table, in both editions, with ``nd``: what aggregates that
        both editions print alike are computed from (the number of groups per band, the
        threat bands), so that the public edition never recomputes them on fewer rows."""
        return self._cached(name, "restricted", cycle, all_cycles)

    def source_rows(self, *frames: pd.DataFrame | str, columns: Sequence[str] | None = None,
                    **where: Any) -> pd.DataFrame:
        """The store rows behind a figure or table, for its data file (``data=`` of
        :meth:`figure` and :meth:`show_table`).

        ``frames``: rows the section read (``ch.rows(...)``, ``ch.all_rows(...)``, a
        selection of them) or store table names (read with :meth:`rows`; a column
        ``table`` then says which). ``where``: keep the rows whose column has that value
        (None: missing, as ``breakdown=None`` for totals; a list or set: any of them).
        ``columns``: keep only these besides :data:`PROVENANCE` (default: every column).

        In the public edition there is no data file: returns no row (and reads nothing),
        so that the same call serves both editions.
        """
        if self.public:
            first = next((f for f in frames if isinstance(f, pd.DataFrame)), None)
            return first.head(0) if first is not None else pd.DataFrame(
                columns=list(PROVENANCE))
        parts = []
        for f in frames:
            part = self.rows(f).assign(table=f) if isinstance(f, str) else f
            parts.append(_where(part, where) if where else part)
        if not parts:
            return pd.DataFrame(columns=list(PROVENANCE))
        out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].copy()
        if columns is not None:
            keep = [c for c in (*PROVENANCE, "table", *columns) if c in out.columns]
            out = out[list(dict.fromkeys(keep))]
        return out.reset_index(drop=True)

    def threat_rows(self) -> pd.DataFrame:
        """The restricted rows behind the threat scores (:meth:`threat`): every member
        country's totals of this cycle in the crime areas scored, with provenance and
        ``not_for_dissemination``; no row in the public edition (which publishes bands of
        the same scores, with no data file)."""
        if self.public:
            return pd.DataFrame(columns=list(PROVENANCE))
        key = ("threat rows", "members", self.cycle.code, False)
        if key not in self._tables:
            rows = restricted_indicators(self.store, cycle=self.cycle.code,
                                         countries=MEMBER_CODES, all_cycles=False)
            rows = rows[rows["breakdown"].isna() & rows["crime_area"].isin(threat_areas())
                        & rows["value"].notna()]
            self._tables[key] = rows.reset_index(drop=True)
        return self._tables[key].copy()

    def _cached(self, name: str, variant: str, cycle: str | None, all_cycles: bool
                ) -> pd.DataFrame:
        self.sources_used.add("submissions")
        key = (name, variant, cycle, all_cycles)
        if key not in self._tables:
            self._tables[key] = self._read(name, variant=variant, cycle=cycle,
                                           all_cycles=all_cycles)
        return self._tables[key].copy()

    def _read(self, name: str, *, variant: str, cycle: str | None, all_cycles: bool
              ) -> pd.DataFrame:
        cycles = self.cycles() if all_cycles else [cycle or self.cycle.code]
        frames = [self.store.table(name, cycle=c, countries=self.countries, variant=variant)
                  for c in cycles]
        nonempty = [f for f in frames if len(f)]
        df = (pd.concat(nonempty, ignore_index=True) if nonempty else
              self.store.table(name, cycle=self.cycle.code, countries=self.countries,
                               variant=variant))
        if name == "submissions" or "submission_id" not in df.columns:
            return df
        if variant == "public":
            return df.assign(nd=False)
        subs = pd.concat([self.store.table("submissions", cycle=c, countries=self.countries)
                          for c in cycles], ignore_index=True)
        whole = set(subs.loc[subs["dissemination"].fillna("").eq("not for dissemination"),
                             "submission_id"])
        flag = (df["not_for_dissemination"].astype("boolean").fillna(True).astype(bool)
                if "not_for_dissemination" in df.columns else False)
        return df.assign(nd=flag | df["submission_id"].isin(whole))

    def threat(self) -> pd.DataFrame:
        """The threat scores (:func:`octasee.analysis.threat.threat_scores`: ``country``,
        ``crime_area``, ``value`` 0-10, ``indicators``, ``nd``) of **every member
        country**, from the restricted rows of this cycle, whatever countries the chapter
        shows: a selection never rescales a score (sections keep :attr:`countries` for
        display afterwards). Both editions use them (the public one shows bands of the
        same scores). Computed once per chapter."""
        key = ("threat", "members", self.cycle.code, False)
        if key not in self._tables:
            self.sources_used.add("submissions")
            rows = restricted_indicators(self.store, cycle=self.cycle.code,
                                         countries=MEMBER_CODES, all_cycles=False)
            self._tables[key] = threat_scores(rows)
        return self._tables[key].copy()

    @property
    def view(self) -> PublicView:
        """The public view of the indicators (:func:`octasee.sdc.make_public_view`): made
        once per chapter from every restricted row of the chapter's countries and cycles,
        rows not for dissemination included as suppressed cells, so that published totals
        are the true totals and nothing is recomputed on fewer rows. It knows the figures
        the edition prints from public sources for the same cells
        (:func:`~octasee.chapters.disclosure.published_elsewhere`): every chapter's view is
        the same, whichever chapters are built."""
        if self._view is None:
            # The same rows and figures the build's release check audits (one function
            # for each).
            self.sources_used.add("submissions")
            self._view_rows = restricted_indicators(self.store, cycle=self.cycle.code,
                                                    countries=self.countries)
            self._view = public_view(self._view_rows, cycle=self.cycle.code,
                                     countries=self.countries, rules=self.rules)
        return self._view

    @property
    def public_view(self) -> PublicView | None:
        """:attr:`view` in the public edition, None in the restricted one: what the
        analysis functions take to read published numbers instead of rows."""
        return self.view if self.public else None

    def name(self, code: str) -> str:
        return country_name(code)

    def names(self, codes: Iterable[str]) -> str:
        """Country names as a phrase: "Serbia", "Albania and Serbia", "A, B and C"."""
        names = [self.name(c) for c in codes]
        if len(names) < 2:
            return "".join(names)
        return ", ".join(names[:-1]) + " and " + names[-1]

    # ------------------------------------------------------------------ coverage
    def notice_html(self, *, partial: bool = True) -> str:
        """What the chapter's data cover, as HTML; "" when every country has answered.

        An empty chapter says that no questionnaire of the cycle has been ingested yet
        (0 of N expected countries) and the command that ingests them; with ``partial``, a
        chapter that some countries have answered says how many (and, in the restricted
        variant, which).
        """
        n, k = len(self.countries), len(self.received)
        of = f"{k} of {n} {'expected' if self.all_expected else 'selected'} countries"
        cycle = html.escape(self.cycle.code)
        if self.empty:
            import shlex

            if self.public and self.ingested:
                what = f"No questionnaire of cycle {cycle} can be shown in the public version"
            else:
                what = f"No questionnaire of cycle {cycle} has been ingested yet"
            command = f"octasee ingest FILE... --workspace {shlex.quote(str(self.workspace.path))}"
            return ('<div class="chapter-notice" style="border-left: 3px solid '
                    'var(--octa-accent, #888); padding: 0.2em 0 0.2em 0.8em; margin: 0.8em 0">'
                    f"<p><strong>{what} ({of}).</strong> What this chapter shows from the "
                    "questionnaires appears once they are ingested with</p>"
                    f"<p><code>{html.escape(command)}</code></p>"
                    "<p>and the report is built again. Public sources, where the chapter uses "
                    "them, are shown as published.</p></div>")
        if not (partial and self.partial):
            return ""
        if self.public:
            return (f'<p class="coverage">This version rests on the questionnaires of {of} '
                    f"for cycle {cycle}.</p>")
        if 2 * k <= n:
            return (f'<p class="coverage">Only {of} {"has" if k == 1 else "have"} returned the '
                    f"questionnaire of cycle {cycle} so far "
                    f"({html.escape(self.names(self.received))}): what follows rests on "
                    f"{'its answers' if k == 1 else 'theirs'} alone.</p>")
        missing = [c for c in self.countries if c not in self.received]
        return (f'<p class="coverage">{of.capitalize()} have returned the questionnaire of '
                f"cycle {cycle} so far (not yet: {html.escape(self.names(missing))}).</p>")

    def notice(self, *, partial: bool = True) -> None:
        """Show :meth:`notice_html` once per chapter: the first section of a chapter calls
        it (the cell that opens the chapter is not in the report)."""
        if self._noticed:
            return
        self._noticed = True
        text = self.notice_html(partial=partial)
        if text:
            _html(text)

    # ------------------------------------------------------------------ output
    def heading(self, text: str, level: int = 2) -> None:
        _html(f"<h{level}>{html.escape(text)}</h{level}>")

    def say(self, template: str, /, *, nd: bool = False,
            structures: Sequence[tuple[str, str | None]] = (), **values: Any) -> None:
        """A paragraph; ``values`` (data, free text) are escaped, the template is trusted.

        Numbers are formatted with thousands separators; floats with one decimal. ``nd``
        (restricted edition): the paragraph rests on rows not for dissemination and is
        marked. ``structures`` (public edition): the (indicator, crime area) pairs whose
        published numbers the paragraph prints, recorded for the output check.
        """
        def fmt(v: Any) -> str:
            if isinstance(v, bool):
                return str(v)
            if isinstance(v, int):
                return f"{v:,}"
            if isinstance(v, float):
                return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.1f}"
            return html.escape(str(v))

        text = template.format(**{k: fmt(v) for k, v in values.items()})
        if structures and self.public:
            self.paragraphs += 1
            plain = html.unescape(_TAG.sub("", text))
            self._record("text", f"Paragraph {self.number_label}.{self.paragraphs}", plain,
                         structures)
        _html("<p>" + text + self._nd(nd) + "</p>")

    def quote(self, text: str | Sequence[str | tuple[str, str]], *, attribution: str,
              nd: bool = False, country: str | None = None,
              language: str | None = None) -> None:
        """Free text from a submission, escaped, with who wrote it (``nd``: marked as not
        for dissemination, in the restricted edition).

        ``language`` (the code the submission gives, e.g. ``sr``; None or ``en``:
        English): the English from the workspace's translation memory is quoted instead
        of the original where there is one, and the attribution says so ("translated
        from Serbian"; :meth:`english`), or that the original is quoted ("in Croatian,
        not yet translated"). ``text`` may be several parts, each translated on its own
        and shown as a paragraph: a text, or a pair of an English label and a text
        (``("Expected: ", text)``).

        In the public edition a number a country quotes in its own text is left out
        (``[n]``) only where it could give away a figure the edition withholds
        (:func:`mask_numbers`), in the English shown as in an original: one within the
        protection interval of a withheld value of that ``country`` (a suppressed cell or
        country total, primary or complementary), or a count from 1 to
        ``threshold - 1``. Years of the report's span stay, unless one equals a withheld
        value. A note says so once per chapter.
        """
        parts = [("", text)] if isinstance(text, str) else [
            p if isinstance(p, tuple) else ("", p) for p in text]
        shown, notes = [], []
        for label, part in parts:
            if not isinstance(part, str) or not part:
                continue
            english, note = self.english(part, language)
            shown.append(label + english)
            notes.append(note)
        note = _language_note(notes, language)
        if note:
            attribution = f"{attribution} ({note})"
        text, n = self.mask("\n\n".join(shown), country=country)
        body = html.escape(text).replace("\n", "<br>")
        _html(f'<blockquote class="submission-text">{body}<footer>{html.escape(attribution)}'
              f"{self._nd(nd)}</footer></blockquote>{self._masked_note(n)}")

    def english(self, text: str, language: str | None) -> tuple[str, str]:
        """What to show of a text a country wrote in ``language`` (a code such as ``sr``),
        and the note for its attribution: the English from the workspace's translation
        memory (``translations.yaml``, :mod:`octasee.translations`) and "translated from
        Serbian" ("machine-translated from Serbian" for a machine translation); the
        original and "in Croatian, not yet translated" where there is none; the text and
        "" for English (``en``). With no language given (a route's modus operandi has no
        language column) the memory's entry for the text says what it is in; no entry:
        taken as English. Sections that quote free text
        (assessments, route descriptions) call it; numbers are not masked here (see
        :meth:`mask`)."""
        if not isinstance(text, str) or not text.strip():
            return text, ""
        name = language_name(language)
        if name is None and language not in (None, ""):  # English
            return text, ""
        if self._memory is None:
            self._memory = read_memory(self.workspace)
        found = self._memory.lookup(text)
        if name is None:  # no language given (a route's text): the memory knows, or English
            name = language_name(found.language) if found is not None else None
            if name is None:
                return text, ""
        if found is None:
            return text, f"in {name}, not yet translated"
        return found.english, ("machine-translated" if found.machine else "translated") \
            + f" from {name}"

    def mask(self, text: str, *, country: str | None = None) -> tuple[str, int]:
        """``text`` as the public edition shows a country's own words: a number that could
        give away a figure this edition withholds left out (``[n]``, :func:`mask_numbers`;
        ``country``: that country's withheld figures, else every country's); unchanged
        in the restricted edition. Returns the text and how many numbers were left out
        (pass it to :meth:`_masked_note`)."""
        if not self.public:
            return text, 0
        withheld = self._withheld_values().get(country, []) if country else [
            v for vs in self._withheld_values().values() for v in vs]
        published = self._published_values().get(country, []) if country else [
            v for vs in self._published_values().values() for v in vs]
        return mask_numbers(text, keep=self._span_years(), withheld=withheld,
                            threshold=self.threshold, published=published)

    def _published_values(self) -> dict[str, list[float]]:
        """Per country, the figures the public view prints (cells and country totals):
        a number a country's text quotes that the edition prints anyway stays
        (:func:`mask_numbers`)."""
        if self._published is not None:
            return self._published
        out: dict[str, list[float]] = {}
        for frame, rows in ((self.view.cells, None),
                            (self.view.margins, "country")):
            if rows is not None and "kind" in frame.columns:
                frame = frame[frame["kind"] == rows]
            if "country" not in frame.columns:
                continue
            shown = frame[frame["status"] == "published"]
            values = pd.to_numeric(shown["value"], errors="coerce")
            for c, v in zip(shown["country"], values, strict=True):
                if pd.notna(v):
                    out.setdefault(str(c), []).append(float(v))
        self._published = out
        return out

    def _masked_note(self, n: int) -> str:
        """The note on numbers left out, once per chapter, after the first text that had
        one (``n``: how many :meth:`mask` left out)."""
        if not n or self._masked_noted:
            return ""
        self._masked_noted = True
        return ('<p class="withheld">In the public edition, some numbers that member '
                "countries quote in their own texts are left out ([n]); the tables give "
                "the published figures.</p>")

    def _span_years(self) -> frozenset[int]:
        """The years of the report's span: from the first year of the store's earliest
        cycle up to this one to the last year of this cycle."""
        first = min((get_cycle(c).first_year for c in self.cycles()),
                    default=self.cycle.first_year)
        return frozenset(range(first, self.cycle.last_year + 1))

    def _withheld_values(self) -> dict[str, list[tuple[float, float]]]:
        """Per country, each value the public view withholds (a suppressed cell or country
        total, primary or complementary) with its protection ratio, from the restricted
        rows the view is made of. Private to :meth:`quote`: never printed or logged."""
        if self._withheld is not None:
            return self._withheld
        view = self.view
        rows = self._view_rows  # read once, with the view
        rows = rows[rows["breakdown"].isna()] if "breakdown" in rows.columns else rows
        rows = rows.assign(value=pd.to_numeric(rows["value"], errors="coerce")).dropna(
            subset=["value"])
        keys = [k for k in ("cycle", "country", "indicator", "crime_area", "year")
                if k in rows.columns and k in view.cells.columns]
        cells = view.cells[view.cells["status"] != "published"][keys].drop_duplicates()
        found = cells.merge(rows.astype({"year": int})[[*keys, "value"]], on=keys)
        out: dict[str, list[tuple[float, float]]] = {}
        rules = self.rules or DisclosureRules()

        def add(country: str, indicator: str, value: float) -> None:
            out.setdefault(str(country), []).append(
                (float(value), float(rules.protection_ratio_for(indicator))))

        for r in found.itertuples():
            add(r.country, r.indicator, r.value)
        m = view.margins
        hidden = m[(m["kind"] == "country") & (m["status"] != "published")]
        group = [k for k in keys if k != "year"]
        if len(hidden):
            sums = rows.groupby(group, dropna=False)["value"].sum().reset_index()
            for r in hidden[group].drop_duplicates().merge(sums, on=group).itertuples():
                add(r.country, r.indicator, r.value)
        self._withheld = out
        return out

    def judgement(self, statement: str, *, probability: float | None, confidence: str,
                  nd: bool = False) -> None:
        """A key judgement in estimative language: the term, its range and the confidence."""
        from octasee.scoring import estimative_term  # lazy: ~100 ms on import

        if probability is None:
            term = "no probability judgement"
        else:
            term = str(estimative_term(max(0.0, min(1.0, probability))))
        _html(f'<div class="judgement"><p><strong>{html.escape(term.capitalize())}</strong>: '
              f"{html.escape(statement)}{self._nd(nd)}</p><p class=\"confidence\">Analytic "
              f"confidence: {html.escape(confidence)}.</p></div>")

    def withheld(self, n: int, what: str, *, why: str | None = None) -> None:
        """The public edition's statement of what it withholds: ``n`` items of ``what``
        (e.g. "key judgements") that the restricted edition states."""
        if n <= 0:
            return
        why = why or f"until {'its' if n == 1 else 'their'} public wording is agreed"
        one = what[:-1] if n == 1 and what.endswith("s") else what
        _html(f'<p class="withheld">{n:,} {html.escape(one)} of the restricted edition '
              f"{'is' if n == 1 else 'are'} withheld from the public edition "
              f"{html.escape(why)}.</p>")

    def figure(self, fig: Any, caption: str, *, source: str | Sequence[str], nd: bool = False,
               structures: Sequence[tuple[str, str | None]] = (),
               parts: Sequence[str] = ("year",), key: str | None = None,
               data: pd.DataFrame | None = None) -> None:
        """Show a figure with its number, caption and source line, all in one cell.

        ``nd``: marked as resting on rows not for dissemination (restricted edition);
        ``structures`` and ``parts`` (public edition): which published numbers it draws
        (cells, or ``year`` / ``country`` / ``grand`` totals), recorded for the output
        check.

        ``key``: the figure's evidence key (``fig:trend:heroin:heroin_seized``), which
        judgements and findings cite; unique in the report (default
        ``fig:<chapter>:<n>``). The caption gets the anchor
        :func:`evidence_anchor` of it, and ``<output_dir>/evidence.json`` lists the
        figure. ``data`` (restricted edition only): the rows behind the figure, with
        their provenance for questionnaire data (:meth:`source_rows`), written to
        ``<output_dir>/data/<anchor>.csv`` and linked under the source line. The public
        edition writes no data and prints no link.
        """
        self.figures += 1
        label = f"Figure {self.number_label}.{self.figures}"
        if self.public:  # every figure: those not drawn from the view are listed too
            self._record("figure", label, caption, structures, parts if structures else (),
                         source=self._sources(source))
        entry = self._evidence("figure", label, caption, key, data, source)
        _html(f'{self._anchor_html(entry)}<h4 class="figure-caption">{label}: '
              f"{html.escape(caption)}{self._nd(nd)}</h4>")
        from octasee.charts import mimebundle  # lazy: plotly, ~180 ms on import

        _display(mimebundle(fig), raw=True)
        _html(f'<p class="source">Source: {html.escape(self._sources(source))}'
              f"{self._data_link_html(entry)}</p>")

    def show_table(self, df: pd.DataFrame, caption: str, *, source: str | Sequence[str],
                   counts: Sequence[str] = (), index: bool = False,
                   markers: pd.DataFrame | None = None, nd: pd.DataFrame | None = None,
                   structures: Sequence[tuple[str, str | None]] = (),
                   parts: Sequence[str] = ("cells",), note: str = "", key: str | None = None,
                   data: pd.DataFrame | None = None) -> None:
        """Show a table with its number, caption and source.

        ``markers`` (same index as ``df``, some of its columns): text printed instead of
        a cell's value where it is not missing, e.g. the public view's ``<5`` for a
        suppressed cell. ``nd`` (booleans, same shape): cells marked as not for
        dissemination (restricted edition). ``counts``: columns of a published source
        whose small counts the public edition prints as ``<threshold``. ``structures``
        and ``parts``: what the table shows of the public view, for the output check.
        ``note`` (text, escaped): a sentence after the source line, e.g. why a row does not
        add up. ``key`` and ``data``: its evidence key (default ``tab:<chapter>:<n>``) and,
        in the restricted edition, the data behind it (the store rows with their
        provenance, or the published rows shown), as for :meth:`figure`.
        """
        extra = note.strip()
        self.tables += 1
        label = f"Table {self.number_label}.{self.tables}"
        shown = df
        if self.public:
            for column in counts:
                shown = suppress_small(shown, value=column, threshold=self.threshold)
        if self.public:  # every table: those not drawn from the view are listed too
            self._record("table", label, caption, structures, parts if structures else (),
                         source=self._sources(source))
        body = _table_html(df, shown, index=index, markers=markers,
                           nd=nd if not self.public else None, mark=nd_mark())
        marked = nd is not None and not self.public and bool(nd.to_numpy().any())
        note = (f" Counts from 1 to {self.threshold - 1} are shown as &lt;{self.threshold}."
                if self.public and counts else "")
        if markers is not None and bool(markers.fillna("").astype(str).ne("").to_numpy().any()):
            note += (" Figures shown as a marker (such as &lt;" f"{self.threshold}) are "
                     "withheld to protect small counts; totals include them.")
        if extra:
            note += " " + html.escape(extra)
        entry = self._evidence("table", label, caption, key,
                               df if data is None and not self.public else data, source)
        _html(f'{self._anchor_html(entry)}<h4 class="table-caption">{label}: '
              f"{html.escape(caption)}</h4>{body}"
              f'<p class="source">Source: {html.escape(self._sources(source))}.{note}'
              f"{self._data_link_html(entry)}</p>" + self._nd_note(marked))

    # ------------------------------------------------------------------ markings
    def _nd(self, nd: bool) -> str:
        """The ND mark (restricted edition only) and, the first time in the chapter, the
        note that explains it."""
        if not nd or self.public:
            return ""
        return nd_mark() + self._nd_note(True)

    def _nd_note(self, marked: bool) -> str:
        if not marked or self.public or self._nd_noted:
            return ""
        self._nd_noted = True
        # Inline (a <span>), so that it can follow a mark inside a paragraph or caption.
        return f' <span class="nd-note">{ND_NOTE}</span>'

    # ------------------------------------------------------------------ evidence
    def _evidence(self, kind: str, label: str, caption: str, key: str | None,
                  data: pd.DataFrame | None, source: str | Sequence[str]) -> dict[str, Any]:
        """Register a figure or table under its evidence key: the entry is added to
        ``<output_dir>/evidence.json`` (rewritten whole, atomically, each time), and in
        the restricted edition ``data`` is written to ``<output_dir>/data/<anchor>.csv``.

        A key is ``fig:…`` or ``tab:…``. One the chapter used already for another
        caption, or one with the same anchor, is a :class:`UsageError` (a reference must
        name one figure); the same figure shown again (a cell run again in JupyterLab)
        takes its entry's place (the build refuses a notebook that shows it twice)."""
        n = self.figures if kind == "figure" else self.tables
        if key is None:  # a profile's section in it: the 13 profiles' keys stay apart
            where = self.number if self.section is None else f"{self.number}.{self.section}"
            key = f"{_KEY_PREFIX[kind]}:{where}:{n}"
        if not isinstance(key, str) or not re.fullmatch(r"(?:fig|tab):\S.*", key):
            raise UsageError(f"{label}: evidence key {key!r} is not of the form "
                             "'fig:...' or 'tab:...'",
                             hint="e.g. key='fig:trend:heroin:heroin_seized'")
        anchor = evidence_anchor(key)
        for other in list(self.evidence):
            if other["key"] == key and other["caption"] == caption and other["kind"] == kind:
                self.evidence.remove(other)  # shown again
            elif other["key"] == key or other["anchor"] == anchor:
                raise UsageError(f"{label}: evidence key {key!r} is already {other['label']}'s"
                                 f" (key {other['key']!r}) in chapter {self.number}",
                                 hint="give each figure and table a key of its own (a "
                                      "country profile's keys carry the country code)")
        entry: dict[str, Any] = {"key": key, "label": label, "caption": caption,
                                 "kind": kind, "chapter": self.number, "anchor": anchor,
                                 "data": None}
        if data is not None and not self.public:
            name = f"{anchor}.csv"
            _write_atomic(self.output_dir / DATA_FOLDER / name,
                          _csv_text(data, source=self._sources(source)))
            entry["data"] = f"{DATA_FOLDER}/{name}"
        self.evidence.append(entry)
        _write_atomic(self.output_dir / EVIDENCE_NAME,
                      json.dumps(self.evidence, indent=1, ensure_ascii=False))
        return entry

    @staticmethod
    def _anchor_html(entry: dict[str, Any]) -> str:
        """The caption's anchor: an empty element with the evidence id, just before the
        caption (the build moves the id onto the caption; the caption's own tag stays
        as draft comparisons read it)."""
        return (f'<span class="evidence-anchor" id="{html.escape(entry["anchor"])}" '
                f'data-evidence="{html.escape(entry["key"])}"></span>')

    def _data_link_html(self, entry: dict[str, Any]) -> str:
        """The line that links the data file, at the end of the source paragraph
        (restricted edition, when there is one): relative to the kernel's folder (the
        build's chapter folder, or the notebook's in JupyterLab); the build points it at
        the copy beside the report. The file's name is printed after the link, for a
        reader of the PDF."""
        if self.public or not entry.get("data"):
            return ""
        path = (self.output_dir / entry["data"]).resolve()
        try:
            href = Path(os.path.relpath(path, Path.cwd())).as_posix()
        except ValueError:  # another drive (Windows)
            href = path.as_uri()
        name = Path(entry["data"]).name
        return (f'<br><a class="data-link" href="{html.escape(href)}" '
                f'data-csv="{html.escape(name)}" data-evidence="{html.escape(entry["key"])}">'
                f'{DATA_LINK_TEXT}</a> <span class="data-file">({html.escape(name)})</span>')

    # ------------------------------------------------------------------ publications
    def _record(self, kind: str, label: str, caption: str,
                structures: Sequence[tuple[str, str | None]],
                parts: Sequence[str] = ("cells",), *, source: str = "") -> None:
        """Add a table, figure or paragraph of the public edition to
        ``<output_dir>/publications.json``: what the output check lists, with the public
        view numbers it shows (``structures``; none for a public source or the
        chapter's own protected counts, which the output check names as outside the
        audit)."""
        self.publications.append({
            "label": label, "caption": caption, "kind": kind, "chapter": self.number,
            "structures": [{"indicator": i, "crime_area": a} for i, a in
                           dict.fromkeys((str(i), None if a is None else str(a))
                                         for i, a in structures)],
            "parts": list(parts), "source": source})
        self.output_dir.mkdir(parents=True, exist_ok=True)
        path = self.output_dir / "publications.json"
        tmp = path.with_name(f".{path.name}.partial")
        tmp.write_text(json.dumps(self.publications, indent=1, ensure_ascii=False), "utf-8")
        os.replace(tmp, path)

    @property
    def number_label(self) -> str:
        """What figure and table numbers start with: the chapter's number ("4" for
        "04"), with a country profile's :attr:`section` ("A.3")."""
        label = self.number.lstrip("0") or "0"
        return label if self.section is None else f"{label}.{self.section}"

    def _sources(self, source: str | Sequence[str]) -> str:
        keys = [source] if isinstance(source, str) else list(source)
        texts = []
        for k in keys:
            self.sources_used.add(k)
            text = SOURCES.get(k, k)
            if k == "submissions":
                text += f", cycle {self.cycle.code}"
            texts.append(text)
        return "; ".join(texts)


_TAG = re.compile(r"<[^>]+>")
#: A number as people write it: digits with thousands or decimal separators (1.234,5;
#: 12 345; 2'500), not part of a word.
_NUMBER = re.compile(r"(?<![\w])\d(?:[\d]|[.,'\u00a0\u202f ](?=\d))*(?![\w])|"
                     r"(?<=[^\W\d_])\d+|\d+(?=[^\W\d_])")


def _readings(token: str) -> set[float]:
    """The values a number as written may stand for: its digits without separators (1.234
    as 1234) and, with a separator, the last one as a decimal point (1.234 as 1.234)."""
    digits = re.sub(r"\D", "", token)
    out = {float(digits)} if digits else set()
    parts = re.split(r"[.,'\u00a0\u202f ]", token)
    if len(parts) > 1 and parts[-1]:
        out.add(float("".join(parts[:-1]) + "." + parts[-1]))
    return out


def mask_numbers(text: str, *, keep: Iterable[int] = (),
                 withheld: Iterable[float | tuple[float, float]] = (),
                 threshold: int | None = None, ratio: float = 0.2, mask: str = "[n]",
                 published: Iterable[float] = ()) -> tuple[str, int]:
    """``text`` with the numbers that could give away a withheld figure replaced by
    ``mask``; returns the text and how many were replaced.

    A number is masked if it lies within the protection interval of a ``withheld`` value
    v (|n - v| <= max(1, p v), p the value's ratio: ``(value, ratio)`` pairs, or values
    with ``ratio``), or if it is a count from 1 to ``threshold - 1``. A four-digit year in
    ``keep`` (the report's span) stays in any context ("2013-2017", "2013–2017", "in
    2017"), unless it equals a withheld value. A number written with separators is masked
    if any of its readings is (1.234 as 1234 and as 1.234). A number near a withheld
    value that equals a ``published`` figure (one the edition prints in a table, to the
    text's precision) stays: masking it would tell the reader that a withheld figure lies
    near a number they can read elsewhere. A small count is masked whatever it equals.

    >>> mask_numbers("In 2013-2017 police opened 1.234 cases and arrested 312 persons; "
    ...              "the figure was 3 in 2017.", keep=range(2009, 2018), withheld=[1250],
    ...              threshold=5)
    ('In 2013-2017 police opened [n] cases and arrested 312 persons; the figure was [n] in 2017.', 2)
    >>> mask_numbers("2013–2017-ben 9 volt, 12 345 személy", keep={2013, 2017},
    ...              withheld=[(2017, 0.2)], threshold=5)
    ('2013–[n]-ben 9 volt, 12 345 személy', 1)
    >>> mask_numbers("58 kg in 2016, 61 kg in 2017", withheld=[60.0], published=[58.0])
    ('58 kg in 2016, [n] kg in 2017', 1)
    >>> mask_numbers("7 victims", threshold=10, published=[7.0])
    ('[n] victims', 1)
    >>> mask_numbers("58 kg", withheld=[58.0], published=[58.0])  # the withheld figure
    ('[n] kg', 1)
    """
    years = set(keep)
    values = [(float(w[0]), float(w[1])) if isinstance(w, tuple) else (float(w), ratio)
              for w in withheld]
    printed = [float(v) for v in published]

    def equals(token: str, figures: Iterable[float]) -> bool:
        """Whether a reading of ``token`` is one of ``figures``, at the precision the
        text writes it with (58 for 58.0; 1,234 for 1,234.4)."""
        figures = list(figures)
        parts = re.split(r"[.,'\u00a0\u202f ]", token)
        decimals = len(parts[-1]) if len(parts) > 1 else 0
        for n in _readings(token):
            step = 10.0 ** -decimals if n != float(re.sub(r"\D", "", token) or 0) else 1.0
            if any(abs(n - v) < 0.5 * step + 1e-9 for v in figures):
                return True
        return False

    def seen(token: str) -> bool:
        """Printed elsewhere, and not itself a withheld figure (a withheld value equal to
        a printed one of another indicator stays masked: the text may be about it)."""
        return equals(token, printed) and not equals(token, (v for v, _ in values))
    small = int(threshold) if threshold is not None else 0
    count = 0

    def close(n: float) -> bool:
        return any(abs(n - v) <= max(1.0, p * abs(v)) for v, p in values)

    def sub(m: re.Match[str]) -> str:
        nonlocal count
        token = m.group(0)
        if token.isdigit() and len(token) == 4 and int(token) in years:
            if not any(float(token) == v for v, _ in values):
                return token
        elif not any(n.is_integer() and 1 <= n < small for n in _readings(token)) and (
                not any(close(n) for n in _readings(token)) or (printed and seen(token))):
            return token  # no small count; near no withheld figure, or printed anyway
        count += 1
        return mask

    return _NUMBER.sub(sub, text), count


def _language_note(notes: Sequence[str], language: str | None) -> str:
    """One attribution note for a quote made of parts (:meth:`Chapter.quote`): the
    parts' note when they agree; "partly translated from Serbian" when some are
    translated and some are not.

    >>> _language_note(["translated from Serbian", ""], "sr")
    'translated from Serbian'
    >>> _language_note(["translated from Serbian", "in Serbian, not yet translated"], "sr")
    'partly translated from Serbian; the rest in Serbian, not yet translated'
    """
    given = list(dict.fromkeys(n for n in notes if n))
    if len(given) <= 1:
        return given[0] if given else ""
    name = language_name(language)
    if any(n.startswith("in ") for n in given):
        return f"partly translated from {name}; the rest in {name}, not yet translated"
    return f"translated from {name}, partly by machine"


def _formatters(original: pd.DataFrame, shown: pd.DataFrame) -> dict[str, Any]:
    """How each column is printed: whole numbers with thousands separators and no decimals
    (108,854,108), others with one decimal below 1,000 (14.5) and none from 1,000 up
    (2,139,681: :func:`~octasee.analysis.format.fmt_number`), years and ranks as they
    are; text (a suppressed "<5") as it is. Decided on the column before suppression.

    >>> df = pd.DataFrame({"Rate": [2_139_680.7, 817.34], "Cases": [69.0, 2276.0]})
    >>> f = _formatters(df, df)
    >>> [f["Rate"](x) for x in df["Rate"]], [f["Cases"](x) for x in df["Cases"]]
    (['2,139,681', '817.3'], ['69', '2,276'])
    """
    from octasee.analysis.format import fmt_number  # the report's one number format

    out: dict[str, Any] = {}
    for col in shown.columns:
        src = original[col] if col in original.columns else shown[col]
        if not pd.api.types.is_numeric_dtype(src) or pd.api.types.is_bool_dtype(src):
            continue
        name = str(col).casefold()
        if "year" in name or name in ("rank", "cycle"):
            out[col] = lambda x: "–" if pd.isna(x) else str(int(x)) if isinstance(
                x, (int, float)) and float(x).is_integer() else str(x)
            continue
        values = pd.to_numeric(src, errors="coerce").dropna()
        whole = bool(len(values)) and bool((values % 1 == 0).all())

        def fmt(x: Any, whole: bool = whole) -> str:
            if isinstance(x, bool) or not isinstance(x, (int, float)):
                return "–" if x is None or x is pd.NA else str(x)
            return fmt_number(x, whole=whole)

        out[col] = fmt
    return out


def _table_html(original: pd.DataFrame, shown: pd.DataFrame, *, index: bool,
                markers: pd.DataFrame | None, nd: pd.DataFrame | None, mark: str) -> str:
    """The table as HTML: every cell formatted (:func:`_formatters`) and escaped; a
    marker in place of a value where ``markers`` holds one; the ND mark after a value
    where ``nd`` is true."""
    fmts = _formatters(original, shown)

    def text(x: Any) -> str:
        if x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA:
            return "–"
        return str(x)

    cells = pd.DataFrame(index=shown.index)
    for col in shown.columns:
        f = fmts.get(col, text)
        out = [html.escape(f(x) if col in fmts else text(x)) for x in shown[col]]
        if markers is not None and col in markers.columns:
            m = markers[col].reindex(shown.index)
            out = [html.escape(str(mk)) if isinstance(mk, str) and mk else o
                   for o, mk in zip(out, m, strict=True)]
        if nd is not None and col in nd.columns:
            flags = nd[col].reindex(shown.index).fillna(False).astype(bool)
            out = [o + mark if flag else o for o, flag in zip(out, flags, strict=True)]
        cells[html.escape(str(col))] = out
    if index:
        cells.index = [html.escape(str(i)) for i in shown.index]
        cells.index.name = (html.escape(str(shown.index.name))
                            if shown.index.name is not None else None)
    style, cls = _text_alignment(shown, fmts, levels=shown.index.nlevels if index else 0)
    return style + cells.to_html(index=index, escape=False, border=0,
                                 classes=f"octasee-table {cls}".strip())


def _text_alignment(shown: pd.DataFrame, fmts: Mapping[str, Any], *, levels: int
                    ) -> tuple[str, str]:
    """Text columns read left-aligned, numbers right-aligned (JupyterLab's table style
    right-aligns every cell, a modus-operandi text included). The cells' markup stays
    ``<td>``: classes on the table name its text columns (``text-col-2``: the second
    cell of a row, counting the index cells, ``levels`` of them), which the report's
    stylesheet aligns. Returns a style to put before the table (none) and the classes.

    >>> df = pd.DataFrame({"Country": ["Serbia"], "Seized (kg)": [1.5]})
    >>> _text_alignment(df, {"Seized (kg)": str}, levels=0)
    ('', 'text-col-1')
    >>> _text_alignment(df[["Seized (kg)"]], {"Seized (kg)": str}, levels=0)
    ('', '')
    """
    positions = [levels + i + 1 for i, col in enumerate(shown.columns)
                 if col not in fmts and _is_text(shown[col])]
    return "", " ".join(f"text-col-{k}" for k in positions if k <= TEXT_COLUMNS)


#: How many columns the stylesheet can left-align (report_templates/octasee/octasee.css).
TEXT_COLUMNS = 12


def _is_text(column: pd.Series) -> bool:
    """Whether a column holds text (words), not numbers, years or markers alone."""
    values = [v for v in column if isinstance(v, str) and v.strip()]
    if not values or pd.api.types.is_numeric_dtype(column):
        return False
    numberish = sum(bool(re.fullmatch(r"[\s\d.,%+\-–()\[\]<>~≈]*", v)) for v in values)
    return numberish < len(values) / 2


def _countries(value: Any, ws: Workspace) -> list[str]:
    """The chapter's countries (parameter ``countries``), by ISO code."""
    return sorted(_countries_as_given(value, ws))


def _countries_as_given(value: Any, ws: Workspace) -> list[str]:
    """The countries of parameter ``countries`` in the order given (the build's order,
    which numbers the country profiles), else the workspace's expected countries."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "all")):
        return list(ws.expected)
    items: Iterable[Any] = [value] if isinstance(value, str) else value
    codes: list[str] = []
    for item in items:
        for part in str(item).split(",") if isinstance(item, str) else [item]:
            if str(part).strip():
                try:
                    codes.append(resolve_country(part))
                except OctaseeError as exc:
                    raise UsageError(f"parameter 'countries': {exc.message}",
                                     hint="use member names or ISO codes, e.g. ['RS', 'HR']"
                                     ) from None
    if not codes:
        raise UsageError("parameter 'countries' names no country",
                         hint="leave it empty for all member countries")
    return list(dict.fromkeys(codes))


def _profile_section(country: Any, countries: Any, ws: Workspace) -> int | None:
    """A country profile's section number: the place of ``country`` among the chapter's
    countries as given (the build passes them in the order it numbers the profiles);
    None without a country (a chapter)."""
    if country is None or (isinstance(country, str) and not country.strip()):
        return None
    try:
        code = resolve_country(country)
    except OctaseeError as exc:
        raise UsageError(f"parameter 'country': {exc.message}",
                         hint="use a member's name or ISO code, e.g. 'RS'") from None
    order = _countries_as_given(countries, ws)
    if code not in order:
        raise UsageError(f"parameter 'country' is {code}, which is not among the chapter's "
                         f"countries ({', '.join(order)})",
                         hint="add it to 'countries', or leave 'countries' empty for all")
    return order.index(code) + 1


def _short_error(shell: Any, etype: type[BaseException], value: BaseException, tb: Any,
                 tb_offset: int | None = None) -> list[str]:
    """IPython handler for :class:`OctaseeError`: the message (what, where, what to do) on
    one line instead of a traceback. The kernel still sends it as the cell's error and
    answers ``status: error``, so papermill stops at the cell as before."""
    sys.last_type, sys.last_value, sys.last_traceback = etype, value, tb  # %debug works
    stb = [f"\x1b[0;31m{etype.__name__}\x1b[0m: {getattr(value, 'message', value)}"]
    shell._showtraceback(etype, value, stb)
    return stb


def show_errors_short() -> None:
    """In IPython (a JupyterLab or papermill kernel), show an :class:`OctaseeError` as its
    message, not a traceback; other errors are bugs and keep theirs. Idempotent; keeps a
    custom handler someone else registered for other exceptions."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return
    shell = get_ipython()
    if shell is None or OctaseeError in getattr(shell, "custom_exceptions", (OctaseeError,)):
        return
    others = tuple(shell.custom_exceptions)
    previous = shell.CustomTB if others else None

    def handler(self: Any, etype: type[BaseException], value: BaseException, tb: Any,
                tb_offset: int | None = None) -> list[str]:
        if previous is not None and not issubclass(etype, OctaseeError):
            return previous(etype, value, tb, tb_offset=tb_offset)
        return _short_error(self, etype, value, tb, tb_offset)

    shell.set_custom_exc((*others, OctaseeError), handler)


#: The build sets it for an annex it letters otherwise than its notebook's name does.
NUMBER_ENV = "OCTASEE_ANNEX_LETTER"


def open_chapter(number: str, title: str, *, cycle: str | None = None,
                 workspace: str | os.PathLike[str] | None = None,
                 countries: Any = None, variant: str = "restricted",
                 output_dir: str | os.PathLike[str] | None = None,
                 country: str | None = None) -> Chapter:
    """Check a chapter's parameters and open its data; the first call of every chapter.

    ``country``: a country profile's country (a notebook run once per country). Its
    figures and tables are numbered within the profile's section, the country's place
    among ``countries`` as given (:attr:`Chapter.section`: "Table A.3.1" for the third),
    which is how the build numbers the profiles.

    A cycle with no questionnaire yet (a fresh workspace, even one without a store) opens
    an empty chapter (:attr:`Chapter.empty`): its sections say once what is missing and
    how to ingest it, and show public sources only. Raises :class:`UsageError` (shown as a
    short message in the notebook: see :func:`show_errors_short`) for an unknown country,
    an unknown variant, or a cycle that octasee does not know and the store does not hold
    (a typo such as 2018-2202).
    """
    show_errors_short()
    if variant not in VARIANTS:
        raise UsageError(f"parameter 'variant' is {variant!r}",
                         hint="use 'restricted' (everything) or 'public'")
    # An annex the build letters otherwise in this edition (the public edition closes the
    # gap of an annex it leaves out): its tables are numbered as its heading is.
    relettered = os.environ.get(NUMBER_ENV, "")
    if relettered and number.isalpha() and len(number) == 1:
        number = relettered
    ws = find_workspace(workspace or None)
    ensure_samples(ws)  # the sample workspace fills itself (a notebook on a new clone)
    given = {"cycle": cycle, "countries": countries, "variant": variant,
             "output_dir": output_dir}
    section = _profile_section(country, countries, ws)
    if not ws.store_path.exists():  # nothing ingested yet (ingest makes the store)
        ch = _open(number, title, ws, _empty_store(), **given)
    else:
        ch = _open(number, title, ws, Store(ws.store_path, read_only=True), **given)
    ch.section = section
    return ch


def _empty_store() -> Store:
    """A store with the schema and no row, in memory: what a workspace reads before its
    first ingest makes store.duckdb (a chapter never writes into the workspace)."""
    return Store(":memory:")


def _cycle(param: str | None, ws: Workspace, known: Sequence[str]) -> Cycle:
    """The chapter's cycle: ``param``, else the workspace's. A cycle the store holds, or one
    octasee knows (reference/cycles.csv), though nothing of it may be ingested yet; any
    other is a mistake (2018-2202 for 2018-2022)."""
    import difflib

    try:
        c = get_cycle(param or ws.cycle)
    except OctaseeError as exc:
        raise UsageError(f"parameter 'cycle': {exc.message}") from None
    names = [x.code for x in reference_cycles()]
    if c.code in known or c.code in names:
        return c
    close = difflib.get_close_matches(c.code, names, n=1, cutoff=0.85)
    what = (f"parameter 'cycle' is {c.code!r}" if param else
            f"the workspace's cycle ([cycle] code in {ws.path / 'octasee.toml'}) is {c.code!r}")
    raise UsageError(f"{what}, which is not a cycle octasee knows and not in the store "
                     f"{ws.store_path}",
                     hint=(f"did you mean {close[0]!r}? " if close else "")
                     + "known cycles: " + ", ".join(names) + "; cycles in the store: "
                     + (", ".join(known) or "none yet"))


def _rules(ws: Workspace) -> DisclosureRules:
    """The workspace's disclosure rules (``[disclosure]`` of its octasee.toml)."""
    return DisclosureRules.from_settings(ws)


def _open(number: str, title: str, ws: Workspace, store: Store, *, cycle: str | None,
          countries: Any, variant: str, output_dir: str | os.PathLike[str] | None) -> Chapter:
    """The rest of :func:`open_chapter` once the store is open."""
    known = store.cycles()
    c = _cycle(cycle, ws, known)
    codes = _countries(countries, ws)
    received: list[str] = []
    ingested = False
    if c.code in known:
        subs = store.table("submissions", cycle=c.code, countries=codes)
        ingested = len(subs) > 0
        if variant != "restricted":
            subs = store.table("submissions", cycle=c.code, countries=codes, variant=variant)
        received = sorted(set(subs["country"]))
    out = Path(output_dir) if output_dir else ws.path / "build"
    rules = _rules(ws)
    from octasee.charts import setup  # lazy: plotly, ~180 ms on `import octasee.chapters`

    setup()
    return Chapter(number=str(number), title=title, workspace=ws, store=store, cycle=c,
                   countries=codes, variant=variant, output_dir=out,
                   threshold=rules.threshold, received=received, ingested=ingested,
                   all_expected=set(codes) == set(ws.expected), rules=rules)
