"""marts.benchmarks (definitions.md "Benchmarks"), computed by the real dbt project on worked examples.

One raw layer, one ``dbt build`` for the module. Every LA's worker records are social workers in post with
FTE 1, so caseload_fte = cases / case holders and case_holding_share_fte = 100 x case holders / workers.
Expected values are worked out by hand in the comments.

    LA   year  source     records (Cases30)        caseload_fte  case_holding_share_fte
    390  2023  returns    12, 0                    12            50
    390  2024  returns    10, 0                    10            50      (published 99 for 390 is ignored)
    391  2024  returns    10                       10            100
    392  2024  returns    20                       20            100
    393  2024  returns    30, 0, 0, 0              30            25
    394  2024  returns    40                       40            100
    805  2024  published  -                        25            -       (North East, no return)
    202  2024  published  -                        12            -       (London, no return)

Published comparators 2024: England caseload 16, North East 17 (ignored: the returns give a North East row),
London 15. The North East alliance row from the returns: (10 + 10 + 20 + 30 + 40) / 5 = 22.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from dbt_fixtures import BuiltWarehouse, build_warehouse, submission, worker

pytestmark = pytest.mark.dbt

Y = 2024
TOL = {"rel": 1e-12, "abs": 1e-12}
ARRIVED = dt.datetime(2024, 10, 15, 9, 0)

CASES = {  # (LA, year): Cases30 of each record
    ("390", 2023): [12, 0],
    ("390", 2024): [10, 0],
    ("391", 2024): [10],
    ("392", 2024): [20],
    ("393", 2024): [30, 0, 0, 0],
    ("394", 2024): [40],
}


def _published(line: int, level: str, value: float, *, region: tuple[str, str] | None = None,
               la: tuple[str, str, str] | None = None, measure: str = "caseload_fte") -> dict:
    return {
        "submission_id": "p1", "line": line, "time_period": Y, "time_identifier": "Reporting year",
        "geographic_level": level, "country_code": "E92000001", "country_name": "England",
        "region_code": region[0] if region else None, "region_name": region[1] if region else None,
        "old_la_code": la[0] if la else None, "new_la_code": la[1] if la else None,
        "la_name": la[2] if la else None,
        "measure": measure, "value": value, "status": None,
    }


NORTH_EAST = ("E12000001", "North East")
RAW_ROWS = {
    "submissions": [
        *(submission(f"s{la}_{year}", la, year, dt.datetime(year, 10, 15, 9, 0)) for la, year in CASES),
        submission("p1", "", Y, ARRIVED, return_type="ees_csv"),
    ],
    "csww_workers": [
        worker(f"s{la}_{year}", la, year, n, cases30=cases)
        for (la, year), records in CASES.items() for n, cases in enumerate(records, start=1)
    ],
    "published_indicators": [
        _published(2, "National", 16.0),
        _published(3, "Regional", 17.0, region=NORTH_EAST),
        _published(4, "Regional", 15.0, region=("E12000007", "London")),
        _published(5, "Local authority", 25.0, region=NORTH_EAST, la=("805", "E06000001", "Hartlepool")),
        _published(6, "Local authority", 12.0, region=("E12000007", "London"), la=("202", "E09000007", "Camden")),
        _published(7, "Local authority", 99.0, region=NORTH_EAST, la=("390", "E08000037", "Gateshead")),
    ],
}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    return build_warehouse(tmp_path_factory.mktemp("dbt_benchmarks"), RAW_ROWS)


def bench(warehouse: BuiltWarehouse, la: str, measure: str = "caseload_fte", year: int = Y) -> dict:
    return warehouse.row(
        "select * from marts.benchmarks where old_la_code = ? and measure = ? and time_period = ?",
        [la, measure, year],
    )


def column(warehouse: BuiltWarehouse, name: str, measure: str, year: int = Y) -> dict:
    frame = warehouse.query(
        f"select old_la_code, {name} as x from marts.benchmarks where measure = ? and time_period = ?",
        [measure, year],
    )
    return {row.old_la_code: (None if pd.isna(row.x) else row.x) for row in frame.itertuples()}


def test_build_passes_every_dbt_test(warehouse: BuiltWarehouse) -> None:
    assert warehouse.failed_tests() == []


def test_columns(warehouse: BuiltWarehouse) -> None:
    names = list(warehouse.query("select * from marts.benchmarks limit 0").columns)
    assert names[:13] == [
        "old_la_code", "la_name", "time_period", "measure", "value", "region_value", "sn_median", "sn_count",
        "england_value", "quartile_band", "national_rank", "change_from_previous", "alliance_flag",
    ]


def test_las_are_returns_rows_plus_published_las_without_returns(warehouse: BuiltWarehouse) -> None:
    values = column(warehouse, "value", "caseload_fte")
    assert values == {"390": 10.0, "391": 10.0, "392": 20.0, "393": 30.0, "394": 40.0, "805": 25.0, "202": 12.0}
    # 390 has a return: its published 99 is not used
    assert bench(warehouse, "390")["source"] == "returns"
    assert bench(warehouse, "805")["source"] == "published"


def test_quartile_bands_low_is_good_with_ties(warehouse: BuiltWarehouse) -> None:
    # caseload (low is good), 7 LAs: 10 (390), 10 (391), 12 (202), 20 (392), 25 (805), 30 (393), 40 (394)
    # rank 1, 1, 3, 4, 5, 6, 7; percent_rank (rank - 1) / 6 = 0, 0, .333, .5, .667, .833, 1
    # bands: < .25 A, < .5 B, < .75 C, else D (392 at exactly .5 is C)
    assert column(warehouse, "quartile_band", "caseload_fte") == {
        "390": "A", "391": "A", "202": "B", "392": "C", "805": "C", "393": "D", "394": "D"}


def test_quartile_bands_high_is_good(warehouse: BuiltWarehouse) -> None:
    # case-holding share (high is good), LAs with a value: 391, 392, 394 at 100, 390 at 50, 393 at 25
    # (805 and 202: published, no value). Adjusted -100, -100, -100, -50, -25: rank 1, 1, 1, 4, 5;
    # percent_rank / 4 = 0, 0, 0, .75, 1 -> A, A, A, D, D
    assert column(warehouse, "quartile_band", "case_holding_share_fte") == {
        "391": "A", "392": "A", "394": "A", "390": "D", "393": "D", "805": None, "202": None}


def test_national_rank_ties_take_the_lower_rank(warehouse: BuiltWarehouse) -> None:
    assert column(warehouse, "national_rank", "caseload_fte") == {
        "390": 1, "391": 1, "202": 3, "392": 4, "805": 5, "393": 6, "394": 7}
    assert column(warehouse, "national_rank", "case_holding_share_fte") == {
        "391": 1, "392": 1, "394": 1, "390": 4, "393": 5, "805": None, "202": None}


def test_no_polarity_no_band_rank_or_flag(warehouse: BuiltWarehouse) -> None:
    row = bench(warehouse, "393", "inpost_fte")
    assert row["value"] == 4.0 and row["polarity"] == "none"
    assert (row["quartile_band"], row["national_rank"], row["alliance_flag"]) == (None, None, None)


def test_statistical_neighbour_median_with_missing_neighbours(warehouse: BuiltWarehouse) -> None:
    # 390's neighbours: 841 357 393 372 808 840 807 394 332 384; with a value: 393 (30), 394 (40)
    # -> median of an even count (30 + 40) / 2 = 35, from 2
    row = bench(warehouse, "390")
    assert (row["sn_median"], row["sn_count"]) == (pytest.approx(35.0, **TOL), 2)
    # 393's neighbours: 394 807 390 805 840 357 372 354 890 841; with a value: 394 (40), 390 (10), 805 (25,
    # published) -> 10, 25, 40: median 25, from 3
    row = bench(warehouse, "393")
    assert (row["sn_median"], row["sn_count"]) == (pytest.approx(25.0, **TOL), 3)
    # 391's neighbours (355 373 806 851 892 383 330 852 352 890): none has a value
    row = bench(warehouse, "391")
    assert (row["sn_median"], row["sn_count"]) == (None, 0)


def test_change_from_previous_year(warehouse: BuiltWarehouse) -> None:
    # 390: caseload 10 - 12 = -2 (cases per FTE); share 50 - 50 = 0 percentage points
    assert bench(warehouse, "390")["change_from_previous"] == pytest.approx(-2.0, **TOL)
    assert bench(warehouse, "390", "case_holding_share_fte")["change_from_previous"] == pytest.approx(0.0, **TOL)
    # no 2023 value for 391: null; 390's first year: null
    assert bench(warehouse, "391")["change_from_previous"] is None
    assert bench(warehouse, "390", year=2023)["change_from_previous"] is None


def test_alliance_flags(warehouse: BuiltWarehouse) -> None:
    # North East members with a caseload value: 390 10, 391 10, 392 20, 805 25, 393 30, 394 40 (6)
    # percent_rank (rank - 1) / 5 = 0, 0, .4, .6, .8, 1 -> top20 (<= .2): 390, 391; bottom20 (>= .8): 393, 394
    # London: 202 is its only member with a value -> no flag
    assert column(warehouse, "alliance_flag", "caseload_fte") == {
        "390": "top20", "391": "top20", "392": None, "805": None, "393": "bottom20", "394": "bottom20",
        "202": None}
    # share (high is good): 391, 392, 394 at 100 (0), 390 at 50 (.75), 393 at 25 (1)
    assert column(warehouse, "alliance_flag", "case_holding_share_fte") == {
        "391": "top20", "392": "top20", "394": "top20", "390": None, "393": "bottom20", "805": None,
        "202": None}


def test_region_and_england_values(warehouse: BuiltWarehouse) -> None:
    # North East: the returns-based alliance row, 110 / 5 = 22 (not the published 17), also for 805
    assert bench(warehouse, "390")["region_value"] == pytest.approx(22.0, **TOL)
    assert bench(warehouse, "805")["region_value"] == pytest.approx(22.0, **TOL)
    # London has no returns-based row: the published London value 15
    assert bench(warehouse, "202")["region_value"] == pytest.approx(15.0, **TOL)
    # England: no returns-based National row, so the published England value; none published for 2023
    assert bench(warehouse, "390")["england_value"] == pytest.approx(16.0, **TOL)
    assert bench(warehouse, "390", year=2023)["england_value"] is None
