"""One exception tree for octasee.

Every error a user can cause is an :class:`OctaseeError`. Its message says *what*
failed, *where* (file, sheet, row, column, spec line …) and *what to do*; the CLI prints
that message and exits with a non-zero code instead of showing a traceback. Errors that
are not ``OctaseeError`` are bugs in octasee and keep their traceback.

Layers get one subclass each so that callers can catch a layer without string matching:

    OctaseeError
    ├── UsageError            a wrong argument or option (CLI exit code 2)
    ├── ConfigError           a settings file: unknown key, wrong type (file and line)
    ├── ReferenceDataError    unknown country, crime area, cycle …
    ├── QuestionnaireError    a file that cannot be read as a questionnaire at all
    ├── ValidationError       rows that break the spec (carries the problem table)
    ├── StoreError            the cycle store (missing, locked, inconsistent)
    ├── SourceError           a public data set (missing file, changed layout)
    ├── ScoringError          a composite-index spec or scoring input
    ├── DisclosureError       the public edition's disclosure control refuses a release
    └── ReportError           the report build (no store, no chapters, no browser)
        └── ChapterError      a chapter notebook that failed (chapter, cell)
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ChapterError",
    "ConfigError",
    "DisclosureError",
    "OctaseeError",
    "QuestionnaireError",
    "ReferenceDataError",
    "ReportError",
    "ScoringError",
    "SourceError",
    "StoreError",
    "UsageError",
    "ValidationError",
]


class OctaseeError(Exception):
    """Base of every error octasee raises for a user's mistake or an unusable input.

    Build messages from three parts so that they read the same everywhere:

    >>> raise OctaseeError("unknown country 'Serbja'", where="respondent sheet, row 2",
    ...                    hint="did you mean 'Serbia' (RS)?")
    Traceback (most recent call last):
    ...
    octasee.errors.OctaseeError: respondent sheet, row 2: unknown country 'Serbja'; did you mean 'Serbia' (RS)?
    """

    exit_code = 1

    def __init__(self, what: str, *, where: str | None = None, hint: str | None = None,
                 **details: Any) -> None:
        self.what = what
        self.where = where
        self.hint = hint
        self.details = details
        super().__init__(self.message)

    @property
    def message(self) -> str:
        text = f"{self.where}: {self.what}" if self.where else self.what
        if self.hint:
            text = f"{text}; {self.hint}"
        return text


class UsageError(OctaseeError):
    """A wrong command-line argument, option or parameter value."""

    exit_code = 2


class ConfigError(OctaseeError):
    """A settings file (``octasee.toml``, ``questionnaire/spec.yaml``, a scoring spec) with an
    unknown key or section, a value of the wrong type, or a value octasee cannot use."""


class ReferenceDataError(OctaseeError):
    """A name or code that the reference data does not know (country, crime area, cycle)."""

    def __init__(self, what: str, *, suggestions: list[str] | None = None, **kw: Any) -> None:
        self.suggestions = list(suggestions or [])
        if self.suggestions and "hint" not in kw:
            kw["hint"] = "did you mean " + " or ".join(repr(s) for s in self.suggestions) + "?"
        super().__init__(what, **kw)


class QuestionnaireError(OctaseeError):
    """A file that cannot be read as a questionnaire (wrong type, empty, corrupt, encrypted)."""


class ValidationError(OctaseeError):
    """Rows that break the questionnaire spec; ``problems`` holds every one as a table."""

    def __init__(self, what: str, *, problems: Any = None, **kw: Any) -> None:
        self.problems = problems
        super().__init__(what, **kw)


class StoreError(OctaseeError):
    """The cycle store cannot be opened or would become inconsistent."""


class SourceError(OctaseeError):
    """A public data set is missing or not laid out as its adapter expects."""


class ScoringError(OctaseeError):
    """A composite-index spec or a scoring input that cannot be used."""


class ReportError(OctaseeError):
    """The report build cannot go on (no store, no chapters, no browser, bad option).

    Here rather than in :mod:`octasee.report` because the chapter list
    (:mod:`octasee.notebooks`), which a workspace reads, raises it too.
    """


class ChapterError(ReportError):
    """A chapter notebook failed: which chapter, which cell, which error.

    ``failures`` holds every failed chapter of the build as dictionaries (chapter, cell,
    ename, evalue, notebook), the first one also in ``chapter`` and ``cell``.

    >>> print(ChapterError("ZeroDivisionError: division by zero", chapter="02_indicators",
    ...                    cell=4, hint="see build/chapters/02_indicators.ipynb"))
    chapter 02_indicators, cell 4: ZeroDivisionError: division by zero; see build/chapters/02_indicators.ipynb
    """

    def __init__(self, what: str, *, chapter: str, cell: int | None = None,
                 failures: list[dict[str, Any]] | None = None, **kw: Any) -> None:
        self.chapter = chapter
        self.cell = cell
        self.failures = list(failures or [])
        where = f"chapter {chapter}" + (f", cell {cell}" if cell is not None else "")
        kw.setdefault("where", where)
        super().__init__(what, **kw)


class DisclosureError(OctaseeError):
    """The public edition's disclosure control refuses a release: a suppressed cell can be
    recovered or narrowed below its protection interval from what is published, or the
    attack audit cannot run (no solver, a table it cannot read). ``findings`` holds the
    audit's findings, if any."""

    def __init__(self, what: str, *, findings: Any = None, **kw: Any) -> None:
        self.findings = list(findings or [])
        super().__init__(what, **kw)
