"""`workforce`: the command line. A thin layer: each command selects assets and materialises them.

Exit codes: 0 success; 1 when a file or row was rejected or a check failed (what was accepted is still
loaded); 2 on wrong usage.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from orchestration.settings import DBT_PROJECT_DIR, PROJECT_ROOT, Settings

QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
DEMO_REGION = "E12000001"  # North East: 12 LAs, small enough to run in a minute
DEMO_YEARS = (2024, 2025)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    return args.handler(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workforce", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    ingest = commands.add_parser("ingest", help="archive, validate and load the given files or folders")
    ingest.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    ingest.add_argument("--la", dest="expected_la", help="the LA code the files are submitted for")
    ingest.set_defaults(handler=_ingest)

    build = commands.add_parser("build", help="dbt build (models and tests), checks, publish the serving copy")
    build.set_defaults(handler=_build)

    run = commands.add_parser("run", help="ingest everything in inbox/, then build: the main job")
    run.set_defaults(handler=_run)

    report = commands.add_parser("report", help="print where the validation report for a return is")
    report.add_argument("la_code")
    report.add_argument("year", type=int)
    report.set_defaults(handler=_report)

    demo = commands.add_parser("demo", help="generate the demonstration region into inbox/ and run")
    demo.add_argument("--region", default=DEMO_REGION, help="alliance (region) code, default North East")
    demo.add_argument("--seed", type=int, default=2025)
    demo.set_defaults(handler=_demo)

    dashboard = commands.add_parser("dashboard", help="serve the Streamlit dashboard on the serving copy")
    dashboard.add_argument("--port", type=int, default=8501)
    dashboard.set_defaults(handler=_dashboard)
    return parser


# --- commands -------------------------------------------------------------------------------------------

def _ingest(args: argparse.Namespace) -> int:
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        print(f"workforce ingest: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    config = {"paths": [str(p.resolve()) for p in args.paths], "expected_la": args.expected_la}
    result = _materialize(["ingest"], ingest_config=config)
    return _ingest_exit_code(result)


def _build(args: argparse.Namespace) -> int:
    result = _materialize(["build"])
    return 0 if result.success else 1


def _run(args: argparse.Namespace) -> int:
    result = _materialize(["ingest", "build"], ingest_config={"paths": []})
    if not result.success:
        return 1
    return _ingest_exit_code(result)


def _report(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    reports = sorted(settings.reports.glob(f"{args.la_code}_{args.year}_*.html"), key=lambda p: p.stat().st_mtime)
    if not reports:
        print(f"no validation report for LA {args.la_code} and {args.year} in {settings.reports}")
        return 1
    latest = reports[-1]
    print(f"HTML: {latest}\nXLSX: {latest.with_suffix('.xlsx')}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from demodata.region import generate_region

    settings = Settings.from_env().ensure()
    files = generate_region(args.region, years=DEMO_YEARS, out_dir=settings.inbox, seed=args.seed)
    print(f"generated {len(files)} demonstration returns into {settings.inbox}")
    code = _run(args)
    print(
        "\nThe demonstration warehouse is ready."
        f"\n  serving copy:  {settings.serving}"
        "\n  dashboard:     .venv/bin/workforce dashboard      then open http://localhost:8501"
        "\n  Dagster UI:    make dagster                       then open http://localhost:3000"
        f"\n  reports:       {settings.reports}"
    )
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
    manifest = DBT_PROJECT_DIR / "target" / "manifest.json"
    sources = [p for folder in ("models", "macros", "tests") for p in (DBT_PROJECT_DIR / folder).rglob("*")
               if p.is_file()]
    sources += [DBT_PROJECT_DIR / "dbt_project.yml", *(PROJECT_ROOT / "seeds" / "reference").glob("*.csv")]
    newest = max(p.stat().st_mtime for p in sources)
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        dbt = Path(sys.executable).with_name("dbt")
        subprocess.run([str(dbt), "parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
                        "--profiles-dir", str(DBT_PROJECT_DIR)], check=True, cwd=DBT_PROJECT_DIR)
    return manifest


def _materialize(stages: list[str], ingest_config: dict | None = None):
    from dagster import AssetSelection, DagsterInstance, materialize

    settings = Settings.from_env().ensure()
    os.environ["WORKFORCE_HOME"] = str(settings.home)
    os.environ.setdefault("DAGSTER_HOME", str(settings.dagster_home))
    ensure_dbt_manifest()
    from orchestration.definitions import defs

    selection = AssetSelection.groups("__none__")
    if "ingest" in stages:
        selection |= AssetSelection.groups("ingest")
    if "build" in stages:
        selection |= AssetSelection.all() - AssetSelection.groups("ingest")
    run_config: dict = dict(QUIET_LOGS)
    if ingest_config is not None:
        run_config["ops"] = {"ingest_returns": {"config": ingest_config}}
    with DagsterInstance.get() as instance:
        result = materialize(
            assets=list(defs.assets), selection=selection, resources=defs.resources, instance=instance,
            run_config=run_config, raise_on_error=False,
        )
    if not result.success:
        for event in result.all_events:
            if event.is_step_failure and event.step_failure_data.error:
                print(f"FAILED {event.step_key}: {event.step_failure_data.error.message.strip()}", file=sys.stderr)
    return result


def _ingest_exit_code(result) -> int:
    if not result.success:
        return 1
    for event in result.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization
        if materialization.asset_key.path == ["raw", "submissions"]:
            meta = {k: v.value for k, v in materialization.metadata.items()}
            return 1 if meta.get("files_rejected") or meta.get("rows_rejected") else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
