"""The editorial standard (octasee.report.editorial): each rule catches its defect on small
hand-written HTML, lets the legitimate text pass, and the built sample report meets the
standard in both editions, HTML and PDF text."""

from __future__ import annotations

import json

import pytest

from octasee.report.editorial import (
    RULES,
    check_html,
    check_pdf,
    check_pdf_text,
)

CH4 = '<h1 class="chapter-title"><span class="chapter-number">4</span> Drug trafficking</h1>'


def rules(page: str) -> list[str]:
    return sorted(v.rule for v in check_html(CH4 + page).violations)


def chart(data: list[dict], layout: dict | None = None, caption: str = "Figure 4.1: Seized"
          ) -> str:
    return (f'<figure class="report-figure"><h4 class="figure-caption">{caption}</h4>'
            '<script type="text/javascript">window.PLOTLYENV={};'
            f'Plotly.newPlot("plot-1", {json.dumps(data)}, {json.dumps(layout or {})}, {{}})'
            "</script></figure>")


def table(head: list[str], rows: list[list[str]], caption: str = "Table 4.1: By country"
          ) -> str:
    th = "".join(f"<th>{h}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return (f'<figure class="report-table"><h4 class="table-caption">{caption}</h4>'
            f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table></figure>")


# ----------------------------------------------------------------------------- text rules


@pytest.mark.parametrize(("text", "rule"), [
    ("Heroin seized (heroin_seized) rose.", "snake_case"),
    ("The index S1_se is high.", "snake_case"),
    ("The share was &lt;NA&gt; in 2017.", "missing_value"),
    ("The share was <NA> in 2017.", "missing_value"),
    ("The ratio was inf.", "missing_value"),
    ("Growth: NaN.", "missing_value"),
    ("Value: None", "missing_value"),
    ("The TI CPI 2,017 edition.", "year_separator"),
    ("Countries reported in the cycle(s) before.", "plural_s"),
    ("The total was 3.65e+4 persons.", "exponent"),
    ("Reported on 3 routes routes.", "repeated_word"),
    ("Police arrested 13.0 persons.", "count_decimals"),
])
def test_each_text_rule_catches_its_defect(text, rule):
    assert rules(f"<p>{text}</p>") == [rule]
    # ... and says where: the chapter and the part
    v = check_html(CH4 + f"<p>{text}</p>").violations[0]
    assert v.where == "Chapter 4, text" and v.snippet


@pytest.mark.parametrize("text", [
    "None of the countries reported a seizure.",
    "Irregular migrants detected fell from 2,164 in 2014 to 1,773 in 2017.",
    "Send it by e-mail to the information desk.",
    "Amounts of EUR 2.0 million and 4.0 kg were seized.",
    "The data file is octa-see_2013-2017_restricted.evidence/ev-fig-1.csv here.",
    "Money laundering cases rose in 2017 (1,263 of 2,162).",
])
def test_legitimate_text_passes(text):
    assert rules(f"<p>{text}</p>") == []


def test_a_file_name_passes_but_is_listed_as_allowed():
    r = check_html(CH4 + "<p>See ev_fig_1.csv for the rows.</p>")
    assert r.violations == [] and [a.snippet for a in r.allowed] == ["ev_fig_1.csv"]


def test_scripts_are_not_text_but_the_captions_are():
    assert rules("<script>var heroin_seized = NaN;</script><p>Fine.</p>") == []
    page = CH4 + table(["Country", "Heroin (kg)"], [["Serbia", "12"]],
                       caption="Table 4.1: heroin_seized by country")
    [v] = check_html(page).violations
    assert (v.rule, v.where) == ("snake_case", "Chapter 4, Table 4.1 (caption)")


# ----------------------------------------------------------------------------- tables


def test_a_count_column_printed_with_decimals():
    page = table(["Country", "Arrests (persons)"], [["Serbia", "13.0"], ["Albania", "7.0"]])
    assert rules(page) == ["count_decimals"]
    ok = table(["Country", "Arrests (persons)"], [["Serbia", "13"], ["Albania", "7"]])
    assert rules(ok) == []
    # a score may end in .0 when the others do not all do
    assert rules(table(["Country", "Score (0-10)"], [["Serbia", "5.0"], ["Albania", "6.5"]])) == []


def test_a_column_of_numbers_needs_a_unit_in_its_header_or_the_caption():
    assert rules(table(["Country", "Heroin seized"], [["Serbia", "12"], ["Albania", "7"]])) \
        == ["unit"]
    assert rules(table(["Country", "Heroin seized (kg)"], [["Serbia", "12"]])) == []
    assert rules(table(["Country", "Amount"], [["Serbia", "EUR 1.2 million"]])) == []
    # years as columns: the caption carries the unit
    assert rules(table(["Country", "2016", "2017"], [["Serbia", "3", "4"]],
                       caption="Table 4.2: Heroin seized")) == ["unit", "unit"]
    assert rules(table(["Country", "2016", "2017"], [["Serbia", "3", "4"]],
                       caption="Table 4.2: Heroin seized (kg)")) == []
    # a column that names things (a chapter's number) is not a quantity
    assert rules(table(["Chapter", "Finding"], [["04", "Heroin rose"]])) == []


def test_pandas_index_name_row_and_empty_headers():
    page = ('<figure class="report-table"><h4 class="table-caption">Table 4.1: Seizures (kg)'
            "</h4><table><thead><tr><th></th><th>Heroin</th></tr><tr><th>indicator</th><th>"
            "</th></tr></thead><tbody><tr><th>Serbia</th><td>3</td></tr></tbody></table>"
            "</figure>")
    assert rules(page) == ["empty_header"]


# ----------------------------------------------------------------------------- numbering


def test_duplicated_numbers_and_captions():
    a = table(["Country", "Heroin (kg)"], [["Serbia", "1"]], caption="Table A.1: Heroin")
    b = table(["Country", "Heroin (kg)"], [["Serbia", "2"]], caption="Table A.1: Cocaine")
    assert rules(a + b) == ["duplicate_number"]
    c = table(["Country", "Heroin (kg)"], [["Serbia", "2"]], caption="Table A.2: Heroin")
    assert rules(a + c) == ["duplicate_caption"]
    d = table(["Country", "Heroin (kg)"], [["Serbia", "2"]], caption="Table A.2: Cocaine")
    assert rules(a + d) == []


def test_variant_counts_agree_within_a_chapter():
    text = "<p>The ranking is recomputed under 500 variants of the method.</p>"
    cap = chart([], caption="Figure 4.1: Ranks under 2,500 variants of the method")
    [v] = check_html(CH4 + text + cap).violations
    assert v.rule == "agreement" and "500 variants" in v.snippet and "2,500" in v.snippet
    assert rules(text.replace("500", "2,500") + cap) == []


# ----------------------------------------------------------------------------- charts


def test_axis_titles_of_quantities_carry_a_unit():
    data = [{"type": "scatter", "x": [2015, 2016], "y": [3.0, 4.0], "name": "Heroin"}]
    bad = chart(data, {"yaxis": {"title": {"text": "value"}}})
    [v] = check_html(CH4 + bad).violations
    assert (v.rule, v.where) == ("unit", "Chapter 4, Figure 4.1 (chart) (yaxis title)")
    assert rules(chart(data, {"yaxis": {"title": {"text": "Heroin seized (kg)"}}})) == []
    # the years on the x axis are their own unit; a missing y title is a violation
    assert rules(chart(data, {})) == ["unit"]


def test_hover_templates_are_rendered_with_the_data():
    trend = [{"type": "scatter", "x": [2015, 2016], "y": [36500.0, 41000.0],
              "customdata": [[None, None], [None, None]],
              "hovertemplate": "%{x}: %{y:.3~g} (%{customdata[0]:.3~g} to "
                               "%{customdata[1]:.3~g})<extra></extra>"}]
    layout = {"yaxis": {"title": {"text": "Migrants (persons)"}}}
    found = rules(chart(trend, layout))
    assert found == ["exponent", "missing_value"]
    v = next(v for v in check_html(CH4 + chart(trend, layout)).violations
             if v.rule == "exponent")
    assert "3.65e+04" in v.snippet and "1 more point" in v.snippet
    good = [{**trend[0], "customdata": [[1.0, 2.0], [3.0, 4.0]],
             "hovertemplate": "%{x}: %{y:,.0f} (%{customdata[0]:,.0f} to "
                              "%{customdata[1]:,.0f})<extra></extra>"}]
    assert rules(chart(good, layout)) == []


def test_sankey_value_suffix_and_template_do_not_repeat_the_unit():
    sankey = {"type": "sankey", "valueformat": "d", "valuesuffix": " routes",
              "node": {"label": ["Albania", "Italy"],
                       "hovertemplate": "%{label}<br>%{value} routes<extra></extra>"},
              "link": {"source": [0], "target": [1], "value": [1.0],
                       "hovertemplate": "%{source.label} → %{target.label}<br>%{value}"
                                        "<extra></extra>"}}
    assert rules(chart([sankey])) == ["repeated_word"]


def test_legend_names_and_colour_bars_are_read():
    data = [{"type": "heatmap", "z": [[1.0, None]], "x": ["Heroin", "Cocaine"],
             "y": ["Serbia"], "colorbar": {"title": {"text": "value"}},
             "texttemplate": "%{z:.1f}"}]
    assert rules(chart(data)) == ["unit"]
    data[0]["colorbar"]["title"]["text"] = "Threat score (0-10)"
    assert rules(chart(data)) == []
    legend = [{"type": "scatter", "x": [2015], "y": [1.0], "name": "heroin_seized"}]
    assert rules(chart(legend, {"yaxis": {"title": {"text": "Heroin (kg)"}}})) == [
        "snake_case"]


def test_an_unreadable_figure_is_reported_not_skipped():
    page = ('<figure class="report-figure"><script>Plotly.newPlot("x", [{"y": [1,}], {}, {})'
            "</script></figure>")
    assert rules(page) == ["unreadable"]
    template = [{"type": "scatter", "x": [1], "y": [1.0], "hovertemplate": "%{customdata[2]}"}]
    assert "unreadable" in rules(chart(template, {"yaxis": {"title": {"text": "kg"}}}))


def test_pdf_text_rules_say_the_page():
    r = check_pdf_text(["Cover", "Seizures in TI CPI 2,017 and <NA>\nmedium medium"])
    assert sorted((v.rule, v.where) for v in r.violations) == [
        ("missing_value", "PDF page 2"), ("year_separator", "PDF page 2")]


def test_every_rule_is_described():
    assert set(RULES) >= {"snake_case", "missing_value", "year_separator", "plural_s",
                          "count_decimals", "unit", "duplicate_number", "duplicate_caption",
                          "agreement", "unreadable"}


# ----------------------------------------------------------------------------- the report


@pytest.mark.parametrize("variant", ["restricted", "public"])
def test_the_sample_report_meets_the_standard(variant, sample_report_builds):
    build = sample_report_builds[variant]
    assert build.ok, [(r.label, r.error) for r in build.failed]
    html = check_html(build.html.read_text(encoding="utf-8"))
    assert html.violations == [], "\n".join(map(str, html.violations[:40]))
    if build.pdf is not None:
        pdf = check_pdf(build.pdf)
        assert pdf.violations == [], "\n".join(map(str, pdf.violations[:40]))
