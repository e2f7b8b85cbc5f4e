"""`workforce watch` (pipeline/watch.py): the resident service runs what `workforce run` runs when a file
arrives in the inbox, and only then.

- what counts as an arrival (``InboxEvents``): a file closed after writing or moved in is due at once; other
  activity once the inbox has been quiet for ``QUIET_SECONDS``;
- the loop, on a real inbox folder watched by watchdog (inotify): a run at the start, one per file written
  or moved in, a stop when asked, and none after the dbt project changed;
- the real console script on a real home: the first run builds everything, a resubmission dropped in
  while it waits is loaded and rebuilt incrementally (the new figure is in the serving copy), and SIGTERM
  stops it cleanly.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from watchdog.events import DirModifiedEvent, FileClosedEvent, FileCreatedEvent, FileModifiedEvent, FileMovedEvent

from pipeline import watch
from tests.test_incremental_build import durham_2025, durham_headcount, two_returns_and_published
from tests.test_pipeline import WORKFORCE

pytestmark = pytest.mark.pipeline

# --- what counts as an arrival -------------------------------------------------------------------------------


def test_a_file_closed_after_writing_or_moved_in_is_due_once_nothing_else_arrives():
    events = watch.InboxEvents()
    assert not events.take()
    events.on_closed(FileClosedEvent("/inbox/a.xml"))
    closed = time.monotonic()
    assert events.wake.is_set() and events.pending()
    assert not events.take(now=closed)  # more may be coming (a folder copied in): one run for them all
    assert events.take(now=closed + watch.SETTLE_SECONDS)
    assert not events.take(now=closed + 60)  # taken once
    events.on_moved(FileMovedEvent("/staging/a.xml", "/inbox/a.xml"))
    assert events.take(now=time.monotonic() + watch.SETTLE_SECONDS)


def test_a_file_being_written_is_left_out_until_closed_or_quiet():
    events = watch.InboxEvents()
    events.on_created(FileCreatedEvent("/inbox/b.xml"))
    events.on_closed(FileClosedEvent("/inbox/a.xml"))
    began = time.monotonic()
    assert events.being_written() == {Path("/inbox/b.xml")}
    assert events.take(now=began + watch.SETTLE_SECONDS)  # a.xml's run, without b.xml
    assert events.being_written() == {Path("/inbox/b.xml")}
    events.on_modified(FileModifiedEvent("/inbox/b.xml"))  # still being written: the quiet starts again
    modified = time.monotonic()
    assert not events.take(now=modified + watch.QUIET_SECONDS - 0.1)
    events.on_closed(FileClosedEvent("/inbox/b.xml"))
    assert events.being_written() == set()
    assert events.take(now=time.monotonic() + watch.SETTLE_SECONDS)


def test_a_file_whose_close_is_never_seen_is_taken_once_quiet():
    events = watch.InboxEvents()
    events.on_modified(FileModifiedEvent("/share/inbox/c.xml"))
    modified = time.monotonic()
    assert events.pending()
    assert not events.take(now=modified + watch.QUIET_SECONDS / 2)
    assert events.take(now=modified + watch.QUIET_SECONDS)
    assert events.being_written() == set() and not events.pending()


def test_folder_events_are_not_arrivals():
    events = watch.InboxEvents()
    events.on_modified(DirModifiedEvent("/inbox"))
    assert not events.pending() and not events.take(now=time.monotonic() + 60)


# --- the loop, on a real watched folder ----------------------------------------------------------------------


def wait_for(condition, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_the_loop_runs_at_the_start_then_once_per_file_and_stops_when_asked(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    runs: list[float] = []
    stop = threading.Event()
    result: list[int] = []
    logged: list[str] = []
    left_out: list[set[Path]] = []

    def run_once(being_written: set[Path]) -> int:
        runs.append(time.monotonic())
        left_out.append(being_written)
        if len(runs) == 4:
            raise OSError("the warehouse is held by another process")  # reported; the service goes on
        return 0

    loop = threading.Thread(target=lambda: result.append(watch.watch(inbox, run_once, lambda: True, stop,
                                                                     log=logged.append)))
    loop.start()
    try:
        assert wait_for(lambda: len(runs) == 1)  # what is in the inbox already
        time.sleep(0.5)
        assert len(runs) == 1  # nothing arrived: no run
        (inbox / "durham.xml").write_bytes(b"<Message/>")  # written and closed
        assert wait_for(lambda: len(runs) == 2)
        staged = tmp_path / "darlington.xml"
        staged.write_bytes(b"<Message/>")
        staged.rename(inbox / "darlington.xml")  # moved in
        assert wait_for(lambda: len(runs) == 3)
        time.sleep(0.5)
        assert len(runs) == 3
        # a file left open by its writer is left out of the run another file starts
        with (inbox / "slow.xml").open("wb") as slow:
            slow.write(b"<Mess")
            slow.flush()
            (inbox / "quick.xml").write_bytes(b"<Message/>")
            assert wait_for(lambda: len(runs) == 4)
            assert left_out[3] == {(inbox / "slow.xml").resolve()} or left_out[3] == {inbox / "slow.xml"}
            slow.write(b"age/>")
        assert wait_for(lambda: len(runs) == 5)  # its close: its own run (after the failed one)
        assert left_out[4] == set()
    finally:
        stop.set()
        loop.join(timeout=10)
    assert not loop.is_alive() and result == [0]
    assert any("the run failed: OSError: the warehouse is held by another process" in line for line in logged)
    assert sum("run finished" in line for line in logged) == 5


def test_the_loop_stops_without_running_when_the_dbt_project_changed(tmp_path):
    runs: list[int] = []
    code = watch.watch(tmp_path, lambda: runs.append(1) or 0, lambda: False, threading.Event(),
                       log=lambda line: None)
    assert code == watch.PROJECT_CHANGED and runs == []


# --- the real service on a real home -------------------------------------------------------------------------


class Service:
    """``workforce watch`` on a home, its output read line by line."""

    def __init__(self, home: Path):
        env = {**os.environ, "WORKFORCE_HOME": str(home)}
        self.process = subprocess.Popen([WORKFORCE, "watch"], env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        self.lines: queue.Queue = queue.Queue()
        self.output: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)

    def until(self, prefix: str, timeout: float = 300) -> list[str]:
        """The lines up to and including the next one starting with ``prefix``."""
        seen: list[str] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                assert self.process.poll() is None, "".join(self.output)[-3000:]
                continue
            seen.append(line)
            self.output.append(line)
            if line.startswith(prefix):
                return seen
        raise AssertionError(f"no line starting {prefix!r} in {timeout} s:\n" + "".join(self.output)[-3000:])


@pytest.fixture(scope="module")
def service_home(tmp_path_factory) -> Path:
    home = tmp_path_factory.mktemp("watch") / "home"
    inbox = home / "inbox"
    inbox.mkdir(parents=True)
    two_returns_and_published(inbox)
    return home


def test_the_service_builds_then_loads_a_resubmission_dropped_in_and_stops_on_sigterm(service_home):
    service = Service(service_home)
    try:
        first = "".join(service.until("watch: run finished"))
        assert "durham_2025.xml: accepted" in first and "published" in first
        assert "(exit code 0)" in first, first[-3000:]
        assert durham_headcount(service_home) == 1
        # County Durham resubmits 2025 with two more in-post workers, written into the inbox while it waits
        staged = service_home / "durham_2025_resubmitted.xml"
        durham_2025(service_home, staged.name, extra_workers=2)
        staged.rename(service_home / "inbox" / staged.name)
        second = "".join(service.until("watch: run finished", timeout=120))
        assert "durham_2025_resubmitted.xml: accepted" in second, second[-3000:]
        assert "seeds, models and tests (incremental)" in second  # only what the new file changes
        assert "exported" in second and "(exit code 0)" in second
        assert durham_headcount(service_home) == 3
    finally:
        service.process.send_signal(signal.SIGTERM)
        code = service.process.wait(timeout=120)
    last = "".join(service.until("watch: SIGTERM", timeout=10))
    assert "stopping after the run under way" in last
    assert code == 0, "".join(service.output)[-3000:]
