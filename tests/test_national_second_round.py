"""The national generator's second-round inputs (demodata.national.generate_national_second_round), for the
benchmark: every single LA's four quarterly R2 workbooks and four agency returns, diaries for a third of them.
Two LAs here (fast); every file validates clean (the national files plant nothing)."""

from __future__ import annotations

import pytest

from demodata.national import DIARY_EVERY, generate_national_second_round, second_round_jobs
from validation.agency import AgencyFile, validate_agency_batch
from validation.diary import DiaryFile, validate_diary_batch
from validation.workbook import WorkbookFile, validate_workbook_batch

LAS = ("841", "202")  # Darlington (North East, capped), Camden (London, no caps set; it keeps a diary)
SECRET = b"national"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return generate_national_second_round(tmp_path_factory.mktemp("national2"), las=LAS, jobs=2)


def test_every_single_la_and_diaries_for_a_third():
    jobs = second_round_jobs()
    codes = [job.la.old_la_code for job in jobs]
    assert len(codes) == len(set(codes)) >= 145 and not any("/" in code for code in codes)
    with_diary = [job for job in jobs if job.diary]
    assert len(with_diary) == len(codes[1::DIARY_EVERY])
    assert all(job.previous is not None for job in jobs if job.la.first_year <= 2024)


def test_files_per_la(files):
    names = sorted(p.name for p in files)
    assert sum(n.startswith("r2q_") for n in names) == sum(n.startswith("r4_") for n in names) == 4 * len(LAS)
    assert all(n.endswith(".csv") for n in names if n.startswith(("r4_", "r5_")))
    assert "r5_202_2025-09-01.csv" in names


def test_every_national_file_validates_clean(files):
    known = set(LAS)
    quarterly = validate_workbook_batch([WorkbookFile(p.read_bytes(), p.name) for p in files
                                         if p.name.startswith("r2q_")], known_la_codes=known)
    agency = validate_agency_batch([AgencyFile(p.read_bytes(), p.name) for p in files if p.name.startswith("r4_")],
                                   known_la_codes=known, secret=SECRET)
    diaries = validate_diary_batch([DiaryFile(p.read_bytes(), p.name) for p in files if p.name.startswith("r5_")],
                                   known_la_codes=known, secret=SECRET)
    for result in [*quarterly, *agency, *diaries]:
        assert result.status == "accepted", (result.file_name, [(i.rule_code, i.message) for i in result.issues])
    assert {r.period_type for r in quarterly} == {"quarterly"}
    camden = [len(r.assignments) for r in agency if r.old_la_code == "202"]
    assert min(camden) >= 22  # Camden's agency headcount: 32 at 30 September 2024, 22 at 30 September 2025
