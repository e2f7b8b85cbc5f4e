"""Readers of the Caseloads page: scoped through ``detail()``; ``marts.caseload_limits`` holds no LA rows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dashboards.data_access.connection import (
    CASELOAD_DISTRIBUTION,
    CASELOAD_LIMITS,
    SUBMISSIONS,
    TEAM_CASELOADS,
    query,
    table_exists,
)
from dashboards.data_access.scoped import detail
from pipeline.access.roles import Viewer


def caseload_limits(path: Path | None = None) -> pd.DataFrame:
    """The safe caseload limits in force (``marts.caseload_limits``: reference data, no LA figures, so every
    role may read it). Empty if the serving copy has no such table."""
    if not table_exists(CASELOAD_LIMITS, path):
        return pd.DataFrame(columns=["limit_code", "applies_to", "caseload_limit", "description"])
    return query(f"select * from {CASELOAD_LIMITS} order by applies_to desc, caseload_limit, limit_code", {}, path)


def caseload_distribution(viewer: Viewer, old_la_code: str, year: int, path: Path | None = None) -> pd.DataFrame:
    """The LA's ``marts.caseload_distribution`` rows for a year, if the viewer may see its detail (else empty)."""
    return detail(viewer, CASELOAD_DISTRIBUTION, "cast(old_la_code as varchar) = $la and time_period = $year",
                  {"la": str(old_la_code), "year": int(year)}, order_by="worker_group, cases30", path=path)


def team_caseloads(viewer: Viewer, old_la_code: str, year: int, path: Path | None = None) -> pd.DataFrame:
    """The LA's ``marts.team_caseloads`` rows for a year, if the viewer may see its detail (else empty)."""
    return detail(viewer, TEAM_CASELOADS, "cast(old_la_code as varchar) = $la and time_period = $year",
                  {"la": str(old_la_code), "year": int(year)}, order_by="team_type", path=path)


def annual_workbooks(viewer: Viewer, old_la_code: str, year: int, path: Path | None = None) -> pd.DataFrame:
    """The LA's annual R2 workbooks for a year that count (not rejected, not superseded), if the viewer may
    see its submissions (else empty): says whether an LA with no Teams rows sent a workbook at all."""
    return detail(viewer, SUBMISSIONS,
                  "cast(old_la_code as varchar) = $la and time_period = $year and return_type = 'workbook' "
                  "and status <> 'rejected' and not superseded and month(period_end) = 9 and day(period_end) = 30",
                  {"la": str(old_la_code), "year": int(year)}, path=path)
