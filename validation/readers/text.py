"""Decode a CSV file's bytes as UTF-8 text, or say plainly why not: the encoding checks every CSV reader shares
(the published EES file, the agency return and the time-use diary as CSV).

Only UTF-8 text is read (with or without a byte-order mark). A file that is too large, empty, binary (NUL
bytes, a zip or workbook, control characters), UTF-16/32 or in an 8-bit encoding (Latin-1, Windows-1252) is
refused with a message saying what it is, never decoded by guesswork.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

HEAD_BYTES = 4096
WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"),
)


class TextReadError(Exception):
    """The bytes are not UTF-8 text a CSV reader may parse (``line``: where the problem is, if known)."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class CsvWords:
    """How one kind of CSV file is named in the messages."""

    larger_than: str  # "any published EES file": the file is far larger than ...
    utf8_note: str  # "EES data files are UTF-8"
    resave: str  # "save it as 'CSV UTF-8' and load it again"
    zip_advice: str  # what to do with a zip or workbook sent as a CSV


def head_text(head: bytes) -> str:
    """The first few KB of a file as text, for recognising it by its header (never for reading it): UTF-16/32
    text is decoded too, so that it is recognised and then refused with a clear encoding error."""
    head = head[:HEAD_BYTES]
    for bom, encoding in WIDE_BOMS:
        if head.startswith(bom):
            return head.decode(encoding.lower(), errors="ignore").lstrip("\ufeff")
    return head.removeprefix(codecs.BOM_UTF8).decode("utf-8", errors="ignore").lstrip("\ufeff")


def decode_csv(data: bytes, *, max_bytes: int, words: CsvWords) -> str:
    """The file's text, or TextReadError saying why it is not a UTF-8 CSV."""
    if not data.strip():
        raise TextReadError("the file is empty")
    if len(data) > max_bytes:
        raise TextReadError(f"the file is {len(data):,} bytes, far larger than {words.larger_than} "
                            f"(limit {max_bytes:,}): not read")
    for bom, encoding in WIDE_BOMS:
        if data.startswith(bom):
            raise TextReadError(f"the file is {encoding} text; {words.utf8_note}: {words.resave}")
    if data.startswith(b"PK\x03\x04"):
        raise TextReadError(f"the file is a zip archive (perhaps an Excel workbook), not a CSV: {words.zip_advice}")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise TextReadError("the file contains NUL bytes: it is binary or UTF-16 text without a byte-order "
                            "mark, not a UTF-8 CSV", line)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TextReadError(f"the file is not UTF-8 text: byte 0x{data[exc.start]:02X} at line {line} cannot be "
                            f"read (a Latin-1/Windows-1252 export?); {words.resave}", line) from None
    controls = [c for c in text[:HEAD_BYTES] if ord(c) < 32 and c not in "\t\r\n"]
    if controls:
        raise TextReadError("the file contains control characters: it is binary, not a CSV")
    return text
