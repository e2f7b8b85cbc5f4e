"""The three scoped readers every other reader builds on: indicator rows, benchmark rows and detail rows.

Each takes the ``Viewer`` first and adds the role's SQL filter (``pipeline.access.roles``) to the page's own
condition, so a page receives only rows its viewer may see; public indicator rows are rounded and suppressed
(``dashboards.disclosure``) before they leave. Pages never call ``query()`` with their own filters on who may
see what: they call these, or the readers by subject built on them.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from dashboards.data_access.connection import INDICATORS, query, table_exists
from dashboards.disclosure import public_indicators
from pipeline.access.roles import Viewer, benchmark_filter, benchmarks_table, detail_filter, indicator_filter


def indicators(viewer: Viewer, where: str = "true", params: Mapping[str, Any] | None = None,
               order_by: str = "time_period, geographic_level, region_code, old_la_code",
               path: Path | None = None) -> pd.DataFrame:
    """Rows of ``marts.workforce_indicators`` matching ``where`` that the viewer may see.

    ``where`` is the page's own condition (with ``$name`` parameters in ``params``); the role's filter is
    always added. For a public viewer the rows are rounded and suppressed (``public_indicators``).
    """
    sql = f"select * from {INDICATORS} where ({where}) and {indicator_filter(viewer)} order by {order_by}"
    rows = query(sql, params or {}, path)
    return public_indicators(rows) if viewer.is_public else rows


def benchmarks(viewer: Viewer, where: str = "true", params: Mapping[str, Any] | None = None,
               order_by: str = "time_period, old_la_code, measure", path: Path | None = None) -> pd.DataFrame:
    """Rows of the benchmarks mart this viewer reads (``marts.benchmarks_published`` for public) that
    match ``where`` and that the viewer may see. Empty if the serving copy has no such table."""
    table = benchmarks_table(viewer)
    if not table_exists(table, path):
        return pd.DataFrame()
    sql = f"select * from {table} where ({where}) and {benchmark_filter(viewer)} order by {order_by}"
    return query(sql, params or {}, path)


def detail(viewer: Viewer, table: str, where: str = "true", params: Mapping[str, Any] | None = None,
           order_by: str | None = None, la_column: str = "old_la_code", path: Path | None = None) -> pd.DataFrame:
    """Rows of a worker-level or per-LA detail table (caseload distribution, team caseloads, submissions,
    validation issues) restricted to the LAs whose detail the viewer may see: none for public, their own
    LA for ``la``, the alliance for ``analyst``. Empty if the serving copy has no such table."""
    if not table_exists(table, path):
        return pd.DataFrame()
    order = f" order by {order_by}" if order_by else ""
    sql = f"select * from {table} where ({where}) and {detail_filter(viewer, la_column)}{order}"
    return query(sql, params or {}, path)
