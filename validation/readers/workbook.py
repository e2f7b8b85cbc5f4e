"""Read the regional workforce workbook (R2, .xlsx) into plain Python structures, safely.

Before openpyxl sees the bytes, the container is checked: a size cap; a real zip (an encrypted workbook or an
old .xls is an OLE file, not a zip); the parts of an .xlsx (not a Word file, an .xlsb, an .ods or any other
zip); no encrypted member; the members' declared uncompressed sizes add up to less than a cap (a zip bomb is
refused before anything is inflated); every member inflates with a good CRC and declares no DTD or entity
(an .xlsx never has one). Only then does openpyxl read it, read-only, twice: with ``data_only`` (the values
the LA sees, a formula's saved result) and with formulas (to find formula cells with no saved result: their
formula text is kept as text, never evaluated).

Sheets About, Summary, Teams and NonSW are read (names matched ignoring case, spaces and punctuation); the
header is the first row (names matched ignoring case and surrounding spaces). Every value is kept as sent
(number, text, date); typing and checking are the validator's job. Unknown sheets and columns, missing
columns and formula-like text are returned as findings (warnings), never as errors.
"""

from __future__ import annotations

import io
import math
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

from validation.schemas.workbook import (
    INFORMATION_SHEETS,
    SHEETS,
    SheetLayout,
    as_number,
    census_year_of,
    date_of,
    is_empty,
    la_code_of,
)

MAX_FILE_BYTES = 20 * 1024 * 1024  # the template filled in is ~15 KB; a heavily formatted one well under 1 MB
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # sum of the members' declared sizes (zip bomb)
MAX_MEMBERS = 1_000
MAX_ROWS = 1_000  # a filled row below this is not a real return (Teams has 7 rows)
MAX_COLUMNS = 200  # columns further right are not read
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted (password-protected) workbooks and old .xls
# Characters that make a spreadsheet treat text as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@")
FORMULA_CONTROL_STARTS = ("\t", "\r")
_FORBIDDEN_XML = tuple(
    text.encode(encoding) for text in ("<!DOCTYPE", "<!ENTITY") for encoding in ("ascii", "utf-16-le", "utf-16-be")
)
_XLSX_MAIN_PARTS = (b"spreadsheetml.sheet.main", b"sheet.macroEnabled.main", b"spreadsheetml.template.main",
                    b"template.macroEnabled.main")


class WorkbookReadError(Exception):
    """The file cannot be read as an .xlsx workbook at all (rule RWR001)."""


@dataclass(frozen=True)
class Finding:
    """Something the reader noticed that is not fatal: reported as a warning and otherwise ignored."""

    code: str  # the book's unknown_sheet | unknown_column | formula | missing_column code (R2: RWR020-023)
    sheet: str | None
    line: int | None
    column: str | None
    value: str | None  # already safe to show (see ``shown``)
    message: str
    cell: str | None = None  # "C5" where the finding is about one cell (or a header cell)


@dataclass(frozen=True)
class BookLayout:
    """The sheets a kind of workbook has, and the rule codes its reader's findings carry.

    The R2 workbook is ``R2_BOOK``; the agency return (R4) and the time-use diary (R5) have their own
    (``validation.schemas.agency``, ``validation.schemas.diary``)."""

    sheets: tuple[SheetLayout, ...]
    information_sheets: tuple[str, ...] = ()
    unknown_sheet: str = "RWR020"
    unknown_column: str = "RWR021"
    formula: str = "RWR022"
    missing_column: str = "RWR023"
    max_rows: int = MAX_ROWS


R2_BOOK = BookLayout(SHEETS, INFORMATION_SHEETS)


@dataclass
class SheetRow:
    line: int  # spreadsheet row number
    values: dict[str, object]  # known column -> value as sent (None when the cell is empty)
    formulas: dict[str, str] = field(default_factory=dict)  # column -> formula text, for formula cells


@dataclass
class Sheet:
    name: str  # as named in the file
    layout: SheetLayout
    letters: dict[str, str]  # known column -> its column letter in the file
    rows: list[SheetRow]  # every row below the header with a value in a known column

    def cell(self, column: str, line: int) -> str | None:
        letter = self.letters.get(column)
        return f"{letter}{line}" if letter else None


@dataclass
class Workbook:
    sheets: dict[str, Sheet]  # layout name (R2: About, Summary, Teams, NonSW) -> sheet; absent when not sent
    findings: list[Finding]
    sheet_names: list[str]  # every sheet, as named in the file


def looks_like_workbook(head: bytes) -> bool:
    """Recognise an .xlsx by its content (a zip's local file header), not its name."""
    return head.startswith(ZIP_MAGIC)


def is_formula_like(value: object) -> bool:
    """Text a spreadsheet would run as a formula if it were typed or pasted into a cell."""
    if not isinstance(value, str) or not value:
        return False
    if value.startswith(FORMULA_CONTROL_STARTS):
        return True
    text = value.strip()
    return len(text) > 1 and text.startswith(FORMULA_STARTS) and as_number(text) is None


def shown(value: object, limit: int = 200) -> str | None:
    """A value as it may be echoed in a report or message: formula-like text is prefixed with ' (kept as
    text, never run), dates are ISO, whole numbers lose ".0", long text is cut."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, datetime):
        text = value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    elif isinstance(value, date | time):
        text = value.isoformat()
    elif isinstance(value, timedelta):
        text = str(value)
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    text = text[:limit]
    return "'" + text if is_formula_like(text) else text


def as_sent(value: object) -> object:
    """A value for the quarantine record: as sent, but JSON-friendly and never a live formula."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, str):
        return shown(value, limit=10_000)
    return value


def read_workbook(data: bytes, layout: BookLayout = R2_BOOK) -> Workbook:
    """Check the container, then read the sheets of ``layout`` (default the R2 workbook's)."""
    check_container(data)
    values_book = formulas_book = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it does not read
            values_book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True,
                                                 keep_links=False)
            if _has_formulas(data):  # else there is no formula cell to find: the second read is skipped
                formulas_book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False,
                                                       keep_links=False)
            return _read(values_book, formulas_book, layout)
    except WorkbookReadError:
        raise
    except Exception as exc:  # a hostile or broken file must never crash the pipeline
        raise WorkbookReadError(f"the workbook could not be read ({type(exc).__name__}): open it in Excel, "
                                "save it as .xlsx and resend") from None
    finally:
        for book in (values_book, formulas_book):
            if book is not None:
                book.close()


def peek_about(path: str | Path) -> tuple[str | None, int | None]:
    """The LA code and census year a workbook's About sheet names, to route it before validating it.

    Never raises: (None, None) for what cannot be read; either may be None. Nothing here is checked against
    the LA list or the quarter ends: that is the validator's job (RWR002, RWR003).
    """
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
        about = read_workbook(data).sheets.get("About")
    except (WorkbookReadError, OSError):
        return None, None
    if about is None or not about.rows:
        return None, None
    values = about.rows[0].values
    period_end = date_of(values.get("period_end"))
    return la_code_of(values.get("old_la_code")), census_year_of(period_end) if period_end else None


def check_container(data: bytes) -> None:
    """Refuse, with a clear reason, anything that is not a plain .xlsx package of reasonable size."""
    if not data:
        raise WorkbookReadError("the file is empty")
    if len(data) > MAX_FILE_BYTES:
        raise WorkbookReadError(f"the file is {len(data):,} bytes, far larger than any real workbook return "
                                f"(limit {MAX_FILE_BYTES:,}): not read")
    if data.startswith(OLE_MAGIC):
        raise WorkbookReadError("the workbook is password-protected (encrypted) or an old .xls file: remove the "
                                "password and save it as .xlsx (Excel Workbook), then resend")
    if not looks_like_workbook(data):
        raise WorkbookReadError("not an .xlsx workbook: the file is not a zip package (is it a CSV, a PDF or "
                                "another file renamed .xlsx?)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise WorkbookReadError(f"not a readable .xlsx workbook: the zip package is damaged ({exc})") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise WorkbookReadError(f"the file has {len(members):,} parts, far more than any workbook "
                                    f"(limit {MAX_MEMBERS:,}): not read")
        declared = sum(m.file_size for m in members)
        if declared > MAX_UNCOMPRESSED_BYTES:
            raise WorkbookReadError(f"the file would unpack to {declared:,} bytes, far more than any real "
                                    f"workbook return (limit {MAX_UNCOMPRESSED_BYTES:,}): not read (a zip bomb?)")
        if any(m.flag_bits & 0x1 for m in members):
            raise WorkbookReadError("the file's zip parts are encrypted: remove the password, save the workbook "
                                    "as .xlsx and resend")
        _check_is_xlsx(archive, {m.filename for m in members})
        for member in members:
            _scan_member(archive, member)


def _check_is_xlsx(archive: zipfile.ZipFile, names: set[str]) -> None:
    if "[Content_Types].xml" in names:
        info = archive.getinfo("[Content_Types].xml")
        if info.file_size <= 1024 * 1024:
            try:
                types = archive.read(info)
            except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, OSError, EOFError):
                raise WorkbookReadError("not a readable .xlsx workbook: its content types part is damaged") \
                    from None
            if any(part in types for part in _XLSX_MAIN_PARTS):
                return
    if any(name.lower().endswith("workbook.bin") for name in names):
        kind = "an Excel binary workbook (.xlsb)"
    elif any(name.startswith("word/") for name in names):
        kind = "a Word document"
    elif any(name.startswith("ppt/") for name in names):
        kind = "a PowerPoint file"
    elif "mimetype" in names or "content.xml" in names:
        kind = "an OpenDocument file (.ods)"
    else:
        kind = "a zip archive"
    raise WorkbookReadError(f"not an .xlsx workbook: the file is {kind}; save the workbook as .xlsx "
                            "(Excel Workbook) and resend")


def _scan_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Inflate one member (bounded by its declared size, CRC checked) looking for DTDs and entities."""
    tail = b""
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(1024 * 1024):
                window = tail + chunk
                if any(pattern in window for pattern in _FORBIDDEN_XML):
                    raise WorkbookReadError(f"the workbook part {member.filename[:100]!r} declares a DTD or "
                                            "entities, which an .xlsx never has: not read")
                tail = window[-32:]
    except WorkbookReadError:
        raise
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, OSError, EOFError,
            ValueError) as exc:
        raise WorkbookReadError(f"not a readable .xlsx workbook: the part {member.filename[:100]!r} is damaged "
                                f"({type(exc).__name__})") from None


def _sheet_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


_FORMULA_ELEMENT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")


def _has_formulas(data: bytes) -> bool:
    """Whether any worksheet part holds a formula element (``<f>``, any namespace prefix). The container was
    checked already (sizes, CRCs), so inflating the worksheets here is safe."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.infolist():
            if member.filename.startswith("xl/worksheets/") and _FORMULA_ELEMENT.search(archive.read(member)):
                return True
    return False


def _header_key(value: object) -> str:
    return re.sub(r"[\s\-]+", "_", str(value).strip().lower())


def _read(values_book, formulas_book, book_layout: BookLayout) -> Workbook:
    layouts = {_sheet_key(layout.name): layout for layout in book_layout.sheets}
    information = {_sheet_key(name) for name in book_layout.information_sheets}
    book = Workbook(sheets={}, findings=[], sheet_names=list(values_book.sheetnames))
    for name in values_book.sheetnames:
        key = _sheet_key(name)
        layout = layouts.get(key)
        worksheet = values_book[name]
        if layout is not None and layout.name not in book.sheets and hasattr(worksheet, "iter_rows"):
            formula_sheet = formulas_book[name] if formulas_book is not None else None
            book.sheets[layout.name] = _read_sheet(name, layout, worksheet, formula_sheet, book.findings,
                                                   book_layout)
        elif key in information and layout is None:
            continue
        else:
            reason = ("another sheet with this name was read" if layout is not None and layout.name in book.sheets
                      else "not a worksheet" if layout is not None else "not a sheet of this workbook")
            book.findings.append(Finding(book_layout.unknown_sheet, None, None, None, shown(name),
                                         f"sheet {shown(name)!r} was ignored: {reason}"))
    return book


def _rows(worksheet, values_only: bool) -> Iterator[tuple[int, tuple]]:
    yield from enumerate(worksheet.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=values_only), start=1)


def _formula_cells(worksheet, max_rows: int) -> dict[tuple[int, int], str]:
    """(line, column index) -> formula text, for every formula cell in the first ``max_rows`` rows (none when the
    workbook has no formula at all: ``worksheet`` None)."""
    found: dict[tuple[int, int], str] = {}
    if worksheet is None:
        return found
    for line, row in _rows(worksheet, values_only=False):
        if line > max_rows:
            break
        for index, cell in enumerate(row):
            if getattr(cell, "data_type", None) == "f" and cell.value is not None:
                value = cell.value
                found[(line, index)] = str(getattr(value, "text", None) or value)
    return found


def _read_sheet(name: str, layout: SheetLayout, worksheet, formula_sheet, findings: list[Finding],
                book: BookLayout) -> Sheet:
    max_rows = book.max_rows
    formulas = _formula_cells(formula_sheet, max_rows)
    columns: dict[str, int] = {}
    unnamed: set[int] = set()
    unnamed_with_values: set[int] = set()
    rows: list[SheetRow] = []
    for line, row in _rows(worksheet, values_only=True):
        if line == 1:
            for index, title in enumerate(row):
                _header(name, layout, index, title, columns, unnamed, findings, book.unknown_column)
            continue
        if line > max_rows:
            if any(not is_empty(v) for v in row):
                raise WorkbookReadError(f"sheet {shown(name)!r} has values in row {line}, below row {max_rows}: "
                                        "far more rows than a workbook return has; not read")
            continue
        unnamed_with_values.update(i for i in unnamed if i < len(row) and not is_empty(row[i]))
        values: dict[str, object] = {}
        row_formulas: dict[str, str] = {}
        for column, index in columns.items():
            value = row[index] if index < len(row) else None
            formula = formulas.get((line, index)) if formulas else None
            if formula is not None:
                row_formulas[column] = formula
                if value is None:  # a formula with no saved result: keep its text, never run it
                    value = formula
                    cell = f"{get_column_letter(index + 1)}{line}"
                    findings.append(Finding(
                        book.formula, name, line, column, shown(formula),
                        f"{name} cell {cell} ({column}) holds a formula with no saved result, {shown(formula)}: it "
                        "was not run; its text is kept as the value", cell))
            elif is_formula_like(value):
                cell = f"{get_column_letter(index + 1)}{line}"
                findings.append(Finding(
                    book.formula, name, line, column, shown(value),
                    f"{name} cell {cell} ({column}): the text {shown(value)} starts like a formula; it was kept as "
                    "text and never run", cell))
            values[column] = None if is_empty(value) else value
        if any(v is not None for v in values.values()):
            rows.append(SheetRow(line, values, row_formulas))
    for index in sorted(unnamed_with_values):
        letter = get_column_letter(index + 1)
        findings.append(Finding(book.unknown_column, name, None, letter, None,
                                f"{name} column {letter} has values but no header in row 1: ignored"))
    missing = [column for column in layout.expected if column not in columns]
    if missing and len(missing) == len(layout.expected):
        findings.append(Finding(book.missing_column, name, None, None, None,
                                f"{name} has none of its columns in row 1 ({', '.join(layout.expected)}): the sheet "
                                "was not read"))
    else:
        findings.extend(Finding(book.missing_column, name, None, column, None,
                                f"{name} has no column {column!r} in row 1: its values are taken as not given")
                        for column in missing)
    letters = {column: get_column_letter(index + 1) for column, index in columns.items()}
    return Sheet(name=name, layout=layout, letters=letters, rows=rows)


def _header(sheet: str, layout: SheetLayout, index: int, title: object, columns: dict[str, int],
            unnamed: set[int], findings: list[Finding], code: str) -> None:
    letter = get_column_letter(index + 1)
    if is_empty(title):
        unnamed.add(index)
        return
    key = _header_key(title)
    if key in layout.columns and key not in columns:
        columns[key] = index
        return
    reason = (f"a second {key!r} column (the first, column {get_column_letter(columns[key] + 1)}, was read)"
              if key in columns else "not a column of this sheet")
    findings.append(Finding(code, sheet, 1, letter, shown(title),
                            f"{sheet} column {letter}, {shown(title)!r}, was ignored: {reason}", f"{letter}1"))
