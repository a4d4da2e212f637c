"""Spec files: the pipeline they describe, variants, and errors reported by line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from octasee.errors import ScoringError
from octasee.scoring import Model, load_spec

GOOD = """\
name: toy
unit: country
keep: [region]
steps:
  - step: normalise
    method: minmax
    low: 0
    high: 10
  - step: aggregate
    method: mean
tree:
  - {id: threat}
  - {id: markets, parent: threat, weight: 3}
  - {id: drugs, parent: markets, column: Drug seizures}
  - {id: guns, parent: markets}
  - {id: police, parent: threat, direction: -1}
"""

DATA = pd.DataFrame({"country": ["AL", "BA", "RS"], "region": ["W", "W", "E"],
                     "Drug seizures": [1.0, 2.0, 3.0], "guns": [3.0, 1.0, 2.0],
                     "police": [9.0, 3.0, 5.0], "pop": [2.0, 4.0, 10.0]})


def write(tmp_path: Path, text: str, name: str = "spec.yaml") -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def test_good_spec_runs(tmp_path: Path) -> None:
    r = load_spec(write(tmp_path, GOOD)).run(DATA)
    v = r.values
    # drugs 0,5,10; guns 10,0,5 -> markets 5, 2.5, 7.5
    assert v["markets"].tolist() == [5.0, 2.5, 7.5]
    # police flipped: 0, 10, 6.667 -> threat (3*markets + police)/4
    assert v["threat"].tolist() == pytest.approx([3.75, 4.375, (22.5 + 20 / 3) / 4])
    out = r.to_frame()
    assert list(out.columns[:3]) == ["country", "region", "threat"]
    assert out["threat rank"].tolist() == [3, 2, 1]
    assert "markets rank" in out and "drugs rank" not in out


def make_model(**changes) -> Model:
    raw = {"name": "t", "unit": "country",
           "tree": [{"id": "threat"}, {"id": "markets", "parent": "threat"},
                    {"id": "drugs", "parent": "markets", "column": "Drug seizures"},
                    {"id": "guns", "parent": "markets"},
                    {"id": "police", "parent": "threat", "direction": -1}]}
    raw.update(changes)
    return Model.from_dict(raw)


def test_full_pipeline_steps_and_log() -> None:
    data = DATA.assign(guns=[3.0, np.nan, 2.0])
    m = make_model(steps=[{"step": "denominate", "by": {"drugs": "pop"}, "scale": 10},
                          {"step": "impute", "method": "mean", "group": "region"},
                          {"step": "treat", "method": "winsorise", "max_points": 3},
                          {"step": "normalise", "method": "n_rank"},
                          {"step": "aggregate", "method": "a_gmean"}])
    r = m.run(data)
    assert list(r.stages) == ["raw", "denominated", "imputed", "treated", "normalised",
                              "aggregated"]
    assert r.stages["denominated"]["drugs"].tolist() == [5.0, 5.0, 3.0]
    assert r.stages["imputed"].loc["BA", "guns"] == 3.0  # mean of region W
    assert r.log[1].details["cells"] == [("BA", "guns")]
    # every argument, under COINr's names (max_points is octasee's old name for winmax)
    assert r.log[2].args == {"winmax": 3, "skew_thresh": 2.0, "kurt_thresh": 3.5,
                             "force_win": False, "f2": "log_CT", "combine_treat": False,
                             "boxcox_lambda": None, "indiv_specs": None, "max_points": None,
                             "skew_limit": None, "kurt_limit": None, "log_fallback": None}
    assert [e.method for e in r.log] == ["divide", "mean", "winsorise", "rank", "gmean"]
    # police ranks with direction -1: 9 -> 1, 3 -> 3, 5 -> 2
    assert r.stages["normalised"]["police"].tolist() == [1.0, 3.0, 2.0]


def test_variants_change_one_argument() -> None:
    m = make_model(steps=[{"step": "normalise", "method": "minmax", "high": 10}])
    base = m.run(DATA)
    v = base.variant({"normalise.high": 100})
    assert v.values["drugs"].tolist() == [0.0, 50.0, 100.0]
    assert base.values["drugs"].tolist() == [0.0, 5.0, 10.0]  # the original is untouched
    assert m.variant(normalise="zscore").steps[0].args == {}
    w = base.variant(weights={"markets": 0, "police": 1})
    assert w.values["threat"].tolist() == pytest.approx(w.values["police"].tolist())
    assert m.variant(directions={"police": 1}).nodes["police"].direction == 1
    assert m.variant(digits=3).spec.digits == 3
    assert m.variant(treat={"method": "winsorise"}).steps[0].step == "treat"
    with pytest.raises(ScoringError, match="did you mean 'normalise'"):
        m.variant(normalse="rank")


def test_aggregate_direction_and_overrides() -> None:
    m = make_model(scale=[0, 10], steps=[{"step": "aggregate", "method": "mean"}])
    raw = m.spec.raw
    raw["tree"][1] = {"id": "markets", "parent": "threat", "direction": -1,
                      "aggregate": {"method": "pmean", "p": 2}}
    r = Model.from_dict(raw).run(DATA)
    # markets = sqrt((d^2 + g^2)/2) on raw values; flipped within scale 0..10
    mk = np.sqrt((DATA["Drug seizures"] ** 2 + DATA["guns"] ** 2) / 2)
    assert r.values["markets"].tolist() == pytest.approx(mk.tolist())
    police = 10 - DATA["police"]  # indicator flipped within the scale
    assert r.values["threat"].tolist() == pytest.approx(((10 - mk) + police).div(2).tolist())


def test_budget_weights_in_spec() -> None:
    m = make_model(weights=[{"parent": "threat", "method": "budget",
                             "experts": {"A": {"markets": 80, "police": 20},
                                         "B": {"markets": 60, "police": 40}}}])
    assert m.nodes["markets"].weight == pytest.approx(0.7)


# ------------------------------------------------------------------ errors by line
@pytest.mark.parametrize(("text", "line", "message"), [
    (GOOD.replace("method: minmax", "method: minmx"), 6, "did you mean 'minmax'"),
    (GOOD.replace("- step: aggregate", "- step: agregate"), 9, "did you mean 'aggregate'"),
    (GOOD.replace("parent: markets, column", "parent: markts, column"), 14,
     "unknown parent 'markts'; did you mean 'markets'"),
    (GOOD.replace("{id: threat}", "{id: threat, parent: police}"), 12, "cycle in the tree"),
    (GOOD.replace("weight: 3}", "weight: 0}").replace("direction: -1}",
                                                       "direction: -1, weight: 0}"),
     12, "sum to zero"),
    (GOOD.replace("direction: -1}", "direction: 2}"), 16, "must be 1 or -1"),
    (GOOD.replace("keep: [region]", "keeep: [region]"), 3, "did you mean 'keep'"),
    (GOOD.replace("weight: 3}", "wieght: 3}"), 13, "did you mean 'weight'"),
    (GOOD.replace("    high: 10", "    hihg: 10"), 5, "did you mean 'high'"),
    (GOOD + "  - {id: guns, parent: threat}\n", 17, "defined twice"),
])
def test_spec_errors_name_the_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    p = write(tmp_path, text)
    with pytest.raises(ScoringError) as exc:
        load_spec(p)
    msg = str(exc.value)
    assert f"spec.yaml, line {line}:" in msg, msg
    assert message in msg, msg


def test_missing_indicator_named_with_line(tmp_path: Path) -> None:
    m = load_spec(write(tmp_path, GOOD))
    with pytest.raises(ScoringError) as exc:
        m.run(DATA.rename(columns={"Drug seizures": "Drug seizure"}))
    msg = str(exc.value)
    assert "spec.yaml, line 14" in msg and "'Drug seizures' is not in the data" in msg
    assert "did you mean 'Drug seizure'" in msg


def test_every_missing_indicator_named_at_once(tmp_path: Path) -> None:
    m = load_spec(write(tmp_path, GOOD))
    with pytest.raises(ScoringError) as exc:
        m.run(DATA.rename(columns={"Drug seizures": "Drug seizure"}).drop(columns=["guns"]))
    msg = str(exc.value)
    assert "2 indicators are not in the data: " in msg
    assert "'Drug seizures'" in msg and "'guns'" in msg
    assert "did you mean 'Drug seizure'" in msg


def test_data_errors(tmp_path: Path) -> None:
    m = load_spec(write(tmp_path, GOOD))
    with pytest.raises(ScoringError, match="no unit column 'country'"):
        m.run(DATA.rename(columns={"country": "nation"}))
    with pytest.raises(ScoringError, match="more than once"):
        m.run(pd.concat([DATA, DATA]))
    with pytest.raises(ScoringError, match="non-number 'n/a' for unit 'BA'"):
        m.run(DATA.assign(guns=["1", "n/a", "2"]))


def test_yaml_syntax_error_has_line(tmp_path: Path) -> None:
    with pytest.raises(ScoringError, match=r"line \d+: not valid YAML"):
        load_spec(write(tmp_path, GOOD.replace("  - {id: guns, parent: markets}",
                                               "  - {id: guns, parent: markets")))


def test_toml_spec_and_error_line(tmp_path: Path) -> None:
    toml = """\
    name = "toy"
    unit = "country"

    [[steps]]
    step = "normalise"
    method = "minmax"

    [[tree]]
    id = "threat"

    [[tree]]
    id = "guns"
    parent = "threat"
    """
    r = load_spec(write(tmp_path, toml, "spec.toml")).run(DATA)
    assert r.values["threat"].tolist() == [1.0, 0.0, 0.5]
    with pytest.raises(ScoringError) as exc:
        load_spec(write(tmp_path, toml.replace('"minmax"', '"min_mx"'), "bad.toml"))
    assert "bad.toml, line 6" in str(exc.value) and "did you mean 'minmax'" in str(exc.value)


def test_unknown_spec_file() -> None:
    with pytest.raises(ScoringError, match="not found"):
        load_spec("no/such/spec.yaml")
