"""Disclosure control for the public view: rounded values and symbols, applied before data reaches a page.

definitions.md ("Disclosure control (export and public view)"): headcounts under 5 and rates whose
denominator headcount is under 5 are ``c``; unrounded values never leave the warehouse in a public view;
FTEs, rates, caseloads and days to 1 decimal place, headcounts and cases whole. The rules are the EES
export's (``pipeline.disclosure``: ``published_cell``), so the public dashboard and the published file agree
cell for cell; this module only turns each cell back into (rounded value, status) columns so that pages
keep working on numbers.
"""

from __future__ import annotations

import pandas as pd

from pipeline.disclosure import SYMBOLS, ees_measure, measure_columns, published_cell


def public_indicators(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``marts.workforce_indicators`` rows as a public viewer may see them.

    Every measure column is rounded half up to its published decimals; where the export would write a symbol,
    the value becomes null and ``<column>_status`` holds the symbol (``c``, ``low``, ``x``, ``z``; ``u`` keeps
    its number). Guards are computed from the unrounded headcounts before anything is rounded.
    """
    if frame.empty:
        return frame.copy()
    columns = list(frame.columns)
    numeric = [c for c in columns if pd.api.types.is_numeric_dtype(frame[c])]
    measures = [c for c in measure_columns(columns, numeric) if c not in ("las_contributing", "las_expected")]
    records = frame.to_dict("records")
    out = frame.copy()
    for column in measures:
        m = ees_measure(column)
        guard = m.guard_columns(columns)
        status_column = f"{column}_status"
        values: list[float | None] = []
        statuses: list[str | None] = []
        for row in records:
            status = row.get(status_column)
            text = published_cell(row, m, guard, row.get("geographic_level"))
            if text in SYMBOLS:
                values.append(None)
                statuses.append(text)
            else:
                values.append(float(text))
                kept = str(status).strip().lower() if isinstance(status, str) and status.strip() else None
                statuses.append(kept if kept == "u" else None)
        out[column] = pd.Series(values, index=frame.index, dtype="Float64").astype("float64")
        out[status_column] = pd.Series(statuses, index=frame.index, dtype="string")
    return out
