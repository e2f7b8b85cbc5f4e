"""Small R2 workbooks for tests, written with openpyxl, and broken or hostile files that pretend to be one.

``workbook()`` writes a clean return by default (About for LA 840, period end 30 September 2025; one Summary
row; two Teams rows; two NonSW rows); every part can be overridden, dropped or added to. Text is written as
text, even when it starts with "=" (a spreadsheet's literal text); wrap it in ``Formula`` to write a formula
cell (with no saved result, as a script writes it).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import openpyxl

from validation.schemas.workbook import ABOUT_COLUMNS, NON_SW_COLUMNS, SUMMARY_COLUMNS, TEAM_COLUMNS

KNOWN = {"840", "841"}


@dataclass(frozen=True)
class Formula:
    text: str  # e.g. "=1+1"


def about(**values: object) -> dict:
    base: dict[str, object] = {"old_la_code": "840", "la_name": "County Durham", "period_end": date(2025, 9, 30)}
    base.update(values)
    return base


def summary_row(**values: object) -> dict:
    base: dict[str, object] = {
        "inpost_fte": 380.5, "inpost_headcount": 402, "starters_fte": 51.2, "starters_headcount": 55,
        "leavers_fte": 60.0, "leavers_headcount": 64, "agency_fte": 40.0, "agency_headcount": 41,
        "agency_cover_fte": 30.0, "vacancy_fte": 45.5, "case_holders_fte": 300.0, "cases": 5200,
        "working_days_lost_fte": 4100.25,
    }
    base.update(values)
    return base


def team_row(team_type: object = "front_door", **values: object) -> dict:
    base: dict[str, object] = {
        "team_type": team_type, "case_holders_fte": 40.0, "nqsw_case_holders_fte": 6.5, "children_allocated": 800,
        "children_cin": 500, "children_cp": 200, "children_cla": 100, "children_care_leavers": 0,
        "children_in_proceedings": 20, "vacancy_fte": 4.0, "agency_fte": 5.5,
    }
    base.update(values)
    return base


def non_sw_row(role: object = "family_support_worker", **values: object) -> dict:
    base: dict[str, object] = {"role": role, "headcount": 30, "fte": 27.5, "agency_fte": 1.0, "vacancy_fte": 2.0,
                               "leavers_fte": 3.0, "working_days_lost_fte": 250.0}
    base.update(values)
    return base


DEFAULT_COLUMNS = {
    "About": [*ABOUT_COLUMNS, "return_type"],
    "Summary": list(SUMMARY_COLUMNS),
    "Teams": ["team_type", *TEAM_COLUMNS],
    "NonSW": ["role", *NON_SW_COLUMNS],
}


def _write(cell, value: object) -> None:
    if isinstance(value, Formula):
        cell.value = value.text  # openpyxl stores a string starting with "=" as a formula
    elif isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # literal text, even "=1+1"
    elif isinstance(value, date | datetime):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    else:
        cell.value = value


def workbook(*, about_row: dict | None = None, summary: list[dict] | None = None, teams: list[dict] | None = None,
             non_sw: list[dict] | None = None, columns: dict[str, list[str]] | None = None,
             drop: tuple[str, ...] = (), extra_sheets: dict[str, list[list[object]]] | None = None,
             sheet_names: dict[str, str] | None = None) -> bytes:
    """An .xlsx as bytes. ``columns`` overrides a sheet's header (values are looked up by header name);
    ``drop`` leaves sheets out; ``sheet_names`` renames them; ``extra_sheets`` adds sheets of raw rows."""
    content = {
        "About": [about_row if about_row is not None else about()],
        "Summary": summary if summary is not None else [summary_row()],
        "Teams": teams if teams is not None else [team_row("front_door"), team_row("long_term")],
        "NonSW": non_sw if non_sw is not None else [non_sw_row("family_support_worker"),
                                                     non_sw_row("business_support", headcount=12, fte=10.0)],
    }
    headers = {**DEFAULT_COLUMNS, **(columns or {})}
    sheets = {(sheet_names or {}).get(name, name): (headers[name], rows) for name, rows in content.items()
              if name not in drop}
    return write_sheets(sheets, extra_sheets)


def write_sheets(sheets: dict[str, tuple[list[str], list[dict]]],
                 extra_sheets: dict[str, list[list[object]]] | None = None) -> bytes:
    """An .xlsx as bytes: each sheet's header, then its rows (values looked up by header name, ignoring case,
    spaces and hyphens); ``extra_sheets`` are raw rows from row 1."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, (header, rows) in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(header)
        for row_number, row in enumerate(rows, start=2):
            for column_number, title in enumerate(header, start=1):
                value = row.get(re.sub(r"[\s\-]+", "_", title.strip().lower()))
                if value is not None:
                    _write(sheet.cell(row=row_number, column=column_number), value)
    for name, rows in (extra_sheets or {}).items():
        sheet = book.create_sheet(name)
        for row_number, row in enumerate(rows, start=1):
            for column_number, value in enumerate(row, start=1):
                if value is not None:
                    _write(sheet.cell(row=row_number, column=column_number), value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def fill_template(path: Path, cells: dict[str, dict[str, object]]) -> bytes:
    """Fill a written template like an LA would: ``cells`` maps sheet -> {"B2": value}; returns the bytes."""
    book = openpyxl.load_workbook(path)
    for sheet, values in cells.items():
        for reference, value in values.items():
            _write(book[sheet][reference], value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- hostile and broken files -----------------------------------------------------------------------------

def zip_of(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_not_xlsx() -> bytes:
    """A perfectly good zip of text files, named .xlsx by the sender."""
    return zip_of({"notes.txt": b"figures to follow", "data/returns.csv": b"la,fte\n840,380.5\n"})


def word_document() -> bytes:
    return zip_of({"[Content_Types].xml": b"<Types><Override ContentType='application/vnd.openxmlformats-"
                                           b"officedocument.wordprocessingml.document.main+xml'/></Types>",
                   "word/document.xml": b"<w:document/>"})


def junk(size: int = 4096) -> bytes:
    """Random-looking binary bytes (deterministic)."""
    state, out = 12345, bytearray()
    while len(out) < size:
        state = (1103515245 * state + 12345) % 2**31
        out.append(state >> 16 & 0xFF)
    return bytes(out)


def ole_encrypted() -> bytes:
    """The start of an OLE compound file: what Excel writes for a password-protected workbook (or an .xls)."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def declared_zip_bomb(declared: int = 0xFFFF_FFF0) -> bytes:
    """A real xlsx whose central directory declares one member unpacks to about 4 GB."""
    data = bytearray(workbook())
    start = data.rfind(b"PK\x01\x02")  # the last central directory entry
    struct.pack_into("<I", data, start + 24, declared)  # its uncompressed size
    return bytes(data)


def deflated_zip_bomb(megabytes: int = 110) -> bytes:
    """A real xlsx plus a member of zeros that really inflates to ``megabytes`` MB (it compresses ~1000:1)."""
    buffer = io.BytesIO(workbook())
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("xl/media/padding.bin", "w", force_zip64=True) as member:
            block = b"\x00" * (1024 * 1024)
            for _ in range(megabytes):
                member.write(block)
    return buffer.getvalue()


def with_member(data: bytes, name: str, transform) -> bytes:
    """Rewrite one member of a zip through ``transform(bytes) -> bytes``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    members = {info.filename: source.read(info) for info in source.infolist()}
    members[name] = transform(members[name])
    return zip_of(members)


def entity_bomb() -> bytes:
    """An xlsx whose sheet declares a DTD with nested entities ("billion laughs")."""
    doctype = (b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
               b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>')
    return with_member(workbook(), "xl/worksheets/sheet1.xml",
                       lambda xml: doctype + xml[xml.index(b"?>") + 2:] if xml.startswith(b"<?xml") else doctype + xml)


def broken_sheet_xml() -> bytes:
    """A valid zip with the xlsx parts, but a worksheet that is not well-formed XML."""
    return with_member(workbook(), "xl/worksheets/sheet2.xml", lambda xml: xml[: len(xml) // 2])


def truncated() -> bytes:
    data = workbook()
    return data[: len(data) // 2]


def encrypted_zip_member() -> bytes:
    """An xlsx whose members claim zip encryption (general purpose flag bit 0)."""
    data = bytearray(workbook())
    position = 0
    while (position := data.find(b"PK\x01\x02", position)) != -1:
        flags = struct.unpack_from("<H", data, position + 8)[0]
        struct.pack_into("<H", data, position + 8, flags | 0x1)
        position += 4
    return bytes(data)


def understated_zip_bomb(megabytes: int = 20) -> bytes:
    """A real xlsx plus a member that inflates to ``megabytes`` MB but whose central directory says 1,000 bytes."""
    source = zipfile.ZipFile(io.BytesIO(workbook()))
    members = {info.filename: source.read(info) for info in source.infolist()}
    members["xl/media/padding.bin"] = b"\x00" * (megabytes * 1024 * 1024)
    data = bytearray(zip_of(members))
    entry = data.find(b"xl/media/padding.bin", data.find(b"PK\x01\x02")) - 46  # its central directory entry
    assert data[entry:entry + 4] == b"PK\x01\x02"
    struct.pack_into("<I", data, entry + 24, 1000)  # uncompressed size
    return bytes(data)
