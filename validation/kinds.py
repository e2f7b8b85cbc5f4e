"""Which of the second round's About + table returns a file is, by its content (never its name): the agency
return (R4) or the time-use diary (R5), as an .xlsx (by its table sheet) or a CSV (by its header line). For the
recognition and routing in the pipeline, beside ``looks_like_csww``, ``looks_like_workbook`` and
``looks_like_ees``: an .xlsx that is neither is an R2 workbook; a CSV that is neither may be an EES file.

``peek_agency`` and ``peek_diary`` read the LA code and census year a return names, to route it to its
partition before validating it (like ``validation.readers.workbook.peek_about``): they never raise.
"""

from __future__ import annotations

from pathlib import Path

from validation.readers.tabular import looks_like, peek, workbook_kind
from validation.readers.workbook import looks_like_workbook
from validation.schemas import agency, diary
from validation.schemas.workbook import census_year_of, date_of, la_code_of

LAYOUTS = (agency.LAYOUT, diary.LAYOUT)


def tabular_kind(data: bytes) -> str | None:
    """``agency`` or ``diary`` for an R4 or R5 file (an .xlsx with an Assignments or Entries sheet, or a CSV whose
    header names assignment_id and swe_number, or worker_ref and activity); None for anything else."""
    if looks_like_workbook(data[:4]):
        return workbook_kind(data, LAYOUTS)
    return next((layout.kind for layout in LAYOUTS if looks_like(data[:4096], layout)), None)


def _peek(path: str | Path, layout, column: str) -> tuple[str | None, int | None]:
    code, period = peek(path, layout, column)
    day = date_of(period)
    return la_code_of(code), census_year_of(day) if day is not None else None


def peek_agency(path: str | Path) -> tuple[str | None, int | None]:
    """The LA code and the census year of the quarter end an agency return names ((None, None) if unreadable)."""
    return _peek(path, agency.LAYOUT, "quarter_end")


def peek_diary(path: str | Path) -> tuple[str | None, int | None]:
    """The LA code and the census year of the last diary day a diary names ((None, None) if unreadable)."""
    return _peek(path, diary.LAYOUT, "diary_end")
