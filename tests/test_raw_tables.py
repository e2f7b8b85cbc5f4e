"""One list of raw tables (pipeline/warehouse.py RAW_TABLES): dbt's sources declare exactly those tables, with
columns the tables have, and the Dagster layer makes one asset of each."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from pipeline.warehouse import EVERY_RETURN_TABLES, RAW_SCHEMA, RAW_TABLES, RETURN_TABLES, TABLES_OF_RETURN_TYPE
from reference.paths import DBT_PROJECT_DIR


def declared_sources(models_dir: Path = DBT_PROJECT_DIR / "models") -> dict[str, list[str]]:
    """Every table a dbt source in schema ``raw`` declares (in any YAML file under models/, wherever the YAML
    files are laid out), with the columns it lists; a table declared twice appears twice in its list."""
    tables: dict[str, list[list[str]]] = {}
    for path in sorted(models_dir.rglob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for source in document.get("sources") or []:
            if source.get("schema", source["name"]) != RAW_SCHEMA:
                continue
            for table in source.get("tables") or []:
                name = table.get("identifier", table["name"])
                tables.setdefault(name, []).append([c["name"] for c in table.get("columns") or []])
    return tables


def ddl_columns(table: str) -> list[str]:
    """The column names of a raw table's DDL (RAW_TABLES), comments left out."""
    lines = (line.split("--")[0].strip() for line in RAW_TABLES[table].splitlines())
    return [re.split(r"\s+", line)[0] for line in lines if line]


def test_dbt_sources_declare_exactly_the_raw_tables() -> None:
    sources = declared_sources()
    assert sorted(sources) == sorted(RAW_TABLES)
    assert all(len(declarations) == 1 for declarations in sources.values()), "a raw table declared twice"


def test_every_column_a_source_names_is_a_column_of_the_raw_table() -> None:
    for table, [columns] in declared_sources().items():
        assert set(columns) <= set(ddl_columns(table)), table


def test_the_check_reads_any_layout_of_yaml_files(tmp_path: Path) -> None:
    """Sources split over several files and folders are found; a table left out or added is seen."""
    (tmp_path / "staging" / "a").mkdir(parents=True)
    tables = sorted(RAW_TABLES)
    (tmp_path / "staging" / "a" / "_a__sources.yml").write_text(yaml.safe_dump(
        {"version": 2, "sources": [{"name": "raw", "tables": [{"name": t} for t in tables[:3]]}]}))
    (tmp_path / "staging" / "b.yml").write_text(yaml.safe_dump(
        {"version": 2, "sources": [{"name": "raw_b", "schema": "raw", "tables": [{"name": t} for t in tables[3:-1]]},
                                   {"name": "other", "schema": "main", "tables": [{"name": "not_raw"}]}]}))
    found = declared_sources(tmp_path)
    assert sorted(found) == tables[:-1] and "not_raw" not in found


def test_the_kinds_of_file_cover_the_raw_tables() -> None:
    """Each raw table is written by one kind of file, or by every file (submissions and issues)."""
    kinds = [t for tables in TABLES_OF_RETURN_TYPE.values() for t in tables]
    assert len(kinds) == len(set(kinds))
    assert sorted([*kinds, *EVERY_RETURN_TABLES]) == sorted(RAW_TABLES)
    assert set(RETURN_TABLES) == set(RAW_TABLES) - set(TABLES_OF_RETURN_TYPE["ees_csv"])


def test_the_dagster_layer_has_one_asset_per_raw_table() -> None:
    from dagster import AssetKey

    from orchestration.assets.ingest import PUBLISHED, RETURN_SPECS
    from orchestration.jobs import RAW_ASSETS

    assert [spec.key for spec in RETURN_SPECS] == [AssetKey(["raw", t]) for t in RETURN_TABLES]
    assert {AssetKey(a) for a in RAW_ASSETS} == {spec.key for spec in RETURN_SPECS} | {PUBLISHED}
