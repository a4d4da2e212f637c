"""Annex D, the original texts: what member countries wrote in their own language, beside
the English the report quotes.

The chapters quote a country's own words in English where the workspace's translation
memory (``translations.yaml``, :mod:`octasee.translations`) has a translation, marked
"(translated from Serbian)", and as written otherwise ("(in Croatian, not yet
translated)"; :meth:`Chapter.quote <octasee.chapters.context.Chapter.quote>`). This annex
lists every such text of the cycle that the chapters may quote (assessments: the
situation and the expected threats; routes: the modus operandi) with its language, the
original, the English shown and who translated it. The restricted edition also lists
the texts still untranslated, with the command that exports them for a translator. The
public edition shows neither what is not for dissemination (:meth:`Chapter.rows`) nor a
number that could give away a withheld figure (:meth:`Chapter.mask`), in the original as
in the English.
"""

from __future__ import annotations

import pandas as pd

from octasee.chapters import context as _context
from octasee.chapters.context import Chapter
from octasee.reference import country, crime_area
from octasee.translations import language_name, read_memory, reads_as_english, text_key

__all__ = ["original_texts", "quoted_texts"]

#: The free texts the chapters quote: (store table, column, what the annex calls it).
QUOTED = (("assessments", "situation", "Situation"),
          ("assessments", "expected_threats", "Expected threats"),
          ("routes", "modus_operandi", "Modus operandi"))
_COLUMNS = ["country", "crime_area", "part", "language", "original", "english", "note",
            "translator", "translated", "nd", "key"]


def _area(code: object) -> str:
    try:
        return crime_area(str(code)).label
    except Exception:  # a crime area the reference data does not know: as written
        return str(code)


def quoted_texts(ch: Chapter) -> pd.DataFrame:
    """The texts of the chapter's cycle and countries in another language than English
    that the chapters may quote (:data:`QUOTED`), in this edition's rows: one row each,
    with ``country``, ``crime_area``, ``part`` (what the text is), ``language`` (its
    code), ``original``, ``english`` (the English shown; None if untranslated), ``note``
    (the attribution note, :meth:`Chapter.english`), ``translator``, ``translated``,
    ``nd`` and ``key`` (:func:`~octasee.translations.text_key`). An assessment's
    language is its Language column; a route text with no English words is taken to be
    in its country's language (:func:`~octasee.translations.reads_as_english`)."""
    memory = read_memory(ch.workspace)
    out = []
    for table, column, part in QUOTED:
        rows = ch.rows(table)
        if rows.empty or column not in rows.columns:
            continue
        for r in rows.to_dict("records"):
            text = r.get(column)
            if not isinstance(text, str) or not text.strip():
                continue
            if table == "assessments":
                lang = r.get("language")
                if language_name(lang) is None:
                    continue
                lang = str(lang).strip().lower()
            else:
                if reads_as_english(text):
                    continue
                lang = _country_language(str(r["country"]))
            english, note = ch.english(text, lang)
            translated = not note.startswith("in ")
            found = memory.lookup(text)
            label = part if table != "routes" or not isinstance(r.get("route_ref"), str) \
                else f"{part}, route {r['route_ref']}"
            out.append({"country": r["country"], "crime_area": r.get("crime_area"),
                        "part": label, "language": lang, "original": text,
                        "english": english if translated else None, "note": note,
                        "translator": found.translator + (" (machine)" if found.machine
                                                          else "") if found else None,
                        "translated": translated, "nd": bool(r.get("nd", False)),
                        "key": text_key(text)})
    df = pd.DataFrame(out, columns=_COLUMNS)
    if df.empty:
        return df
    df = df.assign(_name=df["country"].map(ch.name), _area=df["crime_area"].map(_area))
    return df.sort_values(["_name", "_area", "part"], kind="stable").drop(
        columns=["_name", "_area"]).reset_index(drop=True)


def _country_language(code: str) -> str:
    try:
        langs = country(code).languages
    except Exception:  # not a member: its language is not known
        return "und"
    return langs[0] if langs else "und"


def _shown(ch: Chapter, df: pd.DataFrame, columns: list[str]) -> tuple[pd.DataFrame, int]:
    """The annex's table of ``df``: names for codes, the texts as this edition shows them
    (numbers masked in the public edition), and how many numbers were left out."""
    masked = 0
    table = pd.DataFrame({
        "Country": df["country"].map(ch.name),
        "Crime area": df["crime_area"].map(_area),
        "Text": df["part"],
        "Language": df["language"].map(lambda c: language_name(c) or c),
    })
    for src, name in (("original", "Original"), ("english", "English shown"),
                      ("translator", "Translated by")):
        if name not in columns:
            continue
        values = []
        for text, code in zip(df[src], df["country"], strict=True):
            if isinstance(text, str) and src != "translator":
                text, n = ch.mask(text, country=code)
                masked += n
            values.append(text)
        table[name] = values
    return table.reset_index(drop=True), masked


def original_texts(ch: Chapter) -> None:
    """Annex D: the texts the report quotes in translation, with their originals; in the
    restricted edition also those not yet translated (see the module docstring)."""
    ch.notice()  # what the cycle's data cover, as every chapter resting on them says
    if ch.empty:
        return
    df = quoted_texts(ch)
    if df.empty:
        ch.say("No member country wrote an assessment or a route description of cycle "
               "{cycle} in another language than English: the report quotes every text as "
               "written.", cycle=ch.cycle.code)
        return
    done = df[df["translated"]]
    todo = df[~df["translated"]]
    languages = sorted({language_name(c) or c for c in df["language"]})
    ch.say("Member countries may answer the questionnaire in their own language. The "
           "report quotes the English of such a text, marked \"translated from\" its "
           "language, where the translation memory of this assessment has one, and the "
           "original otherwise, marked \"not yet translated\". Of the {n} texts of cycle "
           "{cycle} the chapters may quote in another language ({langs}), {k} are "
           "translated.", n=len(df), cycle=ch.cycle.code, langs=", ".join(languages),
           k=len(done))
    if len(done):
        shown, masked = _shown(ch, done, ["Original", "English shown", "Translated by"])
        nd = pd.DataFrame(False, index=shown.index, columns=shown.columns)
        nd["Original"] = done["nd"].to_numpy()
        ch.show_table(shown, "Texts the member countries wrote in another language, with "
                      "their English translation",
                      source="submissions", nd=nd, key="tab:translations:quoted",
                      data=ch.source_rows(*_sources(ch, done)))
        note = ch._masked_note(masked)
        if note:
            _context._html(note)
    if len(todo) and not ch.public:
        shown, _ = _shown(ch, todo, ["Original"])
        nd = pd.DataFrame(False, index=shown.index, columns=shown.columns)
        nd["Original"] = todo["nd"].to_numpy()
        ch.show_table(shown, "Country texts not yet translated (quoted as written)",
                      source="submissions", nd=nd, key="tab:translations:untranslated",
                      data=ch.source_rows(*_sources(ch, todo)))
    elif len(todo):
        ch.say("{k} of these texts {verb} not yet translated: the chapters quote "
               "{them} as written, marked with {its} language.", k=len(todo),
               verb="is" if len(todo) == 1 else "are", them="it" if len(todo) == 1
               else "them", its="its" if len(todo) == 1 else "their")


def _sources(ch: Chapter, df: pd.DataFrame) -> list[pd.DataFrame]:
    """The store rows behind the texts of ``df`` (restricted edition: for the data file)."""
    frames = []
    keys = set(df["key"])
    for table in ("assessments", "routes"):
        columns = [c for t, c, _ in QUOTED if t == table]
        rows = ch.rows(table)
        if rows.empty:
            continue
        hit = pd.Series(False, index=rows.index)
        for c in columns:
            if c in rows.columns:
                hit |= rows[c].map(lambda x: isinstance(x, str) and text_key(x) in keys)
        if hit.any():
            frames.append(rows[hit].assign(table=table))
    return frames
