"""The Workforce page (dashboards/views/workforce.py) for every role, and the tables it offers for download.

Page tests run the real app (AppTest) on the serving copy of a real `workforce demo` (North East returns for 2024
and 2025, with their R2 workbooks, beside DfE's published figures) and check what is shown against the serving
copy read independently with duckdb. The pure functions (dashboards/workforce_figures.py) are checked on small
hand-made frames where every answer is worked out by hand.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboards import data_access
from dashboards.views.common import CHOSEN_LA, CHOSEN_YEAR
from dashboards.views.workforce import PUBLISHED_HAS_NO_NON_SW, scoped_rows
from dashboards.workforce_figures import (
    COL_ENGLAND,
    COL_LA,
    COL_MEASURE,
    COL_REGION,
    COL_SOURCE,
    COL_YEAR,
    COMPOSITION_TOTAL,
    composition_chart_data,
    composition_table,
    pick_series,
    rates_table,
    section_measures,
    workforce_table,
)
from pipeline.access.roles import PUBLIC_VIEWER, Role, Viewer
from tests.dashboard_apptest import open_app, open_page, texts

NORTH_EAST = "E12000001"
NEWCASTLE = "391"
YEAR = 2025
LA_USER = Viewer("newcastle", "Newcastle director", Role.LA, la_code=NEWCASTLE)
ANALYST = Viewer("ne", "North East analyst", Role.ANALYST, alliance_code=NORTH_EAST)
PARTS = ("Social workers in post (FTE)", "Agency social workers (FTE)", "Vacant social worker posts (FTE)",
         "Non-social-worker staff (FTE)")


@pytest.fixture
def serving(demo_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WORKFORCE_HOME", str(demo_home))
    return demo_home / "warehouse" / "serving.duckdb"


def row(path: Path, where: str, params: list) -> dict:
    """One row of marts.workforce_indicators, read straight from the serving copy."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        frame = con.execute(f"select * from marts.workforce_indicators where {where}", params).df()
    finally:
        con.close()
    assert len(frame) == 1, (where, params, len(frame))
    return frame.iloc[0].to_dict()


def la_row(path: Path, code: str, source: str, year: int = YEAR) -> dict:
    return row(path, "geographic_level = 'Local authority' and old_la_code = ? and source = ? and time_period = ?",
               [code, source, year])


def region_row(path: Path, source: str, year: int = YEAR) -> dict:
    return row(path, "geographic_level = 'Regional' and region_code = ? and source = ? and time_period = ?",
               [NORTH_EAST, source, year])


def england_published(path: Path, year: int = YEAR) -> dict:
    return row(path, "geographic_level = 'National' and source = 'published' and time_period = ?", [year])


def dp(value: float, places: int = 1) -> str:
    """Rounded half up, with thousands separators, as a reader sees it."""
    quantum = Decimal(1).scaleb(-places)
    return f"{Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP):,}"


def rounded(value: float) -> float:
    return float(Decimal(repr(float(value))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def open_workforce(viewer: Viewer, la: str = NEWCASTLE, year: int = YEAR):
    at = open_app(viewer)
    at.session_state[CHOSEN_LA] = la
    at.session_state[CHOSEN_YEAR] = year
    at = open_page(viewer, "workforce", at)
    assert not at.exception, [e.value for e in at.exception]
    return at


def table_of(at) -> pd.DataFrame:
    frame = at.dataframe[0].value
    assert COL_MEASURE in frame.columns
    return frame.set_index(COL_MEASURE)


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def charts(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


def chart_titles(at) -> list[str]:
    titles = []
    for spec in charts(at):
        title = spec.get("title")
        titles.append(title.get("text") if isinstance(title, dict) else str(title))
    return titles


def is_one_decimal(value: object) -> bool:
    return value is None or pd.isna(value) or abs(float(value) * 10 - round(float(value) * 10)) < 1e-9


# --- the page, per role ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("viewer", [LA_USER, ANALYST], ids=["la", "analyst"])
def test_alliance_viewers_see_the_returns_beside_region_and_england(serving: Path, viewer: Viewer) -> None:
    at = open_workforce(viewer)
    la, region, england = la_row(serving, NEWCASTLE, "returns"), region_row(serving, "returns"), \
        england_published(serving)
    table = table_of(at)
    for column, label in (("inpost_fte", "Social workers in post (FTE)"), ("agency_fte", "Agency social workers (FTE)"),
                          ("vacancy_rate_fte", "Vacancy rate (FTE)"), ("absence_rate_fte", "Sickness absence rate")):
        assert table.loc[label, COL_LA] == dp(la[column]), label
        assert table.loc[label, COL_REGION] == dp(region[column]), label
        assert table.loc[label, COL_ENGLAND] == dp(england[column]), label
    # the non-social-worker workforce, from the LA's R2 workbook: England's published figures have none
    assert table.loc["Non-social-worker staff (FTE)", COL_LA] == dp(la["non_sw_fte"])
    assert table.loc["Non-social-worker staff (FTE)", COL_REGION] == dp(region["non_sw_fte"])
    assert table.loc["Non-social-worker staff (FTE)", COL_ENGLAND] == "not available (x)"
    assert table.loc["Children's social care workforce (FTE)", COL_LA] == dp(la["total_workforce_fte"])
    change = la["turnover_rate_fte"] - la_row(serving, NEWCASTLE, "returns", 2024)["turnover_rate_fte"]
    assert table.loc["Turnover rate (FTE)", "LA change from last year"] == f"{float(dp(change)):+.1f} pp"
    assert metric(at, "Social workers in post (FTE)") == dp(la["inpost_fte"])
    assert metric(at, "Turnover rate (FTE)") == f"{dp(la['turnover_rate_fte'])}%"
    assert metric(at, "Non-social-worker staff (FTE)") == dp(la["non_sw_fte"])
    shown = texts(at)
    assert "Newcastle upon Tyne: computed from the LA returns" in shown
    assert "England: as published by DfE" in shown
    assert PUBLISHED_HAS_NO_NON_SW not in shown
    assert all(table[c].notna().all() for c in ("Definition", "Unit"))


def test_composition_adds_up_to_its_parts(serving: Path) -> None:
    at = open_workforce(LA_USER)
    composition = at.dataframe[1].value.set_index(COL_YEAR)
    assert list(composition.index) == list(range(2017, 2026))  # every census year up to the chosen one
    for year in (2024, 2025):
        la = la_row(serving, NEWCASTLE, "returns", year)
        parts = [rounded(la[c]) for c in ("inpost_fte", "agency_fte", "vacancy_fte", "non_sw_fte")]
        assert composition.loc[year, list(PARTS)].tolist() == parts
        assert composition.loc[year, COMPOSITION_TOTAL] == pytest.approx(sum(parts), abs=1e-9)
        assert composition.loc[year, COL_SOURCE] == "the LA's returns"
    published_2023 = la_row(serving, NEWCASTLE, "published", 2023)
    assert composition.loc[2023, PARTS[0]] == rounded(published_2023["inpost_fte"])
    assert pd.isna(composition.loc[2023, PARTS[3]])  # DfE publishes no non-social-worker figures
    assert composition.loc[2023, COMPOSITION_TOTAL] == pytest.approx(
        sum(rounded(published_2023[c]) for c in ("inpost_fte", "agency_fte", "vacancy_fte")), abs=1e-9)
    assert composition.loc[2023, COL_SOURCE] == "DfE's published statistics"
    titles = chart_titles(at)
    assert len(titles) == 5 and "Newcastle upon Tyne: workforce by kind (FTE)" in titles
    assert {"Turnover rate (FTE)", "Agency rate (FTE)", "Vacancy rate (FTE)", "Sickness absence rate"} <= set(titles)


def test_rates_over_time_against_region_and_england(serving: Path) -> None:
    at = open_workforce(ANALYST)
    rates = at.dataframe[2].value
    assert list(rates.columns) == ["Measure", COL_YEAR, "Newcastle upon Tyne", "North East", "England"]
    turnover = rates[rates["Measure"] == "Turnover rate (FTE)"].set_index(COL_YEAR)
    assert turnover.loc[2025, "Newcastle upon Tyne"] == rounded(la_row(serving, NEWCASTLE, "returns")[
        "turnover_rate_fte"])
    assert turnover.loc[2025, "North East"] == rounded(region_row(serving, "returns")["turnover_rate_fte"])
    assert turnover.loc[2019, "North East"] == rounded(region_row(serving, "published", 2019)["turnover_rate_fte"])
    assert turnover.loc[2025, "England"] == rounded(england_published(serving)["turnover_rate_fte"])


def test_public_sees_published_figures_only_and_is_told_why_non_social_workers_are_missing(serving: Path) -> None:
    at = open_workforce(PUBLIC_VIEWER)
    published = la_row(serving, NEWCASTLE, "published")
    returns = la_row(serving, NEWCASTLE, "returns")
    table = table_of(at)
    assert table.loc["Social workers in post (FTE)", COL_LA] == dp(published["inpost_fte"])
    assert table.loc["Social workers in post (headcount)", COL_LA] == dp(published["inpost_headcount"], 0)
    assert table.loc["Social workers in post (FTE)", COL_REGION] == dp(region_row(serving, "published")["inpost_fte"])
    for label in ("Non-social-worker staff (FTE)", "Children's social care workforce (FTE)",
                  "Non-social-worker FTE per case holder FTE", "Social workers absent at 30 September (FTE)"):
        assert table.loc[label, COL_LA] == "not available (x)", label
    assert metric(at, "Non-social-worker staff (FTE)") == "not available (x)"
    assert PUBLISHED_HAS_NO_NON_SW in texts(at)
    assert "computed from the LA returns" not in texts(at)
    composition = at.dataframe[1].value
    assert set(composition[COL_SOURCE]) == {"DfE's published statistics"}
    assert list(composition.columns) == [COL_YEAR, *PARTS[:3], COMPOSITION_TOTAL, COL_SOURCE]  # no non-SW column
    # the returns' non-social-worker figure is nowhere on the page
    everything = "\n".join(d.value.to_csv() for d in at.dataframe) + texts(at)
    assert dp(returns["non_sw_fte"]) not in everything


def test_la_user_gets_an_la_outside_the_alliance_from_published_figures(serving: Path) -> None:
    con = duckdb.connect(str(serving), read_only=True)
    try:
        outside = con.execute("""select old_la_code from marts.workforce_indicators
                                 where geographic_level = 'Local authority' and time_period = ? and old_la_code
                                 not in (select old_la_code from marts.benchmarks where alliance_code = ?)
                                 order by old_la_code limit 1""", [YEAR, NORTH_EAST]).fetchone()[0]
    finally:
        con.close()
    at = open_workforce(LA_USER, la=outside)
    assert PUBLISHED_HAS_NO_NON_SW in texts(at)
    assert set(at.dataframe[1].value[COL_SOURCE]) == {"DfE's published statistics"}
    assert table_of(at).loc["Social workers in post (FTE)", COL_LA] == dp(la_row(serving, outside, "published")[
        "inpost_fte"])


# --- the download tables, built on each role's scoped rows ----------------------------------------------------

def tables_for(viewer: Viewer, la: str = NEWCASTLE) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """What the page builds its downloads from: the scoped rows, the chosen series and the three tables."""
    viewer = data_access.resolve_viewer(viewer)
    series = pick_series(scoped_rows(viewer, la, YEAR), la)
    columns = data_access.indicator_columns()
    names = {"LA": "LA", "Region": "Region", "England": "England"}
    return series, {
        "workforce": workforce_table(series, YEAR, section_measures(columns)),
        "composition": composition_table(series, columns),
        "rates": rates_table(series, names, columns),
    }


def test_public_downloads_hold_published_rounded_figures_only(serving: Path) -> None:
    series, tables = tables_for(PUBLIC_VIEWER)
    assert set(series["source"]) == {"published"}
    assert series["non_sw_fte"].isna().all()
    for name in ("composition", "rates"):
        numbers = tables[name].select_dtypes("number").drop(columns=[COL_YEAR])
        assert all(is_one_decimal(v) for v in numbers.to_numpy().ravel()), name
    workforce = tables["workforce"].set_index(COL_MEASURE)
    assert workforce.loc["Non-social-worker staff (FTE)", COL_LA] == "not available (x)"
    returns = la_row(serving, NEWCASTLE, "returns")
    csv_text = "".join(t.to_csv(index=False) for t in tables.values())
    assert dp(returns["non_sw_fte"]) not in csv_text and dp(returns["effective_capacity_fte"]) not in csv_text


def test_la_and_analyst_downloads_hold_only_rows_their_role_allows(serving: Path) -> None:
    for viewer in (LA_USER, ANALYST):
        series, tables = tables_for(viewer)
        la = series[series["series"] == "LA"].set_index("time_period")
        assert la.loc[2025, "source"] == "returns" and la.loc[2023, "source"] == "published"
        composition = tables["composition"].set_index(COL_YEAR)
        assert composition.loc[2025, "Non-social-worker staff (FTE)"] == rounded(
            la_row(serving, NEWCASTLE, "returns")["non_sw_fte"])
    # outside the alliance: published only, for the la user and the analyst alike
    for viewer in (LA_USER, ANALYST):
        series, tables = tables_for(viewer, la="202")
        assert set(series["source"]) == {"published"}
        assert "Non-social-worker staff (FTE)" not in tables["composition"].columns
        scoped = scoped_rows(data_access.resolve_viewer(viewer), "202", YEAR)
        la_returns = scoped[(scoped["source"] == "returns") & (scoped["geographic_level"] == "Local authority")]
        assert la_returns.empty


# --- the pure functions, on hand-made rows --------------------------------------------------------------------

def hand_rows() -> pd.DataFrame:
    base = {"inpost_fte": 100.0, "agency_fte": 10.0, "vacancy_fte": 5.0, "non_sw_fte": 30.04,
            "turnover_rate_fte": 12.25, "las_contributing": None, "las_expected": None, "la_name": None,
            "region_name": None, "old_la_code": None, "region_code": None}
    rows = []

    def add(level: str, source: str, year: int, **values: object) -> None:
        rows.append({**base, "geographic_level": level, "source": source, "time_period": year, **values})

    for year in (2024, 2025):
        add("Local authority", "published", year, old_la_code="202", region_code="E13000001", la_name="Camden",
            inpost_fte=90.0, non_sw_fte=None)
        add("Local authority", "returns", year, old_la_code="202", region_code="E13000001", la_name="Camden",
            inpost_fte=95.55)
        add("Regional", "published", year, region_code="E12000007", region_name="London", inpost_fte=5000.0)
        add("National", "published", year, inpost_fte=36000.0, non_sw_fte=None)
        add("National", "returns", year, inpost_fte=400.0, las_contributing=12 if year == 2024 else 151,
            las_expected=151)
    return pd.DataFrame(rows)


def test_pick_series_prefers_returns_uses_london_and_complete_england_returns_only() -> None:
    series = pick_series(hand_rows(), "202")
    la = series[series["series"] == "LA"].set_index("time_period")
    assert la["inpost_fte"].tolist() == [95.55, 95.55]  # returns beat published
    region = series[series["series"] == "Region"].set_index("time_period")
    assert region["region_name"].tolist() == ["London", "London"]  # Inner London LA -> London's row
    england = series[series["series"] == "England"].set_index("time_period")
    assert england.loc[2024, "inpost_fte"] == 36000.0  # 12 of 151 LAs: the published row
    assert england.loc[2025, "inpost_fte"] == 400.0  # every LA sent a return: the returns row
    assert list(series["series"].unique()) == ["LA", "Region", "England"]


def test_composition_by_hand() -> None:
    series = pick_series(hand_rows(), "202")
    table = composition_table(series, list(hand_rows().columns)).set_index(COL_YEAR)
    # 95.55 -> 95.6 (half up), 10.0, 5.0, 30.04 -> 30.0; total of the parts shown 140.6
    assert table.loc[2025, list(PARTS)].tolist() == [95.6, 10.0, 5.0, 30.0]
    assert table.loc[2025, COMPOSITION_TOTAL] == 140.6
    chart = composition_chart_data(table.reset_index())
    assert chart[chart["year"] == 2025]["fte"].sum() == pytest.approx(140.6)
    assert chart["part"].iloc[0] == "Social workers in post" and chart["order"].tolist()[:4] == [0, 1, 2, 3]


def test_workforce_table_change_from_last_year_and_symbols() -> None:
    rows = hand_rows()
    rows.loc[(rows["old_la_code"] == "202") & (rows["source"] == "returns") & (rows["time_period"] == 2025),
             "turnover_rate_fte"] = 14.0
    rows["non_sw_fte_status"] = None
    rows.loc[rows["geographic_level"] == "National", "non_sw_fte_status"] = "x"
    series = pick_series(rows, "202")
    table = workforce_table(series, 2025, section_measures(list(rows.columns))).set_index(COL_MEASURE)
    assert table.loc["Turnover rate (FTE)", "LA change from last year"] == "+1.8 pp"  # 14.0 - 12.25 = 1.75
    assert table.loc["Social workers in post (FTE)", COL_LA] == "95.6"
    assert table.loc["Social workers in post (FTE)", COL_REGION] == "5,000.0"
    assert table.loc["Non-social-worker staff (FTE)", COL_ENGLAND] == "not available (x)"
    assert table.loc["Non-social-worker staff (FTE)", "Topic"] == "Capacity and the wider workforce"
