"""The dbt worker (pipeline/dbt_worker.py): the real dbt, started before the build needs it, in its own
process, its output dbt's JSON log lines for dagster-dbt."""

from __future__ import annotations

import csv
import json
import shutil
import time
from pathlib import Path

import duckdb
import pytest

from pipeline import dbt_worker
from reference.paths import DBT_PROJECT_DIR

pytestmark = pytest.mark.dbt

PARSED_WITHIN = 120  # seconds: dbt imports and parses in 2-5 s on this machine


def _start(tmp_path: Path, warehouse: Path, project_dir: Path = DBT_PROJECT_DIR) -> dbt_worker.DbtWorker:
    target = dbt_worker.build_target(tmp_path / "dbt", "testbuild")
    return dbt_worker.DbtWorker.start(project_dir, project_dir, target, warehouse)


RESULT_EVENTS = {"LogSeedResult", "LogModelResult", "LogTestResult"}  # what dagster-dbt makes Dagster events of


def _results(events: list[dict]) -> dict[str, str]:
    return {e["data"]["node_info"]["unique_id"]: e["data"]["node_info"]["node_status"]
            for e in events if e["info"]["name"] in RESULT_EVENTS}


def _finish(process) -> tuple[int, list[dict]]:
    """The worker's exit code and its output's JSON events (every line of it must be one)."""
    lines = process.stdout.read().decode().splitlines()
    process.stdout.close()
    return process.wait(timeout=PARSED_WITHIN), [json.loads(line) for line in lines if line.strip()]


def test_the_worker_parses_without_holding_the_warehouse_then_builds_what_it_is_given(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    worker = _start(tmp_path, warehouse)
    parsed = worker.target_path / dbt_worker.PARTIAL_PARSE  # written by the worker's parse (no earlier one here)
    assert not parsed.exists()
    # while dbt starts and parses, this process writes the warehouse, as the ingest does: DuckDB would refuse
    # the write lock to a second process if the worker had opened the file
    writes, deadline = 0, time.monotonic() + PARSED_WITHIN
    while not parsed.exists() and time.monotonic() < deadline:
        con = duckdb.connect(str(warehouse))
        con.execute("create table if not exists ingest_log (i integer)")
        con.execute("insert into ingest_log values (?)", [writes])
        con.close()
        writes += 1
        time.sleep(0.05)
    assert parsed.exists(), "the worker did not parse the project"
    assert writes >= 5
    assert worker.process.poll() is None  # parsed, and waiting for its arguments

    # (not the tests of the models that refer to it)
    code, events = _finish(worker.run(["build", "--select", "ref_regions", "--indirect-selection", "empty"]))

    assert code == 0
    assert _results(events) == {"seed.workforce.ref_regions": "success"}
    results = json.loads((worker.target_path / "run_results.json").read_text())["results"]
    assert [r["unique_id"] for r in results] == ["seed.workforce.ref_regions"]
    with (DBT_PROJECT_DIR.parent / "seeds" / "reference" / "ref_regions.csv").open(newline="") as handle:
        expected_rows = sum(1 for _ in csv.DictReader(handle))
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert con.execute("select count(*) from main.ref_regions").fetchone()[0] == expected_rows
        assert con.execute("select count(*) from ingest_log").fetchone()[0] == writes
    finally:
        con.close()
    # dbt's log file at info: results, not every SQL statement
    levels = {json.loads(line)["info"]["level"] for line in (worker.target_path / "dbt.log").read_text().splitlines()}
    assert "info" in levels and "debug" not in levels
    assert worker.process.args[:2] == ["dbt", "build"]  # how dagster-dbt names the command


def test_a_failed_build_exits_1_with_the_error_on_its_output(tmp_path):
    worker = _start(tmp_path, tmp_path / "empty.duckdb")  # no raw tables: the model's source is missing

    code, events = _finish(worker.run(["build", "--select", "stg_ingest__submissions",
                                       "--indirect-selection", "empty"]))

    assert code == 1
    errors = [e for e in events if e["info"]["level"] == "error"]
    assert any("raw" in e["info"]["msg"] and "submissions" in e["info"]["msg"] for e in errors)
    assert _results(events) == {"model.workforce.stg_ingest__submissions": "error"}


def test_a_project_that_does_not_parse_exits_2_with_dbts_error(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    (project / "models" / "marts" / "broken.sql").write_text("select * from {{ ref('no_such_model') }}\n")
    worker = _start(tmp_path, tmp_path / "warehouse.duckdb", project_dir=project)

    code, events = _finish(worker.run(["build"]))

    assert code == 2
    assert any(e["info"]["level"] == "error" and "no_such_model" in e["info"]["msg"] for e in events)


def test_the_prestarted_worker_serves_one_build_of_its_own_warehouse(tmp_path):
    builds, warehouse = tmp_path / "dbt", tmp_path / "warehouse.duckdb"

    dbt_worker.prestart(DBT_PROJECT_DIR, builds, warehouse)
    other = dbt_worker.take(DBT_PROJECT_DIR, DBT_PROJECT_DIR, tmp_path / "another.duckdb")
    assert other is None  # another home's build: the worker is stopped, not kept
    assert dbt_worker.take(DBT_PROJECT_DIR, DBT_PROJECT_DIR, warehouse) is None

    dbt_worker.prestart(DBT_PROJECT_DIR, builds, warehouse)
    assert dbt_worker.take(DBT_PROJECT_DIR, tmp_path, warehouse) is None  # another profiles.yml: stopped too

    dbt_worker.prestart(DBT_PROJECT_DIR, builds, warehouse)
    replaced = dbt_worker._prestarted
    dbt_worker.prestart(DBT_PROJECT_DIR, builds, warehouse)  # the one not taken is stopped
    assert replaced.process.returncode is not None
    worker = dbt_worker.take(DBT_PROJECT_DIR, DBT_PROJECT_DIR, warehouse)
    try:
        assert worker is not None and worker.process.poll() is None
        assert worker.target_path.parent == builds and worker.warehouse == warehouse.resolve()
        assert dbt_worker.take(DBT_PROJECT_DIR, DBT_PROJECT_DIR, warehouse) is None  # one build each
    finally:
        worker.discard()
    assert worker.process.returncode is not None


def test_a_worker_not_yet_used_is_kept_for_the_next_build_when_asked(tmp_path):
    """`workforce watch` asks for a worker after every run: one still waiting (a run loaded nothing new) is
    kept; one that served, died or is for another warehouse is replaced."""
    builds, warehouse = tmp_path / "dbt", tmp_path / "warehouse.duckdb"
    try:
        dbt_worker.prestart(DBT_PROJECT_DIR, builds, warehouse, keep_unused=True)
        waiting = dbt_worker._prestarted
        dbt_worker.prestart(DBT_PROJECT_DIR, builds, warehouse, keep_unused=True)
        assert dbt_worker._prestarted is waiting and waiting.process.poll() is None
        dbt_worker.prestart(DBT_PROJECT_DIR, builds, tmp_path / "another.duckdb", keep_unused=True)
        assert dbt_worker._prestarted is not waiting and waiting.process.returncode is not None
        other = dbt_worker._prestarted
        other.discard()  # a worker that died
        dbt_worker.prestart(DBT_PROJECT_DIR, builds, tmp_path / "another.duckdb", keep_unused=True)
        assert dbt_worker._prestarted is not other and dbt_worker._prestarted.process.poll() is None
    finally:
        dbt_worker._discard_prestarted()


def test_a_new_build_target_keeps_the_two_before_it_and_gets_the_homes_partial_parse(tmp_path):
    builds = tmp_path / "dbt"
    first = dbt_worker.build_target(builds, "aaaaaaaa-run")
    (first / dbt_worker.PARTIAL_PARSE).write_bytes(b"parsed once")
    dbt_worker.keep_partial_parse(first)
    time.sleep(0.01)
    second = dbt_worker.build_target(builds, "bbbbbbbb-run")
    time.sleep(0.01)
    third = dbt_worker.build_target(builds, "cccccccc-run")
    time.sleep(0.01)
    fourth = dbt_worker.build_target(builds, "dddddddd-run")

    assert sorted(p.name for p in builds.glob("build-*")) == ["build-bbbbbbbb", "build-cccccccc", "build-dddddddd"]
    assert not first.exists() and second.exists() and third.exists()
    assert (fourth / dbt_worker.PARTIAL_PARSE).read_bytes() == b"parsed once"
