"""The dbt project as Dagster assets; dbt tests become asset checks."""


import json
import os
import shutil
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, AssetKey
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets

from orchestration import build_state, timings
from orchestration.assets.checks import preload_suite
from orchestration.resources import WorkforceConfig
from orchestration.settings import DBT_PROJECT_DIR

workforce_dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR)
# Under `dagster dev` the manifest is rebuilt on load; elsewhere it is built at install/test time
# (`make prepare`, or the CLI's first run), never at import in production.
workforce_dbt_project.prepare_if_dev()




# dbt meta of the models that read stg_csww__submissions for one kind of return only (their YAML), carried
# into the assets' metadata for the command line's rebuild (``orchestration.cli.affected_by``)
SUBMISSIONS_RETURN_TYPES = "submissions_return_types"
SUBMISSIONS = AssetKey(["staging", "stg_csww__submissions"])


class WorkforceDbtTranslator(DagsterDbtTranslator):
    """The raw tables are written by the ingest assets: each dbt source maps onto the asset that writes it."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return AssetKey(["raw", dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_metadata(self, dbt_resource_props: Mapping[str, Any]) -> Mapping[str, Any]:
        metadata = super().get_metadata(dbt_resource_props)
        return_types = dbt_resource_props.get("meta", {}).get(SUBMISSIONS_RETURN_TYPES)
        if return_types:
            metadata = {**metadata, SUBMISSIONS_RETURN_TYPES: ",".join(sorted(return_types))}
        return metadata


# Tests on the raw sources become checks on the ingest assets; tests on models, checks on the models.
translator = WorkforceDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_source_tests_as_checks=True))


@dbt_assets(manifest=workforce_dbt_project.manifest_path, dagster_dbt_translator=translator, pool="warehouse_writer")
def workforce_dbt_models(context: AssetExecutionContext, dbt: DbtCliResource, workforce: WorkforceConfig):
    """dbt build: seeds, staging, intermediate and marts models, and every dbt test."""
    workforce.export_warehouse_path()
    print("dbt build: seeds, models and tests ...", flush=True)
    settings = workforce.settings()
    build_state.build_started(settings)
    with timings.timed(settings, "dbt_build") as details:
        target = _build_target(settings.home / "dbt", context.run.run_id)
        invocation = dbt.cli(["build", *file_log_args()], context=context, raise_on_error=False, target_path=target)
        # the quality checks' imports, paid while dbt works in its own process (once it has started: before,
        # the import thread would hold up the selection dagster-dbt works out for it)
        preload_suite()
        yield from invocation.stream()
        results = json.loads(invocation.target_path.joinpath("run_results.json").read_text())["results"]
        details["nodes"] = len(results)
        _keep_partial_parse(target)
    failed = [r for r in results if r["status"] in ("error", "fail")]
    print(f"dbt build: {len(results)} nodes, {len(failed)} failed", flush=True)
    for result in failed:
        print(f"  FAILED {result['unique_id']}: {(result.get('message') or '').strip()}", flush=True)
    if not invocation.is_successful():
        raise RuntimeError(f"dbt build failed: {len(failed)} model(s) or test(s) failed; nothing published")


PARTIAL_PARSE = "partial_parse.msgpack"
FILE_LOG_LEVEL = "info"


def file_log_args() -> list[str]:
    """dbt's log file (``dbt.log`` in the build's target folder) at info: each node's result and timing,
    warnings and errors. At dbt's default, debug, it also holds every SQL statement and connection event
    (about 3,000 JSON lines a build), which costs about half a second of every build. ``DBT_LOG_LEVEL_FILE``
    (dbt's own variable, e.g. ``debug``) overrides it."""
    return [] if os.environ.get("DBT_LOG_LEVEL_FILE") else ["--log-level-file", FILE_LOG_LEVEL]


def _build_target(folder: Path, run_id: str) -> Path:
    """This build's dbt target path, in the home, seeded with the home's last partial parse.

    dbt re-parses the whole project when the profile changes, and the warehouse path (one per home) is part
    of the profile, so the parse made at install time never serves a home: each home keeps its own (the
    project files it was made from are checked by dbt as usual). Older build folders are removed.
    """
    for old in sorted(folder.glob("build-*"), key=lambda p: p.stat().st_mtime)[:-2]:
        shutil.rmtree(old, ignore_errors=True)
    target = folder / f"build-{run_id[:8]}"
    target.mkdir(parents=True, exist_ok=True)
    kept = folder / PARTIAL_PARSE
    if kept.exists():
        shutil.copy(kept, target / PARTIAL_PARSE)
    return target


def _keep_partial_parse(target: Path) -> None:
    parsed = target / PARTIAL_PARSE
    if parsed.exists():
        shutil.copy(parsed, target.parent / PARTIAL_PARSE)


class WorkforceDbtCliResource(DbtCliResource):
    """dbt from this environment. Its version is read from the installed dbt-core package rather than by
    running ``dbt --version`` before every build (the executable is this environment's own).

    dagster-dbt also opens a dbt-core adapter in this process before starting dbt, for two optional
    extras, row counts and column metadata (``fetch_row_counts``, ``fetch_column_metadata``), which these
    assets do not use. Opening it imports dbt-core and dbt-duckdb and loads the profile and project here
    (3-6 s of every build, before dbt starts), so it is not opened: the extras must not be turned on."""

    def _initialize_dbt_core_adapter(self, args):
        return None

    @cached_property
    def _cli_version(self):
        from dbt.version import __version__
        from packaging import version

        return version.parse(__version__)
