"""Text columns of a report table read left-aligned, numbers right-aligned: JupyterLab's
table style right-aligns every cell, and a modus-operandi text set flush right is hard to
read (issue 14). The cells stay plain ``<td>``; a style scoped to the table aligns them."""

from __future__ import annotations

import re

import pandas as pd

from octasee.chapters.context import _table_html


def _aligned(html: str) -> list[int]:
    m = re.search(r'class="[^"]*\btext-cols-([\d-]+)"', html)
    return [int(k) for k in m.group(1).split("-")] if m else []


def test_text_columns_are_left_aligned_and_numbers_are_not():
    df = pd.DataFrame({"Country": ["Serbia", "Croatia"],
                       "Modus operandi": ["Containers of fruit to Durrës.", "By lorry."],
                       "Seized (kg)": [1200.5, 3.0], "Year": [2017, 2016],
                       "Rank (90% interval)": ["1 (1–3)", "2 (1–4)"]})
    html = _table_html(df, df, index=False, markers=None, nd=None, mark="")
    assert _aligned(html) == [1, 2]
    style = re.search(r"<style>(.*?)</style>", html).group(1)
    assert "td:nth-child(1)" in style and "td:nth-child(2)" in style
    assert "nth-child(3)" not in style and "text-align: left" in style
    # the cells themselves are unchanged
    assert "<td>Serbia</td>" in html and "<td>2017</td>" in html


def test_an_index_shifts_the_columns_and_a_table_of_numbers_has_no_style():
    df = pd.DataFrame({"Modus operandi": ["Hidden in cargo."]}, index=pd.Index(["RS"], name="c"))
    assert _aligned(_table_html(df, df, index=True, markers=None, nd=None, mark="")) == [2]
    nums = pd.DataFrame({"Seized (kg)": [1.5], "Cases": [3]})
    html = _table_html(nums, nums, index=False, markers=None, nd=None, mark="")
    assert "<style>" not in html and _aligned(html) == []
