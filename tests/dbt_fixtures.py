"""Build the real dbt project on a small raw layer, for tests (no mocks).

``build_warehouse(workdir, rows)`` creates a DuckDB file under ``workdir``, creates the raw tables with
``pipeline.warehouse.create_raw_tables``, inserts the given rows, closes it, runs the real
``dbt build`` (models, seeds and every dbt data test; the unit tests run in test_dbt_unit_tests.py) with a
private target and log path, and returns a
``BuiltWarehouse`` whose ``query`` opens the file read-only.

Row helpers (``worker``, ``la_level``, ``submission``) fill the raw columns a test does not care about.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from pipeline.warehouse import create_raw_tables, raw_columns
from reference.paths import DBT_PROJECT_DIR

RawRows = Mapping[str, pd.DataFrame | Iterable[Mapping[str, Any]]]


def census_dates(year: int) -> tuple[dt.date, dt.date]:
    """(S, R): the first day of census year ``year`` and its reference date."""
    return dt.date(year - 1, 10, 1), dt.date(year, 9, 30)


def submission(
    submission_id: str,
    old_la_code: str,
    census_year: int,
    arrived_at: dt.datetime,
    status: str = "accepted",
    return_type: str = "csww_xml",
) -> dict[str, Any]:
    """A raw.submissions row."""
    return {
        "submission_id": submission_id,
        "return_type": return_type,
        "file_name": f"{old_la_code}_{census_year}_{submission_id}.xml",
        "archive_path": f"archive/{submission_id}",
        "old_la_code": old_la_code,
        "census_year": census_year,
        "period_end": dt.date(census_year, 9, 30),
        "arrived_at": arrived_at,
        "status": status,
        "rows_received": 0,
        "rows_accepted": 0,
        "rows_rejected": 0,
        "error_count": 0,
        "warning_count": 0,
    }


def worker(submission_id: str, old_la_code: str, census_year: int, record_number: int, **items: Any) -> dict:
    """A raw.csww_workers row: a non-agency worker in post since 2015 with FTE 1, unless ``items`` say otherwise.

    Each record gets its own worker_ref (so its own headcount key) unless ``worker_ref`` is given.
    """
    row: dict[str, Any] = {
        "submission_id": submission_id,
        "old_la_code": old_la_code,
        "census_year": census_year,
        "line": 10 + record_number,
        "record_number": record_number,
        "agency_worker": 0,
        "worker_ref": f"ref-{old_la_code}-{census_year}-{record_number}",
        "fte": 1.0,
        "birth_month": "1985-06",
        "sex": "F" if census_year >= 2024 else None,
        "gender_current": 2 if census_year < 2024 else None,
        "ethnicity": "WBRI",
        "org_role": 5,
        "role_start_date": dt.date(2015, 1, 1),
        "role_end_date": None,
        "fte30": None,
        "cases30": 0,
        "working_days_lost": 0.0,
    }
    row.update(items)
    return row


def la_level(
    submission_id: str, old_la_code: str, census_year: int, vacancies: float | None, agency_cover: float | None
) -> dict[str, Any]:
    """A raw.csww_la_level row (NumberOfVacancies, NoAgencyFTE)."""
    return {
        "submission_id": submission_id,
        "old_la_code": old_la_code,
        "census_year": census_year,
        "number_of_vacancies": vacancies,
        "no_agency_fte": agency_cover,
    }


@dataclass
class BuiltWarehouse:
    """A DuckDB file on which ``dbt build`` has built every model; ``results`` is its run_results.json."""

    path: Path
    seconds: float
    results: list[dict[str, Any]] = field(default_factory=list)

    def failed_tests(self) -> list[str]:
        """The dbt tests that did not pass, with their message."""
        return [f"{r['unique_id']}: {r['message']}" for r in self.results if r["status"] != "pass"
                and r["unique_id"].startswith("test.")]

    def query(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        with duckdb.connect(str(self.path), read_only=True) as con:
            return con.execute(sql, params or []).df()

    def row(self, sql: str, params: list[Any] | None = None) -> dict[str, Any]:
        """The one row the query returns, as a dict of Python values (null is None; fails unless one row)."""
        with duckdb.connect(str(self.path), read_only=True) as con:
            cursor = con.execute(sql, params or [])
            names = [c[0] for c in cursor.description]
            rows = cursor.fetchall()
        assert len(rows) == 1, f"expected one row, got {len(rows)}: {rows}"
        return dict(zip(names, rows[0], strict=True))

    def indicators(self, geographic_level: str, code: str, time_period: int) -> dict[str, Any]:
        """The marts.workforce_indicators row of one LA (old_la_code) or one region (region_code)."""
        column = "old_la_code" if geographic_level == "Local authority" else "region_code"
        return self.row(
            f"select * from marts.workforce_indicators where geographic_level = ? and {column} = ? "
            "and time_period = ? and source = 'returns'",
            [geographic_level, code, time_period],
        )


def insert_raw(con: duckdb.DuckDBPyConnection, rows: RawRows) -> None:
    """Insert rows (DataFrames or dicts) into the raw tables, by column name; missing columns are null."""
    for table, data in rows.items():
        frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame(list(data))
        if frame.empty:
            continue
        frame = frame.reindex(columns=raw_columns(con, table)).astype(object)
        frame = frame.where(frame.notna(), None)
        con.register("incoming_rows", frame)
        con.execute(f"insert into raw.{table} by name select * from incoming_rows")
        con.unregister("incoming_rows")


def dbt_executable() -> str:
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def run_dbt_build(warehouse: Path, workdir: Path) -> list[dict[str, Any]]:
    """Run the real ``dbt build`` on ``warehouse`` with private target and log paths; fail with its output."""
    env = dict(os.environ)
    env["WORKFORCE_WAREHOUSE_PATH"] = str(warehouse)
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    target = workdir / "target"
    command = [
        dbt_executable(), "build",
        "--exclude-resource-type", "unit_test",  # as the pipeline builds: the unit tests run once, on their own
        "--project-dir", str(DBT_PROJECT_DIR),
        "--profiles-dir", str(DBT_PROJECT_DIR),
        "--target-path", str(target),
        "--log-path", str(workdir / "logs"),
        "--threads", "4",
    ]
    completed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)
    results_file = target / "run_results.json"
    results = json.loads(results_file.read_text())["results"] if results_file.exists() else []
    # A failing test on the mart only leaves the models built: it is reported by the test that checks the
    # build's results (failed_tests), and the other tests still say which numbers are wrong. A model that
    # errored or was skipped (dbt build skips what depends on a failing test) fails here, listing the failures.
    broken = [r for r in results if not r["unique_id"].startswith("test.") and r["status"] not in ("success", "pass")]
    if not results or broken:
        problems = "\n".join(
            f"{r['status']}: {r['unique_id']}: {r['message']}" for r in results if r["status"] in ("error", "fail")
        )
        raise AssertionError(
            f"dbt build failed ({completed.returncode}):\n{problems or completed.stdout[-5000:]}\n{completed.stderr}"
        )
    return results


def build_warehouse(workdir: Path, rows: RawRows | None = None) -> BuiltWarehouse:
    """Create the raw layer in a new DuckDB file under ``workdir``, load ``rows``, and run ``dbt build``."""
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        create_raw_tables(con)
        insert_raw(con, rows or {})
    started = time.perf_counter()
    results = run_dbt_build(path, workdir)
    return BuiltWarehouse(path=path, seconds=time.perf_counter() - started, results=results)
