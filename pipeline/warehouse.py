"""The raw layer of the warehouse: the tables the ingest writes and dbt reads as sources.

``RAW_TABLES`` is the one list of them (name -> columns): the ingest creates and fills them from it, the
Dagster layer makes one asset of each (``orchestration.assets.ingest``, ``orchestration.jobs``), and a test
checks that dbt's source YAML files declare exactly these tables (``tests/test_raw_tables.py``). A new raw
table is a new entry here (and in ``TABLES_OF_RETURN_TYPE``), then a dbt source.

Only the pipeline writes ``warehouse.duckdb``. Rows are keyed by ``submission_id`` (the SHA-256 of the
raw file), so loading the same file twice replaces its rows with identical ones: nothing changes.
Which submission counts for an LA and year (the latest accepted one) is decided in dbt, not here.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

RAW_SCHEMA = "raw"

# Column order matters: loaders insert DataFrames by name, so the frames may hold the columns in any order.
RAW_TABLES: dict[str, str] = {
    "csww_workers": """
        submission_id       varchar not null,  -- sha256 of the raw file
        old_la_code         varchar not null,  -- 3-digit LA code from the header (LEA)
        census_year         integer not null,  -- Header/CollectionDetails/Year
        line                integer,           -- line of the <CSWWWorker> element in the file
        record_number       integer,           -- 1-based position of the worker record in the file
        agency_worker       integer,           -- AgencyWorker 0/1
        worker_ref          varchar,           -- HMAC-SHA256 of SWENo (never the raw number)
        fte                 double,            -- FTE (contracted)
        birth_month         varchar,           -- PersonBirthDate cut to YYYY-MM
        gender_current      integer,           -- GenderCurrent (to 2023)
        sex                 varchar,           -- Sex M/F (2024+)
        ethnicity           varchar,
        qual_inst           varchar,
        qual_level          integer,
        step_up_grad        integer,
        frontline_grad      integer,
        org_role            integer,
        role_start_date     date,
        role_end_date       date,
        start_origin        integer,
        leaver_destination  integer,
        reason_leave        integer,
        fte30               double,
        cases30             integer,
        working_days_lost   double,
        contract_weeks      double,
        absat30sept         integer,
        reason_absence      varchar,
        cfkss_status        integer,
        base_salary         double,
        rr_payments         double,
        other_payments      double
    """,
    "csww_la_level": """
        submission_id        varchar not null,
        old_la_code          varchar not null,
        census_year          integer not null,
        number_of_vacancies  double,
        no_agency_fte        double,
        no_agency_headcount  integer,
        recruitment_bonus    integer,
        retention_bonus      integer,
        performance_award    integer,
        car_allowance        integer,
        relocation_package   integer,
        regional_weighting   integer,
        cost_swe             integer,
        cost_dbs             integer,
        other_allowances     varchar
    """,
    # R2 regional workforce return (workbook), one table per sheet; census_year is the census year that
    # contains period_end (1 Oct Y-1 to 30 Sep Y); line is the spreadsheet row number.
    "workbook_summary": """
        submission_id          varchar not null,
        old_la_code            varchar not null,
        census_year            integer not null,
        period_end             date not null,
        line                   integer,
        inpost_fte             double,
        inpost_headcount       double,
        starters_fte           double,
        starters_headcount     double,
        leavers_fte            double,
        leavers_headcount      double,
        agency_fte             double,
        agency_headcount       double,
        agency_cover_fte       double,
        vacancy_fte            double,
        case_holders_fte       double,
        cases                  double,
        working_days_lost_fte  double
    """,
    "workbook_teams": """
        submission_id            varchar not null,
        old_la_code              varchar not null,
        census_year              integer not null,
        period_end               date not null,
        line                     integer,
        team_type                varchar not null,
        case_holders_fte         double,
        nqsw_case_holders_fte    double,
        children_allocated       double,
        children_cin             double,
        children_cp              double,
        children_cla             double,
        children_care_leavers    double,
        children_in_proceedings  double,
        vacancy_fte              double,
        agency_fte               double
    """,
    "workbook_non_sw": """
        submission_id          varchar not null,
        old_la_code            varchar not null,
        census_year            integer not null,
        period_end             date not null,
        line                   integer,
        role                   varchar not null,
        headcount              double,
        fte                    double,
        agency_fte             double,
        vacancy_fte            double,
        leavers_fte            double,
        working_days_lost_fte  double
    """,
    # R3 published EES indicators, long: one row per geography, time period and measure. Columns of older
    # layouts are mapped to today's names; a symbol (c, low, u, x, z) is kept in status with a null value.
    "published_indicators": """
        submission_id     varchar not null,
        line              integer,
        time_period       integer not null,
        time_identifier   varchar,
        geographic_level  varchar not null,
        country_code      varchar,
        country_name      varchar,
        region_code       varchar,
        region_name       varchar,
        old_la_code       varchar,
        new_la_code       varchar,
        la_name           varchar,
        measure           varchar not null,
        value             double,
        status            varchar
    """,
    "submissions": """
        submission_id     varchar not null,   -- sha256 of the raw file
        return_type       varchar not null,   -- csww_xml (R1), workbook (R2), ees_csv (R3), unrecognised
        file_name         varchar not null,   -- name the file arrived with
        archive_path      varchar not null,   -- where the unchanged file is kept
        old_la_code       varchar,
        census_year       integer,
        period_end        date,
        arrived_at        timestamp not null,
        status            varchar not null,   -- accepted | accepted_with_warnings | rows_rejected | rejected
        rows_received     integer not null,
        rows_accepted     integer not null,
        rows_rejected     integer not null,
        error_count       integer not null,
        warning_count     integer not null,
        report_html       varchar,
        report_xlsx       varchar,
        loaded_at         timestamp           -- when these rows were loaded (the same file again replaces them)
    """,
    "validation_issues": """
        submission_id  varchar not null,
        rule_code      varchar not null,
        severity       varchar not null,      -- error | warning
        scope          varchar not null,      -- file | row
        file           varchar not null,
        line           integer,
        worker_ref     varchar,               -- hashed id, never the raw SWENo
        item           varchar,
        value          varchar,
        message        varchar not null
    """,
}

#: The raw tables each kind of file puts its rows in (the returns R1 and R2, and DfE's published statistics).
TABLES_OF_RETURN_TYPE: dict[str, tuple[str, ...]] = {
    "csww_xml": ("csww_workers", "csww_la_level"),
    "workbook": ("workbook_summary", "workbook_teams", "workbook_non_sw"),
    "ees_csv": ("published_indicators",),
}
#: Every file, whatever its kind and whether it was rejected, also gets its row in raw.submissions and its
#: issues in raw.validation_issues.
EVERY_RETURN_TABLES: tuple[str, ...] = ("submissions", "validation_issues")
#: The tables an LA's return (R1 census XML, R2 workbook) writes: the returns' ingest, partitioned by LA and
#: year (every raw table but the published statistics').
RETURN_TABLES: tuple[str, ...] = tuple(t for t in RAW_TABLES if t not in TABLES_OF_RETURN_TYPE["ees_csv"])


def return_types_writing(tables: Iterable[str]) -> set[str]:
    """The kinds of file whose own raw tables are among ``tables``."""
    named = set(tables)
    return {kind for kind, own in TABLES_OF_RETURN_TYPE.items() if named & set(own)}


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    path.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path), read_only=read_only)


def create_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    for name, columns in RAW_TABLES.items():
        con.execute(f"create table if not exists {RAW_SCHEMA}.{name} ({columns})")
    # added since the first release: a warehouse made before has it empty (staging reads it as arrived_at)
    con.execute(f"alter table {RAW_SCHEMA}.submissions add column if not exists loaded_at timestamp")


def ensure_raw_tables(path: Path) -> None:
    """The raw tables of this version in the warehouse at ``path`` (created, or given the columns added since)."""
    con = connect(path)
    try:
        create_raw_tables(con)
    finally:
        con.close()


def raw_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    rows = con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
        "order by ordinal_position",
        [RAW_SCHEMA, table],
    ).fetchall()
    return [r[0] for r in rows]


def replace_submission(
    con: duckdb.DuckDBPyConnection, submission_id: str, frames: dict[str, pd.DataFrame]
) -> None:
    """Delete every raw row of one submission, then insert the given frames (whose rows carry their own
    submission_id), in one transaction: ``replace_submissions`` for a batch of one."""
    replace_submissions(con, [submission_id], {table: [(None, frame)] for table, frame in frames.items()})


def replace_submissions(
    con: duckdb.DuckDBPyConnection, submission_ids: list[str],
    frames: dict[str, list[tuple[str | None, pd.DataFrame]]],
) -> None:
    """Delete every raw row of these submissions, then insert the given frames, in one transaction.

    The bulk form of ``replace_submission``: ``frames`` maps a raw table to (submission_id, rows) pairs (None:
    the rows carry their own submission_id); each table gets one delete and one insert, DuckDB reading all its
    rows as one DataFrame (never row by row).
    """
    con.execute("begin transaction")
    try:
        for table in RAW_TABLES:
            con.execute(f"delete from {RAW_SCHEMA}.{table} where submission_id in (select unnest(?))",
                        [submission_ids])
        for table, parts in frames.items():
            parts = [(sid, frame) for sid, frame in parts if frame is not None and not frame.empty]
            if not parts:
                continue
            combined = pd.concat([frame for _, frame in parts], ignore_index=True)
            if all(sid is not None for sid, _ in parts):  # else the frames carry their own submission_id
                combined["submission_id"] = np.repeat([sid for sid, _ in parts], [len(f) for _, f in parts])
            aligned = combined.reindex(columns=raw_columns(con, table))
            con.register("incoming_frame", aligned)
            con.execute(f"insert into {RAW_SCHEMA}.{table} by name select * from incoming_frame")
            con.unregister("incoming_frame")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def table_names(schema: str, con: duckdb.DuckDBPyConnection) -> Iterable[str]:
    rows = con.execute(
        "select table_name from information_schema.tables where table_schema = ?", [schema]
    ).fetchall()
    return [r[0] for r in rows]
