"""The restricted sample report's statements agree with what it shows and with the store.

Built once per session (``chapter_builds``: every chapter of the 2013-2017 sample). For
every trend statement beside a chart, its direction and its first and last values are
those of the series the chart draws (a break is named where the statement reads only the
part after it); every panel ("the 12 member countries that reported every year from 2014
to 2017") and every coverage statement ("reported by 12 of 13 member countries") is
counted again from the store.
"""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from octasee.questionnaire.spec import spec_for
from octasee.reference import MEMBER_CODES, country_name
from octasee.store import Store

CYCLE = "2013-2017"
NUMBER = r"([\d,]+(?:\.\d+)?)(?: kg| EUR)?"
TREND = re.compile(
    r"(?:Since the break in (?P<brk>\d{4}), )?the regional total of (?P<label>[^()]+?) "
    r"\((?P<panel>[^()]+)\) (?P<verb>rose|fell|moved, without a clear direction,) from " + NUMBER
    + r" in (?P<y0>\d{4}) to " + NUMBER + r" in (?P<y1>\d{4})", re.I)
ALL = re.compile(r"all (\d+) member countries, each reporting every year from (\d{4}) to "
                 r"(\d{4})")
SOME = re.compile(r"the (\d+) member countries that reported every year from (\d{4}) to "
                  r"(\d{4}); not in the sum: (.+)$")
SAME = re.compile(r"^(?P<label>[^:]+): reported by (?P<k>\d+) of (?P<n>\d+) member countries "
                  r"in each year from (?P<y0>\d{4}) to (?P<y1>\d{4})")
VARY = re.compile(r"^(?P<label>[^:]+): reported by \d+ to \d+ of (?P<n>\d+) member countries, "
                  r"from \d{4} to \d{4} \((?P<each>[^)]+)\)")


@pytest.fixture(scope="module")
def report(chapter_builds):
    result = chapter_builds[CYCLE]
    assert result.ok, [(r.label, r.error) for r in result.failed]
    return result.html.read_text("utf-8")


@pytest.fixture(scope="module")
def store_totals(sample_workspace) -> pd.DataFrame:
    with Store(sample_workspace.store_path, read_only=True) as store:
        frames = [store.table("indicators", cycle=c) for c in store.cycles()]
    d = pd.concat(frames, ignore_index=True)
    return d[d["breakdown"].isna() & d["value"].notna()]


def _code(label: str) -> str:
    spec = spec_for(CYCLE)
    for ind in spec.indicators:
        if ind.label.lower() == label.lower():
            return ind.code
    raise AssertionError(f"no indicator is labelled {label!r}")


def _num(text: str) -> float:
    return float(text.replace(",", ""))


def _plot_data(html: str) -> list[tuple[int, list[dict]]]:
    """Every plotly figure of the report: its position and its traces."""
    out, dec = [], json.JSONDecoder()
    for m in re.finditer(r"Plotly\.newPlot\(\s*\"[^\"]+\",\s*", html):
        traces, _ = dec.raw_decode(html, m.end())
        out.append((m.start(), traces))
    return out


def _values(v: object) -> list:
    """A trace's array: a list, or plotly's typed array ({"dtype", "bdata": base64})."""
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"]).tolist()
    return list(v or [])


def _reported(traces: list[dict]) -> dict[int, float]:
    """The plotted series (the line with markers) by year."""
    for t in traces:
        x, y = _values(t.get("x")), _values(t.get("y"))
        if "markers" in str(t.get("mode", "")) and x and y:
            return {int(float(a)): float(b) for a, b in zip(x, y, strict=True)
                    if b is not None and b == b}
    return {}


def test_every_trend_statement_agrees_with_the_chart_beside_it(report):
    plots = _plot_data(report)
    notes = [(m.start(), m.group(1)) for m in re.finditer(
        r'<p class="finding-note">(.*?)</p>', report, re.S)]
    checked = 0
    for pos, note in notes:
        text = re.sub(r"\s+", " ", BeautifulSoup(note, "html.parser").get_text(" "))
        m = TREND.search(text)
        if not m:
            continue
        before = [traces for p, traces in plots if p < pos]
        assert before, text
        series = _reported(before[-1])  # the chart the note follows
        first, last = _num(m.group(5)), _num(m.group(7))
        y0, y1 = int(m.group("y0")), int(m.group("y1"))
        assert series.get(y0) == pytest.approx(first, rel=1e-3, abs=0.6), (text, series)
        assert series.get(y1) == pytest.approx(last, rel=1e-3, abs=0.6), (text, series)
        verb = m.group("verb")
        if verb == "rose":
            assert last > first, text
        elif verb == "fell":
            assert last < first, text
        if m.group("brk"):  # the part after the break: the chart's own years
            assert y0 == int(m.group("brk")), text
        checked += 1
    assert checked >= 10  # one per trend chart of chapters 4-10


def test_every_panel_of_a_trend_is_the_store_s(report, store_totals):
    text = re.sub(r"\s+", " ", BeautifulSoup(report, "html.parser").get_text(" "))
    checked = 0
    for m in TREND.finditer(text):
        code = _code(m.group("label"))
        rows = store_totals[store_totals["indicator"] == code]
        panel = m.group("panel")
        a, s = ALL.search(panel), SOME.search(panel)
        assert a or s, panel
        k, y0, y1 = (int(x) for x in (a or s).groups()[:3])
        span = rows[rows["year"].between(y0, y1)]
        every = span.groupby("country")["year"].nunique()
        full = sorted(every[every == y1 - y0 + 1].index)
        assert len(full) == k, (panel, full)
        if s:
            left = {c for c in MEMBER_CODES if c not in full}
            named = s.group(4)
            for c in left:
                assert country_name(c) in named, (panel, c)
                named = named.replace(country_name(c), "")
            assert not re.sub(r"[,\s]|\band\b", "", named), panel  # nobody else
        checked += 1
    assert checked >= 10


def test_every_coverage_statement_is_counted_from_the_store(report, store_totals):
    soup = BeautifulSoup(report, "html.parser")
    paragraphs = [re.sub(r"\s+", " ", p.get_text(" ")).strip()
                  for p in soup.select("p.finding-note, div.finding p")]
    first, last = (int(y) for y in CYCLE.split("-"))
    checked = 0
    for p in paragraphs:
        p = re.sub(r"^F\d+ ", "", p)
        same, vary = SAME.search(p), VARY.search(p)
        if not (same or vary):
            continue
        m = same or vary
        code = _code(m.group("label"))
        rows = store_totals[(store_totals["indicator"] == code)
                            & store_totals["year"].between(first, last)]
        per_year = rows.groupby("year")["country"].nunique()
        assert int(m.group("n")) == len(MEMBER_CODES)
        if same:
            assert set(per_year.index) == set(range(first, last + 1)), p
            assert set(per_year) == {int(same.group("k"))}, (p, per_year.to_dict())
        else:
            said = {int(y): int(k) for k, y in re.findall(r"(\d+) in (\d{4})", vary["each"])}
            assert said == per_year.to_dict(), (p, per_year.to_dict())
        checked += 1
    assert checked >= 3  # victims, counterfeit goods, money laundering, cyber attacks


def test_no_key_judgement_is_a_machine_extrapolation(report):
    soup = BeautifulSoup(report, "html.parser")
    boxes = soup.select("div.judgement")
    assert len({b["id"].split("-in-")[0] for b in boxes}) >= 6
    for box in boxes:
        text = box.get_text(" ", strip=True)
        assert "will keep rising after" not in text and "will keep falling after" not in text
        assert "Horizon:" in text and "Analytic confidence:" in text
        assert box.select("a.finding-ref, a.evidence-ref"), text  # its evidence, linked
