"""The one module through which the dashboard reads data: the serving copy, read-only.

The pipeline publishes ``$WORKFORCE_HOME/warehouse/serving.duckdb`` and replaces it atomically (new file,
then rename). So this module never holds a connection beyond one page: each query opens the file read-only,
runs, and closes it, or, inside ``page_connection()`` (one page reader), the queries share one read-only
connection that is closed when the reader is done. Query RESULTS are cached with
``st.cache_data`` keyed by the file's identity (path, inode, mtime, size), so a new publish is picked up at
the next rerun and old results are never served for it.

Holds:

- errors: ``DataAccessError`` (base, its message is safe to show), ``ServingCopyMissing``,
  ``ServingCopyUnreadable``;
- ``serving_copy_info()``: where the serving copy is and when it was published;
- ``resolve_viewer()``: a signed-in ``Viewer`` completed with their alliance's member LAs;
- scoped readers, each taking the ``Viewer`` first and returning only rows that viewer may see
  (``pipeline.access.roles``; public rows are rounded and suppressed by ``dashboards.disclosure``):
  ``indicators()``, ``benchmarks()``, ``detail()``, ``available_years()``, ``local_authorities()``,
  ``la_and_region()``;
- ``indicator_columns()``, ``table_exists()``: what the serving copy holds;
- ``query()``: the single place SQL is run. Pages never call it with their own filters on who may see
  what: they call the scoped readers, or build on ``query()`` only for tables with no LA-level rows.

Every reader takes an optional ``path`` (default: ``Settings.from_env().serving``), so it can be used
outside Streamlit and in tests.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from dashboards.disclosure import public_indicators
from dashboards.measures import REPLACING_SYMBOLS
from pipeline.access.roles import Role, Viewer, benchmark_filter, benchmarks_table, detail_filter, indicator_filter
from pipeline.settings import Settings
from validation.result import worst_status

INDICATORS_SCHEMA = "marts"
INDICATORS_TABLE = "workforce_indicators"
INDICATORS = f"{INDICATORS_SCHEMA}.{INDICATORS_TABLE}"

LA_LEVEL = "Local authority"
REGION_LEVEL = "Regional"
NATIONAL_LEVEL = "National"

# ees.md: London LA rows may carry Inner/Outer London codes while the region (alliance) is London as one.
LONDON = "E12000007"
LONDON_PARTS = ("E13000001", "E13000002")

WHAT_TO_RUN = "run `workforce run` (or `make demo` for the demonstration region) first"


class DataAccessError(RuntimeError):
    """The serving copy cannot be read; the message says why in plain words and is safe to show."""


class ServingCopyMissing(DataAccessError):
    """No serving copy has been published yet."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(
            f"There is no published data yet: the serving copy {path} does not exist. "
            f"To build and publish it, {WHAT_TO_RUN}."
        )


class ServingCopyUnreadable(DataAccessError):
    """The serving copy exists but cannot be opened, or lacks what the dashboard needs."""


@dataclass(frozen=True)
class ServingCopyInfo:
    """Where the serving copy is, and the identity of the file now there."""

    path: Path
    published_at: datetime  # the file's modification time (the publish renames a finished file in place)
    stamp: tuple[int, int, int]  # (inode, mtime_ns, size): changes with every publish

    @property
    def published_text(self) -> str:
        """The publish time in words, local time: '5 March 2026 at 14:02 GMT'."""
        when = self.published_at
        return f"{when.day} {when:%B %Y} at {when:%H:%M} {when.tzname() or ''}".rstrip()


def serving_path() -> Path:
    """The serving copy's path from the environment (``WORKFORCE_HOME``), read afresh on every call."""
    return Settings.from_env().serving


def serving_copy_info(path: Path | None = None) -> ServingCopyInfo:
    """Stat the serving copy; ``ServingCopyMissing`` if it has not been published yet."""
    path = Path(path) if path is not None else serving_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise ServingCopyMissing(path) from None
    except OSError as exc:
        raise ServingCopyUnreadable(f"The serving copy {path} cannot be read: {exc.strerror}.") from exc
    if not path.is_file():
        raise ServingCopyUnreadable(f"The serving copy {path} is not a file.")
    published_at = datetime.fromtimestamp(stat.st_mtime).astimezone()
    return ServingCopyInfo(path, published_at, (stat.st_ino, stat.st_mtime_ns, stat.st_size))


def _open(path: Path) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        if not path.exists():  # removed between stat and open
            raise ServingCopyMissing(path) from exc
        raise ServingCopyUnreadable(
            f"The serving copy {path} could not be opened read-only ({exc}). "
            f"If it is damaged, {WHAT_TO_RUN}."
        ) from exc


def _execute(con: duckdb.DuckDBPyConnection, path: Path, sql: str, params: Mapping[str, Any]) -> pd.DataFrame:
    try:
        return con.execute(sql, dict(params)).df()
    except (duckdb.CatalogException, duckdb.BinderException) as exc:
        raise ServingCopyUnreadable(
            f"The serving copy {path} does not hold what this page needs ({exc}). "
            f"It may come from an older version of the pipeline: {WHAT_TO_RUN}."
        ) from exc


# The connection that the queries of one page reader share while it runs: see page_connection.
_PAGE = threading.local()


@contextmanager
def page_connection(path: Path | None = None) -> Iterator[None]:
    """Let the queries run inside share one read-only connection to the serving copy, closed on leaving.

    Opening the file costs about 20 ms and a page reader (``la_profile``, ``region_overview``) runs three
    queries. The connection belongs to the file published when it was opened (its stamp); a query for a newer
    file closes it first, then opens the new file (DuckDB would otherwise hand back the instance it already has
    open for that path: the old file). Outside such a block, or if there is no serving copy to open, each query
    opens and closes the file itself. A block inside another uses the outer one's connection. Streamlit runs
    each session's script in its own thread, so the connection is per thread. Blocks are kept to one reader,
    not a whole page: while one is open, another session opening the same path would get this instance too."""
    con, key = None, None
    if getattr(_PAGE, "con", None) is None:
        try:
            info = serving_copy_info(path)
            con, key = _open(info.path), (str(info.path), info.stamp)
        except DataAccessError:
            con = None  # the readers will say what is wrong
    if con is None:
        yield
        return
    _PAGE.con, _PAGE.key = con, key
    try:
        yield
    finally:
        _PAGE.con = _PAGE.key = None
        con.close()  # (a no-op if a newer publish closed it already)


def _run(path: Path, sql: str, params: Mapping[str, Any], stamp: tuple[int, int, int] | None = None
         ) -> pd.DataFrame:
    """Run one query: on the page's shared connection if it is to this very file, else open the file
    read-only, run, close."""
    shared = getattr(_PAGE, "con", None)
    if shared is not None and _PAGE.key == (str(path), stamp):
        return _execute(shared, path, sql, params)
    if shared is not None and _PAGE.key[0] == str(path):  # a newer publish: let go of the old file first
        _PAGE.con = None
        shared.close()
    con = _open(path)
    try:
        return _execute(con, path, sql, params)
    finally:
        con.close()


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(path: str, stamp: tuple[int, int, int], sql: str, params: tuple[tuple[str, Any], ...]
            ) -> pd.DataFrame:
    """Results cache: ``stamp`` is part of the key, so a newly published file is always read afresh."""
    return _run(Path(path), sql, dict(params), stamp)


def query(sql: str, params: Mapping[str, Any] | None = None, path: Path | None = None) -> pd.DataFrame:
    """Run a read-only query (DuckDB ``$name`` parameters) on the serving copy; results are cached."""
    info = serving_copy_info(path)
    return _cached(str(info.path), info.stamp, sql, tuple(sorted((params or {}).items())))


def indicator_columns(path: Path | None = None) -> list[str]:
    """The columns of ``marts.workforce_indicators`` in table order (the table grows: check before use)."""
    cols = query(
        "select column_name from information_schema.columns "
        "where table_schema = $schema and table_name = $table order by ordinal_position",
        {"schema": INDICATORS_SCHEMA, "table": INDICATORS_TABLE},
        path,
    )
    if cols.empty:
        where = path if path is not None else serving_path()
        raise ServingCopyUnreadable(
            f"The serving copy {where} has no table {INDICATORS}. {WHAT_TO_RUN[0].upper()}{WHAT_TO_RUN[1:]}."
        )
    return [str(c) for c in cols["column_name"]]


def table_exists(table: str, path: Path | None = None) -> bool:
    """Whether the serving copy has ``schema.table`` (pages degrade gracefully on an older copy)."""
    schema, _, name = table.partition(".")
    found = query(
        "select count(*) as n from information_schema.tables where table_schema = $schema and table_name = $name",
        {"schema": schema, "name": name}, path,
    )
    return bool(found["n"].iloc[0])


def alliance_members(alliance_code: str, path: Path | None = None) -> frozenset[str]:
    """The member LAs (old_la_code) of an alliance, as the serving copy's benchmarks record them."""
    if not table_exists("marts.benchmarks", path):
        return frozenset()
    rows = query(
        "select distinct cast(old_la_code as varchar) as code from marts.benchmarks where alliance_code = $a",
        {"a": str(alliance_code)}, path,
    )
    return frozenset(str(c) for c in rows["code"])


def alliance_of(old_la_code: str, path: Path | None = None) -> str | None:
    """The alliance of an LA (its latest benchmarks row), or None when the serving copy does not say."""
    if not table_exists("marts.benchmarks", path):
        return None
    rows = query(
        "select arg_max(alliance_code, time_period) as a from marts.benchmarks "
        "where cast(old_la_code as varchar) = $la and alliance_code is not null",
        {"la": str(old_la_code)}, path,
    )
    value = rows["a"].iloc[0] if len(rows) else None
    return str(value) if isinstance(value, str) and value else None


def resolve_viewer(viewer: Viewer, path: Path | None = None) -> Viewer:
    """The viewer with their alliance and its member LAs filled in from the serving copy.

    An ``la`` user's alliance is their LA's (unless the users file names one); an ``analyst`` must be given
    one. A public viewer is returned as it is.
    """
    if viewer.role is Role.PUBLIC:
        return viewer
    alliance = viewer.alliance_code
    if alliance is None and viewer.la_code is not None:
        alliance = alliance_of(viewer.la_code, path)
    members = alliance_members(alliance, path) if alliance else frozenset()
    return replace(viewer, alliance_code=alliance, alliance_las=members)


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


def available_years(viewer: Viewer, old_la_code: str | None = None, path: Path | None = None) -> list[int]:
    """Census years with local-authority figures this viewer may see, newest first; only that LA's years if
    one is given."""
    sql = (f"select distinct time_period from {INDICATORS} "
           f"where geographic_level = $level and {indicator_filter(viewer)}")
    params: dict[str, Any] = {"level": LA_LEVEL}
    if old_la_code is not None:
        sql += " and cast(old_la_code as varchar) = $la"
        params["la"] = str(old_la_code)
    years = query(sql + " order by time_period desc", params, path)
    return [int(y) for y in years["time_period"]]


def local_authorities(viewer: Viewer, year: int | None = None, path: Path | None = None) -> pd.DataFrame:
    """The LAs this viewer may see in the serving copy (that year's, or any year's), sorted by name.

    One row per ``old_la_code``: old_la_code, new_la_code, la_name, region_code, region_name, taken from
    the LA's latest row in range (names and regions can change over the years), and has_returns (figures
    computed from the LA's own returns, not only published ones, that the viewer may see).
    """
    where = f"geographic_level = $level and {indicator_filter(viewer)}"
    params: dict[str, Any] = {"level": LA_LEVEL}
    if year is not None:
        where += " and time_period = $year"
        params["year"] = int(year)
    sql = f"""
        select cast(old_la_code as varchar) as old_la_code,
               arg_max(new_la_code, time_period) as new_la_code,
               arg_max(la_name, time_period) as la_name,
               arg_max(region_code, time_period) as region_code,
               arg_max(region_name, time_period) as region_name,
               {"bool_or(source = 'returns')" if "source" in indicator_columns(path) else "false"} as has_returns
        from {INDICATORS}
        where {where} and old_la_code is not null
        group by 1
        order by la_name, old_la_code
    """
    return query(sql, params, path)


def la_and_region(viewer: Viewer, old_la_code: str, year: int, path: Path | None = None) -> pd.DataFrame:
    """The LA's row and its region's row for a year that this viewer may see (at most one of each; the LA row
    first).

    The region is the ``Regional`` row with the LA row's ``region_code`` for the same year; for an LA coded
    Inner or Outer London (E13000001/2) with no such row, the London row (E12000007). Tell the rows
    apart by ``geographic_level``. Where a geography has both a ``returns`` and a ``published`` row the viewer
    may see, the ``returns`` row is taken. Empty if the LA has no row that year.
    """
    columns = indicator_columns(path)
    prefer = "case source when 'returns' then 0 else 1 end" if "source" in columns else "1"
    allowed = indicator_filter(viewer)
    sql = f"""
        with la as (
            select * from {INDICATORS}
            where geographic_level = $la_level and time_period = $year
              and cast(old_la_code as varchar) = $la and {allowed}
            order by {prefer}
            limit 1
        ),
        region as (
            select * from {INDICATORS}
            where geographic_level = $region_level and time_period = $year and {allowed}
              and (region_code = (select region_code from la)
                   or (region_code = $london and list_contains($london_parts, (select region_code from la))))
            order by region_code = (select region_code from la) desc, {prefer}
            limit 1
        )
        select * from (select * from la union all select * from region)
        order by geographic_level = $region_level
    """
    params = {"la_level": LA_LEVEL, "region_level": REGION_LEVEL, "year": int(year), "la": str(old_la_code),
              "london": LONDON, "london_parts": list(LONDON_PARTS)}
    rows = query(sql, params, path)
    return public_indicators(rows) if viewer.is_public else rows


# --- submissions and data quality ---------------------------------------------------------------------------
# Readers of the pages "Submissions and data quality" and "Downloads". Every one goes through the scoped
# readers above (``detail`` for submissions, issues and reports; ``indicators`` for the EES export), so a
# viewer receives only the LAs their role allows: none for public, their own LA for ``la``, the alliance for
# ``analyst``. Report files are read only from a path found in a submissions row the viewer may see, and
# only from inside ``$WORKFORCE_HOME/reports``.

SUBMISSIONS = "marts.submissions"
VALIDATION_ISSUES = "marts.validation_issues"
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


def returns_years(viewer: Viewer, path: Path | None = None) -> list[int]:
    """Census years with LA figures computed from returns that the viewer may see, newest first (the
    collection years of their alliance; none for public)."""
    if "source" not in indicator_columns(path):
        return []
    sql = (f"select distinct time_period from {INDICATORS} "
           f"where geographic_level = $level and source = 'returns' and {indicator_filter(viewer)} "
           "order by time_period desc")
    return [int(y) for y in query(sql, {"level": LA_LEVEL}, path)["time_period"]]


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


def ees_source_rows(viewer: Viewer, path: Path | None = None) -> pd.DataFrame:
    """The ``source = 'returns'`` rows of ``marts.workforce_indicators`` the viewer may see, unrounded, as
    the EES export reads them: their alliance's LAs and regional row and the national row; none for public
    (who may see published figures only)."""
    if viewer.is_public or "source" not in indicator_columns(path):
        return pd.DataFrame()
    return indicators(viewer, "source = 'returns'", path=path)


# --- region overview and LA profile -------------------------------------------------------------------------
# Readers of the "Region overview" (tartan rug) and "LA profile" pages. Each is one query on the benchmarks
# mart the viewer reads (``benchmarks_table``: the published-only mart for public) with the role's filter
# (``benchmark_filter``), plus one on ``indicators()`` for the status symbols of the LA values shown, so a
# figure the role's view suppresses (``c`` for public) is shown as its symbol and never as a number.

#: The columns of a benchmarks mart these readers return, then ``las_ranked`` (how many LAs have a national
#: rank for the year and measure: the "of N" of the rank) and ``status`` (the LA value's symbol, or null).
BENCHMARK_COLUMNS: tuple[str, ...] = (
    "old_la_code", "la_name", "time_period", "measure", "value", "region_value", "sn_median", "sn_count",
    "england_value", "quartile_band", "national_rank", "change_from_previous", "alliance_flag", "region_code",
    "alliance_code", "polarity", "source",
)

#: Submission status words (``submission_status``) for each file outcome (``validation.result.STATUSES``).
SUBMISSION_STATUS_WORDS: dict[str, str] = {
    "rejected": "Rejected: nothing loaded",
    "rows_rejected": "Received, some rows rejected",
    "accepted_with_warnings": "Received with warnings",
    "accepted": "Received",
}
NOT_RECEIVED = "Not received"


def _bench_select(alias: str = "b") -> str:
    """The benchmark columns, text codes as varchar."""
    return ", ".join(f"cast({alias}.{c} as varchar) as {c}" if c == "old_la_code" else f"{alias}.{c}"
                     for c in BENCHMARK_COLUMNS)


def _with_statuses(viewer: Viewer, bench: pd.DataFrame, where: str, params: Mapping[str, Any],
                   path: Path | None) -> pd.DataFrame:
    """``bench`` with ``status``: the symbol of each LA value in the viewer's view of
    ``marts.workforce_indicators`` (same LA, year and source). Where that symbol replaces the number (c, low, x,
    z: for public also the disclosure control's ``c``), ``value`` and ``change_from_previous`` become null."""
    out = bench.copy()
    out["status"] = pd.Series([None] * len(out), index=out.index, dtype="object")
    if out.empty:
        return out
    rows = indicators(viewer, f"geographic_level = '{LA_LEVEL}' and ({where})", params, path=path)
    measures = [m for m in out["measure"].unique() if f"{m}_status" in rows.columns]
    if rows.empty or not measures:
        return out
    keys = ["old_la_code", "time_period", "source"]
    rows = rows.assign(old_la_code=rows["old_la_code"].astype(str), time_period=rows["time_period"].astype(int))
    long = rows[keys + [f"{m}_status" for m in measures]].melt(id_vars=keys, var_name="measure",
                                                               value_name="symbol")
    long["measure"] = long["measure"].str.removesuffix("_status")
    long["symbol"] = [s.strip().lower() if isinstance(s, str) and s.strip() else None for s in long["symbol"]]
    long = long.dropna(subset=["symbol"]).drop_duplicates(keys + ["measure"])
    merged = out.drop(columns="status").assign(time_period=out["time_period"].astype(int)).merge(
        long, on=keys + ["measure"], how="left")
    merged.index = out.index
    out["status"] = merged["symbol"].astype("object").where(merged["symbol"].notna(), None)
    hidden = out["status"].isin(REPLACING_SYMBOLS)
    out.loc[hidden, ["value", "change_from_previous"]] = None
    return out


def regions(viewer: Viewer, path: Path | None = None) -> pd.DataFrame:
    """The regions (alliances) the region overview can show: region_code, region_name, sorted by name.

    From the regional rows of ``marts.workforce_indicators`` the viewer may see (every published region; an
    ``la`` or ``analyst`` viewer's own alliance row computed from the returns too)."""
    sql = f"""
        select region_code, arg_max(region_name, time_period) as region_name
        from {INDICATORS}
        where geographic_level = $level and region_code is not null and {indicator_filter(viewer)}
        group by region_code
        order by region_name, region_code
    """
    return query(sql, {"level": REGION_LEVEL}, path)


def region_overview(viewer: Viewer, region_code: str, year: int, path: Path | None = None) -> pd.DataFrame:
    """The tartan rug's cells: one row per LA of the region (alliance) and measure for the year, as the viewer
    may see them (``BENCHMARK_COLUMNS``, ``las_ranked``, ``status``), sorted by LA name and measure.

    An LA belongs to the region of its alliance (``alliance_code``; ``region_code`` when it has none), so an
    alliance's rug lists its member LAs. Outside their own alliance, ``la`` and ``analyst`` viewers get the
    published-based rows only (``benchmark_filter``); public viewers read ``marts.benchmarks_published``.
    Empty if the serving copy has no benchmarks mart for the viewer.
    """
    with page_connection(path):
        return _region_overview(viewer, region_code, year, path)


def _region_overview(viewer: Viewer, region_code: str, year: int, path: Path | None) -> pd.DataFrame:
    table = benchmarks_table(viewer)
    if not table_exists(table, path):
        return pd.DataFrame(columns=[*BENCHMARK_COLUMNS, "las_ranked", "status"])
    sql = f"""
        with ranked as (
            select measure, count(national_rank) as las_ranked
            from {table} where time_period = $year group by measure
        )
        select {_bench_select()}, coalesce(ranked.las_ranked, 0) as las_ranked
        from {table} as b
        left join ranked on b.measure = ranked.measure
        where b.time_period = $year and coalesce(b.alliance_code, b.region_code) = $region
          and {benchmark_filter(viewer, 'b')}
        order by b.la_name, b.old_la_code, b.measure
    """
    params = {"year": int(year), "region": str(region_code)}
    rows = query(sql, params, path)
    las = sorted(set(rows["old_la_code"]))
    return _with_statuses(viewer, rows, "time_period = $year and list_contains($las, cast(old_la_code as varchar))",
                          {"year": int(year), "las": las}, path)


def la_profile(viewer: Viewer, old_la_code: str, year: int | None = None, path: Path | None = None
               ) -> pd.DataFrame:
    """Every benchmark row of one LA the viewer may see, for every census year up to ``year`` (all years when
    None): ``BENCHMARK_COLUMNS``, ``las_ranked`` and ``status``, sorted by year and measure.

    Each row holds the LA's value beside its region, its statistical neighbours' median and England, with its
    band, national rank (of ``las_ranked``) and change from the year before: the profile table is the rows of
    one year, the trend charts all of them. Public viewers read ``marts.benchmarks_published``; ``la`` and
    ``analyst`` viewers get an LA outside their alliance from its published-based rows only.
    """
    with page_connection(path):
        return _la_profile(viewer, old_la_code, year, path)


def _la_profile(viewer: Viewer, old_la_code: str, year: int | None, path: Path | None) -> pd.DataFrame:
    table = benchmarks_table(viewer)
    if not table_exists(table, path):
        return pd.DataFrame(columns=[*BENCHMARK_COLUMNS, "las_ranked", "status"])
    until = "time_period <= $year" if year is not None else "true"
    until_b = "b.time_period <= $year" if year is not None else "true"
    sql = f"""
        with ranked as (
            select time_period, measure, count(national_rank) as las_ranked
            from {table} where {until} group by time_period, measure
        )
        select {_bench_select()}, coalesce(ranked.las_ranked, 0) as las_ranked
        from {table} as b
        left join ranked on b.time_period = ranked.time_period and b.measure = ranked.measure
        where cast(b.old_la_code as varchar) = $la and {until_b} and {benchmark_filter(viewer, 'b')}
        order by b.time_period, b.measure
    """
    params: dict[str, Any] = {"la": str(old_la_code)}
    if year is not None:
        params["year"] = int(year)
    rows = query(sql, params, path)
    return _with_statuses(viewer, rows, f"cast(old_la_code as varchar) = $la and {until}", params, path)


def submission_status(viewer: Viewer, year: int, path: Path | None = None) -> pd.DataFrame:
    """Whether each LA of the viewer's alliance has sent its return for a census year: one row per member LA,
    old_la_code, la_name, status (``SUBMISSION_STATUS_WORDS`` or ``NOT_RECEIVED``), returns (which kinds
    arrived: census XML, workbook), received (date of the latest current return), and errors and warnings
    (counts) ONLY for the LAs whose detail the viewer may see (else null). Empty for public viewers.

    Whether an LA has sent its return is an alliance-level fact every member may see (the rug shows it anyway:
    its rows are computed from returns or published figures); what went wrong in another LA's return is
    detail, so an ``la`` viewer gets only the status words of the other LAs: no file names, no counts, no
    reports (those are on the Submissions page, for the viewer's detail LAs only).
    """
    columns = ["old_la_code", "la_name", "status", "returns", "received", "errors", "warnings"]
    las = sorted(viewer.la_level_las())
    if viewer.is_public or not las or not table_exists("marts.submissions", path):
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
            from marts.submissions
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


_RETURN_WORDS = {"csww_xml": "census XML", "workbook": "workbook"}


def _summarise_submissions(viewer: Viewer, rows: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """One row per LA from its current returns (rejected files count only when nothing else arrived)."""
    out: list[dict[str, Any]] = []
    for code, group in rows.groupby("old_la_code", sort=False):
        name = next((n for n in group["la_name"] if isinstance(n, str)), str(code))
        got = group[group["status"].notna()]
        loaded = got[got["status"] != "rejected"]
        used = loaded if not loaded.empty else got
        record: dict[str, Any] = {"old_la_code": str(code), "la_name": name, "status": NOT_RECEIVED,
                                  "returns": "", "received": None, "errors": None, "warnings": None}
        if not used.empty:
            worst = worst_status(used["status"])
            record["status"] = SUBMISSION_STATUS_WORDS.get(worst, str(worst))
            kinds = sorted({_RETURN_WORDS.get(str(k), str(k)) for k in loaded["return_type"]})
            record["returns"] = ", ".join(kinds)
            record["received"] = pd.Timestamp(used["arrived_at"].max()).date()
            if viewer.may_see_detail(code):
                record["errors"] = int(used["error_count"].fillna(0).sum())
                record["warnings"] = int(used["warning_count"].fillna(0).sum())
        out.append(record)
    return pd.DataFrame(out, columns=columns).astype({"errors": "Int64", "warnings": "Int64"})


# --- Caseloads page (helper "caseloads"): scoped through detail(); caseload_limits holds no LA rows ----------

CASELOAD_DISTRIBUTION = "marts.caseload_distribution"
TEAM_CASELOADS = "marts.team_caseloads"
CASELOAD_LIMITS = "marts.caseload_limits"
SUBMISSIONS = "marts.submissions"


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
