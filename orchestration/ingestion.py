"""Ingest returns: archive each file unchanged, recognise it, validate it, quarantine what is rejected,
write its report and (unless only validating) load what was accepted into the raw layer.

Plain Python, called by the ingest asset; one file's failure never stops the others.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from orchestration import warehouse
from orchestration.settings import SEEDS_DIR, Settings
from validation import privacy
from validation.csww import validate_csww
from validation.issues import Issue
from validation.readers.csww_xml import MAX_BYTES, looks_like_csww
from validation.report import summary_rows, write_reports
from validation.result import ValidationResult

ACCEPTED_SUFFIXES = {".xml", ".xlsx", ".csv"}


@dataclass
class FileOutcome:
    path: Path
    checksum: str
    return_type: str
    status: str
    la: str | None
    year: int | None
    rows_received: int
    rows_accepted: int
    rows_rejected: int
    errors: int
    warnings: int
    report_html: Path | None
    report_xlsx: Path | None

    def line(self) -> str:
        if self.status == "rejected":
            what = "rejected"
        elif self.status == "rows_rejected":
            what = f"{self.rows_rejected} rows rejected"
        elif self.warnings:
            what = f"accepted with {self.warnings} warnings"
        else:
            what = "accepted"
        where = f" (report: {self.report_html})" if self.report_html else ""
        return f"{self.path.name}: {what}{where}"


def known_la_codes() -> set[str]:
    with (SEEDS_DIR / "reference" / "ref_local_authorities.csv").open(newline="", encoding="utf-8") as f:
        return {row["old_la_code"] for row in csv.DictReader(f)}


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named directly, and the files with a return's suffix inside folders (sorted, recursive)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ACCEPTED_SUFFIXES)
        elif path.exists():
            yield path
        else:
            raise FileNotFoundError(f"{path}: no such file or folder")


def archive_file(data: bytes, name: str, settings: Settings, arrived_at: datetime) -> tuple[str, Path]:
    """Keep the raw bytes under their SHA-256 (content-addressed) and log the arrival."""
    checksum = hashlib.sha256(data).hexdigest()
    target = settings.archive / checksum[:2] / f"{checksum}{Path(name).suffix.lower()}"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(target.suffix + ".part")
        temporary.write_bytes(data)
        os.replace(temporary, target)
    with (settings.archive / "index.jsonl").open("a", encoding="utf-8") as log:
        log.write(json.dumps({"checksum": checksum, "file_name": name, "arrived_at": arrived_at.isoformat(),
                              "bytes": len(data), "archive_path": str(target)}) + "\n")
    return checksum, target


def ingest(paths: Iterable[Path], settings: Settings, *, load: bool = True,
           expected_la: str | None = None, progress=print) -> list[FileOutcome]:
    settings.ensure()
    secret = privacy.load_secret(settings.home)
    known = known_la_codes()
    outcomes = []
    con = warehouse.connect(settings.warehouse) if load else None
    try:
        if con is not None:
            warehouse.create_raw_tables(con)
        files = list(iter_files(paths))
        for number, path in enumerate(files, start=1):
            outcome = _ingest_one(path, settings, secret, known, expected_la, con)
            outcomes.append(outcome)
            progress(f"[{number}/{len(files)}] {outcome.line()}")
    finally:
        if con is not None:
            con.close()
    return outcomes


def _ingest_one(path: Path, settings: Settings, secret: bytes, known: set[str], expected_la: str | None,
                con) -> FileOutcome:
    arrived_at = datetime.now(UTC).replace(tzinfo=None)
    size = path.stat().st_size
    data = path.read_bytes() if size <= 4 * MAX_BYTES else path.open("rb").read(4 * MAX_BYTES)
    checksum, archived = archive_file(data, path.name, settings, arrived_at)

    if size > MAX_BYTES:
        result = ValidationResult(file_name=path.name)
        result.issues.append(Issue("FILE001", None, None, None,
                                   f"the file is {size:,} bytes, far larger than any real return "
                                   f"(limit {MAX_BYTES:,}): not read"))
    elif looks_like_csww(data[:4096]):
        result = validate_csww(data, file_name=path.name, known_la_codes=known, secret=secret,
                               expected_la=expected_la)
    else:
        result = ValidationResult(file_name=path.name)
        result.issues.append(Issue("FILE001", None, None, None,
                                   "not a return this product recognises: expected CSWW census XML"))
    return_type = result.return_type

    _quarantine(result, checksum, archived, settings)
    la, year = result.old_la_code, result.census_year
    summary = summary_rows(file_name=path.name, checksum=checksum, la=la, year=year, status=result.status,
                           rows_received=result.rows_received, rows_accepted=result.rows_accepted,
                           rows_rejected=result.rows_rejected, issues=result.issues)
    base = settings.reports / f"{_safe(la) or 'unknown'}_{year or 'unknown'}_{checksum}"
    report_html, report_xlsx = write_reports(base, summary, result.issues)

    if con is not None:
        _load(con, result, checksum, return_type, path.name, archived, arrived_at, report_html, report_xlsx)
    return FileOutcome(path, checksum, return_type, result.status, la, year, result.rows_received,
                       result.rows_accepted, result.rows_rejected, result.error_count, result.warning_count,
                       report_html, report_xlsx)


def _quarantine(result: ValidationResult, checksum: str, archived: Path, settings: Settings) -> None:
    """Keep every rejected row (or the whole rejected file's whereabouts) with its reasons."""
    if not result.quarantined and not result.file_rejected:
        return
    record = {
        "checksum": checksum, "file_name": result.file_name, "archive_path": str(archived),
        "file_rejected": result.file_rejected,
        "file_reasons": [f"{i.rule_code}: {i.message}" for i in result.issues if i.rejects_file],
        "rows": result.quarantined,
    }
    target = settings.quarantine / f"{checksum}.json"
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(record, handle, indent=1, default=str)


def _load(con, result: ValidationResult, checksum: str, return_type: str, file_name: str, archived: Path,
          arrived_at: datetime, report_html: Path, report_xlsx: Path) -> None:
    previous = con.execute("select min(arrived_at) from raw.submissions where submission_id = ?",
                           [checksum]).fetchone()[0]
    submission = pd.DataFrame([{
        "submission_id": checksum, "return_type": return_type, "file_name": file_name,
        "archive_path": str(archived), "old_la_code": result.old_la_code, "census_year": result.census_year,
        "period_end": result.period_end, "arrived_at": previous or arrived_at, "status": result.status,
        "rows_received": result.rows_received, "rows_accepted": result.rows_accepted,
        "rows_rejected": result.rows_rejected, "error_count": result.error_count,
        "warning_count": result.warning_count, "report_html": str(report_html), "report_xlsx": str(report_xlsx),
    }])
    issues = pd.DataFrame([i.as_record(file_name) for i in result.issues])
    frames = {"submissions": submission, "validation_issues": _with_id(issues, checksum)}
    if not result.file_rejected:
        frames.update({table: _with_id(frame, checksum) for table, frame in result.frames.items()})
    warehouse.replace_submission(con, checksum, frames)


def _with_id(frame: pd.DataFrame, checksum: str) -> pd.DataFrame:
    if frame.empty:
        return frame
    frame = frame.copy()
    frame["submission_id"] = checksum
    return frame


def _safe(value: str | None) -> str | None:
    return None if value is None else "".join(c if c.isalnum() else "-" for c in value)
