"""The measures the dashboard shows, and how a value is written for people to read.

Holds:

- ``Measure`` (``reference.catalogue.Measure``: column in ``marts.workforce_indicators``, plain-English label,
  unit, decimals, polarity, group, one-line definition from ``definitions.md``, and for a strengthened measure
  what it adds and the national measure it is read beside), all read from the measure catalogue
  (``seeds/reference/measure_catalogue.csv``), never written here.
- ``NATIONAL_MEASURES``: the national (DfE) measures, in the order of ``definitions.md``;
  ``STRENGTHENED_MEASURES``: this product's, in the mart's column order; ``MEASURES`` / ``measure(column)``
  to look one up; ``present(columns)`` keeps those a table really has.
- ``SYMBOLS``: what each EES status symbol means.
- ``format_value``, ``format_difference``, ``round_half_up``: display formatting. Values are stored
  unrounded; rounding (half up, as DfE rounds) and symbols are applied here, on display only.

Pure Python: no Streamlit, no database, so it is easy to test and to reuse in exports and other pages.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from pipeline.disclosure import REPLACING_SYMBOLS
from reference.catalogue import Measure, Polarity, Unit, of_family

__all__ = ["MEASURES", "NATIONAL_MEASURES", "STRENGTHENED_MEASURES", "Measure", "Polarity", "Unit"]

#: The national (DfE) measures of ``marts.workforce_indicators``, in the order of ``definitions.md``.
NATIONAL_MEASURES: tuple[Measure, ...] = of_family("national")
#: This product's strengthened measures, in the mart's column order (definitions.md, "Strengthened
#: definitions"). Their polarity is the one dbt's ``benchmark_measures()`` bands them by: the catalogue's.
STRENGTHENED_MEASURES: tuple[Measure, ...] = of_family("strengthened")

MEASURES: dict[str, Measure] = {m.column: m for m in (*NATIONAL_MEASURES, *STRENGTHENED_MEASURES)}

#: How each polarity reads in a table or a caption.
POLARITY_WORDS: dict[Polarity, str] = {
    Polarity.LOW_IS_GOOD: "lower is better",
    Polarity.HIGH_IS_GOOD: "higher is better",
    Polarity.NONE: "no better direction",
}

#: The headline measures shown as big numbers on the comparison page.
HEADLINE_COLUMNS: tuple[str, ...] = ("caseload_fte", "turnover_rate_fte", "agency_rate_fte", "vacancy_rate_fte")


def measure(column: str) -> Measure:
    """The catalogue entry for a column (KeyError if the dashboard does not know it)."""
    return MEASURES[column]


def present(columns: Iterable[str], measures: Iterable[Measure] = NATIONAL_MEASURES) -> list[Measure]:
    """The measures, in catalogue order, whose column is among ``columns`` (tables grow over time)."""
    have = set(columns)
    return [m for m in measures if m.column in have]


#: EES status symbols (ees.md) and how the dashboard writes them.
SYMBOLS: dict[str, str] = {
    "c": "confidential",
    "low": "rounds to zero",
    "u": "low reliability",
    "x": "not available",
    "z": "not applicable",
}

NO_DATA = "no data"
NOT_COMPARABLE = "not comparable"
COUNT_NOT_DIFFERENCED = "not applicable (a total)"


def is_missing(value: Any) -> bool:
    """True for None, NaN, pandas' NA and anything else that is not a number."""
    if value is None or isinstance(value, str | bytes):
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):  # pandas.NA and other non-numbers
        return True


def normalise_status(status: Any) -> str | None:
    """The status symbol in canonical form ('c', 'low', 'u', 'x', 'z'), or None when there is none."""
    if isinstance(status, str):
        return status.strip().lower() or None
    return None  # None, NaN, pandas.NA


def symbol_text(status: str) -> str:
    """'z' -> 'not applicable (z)'; an unknown symbol is shown as it is, in brackets."""
    meaning = SYMBOLS.get(status)
    return f"{meaning} ({status})" if meaning else f"({status})"


def round_half_up(value: float, decimals: int) -> Decimal:
    """Round as DfE does (half away from zero), from the shortest repr of the float: 2.25 -> 2.3."""
    quantum = Decimal(1).scaleb(-decimals)
    try:
        return Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # inf
        return Decimal(float(value))


def _number(value: float, decimals: int, signed: bool = False) -> str:
    rounded = round_half_up(value, decimals)
    if rounded == 0:
        rounded = abs(rounded)  # never "-0.0"
    sign = "+" if signed and rounded > 0 else ""
    return f"{sign}{rounded:,.{decimals}f}"


def format_value(value: Any, status: Any, m: Measure, with_unit: bool = False) -> str:
    """How a value reads on screen.

    - a replacing symbol (c, low, x, z) shows its meaning, never the number: 'not applicable (z)';
    - no value and no symbol: 'no data';
    - otherwise the number rounded half up to the measure's decimals, with thousands separators,
      the unit when ``with_unit`` ('15.2 cases per FTE', '11.8%'), and a 'u' flag as '(u: low reliability)'.
    """
    symbol = normalise_status(status)
    if symbol in REPLACING_SYMBOLS:
        return symbol_text(symbol)
    if is_missing(value):
        return symbol_text(symbol) if symbol else NO_DATA
    text = _number(float(value), m.decimals)
    if with_unit:
        text = f"{text}%" if m.unit is Unit.PERCENT else f"{text} {m.unit}"
    if symbol:
        text = f"{text} ({symbol}: {SYMBOLS.get(symbol, 'see notes')})"
    return text


def shown_as_number(value: Any, status: Any) -> bool:
    """Whether a value is shown as a number (so it may be compared and charted)."""
    return not is_missing(value) and normalise_status(status) not in REPLACING_SYMBOLS


def difference(value: Any, status: Any, other: Any, other_status: Any) -> float | None:
    """value - other, unrounded, or None where either side is not shown as a number."""
    if not (shown_as_number(value, status) and shown_as_number(other, other_status)):
        return None
    return float(value) - float(other)


def difference_unit(m: Measure) -> str:
    """The unit of a difference: percentage points for rates, else the measure's unit."""
    return "pp" if m.is_rate else str(m.unit)


def format_difference(diff: float | None, m: Measure, with_unit: bool = False) -> str:
    """A signed difference rounded to the measure's decimals ('+1.2', '-3', '0.0'); 'not comparable' if None."""
    if diff is None or is_missing(diff):
        return NOT_COMPARABLE
    text = _number(diff, m.decimals, signed=True)
    return f"{text} {difference_unit(m)}" if with_unit else text


def format_share(part: Any, part_status: Any, whole: Any, whole_status: Any) -> str:
    """An LA's total as a share of its region's: '9.5% of the region's total', '' where not computable."""
    if not (shown_as_number(part, part_status) and shown_as_number(whole, whole_status)) or float(whole) == 0:
        return ""
    return f"{_number(100 * float(part) / float(whole), 1)}% of the region's total"


def compare_words(diff: float | None, m: Measure) -> str:
    """Plain words for a difference, judged by polarity: 'higher (worse)', 'lower (better)', 'same', ''."""
    if diff is None or is_missing(diff):
        return ""
    if round_half_up(diff, m.decimals) == 0:
        return "same"
    word = "higher" if diff > 0 else "lower"
    if m.polarity is Polarity.NONE:
        return word
    better = (diff < 0) == (m.polarity is Polarity.LOW_IS_GOOD)
    return f"{word} ({'better' if better else 'worse'})"
