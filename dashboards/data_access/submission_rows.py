"""Readers of the pages "Submissions and data quality" and "Region overview" (who has sent their return).

Every one goes through the scoped readers (``detail`` for submissions, issues and reports), so a viewer
receives only the LAs their role allows: none for public, their own LA for ``la``, the alliance for
``analyst``. Report files are read only from a path found in a submissions row the viewer may see, and only
from inside ``$WORKFORCE_HOME/reports``. Readers return codes (outcomes, kinds of return); the words people
read for them are the pages' (``dashboards.submission_tables``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from dashboards.data_access.connection import (
    INDICATORS,
    LA_LEVEL,
    SUBMISSIONS,
    VALIDATION_ISSUES,
    DataAccessError,
    query,
    table_exists,
)
from dashboards.data_access.scoped import detail
from pipeline.access.roles import Viewer
from pipeline.settings import Settings
from reference.status import worst_status

REPORT_KINDS = ("html", "xlsx")


class ReportNotAvailable(DataAccessError):
    """A validation report cannot be offered: not the viewer's, not recorded, missing, or outside reports/."""


def submissions(viewer: Viewer, where: str = "true", params: Mapping[str, Any] | None = None,
                path: Path | None = None) -> pd.DataFrame:
    """Rows of ``marts.submissions`` (one per file received) of the viewer's detail LAs, matching ``where``;
    files with no LA (published statistics, unreadable files) are never included."""
    return detail(viewer, SUBMISSIONS, where, params,
                  order_by="old_la_code, time_period, period_end, return_type, arrived_at desc", path=path)


def validation_issues(viewer: Viewer, where: str = "true", params: Mapping[str, Any] | None = None,
                      path: Path | None = None) -> pd.DataFrame:
    """Rows of ``marts.validation_issues`` (``old_la_code`` names the LA) of the viewer's detail LAs."""
    return detail(viewer, VALIDATION_ISSUES, where, params,
                  order_by="old_la_code, time_period, file, severity, line nulls first, rule_code", path=path)


def safe_report_path(stored: object, reports_dir: Path) -> Path:
    """The report file a stored path names, if it is an existing .html or .xlsx file inside ``reports_dir``
    (symbolic links and ``..`` resolved first); else ``ReportNotAvailable``. A relative path is taken as
    relative to ``reports_dir``."""
    if not isinstance(stored, str) or not stored.strip():
        raise ReportNotAvailable("No validation report is recorded for this return.")
    reports = Path(reports_dir).resolve()
    candidate = Path(stored)
    resolved = (candidate if candidate.is_absolute() else reports / candidate).resolve()
    if not resolved.is_relative_to(reports) or resolved == reports:
        raise ReportNotAvailable("This report is not in the reports folder, so it is not offered.")
    if resolved.suffix.lower() not in {f".{kind}" for kind in REPORT_KINDS}:
        raise ReportNotAvailable("This file is not a validation report.")
    if not resolved.is_file():
        raise ReportNotAvailable(f"The report file {resolved.name} is no longer in the reports folder.")
    return resolved


def report_path(viewer: Viewer, submission_id: str, kind: str, path: Path | None = None,
                reports_dir: Path | None = None) -> Path:
    """The validation report (``kind`` 'html' or 'xlsx') of a submission the viewer may see, checked by
    ``safe_report_path`` against ``reports_dir`` (default ``$WORKFORCE_HOME/reports``)."""
    if kind not in REPORT_KINDS:
        raise ValueError(f"kind must be one of {REPORT_KINDS}, not {kind!r}")
    rows = submissions(viewer, "submission_id = $id", {"id": str(submission_id)}, path)
    if rows.empty:
        raise ReportNotAvailable("There is no return with that checksum that your role lets you see.")
    return safe_report_path(rows.iloc[0][f"report_{kind}"], reports_dir or Settings.from_env().reports)


def report_bytes(viewer: Viewer, submission_id: str, kind: str, path: Path | None = None,
                 reports_dir: Path | None = None) -> bytes:
    """The bytes of a validation report the viewer may see (see ``report_path``)."""
    return report_path(viewer, submission_id, kind, path, reports_dir).read_bytes()


def submission_status(viewer: Viewer, year: int, path: Path | None = None) -> pd.DataFrame:
    """Whether each LA of the viewer's alliance has sent its return for a census year: one row per member LA,
    old_la_code, la_name, status (the worst outcome of its current returns, ``reference.status.STATUSES``; a
    rejected file counts only when nothing else arrived; None when nothing arrived), returns (the kinds that
    arrived and were loaded, as a sorted tuple of return types: csww_xml, workbook), received (date of the
    latest current return), and errors and warnings (counts) ONLY for the LAs whose detail the viewer may see
    (else null). Empty for public viewers.

    Whether an LA has sent its return is an alliance-level fact every member may see (the rug shows it anyway:
    its rows are computed from returns or published figures); what went wrong in another LA's return is
    detail, so an ``la`` viewer gets only the outcome of the other LAs' returns: no file names, no counts, no
    reports (those are on the Submissions page, for the viewer's detail LAs only).
    """
    columns = ["old_la_code", "la_name", "status", "returns", "received", "errors", "warnings"]
    las = sorted(viewer.la_level_las())
    if viewer.is_public or not las or not table_exists(SUBMISSIONS, path):
        return pd.DataFrame(columns=columns).astype({"errors": "Int64", "warnings": "Int64"})
    sql = f"""
        with members as (select unnest($las) as old_la_code),
        names as (
            select cast(old_la_code as varchar) as old_la_code, arg_max(la_name, time_period) as la_name
            from {INDICATORS}
            where geographic_level = $level and list_contains($las, cast(old_la_code as varchar))
            group by 1
        ),
        current_returns as (
            select cast(old_la_code as varchar) as old_la_code, return_type, status, arrived_at,
                   error_count, warning_count
            from {SUBMISSIONS}
            where time_period = $year and not superseded and list_contains($las, cast(old_la_code as varchar))
        )
        select members.old_la_code, names.la_name, current_returns.return_type, current_returns.status,
               current_returns.arrived_at, current_returns.error_count, current_returns.warning_count
        from members
        left join names on members.old_la_code = names.old_la_code
        left join current_returns on members.old_la_code = current_returns.old_la_code
        order by names.la_name, members.old_la_code
    """
    rows = query(sql, {"las": las, "year": int(year), "level": LA_LEVEL}, path)
    return _summarise_submissions(viewer, rows, columns)


def _summarise_submissions(viewer: Viewer, rows: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """One row per LA from its current returns (rejected files count only when nothing else arrived)."""
    out: list[dict[str, Any]] = []
    for code, group in rows.groupby("old_la_code", sort=False):
        name = next((n for n in group["la_name"] if isinstance(n, str)), str(code))
        got = group[group["status"].notna()]
        loaded = got[got["status"] != "rejected"]
        used = loaded if not loaded.empty else got
        record: dict[str, Any] = {"old_la_code": str(code), "la_name": name, "status": None,
                                  "returns": (), "received": None, "errors": None, "warnings": None}
        if not used.empty:
            record["status"] = str(worst_status(used["status"]))
            record["returns"] = tuple(sorted({str(k) for k in loaded["return_type"]}))
            record["received"] = pd.Timestamp(used["arrived_at"].max()).date()
            if viewer.may_see_detail(code):
                record["errors"] = int(used["error_count"].fillna(0).sum())
                record["warnings"] = int(used["warning_count"].fillna(0).sum())
        out.append(record)
    return pd.DataFrame(out, columns=columns).astype({"errors": "Int64", "warnings": "Int64"})
