"""`workforce ingest | validate | build | run | watch`: the commands that run the pipeline on a home.

Each one runs jobs of the definitions in process (``orchestration.cli.runner``); `run` and `watch` build only
what the newly loaded files change when the warehouse was complete before (``pipeline.build_state``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from orchestration.cli.runner import execute, exit_code, loaded_raw_assets
from pipeline.settings import Settings
from reference.paths import DBT_PROJECT_DIR


def register(commands: argparse._SubParsersAction) -> None:
    """Add these commands to the CLI's parser."""
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
    run.set_defaults(handler=run_command)

    watch = commands.add_parser("watch", help="stay running: `run` each time files arrive in inbox/ (Ctrl+C stops)")
    watch.set_defaults(handler=_watch)


def _ingest(args: argparse.Namespace) -> int:
    paths = _existing(args.paths, "ingest")
    if paths is None:
        return 2
    return exit_code(_ingest_paths(paths, args.expected_la))


def _validate(args: argparse.Namespace) -> int:
    paths = _existing(args.paths, "validate")
    if paths is None:
        return 2
    config = {"paths": [str(p) for p in paths], "expected_la": args.expected_la}
    return exit_code([execute("validate", {"reports__validation_only": config})])


def _build(args: argparse.Namespace) -> int:
    _prestart_dbt(Settings.from_env().ensure())
    return exit_code([execute("build")])


def run_command(args: argparse.Namespace) -> int:
    """`workforce run`: ingest the inbox, then build (also the last step of `workforce demo`)."""
    settings = Settings.from_env().ensure()
    _prestart_dbt(settings)
    return _run_inbox(settings)


def _run_inbox(settings: Settings, leave_out: set[Path] | None = None) -> int:
    """Ingest the inbox (but the files in ``leave_out``: still being written), then build. When the warehouse
    was complete before (pipeline/build_state.py), only what the newly loaded files change is rebuilt:
    the assets downstream of the raw tables they went into, with their checks; nothing new, nothing to
    build."""
    from pipeline import build_state
    from pipeline.ingestion import iter_files

    paths = ([p for p in iter_files([settings.inbox]) if p.resolve() not in leave_out] if leave_out
             else [settings.inbox])
    ingested = _ingest_paths(paths, None, skip_loaded=True)
    code = exit_code(ingested)
    if not (all(result.success for result in ingested) and build_state.warehouse_is_complete(settings)):
        return max(code, exit_code([execute("build")]))
    changed = loaded_raw_assets(ingested)
    if not changed:
        print("nothing new was loaded: the warehouse and the serving copy are up to date "
              "(`workforce build` rebuilds them)", flush=True)
        return code
    # the incremental models add the new submissions' records rather than rebuild (orchestration/assets/dbt.py)
    incremental = {"workforce_dbt_models": {"full_refresh": False}}
    return max(code, exit_code([execute("build", incremental, downstream_of=changed)]))


def _watch(args: argparse.Namespace) -> int:
    """`workforce run` each time files arrive in the inbox, in one resident process (pipeline/watch.py)."""
    import threading

    from orchestration.assets.checks import preload_suite
    from pipeline import build_state, watch

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
    """Start dbt (pipeline/dbt_worker.py) now, on the other core, so that it has imported and parsed the
    project by the time the build needs it. ``keep_unused``: keep one started earlier and not yet used."""
    from pipeline import dbt_worker

    dbt_worker.prestart(DBT_PROJECT_DIR, settings.home / "dbt", settings.warehouse, keep_unused=keep_unused)


def _existing(paths: list[Path], command: str) -> list[Path] | None:
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        print(f"workforce {command}: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return None
    return [p.resolve() for p in paths]


def _ingest_paths(paths: list[Path], expected_la: str | None, skip_loaded: bool = False) -> list:
    """Published files in one run; the returns in one run too: for a single file, its partition (LA x census
    year); for more, one batch run that records a materialization for each partition it loads."""
    from orchestration.partitions import partition_key
    from pipeline.ingestion import iter_files
    from pipeline.recognition import HEAD_BYTES, recognise
    from pipeline.routing import route

    published, returns = [], []
    for path in iter_files(paths):
        with path.open("rb") as handle:
            kind = recognise(handle.read(HEAD_BYTES), path.name)
        (published if kind == "ees_csv" else returns).append(str(path))
    print(f"ingesting {len(published) + len(returns)} file(s)", flush=True)
    published_config = {"paths": published, "expected_la": expected_la, "skip_loaded": skip_loaded}
    returns_config = {"paths": returns, "expected_la": expected_la, "skip_loaded": skip_loaded}
    if len(returns) == 1:
        results = [execute("ingest_return", {"returns": returns_config},
                           partition_key=partition_key(route(Path(returns[0]))))]
        if published:
            results.append(execute("ingest_published", {"raw__published_indicators": published_config}))
    elif returns and published:  # a batch: one run, no single partition
        results = [execute("ingest_batch", {"returns": returns_config,
                                            "raw__published_indicators": published_config})]
    elif returns:
        results = [execute("ingest_return", {"returns": returns_config})]
    elif published:
        results = [execute("ingest_published", {"raw__published_indicators": published_config})]
    else:
        results = []  # nothing to ingest
    return results
