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
    └── ScoringError          a composite-index spec or scoring input
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ConfigError",
    "OctaseeError",
    "QuestionnaireError",
    "ReferenceDataError",
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
