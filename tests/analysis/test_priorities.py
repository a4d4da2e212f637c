"""Regional priorities: the banding on a small frame, against hand-computed numbers, and
the workspace's priority settings refused with the file, the line and the fix."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from octasee.analysis.findings import Finding
from octasee.analysis.outlook import parse_outlook
from octasee.analysis.priorities import (
    PriorityInputs,
    PrioritySettings,
    band_of,
    change_percent,
    regional_priorities,
)
from octasee.errors import ConfigError

COUNTRIES = ("AL", "RS", "ME")


def small_inputs() -> PriorityInputs:
    """Two crime areas, three countries: every number below is worked out by hand."""
    threat = pd.DataFrame({
        "country": ["AL", "RS", "ME", "AL", "RS", "ME"],
        "crime_area": ["heroin"] * 3 + ["cocaine"] * 3,
        "value": [8.0, 2.0, 5.0, 1.0, 7.0, 9.0], "nd": [False] * 5 + [True]})
    groups = pd.DataFrame({
        "country": ["AL", "RS", "ME"],
        "crime_areas": ["heroin;cocaine", "cocaine", "heroin"],
        "violence": ["High", "Nil", "Medium"],
        "corruption": ["Low", "Medium", "unknown"], "nd": False})
    routes = pd.DataFrame({"country": ["AL", "RS", "ME", "ME"],
                           "crime_area": ["heroin", "cocaine", "cocaine", "cocaine"],
                           "nd": False})
    resilience = pd.DataFrame({"country": ["AL", "RS", "ME"], "value": [4.0, 5.5, 7.0]})
    cpi = pd.DataFrame({"country": ["AL", "RS", "ME"], "value": [36.0, 41.0, 46.0]})
    return PriorityInputs(threat=threat, countries=COUNTRIES, groups=groups, routes=routes,
                          change={"heroin": -40.0, "cocaine": 60.0}, resilience=resilience,
                          cpi=cpi)


# Hand-computed (default settings: every indicator weighs 1; threat 2, vulnerability 1,
# impact 1; bands at the thirds of 0-10):
# spread: heroin 1 of 3 in the high band (AL 8) -> 3.333; cocaine 2 (RS 7, ME 9) -> 6.667
# groups: heroin 2, cocaine 2 -> 10 each; routes: heroin 1, cocaine 3 -> 3.333 and 10
# change: heroin -40% -> 5 - 2 = 3; cocaine +60% -> 8
# threat: heroin (3.333 + 10 + 3.333 + 3) / 4 = 4.9167; cocaine (6.667 + 10 + 10 + 8) / 4
LOW_RES = {"AL": 60 / 9, "RS": 5.0, "ME": 30 / 9}        # (10 - r) / 9 * 10
CORRUPT = {"AL": 6.4, "RS": 5.9, "ME": 5.4}              # (100 - cpi) / 10
HEROIN_W = {"AL": 8.0, "RS": 2.0, "ME": 5.0}             # threat scores weigh
COCAINE_W = {"AL": 1.0, "RS": 7.0, "ME": 9.0}


def weighted(values: dict[str, float], weights: dict[str, float]) -> float:
    return sum(values[c] * w for c, w in weights.items()) / sum(weights.values())


THREAT = {"heroin": (10 / 3 + 10 + 10 / 3 + 3) / 4, "cocaine": (20 / 3 + 10 + 10 + 8) / 4}
VULN = {a: (weighted(LOW_RES, w) + weighted(CORRUPT, w)) / 2
        for a, w in (("heroin", HEROIN_W), ("cocaine", COCAINE_W))}
# impact: heroin groups AL (violence high, corruption low), ME (medium, unknown): violence
# 2 of 2 -> 10, corruption 0 of 1 known -> 0, harm 8 (when rated); cocaine groups AL and
# RS (nil, medium): violence 1 of 2 -> 5, corruption 1 of 2 -> 5, no harm rating.


def test_banding_on_a_small_frame_is_the_hand_computed_one():
    settings = PrioritySettings(harm={"heroin": 8.0})
    result = regional_priorities(small_inputs(), settings)
    by = {p.crime_area: p for p in result.ranked}
    assert by["heroin"].scores["threat"] == pytest.approx(THREAT["heroin"])
    assert by["cocaine"].scores["threat"] == pytest.approx(THREAT["cocaine"])
    assert by["heroin"].scores["vulnerability"] == pytest.approx(VULN["heroin"])
    assert VULN["heroin"] == pytest.approx((80 / 15 + 6.0) / 2)  # checked by hand too
    assert by["cocaine"].scores["vulnerability"] == pytest.approx(VULN["cocaine"])
    assert by["heroin"].scores["impact"] == pytest.approx((10 + 0 + 8) / 3)
    assert by["cocaine"].scores["impact"] == pytest.approx((5 + 5) / 2)
    heroin = (2 * THREAT["heroin"] + VULN["heroin"] + 6.0) / 4
    cocaine = (2 * THREAT["cocaine"] + VULN["cocaine"] + 5.0) / 4
    assert heroin == pytest.approx(5.375)
    assert by["heroin"].score == pytest.approx(heroin)
    assert by["cocaine"].score == pytest.approx(cocaine)
    # ranked on the score; bands at the thirds (3.33, 6.67)
    assert [p.crime_area for p in result.ranked] == ["cocaine", "heroin"]
    assert [p.rank for p in result.ranked] == [1, 2]
    assert (by["cocaine"].band, by["heroin"].band) == ("high", "medium")
    assert by["cocaine"].bands == {"threat": "high", "vulnerability": "medium",
                                   "impact": "medium"}
    # the member states in the high threat band, highest first; ND from any score's rows
    assert by["cocaine"].countries == ("ME", "RS") and by["heroin"].countries == ("AL",)
    assert by["cocaine"].nd and not by["heroin"].nd
    # areas no member state has a threat score in are not ranked
    assert "thb" in result.unscored


def test_the_bands_and_the_weights_are_the_workspaces():
    s = PrioritySettings(harm={"heroin": 8.0}, cuts=(5.5, 6.5), count=1)
    result = regional_priorities(small_inputs(), s)
    assert [p.band for p in result.ranked] == ["high", "low"]  # 6.82, 5.375
    assert [p.crime_area for p in result.top] == ["cocaine"]
    # threat alone, on routes alone: heroin 3.33 (low), cocaine 10 (high)
    only = PrioritySettings(weights={"threat": 1.0, "vulnerability": 0.0, "impact": 0.0},
                            indicators={"threat": {"routes": 1.0}, "vulnerability": {},
                                        "impact": {}})
    scores = {p.crime_area: (p.score, p.band) for p in
              regional_priorities(small_inputs(), only).ranked}
    assert scores["heroin"] == (pytest.approx(10 / 3), "medium")
    assert scores["cocaine"] == (pytest.approx(10.0), "high")


def test_band_edges_belong_to_the_band_above():
    assert band_of(10 / 3) == "medium" and band_of(20 / 3) == "high"
    assert band_of(3.33) == "low" and band_of(0.0) == "low"


def test_the_rationale_states_the_numbers_and_the_public_one_only_bands():
    result = regional_priorities(small_inputs(), PrioritySettings(harm={"heroin": 8.0}))
    cocaine = result.ranked[0]
    text = cocaine.rationale()
    assert text.startswith("Threat high (8.7): 2 of 3 member states in the high band of "
                           "the threat index (Montenegro, Serbia)")
    assert "2 of the 3 groups reported are active in it" in text
    assert "3 of 4 routes reported" in text and "+60% on the previous cycle" in text
    assert "of its groups, 50% use violence and 50% use corruption" in text
    public = cocaine.rationale(public=True)
    assert public.startswith("Threat high: 2 of 3 member states in the high band")
    for secret in ("Montenegro", "8.7", "groups", "routes", "+60%", "50%"):
        assert secret not in public, secret
    heroin = result.ranked[1].rationale(public=True)
    assert heroin.endswith("Impact medium: the analysts rate its harm 8 of 10.")


def test_change_percent_reads_the_change_findings():
    fs = [Finding("change:cocaine:cocaine_seized", "change", "t", "s", {"change": "+47%"},
                  crime_area="cocaine"),
          Finding("change:heroin:heroin_seized", "change", "t", "s", {"change": "-1,200%"},
                  crime_area="heroin"),
          Finding("trend:heroin:heroin_seized", "trend", "t", "s", {"change": "+5%"},
                  crime_area="heroin")]
    assert change_percent(fs) == {"cocaine": 47.0, "heroin": -1200.0}


# ----------------------------------------------------------------------------- settings


def settings_error(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as err:
        parse_outlook(text, path=Path("outlook.yaml"))
    return err.value


@pytest.mark.parametrize(("text", "line", "what", "hint"), [
    ("priorities:\n  threat: {spread: 1, sprad: 2}\n", 2,
     "unknown key 'sprad' in priorities.threat", "did you mean 'spread'?"),
    ("priorities:\n  count: 6\n  impact:\n    violence: 1\n    harm: -2\n", 5,
     "key priorities.impact.harm: -2 is not a number of 0 or more", "weight of 0"),
    ("priorities:\n  threat:\n    spread: 0\n    groups: 0\n", 2,
     "every threat indicator weighs 0", "give at least one a weight above 0"),
    ("priorities:\n  weights: {threat: 0, vulnerability: 0, impact: 0}\n", 2,
     "every dimension weighs 0", "weight above 0"),
    ("priorities:\n  weights: {threat: 0, vulnerability: 1}\n", 2,
     "the threat weighs 0", "give threat a weight above 0"),
    ("priorities:\n  harm:\n    heroin: 8\n    kokain: 7\n", 4,
     "unknown crime area 'kokain'", "the crime areas are"),
    ("priorities:\n  harm:\n    drugs: 7\n", 3,
     "'drugs' is not a crime area the threat index scores", "heroin, cocaine"),
    ("priorities:\n  harm:\n    thb: 12\n", 3, "the harm of thb is 12", "from 0 (none) to 10"),
    ("priorities:\n  bands: [6, 4]\n", 2, "bands [6, 4] are not two rising scores",
     "e.g. bands: [3.5, 6.5]"),
    ("priorities:\n  areas: [heroin, cocaine, narco]\n", 2, "unknown crime area 'narco'",
     "the crime areas are"),
    ("priorities:\n  vulnerability: {cpi: 1, gdp: 1}\n", 2,
     "unknown key 'gdp' in priorities.vulnerability", "the keys are resilience, cpi"),
])
def test_bad_settings_name_the_file_the_line_and_the_fix(text, line, what, hint):
    err = settings_error(text)
    assert err.where == f"outlook.yaml, line {line}", err
    assert what in err.what, err
    assert hint in (err.hint or ""), err


def test_settings_read_from_the_file():
    o = parse_outlook("priorities:\n  count: 5\n  bands: [4, 7]\n  threat: {groups: 2}\n"
                      "  harm: {Trafficking in human beings: 9}\n  areas: [thb, heroin]\n",
                      path=Path("ws/outlook.yaml"))
    s = o.priorities
    assert (s.count, s.cuts, s.harm, s.areas) == (5, (4.0, 7.0), {"thb": 9.0},
                                                  ("thb", "heroin"))
    assert s.indicators["threat"] == {"groups": 2.0}  # the others weigh 0
    assert s.indicators["impact"] == {"violence": 1.0, "corruption": 1.0, "harm": 1.0}
    assert s.weights == {"threat": 2.0, "vulnerability": 1.0, "impact": 1.0}
    assert s.source == "ws/outlook.yaml"
