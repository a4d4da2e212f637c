"""Workspaces: `octasee init`, and config errors that name the key and the line."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from octasee.cli import main
from octasee.errors import OctaseeError
from octasee.workspace import CONFIG_NAME, Workspace, find_workspace


def test_init_creates_config_and_store(tmp_path, monkeypatch):
    folder = tmp_path / "octa-2018"
    res = CliRunner().invoke(main, ["init", str(folder), "--cycle", "2018-2022",
                                    "--deadline", "2023-04-15", "--country", "RS",
                                    "--country", "Hrvatska"])
    assert res.exit_code == 0, res.output
    assert "write the questionnaires: octasee questionnaire --all" in res.output
    ws = Workspace.open(folder)
    assert (ws.cycle, ws.expected, str(ws.deadline())) == ("2018-2022", ["RS", "HR"],
                                                           "2023-04-15")
    assert ws.store_path.exists()
    # Commands run inside the folder find it without --workspace.
    monkeypatch.chdir(folder)
    assert find_workspace().path.resolve() == folder.resolve()
    again = CliRunner().invoke(main, ["init", str(folder), "--cycle", "2018-2022"])
    assert again.exit_code == 1 and "already holds a workspace" in again.output


def test_init_refuses_a_bad_cycle(tmp_path):
    res = CliRunner().invoke(main, ["init", str(tmp_path / "w"), "--cycle", "2018"])
    assert res.exit_code == 1 and "unknown cycle '2018'" in res.output
    assert not (tmp_path / "w").exists()


@pytest.mark.parametrize(("edit", "message"), [
    (('expected = [', 'expected = ["RS", "Atlantis", '),
     r"line 19: key cycle.expected: item 2: unknown member country 'Atlantis'"),
    (("threshold = 5", "threshold = 0"), r"line 26: key disclosure.threshold: 0 is not"),
    (('code = "2018-2022"', 'code = "2018"'), r"line 15: key cycle.code: unknown cycle"),
    (("deadline = 2023-03-31", 'deadline = "soon"'), r"line 17: key cycle.deadline"),
    (('folder = ""', 'folder = "chapters"'),
     r"line 39: key chapters.folder: there is no folder 'chapters'"),
    (("include = []", "include = 4"), r"line 42: key chapters.include: must be a list"),
])
def test_config_errors_name_key_and_line(tmp_path, edit, message):
    from octasee.workspace import create_workspace

    ws = create_workspace(tmp_path / "w", cycle="2018-2022")
    cfg = ws.path / CONFIG_NAME
    text = cfg.read_text(encoding="utf-8")
    assert edit[0] in text
    cfg.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    with pytest.raises(OctaseeError, match=message):
        Workspace.open(ws.path)


def test_invalid_toml_names_the_line(tmp_path):
    (tmp_path / CONFIG_NAME).write_text('[cycle]\ncode = "2018-2022\n', encoding="utf-8")
    with pytest.raises(OctaseeError, match="not valid TOML.*line 2"):
        Workspace.open(tmp_path)


def test_init_copies_the_chapters_and_include_picks_them(tmp_path):
    from octasee.workspace import create_workspace

    ws = create_workspace(tmp_path / "w", cycle="2018-2022", notebooks=True)
    assert ws.chapters_dir == ws.path / "notebooks"
    assert (ws.path / "notebooks" / "04_drug_trafficking.ipynb").is_file()
    # 00-11, A (per country), B, C (restricted only), the other annexes
    assert len(ws.chapters()) == len(list((ws.path / "notebooks").glob("*.ipynb"))) >= 16
    cfg = ws.path / CONFIG_NAME
    cfg.write_text(cfg.read_text("utf-8").replace(
        "include = []", 'include = ["00", "4", "A", "B_method_and_robustness"]'), "utf-8")
    ws = Workspace.open(ws.path)
    assert [c.slug for c in ws.chapters()] == [
        "00_front_matter", "04_drug_trafficking", "A_country_profile",
        "B_method_and_robustness"]
    cfg.write_text(cfg.read_text("utf-8").replace('"4"', '"44"'), "utf-8")
    with pytest.raises(OctaseeError, match=r"line 42: key chapters.include: no chapter '44'"):
        Workspace.open(ws.path).chapters()


def test_the_cycle_deadline_in_the_config_is_the_one_used(tmp_path):
    import datetime as dt

    from octasee.workspace import create_workspace

    ws = create_workspace(tmp_path / "w", cycle="2013-2017", deadline=dt.date(2018, 3, 31),
                          deadlines={"2009-2012": dt.date(2013, 3, 31)})
    cfg = ws.path / CONFIG_NAME
    cfg.write_text(cfg.read_text("utf-8").replace("deadline = 2018-03-31",
                                                  "deadline = 2018-02-20"), "utf-8")
    ws = Workspace.open(ws.path)
    assert ws.deadline() == dt.date(2018, 2, 20)
    assert ws.deadline("2009-2012") == dt.date(2013, 3, 31)
    assert '"2013-2017"' not in cfg.read_text("utf-8").split("[deadlines]")[1].split("[")[0]
