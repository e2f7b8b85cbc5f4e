"""`workforce`: the command line. A thin layer: each command selects assets and materialises them.

Exit codes: 0 success; 1 when a file or row was rejected or a check failed (what was accepted is still
loaded); 2 on wrong usage.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

from orchestration import cli_users
from orchestration.settings import DBT_PROJECT_DIR, PROJECT_ROOT, PUBLISHED_INDICATORS, Settings

QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
DEMO_REGION = "E12000001"  # North East: 12 LAs, small enough to run in a minute
DEMO_YEARS = (2024, 2025)


# Python's cyclic garbage collector, tuned for a command that starts, runs a pipeline and exits: with the
# default thresholds (700, 10, 10) every full collection walks every object alive, and a resubmission run spent
# 1.9 s of its 19 s in them (0.8 s while importing Dagster, dbt and pandas). Collecting young objects every
# 50,000 allocations instead of 700, and freezing what start-up made (``_freeze_startup_objects``), brings that
# to 0.45 s in the run measured. Reference counting frees everything else at once, as always.
GC_THRESHOLDS = (50_000, 20, 100)


def main(argv: list[str] | None = None) -> int:
    gc.set_threshold(*GC_THRESHOLDS)
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        return args.handler(args)
    finally:
        gc.unfreeze()  # what was frozen is freed at exit as usual (DuckDB reports objects never freed)


def program() -> None:
    """The ``workforce`` program: ``main``, then a quick exit.

    A run leaves some 600,000 objects alive (Dagster's definitions, dbt's manifest, pandas, the instance).
    Python's own shutdown frees them one by one and tears every module down, which took 2.6 s after a
    resubmission run had finished its work. Here the exit handlers still run (logging, temporary folders,
    worker processes), output is flushed and Dagster's databases are closed; then the process ends without
    that teardown. Every file and database was closed by the code that wrote it.
    """
    code = main()
    if _INSTANCE is not None:
        _INSTANCE.dispose()
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workforce", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    ingest = commands.add_parser("ingest", help="archive, validate and load the given files or folders")
    ingest.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    ingest.add_argument("--la", dest="expected_la", help="the LA code the files are submitted for")
    ingest.set_defaults(handler=_ingest)

    validate = commands.add_parser("validate", help="check files and write their reports without loading")
    validate.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    validate.add_argument("--la", dest="expected_la", help="the LA code the files are submitted for")
    validate.set_defaults(handler=_validate)

    build = commands.add_parser("build", help="dbt build (models and tests), checks, publish the serving copy")
    build.set_defaults(handler=_build)

    run = commands.add_parser("run", help="ingest everything in inbox/, then build: the main job")
    run.set_defaults(handler=_run)

    watch = commands.add_parser("watch", help="stay running: `run` each time files arrive in inbox/ (Ctrl+C stops)")
    watch.set_defaults(handler=_watch)

    report = commands.add_parser("report", help="print where the validation report for a return is")
    report.add_argument("la_code")
    report.add_argument("year", type=int)
    report.set_defaults(handler=_report)

    template = commands.add_parser("template", help="write the R2 workbook for an LA")
    template.add_argument("la_code")
    template.add_argument("year", type=int)
    template.add_argument("out", type=Path, metavar="OUT.xlsx")
    template.add_argument("--quarter-end", type=date.fromisoformat, default=None,
                          help="a quarter end (YYYY-MM-DD) for a quarterly return; default the annual return")
    template.set_defaults(handler=_template)

    export = commands.add_parser("export", help="write published files (export ees OUT_DIR)")
    export_kinds = export.add_subparsers(dest="kind", metavar="KIND", required=True)
    ees = export_kinds.add_parser("ees", help="the EES data file and its .meta.csv")
    ees.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    ees.add_argument("--name", default="csww_regional_indicators", help="file name without .csv")
    ees.add_argument("--source", choices=["returns", "published"], default="returns")
    ees.set_defaults(handler=_export_ees)

    demo = commands.add_parser("demo", help="generate the demonstration region into inbox/ and run")
    demo.add_argument("--region", default=DEMO_REGION, help="alliance (region) code, default North East")
    demo.add_argument("--seed", type=int, default=2025)
    demo.set_defaults(handler=_demo)

    dashboard = commands.add_parser("dashboard", help="serve the Streamlit dashboard on the serving copy")
    dashboard.add_argument("--port", type=int, default=8501)
    dashboard.set_defaults(handler=_dashboard)

    cli_users.register(commands)
    return parser


# --- commands -------------------------------------------------------------------------------------------

def _ingest(args: argparse.Namespace) -> int:
    paths = _existing(args.paths, "ingest")
    if paths is None:
        return 2
    return _exit_code(_ingest_paths(paths, args.expected_la))


def _validate(args: argparse.Namespace) -> int:
    paths = _existing(args.paths, "validate")
    if paths is None:
        return 2
    config = {"paths": [str(p) for p in paths], "expected_la": args.expected_la}
    return _exit_code([_execute("validate", {"reports__validation_only": config})])


def _build(args: argparse.Namespace) -> int:
    _prestart_dbt(Settings.from_env().ensure())
    return _exit_code([_execute("build")])


def _run(args: argparse.Namespace) -> int:
    settings = Settings.from_env().ensure()
    _prestart_dbt(settings)
    return _run_inbox(settings)


def _run_inbox(settings: Settings, leave_out: set[Path] | None = None) -> int:
    """Ingest the inbox (but the files in ``leave_out``: still being written), then build. When the warehouse
    was complete before (orchestration/build_state.py), only what the newly loaded files change is rebuilt:
    the assets downstream of the raw tables they went into, with their checks; nothing new, nothing to
    build."""
    from orchestration import build_state
    from orchestration.ingestion import iter_files

    paths = ([p for p in iter_files([settings.inbox]) if p.resolve() not in leave_out] if leave_out
             else [settings.inbox])
    ingested = _ingest_paths(paths, None, skip_loaded=True)
    code = _exit_code(ingested)
    if not (all(result.success for result in ingested) and build_state.warehouse_is_complete(settings)):
        return max(code, _exit_code([_execute("build")]))
    changed = _loaded_raw_assets(ingested)
    if not changed:
        print("nothing new was loaded: the warehouse and the serving copy are up to date "
              "(`workforce build` rebuilds them)", flush=True)
        return code
    # the incremental models add the new submissions' records rather than rebuild (orchestration/assets/dbt.py)
    incremental = {"workforce_dbt_models": {"full_refresh": False}}
    return max(code, _exit_code([_execute("build", incremental, downstream_of=changed)]))


def _watch(args: argparse.Namespace) -> int:
    """`workforce run` each time files arrive in the inbox, in one resident process (orchestration/watch.py)."""
    import threading

    from orchestration import build_state, watch
    from orchestration.assets.checks import preload_suite

    settings = Settings.from_env().ensure()
    project = build_state.project_fingerprint()
    _prestart_dbt(settings)
    preload_suite()  # Great Expectations' import, while waiting rather than in the first build
    stop = threading.Event()
    watch.stop_on_signals(stop)
    print(f"watching {settings.inbox} (Ctrl+C to stop); the warehouse is brought up to date first", flush=True)

    def run_once(being_written: set[Path]) -> int:
        try:
            return _run_inbox(settings, leave_out=being_written)
        finally:
            _prestart_dbt(settings, keep_unused=True)  # warm for the next files

    return watch.watch(settings.inbox.resolve(), run_once, lambda: build_state.project_fingerprint() == project,
                       stop)


def _prestart_dbt(settings: Settings, keep_unused: bool = False) -> None:
    """Start dbt (orchestration/dbt_worker.py) now, on the other core, so that it has imported and parsed the
    project by the time the build needs it. ``keep_unused``: keep one started earlier and not yet used."""
    from orchestration import dbt_worker

    dbt_worker.prestart(DBT_PROJECT_DIR, settings.home / "dbt", settings.warehouse, keep_unused=keep_unused)


def _loaded_raw_assets(results) -> set:
    """The raw assets that these ingest runs loaded at least one file into. A file of any kind also gets its
    row in raw.submissions and its issues in raw.validation_issues, which the published statistics' asset
    does not name."""
    from dagster import AssetKey

    from orchestration.assets.ingest import EVERY_RETURN_TABLES, return_types_changed

    loaded = {key for key, metadata in _materializations(results)
              if "files_loaded" not in metadata or metadata["files_loaded"].value > 0}
    if return_types_changed(loaded):
        loaded |= {AssetKey(["raw", table]) for table in EVERY_RETURN_TABLES}
    return loaded


def _materializations(results):
    """(asset key, metadata) of every materialization the runs recorded."""
    for result in results:
        for event in result.get_asset_materialization_events():
            yield event.asset_key, event.event_specific_data.materialization.metadata


def _existing(paths: list[Path], command: str) -> list[Path] | None:
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        print(f"workforce {command}: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return None
    return [p.resolve() for p in paths]


def _ingest_paths(paths: list[Path], expected_la: str | None, skip_loaded: bool = False) -> list:
    """Published files in one run; the returns in one run too: for a single file, its partition (LA x census
    year); for more, one batch run that records a materialization for each partition it loads."""
    from orchestration.ingestion import iter_files
    from orchestration.partitions import HEAD_BYTES, recognise, route

    published, returns = [], []
    for path in iter_files(paths):
        with path.open("rb") as handle:
            kind = recognise(handle.read(HEAD_BYTES), path.name)
        (published if kind == "ees_csv" else returns).append(str(path))
    print(f"ingesting {len(published) + len(returns)} file(s)", flush=True)
    published_config = {"paths": published, "expected_la": expected_la, "skip_loaded": skip_loaded}
    returns_config = {"paths": returns, "expected_la": expected_la, "skip_loaded": skip_loaded}
    if len(returns) == 1:
        results = [_execute("ingest_return", {"returns": returns_config},
                            partition_key=route(Path(returns[0])).partition_key)]
        if published:
            results.append(_execute("ingest_published", {"raw__published_indicators": published_config}))
    elif returns and published:  # a batch: one run, no single partition
        results = [_execute("ingest_batch", {"returns": returns_config,
                                             "raw__published_indicators": published_config})]
    elif returns:
        results = [_execute("ingest_return", {"returns": returns_config})]
    elif published:
        results = [_execute("ingest_published", {"raw__published_indicators": published_config})]
    else:
        results = []  # nothing to ingest
    return results


def _report(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    reports = sorted(settings.reports.glob(f"{args.la_code}_{args.year}_*.html"), key=lambda p: p.stat().st_mtime)
    if not reports:
        print(f"no validation report for LA {args.la_code} and {args.year} in {settings.reports}")
        return 1
    latest = reports[-1]
    print(f"HTML: {latest}\nXLSX: {latest.with_suffix('.xlsx')}")
    return 0


def _export_ees(args: argparse.Namespace) -> int:
    if not Settings.from_env().serving.exists():
        print("workforce export: no serving copy yet: run `workforce run` (or `make demo`) first", file=sys.stderr)
        return 1
    config = {"out_dir": str(args.out_dir.resolve()), "name": args.name, "source": args.source}
    return _exit_code([_execute("export_ees", {"exports__ees_indicators": config})])


def _template(args: argparse.Namespace) -> int:
    from validation.workbook_template import write_template

    try:
        path = write_template(args.out, args.la_code, args.year, quarterly_period_end=args.quarter_end)
    except ValueError as exc:
        print(f"workforce template: {exc}", file=sys.stderr)
        return 2
    print(f"wrote the {args.year} workbook for LA {args.la_code} to {path}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from demodata.region import generate_region
    from demodata.workbook import generate_region_workbooks

    settings = Settings.from_env().ensure()
    files = generate_region(args.region, years=DEMO_YEARS, out_dir=settings.inbox, seed=args.seed)
    print(f"generated {len(files)} demonstration returns into {settings.inbox}")
    books = generate_region_workbooks(args.region, years=DEMO_YEARS, out_dir=settings.inbox, seed=args.seed)
    print(f"generated {len(books)} regional workbooks (R2: teams, non-social-worker staff) into {settings.inbox}")
    shutil.copy(PUBLISHED_INDICATORS, settings.inbox / PUBLISHED_INDICATORS.name)
    print(f"added the published national statistics ({PUBLISHED_INDICATORS.name}) as the England comparator")
    code = _run(args)
    print(
        "\nThe demonstration warehouse is ready."
        f"\n  serving copy:  {settings.serving}"
        "\n  dashboard:     .venv/bin/workforce dashboard      then open http://localhost:8501"
        "\n  Dagster UI:    make dagster                       then open http://localhost:3000"
        f"\n  reports:       {settings.reports}"
    )
    created = cli_users.ensure_demo_users(settings.users_file)
    if created:
        print(f"\nDemonstration users (passwords shown once; stored hashed in {settings.users_file}):")
        for username, password in created.items():
            print(f"  {username:<9} {password}   ({cli_users.DEMO_USERS[username][0]})")
    else:
        print(f"\nSign in with the users of {settings.users_file} (`workforce users list`; add one with "
              "`workforce users add`).")
    return code


def _dashboard(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    if not settings.serving.exists():
        print(f"no serving copy at {settings.serving}: run `workforce run` (or `make demo`) first", file=sys.stderr)
        return 1
    streamlit = Path(sys.executable).with_name("streamlit")
    command = [str(streamlit), "run", str(PROJECT_ROOT / "dashboards" / "app.py"),
               "--server.headless=true", f"--server.port={args.port}", "--browser.gatherUsageStats=false"]
    print(f"serving the dashboard on http://localhost:{args.port} (Ctrl+C to stop)")
    os.environ["WORKFORCE_HOME"] = str(settings.home)
    return subprocess.call(command, cwd=PROJECT_ROOT)  # .streamlit/config.toml is read from here


# --- running the asset graph ----------------------------------------------------------------------------

def ensure_dbt_manifest() -> Path:
    """Build dbt's manifest (dbt parse) when it is missing or older than the dbt project's files."""
    from orchestration.build_state import project_files

    manifest = DBT_PROJECT_DIR / "target" / "manifest.json"
    newest = max(p.stat().st_mtime for p in project_files())
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        dbt = Path(sys.executable).with_name("dbt")
        subprocess.run([str(dbt), "parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
                        "--profiles-dir", str(DBT_PROJECT_DIR)], check=True, cwd=DBT_PROJECT_DIR)
    return manifest


_INSTANCE = None


def _execute(job_name: str, op_config: dict | None = None, partition_key=None, downstream_of: set | None = None):
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
        job = _downstream_subset(defs, job, downstream_of)
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
    objects that live as long as the process) out of the later garbage collections (see ``main``)."""
    gc.freeze()


def _downstream_subset(defs, job, changed: set):
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


def _exit_code(results) -> int:
    """1 when a run failed, or when any file or row was rejected; else 0."""
    if not all(result.success for result in results):
        return 1
    for _, metadata in _materializations(results):
        if any(metadata[k].value for k in ("files_rejected", "rows_rejected", "errors") if k in metadata):
            return 1
    return 0


if __name__ == "__main__":
    program()
