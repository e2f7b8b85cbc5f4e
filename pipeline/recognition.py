"""What a file is, read from its first bytes (and, for a workbook, its name).

Plain Python (no Dagster import), so that the ingest worker processes start quickly; ``pipeline.routing``
reads a return's LA and year on top of it (the LA codes that exist: ``reference.geography.la_units``).
"""

from __future__ import annotations

from validation.readers.csww_xml import looks_like_csww
from validation.readers.ees_csv import looks_like_ees

HEAD_BYTES = 8192


def recognise(head: bytes, name: str) -> str:
    """The kind of a file, from its first bytes (and, for a workbook that is not even a zip, its name):
    csww_xml | workbook | ees_csv | unrecognised. Routing and validation both ask this one function."""
    if looks_like_csww(head):
        return "csww_xml"
    if head.startswith(b"PK\x03\x04") or name.lower().endswith(".xlsx"):
        return "workbook"
    if looks_like_ees(head):
        return "ees_csv"
    return "unrecognised"
