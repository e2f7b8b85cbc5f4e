"""The demonstration region's second-round inputs (demodata.quarterly, demodata.agency, demodata.diary): every
file validates clean but for the planted breaches (warnings), and the calibration holds: quarterly flows add up
to the annual figures and the published ones, 30 September stocks are the annual ones, R2 and R4 agree on
agency headcounts, the cool-off worker is a census leaver of another LA, and the diaries' shares sit near the
published bands with one team clearly over capacity."""

from __future__ import annotations

import csv
import statistics
from collections import Counter
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from demodata.agency import AGENCY_QUARTERS, build_agency_return, region_agency
from demodata.diary import DIARY_LAS, OVER_CAPACITY, build_diary, region_diaries
from demodata.quarterly import build_quarter_workbook, quarter_ends, region_quarters
from demodata.region import generate_region
from demodata.second_round import generate_region_second_round
from demodata.workbook import la_sheets, summary_from_workers
from tests.test_demodata import PUBLISHED
from validation import privacy
from validation.agency import AgencyFile, validate_agency_batch
from validation.csww import validate_csww
from validation.diary import DiaryFile, validate_diary_batch
from validation.schemas.diary import ACTIVITY_GROUPS
from validation.schemas.workbook import SUMMARY_COLUMNS
from validation.workbook import WorkbookFile, validate_workbook_batch

NORTH_EAST = ("390", "391", "392", "393", "394", "805", "806", "807", "808", "840", "841", "929")
SECRET = b"second-round-secret"
FLOWS = ("starters_fte", "starters_headcount", "leavers_fte", "leavers_headcount", "working_days_lost_fte")
STOCKS = [c for c in SUMMARY_COLUMNS if c not in FLOWS]

# writing and validating the whole region's second-round files takes about 16 s: a long generator
pytestmark = pytest.mark.pipeline


@pytest.fixture(scope="module")
def region():
    return region_agency()


@pytest.fixture(scope="module")
def written(tmp_path_factory, region):
    out = tmp_path_factory.mktemp("second_round")
    return generate_region_second_round(out_dir=out, region=region)


@pytest.fixture(scope="module")
def quarters(region):
    return region_quarters(agency=region)


@pytest.fixture(scope="module")
def validated(written):
    known = set(NORTH_EAST)
    return {
        "quarterly": validate_workbook_batch([WorkbookFile(p.read_bytes(), p.name) for p in written["quarterly"]],
                                             known_la_codes=known),
        "agency": validate_agency_batch([AgencyFile(p.read_bytes(), p.name) for p in written["agency"]],
                                        known_la_codes=known, secret=SECRET),
        "diary": validate_diary_batch([DiaryFile(p.read_bytes(), p.name) for p in written["diary"]],
                                      known_la_codes=known, secret=SECRET),
    }


def published(la: str, year: int) -> dict[str, str]:
    with PUBLISHED.open(newline="", encoding="utf-8") as handle:
        return next(r for r in csv.DictReader(handle) if r["geographic_level"] == "Local authority"
                    and r["old_la_code"] == la and r["time_period"] == str(year))


# --- quarterly R2 --------------------------------------------------------------------------------------------

def test_eight_quarters_for_every_la_all_clean(written, validated):
    names = sorted(p.name for p in written["quarterly"])
    ends = [*quarter_ends(2024), *quarter_ends(2025)]
    assert ends[0] == date(2023, 12, 31) and ends[-1] == date(2025, 9, 30)
    assert names == sorted(f"r2q_{la}_{end.isoformat()}.xlsx" for la in NORTH_EAST for end in ends)
    for path, result in zip(written["quarterly"], validated["quarterly"], strict=True):
        assert (result.status, result.period_type) == ("accepted", "quarterly"), (path.name, result.issues)
        assert len(result.summary) == 1 and len(result.teams) == 7 and len(result.non_sw) == 6


def test_four_quarters_add_up_to_the_annual_flows_and_end_on_its_stocks(quarters, region):
    from demodata.region import build_la_return
    for la_quarters in quarters:
        generated = region.returns[la_quarters.lea] if la_quarters.year == 2025 else \
            build_la_return(la_quarters.lea, la_quarters.year)
        annual = summary_from_workers(generated.workers, generated.la_level, la_quarters.year)
        rows = list(la_quarters.summaries.values())
        for flow in FLOWS:
            assert sum(row[flow] for row in rows) == pytest.approx(annual[flow], abs=0.006), (la_quarters.lea, flow)
        assert {c: rows[-1][c] for c in STOCKS} == {c: annual[c] for c in STOCKS}
        _, teams, _ = la_sheets(la_quarters.lea, la_quarters.year, generated.workers, generated.la_level)
        assert la_quarters.teams[date(la_quarters.year, 9, 30)] == teams  # the annual workbook's Teams


def test_worked_example_against_the_published_figures(quarters):
    """Middlesbrough (806), census year 2025, published: 44.0 FTE starters, 14.6 FTE leavers, 170.1 FTE in post
    at 30 September 2025 (turnover 8.6%). Its quarters' starters and leavers add up to these, and the rolling
    12-month turnover at 30 September 2025 (the four quarters from 31 December 2024, across the year boundary)
    is 100 x 14.6 / 170.1 = 8.58%."""
    la = next(q for q in quarters if (q.lea, q.year) == ("806", 2025))
    row = published("806", 2025)
    assert (row["starters_fte"], row["leavers_fte"], row["inpost_fte"]) == ("44", "14.6", "170.1")
    rows = [la.summaries[end] for end in quarter_ends(2025)]
    assert sum(r["starters_fte"] for r in rows) == pytest.approx(44.0, abs=0.005)
    assert sum(r["leavers_fte"] for r in rows) == pytest.approx(14.6, abs=0.005)
    assert rows[-1]["inpost_fte"] == pytest.approx(170.1, abs=0.005)
    assert 100 * sum(r["leavers_fte"] for r in rows) / rows[-1]["inpost_fte"] == pytest.approx(8.58, abs=0.005)


def test_every_la_quarters_match_the_published_flows(quarters):
    for la in quarters:
        row = published(la.lea, la.year)
        rows = list(la.summaries.values())
        for measure in ("leavers_fte", "starters_fte", "inpost_fte"):
            if not row[measure].replace(".", "").isdigit():
                continue
            value = rows[-1][measure] if measure == "inpost_fte" else sum(r[measure] for r in rows)
            assert value == pytest.approx(float(row[measure]), abs=1.0), (la.lea, la.year, measure)


def test_stocks_move_from_one_september_to_the_next(quarters):
    for la in (q for q in quarters if q.year == 2025):
        before = next(q for q in quarters if (q.lea, q.year) == (la.lea, 2024)).summaries[date(2024, 9, 30)]
        after = la.summaries[date(2025, 9, 30)]
        for end in quarter_ends(2025)[:-1]:
            value = la.summaries[end]["inpost_headcount"]
            low, high = sorted((before["inpost_headcount"], after["inpost_headcount"]))
            assert low * 0.97 - 1 <= value <= high * 1.03 + 1, (la.lea, end)


# --- agency returns ------------------------------------------------------------------------------------------

def test_four_quarters_of_agency_returns_with_only_the_planted_warnings(written, validated):
    assert len(written["agency"]) == 4 * len(NORTH_EAST)
    found = Counter()
    for path, result in zip(written["agency"], validated["agency"], strict=True):
        assert result.error_count == 0 and result.rows_rejected == 0, (path.name, result.issues)
        found.update((result.old_la_code, i.rule_code) for i in result.issues)
    assert set(found) == {("806", "AGY030"), ("808", "AGY031"), ("807", "AGY032"), ("840", "AGY033"),
                          ("929", "AGY034"), ("841", "AGY030")}
    assert sum(1 for p in written["agency"] if p.suffix == ".csv") == 4  # North Tyneside sends CSV


def test_r2_and_r4_agree_on_agency_headcount_at_each_quarter_end(quarters, validated):
    by_return = {(r.old_la_code, r.quarter_end): r.assignments for r in validated["agency"]}
    for la in (q for q in quarters if q.year == 2025):
        for end in AGENCY_QUARTERS:
            rows = by_return[(la.lea, end)]
            active = ((rows["start_date"] <= pd.Timestamp(end)) &
                      (rows["end_date"].isna() | (rows["end_date"] > pd.Timestamp(end)))).sum()
            assert active == la.summaries[end]["agency_headcount"], (la.lea, end)


def test_the_cap_change_pair_straddles_1_may_2025(validated):
    result = next(r for r in validated["agency"] if (r.old_la_code, r.quarter_end) == ("841", date(2025, 6, 30)))
    pair = result.assignments[result.assignments["hourly_pay_rate"] == 32.0]
    assert pair["start_date"].dt.date.tolist() == [date(2025, 4, 28), date(2025, 5, 6)]
    over = [i.line for i in result.issues if i.rule_code == "AGY030"]
    assert over == [int(pair["line"].iloc[0])]  # only the one that started under the £36.00 cap


def test_cool_off_worker_is_a_census_leaver_of_another_la(tmp_path, region, validated):
    """The Gateshead (390) assignment's worker left Newcastle upon Tyne (391) less than 3 months before it
    started, as the 391 CSWW XML says (same SWENo, so the same hashed worker_ref); North Tyneside's (392)
    control left 391 more than 3 months before."""
    xml = next(p for p in generate_region("E12000001", (2025,), out_dir=tmp_path) if p.name == "csww_391_2025.xml")
    census = validate_csww(xml.read_bytes(), file_name=xml.name, known_la_codes=set(NORTH_EAST), secret=SECRET)
    leavers = census.workers[census.workers["role_end_date"].notna()].set_index("worker_ref")["role_end_date"]
    matched = {}
    for result in validated["agency"]:
        if result.old_la_code in ("390", "392"):
            for ref, start in result.assignments[["worker_ref", "start_date"]].itertuples(index=False):
                if ref in leavers.index:
                    matched[(result.old_la_code, ref)] = (leavers[ref], start)
    assert {la for la, _ in matched} == {"390", "392"}
    for (la, _), (left, start) in matched.items():
        within = start < left + pd.DateOffset(months=3)
        assert within is (la == "390"), (la, left, start)
    plan = region.plans["390"]
    planted = next(a for a in plan.assignments if a.planted and "left LA 391" in a.planted)
    assert privacy.worker_ref(planted.swe_number, SECRET) in leavers.index


def test_rows_follow_the_agency_headcount(validated, region):
    for result in validated["agency"]:
        plan = region.plans[result.old_la_code]
        assert len(result.assignments) == len(plan.in_quarter(result.quarter_end))
        assert result.returns[["monthly_agency_spend_1", "monthly_agency_spend_2",
                               "monthly_agency_spend_3"]].notna().all(axis=None)
    total = sum(len(r.assignments) for r in validated["agency"])
    assert 800 <= total <= 1400


# --- diaries ------------------------------------------------------------------------------------------------

def test_six_diaries_with_only_the_planted_warnings(written, validated):
    assert sorted(p.name.split("_")[1] for p in written["diary"]) == sorted(DIARY_LAS)
    found = Counter()
    for result in validated["diary"]:
        assert result.error_count == 0 and result.rows_rejected == 0, result.issues
        found.update((result.old_la_code, i.rule_code) for i in result.issues)
    assert set(found) == {("806", "TUD030"), ("391", "TUD031")} and found[("391", "TUD031")] == 1
    sunderland = next(r for r in validated["diary"] if r.old_la_code == "394")
    assert set(sunderland.entries["worker_ref_type"]) == {"swe_number"}


def _entries(validated) -> pd.DataFrame:
    return pd.concat([r.entries for r in validated["diary"]], ignore_index=True)


def _share(frame: pd.DataFrame, group: str) -> float:
    return 100 * frame[frame["activity"].isin(ACTIVITY_GROUPS[group])]["hours"].sum() / frame["hours"].sum()


def test_pooled_shares_fall_near_the_published_bands(validated):
    """About 20% direct work and about half on recording and admin (County Councils Network / Newton); 18 of 45
    hours direct (40%) in BASW 2018: pooled direct work lands in 20-30%, recording and admin in 42-52%."""
    entries = _entries(validated)
    assert 20 <= _share(entries, "direct_work") <= 30
    assert 42 <= _share(entries, "recording_admin") <= 52
    for group in ("meetings", "travel", "court", "supervision"):
        assert 0.5 <= _share(entries, group) <= 20, group


def test_workers_differ_realistically(validated):
    entries = _entries(validated)
    shares = [_share(worker, "direct_work") for _, worker in entries.groupby(["old_la_code", "worker_ref"])]
    assert len(shares) >= 6 * 12
    assert statistics.stdev(shares) >= 3 and max(shares) - min(shares) >= 12


def _workload_ratios(validated, region) -> dict[tuple[str, str], float]:
    """definitions.md's workload model worked here independently: required hours a week (the team's children
    of each type x the diarists' hours per case per week of that type, plus case holders' FTE x non-case hours
    per FTE-week) over capacity (case holders' FTE x 37 x (1 - absence rate / 100))."""
    ratios = {}
    kinds = {"cin": "children_cin", "cp": "children_cp", "cla": "children_cla",
             "care_leaver": "children_care_leavers", "proceedings": "children_in_proceedings"}
    for result in validated["diary"]:
        generated = region.returns[result.old_la_code]
        annual, teams, _ = la_sheets(result.old_la_code, 2025, generated.workers, generated.la_level)
        absence = 100 * annual["working_days_lost_fte"] / (annual["inpost_fte"] * 253)
        weeks = 4
        for team in teams:
            diary = result.entries[result.entries["team_type"] == team["team_type"]]
            if diary.empty:
                continue
            workers = diary.groupby("worker_ref").first()
            required = 0.0
            for kind, column in kinds.items():
                cases = workers[f"cases_{kind}"].sum()
                if cases:
                    required += team[column] * diary[diary["case_type"] == kind]["hours"].sum() / cases / weeks
            non_case = diary[diary["case_type"] == "none"]["hours"].sum() / (workers["fte"].sum() * weeks)
            required += team["case_holders_fte"] * non_case
            capacity = team["case_holders_fte"] * 37 * (1 - absence / 100)
            ratios[(result.old_la_code, team["team_type"])] = required / capacity
    return ratios


def test_one_team_is_clearly_over_capacity(validated, region):
    ratios = _workload_ratios(validated, region)
    over = ratios.pop(OVER_CAPACITY)
    assert over >= 1.25
    assert over - max(ratios.values()) >= 0.05, max(ratios.items(), key=lambda kv: kv[1])
    assert statistics.median(ratios.values()) == pytest.approx(1.0, abs=0.08)


# --- deterministic -----------------------------------------------------------------------------------------

def test_same_seed_same_bytes(written, region, quarters):
    diary = next(d for d in region_diaries(returns=region.returns) if d.lea == "806")
    assert build_diary(diary) == next(p for p in written["diary"] if "806" in p.name).read_bytes()
    plan = region.plans["841"]
    assert build_agency_return(plan, date(2025, 6, 30)) == next(
        p for p in written["agency"] if p.name == "r4_841_2025-06-30.xlsx").read_bytes()
    la = next(q for q in quarters if (q.lea, q.year) == ("390", 2024))
    assert build_quarter_workbook(la, date(2024, 3, 31)) == Path(next(
        p for p in written["quarterly"] if p.name == "r2q_390_2024-03-31.xlsx")).read_bytes()
    other = region_agency(seed=7)
    assert [a.swe_number for a in other.plans["841"].assignments] != [a.swe_number for a in plan.assignments]
