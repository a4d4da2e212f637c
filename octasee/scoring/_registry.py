"""Method registries: families of functions chosen by name, with close-match suggestions.

Each family (normalise, treat, impute, aggregate, weights …) is a :class:`Registry`. A
method is found by its plain name (``minmax``), its role-prefixed name (``n_minmax``) or an
alias (``min-max``); a typo raises :class:`~octasee.errors.ScoringError` with the nearest
names (``unknown normalise method 'minmx'; did you mean 'minmax'?``).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

from octasee.errors import ScoringError

__all__ = ["Registry", "suggest"]


def suggest(name: str, choices: list[str] | tuple[str, ...], n: int = 3) -> str | None:
    """A ``did you mean …?`` hint for ``name`` among ``choices``, or ``None``."""
    close = difflib.get_close_matches(str(name), list(choices), n=n, cutoff=0.6)
    if not close:
        close = difflib.get_close_matches(str(name).lower(), [c.lower() for c in choices],
                                          n=n, cutoff=0.6)
        lookup = {c.lower(): c for c in choices}
        close = [lookup[c] for c in close]
    if not close:
        return None
    return "did you mean " + " or ".join(repr(c) for c in close) + "?"


def _key(name: str) -> str:
    return str(name).strip().lower().replace("-", "_").replace(" ", "_")


class Registry:
    """A named family of methods sharing a call signature.

    >>> reg = Registry("normalise", prefix="n_")
    >>> @reg.register("minmax", "min_max")
    ... def f(x): return x
    >>> reg.get("n_minmax") is f, reg.get("Min-Max") is f
    (True, True)
    """

    def __init__(self, role: str, *, prefix: str) -> None:
        self.role = role
        self.prefix = prefix
        self._methods: dict[str, Callable[..., Any]] = {}
        self._aliases: dict[str, str] = {}

    def register(self, name: str, *aliases: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def deco(func: Callable[..., Any]) -> Callable[..., Any]:
            self._methods[name] = func
            for a in (name, self.prefix + name, *aliases):
                self._aliases[_key(a)] = name
            return func
        return deco

    @property
    def names(self) -> list[str]:
        """The canonical method names, in registration order."""
        return list(self._methods)

    def canonical(self, name: str, *, where: str | None = None) -> str:
        """The canonical name for ``name`` (plain, prefixed or alias); raises on a typo."""
        key = _key(name)
        if key in self._aliases:
            return self._aliases[key]
        if key.startswith(self.prefix) and key[len(self.prefix):] in self._aliases:
            return self._aliases[key[len(self.prefix):]]
        stripped = key[len(self.prefix):] if key.startswith(self.prefix) else key
        hint = suggest(stripped, self.names) or (
            f"the {self.role} methods are " + ", ".join(self.names))
        raise ScoringError(f"unknown {self.role} method {name!r}", where=where, hint=hint)

    def get(self, name: str, *, where: str | None = None) -> Callable[..., Any]:
        """The function registered under ``name``."""
        return self._methods[self.canonical(name, where=where)]

    def __contains__(self, name: object) -> bool:
        return _key(str(name)) in self._aliases
