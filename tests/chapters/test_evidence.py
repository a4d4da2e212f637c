"""Every figure and table carries an evidence key and anchor; in the restricted edition its
data, with the questionnaire rows it was computed from and where each came from (file,
sheet, row), in a CSV linked under the source line; in the public edition nothing of it.

Sections are called on a chapter of the session's sample workspace (no kernel); the
whole sample report is checked on the session's build of it.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from octasee.chapters import context as chapter_context
from octasee.chapters import open_chapter, sections
from octasee.chapters.context import DATA_LINK_TEXT, evidence_anchor
from octasee.errors import UsageError
from octasee.report.build import build_report
from octasee.report.chapters import default_chapters
from octasee.store import Store

CYCLES = ("2009-2012", "2013-2017")


@pytest.fixture
def shown(monkeypatch):
    out: list[str] = []
    monkeypatch.setattr(chapter_context, "_html", out.append)
    monkeypatch.setattr(chapter_context, "_display", lambda *a, **k: None)  # the plots
    return out


def chapter(ws, out: Path, variant: str, number: str = "04"):
    return open_chapter(number, "Drug trafficking", cycle="2013-2017", workspace=ws.path,
                        variant=variant, output_dir=out)


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8"))))


def store_rows(ws, area: str, indicators: list[str], *, years: set[int] | None = None
               ) -> pd.DataFrame:
    """The current restricted rows (totals) of the sample store, read straight from it."""
    with Store(ws.store_path, read_only=True) as store:
        frames = [store.table("indicators", cycle=c) for c in CYCLES]
    d = pd.concat(frames, ignore_index=True)
    d = d[(d["crime_area"] == area) & d["indicator"].isin(indicators) & d["breakdown"].isna()]
    return d[d["year"].isin(years)] if years else d


def test_an_anchor_is_the_key_with_every_other_run_of_characters_as_a_dash():
    assert evidence_anchor("fig:trend:heroin:heroin_seized") == "ev-fig-trend-heroin-heroin-seized"
    assert evidence_anchor("tab:profile:MK:gitoc") == "ev-tab-profile-mk-gitoc"
    assert evidence_anchor("fig:routes:heroin+cocaine") == "ev-fig-routes-heroin-cocaine"


def test_restricted_trend_and_country_table_write_their_rows_with_source_rows(
        sample_workspace, tmp_path, shown, monkeypatch):
    out = tmp_path / "04"
    out.mkdir()
    monkeypatch.chdir(out)  # the build's kernel runs in the chapter's folder
    ch = chapter(sample_workspace, out, "restricted")
    sections.area_trend(ch, "heroin", "heroin_seized")
    sections.country_table(ch, "heroin", ["heroin_seized", "cases", "arrests"])
    evidence = json.loads((out / "evidence.json").read_text("utf-8"))
    assert [(e["key"], e["label"], e["kind"], e["anchor"], e["data"]) for e in evidence] == [
        ("fig:trend:heroin:heroin_seized", "Figure 4.1", "figure",
         "ev-fig-trend-heroin-heroin-seized", "data/ev-fig-trend-heroin-heroin-seized.csv"),
        ("tab:countries:heroin", "Table 4.1", "table", "ev-tab-countries-heroin",
         "data/ev-tab-countries-heroin.csv")]
    assert {e["chapter"] for e in evidence} == {"04"}
    assert evidence[0]["caption"].startswith("Heroin seized")

    # the trend: every current total of heroin seized of both cycles (every member reported
    # every year: the panel is all of them), with its source row
    trend = read_csv(out / "data" / "ev-fig-trend-heroin-heroin-seized.csv")
    want = store_rows(sample_workspace, "heroin", ["heroin_seized"])
    assert len(trend) == len(want) > 0
    assert list(trend[0])[:15] == ["country", "cycle", "crime_area", "indicator", "breakdown",
                                   "year", "value", "unit", "submission_id", "src_file",
                                   "src_sheet", "src_row", "source_reliability",
                                   "information_assessment", "nd"]
    got = {(r["country"], int(r["year"])): (float(r["value"]), r["src_file"], r["src_sheet"],
                                            int(r["src_row"])) for r in trend}
    assert got == {(r.country, r.year): (r.value, r.src_file, r.src_sheet, r.src_row)
                   for r in want.itertuples()}
    # the sum per year is the regional total the figure draws
    totals = want.groupby("year")["value"].sum()
    csv_totals = pd.DataFrame(trend).astype({"year": int, "value": float}).groupby(
        "year")["value"].sum()
    assert csv_totals.round(6).to_dict() == totals.round(6).to_dict()

    # the country table: the rows of its last year, the three indicators
    table = read_csv(out / "data" / "ev-tab-countries-heroin.csv")
    want = store_rows(sample_workspace, "heroin", ["heroin_seized", "cases", "arrests"],
                      years={2017})
    assert sorted((r["country"], r["indicator"], r["src_file"], int(r["src_row"]))
                  for r in table) == sorted(
        (r.country, r.indicator, r.src_file, r.src_row) for r in want.itertuples())
    assert {r["src_sheet"] for r in table} == {"Indicators"}

    # each caption has its anchor; the link sits in the source line, relative to the kernel
    html = "\n".join(shown)
    for key, anchor in (("fig:trend:heroin:heroin_seized", "ev-fig-trend-heroin-heroin-seized"),
                        ("tab:countries:heroin", "ev-tab-countries-heroin")):
        assert (f'<span class="evidence-anchor" id="{anchor}" data-evidence="{key}"></span>'
                f'<h4 class="') in html
        assert (f'<a class="data-link" href="data/{anchor}.csv" data-csv="{anchor}.csv" '
                f'data-evidence="{key}">{DATA_LINK_TEXT}</a>') in html
    assert html.count('<p class="source">') == 2
    assert all(re.search(r'<p class="source">[^\n]*data-link', p)
               for p in re.findall(r'<p class="source">.*?</p>', html, re.S))


def test_public_trend_and_country_table_list_their_keys_and_write_no_data(
        sample_workspace, tmp_path, shown):
    out = tmp_path / "04"
    ch = chapter(sample_workspace, out, "public")
    sections.area_trend(ch, "heroin", "heroin_seized")
    sections.country_table(ch, "heroin", ["heroin_seized", "cases", "arrests"])
    evidence = json.loads((out / "evidence.json").read_text("utf-8"))
    assert [(e["key"], e["anchor"], e["data"]) for e in evidence] == [
        ("fig:trend:heroin:heroin_seized", "ev-fig-trend-heroin-heroin-seized", None),
        ("tab:countries:heroin", "ev-tab-countries-heroin", None)]
    assert not (out / "data").exists() and not list(out.rglob("*.csv"))
    html = "\n".join(shown)
    assert 'id="ev-fig-trend-heroin-heroin-seized"' in html
    for word in ("data-link", DATA_LINK_TEXT, "src_", "submission_id", ".xlsx", ".csv"):
        assert word not in html, word


def test_data_cells_cannot_run_as_formulas(sample_workspace, tmp_path, shown):
    ch = chapter(sample_workspace, tmp_path, "restricted")
    data = pd.DataFrame({"country": ["RS", "HR"], "comment": ['=HYPERLINK("http://x","y")',
                                                             "-2+3"],
                         "value": [-5.0, 1.0], "=cmd": ["@SUM(A1)", "plain"]})
    ch.show_table(data[["country", "value"]], "Hostile comments", source="submissions",
                  key="tab:hostile", data=data)
    rows = read_csv(tmp_path / "data" / "ev-tab-hostile.csv")
    assert [r["comment"] for r in rows] == ['\'=HYPERLINK("http://x","y")', "'-2+3"]
    assert [r["'=cmd"] for r in rows] == ["'@SUM(A1)", "plain"]
    assert [r["value"] for r in rows] == ["-5.0", "1.0"]  # numbers stay numbers
    # a published data set without source rows names its source
    assert {r["source"] for r in rows} == {
        "Country submissions to the OCTA-SEE questionnaire, cycle 2013-2017"}


def test_keys_default_per_chapter_and_a_chapter_refuses_a_key_twice(sample_workspace,
                                                                   tmp_path, shown):
    ch = chapter(sample_workspace, tmp_path, "restricted")
    frame = pd.DataFrame({"a": [1]})
    ch.show_table(frame, "One", source="submissions")
    ch.show_table(frame, "Two", source="submissions", key="tab:two")
    keys = [e["key"] for e in json.loads((tmp_path / "evidence.json").read_text("utf-8"))]
    assert keys == ["tab:04:1", "tab:two"]
    assert (tmp_path / "data" / "ev-tab-04-1.csv").is_file()  # a table's data: itself
    with pytest.raises(UsageError, match="'tab:two' is already Table 4.2's"):
        ch.show_table(frame, "Three", source="submissions", key="tab:two")
    # the same table shown again (a cell run again in JupyterLab) takes its place
    ch.show_table(frame, "Two", source="submissions", key="tab:two")
    entries = json.loads((tmp_path / "evidence.json").read_text("utf-8"))
    assert [(e["key"], e["label"]) for e in entries] == [("tab:04:1", "Table 4.1"),
                                                         ("tab:two", "Table 4.4")]
    with pytest.raises(UsageError, match="not of the form 'fig:...' or 'tab:...'"):
        ch.show_table(frame, "Four", source="submissions", key="heroin")


# ----------------------------------------------------------------------------- reports


def _captions(html: str) -> list[tuple[str, str]]:
    """Each numbered figure and table of an executed chapter's HTML with the HTML up to
    the next one."""
    starts = [m.start() for m in re.finditer(r'<h4 class="(?:figure|table)-caption">', html)]
    ends = [*starts[1:], len(html)]
    return [(html[s:s + 200], html[s:e]) for s, e in zip(starts, ends, strict=False)]


def _notebook_html(path: Path) -> str:
    nb = json.loads(path.read_text("utf-8"))
    return "\n".join("".join(o.get("data", {}).get("text/html", ""))
                     for c in nb["cells"] for o in c.get("outputs", []))


def test_every_figure_and_table_of_the_restricted_sample_report_links_its_data(
        chapter_builds):
    result = chapter_builds["2013-2017"]
    folder = result.out / "octa-see_2013-2017_restricted.evidence"
    linked = 0
    for run in result.runs:
        html = _notebook_html(result.out / run.notebook)
        for caption, body in _captions(html):
            link = re.search(r'<a class="data-link" href="[^"]*" data-csv="([^"]+)"', body)
            assert link, (run.label, caption)
            rows = read_csv(folder / link.group(1))
            columns = set(rows[0]) if rows else set()
            if "Country submissions" in body.split('<p class="source">', 1)[-1][:200]:
                # questionnaire data: the rows with where each came from (the response
                # table: the submissions, with their files)
                want = {"submission_id", "source_files"} if "rows accepted" in caption \
                    else {"submission_id", "src_file", "src_sheet", "src_row", "nd"}
                assert want <= columns, (run.label, caption, columns)
            else:  # a published data set: the rows shown, the source named
                assert "source" in columns, (run.label, caption, columns)
            linked += 1
    report = result.html.read_text("utf-8")
    hrefs = [re.search(r'href="([^"]+)"', t).group(1)
             for t in re.findall(r'<a [^>]*class="data-link"[^>]*>', report)]
    assert len(hrefs) == linked == len(list(folder.iterdir()))
    assert all((result.out / h).is_file() for h in hrefs)
    assert all(h.startswith("octa-see_2013-2017_restricted.evidence/") for h in hrefs)
    ids = re.findall(r'<h4 class="(?:figure|table)-caption" id="(ev-[^"]+)"', report)
    assert len(ids) == len(set(ids)) == linked
    print(f"{linked} figures and tables of the restricted sample report link their data")


@pytest.fixture(scope="module")
def public_sample(sample_workspace, tmp_path_factory):
    """A public edition of two chapters of the sample report (threat bands, trends,
    country tables, routes), and a profile."""
    chosen = {"02_regional_overview", "04_drug_trafficking", "A_country_profile"}
    chapters = []
    for c in default_chapters():
        if c.slug in chosen:
            if c.per_country:
                c = dataclasses.replace(c, per_country=False, parameters={"country": "RS"})
            chapters.append(c)
    out = tmp_path_factory.mktemp("public-evidence") / "out"
    result = build_report(workspace=sample_workspace.path, cycle="2013-2017",
                          variant="public", formats=("html",), out=out, chapters=chapters,
                          jobs=2, build_date=dt.date(2018, 6, 30), use_cache=False,
                          record_draft=False)
    assert result.ok, [(r.label, r.error) for r in result.failed]
    return result


def test_the_public_sample_report_has_no_data_and_no_provenance(public_sample):
    out = public_sample.out
    report = public_sample.html.read_text("utf-8")
    assert not list(out.rglob("*.csv")) and not list(out.glob("*.evidence"))
    for word in ("data-link", DATA_LINK_TEXT, "src_file", "src_row", "submission_id",
                 ".xlsx"):
        assert word not in report, word
    # its figures and tables have their keys: references resolve in both editions
    ids = re.findall(r'<h4 class="(?:figure|table)-caption" id="(ev-[^"]+)"', report)
    assert {"ev-tab-threat-bands", "ev-fig-trend-heroin-heroin-seized",
            "ev-tab-countries-heroin"} <= set(ids)
    assert len(ids) == len(re.findall(r'class="(?:figure|table)-caption"', report))
