"""The EES export (data file + .meta.csv, rounded, suppressed, screened), downstream of the serving copy."""

from pathlib import Path

from dagster import AssetExecutionContext, AssetKey, Config, MaterializeResult, asset

from orchestration.assets.publish import serving_copy
from orchestration.resources import WorkforceConfig
from pipeline import build_state, timings
from pipeline.ees_export import DEFAULT_NAME, export_ees

EES_EXPORT = AssetKey(["exports", "ees_indicators"])


class ExportConfig(Config):
    out_dir: str | None = None  # default WORKFORCE_HOME/exports
    name: str = DEFAULT_NAME
    source: str = "returns"  # the rows computed from the LAs' returns, or 'published'


@asset(key=EES_EXPORT, deps=[serving_copy], group_name="publish", kinds={"csv"})
def ees_indicators(context: AssetExecutionContext, config: ExportConfig,
                   workforce: WorkforceConfig) -> MaterializeResult:
    """exports/<name>.csv and <name>.meta.csv in the EES open-data layout; refuses to write a file that
    fails the EES screening rules (validation/ees_screening.py)."""
    settings = workforce.settings()
    out_dir = Path(config.out_dir) if config.out_dir else settings.exports
    try:
        with timings.timed(settings, "ees_export"):
            data_path, meta_path = export_ees(settings.serving, out_dir, name=config.name, source=config.source)
    except Exception:
        # the build is not finished until its export is written: the next `workforce run` builds (and
        # exports) everything again rather than finding nothing new to do
        build_state.build_started(settings)
        raise
    rows = sum(1 for _ in data_path.open(encoding="utf-8")) - 1
    print(f"exported {data_path} and {meta_path} ({rows} rows)", flush=True)
    return MaterializeResult(metadata={"data_file": str(data_path), "meta_file": str(meta_path), "rows": rows})
