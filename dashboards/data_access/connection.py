"""The serving copy, read-only: the connection, the results cache, and what the copy holds.

The pipeline publishes ``$WORKFORCE_HOME/warehouse/serving.duckdb`` and replaces it atomically (new file,
then rename). So the dashboard never holds a connection beyond one page: each query opens the file read-only,
runs, and closes it, or, inside ``page_connection()`` (one page reader), the queries share one read-only
connection that is closed when the reader is done. Query RESULTS are cached with
``st.cache_data`` keyed by the file's identity (path, inode, mtime, size), so a new publish is picked up at
the next rerun and old results are never served for it.

Holds the errors (``DataAccessError``, its message safe to show; ``ServingCopyMissing``,
``ServingCopyUnreadable``), ``serving_copy_info()``, ``page_connection()``, ``query()`` (the single place SQL is
run), ``indicator_columns()`` and ``table_exists()``, and the names of the marts and geographic levels.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import streamlit as st

from pipeline.settings import Settings
from reference.geography import LONDON_CODE, LONDON_SUBREGIONS

INDICATORS_SCHEMA = "marts"
INDICATORS_TABLE = "workforce_indicators"
INDICATORS = f"{INDICATORS_SCHEMA}.{INDICATORS_TABLE}"

LA_LEVEL = "Local authority"
REGION_LEVEL = "Regional"
NATIONAL_LEVEL = "National"

# ees.md: London LA rows may carry Inner/Outer London codes while the region (alliance) is London as one.
LONDON = LONDON_CODE
LONDON_PARTS = tuple(LONDON_SUBREGIONS)

CASELOAD_DISTRIBUTION = "marts.caseload_distribution"
TEAM_CASELOADS = "marts.team_caseloads"
CASELOAD_LIMITS = "marts.caseload_limits"
SUBMISSIONS = "marts.submissions"
VALIDATION_ISSUES = "marts.validation_issues"

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
