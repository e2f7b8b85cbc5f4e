"""`workforce demo`: generate the demonstration region into the inbox, run the pipeline, make demo users."""

from __future__ import annotations

import argparse
import shutil

from orchestration.cli.runs import run_command
from pipeline.access.users import DEMO_USERS, ensure_demo_users
from pipeline.settings import Settings
from reference.paths import PUBLISHED_INDICATORS

DEMO_REGION = "E12000001"  # North East: 12 LAs, small enough to run in a minute
DEMO_YEARS = (2024, 2025)


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ``demo`` command to the CLI's parser."""
    demo = commands.add_parser("demo", help="generate the demonstration region into inbox/ and run")
    demo.add_argument("--region", default=DEMO_REGION, help="alliance (region) code, default North East")
    demo.add_argument("--seed", type=int, default=2025)
    demo.set_defaults(handler=_demo)


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
    code = run_command(args)
    print(
        "\nThe demonstration warehouse is ready."
        f"\n  serving copy:  {settings.serving}"
        "\n  dashboard:     .venv/bin/workforce dashboard      then open http://localhost:8501"
        "\n  Dagster UI:    make dagster                       then open http://localhost:3000"
        f"\n  reports:       {settings.reports}"
    )
    created = ensure_demo_users(settings.users_file)
    if created:
        print(f"\nDemonstration users (passwords shown once; stored hashed in {settings.users_file}):")
        for username, password in created.items():
            print(f"  {username:<9} {password}   ({DEMO_USERS[username][0]})")
    else:
        print(f"\nSign in with the users of {settings.users_file} (`workforce users list`; add one with "
              "`workforce users add`).")
    return code
