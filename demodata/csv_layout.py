"""The CSV layout of an About + table return (R4 agency return, R5 diary): one header naming the About columns
and then the table's, the About values repeated on every row (``validation.readers.tabular`` reads it back)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import date


def csv_text(value: object) -> str:
    """A value as the CSV holds it: dates ISO, numbers without trailing zeros, None empty."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def about_table_csv(about: Mapping[str, object], about_columns: Sequence[str], columns: Sequence[str],
                    rows: Sequence[Mapping[str, object]]) -> bytes:
    """UTF-8 CSV bytes; with no rows, one row holding About alone (an empty return still names its LA)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*about_columns, *columns])
    head = [csv_text(about.get(c)) for c in about_columns]
    for row in rows:
        writer.writerow(head + [csv_text(row.get(c)) for c in columns])
    if not rows:
        writer.writerow(head + [""] * len(columns))
    return buffer.getvalue().encode("utf-8")
