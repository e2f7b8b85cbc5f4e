"""The Region overview (tartan rug) and LA profile pages, for every role, on the demonstration serving copy.

The demo's LA returns are calibrated to match DfE's published figures, so the two sources would look alike on
screen. To tell them apart, each test reads a copy of the demo serving copy in which every returns-based
``caseload_fte`` value of ``marts.benchmarks`` has 100 added (County Durham 2025: 16.6 from the returns becomes
116.6; its published figure stays 16.6). A public viewer must only ever see the published 16.6; ``la`` and
``analyst`` viewers see 116.6 for their alliance's LAs, and published figures for other regions' LAs.

Expected values are read independently from the serving copy with duckdb (and rounded half up by hand), and the
quartile band is re-derived from the national values in Python.
"""

from __future__ import annotations

import shutil
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboards import data_access
from dashboards.charts import NO_BAND
from dashboards.data_access import submission_rows
from dashboards.measures import MEASURES
from dashboards.views import la_profile, region_overview
from dashboards.views.common import CHOSEN_LA, CHOSEN_YEAR
from pipeline.access.roles import PUBLIC_VIEWER, Role, Viewer
from pipeline.settings import Settings
from tests.dashboard_apptest import open_app, open_page, texts

YEAR = 2025
NORTH_EAST = "E12000001"
LONDON = "E12000007"
DURHAM = "840"
CAMDEN = "202"
MARK = 100.0  # added to every returns-based caseload_fte in marts.benchmarks of the test copy
LA_USER = Viewer("durham", "Durham director", Role.LA, la_code=DURHAM)
ANALYST = Viewer("ne", "North East analyst", Role.ANALYST, alliance_code=NORTH_EAST)
ROLES = {"public": PUBLIC_VIEWER, "la": LA_USER, "analyst": ANALYST}
STRENGTHENED_LABEL = MEASURES["caseload_median"].label
CASELOAD = MEASURES["caseload_fte"]


@pytest.fixture(scope="module")
def marked_home(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A WORKFORCE_HOME whose serving copy is the demo's with the returns-based caseloads marked (+100)."""
    home = tmp_path_factory.mktemp("overview_profile") / "home"
    (home / "warehouse").mkdir(parents=True)
    target = home / "warehouse" / "serving.duckdb"
    shutil.copyfile(demo_home / "warehouse" / "serving.duckdb", target)
    with duckdb.connect(str(target)) as con:
        con.execute("update marts.benchmarks set value = value + $mark "
                    "where source = 'returns' and measure = 'caseload_fte'", {"mark": MARK})
    return home


@pytest.fixture
def serving(marked_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WORKFORCE_HOME", str(marked_home))
    monkeypatch.delenv("WORKFORCE_USERS_FILE", raising=False)
    return Settings.from_env().serving


def sql(path: Path, text: str, params: list | None = None) -> pd.DataFrame:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(text, params or []).df()


def one(path: Path, text: str, params: list | None = None) -> object:
    frame = sql(path, text, params)
    assert len(frame) == 1, frame
    return frame.iloc[0, 0]


def half_up(value: float, decimals: int = 1) -> str:
    """The value as the dashboard writes it, rounded half up by hand (Decimal), with thousands separators."""
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return f"{rounded:,.{decimals}f}"


def resolved(viewer: Viewer, path: Path) -> Viewer:
    return data_access.resolve_viewer(viewer, path)


def north_east_las(path: Path) -> dict[str, str]:
    rows = sql(path, "select distinct old_la_code, la_name from marts.benchmarks where alliance_code = ?",
               [NORTH_EAST])
    return dict(zip(rows["old_la_code"], rows["la_name"], strict=True))


def open_overview(viewer: Viewer, region: str | None = None, year: int = YEAR):
    at = open_app(viewer)
    at.session_state[CHOSEN_YEAR] = year
    if region is not None:
        at.session_state[region_overview.CHOSEN_REGION] = region
    return open_page(viewer, "region_overview", at)


def open_profile(viewer: Viewer, la: str, year: int = YEAR):
    at = open_app(viewer)
    at.session_state[CHOSEN_LA] = la
    at.session_state[CHOSEN_YEAR] = year
    return open_page(viewer, "la_profile", at)


def rug_frame(at) -> pd.DataFrame:
    """The rug's table on the page (the first dataframe), indexed by LA name."""
    frame = at.dataframe[0].value
    assert region_overview.COL_LA in frame.columns
    return frame.set_index(region_overview.COL_LA)


def caseload_header() -> str:
    return region_overview.header(CASELOAD)


def every_cell(at) -> str:
    return "\n".join(d.value.to_csv(index=False) for d in at.dataframe)


# -------------------------------------------------------------------------------------------- region overview

def test_overview_public_sees_published_figures_and_no_submissions(serving: Path) -> None:
    at = open_overview(PUBLIC_VIEWER, NORTH_EAST)
    assert not at.exception
    rug = rug_frame(at)
    names = north_east_las(serving)
    assert sorted(rug.index) == sorted(names.values())
    published = one(serving, "select value from marts.benchmarks_published where old_la_code = ? and "
                    "time_period = ? and measure = 'caseload_fte'", [DURHAM, YEAR])
    band = one(serving, "select quartile_band from marts.benchmarks_published where old_la_code = ? and "
               "time_period = ? and measure = 'caseload_fte'", [DURHAM, YEAR])
    assert rug.loc["County Durham", caseload_header()] == f"{half_up(published)} ({band})"
    assert "116.6" not in every_cell(at)  # the marked returns value never reaches a public viewer
    assert set(rug[region_overview.COL_SOURCE]) == {"as published by DfE on Explore Education Statistics"}
    assert region_overview.header(MEASURES["caseload_median"]) not in rug.columns  # returns-only measure
    # no submission status for the public: no section, no table
    assert "Returns for" not in texts(at)
    assert len(at.dataframe) == 2  # the rug table and the measure definitions
    assert "lower is better" in caseload_header()
    assert at.get("vega_lite_chart"), "the rug chart is drawn"


def test_overview_la_sees_alliance_from_returns_and_status_words_only(serving: Path) -> None:
    at = open_overview(LA_USER)  # starts on their alliance
    assert not at.exception
    assert at.selectbox(key=f"{region_overview.URL_PATH}.region").value == NORTH_EAST
    rug = rug_frame(at)
    returns = sql(serving, "select la_name, value, quartile_band from marts.benchmarks where alliance_code = ? "
                  "and time_period = ? and measure = 'caseload_fte'", [NORTH_EAST, YEAR])
    assert len(returns) == len(rug) == 12
    for row in returns.itertuples():
        assert row.value > MARK  # every North East LA's caseload comes from its (marked) return
        assert rug.loc[row.la_name, caseload_header()] == f"{half_up(row.value)} ({row.quartile_band})"
    assert set(rug[region_overview.COL_SOURCE]) == {"computed from the LA returns"}
    assert region_overview.header(MEASURES["caseload_median"]) in rug.columns

    status = at.dataframe[2].value.set_index(region_overview.COL_LA)
    assert len(status) == 12 and set(status["Return"]) <= {"Accepted", "Accepted with warnings"}
    # counts for their own LA only
    assert status["Errors"].notna().tolist() == [name == "County Durham" for name in status.index]
    assert status["Warnings"].notna().sum() == 1
    shown = every_cell(at) + texts(at)
    assert ".xml" not in shown and ".html" not in shown and "report" not in status.to_csv().lower()


def test_overview_la_other_region_is_published(serving: Path) -> None:
    at = open_overview(LA_USER, LONDON)
    assert not at.exception
    rug = rug_frame(at)
    assert set(rug[region_overview.COL_SOURCE]) == {"as published by DfE on Explore Education Statistics"}
    camden = one(serving, "select value from marts.benchmarks where old_la_code = ? and time_period = ? and "
                 "measure = 'caseload_fte'", [CAMDEN, YEAR])
    assert rug.loc["Camden", caseload_header()].startswith(half_up(camden))
    assert "not your alliance" in texts(at)
    assert "Returns for 2025 from your alliance" in texts(at)  # their own alliance's status still shown


def test_overview_analyst_sees_every_count(serving: Path) -> None:
    at = open_overview(ANALYST)
    assert not at.exception
    status = at.dataframe[2].value.set_index(region_overview.COL_LA)
    expected = sql(serving, "select la_name, sum(warning_count) as warning_count from marts.submissions "
                   "where time_period = ? and not superseded and status <> 'rejected' and old_la_code is not null "
                   "group by la_name", [YEAR])  # an LA's census XML and workbook together
    assert {k: int(v) for k, v in status["Warnings"].items()} == dict(
        zip(expected["la_name"], expected["warning_count"].astype(int), strict=True))
    assert "12 of 12 LAs have sent a return for 2025" in texts(at)
    kinds = sql(serving, "select string_agg(distinct return_type, ',') as kinds from marts.submissions "
                "where time_period = ? and old_la_code = ? and not superseded", [YEAR, DURHAM])["kinds"].iloc[0]
    expected_words = ", ".join(sorted({"csww_xml": "census XML", "workbook": "workbook"}[k] for k in kinds.split(",")))
    assert status.loc["County Durham", "What arrived"] == expected_words


def test_quartile_band_rederived_from_national_values(serving: Path) -> None:
    # County Durham's published caseload band, worked out again from every LA's published value:
    # percent_rank = (rank - 1) / (n - 1) with ties sharing the lowest rank; A < .25, B < .5, C < .75, D
    values = sql(serving, "select old_la_code, value from marts.benchmarks_published where time_period = ? "
                 "and measure = 'caseload_fte' and value is not null", [YEAR])
    mine = float(values.loc[values["old_la_code"] == DURHAM, "value"].iloc[0])
    rank = int((values["value"] < mine).sum()) + 1
    percent = (rank - 1) / (len(values) - 1)
    band = "A" if percent < 0.25 else "B" if percent < 0.5 else "C" if percent < 0.75 else "D"
    rows = data_access.region_overview(PUBLIC_VIEWER, NORTH_EAST, YEAR, serving)
    durham = rows[(rows["old_la_code"] == DURHAM) & (rows["measure"] == "caseload_fte")].iloc[0]
    assert (durham["quartile_band"], int(durham["national_rank"]), int(durham["las_ranked"])) == (
        band, rank, len(values))


def test_rug_cells_round_half_up_and_show_symbols() -> None:
    rows = pd.DataFrame([
        {"old_la_code": "1", "la_name": "Aa", "measure": "turnover_rate_fte", "value": 2.25, "status": None,
         "quartile_band": "A", "national_rank": 1, "las_ranked": 3, "region_value": 3.0, "england_value": 4.0,
         "source": "published", "polarity": "low"},
        {"old_la_code": "2", "la_name": "Bb", "measure": "turnover_rate_fte", "value": None, "status": "c",
         "quartile_band": None, "national_rank": None, "las_ranked": 3, "region_value": 3.0,
         "england_value": 4.0, "source": "published", "polarity": "low"},
        {"old_la_code": "1", "la_name": "Aa", "measure": "inpost_fte", "value": 9.0, "status": None,
         "quartile_band": None, "national_rank": None, "las_ranked": 0, "region_value": 3.0,
         "england_value": 4.0, "source": "published", "polarity": "none"},
    ])
    cells = region_overview.rug_cells(rows)
    assert list(cells["text"]) == ["2.3 (A)", "c"]  # half up (2.25 -> 2.3), the symbol, no band
    assert list(cells["band"]) == ["A", NO_BAND]
    assert cells["tooltip_rank"].iloc[0] == "1 of 3"
    table = region_overview.rug_table(cells)
    assert list(table.columns) == [region_overview.COL_LA, "Turnover rate (FTE) (lower is better)",
                                   region_overview.COL_SOURCE]  # no column for a measure without polarity


# ----------------------------------------------------------------------------------------------- downloads

@pytest.mark.parametrize("role", ["public", "la", "analyst"])
def test_rug_download_per_role(serving: Path, role: str) -> None:
    viewer = resolved(ROLES[role], serving)
    table = region_overview.rug_table(region_overview.rug_cells(
        data_access.region_overview(viewer, NORTH_EAST, YEAR, serving))).set_index(region_overview.COL_LA)
    expected_table = "benchmarks_published" if role == "public" else "benchmarks"
    expected = sql(serving, f"select la_name, value from marts.{expected_table} where alliance_code = ? and "
                   "time_period = ? and measure = 'caseload_fte'", [NORTH_EAST, YEAR])
    for row in expected.itertuples():
        assert table.loc[row.la_name, caseload_header()].startswith(half_up(row.value) + " (")
        assert (row.value > MARK) == (role != "public")
    strengthened = region_overview.header(MEASURES["case_holders_over_limit_pct"])
    assert (strengthened in table.columns) == (role != "public")


@pytest.mark.parametrize("role", ["public", "la", "analyst"])
def test_status_download_per_role(serving: Path, role: str) -> None:
    viewer = resolved(ROLES[role], serving)
    status = data_access.submission_status(viewer, YEAR, serving)
    table = region_overview.status_table(status, viewer)
    if role == "public":
        assert status.empty and table.empty
        return
    assert set(status.columns) == {"old_la_code", "la_name", "status", "returns", "received", "errors",
                                   "warnings"}  # no file names, checksums or report paths
    with_counts = set(table.loc[table["Errors"].notna(), region_overview.COL_LA])
    assert with_counts == ({"County Durham"} if role == "la" else set(north_east_las(serving).values()))


def test_status_not_received_and_rejected() -> None:
    rows = pd.DataFrame([
        {"old_la_code": "1", "la_name": "Aa", "return_type": None, "status": None, "arrived_at": None,
         "error_count": None, "warning_count": None},
        {"old_la_code": "2", "la_name": "Bb", "return_type": "csww_xml", "status": "rejected",
         "arrived_at": pd.Timestamp("2025-10-20 10:00"), "error_count": 5, "warning_count": 0},
        {"old_la_code": "3", "la_name": "Cc", "return_type": "csww_xml", "status": "rows_rejected",
         "arrived_at": pd.Timestamp("2025-10-21 10:00"), "error_count": 2, "warning_count": 1},
        {"old_la_code": "3", "la_name": "Cc", "return_type": "workbook", "status": "accepted",
         "arrived_at": pd.Timestamp("2025-10-22 10:00"), "error_count": 0, "warning_count": 0},
    ])
    la = Viewer("x", "X", Role.LA, la_code="3", alliance_code="R", alliance_las=frozenset({"1", "2", "3"}))
    status = submission_rows._summarise_submissions(la, rows, ["old_la_code", "la_name", "status", "returns",
                                                               "received", "errors", "warnings"])
    assert pd.isna(status["status"].iloc[0])  # nothing received
    assert list(status["status"].iloc[1:]) == ["rejected", "rows_rejected"]  # codes: the page words them
    assert status["returns"].iloc[2] == ("csww_xml", "workbook")
    assert str(status["received"].iloc[2]) == "2025-10-22"
    assert pd.isna(status["errors"].iloc[1]) and status["errors"].iloc[2] == 2  # not their LA: no count
    table = region_overview.status_table(status, la)
    assert list(table["Return"]) == ["No return received", "Rejected: nothing loaded", "Some rows rejected"]
    assert list(table["What arrived"]) == ["", "", "census XML, workbook"]


# ------------------------------------------------------------------------------------------------- LA profile

def profile_frame(at) -> pd.DataFrame:
    frame = at.dataframe[0].value
    assert la_profile.COL_MEASURE in frame.columns
    return frame.set_index(la_profile.COL_MEASURE)


def test_profile_public_is_published(serving: Path) -> None:
    at = open_profile(PUBLIC_VIEWER, DURHAM)
    assert not at.exception
    table = profile_frame(at)
    row = sql(serving, "select * from marts.benchmarks_published where old_la_code = ? and time_period = ? "
              "and measure = 'caseload_fte'", [DURHAM, YEAR]).iloc[0]
    ranked = one(serving, "select count(national_rank) from marts.benchmarks_published where time_period = ? "
                 "and measure = 'caseload_fte'", [YEAR])
    caseload = table.loc[CASELOAD.label]
    assert caseload["LA"] == half_up(row["value"])
    assert caseload["Region"] == half_up(row["region_value"])
    assert caseload["England"] == half_up(row["england_value"])
    assert caseload["Statistical neighbours (median)"] == f"{half_up(row['sn_median'])} ({row['sn_count']} neighbours)"
    assert caseload["National rank"] == f"{row['national_rank']} of {ranked}"
    assert caseload["Quartile band"].startswith(row["quartile_band"])
    assert caseload["What it measures"] == CASELOAD.description
    assert caseload["Which way is better"] == "lower is better"
    assert STRENGTHENED_LABEL not in table.index  # not published: listed as without figures
    assert STRENGTHENED_LABEL in texts(at)
    assert "116.6" not in every_cell(at)
    trends = at.dataframe[1].value
    assert sorted(trends["Census year"].unique()) == list(range(2017, YEAR + 1))


def test_profile_la_own_la_from_returns_with_caseload_warning(serving: Path) -> None:
    at = open_profile(LA_USER, DURHAM)
    assert not at.exception
    table = profile_frame(at)
    row = sql(serving, "select * from marts.benchmarks where old_la_code = ? and time_period = ? "
              "and measure = 'caseload_fte'", [DURHAM, YEAR]).iloc[0]
    assert row["source"] == "returns" and table.loc[CASELOAD.label, "LA"] == half_up(row["value"])
    over = one(serving, "select value from marts.benchmarks where old_la_code = ? and time_period = ? "
               "and measure = 'case_holders_over_limit_pct'", [DURHAM, YEAR])
    assert table.loc[MEASURES["case_holders_over_limit_pct"].label, "LA"] == half_up(over)
    assert any(f"{half_up(over)}% of case holders hold more cases than their safe limit" in w.value
               for w in at.warning)
    change = row["change_from_previous"]
    assert table.loc[CASELOAD.label, "Change from last year"].startswith(
        ("+" if change > 0 else "") + half_up(change) + " cases per FTE")
    assert "County Durham" in at.dataframe[1].value.columns  # the trend table names the LA


def test_profile_la_outside_alliance_is_published(serving: Path) -> None:
    viewer = resolved(LA_USER, serving)
    rows = data_access.la_profile(viewer, CAMDEN, YEAR, serving)
    assert not rows.empty and set(rows["source"]) == {"published"}
    at = open_profile(LA_USER, CAMDEN)
    assert not at.exception
    published = one(serving, "select value from marts.benchmarks where old_la_code = ? and time_period = ? "
                    "and measure = 'caseload_fte'", [CAMDEN, YEAR])
    assert profile_frame(at).loc[CASELOAD.label, "LA"] == half_up(published)


def test_profile_analyst_any_alliance_la(serving: Path) -> None:
    at = open_profile(ANALYST, "390")
    assert not at.exception
    value = one(serving, "select value from marts.benchmarks where old_la_code = '390' and time_period = ? "
                "and measure = 'caseload_fte'", [YEAR])
    assert value > MARK and profile_frame(at).loc[CASELOAD.label, "LA"] == half_up(value)


@pytest.mark.parametrize("role", ["public", "la", "analyst"])
def test_profile_downloads_per_role(serving: Path, role: str) -> None:
    viewer = resolved(ROLES[role], serving)
    rows = data_access.la_profile(viewer, DURHAM, YEAR, serving)
    table = la_profile.profile_table(rows, YEAR).set_index(la_profile.COL_MEASURE)
    trends = la_profile.trend_table(rows, [CASELOAD], "County Durham", "North East")
    mart = "benchmarks_published" if role == "public" else "benchmarks"
    history = sql(serving, f"select time_period, value from marts.{mart} where old_la_code = ? and "
                  "measure = 'caseload_fte' and value is not null order by time_period", [DURHAM])
    assert table.loc[CASELOAD.label, "LA"] == half_up(history["value"].iloc[-1])
    assert list(trends["Census year"]) == list(history["time_period"])
    assert [half_up(v) for v in trends["County Durham"]] == [half_up(v) for v in history["value"]]
    assert (STRENGTHENED_LABEL in table.index) == (role != "public")
    assert set(rows["source"]) == ({"published"} if role == "public" else {"published", "returns"})
