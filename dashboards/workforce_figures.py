"""Pure functions behind the Workforce page: which rows stand for the LA, its region and England, and the tables
(and chart data) the page shows and offers for download.

Input is always what ``data_access.indicators(viewer, ...)`` returned (already restricted to what the viewer may
see, and rounded and suppressed for a public viewer), so nothing here can add a row or a figure the viewer's
role does not allow. Draws nothing and reads no data: easy to test.

- ``pick_series``: one row per census year for each of 'LA', 'Region' and 'England' (a returns-based row where
  there is one, else the published one; England from the returns only where every LA sent one, as in
  ``marts.benchmarks``).
- ``workforce_table``: every workforce measure for one year: LA, its change from last year, region, England,
  unit and definition (text, as shown).
- ``composition_table`` / ``composition_chart_data``: the LA's workforce by kind (in post, agency, vacancies,
  non-social-worker staff) per year, in FTE rounded as displayed.
- ``rates_table`` / ``rate_trend_data``: turnover, agency, vacancy and absence rates per year for the LA, region
  and England.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from dashboards.comparison import cell
from dashboards.data_access import LA_LEVEL, LONDON, LONDON_PARTS, NATIONAL_LEVEL, REGION_LEVEL
from dashboards.measures import (
    MEASURES,
    NO_DATA,
    Measure,
    difference,
    format_difference,
    format_value,
    round_half_up,
    shown_as_number,
)

SERIES = ("LA", "Region", "England")

#: The page's topics and their measures (columns of ``marts.workforce_indicators``), in the order shown.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Social workers", ("inpost_fte", "inpost_headcount", "starters_fte", "starters_headcount", "leavers_fte",
                        "leavers_headcount", "turnover_rate_fte", "turnover_rate_headcount")),
    ("Agency", ("agency_fte", "agency_headcount", "agency_rate_fte", "agency_rate_headcount", "agency_cover_fte",
                "agency_cover_rate_fte")),
    ("Vacancies", ("vacancy_fte", "vacancy_rate_fte", "vacancy_agency_cover_rate_fte")),
    ("Absence", ("working_days_lost_fte", "absence_rate_fte", "absent_at_ref_fte")),
    ("Capacity and the wider workforce", ("effective_capacity_fte", "non_sw_fte", "total_workforce_fte",
                                          "non_sw_per_case_holder_fte", "sw_fte_per_10k_children")),
)
#: The measures the regional workbook (R2) provides: never in the published statistics.
WORKBOOK_COLUMNS: tuple[str, ...] = ("non_sw_fte", "total_workforce_fte", "non_sw_per_case_holder_fte")

#: The parts of the workforce composition chart: (column, label as the chart and table name it).
COMPOSITION_PARTS: tuple[tuple[str, str], ...] = (
    ("inpost_fte", "Social workers in post"),
    ("agency_fte", "Agency social workers"),
    ("vacancy_fte", "Vacant social worker posts"),
    ("non_sw_fte", "Non-social-worker staff"),
)
COMPOSITION_TOTAL = "Total (FTE)"
COL_YEAR = "Census year"
COL_SOURCE = "Figures from"
SOURCE_SHORT = {"returns": "the LA's returns", "published": "DfE's published statistics"}

#: The rates charted over time.
RATE_COLUMNS: tuple[str, ...] = ("turnover_rate_fte", "agency_rate_fte", "vacancy_rate_fte", "absence_rate_fte")

# Column names of the workforce table.
COL_TOPIC = "Topic"
COL_MEASURE = "Measure"
COL_LA = "Local authority"
COL_CHANGE = "LA change from last year"
COL_REGION = "Region"
COL_ENGLAND = "England"
COL_UNIT = "Unit"
COL_DEFINITION = "Definition"
TABLE_COLUMNS = (COL_TOPIC, COL_MEASURE, COL_LA, COL_CHANGE, COL_REGION, COL_ENGLAND, COL_UNIT, COL_DEFINITION)


def section_measures(columns: Sequence[str]) -> list[tuple[str, Measure]]:
    """(topic, measure) for every workforce measure the indicators table has, in page order."""
    have = set(columns)
    return [(topic, MEASURES[c]) for topic, cols in SECTIONS for c in cols if c in have and c in MEASURES]


def _prefer_returns(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per census year: the returns-based row where there is one, else the published one."""
    if rows.empty:
        return rows
    rank = (rows["source"] != "returns").astype(int) if "source" in rows else 0
    return (rows.assign(_rank=rank).sort_values(["time_period", "_rank"])
            .drop_duplicates("time_period").drop(columns="_rank"))


def _complete_returns(rows: pd.DataFrame) -> pd.Series:
    """Returns-based rows every expected LA contributed to."""
    if "las_contributing" not in rows or "las_expected" not in rows:
        return pd.Series(False, index=rows.index)
    return (rows["source"] == "returns") & rows["las_contributing"].notna() & (
        rows["las_contributing"] == rows["las_expected"])


def pick_series(rows: pd.DataFrame, old_la_code: str) -> pd.DataFrame:
    """The rows the page compares, one per census year and series ('LA', 'Region', 'England'), in a ``series``
    column, sorted by series then year.

    LA: the LA's row (returns-based where the viewer has one). Region: the regional row of the LA's
    ``region_code`` that year (for an LA coded Inner or Outer London with no such row, London's), returns-based
    where there is one. England: the returns-based National row only where every LA contributed, else the
    published one.
    """
    if rows.empty:
        return rows.assign(series=pd.Series(dtype="string"))
    level = rows["geographic_level"]
    codes = rows["old_la_code"].astype("string")
    la = _prefer_returns(rows[(level == LA_LEVEL) & (codes == str(old_la_code))])
    regions = []
    for _, la_row in la.iterrows():
        year, code = la_row["time_period"], la_row.get("region_code")
        same_year = rows[(level == REGION_LEVEL) & (rows["time_period"] == year)]
        exact = same_year[same_year["region_code"] == code]
        if exact.empty and code in LONDON_PARTS:
            exact = same_year[same_year["region_code"] == LONDON]
        regions.append(_prefer_returns(exact))
    region = pd.concat(regions) if regions else rows.iloc[0:0]
    national = rows[level == NATIONAL_LEVEL]
    complete = national[_complete_returns(national)]
    published = national[national["source"] == "published"] if "source" in national else national
    england = pd.concat([complete, published[~published["time_period"].isin(complete["time_period"])]])
    england = _prefer_returns(england)
    parts = [frame.assign(series=name) for name, frame in (("LA", la), ("Region", region), ("England", england))]
    return pd.concat(parts, ignore_index=True).sort_values(["series", "time_period"], key=_series_order,
                                                           ignore_index=True)


def _series_order(column: pd.Series) -> pd.Series:
    return column.map({s: i for i, s in enumerate(SERIES)}) if column.name == "series" else column


def row_of(series: pd.DataFrame, name: str, year: int) -> pd.Series | None:
    """The row of one series for one year, or None."""
    hit = series[(series["series"] == name) & (series["time_period"] == year)]
    return hit.iloc[0] if len(hit) else None


def name_of(series: pd.DataFrame, name: str, column: str, default: str) -> str:
    """A name (la_name, region_name) from a series' latest row, or ``default``."""
    rows = series[series["series"] == name]
    values = [v for v in rows.sort_values("time_period")[column] if isinstance(v, str) and v.strip()] \
        if column in rows else []
    return values[-1] if values else default


def workforce_table(series: pd.DataFrame, year: int, measures: Sequence[tuple[str, Measure]]) -> pd.DataFrame:
    """One row per measure: topic, label, the LA's value, its change from the year before, the region's and
    England's values (text as displayed: rounded half up, symbols in words), unit and definition."""
    la, la_before = row_of(series, "LA", year), row_of(series, "LA", year - 1)
    region, england = row_of(series, "Region", year), row_of(series, "England", year)
    records = []
    for topic, m in measures:
        value, status = cell(la, m)
        before, before_status = cell(la_before, m)
        change = difference(value, status, before, before_status) if la_before is not None else None
        records.append({
            COL_TOPIC: topic,
            COL_MEASURE: m.label,
            COL_LA: format_value(value, status, m),
            COL_CHANGE: format_difference(change, m, with_unit=True) if change is not None else NO_DATA,
            COL_REGION: format_value(*cell(region, m), m),
            COL_ENGLAND: format_value(*cell(england, m), m),
            COL_UNIT: str(m.unit),
            COL_DEFINITION: m.description,
        })
    return pd.DataFrame.from_records(records, columns=list(TABLE_COLUMNS))


def _rounded(value: Any, status: Any, m: Measure) -> float | None:
    """The value as displayed (rounded half up), or None where no number is shown."""
    return float(round_half_up(float(value), m.decimals)) if shown_as_number(value, status) else None


def composition_table(series: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """The LA's workforce by kind per census year, FTE as displayed (1 decimal), and their total.

    One row per year: ``COL_YEAR``, one column per part of ``COMPOSITION_PARTS`` with a figure in some year
    (empty where there is none that year; a part with none in any year, such as the non-social-worker staff in
    published figures, is left out), ``COMPOSITION_TOTAL`` (the sum of the parts shown that year) and
    ``COL_SOURCE`` (whether the year's figures come from the LA's returns or DfE's published statistics).
    """
    parts = [(c, label) for c, label in COMPOSITION_PARTS if c in set(columns)]
    la = series[series["series"] == "LA"].sort_values("time_period")
    records = []
    for _, row in la.iterrows():
        record: dict[str, Any] = {COL_YEAR: int(row["time_period"])}
        for column, label in parts:
            record[f"{label} (FTE)"] = _rounded(*cell(row, MEASURES[column]), MEASURES[column])
        shown = [v for k, v in record.items() if k != COL_YEAR and v is not None]
        record[COMPOSITION_TOTAL] = float(round_half_up(sum(shown), 1)) if shown else None
        record[COL_SOURCE] = SOURCE_SHORT.get(str(row.get("source")), "not recorded")
        records.append(record)
    numbers = [*(f"{label} (FTE)" for _, label in parts), COMPOSITION_TOTAL]
    table = pd.DataFrame.from_records(records, columns=[COL_YEAR, *numbers, COL_SOURCE])
    table = table.astype(dict.fromkeys(numbers, "float64"))
    return table.drop(columns=[c for c in numbers[:-1] if table[c].isna().all()])


def composition_chart_data(table: pd.DataFrame) -> pd.DataFrame:
    """``composition_table`` in long form for the stacked bars: year, part, order, fte, text."""
    rows = []
    for _, record in table.iterrows():
        for order, (_, label) in enumerate(COMPOSITION_PARTS):
            value = record.get(f"{label} (FTE)")
            if value is not None and pd.notna(value):
                rows.append({"year": int(record[COL_YEAR]), "part": label, "order": order, "fte": float(value),
                             "text": f"{float(value):,.1f} FTE"})
    return pd.DataFrame(rows, columns=["year", "part", "order", "fte", "text"])


def rates_table(series: pd.DataFrame, names: dict[str, str], columns: Sequence[str]) -> pd.DataFrame:
    """The rates over time, one row per measure and census year: the LA's, region's and England's values as
    displayed (1 decimal; empty where no figure is shown). ``names`` maps 'LA'/'Region'/'England' to the
    column headers (the areas' names)."""
    rates = [MEASURES[c] for c in RATE_COLUMNS if c in set(columns)]
    years = sorted(int(y) for y in series.loc[series["series"] == "LA", "time_period"].unique())
    records = []
    for m in rates:
        for year in years:
            record: dict[str, Any] = {"Measure": m.label, COL_YEAR: year}
            for name in SERIES:
                record[names[name]] = _rounded(*cell(row_of(series, name, year), m), m)
            records.append(record)
    table = pd.DataFrame.from_records(records, columns=["Measure", COL_YEAR, *(names[s] for s in SERIES)])
    return table.astype({names[s]: "float64" for s in SERIES})


def rate_trend_data(series: pd.DataFrame, m: Measure, names: dict[str, str]) -> pd.DataFrame:
    """One rate over time for ``charts.trend_chart``: year, series, label, value (rounded), text."""
    rows = []
    years = sorted(int(y) for y in series.loc[series["series"] == "LA", "time_period"].unique())
    for name in SERIES:
        for year in years:
            value, status = cell(row_of(series, name, year), m)
            shown = _rounded(value, status, m)
            if shown is not None:
                rows.append({"year": year, "series": name, "label": names[name], "value": shown,
                             "text": format_value(value, status, m, with_unit=True)})
    return pd.DataFrame(rows, columns=["year", "series", "label", "value", "text"])
