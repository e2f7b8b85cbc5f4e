"""`workforce dashboard`: serve the Streamlit dashboard on this home's serving copy."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from pipeline.settings import Settings
from reference.paths import PROJECT_ROOT


def register(commands: argparse._SubParsersAction) -> None:
    """Add the ``dashboard`` command to the CLI's parser."""
    dashboard = commands.add_parser("dashboard", help="serve the Streamlit dashboard on the serving copy")
    dashboard.add_argument("--port", type=int, default=8501)
    dashboard.set_defaults(handler=_dashboard)


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
