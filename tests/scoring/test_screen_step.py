"""The ``screen`` step of the pipeline (COINr's ``Screen``): hand-computed screens by
availability and by non-zero share, force/exclude, where the step sits, the ``screened``
stage in results and in ``octasee index --stages``, and bad options reported by line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import click
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from octasee.cli import _Group
from octasee.errors import ScoringError
from octasee.scoring import Model, from_meta, load_spec, screen_units
from octasee.scoring.cli import index_command

NAN = np.nan
TREE = [{"id": "I"}, *[{"id": c, "parent": "I"} for c in "abcde"]]
NORM = {"step": "normalise", "method": "minmax", "low": 0, "high": 100}

# 5 units, 5 indicators. X: 2 of 5 values (availability 0.4). W: 4 values, 1 non-zero
# (non-zero share 0.25). The others: every value, none zero.
DATA = pd.DataFrame({
    "u": ["V", "W", "X", "Y", "Z"], "region": ["r1", "r1", "r2", "r2", "r2"],
    "a": [1.0, 0.0, 3.0, 4.0, 5.0],
    "b": [2.0, 0.0, NAN, 3.0, 4.0],
    "c": [1.0, 0.0, NAN, 2.0, 3.0],
    "d": [5.0, 1.0, 3.0, 2.0, 1.0],
    "e": [1.0, NAN, NAN, 3.0, 4.0]})


def model(screen: dict | None, *, first: bool = True, **top: object) -> Model:
    steps = [NORM]
    if screen is not None:
        step = {"step": "screen", **screen}
        steps = [step, NORM] if first else [NORM, step]
    return Model.from_dict({"unit": "u", "keep": ["region"], "steps": steps, "tree": TREE,
                            **top})


def test_by_availability_removes_the_unit_with_40_percent() -> None:
    r = model({"dat_thresh": 0.5}).run(DATA)
    assert list(r.stages) == ["raw", "screened", "normalised", "aggregated"]
    assert list(r.stages["raw"].index) == list("VWXYZ")  # raw keeps every unit (COINr's Raw)
    assert list(r.stages["screened"].index) == list("VWYZ")
    assert r.screened_out == {"X": "data availability 0.4 (2 of 5 indicators) is below "
                                   "dat_thresh 0.5"}
    # every later step works on the 4 units left: min-max of a over 0, 1, 4, 5
    assert r.stages["normalised"]["a"].tolist() == [20.0, 0.0, 80.0, 100.0]
    # b: 2, 0, 3, 4 -> 50, 0, 75, 100; c: 1, 0, 2, 3; d: 5, 1, 2, 1; e: 1, -, 3, 4
    assert r.stages["normalised"]["e"].tolist()[0] == 0.0
    v = r.values["I"]
    assert v["V"] == pytest.approx((20 + 50 + 100 / 3 + 100 + 0) / 5, abs=1e-12)
    assert v["W"] == pytest.approx((0 + 0 + 0 + 0) / 4, abs=1e-12)  # e missing: skipped
    out = r.to_frame()
    assert out["u"].tolist() == ["V", "W", "Y", "Z"]  # X is not in the output at all
    assert out["region"].tolist() == ["r1", "r1", "r2", "r2"]  # kept columns stay aligned
    entry = r.log[0]
    assert (entry.step, entry.method) == ("screen", "units")
    assert entry.args == {"unit_screen": "byNA", "dat_thresh": 0.5, "nonzero_thresh": None,
                          "force": [], "exclude": []}
    assert entry.details["units_before"] == 5 and entry.details["units_after"] == 4
    assert entry.details["summary"].loc["X", "availability"] == pytest.approx(0.4)
    # the same as the Python tool, one implementation
    assert screen_units(DATA.set_index("u")[list("abcde")], dat_thresh=0.5).removed == ["X"]
    # a share equal to the threshold is kept (COINr: removed when below)
    assert model({"dat_thresh": 0.4}).run(DATA).screened_out == {}


def test_by_nonzero_share_and_both() -> None:
    r = model({"unit_screen": "byNZ", "nonzero_thresh": 0.3}).run(DATA)
    assert r.screened_out == {"W": "non-zero share 0.25 is below nonzero_thresh 0.3"}
    assert list(r.values.index) == ["V", "X", "Y", "Z"]
    r = model({"unit_screen": "byBoth", "dat_thresh": 0.5, "nonzero_thresh": 0.3}).run(DATA)
    assert list(r.screened_out) == ["W", "X"]
    # COINr's own names for the rules
    r = model({"unit_screen": "byNAandzeros", "dat_thresh": 0.5, "nonzero_thresh": 0.3}
              ).run(DATA)
    assert list(r.screened_out) == ["W", "X"] and r.log[0].args["unit_screen"] == "byBoth"
    assert model({"unit_screen": "byzeros", "nonzero_thresh": 0.3}).steps[0].args[
        "unit_screen"] == "byNZ"


def test_force_and_exclude() -> None:
    r = model({"unit_screen": "byBoth", "dat_thresh": 0.5, "nonzero_thresh": 0.3,
               "force": ["X"]}).run(DATA)
    assert list(r.screened_out) == ["W"]
    assert "X" in r.values.index
    assert r.log[0].details["forced"] == {"X": "data availability 0.4 (2 of 5 indicators) "
                                                "is below dat_thresh 0.5"}
    r = model({"dat_thresh": 0.5, "exclude": "V"}).run(DATA)  # one unit: a list of one
    assert r.screened_out == {"X": "data availability 0.4 (2 of 5 indicators) is below "
                                   "dat_thresh 0.5", "V": "excluded (exclude)"}
    assert list(r.values.index) == ["W", "Y", "Z"]
    # a unit that also fails the rule says both
    r = model({"dat_thresh": 0.5, "exclude": ["X"]}).run(DATA)
    assert r.screened_out["X"].startswith("excluded (exclude); also data availability 0.4")


def test_the_step_runs_where_it_is_written() -> None:
    """COINr screens any data set (``dset``): after imputation nothing is missing."""
    impute = {"step": "impute", "method": "mean"}
    first = Model.from_dict({"unit": "u", "tree": TREE, "steps": [
        {"step": "screen", "dat_thresh": 0.5}, impute, NORM]})
    after = Model.from_dict({"unit": "u", "tree": TREE, "steps": [
        impute, {"step": "screen", "dat_thresh": 0.5}, NORM]})
    assert first.run(DATA).screened_out == {"X": "data availability 0.4 (2 of 5 indicators) "
                                                 "is below dat_thresh 0.5"}
    r = after.run(DATA)
    assert r.screened_out == {} and list(r.stages) == ["raw", "imputed", "screened",
                                                       "normalised", "aggregated"]
    # imputed without X: the mean of e over V, Y, Z (X screened out first)
    assert first.run(DATA).stages["imputed"]["e"]["W"] == pytest.approx((1 + 3 + 4) / 3)
    # starting at a later stage: the screen runs only if it comes after that stage
    assert [s.step for s in first._steps_after("denominated")] == ["impute", "normalise"]
    assert [s.step for s in first._steps_after("screened")] == ["impute", "normalise"]
    assert [s.step for s in after._steps_after("imputed")] == ["screen", "normalise"]
    assert [s.step for s in after._steps_after("screened")] == ["normalise"]
    assert [s.step for s in after._steps_after("treated")] == ["normalise"]
    r = after.run(DATA.fillna(1.0), start="imputed")
    assert list(r.stages) == ["imputed", "screened", "normalised", "aggregated"]
    with pytest.raises(ScoringError, match="no screen step"):
        model(None).run(DATA, start="screened")
    # the screen step may also follow normalise (placed last before aggregate)
    late = model({"unit_screen": "byNZ", "nonzero_thresh": 0.7}, first=False).run(DATA)
    assert list(late.stages) == ["raw", "normalised", "screened", "aggregated"]


def test_variants_and_none() -> None:
    m = model({"dat_thresh": 0.5, "force": ["V"]})
    assert m.variant(screen=None).steps[0].step == "normalise"
    off = m.variant(screen="none")
    assert off.steps[0].method == "none" and off.run(DATA).screened_out == {}
    assert off.steps[0].args["force"] == ["V"]  # the step's settings are kept
    assert m.variant({"screen.dat_thresh": 0.3}).run(DATA).screened_out == {}
    # a screen step added by variant goes first
    added = model(None).variant(screen={"dat_thresh": 0.5})
    assert [s.step for s in added.steps] == ["screen", "normalise", "aggregate"]
    with pytest.raises(ScoringError, match="between 0 and 1"):
        m.variant({"screen.dat_thresh": 50})


def test_published_comparison_and_sensitivity_with_screening() -> None:
    from octasee.scoring import uncertainty_analysis

    m = Model.from_dict({"unit": "u", "steps": [{"step": "screen", "dat_thresh": 0.5}, NORM],
                         "tree": [{"id": "I", "published": "pub"},
                                  *[{"id": c, "parent": "I"} for c in "abcde"]]})
    r0 = m.run(DATA.assign(pub=0.0))
    pub = r0.values["I"].round(2).reindex(DATA["u"]).fillna(-1).to_numpy()
    cmp = m.run(DATA.assign(pub=pub)).compare_published()
    assert cmp["unit"].tolist() == ["V", "W", "Y", "Z"] and cmp["match"].all()
    sa = uncertainty_analysis(m, DATA, normalise=["minmax", "rank"], n=8, seed=1)
    assert list(sa.scores.index) == ["V", "W", "Y", "Z"]
    late = Model.from_dict({"unit": "u", "tree": TREE, "steps": [
        {"step": "impute", "method": "none"}, {"step": "screen", "dat_thresh": 0.5}, NORM]})
    with pytest.raises(ScoringError, match="other units in this variant"):
        uncertainty_analysis(late, DATA, impute=["none", "mean"], n=8, seed=1)


def test_metadata_model_denominates_after_a_leading_screen() -> None:
    meta = pd.DataFrame({
        "iCode": ["a", "b", "I", "pop"], "Level": [1, 1, 2, None],
        "Direction": [1, 1, 1, None], "Weight": [1, 1, 1, None],
        "Parent": ["I", "I", None, None],
        "Type": ["Indicator", "Indicator", "Aggregate", "Denominator"],
        "Denominator": ["pop", None, None, None]})
    m = from_meta(meta, steps=[{"step": "screen", "dat_thresh": 1.0}, NORM])
    assert [s.step for s in m.steps] == ["screen", "denominate", "normalise", "aggregate"]
    d = pd.DataFrame({"uCode": ["X", "Y", "Z"], "a": [2.0, 4.0, 9.0], "b": [1.0, NAN, 3.0],
                      "pop": [1.0, 2.0, 3.0]})
    r = m.run(d)
    assert list(r.stages["denominated"].index) == ["X", "Z"]
    assert r.stages["denominated"]["a"].tolist() == [2.0, 3.0]


# --------------------------------------------------------------------------- errors
SPEC = """\
unit: u
steps:
  - step: screen
{options}
  - {{step: normalise, method: minmax}}
tree:
  - {{id: I}}
  - {{id: a, parent: I}}
  - {{id: b, parent: I}}
"""


def spec_error(tmp_path: Path, options: str, name: str = "spec.yaml") -> ScoringError:
    p = tmp_path / name
    p.write_text(SPEC.format(options=textwrap.indent(options, "    ")), encoding="utf-8")
    with pytest.raises(ScoringError) as exc:
        load_spec(p)
    return exc.value


@pytest.mark.parametrize(("options", "line", "what", "hint"), [
    ("dat_tresh: 0.5", 4, "unknown key 'dat_tresh' in the screen step",
     "did you mean 'dat_thresh'"),
    ("dat_thresh: 0.5\nnonzero_thresh: 1.5", 5,
     "key steps[0].nonzero_thresh: 1.5 is not a share between 0 and 1", "not a percentage"),
    ("dat_thresh: 66", 4, "key steps[0].dat_thresh: 66 is not a share between 0 and 1",
     "dat_thresh: 0.66"),
    ("dat_thresh: -0.1", 4, "-0.1 is not a number of 0 or more", "share between 0 and 1"),
    ("dat_thresh: '0.5'", 4, "is not a number", "share between 0 and 1"),
    ("dat_thresh: 0.5\nunit_screen: byNa", 5,
     "'byNa' is not one of byNA, byNZ, byBoth, byzeros, byNAandzeros", "byNZ (share of"),
    ("unit_screen: byNZ", 3, "the screen step's rule byNZ needs nonzero_thresh",
     "nonzero_thresh: 0.05"),
    ("nonzero_thresh: 0.5", 3, "rule byNA needs dat_thresh", "COINr's default is 2/3"),
    ("dat_thresh: 0.5\nforce: [X, Y]\nexclude: [Y]", 6,
     "unit 'Y' is both forced in (force) and excluded (exclude)", "one of the two"),
    ("dat_thresh: 0.5\nforce: {X: true}", 5, "key steps[0].force", "list of unit names"),
])
def test_bad_options_name_the_line(tmp_path: Path, options: str, line: int, what: str,
                                   hint: str) -> None:
    err = spec_error(tmp_path, options)
    assert err.where == f"{tmp_path / 'spec.yaml'}, line {line}", str(err)
    assert what in err.what, str(err)
    assert err.hint and hint in err.hint, str(err)


def test_bad_options_in_short_form_and_toml(tmp_path: Path) -> None:
    p = tmp_path / "s.yaml"
    p.write_text("unit: u\nsteps:\n  - screen: {dat_thresh: 2}\ntree:\n  - {id: I}\n"
                 "  - {id: a, parent: I}\n", encoding="utf-8")
    with pytest.raises(ScoringError, match=r"s.yaml, line 3: .*2 is not a share"):
        load_spec(p)
    p = tmp_path / "s.toml"
    p.write_text('unit = "u"\n\n[[steps]]\nstep = "screen"\ndat_thresh = 0.5\n'
                 'unit_screen = "byNONE"\n\n[[tree]]\nid = "I"\n\n[[tree]]\nid = "a"\n'
                 'parent = "I"\n', encoding="utf-8")
    with pytest.raises(ScoringError, match=r"s.toml, line 6: .*'byNONE' is not one of"):
        load_spec(p)


def test_errors_when_running(tmp_path: Path) -> None:
    p = tmp_path / "spec.yaml"
    p.write_text(SPEC.format(options="    dat_thresh: 0.5\n    force: [Q]"), encoding="utf-8")
    m = load_spec(p)
    d = pd.DataFrame({"u": ["X", "Y"], "a": [1.0, 2.0], "b": [1.0, NAN]})
    with pytest.raises(ScoringError) as exc:
        m.run(d)
    assert exc.value.where == f"{p}, line 3"
    assert "force names unit 'Q', which is not in the data" in exc.value.what
    with pytest.raises(ScoringError, match="removes every unit"):
        model({"dat_thresh": 1.0}).run(DATA.assign(a=NAN))
    with pytest.raises(ScoringError, match="step 'screen' is given twice"):
        Model.from_dict({"unit": "u", "tree": TREE, "steps": [
            {"step": "screen", "dat_thresh": 0.5}, {"step": "screen", "dat_thresh": 0.6}]})
    with pytest.raises(ScoringError, match="unknown screen method 'indicators'"):
        Model.from_dict({"unit": "u", "tree": TREE, "steps": [
            {"step": "screen", "method": "indicators", "dat_thresh": 0.5}]})


# --------------------------------------------------------------------------- the command
def test_index_command_writes_the_screened_stage(tmp_path: Path) -> None:
    @click.group(cls=_Group)
    def group() -> None:
        """test group"""

    group.add_command(index_command, "index")
    spec = tmp_path / "spec.yaml"
    spec.write_text(textwrap.dedent("""\
        unit: u
        keep: [region]
        steps:
          - {step: screen, dat_thresh: 0.5}
          - {step: normalise, method: minmax, low: 0, high: 100}
        tree:
          - {id: I}
        """) + "".join(f"  - {{id: {c}, parent: I}}\n" for c in "abcde"), encoding="utf-8")
    data = tmp_path / "data.csv"
    DATA.to_csv(data, index=False)
    out, stages = tmp_path / "out.csv", tmp_path / "stages"
    res = CliRunner().invoke(group, ["index", "--spec", str(spec), "--data", str(data),
                                     "--out", str(out), "--stages", str(stages),
                                     "--show-log"])
    assert res.exit_code == 0, res.output
    assert "4 units" in res.output
    assert "screened out 1 units (not in the result):" in res.output
    assert "X: data availability 0.4 (2 of 5 indicators) is below dat_thresh 0.5" in res.output
    assert "screen: units(unit_screen='byNA', dat_thresh=0.5" in res.output
    assert pd.read_csv(out)["u"].tolist() == ["V", "W", "Y", "Z"]
    assert pd.read_csv(stages / "raw.csv")["u"].tolist() == list("VWXYZ")
    assert pd.read_csv(stages / "screened.csv")["u"].tolist() == ["V", "W", "Y", "Z"]
    assert pd.read_csv(stages / "normalised.csv")["u"].tolist() == ["V", "W", "Y", "Z"]
    # the data at the screened stage: the screen is not run again
    scr = tmp_path / "screened.csv"
    pd.read_csv(stages / "screened.csv").merge(DATA[["u", "region"]]).to_csv(scr, index=False)
    res = CliRunner().invoke(group, ["index", "--spec", str(spec), "--data", str(scr),
                                     "--out", str(out), "--start", "screened"])
    assert res.exit_code == 0, res.output
    assert "screened out" not in res.output
    assert pd.read_csv(out)["u"].tolist() == ["V", "W", "Y", "Z"]
