"""Read a return made of an About part and one table (R4 agency return, R5 time-use diary) from an .xlsx
workbook or a CSV file, safely, into the same plain structures.

- **xlsx**: the workbook reader (``validation.readers.workbook``) with all its protections (size cap, zip and
  part checks, zip bombs, DTDs and entities refused before openpyxl sees the bytes, formulas never run), reading
  the layout's sheets: ``About`` (one row) and the table (``Assignments``, ``Entries``).
- **CSV**: UTF-8 text only (``validation.readers.text``: binary, UTF-16/32 and Latin-1 files are refused saying
  what they are), one header row naming the About columns and the table's columns in any order, the About
  values on every row (they must agree: a file is one LA's return for one period). Line numbers are the rows
  a spreadsheet shows when it opens the file, and the column letters too.

Every value is kept as sent (number, text, date); typing and checking are the validators' job. Unknown sheets and
columns, missing columns and formula-like text are returned as findings (warnings), never as errors.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import get_column_letter

from validation.readers.text import CsvWords, TextReadError, decode_csv, head_text
from validation.readers.workbook import (
    MAX_FILE_BYTES,
    BookLayout,
    Finding,
    Sheet,
    SheetRow,
    WorkbookReadError,
    check_container,
    is_formula_like,
    looks_like_workbook,
    read_workbook,
    shown,
)
from validation.schemas.workbook import SheetLayout, is_empty

MAX_CSV_BYTES = 50 * 1024 * 1024
# the first characters of text a spreadsheet could run (FORMULA_STARTS, FORMULA_CONTROL_STARTS) or of text that
# starts with spaces before one: only such cells are looked at more closely
_FORMULA_FIRST = frozenset("=+-@\t\r ")


class TabularReadError(Exception):
    """The file cannot be read as a return of this kind at all (the return's first file rule, AGY001/TUD001)."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class TabularLayout:
    """One kind of About + table return: its sheets, how its CSV header is recognised, its finding codes."""

    kind: str  # "agency" | "diary"
    about: SheetLayout
    table: SheetLayout
    book: BookLayout  # the xlsx layout: About and the table (and the Guidance sheet), with the return's codes
    marker_columns: tuple[str, ...]  # a CSV header naming all of these is a return of this kind
    words: CsvWords


@dataclass
class AboutConflict:
    """A CSV column of About holding two different values (a file is one LA's return for one period)."""

    column: str
    first_line: int
    first_value: object
    line: int
    value: object


@dataclass
class TabularReturn:
    source: str  # "xlsx" | "csv"
    about: Sheet | None  # None: no About sheet (xlsx) or no About column (CSV)
    table: Sheet | None  # None: no table sheet (xlsx)
    findings: list[Finding]
    sheet_names: list[str]  # xlsx: every sheet as named in the file; CSV: []
    conflicts: list[AboutConflict] = field(default_factory=list)

    def sheet_of(self, sheet: Sheet) -> str | None:
        """The sheet name an issue names: the sheet as named in the workbook; none for a CSV file."""
        return sheet.name if self.source == "xlsx" else None


def read_tabular(data: bytes, layout: TabularLayout) -> TabularReturn:
    """An .xlsx (by its zip signature) or a CSV file of this layout, or TabularReadError saying why not."""
    if looks_like_workbook(data) or data.startswith(b"\xd0\xcf\x11\xe0"):
        try:
            book = read_workbook(data, layout.book)
        except WorkbookReadError as exc:
            raise TabularReadError(str(exc)) from None
        return TabularReturn("xlsx", book.sheets.get(layout.about.name), book.sheets.get(layout.table.name),
                             book.findings, book.sheet_names)
    return _read_csv(data, layout)


def looks_like(head: bytes, layout: TabularLayout) -> bool:
    """Recognise a CSV return of this layout by its header line (the first few KB of the file)."""
    text = head_text(head)
    line = text.splitlines()[0] if text else ""
    try:
        names = {_header_key(cell) for cell in next(csv.reader([line]))}
    except (csv.Error, StopIteration):
        return False
    return all(marker in names for marker in layout.marker_columns)


_SHEET_NAME = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\bname=\"([^\"]*)\"")


def sheet_names(data: bytes) -> list[str] | None:
    """The sheet names of an .xlsx, from its workbook part, without openpyxl (to tell which return a workbook
    is before validating it); None for anything that is not a readable .xlsx."""
    try:
        check_container(data)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            part = next((n for n in archive.namelist() if n.lower() == "xl/workbook.xml"), None)
            if part is None or archive.getinfo(part).file_size > 1024 * 1024:
                return None
            xml = archive.read(part)
    except (WorkbookReadError, zipfile.BadZipFile, OSError, ValueError, KeyError):
        return None
    return [name.decode("utf-8", "replace") for name in _SHEET_NAME.findall(xml)]


def workbook_kind(data: bytes, layouts: tuple[TabularLayout, ...]) -> str | None:
    """Which of ``layouts`` an .xlsx is, by its sheets (its table sheet, matched as the reader matches names);
    None when it is none of them (an R2 workbook) or unreadable."""
    names = {_sheet_key(name) for name in sheet_names(data) or []}
    return next((layout.kind for layout in layouts if _sheet_key(layout.table.name) in names), None)


def peek(path: str | Path, layout: TabularLayout, period_column: str) -> tuple[object | None, object | None]:
    """The old_la_code and the ``period_column`` value (as sent) a return names, to route it before validating.
    Never raises: (None, None) for what cannot be read."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(max(MAX_FILE_BYTES, MAX_CSV_BYTES) + 1)
        about = read_tabular(data, layout).about
    except (TabularReadError, OSError):
        return None, None
    if about is None or not about.rows:
        return None, None
    values = about.rows[0].values
    return values.get("old_la_code"), values.get(period_column)


# --- CSV -------------------------------------------------------------------------------------------------

def _header_key(value: object) -> str:
    return re.sub(r"[\s\-]+", "_", str(value).strip().lower())


def _sheet_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _read_csv(data: bytes, layout: TabularLayout) -> TabularReturn:
    try:
        text = decode_csv(data, max_bytes=MAX_CSV_BYTES, words=layout.words)
    except TextReadError as exc:
        raise TabularReadError(str(exc), exc.line) from None
    book = layout.book
    records = csv.reader(io.StringIO(text, newline=""), strict=True)
    findings: list[Finding] = []
    try:
        header = next(records, None)
        while header is not None and all(is_empty(cell) for cell in header):
            header = next(records, None)
        if header is None:
            raise TabularReadError("the file has no header line")
        header_line = records.line_num
        about_at, table_at = _csv_header(header, layout, findings, header_line)
        if not table_at:
            raise TabularReadError(f"not {_article(layout)}: the first line names none of the "
                                   f"{layout.table.name} columns ({', '.join(layout.table.expected)})", header_line)
        about_values: dict[str, object] = {}
        about_lines: dict[str, int] = {}
        conflicts: list[AboutConflict] = []
        rows: list[SheetRow] = []
        extra_columns: set[int] = set()
        width = len(header)
        row_number = header_line
        for cells in records:
            row_number += 1
            if row_number > book.max_rows:
                if any(not is_empty(cell) for cell in cells):
                    raise TabularReadError(f"the file has values in row {row_number}, below row {book.max_rows}: "
                                           "far more rows than a return of this kind has; not read", row_number)
                continue
            if len(cells) > width and any(not is_empty(c) for c in cells[width:]):
                extra_columns.update(i for i in range(width, len(cells)) if not is_empty(cells[i]))
            values = _csv_values(cells, table_at, row_number, layout.table.name, book.formula, findings)
            for column, index in about_at.items():
                value = cells[index].strip() if index < len(cells) else ""
                if not value:
                    continue
                if column not in about_values:
                    about_values[column], about_lines[column] = value, row_number
                elif value != about_values[column]:
                    conflicts.append(AboutConflict(column, about_lines[column], about_values[column], row_number,
                                                   value))
            if any(v is not None for v in values.values()):
                rows.append(SheetRow(row_number, values))
    except csv.Error as exc:
        raise TabularReadError(f"not a readable CSV at line {records.line_num}: {exc}", records.line_num) from None
    for index in sorted(extra_columns):
        letter = get_column_letter(index + 1)
        findings.append(Finding(book.unknown_column, layout.table.name, None, letter, None,
                                f"column {letter} has values but no header in row {header_line}: ignored"))
    about = None
    if about_at:
        line = min(about_lines.values(), default=header_line + 1)
        letters = {column: get_column_letter(index + 1) for column, index in about_at.items()}
        about = Sheet(layout.about.name, layout.about, letters, [SheetRow(line, about_values)] if about_values else [])
    table_letters = {column: get_column_letter(index + 1) for column, index in table_at.items()}
    table = Sheet(layout.table.name, layout.table, table_letters, rows)
    return TabularReturn("csv", about, table, findings, [], conflicts)


def _article(layout: TabularLayout) -> str:
    return {"agency": "an agency return", "diary": "a time-use diary"}.get(layout.kind, f"a {layout.kind} return")


def _csv_header(header: list[str], layout: TabularLayout, findings: list[Finding], line: int
                ) -> tuple[dict[str, int], dict[str, int]]:
    """Where each About and table column is (column index), reporting unknown, repeated and missing columns."""
    book = layout.book
    about_at: dict[str, int] = {}
    table_at: dict[str, int] = {}
    for index, title in enumerate(header):
        if is_empty(title):
            continue
        key = _header_key(title)
        letter = get_column_letter(index + 1)
        target = about_at if key in layout.about.columns else table_at if key in layout.table.columns else None
        if target is not None and key not in target:
            target[key] = index
            continue
        reason = (f"a second {key!r} column (the first, column {get_column_letter(target[key] + 1)}, was read)"
                  if target is not None else "not a column of this return")
        findings.append(Finding(book.unknown_column, layout.table.name, line, letter, shown(title),
                                f"column {letter}, {shown(title)!r}, was ignored: {reason}", f"{letter}{line}"))
    if table_at:  # (no About column at all: the file is rejected for that, not warned about each)
        expected = (*(layout.about.expected if about_at else ()), *layout.table.expected)
        findings.extend(Finding(book.missing_column, layout.table.name, None, column, None,
                                f"the file has no column {column!r}: its values are taken as not given")
                        for column in expected if column not in about_at and column not in table_at)
    return about_at, table_at


def _csv_values(cells: list[str], columns: dict[str, int], line: int, sheet: str, code: str,
                findings: list[Finding]) -> dict[str, object]:
    values: dict[str, object] = {}
    width = len(cells)
    for column, index in columns.items():
        value = cells[index] if index < width else ""
        if value and value[0] in _FORMULA_FIRST and is_formula_like(value):
            letter = get_column_letter(index + 1)
            findings.append(Finding(code, sheet, line, column, shown(value),
                                    f"row {line} cell {letter}{line} ({column}): the text {shown(value)} starts like "
                                    "a formula; it was kept as text and never run", f"{letter}{line}"))
        text = value.strip()
        values[column] = text if text else None
    return values
