"""Write the regional workforce workbook (R2) for one LA and census year: the template LAs fill in and send.

Sheets: Guidance (what every sheet and column means), About (the LA and period, pre-filled), Summary,
Teams and NonSW (one row per team type or role, names pre-filled). Input cells are shaded and unlocked;
every other cell is locked (sheet protection without a password, so it guards against slips, not people).
Figures have data validation (decimal or whole number, 0 or more) with an input message; team types and
roles are drop-down lists. The layout comes from ``validation.schemas.workbook``, which the validator reads,
so what the template writes is exactly what the validator expects.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import xlsxwriter

from validation.schemas.workbook import (
    ABOUT,
    NON_SW,
    QUARTER_ENDS,
    RETURN_TYPES,
    SUMMARY,
    TEAMS,
    WHOLE_NUMBER_COLUMNS,
    SheetLayout,
    census_year_of,
)
from validation.template_parts import (
    XLSX_OPTIONS,
    GuidedSheet,
    guidance_sheet,
    header_row,
    la_name,
    list_check,
    number_check,
    styles,
)

__all__ = ["COLUMN_HELP", "SHEET_HELP", "la_name", "write_template"]

COLUMN_HELP: dict[str, dict[str, str]] = {
    "About": {
        "old_la_code": "Your 3-digit DfE LA code. Pre-filled: do not change.",
        "la_name": "Your LA's name. Pre-filled: do not change.",
        "period_end": "The last day of the period: 30 September for the annual return; for a quarterly return "
                      "the quarter end (31 December, 31 March, 30 June, or 30 September for the fourth quarter).",
        "return_type": "annual or quarterly. Blank: annual when period_end is 30 September, quarterly for any "
                       "other quarter end. A quarterly return for the quarter ending 30 September says quarterly.",
    },
    "Summary": {
        "inpost_fte": "Children's social workers employed by the LA (not agency) in post at period_end. FTE.",
        "inpost_headcount": "The same social workers: number of people. Headcount.",
        "starters_fte": "Social workers (not agency) who started in the period. FTE when they started.",
        "starters_headcount": "The same starters: number of people. Headcount.",
        "leavers_fte": "Social workers (not agency) who left in the period. FTE when they left.",
        "leavers_headcount": "The same leavers: number of people. Headcount.",
        "agency_fte": "Agency social workers working for the LA at period_end. FTE.",
        "agency_headcount": "The same agency workers: number of people. Headcount.",
        "agency_cover_fte": "FTE of agency social workers covering vacant posts at period_end. FTE.",
        "vacancy_fte": "Vacant social worker posts at period_end. FTE.",
        "case_holders_fte": "Social workers holding cases at period_end, agency included. FTE.",
        "cases": "Cases held by those case holders at period_end. Number of cases.",
        "working_days_lost_fte": "Working days lost to sickness absence in the period by social workers in "
                                 "post or who left, each day weighted by the worker's FTE. Days.",
    },
    "Teams": {
        "team_type": "The team type. Pre-filled: one row each; use 'other' for teams of any other kind.",
        "case_holders_fte": "Case-holding social workers in these teams at period_end, agency included. FTE.",
        "nqsw_case_holders_fte": "Of those, newly qualified social workers in their first year (ASYE). FTE.",
        "children_allocated": "Children allocated to a social worker in these teams at period_end. Children.",
        "children_cin": "Of those, children in need (not on a plan, not looked after). Children.",
        "children_cp": "Of those, children on a child protection plan. Children.",
        "children_cla": "Of those, children looked after. Children.",
        "children_care_leavers": "Care leavers supported by these teams at period_end. Young people.",
        "children_in_proceedings": "Children subject to care proceedings at period_end. Children.",
        "vacancy_fte": "Vacant social worker posts in these teams at period_end. FTE.",
        "agency_fte": "Agency social workers in these teams at period_end. FTE.",
    },
    "NonSW": {
        "role": "The role. Pre-filled: one row each; use 'other' for any other role supporting social work.",
        "headcount": "Staff in this role employed by the LA at period_end: number of people. Headcount.",
        "fte": "The same staff. FTE.",
        "agency_fte": "Agency staff in this role at period_end. FTE.",
        "vacancy_fte": "Vacant posts in this role at period_end. FTE.",
        "leavers_fte": "Staff in this role who left in the period. FTE when they left.",
        "working_days_lost_fte": "Working days lost to sickness absence in the period, each day weighted by "
                                 "FTE. Days.",
    },
}
SHEET_HELP = {
    "About": "Who the return is from and the period it covers. Only period_end and return_type can be changed.",
    "Summary": "The LA's social work totals, one row. Fill it in only for a quarterly return, or for a year in "
               "which you do not send the CSWW census XML: where both are sent, the CSWW census XML wins and "
               "the difference is reported back to you.",
    "Teams": "Social workers and the children they work with, by team type: one row per team type. Leave a "
             "team type's row empty if you have no such team.",
    "NonSW": "Staff who are not social workers but support children's social work, by role: one row per role.",
}


def write_template(path: str | Path, old_la_code: str, census_year: int, *,
                   quarterly_period_end: date | None = None) -> Path:
    """Write the R2 workbook for one LA and census year; ``quarterly_period_end`` makes it a quarterly return."""
    path = Path(path)
    name = la_name(old_la_code, census_year)
    period_end = date(census_year, 9, 30)
    if quarterly_period_end is not None:
        if (quarterly_period_end.month, quarterly_period_end.day) not in QUARTER_ENDS:
            raise ValueError(f"{quarterly_period_end} is not a quarter end (31 Mar, 30 Jun, 30 Sep, 31 Dec)")
        if census_year_of(quarterly_period_end) != census_year:
            raise ValueError(f"{quarterly_period_end} is not in census year {census_year} "
                             f"(1 October {census_year - 1} to 30 September {census_year})")
        period_end = quarterly_period_end
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), XLSX_OPTIONS)
    kind = "annual" if quarterly_period_end is None else "quarterly"
    try:
        style = styles(book)
        book.set_properties({"title": f"Regional workforce return: {name} ({old_la_code}), {census_year}",
                             "subject": "Children's social work workforce (R2)", "author": "Regional workforce"})
        _guidance(book, style, old_la_code, name, census_year, period_end, kind)
        _about(book, style, old_la_code, name, census_year, period_end, kind)
        _data_sheet(book, style, SUMMARY, rows=[None])
        _data_sheet(book, style, TEAMS, rows=list(TEAMS.keys))
        _data_sheet(book, style, NON_SW, rows=list(NON_SW.keys))
    finally:
        book.close()
    return path


def _guidance(book, style, code: str, name: str, year: int, period_end: date, kind: str) -> None:
    lines = [
        ("title", f"Regional children's social work workforce return: {name} ({code})"),
        ("text", f"Census year {year}: 1 October {year - 1} to 30 September {year}. This workbook is for the "
                 f"{kind} return with period end {period_end:%d %B %Y}."),
        ("heading", "Dates"),
        ("text", f"The reference date is 30 September {year} for the annual return (the period end for a "
                 "quarterly return). Stocks (staff in post, agency staff, vacancies, cases, children) are counted "
                 "at the period end. Flows (starters, leavers, working days lost) cover the period: the census "
                 "year for the annual return, the quarter for a quarterly return."),
        ("heading", "Units"),
        ("text", "FTE (full-time equivalent): a full-time post is 1.00, three days a week is 0.60; up to two "
                 "decimals. Headcount: the number of people, a whole number; each person counts once, and never "
                 "more than 1 FTE, so an FTE is never larger than its headcount. Cases and children are whole "
                 "numbers. Working days lost are days, each weighted by the worker's FTE."),
        ("text", "Leave a cell empty when the figure is not known; enter 0 when there are none. Type numbers "
                 "only (no text such as n/a, no units). Formulas are not run: the value Excel shows is used."),
        ("heading", "The CSWW census and this workbook"),
        ("text", "Where you send the DfE CSWW census XML for the year, leave Summary empty: the census holds "
                 "those figures. Where both are sent for one LA and year, the CSWW census XML wins and the "
                 "difference is reported back to you. Teams and NonSW hold what the census does not."),
        ("heading", "Sending it"),
        ("text", "Save the workbook as .xlsx (Excel Workbook), without a password, and send it to the regional "
                 "workforce data team who sent you this template, by the date they set. Do not rename or delete "
                 "sheets or columns. You will get a validation report back listing anything to correct; a "
                 "corrected workbook sent later replaces this one."),
    ]
    sheets = [GuidedSheet(layout.name, SHEET_HELP[layout.name],
                          [(column, COLUMN_HELP[layout.name][column]
                            + (" Allowed: " + ", ".join(layout.keys) + "." if layout.key == column else ""))
                           for column in layout.columns])
              for layout in (ABOUT, SUMMARY, TEAMS, NON_SW)]
    guidance_sheet(book, style, lines, sheets)


def _about(book, style, code: str, name: str, year: int, period_end: date, kind: str) -> None:
    sheet = book.add_worksheet("About")
    for column, title in enumerate(ABOUT.columns):
        sheet.write_string(0, column, title, style["header"])
    sheet.write_string(1, 0, code, style["locked"])
    sheet.write_string(1, 1, name, style["locked"])
    sheet.write_datetime(1, 2, datetime(period_end.year, period_end.month, period_end.day), style["date"])
    # the annual template leaves return_type blank (30 September is annual, another quarter end quarterly), so
    # an LA that changes period_end sends a quarterly return without more ado; a quarterly template says so
    if kind == "quarterly":
        sheet.write_string(1, 3, "quarterly", style["entry"])
    else:
        sheet.write_blank(1, 3, None, style["entry"])
    sheet.data_validation(1, 3, 1, 3, list_check("return_type", RETURN_TYPES, COLUMN_HELP["About"]["return_type"]))
    sheet.data_validation(1, 2, 1, 2, {
        "validate": "date", "criteria": "between",
        "minimum": datetime(year - 1, 10, 1), "maximum": datetime(year, 9, 30),
        "input_title": "period_end",
        "input_message": f"30 September {year} for the annual return; for a quarterly return the quarter end "
                         f"(31 Dec {year - 1}, 31 Mar {year}, 30 Jun {year}).",
        "error_title": "Not a date in the census year",
        "error_message": f"Enter a date from 1 October {year - 1} to 30 September {year}.",
    })
    sheet.set_column(0, 0, 14)
    sheet.set_column(1, 1, max(24, len(name) + 4))
    sheet.set_column(2, 2, 20)
    sheet.set_column(3, 3, 14)
    sheet.set_row(0, 30)
    sheet.freeze_panes(1, 0)
    sheet.protect("", {"format_columns": True, "format_rows": True})


def _data_sheet(book, style, layout: SheetLayout, rows: list[str | None]) -> None:
    sheet = book.add_worksheet(layout.name)
    columns = list(layout.columns)
    header_row(sheet, style, columns)
    first, last = 1, len(rows)
    for offset, key in enumerate(rows):
        row = first + offset
        for index, column in enumerate(columns):
            if column == layout.key:
                sheet.write_string(row, index, key, style["locked"])
            else:
                sheet.write_blank(row, index, None, style["whole" if column in WHOLE_NUMBER_COLUMNS else "fte"])
    for index, column in enumerate(columns):
        help_text = COLUMN_HELP[layout.name][column]
        if column == layout.key:
            options = list_check(column, layout.keys, help_text)
            options["error_message"] = "Pick one from the list; use 'other' for anything else."
        else:
            options = number_check(column, help_text, whole=column in WHOLE_NUMBER_COLUMNS)
        sheet.data_validation(first, index, last, index, options)
    sheet.freeze_panes(1, 1 if layout.key else 0)
    sheet.protect("", {"format_columns": True, "format_rows": True})
