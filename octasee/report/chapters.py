"""The chapter list, as the report reads it: defined in :mod:`octasee.notebooks`, below
the workspace (which owns its chapters) so that the workspace does not import the report.

>>> from octasee.notebooks import Chapter as C
>>> Chapter is C
True
"""

from __future__ import annotations

from octasee.notebooks import (
    STANDARD_PARAMETERS,
    Chapter,
    chapter_from_notebook,
    default_chapters,
    notebook_parameters,
    notebooks_dir,
)

__all__ = [
    "STANDARD_PARAMETERS",
    "Chapter",
    "chapter_from_notebook",
    "default_chapters",
    "notebook_parameters",
    "notebooks_dir",
]
