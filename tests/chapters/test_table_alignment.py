"""Text columns of a report table read left-aligned, numbers right-aligned: JupyterLab's
table style right-aligns every cell, and a modus-operandi text set flush right is hard to
read (issue 14). The cells stay plain ``<td>``; classes on the table name its text
columns, which the report's stylesheet aligns."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from octasee.chapters.context import TEXT_COLUMNS, _table_html

CSS = Path(__file__).resolve().parents[2] / "report_templates" / "octasee" / "octasee.css"


def _aligned(html: str) -> list[int]:
    m = re.search(r'<table[^>]*class="([^"]*)"', html)
    return [int(k) for k in re.findall(r"\btext-col-(\d+)\b", m.group(1))]


def test_text_columns_are_left_aligned_and_numbers_are_not():
    df = pd.DataFrame({"Country": ["Serbia", "Croatia"],
                       "Modus operandi": ["Containers of fruit to Durrës.", "By lorry."],
                       "Seized (kg)": [1200.5, 3.0], "Year": [2017, 2016],
                       "Rank (90% interval)": ["1 (1–3)", "2 (1–4)"]})
    html = _table_html(df, df, index=False, markers=None, nd=None, mark="")
    assert _aligned(html) == [1, 2]
    # the cells themselves are unchanged, and nothing but the table is added
    assert "<td>Serbia</td>" in html and "<td>2017</td>" in html
    assert html.startswith("<table") and "<style" not in html


def test_an_index_shifts_the_columns_and_a_table_of_numbers_has_none():
    df = pd.DataFrame({"Modus operandi": ["Hidden in cargo."]}, index=pd.Index(["RS"], name="c"))
    assert _aligned(_table_html(df, df, index=True, markers=None, nd=None, mark="")) == [2]
    nums = pd.DataFrame({"Seized (kg)": [1.5], "Cases": [3]})
    assert _aligned(_table_html(nums, nums, index=False, markers=None, nd=None, mark="")) == []


def test_the_stylesheet_aligns_every_column_a_table_may_name():
    css = CSS.read_text("utf-8")
    for k in range(1, TEXT_COLUMNS + 1):
        assert f"table.text-col-{k} td:nth-child({k})" in css
