"""Strict settings files: octasee.toml, questionnaire/spec.yaml and scoring specs share one
loader (octasee.config) that refuses unknown keys and wrong types by file, line and key.

The new names are imported inside the tests so that each test fails on its own on code
without them.
"""

from __future__ import annotations

import ast
import datetime as dt
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from octasee.cli import main
from octasee.errors import OctaseeError, ScoringError
from octasee.workspace import CONFIG_NAME, Workspace, create_workspace

ROOT = Path(__file__).resolve().parents[1]


def _edited(tmp_path: Path, old: str, new: str) -> Path:
    """A fresh workspace whose octasee.toml has ``old`` replaced by ``new`` (once)."""
    ws = create_workspace(tmp_path / "w", cycle="2018-2022")
    cfg = ws.path / CONFIG_NAME
    text = cfg.read_text("utf-8")
    assert old in text, old
    cfg.write_text(text.replace(old, new, 1), "utf-8")
    return ws.path


# --------------------------------------------------------------------- octasee.toml: keys
@pytest.mark.parametrize(("old", "new", "message"), [
    # a typo in a key: refused at its line, with the key it should be
    ("threshold = 5", "treshold = 3",
     r"octasee.toml, line 26: unknown key 'treshold' in \[disclosure\]; "
     r"did you mean 'threshold'\?"),
    ("[disclosure]", "[dislcosure]",
     r"octasee.toml, line 24: unknown section \[dislcosure\]; did you mean 'disclosure'\?"),
    ("organisation =", "organization =",
     r"line 6: unknown key 'organization' in \[report\]; did you mean 'organisation'\?"),
    ("include = []", "inclde = []", r"line 42: unknown key 'inclde' in \[chapters\]"),
    # a right key in the wrong section
    ('code = "2018-2022"', 'code = "2018-2022"\nthreshold = 3',
     r"line 16: unknown key 'threshold' in \[cycle\]; it belongs in \[disclosure\]"),
    # the [report] version key the docs used to show: nothing reads it
    ('public_classification = "PUBLIC"', 'public_classification = "PUBLIC"\nversion = "Draft 2"',
     r"line 12: unknown key 'version' in \[report\]; .*octasee build"),
])
def test_unknown_keys_and_sections_are_refused_by_line(tmp_path, old, new, message):
    path = _edited(tmp_path, old, new)
    with pytest.raises(OctaseeError, match=message):
        Workspace.open(path)


# --------------------------------------------------------------------- octasee.toml: types
@pytest.mark.parametrize(("old", "new", "message"), [
    ("threshold = 5", 'threshold = "three"',
     r"line 26: key disclosure.threshold: 'three' is not a whole number"),
    ("threshold = 5", "threshold = 2.5",
     r"line 26: key disclosure.threshold: 2.5 is not a whole number"),
    ('title = "Organized', "title = 5 #",
     r"line 5: key report.title: 5 is not text; write it in quotes"),
    ('classification = "RESTRICTED"', "classification = true",
     r"line 8: key report.classification: True is not text"),
    ("deadline = 2023-03-31", "deadline = 2023-03-31T10:00:00",
     r"line 17: key cycle.deadline: 2023-03-31T10:00:00 is not a date"),
    ("# Due dates of earlier cycles", '"2013-2017" = "2018-03-31"\n#',
     r"line 22: key deadlines.2013-2017: '2018-03-31' is not a date"),
    ("# Due dates of earlier cycles", '"2013" = 2018-03-31\n#',
     r"line 22: key deadlines.2013: unknown cycle '2013'"),
    ('expected = ["AL", ', 'expected = [5, ',
     r"line 19: key cycle.expected\[0\]: 5 is not text"),
    ("# octasee workspace", 'samples = "yes"\n#',
     r"line 1: key samples: 'yes' is not true or false"),
])
def test_wrong_types_are_refused_with_key_and_line(tmp_path, old, new, message):
    path = _edited(tmp_path, old, new)
    with pytest.raises(OctaseeError, match=message) as exc:
        Workspace.open(path)
    assert str(path / CONFIG_NAME) in str(exc.value)


def test_a_section_that_is_not_a_table(tmp_path):
    (tmp_path / CONFIG_NAME).write_text('samples = false\ndisclosure = 3\n', "utf-8")
    with pytest.raises(OctaseeError, match=r"line 2: \[disclosure\] must be a table"):
        Workspace.open(tmp_path)


def test_a_bad_config_is_a_message_through_the_cli_never_a_traceback(tmp_path):
    path = _edited(tmp_path, "threshold = 5", 'threshold = "three"')
    res = CliRunner().invoke(main, ["status", "--workspace", str(path)])
    assert res.exit_code == 1, res.output
    assert "Traceback" not in res.output and not isinstance(res.exception, OctaseeError)
    assert (f"{path / CONFIG_NAME}, line 26: key disclosure.threshold: 'three' is not a whole "
            "number") in res.output
    assert "5 is usual" in res.output  # what to do

    path = _edited(tmp_path / "2", "threshold = 5", "treshold = 3")
    res = CliRunner().invoke(main, ["status", "--workspace", str(path)])
    assert res.exit_code == 1, res.output
    assert "line 26: unknown key 'treshold' in [disclosure]; did you mean 'threshold'?" in \
        res.output


def test_a_config_error_is_a_config_error():
    from octasee.config import ConfigError

    assert issubclass(ConfigError, OctaseeError) and ConfigError.exit_code == 1


# --------------------------------------------------------------------- round trip and defaults
def test_a_minimal_config_gets_every_default(tmp_path):
    from octasee.reference import MEMBER_CODES
    from octasee.workspace import CycleSettings, WorkspaceConfig

    (tmp_path / CONFIG_NAME).write_text('[cycle]\ncode = "2018-2022"\n', "utf-8")
    ws = Workspace.open(tmp_path)
    assert ws.settings == WorkspaceConfig(cycle=CycleSettings(code="2018-2022"))
    d = WorkspaceConfig()
    assert (d.disclosure.threshold, d.store, d.samples, d.chapters.folder,
            d.chapters.include, d.cycle.deadline, d.deadlines) == (
        5, "store.duckdb", False, "", (), None, {})
    assert d.cycle.expected == MEMBER_CODES
    assert d.report.title == "Organized Crime Threat Assessment for South East Europe"
    assert (d.report.classification, d.report.public_classification) == ("RESTRICTED", "PUBLIC")
    # the Workspace properties read the settings
    assert (ws.cycle, ws.expected, ws.disclosure_threshold, ws.title, ws.is_sample,
            ws.store_path, ws.chapters_dir, ws.deadline()) == (
        "2018-2022", list(MEMBER_CODES), 5, d.report.title, False,
        tmp_path / "store.duckdb", None, None)
    # an empty file: the default cycle
    (tmp_path / CONFIG_NAME).write_text("", "utf-8")
    assert Workspace.open(tmp_path).settings == WorkspaceConfig()


def test_the_written_config_round_trips(tmp_path):
    from octasee.workspace import (
        ChaptersSettings,
        CycleSettings,
        ReportSettings,
        WorkspaceConfig,
    )

    ws = create_workspace(tmp_path / "w", cycle="2018-2022", title='The "Quoted" Title',
                          classification="SECRET", deadline=dt.date(2023, 4, 15),
                          deadlines={"2013-2017": dt.date(2018, 3, 31)},
                          expected=["RS", "HR"], notebooks=True)
    assert ws.settings == WorkspaceConfig(
        report=ReportSettings(title='The "Quoted" Title', classification="SECRET"),
        cycle=CycleSettings(code="2018-2022", deadline=dt.date(2023, 4, 15),
                            expected=("RS", "HR")),
        deadlines={"2013-2017": dt.date(2018, 3, 31)},
        chapters=ChaptersSettings(folder="notebooks"))
    assert Workspace.open(ws.path).settings == ws.settings
    # the template writes the defaults from the one place that holds them
    text = (ws.path / CONFIG_NAME).read_text("utf-8")
    assert f'organisation = "{ReportSettings().organisation}"' in text
    assert f'handling = "{ReportSettings().handling}"' in text
    assert "threshold = 5\n" in text


def test_countries_in_the_config_are_read_as_codes(tmp_path):
    path = _edited(tmp_path, 'expected = ["AL", "BA", ', 'expected = ["Hrvatska", "Serbia", ')
    ws = Workspace.open(path)
    assert ws.expected[:2] == ["HR", "RS"]
    assert ws.settings.cycle.expected[:2] == ("HR", "RS")


# --------------------------------------------------------------------- questionnaire/spec.yaml
def _spec_text() -> str:
    return (ROOT / "octasee" / "questionnaire" / "spec.yaml").read_text("utf-8")


def _line(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_the_questionnaire_spec_refuses_a_typo_in_a_key(tmp_path):
    from octasee.config import ConfigError
    from octasee.questionnaire.spec import read_spec

    text = _spec_text().replace("{key: agency, label: Agency, kind: text, required: true,",
                                "{key: agency, label: Agency, kind: text, requried: true,", 1)
    assert "requried" in text
    line = _line(text, "requried")
    with pytest.raises(ConfigError) as exc:
        read_spec(text=text, name="spec-copy.yaml")
    assert str(exc.value).startswith(
        f"spec-copy.yaml, line {line}: unknown key 'requried' in column 'agency' of sheet "
        "'respondent'; did you mean 'required'?"), str(exc.value)
    # the same on a path
    p = tmp_path / "spec.yaml"
    p.write_text(text, "utf-8")
    with pytest.raises(ConfigError, match=rf"spec.yaml, line {line}: unknown key 'requried'"):
        read_spec(p)


@pytest.mark.parametrize(("old", "new", "message"), [
    ("max_rows: 1", "max_rows: one", r"key sheets\[0\].max_rows: 'one' is not a whole number"),
    ("{key: agency, label: Agency, kind: text,", "{key: agency, label: Agency, kind: txt,",
     r"key sheets\[0\].columns\[2\].kind: 'txt' is not one of .*; did you mean 'text'\?"),
    ("{key: agency, label: Agency, kind: text, required: true,",
     "{key: agency, label: Agency, kind: text, required: sometimes,",
     r"key sheets\[0\].columns\[2\].required: 'sometimes' is not true or false"),
    ("attribute_scale: [Nil,", "atribute_scale: [Nil,",
     r"unknown key 'atribute_scale'; did you mean 'attribute_scale'\?"),
    ("  - key: respondent\n", "  - kee: respondent\n", r"unknown key 'kee' in sheet"),
])
def test_the_questionnaire_spec_refuses_wrong_keys_and_types(old, new, message):
    from octasee.config import ConfigError
    from octasee.questionnaire.spec import read_spec

    text = _spec_text()
    assert old in text, old
    text = text.replace(old, new, 1)
    line = _line(text, new.strip().splitlines()[0])
    with pytest.raises(ConfigError, match=rf"^spec.yaml, line {line}: {message}"):
        read_spec(text=text, name="spec.yaml")


def test_the_shipped_questionnaire_spec_is_strictly_valid():
    from octasee.questionnaire.spec import build_spec, read_spec, spec_for

    raw = read_spec()
    assert build_spec(raw, "2013-2017") == spec_for("2013-2017")
    # descriptions with a comma in a flow mapping are whole, not split into stray keys
    assert spec_for("2013-2017").sheet("groups").column("name").description.startswith(
        "The name the group is known by")


# --------------------------------------------------------------------- scoring specs
SCORING = """\
name: toy
unit: country
steps:
  - {step: normalise, method: minmax}
tree:
  - {id: threat}
  - {id: drugs, parent: threat, column: Drug seizures}
  - {id: guns, parent: threat, treat: true}
"""


@pytest.mark.parametrize(("old", "new", "line", "message"), [
    ("column: Drug", "colum: Drug", 7,
     "unknown key 'colum' in a tree node; did you mean 'column'?"),
    ("treat: true", "treat: maybe", 8, "key tree[2].treat: 'maybe' is not true or false"),
    ("name: toy", "name: toy\ndescripton: x", 2, "did you mean 'description'?"),
])
def test_scoring_specs_use_the_strict_loader(tmp_path, old, new, line, message):
    from octasee.scoring import load_spec

    p = tmp_path / "index.yaml"
    p.write_text(SCORING.replace(old, new, 1), "utf-8")
    with pytest.raises(ScoringError) as exc:
        load_spec(p)
    assert f"index.yaml, line {line}: " in str(exc.value), str(exc.value)
    assert message in str(exc.value), str(exc.value)


def test_scoring_toml_specs_name_the_line_of_an_unknown_key(tmp_path):
    from octasee.scoring import load_spec

    p = tmp_path / "index.toml"
    p.write_text(textwrap.dedent("""\
        name = "toy"
        unit = "country"

        [[tree]]
        id = "threat"

        [[tree]]
        id = "guns"
        parnet = "threat"
        """), "utf-8")
    with pytest.raises(ScoringError) as exc:
        load_spec(p)
    assert "index.toml, line 9: unknown key 'parnet' in a tree node; did you mean 'parent'?" \
        in str(exc.value), str(exc.value)


def test_shipped_scoring_specs_load():
    from octasee.scoring import load_spec

    for name in ("gitoc_2021", "gitoc_2023"):
        assert load_spec(name).indicators


# --------------------------------------------------------------------- the loader itself
def test_the_loader_on_its_own():
    from octasee.config import ConfigError, Field, Table, check, read_toml, read_yaml

    schema = Table({"disclosure": Table({"threshold": Field("whole", default=5, min=1)}),
                    "name": Field("text", required=True)})
    data, src = read_toml('name = "x"\n\n[disclosure]\nthreshold = 0\n', name="a.toml")
    with pytest.raises(ConfigError, match=r"^a.toml, line 4: key disclosure.threshold: 0 is "
                                          r"not a whole number of 1 or more"):
        check(data, schema, src)
    data, src = read_toml('name = "x"\n', name="a.toml")
    assert check(data, schema, src) == {"name": "x", "disclosure": {"threshold": 5}}
    data, src = read_toml("[disclosure]\n", name="a.toml")
    with pytest.raises(ConfigError, match=r"^a.toml: 'name' is missing"):
        check(data, schema, src)
    with pytest.raises(ConfigError, match=r"b.yaml, line 2: duplicate key 'name'"):
        read_yaml("name: x\nname: y\n", name="b.yaml")


def test_the_config_module_stays_at_the_bottom_of_the_layers():
    tree = ast.parse((ROOT / "octasee" / "config.py").read_text("utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
    octasee = {m for m in imported if m.startswith("octasee")}
    assert octasee == {"octasee.errors"}, octasee
    assert "yaml" in imported
