"""Real data: R2 Summary returns built from DfE's published 2025 components of every East Midlands LA
reproduce the region's published rates within 0.15 percentage points (issue: the definitions, the regional
aggregation rule and the R2 path together agree with DfE's own computation)."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from reference.paths import PUBLISHED_INDICATORS
from tests.test_pipeline import serving, workforce
from tests.workbook_builders import about, workbook

pytestmark = pytest.mark.pipeline

REGION, YEAR = "E12000004", 2025  # East Midlands: 9 reporting units (incl. the joint 940 / 941)
COMPONENTS = ["inpost_fte", "inpost_headcount", "starters_fte", "starters_headcount", "leavers_fte",
              "leavers_headcount", "agency_fte", "agency_headcount", "agency_cover_fte", "vacancy_fte",
              "case_holders_fte", "cases", "working_days_lost_fte"]
RATES = ["turnover_rate_fte", "agency_rate_fte", "vacancy_rate_fte", "caseload_fte"]


def published_rows() -> list[dict]:
    with PUBLISHED_INDICATORS.open(newline="", encoding="utf-8-sig") as handle:
        return [r for r in csv.DictReader(handle) if r["time_period"] == str(YEAR) and r["region_code"] == REGION]


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("em") / "home"
    inbox = home / "inbox"
    inbox.mkdir(parents=True)
    las = [r for r in published_rows() if r["geographic_level"] == "Local authority"]
    assert len(las) == 9
    for row in las:
        summary = {c: float(row[c]) for c in COMPONENTS}  # every component is a number in 2025 here
        name = row["old_la_code"].replace(" / ", "_")
        (inbox / f"summary_{name}.xlsx").write_bytes(workbook(
            about_row=about(old_la_code=row["old_la_code"], la_name=row["la_name"], period_end=date(YEAR, 9, 30)),
            summary=[summary], teams=[], non_sw=[]))
    result = workforce(home, "run")
    assert result.stdout.count(": accepted") == 9, result.stdout[:3000]
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return home


@pytest.mark.parametrize("rate", RATES)
def test_region_rate_matches_published(home, rate):
    expected = float(next(r for r in published_rows() if r["geographic_level"] == "Regional")[rate])
    rows = serving(home, f"""select {rate}, las_contributing, las_expected from marts.workforce_indicators
        where source = 'returns' and geographic_level = 'Regional' and region_code = ? and time_period = ?""",
                   [REGION, YEAR])
    value, contributing, expected_las = rows[0]
    assert (contributing, expected_las) == (9, 9)
    assert value == pytest.approx(expected, abs=0.15), (rate, value, expected)
