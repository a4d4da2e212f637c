"""Disclosure control for the public report.

Two lines of defence. The first is in the chapters: they read the questionnaire
indicators through the public view (:mod:`octasee.sdc`: primary and complementary
suppression, published totals), free text through ``store.table(..., variant="public")``,
which leaves out what submissions mark not for dissemination, and pass small counts of
published sources through :func:`suppress_small` (kept here for notebooks that import it
from this module; it lives in :mod:`octasee.chapters.disclosure`). The second is the
build's scrub: free text that only restricted rows hold (:func:`restricted_terms`) is
searched for in every public output (executed notebooks, the merged report, the
manifest) and replaced; the build says how many it found, which should be none.

>>> import pandas as pd
>>> import pandas as pd
>>> df = pd.DataFrame({"country": ["AL", "AL", "AL", "RS"],
...                    "area": ["heroin", "cocaine", "cannabis", "heroin"],
...                    "cases": [12, 3, 1, 40]})
>>> suppress_small(df, value="cases", threshold=5)["cases"].tolist()
[12, '<5', '<5', 40]
>>> suppress_small(df, value="cases", threshold=5, by="area").to_dict("records")
[{'country': 'AL', 'area': 'heroin', 'cases': 12}, {'country': 'AL', 'area': 'other', 'cases': '<5'}, {'country': 'RS', 'area': 'heroin', 'cases': 40}]
>>> scrub_text("seen: Operation Nightjar", {"Operation Nightjar"})
('seen: [withheld]', 1)
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from octasee.chapters.disclosure import suppress_small
from octasee.questionnaire.spec import all_specs
from octasee.report._io import write_text_atomic
from octasee.store import Store

__all__ = ["WITHHELD", "compile_terms", "restricted_terms", "scrub_file", "scrub_notebook",
           "scrub_text", "suppress_small"]

WITHHELD = "[withheld]"


# --------------------------------------------------------------------------- scrub

_TABLE_OF_SHEET = {"respondent": "submissions", "indicators": "indicators", "groups": "ocgs",
                   "routes": "routes", "assessments": "assessments"}
_FREE_TEXT = {"text", "longtext", "email"}


def _free_text_columns() -> dict[str, set[str]]:
    """Per store table, the columns the questionnaire spec declares as free text."""
    out: dict[str, set[str]] = {t: set() for t in _TABLE_OF_SHEET.values()}
    for spec in all_specs():
        for sheet in spec.sheets:
            table = _TABLE_OF_SHEET.get(sheet.key)
            if table:
                out[table].update(col.key for col in sheet.columns
                                  if col.kind in _FREE_TEXT and col.key != "cycle")
    return out


def restricted_terms(store_path: str | os.PathLike[str], *, cycle: str | None = None,
                     min_length: int = 8) -> set[str]:
    """Free text that restricted rows hold and public rows do not.

    Every value of a free-text column (comments, situations, group names, agencies,
    contacts …: the columns the questionnaire spec declares as text) of at least
    ``min_length`` characters that ``variant="restricted"`` shows and ``variant="public"``
    does not. Codes (crime areas, indicators, units) are not included: they are shared
    vocabulary, not disclosures; nor are numbers, too ambiguous to search for (small
    counts are the chapters' job: :func:`suppress_small`).
    """
    columns = _free_text_columns()
    restricted: set[str] = set()
    public: set[str] = set()
    with Store(store_path, read_only=True) as store:
        for name, cols in columns.items():
            for variant, bucket in (("restricted", restricted), ("public", public)):
                df = store.table(name, cycle=cycle, current=False, variant=variant)
                for col in sorted(cols & set(df.columns)):
                    bucket.update(str(x) for x in df[col].dropna().unique())
    return {t for t in restricted - public if len(t.strip()) >= min_length}


def _variants(term: str) -> list[str]:
    """The ways a value appears in outputs: as is, HTML-escaped, JSON-escaped (plotly
    escapes ``<``, ``>``, ``/`` and ``&`` too)."""
    js = json.dumps(term)[1:-1]
    plotly = (js.replace("<", "\\u003c").replace(">", "\\u003e").replace("/", "\\u002f")
              .replace("&", "\\u0026"))
    forms = [term, html.escape(term, quote=False), html.escape(term), js, plotly,
             json.dumps(term, ensure_ascii=False)[1:-1]]
    return list(dict.fromkeys(f for f in forms if f))


def _pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    forms = sorted({f for t in terms for f in _variants(t)}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, forms))) if forms else None


def scrub_text(text: str, terms: Iterable[str] | re.Pattern[str] | None) -> tuple[str, int]:
    """Replace every occurrence of ``terms`` (in any escaping) by ``[withheld]``; returns
    the new text and how many were replaced."""
    pattern = terms if isinstance(terms, re.Pattern) else _pattern(terms or [])
    if pattern is None:
        return text, 0
    return pattern.subn(WITHHELD, text)


def _scrub_value(value: Any, pattern: re.Pattern[str]) -> tuple[Any, int]:
    if isinstance(value, str):
        return scrub_text(value, pattern)
    if isinstance(value, list):
        pairs = [_scrub_value(v, pattern) for v in value]
        return [p[0] for p in pairs], sum(p[1] for p in pairs)
    if isinstance(value, Mapping):
        items = {k: _scrub_value(v, pattern) for k, v in value.items()}
        return {k: p[0] for k, p in items.items()}, sum(p[1] for p in items.values())
    return value, 0


def scrub_notebook(nb: Mapping[str, Any], terms: Iterable[str] | re.Pattern[str] | None
                   ) -> tuple[dict[str, Any], int]:
    """A copy of a notebook (or any JSON-like value: a manifest) with ``terms`` scrubbed
    from every string in it; returns the copy and how many were replaced."""
    pattern = terms if isinstance(terms, re.Pattern) else _pattern(terms or [])
    if pattern is None:
        return json.loads(json.dumps(nb)), 0
    out, n = _scrub_value(nb, pattern)
    return out, n


def compile_terms(terms: Iterable[str]) -> re.Pattern[str] | None:
    """One compiled pattern for many scrubs of the same terms."""
    return _pattern(terms)


def scrub_file(path: str | os.PathLike[str], pattern: re.Pattern[str] | None) -> int:
    """Scrub a text file in place (atomically); returns the count replaced."""
    path = Path(path)
    text, n = scrub_text(path.read_text("utf-8"), pattern)
    if n:
        write_text_atomic(path, text)
    return n
