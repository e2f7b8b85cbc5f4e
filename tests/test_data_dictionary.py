"""The data dictionary is generated from dbt's docs, covers every mart column, and is up to date."""

from __future__ import annotations

import json

import pytest

from orchestration.cli.runner import ensure_dbt_manifest
from pipeline.data_dictionary import OUTPUT, field, render
from reference.paths import DBT_PROJECT_DIR

BANDED_LOW = ["turnover_rate_fte", "agency_rate_fte", "vacancy_rate_fte", "absence_rate_fte", "caseload_fte",
              "caseload_median", "case_holders_over_limit_pct"]


@pytest.fixture(scope="module")
def manifest() -> dict:
    ensure_dbt_manifest()
    return json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text())


def mart(manifest: dict, name: str) -> dict:
    return next(n for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["name"] == name)


def test_every_mart_column_is_described(manifest):
    for name in ("workforce_indicators", "benchmarks", "submissions", "validation_issues"):
        columns = mart(manifest, name)["columns"]
        assert columns, name
        undocumented = [c for c, meta in columns.items() if len(meta.get("description", "").strip()) < 10]
        assert undocumented == [], (name, undocumented)


def test_measures_state_unit_and_polarity(manifest):
    columns = mart(manifest, "workforce_indicators")["columns"]
    for column in BANDED_LOW:
        text = columns[column]["description"]
        assert field(text, "Unit"), column
        assert field(text, "Polarity") == "low is good", column
    assert field(columns["case_holding_share_fte"]["description"], "Polarity") == "high is good"
    assert field(columns["caseload_median"]["description"], "Gap")


def test_committed_dictionary_is_current(manifest):
    assert OUTPUT.read_text(encoding="utf-8") == render(manifest), "run `make docs` and commit docs/data_dictionary.md"
