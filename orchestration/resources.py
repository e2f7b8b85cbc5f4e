"""Dagster resources, configured from the environment (WORKFORCE_HOME)."""

from __future__ import annotations

import os
from pathlib import Path

from dagster import ConfigurableResource

from pipeline.settings import Settings


class WorkforceConfig(ConfigurableResource):
    """Where the product keeps its files (outputs.md, "Where data lives")."""

    home: str

    @classmethod
    def from_env(cls) -> WorkforceConfig:
        return cls(home=str(Settings.from_env().home))

    def settings(self) -> Settings:
        return Settings(home=Path(self.home).resolve()).ensure()

    def export_warehouse_path(self) -> Path:
        """Point dbt's profile (env var WORKFORCE_WAREHOUSE_PATH) at this home's warehouse."""
        path = self.settings().warehouse
        os.environ["WORKFORCE_WAREHOUSE_PATH"] = str(path)
        return path
