"""The public edition discloses nothing it must not (issue 12): canaries planted in a copy
of the sample workspace cannot be recovered from the public build.

One public build of the affected chapters (executive summary, introduction, groups,
trafficking in human beings, economic crime, North Macedonia's profile) is made once for
the module. The canaries:

- **a small count with an unusual value**: North Macedonia's 2017 victims of trafficking
  identified, 3 in the samples, made 7, with a threshold of 10; its own assessment says
  "The figure for victims of trafficking identified was 7 in 2017";
- **a value not for dissemination**: Serbia's 2016 money-laundering cases, made 6367 and
  marked not for dissemination (a whole regional total minus the public one would give it);
- **a group reference**: Albania's first group renamed ``CANARY-GROUP-REF-5521``.

Each test reads one channel: prose, regional totals (total minus printed cells), rates,
chart data and hover text, the what-changed annex, restricted minus public.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import html as html_lib
import html as htmlmod
import json
import math
import re
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from octasee.report.build import build_report
from octasee.report.chapters import default_chapters
from octasee.sdc import DisclosureRules
from octasee.store import Store

MK_VICTIMS_2017 = 7
THRESHOLD = 10
NFD_VALUE = 6367
GROUP_REF = "CANARY-GROUP-REF-5521"
PLOTLY = "application/vnd.plotly.v1+json"
CHAPTERS = ("00_front_matter", "01_introduction", "03_organised_crime_groups",
            "06_trafficking_in_human_beings", "09_economic_crime_and_corruption",
            "A_country_profile")


def plant(ws: Path) -> None:
    """Plant the canaries in the copy's store and set its threshold."""
    toml = ws / "octasee.toml"
    text = re.sub(r"(?m)^threshold = \d+", f"threshold = {THRESHOLD}", toml.read_text())
    toml.write_text(text)
    with Store(ws / "store.duckdb") as store:
        sub = {r.country: r.submission_id for r in store.table(
            "submissions", cycle="2013-2017").itertuples()}
        con = store.con
        con.execute("UPDATE indicators SET value = ? WHERE submission_id = ? AND indicator = "
                    "'victims_identified' AND breakdown IS NULL AND year = 2017",
                    [float(MK_VICTIMS_2017), int(sub["MK"])])
        con.execute("UPDATE assessments SET situation = replace(situation, 'was 3 in 2017', "
                    "'was 7 in 2017') WHERE submission_id = ? AND crime_area = 'thb'",
                    [int(sub["MK"])])
        con.execute("UPDATE indicators SET value = ?, not_for_dissemination = TRUE WHERE "
                    "submission_id = ? AND indicator = 'ml_cases' AND breakdown IS NULL "
                    "AND year = 2016", [float(NFD_VALUE), int(sub["RS"])])
        con.execute("UPDATE ocgs SET group_ref = ? WHERE submission_id = ? AND group_ref = "
                    "'AL-2017-001'", [GROUP_REF, int(sub["AL"])])
        store._publish()


@pytest.fixture(scope="module")
def canary_ws(sample_workspace, tmp_path_factory) -> Path:
    ws = tmp_path_factory.mktemp("canaries") / "ws"
    shutil.copytree(sample_workspace.path, ws,
                    ignore=shutil.ignore_patterns(".octasee-cache", "drafts", "build"))
    plant(ws)
    return ws


@pytest.fixture(scope="module")
def public(canary_ws, tmp_path_factory) -> Any:
    chapters = []
    for c in default_chapters():
        if c.slug not in CHAPTERS:
            continue
        if c.per_country:  # one profile: North Macedonia's
            c = dataclasses.replace(c, per_country=False, parameters={"country": "MK"})
        chapters.append(c)
    out = tmp_path_factory.mktemp("public-edition") / "out"
    result = build_report(workspace=canary_ws, cycle="2013-2017", variant="public",
                          formats=("html",), out=out, chapters=chapters, jobs=2,
                          build_date=dt.date(2018, 6, 30), use_cache=False)
    assert result.ok, [(r.label, r.error) for r in result.failed]
    return result


# ----------------------------------------------------------------------------- helpers


def restricted_rows(ws: Path, name: str = "indicators") -> pd.DataFrame:
    with Store(ws / "store.duckdb", read_only=True) as store:
        return pd.concat([store.table(name, cycle=c) for c in store.cycles()],
                         ignore_index=True)


def regional_totals(ws: Path, indicator: str, area: str) -> dict[int, float]:
    """The true regional total of each year (every restricted row)."""
    d = restricted_rows(ws)
    d = d[(d["indicator"] == indicator) & (d["crime_area"] == area) & d["breakdown"].isna()]
    return {int(y): float(v) for y, v in d.groupby("year")["value"].sum().items()}


def notebooks(result: Any) -> dict[str, dict]:
    return {r.chapter: json.loads((result.out / r.notebook).read_text("utf-8"))
            for r in result.runs}


def html_of(nb: dict) -> str:
    parts = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            parts.append("".join(data.get("text/html", "")))
            parts.append("".join(out.get("text", "")))
    return "\n".join(parts)


def figures(nb: dict) -> list[tuple[str, dict]]:
    """Each figure of a notebook with the caption shown before it."""
    found, caption = [], ""
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            text = "".join(data.get("text/html", ""))
            m = re.search(r'class="figure-caption">(.*?)</h4>', text, re.S)
            if m:
                caption = re.sub(r"<[^>]+>", "", m.group(1))
            if PLOTLY in data:
                found.append((caption, data[PLOTLY]))
    return found


def tables(html: str) -> dict[str, pd.DataFrame]:
    """Each numbered table of the HTML as text cells, by its caption."""
    out = {}
    for m in re.finditer(r'class="table-caption">(.*?)</h4>\s*(<table.*?</table>)', html, re.S):
        caption = re.sub(r"<[^>]+>", "", m.group(1))
        rows = [[html_lib.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                 for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)]
                for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", m.group(2), re.S)]
        out[caption] = pd.DataFrame(rows[1:], columns=rows[0])
    return out


def array(value: Any) -> list[Any]:
    """A plotly array as a list (plotly 6 sends numbers as typed base64 blocks)."""
    if isinstance(value, dict) and "bdata" in value:
        a = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        if "shape" in value:
            a = a.reshape([int(x) for x in str(value["shape"]).split(",")])
        return [None if isinstance(x, float) and np.isnan(x) else x for x in a.tolist()]
    return list(value or [])


def number(text: str) -> float | None:
    try:
        return float(str(text).replace(",", ""))
    except ValueError:
        return None


# ----------------------------------------------------------------------------- channels


def test_prose_does_not_give_back_a_small_count(public):
    html = public.html.read_text("utf-8")
    text = re.sub(r"<[^>]+>", " ", html)
    assert "was 7 in 2017" not in text  # North Macedonia's own words, quoted
    # no small count (1 to THRESHOLD - 1) stays; a figure the edition prints does (95)
    assert not re.search(r"victims of trafficking identified was [1-9] in", text)
    for nb in notebooks(public).values():
        assert "was 7 in 2017" not in html_of(nb)


def test_total_minus_printed_cells_does_not_give_back_a_cell(public):
    """The attack of the issue: the 2017 regional total the public edition prints, minus
    the cells it prints, with what the markers say of the others (``<10``: 1 to 9; ``x``:
    anything), must leave North Macedonia's cell the whole of 1 to 9."""
    nbs = notebooks(public)
    thb = html_of(nbs["06_trafficking_in_human_beings"])
    table = next(t for c, t in tables(thb).items() if "indicators by country, 2017" in c)
    col = next(c for c in table.columns if c.startswith("Victims of trafficking identified")
               and "100" not in c)
    assert number(table.loc[table["Country"] == "North Macedonia", col].iloc[0]) is None
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", thb))
    totals = [number(m.group(1)) for m in re.finditer(r"to ([\d,]+) in 2017", text)]
    for _, fig in figures(nbs["06_trafficking_in_human_beings"]):
        for trace in fig.get("data", []):
            totals += [y for x, y in zip(array(trace.get("x")), array(trace.get("y")),
                                         strict=False) if x == 2017 and y is not None]
    # The 2017 total may be withheld (UNODC's Table 6.2 prints the other cells): then
    # there is nothing to subtract from; else it must leave the cell the whole of 1 to 9.
    lo_others = hi_others = 0.0
    for name, cell in zip(table["Country"], table[col], strict=True):
        if name == "North Macedonia" or cell in ("–", ""):
            continue
        v = number(cell)
        if v is not None:
            lo_others += v
            hi_others += v
        elif cell.startswith("<"):
            lo_others += 1
            hi_others += float(cell[1:]) - 1
        else:  # "x": anything from 0 up
            hi_others = float("inf")
    for total in set(totals):
        lo = max(1.0, total - hi_others)
        hi = min(THRESHOLD - 1.0, total - lo_others)
        assert lo <= 1 and hi >= THRESHOLD - 1, (total, lo, hi)


def regional_totals_printed(nb: dict) -> dict[int, set[float]]:
    """Each year's regional total of victims identified wherever chapter 6 prints one: its
    prose ("from 1,775 in 2009 to ... in 2017") and its chart's data."""
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html_of(nb)))
    out: dict[int, set[float]] = {}
    for m in re.finditer(r"Victims of trafficking identified (?:rose|fell) from ([\d,]+) in "
                         r"(\d{4}) to ([\d,]+) in (\d{4})", text):
        out.setdefault(int(m.group(2)), set()).add(number(m.group(1)))
        out.setdefault(int(m.group(4)), set()).add(number(m.group(3)))
    caption, fig = figures(nb)[0]
    assert caption.startswith("Figure 6.1: Victims of trafficking identified"), caption
    for trace in fig.get("data", []):
        for x, y in zip(array(trace.get("x")), array(trace.get("y")), strict=False):
            if y is not None:
                out.setdefault(int(x), set()).add(float(y))
    return out


def test_the_unodc_table_and_the_totals_do_not_give_back_a_withheld_cell(public):
    """The reviewer's attack: Table 6.2 (UNODC's detected victims) printed the very cells
    the view had chosen to protect Table 6.1's small counts, so that a year's regional
    total minus everything printed gave them back. For each year: the regional total,
    minus every cell printed in Table 6.1 or Table 6.2 (a marker ``<10`` read as 1 to 9,
    ``x`` as anything), must leave each withheld cell unpinned (a ``<10`` one anywhere in
    1 to 9)."""
    nb = notebooks(public)["06_trafficking_in_human_beings"]
    thb = html_of(nb)
    tabs = tables(thb)
    t61 = next(t for c, t in tabs.items() if "indicators by country, 2017" in c)
    col = next(c for c in t61.columns if c.startswith("Victims of trafficking identified")
               and "100" not in c)
    caption62 = next(c for c in tabs if "Detected victims of trafficking (number of victims; UNODC)" in c)
    t62 = tabs[caption62]
    years = [int(c) for c in t62.columns if c.isdigit()]
    assert years == list(range(2013, 2018))

    def interval(text: str, *, unreported: tuple[float, float]) -> tuple[float, float]:
        v = number(text)
        if v is not None:
            return v, v
        if text.startswith("<"):
            return 1.0, float(text[1:]) - 1
        return unreported if text in ("–", "") else (0.0, math.inf)

    cells: dict[tuple[str, int], tuple[float, float]] = {}
    for _, row in t62.iterrows():  # "–": UNODC publishes nothing, the questionnaire may
        for y in years:
            cells[(row["Country"], y)] = interval(row[str(y)], unreported=(0.0, math.inf))
    for name, text in zip(t61["Country"], t61[col], strict=True):  # "–": not reported
        lo, hi = interval(text, unreported=(0.0, 0.0))
        a, b = cells.get((name, 2017), (0.0, math.inf))
        cells[(name, 2017)] = (max(lo, a), min(hi, b))
        # the defect itself: a cell Table 6.1 withholds is not a number in Table 6.2
        if number(text) is None and text not in ("–", ""):
            assert number(t62.loc[t62["Country"] == name, "2017"].iloc[0]) is None, name
    # UNODC's own "<5" is shown as a marker (never 0), and the note says what markers mean
    me = t62[t62["Country"] == "Montenegro"].iloc[0]
    assert all(me[str(y)] in (f"<{THRESHOLD}", "x") for y in range(2013, 2017)), me
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", thb))
    note = f"Counts from 1 to {THRESHOLD - 1} are shown as <{THRESHOLD}."
    assert (note in html_lib.unescape(text)) == t62.isin([f"<{THRESHOLD}"]).any().any()
    assert "Counts from 1 to 4 are shown as <5" not in html_lib.unescape(text)

    totals = regional_totals_printed(nb)
    checked = 0
    for y in years:
        for total in totals.get(y, ()):
            here = {name: iv for (name, yy), iv in cells.items() if yy == y}
            for name, (lo, hi) in here.items():
                if lo == hi:
                    continue  # printed
                lo_others = sum(a for n, (a, _) in here.items() if n != name)
                hi_others = sum(b for n, (_, b) in here.items() if n != name)
                can_lo, can_hi = max(lo, total - hi_others), min(hi, total - lo_others)
                if math.isfinite(hi):  # a "<10": the whole of 1 to 9
                    assert can_lo <= lo and can_hi >= hi, (name, y, total)
                else:  # an "x": not pinned
                    assert can_hi - can_lo >= 2, (name, y, total)
                checked += 1
    # the check ran on the years whose total is printed, or every total is withheld
    assert checked or not any(totals.get(y) for y in years)


def test_rates_do_not_pin_a_withheld_count(public):
    thb = html_of(notebooks(public)["06_trafficking_in_human_beings"])
    table = next(t for c, t in tables(thb).items() if "indicators by country, 2017" in c)
    rate = next(c for c in table.columns if "100" in c)
    mk = table[table["Country"] == "North Macedonia"].iloc[0]
    assert number(mk[rate]) is None, mk[rate]


def test_chart_data_and_hover_hold_only_published_totals(public, canary_ws):
    """Every number a chart carries (its data, its hover text) is a true regional total of
    that year or nothing: no total recomputed without a row not for dissemination."""
    checks = {"06_trafficking_in_human_beings": ("victims_identified", "thb"),
              "09_economic_crime_and_corruption": ("ml_cases", "economic_crime")}
    nbs = notebooks(public)
    for chapter, (indicator, area) in checks.items():
        true = regional_totals(canary_ws, indicator, area)
        caption, fig = figures(nbs[chapter])[0]
        seen = 0
        for trace in fig["data"]:
            for x, y in zip(array(trace.get("x")), array(trace.get("y")), strict=False):
                if y is None:
                    continue
                assert float(y) == pytest.approx(true[int(x)]), (chapter, caption, x, y)
                seen += 1
            for values in array(trace.get("customdata")):  # the hover's band text, if any
                assert all(v is None or v == "" or (isinstance(v, float) and np.isnan(v))
                           for v in np.atleast_1d(values)), (
                    chapter, "the hover holds a fitted band")
        assert seen >= 3
    # The money-laundering total of 2016 holds the value not for dissemination: true total
    # or withheld, never true minus 6367.
    true = regional_totals(canary_ws, "ml_cases", "economic_crime")
    text = re.sub(r"<[^>]+>", " ", html_of(nbs["09_economic_crime_and_corruption"]))
    assert f"{true[2016] - NFD_VALUE:,.0f}" not in text


def test_nothing_about_single_groups(public, canary_ws):
    html = public.html.read_text("utf-8")
    refs = set(restricted_rows(canary_ws, "ocgs")["group_ref"].dropna())
    assert GROUP_REF in refs
    leaked = [r for r in refs if r in html]
    assert not leaked, leaked[:5]
    groups = html_of(notebooks(public)["03_organised_crime_groups"])
    assert "Sleipnir" in groups and "group_ref" not in groups


def test_judgements_are_the_register_s_public_wordings_or_withheld(public, canary_ws):
    """The public edition states a key judgement only in its agreed public wording (the
    register's), never the restricted statement, never one derived again from fewer rows;
    it says how many it withholds."""
    from octasee.analysis.register import read_register

    register = read_register(canary_ws)
    nbs = notebooks(public)
    for chapter in ("00_front_matter", "06_trafficking_in_human_beings",
                    "09_economic_crime_and_corruption"):
        html = html_of(nbs[chapter])
        text = " ".join(htmlmod.unescape(re.sub(r"<[^>]+>", " ", html)).split())
        for j in register.judgements:
            assert " ".join(j.statement.split()) not in text, (chapter, j.id)
        boxes = html.count('class="judgement"')
        mine = [j for j in register.agreed() if chapter.startswith("00") or
                chapter.startswith(j.chapter)]
        assert boxes == len([j for j in mine if j.public]), chapter
        for j in mine:
            if j.public:
                assert " ".join(j.public.split()) in text, (chapter, j.id)
        if any(not j.public for j in mine):
            assert "withheld from the public edition" in html, chapter
        assert "will keep rising after" not in text and "will keep falling after" not in text
    assert re.search(r"\d+ key judgements of the restricted edition are withheld",
                     html_of(nbs["00_front_matter"]))


def test_restricted_minus_public(public, canary_ws):
    """Every regional total the public prose states is the restricted one: nobody holding
    both editions learns anything by subtracting."""
    nbs = notebooks(public)
    for chapter, (indicator, area, label) in {
            "06_trafficking_in_human_beings": ("victims_identified", "thb",
                                               "Victims of trafficking identified"),
            "09_economic_crime_and_corruption": ("ml_cases", "economic_crime",
                                                 "Money-laundering cases")}.items():
        true = regional_totals(canary_ws, indicator, area)
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html_of(nbs[chapter])))
        m = re.search(label + r" (?:rose|fell) from ([\d,.]+) in (\d{4}) to ([\d,.]+) in "
                      r"(\d{4})", text)
        if m is None:
            assert "is withheld" in text
            continue
        assert number(m.group(1)) == true[int(m.group(2))]
        assert number(m.group(3)) == true[int(m.group(4))]


def test_table_1_1_does_not_count_rows_not_for_dissemination(public, canary_ws):
    intro = html_of(notebooks(public)["01_introduction"])
    table = next(t for c, t in tables(intro).items() if "rows accepted" in c)
    with Store(canary_ws / "store.duckdb", read_only=True) as store:
        shown = sum(len(store.table(t, cycle="2013-2017", countries=["RS"], variant="public"))
                    for t in ("indicators", "ocgs", "routes", "assessments"))
    rs = table[table["Country"] == "Serbia"].iloc[0]
    assert number(rs["2013-2017"]) == shown


def test_every_public_chapter_lists_what_it_publishes(public):
    found = list(public.out.rglob("publications.json"))
    assert found, "no publications.json"
    items = [x for p in found for x in json.loads(p.read_text("utf-8"))]
    labels = {x["label"] for x in items}
    assert any(lab.startswith("Table 6.") for lab in labels)
    assert any(lab.startswith("Figure 6.") for lab in labels)
    for x in items:
        assert x["kind"] in ("table", "figure", "text"), x
        assert {"label", "caption", "chapter", "source"} <= set(x)
        # paragraphs are listed only when they print view numbers
        assert x["structures"] or x["kind"] != "text", x
    # tables not drawn from the view (UNODC, group bands) are listed too, without
    # structures: the output check names them as outside the audit
    unodc = [x for x in items if "UNODC" in x["caption"]]
    assert unodc and all(not x["structures"] for x in unodc)
    check = json.loads(next(public.out.glob("*.output-check.json")).read_text("utf-8"))
    outside = {p["label"] for p in check["publications"]
               if p["audit"] == "not covered by the audit"}
    assert {x["label"] for x in unodc} <= outside
    assert check["totals"]["of them not drawn from the public view (not audited)"] \
        == len(outside)


def test_the_build_audits_the_sample_public_view_and_finds_nothing(public):
    """The attack audit runs in every public build: on the sample data (canaries
    planted) it withholds cells and finds none that a reader can narrow."""
    manifest = json.loads(public.manifest.read_text("utf-8"))
    oc = manifest["output_check"]
    assert oc["release"] is True and oc["findings"] == 0 and oc["suppressed"] > 0
    assert oc["restricted_equals_public"] is True
    check = json.loads((public.out / oc["data"]["path"]).read_text("utf-8"))
    assert check["verdict"] == "release"
    assert check["totals"]["suppressed entries audited"] == oc["suppressed"]
    assert any(str(p["label"]).startswith("Table 6.") for p in check["publications"])
    text = (public.out / oc["report"]["path"]).read_text("utf-8")
    assert "6367" not in text and "6,367" not in text  # the planted withheld value


def test_no_tool_instructions_and_the_cover_says_draft(public):
    html = public.html.read_text("utf-8")
    for phrase in ("Interactive in JupyterLab", "Move the weights", "use the sliders"):
        assert phrase not in html
    assert 'class="cover-draft-notice"' in html


def test_what_changed_compares_public_key_figures_from_the_view_only(canary_ws):
    """The annex of a public draft: key figures only from the public view, so a total
    with a value not for dissemination is the true total or absent."""
    from octasee.analysis.keyfigures import key_figures_by_edition
    from octasee.report.changes import annex_cells, compare
    from octasee.report.drafts import snapshot
    from octasee.workspace import find_workspace

    ws = find_workspace(str(canary_ws))
    rules = DisclosureRules.from_settings(ws)
    base = snapshot(canary_ws / "store.duckdb", cycle="2013-2017", countries=ws.expected,
                    rules=rules)
    assert base["figures_basis"] == {"public": "view"}
    # Recorded by an octasee that recomputed public figures: never compared in public.
    old = {k: v for k, v in base.items() if k != "figures_basis"}
    plain = compare(a_label="Draft 1", b_label="Draft 2", variant="public", a_snapshot=old,
                    b_snapshot=old, a_content=None, b_content=None)
    assert plain.figures == []
    # Read from the view (what the snapshot records): true totals or nothing.
    with Store(canary_ws / "store.duckdb", read_only=True) as store:
        ind = store.table("indicators", cycle="2013-2017")
        ocgs = store.table("ocgs", cycle="2013-2017")
    by = key_figures_by_edition(ind, ocgs, cycle="2013-2017", rules=rules)
    snap = {**base, "figures": {k: json.loads(v.to_json(orient="records"))
                                for k, v in by.items()}, "figures_basis": {"public": "view"}}
    earlier = {**snap, "figures": {"public": [], "restricted": []}}
    ch = compare(a_label="Draft 1", b_label="Draft 2", variant="public", a_snapshot=earlier,
                 b_snapshot=snap, a_content=None, b_content=None)
    restricted = {f["key"]: f for f in snap["figures"]["restricted"]}
    assert ch.figures
    for f in ch.figures:
        assert f["kind"] != "group score" and GROUP_REF not in f["label"]
        if f["key"] in restricted:
            assert f["after"] == restricted[f["key"]]["shown"], f
    text = json.dumps(annex_cells(ch, number="C"))
    assert GROUP_REF not in text
    ml = next((f for f in ch.figures if f["key"] == "total:economic_crime:ml_cases"), None)
    if ml is not None:
        assert ml["after"] == restricted["total:economic_crime:ml_cases"]["shown"]


# ----------------------------------------------------------------------------- wording


def test_rates_of_withheld_counts_show_x_and_the_note_says_why(public):
    thb = html_of(notebooks(public)["06_trafficking_in_human_beings"])
    table = next(t for c, t in tables(thb).items() if "indicators by country, 2017" in c)
    count = next(c for c in table.columns if c.startswith("Victims of trafficking identified")
                 and "100" not in c)
    rate = next(c for c in table.columns if "100" in c)
    hidden = table[table[count].map(number).isna() & ~table[count].isin(["–", ""])]
    assert len(hidden) and (hidden[rate] == "x").all(), hidden
    assert "A rate of a withheld count is withheld too (x)" in thb


def test_group_bands_keep_each_hidden_count_as_wide_as_its_marker(public):
    groups = html_of(notebooks(public)["03_organised_crime_groups"])
    table = next((t for c, t in tables(groups).items() if "band of the Sleipnir" in c), None)
    if table is None:
        return
    cells = list(table["Groups"])
    if any(c.startswith("<") for c in cells):
        text = re.sub(r"<[^>]+>", " ", groups)
        printed = re.search(r"(\d[\d,]*) organised crime groups were reported", text)
        assert "x" in cells or printed is None, (cells, printed)


def test_public_text_does_not_promise_what_it_withholds(public):
    nbs = notebooks(public)
    summary = re.sub(r"<[^>]+>", " ", html_of(nbs["00_front_matter"]))
    assert "how likely" not in summary and "how confident" not in summary
    said = re.findall(r"\d+ key judgements of the restricted edition are withheld", summary)
    assert len(said) == 1, summary  # once: the intro does not count them again
    profile = html_of(nbs["A_country_profile"])
    assert "regional median" not in profile
    econ = re.sub(r"<[^>]+>", " ", html_of(nbs["09_economic_crime_and_corruption"]))
    assert not re.search(r"\d{4}, \d{4} is withheld", econ)


def test_quoted_text_keeps_years_and_says_what_n_means(public):
    text = re.sub(r"<[^>]+>", " ", public.html.read_text("utf-8"))
    assert not re.search(r"\d{4}[-–]\[n\]", text)
    if "[n]" in text:
        assert "left out ([n])" in text  # the quotes' note, or the route texts' note


def test_no_band_of_the_threat_index_counts_a_few_member_states(sample_report_builds,
                                                                  sample_workspace):
    """A band of one state beside a table where one state holds most of the region's
    seizures named that state (the sign-off review: "High: 1" for heroin and Turkey's
    78 %). In the sample's public edition every printed count of member states per band
    is 0 or at least the threshold; the rest are markers."""
    t = DisclosureRules.from_settings(sample_workspace).threshold
    report = sample_report_builds["public"].html.read_text("utf-8")
    # the assembled report's captions carry an id and an evidence key
    report = re.sub(r'class="table-caption"[^>]*>', 'class="table-caption">', report)
    found = [tb for c, tb in tables(report).items() if "by threat band" in c
             or "by band of the threat index" in c]
    assert len(found) >= 2  # the summary's, chapter 2's two
    hidden = 0
    for table in found:
        for col in ("Low", "Medium", "High", "Member states"):
            for cell in table.get(col, []):
                n = number(str(cell))
                if n is None:
                    assert str(cell).strip() in (f"<{t}", "x"), (col, cell)
                    hidden += 1
                else:
                    assert n == 0 or n >= t, (col, cell)
    assert hidden  # the sample has small bands: they are hidden, not absent
