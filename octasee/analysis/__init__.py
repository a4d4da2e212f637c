"""The analysis layer: the only place where the report's numbers are computed.

Chapter sections, widgets, annexes and the build render what these functions return and
compute nothing of their own. Each module takes tidy tables (store rows, the public view)
and returns tidy tables or typed records:

- :mod:`~octasee.analysis.series`: totals, rates per 100,000 residents, regional series;
- :mod:`~octasee.analysis.grading`: analytic confidence from the 4x4 grading;
- :mod:`~octasee.analysis.trends`: trends of a series;
- :mod:`~octasee.analysis.threat`: threat scores per country and crime area (each
  indicator normalised as the index spec ``scoring/specs/threat_index.yaml`` says), the
  one country ranking with its rank intervals, their bands;
- :mod:`~octasee.analysis.keyfigures`: the key figures drafts are compared on.
"""

from __future__ import annotations
