"""dbt in its own process, started before it is needed.

A dbt build used to start when the dbt asset ran: a new Python process importing dbt (about 1.3 s) and
parsing the project (about 1 s, partial parse) before the first model, all on the build's critical path.
A worker is that same process started earlier: ``python -m pipeline.dbt_worker`` imports dbt and
parses the project straight away, then waits for one line on its standard input (the build's dbt
arguments, as JSON), runs them with dbt's programmatic runner on the manifest it parsed, and exits with
dbt's exit code. Its standard output is dbt's JSON log lines, as from ``dbt --log-format json``, which is
what dagster-dbt reads from the process it starts, so the asset's events are made exactly as before.

The command line starts one (``prestart``) before it ingests, so that dbt starts on the other core while the
files are ingested; the dbt asset takes it (``take``) when it was started for the same project, profile and
warehouse, or starts one itself (the Dagster UI, the daemon). A worker that is not taken is stopped at exit
or when another is started; one whose parent dies reads the end of its input and exits. The parse reads the
project's files but opens no connection, so the worker never holds the warehouse while the ingest writes it.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

WAREHOUSE_VARIABLE = "WORKFORCE_WAREHOUSE_PATH"  # dbt_project/profiles.yml
PARTIAL_PARSE = "partial_parse.msgpack"
# dbt's log file (``dbt.log`` in the build's target folder) at info: each node's result and timing, warnings
# and errors. At dbt's default, debug, it also holds every SQL statement and connection event (about 3,000
# JSON lines a build), which costs about half a second of every build. ``DBT_LOG_LEVEL_FILE`` (dbt's own
# variable, e.g. ``debug``) overrides it.
FILE_LOG_LEVEL = "info"


@dataclass
class DbtWorker:
    """The parent's handle on a worker process."""

    process: subprocess.Popen
    project_dir: Path
    profiles_dir: Path
    target_path: Path
    warehouse: Path

    @classmethod
    def start(cls, project_dir: Path, profiles_dir: Path, target_path: Path, warehouse: Path) -> DbtWorker:
        project_dir, profiles_dir, warehouse = (Path(p).resolve() for p in (project_dir, profiles_dir, warehouse))
        env = {
            **os.environ,
            WAREHOUSE_VARIABLE: str(warehouse),
            # as dagster-dbt sets them for the dbt process it starts
            "DAGSTER_DBT_CLI": "true",
            "PYTHONUNBUFFERED": "1",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "DBT_LOG_FORMAT": "json",
            "DBT_TARGET_PATH": str(target_path),
            "DBT_LOG_PATH": str(target_path),
            "DBT_PROFILES_DIR": str(profiles_dir),
            "DBT_PROJECT_DIR": str(project_dir),
            "DBT_LOG_LEVEL_FILE": os.environ.get("DBT_LOG_LEVEL_FILE", FILE_LOG_LEVEL),
        }
        process = subprocess.Popen([sys.executable, "-m", "pipeline.dbt_worker"], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=project_dir)
        return cls(process=process, project_dir=project_dir, profiles_dir=profiles_dir,
                   target_path=Path(target_path), warehouse=warehouse)

    def serves(self, project_dir: Path, profiles_dir: Path, warehouse: Path) -> bool:
        """Still waiting, and started for this project, profile and warehouse."""
        wanted = tuple(Path(p).resolve() for p in (project_dir, profiles_dir, warehouse))
        return (self.project_dir, self.profiles_dir, self.warehouse) == wanted and self.process.poll() is None

    def run(self, args: list[str]) -> subprocess.Popen:
        """Hand the worker its dbt arguments; its output and exit code then come from ``process``."""
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(args).encode() + b"\n")
        self.process.stdin.close()
        self.process.args = ["dbt", *args]  # how dagster-dbt names the command in its log and errors
        return self.process

    def discard(self) -> None:
        """Stop an unused worker (it has written nothing but into its own target folder)."""
        self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()


def build_target(folder: Path, name: str) -> Path:
    """A build's dbt target folder in the home, seeded with the home's last partial parse.

    dbt re-parses the whole project when the profile changes, and the warehouse path (one per home) is part
    of the profile, so the parse made at install time never serves a home: each home keeps its own (the
    project files it was made from are checked by dbt as usual). Older build folders are removed.
    """
    for old in sorted(folder.glob("build-*"), key=lambda p: p.stat().st_mtime)[:-2]:
        shutil.rmtree(old, ignore_errors=True)
    target = folder / f"build-{name[:8]}"
    target.mkdir(parents=True, exist_ok=True)
    kept = folder / PARTIAL_PARSE
    if kept.exists():
        shutil.copy(kept, target / PARTIAL_PARSE)
    return target


def keep_partial_parse(target: Path) -> None:
    """Keep a build's partial parse for the home's next build."""
    parsed = target / PARTIAL_PARSE
    if parsed.exists():
        shutil.copy(parsed, target.parent / PARTIAL_PARSE)


_prestarted: DbtWorker | None = None


def prestart(project_dir: Path, builds: Path, warehouse: Path, keep_unused: bool = False) -> None:
    """Start a worker for this process's next build (``take``), its target folder in ``builds``. One that was
    started before and not taken is stopped, or with ``keep_unused`` kept when it is still running for the
    same project and warehouse (`workforce watch`: a run that loaded nothing new did not use it)."""
    global _prestarted
    if keep_unused and _prestarted is not None and _prestarted.serves(project_dir, project_dir, warehouse):
        return
    _discard_prestarted()
    target = build_target(builds, os.urandom(4).hex())
    _prestarted = DbtWorker.start(project_dir, project_dir, target, warehouse)  # profiles.yml in the project


def take(project_dir: Path, profiles_dir: Path, warehouse: Path) -> DbtWorker | None:
    """The prestarted worker, if there is one for this project, profile and warehouse (each worker serves
    once); another is stopped."""
    global _prestarted
    worker, _prestarted = _prestarted, None
    if worker is None:
        return None
    if not worker.serves(project_dir, profiles_dir, warehouse):
        worker.discard()
        return None
    return worker


@atexit.register
def _discard_prestarted() -> None:
    global _prestarted
    if _prestarted is not None:
        _prestarted.discard()
        _prestarted = None


# --- the worker process ------------------------------------------------------------------------------------

def main() -> None:
    from dbt.cli.main import dbtRunner

    # warnings and errors only: the build prints dbt's usual opening lines
    parsed = dbtRunner().invoke(["parse", "--log-level", "warn"])
    request = sys.stdin.readline()
    if not request:  # not needed after all
        _exit(0)
    if not parsed.success:  # its errors are already on the output
        _exit(2)
    result = dbtRunner(manifest=parsed.result).invoke(json.loads(request))
    _exit(0 if result.success else 1 if result.exception is None else 2)


def _exit(code: int) -> None:
    """Leave without Python's teardown of dbt's modules (about half a second), as ``orchestration.cli.program``
    does: the exit handlers (multiprocessing's release of dbt's locks), then the flush (dbt's log file is
    flushed on every line)."""
    atexit._run_exitfuncs()
    sys.stdout.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
