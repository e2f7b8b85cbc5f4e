"""The demonstration R2 workbooks (demodata/workbook.py): valid, agreeing with the CSWW returns, plausible.

Two independent checks of "agrees with the CSWW return": the Summary read back through the real workbook
validator against the calibration targets (published figures the CSWW records were generated to), and, in the
real `workforce demo`, that the warehouse finds no difference between any LA's Summary and its CSWW return
(no RWR040) and that the workbook figures reach the marts.
"""

from __future__ import annotations

import csv
import random
from datetime import date
from pathlib import Path

import duckdb
import pytest

from demodata.region import LaReturn, build_la_return, region_targets
from demodata.workbook import (
    build_la_workbook,
    generate_region_workbooks,
    main,
    output_name,
    split_total,
    summary_from_workers,
)
from validation.schemas.workbook import NON_SW_ROLES, SUMMARY_COLUMNS, TEAM_TYPES
from validation.workbook import validate_workbook

SEEDS = Path(__file__).resolve().parents[1] / "seeds" / "reference"
WEIGHTS = {"children_cin": 1.0, "children_cp": 1.5, "children_cla": 1.25, "children_care_leavers": 0.75,
           "children_in_proceedings": 2.0}  # seeds/reference/caseload_weights.csv, checked below


def team_limits() -> dict[str, float]:
    with (SEEDS / "team_type_limits.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {r["limit_code"]: float(r["caseload_limit"]) for r in rows if r["applies_to"] == "team"}


@pytest.fixture(scope="module")
def region() -> list[tuple[LaReturn, object]]:
    """Every North East LA-year of the demo: its generated CSWW return and its workbook, validated."""
    out = []
    for (la, year), targets in region_targets("E12000001", (2024, 2025)).items():
        generated = build_la_return(la.old_la_code, year, targets=targets)
        data = build_la_workbook(generated.lea, year, generated.workers, generated.la_level)
        result = validate_workbook(data, file_name=output_name(generated.lea, year), known_la_codes={generated.lea},
                                   expected_la=generated.lea)
        out.append((generated, result))
    assert len(out) == 24
    return out


def test_every_workbook_is_accepted_with_no_issue_at_all(region) -> None:
    for generated, result in region:
        assert result.status == "accepted", (generated.lea, generated.year, result.issues)
        assert result.issues == []
        assert (result.old_la_code, result.census_year) == (generated.lea, generated.year)
        assert len(result.summary) == 1
        assert sorted(result.teams["team_type"]) == sorted(TEAM_TYPES)
        assert sorted(result.non_sw["role"]) == sorted(NON_SW_ROLES)


def test_summary_lands_on_the_figures_the_csww_return_was_generated_to(region) -> None:
    """The calibration targets (published figures) are what the CSWW records sum to: counts exactly, FTEs to
    rounding, case holders' FTE within one part-timer (demodata.region step 4)."""
    for generated, result in region:
        summary, targets = result.summary.iloc[0], generated.targets
        for column in ("inpost_headcount", "starters_headcount", "leavers_headcount", "agency_headcount", "cases"):
            assert summary[column] == getattr(targets, column), (generated.lea, generated.year, column)
        for column in ("inpost_fte", "starters_fte", "leavers_fte", "agency_fte", "vacancy_fte", "agency_cover_fte",
                       "working_days_lost_fte"):
            assert summary[column] == pytest.approx(getattr(targets, column), abs=0.051), column
        assert 0 <= targets.case_holders_fte - summary["case_holders_fte"] < 1.0


def test_summary_counts_a_second_post_once_and_a_starter_leaver_in_both_flows() -> None:
    """Hand-made records: the Summary follows definitions.md, not a count of records."""
    person = {"SWENo": "SW1", "PersonBirthDate": date(1980, 5, 1), "Sex": "F", "Ethnicity": "WBRI"}
    d = date
    workers = [
        {**person, "AgencyWorker": 0, "FTE": 0.8, "RoleStartDate": d(2020, 1, 1), "Cases30": 12,
         "WorkingDaysLost": 10.0},
        {**person, "AgencyWorker": 0, "FTE": 0.2, "RoleStartDate": d(2021, 1, 1), "Cases30": 0},  # second post
        {"SWENo": "SW2", "AgencyWorker": 0, "FTE": 1.0, "FTE30": None, "RoleStartDate": d(2024, 11, 1),
         "RoleEndDate": d(2025, 6, 30), "StartOrigin": 1, "WorkingDaysLost": 5.0},  # starter and leaver
        {"SWENo": "SW3", "AgencyWorker": 1, "FTE": 0.5, "RoleStartDate": d(2025, 1, 1), "Cases30": 9},
        {"SWENo": "SW4", "AgencyWorker": 1, "FTE": 1.0, "RoleStartDate": d(2024, 1, 1),
         "RoleEndDate": d(2025, 3, 1)},  # agency, gone before 30 September
    ]
    summary = summary_from_workers(workers, {"NumberOfVacancies": 3.5, "NoAgencyFTE": 0.5}, 2025)
    assert summary == {
        "inpost_fte": 1.0, "inpost_headcount": 1, "starters_fte": 1.0, "starters_headcount": 1,
        "leavers_fte": 1.0, "leavers_headcount": 1, "agency_fte": 0.5, "agency_headcount": 1,
        "agency_cover_fte": 0.5, "vacancy_fte": 3.5, "case_holders_fte": 1.3, "cases": 21,
        "working_days_lost_fte": 13.0,  # 10 x 0.8 + 5 x 1.0; the second post has none
    }
    assert list(summary) == list(SUMMARY_COLUMNS)


def test_teams_split_the_summary_exactly_and_plausibly(region) -> None:
    limits = team_limits()
    over, teams_total = 0, 0
    for _, result in region:
        summary, teams = result.summary.iloc[0], result.teams
        assert teams["case_holders_fte"].sum() == pytest.approx(summary["case_holders_fte"], abs=0.005)
        assert teams["children_allocated"].sum() == summary["cases"]
        assert teams["vacancy_fte"].sum() == pytest.approx(summary["vacancy_fte"], abs=0.005)
        assert teams["agency_fte"].sum() == pytest.approx(summary["agency_fte"], abs=0.005)
        assert (teams["nqsw_case_holders_fte"] <= teams["case_holders_fte"]).all()
        kinds = teams[["children_cin", "children_cp", "children_cla", "children_care_leavers"]].sum(axis=1)
        assert (kinds == teams["children_allocated"]).all()
        assert (teams["children_in_proceedings"] <= teams["children_cp"] + teams["children_cla"]).all()
        by_type = teams.set_index("team_type")
        assert by_type.loc["children_in_care", "children_cla"] > by_type.loc["children_in_care", "children_cin"]
        assert by_type.loc["care_leavers", "children_care_leavers"] > 0
        caseload = by_type["children_allocated"] / by_type["case_holders_fte"]
        over += sum(caseload[t] > limits[t] for t in TEAM_TYPES)
        teams_total += len(TEAM_TYPES)
        weighted = sum((teams[c] * w).sum() for c, w in WEIGHTS.items()) / teams["case_holders_fte"].sum()
        assert summary["cases"] / summary["case_holders_fte"] <= weighted <= 2 * summary["cases"] / summary[
            "case_holders_fte"]
    assert 1 <= over <= 0.15 * teams_total  # a few teams above their limit, not most


def test_non_social_workers_are_a_third_or_so_of_the_social_workers(region) -> None:
    for generated, result in region:
        summary, non_sw = result.summary.iloc[0], result.non_sw
        ratio = non_sw["fte"].sum() / (summary["inpost_fte"] + summary["agency_fte"])
        assert 0.29 <= ratio <= 0.41, (generated.lea, generated.year, ratio)
        assert (non_sw["headcount"] >= non_sw["fte"]).all() and (non_sw["fte"] > 0).all()


def test_same_seed_same_bytes_other_seed_differs() -> None:
    generated = build_la_return("390", 2025)
    first = build_la_workbook("390", 2025, generated.workers, generated.la_level)
    assert build_la_workbook("390", 2025, generated.workers, generated.la_level) == first
    assert build_la_workbook("390", 2025, generated.workers, generated.la_level, seed=7) != first
    assert build_la_workbook("390", 2025, generated.workers, generated.la_level,
                             rng=random.Random(1)) != first


def test_split_total_sums_exactly() -> None:
    assert split_total(10.0, [1, 1, 1]) == [3.34, 3.33, 3.33]
    assert sum(split_total(95.7, [0.1, 0.22, 0.3, 0.18, 0.08, 0.07, 0.05])) == pytest.approx(95.7)
    assert split_total(7, [1, 2], step=1) == [2.0, 5.0]
    assert split_total(0, [1, 2]) == [0.0, 0.0] and split_total(5, [0, 0]) == [0.0, 0.0]


def test_region_writer_and_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = generate_region_workbooks("E12000001", (2025,), out_dir=tmp_path / "a")
    assert sorted(p.name for p in paths)[:2] == ["r2_390_2025.xlsx", "r2_391_2025.xlsx"] and len(paths) == 12
    assert main([str(tmp_path / "b"), "--years", "2025"]) == 0
    assert "12 workbooks written" in capsys.readouterr().out
    assert (tmp_path / "b" / "r2_840_2025.xlsx").read_bytes() == (tmp_path / "a" / "r2_840_2025.xlsx").read_bytes()


# --- through the real pipeline: `workforce demo` ---------------------------------------------------------------

def serving(home: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(home / "warehouse" / "serving.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_weights_used_here_are_the_seed() -> None:
    with (SEEDS / "caseload_weights.csv").open(newline="", encoding="utf-8") as handle:
        assert {r["children_column"]: float(r["weight"]) for r in csv.DictReader(handle)} == WEIGHTS


def test_demo_loads_a_workbook_per_la_and_year_that_agrees_with_the_csww_return(demo_home: Path) -> None:
    assert "generated 24 regional workbooks" in (demo_home / "demo_stdout.txt").read_text()
    books = serving(demo_home, """select time_period, status, error_count, warning_count from marts.submissions
                                  where return_type = 'workbook' and not superseded""")
    assert len(books) == 24 and {b[1:] for b in books} == {("accepted", 0, 0)}
    assert serving(demo_home, "select * from marts.validation_issues where rule_code like 'RWR%'") == []


def test_demo_workbook_figures_reach_the_marts(demo_home: Path) -> None:
    """non_sw_fte and weighted_caseload of every LA-year equal what the generated workbook says."""
    rows = serving(demo_home, """select old_la_code, time_period, non_sw_fte, total_workforce_fte, inpost_fte,
                                        agency_fte, weighted_caseload
                                 from marts.workforce_indicators
                                 where source = 'returns' and geographic_level = 'Local authority'""")
    assert len(rows) == 24
    targets = {(la.lea, year): t for (la, year), t in region_targets("E12000001", (2024, 2025)).items()}
    for code, year, non_sw, total, inpost, agency, weighted in rows:
        generated = build_la_return(code, year, targets=targets[(code, year)])
        result = validate_workbook(build_la_workbook(code, year, generated.workers, generated.la_level),
                                   file_name="x.xlsx", known_la_codes={code})
        assert non_sw == pytest.approx(result.non_sw["fte"].sum(), abs=1e-6)
        assert total == pytest.approx(inpost + agency + non_sw, abs=1e-6)
        teams = result.teams
        expected = sum((teams[c] * w).sum() for c, w in WEIGHTS.items()) / teams["case_holders_fte"].sum()
        assert weighted == pytest.approx(expected, abs=1e-6)
