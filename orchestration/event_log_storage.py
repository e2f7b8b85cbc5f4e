"""The Dagster instance's event log: Dagster's own SQLite storage, keeping its database connections open.

Dagster's ``SqliteEventLogStorage`` opens a new SQLAlchemy engine and SQLite connection for every transaction,
and disposes of them again afterwards. A resubmission run of the national warehouse had about 500 events (a
planned event and a result for each asset and each dbt test's check, each step's output), each written to the
run's database and most again to the index database: about 1,200 transactions. That churn cost about 4 s of
a 25 s run (pyinstrument: ``store_event`` 11.7 s of a 33 s profiled run, most of it creating and disposing
of engines; SQLite's own commits were a fraction of it).

``WorkforceEventLogStorage`` is the same storage, with the same files, tables and locking, except that it
keeps one engine and one connection for each of the last few database files it used (the index and the
current runs'), under the lock Dagster already takes around every statement, and does not wait for the disk
at every commit (``_synchronous_normal``). The home's ``dagster.yaml``
(``pipeline/settings.py``) names it; the Dagster UI and daemon of that home use it too.

It overrides ``_connect``, a private method, so it is tied to the Dagster version in ``uv.lock``;
``tests/test_event_log_storage.py`` checks that it still stores and reads runs, assets and checks.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from dagster import Field, StringSource
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._core.storage.sql import create_engine
from dagster._serdes import ConfigurableClassData
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool

# the index database and the runs being written or read at a time (the Dagster UI reads several)
OPEN_DATABASES = 8


def default_base_dir() -> str:
    """Dagster's own default: ``$DAGSTER_HOME/history/runs`` (a home's earlier runs stay readable)."""
    home = os.environ.get("DAGSTER_HOME")
    if not home:
        raise ValueError("WorkforceEventLogStorage: set base_dir in dagster.yaml, or DAGSTER_HOME")
    return os.path.join(home, "history", "runs")


def _synchronous_normal(dbapi_connection, _record) -> None:
    """Dagster's databases are in WAL mode; there SQLite's ``synchronous=NORMAL`` no longer waits for the disk
    at every commit (it does at checkpoints) and the database stays consistent if the process dies. A
    transaction committed just before a power cut may be lost: a run's last events, never the warehouse."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class WorkforceEventLogStorage(SqliteEventLogStorage):
    """Dagster's SQLite event log storage with one open connection per database file (see the module)."""

    def __init__(self, base_dir: str | None = None, inst_data: ConfigurableClassData | None = None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._tables: set[str] = set()
        super().__init__(base_dir or default_base_dir(), inst_data=inst_data)

    @classmethod
    def config_type(cls) -> Mapping[str, Any]:
        return {"base_dir": Field(StringSource, is_required=False)}

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData | None, config_value: Mapping[str, Any]):
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> Engine:
        """This database file's engine (one connection, shared under ``_db_lock``), most recently used last."""
        engine = self._engines.pop(shard, None)
        if engine is None:
            engine = create_engine(
                self.conn_string_for_shard(shard),
                poolclass=StaticPool,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
            )
            event.listen(engine, "connect", _synchronous_normal)
        self._engines[shard] = engine
        while len(self._engines) > OPEN_DATABASES:
            _, oldest = self._engines.popitem(last=False)
            oldest.dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def has_table(self, table_name: str) -> bool:
        """Asked before every asset check result is stored; a table once there stays there."""
        if table_name not in self._tables and super().has_table(table_name):
            self._tables.add(table_name)
        return table_name in self._tables

    def dispose(self) -> None:
        super().dispose()
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()
