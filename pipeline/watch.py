"""`workforce watch`: the pipeline as a resident service on one home's inbox.

`workforce run` is a command: each one starts Python, imports Dagster, dagster-dbt (and with it dbt-core),
pandas and pandera, opens the Dagster instance and starts a dbt worker that imports dbt again and parses the
project. On the national warehouse that start-up is about 3 s of a 9-12 s resubmission run, paid before the
first file is read. `workforce watch` pays it once: it keeps the definitions and the instance loaded and a
dbt worker started (pipeline/dbt_worker.py), and runs what `workforce run` runs each time a file
arrives in the inbox: ingest the new files, then rebuild only what they change (or everything, when the
warehouse is not complete), check, publish the serving copy and write the EES export.

A file counts as arrived when whoever wrote it has closed it (inotify's close-after-write, through
watchdog) or has renamed it into the inbox (the safe way to drop a file); a run starts once nothing else
has arrived for ``SETTLE_SECONDS``, so a folder copied in is one run. A file still being written (changed,
not yet closed) is left out of a run and taken by the one after its close; one whose close is never seen
(a network share, or watchdog's polling fallback) is taken once it has been unchanged for
``QUIET_SECONDS``. Events during a run start another run straight after it. The files already loaded are
recognised by content and skipped, as by `workforce run`; a run that fails is reported and the service
waits for the next file.

Only one process may write the warehouse: while `workforce watch` runs, do not run `workforce run` or
`workforce build` on the same home (DuckDB refuses the second writer). Stop it with Ctrl+C (or SIGTERM): a
run under way is finished first. The Dagster definitions are loaded once, so after a change to the dbt
project the service stops and asks to be started again.
"""

from __future__ import annotations

import gc
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

QUIET_SECONDS = 2.0  # a file whose writer's close was not seen is taken once it has been this quiet
SETTLE_SECONDS = 0.2  # after a file is completed, how long to wait for more (a folder copied in is one run)
PROJECT_CHANGED = 3  # the exit code when the dbt project changed under the service


class InboxEvents(FileSystemEventHandler):
    """What happened in the inbox since the last run: files completed (closed after writing, or moved in),
    and files still being written (created or modified, not yet closed), each with when it last changed."""

    def __init__(self) -> None:
        self.wake = threading.Event()  # anything happened
        self._lock = threading.Lock()
        self._complete = False
        self._last_event: float | None = None
        self._writing: dict[str, float] = {}  # path -> when it last changed

    def on_closed(self, event: FileSystemEvent) -> None:  # inotify IN_CLOSE_WRITE
        if not event.is_directory:
            self._note(str(event.src_path), complete=True)

    def on_moved(self, event: FileSystemEvent) -> None:  # renamed into (or within) the inbox
        if not event.is_directory:
            with self._lock:
                self._writing.pop(str(event.src_path), None)
            self._note(str(event.dest_path), complete=True)

    def on_created(self, event: FileSystemEvent) -> None:
        if not event.is_directory:
            self._note(str(event.src_path), complete=False)

    def on_modified(self, event: FileSystemEvent) -> None:
        if not event.is_directory:
            self._note(str(event.src_path), complete=False)

    def _note(self, path: str, complete: bool) -> None:
        now = time.monotonic()
        with self._lock:
            if complete:
                self._complete = True
                self._writing.pop(path, None)
            else:
                self._writing[path] = now
            self._last_event = now
        self.wake.set()

    def take(self, now: float | None = None) -> bool:
        """True (and forget it) when a run is due: a file was completed and nothing else happened for
        ``SETTLE_SECONDS``, or a file being written has been quiet for ``QUIET_SECONDS``."""
        now = time.monotonic() if now is None else now
        with self._lock:
            quiet = self._last_event is None or now - self._last_event >= SETTLE_SECONDS
            settled = [path for path, at in self._writing.items() if now - at >= QUIET_SECONDS]
            for path in settled:  # its writer's close was not seen: taken as complete
                del self._writing[path]
            due = (self._complete and quiet) or bool(settled)
            if due:
                self._complete = False
            return due

    def pending(self) -> bool:
        """Something seen that is not yet due (so the loop looks again shortly)."""
        with self._lock:
            return self._complete or bool(self._writing)

    def being_written(self) -> set[Path]:
        """The files changed and not yet closed: a run leaves them for the next one."""
        with self._lock:
            return {Path(path) for path in self._writing}


def watch(inbox: Path, run_once: Callable[[set[Path]], int], project_unchanged: Callable[[], bool],
          stop: threading.Event, log: Callable[[str], None] = print) -> int:
    """Run ``run_once`` now, then each time files arrive in ``inbox``, until ``stop`` is set (0) or the dbt
    project changes (``PROJECT_CHANGED``). ``run_once`` is given the files still being written, to leave out.
    A run that raises is reported and the service goes on."""
    events = InboxEvents()
    observer = Observer()
    observer.schedule(events, str(inbox), recursive=True)
    observer.start()
    try:
        due = True  # what is in the inbox already
        while not stop.is_set():
            if due:
                if not project_unchanged():
                    log("watch: the dbt project changed since the service started: start `workforce watch` again")
                    return PROJECT_CHANGED
                began = time.perf_counter()
                try:
                    code = run_once(events.being_written())
                except Exception as error:  # noqa: BLE001 - reported; the next file gets its own run
                    log(f"watch: the run failed: {type(error).__name__}: {error}")
                    code = 1
                log(f"watch: run finished in {time.perf_counter() - began:.1f} s (exit code {code}); "
                    f"waiting for files in {inbox}")
                gc.collect()  # while idle: what the run left in reference cycles
            # (a timeout, so that a signal's stop is seen within a second while idle)
            events.wake.wait(timeout=0.05 if events.pending() else 1.0)
            events.wake.clear()
            due = events.take() and not stop.is_set()
        return 0
    finally:
        observer.stop()
        observer.join()


def stop_on_signals(stop: threading.Event) -> None:
    """SIGINT and SIGTERM ask the loop to stop after the run under way."""

    def handler(signum, _frame) -> None:
        print(f"watch: {signal.Signals(signum).name}: stopping after the run under way", flush=True)
        stop.set()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
