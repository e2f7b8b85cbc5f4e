"""R2 workbooks through the real pipeline: a Summary-only LA gets its measures from the Summary; where the
CSWW return and a Summary both exist the CSWW return wins and the difference is reported; a resubmission
supersedes the earlier return and its report says what changed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.csww_builders import csww, worker
from tests.test_pipeline import serving, workforce
from tests.workbook_builders import about, summary_row, workbook

pytestmark = pytest.mark.pipeline

# Darlington (841) sends only a workbook. By hand:
#   turnover_rate_fte = 100 x 12.5 / 100 = 12.5; agency_rate_fte = 100 x 10 / (10 + 100) = 9.0909...
#   vacancy_rate_fte = 100 x 20 / (20 + 100) = 16.666...; caseload_fte = 1200 / 80 = 15.0
#   absence_rate_fte = 100 x 1012 / (100 x 253) = 4.0
DARLINGTON = summary_row(inpost_fte=100.0, inpost_headcount=104, starters_fte=15.0, starters_headcount=16,
                         leavers_fte=12.5, leavers_headcount=13, agency_fte=10.0, agency_headcount=10,
                         agency_cover_fte=8.0, vacancy_fte=20.0, case_holders_fte=80.0, cases=1200,
                         working_days_lost_fte=1012.0)


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("workbook") / "home"
    inbox = home / "inbox"
    inbox.mkdir(parents=True)
    (inbox / "darlington_2025.xlsx").write_bytes(workbook(
        about_row=about(old_la_code="841", la_name="Darlington"), summary=[DARLINGTON]))
    # County Durham (840) sends the census XML (one worker, FTE 1.0, 15 cases) and a Summary that disagrees.
    (inbox / "durham_2025.xml").write_bytes(csww([worker()], lea="840", year=2025))
    (inbox / "durham_2025.xlsx").write_bytes(workbook(about_row=about(old_la_code="840"), summary=[summary_row()]))
    result = workforce(home, "run")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return home


def indicators(home: Path, la: str) -> dict:
    con = duckdb.connect(str(home / "warehouse" / "serving.duckdb"), read_only=True)
    try:
        cursor = con.execute("""select * from marts.workforce_indicators
            where source = 'returns' and old_la_code = ? and time_period = 2025""", [la])
        names = [c[0] for c in cursor.description]
        rows = cursor.fetchall()
    finally:
        con.close()
    assert len(rows) == 1
    return dict(zip(names, rows[0], strict=True))


def test_summary_only_la_gets_its_measures_from_the_summary(home):
    row = indicators(home, "841")
    assert row["inpost_fte"] == pytest.approx(100.0)
    assert row["turnover_rate_fte"] == pytest.approx(12.5)
    assert row["agency_rate_fte"] == pytest.approx(100 * 10 / 110)
    assert row["vacancy_rate_fte"] == pytest.approx(100 * 20 / 120)
    assert row["caseload_fte"] == pytest.approx(15.0)
    assert row["absence_rate_fte"] == pytest.approx(4.0)


def test_csww_return_wins_over_the_summary(home):
    row = indicators(home, "840")
    assert row["inpost_fte"] == pytest.approx(1.0) and row["cases"] == pytest.approx(15)


def test_difference_between_summary_and_csww_is_reported(home):
    issues = serving(home, """select item, value, message from marts.validation_issues
        where rule_code = 'RWR040' and old_la_code = '840' order by item""")
    items = {item: (value, message) for item, value, message in issues}
    assert "inpost_fte" in items and "cases" in items
    assert items["inpost_fte"][0] == "380.5"
    assert "CSWW return is used" in items["inpost_fte"][1]
    assert not serving(home, "select * from marts.validation_issues where rule_code = 'RWR040' and old_la_code = '841'")


def test_region_counts_both_las(home):
    row = serving(home, """select las_contributing, inpost_fte from marts.workforce_indicators
        where source = 'returns' and geographic_level = 'Regional' and region_code = 'E12000001'
          and time_period = 2025""")
    assert row == [(2, pytest.approx(101.0))]


def test_resubmission_supersedes_and_report_says_what_changed(home, tmp_path):
    again = tmp_path / "darlington_2025_v2.xlsx"
    again.write_bytes(workbook(about_row=about(old_la_code="841", la_name="Darlington", period_end=date(2025, 9, 30)),
                               summary=[dict(DARLINGTON, leavers_fte=6.5)]))
    assert workforce(home, "ingest", str(again)).returncode == 0
    assert workforce(home, "build").returncode == 0
    assert indicators(home, "841")["turnover_rate_fte"] == pytest.approx(6.5)
    rows = serving(home, """select file_name, superseded, report_html from marts.submissions
        where old_la_code = '841' order by arrived_at""")
    assert [(name, superseded) for name, superseded, _ in rows] == [
        ("darlington_2025.xlsx", True), ("darlington_2025_v2.xlsx", False)]
    report = Path(rows[-1][2]).read_text()
    assert "replaces the return received" in report
    assert "leavers_fte: 12.50 -&gt; 6.50" in report
