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
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from octasee.errors import OctaseeError, UsageError
from octasee.reference import Cycle, country_name, resolve_country
from octasee.reference import cycle as get_cycle
from octasee.store import Store
from octasee.workspace import Workspace, find_workspace

__all__ = ["Chapter", "open_chapter", "show_errors_short"]

VARIANTS = ("restricted", "public")
SOURCES = {
    "submissions": "Country submissions to the OCTA-SEE questionnaire",
    "gitoc": "Global Organized Crime Index 2021 / 2023, Global Initiative Against "
             "Transnational Organized Crime",
    "glotip": "UNODC, Global Report on Trafficking in Persons data",
    "frontex": "Frontex, detections of illegal border crossings",
    "cpi": "Transparency International, Corruption Perceptions Index",
}


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
    sources_used: set[str] = field(default_factory=set)
    #: The chapter's countries with a current questionnaire of this cycle (in this variant);
    #: None (not given): every one of ``countries``.
    received: list[str] | None = None
    #: Whether the restricted store holds any questionnaire of this cycle of the chapter's
    #: countries (a public chapter is empty also when every one is not for dissemination).
    ingested: bool = True
    #: Whether ``countries`` are the workspace's expected countries (else a selection).
    all_expected: bool = True
    _tables: dict[tuple[str, str | None, bool], pd.DataFrame] = field(
        default_factory=dict, repr=False)
    _noticed: bool = field(default=False, repr=False)

    def __post_init__(self) -> None:
        if self.received is None:
            self.received = list(self.countries)

    # ------------------------------------------------------------------ data
    @property
    def public(self) -> bool:
        return self.variant == "public"

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
        """A store table for this chapter's countries and variant (this cycle by default).

        Read once per chapter (the store is read-only while a chapter runs); each call gets
        its own copy.
        """
        self.sources_used.add("submissions")
        key = (name, cycle, all_cycles)
        if key not in self._tables:
            self._tables[key] = self._read(name, cycle=cycle, all_cycles=all_cycles)
        return self._tables[key].copy()

    def _read(self, name: str, *, cycle: str | None, all_cycles: bool) -> pd.DataFrame:
        if all_cycles:
            frames = [self.store.table(name, cycle=c, countries=self.countries,
                                       variant=self.variant) for c in self.cycles()]
            frames = [f for f in frames if len(f)]
            return pd.concat(frames, ignore_index=True) if frames else self.store.table(
                name, cycle=self.cycle.code, countries=self.countries, variant=self.variant)
        return self.store.table(name, cycle=cycle or self.cycle.code, countries=self.countries,
                                variant=self.variant)

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

    def say(self, template: str, /, **values: Any) -> None:
        """A paragraph; ``values`` (data, free text) are escaped, the template is trusted.

        Numbers are formatted with thousands separators; floats with one decimal.
        """
        def fmt(v: Any) -> str:
            if isinstance(v, bool):
                return str(v)
            if isinstance(v, int):
                return f"{v:,}"
            if isinstance(v, float):
                return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.1f}"
            return html.escape(str(v))

        _html("<p>" + template.format(**{k: fmt(v) for k, v in values.items()}) + "</p>")

    def quote(self, text: str, *, attribution: str) -> None:
        """Free text from a submission, escaped, with who wrote it."""
        body = html.escape(text).replace("\n", "<br>")
        _html(f'<blockquote class="submission-text">{body}<footer>{html.escape(attribution)}'
              "</footer></blockquote>")

    def judgement(self, statement: str, *, probability: float | None, confidence: str) -> None:
        """A key judgement in estimative language: the term, its range and the confidence."""
        from octasee.scoring import estimative_term

        if probability is None:
            term = "no probability judgement"
        else:
            term = str(estimative_term(max(0.0, min(1.0, probability))))
        _html(f'<div class="judgement"><p><strong>{html.escape(term.capitalize())}</strong>: '
              f"{html.escape(statement)}</p><p class=\"confidence\">Analytic confidence: "
              f"{html.escape(confidence)}.</p></div>")

    def figure(self, fig: Any, caption: str, *, source: str | Sequence[str]) -> None:
        """Show a figure with its number, caption and source line, all in one cell."""
        self.figures += 1
        label = f"Figure {self.number_label}.{self.figures}"
        _html(f'<h4 class="figure-caption">{label}: {html.escape(caption)}</h4>')
        from octasee.charts import mimebundle

        _display(mimebundle(fig), raw=True)
        _html(f'<p class="source">Source: {html.escape(self._sources(source))}</p>')

    def show_table(self, df: pd.DataFrame, caption: str, *, source: str | Sequence[str],
                   counts: Sequence[str] = (), index: bool = False) -> None:
        """Show a table with its number, caption and source; small counts suppressed if public."""
        self.tables += 1
        label = f"Table {self.number_label}.{self.tables}"
        shown = df
        if self.public:
            from octasee.report.disclosure import suppress_small

            for column in counts:
                shown = suppress_small(shown, value=column, threshold=self.threshold)
        body = shown.to_html(index=index, escape=True, na_rep="–", border=0,
                             classes="octasee-table", formatters=_formatters(df, shown))
        note = (f" Counts from 1 to {self.threshold - 1} are shown as &lt;{self.threshold}."
                if self.public and counts else "")
        _html(f'<h4 class="table-caption">{label}: {html.escape(caption)}</h4>{body}'
              f'<p class="source">Source: {html.escape(self._sources(source))}.{note}</p>')

    @property
    def number_label(self) -> str:
        return self.number.lstrip("0") or "0"

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


def _formatters(original: pd.DataFrame, shown: pd.DataFrame) -> dict[str, Any]:
    """How each column is printed: whole numbers with thousands separators and no decimals
    (108,854,108), others with one decimal (14.5), years and ranks as they are; text (a
    suppressed "<5") as it is. Decided on the column before suppression."""
    import math

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
            if math.isnan(x):
                return "–"
            return f"{x:,.0f}" if whole else f"{x:,.1f}"

        out[col] = fmt
    return out


def _countries(value: Any, ws: Workspace) -> list[str]:
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "all")):
        return sorted(ws.expected)
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
    return sorted(dict.fromkeys(codes))


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


def open_chapter(number: str, title: str, *, cycle: str | None = None,
                 workspace: str | os.PathLike[str] | None = None,
                 countries: Any = None, variant: str = "restricted",
                 output_dir: str | os.PathLike[str] | None = None) -> Chapter:
    """Check a chapter's parameters and open its data; the first call of every chapter.

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
    from octasee.samples import ensure_samples

    ws = find_workspace(workspace or None)
    ensure_samples(ws)  # the sample workspace fills itself (a notebook on a new clone)
    given = {"cycle": cycle, "countries": countries, "variant": variant,
             "output_dir": output_dir}
    if not ws.store_path.exists():  # nothing ingested yet (ingest makes the store)
        return _open(number, title, ws, _empty_store(), **given)
    store = Store(ws.store_path, read_only=True)
    return _open(number, title, ws, store, **given)


def _empty_store() -> Store:
    """A store with the schema and no row, in memory: what a workspace reads before its
    first ingest makes store.duckdb (a chapter never writes into the workspace)."""
    return Store(":memory:")


def _cycle(param: str | None, ws: Workspace, known: Sequence[str]) -> Cycle:
    """The chapter's cycle: ``param``, else the workspace's. A cycle the store holds, or one
    octasee knows (reference/cycles.csv), though nothing of it may be ingested yet; any
    other is a mistake (2018-2202 for 2018-2022)."""
    import difflib

    from octasee.reference import cycles as reference_cycles

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
    from octasee.charts import setup

    setup()
    return Chapter(number=str(number), title=title, workspace=ws, store=store, cycle=c,
                   countries=codes, variant=variant, output_dir=out,
                   threshold=ws.disclosure_threshold, received=received, ingested=ingested,
                   all_expected=set(codes) == set(ws.expected))
