"""``octasee index`` through click's CliRunner, on a group built here with the ``octasee``
group's class (the one place that turns octasee's errors into messages and exit codes)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import click
import pandas as pd
import pytest
from click.testing import CliRunner

from octasee.cli import _Group
from octasee.scoring.cli import index_command

from .conftest import gitoc_path
from .test_spec import DATA, GOOD


@pytest.fixture
def main() -> click.Group:
    @click.group(cls=_Group)
    def group() -> None:
        """test group"""

    group.add_command(index_command, "index")
    return group


def test_round_trip(main: click.Group, tmp_path: Path) -> None:
    spec = tmp_path / "toy.yaml"
    spec.write_text(GOOD, encoding="utf-8")
    data = tmp_path / "data.csv"
    DATA.to_csv(data, index=False)
    out = tmp_path / "out.csv"
    res = CliRunner().invoke(main, ["index", "--spec", str(spec), "--data", str(data),
                                    "--out", str(out), "--show-log"])
    assert res.exit_code == 0, res.output
    assert "3 units" in res.output and "normalise: minmax(" in res.output
    table = pd.read_csv(out)
    assert list(table.columns) == ["country", "region", "threat", "markets", "drugs", "guns",
                                   "police", "threat rank", "markets rank"]
    assert table["markets"].tolist() == [5.0, 2.5, 7.5]
    assert table["threat rank"].tolist() == [3, 2, 1]


def test_gitoc_published_check(main: click.Group, tmp_path: Path) -> None:
    out = tmp_path / "gitoc.csv"
    with resources.as_file(gitoc_path(2021)) as data:
        res = CliRunner().invoke(main, ["index", "--spec", "gitoc_2021", "--data", str(data),
                                        "--out", str(out), "--check-published"])
    assert res.exit_code == 0, res.output
    assert "772 compared, 0 mismatches" in res.output
    assert len(pd.read_csv(out)) == 193


def test_spec_error_is_a_message_not_a_traceback(main: click.Group, tmp_path: Path) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text(GOOD.replace("method: minmax", "method: minmx"), encoding="utf-8")
    data = tmp_path / "data.csv"
    DATA.to_csv(data, index=False)
    res = CliRunner().invoke(main, ["index", "--spec", str(spec), "--data", str(data),
                                    "--out", str(tmp_path / "o.csv")])
    assert res.exit_code == 1
    assert "bad.yaml, line 6: unknown normalise method 'minmx'; did you mean 'minmax'?" \
        in res.output
    assert "Traceback" not in res.output
    assert isinstance(res.exception, SystemExit)  # a message and an exit code, not an error


def test_missing_indicator_and_usage_errors(main: click.Group, tmp_path: Path) -> None:
    spec = tmp_path / "toy.yaml"
    spec.write_text(GOOD, encoding="utf-8")
    data = tmp_path / "data.csv"
    DATA.drop(columns=["guns"]).to_csv(data, index=False)
    res = CliRunner().invoke(main, ["index", "--spec", str(spec), "--data", str(data),
                                    "--out", str(tmp_path / "o.csv")])
    assert res.exit_code == 1 and "toy.yaml, line 15: indicator 'guns' is not in the data" \
        in res.output
    res = CliRunner().invoke(main, ["index", "--spec", str(spec), "--data", "nope.csv",
                                    "--out", "o.csv"])
    assert res.exit_code == 2
    res = CliRunner().invoke(main, ["index", "--data", str(data), "--out", "o.csv"])
    assert res.exit_code == 2 and "--spec" in res.output


def test_octasee_index_runs_the_shipped_gitoc_spec(tmp_path: Path,
                                                   gitoc: dict[int, pd.DataFrame]) -> None:
    """The registered ``octasee index`` command, from the main CLI group, on a CSV written
    from the shipped GI-TOC 2023 table, reproduces every published composite."""
    from octasee.cli import main as octasee_main

    data = tmp_path / "gitoc_2023.csv"
    gitoc[2023].sample(frac=1.0, random_state=3).to_csv(data, index=False)  # any row order
    out = tmp_path / "x.csv"
    spec = resources.files("octasee.scoring").joinpath("specs", "gitoc_2023.yaml")
    with resources.as_file(spec) as spec_path:
        assert spec_path.is_file()
        res = CliRunner().invoke(octasee_main, ["index", "--spec", str(spec_path), "--data",
                                                str(data), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "193 units" in res.output
    table = pd.read_csv(out).set_index("Country")
    published = gitoc[2023].set_index("Country")
    assert len(table) == 193 and set(table.index) == set(published.index)
    for node, column in {"Criminality": "Criminality avg.",
                         "Criminal markets": "Criminal markets avg.",
                         "Criminal actors": "Criminal actors avg.",
                         "Resilience": "Resilience avg."}.items():
        got = table[node].reindex(published.index)
        assert (got.to_numpy() == published[column].to_numpy()).all(), node
    assert table["Criminality rank"].min() == 1


def test_unit_names_cannot_run_in_a_spreadsheet(main: click.Group, tmp_path: Path) -> None:
    """A unit named '=HYPERLINK(...)' is written as text, not as a formula."""
    spec = tmp_path / "toy.yaml"
    spec.write_text(GOOD, encoding="utf-8")
    data = tmp_path / "data.csv"
    hostile = DATA.copy()
    hostile.loc[0, "country"] = '=HYPERLINK("http://evil.example","x")'
    hostile.to_csv(data, index=False)
    out = tmp_path / "out.csv"
    res = CliRunner().invoke(main, ["index", "--spec", str(spec), "--data", str(data),
                                    "--out", str(out)])
    assert res.exit_code == 0, res.output
    names = pd.read_csv(out)["country"].tolist()
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in names
    assert not any(str(n).startswith(("=", "+", "@")) for n in names)


def test_index_from_a_metadata_table(main: click.Group, tmp_path: Path) -> None:
    from octasee.scoring import example_files

    files = example_files("asem")
    out, stages = tmp_path / "asem.csv", tmp_path / "stages"
    res = CliRunner().invoke(main, ["index", "--spec", str(files["spec"]), "--meta",
                                    str(files["meta"]), "--data", str(files["data"]),
                                    "--denominators", str(files["denominators"]),
                                    "--out", str(out), "--stages", str(stages)])
    assert res.exit_code == 0, res.output
    assert "51 units, 49 indicators, 11 aggregates" in res.output
    assert sorted(p.name for p in stages.iterdir()) == sorted(
        f"{s}.csv" for s in ("raw", "denominated", "imputed", "treated", "normalised",
                             "aggregated"))
    # full precision: the stages read back equal COINr's to 1e-9
    for name in ("treated", "aggregated"):
        got = pd.read_csv(stages / f"{name}.csv").set_index("uCode")
        want = pd.read_csv(files[f"stage_{name}"]).set_index("uCode")
        diff = (got[want.columns].reindex(want.index) - want).abs().to_numpy().max()
        assert diff <= 1e-9, (name, diff)
    assert "Index rank" in pd.read_csv(out).columns
    # --meta alone: COINr's default steps (min-max 0-100, arithmetic mean)
    res = CliRunner().invoke(main, ["index", "--meta", str(files["meta"]), "--data",
                                    str(files["data"]), "--denominators",
                                    str(files["denominators"]), "--out", str(out),
                                    "--show-log"])
    assert res.exit_code == 0, res.output
    assert "normalise: minmax(low=0, high=100" in res.output


def test_index_meta_errors(main: click.Group, tmp_path: Path) -> None:
    meta = tmp_path / "iMeta.csv"
    meta.write_text("iCode,Level,Direction,Weight,Parent,Type\n"
                    "a,1,1,1,I,Indicator\nb,1,3,1,I,Indicator\nI,2,1,1,,Aggregate\n",
                    encoding="utf-8")
    data = tmp_path / "d.csv"
    data.write_text("uCode,a,b\nX,1,2\nY,2,1\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["index", "--meta", str(meta), "--data", str(data),
                                    "--out", str(tmp_path / "o.csv")])
    assert res.exit_code == 1
    assert "iMeta.csv, row 3: the Direction of 'b' is 3" in res.output
    assert "Traceback" not in res.output
    res = CliRunner().invoke(main, ["index", "--data", str(data), "--out", "o.csv"])
    assert res.exit_code == 2 and "--spec SPEC or --meta" in res.output
