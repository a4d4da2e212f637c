"""What changed between two versions of a report: submissions, key figures, chapters.

:func:`compare` reads two versions' snapshots and contents (:mod:`octasee.report.drafts`)
and says, for one variant:

- **submissions**: each submission that is current in the later version and was not in
  the earlier one: *new* (the country's first) or *resubmitted* (it supersedes the
  country's earlier one); and each that was current and no longer is (*withdrawn*);
- **figures**: each key figure whose printed value or rank moved, appeared or went;
- **chapters**: each chapter (or country section) whose text changed (paragraphs added,
  removed or rewritten, with the first few shown before and after), or whose figures or
  tables changed;
- **findings** (restricted variant only): each finding of the data whose numbers moved,
  that appeared or that went (:func:`octasee.analysis.findings.find`, kept in the
  snapshots);
- **judgements** (restricted variant only): each key judgement of the later version
  flagged "evidence changed since agreed": a finding it cites moved since the draft it
  was agreed in (:mod:`octasee.report.judgements`, kept in the later snapshot).

The same :class:`Changes` becomes the report's annex "What changed since the previous
draft" (:func:`annex_cells`) and the output of ``octasee diff`` (:func:`as_text`). In
the public variant it is computed from public content only: submissions marked not for
dissemination as a whole are not listed, file names are left out, chapter text, figures
and tables are those of the public report, and key figures are compared only when both
versions read theirs from the public view (``figures_basis`` of the snapshot: published
totals and bands, never figures recomputed from the rows the public variant keeps, nor
anything about single groups). The public variant says nothing about findings or
judgements: their numbers are the restricted rows', and a judgement's public wording is
all the public edition shows of it.
"""

from __future__ import annotations

import difflib
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from octasee.errors import UsageError
from octasee.reference import country_name
from octasee.report.disclosure import compile_terms, restricted_terms, scrub_notebook
from octasee.report.drafts import open_drafts

__all__ = ["Changes", "annex_cells", "as_text", "compare", "diff_versions", "finding_line",
           "judgement_line"]

_KIND_TITLES = {"threat score": "Threat scores by crime area",
                "mean threat score": "Mean threat score by country",
                "regional total": "Regional totals of the indicators",
                "groups": "Organised crime groups", "group score": "Organised crime groups",
                "threat band": "Member states by threat band"}
EXCERPTS = 3  # changed paragraphs shown per chapter
#: The parts of a version that are compared (both variants).
PARTS = ("submissions", "key figures", "chapters")
#: Compared in the restricted variant only, when both snapshots keep them.
RESTRICTED_PARTS = ("findings",)


@dataclass
class Changes:
    """The differences between version ``a`` (earlier) and ``b`` (later), one variant."""

    a: str
    b: str
    variant: str
    a_date: str = ""
    b_date: str = ""
    submissions: list[dict[str, Any]] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)
    chapters: list[dict[str, Any]] = field(default_factory=list)
    #: Findings whose numbers moved, appeared or went (restricted variant only).
    findings: list[dict[str, Any]] = field(default_factory=list)
    #: Judgements of version ``b`` flagged "evidence changed since agreed" (restricted).
    judgements: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: What could be compared: "submissions", "key figures", "chapters" (a part that was
    #: not is neither listed as changed nor said to be unchanged).
    compared: list[str] = field(default_factory=lambda: list(PARTS))

    @property
    def empty(self) -> bool:
        """Nothing changed between the two versions (a judgement flagged stale since an
        earlier draft is not a change between these two)."""
        return not (self.submissions or self.figures or self.chapters or self.findings)

    @property
    def complete(self) -> bool:
        """Whether every part could be compared."""
        return all(p in self.compared for p in PARTS)

    def as_dict(self) -> dict[str, Any]:
        return {"from": self.a, "to": self.b, "variant": self.variant,
                "from_date": self.a_date, "to_date": self.b_date,
                "submissions": self.submissions, "figures": self.figures,
                "chapters": self.chapters, "findings": self.findings,
                "judgements": self.judgements, "notes": self.notes,
                "compared": self.compared}


# ---------------------------------------------------------------------- compare


def _name(code: str) -> str:
    try:
        return country_name(code)
    except Exception:  # a code the reference data no longer knows: show it as it is
        return str(code)


def _union(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[str]:
    """The keys of ``b`` in its order, then those only ``a`` has (what went)."""
    return [*b, *(k for k in a if k not in b)]


def _date(value: Any) -> str:
    return str(value)[:10] if value else ""


def _submissions(a: Sequence[Mapping[str, Any]], b: Sequence[Mapping[str, Any]], *,
                 public: bool, countries: Sequence[str] | None = None
                 ) -> list[dict[str, Any]]:
    def visible(s: Mapping[str, Any]) -> bool:
        return not public or (s.get("dissemination") or "") != "not for dissemination"

    a_current = {s["country"]: s for s in a if s.get("status") == "current" and visible(s)}
    b_current = {s["country"]: s for s in b if s.get("status") == "current" and visible(s)}
    out: list[dict[str, Any]] = []
    for country, s in sorted(b_current.items(), key=lambda kv: _name(kv[0])):
        before = a_current.get(country)
        if before is not None and before["submission_id"] == s["submission_id"]:
            continue
        entry = {"change": "resubmitted" if before else "new", "country": country,
                 "country_name": _name(country), "submission_id": s["submission_id"],
                 "submitted": _date(s.get("submission_date")),
                 "received": _date(s.get("ingested_at"))}
        if not public:  # the public report does not count rows it leaves out
            entry.update({"file": s.get("source_label"), "rows": s.get("rows_accepted"),
                          "quarantined": s.get("rows_quarantined")})
        if before is not None:
            entry.update({"replaces": before["submission_id"],
                          "replaces_submitted": _date(before.get("submission_date")),
                          "replaces_received": _date(before.get("ingested_at"))})
            if not public:
                entry.update({"replaces_file": before.get("source_label"),
                              "replaces_rows": before.get("rows_accepted")})
        out.append(entry)
    for country, s in sorted(a_current.items(), key=lambda kv: _name(kv[0])):
        if country not in b_current and (countries is None or country in countries):
            out.append({"change": "withdrawn", "country": country,
                        "country_name": _name(country), "submission_id": s["submission_id"],
                        "submitted": _date(s.get("submission_date")),
                        "received": _date(s.get("ingested_at"))})
    return out


def _figures(a: Sequence[Mapping[str, Any]], b: Sequence[Mapping[str, Any]]
             ) -> list[dict[str, Any]]:
    old = {f["key"]: f for f in a}
    new = {f["key"]: f for f in b}
    out = []
    for key in _union(old, new):
        fa, fb = old.get(key), new.get(key)
        # A crime area's threat score is compared on its value: its place among the
        # members in that area is not a ranking the report prints (the index's is, with
        # its interval).
        ranked = (fa or fb or {}).get("kind") != "threat score"
        if fa is not None and fb is not None and fa["shown"] == fb["shown"] \
                and (not ranked or fa.get("rank") == fb.get("rank")):
            continue
        f = fb or fa
        assert f is not None
        entry = {"key": key, "kind": f["kind"], "label": f["label"], "unit": f.get("unit", ""),
                 "before": fa["shown"] if fa else None, "after": fb["shown"] if fb else None,
                 "rank_before": (fa.get("rank_label") or fa.get("rank")) if fa and ranked
                 else None,
                 "rank_after": (fb.get("rank_label") or fb.get("rank")) if fb and ranked
                 else None,
                 "of": (fb or fa or {}).get("of"), "change": None}
        if fa and fb and not str(fa["shown"]).startswith("<") \
                and not str(fb["shown"]).startswith("<"):
            entry["change"] = fb["value"] - fa["value"]
            if fa["value"]:
                entry["change_pct"] = 100 * (fb["value"] - fa["value"]) / abs(fa["value"])
        out.append(entry)
    return out


def _chapters(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[dict[str, Any]]:
    out = []
    for label in _union(a, b):
        ca, cb = a.get(label), b.get(label)
        c = cb or ca
        assert c is not None
        entry: dict[str, Any] = {"chapter": label, "number": c.get("number", ""),
                                 "title": c.get("title", label)}
        if ca is None or cb is None:
            entry["change"] = "added" if ca is None else "removed"
            out.append(entry)
            continue
        pa, pb = ca["paragraphs"], cb["paragraphs"]
        excerpts, added, removed, rewritten = [], 0, 0, 0
        for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, pa, pb,
                                                          autojunk=False).get_opcodes():
            if op == "equal":
                continue
            if op == "insert":
                added += j2 - j1
            elif op == "delete":
                removed += i2 - i1
            else:
                rewritten += max(i2 - i1, j2 - j1)
            if len(excerpts) < EXCERPTS:
                excerpts.append({"before": " ".join(pa[i1:i2]), "after": " ".join(pb[j1:j2])})
        figs = _changed_keys(ca.get("figures", {}), cb.get("figures", {}))
        tabs = _changed_keys(ca.get("tables", {}), cb.get("tables", {}))
        if not (excerpts or figs or tabs):
            continue
        caps = {**ca.get("captions", {}), **cb.get("captions", {})}
        entry.update({"change": "changed", "text_changed": bool(excerpts),
                      "paragraphs_added": added, "paragraphs_removed": removed,
                      "paragraphs_rewritten": rewritten, "excerpts": excerpts,
                      "figures": [caps.get(k, k) for k in figs],
                      "tables": [caps.get(k, k) for k in tabs]})
        out.append(entry)
    return out


#: Key figures the public edition never compares: about single groups.
_NOT_PUBLIC_KINDS = frozenset({"group score"})


def _from_view(snapshot: Mapping[str, Any]) -> bool:
    """Whether a snapshot's public key figures were read from the public view
    (:func:`octasee.analysis.keyfigures.public_key_figures`), not recomputed from the rows
    the public variant keeps: only those may be compared in public."""
    return (snapshot.get("figures_basis") or {}).get("public") == "view"


def _public_figures(snapshot: Mapping[str, Any], variant: str) -> list[dict[str, Any]]:
    figures = list(snapshot.get("figures", {}).get(variant, []))
    if variant == "public":
        figures = [f for f in figures if f.get("kind") not in _NOT_PUBLIC_KINDS]
    return figures


def _changed_keys(a: Mapping[str, str], b: Mapping[str, str]) -> list[str]:
    return [k for k in _union(a, b) if a.get(k) != b.get(k)]


def compare(*, a_label: str, b_label: str, variant: str,
            a_snapshot: Mapping[str, Any] | None, b_snapshot: Mapping[str, Any], a_content: Mapping[str, Any] | None,
            b_content: Mapping[str, Any] | None, a_date: str = "", b_date: str = ""
            ) -> Changes:
    """The changes from version ``a`` to version ``b`` in ``variant``."""
    public = variant == "public"
    ch = Changes(a=a_label, b=b_label, variant=variant, a_date=a_date, b_date=b_date)
    compared = set(PARTS)
    if a_label == b_label:
        ch.notes.append(f"{a_label} is compared with itself.")
    if a_snapshot is None:
        ch.notes.append(f"The record of {_called(a_label)} has no snapshot (its submissions "
                        "and key figures), so they cannot be compared.")
        compared -= {"submissions", "key figures"}
    else:
        ch.submissions = _submissions(a_snapshot.get("submissions", []),
                                      b_snapshot.get("submissions", []), public=public,
                                      countries=b_snapshot.get("countries"))
        if public and not (_from_view(a_snapshot) and _from_view(b_snapshot)):
            ch.notes.append("Key figures of the public edition are compared only between "
                            "versions whose public key figures were read from the public "
                            "view (published numbers); "
                            + ("they are" if not _from_view(b_snapshot) else
                               f"those of {_called(a_label)} were")
                            + " not, so they are left out here.")
            compared.discard("key figures")
        else:
            ch.figures = _figures(_public_figures(a_snapshot, variant),
                                  _public_figures(b_snapshot, variant))
            if public:
                ch.figures = [_public_figure(f) for f in ch.figures]
        if not public:
            found_a, found_b = a_snapshot.get("findings"), b_snapshot.get("findings")
            if isinstance(found_a, Mapping) and isinstance(found_b, Mapping):
                ch.findings = _findings(found_a, found_b)
                compared.add("findings")
            else:
                older = a_label if found_b is not None else b_label
                ch.notes.append(f"The record of {_called(older)} keeps no findings (it was "
                                "built before drafts kept them), so findings that moved "
                                "cannot be listed.")
    if not public:
        ch.judgements = _stale_judgements(b_snapshot)
    if a_content is None or b_content is None:
        which = a_label if a_content is None else b_label
        ch.notes.append(f"{which} was not built in the {variant} variant, so its chapters "
                        "cannot be compared.")
        compared.discard("chapters")
    else:
        ch.chapters = _chapters(a_content, b_content)
        if public:
            for c in ch.chapters:
                for e in c.get("excerpts", []):
                    if e["before"]:
                        e["before"] = EARLIER_NOT_REPRINTED
    ch.compared = [p for p in (*PARTS, *RESTRICTED_PARTS) if p in compared]
    return ch


def _findings(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Findings whose digest differs between two snapshots, or that are in only one."""
    out = []
    for key in _union(a, b):
        fa, fb = a.get(key), b.get(key)
        if fa is not None and fb is not None and fa.get("digest") == fb.get("digest"):
            continue
        f = fb or fa or {}
        out.append({"key": key, "title": f.get("title", key),
                    "change": "new" if fa is None else ("gone" if fb is None else "moved"),
                    "before": dict((fa or {}).get("numbers") or {}),
                    "after": dict((fb or {}).get("numbers") or {})})
    return out


def _stale_judgements(snapshot: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The judgements a snapshot flags "evidence changed since agreed", in register
    order, each with the findings that moved."""
    out = []
    for ident, rec in (snapshot.get("judgements") or {}).items():
        if isinstance(rec, Mapping) and rec.get("status") == "stale":
            out.append({"id": ident, "statement": rec.get("statement", ""),
                        "agreed_in": rec.get("agreed_in"),
                        "moved": [dict(m) for m in rec.get("moved") or []]})
    return out


#: What the public annex shows in place of an earlier version's wording.
EARLIER_NOT_REPRINTED = ("[the earlier wording is not reprinted in the public edition: it "
                         "may hold figures that this version withholds]")


def _withheld(shown: Any) -> bool:
    return shown is None or (isinstance(shown, str) and (shown.startswith("<")
                                                         or shown.strip() == "x"))


def _public_figure(f: dict[str, Any]) -> dict[str, Any]:
    """A key figure as the public annex may show it: an earlier value only beside a value
    this version publishes. A figure this version withholds (or no longer prints) shows
    no earlier value: beside this version's other numbers (the totals it publishes, the
    UNODC tables) an earlier total could give back a cell the current view protects."""
    if not _withheld(f["after"]):
        return f
    return {**f, "before": None, "change": None, "change_pct": None,
            "withheld": True}


def _unchanged(ch: Changes) -> str:
    """What the annex says when nothing it compared changed: only about the parts that
    were compared (never that the text is as it was when the chapters were not)."""
    if ch.complete:
        found = "the findings, " if "findings" in ch.compared else ""
        return (f"Nothing changed: the submissions, the key figures, {found}and the text of "
                "every chapter are as they were." if found else
                "Nothing changed: the submissions, the key figures and the text of every "
                "chapter are as they were.")

    def phrase(parts: list[str]) -> str:
        words = [f"the {p}" for p in parts]
        return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else words[0]

    left = [p for p in PARTS if p not in ch.compared]
    gap = (f"{phrase(left)[0].upper()}{phrase(left)[1:]} could not be compared (see "
           "above): whether they changed is not known.")
    return f"Nothing changed in {phrase(ch.compared)}. {gap}" if ch.compared else gap


# ---------------------------------------------------------------------- render


def _value(v: Any, unit: str) -> str:
    if v is None:
        return "–"
    return f"{v} {unit}".strip() if unit else str(v)


def _rank(f: Mapping[str, Any]) -> str:
    ra, rb = f.get("rank_before"), f.get("rank_after")
    if ra is None and rb is None:
        return ""
    if ra == rb:
        return f"{rb}"
    return f"{ra if ra is not None else '–'} → {rb if rb is not None else '–'}"


def _change(f: Mapping[str, Any]) -> str:
    if f.get("withheld"):
        return "withheld in this version"
    if f.get("before") is None:
        return "new"
    if f.get("after") is None:
        return "gone"
    if f.get("change") is None:
        return ""
    d = f["change"]
    text = f"{d:+,.1f}" if abs(d) < 100 else f"{d:+,.0f}"
    if f.get("change_pct") is not None:
        pct = f["change_pct"]
        text += f" ({pct:+.1f} %)" if abs(pct) < 10 else f" ({pct:+.0f} %)"
    return text


def submission_line(s: Mapping[str, Any]) -> str:
    """One sentence about one submission change."""
    file = f" ({s['file']})" if s.get("file") else ""
    rows = f", {s['rows']:,} rows" if isinstance(s.get("rows"), int) else ""

    def when(prefix: str = "") -> str:
        dated = s.get(f"{prefix}submitted")
        got = s.get(f"{prefix}received")
        return ", ".join(x for x in (f"dated {dated}" if dated else "",
                                     f"received {got}" if got else "") if x)

    if s["change"] == "new":
        return f"{s['country_name']}: new submission{file}, {when()}{rows}."
    if s["change"] == "withdrawn":
        return f"{s['country_name']}: its submission ({when()}) is no longer current."
    old = f" ({s['replaces_file']})" if s.get("replaces_file") else ""
    return (f"{s['country_name']}: resubmitted{file}, {when()}{rows}; it supersedes the "
            f"submission{old} {when('replaces_')}.")


def _part(c: Mapping[str, Any]) -> str:
    """"Chapter 4 Drug trafficking", "Annex A.4 Croatia" or the title alone."""
    number = str(c.get("number") or "")
    if not number:
        return str(c["title"])
    kind = "Chapter" if number[0].isdigit() else "Annex"
    return f"{kind} {number} {c['title']}"


def _paragraphs(n: int, what: str) -> str:
    return f"{n} paragraph{'s' if n != 1 else ''} {what}"


def chapter_line(c: Mapping[str, Any]) -> str:
    """One sentence about one chapter's changes."""
    if c["change"] in ("added", "removed"):
        return f"{_part(c)}: {c['change']} since the earlier version."
    bits = []
    if c["text_changed"]:
        parts = [_paragraphs(c[k], w) for k, w in (("paragraphs_rewritten", "rewritten"),
                                                    ("paragraphs_added", "added"),
                                                    ("paragraphs_removed", "removed")) if c[k]]
        bits.append("text changed (" + ", ".join(parts) + ")")
    if c["figures"]:
        bits.append("figures changed: " + "; ".join(c["figures"]))
    if c["tables"]:
        bits.append("tables changed: " + "; ".join(c["tables"]))
    return f"{_part(c)}: " + "; ".join(bits) + "."


def _figure_groups(figures: Sequence[Mapping[str, Any]]) -> list[tuple[str, list[Any]]]:
    groups: dict[str, list[Any]] = {}
    for f in figures:
        groups.setdefault(_KIND_TITLES.get(f["kind"], f["kind"]), []).append(f)
    return list(groups.items())


def _html_table(header: Sequence[str], rows: Sequence[Sequence[str]], *,
                numeric: Sequence[int] = (), kind: str = "changes-figures") -> str:
    def cls(i: int) -> str:
        return ' class="num"' if i in numeric else ""

    head = "".join(f"<th{cls(i)}>{html.escape(h)}</th>" for i, h in enumerate(header))
    body = "".join("<tr>" + "".join(f"<td{cls(i)}>{html.escape(str(v))}</td>"
                                    for i, v in enumerate(r)) + "</tr>" for r in rows)
    return (f'<table class="octasee-table changes-table {kind}"><thead><tr>{head}</tr>'
            f"</thead><tbody>{body}</tbody></table>")


def _html_cell(body: str) -> dict[str, Any]:
    return {"cell_type": "code", "metadata": {}, "execution_count": None, "source": "",
            "outputs": [{"output_type": "display_data", "metadata": {},
                         "data": {"text/html": body}}]}


def annex_cells(ch: Changes, *, number: str) -> list[dict[str, Any]]:
    """The annex as notebook cells (every value escaped), numbered tables ``number.1`` …"""
    tables = 0

    def caption(text: str) -> str:
        nonlocal tables
        tables += 1
        return f'<h4 class="table-caption">Table {number}.{tables}: {html.escape(text)}</h4>'

    intro = (f"This is {_called(ch.b)} of the report" + (f", built {ch.b_date}" if ch.b_date
                                                          else "")
             + f". It is compared here with {_called(ch.a)}"
             + (f" of {ch.a_date}" if ch.a_date else "") + ". Listed are the submissions "
             "received or replaced since, the key figures whose printed value or rank moved, "
             "and the chapters whose text, figures or tables changed"
             + ("; the findings whose numbers moved, and the key judgements whose evidence "
                "changed since they were agreed." if ch.variant != "public" else "."))
    cells = [_html_cell(f"<p>{html.escape(intro)}</p>")]
    for note in ch.notes:
        cells.append(_html_cell(f"<p><em>{html.escape(note)}</em></p>"))
    if ch.empty:
        cells.append(_html_cell(f"<p>{html.escape(_unchanged(ch))}</p>"))
        if ch.judgements:  # stale since an earlier draft: still to review
            cells += _judgement_cells(ch)
        return cells

    cells.append(_html_cell("<h2>Submissions</h2>"))
    if ch.submissions:
        items = "".join(f"<li>{html.escape(submission_line(s))}</li>" for s in ch.submissions)
        cells.append(_html_cell(f'<ul class="changes-submissions">{items}</ul>'))
    elif "submissions" not in ch.compared:
        cells.append(_html_cell(f"<p>{_NOT_COMPARED}</p>"))
    else:
        cells.append(_html_cell("<p>No submission was received or replaced.</p>"))

    cells.append(_html_cell("<h2>Key figures and ranks that moved</h2>"))
    if ch.figures:
        for title, group in _figure_groups(ch.figures):
            rows = [[f["label"], _value(f["before"], f["unit"]), _value(f["after"], f["unit"]),
                     _change(f), _rank(f)] for f in group]
            cells.append(_html_cell(caption(title) + _html_table(
                ["Figure", ch.a, ch.b, "Change", "Rank"], rows, numeric=(1, 2, 3, 4))))
    elif "key figures" not in ch.compared:
        cells.append(_html_cell(f"<p>{_NOT_COMPARED}</p>"))
    else:
        cells.append(_html_cell("<p>No key figure or rank moved.</p>"))

    cells.append(_html_cell("<h2>Chapters whose text, figures or tables changed</h2>"))
    if ch.chapters:
        items = "".join(f"<li>{html.escape(chapter_line(c))}</li>" for c in ch.chapters)
        cells.append(_html_cell(f'<ul class="changes-chapters">{items}</ul>'))
        for c in ch.chapters:
            ex = c.get("excerpts") or []
            if not ex:
                continue
            rows = [[_clip(e["before"]) or "–", _clip(e["after"]) or "–"] for e in ex]
            cells.append(_html_cell(caption(f"{_part(c)}: text before and after")
                                    + _html_table([ch.a, ch.b], rows, kind="changes-text")))
    elif "chapters" not in ch.compared:
        cells.append(_html_cell(f"<p>{_NOT_COMPARED}</p>"))
    else:
        cells.append(_html_cell("<p>No chapter's text, figures or tables changed.</p>"))
    if ch.variant == "public":
        return cells  # nothing about findings or judgements (see the module docstring)

    cells.append(_html_cell("<h2>Findings that moved</h2>"))
    if ch.findings:
        rows = [[f["key"], f["title"], _numbers(f["before"]) or "–",
                 _numbers(f["after"]) or "–"] for f in ch.findings]
        cells.append(_html_cell(caption("Findings whose numbers moved, new or gone")
                                + _html_table(["Finding", "Title", ch.a, ch.b], rows,
                                              kind="changes-findings")))
    elif "findings" not in ch.compared:
        cells.append(_html_cell(f"<p>{_NOT_COMPARED}</p>"))
    else:
        cells.append(_html_cell("<p>No finding moved.</p>"))
    return cells + _judgement_cells(ch)


def _judgement_cells(ch: Changes) -> list[dict[str, Any]]:
    """The key judgements flagged "evidence changed since agreed" (restricted only)."""
    cells = [_html_cell("<h2>Key judgements whose evidence changed since agreed</h2>")]
    if not ch.judgements:
        cells.append(_html_cell("<p>No agreed key judgement cites a finding that moved "
                                "since it was agreed.</p>"))
        return cells
    items = "".join(f'<li class="stale">{html.escape(judgement_line(j))}</li>'
                    for j in ch.judgements)
    cells.append(_html_cell(f'<ul class="changes-judgements">{items}</ul>'))
    return cells


def _numbers(numbers: Mapping[str, Any]) -> str:
    """A finding's numbers as printed: ``"total: 2,134; share: 74 %"``."""
    return "; ".join(f"{k}: {v}" for k, v in numbers.items())


def finding_line(f: Mapping[str, Any]) -> str:
    """One sentence about one finding that moved, appeared or went."""
    if f["change"] == "new":
        return f"{f['key']} ({f['title']}): new" + (f", {_numbers(f['after'])}"
                                                     if f["after"] else "") + "."
    if f["change"] == "gone":
        return f"{f['key']} ({f['title']}): no longer found."
    keys = list(dict.fromkeys([*f["before"], *f["after"]]))
    moved = [f"{k}: {f['before'].get(k, '–')} → {f['after'].get(k, '–')}" for k in keys
             if f["before"].get(k) != f["after"].get(k)]
    return f"{f['key']} ({f['title']}): " + ("; ".join(moved) or "its basis changed") + "."


def judgement_line(j: Mapping[str, Any]) -> str:
    """One sentence about one key judgement whose evidence changed since agreed."""
    since = f" in {j['agreed_in']}" if j.get("agreed_in") else ""
    moved = []
    for m in j.get("moved") or []:
        was, now = m.get("was") or {}, m.get("now") or {}
        keys = list(dict.fromkeys([*was, *now]))
        bits = [f"{k}: {was.get(k, '–')} → {now.get(k, '–')}" for k in keys
                if was.get(k) != now.get(k)]
        what = "; ".join(bits) if now else "no longer found"
        moved.append(f"{m.get('finding')} ({m.get('title', '')}): {what or 'its basis changed'}")
    statement = " ".join(str(j.get("statement", "")).split())
    return (f"{j['id']}: evidence changed since agreed{since}. " + " ".join(
        f"Finding {x}." for x in moved) + (f" The judgement: “{_clip(statement, 240)}”"
                                          if statement else ""))


_NOT_COMPARED = "Not compared (see above): whether anything changed here is not known."


def _called(label: str) -> str:
    """A version's label inside a sentence: "draft 2", "the final version"."""
    return "the final version" if label == "Final" else label.lower()


def _clip(text: str, limit: int = 320) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def as_text(ch: Changes) -> str:
    """The changes as plain text, for the command line."""
    lines = [f"{ch.b} compared with {ch.a} ({ch.variant} variant)"]
    lines += [f"note: {n}" for n in ch.notes]
    lines += ["", "Submissions"]
    lines += [f"  {submission_line(s)}" for s in ch.submissions] or [
        "  none changed" if "submissions" in ch.compared else "  not compared"]
    lines += ["", "Key figures and ranks that moved"]
    if ch.figures:
        for title, group in _figure_groups(ch.figures):
            lines.append(f"  {title}")
            for f in group:
                rank = _rank(f)
                lines.append(f"    {f['label']}: {_value(f['before'], f['unit'])} → "
                             f"{_value(f['after'], f['unit'])}"
                             + (f" [{_change(f)}]" if _change(f) else "")
                             + (f", rank {rank}" if rank else ""))
    else:
        lines.append("  none moved" if "key figures" in ch.compared else "  not compared")
    lines += ["", "Chapters whose text, figures or tables changed"]
    if ch.chapters:
        for c in ch.chapters:
            lines.append(f"  {chapter_line(c)}")
            for e in c.get("excerpts") or []:
                lines.append(f"    - before: {_clip(e['before'], 200) or '(nothing)'}")
                lines.append(f"      after:  {_clip(e['after'], 200) or '(nothing)'}")
    else:
        lines.append("  none changed" if "chapters" in ch.compared else "  not compared")
    if ch.variant != "public":
        lines += ["", "Findings that moved"]
        lines += [f"  {finding_line(f)}" for f in ch.findings] or [
            "  none moved" if "findings" in ch.compared else "  not compared"]
        lines += ["", "Key judgements whose evidence changed since agreed"]
        lines += [f"  {judgement_line(j)}" for j in ch.judgements] or ["  none"]
    return "\n".join(lines) + "\n"


def diff_versions(workspace: Any = None, a: str = "previous", b: str = "latest", *,
                  variant: str = "restricted", cycle: str | None = None) -> Changes:
    """The changes between two recorded versions of a workspace's report (what
    ``octasee diff A B`` prints); ``a`` and ``b`` as :meth:`DraftBook.get` reads them.

    In the public variant the result is scrubbed of text only restricted rows hold (as
    the public report is), also for versions recorded before a row was restricted.
    """
    if variant not in ("restricted", "public"):
        raise UsageError(f"unknown variant {variant!r}", hint="use 'restricted' or 'public'")
    ws, book = open_drafts(workspace, cycle)
    va, vb = book.get(a), book.get(b)
    sb = book.snapshot(vb)
    if sb is None:
        raise UsageError(f"the record of {vb.label.lower()} has no snapshot to compare",
                         where=str(vb.folder),
                         hint="compare two other versions, or delete that folder to forget "
                              "the version")

    def built(v: Any) -> str:
        info = v.variants.get(variant) or next(iter(v.variants.values()), {})
        return str(info.get("build_date", ""))

    changes = compare(a_label=va.label, b_label=vb.label, variant=variant,
                      a_snapshot=book.snapshot(va), b_snapshot=sb,
                      a_content=book.content(va, variant),
                      b_content=book.content(vb, variant), a_date=built(va), b_date=built(vb))
    if variant == "public" and ws.store_path.exists():
        terms = compile_terms(restricted_terms(ws.store_path))
        if terms is not None:
            clean, _ = scrub_notebook(changes.as_dict(), terms)
            changes.submissions, changes.figures = clean["submissions"], clean["figures"]
            changes.chapters, changes.notes = clean["chapters"], clean["notes"]
    return changes
