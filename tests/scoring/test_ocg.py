from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from octasee.errors import ScoringError
from octasee.scoring.ocg import (
    AttributeSet,
    confidence_from_grading,
    load_attribute_set,
    score_groups,
)

SLEIPNIR = list(load_attribute_set("sleipnir").weights)


def groups(**ratings: list) -> pd.DataFrame:
    n = len(next(iter(ratings.values()))) if ratings else 1
    base = {"submission_id": [f"s{i}" for i in range(n)], "country": ["RS"] * n,
            "cycle": ["2013-2017"] * n, "group_ref": [f"RS-{i}" for i in range(n)],
            "name": [f"G{i}" for i in range(n)], "members": pd.array([25] + [pd.NA] * (n - 1),
                                                                      dtype="Int64"),
            "structure": ["core group"] * n, "crime_areas": ["cocaine;heroin"] * n,
            "source_reliability": ["B"] * n, "information_assessment": [2] * n}
    cols = {a: ["Nil"] * n for a in SLEIPNIR}
    cols.update(ratings)
    return pd.DataFrame({**base, **cols})


def test_sleipnir_weights_and_maximum() -> None:
    s = load_attribute_set("sleipnir")
    assert list(s.weights.values()) == list(range(19, 0, -1))
    assert SLEIPNIR[0] == "corruption" and SLEIPNIR[-1] == "links_to_extremist_groups"
    assert s.max_score == 760


def test_all_high_scores_760_and_ranking() -> None:
    g = groups(**{a: ["High", "Low"] for a in SLEIPNIR})
    g.loc[1, "corruption"] = "high"  # case does not matter
    out = score_groups(g).scores
    assert out.loc[0, "score"] == 760 and out.loc[0, "group_ref"] == "RS-0"
    # second group: Low (1) everywhere except corruption High: 190 - 19 + 76 = 247
    assert out.loc[1, "score"] == 247
    assert out["rank"].tolist() == [1, 2]
    assert out.loc[0, "score_pct"] == 100.0


def test_unknowns_are_scored_times_two_flagged_and_counted() -> None:
    g = groups(corruption=["Unknown"], violence=[None], infiltration=["unk"],
               expertise=["Medium"])
    res = score_groups(g)
    row = res.scores.iloc[0]
    # unknown x2: corruption 38 + violence 36 + infiltration 34; expertise Medium 2 x 16 = 32
    assert row["score"] == 38 + 36 + 34 + 32
    assert row["n_unknown"] == 3 and row["flagged"]
    assert row["unknown_share"] == pytest.approx(3 / 19)
    assert res.contributions.loc[0, "corruption"] == 38
    assert res.levels.loc[0, "violence"] == "Unknown"
    assert res.to_frame().loc[0, "expertise points"] == 32


def test_socta_set_skips_unknowns_and_rescales() -> None:
    s = load_attribute_set("socta")
    assert s.unknown_policy == "skip" and set(s.weights.values()) == {1.0}
    attrs = list(s.weights)
    g = pd.DataFrame({"group_ref": ["a"], **{a: ["High"] for a in attrs}})
    g.loc[0, "violence"] = "Unknown"
    row = score_groups(g, s).scores.iloc[0]
    assert row["score"] == pytest.approx(21.0)  # 6 known x 3 points, rescaled by 7/6
    assert row["max_score"] == 21 and row["n_unknown"] == 1


def test_configurable_set() -> None:
    s = AttributeSet.from_dict({"name": "mine", "levels": {"Nil": 0, "Low": 1, "High": 10},
                                "attributes": [{"id": "violence", "weight": 2}, "corruption"]})
    out = score_groups(pd.DataFrame({"violence": ["High"], "corruption": ["Low"]}), s).scores
    assert out.loc[0, "score"] == 21 and s.max_score == 30


def test_confidence_mapping() -> None:
    got = confidence_from_grading(list("AABCCBDXA"), [1, 2, 1, 1, 3, 4, 1, 1, None]).tolist()
    assert got == ["high", "high", "high", "medium", "low", "low", "low", "low", "unrated"]
    out = score_groups(groups(corruption=["High"])).scores
    assert out.loc[0, "grading"] == "B2" and out.loc[0, "confidence"] == "medium"


def test_bad_ratings_and_columns() -> None:
    with pytest.raises(ScoringError, match=r"'Hgh'.*did you mean 'High'"):
        score_groups(groups(corruption=["Hgh"]))
    with pytest.raises(ScoringError, match="no column for the Sleipnir attribute 'corruption'"):
        score_groups(groups().drop(columns="corruption"))
    out = score_groups(groups().drop(columns="corruption"), missing_columns="unknown")
    assert out.scores.loc[0, "n_unknown"] == 1
    with pytest.raises(ScoringError, match="did you mean 'sleipnir'"):
        load_attribute_set("sleipnr")


def test_members_na_is_kept() -> None:
    out = score_groups(groups(corruption=["High", "Low"])).scores
    assert out["members"].isna().tolist() == [False, True]
    assert np.issubdtype(out["score"].dtype, np.floating)
