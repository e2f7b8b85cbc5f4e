"""The home's Dagster event log (orchestration/event_log_storage.py): Dagster's SQLite storage keeping its
connections open. Real Dagster runs against a home's instance; what they store must read back, through this
storage and through Dagster's own."""

from __future__ import annotations

import pytest
from dagster import (
    AssetCheckResult,
    AssetKey,
    DagsterInstance,
    MaterializeResult,
    asset,
    asset_check,
    materialize,
)
from dagster._core.storage.event_log import SqliteEventLogStorage

from orchestration.event_log_storage import OPEN_DATABASES, WorkforceEventLogStorage
from pipeline.settings import DAGSTER_YAML, EARLIER_DAGSTER_YAML, Settings

RUNS = OPEN_DATABASES + 3  # more runs than open databases: the oldest are closed and must still read back


@asset
def headcount(context) -> MaterializeResult:
    return MaterializeResult(metadata={"run_number": context.run.tags["run_number"]})


@asset_check(asset=headcount)
def headcount_is_positive(context) -> AssetCheckResult:
    return AssetCheckResult(passed=int(context.run.tags["run_number"]) % 2 == 0)


@pytest.fixture
def instance(workforce_home, monkeypatch):
    settings = Settings.from_env().ensure()
    monkeypatch.setenv("DAGSTER_HOME", str(settings.dagster_home))
    with DagsterInstance.get() as instance:
        yield instance


def test_the_home_uses_it(instance):
    assert isinstance(instance.event_log_storage, WorkforceEventLogStorage)


@pytest.mark.pipeline  # Dagster runs, materializations and checks
def test_runs_assets_and_checks_read_back(instance, workforce_home):
    run_ids = []
    for number in range(RUNS):
        result = materialize([headcount, headcount_is_positive], instance=instance,
                             tags={"run_number": str(number)}, raise_on_error=False)
        assert result.success
        run_ids.append(result.run_id)

    storage = instance.event_log_storage
    assert len(storage._engines) <= OPEN_DATABASES  # the oldest runs' databases were closed

    latest = instance.get_latest_materialization_event(AssetKey("headcount"))
    assert latest.asset_materialization.metadata["run_number"].value == str(RUNS - 1)
    history = storage.get_asset_check_execution_history(headcount_is_positive.check_key, limit=RUNS + 5)
    assert len(history) == RUNS
    passed = [record.evaluation.passed for record in history if record.run_id in run_ids]
    assert passed.count(True) == (RUNS + 1) // 2  # even run numbers pass

    # the files are Dagster's own: its storage, opened afresh, reads every run's events in full
    plain = SqliteEventLogStorage(str(workforce_home / "dagster" / "history" / "runs"))
    for run_id in run_ids:
        ours = instance.all_logs(run_id)
        theirs = plain.get_logs_for_run(run_id)
        assert [e.dagster_event_type for e in theirs] == [e.dagster_event_type for e in ours]
        assert any(e.dagster_event_type.value == "ASSET_CHECK_EVALUATION" for e in theirs)
        assert theirs[-1].dagster_event_type.value == "PIPELINE_SUCCESS"
    assert instance.get_run_records()[0].dagster_run.run_id == run_ids[-1]


def test_a_home_with_the_earlier_default_is_upgraded_and_an_edited_one_kept(workforce_home):
    settings = Settings.from_env()
    dagster_yaml = settings.dagster_home / "dagster.yaml"
    dagster_yaml.parent.mkdir(parents=True)
    dagster_yaml.write_text(EARLIER_DAGSTER_YAML[0])
    settings.ensure()
    assert dagster_yaml.read_text() == DAGSTER_YAML

    edited = EARLIER_DAGSTER_YAML[0] + "run_monitoring:\n  enabled: true\n"
    dagster_yaml.write_text(edited)
    settings.ensure()
    assert dagster_yaml.read_text() == edited
