"""The one module through which the dashboard reads data: the serving copy, read-only.

The pipeline publishes ``$WORKFORCE_HOME/warehouse/serving.duckdb`` and replaces it atomically (new file,
then rename). So this module never holds a connection: each query opens the file read-only, runs, and
closes it. Query RESULTS are cached with ``st.cache_data`` keyed by the file's identity (path, inode,
mtime, size), so a new publish is picked up at the next rerun and old results are never served for it.

Holds:

- errors: ``DataAccessError`` (base, its message is safe to show), ``ServingCopyMissing``,
  ``ServingCopyUnreadable``;
- ``serving_copy_info()``: where the serving copy is and when it was published;
- readers: ``indicator_columns()``, ``available_years()``, ``local_authorities()``, ``la_and_region()``;
- ``query()``: the single place SQL is run (for new readers; keep SQL in this module).

Every reader takes an optional ``path`` (default: ``Settings.from_env().serving``), so it can be used
outside Streamlit and in tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from orchestration.settings import Settings

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


def _run(path: Path, sql: str, params: Mapping[str, Any]) -> pd.DataFrame:
    """Open the file read-only, run one query, close. Never keeps a connection."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        if not path.exists():  # removed between stat and open
            raise ServingCopyMissing(path) from exc
        raise ServingCopyUnreadable(
            f"The serving copy {path} could not be opened read-only ({exc}). "
            f"If it is damaged, {WHAT_TO_RUN}."
        ) from exc
    try:
        return con.execute(sql, dict(params)).df()
    except duckdb.CatalogException as exc:
        raise ServingCopyUnreadable(
            f"The serving copy {path} does not hold what this page needs ({exc}). "
            f"It may come from an older version of the pipeline: {WHAT_TO_RUN}."
        ) from exc
    finally:
        con.close()


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(path: str, stamp: tuple[int, int, int], sql: str, params: tuple[tuple[str, Any], ...]
            ) -> pd.DataFrame:
    """Results cache: ``stamp`` is part of the key, so a newly published file is always read afresh."""
    return _run(Path(path), sql, dict(params))


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


def available_years(old_la_code: str | None = None, path: Path | None = None) -> list[int]:
    """Census years with local-authority figures, newest first; only that LA's years if one is given."""
    sql = f"select distinct time_period from {INDICATORS} where geographic_level = $level"
    params: dict[str, Any] = {"level": LA_LEVEL}
    if old_la_code is not None:
        sql += " and cast(old_la_code as varchar) = $la"
        params["la"] = str(old_la_code)
    years = query(sql + " order by time_period desc", params, path)
    return [int(y) for y in years["time_period"]]


def local_authorities(year: int | None = None, path: Path | None = None) -> pd.DataFrame:
    """The LAs in the serving copy (that year's, or any year's), sorted by name.

    One row per ``old_la_code``: old_la_code, new_la_code, la_name, region_code, region_name, taken from
    the LA's latest row in range (names and regions can change over the years), and has_returns (figures
    computed from the LA's own returns, not only published ones).
    """
    where = "geographic_level = $level"
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


def la_and_region(old_la_code: str, year: int, path: Path | None = None) -> pd.DataFrame:
    """The LA's row and its region's row for a year (at most one of each; the LA row first).

    The region is the ``Regional`` row with the LA row's ``region_code`` for the same year; for an LA coded
    Inner or Outer London (E13000001/2) with no such row, the London row (E12000007). Tell the rows
    apart by ``geographic_level``. Where a geography has both a ``returns`` and a ``published`` row (the
    mart should not, but may), the ``returns`` row is taken. Empty if the LA has no row that year.
    """
    columns = indicator_columns(path)
    prefer = "case source when 'returns' then 0 else 1 end" if "source" in columns else "1"
    sql = f"""
        with la as (
            select * from {INDICATORS}
            where geographic_level = $la_level and time_period = $year
              and cast(old_la_code as varchar) = $la
            order by {prefer}
            limit 1
        ),
        region as (
            select * from {INDICATORS}
            where geographic_level = $region_level and time_period = $year
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
    return query(sql, params, path)
