"""Read a published EES data file (R3, CSV) into its header and text rows, safely.

Only UTF-8 text is read (with or without a byte-order mark). A file that is too large, empty, binary
(NUL bytes, a zip or workbook), UTF-16/32 or in an 8-bit encoding (Latin-1, Windows-1252) is refused with
a message saying what it is, never decoded by guesswork. Every cell is kept as the text that was sent
(surrounding spaces removed); typing and checking are the validator's job (``validation.ees``).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from validation.readers.text import CsvWords, TextReadError, decode_csv, head_text

MAX_BYTES = 50 * 1024 * 1024  # the whole 2017-2025 national, regional and LA file is about 200 KB
# The columns that mark an EES data file (every EES file has both; its .meta.csv has neither).
MARKER_COLUMNS = ("time_period", "geographic_level")
WORDS = CsvWords(larger_than="any published EES file", utf8_note="EES data files are UTF-8",
                 resave="save it as 'CSV UTF-8' and load it again", zip_advice="download the EES data file as CSV")


class EesReadError(Exception):
    """The file cannot be read as an EES CSV at all: ``code`` EES001 (unreadable) or EES002 (not EES)."""

    def __init__(self, message: str, code: str = "EES001", line: int | None = None):
        super().__init__(message)
        self.code = code
        self.line = line


@dataclass
class EesTable:
    header: list[str]
    header_line: int
    rows: list[tuple[int, list[str]]]  # (line in the file where the row ends, its cells)


def _header_names(first_line: str) -> list[str]:
    try:
        cells = next(csv.reader([first_line]))
    except (csv.Error, StopIteration):
        return []
    return [cell.strip().lower() for cell in cells]


def looks_like_ees(head: bytes) -> bool:
    """Recognise an EES data file by its content (the first few KB): a header line naming time_period
    and geographic_level. UTF-16/32 text is recognised too, so that it gets a clear encoding error."""
    text = head_text(head)
    names = _header_names(text.splitlines()[0] if text else "")
    return all(marker in names for marker in MARKER_COLUMNS)


def decode(data: bytes) -> str:
    """The file's text, or EesReadError (EES001) saying why it is not a UTF-8 CSV."""
    try:
        return decode_csv(data, max_bytes=MAX_BYTES, words=WORDS)
    except TextReadError as exc:
        raise EesReadError(str(exc), line=exc.line) from None


def read_ees_csv(data: bytes) -> EesTable:
    """Decode and parse the file; the first record is the header. Blank lines are skipped."""
    text = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    header_line = 0
    rows: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            if not cells or all(not cell.strip() for cell in cells):
                continue
            if header is None:
                header = [cell.strip() for cell in cells]
                header_line = reader.line_num
                continue
            rows.append((reader.line_num, [cell.strip() for cell in cells]))
    except csv.Error as exc:
        raise EesReadError(f"not a readable CSV at line {reader.line_num}: {exc}", "EES002",
                           reader.line_num) from None
    if header is None:
        raise EesReadError("the file has no header line", "EES002")
    if not all(marker in header for marker in MARKER_COLUMNS):
        raise EesReadError("not an EES data file: the first line is not a header naming "
                           f"{' and '.join(MARKER_COLUMNS)}", "EES002", header_line)
    return EesTable(header=header, header_line=header_line, rows=rows)
