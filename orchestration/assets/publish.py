"""Publish: copy the marts into a new serving file, then rename it over the old one (atomic).

Readers (the dashboard, outside tools) only ever open serving.duckdb read-only; they see the old copy or
the new one, never a half-written file.
"""


import os
import time

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset

from orchestration import build_state, timings, warehouse
from orchestration.assets.dbt import workforce_dbt_models
from orchestration.resources import WorkforceConfig
from orchestration.settings import Settings

SERVED_SCHEMAS = ("marts",)


def publish_serving_copy(settings: Settings) -> dict[str, int]:
    """Write every table of the served schemas into a new DuckDB file and rename it into place."""
    temporary = settings.serving.with_name(f".serving-{os.getpid()}-{time.time_ns()}.duckdb")
    counts: dict[str, int] = {}
    con = warehouse.connect(settings.warehouse)
    try:
        con.execute(f"attach '{temporary}' as serving")
        for schema in SERVED_SCHEMAS:
            con.execute(f"create schema if not exists serving.{schema}")
            for table in warehouse.table_names(schema, con):
                con.execute(f"create table serving.{schema}.{table} as select * from {schema}.{table}")
                counts[f"{schema}.{table}"] = con.execute(
                    f"select count(*) from serving.{schema}.{table}").fetchall()[0][0]
        con.execute("detach serving")
    except Exception:
        temporary.unlink(missing_ok=True)
        raise
    finally:
        con.close()
    os.replace(temporary, settings.serving)
    return counts


@asset(
    key=AssetKey(["serving", "serving_copy"]),
    deps=[workforce_dbt_models],
    group_name="publish",
    kinds={"duckdb"},
    pool="warehouse_writer",
)
def serving_copy(context: AssetExecutionContext, workforce: WorkforceConfig) -> MaterializeResult:
    """serving.duckdb: the read-only copy of the marts that the dashboard and outside tools read."""
    settings = workforce.settings()
    with timings.timed(settings, "publish"):
        counts = publish_serving_copy(settings)
    build_state.published(settings)
    print(f"published {settings.serving} ({', '.join(f'{k}: {v} rows' for k, v in counts.items())})",
          flush=True)
    return MaterializeResult(metadata={"path": str(settings.serving), **{k: v for k, v in counts.items()}})
