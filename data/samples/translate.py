"""Write ``data/samples/translations.yaml``: the sample workspace's translation memory.

Every text of the two sample cycles that a country wrote in its own language (the
assessments' situation, trends and expected threats; the routes' modus operandi; the
indicators' comments) gets its English. The texts come from ``generate.py``'s templates
(``NATIVE``, ``MO_NATIVE``, ``COMMENTS_NATIVE``), so their English is the English of
the template with the same figures: each stored text is matched against its language's
template (Serbian Cyrillic read back into Latin first), the fields are read out of it
(period, years, crime area, indicator, figures written the language's way, trend), and
the English template below is filled with them (figures written the English way:
1,234.5). A text that matches no template stops the script.

Run (deterministic; the output is committed)::

    .venv/bin/python data/samples/translate.py
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
if str(REPO) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(REPO))
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import generate as G  # noqa: E402

from octasee.samples import sample_cycles, sample_files  # noqa: E402
from octasee.store import Store  # noqa: E402
from octasee.translations import (  # noqa: E402
    Translation,
    TranslationMemory,
    format_memory,
    store_texts,
)

OUT = HERE / "translations.yaml"
TRANSLATOR = "SELEC analysts (sample)"

#: The English of NATIVE's templates (every language's template says the same).
SITUATION = ("In {p1}-{p2}, {cases} criminal cases were opened in the area of {area} and "
             "{arrests} persons were arrested. The indicator \"{metric}\" stood at {v2} in "
             "{y2}.")
TRENDS = ("The indicator \"{metric}\" moved from {v1} ({y1}) to {v2} ({y2}), which points "
          "to a {trend} trend.")
EXPECTED = ("Criminal groups are expected to keep using the existing routes and to rely "
            "more and more on encrypted communication applications.")
AREA = {"heroin": "heroin trafficking", "cocaine": "cocaine trafficking",
        "cannabis": "cannabis trafficking", "synthetic": "synthetic drugs",
        "migrant_smuggling": "migrant smuggling", "thb": "trafficking in human beings",
        "firearms": "illicit trafficking in firearms",
        "excise_goods": "smuggling of excise goods"}
METRIC = {"mass": "quantity seized (kg)", "migrants": "irregular migrants detected",
          "victims": "victims identified", "firearms": "firearms seized (pieces)",
          "cigarettes": "cigarettes seized (pieces)"}
TREND = ("rising", "falling", "stable")
MO = {
    "RS": "The drugs are hidden in purpose-built compartments in goods vehicles.",
    "HR": "Migrants are transported in vans and passenger cars across the green border.",
    "AL": "The cannabis is transported in fast boats towards Italy.",
    "TR": "Migrants are taken across to the Aegean islands in rubber boats.",
    "RO": "The cigarettes are hidden in lorries loaded with timber.",
    "HU": "The migrants are transported across the border in minibuses.",
    "BG": "The migrants are transported in lorries across the green border.",
}
COMMENTS = {
    "sr": "Provisional figure.", "hr": "Provisional figure; final data to follow.",
    "sq": "Preliminary data.", "el": "Provisional figure.", "bg": "Preliminary data.",
    "ro": "Provisional data.", "hu": "Preliminary figure.", "tr": "Provisional data.",
    "mk": "Provisional data.", "sl": "Provisional figure.", "bs": "Provisional figure.",
    "cnr": "Provisional figure.",
}

_LATIN = {v: k for k, v in G._CYR1.items()} | {"љ": "lj", "њ": "nj", "џ": "dž", "Љ": "Lj",
                                                 "Њ": "Nj", "Џ": "Dž"}


def to_latin(text: str) -> str:
    """Serbian Cyrillic back to Latin (the inverse of ``generate.to_cyrillic``)."""
    return "".join(_LATIN.get(c, c) for c in text)


def _pattern(template: str) -> re.Pattern[str]:
    """A regular expression of a template: each ``{field}`` a named group (a field given
    twice must match the same text both times)."""
    out, seen, pos = [], set(), 0
    for m in re.finditer(r"\{(\w+)\}", template):
        out.append(re.escape(template[pos:m.start()]))
        name = m.group(1)
        out.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
        seen.add(name)
        pos = m.end()
    out.append(re.escape(template[pos:]))
    return re.compile("".join(out) + r"\Z", re.S)


def english_number(text: str, lang: str) -> str:
    """A figure written the language's way (1.234,5; 1 234) written the English way."""
    sep = G.NATIVE[lang]["sep"]
    plain = text.replace(sep, "") if sep != " " else text.replace(" ", "")
    plain = plain.replace(",", ".")
    if "." in plain:
        return f"{float(plain):,.1f}"
    return f"{int(plain):,}"


def _fields(match: re.Match[str], lang: str) -> dict[str, str]:
    t = G.NATIVE[lang]
    g = match.groupdict()
    out = {k: g[k] for k in ("p1", "p2", "y1", "y2") if k in g}
    if "area" in g:
        out["area"] = AREA[next(k for k, v in t["area"].items() if v == g["area"])]
    out["metric"] = METRIC[next(k for k, v in t["metric"].items() if v == g["metric"])]
    for k in ("cases", "arrests", "v1", "v2"):
        if k in g:
            out[k] = english_number(g[k], lang)
    if "trend" in g:
        out["trend"] = TREND[t["trend"].index(g["trend"])]
    return out


def english(text: str, lang: str, table: str, column: str, country: str) -> str:
    """The English of one sample text (see the module docstring)."""
    if table == "routes":
        assert text == G.MO_NATIVE[country], (country, text)
        return MO[country]
    if table == "indicators":
        assert text == G.COMMENTS_NATIVE[lang] or text in G.COMMENTS_NATIVE.values(), text
        code = next(k for k, v in G.COMMENTS_NATIVE.items() if v == text)
        return COMMENTS[code]
    latin = to_latin(text) if lang == "sr" else text
    t = G.NATIVE[lang]
    if column == "expected_threats":
        assert latin == t["expected"], (lang, text)
        return EXPECTED
    template, english_template = ((t["situation"], SITUATION) if column == "situation"
                                  else (t["trends"], TRENDS))
    m = _pattern(template).match(latin)
    if m is None:
        raise SystemExit(f"no {lang} template matches {country}'s {column}: {text}")
    return english_template.format(**_fields(m, lang))


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        with Store(Path(tmp) / "store.duckdb") as store:
            for c in sample_cycles():
                store.ingest(sample_files(c), jobs=1)
            texts = store_texts(store)
    entries: dict[str, Translation] = {}
    for s in texts:
        if s.key in entries:
            continue
        entries[s.key] = Translation(s.key, s.language, s.text,
                                     english(s.text, s.language, s.table, s.column,
                                             s.country), TRANSLATOR)
    memory = TranslationMemory(OUT, entries)
    OUT.write_text(format_memory(memory.entries.values()), encoding="utf-8")
    print(f"wrote {OUT} ({len(entries)} translations)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
