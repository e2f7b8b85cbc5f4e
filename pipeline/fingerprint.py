"""A content fingerprint of a DuckDB file: per table (and view), its row count and an order-independent hash.

Each row is written as JSON (``to_json``: every value quoted or typed, so no two rows write the same text), hashed
with MD5, and the sorted row hashes are hashed again: the same rows in any order give the same digest, and a row
more, less or changed gives another. Columns that hold wall-clock stamps (when a file arrived or was loaded)
differ between two runs of the same inputs, so they are left out by default (``WALL_CLOCK_COLUMNS``).

    python -m pipeline.fingerprint FILE [--compare OTHER] [--json] [--all-columns]

prints one line per table (``schema.table  rows  digest``); with ``--compare``, the tables that differ (exit 1
when any does). Fault tests use ``fingerprint`` and ``differences`` to check that a warehouse is unchanged.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

#: Columns stamped with the time of a run rather than derived from the files: ``arrived_at`` (raw.submissions
#: and the models carrying it) and ``loaded_at`` (when a submission's rows were loaded).
WALL_CLOCK_COLUMNS = ("arrived_at", "loaded_at")


@dataclass(frozen=True)
class TableFingerprint:
    rows: int
    digest: str
    excluded: tuple[str, ...] = ()  # the columns left out of the digest


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def fingerprint(path: Path, exclude: tuple[str, ...] = WALL_CLOCK_COLUMNS) -> dict[str, TableFingerprint]:
    """``schema.table`` -> its fingerprint, for every table and view of the DuckDB file at ``path`` (opened
    read-only), leaving out the columns named in ``exclude``."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        columns: dict[str, list[str]] = {}
        for schema, table, column in con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where table_catalog = current_database() order by table_schema, table_name, ordinal_position"
        ).fetchall():
            columns.setdefault(f"{schema}.{table}", []).append(column)
        result: dict[str, TableFingerprint] = {}
        for name, names in sorted(columns.items()):
            schema, table = name.split(".", 1)
            kept = [c for c in names if c not in exclude]
            dropped = tuple(c for c in names if c in exclude)
            selected = ", ".join(_quote(c) for c in kept) or "1 as no_columns"
            source = f"select {selected} from {_quote(schema)}.{_quote(table)}"
            rows, digest = con.execute(
                "select count(*), coalesce(md5(string_agg(h, '' order by h)), md5('')) from "
                f"(select md5(to_json(t)::varchar) as h from ({source}) t)"
            ).fetchone()
            result[name] = TableFingerprint(rows=rows, digest=digest, excluded=dropped)
        return result
    finally:
        con.close()


def differences(before: dict[str, TableFingerprint], after: dict[str, TableFingerprint]) -> list[str]:
    """One line per table that is missing on either side or whose rows differ (empty: the same)."""
    lines = []
    for name in sorted(before.keys() | after.keys()):
        a, b = before.get(name), after.get(name)
        if a is None or b is None:
            lines.append(f"{name}: only in the {'second' if a is None else 'first'} file")
        elif (a.rows, a.digest) != (b.rows, b.digest):
            lines.append(f"{name}: {a.rows} rows {a.digest} vs {b.rows} rows {b.digest}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.fingerprint", description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, metavar="FILE")
    parser.add_argument("--compare", type=Path, metavar="OTHER", help="print the tables that differ from OTHER")
    parser.add_argument("--json", action="store_true", help="print the fingerprints as JSON")
    parser.add_argument("--all-columns", action="store_true",
                        help=f"keep the wall-clock columns ({', '.join(WALL_CLOCK_COLUMNS)}) in the digest")
    args = parser.parse_args(argv)
    exclude = () if args.all_columns else WALL_CLOCK_COLUMNS
    for path in (args.file, args.compare):
        if path is not None and not path.is_file():
            print(f"fingerprint: no such file: {path}", file=sys.stderr)
            return 2
    prints = fingerprint(args.file, exclude)
    if args.compare is not None:
        lines = differences(prints, fingerprint(args.compare, exclude))
        print("\n".join(lines) if lines else f"the same: {len(prints)} tables, row for row")
        return 1 if lines else 0
    if args.json:
        print(json.dumps({name: asdict(table) for name, table in prints.items()}, indent=1))
    else:
        for name, table in prints.items():
            skipped = f"  (without {', '.join(table.excluded)})" if table.excluded else ""
            print(f"{name:<60} {table.rows:>9} {table.digest}{skipped}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
