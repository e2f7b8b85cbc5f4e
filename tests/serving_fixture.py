"""A small hand-written serving copy for dashboard tests.

Two LAs (Barnsley 370, Doncaster 371) in one region (Yorkshire and The Humber, E12000003), the regional
row and an England row, for census years 2023 and 2024. Values are chosen so that display rounding is
visible (17.26 -> 17.3) and so that symbols appear: Barnsley 2024 has vacancy_agency_cover_rate_fte null
with status 'z', Doncaster 2024 has agency_headcount 3 with status 'c' (must never be shown as 3).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pipeline.access.roles import Role, Viewer

NATIONAL_MEASURES = [
    "inpost_fte", "inpost_headcount", "starters_fte", "starters_headcount", "leavers_fte",
    "leavers_headcount", "turnover_rate_fte", "turnover_rate_headcount", "agency_fte", "agency_headcount",
    "agency_rate_fte", "agency_rate_headcount", "agency_cover_fte", "agency_cover_rate_fte", "vacancy_fte",
    "vacancy_rate_fte", "vacancy_agency_cover_rate_fte", "case_holders_fte", "cases", "caseload_fte",
    "working_days_lost_fte", "absence_rate_fte", "fte_missing_records",
]

ID_COLUMNS = {
    "time_period": "integer", "time_identifier": "varchar", "geographic_level": "varchar",
    "country_code": "varchar", "country_name": "varchar", "region_code": "varchar", "region_name": "varchar",
    "old_la_code": "varchar", "new_la_code": "varchar", "la_name": "varchar", "source": "varchar",
}


def table_columns() -> dict[str, str]:
    """Column -> DuckDB type, in the mart's order."""
    cols = dict(ID_COLUMNS)
    for m in NATIONAL_MEASURES:
        cols[m] = "double"
        cols[f"{m}_status"] = "varchar"
    cols["las_contributing"] = "integer"
    cols["las_expected"] = "integer"
    return cols


REGION = {"region_code": "E12000003", "region_name": "Yorkshire and The Humber"}
BARNSLEY = {**REGION, "old_la_code": "370", "new_la_code": "E08000016", "la_name": "Barnsley"}
DONCASTER = {**REGION, "old_la_code": "371", "new_la_code": "E08000017", "la_name": "Doncaster"}
ENGLAND: dict[str, Any] = {}

# (geography, year) -> the measures given; every other measure is null with no status.
FIGURES: dict[tuple[str, int], dict[str, Any]] = {
    ("Barnsley", 2024): dict(
        inpost_fte=210.44, inpost_headcount=225, leavers_fte=29.55, leavers_headcount=31,
        turnover_rate_fte=14.04, turnover_rate_headcount=13.78, agency_fte=18.5, agency_headcount=19,
        agency_rate_fte=8.08, agency_rate_headcount=7.79, vacancy_fte=0.0, vacancy_rate_fte=0.0,
        vacancy_agency_cover_rate_fte=(None, "z"), case_holders_fte=150.3, cases=2594, caseload_fte=17.26,
        absence_rate_fte=2.82,
    ),
    ("Doncaster", 2024): dict(
        inpost_fte=301.2, inpost_headcount=318, turnover_rate_fte=10.31, agency_headcount=(3, "c"),
        agency_rate_fte=11.44, vacancy_rate_fte=13.05, caseload_fte=13.42, cases=3702, absence_rate_fte=3.4,
    ),
    ("Region", 2024): dict(
        inpost_fte=2210.8, inpost_headcount=2341, turnover_rate_fte=12.61, turnover_rate_headcount=12.9,
        agency_rate_fte=9.35, agency_rate_headcount=9.1, vacancy_rate_fte=11.27,
        vacancy_agency_cover_rate_fte=64.2, caseload_fte=15.84, cases=25010, absence_rate_fte=3.11,
    ),
    ("England", 2024): dict(caseload_fte=15.2, turnover_rate_fte=11.8),
    ("Barnsley", 2023): dict(
        inpost_fte=198.06, inpost_headcount=212, turnover_rate_fte=16.48, agency_rate_fte=12.72,
        vacancy_rate_fte=7.5, vacancy_agency_cover_rate_fte=40.0, caseload_fte=19.71, cases=2870,
        absence_rate_fte=2.25,
    ),
    ("Doncaster", 2023): dict(caseload_fte=14.11, turnover_rate_fte=9.0, agency_rate_fte=10.2),
    ("Region", 2023): dict(
        inpost_fte=2150.1, turnover_rate_fte=13.32, agency_rate_fte=10.06, vacancy_rate_fte=12.4,
        vacancy_agency_cover_rate_fte=58.9, caseload_fte=16.45, cases=24480, absence_rate_fte=3.25,
    ),
    ("England", 2023): dict(caseload_fte=15.6, turnover_rate_fte=12.0),
}


def indicator_rows() -> pd.DataFrame:
    """The hand-written rows of ``marts.workforce_indicators``."""
    rows = []
    for (geo, year), figures in FIGURES.items():
        row: dict[str, Any] = dict.fromkeys(table_columns())
        row.update(time_period=year, time_identifier="Reporting year", country_code="E92000001",
                   country_name="England", source="returns")
        if geo == "Region":
            row.update(geographic_level="Regional", las_contributing=2, las_expected=2, **REGION)
        elif geo == "England":
            row.update(geographic_level="National", las_contributing=2, las_expected=2)
        else:
            row.update(geographic_level="Local authority", **(BARNSLEY if geo == "Barnsley" else DONCASTER))
        for measure, given in figures.items():
            value, status = given if isinstance(given, tuple) else (given, None)
            row[measure] = math.nan if value is None else float(value)
            row[f"{measure}_status"] = status
        rows.append(row)
    return pd.DataFrame(rows, columns=list(table_columns()))


#: A regional analyst of the fixture's alliance (Yorkshire and The Humber): sees every row of the fixture.
ANALYST = Viewer(username="analyst", display_name="Test analyst", role=Role.ANALYST,
                 alliance_code=REGION["region_code"])


def write_serving_copy(path: Path, rows: pd.DataFrame | None = None) -> Path:
    """Write ``marts.workforce_indicators`` into a new DuckDB file at ``path`` and close it."""
    rows = indicator_rows() if rows is None else rows
    path.parent.mkdir(parents=True, exist_ok=True)
    ddl = ", ".join(f'"{c}" {t}' for c, t in table_columns().items() if c in rows.columns)
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts")
        con.execute(f"create table marts.workforce_indicators ({ddl})")
        con.register("rows_df", rows)
        con.execute("insert into marts.workforce_indicators by name select * from rows_df")
        # The alliance membership the dashboard's roles read (marts.benchmarks.alliance_code): each LA with
        # returns belongs to the alliance of its region (Inner and Outer London: London as one).
        con.execute("""
            create table marts.benchmarks as
            select distinct cast(old_la_code as varchar) as old_la_code, la_name, time_period,
                   'caseload_fte' as measure, caseload_fte as value,
                   cast(null as double) as region_value, cast(null as double) as sn_median,
                   0 as sn_count, cast(null as double) as england_value, cast(null as varchar) as quartile_band,
                   cast(null as bigint) as national_rank, cast(null as double) as change_from_previous,
                   cast(null as varchar) as alliance_flag, region_code,
                   case when region_code in ('E13000001', 'E13000002') then 'E12000007' else region_code end
                       as alliance_code,
                   'low' as polarity, source
            from rows_df where geographic_level = 'Local authority' and source = 'returns'
        """)
    finally:
        con.close()
    return path
