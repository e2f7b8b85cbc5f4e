"""Where the product keeps a home's files (``WORKFORCE_HOME``), read from the environment.

Plain Python (no Dagster import), used by the pipeline, the Dagster layer, the CLI and the dashboard. The
project's own paths (the dbt project, the seeds) are ``reference.paths``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# The Dagster instance of one WORKFORCE_HOME. DuckDB takes one writer at a time: one run at a time, and one
# step at a time in the "warehouse_writer" pool. The event log is Dagster's SQLite one, keeping its connections
# open (orchestration/event_log_storage.py); runs, schedules and the rest are Dagster's defaults.
DAGSTER_YAML = """\
telemetry:
  enabled: false
concurrency:
  runs:
    max_concurrent_runs: 1
  pools:
    default_limit: 1
event_log_storage:
  module: orchestration.event_log_storage
  class: WorkforceEventLogStorage
"""
# What earlier versions wrote: a home with one of these, unedited, gets the current file
EARLIER_DAGSTER_YAML = (
    "telemetry:\n  enabled: false\nconcurrency:\n  runs:\n    max_concurrent_runs: 1\n  pools:\n    default_limit: 1\n",
)


@dataclass(frozen=True)
class Settings:
    """Paths under WORKFORCE_HOME (see outputs.md, "Where data lives")."""

    home: Path

    @classmethod
    def from_env(cls) -> Settings:
        return cls(home=Path(os.environ.get("WORKFORCE_HOME", "data")).resolve())

    @property
    def inbox(self) -> Path:
        return self.home / "inbox"

    @property
    def archive(self) -> Path:
        return self.home / "archive"

    @property
    def quarantine(self) -> Path:
        return self.home / "quarantine"

    @property
    def warehouse_dir(self) -> Path:
        return self.home / "warehouse"

    @property
    def warehouse(self) -> Path:
        return self.warehouse_dir / "warehouse.duckdb"

    @property
    def serving(self) -> Path:
        return self.warehouse_dir / "serving.duckdb"

    @property
    def reports(self) -> Path:
        return self.home / "reports"

    @property
    def exports(self) -> Path:
        return self.home / "exports"

    @property
    def users_file(self) -> Path:
        """The dashboard's local users file (hashed passwords, roles): ``WORKFORCE_USERS_FILE`` if set, else
        ``users.toml`` in the home."""
        override = os.environ.get("WORKFORCE_USERS_FILE")
        return Path(override).resolve() if override else self.home / "users.toml"

    @property
    def dagster_home(self) -> Path:
        return self.home / "dagster"

    def ensure(self) -> Settings:
        """Create every folder the product writes to (first use)."""
        for folder in (self.inbox, self.archive, self.quarantine, self.warehouse_dir, self.reports,
                       self.exports, self.dagster_home):
            folder.mkdir(parents=True, exist_ok=True)
        dagster_yaml = self.dagster_home / "dagster.yaml"
        if not dagster_yaml.exists() or dagster_yaml.read_text() in EARLIER_DAGSTER_YAML:
            dagster_yaml.write_text(DAGSTER_YAML)
        return self
