"""The national benchmark generator (demodata.national): every LA and year, calibrated like the region.

Two LAs x two years only (fast): the files are re-read here with tests.test_demodata's independent reading
(definitions.md counted by hand) and compared with the published CSV read directly.
"""

from __future__ import annotations

import csv

import pytest

from demodata.national import YEARS, generate_national, national_jobs
from demodata.region import generate_region
from tests.test_demodata import PUBLISHED, summarise

LAS = ("840", "841")  # County Durham, Darlington (North East)
BENCH_YEARS = (2019, 2025)


def published(la: str, year: int) -> dict[str, str]:
    with PUBLISHED.open(newline="", encoding="utf-8") as handle:
        return next(r for r in csv.DictReader(handle) if r["geographic_level"] == "Local authority"
                    and r["old_la_code"] == la and r["time_period"] == str(year))


@pytest.fixture(scope="module")
def national(tmp_path_factory):
    out = tmp_path_factory.mktemp("national")
    return out, generate_national(out, BENCH_YEARS, las=LAS, workbooks=False)


def test_one_return_per_la_and_year(national):
    _, paths = national
    assert sorted(p.name for p in paths) == sorted(f"csww_{la}_{y}.xml" for la in LAS for y in BENCH_YEARS)


@pytest.mark.parametrize("la", LAS)
@pytest.mark.parametrize("year", BENCH_YEARS)
def test_totals_match_the_published_figures(national, la, year):
    out, _ = national
    totals = summarise(out / f"csww_{la}_{year}.xml")
    row = published(la, year)
    for measure in ("inpost_headcount", "starters_headcount", "leavers_headcount", "agency_headcount", "cases"):
        if row[measure].replace(".", "").isdigit():
            assert totals[measure] == float(row[measure]), measure
    for measure in ("inpost_fte", "leavers_fte", "agency_fte", "case_holders_fte"):
        if row[measure].replace(".", "").isdigit():
            assert totals[measure] == pytest.approx(float(row[measure]), abs=1.0), measure


def test_same_files_as_the_region_generator(national, tmp_path):
    out, _ = national
    region = generate_region("E12000001", (2025,), out_dir=tmp_path)
    for path in region:
        if path.name in {f"csww_{la}_2025.xml" for la in LAS}:
            assert path.read_bytes() == (out / path.name).read_bytes(), path.name


def test_every_la_every_year_and_workbooks_for_a_third():
    jobs = national_jobs(YEARS)
    assert len(jobs) == 1355  # every LA row of the published file, 2017 to 2025
    assert {job.year for job in jobs} == set(YEARS)
    with_workbook = {job.la.old_la_code for job in jobs if job.workbook}
    single = {job.la.old_la_code for job in jobs if "/" not in job.la.old_la_code}
    assert len(with_workbook) == -(-len(single) // 3)
    assert sum(job.workbook for job in jobs) > 400
