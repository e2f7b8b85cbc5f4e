"""Stage timings: each pipeline step appends how long it took to ``WORKFORCE_HOME/logs/timings.jsonl``.

One JSON object a line: ``{"stage", "seconds", "at", ...details}``. The benchmark (``bench/``) reads it to
time the stages of a real run; nothing else depends on it, and a failure to write it never stops a run.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from pipeline.settings import Settings


def timings_file(settings: Settings) -> Path:
    return settings.home / "logs" / "timings.jsonl"


def record(settings: Settings, stage: str, seconds: float, **details: object) -> None:
    """Append one stage's duration (and any details: files, records, ...)."""
    entry = {"stage": stage, "seconds": round(seconds, 4), "at": datetime.now(UTC).isoformat(), **details}
    try:
        path = timings_file(settings)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, default=str) + "\n")
    except OSError:
        pass


@contextmanager
def timed(settings: Settings, stage: str, **details: object) -> Iterator[dict]:
    """Time the block and record it; the block may add details to the yielded dict."""
    extra: dict = dict(details)
    began = time.perf_counter()
    try:
        yield extra
    finally:
        record(settings, stage, time.perf_counter() - began, **extra)


def read(settings: Settings) -> list[dict]:
    path = timings_file(settings)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
