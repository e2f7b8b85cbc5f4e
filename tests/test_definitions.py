"""The Dagster definitions load, and the asset graph is wired the way the design says."""

from __future__ import annotations

from datetime import datetime

import pytest
from dagster import AssetKey

from orchestration.cli.runner import ensure_dbt_manifest


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


def test_returns_are_partitioned_by_la_and_year(defs):
    graph = defs.resolve_asset_graph()
    partitions = graph.get(AssetKey(["raw", "csww_workers"])).partitions_def
    keys = partitions.get_partition_keys()
    assert "840|2025" in keys and "940 / 941|2024" in keys and "unknown|unknown" in keys
    # the warehouse is built from every partition: dbt models are not partitioned
    assert graph.get(AssetKey(["marts", "workforce_indicators"])).partitions_def is None


def test_jobs_and_inbox_sensor(defs):
    for name in ("ingest_return", "ingest_published", "build", "validate", "return_and_build"):
        assert defs.resolve_job_def(name) is not None
    assert defs.resolve_sensor_def("inbox_sensor") is not None


def test_inbox_sensor_requests_a_run_per_new_file(defs, workforce_home, tmp_path):
    from dagster import build_sensor_context

    from orchestration.sensors import inbox_sensor
    from tests.csww_builders import csww

    inbox = workforce_home / "inbox"
    inbox.mkdir(parents=True)
    (inbox / "durham.xml").write_bytes(csww(lea="840", year=2025))
    (inbox / "darlington.xml").write_bytes(csww(lea="841", year=2024))
    (inbox / "published.csv").write_bytes(b"time_period,time_identifier,geographic_level,country_code,country_name\n")
    with build_sensor_context(definitions=defs) as context:
        requests = inbox_sensor(context)
    by_job = sorted((r.job_name, r.partition_key) for r in requests)
    assert by_job == [("published_and_build", None), ("return_and_build", "840|2025"),
                      ("return_and_build", "841|2024")]
    assert len({r.run_key for r in requests}) == 3  # one run per file content, never twice


def test_inbox_sensor_skips_files_already_archived(defs, workforce_home):
    from dagster import SkipReason, build_sensor_context

    from orchestration.sensors import inbox_sensor
    from pipeline.ingestion import archive_file
    from pipeline.settings import Settings
    from tests.csww_builders import csww

    settings = Settings.from_env().ensure()
    path = settings.inbox / "durham.xml"
    path.write_bytes(csww(lea="840", year=2025))
    archive_file(path, settings, datetime(2025, 10, 1))
    with build_sensor_context(definitions=defs) as context:
        assert isinstance(inbox_sensor(context), SkipReason)
