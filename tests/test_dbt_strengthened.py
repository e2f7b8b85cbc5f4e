"""The strengthened definitions of definitions.md, computed by the real dbt project on worked examples.

One raw layer, one ``dbt build`` (models, seeds and every dbt test) for the module. Census year 2024 unless
said: S = 2023-10-01, R = 2024-09-30. Every expected value is worked out by hand in the comments.
Seeds used as they ship: caseload_weights (w_cin 1, w_cp 1.5, w_cla 1.25, w_cl 0.75, w_court 2),
team_type_limits (first_year 18, default 20), ref_children_population (ONS children aged 0 to 17).
"""

from __future__ import annotations

import datetime as dt

import pytest
from dbt_fixtures import BuiltWarehouse, build_warehouse, submission, worker

pytestmark = pytest.mark.dbt

Y = 2024
TOL = {"rel": 1e-12, "abs": 1e-12}
ARRIVED = dt.datetime(2024, 10, 15, 9, 0)
NORTH_EAST = "E12000001"


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# 390 Gateshead (North East): caseload distribution, part-time, over-limit, first-year, absence.
#   rec type    start       StartOrigin FTE  FTE30 Cases30 Absat  FTE at R  first year? limit over?
#   1   SW      2015-01-01  -           1.0  -     10      0      1.0       no          20    no
#   2   SW      2015-01-01  -           0.5  -     10      1      0.5       no          20    no   (absent; 20/FTE)
#   3   SW      2024-01-15  1           1.0  -     19      0      1.0       yes         18    YES (19 > 18)
#   4   SW      2015-01-01  -           1.0  -     20      0      1.0       no          20    no  (20 = 20)
#   5   SW      2015-01-01  -           1.0  -     0       1      1.0       -  not a case holder, absent
#   6   agency  2022-01-01  -           1.0  -     21      -      1.0       no          20    YES (21 > 20)
#   7   SW      2023-06-01  1           1.0  -     19      0      1.0       no (before S) 20  no
#   8   SW      2015-01-01  -           0.8  0.0   5       0      0.0       no          20    no  (FTE at R 0)
#   9   SW      2024-09-30  1           1.0  -     12      0      1.0       yes (on R)  18    no
# Case holders (Cases30 > 0): 1,2,3,4,6,7,8,9 = 8 records; cases sorted 5,10,10,12,19,19,20,21 (sum 116).
# inpost_fte = 1+0.5+1+1+1+1+0+1 = 6.5; agency_fte = 1.0; case_holders_fte = 1+0.5+1+1+1+1+0+1 = 6.5.
GATESHEAD = "390"
GATESHEAD_ROWS = [
    worker("s390", "390", Y, 1, cases30=10),
    worker("s390", "390", Y, 2, fte=0.5, cases30=10, absat30sept=1),
    worker("s390", "390", Y, 3, cases30=19, start_origin=1, role_start_date=d("2024-01-15")),
    worker("s390", "390", Y, 4, cases30=20),
    worker("s390", "390", Y, 5, cases30=0, absat30sept=1),
    worker("s390", "390", Y, 6, agency_worker=1, cases30=21, role_start_date=d("2022-01-01"),
           working_days_lost=None),
    worker("s390", "390", Y, 7, cases30=19, start_origin=1, role_start_date=d("2023-06-01")),
    worker("s390", "390", Y, 8, fte=0.8, fte30=0.0, cases30=5),
    worker("s390", "390", Y, 9, cases30=12, start_origin=1, role_start_date=d("2024-09-30")),
]

# 391 Newcastle (North East): three experienced case holders, 30, 31 and 32 cases, FTE 1 each; and an annual
# R2 workbook with Teams and NonSW sheets.
#   inpost_fte 3.0, agency 0, case_holders_fte 3.0, cases 93, no first-year case holders.
#   Teams:  long_term         case_holders_fte 2.0, cin 10, cp 4, proceedings 1
#                             weighted 10 x 1 + 4 x 1.5 + 1 x 2 = 18
#           children_in_care  case_holders_fte 1.5, cla 12, care leavers 4, proceedings 2
#                             weighted 12 x 1.25 + 4 x 0.75 + 2 x 2 = 15 + 3 + 4 = 22
#           weighted children 40 over 3.5 FTE
#   NonSW:  family_support_worker fte 2.5 (agency_fte 1.0, not counted), business_support fte 1.5 -> 4.0
NEWCASTLE = "391"
NEWCASTLE_ROWS = [worker("s391", "391", Y, n, cases30=cases) for n, cases in ((1, 30), (2, 31), (3, 32))]
_WB = {"submission_id": "w391", "old_la_code": "391", "census_year": Y, "period_end": d("2024-09-30")}
NEWCASTLE_TEAMS = [
    {**_WB, "line": 2, "team_type": "long_term", "case_holders_fte": 2.0, "children_cin": 10, "children_cp": 4,
     "children_cla": 0, "children_care_leavers": 0, "children_in_proceedings": 1, "children_allocated": 15},
    {**_WB, "line": 3, "team_type": "children_in_care", "case_holders_fte": 1.5, "children_cin": 0,
     "children_cp": 0, "children_cla": 12, "children_care_leavers": 4, "children_in_proceedings": 2,
     "children_allocated": 18},
]
NEWCASTLE_NON_SW = [
    {**_WB, "line": 2, "role": "family_support_worker", "headcount": 3, "fte": 2.5, "agency_fte": 1.0},
    {**_WB, "line": 3, "role": "business_support", "headcount": 2, "fte": 1.5},
]

# 392 North Tyneside (North East): an annual R2 workbook with a Summary only (no CSWW return, no Teams/NonSW):
#   inpost_fte 10, agency_fte 2, case_holders_fte 9.
NORTH_TYNESIDE = "392"
NORTH_TYNESIDE_SUMMARY = [{
    "submission_id": "w392", "old_la_code": "392", "census_year": Y, "period_end": d("2024-09-30"), "line": 2,
    "inpost_fte": 10.0, "inpost_headcount": 11, "starters_fte": 1.0, "starters_headcount": 1,
    "leavers_fte": 1.0, "leavers_headcount": 1, "agency_fte": 2.0, "agency_headcount": 2,
    "agency_cover_fte": 1.0, "vacancy_fte": 2.0, "case_holders_fte": 9.0, "cases": 140.0,
    "working_days_lost_fte": 50.0,
}]

# 202 Camden (London): one in-post social worker holding no cases, 2024 and 2025 (zero denominators; the
# 2025 return uses the latest ONS estimate, mid-2024).
CAMDEN = "202"
CAMDEN_ROWS = [worker("s202", "202", Y, 1, cases30=0), worker("s202b", "202", 2025, 1, cases30=0)]

# ONS children aged 0 to 17 (seed ref_children_population, from the published ONS file), mid-2024:
POP_2024 = {"390": 40414, "391": 61206, "392": 42263, "202": 35276}

RAW_ROWS = {
    "submissions": [
        submission("s390", "390", Y, ARRIVED),
        submission("s391", "391", Y, ARRIVED),
        submission("w391", "391", Y, ARRIVED, return_type="workbook"),
        submission("w392", "392", Y, ARRIVED, return_type="workbook"),
        submission("s202", "202", Y, ARRIVED),
        submission("s202b", "202", 2025, dt.datetime(2025, 10, 15, 9, 0)),
        submission("p1", "", Y, ARRIVED, return_type="ees_csv"),
    ],
    # one published (R3) row: England inpost_fte 2024
    "published_indicators": [{
        "submission_id": "p1", "line": 2, "time_period": Y, "time_identifier": "Reporting year",
        "geographic_level": "National", "country_code": "E92000001", "country_name": "England",
        "measure": "inpost_fte", "value": 34000.0, "status": None,
    }],
    "csww_workers": GATESHEAD_ROWS + NEWCASTLE_ROWS + CAMDEN_ROWS,
    "workbook_teams": NEWCASTLE_TEAMS,
    "workbook_non_sw": NEWCASTLE_NON_SW,
    "workbook_summary": NORTH_TYNESIDE_SUMMARY,
}

STRENGTHENED = [
    "case_holding_share_fte", "non_case_holding_fte", "caseload_median", "caseload_p90",
    "caseload_per_fte_median", "case_holders_over_limit_pct", "nqsw_caseload_mean", "absent_at_ref_fte",
    "effective_capacity_fte", "non_sw_fte", "non_sw_per_case_holder_fte", "total_workforce_fte",
    "weighted_caseload", "sw_fte_per_10k_children",
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    return build_warehouse(tmp_path_factory.mktemp("dbt_strengthened"), RAW_ROWS)


def la(warehouse: BuiltWarehouse, code: str, year: int = Y) -> dict:
    return warehouse.indicators("Local authority", code, year)


def region(warehouse: BuiltWarehouse, code: str = NORTH_EAST, year: int = Y) -> dict:
    return warehouse.indicators("Regional", code, year)


def test_build_passes_every_dbt_test(warehouse: BuiltWarehouse) -> None:
    assert warehouse.failed_tests() == []


def test_mart_has_every_strengthened_column_and_status(warehouse: BuiltWarehouse) -> None:
    columns = list(warehouse.query("select * from marts.workforce_indicators limit 0").columns)
    for name in STRENGTHENED:
        assert name in columns and f"{name}_status" in columns, name


def test_case_holding_share_and_non_case_holding(warehouse: BuiltWarehouse) -> None:
    row = la(warehouse, GATESHEAD)
    # 100 x 6.5 / (6.5 + 1.0) = 86.666...
    assert row["case_holding_share_fte"] == pytest.approx(100 * 6.5 / 7.5, **TOL)
    # 6.5 + 1.0 - 6.5 = 1.0: record 5 (in post, no cases)
    assert row["non_case_holding_fte"] == pytest.approx(1.0, **TOL)


def test_median_and_p90_with_an_even_count(warehouse: BuiltWarehouse) -> None:
    row = la(warehouse, GATESHEAD)
    # 8 case holders: 5,10,10,12,19,19,20,21. Median: position 7 x 0.5 = 3.5 -> (12 + 19) / 2 = 15.5
    assert row["caseload_median"] == pytest.approx(15.5, **TOL)
    # p90: position 7 x 0.9 = 6.3 -> 20 + 0.3 x (21 - 20) = 20.3
    assert row["caseload_p90"] == pytest.approx(20.3, **TOL)
    # the mean differs: 116 / 8 = 14.5 (caseload over headcount), the median is not the mean
    assert row["caseload_median"] != pytest.approx(116 / 8)


def test_median_and_p90_with_an_odd_count(warehouse: BuiltWarehouse) -> None:
    row = la(warehouse, NEWCASTLE)
    # 3 case holders 30, 31, 32: median position 1 -> 31; p90 position 2 x 0.9 = 1.8 -> 31 + 0.8 x 1 = 31.8
    assert row["caseload_median"] == pytest.approx(31.0, **TOL)
    assert row["caseload_p90"] == pytest.approx(31.8, **TOL)


def test_caseload_per_fte_counts_part_time_workers_at_their_fte(warehouse: BuiltWarehouse) -> None:
    row = la(warehouse, GATESHEAD)
    # case holders with FTE at R > 0 (record 8 has FTE at R 0: left out), Cases30 / FTE at R:
    #   1: 10/1 = 10, 2: 10/0.5 = 20, 3: 19, 4: 20, 6: 21, 7: 19, 9: 12 -> sorted 10,12,19,19,20,20,21
    #   odd count 7: median position 3 -> 19 (the part-time worker counts as 20, not 10)
    assert row["caseload_per_fte_median"] == pytest.approx(19.0, **TOL)


def test_over_limit_first_year_at_19_is_over_experienced_at_20_is_not(warehouse: BuiltWarehouse) -> None:
    flags = warehouse.query(
        "select record_number, is_first_year, caseload_limit, is_over_limit "
        "from intermediate.int_csww__workers_classified where submission_id = 's390' order by record_number"
    ).set_index("record_number")
    def record(n: int) -> tuple:
        return bool(flags.loc[n, "is_first_year"]), flags.loc[n, "caseload_limit"], bool(flags.loc[n, "is_over_limit"])

    assert record(3) == (True, 18.0, True)    # first year, 19 > 18
    assert record(4) == (False, 20.0, False)  # experienced, 20 is not above 20
    assert record(7) == (False, 20.0, False)  # StartOrigin 1 but started before S: not first year, 19 <= 20
    assert record(9) == (True, 18.0, False)   # started on R: first year, 12 <= 18
    row = la(warehouse, GATESHEAD)
    # over: records 3 (19 > 18) and 6 (agency, 21 > 20) -> 100 x 2 / 8 = 25
    assert row["case_holders_over_limit_pct"] == pytest.approx(25.0, **TOL)


def test_nqsw_caseload_mean(warehouse: BuiltWarehouse) -> None:
    # first-year case holders: records 3 (19) and 9 (12) -> 31 / 2 = 15.5
    assert la(warehouse, GATESHEAD)["nqsw_caseload_mean"] == pytest.approx(15.5, **TOL)
    # Newcastle has no first-year case holder: 0 / 0 -> null, 'z'
    row = la(warehouse, NEWCASTLE)
    assert (row["nqsw_caseload_mean"], row["nqsw_caseload_mean_status"]) == (None, "z")


def test_absent_at_30_september_and_effective_capacity(warehouse: BuiltWarehouse) -> None:
    row = la(warehouse, GATESHEAD)
    # in post with Absat30Sept = 1: record 2 (0.5) and record 5 (1.0) -> 1.5
    assert row["absent_at_ref_fte"] == pytest.approx(1.5, **TOL)
    # 6.5 + 1.0 - 1.5 = 6.0
    assert row["effective_capacity_fte"] == pytest.approx(6.0, **TOL)


def test_weighted_caseload_and_non_sw_from_the_workbook(warehouse: BuiltWarehouse) -> None:
    row = la(warehouse, NEWCASTLE)
    # weighted children 18 + 22 = 40 over Teams case holders FTE 2.0 + 1.5 = 3.5 -> 11.428571...
    assert row["weighted_caseload"] == pytest.approx(40 / 3.5, **TOL)
    # NonSW fte 2.5 + 1.5 = 4.0
    assert row["non_sw_fte"] == pytest.approx(4.0, **TOL)
    # 4.0 / case_holders_fte 3.0
    assert row["non_sw_per_case_holder_fte"] == pytest.approx(4.0 / 3.0, **TOL)
    # 3.0 + 0 + 4.0
    assert row["total_workforce_fte"] == pytest.approx(7.0, **TOL)
    for name in ("weighted_caseload", "non_sw_fte", "non_sw_per_case_holder_fte", "total_workforce_fte"):
        assert row[f"{name}_status"] is None, name


def test_no_workbook_gives_x_for_workbook_measures(warehouse: BuiltWarehouse) -> None:
    row = la(warehouse, GATESHEAD)
    for name in ("weighted_caseload", "non_sw_fte", "non_sw_per_case_holder_fte", "total_workforce_fte"):
        assert (row[name], row[f"{name}_status"]) == (None, "x"), name


def test_sw_fte_per_10k_children(warehouse: BuiltWarehouse) -> None:
    # Gateshead: 10000 x (6.5 + 1.0) / 40414 (ONS mid-2024)
    assert la(warehouse, GATESHEAD)["sw_fte_per_10k_children"] == pytest.approx(10000 * 7.5 / 40414, **TOL)
    # Camden 2025: no 2025 estimate, the latest (mid-2024, 35276) is used: 10000 x 1.0 / 35276
    assert la(warehouse, CAMDEN, 2025)["sw_fte_per_10k_children"] == pytest.approx(10000 / 35276, **TOL)


def test_summary_only_la(warehouse: BuiltWarehouse) -> None:
    row = la(warehouse, NORTH_TYNESIDE)
    # from the Summary: 100 x 9 / (10 + 2) = 75; non-case-holding 10 + 2 - 9 = 3
    assert row["case_holding_share_fte"] == pytest.approx(75.0, **TOL)
    assert row["non_case_holding_fte"] == pytest.approx(3.0, **TOL)
    # no worker records: the record-level measures are not available
    for name in ("caseload_median", "caseload_p90", "caseload_per_fte_median", "case_holders_over_limit_pct",
                 "nqsw_caseload_mean", "absent_at_ref_fte", "effective_capacity_fte"):
        assert (row[name], row[f"{name}_status"]) == (None, "x"), name


def test_no_case_holders_gives_z(warehouse: BuiltWarehouse) -> None:
    row = la(warehouse, CAMDEN)
    for name in ("caseload_median", "caseload_p90", "caseload_per_fte_median", "case_holders_over_limit_pct",
                 "nqsw_caseload_mean"):
        assert (row[name], row[f"{name}_status"]) == (None, "z"), name
    # 100 x 0 / 1.0 = 0
    assert row["case_holding_share_fte"] == 0.0


def test_region_pooled_median_differs_from_the_mean_of_la_medians(warehouse: BuiltWarehouse) -> None:
    row = region(warehouse)
    # pooled case holders of 390 and 391 (392 has no records): 5,10,10,12,19,19,20,21,30,31,32 (11)
    # median position 5 -> 19; the mean of the LA medians would be (15.5 + 31) / 2 = 23.25
    assert row["caseload_median"] == pytest.approx(19.0, **TOL)
    assert row["caseload_median"] != pytest.approx((15.5 + 31) / 2)
    # p90: position 10 x 0.9 = 9 -> 31
    assert row["caseload_p90"] == pytest.approx(31.0, **TOL)
    # per FTE: 10,12,19,19,20,20,21 and 30,31,32 (10 values): position 4.5 -> (20 + 20) / 2 = 20
    assert row["caseload_per_fte_median"] == pytest.approx(20.0, **TOL)


def test_region_sums_components_then_applies_the_formula(warehouse: BuiltWarehouse) -> None:
    row = region(warehouse)
    # case holding share: (6.5 + 3 + 9) / ((6.5 + 1) + (3 + 0) + (10 + 2)) = 18.5 / 22.5
    assert row["case_holding_share_fte"] == pytest.approx(100 * 18.5 / 22.5, **TOL)
    # additive: non-case-holding 1 + 0 + 3 = 4; absent 1.5 (390 only); effective 6.0 + 3.0 (392 has none)
    assert row["non_case_holding_fte"] == pytest.approx(4.0, **TOL)
    assert row["absent_at_ref_fte"] == pytest.approx(1.5, **TOL)
    assert row["effective_capacity_fte"] == pytest.approx(9.0, **TOL)
    # over limit: 390 2 of 8, 391 3 of 3 (30, 31, 32 > 20) -> 100 x 5 / 11
    assert row["case_holders_over_limit_pct"] == pytest.approx(100 * 5 / 11, **TOL)
    # first-year: 390 (19 + 12) / 2, 391 0 / 0 -> 31 / 2
    assert row["nqsw_caseload_mean"] == pytest.approx(15.5, **TOL)
    # workbook measures: only 391 has a workbook -> its values
    assert row["non_sw_fte"] == pytest.approx(4.0, **TOL)
    assert row["total_workforce_fte"] == pytest.approx(7.0, **TOL)
    assert row["non_sw_per_case_holder_fte"] == pytest.approx(4.0 / 3.0, **TOL)
    assert row["weighted_caseload"] == pytest.approx(40 / 3.5, **TOL)
    # per 10k children: 10000 x (7.5 + 3 + 12) / (40414 + 61206 + 42263)
    assert row["sw_fte_per_10k_children"] == pytest.approx(10000 * 22.5 / (40414 + 61206 + 42263), **TOL)


def test_published_rows_are_null_with_status_x(warehouse: BuiltWarehouse) -> None:
    published = warehouse.query("select * from marts.workforce_indicators where source = 'published'")
    assert len(published) == 1 and published["inpost_fte"][0] == 34000.0
    for name in STRENGTHENED:
        assert published[name].isna().all() and (published[f"{name}_status"] == "x").all(), name
