"""Publish: copy the marts into a new serving file, then rename it over the old one (atomic).

Readers (the dashboard, outside tools) only ever open serving.duckdb read-only; they see the old copy or
the new one, never a half-written file.
"""

from __future__ import annotations

import os
import time

from pipeline import warehouse
from pipeline.settings import Settings

SERVED_SCHEMAS = ("marts",)


def publish_serving_copy(settings: Settings) -> dict[str, int]:
    """Write every table of the served schemas into a new DuckDB file and rename it into place."""
    temporary = settings.serving.with_name(f".serving-{os.getpid()}-{time.time_ns()}.duckdb")
    counts: dict[str, int] = {}
    con = warehouse.connect(settings.warehouse)
    try:
        con.execute(f"attach '{temporary}' as serving")
        for schema in SERVED_SCHEMAS:
            con.execute(f"create schema if not exists serving.{schema}")
            for table in warehouse.table_names(schema, con):
                con.execute(f"create table serving.{schema}.{table} as select * from {schema}.{table}")
                counts[f"{schema}.{table}"] = con.execute(
                    f"select count(*) from serving.{schema}.{table}").fetchall()[0][0]
        con.execute("detach serving")
    except Exception:
        temporary.unlink(missing_ok=True)
        raise
    finally:
        con.close()
    os.replace(temporary, settings.serving)
    return counts
