"""The report build: chapter notebooks → papermill → one offline HTML → PDF.

>>> from octasee.report import Chapter, build_report, suppress_small
>>> callable(build_report)
True

Modules: ``chapters`` (the chapter list), ``execute`` (papermill in a process pool or on
dask), ``cache`` (content hashes), ``assemble`` (merge + nbconvert), ``pdf`` (Chromium),
``disclosure`` (public variant), ``build`` (``build_report``), ``cli`` (``octasee build``).
Names are imported lazily so that ``import octasee.report`` stays cheap.
"""

from __future__ import annotations

from typing import Any

__all__ = ["BuildResult", "Chapter", "ChapterError", "ReportError", "build_report",
           "default_chapters", "suppress_small"]

_WHERE = {"BuildResult": "build", "build_report": "build", "Chapter": "chapters",
          "default_chapters": "chapters", "ChapterError": "errors", "ReportError": "errors",
          "suppress_small": "disclosure"}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(f"octasee.report.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'octasee.report' has no attribute {name!r}")
