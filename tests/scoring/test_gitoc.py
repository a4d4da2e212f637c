"""The shipped GI-TOC specs reproduce every published composite, and wrong methods do not."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from octasee.scoring import Model, load_spec
from octasee.scoring.rounding import round_half_up

EDITIONS = (2021, 2023)
COMPOSITES = {"Criminality", "Criminal markets", "Criminal actors", "Resilience"}
SIZES = {2021: (10, 4, 12), 2023: (15, 5, 12)}


@pytest.mark.parametrize("edition", EDITIONS)
def test_reproduces_every_published_composite(gitoc: dict[int, pd.DataFrame],
                                              edition: int) -> None:
    model = load_spec(f"gitoc_{edition}")
    assert [len(model.children[a]) for a in ("Criminal markets", "Criminal actors",
                                             "Resilience")] == list(SIZES[edition])
    result = model.run(gitoc[edition])
    cmp = result.compare_published()
    assert set(cmp["node"]) == COMPOSITES
    assert len(cmp) == 193 * 4
    assert cmp["unit"].nunique() == 193
    bad = cmp[~cmp["match"]]
    assert bad.empty, bad.head(10).to_string()
    out = result.to_frame()
    assert len(out) == 193
    assert {f"{c} rank" for c in COMPOSITES} <= set(out.columns)


def _mismatches(result) -> int:
    cmp = result.compare_published()
    return int((~cmp["match"]).sum())


def test_half_even_rounding_mismatches(gitoc: dict[int, pd.DataFrame]) -> None:
    total = 0
    for edition in EDITIONS:
        result = load_spec(f"gitoc_{edition}").run(gitoc[edition])
        total += int((~result.compare_published(mode="half_even")["match"]).sum())
        # the same through a model variant
        assert (_mismatches(result.variant(rounding="half_even"))
                == int((~result.compare_published(mode="half_even")["match"]).sum()))
    assert total >= 24, total  # 93 + 22 with these data


def test_averaging_rounded_pillars_mismatches(gitoc: dict[int, pd.DataFrame]) -> None:
    counts = []
    for edition in EDITIONS:
        result = load_spec(f"gitoc_{edition}").run(gitoc[edition])
        wrong = result.variant(aggregate={"round_children": 2})
        crim = wrong.compare_published().query("node == 'Criminality'")
        counts.append(int((~crim["match"]).sum()))
        # by hand, without the model: round the pillars, then average
        v = result.values
        by_hand = round_half_up((round_half_up(v["Criminal markets"], 2)
                                 + round_half_up(v["Criminal actors"], 2)) / 2, 2)
        assert int((by_hand != gitoc[edition]["Criminality avg."].to_numpy()).sum()) == counts[-1]
    assert min(counts) >= 12 and sum(counts) >= 24, counts  # 44 and 59 with these data


def test_flat_mean_of_criminality_indicators_mismatches(gitoc: dict[int, pd.DataFrame]) -> None:
    for edition in EDITIONS:
        raw = copy.deepcopy(load_spec(f"gitoc_{edition}").spec.raw)
        tree = [n for n in raw["tree"] if n["id"] not in ("Criminal markets", "Criminal actors")]
        for n in tree:
            if n.get("parent") in ("Criminal markets", "Criminal actors"):
                n["parent"] = "Criminality"
        raw["tree"] = tree
        flat = Model.from_dict(raw).run(gitoc[edition])
        crim = flat.compare_published().query("node == 'Criminality'")
        assert int((~crim["match"]).sum()) >= 24  # 185 and 186 with these data


def test_python_round_is_not_good_enough(gitoc: dict[int, pd.DataFrame]) -> None:
    v = load_spec("gitoc_2021").run(gitoc[2021]).values["Criminality"]
    naive = v.round(2).to_numpy()
    assert int((naive != gitoc[2021]["Criminality avg."].to_numpy()).sum()) > 0


def test_header_quirks_are_tolerated(gitoc: dict[int, pd.DataFrame]) -> None:
    data = gitoc[2023].rename(columns={"Criminal actors avg.": "Criminal actors avg,",
                                       "Resilience avg.": "Resilience avg,"})
    cmp = load_spec("gitoc_2023").run(data).compare_published()
    assert cmp["match"].all()


def test_stages_log_and_contributions(gitoc: dict[int, pd.DataFrame]) -> None:
    result = load_spec("gitoc_2023").run(gitoc[2023])
    assert list(result.stages) == ["raw", "imputed", "normalised", "aggregated"]
    assert [e.step for e in result.log] == ["impute", "normalise", "aggregate"]
    assert result.log[1].args["scale"] == [1.0, 10.0]
    c = result.contributions
    crim = c[(c["node"] == "Criminality")].groupby("unit")["contribution"].sum()
    assert crim.reindex(result.values.index).to_numpy() == pytest.approx(
        result.values["Criminality"].to_numpy())
    one = c[(c["unit"] == "Serbia") & (c["node"] == "Criminal actors")]
    assert len(one) == 5 and one["share"].sum() == pytest.approx(1.0)


# ------------------------------------------------------------------ the table is checked
def _write(tmp_path, frame: pd.DataFrame, name: str = "goc.csv"):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def _text_table(edition: int) -> pd.DataFrame:
    from importlib import resources

    res = resources.files("octasee").joinpath("sources", "data", "goc_index",
                                              f"global_oc_index_{edition}.csv")
    with resources.as_file(res) as p:
        return pd.read_csv(p, dtype=str, keep_default_na=False)


def test_every_missing_indicator_is_named_at_once(tmp_path) -> None:
    import re

    from octasee.errors import SourceError
    from octasee.sources.gitoc import load_gitoc

    t = _text_table(2023).drop(columns=["Financial crimes", "Prevention", "Foreign actors"])
    with pytest.raises(SourceError) as exc:
        load_gitoc(2023, path=_write(tmp_path, t))
    msg = str(exc.value)
    assert "unexpected layout for the 2023 edition: 3 missing: Criminal markets: " \
           "'Financial crimes'; Criminal actors: 'Foreign actors'; Resilience: 'Prevention'" \
        in msg, msg
    # the 2021 file read as 2023: the six indicators 2023 added, all named
    with pytest.raises(SourceError) as exc:
        load_gitoc(2023, path=_write(tmp_path, _text_table(2021), "as_2023.csv"))
    names = re.findall(r"'([^']+)'", str(exc.value).split("; the columns")[0])
    assert names == ["Cyber-dependent crimes", "Financial crimes", "Trade in counterfeit goods",
                     "Illicit trade in excisable goods",
                     "Extortion and protection racketeering", "Private sector actors"]


def test_extra_columns_and_blank_values_are_warned(tmp_path) -> None:
    from octasee.sources.gitoc import PublishedTableWarning, gitoc_wide, load_gitoc

    t = _text_table(2021)
    t.insert(t.columns.get_loc("Heroin trade"), "Khat trade", "5.0")
    t["Notes"] = ""
    albania = t.index[t["Country"] == "Albania"][0]
    serbia = t.index[t["Country"] == "Serbia"][0]
    t.loc[albania, "Heroin trade"] = ""
    t.loc[serbia, "Prevention"] = "  "
    path = _write(tmp_path, t)
    with pytest.warns(PublishedTableWarning) as record:
        long = load_gitoc(2021, path=path)
    messages = [str(w.message) for w in record]
    extra = next(m for m in messages if "not in the 2021 methodology" in m)
    assert "2 column(s)" in extra and "'Khat trade', 'Notes'" in extra
    blank = next(m for m in messages if "blank score" in m)
    assert "2 blank score(s)" in blank
    assert f"'Heroin trade': Albania (row {albania + 2})" in blank
    assert f"'Prevention': Serbia (row {serbia + 2})" in blank
    assert "Khat trade" not in set(long["indicator"])
    with pytest.warns(PublishedTableWarning):
        wide = gitoc_wide(2021, path=path).set_index("country")
    assert np.isnan(wide.loc["AL", "Heroin trade"]) and np.isnan(wide.loc["RS", "Prevention"])
    # the shipped tables have neither
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", PublishedTableWarning)
        for edition in EDITIONS:
            load_gitoc(edition)


def test_a_pandas_table_can_be_checked_before_scoring(gitoc: dict[int, pd.DataFrame]) -> None:
    from octasee.sources.gitoc import PublishedTableWarning, check_layout, check_values

    t = gitoc[2023].copy()
    t.loc[3, "Cocaine trade"] = np.nan
    layout = check_layout(list(t.columns), 2023)
    with pytest.warns(PublishedTableWarning, match=r"1 blank score.*'Cocaine trade': "
                                                   + t.loc[3, "Country"]):
        check_values(t, layout)
