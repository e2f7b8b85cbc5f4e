"""Whether this home's warehouse is complete: the last build published, from the dbt project as it is now.

`workforce run` rebuilds only what a new file changes (the assets downstream of the raw tables it loaded)
when, and only when, the warehouse was whole before: the last build that started also published the serving
copy, and the dbt project (models, macros, tests, seeds, dbt_project.yml) has not changed since. Anything
else (a failed or interrupted build, a changed model or seed, a new home) means a full build.

The record is a small JSON file in the home (``dbt/published.json``): removed when a dbt build starts (and
when the EES export after it fails), written when the serving copy is published.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

from pipeline.settings import Settings
from reference.paths import DBT_PROJECT_DIR, PROJECT_ROOT, REFERENCE_DIR

RECORD = "published.json"


def project_files() -> list[Path]:
    """The files dbt builds the warehouse from (what `dbt parse` reads, and the seeds' data and properties)."""
    files = [p for folder in ("models", "macros", "tests") for p in (DBT_PROJECT_DIR / folder).rglob("*")
             if p.is_file()]
    files += [DBT_PROJECT_DIR / "dbt_project.yml", *REFERENCE_DIR.glob("*.csv"), *REFERENCE_DIR.glob("*.yml")]
    return sorted(files)


def project_fingerprint() -> str:
    """A hash of the dbt project's files: their paths and contents."""
    digest = hashlib.sha256()
    for path in project_files():
        digest.update(str(path.relative_to(PROJECT_ROOT)).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _record(settings: Settings) -> Path:
    return settings.home / "dbt" / RECORD


def build_started(settings: Settings) -> None:
    """A dbt build is starting: until it publishes, the warehouse may be part-built."""
    _record(settings).unlink(missing_ok=True)


def published(settings: Settings) -> None:
    """The serving copy was published from a complete build of the current project."""
    record = _record(settings)
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(json.dumps({"project": project_fingerprint(),
                                  "published_at": datetime.now(UTC).isoformat(timespec="seconds")}))


def warehouse_is_complete(settings: Settings) -> bool:
    """True when the last build published and the dbt project is unchanged since (so rebuilding only what
    new files change gives the same warehouse as a full build)."""
    try:
        recorded = json.loads(_record(settings).read_text())
    except (OSError, ValueError):
        return False
    return (settings.warehouse.exists() and settings.serving.exists()
            and recorded.get("project") == project_fingerprint())
