"""dbt's unit tests (``unit_tests`` in the models' YAML): their hand-worked rows pass, and the pipeline never runs them.

Each unit test gives a model a few rows and the rows it must return, worked out by hand (its description in the
model's YAML says how). They run here, once, with ``dbt test --select test_type:unit`` on a temporary DuckDB in
which every seed and model was first made empty (``dbt build --empty``: dbt reads the column types of a unit test's
inputs from the warehouse). A wrong expected value makes dbt report the unit test as failed, and this test fails
with dbt's table of the differences.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import duckdb
import pytest
from dbt_fixtures import dbt_executable

from pipeline.warehouse import create_raw_tables
from reference.paths import DBT_PROJECT_DIR

pytestmark = pytest.mark.dbt

# the logic each unit test covers (definitions.md)
UNIT_TESTS = {
    # components and percentiles (median, p90, per-FTE median) over an LA's classified worker records
    "int_csww__la_components_sums_counts_and_percentiles_over_the_right_records": "int_csww__la_components",
    # regional and national sums over the LAs that have a value, pooled percentiles, LAs contributing / expected
    "int_alliance__components_sums_components_over_the_las_that_have_them": "int_alliance__components",
    # each rate from its numerator and denominator, with its status (z, x)
    "workforce_indicators_applies_each_rate_to_its_numerator_and_denominator": "workforce_indicators",
    # quartile band by polarity, rank with ties, SN median and count, change, alliance top/bottom 20%
    "benchmarks_bands_ranks_neighbours_changes_and_alliance_flags": "benchmarks",
}


def _dbt(args: list[str], warehouse: Path, workdir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "WORKFORCE_WAREHOUSE_PATH": str(warehouse), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    command = [dbt_executable(), *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
               "--target-path", str(workdir / "target"), "--log-path", str(workdir / "logs")]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)


@pytest.fixture(scope="module")
def unit_test_run(tmp_path_factory):
    """``dbt test --select test_type:unit`` on an empty warehouse: (its process, its run_results, the manifest)."""
    workdir = tmp_path_factory.mktemp("dbt_unit_tests")
    warehouse = workdir / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        create_raw_tables(con)
    empty = _dbt(["build", "--empty", "--resource-type", "seed", "--resource-type", "model"], warehouse, workdir)
    assert empty.returncode == 0, empty.stdout[-5000:] + empty.stderr[-2000:]
    run = _dbt(["test", "--select", "test_type:unit"], warehouse, workdir)
    results = json.loads((workdir / "target" / "run_results.json").read_text())["results"]
    manifest = json.loads((workdir / "target" / "manifest.json").read_text())
    return run, results, manifest


def test_every_dbt_unit_test_passes(unit_test_run):
    run, results, manifest = unit_test_run

    statuses = {result["unique_id"]: result["status"] for result in results}
    failed = {unique_id: status for unique_id, status in statuses.items() if status != "pass"}
    assert not failed, f"dbt unit tests failed: {failed}\n{run.stdout[-8000:]}"
    assert run.returncode == 0, run.stdout[-5000:]
    # every unit test of the project ran, and those named above are among them, on the models they test
    assert set(statuses) == set(manifest["unit_tests"])
    ran = {manifest["unit_tests"][unique_id]["name"]: manifest["unit_tests"][unique_id]["model"]
           for unique_id in statuses}
    assert {name: ran.get(name) for name in UNIT_TESTS} == UNIT_TESTS


def test_the_pipelines_dbt_build_runs_every_data_test_and_no_unit_test(demo_home):
    """The demo's build (dagster-dbt's selection, orchestration.assets.dbt.build_args) ran no unit test."""
    [build] = sorted((demo_home / "dbt").glob("build-*/run_results.json"), key=lambda p: p.stat().st_mtime)[-1:]
    results = json.loads(build.read_text())["results"]
    manifest = json.loads(build.with_name("manifest.json").read_text())

    kinds = {result["unique_id"].split(".")[0] for result in results}
    assert "unit_test" not in kinds and manifest["unit_tests"]  # the project has unit tests; the build ran none
    data_tests = {unique_id for unique_id, node in manifest["nodes"].items() if node["resource_type"] == "test"}
    assert data_tests <= {result["unique_id"] for result in results}
