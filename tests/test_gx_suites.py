"""The Great Expectations suite for ``marts.workforce_indicators`` (validation/suites).

It passes on good data (the hand-built mart of test_ees_export and the demonstration region's mart) and fails,
naming the expectation, on a rate of 120, a duplicate key, a bad status symbol, a missing key, and on
measures added to the mart later.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.test_ees_export import demo_serving, indicator_frame  # noqa: F401  (demo_serving: a fixture)
from validation.suites import load_workforce_indicators, run_workforce_indicators_suite
from validation.suites.workforce_indicators import build_workforce_indicators_suite, failed

pytestmark = pytest.mark.gx


def failures(df: pd.DataFrame) -> dict[str, object]:
    success, summaries = run_workforce_indicators_suite(df)
    bad = {s.name: s for s in failed(summaries)}
    assert success == (not bad)
    return bad


@pytest.fixture(scope="module")
def good() -> pd.DataFrame:
    published = indicator_frame("published")
    return pd.concat([indicator_frame(), published], ignore_index=True)


def test_good_data_passes(good: pd.DataFrame) -> None:
    success, summaries = run_workforce_indicators_suite(good)
    assert success, [s for s in summaries if not s.success]
    names = {s.name for s in summaries}
    assert "expect_compound_columns_to_be_unique(source, geographic_level, region_code, old_la_code, time_period)" \
        in names
    assert "expect_column_values_to_be_between(agency_rate_fte)" in names
    assert "expect_column_values_to_be_in_set(turnover_rate_headcount_status)" in names
    assert "expect_column_values_to_be_between(inpost_headcount)" in names


def test_the_suite_has_each_expectation_once(good: pd.DataFrame) -> None:
    # the suite is built from a list (not add_expectation, which skips an expectation equal to one before it):
    # the builder itself must not repeat one
    expectations = build_workforce_indicators_suite(good).expectations
    configurations = [e.configuration.to_json_dict() for e in expectations]
    distinct = {(c["type"], repr(sorted(c["kwargs"].items()))) for c in configurations}
    assert len(distinct) == len(expectations) > 40


def test_rate_of_120_fails(good: pd.DataFrame) -> None:
    df = good.copy()
    df.loc[2, "agency_rate_fte"] = 120.0
    bad = failures(df)
    assert list(bad) == ["expect_column_values_to_be_between(agency_rate_fte)"]
    summary = bad["expect_column_values_to_be_between(agency_rate_fte)"]
    assert summary.unexpected_count == 1 and summary.unexpected_values == [120.0]


def test_turnover_and_agency_cover_may_exceed_100_but_not_go_negative(good: pd.DataFrame) -> None:
    df = good.copy()
    df.loc[2, ["turnover_rate_fte", "agency_cover_rate_fte", "vacancy_agency_cover_rate_fte"]] = 120.0
    assert failures(df) == {}
    df.loc[3, "turnover_rate_fte"] = -1.0
    assert list(failures(df)) == ["expect_column_values_to_be_between(turnover_rate_fte)"]


def test_duplicate_key_fails(good: pd.DataFrame) -> None:
    df = pd.concat([good, good.iloc[[2]]], ignore_index=True)
    bad = failures(df)
    name = "expect_compound_columns_to_be_unique(source, geographic_level, region_code, old_la_code, time_period)"
    assert list(bad) == [name]
    assert bad[name].unexpected_count == 2
    assert bad[name].unexpected_values[0]["old_la_code"] == "370"


def test_bad_status_symbol_fails(good: pd.DataFrame) -> None:
    df = good.copy()
    df.loc[3, "inpost_fte_status"] = ":"
    bad = failures(df)
    assert list(bad) == ["expect_column_values_to_be_in_set(inpost_fte_status)"]
    assert bad["expect_column_values_to_be_in_set(inpost_fte_status)"].unexpected_values == [":"]


def test_negative_fte_and_unknown_level_and_source_fail(good: pd.DataFrame) -> None:
    df = good.copy()
    df.loc[2, "inpost_fte"] = -0.5
    df.loc[1, "geographic_level"] = "Ward"
    df.loc[0, "source"] = "guess"
    df.loc[0, "time_period"] = 1999
    assert set(failures(df)) == {
        "expect_column_values_to_be_between(inpost_fte)",
        "expect_column_values_to_be_in_set(geographic_level)",
        "expect_column_values_to_be_in_set(source)",
        "expect_column_values_to_be_between(time_period)",
    }


def test_keys_not_null(good: pd.DataFrame) -> None:
    df = good.copy()
    df.loc[2, "old_la_code"] = None  # an LA row without its code
    df.loc[1, "region_code"] = None  # a regional row without its code
    df.loc[0, "time_identifier"] = None
    assert set(failures(df)) == {
        "expect_column_values_to_not_be_null(old_la_code)",
        "expect_column_values_to_not_be_null(region_code)",
        "expect_column_values_to_not_be_null(time_identifier)",
    }


def test_missing_key_column_fails(good: pd.DataFrame) -> None:
    bad = failures(good.drop(columns="old_la_code"))
    assert "expect_column_to_exist(old_la_code)" in bad


def test_measures_added_later_are_covered(good: pd.DataFrame) -> None:
    df = good.assign(case_holders_over_limit_pct=12.0, non_sw_fte=40.0, caseload_median=16.0,
                     non_sw_fte_status=None)
    assert failures(df) == {}
    df.loc[2, "case_holders_over_limit_pct"] = 130.0
    df.loc[3, "non_sw_fte"] = -2.0
    df.loc[3, "non_sw_fte_status"] = "?"
    assert set(failures(df)) == {
        "expect_column_values_to_be_between(case_holders_over_limit_pct)",
        "expect_column_values_to_be_between(non_sw_fte)",
        "expect_column_values_to_be_in_set(non_sw_fte_status)",
    }


def test_demo_mart_passes(demo_serving: Path) -> None:  # noqa: F811
    df = load_workforce_indicators(demo_serving)
    success, summaries = run_workforce_indicators_suite(df)
    assert success, [s for s in summaries if not s.success]
    assert len(summaries) > 50
