"""Tests of the dashboard: the real app (``dashboards/app.py``) run with AppTest against a small serving copy
built in a tmp dir (``tests/serving_fixture.py``), plus unit tests of the data-access layer, the measure
catalogue, the formatting helpers, the comparison logic and the chart.
"""

from __future__ import annotations

import math
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import data_access
from dashboards.charts import LA_COLOUR, REGION_COLOUR, comparison_bar_chart
from dashboards.comparison import (
    COL_COMPARED,
    COL_DIFFERENCE,
    COL_LA,
    COL_MEASURE,
    COL_REGION,
    comparison_table,
    headline,
    rate_chart_data,
    split_rows,
)
from dashboards.measures import (
    HEADLINE_COLUMNS,
    MEASURES,
    NATIONAL_MEASURES,
    Polarity,
    Unit,
    compare_words,
    format_difference,
    format_share,
    format_value,
    measure,
    present,
    round_half_up,
)
from dashboards.views.la_vs_region import URL_PATH
from pipeline.settings import Settings
from tests.dashboard_apptest import open_page
from tests.serving_fixture import ANALYST, DONCASTER, indicator_rows, write_serving_copy
from tests.serving_fixture import NATIONAL_MEASURES as FIXTURE_MEASURES

# ---------------------------------------------------------------------------------------------- fixtures

@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty WORKFORCE_HOME (no serving copy yet)."""
    home = tmp_path / "workforce_home"
    monkeypatch.setenv("WORKFORCE_HOME", str(home))
    return home


@pytest.fixture
def serving(home: Path) -> Path:
    """The hand-written serving copy, where Settings says it is."""
    return write_serving_copy(Settings.from_env().serving)


KEY_LA = f"{URL_PATH}.la"
KEY_YEAR = f"{URL_PATH}.year"


def run_app() -> AppTest:
    """The "LA compared with region" page, as the fixture's regional analyst (who may see every row)."""
    at = open_page(ANALYST, "la_vs_region")
    assert not at.exception, [e.value for e in at.exception]
    return at


def table(at: AppTest) -> pd.DataFrame:
    return at.dataframe[0].value


def row(at: AppTest, label: str) -> dict[str, Any]:
    t = table(at)
    hit = t[t[COL_MEASURE] == label]
    assert len(hit) == 1, f"{label!r} not in the table"
    return hit.iloc[0].to_dict()


def metric(at: AppTest, label: str) -> Any:
    return next(m for m in at.metric if m.label == label)


CASELOAD = MEASURES["caseload_fte"].label
VACANCY_COVER = MEASURES["vacancy_agency_cover_rate_fte"].label
AGENCY_HEADCOUNT = MEASURES["agency_headcount"].label


# ------------------------------------------------------------------------------------- the app, end to end

@pytest.mark.app
def test_la_selectbox_lists_exactly_the_las_in_the_file(serving: Path) -> None:
    at = run_app()
    la = at.selectbox(key=KEY_LA)
    assert la.options == ["Barnsley", "Doncaster"]  # not the region, not England
    assert at.selectbox(key=KEY_YEAR).options == ["2024", "2023"]  # newest first
    assert at.selectbox(key=KEY_YEAR).value == 2024
    assert at.title[0].value == "LA compared with region"
    assert str(serving) in at.caption[0].value and "published" in at.caption[0].value


@pytest.mark.app
def test_shows_the_las_values_beside_its_regions(serving: Path) -> None:
    at = run_app()
    assert at.selectbox(key=KEY_LA).value == "370"
    assert at.header[0].value == "Barnsley compared with Yorkshire and The Humber, 2024"
    caseload = row(at, CASELOAD)
    assert (caseload[COL_LA], caseload[COL_REGION]) == ("17.3", "15.8")  # 17.26 and 15.84, rounded
    assert caseload[COL_DIFFERENCE] == "+1.4 cases per FTE"
    assert caseload[COL_COMPARED] == "higher (worse)"
    cases = row(at, MEASURES["cases"].label)
    assert (cases[COL_LA], cases[COL_REGION]) == ("2,594", "25,010")
    assert cases[COL_COMPARED] == "10.4% of the region's total"
    # every national measure is in the table, once
    assert list(table(at)[COL_MEASURE]) == [m.label for m in NATIONAL_MEASURES]
    # headline metrics
    assert metric(at, CASELOAD).value == "17.3"
    assert metric(at, "Turnover rate (FTE)").value == "14.0%"
    assert metric(at, "Agency rate (FTE)").value == "8.1%"
    assert metric(at, "Vacancy rate (FTE)").value == "0.0%"
    assert metric(at, "Turnover rate (FTE)").delta == "+1.4 pp"


@pytest.mark.app
def test_selecting_the_other_la(serving: Path) -> None:
    at = run_app()
    at.selectbox(key=KEY_LA).select("371").run()
    assert not at.exception
    assert at.header[0].value == "Doncaster compared with Yorkshire and The Humber, 2024"
    caseload = row(at, CASELOAD)
    assert (caseload[COL_LA], caseload[COL_REGION]) == ("13.4", "15.8")
    assert caseload[COL_COMPARED] == "lower (better)"
    # a 'c' status hides the value the warehouse holds (3)
    assert row(at, AGENCY_HEADCOUNT)[COL_LA] == "confidential (c)"
    assert not table(at)[COL_LA].str.fullmatch("3").any()


@pytest.mark.app
def test_z_status_shows_as_not_applicable(serving: Path) -> None:
    at = run_app()
    cover = row(at, VACANCY_COVER)
    assert cover[COL_LA] == "not applicable (z)"
    assert cover[COL_REGION] == "64.2"
    assert cover[COL_DIFFERENCE] == "not comparable"
    rendered = table(at).to_string().lower()
    assert "nan" not in rendered and "none" not in rendered
    assert any("not applicable (z)" in c.value for c in at.caption)  # named as not charted


@pytest.mark.app
def test_changing_the_year_changes_the_values(serving: Path) -> None:
    at = run_app()
    assert row(at, CASELOAD)[COL_LA] == "17.3"
    at.selectbox(key=KEY_YEAR).select(2023).run()
    assert not at.exception
    assert at.header[0].value == "Barnsley compared with Yorkshire and The Humber, 2023"
    caseload = row(at, CASELOAD)
    # 16.45 rounds half up to 16.5 (Python's own formatting would give 16.4)
    assert (caseload[COL_LA], caseload[COL_REGION]) == ("19.7", "16.5")
    assert row(at, VACANCY_COVER)[COL_LA] == "40.0"
    assert row(at, MEASURES["absence_rate_fte"].label)[COL_LA] == "2.3"  # 2.25 half up
    assert metric(at, CASELOAD).value == "19.7"
    # the LA choice is kept across the change of year
    assert at.selectbox(key=KEY_LA).value == "370"


@pytest.mark.app
def test_missing_serving_copy_shows_a_friendly_error(home: Path) -> None:
    at = open_page(ANALYST, "la_vs_region")
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value
    assert "workforce run" in message and "make demo" in message
    assert str(Settings.from_env().serving) in message
    assert not at.dataframe and not at.selectbox


@pytest.mark.app
def test_serving_copy_without_the_table_shows_a_friendly_error(home: Path) -> None:
    path = Settings.from_env().serving
    path.parent.mkdir(parents=True)
    duckdb.connect(str(path)).close()  # a valid DuckDB file with nothing in it
    at = open_page(ANALYST, "la_vs_region")
    assert not at.exception
    assert len(at.error) == 1 and "cannot be read" in at.error[0].value
    assert "workforce run" in at.error[0].value


@pytest.mark.app
def test_opens_read_only_and_holds_no_connection(serving: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_connect = duckdb.connect
    calls: list[dict[str, Any]] = []

    def spy(database: str = ":memory:", *args: Any, **kwargs: Any) -> duckdb.DuckDBPyConnection:
        calls.append({"database": database, **kwargs})
        return real_connect(database, *args, **kwargs)

    monkeypatch.setattr(duckdb, "connect", spy)
    at = run_app()
    assert at.dataframe, "the page did not show its table"
    assert calls, "the app did not open the serving copy"
    assert all(c["database"] == str(serving) and c.get("read_only") is True for c in calls)
    monkeypatch.setattr(duckdb, "connect", real_connect)

    # In one process DuckDB refuses a writer while a read-only connection to the same file is open:
    # opening one and writing proves the page closed every connection.
    writer = duckdb.connect(str(serving))
    try:
        writer.execute("update marts.workforce_indicators set caseload_fte = 99 where old_la_code = '370'")
    finally:
        writer.close()


@pytest.mark.app
def test_a_new_publish_is_picked_up(serving: Path) -> None:
    at = run_app()
    assert row(at, CASELOAD)[COL_LA] == "17.3"
    # publish as the pipeline does: a new file, then an atomic rename over the old one
    rows = indicator_rows()
    rows.loc[(rows["la_name"] == "Barnsley") & (rows["time_period"] == 2024), "caseload_fte"] = 21.04
    fresh = write_serving_copy(serving.with_name("serving.duckdb.new"), rows)
    os.replace(fresh, serving)
    at.run()
    assert not at.exception
    assert row(at, CASELOAD)[COL_LA] == "21.0"


# ----------------------------------------------------------------------------------------- data access

def test_data_access_readers(serving: Path) -> None:
    assert data_access.available_years(data_access.resolve_viewer(ANALYST)) == [2024, 2023]
    assert data_access.available_years(data_access.resolve_viewer(ANALYST), "371") == [2024, 2023]
    assert data_access.available_years(data_access.resolve_viewer(ANALYST), "999") == []
    las = data_access.local_authorities(data_access.resolve_viewer(ANALYST), 2024)
    assert list(las["la_name"]) == ["Barnsley", "Doncaster"]
    assert list(las["old_la_code"]) == ["370", "371"]
    rows = data_access.la_and_region(data_access.resolve_viewer(ANALYST), "371", 2023)
    assert list(rows["geographic_level"]) == ["Local authority", "Regional"]
    assert rows.iloc[1]["region_code"] == "E12000003"
    assert data_access.la_and_region(data_access.resolve_viewer(ANALYST), "371", 2019).empty
    assert "caseload_fte_status" in data_access.indicator_columns()
    info = data_access.serving_copy_info()
    assert info.path == serving and info.published_text


def test_data_access_missing_file(tmp_path: Path) -> None:
    with pytest.raises(data_access.ServingCopyMissing, match="workforce run"):
        data_access.available_years(data_access.resolve_viewer(ANALYST), path=tmp_path / "nowhere.duckdb")


def test_london_la_coded_inner_or_outer_london_gets_the_london_row(home: Path) -> None:
    rows = indicator_rows()
    rows.loc[rows["geographic_level"] == "Local authority", ["region_code", "region_name"]] = [
        "E13000002", "Outer London"]
    rows.loc[rows["geographic_level"] == "Regional", ["region_code", "region_name"]] = ["E12000007", "London"]
    write_serving_copy(Settings.from_env().serving, rows)
    london_analyst = data_access.resolve_viewer(replace(ANALYST, alliance_code="E12000007"))
    la, region = split_rows(data_access.la_and_region(london_analyst, "370", 2024))
    assert la is not None and region is not None
    assert (region["region_code"], region["caseload_fte"]) == ("E12000007", 15.84)


def test_split_rows_without_region(serving: Path) -> None:
    rows = data_access.la_and_region(data_access.resolve_viewer(ANALYST), "370", 2024)
    la, region = split_rows(rows[rows["geographic_level"] == "Local authority"])
    assert la is not None and la["la_name"] == "Barnsley" and region is None
    t = comparison_table(la, region, NATIONAL_MEASURES)
    assert set(t.loc[t[COL_MEASURE] == CASELOAD, COL_REGION]) == {"no data"}


# -------------------------------------------------------------------------------------------- catalogue

def test_catalogue_covers_the_national_measures() -> None:
    assert [m.column for m in NATIONAL_MEASURES] == FIXTURE_MEASURES
    assert set(HEADLINE_COLUMNS) <= set(MEASURES)
    for m in NATIONAL_MEASURES:
        assert m.label and m.description and m.unit in Unit
        expected_dp = 0 if m.unit in (Unit.PEOPLE, Unit.CASES, Unit.RECORDS) else 1
        assert m.decimals == expected_dp, m.column
        if m.column.endswith("_headcount") and not m.is_rate:
            assert m.unit is Unit.PEOPLE
    low_is_good = {m.column for m in NATIONAL_MEASURES if m.polarity is Polarity.LOW_IS_GOOD}
    assert low_is_good == {"turnover_rate_fte", "turnover_rate_headcount", "agency_rate_fte",
                           "agency_rate_headcount", "vacancy_rate_fte", "caseload_fte", "absence_rate_fte"}
    assert len({m.label for m in NATIONAL_MEASURES}) == len(NATIONAL_MEASURES)


def test_present_keeps_only_existing_columns() -> None:
    assert [m.column for m in present(["cases", "caseload_fte", "something_new"])] == ["cases", "caseload_fte"]


# ------------------------------------------------------------------------------------------- formatting

@pytest.mark.parametrize(
    ("value", "status", "column", "with_unit", "expected"),
    [
        (17.26, None, "caseload_fte", False, "17.3"),
        (15.2, None, "caseload_fte", True, "15.2 cases per FTE"),
        (2.25, None, "absence_rate_fte", False, "2.3"),  # half up, not half to even
        (16.45, None, "caseload_fte", False, "16.5"),
        (11.84, None, "turnover_rate_fte", True, "11.8%"),
        (36186.25, None, "inpost_fte", False, "36,186.3"),
        (224.5, None, "inpost_headcount", False, "225"),
        (2594.4, None, "cases", False, "2,594"),
        (322786.349, None, "working_days_lost_fte", True, "322,786.3 days"),
        (0.0, None, "vacancy_rate_fte", False, "0.0"),
        (-0.04, None, "turnover_rate_fte", False, "0.0"),  # never "-0.0"
        (None, "z", "vacancy_agency_cover_rate_fte", False, "not applicable (z)"),
        (math.nan, "z", "agency_rate_fte", False, "not applicable (z)"),
        (math.nan, "x", "cases", False, "not available (x)"),
        (3.0, "c", "agency_headcount", False, "confidential (c)"),  # the value never shows
        (0.2, "low", "agency_fte", False, "rounds to zero (low)"),
        (12.34, "u", "turnover_rate_fte", False, "12.3 (u: low reliability)"),
        (12.34, " U ", "turnover_rate_fte", False, "12.3 (u: low reliability)"),
        (None, None, "caseload_fte", False, "no data"),
        (math.nan, math.nan, "caseload_fte", False, "no data"),
        (pd.NA, pd.NA, "caseload_fte", False, "no data"),
    ],
)
def test_format_value(value: Any, status: Any, column: str, with_unit: bool, expected: str) -> None:
    assert format_value(value, status, measure(column), with_unit=with_unit) == expected


def test_round_half_up() -> None:
    assert str(round_half_up(0.05, 1)) == "0.1"
    assert str(round_half_up(-2.25, 1)) == "-2.3"
    assert str(round_half_up(14.5, 0)) == "15"


def test_format_difference_and_words() -> None:
    turnover, agency, inpost = measure("turnover_rate_fte"), measure("agency_rate_fte"), measure("inpost_fte")
    assert format_difference(1.25, turnover, with_unit=True) == "+1.3 pp"
    assert format_difference(-3.0, measure("cases"), with_unit=True) == "-3 cases"
    assert format_difference(-0.04, turnover) == "0.0"
    assert format_difference(None, turnover) == "not comparable"
    assert compare_words(2.0, turnover) == "higher (worse)"
    assert compare_words(-1.0, agency) == "lower (better)"
    assert compare_words(5.0, inpost) == "higher"
    assert compare_words(0.01, turnover) == "same"
    assert compare_words(None, turnover) == ""
    assert format_share(25.0, None, 200.0, None) == "12.5% of the region's total"
    assert format_share(25.0, "c", 200.0, None) == ""


# ----------------------------------------------------------------------------------- comparison and chart

def _rows(la: str, year: int) -> tuple[pd.Series, pd.Series]:
    frame = indicator_rows()
    frame = frame[frame["time_period"] == year]
    la_row = frame[frame["la_name"] == la].iloc[0]
    region_row = frame[frame["geographic_level"] == "Regional"].iloc[0]
    return la_row, region_row


def test_values_stored_as_text_are_read_defensively() -> None:
    la = pd.Series({"caseload_fte": "17.26", "agency_rate_fte": "z", "cases": "2,594"})
    t = comparison_table(la, None, [measure("caseload_fte"), measure("agency_rate_fte"), measure("cases")])
    assert list(t[COL_LA]) == ["17.3", "not applicable (z)", "2,594"]


def test_headline_metric() -> None:
    la, region = _rows("Barnsley", 2024)
    h = headline(la, region, measure("caseload_fte"), "Yorkshire and The Humber")
    assert (h.value, h.delta, h.delta_color) == ("17.3", "+1.4 cases per FTE", "inverse")
    assert h.delta_description == "vs Yorkshire and The Humber"
    cover = headline(la, region, measure("vacancy_agency_cover_rate_fte"), "Region")
    assert cover.value == "not applicable (z)" and cover.delta is None


def test_rate_chart_data_and_colours() -> None:
    la, region = _rows("Barnsley", 2024)
    rates = [m for m in NATIONAL_MEASURES if m.is_rate]
    data, notes = rate_chart_data(la, region, rates, "Barnsley", "Yorkshire and The Humber")
    assert set(data["series"]) == {"LA", "Region"}
    assert VACANCY_COVER not in set(data.loc[data["series"] == "LA", "measure"])  # z is not drawn as 0
    assert notes == [f"{VACANCY_COVER}, Barnsley: not applicable (z)"]
    spec = comparison_bar_chart(data, "Rates").to_dict()
    colour = spec["layer"][0]["encoding"]["color"]
    assert colour["scale"] == {"domain": ["Barnsley", "Yorkshire and The Humber"],
                               "range": [LA_COLOUR, REGION_COLOUR]}
    assert (LA_COLOUR, REGION_COLOUR) == ("#0072B2", "#E69F00")  # Okabe-Ito blue and orange
    assert spec["description"].startswith("Rates")


@pytest.mark.app
def test_starts_on_an_la_with_returns_when_published_las_are_listed_too(home: Path) -> None:
    rows = indicator_rows()
    # Barnsley's figures only as published (not from returns): listed, but not where the page starts
    rows.loc[rows["la_name"] == "Barnsley", "source"] = "published"
    write_serving_copy(Settings.from_env().serving, rows)
    at = run_app()
    assert at.selectbox(key=KEY_LA).options == ["Barnsley", "Doncaster"]
    assert at.selectbox(key=KEY_LA).value == DONCASTER["old_la_code"]
