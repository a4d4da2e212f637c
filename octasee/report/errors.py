"""The report layer's errors: a :class:`ReportError` for the build, a :class:`ChapterError`
for a chapter notebook that failed.

>>> err = ChapterError("ZeroDivisionError: division by zero", chapter="02_indicators",
...                    cell=4, hint="see build/chapters/02_indicators.ipynb")
>>> print(err)
chapter 02_indicators, cell 4: ZeroDivisionError: division by zero; see build/chapters/02_indicators.ipynb
"""

from __future__ import annotations

from typing import Any

from octasee.errors import OctaseeError

__all__ = ["ChapterError", "ReportError"]


class ReportError(OctaseeError):
    """The report build cannot go on (no store, no chapters, no browser, bad option)."""


class ChapterError(ReportError):
    """A chapter notebook failed: which chapter, which cell, which error.

    ``failures`` holds every failed chapter of the build as dictionaries (chapter, cell,
    ename, evalue, notebook), the first one also in ``chapter`` and ``cell``.
    """

    def __init__(self, what: str, *, chapter: str, cell: int | None = None,
                 failures: list[dict[str, Any]] | None = None, **kw: Any) -> None:
        self.chapter = chapter
        self.cell = cell
        self.failures = list(failures or [])
        where = f"chapter {chapter}" + (f", cell {cell}" if cell is not None else "")
        kw.setdefault("where", where)
        super().__init__(what, **kw)
