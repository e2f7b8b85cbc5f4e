"""Small R5 time-use diaries for tests: an .xlsx (About + Entries) or a CSV (About columns on every row).

``diary_workbook()`` writes a clean diary by default (LA 840, 1 to 28 September 2025, two workers: a pseudonym
and a SWE number, three days each, 7.5 hours a day over four activities); ``diary_csv()`` the same as CSV.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from tests.workbook_builders import write_sheets
from validation.schemas.diary import ABOUT_COLUMNS, ENTRIES

ENTRY_COLUMNS = list(ENTRIES.columns)
START = date(2025, 9, 1)


def diary_about(**values: object) -> dict:
    base: dict[str, object] = {"old_la_code": "840", "la_name": "County Durham", "diary_start": START,
                               "diary_end": date(2025, 9, 28), "contracted_hours_per_fte": 37}
    base.update(values)
    return base


def entry(worker_ref: object = "W-001", day: object = START, activity: object = "case_recording",
          hours: object = 2.0, **values: object) -> dict:
    base: dict[str, object] = {"worker_ref": worker_ref, "team_type": "long_term", "fte": 1.0, "first_year": 0,
                               "date": day, "activity": activity, "case_type": "cp", "hours": hours}
    base.update(values)
    return base


def worker_days(worker_ref: object = "W-001", days: int = 3, *, first: date = START, hours_per_day: float = 7.5,
                **values: object) -> list[dict]:
    """One worker's entries for ``days`` weekdays from ``first``: direct work, recording, admin and travel."""
    split = [("direct_face_to_face", "cp", 0.3), ("case_recording", "cp", 0.4), ("admin", "none", 0.2),
             ("travel", "cp", 0.1)]
    rows: list[dict] = []
    day, done = first, 0
    while done < days:
        if day.weekday() < 5:
            cases = {"cases_cp": 9, "cases_cin": 6, "cases_cla": 3}
            for number, (activity, case_type, share) in enumerate(split):
                rows.append(entry(worker_ref, day, activity, round(hours_per_day * share, 2), case_type=case_type,
                                  **(cases if number == 0 else {}), **values))
            done += 1
        day += timedelta(days=1)
    return rows


def default_entries() -> list[dict]:
    return [*worker_days("W-001"), *worker_days("SW1234567", team_type="assessment", fte=0.8, first_year=1,
                                                hours_per_day=6.0)]


def diary_workbook(*, about_row: dict | None = None, rows: list[dict] | None = None,
                   columns: dict[str, list[str]] | None = None, drop: tuple[str, ...] = (),
                   extra_sheets: dict[str, list[list[object]]] | None = None) -> bytes:
    headers = {"About": list(ABOUT_COLUMNS), "Entries": ENTRY_COLUMNS, **(columns or {})}
    content = {"About": [about_row if about_row is not None else diary_about()],
               "Entries": rows if rows is not None else default_entries()}
    return write_sheets({name: (headers[name], content[name]) for name in content if name not in drop},
                        extra_sheets)


def diary_csv(*, about_row: dict | None = None, rows: list[dict] | None = None, header: list[str] | None = None,
              encoding: str = "utf-8") -> bytes:
    about_values = about_row if about_row is not None else diary_about()
    header = header or [*ABOUT_COLUMNS, *ENTRY_COLUMNS]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows if rows is not None else default_entries():
        values = {**about_values, **row}
        writer.writerow(["" if values.get(c) is None else
                         values[c].isoformat() if isinstance(values.get(c), date) else str(values[c])
                         for c in header])
    return buffer.getvalue().encode(encoding)
