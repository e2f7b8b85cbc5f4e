"""A page's queries share one read-only connection to the serving copy (dashboards.data_access.page_connection),
never one to a file published after it was opened, and it is closed when the page is done."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from dashboards import data_access
from dashboards.data_access import connection


def publish(path: Path, value: int) -> None:
    """A tiny serving copy (marts.t with one value), written beside and renamed into place like the pipeline."""
    temporary = path.with_name(f".serving-{value}.duckdb")
    con = duckdb.connect(str(temporary))
    con.execute("create schema marts")
    con.execute(f"create table marts.t as select {value} as v")
    con.close()
    os.replace(temporary, path)


@pytest.fixture
def serving(tmp_path) -> Path:
    path = tmp_path / "serving.duckdb"
    publish(path, 1)
    connection._cached.clear()
    return path


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    """Every file data_access opens (the real duckdb.connect, counted)."""
    calls: list[str] = []
    connect = duckdb.connect

    def counting(database, *args, **kwargs):
        if Path(database).name == "serving.duckdb":  # (not the files `publish` writes)
            calls.append(str(database))
        return connect(database, *args, **kwargs)

    monkeypatch.setattr(connection.duckdb, "connect", counting)
    return calls


def value(serving: Path, n: int) -> int:
    # a different query each time, so that the results cache does not answer it
    return int(data_access.query(f"select v + 0 * {n} as v from marts.t", path=serving)["v"].iloc[0])


def test_queries_in_a_page_open_the_file_once(serving, opened):
    with data_access.page_connection(serving):
        assert [value(serving, n) for n in range(3)] == [1, 1, 1]
    assert len(opened) == 1
    assert connection._PAGE.con is None  # closed on leaving


def test_queries_outside_a_page_open_the_file_each_time(serving, opened):
    assert [value(serving, n) for n in range(3)] == [1, 1, 1]
    assert len(opened) == 3


def test_a_page_never_reads_the_old_file_for_a_new_publish(serving, opened):
    with data_access.page_connection(serving):
        assert value(serving, 0) == 1
        publish(serving, 2)  # the pipeline publishes while the page runs
        assert value(serving, 1) == 2  # the new file: the old connection was let go, the new file opened
        assert connection._PAGE.con is None
        assert value(serving, 2) == 2
    assert len(opened) == 3  # the first file once; the new file for each of its queries


def test_the_shared_connection_is_closed_after_an_error(serving):
    with pytest.raises(RuntimeError), data_access.page_connection(serving):
        shared = connection._PAGE.con
        raise RuntimeError("the page failed")
    assert connection._PAGE.con is None
    with pytest.raises(duckdb.ConnectionException):
        shared.execute("select 1")


def test_without_a_serving_copy_the_readers_still_say_so(tmp_path):
    missing = tmp_path / "serving.duckdb"
    with data_access.page_connection(missing), pytest.raises(data_access.ServingCopyMissing):
        data_access.query("select 1", path=missing)
