"""A sensor on the inbox: each new file (by content) starts a run for its return's partition, which loads it,
rebuilds the warehouse and publishes the serving copy. Runs are queued one at a time (dagster.yaml)."""

from datetime import UTC, datetime
from pathlib import Path

from dagster import (
    DefaultSensorStatus,
    RunRequest,
    SensorEvaluationContext,
    SkipReason,
    sensor,
)

from orchestration.jobs import published_and_build_job, return_and_build_job
from orchestration.partitions import partition_key
from pipeline.ingestion import archive_file, iter_files
from pipeline.routing import route
from pipeline.settings import Settings


def new_inbox_files(settings: Settings) -> list[tuple[Path, str]]:
    """Files in the inbox whose content is not yet in the archive (so not yet ingested)."""
    found = []
    for path in iter_files([settings.inbox]):
        checksum, _, _ = archive_file(path, None, datetime.now(UTC))  # hashed as the archive would, streamed
        if not any((settings.archive / checksum[:2]).glob(f"{checksum}*")):
            found.append((path, checksum))
    return found


def run_requests(settings: Settings) -> list[RunRequest]:
    requests = []
    for path, checksum in new_inbox_files(settings):
        routing = route(path)
        config = {"paths": [str(path)]}
        if routing.kind == "ees_csv":
            requests.append(RunRequest(
                run_key=checksum, job_name=published_and_build_job.name,
                run_config={"ops": {"raw__published_indicators": {"config": config}}}))
        else:
            requests.append(RunRequest(
                run_key=checksum, job_name=return_and_build_job.name, partition_key=partition_key(routing),
                run_config={"ops": {"returns": {"config": config}}}))
    return requests


@sensor(name="inbox_sensor", minimum_interval_seconds=30, default_status=DefaultSensorStatus.RUNNING,
        jobs=[return_and_build_job, published_and_build_job],
        description="Starts a run for each new file dropped in WORKFORCE_HOME/inbox/.")
def inbox_sensor(context: SensorEvaluationContext):
    requests = run_requests(Settings.from_env().ensure())
    if not requests:
        return SkipReason("no new files in the inbox")
    return requests
