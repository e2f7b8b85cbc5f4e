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

from reference.geography import latest_year, local_authorities
from validation.schemas.workbook import (
    ABOUT,
    NON_SW,
    QUARTER_ENDS,
    SUMMARY,
    TEAMS,
    WHOLE_NUMBER_COLUMNS,
    SheetLayout,
    census_year_of,
)

COLUMN_HELP: dict[str, dict[str, str]] = {
    "About": {
        "old_la_code": "Your 3-digit DfE LA code. Pre-filled: do not change.",
        "la_name": "Your LA's name. Pre-filled: do not change.",
        "period_end": "The last day of the period: 30 September for the annual return; for a quarterly return "
                      "the quarter end (31 December, 31 March, 30 June).",
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
    "About": "Who the return is from and the period it covers. Only period_end can be changed.",
    "Summary": "The LA's social work totals, one row. Fill it in only for a quarterly return, or for a year in "
               "which you do not send the CSWW census XML: where both are sent, the CSWW census XML wins and "
               "the difference is reported back to you.",
    "Teams": "Social workers and the children they work with, by team type: one row per team type. Leave a "
             "team type's row empty if you have no such team.",
    "NonSW": "Staff who are not social workers but support children's social work, by role: one row per role.",
}


def la_name(old_la_code: str, census_year: int) -> str:
    """The LA's name in the reference seed for that year; ValueError if it was not an English LA then.

    The seed's latest year is the latest published, not an end: an LA still current then is current after it.
    """
    rows = [la for la in local_authorities() if la.old_la_code == old_la_code]
    if not rows:
        raise ValueError(f"{old_la_code!r} is not a known English LA code")
    latest_in_seed = latest_year()
    for la in rows:
        if la.first_year <= census_year and (census_year <= la.last_year or la.last_year == latest_in_seed):
            return la.la_name
    spans = ", ".join(f"{la.first_year}-{la.last_year}" for la in rows)
    raise ValueError(f"LA {old_la_code} ({rows[0].la_name}) has no return for {census_year} (it exists {spans})")


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
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    try:
        styles = _styles(book)
        book.set_properties({"title": f"Regional workforce return: {name} ({old_la_code}), {census_year}",
                             "subject": "Children's social work workforce (R2)", "author": "Regional workforce"})
        _guidance(book, styles, old_la_code, name, census_year, period_end)
        _about(book, styles, old_la_code, name, census_year, period_end)
        _data_sheet(book, styles, SUMMARY, rows=[None])
        _data_sheet(book, styles, TEAMS, rows=list(TEAMS.keys))
        _data_sheet(book, styles, NON_SW, rows=list(NON_SW.keys))
    finally:
        book.close()
    return path


def _styles(book: xlsxwriter.Workbook) -> dict:
    header = {"bold": True, "font_color": "#FFFFFF", "bg_color": "#1D70B8", "border": 1, "text_wrap": True,
              "valign": "top"}
    locked_text = {"border": 1, "bg_color": "#F3F2F1", "locked": True}
    entry = {"border": 1, "bg_color": "#FFF7BF", "locked": False}
    return {
        "header": book.add_format(header),
        "title": book.add_format({"bold": True, "font_size": 14}),
        "heading": book.add_format({"bold": True, "font_size": 12}),
        "text": book.add_format({"text_wrap": True, "valign": "top"}),
        "bold": book.add_format({"bold": True, "valign": "top"}),
        "locked": book.add_format(locked_text),
        "fte": book.add_format({**entry, "num_format": "0.00"}),
        "whole": book.add_format({**entry, "num_format": "0"}),
        "date": book.add_format({**entry, "num_format": "d mmmm yyyy"}),
    }


def _guidance(book, styles, code: str, name: str, year: int, period_end: date) -> None:
    sheet = book.add_worksheet("Guidance")
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 28)
    sheet.set_column(2, 2, 100)
    kind = "annual" if (period_end.month, period_end.day) == (9, 30) else "quarterly"
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
    row = 0
    for style, text in lines:
        if style == "heading":
            row += 1
        if style == "text":
            sheet.merge_range(row, 0, row, 2, text, styles[style])
            sheet.set_row(row, 15 * (1 + len(text) // 130))
        else:
            sheet.write_string(row, 0, text, styles[style])
        row += 1
    row += 1
    sheet.write_string(row, 0, "The sheets and their columns", styles["heading"])
    row += 1
    for column, title in enumerate(("sheet", "column", "what it holds")):
        sheet.write_string(row, column, title, styles["header"])
    row += 1
    for layout in (ABOUT, SUMMARY, TEAMS, NON_SW):
        sheet.write_string(row, 0, layout.name, styles["bold"])
        sheet.write_string(row, 1, "(the sheet)", styles["bold"])
        sheet.write_string(row, 2, SHEET_HELP[layout.name], styles["text"])
        row += 1
        for column in layout.columns:
            sheet.write_string(row, 0, layout.name, styles["text"])
            sheet.write_string(row, 1, column, styles["text"])
            help_text = COLUMN_HELP[layout.name][column]
            if layout.key == column:
                help_text += " Allowed: " + ", ".join(layout.keys) + "."
            sheet.write_string(row, 2, help_text, styles["text"])
            row += 1
    sheet.protect("", {"format_columns": True, "format_rows": True})
    sheet.activate()


def _about(book, styles, code: str, name: str, year: int, period_end: date) -> None:
    sheet = book.add_worksheet("About")
    for column, title in enumerate(ABOUT.columns):
        sheet.write_string(0, column, title, styles["header"])
    sheet.write_string(1, 0, code, styles["locked"])
    sheet.write_string(1, 1, name, styles["locked"])
    sheet.write_datetime(1, 2, datetime(period_end.year, period_end.month, period_end.day), styles["date"])
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
    sheet.set_row(0, 30)
    sheet.freeze_panes(1, 0)
    sheet.protect("", {"format_columns": True, "format_rows": True})


def _data_sheet(book, styles, layout: SheetLayout, rows: list[str | None]) -> None:
    sheet = book.add_worksheet(layout.name)
    columns = list(layout.columns)
    for index, column in enumerate(columns):
        sheet.write_string(0, index, column, styles["header"])
        sheet.set_column(index, index, max(12, len(column) + 2))
    sheet.set_row(0, 30)
    first, last = 1, len(rows)
    for offset, key in enumerate(rows):
        row = first + offset
        for index, column in enumerate(columns):
            if column == layout.key:
                sheet.write_string(row, index, key, styles["locked"])
            else:
                sheet.write_blank(row, index, None, styles["whole" if column in WHOLE_NUMBER_COLUMNS else "fte"])
    for index, column in enumerate(columns):
        help_text = COLUMN_HELP[layout.name][column]
        if column == layout.key:
            options = {"validate": "list", "source": list(layout.keys),
                       "error_title": f"Not a {column.replace('_', ' ')}",
                       "error_message": "Pick one from the list; use 'other' for anything else."}
        elif column in WHOLE_NUMBER_COLUMNS:
            options = {"validate": "integer", "criteria": ">=", "value": 0,
                       "error_title": "A whole number, 0 or more",
                       "error_message": f"{column} is a count: enter a whole number, 0 or more, or leave it empty."}
        else:
            options = {"validate": "decimal", "criteria": ">=", "value": 0,
                       "error_title": "A number, 0 or more",
                       "error_message": f"{column} is an FTE or days: enter a number, 0 or more, or leave it empty."}
        options.update({"input_title": column[:32], "input_message": help_text[:255], "error_type": "stop"})
        sheet.data_validation(first, index, last, index, options)
    sheet.freeze_panes(1, 1 if layout.key else 0)
    sheet.protect("", {"format_columns": True, "format_rows": True})
