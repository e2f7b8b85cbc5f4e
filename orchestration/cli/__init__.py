"""`workforce`: the command line. A thin layer: each command selects assets and materialises them.

Exit codes: 0 success; 1 when a file or row was rejected or a check failed (what was accepted is still
loaded); 2 on wrong usage.

One module per command group (``runs``: ingest, validate, build, run, watch; ``returns``: report,
template; ``export``; ``demo``; ``dashboard``; ``users``), each adding its commands with ``register``; what
they share to run the asset graph is ``orchestration.cli.runner``.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import os
import sys

from orchestration.cli import dashboard, demo, export, returns, runs, users
from orchestration.cli.runner import GC_THRESHOLDS, dispose_instance

COMMAND_GROUPS = (runs, returns, export, demo, dashboard, users)


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
    dispose_instance()
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workforce", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in COMMAND_GROUPS:
        group.register(commands)
    return parser
