"""The report layer's errors: a :class:`ReportError` for the build, a :class:`ChapterError`
for a chapter notebook that failed. Both are defined in :mod:`octasee.errors` (the one
exception tree; the chapter list below the report raises them too) and named here for
the report's callers.

>>> err = ChapterError("ZeroDivisionError: division by zero", chapter="02_indicators",
...                    cell=4, hint="see build/chapters/02_indicators.ipynb")
>>> print(err)
chapter 02_indicators, cell 4: ZeroDivisionError: division by zero; see build/chapters/02_indicators.ipynb
"""

from __future__ import annotations

from octasee.errors import ChapterError, ReportError

__all__ = ["ChapterError", "ReportError"]
