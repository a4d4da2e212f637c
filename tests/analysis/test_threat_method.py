"""The threat index's method: each indicator normalised as its nature calls for (the
index spec), missing crime areas imputed, rank intervals on every ranking that names
countries, the index spec's bad input, and the vulnerability sources' editions.

Hand-computed expectations use the reference populations (mid-2017): RS 7.02 m,
ME 0.62 m, HR 4.13 m."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from octasee.analysis.editions import editions
from octasee.analysis.series import totals
from octasee.analysis.threat import (
    country_ranking,
    index_method,
    load_threat_spec,
    normalisation_table,
    rank_intervals,
    rank_label,
    threat_scores,
)
from octasee.chapters import context as chapter_context
from octasee.chapters import judgements, open_chapter, sections
from octasee.chapters.disclosure import restricted_indicators
from octasee.charts.renderer import MIMETYPE
from octasee.errors import ConfigError, UsageError
from octasee.questionnaire.spec import all_specs
from octasee.reference import MEMBER_CODES, country_name
from octasee.workspace import EditionsSettings

SHIPPED = Path(load_threat_spec().source)


def _rows(*rows: tuple[str, str, str, int, float]) -> pd.DataFrame:
    return pd.DataFrame([{"country": c, "crime_area": a, "indicator": i, "breakdown": None,
                          "year": y, "value": v} for c, a, i, y, v in rows])


# ----------------------------------------------------------------------------- by hand

#   cocaine seized (a flow: share of the regional total): RS mean of 50 and 10 = 30,
#     ME 60, HR 10 -> shares 0.3, 0.6, 0.1 -> min-max 4, 10, 0
#   arrests (per 100,000): RS 702 / 70.2 = 10, ME 124 / 6.2 = 20, HR 0 -> 5, 10, 0
#   suspects (per 100,000): RS 140.4 / 70.2 = 2, ME 6.2 / 6.2 = 1, HR 0 -> 10, 5, 0
#   residents' part: RS (5 + 10) / 2 = 7.5, ME 7.5, HR 0; flows' part: 4, 10, 0
#   cocaine: RS (4 + 7.5) / 2 = 5.75, ME (10 + 7.5) / 2 = 8.75, HR 0
COCAINE = _rows(("RS", "cocaine", "cocaine_seized", 2016, 50.0),
                ("RS", "cocaine", "cocaine_seized", 2017, 10.0),
                ("ME", "cocaine", "cocaine_seized", 2017, 60.0),
                ("HR", "cocaine", "cocaine_seized", 2017, 10.0),
                ("RS", "cocaine", "arrests", 2017, 702.0),
                ("ME", "cocaine", "arrests", 2017, 124.0),
                ("HR", "cocaine", "arrests", 2017, 0.0),
                ("RS", "cocaine", "suspects", 2017, 140.4),
                ("ME", "cocaine", "suspects", 2017, 6.2),
                ("HR", "cocaine", "suspects", 2017, 0.0))


def test_flows_are_shares_people_per_100k_and_the_two_parts_weigh_equally():
    tm = threat_scores(COCAINE).set_index("country")
    assert tm["share"].to_dict() == pytest.approx({"RS": 4.0, "ME": 10.0, "HR": 0.0})
    assert tm["per_100k"].to_dict() == pytest.approx({"RS": 7.5, "ME": 7.5, "HR": 0.0})
    assert tm["value"].to_dict() == pytest.approx({"RS": 5.75, "ME": 8.75, "HR": 0.0})
    assert tm["indicators"].to_dict() == {"RS": 3, "ME": 3, "HR": 3}
    # a country with one part only is scored on it: RS without its seizures is 7.5
    no_seizures = COCAINE[~((COCAINE["country"] == "RS")
                            & (COCAINE["indicator"] == "cocaine_seized"))]
    rs = threat_scores(no_seizures).set_index("country").loc["RS"]
    assert pd.isna(rs["share"]) and rs["value"] == pytest.approx(7.5)


def test_the_spec_says_how_each_indicator_is_normalised():
    spec = load_threat_spec()
    codes = {i.code for s in all_specs() for i in s.indicators}
    assert set(spec.indicators) == codes  # every questionnaire indicator has its rule
    t = normalisation_table().set_index("indicator")
    assert t.loc["victims_identified", "scale"] == "per_100k"
    assert t.loc["arrests", "scale"] == "per_100k"
    for seized in ("heroin_seized", "cocaine_seized", "cigarettes_seized",
                   "irregular_migrants_detected", "firearms_seized", "ml_amount"):
        assert t.loc[seized, "scale"] == "share", seized
    assert t["why"].str.len().gt(10).all()
    assert (t.loc["cocaine_seized", "normalised"], t.loc["cocaine_seized", "crime_areas"]) \
        == ("share of the regional total", "Cocaine trafficking")


def _spec_file(tmp_path: Path, old: str, new: str, name: str = "index.yaml") -> Path:
    text = SHIPPED.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_a_weight_of_zero_leaves_an_indicator_out(tmp_path):
    spec = load_threat_spec(_spec_file(
        tmp_path, "  suspects:\n    scale: per_100k\n",
        "  suspects:\n    scale: per_100k\n    weight: 0\n"))
    # residents' part without suspects: RS 5, ME 10 -> RS (4 + 5) / 2, ME (10 + 10) / 2
    tm = threat_scores(COCAINE, spec=spec).set_index("country")
    assert tm["value"].to_dict() == pytest.approx({"RS": 4.5, "ME": 10.0, "HR": 0.0})
    assert tm["indicators"].to_dict() == {"RS": 2, "ME": 2, "HR": 2}


# heroin 8 (RS), 5 (HR), 2 (ME); thb RS 2, ME 6; cocaine RS 4 only.
#   median imputation: HR thb = median(2, 6) = 4, HR cocaine = 4, ME cocaine = 4
#   RS (8 + 2 + 4) / 3 = 4.667, HR (5 + 4 + 4) / 3 = 4.333, ME (2 + 6 + 4) / 3 = 4
#   mean imputation: the same here (two values, one value); skip: RS 4.667, HR 5, ME 4
AREAS = pd.DataFrame({"country": ["RS", "HR", "ME", "RS", "ME", "RS"],
                      "crime_area": ["heroin", "heroin", "heroin", "thb", "thb", "cocaine"],
                      "value": [8.0, 5.0, 2.0, 2.0, 6.0, 4.0]})


def test_missing_areas_are_treated_as_the_spec_says(tmp_path):
    r = country_ranking(AREAS).set_index("country")
    assert r["score"].to_dict() == pytest.approx({"RS": 14 / 3, "HR": 13 / 3, "ME": 4.0})
    assert r["areas"].to_dict() == {"RS": 3, "HR": 1, "ME": 2}
    assert r["imputed"].to_dict() == {"RS": 0, "HR": 2, "ME": 1}
    skip = load_threat_spec(_spec_file(tmp_path, "missing_areas: median",
                                       "missing_areas: skip"))
    r = country_ranking(AREAS, spec=skip)
    assert r[["rank", "country"]].to_dict("list") == {"rank": [1, 2, 3],
                                                     "country": ["HR", "RS", "ME"]}
    assert r["score"].tolist() == pytest.approx([5.0, 14 / 3, 4.0])
    assert r["imputed"].tolist() == [0, 0, 0]
    assert "left out" in " ".join(index_method(skip))
    assert "median score" in " ".join(index_method())


# ----------------------------------------------------------------------------- intervals


def test_rank_intervals_of_a_clear_order_are_the_ranks_themselves():
    # A leads every area, C trails every one: no variant of the method changes the order
    tm = pd.DataFrame({"country": ["AL", "AL", "BG", "BG", "HR", "HR"],
                       "crime_area": ["heroin", "thb"] * 3,
                       "value": [9.0, 8.0, 5.0, 4.0, 1.0, 2.0]})
    r = rank_intervals(tm, n=64)
    assert r.ranks[["country", "label"]].values.tolist() == [
        ["AL", "1 (1-1)"], ["BG", "2 (2-2)"], ["HR", "3 (3-3)"]]
    assert r.nominal_agrees and r.variants == 128 and r.n_runs == 128
    assert rank_label(2, 1, 4) == "2 (1-4)"


def test_rank_intervals_are_reproducible_and_the_same_with_the_indices(rows_2013):
    tm = threat_scores(rows_2013)
    a, b = rank_intervals(tm), rank_intervals(tm, indices=True)
    assert a.ranks["label"].tolist() == b.ranks["label"].tolist()
    assert a.ranks["label"].tolist() == rank_intervals(tm).ranks["label"].tolist()
    assert a.ranks["country"].tolist() == country_ranking(tm)["country"].tolist()
    assert a.nominal_agrees and b.n_runs == 3_000 and a.variants == 1_000
    assert list(b.indices["factor"]) == ["impute", "normalise", "aggregate", "weights"]
    # an interval holds whole ranks around the 5th-95th percentile
    assert ((a.ranks["low"] <= a.ranks["q05"]) & (a.ranks["q95"] <= a.ranks["high"])).all()


# ----------------------------------------------------------------------------- samples


@pytest.fixture(scope="module")
def rows_2013(sample_workspace):
    return restricted_indicators(sample_workspace.store_path, cycle="2013-2017",
                                 countries=MEMBER_CODES, all_cycles=False)


def test_romania_cocaine_is_not_ranked_below_countries_with_a_small_fraction_of_its_seizures(
        rows_2013):
    d = totals(rows_2013)
    seized = d[d["indicator"] == "cocaine_seized"].groupby("country")["value"].sum()
    fraction = seized / seized["RO"]
    # Romania seized 5,270.6 kg over 2013-2017 (4,962.1 kg in 2017 alone); Montenegro
    # 2,145.0 kg (41 %); every other member less than a quarter of Romania's.
    assert seized["RO"] == pytest.approx(5270.6, abs=0.1)
    assert fraction["ME"] == pytest.approx(0.407, abs=0.001)
    small = sorted(fraction[fraction < 0.25].index)
    assert small == sorted(set(MEMBER_CODES) - {"RO", "ME"})
    tm = threat_scores(rows_2013)
    cocaine = tm[tm["crime_area"] == "cocaine"].set_index("country")["value"]
    above = sorted(c for c in small if cocaine[c] > cocaine["RO"])
    assert above == [], {c: round(cocaine[c], 2) for c in [*above, "RO"]}
    # Per 100,000 residents (the earlier method) Albania, Croatia, North Macedonia and
    # Serbia came out above Romania; now only Montenegro does.
    order = cocaine.sort_values(ascending=False).index.tolist()
    assert order[:2] == ["ME", "RO"]


class _Tables(HTMLParser):
    """The tables of a chapter's HTML: (caption, header, rows) each."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[str, list[str], list[list[str]]]] = []
        self._caption, self._cell, self._row = "", None, None
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        if tag == "h4" and ("class", "table-caption") in attrs:
            self._in_caption, self._caption = True, ""
        elif tag == "table":
            self.tables.append((self._caption, [], []))
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "h4":
            self._in_caption = False
        elif tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append(self._cell.strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            _, header, rows = self.tables[-1]
            if not header:
                header.extend(self._row)
            else:
                rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._in_caption:
            self._caption += data
        if self._cell is not None:
            self._cell += data


def _run(sample_workspace, tmp_path, monkeypatch, chapter: str, *calls: str,
         variant: str = "restricted") -> tuple[str, list[dict]]:
    html: list[str] = []
    bundles: list[dict] = []
    monkeypatch.setattr(chapter_context, "_html", html.append)
    monkeypatch.setattr(chapter_context, "_display", lambda obj, raw=False: bundles.append(obj))
    ch = open_chapter(chapter, "Chapter", cycle="2013-2017", workspace=sample_workspace.path,
                      output_dir=tmp_path / f"{chapter}-{variant}", variant=variant)
    for call in calls:
        getattr(sections, call)(ch)
    return "\n".join(html), bundles


RANK = re.compile(r"^\d+ \(\d+-\d+\)$")


def test_every_ranked_map_and_table_shows_rank_intervals(sample_workspace, tmp_path,
                                                         monkeypatch):
    names = {country_name(c) for c in MEMBER_CODES}
    labels = {}
    for chapter, calls in (("00", ("regional_map",)),
                           ("02", ("threat_overview", "regional_map")),
                           ("B", ("threat_method", "robustness"))):
        html, bundles = _run(sample_workspace, tmp_path, monkeypatch, chapter, *calls)
        parser = _Tables()
        parser.feed(html)
        ranked = []
        for caption, header, rows in parser.tables:
            named = any(cell.replace("ND", "").strip() in names for row in rows for cell in row)
            rank_cols = [i for i, h in enumerate(header) if "rank" in h.lower()]
            if named:  # a table that names countries and ranks them gives the intervals
                for i in rank_cols:
                    assert all(RANK.match(row[i]) for row in rows), (chapter, caption)
            if named and rank_cols:
                ranked.append(caption)
                col = rank_cols[0]
                country = header.index("Country")
                labels[chapter] = {row[country]: row[col] for row in rows}
        assert ranked, (chapter, [t[0] for t in parser.tables])
        assert len(labels[chapter]) == 13
        if chapter in ("00", "02"):  # the map's hover says the rank with its interval
            hover = {}
            for bundle in bundles:
                for trace in json.loads(json.dumps(bundle[MIMETYPE]))["data"]:
                    meta = trace.get("meta") or {}
                    if isinstance(meta, dict) and meta.get("role") == "member":
                        hover[country_name(meta["iso2"])] = trace["text"]
            for name, label in labels[chapter].items():
                assert hover[name].endswith(f"<br>rank {label} of 13"), (name, hover[name])
    # the summary, the regional overview and annex B print the same intervals
    assert labels["00"] == labels["02"] == labels["B"]
    assert labels["B"]["Romania"].startswith("9 (")


def test_the_public_edition_ranks_no_member_state(sample_workspace, tmp_path, monkeypatch):
    names = [country_name(c) for c in MEMBER_CODES]
    for chapter, calls in (("00", ("regional_map",)), ("02", ("regional_map",)),
                           ("B", ("threat_method", "robustness"))):
        html, bundles = _run(sample_workspace, tmp_path, monkeypatch, chapter, *calls,
                             variant="public")
        text = re.sub(r"<[^>]+>", " ", html)
        assert not [n for n in names if n in text], chapter
        assert not RANK.search(text.replace("as in 2 (1-4)", "")), chapter
        assert "Rank (90% interval)" not in text and not bundles, chapter
        if chapter != "B":
            assert "member states by band of the threat index" in text.lower()


def test_chapter_1_and_annex_b_describe_what_is_computed(sample_workspace, tmp_path,
                                                         monkeypatch):
    html: list[str] = []
    monkeypatch.setattr(chapter_context, "_html", html.append)
    ch = open_chapter("01", "Introduction", cycle="2013-2017", workspace=sample_workspace.path,
                      output_dir=tmp_path / "01")
    judgements.method(ch)
    text = re.sub(r"\s+", " ", "\n".join(html))
    import html as html_lib

    for sentence in index_method():
        assert html_lib.escape(sentence) in text, sentence
    assert ("the GI-TOC 2021 edition, published after the cycle (GI-TOC has no edition for "
            "2013-2017)") in text
    assert "TI CPI 2017, a year of the cycle" in text
    method = " ".join(index_method())
    assert "11 indicators about the country's residents" in method  # per 100,000
    assert "23 flows of goods, money or people" in method  # shares
    assert "mean of its 13 crime-area scores with equal weights" in method
    assert "under 1,000 variants" in method


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(("old", "new", "at", "message"), [
    ("  cargo_thefts:\n", "  cargo_theft:\n", "cargo_theft:",
     "unknown indicator 'cargo_theft' in indicators; did you mean 'cargo_thefts'?"),
    ("  cybercrime: 1\n", "  cybercrim: 1\n", "cybercrim: 1",
     "unknown crime area 'cybercrim' in areas; did you mean 'cybercrime'?"),
    ("  heroin: 1\n", "  drugs: 1\n  heroin: 1\n", "drugs: 1",
     "unknown crime area 'drugs' in areas; drugs is not scored itself: give its markets "
     "their weights (heroin, cocaine, cannabis, synthetic)"),
    ("  thb: 1\n", "  thb: -1\n", "thb: -1",
     "key areas.thb: -1 is not a number of 0 or more; a weight is a number of 0 (leave it "
     "out) or more, e.g. 1"),
    ("    scale: share\n    why: Thefts of freight in transit.\n",
     "    scale: share\n    weight: -2\n    why: Thefts of freight in transit.\n",
     "weight: -2", "key indicators.cargo_thefts.weight: -2 is not a number of 0 or more"),
    ("    scale: share\n    why: Thefts of freight in transit.\n",
     "    scale: volume\n    why: Thefts of freight in transit.\n", "scale: volume",
     "key indicators.cargo_thefts.scale: 'volume' is not one of per_100k, share; per_100k "
     "(per 100,000 residents) or share (of the regional total)"),
    ("    scale: share\n    why: Thefts of freight in transit.\n", "    scale: share\n",
     "cargo_thefts:", "'why' is missing in indicator cargo_thefts; say in a sentence why"),
    ("  cargo_thefts:\n    scale: share\n    why: Thefts of freight in transit.\n", "",
     "indicators:", "indicator 'cargo_thefts' (Cargo thefts) of the questionnaire has no "
     "rule in indicators; add cargo_thefts: {scale: share or per_100k, why: ...}"),
    ("missing_areas: median", "missing_areas: zero", "missing_areas: zero",
     "key missing_areas: 'zero' is not one of median, mean, skip"),
])
def test_bad_spec_input_names_the_file_line_and_fix(tmp_path, old, new, at, message):
    path = _spec_file(tmp_path, old, new)
    with pytest.raises(ConfigError) as err:
        load_threat_spec(path)
    lines = [s.strip() for s in path.read_text(encoding="utf-8").splitlines()]
    line = lines.index(at) + 1
    assert str(err.value).startswith(f"{path}, line {line}: {message}"), str(err.value)


def test_weights_that_are_all_zero_are_refused(tmp_path):
    text = SHIPPED.read_text(encoding="utf-8")
    path = tmp_path / "zero.yaml"
    path.write_text(re.sub(r"^(  [a-z_]+): 1$", r"\1: 0", text, flags=re.M), "utf-8")
    with pytest.raises(ConfigError) as err:
        load_threat_spec(path)
    line = text.splitlines().index("areas:") + 1
    assert str(err.value) == (f"{path}, line {line}: every crime area weighs 0 in {path}: "
                              "nothing is left to rank; give at least one crime area a "
                              "weight above 0, e.g. heroin: 1")
    path.write_text(re.sub(r"^(    scale: \w+)$", r"\1\n    weight: 0", text, flags=re.M),
                    "utf-8")
    with pytest.raises(ConfigError, match=r"line \d+: every indicator weighs 0 in .*: no area "
                                          r"can be scored; give the indicators a weight"):
        load_threat_spec(path)


def test_an_unreadable_spec_and_an_indicator_without_a_rule(tmp_path):
    with pytest.raises(ConfigError, match="cannot read the threat index spec"):
        load_threat_spec(tmp_path / "nowhere.yaml")
    with pytest.raises(UsageError, match="indicator .heroin_sold. is not in the threat index "
                                        "spec"):
        threat_scores(_rows(("RS", "heroin", "heroin_sold", 2017, 1.0)))


# ----------------------------------------------------------------------------- editions


def test_vulnerability_sources_are_of_the_cycle_or_flagged_as_later():
    assert editions("2013-2017").vulnerability_note == (
        "Vulnerability rests on the TI CPI 2017, a year of the cycle, and on the GI-TOC 2021 "
        "edition, published after the cycle (GI-TOC has no edition for 2013-2017).")
    assert "TI CPI 2012, a year of the cycle" in editions("2009-2012").vulnerability_note
    # 2018-2022 has a GI-TOC edition of its own (2021); a later one chosen is said to be
    e = editions("2018-2022", EditionsSettings(gitoc=2023))
    assert e.gitoc_of_cycle == (2021,)
    assert e.gitoc_note == ("The GI-TOC 2023 edition, chosen in the workspace's [editions], "
                            "was published after the 2018-2022 cycle, whose years the 2021 "
                            "edition covers.")
    assert editions("2018-2022").gitoc_note == ""
    # a CPI year outside the cycle chosen although the extract has the cycle's years
    e = editions("2013-2017", EditionsSettings(cpi_year=2012))
    assert e.cpi_note == ("The CPI year used, 2012, chosen in the workspace's [editions], is "
                          "before the 2013-2017 cycle, whose years 2013-2017 the CPI extract "
                          "has.")
    assert "TI CPI 2012, from before the cycle (chosen in the workspace's [editions])" \
        in e.vulnerability_note
