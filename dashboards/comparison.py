"""Pure functions that turn an LA row and its region's row into what the comparison page shows.

Holds ``split_rows`` (LA row and region row out of ``data_access.la_and_region``), ``comparison_table``
(every measure: LA, region, difference, unit, definition), ``headline`` (one big-number metric) and
``rate_chart_data`` (the long table the rate chart draws). Draws nothing and reads no data: easy to test.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboards.data_access import LA_LEVEL, REGION_LEVEL
from dashboards.measures import (
    COUNT_NOT_DIFFERENCED,
    SYMBOLS,
    Measure,
    Polarity,
    compare_words,
    difference,
    format_difference,
    format_share,
    format_value,
    normalise_status,
    round_half_up,
    shown_as_number,
)

# Column names of the comparison table (the page and the tests use these).
COL_MEASURE = "Measure"
COL_LA = "Local authority"
COL_REGION = "Region"
COL_DIFFERENCE = "Difference (LA minus region)"
COL_COMPARED = "LA compared with region"
COL_UNIT = "Unit"
COL_DEFINITION = "Definition"
TABLE_COLUMNS = (COL_MEASURE, COL_LA, COL_REGION, COL_DIFFERENCE, COL_COMPARED, COL_UNIT, COL_DEFINITION)


def split_rows(rows: pd.DataFrame) -> tuple[pd.Series | None, pd.Series | None]:
    """(LA row, region row) from ``la_and_region`` output; either is None when absent."""
    def first(level: str) -> pd.Series | None:
        hit = rows[rows["geographic_level"] == level] if "geographic_level" in rows else rows.iloc[0:0]
        return hit.iloc[0] if len(hit) else None

    return first(LA_LEVEL), first(REGION_LEVEL)


def _get(row: pd.Series | None, column: str) -> Any:
    """A cell of a row, None where the row or the column is absent."""
    if row is None or column not in row.index:
        return None
    return row[column]


def cell(row: pd.Series | None, m: Measure) -> tuple[Any, Any]:
    """(value, status) of a measure in a row; None for what is absent.

    Defensive: a value stored as text (an EES cell loaded as it was published) is read as a number, or as
    its symbol ('z', 'c', ...) when it is one.
    """
    value, status = _get(row, m.column), _get(row, m.status_column)
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        try:
            value = float(text)
        except ValueError:
            value = None
            if text.lower() in SYMBOLS and normalise_status(status) is None:
                status = text.lower()
    return value, status


def comparison_table(la: pd.Series | None, region: pd.Series | None,
                     measures: Sequence[Measure]) -> pd.DataFrame:
    """One row per measure: formatted LA and region values, the difference, its reading, unit, definition.

    Values are strings, because a symbol ('not applicable (z)') stands where a number cannot. Rates and
    caseloads get the difference (percentage points for rates) and 'higher (worse)' etc. by polarity;
    totals (FTE, headcounts, cases, days) get the LA's share of the region's total instead, since an LA's
    total minus its region's says nothing.
    """
    records = []
    for m in measures:
        la_value, la_status = cell(la, m)
        region_value, region_status = cell(region, m)
        if m.is_count:
            difference_text = COUNT_NOT_DIFFERENCED
            compared = format_share(la_value, la_status, region_value, region_status)
        else:
            diff = difference(la_value, la_status, region_value, region_status)
            difference_text = format_difference(diff, m, with_unit=True)
            compared = compare_words(diff, m)
        records.append({
            COL_MEASURE: m.label,
            COL_LA: format_value(la_value, la_status, m),
            COL_REGION: format_value(region_value, region_status, m),
            COL_DIFFERENCE: difference_text,
            COL_COMPARED: compared,
            COL_UNIT: str(m.unit),
            COL_DEFINITION: m.description,
        })
    return pd.DataFrame.from_records(records, columns=list(TABLE_COLUMNS))


POLARITY_NOTE: dict[Polarity, str] = {
    Polarity.LOW_IS_GOOD: " Lower is better.",
    Polarity.HIGH_IS_GOOD: " Higher is better.",
    Polarity.NONE: "",
}


@dataclass(frozen=True)
class Headline:
    """What ``st.metric`` needs for one headline measure."""

    label: str
    value: str
    delta: str | int | None  # 0 (a number) when the rounded difference is zero: Streamlit greys it
    delta_color: str  # 'inverse' where low is good, 'normal' where high is good, 'off' otherwise
    delta_description: str | None  # 'vs <region>' beside the delta
    help: str


def headline(la: pd.Series | None, region: pd.Series | None, m: Measure, region_name: str) -> Headline:
    """The LA's value as a big number, with its difference from the region as the delta."""
    la_value, la_status = cell(la, m)
    region_value, region_status = cell(region, m)
    diff = difference(la_value, la_status, region_value, region_status)
    if diff is None:
        delta: str | int | None = None
    elif round_half_up(diff, m.decimals) == 0:
        delta = 0
    else:
        delta = format_difference(diff, m, with_unit=True)
    colour = {Polarity.LOW_IS_GOOD: "inverse", Polarity.HIGH_IS_GOOD: "normal"}.get(m.polarity, "off")
    region_text = format_value(region_value, region_status, m, with_unit=True)
    return Headline(
        label=m.label,
        value=format_value(la_value, la_status, m, with_unit=m.is_rate),
        delta=delta,
        delta_color=colour,
        delta_description=f"vs {region_name}" if delta is not None else None,
        help=f"{m.description} {region_name}: {region_text}.{POLARITY_NOTE[m.polarity]}",
    )


def rate_chart_data(la: pd.Series | None, region: pd.Series | None, measures: Sequence[Measure],
                    la_name: str, region_name: str) -> tuple[pd.DataFrame, list[str]]:
    """Long data for the rate chart, and plain-English notes on what could not be charted.

    Data columns: measure (label), geography (the LA's or region's name), series ('LA' or 'Region'),
    value (unrounded, for bar length), text (as displayed). Only percentages shown as numbers are charted;
    the notes name those a symbol replaced (missing ones are simply absent, as in the table).
    """
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    for m in measures:
        if not m.is_rate:
            continue
        for series, name, row in (("LA", la_name, la), ("Region", region_name, region)):
            value, status = cell(row, m)
            if shown_as_number(value, status):
                rows.append({"measure": m.label, "geography": name, "series": series,
                             "value": float(value), "text": format_value(value, status, m, with_unit=True)})
            elif normalise_status(status) is not None:
                notes.append(f"{m.label}, {name}: {format_value(value, status, m)}")
    data = pd.DataFrame(rows, columns=["measure", "geography", "series", "value", "text"])
    return data, notes
