"""The national (DfE) definitions of definitions.md, computed by the real dbt project on worked examples.

One raw layer holds every worked example as a different LA (real codes from ref_local_authorities), and one
``dbt build`` (models and all dbt tests) runs on it for the whole session. Census year 2024 unless said:
S = 2023-10-01, R = 2024-09-30. Every expected value is worked out by hand in the comments.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from collections import Counter

import duckdb
import pytest
from dbt_fixtures import BuiltWarehouse, build_warehouse, dbt_executable, insert_raw, la_level, submission, worker

from reference.paths import DBT_PROJECT_DIR

pytestmark = pytest.mark.dbt

Y = 2024
TOL = {"rel": 1e-12, "abs": 1e-12}
WORKING_DAYS = 253  # dbt var working_days_per_year (default)

ARRIVED = dt.datetime(2024, 10, 15, 9, 0)


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# ---------------------------------------------------------------------------------------------------------
# Worked examples (one LA each)
# ---------------------------------------------------------------------------------------------------------

# 390 Gateshead (North East): the classification example.
#   rec  type     start       end         FTE  FTE30  Cases30 WDL   classified as
#   1    SW       2015-01-01  -           1.0  1.0    15      5     in post, case holder
#   2    SW       2020-05-01  -           0.8  0.6    10      10    in post (FTE at R 0.6), case holder
#   3    SW       2018-03-01  2024-03-31  0.5  -      0       4     leaver
#   4    SW       2023-11-01  2024-06-30  1.0  -      0       2     starter AND leaver (not in post)
#   5    SW       2024-02-01  -           0.5  1.0    8       0     starter (FTE 0.5) and in post (FTE at R 1.0)
#   6    agency   2022-01-01  -           1.0  -      12      -     agency at R, case holder
#   7    agency   2023-01-01  2024-08-31  1.0  -      0       -     agency who left before R: nowhere
#   8    SW       2010-01-01  -           1.0  -      0       1     in post (manager), not a case holder
#   9    SW       2010-01-01  2023-09-15  1.0  -      0       0     left before S: nowhere
#   LALevel: NumberOfVacancies 2.0, NoAgencyFTE 1.0
GATESHEAD = "390"
GATESHEAD_ROWS = [
    worker("s390", "390", Y, 1, fte=1.0, fte30=1.0, cases30=15, working_days_lost=5.0),
    worker("s390", "390", Y, 2, fte=0.8, fte30=0.6, cases30=10, working_days_lost=10.0,
           role_start_date=d("2020-05-01")),
    worker("s390", "390", Y, 3, fte=0.5, role_start_date=d("2018-03-01"), role_end_date=d("2024-03-31"),
           working_days_lost=4.0, reason_leave=1),
    worker("s390", "390", Y, 4, fte=1.0, role_start_date=d("2023-11-01"), role_end_date=d("2024-06-30"),
           working_days_lost=2.0, reason_leave=1, start_origin=2),
    worker("s390", "390", Y, 5, fte=0.5, fte30=1.0, cases30=8, role_start_date=d("2024-02-01"), start_origin=1),
    worker("s390", "390", Y, 6, agency_worker=1, fte=1.0, cases30=12, role_start_date=d("2022-01-01"),
           working_days_lost=None),
    worker("s390", "390", Y, 7, agency_worker=1, fte=1.0, role_start_date=d("2023-01-01"),
           role_end_date=d("2024-08-31"), working_days_lost=None),
    worker("s390", "390", Y, 8, fte=1.0, org_role=2, role_start_date=d("2010-01-01"), working_days_lost=1.0),
    worker("s390", "390", Y, 9, fte=1.0, role_start_date=d("2010-01-01"), role_end_date=d("2023-09-15")),
]

# 391 Newcastle (North East): two posts for one worker, missing FTE, a zero denominator.
#   rec  type    worker  start       end         FTE   FTE30  OrgRole Cases30 WDL
#   1    SW      X       2019-01-01  -           0.6   0.6    3       5       2     in post
#   2    SW      X       2021-01-01  -           0.4   0.4    5       6       0     in post (same person)
#   3    SW      Y       2010-01-01  -           1.0   -      5       20      3     in post
#   4    agency  Z       2023-06-01  -           -     -      5       7       -     agency at R, FTE unknown
#   5    SW      L1      2012-01-01  2024-05-31  1.0   -      5       0       0     leaver
#   6    SW      L2      2012-01-01  2024-01-15  -     -      5       0       5     leaver, FTE unknown
#   LALevel: NumberOfVacancies 3.0, NoAgencyFTE 0.5
NEWCASTLE = "391"
_X = {"worker_ref": "worker-X", "birth_month": "1980-01", "sex": "F", "ethnicity": "WBRI"}
NEWCASTLE_ROWS = [
    worker("s391", "391", Y, 1, **_X, fte=0.6, fte30=0.6, org_role=3, cases30=5, working_days_lost=2.0,
           role_start_date=d("2019-01-01")),
    worker("s391", "391", Y, 2, **_X, fte=0.4, fte30=0.4, org_role=5, cases30=6, role_start_date=d("2021-01-01")),
    worker("s391", "391", Y, 3, fte=1.0, cases30=20, working_days_lost=3.0, role_start_date=d("2010-01-01")),
    worker("s391", "391", Y, 4, agency_worker=1, fte=None, fte30=None, cases30=7, role_start_date=d("2023-06-01"),
           working_days_lost=None),
    worker("s391", "391", Y, 5, fte=1.0, role_start_date=d("2012-01-01"), role_end_date=d("2024-05-31"),
           reason_leave=5),
    worker("s391", "391", Y, 6, fte=None, role_start_date=d("2012-01-01"), role_end_date=d("2024-01-15"),
           working_days_lost=5.0, reason_leave=1),
]

# 392 North Tyneside (North East): a return without LALevel values.
#   rec 1 SW in post FTE 1.0, Cases30 10; rec 2 agency at R FTE 0.5, Cases30 0 (not a case holder).
NORTH_TYNESIDE = "392"
NORTH_TYNESIDE_ROWS = [
    worker("s392", "392", Y, 1, fte=1.0, cases30=10),
    worker("s392", "392", Y, 2, agency_worker=1, fte=0.5, cases30=0, working_days_lost=None),
]

# 330 Birmingham (West Midlands): date boundaries and starter/leaver headcount keys.
#   rec  type    worker start       end         FTE  classified as
#   1    SW      B1     2023-10-01  -           1.0  starter (start = S) and in post
#   2    SW      B2     2023-09-30  2024-09-30  1.0  leaver (end = R), not a starter (start = S - 1 day)
#   3    SW      B3     2020-01-01  2024-10-01  1.0  in post (ends after R), not a leaver
#   4    SW      B4     2020-01-01  2023-09-30  1.0  nowhere (left the day before S)
#   5    agency  B5     2022-01-01  2024-09-30  1.0  not agency at R (end = R)
#   6    agency  B6     2022-01-01  2024-10-01  0.5  agency at R
#   7    SW      P      2024-04-01  -           0.5  starter, in post   } one person, two posts started
#   8    SW      P      2024-04-01  -           0.5  starter, in post   } the same day: headcount 1
#   9    SW      Q      2024-01-01  2024-03-31  1.0  starter and leaver } one person, two posts started
#   10   SW      Q      2024-04-01  -           1.0  starter, in post   } on different days: 2 starters
BIRMINGHAM = "330"
_P = {"worker_ref": "worker-P"}
_Q = {"worker_ref": "worker-Q"}
BIRMINGHAM_ROWS = [
    worker("s330", "330", Y, 1, role_start_date=d("2023-10-01"), start_origin=1),
    worker("s330", "330", Y, 2, role_start_date=d("2023-09-30"), role_end_date=d("2024-09-30"), reason_leave=1),
    worker("s330", "330", Y, 3, role_start_date=d("2020-01-01"), role_end_date=d("2024-10-01")),
    worker("s330", "330", Y, 4, role_start_date=d("2020-01-01"), role_end_date=d("2023-09-30")),
    worker("s330", "330", Y, 5, agency_worker=1, role_start_date=d("2022-01-01"), role_end_date=d("2024-09-30")),
    worker("s330", "330", Y, 6, agency_worker=1, fte=0.5, role_start_date=d("2022-01-01"),
           role_end_date=d("2024-10-01")),
    worker("s330", "330", Y, 7, **_P, fte=0.5, role_start_date=d("2024-04-01"), start_origin=2),
    worker("s330", "330", Y, 8, **_P, fte=0.5, role_start_date=d("2024-04-01"), start_origin=2),
    worker("s330", "330", Y, 9, **_Q, fte=1.0, role_start_date=d("2024-01-01"), role_end_date=d("2024-03-31"),
           start_origin=2, reason_leave=7),
    worker("s330", "330", Y, 10, **_Q, fte=1.0, role_start_date=d("2024-04-01"), start_origin=8),
]

# 800 Bath and North East Somerset (South West): zero denominators.
#   rec 1 agency at R, FTE 1.0, Cases30 0; rec 2 SW leaver (end 2024-01-31), FTE 1.0, WDL 0.
#   LALevel: NumberOfVacancies 0, NoAgencyFTE 0.
BATH = "800"
BATH_ROWS = [
    worker("s800", "800", Y, 1, agency_worker=1, fte=1.0, working_days_lost=None),
    worker("s800", "800", Y, 2, fte=1.0, role_end_date=d("2024-01-31"), reason_leave=1),
]

# 202 Camden (London, E13000001 Inner London in the published file): resubmissions for 2024.
#   c202a csww_xml accepted               arrived 2024-10-10: 3 SW in post
#   c202b csww_xml accepted_with_warnings arrived 2024-11-01: 2 SW in post   <- the one that counts
#   c202c csww_xml rejected               arrived 2024-12-01: 5 SW in post (rows should never be read)
#   c202d workbook accepted               arrived 2025-01-05: not a CSWW return
#   and one 2023 return (c202y, GenderCurrent era): 1 SW in post.
CAMDEN = "202"
CAMDEN_ROWS = (
    [worker("c202a", "202", Y, n) for n in range(1, 4)]
    + [worker("c202b", "202", Y, n) for n in range(1, 3)]
    + [worker("c202c", "202", Y, n) for n in range(1, 6)]
    + [worker("c202y", "202", 2023, 1)]
)

# 815 North Yorkshire: its ONS code changed in 2023 (E10000023 to 2022, E06000065 from 2023).
NORTH_YORKSHIRE_ROWS = [worker("s815x", "815", 2022, 1), worker("s815y", "815", Y, 1)]

SUBMISSIONS = [
    submission("s390", "390", Y, ARRIVED),
    submission("s391", "391", Y, ARRIVED, status="rows_rejected"),
    submission("s392", "392", Y, ARRIVED, status="accepted_with_warnings"),
    submission("s330", "330", Y, ARRIVED),
    submission("s800", "800", Y, ARRIVED),
    submission("c202a", "202", Y, dt.datetime(2024, 10, 10, 12, 0)),
    submission("c202b", "202", Y, dt.datetime(2024, 11, 1, 12, 0), status="accepted_with_warnings"),
    submission("c202c", "202", Y, dt.datetime(2024, 12, 1, 12, 0), status="rejected"),
    submission("c202d", "202", Y, dt.datetime(2025, 1, 5, 12, 0), return_type="workbook"),
    submission("c202y", "202", 2023, dt.datetime(2023, 10, 20, 12, 0)),
    submission("s815x", "815", 2022, dt.datetime(2022, 10, 20, 12, 0)),
    submission("s815y", "815", Y, ARRIVED),
]

LA_LEVEL = [
    la_level("s390", "390", Y, vacancies=2.0, agency_cover=1.0),
    la_level("s391", "391", Y, vacancies=3.0, agency_cover=0.5),
    # 392 sent no LALevel values
    la_level("s330", "330", Y, vacancies=1.0, agency_cover=0.0),
    la_level("s800", "800", Y, vacancies=0.0, agency_cover=0.0),
    la_level("c202a", "202", Y, vacancies=9.0, agency_cover=9.0),
    la_level("c202b", "202", Y, vacancies=1.0, agency_cover=0.5),
    la_level("c202c", "202", Y, vacancies=7.0, agency_cover=7.0),
]

RAW_ROWS = {
    "submissions": SUBMISSIONS,
    "csww_workers": GATESHEAD_ROWS + NEWCASTLE_ROWS + NORTH_TYNESIDE_ROWS + BIRMINGHAM_ROWS + BATH_ROWS
    + CAMDEN_ROWS + NORTH_YORKSHIRE_ROWS,
    "csww_la_level": LA_LEVEL,
}


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    return build_warehouse(tmp_path_factory.mktemp("dbt_worked_examples"), RAW_ROWS)


@pytest.fixture(scope="session")
def empty_warehouse(tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    return build_warehouse(tmp_path_factory.mktemp("dbt_empty_raw"), {})


def la(warehouse: BuiltWarehouse, code: str, year: int = Y) -> dict:
    return warehouse.indicators("Local authority", code, year)


def region(warehouse: BuiltWarehouse, code: str, year: int = Y) -> dict:
    return warehouse.indicators("Regional", code, year)


def flags(warehouse: BuiltWarehouse, submission_id: str, record_number: int) -> dict:
    return warehouse.row(
        "select * from intermediate.int_csww__workers_classified where submission_id = ? and record_number = ?",
        [submission_id, record_number],
    )


# ---------------------------------------------------------------------------------------------------------
# The build itself
# ---------------------------------------------------------------------------------------------------------


def test_dbt_build_runs_models_and_tests_on_worked_examples(warehouse: BuiltWarehouse) -> None:
    assert warehouse.failed_tests() == []
    assert sum(r["unique_id"].startswith("test.") for r in warehouse.results) > 100


CONSTRAINT_TYPES = {"NOT NULL": "not_null", "CHECK": "check"}


def test_column_constraints_are_in_the_built_tables(warehouse: BuiltWarehouse) -> None:
    """The column rules of the tables with a contract (not null, ranges, accepted values) are constraints that
    DuckDB checks on every row dbt writes: each one the YAML declares is in the built table."""
    manifest = json.loads((warehouse.path.parent / "target" / "manifest.json").read_text())
    declared: Counter = Counter()
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model" and node["config"]["contract"]["enforced"]:
            for column in node["columns"].values():
                for constraint in column.get("constraints") or []:
                    declared[(node["schema"], node["name"], constraint["type"])] += 1
    built = Counter(
        (schema, table, CONSTRAINT_TYPES[kind])
        for schema, table, kind in warehouse.query(
            "select schema_name, table_name, constraint_type from duckdb_constraints() "
            "where constraint_type in ('NOT NULL', 'CHECK') and schema_name in ('intermediate', 'marts')"
        ).itertuples(index=False))  # (the raw tables, written by the ingest, have NOT NULL keys of their own)
    assert sum(declared.values()) > 250
    assert ("marts", "workforce_indicators", "check") in declared and ("intermediate", "int_csww__la_components",
                                                                     "not_null") in declared
    assert built == declared


@pytest.mark.parametrize(("replace", "message"), [
    ("-1.0 as inpost_fte", "CHECK constraint failed"),  # inpost_fte >= 0
    ("'Nation' as geographic_level", "CHECK constraint failed"),  # National, Regional or Local authority
    ("null as time_period", "NOT NULL constraint failed"),
])
def test_a_row_breaking_a_constraint_is_refused(warehouse: BuiltWarehouse, tmp_path, replace, message) -> None:
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(warehouse.path, copy)
    with duckdb.connect(str(copy)) as con:
        with pytest.raises(duckdb.ConstraintException, match=message):
            con.execute(f"insert into marts.workforce_indicators select * replace ({replace}) "
                        "from marts.workforce_indicators limit 1")


def test_dbt_fails_a_model_whose_rows_break_a_constraint(warehouse: BuiltWarehouse, tmp_path) -> None:
    """dbt writes the table through its constraints: negative vacancies (which staging's test would also
    catch, were it run) make int_csww__la_components fail with DuckDB's message naming the rule. The
    submission is reloaded as the ingest does (its rows replaced, a new loaded_at), so that the incremental
    model rebuilds it once the current submissions have the new load."""
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(warehouse.path, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute("delete from raw.csww_la_level where old_la_code = '390'")
        insert_raw(con, {"csww_la_level": [la_level("s390", "390", Y, vacancies=-2.0, agency_cover=1.0)]})
        con.execute("update raw.submissions set loaded_at = now() where submission_id = 's390'")
    completed = subprocess.run(
        [dbt_executable(), "run", "--select", "int_csww__current_submissions", "int_csww__la_components",
         "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(tmp_path / "target"),
         "--log-path", str(tmp_path / "logs")],
        env={**os.environ, "WORKFORCE_WAREHOUSE_PATH": str(copy)}, capture_output=True, text=True, timeout=300,
        check=False)
    assert completed.returncode == 1, completed.stdout[-3000:]
    assert "CHECK constraint failed" in completed.stdout and "vacancy_fte >= 0" in completed.stdout, \
        completed.stdout[-3000:]


def test_dbt_build_passes_on_an_empty_raw_layer(empty_warehouse: BuiltWarehouse) -> None:
    assert empty_warehouse.failed_tests() == []
    assert empty_warehouse.query("select count(*) as n from marts.workforce_indicators")["n"][0] == 0


def test_marts_columns_are_the_contract(warehouse: BuiltWarehouse) -> None:
    columns = warehouse.query(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'marts' and table_name = 'workforce_indicators' order by ordinal_position"
    )
    names = list(columns["column_name"])
    measures = [
        "inpost_fte", "inpost_headcount", "starters_fte", "starters_headcount", "leavers_fte",
        "leavers_headcount", "turnover_rate_fte", "turnover_rate_headcount", "agency_fte", "agency_headcount",
        "agency_rate_fte", "agency_rate_headcount", "agency_cover_fte", "agency_cover_rate_fte", "vacancy_fte",
        "vacancy_rate_fte", "vacancy_agency_cover_rate_fte", "case_holders_fte", "cases", "caseload_fte",
        "working_days_lost_fte", "absence_rate_fte",
    ]
    assert names[:11] == [
        "time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
        "region_name", "old_la_code", "new_la_code", "la_name", "source",
    ]
    assert names[11:34] == [*measures, "fte_missing_records"]
    # then the strengthened measures (tests/test_dbt_strengthened.py), then every measure's status
    strengthened = [
        "case_holding_share_fte", "non_case_holding_fte", "caseload_median", "caseload_p90",
        "caseload_per_fte_median", "case_holders_over_limit_pct", "nqsw_caseload_mean", "absent_at_ref_fte",
        "effective_capacity_fte", "non_sw_fte", "non_sw_per_case_holder_fte", "total_workforce_fte",
        "weighted_caseload", "sw_fte_per_10k_children",
    ]
    assert names[34:48] == strengthened
    assert set(names[48:-2]) == {f"{m}_status" for m in [*measures, *strengthened]}
    assert names[-2:] == ["las_contributing", "las_expected"]
    types = dict(zip(columns["column_name"], columns["data_type"], strict=True))
    assert types["time_period"] == "INTEGER"
    assert {types[m] for m in [*measures, "fte_missing_records"]} == {"DOUBLE"}


def test_geography_columns_of_an_la_row(warehouse: BuiltWarehouse) -> None:
    row = la(warehouse, CAMDEN)
    assert (row["time_identifier"], row["geographic_level"], row["country_code"], row["country_name"]) == (
        "Reporting year", "Local authority", "E92000001", "England"
    )
    # Camden is Inner London in the published file: rolled up to London.
    assert (row["region_code"], row["region_name"]) == ("E12000007", "London")
    assert (row["new_la_code"], row["la_name"], row["source"]) == ("E09000007", "Camden", "returns")
    assert row["las_contributing"] is None and row["las_expected"] is None


def test_new_la_code_is_the_one_valid_in_the_year(warehouse: BuiltWarehouse) -> None:
    assert la(warehouse, "815", 2022)["new_la_code"] == "E10000023"
    assert la(warehouse, "815", 2024)["new_la_code"] == "E06000065"


# ---------------------------------------------------------------------------------------------------------
# Classification of worker records
# ---------------------------------------------------------------------------------------------------------


def test_census_dates(warehouse: BuiltWarehouse) -> None:
    row = flags(warehouse, "s390", 1)
    assert row["census_start"] == dt.date(2023, 10, 1)
    assert row["reference_date"] == dt.date(2024, 9, 30)


@pytest.mark.parametrize(
    ("submission_id", "record", "expected"),
    [
        # (is_agency, is_leaver, is_starter, is_in_post, is_agency_at_reference, is_case_holder)
        ("s390", 1, (False, False, False, True, False, True)),
        ("s390", 3, (False, True, False, False, False, False)),   # a leaver
        ("s390", 4, (False, True, True, False, False, False)),    # a starter who left: both, not in post
        ("s390", 5, (False, False, True, True, False, True)),     # a starter still in post
        ("s390", 6, (True, False, False, False, True, True)),     # agency at R holding cases
        ("s390", 7, (True, False, False, False, False, False)),   # agency who left before R
        ("s390", 8, (False, False, False, True, False, False)),   # in post, Cases30 = 0
        ("s390", 9, (False, False, False, False, False, False)),  # left before S
        ("s330", 1, (False, False, True, True, False, False)),    # started on S
        ("s330", 2, (False, True, False, False, False, False)),   # started S - 1, left on R
        ("s330", 3, (False, False, False, True, False, False)),   # ends R + 1: still in post
        ("s330", 4, (False, False, False, False, False, False)),  # left S - 1
        ("s330", 5, (True, False, False, False, False, False)),   # agency ending on R
        ("s330", 6, (True, False, False, False, True, False)),    # agency ending R + 1
    ],
)
def test_classification_flags(warehouse: BuiltWarehouse, submission_id: str, record: int, expected: tuple) -> None:
    row = flags(warehouse, submission_id, record)
    got = tuple(
        bool(row[f])
        for f in ("is_agency", "is_leaver", "is_starter", "is_in_post", "is_agency_at_reference", "is_case_holder")
    )
    assert got == expected


def test_fte_at_reference_is_fte30_else_fte(warehouse: BuiltWarehouse) -> None:
    assert flags(warehouse, "s390", 2)["fte_at_reference"] == pytest.approx(0.6, **TOL)  # FTE30 0.6, FTE 0.8
    assert flags(warehouse, "s390", 8)["fte_at_reference"] == pytest.approx(1.0, **TOL)  # no FTE30: FTE 1.0
    assert flags(warehouse, "s391", 4)["fte_at_reference"] is None  # neither


def test_two_posts_share_a_headcount_key_and_the_senior_post_counts(warehouse: BuiltWarehouse) -> None:
    first, second = flags(warehouse, "s391", 1), flags(warehouse, "s391", 2)
    assert first["headcount_key"] == second["headcount_key"]
    # OrgRole 3 (first line manager) is more senior than OrgRole 5 (case holder).
    assert (bool(first["is_headcount_post"]), bool(second["is_headcount_post"])) == (True, False)


def test_fte_missing_flag(warehouse: BuiltWarehouse) -> None:
    assert bool(flags(warehouse, "s391", 4)["is_fte_missing"])  # agency at R, FTE30 and FTE unknown
    assert bool(flags(warehouse, "s391", 6)["is_fte_missing"])  # leaver, contracted FTE unknown
    assert not bool(flags(warehouse, "s391", 5)["is_fte_missing"])


# ---------------------------------------------------------------------------------------------------------
# LA measures: 390 Gateshead
# ---------------------------------------------------------------------------------------------------------


def test_inpost_uses_fte_at_reference_and_distinct_keys(warehouse: BuiltWarehouse) -> None:
    row = la(warehouse, GATESHEAD)
    # in post: rec 1 (FTE30 1.0) + rec 2 (FTE30 0.6, not FTE 0.8) + rec 5 (FTE30 1.0, not FTE 0.5) + rec 8 (FTE 1.0)
    assert row["inpost_fte"] == pytest.approx(1.0 + 0.6 + 1.0 + 1.0, **TOL)  # 3.6
    assert row["inpost_headcount"] == 4


def test_starters_use_contracted_fte_and_include_a_starter_who_left(warehouse: BuiltWarehouse) -> None:
    row = la(warehouse, GATESHEAD)
    # starters: rec 4 (FTE 1.0, left in June) + rec 5 (FTE 0.5; its FTE30 1.0 is not used)
    assert row["starters_fte"] == pytest.approx(1.0 + 0.5, **TOL)  # 1.5
    assert row["starters_headcount"] == 2


def test_leavers_use_contracted_fte(warehouse: BuiltWarehouse) -> None:
    row = la(warehouse, GATESHEAD)
    # leavers: rec 3 (0.5) + rec 4 (1.0); rec 9 left before S
    assert row["leavers_fte"] == pytest.approx(0.5 + 1.0, **TOL)  # 1.5
    assert row["leavers_headcount"] == 2


def test_turnover_rates(warehouse: BuiltWarehouse) -> None:
    row = la(warehouse, GATESHEAD)
    assert row["turnover_rate_fte"] == pytest.approx(100 * 1.5 / 3.6, **TOL)  # 41.666...
    assert row["turnover_rate_headcount"] == pytest.approx(100 * 2 / 4, **TOL)  # 50
    assert row["turnover_rate_fte_status"] is None


def test_agency_excludes_an_agency_worker_who_left_before_the_reference_date(warehouse: BuiltWarehouse) -> None:
    row = la(warehouse, GATESHEAD)
    # agency at R: rec 6 only (rec 7 left on 2024-08-31)
    assert row["agency_fte"] == pytest.approx(1.0, **TOL)
    assert row["agency_headcount"] == 1
    assert row["agency_rate_fte"] == pytest.approx(100 * 1.0 / (1.0 + 3.6), **TOL)  # 21.739...
    assert row["agency_rate_headcount"] == pytest.approx(100 * 1 / (1 + 4), **TOL)  # 20


def test_agency_cover_and_vacancies_from_la_level(warehouse: BuiltWarehouse) -> None:
    row = la(warehouse, GATESHEAD)
    assert row["agency_cover_fte"] == pytest.approx(1.0, **TOL)
    assert row["agency_cover_rate_fte"] == pytest.approx(100 * 1.0 / 1.0, **TOL)  # 100
    assert row["vacancy_fte"] == pytest.approx(2.0, **TOL)
    assert row["vacancy_rate_fte"] == pytest.approx(100 * 2.0 / (2.0 + 3.6), **TOL)  # 35.714...
    assert row["vacancy_agency_cover_rate_fte"] == pytest.approx(100 * 1.0 / 2.0, **TOL)  # 50


def test_case_holders_cases_and_caseload(warehouse: BuiltWarehouse) -> None:
    row = la(warehouse, GATESHEAD)
    # case holders: rec 1 (1.0, 15), rec 2 (0.6, 10), rec 5 (1.0, 8), agency rec 6 (1.0, 12); rec 8 has no cases
    assert row["case_holders_fte"] == pytest.approx(1.0 + 0.6 + 1.0 + 1.0, **TOL)  # 3.6
    assert row["cases"] == 15 + 10 + 8 + 12  # 45
    assert row["caseload_fte"] == pytest.approx(45 / 3.6, **TOL)  # 12.5


def test_working_days_lost_and_absence_rate(warehouse: BuiltWarehouse) -> None:
    row = la(warehouse, GATESHEAD)
    # WDL x contracted FTE over in-post and leaver records:
    #   rec 1: 5 x 1.0 = 5; rec 2: 10 x 0.8 = 8 (FTE, not FTE30 0.6); rec 5: 0 x 0.5 = 0; rec 8: 1 x 1.0 = 1;
    #   leavers rec 3: 4 x 0.5 = 2; rec 4: 2 x 1.0 = 2  -> 18
    assert row["working_days_lost_fte"] == pytest.approx(18.0, **TOL)
    assert row["absence_rate_fte"] == pytest.approx(100 * 18.0 / (3.6 * WORKING_DAYS), **TOL)  # 1.976...
    assert row["fte_missing_records"] == 0


# ---------------------------------------------------------------------------------------------------------
# LA measures: 391 Newcastle (two posts, missing FTE, zero denominator)
# ---------------------------------------------------------------------------------------------------------


def test_two_posts_count_fte_for_both_and_headcount_once(warehouse: BuiltWarehouse) -> None:
    row = la(warehouse, NEWCASTLE)
    # in post: X post 1 (0.6) + X post 2 (0.4) + Y (1.0) = 2.0; people: X, Y = 2
    assert row["inpost_fte"] == pytest.approx(0.6 + 0.4 + 1.0, **TOL)
    assert row["inpost_headcount"] == 2
    assert row["turnover_rate_headcount"] == pytest.approx(100 * 2 / 2, **TOL)  # 2 leavers / 2 people = 100


def test_missing_fte_is_left_out_of_sums_and_counted(warehouse: BuiltWarehouse) -> None:
    row = la(warehouse, NEWCASTLE)
    # agency rec 4 has no FTE: counted in agency_headcount, not in agency_fte
    assert row["agency_fte"] == pytest.approx(0.0, **TOL)
    assert row["agency_headcount"] == 1
    # leaver rec 6 has no FTE: in leavers_headcount, not in leavers_fte (only rec 5, 1.0)
    assert row["leavers_fte"] == pytest.approx(1.0, **TOL)
    assert row["leavers_headcount"] == 2
    # case holders: X (0.6, 5) + X (0.4, 6) + Y (1.0, 20) + agency Z (FTE unknown, 7 cases still counted)
    assert row["case_holders_fte"] == pytest.approx(2.0, **TOL)
    assert row["cases"] == 5 + 6 + 20 + 7  # 38
    assert row["caseload_fte"] == pytest.approx(38 / 2.0, **TOL)  # 19
    # WDL x FTE: X post 1 2 x 0.6 = 1.2; Y 3 x 1.0 = 3; rec 5 0; rec 6 (5 days, FTE unknown) left out -> 4.2
    assert row["working_days_lost_fte"] == pytest.approx(4.2, **TOL)
    assert row["absence_rate_fte"] == pytest.approx(100 * 4.2 / (2.0 * WORKING_DAYS), **TOL)
    # records 4 and 6
    assert row["fte_missing_records"] == 2


def test_rate_with_zero_denominator_is_null_with_status_z(warehouse: BuiltWarehouse) -> None:
    row = la(warehouse, NEWCASTLE)
    # agency_cover_rate_fte = 100 x 0.5 / agency_fte 0 -> not applicable
    assert row["agency_cover_fte"] == pytest.approx(0.5, **TOL)
    assert row["agency_cover_rate_fte"] is None
    assert row["agency_cover_rate_fte_status"] == "z"
    # the other rates of the row have values: agency_rate_fte = 100 x 0 / (0 + 2) = 0 (a real zero)
    assert row["agency_rate_fte"] == pytest.approx(0.0, **TOL)
    assert row["agency_rate_fte_status"] is None
    assert row["agency_rate_headcount"] == pytest.approx(100 * 1 / (1 + 2), **TOL)  # 33.33...
    assert row["vacancy_rate_fte"] == pytest.approx(100 * 3.0 / (3.0 + 2.0), **TOL)  # 60
    assert row["vacancy_agency_cover_rate_fte"] == pytest.approx(100 * 0.5 / 3.0, **TOL)  # 16.66...


def test_every_zero_denominator_gives_z(warehouse: BuiltWarehouse) -> None:
    row = la(warehouse, BATH)
    # no one in post: inpost 0; agency 1.0; leavers 1.0; vacancies 0; agency cover 0; cases 0
    assert row["inpost_fte"] == 0 and row["inpost_fte_status"] is None
    for rate in (
        "turnover_rate_fte",              # 1.0 / 0
        "turnover_rate_headcount",        # 1 / 0
        "vacancy_agency_cover_rate_fte",  # 0 / 0
        "caseload_fte",                   # 0 / 0
        "absence_rate_fte",               # 0 / (0 x 253)
        "vacancy_rate_fte",               # 0 / (0 + 0)
    ):
        assert row[rate] is None, rate
        assert row[f"{rate}_status"] == "z", rate
    # agency_rate_fte = 100 x 1.0 / (1.0 + 0) = 100 exactly (the upper bound)
    assert row["agency_rate_fte"] == 100.0
    assert row["agency_cover_rate_fte"] == pytest.approx(0.0, **TOL)  # 100 x 0 / 1.0


def test_no_la_level_values_gives_status_x(warehouse: BuiltWarehouse) -> None:
    row = la(warehouse, NORTH_TYNESIDE)
    for measure in ("agency_cover_fte", "vacancy_fte", "agency_cover_rate_fte", "vacancy_rate_fte",
                    "vacancy_agency_cover_rate_fte"):
        assert row[measure] is None, measure
        assert row[f"{measure}_status"] == "x", measure
    # the worker measures are there: inpost 1.0, agency 0.5, caseload 10 / 1.0
    assert row["agency_rate_fte"] == pytest.approx(100 * 0.5 / (0.5 + 1.0), **TOL)
    assert row["caseload_fte"] == pytest.approx(10.0, **TOL)
    assert row["turnover_rate_fte"] == pytest.approx(0.0, **TOL)  # 0 leavers / 1.0
    assert row["turnover_rate_fte_status"] is None


# ---------------------------------------------------------------------------------------------------------
# LA measures: 330 Birmingham (boundaries, starter/leaver headcount keys)
# ---------------------------------------------------------------------------------------------------------


def test_boundary_dates_and_starter_leaver_keys(warehouse: BuiltWarehouse) -> None:
    row = la(warehouse, BIRMINGHAM)
    # in post: B1 1.0, B3 1.0, P 0.5, P 0.5, Q (2nd post) 1.0 = 4.0; people B1, B3, P, Q = 4
    assert row["inpost_fte"] == pytest.approx(4.0, **TOL)
    assert row["inpost_headcount"] == 4
    # starters: B1 1.0, P 0.5, P 0.5, Q 1.0, Q 1.0 = 4.0;
    # (key, start date): (B1, 2023-10-01), (P, 2024-04-01), (Q, 2024-01-01), (Q, 2024-04-01) = 4
    assert row["starters_fte"] == pytest.approx(4.0, **TOL)
    assert row["starters_headcount"] == 4
    # leavers: B2 (end = R) 1.0 + Q first post 1.0 = 2.0; (B2, 2024-09-30), (Q, 2024-03-31) = 2
    assert row["leavers_fte"] == pytest.approx(2.0, **TOL)
    assert row["leavers_headcount"] == 2
    # agency at R: B6 only (B5 ended on R)
    assert row["agency_fte"] == pytest.approx(0.5, **TOL)
    assert row["agency_headcount"] == 1


# ---------------------------------------------------------------------------------------------------------
# Resubmissions
# ---------------------------------------------------------------------------------------------------------


def test_only_the_latest_non_rejected_csww_submission_counts(warehouse: BuiltWarehouse) -> None:
    current = warehouse.row(
        "select * from intermediate.int_csww__current_submissions where old_la_code = ? and census_year = ?",
        [CAMDEN, Y],
    )
    assert current["submission_id"] == "c202b"
    assert (current["submissions_received"], current["submissions_not_rejected"]) == (3, 2)
    row = la(warehouse, CAMDEN)
    # c202b: 2 in post (not c202a's 3, not the rejected c202c's 5); its LALevel: vacancies 1.0, cover 0.5
    assert row["inpost_headcount"] == 2
    assert row["inpost_fte"] == pytest.approx(2.0, **TOL)
    assert row["vacancy_fte"] == pytest.approx(1.0, **TOL)
    assert row["agency_cover_fte"] == pytest.approx(0.5, **TOL)
    assert row["vacancy_rate_fte"] == pytest.approx(100 * 1.0 / (1.0 + 2.0), **TOL)
    # the other year is a row of its own
    assert la(warehouse, CAMDEN, 2023)["inpost_headcount"] == 1


def test_one_row_per_la_and_year(warehouse: BuiltWarehouse) -> None:
    counts = warehouse.query(
        "select time_period, count(*) as n from marts.workforce_indicators "
        "where geographic_level = 'Local authority' group by time_period order by time_period"
    )
    # 2022: 815; 2023: 202; 2024: 390, 391, 392, 330, 800, 202, 815
    assert dict(zip(counts["time_period"], counts["n"], strict=True)) == {2022: 1, 2023: 1, 2024: 7}


# ---------------------------------------------------------------------------------------------------------
# Regional rows: North East 2024 = 390 + 391 + 392
# ---------------------------------------------------------------------------------------------------------


def test_regional_components_are_sums_over_las(warehouse: BuiltWarehouse) -> None:
    row = region(warehouse, "E12000001")
    assert (row["region_name"], row["geographic_level"]) == ("North East", "Regional")
    assert row["old_la_code"] is None and row["new_la_code"] is None and row["la_name"] is None
    assert row["inpost_fte"] == pytest.approx(3.6 + 2.0 + 1.0, **TOL)  # 6.6
    assert row["inpost_headcount"] == 4 + 2 + 1
    assert row["leavers_fte"] == pytest.approx(1.5 + 1.0 + 0.0, **TOL)  # 2.5
    assert row["agency_headcount"] == 1 + 1 + 1
    assert row["cases"] == 45 + 38 + 10
    # 392 has no LALevel values: summed over 390 and 391 only
    assert row["vacancy_fte"] == pytest.approx(2.0 + 3.0, **TOL)
    assert row["agency_cover_fte"] == pytest.approx(1.0 + 0.5, **TOL)
    assert row["fte_missing_records"] == 0 + 2 + 0


def test_regional_rates_apply_the_formula_to_summed_components(warehouse: BuiltWarehouse) -> None:
    row = region(warehouse, "E12000001")
    # turnover: 100 x (1.5 + 1.0 + 0) / (3.6 + 2.0 + 1.0) = 100 x 2.5 / 6.6 = 37.878...
    # (the mean of the LA rates would be (41.67 + 50 + 0) / 3 = 30.56)
    assert row["turnover_rate_fte"] == pytest.approx(100 * 2.5 / 6.6, **TOL)
    assert row["turnover_rate_fte"] != pytest.approx((100 * 1.5 / 3.6 + 100 * 1.0 / 2.0 + 0.0) / 3, rel=1e-3)
    # caseload: (45 + 38 + 10) / (3.6 + 2.0 + 1.0) = 93 / 6.6 = 14.09...
    assert row["caseload_fte"] == pytest.approx(93 / 6.6, **TOL)
    # agency rate: 100 x (1.0 + 0 + 0.5) / ((1.0 + 0 + 0.5) + 6.6) = 100 x 1.5 / 8.1
    assert row["agency_rate_fte"] == pytest.approx(100 * 1.5 / 8.1, **TOL)
    # absence: 100 x (18 + 4.2 + 0) / (6.6 x 253)
    assert row["absence_rate_fte"] == pytest.approx(100 * 22.2 / (6.6 * WORKING_DAYS), **TOL)


def test_regional_rates_use_only_las_with_numerator_and_denominator(warehouse: BuiltWarehouse) -> None:
    row = region(warehouse, "E12000001")
    # vacancy rate over 390 and 391 (392 has no vacancies): 100 x (2 + 3) / ((2 + 3.6) + (3 + 2.0)) = 500 / 10.6
    # (not 100 x 5 / (5 + 6.6), which would put 392's in-post FTE in the denominator)
    assert row["vacancy_rate_fte"] == pytest.approx(100 * 5.0 / 10.6, **TOL)
    # agency cover rate: 390 (1.0 / 1.0) and 391 (0.5 / 0: a value, so it counts) -> 100 x 1.5 / 1.0 = 150
    assert row["agency_cover_rate_fte"] == pytest.approx(150.0, **TOL)
    # vacancies covered by agency: 100 x (1.0 + 0.5) / (2 + 3) = 30
    assert row["vacancy_agency_cover_rate_fte"] == pytest.approx(30.0, **TOL)
    assert row["vacancy_rate_fte_status"] is None


def test_regional_row_counts_contributing_and_expected_las(warehouse: BuiltWarehouse) -> None:
    row = region(warehouse, "E12000001")
    # 3 LAs sent returns; the North East has 12 LAs in 2024
    assert (row["las_contributing"], row["las_expected"]) == (3, 12)


def test_london_region_holds_the_current_submission_only(warehouse: BuiltWarehouse) -> None:
    row = region(warehouse, "E12000007")
    assert row["las_contributing"] == 1
    assert row["inpost_headcount"] == 2
    # London has 33 LA units in the seed, Kingston and Richmond being one joint unit ('314 / 318')
    assert row["las_expected"] == 32


def test_no_regional_row_without_a_contributing_la(warehouse: BuiltWarehouse) -> None:
    regions = warehouse.query(
        "select region_code from marts.workforce_indicators where geographic_level = 'Regional' "
        "and time_period = 2024 order by region_code"
    )
    # North East (390-392), Yorkshire (815), West Midlands (330), London (202), South West (800)
    assert list(regions["region_code"]) == ["E12000001", "E12000003", "E12000005", "E12000007", "E12000009"]
