"""The one way the dashboard reads data: the serving copy, read-only, through readers scoped to the viewer.

Pages import this package (``from dashboards import data_access``) and call the readers below; the modules
behind it each hold one thing:

- ``connection``: the serving copy's connection and results cache (``query``, ``page_connection``,
  ``serving_copy_info``, ``indicator_columns``, ``table_exists``), its errors (``DataAccessError``, its message
  safe to show; ``ServingCopyMissing``, ``ServingCopyUnreadable``) and the names of its marts and levels;
- ``viewers``: ``resolve_viewer`` (a signed-in ``Viewer`` completed with their alliance's member LAs);
- ``scoped``: ``indicators``, ``benchmarks``, ``detail``: each takes the ``Viewer`` first and returns only rows
  that viewer may see (``pipeline.access.roles``; public rows rounded and suppressed by
  ``dashboards.disclosure``); every reader by subject is built on them;
- readers by subject: ``indicator_rows`` (years, LAs, an LA beside its region, regions, the EES download's
  rows), ``benchmark_rows`` (region overview, LA profile), ``submission_rows`` (files received, issues,
  reports, who has sent their return), ``caseload_rows``.

Readers return data and codes, never wording: the words people read are the pages' and their table modules'.
Every reader takes an optional ``path`` (default: ``Settings.from_env().serving``), so it can be used outside
Streamlit and in tests.
"""

from dashboards.data_access.benchmark_rows import BENCHMARK_COLUMNS, la_profile, region_overview
from dashboards.data_access.caseload_rows import (
    annual_workbooks,
    caseload_distribution,
    caseload_limits,
    team_caseloads,
)
from dashboards.data_access.connection import (
    CASELOAD_DISTRIBUTION,
    CASELOAD_LIMITS,
    INDICATORS,
    LA_LEVEL,
    LONDON,
    LONDON_PARTS,
    NATIONAL_LEVEL,
    REGION_LEVEL,
    SUBMISSIONS,
    TEAM_CASELOADS,
    VALIDATION_ISSUES,
    DataAccessError,
    ServingCopyInfo,
    ServingCopyMissing,
    ServingCopyUnreadable,
    indicator_columns,
    page_connection,
    query,
    serving_copy_info,
    serving_path,
    table_exists,
)
from dashboards.data_access.indicator_rows import (
    available_years,
    ees_source_rows,
    la_and_region,
    local_authorities,
    regions,
    returns_years,
)
from dashboards.data_access.scoped import benchmarks, detail, indicators
from dashboards.data_access.submission_rows import (
    REPORT_KINDS,
    ReportNotAvailable,
    report_bytes,
    report_path,
    safe_report_path,
    submission_status,
    submissions,
    validation_issues,
)
from dashboards.data_access.viewers import alliance_members, alliance_of, resolve_viewer

__all__ = [
    "BENCHMARK_COLUMNS", "CASELOAD_DISTRIBUTION", "CASELOAD_LIMITS", "INDICATORS", "LA_LEVEL", "LONDON",
    "LONDON_PARTS", "NATIONAL_LEVEL", "REGION_LEVEL", "REPORT_KINDS", "SUBMISSIONS", "TEAM_CASELOADS",
    "VALIDATION_ISSUES", "DataAccessError", "ReportNotAvailable", "ServingCopyInfo", "ServingCopyMissing",
    "ServingCopyUnreadable", "alliance_members", "alliance_of", "annual_workbooks", "available_years",
    "benchmarks", "caseload_distribution", "caseload_limits", "detail", "ees_source_rows", "indicator_columns",
    "indicators", "la_and_region", "la_profile", "local_authorities", "page_connection", "query",
    "region_overview", "regions", "report_bytes", "report_path", "resolve_viewer", "returns_years",
    "safe_report_path", "serving_copy_info", "serving_path", "submission_status", "submissions", "table_exists",
    "team_caseloads", "validation_issues",
]
