"""Every census year's R1 layout (2021 to 2025) loads; a newer year that only adds an element loads with a
CSWW070 warning; worker items in any order read the same. Then one end-to-end run of the real CLI: a return
per year for one LA, the real published file and an older published layout (2017-2022 "headline measures"
column names), `workforce build`, and the rows of marts.workforce_indicators in the serving copy.

Returns are the demonstration generator's realistic ones (demodata.region.build_la_return), written in the
exact layout of their year (demodata.csww_xml.build_csww_xml, strict_layout=True).
"""

from __future__ import annotations

import random
import shutil
from datetime import date
from functools import cache

import pandas as pd
import pytest

from demodata.csww_xml import (
    LA_LEVEL_BASE_ITEMS,
    LA_LEVEL_PAY_ITEMS,
    build_csww_xml,
    la_level_element_for_year,
    worker_items_for_year,
)
from demodata.region import LaReturn, build_la_return
from reference.geography import la_units
from reference.paths import PUBLISHED_INDICATORS
from tests.csww_builders import SECRET
from tests.test_pipeline import serving, workforce
from validation.csww import LA_LEVEL_COLUMNS, WORKER_COLUMNS, CswwValidation, validate_csww

LA = "841"  # Darlington: about 130 worker records a year
YEARS = (2021, 2022, 2023, 2024, 2025)
# The generator writes second posts (the same SWENo twice): CSWW050, a warning, is expected in some years.
EXPECTED_WARNINGS = {"CSWW050"}


@cache
def generated(year: int) -> LaReturn:
    return build_la_return(LA, year)


def xml(generated_return: LaReturn, year: int | None = None, **kwargs) -> bytes:
    return build_csww_xml(lea=generated_return.lea, year=year or generated_return.year,
                          workers=generated_return.workers, la_level=generated_return.la_level, **kwargs)


def validate(data: bytes) -> CswwValidation:
    return validate_csww(data, file_name="return.xml", known_la_codes=la_units(), secret=SECRET)


def codes(result: CswwValidation) -> set[str]:
    return {issue.rule_code for issue in result.issues}


# ---------------------------------------------------------------------------------------------------------
# Each year's layout
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("year", YEARS)
def test_each_years_layout_is_accepted_without_unknown_elements(year):
    data = xml(generated(year), strict_layout=True)
    result = validate(data)
    assert result.error_count == 0 and result.status in ("accepted", "accepted_with_warnings"), result.issues
    assert "CSWW070" not in codes(result)
    assert codes(result) <= EXPECTED_WARNINGS, result.issues
    assert result.rows_received == result.rows_accepted == len(generated(year).workers)
    assert (result.old_la_code, result.census_year) == (LA, year)


@pytest.mark.parametrize("year", YEARS)
def test_gender_item_of_the_year_is_read_and_the_other_is_absent(year):
    data = xml(generated(year), strict_layout=True)
    workers = validate(data).workers
    if year <= 2023:
        assert b"<GenderCurrent>" in data and b"<Sex>" not in data
        assert workers["gender_current"].notna().all() and workers["sex"].isna().all()
        assert set(workers["gender_current"]) <= {0, 1, 2, 9}
    else:
        assert b"<Sex>" in data and b"<GenderCurrent>" not in data
        assert workers["sex"].notna().all() and workers["gender_current"].isna().all()
        assert set(workers["sex"]) <= {"M", "F"}


@pytest.mark.parametrize("year", YEARS)
def test_la_level_element_of_the_year_is_read(year):
    generated_return = generated(year)
    data = xml(generated_return, strict_layout=True)
    element = "LALevel" if year >= 2025 else "LALevelVacancies"
    assert la_level_element_for_year(year) == element
    assert f"<{element}>".encode() in data
    assert (b"<LALevelVacancies>" in data) != (b"<LALevel>" in data)
    [row] = validate(data).la_level.to_dict("records")
    written = generated_return.la_level
    assert row["number_of_vacancies"] == pytest.approx(written["NumberOfVacancies"], abs=0.005)
    assert row["no_agency_fte"] == pytest.approx(written["NoAgencyFTE"], abs=0.005)
    assert row["no_agency_headcount"] == written["NoAgencyHeadcount"]
    for item in LA_LEVEL_PAY_ITEMS:
        column = LA_LEVEL_COLUMNS[item][0]
        if year >= 2025 and written.get(item) is not None:
            assert row[column] == written[item], item
        else:
            assert pd.isna(row[column]), item


@pytest.mark.parametrize("year", YEARS)
def test_every_item_written_lands_in_the_typed_frame(year):
    """Each item of the year's layout has a typed value on exactly the workers it was written for (the pay
    items BaseSalary, RRPayments and OtherPayments from 2025); items of other years' layouts stay empty."""
    generated_return = generated(year)
    workers = validate(xml(generated_return, strict_layout=True)).workers.sort_values("record_number")
    in_layout = worker_items_for_year(year)
    for item, (column, _) in WORKER_COLUMNS.items():
        written = pd.Series([w.get(item) for w in generated_return.workers])
        if item in in_layout:
            assert workers[column].notna().tolist() == written.notna().tolist(), item
        else:
            assert workers[column].isna().all(), item
    if year >= 2025:
        assert workers["base_salary"].notna().sum() > len(workers) / 2  # every non-agency worker has one
        for item in ("BaseSalary", "RRPayments", "OtherPayments"):
            column = WORKER_COLUMNS[item][0]
            expected = sum(w[item] for w in generated_return.workers if w.get(item) is not None)
            assert workers[column].sum() == pytest.approx(expected, abs=0.01 * len(workers)), item


def test_the_2025_incentive_items_land_in_the_la_level_frame():
    generated_return = generated(2025)
    la_level = {**generated_return.la_level, "OtherAllowances": "Market supplement & mileage <£500>"}
    data = build_csww_xml(lea=generated_return.lea, year=2025, workers=generated_return.workers,
                          la_level=la_level, strict_layout=True)
    [row] = validate(data).la_level.to_dict("records")
    for item in LA_LEVEL_PAY_ITEMS:
        assert row[LA_LEVEL_COLUMNS[item][0]] == la_level[item], item
    assert set(LA_LEVEL_BASE_ITEMS) | set(LA_LEVEL_PAY_ITEMS) == set(LA_LEVEL_COLUMNS)


# ---------------------------------------------------------------------------------------------------------
# A newer layout, and items in any order
# ---------------------------------------------------------------------------------------------------------


def _next_year(value: object) -> object:
    if not isinstance(value, date):
        return value
    try:
        return value.replace(year=value.year + 1)
    except ValueError:  # 29 February
        return value.replace(year=value.year + 1, day=28)


def test_a_2026_file_that_only_adds_an_element_loads_with_csww070_and_nothing_else():
    """The 2025 return moved one year on (dates + 1 year, Year 2026) with <NewItem> in every worker and in
    LALevel: the same frames as the 2025 return, and one CSWW070 per new element, nothing else."""
    base = generated(2025)
    workers = [{**{k: _next_year(v) for k, v in w.items()}, "NewItem": "x"} for w in base.workers]
    data_2026 = build_csww_xml(lea=base.lea, year=2026, workers=workers,
                               la_level={**base.la_level, "NewItem": "y"}, strict_layout=True)
    assert b"<Year>2026</Year>" in data_2026 and data_2026.count(b"<NewItem>") == len(workers) + 1
    result, before = validate(data_2026), validate(xml(base, strict_layout=True))

    new = [i for i in result.issues if i.rule_code == "CSWW070"]
    assert sorted(i.item for i in new) == ["CSWWWorker/NewItem", "LALevel/NewItem"]
    assert all(i.severity == "warning" and "NewItem" in i.message for i in new)
    others = sorted((i.rule_code, i.record_number) for i in result.issues if i.rule_code != "CSWW070")
    assert others == sorted((i.rule_code, i.record_number) for i in before.issues)
    assert result.error_count == 0 and result.rows_accepted == before.rows_accepted == len(workers)

    moved = ["census_year", "role_start_date", "role_end_date", "birth_month", "line"]
    pd.testing.assert_frame_equal(result.workers.drop(columns=moved), before.workers.drop(columns=moved))
    pd.testing.assert_frame_equal(result.la_level.drop(columns="census_year"),
                                  before.la_level.drop(columns="census_year"))
    assert (result.workers["role_start_date"].dt.year - before.workers["role_start_date"].dt.year == 1).all()


@pytest.mark.parametrize("year", YEARS)
def test_worker_items_in_shuffled_order_load_identically(year):
    generated_return = generated(year)
    rng = random.Random(year)

    def shuffled(items: dict) -> dict:
        pairs = list(items.items())
        rng.shuffle(pairs)
        return dict(pairs)

    ordered = xml(generated_return, strict_layout=True)
    mixed = build_csww_xml(lea=generated_return.lea, year=year, la_level=shuffled(generated_return.la_level),
                           workers=[shuffled(w) for w in generated_return.workers], strict_layout=True,
                           keep_item_order=True)
    assert mixed != ordered and sorted(mixed.splitlines()) == sorted(ordered.splitlines())
    expected, result = validate(ordered), validate(mixed)
    assert [(i.rule_code, i.record_number) for i in result.issues] == \
        [(i.rule_code, i.record_number) for i in expected.issues]
    key = ["worker_ref", "record_number"]
    pd.testing.assert_frame_equal(result.workers.sort_values(key).reset_index(drop=True),
                                  expected.workers.sort_values(key).reset_index(drop=True))
    pd.testing.assert_frame_equal(result.la_level, expected.la_level)


def test_worker_records_in_another_order_give_the_same_rows():
    generated_return = generated(2024)
    reversed_return = LaReturn(lea=generated_return.lea, year=2024, workers=generated_return.workers[::-1],
                               la_level=generated_return.la_level, targets=generated_return.targets)
    drop = ["line", "record_number"]
    frames = [validate(xml(r, strict_layout=True)).workers.drop(columns=drop) for r in
              (generated_return, reversed_return)]
    key = list(frames[0].columns)
    first, second = (f.sort_values(key).reset_index(drop=True) for f in frames)
    pd.testing.assert_frame_equal(first, second)


# ---------------------------------------------------------------------------------------------------------
# End to end: every year's return, the real published file and an older published layout, through the CLI
# ---------------------------------------------------------------------------------------------------------

# The 2017-2022 "headline measures" column names (seeds/reference/ees_column_mapping.csv), for 2016: a year
# the real file does not hold, so both files count.
HEADLINE_HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,"
    "new_la_code,la_name,social_worker_fte,social_worker_headcount,leaver_fte,leaver_headcount,"
    "turnover_rate_fte_%,agency_fte,agency_worker_rate_fte_%,vacancy_fte,vacancy_rate_fte_%,cases,caseload_fte"
)
HEADLINE_ROWS = (
    "2016,Reporting year,National,E92000001,England,,,,,,31000.5,33000,5400.5,6000,17.4,6700.2,17.8,7900.1,20.3,"
    "330000,16.4",
    "2016,Reporting year,Local authority,E92000001,England,E12000001,North East,841,E06000005,Darlington,88.5,93,"
    "12.5,13,14.1,9.5,9.7,6.5,6.8,1100,15.2",
)
OLDER_LAYOUT_2016 = {  # today's measure name -> value for Darlington 2016
    "inpost_fte": 88.5, "inpost_headcount": 93, "leavers_fte": 12.5, "leavers_headcount": 13,
    "turnover_rate_fte": 14.1, "agency_fte": 9.5, "agency_rate_fte": 9.7, "vacancy_fte": 6.5,
    "vacancy_rate_fte": 6.8, "cases": 1100, "caseload_fte": 15.2,
}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("layouts")
    home, sent = base / "home", base / "sent"
    sent.mkdir()
    for year in YEARS:
        (sent / f"darlington_{year}.xml").write_bytes(xml(generated(year), strict_layout=True))
    shutil.copy(PUBLISHED_INDICATORS, sent / PUBLISHED_INDICATORS.name)
    (sent / "csww_headline_measures_2016.csv").write_text("\n".join([HEADLINE_HEADER, *HEADLINE_ROWS]) + "\n")
    ingest = workforce(home, "ingest", str(sent))
    build = workforce(home, "build")
    return {"home": home, "ingest": ingest, "build": build}


@pytest.mark.pipeline  # the CLI ingests and builds every layout (fixture built)
def test_cli_ingests_every_layout_and_builds(built):
    ingest, build = built["ingest"], built["build"]
    assert ingest.returncode == 0, ingest.stdout + ingest.stderr
    for year in YEARS:
        assert f"darlington_{year}.xml: accepted" in ingest.stdout
    assert f"{PUBLISHED_INDICATORS.name}: accepted" in ingest.stdout
    # the older layout has no starters columns: accepted, with a warning saying so (EES021)
    assert "csww_headline_measures_2016.csv: accepted with" in ingest.stdout
    assert build.returncode == 0, build.stdout + build.stderr
    assert "Traceback" not in ingest.stderr + build.stderr


@pytest.mark.pipeline  # the CLI ingests and builds every layout (fixture built)
def test_mart_has_the_las_returns_rows_for_every_year(built):
    rows = serving(built["home"], """
        select time_period, inpost_headcount, cases from marts.workforce_indicators
        where source = 'returns' and geographic_level = 'Local authority' and old_la_code = ?
        order by time_period""", [LA])
    assert [row[0] for row in rows] == list(YEARS)
    for year, headcount, cases in rows:  # the generator's record counts and cases are exact
        targets = generated(year).targets
        assert (headcount, cases) == (targets.inpost_headcount, targets.cases), year


@pytest.mark.pipeline  # the CLI ingests and builds every layout (fixture built)
def test_mart_has_published_rows_from_both_files(built):
    years = serving(built["home"], """
        select distinct time_period from marts.workforce_indicators
        where source = 'published' and geographic_level = 'Local authority' and old_la_code = ?
        order by 1""", [LA])
    assert [y for (y,) in years] == list(range(2016, 2026))
    national = serving(built["home"], """
        select distinct time_period from marts.workforce_indicators
        where source = 'published' and geographic_level = 'National' order by 1""")
    assert [y for (y,) in national] == list(range(2016, 2026))


@pytest.mark.pipeline  # the CLI ingests and builds every layout (fixture built)
def test_older_layout_values_are_under_todays_measure_names(built):
    columns = ", ".join(OLDER_LAYOUT_2016)
    [row] = serving(built["home"], f"""
        select {columns}, starters_fte, starters_fte_status from marts.workforce_indicators
        where source = 'published' and geographic_level = 'Local authority' and old_la_code = ?
          and time_period = 2016""", [LA])
    *values, starters, starters_status = row
    assert dict(zip(OLDER_LAYOUT_2016, values, strict=True)) == pytest.approx(OLDER_LAYOUT_2016)
    assert (starters, starters_status) == (None, "x")  # not in that layout: not available, never 0
    [(inpost_2025,)] = serving(built["home"], """
        select inpost_fte from marts.workforce_indicators where source = 'published'
          and geographic_level = 'Local authority' and old_la_code = ? and time_period = 2025""", [LA])
    assert inpost_2025 == pytest.approx(95.6)  # from the real file
