"""Which GI-TOC edition, CPI year and base year a cycle's report uses: from the cycle by
default, from ``[editions]`` of the workspace's octasee.toml when it says, and printed by
the sections that use them."""

from __future__ import annotations

import re

import pytest

from octasee.analysis.editions import editions
from octasee.chapters import context as chapter_context
from octasee.chapters import open_chapter, sections
from octasee.config import ConfigError
from octasee.workspace import CONFIG_NAME, EditionsSettings, Workspace, create_workspace


@pytest.mark.parametrize(("cycle", "gitoc", "later", "cpi", "cpi_years", "base"), [
    # no GI-TOC edition of its years: the earliest, flagged as later
    ("2009-2012", 2021, True, 2012, (2012,), 2009),
    ("2013-2017", 2021, True, 2017, (2013, 2014, 2015, 2016, 2017), 2013),
    # the latest edition not after 2022; CPI shipped to 2017 only
    ("2018-2022", 2021, False, 2017, (), 2018),
])
def test_defaults_follow_the_cycle(cycle, gitoc, later, cpi, cpi_years, base):
    e = editions(cycle)
    assert (e.gitoc, e.gitoc_later, e.cpi_year, e.cpi_years, e.base_year) == (
        gitoc, later, cpi, cpi_years, base)
    assert e.gitoc_tables == (2021, 2023)
    assert bool(e.gitoc_note) == later
    assert ("2017, is before the 2018-2022 cycle" in e.cpi_note) == (cycle == "2018-2022")


def test_the_settings_override_the_defaults():
    e = editions("2013-2017", EditionsSettings(gitoc=2023, gitoc_tables=(2023,),
                                               cpi_year=2015, base_year=2014))
    assert (e.gitoc, e.gitoc_tables, e.cpi_year, e.base_year) == (2023, (2023,), 2015, 2014)


def _workspace(tmp_path, editions_toml: str) -> Workspace:
    ws = create_workspace(tmp_path / "w", cycle="2013-2017")
    cfg = ws.path / CONFIG_NAME
    cfg.write_text(cfg.read_text("utf-8").replace("[editions]\n", "[editions]\n"
                                                  + editions_toml), "utf-8")
    return Workspace.open(ws.path)


def test_an_edition_octasee_does_not_ship_names_the_file_and_line(tmp_path):
    ws = _workspace(tmp_path, "gitoc = 2019\n")
    with pytest.raises(ConfigError) as err:
        editions("2013-2017", ws)
    line = next(i for i, t in enumerate((ws.path / CONFIG_NAME).read_text().splitlines(), 1)
                if t.startswith("gitoc = 2019"))
    assert f"{CONFIG_NAME}, line {line}" in str(err.value)
    assert "no GI-TOC edition 2019" in str(err.value) and "2021 or 2023" in str(err.value)
    ws = _workspace(tmp_path / "b", "cpi_year = 2020\n")
    with pytest.raises(ConfigError, match="the CPI extract has no year 2020"):
        editions("2013-2017", ws)


def test_an_unknown_key_in_editions_is_refused(tmp_path):
    with pytest.raises(ConfigError) as err:
        _workspace(tmp_path, "gitoc_edition = 2023\n")
    assert "unknown key 'gitoc_edition' in [editions]" in str(err.value), str(err.value)


@pytest.fixture
def shown(monkeypatch):
    out: list[str] = []
    monkeypatch.setattr(chapter_context, "_html", out.append)
    monkeypatch.setattr(chapter_context, "_display", lambda obj, raw=False: None)
    return out


def _text(parts: list[str]) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", "\n".join(parts)))


def test_sections_print_the_edition_they_used(tmp_path, shown):
    # public sources only: a workspace with nothing ingested shows them
    ws = create_workspace(tmp_path / "d", cycle="2013-2017")
    ch = open_chapter("02", "Overview", workspace=ws.path, output_dir=tmp_path / "o1")
    sections.quadrant(ch)
    sections.gitoc_scores(ch)
    text = _text(shown)
    assert "Criminality and resilience, GI-TOC 2021" in text
    assert "the 2021 edition, published after the cycle, stands in for it" in text
    assert "2021 and 2023 editions" in text and "later than the 2013-2017 cycle" in text
    shown.clear()
    ws = _workspace(tmp_path / "e", "gitoc = 2023\ngitoc_tables = [2023]\n")
    ch = open_chapter("02", "Overview", workspace=ws.path, output_dir=tmp_path / "o2")
    sections.quadrant(ch)
    sections.gitoc_scores(ch)
    text = _text(shown)
    assert "Criminality and resilience, GI-TOC 2023" in text
    assert ("GI-TOC Global Organized Crime Index, criminality and resilience: 2023 edition "
            "(scores 1-10)") in text
    assert "2021 edition" not in text and "Criminality 2021" not in text


def test_priorities_say_which_gitoc_edition_and_cpi_year(sample_workspace, tmp_path, shown):
    ch = open_chapter("11", "Outlook", cycle="2013-2017", workspace=sample_workspace.path,
                      output_dir=tmp_path)
    sections.priorities(ch)
    text = _text(shown)
    assert ("vulnerability combines low resilience (GI-TOC 2021) and corruption (TI CPI "
            "2017). GI-TOC has no edition for 2013-2017") in text
    shown.clear()
    sections.cpi_scores(ch)
    assert "In 2017 the lowest score" in _text(shown)
