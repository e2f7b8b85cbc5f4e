"""Write the time-use diary (R5) for one LA and diary period: the template LAs fill in and send
(``workforce template --diary LA_CODE DIARY_START OUT.xlsx``).

Sheets: Guidance (what to record and how, the activities and case types, every column), About (the LA and the
diary period, pre-filled; the contracted weekly hours of a full-time post), Entries (one row per worker, day,
activity and case type) and Lists (every code with what it means). Input cells are shaded and unlocked; every
other cell is locked. Each column has an input message and a check: team type, activity and case type drop-down
lists, dates within the diary period, fte above 0 and at most 1, hours above 0 and at most 16, whole numbers of
cases. The layout comes from ``validation.schemas.diary``, which the validator reads.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import xlsxwriter

from validation.schemas.diary import (
    ABOUT,
    ACTIVITIES,
    CASE_TYPES,
    CASES_COLUMNS,
    DEFAULT_CONTRACTED_HOURS,
    ENTRIES,
    ENTRY_COLUMNS,
    MAX_DIARY_DAYS,
    MAX_HOURS_PER_DAY,
)
from validation.schemas.workbook import TEAM_TYPES, census_year_of
from validation.template_parts import (
    XLSX_OPTIONS,
    GuidedSheet,
    as_date,
    date_check,
    guidance_sheet,
    header_row,
    la_name,
    list_check,
    long_date,
    number_check,
    styles,
)

__all__ = ["ACTIVITY_HELP", "CASE_TYPE_HELP", "INPUT_ROWS", "write_diary_template"]

INPUT_ROWS = 5_000  # rows of Entries with input checks (rows added below them are read too)

ACTIVITY_HELP = {
    "direct_face_to_face": "Direct work with a child or family in person (visits, sessions, meetings with them).",
    "direct_remote": "Direct work with a child or family by phone, video or message.",
    "case_recording": "Writing case notes, assessments, plans and reports on the case record.",
    "admin": "Other administration: forms, emails, finding information, IT.",
    "internal_meetings": "Meetings with colleagues in the LA (team meetings, allocation, panels).",
    "multi_agency_meetings": "Meetings with other agencies (strategy, core group, child protection conferences, "
                             "reviews).",
    "court": "Court work: hearings, preparing statements and evidence, meetings with lawyers.",
    "travel": "Travelling for work (to visits, meetings, court).",
    "supervision_reflection": "Supervision, case discussion and reflective practice.",
    "training": "Training and learning.",
    "other": "Anything else.",
}
CASE_TYPE_HELP = {
    "cin": "A child in need (not on a plan, not looked after).",
    "cp": "A child on a child protection plan.",
    "cla": "A child looked after.",
    "care_leaver": "A care leaver.",
    "proceedings": "A child in care proceedings (court work for them).",
    "none": "Time not for one case (team meetings, training, general admin).",
}
ENTRY_HELP = {
    "worker_ref": "Your own reference for the worker, the same on every row (a pseudonym, or their SWE number). "
                  "Never a name. It is replaced by a keyed code as the file arrives.",
    "team_type": "The worker's team type (the Teams list of the regional workforce return).",
    "fte": "The worker's contracted FTE (1 full time, 0.6 three days a week).",
    "first_year": "1 if the worker is in their first year after qualifying (ASYE), else 0.",
    "date": "The day the time was spent: within the diary period.",
    "activity": "What the time was spent on (see the Lists sheet).",
    "case_type": "The kind of case the time was for; none for time not for one case.",
    "hours": f"Hours spent, in hours and decimals (1.5 is an hour and a half); at most {MAX_HOURS_PER_DAY:g} in a day.",
    "cases_cin": "Optional: children in need the worker held that day (one row per worker and day is enough).",
    "cases_cp": "Optional: children on a child protection plan the worker held that day.",
    "cases_cla": "Optional: children looked after the worker held that day.",
    "cases_care_leaver": "Optional: care leavers the worker held that day.",
    "cases_proceedings": "Optional: children in care proceedings the worker held that day.",
}


def write_diary_template(path: str | Path, old_la_code: str, diary_start: date | str, *,
                         diary_end: date | str | None = None) -> Path:
    """Write the R5 diary for one LA from ``diary_start`` (a date or ISO text) to ``diary_end`` (default: four
    weeks, ``diary_start`` + 27 days); returns the path. ValueError (with a message for the user) for a period
    longer than 4 weeks or ending before it starts, or an LA that was not an English LA then."""
    path = Path(path)
    start = as_date(diary_start, "diary_start")
    end = as_date(diary_end, "diary_end") if diary_end is not None else start + timedelta(days=MAX_DIARY_DAYS - 1)
    if end < start:
        raise ValueError(f"diary_end {end} is before diary_start {start}")
    if (end - start).days + 1 > MAX_DIARY_DAYS:
        raise ValueError(f"the diary from {start} to {end} is longer than 4 weeks ({MAX_DIARY_DAYS} days)")
    name = la_name(old_la_code, census_year_of(end))
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), XLSX_OPTIONS)
    try:
        style = styles(book)
        book.set_properties({"title": f"Time-use diary: {name} ({old_la_code}), {long_date(start)} to "
                                      f"{long_date(end)}",
                             "subject": "Social workers' time use (R5)", "author": "Regional workforce"})
        _guidance(book, style, old_la_code, name, start, end)
        _about(book, style, old_la_code, name, start, end)
        _entries(book, style, start, end)
        _lists(book, style)
    finally:
        book.close()
    return path


def _guidance(book, style, code: str, name: str, start: date, end: date) -> None:
    lines = [
        ("title", f"Time-use diary: {name} ({code})"),
        ("text", f"The diary runs from {long_date(start)} to {long_date(end)}. Each social worker taking part "
                 "records how they spend their working time, day by day: one row in Entries per worker, day, "
                 "activity and case type, with the hours. Record all the time worked, including time beyond "
                 "contracted hours: the diary shows where the hours go, not whether they were paid."),
        ("heading", "How to record"),
        ("text", "Use the same worker_ref for a worker on every row (a pseudonym or their SWE number, never a "
                 "name). Hours are decimals (quarter hours are fine: 0.25, 1.75). Give the worker's caseload by "
                 "type once a day (cases_cin ... cases_proceedings) on any one of that day's rows if you can: "
                 "it turns the hours into hours per case."),
        ("heading", "What is checked"),
        ("text", f"Errors (the row is not loaded until corrected): a required cell missing; hours that are not a "
                 f"number above 0; an activity, case type or team type not in the list; a date outside the diary "
                 f"period; more than {MAX_HOURS_PER_DAY:g} hours for one worker on one day (every row of that day)."),
        ("text", "Reported, not errors: a worker's week above 1.25 times their contracted hours (unpaid "
                 "overtime: kept); a worker with fewer than 3 diary days; a worker's team type or FTE that "
                 "changes between rows."),
        ("heading", "Sending it"),
        ("text", "Save the workbook as .xlsx without a password (or export Entries with the About columns on "
                 "every row as CSV UTF-8) and send it to the regional workforce data team. You will get a "
                 "validation report back; a corrected diary sent later replaces this one."),
    ]
    about_help = {
        "old_la_code": "Your 3-digit DfE LA code. Pre-filled: do not change.",
        "la_name": "Your LA's name. Pre-filled: do not change.",
        "diary_start": "The first day of the diary. Pre-filled.",
        "diary_end": "The last day of the diary (at most 4 weeks after the start). Pre-filled.",
        "contracted_hours_per_fte": f"The contracted weekly hours of a full-time post (blank: "
                                    f"{DEFAULT_CONTRACTED_HOURS:g}).",
    }
    sheets = [GuidedSheet("About", "Who the diary is from and its period.", [(c, about_help[c]) for c in
                                                                             ABOUT.columns]),
              GuidedSheet("Entries", "One row per worker, day, activity and case type.",
                          [(c.name, ENTRY_HELP[c.name] + (" Required." if c.required else ""))
                           for c in ENTRY_COLUMNS])]
    guidance_sheet(book, style, lines, sheets)


def _about(book, style, code: str, name: str, start: date, end: date) -> None:
    sheet = book.add_worksheet("About")
    header_row(sheet, style, list(ABOUT.columns), min_width=14)
    sheet.write_string(1, 0, code, style["locked"])
    sheet.write_string(1, 1, name, style["locked"])
    sheet.write_datetime(1, 2, datetime(start.year, start.month, start.day), style["locked_date"])
    sheet.write_datetime(1, 3, datetime(end.year, end.month, end.day), style["locked_date"])
    sheet.write_number(1, 4, DEFAULT_CONTRACTED_HOURS, style["fte"])
    sheet.data_validation(1, 4, 1, 4, number_check("contracted_hours_per_fte", "The contracted weekly hours of a "
                                                   "full-time post.", minimum=1, maximum=60))
    sheet.set_column(1, 1, max(24, len(name) + 4))
    sheet.set_column(2, 3, 18)
    sheet.freeze_panes(1, 0)
    sheet.protect("", {"format_columns": True, "format_rows": True})


def _entries(book, style, start: date, end: date) -> None:
    sheet = book.add_worksheet(ENTRIES.name)
    text = book.add_format({"border": 1, "bg_color": "#FFF7BF", "locked": False, "num_format": "@"})
    lists = {"team_type": TEAM_TYPES, "activity": ACTIVITIES, "case_type": CASE_TYPES}
    for index, column in enumerate(ENTRY_COLUMNS):
        help_text = ENTRY_HELP[column.name]
        if column.kind == "code":
            check, cell_style = list_check(column.name, lists[column.name], help_text), style["entry"]
        elif column.kind == "flag":
            check, cell_style = list_check(column.name, ("0", "1"), help_text), style["whole"]
        elif column.kind == "date":
            check, cell_style = date_check(column.name, help_text, start, end), style["date"]
        elif column.name == "hours":
            check = number_check("hours", help_text, minimum=0, above=True, maximum=MAX_HOURS_PER_DAY)
            check["criteria"] = "between"
            check["minimum"] = 0.01
            cell_style = style["fte"]
        elif column.name == "fte":
            check = number_check("fte", help_text, minimum=0.01, maximum=1)
            cell_style = style["fte"]
        elif column.name in CASES_COLUMNS:
            check, cell_style = number_check(column.name, help_text, whole=True), style["whole"]
        else:  # worker_ref: text as typed
            check, cell_style = None, text
        sheet.set_column(index, index, max(14, len(column.name) + 2), cell_style)
        sheet.write_string(0, index, column.name, style["header"])
        if check is not None:
            sheet.data_validation(1, index, INPUT_ROWS, index, check)
    sheet.set_row(0, 30, style["header"])
    sheet.freeze_panes(1, 1)
    sheet.protect("", {"format_columns": True, "format_rows": True})


def _lists(book, style) -> None:
    sheet = book.add_worksheet("Lists")
    header_row(sheet, style, ["list", "code", "meaning"])
    row = 1
    for name, codes in (("activity", ACTIVITY_HELP), ("case_type", CASE_TYPE_HELP),
                        ("team_type", {t: t.replace("_", " ") for t in TEAM_TYPES})):
        for code, meaning in codes.items():
            sheet.write_row(row, 0, [name, code, meaning], style["text"])
            row += 1
    sheet.set_column(2, 2, 90)
    sheet.protect("", {"format_columns": True, "format_rows": True})
