"""Read a published EES data file (R3, CSV) into its header and text rows, safely.

Only UTF-8 text is read (with or without a byte-order mark). A file that is too large, empty, binary
(NUL bytes, a zip or workbook), UTF-16/32 or in an 8-bit encoding (Latin-1, Windows-1252) is refused with
a message saying what it is, never decoded by guesswork. Every cell is kept as the text that was sent
(surrounding spaces removed); typing and checking are the validator's job (``validation.ees``).
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass

MAX_BYTES = 50 * 1024 * 1024  # the whole 2017-2025 national, regional and LA file is about 200 KB
HEAD_BYTES = 4096
# The columns that mark an EES data file (every EES file has both; its .meta.csv has neither).
MARKER_COLUMNS = ("time_period", "geographic_level")

_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"),
)


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
    head = head[:HEAD_BYTES]
    for bom, encoding in _WIDE_BOMS:
        if head.startswith(bom):
            text = head.decode(encoding.lower(), errors="ignore")
            break
    else:
        text = head.removeprefix(codecs.BOM_UTF8).decode("utf-8", errors="ignore")
    text = text.lstrip("\ufeff")
    names = _header_names(text.splitlines()[0] if text else "")
    return all(marker in names for marker in MARKER_COLUMNS)


def decode(data: bytes) -> str:
    """The file's text, or EesReadError (EES001) saying why it is not a UTF-8 CSV."""
    if not data.strip():
        raise EesReadError("the file is empty")
    if len(data) > MAX_BYTES:
        raise EesReadError(f"the file is {len(data):,} bytes, far larger than any published EES file "
                           f"(limit {MAX_BYTES:,}): not read")
    for bom, encoding in _WIDE_BOMS:
        if data.startswith(bom):
            raise EesReadError(f"the file is {encoding} text; EES data files are UTF-8: save it as "
                               "'CSV UTF-8' and load it again")
    if data.startswith(b"PK\x03\x04"):
        raise EesReadError("the file is a zip archive (perhaps an Excel workbook), not a CSV: download "
                           "the EES data file as CSV")
    if b"\x00" in data[: MAX_BYTES]:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise EesReadError("the file contains NUL bytes: it is binary or UTF-16 text without a byte-order "
                           "mark, not a UTF-8 CSV", line=line)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise EesReadError(f"the file is not UTF-8 text: byte 0x{data[exc.start]:02X} at line {line} cannot be "
                           "read (a Latin-1/Windows-1252 export?); save it as 'CSV UTF-8' and load it again",
                           line=line) from None
    controls = [c for c in text[:HEAD_BYTES] if ord(c) < 32 and c not in "\t\r\n"]
    if controls:
        raise EesReadError("the file contains control characters: it is binary, not a CSV")
    return text


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
