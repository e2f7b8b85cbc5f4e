"""The Caseloads page, for every role, in Streamlit's AppTest, and the tables it offers for download.

Two serving copies:

- the demonstration region (``demo_home``: a real ``workforce demo``, 12 North East LAs, alliance E12000001),
  whose values are read independently from the serving copy with duckdb;
- the hand-worked example of tests/test_dbt_caseloads.py (Gateshead 390 with worker records, Newcastle 391
  with an annual R2 Teams sheet), built by the real dbt project and published, whose values are worked out
  by hand there.

For each role the tests assert what the page shows AND what it does not: an ``la`` user never receives another
LA's caseload distribution or team caseloads, on screen or in a download; the public sees published figures only.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pytest
from dbt_fixtures import build_warehouse
from streamlit.testing.v1 import AppTest
from test_dbt_caseloads import RAW_ROWS

from dashboards import data_access
from dashboards.caseload_tables import (
    ALL_GROUPS,
    ALL_TEAMS,
    COL_ABOVE,
    COL_ALL,
    COL_KIND,
    COL_MEASURE,
    COL_TEAM,
    NATIONAL_CASELOAD_COLUMNS,
    STRENGTHENED_CASELOAD_COLUMNS,
    TREND_COLUMNS,
    distribution_table,
    group_summary,
    limits_from,
    measures_table,
    team_table,
)
from dashboards.comparison import split_rows
from dashboards.measures import MEASURES, STRENGTHENED_MEASURES, format_value, round_half_up
from dashboards.views import caseloads
from pipeline.access.roles import PUBLIC_VIEWER, Role, Viewer
from pipeline.publish import publish_serving_copy
from pipeline.settings import Settings
from tests.dashboard_apptest import open_app, open_page, texts

NORTH_EAST = "E12000001"
DURHAM, HARTLEPOOL = "840", "805"
GATESHEAD, NEWCASTLE = "390", "391"
LONDON_LA = "202"  # Camden: published figures only


def la_user(code: str) -> Viewer:
    return Viewer(username=f"user{code}", display_name=f"LA {code} user", role=Role.LA, la_code=code)


ANALYST = Viewer(username="analyst", display_name="Regional analyst", role=Role.ANALYST, alliance_code=NORTH_EAST)


# --- helpers --------------------------------------------------------------------------------------------------

def charts(at: AppTest) -> list[dict]:
    """Every Altair chart on the page: its spec, with each named dataset as a DataFrame under 'frames'."""
    out = []
    for element in at.get("vega_lite_chart"):
        spec = json.loads(element.proto.spec)
        spec["frames"] = {d.name: pa.ipc.open_stream(d.data.data).read_pandas() for d in element.proto.datasets}
        out.append(spec)
    return out


def layer_frame(spec: dict, layer: int) -> pd.DataFrame:
    """The data of one layer of a chart (its own dataset, or the chart's shared one)."""
    data = spec["layer"][layer].get("data") or spec["data"]
    return spec["frames"][data["name"]]


def histogram_frame(at: AppTest) -> pd.DataFrame:
    """The bars of the caseload histogram (the chart titled 'Cases held by each case holder...')."""
    found = [c for c in charts(at) if str(c.get("title", "")).startswith("Cases held by each case holder")]
    assert len(found) == 1
    return layer_frame(found[0], 0)


def chart_titles(at: AppTest) -> list[str]:
    return [str(c.get("title", "")) for c in charts(at)]


#: The charts every role may see: the caseload trends (LA beside region, LA-level figures only).
TREND_TITLES = [MEASURES[c].label for c in TREND_COLUMNS]
DETAIL_TABLE_COLUMNS = (COL_ALL, "Share above the limit (%)", COL_TEAM)


def frames(at: AppTest) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe]


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    found = [f for f in frames(at) if column in f.columns]
    assert len(found) == 1, [list(f.columns) for f in frames(at)]
    return found[0]


def serving_query(home: Path, sql: str, params: list | None = None) -> pd.DataFrame:
    with duckdb.connect(str(home / "warehouse" / "serving.duckdb"), read_only=True) as con:
        return con.execute(sql, params or []).df()


def latest_year(home: Path) -> int:
    return int(serving_query(home, "select max(time_period) as y from marts.caseload_distribution")["y"].iloc[0])


def choose(at: AppTest, code: str) -> AppTest:
    return at.selectbox(key=f"{caseloads.URL_PATH}.la").set_value(code).run()


def open_caseloads(viewer: Viewer, code: str | None = None) -> AppTest:
    at = open_page(viewer, "caseloads")
    assert not at.exception, [e.value for e in at.exception]
    if code is not None:
        at = choose(at, code)
        assert not at.exception, [e.value for e in at.exception]
    return at


def returns_row(home: Path, code: str, year: int) -> pd.Series:
    rows = serving_query(home, "select * from marts.workforce_indicators where source = 'returns' and "
                               "geographic_level = 'Local authority' and old_la_code = ? and time_period = ?",
                         [code, year])
    assert len(rows) == 1
    return rows.iloc[0]


@pytest.fixture
def demo(demo_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WORKFORCE_HOME", str(demo_home))
    return demo_home


@pytest.fixture(scope="module")
def hand_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-worked example of test_dbt_caseloads, built by dbt and published as a serving copy."""
    home = tmp_path_factory.mktemp("caseloads_home")
    build_warehouse(home / "warehouse", RAW_ROWS)
    publish_serving_copy(Settings(home=home))
    return home


@pytest.fixture
def hand(hand_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WORKFORCE_HOME", str(hand_home))
    return hand_home


# --- every role can open the page -----------------------------------------------------------------------------

def test_every_role_may_open_the_page() -> None:
    assert caseloads.ROLES == frozenset(Role)


# --- public ---------------------------------------------------------------------------------------------------

def test_public_sees_the_published_national_caseload_only(demo: Path) -> None:
    at = open_caseloads(PUBLIC_VIEWER, DURHAM)
    year = latest_year(demo)
    text = texts(at)
    assert f"Caseloads in County Durham, {year}" in text
    assert caseloads.NO_STRENGTHENED_PUBLIC in text
    assert "worker-level detail. The public view shows published figures only." in text
    assert chart_titles(at) == [MEASURES["caseload_fte"].label]  # no histogram, no team chart, no over-limit trend
    assert not any(c in f.columns for f in frames(at) for c in DETAIL_TABLE_COLUMNS)
    table = frame_with(at, COL_KIND)
    assert list(table[COL_MEASURE]) == [MEASURES[c].label for c in NATIONAL_CASELOAD_COLUMNS]
    assert set(table[COL_KIND]) == {"National (DfE)"}
    assert not any(m.label in text or m.label in set(table[COL_MEASURE]) for m in STRENGTHENED_MEASURES)
    published = serving_query(demo, "select caseload_fte, caseload_fte_status from marts.workforce_indicators "
                                    "where source = 'published' and geographic_level = 'Local authority' and "
                                    "old_la_code = ? and time_period = ?", [DURHAM, year]).iloc[0]
    expected = format_value(published["caseload_fte"], published["caseload_fte_status"], MEASURES["caseload_fte"],
                            with_unit=True)
    assert table.loc[0, "County Durham"] == expected
    # no case-holder counts from the returns appear anywhere
    holders = int(serving_query(demo, "select sum(case_holders) as n from marts.caseload_distribution "
                                      "where old_la_code = ? and time_period = ?", [DURHAM, year])["n"].iloc[0])
    assert f"of {holders} case holders" not in text


def test_public_downloads_hold_published_figures_only(demo: Path) -> None:
    year = latest_year(demo)
    assert data_access.caseload_distribution(PUBLIC_VIEWER, DURHAM, year).empty
    assert data_access.team_caseloads(PUBLIC_VIEWER, DURHAM, year).empty
    assert distribution_table(data_access.caseload_distribution(PUBLIC_VIEWER, DURHAM, year)).empty
    la, region = split_rows(data_access.la_and_region(PUBLIC_VIEWER, DURHAM, year))
    assert la is not None and la["source"] == "published"
    table = measures_table(la, region, "County Durham", "North East", limits_from(data_access.caseload_limits()),
                           NATIONAL_CASELOAD_COLUMNS)
    assert len(table) == 3
    # even asked for every measure, the public rows carry no strengthened values
    every = measures_table(la, region, "County Durham", "North East", limits_from(data_access.caseload_limits()))
    strengthened = every[every[COL_KIND] != "National (DfE)"]
    assert set(strengthened["County Durham"]) == {"not available (x)"}


# --- la: own LA in detail -------------------------------------------------------------------------------------

def test_la_user_sees_their_own_distribution_against_the_limits(demo: Path) -> None:
    year = latest_year(demo)
    at = open_caseloads(la_user(DURHAM))
    text = texts(at)
    dist = serving_query(demo, "select * from marts.caseload_distribution where old_la_code = ? and "
                               "time_period = ?", [DURHAM, year])
    holders = int(dist["case_holders"].sum())
    above = int(dist.loc[dist["is_over_limit"], "case_holders"].sum())
    first_above = int(dist.loc[dist["is_over_limit"] & dist["is_first_year"], "case_holders"].sum())
    indicators = returns_row(demo, DURHAM, year)
    # the flag agrees with workforce_indicators' over-limit share
    share = format_value(indicators["case_holders_over_limit_pct"], None, MEASURES["case_holders_over_limit_pct"],
                         with_unit=True)
    assert above > 0
    assert f"{above} of {holders} case holders in County Durham ({share})" in text
    assert f"{first_above} of them are first-year social workers above 18 cases" in text
    # the histogram draws exactly the mart's rows, with both limits marked
    bars = histogram_frame(at)
    assert int(bars["case_holders"].sum()) == holders
    assert set(bars["group"]) == {"First-year social workers", "Other case holders"}
    assert set(bars.loc[bars["above"] == "Yes", "cases"]) == set(dist.loc[dist["is_over_limit"], "cases30"])
    spec = next(c for c in charts(at) if str(c.get("title", "")).startswith("Cases held"))
    rules = layer_frame(spec, 1)
    assert sorted(rules["at"]) == [18.5, 20.5]
    assert "First-year limit: 18" in set(rules["label"]) and "Limit for others: 20" in set(rules["label"])
    # the group table: the median of all case holders is workforce_indicators' caseload_median
    groups = frame_with(at, "Share above the limit (%)")
    everyone = groups[groups["Group"] == ALL_GROUPS].iloc[0]
    assert everyone["Case holders"] == holders and everyone["Above the limit"] == above
    assert everyone["Median caseload"] == float(round_half_up(indicators["caseload_median"], 1))
    # the strengthened measures beside the national ones, with the LA's own returns values
    table = frame_with(at, COL_KIND)
    assert list(table[COL_MEASURE]) == [MEASURES[c].label for c in (*NATIONAL_CASELOAD_COLUMNS,
                                                                     *STRENGTHENED_CASELOAD_COLUMNS)]
    p90 = table[table[COL_MEASURE] == MEASURES["caseload_p90"].label].iloc[0]
    assert p90["County Durham"] == format_value(indicators["caseload_p90"], None, MEASURES["caseload_p90"], True)
    assert p90["What it adds"] == MEASURES["caseload_p90"].adds
    assert all(table["Definition"].str.len() > 20)


def test_la_user_team_section_says_what_was_sent(demo: Path) -> None:
    year = latest_year(demo)
    at = open_caseloads(la_user(DURHAM))
    teams = serving_query(demo, "select * from marts.team_caseloads where old_la_code = ? and time_period = ?",
                          [DURHAM, year])
    if teams.empty:
        assert f"County Durham sent no annual regional workbook (R2) with a Teams sheet for {year}" in texts(at)
    else:
        table = frame_with(at, COL_TEAM)
        assert len(table) == len(teams) + 1 and table[COL_TEAM].iloc[-1] == ALL_TEAMS


def test_la_download_tables_hold_own_la_only(demo: Path) -> None:
    year = latest_year(demo)
    viewer = data_access.resolve_viewer(la_user(DURHAM))
    own = data_access.caseload_distribution(viewer, DURHAM, year)
    assert set(own["old_la_code"]) == {DURHAM}
    table = distribution_table(own)
    expected = serving_query(demo, "select cases30, sum(case_holders) as n, "
                                   "sum(case when is_over_limit then case_holders else 0 end) as above "
                                   "from marts.caseload_distribution where old_la_code = ? and time_period = ? "
                                   "group by cases30 order by cases30", [DURHAM, year])
    assert list(table["Cases held"]) == list(expected["cases30"])
    assert list(table[COL_ALL]) == list(expected["n"])
    assert list(table[COL_ABOVE]) == list(expected["above"])
    # every other LA of the alliance: nothing, through any of the page's readers
    others = viewer.alliance_las - {DURHAM}
    assert len(others) == 11
    for code in others:
        assert data_access.caseload_distribution(viewer, code, year).empty
        assert data_access.team_caseloads(viewer, code, year).empty
        assert data_access.annual_workbooks(viewer, code, year).empty
        assert distribution_table(data_access.caseload_distribution(viewer, code, year)).empty
        assert group_summary(data_access.caseload_distribution(viewer, code, year), limits_from(pd.DataFrame())).empty


# --- la: another LA of the alliance, at LA level only ---------------------------------------------------------

def test_la_user_choosing_another_alliance_la_gets_no_worker_detail(demo: Path) -> None:
    year = latest_year(demo)
    at = open_caseloads(la_user(DURHAM), HARTLEPOOL)
    text = texts(at)
    assert f"Caseloads in Hartlepool, {year}" in text
    assert "worker-level detail. Your role shows this detail for your own LA only (840)." in text
    assert set(chart_titles(at)) <= set(TREND_TITLES)  # no histogram, no team chart
    assert not any(c in f.columns for f in frames(at) for c in DETAIL_TABLE_COLUMNS)  # no detail table
    assert "How caseloads are spread" not in text and "Caseloads by team type" not in text
    dist = serving_query(demo, "select sum(case_holders) as n from marts.caseload_distribution "
                               "where old_la_code = ? and time_period = ?", [HARTLEPOOL, year])
    assert f"of {int(dist['n'].iloc[0])} case holders" not in text  # no counts from the distribution
    # the LA-level strengthened measures are there (other alliance LAs at LA level)
    indicators = returns_row(demo, HARTLEPOOL, year)
    table = frame_with(at, COL_KIND)
    median = table[table[COL_MEASURE] == MEASURES["caseload_median"].label].iloc[0]
    assert median["Hartlepool"] == format_value(indicators["caseload_median"], None, MEASURES["caseload_median"],
                                                True)
    share = format_value(indicators["case_holders_over_limit_pct"], None, MEASURES["case_holders_over_limit_pct"],
                         True)
    if indicators["case_holders_over_limit_pct"] > 0:
        assert f"{share} of case holders in Hartlepool hold more cases than their safe limit" in text


def test_la_user_choosing_an_la_outside_the_alliance_sees_published_figures(demo: Path) -> None:
    at = open_caseloads(la_user(DURHAM), LONDON_LA)
    text = texts(at)
    assert "computed from the returns of your alliance's LAs only" in text
    table = frame_with(at, COL_KIND)
    assert list(table[COL_MEASURE]) == [MEASURES[c].label for c in NATIONAL_CASELOAD_COLUMNS]
    assert set(chart_titles(at)) <= set(TREND_TITLES)


# --- analyst: every alliance LA in detail ---------------------------------------------------------------------

def test_analyst_sees_any_alliance_las_distribution(demo: Path) -> None:
    year = latest_year(demo)
    at = open_caseloads(ANALYST, HARTLEPOOL)
    dist = serving_query(demo, "select * from marts.caseload_distribution where old_la_code = ? and "
                               "time_period = ?", [HARTLEPOOL, year])
    bars = histogram_frame(at)
    assert int(bars["case_holders"].sum()) == int(dist["case_holders"].sum())
    assert sorted(bars["cases"]) == sorted(dist["cases30"])
    viewer = data_access.resolve_viewer(ANALYST)
    assert len(viewer.alliance_las) == 12
    assert set(data_access.detail(viewer, "marts.caseload_distribution", "time_period = $y", {"y": year})
               ["old_la_code"]) == viewer.alliance_las
    # but never an LA outside the alliance
    assert data_access.caseload_distribution(viewer, LONDON_LA, year).empty


# --- hand-worked example: exact values, team types ------------------------------------------------------------

def test_hand_worked_distribution_on_the_page(hand: Path) -> None:
    at = open_caseloads(ANALYST, GATESHEAD)
    text = texts(at)
    # 9 case holders, 4 above their limit (44.4%), 2 of them first-year (19 > 18)
    assert "4 of 9 case holders in Gateshead (44.4%) hold more cases than their safe limit." in text
    assert "2 of them are first-year social workers above 18 cases." in text
    groups = frame_with(at, "Share above the limit (%)").set_index("Group")
    first, other, everyone = (groups.loc[g] for g in ("First-year social workers", "Other case holders", ALL_GROUPS))
    # first-year: 12, 19, 19 -> 3 holders, 2 above, 66.7%, mean 50/3 = 16.7, median 19, highest 19
    assert (first["Case holders"], first["Above the limit"], first["Share above the limit (%)"]) == (3, 2, 66.7)
    assert (first["Average caseload"], first["Median caseload"], first["Highest caseload"]) == (16.7, 19.0, 19)
    # others: 10, 10, 19, 20, 21, 21 -> 6, 2 above, 33.3%, mean 101/6 = 16.8, median (19 + 20)/2 = 19.5, 21
    assert (other["Case holders"], other["Above the limit"], other["Share above the limit (%)"]) == (6, 2, 33.3)
    assert (other["Average caseload"], other["Median caseload"], other["Highest caseload"]) == (16.8, 19.5, 21)
    assert (everyone["Case holders"], everyone["Above the limit"], everyone["Median caseload"]) == (9, 4, 19.0)
    assert everyone["Average caseload"] == 16.8  # 151 / 9 = 16.78
    assert f"Gateshead sent no annual regional workbook (R2) with a Teams sheet for {2024}" in text


def test_hand_worked_team_caseloads_on_the_page(hand: Path) -> None:
    at = open_caseloads(ANALYST, NEWCASTLE)
    text = texts(at)
    assert "1 team type(s) above their safe caseload limit:** Front door / MASH." in text
    table = frame_with(at, COL_TEAM).set_index(COL_TEAM)
    assert list(table.index) == ["Front door / MASH", "Long-term (child in need and protection)", "Care leavers",
                                 ALL_TEAMS]
    front = table.loc["Front door / MASH"]
    assert (front["Children per case holder FTE"], front["Safe limit (children per FTE)"], front["Above the limit?"],
            front["Weighted children"], front["Weighted caseload (per FTE)"]) == (26.0, 25.0, "Yes: above the limit",
                                                                               60.0, 30.0)
    long_term = table.loc["Long-term (child in need and protection)"]
    assert (long_term["Above the limit?"], long_term["Weighted caseload (per FTE)"]) == ("No", 25.6)  # 25.625
    leavers = table.loc["Care leavers"]
    assert pd.isna(leavers["Children per case holder FTE"]) and leavers["Above the limit?"] == ""
    total = table.loc[ALL_TEAMS]
    # 95 children over 4 FTE = 23.75 -> 23.8; weighted 113.5 / 4 = 28.375 -> 28.4 (half up)
    assert (total["Children allocated"], total["Children per case holder FTE"], total["Weighted children"],
            total["Weighted caseload (per FTE)"]) == (95.0, 23.8, 113.5, 28.4)
    assert total["Above the limit?"] == "1 of 3 team types above"
    team_chart = next(c for c in charts(at) if str(c.get("title", "")).startswith("Children per case holder FTE"))
    bars = layer_frame(team_chart, 0)
    assert list(bars["team"]) == ["Front door / MASH", "Long-term (child in need and protection)"]
    assert list(bars["status"]) == ["Above the safe limit", "Within the safe limit"]
    # the LA's weighted caseload beside the national caseload
    measures = frame_with(at, COL_KIND).set_index(COL_MEASURE)
    assert measures.loc[MEASURES["weighted_caseload"].label, "Newcastle upon Tyne"] == "28.4 cases per FTE"


def test_hand_worked_la_users_see_only_their_own_teams(hand: Path) -> None:
    newcastle = data_access.resolve_viewer(la_user(NEWCASTLE))
    gateshead = data_access.resolve_viewer(la_user(GATESHEAD))
    assert newcastle.alliance_las == gateshead.alliance_las == frozenset({GATESHEAD, NEWCASTLE})
    limits = limits_from(data_access.caseload_limits())
    assert len(team_table(data_access.team_caseloads(newcastle, NEWCASTLE, 2024), limits)) == 4
    assert team_table(data_access.team_caseloads(gateshead, NEWCASTLE, 2024), limits).empty
    assert data_access.caseload_distribution(newcastle, GATESHEAD, 2024).empty
    at = open_caseloads(la_user(GATESHEAD), NEWCASTLE)
    assert "team type(s) above" not in texts(at) and set(chart_titles(at)) <= set(TREND_TITLES)
    assert all(COL_TEAM not in f.columns for f in frames(at))
    own = open_caseloads(la_user(NEWCASTLE))
    assert "Front door / MASH" in frame_with(own, COL_TEAM)[COL_TEAM].tolist()


def test_page_without_a_signed_in_viewer_shows_no_caseloads(hand: Path) -> None:
    at = open_app(None)
    assert "Caseloads in" not in texts(at)


# --- caseloads over the years ---------------------------------------------------------------------------------

def trend_frame(at: AppTest, column: str) -> pd.DataFrame:
    found = [c for c in charts(at) if c.get("title") == MEASURES[column].label]
    assert len(found) == 1, chart_titles(at)
    return layer_frame(found[0], 0)


def test_public_trend_is_the_published_caseload(demo: Path) -> None:
    at = open_caseloads(PUBLIC_VIEWER, DURHAM)
    year = latest_year(demo)
    trend = trend_frame(at, "caseload_fte")
    durham = trend[trend["series"] == "LA"].set_index("Year")
    published = serving_query(demo, "select time_period, caseload_fte from marts.workforce_indicators where "
                                    "source = 'published' and geographic_level = 'Local authority' and "
                                    "old_la_code = ? and time_period <= ? and caseload_fte is not null "
                                    "order by time_period",
                              [DURHAM, year]).set_index("time_period")
    assert list(durham.index) == list(published.index)
    for y, value in published["caseload_fte"].items():
        assert durham.loc[y, "Value"] == float(round_half_up(value, 1))
    assert set(durham["Source"]) == {"DfE published"}


def test_la_trend_uses_the_returns_where_there_are_some(demo: Path) -> None:
    year = latest_year(demo)
    at = open_caseloads(la_user(DURHAM))
    over = trend_frame(at, "case_holders_over_limit_pct")
    durham = over[over["series"] == "LA"].set_index("Year")
    returns = serving_query(demo, "select time_period, case_holders_over_limit_pct as v from "
                                  "marts.workforce_indicators where source = 'returns' and geographic_level = "
                                  "'Local authority' and old_la_code = ? and time_period <= ? order by 1",
                            [DURHAM, year]).set_index("time_period")
    assert list(durham.index) == list(returns.index)
    assert [durham.loc[y, "Value"] for y in returns.index] == [float(round_half_up(v, 1)) for v in returns["v"]]
    assert set(durham["Source"]) == {"LA returns"}
    figures = frame_with(at, "Source")
    assert set(figures["Area"]) == {"County Durham", "North East"}


def test_la_own_la_in_a_year_without_a_return(demo: Path) -> None:
    first = int(serving_query(demo, "select min(time_period) as y from marts.workforce_indicators "
                                    "where source = 'returns'")["y"].iloc[0])
    at = open_caseloads(la_user(DURHAM))
    at = at.selectbox(key=f"{caseloads.URL_PATH}.year").set_value(first - 1).run()
    assert not at.exception
    text = texts(at)
    assert f"County Durham has no caseload detail for {first - 1}" in text
    assert f"County Durham has no return for {first - 1} in the warehouse" in text
    table = frame_with(at, COL_KIND)
    assert list(table[COL_MEASURE]) == [MEASURES[c].label for c in NATIONAL_CASELOAD_COLUMNS]
