"""Models from a COINr-style metadata table: COINr's ASEM example stage by stage, and
every kind of bad table reported with file, row and fix."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from octasee.errors import ScoringError
from octasee.scoring import Model, example_files, from_meta, load_spec, read_meta, run_meta

STAGES = ("denominated", "imputed", "treated", "normalised", "aggregated")
ASEM_STEPS = [{"step": "denominate"},
              {"step": "impute", "method": "mean", "group": "EurAsia_group"},
              {"step": "treat", "method": "winsorise", "max_points": 6},
              {"step": "normalise", "method": "minmax", "low": 0, "high": 100},
              {"step": "aggregate", "method": "mean"}]


@pytest.fixture(scope="module")
def asem() -> dict[str, Path]:
    return example_files("asem")


def stage(files: dict[str, Path], name: str) -> pd.DataFrame:
    return pd.read_csv(files[f"stage_{name}"]).set_index("uCode")


def assert_stages(result, files: dict[str, Path], stages=STAGES) -> None:
    for name in stages:
        want = stage(files, name)
        got = result.stages[name]
        assert set(got.columns) >= set(want.columns), name
        got = got.reindex(index=want.index, columns=want.columns)
        np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=0, atol=1e-9,
                                   err_msg=name)


def test_asem_spec_reproduces_every_coinr_stage(asem: dict[str, Path]) -> None:
    model = load_spec(asem["spec"])
    assert (len(model.indicators), len(model.aggregates)) == (49, 11)
    assert model.levels["Index"] == 4 and model.levels["Conn"] == 3
    data = pd.read_csv(asem["data"])
    result = model.run(data)
    assert list(result.stages) == ["raw", *STAGES]
    raw = data.set_index("uCode")[model.indicators]
    np.testing.assert_array_equal(result.stages["raw"].reindex(raw.index).to_numpy(),
                                  raw.to_numpy())
    assert_stages(result, asem)
    # the denominators came from the separate table, as the metadata table says
    by = result.log[0].args["by"]
    assert by["Goods"] == "GDP" and by["Flights"] == "Population" and "LPI" not in by


def test_asem_from_python_and_from_later_stages(asem: dict[str, Path]) -> None:
    data = pd.read_csv(asem["data"])
    den = pd.read_csv(asem["denominators"])
    model = from_meta(asem["meta"], steps=ASEM_STEPS, denominators=den)
    assert_stages(model.run(data), asem)
    assert_stages(run_meta(asem["meta"], asem["data"], asem["denominators"], steps=ASEM_STEPS),
                  asem, ("denominated", "aggregated"))
    # a DataFrame metadata table, and the denominators given at run time
    meta = pd.read_csv(asem["meta"])
    m2 = Model.from_meta(meta, steps=ASEM_STEPS)
    assert_stages(m2.run(data, denominators=den), asem, ("aggregated",))
    # starting from COINr's treated stage: normalised and aggregated, directions once
    treated = stage(asem, "treated").reset_index()
    r = model.run(treated, start="treated")
    assert list(r.stages) == ["treated", "normalised", "aggregated"]
    assert_stages(r, asem, ("normalised", "aggregated"))
    # from COINr's normalised stage: not flipped a second time
    normalised = stage(asem, "normalised").reset_index()
    r = model.run(normalised, start="normalised")
    assert [e.step for e in r.log] == ["aggregate"]
    assert_stages(r, asem, ("aggregated",))
    assert r.variant(aggregate={"method": "pmean", "p": 2}).start == "normalised"


def test_start_does_not_flip_twice() -> None:
    m = Model.from_dict({"unit": "u", "steps": [{"step": "normalise", "method": "minmax"}],
                         "tree": [{"id": "i"}, {"id": "a", "parent": "i"},
                                  {"id": "b", "parent": "i", "direction": -1}]})
    d = pd.DataFrame({"u": ["x", "y", "z"], "a": [1.0, 2.0, 3.0], "b": [5.0, 1.0, 3.0]})
    full = m.run(d)
    again = m.run(full.stages["normalised"].reset_index(), start="normalised")
    pd.testing.assert_frame_equal(again.values, full.values)
    with pytest.raises(ScoringError, match="unknown stage 'normalized'.*did you mean 'normalised'"):
        m.run(d, start="normalized")


def small_meta() -> pd.DataFrame:
    return pd.DataFrame({
        "iCode": ["a", "b", "c", "P", "Q", "I", "pop", "grp"],
        "iName": ["A", "B", "C", "Pillar P", "Pillar Q", "Index", "Population", "Group"],
        "Level": [1, 1, 1, 2, 2, 3, None, None],
        "Direction": [1, -1, 1, 1, 1, 1, None, None],
        "Weight": [1, 1, 2, 1, 3, 1, None, None],
        "Parent": ["P", "P", "Q", "I", "I", None, None, None],
        "Type": ["Indicator"] * 3 + ["Aggregate"] * 3 + ["Denominator", "Group"],
        "Denominator": ["pop", None, None, None, None, None, None, None]})


def test_hand_computed_small_model(tmp_path: Path) -> None:
    """Every stage by hand: a / pop; min-max 0..1 (b flipped); weighted means."""
    meta = tmp_path / "meta.csv"
    small_meta().to_csv(meta, index=False)
    data = pd.DataFrame({"uCode": ["X", "Y", "Z"], "a": [10.0, 40.0, 90.0],
                         "b": [3.0, 1.0, 2.0], "c": [0.0, 5.0, 10.0]})
    den = pd.DataFrame({"uCode": ["Z", "X", "Y"], "pop": [3.0, 1.0, 2.0]})
    r = run_meta(meta, data, den, steps=[{"step": "normalise", "method": "minmax"}])
    assert r.stages["denominated"]["a"].tolist() == [10.0, 20.0, 30.0]
    assert r.stages["normalised"]["a"].tolist() == [0.0, 0.5, 1.0]
    assert r.stages["normalised"]["b"].tolist() == [0.0, 1.0, 0.5]
    v = r.values
    assert v["P"].tolist() == [0.0, 0.75, 0.75]
    assert v["Q"].tolist() == [0.0, 0.5, 1.0]
    assert v["I"].tolist() == pytest.approx([0.0, (0.75 + 3 * 0.5) / 4, (0.75 + 3) / 4],
                                            abs=1e-12)
    assert r.model.nodes["P"].label == "Pillar P"
    with pytest.raises(ScoringError, match="no row for unit 'Y'"):
        run_meta(meta, data, den.iloc[[0, 1]])


def bad(tmp_path: Path, frame: pd.DataFrame) -> str:
    p = tmp_path / "iMeta.csv"
    frame.to_csv(p, index=False)
    with pytest.raises(ScoringError) as exc:
        read_meta(p)
    return str(exc.value)


@pytest.mark.parametrize("change, expect", [
    (lambda m: m.assign(Parent=["P", "P", "Q", "I", "I", "P", None, None],
                        Level=[1, 1, 1, 2, 2, 3, None, None]),
     [r"row 2: cycle in the parent links: P -> I -> P", "Parent"]),
    (lambda m: m.assign(Parent=["P", "PP", "Q", "I", "I", None, None, None]),
     [r"row 3: the parent 'PP' of 'b' is not in the table", "did you mean 'P'"]),
    (lambda m: m.assign(iCode=["a", "a", "c", "P", "Q", "I", "pop", "grp"]),
     [r"row 3: the code 'a' appears twice", "first on row 2"]),
    (lambda m: m.assign(Direction=[1, 2, 1, 1, 1, 1, None, None]),
     [r"row 3: the Direction of 'b' is 2", "use 1 (higher is more) or -1"]),
    (lambda m: m.assign(Wieght=1),
     [r"row 1: unknown column 'Wieght'", "did you mean 'Weight'", "rename or remove"]),
    (lambda m: m.assign(Level=[1, 1, 1, 2, 3, 3, None, None]),
     [r"row 4: 'c' is at Level 1 but its parent 'Q' is at Level 3", "set 'Q' to Level 2"]),
    (lambda m: m.assign(Type=["Indicator", "Indicator", "Indicatr", "Aggregate", "Aggregate",
                              "Aggregate", "Denominator", "Group"]),
     [r"row 4: 'c' has Type 'Indicatr'", "did you mean 'Indicator'"]),
    (lambda m: m.drop(columns=["Weight"]), [r"row 1: the metadata table has no column 'Weight'"]),
    (lambda m: pd.concat([m, pd.DataFrame({"iCode": ["E"], "Level": [2], "Direction": [1],
                                           "Weight": [1], "Type": ["Aggregate"]})]),
     [r"row 10: the aggregate 'E' has no children", "name 'E' as the Parent"]),
], ids=["cycle", "unknown-parent", "duplicate", "direction", "unknown-column", "level",
        "type", "missing-column", "childless"])
def test_bad_metadata_tables(tmp_path: Path, change, expect) -> None:
    msg = bad(tmp_path, change(small_meta()))
    assert "iMeta.csv" in msg
    for e in expect:
        assert e in msg or __import__("re").search(e, msg), (e, msg)


def test_spec_key_meta(tmp_path: Path) -> None:
    small_meta().to_csv(tmp_path / "m.csv", index=False)
    pd.DataFrame({"uCode": ["X", "Y"], "pop": [1.0, 2.0]}).to_csv(tmp_path / "d.csv",
                                                                 index=False)
    spec = tmp_path / "s.yaml"
    spec.write_text("unit: uCode\nmeta: m.csv\ndenominators: d.csv\n"
                    "steps: [{step: normalise, method: minmax}]\n", encoding="utf-8")
    m = load_spec(spec)
    r = m.run(pd.DataFrame({"uCode": ["X", "Y"], "a": [1.0, 4.0], "b": [1.0, 2.0],
                            "c": [3.0, 1.0]}))
    assert r.stages["denominated"]["a"].tolist() == [1.0, 2.0]
    # variants keep the tree and the denominators
    assert m.variant(aggregate="copeland").run(r.data).stages["denominated"]["a"].tolist() == \
        [1.0, 2.0]
    spec.write_text("unit: uCode\nmeta: m.csv\ntree: [{id: x}]\n", encoding="utf-8")
    with pytest.raises(ScoringError, match="both 'meta' and 'tree'"):
        load_spec(spec)
    spec.write_text("unit: uCode\nmeta: nope.csv\n", encoding="utf-8")
    with pytest.raises(ScoringError, match="'nope.csv' does not exist"):
        load_spec(spec)


@pytest.mark.parametrize("name", ["meta", "analysis"])
def test_docstring_examples(name: str) -> None:
    import doctest
    import importlib

    module = importlib.import_module(f"octasee.scoring.{name}")
    assert doctest.testmod(module, optionflags=doctest.ELLIPSIS).failed == 0
