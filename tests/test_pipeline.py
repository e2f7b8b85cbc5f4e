"""The whole product path through the real console script: files -> Dagster -> dbt -> serving copy.

A small region of two LAs is written with the product's XML writer; the expected figures are worked out
by hand in the comments.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.csww_builders import csww, la_level, worker

pytestmark = pytest.mark.pipeline

WORKFORCE = str(Path(sys.executable).with_name("workforce"))


def workforce(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "WORKFORCE_HOME": str(home)}
    return subprocess.run([WORKFORCE, *args], env=env, capture_output=True, text=True, timeout=600)


def serving(home: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(home / "warehouse" / "serving.duckdb"), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def write_region(inbox: Path) -> None:
    # LA 840 (County Durham), 2025: two in-post case holders, FTE at R 1.0 and 0.6 (FTE30 0.6, FTE 0.8),
    # one leaver (FTE 1.0), one agency worker (FTE 1.0, 10 cases).
    #   inpost_fte = 1.0 + 0.6 = 1.6; inpost_headcount = 2; leavers_fte = 1.0; agency_fte = 1.0
    #   turnover_rate_fte = 100 x 1.0 / 1.6 = 62.5; agency_rate_fte = 100 x 1.0 / (1.0 + 1.6) = 38.4615...
    #   cases = 15 + 9 + 10 = 34; case_holders_fte = 1.0 + 0.6 + 1.0 = 2.6; caseload_fte = 13.0769...
    #   vacancy_rate_fte = 100 x 3 / (3 + 1.6) = 65.217...
    workers_840 = [
        worker(SWENo="SW000001"),
        worker(SWENo="SW000002", FTE=0.8, FTE30=0.6, Cases30=9),
        worker(SWENo="SW000003", RoleEndDate="2025-03-31", ReasonLeave=1, LeaverDestination=2, Cases30=0),
        worker(SWENo="SW000004", AgencyWorker=1, Cases30=10),
    ]
    (inbox / "durham_2025.xml").write_bytes(csww(workers_840, lea="840", year=2025))
    # LA 841 (Darlington), 2025: one in-post worker with FTE 0.5 and 5 cases; no agency cover.
    #   region inpost_fte = 1.6 + 0.5 = 2.1; region cases = 34 + 5 = 39; region leavers_fte = 1.0
    #   region turnover_rate_fte = 100 x 1.0 / 2.1 = 47.619... (not the mean of 62.5 and 0)
    (inbox / "darlington_2025.xml").write_bytes(
        csww([worker(SWENo="SW000005", FTE=0.5, FTE30=0.5, Cases30=5)], lea="841", year=2025,
             la=la_level(NoAgencyFTE=0, NoAgencyHeadcount=0)))
    # 2024 layout for 840 (LALevelVacancies, Sex): one worker.
    (inbox / "durham_2024.xml").write_bytes(
        csww([worker(SWENo="SW000001", RoleStartDate="2019-01-01")], lea="840", year=2024,
             la=la_level(NoAgencyFTE=0, NoAgencyHeadcount=0)))
    # Not a return at all: rejected, the others still load.
    (inbox / "notes.csv").write_text("this is not a return\n")


@pytest.fixture(scope="module")
def region_home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("pipeline") / "home"
    (home / "inbox").mkdir(parents=True)
    write_region(home / "inbox")
    result = workforce(home, "run")
    assert result.returncode == 1, result.stdout + result.stderr  # notes.csv was rejected
    home.joinpath("run.log").write_text(result.stdout + result.stderr)
    return home


def test_run_reports_one_line_per_file(region_home):
    log = (region_home / "run.log").read_text()
    assert "durham_2025.xml: accepted" in log
    assert "notes.csv: rejected" in log
    assert "published" in log
    assert "leaked" not in log  # everything is freed at exit (the CLI's garbage-collector tuning unfreezes)


def test_run_again_leaves_out_files_already_loaded(region_home):
    reports = {path: path.stat().st_mtime_ns for path in (region_home / "reports").iterdir()}
    before = serving(region_home, "select * from marts.workforce_indicators order by all")
    result = workforce(region_home, "run")
    assert result.returncode == 1, result.stdout + result.stderr  # notes.csv is still rejected
    assert "durham_2025.xml: accepted" in result.stdout and "notes.csv: rejected" in result.stdout
    # nothing was validated or reported again, and the warehouse is the same
    assert {path: path.stat().st_mtime_ns for path in (region_home / "reports").iterdir()} == reports
    assert serving(region_home, "select * from marts.workforce_indicators order by all") == before


def test_la_row_matches_hand_computation(region_home):
    row = serving(region_home, """
        select inpost_fte, inpost_headcount, leavers_fte, turnover_rate_fte, agency_fte, agency_rate_fte,
               cases, case_holders_fte, caseload_fte, vacancy_rate_fte, la_name, region_code
        from marts.workforce_indicators
        where geographic_level = 'Local authority' and old_la_code = '840' and time_period = 2025""")
    assert len(row) == 1
    (inpost_fte, headcount, leavers_fte, turnover, agency_fte, agency_rate, cases, ch_fte, caseload,
     vacancy_rate, name, region) = row[0]
    assert inpost_fte == pytest.approx(1.6) and headcount == 2
    assert leavers_fte == pytest.approx(1.0) and turnover == pytest.approx(62.5)
    assert agency_fte == pytest.approx(1.0) and agency_rate == pytest.approx(100 / 2.6)
    assert cases == 34 and ch_fte == pytest.approx(2.6) and caseload == pytest.approx(34 / 2.6)
    assert vacancy_rate == pytest.approx(300 / 4.6)
    assert (name, region) == ("County Durham", "E12000001")


def test_region_row_sums_components_then_applies_formula(region_home):
    row = serving(region_home, """
        select inpost_fte, cases, turnover_rate_fte, las_contributing, las_expected
        from marts.workforce_indicators
        where geographic_level = 'Regional' and region_code = 'E12000001' and time_period = 2025""")
    inpost_fte, cases, turnover, contributing, expected = row[0]
    assert inpost_fte == pytest.approx(2.1) and cases == 39
    assert turnover == pytest.approx(100 / 2.1)
    assert (contributing, expected) == (2, 12)


def test_serving_copy_holds_both_years(region_home):
    years = serving(region_home, """
        select time_period, geographic_level, count(*) from marts.workforce_indicators
        group by all order by all""")
    assert years == [(2024, "Local authority", 1), (2024, "National", 1), (2024, "Regional", 1),
                     (2025, "Local authority", 2), (2025, "National", 1), (2025, "Regional", 1)]
    # England from returns: every LA with a return, out of every LA in England that year
    england = serving(region_home, """select las_contributing, las_expected, inpost_fte, region_code
        from marts.workforce_indicators where geographic_level = 'National' and time_period = 2025""")
    assert england == [(2, 151, pytest.approx(2.1), None)]


def test_no_raw_registration_number_or_birth_date_beyond_archive(region_home):
    for path in region_home.rglob("*"):
        if not path.is_file() or {"archive", "quarantine", "inbox"} & set(path.relative_to(region_home).parts):
            continue
        data = path.read_bytes()
        assert b"SW000001" not in data and b"1985-06-17" not in data, path


def test_ingesting_the_same_file_twice_changes_nothing(region_home):
    before = serving(region_home, "select * from marts.workforce_indicators order by all")
    result = workforce(region_home, "ingest", str(region_home / "inbox" / "durham_2025.xml"))
    assert result.returncode == 0, result.stderr
    assert workforce(region_home, "build").returncode == 0
    assert serving(region_home, "select * from marts.workforce_indicators order by all") == before


def test_resubmission_replaces_the_earlier_return(region_home, tmp_path):
    resubmitted = tmp_path / "durham_2025_v2.xml"
    resubmitted.write_bytes(csww([worker(SWENo="SW000001", Cases30=20)], lea="840", year=2025,
                                 la=la_level(NoAgencyFTE=0, NoAgencyHeadcount=0)))
    assert workforce(region_home, "ingest", str(resubmitted)).returncode == 0
    assert workforce(region_home, "build").returncode == 0
    row = serving(region_home, """select inpost_fte, cases from marts.workforce_indicators
        where old_la_code = '840' and time_period = 2025""")
    assert row == [(1.0, 20.0)]


def test_report_command_points_at_the_report(region_home):
    result = workforce(region_home, "report", "840", "2024")
    assert result.returncode == 0
    html = Path(result.stdout.splitlines()[0].removeprefix("HTML: "))
    assert html.exists() and html.with_suffix(".xlsx").exists()


def test_usage_error_exits_2(tmp_path):
    assert workforce(tmp_path, "ingest").returncode == 2
    assert workforce(tmp_path, "no-such-command").returncode == 2


def test_export_ees_writes_files_that_pass_screening(region_home, tmp_path):
    from validation.ees_screening import screen_files

    out = tmp_path / "ees"
    result = workforce(region_home, "export", "ees", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    data, meta = out / "csww_regional_indicators.csv", out / "csww_regional_indicators.meta.csv"
    assert data.exists() and meta.exists()
    assert screen_files(data, meta) == []
    text = data.read_text()
    assert "SW000001" not in text
    # County Durham 2025 has 2 in-post social workers: a headcount under 5 is suppressed
    durham = [line for line in text.splitlines() if ",840," in line and line.startswith("2025,")]
    assert len(durham) == 1 and ",c," in durham[0]


def test_validate_writes_a_report_and_loads_nothing(region_home, tmp_path):
    candidate = tmp_path / "durham_2025_draft.xml"
    candidate.write_bytes(csww([worker(SWENo="SW000009", Cases30=41)], lea="840", year=2025,
                               la=la_level(NoAgencyFTE=0, NoAgencyHeadcount=0)))
    archived_before = sorted(p.name for p in (region_home / "archive").rglob("*") if p.is_file())
    result = workforce(region_home, "validate", str(candidate))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "durham_2025_draft.xml: accepted with 1 warnings" in result.stdout
    report = Path(result.stdout.split("(report: ")[1].split(")")[0])
    assert "CSWW031" in report.read_text()
    assert sorted(p.name for p in (region_home / "archive").rglob("*") if p.is_file()) == archived_before
    con = duckdb.connect(str(region_home / "warehouse" / "warehouse.duckdb"), read_only=True)
    try:
        assert con.execute("select count(*) from raw.submissions where file_name = ?",
                           [candidate.name]).fetchall() == [(0,)]
    finally:
        con.close()
