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
             "About period_end missing or not a date.",
             "Enter the last day of the period in About: 30 September for the annual return, or the quarter "
             "end (31 December, 31 March, 30 June) for a quarterly return."),
        Rule("RWR004", "error", "file",
             "About period_end is a date but not a quarter end (31 December, 31 March, 30 June, 30 September).",
             "A return covers a census year or one of its quarters: enter the quarter's last day (30 September "
             "for the annual return)."),
        Rule("RWR005", "error", "file",
             "About return_type is neither 'annual' nor 'quarterly', or says 'annual' for a period_end that is not "
             "30 September.",
             "Pick annual or quarterly from the list (or leave it blank: 30 September is then the annual return, "
             "any other quarter end a quarterly one); an annual return ends on 30 September."),
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
        Rule("RWR033", "warning", "row",
             "A quarterly Summary's flows are far above its stocks: starters or leavers in the one quarter more than "
             "25% of the in-post figure at the quarter end (FTE, else headcount).",
             "Check that starters, leavers and working days lost are for this quarter only (not the year to date) "
             "and that in-post is the count at period_end."),
        Rule("RWR034", "error", "row",
             "Summary working_days_lost_fte is more than the staff could lose: above (inpost_fte + leavers_fte) x "
             "the working days in the period (253 in a year, 64 in a quarter).",
             "Enter the working days lost to sickness in the period, each day weighted by the worker's FTE (not "
             "hours, not a year to date in a quarterly return)."),
        # R4 quarterly agency return (validation/agency.py)
        Rule("AGY001", "error", "file",
             "Not an agency return: unreadable (not an .xlsx or a UTF-8 CSV, damaged, far too large, a zip bomb, "
             "declaring a DTD or entities), no Assignments sheet or columns, About missing or naming more than one "
             "LA or quarter; or no LA code.",
             "Fill in the agency return template we sent (or its CSV layout), save it as .xlsx or CSV UTF-8 and "
             "resend it."),
        Rule("AGY002", "error", "file", "old_la_code unknown, or not the LA the file was submitted for.",
             "Use the template written for your LA: About row 2 holds your 3-digit LA code."),
        Rule("AGY003", "error", "file",
             "quarter_end missing, not a date, or not a quarter end (31 December, 31 March, 30 June, 30 September).",
             "Enter the last day of the quarter the return covers."),
        Rule("AGY010", "error", "row",
             "A required item is missing (assignment_id, swe_number, role_type, start_date, hourly_pay_rate, "
             "hourly_on_costs, hourly_charge_rate, project_team, covering_vacancy).",
             "Fill in the missing cell for this assignment and resend."),
        Rule("AGY011", "error", "row",
             "A value has the wrong type or is outside its code list or range: a rate as text or not above 0 (pay) "
             "or below 0 (on-costs), a date that is not a date, a role or team type not in the list, a flag not "
             "0/1, a SWE number not 2 letters and up to 10 digits, a count not a whole number.",
             "Correct the value: rates in pounds per hour as plain numbers, dates as dates, codes from the "
             "drop-down lists."),
        Rule("AGY020", "error", "row", "end_date is before start_date.", "Check both dates of this assignment."),
        Rule("AGY021", "error", "row",
             "The assignment is outside the quarter: it starts after quarter_end or ended before the quarter began.",
             "List only assignments active at some time in the quarter; correct the dates or remove the row."),
        Rule("AGY022", "error", "row", "hourly_charge_rate is below hourly_pay_rate + hourly_on_costs.",
             "Check the three rates: the charge to the LA includes the worker's pay, the on-costs and the "
             "agency's margin."),
        Rule("AGY023", "error", "row",
             "The same assignment_id on more than one row: all of these rows are rejected.",
             "Give each assignment its own reference, once, and resend."),
        Rule("AGY030", "warning", "row",
             "Pay plus on-costs above the region's price cap for the role in force on the start date, with no "
             "approved exception.",
             "Bring the rate within the cap, or record who approved the exception (their role) in "
             "cap_exception_approved_by."),
        Rule("AGY031", "warning", "row",
             "Pay plus on-costs above the region's price cap for the role on the start date, with an approved "
             "exception (reported, not an error).",
             "No action needed: the approved exception is reported to the region."),
        Rule("AGY032", "warning", "row", "pqe_years below 3 (the agency rules ask for 3 years' post-qualifying "
             "experience).", "Check the worker's post-qualifying experience."),
        Rule("AGY033", "warning", "row", "references_received below 2.",
             "Obtain two practice references on the standard template."),
        Rule("AGY034", "warning", "row", "notice_weeks above 4.", "Check the notice period in the contract."),
        Rule("AGY040", "warning", "row",
             "Cool-off: the worker left a permanent post in an alliance LA (a census leaver with the same hashed "
             "registration number) less than 3 months before this assignment's start date (found in the "
             "warehouse, across the alliance).",
             "Check the assignment against the agency rules' cool-off period; the region sees that a breach "
             "happened and in which LA the assignment is, never who the worker is."),
        Rule("AGY050", "warning", "file",
             "A sheet or column the agency return does not have (or a second copy of a column, or values under no "
             "header): ignored.",
             "No action needed if it is your own working; otherwise use the template's sheets and columns."),
        Rule("AGY051", "warning", "row",
             "A cell holds text starting like a formula (=, +, -, @) or a formula with no saved result: kept as "
             "text, never run.", "Type the value itself, not a formula."),
        Rule("AGY052", "warning", "file", "A column of the template is missing: its values are taken as not given.",
             "Use the template's columns; do not delete columns (leave cells empty instead)."),
        Rule("AGY053", "warning", "file", "The return lists no assignments.",
             "No action if the LA had no agency social workers in the quarter; otherwise fill in Assignments."),
        # R5 time-use diary (validation/diary.py)
        Rule("TUD001", "error", "file",
             "Not a time-use diary: unreadable (not an .xlsx or a UTF-8 CSV, damaged, far too large, a zip bomb, "
             "declaring a DTD or entities), no Entries sheet or columns, About missing or naming more than one LA "
             "or period; or no LA code.",
             "Fill in the diary template we sent (or its CSV layout), save it as .xlsx or CSV UTF-8 and resend it."),
        Rule("TUD002", "error", "file", "old_la_code unknown, or not the LA the file was submitted for.",
             "Use the template written for your LA: About row 2 holds your 3-digit LA code."),
        Rule("TUD003", "error", "file",
             "The diary period is wrong: diary_start or diary_end missing or not a date, diary_end before "
             "diary_start, a period longer than 4 weeks (28 days); or contracted_hours_per_fte not a number from "
             "1 to 60.", "Enter the first and last day of the diary (at most 4 weeks) and the contracted weekly "
             "hours of a full-time post (37 if left blank)."),
        Rule("TUD010", "error", "row",
             "A required item is missing (worker_ref, team_type, fte, date, activity, case_type, hours).",
             "Fill in the missing cell for this entry and resend."),
        Rule("TUD011", "error", "row",
             "A value has the wrong type or is outside its code list or range: hours as text or not above 0, an "
             "activity, case type or team type not in the list, fte not above 0 and at most 1, first_year not "
             "0/1, a case count not a whole number, a date that is not a date.",
             "Correct the value: hours as plain numbers (1.5 for an hour and a half), codes from the drop-down "
             "lists."),
        Rule("TUD020", "error", "row", "The date is outside the diary period (diary_start to diary_end).",
             "Correct the date, or leave out entries from outside the diary period."),
        Rule("TUD021", "error", "row",
             "More than 16 hours recorded for one worker on one day: every entry of that worker and day is "
             "rejected.", "Check the hours of that day: an entry typed twice, or minutes entered as hours?"),
        Rule("TUD030", "warning", "row",
             "A worker's diary week (7 days from diary_start) holds more than 1.25 x contracted hours x fte: unpaid "
             "overtime, reported and kept.", "No action needed if the hours are right: they are kept and reported."),
        Rule("TUD031", "warning", "row", "A worker with fewer than 3 diary days.",
             "Check that all of this worker's days were entered; a worker away for most of the period can stay."),
        Rule("TUD032", "warning", "row",
             "A worker's team_type, fte or first_year differs between their entries: the value on their first entry "
             "is the worker's.", "Use one value per worker for the whole diary."),
        Rule("TUD050", "warning", "file",
             "A sheet or column the diary does not have (or a second copy of a column, or values under no header): "
             "ignored.", "No action needed if it is your own working; otherwise use the template's sheets and "
             "columns."),
        Rule("TUD051", "warning", "row",
             "A cell holds text starting like a formula (=, +, -, @) or a formula with no saved result: kept as "
             "text, never run.", "Type the value itself, not a formula."),
        Rule("TUD052", "warning", "file", "A column of the template is missing: its values are taken as not given.",
             "Use the template's columns; do not delete columns (leave cells empty instead)."),
        Rule("TUD053", "warning", "file", "The diary holds no entries.", "Fill in Entries and resend."),
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
