"""How the report prints a number: counts, values with their unit, shares, changes, years.

One place, so that a finding's statement, a table and a key figure print the same value
the same way (``1,257``; ``7,492 kg``; ``EUR 1.2 million``; ``79%``; ``+72%``; ``2017``).

>>> fmt_count(1257), fmt_value(7492.4, "kg"), fmt_value(1_234_567, "EUR")
('1,257', '7,492 kg', 'EUR 1.2 million')
>>> fmt_value(72.4, "%"), fmt_share(0.786), fmt_year(2017.0), fmt_value(5.25, "score")
('+72%', '79%', '2017', '5.2')
"""

from __future__ import annotations

import math

__all__ = ["ARROW", "fmt_change", "fmt_count", "fmt_label", "fmt_number", "fmt_range",
           "fmt_share", "fmt_transition", "fmt_value", "fmt_year"]


def _missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def fmt_count(n: float | int) -> str:
    """A count, rounded to a whole number, with a thousands comma: ``1,257``.

    >>> fmt_count(1256.6), fmt_count(-3), fmt_count(float("nan"))
    ('1,257', '-3', 'n/a')
    """
    if _missing(n):
        return "n/a"
    return f"{round(float(n)):,d}"


def fmt_number(x: float | int, *, whole: bool = False) -> str:
    """A number in a table column: whole numbers (``whole``: the column holds only
    those) with a thousands comma and no decimal; others with one decimal below 1,000 and
    none from 1,000 up, where a tenth says nothing (a rate of 2,139,680.7 cigarettes per
    100,000 residents prints 2,139,681; 817.3 kg stays 817.3 kg); missing as ``–``.
    Rounded as :func:`fmt_count` rounds.

    >>> fmt_number(2_139_680.7), fmt_number(817.34), fmt_number(-1234.6), fmt_number(42, whole=True)
    ('2,139,681', '817.3', '-1,235', '42')
    >>> fmt_number(999.96), fmt_number(float("nan"))
    ('1,000', '–')
    """
    if _missing(x):
        return "–"
    v = float(x)
    if whole or round(abs(v), 1) >= 1000:
        return f"{v:,.0f}"
    return f"{v:,.1f}"


#: The arrow between a before and an after (``13 → 12``), with no-break spaces so that
#: the two sides stay on one line with it and keep their space when copied.
ARROW = "\u00a0→\u00a0"


def fmt_transition(before: object, after: object, *, missing: str = "none") -> str:
    """A value then and now, joined by an arrow with a space on each side: ``13 → 12``;
    a side without a value says ``missing`` (``none → 7``), never a dash beside the arrow.

    >>> fmt_transition(13, 12) == "13" + ARROW + "12"
    True
    >>> [fmt_transition(a, b).replace(ARROW, " → ") for a, b in [("", "7"), ("11-13", None)]]
    ['none → 7', '11-13 → none']
    """
    def side(v: object) -> str:
        if v is None or _missing(v) or (isinstance(v, str) and v.strip() in ("", "–", "-")):
            return missing
        return fmt_count(v) if isinstance(v, int | float) else str(v).strip()

    return f"{side(before)}{ARROW}{side(after)}"


def fmt_year(y: float | int) -> str:
    """A year as a year, never ``2,017``: ``2017``.

    >>> fmt_year(2017), fmt_year(2015.0)
    ('2017', '2015')
    """
    return "n/a" if _missing(y) else str(int(round(float(y))))


def fmt_share(p: float, *, digits: int = 0) -> str:
    """A share of a whole (0..1) in percent, unsigned: ``79%``.

    >>> fmt_share(0.786), fmt_share(0.0049, digits=1)
    ('79%', '0.5%')
    """
    return "n/a" if _missing(p) else f"{float(p) * 100:.{digits}f}%"


def fmt_change(pct: float) -> str:
    """A change in percent, signed: ``+72%``, ``-20%``, ``0%``.

    >>> fmt_change(72.4), fmt_change(-19.6), fmt_change(0.2)
    ('+72%', '-20%', '0%')
    """
    if _missing(pct):
        return "n/a"
    r = round(float(pct))
    return f"{r:+d}%" if r else "0%"


def _money(v: float) -> str:
    a = abs(v)
    for size, word in ((1e9, "billion"), (1e6, "million")):
        if a >= size:
            return f"EUR {v / size:,.1f} {word}"
    return f"EUR {v:,.0f}"


def fmt_value(v: float | int, unit: str | None = None) -> str:
    """A value with its unit as the report prints it.

    ``count`` (or no unit): :func:`fmt_count`; ``kg``: whole kilograms with the unit (one
    decimal below 10 kg); ``EUR``: ``EUR 1.2 million`` / ``EUR 3.4 billion`` / ``EUR
    12,345``; ``%``: a signed change (:func:`fmt_change`); ``share``: :func:`fmt_share`;
    ``score``: one decimal; ``year``: :func:`fmt_year`. Any other unit follows the count.

    >>> fmt_value(4.25, "kg"), fmt_value(2_534_945_000, "EUR"), fmt_value(12345, "EUR")
    ('4.2 kg', 'EUR 2.5 billion', 'EUR 12,345')
    >>> fmt_value(98000, "count"), fmt_value(5, "pieces")
    ('98,000', '5 pieces')
    """
    if _missing(v):
        return "n/a"
    v = float(v)
    u = (unit or "count").strip()
    if u in ("count", ""):
        return fmt_count(v)
    if u == "EUR":
        return _money(v)
    if u == "%":
        return fmt_change(v)
    if u == "share":
        return fmt_share(v)
    if u == "score":
        return f"{v:.1f}"
    if u == "year":
        return fmt_year(v)
    if u == "kg" and abs(v) < 10 and not v.is_integer():
        return f"{v:.1f} kg"
    return f"{fmt_count(v)} {u}"


def fmt_range(lo: float, hi: float, unit: str | None = None) -> str:
    """A range of two values with the unit said once where it follows the number.

    >>> fmt_range(0, 36823, "kg"), fmt_range(1185, 2818), fmt_range(2e6, 3.5e6, "EUR")
    ('0 to 36,823 kg', '1,185 to 2,818', 'EUR 2.0 million to EUR 3.5 million')
    """
    a, b = fmt_value(lo, unit), fmt_value(hi, unit)
    u = (unit or "count").strip()
    if u not in ("count", "", "EUR", "%", "share", "score", "year") and a.endswith(" " + u) \
            and b.endswith(" " + u):
        a = a[: -len(u) - 1]
    return f"{a} to {b}"


def fmt_label(label: str, unit: str | None = None, *, per: str | None = None) -> str:
    """A table header or axis title with its unit, as the report prints it.

    A measured quantity says its unit in brackets (``Heroin seized (kg)``, ``Amounts
    laundered (EUR)``); a count's label already names what it counts (``Persons
    arrested``, ``Cigarettes seized (pieces)``), so it takes no ``(count)``. ``per``
    makes it a rate: ``Heroin seized (kg per 100,000 residents)``, ``Persons arrested per
    100,000 residents``.

    >>> fmt_label("Heroin seized", "kg"), fmt_label("Persons arrested", "count")
    ('Heroin seized (kg)', 'Persons arrested')
    >>> fmt_label("Heroin seized", "kg", per="100,000 residents")
    'Heroin seized (kg per 100,000 residents)'
    >>> fmt_label("Cigarettes seized (pieces)", "count", per="100,000 residents")
    'Cigarettes seized (pieces per 100,000 residents)'
    >>> fmt_label("Persons arrested", "count", per="100,000 residents")
    'Persons arrested per 100,000 residents'
    """
    u = (unit or "count").strip()
    if u in ("count", ""):
        if label.endswith(")") and "(" in label and per:  # "(pieces)": the unit is there
            head, _, inner = label[:-1].rpartition("(")
            return f"{head}({inner} per {per})"
        return f"{label} per {per}" if per else label
    if label.endswith(f"({u})"):
        label = label[: -len(u) - 2].rstrip()
    return f"{label} ({u} per {per})" if per else f"{label} ({u})"
