"""Country names as the members write them: local languages, scripts, Unicode forms, lists.

A liaison officer fills a nationality or route column in his own language (``Сирија``,
``Avganistan``, ``Szíria``); that must resolve to the right ISO code, and a name the
reference does not know must never be "corrected" into a different country.
"""

from __future__ import annotations

import csv
import unicodedata
from importlib import resources

import pycountry
import pytest

from octasee import reference as ref
from octasee.errors import ReferenceDataError
from octasee.reference import MEMBER_CODES, resolve_country, resolve_world_country

# The member languages (Moldova writes Romanian; Montenegro writes Montenegrin, which
# CLDR carries as ijekavian Serbian) and the countries the brief asks for.
MEMBER_LANGUAGES = ("sq", "bs", "hr", "sr-Latn", "sr-Cyrl", "cnr", "bg", "el", "hu", "ro",
                    "mk", "sl", "tr")
ROUTE_COUNTRIES = (
    "AF", "PK", "SY", "IQ", "IR", "MA", "NG", "UA", "RU", "XK", "CO", "BR", "NL", "DE", "IT",
    "AT", "EC", "ES", "BE", "FR", "CH", "CN", "IN", "BD", "DZ", "TN", "LY", "EG", "PE", "BO",
    "VE", "GE", "AM", "AZ", "PL", "CZ", "SK", "GB", "US", "IL", "LB", "PS", "SO", "ER", "SD",
    "KZ", "UZ",
)


def _alias_rows() -> list[dict[str, str]]:
    text = resources.files("octasee.reference").joinpath("world_aliases.csv").read_text("utf-8")
    return list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))


def _suggestions(fn, name) -> list[str]:
    with pytest.raises(ReferenceDataError) as exc:
        fn(name)
    return exc.value.suggestions


# --- 1. local-language names of non-member countries ---------------------------------------

@pytest.mark.parametrize(("name", "code"), [
    # Syria, Afghanistan: the measured defect
    ("Сирија", "SY"), ("Sirija", "SY"), ("Siria", "SY"), ("Siri", "SY"), ("Сирия", "SY"),
    ("Συρία", "SY"), ("Szíria", "SY"), ("Suriye", "SY"),
    ("Авганистан", "AF"), ("Avganistan", "AF"), ("Afganistan", "AF"), ("Афганистан", "AF"),
    ("Αφγανιστάν", "AF"), ("Afganisztán", "AF"), ("Afganistani", "AF"),
    ("Пакистан", "PK"), ("Πακιστάν", "PK"), ("Pakisztán", "PK"),
    ("Ирак", "IQ"), ("Irak", "IQ"), ("Ιράκ", "IQ"), ("Iraku", "IQ"),
    ("Иран", "IR"), ("İran", "IR"), ("Irán", "IR"), ("Ιράν", "IR"),
    ("Мароко", "MA"), ("Maroko", "MA"), ("Maroc", "MA"), ("Marokkó", "MA"), ("Fas", "MA"),
    ("Нигерија", "NG"), ("Nijerya", "NG"), ("Нигерия", "NG"), ("Νιγηρία", "NG"),
    ("Украјина", "UA"), ("Ukrajina", "UA"), ("Украйна", "UA"), ("Украина", "UA"),
    ("Ukrajna", "UA"), ("Ucraina", "UA"), ("Ukrayna", "UA"), ("Ουκρανία", "UA"),
    ("Ukrainë", "UA"),
    ("Русија", "RU"), ("Rusija", "RU"), ("Русия", "RU"), ("Oroszország", "RU"),
    ("Rusya", "RU"), ("Ρωσία", "RU"), ("Rusia", "RU"), ("Ruska Federacija", "RU"),
    ("Косово", "XK"), ("Kosova", "XK"), ("Kosovë", "XK"), ("Koszovó", "XK"),
    ("Κοσσυφοπέδιο", "XK"), ("Kosovo*", "XK"), ("Kosovo (UNSCR 1244/99)", "XK"),
    ("Kolumbija", "CO"), ("Columbia", "CO"), ("Kolombiya", "CO"), ("Κολομβία", "CO"),
    ("Бразил", "BR"), ("Brazilija", "BR"), ("Brezilya", "BR"), ("Brazília", "BR"),
    ("Nizozemska", "NL"), ("Holandija", "NL"), ("Холандија", "NL"), ("Hollanda", "NL"),
    ("Țările de Jos", "NL"), ("Olanda", "NL"), ("Ολλανδία", "NL"), ("Нидерландия", "NL"),
    ("Njemačka", "DE"), ("Немачка", "DE"), ("Nemčija", "DE"), ("Németország", "DE"),
    ("Almanya", "DE"), ("Gjermania", "DE"), ("Германия", "DE"), ("Γερμανία", "DE"),
    ("Italija", "IT"), ("Olaszország", "IT"), ("İtalya", "IT"), ("Италия", "IT"),
    ("Austrija", "AT"), ("Аустрија", "AT"), ("Avstrija", "AT"), ("Ausztria", "AT"),
    ("Avusturya", "AT"), ("Αυστρία", "AT"), ("Австрия", "AT"), ("Австрија", "AT"),
    ("Ekvador", "EC"), ("Španjolska", "ES"), ("Španija", "ES"), ("Švicarska", "CH"),
    ("Švajcarska", "CH"), ("Kitajska", "CN"), ("Çin", "CN"), ("Hindistan", "IN"),
    ("Alžir", "DZ"), ("Cezayir", "DZ"), ("Mısır", "EG"), ("Egipat", "EG"), ("Gruzija", "GE"),
    ("Gürcistan", "GE"), ("Jermenija", "AM"), ("Ermenistan", "AM"), ("Azerbejdžan", "AZ"),
    ("Poljska", "PL"), ("Lengyelország", "PL"), ("Češka", "CZ"), ("Çekya", "CZ"),
    ("Slovaška", "SK"), ("Velika Britanija", "GB"), ("İngiltere", "GB"), ("SAD", "US"),
    ("САЩ", "US"), ("ABD", "US"), ("ΗΠΑ", "US"), ("SHBA", "US"), ("ZDA", "US"),
    ("Izrael", "IL"), ("Lübnan", "LB"), ("Palestina", "PS"), ("Палестина", "PS"),
    ("Somalija", "SO"), ("Eritreja", "ER"), ("Судан", "SD"), ("Kazahstan", "KZ"),
    ("Özbekistan", "UZ"),
])
def test_local_language_names_resolve(name, code):
    assert resolve_world_country(name) == code


@pytest.mark.parametrize(("name", "code"), [
    ("Szerbia", "RS"), ("Sırbistan", "RS"), ("Σερβία", "RS"), ("Serbi", "RS"),
    ("Horvátország", "HR"), ("Hırvatistan", "HR"), ("Хърватия", "HR"), ("Hrvaška", "HR"),
    ("Kroacia", "HR"), ("Rumunjska", "RO"), ("Romunija", "RO"), ("Романија", "RO"),
    ("Muntenegru", "ME"), ("Μαυροβούνιο", "ME"), ("Črna gora", "ME"), ("Черна гора", "ME"),
    ("Kuzey Makedonya", "MK"), ("Észak-Macedónia", "MK"), ("ΠΓΔΜ", "MK"),
    ("Turqia", "TR"), ("Törökország", "TR"), ("Bullgaria", "BG"), ("Bolgarija", "BG"),
    ("Görögország", "GR"), ("Grčija", "GR"), ("Bosna in Hercegovina", "BA"),
    ("Bosnia și Herțegovina", "BA"), ("Βοσνία - Ερζεγοβίνη", "BA"), ("Albánia", "AL"),
    ("Sllovenia", "SI"), ("Szlovénia", "SI"), ("Унгарија", "HU"), ("Moldavija", "MD"),
])
def test_members_in_each_others_languages(name, code):
    assert resolve_country(name) == code
    assert resolve_world_country(name) == code


def test_every_route_country_is_named_in_every_member_language():
    rows = _alias_rows()
    assert set(rows[0]) >= {"iso2", "alias", "language"}
    have = {(r["iso2"], r["language"]) for r in rows}
    missing = [(c, lang) for c in ROUTE_COUNTRIES for lang in MEMBER_LANGUAGES
               if (c, lang) not in have]
    assert not missing
    missing = [(c, lang) for c in MEMBER_CODES for lang in MEMBER_LANGUAGES
               if (c, lang) not in have]
    assert not missing


def test_every_alias_resolves_to_its_own_country_and_no_foreign_name_to_a_member():
    wrong = []
    for r in _alias_rows():
        assert r["iso2"] == "XK" or pycountry.countries.get(alpha_2=r["iso2"]), r
        assert r["alias"] == r["alias"].strip() and r["alias"], r
        if resolve_world_country(r["alias"]) != r["iso2"]:
            wrong.append(r)
        if r["iso2"] in MEMBER_CODES:
            if resolve_country(r["alias"]) != r["iso2"]:
                wrong.append(r)
        else:
            with pytest.raises(ReferenceDataError):
                resolve_country(r["alias"])  # "Сирија" is not Serbia, "Austrija" no member
    assert not wrong


def test_kosovo_is_xk_everywhere():
    for name in ("Kosovo", "XK", "XKX", "Косово", "Kosova", "Kosovë", "Κόσοβο",
                 "Kosovo under UNSCR 1244/99", "Kosovo i Metohija"):
        assert resolve_world_country(name) == "XK", name
    # Named with the asterisk of the standard footnote (the report adds the footnote).
    assert ref.country_name("XK") == "Kosovo*"
    assert resolve_world_country(ref.country_name("XK")) == "XK"
    with pytest.raises(ReferenceDataError):
        resolve_country("Kosovo")  # not a SELEC member


# --- 2. suggestions: close, unambiguous, never a different country by accident ------------

def test_syria_in_serbian_is_syria_not_serbia():
    assert resolve_world_country("Сирија") == "SY"
    assert resolve_world_country("Sirija") == "SY"
    with pytest.raises(ReferenceDataError) as exc:
        resolve_country("Сирија")
    assert exc.value.suggestions == [] and "did you mean" not in str(exc.value)
    assert "Syria (SY) is not a SELEC member" in str(exc.value)


def test_a_typo_gets_one_suggestion_in_its_own_script():
    assert _suggestions(resolve_country, "Serbja") == ["Serbia (RS)"]
    assert _suggestions(resolve_world_country, "Serbja") == ["Serbia (RS)"]
    assert _suggestions(resolve_country, "Србја") == ["Serbia (RS)"]
    assert _suggestions(resolve_world_country, "Сербија") == ["Serbia (RS)"]
    assert _suggestions(resolve_world_country, "Сирја") == ["Syria (SY)"]
    assert _suggestions(resolve_world_country, "Pakistn") == ["Pakistan (PK)"]
    assert _suggestions(resolve_world_country, "Afganstan") == ["Afghanistan (AF)"]


def test_no_suggestion_when_two_countries_are_as_close():
    # Срија is one letter from Сирија (Syria) and one from Србија (Serbia): no guess.
    assert _suggestions(resolve_world_country, "Срија") == []
    assert _suggestions(resolve_world_country, "Сирбија") == []
    # Against the members alone, a word far from Србија gets no Serbia either.
    assert _suggestions(resolve_country, "Сирја") == []


def test_no_suggestion_when_nothing_is_close():
    for name in ("Atlantis", "Марс", "Irkutsk", "Ατλαντίδα"):
        assert _suggestions(resolve_world_country, name) == []


def test_crime_area_suggestions_follow_the_same_rule():
    assert _suggestions(ref.resolve_crime_area, "cocain") == ["cocaine"]
    assert _suggestions(ref.resolve_crime_area, "weather") == []


def test_questionnaire_messages_see_the_new_names():
    from octasee.questionnaire import normalise as nz

    assert nz.parse_world_country("Сирија") == "SY"
    assert nz.parse_countries("Авганистан; Иран; Турска") == ("AF", "IR", "TR")
    with pytest.raises(Exception) as exc:
        nz.parse_world_country("Срија")
    assert "Serbia" not in str(exc.value)


# --- 3. comma-containing official names -----------------------------------------------------

COMMA_NAMES = {
    "Moldova, Republic of": "MD", "Iran, Islamic Republic of": "IR",
    "Korea, Republic of": "KR", "Congo, The Democratic Republic of the": "CD",
    "Taiwan, Province of China": "TW", "Bolivia, Plurinational State of": "BO",
    "Venezuela, Bolivarian Republic of": "VE",
}


@pytest.mark.parametrize(("name", "code"), COMMA_NAMES.items())
def test_comma_names_resolve_in_a_single_country_cell(name, code):
    assert resolve_world_country(name) == code


def test_split_countries_keeps_comma_names_together():
    split = ref.split_countries
    assert split("Moldova, Republic of; Iran, Islamic Republic of") == [
        "Moldova, Republic of", "Iran, Islamic Republic of"]
    assert split("Serbia, Moldova, Republic of, Austria") == [
        "Serbia", "Moldova, Republic of", "Austria"]
    assert split(", ".join(COMMA_NAMES)) == list(COMMA_NAMES)
    assert split("Korea, Republic of / Bosnia-Herzegovina") == [
        "Korea, Republic of", "Bosnia-Herzegovina"]
    assert split("Βοσνία - Ερζεγοβίνη, Σερβία") == ["Βοσνία - Ερζεγοβίνη", "Σερβία"]


def test_split_countries_separators():
    split = ref.split_countries
    assert split("Afghanistan -> Iran → Turkey > Bulgaria - Serbia / Hungary | Austria\n"
                 "Germany;Italy") == ["Afghanistan", "Iran", "Turkey", "Bulgaria", "Serbia",
                                      "Hungary", "Austria", "Germany", "Italy"]
    assert split("Guinea-Bissau, Timor-Leste") == ["Guinea-Bissau", "Timor-Leste"]
    assert split("Сирија – Турска — Грчка") == ["Сирија", "Турска", "Грчка"]
    assert split("- Serbia\n- Croatia\n") == ["Serbia", "Croatia"]
    assert split("Serbia, Atlantis") == ["Serbia", "Atlantis"]  # unknown parts stay
    assert split("") == [] and split("  ;, ") == []


# --- 4. Unicode normal forms and look-alike letters --------------------------------------

@pytest.mark.parametrize("form", ["NFC", "NFD", "NFKC", "NFKD"])
@pytest.mark.parametrize(("name", "code"), [
    ("Türkiye", "TR"), ("Shqipëria", "AL"), ("Hrvatska", "HR"), ("Česká republika", "CZ"),
    ("Србија", "RS"), ("Сирија", "SY"), ("Јерменија", "AM"), ("Украйна", "UA"),
    ("Йордания", "JO"), ("Ελλάδα", "GR"), ("Αζερμπαϊτζάν", "AZ"), ("România", "RO"),
    ("Țările de Jos", "NL"), ("Ţările de Jos", "NL"), ("Magyarország", "HU"),
    ("Mađarska", "HU"), ("Njemačka", "DE"), ("Kosovë", "XK"),
])
def test_nfc_and_nfd_input(name, code, form):
    text = unicodedata.normalize(form, name)
    assert resolve_world_country(text) == code
    if code in MEMBER_CODES:
        assert resolve_country(text) == code


def test_latin_look_alikes_inside_a_cyrillic_word():
    # "Србиjа" typed with a Latin j (U+006A) instead of the Cyrillic ј (U+0458).
    assert resolve_country("Србиjа") == "RS"
    assert resolve_world_country("Cирија") == "SY"  # Latin C
    assert resolve_world_country("Sеrbia") == "RS"  # Cyrillic е in a Latin word
    assert ref.name_key("BiH") == "bih"


def test_dj_is_the_ascii_spelling_of_dj():
    assert resolve_country("Madjarska") == resolve_country("MAĐARSKA") == "HU"
    assert resolve_world_country("Kosovo i Metohija") == "XK"


# --- the table guards itself -----------------------------------------------------------------

def _clear() -> None:
    for fn in (ref._world_aliases, ref._member_index, ref._world_index):
        fn.cache_clear()


@pytest.mark.parametrize(("iso2", "alias"), [("SY", "Srbija"), ("RS", "Hrvatska"),
                                             ("RU", "Сирия"), ("QQ", "Nowhere")])
def test_an_alias_that_names_two_countries_is_refused(monkeypatch, iso2, alias):
    rows = (*ref._world_aliases(),
            {"iso2": iso2, "alias": alias, "language": "xx", "source": "test"})
    _clear()
    monkeypatch.setattr(ref, "_world_aliases", lambda: rows)
    try:
        with pytest.raises(ReferenceDataError, match="world_aliases.csv"):
            ref._world_index()
    finally:
        monkeypatch.undo()
        _clear()
    assert resolve_world_country("Srbija") == "RS"
