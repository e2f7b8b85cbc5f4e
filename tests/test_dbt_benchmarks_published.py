"""marts.benchmarks_published: marts.benchmarks over published figures only, by the real dbt project.

Both marts come from one macro (``macros/benchmarks_model.sql``); the published one reads only the rows of
marts.workforce_indicators with source = 'published'. Worked example (caseload_fte, every worker FTE 1, so
caseload = cases / case holders):

    year  LA   published  returns (Cases30)   notes
    2023  390  20         -                   no LA sent a return in 2023
    2023  391  10         -
    2023  393  22         -
    2023  394  41         -
    2023  805  30         -
    2023  202  12         -                   London
    2024  390  99         10, 0 -> 10
    2024  391  11         10 -> 10
    2024  393  30         20 -> 20
    2024  394  40         -
    2024  805  25         -
    2024  202  12         -

Published comparators: England 15 (2023), 16 (2024); North East 16, 17; London 14, 15.

benchmarks_published, 2024, caseload (low is good): 11 (391), 12 (202), 25 (805), 30 (393), 40 (394), 99 (390)
rank 1..6, percent_rank (rank - 1) / 5 = 0, .2, .4, .6, .8, 1 -> bands A, A, B, C, D, D.
North East members with a value: 391 11, 805 25, 393 30, 394 40, 390 99 -> percent_rank 0, .25, .5, .75, 1:
top20 391, bottom20 390. 390's neighbours with a value: 393 (30) and 394 (40) -> SN median 35 from 2
(marts.benchmarks: 393's returns value 20 and 394's published 40 -> 30).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from dbt_fixtures import BuiltWarehouse, build_warehouse, submission, worker

pytestmark = pytest.mark.dbt

TOL = {"rel": 1e-12, "abs": 1e-12}
NORTH_EAST = ("E12000001", "North East")
LONDON = ("E12000007", "London")
LAS = {
    "390": ("E08000037", "Gateshead", NORTH_EAST),
    "391": ("E08000021", "Newcastle upon Tyne", NORTH_EAST),
    "393": ("E08000023", "South Tyneside", NORTH_EAST),
    "394": ("E08000024", "Sunderland", NORTH_EAST),
    "805": ("E06000001", "Hartlepool", NORTH_EAST),
    "202": ("E09000007", "Camden", LONDON),
}
PUBLISHED_LA = {
    2023: {"390": 20.0, "391": 10.0, "393": 22.0, "394": 41.0, "805": 30.0, "202": 12.0},
    2024: {"390": 99.0, "391": 11.0, "393": 30.0, "394": 40.0, "805": 25.0, "202": 12.0},
}
PUBLISHED_AREAS = {2023: (15.0, 16.0, 14.0), 2024: (16.0, 17.0, 15.0)}  # England, North East, London
RETURNS_2024 = {"390": [10, 0], "391": [10], "393": [20]}
ONLY_PUBLISHED_2024 = ("394", "805", "202")


def _published_rows() -> list[dict]:
    rows: list[dict] = []

    def add(year: int, level: str, value: float, region: tuple[str, str] | None = None, la: str | None = None
            ) -> None:
        new_code, name = (LAS[la][0], LAS[la][1]) if la else (None, None)
        rows.append({
            "submission_id": "p1", "line": len(rows) + 2, "time_period": year, "time_identifier": "Reporting year",
            "geographic_level": level, "country_code": "E92000001", "country_name": "England",
            "region_code": region[0] if region else None, "region_name": region[1] if region else None,
            "old_la_code": la, "new_la_code": new_code, "la_name": name,
            "measure": "caseload_fte", "value": value, "status": None,
        })

    for year, (england, north_east, london) in PUBLISHED_AREAS.items():
        add(year, "National", england)
        add(year, "Regional", north_east, NORTH_EAST)
        add(year, "Regional", london, LONDON)
        for la, value in PUBLISHED_LA[year].items():
            add(year, "Local authority", value, LAS[la][2], la)
    return rows


RAW_ROWS = {
    "submissions": [
        *(submission(f"s{la}", la, 2024, dt.datetime(2024, 10, 15, 9, 0)) for la in RETURNS_2024),
        submission("p1", "", 2024, dt.datetime(2024, 10, 16, 9, 0), return_type="ees_csv"),
    ],
    "csww_workers": [
        worker(f"s{la}", la, 2024, n, cases30=cases)
        for la, records in RETURNS_2024.items() for n, cases in enumerate(records, start=1)
    ],
    "published_indicators": _published_rows(),
}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    return build_warehouse(tmp_path_factory.mktemp("dbt_benchmarks_published"), RAW_ROWS)


def rows(warehouse: BuiltWarehouse, table: str, year: int, measure: str = "caseload_fte") -> dict[str, dict]:
    """old_la_code -> the row (nulls as None) of a benchmarks mart for a year and measure."""
    frame = warehouse.query(f"select * from marts.{table} where time_period = ? and measure = ?", [year, measure])
    frame = frame.astype(object).where(frame.notna(), None)
    return {str(r["old_la_code"]): r for r in frame.to_dict("records")}


def test_build_passes_every_dbt_test(warehouse: BuiltWarehouse) -> None:
    assert warehouse.failed_tests() == []


def test_same_columns_and_types_as_benchmarks(warehouse: BuiltWarehouse) -> None:
    def columns(table: str) -> list[tuple[str, str]]:
        described = warehouse.query(f"describe marts.{table}")
        return list(zip(described["column_name"], described["column_type"], strict=True))

    assert columns("benchmarks_published") == columns("benchmarks")


def test_only_published_values(warehouse: BuiltWarehouse) -> None:
    published = rows(warehouse, "benchmarks_published", 2024)
    assert {la: r["value"] for la, r in published.items()} == PUBLISHED_LA[2024]
    assert {r["source"] for r in published.values()} == {"published"}
    assert warehouse.row("select count(*) as n from marts.benchmarks_published where source <> 'published'")["n"] == 0
    # region and England: the published figures, even where the returns give a North East row
    assert published["390"]["region_value"] == pytest.approx(17.0, **TOL)
    assert published["202"]["region_value"] == pytest.approx(15.0, **TOL)
    assert {r["england_value"] for r in published.values()} == {16.0}
    # marts.benchmarks, by contrast, uses the returns: 390 at 10 and the North East alliance row (10+10+20)/3
    mixed = rows(warehouse, "benchmarks", 2024)
    assert (mixed["390"]["value"], mixed["390"]["source"]) == (10.0, "returns")
    assert mixed["390"]["region_value"] == pytest.approx(40.0 / 3, **TOL)


def test_bands_ranks_and_flags_among_published_values(warehouse: BuiltWarehouse) -> None:
    published = rows(warehouse, "benchmarks_published", 2024)
    assert {la: r["quartile_band"] for la, r in published.items()} == {
        "391": "A", "202": "A", "805": "B", "393": "C", "394": "D", "390": "D"}
    assert {la: r["national_rank"] for la, r in published.items()} == {
        "391": 1, "202": 2, "805": 3, "393": 4, "394": 5, "390": 6}
    assert {la: r["alliance_flag"] for la, r in published.items()} == {
        "391": "top20", "805": None, "393": None, "394": None, "390": "bottom20", "202": None}


def test_neighbours_and_change_from_published_values(warehouse: BuiltWarehouse) -> None:
    published = rows(warehouse, "benchmarks_published", 2024)
    mixed = rows(warehouse, "benchmarks", 2024)
    assert (published["390"]["sn_median"], published["390"]["sn_count"]) == (pytest.approx(35.0, **TOL), 2)
    assert (mixed["390"]["sn_median"], mixed["390"]["sn_count"]) == (pytest.approx(30.0, **TOL), 2)
    # change: 99 - 20 published; marts.benchmarks: 10 (returns) - 20 (published 2023)
    assert published["390"]["change_from_previous"] == pytest.approx(79.0, **TOL)
    assert mixed["390"]["change_from_previous"] == pytest.approx(-10.0, **TOL)


def test_agree_with_benchmarks_in_a_year_without_returns(warehouse: BuiltWarehouse) -> None:
    # 2023: no LA sent a return, so every row of every measure is the same in both marts
    def year_rows(table: str) -> pd.DataFrame:
        frame = warehouse.query(f"select * from marts.{table} where time_period = 2023 order by old_la_code, measure")
        return frame.reset_index(drop=True)

    mixed, published = year_rows("benchmarks"), year_rows("benchmarks_published")
    assert len(mixed) == len(PUBLISHED_LA[2023]) * mixed["measure"].nunique() > 0
    pd.testing.assert_frame_equal(published, mixed)


def test_agree_with_benchmarks_for_las_with_only_published_rows(warehouse: BuiltWarehouse) -> None:
    # 2024: LAs without a return have the same own figures in both marts; Camden's region (London) and England
    # have no returns-based row either, so its comparators agree too
    published = rows(warehouse, "benchmarks_published", 2024)
    mixed = rows(warehouse, "benchmarks", 2024)
    same = ("la_name", "value", "change_from_previous", "region_code", "alliance_code", "polarity", "source")
    for la in ONLY_PUBLISHED_2024:
        assert {c: published[la][c] for c in same} == {c: mixed[la][c] for c in same}, la
    for column in ("region_value", "england_value"):
        assert published["202"][column] == mixed["202"][column] == pytest.approx(
            15.0 if column == "region_value" else 16.0, **TOL)
