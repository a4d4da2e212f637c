"""Chapter support: the context every chapter notebook opens, and the numbers behind them.

A chapter notebook stays thin: it calls :func:`open_chapter` with its parameters, then a
few functions from :mod:`octasee.analysis`, :mod:`octasee.scoring` and
:mod:`octasee.charts`, and shows their results with ``ch.figure``, ``ch.show_table``,
``ch.say`` and ``ch.judgement``.
"""

from __future__ import annotations

from octasee.analysis.grading import analytic_confidence, grading_profile
from octasee.analysis.series import per_100k, regional_series, totals
from octasee.analysis.threat import threat_matrix
from octasee.analysis.trends import trend_probability, trend_summary
from octasee.chapters.context import Chapter, open_chapter

__all__ = [
    "Chapter",
    "analytic_confidence",
    "grading_profile",
    "open_chapter",
    "per_100k",
    "regional_series",
    "threat_matrix",
    "totals",
    "trend_probability",
    "trend_summary",
]
