"""`workforce report | template`: where a return's validation report is, and the R2 workbook to fill in."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from pipeline.settings import Settings


def register(commands: argparse._SubParsersAction) -> None:
    """Add these commands to the CLI's parser."""
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


def _report(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    reports = sorted(settings.reports.glob(f"{args.la_code}_{args.year}_*.html"), key=lambda p: p.stat().st_mtime)
    if not reports:
        print(f"no validation report for LA {args.la_code} and {args.year} in {settings.reports}")
        return 1
    latest = reports[-1]
    print(f"HTML: {latest}\nXLSX: {latest.with_suffix('.xlsx')}")
    return 0


def _template(args: argparse.Namespace) -> int:
    from validation.workbook_template import write_template

    try:
        path = write_template(args.out, args.la_code, args.year, quarterly_period_end=args.quarter_end)
    except ValueError as exc:
        print(f"workforce template: {exc}", file=sys.stderr)
        return 2
    print(f"wrote the {args.year} workbook for LA {args.la_code} to {path}")
    return 0
