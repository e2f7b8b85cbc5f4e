"""R3, the published EES indicators file: the real file, an older layout, every EES rule code (a file that
triggers it and one that does not), hostile files, and the real dbt build with the real file loaded.

No mocks: ``validate_ees`` reads the real seeds (column mapping, reference LAs and regions), and the end-to-end
test loads its frames with ``pipeline.warehouse`` and runs the real ``dbt build``.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import random
import re
import time
from collections import Counter

import duckdb
import pandas as pd
import pytest
from dbt_fixtures import BuiltWarehouse, insert_raw, la_level, run_dbt_build, submission, worker

from pipeline.warehouse import create_raw_tables, raw_columns, replace_submission
from reference.paths import DBT_PROJECT_DIR, PUBLISHED_INDICATORS
from validation.ees import FRAME_COLUMNS, column_mapping, validate_ees
from validation.readers.ees_csv import MAX_BYTES, looks_like_ees
from validation.rules import RULES

REAL_BYTES = PUBLISHED_INDICATORS.read_bytes()
SYMBOLS = ("c", "low", "u", "x", "z")
MEASURES = (
    "inpost_fte", "inpost_headcount", "starters_fte", "starters_headcount", "leavers_fte", "leavers_headcount",
    "turnover_rate_fte", "turnover_rate_headcount", "agency_fte", "agency_headcount", "agency_rate_fte",
    "agency_rate_headcount", "agency_cover_fte", "agency_cover_rate_fte", "vacancy_fte", "vacancy_rate_fte",
    "vacancy_agency_cover_rate_fte", "case_holders_fte", "cases", "caseload_fte", "working_days_lost_fte",
    "absence_rate_fte",
)
GEOGRAPHY = ("time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
             "region_name", "old_la_code", "new_la_code", "la_name")

# The header of DfE's csww_headline_measures_2017_to_2022.csv (2022 release), and two of its rows.
HEADLINE_HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,"
    "new_la_code,la_name,social_worker_fte,leaver_fte,turnover_rate_fte_%,working_days_lost_fte,absence_rate_fte_%,"
    "agency_fte,agency_worker_rate_fte_%,agency_cover_fte,agency_cover_rate_fte_%,vacancy_fte,vacancy_rate_fte_%,"
    "vacancy_agency_cover_rate_fte_%,case_holders_fte,cases,caseload_fte,social_worker_headcount,leaver_headcount,"
    "turnover_rate_headcount_%,agency_headcount,agency_worker_rate_headcount_%"
)
HEADLINE_ROWS = (
    "2022,Reporting year,National,E92000001,England,,,,,,31634.1,5422,17.1,283440.5,3.5,6759.7,17.6,5440.5,80.5,"
    "7912.9,20,68.8,20206,335563,16.6,33689,6111,18.1,6969,17.1",
    "2022,Reporting year,Local authority,E92000001,England,E12000001,North East,390,E08000037,Gateshead,153.7,1,0.7,"
    "1554.5,4,8,4.9,8,100,11,6.7,72.7,144,2368,16.5,164,1,0.6,8,4.7",
)


# ---------------------------------------------------------------------------------------------------------
# Helpers: a small, valid EES file in today's layout, and ways to break it
# ---------------------------------------------------------------------------------------------------------


def geo_row(level: str, region: tuple[str, str] = ("", ""), la: tuple[str, str, str] = ("", "", ""),
            year: str = "2025") -> dict[str, str]:
    row = dict(zip(GEOGRAPHY, (year, "Reporting year", level, "E92000001", "England", *region, *la), strict=True))
    row.update({measure: str(10 + i) for i, measure in enumerate(MEASURES)})
    return row


def base_rows() -> list[dict[str, str]]:
    return [
        geo_row("National"),
        geo_row("Regional", ("E12000001", "North East")),
        geo_row("Regional", ("E12000007", "London")),
        geo_row("Regional", ("E13000001", "Inner London")),
        geo_row("Local authority", ("E12000001", "North East"), ("390", "E08000037", "Gateshead")),
        geo_row("Local authority", ("E13000001", "Inner London"), ("202", "E09000007", "Camden")),
        geo_row("Local authority", ("E13000002", "Outer London"),
                ("314 / 318", "E09000021 / E09000027", "Kingston upon Thames / Richmond upon Thames")),
    ]


def ees_csv(rows: list[dict[str, str]] | None = None, columns: list[str] | None = None) -> bytes:
    rows = base_rows() if rows is None else rows
    columns = columns or [*GEOGRAPHY, *MEASURES]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return out.getvalue().encode("utf-8")


def with_cell(record: int, column: str, value: str) -> bytes:
    rows = base_rows()
    rows[record][column] = value
    return ees_csv(rows)


def run(data: bytes, name: str = "indicators.csv"):
    return validate_ees(data, file_name=name)


def codes(result) -> set[str]:
    return {issue.rule_code for issue in result.issues}


def file_cells(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


# ---------------------------------------------------------------------------------------------------------
# The real published file
# ---------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real():
    return run(REAL_BYTES, PUBLISHED_INDICATORS.name)


def test_real_file_loads_every_row_and_recognises_every_measure_column(real):
    assert real.return_type == "ees_csv"
    assert (real.old_la_code, real.census_year, real.period_end) == (None, None, None)
    assert real.issues == [] and real.status == "accepted"
    assert real.rows_received == real.rows_accepted == 1463
    assert real.ignored_columns == []
    assert real.measure_columns == {m: m for m in MEASURES}
    frame = real.indicators
    assert len(frame) == 1463 * len(MEASURES)
    assert set(frame["measure"]) == set(MEASURES)


def test_frame_has_exactly_the_raw_table_columns():
    with duckdb.connect() as con:
        create_raw_tables(con)
        expected = [c for c in raw_columns(con, "published_indicators") if c != "submission_id"]
    assert FRAME_COLUMNS == expected
    assert list(run(ees_csv()).indicators.columns) == expected


def test_symbol_counts_are_preserved_and_never_coerced(real):
    cells = [row[m] for row in file_cells(REAL_BYTES) for m in MEASURES]
    in_file = Counter(cell for cell in cells if cell in SYMBOLS)
    assert in_file["x"] > 0 and in_file["u"] > 0 and in_file["low"] > 0
    frame = real.indicators
    assert Counter(frame["status"].dropna()) == in_file
    assert frame.loc[frame["status"].notna(), "value"].isna().all()
    assert frame.loc[frame["status"].isna(), "value"].notna().all()
    assert frame["value"].notna().sum() == len(cells) - sum(in_file.values())
    sunderland = frame[(frame["old_la_code"] == "394") & (frame["time_period"] == 2024)
                       & (frame["measure"] == "leavers_fte")]
    assert sunderland[["value", "status"]].astype(object).values.tolist() == [[pd.NA, "u"]]


def test_london_la_rows_roll_up_to_london(real):
    file_rows = file_cells(REAL_BYTES)
    london_in_file = [r for r in file_rows if r["geographic_level"] == "Local authority"
                      and r["region_code"] in ("E13000001", "E13000002")]
    assert len(london_in_file) > 250
    frame = real.indicators
    las = frame[frame["geographic_level"] == "Local authority"].drop_duplicates(["old_la_code", "time_period"])
    assert not las["region_code"].str.startswith("E13").any()
    camden = las[las["old_la_code"] == "202"]
    assert set(camden["region_code"]) == {"E12000007"} and set(camden["region_name"]) == {"London"}
    assert (las["region_code"] == "E12000007").sum() == len(london_in_file)
    # The Inner/Outer London regional rows are kept as sent (dbt leaves them out of the regions).
    regions = frame[frame["geographic_level"] == "Regional"].drop_duplicates(["region_code", "time_period"])
    assert Counter(regions["region_code"])["E13000001"] == 9


def test_kingston_and_richmond_stay_one_unit(real):
    frame = real.indicators
    joint = frame[frame["old_la_code"] == "314 / 318"].drop_duplicates(["time_period"])
    assert sorted(joint["time_period"]) == list(range(2017, 2026))
    assert set(joint["new_la_code"]) == {"E09000021 / E09000027"}
    assert not frame["old_la_code"].isin(["314", "318"]).any()


# ---------------------------------------------------------------------------------------------------------
# Layouts and the column mapping
# ---------------------------------------------------------------------------------------------------------


def test_headline_measures_layout_loads_through_the_mapping():
    data = "\n".join([HEADLINE_HEADER, *HEADLINE_ROWS]).encode()
    result = run(data, "csww_headline_measures_2017_to_2022.csv")
    assert result.file_rejected is False and result.rows_accepted == 2
    assert result.measure_columns["turnover_rate_fte_%"] == "turnover_rate_fte"
    assert result.measure_columns["social_worker_fte"] == "inpost_fte"
    assert result.ignored_columns == []
    # starters are not in that layout: reported, and dbt shows them as 'x'
    assert sorted(i.item for i in result.issues) == ["starters_fte", "starters_headcount"]
    assert codes(result) == {"EES021"} and result.status == "accepted_with_warnings"
    frame = result.indicators.set_index(["geographic_level", "measure"])["value"]
    assert frame[("National", "inpost_fte")] == 31634.1
    assert frame[("National", "turnover_rate_fte")] == 17.1
    assert frame[("National", "agency_rate_headcount")] == 17.1
    assert frame[("Local authority", "leavers_fte")] == 1
    assert set(result.indicators["measure"]) == set(MEASURES) - {"starters_fte", "starters_headcount"}


def test_best_knowledge_aliases_map_to_todays_names():
    rows = [geo_row("National")]
    columns = [*GEOGRAPHY, "starter_fte", "agency_worker_fte", "average_caseload_fte"]
    rows[0].update({"starter_fte": "5", "agency_worker_fte": "6", "average_caseload_fte": "15.2"})
    result = run(ees_csv(rows, columns))
    values = dict(zip(result.indicators["measure"], result.indicators["value"], strict=True))
    assert values == {"starters_fte": 5, "agency_fte": 6, "caseload_fte": 15.2}


def test_mapping_seed_maps_each_column_to_one_of_the_mart_measures():
    mapping = column_mapping()
    macro = (DBT_PROJECT_DIR / "macros" / "national_measures.sql").read_text()
    published = [m for m in re.findall(r"'name': '(\w+)'", macro) if m != "fte_missing_records"]
    assert mapping.measures == tuple(published) == MEASURES
    assert set(mapping.layouts["headline_measures_2017_2022"]) == set(HEADLINE_HEADER.split(",")) - set(GEOGRAPHY)
    assert all(mapping.measure_of[m] == m for m in MEASURES)


def test_an_unknown_column_is_reported_by_name_and_ignored():
    rows = base_rows()
    for row in rows:
        row["caseload_fte_median"] = "99"
    result = run(ees_csv(rows, [*GEOGRAPHY, *MEASURES, "caseload_fte_median"]))
    [warning] = result.issues
    assert (warning.rule_code, warning.severity, warning.item) == ("EES020", "warning", "caseload_fte_median")
    assert "caseload_fte_median" in warning.message
    assert result.status == "accepted_with_warnings" and result.rows_accepted == len(rows)
    assert result.ignored_columns == ["caseload_fte_median"]
    assert 99 not in set(result.indicators["value"])
    assert set(result.indicators["measure"]) == set(MEASURES)


# ---------------------------------------------------------------------------------------------------------
# Every EES rule code: a file that triggers it; the clean file triggers none
# ---------------------------------------------------------------------------------------------------------

CLEAN = ees_csv()
LATIN1 = ees_csv([geo_row("Local authority", ("E12000001", "North East"), ("390", "E08000037", "Gâteshead"))]
                 ).decode().encode("latin-1")

TRIGGERS = {
    "EES001": CLEAN.decode().encode("utf-16"),
    "EES002": b"col_name,col_type,label\ninpost_fte,Indicator,In post FTE\n",
    "EES003": ees_csv(columns=[c for c in (*GEOGRAPHY, *MEASURES) if c != "country_name"]),
    "EES004": ees_csv(columns=[*GEOGRAPHY, *MEASURES, "social_worker_fte"]),
    "EES010": with_cell(4, "caseload_fte", ":"),
    "EES011": with_cell(1, "geographic_level", "Local authority district"),
    "EES012": with_cell(0, "time_period", "202425"),
    "EES013": with_cell(4, "old_la_code", "999"),
    "EES014": ees_csv([*base_rows(), base_rows()[4]]),
    "EES015": CLEAN + b"2025,Reporting year,National,E92000001\n",
    "EES020": ees_csv(columns=[*GEOGRAPHY, *MEASURES, "notes"]),
    "EES021": ees_csv(columns=[c for c in (*GEOGRAPHY, *MEASURES) if c != "absence_rate_fte"]),
}


def test_every_ees_rule_has_a_trigger():
    assert set(TRIGGERS) == {code for code in RULES if code.startswith("EES")}


def test_clean_file_has_no_issues():
    result = run(CLEAN)
    assert result.issues == [] and result.quarantined == []
    assert result.status == "accepted"
    assert result.rows_received == result.rows_accepted == 7
    frame = result.indicators
    assert len(frame) == 7 * len(MEASURES)
    assert frame["status"].isna().all()


@pytest.mark.parametrize("code", sorted(TRIGGERS))
def test_rule_is_triggered_and_only_that_rule(code):
    result = run(TRIGGERS[code])
    assert codes(result) == {code}, [f"{i.rule_code} {i.message}" for i in result.issues]
    rule = RULES[code]
    if rule.severity == "error" and rule.scope == "file":
        assert result.status == "rejected" and result.rows_accepted == 0
    elif rule.severity == "error":
        assert result.status == "rows_rejected" and result.rows_rejected >= 1
        assert result.quarantined and all(q["reasons"] for q in result.quarantined)
        assert result.rows_accepted == result.rows_received - result.rows_rejected
    else:
        assert result.status == "accepted_with_warnings"


@pytest.mark.parametrize("bad", ["", ":", "~", "-", "n/a", "1,234", "-3", "X", "12%", "0x1A"])
def test_a_bad_indicator_cell_rejects_its_row_only(bad):
    result = run(with_cell(4, "cases", bad))
    [issue] = result.issues
    assert (issue.rule_code, issue.line, issue.item, issue.record_number) == ("EES010", 6, "cases", 5)
    assert issue.value == (bad or "(blank)")
    [quarantined] = result.quarantined
    assert quarantined["line"] == 6 and quarantined["items"]["cases"] == bad
    assert quarantined["reasons"] == ["EES010 cases"]
    assert result.rows_rejected == 1 and result.rows_accepted == 6
    assert "390" not in set(result.indicators["old_la_code"].dropna())


@pytest.mark.parametrize("symbol", SYMBOLS)
def test_each_ees_symbol_is_kept_as_status_with_a_null_value(symbol):
    result = run(with_cell(4, "cases", symbol))
    assert result.issues == []
    frame = result.indicators
    cell = frame[(frame["old_la_code"] == "390") & (frame["measure"] == "cases")]
    assert cell["status"].tolist() == [symbol] and cell["value"].isna().all()


def test_a_share_above_100_is_rejected_but_other_rates_may_exceed_it():
    assert codes(run(with_cell(4, "agency_rate_fte", "100.5"))) == {"EES010"}
    assert codes(run(with_cell(4, "agency_rate_fte", "100"))) == set()
    assert codes(run(with_cell(4, "agency_cover_rate_fte", "101.9"))) == set()  # Birmingham 2023, as published


@pytest.mark.parametrize(("record", "column", "value"), [
    (0, "region_code", "E12000001"),        # a national row with a region
    (1, "old_la_code", "390"),              # a regional row with an LA
    (1, "region_code", ""),                 # a regional row without its region
    (1, "region_code", "E12000099"),        # not a region
    (4, "la_name", ""),                     # an LA row without its name
    (4, "region_code", ""),                 # an LA row without its region
    (0, "country_code", "W92000004"),       # not England
])
def test_geography_rule_ees013(record, column, value):
    result = run(with_cell(record, column, value))
    assert codes(result) == {"EES013"}, [i.message for i in result.issues]
    assert result.rows_rejected == 1


def test_time_rules_ees012():
    assert codes(run(with_cell(0, "time_identifier", "Financial year"))) == {"EES012"}
    assert codes(run(with_cell(0, "time_period", "twenty"))) == {"EES012"}


def test_duplicates_are_all_rejected_never_guessed():
    result = run(TRIGGERS["EES014"])
    assert result.rows_rejected == 2
    assert sorted(q["line"] for q in result.quarantined) == [6, 9]


def test_joint_code_spacing_is_normalised_and_known():
    result = run(with_cell(6, "old_la_code", "314/318"))
    assert result.issues == []
    assert "314 / 318" in set(result.indicators["old_la_code"].dropna())


def test_an_older_la_unit_not_in_the_reference_list_is_rejected_with_a_clear_message():
    # The 2022 headline file had '941' West Northamptonshire on its own (all 'z'); this product knows '940 / 941'.
    row = HEADLINE_ROWS[1].replace("390,E08000037,Gateshead", "941,E06000062,West Northamptonshire")
    result = run("\n".join([HEADLINE_HEADER, row]).encode())
    errors = [i for i in result.issues if i.severity == "error"]
    assert [(i.rule_code, i.item, i.value) for i in errors] == [("EES013", "old_la_code", "941")]
    assert "ref_local_authorities" in errors[0].message


def test_another_ees_publication_is_not_taken_for_the_csww_file():
    cla = (PUBLISHED_INDICATORS.parent / "cla_number_and_rate_per_10k_children.csv").read_bytes()
    assert looks_like_ees(cla[:4096])
    result = run(cla)
    assert "EES002" in codes(result) and result.file_rejected


def test_utf8_with_a_byte_order_mark_is_read():
    result = run(codecs.BOM_UTF8 + CLEAN)
    assert result.issues == [] and result.rows_accepted == 7


def test_blank_lines_are_not_rows():
    result = run(CLEAN + b"\n\n")
    assert result.issues == [] and result.rows_received == 7


# ---------------------------------------------------------------------------------------------------------
# Hostile files: a clear file error, never a crash
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "data", "says"), [
    ("binary junk", random.Random(7).randbytes(20_000), "binary"),
    ("8-bit junk", bytes(range(128, 256)) * 40, "not UTF-8"),
    ("UTF-16", CLEAN.decode().encode("utf-16"), "UTF-16"),
    ("UTF-16 without BOM", CLEAN.decode().encode("utf-16-le"), "NUL"),
    ("Latin-1", LATIN1, "not UTF-8"),
    ("a workbook", b"PK\x03\x04" + bytes(200), "zip"),
    ("empty", b"", "empty"),
    ("only spaces", b"   \n \n", "empty"),
])
def test_hostile_file_gets_a_clear_file_error(name, data, says):
    result = run(data)
    assert result.file_rejected, name
    [issue] = result.issues
    assert issue.rule_code == "EES001" and says in issue.message, issue.message
    assert result.frames == {} and result.rows_accepted == 0


def test_latin1_error_names_the_line():
    [issue] = run(LATIN1).issues
    assert issue.line == 2 and "line 2" in issue.message


def test_a_60_mb_file_is_refused_quickly():
    padding = (b"2025,Reporting year,National,E92000001,England" + b"," * 30 + b"\n")
    data = CLEAN + padding * (60 * 1024 * 1024 // len(padding) + 1)
    assert len(data) > MAX_BYTES
    started = time.perf_counter()
    result = run(data)
    assert time.perf_counter() - started < 2
    [issue] = result.issues
    assert issue.rule_code == "EES001" and "larger" in issue.message


@pytest.mark.parametrize(("data", "expected"), [
    (REAL_BYTES[:4096], True),
    (codecs.BOM_UTF8 + CLEAN[:4096], True),
    (CLEAN.decode().encode("utf-16")[:4096], True),   # recognised, so that it gets the encoding error
    (b'"time_period","geographic_level","x"\n', True),
    (b"col_name,col_type,label\n", False),
    (b'<?xml version="1.0"?><Message><Header>', False),
    (random.Random(1).randbytes(4096), False),
    (b"", False),
])
def test_looks_like_ees_by_content(data, expected):
    assert looks_like_ees(data) is expected


def test_malformed_csv_is_a_file_error():
    result = run(CLEAN + b'2025,"Reporting year\n')
    assert codes(result) == {"EES002"} and result.file_rejected


# ---------------------------------------------------------------------------------------------------------
# End to end: the real file's frames in a raw layer, the real dbt build
# ---------------------------------------------------------------------------------------------------------

ARRIVED = dt.datetime(2025, 12, 4, 9, 30)


def ees_submission(submission_id: str, arrived_at: dt.datetime, status: str = "accepted") -> pd.DataFrame:
    row = submission(submission_id, "000", 2025, arrived_at, status=status, return_type="ees_csv")
    row.update(old_la_code=None, census_year=None, period_end=None, file_name=f"{submission_id}.csv")
    return pd.DataFrame([row])


def load(con: duckdb.DuckDBPyConnection, submission_id: str, data: bytes, arrived_at: dt.datetime,
         status: str | None = None) -> None:
    result = validate_ees(data, file_name=f"{submission_id}.csv")
    frames = {table: frame.assign(submission_id=submission_id) for table, frame in result.frames.items()}
    frames["submissions"] = ees_submission(submission_id, arrived_at, status or result.status)
    replace_submission(con, submission_id, frames)


HEADLINE_2016 = "\n".join([HEADLINE_HEADER, *(row.replace("2022,", "2016,", 1) for row in HEADLINE_ROWS)]).encode()


def revision(inpost_fte: str) -> bytes:
    """A later, smaller EES file: North East 2024 revised, and a 2026 national row."""
    north_east = geo_row("Regional", ("E12000001", "North East"), year="2024")
    north_east["inpost_fte"] = inpost_fte
    return ees_csv([north_east, geo_row("National", year="2026")])


@pytest.fixture(scope="module")
def published_warehouse(tmp_path_factory: pytest.TempPathFactory) -> BuiltWarehouse:
    workdir = tmp_path_factory.mktemp("dbt_published")
    path = workdir / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        create_raw_tables(con)
        load(con, "ees-real", REAL_BYTES, ARRIVED)
        # an older layout, for a year the real file does not hold
        load(con, "ees-headline", HEADLINE_2016, ARRIVED - dt.timedelta(days=400))
        load(con, "ees-revision", revision("2500.5"), ARRIVED + dt.timedelta(days=30))
        # the latest file, but rejected: never counts, even if rows of it were in raw
        load(con, "ees-rejected", revision("1.0"), ARRIVED + dt.timedelta(days=60), status="rejected")
        # a CSWW return for Gateshead 2025: the 'returns' row beside the published one
        insert_raw(con, {
            "submissions": [submission("s390", "390", 2025, ARRIVED)],
            "csww_workers": [worker("s390", "390", 2025, 1, cases30=12), worker("s390", "390", 2025, 2)],
            "csww_la_level": [la_level("s390", "390", 2025, 1.0, 0.0)],
        })
    started = time.perf_counter()
    results = run_dbt_build(path, workdir)
    return BuiltWarehouse(path=path, seconds=time.perf_counter() - started, results=results)


def published(warehouse: BuiltWarehouse, level: str, year: int, code: str | None = None) -> dict:
    where = {"National": "true", "Regional": "region_code = ?", "Local authority": "old_la_code = ?"}[level]
    return warehouse.row(
        f"select * from marts.workforce_indicators where source = 'published' and geographic_level = ? "
        f"and time_period = ? and {where}", [level, year, *([code] if code else [])])


def test_dbt_build_passes_with_the_real_file_loaded(published_warehouse):
    assert published_warehouse.failed_tests() == []
    assert published_warehouse.seconds < 120


def test_published_rows_cover_2017_to_2025(published_warehouse):
    rows = published_warehouse.query(
        "select geographic_level, time_period, count(*) as n from marts.workforce_indicators "
        "where source = 'published' group by all")
    national = rows[rows["geographic_level"] == "National"]
    # 2016 from the older-layout file, 2026 from the revision file
    assert sorted(national["time_period"]) == list(range(2016, 2027))
    regional = rows[rows["geographic_level"] == "Regional"]
    assert set(regional["time_period"]) == set(range(2017, 2026)) and set(regional["n"]) == {9}
    in_file = Counter(int(r["time_period"]) for r in file_cells(REAL_BYTES)
                      if r["geographic_level"] == "Local authority")
    la_rows = rows[(rows["geographic_level"] == "Local authority") & (rows["time_period"] != 2016)]
    assert dict(zip(la_rows["time_period"], la_rows["n"], strict=True)) == in_file


def test_published_values_are_as_published(published_warehouse):
    england = published(published_warehouse, "National", 2025)
    assert england["inpost_fte"] == 36186.3 and england["caseload_fte"] == 15.2
    assert (england["region_code"], england["las_contributing"], england["las_expected"]) == (None, None, None)
    assert england["fte_missing_records"] is None
    north_east = published(published_warehouse, "Regional", 2025, "E12000001")
    assert north_east["turnover_rate_fte"] == 11.7
    sunderland = published(published_warehouse, "Local authority", 2024, "394")
    assert (sunderland["leavers_fte"], sunderland["leavers_fte_status"]) == (None, "u")
    assert (sunderland["agency_fte"], sunderland["agency_fte_status"]) == (None, "low")
    assert sunderland["inpost_fte"] == 227.4 and sunderland["inpost_fte_status"] is None


def test_status_counts_in_the_mart_match_the_file(published_warehouse):
    # every row of the real file in the mart, but the London sub-regions (left out) and North East 2024
    # (revised by a later file)
    file_rows = [r for r in file_cells(REAL_BYTES)
                 if not (r["geographic_level"] == "Regional" and r["region_code"].startswith("E13"))
                 and not (r["region_code"] == "E12000001" and r["geographic_level"] == "Regional"
                          and r["time_period"] == "2024")]
    expected = Counter(r[m] for r in file_rows for m in MEASURES if r[m] in SYMBOLS)
    status_columns = " union all ".join(
        f"select {m}_status as status from marts.workforce_indicators where source = 'published' "
        f"and time_period between 2017 and 2025 "
        f"and not (geographic_level = 'Regional' and region_code = 'E12000001' and time_period = 2024)"
        for m in MEASURES)
    found = published_warehouse.query(f"select status, count(*) as n from ({status_columns}) "
                                      "where status is not null group by status")
    assert dict(zip(found["status"], found["n"], strict=True)) == dict(expected)


def test_london_is_one_region_and_joint_returns_one_row(published_warehouse):
    regions = published_warehouse.query(
        "select distinct region_code from marts.workforce_indicators where source = 'published' "
        "and geographic_level = 'Regional' order by 1")
    assert list(regions["region_code"]) == [f"E1200000{i}" for i in range(1, 10)]
    kingston = published(published_warehouse, "Local authority", 2025, "314 / 318")
    assert (kingston["region_code"], kingston["region_name"]) == ("E12000007", "London")
    london_las = published_warehouse.query(
        "select count(*) as n from marts.workforce_indicators where source = 'published' "
        "and geographic_level = 'Local authority' and time_period = 2025 and region_code = 'E12000007'")
    assert london_las["n"][0] == 32  # 33 boroughs, Kingston and Richmond as one unit


def test_the_latest_non_rejected_ees_file_counts_per_geography_and_year(published_warehouse):
    revised = published(published_warehouse, "Regional", 2024, "E12000001")
    assert revised["inpost_fte"] == 2500.5                        # not the rejected file's 1.0
    assert revised["starters_fte"] == 12                          # every measure from the revision
    untouched = published(published_warehouse, "Regional", 2025, "E12000001")
    assert untouched["turnover_rate_fte"] == 11.7                 # other rows still from the real file
    current = published_warehouse.query(
        "select distinct submission_id from staging.stg_ees__published_indicators order by 1")
    assert list(current["submission_id"]) == ["ees-headline", "ees-real", "ees-revision"]


def test_an_older_layout_shows_missing_measures_as_x(published_warehouse):
    england = published(published_warehouse, "National", 2016)
    assert (england["starters_fte"], england["starters_fte_status"]) == (None, "x")
    assert (england["turnover_rate_fte"], england["turnover_rate_fte_status"]) == (17.1, None)
    assert england["inpost_fte"] == 31634.1 and england["agency_rate_fte"] == 17.6
    gateshead = published(published_warehouse, "Local authority", 2016, "390")
    assert (gateshead["leavers_fte"], gateshead["region_code"]) == (1, "E12000001")


def test_returns_rows_are_kept_beside_published_rows(published_warehouse):
    rows = published_warehouse.query(
        "select source, inpost_headcount, cases from marts.workforce_indicators "
        "where geographic_level = 'Local authority' and old_la_code = '390' and time_period = 2025 order by source")
    assert list(rows["source"]) == ["published", "returns"]
    returns = rows[rows["source"] == "returns"].iloc[0]
    assert (returns["inpost_headcount"], returns["cases"]) == (2, 12)
    region = published_warehouse.query(
        "select source, las_contributing from marts.workforce_indicators where geographic_level = 'Regional' "
        "and region_code = 'E12000001' and time_period = 2025 order by source")
    assert list(region["source"]) == ["published", "returns"]
    assert region["las_contributing"].isna().tolist() == [True, False]
