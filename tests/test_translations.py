"""The translation memory (octasee.translations) and `octasee translations`: keys, the
file's checks and warnings, the store's texts, the translator's workbook both ways."""

from __future__ import annotations

import hashlib
import shutil
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from octasee.cli import main
from octasee.errors import ConfigError, UsageError
from octasee.samples import sample_files
from octasee.store import Store
from octasee.translations import (
    EXPORT_COLUMNS,
    Translation,
    TranslationMemory,
    check_memory,
    export_workbook,
    format_memory,
    import_workbook,
    read_memory,
    store_texts,
    text_key,
    untranslated,
    write_memory,
)
from octasee.workspace import sample_workspace as make_sample_workspace

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


def sha16(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# ----------------------------------------------------------------------------- keys
def test_key_is_sha256_of_the_normalised_text():
    assert text_key("Privremeni podatak.") == sha16("Privremeni podatak.")
    # Trimmed, runs of whitespace as one space, NFC (a decomposed č is the same text).
    assert text_key("  Privremeni \n\t podatak. ") == sha16("Privremeni podatak.")
    decomposed = unicodedata.normalize("NFD", "Začasni podatek.")
    assert decomposed != "Začasni podatek."
    assert text_key(decomposed) == sha16("Začasni podatek.")
    # Cyrillic and Latin Serbian are two texts.
    assert text_key("Привремени податак.") != text_key("Privremeni podatak.")


# ----------------------------------------------------------------------------- the file
GOOD = """\
translations:
  - hash: {key}
    language: sr
    original: Privremeni podatak.
    english: Provisional figure.
    translator: SELEC analysts
  - language: hr
    original: |-
      Prvi redak.
      Drugi redak: s dvotočkom.
    english: "First line. Second line: with a colon."
    translator: A. Translator
    machine: true
"""


def test_reads_a_good_file(tmp_path):
    path = tmp_path / "translations.yaml"
    path.write_text(GOOD.format(key=sha16("Privremeni podatak.")), "utf-8")
    memory = read_memory(tmp_path)
    assert memory.exists and len(memory) == 2 and memory.warnings == ()
    e = memory.lookup(" Privremeni  podatak. ")
    assert (e.language, e.english, e.translator, e.machine, e.line) == (
        "sr", "Provisional figure.", "SELEC analysts", False, 2)
    m = memory.lookup("Prvi redak.\nDrugi redak: s dvotočkom.")
    assert m.machine and m.key == sha16("Prvi redak. Drugi redak: s dvotočkom.")


def test_write_and_read_back(tmp_path):
    entries = [Translation.of("Prvi redak.\nDrugi: redak # ne komentar", "Two lines.",
                              language="hr", translator="T"),
               Translation.of("'Navodnici' i \"drugi\"", "Quotes.", language="sr",
                              translator="T", machine=True)]
    memory = TranslationMemory(tmp_path / "translations.yaml").with_entries(entries)
    path = write_memory(memory)
    again = read_memory(path)
    assert {k: (e.original, e.english, e.machine) for k, e in again.entries.items()} == {
        e.key: (e.original, e.english, e.machine) for e in entries}
    assert again.text.startswith("# The translation memory of this workspace")


@pytest.mark.parametrize(("text", "where", "what"), [
    ("translations:\n  - language: sr\n    original: X\n    englsh: Y\n    translator: T\n",
     "line 4", "unknown key 'englsh' in an entry; did you mean 'english'?"),
    ("translations:\n  - language: sr\n    original: X\n    translator: T\n",
     "line 2", "'english' is missing in an entry; add english: and the English text"),
    ("translations:\n  - language: sr\n    original: X\n    english: ''\n    translator: T\n",
     "line 4", "english is empty"),
    ("translations:\n  - language: sr\n    original: X\n    english: Y\n    translator: T\n"
     "    machine: maybe\n", "line 6", "machine is not true or false"),
    ("translations:\n  - language: sr\n    original: X: Y\n    english: Z: W\n",
     "line 3", "not valid YAML"),
    ("translations:\n  - language: sr\n    original: X\n    english: Y\n    translator: T\n"
     "  - language: sr\n    original: ' X '\n    english: Y\n    translator: T\n",
     "line 6", "the same original text is given twice; it is first given on line 2"),
    ("- language: sr\n", "line 1", "does not start with 'translations:'"),
])
def test_bad_file_names_file_line_and_fix(tmp_path, text, where, what):
    path = tmp_path / "translations.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(ConfigError) as err:
        read_memory(tmp_path)
    assert f"{path}, {where}" in err.value.message
    assert what in err.value.message


def test_doubtful_entries_are_warnings_naming_the_entry(tmp_path):
    path = tmp_path / "translations.yaml"
    path.write_text("translations:\n"
                    "  - hash: deadbeefdeadbeef\n    language: sr\n    original: Prvi.\n"
                    "    english: First.\n    translator: T\n"
                    "  - language: xx\n    original: Drugi.\n    english: Second.\n"
                    "    translator: T\n", "utf-8")
    memory = read_memory(tmp_path)
    assert len(memory) == 2  # both kept
    first, second = memory.warnings
    assert first.startswith(f"{path}, line 2: entry 'deadbeefdeadbeef': the hash does not "
                            f"match its original text (whose hash is {sha16('Prvi.')})")
    assert memory.lookup("Prvi.").english == "First."  # kept under its original's hash
    assert second.startswith(f"{path}, line 7: entry {sha16('Drugi.')}: the language 'xx' "
                             "is not one octasee knows")


# ----------------------------------------------------------------------------- the store
@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    """A sample workspace with the 2013-2017 cycle and no translation memory."""
    w = make_sample_workspace(tmp_path_factory.mktemp("translations") / "ws")
    (w.path / "translations.yaml").unlink()
    with Store(w.store_path) as store:
        store.ingest(sample_files("2013-2017"), jobs=1)
    return w


def texts_of(ws):
    with Store(ws.store_path, read_only=True) as store:
        return store_texts(store)


def test_store_texts_of_the_sample(ws):
    texts = texts_of(ws)
    routes = {(t.country, t.text) for t in texts if t.table == "routes"}
    # The routes' texts in the country's language (generate.py's MO_NATIVE); every
    # English one is left out.
    assert routes == {
        ("TR", "Göçmenler lastik botlarla Ege adalarına geçirilmektedir."),
        ("RO", "Țigaretele sunt ascunse în camioane cu cherestea.")}
    assert {t.language for t in texts if t.table == "routes"} == {"tr", "ro"}
    rs = {t.column for t in texts if t.table == "assessments" and t.country == "RS"}
    assert rs == {"situation", "trends", "expected_threats"}
    # Romania's excise assessment is marked not for dissemination.
    assert any(t.nd for t in texts if t.country == "RO" and t.table == "assessments")


def test_sample_memory_covers_every_text_of_both_cycles():
    store = Store(":memory:")
    for c in ("2009-2012", "2013-2017"):
        store.ingest(sample_files(c), jobs=1)
    texts = store_texts(store)
    memory = read_memory(SAMPLES / "translations.yaml")
    assert untranslated(texts, memory) == []
    assert check_memory(memory, texts) == []
    assert {e.translator for e in memory} == {"SELEC analysts (sample)"}
    # A few checked by hand against generate.py's templates.
    assert memory.lookup("Date provizorii.").english == "Provisional data."
    assert memory.lookup("Göçmenler lastik botlarla Ege adalarına geçirilmektedir."
                         ).english == "Migrants are taken across to the Aegean islands in " \
                                      "rubber boats."
    hu = next(e for e in memory if e.language == "hu" and e.original.startswith(
        "A 2009–2012 közötti időszakban a „kokainkereskedelem”"))
    assert hu.english == ("In 2009-2012, 113 criminal cases were opened in the area of "
                          "cocaine trafficking and 157 persons were arrested. The indicator "
                          "\"quantity seized (kg)\" stood at 39.5 in 2012.")


def test_hash_matching_no_stored_text_is_a_warning(ws, tmp_path):
    path = tmp_path / "translations.yaml"
    path.write_text(format_memory([Translation.of("Nije u skladištu.", "Not stored.",
                                                  language="hr", translator="T")]), "utf-8")
    memory = read_memory(path)
    (warning,) = check_memory(memory, texts_of(ws))
    line = memory.lookup("Nije u skladištu.").line
    assert warning.startswith(f"{path}, line {line}: entry {sha16('Nije u skladištu.')} "
                              "(Croatian) matches no text of the store")
    assert "Nije u skladištu" not in warning  # named by hash, never by its text


# ----------------------------------------------------------------------------- workbooks
def test_export_then_import_round_trip(ws, tmp_path):
    texts = texts_of(ws)
    memory = read_memory(ws)
    todo = untranslated(texts, memory)
    book = tmp_path / "todo.xlsx"
    assert export_workbook(todo, book) == len({t.key for t in texts}) == len(todo)
    wb = load_workbook(book)
    sheet = wb.active
    assert [c.value for c in sheet[1]] == list(EXPORT_COLUMNS)
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[2], r[3], r[4]) for r in rows] == [
        (t.key, t.language, t.text, None, None) for t in todo]
    # The translator fills in two rows, one with a translator's name; one row's hash
    # is changed (and so matches nothing), another is a text the store does not hold.
    sheet.cell(2, 4, "English one.")
    sheet.cell(2, 5, "Ana")
    sheet.cell(3, 4, "English two.")
    sheet.cell(4, 1, "ffffffffffffffff")
    sheet.cell(4, 4, "Lost.")
    sheet.append([sha16("Novi tekst."), "hr", "Novi tekst.", "New text.", "Ana"])
    wb.save(book)
    before = book.read_bytes()
    new, result = import_workbook(book, memory, texts, translator="Team")
    assert book.read_bytes() == before  # the workbook is only read
    assert (result.added, result.updated, result.unchanged) == (3, 0, 0)
    assert result.blank == len(todo) - 3  # every other row: english blank
    lost, extra = result.warnings
    assert lost.startswith(f"{book}, sheet 'Translations', row 4: the hash 'ffffffffffffffff' "
                           "matches no text of the store, nor the row's original: not "
                           "imported")
    assert extra.startswith(f"{book}, sheet 'Translations', row {len(todo) + 2}: the hash "
                            f"'{sha16('Novi tekst.')}' matches no text of the store: imported")
    one, two = new.lookup(todo[0].text), new.lookup(todo[1].text)
    assert (one.english, one.translator, one.language) == ("English one.", "Ana",
                                                           todo[0].language)
    assert (two.english, two.translator) == ("English two.", "Team")
    # Written and read back: the next export leaves the translated texts out.
    write_memory(new)
    again = read_memory(ws)
    assert len(again) == 3
    assert len(untranslated(texts, again)) == len(todo) - 2
    # The same workbook again changes nothing.
    _, same = import_workbook(book, again, texts, translator="Team")
    assert (same.added, same.updated, same.unchanged) == (0, 0, 3)
    (ws.path / "translations.yaml").unlink()


def test_import_refuses_a_workbook_without_the_columns(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["hash", "original", "english"])
    wb.save(tmp_path / "x.xlsx")
    with pytest.raises(ConfigError) as err:
        import_workbook(tmp_path / "x.xlsx", TranslationMemory(tmp_path / "t.yaml"), [])
    assert err.value.message.startswith(
        f"{tmp_path / 'x.xlsx'}, sheet 'Sheet', row 1: no column 'language', 'translator' "
        "in the first row")
    with pytest.raises(UsageError, match="no workbook"):
        import_workbook(tmp_path / "missing.xlsx", TranslationMemory(tmp_path / "t.yaml"), [])


# ----------------------------------------------------------------------------- the command
def test_cli_export_import_status(ws, tmp_path):
    runner = CliRunner()
    book = tmp_path / "cli.xlsx"
    out = runner.invoke(main, ["translations", "export", "--workspace", str(ws.path),
                               "--out", str(book)])
    assert out.exit_code == 0, out.output
    n = len({t.key for t in texts_of(ws)})
    assert f"wrote {book}: {n} texts to translate (" in out.output
    wb = load_workbook(book)
    wb.active.cell(2, 4, "Translated.")
    wb.save(book)
    out = runner.invoke(main, ["translations", "import", str(book), "--workspace",
                               str(ws.path), "--translator", "Ana", "--machine"])
    assert out.exit_code == 0, out.output
    assert f"{ws.path / 'translations.yaml'}: 1 translation added, 0 updated" in out.output
    assert f"{n - 1} rows skipped: english is blank" in out.output
    entry = next(iter(read_memory(ws)))
    assert (entry.english, entry.translator, entry.machine) == ("Translated.", "Ana", True)
    out = runner.invoke(main, ["translations", "status", "--workspace", str(ws.path)])
    assert out.exit_code == 0, out.output
    last = next(line for line in out.output.splitlines() if "│ all" in line)
    assert [c.strip() for c in last.split("│")[1:-1]] == ["all", "", str(n), "1", "1",
                                                          str(n - 1)]
    assert f"{n - 1} to translate" in out.output
    # A memory that cannot be read: the message, no traceback.
    (ws.path / "translations.yaml").write_text("translations:\n  - language: sr\n", "utf-8")
    out = runner.invoke(main, ["translations", "status", "--workspace", str(ws.path)])
    assert out.exit_code == 1
    assert f"{ws.path / 'translations.yaml'}, line 2: 'original' is missing" in out.output
    assert "Traceback" not in out.output
    (ws.path / "translations.yaml").unlink()


def test_sample_workspace_ships_the_memory(tmp_path):
    w = make_sample_workspace(tmp_path / "s")
    assert (w.path / "translations.yaml").read_bytes() == (
        SAMPLES / "translations.yaml").read_bytes()
    shutil.rmtree(w.path)
