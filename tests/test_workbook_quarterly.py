"""Quarterly R2 workbooks (returns.md, "Quarters"): return_type, a quarter end that is not one (RWR004), the
quarterly Summary's flows against its stocks (RWR033) and the working days lost against what staff could lose
(RWR034), with the thresholds worked by hand."""

from __future__ import annotations

from datetime import date

import pytest

from tests.workbook_builders import about, summary_row, workbook
from validation.workbook import QUARTER_FLOW_SHARE_LIMIT, WORKING_DAYS, period_type_of, validate_workbook
from validation.workbook_template import write_template

KNOWN = {"840", "841"}


def run(data: bytes):
    return validate_workbook(data, file_name="q.xlsx", known_la_codes=KNOWN)


def codes(result) -> set[str]:
    return {issue.rule_code for issue in result.issues}


def messages(result) -> str:
    return "\n".join(f"{i.rule_code} {i.sheet} {i.line} {i.cell} {i.message}" for i in result.issues)


def quarterly(period_end=date(2025, 6, 30), return_type=None, **summary):
    return workbook(about_row=about(period_end=period_end, return_type=return_type),
                    summary=[summary_row(**summary)])


@pytest.mark.parametrize("period_end, return_type, expected", [
    (date(2025, 9, 30), None, "annual"), (date(2025, 6, 30), None, "quarterly"),
    (date(2024, 12, 31), None, "quarterly"), (date(2025, 9, 30), "quarterly", "quarterly"),
    (date(2025, 9, 30), "Annual", "annual"), (date(2025, 3, 31), " quarterly ", "quarterly"),
])
def test_return_type_as_sent_or_inferred_from_period_end(period_end, return_type, expected):
    result = run(quarterly(period_end, return_type))
    assert result.status == "accepted", messages(result)
    assert result.period_type == expected


def test_period_type_of():
    assert period_type_of(date(2025, 9, 30), None) == "annual"
    assert period_type_of(date(2025, 3, 31), None) == "quarterly"
    assert period_type_of(date(2025, 9, 30), "quarterly") == "quarterly"


@pytest.mark.parametrize("period_end, return_type, words", [
    (date(2025, 6, 30), "annual", "says annual, but period_end is 2025-06-30"),
    (date(2025, 9, 30), "monthly", "'monthly': it is 'annual', 'quarterly' or blank"),
])
def test_return_type_inconsistent_with_period_end_is_rwr005(period_end, return_type, words):
    result = run(quarterly(period_end, return_type))
    assert codes(result) == {"RWR005"} and result.status == "rejected"
    assert words in result.issues[0].message
    assert (result.issues[0].sheet, result.issues[0].cell) == ("About", "D2")


@pytest.mark.parametrize("period_end", [date(2025, 6, 29), date(2025, 1, 31), "2025-04-30"])
def test_a_quarter_end_that_is_not_one_is_rwr004(period_end):
    result = run(quarterly(period_end))
    assert codes(result) == {"RWR004"} and "not a quarter end" in result.issues[0].message


def test_a_workbook_of_the_first_layout_without_return_type_is_still_clean():
    result = run(workbook(columns={"About": ["old_la_code", "la_name", "period_end"]}))
    assert result.issues == [] and result.period_type == "annual"


# --- RWR033: the quarter's flows against its stocks --------------------------------------------------------

def test_flow_share_threshold_worked_by_hand():
    """In post 380.5 FTE at the quarter end: 25% is 95.125 FTE. Leavers of 95.12 FTE in the quarter pass;
    95.2 FTE (25.02%) is RWR033, a warning on the Summary row's leavers_fte cell (E2)."""
    assert QUARTER_FLOW_SHARE_LIMIT == 0.25
    at = run(quarterly(leavers_fte=95.12, leavers_headcount=100))
    assert "RWR033" not in codes(at), messages(at)
    over = run(quarterly(leavers_fte=95.2, leavers_headcount=100))
    assert codes(over) == {"RWR033"} and over.status == "accepted_with_warnings"
    issue = over.issues[0]
    assert (issue.sheet, issue.line, issue.cell, issue.item) == ("Summary", 2, "E2", "Summary/leavers_fte")
    assert "25% of inpost_fte 380.5" in issue.message and "year to date" in issue.message
    assert len(over.summary) == 1  # kept


def test_starters_too_and_headcount_where_fte_is_missing():
    result = run(quarterly(starters_fte=None, starters_headcount=120))  # 120 / 402 = 30% of in-post headcount
    assert codes(result) == {"RWR033"} and "starters_headcount 120" in result.issues[0].message
    assert "RWR033" not in codes(run(quarterly(starters_fte=None, starters_headcount=100)))  # 24.9%


def test_annual_flows_are_not_held_to_the_quarterly_share():
    # a year's leavers of 120 FTE (31.5% of in post) is a high but real annual turnover
    result = run(workbook(summary=[summary_row(leavers_fte=120.0, leavers_headcount=130)]))
    assert result.issues == [], messages(result)


# --- RWR034: working days lost above what the staff could lose -------------------------------------------

def test_working_days_lost_bound_worked_by_hand():
    """(380.5 + 60.0) FTE could lose at most 440.5 x 64 = 28,192 days in a quarter and 440.5 x 253 =
    111,446.5 in a year."""
    assert WORKING_DAYS == {"annual": 253, "quarterly": 64}
    assert "RWR034" not in codes(run(quarterly(working_days_lost_fte=28_192)))
    over = run(quarterly(working_days_lost_fte=28_192.5))
    assert codes(over) == {"RWR034"} and over.status == "rows_rejected" and over.summary.empty
    assert "28192 days the staff could lose" in over.issues[0].message and over.issues[0].cell == "M2"
    assert over.quarantined[0]["reasons"] == ["RWR034 working_days_lost_fte"]
    annual = workbook(summary=[summary_row(working_days_lost_fte=111_446.5)])
    assert "RWR034" not in codes(run(annual))
    assert "RWR034" in codes(run(workbook(summary=[summary_row(working_days_lost_fte=111_447)])))


def test_working_days_lost_without_in_post_is_not_checked():
    assert "RWR034" not in codes(run(quarterly(inpost_fte=None, working_days_lost_fte=99_999)))


# --- the quarterly template --------------------------------------------------------------------------------

@pytest.mark.parametrize("quarter_end", [date(2024, 12, 31), date(2025, 9, 30)])
def test_quarterly_template_says_quarterly(tmp_path, quarter_end):
    import openpyxl
    path = write_template(tmp_path / "q.xlsx", "840", 2025, quarterly_period_end=quarter_end)
    assert openpyxl.load_workbook(path)["About"]["D2"].value == "quarterly"
    result = run(path.read_bytes())
    assert (result.period_type, result.period_end) == ("quarterly", quarter_end)
    annual = run(write_template(tmp_path / "a.xlsx", "840", 2025).read_bytes())
    assert annual.period_type == "annual"
