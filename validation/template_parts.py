"""What every return template shares (R2 workbook, R4 agency return, R5 time-use diary): the LA's name for a
year, the cell styles, the Guidance sheet, and the input checks (data validation) of one column.

Input cells are shaded and unlocked; every other cell is locked (sheet protection without a password, so it
guards against slips, not people). Each column has an input message (its help text) and a check that stops a
wrong entry: a drop-down list, a number range, a whole number, a date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import xlsxwriter

from reference.geography import latest_year, local_authorities

XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False}


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


def as_date(value: date | str, what: str) -> date:
    """A date given as a date or as ISO text (what the command line passes); ValueError naming ``what``."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"{what} {value!r} is not a date (write it YYYY-MM-DD)") from None


def long_date(day: date) -> str:
    """1 May 2025."""
    return f"{day.day} {day:%B %Y}"


def styles(book: xlsxwriter.Workbook) -> dict:
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
        "locked_date": book.add_format({**locked_text, "num_format": "d mmmm yyyy"}),
        "entry": book.add_format(entry),
        "fte": book.add_format({**entry, "num_format": "0.00"}),
        "money": book.add_format({**entry, "num_format": "0.00"}),
        "whole": book.add_format({**entry, "num_format": "0"}),
        "date": book.add_format({**entry, "num_format": "d mmmm yyyy"}),
    }


@dataclass(frozen=True)
class GuidedSheet:
    """One sheet as the Guidance sheet describes it: what it is for, and each column's help text (with the
    allowed values where the column is a list)."""

    name: str
    help: str
    columns: Sequence[tuple[str, str]]  # (column, help text)


def guidance_sheet(book: xlsxwriter.Workbook, style: dict, lines: Sequence[tuple[str, str]],
                   sheets: Sequence[GuidedSheet]) -> None:
    """The Guidance sheet: ``lines`` of (style, text) (title, heading, text), then the table of sheets and
    columns. It is the active sheet, locked."""
    sheet = book.add_worksheet("Guidance")
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 28)
    sheet.set_column(2, 2, 100)
    row = 0
    for kind, text in lines:
        if kind == "heading":
            row += 1
        if kind == "text":
            sheet.merge_range(row, 0, row, 2, text, style[kind])
            sheet.set_row(row, 15 * (1 + len(text) // 130))
        else:
            sheet.write_string(row, 0, text, style[kind])
        row += 1
    row += 1
    sheet.write_string(row, 0, "The sheets and their columns", style["heading"])
    row += 1
    for column, title in enumerate(("sheet", "column", "what it holds")):
        sheet.write_string(row, column, title, style["header"])
    row += 1
    for guided in sheets:
        sheet.write_string(row, 0, guided.name, style["bold"])
        sheet.write_string(row, 1, "(the sheet)", style["bold"])
        sheet.write_string(row, 2, guided.help, style["text"])
        row += 1
        for column, help_text in guided.columns:
            sheet.write_string(row, 0, guided.name, style["text"])
            sheet.write_string(row, 1, column, style["text"])
            sheet.write_string(row, 2, help_text, style["text"])
            row += 1
    sheet.protect("", {"format_columns": True, "format_rows": True})
    sheet.activate()


def header_row(sheet, style: dict, columns: Sequence[str], *, min_width: int = 12) -> None:
    for index, column in enumerate(columns):
        sheet.write_string(0, index, column, style["header"])
        sheet.set_column(index, index, max(min_width, len(column) + 2))
    sheet.set_row(0, 30)


def list_check(column: str, options: Sequence[str], help_text: str, *, blank_ok: bool = True) -> dict:
    """A drop-down list (data validation) of ``options``."""
    return _with_help({"validate": "list", "source": list(options), "ignore_blank": blank_ok,
                       "error_title": f"Not a {column.replace('_', ' ')}"[:32],
                       "error_message": "Pick one from the list."}, column, help_text)


def number_check(column: str, help_text: str, *, minimum: float = 0, maximum: float | None = None,
                 whole: bool = False, above: bool = False) -> dict:
    """A number at least ``minimum`` (strictly above it when ``above``), at most ``maximum`` where given; a whole
    number when ``whole``."""
    kind = "a whole number" if whole else "a number"
    if maximum is not None:
        options = {"criteria": "between", "minimum": minimum, "maximum": maximum}
        words = f"{kind} from {minimum:g} to {maximum:g}"
    else:
        options = {"criteria": ">" if above else ">=", "value": minimum}
        words = f"{kind} {'above' if above else 'of at least'} {minimum:g}"
    options.update({"validate": "integer" if whole else "decimal", "error_title": kind.capitalize()[:32],
                    "error_message": f"{column}: enter {words}, or leave it empty."[:255]})
    return _with_help(options, column, help_text)


def date_check(column: str, help_text: str, first: date, last: date) -> dict:
    """A date from ``first`` to ``last``."""
    return _with_help({"validate": "date", "criteria": "between", "minimum": datetime(first.year, first.month,
                                                                                        first.day),
                       "maximum": datetime(last.year, last.month, last.day),
                       "error_title": "Not a date in the period",
                       "error_message": f"Enter a date from {first:%d %B %Y} to {last:%d %B %Y}."}, column, help_text)


def _with_help(options: dict, column: str, help_text: str) -> dict:
    options.update({"input_title": column[:32], "input_message": help_text[:255], "error_type": "stop"})
    return options
