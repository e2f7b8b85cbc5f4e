"""The catalogue of measures the dashboard shows, and how a value is written for people to read.

Holds:

- ``Measure``: one measure (column in ``marts.workforce_indicators``, plain-English label, unit, decimals
  for display, polarity, one-line definition from ``definitions.md``).
- ``NATIONAL_MEASURES``: the national (DfE) measures, in the order of ``definitions.md``;
  ``MEASURES`` / ``measure(column)`` to look one up; ``present(columns)`` keeps those a table really has.
- ``SYMBOLS``: what each EES status symbol means.
- ``format_value``, ``format_difference``, ``round_half_up``: display formatting. Values are stored
  unrounded; rounding (half up, as DfE rounds) and symbols are applied here, on display only.

Pure Python: no Streamlit, no database, so it is easy to test and to reuse in exports and other pages.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any


class Unit(StrEnum):
    """The unit a measure is expressed in (what a reader sees next to the number)."""

    FTE = "FTE"
    PEOPLE = "people"
    PERCENT = "%"
    CASES = "cases"
    CASES_PER_FTE = "cases per FTE"
    DAYS = "days"
    RECORDS = "records"
    CASES_PER_CASE_HOLDER = "cases per case holder"
    FTE_PER_CASE_HOLDER_FTE = "FTE per case holder FTE"
    FTE_PER_10K_CHILDREN = "FTE per 10,000 children"


#: Decimal places per unit (definitions.md, "Disclosure control": FTEs, rates, caseloads and days to
#: 1 decimal place; headcounts and cases to whole numbers).
UNIT_DECIMALS: dict[Unit, int] = {
    Unit.FTE: 1,
    Unit.PEOPLE: 0,
    Unit.PERCENT: 1,
    Unit.CASES: 0,
    Unit.CASES_PER_FTE: 1,
    Unit.DAYS: 1,
    Unit.RECORDS: 0,
    Unit.CASES_PER_CASE_HOLDER: 1,
    Unit.FTE_PER_CASE_HOLDER_FTE: 1,
    Unit.FTE_PER_10K_CHILDREN: 1,
}

#: Units of measures that are ratios, not totals (an LA is compared with its region by difference).
RATIO_UNITS: frozenset[Unit] = frozenset({
    Unit.PERCENT, Unit.CASES_PER_FTE, Unit.CASES_PER_CASE_HOLDER, Unit.FTE_PER_CASE_HOLDER_FTE,
    Unit.FTE_PER_10K_CHILDREN,
})


class Polarity(StrEnum):
    """Which direction is better (definitions.md, "Benchmarks": quartile bands follow it)."""

    LOW_IS_GOOD = "low is good"
    HIGH_IS_GOOD = "high is good"
    NONE = "none"


@dataclass(frozen=True)
class Measure:
    """One measure as the dashboard shows it."""

    column: str
    label: str
    unit: Unit
    definition: str
    polarity: Polarity = Polarity.NONE
    group: str = ""

    @property
    def decimals(self) -> int:
        """Decimal places for display, from the unit."""
        return UNIT_DECIMALS[self.unit]

    @property
    def status_column(self) -> str:
        """The column holding this measure's status symbol (c, low, u, x, z or null)."""
        return f"{self.column}_status"

    @property
    def is_rate(self) -> bool:
        """Whether the measure is a percentage (its differences are percentage points)."""
        return self.unit is Unit.PERCENT

    @property
    def is_count(self) -> bool:
        """Whether the measure is a total (FTE, people, cases, days, records) that grows with the area's
        size, so an LA is compared with its region by its share, not by a difference."""
        return self.unit not in RATIO_UNITS


_LOW = Polarity.LOW_IS_GOOD

NATIONAL_MEASURES: tuple[Measure, ...] = (
    # In post
    Measure("inpost_fte", "Social workers in post (FTE)", Unit.FTE,
            "Sum of FTE at 30 September over non-agency social workers in post.", group="In post"),
    Measure("inpost_headcount", "Social workers in post (headcount)", Unit.PEOPLE,
            "Number of different non-agency social workers in post at 30 September.", group="In post"),
    # Starters and leavers
    Measure("starters_fte", "Starters (FTE)", Unit.FTE,
            "Contracted FTE of non-agency social workers who started in the year to 30 September.",
            group="Starters and leavers"),
    Measure("starters_headcount", "Starters (headcount)", Unit.PEOPLE,
            "Number of non-agency social workers who started in the year to 30 September.",
            group="Starters and leavers"),
    Measure("leavers_fte", "Leavers (FTE)", Unit.FTE,
            "Contracted FTE of non-agency social workers who left in the year to 30 September.",
            group="Starters and leavers"),
    Measure("leavers_headcount", "Leavers (headcount)", Unit.PEOPLE,
            "Number of non-agency social workers who left in the year to 30 September.",
            group="Starters and leavers"),
    Measure("turnover_rate_fte", "Turnover rate (FTE)", Unit.PERCENT,
            "Leavers FTE as a percentage of social workers in post FTE.", _LOW, "Starters and leavers"),
    Measure("turnover_rate_headcount", "Turnover rate (headcount)", Unit.PERCENT,
            "Leavers as a percentage of social workers in post (headcount).", _LOW, "Starters and leavers"),
    # Agency
    Measure("agency_fte", "Agency social workers (FTE)", Unit.FTE,
            "Sum of FTE at 30 September over agency social workers working then.", group="Agency"),
    Measure("agency_headcount", "Agency social workers (headcount)", Unit.PEOPLE,
            "Number of agency social workers working at 30 September.", group="Agency"),
    Measure("agency_rate_fte", "Agency rate (FTE)", Unit.PERCENT,
            "Agency FTE as a percentage of agency plus in-post FTE.", _LOW, "Agency"),
    Measure("agency_rate_headcount", "Agency rate (headcount)", Unit.PERCENT,
            "Agency headcount as a percentage of agency plus in-post headcount.", _LOW, "Agency"),
    Measure("agency_cover_fte", "Agency workers covering vacancies (FTE)", Unit.FTE,
            "FTE of agency social workers covering vacant posts, as the LA reports it.", group="Agency"),
    Measure("agency_cover_rate_fte", "Agency workers covering vacancies (% of agency FTE)", Unit.PERCENT,
            "Agency FTE covering vacancies as a percentage of all agency FTE.", group="Agency"),
    # Vacancies
    Measure("vacancy_fte", "Vacancies (FTE)", Unit.FTE,
            "FTE of vacant social worker posts at 30 September, as the LA reports it.", group="Vacancies"),
    Measure("vacancy_rate_fte", "Vacancy rate (FTE)", Unit.PERCENT,
            "Vacancies FTE as a percentage of vacancies plus in-post FTE.", _LOW, "Vacancies"),
    Measure("vacancy_agency_cover_rate_fte", "Vacancies covered by agency workers (%)", Unit.PERCENT,
            "Agency FTE covering vacancies as a percentage of vacancies FTE.", group="Vacancies"),
    # Caseloads
    Measure("case_holders_fte", "Case holders (FTE)", Unit.FTE,
            "Sum of FTE at 30 September over social workers holding one or more cases (agency included).",
            group="Caseloads"),
    Measure("cases", "Cases held", Unit.CASES,
            "Number of cases held by case-holding social workers at 30 September.", group="Caseloads"),
    Measure("caseload_fte", "Average caseload (cases per FTE)", Unit.CASES_PER_FTE,
            "Cases held divided by case holders FTE.", _LOW, "Caseloads"),
    # Absence
    Measure("working_days_lost_fte", "Working days lost to sickness (FTE days)", Unit.DAYS,
            "Sum of working days lost to sickness, weighted by contracted FTE, over in-post and leavers.",
            group="Absence"),
    Measure("absence_rate_fte", "Sickness absence rate", Unit.PERCENT,
            "Working days lost as a percentage of the working days available to in-post FTE in the year.",
            _LOW, "Absence"),
    # Data quality
    Measure("fte_missing_records", "Records with FTE unknown", Unit.RECORDS,
            "Worker records left out of FTE sums because their FTE is unknown.", group="Data quality"),
)

MEASURES: dict[str, Measure] = {m.column: m for m in NATIONAL_MEASURES}

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

#: Symbols that always replace the number: suppression must hold even where the warehouse has a value.
#: ``u`` only qualifies a number that is still shown.
REPLACING_SYMBOLS: frozenset[str] = frozenset({"c", "low", "x", "z"})

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


# --- strengthened measures (this product's, definitions.md "Strengthened definitions") ----------------------

@dataclass(frozen=True)
class StrengthenedMeasure(Measure):
    """A strengthened measure: not published by DfE, computed by this product from the returns.

    ``adds`` says in plain English what it shows that the national figures hide (definitions.md, "gap it
    closes"); ``national`` is the national measure it is best read beside (or None).
    """

    adds: str = ""
    national: str | None = None


_HIGH = Polarity.HIGH_IS_GOOD

#: Every strengthened column of ``marts.workforce_indicators``, in the mart's column order. Polarity as
#: dbt's ``benchmark_measures()`` (caseloads and over-limit: low is good; case-holding share: high is good).
STRENGTHENED_MEASURES: tuple[StrengthenedMeasure, ...] = (
    StrengthenedMeasure(
        "case_holding_share_fte", "Share of social worker FTE holding cases", Unit.PERCENT,
        "Case holders FTE as a percentage of in-post plus agency social worker FTE.", _HIGH, "Caseloads",
        adds="The average caseload is held down by social workers who hold no cases (managers, staff in "
             "training or on leave); this shows how much of the workforce actually carries the cases.",
        national="caseload_fte"),
    StrengthenedMeasure(
        "non_case_holding_fte", "Social workers not holding cases (FTE)", Unit.FTE,
        "In-post plus agency social worker FTE at 30 September holding no cases.", group="Caseloads",
        adds="The same gap in FTE: how many social workers are counted in the workforce but hold no cases.",
        national="case_holders_fte"),
    StrengthenedMeasure(
        "caseload_median", "Median caseload (cases per case holder)", Unit.CASES_PER_CASE_HOLDER,
        "The middle caseload: half of case holders hold this many cases or fewer at 30 September.", _LOW,
        "Caseloads",
        adds="The national figure is an average only; the median is the caseload of a typical social "
             "worker and is not pulled up or down by a few very high or very low caseloads.",
        national="caseload_fte"),
    StrengthenedMeasure(
        "caseload_p90", "Caseload of the most loaded tenth (90th percentile)", Unit.CASES_PER_CASE_HOLDER,
        "The caseload that one case holder in ten holds or exceeds (the 90th percentile of cases held).", _LOW,
        "Caseloads",
        adds="An average hides the spread: this shows how heavy the caseloads of the busiest social workers "
             "are.",
        national="caseload_fte"),
    StrengthenedMeasure(
        "caseload_per_fte_median", "Median caseload per FTE", Unit.CASES_PER_FTE,
        "The median, over case holders with a known FTE, of each worker's cases divided by their FTE.", _LOW,
        "Caseloads",
        adds="Part-time social workers look lightly loaded when cases are counted per person; per FTE they "
             "are compared on the same footing as full-time colleagues.",
        national="caseload_fte"),
    StrengthenedMeasure(
        "case_holders_over_limit_pct", "Case holders above their safe caseload limit", Unit.PERCENT,
        "Case holders whose cases exceed their limit (18 in their first year after qualifying, otherwise "
        "20), as a percentage of all case holders.", _LOW, "Caseloads",
        adds="How many social workers hold more cases than the safe range, which no average can show.",
        national="caseload_fte"),
    StrengthenedMeasure(
        "nqsw_caseload_mean", "Average caseload of first-year social workers", Unit.CASES_PER_CASE_HOLDER,
        "Mean cases held by case holders in their first year after qualifying (newly qualified, started in "
        "the 12 months to 30 September).", _LOW, "Caseloads",
        adds="Whether newly qualified social workers get the protected, lower caseload they should (limit 18).",
        national="caseload_fte"),
    StrengthenedMeasure(
        "absent_at_ref_fte", "Social workers absent at 30 September (FTE)", Unit.FTE,
        "FTE of in-post social workers recorded as absent on 30 September.", group="Absence",
        adds="Absent staff are still counted as in post; this shows how much of the in-post FTE was not "
             "at work on the census date.",
        national="inpost_fte"),
    StrengthenedMeasure(
        "effective_capacity_fte", "Effective social worker capacity (FTE)", Unit.FTE,
        "In-post plus agency social worker FTE minus the FTE absent on 30 September.", group="Capacity",
        adds="The capacity that is really there to hold cases, once absence on the census date is taken out.",
        national="inpost_fte"),
    StrengthenedMeasure(
        "non_sw_fte", "Non-social-worker staff (FTE)", Unit.FTE,
        "FTE of the staff who are not social workers (family support workers, social work assistants, "
        "personal advisers, early help practitioners, business support and others), from the regional "
        "workbook.", group="Capacity",
        adds="The national figures count social workers only; the rest of the children's social care "
             "workforce is invisible in them.",
        national=None),
    StrengthenedMeasure(
        "non_sw_per_case_holder_fte", "Non-social-worker FTE per case holder FTE", Unit.FTE_PER_CASE_HOLDER_FTE,
        "Non-social-worker FTE divided by case holders FTE.", group="Capacity",
        adds="How much support staff each case-holding social worker has behind them.",
        national="case_holders_fte"),
    StrengthenedMeasure(
        "total_workforce_fte", "Children's social care workforce (FTE)", Unit.FTE,
        "In-post plus agency social worker FTE plus non-social-worker FTE.", group="Capacity",
        adds="The whole children's social care workforce, not only its social workers.",
        national="inpost_fte"),
    StrengthenedMeasure(
        "weighted_caseload", "Complexity-weighted caseload (per case holder FTE)", Unit.CASES_PER_FTE,
        "Children allocated to the teams, each weighted by how complex their case is (child in need 1, "
        "child protection 1.5, looked after 1.25, care leaver 0.75, in care proceedings 2: a regional "
        "setting), divided by the teams' case holders FTE.", _LOW, "Caseloads",
        adds="A case count treats every child alike; weighting by the kind of case shows where caseloads are "
             "heavier than their number suggests.",
        national="caseload_fte"),
    StrengthenedMeasure(
        "sw_fte_per_10k_children", "Social worker FTE per 10,000 children", Unit.FTE_PER_10K_CHILDREN,
        "In-post plus agency social worker FTE per 10,000 children aged 0 to 17 (ONS mid-year estimate).",
        group="Capacity",
        adds="LAs differ in size and demand; per 10,000 children they can be compared fairly.",
        national="inpost_fte"),
)

MEASURES.update({m.column: m for m in STRENGTHENED_MEASURES})
