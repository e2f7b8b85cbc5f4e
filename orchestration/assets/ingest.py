"""Ingest assets: returns in the inbox (or named paths) become rows of the raw warehouse layer."""


from pathlib import Path

from dagster import AssetExecutionContext, AssetSpec, Config, MaterializeResult, multi_asset

from orchestration.ingestion import ingest
from orchestration.resources import WorkforceConfig
from orchestration.warehouse import RAW_TABLES

RAW_ASSET_SPECS = [
    AssetSpec(
        key=["raw", table],
        group_name="ingest",
        description=f"raw.{table} in warehouse.duckdb, written by the ingest step (see orchestration/warehouse.py)",
        kinds={"duckdb", "python"},
    )
    for table in RAW_TABLES
]


class IngestConfig(Config):
    paths: list[str] = []  # files or folders; empty means everything in inbox/
    expected_la: str | None = None  # the LA the files are submitted for (rule CSWW002)


@multi_asset(specs=RAW_ASSET_SPECS, name="ingest_returns", pool="warehouse_writer")
def ingest_returns(context: AssetExecutionContext, config: IngestConfig, workforce: WorkforceConfig):
    """Archive, recognise, validate, pseudonymise and load every return; quarantine what is rejected."""
    settings = workforce.settings()
    paths = [Path(p) for p in config.paths] or [settings.inbox]
    outcomes = ingest(paths, settings, expected_la=config.expected_la,
                      progress=lambda line: print(line, flush=True))
    summary = {
        "files": len(outcomes),
        "files_rejected": sum(o.status == "rejected" for o in outcomes),
        "files_with_rows_rejected": sum(o.status == "rows_rejected" for o in outcomes),
        "rows_accepted": sum(o.rows_accepted for o in outcomes),
        "rows_rejected": sum(o.rows_rejected for o in outcomes),
        "warnings": sum(o.warnings for o in outcomes),
    }
    context.log.info(f"ingested {summary}")
    for spec in RAW_ASSET_SPECS:
        yield MaterializeResult(asset_key=spec.key, metadata=summary)
