"""Small R4 agency returns for tests: an .xlsx (About + Assignments) or a CSV (About columns on every row).

``agency_workbook()`` writes a clean return by default (LA 840, quarter ending 30 June 2025, two assignments
within the North East's illustrative caps); ``agency_csv()`` the same as CSV. Every part can be overridden,
dropped or added to; text is written as text, even when it starts with "=".
"""

from __future__ import annotations

import csv
import io
from datetime import date

from tests.workbook_builders import write_sheets
from validation.schemas.agency import ABOUT_COLUMNS, ASSIGNMENTS

ASSIGNMENT_COLUMNS = list(ASSIGNMENTS.columns)


def agency_about(**values: object) -> dict:
    base: dict[str, object] = {"old_la_code": "840", "la_name": "County Durham", "quarter_end": date(2025, 6, 30),
                               "monthly_agency_spend_1": 182_000.0, "monthly_agency_spend_2": 175_500.5,
                               "monthly_agency_spend_3": 190_250.0}
    base.update(values)
    return base


def assignment(assignment_id: object = "AG-0001", **values: object) -> dict:
    """A social worker since 1 February 2025 at £30.00 + £4.29 (under the £36.00 cap in force then)."""
    base: dict[str, object] = {
        "assignment_id": assignment_id, "swe_number": "SW1234567", "role_type": "social_worker",
        "team_type": "long_term", "start_date": date(2025, 2, 1), "end_date": None, "hourly_pay_rate": 30.0,
        "hourly_on_costs": 4.29, "hourly_charge_rate": 40.5, "project_team": 0, "covering_vacancy": 1,
        "pqe_years": 6.5, "references_received": 2, "notice_weeks": 4, "cap_exception_approved_by": None,
    }
    base.update(values)
    return base


def default_assignments() -> list[dict]:
    return [assignment("AG-0001"),
            assignment("AG-0002", swe_number="SW7654321", role_type="team_manager", team_type="assessment",
                       start_date=date(2024, 11, 4), end_date=date(2025, 5, 30), hourly_pay_rate=38.0,
                       hourly_on_costs=5.43, hourly_charge_rate=49.0, pqe_years=12)]


def agency_workbook(*, about_row: dict | None = None, rows: list[dict] | None = None,
                    columns: dict[str, list[str]] | None = None, drop: tuple[str, ...] = (),
                    extra_sheets: dict[str, list[list[object]]] | None = None) -> bytes:
    """An agency return .xlsx as bytes (``columns`` overrides a sheet's header; ``drop`` leaves sheets out)."""
    headers = {"About": list(ABOUT_COLUMNS), "Assignments": ASSIGNMENT_COLUMNS, **(columns or {})}
    content = {"About": [about_row if about_row is not None else agency_about()],
               "Assignments": rows if rows is not None else default_assignments()}
    return write_sheets({name: (headers[name], content[name]) for name in content if name not in drop},
                        extra_sheets)


def agency_csv(*, about_row: dict | None = None, rows: list[dict] | None = None, header: list[str] | None = None,
               encoding: str = "utf-8", about_on_every_row: bool = True) -> bytes:
    """An agency return as CSV: the About columns first, then the Assignments columns, one row per assignment."""
    about_values = about_row if about_row is not None else agency_about()
    header = header or [*ABOUT_COLUMNS, *ASSIGNMENT_COLUMNS]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for number, row in enumerate(rows if rows is not None else default_assignments()):
        values = {**(about_values if about_on_every_row or number == 0 else {}), **row}
        writer.writerow([_text(values.get(column)) for column in header])
    return buffer.getvalue().encode(encoding)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
