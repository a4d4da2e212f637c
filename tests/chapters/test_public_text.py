"""What the public edition's text and tables say: hidden counts that stay as wide as their
markers, quoted numbers masked only where they could give a withheld figure away, rates of
withheld counts, and sentences that do not promise what the edition withholds."""

from __future__ import annotations

import html
import itertools
import re

import pandas as pd
import pytest

from octasee.chapters import context as chapter_context
from octasee.chapters import open_chapter, sections
from octasee.chapters.context import mask_numbers
from octasee.chapters.disclosure import protect_counts, rate_markers

T = 5


# ----------------------------------------------------------------------------- 1


def feasible(shown: dict[str, int | None], counts: dict[str, int], total: int, t: int
             ) -> dict[str, set[int]]:
    """Exactly what a reader can tell of each hidden small count from the published total
    and the published counts: the values it can take while every hidden small count is in
    [1, t-1] and every hidden "x" count at least t (all integers)."""
    hidden = [k for k, v in shown.items() if v is None]
    rest = total - sum(v for v in shown.values() if v is not None)
    small = {k for k in hidden if counts[k] < t}
    domains = [range(1, t) if k in small else range(t, rest + 1) for k in hidden]
    seen: dict[str, set[int]] = {k: set() for k in small}
    for values in itertools.product(*domains[:-1]):
        last = rest - sum(values)
        if last not in domains[-1]:
            continue
        for k, v in zip(hidden, (*values, last), strict=True):
            if k in seen:
                seen[k].add(v)
    return seen


def test_table_3_1_hides_the_medium_band_not_a_second_small_one():
    counts = {"low": 3, "medium": 56, "high": 4}
    shown, with_total = protect_counts(counts, threshold=T)
    assert with_total and shown == {"low": None, "medium": None, "high": None}
    ranges = feasible(shown, counts, sum(counts.values()), T)
    assert ranges == {"low": set(range(1, T)), "high": set(range(1, T))}


@pytest.mark.parametrize("t", [3, 5])
def test_every_hidden_small_count_keeps_the_whole_of_1_to_t_minus_1(t):
    checked = 0
    for values in itertools.product(range(0, 2 * t + 3), repeat=3):
        counts = dict(zip(("low", "medium", "high"), values, strict=True))
        shown, with_total = protect_counts(counts, threshold=t)
        small = [k for k, v in counts.items() if 0 < v < t]
        assert all(shown[k] is None for k in small)
        assert all(shown[k] == v for k, v in counts.items() if v == 0)
        if not small or not with_total:
            continue
        xs = [k for k, v in counts.items() if v >= t and shown[k] is None]
        assert len(xs) == 1  # one "x": the smallest large count that protects
        big = sorted(v for v in counts.values() if v >= t)
        # the smallest that protects: any smaller large one would not
        smaller = [v for v in big if v < counts[xs[0]]]
        for v in smaller:
            k = next(k for k, c in counts.items() if c == v)
            trial = {**shown, xs[0]: counts[xs[0]], k: None}
            assert any(r != set(range(1, t)) for r in
                       feasible(trial, counts, sum(values), t).values())
        for k, seen in feasible(shown, counts, sum(values), t).items():
            assert seen == set(range(1, t)), (counts, shown, k, seen)
        checked += 1
    assert checked > 100


def test_the_total_is_withheld_when_no_count_is_large_enough():
    shown, with_total = protect_counts({"low": 1, "medium": 6, "high": 0}, threshold=T)
    assert not with_total and shown["low"] is None


# ----------------------------------------------------------------------------- 2


def test_quoted_years_and_published_figures_stay():
    text = ("In 2013-2017 law enforcement opened 276 criminal cases and arrested 434 "
            "persons; У периоду 2013–2017 ухапшено 434 лица; the figure was 3 in 2017.")
    out, n = mask_numbers(text, keep=range(2009, 2018), withheld=[(120.0, 0.2)], threshold=T)
    assert out == ("In 2013-2017 law enforcement opened 276 criminal cases and arrested 434 "
                   "persons; У периоду 2013–2017 ухапшено 434 лица; the figure was [n] in "
                   "2017."), out
    assert n == 1


def test_a_number_near_a_withheld_value_is_masked():
    # within max(1, p*v) of 1,000 with p = 0.2: 800 to 1,200
    for near in ("800", "1,200", "1.150", "1 001", "999"):
        assert mask_numbers(f"seized {near} pieces", withheld=[(1000.0, 0.2)],
                            threshold=T)[0] == "seized [n] pieces", near
    for far in ("799", "1,201", "12"):
        assert mask_numbers(f"seized {far} pieces", withheld=[(1000.0, 0.2)],
                            threshold=T)[0] == f"seized {far} pieces", far
    # a count: at least one either side
    assert mask_numbers("7 and 9 and 10", withheld=[(8.0, 0.05)], threshold=T)[0] == (
        "[n] and [n] and 10")


def test_a_year_is_masked_only_if_it_equals_a_withheld_value():
    years = range(2009, 2018)
    assert mask_numbers("in 2016 and 2017", keep=years, withheld=[(2000.0, 0.2)],
                        threshold=T)[0] == "in 2016 and 2017"
    assert mask_numbers("in 2016 and 2017", keep=years, withheld=[(2017.0, 0.2)],
                        threshold=T)[0] == "in 2016 and [n]"


def test_small_counts_are_masked_and_zero_is_not():
    out, n = mask_numbers("0, 1, 4, 5 and 2.5", threshold=T)
    assert out == "0, [n], [n], 5 and 2.5" and n == 2


@pytest.fixture
def shown(monkeypatch):
    out: list[str] = []
    monkeypatch.setattr(chapter_context, "_html", out.append)
    return out


@pytest.fixture
def public_ch(sample_workspace, tmp_path):
    return open_chapter("A", "Country profile", cycle="2013-2017",
                        workspace=sample_workspace.path, variant="public",
                        output_dir=tmp_path)


def text_of(parts: list[str]) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", "\n".join(parts)))


def test_quote_masks_a_withheld_value_of_the_country_and_keeps_the_rest(public_ch, shown):
    ch = public_ch
    cells = ch.view.cells
    hidden = cells[(cells["status"] != "published") & (cells["cycle"] == "2013-2017")]
    key = hidden.iloc[0]
    rows = ch.all_rows("indicators")
    value = rows[(rows["country"] == key["country"]) & (rows["indicator"] == key["indicator"])
                 & (rows["crime_area"] == key["crime_area"]) & (rows["year"] == key["year"])
                 & rows["breakdown"].isna()]["value"].iloc[0]
    withheld = [v for v, _ in ch._withheld_values()[key["country"]]]
    far = next(n for n in itertools.chain(range(T, 2000), (3 ** k for k in range(7, 40)))
               if all(abs(n - v) > max(1, 0.2 * v) for v in withheld))
    ch.quote(f"In 2013-2017 and 2013–2017 the figure was {value:.0f}; in all {far}.",
             attribution="them", country=key["country"])
    text = text_of(shown)
    assert f"the figure was [n]; in all {far}." in text
    assert "In 2013-2017 and 2013–2017" in text
    assert "some numbers that member countries quote in their own texts are left out" in text
    assert "close to" not in text  # the note does not tell where withheld figures lie


def test_a_number_the_edition_prints_is_never_masked(public_ch):
    """Masking a figure a table prints would tell the reader that a withheld figure lies
    near a number they can read (the sign-off review: Croatia's 58.0 kg of heroin, printed
    in Table 4.2, was [n] in a quote)."""
    ch = public_ch
    cells = ch.view.cells
    printed = cells[(cells["status"] == "published") & cells["value"].notna()
                    & (cells["value"] > 100)].iloc[0]
    country, value = printed["country"], float(printed["value"])
    assert value in ch._published_values()[country]
    # a withheld figure of that country within the protection interval of the printed one
    ch._withheld = {country: [(value * 1.05, 0.2)]}
    text, n = ch.mask(f"seized {value:,.0f} in one year and {value * 1.1:,.0f} in the next",
                      country=country)
    assert text == f"seized {value:,.0f} in one year and [n] in the next" and n == 1


# ----------------------------------------------------------------------------- 3, 4, 6


def test_rates_of_withheld_counts_are_x():
    m = pd.Series(["<5", None, "x", "", "<3"])
    assert rate_markers(m).tolist() == ["x", None, "x", None, "x"]


def test_country_table_rate_of_a_withheld_count_shows_x_with_a_note(public_ch, shown):
    sections.country_table(public_ch, "thb", ["victims_identified", "suspects_identified"])
    body = "\n".join(shown)
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    cells = [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", r, re.S)]
             for r in rows]
    rates = [c[-1] for c in cells if c]
    assert not [r for r in rates if r.startswith("&lt;")], rates
    withheld = [c for c in cells if c and not re.match(r"^[\d,.–]+$", c[1])]
    assert withheld and all(c[-1] == "x" for c in withheld), withheld
    assert "A rate of a withheld count is withheld too (x)" in text_of(shown)


def test_public_summary_shows_only_public_wordings_and_says_once_what_it_withholds(
        public_ch, shown):
    from octasee.analysis.register import read_register
    from octasee.chapters import judgements

    register = read_register(public_ch.workspace.path)
    agreed = register.agreed()
    worded = [j for j in agreed if (j.public or "").strip()]
    assert 0 < len(worded) < len(agreed)  # the sample has both kinds
    sections.summary_intro(public_ch)
    judgements.key_judgements(public_ch)
    text = html.unescape(text_of(shown))
    assert "likelihood" not in text and "how likely" not in text
    for j in agreed:  # the restricted statement never, the public wording always
        assert " ".join(j.statement.split()) not in text
    for j in worded:
        assert " ".join(j.public.split()) in text
    # said once, by the key judgements section (the intro does not count them again)
    n = len(agreed) - len(worded)
    said = re.findall(rf"{n} key judgements of the restricted edition are withheld from "
                      r"the public edition until their public wording is agreed", text)
    assert len(said) == 1, text
    assert "finding-" not in "".join(shown)  # no link to the restricted findings annex
    # the register's ids (which the restricted boxes show, for the bottom line's
    # citations) would tell which judgements are withheld
    assert "judgement-id" not in "".join(shown) and not re.search(r"\bKJ\d", text)


def test_public_profile_intro_does_not_promise_threat_scores(public_ch, shown):
    sections.profile_intro(public_ch)
    assert "regional median" not in text_of(shown)


def test_band_tables_say_why_rows_do_not_add_up(public_ch, shown):
    sections.threat_overview(public_ch)
    text = text_of(shown)
    m = re.search(r"Where a row adds up to fewer than 13 member states, the others reported "
                  r"no indicator of the area \(([^)]*)\)", text)
    assert m, text[-800:]


def test_years_with_a_withheld_total_are_listed_in_words():
    assert sections._and(["2009", "2012"]) == "2009 and 2012"
    assert sections._and(["2009", "2011", "2012"]) == "2009, 2011 and 2012"
