"""Every validation rule as data: code, severity, scope, what it checks and what the LA should do.

The validators, the report writer, the tests and the docs all read this one table.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str  # "error" | "warning"
    scope: str  # "file" | "row" (a warning is always kept with the row)
    description: str
    action: str  # what the LA data officer should do


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in [
        Rule("FILE001", "error", "file",
             "Not a return this product recognises (by content), or unreadable: empty, binary, too large.",
             "Send the CSWW census XML or the regional workbook as exported, not another file."),
        Rule("CSWW001", "error", "file", "Not well-formed XML, not a CSWW message, or no LEA code.",
             "Export the return again from your case-management system and resend it unchanged."),
        Rule("CSWW002", "error", "file", "LEA code unknown, or not the LA the file was submitted for.",
             "Check the LEA code in the header is your 3-digit LA code."),
        Rule("CSWW003", "error", "file", "ReferenceDate is not 30 September of the collection Year.",
             "Set ReferenceDate to 30 September of the census year and resend."),
        Rule("CSWW010", "error", "row", "A required item is missing.",
             "Add the missing item to this worker record and resend."),
        Rule("CSWW011", "error", "row", "A value has the wrong type or is outside its code list or range.",
             "Correct the value to one of the allowed codes or the allowed range."),
        Rule("CSWW020", "error", "row", "RoleEndDate is before RoleStartDate.",
             "Check both dates for this worker."),
        Rule("CSWW021", "error", "row", "RoleStartDate is after the reference date.",
             "Remove workers who start after 30 September, or correct the start date."),
        Rule("CSWW022", "error", "row", "A leaver (RoleEndDate in the census year) has no ReasonLeave.",
             "Add ReasonLeave for this leaver."),
        Rule("CSWW023", "warning", "row", "ReasonLeave or LeaverDestination on a worker who did not leave.",
             "Remove the leaving details, or add the RoleEndDate if the worker left."),
        Rule("CSWW024", "warning", "row", "A starter (RoleStartDate in the census year) has no StartOrigin.",
             "Add StartOrigin for this starter."),
        Rule("CSWW030", "error", "row", "Cases30 above 0 on a worker not in post at the reference date.",
             "Set Cases30 to 0 for workers who had left by 30 September, or correct the end date."),
        Rule("CSWW031", "warning", "row", "Cases30 above 40.", "Check the case count for this worker."),
        Rule("CSWW032", "warning", "row",
             "OrgRole 6 (qualified without cases) with cases, or OrgRole 5 (case holder) with no cases.",
             "Check the worker's role and case count agree."),
        Rule("CSWW040", "error", "row", "WorkingDaysLost above 260.",
             "Correct the working days lost to sickness (at most 260 in a year)."),
        Rule("CSWW050", "warning", "row",
             "The same SWENo appears twice in one return (two posts): both kept for FTE, one for headcount.",
             "No action if the worker really holds two posts; otherwise remove the duplicate."),
        Rule("CSWW060", "warning", "file",
             "NoAgencyFTE is greater than the FTE of the agency worker records.",
             "Check the number of agency FTE covering vacancies against the agency worker records."),
        Rule("CSWW070", "warning", "file",
             "An element this product does not know (a newer layout): it was ignored.",
             "No action needed if your software follows a newer census specification."),
        # R2 regional workforce workbook (validation/workbook.py)
        Rule("RWR001", "error", "file",
             "Not a readable .xlsx workbook: not a zip, another kind of file, password-protected, damaged, "
             "far too large (or unpacking to far too much: a zip bomb), or declaring a DTD or entities.",
             "Fill in the template we sent, save it in Excel as .xlsx (Excel Workbook) without a password and "
             "resend it."),
        Rule("RWR002", "error", "file",
             "About sheet missing, or its old_la_code empty, unknown, or not the LA the file was submitted for; "
             "or About with more than one filled row.",
             "Use the template written for your LA: About row 2 holds your 3-digit LA code."),
        Rule("RWR003", "error", "file",
             "About period_end missing, not a date, or not a quarter end.",
             "Enter the last day of the period in About: 30 September for the annual return, or the quarter "
             "end (31 December, 31 March, 30 June) for a quarterly return."),
        Rule("RWR010", "error", "row", "A figure is negative.",
             "Correct the figure: FTEs, counts and days are 0 or more. Leave the cell empty if not known."),
        Rule("RWR011", "error", "row",
             "A figure is not a number, or not a whole number where one is required (headcounts, cases, "
             "child counts).",
             "Enter a plain number (no text, units or symbols); counts of people, cases and children are whole "
             "numbers."),
        Rule("RWR012", "error", "row",
             "An FTE is larger than its headcount (Summary in post, starters, leavers, agency; NonSW fte), or "
             "Teams nqsw_case_holders_fte is larger than case_holders_fte.",
             "Check both figures: a person counts at most 1 FTE, and a part cannot exceed its whole."),
        Rule("RWR013", "error", "row",
             "A Teams team_type or NonSW role is missing or not in the list.",
             "Pick the team type or role from the drop-down list; use 'other' for anything else."),
        Rule("RWR014", "error", "row",
             "The same team_type or role on more than one filled row, or more than one filled Summary row: "
             "all of these rows are rejected.",
             "Keep one row per team type or role (one Summary row), adding the figures together, and resend."),
        Rule("RWR020", "warning", "file", "A sheet this workbook does not have: ignored.",
             "No action needed; its contents were not read. Use the template's sheets for your figures."),
        Rule("RWR021", "warning", "file",
             "A column this sheet does not have (or a second copy of one, or values under no header): ignored.",
             "No action needed if the column is your own working; otherwise use the template's column names."),
        Rule("RWR022", "warning", "row",
             "A cell holds text starting like a formula (=, +, -, @) or a formula with no saved result: kept as "
             "text, never run.",
             "Type the value itself, not a formula; text starting with = + - @ is never evaluated."),
        Rule("RWR023", "warning", "file", "A column of the template is missing: its values are taken as not given.",
             "Use the template's columns; do not delete columns (leave cells empty instead)."),
        Rule("RWR030", "warning", "file",
             "The Summary sheet is missing: fine where the CSWW census XML is sent for the year (it wins).",
             "No action if you send the CSWW census XML for this year; otherwise fill in the Summary sheet."),
        Rule("RWR031", "warning", "file", "The Teams or NonSW sheet is missing: none of its figures are loaded.",
             "Use the template with all its sheets and fill in the Teams and NonSW figures."),
        Rule("RWR032", "warning", "file",
             "The workbook holds no figures: every Summary, Teams and NonSW row is empty.",
             "Fill in the figures and resend; an empty template changes nothing."),
        Rule("EES001", "error", "file",
             "Published file unreadable: empty, far too large, binary (or a zip/workbook), or not UTF-8 text.",
             "Download the EES data file again as CSV (UTF-8) and load it unchanged."),
        Rule("EES002", "error", "file",
             "Not an EES data file: the first line is not a header naming time_period and geographic_level, "
             "or the CSV is malformed.",
             "Load the EES data file itself (not its .meta.csv, a workbook or an edited copy)."),
        Rule("EES003", "error", "file",
             "A required EES column is missing (time_period, time_identifier, geographic_level, country_code, "
             "country_name).",
             "Load the complete EES data file with all its geography and time columns."),
        Rule("EES004", "error", "file",
             "A column name appears twice, or two columns map to the same measure (e.g. an old and a new name).",
             "Keep one column per measure; the product never guesses which one is meant."),
        Rule("EES010", "error", "row",
             "An indicator cell is neither a number (non-negative; a share at most 100) nor an EES symbol "
             "(c, low, u, x, z): blank, ':', '~', '-' or text. The row is not loaded.",
             "Correct the cell to a number or an EES symbol; rows are kept in quarantine until then."),
        Rule("EES011", "error", "row", "geographic_level is not National, Regional or Local authority.",
             "Only national, regional and local authority rows can be loaded."),
        Rule("EES012", "error", "row",
             "time_period is not a 4-digit census year, or time_identifier is not 'Reporting year'.",
             "Check the time columns: CSWW figures are by census year (Reporting year YYYY)."),
        Rule("EES013", "error", "row",
             "Geography incomplete or unknown: not England (E92000001); a regional row without its region; an "
             "LA row without its LA code, name or region; a code not in the reference lists; or a finer level's "
             "column filled on a coarser row.",
             "Check the geography columns; for a new LA code, refresh the reference seeds "
             "(seeds/make_reference_seeds.py)."),
        Rule("EES014", "error", "row",
             "The same geography and time_period appears more than once: every copy is rejected (never guessed).",
             "Keep one row per geography and year."),
        Rule("EES015", "error", "row", "The row has a different number of fields from the header.",
             "Check for unquoted commas or missing cells in this row."),
        Rule("EES020", "warning", "file",
             "A column this product does not know (not a geography/time column nor in ees_column_mapping): "
             "ignored, never guessed.",
             "No action if the column is not needed; to load it, add it to seeds/reference/ees_column_mapping.csv."),
        Rule("EES021", "warning", "file",
             "A measure is not in this file (an older layout): it is shown as not available ('x').",
             "No action needed for an older release."),
        Rule("RWR040", "warning", "file",
             "The workbook Summary disagrees with the LA's CSWW census return for the same year (found in the "
             "warehouse).",
             "No action needed if the CSWW return is right (it is used); otherwise correct and resend it."),
    ]
}


def rule(code: str) -> Rule:
    return RULES[code]
