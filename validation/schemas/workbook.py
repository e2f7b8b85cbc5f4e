"""The regional workforce workbook (R2): its layout and the pandera schemas for its rows, as sent.

The layout (sheet names, column names, team types, roles) is defined here once; the reader, the validator
and the template all use it. The schemas check each cell as it was sent (a number, a number stored as text,
text, a date...) and say which rule a failure breaks:

- RWR011: not a number, or not a whole number where one is required (headcounts, cases, child counts);
- RWR010: a negative number;
- RWR013: a team type or role missing or not in the list.

Empty cells pass: a figure may be left blank (unknown). Cross-row and cross-column rules (FTE larger than
headcount, duplicates) are in ``validation.workbook``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd
import pandera.pandas as pa

ABOUT_COLUMNS = ("old_la_code", "la_name", "period_end")
SUMMARY_COLUMNS = (
    "inpost_fte", "inpost_headcount", "starters_fte", "starters_headcount", "leavers_fte", "leavers_headcount",
    "agency_fte", "agency_headcount", "agency_cover_fte", "vacancy_fte", "case_holders_fte", "cases",
    "working_days_lost_fte",
)
TEAM_COLUMNS = (
    "case_holders_fte", "nqsw_case_holders_fte", "children_allocated", "children_cin", "children_cp",
    "children_cla", "children_care_leavers", "children_in_proceedings", "vacancy_fte", "agency_fte",
)
NON_SW_COLUMNS = ("headcount", "fte", "agency_fte", "vacancy_fte", "leavers_fte", "working_days_lost_fte")

TEAM_TYPES = ("front_door", "assessment", "long_term", "children_in_care", "care_leavers", "disabled_children",
              "other")
NON_SW_ROLES = ("family_support_worker", "social_work_assistant", "personal_adviser", "early_help_practitioner",
                "business_support", "other")


@dataclass(frozen=True)
class SheetLayout:
    name: str  # the sheet's name in the template
    table: str | None  # raw table its rows load into (pipeline/warehouse.py RAW_TABLES)
    key: str | None  # the column naming the row (team type, role), if any
    keys: tuple[str, ...]  # the allowed names in the key column
    values: tuple[str, ...]  # the figures
    optional: tuple[str, ...] = ()  # columns read where present, never reported missing (added since the first
    # release: a file written before them is still clean)

    @property
    def columns(self) -> tuple[str, ...]:
        return ((self.key,) if self.key else ()) + self.values + self.optional

    @property
    def expected(self) -> tuple[str, ...]:
        """The columns a file of this layout should have (a missing one is reported)."""
        return ((self.key,) if self.key else ()) + self.values


#: About.return_type: 'annual' or 'quarterly'; blank: annual when period_end is 30 September, else quarterly.
RETURN_TYPES = ("annual", "quarterly")
ABOUT = SheetLayout("About", None, None, (), ABOUT_COLUMNS, optional=("return_type",))
SUMMARY = SheetLayout("Summary", "workbook_summary", None, (), SUMMARY_COLUMNS)
TEAMS = SheetLayout("Teams", "workbook_teams", "team_type", TEAM_TYPES, TEAM_COLUMNS)
NON_SW = SheetLayout("NonSW", "workbook_non_sw", "role", NON_SW_ROLES, NON_SW_COLUMNS)
DATA_SHEETS = (SUMMARY, TEAMS, NON_SW)
SHEETS = (ABOUT, *DATA_SHEETS)
# Sheets the template carries that hold nothing to read.
INFORMATION_SHEETS = ("Guidance",)

# Counts of people, cases or children: whole numbers. Every other figure is an FTE or days (decimal).
WHOLE_NUMBER_COLUMNS = frozenset({
    "inpost_headcount", "starters_headcount", "leavers_headcount", "agency_headcount", "cases", "headcount",
    "children_allocated", "children_cin", "children_cp", "children_cla", "children_care_leavers",
    "children_in_proceedings",
})
# (FTE, headcount) pairs: FTE can never exceed the headcount it belongs to (RWR012).
FTE_HEADCOUNT_PAIRS = {
    "Summary": (("inpost_fte", "inpost_headcount"), ("starters_fte", "starters_headcount"),
                ("leavers_fte", "leavers_headcount"), ("agency_fte", "agency_headcount")),
    "NonSW": (("fte", "headcount"),),
}
# (part, whole) pairs within a row: the part can never exceed the whole (RWR012).
PART_WHOLE_PAIRS = {"Teams": (("nqsw_case_holders_fte", "case_holders_fte"),)}

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and math.isnan(value))


def as_number(value: object) -> float | None:
    """The number a cell holds: a numeric cell, or text that is a plain number (" 12.5 "); else None."""
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, int | float):
            number = float(value)
        elif isinstance(value, str) and len(value) <= 100 and _NUMBER.fullmatch(value.strip()):
            number = float(value.strip())
        else:
            return None
    except OverflowError:  # an integer too large for a float
        return None
    return number if math.isfinite(number) else None


QUARTER_ENDS = {(3, 31), (6, 30), (9, 30), (12, 31)}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d %H:%M:%S")
EXCEL_EPOCH = date(1899, 12, 30)


def census_year_of(day: date) -> int:
    """The census year containing a date: 1 October Y-1 to 30 September Y is year Y."""
    return day.year + 1 if day.month >= 10 else day.year


def la_code_of(value: object) -> str | None:
    """About old_la_code as sent ("840", 840, 840.0) as the code's text."""
    if is_empty(value):
        return None
    number = as_number(value)
    if number is not None and number.is_integer() and not isinstance(value, str):
        return str(int(number))  # typed as a number
    return str(value).strip()


def date_of(value: object) -> date | None:
    """About period_end as sent: a date cell, a date written as text, or an Excel date serial (2000-2099)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        for pattern in DATE_FORMATS:
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        return None
    number = as_number(value)
    if number is not None and number.is_integer() and 36526 <= number <= 73050:
        return EXCEL_EPOCH + timedelta(days=int(number))
    return None


def canonical_name(value: object) -> str | None:
    """A team type or role as written ("Front door", " front-door ") in the list's spelling (front_door)."""
    if not isinstance(value, str):
        return None
    return re.sub(r"[\s\-]+", "_", value.strip().lower()) or None


@dataclass(frozen=True)
class CellCheck:
    code: str
    expected: str  # completes "should be ..."
    test: object  # value -> bool, never called with an empty value


def _is_number(value: object) -> bool:
    return as_number(value) is not None


def _is_whole(value: object) -> bool:
    number = as_number(value)
    return number is None or number == math.floor(number)


def _not_negative(value: object) -> bool:
    number = as_number(value)
    return number is None or number >= 0


def _checks_for(column: str) -> list[CellCheck]:
    whole = column in WHOLE_NUMBER_COLUMNS
    expected = "a whole number, 0 or more" if whole else "a number, 0 or more"
    checks = [CellCheck("RWR011", expected, _is_number)]
    if whole:
        checks.append(CellCheck("RWR011", expected, _is_whole))
    checks.append(CellCheck("RWR010", expected, _not_negative))
    return checks


def _name_check(layout: SheetLayout) -> CellCheck:
    allowed = set(layout.keys)
    return CellCheck("RWR013", f"one of {', '.join(layout.keys)}", lambda v: canonical_name(v) in allowed)


def _pandera_check(cell: CellCheck, required: bool) -> pa.Check:
    def check(series: pd.Series) -> pd.Series:
        return series.map(lambda v: (not required) if is_empty(v) else bool(cell.test(v))).astype(bool)

    return pa.Check(check, name=cell.code, error=cell.expected, ignore_na=False)


@dataclass(frozen=True)
class SheetSchema:
    layout: SheetLayout
    schema: pa.DataFrameSchema
    checks: dict[str, list[CellCheck]]  # column -> the checks, in the schema's order


def _sheet_schema(layout: SheetLayout) -> SheetSchema:
    checks = {column: _checks_for(column) for column in layout.values}
    if layout.key:
        checks = {layout.key: [_name_check(layout)], **checks}
    columns = {
        column: pa.Column(nullable=True, required=False,
                          checks=[_pandera_check(c, required=column == layout.key) for c in cell_checks])
        for column, cell_checks in checks.items()
    }
    return SheetSchema(layout, pa.DataFrameSchema(columns, name=f"R2 workbook {layout.name} row"), checks)


SUMMARY_SCHEMA = _sheet_schema(SUMMARY)
TEAMS_SCHEMA = _sheet_schema(TEAMS)
NON_SW_SCHEMA = _sheet_schema(NON_SW)
SCHEMAS = {s.layout.name: s for s in (SUMMARY_SCHEMA, TEAMS_SCHEMA, NON_SW_SCHEMA)}


@dataclass(frozen=True)
class Failure:
    index: object  # the frame's row label
    column: str
    value: object  # the value as sent
    code: str  # RWR010 | RWR011 | RWR013
    expected: str


def failures(sheet: SheetSchema, frame: pd.DataFrame) -> list[Failure]:
    """Run a sheet's schema lazily on an object frame of values as sent; one Failure per failing cell.

    A cell breaking several checks is reported once, for the first (RWR011 type before RWR010 sign).
    """
    try:
        sheet.schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        first: dict[tuple[object, str], int] = {}
        for case in errors.failure_cases.itertuples(index=False):
            if case.column not in sheet.checks or pd.isna(case.check_number):
                raise  # a schema-level failure: a bug here, not a problem with the file
            key = (case.index, case.column)
            first[key] = min(first.get(key, int(case.check_number)), int(case.check_number))
        found = []
        for (index, column), number in first.items():
            cell = sheet.checks[column][number]
            found.append(Failure(index, column, frame.at[index, column], cell.code, cell.expected))
        order = list(sheet.checks)
        return sorted(found, key=lambda f: (f.index, order.index(f.column)))
    return []
