"""The Dagster definitions load, and the asset graph is wired the way the design says."""

from __future__ import annotations

import pytest
from dagster import AssetKey

from orchestration.cli import ensure_dbt_manifest


@pytest.fixture(scope="module")
def defs():
    ensure_dbt_manifest()
    from orchestration.definitions import defs

    return defs


def test_definitions_load(defs):
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert {"raw/csww_workers", "raw/csww_la_level", "raw/submissions", "raw/validation_issues"} <= keys
    assert "marts/workforce_indicators" in keys
    assert "serving/serving_copy" in keys


def test_dbt_sources_are_the_ingest_assets(defs):
    graph = defs.resolve_asset_graph()
    upstream = graph.get(AssetKey(["staging", "stg_csww__workers"])).parent_keys
    assert AssetKey(["raw", "csww_workers"]) in upstream


def test_dbt_tests_are_asset_checks(defs):
    graph = defs.resolve_asset_graph()
    checks = [key for key in graph.asset_check_keys if key.asset_key == AssetKey(["marts", "workforce_indicators"])]
    assert len(checks) >= 3


def test_publish_depends_on_the_marts(defs):
    graph = defs.resolve_asset_graph()
    ancestors = graph.get(AssetKey(["serving", "serving_copy"])).parent_keys
    assert AssetKey(["marts", "workforce_indicators"]) in ancestors
