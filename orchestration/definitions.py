"""Dagster definitions: gathers assets, checks, resources and the executor. Keep it small."""

from __future__ import annotations

import sys
from pathlib import Path

from dagster import Definitions, in_process_executor

from orchestration.assets.checks import gx_workforce_indicators
from orchestration.assets.dbt import WorkforceDbtCliResource, workforce_dbt_models, workforce_dbt_project
from orchestration.assets.export import ees_indicators
from orchestration.assets.ingest import published_indicators, returns, validation_only
from orchestration.assets.publish import serving_copy
from orchestration.jobs import JOBS
from orchestration.resources import WorkforceConfig
from orchestration.sensors import inbox_sensor

defs = Definitions(
    assets=[returns, published_indicators, validation_only, workforce_dbt_models, serving_copy, ees_indicators],
    asset_checks=[gx_workforce_indicators],
    jobs=JOBS,
    sensors=[inbox_sensor],
    resources={
        "workforce": WorkforceConfig.from_env(),
        # dbt from this environment (.venv/bin/dbt), whether or not the venv is on PATH
        "dbt": WorkforceDbtCliResource(project_dir=workforce_dbt_project,
                                       dbt_executable=str(Path(sys.executable).with_name("dbt"))),
    },
    # One process writes warehouse.duckdb at a time (DuckDB: one writer); the assets also share the
    # "warehouse_writer" pool for deployments that use another executor.
    executor=in_process_executor,
)
