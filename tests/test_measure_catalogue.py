"""The measure catalogue (seeds/reference/measure_catalogue.csv) is the one place a measure's facts are written:
dbt's generated copy is fresh, the readers (dashboard, EES export) take it as it is, and a built warehouse has
exactly the catalogue's measures with the catalogue's polarity."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from dashboards.measures import MEASURES, NATIONAL_MEASURES, STRENGTHENED_MEASURES
from pipeline.disclosure import EES_MEASURES, GEOGRAPHY_TIME_OUTPUT, ees_measure
from reference import catalogue
from reference.catalogue import CATALOGUE_FILE, DBT_MACRO_FILE, CatalogueError, Polarity, Unit, load_catalogue

MART = "workforce_indicators"


def test_dbt_copy_is_generated_from_the_catalogue() -> None:
    """dbt_project/macros/measure_catalogue.sql is what `python -m reference.catalogue --write-dbt` writes now:
    a catalogue edited without `make prepare` fails here."""
    assert DBT_MACRO_FILE.read_text(encoding="utf-8") == catalogue.dbt_macro(catalogue.catalogue())
    assert catalogue.main(["--check-dbt"]) == 0


def test_a_stale_dbt_copy_is_caught(tmp_path: Path, monkeypatch) -> None:
    stale = tmp_path / "measure_catalogue.sql"
    stale.write_text(DBT_MACRO_FILE.read_text(encoding="utf-8").replace("'polarity': 'high'", "'polarity': 'low'"))
    monkeypatch.setattr(catalogue, "DBT_MACRO_FILE", stale)
    assert catalogue.main(["--check-dbt"]) == 1
    assert catalogue.main(["--write-dbt"]) == 0 and catalogue.main(["--check-dbt"]) == 0


def test_the_catalogue_holds_each_fact_once_and_consistently() -> None:
    measures = catalogue.catalogue()
    columns = [m.column for m in measures]
    assert len(columns) == len(set(columns)) == 41
    for m in measures:
        assert m.label and m.description and m.grouping, m.column
        assert m.decimals == (0 if m.unit in (Unit.PEOPLE, Unit.CASES, Unit.RECORDS, Unit.LOCAL_AUTHORITIES) else 1)
        if m.polarity is not Polarity.NONE:  # banded and ranked: only a measure of marts.benchmarks
            assert m.benchmarked and m.mart, m.column
        if m.family == "strengthened":
            assert m.adds, m.column
        if m.read_beside:
            assert catalogue.by_column()[m.read_beside].family == "national", m.column
        for alternative in m.guard:  # guards are sums of counts of people
            assert all(c.endswith(("_headcount", "_count", "_case_holders")) for c in alternative), m.column
    # the benchmarked measures, in dbt's macro, with the polarity of definitions.md
    polarity = {m.column: m.polarity.value for m in measures if m.benchmarked}
    assert len(polarity) == 21 and polarity["case_holding_share_fte"] == "high"
    assert {c for c, p in polarity.items() if p == "low"} >= {"turnover_rate_fte", "caseload_fte", "caseload_median"}


def test_the_dashboard_and_the_export_read_the_catalogue() -> None:
    rows = {r["measure"]: r for r in csv.DictReader(CATALOGUE_FILE.open(encoding="utf-8"))}
    assert [m.column for m in NATIONAL_MEASURES] == [c for c, r in rows.items() if r["family"] == "national"]
    assert [m.column for m in STRENGTHENED_MEASURES] == [c for c, r in rows.items() if r["family"] == "strengthened"]
    for column, m in MEASURES.items():
        row = rows[column]
        assert (m.label, m.unit.value, str(m.decimals), m.grouping, m.polarity.value, m.description) == (
            row["label"], row["unit"], row["decimals"], row["grouping"], row["polarity"], row["description"])
    for e in EES_MEASURES:
        row = rows[e.column]
        assert row["exported"] == "true"
        assert (e.label, e.unit, str(e.dp), e.grouping) == (
            row["ees_label"] or row["label"], "%" if row["unit"] == "%" else "", row["decimals"], row["grouping"])
        assert "|".join("+".join(alt) for alt in e.guard) == row["guard"]
    assert {c for c, r in rows.items() if r["exported"] == "false"} == {"fte_missing_records"}
    assert ees_measure("caseload_median") is next(e for e in EES_MEASURES if e.column == "caseload_median")


def test_a_malformed_row_names_the_file_row_and_column(tmp_path: Path) -> None:
    text = CATALOGUE_FILE.read_text(encoding="utf-8")
    broken = tmp_path / "catalogue.csv"
    broken.write_text(text.replace(",Turnover rate (FTE),Turnover rate (FTE) (%),%,1,low,",
                                   ",Turnover rate (FTE),Turnover rate (FTE) (%),%,1,lowish,"), encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"line 8, column polarity: 'lowish'"):
        load_catalogue(broken)
    doubled = tmp_path / "doubled.csv"
    doubled.write_text(text + text.splitlines()[1] + "\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="inpost_fte is listed twice"):
        load_catalogue(doubled)


# --- against a built warehouse ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def serving(demo_home: Path):
    con = duckdb.connect(str(demo_home / "warehouse" / "serving.duckdb"), read_only=True)
    yield con
    con.close()


def mart_measure_columns(con, table: str) -> set[str]:
    """The measure columns of a mart: the numeric columns that are not geography, time or a status."""
    rows = con.execute("select column_name, data_type from information_schema.columns "
                       "where table_schema = 'marts' and table_name = ?", [table]).fetchall()
    numeric = {"DOUBLE", "INTEGER", "BIGINT", "HUGEINT", "DECIMAL", "FLOAT"}
    return {name for name, kind in rows if kind.split("(")[0] in numeric and name not in GEOGRAPHY_TIME_OUTPUT
            and not name.endswith("_status")}


def test_the_mart_has_exactly_the_catalogues_measures(serving) -> None:
    assert mart_measure_columns(serving, MART) == set(catalogue.by_column(MART))
    # a guard count with no mart yet is in no mart (give it its mart when one gets it)
    unplaced = {m.column for m in catalogue.catalogue() if not m.mart}
    assert unplaced == {"case_holders_count", "first_year_case_holders"}
    assert not unplaced & mart_measure_columns(serving, MART)


def test_dbt_benchmarks_the_catalogues_measures_with_its_polarity(serving) -> None:
    built = dict(serving.execute("select distinct measure, polarity from marts.benchmarks").fetchall())
    assert built == {m.column: m.polarity.value for m in catalogue.catalogue() if m.benchmarked}
    published = dict(serving.execute("select distinct measure, polarity from marts.benchmarks_published").fetchall())
    assert published == built


def test_the_seed_dbt_loaded_is_the_catalogue(demo_home: Path) -> None:
    con = duckdb.connect(str(demo_home / "warehouse" / "warehouse.duckdb"), read_only=True)
    try:
        loaded = con.execute("select measure, coalesce(mart, ''), polarity, benchmarked, exported "
                             "from main.measure_catalogue").fetchall()
    finally:
        con.close()
    assert loaded == [(m.column, m.mart, m.polarity.value, m.benchmarked, m.exported) for m in catalogue.catalogue()]
