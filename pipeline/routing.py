"""Routing: which return (LA and census year) a file belongs to, read from just enough of the file.

Returns are partitioned by LA and census year (``orchestration.partitions`` makes the Dagster partitions of
these keys), so one LA's (re)submission is one partition's run. A file whose LA or year cannot be read goes to
the ``unknown`` key of that dimension: it is still archived, reported and recorded, just not attributed to an
LA. Plain Python (no Dagster import).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.recognition import HEAD_BYTES, recognise
from reference.geography import la_units
from validation.readers.csww_xml import MAX_BYTES

UNKNOWN = "unknown"
FIRST_YEAR, LAST_YEAR = 2017, 2035



@dataclass(frozen=True)
class Routing:
    """Where a file goes: the published-statistics asset, or a return's (LA, year) partition."""

    kind: str  # csww_xml | workbook | ees_csv | unrecognised
    la: str = UNKNOWN
    year: str = UNKNOWN


_LEA = re.compile(rb"<(?:\w+:)?LEA>\s*([^<\s]+)\s*</")
_YEAR = re.compile(rb"<(?:\w+:)?Year>\s*(\d{4})\s*</")


def route(path: Path) -> Routing:
    """Recognise a file by its content and read just enough to route it (the validators read it all)."""
    if path.stat().st_size > MAX_BYTES:
        return Routing("unrecognised")
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    kind = recognise(head, path.name)
    if kind == "csww_xml":
        lea, year = _LEA.search(head), _YEAR.search(head)
        return Routing(kind, _la(lea.group(1).decode("ascii", "replace") if lea else None),
                       _year(year.group(1).decode() if year else None))
    if kind == "workbook":
        from validation.readers.workbook import peek_about  # the R2 reader knows the About sheet

        la, year = peek_about(path)
        return Routing(kind, _la(la), _year(str(year) if year else None))
    return Routing(kind)


def partition_la(code: str | None) -> str:
    """The ``la`` partition key of an LA code (its unit), or ``unknown``."""
    return _la(code)


def partition_year(year: int | str | None) -> str:
    """The ``year`` partition key of a census year, or ``unknown``."""
    return _year(str(year) if year is not None else None)


def _la(code: str | None) -> str:
    return la_units().get(code or "", UNKNOWN)


def _year(year: str | None) -> str:
    return year if year and year.isdigit() and FIRST_YEAR <= int(year) <= LAST_YEAR else UNKNOWN
