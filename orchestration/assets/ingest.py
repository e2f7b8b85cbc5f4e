"""Ingest assets: files in the inbox (or named paths) become rows of the raw warehouse layer.

- ``raw/returns``: the LAs' returns (R1 census XML, R2 workbook), one partition per LA and census year. A run
  for one partition loads that return; a batch run (no partition key: how the command line ingests many
  returns at once, one run rather than one per return) records one materialization per raw table, naming
  the partitions (LA x year) it loaded.
- ``raw/published_indicators``: published EES statistics files (R3), not tied to one LA.
- ``reports/validation_only``: validate and write reports without loading anything (`workforce validate`).
"""

import time
from pathlib import Path

from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetMaterialization,
    AssetSpec,
    Config,
    MaterializeResult,
    MetadataValue,
    asset,
    multi_asset,
)

from orchestration.partitions import partition_key, returns_partitions
from orchestration.resources import WorkforceConfig
from pipeline import timings
from pipeline.ingestion import FileOutcome, IngestStats, ingest
from pipeline.routing import Routing, partition_la, partition_year
from pipeline.warehouse import EVERY_RETURN_TABLES, RETURN_TABLES, TABLES_OF_RETURN_TYPE, return_types_writing

# One asset per raw table an LA's return writes (pipeline/warehouse.py), partitioned together.
RETURN_SPECS = [
    AssetSpec(key=AssetKey(["raw", table]), group_name="ingest", kinds={"duckdb", "python"},
              partitions_def=returns_partitions, skippable=True,
              description=f"raw.{table}: written by the returns ingest (see pipeline/warehouse.py)")
    for table in RETURN_TABLES
]
PUBLISHED = AssetKey(["raw", *TABLES_OF_RETURN_TYPE["ees_csv"]])


class IngestConfig(Config):
    paths: list[str] = []  # files or folders; empty means everything in inbox/
    expected_la: str | None = None  # the LA the files are submitted for (rule CSWW002 / RWR002)
    skip_loaded: bool = False  # leave out files already loaded unchanged (`workforce run` on the inbox)


def summarise(outcomes: list[FileOutcome], stats: IngestStats) -> dict[str, int]:
    return {
        "files": len(outcomes),
        # files validated and loaded by this run; the others were already loaded unchanged (`workforce run`).
        # For the returns' raw tables, the files that can have changed that table (``files_loaded_into``).
        "files_loaded": len(outcomes) - stats.skipped,
        "files_rejected": sum(o.status == "rejected" for o in outcomes),
        "files_with_rows_rejected": sum(o.status == "rows_rejected" for o in outcomes),
        "rows_accepted": sum(o.rows_accepted for o in outcomes),
        "rows_rejected": sum(o.rows_rejected for o in outcomes),
        "errors": sum(o.errors for o in outcomes),
        "warnings": sum(o.warnings for o in outcomes),
    }


def files_loaded_into(table: str, summary: dict[str, int], stats: IngestStats) -> int:
    """How many of the files this run validated and loaded can have changed ``raw.<table>``: the command
    line rebuilds only what is downstream of the raw tables a run changed (a CSWW return leaves the
    workbook tables as they were)."""
    if table in EVERY_RETURN_TABLES:
        return summary["files_loaded"]
    return sum(n for kind, n in stats.validated.items() if table in TABLES_OF_RETURN_TYPE.get(kind, ()))


def return_types_changed(changed: set[AssetKey]) -> set[str]:
    """The kinds of file whose own raw tables are among ``changed``."""
    return return_types_writing(key.path[-1] for key in changed if len(key.path) == 2 and key.path[0] == "raw")


def _ingest(config: IngestConfig, workforce: WorkforceConfig, load: bool) -> tuple[list[FileOutcome], IngestStats]:
    settings = workforce.settings()
    paths = [Path(p) for p in config.paths] or [settings.inbox]
    stats = IngestStats()
    began = time.perf_counter()
    outcomes = ingest(paths, settings, load=load, expected_la=config.expected_la,
                      progress=lambda line: print(line, flush=True), skip_loaded=config.skip_loaded, stats=stats)
    elapsed = time.perf_counter() - began
    for stage, seconds in stats.seconds.items():
        timings.record(settings, f"ingest.{stage}", seconds, busy=True)
    timings.record(settings, "ingest" if load else "validate_only", elapsed, files=stats.files,
                   records=stats.records, workers=stats.workers,
                   csww_records=sum(o.rows_received for o in outcomes if o.return_type == "csww_xml"))
    return outcomes, stats


def _run(config: IngestConfig, workforce: WorkforceConfig, load: bool) -> dict[str, int]:
    return summarise(*_ingest(config, workforce, load))


@multi_asset(specs=RETURN_SPECS, name="returns", partitions_def=returns_partitions, pool="warehouse_writer")
def returns(context: AssetExecutionContext, config: IngestConfig, workforce: WorkforceConfig):
    """LAs' returns, one partition per LA and census year: archived, validated (pandera schemas and the
    CSWW/RWR rules), pseudonymised and loaded into raw.csww_* / raw.workbook_*, with raw.submissions and
    raw.validation_issues; rejected rows go to quarantine."""
    outcomes, stats = _ingest(config, workforce, load=True)
    if context.has_partition_key:
        summary = summarise(outcomes, stats)
        context.log.info(f"partition {context.partition_key}: {summary}")
        for spec in RETURN_SPECS:
            loaded = files_loaded_into(spec.key.path[-1], summary, stats)
            yield MaterializeResult(asset_key=spec.key, metadata={**summary, "files_loaded": loaded})
        return
    # A batch: one materialization per raw table for the run, naming the partitions it loaded. (One event
    # per partition and table is what Dagster's partition view would want, but at national scale that is
    # 9,500 event-log writes: minutes on the SQLite event log, longer than the whole ingest.)
    partitions = sorted({str(partition_key(Routing(o.return_type, partition_la(o.la), partition_year(o.year))))
                         for o in outcomes})
    summary = summarise(outcomes, stats)
    context.log.info(f"{len(outcomes)} files in {len(partitions)} partitions: {summary}")
    metadata = {**summary, "partitions": len(partitions), "partition_keys": MetadataValue.json(partitions)}
    for spec in RETURN_SPECS:
        loaded = files_loaded_into(spec.key.path[-1], summary, stats)
        yield AssetMaterialization(asset_key=spec.key, metadata={**metadata, "files_loaded": loaded})


@asset(key=PUBLISHED, group_name="ingest", kinds={"duckdb", "python"}, pool="warehouse_writer")
def published_indicators(config: IngestConfig, workforce: WorkforceConfig) -> MaterializeResult:
    """Published EES indicator files (the national comparator), loaded into raw.published_indicators."""
    return MaterializeResult(metadata=_run(config, workforce, load=True))


@asset(key=AssetKey(["reports", "validation_only"]), group_name="validate", kinds={"python"})
def validation_only(config: IngestConfig, workforce: WorkforceConfig) -> MaterializeResult:
    """Validation reports for files that are checked but not loaded (`workforce validate`)."""
    return MaterializeResult(metadata=_run(config, workforce, load=False))
