"""The translation memory: English texts for what member countries wrote in their own
language, kept in the workspace and edited by the analysts.

Countries may answer the questionnaire's free-text questions (an assessment's situation,
trends and expected threats; a route's modus operandi; a comment) in their own language.
The report quotes the English where a translation exists ("translated from Serbian") and
puts the originals in an annex. The translations live in one text file per workspace,
``<workspace>/translations.yaml`` (:data:`MEMORY_NAME`), which an analyst edits in a text
editor and which is an input of the build (an edited translation is a new draft)::

    translations:
      - hash: 1b0d6f0c3f5e2a47
        language: sr
        original: Droga se krije u posebno izrađenim bunkerima u teretnim vozilima.
        english: The drugs are hidden in purpose-built compartments in goods vehicles.
        translator: SELEC analysts
        machine: false

An entry is keyed by the hash of its original text (:func:`text_key`): the first 16 hex
digits of the SHA-256 of the text, NFC-normalised (Unicode), with leading and trailing
whitespace removed and every run of whitespace inside it written as one space. So the
same text matches however a spreadsheet or an editor re-wrapped it, and a text in Serbian
Cyrillic and its Latin transliteration are two texts. ``hash`` may be left out (it is
worked out from ``original``); ``machine: true`` marks a machine translation.

:func:`read_memory` reads and checks the file (:class:`~octasee.errors.ConfigError` naming
the file, the line and what to write, for a missing key, an unknown key, a value of the
wrong kind, one text given twice, invalid YAML); what is doubtful but usable is a warning
naming the entry (its hash and line), never an error: a ``hash`` that does not match its
original, a language octasee does not know, and (:func:`check_memory`, against the store)
a hash that matches no stored text. :func:`store_texts` lists the texts of the store in
another language than English, :func:`export_workbook` writes the untranslated ones to a
workbook for a translator, and :func:`import_workbook` reads it back into the memory,
which :func:`write_memory` saves.

This module sits beside scoring, sdc and sources in the layers: it reads the workspace's
file and the store, and the chapters, the build and the command use it.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from octasee.config import Field, LineDict, Source, Table, check, read_yaml
from octasee.errors import ConfigError, UsageError
from octasee.reference import country as reference_country
from octasee.store import Store

__all__ = [
    "EXPORT_COLUMNS",
    "LANGUAGES",
    "MEMORY_NAME",
    "ImportResult",
    "SourceText",
    "Translation",
    "TranslationMemory",
    "check_memory",
    "export_workbook",
    "format_memory",
    "import_workbook",
    "language_name",
    "memory_path",
    "normalise_text",
    "parse_memory",
    "read_memory",
    "reads_as_english",
    "status_table",
    "store_texts",
    "text_key",
    "untranslated",
    "write_memory",
]

#: The translation memory's file name in a workspace.
MEMORY_NAME = "translations.yaml"
#: The languages a member country may write in (the questionnaire's Language choices),
#: by ISO 639 code, with their English names.
LANGUAGES = {"en": "English", "sq": "Albanian", "bs": "Bosnian", "bg": "Bulgarian",
             "hr": "Croatian", "el": "Greek", "hu": "Hungarian", "ro": "Romanian",
             "sr": "Serbian", "cnr": "Montenegrin", "mk": "Macedonian", "sl": "Slovenian",
             "tr": "Turkish"}
#: The columns of the workbook :func:`export_workbook` writes, in order.
EXPORT_COLUMNS = ("hash", "language", "original", "english", "translator")
_SHEET = "Translations"

HEADER = """\
# The translation memory of this workspace: the English for what member countries wrote
# in their own language. The report quotes the English, marked "(translated from
# Serbian)", and shows the original in the annex "Original texts".
#
# One entry a text:
#   hash        the first 16 hex digits of the SHA-256 of the original (NFC, trimmed,
#               runs of whitespace as one space); may be left out: octasee works it out
#   language    the original's language: sq, bs, bg, hr, el, hu, ro, sr, cnr, mk, sl, tr
#   original    the text as the country wrote it (do not edit it: it is how the entry is
#               found)
#   english     the English translation
#   translator  who translated it (a name or a team)
#   machine     true for a machine translation (shown as such), else false
#
# 'octasee translations export' writes the texts still untranslated to a workbook for a
# translator; 'octasee translations import FILE' reads it back into this file.
"""

_ITEM = Table({
    "hash": Field("any", hint="write the hash export gave, or leave the line out"),
    "language": Field("any", required=True,
                      hint="add language: sr (the code of the original's language)"),
    "original": Field("any", required=True,
                      hint="add original: and the text as the country wrote it"),
    "english": Field("any", required=True, hint="add english: and the English text"),
    "translator": Field("any", required=True,
                        hint="add translator: and who translated it (a name or a team)"),
    "machine": Field("bool", default=False,
                     message="machine is not true or false",
                     hint="write machine: true for a machine translation, else false"),
}, name=lambda value, path, doc: _called(value))
_SCHEMA = Table({"translations": Field("list", items=_ITEM,
                                       hint="list the entries under it, each starting "
                                            "with '- hash:' or '- language:'")},
                hint="start the file with 'translations:' and list the entries under it")


def _called(value: Any) -> str:
    key = value.get("hash") if isinstance(value, Mapping) else None
    return f"entry {key}" if isinstance(key, str) and key else "an entry"


# --------------------------------------------------------------------------- keys
_SPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """``text`` as its hash reads it: NFC, trimmed, each run of whitespace one space.

    >>> normalise_text("  Droga se\\n krije  ")
    'Droga se krije'
    """
    return _SPACE.sub(" ", unicodedata.normalize("NFC", str(text))).strip()


def text_key(text: str) -> str:
    """The key of a text in the memory: the first 16 hex digits of the SHA-256 of
    :func:`normalise_text` (UTF-8).

    >>> text_key("Privremeni podatak.") == text_key(" Privremeni\\n podatak. ")
    True
    >>> len(text_key("Privremeni podatak."))
    16
    """
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()[:16]


def language_name(code: object) -> str | None:
    """The English name of a language code; the code as written if octasee does not
    know it; None for English or none given.

    >>> language_name("sr"), language_name("EN"), language_name(None), language_name("xx")
    ('Serbian', None, None, 'xx')
    """
    if not isinstance(code, str) or not code.strip() or code.strip().lower() == "en":
        return None
    return LANGUAGES.get(code.strip().lower(), code.strip())


# Function words of English: a text with enough of them reads as English. "Weak" ones
# are also common words of the members' languages (Slovenian "in", Serbian "to", "on").
_ENGLISH_STRONG = frozenset((
    "the", "and", "of", "from", "with", "for", "by", "through", "across", "between",
    "then", "into", "or", "are", "was", "were", "has", "have", "been", "this", "that",
    "which", "their", "its", "not", "per", "under", "during", "after", "some", "one",
    "other", "than", "towards", "via", "while", "also", "more", "most", "they", "it", "an",
    "our"))
_ENGLISH_WEAK = frozenset(("in", "on", "to", "at", "as", "a"))
_ENGLISH_SUFFIX = ("ment", "tion", "tions", "ing", "ed", "ies", "ness")
_WORD = re.compile(r"[^\W\d_]+")
_NON_LATIN = re.compile(r"[\u0370-\u03ff\u0400-\u04ff]")  # Greek, Cyrillic


def reads_as_english(text: str) -> bool:
    """Whether a text with no language given reads as English: no Greek or Cyrillic
    letters, and English function words (one of *the, and, of, from, with* ...; or two
    different ones of *in, on, to, at, as, a*; a word ending in *-ment, -tion, -ing,
    -ed* counts half) making at least a tenth of its words. A heuristic for route texts
    and comments, whose questionnaire columns have no Language; assessments say theirs.

    >>> reads_as_english("Resin shipped in lorries on ferries.")
    True
    >>> reads_as_english("Recruitment in poor rural communities; debt bondage.")
    True
    >>> reads_as_english("A migránsokat kisbuszokkal szállítják a határon át.")
    False
    >>> reads_as_english("Droga se krije u posebno izrađenim bunkerima u teretnim vozilima.")
    False
    """
    if _NON_LATIN.search(text):
        return False
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return True  # nothing to translate
    strong = sum(w in _ENGLISH_STRONG for w in words)
    weak = len(set(words) & _ENGLISH_WEAK)  # distinct: Hungarian "a ... a" is one
    suffix = sum(len(w) > 4 and w.endswith(_ENGLISH_SUFFIX) for w in words)
    score = strong + 0.5 * weak + 0.5 * suffix
    return score >= 1 and (strong + weak + suffix) / len(words) >= 0.1


# --------------------------------------------------------------------------- the memory
@dataclass(frozen=True)
class Translation:
    """One entry of the memory: the English of one original text."""

    key: str
    language: str
    original: str
    english: str
    translator: str
    machine: bool = False
    #: The entry's line in the file (None: not read from a file).
    line: int | None = None

    @classmethod
    def of(cls, original: str, english: str, *, language: str, translator: str,
           machine: bool = False) -> Translation:
        """A new entry for ``original`` (its key worked out)."""
        return cls(text_key(original), language, original, english, translator, machine)


@dataclass(frozen=True)
class TranslationMemory:
    """The translations of a workspace (:func:`read_memory`), by :func:`text_key`."""

    path: Path
    entries: Mapping[str, Translation] = field(default_factory=dict)
    #: Doubtful but usable entries, each naming the entry (hash, line): a hash that does
    #: not match its original, a language octasee does not know.
    warnings: tuple[str, ...] = ()
    #: The file's text as read ("" when there is no file): a build input.
    text: str = ""
    exists: bool = False

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Any:
        return iter(self.entries.values())

    def lookup(self, text: str) -> Translation | None:
        """The entry of an original text, or None."""
        if not isinstance(text, str) or not text.strip():
            return None
        return self.entries.get(text_key(text))

    def with_entries(self, entries: Iterable[Translation]) -> TranslationMemory:
        """A copy with ``entries`` added or replacing those of the same key."""
        new = dict(self.entries)
        for e in entries:
            new[e.key] = e
        return replace(self, entries=new)


def memory_path(workspace: Any) -> Path:
    """``<workspace>/translations.yaml`` (``workspace``: a Workspace or its folder)."""
    return Path(getattr(workspace, "path", workspace)) / MEMORY_NAME


def read_memory(workspace_or_path: Any) -> TranslationMemory:
    """The workspace's translation memory (a Workspace, its folder, or the file itself),
    checked; a missing file is an empty memory. Raises :class:`ConfigError` (file, line,
    what to write) for a file that cannot be used; see the module docstring."""
    base = Path(getattr(workspace_or_path, "path", workspace_or_path))
    path = base if base.suffix in (".yaml", ".yml") else base / MEMORY_NAME
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return TranslationMemory(path)
    except OSError as exc:
        raise ConfigError(f"the translation memory cannot be read ({exc.strerror or exc})",
                          where=str(path), hint="check the file's permissions") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise ConfigError("the translation memory is not UTF-8 text",
                          where=f"{path}, line {line}",
                          hint="save it as UTF-8 in your editor") from None
    return parse_memory(text, path=path)


def parse_memory(text: str, *, path: str | os.PathLike[str]) -> TranslationMemory:
    """:func:`read_memory` on a text (``path``: what messages call the file)."""
    path = Path(path)
    name = str(path)
    data, src = read_yaml(text, name=name, long_text="original: >-")
    if data is None:
        return TranslationMemory(path, {}, (), text, True)
    if not isinstance(data, Mapping):
        raise ConfigError("the translation memory does not start with 'translations:'",
                          where=f"{name}, line {getattr(data, 'line', None) or 1}",
                          hint=_SCHEMA.hint)
    checked = check(data, _SCHEMA, src)
    entries: dict[str, Translation] = {}
    warnings: list[str] = []
    for i, item in enumerate(checked.get("translations") or []):
        t, warned = _entry(item, src, ("translations", i), name)
        warnings.extend(warned)
        if t.key in entries:
            first = entries[t.key]
            raise ConfigError(f"entry {t.key}: the same original text is given twice",
                              where=f"{name}, line {t.line}",
                              hint=f"it is first given on line {first.line}; keep one "
                                   "of the two entries")
        entries[t.key] = t
    return TranslationMemory(path, entries, tuple(warnings), text, True)


def _entry(item: Mapping[str, Any], src: Source, at: tuple[Any, ...], name: str
           ) -> tuple[Translation, list[str]]:
    raw = src.data
    for p in at:
        raw = raw[p]
    lines = {str(k): v for k, v in raw.key_lines.items()} if isinstance(raw, LineDict) \
        else {}
    start = src.line(at)
    given = item.get("hash")
    label = f"entry {given}" if isinstance(given, str) and given.strip() else "an entry"

    def fail(what: str, key: str, hint: str) -> ConfigError:
        n = lines.get(key, start)
        return ConfigError(f"{label}: {what}", where=f"{name}, line {n}" if n else name,
                           hint=hint)

    def text(key: str, example: str) -> str:
        value = item.get(key)
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise fail(f"{key} is not a text", key,
                       f"write it after '{key}:', e.g. {key}: {example}")
        out = str(value).strip()
        if not out:
            raise fail(f"{key} is empty", key,
                       f"write it after '{key}:', e.g. {key}: {example}"
                       + ("; or delete the entry until it is translated"
                          if key == "english" else ""))
        return out

    original = text("original", "Privremeni podatak.")
    english = text("english", "Provisional figure.")
    translator = text("translator", "SELEC analysts")
    language = text("language", "sr").lower()
    key = text_key(original)
    where = f"{name}, line {start}" if start else name
    warnings = []
    if given is not None and str(given).strip().lower() != key:
        warnings.append(f"{where}: entry {str(given).strip()!r}: the hash does not match "
                        f"its original text (whose hash is {key}); the entry is kept under "
                        f"{key}: correct the hash, or the original if it was edited")
    if language not in LANGUAGES:
        warnings.append(f"{where}: entry {key}: the language {language!r} is not one "
                        "octasee knows (" + ", ".join(c for c in LANGUAGES if c != "en")
                        + "); the report names it as written")
    return Translation(key, language, original, english, translator,
                       bool(item.get("machine")), start), warnings


def _scalar(text: str, indent: str) -> str:
    """A YAML scalar for ``text`` after ``key:``: plain or quoted on the line where it
    fits, a literal block (``|-``) where the text has line breaks."""
    if "\n" in text:
        body = "\n".join(indent + "  " + line if line else "" for line in text.split("\n"))
        return "|-\n" + body
    dumped = yaml.safe_dump(text, allow_unicode=True, width=10_000,
                            default_flow_style=True)
    return dumped.strip().removesuffix("...").strip()


def format_memory(entries: Iterable[Translation]) -> str:
    """The memory file's text: :data:`HEADER`, then every entry, by language and original
    text."""
    out = [HEADER, "translations:"]
    items = sorted(entries, key=lambda e: (e.language, normalise_text(e.original), e.key))
    if not items:
        out[-1] = "translations: []"
    for e in items:
        out.append(f"  - hash: {_scalar(e.key, '    ')}")  # quoted if all digits
        out.append(f"    language: {_scalar(e.language, '    ')}")
        out.append(f"    original: {_scalar(e.original, '    ')}")
        out.append(f"    english: {_scalar(e.english, '    ')}")
        out.append(f"    translator: {_scalar(e.translator, '    ')}")
        out.append(f"    machine: {'true' if e.machine else 'false'}")
    return "\n".join(out) + "\n"


def write_memory(memory: TranslationMemory, path: str | os.PathLike[str] | None = None
                 ) -> Path:
    """Write ``memory`` (to its own path by default), atomically: a temporary file in the
    same folder, then renamed over the old one. Returns the path."""
    target = Path(path) if path is not None else memory.path
    text = format_memory(memory.entries.values())
    parse_memory(text, path=target)  # what octasee writes, it reads back
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".translations-", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


# --------------------------------------------------------------------------- the store
@dataclass(frozen=True)
class SourceText:
    """A text of the store in another language than English, and where it is."""

    key: str
    language: str
    text: str
    country: str
    cycle: str
    table: str  # assessments, routes, indicators, ocgs
    column: str  # situation, trends, expected_threats, modus_operandi, comment
    crime_area: str | None
    ref: str | None  # a route's or group's reference
    #: Not for dissemination (the row, or its whole submission).
    nd: bool
    submission_id: int | None = None


#: The free-text columns read, per table, and whether the table says their language.
_TEXT_COLUMNS = {
    "assessments": ("situation", "trends", "expected_threats"),
    "routes": ("modus_operandi", "comment"),
    "indicators": ("comment",),
    "ocgs": ("comment",),
}
_REF = {"routes": "route_ref", "ocgs": "group_ref"}


def _country_language(code: str) -> str:
    try:
        langs = reference_country(code).languages
    except Exception:  # a country the reference data does not know: say so, as written
        return "und"
    return langs[0] if langs else "und"


def store_texts(store: Store, *, cycle: str | None = None,
                countries: Sequence[str] | None = None,
                variant: str = "restricted") -> list[SourceText]:
    """Every text of the store's current submissions in another language than English:
    assessments whose Language is given and not ``en`` (situation, trends, expected
    threats), and route texts and comments that do not read as English
    (:func:`reads_as_english`; their language is taken as the country's first language).
    ``variant="public"`` leaves out what is not for dissemination."""
    subs = store.table("submissions", cycle=cycle, countries=countries)
    whole = set(subs.loc[subs["dissemination"].fillna("").eq("not for dissemination"),
                         "submission_id"])
    out: list[SourceText] = []
    for table, columns in _TEXT_COLUMNS.items():
        df = store.table(table, cycle=cycle, countries=countries, variant=variant)
        if df.empty:
            continue
        flag = (df["not_for_dissemination"].astype("boolean").fillna(True).astype(bool)
                if "not_for_dissemination" in df.columns
                else pd.Series(False, index=df.index))
        nd = flag | df["submission_id"].isin(whole)
        for r, is_nd in zip(df.to_dict("records"), nd, strict=True):
            if table == "assessments":
                lang = r.get("language")
                if not isinstance(lang, str) or not lang.strip() \
                        or lang.strip().lower() == "en":
                    continue
                lang = lang.strip().lower()
            else:
                lang = None
            for col in columns:
                value = r.get(col)
                if not isinstance(value, str) or not value.strip():
                    continue
                if lang is None and reads_as_english(value):
                    continue
                area = r.get("crime_area")
                ref = r.get(_REF.get(table, ""))
                out.append(SourceText(
                    text_key(value), lang or _country_language(str(r["country"])), value,
                    str(r["country"]), str(r["cycle"]), table, col,
                    area if isinstance(area, str) else None,
                    ref if isinstance(ref, str) else None, bool(is_nd),
                    int(r["submission_id"]) if pd.notna(r.get("submission_id")) else None))
    return out


def untranslated(texts: Iterable[SourceText], memory: TranslationMemory
                 ) -> list[SourceText]:
    """The texts the memory has no entry for, each text once (its first place)."""
    seen: set[str] = set()
    out = []
    for t in texts:
        if t.key in memory.entries or t.key in seen:
            continue
        seen.add(t.key)
        out.append(t)
    return out


def check_memory(memory: TranslationMemory, texts: Iterable[SourceText]) -> list[str]:
    """The memory's warnings, and one for each entry whose hash matches no text of the
    store (``texts``: :func:`store_texts`), naming the entry by hash and line (never by
    its text, which may be not for dissemination)."""
    known = {t.key for t in texts}
    out = list(memory.warnings)
    for e in memory.entries.values():
        if e.key not in known:
            where = f"{memory.path}, line {e.line}" if e.line else str(memory.path)
            out.append(f"{where}: entry {e.key} ({LANGUAGES.get(e.language, e.language)}) "
                       "matches no text of the store: kept, but nothing quotes it (a "
                       "superseded submission, or an original edited by hand)")
    return out


def status_table(texts: Iterable[SourceText], memory: TranslationMemory) -> pd.DataFrame:
    """Per language: the distinct texts of the store in it, how many are translated (and
    of those, by machine) and how many are not; a row ``all`` at the end."""
    rows: dict[str, dict[str, Any]] = {}
    seen: set[str] = set()
    for t in texts:
        if t.key in seen:
            continue
        seen.add(t.key)
        r = rows.setdefault(t.language, {"language": t.language,
                                         "name": LANGUAGES.get(t.language, t.language),
                                         "texts": 0, "translated": 0, "machine": 0,
                                         "untranslated": 0})
        r["texts"] += 1
        e = memory.entries.get(t.key)
        if e is None:
            r["untranslated"] += 1
        else:
            r["translated"] += 1
            r["machine"] += int(e.machine)
    df = pd.DataFrame(sorted(rows.values(), key=lambda r: r["name"]),
                      columns=["language", "name", "texts", "translated", "machine",
                               "untranslated"])
    total = {"language": "all", "name": "", **{c: int(df[c].sum()) for c in
                                               ("texts", "translated", "machine",
                                                "untranslated")}}
    return pd.concat([df, pd.DataFrame([total])], ignore_index=True)


# --------------------------------------------------------------------------- workbooks
def export_workbook(texts: Iterable[SourceText], path: str | os.PathLike[str]) -> int:
    """Write ``texts`` (each text once) to an .xlsx workbook for a translator: one sheet,
    columns :data:`EXPORT_COLUMNS` (english and translator blank), text cells stored as
    text (a text starting with ``=`` is never a formula). Returns the rows written."""
    from openpyxl import Workbook  # lazy: only this command writes workbooks
    from openpyxl.styles import Alignment, Font

    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise UsageError(f"{target} is not an .xlsx file name",
                         hint="give a name ending in .xlsx, e.g. --out translations.xlsx")
    wb = Workbook()
    ws = wb.active
    ws.title = _SHEET
    ws.append(list(EXPORT_COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    n = 0
    seen: set[str] = set()
    for t in texts:
        if t.key in seen:
            continue
        seen.add(t.key)
        n += 1
        ws.append([t.key, t.language, t.text, None, None])
        for cell in ws[ws.max_row][:3]:
            cell.data_type = "s"  # as text, whatever it starts with
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for col, width in zip("ABCDE", (18, 10, 70, 70, 24), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        wb.save(target)
    except OSError as exc:
        raise UsageError(f"cannot write {target} ({exc.strerror or exc})",
                         hint="choose a folder you can write to, with --out") from None
    return n


@dataclass(frozen=True)
class ImportResult:
    """What :func:`import_workbook` did: entries added and updated, rows whose english
    was blank (skipped), rows left as they were, and warnings naming the row."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    blank: int = 0
    warnings: tuple[str, ...] = ()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def import_workbook(path: str | os.PathLike[str], memory: TranslationMemory,
                    texts: Iterable[SourceText], *, translator: str | None = None,
                    machine: bool = False) -> tuple[TranslationMemory, ImportResult]:
    """Read a workbook :func:`export_workbook` wrote, filled in by a translator, into a
    copy of ``memory`` (the workbook is only read, never changed).

    A row with a blank english is skipped and counted. A row's hash is looked up among
    ``texts`` (the store's): found, the stored text is the original (whatever the row's
    original cell says); not found, a warning names the row, and the row is imported
    only if its original has that hash (else it is left out). A language octasee does
    not know is a warning naming the row. ``translator``: for rows that name none
    (else they are recorded as "not given", with a warning); ``machine``: every row
    imported is a machine translation.
    """
    from openpyxl import load_workbook  # lazy: only this command reads workbooks
    from openpyxl.utils.exceptions import InvalidFileException

    source = Path(path)
    if not source.is_file():
        raise UsageError(f"no workbook {source}", hint="give the path of the .xlsx file "
                         "'octasee translations export' wrote")
    try:
        wb = load_workbook(source, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise UsageError(f"{source} cannot be read as an .xlsx workbook ({exc})",
                         hint="save it from the spreadsheet as Excel workbook (.xlsx)"
                         ) from None
    try:
        sheet = wb[_SHEET] if _SHEET in wb.sheetnames else wb.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [_cell(v).lower() for v in next(rows, ())]
        missing = [c for c in EXPORT_COLUMNS if c not in header]
        if missing:
            raise ConfigError(f"no column {', '.join(repr(c) for c in missing)} in the "
                              "first row", where=f"{source}, sheet {sheet.title!r}, row 1",
                              hint="the first row holds the headings "
                                   + ", ".join(EXPORT_COLUMNS)
                                   + " as 'octasee translations export' wrote them")
        col = {c: header.index(c) for c in EXPORT_COLUMNS}
        known: dict[str, SourceText] = {}
        for t in texts:
            known.setdefault(t.key, t)
        added = updated = unchanged = blank = 0
        warnings: list[str] = []
        nameless: list[int] = []
        new: list[Translation] = []
        for n, values in enumerate(rows, start=2):
            row = {c: _cell(values[i]) if i < len(values) else "" for c, i in col.items()}
            if not any(row.values()):
                continue
            where = f"{source}, sheet {sheet.title!r}, row {n}"
            if not row["english"]:
                blank += 1
                continue
            key = row["hash"].lower()
            stored = known.get(key)
            if stored is not None:
                original = stored.text
            else:
                original = row["original"]
                if not original or text_key(original) != key:
                    warnings.append(f"{where}: the hash {row['hash'] or '(blank)'!r} matches "
                                    "no text of the store, nor the row's original: not "
                                    "imported (export again, and keep the hash column as "
                                    "it is)")
                    continue
                warnings.append(f"{where}: the hash {key!r} matches no text of the store: "
                                "imported, but nothing quotes it yet")
            language = (row["language"] or (stored.language if stored else "")).lower()
            if language not in LANGUAGES:
                warnings.append(f"{where}: the language {row['language'] or '(blank)'!r} is "
                                "not one octasee knows (" + ", ".join(
                                    c for c in LANGUAGES if c != "en")
                                + "); imported as written")
            who = row["translator"] or translator or ""
            if not who:
                nameless.append(n)
                who = "not given"
            entry = Translation(key, language or "und", original, row["english"], who,
                                machine)
            old = memory.entries.get(key)
            if old is None:
                added += 1
            elif (old.english, old.translator, old.machine, old.language) == (
                    entry.english, entry.translator, entry.machine, entry.language):
                unchanged += 1
                continue
            else:
                updated += 1
            new.append(entry)
        if nameless:
            shown = ", ".join(str(x) for x in nameless[:10]) + (
                " …" if len(nameless) > 10 else "")
            warnings.append(f"{source}: {len(nameless)} row{'s' if len(nameless) != 1 else ''}"
                            f" name no translator (rows {shown}): recorded as 'not given'; "
                            "fill in the translator column, or import with --translator "
                            "NAME")
    finally:
        wb.close()
    return memory.with_entries(new), ImportResult(added, updated, unchanged, blank,
                                                  tuple(warnings))
