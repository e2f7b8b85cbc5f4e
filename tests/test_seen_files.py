"""`workforce run` does not read again an inbox file that is unchanged on disk and already loaded, and still
sees every change, even one that keeps the file's size and modification time (pipeline/seen_files.py)."""

from __future__ import annotations

import json
import os
import time

import duckdb
import pytest

from pipeline.ingestion import IngestStats, ingest
from pipeline.seen_files import FILE_NAME, SETTLE_SECONDS, SeenFiles
from pipeline.settings import Settings
from tests.csww_builders import csww, la_level, worker

NO_AGENCY = la_level(NoAgencyFTE=0, NoAgencyHeadcount=0)
LATER = int((SETTLE_SECONDS + 1) * 1e9)  # a hash taken this long after the file's last change


def test_a_recorded_file_is_known_while_unchanged(tmp_path):
    path = tmp_path / "return.xml"
    path.write_bytes(b"<Message/>")
    seen = SeenFiles(tmp_path / "archive")
    seen.record(path, "abc", time.time_ns() + LATER)
    seen.save()
    assert SeenFiles(tmp_path / "archive").lookup(path) == ("abc", len(b"<Message/>"))


def test_a_file_hashed_right_after_it_changed_is_not_recorded(tmp_path):
    # it could change again within the same clock tick without its times showing it
    path = tmp_path / "return.xml"
    path.write_bytes(b"<Message/>")
    seen = SeenFiles(tmp_path / "archive")
    seen.record(path, "abc", time.time_ns())
    seen.save()
    assert SeenFiles(tmp_path / "archive").lookup(path) is None


def test_same_size_and_restored_modification_time_still_counts_as_a_change(tmp_path):
    path = tmp_path / "return.xml"
    path.write_bytes(b"<Cases30>15</Cases30>")
    before = path.stat()
    seen = SeenFiles(tmp_path / "archive")
    seen.record(path, "abc", time.time_ns() + LATER)
    seen.save()
    time.sleep(0.05)  # past the file system's clock tick
    path.write_bytes(b"<Cases30>16</Cases30>")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    assert SeenFiles(tmp_path / "archive").lookup(path) is None


def test_files_gone_are_forgotten_and_others_kept(tmp_path):
    kept, gone = tmp_path / "kept.xml", tmp_path / "gone.xml"
    for path in (kept, gone):
        path.write_bytes(b"<Message/>")
    first = SeenFiles(tmp_path / "archive")
    first.record(kept, "k", time.time_ns() + LATER)
    first.record(gone, "g", time.time_ns() + LATER)
    first.save()
    gone.unlink()
    SeenFiles(tmp_path / "archive").save()  # a pass that looked at neither file
    record = json.loads((tmp_path / "archive" / FILE_NAME).read_text())
    assert list(record) == [str(kept)]


def test_an_unreadable_record_means_hashing_everything(tmp_path):
    (tmp_path / FILE_NAME).write_text("{not json")
    path = tmp_path / "return.xml"
    path.write_bytes(b"<Message/>")
    assert SeenFiles(tmp_path).lookup(path) is None


# --- through the real ingest ------------------------------------------------------------------------------

@pytest.fixture
def settings(tmp_path, monkeypatch) -> Settings:
    monkeypatch.setenv("WORKFORCE_SECRET", "test-secret-not-for-production")
    return Settings(tmp_path / "home").ensure()


def _run(settings: Settings) -> tuple[list, IngestStats]:
    stats = IngestStats()
    outcomes = ingest([settings.inbox], settings, skip_loaded=True, progress=lambda line: None, stats=stats)
    return outcomes, stats


def _arrivals(settings: Settings) -> list[dict]:
    index = settings.archive / "index.jsonl"
    return [json.loads(line) for line in index.read_text().splitlines()] if index.exists() else []


def _current_checksums(settings: Settings) -> list[str]:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return [row[0] for row in con.execute(
            "select submission_id from raw.submissions where file_name = 'durham_2025.xml' order by arrived_at")
            .fetchall()]
    finally:
        con.close()


def test_ingest_skips_an_unchanged_loaded_file_without_reading_it_and_sees_a_same_size_change(settings):
    path = settings.inbox / "durham_2025.xml"
    path.write_bytes(csww([worker(SWENo="SW000001", Cases30=15)], lea="840", la=NO_AGENCY))
    time.sleep(SETTLE_SECONDS + 0.2)  # settled before it is first hashed, so that its checksum is kept

    first, _ = _run(settings)
    assert [o.status for o in first] == ["accepted"]
    assert len(_arrivals(settings)) == 1

    # unchanged: skipped from the record alone (no new arrival: it was not read again)
    second, stats = _run(settings)
    assert stats.skipped == 1
    assert [(o.checksum, o.status) for o in second] == [(first[0].checksum, "accepted")]
    assert len(_arrivals(settings)) == 1

    # one digit changed: same size, the modification time put back; it is read, archived and loaded
    before = path.stat()
    time.sleep(0.05)
    path.write_bytes(csww([worker(SWENo="SW000001", Cases30=16)], lea="840", la=NO_AGENCY))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    third, stats = _run(settings)
    assert stats.skipped == 0
    assert third[0].checksum != first[0].checksum
    assert [a["checksum"] for a in _arrivals(settings)] == [first[0].checksum, third[0].checksum]
    assert _current_checksums(settings) == [first[0].checksum, third[0].checksum]
