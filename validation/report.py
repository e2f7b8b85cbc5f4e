"""The validation report an analyst sends back to an LA: HTML to read, XLSX to filter and fix.

It says what happened to the return first, then lists each issue with where it is (the sheet, the line or
Excel row number, the cell), the worker reference (hashed, shortened), the item, the value (personal values
withheld) and what to do.
"""

from __future__ import annotations

import html
import math
import numbers
from pathlib import Path

import pandas as pd
import xlsxwriter

from reference.status import STATUS_WORDS
from validation.issues import Issue
from validation.rules import RULES

#: The report's headline for each outcome: its words (``reference.status``), then what it means for the LA.
STATUS_TEXT = {status: STATUS_WORDS[status] + meaning for status, meaning in {
    "accepted": ": every record loaded.",
    "accepted_with_warnings": ": every record loaded; please check the warnings.",
    "rows_rejected": ": the records listed as errors were not loaded; the rest were.",
    "rejected": ". Correct the file error and resend.",
}.items()}


ISSUE_COLUMNS = ["rule_code", "severity", "sheet", "line", "cell", "record", "worker_ref", "item", "value", "message",
                 "what_to_do"]


def issue_rows(issues: list[Issue]) -> list[list[object]]:
    """One row per issue, in ``ISSUE_COLUMNS`` order (the worker reference shortened to 12 characters). For a
    workbook, ``sheet``, ``line`` (the Excel row number) and ``cell`` (column letter and row, "C5") say where to
    look; for a CSV file ``line`` is the row and ``cell`` the cell as a spreadsheet opening it shows them."""
    return [[i.rule_code, i.severity, i.sheet, i.line, i.cell, i.record_number, (i.worker_ref or "")[:12], i.item,
             i.value, i.message, i.action] for i in issues]


def issues_frame(issues: list[Issue]) -> pd.DataFrame:
    return pd.DataFrame(issue_rows(issues), columns=ISSUE_COLUMNS)


def summary_rows(*, file_name: str, checksum: str, la: str | None, year: int | None, status: str,
                 rows_received: int, rows_accepted: int, rows_rejected: int, issues: list[Issue],
                 changes: list[str] | None = None, period: tuple[str, str] | None = None,
                 records: str = "Worker records") -> list[tuple[str, str]]:
    """The report's Summary sheet. ``period`` adds a line naming the period a return covers (e.g.
    ``("Quarter end", "2025-06-30")``); ``records`` names what its rows are (``"Assignments"`` for an agency
    return, ``"Diary entries"`` for a diary)."""
    summary = [
        ("File", file_name), ("Checksum (SHA-256)", checksum), ("LA code", la or "unknown"),
        ("Census year", str(year) if year else "unknown"), *([period] if period else []),
        ("Outcome", STATUS_TEXT[status]),
        (f"{records} received", str(rows_received)), ("Records loaded", str(rows_accepted)),
        ("Records rejected", str(rows_rejected)),
        ("Errors", str(sum(i.severity == "error" for i in issues))),
        ("Warnings", str(sum(i.severity == "warning" for i in issues))),
    ]
    summary += [("Change from the previous return", change) for change in (changes or [])]
    return summary


def write_reports(base: Path, summary: list[tuple[str, str]], issues: list[Issue]) -> tuple[Path, Path]:
    """Write ``base``.html and ``base``.xlsx; return their paths."""
    base.parent.mkdir(parents=True, exist_ok=True)
    rows = issue_rows(issues)
    html_path, xlsx_path = base.with_suffix(".html"), base.with_suffix(".xlsx")
    html_path.write_text(_html(summary, rows), encoding="utf-8")
    _xlsx(xlsx_path, summary, rows)
    return html_path, xlsx_path


RULE_COLUMNS = ["rule_code", "severity", "scope", "rule", "what_to_do"]


def _rule_rows(issues: list[list[object]]) -> list[list[object]]:
    """The rules the issues cite, in rule order (every rule is in validation/rules.py)."""
    cited = {row[0] for row in issues}
    return [[r.code, r.severity, r.scope, r.description, r.action] for r in RULES.values() if r.code in cited]


def _xlsx(path: Path, summary: list[tuple[str, str]], rows: list[list[object]]) -> None:
    """Summary and Issues sheets, and a Rules sheet explaining the rules the issues cite, written cell by
    cell: text always as text (never a formula or a link), numbers as numbers, missing values as empty cells.
    Built in memory, written once. (A report once carried every rule, about half the cost of writing it:
    with 1,800 returns in a national run, seconds spent on sheets that repeated the same text.)"""
    book = xlsxwriter.Workbook(str(path), {"in_memory": True, "strings_to_formulas": False,
                                           "strings_to_urls": False, "strings_to_numbers": False})
    header = book.add_format({"bold": True, "border": 1})
    sheets = (("Summary", ["item", "value"], [list(row) for row in summary]),
              ("Issues", ISSUE_COLUMNS, rows),
              ("Rules", RULE_COLUMNS, _rule_rows(rows)))
    for name, columns, values in sheets:
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, columns, header)
        for number, row in enumerate(values, start=1):
            for column, value in enumerate(row):
                _cell(sheet, number, column, value)
    book.close()


def _cell(sheet, row: int, column: int, value: object) -> None:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    elif isinstance(value, numbers.Number):
        sheet.write_number(row, column, value)
    else:
        sheet.write_string(row, column, str(value))


def _html(summary: list[tuple[str, str]], issues: list[list[object]]) -> str:
    rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in summary)
    table = _html_table(issues) if issues else "<p>No issues found.</p>"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Validation report</title>
<style>body{{font-family:sans-serif;margin:2em;color:#1b1b1b}} table{{border-collapse:collapse}}
th,td{{border:1px solid #b1b4b6;padding:4px 8px;text-align:left;vertical-align:top}}
th{{background:#f3f2f1}}</style></head>
<body><h1>Validation report</h1><h2>Summary</h2><table>{rows}</table>
<h2>Issues</h2>{table}</body></html>
"""


def _html_table(issues: list[list[object]]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in ISSUE_COLUMNS)
    body = "".join("<tr>" + "".join(f"<td>{_html_value(v)}</td>" for v in row) + "</tr>\n" for row in issues)
    return f'<table class="dataframe issues">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>'


def _html_value(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return html.escape(str(value))
