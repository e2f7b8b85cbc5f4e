"""How a measure is published: its EES form, and the disclosure rules of each published cell.

Shared by the EES export (``pipeline.ees_export``) and the dashboard's public view (``dashboards.disclosure``), so
that the published file and the public pages agree cell for cell (definitions.md, "Disclosure control (export
and public view)"; ees.md).

- ``EESMeasure``: one measure as the EES file publishes it, made from the measure catalogue
  (``reference.catalogue``: label, unit, decimals, grouping, guard, levels); ``ees_measure(column)`` finds it, and
  gives a column the catalogue does not know a generic form inferred from its name.
- ``measure_columns``: which columns of the mart are published as indicators.
- ``ees_cell``: one cell, in this order:
  1. no value: the status symbol when it is one of z, x, c, low, u, else ``x`` (not available); ``z`` on a
     geographic level the measure does not apply to (``las_*`` on LA rows);
  2. a value whose status is c, low, x or z: the symbol (the symbol always wins; ``u`` keeps the number,
     an EES cell cannot carry both);
  3. disclosure control: a headcount under 5 is ``c``; a measure with a guard (the headcount(s) of people
     in its denominator, summed: ``guard_headcount``) is ``c`` when that headcount is under 5 or cannot be known
     (a part missing and the known parts under 5, or the guard's columns not in the mart at all: fail closed);
  4. rounding half up (DfE's rule, not banker's): FTEs, rates, caseloads and days to 1 dp, headcounts, cases
     and LA counts to whole numbers; a non-zero value that rounds to 0 is ``low``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import pandas as pd

from reference.catalogue import Measure, Unit, catalogue

#: The mart the EES file is written from.
EXPORTED_MART = "workforce_indicators"

#: Geography and time columns of the data file, in EES order.
GEOGRAPHY_TIME_OUTPUT: tuple[str, ...] = (
    "time_period", "time_identifier", "geographic_level", "country_code", "country_name",
    "region_code", "region_name", "new_la_code", "old_la_code", "la_name",
)
INTERNAL_SUFFIXES: tuple[str, ...] = ("_status", "_numerator", "_denominator")

SYMBOLS: frozenset[str] = frozenset({"z", "x", "c", "low", "u"})
#: Symbols that replace a value even where the warehouse holds one (suppression must hold). ``u`` only
#: qualifies a number that is still shown.
REPLACING_SYMBOLS: frozenset[str] = frozenset({"c", "low", "x", "z"})
DISCLOSURE_THRESHOLD = 5  # headcounts under 5 are shown as c

# The guards of a column the catalogue does not know, inferred from its name (``ees_measure``): a rate is
# guarded by the people of the workforce, anything named a caseload by its case holders (an upper bound
# when the mart has no count of them).
WORKFORCE = (("inpost_headcount", "agency_headcount"),)
CASE_HOLDERS = (("case_holders_headcount",), ("case_holders_count",), ("inpost_headcount", "agency_headcount"))


@dataclass(frozen=True)
class EESMeasure:
    """How one measure of the mart is published in the EES file."""

    column: str
    label: str
    unit: str  # the EES indicator_unit: '%' or ''
    dp: int
    grouping: str = ""
    guard: tuple[tuple[str, ...], ...] = ()  # alternatives of headcount columns; () = no guard
    levels: tuple[str, ...] | None = None  # geographic levels it applies to (elsewhere 'z'); None = all
    is_headcount: bool = False  # a count of people: 'c' under 5

    @classmethod
    def of(cls, measure: Measure) -> EESMeasure:
        """The published form of a catalogue measure."""
        return cls(measure.column, measure.ees_label or measure.label, "%" if measure.unit is Unit.PERCENT else "",
                   measure.decimals, measure.grouping, measure.guard, measure.levels, measure.is_headcount)

    def guard_columns(self, available: Iterable[str]) -> tuple[str, ...] | None:
        """The guard's columns present in the mart; None when it has a guard none of whose alternatives is
        available (then the measure is suppressed: fail closed); () when it has no guard."""
        if not self.guard:
            return ()
        have = set(available)
        return next((alt for alt in self.guard if all(c in have for c in alt)), None)


#: The catalogue's exported measures of the mart (and the guard counts no mart has yet: exported, and
#: suppressed under 5, once it has them), in catalogue order.
EES_MEASURES: tuple[EESMeasure, ...] = tuple(EESMeasure.of(m) for m in catalogue()
                                             if m.exported and m.mart in (EXPORTED_MART, ""))
MEASURES_BY_COLUMN: dict[str, EESMeasure] = {m.column: m for m in EES_MEASURES}
#: Columns of the mart that are never exported as they are: ``source`` (the rows are of one source) and the
#: catalogue's measures that are not exported (``fte_missing_records``: a data-quality count about the returns).
INTERNAL_COLUMNS: frozenset[str] = frozenset({"source"} | {m.column for m in catalogue()
                                                          if m.mart == EXPORTED_MART and not m.exported})


def ees_measure(column: str) -> EESMeasure:
    """The catalogue's entry for a column; an unknown column gets a generic one inferred from its name:
    ``*_headcount`` a headcount (suppressed under 5), ``*_rate_*``/``*_pct``/``*_share_*`` a rate guarded by
    in-post + agency headcount, ``cases``/``*_cases`` whole cases, ``*_days*`` days, anything else 1 dp."""
    if column in MEASURES_BY_COLUMN:
        return MEASURES_BY_COLUMN[column]
    label = column.replace("_", " ").strip().capitalize()
    if re.search(r"_rate(_|$)|_pct$|_share(_|$)", column):
        return EESMeasure(column, f"{label} (%)", "%", 1, "Other", WORKFORCE)
    if column.endswith("_headcount"):
        return EESMeasure(column, label, "", 0, "Other", is_headcount=True)
    if column == "cases" or column.endswith("_cases"):
        return EESMeasure(column, label, "", 0, "Other")
    if "caseload" in column:
        return EESMeasure(column, label, "", 1, "Other", CASE_HOLDERS)
    return EESMeasure(column, label, "", 1, "Other")  # days, FTE and any other figure: 1 dp


def measure_columns(columns: Iterable[str], numeric: Iterable[str] | None = None) -> list[str]:
    """The mart's columns that are exported as indicators, in the mart's order: numeric, not geography/time,
    not internal. ``numeric`` (the numeric columns) defaults to all."""
    numeric_set = set(columns if numeric is None else numeric)
    return [c for c in columns if c not in GEOGRAPHY_TIME_OUTPUT and c not in INTERNAL_COLUMNS
            and not c.endswith(INTERNAL_SUFFIXES) and c in numeric_set]


# --- rounding and cells ---------------------------------------------------------------------------------

def round_half_up(value: float, dp: int) -> Decimal:
    """Round as DfE does (half away from zero) from the float's shortest repr: 12.25 -> 12.3, 2.5 -> 3."""
    try:
        return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-dp), rounding=ROUND_HALF_UP)
    except InvalidOperation as error:  # inf, nan
        raise ValueError(f"cannot round {value!r}") from error


def format_number(value: float, dp: int) -> str:
    """The number as the EES file writes it: rounded half up to dp places, never '-0.0'."""
    rounded = round_half_up(value, dp)
    if rounded == 0:
        rounded = abs(rounded)
    return f"{rounded:.{dp}f}"


def is_missing(value: object) -> bool:
    """True for None, NaN, pandas' NA and anything that is not a number."""
    if value is None or value is pd.NA:
        return True
    try:
        return math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def _status(value: object) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip().lower()
    return None


def guard_headcount(row: dict, columns: tuple[str, ...]) -> float | None:
    """The guard's headcount in a row: the sum of its columns' values. A missing part is unknown: the sum of
    the known parts still counts when it reaches the threshold (the whole can only be larger), else None."""
    values = [row.get(c) for c in columns]
    known = sum(float(v) for v in values if not is_missing(v))  # type: ignore[arg-type]
    if known >= DISCLOSURE_THRESHOLD or all(not is_missing(v) for v in values):
        return known
    return None


def ees_cell(value: object, status: object, measure: EESMeasure, guard_headcount: float | None = None,
             guarded: bool = False, level: str | None = None) -> str:
    """One indicator cell: a rounded number or a symbol (see the module docstring for the order of rules).

    ``guarded``: the measure has a disclosure guard, whose headcount (summed; None when missing or not
    in the mart) is ``guard_headcount``.
    """
    symbol = _status(status)
    if measure.levels is not None and level is not None and level not in measure.levels:
        return "z"
    if is_missing(value):
        return symbol if symbol in SYMBOLS else "x"
    if symbol in REPLACING_SYMBOLS:
        return symbol
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number):
        return "x"
    if measure.is_headcount and number < DISCLOSURE_THRESHOLD:
        return "c"
    if guarded and (guard_headcount is None or guard_headcount < DISCLOSURE_THRESHOLD):
        return "c"
    if number != 0 and round_half_up(number, measure.dp) == 0:
        return "low"
    return format_number(number, measure.dp)


def published_cell(row: dict, measure: EESMeasure, guard: tuple[str, ...] | None, level: str | None) -> str:
    """The cell of ``measure`` in one mart row (of geographic level ``level``) as the EES file writes it, given
    the measure's guard columns in that mart (``EESMeasure.guard_columns``)."""
    return ees_cell(row.get(measure.column), row.get(f"{measure.column}_status"), measure,
                    guard_headcount=guard_headcount(row, guard) if guard else None,
                    guarded=guard is None or bool(guard), level=level)
