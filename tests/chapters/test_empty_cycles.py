"""Chapters on a cycle with no questionnaire yet, and on a single country's partial return.

Two builds of the real chapter notebooks, made once for this module with the build's
executor (a pool of two kernels): (a) a fresh 2018-2022 workspace, its store made as
``octasee init`` makes it and nothing ingested; (b) a 2013-2017 workspace holding only
Serbia's submission, with only its Respondent and Indicators sheets filled. The country
profile runs for one country (Serbia) in (a), and for Serbia and for Croatia (which sent
nothing) in (b). Every chapter must execute; (a) must say what is missing and how to
ingest it, (b) must degrade to short statements instead of rankings of one country.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from html import unescape
from pathlib import Path

import pytest

from octasee.chapters import open_chapter
from octasee.errors import UsageError
from octasee.report.assemble import PLOTLY_MIME as PLOTLY
from octasee.report.build import build_report
from octasee.report.chapters import Chapter, default_chapters
from octasee.store import Store
from octasee.workspace import create_workspace

SLUGS = {c.slug for c in default_chapters()}
#: The back matter (glossary, indicator definitions, bibliography) rests on no
#: questionnaire: it says nothing of what the cycle's returns cover.
BACK_MATTER = {"E_glossary_and_sources"}
#: Serbia's partial return: the Respondent and Indicators sheets of tests/conftest.py's valid
#: rows only, two years of heroin seizures at most, nothing else.
PARTIAL_SHEETS = ("respondent", "indicators")


def _chapters(*profiles: str) -> list[Chapter]:
    """The bundled chapters, the country profile once per country in ``profiles`` (with
    every expected country as the chapter's countries, as in a whole build)."""
    out = []
    for c in default_chapters():
        if not c.per_country:
            out.append(c)
            continue
        for i, code in enumerate(profiles):
            slug = c.slug if i == 0 else f"{c.slug}_{code}"
            out.append(Chapter(slug, c.title, c.notebook, parameters={"country": code},
                               number="A" if i == 0 else "CDE"[i - 1]))
    return out


def _build(ws, out: Path, *profiles: str):
    return build_report(workspace=ws.path, formats=("html",), out=out, jobs=2,
                        keep_going=True, chapters=_chapters(*profiles), use_cache=False,
                        record_draft=False, build_date=dt.date(2023, 6, 30))


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def _read(result, run) -> tuple[str, list[dict], list[dict]]:
    """An executed chapter: its displayed HTML as text, its errors, its plotly figures."""
    nb = json.loads((result.out / run.notebook).read_text(encoding="utf-8"))
    texts, errors, figures = [], [], []
    for cell in nb["cells"]:
        if "remove_cell" in cell["metadata"].get("tags", []) and not any(
                o.get("output_type") == "error" for o in cell.get("outputs", [])):
            continue  # explorers: not in the report (they must still run)
        for o in cell.get("outputs", []):
            if o["output_type"] == "error":
                errors.append(o)
            data = o.get("data", {})
            if PLOTLY in data:
                figures.append(data[PLOTLY])
            texts.append(_text("".join(data.get("text/html", ""))))
    return "\n".join(t for t in texts if t), errors, figures


@pytest.fixture(scope="module")
def empty_build(tmp_path_factory):
    base = tmp_path_factory.mktemp("empty-cycle")
    ws = create_workspace(base / "ws", cycle="2018-2022")
    Store(ws.store_path).close()  # what `octasee init` does: an empty store
    return ws, _build(ws, base / "out", "RS")


@pytest.fixture(scope="module")
def partial_build(tmp_path_factory, valid_rows_shared):
    from octasee.questionnaire.template import write_template

    base = tmp_path_factory.mktemp("partial-return")
    ws = create_workspace(base / "ws", cycle="2013-2017")
    path = write_template("2013-2017", "RS", base / "RS.xlsx", rows={k: copy.deepcopy(valid_rows_shared[k]) for k in PARTIAL_SHEETS})
    with Store(ws.store_path) as store:
        report = store.ingest([path], jobs=1)
    assert [r.outcome for r in report.results] == ["accepted"]
    return ws, _build(ws, base / "out", "RS", "HR")


# --------------------------------------------------------------------------- (a) empty


@pytest.mark.slow
def test_every_chapter_runs_on_an_empty_cycle_and_says_what_is_missing(empty_build):
    ws, result = empty_build
    assert [(r.label, r.state) for r in result.runs if r.state != "ok"] == [], [
        (r.label, (r.error or {}).get("evalue")) for r in result.failed]
    assert {r.chapter for r in result.runs} == SLUGS  # all 15
    for run in result.runs:
        text, errors, figures = _read(result, run)
        assert not errors, (run.label, errors[:1])
        if run.chapter in BACK_MATTER:
            continue
        # Once per chapter: what is missing, counted, and the command that fills it.
        assert text.count("No questionnaire of cycle 2018-2022 has been ingested yet") == 1, (
            run.label, text[:500])
        assert "0 of 13 expected countries" in text, run.label
        assert f"octasee ingest FILE... --workspace {ws.path}" in text, run.label
        # Nothing that rests on submissions is shown: only public data, if any.
        assert "Country submissions to the OCTA-SEE questionnaire" not in text, run.label
        for fig in figures:
            assert fig.get("data"), (run.label, "empty figure")
    html = result.html.read_text(encoding="utf-8")
    assert 'class="build-failure' not in html
    assert html.count("No questionnaire of cycle 2018-2022 has been ingested yet") == len(
        SLUGS - BACK_MATTER)


@pytest.mark.slow
def test_an_empty_cycle_still_shows_the_public_sources(empty_build):
    _ws, result = empty_build
    shown = {r.chapter: _read(result, r)[0] for r in result.runs}
    assert "GI-TOC Global Organized Crime Index" in shown["02_regional_overview"]
    assert "Detections of illegal border crossings" in shown["05_migrant_smuggling"]
    assert "Detected victims of trafficking (number of victims; UNODC)" in shown["06_trafficking_in_human_beings"]
    assert "covers 2012-2017 only" in shown["09_economic_crime_and_corruption"]
    assert "Serbia" in shown["A_country_profile"] and "GI-TOC" in shown["A_country_profile"]


def test_a_workspace_without_a_store_is_an_empty_chapter(tmp_path):
    ws = create_workspace(tmp_path / "ws", cycle="2018-2022")
    ch = open_chapter("04", "Drug trafficking", workspace=ws.path)
    assert ch.empty and ch.received == [] and ch.cycle.code == "2018-2022"
    assert ch.table("indicators").empty and "value" in ch.table("indicators")
    notice = _text(ch.notice_html())
    assert "No questionnaire of cycle 2018-2022 has been ingested yet" in notice
    assert "0 of 13 expected countries" in notice
    assert f"octasee ingest FILE... --workspace {ws.path}" in notice
    assert not ws.store_path.exists()  # a chapter never writes a store
    # A selection of countries, and the public variant, count what they cover.
    ch = open_chapter("04", "Drug trafficking", workspace=ws.path, countries=["RS", "HR"],
                      variant="public")
    assert ch.empty and "(0 of 2 selected countries)" in _text(ch.notice_html())


def test_a_mistyped_cycle_is_still_an_error(tmp_path):
    ws = create_workspace(tmp_path / "ws", cycle="2018-2022")
    Store(ws.store_path).close()
    with pytest.raises(UsageError) as exc:
        open_chapter("04", "Drug trafficking", workspace=ws.path, cycle="2018-2202")
    message = str(exc.value)
    assert "parameter 'cycle' is '2018-2202'" in message and "not in the store" in message
    assert "did you mean '2018-2022'?" in message
    # The same typo in the workspace's config.
    typo = create_workspace(tmp_path / "typo", cycle="2018-2202")
    with pytest.raises(UsageError, match="did you mean '2018-2022'"):
        open_chapter("04", "Drug trafficking", workspace=typo.path)


# --------------------------------------------------------------------------- (b) partial


@pytest.mark.slow
def test_every_chapter_runs_on_a_single_partial_return(partial_build):
    _ws, result = partial_build
    assert [(r.label, r.state) for r in result.runs if r.state != "ok"] == [], [
        (r.label, (r.error or {}).get("evalue")) for r in result.failed]
    assert {r.chapter for r in result.runs} >= SLUGS
    for run in result.runs:
        text, errors, figures = _read(result, run)
        assert not errors, (run.label, errors[:1])
        assert "has been ingested yet" not in text, run.label
        assert "2,017" not in text, (run.label, "a year printed as a number")
        assert not re.search(r"\b1 (countries|cycles)\b", text), run.label
        for fig in figures:  # no empty figure
            assert fig.get("data"), run.label
        # Once per chapter, what the numbers cover (the introduction's response table
        # says it in its own words; a profile says whether its country answered).
        if run.chapter == "01_introduction":
            assert "1 of 13 member countries returned the questionnaire" in text
        elif not run.chapter.startswith("A_country_profile") and (
                run.chapter not in BACK_MATTER):
            assert text.count("Only 1 of 13 expected countries has returned") == 1, (
                run.label, text[:400])


@pytest.mark.slow
def test_comparisons_of_one_country_degrade_to_a_statement(partial_build):
    _ws, result = partial_build
    shown = {r.label: _read(result, r) for r in result.runs}
    # Threat scores are relative to the other countries: one country has none.
    for label in ("00_front_matter", "02_regional_overview", "11_outlook_and_priorities"):
        text = shown[label][0]
        assert "only Serbia" in text, (label, text[:600])
        assert "Threat scores 0-10" not in text and "Mean threat score" not in text
        assert "Risk (likelihood" not in text
    assert "Figure" not in shown["00_front_matter"][0]
    assert "no key judgement has been agreed yet" in shown["00_front_matter"][0].lower()
    assert "No organised crime group" in shown["03_organised_crime_groups"][0]
    assert "no ranking to test" in shown["B_method_and_robustness"][0]
    rs, _, rs_figures = shown["A_country_profile"]
    assert "Serbia: key indicators by year" in rs
    assert "regional median" not in rs and not rs_figures  # 2 years: a table, no trend line
    hr = shown["A_country_profile_HR"][0]
    assert "Croatia has not returned the questionnaire of cycle 2013-2017" in hr
