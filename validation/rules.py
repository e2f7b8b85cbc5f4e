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
    ]
}


def rule(code: str) -> Rule:
    return RULES[code]
