"""Write the quarterly agency return (R4) for one LA and quarter: the template LAs fill in and send
(``workforce template --agency LA_CODE QUARTER_END OUT.xlsx``).

Sheets: Guidance (what the return is, the quarter, the region's price caps in force in it, every column),
About (the LA and quarter, pre-filled; the agency spend of each month), Assignments (one row per agency
assignment active at any time in the quarter) and Lists (the codes of the drop-down lists). Input cells are
shaded and unlocked; every other cell is locked. Each column has an input message and a check: role and team
type drop-down lists, 0/1 flags, rates in pounds above 0, dates within reach of the quarter, whole numbers for
references and notice. The layout comes from ``validation.schemas.agency``, which the validator reads, so a
filled template validates as the LA filled it.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import xlsxwriter

from validation.agency import quarter_start
from validation.price_caps import PriceCaps, default_caps
from validation.schemas.agency import ABOUT, ASSIGNMENT_COLUMNS, ASSIGNMENTS, ROLE_TYPES, SPEND_COLUMNS
from validation.schemas.workbook import QUARTER_ENDS, TEAM_TYPES, census_year_of
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

__all__ = ["ASSIGNMENT_HELP", "INPUT_ROWS", "write_agency_template"]

INPUT_ROWS = 500  # rows of Assignments with input checks (an LA with more adds rows below: they are read too)

ROLE_HELP = {
    "social_worker": "Social worker (case-holding practitioner).",
    "senior_social_worker": "Senior social worker / senior practitioner.",
    "advanced_practitioner": "Advanced practitioner / practice lead.",
    "team_manager": "Team manager (or assistant team manager).",
    "iro_cp_chair": "Independent reviewing officer or child protection conference chair.",
}
ABOUT_HELP = {
    "old_la_code": "Your 3-digit DfE LA code. Pre-filled: do not change.",
    "la_name": "Your LA's name. Pre-filled: do not change.",
    "quarter_end": "The last day of the quarter this return covers (31 December, 31 March, 30 June or "
                   "30 September). Pre-filled.",
}
ASSIGNMENT_HELP = {
    "assignment_id": "Your own reference for the assignment, unique in this return (the same reference each "
                     "quarter while it runs). Never a name.",
    "swe_number": "The worker's Social Work England registration number (2 letters and up to 10 digits, e.g. "
                  "SW123456). It is replaced by a keyed code as it arrives; the region never sees it.",
    "role_type": "The job type of the price caps: " + "; ".join(f"{k}: {v}" for k, v in ROLE_HELP.items()),
    "team_type": "The team the worker is in (the Teams list of the regional workforce return).",
    "start_date": "The day the assignment started (it may be before the quarter).",
    "end_date": "The day it ended; leave empty while it runs.",
    "hourly_pay_rate": "The worker's pay per hour, in pounds (e.g. 31.50).",
    "hourly_on_costs": "Employer National Insurance and apprenticeship levy per hour, in pounds.",
    "hourly_charge_rate": "What the LA pays the agency per hour, in pounds: pay, on-costs and the agency's margin.",
    "project_team": "1 if the worker is part of a managed or packaged project team, else 0.",
    "covering_vacancy": "1 if the assignment covers a vacant post, else 0.",
    "pqe_years": "The worker's post-qualifying experience in years (e.g. 4.5).",
    "references_received": "Practice references received on the standard template.",
    "notice_weeks": "The notice period in the contract, in weeks.",
    "cap_exception_approved_by": "Only where pay plus on-costs is above the price cap and the exception was "
                                 "approved: the role of who approved it (e.g. Director of Children's Services), "
                                 "never a person's name.",
}


def _month_names(quarter_end: date) -> list[str]:
    begin = quarter_start(quarter_end)
    return [date(begin.year, begin.month + offset, 1).strftime("%B %Y") for offset in range(3)]


def write_agency_template(path: str | Path, old_la_code: str, quarter_end: date | str, *,
                          caps: PriceCaps | None = None) -> Path:
    """Write the R4 agency return for one LA and quarter (``quarter_end``: a date or ISO text); returns the path.

    ValueError (with a message for the user) when the date is not a quarter end or the LA is not an English LA
    in that census year."""
    path = Path(path)
    quarter_end = as_date(quarter_end, "quarter_end")
    if (quarter_end.month, quarter_end.day) not in QUARTER_ENDS:
        raise ValueError(f"{quarter_end} is not a quarter end (31 Mar, 30 Jun, 30 Sep, 31 Dec)")
    name = la_name(old_la_code, census_year_of(quarter_end))
    caps = caps if caps is not None else default_caps()
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), XLSX_OPTIONS)
    try:
        style = styles(book)
        book.set_properties({"title": f"Agency return: {name} ({old_la_code}), quarter ending {long_date(quarter_end)}",
                             "subject": "Agency social workers (R4)", "author": "Regional workforce"})
        _guidance(book, style, old_la_code, name, quarter_end, caps)
        _about(book, style, old_la_code, name, quarter_end)
        _assignments(book, style, quarter_end)
        _lists(book, style)
    finally:
        book.close()
    return path


def _guidance(book, style, code: str, name: str, quarter_end: date, caps: PriceCaps) -> None:
    begin = quarter_start(quarter_end)
    lines = [
        ("title", f"Quarterly agency return: {name} ({code})"),
        ("text", f"The quarter from {long_date(begin)} to {long_date(quarter_end)}. One row in Assignments per agency "
                 "social work assignment active at any time in the quarter (started before it ends, and not ended "
                 "before it began), as the DfE agency rules (in force from 31 October 2024) ask LAs to report."),
        ("heading", "What is checked"),
        ("text", "Errors (the row is not loaded until corrected): a required cell missing; a rate that is not a "
                 "number above 0; a date that is not a date; a role or team type not in the list; an end date "
                 "before the start date; an assignment outside the quarter; a charge rate below pay plus on-costs; "
                 "the same assignment_id twice."),
        ("text", "Reported, not errors: pay plus on-costs above the region's price cap for the role in force on "
                 "the start date (with or without an approved exception); less than 3 years' post-qualifying "
                 "experience; fewer than 2 references; notice above 4 weeks. The region also checks, across its "
                 "LAs, that a worker who left a permanent post in one of them did not start an agency assignment "
                 "within 3 months (it learns that this happened, never who the worker is)."),
        ("heading", "The price caps (pay plus on-costs per hour)"),
        *_cap_lines(caps, code, begin, quarter_end),
        ("heading", "Privacy"),
        ("text", "The SWE number is replaced by a keyed code the moment the file arrives: it is used only to match "
                 "the same worker across the region's returns and census records. Never enter names."),
        ("heading", "Sending it"),
        ("text", "Save the workbook as .xlsx without a password (or export the Assignments with the About columns "
                 "on every row as CSV UTF-8) and send it to the regional workforce data team. You will get a "
                 "validation report back; a corrected return sent later replaces this one."),
    ]
    columns = [*((column, ABOUT_HELP.get(column) or _spend_help(column, quarter_end)) for column in ABOUT.columns)]
    sheets = [GuidedSheet("About", "Who the return is from, the quarter, and what the LA spent on agency social "
                                   "workers in each month of it.", columns),
              GuidedSheet("Assignments", "One row per agency assignment active at any time in the quarter.",
                          [(c.name, ASSIGNMENT_HELP[c.name] + (" Required." if c.required else ""))
                           for c in ASSIGNMENT_COLUMNS])]
    guidance_sheet(book, style, lines, sheets)


def _cap_lines(caps: PriceCaps, code: str, begin: date, end: date) -> list[tuple[str, str]]:
    alliance = caps.alliance_of(code)
    found = [cap for cap in caps.caps if cap.alliance == alliance]
    if not found:
        return [("text", "Your region has not set price caps in this product: no cap is checked.")]
    lines = []
    for role in ROLE_TYPES:
        in_force = [caps.cap_on(alliance, role, begin)]
        in_force += [cap for cap in found if cap.role_type == role and begin < cap.effective_from <= end]
        words = "; ".join(f"£{cap.cap_hourly:.2f} from {long_date(cap.effective_from)}" for cap in in_force if cap)
        lines.append(("text", f"{role}: {words or 'no cap'}."))
    lines.append(("text", "An assignment is compared with the cap in force on its start date (an earlier cap for "
                          "one that started earlier)."))
    if any(cap.illustrative for cap in found):
        lines.append(("text", "These figures are illustrative (the demonstration region's), not a real region's "
                              "caps: a region sets its own."))
    return lines


def _spend_help(column: str, quarter_end: date) -> str:
    month = _month_names(quarter_end)[SPEND_COLUMNS.index(column)]
    return f"Pounds spent on agency social workers in {month} (what the agencies charged)."


def _about(book, style, code: str, name: str, quarter_end: date) -> None:
    sheet = book.add_worksheet("About")
    header_row(sheet, style, list(ABOUT.columns), min_width=14)
    sheet.write_string(1, 0, code, style["locked"])
    sheet.write_string(1, 1, name, style["locked"])
    sheet.write_datetime(1, 2, datetime(quarter_end.year, quarter_end.month, quarter_end.day), style["locked_date"])
    for offset, column in enumerate(SPEND_COLUMNS, start=3):
        sheet.write_blank(1, offset, None, style["money"])
        sheet.data_validation(1, offset, 1, offset, number_check(column, _spend_help(column, quarter_end)))
    sheet.set_column(1, 1, max(24, len(name) + 4))
    sheet.set_column(2, 2, 18)
    sheet.freeze_panes(1, 0)
    sheet.protect("", {"format_columns": True, "format_rows": True})


def _assignments(book, style, quarter_end: date) -> None:
    sheet = book.add_worksheet(ASSIGNMENTS.name)
    text = book.add_format({"border": 1, "bg_color": "#FFF7BF", "locked": False, "num_format": "@"})
    first, last = 1, INPUT_ROWS
    for index, column in enumerate(ASSIGNMENT_COLUMNS):
        help_text = ASSIGNMENT_HELP[column.name]
        if column.kind == "code":
            codes = ROLE_TYPES if column.name == "role_type" else TEAM_TYPES
            check, cell_style = list_check(column.name, codes, help_text), style["entry"]
        elif column.kind == "flag":
            check, cell_style = list_check(column.name, ("0", "1"), help_text), style["whole"]
        elif column.kind == "date":
            check, cell_style = date_check(column.name, help_text, date(2000, 1, 1), quarter_end), style["date"]
        elif column.kind in ("number", "whole"):
            check = number_check(column.name, help_text, minimum=column.minimum or 0, above=column.above,
                                 whole=column.kind == "whole")
            cell_style = style["whole"] if column.kind == "whole" else style["money"]
        else:  # text: kept as typed (a SWE number or reference never turns into a number)
            check, cell_style = None, text
        # the column's cells are input cells (unlocked, shaded) down the sheet; the header is written over them
        sheet.set_column(index, index, max(14, len(column.name) + 2), cell_style)
        sheet.write_string(0, index, column.name, style["header"])
        if check is not None:
            sheet.data_validation(first, index, last, index, check)
    sheet.set_row(0, 30, style["header"])
    sheet.freeze_panes(1, 1)
    sheet.protect("", {"format_columns": True, "format_rows": True})


def _lists(book, style) -> None:
    sheet = book.add_worksheet("Lists")
    header_row(sheet, style, ["list", "code", "meaning"])
    row = 1
    for code, meaning in ROLE_HELP.items():
        sheet.write_row(row, 0, ["role_type", code, meaning], style["text"])
        row += 1
    for code in TEAM_TYPES:
        sheet.write_row(row, 0, ["team_type", code, code.replace("_", " ")], style["text"])
        row += 1
    sheet.set_column(2, 2, 70)
    sheet.protect("", {"format_columns": True, "format_rows": True})
