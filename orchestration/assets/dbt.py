"""The dbt project as Dagster assets; dbt tests become asset checks."""


import json
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, AssetKey, Config
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets
from dagster_dbt.asset_utils import extract_runtime_selection_from_args, get_updated_cli_invocation_params_for_context
from dagster_dbt.core.dbt_cli_invocation import DbtCliInvocation

from orchestration.assets.checks import preload_suite
from orchestration.resources import WorkforceConfig
from pipeline import build_state, dbt_worker, timings
from pipeline import warehouse as warehouse_tables
from reference.paths import DBT_PROJECT_DIR

workforce_dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR)
# Under `dagster dev` the manifest is rebuilt on load; elsewhere it is built at install/test time
# (`make prepare`, or the CLI's first run), never at import in production.
workforce_dbt_project.prepare_if_dev()




# dbt meta of the models that read stg_ingest__submissions for one kind of return only (their YAML), carried
# into the assets' metadata for the command line's rebuild (``orchestration.cli.runner.affected_by``)
SUBMISSIONS_RETURN_TYPES = "submissions_return_types"
SUBMISSIONS = AssetKey(["staging", "stg_ingest__submissions"])


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


class WorkforceDbtCliResource(DbtCliResource):
    """dbt from this environment. The assets build with ``build_in_worker`` (a dbt worker process); ``cli``
    still runs the ``dbt`` executable as dagster-dbt does. The version is read from the installed dbt-core
    package rather than by running ``dbt --version`` before every build (the executable is this
    environment's own).

    dagster-dbt's ``cli`` also opens a dbt-core adapter in this process before starting dbt, for two optional
    extras, row counts and column metadata (``fetch_row_counts``, ``fetch_column_metadata``), which these
    assets do not use. Opening it imports dbt-core and dbt-duckdb and loads the profile and project here
    (3-6 s, before dbt starts), so it is not opened (nor by ``build_in_worker``): the extras must not be
    turned on."""

    def _initialize_dbt_core_adapter(self, args):
        return None

    @cached_property
    def _cli_version(self):
        from dbt.version import __version__
        from packaging import version

        return version.parse(__version__)

    def build_in_worker(self, args: list[str], *, context: AssetExecutionContext, warehouse: Path,
                        builds: Path) -> DbtCliInvocation:
        """``dbt.cli(args, context=context, raise_on_error=False)``, run by a dbt worker
        (pipeline/dbt_worker.py): the one the command line started before ingesting, else a new one,
        with its target folder in ``builds``. The arguments, the selection for the context's subset and
        the events made from dbt's output are dagster-dbt's own, as in ``DbtCliResource.cli``."""
        cleaned_args, runtime_selects, runtime_excludes = extract_runtime_selection_from_args(args)
        params = get_updated_cli_invocation_params_for_context(
            context=context, manifest={}, dagster_dbt_translator=DagsterDbtTranslator(),
            runtime_selects=runtime_selects, runtime_excludes=runtime_excludes)
        # a selection of over 200 nodes runs on a copy of the project with a generated selectors.yml
        project_dir = Path(params.dbt_project.project_dir if params.dbt_project else self.project_dir).resolve()
        profiles_dir = Path(self.profiles_dir).resolve() if self.profiles_dir else project_dir
        worker = dbt_worker.take(project_dir, profiles_dir, warehouse) or dbt_worker.DbtWorker.start(
            project_dir, profiles_dir, dbt_worker.build_target(builds, context.run.run_id), warehouse)
        indirect = ["--indirect-selection", params.indirect_selection] if params.indirect_selection else []
        process = worker.run([*self.global_config_flags, *cleaned_args, *params.selection_args, *indirect])
        return DbtCliInvocation(process=process, manifest=params.manifest,
                                dagster_dbt_translator=params.dagster_dbt_translator, project_dir=project_dir,
                                target_path=worker.target_path, raise_on_error=False, context=context,
                                adapter=None, cli_version=self._cli_version, project=params.dbt_project)


class DbtBuildConfig(Config):
    """``full_refresh``: rebuild the incremental models (built by submission: int_csww__workers_classified and
    int_csww__la_components, see dbt_project/macros/incremental_by_submission.sql) from scratch, as every build
    does by default. The command line's resubmission run turns it off; a full refresh is still made when the
    warehouse is not complete or the dbt project changed since the last build (pipeline/build_state.py)."""

    full_refresh: bool = True


# dbt's unit tests (``unit_tests`` in the models' YAML) check the SQL on fixed rows, not the data: the test suite
# runs them (tests/test_dbt_unit_tests.py), the pipeline's builds never do, though the selection dagster-dbt makes
# (``fqn:*``, or a subset's models with their tests) would include them
EXCLUDE_UNIT_TESTS = ["--exclude-resource-type", "unit_test"]


def build_args(full_refresh: bool, warehouse_complete: bool) -> list[str]:
    """dbt's arguments: an incremental build only when asked for and the last build left the warehouse whole
    from the dbt project as it is now; else ``--full-refresh``. Never the unit tests."""
    build = ["build", *EXCLUDE_UNIT_TESTS]
    return build if not full_refresh and warehouse_complete else [*build, "--full-refresh"]


@dbt_assets(manifest=workforce_dbt_project.manifest_path, dagster_dbt_translator=translator, pool="warehouse_writer")
def workforce_dbt_models(context: AssetExecutionContext, dbt: WorkforceDbtCliResource, workforce: WorkforceConfig,
                         config: DbtBuildConfig):
    """dbt build: seeds, staging, intermediate and marts models, and every dbt test."""
    warehouse = workforce.export_warehouse_path()
    settings = workforce.settings()
    args = build_args(config.full_refresh, not config.full_refresh and build_state.warehouse_is_complete(settings))
    incremental = "--full-refresh" not in args
    print(f"dbt build: seeds, models and tests{' (incremental)' if incremental else ''} ...", flush=True)
    build_state.build_started(settings)
    if not incremental:  # (an incremental build follows a full one of this project, which made them)
        warehouse_tables.ensure_raw_tables(warehouse)  # the raw layer dbt's sources name, as this version has it
    with timings.timed(settings, "dbt_build") as details:
        invocation = dbt.build_in_worker(args, context=context, warehouse=warehouse, builds=settings.home / "dbt")
        # the quality checks' imports, paid while dbt works in its own process (once it has its arguments:
        # before, the import thread would hold up the selection dagster-dbt works out for it)
        preload_suite()
        yield from invocation.stream()
        results = json.loads(invocation.target_path.joinpath("run_results.json").read_text())["results"]
        details["nodes"] = len(results)
        dbt_worker.keep_partial_parse(invocation.target_path)
    failed = [r for r in results if r["status"] in ("error", "fail")]
    print(f"dbt build: {len(results)} nodes, {len(failed)} failed", flush=True)
    for result in failed:
        print(f"  FAILED {result['unique_id']}: {(result.get('message') or '').strip()}", flush=True)
    if not invocation.is_successful():
        raise RuntimeError(f"dbt build failed: {len(failed)} model(s) or test(s) failed; nothing published")
