"""`workforce export ees OUT_DIR`: the EES data file and its .meta.csv from the serving copy."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from orchestration.cli.runner import execute, exit_code
from pipeline.settings import Settings


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ``export`` command and its kinds to the CLI's parser."""
    export = commands.add_parser("export", help="write published files (export ees OUT_DIR)")
    export_kinds = export.add_subparsers(dest="kind", metavar="KIND", required=True)
    ees = export_kinds.add_parser("ees", help="the EES data file and its .meta.csv")
    ees.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    ees.add_argument("--name", default="csww_regional_indicators", help="file name without .csv")
    ees.add_argument("--source", choices=["returns", "published"], default="returns")
    ees.set_defaults(handler=_export_ees)


def _export_ees(args: argparse.Namespace) -> int:
    if not Settings.from_env().serving.exists():
        print("workforce export: no serving copy yet: run `workforce run` (or `make demo`) first", file=sys.stderr)
        return 1
    config = {"out_dir": str(args.out_dir.resolve()), "name": args.name, "source": args.source}
    return exit_code([execute("export_ees", {"exports__ees_indicators": config})])
