"""Publish: the serving copy, after the dbt build (``pipeline.publish`` writes it)."""

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, asset

from orchestration.assets.dbt import workforce_dbt_models
from orchestration.resources import WorkforceConfig
from pipeline import build_state, timings
from pipeline.publish import publish_serving_copy


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
