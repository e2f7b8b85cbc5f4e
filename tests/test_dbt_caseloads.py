"""marts.caseload_distribution, marts.team_caseloads and marts.caseload_limits, built by the real dbt project
on a hand-worked raw layer (one ``dbt build`` with every dbt test, for the module).

Census year 2024: S = 2023-10-01, R = 2024-09-30. Seeds as they ship: team_type_limits (first_year 18,
default 20; front_door 25, long_term 20, care_leavers 25, ...), caseload_weights (w_cin 1, w_cp 1.5,
w_cla 1.25, w_cl 0.75, w_court 2). Every expected value is worked out by hand in the comments.
``RAW_ROWS`` is reused by tests/test_dashboard_caseloads.py (the same example, published and shown).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from dbt_fixtures import BuiltWarehouse, build_warehouse, submission, worker

pytestmark = pytest.mark.dbt

Y = 2024
ARRIVED = dt.datetime(2024, 10, 15, 9, 0)
TOL = {"rel": 1e-12, "abs": 1e-12}


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# 390 Gateshead, current CSWW return c390:
#   rec kind    start       StartOrigin FTE  FTE30 Cases30  case holder? first year?    limit over?
#   1   SW      2015-01-01  -           1.0  -     10       yes          no             20    no
#   2   SW      2015-01-01  -           0.5  -     10       yes          no             20    no
#   3   SW      2024-01-15  1           1.0  -     19       yes          yes            18    YES (19 > 18)
#   4   SW      2015-01-01  -           1.0  -     20       yes          no             20    no (20 = 20)
#   5   SW      2015-01-01  -           1.0  -     0        no (no cases)
#   6   agency  2022-01-01  -           1.0  -     21       yes          no             20    YES
#   7   SW      2023-06-01  1           1.0  -     19       yes          no (before S)  20    no
#   8   SW      2024-09-30  1           1.0  -     12       yes          yes (on R)     18    no
#   9   SW      2015-01-01  -           -    -     21       yes (FTE unknown) no       20    YES
#   10  SW      2015-01-01, left 2024-06-30        15       no (not in post at R)
#   11  SW      2024-03-01  1           0.6  -     19       yes          yes            18    YES
# Distribution rows (group, cases30): holders, FTE, FTE missing, cases, limit, over
#   first_year 12: 1, 1.0, 0, 12, 18, no
#   first_year 19: 2 (3, 11), 1.6, 0, 38, 18, yes
#   other      10: 2 (1, 2), 1.5, 0, 20, 20, no
#   other      19: 1 (7), 1.0, 0, 19, 20, no
#   other      20: 1 (4), 1.0, 0, 20, 20, no
#   other      21: 2 (6, 9), 1.0 (9 unknown), 1, 42, 20, yes
# Totals: 9 case holders, cases 151, FTE 7.1, 4 above their limit (400 / 9 %), 3 first-year holding 50 cases.
# A later REJECTED return c390r (a worker with 50 cases) is never used.
GATESHEAD = "390"
GATESHEAD_ROWS = [
    worker("c390", GATESHEAD, Y, 1, cases30=10),
    worker("c390", GATESHEAD, Y, 2, fte=0.5, cases30=10),
    worker("c390", GATESHEAD, Y, 3, cases30=19, start_origin=1, role_start_date=d("2024-01-15")),
    worker("c390", GATESHEAD, Y, 4, cases30=20),
    worker("c390", GATESHEAD, Y, 5, cases30=0),
    worker("c390", GATESHEAD, Y, 6, agency_worker=1, cases30=21, role_start_date=d("2022-01-01"),
           working_days_lost=None),
    worker("c390", GATESHEAD, Y, 7, cases30=19, start_origin=1, role_start_date=d("2023-06-01")),
    worker("c390", GATESHEAD, Y, 8, cases30=12, start_origin=1, role_start_date=d("2024-09-30")),
    worker("c390", GATESHEAD, Y, 9, fte=None, cases30=21),
    worker("c390", GATESHEAD, Y, 10, cases30=15, role_end_date=d("2024-06-30")),
    worker("c390", GATESHEAD, Y, 11, fte=0.6, cases30=19, start_origin=1, role_start_date=d("2024-03-01")),
    worker("c390r", GATESHEAD, Y, 1, cases30=50),
]
GATESHEAD_EXPECTED = [
    # worker_group, cases30, case_holders, case_holders_fte, fte_missing_records, cases, caseload_limit, over
    ("first_year", 12, 1, 1.0, 0, 12.0, 18.0, False),
    ("first_year", 19, 2, 1.6, 0, 38.0, 18.0, True),
    ("other", 10, 2, 1.5, 0, 20.0, 20.0, False),
    ("other", 19, 1, 1.0, 0, 19.0, 20.0, False),
    ("other", 20, 1, 1.0, 0, 20.0, 20.0, False),
    ("other", 21, 2, 1.0, 1, 42.0, 20.0, True),
]

# 391 Newcastle: a CSWW return (one social worker, 5 cases) and an annual R2 workbook w391 with Teams:
#   team_type     FTE  allocated cin cp cla cl  court  weighted children                         per FTE  limit over
#   front_door    2.0  52        40  8  0   0   4      40 + 8x1.5 + 4x2 = 60                     26       25    yes
#   long_term     2.0  40        20  10 5   -   5      20 + 15 + 6.25 + 0 + 10 = 51.25           20       20    no
#   care_leavers  0.0  3         0   0  0   3   0      3 x 0.75 = 2.25                           -        25    -
#   weighted caseload per team: 60 / 2 = 30; 51.25 / 2 = 25.625; none (no FTE)
#   LA: weighted children 113.5 over 4.0 FTE = 28.375 (weighted_caseload of workforce_indicators); 1 team over.
# Never used: an earlier annual workbook w391old (superseded by w391) and a quarterly one w391q (June).
NEWCASTLE = "391"
_W = {"old_la_code": NEWCASTLE, "census_year": Y, "period_end": d("2024-09-30")}
NEWCASTLE_TEAMS = [
    {**_W, "submission_id": "w391", "line": 2, "team_type": "front_door", "case_holders_fte": 2.0,
     "nqsw_case_holders_fte": 0.5, "children_allocated": 52, "children_cin": 40, "children_cp": 8,
     "children_cla": 0, "children_care_leavers": 0, "children_in_proceedings": 4, "vacancy_fte": 1.0,
     "agency_fte": 0.5},
    {**_W, "submission_id": "w391", "line": 3, "team_type": "long_term", "case_holders_fte": 2.0,
     "nqsw_case_holders_fte": 0.0, "children_allocated": 40, "children_cin": 20, "children_cp": 10,
     "children_cla": 5, "children_care_leavers": None, "children_in_proceedings": 5},
    {**_W, "submission_id": "w391", "line": 4, "team_type": "care_leavers", "case_holders_fte": 0.0,
     "children_allocated": 3, "children_cin": 0, "children_cp": 0, "children_cla": 0, "children_care_leavers": 3,
     "children_in_proceedings": 0},
    {**_W, "submission_id": "w391old", "line": 2, "team_type": "other", "case_holders_fte": 1.0,
     "children_allocated": 99, "children_cin": 99},
    {**_W, "submission_id": "w391q", "period_end": d("2024-06-30"), "line": 2, "team_type": "assessment",
     "case_holders_fte": 1.0, "children_allocated": 77, "children_cin": 77},
]
NEWCASTLE_EXPECTED = {
    # team_type: (caseload_per_fte, caseload_limit, is_over_limit, weighted_children, weighted_caseload)
    "front_door": (26.0, 25.0, True, 60.0, 30.0),
    "long_term": (20.0, 20.0, False, 51.25, 25.625),
    "care_leavers": (None, 25.0, None, 2.25, None),
}


def _workbook(submission_id: str, arrived: dt.datetime, period_end: dt.date | None = None) -> dict:
    row = submission(submission_id, NEWCASTLE, Y, arrived, return_type="workbook")
    if period_end is not None:
        row["period_end"] = period_end
    return row


RAW_ROWS = {
    "submissions": [
        submission("c390", GATESHEAD, Y, ARRIVED),
        submission("c390r", GATESHEAD, Y, ARRIVED + dt.timedelta(days=1), status="rejected"),
        submission("c391", NEWCASTLE, Y, ARRIVED),
        _workbook("w391old", ARRIVED - dt.timedelta(days=3)),
        _workbook("w391", ARRIVED),
        _workbook("w391q", ARRIVED + dt.timedelta(days=2), period_end=d("2024-06-30")),
    ],
    "csww_workers": [*GATESHEAD_ROWS, worker("c391", NEWCASTLE, Y, 1, cases30=5)],
    "workbook_teams": NEWCASTLE_TEAMS,
}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> BuiltWarehouse:
    return build_warehouse(tmp_path_factory.mktemp("dbt_caseloads"), RAW_ROWS)


def test_every_dbt_test_passes(built: BuiltWarehouse) -> None:
    names = {r["unique_id"] for r in built.results}
    for expected in ("model.workforce.caseload_distribution", "model.workforce.team_caseloads",
                     "model.workforce.caseload_limits", "test.workforce.assert_caseload_distribution_adds_up",
                     "test.workforce.assert_team_caseloads_add_up"):
        assert expected in names
    assert built.failed_tests() == []


def test_caseload_distribution_rows_by_hand(built: BuiltWarehouse) -> None:
    rows = built.query(
        "select worker_group, cases30, case_holders, case_holders_fte, fte_missing_records, cases, caseload_limit,"
        " is_over_limit, la_name, submission_id, is_first_year from marts.caseload_distribution "
        "where old_la_code = '390' and time_period = 2024 order by worker_group, cases30")
    got = list(rows.itertuples(index=False))
    assert len(got) == len(GATESHEAD_EXPECTED)
    for row, expected in zip(got, GATESHEAD_EXPECTED, strict=True):
        group, cases30, holders, fte, missing, cases, limit, over = expected
        assert (row.worker_group, row.cases30, row.case_holders, row.fte_missing_records) == (
            group, cases30, holders, missing)
        assert row.case_holders_fte == pytest.approx(fte, **TOL)
        assert row.cases == pytest.approx(cases, **TOL)
        assert row.caseload_limit == limit
        assert bool(row.is_over_limit) is over
        assert bool(row.is_first_year) is (group == "first_year")
    assert set(rows["la_name"]) == {"Gateshead"}
    assert set(rows["submission_id"]) == {"c390"}  # the rejected later return is not used


def test_caseload_distribution_adds_up_to_workforce_indicators(built: BuiltWarehouse) -> None:
    totals = built.row(
        "select sum(case_holders) as holders, sum(cases) as cases, sum(case_holders_fte) as fte, "
        "sum(case when is_over_limit then case_holders else 0 end) as over "
        "from marts.caseload_distribution where old_la_code = '390' and time_period = 2024")
    assert totals == {"holders": 9, "cases": pytest.approx(151.0), "fte": pytest.approx(7.1), "over": 4}
    la = built.indicators("Local authority", GATESHEAD, Y)
    assert la["cases"] == pytest.approx(151.0, **TOL)
    assert la["case_holders_fte"] == pytest.approx(7.1, **TOL)
    assert la["case_holders_over_limit_pct"] == pytest.approx(400 / 9, **TOL)
    assert la["nqsw_caseload_mean"] == pytest.approx(50 / 3, **TOL)
    # the median of the 9 sorted caseloads 10 10 12 19 19 19 20 21 21 is the 5th, 19
    assert la["caseload_median"] == pytest.approx(19.0, **TOL)


def test_team_caseloads_rows_by_hand(built: BuiltWarehouse) -> None:
    rows = built.query("select * from marts.team_caseloads order by old_la_code, team_type")
    assert list(rows["old_la_code"]) == [NEWCASTLE] * 3  # only the current ANNUAL workbook's teams
    assert set(rows["submission_id"]) == {"w391"}
    assert set(rows["la_name"]) == {"Newcastle upon Tyne"}
    for row in rows.itertuples(index=False):
        per_fte, limit, over, weighted, weighted_caseload = NEWCASTLE_EXPECTED[row.team_type]
        assert row.caseload_limit == limit
        assert row.weighted_children == pytest.approx(weighted, **TOL)
        if per_fte is None:
            assert pd.isna(row.caseload_per_fte) and pd.isna(row.is_over_limit) and pd.isna(row.weighted_caseload)
        else:
            assert row.caseload_per_fte == pytest.approx(per_fte, **TOL)
            assert bool(row.is_over_limit) is over
            assert row.weighted_caseload == pytest.approx(weighted_caseload, **TOL)
    front_door = rows[rows["team_type"] == "front_door"].iloc[0]
    assert (front_door["children_allocated"], front_door["nqsw_case_holders_fte"], front_door["vacancy_fte"],
            front_door["agency_fte"]) == (52.0, 0.5, 1.0, 0.5)


def test_team_caseloads_add_up_to_weighted_caseload(built: BuiltWarehouse) -> None:
    la = built.indicators("Local authority", NEWCASTLE, Y)
    assert la["weighted_caseload"] == pytest.approx(113.5 / 4.0, **TOL)  # 28.375
    teams = built.row("select sum(weighted_children) as w, sum(case_holders_fte) as fte, "
                      "count(*) filter (where is_over_limit) as over from marts.team_caseloads")
    assert teams == {"w": pytest.approx(113.5), "fte": pytest.approx(4.0), "over": 1}
    assert built.query("select * from marts.team_caseloads where old_la_code = '390'").empty


def test_caseload_limits_are_the_seed(built: BuiltWarehouse) -> None:
    limits = built.query("select limit_code, applies_to, caseload_limit from marts.caseload_limits")
    got = {(r.limit_code, r.applies_to): r.caseload_limit for r in limits.itertuples(index=False)}
    assert got == {
        ("first_year", "worker"): 18.0, ("default", "worker"): 20.0, ("front_door", "team"): 25.0,
        ("assessment", "team"): 25.0, ("long_term", "team"): 20.0, ("children_in_care", "team"): 20.0,
        ("care_leavers", "team"): 25.0, ("disabled_children", "team"): 20.0, ("other", "team"): 20.0,
    }
