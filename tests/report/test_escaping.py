"""Free text from questionnaires is shown as text, never run as HTML."""

from __future__ import annotations

import re

from octasee.report.assemble import plotlyjs


def test_hostile_assessment_text_is_escaped_everywhere(restricted_build, public_build):
    for build in (restricted_build, public_build):
        html = build.html.read_text().replace(plotlyjs(), "")
        # shown, escaped: once by pandas' to_html, once through display(Markdown(...))
        assert html.count("&lt;script&gt;alert(") == 2
        assert len(re.findall(r"&lt;img src=x onerror=alert\(", html)) == 2
        # and never live
        assert "<script>alert(" not in html
        assert not re.search(r"<img[^>]*onerror", html)
        assert "xss-canary" in html
