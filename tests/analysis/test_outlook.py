"""The analysts' outlook file (scenarios, indicators of change), the citations of the
bottom line, and findings compared across cycles."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from octasee.analysis.findings import Finding
from octasee.analysis.outlook import (
    check_citations,
    citations,
    compare_cycles,
    parse_outlook,
    read_outlook,
    read_summary,
    scenario_problems,
    watch_baseline,
    workspace_texts,
)
from octasee.errors import ConfigError
from octasee.samples import samples_dir

from .conftest import frame, series_rows

SCENARIO = """\
scenarios:
  - id: S1
    title: Cocaine moves to the ports
    driver: >
      Controls tighten in the North Sea.
    scenario: >
      More containers land at Bar and Durrës.
    evidence:
      - routes:cocaine
      - break:cocaine:cocaine_seized
    watch:
      - indicator: cocaine_seized
        countries: [ME, Albania]
        signal: Seizures rise in two years running.
      - indicator: arrests
        crime_area: cocaine
        signal: More arrests.
"""


def outlook_error(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as err:
        parse_outlook(text, path=Path("outlook.yaml"))
    return err.value


def test_a_scenario_is_read_with_its_indicators_of_change():
    o = parse_outlook(SCENARIO, path=Path("outlook.yaml"))
    (s,) = o.scenarios
    assert (s.id, s.title, s.evidence) == ("S1", "Cocaine moves to the ports",
                                           ("routes:cocaine", "break:cocaine:cocaine_seized"))
    assert s.driver == "Controls tighten in the North Sea." and s.public is None
    w1, w2 = s.watch
    assert (w1.indicator, w1.crime_area, w1.countries) == ("cocaine_seized", "cocaine",
                                                            ("ME", "AL"))
    assert (w2.indicator, w2.crime_area, w2.countries) == ("arrests", "cocaine", ())
    assert w1.line == 12 and s.line == 2 and w1.label() == "Cocaine seized"


@pytest.mark.parametrize(("old", "new", "line", "what", "hint"), [
    ("indicator: cocaine_seized", "indicator: cocain_seized", 12,
     "unknown indicator 'cocain_seized'", "did you mean 'cocaine_seized'?"),
    ("countries: [ME, Albania]", "countries: [ME, Albanja]", 13, "Albanja", ""),
    ("crime_area: cocaine", "crime_area: kokain", 16, "kokain", ""),
    ("        crime_area: cocaine\n", "", 15,
     "arrests is asked for several crime areas: say which", "add crime_area:"),
    ("crime_area: cocaine", "crime_area: thb\n", 16, "cocaine_seized", ""),
    ("    title: Cocaine moves to the ports\n", "", 2, "'title' is missing", "add title:"),
    ("      - routes:cocaine\n", "      - routes\n", 9,
     "evidence 'routes' is not a finding, figure or table key", "kind:area:indicator"),
    ("    driver:", "    drivers:", 4, "unknown key 'drivers'", "did you mean 'driver'?"),
])
def test_bad_scenarios_name_the_file_the_line_and_the_fix(old, new, line, what, hint):
    text = SCENARIO.replace(old, new, 1)
    if old == "crime_area: cocaine" and new.startswith("crime_area: thb"):
        text = SCENARIO.replace("indicator: arrests\n        crime_area: cocaine",
                                "indicator: cocaine_seized\n        crime_area: thb")
        what = "cocaine_seized is not asked for thb"
    err = outlook_error(text)
    assert err.where == f"outlook.yaml, line {line}", err
    assert what in err.what, err
    assert hint in (err.hint or ""), err


def test_an_id_given_twice_is_refused():
    two = SCENARIO + SCENARIO.split("\n", 1)[1]
    err = outlook_error(two)
    assert "the id 'S1' is given twice" in err.what and "line 2" in (err.hint or "")


def test_a_missing_file_is_the_defaults(tmp_path):
    o = read_outlook(tmp_path)
    assert not o.exists and o.scenarios == () and o.priorities.count == 6


def test_a_scenario_goes_stale_when_its_finding_or_its_indicator_is_gone():
    (s,) = parse_outlook(SCENARIO, path=Path("outlook.yaml")).scenarios
    rows = frame(series_rows("ME", {2016: 2.0, 2017: 3.0}, area="cocaine",
                             indicator="cocaine_seized"),
                 series_rows("AL", {2017: 4.0}, area="cocaine", indicator="cocaine_seized",
                             nd=True),
                 series_rows("RS", {2017: 1.0}, area="cocaine", indicator="arrests"))
    rows = rows.assign(nd=rows["not_for_dissemination"])
    years = list(range(2013, 2018))
    assert scenario_problems(s, findings={"routes:cocaine", "break:cocaine:cocaine_seized"},
                             indicators=rows, years=years) == []
    problems = scenario_problems(s, findings={"routes:cocaine"},
                                 indicators=rows[rows["indicator"] != "arrests"], years=years)
    assert problems == ["break:cocaine:cocaine_seized is not a finding of this cycle",
                        "arrests (cocaine) was not reported by any member state in 2013-2017"]
    base, nd = watch_baseline(s.watch[0], rows, years=years, unit="kg")
    assert (base, nd) == ("2017: 7 kg, 2 of 2 member states reporting", True)


def test_citations_and_what_no_longer_holds():
    text = ("Heroin [KJ1] moves [trend:heroin:heroin_seized, S1]; see [the map](#x), "
            "[fig:priorities] and [KJ9][KJ12].\n\n[KJ3]: http://example.org\n")
    keys = [c.key for c in citations(text)]
    assert keys == ["KJ1", "trend:heroin:heroin_seized", "S1", "fig:priorities", "KJ9",
                    "KJ12"]  # not the link, nor the link definition
    stale = check_citations(keys, findings={"routes:cocaine"},
                            judgements={"KJ1": "stale", "KJ9": "draft", "KJ11": "agreed"},
                            scenarios={"S1"})
    assert stale == {
        "KJ1": "the evidence of KJ1 changed since it was agreed",
        "trend:heroin:heroin_seized": "trend:heroin:heroin_seized is not a finding of this "
                                      "cycle",
        "KJ9": "KJ9 is a draft, not an agreed judgement",
        "KJ12": "KJ12 is neither a judgement of the register nor a scenario (did you mean "
                "'KJ1'?)"}


def test_the_summary_files(tmp_path):
    assert read_summary(tmp_path).text is None and workspace_texts(tmp_path) == {}
    (tmp_path / "summary.md").write_text("One two [KJ1] three-four.\n", "utf-8")
    (tmp_path / "summary.public.md").write_text("  \n", "utf-8")
    s = read_summary(tmp_path)
    assert s.text.startswith("One two") and s.public is None and s.words() == 3
    assert set(workspace_texts(tmp_path)) == {"summary.md", "summary.public.md"}


def test_the_sample_files_read_and_the_summary_is_a_page():
    o = read_outlook(samples_dir() / "outlook.yaml")
    assert [s.id for s in o.scenarios] == ["S1", "S2", "S3"]
    assert all(s.watch for s in o.scenarios) and o.priorities.harm["thb"] == 9
    s = read_summary(samples_dir())
    assert 250 <= s.words() <= 400 and s.public is not None


def f(key: str, kind: str, title: str, number: int = 0, **numbers: str) -> Finding:
    return Finding(key, kind, title, "s", numbers, number=number)


def test_findings_compared_across_cycles_by_key():
    before = [f("trend:heroin:heroin_seized", "trend", "Heroin seized: falling"),
              f("dominance:cocaine:cocaine_seized", "dominance", "t", country="Montenegro",
                share="82%", year="2012"),
              f("trend:thb:victims_identified", "trend", "Victims: rising"),
              f("routes:synthetic", "routes", "Synthetic drug trafficking: routes",
                routes="4", reporting="4"),
              f("outlier:heroin:heroin_seized:2010", "outlier", "Heroin seized: 2010")]
    now = [f("trend:heroin:heroin_seized", "trend", "Heroin seized: falling (not judged)", 7),
           f("dominance:cocaine:cocaine_seized", "dominance", "t", 15, country="Romania",
             share="79%", year="2017"),
           f("break:cocaine:cocaine_seized", "break", "Cocaine seized: a break", 14,
             break_year="2015"),
           f("trend:thb:victims_identified", "trend", "Victims: falling", 35)]
    t = compare_cycles(before, now)
    assert t[["key", "before", "now", "status"]].values.tolist() == [
        ["trend:heroin:heroin_seized", "falling", "falling (not judged)", "same"],
        ["dominance:cocaine:cocaine_seized", "Montenegro 82% of the 2012 total",
         "Romania 79% of the 2017 total", "changed"],
        ["break:cocaine:cocaine_seized", "", "break in 2015", "new"],
        ["trend:thb:victims_identified", "rising", "falling", "reversed"],
        ["routes:synthetic", "4 routes, 4 reporting", "", "gone"]]  # no outlier
    assert t["number"].tolist()[:2] == [7, 15] and pd.isna(t["number"].iloc[-1])


def test_published_means_are_compared_only_over_the_same_member_states(sample_workspace,
                                                                       tmp_path):
    """The sample's counterfeit seizures: six member states report in each cycle, not the
    same six (the restricted finding compares the three that reported every year). Two
    means over different states are no change of the market: no change is given; heroin,
    reported by all thirteen every year, is compared."""
    from octasee.analysis.outlook import compare_published
    from octasee.chapters import open_chapter

    ch = open_chapter("11", "Outlook", cycle="2013-2017", workspace=sample_workspace.path,
                      variant="public", output_dir=tmp_path)
    table = compare_published(ch.view, before="2009-2012", now="2013-2017").set_index(
        "indicator")
    cells = ch.view.cells
    fake = cells[cells["indicator"] == "counterfeit_items_seized"]
    sets = {frozenset(g["country"]) for _, g in fake.groupby("year")}
    assert len(sets) > 1  # the premise: different member states over the years
    assert not table.loc["counterfeit_items_seized", "same_members"]
    assert table.loc["counterfeit_items_seized", "change"] == ""
    assert table.loc["heroin_seized", "same_members"]
    assert table.loc["heroin_seized", "change"].startswith(("+", "-", "−"))
