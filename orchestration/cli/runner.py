"""Running the asset graph for the command line: the definitions' jobs executed in process.

Holds what the commands share and the argparse modules should not: the Dagster instance of the home (one per
process, so command-line runs show in the Dagster UI), the garbage-collector tuning of a command that starts,
runs a pipeline and exits, dbt's manifest rebuild, the graph walk that picks what a run rebuilds
(``affected_by``, ``downstream_subset``) and the exit code of a set of runs.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipeline.build_state import project_files
from pipeline.settings import Settings
from reference.paths import DBT_PROJECT_DIR

QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}

# Python's cyclic garbage collector, tuned for a command that starts, runs a pipeline and exits: with the
# default thresholds (700, 10, 10) every full collection walks every object alive, and a resubmission run spent
# 1.9 s of its 19 s in them (0.8 s while importing Dagster, dbt and pandas). Collecting young objects every
# 50,000 allocations instead of 700, and freezing what start-up made (``_freeze_startup_objects``), brings that
# to 0.45 s in the run measured. Reference counting frees everything else at once, as always.
GC_THRESHOLDS = (50_000, 20, 100)


def ensure_dbt_manifest() -> Path:
    """Build dbt's manifest (dbt parse) when it is missing or older than the dbt project's files."""
    manifest = DBT_PROJECT_DIR / "target" / "manifest.json"
    newest = max(p.stat().st_mtime for p in project_files())
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        dbt = Path(sys.executable).with_name("dbt")
        subprocess.run([str(dbt), "parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
                        "--profiles-dir", str(DBT_PROJECT_DIR)], check=True, cwd=DBT_PROJECT_DIR)
    return manifest


_INSTANCE = None


def dispose_instance() -> None:
    """Close the Dagster instance's databases (before the program's quick exit)."""
    if _INSTANCE is not None:
        _INSTANCE.dispose()


def execute(job_name: str, op_config: dict | None = None, partition_key=None, downstream_of: set | None = None):
    """Run one of the definitions' jobs in process, against this home's Dagster instance (so runs show in
    the Dagster UI). ``downstream_of`` (asset keys) runs only the job's assets downstream of those, with
    their checks and the checks on their inputs (dbt's tests on the raw sources)."""
    global _INSTANCE
    from dagster import DagsterInstance

    settings = Settings.from_env().ensure()
    os.environ["WORKFORCE_HOME"] = str(settings.home)
    os.environ.setdefault("DAGSTER_HOME", str(settings.dagster_home))
    ensure_dbt_manifest()
    from orchestration.definitions import defs

    if _INSTANCE is None:
        _INSTANCE = DagsterInstance.get()
        _freeze_startup_objects()
    job = defs.resolve_job_def(job_name)
    if downstream_of:
        job = downstream_subset(defs, job, downstream_of)
    run_config: dict = dict(QUIET_LOGS)
    if op_config:  # for the ops this job (or subset) has
        run_config["ops"] = {op: {"config": config} for op, config in op_config.items()
                             if job.graph.has_node_named(op)}
    result = job.execute_in_process(run_config=run_config, instance=_INSTANCE, partition_key=partition_key,
                                    raise_on_error=False)
    if not result.success:
        for event in result.all_events:
            if event.is_step_failure and event.step_failure_data.error:
                error = event.step_failure_data.error
                while error.cause is not None:  # the user code's own error, not Dagster's wrapper
                    error = error.cause
                print(f"FAILED {event.step_key}: {error.message.strip()}", file=sys.stderr)
    return result


def _freeze_startup_objects() -> None:
    """Leave what start-up made (imported modules, the definitions, dbt's manifest, the instance: some 410,000
    objects that live as long as the process) out of the later garbage collections (see ``GC_THRESHOLDS``)."""
    gc.freeze()


def downstream_subset(defs, job, changed: set):
    """The job cut down to the assets ``affected_by`` the changed raw tables, with their checks and the checks
    of their inputs."""
    graph = defs.resolve_asset_graph()
    in_job = job.asset_layer.selected_asset_keys
    assets = affected_by(graph, changed) & in_job
    job_checks = {key for key in graph.asset_check_keys if job.asset_layer.asset_graph.has(key)}
    # dbt's tests on a source (a raw table the ingest writes) run whenever a model reading it is built
    # (dagster-dbt adds them): their checks are selected too, so that their results are expected rather than
    # let through with a warning
    sources = {parent for key in assets for parent in graph.get(key).parent_keys} - in_job
    checks = {key for key in job_checks if key.asset_key in assets | changed | sources}
    names = ", ".join(sorted(key.to_user_string() for key in changed))
    print(f"rebuilding what the new files change (downstream of {names}): {len(assets)} of {len(in_job)} assets, "
          f"{len(checks)} of {len(job_checks)} checks", flush=True)
    return job.get_subset(asset_selection=assets, asset_check_selection=checks)


def affected_by(graph, changed: set) -> set:
    """The assets downstream of the ``changed`` raw tables, except through an edge from stg_ingest__submissions
    into a model that reads it for other kinds of return only (its dbt meta ``submissions_return_types``):
    a new CSWW return's row in raw.submissions does not change which workbook or published file counts, so
    the workbook and published-statistics models are not rebuilt for it (nor the CSWW ones for a workbook)."""
    from orchestration.assets.dbt import SUBMISSIONS, SUBMISSIONS_RETURN_TYPES
    from orchestration.assets.ingest import return_types_changed

    loaded = return_types_changed(changed)
    affected: set = set()
    frontier = list(changed)
    while frontier:
        parent = frontier.pop()
        for child in graph.get(parent).child_keys:
            if child in affected or child in changed:
                continue
            reads = graph.get(child).metadata.get(SUBMISSIONS_RETURN_TYPES)
            if parent == SUBMISSIONS and reads is not None and not set(str(reads).split(",")) & loaded:
                continue  # reached again if another of its inputs changed
            affected.add(child)
            frontier.append(child)
    return affected


def loaded_raw_assets(results) -> set:
    """The raw assets that these ingest runs loaded at least one file into. A file of any kind also gets its
    row in raw.submissions and its issues in raw.validation_issues, which the published statistics' asset
    does not name."""
    from dagster import AssetKey

    from orchestration.assets.ingest import return_types_changed
    from pipeline.warehouse import EVERY_RETURN_TABLES

    loaded = {key for key, metadata in materializations(results)
              if "files_loaded" not in metadata or metadata["files_loaded"].value > 0}
    if return_types_changed(loaded):
        loaded |= {AssetKey(["raw", table]) for table in EVERY_RETURN_TABLES}
    return loaded


def materializations(results: Iterable) -> Iterator:
    """(asset key, metadata) of every materialization the runs recorded."""
    for result in results:
        for event in result.get_asset_materialization_events():
            yield event.asset_key, event.event_specific_data.materialization.metadata


def exit_code(results) -> int:
    """1 when a run failed, or when any file or row was rejected; else 0."""
    if not all(result.success for result in results):
        return 1
    for _, metadata in materializations(results):
        if any(metadata[k].value for k in ("files_rejected", "rows_rejected", "errors") if k in metadata):
            return 1
    return 0
