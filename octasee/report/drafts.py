"""Draft versions of a workspace's report: numbered, kept, compared.

Every build of a workspace is a version of its cycle's report: draft 1, draft 2, … and,
with ``octasee build --final``, the final version. A version is a state of the inputs
(the store's content, the workspace config, the chapter notebooks and their parameters,
the countries, octasee itself): a build whose inputs equal the latest version's rebuilds
that version (another variant of it, or the same one again) and a build whose inputs
changed is the next draft. The final version (``--final``) is a version of its own, also
when nothing changed since the last draft (whose files stay as they were). A preview (``octasee build --preview``) and a build with a
failed chapter are not recorded.

Each version is kept in the workspace, beside its store::

    <workspace>/drafts/<cycle>/draft-2/
        version.json           number, label, final, when, input fingerprints, variants
        snapshot.json          submissions, key figures (both variants), findings and
                               the register's judgements: what drafts are compared on
        restricted/            the report as built: .html, .pdf, .manifest.json, and
                               content.json (each chapter's paragraphs, figures, tables)
        public/                the same for the public variant, when it was built

The snapshot is written from the store when the version is first built; the content from
the executed chapters of each variant. :mod:`octasee.report.changes` compares two of them.

>>> import tempfile, pathlib
>>> book = DraftBook(pathlib.Path(tempfile.mkdtemp()), "2018-2022")
>>> v = book.plan("inputs-a", final=False); (v.number, v.label, v.is_new)
(1, 'Draft 1', True)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from octasee.analysis.findings import Finding, find
from octasee.analysis.keyfigures import key_figures_by_edition
from octasee.analysis.register import Register, finding_record
from octasee.analysis.threat import threat_areas, threat_scores
from octasee.chapters.disclosure import public_view, restricted_indicators
from octasee.errors import ReportError, UsageError
from octasee.reference import MEMBER_CODES
from octasee.reference import cycle as get_cycle
from octasee.report._io import write_text_atomic
from octasee.report.assemble import HIDDEN_TAGS, PLOTLY_MIME, joined
from octasee.sdc import DisclosureRules
from octasee.store import Store
from octasee.workspace import Workspace, find_workspace

if TYPE_CHECKING:
    from octasee.report.judgements import RegisterState

__all__ = ["DRAFTS_DIR", "DraftBook", "Version", "chapter_content", "inputs_fingerprint",
           "judgement_records", "open_drafts", "snapshot"]

DRAFTS_DIR = "drafts"
#: What a public edition showed of every cell and total, in its variant folder.
VIEW_RECORD = "view.json"


@dataclass
class Version:
    """One version of a cycle's report (draft N, or final)."""

    number: int
    cycle: str
    inputs: str
    final: bool = False
    revision: int = 1  # of the final version: 2 for a second final, after corrections
    created: str = ""
    variants: dict[str, dict[str, Any]] = field(default_factory=dict)
    folder: Path = Path()
    is_new: bool = False

    @property
    def label(self) -> str:
        """What the cover and every page footer say: "Draft 2", "Final", or after a
        correction of the final, "Final, revision 2"."""
        if not self.final:
            return f"Draft {self.number}"
        return "Final" if self.revision <= 1 else f"Final, revision {self.revision}"

    @property
    def name(self) -> str:
        return f"draft-{self.number}"

    def record(self) -> dict[str, Any]:
        return {"number": self.number, "label": self.label, "final": self.final,
                "revision": self.revision,
                "cycle": self.cycle, "created": self.created, "inputs": self.inputs,
                "variants": self.variants}


def inputs_fingerprint(*, cycle: str, countries: Sequence[str], store: str, config: str,
                       library: str, chapters: Sequence[tuple[str, str, Mapping[str, Any]]]
                       ) -> str:
    """What makes a version: equal fingerprints, same draft (``chapters``: slug, notebook
    digest and extra parameters of each chapter, in report order)."""
    blob = json.dumps({"cycle": cycle, "countries": list(countries), "store": store,
                       "config": config, "library": library,
                       "chapters": [[s, d, dict(p)] for s, d, p in chapters]},
                      sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


class DraftBook:
    """The versions of one cycle's report in a workspace."""

    def __init__(self, workspace_path: Path, cycle: str) -> None:
        self.cycle = cycle
        self.root = Path(workspace_path) / DRAFTS_DIR / cycle

    def versions(self) -> list[Version]:
        """Every recorded version, oldest first."""
        out = []
        for f in self.root.glob("draft-*/version.json"):
            try:
                rec = json.loads(f.read_text("utf-8"))
                out.append(Version(number=int(rec["number"]), cycle=str(rec["cycle"]),
                                   inputs=str(rec["inputs"]), final=bool(rec.get("final")),
                                   revision=int(rec.get("revision", 1)),
                                   created=str(rec.get("created", "")),
                                   variants=dict(rec.get("variants", {})), folder=f.parent))
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise ReportError(f"the draft record cannot be read ({exc})", where=str(f),
                                  hint="restore it from a backup, or delete that draft's "
                                       "folder to forget the draft") from exc
        return sorted(out, key=lambda v: v.number)

    def plan(self, inputs: str, *, final: bool) -> Version:
        """The version a build with these inputs makes (not recorded until :meth:`save`)."""
        versions = self.versions()
        latest = versions[-1] if versions else None
        if latest is not None and latest.inputs == inputs and (latest.final or not final):
            return latest
        # Changed inputs, or the final version of the latest draft's inputs: a new number,
        # so that the draft as it was reviewed stays kept as it was.
        number = latest.number + 1 if latest else 1
        revision = 1 + sum(v.final for v in versions) if final else 1
        return Version(number=number, cycle=self.cycle, inputs=inputs, final=final,
                       revision=revision,
                       created=dt.datetime.now().isoformat(timespec="seconds"),
                       folder=self.root / f"draft-{number}", is_new=True)

    def previous(self, version: Version) -> Version | None:
        """The version before ``version`` (what its changes annex compares with)."""
        earlier = [v for v in self.versions() if v.number < version.number]
        return earlier[-1] if earlier else None

    def get(self, ref: str) -> Version:
        """A version by what a user types: ``2``, ``draft-2``, ``"draft 2"``, ``d2``,
        ``final``, ``latest`` or ``previous`` (the one before the latest)."""
        versions = self.versions()
        if not versions:
            raise UsageError(f"no draft of the {self.cycle} report yet",
                             hint=f"build one first: octasee build --cycle {self.cycle}")
        text = str(ref).strip().lower()
        found: Version | None = None
        if text in ("latest", "last", "current"):
            found = versions[-1]
        elif text == "previous":
            found = versions[-2] if len(versions) > 1 else None
            if found is None:
                raise UsageError("there is only one draft, so no previous one",
                                 hint="build another draft first")
        elif text == "final":  # the latest final version
            finals = [v for v in versions if v.final]
            found = finals[-1] if finals else None
        else:
            m = re.fullmatch(r"(?:draft[\s_-]*|d)?(\d+)", text)
            if m:
                found = next((v for v in versions if v.number == int(m.group(1))), None)
        if found is None:
            known = ", ".join(v.label.lower() for v in versions)
            raise UsageError(f"no version {ref!r} of the {self.cycle} report",
                             hint=f"the versions are: {known} (or say latest, previous)")
        return found

    # ------------------------------------------------------------------ files
    def snapshot(self, version: Version) -> dict[str, Any] | None:
        return _read_json(version.folder / "snapshot.json")

    def content(self, version: Version, variant: str) -> dict[str, Any] | None:
        return _read_json(version.folder / variant / "content.json")

    def public_records(self, exclude: Version | None = None
                       ) -> list[tuple[Version, list[dict[str, Any]] | None]]:
        """What the public edition of each version built in it showed (``view.json``:
        :meth:`octasee.sdc.PublicView.record`; None for one built before octasee kept
        it), oldest first, ``exclude`` (the version being built) left out. Private: the
        records hold restricted figures (to tell what changed since)."""
        out = []
        for v in self.versions():
            if "public" not in v.variants or (exclude is not None
                                              and v.number == exclude.number):
                continue
            data = _read_json(v.folder / "public" / VIEW_RECORD)
            entries = data.get("entries") if isinstance(data, dict) else None
            out.append((v, list(entries) if isinstance(entries, list) else None))
        return out

    def save(self, version: Version, *, variant: str, snap: Mapping[str, Any],
             content: Mapping[str, Any], files: Sequence[Path | None],
             build_date: dt.date, view: Sequence[Mapping[str, Any]] | None = None
             ) -> Version:
        """Record that ``version`` was built in ``variant``: its snapshot, its content and
        copies of the files (report, PDF, manifest); for the public edition, ``view``:
        what it showed of every cell and total (:meth:`octasee.sdc.PublicView.record`),
        which later drafts' public editions are audited against.

        What a version keeps is what it was first built as (what was sent): rebuilding the
        same version adds a file it lacked (a PDF after an HTML-only build) but replaces
        none.
        """
        folder = version.folder
        if version.is_new and folder.exists():
            # What a build that failed while saving left (no version.json): not a version.
            shutil.rmtree(folder)
        if not (folder / "snapshot.json").exists():
            write_text_atomic(folder / "snapshot.json",
                              json.dumps(snap, indent=1, ensure_ascii=False, default=str))
        on_disk = _read_json(folder / "version.json") or {}
        # Another variant of this version may have been saved meanwhile (built in parallel).
        version.variants = {**dict(on_disk.get("variants", {})), **version.variants}
        before = version.variants.get(variant, {})
        kept: dict[str, str] = dict(before.get("files", {}))
        for f in files:
            kind = "manifest" if f is not None and f.name.endswith(".manifest.json") \
                else (f.suffix.lstrip(".") if f is not None else "")
            if f is None or not f.exists() or kind in kept:
                continue
            target = folder / variant / f.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, target)
            kept[kind] = str(target.relative_to(folder))
        if not (folder / variant / "content.json").exists():
            write_text_atomic(folder / variant / "content.json",
                              json.dumps(content, indent=1, ensure_ascii=False))
        if view is not None and not (folder / variant / VIEW_RECORD).exists():
            write_text_atomic(folder / variant / VIEW_RECORD, json.dumps(
                {"note": "what this public edition showed of every cell and total; "
                         "'restricted' holds restricted figures: keep this file in the "
                         "workspace", "entries": list(view)}, ensure_ascii=False))
        version.variants[variant] = {
            "built": before.get("built", dt.datetime.now().isoformat(timespec="seconds")),
            "build_date": before.get("build_date", build_date.isoformat()), "files": kept}
        write_text_atomic(folder / "version.json",
                          json.dumps(version.record(), indent=1, ensure_ascii=False) + "\n")
        version.is_new = False
        return version


def open_drafts(workspace: Any = None, cycle: str | None = None) -> tuple[Any, DraftBook]:
    """A workspace (a :class:`Workspace`, a folder, or None: found as commands find it)
    and the versions of its report for ``cycle`` (default: the workspace's; checked)."""
    ws = workspace if isinstance(workspace, Workspace) else find_workspace(
        str(workspace) if workspace is not None else None)
    return ws, DraftBook(ws.path, get_cycle(cycle).code if cycle else ws.cycle)


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise ReportError(f"the draft record cannot be read ({exc})", where=str(path),
                          hint="restore it from a backup, or delete that draft's folder"
                          ) from exc


# ---------------------------------------------------------------------- snapshot


def snapshot(store_path: Path, *, cycle: str, countries: Sequence[str],
             rules: DisclosureRules, findings: Sequence[Finding] | None = None,
             register: Register | None = None, state: RegisterState | None = None,
             earlier: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """What a version is compared on, read from the store: every submission of the cycle
    (with its status), the key figures of both editions, both from the restricted
    rows (:func:`octasee.analysis.keyfigures.key_figures_by_edition`: the public edition's
    from the public view, never recomputed on fewer rows), every finding (its digest, its
    numbers as printed and its title: :func:`octasee.analysis.findings.find` on the
    restricted rows of ``countries``, unless the caller computed ``findings`` already),
    and each judgement of the ``register`` (its state as written, statement and
    evidence; with ``state``, what the build made of it: ``status`` agreed, draft or
    stale, ``agreed_in`` and the findings that ``moved``). ``earlier``: what earlier
    drafts' public editions showed (the public view is made knowing it, as the build's)."""
    with Store(store_path, read_only=True) as store:
        subs = store.query(
            "SELECT submission_id, country, status, source_label, file_sha256, "
            "submission_date, ingested_at, supersedes, superseded_by, rows_accepted, "
            "rows_quarantined, dissemination FROM submissions WHERE cycle = ? "
            "ORDER BY submission_id", [cycle])
        subs = subs[subs["country"].isin(list(countries))]
        ind = restricted_indicators(store, cycle=cycle, countries=countries,
                                    all_cycles=False)
        ocgs = store.table("ocgs", cycle=cycle, countries=countries)
        # Threat scores compare every member, whichever countries the build shows.
        members = (ind if set(MEMBER_CODES) <= set(countries) else restricted_indicators(
            store, cycle=cycle, countries=list(MEMBER_CODES), all_cycles=False))
        threat = threat_scores(members, areas=threat_areas()) if len(members) else None
        if findings is None:
            findings = find(store, cycle=cycle, countries=list(countries))
    view = public_view(ind, cycle=cycle, countries=countries, rules=rules,
                       earlier=list(earlier))
    by = key_figures_by_edition(ind, ocgs, cycle=cycle, rules=rules, view=view,
                                threat=threat)
    figures = {k: json.loads(v.to_json(orient="records")) for k, v in by.items()}
    records = json.loads(subs.to_json(orient="records", date_format="iso"))
    return {"cycle": cycle, "countries": list(countries), "submissions": records,
            "figures": figures, "figures_basis": {"public": "view"},
            "findings": {f.key: finding_record(f) for f in findings},
            "judgements": judgement_records(register, state)}


def judgement_records(register: Register | None, state: RegisterState | None = None
                      ) -> dict[str, dict[str, Any]]:
    """What a draft keeps of each judgement of the register, by id: its ``state`` as
    written (draft, agreed), ``statement`` and ``evidence`` (from which later drafts
    tell whether it was agreed as it reads then), and with ``state`` the build's view:
    ``status`` (agreed, draft, stale), ``agreed_in`` and the findings that ``moved``."""
    out: dict[str, dict[str, Any]] = {}
    for j in register.judgements if register is not None else ():
        rec: dict[str, Any] = {"state": j.state, "statement": j.statement,
                               "evidence": list(j.evidence)}
        s = state.judgements.get(j.id) if state is not None else None
        if s is not None:
            rec.update(s.as_dict())
            rec["status"] = rec.pop("state")
            rec["state"] = j.state
        out[j.id] = rec
    return out


# ---------------------------------------------------------------------- content


class _Text(HTMLParser):
    """Paragraphs of an HTML fragment: text split at block elements; scripts, styles and
    plotly divs left out. A link to a figure or table by its evidence key (which the
    report shows as "Figure 4.1" only once assembled) is read as "a figure" or "a table":
    the key is an internal name, and the number may change between drafts."""

    BLOCKS: ClassVar[frozenset[str]] = frozenset({"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr",
              "table", "ul", "ol", "br", "footer", "figcaption", "pre", "section"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.buf: list[str] = []
        self.skip = 0
        self.ref: str | None = None  # the words an evidence link is read as, inside one

    def flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.buf)).strip()
        if text:
            self.parts.append(text)
        self.buf = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        elif tag == "a" and "evidence-ref" in (dict(attrs).get("class") or "").split():
            key = dict(attrs).get("data-evidence") or ""
            self.ref = ("a table" if key.startswith("tab:") else
                        "a figure" if key.startswith("fig:") else "a figure or table")
        elif tag in self.BLOCKS:
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag == "a" and self.ref is not None:
            self.buf.append(self.ref)
            self.ref = None
        elif tag in self.BLOCKS:
            self.flush()

    def handle_data(self, data: str) -> None:
        if not self.skip and self.ref is None:
            self.buf.append(data)


def _paragraphs_html(text: str) -> list[str]:
    p = _Text()
    p.feed(text)
    p.close()
    p.flush()
    return p.parts


def _paragraphs_markdown(text: str) -> list[str]:
    out = []
    for block in re.split(r"\n\s*\n", text):
        block = re.sub(r"^#+\s*", "", block.strip())
        block = re.sub(r"\s+", " ", block).strip()
        if block:
            out.append(block)
    return out


_CAPTION = re.compile(r'<h4 class="(figure|table)-caption">(.*?)</h4>', re.S)


def chapter_content(nb: Mapping[str, Any]) -> dict[str, Any]:
    """What a reader sees of an executed chapter, for comparison between drafts.

    ``paragraphs``: the text (Markdown cells, and text the code displayed), one entry
    per paragraph, heading or table row; ``figures`` and ``tables``: a digest of each
    figure's data and each table's text, under its label ("Figure 4.2") or, when the
    chapter does not number them, its position ("figure 3").
    """
    paragraphs: list[str] = []
    figures: dict[str, str] = {}
    tables: dict[str, str] = {}
    captions: dict[str, str] = {}
    n_fig = n_tab = 0
    first_heading = True
    for cell in nb.get("cells", []):
        if set(cell.get("metadata", {}).get("tags", [])) & HIDDEN_TAGS:
            continue
        if cell.get("cell_type") == "markdown":
            paras = _paragraphs_markdown(joined(cell.get("source", "")))
            if first_heading and paras:
                first_heading = False  # the chapter title: the report prints its own
                if joined(cell.get("source", "")).lstrip().startswith("# "):
                    paras = paras[1:]
            paragraphs += paras
            continue
        if cell.get("cell_type") != "code":
            continue
        pending: tuple[str, str] | None = None  # (kind, label) of a caption just shown
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stdout":
                paragraphs += _paragraphs_markdown(joined(out.get("text", "")))
                continue
            data = out.get("data", {})
            if PLOTLY_MIME in data:
                n_fig += 1
                key = pending[1] if pending and pending[0] == "figure" else f"figure {n_fig}"
                figures[key] = _digest(data[PLOTLY_MIME].get("data", data[PLOTLY_MIME]))
                pending = None
                continue
            body = None
            if "text/html" in data:
                body = joined(data["text/html"])
            elif "text/markdown" in data:
                paragraphs += _paragraphs_markdown(joined(data["text/markdown"]))
                continue
            elif "text/plain" in data and "application/vnd.jupyter.widget-view+json" \
                    not in data:
                paragraphs += _paragraphs_markdown(joined(data["text/plain"]))
                continue
            if body is None or "plotly-graph-div" in body:
                continue
            cap = _CAPTION.search(body)
            if cap:
                kind = cap.group(1)
                label = html.unescape(re.sub(r"<[^>]+>", "", cap.group(2))).strip()
                short = label.split(":", 1)[0].strip()
                captions[short] = label
                if kind == "table" and "<table" in body:
                    n_tab += 1
                    tables[short] = _digest(_paragraphs_html(body))
                    paragraphs.append(label)
                    continue
                pending = (kind, short)
                paragraphs.append(label)
                rest = body[cap.end():]
                paragraphs += _paragraphs_html(rest)
                continue
            if "<table" in body:
                n_tab += 1
                tables[f"table {n_tab}"] = _digest(_paragraphs_html(body))
                continue
            paragraphs += _paragraphs_html(body)
    return {"paragraphs": paragraphs, "figures": figures, "tables": tables,
            "captions": captions}


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()
                          ).hexdigest()[:16]
